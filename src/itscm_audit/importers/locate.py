"""Step 1 of an import: locate the table in a sheet, its header row and the header text of each column.

The first :data:`PREVIEW_ROWS` rows are buffered: title rows and key/value blocks sit above the header.
Two-row headers are read as one: a cell merged down into the header row from a band above takes the
band's text; a group header over sub-headers ("Primary contact" over Name / Phone, "Objectifs de
reprise" over DMIA / DMT / PDMA) gives each column its own header, read with its group and cited as
written ("DMT"), or as "Primary / Name" when the sub-header repeats under another group; a header
merged across several columns with nothing under it makes one logical column.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from itscm_audit.importers import values as V
from itscm_audit.importers.words import says_header_words

PREVIEW_ROWS = 40
"""Rows buffered to find the header: title rows and key/value blocks sit above it."""
SAMPLE_ROWS = 30
"""Rows under a candidate header whose cells are read to judge which entity and fields fit."""

GUIDANCE_HEADER = re.compile(r"^\s*(delete|remove|guidance|instructions?|note to|do not)\b", re.IGNORECASE)
"""A template's guidance column ("DELETE COLUMN A AND ROWS 3-12 BEFORE SUBMITTING")."""
DELETE_ROWS = re.compile(r"\brows?\s+(\d+)\s*(?:-|–|to|through)\s*(\d+)", re.IGNORECASE)

Merge = tuple[int, int, int, int]
"""A merged range as 0-based (first row, first column, last row, last column)."""


def header_texts(row: list[Any], row_index0: int, merges: list[Merge],
                 above: list[Any] | None) -> tuple[list[str], dict[int, int]]:
    """Header text per column, using a band above for cells merged into it; continuation columns."""
    texts = [V.text(v).replace("\n", " ").strip() if v is not None else "" for v in row]
    continues: dict[int, int] = {}
    for r0, c0, r1, c1 in merges:
        if not r0 <= row_index0 <= r1:
            continue
        if r0 < row_index0 and above is not None:
            # a cell merged down into the header row (e.g. a guidance column A1:A2): take the text above
            for c in range(c0, min(c1 + 1, len(texts))):
                if not texts[c] and c < len(above):
                    texts[c] = V.text(above[c]).replace("\n", " ").strip()
        if c1 > c0 and r0 == row_index0:
            for c in range(c0 + 1, min(c1 + 1, len(texts))):
                if not texts[c]:
                    continues[c] = c0
    return texts, continues


@dataclass(frozen=True)
class Header:
    """The header of a table as the officer reads it, on one row or two."""

    position: int
    """Position in the preview of the header's last row: the rows below it are the table's."""
    texts: list[str]
    """Per column, the header as it is cited ("RTO (hrs)", "DMT", "Primary / Name")."""
    continues: dict[int, int] = field(default_factory=dict)
    """Columns that continue another one under a merged header (one logical column)."""
    groups: dict[int, tuple[str, str]] = field(default_factory=dict)
    """Columns under a group header: (group header, sub-header), each of which may name the field."""
    first: int | None = None
    """Position in the preview of the header's first row, when the header takes two rows."""


GROUP_JOIN = " / "
"""How a group header and its sub-header are cited together: ``Primary / Name``."""
_MAX_SUB_HEADER = 60


