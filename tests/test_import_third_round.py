"""Misreads a third set of other organisations' files showed (issue 10, third round), one generated shape
each (scripts/make_foreign_fixtures.py): group headers read with their sub-headers, tick boxes, registers
whose name says what their rows are, POA&M items, review outcomes, and headers in more of the officers' words."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from fixture_script import shapes
from import_support import H, accounts, import_at_as_of, located
from itscm_audit.importers.columns import group_fields, header_fields
from itscm_audit.model import EntityKind, Severity

M = dt.timedelta(minutes=1)


def test_plain_sub_headers_are_read_with_their_group(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.drill_register_grouped_times(tmp_path))
    (mapping,) = result.mappings
    by_header = {c.header: c.field for c in mapping.columns}
    # "Goal" alone would be a scenario and "Allowed" nothing: under "Recovery time" / "Data loss" they are targets
    assert by_header["Goal"] == "target_rto" and by_header["Measured"] == "achieved_recovery_time"
    assert by_header["Allowed"] == "target_rpo" and by_header["Observed"] == "achieved_data_loss"
    first, second, third = result.data.exercises
    assert (first.target_rto, first.achieved_recovery_time, first.not_given) == (4 * H, None,
                                                                                  {"achieved_recovery_time": "not_applicable"})
    assert (second.target_rto, second.achieved_recovery_time, second.achieved_data_loss) == (2 * H, 190 * M, 40 * M)
    assert third.target_rpo == 4 * H
    assert ("value.not_given", (4, "Measured", "n/a")) in [
        (i.code, (i.source.row, i.source.column, i.source.value)) for i in result.issues]
    # "Nothing noted" and "None identified" raise no finding; the real one does, with its follow-up
    assert [f.id for f in result.data.findings] == ["LV-2-F1"]
    (action,) = result.data.corrective_actions
    assert (action.id, action.owner, action.due) == ("LV-2-A1", "P. Ode", dt.date(2026, 5, 29))
    assert accounts(result) == {"Drills": (3, 3, 0, 0)}


@pytest.mark.parametrize("group, sub, field", [
    ("Recovery time", "Target", "target_rto"), ("Recovery time", "Actual", "achieved_recovery_time"),
    ("Data loss", "Observed", "achieved_data_loss"), ("Primary contact", "Name", None),
])
def test_a_group_and_its_sub_header_name_the_field_together(group: str, sub: str, field: str | None) -> None:
    found = group_fields(EntityKind.EXERCISE, group, sub)
    if field is None:  # a group the exercise log does not know leaves the sub-header to itself
        assert not found or found[0][0] != "target_rto"
    else:
        assert found[0][0] == field


def test_values_under_a_wide_header_are_not_read_as_sub_headers_with_it() -> None:
    # "Depends on" over "Core Banking": a value, not a sub-header, even though the two read as a dependency
    assert group_fields(EntityKind.SERVICE, "Depends on", "Core Banking")[:1] != [("depends_on", 0.85)]


def test_empty_tick_boxes_under_a_kept_column_read_as_no_and_are_said_once(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.backup_log_tick_boxes(tmp_path))
    runs = result.data.backup_runs
    assert [r.restore_test for r in runs] == [day % 4 == 0 for day in range(1, 13)]
    assert all(r.raw.get("restore_test") == "" for r in runs if not r.restore_test)
    (said,) = [i for i in result.issues if i.code == "value.interpreted" and i.source.column == "Restore checked"]
    assert said.severity is Severity.INFO and said.source.row == 2
    assert said.message.startswith("9 empty restore test cell(s) read as 'no' (rows 2, 3, 4, 6, 7, 8, 10, 11, 12)")


def test_a_register_named_for_its_rows_says_what_they_are_sheet_by_sheet(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.privacy_incident_register_no_flag(tmp_path))
    incidents = {i.id: i for i in result.data.incidents}
    # the privacy sheet: its rows are personal-data breaches; the major-incident sheet of the same workbook
    # is not a privacy register (its own name decides), and its rows are major ICT incidents
    assert (incidents["PI-1"].personal_data_breach, incidents["PI-2"].personal_data_breach) == (True, True)
    assert (incidents["PI-1"].major_ict, incidents["MI-1"].personal_data_breach) == (None, None)
    assert incidents["MI-1"].major_ict is True
    assert incidents["PI-1"].title == "Statement mailed to the wrong member"  # "What happened"
    notes = {(i.source.sheet, i.message.split(":")[0]) for i in result.issues if i.code == "value.interpreted"}
    assert notes == {("Privacy incidents", "no column says which rows are personal-data breaches"),
                     ("Major ICT incidents", "no column says which rows are major ICT-related incidents")}


def test_a_review_outcome_on_a_vendor_row_is_a_finding_unless_it_says_none(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.vendor_oversight_outcomes(tmp_path))
    first, second = result.data.vendors
    assert (first.services, second.services) == (("LV-EHR",), ("LV-LAB",))  # "Services appuyés"
    (finding,) = result.data.findings
    assert (finding.id, finding.description) == (f"{second.id}-F1", "Exit plan never tested")
    (action,) = result.data.corrective_actions
    assert (action.owner, action.due, action.columns.get("status")) == ("R. Amadi", dt.date(2026, 8, 31), None)
    assert not located(result, "row.rejected")


@pytest.mark.parametrize("kind, header, field", [
    (EntityKind.EXERCISE, "Délai visé", "target_rto"),
    (EntityKind.EXERCISE, "Verdict", "result"),
    (EntityKind.VENDOR, "Services appuyés", "services"),
    (EntityKind.VENDOR, "Review outcome", "finding.description"),
    (EntityKind.SERVICE, "BIA sign-off", "bia_reviewed"),
    (EntityKind.SERVICE, "Holds customer PI?", "personal_data"),
    (EntityKind.TRAINING_RECORD, "Session", "course"),
    (EntityKind.TRAINING_RECORD, "Attended", "completed"),
    (EntityKind.INCIDENT, "Major?", "major_ict"),
    (EntityKind.INCIDENT, "Classified as major", "classified_major"),
    (EntityKind.INCIDENT, "APD notifiée le", "regulator_notified"),
    (EntityKind.INCIDENT, "Constatée le", "detected"),
    (EntityKind.INCIDENT, "Données personnelles", "personal_data_breach"),
    (EntityKind.INCIDENT, "Risque pour les personnes", "risk_of_harm"),
    (EntityKind.INCIDENT, "Case", "id"),
])
def test_headers_in_more_of_the_officers_words(kind: EntityKind, header: str, field: str) -> None:
    found = header_fields(kind, header)
    assert found and found[0][0] == field, found


# --- fourth round: ids named by their kind, alternates under any group, bilingual names ------------------------

def test_a_column_named_for_the_records_over_codes_is_their_id(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.game_day_workbook(tmp_path))
    days, plans = result.mappings
    assert {c.header: c.field for c in days.columns}["Game day"] == "id"
    assert {c.header: c.field for c in plans.columns}["Plan"] == "id"
    assert [e.id for e in result.data.exercises] == ["GD-26-01", "GD-26-02", "GD-26-03"]
    assert [(p.id, p.title, p.services) for p in result.data.plan_documents] == [
        ("PLAN-DR", "Disaster Recovery Plan", ("Public API", "Billing DB")),
        ("PLAN-IR", "Incident Response Plan", ("Public API",))]
    first, second, _third = result.data.exercises
    assert (first.type.value, first.target_rto, first.achieved_recovery_time) == ("failover", H, 48 * M)
    assert second.target_rto == 30 * M
    (finding,) = result.data.findings
    (action,) = result.data.corrective_actions
    assert (finding.id, action.owner, action.status.value) == ("GD-26-02-F1", "J. Rivera", "open")
    assert accounts(result) == {"Game Days": (4, 3, 0, 1), "Plans": (2, 2, 0, 0)}
    assert located(result, "row.skipped") == [(5, None, "3 game days")]


def test_exercises_dated_after_as_of_with_an_outcome_are_said_once(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.game_day_workbook(tmp_path))  # as of 2026-09-30: GD-26-03 is 2026-10-14
    (said,) = [i for i in result.issues if i.code == "date.after_as_of"]
    assert (said.source.sheet, said.source.row, said.source.column) == ("Game Days", 4, "Date")
    assert said.message.startswith("1 exercise(s) dated after the as-of date 2026-09-30 already have an outcome")
    assert result.data.exercises[2].date == dt.date(2026, 10, 14)  # kept: an assessment as of then counts it


def test_an_alternate_under_any_group_naming_someone_else(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.call_tree_bilingual_groups(tmp_path))
    assert [(c.role, c.name, c.alternate) for c in result.data.contacts] == [
        ("Incident lead", "Aisha Khan", "Luc Tremblay"), ("IT lead", "Marc Roy", "Nina Patel"),
        ("Coordination de crise", "Julie Gagnon", "Éric Dubé")]
    # the alternate's phone is theirs, never the record's own
    assert result.data.contacts[0].phone == "613-555-0101"


def test_each_side_of_a_bilingual_name_and_a_name_without_its_note_resolve(tmp_path: Path) -> None:
    catalogue, log = shapes.catalogue_bilingual_names(tmp_path)
    result = import_at_as_of(catalogue, log)
    assert [e.services for e in result.data.exercises] == [("RX-01",), ("RX-02",), ("Loyalty App",)]
    assert located(result, "reference.unresolved") == [(4, "Services exercised", "Loyalty App")]
    services = {s.id: s for s in result.data.services}
    assert services["RX-02"].rpo == dt.timedelta(0)  # "Real-time"


@pytest.mark.parametrize("kind, header, field", [
    (EntityKind.SERVICE, "DMA (h)", "rto"), (EntityKind.SERVICE, "DRI", "owner"),
    (EntityKind.SERVICE, "Données à caractère personnel ?", "personal_data"),
    (EntityKind.EXERCISE, "DMA visée", "target_rto"), (EntityKind.EXERCISE, "Goal (RTO)", "target_rto"),
    (EntityKind.EXERCISE, "Actual", "achieved_recovery_time"), (EntityKind.EXERCISE, "When", "date"),
    (EntityKind.EXERCISE, "Données perdues", "achieved_data_loss"),
    (EntityKind.EXERCISE, "Services mis à l'épreuve", "services"),
    (EntityKind.EXERCISE, "Avancement", "corrective_action.status"),
    (EntityKind.EXERCISE, "What we learned", "finding.description"),
    (EntityKind.VENDOR, "Review notes", "finding.description"), (EntityKind.VENDOR, "Interlocuteur", "contact"),
    (EntityKind.CONTACT, "Mission", "role"), (EntityKind.CONTACT, "Date de validation", "last_verified"),
    (EntityKind.PLAN_DOCUMENT, "Covers", "services"),
    (EntityKind.INCIDENT, "Intitulé", "title"), (EntityKind.INCIDENT, "Connu le", "aware"),
    (EntityKind.INCIDENT, "N° violation", "id"), (EntityKind.INCIDENT, "Nature de la violation", "title"),
    (EntityKind.INCIDENT, "Date de constatation", "detected"),
    (EntityKind.INCIDENT, "Données personnelles concernées", "personal_data_breach"),
    (EntityKind.INCIDENT, "Risque pour les droits et libertés", "risk_of_harm"),
    (EntityKind.INCIDENT, "Notification CNPD", "regulator_notified"),
    (EntityKind.INCIDENT, "Communication aux personnes", "individuals_notified"),
    (EntityKind.INCIDENT, "Notification initiale CSSF", "initial_report"),
])
def test_headers_in_yet_more_of_the_officers_words(kind: EntityKind, header: str, field: str) -> None:
    found = header_fields(kind, header)
    assert found and found[0][0] == field, found


# --- fifth round: two tables on one sheet, tool exports, bilingual cells -------------------------------------

def accounts_of(result: object) -> list[tuple[int, int, int, int]]:
    """Each table's accounting (read, imported, rejected, skipped), shown with its own mapping."""
    out = []
    for mapping in result.mappings:  # type: ignore[attr-defined]
        a = result.account_for(mapping)  # type: ignore[attr-defined]
        out.append((a.rows_read, a.imported, a.rejected, a.skipped))
    return out


