"""Typed parsing of cell values: durations, dates, booleans, lists, tiers and vocabulary words.

One parser is compiled per column (unit from the header, vocabulary table, bounds), so the per-cell
work is a few dictionary look-ups. A parser returns the typed value, a :class:`Guess` when the value is
an interpretation the officer should confirm ("1 business day" -> 24 h, "High" -> tier 2), or an
:class:`AmbiguousDate`; it raises :class:`ValueProblem` with a message a person understands when the
text cannot be read or the value is impossible (a negative duration, more than 100 years, a date
before 1950). No other exception leaves a parser, whatever the text. Cells that say "not given"
(TBD, N/A - reason, see note) are recognised by :func:`not_given` before any parser runs.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from functools import wraps
from typing import Any, get_args, get_origin

from itscm_audit.importers.vocabulary import (
    DURATION_WORDS,
    EXPLICIT_TIER,
    NEVER_WORDS,
    NO_BACKUP,
    NOT_GIVEN_WITH_REASON,
    NOT_GIVEN_WORDS,
    NULL_MARKERS,
    PLACEHOLDER_PATTERN,
    fold_accents,
    normalise_value,
)
from itscm_audit.model import NOT_GIVEN_NOT_APPLICABLE, NOT_GIVEN_UNKNOWN


class ValueProblem(Exception):
    """A cell whose text cannot be read as the column's type; ``message`` says why."""

    def __init__(self, message: str, severity: str = "warning") -> None:
        super().__init__(message)
        self.message = message
        self.severity = severity


@dataclass(frozen=True, slots=True)
class Guess:
    """A value read by judgement ("1 business day" -> 24 h): kept, and listed as a warning to confirm."""

    value: Any
    why: str


@dataclass(frozen=True, slots=True)
class NotGiven:
    """A cell that says the value is not given: ``kind`` is ``unknown`` or ``not_applicable``."""

    kind: str
    text: str
    reason: str | None = None


Parser = Callable[[Any], Any]

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

MAX_DURATION = dt.timedelta(days=36_525)
"""Durations over 100 years are typing mistakes (or "never"), not recovery objectives."""
MIN_DATE = dt.date(1950, 1, 1)
"""Earlier dates are typing mistakes or spreadsheet artefacts (Excel day 0 is 1899-12-30)."""
DONE_DATE_MARGIN = dt.timedelta(days=366)
"""A "done" event (completed, verified, reviewed...) dated more than this after the as-of date is a mistake."""


def _safe(parse: Parser) -> Parser:
    """Whatever the cell holds, a parser raises nothing but :class:`ValueProblem`."""

    @wraps(parse)
    def guarded(value: Any) -> Any:
        try:
            return parse(value)
        except ValueProblem:
            raise
        except (ValueError, OverflowError, ArithmeticError, TypeError, IndexError, KeyError,
                RecursionError) as exc:
            raise ValueProblem(f"cannot read {text(value)[:80]!r}: {type(exc).__name__.lower()}") from None

    return guarded


def is_null(value: Any) -> bool:
    """Empty cells, null markers ("--", "N/A", "TBD") and template placeholders ("<Date>")."""
    if value is None:
        return True
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            return True
        return stripped.casefold() in NULL_MARKERS or bool(PLACEHOLDER_PATTERN.match(stripped))
    return False


NOT_GIVEN_FIRST = frozenset("<[-—–?#(")
"""First characters of the texts that may say "not given" without a letter first."""
NOT_GIVEN_PAIRS = frozenset({word[:2] for word in NOT_GIVEN_WORDS} | {"à ", "n/", "s/", "s."})
"""First two letters (lower case) of every word that may say "not given"."""


def may_be_not_given(text: str) -> bool:
    """Whether ``text`` may say "not given" (two set look-ups): other texts skip the full check."""
    return text[:1] in NOT_GIVEN_FIRST or text[:2].casefold() in NOT_GIVEN_PAIRS


