"""Registers that leave facts unsaid (no column for them) through ``init --from`` and ``assess``: an Irish
payments firm's privacy incident register, BIA, call tree and backup log (scripts/make_unsaid_registers.py).
The pack must read no silence as "no": a breach that is a row of the register is recorded in it, the
incidents take Ireland from itscm.yaml, no PHI flag is asked of a payments firm, and a call tree or a
backup log without the column is not failed on it."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from fixture_script import load
from itscm_audit.cli import main
from itscm_audit.config import load_config
from itscm_audit.pipeline import assess
from itscm_audit.result import AssessmentResult, CheckResult, EntityResult, Outcome
from itscm_audit.rules import RULES, RuleContext

unsaid = load("make_unsaid_registers")
FAILING = (Outcome.FAIL, Outcome.PARTIAL)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("officer") / "liffey files"
    unsaid.unsaid_registers_folder(folder)
    ws = tmp_path_factory.mktemp("init") / "liffey"
    out = CliRunner().invoke(main, ["init", str(ws), "--from", str(folder), "--name", "Liffey Card Services",
                                    "--sector", "payments", "--jurisdiction", "IE"])
    assert out.exit_code == 0, out.output
    return ws


@pytest.fixture(scope="module")
def result(workspace: Path) -> AssessmentResult:
    return assess(workspace, unsaid.AS_OF)


def check(result: AssessmentResult, rule_id: str) -> CheckResult:
    return next(c for c in result.checks if c.rule_id == rule_id)


def every_entity(workspace: Path, result: AssessmentResult, rule_id: str) -> dict[str, EntityResult]:
    """Every entity of a rule, passing ones included (the result keeps those as counts only)."""
    config = load_config(workspace)
    ctx = RuleContext(data=result.data, as_of=result.run.as_of, policy=config.policy, config=config)
    return {e.entity_id: e for e in RULES[rule_id].evaluate(ctx).entities}


def test_the_registers_say_nothing_they_have_no_column_for(result: AssessmentResult) -> None:
    assert [(i.id, i.personal_data_breach, i.registered, i.jurisdictions, i.major_ict)
            for i in result.data.incidents] == [("PIR-2026-01", True, None, (), None),
                                                ("PIR-2026-02", True, None, (), None),
                                                ("PIR-2026-03", False, None, (), None)]
    assert {c.critical_role for c in result.data.contacts} == {None}
    assert {r.restore_test for r in result.data.backup_runs} == {None}


def test_breaches_that_are_rows_of_the_register_are_recorded_in_it(workspace: Path,
                                                                   result: AssessmentResult) -> None:
    assert check(result, "privacy.breach_register").outcome == Outcome.PASS
    rows = every_entity(workspace, result, "privacy.breach_register")
    assert rows["PIR-2026-01"].message == ("recorded as a row of the privacy incident register 'Privacy Incident "
                                           "Register.csv' (no 'in breach register?' column: its rows are the "
                                           "record)")
    assert rows["PIR-2026-03"].outcome == Outcome.NOT_APPLICABLE


def test_an_irish_firms_breaches_are_assessed_under_gdpr(workspace: Path, result: AssessmentResult) -> None:
    gdpr = check(result, "privacy.gdpr_notification")
    assert gdpr.outcome == Outcome.PASS and gdpr.counts["pass"] == 2
    rows = every_entity(workspace, result, "privacy.gdpr_notification")
    assert rows["PIR-2026-02"].message == ("notified the supervisory authority 54 h after awareness; GDPR Art. 33(1) "
                                           "allows 72 h (jurisdiction taken from itscm.yaml (IE, EU): the incident "
                                           "register records none for it)")


def test_no_phi_flag_is_asked_of_a_payments_firm(result: AssessmentResult) -> None:
    flags = check(result, "bia.data_flags")
    assert not any("PHI" in e.message for e in flags.entities)
    assert [(e.entity_id, e.message) for e in flags.failing] == [("LCS-04",
                                                                  "missing personal-data flag (needed for GDPR)")]


def test_a_call_tree_and_a_backup_log_without_the_column_are_not_failed_on_it(result: AssessmentResult) -> None:
    for rule_id, said in (("contact.verified", "The call tree has no verification date column"),
                          ("contact.backup_channel", "The call tree has no backup channel column"),
                          ("backup.restore_tested", "The backup log has no restore-test column"),
                          ("privacy.dora_reporting", "The incident register has no major ICT incident column")):
        found = check(result, rule_id)
        assert found.outcome == Outcome.NO_DATA and found.summary.startswith(said), rule_id
    alternates = check(result, "contact.alternates")
    assert alternates.failing == ()
    assert [(e.entity_id, e.outcome) for e in alternates.entities] == [("IT Recovery Lead", Outcome.NO_DATA)]
