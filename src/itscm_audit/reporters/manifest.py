"""``manifest.json``: SHA-256 of every input, evidence file and output, so a pack can be verified later.

``verify_pack`` recomputes the outputs' hashes: an auditor receiving the folder can tell whether any
report was edited, removed or added after the run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itscm_audit.errors import VerificationFailed
from itscm_audit.evidence import sha256_file
from itscm_audit.reporters.base import PackContext
from itscm_audit.reporters.safe import write_text_atomic

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
    """What ``verify-pack`` found: outputs changed since the run, missing, or present but not listed."""

    directory: Path
    checked: int
    changed: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    unlisted: tuple[str, ...] = ()
    manifest: dict[str, Any] = field(default_factory=dict, repr=False)

    @property
    def ok(self) -> bool:
        return not (self.changed or self.missing or self.unlisted)

    def to_dict(self) -> dict[str, Any]:
        return {"directory": str(self.directory), "ok": self.ok, "checked": self.checked,
                "changed": list(self.changed), "missing": list(self.missing), "unlisted": list(self.unlisted),
                "run_id": self.manifest.get("run_id"), "as_of": self.manifest.get("as_of")}


def verify_pack(out_dir: Path) -> PackVerification:
    """Compare the files in ``out_dir`` with its manifest (dot-files, e.g. ``.DS_Store``, are ignored)."""
    manifest_path = out_dir / MANIFEST_NAME
    if not manifest_path.is_file():
        raise VerificationFailed("no manifest.json: this is not a pack written by itscm-audit",
                                 location=str(out_dir), hint="run itscm-audit assess to write the packs")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        outputs = manifest["outputs"]
        if not isinstance(outputs, dict):
            raise TypeError("outputs is not an object")
    except (ValueError, KeyError, TypeError) as exc:
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
    unlisted = sorted(present - set(outputs) - {MANIFEST_NAME})
    return PackVerification(directory=out_dir, checked=len(outputs), changed=tuple(changed),
                            missing=tuple(missing), unlisted=tuple(unlisted), manifest=manifest)
