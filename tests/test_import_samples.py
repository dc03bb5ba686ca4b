"""Real public spreadsheets (../shared/samples, see its MANIFEST.md): read without a traceback, and the
continuity-shaped ones give the records and located issues a careful analyst would expect."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from itscm_audit.importers import ImportResult, import_files
from itscm_audit.model import Severity

SAMPLES = Path(__file__).resolve().parent.parent.parent / "shared" / "samples"

pytestmark = [
    pytest.mark.samples,
    pytest.mark.skipif(not SAMPLES.is_dir(), reason="../shared/samples is not available"),
]

SPREADSHEETS = sorted(p.name for p in SAMPLES.glob("*") if p.suffix in (".xlsx", ".xlsm", ".csv")) \
    if SAMPLES.is_dir() else []


def _import(name: str) -> ImportResult:
    return import_files([SAMPLES / name], None)


def _accounts_add_up(result: ImportResult) -> None:
    for account in result.accounts:
        assert account.rows_read == account.imported + account.rejected + account.skipped, account
    for issue in result.issues:
        assert issue.source.file == (SAMPLES / issue.source.file.split("/")[-1]).as_posix()


@pytest.mark.parametrize("name", SPREADSHEETS)
def test_every_sample_is_read_without_a_traceback(name: str) -> None:
    result = _import(name)
    _accounts_add_up(result)
    assert result.digests[(SAMPLES / name).as_posix()]
    assert not [i for i in result.issues if i.code == "source.unreadable"]


def test_bia_template() -> None:
    result = _import("ciso-assistant__business_impact_analysis_template.xlsx")
    (service,) = result.data.services
    assert (service.id, service.name, service.source.sheet, service.source.row) == ("hypervisor", "hypervisor",
                                                                                     "bia", 2)
    # =TRUE() formulas read through their cached values; unknown columns kept, never dropped
    assert service.extra["recovery_documented"] == "Yes" and service.extra["recovery_targets_met"] == "Yes"
    assert service.extra["observation"] == "HELLO WORLD 2222222"
    duplicates = [(i.source.sheet, i.source.row, i.source.value) for i in result.issues if i.code == "row.duplicate"]
    assert duplicates == [("bia - thresholds", 2, "hypervisor"), ("bia - thresholds", 3, "hypervisor")]
    accounts = {a.sheet: (a.rows_read, a.imported, a.rejected, a.skipped) for a in result.accounts}
    assert accounts == {"bia": (1, 1, 0, 0), "bia - thresholds": (2, 0, 2, 0)}


def test_inventory_workbook_skips_guidance_and_template_rows() -> None:
    result = _import("fedramp-gov__SSP-Appendix-M-Integrated-Inventory-Workbook-Template.xlsx")
    (mapping,) = result.mappings
    assert (mapping.sheet, mapping.entity.value, mapping.header_row) == ("Inventory", "service", 2)
    fields = {c.header: c.field for c in mapping.columns}
    assert fields["UNIQUE ASSET IDENTIFIER"] == "id"
    assert fields["System Administrator/ Owner"] == "owner"
    assert result.data.services == ()  # every row is the template's own guidance or example
    skipped = {i.source.row: i.message for i in result.issues if i.code == "row.skipped"}
    assert set(skipped) == set(range(3, 13))
    assert "description or data-type row" in skipped[3]
    assert "delete rows 3-12" in skipped[6]
    (account,) = result.accounts
    assert (account.rows_read, account.imported, account.skipped) == (10, 0, 10)


@pytest.mark.parametrize("name", ["fedramp-gov__FedRAMP-POAM-Template.xlsx",
                                  "fedramp-gov__REV_4_FedRAMP-POAM-Template.xlsm"])
def test_poam_template_header_row_5_and_4000_formula_rows(name: str) -> None:
    result = _import(name)
    first = result.mappings[0]
    # a POA&M row is a weakness carrying its remediation: a finding and its corrective action
    assert (first.sheet, first.entity.value, first.header_row) == ("Open POA&M Items", "finding", 5)
    fields = {c.header: c.field for c in first.columns if c.field}
    assert fields == {"POAM ID": "id", "Weakness Description": "description", "Original Risk Rating": "severity",
                      "Original Detection Date": "raised", "Point of Contact": "corrective_action.owner",
                      "Overall Remediation Plan": "corrective_action.description",
                      "Scheduled Completion Date": "corrective_action.due"}
    skipped = [(i.source.row, i.message) for i in result.issues
               if i.code == "row.skipped" and i.source.sheet == "Open POA&M Items"]
    assert skipped == [(6, "description or data-type row under the header"),
                       (7, "description or data-type row under the header"),
                       (8, "example row from the template")]
    (end,) = [i for i in result.issues if i.code == "table.end" and i.source.sheet == "Open POA&M Items"]
    assert end.source.row == 9 and "rows 9-4022" in end.message
    assert result.data.findings == () and result.data.corrective_actions == ()


def test_poam_csv_from_compliance_trestle() -> None:
    result = _import("compliance-trestle__test-poam-data.csv")
    first, second = result.data.findings
    assert (first.id, first.raised, first.severity) == ("P001", dt.date(2024, 1, 15), "High")
    assert first.description == "System lacks documented access control policy"
    assert first.extra["Controls"] == "AC-1, AC-2"
    assert first.extra["Planned Milestones"].splitlines() == ["Milestone 1: Draft policy by 2024-03-01",
                                                              "Milestone 2: Implement by 2024-06-30"]
    assert second.id == "P002" and second.extra["Controls"] == "SC-7(5)"
    # the remediation on the same row is the finding's corrective action
    action, _other = result.data.corrective_actions
    assert (action.id, action.finding_id, action.owner, action.due) == ("P001", "P001", "John Doe",
                                                                        dt.date(2024, 6, 30))
    assert action.description == "Document and implement access control policy"
    assert action.source.row == first.source.row == 2
    assert not [i for i in result.issues if i.severity is not Severity.INFO]


def test_task_schedule_semicolon_csv() -> None:
    result = _import("ciso-assistant__sample_task_templates.csv")
    (mapping,) = result.mappings
    assert mapping.entity.value == "exercise"
    exercises = result.data.exercises
    assert [(e.id, e.date) for e in exercises][0] == ("Annual penetration test", dt.date(2025, 6, 30))
    assert exercises[0].source.column == "name" and exercises[0].source.row == 3
    assert exercises[0].extra["next_occurrence_status"] == "pending"
    internal_audit = next(e for e in exercises if e.id == "Internal ISMS audit")
    assert internal_audit.extra["folder"].startswith("ISO 27001:2022 — Full")  # UTF-8 em dash intact
    rejected = [(i.source.row, i.message) for i in result.issues if i.code == "row.rejected"]
    assert rejected[0] == (2, "exercise rejected: required date missing or unreadable")
    (account,) = result.accounts
    assert account.rows_read == 10 and account.imported == len(exercises) and account.rejected == len(rejected)


def test_risk_register_semicolon_with_null_markers() -> None:
    result = _import("ciso-assistant__RA_sample.csv")
    risks = result.data.risks
    assert [(r.id, r.title, r.likelihood, r.impact, r.treatment) for r in risks][:2] == [
        ("R.1", "Ransomware", "Likely", "Significant", "open"),
        ("R.2", "Unavailability", "Very likely", "Significant", "mitigate")]
    assert risks[0].extra["existing_controls"] == "ISMS Scope document,Statement of Applicability document"
    assert all("--" not in v for r in risks for v in r.extra.values())  # "--" is a null marker
    (account,) = result.accounts
    assert (account.rows_read, account.imported) == (3, 3)


def test_vendor_workbook() -> None:
    result = _import("ciso-assistant__third_parties_ecosystem_template.xlsx")
    assert [(v.id, v.name) for v in result.data.vendors] == [
        ("ENT-001", "ACME Corporation"), ("ENT-002", "ACME Europe"), ("ENT-003", "TechVendor Inc")]
    assert result.data.vendors[1].extra["parent_entity_ref_id"] == "ENT-001"
    contacts = result.data.contacts
    assert [(c.role, c.email, c.phone) for c in contacts][0] == ("CISO", "marie.durand@techvendor.com",
                                                                 "+33 1 42 00 00 01")
    assert contacts[0].extra["last_name"] == "Durand"
    entities = {m.sheet: m.entity.value for m in result.mappings}
    assert entities["Entities"] == "vendor" and entities["Representatives"] == "contact"
    not_recognised = [i.source.sheet for i in result.issues if i.code == "sheet.not_recognised"]
    assert "Contracts" in not_recognised


def test_entity_override_reads_a_sheet_detection_would_skip() -> None:
    result = import_files([SAMPLES / "ciso-assistant__assets_template.xlsx"], None, entity="service")
    assert [(s.id, s.name) for s in result.data.services] == [
        ("X.01", "alpha"), ("X.02", "omega"), ("A.005", "hypervisor"), ("A.006", "k8s sandbox")]


def test_sheet_option_limits_the_import() -> None:
    result = import_files([SAMPLES / "ciso-assistant__third_parties_ecosystem_template.xlsx"], None,
                          sheet="Entities")
    assert [m.sheet for m in result.mappings] == ["Entities"]
    assert result.data.contacts == ()


def test_a_list_of_applied_controls_is_not_read_as_services() -> None:
    # name / ref_id / status / priority look like a service register, but the file names security controls
    result = import_files([SAMPLES / "ciso-assistant__applied_controls_sample.csv"], None)
    assert result.data.services == () and not result.accounts
    assert [i.severity for i in result.issues] == [Severity.WARNING, Severity.WARNING]  # said, not dropped
