"""The packs: every format written from one AssessmentResult, each atomically.

``Format`` lists the formats and ``WRITERS`` maps each to its writer; ``write_all`` writes them in
order, the manifest last (it hashes the others), into a hidden staging folder that is renamed into
place whole: a failed or killed run leaves earlier reports intact and never a folder mixing two runs.
"""

from __future__ import annotations

import errno
import os
import secrets
import shutil
from collections.abc import Callable
from enum import Enum
from pathlib import Path

from itscm_audit.errors import ItscmError, UsageError
from itscm_audit.fsio import atomic_path
from itscm_audit.gcpause import paused_gc
from itscm_audit.reporters.base import PackContext
from itscm_audit.reporters.chart_drawer import ChartDrawer
from itscm_audit.reporters.manifest import PackVerification, verify_pack
from itscm_audit.result import AssessmentResult

__all__ = ["Format", "WRITERS", "PackContext", "PackVerification", "write_all", "verify_pack"]


class Format(str, Enum):
    """Report formats, by file name, in the order they are written."""

    RESULT_JSON = "result.json"
    GAP_MATRIX = "gap-matrix.xlsx"
    FAILING_ENTITIES = "failing-entities.csv"
    EVIDENCE_PACK = "evidence-pack.docx"
    OSCAL_ASSESSMENT_RESULTS = "assessment-results.json"
    OSCAL_POAM = "poam.json"
    MANIFEST = "manifest.json"

    @property
    def filename(self) -> str:
        return self.value


Writer = Callable[[PackContext, Path], None]


def _write_result_json(ctx: PackContext, path: Path) -> None:
    """Streamed straight to the file: never one string the size of the document."""
    with atomic_path(path) as tmp, tmp.open("wb") as handle:
        ctx.result.write_json(handle, full=ctx.full_result)


def _write_xlsx(ctx: PackContext, path: Path) -> None:
    from itscm_audit.reporters.xlsx import write_xlsx

    write_xlsx(ctx, path)


def _write_failing_csv(ctx: PackContext, path: Path) -> None:
    from itscm_audit.reporters.failing_csv import write_failing_csv

    write_failing_csv(ctx, path)


def _write_docx(ctx: PackContext, path: Path) -> None:
    from itscm_audit.reporters.docx_pack import write_docx

    write_docx(ctx, path)


def _write_ar(ctx: PackContext, path: Path) -> None:
    from itscm_audit.reporters.oscal import write_assessment_results

    write_assessment_results(ctx, path)


def _write_poam(ctx: PackContext, path: Path) -> None:
    from itscm_audit.reporters.oscal import write_poam

    write_poam(ctx, path)


def _write_manifest(ctx: PackContext, path: Path) -> None:
    from itscm_audit.reporters.manifest import write_manifest

    write_manifest(ctx, path)


WRITERS: dict[Format, Writer] = {
    Format.RESULT_JSON: _write_result_json,
    Format.GAP_MATRIX: _write_xlsx,
    Format.FAILING_ENTITIES: _write_failing_csv,
    Format.EVIDENCE_PACK: _write_docx,
    Format.OSCAL_ASSESSMENT_RESULTS: _write_ar,
    Format.OSCAL_POAM: _write_poam,
    Format.MANIFEST: _write_manifest,
}


