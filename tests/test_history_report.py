"""The quarterly report: Excel and Word read back, the summary in words, charts present, names not ids,
text sanitised, LibreOffice opens it."""

from __future__ import annotations

import json
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from history_factory import QUARTERS, build_result
from itscm_audit.cli import main
from itscm_audit.history import load_runs, record_run
from itscm_audit.reporters.quarterly import (
    DOCX_NAME,
    XLSX_NAME,
    quarterly_trend,
    summary_words,
    write_quarterly_report,
)

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("ws")
    for label in QUARTERS:
        record_run(root, build_result(label))
    out = root / "out"
    paths = write_quarterly_report(root, out)
    assert [p.name for p in paths] == [XLSX_NAME, DOCX_NAME]
    return root, out


def test_trend_values(report: tuple[Path, Path]) -> None:
    trend = quarterly_trend(load_runs(report[0]))
    assert trend.labels == ("2026Q1", "2026Q2", "2026Q3", "2026Q4")
    assert trend.scores == {"iso22301": (37.5, 62.5, 60.0, 100.0), "nist-cp": (50.0, 60.0, 60.0, 50.0)}
    assert trend.overall == (44.4, 61.1, 60.0, 77.8)
    assert trend.open_gaps == (6, 5, 6, 2)
    assert trend.overdue_actions == (1, 1, 2, 2)
    assert trend.coverage == (50.0, 100.0, 66.7, 100.0)
    assert trend.names == {"iso22301": "ISO22301", "nist-cp": "NIST-CP"}  # the catalogue titles


def test_summary_in_words_names_what_improved_and_regressed(report: tuple[Path, Path]) -> None:
    from itscm_audit.history import compare

    runs = load_runs(report[0])
    trend = quarterly_trend(runs)
    words = summary_words(trend, compare(runs[-2], runs[-1]), runs[-1])
    assert words["posture"][0] == ("As of 2026-12-31 (2026Q4) Aurora Health scores 77.8% over 2 frameworks, with 2 "
                                   "requirements not or only partially met.")
    assert "ISO22301: score 60% to 100% (+40 points)." in words["improved"]
    assert any(s.startswith("5 gaps closed: ISO22301 8.2.2 (Requirement 8.2.2)") for s in words["improved"])
    assert "NIST-CP: score 60% to 50% (-10 points)." in words["regressed"]
    assert any(s.startswith("1 new gap: NIST-CP CP-2 (Requirement CP-2)") for s in words["regressed"])
    assert "Newly overdue corrective actions: CA-3." in words["regressed"]


