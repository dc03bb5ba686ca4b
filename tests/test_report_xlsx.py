"""gap-matrix.xlsx read back with openpyxl: sheets, values, status colours, chart, panes, hostile input."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from itscm_audit.reporters import Format, write_all
from itscm_audit.reporters.tables import STATUS_FILL
from result_factory import HOSTILE, make_result


def _write(tmp_path: Path, **kwargs: Any) -> Path:
    hostile = kwargs.pop("hostile", False)
    write_all(make_result(hostile=hostile), tmp_path, formats=(Format.GAP_MATRIX,), **kwargs)
    return tmp_path / "gap-matrix.xlsx"


def _rows(ws: Any) -> list[dict[str, Any]]:
    values = list(ws.iter_rows(values_only=True))
    header = values[0]
    return [dict(zip(header, row, strict=True)) for row in values[1:]]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return openpyxl.load_workbook(_write(tmp_path_factory.mktemp("xlsx")))


@pytest.fixture(scope="module")
def hostile_workbook(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return openpyxl.load_workbook(_write(tmp_path_factory.mktemp("xlsx-hostile"), hostile=True))


def test_sheets_in_order(workbook: Any) -> None:
    assert workbook.sheetnames == [
        "Summary", "GM iso22301", "GM nist-800-53-cp", "Cross-framework", "Services", "Exercises",
        "Corrective actions", "Evidence index", "Data quality", "Import accounting", "Rules",
        "Failing entities", "Objectives", "Remediation", "Contacts"]


def test_summary_has_run_facts_counts_chart_and_top_remediation(workbook: Any) -> None:
    ws = workbook["Summary"]
    cells = {row[0]: row[1] for row in ws.iter_rows(values_only=True) if row[0]}
    assert cells["Organisation"] == "Aurora Mutual Insurance"
    assert cells["As of"] == "2026-09-30"
    assert cells["Run id"] == "20260930-abc123"
    grid = [list(r) for r in ws.iter_rows(values_only=True)]
    nist = next(r for r in grid if r[0] == "nist-800-53-cp")
    assert nist[3:9] == [0, 1, 1, 1, 1, 25]
    assert any(r[1] == "OBJ-RTO-PROVEN" and r[0] == 1 for r in grid)
    assert len(ws._charts) == 1
    chart = ws._charts[0]
    assert chart.type == "bar" and chart.grouping == "stacked"
    assert len(chart.series) == 5


def test_gap_matrix_rows_statuses_and_colours(workbook: Any) -> None:
    ws = workbook["GM iso22301"]
    rows = _rows(ws)
    by_id = {r["Requirement"]: r for r in rows}
    assert set(by_id) == {"8.2.2", "8.5", "8.4.4", "5.1"}
    assert by_id["8.5"]["Status"] == "not met"
    assert by_id["8.5"]["Rules"] == "exercise.rto_achieved"
    assert by_id["8.5"]["Owner"] == "Marie Tremblay"
    assert by_id["8.5"]["Due date"].date().isoformat() == "2026-06-30"
    assert "OBJ-RTO-PROVEN (subset of, 8): not met" in by_id["8.5"]["Objectives (relationship, strength)"]
    assert by_id["5.1"]["Attestation"].startswith("met by Jean-Luc Picard")
    status_col = [c.value for c in ws[1]].index("Status") + 1
    fills = {ws.cell(row=i, column=status_col).value: ws.cell(row=i, column=status_col).fill.fgColor.rgb
             for i in range(2, ws.max_row + 1)}
    assert fills["met"] == "FF" + STATUS_FILL["met"]
    assert fills["not met"] == "FF" + STATUS_FILL["not met"]
    assert fills["partially met"] == "FF" + STATUS_FILL["partially met"]
    nist = {r["Requirement"]: r["Status"] for r in _rows(workbook["GM nist-800-53-cp"])}
    assert nist == {"CP-4": "not met", "CP-2": "partially met", "CP-10(2)": "not assessed", "CP-8": "not applicable"}


def test_every_table_sheet_has_frozen_header_autofilter_and_widths(workbook: Any) -> None:
    for name in workbook.sheetnames[1:]:
        ws = workbook[name]
        assert ws.freeze_panes == "A2", name
        assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A1:"), name
        assert ws.column_dimensions["A"].width >= 6, name
        # printed / converted to PDF: landscape, one page wide, header repeated on every page
        assert ws.page_setup.orientation == "landscape", name
        assert ws.page_setup.fitToWidth in (None, 1) and ws.page_setup.fitToHeight == 0, name
        assert ws.sheet_properties.pageSetUpPr.fitToPage, name
        assert ws.print_title_rows == "$1:$1", name
    rationale = workbook["GM iso22301"]["E2"]
    assert rationale.alignment.wrap_text


def test_cross_framework_matrix(workbook: Any) -> None:
    rows = {r["Objective"]: r for r in _rows(workbook["Cross-framework"])}
    assert rows["OBJ-RTO-PROVEN"]["iso22301"] == "8.5 (subset of)"
    assert rows["OBJ-RTO-PROVEN"]["nist-800-53-cp"] == "CP-4 (equal)"
    assert rows["OBJ-LEADERSHIP"]["nist-800-53-cp"] is None


def test_services_exercises_actions_evidence_issues(workbook: Any) -> None:
    svc = {r["Service"]: r for r in _rows(workbook["Services"])}
    assert svc["SVC-001"]["RTO (h)"] == 4
    assert svc["SVC-001"]["Achieved recovery (h)"] == 5.5
    assert svc["SVC-001"]["Within RTO"] == "no"
    assert svc["SVC-004"]["Coverage"] == "never exercised"
    assert svc["SVC-003"]["Coverage"] == "in window"  # exercised on 2026-06-02, window since 2025-09-30
    ex = {r["Exercise"]: r for r in _rows(workbook["Exercises"])}
    assert ex["EX-2026-01"]["RTO (h)"] == 4 and ex["EX-2026-01"]["Within RTO"] == "no"
    actions = {r["Action"]: r for r in _rows(workbook["Corrective actions"])}
    assert actions["CA-01"]["Age (days)"] == 194
    assert actions["CA-01"]["Days overdue"] == 92
    assert actions["CA-01"]["Ageing"] == "91-180 days overdue"
    assert actions["CA-01"]["On time"] == "overdue"
    assert actions["CA-02"]["Days overdue"] is None and actions["CA-02"]["Age (days)"] == 39  # closed by as-of
    ev = {r["Path"]: r for r in _rows(workbook["Evidence index"])}
    assert ev["plans/bcp-v3.pdf"]["SHA-256"] == "b" * 64
    assert ev["plans/bcp-v3.pdf"]["Freshness"] == "stale"
    issues = _rows(workbook["Data quality"])
    assert issues[1] == {"Severity": "error", "Code": "date.invalid", "Message": "Date 31/02/2026 does not exist",
                         "File": "data/exercise-log.xlsx", "Sheet": "Exercises", "Row": 7, "Column": "Date",
                         "Value": "31/02/2026"}
    rules = {r["Rule"]: r for r in _rows(workbook["Rules"])}
    assert rules["exercise.rto_achieved"]["Outcome"] == "fail"
    failing = _rows(workbook["Failing entities"])
    assert [(f["Entity id"], f["Sheet"], f["Row"]) for f in failing] == [("SVC-001", "Services", 5),
                                                                          ("SVC-001", "Exercises", 2)]


def test_hostile_strings_stay_text_never_formulas(hostile_workbook: Any) -> None:
    ws = hostile_workbook["Services"]
    cells = [c for row in ws.iter_rows(min_row=2) for c in row if c.value is not None]
    by_value = {c.value: c for c in cells}
    formula = by_value[HOSTILE["formula"]]
    assert formula.data_type == "s"
    assert formula.quotePrefix
    assert by_value[HOSTILE["plus"]].data_type == "s"
    assert all(c.data_type != "f" for c in cells)
    for ws in hostile_workbook.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.data_type != "f", (ws.title, c.coordinate, c.value)


def test_hostile_text_survives_safely(hostile_workbook: Any) -> None:
    texts = {c.value for ws in hostile_workbook.worksheets for row in ws.iter_rows() for c in row
             if isinstance(c.value, str)}
    assert HOSTILE["emoji"] in texts
    assert HOSTILE["arabic"] in texts
    assert HOSTILE["hebrew"] in texts
    assert HOSTILE["minus"] in texts
    assert HOSTILE["at"] in texts
    assert "bell\\x07null\ufffdesc\\x1b end" in texts
    assert any(t.endswith("L" * 10_000) for t in texts)


def test_same_result_same_cell_values(tmp_path: Path) -> None:
    def grid(path: Path) -> list[list[Any]]:
        wb = openpyxl.load_workbook(path)
        return [[ws.title, *row] for ws in wb.worksheets for row in ws.iter_rows(values_only=True)]

    a = grid(_write(tmp_path / "a", hostile=True))
    b = grid(_write(tmp_path / "b", hostile=True))
    assert a == b


def test_redacted_workbook_hides_contacts(tmp_path: Path) -> None:
    wb = openpyxl.load_workbook(_write(tmp_path, redact=True))
    texts = " ".join(str(c.value) for ws in wb.worksheets for row in ws.iter_rows() for c in row if c.value)
    for secret in ("Jean-Luc Picard", "Beverly Crusher", "+1 514 555 0100", "geordi@aurora.example"):
        assert secret not in texts
    contacts = _rows(wb["Contacts"])
    assert contacts[0]["Role"] == "Crisis manager"
    assert contacts[0]["Name"] == contacts[0]["E-mail"] == "[redacted]"


def test_rows_beyond_excel_limit_are_announced_not_lost_silently(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from itscm_audit.reporters import xlsx

    monkeypatch.setattr(xlsx, "EXCEL_MAX_ROWS", 4)
    wb = openpyxl.load_workbook(_write(tmp_path))
    services = [row[0] for row in wb["Services"].iter_rows(values_only=True)]
    assert services == ["Service", "SVC-001", "SVC-002", "2 more rows do not fit in an Excel sheet: see result.json"]


def test_nan_metric_does_not_break_the_workbook(tmp_path: Path) -> None:
    result = make_result()
    check = result.checks[1]
    entity = dataclasses.replace(check.entities[0], metric=float("nan"))
    result = result.model_copy(update={"checks": (result.checks[0], check.model_copy(update={"entities": (entity,)}),
                                                  result.checks[2])})
    write_all(result, tmp_path, formats=(Format.GAP_MATRIX,))
    ws = openpyxl.load_workbook(tmp_path / "gap-matrix.xlsx")["Failing entities"]
    failing = _rows(ws)
    assert failing[0]["Metric"] == "nan"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
