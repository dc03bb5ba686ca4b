"""Typed parsing of cell values: durations, dates, booleans, lists, tiers and vocabulary words.

One parser is compiled per column (unit from the header, vocabulary table, null markers), so the
per-cell work is a few dictionary look-ups. A parser returns the typed value or ``None`` for an empty
cell, and raises :class:`ValueProblem` with a message a person understands when the text cannot be
read; the engine turns that into a located :class:`~itscm_audit.model.DataIssue`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, get_args, get_origin

from itscm_audit.importers.vocabulary import (
    NO_BACKUP,
    NULL_MARKERS,
    PLACEHOLDER_PATTERN,
    normalise_value,
)


class ValueProblem(Exception):
    """A cell whose text cannot be read as the column's type; ``message`` says why."""

    def __init__(self, message: str, severity: str = "warning") -> None:
        super().__init__(message)
        self.message = message
        self.severity = severity


Parser = Callable[[Any], Any]

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def is_null(value: Any) -> bool:
    """Empty cells, null markers ("--", "N/A", "TBD") and template placeholders ("<Date>")."""
    if value is None:
        return True
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return True
        low = text.casefold()
        return low in NULL_MARKERS or bool(PLACEHOLDER_PATTERN.match(text))
    return False


_NA_WITH_REASON = re.compile(r"^\s*(n/?a|tbd|none|unknown)\b\s*[-:–—(]\s*(.+)$", re.IGNORECASE)


def text(value: Any) -> str:
    """A cell as text: whole numbers without ``.0`` (``3000036.0`` -> ``3000036``), dates in ISO form."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ") if value.time() != dt.time() else value.date().isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value).strip()


# --- durations ------------------------------------------------------------------------------------------

_UNIT_SECONDS: dict[str, float] = {}
for _names, _secs in (
    (("s", "sec", "secs", "second", "seconds"), 1.0),
    (("m", "min", "mins", "minute", "minutes", "mn"), 60.0),
    (("h", "hr", "hrs", "hour", "hours", "hour(s)", "hrs."), 3600.0),
    (("d", "day", "days", "day(s)", "business day", "business days", "working day", "working days",
      "calendar day", "calendar days"), 86400.0),
    (("w", "wk", "wks", "week", "weeks"), 7 * 86400.0),
    (("month", "months", "mo", "mos"), 30 * 86400.0),
    (("y", "yr", "yrs", "year", "years"), 365 * 86400.0),
):
    for _n in _names:
        _UNIT_SECONDS[_n] = _secs

_DURATION_PART = re.compile(
    r"(\d+(?:[.,]\d+)?)\s*(business days?|working days?|calendar days?|seconds?|secs?|minutes?|mins?|mn|"
    r"hours?|hrs?|days?|weeks?|wks?|months?|mos?|years?|yrs?|[smhdwy])(?![a-z])",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"^(\d{1,3}):(\d{2})(?::(\d{2}))?$")
_NUMBER = re.compile(r"^[<>≤≥~]?\s*=?\s*(\d+(?:[.,]\d+)?)$")
_ZERO_WORDS = frozenset({"zero", "none", "no data loss", "immediate", "immediately", "instant", "real time",
                         "realtime", "continuous", "0"})


def header_unit(header: str) -> float | None:
    """Seconds per unit when the header names one: ``RTO (hrs)`` -> 3600, ``point in time (seconds)``."""
    low = header.casefold()
    for match in re.finditer(r"[(\[]\s*(?:in\s+)?([a-z ]+?)\s*[)\]]", low):
        unit = match.group(1).strip()
        if unit in _UNIT_SECONDS:
            return _UNIT_SECONDS[unit]
    words = re.findall(r"[a-z]+", low)
    for word in reversed(words):
        if word in ("hours", "hrs", "hr", "minutes", "mins", "seconds", "secs", "days"):
            return _UNIT_SECONDS[word]
    return None


def duration_parser(unit_seconds: float | None, vocab: dict[str, str] | None = None,
                    no_backup_words: frozenset[str] = frozenset()) -> Parser:
    """Compile a duration reader for one column; bare numbers use the header's unit (hours if none)."""
    default_unit = unit_seconds if unit_seconds is not None else 3600.0
    vocab = vocab or {}

    def parse_text(raw: str) -> dt.timedelta | None:
        low = normalise_value(raw)
        if low in vocab:
            return parse_text(vocab[low]) if vocab[low] != raw else None
        if low in no_backup_words:
            raise ValueProblem(f"{raw!r} means no backup: no interval recorded")
        if low in _ZERO_WORDS:
            return dt.timedelta(0)
        number = _NUMBER.match(low)
        if number:
            return dt.timedelta(seconds=float(number.group(1).replace(",", ".")) * default_unit)
        clock = _CLOCK.match(low)
        if clock:
            h, m, s = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
            return dt.timedelta(hours=h, minutes=m, seconds=s)
        # "1 hour - customers expect ...": the duration is what comes before the reason
        head = re.split(r"\s+[-–—:(]\s+|\s*\(|;|\n", raw, maxsplit=1)[0]
        parts = _DURATION_PART.findall(head)
        if not parts and head != raw:
            parts = _DURATION_PART.findall(raw)
        if not parts:
            raise ValueProblem(f"cannot read {raw!r} as a duration (expected e.g. '4 hours', '30 min', '2 days')")
        seconds = 0.0
        for amount, unit in parts:
            seconds += float(amount.replace(",", ".")) * _UNIT_SECONDS[unit.casefold()]
        return dt.timedelta(seconds=seconds)

    def parse(value: Any) -> dt.timedelta | None:
        if isinstance(value, bool):
            raise ValueProblem(f"{value!r} is not a duration")
        if isinstance(value, (int, float)):
            return dt.timedelta(seconds=float(value) * default_unit)
        if isinstance(value, dt.timedelta):
            return value
        if isinstance(value, dt.time):
            return dt.timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
        raw = text(value)
        match = _NA_WITH_REASON.match(raw)
        if match:
            raise ValueProblem(f"no duration given: {raw!r}", severity="info")
        return parse_text(raw)

    return parse


