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
from itscm_audit.importers.columns import content_fit, exact_fields, kind_named_codes
from itscm_audit.importers.fields import ParserSettings, field_exists, kind_of, split_field
from itscm_audit.importers.locate import Merge, sample_below
from itscm_audit.importers.vocabulary import (
    FALLBACKS,
    GENERIC_HEADERS,
    HEADER_KIND_WORDS,
    HEADER_SYNONYMS,
    KEY_FIELDS,
    NAME_HINTS,
    OTHER_REGISTER_HINTS,
    REQUIRED,
    fold_accents,
    header_words,
    normalise_header,
)
from itscm_audit.importers.words import SAME_WORDS, bag_fields, header_bag
from itscm_audit.model import EntityKind

_OTHER_REGISTER = re.compile(r"\b(?:" + "|".join(re.escape(w) for w in OTHER_REGISTER_HINTS) + ")", re.IGNORECASE)
_HINTS = {kind: re.compile(r"\b(?:" + "|".join(re.escape(w) for w in words) + ")", re.IGNORECASE)
          for kind, words in NAME_HINTS.items()}

WORD_MATCH = 0.86
"""A header matched word by word counts towards an entity from this confidence on (as three quarters of a
synonym): the same words, or a synonym with one more word that names no other field."""

_IDENTIFYING = {kind: frozenset((*KEY_FIELDS[kind], *FALLBACKS.get(kind, {}).values())) for kind in EntityKind}

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
           override: bool, forced: dict[str, str | None]) -> tuple[float, float, frozenset[str]] | None:
    """The header score of one row for one entity: its own fields, and the fields of the records its
    rows may carry (a bonus, never enough alone), with the fields found. ``None``: the row cannot be this
    entity's header."""
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
            if not fields and " / " in text:
                # a bilingual header ("Status / État", "Target date / Date cible"): either side names it
                for side in text.split(" / "):
                    fields = exact_fields(kind, header_words(side)) or exact_fields(kind, normalise_header(side))
                    if fields:
                        break
            fields = tuple(f for f in fields if field_exists(kind, f))
        by_words = False
        if not fields and len(text) <= 100 and len(header_bag(text)) >= 2:
            # the header's words in another order or with more of them ("Date Conducted", "Sys #"); a
            # header of one meaningful word counts only as a synonym ("Service" does not make a vendor list)
            # (a header that says more than a synonym counts only for the fields that identify a record)
            fields = tuple(f for f, s in bag_fields(kind, text) if field_exists(kind, f) and (
                s >= SAME_WORDS or (s >= WORD_MATCH and f in _IDENTIFYING[kind])))
            by_words = True
        if not fields:
            continue
        fld = fields[0]
        child = split_field(kind, fld)[0] is not kind
        weight = 0.5 if (stripped in GENERIC_HEADERS or child) else 1.0
        if by_words:
            weight *= 0.75
        if fld not in contributions or contributions[fld][0] < weight:
            contributions[fld] = (weight, index, text)
    own = {f for f in contributions if split_field(kind, f)[0] is kind}
    if own and not _has_key(kind, own) and sample is not None and field_exists(kind, "id"):
        # "Item / Élément" over MAP-01, MAP-02: a column named for the records over codes is their id
        claimed = {index: ("", 1.0) for fld, (_weight, index, _text) in contributions.items()
                   if split_field(kind, fld)[1] not in ("description", "scenario", "title")}
        coded = kind_named_codes(kind, texts, {}, {}, claimed, sample)
        if coded is not None:
            # that column is the records' identifier, not also their description
            for fld in [f for f, (_w, index, _t) in contributions.items() if index == coded]:
                del contributions[fld]
                own.discard(fld)
            contributions["id"] = (0.75, coded, texts[coded])
            own.add("id")
    if not own or not _has_key(kind, own) or len(contributions) < (1 if override else 2):
        return None
    score = [0.0, 0.0]
    for fld, (weight, index, text) in contributions.items():
        if sample is not None:
            fit = content_fit(kind, fld, text, [row[index] for row in sample if index < len(row)], settings)
            if fit is not None:
                weight *= 0.5 + 0.5 * fit
        score[0 if fld in own else 1] += weight
    stands_in = set(FALLBACKS.get(kind, {}))
    if any(f not in own and f not in stands_in and f != "id" and kind_of(kind, f) in ("date", "datetime")
           for f in REQUIRED[kind]):
        score[0] *= 0.5  # every row would be rejected (an exercise log with no date): another reading is likelier
    return score[0], score[1], frozenset(contributions)


