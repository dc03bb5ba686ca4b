"""evidence-pack.docx read back with python-docx: structure, statuses, tables, templates, hostile input."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.shared import RGBColor

from itscm_audit.errors import ItscmError
from itscm_audit.reporters import Format, write_all
from itscm_audit.reporters.docx_pack import default_template
from itscm_audit.reporters.png import Bar, bar_chart
from itscm_audit.reporters.tables import STATUS_FILL
from result_factory import HOSTILE, make_result

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _write(tmp_path: Path, hostile: bool = False, **kwargs: Any) -> Path:
    write_all(make_result(hostile=hostile), tmp_path, formats=(Format.EVIDENCE_PACK,), **kwargs)
    return tmp_path / "evidence-pack.docx"


def _all_text(doc: Any) -> str:
    return "\n".join(t.text or "" for t in doc.element.body.iter(f"{W}t"))


def _headings(doc: Any, level: int) -> list[str]:
    return [p.text for p in doc.paragraphs if p.style.name == f"Heading {level}"]


@pytest.fixture(scope="module")
def pack(tmp_path_factory: pytest.TempPathFactory) -> Any:
    return docx.Document(str(_write(tmp_path_factory.mktemp("docx"))))


def test_default_template_is_shipped_with_named_styles() -> None:
    path = default_template()
    assert path is not None and path.name == "evidence-pack.docx"
    doc = docx.Document(str(path))
    names = {s.name for s in doc.styles}
    assert {"Title", "Heading 1", "Heading 2", "Heading 3", "ITSCM Table", "Status Met", "Status Not Met",
            "Status Partially Met", "Status Not Assessed", "Status Not Applicable"} <= names
    assert "evidence pack" in doc.sections[0].header.paragraphs[0].text
    assert not doc.paragraphs


def test_chapters_in_order(pack: Any) -> None:
    assert _headings(pack, 1) == [
        "Document control", "Contents", "Executive summary", "Scope and method", "Results per framework",
        "Exercise results against objectives", "Remediation plan", "Statement of Applicability",
        "Appendix A — Data quality", "Appendix B — Evidence manifest", "Sign-off"]
    assert _headings(pack, 2)[:4] == ["Priorities", "Input files", "Control objectives", "ISO 22301:2019 (iso22301)"]
    assert pack.paragraphs[0].style.name == "Title"


def test_toc_field_and_charts(pack: Any) -> None:
    fields = [f.get(f"{W}instr") for f in pack.element.body.iter(f"{W}fldSimple")]
    assert any(f and f.startswith('TOC \\o "1-3"') for f in fields)
    assert pack.settings.element.find(f"{W}updateFields").get(f"{W}val") == "true"
    assert len(pack.inline_shapes) == 2
    captions = [p.text for p in pack.paragraphs if p.style.name == "Caption"]
    assert captions[0].startswith("Figure 1 — Requirements by status")
    assert captions[1].startswith("Figure 2 — The latest 2 timed exercises")


def test_per_requirement_status_rationale_and_sources(pack: Any) -> None:
    paras = pack.paragraphs
    idx = next(i for i, p in enumerate(paras) if p.text == "8.5 Exercise programme")
    assert paras[idx].style.name == "Heading 3"
    status = paras[idx + 1]
    assert status.text == "Status: NOT MET"
    assert status.runs[1].style.name == "Status Not Met"
    assert paras[idx + 2].text.startswith("Rationale: Through the crosswalk: OBJ-RTO-PROVEN")
    tables = [t for t in pack.tables if t.rows[0].cells[0].text == "Entity"]
    source_rows = [[c.text for c in r.cells] for r in tables[0].rows[1:]]
    assert source_rows == [
        ["service", "SVC-001", "fail", "Achieved 5.5 h against an RTO of 4 h", "data/service-inventory-bia.xlsx",
         "Services", "5", "RTO (hrs)"],
        ["service", "SVC-001", "fail", "Achieved 5.5 h against an RTO of 4 h", "data/exercise-log.xlsx",
         "Exercises", "2", ""]]
    attested = next(i for i, p in enumerate(paras) if p.text == "5.1 Leadership and commitment")
    assert paras[attested + 1].text == "Status: MET"
    assert any(p.text.startswith("Attestation: met by Jean-Luc Picard on 2026-05-12") for p in paras)


def test_tables_statuses_are_shaded_and_headers_repeat(pack: Any) -> None:
    fw = pack.tables[1]
    assert [c.text for c in fw.rows[0].cells][:3] == ["Framework", "Met", "Partially met"]
    # fixed layout with proportional widths: LibreOffice would otherwise squeeze every column equally
    assert fw._tbl.tblPr.find(f"{W}tblLayout").get(f"{W}type") == "fixed"
    widths = [int(g.get(f"{W}w")) for g in fw._tbl.tblGrid.findall(f"{W}gridCol")]
    assert widths[0] > widths[1] and len(set(widths)) > 1
    assert fw.style.name == "ITSCM Table"
    assert fw.rows[0]._tr.find(f"{W}trPr/{W}tblHeader") is not None
    contrib = next(t for t in pack.tables if t.rows[0].cells[0].text == "Objective"
                   and t.rows[1].cells[0].text == "OBJ-RTO-PROVEN")
    shd = contrib.rows[1].cells[3]._tc.find(f"{W}tcPr/{W}shd")
    assert contrib.rows[1].cells[3].text == "not met"
    assert shd.get(f"{W}fill") == STATUS_FILL["not met"]


def test_soa_evidence_manifest_data_quality_and_sign_off(pack: Any) -> None:
    def table_after(heading: str) -> list[list[str]]:
        body = list(pack.element.body)
        start = next(i for i, el in enumerate(body) if el.tag == f"{W}p" and "".join(
            t.text or "" for t in el.iter(f"{W}t")) == heading)
        tbl = next(el for el in body[start:] if el.tag == f"{W}tbl")
        return [["".join(t.text or "" for t in tc.iter(f"{W}t")) for tc in tr.iter(f"{W}tc")]
                for tr in tbl.iter(f"{W}tr")]

    soa = table_after("Statement of Applicability")
    assert soa[1][:2] == ["nist-800-53-cp", "CP-8"]
    assert "no dedicated telecoms" in soa[1][3]
    manifest = table_after("Appendix B — Evidence manifest")
    assert manifest[0] == ["Path", "Type", "SHA-256", "Collected", "Expires", "Freshness"]
    assert manifest[2][:3] == ["plans/bcp-v3.pdf", "plan", "b" * 64]
    dq = table_after("Appendix A — Data quality")
    assert dq[2][:3] == ["error", "date.invalid", "Date 31/02/2026 does not exist"]
    sign = table_after("Sign-off")
    assert [r[0] for r in sign[1:]] == ["Prepared by (continuity manager)", "Reviewed by (internal audit)",
                                        "Approved by (accountable executive)"]


def test_hostile_input_survives_into_the_document(tmp_path: Path) -> None:
    doc = docx.Document(str(_write(tmp_path, hostile=True)))
    text = _all_text(doc)
    for key in ("formula", "plus", "minus", "at", "emoji", "arabic", "hebrew"):
        assert HOSTILE[key] in text, key
    assert "bell\\x07null\ufffdesc\\x1b end" in text
    assert "L" * 10_000 in text
    assert "\x00" not in text and "\x07" not in text


def test_same_result_same_document_text(tmp_path: Path) -> None:
    a = docx.Document(str(_write(tmp_path / "a", hostile=True)))
    b = docx.Document(str(_write(tmp_path / "b", hostile=True)))
    assert _all_text(a) == _all_text(b)
    assert a.core_properties.created == b.core_properties.created
    assert a.core_properties.created.date().isoformat() == "2026-09-30"


def _custom_template(path: Path) -> Path:
    """An organisation's own template: red Courier headings, its own header, no Title or status styles."""
    doc = docx.Document()
    h1 = doc.styles["Heading 1"]
    h1.font.name = "Courier New"
    h1.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    header = doc.sections[0].header.paragraphs[0]
    header.text = "ACME Corp — internal"
    header.add_run().add_picture(io.BytesIO(bar_chart([Bar(((1.0, (200, 0, 0)),))], width=60)))
    doc.styles.element.remove(doc.styles["Title"].element)
    doc.add_paragraph("template boilerplate that must not leak into the pack")
    doc.save(str(path))
    return path