def test_a_second_table_under_the_first_is_read_as_its_own(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.register_with_suppliers_below(tmp_path))
    services, vendors = result.mappings
    assert (services.entity, services.header_row, vendors.entity, vendors.header_row) == (
        EntityKind.SERVICE, 1, EntityKind.VENDOR, 7)
    assert [s.id for s in result.data.services] == ["SV-01", "SV-02"]  # no supplier read as a service
    assert [(v.name, v.services, v.contract_rto) for v in result.data.vendors] == [
        ("Nuage Santé", ("SV-01",), 2 * H), ("Télécom Nord", ("SV-02",), 24 * H)]
    (finding,) = result.data.findings  # "RAS" raises none
    assert finding.description == "Aucune clause de continuité"
    skipped = {i.source.row: i.message for i in result.issues if i.code == "row.skipped"}
    assert skipped[10].startswith("note, footnote or sign-off")  # "Visa direction : ____"
    # each table has its own row accounting, shown with its own mapping
    assert accounts_of(result) == [(5, 2, 0, 3), (3, 2, 0, 1)]  # totals, blank and band rows; the sign-off


def test_tables_side_by_side_are_read_apart(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.exercises_and_actions_side_by_side(tmp_path))
    exercises, actions = result.mappings
    assert (exercises.entity, actions.entity) == (EntityKind.EXERCISE, EntityKind.CORRECTIVE_ACTION)
    assert {c.header for c in exercises.columns} == {"N°", "Date", "Type", "Résultat", "Constat"}
    assert [(a.id, a.description, a.owner, a.status.value) for a in result.data.corrective_actions] == [
        ("ACT-01", "Étendre la sauvegarde hors site", "L. Bertholet", "in_progress"),
        ("ACT-02", "Documenter la bascule manuelle", "M. Favre", "closed")]
    # only EX-02 raised a finding: "RAS" and "None / Aucune" say there was none
    assert [f.id for f in result.data.findings] == ["EX-02-F1"]
    assert [e.date for e in result.data.exercises] == [dt.date(2026, 2, 10), dt.date(2026, 5, 18),
                                                       dt.date(2026, 9, 14)]


