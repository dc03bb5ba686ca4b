"""Step 4a of an import: read the cells of a row, one compiled function per table.

Each mapped column gets a reader (its parser, its cache by raw text, the "not given" check) and the
row function unrolls the columns into straight-line code: a large sheet spends most of its import
time here. Values that need the table loop's attention come back beside the record.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeAlias

from itscm_audit.importers import values as V
from itscm_audit.importers.vocabulary import EXTRA_BLANKS, NULL_MARKERS, PLACEHOLDER_PATTERN, normalise_value
from itscm_audit.model import ActionStatus, BackupStatus, ExerciseResult, ExerciseType, value_text

_MISS = object()


@dataclass(frozen=True, slots=True)
class Cleaned:
    """A cell value read after removing control characters; the row loop reports the removal."""

    value: Any
    text: str


NULL = object()
"""What a cell reader returns for an empty cell."""



def cell_reader(parse: V.Parser, memo: bool, vocabulary: frozenset[str] = frozenset(),
                same: set[str] | None = None) -> tuple[Callable[[Any], Any], dict[Any, Any] | None]:
    """One column's reader and, for typed columns, its cache by raw text.

    The reader never raises: it returns the typed value, ``NULL`` (empty), a
    :class:`~itscm_audit.importers.values.NotGiven`, a :class:`~itscm_audit.importers.values.Guess`, a
    :class:`~itscm_audit.importers.values.ValueProblem`, or a :class:`Cleaned` wrapper when control
    characters were removed. Real columns repeat the same few words, durations and dates, so the cache
    turns most cells into one dictionary look-up; free text is not cached. Words of the column's own
    vocabulary (``Pending`` as an action status) are values, never "not given". Texts that say exactly
    what they are read as ("Success", "No", "SVC-01") go into ``same``: the record need not keep them.
    """
    control = V.CONTROL_CHARS
    cache: dict[Any, Any] | None = {} if memo else None
    plain = getattr(parse, "plain_text", None)

    def value_of(raw: Any) -> Any:
        if type(raw) is str:
            stripped = raw.strip()
            if not stripped:
                return NULL
            if control.search(raw):
                cleaned = control.sub("", raw)
                return Cleaned(value_of(cleaned) if cleaned.strip() else NULL, cleaned)
            if not vocabulary or normalise_value(stripped) not in vocabulary:
                gap = V.not_given(stripped)
                if gap is not None:
                    return gap
        try:
            return parse(raw)
        except V.ValueProblem as problem:
            return problem

    def read(raw: Any) -> Any:
        result = value_of(raw)
        # numbers are cached too (RTO 4.0, RPO 24.0), but not 0.0: -0.0 equals it and would be
        # reported with the other's text
        if cache is not None and (type(raw) is str or (type(raw) is float and raw)) and len(cache) < 20_000:
            cache[raw] = result
            if same is not None and type(raw) is str and type(result) in _PLAIN_TYPES and _says_itself(raw, result):
                same.add(raw)
        return result

    if plain is not None and cache is None:
        return value_of, None
    return read, cache


def _says_itself(raw: str, value: Any) -> bool:
    """"Success" read as success, "SVC-01" as ("SVC-01",): nothing was interpreted."""
    return " ".join(raw.split()).casefold() == value_text(value).replace("_", " ").casefold()


@dataclass(frozen=True)
class ColumnReader:
    """One mapped column as the row function reads it."""

    index: int
    field: str
    header: str
    read: Callable[[Any], Any]
    cache: dict[Any, Any] | None
    what: str
    """Parser kind (``date``, ``duration``, ``text``...): decides the inline fast path."""
    low: Any = None
    high: Any = None
    """Bounds of a date column, checked on the fast path too (values outside go through the parser,
    which reports them)."""
    same: set[str] | None = None
    """Texts that say exactly what they are read as: not kept in the record's ``raw``."""


RowFields: TypeAlias = Callable[
    [list[Any], int], tuple[dict[str, Any], dict[str, str], dict[str, str], list[tuple[int, Any]] | None]]


