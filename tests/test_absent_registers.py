"""A register not imported at all is not a failure (issue 18): the rules that need it have no data and say
which register and what to do; a register that is imported but lacks an entity's row still fails it."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pytest

from itscm_audit.config import Organisation, Policy, WorkspaceConfig
from itscm_audit.evidence import EvidenceIndex
from itscm_audit.importers.context import ImportResult
from itscm_audit.model import (
    ENTITY_FIELD,
    BackupRun,
    BackupStatus,
    Contact,
    CorrectiveAction,
    EntityKind,
    EvidenceItem,
    Exercise,
    ExerciseResult,
    ExerciseType,
    Finding,
    Incident,
    OrgData,
    PlanDocument,
    Service,
    SourceRef,
    TrainingRecord,
    Vendor,
)
from itscm_audit.registers import REGISTER_NAMES, imported_registers
from itscm_audit.result import CheckResult, EntityResult, EvidenceState, EvidenceStatus, Outcome, TableAccount
from itscm_audit.rules import RULES, RuleContext

AS_OF = date(2026, 9, 30)
H = timedelta(hours=1)
K = EntityKind
EVERY = frozenset(EntityKind)


def src(row: int, sheet: str = "S") -> SourceRef:
    return SourceRef(file="t.xlsx", sheet=sheet, row=row)


def run(rule_id: str, registers: frozenset[EntityKind] | None = None, evidence: EvidenceIndex | None = None,
        **data: Any) -> CheckResult:
    ctx = RuleContext(data=OrgData(**data), as_of=AS_OF, policy=Policy(),
                      config=WorkspaceConfig(organisation=Organisation(name="T"), frameworks=("iso22301", "gdpr")),
                      evidence=evidence,
                      registers=registers)
    return RULES[rule_id].evaluate(ctx)


def by_id(check: CheckResult) -> dict[str, EntityResult]:
    return {e.entity_id: e for e in check.entities}


def report(path: str, exercise: str) -> EvidenceStatus:
    item = EvidenceItem(path=path, sha256="0" * 64, evidence_type="post_exercise_report", collected=date(2026, 7, 1),
                        exercises=(exercise,), source=src(2, "manifest"))
    return EvidenceStatus(item=item, state=EvidenceState.FRESH, message=f"evidence/{path} current")


def one_of_each() -> dict[str, tuple[Any, ...]]:
    """Records of every kind, linked to one another, each with something to judge."""
    return {
        "services": (Service(id="A", name="A", tier=1, owner="O", rto=4 * H, rpo=1 * H, mtpd=8 * H,
                             backup_interval=1 * H, personal_data=True, phi=False, vendors=("V1",), source=src(2)),),
        "exercises": (Exercise(id="E1", date=date(2026, 6, 1), type=ExerciseType.FAILOVER, services=("A",),
                               achieved_recovery_time=5 * H, result=ExerciseResult.FAILED, source=src(3)),),
        "findings": (Finding(id="F1", exercise_id="E1", source=src(4)),),
        "corrective_actions": (CorrectiveAction(id="CA1", finding_id="F1", owner="O", due=date(2026, 1, 1),
                                                source=src(5)),),
        "contacts": (Contact(role="Crisis lead", name="Dana", alternate="Omar", critical_role=True,
                             last_verified=date(2024, 1, 1), source=src(6)),),
        "vendors": (Vendor(id="V1", name="V1", services=("A",), source=src(7)),),
        "plan_documents": (PlanDocument(id="P1", title="Plan", source=src(8)),),
        "training_records": (TrainingRecord(person="Dana", completed=date(2024, 1, 1), source=src(9)),),
        "incidents": (Incident(id="I1", personal_data_breach=True, jurisdictions=("EU", "CA", "CA-QC", "US"),
                               major_ict=True, risk_of_harm="high", detected=datetime(2026, 5, 1, 9),
                               source=src(10)),),
        "backup_runs": (BackupRun(service_id="A", completed=datetime(2026, 9, 1, 1), status=BackupStatus.FAILED,
                                  source=src(11)),),
    }


NEEDING = sorted((rid, kind) for rid, r in RULES.items() for kind in r.needs)


def test_every_rule_names_the_registers_it_reads() -> None:
    """Every rule over records declares its registers: the gate in ``Rule.evaluate`` then asks the one
    question (``RuleContext.imported``) for all of them."""
    assert [rid for rid, r in sorted(RULES.items()) if not r.needs] == ["evidence.current"]
    assert RULES["training.current"].needs == (K.CONTACT, K.TRAINING_RECORD)
    assert RULES["exercise.failures_have_findings"].needs == (K.EXERCISE, K.FINDING)
    assert RULES["finding.corrective_action"].needs == (K.FINDING, K.CORRECTIVE_ACTION)
    assert RULES["exercise.report"].evidence_needs == ("post_exercise_report",)


def test_with_every_register_the_records_are_judged() -> None:
    """The data above gives every rule over records something to decide (so the next test is not vacuous)."""
    undecided = [rid for rid in sorted(RULES) if rid != "evidence.current"
                 and run(rid, **one_of_each()).outcome == Outcome.NO_DATA]
    assert undecided == ["bia.dependency_rto", "bia.reviewed", "exercise.report", "exercise.rpo_achieved"]


@pytest.mark.parametrize(("rule_id", "kind"), NEEDING, ids=[f"{r}-{k.value}" for r, k in NEEDING])
def test_a_register_not_imported_leaves_the_rule_without_data_and_says_what_to_do(rule_id: str,
                                                                                  kind: EntityKind) -> None:
    data = {name: records for name, records in one_of_each().items() if name != ENTITY_FIELD[kind]}
    for registers in (None, EVERY - {kind}):  # read from the records, or as the import found them
        check = run(rule_id, registers, **data)
        assert check.outcome == Outcome.NO_DATA, (rule_id, registers)
        assert check.entities == () and not check.failing
        assert check.summary.startswith("No ") and f"{REGISTER_NAMES[kind]}" in check.summary
        assert "imported" in check.summary and ": import " in check.summary and "attest" in check.summary


def test_a_missing_findings_register_says_the_exercise_rows_were_looked_at_too() -> None:
    data = {k: v for k, v in one_of_each().items() if k not in ("findings", "corrective_actions")}
    check = run("finding.corrective_action", **data)
    assert check.summary.startswith("No findings register or corrective-action register imported (nor finding or "
                                    "action columns on the exercise or incident rows)")
    assert ": import them" in check.summary


def test_training_register_absent_fails_no_one() -> None:
    contacts = (Contact(role="Crisis lead", name="Dana Singh", alternate="Omar Haddad", source=src(2)),
                Contact(role="IT lead", name="Eric Martin", source=src(3)))
    check = run("training.current", contacts=contacts)
    assert check.outcome == Outcome.NO_DATA and check.entities == ()
    assert check.summary.startswith("No training register imported, so this is not assessed rather than failed: "
                                    "import it")


def test_training_register_present_still_fails_who_it_does_not_list() -> None:
    contacts = (Contact(role="Crisis lead", name="Dana Singh", alternate="Omar Haddad", source=src(2)),)
    trained = (TrainingRecord(person="Dana Singh", completed=date(2026, 3, 1), source=src(2, "Training")),)
    res = by_id(run("training.current", contacts=contacts, training_records=trained))
    assert res["Dana Singh"].outcome == Outcome.PASS
    assert res["Omar Haddad"].outcome == Outcome.FAIL and res["Omar Haddad"].message == "no training recorded"
    # imported with no row at all (every row rejected, or an empty sheet): everyone fails, it was given
    empty = run("training.current", frozenset({K.CONTACT, K.TRAINING_RECORD}), contacts=contacts)
    assert empty.outcome == Outcome.FAIL and {e.entity_id for e in empty.failing} == {"Dana Singh", "Omar Haddad"}


def _services() -> tuple[Service, ...]:
    return tuple(Service(id=s, name=s, tier=1, rto=4 * H, rpo=1 * H, source=src(i)) for i, s in enumerate("AB", 2))


def test_exercise_log_absent_fails_no_service() -> None:
    for rule_id in ("exercise.coverage", "exercise.type_mix", "exercise.rto_achieved", "exercise.rpo_achieved"):
        check = run(rule_id, services=_services())
        assert check.outcome == Outcome.NO_DATA and check.entities == (), rule_id
        assert check.summary.startswith("No exercise (drill) log imported"), rule_id


def test_exercise_log_present_still_fails_the_service_it_does_not_list() -> None:
    log = (Exercise(id="E1", date=date(2026, 5, 1), type=ExerciseType.FAILOVER, services=("A",),
                    achieved_recovery_time=6 * H, source=src(2, "Exercises")),)
    coverage = by_id(run("exercise.coverage", services=_services(), exercises=log))
    assert coverage["A"].outcome == Outcome.PASS
    assert coverage["B"].outcome == Outcome.FAIL and coverage["B"].message == "never exercised"
    mix = by_id(run("exercise.type_mix", services=_services(), exercises=log))
    assert mix["A"].outcome == mix["B"].outcome == Outcome.FAIL
    assert mix["B"].message.startswith("no discussion or technical exercise since")
    achieved = by_id(run("exercise.rto_achieved", services=_services(), exercises=log))
    assert achieved["A"].outcome == Outcome.FAIL  # 6h against a 4h RTO
    assert achieved["B"].outcome == Outcome.NOT_APPLICABLE  # never exercised: exercise.coverage fails it


def _failed_drills() -> tuple[Exercise, ...]:
    return tuple(Exercise(id=e, date=date(2026, 6, i), type=ExerciseType.FAILOVER, services=("A",),
                          result=ExerciseResult.FAILED, source=src(i, "Exercises")) for i, e in enumerate(("E1", "E2"), 2))


def test_findings_register_absent_fails_no_drill() -> None:
    check = run("exercise.failures_have_findings", exercises=_failed_drills())
    assert check.outcome == Outcome.NO_DATA and check.entities == ()
    assert check.summary.startswith("No findings register imported (nor finding columns on the exercise or incident "
                                    "rows)")


def test_findings_register_present_still_fails_the_drill_it_does_not_list() -> None:
    findings = (Finding(id="F1", exercise_id="E1", source=src(2, "Findings")),)
    res = by_id(run("exercise.failures_have_findings", exercises=_failed_drills(), findings=findings))
    assert res["E1"].outcome == Outcome.PASS
    assert res["E2"].outcome == Outcome.FAIL and res["E2"].message == "failed on 2026-06-03 but no finding raised"
    # a drill log whose finding column was empty on every row: the register is there (its column), and empty
    none = run("exercise.failures_have_findings", frozenset({K.EXERCISE, K.FINDING}), exercises=_failed_drills())
    assert none.outcome == Outcome.FAIL


def test_action_register_absent_fails_no_finding() -> None:
    findings = (Finding(id="F1", source=src(2, "Findings")), Finding(id="F2", source=src(3, "Findings")))
    check = run("finding.corrective_action", findings=findings)
    assert check.outcome == Outcome.NO_DATA and check.entities == ()
    assert check.summary.startswith("No corrective-action register imported (nor action columns")
    assert run("action.not_overdue", findings=findings).outcome == Outcome.NO_DATA


def test_action_register_present_still_fails_the_finding_it_does_not_list() -> None:
    findings = (Finding(id="F1", source=src(2, "Findings")), Finding(id="F2", source=src(3, "Findings")))
    actions = (CorrectiveAction(id="CA1", finding_id="F1", owner="Kim", due=date(2026, 12, 1), source=src(2)),)
    res = by_id(run("finding.corrective_action", findings=findings, corrective_actions=actions))
    assert res["F1"].outcome == Outcome.PASS
    assert res["F2"].outcome == Outcome.FAIL and res["F2"].message == "no corrective action"


def test_backup_log_absent_fails_no_service_and_present_still_judges() -> None:
    for rule_id in ("backup.gap_within_rpo", "backup.restore_tested"):
        check = run(rule_id, services=_services())
        assert check.outcome == Outcome.NO_DATA and check.summary.startswith("No backup log imported"), rule_id
    runs = (BackupRun(service_id="A", completed=datetime(2026, 9, 20, 1), status=BackupStatus.FAILED, source=src(2)),)
    gap = by_id(run("backup.gap_within_rpo", services=_services(), backup_runs=runs))
    assert gap["A"].outcome == Outcome.FAIL and gap["A"].message.startswith("only 0 successful backup(s)")
    restore = by_id(run("backup.restore_tested", services=_services(), backup_runs=runs))
    assert restore["A"].outcome == Outcome.FAIL and restore["A"].message == "no restore test recorded"


def test_vendor_list_absent_fails_nothing_and_present_still_judges() -> None:
    services = (Service(id="A", name="A", tier=1, rto=4 * H, rpo=1 * H, vendors=("V1",), source=src(2)),)
    for rule_id in ("bia.vendor_terms", "vendor.bc_reviewed"):
        check = run(rule_id, services=services)
        assert check.outcome == Outcome.NO_DATA and check.summary.startswith("No vendor list imported"), rule_id
    vendors = (Vendor(id="V1", name="V1", services=("A",), source=src(2, "Vendors")),)
    terms = by_id(run("bia.vendor_terms", services=services, vendors=vendors))
    assert terms["V1"].outcome == Outcome.FAIL and terms["V1"].message.startswith("no contract RTO for A")
    reviewed = by_id(run("vendor.bc_reviewed", services=services, vendors=vendors))
    assert reviewed["V1"].outcome == Outcome.FAIL and reviewed["V1"].message.startswith("never BC plan reviewed")


def test_no_post_exercise_report_in_the_locker_at_all_is_not_assessed() -> None:
    drills = _failed_drills()
    for locker in (None, EvidenceIndex()):
        check = run("exercise.report", evidence=locker, exercises=drills)
        assert check.outcome == Outcome.NO_DATA and not check.failing
        assert check.summary.startswith("No post-exercise report in the evidence locker at all (2 exercise(s) in the "
                                        "window), so this is not assessed rather than failed")
        assert "itscm-audit evidence add DIR FILE --type post_exercise_report --exercise ID" in check.summary
        # each exercise is still listed, with what its row says, so the officer knows what to file
        assert [(e.entity_id, e.outcome) for e in check.entities] == [("E1", Outcome.NO_DATA), ("E2", Outcome.NO_DATA)]
        assert check.entities[0].message == "no post-exercise report: no report named and none linked"


def test_a_locker_with_reports_still_fails_the_exercise_without_one() -> None:
    res = by_id(run("exercise.report", evidence=EvidenceIndex(statuses=(report("exercises/e1.md", "E1"),)),
                    exercises=_failed_drills()))
    assert res["E1"].outcome == Outcome.PASS
    assert res["E2"].outcome == Outcome.FAIL and res["E2"].message.startswith("no post-exercise report")


def test_an_empty_locker_says_how_to_fill_it() -> None:
    check = run("evidence.current", evidence=EvidenceIndex())
    assert check.outcome == Outcome.NO_DATA
    assert check.summary == ("No evidence in the locker yet: record each artefact with itscm-audit evidence add DIR "
                             "FILE --type TYPE.")


def test_imported_registers_count_tables_given_and_columns_carried_on_other_rows(tmp_path: Any) -> None:
    """A table of a kind counts even when none of its rows could be used; the finding and action columns of
    a one-sheet drill log count as those registers; a plain drill log does not."""
    from fixture_script import load
    from itscm_audit.importers import import_paths

    all_rejected = ImportResult(data=OrgData(), issues=(), digests={}, accounts=(
        TableAccount(file="data/training.xlsx", sheet="T", entity="training_record", rows_read=3, imported=0,
                     rejected=3, skipped=0),))
    assert imported_registers(all_rejected) == {K.TRAINING_RECORD}
    one_sheet = load("make_onboarding_fixtures").drill_log_csv(tmp_path)
    assert imported_registers(import_paths([one_sheet], None)) == {K.EXERCISE, K.FINDING, K.CORRECTIVE_ACTION}
    plain = load("make_partial_registers").exercise_log(tmp_path)
    assert imported_registers(import_paths([plain], None)) == {K.EXERCISE}


def test_a_register_lacks_a_column_only_when_its_table_has_none_and_nothing_was_written() -> None:
    from itscm_audit.model import ActionStatus, CorrectiveAction
    from itscm_audit.registers import every_lacks, lacks_column

    table = {"id": "Incident No.", "aware": "Made aware"}
    row = Incident(id="I1", source=src(2), columns=table)
    assert lacks_column(row, "registered") and lacks_column(row, "jurisdictions")
    assert not lacks_column(row, "aware")                                      # an empty cell under a header
    assert not lacks_column(row.model_copy(update={"registered": True}), "registered")  # given a value
    assert not lacks_column(row.model_copy(update={"raw": {"registered": "TBD"}}), "registered")
    assert not lacks_column(Incident(id="I2", source=src(3)), "registered")   # built by hand: an empty cell
    closed = CorrectiveAction(id="A1", status=ActionStatus.CLOSED, columns={"closed": "Closed on"}, source=src(2))
    assert not lacks_column(closed, "status")                                 # derived from the closing date
    assert lacks_column(closed.model_copy(update={"status": ActionStatus.OPEN}), "status")  # only the default
    assert every_lacks((row, row.model_copy(update={"id": "I3"})), "registered")
    assert not every_lacks((row, row.model_copy(update={"registered": False})), "registered")
    assert not every_lacks((), "registered")


def test_a_registers_name_says_what_its_rows_are() -> None:
    from itscm_audit.registers import named_as, register_label

    def at(file: str, sheet: str | None = None) -> Incident:
        return Incident(id="I1", source=SourceRef(file=file, sheet=sheet, row=2))

    assert named_as(at("data/Privacy Incident Log FY26.csv"), "breach")
    assert named_as(at("data/Registre des incidents de confidentialité.xlsx", "Registre"), "breach")
    assert named_as(at("data/registers.xlsx", "Data Breaches"), "breach")
    assert not named_as(at("data/incident-register.xlsx", "Incident Register"), "breach")
    assert not named_as(at("data/Graphic design incidents.xlsx"), "breach")   # whole words only
    assert named_as(at("data/Major ICT Incident Register.xlsx", "Incidents 2026"), "major_ict")
    assert not named_as(at("data/Privacy Incident Log FY26.csv"), "major_ict")
    assert register_label(at("data/sub/Privacy Incident Log FY26.csv")) == "'Privacy Incident Log FY26.csv'"
    assert register_label(at("data/x.xlsx", "Log")) == "'x.xlsx', sheet 'Log'"
    assert register_label(at("data/Call Tree.csv", "Call Tree")) == "'Call Tree.csv'"  # a CSV's own name
