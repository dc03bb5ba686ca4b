"""Property tests over whole tables: whatever a sheet holds (any header the officer may write, placeholders,
impossible values, ambiguous dates, bands, counts, notes, repeated headers, merged cells, every row rejected),
the import returns located issues and a balanced row account, never an exception and never an internal error."""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from itscm_audit.importers import import_files
from itscm_audit.importers.vocabulary import HEADER_SYNONYMS

PROPERTY = settings(deadline=None, derandomize=True, max_examples=60,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
"""The same examples on every run (a shared machine must not make the suite flaky), never timed."""

AS_OF = dt.date(2026, 9, 30)
HEADERS = sorted({synonym for fields in HEADER_SYNONYMS.values() for synonyms in fields.values()
                  for synonym in synonyms[:3]})
"""Headers as officers write them: the first synonyms of every field of every entity."""
ODD_HEADERS = ["Sys #", "No", "Function Ref", "Date Conducted", "Fix by", "Recovered in", "Goal RTO", "Notes",
               "Responsable de la mesure", "État de la mesure", "Criticality (RAG)", "Pager / Alt contact", "",
               "Status Date", "Source (Exercise #)", "Point of Contact", "Impact Rating", "Landline"]
CELLS = ["", "TBD", "n/a", "N/A - vendor", "?", "-", "-48", "−45 min", "2h30", "3h10", "2 h 45", "1,000,000 hrs",
         "06/07/2025", "13/08/2026", "01/20/2026", "31/02/2026", "2031-01-01", "1900-01-01", "Red", "Gold", "P1",
         "Mission critical", "Yes", "✗", "pending", "Complétée", "SVC-01", "SVC-01; Unknown thing", "Core Banking",
         "Total", "5 suppliers listed", "Open items: 4", "--- Band ---", "Note: see below", "Key: A = 1; B = 2",
         "Reviewed by the CIO 2026-10-01", "x" * 300, "\x00bad", "=SUM(A1:A3)", "0", "1e309", "½ journée",
         "Next business day", "15 mars 2026", "12 Nov 2025", "4 hrs", "P1 = critical … P4 = minor"]
NUMBERS = st.one_of(st.integers(min_value=-10**12, max_value=10**12), st.floats(allow_nan=True, allow_infinity=True))
cell = st.one_of(st.sampled_from(CELLS), NUMBERS, st.text(max_size=20), st.just(dt.datetime(2026, 3, 1)))
header = st.one_of(st.sampled_from(HEADERS), st.sampled_from(ODD_HEADERS), st.text(max_size=15))


def _check(path: Path) -> None:
    result = import_files([path], None, as_of=AS_OF)
    assert not [i for i in result.issues if i.code.endswith("internal_error")], result.issues
    for account in result.accounts:
        assert account.rows_read == account.imported + account.rejected + account.skipped, account
    assert all(i.source.file for i in result.issues)


@PROPERTY
@given(st.lists(header, min_size=1, max_size=9), st.lists(st.lists(cell, max_size=10), max_size=12),
       st.integers(min_value=0, max_value=3))
def test_any_csv_table_imports_to_located_issues_and_a_balanced_account(
        headers: list[str], rows: list[list[Any]], above: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.csv"
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            for _ in range(above):
                writer.writerow(["Register of something"])
            writer.writerow(headers)
            for row in rows:
                writer.writerow(["" if isinstance(v, float) and v != v else v for v in row])
        _check(path)


@settings(deadline=None, derandomize=True, max_examples=25,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.lists(header, min_size=2, max_size=8), st.lists(st.lists(cell, max_size=8), max_size=8),
       st.lists(st.tuples(st.integers(1, 10), st.integers(1, 8), st.integers(0, 2), st.integers(0, 3)), max_size=4))
def test_any_workbook_with_merged_cells_imports_to_located_issues(
        headers: list[str], rows: list[list[Any]], merges: list[tuple[int, int, int, int]]) -> None:
    def fit(value: Any) -> Any:
        """What a workbook can hold: no NaN or infinity, no control characters."""
        if isinstance(value, float) and (value != value or abs(value) == float("inf")):
            return None
        return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value

    wb = Workbook()
    ws = wb.active
    ws.append(["Group", None, "Other group"])
    ws.append([fit(h) for h in headers])
    for row in rows:
        ws.append([fit(v) for v in row])
    taken: set[tuple[int, int]] = set()
    for r, c, down, across in merges:
        cells = {(r + i, c + j) for i in range(down + 1) for j in range(across + 1)}
        if cells & taken or down + across == 0:
            continue
        taken |= cells
        ws.merge_cells(start_row=r, start_column=c, end_row=r + down, end_column=c + across)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "register.xlsx"
        wb.save(path)
        _check(path)