def row_function(columns: list[ColumnReader], extras: list[tuple[int, str]],
                 template: dict[str, Any] | None = None) -> RowFields:
    """Compile the per-row work for one table into a single function, one block per column.

    A large sheet spends most of its import time here; unrolling the columns (with their indexes and
    caches bound as constants) cuts the Python overhead per cell. Values that need the row loop's
    attention (problems, "not given", judged values, ambiguous dates, cleaned text) come back as
    ``(position, value)``; positions from ``len(columns)`` on are the extra (unmapped) columns. The raw
    text of every interpreted value is kept (``raw``), except dates already written as dates. The record
    starts as a copy of ``template`` (every field of the model with its default, in the model's order), so
    a field left at ``None`` was not given a value.
    """
    env: dict[str, Any] = {"NULL": NULL, "MISS": _MISS, "PLAIN": _PLAIN_TYPES, "DATETIME": dt.datetime,
                           "DATE": dt.date, "EXTRA": extra_text, "FROMISO": dt.datetime.fromisoformat,
                           "NULLS": NULL_MARKERS, "CONTROL": V.CONTROL_CHARS.search, "TXT": _NumberText(),
                           "NG1": V.NOT_GIVEN_FIRST, "NG2": V.NOT_GIVEN_PAIRS,
                           "TEMPLATE": template if template is not None else {}}
    lines = ["def fields(cells, width):", "    record = TEMPLATE.copy()", "    extra = {}", "    rawd = {}",
             "    attention = None"]
    for position, column in enumerate(columns):
        index, field_name, what = column.index, column.field, column.what
        env[f"R{position}"] = column.read
        lines += [f"    if width > {index}:",
                  f"        raw = cells[{index}]",
                  "        if raw is not None and raw != '':"]
        store_raw = ""
        if what in ("date", "datetime"):
            env[f"LO{position}"], env[f"HI{position}"] = column.low, column.high
            # years compare faster than dates: the precise check only runs in a boundary year
            low_year = column.low.year if column.low is not None else 1
            high_year = column.high.year if column.high is not None else 9999
            bounds = (f"not {low_year} < value.year < {high_year} and (value < LO{position} or "
                      f"value > HI{position})") if column.low is not None and column.high is not None else "False"
            # real Excel dates and ISO 8601 text need no lookup; the rest goes through the reader
            lines += ["            kind = type(raw)",
                      "            if kind is DATETIME:",
                      f"                value = raw{'.date()' if what == 'date' else ''}",
                      f"                if {bounds}:",
                      f"                    value = R{position}(raw)",
                      "            elif kind is DATE:"]
            if what == "date":
                lines += ["                value = raw",
                          f"                if {bounds}:",
                          f"                    value = R{position}(raw)"]
            else:
                lines += [f"                value = R{position}(raw)"]
            lines += ["            elif kind is str and len(raw) >= 10 and raw[4] == '-' and raw[7] == '-':",
                      "                try:",
                      "                    value = FROMISO(raw)",
                      "                except ValueError:",
                      f"                    value = R{position}(raw)",
                      f"                    rawd[{field_name!r}] = raw",
                      "                else:",
                      "                    if value.tzinfo is not None:",
                      f"                        value = R{position}(raw)",
                      f"                        rawd[{field_name!r}] = raw",
                      "                    else:",
                      f"                        {'value = value.date()' if what == 'date' else 'pass'}",
                      f"                        if {bounds}:",
                      f"                            value = R{position}(raw)",
                      "            else:",
                      f"                value = C{position}(raw, MISS) if kind is str or kind is float else MISS",
                      "                if value is MISS:",
                      f"                    value = R{position}(raw)",
                      f"                rawd[{field_name!r}] = raw if kind is str else TXT[raw]"]
            env[f"C{position}"] = (column.cache if column.cache is not None else {}).get
        elif what in ("text", "id") and column.cache is None:
            # clean text goes straight in; anything unusual (empty, a text that may say "not given", a
            # placeholder, line breaks, control characters, not a string) takes the reader's full path
            collapse = ('                if "  " in value or "\\t" in value:\n'
                        '                    value = " ".join(value.split())') if what == "id" else ""
            # (identifiers only check the exact null words: a row without one is not a record anyway)
            maybe_empty = ("(len(value) < 32 and value.casefold() in NULLS)" if what == "id" else
                           "value[:1] in NG1 or value[:2].casefold() in NG2")
            lines += ["            if type(raw) is str:",
                      "                value = raw.strip()",
                      f"                if (not value or {maybe_empty}"
                      " or (not value.isprintable() and ('\\n' in value or CONTROL(value)))):",
                      f"                    value = R{position}(raw)"]
            if collapse:
                lines += ["                else:", *["    " + line for line in collapse.split("\n")]]
            lines += ["            else:",
                      f"                value = R{position}(raw)"]
        else:
            env[f"C{position}"] = (column.cache if column.cache is not None else {}).get
            lines += [f"            value = C{position}(raw, MISS) if type(raw) is str or type(raw) is float else MISS",
                      "            if value is MISS:",
                      f"                value = R{position}(raw)"]
            if column.same is not None:
                env[f"S{position}"] = column.same
                store_raw = (f"                    if type(raw) is not str:\n"
                             f"                        rawd[{field_name!r}] = TXT[raw]\n"
                             f"                    elif raw not in S{position}:\n"
                             f"                        rawd[{field_name!r}] = raw")
            else:
                store_raw = f"                    rawd[{field_name!r}] = raw if type(raw) is str else TXT[raw]"
        lines += ["            if value is not NULL:",
                  "                if type(value) in PLAIN:",
                  f"                    record[{field_name!r}] = value"]
        if store_raw:
            lines.extend(store_raw.split("\n"))
        lines += ["                else:",
                  "                    if attention is None:",
                  "                        attention = []",
                  f"                    attention.append(({position}, value))"]
    for offset, (index, header) in enumerate(extras):
        position = len(columns) + offset
        lines += [f"    if width > {index}:",
                  f"        raw = cells[{index}]",
                  "        if raw is not None and raw != '':",
                  "            value = EXTRA(raw)",
                  "            if value is not NULL:",
                  "                if type(value) is str:",
                  f"                    extra[{header!r}] = value",
                  "                else:",
                  "                    if attention is None:",
                  "                        attention = []",
                  f"                    attention.append(({position}, value))"]
    lines.append("    return record, extra, rawd, attention")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<itscm-audit row reader>", "exec"), env, namespace)
    function: RowFields = namespace["fields"]
    return function


