"""``manifest.json``: SHA-256 of every input, evidence file and output, so a pack can be verified later.

``verify_pack`` recomputes the outputs' hashes: an auditor receiving the folder can tell whether any
report was edited, removed or added after the run.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itscm_audit.errors import VerificationFailed
from itscm_audit.evidence import safe_relative, sha256_file
from itscm_audit.fsio import write_text_atomic
from itscm_audit.reporters.base import PackContext

MANIFEST_NAME = "manifest.json"
MANIFEST_VERSION = 1


def _evidence(ctx: PackContext) -> list[dict[str, Any]]:
    """Evidence with the hash of the file as it is now when the workspace is at hand, else as recorded."""
    out = []
    root = ctx.workspace / "evidence" if ctx.workspace is not None else None
    for ev in ctx.result.evidence:
        entry: dict[str, Any] = {"path": ev.item.path, "recorded_sha256": ev.item.sha256, "state": ev.state.value}
        file = root / ev.item.path if root is not None else None
        if file is not None and file.is_file():
            entry["sha256"] = sha256_file(file)
        out.append(entry)
    return out


def build_manifest(ctx: PackContext, out_dir: Path) -> dict[str, Any]:
    run = ctx.result.run
    return {
        "manifest_version": MANIFEST_VERSION,
        "tool": {"name": "itscm-audit", "version": run.tool_version},
        "run_id": run.run_id,
        "label": run.label,
        "as_of": run.as_of.isoformat(),
        "organisation": run.organisation,
        "frameworks": list(run.frameworks),
        "catalogue_versions": dict(sorted(run.catalogue_versions.items())),
        "inputs": dict(sorted(run.input_digests.items())),
        "evidence": _evidence(ctx),
        "outputs": {p.relative_to(out_dir).as_posix(): sha256_file(p) for p in sorted(ctx.written)},
    }


def write_manifest(ctx: PackContext, path: Path) -> None:
    doc = build_manifest(ctx, path.parent)
    write_text_atomic(path, json.dumps(doc, indent=2, ensure_ascii=False) + "\n")


@dataclass(frozen=True)
class PackVerification:
    """What ``verify-pack`` found: outputs changed since the run, missing, or present but not listed;
    whether the manifest is the one the workspace history recorded; whether the signature holds."""

    directory: Path
    checked: int
    changed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unlisted: tuple[str, ...] = ()
    manifest: dict[str, Any] = field(default_factory=dict, repr=False)
    manifest_sha256: str = ""
    anchor: str | None = None
    """What the workspace history says of this manifest (None when no history was at hand)."""
    anchored: bool | None = None
    """True: the history recorded this manifest; False: it recorded another one for this run."""
    signature: str | None = None
    signature_valid: bool | None = None

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.unlisted or self.anchored is False
                    or self.signature_valid is False)

    def to_dict(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "ok": self.ok, "checked": self.checked,
                "changed": list(self.changed), "missing": list(self.missing), "unlisted": list(self.unlisted),
                "run_id": self.manifest.get("run_id"), "as_of": self.manifest.get("as_of"),
                "manifest_sha256": self.manifest_sha256, "anchored": self.anchored, "anchor": self.anchor,
                "signature_valid": self.signature_valid, "signature": self.signature}


def find_workspace(out_dir: Path) -> Path | None:
    """The workspace a pack was written in (``<workspace>/reports/<run-id>/``), when it has a history."""
    from itscm_audit.history import history_path

    candidate = Path(out_dir).resolve().parent.parent
    return candidate if history_path(candidate).is_file() else None


def _anchor(workspace: Path, run_id: Any, digest: str) -> tuple[str, bool | None]:
    """Compare the manifest's SHA-256 with what the history recorded for its run."""
    from itscm_audit.history import list_runs

    runs = [r for r in list_runs(workspace) if r.run_id == run_id]
    recorded = {r.manifest_sha256: r.run_no for r in runs if r.manifest_sha256}
    if not runs:
        return f"run {run_id} is not recorded in the history of {workspace}: the pack is not anchored", None
    if not recorded:
        return f"run {run_id} was recorded without a manifest digest: the pack is not anchored", None
    if digest in recorded:
        return f"manifest.json matches run {recorded[digest]} in the history of {workspace}", True
    return (f"manifest.json differs from the one recorded for run {run_id} in the history of {workspace}: the "
            "pack was altered after it was written", False)


def verify_pack(out_dir: Path, *, workspace: Path | None = None, public_key: Path | None = None) -> PackVerification:
    """Compare the files in ``out_dir`` with its manifest (dot-files, e.g. ``.DS_Store``, are ignored).

    The manifest itself is checked against the workspace history (``workspace``, or the folder two
    levels up when the pack sits in ``reports/``) and, with ``public_key``, against its signature.
    """
    from itscm_audit.signing import SIGNATURE_NAME, check_signature

    manifest_path = out_dir / MANIFEST_NAME
    if not manifest_path.is_file():
        raise VerificationFailed("no manifest.json: this is not a pack written by itscm-audit",
                                 location=str(out_dir), hint="run itscm-audit assess to write the packs")
    try:
        raw = manifest_path.read_bytes()
        manifest = json.loads(raw.decode("utf-8"))
        outputs = manifest["outputs"]
        if not isinstance(outputs, dict) or not all(isinstance(v, str) for v in outputs.values()):
            raise TypeError("outputs is not an object of file names and digests")
        for name in outputs:
            safe_relative(name)
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
        raise VerificationFailed(f"manifest.json is unreadable ({exc})", location=str(manifest_path),
                                 hint="the manifest itself was altered; regenerate the pack") from None
    changed, missing = [], []
    for name, digest in sorted(outputs.items()):
        file = out_dir / name
        if not file.is_file():
            missing.append(name)
        elif sha256_file(file) != digest:
            changed.append(name)
    present = {p.relative_to(out_dir).as_posix() for p in out_dir.rglob("*")
               if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out_dir).parts)}
    unlisted = sorted(present - set(outputs) - {MANIFEST_NAME, SIGNATURE_NAME})
    digest = hashlib.sha256(raw).hexdigest()
    anchor, anchored = None, None
    home = workspace if workspace is not None else find_workspace(out_dir)
    if home is not None:
        anchor, anchored = _anchor(home, manifest.get("run_id"), digest)
    signature, signature_valid = None, None
    if public_key is not None:
        check = check_signature(out_dir, public_key)
        signature, signature_valid = check.message, check.valid
    elif (out_dir / SIGNATURE_NAME).is_file():
        signature = "signed: pass --key with the signer's public key to check the signature"
    return PackVerification(directory=out_dir, checked=len(outputs), changed=tuple(changed),
                            missing=tuple(missing), unlisted=tuple(unlisted), manifest=manifest,
                            manifest_sha256=digest, anchor=anchor, anchored=anchored, signature=signature,
                            signature_valid=signature_valid)
