"""``gap-matrix.xlsx``: the workbook an auditor filters and sorts.

Written with xlsxwriter row by row (``constant_memory``) so large sheets stay cheap; formats are built
once, each distinct text is cleaned once per sheet, and user text is always written as a string so
nothing a spreadsheet holds can turn into a formula or a link. Long lists stay readable: the failing
entities are capped per rule (the full list is ``failing-entities.csv`` beside the workbook) and the
exercises sheet lists the exercises of the assessment window.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from math import isfinite
from pathlib import Path
from typing import Any

from itscm_audit.fsio import atomic_path
from itscm_audit.reporters import tables as t
from itscm_audit.reporters.base import PackContext
from itscm_audit.reporters.failing_csv import FAILING_CSV
from itscm_audit.reporters.safe import excel_text, is_formula_like
from itscm_audit.result import Status

_HEADER_BG = "1F3864"
_SHEET_BAD = re.compile(r"[\[\]:*?/\\]")
EXCEL_MAX_ROWS = 1_048_576
FAILING_PER_RULE = 100
"""Failing entities listed per rule in the workbook; ``failing-entities.csv`` holds them all."""
PRINT_WIDTH = 185
"""Column-width units printed across a landscape A4 page (at least about 75 % scale): a sheet prints its
leading columns up to this width, the ones that matter (tables put traceability columns last); the
rest stay on screen, and the page header says so."""
LINE_HEIGHT = 15.0
"""Points per line of wrapped text (Calibri 11): rows get the height of their longest wrapped cell,
which neither LibreOffice nor Excel computes for a file written row by row."""
MAX_ROW_HEIGHT = 409.0


class _Formats:
    """Every format the workbook uses, created once (xlsxwriter formats are per workbook)."""

    def __init__(self, wb: Any) -> None:
        self.header = wb.add_format({"bold": True, "font_color": "FFFFFF", "bg_color": _HEADER_BG,
                                     "text_wrap": True, "valign": "top", "border": 1})
        self.title = wb.add_format({"bold": True, "font_size": 16, "font_color": _HEADER_BG})
        self.label = wb.add_format({"bold": True})
        self.text = wb.add_format({"valign": "top"})
        self.wrap = wb.add_format({"valign": "top", "text_wrap": True})
        self.text_q = wb.add_format({"valign": "top", "quote_prefix": True})
        self.wrap_q = wb.add_format({"valign": "top", "text_wrap": True, "quote_prefix": True})
        self.number = wb.add_format({"valign": "top"})
        self.date = wb.add_format({"valign": "top", "num_format": "yyyy-mm-dd"})
        self.status = {
            label: wb.add_format({"valign": "top", "bg_color": fill, "font_color": t.STATUS_FONT[label],
                                  "bold": True})
            for label, fill in t.STATUS_FILL.items()
        }
        self.outcome = {value: self.status[label] for value, label in t.OUTCOME_STATUS.items()}


def _sheet_name(title: str, used: set[str]) -> str:
    base = _SHEET_BAD.sub("_", title)[:31] or "Sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _fit_widths(table: t.Table, sample: int = 300) -> list[float]:
    """Widths that fit the header and the first rows, capped so wrapped text stays readable."""
    widths = []
    for ci, col in enumerate(table.columns):
        longest = max((len(str(row[ci])) for row in table.rows[:sample] if row[ci] is not None), default=0)
        header = min(len(col.header), 24)
        if col.kind == "wrap":
            widths.append(float(max(header, min(col.width, max(longest, 10)))))
        elif col.kind == "date":
            widths.append(float(max(header, 11)))
        else:
            widths.append(float(max(header, 6, min(longest + 1, 50))))
    return widths


def write_table(wb: Any, fm: _Formats, name: str, table: t.Table, prep: Callable[[str], str]) -> Any:
    """One sheet: a tidy table from A1 (coloured header, frozen, filtered), fitted widths, typed cells,
    row heights for wrapped text, printed landscape with the leading columns that fit legibly."""
    ws = wb.add_worksheet(name)
    ncols = len(table.columns)
    widths = _fit_widths(table)
    for ci, width in enumerate(widths):
        ws.set_column(ci, ci, width)
    print_setup(ws, widths=widths, last_row=len(table.rows))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(len(table.rows), 1), ncols - 1)
    ws.set_row(0, _height(max(_lines(col.header, w) for col, w in zip(table.columns, widths, strict=True))))
    for ci, col in enumerate(table.columns):
        ws.write_string(0, ci, col.header, fm.header)
    _write_rows(ws, fm, table, prep, first_row=1, widths=widths)
    return ws


def printed_columns(widths: list[float]) -> int:
    """How many leading columns print legibly across a landscape page (at least one)."""
    total, count = 0.0, 0
    for width in widths:
        if total + width > PRINT_WIDTH and count:
            break
        total += width
        count += 1
    return count


def print_setup(ws: Any, header_row: int | None = 0, widths: list[float] | None = None,
                last_row: int = 0) -> None:
    """Printed or converted to PDF: landscape A4, one page wide, the header row repeated, page numbers;
    a sheet wider than a legible page prints its leading columns and says so in the page header."""
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.6)
    ws.set_footer("&L&A&RPage &P of &N")
    if header_row is not None:
        ws.repeat_rows(header_row)
    if widths:
        shown = printed_columns(widths)
        if shown < len(widths):
            from xlsxwriter.utility import xl_col_to_name

            ws.print_area(0, 0, max(last_row, 1), shown - 1)
            ws.set_header(f"&LPrinted: columns A to {xl_col_to_name(shown - 1)} of {len(widths)}; the others are "
                          "on screen (filter and read them in Excel)")


def _lines(text: str, width: float) -> int:
    """Lines ``text`` takes in a wrapped cell ``width`` units wide (a unit is about one digit)."""
    per_line = max(int(width * 1.15), 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.split("\n"))


def _height(lines: int) -> float:
    return min(LINE_HEIGHT * max(lines, 1), MAX_ROW_HEIGHT)


def _write_rows(ws: Any, fm: _Formats, table: t.Table, prep: Callable[[str], str], first_row: int,
                widths: list[float] | None = None) -> None:
    """Typed cells, never a formula. Each distinct text of a column is cleaned and classified once (ids,
    files, statuses and yes/no repeat down a column), and on a ``constant_memory`` sheet the rows go
    straight to the sheet's XML (:class:`_SheetXml`), without xlsxwriter's per-cell bookkeeping. With
    ``widths``, a row holding wrapped text gets the height of its longest cell."""
    plain = [fm.wrap if c.kind == "wrap" else fm.text for c in table.columns]
    quoted = [fm.wrap_q if c.kind == "wrap" else fm.text_q for c in table.columns]
    coloured: list[dict[str, Any] | None] = [
        fm.status if c.kind == "status" else fm.outcome if c.kind == "outcome" else None for c in table.columns
    ]
    texts: dict[tuple[int, str], tuple[str, Any]] = {}

    def text_cell(ci: int, value: str) -> tuple[str, Any]:
        done = texts.get((ci, value))
        if done is None:
            text = prep(value)
            palette = coloured[ci]
            cell_format = (palette[text] if palette is not None and text in palette
                           else quoted[ci] if is_formula_like(text) else plain[ci])
            done = texts[(ci, value)] = (text, cell_format)
        return done

    room = EXCEL_MAX_ROWS - first_row - 1
    rows = table.rows if len(table.rows) <= room else table.rows[:room]
    height = _row_height(table, widths)
    if rows and _SheetXml.usable(ws):
        _SheetXml(ws, len(table.columns)).write(rows, first_row, text_cell, plain, fm.number, fm.date, height)
    else:
        _write_rows_api(ws, rows, first_row, text_cell, plain, fm.number, fm.date, height)
    if len(rows) < len(table.rows):
        ws.write_string(first_row + len(rows), 0, f"{len(table.rows) - len(rows)} more rows do not fit in an "
                        "Excel sheet: see result.json", fm.label)


TextCell = Callable[[int, str], tuple[str, Any]]
RowHeight = Callable[[tuple[t.Cell, ...]], float | None]


def _row_height(table: t.Table, widths: list[float] | None) -> RowHeight | None:
    """The height a row needs for its wrapped cells (None: the default height of one line); None when
    the table wraps nothing."""
    wrapped = [(ci, widths[ci]) for ci, c in enumerate(table.columns) if c.kind == "wrap"] if widths else []
    if not wrapped:
        return None

    def height(row: tuple[t.Cell, ...]) -> float | None:
        lines = 1
        for ci, width in wrapped:
            value = row[ci]
            if isinstance(value, str) and (len(value) > width or "\n" in value):
                lines = max(lines, _lines(value, width))
        return _height(lines) if lines > 1 else None

    return height


def _write_rows_api(ws: Any, rows: list[tuple[t.Cell, ...]], first_row: int, text_cell: TextCell,
                    plain: list[Any], number_fmt: Any, date_fmt: Any, height: RowHeight | None = None) -> None:
    """The same cells through xlsxwriter's API (any worksheet; the reference for :class:`_SheetXml`)."""
    for ri, row in enumerate(rows, first_row):
        if height is not None and (h := height(row)) is not None:
            ws.set_row(ri, h)
        for ci, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, str):
                text, cell_format = text_cell(ci, value)
                if text:
                    ws.write_string(ri, ci, text, cell_format)
            elif isinstance(value, (date, datetime)):
                ws.write_datetime(ri, ci, value, date_fmt)
            elif isfinite(value):
                ws.write_number(ri, ci, value, number_fmt)
            else:  # Excel has no NaN or infinity; say it in words rather than write an error formula
                ws.write_string(ri, ci, str(value), plain[ci])


