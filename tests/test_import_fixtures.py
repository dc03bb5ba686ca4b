"""One generated fixture per failure mode (scripts/make_import_fixtures.py), each with its test."""

from __future__ import annotations

import datetime as dt
import tracemalloc
from pathlib import Path

import pytest

from fixture_script import fx
from itscm_audit.errors import SourceError
from itscm_audit.importers import ImportResult, import_files, import_paths
from itscm_audit.importers.readers import open_source
from itscm_audit.model import ActionStatus, ExerciseResult, ExerciseType, Severity

ROOT = Path(__file__).resolve().parent.parent




def _one(path: Path) -> ImportResult:
    return import_files([path], None)


def _codes(result: ImportResult) -> list[tuple[str, int | None, str | None]]:
    return [(i.code, i.source.row, i.source.column) for i in result.issues]


def _accounts_add_up(result: ImportResult) -> None:
    for account in result.accounts:
        assert account.rows_read == account.imported + account.rejected + account.skipped, account


# --- layout ---------------------------------------------------------------------------------------------

def test_header_on_row_5_below_title_and_key_value_block(tmp_path: Path) -> None:
    result = _one(fx.header_on_row_5(tmp_path))
    (mapping,) = result.mappings
    assert (mapping.sheet, mapping.entity.value, mapping.header_row) == ("Services", "service", 5)
    assert [s.id for s in result.data.services] == ["SVC-001", "SVC-002", "SVC-003"]
    first, second, third = result.data.services
    assert first.source.row == 7 and first.source.column == "Service ID" and first.source.sheet == "Services"
    assert first.tier == 1 and second.tier == 1 and third.tier == 3
    assert first.rto == dt.timedelta(hours=4) and first.rpo == dt.timedelta(hours=1)
    assert first.mtpd == dt.timedelta(days=3) and third.mtpd == dt.timedelta(days=1)
    assert first.backup_interval == dt.timedelta(minutes=15) and third.backup_interval == dt.timedelta(days=7)
    assert first.depends_on == ("SVC-002", "SVC-003") and third.depends_on == () and third.vendors == ()
    assert first.personal_data is True and first.phi is False
    assert first.extra == {"Notes": "core system"}
    assert ("row.skipped", 6, None) in _codes(result)  # the data-type row under the header
    (account,) = result.accounts
    assert (account.rows_read, account.imported, account.skipped, account.rejected) == (4, 3, 1, 0)


def test_two_row_header_with_bands_guidance_column_and_split_column(tmp_path: Path) -> None:
    result = _one(fx.two_row_header_merged(tmp_path))
    (mapping,) = result.mappings
    assert mapping.header_row == 2
    assert mapping.columns[0].header.startswith("DELETE COLUMN A") and mapping.columns[0].field is None
    assert [s.id for s in result.data.services] == ["SVC-010", "SVC-011"]
    payments = result.data.services[0]
    assert payments.rto == dt.timedelta(minutes=90) and payments.rpo == dt.timedelta(minutes=15)
    assert payments.depends_on == ("SVC-011", "SVC-012")  # one logical column on two physical ones
    skipped = [i for i in result.issues if i.code == "row.skipped"]
    assert [(i.source.row, i.source.value) for i in skipped] == [(3, "SVC-EX")]
    _accounts_add_up(result)


def test_vertical_merges_are_filled_down(tmp_path: Path) -> None:
    result = _one(fx.vertical_merge(tmp_path))
    tiers = {s.id: (s.tier, s.owner) for s in result.data.services}
    assert tiers == {"SVC-101": (1, "Operations"), "SVC-102": (1, "Operations"), "SVC-103": (1, "Operations"),
                     "SVC-104": (3, "HR")}


def test_prefilled_formula_rows_end_the_table_at_the_last_identifier(tmp_path: Path) -> None:
    result = _one(fx.prefilled_formula_rows(tmp_path, filler_rows=500))
    actions = result.data.corrective_actions
    assert [(a.id, a.status) for a in actions] == [
        ("CA-001", ActionStatus.OPEN), ("CA-002", ActionStatus.CLOSED), ("CA-003", ActionStatus.IN_PROGRESS)]
    assert actions[1].closed == dt.date(2026, 2, 20) and actions[0].due == dt.date(2026, 3, 31)
    (account,) = result.accounts
    assert (account.rows_read, account.imported) == (3, 3)
    (end,) = [i for i in result.issues if i.code == "table.end"]
    assert end.source.row == 5 and "rows 5-504" in end.message


def test_formula_booleans_use_their_cached_values(tmp_path: Path) -> None:
    (service,) = _one(fx.formula_booleans(tmp_path)).data.services
    assert service.personal_data is True and service.phi is False


# --- CSV ------------------------------------------------------------------------------------------------

