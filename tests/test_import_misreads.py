"""Misreads found on other organisations' files after issue 10 (scripts/make_foreign_fixtures.py, the
"issue 10 follow-up" shapes): each shape's records, located issues and row accounting."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixture_script import shapes
from import_support import AS_OF, H, accounts, import_at_as_of, located
from itscm_audit.cli import main
from itscm_audit.importers import import_files
from itscm_audit.importers.columns import header_fields
from itscm_audit.model import EntityKind, ExerciseResult, ExerciseType, Severity

# --- rows and columns named as the officer sees them ----------------------------------------------------------

def test_rows_under_an_empty_first_row_are_cited_where_the_officer_sees_them(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.register_under_a_logo(tmp_path))
    (mapping,) = result.mappings
    assert mapping.header_row == 8
    assert [c.letter for c in mapping.columns][:2] == ["B", "C"]
    services = result.data.services
    assert [(s.id, s.source.row, s.source.column) for s in services] == [
        ("EB-01", 9, "Ref"), ("EB-02", 10, "Ref"), ("EB-03", 11, "Ref"), ("EB-04", 12, "Ref")]
    assert services[0].rto == 2 * H and services[0].rpo == dt.timedelta(minutes=15)
    assert services[3].status == "planned" and services[3].in_scope is False
    assert located(result, "value.not_given") == [(10, "RPO", "TBC")]
    assert located(result, "value.unreadable") == [(11, "RTO", "-2 h")]
    assert services[2].rto is None and services[2].raw["rto"] == "-2 h"
    assert accounts(result) == {"Services": (4, 4, 0, 0)}


# --- two-row headers -------------------------------------------------------------------------------------

def test_group_headers_over_sub_headers_give_each_column_its_field(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.call_tree_group_headers(tmp_path))
    (mapping,) = result.mappings
    assert (mapping.header_first_row, mapping.header_row) == (4, 5)
    fields = {c.header: c.field for c in mapping.columns}
    assert fields == {"Role": "role", "Primary contact / Name": "name", "Primary contact / Phone": "phone",
                      "Email": "email", "Backup contact / Name": "alternate", "Backup contact / Phone": None,
                      "Last verified": "last_verified"}
    lead, it, comms = result.data.contacts
    assert (lead.role, lead.name, lead.phone, lead.email, lead.alternate) == (
        "Crisis lead", "Ines Moreau", "604-555-0101", "ines.moreau@eastbay.example", "Tom Reyes")
    assert lead.extra == {"Backup contact / Phone": "604-555-0102"}  # the backup's phone is not the lead's
    assert lead.last_verified == dt.date(2026, 6, 2) and lead.source.row == 6
    assert lead.columns["name"] == "Primary contact / Name"
    assert it.last_verified is None and it.not_given == {"last_verified": "unknown"}
    assert comms.alternate is None and comms.last_verified is None
    assert located(result, "value.not_given") == [(7, "Last verified", "TBC")]
    assert located(result, "value.unreadable") == [(8, "Last verified", "30/02/2026")]
    assert accounts(result) == {"Call Tree": (3, 3, 0, 0)}


def test_a_csv_two_row_header_without_merges_is_read_as_one(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.arbre_appel_deux_lignes(tmp_path))
    (mapping,) = result.mappings
    assert (mapping.header_first_row, mapping.header_row) == (1, 2)
    fields = {c.header: c.field for c in mapping.columns}
    assert fields["Responsable / Nom"] == "name" and fields["Suppléant(e) / Nom"] == "alternate"
    assert fields["Responsable / Téléphone"] == "phone" and fields["Suppléant(e) / Téléphone"] is None
    first, second = result.data.contacts
    assert (first.name, first.alternate, first.phone, first.email) == (
        "Hélène Roy", "Marc Paré", "418 555-0150", "helene.roy@ville.example")
    assert (first.source.row, first.last_verified) == (3, dt.date(2026, 5, 4))
    assert second.not_given == {"last_verified": "unknown"}
    assert located(result, "value.not_given") == [(4, "Dernière vérification", "à vérifier")]
    assert accounts(result) == {"arbre_appel_deux_lignes": (2, 2, 0, 0)}


def test_recovery_objectives_grouped_over_dmia_dmt_pdma(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.bia_objectifs_deux_lignes(tmp_path))
    (mapping,) = result.mappings
    fields = {c.header: c.field for c in mapping.columns if c.field in ("mtpd", "rto", "rpo")}
    # DMT is the recovery delay when a DMIA column already holds the maximum tolerable interruption
    assert fields == {"DMIA": "mtpd", "DMT": "rto", "PDMA": "rpo"}
    by_id = {s.id: s for s in result.data.services}
    assert (by_id["SV-01"].mtpd, by_id["SV-01"].rto, by_id["SV-01"].rpo) == (8 * H, 2 * H, dt.timedelta(0))
    assert by_id["SV-02"].rpo is None and by_id["SV-02"].not_given == {"rpo": "not_applicable"}
    assert by_id["SV-03"].rto is None and by_id["SV-03"].not_given == {"rto": "unknown"}
    # "Criticité N" is read; a band's tier only fills an empty tier cell, never an unreadable one
    assert {i: s.tier for i, s in by_id.items()} == {"SV-01": 1, "SV-02": 1, "SV-03": 2, "SV-04": 3,
                                                     "SV-05": None}
    assert by_id["SV-05"].status == "decommissioned" and by_id["SV-05"].in_scope is False
    assert located(result, "value.not_given") == [(7, "PDMA", "s.o."), (9, "DMT", "?")]
    assert located(result, "value.unreadable") == [(11, "Niveau de criticité", "Catégorie X")]
    assert [row for row, _c, _v in located(result, "row.skipped")] == [5, 8]
    assert accounts(result) == {"Services": (7, 5, 0, 2)}


def test_a_band_of_groups_above_repeated_sub_headers(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.dr_log_target_actual(tmp_path))
    (mapping,) = result.mappings
    assert (mapping.header_first_row, mapping.header_row) == (1, 2)
    fields = {c.header: c.field for c in mapping.columns}
    assert fields == {"Test ID": "id", "Date": "date", "Systems": "services", "Target / RTO": "target_rto",
                      "Target / RPO": "target_rpo", "Actual / RTO": "achieved_recovery_time",
                      "Actual / RPO": "achieved_data_loss", "Result": "result"}
    first, second = result.data.exercises
    assert (first.target_rto, first.achieved_recovery_time, first.achieved_data_loss) == (
        4 * H, 5 * H, dt.timedelta(minutes=30))
    assert first.source.row == 3 and first.result is ExerciseResult.FAILED
    assert second.achieved_data_loss is None and second.not_given == {"achieved_data_loss": "not_applicable"}
    assert located(result, "value.not_given") == [(4, "Actual / RPO", "N/A")]
    assert accounts(result) == {"DR Tests": (2, 2, 0, 0)}


def test_values_under_a_wide_header_are_not_taken_for_sub_headers(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.values_under_a_wide_header(tmp_path))
    (mapping,) = result.mappings
    assert (mapping.header_first_row, mapping.header_row) == (None, 1)
    assert {c.header: c.field for c in mapping.columns}["Depends on"] == "depends_on"
    assert [(s.id, s.depends_on) for s in result.data.services] == [("EB-01", ("EB-02",)), ("EB-02", ())]
    assert located(result, "row.skipped") == [(2, None, None)]
    assert accounts(result) == {"values_under_a_wide_header": (3, 2, 0, 1)}


def test_every_group_naming_someone_else_names_the_alternate() -> None:
    from itscm_audit.importers.vocabulary import SECONDARY_GROUPS

    assert {g for g in SECONDARY_GROUPS if header_fields(EntityKind.CONTACT, g)[0][0] != "alternate"} == set()


@pytest.mark.parametrize(("kind", "group", "sub", "field"), [
    (EntityKind.EXERCISE, "Target", "RTO", "target_rto"),
    (EntityKind.EXERCISE, "Achieved", "RTO", "achieved_recovery_time"),
    (EntityKind.VENDOR, "Contractual", "RTO", "contract_rto"),
    (EntityKind.SERVICE, "Recovery objectives", "RPO", "rpo"),
    (EntityKind.CONTACT, "Alternate contact", "Name", "alternate"),
])
def test_a_group_header_qualifies_its_sub_headers(kind: EntityKind, group: str, sub: str, field: str) -> None:
    from itscm_audit.importers.columns import group_fields

    assert group_fields(kind, group, sub)[0][0] == field


# --- logs and registers --------------------------------------------------------------------------------

def test_a_backup_tool_export_is_one_backup_run_per_line(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.register_under_a_logo(tmp_path), shapes.backup_job_log(tmp_path, days=200))
    runs = result.data.backup_runs
    assert len(runs) == 599
    first, second = runs[0], runs[1]
    assert (first.service_id, first.completed, first.source.row) == ("EB-01", dt.datetime(2026, 1, 1, 23, 0), 2)
    assert (first.status.value, first.restore_test) == ("failed", True)
    # an empty tick box under a column the log keeps is "not tested", said once for the column
    assert (second.status.value, second.restore_test, second.raw["restore_test"]) == ("success", False, "")
    (said,) = [i for i in result.issues if i.code == "value.interpreted" and i.source.column == "Restore test"]
    assert said.source.row == 3 and "read as 'no'" in said.message and "and " in said.message
    assert located(result, "row.rejected") == [(101, "Server/Service", "EB-02")]
    assert ("value.not_given", (101, "Job end", "n/a")) in [
        (i.code, (i.source.row, i.source.column, i.source.value)) for i in result.issues]
    assert located(result, "reference.unresolved") == [(151, "Server/Service", "EB-OLDMAIL")]
    assert accounts(result)["backup_job_log"] == (600, 599, 1, 0)


def test_notifications_to_a_regulator_named_by_its_acronym(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.breach_log_regulator_acronyms(tmp_path))
    mailed, outage, laptop = result.data.incidents
    assert mailed.regulator_notified == dt.datetime(2026, 2, 5, 16, 0)
    assert mailed.individuals_notified == dt.datetime(2026, 2, 9)
    assert mailed.columns["regulator_notified"] == "OIPC notified"
    assert outage.regulator_notified is None and outage.not_given == {}
    assert laptop.regulator_notified is None and laptop.not_given == {"regulator_notified": "unknown"}
    assert located(result, "value.not_given") == [(4, "OIPC notified", "TBD")]
    assert [m for _r, m in [(i.source.row, i.message) for i in result.issues if i.code == "row.skipped"]] == [
        "blank row", "totals row ('Count: 3'), not a record"]
    assert accounts(result) == {"Breaches": (5, 3, 0, 2)}


@pytest.mark.parametrize(("header", "field"), [
    ("IPC notified", "regulator_notified"), ("DPC notified", "regulator_notified"),
    ("Regulator notified (date)", "regulator_notified"), ("Date ICO notified", "regulator_notified"),
    ("Notified to supervisory authority", "regulator_notified"), ("CNIL notifiée le", "regulator_notified"),
    ("Patients notified", "individuals_notified"), ("Data subjects notified", "individuals_notified"),
    ("Customers informed", "individuals_notified"), ("Membres avisés le", "individuals_notified"),
])
def test_who_was_notified_is_read_under_its_usual_names(header: str, field: str) -> None:
    assert header_fields(EntityKind.INCIDENT, header)[0] == (field, pytest.approx(1.0, abs=0.05))


@pytest.mark.parametrize(("header", "field"), [
    ("Server/Service", "service_id"), ("Host", "service_id"), ("Job Name", "service_id"), ("Job end", "completed"),
    ("End Time", "completed"), ("Backup Result", "status"), ("Restore tested?", "restore_test"),
])
def test_a_backup_tool_export_under_its_usual_headers(header: str, field: str) -> None:
    assert header_fields(EntityKind.BACKUP_RUN, header)[0][0] == field


def test_a_french_count_footer_is_not_an_incident(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.registre_incidents_pied(tmp_path))
    assert [i.id for i in result.data.incidents] == ["INC-26-01", "INC-26-02"]
    first, second = result.data.incidents
    assert first.regulator_notified == dt.datetime(2026, 3, 4, 9, 0)
    assert first.individuals_notified == dt.datetime(2026, 3, 6)
    assert second.not_given == {"regulator_notified": "unknown", "individuals_notified": "unknown"}
    assert located(result, "value.not_given") == [(3, "CAI avisée le", "n/d"), (3, "Clients avisés le", "à venir")]
    skipped = {i.source.row: i.message for i in result.issues if i.code == "row.skipped"}
    assert skipped == {4: "blank row", 5: "totals row (\"Nombre d'incidents : 2\"), not a record"}
    assert accounts(result) == {"registre_incidents_pied": (4, 2, 0, 2)}


def test_slash_separated_services_and_exercises_dated_ahead(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.exercise_log_slashed_services(tmp_path))
    by_id = {e.id: e for e in result.data.exercises}
    assert by_id["EX-26-01"].services == ("EB-01", "EB-02")
    assert by_id["EX-26-02"].services == ("EB-01", "EB-03") and by_id["EX-26-02"].raw["services"] == "EB-01 / EB-03"
    # a part naming nothing is kept as written and reported at its row; the others are linked
    assert by_id["EX-26-03"].services == ("EB-02", "Mainframe")
    assert located(result, "reference.unresolved") == [(4, "Services tested", "Mainframe")]
    # an exercise whose result is written has happened: six years ahead is a mistake, located, never read
    assert "EX-26-04" not in by_id
    (ahead,) = [i for i in result.issues if i.code == "value.unreadable"]
    assert (ahead.source.row, ahead.source.column, ahead.source.value) == (5, "Date", "2032-06-17")
    assert "more than a year after the as-of date" in ahead.message
    assert located(result, "row.rejected") == [(5, "Exercise", "EX-26-04")]
    # a planned exercise (no result yet) may lie ahead
    planned = by_id["EX-27-01"]
    assert (planned.date, planned.result, planned.type) == (dt.date(2028, 3, 15), None, ExerciseType.FULL_INTERRUPTION)
    assert by_id["EX-26-02"].result is ExerciseResult.PARTIAL
    assert accounts(result) == {"Services": (3, 3, 0, 0), "Exercises": (5, 4, 1, 0)}


def test_plan_numbers_and_a_date_order_settled_by_the_rest_of_the_file(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.plans_et_formation_dates(tmp_path))
    assert [(p.id, p.title) for p in result.data.plan_documents] == [("PL-01", "Plan de continuité"),
                                                                      ("PL-02", "Plan de reprise TI")]
    assert result.data.plan_documents[0].approved == dt.date(2024, 11, 30)
    caron, roy = result.data.training_records
    assert caron.completed == dt.date(2026, 5, 12)  # 12/05: day-first, like 30/11/2024 on the other sheet
    assert located(result, "date.order_from_file") == [(2, "Date de complétion", "12/05/2026")]
    assert roy.not_given == {"completed": "unknown"}
    assert located(result, "value.not_given") == [(3, "Dernière révision", "à planifier"),
                                                  (3, "Date de complétion", "en attente")]
    assert accounts(result) == {"Registre des plans": (2, 2, 0, 0), "Formations": (2, 2, 0, 0)}


def test_an_exercise_type_under_nature(tmp_path: Path) -> None:
    result = import_at_as_of(shapes.journal_nature(tmp_path))
    assert [(e.id, e.date, e.type, e.result) for e in result.data.exercises] == [
        ("EX-01", dt.date(2026, 2, 17), ExerciseType.TABLETOP, ExerciseResult.PASSED),
        ("EX-02", dt.date(2026, 4, 22), ExerciseType.FAILOVER, ExerciseResult.FAILED)]
    assert not [i for i in result.issues if i.severity is not Severity.INFO]
    assert accounts(result) == {"journal_nature": (2, 2, 0, 0)}


# --- the import command's date bound ----------------------------------------------------------------------

def test_the_import_command_bounds_done_dates_by_today_and_says_so(tmp_path: Path) -> None:
    today = dt.date.today()
    ahead = today.replace(year=today.year + 3, day=min(today.day, 28))
    log = tmp_path / "drills.csv"
    log.write_text("Exercise ID,Date,Type,Result\n"
                   f"EX-1,{today.isoformat()},Tabletop,Passed\nEX-2,{ahead.isoformat()},Tabletop,Passed\n",
                   encoding="utf-8")
    result = CliRunner().invoke(main, ["import", str(log), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["as_of"] == {"date": today.isoformat(), "from": "today"}
    assert [e["id"] for e in data["records"]["exercises"]] == ["EX-1"]
    assert [(i["code"], i["source"]["row"]) for i in data["issues"] if i["severity"] != "info"] == [
        ("value.unreadable", 3), ("row.rejected", 3)]
    text = CliRunner().invoke(main, ["import", str(log)]).stdout
    assert f"checked against {today.isoformat()} (today)" in text and "Use --as-of" in text
    pinned = CliRunner().invoke(main, ["import", str(log), "--as-of", ahead.isoformat(), "--json"]).stdout
    assert [e["id"] for e in json.loads(pinned)["records"]["exercises"]] == ["EX-1", "EX-2"]


def test_a_two_row_header_is_saved_and_reused_as_a_profile(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    path = shapes.call_tree_group_headers(tmp_path)
    first = import_files([path], workspace, as_of=AS_OF, save_profiles=True)
    again = import_files([path], workspace, as_of=AS_OF, save_profiles=True)
    (mapping,) = again.mappings
    assert mapping.from_profile and (mapping.header_first_row, mapping.header_row) == (4, 5)
    assert not [i for i in again.issues if i.code == "profile.mismatch"]
    assert again.data.contacts == first.data.contacts
