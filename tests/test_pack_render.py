"""The example's evidence pack and quarterly report as LibreOffice prints them (scripts/render_pack.py):
a bounded page count, a filled contents page, no blank page, nothing wider than its page, whole words."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import docx
import pytest

from fixture_script import load

render = load("render_pack")
pytestmark = [
    pytest.mark.slow,  # four assessments of the example and two LibreOffice conversions (about 30 s)
    pytest.mark.skipif(bool(render.tools_missing()), reason="needs LibreOffice and poppler-utils"),
]
EVIDENCE_PACK_PAGES = 60
QUARTERLY_PAGES = 12
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("render")
    sources = render.build_example(out)
    documents = [s for s in sources if s.suffix == ".docx"]
    pdfs = render.to_pdf(documents, out / "render")
    return {src.name: (src, render.pages(pdf)) for src, pdf in zip(documents, pdfs, strict=True)}


def _body(page: Any) -> list[Any]:
    """The words between the running header and footer."""
    return [w for w in page.words if page.height * 0.06 < w.y0 < page.height * 0.94]


def _margin_words(pages: list[Any], margin_pt: float) -> list[str]:
    """Words outside the printable area: a table (or figure) wider than its page."""
    return [f"page {p.number}: {w.text}" for p in pages for w in p.words
            if w.x0 < margin_pt or w.x1 > p.width - margin_pt]


def _table_words(path: Path) -> set[str]:
    """The words of table headers and of status and outcome cells: they must print whole."""
    doc = docx.Document(str(path))
    words: set[str] = set()
    statuses = {"met", "partially met", "not met", "not assessed", "not applicable", "fail", "partial", "fresh",
                "stale"}
    for table in doc.element.body.iter(f"{W}tbl"):
        for ri, tr in enumerate(table.iter(f"{W}tr")):
            for tc in tr.iter(f"{W}tc"):
                text = "".join(t.text or "" for t in tc.iter(f"{W}t"))
                if ri == 0 or text in statuses:
                    words.update(w.strip("(),.;:") for w in text.split() if "-" not in w and "/" not in w)
    return {w for w in words if len(w) > 2}


def test_evidence_pack_page_bound(rendered: dict[str, Any]) -> None:
    _, pages = rendered["evidence-pack.docx"]
    assert 20 <= len(pages) <= EVIDENCE_PACK_PAGES


def test_evidence_pack_contents_page_is_filled_with_page_numbers(rendered: dict[str, Any]) -> None:
    _, pages = rendered["evidence-pack.docx"]
    contents = next(p for p in pages if any(w.text == "Contents" for w in _body(p)[:3]))
    numbers = [int(w.text) for w in _body(contents) if w.text.isdigit() and w.x0 > contents.width * 0.8]
    assert len(numbers) >= 15 and numbers == sorted(numbers)
    assert "Right-click" not in contents.text and "Update" not in contents.text
    # the listed page is the page the chapter starts on
    lines = _lines(contents)
    listed = next(int(line.rsplit(" ", 1)[1]) for line in lines if line.startswith("Executive summary"))
    assert _body(pages[listed - 1])[0].text == "Executive"


def _lines(page: Any) -> list[str]:
    rows: dict[int, list[Any]] = {}
    for w in _body(page):
        rows.setdefault(round(w.y0), []).append(w)
    return [" ".join(w.text for w in sorted(ws, key=lambda w: w.x0)).replace(".", "").strip()
            for _, ws in sorted(rows.items())]


def test_executive_summary_is_two_pages_at_most(rendered: dict[str, Any]) -> None:
    _, pages = rendered["evidence-pack.docx"]
    starts = {name: next(p.number for p in pages if " ".join(w.text for w in _body(p)[:3]).startswith(name))
              for name in ("Executive summary", "Scope and method")}
    assert 1 <= starts["Scope and method"] - starts["Executive summary"] <= 2


def test_no_page_ends_with_a_heading(rendered: dict[str, Any]) -> None:
    for name in ("evidence-pack.docx", "quarterly-report.docx"):
        src, pages = rendered[name]
        headings = {p.text.replace(".", "").strip() for p in docx.Document(str(src)).paragraphs
                    if p.style.name.startswith("Heading")}
        for page in pages[:-1]:
            last = _lines(page)[-1] if _body(page) else ""
            assert last not in headings, (name, page.number, last)


def test_evidence_pack_has_no_blank_page(rendered: dict[str, Any]) -> None:
    _, pages = rendered["evidence-pack.docx"]
    assert [p.number for p in pages if not _body(p)] == []


def test_evidence_pack_nothing_wider_than_its_page(rendered: dict[str, Any]) -> None:
    _, pages = rendered["evidence-pack.docx"]
    assert _margin_words(pages, margin_pt=40) == []  # 2 cm margins: 57 pt


def test_evidence_pack_headers_and_statuses_print_whole(rendered: dict[str, Any]) -> None:
    src, pages = rendered["evidence-pack.docx"]
    printed = {w.text.strip("(),.;:") for p in pages for w in p.words}
    expected = _table_words(src)
    assert {"Requirement", "Rationale", "applicable", "assessed", "Freshness"} <= expected
    assert sorted(expected - printed) == []


def test_evidence_pack_has_landscape_appendices(rendered: dict[str, Any]) -> None:
    _, pages = rendered["evidence-pack.docx"]
    appendix = next(p for p in pages if re.match(r"Appendix A", " ".join(w.text for w in _body(p)[:2])))
    assert appendix.width > appendix.height
    assert pages[0].width < pages[0].height


def test_quarterly_report_page_bound_width_and_blank_pages(rendered: dict[str, Any]) -> None:
    src, pages = rendered["quarterly-report.docx"]
    assert 4 <= len(pages) <= QUARTERLY_PAGES
    assert _margin_words(pages, margin_pt=40) == []
    assert [p.number for p in pages if not _body(p)] == []
    printed = {w.text.strip("(),.;:") for p in pages for w in p.words}
    assert sorted(_table_words(src) - printed) == []
    # the summary in words is the first page, names not ids
    first = pages[0].text
    assert "What improved" in first and "What regressed" in first and "Most overdue corrective actions" in first
    assert "iso22301" not in " ".join(p.text for p in pages)
