"""Exercise rules: coverage window, achieved RTO/RPO, type mix, reports in the locker, findings."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from itscm_audit.config import Organisation, Policy, WorkspaceConfig
from itscm_audit.evidence import EvidenceIndex
from itscm_audit.model import (
    EntityKind,
    EvidenceItem,
    Exercise,
    ExerciseResult,
    ExerciseType,
    Finding,
    OrgData,
    Service,
    SourceRef,
)
from itscm_audit.result import CheckResult, EntityResult, EvidenceState, EvidenceStatus, Outcome
from itscm_audit.rules import RULES, RuleContext

AS_OF = date(2026, 9, 30)
H = timedelta(hours=1)


def src(row: int, sheet: str = "Exercises") -> SourceRef:
    return SourceRef(file="t.xlsx", sheet=sheet, row=row)


def run(rule_id: str, evidence: EvidenceIndex | None = None, policy: Policy | None = None,
        registers: frozenset[EntityKind] | None = None, **data: Any) -> CheckResult:
    config = WorkspaceConfig(organisation=Organisation(name="T"))
    ctx = RuleContext(data=OrgData(**data), as_of=AS_OF, policy=policy or Policy(), config=config,
                      evidence=evidence, registers=registers)
    return RULES[rule_id].evaluate(ctx)


def by_id(check: CheckResult) -> dict[str, EntityResult]:
    return {e.entity_id: e for e in check.entities}


def svc(sid: str, tier: int = 1, **kw: Any) -> Service:
    return Service(id=sid, name=sid, tier=tier, rto=4 * H, rpo=1 * H, source=src(5, "Services"), **kw)


EXERCISE_HEADERS = {"date": "Date", "type": "Type", "services": "Services Tested", "report": "Report",
                    "achieved_recovery_time": "Achieved Recovery Time", "achieved_data_loss": "Data Loss",
                    "result": "Result", "target_rto": "Target RTO"}


def ex(eid: str, day: date, services: tuple[str, ...], kind: ExerciseType | None = ExerciseType.FAILOVER,
       row: int = 2, **kw: Any) -> Exercise:
    return Exercise(id=eid, date=day, type=kind, services=services, source=src(row), columns=EXERCISE_HEADERS,
                    **kw)


def test_no_exercises_at_all() -> None:
    """An exercise log imported with no exercise in it: every critical service is never exercised. Without
    any exercise log, nothing is failed (tests/test_absent_registers.py)."""
    log = frozenset({EntityKind.SERVICE, EntityKind.EXERCISE})
    check = run("exercise.coverage", registers=log, services=(svc("A"), svc("B", tier=3)))
    res = by_id(check)
    assert res["A"].outcome == Outcome.FAIL and res["A"].message == "never exercised"
    assert res["B"].outcome == Outcome.NOT_APPLICABLE
    assert check.outcome == Outcome.FAIL
    for rule_id in ("exercise.rto_achieved", "exercise.report", "exercise.failures_have_findings"):
        assert run(rule_id, registers=log, services=(svc("A"),)).outcome == Outcome.NO_DATA
    assert run("exercise.coverage", services=(svc("A"),)).outcome == Outcome.NO_DATA


def test_coverage_window_and_as_of_date() -> None:
    exercises = (ex("E1", AS_OF, ("A",)),                     # on the as-of date: counts
                 ex("E2", date(2025, 9, 29), ("B",)),         # one day before the 12-month window
                 ex("E3", date(2025, 9, 30), ("C",)),         # first day of the window
                 ex("E4", date(2026, 10, 1), ("D",)))         # after as-of: ignored
    res = by_id(run("exercise.coverage", services=(svc("A"), svc("B"), svc("C"), svc("D")),
                    exercises=exercises))
    assert res["A"].outcome == Outcome.PASS and res["A"].metric == 0
    assert res["B"].outcome == Outcome.FAIL and "last exercised 2025-09-29 (E2), 366 days ago" in res["B"].message
    assert res["C"].outcome == Outcome.PASS
    assert res["D"].outcome == Outcome.FAIL and res["D"].message == "never exercised"
    assert res["B"].sources[1].column == "Date"
    res = by_id(run("exercise.coverage", policy=Policy(exercise_window_months=24),
                    services=(svc("B"),), exercises=exercises))
    assert res["B"].outcome == Outcome.PASS


def test_rto_and_rpo_achieved_use_the_latest_measured_exercise() -> None:
    exercises = (ex("OLD", date(2025, 1, 1), ("A",), achieved_recovery_time=2 * H, achieved_data_loss=0 * H),
                 ex("NEW", date(2026, 3, 1), ("A",), achieved_recovery_time=5.5 * H,
                    achieved_data_loss=timedelta(minutes=30), row=3),
                 ex("TT", date(2026, 6, 1), ("A",), ExerciseType.TABLETOP, row=4),
                 ex("B1", date(2026, 3, 1), ("B",), achieved_recovery_time=4 * H, achieved_data_loss=2 * H,
                    row=5))
    services = (svc("A"), svc("B"))
    rto = by_id(run("exercise.rto_achieved", services=services, exercises=exercises))
    assert rto["A"].outcome == Outcome.FAIL
    assert rto["A"].message == "NEW on 2026-03-01: recovery time 5.5h exceeds the current RTO 4h"
    assert rto["A"].metric == 5.5
    assert (rto["A"].sources[0].row, rto["A"].sources[0].column) == (3, "Achieved Recovery Time")
    assert rto["B"].outcome == Outcome.PASS  # exactly the RTO
    rpo = by_id(run("exercise.rpo_achieved", services=services, exercises=exercises))
    assert rpo["A"].outcome == Outcome.PASS and rpo["A"].metric == 0.5
    assert rpo["B"].outcome == Outcome.FAIL and "data loss 2h exceeds the current RPO 1h" in rpo["B"].message


def test_type_mix_needs_discussion_and_technical() -> None:
    exercises = (ex("T1", date(2026, 2, 1), ("A", "B"), ExerciseType.TABLETOP),
                 ex("F1", date(2026, 5, 1), ("A",), ExerciseType.FAILOVER),
                 ex("F0", date(2024, 5, 1), ("B",), ExerciseType.FAILOVER))  # outside the window
    res = by_id(run("exercise.type_mix", services=(svc("A"), svc("B"), svc("C")), exercises=exercises))
    assert res["A"].outcome == Outcome.PASS and res["A"].metric == 2
    assert res["B"].outcome == Outcome.FAIL
    assert res["B"].message.startswith("no technical exercise since 2025-09-30 (types held: tabletop)")
    assert res["C"].outcome == Outcome.FAIL and "no discussion or technical exercise" in res["C"].message


def test_type_mix_without_a_type_column_is_not_failed() -> None:
    untyped = {k: v for k, v in EXERCISE_HEADERS.items() if k != "type"}
    log = (Exercise(id="D1", date=date(2026, 2, 1), services=("A",), source=src(2, "DR tests"), columns=untyped),)
    check = run("exercise.type_mix", services=(svc("A"),), exercises=log)
    assert check.outcome == Outcome.NO_DATA and check.entities == ()
    assert check.summary.startswith("The exercise (drill) log has no exercise type column")
    # a second log with types: what it shows counts, and the untyped drills leave the rest open
    both = (*log, ex("T1", date(2026, 3, 1), ("A",), ExerciseType.TABLETOP))
    res = by_id(run("exercise.type_mix", services=(svc("A"),), exercises=both))["A"]
    assert res.outcome == Outcome.NO_DATA
    assert res.message == ("no technical exercise since 2025-09-30 (types held: tabletop); the type of 1 "
                           "exercise(s) is not recorded (no type column in 't.xlsx', sheet 'DR tests')")
    blank = by_id(run("exercise.type_mix", services=(svc("A"),), exercises=(
        ex("T1", date(2026, 3, 1), ("A",), ExerciseType.TABLETOP), ex("X", date(2026, 4, 1), ("A",), None, 3))))
    assert blank["A"].outcome == Outcome.FAIL  # an empty cell in a type column that exists: still a finding


def _status(path: str, state: EvidenceState, exercises: tuple[str, ...] = ()) -> EvidenceStatus:
    item = EvidenceItem(path=path, sha256="0" * 64, evidence_type="post_exercise_report",
                        collected=date(2026, 4, 2), exercises=exercises,
                        source=SourceRef(file="evidence/manifest.yaml", row=3))
    return EvidenceStatus(item=item, state=state, message=f"evidence/{path} {state.value}")


def test_exercise_report_in_locker() -> None:
    index = EvidenceIndex(statuses=(
        _status("exercises/E1.md", EvidenceState.FRESH),
        _status("exercises/linked.md", EvidenceState.FRESH, exercises=("E2",)),
        _status("exercises/E3.md", EvidenceState.CHANGED),
    ))
    exercises = (ex("E1", date(2026, 4, 1), ("A",), report="evidence/exercises/E1.md"),
                 ex("E2", date(2026, 4, 1), ("A",)),
                 ex("E3", date(2026, 4, 1), ("A",), report="exercises/E3.md"),
                 ex("E4", date(2026, 4, 1), ("A",), report="exercises/nowhere.md", row=7),
                 ex("E5", date(2024, 4, 1), ("A",)))
    check = run("exercise.report", evidence=index, exercises=exercises)
    res = by_id(check)
    assert res["E1"].outcome == Outcome.PASS
    assert res["E2"].outcome == Outcome.PASS and "exercises/linked.md" in res["E2"].message
    assert res["E3"].outcome == Outcome.FAIL and "changed" in res["E3"].message
    assert res["E4"].outcome == Outcome.FAIL
    assert res["E4"].message == "no post-exercise report: exercises/nowhere.md is not in the evidence locker"
    assert (res["E4"].sources[0].row, res["E4"].sources[0].column) == (7, "Report")
    assert "E5" not in res  # before the window
    assert check.evidence == ("exercises/E1.md", "exercises/linked.md", "exercises/E3.md")


def test_failed_exercises_need_findings() -> None:
    exercises = (ex("E1", date(2026, 4, 1), ("A",), result=ExerciseResult.FAILED),
                 ex("E2", date(2026, 4, 1), ("A",), result=ExerciseResult.PARTIAL),
                 ex("E3", date(2026, 4, 1), ("A",), result=ExerciseResult.PASSED))
    findings = (Finding(id="F1", exercise_id="E1", source=src(2, "Findings")),)
    res = by_id(run("exercise.failures_have_findings", exercises=exercises, findings=findings))
    assert res["E1"].outcome == Outcome.PASS and res["E1"].metric == 1
    assert res["E2"].outcome == Outcome.FAIL
    assert res["E2"].message == "partially passed on 2026-04-01 but no finding raised"
    assert "E3" not in res  # passed: nothing to follow up
