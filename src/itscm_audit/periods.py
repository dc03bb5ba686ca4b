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
