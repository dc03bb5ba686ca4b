"""The import engine: locate each table, map its columns, parse its rows into located records.

Per sheet: buffer the first rows, find the header row and the entity by header match score (or
use the saved profile), then stream the remaining rows once. Every row read is accounted for:
imported, rejected (a required value missing or unreadable, a duplicate id) or skipped (blank,
template, example, description row), each with a located :class:`DataIssue`. Rows after the last
row that has an identifier are the template's pre-filled tail and are not part of the table.
"""

from __future__ import annotations

import datetime as dt
import difflib
import gc
import inspect
import itertools
import re
from collections import deque
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, TypeAlias

from itscm_audit.errors import SourceError
from itscm_audit.importers import values as V
from itscm_audit.importers.profiles import Profile, ProfileColumn, ProfileTable, load_profile, merge_profile
from itscm_audit.importers.readers import OpenedSource, SheetRows, open_source
from itscm_audit.importers.vocabulary import (
    ENTITY_ALIASES,
    FALLBACKS,
    GENERIC_HEADERS,
    HEADER_SYNONYMS,
    KEY_FIELDS,
    NAME_HINTS,
    NULL_MARKERS,
    PLACEHOLDER_PATTERN,
    REQUIRED,
    UNIQUE_ID,
    merged_vocabularies,
    normalise_header,
)
from itscm_audit.model import (
    ENTITY_FIELD,
    ENTITY_MODEL,
    ActionStatus,
    BackupStatus,
    DataIssue,
    EntityKind,
    ExerciseResult,
    ExerciseType,
    OrgData,
    Record,
    Severity,
    SourceRef,
)
from itscm_audit.result import TableAccount

PREVIEW_ROWS = 40
"""Rows buffered to find the header: title rows and key/value blocks sit above it."""
MIN_CONFIDENCE = 0.78
"""Below this, a fuzzy header match is not trusted and the column is kept as an extra attribute."""
CONFIRM_BELOW = 0.95
"""Fuzzy matches below this are listed as issues so the officer confirms them (then saves a profile)."""

_TYPE_HINTS = frozenset({
    "text", "date", "number", "numeric", "integer", "decimal", "identifier", "unique identifier", "yes no",
    "yes or no", "control number", "mandatory", "optional", "required", "string", "boolean", "free text",
    "guidance", "valid values", "mandatory or optional", "date time", "datetime", "list", "email",
})


_GUIDANCE_HEADER = re.compile(r"^\s*(delete|remove|guidance|instructions?|note to|do not)\b", re.IGNORECASE)
_DELETE_ROWS = re.compile(r"\brows?\s+(\d+)\s*(?:-|–|to|through)\s*(\d+)", re.IGNORECASE)


