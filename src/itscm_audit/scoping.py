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


def fold_words(text: str) -> str:
    """``"Registre des incidents de confidentialité"`` -> ``"registre des incidents de confidentialite"``:
    accents and case folded, punctuation as spaces, so free text compares with word lists."""
    from itscm_audit.importers.vocabulary import fold_accents

    return " ".join(re.sub(r"[^0-9a-z]+", " ", fold_accents(text).casefold()).split())


def names_any(text: str, words: Iterable[str]) -> bool:
    """Whether folded ``text`` is one of ``words`` or holds one of them as whole words."""
    folded = fold_words(text)
    return any(folded == w or re.search(rf"\b{re.escape(w)}\b", folded) for w in words)


def canonical_sectors(text: str | None) -> frozenset[str]:
    """The canonical sectors a free-text sector names (``"Banking & insurance"`` -> ``{"financial"}``);
    a sector we have no words for stands for itself."""
    if not text or not text.strip():
        return frozenset()
    found = {canonical for canonical, words in SECTOR_WORDS.items() if names_any(text, words)}
    return frozenset(found) if found else frozenset({fold_words(text)})


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
    return _with_parents(given)


def _parent(code: str) -> str | None:
    """The jurisdiction a code lies in: ``CA-QC`` -> ``CA``, ``IE`` -> ``EU``; else ``None``."""
    return code.split("-", 1)[0] if "-" in code else ("EU" if code in EU_MEMBER_STATES else None)


def _with_parents(codes: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
    out = list(dict.fromkeys(codes))
    notes: list[str] = []
    for code in list(out):
        parent = _parent(code)
        if parent and parent not in out:
            out.append(parent)
            notes.append(f"{parent} added: {code} is in {parent}")
    return tuple(out), tuple(notes)


def implied_jurisdictions(codes: Iterable[str]) -> tuple[str, ...]:
    """Jurisdiction codes already in the data (an incident row, itscm.yaml) with the ones they imply, upper
    case, never raising: ``("IE",)`` -> ``("IE", "EU")``, ``("ca-qc",)`` -> ``("CA-QC", "CA")``. The laws of
    the wider jurisdiction apply too (GDPR to an Irish firm, PIPEDA to a Quebec one)."""
    given = (c.strip().upper().replace("_", "-") for c in codes)
    return _with_parents(c for c in given if c)[0]


@dataclass(frozen=True)
class FrameworkChoice:
    """The frameworks proposed and why each one (``iso22301``: "always", ``dora``: "EU + financial sector")."""

    frameworks: tuple[str, ...]
    reasons: dict[str, str]


FLAG_LAWS: dict[str, dict[str, str]] = {
    "personal_data": {"gdpr": "GDPR", "pipeda": "PIPEDA", "quebec-law25": "Quebec Law 25"},
    "phi": {"hipaa": "HIPAA", "phipa": "PHIPA"},
}
"""Service flag -> the frameworks whose applicability it decides (a requirement applies only where a
service holds personal data, or protected health information), with the name an officer knows them by. A
test checks this against the ``applicability`` of every shipped catalogue, so a flag is asked for exactly
where it can change a status."""

HEALTH_SECTOR = "health"
"""The canonical sector in which protected health information matters whatever the frameworks in scope."""


def flags_that_matter(frameworks: Iterable[str], sector: str | None) -> dict[str, tuple[str, ...]]:
    """Per service flag that can change this organisation's assessment, why: the laws in scope it decides
    (``{"phi": ("HIPAA",)}``), or the sector for PHI in a health organisation (``{"phi": ("health sector",)}``).
    A flag that decides nothing in scope is not listed."""
    chosen = set(frameworks)
    out: dict[str, tuple[str, ...]] = {}
    for flag, laws in FLAG_LAWS.items():
        why = tuple(name for fid, name in laws.items() if fid in chosen)
        if flag == "phi" and HEALTH_SECTOR in canonical_sectors(sector):
            why = (*why, "health sector")
        if why:
            out[flag] = why
    return out


def choose_frameworks(jurisdictions: Sequence[str], sector: str | None) -> FrameworkChoice:
    """The frameworks :data:`SELECTION` proposes for these jurisdictions and this sector."""
    sectors = canonical_sectors(sector)
    reasons = dict.fromkeys(ALWAYS, "always")
    for sel in SELECTION:
        if sel.jurisdiction in jurisdictions and (sel.sector is None or sel.sector in sectors):
            reasons.setdefault(sel.framework, sel.reason())
    return FrameworkChoice(tuple(reasons), reasons)