def test_exports_from_tools_read_as_an_officer_reads_them(tmp_path: Path) -> None:
    cmdb, tracker, contacts = shapes.tool_exports(tmp_path)
    result = import_at_as_of(cmdb, tracker, contacts)
    services = {s.id: s for s in result.data.services}
    # the officer's service number is the id, not the tool's internal GUID
    assert set(services) == {"SVC0010", "SVC0011"} and services["SVC0010"].owner == "M. de Vries"
    assert services["SVC0010"].mtpd == 168 * H  # "1 week / 1 semaine": one duration in two languages
    assert services["SVC0011"].rto is None  # "2 h / 4 h": two durations, never added, said
    assert ("value.unreadable", (3, "u_rto")) in [(i.code, (i.source.row, i.source.column)) for i in result.issues]
    first, second = result.data.exercises  # "Custom field (...)" unwrapped; "Issue key" the id
    assert (first.id, first.date, first.target_rto, first.achieved_recovery_time) == (
        "DRT-41", dt.date(2026, 3, 4), 4 * H, 5 * H)
    assert (second.id, second.date) == ("DRT-42", dt.date(2026, 4, 7))  # "7-Apr-26"
    assert [f.id for f in result.data.findings] == ["DRT-41-F1"]  # "Nil" raises none, nor an action
    people = {c.role: c for c in result.data.contacts}
    assert people["Chief Risk Officer"].name == "Lorraine Desjarlais"  # names in parts, joined
    assert (people["Digital Channels Lead"].name, people["Digital Channels Lead"].phone) == (
        "Tyler J. Funk", "204-555-0103")  # the mobile is empty: the business phone, said
    notes = [i.message for i in result.issues if i.code == "value.interpreted"]
    assert any(n.startswith("1 empty 'Mobile Phone' cell(s) filled from 'Business Phone'") for n in notes)
    assert any(n.startswith("2 name(s) joined from 'First Name', 'Middle Name' and 'Last Name'") for n in notes)


