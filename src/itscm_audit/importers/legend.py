"""A legend under a register ("Legend: Mission critical = ... · Essential = ... · Important = ..."): the
order of the scale its tier column uses.

Vocabularies read the usual tier words ("Critical", "High", "Red", "Gold"), but an organisation's own
scale can rank them otherwise: for a hospital whose legend lists Mission critical, Essential, Important,
Deferrable, "Essential" is its second band, not its first. When the rows under a table (or a legend
line beside it) list two or more of the tier column's words as ``word = meaning`` pairs, their order is
the scale: first listed is tier 1, unless the vocabulary reads the list from least to most critical.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from itscm_audit.importers import values as V
from itscm_audit.importers.vocabulary import normalise_value

_SEPARATORS = ";·•|,\n:…"
_MAX_KEY_WORDS = 4


def legend_keys(text: str) -> list[str]:
    """The values a legend explains, in its order (``"Key: Red = ...; Amber = ...; Green = ..."`` ->
    ``["Red", "Amber", "Green"]``); empty unless it explains two or more."""
    keys: list[str] = []
    for equals in re.finditer("=", text):
        before = text[:equals.start()]
        cut = max(before.rfind(mark) for mark in _SEPARATORS)
        key = before[cut + 1:].strip(" .-–—*")
        if key and len(key) <= 40 and len(key.split()) <= _MAX_KEY_WORDS:
            keys.append(key)
    return keys if len(keys) >= 2 else []


def legend_ranks(keys: list[str], read: Callable[[str], Any]) -> dict[str, int]:
    """Tier per legend word (normalised), by its position; ``read`` is the tier vocabulary, which says
    whether the list runs from the most critical (the usual order) or from the least. Empty when the
    vocabulary contradicts any order (the legend is not a scale)."""
    readings: list[int] = []
    for key in keys:
        try:
            value = read(key)
        except V.ValueProblem:
            continue
        value = getattr(value, "value", value)
        if isinstance(value, int):
            readings.append(value)
    ascending = all(a <= b for a, b in zip(readings, readings[1:], strict=False))
    descending = all(a >= b for a, b in zip(readings, readings[1:], strict=False))
    if readings and len(set(readings)) > 1 and not ascending and not descending:
        return {}
    backwards = descending and not ascending
    count = len(keys)
    return {normalise_value(key): (count - position if backwards else position + 1)
            for position, key in enumerate(keys)}
