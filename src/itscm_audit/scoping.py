"""Which frameworks apply to an organisation, from where it operates and its sector, as data.

``init --from`` proposes the frameworks in scope from ``--jurisdiction`` and ``--sector`` with the
table :data:`SELECTION` (ISO 22301, ITIL 4 and ISO/IEC 27001 always; a law where its jurisdiction and,
for sector laws, its sector match). The status semantics read sectors through the same words
(:func:`sector_matches`), so "finance", "banking" and "credit union" all make DORA's financial-entity
requirements applicable: one answer for what a sector means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from itscm_audit.errors import UsageError

ALWAYS: tuple[str, ...] = ("iso22301", "itil4-scm", "iso27001-2022")
"""Frameworks proposed to every organisation: the continuity standard, the practice and the controls."""


@dataclass(frozen=True)
class Selection:
    """A framework proposed when the organisation operates in ``jurisdiction`` (and is in ``sector``)."""

    framework: str
    jurisdiction: str
    sector: str | None = None

    def reason(self) -> str:
        return self.jurisdiction + (f" + {self.sector} sector" if self.sector else "")


SELECTION: tuple[Selection, ...] = (
    Selection("pipeda", "CA"),
    Selection("quebec-law25", "CA-QC"),
    Selection("phipa", "CA-ON", "health"),
    Selection("gdpr", "EU"),
    Selection("dora", "EU", "financial"),
    Selection("hipaa", "US", "health"),
)
"""Framework -> where (and in which sector) it applies. A test checks every id is a shipped catalogue."""

SECTOR_WORDS: dict[str, tuple[str, ...]] = {
    "financial": ("financial", "finance", "finances", "financial services", "financial entity", "bank", "banks",
                  "banking", "banque", "bancaire", "credit union", "caisse", "caisse populaire", "cooperative de credit",
                  "insurance", "insurer", "reinsurance", "assurance", "assurances", "assureur", "investment",
                  "investment firm", "asset management", "payments", "payment institution", "fintech", "securities",
                  "services financiers"),
    "health": ("health", "healthcare", "health care", "health services", "health network", "hospital", "clinic",
               "medical", "sante", "soins de sante", "hopital", "clinique", "health information custodian"),
}
"""Canonical sector -> the words that name it (accents and case folded; whole words inside longer text
count too, so "Regional health network" is a health organisation)."""

EU_MEMBER_STATES = frozenset({
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "EL", "HR", "HU", "IE", "IT", "LT", "LU",
    "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
})
"""ISO 3166-1 codes of the EU member states (and ``EL``, the EU's own code for Greece): they imply ``EU``."""

_CODE = re.compile(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$")


def _fold(text: str) -> str:
    from itscm_audit.importers.vocabulary import fold_accents

    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold_accents(text).casefold()).split())


def canonical_sectors(text: str | None) -> frozenset[str]:
    """The canonical sectors a free-text sector names (``"Banking & insurance"`` -> ``{"financial"}``);
    a sector we have no words for stands for itself."""
    if not text or not text.strip():
        return frozenset()
    folded = _fold(text)
    found = {canonical for canonical, words in SECTOR_WORDS.items()
             if folded in words or any(re.search(rf"\b{re.escape(w)}\b", folded) for w in words)}
    return frozenset(found) if found else frozenset({folded})


def sector_matches(sector: str | None, sectors: Iterable[str]) -> bool:
    """Whether the organisation's ``sector`` is one of ``sectors`` (a requirement's applicability)."""
    mine = canonical_sectors(sector)
    return any(mine & canonical_sectors(s) for s in sectors)


def normalise_jurisdictions(codes: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``--jurisdiction`` values as upper-case codes, with the ones they imply (``CA-QC`` -> ``CA``,
    ``IE`` -> ``EU``); also the lines saying what was added. Commas separate several codes in one value.

    A code that is not ``XX`` or ``XX-YYY`` (``EU`` included) is a usage error."""
    given: list[str] = []
    for value in codes:
        for part in value.split(","):
            code = part.strip().upper().replace("_", "-")
            if not code:
                continue
            if not _CODE.match(code):
                raise UsageError(f"{part.strip()!r} is not a jurisdiction code", location="--jurisdiction",
                                 hint="use ISO 3166 codes such as CA, CA-QC, CA-ON, US, EU, FR")
            given.append(code)
    out = list(dict.fromkeys(given))
    notes: list[str] = []
    for code in list(out):
        parent = code.split("-", 1)[0] if "-" in code else ("EU" if code in EU_MEMBER_STATES else None)
        if parent and parent not in out:
            out.append(parent)
            notes.append(f"{parent} added: {code} is in {parent}")
    return tuple(out), tuple(notes)


@dataclass(frozen=True)
class FrameworkChoice:
    """The frameworks proposed and why each one (``iso22301``: "always", ``dora``: "EU + financial sector")."""

    frameworks: tuple[str, ...]
    reasons: dict[str, str]


def choose_frameworks(jurisdictions: Sequence[str], sector: str | None) -> FrameworkChoice:
    """The frameworks :data:`SELECTION` proposes for these jurisdictions and this sector."""
    sectors = canonical_sectors(sector)
    reasons = dict.fromkeys(ALWAYS, "always")
    for sel in SELECTION:
        if sel.jurisdiction in jurisdictions and (sel.sector is None or sel.sector in sectors):
            reasons.setdefault(sel.framework, sel.reason())
    return FrameworkChoice(tuple(reasons), reasons)
