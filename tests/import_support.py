"""Helpers shared by the import tests: import at a fixed as-of, list located issues, check row accounting."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from itscm_audit.importers import ImportResult, import_files

AS_OF = dt.date(2026, 9, 30)
H = dt.timedelta(hours=1)


def import_at_as_of(*paths: Path) -> ImportResult:
    return import_files(list(paths), None, as_of=AS_OF)


def located(result: ImportResult, code: str) -> list[tuple[int | None, str | None, str | None]]:
    """(row, column, raw text) of every issue with ``code``."""
    return [(i.source.row, i.source.column, i.source.value) for i in result.issues if i.code == code]


def accounts(result: ImportResult) -> dict[str | None, tuple[int, int, int, int]]:
    """Per sheet: rows read, imported, rejected, skipped; and read = imported + rejected + skipped."""
    out = {}
    for a in result.accounts:
        assert a.rows_read == a.imported + a.rejected + a.skipped, a
        out[a.sheet] = (a.rows_read, a.imported, a.rejected, a.skipped)
    return out
