"""Breach register and notification clocks: GDPR, PIPEDA, Quebec Law 25, DORA, HIPAA, across time zones."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from itscm_audit.config import NotificationClocks, Organisation, Policy, WorkspaceConfig
from itscm_audit.model import Incident, OrgData, Service, SourceRef
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules import RULES, RuleContext
from itscm_audit.rules._common import elapsed_hours

AS_OF = date(2026, 9, 30)
DUBLIN = timezone(timedelta(hours=1))
MONTREAL = timezone(timedelta(hours=-4))


def run(rule_id: str, policy: Policy | None = None, **data: Any) -> CheckResult:
    config = WorkspaceConfig(organisation=Organisation(name="T"))
    ctx = RuleContext(data=OrgData(**data), as_of=AS_OF, policy=policy or Policy(), config=config)
    return RULES[rule_id].evaluate(ctx)


def by_id(check: CheckResult) -> dict[str, EntityResult]:
    return {e.entity_id: e for e in check.entities}


INCIDENT_HEADERS = {"regulator_notified": "Regulator Notified", "individuals_notified": "Individuals Notified",
                    "registered": "In Breach Register?", "initial_report": "Initial Report",
                    "intermediate_report": "Intermediate Report", "final_report": "Final Report",
                    "aware": "Became Aware", "risk_of_harm": "Risk of Harm", "classified_major": "Classified Major",
                    "personal_data_breach": "Personal Data Breach?", "major_ict": "Major ICT Incident?",
                    "jurisdictions": "Jurisdictions"}


def inc(iid: str, row: int = 2, **kw: Any) -> Incident:
    base: dict[str, Any] = {"personal_data_breach": True, "risk_of_harm": "real", "registered": True}
    base.update(kw)
    return Incident(id=iid, source=SourceRef(file="t.xlsx", sheet="Incident Register", row=row),
                    columns=INCIDENT_HEADERS, **base)


def test_elapsed_hours_across_time_zones_and_naive_local_time() -> None:
    aware = datetime(2026, 3, 14, 9, 30, tzinfo=DUBLIN)             # 08:30 UTC
    assert elapsed_hours(aware, datetime(2026, 3, 17, 9, 0, tzinfo=MONTREAL)) == 76.5
    naive = datetime(2026, 3, 14, 9, 30)
    assert elapsed_hours(naive, datetime(2026, 3, 17, 9, 30)) == 72
    # a naive time is local time: it takes the offset of the aware time it is compared with
    assert elapsed_hours(naive, datetime(2026, 3, 17, 9, 30, tzinfo=MONTREAL)) == 72
    assert elapsed_hours(datetime(2026, 3, 17, 9, 30, tzinfo=DUBLIN), naive) == -72


def test_gdpr_72_hours_from_awareness_across_zones() -> None:
    incidents = (
        inc("LATE", jurisdictions=("EU",), detected=datetime(2026, 3, 13, 18, 0, tzinfo=DUBLIN),
            aware=datetime(2026, 3, 14, 9, 30, tzinfo=DUBLIN),
            regulator_notified=datetime(2026, 3, 17, 9, 0, tzinfo=MONTREAL)),
        # 80 h in wall-clock digits, but 71 h as instants: Dublin is 5 hours ahead of Montreal
        inc("ZONES", 3, jurisdictions=("EU",), aware=datetime(2026, 3, 14, 9, 0, tzinfo=DUBLIN),
            regulator_notified=datetime(2026, 3, 17, 3, 0, tzinfo=MONTREAL)),
        inc("EXACT", 4, jurisdictions=("EU",), aware=datetime(2026, 3, 14, 9, 30),
            regulator_notified=datetime(2026, 3, 17, 9, 30)),
        inc("CAONLY", 5, jurisdictions=("CA",), aware=datetime(2026, 3, 14, 9, 30)),
        inc("NORISK", 6, jurisdictions=("EU",), risk_of_harm="none", aware=datetime(2026, 3, 14, 9, 30)),
    )
    check = run("privacy.gdpr_notification", incidents=incidents)
    res = by_id(check)
    assert res["LATE"].outcome == Outcome.FAIL
    assert res["LATE"].message == ("notified the supervisory authority 76.5 h after awareness; "
                                   "GDPR Art. 33(1) allows 72 h")
    assert res["LATE"].metric == 76.5
    assert res["LATE"].sources[0].column == "Regulator Notified"
    assert res["ZONES"].outcome == Outcome.PASS and res["ZONES"].metric == 71
    assert res["EXACT"].outcome == Outcome.PASS
    assert res["CAONLY"].outcome == Outcome.NOT_APPLICABLE
    assert res["NORISK"].outcome == Outcome.NOT_APPLICABLE


def test_gdpr_clock_falls_back_to_detection() -> None:
    incidents = (inc("DET", jurisdictions=("EU",), risk_of_harm="high", detected=datetime(2026, 9, 1, 8, 0)),
                 inc("RUN", 3, jurisdictions=("EU",), aware=datetime(2026, 9, 29, 12, 0)),
                 inc("NONE", 4, jurisdictions=("EU",)))
    res = by_id(run("privacy.gdpr_notification", incidents=incidents))
    assert res["DET"].outcome == Outcome.FAIL
    assert "has not notified the supervisory authority: 712 h since detection (no awareness time recorded" \
        in res["DET"].message
    assert [s.column for s in res["DET"].sources] == ["Regulator Notified"]
    assert res["RUN"].outcome == Outcome.PASS and "has not yet notified the supervisory authority: clock running, 36 h of 72 h used" in res["RUN"].message
    assert res["NONE"].outcome == Outcome.NO_DATA


def test_gdpr_article_34_is_its_own_rule() -> None:
    """A missed Art. 34 communication fails the Art. 34 rule and leaves the Art. 33(1) notice alone."""
    aware = datetime(2026, 9, 1, 8, 0)
    incidents = (inc("MISSED", jurisdictions=("EU",), risk_of_harm="high", aware=aware,
                     regulator_notified=aware + timedelta(hours=20)),
                 inc("TOLD", 3, jurisdictions=("EU",), risk_of_harm="high", aware=aware,
                     regulator_notified=aware + timedelta(hours=20), individuals_notified=aware + timedelta(hours=30)),
                 inc("REAL", 4, jurisdictions=("EU",), risk_of_harm="real", aware=aware),
                 inc("UNASSESSED", 5, jurisdictions=("EU",), risk_of_harm=None, aware=aware))
    authority = by_id(run("privacy.gdpr_notification", incidents=incidents))
    assert authority["MISSED"].outcome == Outcome.PASS and "Art. 34" not in authority["MISSED"].message
    subjects = by_id(run("privacy.gdpr_communication", incidents=incidents))
    assert subjects["MISSED"].outcome == Outcome.FAIL
    assert subjects["MISSED"].message.startswith("high risk but the data subjects were not told (GDPR Art. 34(1))")
    assert subjects["MISSED"].sources[0].column == "Individuals Notified"
    assert subjects["TOLD"].outcome == Outcome.PASS and subjects["TOLD"].metric == 30
    assert subjects["REAL"].outcome == Outcome.NOT_APPLICABLE
    assert subjects["UNASSESSED"].outcome == Outcome.NO_DATA


def test_breach_register() -> None:
    incidents = (inc("IN"), inc("OUT", 3, registered=False), inc("BLANK", 4, registered=None),
                 inc("OUTAGE", 5, personal_data_breach=False))
    res = by_id(run("privacy.breach_register", incidents=incidents))
    assert res["IN"].outcome == Outcome.PASS
    assert res["OUT"].outcome == Outcome.FAIL and res["OUT"].sources[0].column == "In Breach Register?"
    assert res["BLANK"].outcome == Outcome.FAIL
    assert res["BLANK"].message == "not recorded in the breach register (GDPR Art. 33(5), PIPEDA s.10.3, Law 25 s.3.8)"
    assert res["OUTAGE"].outcome == Outcome.NOT_APPLICABLE


def test_pipeda_feasible_threshold_flags_and_record() -> None:
    aware = datetime(2026, 5, 1, 9, 0)
    incidents = (
        inc("QUICK", jurisdictions=("CA",), aware=aware, regulator_notified=aware + timedelta(hours=30),
            individuals_notified=aware + timedelta(hours=40)),
        inc("SLOW", 3, jurisdictions=("CA",), aware=aware, regulator_notified=aware + timedelta(hours=100),
            individuals_notified=aware + timedelta(hours=40)),
        inc("NEVER", 4, jurisdictions=("CA",), aware=aware),
        inc("LOWRISK", 5, jurisdictions=("CA",), aware=aware, risk_of_harm="low", registered=False),
    )
    res = by_id(run("privacy.pipeda_notification", incidents=incidents))
    assert res["QUICK"].outcome == Outcome.PASS and res["QUICK"].metric == 30
    assert res["SLOW"].outcome == Outcome.PARTIAL
    assert "reported to the OPC 100 h after awareness; beyond the 72 h review threshold" in res["SLOW"].message
    assert "check it was as soon as feasible; notified individuals 40 h after awareness; within the 72 h review " \
        "threshold for PIPEDA s.10.1 (as soon as feasible)" in res["SLOW"].message
    assert res["NEVER"].outcome == Outcome.FAIL and "has not reported to the OPC" in res["NEVER"].message
    assert res["LOWRISK"].outcome == Outcome.FAIL
    assert "not recorded in the breach register (PIPEDA s.10.3, kept 24 months)" in res["LOWRISK"].message
    relaxed = Policy(notification_clocks=NotificationClocks(pipeda_feasible_hours=120))
    assert by_id(run("privacy.pipeda_notification", policy=relaxed, incidents=incidents))["SLOW"].outcome \
        == Outcome.PASS


def test_law25_applies_to_quebec_only() -> None:
    aware = datetime(2026, 5, 1, 9, 0)
    incidents = (inc("QC", jurisdictions=("CA", "CA-QC"), aware=aware, regulator_notified=aware + timedelta(hours=10),
                     individuals_notified=aware + timedelta(hours=10), registered=False),
                 inc("ON", 3, jurisdictions=("CA", "CA-ON"), aware=aware))
    res = by_id(run("privacy.law25_notification", incidents=incidents))
    assert res["QC"].outcome == Outcome.FAIL
    assert res["QC"].message.startswith("not recorded in the breach register (Law 25 s.3.8 incident register)")
    assert "reported to the CAI 10 h after awareness" in res["QC"].message
    assert res["ON"].outcome == Outcome.NOT_APPLICABLE


UTC = timezone.utc
AWARE = datetime(2026, 4, 6, 8, 0, tzinfo=UTC)   # a Monday


def dora(iid: str, row: int = 2, **kw: Any) -> Incident:
    """A major ICT incident; once the initial notification is given, the later reports follow on time."""
    initial = kw.get("initial_report")
    if initial is not None:
        kw.setdefault("intermediate_report", initial + timedelta(hours=24))
        kw.setdefault("final_report", kw["intermediate_report"] + timedelta(days=10))
    return inc(iid, row, major_ict=True, personal_data_breach=False, aware=AWARE, **kw)


def dora_result(*incidents: Incident) -> dict[str, EntityResult]:
    return by_id(run("privacy.dora_reporting", incidents=incidents))


def test_dora_initial_within_four_hours_of_an_early_classification() -> None:
    """RTS 2025/301 Art. 5(1)(a): classified 1 h after awareness, the 4 h from classification come first."""
    res = dora_result(dora("OK", classified_major=AWARE + timedelta(hours=1), initial_report=AWARE + timedelta(hours=5)),
                      dora("LATE", 3, classified_major=AWARE + timedelta(hours=1),
                           initial_report=AWARE + timedelta(hours=6)))
    assert res["OK"].outcome == Outcome.PASS and res["OK"].metric == 5
    assert res["LATE"].outcome == Outcome.FAIL
    assert res["LATE"].message.startswith("sent the initial notification 5 h after classification as major; "
                                          "Delegated Regulation (EU) 2025/301 Art. 5(1)(a) allows 4 h")
    assert res["LATE"].sources[0].column == "Initial Report"


def test_dora_initial_no_later_than_24_hours_from_awareness() -> None:
    """Art. 5(1)(a): classified 22 h after awareness, the 24 h from awareness end first (2 h left, not 4)."""
    res = dora_result(dora("LATE", classified_major=AWARE + timedelta(hours=22),
                           initial_report=AWARE + timedelta(hours=25)))
    assert res["LATE"].outcome == Outcome.FAIL
    assert "classified as major 22 h after awareness: the 24 h limit from awareness ends before 4 h from " \
        "classification" in res["LATE"].message
    assert "sent the initial notification 25 h after awareness; Delegated Regulation (EU) 2025/301 Art. 5(1)(a) " \
        "allows 24 h" in res["LATE"].message


def test_dora_classified_after_24_hours_has_four_hours_from_classification() -> None:
    """Art. 5(2): classified on day 4, the initial notification is due 4 h after the classification."""
    day4 = AWARE + timedelta(days=3, hours=2)
    res = dora_result(dora("OK", classified_major=day4, initial_report=day4 + timedelta(hours=3)),
                      dora("LATE", 3, classified_major=day4, initial_report=day4 + timedelta(hours=5)),
                      dora("EARLY", 4, classified_major=day4, initial_report=AWARE + timedelta(hours=30)))
    assert res["OK"].outcome == Outcome.PASS
    assert "classified as major 74 h after awareness, later than 24 h: Delegated Regulation (EU) 2025/301 " \
        "Art. 5(2) gives 4 h from classification" in res["OK"].message
    assert res["OK"].metric == 77
    assert res["LATE"].outcome == Outcome.FAIL
    assert "sent the initial notification 5 h after classification as major; Delegated Regulation (EU) " \
        "2025/301 Art. 5(2) allows 4 h" in res["LATE"].message
    assert res["EARLY"].outcome == Outcome.PASS and "before the classification as major" in res["EARLY"].message


def test_dora_classification_time_not_recorded_flags_a_late_notice_for_review() -> None:
    res = dora_result(dora("UNKNOWN", initial_report=AWARE + timedelta(hours=30)),
                      dora("NEVER", 3))
    assert res["UNKNOWN"].outcome == Outcome.PARTIAL
    assert "unless it was classified as major more than 24 h after awareness (Art. 5(2)): classification time " \
        "not recorded" in res["UNKNOWN"].message
    assert res["UNKNOWN"].sources[0].column == "Classified Major"
    assert res["NEVER"].outcome == Outcome.FAIL and "has not sent the initial notification" in res["NEVER"].message


def test_dora_intermediate_runs_from_the_initial_notification() -> None:
    """Art. 5(1)(b): 72 h from submitting the initial notice, not from awareness or classification."""
    initial = AWARE + timedelta(hours=20)
    res = dora_result(dora("OK", classified_major=AWARE + timedelta(hours=18), initial_report=initial,
                           intermediate_report=initial + timedelta(hours=71)),
                      dora("LATE", 3, classified_major=AWARE + timedelta(hours=18), initial_report=initial,
                           intermediate_report=initial + timedelta(hours=74)))
    # 91 h after awareness and 73 h after classification: still on time
    assert res["OK"].outcome == Outcome.PASS
    assert "sent the intermediate report 71 h after the initial notification; Delegated Regulation (EU) " \
        "2025/301 Art. 5(1)(b) allows 72 h" in res["OK"].message
    assert res["LATE"].outcome == Outcome.FAIL
    assert {s.column for s in res["LATE"].sources} == {"Intermediate Report"}


def test_dora_final_report_one_calendar_month_after_the_intermediate_report() -> None:
    """Art. 5(1)(c), counted as Regulation 1182/71 counts months: 31 January runs to the end of 28 February,
    1 March to the end of 1 April (31 days, which a 30-day count would fail)."""
    jan31 = datetime(2026, 1, 31, 10, 0, tzinfo=UTC)
    mar1 = datetime(2026, 3, 1, 10, 0, tzinfo=UTC)

    def reported(iid: str, row: int, intermediate: datetime, final: datetime | None) -> Incident:
        aware = intermediate - timedelta(hours=60)
        return inc(iid, row, major_ict=True, personal_data_breach=False, aware=aware,
                   classified_major=aware + timedelta(hours=1), initial_report=aware + timedelta(hours=3),
                   intermediate_report=intermediate, final_report=final)

    res = dora_result(reported("FEB", 2, jan31, datetime(2026, 2, 28, 23, 0, tzinfo=UTC)),
                      reported("FEBLATE", 3, jan31, datetime(2026, 3, 1, 9, 0, tzinfo=UTC)),
                      reported("APR", 4, mar1, datetime(2026, 4, 1, 18, 0, tzinfo=UTC)),
                      reported("OPEN", 5, datetime(2026, 9, 20, 10, 0, tzinfo=UTC), None),
                      reported("MISSING", 6, mar1, None))
    assert res["FEB"].outcome == Outcome.PASS
    assert "allows until the end of 2026-02-28" in res["FEB"].message
    assert res["FEBLATE"].outcome == Outcome.FAIL and res["FEBLATE"].sources[0].column == "Final Report"
    assert res["APR"].outcome == Outcome.PASS and "sent the final report 31.3 days after" in res["APR"].message
    assert res["OPEN"].outcome == Outcome.PASS and "due by the end of 2026-10-20" in res["OPEN"].message
    assert res["MISSING"].outcome == Outcome.FAIL and "has not sent the final report as of 2026-09-30" \
        in res["MISSING"].message
    thirty_days = Policy(notification_clocks=NotificationClocks(dora_final_days=30))
    older = by_id(run("privacy.dora_reporting", policy=thirty_days, incidents=(reported("APR", 4, mar1,
                  datetime(2026, 4, 1, 18, 0, tzinfo=UTC)),)))
    assert older["APR"].outcome == Outcome.FAIL


def test_dora_applies_to_major_ict_incidents_only() -> None:
    res = dora_result(inc("MINOR", personal_data_breach=False, major_ict=False, aware=AWARE),
                      inc("BLANK", 3, personal_data_breach=False, aware=AWARE))
    assert res["MINOR"].outcome == Outcome.NOT_APPLICABLE
    # an empty cell under "Major ICT Incident?" does not say "no"
    assert res["BLANK"].outcome == Outcome.NO_DATA
    assert res["BLANK"].message == "major ICT incident flag not recorded"
    assert res["BLANK"].sources[0].column == "Major ICT Incident?"


def test_hipaa_60_days_for_phi_breaches() -> None:
    services = (Service(id="HP", name="Health plan", phi=True, source=SourceRef(file="t.xlsx", row=2)),
                Service(id="WEB", name="Web", phi=False, source=SourceRef(file="t.xlsx", row=3)))
    aware = datetime(2026, 3, 1, 9, 0)
    incidents = (inc("PHI", jurisdictions=("US",), services=("HP",), aware=aware,
                     individuals_notified=aware + timedelta(days=61)),
                 inc("OK", 3, jurisdictions=("US",), services=("HP",), aware=aware,
                     individuals_notified=aware + timedelta(days=59)),
                 inc("WEB", 4, jurisdictions=("US",), services=("WEB",), aware=aware))
    res = by_id(run("privacy.hipaa_notification", services=services, incidents=incidents))
    assert res["PHI"].outcome == Outcome.FAIL and res["PHI"].metric == 61
    assert "notified individuals 1464 h after discovery; 45 CFR 164.404 allows 1440 h" in res["PHI"].message
    assert res["OK"].outcome == Outcome.PASS
    assert res["WEB"].outcome == Outcome.NOT_APPLICABLE


def test_incidents_after_the_as_of_date_are_left_for_later() -> None:
    later = inc("LATER", jurisdictions=("EU", "CA", "CA-QC", "US"), major_ict=True,
                aware=datetime(2026, 10, 2, 9, 0), registered=False)
    unsaid = inc("UNSAID", 3, personal_data_breach=None, major_ict=None, aware=datetime(2026, 10, 2, 9, 0))
    for rule_id in ("privacy.breach_register", "privacy.gdpr_notification", "privacy.gdpr_communication",
                    "privacy.pipeda_notification",
                    "privacy.law25_notification", "privacy.dora_reporting", "privacy.hipaa_notification"):
        results = by_id(run(rule_id, incidents=(later, unsaid)))
        for result in (results["LATER"], results["UNSAID"]):
            assert result.outcome == Outcome.NOT_APPLICABLE, rule_id
            assert result.message == "became known after 2026-09-30"


# --- a register without a column does not say "no" ------------------------------------------------------------

PRIVACY_LOG = {"id": "Incident No.", "aware": "Privacy Office made aware", "personal_data_breach": "PHI involved?",
               "regulator_notified": "IPC notified", "individuals_notified": "Patients notified",
               "risk_of_harm": "Risk of Harm"}
"""A privacy incident log as hospitals keep it: no jurisdiction column and no "in breach register?" column."""


def logged(iid: str, row: int = 3, file: str = "data/Privacy Incident Log FY26.csv", sheet: str | None = None,
           columns: dict[str, str] | None = None, **kw: Any) -> Incident:
    values: dict[str, Any] = {"personal_data_breach": True, "risk_of_harm": "real"}
    values.update(kw)
    return Incident(id=iid, source=SourceRef(file=file, sheet=sheet, row=row),
                    columns=PRIVACY_LOG if columns is None else columns, **values)


def run_for(rule_id: str, jurisdictions: tuple[str, ...], *incidents: Incident, **data: Any) -> CheckResult:
    config = WorkspaceConfig(organisation=Organisation(name="T", jurisdictions=jurisdictions))
    ctx = RuleContext(data=OrgData(incidents=incidents, **data), as_of=AS_OF, policy=Policy(), config=config)
    return RULES[rule_id].evaluate(ctx)


def test_a_breach_that_is_a_row_of_a_register_without_a_register_column_is_recorded() -> None:
    general = {**PRIVACY_LOG, "personal_data_breach": "Personal data breach (Y/N)"}
    res = by_id(run("privacy.breach_register", incidents=(
        logged("PI-1"),
        logged("INC-7", 4, file="data/Major ICT Incident Register.xlsx", sheet="Incidents 2026", columns=general))))
    assert res["PI-1"].outcome == Outcome.PASS and res["PI-1"].metric == 1
    assert res["PI-1"].message == ("recorded as a row of the privacy incident register 'Privacy Incident Log "
                                   "FY26.csv' (no 'in breach register?' column: its rows are the record)")
    assert res["INC-7"].outcome == Outcome.PASS
    assert res["INC-7"].message.startswith("recorded as a row of the incident register 'Major ICT Incident "
                                           "Register.xlsx', sheet 'Incidents 2026'")


def test_a_no_in_the_breach_register_column_is_still_a_finding() -> None:
    with_column = {**PRIVACY_LOG, "registered": "In breach register?"}
    res = by_id(run("privacy.breach_register", incidents=(
        logged("NO", columns=with_column, registered=False, raw={"registered": "No"}),
        logged("TBD", 4, columns=with_column, raw={"registered": "TBD"}, not_given={"registered": "unknown"}))))
    assert res["NO"].outcome == Outcome.FAIL and res["NO"].metric == 0
    assert res["NO"].message == "not recorded in the breach register (GDPR Art. 33(5), PIPEDA s.10.3, Law 25 s.3.8)"
    assert (res["NO"].sources[0].column, res["NO"].sources[0].value) == ("In breach register?", "No")
    assert res["TBD"].outcome == Outcome.FAIL
    assert res["TBD"].message.endswith(": breach register entry not given ('TBD' in row 4, column "
                                       "'In breach register?')")


def test_rows_of_a_privacy_register_without_a_breach_column_are_breaches_said_from_the_register() -> None:
    no_flag = {k: v for k, v in PRIVACY_LOG.items() if k != "personal_data_breach"}
    incident = logged("IC-1", file="data/Registre des incidents de confidentialité.xlsx", sheet="Registre",
                      columns=no_flag, personal_data_breach=None)
    res = by_id(run("privacy.breach_register", incidents=(incident,)))["IC-1"]
    assert res.outcome == Outcome.PASS
    assert "(a personal-data breach as a row of the privacy incident register 'Registre des incidents de " \
           "confidentialité.xlsx', sheet 'Registre', which has no personal-data-breach column)" in res.message


def test_rows_of_another_register_without_a_breach_column_are_not_assessed_once() -> None:
    no_flag = {k: v for k, v in PRIVACY_LOG.items() if k != "personal_data_breach"}
    incidents = tuple(logged(f"INC-{n}", n + 2, file="data/IT incidents.xlsx", columns=no_flag,
                             personal_data_breach=None) for n in range(5))
    for rule_id in ("privacy.breach_register", "privacy.gdpr_notification", "privacy.hipaa_notification"):
        check = run_for(rule_id, ("IE",), *incidents)
        assert check.outcome == Outcome.NO_DATA and check.entities == (), rule_id
        assert check.summary.startswith("The incident register has no personal-data breach column, so this is "
                                        "not assessed rather than failed")


def test_an_empty_breach_cell_is_not_read_as_no() -> None:
    res = by_id(run_for("privacy.gdpr_notification", ("IE",), logged("BLANK", personal_data_breach=None),
                        logged("NO", 4, personal_data_breach=False, raw={"personal_data_breach": "No"})))
    assert res["BLANK"].outcome == Outcome.NO_DATA
    assert res["BLANK"].message == "personal-data breach flag not recorded"
    assert res["BLANK"].sources[0].column == "PHI involved?"
    assert res["NO"].outcome == Outcome.NOT_APPLICABLE


def test_incidents_without_a_jurisdiction_take_the_organisations_from_itscm_yaml() -> None:
    aware = datetime(2026, 7, 3, 9, 0)
    irish = logged("INC-07", aware=aware, regulator_notified=aware + timedelta(hours=54))
    res = by_id(run_for("privacy.gdpr_notification", ("IE",), irish))["INC-07"]
    assert res.outcome == Outcome.PASS
    assert res.message.endswith("(jurisdiction taken from itscm.yaml (IE, EU): the incident register records "
                                "none for it)")
    quebec = logged("IC-02", aware=aware, regulator_notified=aware + timedelta(hours=40),
                    individuals_notified=aware + timedelta(hours=40))
    law25 = run_for("privacy.law25_notification", ("CA-QC",), quebec)
    assert law25.counts["pass"] == 1 and "(CA-QC, CA)" in by_id(law25)["IC-02"].message
    assert by_id(run_for("privacy.pipeda_notification", ("CA-QC",), quebec))["IC-02"].outcome == Outcome.PASS
    # the row's own jurisdiction wins, and implies its wider one
    res = by_id(run_for("privacy.gdpr_notification", ("IE",), logged("CA", jurisdictions=("CA",), aware=aware),
                        logged("FR", 4, jurisdictions=("FR",), aware=aware,
                               regulator_notified=aware + timedelta(hours=5))))
    assert res["CA"].outcome == Outcome.NOT_APPLICABLE and res["CA"].message == "not a personal-data breach in EU"
    assert res["FR"].outcome == Outcome.PASS and "itscm.yaml" not in res["FR"].message
    outside = by_id(run_for("privacy.gdpr_notification", ("CA-QC",), quebec))["IC-02"]
    assert outside.outcome == Outcome.NOT_APPLICABLE and "(jurisdiction taken from itscm.yaml (CA-QC, CA)" \
        in outside.message
    unknown = by_id(run_for("privacy.gdpr_notification", (), quebec))["IC-02"]
    assert unknown.outcome == Outcome.NO_DATA and "nor for the organisation in itscm.yaml" in unknown.message


def test_a_notification_the_register_has_no_column_for_is_not_recorded_never_not_sent() -> None:
    aware = datetime(2026, 3, 1, 9, 0)
    no_notice = {k: v for k, v in PRIVACY_LOG.items() if k not in ("regulator_notified", "individuals_notified")}
    res = by_id(run_for("privacy.gdpr_notification", ("IE",), logged("NOCOL", columns=no_notice, aware=aware),
                        logged("EMPTY", 4, aware=aware)))
    assert res["NOCOL"].outcome == Outcome.NO_DATA
    assert res["NOCOL"].message.startswith("whether it notified the supervisory authority is not recorded (no "
                                           "column for it in 'Privacy Incident Log FY26.csv')")
    assert res["EMPTY"].outcome == Outcome.FAIL and "has not notified the supervisory authority" in \
        res["EMPTY"].message
    us = by_id(run_for("privacy.hipaa_notification", ("US",), logged("NOCOL", columns=no_notice, aware=aware)))
    assert us["NOCOL"].outcome == Outcome.NO_DATA


MAJOR_REGISTER = {"id": "Incident ID", "aware": "Became aware", "initial_report": "Initial notification",
                  "intermediate_report": "Intermediate report", "final_report": "Final report"}


def test_dora_reads_a_major_incident_register_by_its_name_and_never_guesses_a_report() -> None:
    aware = datetime(2026, 3, 8, 7, 50)
    named = logged("INC-3", file="data/Major ICT Incident Register.xlsx", sheet="2026", columns=MAJOR_REGISTER,
                   personal_data_breach=None, aware=aware, initial_report=aware + timedelta(hours=3),
                   intermediate_report=aware + timedelta(hours=40), final_report=aware + timedelta(days=20))
    res = by_id(run("privacy.dora_reporting", incidents=(named,)))["INC-3"]
    assert res.outcome == Outcome.PASS
    assert "(a major ICT incident as a row of the major-incident register 'Major ICT Incident Register.xlsx', " \
           "sheet '2026', which has no 'major?' column)" in res.message
    no_initial = {k: v for k, v in MAJOR_REGISTER.items() if k != "initial_report"}
    silent = logged("INC-4", file="data/Major ICT Incident Register.xlsx", columns=no_initial, aware=aware)
    res = by_id(run("privacy.dora_reporting", incidents=(silent,)))["INC-4"]
    assert res.outcome == Outcome.NO_DATA
    assert res.message.startswith("whether it sent the initial notification is not recorded (no column for it")
    classified = logged("INC-5", file="data/incidents.xlsx", columns={**MAJOR_REGISTER, "classified_major": "Major at"},
                        aware=aware, classified_major=aware + timedelta(hours=1))
    res = by_id(run("privacy.dora_reporting", incidents=(classified,)))["INC-5"]
    assert res.outcome == Outcome.FAIL and "major: the register records its classification as major" in res.message
    general = logged("INC-6", file="data/incidents.xlsx", columns=MAJOR_REGISTER, aware=aware)
    check = run("privacy.dora_reporting", incidents=(general,))
    assert check.outcome == Outcome.NO_DATA and check.entities == ()
    assert check.summary.startswith("The incident register has no major ICT incident column")


def test_hipaa_assumes_phi_when_the_linked_services_do_not_record_the_flag() -> None:
    services = (Service(id="HP", name="Health plan", source=SourceRef(file="t.xlsx", row=2), columns={"id": "ID"}),)
    aware = datetime(2026, 3, 1, 9, 0)
    res = by_id(run_for("privacy.hipaa_notification", ("US",), logged("X", services=("HP",), aware=aware,
                        individuals_notified=aware + timedelta(days=10)), services=services))["X"]
    assert res.outcome == Outcome.PASS
    assert "(PHI flag not recorded for the services it affects: PHI assumed; jurisdiction taken from itscm.yaml " \
           "(US)" in res.message
