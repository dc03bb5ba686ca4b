"""From a folder holding only some registers to a pack that accuses the officer of no gap it cannot know
(issue 18): a credit union's BIA, call tree, vendor list and drill log, and nothing else
(scripts/make_partial_registers.py), through ``init --from`` and ``assess`` exactly as typed."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixture_script import load
from itscm_audit.cli import main
from itscm_audit.model import EntityKind
from itscm_audit.pipeline import assess
from itscm_audit.registers import REGISTER_NAMES
from itscm_audit.result import AssessmentResult, Outcome, Status
from itscm_audit.rules import RULES

partial = load("make_partial_registers")
AS_OF = partial.AS_OF
GIVEN = {EntityKind.SERVICE, EntityKind.CONTACT, EntityKind.VENDOR, EntityKind.EXERCISE}
FAILING = (Outcome.FAIL, Outcome.PARTIAL)


def _run(*args: str) -> str:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0 and result.exception is None, result.output
    return result.output


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    folder = tmp_path_factory.mktemp("officer") / "riverbend files"
    partial.partial_registers_folder(folder)
    ws = tmp_path_factory.mktemp("init") / "riverbend"
    out = _run("init", str(ws), "--from", str(folder), "--name", "Riverbend Credit Union", "--sector",
               "credit union", "--jurisdiction", "CA-ON")
    return ws, out


@pytest.fixture(scope="module")
def result(workspace: tuple[Path, str]) -> AssessmentResult:
    return assess(workspace[0], AS_OF)


def test_the_registers_given_are_the_registers_known(result: AssessmentResult) -> None:
    assert result.facts.registers == tuple(sorted(k.value for k in GIVEN))
    assert result.evidence == ()


def test_the_call_tree_is_not_failed_for_a_training_register_never_given(result: AssessmentResult) -> None:
    training = result.check("training.current")
    assert training.outcome == Outcome.NO_DATA and training.entities == ()
    assert training.summary.startswith("No training register imported, so this is not assessed rather than "
                                       "failed: import it")
    assert "attest" in training.summary
    named = {e.entity_id for c in result.checks for e in c.failing}
    assert named.isdisjoint(partial.PEOPLE)  # the nine people of the call tree: none accused
    seven_two = result.requirement("iso22301", "7.2")
    assert seven_two.status == Status.NOT_ASSESSED
    assert seven_two.rationale.startswith("What would decide it: No training register imported")


def test_a_rule_without_its_register_says_which_and_fails_nothing(result: AssessmentResult) -> None:
    for check in result.checks:
        absent = [k for k in RULES[check.rule_id].needs if k not in GIVEN]
        if absent:
            assert check.outcome == Outcome.NO_DATA and not check.failing, check.rule_id
            assert all(REGISTER_NAMES[k] in check.summary for k in absent), check.summary
            assert ": import " in check.summary, check.summary


def test_no_requirement_is_not_met_only_because_a_register_or_evidence_type_is_absent(
        result: AssessmentResult) -> None:
    """Every gap traces to a rule that judged records the officer gave: an objective is not (fully) met only
    when one of its rules failed; a requirement is not met only through such an objective."""
    by_rule = {c.rule_id: c for c in result.checks}
    for o in result.objectives:
        if o.status.is_gap:
            failed = [r for r in o.rules if by_rule[r].outcome in FAILING]
            assert failed, (o.objective_id, o.rationale)
            assert all(set(RULES[r].needs) <= GIVEN for r in failed)
    gapped = {o.objective_id for o in result.objectives if o.status.is_gap}
    for r in result.requirements:
        if r.status == Status.NOT_MET:
            assert any(c.objective_id in gapped for c in r.contributions), (r.requirement_id, r.rationale)
    # the real gaps are still found, on the rows given
    assert {e.entity_id for e in result.check("exercise.coverage").failing} == {"RCU-04"}
    assert {e.entity_id for e in result.check("contact.verified").failing} == {"Facilities"}
    assert {e.entity_id for e in result.check("bia.vendor_terms").failing} == {"VEN-02"}
    assert {e.entity_id for e in result.check("exercise.rto_achieved").failing} == {"RCU-02"}


@pytest.mark.parametrize(("requirement", "evidence_type"), [
    ("5.2.1", "bc_policy"), ("8.2.3", "risk_assessment"), ("9.2.1", "internal_audit_report"),
    ("9.3.1", "management_review_minutes")])
def test_evidence_only_requirements_are_open_and_say_what_to_add(result: AssessmentResult, requirement: str,
                                                                 evidence_type: str) -> None:
    r = result.requirement("iso22301", requirement)
    assert r.status == Status.NOT_ASSESSED, r.rationale
    assert (f"no evidence of type {evidence_type} in the evidence locker; add evidence of type {evidence_type} "
            f"(itscm-audit evidence add DIR FILE --type {evidence_type}), or attest it") in r.rationale


def test_the_drill_log_without_reports_or_findings_is_open_not_failed(result: AssessmentResult) -> None:
    report = result.check("exercise.report")
    assert report.outcome == Outcome.NO_DATA and not report.failing
    assert "--type post_exercise_report --exercise ID" in report.summary
    findings = result.check("exercise.failures_have_findings")
    assert findings.outcome == Outcome.NO_DATA  # EX-26-03 failed; the log has no finding column, no register
    assert findings.summary.startswith("No findings register imported (nor finding columns")


def test_init_and_assess_say_what_to_import_and_what_evidence_to_add(workspace: tuple[Path, str]) -> None:
    ws, init_out = workspace
    assert "no training register found: 1 requirement(s) need it" in init_out
    assessed = _run("assess", str(ws), "--as-of", AS_OF.isoformat())
    actions = assessed.split("Next actions (most requirements first):\n", 1)[1].splitlines()
    imports = [a for a in actions if ". import your " in a]
    assert len(imports) == 1  # one action naming every register none of the files holds
    for name in ("training register", "incident register", "backup log", "register of plans and policies",
                 "findings register", "corrective-action register"):
        assert name in imports[0]
    evidence = [a for a in actions if ". add evidence of each type " in a]
    assert len(evidence) == 1
    assert f"(itscm-audit evidence add {ws} FILE --type TYPE)" in evidence[0]
    for etype in ("bc_policy", "management_review_minutes", "risk_assessment", "post_exercise_report"):
        assert etype in evidence[0]


def test_an_attestation_then_decides_an_evidence_only_requirement(workspace: tuple[Path, str],
                                                                  tmp_path: Path) -> None:
    import shutil

    import openpyxl

    ws = tmp_path / "riverbend"
    shutil.copytree(workspace[0], ws)
    wb = openpyxl.load_workbook(ws / "attestations.xlsx")
    sheet = wb["Attestations"]
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2) if r[0].value == "iso22301" and r[1].value == "5.2.1")
    values = {"Status": "Met", "Statement": "Policy approved by the board", "Owner": "D. Singh",
              "Date": dt.datetime(2026, 9, 1)}
    for name, value in values.items():
        row[header.index(name)].value = value
    wb.save(ws / "attestations.xlsx")
    r = assess(ws, AS_OF).requirement("iso22301", "5.2.1")
    assert r.status == Status.MET and "D. Singh" in r.rationale
