"""Generate templates/evidence-pack.docx, the default Word template of the evidence pack.

Run ``python scripts/make_templates.py`` after changing it and commit the .docx. Organisations copy
the file, restyle it in Word (fonts, colours, logo in the header) and pass it with ``--template``.
Styles it defines: Title, Subtitle, Heading 1-3 (kept with the next paragraph), Caption, TOC 1-2 (the
contents), the table style "ITSCM Table" with the paragraph style of its cells
"ITSCM Table Text" (8.5 pt, no spacing) and one character style per
status ("Status Met", "Status Partially Met", ...), in the packs' palette. Page: A4 portrait, 2 cm
margins; the packs turn wide appendices to landscape themselves.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import parse_xml
from docx.shared import Cm, Pt, RGBColor

from itscm_audit.reporters.tables import STATUS_FILL, STATUS_FONT
from itscm_audit.result import Status

W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
NAVY = "1F3864"


def _table_style(doc: Any) -> None:
    style = doc.styles.add_style("ITSCM Table", WD_STYLE_TYPE.TABLE)
    style.base_style = doc.styles["Table Grid"]
    style.font.size = Pt(8.5)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)
    el = style.element
    el.append(parse_xml(
        f'<w:tblPr {W}><w:tblBorders>'
        '<w:top w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
        '<w:left w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
        '<w:bottom w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
        '<w:right w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
        '<w:insideH w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
        '<w:insideV w:val="single" w:sz="4" w:space="0" w:color="A6A6A6"/>'
        '</w:tblBorders><w:tblCellMar><w:left w:w="60" w:type="dxa"/><w:right w:w="60" w:type="dxa"/>'
        '</w:tblCellMar></w:tblPr>'))
    el.append(parse_xml(
        f'<w:tblStylePr {W} w:type="firstRow"><w:rPr><w:b/><w:color w:val="FFFFFF"/></w:rPr>'
        f'<w:tcPr><w:shd w:val="clear" w:color="auto" w:fill="{NAVY}"/></w:tcPr></w:tblStylePr>'))


def _table_text_style(doc: Any) -> None:
    """The paragraph style of table cells: LibreOffice ignores a table style's font size, not a paragraph's."""
    style = doc.styles.add_style("ITSCM Table Text", WD_STYLE_TYPE.PARAGRAPH)
    style.base_style = doc.styles["Normal"]
    style.font.size = Pt(8.5)
    style.paragraph_format.space_before = Pt(0)
    style.paragraph_format.space_after = Pt(0)


def _status_styles(doc: Any) -> None:
    for status in Status:
        style = doc.styles.add_style(f"Status {status.label.title()}", WD_STYLE_TYPE.CHARACTER)
        style.font.bold = True
        style.font.color.rgb = RGBColor.from_string(STATUS_FONT[status.label])
        style.element.get_or_add_rPr().append(parse_xml(
            f'<w:shd {W} w:val="clear" w:color="auto" w:fill="{STATUS_FILL[status.label]}"/>'))


def _contents_styles(doc: Any) -> None:
    """TOC 1 and TOC 2: the contents the packs write (entries with a dotted tab to the page number)."""
    for level in (1, 2):
        style = doc.styles.add_style(f"TOC {level}", WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.paragraph_format.left_indent = Cm(0.6 * (level - 1))
        style.paragraph_format.space_before = Pt(4 if level == 1 else 0)
        style.paragraph_format.space_after = Pt(1)
        style.font.bold = level == 1


def _page(doc: Any) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    section.left_margin = section.right_margin = Cm(2.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.0)
    section.header_distance = section.footer_distance = Cm(1.0)


def _header_footer(doc: Any) -> None:
    section = doc.sections[0]
    header = section.header.paragraphs[0]
    header.text = "IT service continuity evidence pack"
    header.style = doc.styles["Header"]
    footer = section.footer.paragraphs[0]
    footer.style = doc.styles["Footer"]
    footer.add_run("Confidential — prepared for audit · Page ")
    footer._p.append(parse_xml(f'<w:fldSimple {W} w:instr="PAGE"><w:r><w:t>1</w:t></w:r></w:fldSimple>'))


def build(target: Path) -> None:
    doc: Any = Document()
    normal = doc.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(10)
    normal.paragraph_format.space_after = Pt(4)
    for name, size in (("Title", 26), ("Subtitle", 14), ("Heading 1", 16), ("Heading 2", 13), ("Heading 3", 11)):
        style = doc.styles[name]
        style.font.name = "Calibri"
        style.font.size = Pt(size)
        style.font.color.rgb = RGBColor.from_string(NAVY)
        if name.startswith("Heading"):
            style.paragraph_format.keep_with_next = True
    caption = doc.styles["Caption"]
    caption.font.size = Pt(8.5)
    caption.paragraph_format.space_after = Pt(8)
    _page(doc)
    _contents_styles(doc)
    _table_style(doc)
    _table_text_style(doc)
    _status_styles(doc)
    _header_footer(doc)
    props = doc.core_properties
    props.title = "IT service continuity evidence pack"
    props.author = "itscm-audit"
    props.last_modified_by = "itscm-audit"
    props.comments = "Default template of itscm-audit; restyle it and pass it with --template."
    body = doc.element.body
    for child in list(body):
        if not child.tag.endswith("}sectPr"):
            body.remove(child)
    target.parent.mkdir(parents=True, exist_ok=True)
    doc.save(str(target))


if __name__ == "__main__":
    root = Path(__file__).resolve().parent.parent
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else root / "templates" / "evidence-pack.docx"
    build(out)
    print(f"wrote {out}")