class _NumberText(dict[Any, str]):
    """The text of a number cell, remembered (an RTO column repeats the same few numbers)."""

    def __missing__(self, key: Any) -> str:
        shown = V.text(key)
        if len(self) < 10_000 and key == key:  # NaN never equals itself: not remembered
            self[key] = shown
        return shown


def extra_text(raw: Any) -> Any:
    """An unmapped column's cell as text (kept in ``extra``), ``NULL`` or :class:`Cleaned`."""
    if type(raw) is str:
        stripped = raw.strip()
        if not stripped or (len(stripped) < 32 and stripped.casefold() in EXTRA_BLANKS) or (
                stripped[0] in "<[" and PLACEHOLDER_PATTERN.match(stripped)):
            return NULL
        if V.CONTROL_CHARS.search(stripped):
            cleaned = V.CONTROL_CHARS.sub("", stripped)
            return Cleaned(cleaned, cleaned)
        return stripped
    return V.text(raw)


_PLAIN_TYPES = frozenset({str, int, float, bool, tuple, dt.date, dt.datetime, dt.timedelta, ExerciseType,
                          ExerciseResult, ActionStatus, BackupStatus})
"""Types a cell reader returns that go straight into the record (anything else needs attention)."""


def fill_down(cells: list[Any], row0: int, fill: dict[int, list[tuple[int, int, int]]],
              origin: dict[tuple[int, int], Any], origin_rows: set[int]) -> list[Any]:
    """Give each cell of a vertically merged block the value written in its first row."""
    if row0 in origin_rows:
        for c in range(len(cells)):
            origin[(row0, c)] = cells[c]
    if row0 not in fill:
        return cells
    cells = list(cells)
    for c0, c1, r0 in fill[row0]:
        for c in range(c0, c1 + 1):
            if c < len(cells) and (cells[c] == "" or cells[c] is None):
                cells[c] = origin.get((r0, c), "")
    return cells


def join_continuations(cells: list[Any], continuation: dict[int, list[int]]) -> list[Any]:
    """One logical column spread over several physical ones (under a merged header): one value per line."""
    cells = list(cells)
    width = len(cells)
    for index, others in continuation.items():
        if index >= width:
            continue
        parts = [V.text(cells[i]) for i in [index, *others] if i < width]
        cells[index] = "\n".join(p for p in parts if p and not V.is_null(p))
    return cells
