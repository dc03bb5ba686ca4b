"""The main job as one library call: assess, write the packs, record the run in the history.

The CLI and notebooks call this; it holds no logic of its own beyond the order of the stages and the
checks on where the packs may go.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from itscm_audit.errors import UsageError
from itscm_audit.gcpause import paused_gc
from itscm_audit.pipeline import StageTimer, assess
from itscm_audit.result import STATUS_RANK, AssessmentResult, RequirementStatus, Status

PROTECTED_FOLDERS = ("evidence", "data", ".itscm")
"""Workspace folders a pack must never be written into: the locker, the sources, the history."""


@dataclass(frozen=True)
class AssessOutcome:
    result: AssessmentResult
    """The result the packs were written from (redacted under ``--redact``)."""
    out_dir: Path
    paths: tuple[Path, ...]
    manifest_sha256: str | None = None
    """SHA-256 of the pack's manifest.json: recorded in the history, printed for the officer to keep."""

    def gate_failures(self, fail_on: str) -> tuple[RequirementStatus, ...]:
        """The requirements at or below ``fail_on`` (``not_met`` or ``partially_met``)."""
        threshold = STATUS_RANK[Status(fail_on)]
        return tuple(r for r in self.result.requirements if STATUS_RANK.get(r.status, -1) >= threshold)

    def gate_failed(self, fail_on: str) -> bool:
        """True when a requirement is at or below ``fail_on`` (``not_met`` or ``partially_met``)."""
        return bool(self.gate_failures(fail_on))

    def summary(self) -> dict[str, Any]:
        r = self.result
        return {
            "run_id": r.run.run_id,
            "label": r.run.label,
            "as_of": r.run.as_of.isoformat(),
            "organisation": r.run.organisation,
            "frameworks": [f.model_dump(mode="json") for f in r.frameworks],
            "redacted": r.run.redacted,
            "issues": len(r.issues),
            "out_dir": str(self.out_dir),
            "files": [p.name for p in self.paths],
            "manifest_sha256": self.manifest_sha256,
        }


def check_out_dir(workspace: Path, out: Path) -> None:
    """Refuse an output folder that is a file, or lies (symlinks followed) in the evidence locker, the
    data folder or the history of the workspace: packs there would pose as evidence or as sources."""
    if out.exists() and not out.is_dir():
        raise UsageError("--out is a file, not a folder", location=str(out),
                         hint="give a new or empty folder for the reports")
    real = out.resolve()
    for name in PROTECTED_FOLDERS:
        folder = (workspace / name).resolve()
        if real == folder or folder in real.parents:
            raise UsageError(f"--out lies inside the workspace's {name}/ folder", location=str(out),
                             hint=f"write the reports elsewhere, e.g. {workspace / 'reports'}")


def assess_and_report(
    workspace: Path,
    *,
    as_of: date | None = None,
    frameworks: Sequence[str] | None = None,
    out: Path | None = None,
    template: Path | None = None,
    redact: bool = False,
    label: str | None = None,
    record_history: bool = True,
    sign_key: Path | None = None,
    hook: Callable[[str], None] | None = None,
    full_result: bool = False,
) -> AssessOutcome:
    """Assess, write the packs and record the run.

    Under ``redact`` the result is masked once and that masked result is both written and recorded,
    so neither the packs nor the history keep the names. The default report folder is
    ``reports/<run-id>``; a different pack already there is never overwritten (the new one goes to
    ``<run-id>-2``...), while an explicit ``out`` that holds other files is refused.
    ``full_result`` embeds the imported records in result.json.
    """
    from itscm_audit.reporters import write_all

    if out is not None:
        check_out_dir(workspace, out)
    timer = StageTimer(hook=hook)
    from itscm_audit.reporters.chart_drawer import ChartDrawer

    # the chart helper starts first, so it imports matplotlib while the pipeline reads the spreadsheets
    with ChartDrawer() as charts, paused_gc():  # one GC pause for the whole job (see gcpause)
        result = assess(workspace, as_of, frameworks, timer=timer)
        if redact:
            from itscm_audit.reporters.redact import redact_result

            result, _redactor = redact_result(result)
        out_dir = out if out is not None else workspace / "reports" / result.run.run_id
        with timer.stage("reports"):
            paths = write_all(result, out_dir, template=template, workspace=workspace, sign_key=sign_key,
                              new_folder=out is None, full_result=full_result, charts=charts)
        written_to = paths[0].parent if paths else out_dir
        manifest = written_to / "manifest.json"
        digest = hashlib.sha256(manifest.read_bytes()).hexdigest() if manifest.is_file() else None
        if record_history:
            from itscm_audit.history import record_run

            with timer.stage("history"):
                record_run(workspace, result, label=label, manifest_sha256=digest)
    return AssessOutcome(result=result, out_dir=written_to, paths=tuple(paths), manifest_sha256=digest)
