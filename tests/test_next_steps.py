"""Next actions after an assessment: import what is missing, attest, add or renew evidence, fix, correct."""

from __future__ import annotations

from pathlib import Path

from itscm_audit.catalog import DecidedBy, Objective, Relationship
from itscm_audit.model import EntityKind
from itscm_audit.next_steps import (
    RULE_INPUTS,
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

    assert {rid: rule_inputs(rid) for rid in RULES}  # KeyError for a rule the table does not know
    assert rule_inputs("bia.vendor_terms") == (EntityKind.SERVICE, EntityKind.VENDOR)
    assert set(RULE_INPUTS) >= {rid.split(".")[0] for rid in RULES}


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