def column_letter(index: int) -> str:
    """0 -> ``A``, 27 -> ``AB``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number - 1


@dataclass(frozen=True)
class ColumnMapping:
    """One physical column: header text, the field it feeds (``None``: kept as extra), confidence."""

    index: int
    header: str
    field: str | None
    confidence: float
    continues: int | None = None
    """Index of the column this one continues (a logical column spread under a merged header)."""

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class TableMapping:
    """What the importer understood of one sheet; shown by ``itscm-audit import``."""

    file: str
    sheet: str | None
    entity: EntityKind
    header_row: int
    columns: tuple[ColumnMapping, ...]
    from_profile: bool = False

    def to_profile_table(self) -> ProfileTable:
        return ProfileTable(
            sheet=self.sheet, entity=self.entity.value, header_row=self.header_row,
            columns=tuple(ProfileColumn(column=c.letter, header=c.header, field=c.field,
                                        continues=None if c.continues is None else column_letter(c.continues))
                          for c in self.columns),
        )


@dataclass(frozen=True)
class ImportResult:
    """Everything imported from the sources: records, located issues, row accounting, file digests."""

    data: OrgData
    issues: tuple[DataIssue, ...]
    accounts: tuple[TableAccount, ...]
    digests: dict[str, str]
    """SHA-256 of every file read, keyed by workspace-relative path with forward slashes, in reading order."""
    mappings: tuple[TableMapping, ...] = ()
    """How each table was understood (entity, header row, column mapping with confidence)."""


@dataclass
class _Context:
    """Settings shared by every table of one import run."""

    vocab: dict[str, dict[str, str]]
    date_order: str
    workspace: Path | None
    use_profiles: bool
    save_profiles: str
    """``never``, ``new`` (save when none exists) or ``always`` (a confirmed import overwrites)."""
    records: dict[EntityKind, list[Record]] = field(default_factory=dict)
    issues: list[DataIssue] = field(default_factory=list)
    accounts: list[TableAccount] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)
    mappings: list[TableMapping] = field(default_factory=list)
    seen_ids: dict[EntityKind, dict[str, int]] = field(default_factory=dict)

    def issue(self, code: str, message: str, source: SourceRef, severity: Severity = Severity.WARNING) -> None:
        self.issues.append(DataIssue.model_construct(code=code, message=message, severity=severity,
                                                     source=source))


def _ref(file: str, sheet: str | None = None, row: int | None = None, column: str | None = None,
         value: str | None = None) -> SourceRef:
    return SourceRef.model_construct(file=file, sheet=sheet, row=row, column=column, value=value)


# --- header location and column mapping -----------------------------------------------------------------

_REVERSE: dict[EntityKind, dict[str, str]] = {
    kind: {syn: fld for fld, syns in fields.items() for syn in reversed(syns)}
    for kind, fields in HEADER_SYNONYMS.items()
}
# the first synonym of a field wins a shared word ("id" belongs to whatever lists it as its own id)
for _kind, _fields in HEADER_SYNONYMS.items():
    for _fld, _syns in _fields.items():
        _REVERSE[_kind].setdefault(_syns[0], _fld)


_HINTS = {kind: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)
          for kind, words in NAME_HINTS.items()}


_WORD_FORMS = {"identifier": "id", "ident": "id", "reference": "ref", "number": "no", "nr": "no", "num": "no"}


def _canonical_words(normalised: str) -> str:
    """``recovery time objectives`` -> ``recovery time objective``; ``service identifier`` -> ``service id``."""
    words = []
    for word in normalised.split():
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        words.append(_WORD_FORMS.get(word, word))
    return " ".join(words)


def _exact_field(kind: EntityKind, normalised: str) -> str | None:
    """The field whose synonym this header is, allowing a unit word, a plural or a spelled-out "identifier"."""
    reverse = _REVERSE[kind]
    found = reverse.get(normalised)
    if found is None and normalised.endswith((" hrs", " hours", " minutes", " days")):
        found = reverse.get(normalised.rsplit(" ", 1)[0])
    if found is None:
        canonical = _canonical_words(normalised)
        if canonical != normalised:
            found = reverse.get(canonical)
    return found


def _fuzzy_field(kind: EntityKind, normalised: str) -> tuple[str | None, float]:
    """Best field for a header by exact synonym, token set, containment or similarity ratio."""
    if not normalised:
        return None, 0.0
    exact = _exact_field(kind, normalised)
    if exact is not None:
        return exact, 1.0
    tokens = set(normalised.split())
    best: tuple[str | None, float] = (None, 0.0)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(normalised)
    for synonym, fld in _REVERSE[kind].items():
        syn_tokens = set(synonym.split())
        if syn_tokens == tokens:
            score = 0.97
        elif (len(synonym) >= 4 and synonym not in GENERIC_HEADERS and syn_tokens <= tokens
              and len(tokens) <= 2 * len(syn_tokens)):
            score = 0.8 + 0.1 * len(syn_tokens) / len(tokens)
        else:
            matcher.set_seq1(synonym)
            if matcher.real_quick_ratio() < best[1] or matcher.quick_ratio() < best[1]:
                continue
            score = matcher.ratio() * 0.95
        if score > best[1]:
            best = (fld, score)
    return best


def _header_texts(row: list[Any], row_index0: int, merges: list[tuple[int, int, int, int]],
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


def _detect(preview: list[tuple[int, list[Any]]], merges: list[tuple[int, int, int, int]],
            override: EntityKind | None, sheet_hint: str, file_hint: str) -> tuple[int, EntityKind, float] | None:
    """The (position in preview, entity, score) of the best header row, or ``None``."""
    kinds = [override] if override is not None else list(HEADER_SYNONYMS)
    best: tuple[float, int, EntityKind] | None = None
    sheet_hint, file_hint = sheet_hint.casefold(), file_hint.casefold()
    for pos, (_number, row) in enumerate(preview):
        normalised = [normalise_header(V.text(v)) for v in row if isinstance(v, str) and v.strip()]
        if len(normalised) < (1 if override else 2):
            continue
        for kind in kinds:
            matched = {f for f in (_exact_field(kind, n) for n in normalised) if f is not None}
            if not matched:
                continue
            has_key = any(k in matched for k in KEY_FIELDS[kind]) or any(
                f in matched for f in FALLBACKS.get(kind, {}).values())
            if not has_key or len(matched) < (1 if override else 2):
                continue
            specific = {f for f in (_exact_field(kind, n) for n in normalised if n not in GENERIC_HEADERS)
                        if f is not None}
            score = len(specific) + 0.5 * len(matched - specific)
            if _HINTS[kind].search(sheet_hint):
                score += 1.0
            if _HINTS[kind].search(file_hint):
                score += 0.5
            if score < (1.0 if override else 2.0):
                continue
            score += min(len(normalised), 30) * 0.02  # a real header is wider than a key/value block
            if best is None or score > best[0]:
                best = (score, pos, kind)
    if best is None:
        return None
    return best[1], best[2], best[0]


def _compatible(kind: EntityKind, fld: str, normalised: str) -> bool:
    """A fuzzy match must not cross kinds: "Status Date" is a date, not a status."""
    what = V.field_kind(ENTITY_MODEL[kind].model_fields[fld].annotation)
    words = set(normalised.split())
    if words & {"date", "when", "time", "timestamp"} and what not in ("date", "datetime", "duration"):
        return False
    return not (what in ("date", "datetime") and not words & {"date", "on", "at", "when", "day", "time",
                                                               "completed", "opened", "closed", "raised",
                                                               "reviewed", "approved", "verified", "due"})


def _map_columns(kind: EntityKind, texts: list[str], continues: dict[int, int]) -> tuple[ColumnMapping, ...]:
    """Assign each field to at most one column, best confidence first; the rest are extras."""
    candidates: list[tuple[float, int, str]] = []
    for index, header in enumerate(texts):
        if not header or index in continues:
            continue
        normalised = normalise_header(header)
        fld, score = _fuzzy_field(kind, normalised)
        if fld is not None and score < 1.0 and not _compatible(kind, fld, normalised):
            continue
        if fld is not None and score >= MIN_CONFIDENCE:
            candidates.append((score, index, fld))
    candidates.sort(key=lambda c: (-c[0], c[1]))
    taken: dict[int, tuple[str, float]] = {}
    used: set[str] = set()
    for score, index, fld in candidates:
        if fld in used or index in taken:
            continue
        taken[index] = (fld, score)
        used.add(fld)
    columns = []
    for index, header in enumerate(texts):
        if index in continues:
            base = continues[index]
            columns.append(ColumnMapping(index, texts[base], taken.get(base, (None, 0.0))[0],
                                         taken.get(base, (None, 1.0))[1], continues=base))
        elif header:
            fld, score = taken.get(index, (None, 1.0))
            columns.append(ColumnMapping(index, header, fld, round(score, 2)))
    return tuple(columns)


# --- parsing of rows ------------------------------------------------------------------------------------

def _compile(kind: EntityKind, column: ColumnMapping, vocab: dict[str, dict[str, str]],
             evidence: dict[str, int]) -> V.Parser:
    model = ENTITY_MODEL[kind]
    assert column.field is not None
    annotation = model.model_fields[column.field].annotation
    what = V.field_kind(annotation)
    if what == "duration":
        if column.field == "backup_interval":
            return V.duration_parser(V.header_unit(column.header), vocab.get("backup_frequency"),
                                     V.NO_BACKUP_WORDS)
        return V.duration_parser(V.header_unit(column.header))
    if what == "date":
        return V.date_parser(False, evidence)
    if what == "datetime":
        return V.date_parser(True, evidence)
    if what == "bool":
        return V.bool_parser(vocab["yes_no"])
    if what == "tier":
        return V.tier_parser(vocab["tier"])
    if what == "list":
        return V.list_parser()
    if what == "enum":
        enum = V.enum_values(annotation)
        assert enum is not None
        table_name = {"type": "exercise_type", "result": "exercise_result"}.get(column.field, "")
        if not table_name:
            table_name = "action_status" if kind is EntityKind.CORRECTIVE_ACTION else "backup_status"
        words = V.vocab_parser(vocab.get(table_name, {}), table_name)
        members = {m.value: m for m in enum}

        def parse_enum(value: Any) -> Any:
            found = words(value)
            if found not in members:
                raise V.ValueProblem(f"vocabulary maps {V.text(value)!r} to {found!r}, which is not one of "
                                     f"{', '.join(members)}")
            return members[found]

        return parse_enum
    if column.field in ("id", "service_id", "exercise_id", "finding_id", "incident_id", "plan_id"):
        return V.id_parser()
    return V.text_parser()


def _is_guidance_row(cells: list[Any], id_text: str) -> bool:
    """A description or data-type row under the header ("Unique identifier for each item", "Date")."""
    texts = [V.text(c) for c in cells if isinstance(c, str) and c.strip()]
    if not texts:
        return False
    hinty = 0
    for t in texts:
        low = normalise_header(t)
        if low in _TYPE_HINTS or t.casefold().startswith(("e.g", "example:", "[")) or (
                len(t) > 30 and len(t.split()) >= 5):
            hinty += 1
    id_low = normalise_header(id_text)
    id_is_prose = id_low in _TYPE_HINTS or len(id_text.split()) >= 3
    return id_is_prose and hinty * 2 >= len(texts)


def _repeats_header(cells: list[Any], mapping: TableMapping, header_norms: dict[int, str]) -> bool:
    width = len(cells)
    same = sum(1 for c in mapping.columns
               if c.index < width and isinstance(cells[c.index], str) and cells[c.index].strip()
               and normalise_header(cells[c.index]) == header_norms[c.index])
    return same * 2 >= max(2, len([c for c in cells if c not in ("", None)]))


_MISS = object()


@dataclass(frozen=True, slots=True)
class _Cleaned:
    """A cell value read after removing control characters; the row loop reports the removal."""

    value: Any
    text: str


_NULL = object()
"""What a cell reader returns for an empty cell, a null marker ("--", "N/A") or a placeholder."""


def _cell_reader(parse: V.Parser, memo: bool) -> tuple[Callable[[Any], Any], dict[Any, Any] | None]:
    """One column's reader and, for typed columns, its cache by raw text.

    The reader never raises: it returns the typed value, ``_NULL`` (empty, "--", "N/A",
    "<Date>"...), a :class:`~itscm_audit.importers.values.ValueProblem`, or a :class:`_Cleaned`
    wrapper when control characters were removed. Real columns repeat the same few words, durations
    and dates, so the cache turns most cells into one dictionary look-up; free text is not cached.
    """
    null_markers = NULL_MARKERS
    placeholder = PLACEHOLDER_PATTERN
    control = V.CONTROL_CHARS
    cache: dict[Any, Any] | None = {} if memo else None
    plain = getattr(parse, "plain_text", None)

    def plain_text(raw: Any) -> Any:
        """Free text and identifiers: most cells are already clean strings."""
        if type(raw) is str:
            stripped = raw.strip()
            if not stripped or (len(stripped) < 32 and stripped.casefold() in null_markers) or (
                    stripped[0] in "<[" and placeholder.match(stripped)):
                return _NULL
            if "\n" not in stripped and not control.search(stripped):
                return stripped if plain == "text" else " ".join(stripped.split())
        return value_of(raw)

    def value_of(raw: Any) -> Any:
        if type(raw) is str:
            stripped = raw.strip()
            if not stripped or stripped.casefold() in null_markers or (
                    stripped[0] in "<[" and placeholder.match(stripped)):
                return _NULL
            if control.search(raw):
                cleaned = control.sub("", raw)
                return _Cleaned(value_of(cleaned) if cleaned.strip() else _NULL, cleaned)
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
        return result

    if plain is not None and cache is None:
        return plain_text, None
    return read, cache


RowFields: TypeAlias = Callable[
    [list[Any], int], tuple[dict[str, Any], dict[str, str], list[tuple[int, Any]] | None]]


def _row_function(columns: list[tuple[int, str, Callable[[Any], Any], dict[Any, Any] | None, str]],
                  extras: list[tuple[int, str]]) -> RowFields:
    """Compile the per-row work for one table into a single function, one block per column.

    A large sheet spends most of its import time here; unrolling the columns (with their indexes and
    caches bound as constants) cuts the Python overhead per cell. Values that need the row loop's
    attention (problems, ambiguous dates, cleaned text) come back as ``(position, value)``; positions
    from ``len(columns)`` on are the extra (unmapped) columns.
    """
    env: dict[str, Any] = {"NULL": _NULL, "MISS": _MISS, "PLAIN": _PLAIN_TYPES, "DATETIME": dt.datetime,
                           "DATE": dt.date, "EXTRA": _extra_text, "FROMISO": dt.datetime.fromisoformat,
                           "NULLS": NULL_MARKERS, "CONTROL": V.CONTROL_CHARS.search}
    lines = ["def fields(cells, width):", "    record = {}", "    extra = {}", "    attention = None"]
    for position, (index, field_name, read, cache, what) in enumerate(columns):
        env[f"R{position}"] = read
        lines += [f"    if width > {index}:",
                  f"        raw = cells[{index}]",
                  "        if raw is not None and raw != '':"]
        if what in ("date", "datetime"):
            # real Excel dates and ISO 8601 text need no lookup; the rest goes through the reader
            to_value = ".date()" if what == "date" else ""
            lines += ["            kind = type(raw)",
                      "            if kind is DATETIME:",
                      f"                value = raw{to_value}",
                      "            elif kind is DATE:",
                      "                value = raw" if what == "date" else f"                value = R{position}(raw)",
                      "            elif kind is str and len(raw) >= 10 and raw[4] == '-' and raw[7] == '-':",
                      "                try:",
                      "                    value = FROMISO(raw)",
                      "                except ValueError:",
                      f"                    value = R{position}(raw)",
                      "                else:",
                      "                    if value.tzinfo is not None:",
                      f"                        value = R{position}(raw)",
                      f"                    {'value = value.date()' if what == 'date' else 'pass'}",
                      "            else:",
                      f"                value = C{position}(raw, MISS) if kind is str or kind is float else MISS",
                      "                if value is MISS:",
                      f"                    value = R{position}(raw)"]
            env[f"C{position}"] = (cache if cache is not None else {}).get
        elif what in ("text", "id") and cache is None:
            # clean text goes straight in; anything unusual (null marker, placeholder, line breaks,
            # control characters, not a string) takes the reader's full path; a printable string has
            # no line break or control character, so only the others are searched for them
            collapse = ('                if "  " in value or "\\t" in value:\n'
                        '                    value = " ".join(value.split())') if what == "id" else ""
            lines += ["            if type(raw) is str:",
                      "                value = raw.strip()",
                      "                if (not value or (len(value) < 32 and value.casefold() in NULLS)"
                      " or value[0] in '<[' or (not value.isprintable() and ('\\n' in value or CONTROL(value)))):",
                      f"                    value = R{position}(raw)"]
            if collapse:
                lines += ["                else:", *["    " + line for line in collapse.split("\n")]]
            lines += ["            else:",
                      f"                value = R{position}(raw)"]
        elif cache is not None:
            env[f"C{position}"] = cache.get
            lines += [f"            value = C{position}(raw, MISS) if type(raw) is str or type(raw) is float else MISS",
                      "            if value is MISS:",
                      f"                value = R{position}(raw)"]
        else:
            lines.append(f"            value = R{position}(raw)")
        lines += ["            if value is not NULL:",
                  "                if type(value) in PLAIN:",
                  f"                    record[{field_name!r}] = value",
                  "                else:",
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
    lines.append("    return record, extra, attention")
    namespace: dict[str, Any] = {}
    exec(compile("\n".join(lines), "<itscm-audit row reader>", "exec"), env, namespace)
    function: RowFields = namespace["fields"]
    return function


def _extra_text(raw: Any) -> Any:
    """An unmapped column's cell as text (kept in ``extra``), ``_NULL`` or :class:`_Cleaned`."""
    if type(raw) is str:
        stripped = raw.strip()
        if not stripped or (len(stripped) < 32 and stripped.casefold() in NULL_MARKERS) or (
                stripped[0] in "<[" and PLACEHOLDER_PATTERN.match(stripped)):
            return _NULL
        if V.CONTROL_CHARS.search(stripped):
            cleaned = V.CONTROL_CHARS.sub("", stripped)
            return _Cleaned(cleaned, cleaned)
        return stripped
    return V.text(raw)


