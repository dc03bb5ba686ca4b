"""gap-matrix.xlsx read back with openpyxl: sheets, values, status colours, chart, panes, hostile input."""

from __future__ import annotations

import dataclasses
import re
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
        "Summary", "About", "GM iso22301", "GM nist-800-53-cp", "Cross-framework", "Services", "Exercises",
        "Corrective actions", "Evidence index", "Data quality", "Import accounting", "Rules",
        "Failing entities", "Objectives", "Remediation", "Contacts"]


def test_summary_is_a_tidy_table_from_a1_with_the_title_block_on_about(workbook: Any, tmp_path: Path) -> None:
    import pandas as pd

    path = _write(tmp_path)
    summary = pd.read_excel(path, sheet_name="Summary", engine="openpyxl")  # no skiprows: the table starts at A1
    assert list(summary.columns) == ["Framework", "Title", "Version", "Met", "Partially met", "Not met",
                                     "Not assessed", "Not applicable", "Score"]
    nist = summary.set_index("Framework").loc["nist-800-53-cp"]
    assert nist[["Met", "Partially met", "Not met", "Not assessed", "Not applicable", "Score"]].tolist() == \
        [0, 1, 1, 1, 1, 25]
    assert summary["Title"].notna().all()
    ws = workbook["Summary"]
    assert len(ws._charts) == 1
    chart = ws._charts[0]
    assert chart.type == "bar" and chart.grouping == "stacked" and len(chart.series) == 5
    about = pd.read_excel(path, sheet_name="About", engine="openpyxl").set_index("Item")["Value"]
    assert about["Organisation"] == "Aurora Mutual Insurance"
    assert about["Run id"] == "20260930-abc123"
    assert about["Critical services exercised in the window"] == 2  # SVC-001 and SVC-003 of the three
    assert about["Corrective actions overdue"] == 1 and about["Oldest overdue corrective action"] == "CA-01"
    assert workbook.properties.subject == "IT service continuity gap matrix as of 2026-09-30"
    assert "20260930-abc123" in workbook.properties.description


def test_requirement_sheets_fill_data_status(workbook: Any) -> None:
    rows = {r["Requirement"]: r for r in _rows(workbook["GM iso22301"])}
    assert all(r["Data status"] for r in rows.values())
    assert rows["8.5"]["Data status"] == rows["8.5"]["Status"] == "not met"
    assert (rows["5.1"]["Status"], rows["5.1"]["Data status"]) == ("met", "not assessed")


def test_sheets_print_the_columns_that_matter_legibly(workbook: Any) -> None:
    from itscm_audit.reporters.xlsx import PRINT_WIDTH

    ws = workbook["GM iso22301"]
    printed = ws.print_area[0] if isinstance(ws.print_area, list) else ws.print_area
    assert printed.split("!")[-1].startswith("$A$1:$H$")  # framework to due date, not the 13 columns
    widths = [ws.column_dimensions[c].width for c in "ABCDEFGH"]
    assert sum(widths) <= PRINT_WIDTH
    assert "columns A to H of 13" in ws.oddHeader.left.text
    # wrapped rationale: the row is as tall as its text
    long_row = next(r for r in range(2, ws.max_row + 1) if len(str(ws.cell(r, 5).value or "")) > 60)
    assert ws.row_dimensions[long_row].height >= 30
    services = workbook["Services"]  # names fit on one line: default heights
    assert all(services.row_dimensions[r].height is None for r in range(2, services.max_row + 1))


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
    assert (contacts[0]["Name"], contacts[0]["E-mail"]) == ("Person 1", "[e-mail of Person 1]")


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


def _many_failing(n: int, hostile: bool = False) -> Any:
    """The factory's result with one rule failing on ``n`` services (the first with a formula-like message)."""
    from itscm_audit.model import SourceRef
    from itscm_audit.result import EntityResult, Outcome

    result = make_result(hostile=hostile)
    ents = tuple(EntityResult("service", f"SVC-{i:04d}", Outcome.FAIL,
                              "=cmd|' /C calc'!A0" if i == 0 else f"never exercised ({i})", float(i),
                              (SourceRef(file="data/bia.xlsx", sheet="Services", row=i + 2),))
                 for i in range(n))
    check = result.checks[0].model_copy(update={"entities": ents, "outcome": Outcome.FAIL})
    return result.model_copy(update={"checks": (check, *result.checks[1:])})