# --- dates ----------------------------------------------------------------------------------------------

EXCEL_EPOCH = dt.datetime(1899, 12, 30)


@dataclass(frozen=True, slots=True)
class AmbiguousDate:
    """``06/07/2025``: June 7 or 6 July; settled per column by evidence or by ``policy.date_order``."""

    first: int
    second: int
    year: int
    time: dt.time | None
    raw: str

    def resolve(self, order: str, want_datetime: bool) -> dt.date | dt.datetime:
        month, day = (self.first, self.second) if order == "mdy" else (self.second, self.first)
        day_value = dt.date(self.year, month, day)
        if want_datetime:
            return dt.datetime.combine(day_value, self.time or dt.time())
        return day_value


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?"
                           r"\s*(am|pm)?)?$", re.IGNORECASE)
_MONTHS = {m: i for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), start=1)}
_WORD_DATE_DMY = re.compile(r"^(\d{1,2})(?:st|nd|rd|th)?\s+([a-z]{3,9})\.?,?\s+(\d{4})$", re.IGNORECASE)
_WORD_DATE_MDY = re.compile(r"^([a-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})$", re.IGNORECASE)


def _year(text_year: str) -> int:
    year = int(text_year)
    return year + 2000 if year < 70 else year + 1900 if year < 100 else year


