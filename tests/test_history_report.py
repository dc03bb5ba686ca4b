"""The quarterly report: Excel and Word read back, charts present, text sanitised, LibreOffice opens it."""

from __future__ import annotations

import json
import shutil
import struct
import subprocess
import zipfile
import zlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from history_factory import QUARTERS, build_result
from itscm_audit.cli import main
from itscm_audit.history import load_runs, record_run
from itscm_audit.quarterly import (
    DOCX_NAME,
    XLSX_NAME,
    _Series,
    line_chart_png,
    quarterly_trend,
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


def _pixels(png: bytes) -> tuple[int, int, bytes]:
    assert png.startswith(PNG_SIGNATURE)
    width, height = struct.unpack(">II", png[16:24])
    pos, idat = 8, b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos:pos + 4])
        kind = png[pos + 4:pos + 8]
        if kind == b"IDAT":
            idat += png[pos + 8:pos + 8 + length]
        pos += 12 + length
    return width, height, zlib.decompress(idat)


def test_trend_values(report: tuple[Path, Path]) -> None:
    trend = quarterly_trend(load_runs(report[0]))
    assert trend.labels == ("2026Q1", "2026Q2", "2026Q3", "2026Q4")
    assert trend.scores == {"iso22301": (37.5, 62.5, 60.0, 100.0), "nist-cp": (50.0, 60.0, 60.0, 50.0)}
    assert trend.overall == (44.4, 61.1, 60.0, 77.8)
    assert trend.open_gaps == (6, 5, 6, 2)
    assert trend.overdue_actions == (1, 1, 2, 2)
    assert trend.coverage == (50.0, 100.0, 66.7, 100.0)


def test_xlsx_tables_read_back(report: tuple[Path, Path]) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(report[1] / XLSX_NAME)
    assert wb.sheetnames == ["Summary", "Trend", "Changes", "Frameworks", "Corrective actions", "Evidence",
                             "Source changes", "Catalogue changes", "Priorities"]
    for ws in wb.worksheets:  # printable: landscape, one page wide
        assert ws.page_setup.orientation == "landscape" and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
    trend = [list(r) for r in wb["Trend"].iter_rows(min_row=1, max_row=5, values_only=True)]
    assert trend[0] == ["Quarter", "As of", "Overall score", "Score iso22301", "Score nist-cp", "Open gaps",
                        "Overdue actions", "Exercise coverage %", "Stale evidence"]
    assert trend[1:] == [["2026Q1", "2026-03-31", 44.4, 37.5, 50, 6, 1, 50, 0],
                         ["2026Q2", "2026-06-30", 61.1, 62.5, 60, 5, 1, 100, 1],
                         ["2026Q3", "2026-09-30", 60, 60, 60, 6, 2, 66.7, 2],
                         ["2026Q4", "2026-12-31", 77.8, 100, 50, 2, 2, 100, 1]]
    summary = {r[0]: r[1:4] for r in wb["Summary"].iter_rows(min_row=5, values_only=True) if r[0]}
    assert summary["Overall score"] == ("60%", "77.8%", "+17.8")
    assert summary["Open gaps"] == ("6", "2", "-4")
    changes = list(wb["Changes"].iter_rows(min_row=2, values_only=True))
    assert changes[0] == ("nist-cp", "CP-2", "Requirement CP-2", "met", "not met", "new gap, regression",
                          "catalogue change")
    assert len(changes) == 6
    cell = wb["Changes"]["E2"]
    assert cell.fill.fgColor.rgb.endswith("FFC7CE")
    catalogue = list(wb["Catalogue changes"].iter_rows(min_row=2, values_only=True))
    assert catalogue == [("nist-cp", "rev5", "rev5.1", "CP-13", "CP-12", "CP-2")]
    actions = list(wb["Corrective actions"].iter_rows(min_row=2, values_only=True))
    assert [a[:2] for a in actions] == [("closed", "CA-2"), ("overdue 92 days (newly overdue)", "CA-3"),
                                        ("overdue 122 days", "CA-4")]
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