def not_given(raw: str) -> NotGiven | None:
    """``"TBD"`` -> unknown; ``"N/A - vendor dependency"`` -> not applicable, with its reason; ``None``
    when the text is a value (or blank, which is simply empty)."""
    stripped = raw.strip()
    if not stripped or not may_be_not_given(stripped):
        return None
    return classify_not_given(stripped)


def classify_not_given(stripped: str) -> NotGiven | None:
    """The full "not given" check of a stripped text (:func:`not_given` first asks the quick gate)."""
    if len(stripped) <= 40:
        kind = NOT_GIVEN_WORDS.get(normalise_value(stripped)) or NOT_GIVEN_WORDS.get(stripped.casefold())
        if kind is not None:
            return NotGiven(kind, stripped)
        if PLACEHOLDER_PATTERN.match(stripped):
            return NotGiven(NOT_GIVEN_UNKNOWN, stripped, "template placeholder")
    if len(stripped) > 400:
        return None
    match = NOT_GIVEN_WITH_REASON.match(stripped) or NOT_GIVEN_WITH_REASON.match(fold_accents(stripped))
    if match is None:
        return None
    if match.group("see"):
        return NotGiven(NOT_GIVEN_UNKNOWN, stripped, "refers to a note")
    word = match.group("word").casefold()
    kind = NOT_GIVEN_NOT_APPLICABLE if word.startswith(_NOT_APPLICABLE_WORDS) else NOT_GIVEN_UNKNOWN
    return NotGiven(kind, stripped, match.group("reason").strip(" )"))


_NOT_APPLICABLE_WORDS = ("n/a", "na", "n.a", "not applicable", "s.o", "so", "s/o", "sans objet", "ne s'applique")


