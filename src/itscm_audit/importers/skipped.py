"""Step 4b of an import: the rows that are not records.

Repeated headers, description rows under the header, totals and count rows, notes, footnotes and
legends under or inside a table, section bands ("Tier 1 services"), and identifiers no record would
have. Each is skipped, counted and reported with its reason by the table loop
(:mod:`~itscm_audit.importers.rows`); the words are data in :mod:`~itscm_audit.importers.vocabulary`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from itscm_audit.importers import values as V
from itscm_audit.importers.columns import SYNONYM_FIELDS, TableMapping
from itscm_audit.importers.vocabulary import (
    BAND_ROW,
    COUNT_NOUNS,
    COUNT_WORDS,
    LEGEND_ROW,
    LONE_NOTE,
    NOTE_ROW,
    SIGN_OFF,
    TOTAL_WORDS,
    fold_accents,
    normalise_header,
    normalise_value,
)
from itscm_audit.model import EntityKind

_TYPE_HINTS = frozenset({
    "text", "date", "number", "numeric", "integer", "decimal", "identifier", "unique identifier", "yes no",
    "yes or no", "control number", "mandatory", "optional", "required", "string", "boolean", "free text",
    "guidance", "valid values", "mandatory or optional", "date time", "datetime", "list", "email",
})



def is_guidance_row(cells: list[Any], id_text: str) -> bool:
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


def repeats_header(cells: list[Any], mapping: TableMapping, header_norms: dict[int, str]) -> bool:
    """The header row again (a page break pasted from a printout): most filled cells equal their header."""
    width = len(cells)
    same = sum(1 for c in mapping.columns
               if c.index < width and isinstance(cells[c.index], str) and cells[c.index].strip()
               and normalise_header(cells[c.index]) == header_norms[c.index])
    return same * 2 >= max(2, len([c for c in cells if c not in ("", None)]))


_ANY_HEADER = frozenset(syn for table in SYNONYM_FIELDS.values() for syn in table)
"""Every header synonym of every entity, normalised: a row made of them is a header."""


@lru_cache(maxsize=4096)
def is_header_word(text: str) -> bool:
    """Whether a cell's text is a header synonym of some entity ("Fournisseur", "Services soutenus")."""
    return normalise_header(text) in _ANY_HEADER


def starts_another_table(cells: list[Any], mapping: TableMapping, header_norms: dict[int, str]) -> bool:
    """A row inside a table that is the header of another table below it (a supplier list under the
    services, after a blank row and a heading): three or more texts, nearly all header synonyms, most of
    them not this table's own headers in their places."""
    texts = [(i, c) for i, c in enumerate(cells) if c not in ("", None)]
    if len(texts) < 3 or any(type(c) is not str for _i, c in texts):
        return False
    known = sum(1 for _i, c in texts if is_header_word(c.strip()))
    own = sum(1 for i, c in texts if header_norms.get(i) == normalise_header(c))
    return known >= 3 and known * 4 >= len(texts) * 3 and own * 2 < len(texts)


SUSPICIOUS_PREFIXES = frozenset({w[:4] for w in TOTAL_WORDS} | {
    "note", "nb:", "nb ", "n.b.", "rema", "comm", "sour", "lege", "key:", "key ", "key-", "foot", "disc", "prep",
    "revi", "appr", "last", "upda", "mise", "aver", "conf", "page", "sum ", "sum:", "vers", "rev.", "end ",
    "fin ", "sign", "owne", "main", "comp", "mis ", "prép", "révi"})
"""First four letters (lower case) of an identifying text that may make its row a totals, note or legend
row rather than a record; only those rows (and rows with a symbol first, or a long text) get the full
check."""


def suspicious(folded: str) -> bool:
    return folded[:4] in SUSPICIOUS_PREFIXES or not folded[:1].isalnum() or len(folded) > 60

_NUMBERS_AND_MARKS = re.compile(r"[\d:()%.,=#*-]+")
_TOTAL_START = re.compile(
    r"^(?:grand |sub[- ]?|sous[- ])?totals?\s*[:(]|^(?:count|nombre|number|total|nb) (?:of|de|des|d')\s*\w"
    r"|^(?:count|number|nombre|nb|total|totale?s?|somme|sum)\b[^:=]{0,40}[:=]\s*\d+(?:[.,]\d+)?\s*$")
"""``Total:``, ``Count of services``, ``Nombre d'incidents : 3``, ``Total services = 12``."""


def row_texts(cells: list[Any]) -> list[str]:
    return [V.text(c) for c in cells if c is not None and c != "" and not (isinstance(c, str) and not c.strip())]


def _numeric(text: str) -> bool:
    cleaned = text.replace(",", "").replace(" ", "").replace("%", "").replace("$", "").replace("h", "")
    return bool(cleaned) and (cleaned.replace(".", "", 1).isdigit() or cleaned[:1].isdigit())


_TOTAL_FIRST_WORDS = frozenset({"total", "totals", "grand", "subtotal", "sub", "count", "sum", "totaux", "sous",
                                "somme", "nombre", "number", "nb"})
