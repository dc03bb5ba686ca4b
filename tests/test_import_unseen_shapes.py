"""Misreads a second set of other organisations' files showed (issue 10, second round), one generated shape
each (scripts/make_foreign_fixtures.py): the records read, the located issues and the row accounting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fixture_script import shapes
from import_support import AS_OF, H, accounts, import_at_as_of, located
from itscm_audit.importers import import_files
from itscm_audit.importers import values as V
from itscm_audit.importers.columns import header_fields
from itscm_audit.importers.legend import legend_keys, legend_ranks
from itscm_audit.importers.vocabulary import merged_vocabularies
from itscm_audit.importers.words import header_bag
from itscm_audit.model import ActionStatus, EntityKind, ExerciseResult, Severity

M = dt.timedelta(minutes=1)


# --- a merged group-header row over the real header -------------------------------------------------------

@pytest.mark.parametrize("make", [shapes.bia_group_header_row, shapes.bia_sub_headers_only])
def test_the_header_under_a_group_row_is_the_header_and_headers_read_word_by_word(tmp_path: Path, make: object) -> None:
    result = import_at_as_of(make(tmp_path))  # type: ignore[operator]
    (mapping,) = result.mappings
    assert (mapping.entity, mapping.header_row) == (EntityKind.SERVICE, 4)
    assert {c.header: c.field for c in mapping.columns} == {
        "Asset #": "id", "Asset / Platform": "name", "Criticality Level": "tier", "Accountable Manager": "owner",
        "Max Tolerable Outage": "mtpd", "Target Recovery Time": "rto", "Tolerable Data Loss": "rpo",
        "Holds PII?": "personal_data", "Health Data?": "phi", "Upstream Assets": "depends_on", "Lifecycle": "status"}
    services = {s.id: s for s in result.data.services}
    assert list(services) == ["HV-01", "HV-02", "HV-03", "HV-10", "HV-11"]  # no band, count or key row
    fare = services["HV-01"]
    assert (fare.name, fare.owner, fare.mtpd, fare.rto, fare.rpo) == ("Fare Collection", "K. Osei", 6 * H,
                                                                      105 * M, 10 * M)
    assert fare.depends_on == ("HV-02",) and fare.raw["depends_on"] == "Radio Network"  # by name, linked
    assert services["HV-11"].rto == 255 * M  # "4 h 15"
    # the key under the table ranks the colours, and says so
    assert [services[i].tier for i in ("HV-01", "HV-03", "HV-10")] == [1, 2, 3]
    (legend,) = [i for i in result.issues if i.code == "tier.legend"]
    assert legend.source.row == 13 and "Red = 1, Amber = 2, Green = 3" in legend.message
    assert not [i for i in result.issues if i.code == "value.interpreted" and i.source.column == "Criticality Level"]
    # placeholders, an impossible value and an unknown dependency are located, never silent
    assert services["HV-03"].rto is None and services["HV-03"].not_given == {"rto": "unknown"}
    assert services["HV-10"].rto is None and services["HV-10"].raw["rto"] == "2,000,000 hrs"
    assert located(result, "value.unreadable") == [(10, "Target Recovery Time", "2,000,000 hrs")]
    assert located(result, "value.not_given") == [(8, "Target Recovery Time", "TBC"),
                                                  (10, "Accountable Manager", "pending")]
    assert located(result, "reference.unresolved") == [(8, "Upstream Assets", "Ticket Vault")]
    skipped = {i.source.row: i.message for i in result.issues if i.code == "row.skipped"}
    assert skipped[5].startswith("section band ('ROAD OPERATIONS')")
    assert skipped[9].startswith("section band ('Depot and yard')")
    assert skipped[12].startswith("count row ('Entries: 5')") and sorted(skipped) == [5, 9, 12, 13]
    assert accounts(result) == {"Assets": (9, 5, 0, 4)}


def test_a_group_row_is_not_taken_for_the_header_when_the_row_under_it_is_one(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.vendor_register_group_row(tmp_path))
    (mapping,) = result.mappings
    assert (mapping.entity, mapping.header_row) == (EntityKind.VENDOR, 2)
    fields = {c.header: c.field for c in mapping.columns}
    assert fields["Supplier name"] == "name" and fields["Supplier No."] == "id"  # never "name\nid" glued
    assert [(v.id, v.name) for v in result.data.vendors] == [("SUP-7", "Northwind Radio Ltd"),
                                                            ("SUP-8", "Tidewater Ticketing"), ("SUP-9", "Gull Cloud")]
    northwind, tidewater, gull = result.data.vendors
    assert (northwind.contract_rto, northwind.contract_rpo, northwind.contact) == (2 * H, dt.timedelta(0), "Jane Fox")
    assert northwind.bc_plan_reviewed == dt.date(2026, 3, 2)
    assert tidewater.contract_rto is None and tidewater.not_given == {"contract_rto": "unknown"}
    assert gull.contract_rpo == 255 * M and gull.bc_plan_reviewed is None
    # a vendor row carrying its review observation yields the finding and its follow-up
    assert [(f.id, f.vendor_id, f.description) for f in result.data.findings] == [
        ("SUP-8-F1", "SUP-8", "Exit plan never tested"), ("SUP-9-F1", "SUP-9", "BC plan three years old")]
    assert [(a.id, a.finding_id, a.owner, a.due) for a in result.data.corrective_actions] == [
        ("SUP-8-A1", "SUP-8-F1", "K. Osei", dt.date(2026, 12, 15)),
        ("SUP-9-A1", "SUP-9-F1", "A. Roy", dt.date(2026, 10, 1))]
    assert located(result, "value.not_given") == [(4, "Committed restore time", "TBD"),
                                                  (5, "Last BC attestation", "pending")]
    assert located(result, "row.skipped") == [(6, None, "3 vendors listed")]
    assert accounts(result) == {"Suppliers": (4, 3, 0, 1)}


# --- headers in the officer's own words, unmapped columns, rows with more than one record ------------------

def test_an_exercise_log_in_its_own_words_with_its_follow_up_on_the_row(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.exercise_log_own_words(tmp_path))
    fields = {c.header: c.field for c in result.mappings[0].columns}
    assert fields == {"Exercise No.": "id", "Date Performed": "date", "Category of test": "type",
                      "Systems covered": "services", "Objective RTO": "target_rto",
                      "Restored in": "achieved_recovery_time", "Data lost": "achieved_data_loss", "Outcome": "result",
                      "Issue": "finding.description", "Lead": "corrective_action.owner",
                      "Close by": "corrective_action.due", "Status of fix": "corrective_action.status",
                      "Debrief": None}
    tabletop, failover, simulation = result.data.exercises
    assert (failover.date, failover.target_rto, failover.achieved_recovery_time) == (dt.date(2026, 3, 23), H, 80 * M)
    assert failover.result is ExerciseResult.FAILED
    assert simulation.achieved_recovery_time is None and simulation.raw["achieved_recovery_time"] == "3 hrs 20"
    actions = {a.id: a for a in result.data.corrective_actions}
    assert actions["HX-2-A1"].status is ActionStatus.CLOSED and actions["HX-2-A1"].due == dt.date(2026, 5, 31)
    assert actions["HX-3-A1"].due is None and actions["HX-3-A1"].not_given == {"due": "unknown"}
    assert [f.id for f in result.data.findings] == ["HX-2-F1", "HX-3-F1"]  # "None" raised no finding
    # minutes never dropped: a number the duration reading would leave is a located issue
    assert located(result, "value.unreadable") == [(4, "Restored in", "3 hrs 20")]
    # an unmapped column of dates is a warning that names the --map to use
    (looks,) = [i for i in result.issues if i.code == "column.looks_like"]
    assert looks.source.column == "Debrief" and looks.severity is Severity.WARNING
    assert "looks like dates" in looks.message and "--map 'Debrief=finding.raised'" in looks.message
    # services named by name with no service register beside them: said once for the column
    (unchecked,) = [i for i in result.issues if i.code == "reference.unchecked"]
    assert (unchecked.source.row, unchecked.source.column, unchecked.severity) == (2, "Systems covered",
                                                                                  Severity.WARNING)
    assert tabletop.services == ("Fare Collection", "Radio Network")
    assert located(result, "row.skipped") == [(5, None, "Total exercises: 3")]
    assert accounts(result) == {"Exercises": (4, 3, 0, 1)}


def test_a_poam_row_is_a_finding_with_its_corrective_action(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.poam_weaknesses(tmp_path))
    (mapping,) = result.mappings
    assert mapping.entity is EntityKind.FINDING and mapping.header_row == 3
    findings = result.data.findings
    assert [(f.id, f.exercise_id, f.severity, f.raised) for f in findings] == [
        ("PW-01", "HX-2", "High", dt.date(2026, 3, 15)), ("PW-02", "HX-3", "Moderate", dt.date(2026, 4, 22)),
        ("PW-03", "Internal audit 2026-02", "High", None)]
    actions = result.data.corrective_actions
    # a POA&M item keeps its one id for the weakness and its milestone, opened when the weakness was found
    assert [(a.id, a.finding_id, a.owner, a.due, a.status, a.closed, a.opened) for a in actions] == [
        ("PW-01", "PW-01", "L. Tremblay", dt.date(2026, 5, 31), ActionStatus.CLOSED, dt.date(2026, 5, 20),
         dt.date(2026, 3, 15)),
        ("PW-02", "PW-02", "M. Singh", None, ActionStatus.IN_PROGRESS, None, dt.date(2026, 4, 22)),
        ("PW-03", "PW-03", "A. Roy", dt.date(2026, 9, 30), ActionStatus.OPEN, None, None)]
    assert actions[0].columns["opened"] == "Date Found"
    assert actions[0].description == "Pre-stage the standby radio controller" and actions[0].source.row == 4
    # a date only day-first can read, among month-first ones, is a mistake to check, not a silent reading
    assert located(result, "value.unreadable") == [(6, "Date Found", "21/04/2026")]
    assert located(result, "value.not_given") == [(5, "Planned Finish", "TBD")]
    skipped = {i.source.row: i.message for i in result.issues if i.code == "row.skipped"}
    assert skipped[8].startswith("count row ('Open items: 2')") and skipped[9].startswith("note")
    assert accounts(result) == {"POA&M": (6, 3, 0, 3)}
    assert not [i for i in result.issues if i.code == "table.entity_uncertain"]


def test_the_poam_and_the_exercise_log_link_and_report_an_unknown_source(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.poam_weaknesses(tmp_path), shapes.exercise_log_own_words(tmp_path))
    assert located(result, "reference.unresolved") == [(6, "Exercise ref", "Internal audit 2026-02")]


def test_a_call_list_with_drawn_headings_a_count_and_a_sign_off(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.call_list_bands_and_counts(tmp_path))
    contacts = result.data.contacts
    assert [(c.role, c.name) for c in contacts] == [("Incident lead", "Rosa Lind"), ("Deputy lead", "Omar Diallo"),
                                                    ("Depot supervisor", "Ines Park"),
                                                    ("Fleet radio officer", "Tom Becker")]
    lead, deputy, depot, fleet = contacts
    assert (lead.backup_channel, lead.last_verified) == ("Radio ch. 4", dt.date(2026, 8, 3))
    assert depot.backup_channel == "Landline 902-555-0203" and fleet.last_verified is None
    assert deputy.alternate is None and deputy.last_verified is None
    assert located(result, "date.ambiguous") == [(4, "Validated on", "04/05/2026")]
    skipped = {i.source.row: i.message for i in result.issues if i.code == "row.skipped"}
    assert skipped[2].startswith("section band ('=== Command ===')")
    assert skipped[5].startswith("section band ('Field team')")
    assert skipped[9].startswith("count row ('4 people listed')") and skipped[10].startswith("note")
    assert accounts(result) == {"call_list_bands_and_counts": (9, 4, 0, 5)}


def test_a_sheet_that_looks_like_a_register_without_a_key_says_which_map_settles_it(tmp_path: Path) -> None:
    path = shapes.register_needs_a_key(tmp_path)
    result = import_at_as_of(path)
    (miss,) = [i for i in result.issues if i.code == "sheet.not_recognised"]
    assert (miss.source.sheet, miss.source.row, miss.severity) == ("Register", 1, Severity.WARNING)
    assert "looks like the header of a service table" in miss.message and "--map 'HEADER=id'" in miss.message
    assert result.data.services == ()
    mapped = import_files([path], None, as_of=AS_OF, columns={"Line": "id", "Description of the service": "name"})
    assert [(s.id, s.name, s.tier, s.rto) for s in mapped.data.services] == [("L1", "Ticket sales", 1, 4 * H),
                                                                            ("L2", "Staff rostering", 2, 48 * H)]


def test_every_row_rejected_with_dates_read_both_ways_is_not_a_crash(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.contacts_all_rejected(tmp_path))
    assert result.data.contacts == ()
    assert located(result, "row.rejected") == [(2, "Name", "Ana Ruiz"), (3, "Name", "Ben Okoro")]
    assert accounts(result) == {"contacts_all_rejected": (2, 0, 2, 0)}


# --- the mechanisms, on their own -----------------------------------------------------------------------------

@pytest.mark.parametrize(("kind", "header", "field"), [
    (EntityKind.EXERCISE, "Date Conducted", "date"), (EntityKind.EXERCISE, "Run date", "date"),
    (EntityKind.EXERCISE, "Fix by", "corrective_action.due"),
    (EntityKind.EXERCISE, "Target Close", "corrective_action.due"),
    (EntityKind.FINDING, "Scheduled Completion", "corrective_action.due"),
    (EntityKind.EXERCISE, "Recovered in", "achieved_recovery_time"), (EntityKind.EXERCISE, "Goal RTO", "target_rto"),
    (EntityKind.EXERCISE, "Responsable de la mesure", "corrective_action.owner"),
    (EntityKind.EXERCISE, "État de la mesure", "corrective_action.status"),
    (EntityKind.EXERCISE, "Temps de reprise mesuré", "achieved_recovery_time"),
    (EntityKind.SERVICE, "Service Manager", "owner"), (EntityKind.SERVICE, "Sys #", "id"),
    (EntityKind.SERVICE, "Impact Rating", "tier"), (EntityKind.SERVICE, "No", "id"),
    (EntityKind.VENDOR, "Guaranteed recovery (SLA)", "contract_rto"), (EntityKind.VENDOR, "Supplier #", "id"),
    (EntityKind.INCIDENT, "Initial notification to DPC", "initial_report"),
    (EntityKind.PLAN_DOCUMENT, "Last Annual Review", "last_reviewed"),
    (EntityKind.BACKUP_RUN, "Protected App", "service_id"),
])
def test_headers_are_read_word_by_word(kind: EntityKind, header: str, field: str) -> None:
    assert header_fields(kind, header)[0][0] == field


@pytest.mark.parametrize(("kind", "header"), [
    (EntityKind.SERVICE, "Status Date"), (EntityKind.FINDING, "Service ID"), (EntityKind.SERVICE, "Perimeter ref id"),
    (EntityKind.CORRECTIVE_ACTION, "Weakness Name"), (EntityKind.FINDING, "Vendor Dependency"),
])
def test_a_header_about_something_else_is_not_read_as_the_synonym_it_contains(kind: EntityKind, header: str) -> None:
    assert not [f for f, score in header_fields(kind, header) if score >= 0.78]


def test_a_header_is_the_set_of_words_it_stands_for() -> None:
    assert header_bag("Date Conducted") == header_bag("held on date") == frozenset({"date", "held"})
    assert header_bag("Responsable de la mesure") == frozenset({"owner", "action"})
    assert header_bag("Temps de reprise mesuré") == frozenset({"rto", "actual"})  # "mesuré": measured


@pytest.mark.parametrize(("text", "hours"), [("2h30", 2.5), ("3h10", 3 + 1 / 6), ("2 h 45", 2.75), ("7h45m", 7.75),
                                             ("1h 50m", 1 + 5 / 6), ("0 (offline mode)", 0.0)])
def test_hours_and_minutes_are_read_whole(text: str, hours: float) -> None:
    assert V.duration_parser(None)(text) == dt.timedelta(hours=hours)


@pytest.mark.parametrize("text", ["4 hrs 30", "1,000,000 hrs", "2h75"])
def test_a_duration_read_only_in_part_is_a_problem_never_a_truncated_value(text: str) -> None:
    with pytest.raises(V.ValueProblem, match="cannot read all of"):
        V.duration_parser(None)(text)


def test_a_legend_ranks_the_scale_in_its_order_or_backwards() -> None:
    read = V.tier_parser(merged_vocabularies({})["tier"])
    keys = legend_keys("Legend: Vital = people at risk · Key = within a day · Routine = within a week")
    assert keys == ["Vital", "Key", "Routine"]
    assert legend_ranks(keys, read) == {"vital": 1, "key": 2, "routine": 3}
    backwards = legend_keys("Scale: Low = can wait; Medium = 3 days; High = same day")
    assert legend_ranks(backwards, read) == {"low": 3, "medium": 2, "high": 1}
    assert legend_keys("Note: RTO = recovery time objective") == []  # one pair explains a word, not a scale
