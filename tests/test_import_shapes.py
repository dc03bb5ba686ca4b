"""Registers other organisations keep (scripts/make_foreign_fixtures.py), English and French: the records,
the located issues and the row accounting of each, and what the rules then say about them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fixture_script import shapes
from import_support import AS_OF, H, accounts, import_at_as_of, located
from itscm_audit.config import Organisation, Policy, WorkspaceConfig
from itscm_audit.importers import ImportResult, import_files
from itscm_audit.model import ActionStatus, ExerciseResult, ExerciseType, OrgData, Severity
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules import RULES, RuleContext


def _check(data: OrgData, rule_id: str) -> dict[str, EntityResult]:
    ctx = RuleContext(data=data, as_of=AS_OF, policy=Policy(), config=WorkspaceConfig(organisation=Organisation(
        name="Laurentian Credit Union")))
    check: CheckResult = RULES[rule_id].evaluate(ctx)
    return {e.entity_id: e for e in check.entities}


# --- a BIA register with repeated headers, bands, totals, notes and placeholders ---------------------------

@pytest.fixture
def bia(tmp_path: Path) -> ImportResult:
    return import_at_as_of(shapes.bia_register_with_noise(tmp_path))


def test_rows_that_are_not_records_are_skipped_with_their_reason(bia: ImportResult) -> None:
    assert [s.id for s in bia.data.services] == ["SVC-01", "SVC-02", "SVC-03", "SVC-04", "SVC-05", "SVC-06",
                                                  "SVC-07"]
    skipped = {i.source.row: i.message for i in bia.issues if i.code == "row.skipped"}
    assert sorted(skipped) == [5, 9, 10, 15, 16, 17, 18]
    assert skipped[9] == "the header repeated"
    assert skipped[5].startswith("section band ('Tier 1 services')")
    assert skipped[15].startswith("totals row ('Total')")
    assert skipped[16].startswith("note") and skipped[18].startswith("note")
    assert skipped[17].startswith("legend row")
    assert accounts(bia) == {"BIA 2026": (14, 7, 0, 7)}
    (mapping,) = bia.mappings
    assert mapping.header_row == 4 and mapping.entity.value == "service" and mapping.runner_up is None


def test_usual_names_of_id_and_personal_data_flags(bia: ImportResult) -> None:
    (mapping,) = bia.mappings
    fields = {c.header: c.field for c in mapping.columns}
    assert fields["Svc Code"] == "id" and fields["PII (Y/N)"] == "personal_data" and fields["Holds PHI?"] == "phi"
    assert fields["Lifecycle"] == "status" and fields["Last BIA Review"] == "bia_reviewed"
    core = bia.data.services[0]
    assert (core.personal_data, core.phi, core.bia_reviewed) == (True, False, dt.date(2026, 3, 15))
    assert core.columns["rto"] == "RTO (hrs)" and core.raw["rto"] == "4" and core.rto == 4 * H


def test_placeholders_are_not_given_with_the_text_kept_and_a_located_issue(bia: ImportResult) -> None:
    by_id = {s.id: s for s in bia.data.services}
    assert by_id["SVC-02"].rto is None and by_id["SVC-02"].not_given == {"rto": "unknown"}
    assert by_id["SVC-02"].raw["rto"] == "TBD"
    assert by_id["SVC-04"].not_given == {"rto": "unknown", "rpo": "not_applicable"}
    assert by_id["SVC-05"].not_given == {"rpo": "not_applicable"}
    assert by_id["SVC-05"].raw["rpo"] == "N/A - vendor dependency"
    assert by_id["SVC-06"].owner is None and by_id["SVC-06"].not_given == {"owner": "unknown"}
    assert located(bia, "value.not_given") == [
        (7, "RTO (hrs)", "TBD"), (11, "RTO (hrs)", "?"), (11, "RPO (hrs)", "n/a"),
        (12, "RPO (hrs)", "N/A - vendor dependency"), (13, "Owner", "TBC"), (14, "RTO (hrs)", "see note 2")]
    reasons = {i.source.value: (i.severity, i.message) for i in bia.issues if i.code == "value.not_given"}
    assert reasons["TBD"][0] is Severity.WARNING
    assert reasons["N/A - vendor dependency"] == (
        Severity.INFO, "RPO not given (does not apply): 'N/A - vendor dependency'; reason: vendor dependency")


def test_negative_durations_are_rejected_not_read(bia: ImportResult) -> None:
    by_id = {s.id: s for s in bia.data.services}
    assert by_id["SVC-03"].rto is None and by_id["SVC-05"].rto is None
    assert [(r, c, v) for r, c, v in located(bia, "value.unreadable")] == [(8, "RTO (hrs)", "-48"),
                                                                          (12, "RTO (hrs)", "-4 hrs")]
    assert by_id["SVC-03"].raw["rto"] == "-48"


def test_bands_give_their_tier_and_judged_words_are_warnings(bia: ImportResult) -> None:
    by_id = {s.id: s for s in bia.data.services}
    assert by_id["SVC-05"].tier == 2 and by_id["SVC-05"].raw["tier"] == "Tier 2 services"
    assert by_id["SVC-04"].tier == 2 and by_id["SVC-06"].tier == 4
    interpreted = {(i.source.row, i.source.value): i.severity for i in bia.issues if i.code == "value.interpreted"}
    assert interpreted == {(8, "1 business day"): Severity.WARNING, (11, "High"): Severity.WARNING,
                           (13, "Low"): Severity.WARNING}
    readings = {(i.column, i.raw): (i.value, i.count, i.confident) for i in bia.interpretations()}
    assert readings[("Criticality", "Low")] == ("4", 1, False)
    assert readings[("MTPD", "1 business day")] == ("24h", 1, False)
    assert readings[("PII (Y/N)", "Y")] == ("yes", 4, True)


def test_lifecycle_keeps_retired_and_planned_services_out_of_scope(bia: ImportResult) -> None:
    by_id = {s.id: s for s in bia.data.services}
    assert [(s.id, s.status, s.in_scope) for s in bia.data.services if not s.in_scope] == [
        ("SVC-05", "in_build", False), ("SVC-06", "retired", False), ("SVC-07", "planned", False)]
    assert by_id["SVC-03"].status == "active"  # "Live"
    complete = _check(bia.data, "bia.complete")
    assert complete["SVC-06"].outcome == Outcome.NOT_APPLICABLE
    assert complete["SVC-06"].message == "out of scope: retired"
    assert (complete["SVC-06"].sources[0].column, complete["SVC-06"].sources[0].value) == ("Lifecycle", "retired")


def test_rules_cite_the_officers_header_and_text(bia: ImportResult) -> None:
    complete = _check(bia.data, "bia.complete")
    assert complete["SVC-02"].message == "RTO not given ('TBD' in row 7, column 'RTO (hrs)')"
    assert [(s.column, s.value) for s in complete["SVC-02"].sources] == [("RTO (hrs)", "TBD")]
    assert complete["SVC-03"].message == "RTO unreadable ('-48' in row 8, column 'RTO (hrs)')"
    within = _check(bia.data, "bia.rto_within_mtpd")
    assert within["SVC-04"].message == "RTO not given ('?' in row 11, column 'RTO (hrs)')"


def test_dependencies_written_by_name_resolve(bia: ImportResult) -> None:
    by_id = {s.id: s for s in bia.data.services}
    assert by_id["SVC-03"].depends_on == ("SVC-01",) and by_id["SVC-03"].raw["depends_on"] == "Core Banking"
    assert located(bia, "reference.by_name") == [(8, "Depends On", "Core Banking")]


def test_bia_review_rule(bia: ImportResult) -> None:
    reviewed = _check(bia.data, "bia.reviewed")
    assert reviewed["SVC-01"].outcome == Outcome.PASS
    assert reviewed["SVC-02"].outcome == Outcome.FAIL and reviewed["SVC-02"].message.startswith(
        "BIA last reviewed 2025-01-10")
    assert reviewed["SVC-04"].outcome == Outcome.NO_DATA and reviewed["SVC-04"].message == "BIA review date not recorded"
    assert reviewed["SVC-06"].outcome == Outcome.NOT_APPLICABLE
    longer = RULES["bia.reviewed"].evaluate(RuleContext(
        data=bia.data, as_of=AS_OF, policy=Policy(bia_review_months=24),
        config=WorkspaceConfig(organisation=Organisation(name="T"))))
    assert {e.entity_id: e.outcome for e in longer.entities}["SVC-02"] == Outcome.PASS


# --- an exercise register that names services, with its follow-up on the same row -------------------------

def test_exercise_register_is_read_as_exercises_not_services(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.exercise_register(tmp_path))
    (mapping,) = result.mappings
    assert mapping.entity.value == "exercise" and mapping.runner_up is not None and mapping.confidence < 1
    assert result.data.services == ()
    assert [e.id for e in result.data.exercises] == ["EX-01", "EX-02", "EX-03", "EX-04"]
    assert not [i for i in result.issues if "yes_no" in i.message]
    ex02 = result.data.exercises[1]
    assert (ex02.type, ex02.result, ex02.target_rto, ex02.achieved_recovery_time, ex02.achieved_data_loss) == (
        ExerciseType.FAILOVER, ExerciseResult.PARTIAL, 6 * H, 5 * H, dt.timedelta(minutes=15))
    assert accounts(result) == {"Exercise Register": (4, 4, 0, 0)}


def test_exercise_services_named_by_name_resolve_against_the_bia(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.bia_register_with_noise(tmp_path), shapes.exercise_register(tmp_path))
    services = {e.id: e.services for e in result.data.exercises}
    assert services == {"EX-01": ("SVC-01", "SVC-02"), "EX-02": ("SVC-01",), "EX-03": ("SVC-03",),
                        "EX-04": ("Legacy CRM",)}
    assert result.data.exercises[0].raw["services"] == "Core Banking, Payments"
    unresolved = [(i.source.row, i.source.column, i.message) for i in result.issues
                  if i.code == "reference.unresolved"]
    assert unresolved == [(5, "Scope (services)", "unknown service 'Legacy CRM': kept as written")]
    coverage = _check(result.data, "exercise.coverage")
    assert coverage["SVC-01"].outcome == Outcome.PASS and coverage["SVC-01"].message == "exercised 2026-04-22 (EX-02)"


def test_achieved_recovery_is_compared_with_the_target_at_the_time_and_the_current_rto(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.bia_register_with_noise(tmp_path), shapes.exercise_register(tmp_path))
    rto = _check(result.data, "exercise.rto_achieved")
    assert rto["SVC-01"].outcome == Outcome.FAIL
    assert rto["SVC-01"].message == ("EX-02 on 2026-04-22: recovery time 5h exceeds the current RTO 4h; within "
                                     "the exercise's own target 6h")
    assert [(s.column, s.value) for s in rto["SVC-01"].sources] == [
        ("Achieved RTO", "5 hours"), ("RTO (hrs)", "4"), ("Target RTO", "6 hours")]
    # SVC-03's RTO was unreadable ('-48'): judged against the exercise's own target, and said so
    assert rto["SVC-03"].outcome == Outcome.PASS
    assert rto["SVC-03"].message.endswith("within the exercise's own target 8h; no RTO in the BIA: judged against "
                                          "the exercise's target")


def test_the_follow_up_on_an_exercise_row_becomes_a_linked_finding_and_action(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.exercise_register(tmp_path))
    assert [(f.id, f.exercise_id, f.description) for f in result.data.findings] == [
        ("EX-02-F1", "EX-02", "DNS cutover was manual"), ("EX-03-F1", "EX-03", "Runbook out of date")]
    assert [(a.id, a.finding_id, a.owner, a.due, a.status) for a in result.data.corrective_actions] == [
        ("EX-02-A1", "EX-02-F1", "M. Gagnon", dt.date(2026, 6, 30), ActionStatus.OPEN),
        ("EX-03-A1", "EX-03-F1", "P. Chen", dt.date(2025, 10, 31), ActionStatus.CLOSED)]
    action = result.data.corrective_actions[0]
    assert action.source.row == 3 and action.cite("due").column == "Target date"
    assert located(result, "table.linked_records") == [(1, None, None)]


# --- a one-sheet DR log ---------------------------------------------------------------------------------------

def test_dr_log_rows_carry_their_findings_and_overdue_actions(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.dr_log_one_sheet(tmp_path))
    (mapping,) = result.mappings
    fields = {c.header: c.field for c in mapping.columns}
    assert fields["Result"] == "result" and fields["Status"] == "corrective_action.status"
    assert fields["Issues Found"] == "finding.description" and fields["System"] == "services"
    assert [f.id for f in result.data.findings] == ["DR-25-03-F1", "DR-25-04-F1"]
    findings = _check(result.data, "exercise.failures_have_findings")
    assert findings["DR-25-03"].outcome == Outcome.PASS and findings["DR-25-04"].outcome == Outcome.PASS
    overdue = _check(result.data, "action.not_overdue")
    assert overdue["DR-25-03-A1"].outcome == Outcome.FAIL
    assert overdue["DR-25-03-A1"].message == "open, due 2026-01-31: 242 days overdue"
    assert (overdue["DR-25-03-A1"].sources[0].column, overdue["DR-25-03-A1"].sources[0].row) == ("Remediation Due", 4)
    owned = _check(result.data, "finding.corrective_action")
    assert owned["DR-25-03-F1"].outcome == Outcome.PASS
    assert accounts(result) == {"DR Log": (4, 4, 0, 0)}


def test_a_vendor_row_carries_its_last_bc_review_and_what_it_found(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.bia_register_with_noise(tmp_path), shapes.vendors_with_bc_review(tmp_path))
    vendors = {v.id: v for v in result.data.vendors}
    assert vendors["Nordic Hosting"].services == ("SVC-01", "SVC-02")
    assert vendors["Nordic Hosting"].bc_plan_reviewed == dt.date(2026, 1, 15)
    assert [(f.id, f.vendor_id, f.description) for f in result.data.findings] == [
        ("Nordic Hosting-F1", "Nordic Hosting", "No tested failover site")]
    assert [(a.id, a.status) for a in result.data.corrective_actions] == [
        ("Nordic Hosting-A1", ActionStatus.IN_PROGRESS)]
    reviewed = _check(result.data, "vendor.bc_reviewed")
    assert reviewed["Nordic Hosting"].outcome == Outcome.PASS


def test_a_log_without_ids_names_exercises_after_their_date(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.bia_register_with_noise(tmp_path), shapes.exercise_log_without_ids(tmp_path))
    assert [(e.id, e.type, e.services) for e in result.data.exercises] == [
        ("EX-2026-03-10", ExerciseType.TABLETOP, ("SVC-01",)),
        ("EX-2026-05-12", ExerciseType.FAILOVER, ("SVC-02", "SVC-01")),
        ("EX-2026-05-12-2", ExerciseType.FUNCTIONAL, ("Legacy CRM",))]
    assert result.data.exercises[1].raw["services"] == "Payments and Core Banking"
    assert located(result, "table.derived_ids") == [(1, None, None)]
    assert located(result, "reference.unresolved") == [(4, "Systems Tested", "Legacy CRM")]
    assert [i for i in result.issues if i.code == "value.interpreted" and i.source.file.endswith(".csv")] == []
    assert [(a.id, a.owner, a.due) for a in result.data.corrective_actions] == [
        ("EX-2026-05-12-A1", "Ops Lead", dt.date(2026, 7, 1)), ("EX-2026-05-12-2-A1", "DBA", dt.date(2026, 6, 15))]
    assert accounts(result)["exercise_log_without_ids"] == (3, 3, 0, 0)


def test_english_breach_register(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.incident_register(tmp_path))
    lost, phishing = result.data.incidents
    assert (lost.id, lost.title, lost.detected, lost.personal_data_breach, lost.risk_of_harm,
            lost.regulator_notified, lost.registered, lost.jurisdictions) == (
        "INC-1", "Lost laptop", dt.datetime(2026, 3, 1, 10), True, "real", dt.datetime(2026, 3, 3, 9), True, ("CA",))
    assert (phishing.personal_data_breach, phishing.risk_of_harm) == (False, "none")
    pipeda = _check(result.data, "privacy.pipeda_notification")
    assert pipeda["INC-1"].outcome == Outcome.PASS and pipeda["INC-2"].outcome == Outcome.NOT_APPLICABLE
    assert accounts(result) == {"incident_register": (2, 2, 0, 0)}


# --- impossible values ----------------------------------------------------------------------------------------

def test_impossible_values_are_located_issues_with_their_text(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.impossible_values(tmp_path))
    alpha, beta, gamma = result.data.services
    assert (alpha.rto, alpha.rpo, alpha.mtpd, alpha.tier, alpha.bia_reviewed) == (None, None, None, None, None)
    assert (beta.rto, beta.rpo, beta.mtpd, beta.bia_reviewed) == (None, None, None, None)
    assert gamma.rto == 4 * H and gamma.mtpd == 24 * H
    located = [(i.source.row, i.source.column, i.source.value, i.message) for i in result.issues
               if i.code == "value.unreadable"]
    assert located == [
        (2, "RTO (hrs)", "99999999999999 hours", "'99999999999999 hours' is over 100 years: not a plausible duration"),
        (2, "RPO", "1e300", "'1e300' is over 100 years: not a plausible duration"),
        (2, "MTPD", "P99999999Y", "'P99999999Y' is over 100 years: not a plausible duration"),
        (2, "Tier", "-1", "'-1' is not a tier (negative)"),
        (2, "Last BIA Review", "1900-01-01", "'1900-01-01' is before 1950: not a plausible date"),
        (3, "RTO (hrs)", "-48", "'-48' is a negative duration"),
        (3, "RPO", "-4 hrs", "'-4 hrs' is a negative duration"),
        (3, "MTPD", "200 years", "'200 years' is over 100 years: not a plausible duration"),
        (3, "Last BIA Review", "2099-01-01",
         "'2099-01-01' is more than a year after the as-of date, for an event that has already happened")]
    assert alpha.raw["rto"] == "99999999999999 hours"
    assert accounts(result) == {"impossible_values": (3, 3, 0, 0)}


def test_done_dates_are_not_bounded_without_an_as_of_date(tmp_path: Path) -> None:
    result = import_files([shapes.impossible_values(tmp_path)], None)
    assert result.data.services[1].bia_reviewed == dt.date(2099, 1, 1)
    assert result.data.services[0].bia_reviewed is None  # 1900 stays impossible whatever the as-of date


# --- French (Québec) ------------------------------------------------------------------------------------------

def test_french_bia(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.bia_fr(tmp_path))
    base, paie, intranet = result.data.services
    assert (base.id, base.name, base.owner, base.tier, base.mtpd, base.rto, base.rpo, base.personal_data,
            base.status, base.bia_reviewed) == ("SRV-01", "Services bancaires de base", "Marie Gagnon", 1, 24 * H,
                                                4 * H, dt.timedelta(minutes=30), True, "active",
                                                dt.date(2026, 3, 15))
    assert (paie.tier, paie.rto, paie.mtpd) == (2, 24 * H, 72 * H)
    assert (intranet.status, intranet.in_scope, intranet.not_given) == (
        "retired", False, {"rto": "unknown", "rpo": "not_applicable"})
    assert located(result, "value.not_given") == [(4, "Délai de reprise", "À déterminer"), (4, "PDMA", "s.o.")]
    assert {(r, v) for r, _c, v in located(result, "value.interpreted")} == {
        (3, "Élevée"), (3, "1 jour ouvrable"), (4, "Faible")}
    complete = _check(result.data, "bia.complete")
    assert complete["SRV-01"].outcome == Outcome.PASS and complete["SRV-03"].message == "out of scope: retired"
    assert accounts(result) == {"Services": (3, 3, 0, 0)}


def test_french_exercise_log_with_its_follow_up(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.bia_fr(tmp_path), shapes.exercices_fr(tmp_path))
    one, two, three = result.data.exercises
    assert (one.date, one.type, one.result, one.services) == (
        dt.date(2026, 3, 15), ExerciseType.TABLETOP, ExerciseResult.PASSED, ("SRV-01",))
    assert (two.type, two.result, two.services, two.achieved_recovery_time) == (
        ExerciseType.FAILOVER, ExerciseResult.FAILED, ("SRV-01", "SRV-02"), 5 * H)
    assert (three.type, three.result, three.achieved_recovery_time) == (
        ExerciseType.FUNCTIONAL, ExerciseResult.PARTIAL, dt.timedelta(minutes=45))
    assert [(a.id, a.owner, a.due, a.status) for a in result.data.corrective_actions] == [
        ("EXE-02-A1", "Luc Roy", dt.date(2026, 7, 31), ActionStatus.OPEN),
        ("EXE-03-A1", "Marie Gagnon", dt.date(2026, 6, 30), ActionStatus.CLOSED)]
    assert [f.id for f in result.data.findings] == ["EXE-02-F1", "EXE-03-F1"]  # "Aucun": no finding
    rto = _check(result.data, "exercise.rto_achieved")
    assert rto["SRV-01"].message == "EXE-02 on 2026-05-20: recovery time 5h exceeds the current RTO 4h"
    assert [s.column for s in rto["SRV-01"].sources] == ["Temps de reprise atteint", "Délai de reprise"]


def test_french_call_tree(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.arbre_appel(tmp_path))
    lead, comms, it = result.data.contacts
    assert (lead.role, lead.name, lead.alternate, lead.phone, lead.email, lead.backup_channel, lead.critical_role,
            lead.last_verified) == ("Responsable de la continuité", "Marie Gagnon", "Luc Roy", "514 555-0100",
                                    "marie.gagnon@caisse.example", "Téléphone satellite", True, dt.date(2026, 3, 15))
    assert (comms.alternate, comms.critical_role, it.critical_role, it.last_verified) == (
        None, True, False, dt.date(2026, 2, 1))
    alternates = _check(result.data, "contact.alternates")
    assert alternates["Communications"].outcome == Outcome.FAIL
    assert alternates["Communications"].sources[0].column == "Suppléant"
    assert accounts(result) == {"Arbre d'appel": (3, 3, 0, 0)}


def test_french_vendor_list(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.bia_fr(tmp_path), shapes.fournisseurs(tmp_path))
    nordique, paie = result.data.vendors
    assert (nordique.name, nordique.services, nordique.contract_rto, nordique.contract_rpo, nordique.contact,
            nordique.bc_plan_reviewed) == ("Hébergement Nordique", ("SRV-01",), 4 * H, H, "Julie Tremblay",
                                           dt.date(2026, 1, 15))
    assert (paie.services, paie.contract_rto, paie.bc_plan_reviewed, paie.not_given) == (
        ("SRV-02",), 48 * H, None, {"bc_plan_reviewed": "unknown"})
    terms = _check(result.data, "bia.vendor_terms")
    assert terms["Paie Express"].outcome == Outcome.FAIL
    assert [s.column for s in terms["Paie Express"].sources] == ["RTO contractuel"]
    assert accounts(result)["fournisseurs"] == (2, 2, 0, 0)


def test_french_incident_register(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.registre_incidents(tmp_path))
    first, second = result.data.incidents
    assert (first.id, first.personal_data_breach, first.risk_of_harm, first.registered, first.jurisdictions) == (
        "INC-2026-01", True, "high", True, ("CA-QC",))
    assert (first.aware, first.regulator_notified) == (dt.datetime(2026, 3, 14, 11), dt.datetime(2026, 3, 16, 10))
    assert (second.personal_data_breach, second.risk_of_harm, second.registered) == (False, "none", False)
    law25 = _check(result.data, "privacy.law25_notification")
    assert law25["INC-2026-01"].outcome == Outcome.PASS
    assert accounts(result) == {"Registre": (2, 2, 0, 0)}


def test_every_shape_is_written_the_same_way_twice(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    for name, make in shapes.FIXTURES.items():
        assert make(tmp_path / "a").read_bytes() == make(tmp_path / "b").read_bytes(), name