def text(value: Any) -> str:
    """A cell as text: whole numbers without ``.0`` (``3000036.0`` -> ``3000036``), dates in ISO form."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
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
    (("s", "sec", "secs", "second", "seconds", "seconde", "secondes"), 1.0),
    (("m", "min", "mins", "minute", "minutes", "mn"), 60.0),
    (("h", "hr", "hrs", "hour", "hours", "hour(s)", "hrs.", "heure", "heures", "heure(s)"), 3600.0),
    (("d", "day", "days", "day(s)", "business day", "business days", "working day", "working days",
      "calendar day", "calendar days", "j", "jour", "jours", "jour(s)", "jour ouvrable", "jours ouvrables",
      "jour ouvre", "jours ouvres", "jour calendrier", "jours calendrier"), 86400.0),
    (("w", "wk", "wks", "week", "weeks", "semaine", "semaines", "sem"), 7 * 86400.0),
    (("month", "months", "mo", "mos", "mois"), 30 * 86400.0),
    (("y", "yr", "yrs", "year", "years", "an", "ans", "annee", "annees"), 365 * 86400.0),
):
    for _n in _names:
        _UNIT_SECONDS[_n] = _secs

_NUM = r"\d+(?:[.,]\d+)?"
_DURATION_PART = re.compile(
    rf"({_NUM})\s*(business days?|working days?|calendar days?|jours? ouvrables?|jours? ouvres?|"
    r"jours? calendriers?|seconds?|secondes?|secs?|minutes?|mins?|mn|hours?|heures?|hrs?|days?|jours?|"
    r"weeks?|semaines?|sem|wks?|months?|mois|mos?|years?|yrs?|annees?|ans?|[smhdwyj])(?![a-z])",
    re.IGNORECASE,
)
_CLOCK = re.compile(r"^(\d{1,3}):(\d{2})(?::(\d{2}))?$")
_NUMBER = re.compile(r"^(?:[<>≤≥~]|<=|>=|up to|jusqu a|max|maximum)?\s*=?\s*(\d+(?:[.,]\d+)?(?:e[+-]?\d{1,4})?)$")
_NEGATIVE = re.compile(r"^\s*[-−–]\s*\d")
_ISO_DURATION = re.compile(
    r"^(-)?P(?!$)(?:(\d+(?:[.,]\d+)?)Y)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)W)?(?:(\d+(?:[.,]\d+)?)D)?"
    r"(?:T(?=\d)(?:(\d+(?:[.,]\d+)?)H)?(?:(\d+(?:[.,]\d+)?)M)?(?:(\d+(?:[.,]\d+)?)S)?)?$",
    re.IGNORECASE,
)
_ISO_UNITS = (365 * 86400.0, 30 * 86400.0, 7 * 86400.0, 86400.0, 3600.0, 60.0, 1.0)
_ZERO_WORDS = frozenset({"zero", "none", "no data loss", "immediate", "immediately", "instant", "real time",
                         "realtime", "continuous", "0", "aucune", "aucune perte", "immediat", "instantane",
                         "temps reel", "nulle"})
_JUDGED_UNITS = re.compile(r"business|working|ouvrable|ouvre|ouvr\b|months?|mois|years?|ans?\b|annees?",
                           re.IGNORECASE)
_BOUND_WORDS = re.compile(r"^\s*(?:[<>≤≥~]|<=|>=|up to|jusqu a|max|maximum|within|under|less than|moins de)",
                          re.IGNORECASE)
_DURATION_WORDS = {normalise_value(words): meaning for words, meaning in DURATION_WORDS.items()}
_HOURS_MINUTES = re.compile(r"^(\d{1,4})\s*h\s*([0-5]\d)\s*(?:m|min|mins|minutes?)?$")
"""``2h30``, ``3 h 10``, ``2h45min``: hours, then minutes written without their unit (or with it)."""
_RANGE = re.compile(rf"{_NUM}\s*[a-z]*\s*(?:-|–|to|a|à)\s*{_NUM}", re.IGNORECASE)


def header_unit(header: str) -> float | None:
    """Seconds per unit when the header names one: ``RTO (hrs)`` -> 3600, ``Délai (heures)``, ``(seconds)``."""
    low = header.casefold()
    for match in re.finditer(r"[(\[]\s*(?:in\s+|en\s+)?([a-zé ]+?)\s*[)\]]", low):
        unit = match.group(1).strip().replace("é", "e")
        if unit in _UNIT_SECONDS:
            return _UNIT_SECONDS[unit]
    words = re.findall(r"[a-z]+", low)
    for word in reversed(words):
        if word in ("hours", "hrs", "hr", "minutes", "mins", "seconds", "secs", "days", "heures", "jours"):
            return _UNIT_SECONDS[word]
    return None


def _bounded(seconds: float, raw: str) -> dt.timedelta:
    """A duration within 0 and 100 years, or a :class:`ValueProblem` quoting the text."""
    if not math.isfinite(seconds):
        raise ValueProblem(f"{raw!r} is not a duration (not a finite number)")
    if seconds < 0:
        raise ValueProblem(f"{raw!r} is a negative duration")
    if seconds > MAX_DURATION.total_seconds():
        raise ValueProblem(f"{raw!r} is over 100 years: not a plausible duration")
    return dt.timedelta(seconds=seconds)


def _unit_seconds(unit: str) -> float:
    """Seconds in one unit as written (``hrs``, ``jours ouvrables``, ``Business Days``)."""
    name = " ".join(unit.casefold().split())
    found = _UNIT_SECONDS.get(name)
    if found is None:
        found = _UNIT_SECONDS.get(name[:-1], 3600.0)
    return found


def _number(text_number: str) -> float:
    return float(text_number.replace(",", "."))


def duration_parser(unit_seconds: float | None, vocab: dict[str, str] | None = None,
                    no_backup_words: frozenset[str] = frozenset(), doubtful: frozenset[str] = frozenset()) -> Parser:
    """Compile a duration reader for one column; bare numbers use the header's unit (hours if none).

    ``vocab`` reads frequency words ("Hourly"); those in ``doubtful`` (bands such as "daily to weekly")
    are read by judgement and come back as a :class:`Guess`."""
    default_unit = unit_seconds if unit_seconds is not None else 3600.0
    vocab = vocab or {}

    def parse_text(raw: str, depth: int = 0) -> dt.timedelta | Guess:
        if depth == 0 and " / " in raw:
            # "1 week / 1 semaine": one duration said in two languages, never two added together
            sides = [side.strip() for side in raw.split(" / ")]
            if len(sides) == 2 and all(sides):
                try:
                    both = [parse_text(side, 1) for side in sides]
                except ValueProblem:
                    both = []
                plain = [b.value if isinstance(b, Guess) else b for b in both]
                if len(plain) == 2 and plain[0] == plain[1]:
                    return both[0]
                if len(plain) == 2:
                    raise ValueProblem(f"{raw!r} gives two different durations: write one")
        low = normalise_value(raw)
        if low in vocab and depth < 3:
            target = vocab[low]
            found = parse_text(target, depth + 1)
            value = found.value if isinstance(found, Guess) else found
            if low in doubtful:
                return Guess(value, f"backup frequency {raw!r} read as every {_hours_text(value)}")
            return value
        if low in no_backup_words:
            raise ValueProblem(f"{raw!r} means no backup: no interval recorded")
        if low in _ZERO_WORDS or low.replace("-", " ") in _ZERO_WORDS:  # "Real-time", "temps-réel"
            return dt.timedelta(0)
        if low in _DURATION_WORDS and depth < 3:
            worded = parse_text(_DURATION_WORDS[low], depth + 1)
            value = worded.value if isinstance(worded, Guess) else worded
            return Guess(value, f"{raw!r} read as {_hours_text(value)}")
        if _NEGATIVE.match(raw):
            raise ValueProblem(f"{raw!r} is a negative duration")
        iso = _ISO_DURATION.match(raw.strip())
        if iso:
            if iso.group(1):
                raise ValueProblem(f"{raw!r} is a negative duration")
            seconds = sum(_number(part) * unit for part, unit in zip(iso.groups()[1:], _ISO_UNITS, strict=True)
                          if part)
            return _bounded(seconds, raw)
        number = _NUMBER.match(low)
        if number:
            value = _bounded(_number(number.group(1)) * default_unit, raw)
            return Guess(value, f"{raw!r} is a bound, read as {_hours_text(value)}") if _BOUND_WORDS.match(
                low) else value
        clock = _CLOCK.match(low)
        if clock:
            h, m, s = int(clock.group(1)), int(clock.group(2)), int(clock.group(3) or 0)
            return _bounded(h * 3600.0 + m * 60.0 + s, raw)
        hours_minutes = _HOURS_MINUTES.match(low)
        if hours_minutes:
            # "2h30", "3h10", "2 h 45": hours and minutes, the way French and clinical registers write them
            return _bounded(int(hours_minutes.group(1)) * 3600.0 + int(hours_minutes.group(2)) * 60.0, raw)
        # "1 hour - customers expect ...": the duration is what comes before the reason
        folded = fold_accents(raw)
        head = re.split(r"\s+[-–—:(]\s+|\s*\(|;|\n", folded, maxsplit=1)[0]
        parts = list(_DURATION_PART.finditer(head))
        bare = _NUMBER.match(normalise_value(head))
        if not parts and head != folded and bare:
            # "0 (offline mode)": a number in the header's unit, with a note
            return _bounded(_number(bare.group(1)) * default_unit, raw)
        if not parts and head != folded:
            head = folded
            parts = list(_DURATION_PART.finditer(head))
        if not parts:
            raise ValueProblem(f"cannot read {raw!r} as a duration (expected e.g. '4 hours', '30 min', '2 days')")
        ranged = _RANGE.search(head) is not None and len(parts) == 1
        left = "".join(head[a:b] for a, b in zip([0, *(m.end() for m in parts)], [*(m.start() for m in parts),
                                                                                    len(head)], strict=True))
        if not ranged and any(ch.isnumeric() for ch in left):
            # a number the reading would drop ("1,000,000 hrs", "4 hrs 30"): never a truncated value
            raise ValueProblem(f"cannot read all of {raw!r} as a duration ({' '.join(left.split())!r} left "
                               "unread)")
        seconds = 0.0
        for match in parts:
            seconds += _number(match.group(1)) * _unit_seconds(match.group(2))
        value = _bounded(seconds, raw)
        if ranged:
            return Guess(value, f"{raw!r} is a range, read as its upper end {_hours_text(value)}")
        if _JUDGED_UNITS.search(head) or _BOUND_WORDS.match(low):
            return Guess(value, f"{raw!r} read as {_hours_text(value)}")
        return value

    def parse(value: Any) -> dt.timedelta | Guess | None:
        if isinstance(value, bool):
            raise ValueProblem(f"{value!r} is not a duration")
        if isinstance(value, (int, float)):
            return _bounded(float(value) * default_unit, text(value))
        if isinstance(value, dt.timedelta):
            return _bounded(value.total_seconds(), text(value))
        if isinstance(value, dt.time):
            return dt.timedelta(hours=value.hour, minutes=value.minute, seconds=value.second)
        if isinstance(value, dt.date):
            raise ValueProblem(f"{text(value)!r} is a date, not a duration")
        return parse_text(text(value))

    return _safe(parse)


def _hours_text(value: dt.timedelta) -> str:
    """``24 h``, ``7 days``: how a duration is quoted back in an interpretation."""
    hours = value.total_seconds() / 3600
    if hours > 48 and hours % 24 == 0:
        return f"{hours / 24:g} days"
    return f"{hours:g} h"


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


_ISO = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?$")
_NUMERIC_DATE = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2}|\d{4})(?:[ T](\d{1,2})[:h](\d{2})(?::(\d{2}))?"
                           r"\s*(am|pm)?)?$", re.IGNORECASE)
MONTH_NAMES: dict[str, int] = {
    **{name: i for i, names in enumerate((
        ("january", "jan", "janvier", "janv"), ("february", "feb", "fevrier", "fevr", "fev"),
        ("march", "mar", "mars"), ("april", "apr", "avril", "avr"), ("may", "mai"),
        ("june", "jun", "juin"), ("july", "jul", "juillet", "juil"), ("august", "aug", "aout"),
        ("september", "sep", "sept", "septembre"), ("october", "oct", "octobre"),
        ("november", "nov", "novembre"), ("december", "dec", "decembre")), start=1) for name in names},
}
"""Month names and abbreviations, English and French (accents folded), -> month number."""
_WEEKDAY = (r"(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day|lundi|mardi|mercredi|jeudi|vendredi|samedi|"
            r"dimanche|mon|tue|wed|thu|fri|sat|sun)\.?,?\s+")
_WORD_DATE_DMY = re.compile(rf"^(?:{_WEEKDAY})?(?:le\s+)?(\d{{1,2}})(?:st|nd|rd|th|er|re)?[\s-]+([a-z]{{3,9}})"
                            r"\.?,?[\s-]+(\d{4})(?:\s+(?:at\s+|a\s+)?(\d{1,2})[:h](\d{2}))?$", re.IGNORECASE)
_WORD_DATE_MDY = re.compile(rf"^(?:{_WEEKDAY})?([a-z]{{3,9}})\.?[\s-]+(\d{{1,2}})(?:st|nd|rd|th)?,?[\s-]+(\d{{4}})"
                            r"(?:\s+(?:at\s+)?(\d{1,2}):(\d{2}))?$", re.IGNORECASE)
_MONTH_YEAR = re.compile(r"^([a-z]{3,9})\.?\s+(\d{4})$", re.IGNORECASE)
_SHORT_WORD_DATE = re.compile(r"^(\d{1,2})[\s/-]([a-z]{3,9})\.?[\s/-](\d{2})(?:\s+(\d{1,2}):(\d{2})\s*(am|pm)?)?$",
                              re.IGNORECASE)
"""``4-Mar-26``, ``04/Mar/26 9:15 AM`` (Jira, Oracle and Excel's d-mmm-yy): a month by name and a two-digit year."""


def only_order(raw: str) -> str | None:
    """``"13/08/2026"`` -> ``dmy``, ``"01/20/2026"`` -> ``mdy``: the one order a numeric date can be read in;
    ``None`` for other texts and for dates that read both ways."""
    match = _NUMERIC_DATE.match(raw.strip())
    if match is None:
        return None
    first, second = int(match.group(1)), int(match.group(2))
    if first > 12 >= second:
        return "dmy"
    if second > 12 >= first:
        return "mdy"
    return None


def _year(text_year: str) -> int:
    year = int(text_year)
    return year + 2000 if year < 70 else year + 1900 if year < 100 else year


def date_parser(want_datetime: bool, evidence: dict[str, int] | None = None,
                latest: dt.date | None = None) -> Parser:
    """Compile a date (or date-time) reader; ambiguous day/month texts come back as :class:`AmbiguousDate`.

    ``evidence`` counts the cells that could only be day-first (``dmy``) or month-first (``mdy``), so
    the column's ambiguous cells can be settled by the column itself. Dates before 1950, or after
    ``latest`` (for events that must already have happened), are problems that quote the text.
    """
    seen = evidence if evidence is not None else {}

    def finish(day: dt.date, time: dt.time | None, raw: str) -> dt.date | dt.datetime:
        check_date(day, raw, latest)
        if want_datetime:
            return dt.datetime.combine(day, time or dt.time())
        return day

    def parse(value: Any) -> dt.date | dt.datetime | AmbiguousDate | Guess | None:
        if isinstance(value, dt.datetime):
            check_date(value.date(), text(value), latest)
            return value if want_datetime else value.date()
        if isinstance(value, dt.date):
            check_date(value, text(value), latest)
            return dt.datetime.combine(value, dt.time()) if want_datetime else value
        if isinstance(value, bool):
            raise ValueProblem(f"{value!r} is not a date")
        if isinstance(value, (int, float)):
            if math.isfinite(value) and 1 <= value < 2958466:
                stamp = EXCEL_EPOCH + dt.timedelta(days=float(value))
                return finish(stamp.date(), stamp.time(), text(value))
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
                return finish(stamp.date(), stamp.time(), raw)
        low = normalise_value(raw)
        if low in NEVER_WORDS:
            raise ValueProblem(f"{raw!r}: no date (the event has not happened)", severity="info")
        try:
            iso = _ISO.match(raw)
            if iso:
                y, mo, d, hh, mm, ss = iso.groups()
                time = dt.time(int(hh), int(mm), int(ss or 0)) if hh else None
                return finish(dt.date(int(y), int(mo), int(d)), time, raw)
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
                    return finish(dt.date(year, second, first), time, raw)
                if second > 12 and first <= 12:
                    seen["mdy"] = seen.get("mdy", 0) + 1
                    return finish(dt.date(year, first, second), time, raw)
                if first == second:
                    return finish(dt.date(year, first, second), time, raw)
                if first > 12 and second > 12:
                    raise ValueProblem(f"{raw!r} is not a date (no month in it)")
                check_date(dt.date(year, 1, 1), raw, None)
                return AmbiguousDate(first, second, year, time, raw)
            folded = low.replace(",", " ")
            folded = " ".join(folded.split())
            word = _WORD_DATE_DMY.match(folded)
            if word and word.group(2).rstrip(".") in MONTH_NAMES:
                time = dt.time(int(word.group(4)), int(word.group(5))) if word.group(4) else None
                return finish(dt.date(int(word.group(3)), MONTH_NAMES[word.group(2).rstrip(".")],
                                      int(word.group(1))), time, raw)
            word = _WORD_DATE_MDY.match(folded)
            if word and word.group(1).rstrip(".") in MONTH_NAMES:
                time = dt.time(int(word.group(4)), int(word.group(5))) if word.group(4) else None
                return finish(dt.date(int(word.group(3)), MONTH_NAMES[word.group(1).rstrip(".")],
                                      int(word.group(2))), time, raw)
            short = _SHORT_WORD_DATE.match(folded)
            if short and short.group(2).rstrip(".") in MONTH_NAMES:
                time = None
                if short.group(4):
                    clock = int(short.group(4))
                    if short.group(6):
                        clock = clock % 12 + (12 if short.group(6).lower() == "pm" else 0)
                    time = dt.time(clock, int(short.group(5)))
                return finish(dt.date(2000 + int(short.group(3)), MONTH_NAMES[short.group(2).rstrip(".")],
                                      int(short.group(1))), time, raw)
            month_year = _MONTH_YEAR.match(folded)
            if month_year and month_year.group(1).rstrip(".") in MONTH_NAMES:
                day = dt.date(int(month_year.group(2)), MONTH_NAMES[month_year.group(1).rstrip(".")], 1)
                return Guess(finish(day, None, raw), f"{raw!r} has no day: read as {day.isoformat()}")
            if re.fullmatch(r"\d{1,7}(?:\.\d+)?", raw):
                return parse(float(raw))
        except ValueError:
            raise ValueProblem(f"{raw!r} is not a valid calendar date") from None
        raise ValueProblem(f"cannot read {raw!r} as a date (expected e.g. 2026-03-31)")

    return _safe(parse)


def check_date(day: dt.date, raw: str, latest: dt.date | None) -> None:
    """Dates before 1950 are mistakes; so are "done" dates after ``latest`` (the as-of date plus a year)."""
    if day < MIN_DATE:
        raise ValueProblem(f"{raw!r} is before 1950: not a plausible date")
    if latest is not None and day > latest:
        raise ValueProblem(f"{raw!r} is more than a year after the as-of date, for an event that has "
                           "already happened")


# --- other kinds ----------------------------------------------------------------------------------------

_NOTE_AFTER = re.compile(r"\s+[-–—:]\s+|\s*[(\[]|\n")
_WORD_SPLIT = re.compile(r"[^\w']+")


def vocab_parser(table: dict[str, str], table_name: str, doubtful: frozenset[str] = frozenset()) -> Parser:
    """Look a word up in a vocabulary table; unknown words are reported with the table to extend.

    Words in ``doubtful`` are read by judgement: they come back as a :class:`Guess`. A word followed
    by a note ("Retired (2025)", "Closed - verified") is read as the word. Otherwise, when the text
    holds exactly one meaning of the table as a phrase ("Full failover test" -> failover), that meaning
    is a :class:`Guess`.
    """
    phrases = sorted((k for k in table if len(k) >= 4), key=len, reverse=True)

    def by_phrase(key: str) -> str | None:
        padded = f" {' '.join(_WORD_SPLIT.split(key))} "
        found: list[str] = []
        for phrase in phrases:
            if f" {phrase} " in padded and not any(phrase in longer for longer in found):
                found.append(phrase)
        meanings = {table[f] for f in found}
        return meanings.pop() if len(meanings) == 1 else None

    def parse(value: Any) -> str | Guess:
        raw = text(value)
        key = normalise_value(raw)
        found = table.get(key)
        if found is None:
            head = normalise_value(_NOTE_AFTER.split(raw, maxsplit=1)[0])
            found = table.get(head) if head and head != key else None
            if found is not None:
                key = head
            elif len(key) <= 80 and (meaning := by_phrase(key)) is not None:
                return Guess(meaning, f"{raw!r} read as {meaning.replace('_', ' ')} (by a word in it)")
        if found is None:
            raise ValueProblem(f"{raw!r} is not in the {table_name} vocabulary "
                               f"(add it under vocabularies: {table_name}: in itscm.yaml)")
        if key in doubtful:
            return Guess(found, f"{raw!r} read as {found.replace('_', ' ')}")
        return found

    return parse  # text and dictionary look-ups only: nothing but ValueProblem can be raised


def bool_parser(table: dict[str, str], doubtful: frozenset[str] = frozenset()) -> Parser:
    words = vocab_parser(table, "yes_no", doubtful)

    def parse(value: Any) -> bool | Guess:
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)) and value in (0, 1):
            return value == 1
        raw = text(value)
        low = normalise_value(raw)
        if low.startswith(("yes ", "yes,", "yes -", "oui ", "oui,", "oui -", "y -", "y (", "o -", "o (")):
            return True
        if low.startswith(("no ", "no,", "no -", "non ", "non,", "non -", "n -", "n (")):
            return False
        found = words(raw)
        if isinstance(found, Guess):
            return Guess(found.value == "true", f"{raw!r} read as {'yes' if found.value == 'true' else 'no'}")
        return bool(found == "true")

    return _safe(parse)