_COUNT_LINE = re.compile(r"^(\d[\d ,.]*)\s+(.+?)\.?$")
_LABEL_COUNT = re.compile(r"^(?:[^\d:=|;]{1,40}?\s*:\s*\d[\d ,.]*(?:\s+[a-z]+){0,2}\s*[|;,]?\s*)+$")
"""``Open items: 4``, ``Rows: 7``, ``Nombre de services : 11``, ``Total jobs: 7 | Failed: 1``."""
_DECORATED = re.compile(r"^\s*([-=*#~_•·]{2,}|[-=*#~]\s)\s*\S.*?\s*[-=*#~_•·]*\s*$")
"""``--- Executive on call ---``, ``=== Tier 2 ===``, ``## Support``: a heading drawn with marks."""


def _count_line(folded: str) -> bool:
    """``5 suppliers listed``, ``7 staff``, ``5 fournisseurs``, ``Total : 7 exercices``: a count, not a record."""
    match = _COUNT_LINE.match(folded)
    if match:
        rest = match.group(2)
        words = rest.split()
        if rest in COUNT_NOUNS or any(rest.endswith(f" {w}") and rest[:-len(w) - 1] in COUNT_NOUNS
                                      for w in COUNT_WORDS):
            return True
        # "12 critical services", "3 game days", "7 DR tests": a few words ending in what is counted
        if 2 <= len(words) <= 4 and (words[-1] in COUNT_NOUNS or " ".join(words[-2:]) in COUNT_NOUNS):
            return True
    return len(folded) <= 80 and _LABEL_COUNT.match(folded) is not None and len(folded.split()) <= 12


def not_a_record(cells: list[Any], nonempty: int, merged_width: int, typical: float,
                 coded_ids: bool = False) -> str | None:
    """Why a row with something in its identifying column is still not a record (``None``: it is one).

    Totals and count rows, notes, footnotes and legends under or inside a table, and section bands
    ("Tier 1 services": one cell, merged across the table or alone where records fill several) are
    skipped, each with its reason. ``typical``: how many cells the table's records fill, on average;
    ``coded_ids``: the table keys its records by codes (``SVC-01``), so a lone text without a digit where
    a code should be is a heading.
    """
    texts = row_texts(cells)
    if not texts:
        return None
    first = texts[0]
    folded = normalise_value(fold_accents(first))
    words_only = " ".join(_NUMBERS_AND_MARKS.sub(" ", folded).split())
    others_numeric = all(_numeric(t) for t in texts[1:] if normalise_value(fold_accents(t)) not in TOTAL_WORDS)
    if (folded in TOTAL_WORDS or words_only in TOTAL_WORDS or _TOTAL_START.match(folded) or (
            folded.split()[:1] and folded.split()[0] in _TOTAL_FIRST_WORDS and len(folded.split()) <= 5
            and len(texts) > 1)) and others_numeric:
        return f"totals row ({first!r}), not a record"
    if others_numeric and _count_line(" ".join(fold_accents(first.casefold()).split())):
        return f"count row ({first!r}), not a record"
    if NOTE_ROW.match(fold_accents(first)) or (nonempty == 1 and (LONE_NOTE.match(folded) or SIGN_OFF.match(
            fold_accents(first)))):
        return "note, footnote or sign-off line, not a record"
    if nonempty <= 2 and LEGEND_ROW.match(first):
        return "legend row, not a record"
    if nonempty == 1 or merged_width >= 3:
        words = first.split()
        heading = merged_width >= 3 or (typical >= 2.5 and (
            _DECORATED.match(first) or (first.isupper() and len(first) >= 4)
            or (coded_ids and not any(ch.isdigit() for ch in first))))
        if nonempty == 1 and len(words) <= 8 and heading:
            # one short text merged across the table, drawn or capitalised as a heading, or a plain text
            # where every record has a code: a section, whatever it says
            return f"section band ({first!r}), not a record"
        if BAND_ROW.search(fold_accents(first)) and len(words) <= 8 and (merged_width >= 3 or typical >= 2.5):
            return f"section band ({first!r}), not a record"
        if len(words) >= 8 and (merged_width >= 3 or typical >= 2.5):
            return "a sentence on its own row (a note), not a record"
    return None


def implausible_id(id_text: str, from_name: bool, kind: EntityKind) -> str | None:
    """An identifying value that cannot name a record: a bare number where a name is expected, prose."""
    if from_name and _numeric(id_text) and not any(ch.isalpha() for ch in id_text):
        return f"{id_text!r} is not a plausible {kind.value.replace('_', ' ')} name"
    if len(id_text) > 120 or len(id_text.split()) > 15:
        return f"a paragraph is not a plausible {kind.value.replace('_', ' ')} identifier"
    return None


_BAND_TIER = re.compile(r"\b(?:tier|niveau|palier|level|priority|priorite|t|p)\s*[-:#]?\s*(\d)\b")


def tier_of_band(read_tier: V.Parser, text: str, number: int) -> tuple[int, str, int] | None:
    """The tier a section band names ("Tier 1 services", "Services critiques (niveau 1)", "Critical
    applications"), with its text and row."""
    folded = normalise_value(fold_accents(text))
    explicit = _BAND_TIER.search(folded)
    if explicit:
        return max(1, int(explicit.group(1))), text, number
    words = folded.replace("(", " ").replace(")", " ").split()
    for candidate in (folded, *(" ".join(words[i:i + 2]) for i in range(len(words) - 1)), *words):
        try:
            tier = read_tier(candidate)
        except V.ValueProblem:
            continue
        value = tier.value if isinstance(tier, V.Guess) else tier
        if isinstance(value, int):
            return value, text, number
    return None
