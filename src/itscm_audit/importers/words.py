"""Headers read word by word: what each word means, whatever the order and whatever else the header says.

Officers name a column in their own words: "Date Conducted" for "date held", "Service Manager" or
"Accountable Director" for the owner, "Fix by" for a due date, "Recovered in" for an achieved recovery
time, "Sys #" for an identifier. A header is read as the set of words it stands for
(:data:`~itscm_audit.importers.vocabulary.HEADER_WORD_FORMS`, phrases first, plurals and stop words
dropped), and so is every synonym of :data:`~itscm_audit.importers.vocabulary.HEADER_SYNONYMS`. A header
whose set equals a synonym's names that field; a header that says more than a synonym ("Application /
Clinical System" is a system, "Last Annual Review" a last review) names it with less confidence, the
less the more it adds, and least when what it adds names another field on its own. The vocabulary is
data; this module is only the reading.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache, lru_cache

from itscm_audit.importers.fields import ID_FIELDS, kind_of, split_field
from itscm_audit.importers.references import REFERENCES
from itscm_audit.importers.vocabulary import (
    HEADER_ACCENTED_FORMS,
    HEADER_ENTITY_WORDS,
    HEADER_KIND_WORDS,
    HEADER_NEUTRAL_WORDS,
    HEADER_NOT_CURRENT_WORDS,
    HEADER_OTHER_THING_WORDS,
    HEADER_PHRASE_FORMS,
    HEADER_STOP_WORDS,
    HEADER_SYNONYMS,
    HEADER_WORD_FORMS,
    header_words,
    normalise_header,
)
from itscm_audit.model import EntityKind

SAME_WORDS = 0.94
"""Confidence of a header that says exactly what a synonym says, in other words or another order."""
MORE_WORDS = 0.92
"""Confidence of a header that says what a synonym says and more, before the cost of each extra word."""
_UNKNOWN_COST = 0.05
_NEUTRAL_COST = 0.03
_NAMES_ANOTHER_COST = 0.08
_FLOOR = 0.78

_REFERENCE_FIELDS = frozenset((kind, fld) for kind, fld, _target in REFERENCES)
_REFERENCE_WORDS = frozenset({"id", "related", "linked", "associated", "relevant", "lie", "liee", "associe",
                              "associee", "concerne", "concernee"})
"""Words a reference header may add ("Related exercise", "Exercise #")."""
_DATE_WORDS = frozenset({"date", "when", "timestamp"})
_NAMING_FIELDS = frozenset({"name", "title", "person"})
"""Fields that name the record: a header adding another kind of record to them names that other record."""
_PHRASES = sorted(HEADER_PHRASE_FORMS, key=lambda p: (-len(p.split()), -len(p)))
_ACCENTED = re.compile(r"(?<!\w)(" + "|".join(sorted(map(re.escape, HEADER_ACCENTED_FORMS), key=len, reverse=True))
                       + r")(?!\w)")
_BRACKETS = re.compile(r"[(\[][^()\[\]]*[)\]]")


def _singular(word: str) -> str:
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


@lru_cache(maxsize=16384)
def header_bag(text: str, brackets: bool = True) -> frozenset[str]:
    """The words a header stands for: ``"Date Conducted"`` -> ``{"date", "held"}``; ``"Responsable de la
    mesure"`` -> ``{"owner", "action"}``. ``brackets=False`` leaves out what the header says in brackets."""
    low = _ACCENTED.sub(lambda m: HEADER_ACCENTED_FORMS[m.group(1)], text.casefold())
    if not brackets:
        low = _BRACKETS.sub(" ", low)
    plain = header_words(low) if brackets else normalise_header(low)
    padded = f" {plain} "
    for phrase in _PHRASES:
        if f" {phrase} " in padded:
            padded = padded.replace(f" {phrase} ", f" {HEADER_PHRASE_FORMS[phrase]} ")
    out: set[str] = set()
    for word in padded.split():
        form = HEADER_WORD_FORMS.get(word)
        if form is None:
            single = _singular(word)
            form = HEADER_WORD_FORMS.get(single, single)
        out.update(w for w in form.split() if w not in HEADER_STOP_WORDS)
    return frozenset(out)