_XML_SPECIAL = re.compile('[&<>]')
_EXCEL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_EXCEL_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff]")


def _inline_text(text: str) -> str:
    """Text as xlsxwriter writes an inline string: literal ``_xHHHH_`` escaped, the controls Excel cannot
    hold as ``_xHHHH_``, XML special characters escaped, at most 32,767 UTF-16 units."""
    if len(text) > EXCEL_UTF16_LIMIT // 2 and len(text.encode("utf-16-le")) // 2 > EXCEL_UTF16_LIMIT:
        text = text.encode("utf-16-le")[: EXCEL_UTF16_LIMIT * 2].decode("utf-16-le", "ignore")
    if "_x" in text:
        text = _EXCEL_ESCAPE.sub(r"_x005F\1", text)
    if _EXCEL_CONTROL.search(text):
        text = _EXCEL_CONTROL.sub(lambda m: f"_x{ord(m.group(0)):04X}_", text)
    if _XML_SPECIAL.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text


EXCEL_UTF16_LIMIT = 32_767


class _SheetXml:
    """Rows written as ``<row>`` XML straight into a ``constant_memory`` worksheet's row file.

    xlsxwriter spends most of a large workbook's time on per-cell bookkeeping (a tuple per cell, an
    attribute list, three regular expressions); this writes the same elements it would (checked by a
    test that compares the two workbooks cell by cell) in one string per row. It relies on xlsxwriter's
    constant-memory layout (``fh``, ``previous_row``, ``_write_single_row``) and is used only when the
    worksheet has it.
    """

    def __init__(self, ws: Any, ncols: int) -> None:
        from xlsxwriter.utility import xl_col_to_name

        self.ws = ws
        self.refs = [f'<c r="{xl_col_to_name(ci)}' for ci in range(ncols)]
        self.ncols = ncols

    @staticmethod
    def usable(ws: Any) -> bool:
        return bool(getattr(ws, "constant_memory", False)) and all(
            hasattr(ws, a) for a in ("fh", "previous_row", "_write_single_row", "_check_dimensions",
                                     "_convert_date_time"))

    def write(self, rows: list[tuple[t.Cell, ...]], first_row: int, text_cell: TextCell, plain: list[Any],
              number_fmt: Any, date_fmt: Any, height: RowHeight | None = None) -> None:
        ws = self.ws
        last_row = first_row + len(rows) - 1
        ws._write_single_row(first_row)  # flush the row(s) written through the API (the header)
        ws._check_dimensions(first_row, 0)
        ws._check_dimensions(last_row, self.ncols - 1)
        refs = self.refs
        # formats get their index on first use, as through the API (the styles part lists them in that order)
        number_xf, date_xf = number_fmt._get_xf_index, date_fmt._get_xf_index
        number_head = date_head = ""  # '" s="N"><v>', built at the first number or date (its index is fixed then)
        fragments: dict[tuple[int, str], str] = {}
        serials: dict[date, float] = {}
        write = ws.fh.write
        for ri, row in enumerate(rows, first_row):
            rnum = str(ri + 1)
            h = height(row) if height is not None else None
            parts = [f'<row r="{rnum}">' if h is None else f'<row r="{rnum}" ht="{h:g}" customHeight="1">']
            for ci, value in enumerate(row):
                if value is None:
                    continue
                if isinstance(value, str):
                    tail = fragments.get((ci, value))
                    if tail is None:
                        text, cell_format = text_cell(ci, value)
                        tail = fragments[(ci, value)] = "" if not text else self._string_tail(text, cell_format)
                    if tail:
                        parts.append(refs[ci] + rnum + tail)
                elif isinstance(value, (date, datetime)):
                    serial = serials.get(value)
                    if serial is None:
                        serial = serials[value] = ws._convert_date_time(value)
                    if not date_head:
                        date_head = f'" s="{date_xf()}"><v>'
                    parts.append(f"{refs[ci]}{rnum}{date_head}{serial:.16G}</v></c>")
                elif isfinite(value):
                    if not number_head:
                        number_head = f'" s="{number_xf()}"><v>'
                    parts.append(f"{refs[ci]}{rnum}{number_head}{value:.16G}</v></c>")
                else:
                    parts.append(refs[ci] + rnum + self._string_tail(str(value), plain[ci]))
            if len(parts) > 1 or h is not None:
                parts.append("</row>")
                write("".join(parts))
        ws.previous_row = last_row  # every row up to here is written; later API writes go below

    @staticmethod
    def _string_tail(text: str, cell_format: Any) -> str:
        inline = _inline_text(text)
        preserve = ' xml:space="preserve"' if inline[:1].isspace() or inline[-1:].isspace() else ""
        return f'" s="{cell_format._get_xf_index()}" t="inlineStr"><is><t{preserve}>{inline}</t></is></c>'


