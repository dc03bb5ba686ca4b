"""The Word documents (evidence pack, quarterly report): one builder for both, on the organisation's template.

The template (ours or ``--template``) supplies styles, page size, header, footer and logo; its body is
replaced. A style the template lacks falls back to a plainer one, so any .docx works.

What the builder guarantees, because an auditor reads the result on paper:

- tables are written as XML in one pass (python-docx's row and cell accessors are quadratic), with
  column widths from their content: every column is at least as wide as its longest word (measured
  with DejaVu Sans, wider than Calibri or Arial, so the guarantee holds in Word and in LibreOffice),
  the rest of the page goes to the columns with the most text; header rows repeat on every page and
  rows never split across pages;
- headings carry "keep with next" and a bookmark; the contents page lists them with a PAGEREF field
  each, which LibreOffice computes as it lays the document out and Word refreshes when it prints, so
  the contents are filled on opening without "Update field";
- a chapter starts on a new page through "page break before" on its heading (never an empty
  paragraph with a break, which leaves a blank page when the previous page is exactly full);
- wide tables go in landscape sections; figures are drawn at the width they are placed.
"""

from __future__ import annotations

import copy
import io
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from itscm_audit.errors import ItscmError
from itscm_audit.fsio import atomic_path
from itscm_audit.reporters.font_metrics import BOLD, REGULAR
from itscm_audit.reporters.safe import clean_text, fixed_zip_times
from itscm_audit.reporters.tables import OUTCOME_STATUS, STATUS_FILL, Cell

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
W = f"{{{W_NS}}}"
_XMLNS = f'xmlns:w="{W_NS}"'
HEADER_FILL = "1F3864"
"""Header rows: the workbook's header colour."""
TABLE_STYLES = ("ITSCM Table", "Table Grid")
CELL_STYLE = "ITSCM Table Text"
"""Paragraph style of table cells; without it, cells get an explicit 8.5 pt."""
CELL_PT = 8.5
TWIPS_PER_PT = 20
EMU_PER_TWIP = 635
DEFAULT_CELL_MARGIN = 108
"""Word's default left and right cell margin, in twips, when the table style does not say."""
_OUTCOME_FILL = {value: STATUS_FILL[label] for value, label in OUTCOME_STATUS.items()}
ColumnKind = str
"""``text``, ``wrap``, ``number``, ``date``, ``status`` (a status label) or ``outcome`` (rule outcome,
freshness, yes/no...): the last two are shaded with the status palette."""


# --------------------------------------------------------------------------- measuring text


@lru_cache(maxsize=2)
def _font(bold: bool) -> Any:
    """DejaVu Sans (Bold) as shipped with matplotlib, read by its FreeType wrapper (only for characters the
    shipped table lacks: matplotlib stays out of this process otherwise, see ``chart_drawer``)."""
    import matplotlib
    from matplotlib import ft2font

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    return ft2font.FT2Font(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / name))


def _measured_em(ch: str, bold: bool) -> float:
    """Advance width of one character in ems, from the font (1.0 for one it lacks: CJK, emoji)."""
    from matplotlib import ft2font

    font = _font(bold)
    if font.get_char_index(ord(ch)) == 0:
        return 1.0
    return float(font.load_char(ord(ch), flags=ft2font.LoadFlags.NO_SCALE).horiAdvance) / float(font.units_per_EM)


_EMS = ({**REGULAR}, {**BOLD})
"""Advance widths by character, regular and bold: the shipped table, grown by every character measured."""


@lru_cache(maxsize=65536)
def _em_width(text: str, bold: bool) -> float:
    ems = _EMS[bold]
    for ch in set(text).difference(ems):
        ems[ch] = _measured_em(ch, bold)
    return sum(map(ems.__getitem__, text))


def text_width_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """Printed width of ``text`` on one line, in points (DejaVu Sans: wider than the usual office fonts)."""
    return _em_width(text, bold) * size_pt


