"""Calendar arithmetic shared by the rules and the history: windows counted in months."""

from __future__ import annotations

import calendar
import datetime as dt


def months_before(day: dt.date, months: int) -> dt.date:
    """The same calendar day ``months`` earlier (clamped to the month's last day): 2026-03-31 -> 2026-02-28."""
    index = day.year * 12 + (day.month - 1) - months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))


def months_after(day: dt.date, months: int) -> dt.date:
    """The same calendar day ``months`` later (clamped to the month's last day): 2026-01-31 -> 2026-02-28."""
    return months_before(day, -months)


EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2199, 12, 31)
"""Dates itscm-audit accepts anywhere (as-of, evidence, history): far enough apart for any real
continuity record, close enough that adding a window or a time-to-live can never leave the calendar."""
MAX_TTL_DAYS = 36_525
"""A time-to-live longer than a century is a typing mistake, not a policy."""


def date_problem(value: dt.date) -> str | None:
    """Why ``value`` is outside the accepted range, or None when it is fine."""
    if EARLIEST_DATE <= value <= LATEST_DATE:
        return None
    return f"{value.isoformat()} is outside the dates itscm-audit accepts ({EARLIEST_DATE} to {LATEST_DATE})"


def bounded_date(value: dt.date) -> dt.date:
    """``value`` itself, or ValueError naming the accepted range (for pydantic validators and parsers)."""
    problem = date_problem(value)
    if problem is not None:
        raise ValueError(problem)
    return value