def _summary(wb: Any, fm: _Formats, ctx: PackContext, prep: Callable[[str], str]) -> None:
    """The frameworks as a tidy table from A1 (``pandas.read_excel`` reads it as it is), the chart below."""
    fw_table = ctx.table("frameworks")
    ws = write_table(wb, fm, "Summary", fw_table, prep)
    n = len(fw_table.rows)
    if n:
        ws.set_h_pagebreaks([n + 1])  # the chart prints whole on the next page
        chart = wb.add_chart({"type": "bar", "subtype": "stacked"})
        first_count = next(i for i, c in enumerate(fw_table.columns) if c.header == Status.MET.label.capitalize())
        for si, status in enumerate(Status):
            vcol = first_count + si
            chart.add_series({
                "name": ["Summary", 0, vcol],
                "categories": ["Summary", 1, 0, n, 0],
                "values": ["Summary", 1, vcol, n, vcol],
                "fill": {"color": "#" + t.STATUS_FILL[status.label]},
                "border": {"color": "#" + t.STATUS_FONT[status.label]},
            })
        chart.set_title({"name": "Requirements by status per framework"})
        chart.set_x_axis({"name": "Requirements"})
        chart.set_y_axis({"reverse": True})
        chart.set_legend({"position": "bottom"})
        chart.set_size({"width": 760, "height": 120 + 32 * n})
        ws.insert_chart(n + 2, 0, chart)