def read_header(preview: list[tuple[int, list[Any]]], pos: int, merges: list[Merge],
                names_a_field: Callable[[str, str], bool],
                names_alone: Callable[[str], bool] | None = None) -> Header:
    """The header at ``pos``: with the sub-headers of the row below it, or under the group headers of the
    row above it, when the two rows form one header; else the row alone (see :func:`header_texts`).

    ``names_a_field(group, sub)`` says whether a column's group and sub-header name a field of the table's
    entity: the two rows are one header only when one of them does (a first record with values only
    under a merged header is not a row of sub-headers)."""
    number, row = preview[pos]
    below = preview[pos + 1][1] if pos + 1 < len(preview) and preview[pos + 1][0] == number + 1 else None
    if below is not None:
        spans = _group_spans(row, below, number - 1, merges, unmerged=True)
        header = _two_rows(row, below, number - 1, merges, spans, pos) if spans else None
        if header is not None and any(names_a_field(*pair) for pair in header.groups.values()):
            return header
    above = row_above(preview, pos)
    if above is not None:
        spans = _group_spans(above, row, number - 2, merges, unmerged=False)
        header = _two_rows(above, row, number - 2, merges, spans, pos - 1) if spans else None
        if header is not None and any(names_a_field(*pair) for pair in header.groups.values()):
            return header
    if below is not None and names_alone is not None:
        stacked = _stacked(row, below, pos, names_alone)
        if stacked is not None:
            return stacked
    texts, continues = header_texts(row, number - 1, merges, above)
    return Header(pos, texts, continues)


def _stacked(upper: list[Any], lower: list[Any], first: int, names_alone: Callable[[str], bool]) -> Header | None:
    """A header written over two rows without merging ("Business" over "owner", "Maximum tolerable" over
    "downtime"): the second row is short words under the first's, and the two read together name at
    least two more fields than the first row alone. Each column is cited as the two joined."""
    width = max(len(upper), len(lower))
    up = [_cell_text(upper[c]) if c < len(upper) else "" for c in range(width)]
    low = [_cell_text(lower[c]) if c < len(lower) else "" for c in range(width)]
    if sum(1 for t in low if t) < 2 or any(
            t and (not up[c] or len(t.split()) > 4 or any(ch.isdigit() for ch in t)) for c, t in enumerate(low)):
        return None
    joined = [f"{up[c]} {low[c]}" if low[c] else up[c] for c in range(width)]
    alone = sum(1 for t in up if t and names_alone(t))
    together = sum(1 for t in joined if t and names_alone(t))
    # the second row adds two fields, or one when all its words are header words ("owner", "objective")
    if together < alone + 2 and not (together > alone and all(says_header_words(t) for t in low if t)):
        return None
    return Header(first + 1, joined, {}, {}, first)


def _cell_text(value: Any) -> str:
    return V.text(value).replace("\n", " ").strip() if value is not None else ""


def _group_spans(upper: list[Any], lower: list[Any], upper0: int, merges: list[Merge],
                 unmerged: bool) -> dict[int, int]:
    """Group headers of ``upper`` (first column -> last column) when ``lower`` holds their sub-headers;
    empty when the two rows are not one header.

    A group is a cell merged across columns of ``upper`` (or, when ``unmerged``, a cell followed by
    blank header cells under which ``lower`` has text, as a CSV export writes it). ``lower`` is a row of
    sub-headers when all its cells are short texts, each under a group or under a blank of ``upper``,
    and one group has at least two; ``upper`` must hold more than one header (a title is not a group).
    """
    width = max(len(upper), len(lower))
    up = [_cell_text(upper[c]) if c < len(upper) else "" for c in range(width)]
    low: list[str] = []
    for c in range(width):
        value = lower[c] if c < len(lower) else ""
        if value is not None and not isinstance(value, str):
            return {}  # a number or a date: a row of data, not of sub-headers
        text = _cell_text(value)
        if len(text) > _MAX_SUB_HEADER or (text and not any(ch.isalpha() for ch in text)):
            return {}
        low.append(text)
    if sum(1 for t in up if t) < 2:
        return {}
    spans: dict[int, int] = {}
    merged_cols: set[int] = set()
    for r0, c0, r1, c1 in merges:
        if r0 <= upper0 <= r1 and c0 < width:
            merged_cols.update(range(c0, min(c1, width - 1) + 1))
            if r0 == r1 == upper0 and c1 > c0 and up[c0]:
                spans[c0] = min(c1, width - 1)
    if unmerged:
        for c in range(width):
            if up[c] and c not in merged_cols and low[c]:
                end = c
                while end + 1 < width and not up[end + 1] and low[end + 1] and end + 1 not in merged_cols:
                    end += 1
                if end > c:
                    spans[c] = end
    if not spans:
        return {}
    inside = {c for start, end in spans.items() for c in range(start, end + 1)}
    if any(up[c] and low[c] for c in range(width) if c not in inside):
        return {}  # a column with a header and a value under it: the row below is data
    if not any(sum(1 for c in range(start, end + 1) if low[c]) >= 2 for start, end in spans.items()):
        return {}
    if len(spans) == 1 and not any(up[c] or low[c] for c in range(width) if c not in inside):
        return {}  # one cell over the whole table: a title, not a group
    return spans