@pytest.mark.parametrize("kind, header, field", [
    (EntityKind.EXERCISE, "Ex #", "id"), (EntityKind.EXERCISE, "Processus testés", "services"),
    (EntityKind.EXERCISE, "Custom field (RTO achieved)", "achieved_recovery_time"),
    (EntityKind.SERVICE, "Owned by", "owner"), (EntityKind.CORRECTIVE_ACTION, "OPI / BPR", "owner"),
    (EntityKind.FINDING, "Finding Title", "description"),
    (EntityKind.FINDING, "Finding Status", "corrective_action.status"),
    (EntityKind.BACKUP_RUN, "SureBackup verified", "restore_test"),
    (EntityKind.CONTACT, "Job Title", "role"), (EntityKind.TRAINING_RECORD, "Learner", "person"),
    (EntityKind.TRAINING_RECORD, "Course Title", "course"),
])
def test_headers_from_tools_and_agencies(kind: EntityKind, header: str, field: str) -> None:
    found = header_fields(kind, header)
    assert found and found[0][0] == field, found


def test_a_header_of_known_words_is_never_read_by_spelling() -> None:
    # "Reporter" is a person, not the post-exercise report it resembles
    assert header_fields(EntityKind.EXERCISE, "Reporter") == []


# --- sixth round: a backup tool's job log, vacancies ---------------------------------------------------------

