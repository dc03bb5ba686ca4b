"""``failing-entities.csv``: every failing entity of every rule, beside the workbook that lists only the
first ones of each rule.

One row per failing entity and source row, with the workbook's columns. Text is cleaned and redacted
like the workbook's, and a cell a spreadsheet could run as a formula is prefixed with ``'`` (OWASP CSV
injection guidance), so opening the file in Excel or LibreOffice never evaluates anything.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

from itscm_audit.fsio import atomic_path
from itscm_audit.reporters import tables as t
from itscm_audit.reporters.base import PackContext
from itscm_audit.reporters.safe import clean_text, is_formula_like

FAILING_CSV = "failing-entities.csv"


def write_failing_csv(ctx: PackContext, path: Path) -> None:
    """Streamed row by row (UTF-8 with a byte-order mark, so Excel reads accents right); each distinct
    text (rule ids, files, sheets, repeated messages) is cleaned once."""
    redact = ctx.redactor
    prep: Callable[[str], str] = clean_text if redact is None else (lambda s: clean_text(redact(s)))
    done: dict[str, str] = {}

    def text(value: str) -> str:
        cleaned = prep(value)
        cleaned = done[value] = "'" + cleaned if is_formula_like(cleaned) else cleaned
        return cleaned

    get = done.get
    # only text needs cleaning: the csv module writes None as "", numbers as str() and floats as repr()
    with atomic_path(path) as tmp, tmp.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\r\n")
        writer.writerow([c.header for c in t.FAILING_COLUMNS])
        writer.writerows([(get(v) or text(v)) if type(v) is str else v for v in row]
                         for row in t.failing_rows(ctx.result))