def _fill_down(cells: list[Any], row0: int, fill: dict[int, list[tuple[int, int, int]]],
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


def _join_continuations(cells: list[Any], continuation: dict[int, list[int]]) -> list[Any]:
    """One logical column spread over several physical ones (under a merged header): one value per line."""
    cells = list(cells)
    width = len(cells)
    for index, others in continuation.items():
        if index >= width:
            continue
        parts = [V.text(cells[i]) for i in [index, *others] if i < width]
        cells[index] = "\n".join(p for p in parts if p and not V.is_null(p))
    return cells


def _control_issue(ctx: _Context, file: str, sheet: str | None, number: int, header: str, cleaned: str) -> None:
    ctx.issue("cell.control_characters", "control characters (NUL, etc.) removed from the text",
              _ref(file, sheet, number, header, cleaned[:200]))


_PLAIN_TYPES = frozenset({str, int, float, bool, tuple, dt.date, dt.datetime, dt.timedelta, ExerciseType,
                          ExerciseResult, ActionStatus, BackupStatus})
"""Types a cell reader returns that go straight into the record (anything else needs attention)."""


_SLOTS = ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__")


def _slot_setters(model: type[Any]) -> tuple[Callable[[Any, Any], None], ...]:
    """The ``__set__`` of the descriptors ``object.__setattr__(record, name, ...)`` would call for each of
    :data:`_SLOTS` (found on the class as Python finds them); calling them directly saves a look-up per
    attribute of every record."""
    return tuple(inspect.getattr_static(model, name).__set__ for name in _SLOTS)


class _Builder:
    """Build a record from values the importer has already typed, without pydantic re-validating them.

    Equivalent to ``Model.model_construct`` (what pydantic documents for trusted data) minus its
    per-call field walk, which dominated the import time of large sheets.
    """

    def __init__(self, model: type[Any]) -> None:
        self.model = model
        self.all_fields = set(model.model_fields)
        """Shared by every record built here (pydantic copies it before any change)."""
        self.template: dict[str, Any] = {}
        """Every field in declaration order (so JSON keeps the model's order), with its default."""
        self.factories: dict[str, Any] = {}
        self.fast = not model.__pydantic_post_init__ and not model.__pydantic_root_model__
        self.setters = _slot_setters(model)
        for name, info in model.model_fields.items():
            if info.default_factory is not None:
                self.factories[name] = info.default_factory
            self.template[name] = None if info.is_required() or info.default_factory else info.default

    def __call__(self, values: dict[str, Any]) -> Any:
        if not self.fast:
            return self.model.model_construct(**values)
        data = {**self.template, **values}
        for name, factory in self.factories.items():
            if name not in values:
                data[name] = factory()
        return self.make(data)

    def build_all(self, rows: list[dict[str, Any]], skip: set[int], always: frozenset[str]) -> list[Any]:
        """Every record of a table in one loop (the per-record call overhead matters at 100k+ rows).

        ``always`` names the fields every row carries, so their default factories are never needed.
        """
        if not self.fast or not self.factories.keys() <= always:
            return [self(values) for i, values in enumerate(rows) if i not in skip]
        template, model, fields_set = self.template, self.model, self.all_fields
        new = object.__new__
        set_dict, set_fields, set_extra, set_private = self.setters
        out: list[Any] = []
        append = out.append
        for i, values in enumerate(rows):
            if i in skip:
                continue
            record = new(model)
            set_dict(record, {**template, **values})
            set_fields(record, fields_set)
            set_extra(record, None)
            set_private(record, None)
            append(record)
        return out

    def make(self, data: dict[str, Any]) -> Any:
        record = object.__new__(self.model)
        object.__setattr__(record, "__dict__", data)
        object.__setattr__(record, "__pydantic_fields_set__", self.all_fields)
        object.__setattr__(record, "__pydantic_extra__", None)
        object.__setattr__(record, "__pydantic_private__", None)
        return record


_SOURCE_FIELDS = {"file", "sheet", "row", "column", "value"}
_SOURCE_SETTERS = _slot_setters(SourceRef)


@dataclass
class _Pending:
    """Rows without an identifier, held until we know whether more records follow them."""

    rows: list[tuple[int, str, str]] = field(default_factory=list)


def _import_table(ctx: _Context, sheet: SheetRows, mapping: TableMapping,
                  rows: Iterable[tuple[int, list[Any]]]) -> None:
    kind = mapping.entity
    file, sheet_name = mapping.file, mapping.sheet
    evidence: dict[int, dict[str, int]] = {}
    parsers: list[tuple[int, str, str, Callable[[Any], Any], dict[Any, Any] | None]] = []
    extras: list[tuple[int, str]] = []
    continuation: dict[int, list[int]] = {}
    plain_kinds: dict[int, str] = {}
    for column in mapping.columns:
        if column.continues is not None:
            continuation.setdefault(column.continues, []).append(column.index)
            continue
        if column.field is None:
            extras.append((column.index, column.header))
            continue
        evidence[column.index] = {}
        parse = _compile(kind, column, ctx.vocab, evidence[column.index])
        memo = V.field_kind(ENTITY_MODEL[kind].model_fields[column.field].annotation) != "text"
        reader, cache = _cell_reader(parse, memo)
        parsers.append((column.index, column.field, column.header, reader, cache))
        plain_kinds[column.index] = getattr(parse, "plain_text", None) or ""
    by_field = {c.field: c for c in mapping.columns if c.field and c.continues is None}
    key_columns = [by_field[k].index for k in KEY_FIELDS[kind] if k in by_field]
    key_columns += [by_field[f].index for f in FALLBACKS.get(kind, {}).values()
                    if f in by_field and by_field[f].index not in key_columns]
    id_column = by_field.get("id") or by_field.get(KEY_FIELDS[kind][0])
    header_norms = {c.index: normalise_header(c.header) for c in mapping.columns}
    id_header_folded = id_column.header.casefold() if id_column else "\0"
    fallbacks = FALLBACKS.get(kind, {})
    required = REQUIRED[kind]
    required_keys = frozenset(required)
    fallback_items = tuple(fallbacks.items())
    model = ENTITY_MODEL[kind]
    seen = ctx.seen_ids.setdefault(kind, {})

    # vertical merges below the header are filled down (a category written once for many rows)
    header0 = mapping.header_row - 1
    fill: dict[int, list[tuple[int, int, int]]] = {}
    budget = 200_000
    for r0, c0, r1, c1 in sheet.merges:
        if r1 > r0 and r0 > header0:
            for r in range(r0 + 1, r1 + 1):
                budget -= 1
                if budget < 0:
                    break
                fill.setdefault(r, []).append((c0, c1, r0))
    origin: dict[tuple[int, int], Any] = {}
    origin_rows = {r0 for lst in fill.values() for (_c0, _c1, r0) in lst}

    # a guidance column ("DELETE COLUMN A AND ROWS 3-12 BEFORE SUBMITTING") names the template's own rows
    template_rows: range = range(0)
    guidance_columns: list[int] = []
    for column in mapping.columns:
        if _GUIDANCE_HEADER.match(column.header):
            guidance_columns.append(column.index)
            found = _DELETE_ROWS.search(column.header)
            if found:
                template_rows = range(int(found.group(1)), int(found.group(2)) + 1)

    records: list[dict[str, Any]] = []
    ambiguous: list[tuple[int, str, int, V.AmbiguousDate, str]] = []
    pending = _Pending()
    read = imported = rejected = skipped = 0
    started = False

    def flush_pending() -> None:
        nonlocal skipped, read
        for number, reason, raw in pending.rows:
            read += 1
            skipped += 1
            ctx.issue("row.skipped", reason, _ref(file, sheet_name, number, None, raw or None), Severity.INFO)
        pending.rows.clear()

    null_markers = NULL_MARKERS
    placeholder = PLACEHOLDER_PATTERN
    unique = kind in UNIQUE_ID
    model_fields = ENTITY_MODEL[kind].model_fields
    row_fields = _row_function([(index, fld, reader, cache,
                                 plain_kinds[index] or V.field_kind(model_fields[fld].annotation))
                                for index, fld, _h, reader, cache in parsers], extras)
    id_header = id_column.header if id_column else None
    id_index = id_column.index if id_column else -1
    has_continuation = bool(continuation)
    new_object, source_fields = object.__new__, _SOURCE_FIELDS
    set_dict, set_fields, set_extra, set_private = _SOURCE_SETTERS
    append_record = records.append
    filling = bool(fill or origin_rows)
    # the identifier is usually the first key column: when it holds a clean value, the key check and
    # the identifier's text share one strip and casefold
    id_first = bool(key_columns) and key_columns[0] == id_index
    pending_rows = pending.rows
    for number, cells in rows:
        if filling:
            cells = _fill_down(cells, number - 1, fill, origin, origin_rows)
        width = len(cells)
        if id_first and id_index < width and type(id_raw := cells[id_index]) is str and (
                id_text := id_raw.strip()) and ((folded := id_text.casefold()) not in null_markers
                                                or len(id_text) >= 32) and not (
                id_text[0] in "<[" and placeholder.match(id_text)):
            pass
        else:
            has_key = False
            for k in key_columns:
                if k < width:
                    value = cells[k]
                    if value is None or value == "":
                        continue
                    if type(value) is str:
                        stripped = value.strip()
                        if not stripped or (len(stripped) < 32 and stripped.casefold() in null_markers) or (
                                stripped[0] in "<[" and placeholder.match(stripped)):
                            continue
                    has_key = True
                    break
            if not has_key:
                blank = all(c is None or c == "" or (isinstance(c, str) and not c.strip()) for c in cells)
                reason = "blank row" if blank else "no identifier in this row (template or filler row)"
                pending_rows.append((number, reason, ""))
                continue
            id_raw = cells[id_index] if 0 <= id_index < width else ""
            id_text = id_raw.strip() if type(id_raw) is str else V.text(id_raw)
            folded = id_text.casefold()
        # repeated header, description/data-type rows, example rows: skipped, with the reason
        skip_reason = None
        if folded == id_header_folded and _repeats_header(cells, mapping, header_norms):
            skip_reason = "the header repeated"
        elif not started and _is_guidance_row(cells, id_text):
            skip_reason = "description or data-type row under the header"
        elif number in template_rows:
            skip_reason = f"template row: the sheet says to delete rows {template_rows.start}-{template_rows.stop - 1}"
        elif "example" in folded or folded.startswith(("e.g", "sample ")) or (guidance_columns and any(
                g < width and "example" in V.text(cells[g]).casefold() for g in guidance_columns)):
            skip_reason = "example row from the template"
        if pending_rows:
            flush_pending()
        read += 1
        if skip_reason:
            skipped += 1
            ctx.issue("row.skipped", skip_reason, _ref(file, sheet_name, number, None, id_text or None),
                      Severity.INFO)
            continue
        started = True
        if has_continuation:
            cells = _join_continuations(cells, continuation)
        record, extra, attention = row_fields(cells, width)
        problems: list[tuple[str, str, Any, str]] | None = None
        if attention:
            problems = []
            for position, value in attention:
                if position >= len(parsers):
                    header = extras[position - len(parsers)][1]
                    _control_issue(ctx, file, sheet_name, number, header, value.text)
                    extra[header] = value.value
                    continue
                index, fld, header, _read, _cache = parsers[position]
                if type(value) is _Cleaned:
                    _control_issue(ctx, file, sheet_name, number, header, value.text)
                    value = value.value
                    if value is _NULL:
                        continue
                if type(value) is V.ValueProblem:
                    problems.append((header, value.message, cells[index], value.severity))
                elif type(value) is V.AmbiguousDate:
                    ambiguous.append((len(records), fld, index, value, header))
                    record[fld] = value
                else:
                    record[fld] = value
        ref_column, ref_value = id_header, id_text or None
        for target, source_field in fallback_items:
            if target not in record and source_field in record:
                record[target] = record[source_field]
                if target == "id" and source_field in by_field:
                    ref_column, ref_value = by_field[source_field].header, str(record[target])
        if problems:
            for header, message, raw, severity in problems:
                sev = Severity.INFO if severity == "info" else Severity.WARNING
                ctx.issue("value.unreadable", message, _ref(file, sheet_name, number, header, V.text(raw)[:200]),
                          sev)
        if not required_keys <= record.keys():
            missing = [f for f in required if f not in record]
            rejected += 1
            names = ", ".join(missing)
            ctx.issue("row.rejected", f"{kind.value} rejected: required {names} missing or unreadable",
                      _ref(file, sheet_name, number, id_header, id_text or None), Severity.ERROR)
            continue
        if unique:
            id_value = record["id"]
            first = seen.get(id_value)
            if first is not None:
                rejected += 1
                ctx.issue("row.duplicate", f"{kind.value} id {id_value!r} already imported (row {first})",
                          _ref(file, sheet_name, number, id_header, id_value), Severity.ERROR)
                continue
            seen[id_value] = number
        record["extra"] = extra
        # the record's SourceRef, built directly like the records themselves (see _Builder)
        ref = new_object(SourceRef)
        set_dict(ref, {"file": file, "sheet": sheet_name, "row": number, "column": ref_column, "value": ref_value})
        set_fields(ref, source_fields)
        set_extra(ref, None)
        set_private(ref, None)
        record["source"] = ref
        append_record(record)
        imported += 1
    trailing = len(pending.rows)
    if trailing and imported + rejected + skipped:
        first, last = pending.rows[0][0], pending.rows[-1][0]
        if trailing > 1:
            ctx.issue("table.end", f"table ends at row {first - 1}: rows {first}-{last} after the last row "
                      "with an identifier are empty or pre-filled template rows and were not read",
                      _ref(file, sheet_name, first), Severity.INFO)
    elif trailing and not (imported + rejected + skipped):
        flush_pending()
    dropped = _resolve_dates(ctx, mapping, records, ambiguous, evidence)
    bucket = ctx.records.setdefault(kind, [])
    gone = set(dropped) & set(range(len(records)))
    imported -= len(gone)
    rejected += len(gone)
    bucket.extend(_Builder(model).build_all(records, gone, frozenset({"extra", "source"})))
    ctx.accounts.append(TableAccount.model_construct(
        file=file, sheet=sheet_name, entity=kind.value, rows_read=read, imported=imported, rejected=rejected,
        skipped=skipped))


def _resolve_dates(ctx: _Context, mapping: TableMapping, records: list[dict[str, Any]],
                   ambiguous: list[tuple[int, str, int, V.AmbiguousDate, str]],
                   evidence: dict[int, dict[str, int]]) -> set[int]:
    """Settle day/month order per column: the column's own evidence, else the workspace policy.

    Returns the positions of records rejected because a required date could not be settled.
    """
    dropped: set[int] = set()
    if not ambiguous:
        return dropped
    kind = mapping.entity
    model = ENTITY_MODEL[kind]
    for position, fld, index, value, header in ambiguous:
        seen = evidence.get(index, {})
        if seen.get("dmy") and not seen.get("mdy"):
            order = "dmy"
        elif seen.get("mdy") and not seen.get("dmy"):
            order = "mdy"
        elif ctx.date_order in ("dmy", "mdy"):
            order = ctx.date_order
        else:
            order = ""
        record = records[position]
        source = record["source"]
        if not order:
            del record[fld]
            ctx.issue("date.ambiguous",
                      f"{value.raw!r} could be day-first or month-first and nothing in the column settles it",
                      source.model_copy(update={"column": header, "value": value.raw}), Severity.WARNING)
            if fld in REQUIRED[kind] and position not in dropped:
                dropped.add(position)
                ctx.issue("row.rejected", f"{kind.value} rejected: its {fld} is ambiguous; set "
                          "policy.date_order (dmy or mdy) in itscm.yaml", source, Severity.ERROR)
            continue
        want_datetime = V.field_kind(model.model_fields[fld].annotation) == "datetime"
        try:
            record[fld] = value.resolve(order, want_datetime)
        except ValueError:
            del record[fld]
            ctx.issue("value.unreadable", f"{value.raw!r} is not a valid date read as {order}",
                      source.model_copy(update={"column": header, "value": value.raw}))
            if fld in REQUIRED[kind] and position not in dropped:
                dropped.add(position)
                ctx.issue("row.rejected", f"{kind.value} rejected: required {fld} unreadable", source,
                          Severity.ERROR)
    return dropped


# --- sources --------------------------------------------------------------------------------------------

def _entity_from_name(name: str | None, where: str) -> EntityKind | None:
    if not name:
        return None
    kind = ENTITY_ALIASES.get(name.strip().casefold())
    if kind is None:
        raise SourceError(f"unknown entity {name!r}", location=where,
                          hint="use one of: " + ", ".join(k.value for k in EntityKind))
    return kind


def _profile_mapping(ctx: _Context, label: str, table: ProfileTable, preview: list[tuple[int, list[Any]]],
                     merges: list[tuple[int, int, int, int]]) -> TableMapping | None:
    """The profile's mapping when the header row still matches it; otherwise located issues and ``None``."""
    rows = dict(preview)
    row = rows.get(table.header_row)
    sheet = table.sheet or None
    where = _ref(label, sheet, table.header_row)
    if row is None:
        ctx.issue("profile.mismatch", f"saved profile expects the header on row {table.header_row}, "
                  "which is no longer there", where)
        return None
    above = rows.get(table.header_row - 1)
    texts, _continues = _header_texts(row, table.header_row - 1, merges, above)
    problems = []
    for col in table.columns:
        if col.continues is not None:
            continue
        index = column_index(col.column)
        now = texts[index] if index < len(texts) else ""
        if now == col.header:
            continue
        if col.header in texts:
            moved = column_letter(texts.index(col.header))
            problems.append((col, f"column {col.header!r} moved from {col.column} to {moved}", now))
        elif now:
            problems.append((col, f"column {col.column} was {col.header!r}, now {now!r} (renamed?)", now))
        else:
            problems.append((col, f"column {col.header!r} ({col.column}) is missing", now))
    if problems:
        for col, message, now in problems:
            ctx.issue("profile.mismatch", f"the file no longer matches its saved mapping profile: {message}",
                      _ref(label, sheet, table.header_row, col.header, now or None))
        return None
    try:
        kind = EntityKind(table.entity)
    except ValueError:
        ctx.issue("profile.mismatch", f"saved profile names an unknown entity {table.entity!r}", where)
        return None
    model_fields = ENTITY_MODEL[kind].model_fields
    columns = []
    for col in table.columns:
        fld = col.field if col.field in model_fields else None
        cont = None if col.continues is None else column_index(col.continues)
        columns.append(ColumnMapping(column_index(col.column), col.header, fld, 1.0, cont))
    return TableMapping(label, sheet, kind, table.header_row, tuple(columns), from_profile=True)


PREFETCH_BYTES = 64 * 1024 * 1024
"""How much source data (file bytes) may be opened ahead of the file being imported."""
PREFETCH_THREADS = 2
"""Files parsed at once: while the first file is parsed the main thread is idle, so the next one is
parsed alongside it; later, the prefetch threads keep ahead of the rows being typed."""


def _size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _open_ahead(path: Path, label: str) -> OpenedSource | SourceError:
    """Open and parse a source (run on a prefetch thread); a SourceError is returned, not raised."""
    try:
        opened = open_source(path, label)
    except SourceError as exc:
        return exc
    opened.preload()
    return opened


def _import_source(ctx: _Context, path: Path, label: str,
                   targets: list[tuple[EntityKind | None, str | None]],
                   ahead: OpenedSource | SourceError | None = None) -> bool:
    """Import one file once, for every (entity, sheet) asked of it; ``False`` when it cannot be used.

    A failure is an error issue on the file, never an exception: the other sources still import.
    ``ahead`` is the file already opened (and parsed) by the prefetch thread.
    """
    try:
        if isinstance(ahead, SourceError):
            raise ahead
        opened = ahead if ahead is not None else open_source(path, label)
    except SourceError as exc:
        ctx.issue("source.unreadable", exc.message + (f" ({exc.hint})" if exc.hint else ""), _ref(label),
                  Severity.ERROR)
        digest = getattr(exc, "digest", None) or _digest_of(path)
        if digest:
            ctx.digests[label] = digest
        return False
    for note in opened.notes:
        ctx.issue("source.note", note, _ref(label), Severity.INFO)
    profile = load_profile(ctx.workspace, label) if (ctx.workspace and ctx.use_profiles) else None
    new_tables: list[ProfileTable] = []
    all_names: list[str | None] = [None] if opened.kind == "csv" else list(opened.sheet_names)
    plan: list[tuple[str | None, EntityKind | None]] = []
    for entity, sheet in targets:
        if sheet is None or opened.kind == "csv":
            done = {name for name, _entity in plan}
            plan.extend((name, entity) for name in all_names if name not in done)
        elif sheet not in all_names:
            ctx.issue("source.unreadable", f"no sheet named {sheet!r} (sheets: "
                      f"{', '.join(str(n) for n in all_names)})", _ref(label, sheet), Severity.ERROR)
        else:
            plan.append((sheet, entity))
    recognised = 0
    try:
        for name, entity in plan:
            recognised += _import_sheet(ctx, opened, label, name, entity, profile, new_tables)
    except SourceError as exc:
        ctx.issue("source.unreadable", exc.message, _ref(label), Severity.ERROR)
        _finish_digest(ctx, opened, label)
        return False
    _finish_digest(ctx, opened, label)
    if recognised == 0 and plan:
        ctx.issue("source.no_table", "no continuity table recognised in this file", _ref(label), Severity.WARNING)
    if ctx.workspace is not None and new_tables and ctx.save_profiles != "never":
        merge_profile(ctx.workspace, label, new_tables, replace=ctx.save_profiles == "always")
    return recognised > 0


def _digest_of(path: Path) -> str | None:
    """SHA-256 of a file the readers gave up on before reading it whole."""
    import hashlib

    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def _finish_digest(ctx: _Context, opened: OpenedSource, label: str) -> None:
    ctx.digests[label] = opened.finish()


def _import_sheet(ctx: _Context, opened: OpenedSource, label: str, name: str | None,
                  entity: EntityKind | None, profile: Profile | None, new_tables: list[ProfileTable]) -> int:
    sheet = opened.sheet(name)
    # a CSV opened in Excel shows one sheet named after the file: locations say the same
    sheet_name = name if opened.kind != "csv" else PurePosixPath(label).stem
    iterator = iter(sheet.rows)
    preview = list(itertools.islice(iterator, PREVIEW_ROWS))
    if not preview:
        return 0
    mapping = None
    table = profile.table(sheet_name) if profile is not None else None
    if table is not None and entity is not None and table.entity != entity.value:
        table = None  # the override names another entity: the saved mapping does not apply
    if table is not None:
        mapping = _profile_mapping(ctx, label, table, preview, sheet.merges)
    if mapping is None:
        found = _detect(preview, sheet.merges, entity, (name or "").replace("_", " "),
                        Path(label).stem.replace("_", " ").replace("-", " "))
        if found is None:
            if opened.kind == "csv" or entity is not None:
                ctx.issue("sheet.not_recognised", "no header row matching a continuity table was found in the "
                          f"first {PREVIEW_ROWS} rows", _ref(label, sheet_name), Severity.WARNING)
            else:
                ctx.issue("sheet.not_recognised", "sheet not recognised as a continuity table: not imported",
                          _ref(label, sheet_name), Severity.INFO)
            return 0
        pos, kind, _score = found
        number, row = preview[pos]
        above = preview[pos - 1][1] if pos > 0 and preview[pos - 1][0] == number - 1 else None
        texts, continues = _header_texts(row, number - 1, sheet.merges, above)
        columns = _map_columns(kind, texts, continues)
        mapping = TableMapping(label, sheet_name, kind, number, columns)
        for column in columns:
            if column.field and column.continues is None and column.confidence < CONFIRM_BELOW:
                ctx.issue("column.fuzzy", f"column {column.header!r} read as {kind.value} {column.field} "
                          f"(confidence {column.confidence:.2f}); save a profile to confirm",
                          _ref(label, sheet_name, number, column.header), Severity.INFO)
        if table is None or ctx.save_profiles == "always":
            new_tables.append(mapping.to_profile_table())
    ctx.mappings.append(mapping)
    after = [item for item in preview if item[0] > mapping.header_row]
    _import_table(ctx, sheet, mapping, itertools.chain(after, iterator))
    return 1


def run_import(items: Iterable[tuple[Path, str, EntityKind | None, str | None]], *, workspace: Path | None,
               vocabularies: dict[str, dict[str, str]], date_order: str, save_profiles: str,
               use_profiles: bool = True) -> ImportResult:
    """Import every (path, label, entity, sheet) and assemble the result; never raises for one bad file.

    Entries naming the same file are grouped so that each file is opened and read once.
    """
    ctx = _Context(vocab=merged_vocabularies(vocabularies), date_order=date_order, workspace=workspace,
                   use_profiles=use_profiles, save_profiles=save_profiles)
    grouped: dict[tuple[Path, str], list[tuple[EntityKind | None, str | None]]] = {}
    for path, label, entity, sheet in items:
        grouped.setdefault((path, label), []).append((entity, sheet))
    # hundreds of thousands of small records make the cyclic GC rescan a growing heap again and
    # again; none of them form cycles, so it is paused while rows are read
    was_enabled = gc.isenabled()
    gc.disable()
    jobs = list(grouped.items())
    try:
        if len(jobs) < 2:
            for (path, label), targets in jobs:
                _import_source(ctx, path, label, targets)
        else:
            # files are opened and parsed on PREFETCH_THREADS threads (calamine releases the GIL) while
            # this one's rows are typed; at most PREFETCH_BYTES of files are held ahead
            with ThreadPoolExecutor(max_workers=PREFETCH_THREADS, thread_name_prefix="itscm-prefetch") as pool:
                upcoming: deque[tuple[Future[OpenedSource | SourceError], int]] = deque()
                queued = held = 0
                for (path, label), targets in jobs:
                    while queued < len(jobs) and (not upcoming or held < PREFETCH_BYTES):
                        size = _size_of(jobs[queued][0][0])
                        upcoming.append((pool.submit(_open_ahead, *jobs[queued][0]), size))
                        held += size
                        queued += 1
                    future, size = upcoming.popleft()
                    held -= size
                    _import_source(ctx, path, label, targets, future.result())
    finally:
        if was_enabled:
            gc.enable()
    fields: dict[str, Any] = {ENTITY_FIELD[k]: tuple(v) for k, v in ctx.records.items()}
    data = OrgData.model_construct(**fields)
    return ImportResult(data=data, issues=tuple(ctx.issues), accounts=tuple(ctx.accounts),
                        digests=dict(ctx.digests), mappings=tuple(ctx.mappings))


def parse_entity(name: str | None, where: str) -> EntityKind | None:
    """``--entity`` / ``entity:`` text to an entity kind (aliases such as ``bia`` or ``call-tree`` accepted)."""
    return _entity_from_name(name, where)


def total_records(result: ImportResult) -> int:
    """How many records were imported, all entities together."""
    return sum(len(getattr(result.data, f)) for f in ENTITY_FIELD.values())