def test_xlsx_tables_read_back(report: tuple[Path, Path]) -> None:
    import openpyxl
    import pandas as pd

    wb = openpyxl.load_workbook(report[1] / XLSX_NAME)
    assert wb.sheetnames == ["Summary", "About", "Trend", "Changes", "Frameworks", "Corrective actions", "Evidence",
                             "Source changes", "Catalogue changes", "Priorities"]
    for ws in wb.worksheets:  # printable: landscape, one page wide, header row repeated
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.print_title_rows == "$1:$1", ws.title
    trend = [list(r) for r in wb["Trend"].iter_rows(min_row=1, max_row=5, values_only=True)]
    # the programme figures first (they print), then one score column per framework, by name
    assert trend[0] == ["Quarter", "As of", "Overall score", "Open gaps", "Overdue actions", "Exercise coverage %",
                        "Stale evidence", "Score ISO22301", "Score NIST-CP"]
    assert trend[1:] == [["2026Q1", "2026-03-31", 44.4, 6, 1, 50, 0, 37.5, 50],
                         ["2026Q2", "2026-06-30", 61.1, 5, 1, 100, 1, 62.5, 60],
                         ["2026Q3", "2026-09-30", 60, 6, 2, 66.7, 2, 60, 60],
                         ["2026Q4", "2026-12-31", 77.8, 2, 2, 100, 1, 100, 50]]
    # the summary is a tidy table from A1: pandas reads it without skiprows
    summary = pd.read_excel(report[1] / XLSX_NAME, sheet_name="Summary", engine="openpyxl").set_index("Figure")
    assert list(summary.columns) == ["Previous (2026Q3)", "Now (2026Q4)", "Change", "Unit"]
    assert summary.loc["Overall score"].tolist() == [60, 77.8, 17.8, "%"]
    assert summary.loc["Open gaps"].tolist()[:3] == [6, 2, -4]
    assert summary.loc["Score NIST-CP"].tolist()[:3] == [60, 50, -10]
    about = pd.read_excel(report[1] / XLSX_NAME, sheet_name="About", engine="openpyxl")
    assert about.columns.tolist() == ["Item", "Value"]
    assert about.set_index("Item").loc["Quarter", "Value"] == "2026Q4"
    assert "Aurora Health, 2026Q3 to 2026Q4" in about.set_index("Item").loc["Headline", "Value"]
    assert wb.properties.title == "Quarterly continuity report 2026Q4"
    changes = list(wb["Changes"].iter_rows(min_row=2, values_only=True))
    assert changes[0] == ("NIST-CP", "CP-2", "Requirement CP-2", "met", "not met", "new gap, regression",
                          "catalogue change")
    assert len(changes) == 6
    cell = wb["Changes"]["E2"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    catalogue = list(wb["Catalogue changes"].iter_rows(min_row=2, values_only=True))
    assert catalogue == [("NIST-CP", "rev5", "rev5.1", "CP-13", "CP-12", "CP-2")]
    actions = list(wb["Corrective actions"].iter_rows(min_row=2, values_only=True))
    assert [a[:2] for a in actions] == [("closed", "CA-2"), ("overdue 122 days", "CA-4"),
                                        ("overdue 92 days (newly overdue)", "CA-3")]
    source = list(wb["Source changes"].iter_rows(min_row=2, values_only=True))
    assert ("service tier changed", "S2 (Service S2)", "2", "1") in source


def test_xlsx_text_is_never_a_formula(report: tuple[Path, Path]) -> None:
    import openpyxl

    ws = openpyxl.load_workbook(report[1] / XLSX_NAME)["Priorities"]
    action = ws["D3"]
    assert action.data_type == "s"
    assert action.value == "=SUM(1+1) close CA-4\\x07 (overdue)"
    with zipfile.ZipFile(report[1] / XLSX_NAME) as z:
        sheets = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet"))
    assert "<f>" not in sheets


def test_xlsx_has_native_charts_one_idea_each(report: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(report[1] / XLSX_NAME) as z:
        charts = sorted((n for n in z.namelist() if n.startswith("xl/charts/chart")),
                        key=lambda n: int(n.rsplit("chart", 1)[1].split(".")[0]))
        xml = [z.read(n).decode() for n in charts]
    assert len(charts) == 6
    assert "<c:lineChart>" in xml[0] and xml[0].count("<c:ser>") == 1 and "Trend!$C$2:$C$5" in xml[0]
    assert xml[1].count("<c:ser>") == 2 and "Trend!$H$2:$H$5" in xml[1] and "Trend!$I$2:$I$5" in xml[1]
    for chart, column in zip(xml[2:5], "DEG", strict=True):  # counts, each on its own axis
        assert "<c:barChart>" in chart and chart.count("<c:ser>") == 1 and f"Trend!${column}$2:${column}$5" in chart
    assert "Trend!$F$2:$F$5" in xml[5]


def test_docx_read_back(report: tuple[Path, Path]) -> None:
    import docx

    doc = docx.Document(str(report[1] / DOCX_NAME))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:5] == ["Quarterly continuity report: Aurora Health", "Summary", "Posture",
                            "What improved since 2026Q3", "What regressed since 2026Q3"]
    assert {"Key figures", "Trends over the recorded quarters", "Changes since 2026Q3"} <= set(headings)
    assert headings[-1] == "Remediation priorities now"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "ISO22301: score 60% to 100% (+40 points)." in text
    assert "Oldest overdue corrective action: CA-4, due 2026-08-31, 122 days overdue." in text
    assert doc.sections[0].header.paragraphs[0].text == "Quarterly continuity report"
    assert len(doc.inline_shapes) == 4  # overall score, framework panels, counts, coverage
    blobs = [doc.part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
             for s in doc.inline_shapes]
    assert all(b.startswith(b"\x89PNG\r\n\x1a\n") for b in blobs)
    tables = {t.rows[0].cells[0].text + "|" + t.rows[0].cells[-1].text: t for t in doc.tables}
    overdue = tables["Action|Days overdue"]
    assert [[c.text for c in r.cells] for r in overdue.rows[1:]] == [
        ["CA-4", "Action CA-4", "Ops", "2026-08-31", "122"], ["CA-3", "Action CA-3", "Ops", "2026-09-30", "92"]]
    moves = tables["Framework|Cause"]
    first = [c.text for c in moves.rows[1].cells]
    assert first == ["NIST-CP", "CP-2", "Requirement CP-2", "met", "not met", "new gap, regression",
                     "catalogue change"]
    assert 'w:fill="FFC7CE"' in moves.rows[1].cells[4]._tc.xml
    scores = tables["Framework|2026Q4"]  # frameworks as rows, quarters as columns
    assert [[c.text for c in r.cells] for r in scores.rows] == [
        ["Framework", "2026Q1", "2026Q2", "2026Q3", "2026Q4"], ["ISO22301", "37.5", "62.5", "60", "100"],
        ["NIST-CP", "50", "60", "60", "50"]]
    priorities = tables["Rank|Frameworks"]
    assert [c.text for c in priorities.rows[2].cells][:3] == ["2", "Obj-Actions", "=SUM(1+1) close CA-4\\x07 (overdue)"]


def test_single_run_report_has_no_diff(tmp_path: Path) -> None:
    import docx
    import openpyxl

    record_run(tmp_path, build_result("2026Q1"))
    write_quarterly_report(tmp_path, tmp_path / "q")
    assert openpyxl.load_workbook(tmp_path / "q" / XLSX_NAME).sheetnames == ["Summary", "About", "Trend", "Priorities"]
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "q" / DOCX_NAME)).paragraphs)
    assert "This is the first recorded quarter" in text and "Changes since" not in text
    assert sorted(p.name for p in (tmp_path / "q").iterdir()) == [DOCX_NAME, XLSX_NAME]