def test_custom_template_styles_header_and_fallbacks(tmp_path: Path) -> None:
    template = _custom_template(tmp_path / "acme.docx")
    doc: Any = docx.Document(str(_write(tmp_path / "out", template=template)))
    assert doc.sections[0].header.paragraphs[0].text == "ACME Corp — internal"
    logo = doc.sections[0].header.part.package.image_parts
    assert any(part.image.px_width == 60 for part in logo)
    h1 = doc.styles["Heading 1"]
    assert h1.font.name == "Courier New" and h1.font.color.rgb == RGBColor(0xC0, 0x00, 0x00)
    assert "Executive summary" in _headings(doc, 1)
    assert doc.paragraphs[0].text == "IT service continuity evidence pack"
    assert doc.paragraphs[0].style.name == "Normal"
    assert "template boilerplate" not in _all_text(doc)
    status = next(p for p in doc.paragraphs if p.text == "Status: NOT MET")
    assert status.runs[1].font.color.rgb == RGBColor.from_string("9C0006")
    assert doc.tables[0].style.name == "Table Grid"


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
    assert any(p.text.startswith("Attestation: met by Person 1 on 2026-05-12") for p in doc.paragraphs)


def test_large_table_is_built_in_one_pass(tmp_path: Path) -> None:
    from itscm_audit.reporters.docx_pack import ROW_LIMIT

    result = make_result(n_services=ROW_LIMIT)
    write_all(result, tmp_path, formats=(Format.EVIDENCE_PACK,))
    doc = docx.Document(str(tmp_path / "evidence-pack.docx"))
    services = next(t for t in doc.tables if t.rows[0].cells[0].text == "Service")
    assert len(services.rows) == ROW_LIMIT + 1
    assert services.rows[ROW_LIMIT].cells[0].text == f"SVC-{ROW_LIMIT:03d}"


def test_word_tables_stop_at_the_row_limit_and_say_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from itscm_audit.reporters import docx_pack

    monkeypatch.setattr(docx_pack, "ROW_LIMIT", 100)
    write_all(make_result(n_services=250), tmp_path, formats=(Format.EVIDENCE_PACK,))
    doc = docx.Document(str(tmp_path / "evidence-pack.docx"))
    services = next(t for t in doc.tables if t.rows[0].cells[0].text == "Service")
    assert len(services.rows) == 101
    assert "First 100 of 250 rows; the gap matrix workbook lists them all." in [p.text for p in doc.paragraphs]