def _two_rows(upper: list[Any], lower: list[Any], upper0: int, merges: list[Merge], spans: dict[int, int],
              first: int) -> Header:
    """The header of two rows: "Group / Sub" under each group, the one text elsewhere."""
    width = max(len(upper), len(lower))
    up = [_cell_text(upper[c]) if c < len(upper) else "" for c in range(width)]
    low = [_cell_text(lower[c]) if c < len(lower) else "" for c in range(width)]
    lower_merges = {c: c0 for r0, c0, _r1, c1 in merges if r0 == upper0 + 1 and c1 > c0
                    for c in range(c0 + 1, min(c1, width - 1) + 1)}
    texts = [up[c] or low[c] for c in range(width)]
    continues: dict[int, int] = {}
    groups: dict[int, tuple[str, str]] = {}
    repeated = Counter(" ".join(t.split()).casefold() for t in low if t)
    for start, end in spans.items():
        group = up[start]
        for c in range(start, end + 1):
            if low[c]:
                # a sub-header is cited as written, with its group when it is not unique ("Name" twice)
                once = repeated[" ".join(low[c].split()).casefold()] == 1
                texts[c] = low[c] if once else f"{group}{GROUP_JOIN}{low[c]}"
                groups[c] = (group, low[c])
            elif c in lower_merges:
                texts[c] = ""
                continues[c] = lower_merges[c]
            else:
                texts[c] = group
    for c, c0 in lower_merges.items():
        if not low[c] and c not in continues and not up[c]:
            continues[c] = c0
    return Header(first + 1, texts, continues, groups, first)


def sample_below(preview: list[tuple[int, list[Any]]], pos: int) -> list[list[Any]]:
    """The non-blank rows under the header at ``pos`` in the preview (the cells content is judged by)."""
    out: list[list[Any]] = []
    header = [c.strip().casefold() if isinstance(c, str) else c for c in preview[pos][1]]
    last = preview[pos][0]
    for number, cells in preview[pos + 1:]:
        if [c.strip().casefold() if isinstance(c, str) else c for c in cells] == header:
            continue  # the header repeated: not content
        if any(c not in (None, "") and not (isinstance(c, str) and not c.strip()) for c in cells):
            if len(out) >= 2 and number > last + 1:
                break  # after a gap of blank rows: a footer or another table, not this table's content
            out.append(cells)
            last = number
            if len(out) >= SAMPLE_ROWS:
                break
        elif len(out) >= 2:
            break  # a blank row after two or more records: the content judged is the table's own
    return out


def row_above(preview: list[tuple[int, list[Any]]], pos: int) -> list[Any] | None:
    """The row right above the header, when it is in the preview (for cells merged down into the header)."""
    number = preview[pos][0]
    return preview[pos - 1][1] if pos > 0 and preview[pos - 1][0] == number - 1 else None


def horizontal_merges(merges: list[Merge], header0: int) -> dict[int, int]:
    """Rows below the header with a cell merged across several columns: 1-based row -> columns spanned."""
    out: dict[int, int] = {}
    for r0, c0, r1, c1 in merges:
        if r0 > header0 and c1 > c0:
            for r in range(r0, min(r1, r0 + 50) + 1):
                out[r + 1] = max(out.get(r + 1, 0), c1 - c0 + 1)
    return out