def _under_its_groups(best: tuple[float, int, EntityKind], scored: list[tuple[float, int, EntityKind]],
                      preview: list[tuple[int, list[Any]]], merges: list[Merge]) -> tuple[float, int, EntityKind]:
    """A row of group headers ("System" merged over "Sys #" and "Application", "Recovery objectives" over
    MTPD / RTO / RPO) is not the header when the row under it reads as the same table's header: the
    sub-headers are (the group row is read with them by :func:`~itscm_audit.importers.locate.read_header`)."""
    score, pos, kind = best
    if pos + 1 >= len(preview) or preview[pos + 1][0] != preview[pos][0] + 1:
        return best
    row0 = preview[pos][0] - 1
    below = preview[pos + 1][1]
    grouped = any(r0 == r1 == row0 and c1 > c0 and sum(
        1 for c in range(c0, min(c1, len(below) - 1) + 1) if isinstance(below[c], str) and below[c].strip()) >= 2
        for r0, c0, r1, c1 in merges)
    if not grouped:
        return best
    under = [s for s in scored if s[1] == pos + 1 and s[2] is kind]
    return under[0] if under and under[0][0] >= 0.5 * score else best


def _finding_with_its_action(best: tuple[float, int, EntityKind], scored: list[tuple[float, int, EntityKind]],
                             found: dict[tuple[int, EntityKind], frozenset[str]]) -> tuple[float, int, EntityKind]:
    """A POA&M row names a weakness and its remediation (milestone, point of contact, scheduled completion):
    read as corrective actions only, the weakness would be lost; read as findings, each row carries its
    corrective action. So a table with a finding description and two or more action columns is a finding log."""
    if best[2] not in (EntityKind.CORRECTIVE_ACTION, EntityKind.FINDING):
        return best
    fields = found.get((best[1], EntityKind.FINDING), frozenset())
    carried = sum(1 for f in fields if f.startswith("corrective_action."))
    if "description" not in fields or carried < 2:
        return best
    return next((s for s in scored if s[1] == best[1] and s[2] is EntityKind.FINDING), best)


def detect(preview: list[tuple[int, list[Any]]], merges: list[Merge], override: EntityKind | None,
           sheet_hint: str, file_hint: str, settings: ParserSettings,
           forced: dict[str, str | None] | None = None) -> Detection | None:
    """The best (header row, entity) of a sheet, or ``None`` when no row reads as a continuity table.

    ``forced``: the officer's own mapping (header -> field), which counts as a synonym."""
    forced = forced or {}
    kinds = [override] if override is not None else list(HEADER_SYNONYMS)
    sheet_hint, file_hint = fold_accents(sheet_hint.casefold()), fold_accents(file_hint.casefold())
    scored: list[tuple[float, int, EntityKind]] = []
    found: dict[tuple[int, EntityKind], frozenset[str]] = {}
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
            if base is None and not any(t and header_bag(t) & HEADER_KIND_WORDS[kind]
                                        and header_bag(t) <= HEADER_KIND_WORDS[kind] | {"id"} for t in texts):
                continue  # (a column named for the records may still be their id: judged on the sample)
            if sample is None:
                sample = sample_below(preview, pos)
            own, carried, fields = _score(kind, texts, sample, settings, override is not None, forced) or (
                0.0, 0.0, frozenset())
            score = own
            if _HINTS[kind].search(sheet_hint):
                score += 1.0
            if _HINTS[kind].search(file_hint):
                score += 0.5
            if not override and _OTHER_REGISTER.search(f"{sheet_hint} {file_hint}") and not (
                    _HINTS[kind].search(sheet_hint) or _HINTS[kind].search(file_hint)):
                score -= 1.0  # "applied_controls_sample": a list of controls, not services
            if score < (1.0 if override else 2.0):
                continue
            score += carried
            score += min(width, 30) * 0.02  # a real header is wider than a key/value block
            scored.append((score, pos, kind))
            found[(pos, kind)] = fields
    if not scored:
        return None
    best = max(scored, key=lambda s: (s[0], -s[1], -kinds.index(s[2])))
    best = _under_its_groups(best, scored, preview, merges)
    poam = _finding_with_its_action(best, scored, found)
    # a finding log whose rows carry their actions holds the action register too: not a runner-up
    carries = poam[2] is EntityKind.FINDING and any(
        f.startswith("corrective_action.") for f in found.get((poam[1], poam[2]), ()))
    others = [s for s in scored if s[2] is not poam[2]
              and not (carries and s[2] is EntityKind.CORRECTIVE_ACTION and s[1] == poam[1])]
    best = poam
    runner = max(others, key=lambda s: s[0]) if others else None
    return Detection(best[1], best[2], round(best[0], 2), runner[2] if runner else None,
                     round(runner[0], 2) if runner else 0.0)
