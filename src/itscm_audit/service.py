"""The main job as one library call: assess, write the packs, record the run in the history.

The CLI and notebooks call this; it holds no logic of its own beyond the order of the stages.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from itscm_audit.gcpause import paused_gc
from itscm_audit.pipeline import StageTimer, assess
from itscm_audit.result import STATUS_RANK, AssessmentResult, Status


@dataclass(frozen=True)
class AssessOutcome:
    result: AssessmentResult
    out_dir: Path
    paths: tuple[Path, ...]

    def gate_failed(self, fail_on: str) -> bool:
        """True when a requirement is at or below ``fail_on`` (``not_met`` or ``partially_met``)."""
        threshold = STATUS_RANK[Status(fail_on)]
        return any(STATUS_RANK.get(r.status, -1) >= threshold for r in self.result.requirements)

    def summary(self) -> dict[str, Any]:
        r = self.result
        return {
            "run_id": r.run.run_id,
            "label": r.run.label,
            "as_of": r.run.as_of.isoformat(),
            "organisation": r.run.organisation,
            "frameworks": [f.model_dump(mode="json") for f in r.frameworks],
            "issues": len(r.issues),
            "out_dir": str(self.out_dir),
            "files": [p.name for p in self.paths],
        }


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
    hook: Callable[[str], None] | None = None,
    full_result: bool = False,
) -> AssessOutcome:
    """Assess, write the packs (``full_result``: the imported records in result.json too), record the run."""
    from itscm_audit.reporters import write_all

    timer = StageTimer(hook=hook)
    with paused_gc():  # one pause for the whole job (see gcpause)
        result = assess(workspace, as_of, frameworks, timer=timer)
        out_dir = out if out is not None else workspace / "reports" / result.run.run_id
        with timer.stage("reports"):
            paths = write_all(result, out_dir, template=template, redact=redact, workspace=workspace,
                              full_result=full_result)
        if record_history:
            from itscm_audit.history import record_run

            with timer.stage("history"):
                record_run(workspace, result, label=label)
    return AssessOutcome(result=result, out_dir=out_dir, paths=tuple(paths))