def write_all(result: AssessmentResult, out_dir: Path, *, template: Path | None = None, redact: bool = False,
              workspace: Path | None = None, formats: tuple[Format, ...] = tuple(Format),
              sign_key: Path | None = None, new_folder: bool = False,
              full_result: bool = False, charts: ChartDrawer | None = None) -> list[Path]:
    """Write every format (or ``formats``) as one pack in ``out_dir``; return the paths, manifest last.

    The pack is written in a hidden folder beside ``out_dir`` and renamed into place whole, so a failed
    or killed run never leaves a folder mixing two runs. An existing pack is never overwritten: if
    ``out_dir`` already holds the very same files the run changes nothing; if it holds anything else,
    the pack goes to ``out_dir-2``, ``-3``... when ``new_folder`` (the default report folder), and is
    refused otherwise (an explicit ``--out``). ``sign_key`` (Ed25519, PEM) signs the manifest.

    ``full_result`` embeds the imported records in result.json (otherwise inputs are referenced by digest).
    ``charts`` draws the Word pack's charts (a helper started before the pipeline, see ``chart_drawer``);
    without it one is started here.
    """
    if template is not None and not template.is_file():
        raise ItscmError("Word template not found", location=str(template),
                         hint="pass an existing .docx with --template, or omit it to use the default")
    out_dir = Path(out_dir)
    if out_dir.is_symlink():
        out_dir = out_dir.resolve()
    if out_dir.exists() and not out_dir.is_dir():
        raise UsageError("the output folder is a file", location=str(out_dir),
                         hint="give a new or empty folder with --out")
    signer = None
    if sign_key is not None:
        from itscm_audit.signing import load_private_key

        signer = load_private_key(sign_key)  # a bad key fails before anything is written
    redactor: Callable[[str], str] | None = None
    if result.run.redacted:  # already masked by the caller: only the free-text patterns remain to apply
        from itscm_audit.reporters.redact import pattern_redactor

        redactor = pattern_redactor()
    elif redact:
        from itscm_audit.reporters.redact import redact_result

        result, redactor = redact_result(result)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    own_charts = charts is None and Format.EVIDENCE_PACK in formats
    if own_charts:
        charts = ChartDrawer()
    staging = _staging_folder(out_dir)
    try:
        ctx = PackContext(result=result, template=template, workspace=workspace, redactor=redactor,
                          full_result=full_result, charts=charts)
        with paused_gc():  # the writers allocate millions of short-lived objects beside a large, acyclic result
            for fmt in sorted(formats, key=list(Format).index):
                path = staging / fmt.filename
                WRITERS[fmt](ctx, path)
                if fmt is not Format.MANIFEST:
                    ctx.written.append(path)
        names = [p.name for p in ctx.written]
        if Format.MANIFEST in formats:
            names.append(Format.MANIFEST.filename)
            if signer is not None:
                from itscm_audit.signing import sign_manifest

                names.append(sign_manifest(staging / Format.MANIFEST.filename, signer).name)
        final = _publish(staging, out_dir, new_folder=new_folder)
    finally:
        if own_charts and charts is not None:
            charts.close()
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    return [final / name for name in names]


_STAGING = ".partial-"


def _staging_folder(out_dir: Path) -> Path:
    """A new hidden folder beside ``out_dir`` (same disk, so the final rename is atomic).

    Staging folders left by killed runs (their process is gone) are removed first.
    """
    for old in out_dir.parent.glob(f".*{_STAGING}*"):
        pid = old.name.rsplit(_STAGING, 1)[-1].split("-", 1)[0]
        if old.is_dir() and pid.isdigit() and not _alive(int(pid)):
            shutil.rmtree(old, ignore_errors=True)
    staging = out_dir.with_name(f".{out_dir.name}{_STAGING}{os.getpid()}-{secrets.token_hex(4)}")
    staging.mkdir()
    return staging


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # exists, owned by someone else
        return True
    return True


def _files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*")
            if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)}


def _same_pack(staging: Path, target: Path) -> bool:
    """True when ``target`` holds exactly the files just written, byte for byte."""
    if not target.is_dir():
        return False
    ours, theirs = _files(staging), _files(target)
    return ours.keys() == theirs.keys() and all(
        ours[name].stat().st_size == theirs[name].stat().st_size
        and ours[name].read_bytes() == theirs[name].read_bytes() for name in ours)


def _publish(staging: Path, out_dir: Path, *, new_folder: bool) -> Path:
    """Move the staged pack into ``out_dir`` (or the first free ``out_dir-N``); never over other files."""
    candidates = [out_dir, *(out_dir.with_name(f"{out_dir.name}-{n}") for n in range(2, 1000))] \
        if new_folder else [out_dir]
    for target in candidates:
        if _same_pack(staging, target):
            return target  # the very same pack is already there: nothing to change
        try:
            os.rename(staging, target)  # atomic; refused by the OS when target is a non-empty folder
            return target
        except OSError as exc:
            if exc.errno not in (errno.ENOTEMPTY, errno.EEXIST, errno.ENOTDIR, errno.EISDIR):
                raise
    manifest = out_dir / Format.MANIFEST.filename
    held = "a different pack" if manifest.is_file() else "other files"
    raise UsageError(f"the output folder already holds {held}; nothing was overwritten", location=str(out_dir),
                     hint="choose a new or empty folder with --out, or move the old one aside")