def _about(wb: Any, fm: _Formats, ctx: PackContext, prep: Callable[[str], str]) -> None:
    """The title block and the run's key figures as an Item / Value table (also in the document properties)."""
    result = ctx.result
    run = result.run
    rows: list[tuple[t.Cell, ...]] = [
        ("Report", "IT service continuity gap matrix"), ("Organisation", run.organisation),
        ("Scope", run.scope or "whole organisation"), ("As of", run.as_of), ("Run id", run.run_id),
        ("Label", run.label), ("Tool version", f"itscm-audit {run.tool_version}"),
        ("Frameworks", ", ".join(run.frameworks)), ("Requirements", len(result.requirements)),
        ("Data-quality issues", len(result.issues)), *t.key_figures(result),
        ("Failing entities", f"at most {FAILING_PER_RULE} per rule here; every one in {FAILING_CSV}"),
    ]
    write_table(wb, fm, "About", t.Table("about", "About", (t.Column("Item", 34), t.Column("Value", 90, "wrap")),
                                         rows), prep)


def _more_failing(rule_id: str, more: int) -> str:
    return f"{more} more failing entities of {rule_id}: every one is listed in {FAILING_CSV}"


SHEETS: tuple[str, ...] = ("crosswalk", "services", "exercises", "corrective_actions", "evidence", "issues",
                           "accounts", "checks", "failing_entities", "objectives", "remediation", "contacts")
"""Sheets after the summary and the per-framework gap matrices, by table key."""


def write_xlsx(ctx: PackContext, path: Path) -> None:
    import xlsxwriter

    result = ctx.result
    redact = ctx.redactor
    prep: Callable[[str], str] = excel_text if redact is None else (lambda s: excel_text(redact(s)))
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {
            "constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False,
            "strings_to_numbers": False, "default_date_format": "yyyy-mm-dd",
        })
        # Fixed document properties keep the file free of the clock (xlsxwriter would stamp "now").
        as_of = result.run.as_of
        stamp = datetime(as_of.year, as_of.month, as_of.day)
        wb.set_properties({"title": f"Gap matrix - {prep(result.run.organisation)}", "created": stamp,
                           "subject": f"IT service continuity gap matrix as of {as_of.isoformat()}",
                           "company": prep(result.run.organisation), "author": "itscm-audit",
                           "keywords": ", ".join(result.run.frameworks),
                           "comments": f"run {result.run.run_id} ({result.run.label}); see the About sheet"})
        fm = _Formats(wb)
        used = {"summary", "about"}
        _summary(wb, fm, ctx, prep)
        _about(wb, fm, ctx, prep)
        requirements = ctx.table("requirements")  # built once, split by framework (its first column)
        for fw in result.run.frameworks:
            rows = [row for row in requirements.rows if row[0] == fw]
            write_table(wb, fm, _sheet_name(f"GM {fw}", used),
                        t.Table("requirements", f"GM {fw}", requirements.columns, rows), prep)
        for key in SHEETS:
            table = (t.failing_table(result, FAILING_PER_RULE, _more_failing) if key == "failing_entities"
                     else ctx.table(key))
            write_table(wb, fm, _sheet_name(table.title, used), table, prep)
        wb.close()
