"""attestations.xlsx: the template round-trips, and bad rows become located issues."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from itscm_audit.attestations import HELP_SHEET, SHEET, load_attestations, write_attestations_template
from itscm_audit.errors import SourceError
from itscm_audit.model import AttestationStatus


def test_missing_file_means_no_attestations(tmp_path: Path) -> None:
    assert load_attestations(tmp_path) == ((), ())


def test_template_round_trip_and_layout(tmp_path: Path) -> None:
    path = write_attestations_template(tmp_path / "attestations.xlsx", rows=[
        {"target": "iso22301:5.1", "status": "Met", "statement": "Leadership commitment minuted",
         "attested_by": "CEO", "date": date(2026, 9, 1), "evidence": ["governance/minutes.pdf", "bc/policy.md"]},
        {"target": "hipaa:164.308(a)(7)", "status": AttestationStatus.NOT_APPLICABLE,
         "justification": "No PHI processed in scope", "attested_by": "CPO"},
        {"target": "nist-800-53-cp:CP-12", "status": "Not met"},
        {"target": "OBJ-GOVERNANCE", "status": "Partially met", "statement": "=HYPERLINK(\"http://x\")"},
    ])
    wb = openpyxl.load_workbook(path)
    ws = wb[SHEET]
    assert [c.value for c in ws[1]] == ["Framework", "Requirement", "Title", "What to attest", "Status", "Statement",
                                       "Justification", "Owner", "Date", "Evidence"]
    assert ws["A1"].font.bold
    assert [ws["A2"].value, ws["B2"].value, ws["A5"].value, ws["B5"].value] == [
        "iso22301", "5.1", None, "OBJ-GOVERNANCE"]
    assert ws["F5"].data_type == "s"  # formula text stays text
    assert any(dv.formula1 == '"Met,Partially met,Not met,Not applicable"' for dv in ws.data_validations.dataValidation)
    assert HELP_SHEET in wb.sheetnames
    assert not list(tmp_path.glob(".*.xlsx"))
    found, issues = load_attestations(tmp_path)
    assert issues == ()
    assert [(a.target, a.status) for a in found] == [
        ("iso22301:5.1", AttestationStatus.MET), ("hipaa:164.308(a)(7)", AttestationStatus.NOT_APPLICABLE),
        ("nist-800-53-cp:CP-12", AttestationStatus.NOT_MET), ("OBJ-GOVERNANCE", AttestationStatus.PARTIALLY_MET)]
    assert found[0].evidence == ("governance/minutes.pdf", "bc/policy.md")
    assert found[0].date == date(2026, 9, 1)
    assert found[1].justification == "No PHI processed in scope"
    import hashlib

    from itscm_audit.attestations import read_attestations

    again, _issues, digest = read_attestations(tmp_path)
    assert again == found
    assert digest == {"attestations.xlsx": hashlib.sha256((tmp_path / "attestations.xlsx").read_bytes()).hexdigest()}
    assert (found[3].source.sheet, found[3].source.row) == (SHEET, 5)
    assert found[3].statement == '=HYPERLINK("http://x")'


def test_bad_rows_become_located_issues(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(["Attestations of Aurora Mutual"])  # a title row above the header
    ws.append(["Target", "Status", "Statement", "Justification", "Attested By", "Date", "Evidence"])
    ws.append(["gdpr:33", "Mostly", "x", None, "DPO", "2026-09-01", None])
    ws.append(["pipeda:10.1", "Not applicable", "n/a here", None, "DPO", None, None])
    ws.append([None, None, None, None, None, None, None])
    ws.append(["law25:3.5", "N/A", None, "No Quebec residents' data", "DPO", datetime(2026, 8, 1, 0, 0), None])
    ws.append(["nonsense", "Met", None, None, None, None, None])
    ws.append(["OBJ-X", "Met", None, None, None, "yesterday", None])
    wb.save(tmp_path / "attestations.xlsx")
    found, issues = load_attestations(tmp_path)
    assert [(a.target, a.status, a.date) for a in found] == [
        ("law25:3.5", AttestationStatus.NOT_APPLICABLE, date(2026, 8, 1)), ("OBJ-X", AttestationStatus.MET, None)]
    assert [(i.code, i.source.row, i.source.column) for i in issues] == [
        ("attestation.unknown_status", 3, "Status"),
        ("attestation.no_justification", 4, "Justification"),
        ("attestation.bad_target", 7, "Target"),
        ("attestation.bad_date", 8, "Date"),
    ]
    assert "unknown status 'Mostly'" in issues[0].message
    assert issues[0].source.value == "Mostly"


def test_corrupt_workbook_is_a_located_error(tmp_path: Path) -> None:
    (tmp_path / "attestations.xlsx").write_bytes(b"not a zip at all")
    with pytest.raises(SourceError) as err:
        load_attestations(tmp_path)
    assert err.value.location == "attestations.xlsx"


def test_prefilled_rows_wait_for_the_officer_and_read_back_by_framework_and_requirement(tmp_path: Path) -> None:
    """Rows listed for attestation are not errors until filled in; filled ones read as framework:id."""
    write_attestations_template(tmp_path / "attestations.xlsx", rows=[
        {"framework": "iso22301", "requirement": "7.2", "title": "Competence", "what": "Role holders trained."},
        {"framework": "iso22301", "requirement": "5.1", "title": "Leadership", "what": "Top management leads."},
        {"framework": "dora", "requirement": "Art.11(7)", "title": "Crisis management function", "what": "x"},
        {"framework": "iso22301", "requirement": "4.3.2", "title": "Scope", "what": "State the scope."},
    ])
    assert load_attestations(tmp_path) == ((), ())  # nothing attested yet, and nothing wrong either
    wb = openpyxl.load_workbook(tmp_path / "attestations.xlsx")
    ws = wb[SHEET]
    ws["E3"], ws["F3"], ws["H3"], ws["I3"] = "Met", "Board minutes 2026-05-12", "CEO", "2026-05-12"
    ws["F4"] = "We have a crisis team"  # filled in, but no status chosen
    ws["E5"], ws["G5"] = "Not applicable", "Single-site organisation"
    wb.save(tmp_path / "attestations.xlsx")
    found, issues = load_attestations(tmp_path)
    assert [(a.target, a.status, a.attested_by) for a in found] == [
        ("iso22301:5.1", AttestationStatus.MET, "CEO"),
        ("iso22301:4.3.2", AttestationStatus.NOT_APPLICABLE, None)]
    assert found[0].date == date(2026, 5, 12) and found[1].justification == "Single-site organisation"
    assert [(i.code, i.source.row, i.source.column) for i in issues] == [("attestation.no_status", 4, "Status")]
    assert "dora:Art.11(7): no status given" in issues[0].message


def test_wrong_headers_and_unknown_requirements_are_located(tmp_path: Path) -> None:
    from itscm_audit.attestations import check_targets

    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(["Framework", "Requirement", "Status", "Statment", "Owner"])
    ws.append(["iso22301", "99.9", "Met", "typo in the header", "CEO"])
    ws.append(["ISO22301", "5.1", "Met", None, "CEO"])
    wb.save(tmp_path / "attestations.xlsx")
    found, issues = load_attestations(tmp_path)
    assert [(i.code, i.source.row, i.source.column) for i in issues] == [("attestation.unknown_column", 1, "Statment")]
    assert "its cells are not read" in issues[0].message
    assert [a.target for a in found] == ["iso22301:99.9", "iso22301:5.1"]
    kept, unknown = check_targets(found, {"iso22301:5.1"}, set())
    assert [a.target for a in kept] == ["iso22301:5.1"]
    assert [(i.code, i.source.row, i.source.column, i.source.value) for i in unknown] == [
        ("attestation.unknown_target", 2, "Requirement", "iso22301:99.9")]

    ws.delete_rows(1)
    wb.save(tmp_path / "attestations.xlsx")
    with pytest.raises(SourceError) as err:
        load_attestations(tmp_path)
    assert "no header row with 'Requirement' (or 'Target') and 'Status'" in err.value.one_line()


def test_same_rows_same_bytes(tmp_path: Path) -> None:
    rows = [{"framework": "gdpr", "requirement": "Art.32(1)", "title": "Security", "what": "=cmd|' /C calc'!A0"}]
    first = write_attestations_template(tmp_path / "a.xlsx", rows).read_bytes()
    assert write_attestations_template(tmp_path / "b.xlsx", rows).read_bytes() == first
    ws = openpyxl.load_workbook(tmp_path / "a.xlsx")[SHEET]
    assert ws["D2"].value == "=cmd|' /C calc'!A0" and ws["D2"].data_type == "s"
