"""Step 1 of an import: locate the table in a sheet, its header row and the header text of each column.

The first :data:`PREVIEW_ROWS` rows are buffered: title rows and key/value blocks sit above the header.
Two-row headers are read as one: a cell merged down into the header row from a band above takes the
band's text, and a header merged across several columns makes one logical column.
"""

from __future__ import annotations

import re
from typing import Any

from itscm_audit.importers import values as V

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


def sample_below(preview: list[tuple[int, list[Any]]], pos: int) -> list[list[Any]]:
    """The non-blank rows under the header at ``pos`` in the preview (the cells content is judged by)."""
    out = []
    header = [c.strip().casefold() if isinstance(c, str) else c for c in preview[pos][1]]
    for _number, cells in preview[pos + 1:]:
        if [c.strip().casefold() if isinstance(c, str) else c for c in cells] == header:
            continue  # the header repeated: not content
        if any(c not in (None, "") and not (isinstance(c, str) and not c.strip()) for c in cells):
            out.append(cells)
            if len(out) >= SAMPLE_ROWS:
                break
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
