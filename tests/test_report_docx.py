"""evidence-pack.docx read back with python-docx: structure, contents, evidence ids, layout, charts,
templates, hostile input, determinism."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import RGBColor

from itscm_audit.errors import ItscmError
from itscm_audit.reporters import Format, write_all
from itscm_audit.reporters.docx_pack import default_template
from itscm_audit.reporters.tables import STATUS_FILL, id_ranges
from result_factory import HOSTILE, make_result

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _write(tmp_path: Path, hostile: bool = False, result: Any = None, **kwargs: Any) -> Path:
    formats = kwargs.pop("formats", (Format.EVIDENCE_PACK,))
    write_all(result or make_result(hostile=hostile), tmp_path, formats=formats, **kwargs)
    return tmp_path / "evidence-pack.docx"


def _all_text(doc: Any) -> str:
    return "\n".join(t.text or "" for t in doc.element.body.iter(f"{W}t"))


def _headings(doc: Any, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


def _text(el: Any) -> str:
    return "".join(t.text or "" for t in el.iter(f"{W}t"))


def _is_contents_entry(el: Any) -> bool:
    style = el.find(f"{W}pPr/{W}pStyle")
    return style is not None and style.get(f"{W}val", "").startswith("TOC")


def _table_after(doc: Any, heading: str) -> list[list[str]]:
    body = list(doc.element.body)
    start = next(i for i, el in enumerate(body)
                 if el.tag == f"{W}p" and _text(el) == heading and not _is_contents_entry(el))
    tbl = next(el for el in body[start:] if el.tag == f"{W}tbl")
    return [["\n".join(_text(p) for p in tc.iter(f"{W}p")) for tc in tr.iter(f"{W}tc")] for tr in tbl.iter(f"{W}tr")]


@pytest.fixture(scope="module")
def pack_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("docx") / "pack"
    write_all(make_result(), out, formats=(Format.RESULT_JSON, Format.EVIDENCE_PACK))
    return out


@pytest.fixture(scope="module")
def pack(pack_dir: Path) -> Any:
    return docx.Document(str(pack_dir / "evidence-pack.docx"))


def test_default_template_is_shipped_with_named_styles() -> None:
    path = default_template()
    assert path is not None and path.name == "evidence-pack.docx"
    doc = docx.Document(str(path))
    names = {s.name for s in doc.styles}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3", "ITSCM Table", "ITSCM Table Text", "TOC 1", "TOC 2",
            "Status Met", "Status Not Met", "Status Partially Met", "Status Not Assessed",
            "Status Not Applicable"} <= names
    assert all(doc.styles[f"Heading {n}"].paragraph_format.keep_with_next for n in (1, 2, 3))
    assert "evidence pack" in doc.sections[0].header.paragraphs[0].text
    assert round(doc.sections[0].page_width.cm, 1) == 21.0 and round(doc.sections[0].page_height.cm, 1) == 29.7
    assert not doc.paragraphs


def test_chapters_in_order(pack: Any) -> None:
    assert _headings(pack, 1) == [
        "Document control", "Contents", "Executive summary", "Scope and method", "Results per framework",
        "Findings and remediation plan", "Statement of Applicability", "Appendix A — Services",
        "Appendix B — Exercises in the assessment window", "Appendix C — Evidence index",
        "Appendix D — Data quality"]
    assert pack.paragraphs[0].style.name == "Title"
    assert "Sign-off" in _headings(pack, 2)


def test_contents_are_written_filled_with_a_page_reference_per_heading(pack: Any) -> None:
    body = list(pack.element.body)
    start = next(i for i, el in enumerate(body) if _text(el) == "Contents")
    entries = []
    for el in body[start + 1:]:
        style = el.find(f"{W}pPr/{W}pStyle")
        if style is None or not style.get(f"{W}val", "").startswith("TOC"):
            break
        entries.append(el)
    bookmarks = {b.get(f"{W}name"): b for b in pack.element.body.iter(f"{W}bookmarkStart")}
    linked = [e.find(f"{W}hyperlink").get(f"{W}anchor") for e in entries]
    assert [_text(e) for e in entries][:4] == ["Document control", "Sign-off", "Executive summary", "Key figures"]
    assert len(entries) == len(bookmarks) and set(linked) == set(bookmarks)
    instructions = ["".join(t.text for t in e.iter(f"{W}instrText")) for e in entries]
    assert all(i.strip() == f"PAGEREF {a} \\h" for i, a in zip(instructions, linked, strict=True))
    assert all(e.find(f".//{W}fldChar").get(f"{W}dirty") == "true" for e in entries)
    # no "update field" prompt and no placeholder text
    assert pack.settings.element.find(f"{W}updateFields") is None
    assert "Right-click" not in _all_text(pack)


def test_cover_names_the_frameworks_with_versions_and_the_result_digest(pack: Any, pack_dir: Path) -> None:
    cover = _table_after(pack, "Frameworks assessed")
    assert cover[0] == ["Framework", "Title", "Version"]
    assert [r[0] for r in cover[1:]] == ["ISO 22301:2019", "NIST SP 800-53 Rev. 5 CP family"]
    assert cover[1][2] == "2019"
    digest = hashlib.sha256((pack_dir / "result.json").read_bytes()).hexdigest()
    assert any(p.text.endswith(digest) for p in pack.paragraphs[:8])
    control = {r[0]: r[1] for r in _table_after(pack, "Document control")[1:]}
    assert control["Result digest (SHA-256)"] == digest and control["Run id"] == "20260930-abc123"


def test_the_digest_is_the_same_without_result_json_in_the_pack(tmp_path: Path, pack: Any) -> None:
    alone = docx.Document(str(_write(tmp_path)))
    control = {r[0]: r[1] for r in _table_after(alone, "Document control")[1:]}
    theirs = {r[0]: r[1] for r in _table_after(pack, "Document control")[1:]}
    assert control["Result digest (SHA-256)"] == theirs["Result digest (SHA-256)"]


def test_executive_summary_key_figures_and_top_gaps(pack: Any) -> None:
    figures = {r[0]: r[1] for r in _table_after(pack, "Key figures")[1:]}
    assert figures["Critical services exercised in the window (2025-09-30 to 2026-09-30)"] == "2 of 3 (66.7%)"
    assert figures["Latest measured recoveries within the RTO"] == "2 of 3 services (66.7%)"
    assert figures["Corrective actions overdue"].startswith("1 of 1 open; oldest CA-01, due 2026-06-30, 92 days")
    assert figures["Stale evidence"].startswith("1 of 3 items")
    gaps = _table_after(pack, "Top 2 gaps")
    assert gaps[0] == ["#", "Gap (control objective)", "Requirements it closes", "Frameworks", "What fails"]
    assert gaps[1] == ["1", "Recovery proven within RTO", "2", "2", "Fix: 1 of 1 technical exercise missed the RTO."]


def test_results_one_table_per_framework_citing_evidence_ids(pack: Any) -> None:
    iso = _table_after(pack, "ISO 22301:2019")
    assert iso[0] == ["Requirement", "Title", "Status", "Rationale", "Evidence"]
    rows = {r[0]: r for r in iso[1:]}
    assert rows["8.5"][2] == "not met"
    assert rows["8.5"][3].startswith("Through the crosswalk: OBJ-RTO-PROVEN")
    index = _table_after(pack, "Appendix C — Evidence index")
    ids = {r[0]: r[1] for r in index[1:]}
    assert index[0][:3] == ["Id", "Path", "Type"]
    assert len(ids) == len(set(ids.values())) == 3  # each item listed once
    cited = {c for r in iso[1:] for c in re.findall(r"E-\d{3}", r[4])}
    assert cited and cited <= set(ids)
    assert ids[rows["8.4.4"][4]] == "plans/bcp-v3.pdf"


def test_tables_fit_the_page_with_words_whole_and_headers_repeated(pack: Any) -> None:
    from itscm_audit.reporters.word import TWIPS_PER_PT, longest_word_pt

    sections = {"portrait": None, "landscape": None}
    for s in pack.sections:
        width = s.page_width - s.left_margin - s.right_margin
        sections["landscape" if s.page_width > s.page_height else "portrait"] = width
    assert all(sections.values())
    body = pack.element.body
    landscape = False
    for el in body:
        if el.tag == f"{W}p" and el.find(f"{W}pPr/{W}sectPr") is not None:
            landscape = True  # the only section break: portrait chapters, then landscape appendices
        if el.tag != f"{W}tbl":
            continue
        grid = [int(g.get(f"{W}w")) for g in el.iter(f"{W}gridCol")]
        assert sum(grid) * 635 <= sections["landscape" if landscape else "portrait"] + 635, _text(el)[:60]
        assert el.find(f"{W}tblPr/{W}tblLayout").get(f"{W}type") == "fixed"
        rows = list(el.iter(f"{W}tr"))
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        for ri, tr in enumerate(rows):
            for tc, width in zip(tr.iter(f"{W}tc"), grid, strict=True):
                words = max((longest_word_pt(_text(p), 8.5, bold=ri == 0) for p in tc.iter(f"{W}p")), default=0)
                assert words * TWIPS_PER_PT <= width, (_text(tc), width)


def test_appendices_are_landscape_and_capped_lists_point_to_the_workbook(tmp_path: Path) -> None:
    from itscm_audit.reporters import docx_pack

    doc = docx.Document(str(_write(tmp_path, result=make_result(n_services=docx_pack.SERVICE_ROWS + 20))))
    first, last = doc.sections[0], doc.sections[-1]
    assert first.page_width < first.page_height and last.page_width > last.page_height
    assert len(doc.sections) == 2
    services = _table_after(doc, "Appendix A — Services")
    assert len(services) == docx_pack.SERVICE_ROWS + 1
    assert f"The first {docx_pack.SERVICE_ROWS} of 120 rows; the workbook's Services sheet lists them all." in \
        [p.text for p in doc.paragraphs]


def test_statuses_are_shaded_with_the_workbook_palette(pack: Any) -> None:
    iso = next(t for t in pack.tables if [c.text for c in t.rows[0].cells] ==
               ["Requirement", "Title", "Status", "Rationale", "Evidence"])
    cell = next(r.cells[2] for r in iso.rows if r.cells[0].text == "8.5")
    assert cell._tc.find(f"{W}tcPr/{W}shd").get(f"{W}fill") == STATUS_FILL["not met"]


def test_two_matplotlib_charts_sized_to_the_page_with_captions(pack: Any) -> None:
    shapes = pack.inline_shapes
    assert len(shapes) == 2
    blobs = [pack.part.related_parts[s._inline.graphic.graphicData.pic.blipFill.blip.embed].blob for s in shapes]
    assert all(b.startswith(PNG_SIGNATURE) for b in blobs)
    from PIL import Image

    for blob, shape in zip(blobs, shapes, strict=True):
        image = Image.open(io.BytesIO(blob))
        assert round(image.info["dpi"][0]) == 200  # print resolution
        assert abs(image.width / 200 * 914400 - shape.width) < 914400 * 0.02  # placed at its drawn size
        assert shape.width <= pack.sections[-1].page_width - pack.sections[-1].left_margin
    captions = [p.text for p in pack.paragraphs if p.style.name == "Caption"]
    assert captions[0].startswith("Figure 1 — Share of each framework's requirements by status")
    assert captions[1].startswith("Figure 2 — Latest measured recovery of each in-scope service")


def test_findings_remediation_and_open_actions(pack: Any) -> None:
    actions = _table_after(pack, "Corrective actions open at the assessment date")
    assert actions[0] == ["Action", "Finding", "Description", "Owner", "Due", "Status", "Days overdue", "Ageing"]
    assert actions[1][0] == "CA-01" and actions[1][6] == "92" and actions[1][7] == "91-180 days overdue"
    assert all(r[5] != "closed" for r in actions[1:])
    findings = _table_after(pack, "Findings")
    assert findings[0][:3] == ["Rule", "Outcome", "Failing"]


def test_soa_and_sign_off(pack: Any) -> None:
    soa = _table_after(pack, "Requirements that do not apply")
    assert soa[1][:2] == ["NIST SP 800-53 Rev. 5 CP family", "CP-8"]
    assert "no dedicated telecoms" in soa[1][3]
    sign = _table_after(pack, "Sign-off")
    assert [r[0] for r in sign[1:]] == ["Prepared by (continuity manager)", "Reviewed by (internal audit)",
                                        "Approved by (accountable executive)"]


def test_hostile_input_survives_into_the_document(tmp_path: Path) -> None:
    doc = docx.Document(str(_write(tmp_path, hostile=True)))
    text = _all_text(doc)
    for key in ("formula", "plus", "at", "emoji", "arabic", "hebrew"):
        assert HOSTILE[key] in text, key
    assert "\x00" not in text and "\x07" not in text


def test_same_result_same_bytes(tmp_path: Path) -> None:
    a = _write(tmp_path / "a", hostile=True).read_bytes()
    b = _write(tmp_path / "b", hostile=True).read_bytes()
    assert a == b
    doc = docx.Document(io.BytesIO(a))
    assert doc.core_properties.created.date().isoformat() == "2026-09-30"


def _custom_template(path: Path) -> Path:
    """An organisation's own template: red Courier headings, its own header with a logo, no Title style."""
    from itscm_audit.reporters.charts import FrameworkPosture, posture_by_framework

    doc = docx.Document()
    h1 = doc.styles["Heading 1"]
    h1.font.name = "Courier New"
    h1.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    header = doc.sections[0].header.paragraphs[0]
    header.text = "ACME Corp — internal"
    logo = posture_by_framework([FrameworkPosture("ACME", {"met": 1}, 100.0)], 3.0)
    header.add_run().add_picture(io.BytesIO(logo))
    doc.styles.element.remove(doc.styles["Title"].element)
    doc.add_paragraph("template boilerplate that must not leak into the pack")
    doc.save(str(path))
    return path