_TIER_DIGIT = re.compile(r"^(?:tier|t|level|niveau|palier|priority|priorite|p|cat|category|categorie|classe|"
                         r"crit|criticality|criticite)?\s*[-:#]?\s*(\d)\b", re.IGNORECASE)
_TIER_ROMAN = re.compile(r"^(?:tier|level|niveau|palier|cat|category|categorie|classe)\s*[-:#]?\s*(iv|v|i{1,3})\b",
                         re.IGNORECASE)
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "v": 5}
_TIER_LABEL = re.compile(r"^(?:tier|level|niveau|palier|priority|priorite|criticality|criticite|criticity|"
                         r"impact|importance|category|categorie|classe)(?:\s+de\s+criticite)?\s*[-:#]?\s*")
_FIRM_TIER_WORDS = frozenset({"critical", "mission critical", "critique", "extreme", "vital", "vitale",
                              "non critical", "non-critical", "non critique", "deferrable", "differable"})


def tier_parser(table: dict[str, str], confirmed: frozenset[str] = frozenset()) -> Parser:
    """``Tier 1``, ``T2``, ``Niveau 3``, ``Tier II`` and vocabulary words (``High`` -> 2, a judged value
    unless the workspace defined the word itself: ``confirmed``)."""

    def from_word(raw: str, key: str, found: str) -> int | Guess:
        if EXPLICIT_TIER.search(key) or key in _FIRM_TIER_WORDS or key in confirmed:
            return int(found)
        return Guess(int(found), f"{raw!r} read as tier {found}")

    def parse(value: Any) -> int | Guess:
        if isinstance(value, bool):
            raise ValueProblem(f"{value!r} is not a tier")
        if isinstance(value, (int, float)):
            if not math.isfinite(value) or value < 0:
                raise ValueProblem(f"{text(value)!r} is not a tier (negative or not a number)")
            if float(value).is_integer() and value <= 9:
                return max(1, int(value))
            raise ValueProblem(f"{text(value)!r} is not a tier")
        raw = text(value)
        if _NEGATIVE.match(raw):
            raise ValueProblem(f"{raw!r} is not a tier (negative)")
        key = normalise_value(raw)
        found = table.get(key)
        if found is not None and found.isdigit():
            return from_word(raw, key, found)
        match = _TIER_DIGIT.match(key)
        if match:
            return max(1, int(match.group(1)))
        roman = _TIER_ROMAN.match(key)
        if roman:
            return _ROMAN[roman.group(1)]
        for part in re.split(r"[/,;\-–(]", raw):
            part_key = normalise_value(part)
            found = table.get(part_key)
            if found is not None and found.isdigit():
                return from_word(raw, part_key, found)
        label = _TIER_LABEL.match(key)
        if label:
            # "Criticality: High", "Criticité élevée": the word after the label
            word = key[label.end():]
            found = table.get(word)
            if found is not None and found.isdigit():
                return from_word(raw, word, found)
        raise ValueProblem(f"{raw!r} is not a tier (add it under vocabularies: tier: in itscm.yaml)")

    return _safe(parse)


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

    return parse  # text operations only: nothing can be raised


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