def test_a_logs_service_column_is_the_one_whose_values_name_services(tmp_path: Path) -> None:
    register, log = shapes.backup_tool_jobs(tmp_path)
    result = import_at_as_of(register, log)
    runs = result.data.backup_runs
    assert [r.service_id for r in runs[:3]] == ["WS-01", "WS-02", "OLD_GIS"]  # "Policy", not the host
    assert runs[0].columns["service_id"] == "Policy" and runs[0].extra["Client"] == "host-00"
    (said,) = [i for i in result.issues if i.code == "reference.column"]
    assert said.source.column == "Policy" and "those of 'Client' do not (0%)" in said.message
    # the one policy no register knows is reported where it first stands
    assert located(result, "reference.unresolved") == [(4, "Policy", "OLD_GIS")]
    # exit codes: 0 success and 1 partial (each reading said once), 156 is not guessed
    assert [r.status.value for r in runs[:3]] == ["success", "success", "partial"]
    assert [(i.source.row, i.source.value) for i in result.issues
            if i.code == "value.unreadable" and i.source.column == "Status Code"] == [
        (5, "156"), (9, "156"), (13, "156")]


def test_a_role_nobody_holds_yet_is_not_a_name(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.call_tree_vacancies(tmp_path))
    assert [c.name for c in result.data.contacts] == ["Ana Ruiz", None, None]
    assert located(result, "value.not_given")[:2] == [(3, "Primary", "(vacant)"), (4, "Primary", "à combler")]