def test_report_cli_runs_subset_and_default_folder(report: tuple[Path, Path]) -> None:
    import openpyxl

    root = report[0]
    out = CliRunner().invoke(main, ["report", "quarterly", str(root), "--runs", "2026Q1,2026Q4", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["files"] == [XLSX_NAME, DOCX_NAME]
    target = root / "reports" / "quarterly" / XLSX_NAME
    assert Path(data["out_dir"]) == target.parent
    ws = openpyxl.load_workbook(target)["Trend"]
    assert [r[0] for r in ws.iter_rows(min_row=2, max_row=3, values_only=True)] == ["2026Q1", "2026Q4"]
    bad = CliRunner().invoke(main, ["report", "quarterly", str(root), "--runs", "2026Q1,1999Q1"])
    assert bad.exit_code == 2 and "known labels" in bad.output
    empty = CliRunner().invoke(main, ["report", "quarterly", str(root), "--runs", ","])
    assert empty.exit_code == 2


@pytest.mark.slow
def test_libreoffice_opens_the_report_with_its_charts(report: tuple[Path, Path], tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    out = tmp_path / "converted"
    profile = (tmp_path / "lo-profile").as_uri()
    for src, fmt in ((report[1] / XLSX_NAME, "ods"), (report[1] / DOCX_NAME, "odt")):
        subprocess.run([soffice, f"-env:UserInstallation={profile}", "--headless", "--convert-to", fmt,
                        "--outdir", str(out), str(src)], check=True, capture_output=True, timeout=240)
    with zipfile.ZipFile(out / "quarterly-report.ods") as z:
        objects = [n for n in z.namelist() if n.startswith("Object") and n.endswith("content.xml")]
        charts = [z.read(n).decode() for n in objects]
        content = z.read("content.xml").decode()
    assert sum("<chart:chart" in c for c in charts) == 6
    assert "2026Q4" in content and "catalogue change" in content
    with zipfile.ZipFile(out / "quarterly-report.odt") as z:
        pictures = [n for n in z.namelist() if n.startswith("Pictures/")]
        text = z.read("content.xml").decode()
    assert len(pictures) == 4
    assert "Remediation priorities now" in text and "CP-2" in text


def test_same_history_same_bytes(report: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib
    import time

    first = [hashlib.sha256(p.read_bytes()).digest() for p in write_quarterly_report(report[0], tmp_path / "a")]
    later = time.time() + 7200
    monkeypatch.setattr(time, "time", lambda: later)
    second = [hashlib.sha256(p.read_bytes()).digest() for p in write_quarterly_report(report[0], tmp_path / "b")]
    assert first == second
