"""Next actions after an assessment: import what is missing, attest, add or renew evidence, fix, correct."""

from __future__ import annotations

from pathlib import Path

from itscm_audit.catalog import DecidedBy, Objective, Relationship
from itscm_audit.model import EntityKind
from itscm_audit.next_steps import (
    MissingRegister,
    missing_registers,
    next_actions,
    rule_inputs,
    unlisted_spreadsheets,
)
from itscm_audit.result import AssessmentResult, Contribution, RequirementStatus, Status
from result_factory import make_result


def _result() -> AssessmentResult:
    """The factory's result, plus a requirement the missing backup log leaves open and one that only a
    continuity policy (evidence) decides."""
    base = make_result()
    backups = RequirementStatus(framework="iso22301", requirement_id="8.3.5", title="Backups",
                                status=Status.NOT_ASSESSED, rationale="No data yet.", decided_by=DecidedBy.DATA,
                                rules=("backup.gap_within_rpo", "backup.restore_tested"))
    policy = RequirementStatus(
        framework="iso22301", requirement_id="5.2", title="Policy", status=Status.NOT_MET, rationale="No policy.",
        decided_by=DecidedBy.DATA, contributions=(Contribution(
            objective_id="OBJ-BC-POLICY", relationship=Relationship.EQUAL, strength=9,
            objective_status=Status.NOT_MET, rationale="x"),))
    definition = RequirementStatus(framework="quebec-law25", requirement_id="3.6", title="Definition",
                                   status=Status.NOT_ASSESSED, rationale="Not assessable by itself: a definition.",
                                   decided_by=DecidedBy.NOT_ASSESSABLE)
    return base.model_copy(update={"requirements": (*base.requirements, backups, policy, definition)})


OBJECTIVES = (
    Objective(id="OBJ-BC-POLICY", title="Policy", description="d", evidence_types=("bc_policy",)),
    Objective(id="OBJ-RTO-PROVEN", title="RTO", description="d", rules=("exercise.rto_achieved",)),
    Objective(id="OBJ-PLAN-APPROVED", title="Plans", description="d", rules=("plan.approved",),
              evidence_types=("continuity_plan",)),
)


def test_every_rule_says_which_records_it_reads() -> None:
    from itscm_audit.rules import RULES

    # every rule reads some register, except the one over the evidence locker itself
    assert [rid for rid in RULES if not rule_inputs(rid)] == ["evidence.current"]
    assert rule_inputs("bia.vendor_terms") == (EntityKind.SERVICE, EntityKind.VENDOR)
    assert rule_inputs("training.current") == (EntityKind.CONTACT, EntityKind.TRAINING_RECORD)


def test_missing_registers_name_the_requirements_they_leave_open() -> None:
    assert missing_registers(_result()) == (MissingRegister(EntityKind.BACKUP_RUN, ("iso22301:8.3.5",)),)
    line = missing_registers(_result())[0].line()
    assert line == ("no backup log found: 1 requirement(s) need it, an attestation or evidence "
                    "(iso22301:8.3.5)")


def test_next_actions_rank_by_requirements_concerned() -> None:
    actions = next_actions(_result(), OBJECTIVES, workspace=Path("acme"), limit=10)
    assert [(a.kind, len(a.requirements)) for a in actions] == [
        ("attest", 2), ("renew", 2), ("fix", 2), ("fix", 2), ("import", 1), ("evidence", 1), ("correct", 0)]
    text = {a.kind: a.text for a in actions}
    assert text["attest"].startswith("attest 2 requirement(s) no data decides: fill in their rows in attestations.xlsx")
    assert "nist-800-53-cp:CP-10(2), iso22301:8.3.5" in text["attest"]
    assert text["import"].startswith("import your backup log: none found, so 1 requirement(s) cannot be decided")
    assert "put the file in acme/data/" in text["import"]
    assert "(itscm-audit evidence add acme FILE --type bc_policy) for 1 requirement(s) (iso22301:5.2)" in text["evidence"]
    assert text["renew"].startswith("renew 2 evidence item(s) no longer current: plans/bcp-v3.pdf expired")
    assert text["correct"].startswith("correct 1 value(s) that could not be used")
    assert [a.kind for a in next_actions(_result(), OBJECTIVES)] == ["attest", "renew", "fix", "fix", "import"]