def test_custom_template_styles_header_and_fallbacks(tmp_path: Path) -> None:
    template = _custom_template(tmp_path / "acme.docx")
    doc: Any = docx.Document(str(_write(tmp_path / "out", template=template)))
    assert doc.sections[0].header.paragraphs[0].text == "ACME Corp — internal"
    assert doc.sections[0].header.part.package.image_parts
    h1 = doc.styles["Heading 1"]
    assert h1.font.name == "Courier New" and h1.font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert "Executive summary" in _headings(doc, 1)
    assert doc.paragraphs[0].text == "IT service continuity evidence pack"
    assert doc.paragraphs[0].style.name == "Heading 1"  # no Title style: the next best
    assert "template boilerplate" not in _all_text(doc)
    assert doc.tables[0].style.name == "Table Grid"
    # without the template's cell style, cells carry their 8.5 pt size themselves
    assert doc.tables[0]._tbl.find(f".//{W}tc/{W}p/{W}r/{W}rPr/{W}sz").get(f"{W}val") == "17"


def test_broken_template_is_a_located_error(tmp_path: Path) -> None:
    bad = tmp_path / "not-a-docx.docx"
    bad.write_text("plain text")
    with pytest.raises(ItscmError) as err:
        _write(tmp_path / "out", template=bad)
    assert err.value.location == str(bad)
    assert not (tmp_path / "out" / "evidence-pack.docx").exists()