def date_parser(want_datetime: bool, evidence: dict[str, int] | None = None) -> Parser:
    """Compile a date (or date-time) reader; ambiguous day/month texts come back as :class:`AmbiguousDate`.

    ``evidence`` counts the cells that could only be day-first (``dmy``) or month-first (``mdy``), so
    the column's ambiguous cells can be settled by the column itself.
    """
    seen = evidence if evidence is not None else {}

    def finish(day: dt.date, time: dt.time | None) -> dt.date | dt.datetime:
        if want_datetime:
            return dt.datetime.combine(day, time or dt.time())
        return day

    def parse(value: Any) -> dt.date | dt.datetime | AmbiguousDate | None:
        if isinstance(value, dt.datetime):
            return value if want_datetime else value.date()
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time()) if want_datetime else value
        if isinstance(value, bool):
            raise ValueProblem(f"{value!r} is not a date")
        if isinstance(value, (int, float)):
            if 1 <= value < 2958466:
                stamp = EXCEL_EPOCH + dt.timedelta(days=float(value))
                return stamp if want_datetime else stamp.date()
            raise ValueProblem(f"{value!r} is not a date")
        raw = text(value)
        if len(raw) >= 10 and raw[4] == "-" and raw[7] == "-":
            # the common case, ISO 8601, read by the C parser; anything unusual falls through
            try:
                stamp = dt.datetime.fromisoformat(raw)
            except ValueError:
                pass
            else:
                if stamp.tzinfo is not None:
                    stamp = stamp.replace(tzinfo=None)  # wall-clock time as written, like the slow path
                return stamp if want_datetime else stamp.date()
        try:
            iso = _ISO.match(raw)
            if iso:
                y, mo, d, hh, mm, ss = iso.groups()
                time = dt.time(int(hh), int(mm), int(ss or 0)) if hh else None
                return finish(dt.date(int(y), int(mo), int(d)), time)
            num = _NUMERIC_DATE.match(raw)
            if num:
                a, b, y, hh, mm, ss, ampm = num.groups()
                time = None
                if hh:
                    hour = int(hh) % 12 + (12 if ampm and ampm.casefold() == "pm" else 0) if ampm else int(hh)
                    time = dt.time(hour, int(mm), int(ss or 0))
                first, second, year = int(a), int(b), _year(y)
                if first > 12 and second <= 12:
                    seen["dmy"] = seen.get("dmy", 0) + 1
                    return finish(dt.date(year, second, first), time)
                if second > 12 and first <= 12:
                    seen["mdy"] = seen.get("mdy", 0) + 1
                    return finish(dt.date(year, first, second), time)
                if first == second:
                    return finish(dt.date(year, first, second), time)
                if first > 12 and second > 12:
                    raise ValueProblem(f"{raw!r} is not a date (no month in it)")
                return AmbiguousDate(first, second, year, time, raw)
            word = _WORD_DATE_DMY.match(raw)
            if word and word.group(2)[:3].casefold() in _MONTHS:
                return finish(dt.date(int(word.group(3)), _MONTHS[word.group(2)[:3].casefold()],
                                      int(word.group(1))), None)
            word = _WORD_DATE_MDY.match(raw)
            if word and word.group(1)[:3].casefold() in _MONTHS:
                return finish(dt.date(int(word.group(3)), _MONTHS[word.group(1)[:3].casefold()],
                                      int(word.group(2))), None)
            if re.fullmatch(r"\d+(?:\.\d+)?", raw):
                return parse(float(raw))
        except ValueError:
            raise ValueProblem(f"{raw!r} is not a valid calendar date") from None
        raise ValueProblem(f"cannot read {raw!r} as a date (expected e.g. 2026-03-31)")

    return parse


# --- other kinds ----------------------------------------------------------------------------------------

def vocab_parser(table: dict[str, str], table_name: str) -> Parser:
    """Look a word up in a vocabulary table; unknown words are reported with the table to extend."""

    def parse(value: Any) -> str:
        raw = text(value)
        found = table.get(normalise_value(raw))
        if found is None:
            raise ValueProblem(f"{raw!r} is not in the {table_name} vocabulary "
                               f"(add it under vocabularies: {table_name}: in itscm.yaml)")
        return found

    return parse


def bool_parser(table: dict[str, str]) -> Parser:
    words = vocab_parser(table, "yes_no")

    def parse(value: Any) -> bool:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return value == 1
        raw = text(value)
        low = normalise_value(raw)
        if low.startswith(("yes ", "yes,", "yes -")):
            return True
        if low.startswith(("no ", "no,", "no -")):
            return False
        return bool(words(raw) == "true")

    return parse