def test_failing_entities_capped_per_rule_with_every_one_in_the_csv(tmp_path: Path) -> None:
    import csv

    from itscm_audit.reporters.xlsx import FAILING_PER_RULE

    result = _many_failing(FAILING_PER_RULE + 150)
    write_all(result, tmp_path, formats=(Format.GAP_MATRIX, Format.FAILING_ENTITIES))
    rows = _rows(openpyxl.load_workbook(tmp_path / "gap-matrix.xlsx")["Failing entities"])
    mine = [r for r in rows if r["Rule"] == "bia.rto_defined"]
    assert len(mine) == FAILING_PER_RULE + 1
    assert mine[-1]["Entity id"] is None
    assert mine[-1]["Message"] == "150 more failing entities of bia.rto_defined: every one is listed in " \
                                  "failing-entities.csv"
    assert [r["Entity id"] for r in rows if r["Rule"] == "exercise.rto_achieved"] == ["SVC-001", "SVC-001"]
    with (tmp_path / "failing-entities.csv").open(encoding="utf-8-sig", newline="") as handle:
        lines = list(csv.reader(handle))
    assert lines[0] == ["Rule", "Entity", "Entity id", "Outcome", "Message", "Metric", "File", "Sheet", "Row",
                        "Column", "Value"]
    listed = [line for line in lines[1:] if line[0] == "bia.rto_defined"]
    assert len(listed) == FAILING_PER_RULE + 150
    assert listed[0][4] == "'=cmd|' /C calc'!A0"  # a spreadsheet opening the CSV never runs it
    assert listed[1][2:6] == ["SVC-0001", "fail", "never exercised (1)", "1.0"]
    assert listed[1][6:9] == ["data/bia.xlsx", "Services", "3"]


def test_failing_entities_csv_is_redacted_like_the_workbook(tmp_path: Path) -> None:
    result = make_result()
    from itscm_audit.result import EntityResult, Outcome

    named = EntityResult("contact", "Crisis manager", Outcome.FAIL, "Jean-Luc Picard not verified since 2025")
    check = result.checks[1].model_copy(update={"entities": (*result.checks[1].entities, named)})
    result = result.model_copy(update={"checks": (result.checks[0], check, *result.checks[2:])})
    write_all(result, tmp_path, formats=(Format.FAILING_ENTITIES,), redact=True)
    text = (tmp_path / "failing-entities.csv").read_text(encoding="utf-8-sig")
    assert "Jean-Luc Picard" not in text
    assert re.search(r"Person \d+ not verified since 2025", text)  # the pseudonym the other outputs use


def test_exercises_sheet_lists_the_exercises_in_the_window(tmp_path: Path) -> None:
    from datetime import date

    from itscm_audit.model import Exercise, SourceRef

    result = make_result()
    old = Exercise(id="EX-2024-09", date=date(2024, 9, 1), services=("SVC-001",),
                   source=SourceRef(file="data/exercise-log.xlsx", sheet="Exercises", row=9))
    planned = old.model_copy(update={"id": "EX-2027-01", "date": date(2027, 1, 15)})
    data = result.data.model_copy(update={"exercises": (old, *result.data.exercises, planned)})
    write_all(result.model_copy(update={"data": data}), tmp_path, formats=(Format.GAP_MATRIX,))
    listed = [r["Exercise"] for r in _rows(openpyxl.load_workbook(tmp_path / "gap-matrix.xlsx")["Exercises"])]
    assert listed == ["EX-2026-01", "EX-2026-02"]  # window 2025-09-30 .. 2026-09-30


def test_rows_written_as_sheet_xml_match_xlsxwriter_cell_for_cell(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The fast row writer produces the cells xlsxwriter's API would: values, types and formats."""
    from itscm_audit.model import SourceRef
    from itscm_audit.reporters import xlsx
    from itscm_audit.result import EntityResult, Outcome

    result = _many_failing(3, hostile=True)
    odd = (EntityResult("service", "_x0041_ literal", Outcome.FAIL, "  leading and trailing  ", float("inf"),
                        (SourceRef(file="data/bia.xlsx", sheet="S", row=2, column="A&B <c>", value="x" * 40_000),)),
           EntityResult("service", "emoji", Outcome.PARTIAL, "🔥" * 20_000, float("nan")))
    check = result.checks[0].model_copy(update={"entities": (*result.checks[0].entities, *odd)})
    result = result.model_copy(update={"checks": (check, *result.checks[1:])})
    used: list[int] = []
    real_write = xlsx._SheetXml.write

    def spy(self: Any, rows: Any, *args: Any) -> None:
        used.append(len(rows))
        real_write(self, rows, *args)

    monkeypatch.setattr(xlsx._SheetXml, "write", spy)
    write_all(result, tmp_path / "fast", formats=(Format.GAP_MATRIX,))
    assert used and sum(used) > 40
    monkeypatch.setattr(xlsx._SheetXml, "usable", staticmethod(lambda ws: False))
    write_all(result, tmp_path / "api", formats=(Format.GAP_MATRIX,))

    def cells(path: Path) -> list[tuple[Any, ...]]:
        wb = openpyxl.load_workbook(path / "gap-matrix.xlsx")
        return [(ws.title, c.coordinate, c.value, c.data_type, c.number_format, c.font.b, c.font.color and c.font.color.rgb,
                 c.fill.fgColor.rgb, c.alignment.wrap_text, c.alignment.vertical, c.quotePrefix)
                for ws in wb.worksheets for row in ws.iter_rows() for c in row]

    fast, api = cells(tmp_path / "fast"), cells(tmp_path / "api")
    assert fast == api
    values = {c[2] for c in fast}
    assert any(str(v).endswith("x0041_ literal") for v in values)  # escaped, never read as "A"
    assert "  leading and trailing  " in values and "inf" in values