def test_redacted_pack_hides_contacts(tmp_path: Path) -> None:
    doc = docx.Document(str(_write(tmp_path, redact=True)))
    text = _all_text(doc)
    for secret in ("Jean-Luc Picard", "Beverly Crusher", "jl.picard@aurora.example", "Deanna Troi"):
        assert secret not in text
    assert "Person 1" in text


def test_id_ranges_compress_neighbours_one_range_per_line() -> None:
    assert id_ranges(["E-003", "E-001", "E-002", "E-007", ""]) == "E-001–E-003\nE-007"
    assert id_ranges([f"E-{i:03d}" for i in range(1, 20, 2)], limit=3) == "E-001\nE-003\nE-005\nand 7 more"


def test_one_line_keeps_the_first_sentence_and_cuts_at_a_word() -> None:
    from itscm_audit.reporters.word import one_line

    assert one_line("Met through OBJ-A. The rest is attested.") == "Met through OBJ-A."
    cut = one_line("word " * 60, 40)
    assert cut.endswith(" …") and len(cut) <= 42 and "wor …" not in cut


def test_open_action_statuses_read_as_words(tmp_path: Path) -> None:
    from itscm_audit.model import ActionStatus

    result = make_result()
    actions = tuple(a.model_copy(update={"status": ActionStatus.IN_PROGRESS}) if a.action_id == "CA-01" else a
                    for a in result.facts.actions)
    result = result.model_copy(update={"facts": result.facts.model_copy(update={"actions": actions})})
    rows = _table_after(docx.Document(str(_write(tmp_path, result=result))),
                        "Corrective actions open at the assessment date")
    assert (rows[1][0], rows[1][5]) == ("CA-01", "in progress")  # the workbook keeps "in_progress"