_TIER_DIGIT = re.compile(r"^(?:tier|t|level|priority|p|cat|category)?\s*[-:#]?\s*(\d)\b", re.IGNORECASE)


def tier_parser(table: dict[str, str]) -> Parser:
    def parse(value: Any) -> int:
        if isinstance(value, bool):
            raise ValueProblem(f"{value!r} is not a tier")
        if isinstance(value, (int, float)) and float(value).is_integer() and 0 <= value <= 9:
            return max(1, int(value))
        raw = text(value)
        found = table.get(normalise_value(raw))
        if found is not None and found.isdigit():
            return int(found)
        match = _TIER_DIGIT.match(raw)
        if match:
            return max(1, int(match.group(1)))
        for part in re.split(r"[/,;\-–]", raw):
            found = table.get(normalise_value(part))
            if found is not None and found.isdigit():
                return int(found)
        raise ValueProblem(f"{raw!r} is not a tier (add it under vocabularies: tier: in itscm.yaml)")

    return parse


_LIST_SPLIT = re.compile(r"\s*(?:\r?\n|;|\||,)\s*")
_LIST_SEPARATOR = re.compile(r"[\n;|,]")
"""A character without which _LIST_SPLIT finds no separator."""
_LABEL = re.compile(r"^(?:primary|alternate|secondary|backup)\s*:\s*", re.IGNORECASE)


def list_parser() -> Parser:
    """``"a, b"``, ``"a|b"``, ``"a; b"`` and one item per line all give ``("a", "b")``."""

    def parse(value: Any) -> tuple[str, ...]:
        raw = text(value)
        if _LIST_SEPARATOR.search(raw) is None:
            # one item (the common case): what the split below makes of it, without splitting
            item = _LABEL.sub("", raw).strip()
            return (item,) if item and not is_null(item) else ()
        items = []
        for part in _LIST_SPLIT.split(raw):
            item = _LABEL.sub("", part).strip()
            if item and not is_null(item):
                items.append(item)
        return tuple(dict.fromkeys(items))

    return parse


_PRIMARY = re.compile(r"primary\s*:\s*(.*?)\s*(?:\n|$)", re.IGNORECASE)


def text_parser() -> Parser:
    """Plain text; in a "Primary: ... / Alternate: ..." cell the primary value is the field's value."""

    def parse(value: Any) -> str:
        raw = text(value)
        if "\n" in raw and raw[:8].casefold().startswith("primary"):
            match = _PRIMARY.match(raw)
            if match and match.group(1):
                return match.group(1)
        return raw

    parse.plain_text = "text"  # type: ignore[attr-defined]
    return parse


def id_parser() -> Parser:
    """Identifiers with inner whitespace collapsed (``"SVC  001 "`` -> ``"SVC 001"``)."""

    def parse(value: Any) -> str:
        return " ".join(text(value).split())

    parse.plain_text = "id"  # type: ignore[attr-defined]
    return parse


def enum_values(annotation: Any) -> type[Enum] | None:
    """The Enum class in ``ExerciseType | None`` (or ``None`` when the field is not an enum)."""
    candidates = get_args(annotation) or (annotation,)
    for candidate in candidates:
        if isinstance(candidate, type) and issubclass(candidate, Enum):
            return candidate
    return None


def field_kind(annotation: Any) -> str:
    """Map a model field's annotation to a parser kind."""
    if get_origin(annotation) is tuple:
        return "list"
    args = [a for a in get_args(annotation) if a is not type(None)] or [annotation]
    base = args[0]
    if get_origin(base) is tuple:
        return "list"
    if enum_values(annotation) is not None:
        return "enum"
    if base is dt.timedelta:
        return "duration"
    if base is dt.datetime:
        return "datetime"
    if base is dt.date:
        return "date"
    if base is bool:
        return "bool"
    if base is int:
        return "tier"
    return "text"


NO_BACKUP_WORDS = frozenset(NO_BACKUP)
