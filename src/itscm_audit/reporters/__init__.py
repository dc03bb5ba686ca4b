"""The packs: every format written from one AssessmentResult, each atomically.

``Format`` lists the formats and ``WRITERS`` maps each to its writer; ``write_all`` writes them in
order, the manifest last (it hashes the others). Each file goes to a temporary name in ``out_dir``
and is renamed over the old one only when complete, so a failed run leaves earlier reports intact.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from pathlib import Path

from itscm_audit.errors import ItscmError
from itscm_audit.gcpause import paused_gc
from itscm_audit.reporters.base import PackContext
from itscm_audit.reporters.manifest import PackVerification, verify_pack
from itscm_audit.reporters.safe import atomic_path
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
              full_result: bool = False) -> list[Path]:
    """Write every format (or ``formats``) into ``out_dir``; return the paths written, manifest last.

    ``full_result`` embeds the imported records in result.json (otherwise inputs are referenced by digest).
    """
    if template is not None and not template.is_file():
        raise ItscmError("Word template not found", location=str(template),
                         hint="pass an existing .docx with --template, or omit it to use the default")
    out_dir.mkdir(parents=True, exist_ok=True)
    redactor = None
    if redact:
        from itscm_audit.reporters.redact import redact_result

        result, redactor = redact_result(result)
    ctx = PackContext(result=result, template=template, workspace=workspace, redactor=redactor,
                      full_result=full_result)
    with paused_gc():  # the writers allocate millions of short-lived objects beside a large, acyclic result
        for fmt in sorted(formats, key=list(Format).index):
            path = out_dir / fmt.filename
            WRITERS[fmt](ctx, path)
            if fmt is not Format.MANIFEST:
                ctx.written.append(path)
    return [*ctx.written, *([out_dir / Format.MANIFEST.filename] if Format.MANIFEST in formats else [])]