def test_semicolon_csv_that_defeats_the_sniffer(tmp_path: Path) -> None:
    result = _one(fx.semicolon_no_sniff(tmp_path))
    exercises = result.data.exercises
    assert [(e.id, e.type, e.result) for e in exercises] == [
        ("EX-001", ExerciseType.TABLETOP, ExerciseResult.PASSED),
        ("EX-002", ExerciseType.FAILOVER, ExerciseResult.PARTIAL),
        ("EX-003", ExerciseType.WALKTHROUGH, ExerciseResult.FAILED)]
    assert exercises[0].scenario == "Ransomware, then loss of the data centre, then a pandemic"
    assert exercises[0].services == ("SVC-001", "SVC-002")
    assert exercises[0].source.sheet == "semicolon_no_sniff" and exercises[0].source.row == 2  # as Excel names it


def test_cp1252_csv(tmp_path: Path) -> None:
    result = _one(fx.cp1252(tmp_path))
    first = result.data.vendors[0]
    assert first.name == "Société Générale Café" and first.contact == "Zoë Côté – account"
    assert first.contract_rto == dt.timedelta(hours=4) and result.data.vendors[1].contract_rto == dt.timedelta(days=1)
    assert any(i.code == "source.note" and "1252" in i.message for i in result.issues)


def test_utf16_csv_with_tabs(tmp_path: Path) -> None:
    runs = _one(fx.utf16(tmp_path)).data.backup_runs
    assert [(r.service_id, r.completed, r.status.value, r.restore_test) for r in runs] == [
        ("SVC-001", dt.datetime(2026, 9, 29, 2, 0), "success", False),
        ("SVC-001", dt.datetime(2026, 9, 28, 2, 0), "failed", False),
        ("SVC-002", dt.datetime(2026, 9, 29, 3, 15), "success", True)]


def test_bom_crlf_and_quoted_newlines(tmp_path: Path) -> None:
    findings = _one(fx.bom_crlf_quoted_newlines(tmp_path)).data.findings
    assert [f.id for f in findings] == ["F-001", "F-002"]  # the BOM did not stick to the first header
    assert findings[0].description == "DNS failover was manual.\r\nTook 40 minutes longer than planned."
    assert findings[1].source.row == 3  # a record spanning two lines is still one row


def test_day_first_evidence_settles_the_column(tmp_path: Path) -> None:
    result = _one(fx.ambiguous_dates(tmp_path))
    assert [e.date for e in result.data.exercises] == [dt.date(2026, 3, 13), dt.date(2026, 5, 4)]
    assert not [i for i in result.issues if i.code.startswith("date")]


def test_undecidable_dates_are_located_issues_not_guesses(tmp_path: Path) -> None:
    result = _one(fx.undecidable_dates(tmp_path))
    assert result.data.exercises == ()
    ambiguous = [(i.source.row, i.source.column, i.source.value) for i in result.issues if i.code == "date.ambiguous"]
    assert ambiguous == [(2, "Date", "04/05/2026"), (3, "Date", "06/07/2026")]
    (account,) = result.accounts
    assert (account.rows_read, account.imported, account.rejected) == (2, 0, 2)