def test_xlsx_has_three_native_charts_over_the_trend(report: tuple[Path, Path]) -> None:
    with zipfile.ZipFile(report[1] / XLSX_NAME) as z:
        charts = sorted(n for n in z.namelist() if n.startswith("xl/charts/chart"))
        xml = [z.read(n).decode() for n in charts]
    assert len(charts) == 3
    assert "<c:lineChart>" in xml[0] and xml[0].count("<c:ser>") == 3
    assert "Trend!$D$2:$D$5" in xml[0] and "Trend!$A$2:$A$5" in xml[0]
    assert "<c:barChart>" in xml[1] and "Trend!$F$2:$F$5" in xml[1] and "Trend!$G$2:$G$5" in xml[1]
    assert "Trend!$H$2:$H$5" in xml[2]


def test_docx_read_back(report: tuple[Path, Path]) -> None:
    import docx

    doc = docx.Document(str(report[1] / DOCX_NAME))
    headings = [p.text for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
    assert headings[:3] == ["Quarterly continuity report: Aurora Health", "Summary", "Trends over the recorded quarters"]
    assert "Changes since 2026Q3" in headings and headings[-1] == "Remediation priorities now"
    text = "\n".join(p.text for p in doc.paragraphs)
    assert ("Aurora Health, 2026Q3 to 2026Q4: overall score 60% to 77.8%; open gaps 6 to 2 (1 new, 5 closed, "
            "1 regressions, 4 improvements)") in text
    assert "Oldest overdue corrective action: CA-4, due 2026-08-31, 122 days overdue." in text
    assert len(doc.inline_shapes) == 3
    blobs = [doc.part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed].blob
             for s in doc.inline_shapes]
    assert all(b.startswith(PNG_SIGNATURE) for b in blobs)
    tables = {t.rows[0].cells[0].text + "|" + t.rows[0].cells[-1].text: t for t in doc.tables}
    moves = tables["Framework|Cause"]
    first = [c.text for c in moves.rows[1].cells]
    assert first == ["nist-cp", "CP-2", "Requirement CP-2", "met", "not met", "new gap, regression",
                     "catalogue change"]
    assert 'w:fill="FFC7CE"' in moves.rows[1].cells[4]._tc.xml
    priorities = tables["Rank|Weight"]
    assert [c.text for c in priorities.rows[2].cells][:3] == ["2", "OBJ-ACTIONS: Obj-Actions",
                                                             "=SUM(1+1) close CA-4\\x07 (overdue)"]


def test_line_chart_png_plots_the_value() -> None:
    png = line_chart_png(["2026Q4"], [_Series("iso22301", (50.0,), (200, 10, 20))])
    width, height, raw = _pixels(png)
    assert width == 1100
    stride = 1 + 3 * width
    # plot box x 90..1070, y 20..390: one quarter sits at x=580, the value 50% at y=205
    x, y = 580, 205
    assert raw[y * stride + 1 + 3 * x: y * stride + 4 + 3 * x] == bytes((200, 10, 20))
    assert raw[100 * stride + 1 + 3 * 300: 100 * stride + 4 + 3 * 300] == b"\xff\xff\xff"


def test_single_run_report_has_no_diff(tmp_path: Path) -> None:
    import docx
    import openpyxl

    record_run(tmp_path, build_result("2026Q1"))
    write_quarterly_report(tmp_path, tmp_path / "q")
    assert openpyxl.load_workbook(tmp_path / "q" / XLSX_NAME).sheetnames == ["Summary", "Trend", "Priorities"]
    text = "\n".join(p.text for p in docx.Document(str(tmp_path / "q" / DOCX_NAME)).paragraphs)
    assert "first recorded quarter 2026Q1" in text and "Changes since" not in text
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
    assert sum("<chart:chart" in c for c in charts) == 3
    assert "2026Q4" in content and "catalogue change" in content
    with zipfile.ZipFile(out / "quarterly-report.odt") as z:
        pictures = [n for n in z.namelist() if n.startswith("Pictures/")]
        text = z.read("content.xml").decode()
    assert len(pictures) == 3
    assert "Remediation priorities now" in text and "CP-2" in text


def test_same_history_same_bytes(report: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import hashlib
    import time

    first = [hashlib.sha256(p.read_bytes()).digest() for p in write_quarterly_report(report[0], tmp_path / "a")]
    later = time.time() + 7200
    monkeypatch.setattr(time, "time", lambda: later)
    second = [hashlib.sha256(p.read_bytes()).digest() for p in write_quarterly_report(report[0], tmp_path / "b")]
    assert first == second
