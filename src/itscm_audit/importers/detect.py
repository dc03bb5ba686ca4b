"""Step 2 of an import: which entity does a table hold, judged by its headers and by its content.

Every candidate header row in the preview is scored for every entity: each header that is a synonym
of one of the entity's fields counts 1 (0.5 for words many tables share, such as "Date" or "Status",
and for the finding / action columns a log may carry), weighted by how well the cells under it read
as that field (a column of service names under "Scope" does not make a yes/no "in scope" column);
a sheet or file name that hints at the entity adds 1 or 0.5. The best entity wins; the runner-up and
a confidence (1.0 when nothing else fits, 0.5 for a tie) are reported with the mapping.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from itscm_audit.importers import values as V
from itscm_audit.importers.columns import content_fit, exact_fields
from itscm_audit.importers.fields import ParserSettings, field_exists, split_field
from itscm_audit.importers.locate import Merge, sample_below
from itscm_audit.importers.vocabulary import (
    FALLBACKS,
    GENERIC_HEADERS,
    HEADER_SYNONYMS,
    KEY_FIELDS,
    NAME_HINTS,
    fold_accents,
    header_words,
    normalise_header,
)
from itscm_audit.model import EntityKind

_HINTS = {kind: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)
          for kind, words in NAME_HINTS.items()}

_EXERCISE_SIGNS = frozenset({"type", "achieved_recovery_time", "achieved_data_loss", "target_rto", "target_rpo",
                             "scenario", "services"})
"""A log keyed by its dates alone is an exercise log only with one of these columns beside the date."""


@dataclass(frozen=True)
class Detection:
    """The header row (position in the preview) and entity of a table, with the entity it beat."""

    position: int
    entity: EntityKind
    score: float
    runner_up: EntityKind | None = None
    runner_up_score: float = 0.0

    @property
    def confidence(self) -> float:
        if self.runner_up is None or self.score <= 0:
            return 1.0
        return round(max(0.5, 1.0 - 0.5 * self.runner_up_score / self.score), 2)


def _has_key(kind: EntityKind, fields: set[str]) -> bool:
    if any(k in fields for k in KEY_FIELDS[kind] if not (kind is EntityKind.EXERCISE and k == "date")):
        return True
    if any(f in fields for f in FALLBACKS.get(kind, {}).values()):
        return True
    return kind is EntityKind.EXERCISE and "date" in fields and bool(fields & _EXERCISE_SIGNS)


def _score(kind: EntityKind, texts: list[str], sample: list[list[Any]] | None, settings: ParserSettings,
           override: bool, forced: dict[str, str | None]) -> tuple[float, float] | None:
    """The header score of one row for one entity: its own fields, and the fields of the records its
    rows may carry (a bonus, never enough alone). ``None``: the row cannot be this entity's header."""
    contributions: dict[str, tuple[float, int, str]] = {}
    for index, text in enumerate(texts):
        if not text:
            continue
        stripped = normalise_header(text)
        pinned = forced.get(text, forced.get(" ".join(text.split()).casefold(), ...))
        if pinned is not ...:
            # the officer said what this column is: it counts as a synonym of that field
            fields: tuple[str, ...] = (pinned,) if pinned and field_exists(kind, pinned) else ()
        else:
            full = header_words(text)
            fields = exact_fields(kind, full) or exact_fields(kind, stripped)
            fields = tuple(f for f in fields if field_exists(kind, f))
        if not fields:
            continue
        fld = fields[0]
        child = split_field(kind, fld)[0] is not kind
        weight = 0.5 if (stripped in GENERIC_HEADERS or child) else 1.0
        if fld not in contributions or contributions[fld][0] < weight:
            contributions[fld] = (weight, index, text)
    own = {f for f in contributions if split_field(kind, f)[0] is kind}
    if not own or not _has_key(kind, own) or len(contributions) < (1 if override else 2):
        return None
    score = [0.0, 0.0]
    for fld, (weight, index, text) in contributions.items():
        if sample is not None:
            fit = content_fit(kind, fld, text, [row[index] for row in sample if index < len(row)], settings)
            if fit is not None:
                weight *= 0.5 + 0.5 * fit
        score[0 if fld in own else 1] += weight
    return score[0], score[1]


def detect(preview: list[tuple[int, list[Any]]], merges: list[Merge], override: EntityKind | None,
           sheet_hint: str, file_hint: str, settings: ParserSettings,
           forced: dict[str, str | None] | None = None) -> Detection | None:
    """The best (header row, entity) of a sheet, or ``None`` when no row reads as a continuity table.

    ``forced``: the officer's own mapping (header -> field), which counts as a synonym."""
    forced = forced or {}
    kinds = [override] if override is not None else list(HEADER_SYNONYMS)
    sheet_hint, file_hint = fold_accents(sheet_hint.casefold()), fold_accents(file_hint.casefold())
    scored: list[tuple[float, int, EntityKind]] = []
    seen: set[tuple[str, ...]] = set()
    for pos, (_number, row) in enumerate(preview):
        texts = [V.text(v).replace("\n", " ").strip() if isinstance(v, str) and v.strip() else "" for v in row]
        width = sum(1 for t in texts if t)
        if width < (1 if override else 2):
            continue
        signature = tuple(t.casefold() for t in texts if t)
        if signature in seen:
            continue  # the header repeated further down (a page break): the first one is the header
        seen.add(signature)
        sample: list[list[Any]] | None = None
        for kind in kinds:
            base = _score(kind, texts, None, settings, override is not None, forced)
            if base is None:
                continue
            if sample is None:
                sample = sample_below(preview, pos)
            own, carried = _score(kind, texts, sample, settings, override is not None, forced) or (0.0, 0.0)
            score = own
            if _HINTS[kind].search(sheet_hint):
                score += 1.0
            if _HINTS[kind].search(file_hint):
                score += 0.5
            if score < (1.0 if override else 2.0):
                continue
            score += carried
            score += min(width, 30) * 0.02  # a real header is wider than a key/value block
            scored.append((score, pos, kind))
    if not scored:
        return None
    best = max(scored, key=lambda s: (s[0], -s[1], -kinds.index(s[2])))
    others = [s for s in scored if s[2] is not best[2]]
    runner = max(others, key=lambda s: s[0]) if others else None
    return Detection(best[1], best[2], round(best[0], 2), runner[2] if runner else None,
                     round(runner[0], 2) if runner else 0.0)