def test_date_order_policy_settles_undecidable_dates(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    workspace.mkdir()
    (workspace / "itscm.yaml").write_text("organisation: {name: X}\npolicy: {date_order: mdy}\n", encoding="utf-8")
    result = import_files([fx.undecidable_dates(tmp_path)], workspace)
    assert [e.date for e in result.data.exercises] == [dt.date(2026, 4, 5), dt.date(2026, 6, 7)]


def test_big_csv_is_streamed_with_bounded_memory(tmp_path: Path) -> None:
    path = fx.big_csv(tmp_path, rows=600_000)  # about 26 MB
    size = path.stat().st_size
    assert size > 20_000_000
    opened = open_source(path, "big.csv")
    rows = opened.sheet(None).rows
    tracemalloc.start()
    try:
        count = 0
        for _number, _row in rows:
            count += 1
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert count == 600_001
    assert peak < size / 10, f"peak {peak:,} bytes for a {size:,}-byte file: rows were not streamed"
    import hashlib

    assert opened.digest == hashlib.sha256(path.read_bytes()).hexdigest()


# --- bad input ------------------------------------------------------------------------------------------

BAD = [
    ("corrupt_zip", "damaged"),
    ("password_protected", "password-protected"),
    ("empty_csv", "empty"),
    ("million_row_dimension", "column 16,384, row 1,048,576"),
    ("entity_bomb", "declares XML entities"),
    ("wrong_extension_pdf", "PDF"),
    ("zip_bomb", "compression bomb"),
]


@pytest.mark.parametrize(("maker", "words"), BAD)
def test_bad_file_is_one_located_error_issue(tmp_path: Path, maker: str, words: str) -> None:
    path = getattr(fx, maker)(tmp_path)
    result = _one(path)
    (issue,) = [i for i in result.issues if i.severity is Severity.ERROR]
    assert issue.code == "source.unreadable" and words in issue.message
    assert issue.source.file == path.as_posix()
    assert "\n" not in issue.message
    assert path.as_posix() in result.digests  # still listed among the inputs read


@pytest.mark.parametrize(("maker", "words"), BAD)
def test_bad_file_alone_raises_one_line_source_error(tmp_path: Path, maker: str, words: str) -> None:
    path = getattr(fx, maker)(tmp_path)
    with pytest.raises(SourceError) as caught:
        import_paths([path], None)
    assert "nothing usable" in caught.value.message and words in caught.value.one_line()
    assert "\n" not in caught.value.one_line()


def test_empty_workbook_has_no_table(tmp_path: Path) -> None:
    result = _one(fx.empty_xlsx(tmp_path))
    assert result.accounts == () and [i.code for i in result.issues] == ["source.no_table"]


def test_a_bad_file_does_not_stop_the_good_ones(tmp_path: Path) -> None:
    good = fx.header_on_row_5(tmp_path)
    bad = fx.corrupt_zip(tmp_path)
    result = import_paths([bad, good], None)
    assert len(result.data.services) == 3
    assert [i.code for i in result.issues if i.severity is Severity.ERROR] == ["source.unreadable"]


def test_csv_named_xlsx_is_read_as_csv_with_a_note(tmp_path: Path) -> None:
    result = _one(fx.wrong_extension(tmp_path))
    (risk,) = result.data.risks
    assert (risk.id, risk.title, risk.services) == ("R-01", "Loss of primary data centre", ("SVC-001",))
    assert any(i.code == "source.note" and "CSV" in i.message for i in result.issues)


def test_control_characters_are_removed_and_reported(tmp_path: Path) -> None:
    result = _one(fx.control_chars(tmp_path))
    contacts = result.data.contacts
    assert [c.name for c in contacts] == ["Ana Silva", "Chen Li"]
    assert contacts[0].critical_role is True and contacts[1].critical_role is False
    assert contacts[1].phone == "+1 514 555 0101"
    located = [(i.source.row, i.source.column) for i in result.issues if i.code == "cell.control_characters"]
    assert located == [(2, "Name"), (3, "Name")]


def test_every_fixture_is_generated_and_named_after_its_failure_mode(tmp_path: Path) -> None:
    for name, make in fx.FIXTURES.items():
        assert make(tmp_path).name == name


def test_opendocument_container_passes_the_zip_checks() -> None:
    import io
    import zipfile

    from itscm_audit.importers.readers import _check_zip

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
    _check_zip(buffer.getvalue(), "plan.ods")  # no error: calamine reads .ods


def test_zip_that_is_no_spreadsheet_is_refused(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "photos.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("photo.txt", "not a workbook")
    result = _one(path)
    (issue,) = result.issues
    assert issue.code == "source.unreadable" and "not a spreadsheet" in issue.message


def test_a_declared_million_row_dimension_alone_is_harmless(tmp_path: Path) -> None:
    """openpyxl would pad every row to 16,384 cells; the importer only trusts the real cells."""
    xml = (fx._SHEET_HEAD + '<dimension ref="A1:XFD1048576"/><sheetData>'
           + fx._inline_row(1, ["Service ID", "Service Name"]) + fx._inline_row(2, ["SVC-001", "Claims"])
           + "</sheetData></worksheet>")
    path = fx._raw_xlsx(tmp_path / "claims_a_million_rows.xlsx", xml)
    (service,) = _one(path).data.services
    assert (service.id, service.name) == ("SVC-001", "Claims")


def test_fuzzy_headers_are_mapped_with_their_confidence_and_listed(tmp_path: Path) -> None:
    path = tmp_path / "bia_export.csv"
    path.write_text("Service Identifiers,Service Name,Recovry Time Objective,Status Date\n"
                    "SVC-1,Payroll,4,2026-01-02\n", encoding="utf-8")
    result = _one(path)
    (mapping,) = result.mappings
    by_header = {c.header: (c.field, c.confidence) for c in mapping.columns}
    assert by_header["Service Name"] == ("name", 1.0)
    assert by_header["Service Identifiers"] == ("id", 1.0)  # plural and spelled out: still exact
    assert by_header["Recovry Time Objective"][0] == "rto" and 0.78 <= by_header["Recovry Time Objective"][1] < 0.95
    assert by_header["Status Date"] == (None, 1.0)  # a date column is never read as a status
    fuzzy = {i.source.column for i in result.issues if i.code == "column.fuzzy"}
    assert fuzzy == {"Recovry Time Objective"}
    (service,) = result.data.services
    assert service.rto == dt.timedelta(hours=4) and service.extra == {"Status Date": "2026-01-02"}