def test_a_gap_decided_by_evidence_alone_is_an_evidence_action_not_a_fix() -> None:
    result = _result()
    only_evidence = result.remediation[0].model_copy(update={"objective_id": "OBJ-BC-POLICY"})
    result = result.model_copy(update={"remediation": (only_evidence,)})
    kinds = [a.kind for a in next_actions(result, OBJECTIVES, limit=10)]
    assert "fix" not in kinds and "evidence" in kinds


def test_unlisted_spreadsheets(tmp_path: Path) -> None:
    (tmp_path / "data" / "old").mkdir(parents=True)
    for name in ("listed.xlsx", "new.csv", "old/2025.xlsx", "~$listed.xlsx", ".hidden.csv", "notes.md"):
        (tmp_path / "data" / name).write_text("x", encoding="utf-8")
    assert unlisted_spreadsheets(tmp_path, ["data/listed.xlsx"]) == ("data/new.csv", "data/old/2025.xlsx")
    assert unlisted_spreadsheets(tmp_path, []) == ()  # no sources: every spreadsheet in data/ is read


def test_every_missing_register_is_one_import_action_and_a_missing_report_an_evidence_one() -> None:
    """Issue 18: several registers missing make one 'import' action naming each with the requirements it
    leaves open (none is cut off the list); a rule without data for want of evidence (exercise.report with
    no post-exercise report at all) asks for that evidence type."""
    from itscm_audit.result import CheckResult, Outcome

    base = _result()
    training = RequirementStatus(framework="iso22301", requirement_id="7.2", title="Competence",
                                 status=Status.NOT_ASSESSED, rationale="No data yet.", decided_by=DecidedBy.DATA,
                                 rules=("training.current",))
    reported = RequirementStatus(
        framework="iso22301", requirement_id="8.5", title="Exercises", status=Status.NOT_ASSESSED,
        rationale="No data yet.", decided_by=DecidedBy.DATA, rules=("exercise.report",), contributions=(
            Contribution(objective_id="OBJ-EXERCISE-REPORTED", relationship=Relationship.EQUAL, strength=8,
                         objective_status=Status.NOT_ASSESSED, rationale="x"),))
    no_report = CheckResult(rule_id="exercise.report", title="Reports", outcome=Outcome.NO_DATA, summary="No report")
    registers = tuple(k for k in base.facts.registers or () if k != "training_record")
    result = base.model_copy(update={
        "requirements": (*base.requirements, training, reported),
        "checks": (*(c for c in base.checks if c.rule_id != "exercise.report"), no_report),
        "facts": base.facts.model_copy(update={"registers": registers})})
    objectives = (*OBJECTIVES, Objective(id="OBJ-EXERCISE-REPORTED", title="Reported", description="d",
                                         rules=("exercise.report",), evidence_types=("post_exercise_report",)))
    actions = {a.kind: a for a in next_actions(result, objectives, workspace=Path("acme"), limit=10)}
    assert actions["import"].text.startswith(
        "import your training register (1), backup log (1): none found, so 2 requirement(s) cannot be decided "
        "(iso22301:7.2, iso22301:8.3.5); put the files in acme/data/ and list them under 'sources:'")
    assert actions["import"].requirements == ("iso22301:7.2", "iso22301:8.3.5")
    assert actions["evidence"].text.startswith("add evidence of each type (itscm-audit evidence add acme FILE --type "
                                               "TYPE): bc_policy (1), post_exercise_report (1), for 2 requirement(s)")