_MEANINGS = frozenset(w for form in (*HEADER_WORD_FORMS.values(), *HEADER_PHRASE_FORMS.values()) for w in form.split())


def says_header_words(text: str) -> bool:
    """Whether every word of ``text`` is a header word the vocabulary knows ("Actual", "Target", "Due"):
    a sub-header under a group, not a value such as "Core Banking" that sits in the header's place."""
    bag = header_bag(text)
    return bool(bag) and bag <= _MEANINGS


@dataclass(frozen=True)
class _Index:
    """Every synonym of one entity as a set of words, with the field it names and its rank in the list."""

    same: dict[frozenset[str], tuple[str, ...]]
    bags: tuple[tuple[frozenset[str], str], ...]
    alone: dict[str, frozenset[str]]
    """Word -> the fields a synonym of that one word names."""


@cache
def _index(kind: EntityKind) -> _Index:
    ranked: list[tuple[int, frozenset[str], str]] = []
    for fld, synonyms in HEADER_SYNONYMS[kind].items():
        for rank, synonym in enumerate(synonyms):
            bag = header_bag(synonym)
            if bag:
                ranked.append((rank, bag, fld))
    same: dict[frozenset[str], list[str]] = {}
    alone: dict[str, set[str]] = {}
    for _rank, bag, fld in sorted(ranked, key=lambda item: item[0]):
        names = same.setdefault(bag, [])
        if fld not in names:
            names.append(fld)
        if len(bag) == 1:
            alone.setdefault(next(iter(bag)), set()).add(fld)
    bags = tuple(dict.fromkeys((bag, fld) for _rank, bag, fld in ranked))
    return _Index({b: tuple(f) for b, f in same.items()}, bags, {w: frozenset(f) for w, f in alone.items()})


@lru_cache(maxsize=16384)
def bag_fields(kind: EntityKind, header: str) -> tuple[tuple[str, float], ...]:
    """Fields a header names word by word, with a confidence below that of a listed synonym; best first."""
    index = _index(kind)
    found: dict[str, float] = {}
    if header_bag(header) & HEADER_NOT_CURRENT_WORDS:
        return ()  # "RTO 2024 (obsolète)", "Previous owner": kept beside the current column, never it
    for bag in {header_bag(header), header_bag(header, brackets=False)}:
        if not bag:
            continue
        for fld in index.same.get(bag, ()):
            found[fld] = max(found.get(fld, 0.0), SAME_WORDS)
        for synonym, fld in index.bags:
            if not synonym < bag:
                continue
            extra = bag - synonym
            owner, base = split_field(kind, fld)
            other = extra & HEADER_OTHER_THING_WORDS
            if other and not (other <= _DATE_WORDS and kind_of(kind, fld) in ("date", "datetime")):
                continue  # "Status Date", "RTO comments": about something else ("Date Found" is a date)
            refers = base in ID_FIELDS or (owner, base) in _REFERENCE_FIELDS
            if "id" in extra and not refers:
                continue  # "Function Ref", "Asset Tag": the identifier of the thing, not the thing
            if (refers or base in _NAMING_FIELDS) and any(
                    HEADER_ENTITY_WORDS.get(word, kind) not in (kind, owner) for word in extra):
                continue  # "Service ID" or "Service name" in a finding log: another record's
            if refers and not extra <= HEADER_NEUTRAL_WORDS | HEADER_KIND_WORDS[owner] | _REFERENCE_WORDS:
                continue  # "Perimeter ref id": a reference to something the table does not hold
            cost = 0.0
            for word in extra:
                if word in HEADER_KIND_WORDS[owner]:
                    cost += _NEUTRAL_COST  # "Function Ref", "Scenario type": the records' own kind qualifies
                elif index.alone.get(word, frozenset()) - {fld}:
                    cost += _NAMES_ANOTHER_COST
                elif word in HEADER_NEUTRAL_WORDS:
                    cost += _NEUTRAL_COST
                else:
                    cost += _UNKNOWN_COST
            score = round(MORE_WORDS + 0.005 * min(len(synonym), 4) - cost, 3)
            if score >= _FLOOR and score > found.get(fld, 0.0):
                found[fld] = score
    return tuple(sorted(found.items(), key=lambda item: -item[1]))