@pytest.mark.parametrize("kind, header, field", [
    (EntityKind.SERVICE, "Customer data?", "personal_data"), (EntityKind.SERVICE, "Reviewed", "bia_reviewed"),
    (EntityKind.SERVICE, "Code appli", "id"), (EntityKind.INCIDENT, "State AG notified", "regulator_notified"),
    (EntityKind.EXERCISE, "Functions tested", "services"), (EntityKind.RISK, "Linked IBS", "services"),
    (EntityKind.PLAN_DOCUMENT, "In-scope services", "services"), (EntityKind.PLAN_DOCUMENT, "Ver.", "version"),
    (EntityKind.PLAN_DOCUMENT, "Plan", "title"), (EntityKind.TRAINING_RECORD, "Training Title", "course"),
    (EntityKind.EXERCISE, "AAR finding", "finding.description"),
    (EntityKind.EXERCISE, "Improvement action", "corrective_action.description"),
    (EntityKind.BACKUP_RUN, "Status Code", "status"),
])
def test_headers_of_registers_used_less(kind: EntityKind, header: str, field: str) -> None:
    found = header_fields(kind, header)
    assert found and found[0][0] == field, found


# --- seventh round: headers over two unmerged rows, rows that contradict themselves ------------------------

def test_a_header_over_two_unmerged_rows_is_read_as_one(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.inventory_two_row_header(tmp_path))
    (mapping,) = result.mappings
    by_header = {c.header: c.field for c in mapping.columns}
    assert (mapping.header_first_row, mapping.header_row) == (1, 2)
    assert by_header["Business owner"] == "owner" and by_header["Recovery time objective"] == "rto"
    assert by_header["Maximum tolerable period of disruption before patient harm"] == "mtpd"  # a long header
    assert by_header["RTO 2022 (superseded)"] is None  # the obsolete column beside the current one
    charting, rostering, kiosk = result.data.services
    assert (charting.owner, charting.mtpd, charting.rto, charting.tier) == ("Dr. A. Kowal", 8 * H, 4 * H, 1)
    assert (rostering.tier, kiosk.tier) == (3, 4)  # business operational, administrative (each said)
    assert (kiosk.status, kiosk.in_scope) == ("retired", False)  # "Withdrawn 31 May 2026"
    assert accounts(result) == {"Inventory": (3, 3, 0, 0)}


def test_a_drill_passed_over_its_target_and_an_action_closed_ahead_are_said(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.drills_that_contradict_themselves(tmp_path))  # as of 2026-09-30
    (conflict,) = [i for i in result.issues if i.code == "value.conflict"]
    assert (conflict.source.row, conflict.source.column) == (2, "Result")
    assert "recovery took 5h against the 2h target" in conflict.message
    (ahead,) = [i for i in result.issues if i.code == "date.after_as_of"]
    assert (ahead.source.row, ahead.source.column) == (2, "Closed on")
    assert ahead.message.startswith("1 corrective action(s) closed after the as-of date 2026-09-30")


def test_a_role_named_in_a_long_phrase() -> None:
    assert header_fields(EntityKind.CONTACT, "Role in the Emergency Operations Centre")[0][0] == "role"
    assert header_fields(EntityKind.SERVICE, "RTO convenu avec le responsable métier (heures)")[0][0] == "rto"


def test_an_exercise_of_a_service_out_of_scope_is_pointed_out(tmp_path: Path) -> None:
    inventory = shapes.inventory_two_row_header(tmp_path)
    log = tmp_path / "drills.csv"
    log.write_text("Exercise ID,Date,Systems,Result\nX-1,2026-06-20,Kiosk,Passed\nX-2,2026-06-21,Charting,Passed\n",
                   encoding="utf-8")
    result = import_at_as_of(inventory, log)
    (said,) = [i for i in result.issues if i.code == "reference.out_of_scope"]
    assert (said.source.row, said.source.column) == (2, "Systems")
    assert said.message.endswith("Kiosk (retired)")