def longest_word_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of the longest word: the narrowest a column can be without breaking a word."""
    return max((_em_width(w, bold) for w in text.split()), default=0.0) * size_pt


def longest_line_pt(text: str, size_pt: float, bold: bool = False) -> float:
    """Width of the longest line of ``text`` set without wrapping."""
    return max((_em_width(line, bold) for line in text.splitlines()), default=0.0) * size_pt


# --------------------------------------------------------------------------- text helpers


_SENTENCE_END = re.compile(r"(?<=[A-Za-z0-9)%])\.\s+(?=[A-Z(])")
_ABBREVIATIONS = ("Art", "Arts", "Rev", "No", "Sec", "Sched", "para", "e.g", "i.e", "c", "s", "v", "vs")


def one_line(text: str, limit: int = 150) -> str:
    """The first sentence of ``text``, cut at a word boundary near ``limit`` characters with an ellipsis."""
    text = " ".join(text.split())
    first = text
    for match in _SENTENCE_END.finditer(text):
        word = text[: match.start()].rsplit(" ", 1)[-1]
        if match.start() >= 15 and word not in _ABBREVIATIONS:
            first = text[: match.start() + 1]
            break
    if len(first) <= limit:
        return first
    cut = first[:limit].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + " …"


def cell_text(value: Cell, prep: Callable[[str], str]) -> str:
    if isinstance(value, str):
        return prep(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:g}"
    return "" if value is None else str(value)


def _runs(text: str, rpr: str) -> str:
    """Escaped run text; line breaks become ``<w:br/>`` so multi-line cells keep their lines."""
    out = escape(text)
    if "\n" in out or "\r" in out:
        out = out.replace("\r\n", "\n").replace("\r", "\n")
        out = out.replace("\n", f'</w:t></w:r><w:r>{rpr}<w:br/><w:t xml:space="preserve">')
    return out


@dataclass(frozen=True)
class Column:
    """A column of a Word table: what it shows and how it is typeset."""

    header: str
    kind: ColumnKind = "text"
    max_share: float = 0.45
    """Most of the text width this column may take when others need room."""


@dataclass(frozen=True)
class _Heading:
    text: str
    level: int
    bookmark: str


# --------------------------------------------------------------------------- the document


class WordDocument:
    """A document being written on a template, with the style names the template actually has."""

    def __init__(self, template: Path | None, redactor: Callable[[str], str] | None = None) -> None:
        from docx import Document

        try:
            self.doc: Any = Document(str(template)) if template else Document()
        except Exception as exc:  # python-docx raises several types for a file that is not a .docx
            raise ItscmError(f"cannot use this Word template ({type(exc).__name__}: {exc})",
                             location=str(template), hint="pass a .docx saved by Word or LibreOffice") from None
        body = self.doc.element.body
        for child in list(body):
            if child.tag != f"{W}sectPr":
                body.remove(child)
        self.body = body
        self.styles: dict[str, Any] = {s.name: s for s in self.doc.styles if s.name}
        # Style ids resolved once: python-docx looks a style up by scanning every style of the template.
        defaults = {kind: self.doc.styles.default(kind) for kind in {st.type for st in self.styles.values()}}
        self.style_ids: dict[str, str | None] = {
            name: None if st == defaults.get(st.type) else st.style_id for name, st in self.styles.items()}
        self.prep: Callable[[str], str] = clean_text if redactor is None else (lambda s: clean_text(redactor(s)))
        self.table_style = next((n for n in TABLE_STYLES if n in self.styles), None)
        cell_sid = self.style_ids.get(CELL_STYLE) if CELL_STYLE in self.styles else None
        self.table_pt = self._font_pt(CELL_STYLE, CELL_PT) if cell_sid else CELL_PT
        self._cell_pstyle = f'<w:pStyle w:val="{cell_sid}"/>' if cell_sid else ""
        self._cell_sz = "" if cell_sid else f'<w:sz w:val="{round(CELL_PT * 2)}"/><w:szCs w:val="{round(CELL_PT * 2)}"/>'
        self.cell_margin = self._cell_margin()
        self.end = body.find(f"{W}sectPr")
        if self.end is None:
            self.end = body.makeelement(f"{W}sectPr", {})
            body.append(self.end)
        self.base_sect = copy.deepcopy(self.end)
        self.landscape = False
        self._set_orientation(self.end, False)
        self.headings: list[_Heading] = []
        self._contents: Any = None
        self._contents_width = 0
        self._last: str = ""
        """Kind of the last block added (``p``, ``tbl``, ``sect``): tables never touch, breaks never double."""
        self._bookmark = 0
        self.figures = 0
        self._pictures: list[tuple[Any, Callable[[], bytes], float, int]] = []
        """Figures placed but not yet drawn (paragraph, PNG source, width, number): filled in at save."""

    # ----------------------------------------------------------------- geometry

    def _font_pt(self, style_name: str | None, fallback: float) -> float:
        style = self.styles.get(style_name or "")
        while style is not None:
            if style.font is not None and style.font.size is not None:
                return float(style.font.size.pt)
            style = style.base_style
        normal = self.styles.get("Normal")
        if normal is not None and normal.font.size is not None:
            return float(normal.font.size.pt)
        return fallback

    def _cell_margin(self) -> int:
        """Left + right cell margin of the table style, in twips."""
        style = self.styles.get(self.table_style or "")
        total = 0
        for side in ("left", "right"):
            found = None
            st = style
            while st is not None and found is None:
                found = st.element.find(f"{W}tblPr/{W}tblCellMar/{W}{side}")
                st = st.base_style
            total += int(found.get(f"{W}w")) if found is not None else DEFAULT_CELL_MARGIN
        return total

    def _set_orientation(self, sect: Any, landscape: bool) -> None:
        size = sect.find(f"{W}pgSz")
        if size is None:
            size = sect.makeelement(f"{W}pgSz", {f"{W}w": "11906", f"{W}h": "16838"})
            sect.insert(0, size)
        w, h = int(size.get(f"{W}w", "11906")), int(size.get(f"{W}h", "16838"))
        if (w > h) != landscape:
            w, h = h, w
        size.set(f"{W}w", str(w))
        size.set(f"{W}h", str(h))
        if landscape:
            size.set(f"{W}orient", "landscape")
        elif f"{W}orient" in size.attrib:
            del size.attrib[f"{W}orient"]

    def _margins(self) -> tuple[int, int, int, int]:
        mar = self.base_sect.find(f"{W}pgMar")

        def get(key: str) -> int:
            return int(mar.get(f"{W}{key}", "1440")) if mar is not None else 1440

        return get("left"), get("right"), get("top"), get("bottom")

    @property
    def page_twips(self) -> tuple[int, int]:
        size = self.base_sect.find(f"{W}pgSz")
        w = int(size.get(f"{W}w", "11906")) if size is not None else 11906
        h = int(size.get(f"{W}h", "16838")) if size is not None else 16838
        short, long_ = min(w, h), max(w, h)
        return (long_, short) if self.landscape else (short, long_)

    @property
    def text_twips(self) -> int:
        """Width between the margins of the current section, in twips."""
        left, right, _, _ = self._margins()
        return max(self.page_twips[0] - left - right, 2880)

    @property
    def text_height_twips(self) -> int:
        _, _, top, bottom = self._margins()
        return max(self.page_twips[1] - top - bottom, 2880)

    @property
    def text_width_cm(self) -> float:
        return self.text_twips / 567.0

    # ----------------------------------------------------------------- blocks

    def _add(self, xml: str, kind: str) -> Any:
        from docx.oxml import parse_xml

        if kind == "tbl" and self._last == "tbl":  # two tables in a row would merge into one
            self._add(f'<w:p {_XMLNS}><w:pPr><w:spacing w:before="0" w:after="0"/></w:pPr></w:p>', "p")
        element = parse_xml(xml)
        self.end.addprevious(element)
        self._last = kind
        return element

    def _ppr(self, style: str | None, keep_next: bool = False, new_page: bool = False, extra: str = "") -> str:
        sid = self.style_ids.get(style or "") if style else None
        parts = [f'<w:pStyle w:val="{sid}"/>' if sid else "", "<w:keepNext/>" if keep_next else "",
                 "<w:pageBreakBefore/>" if new_page and self._last not in ("", "sect") else "", extra]
        inner = "".join(parts)
        return f"<w:pPr>{inner}</w:pPr>" if inner else ""

    def style(self, *names: str) -> str | None:
        return next((n for n in names if n in self.styles), None)

    def para(self, text: str = "", style: str | None = None, *, keep_next: bool = False, bold: bool = False,
             new_page: bool = False, size_pt: float | None = None) -> Any:
        """A paragraph of plain text (line breaks kept) in ``style`` or the first fallback the template has."""
        name = self._resolve(style)
        rpr_parts = ("<w:b/>" if bold or (style and name is None and style.startswith(("Title", "Subtitle")))
                     else "") + (f'<w:sz w:val="{round(size_pt * 2)}"/>' if size_pt else "")
        rpr = f"<w:rPr>{rpr_parts}</w:rPr>" if rpr_parts else ""
        run = f'<w:r>{rpr}<w:t xml:space="preserve">{_runs(self.prep(text), rpr)}</w:t></w:r>' if text else ""
        return self._add(f"<w:p {_XMLNS}>{self._ppr(name, keep_next, new_page)}{run}</w:p>", "p")

    def rich(self, parts: Sequence[tuple[str, str]], style: str | None = None, *, keep_next: bool = False) -> Any:
        """A paragraph of runs, each ``(text, how)`` with how ``""``, ``"b"`` (bold) or a status label."""
        name = self._resolve(style)
        runs = []
        for text, how in parts:
            if how in STATUS_FILL:
                rpr = (f'<w:rPr><w:b/><w:shd w:val="clear" w:color="auto" w:fill="{STATUS_FILL[how]}"/>'
                       "</w:rPr>")
            else:
                rpr = "<w:rPr><w:b/></w:rPr>" if how == "b" else ""
            runs.append(f'<w:r>{rpr}<w:t xml:space="preserve">{_runs(self.prep(text), rpr)}</w:t></w:r>')
        return self._add(f"<w:p {_XMLNS}>{self._ppr(name, keep_next)}{''.join(runs)}</w:p>", "p")

    def bullet(self, text: str) -> Any:
        style = self.style("List Bullet")
        return self.para(text if style else f"• {text}", style)

    def _resolve(self, style: str | None) -> str | None:
        if style is None:
            return None
        fallbacks = {"Title": ("Title", "Heading 1"), "Subtitle": ("Subtitle", "Heading 2"),
                     "Caption": ("Caption",), "List Bullet": ("List Bullet",)}
        return self.style(*fallbacks.get(style, (style,)))

    def heading(self, text: str, level: int, *, new_page: bool = False, contents: bool = True) -> Any:
        """A heading kept with what follows it, bookmarked for the contents (levels 1 and 2)."""
        text = self.prep(text)
        name = self.style(f"Heading {level}")
        rpr = "" if name else '<w:rPr><w:b/><w:sz w:val="26"/></w:rPr>'
        mark = ""
        if contents and level <= 2:
            self._bookmark += 1
            bookmark = f"_Toc{self._bookmark:05d}"
            self.headings.append(_Heading(text, level, bookmark))
            mark = f'<w:bookmarkStart w:id="{self._bookmark}" w:name="{bookmark}"/>'
        end = f'<w:bookmarkEnd w:id="{self._bookmark}"/>' if mark else ""
        outline = "" if name else f'<w:outlineLvl w:val="{level - 1}"/>'
        return self._add(f"<w:p {_XMLNS}>{self._ppr(name, True, new_page, outline)}{mark}<w:r>{rpr}"
                         f'<w:t xml:space="preserve">{escape(text)}</w:t></w:r>{end}</w:p>', "p")

    def contents_here(self) -> None:
        """Mark where the contents go; they are written by :meth:`save`, once every heading is known."""
        self._contents = self.para("")
        self._contents_width = self.text_twips

    def _write_contents(self) -> None:
        from docx.oxml import parse_xml

        if self._contents is None:
            return
        right = self._contents_width
        for h in self.headings:
            style = self.style(f"TOC {h.level}", f"toc {h.level}")
            sid = self.style_ids.get(style or "") if style else None
            pstyle = f'<w:pStyle w:val="{sid}"/>' if sid else ""
            indent = "" if sid else f'<w:ind w:left="{(h.level - 1) * 360}"/>'
            ppr = (f'<w:pPr>{pstyle}<w:tabs><w:tab w:val="right" w:leader="dot" w:pos="{right}"/></w:tabs>'
                   f"{indent}</w:pPr>")
            xml = (f'<w:p {_XMLNS}>{ppr}<w:hyperlink w:anchor={quoteattr(h.bookmark)} w:history="1">'
                   f'<w:r><w:t xml:space="preserve">{escape(h.text)}</w:t></w:r><w:r><w:tab/></w:r>'
                   '<w:r><w:fldChar w:fldCharType="begin" w:dirty="true"/></w:r>'
                   f'<w:r><w:instrText xml:space="preserve"> PAGEREF {h.bookmark} \\h </w:instrText></w:r>'
                   '<w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t></w:t></w:r>'
                   '<w:r><w:fldChar w:fldCharType="end"/></w:r></w:hyperlink></w:p>')
            self._contents.addprevious(parse_xml(xml))
        self._contents.getparent().remove(self._contents)
        self._contents = None

    def orientation(self, landscape: bool) -> None:
        """Start a new section in landscape (or portrait) unless already so: wide tables read across."""
        if landscape == self.landscape:
            return
        sect = copy.deepcopy(self.base_sect)
        self._set_orientation(sect, self.landscape)
        kind = sect.find(f"{W}type")
        if kind is None:
            kind = sect.makeelement(f"{W}type", {})
            sect.insert(0, kind)
        kind.set(f"{W}val", "nextPage")
        from lxml import etree

        sect_xml = etree.tostring(sect, encoding="unicode")
        self._add(f'<w:p {_XMLNS}><w:pPr><w:spacing w:before="0" w:after="0" w:line="20" w:lineRule="exact"/>'
                  f'<w:rPr><w:sz w:val="2"/></w:rPr>{sect_xml}</w:pPr></w:p>', "sect")
        self.landscape = landscape
        self._set_orientation(self.end, landscape)

    # ----------------------------------------------------------------- tables

    def column_widths(self, columns: Sequence[Column], rows: Sequence[Sequence[str]]) -> list[int]:
        """Twips per column: never below the longest word (header included), the text width shared out by
        how much text each column holds."""
        size = self.table_pt
        pad = self.cell_margin + 2 * TWIPS_PER_PT
        total = self.text_twips
        mins, wants = [], []
        for ci, col in enumerate(columns):
            words = longest_word_pt(col.header, size, bold=True)
            line = longest_line_pt(col.header, size, bold=True)
            seen: set[str] = set()
            for row in rows:
                text = row[ci]
                if not text or text in seen:
                    continue
                seen.add(text)
                words = max(words, longest_word_pt(text, size))
                line = max(line, longest_line_pt(text, size))
            low = int(words * TWIPS_PER_PT) + pad
            high = max(low, min(int(line * TWIPS_PER_PT) + pad, int(total * col.max_share)))
            mins.append(low)
            wants.append(high)
        need = sum(mins)
        if need >= total:  # cannot fit without breaking words: share the width out by need (callers avoid this)
            return [max(int(total * m / need), 200) for m in mins]
        widths = list(mins)
        spare = total - need
        extra = [w - m for w, m in zip(wants, mins, strict=True)]
        wanted = sum(extra)
        if wanted >= spare:
            widths = [m + int(spare * e / wanted) for m, e in zip(mins, extra, strict=True)]
        else:
            widths = list(wants)
            left = spare - wanted
            base = sum(wants) or 1
            widths = [w + int(left * w / base) for w in widths]
        return widths

    def fits(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]]) -> bool:
        """Whether the table fits the current text width without breaking a word."""
        texts = [[cell_text(v, self.prep) for v in row] for row in rows]
        size = self.table_pt
        pad = self.cell_margin + 2 * TWIPS_PER_PT
        need = 0
        for ci, col in enumerate(columns):
            words = max([longest_word_pt(col.header, size, bold=True),
                         *(longest_word_pt(r[ci], size) for r in texts if r[ci])])
            need += int(words * TWIPS_PER_PT) + pad
        return need < self.text_twips

    def table(self, columns: Sequence[Column], rows: Iterable[Sequence[Cell]]) -> Any:
        """A table in one XML parse: widths from content, header repeated, rows kept whole, statuses shaded."""
        texts = [[cell_text(v, self.prep) for v in row] for row in rows]
        widths = self.column_widths(columns, texts)
        tcw = [f'<w:tcW w:w="{w}" w:type="dxa"/>' for w in widths]
        sid = self.style_ids.get(self.table_style or "") if self.table_style else None
        style = f'<w:tblStyle w:val="{sid}"/>' if sid else ""
        parts = [f"<w:tbl {_XMLNS}><w:tblPr>{style}<w:tblW w:w=\"{sum(widths)}\" w:type=\"dxa\"/>"
                 '<w:tblLayout w:type="fixed"/><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
                 'w:firstColumn="0" w:lastColumn="0" w:noHBand="1" w:noVBand="1"/></w:tblPr><w:tblGrid>',
                 *(f'<w:gridCol w:w="{w}"/>' for w in widths), "</w:tblGrid>",
                 "<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>"]
        head_rpr = f'<w:rPr><w:b/><w:color w:val="FFFFFF"/>{self._cell_sz}</w:rPr>'
        keep = "<w:keepNext/>"
        pstyle = self._cell_pstyle
        rpr = f"<w:rPr>{self._cell_sz}</w:rPr>" if self._cell_sz else ""
        parts.extend(f'<w:tc><w:tcPr>{tcw[i]}<w:shd w:val="clear" w:color="auto" w:fill="{HEADER_FILL}"/>'
                     f'</w:tcPr><w:p><w:pPr>{pstyle}{keep}<w:spacing w:before="0" w:after="0"/></w:pPr><w:r>{head_rpr}'
                     f'<w:t xml:space="preserve">{_runs(self.prep(c.header), head_rpr)}</w:t></w:r></w:p></w:tc>'
                     for i, c in enumerate(columns))
        parts.append("</w:tr>")
        palettes = [STATUS_FILL if c.kind == "status" else _OUTCOME_FILL if c.kind == "outcome" else None
                    for c in columns]
        aligns = ['<w:jc w:val="right"/>' if c.kind == "number" else "" for c in columns]
        for ri, row in enumerate(texts):
            parts.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>")
            first = ri == 0  # the first row stays with the header, the header with the heading above it
            for ci, text in enumerate(row):
                ppr = (f'<w:pPr>{pstyle}{keep if first else ""}<w:spacing w:before="0" w:after="0"/>{aligns[ci]}'
                       "</w:pPr>")
                if not text:
                    parts.append(f"<w:tc><w:tcPr>{tcw[ci]}</w:tcPr><w:p>{ppr}</w:p></w:tc>")
                    continue
                palette = palettes[ci]
                fill = palette.get(text) if palette is not None else None
                shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
                parts.append(f'<w:tc><w:tcPr>{tcw[ci]}{shd}</w:tcPr><w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">'
                             f"{_runs(text, rpr)}</w:t></w:r></w:p></w:tc>")
            parts.append("</w:tr>")
        parts.append("</w:tbl>")
        return self._add("".join(parts), "tbl")

    def capped(self, columns: Sequence[Column], rows: Sequence[Sequence[Cell]], limit: int, where: str) -> None:
        """A table of at most ``limit`` rows, then a line saying how many more there are and where."""
        self.table(columns, rows[:limit])
        if len(rows) > limit:
            self.para(f"The first {limit} of {len(rows):,} rows; {where} lists them all.", "Caption")

    # ----------------------------------------------------------------- figures

    def picture(self, png: bytes | Callable[[], bytes], width_cm: float, caption: str) -> None:
        """A figure at ``width_cm`` (its drawn size), kept on the page with its caption.

        ``png`` may be a chart still being drawn (``ChartDrawer.draw``): the image goes in when the
        document is saved, in figure order, so a chart drawn ahead and one drawn here give the same bytes.
        """
        self.figures += 1
        p = self._add(f'<w:p {_XMLNS}><w:pPr><w:keepNext/><w:spacing w:before="120" w:after="0"/>'
                      '<w:jc w:val="center"/></w:pPr></w:p>', "p")
        source = png if callable(png) else (lambda data=png: data)
        self._pictures.append((p, source, width_cm, self.figures))
        self.para(f"Figure {self.figures} — {caption}", "Caption")

    def _draw_pictures(self) -> None:
        from docx.oxml import OxmlElement
        from docx.shared import Cm

        for p, source, width_cm, number in self._pictures:
            inline = self.doc.part.new_pic_inline(io.BytesIO(source()), Cm(width_cm), None)
            inline.docPr.set("id", str(1000 + number))
            inline.docPr.set("name", f"Figure {number}")
            run = OxmlElement("w:r")
            p.append(run)
            run.add_drawing(inline)
        self._pictures.clear()

    def header_text(self, text: str, replaces: str = "IT service continuity evidence pack") -> None:
        """Put ``text`` in the page header where the template has our default header (never an
        organisation's own header)."""
        for section in self.doc.sections:
            for paragraph in section.header.paragraphs:
                if paragraph.text == replaces and paragraph.runs:
                    paragraph.runs[0].text = text
                    for run in paragraph.runs[1:]:
                        run.text = ""

    # ----------------------------------------------------------------- output

    def properties(self, title: str, subject: str, identifier: str, stamp: date) -> None:
        """Core properties from the run, never the clock: same inputs, same bytes."""
        cp = self.doc.core_properties
        moment = datetime(stamp.year, stamp.month, stamp.day)
        cp.title = self.prep(title)[:250]
        cp.subject = subject
        cp.author = "itscm-audit"
        cp.last_modified_by = "itscm-audit"
        cp.created = moment
        cp.modified = moment
        cp.revision = 1
        cp.identifier = identifier

    def save(self, path: Path) -> None:
        """Draw the figures, fill the contents, then write the package atomically with fixed zip entry times."""
        self._draw_pictures()
        self._write_contents()
        settings = self.doc.settings.element
        for stale in settings.findall(f"{W}updateFields"):  # a template's "update fields?" prompt
            settings.remove(stale)
        buffer = io.BytesIO()
        self.doc.save(buffer)
        with atomic_path(path) as tmp:
            tmp.write_bytes(fixed_zip_times(buffer.getvalue()))
