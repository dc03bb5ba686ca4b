"""Step 3 of an import: map each column of a table to a model field, by its header and its content.

A header is matched to the fields whose synonym it is (``docs/import.md`` lists the ways); when two
fields claim a column ("Status" on a drill log: the exercise result, or the status of the corrective
action on the same row?) or two columns claim a field, the cells under the header decide: the field
whose parser reads them wins. The officer can force a mapping (``--map "PII (Y/N)=personal_data"`` or
``columns:`` in itscm.yaml); a forced mapping is never second-guessed.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from itscm_audit.importers import values as V
from itscm_audit.importers.fields import ParserSettings, compile_parser, field_exists, kind_of, split_field
from itscm_audit.importers.profiles import ProfileColumn, ProfileTable
from itscm_audit.importers.vocabulary import (
    GENERIC_HEADERS,
    HEADER_KIND_WORDS,
    HEADER_SYNONYMS,
    SECONDARY_GROUP_WORDS,
    SECONDARY_GROUPS,
    header_words,
    normalise_header,
)
from itscm_audit.importers.words import bag_fields, header_bag, says_header_words
from itscm_audit.model import EntityKind

MIN_CONFIDENCE = 0.78
"""Below this, a fuzzy header match is not trusted and the column is kept as an extra attribute."""
CONFIRM_BELOW = 0.95
"""Fuzzy matches below this are listed as issues so the officer confirms them (then saves a profile)."""
KEEP_AS_EXTRA = frozenset({"", "-", "extra", "none", "ignore"})
"""``--map "Notes="`` (or ``extra``): keep the column as an extra attribute, whatever its header says."""


def column_letter(index: int) -> str:
    """0 -> ``A``, 27 -> ``AB``."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    number = 0
    for ch in letters.upper():
        number = number * 26 + ord(ch) - 64
    return number - 1


@dataclass(frozen=True)
class ColumnMapping:
    """One physical column: header text, the field it feeds (``None``: kept as extra), confidence."""

    index: int
    header: str
    field: str | None
    confidence: float
    continues: int | None = None
    """Index of the column this one continues (a logical column spread under a merged header)."""
    forced: bool = False
    """Mapped by the officer (``--map`` or ``columns:``), not detected."""

    @property
    def letter(self) -> str:
        return column_letter(self.index)


@dataclass(frozen=True)
class TableMapping:
    """What the importer understood of one sheet; shown by ``itscm-audit import``."""

    file: str
    sheet: str | None
    entity: EntityKind
    header_row: int
    columns: tuple[ColumnMapping, ...]
    from_profile: bool = False
    runner_up: EntityKind | None = None
    """The entity the table would otherwise have been read as (``None``: no other candidate)."""
    confidence: float = 1.0
    """How clearly ``entity`` beat the runner-up: 1.0 alone, 0.5 a tie."""
    header_first_row: int | None = None
    """The header's first row when it takes two (a group header over sub-headers); else ``None``."""

    def to_profile_table(self) -> ProfileTable:
        return ProfileTable(
            sheet=self.sheet, entity=self.entity.value, header_row=self.header_row,
            columns=tuple(ProfileColumn(column=c.letter, header=c.header, field=c.field,
                                        continues=None if c.continues is None else column_letter(c.continues))
                          for c in self.columns),
        )

    def headers(self) -> dict[str, dict[str, str]]:
        """Per record prefix (``""`` for the table's own entity, ``finding``, ``corrective_action``): model
        field -> the officer's header. One dict per table, shared by every record read from it."""
        out: dict[str, dict[str, str]] = {"": {}}
        for c in self.columns:
            if c.field is None or c.continues is not None:
                continue
            prefix, dot, rest = c.field.partition(".")
            if dot:
                out.setdefault(prefix, {})[rest] = c.header
            else:
                out[""][c.field] = c.header
        return out


# --- header text to fields --------------------------------------------------------------------------------

def _candidates_by_synonym() -> dict[EntityKind, dict[str, tuple[str, ...]]]:
    """Per entity, synonym -> the fields it may name; a field whose own first synonym it is comes first."""
    out: dict[EntityKind, dict[str, tuple[str, ...]]] = {}
    for kind, fields in HEADER_SYNONYMS.items():
        listed: dict[str, list[str]] = {}
        for fld, synonyms in fields.items():
            for synonym in synonyms:
                names = listed.setdefault(synonym, [])
                if fld not in names:
                    names.append(fld)
        for fld, synonyms in fields.items():
            names = listed[synonyms[0]]
            names.remove(fld)
            names.insert(0, fld)
        out[kind] = {syn: tuple(names) for syn, names in listed.items()}
    return out


SYNONYM_FIELDS = _candidates_by_synonym()
"""Normalised header -> fields, per entity (several fields when the header is shared, e.g. "Status")."""

SYNONYM_RANK: dict[EntityKind, dict[tuple[str, str], int]] = {
    kind: {(syn, fld): rank for fld, synonyms in fields.items() for rank, syn in enumerate(synonyms)}
    for kind, fields in HEADER_SYNONYMS.items()
}
"""Position of a synonym in its field's list: the specific ones come first ("Exercise ID" before "#"), so
when two columns name the same field the more specific header takes it."""


def _rank_score(kind: EntityKind, fld: str, header: str) -> float:
    """1.0 for a field's own first synonyms, a little less for the generic ones further down its list."""
    ranks = SYNONYM_RANK[kind]
    for form in (header, _canonical_words(header), header.rsplit(" ", 1)[0]):
        rank = ranks.get((form, fld))
        if rank is not None:
            return 1.0 - 0.002 * min(rank, 20)
    return 1.0

_WORD_FORMS = {"identifier": "id", "ident": "id", "reference": "ref", "number": "no", "nr": "no", "num": "no",
               "svc": "service", "app": "application", "apps": "application", "sys": "system",
               "info": "information", "dept": "department", "mgr": "manager", "freq": "frequency",
               "hrs": "hours", "dt": "date"}
_UNIT_WORDS = frozenset({"hrs", "hours", "hour", "hr", "h", "minutes", "mins", "min", "seconds", "secs", "days",
                         "day", "d", "heures", "heure", "jours", "jour", "semaines", "weeks", "months", "mois",
                         "yyyy", "mm", "dd", "aaaa", "jj", "yy", "iso", "date", "format", "optional", "required",
                         "mandatory", "obligatoire", "facultatif", "s", "if", "any", "list", "ids", "id", "codes",
                         "code", "name", "names", "nom", "noms", "text", "y", "n", "oui", "non", "yes", "no",
                         "hh", "utc", "local", "time", "est", "edt", "et", "in", "en", "e", "g", "eg"})
"""Words inside brackets that only qualify a header: ``RTO (hrs)``, ``Date (YYYY-MM-DD)``, ``Owner (name)``."""


def _canonical_words(normalised: str) -> str:
    """``recovery time objectives`` -> ``recovery time objective``; ``svc code`` -> ``service code``."""
    words = []
    for word in normalised.split():
        word = _WORD_FORMS.get(word, word)
        if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
            word = word[:-1]
        words.append(_WORD_FORMS.get(word, word))
    return " ".join(words)


def exact_fields(kind: EntityKind, normalised: str) -> tuple[str, ...]:
    """The fields whose synonym this header is, allowing a unit word, a plural or an abbreviation."""
    reverse = SYNONYM_FIELDS[kind]
    found = reverse.get(normalised)
    if found is None and normalised.endswith((" hrs", " hours", " minutes", " days", " heures", " jours", " le",
                                              " on", " at", " yes no", " oui non")):
        found = reverse.get(normalised.rsplit(" ", 1)[0])
    if found is None:
        canonical = _canonical_words(normalised)
        if canonical != normalised:
            found = reverse.get(canonical)
    return found or ()


def header_fields(kind: EntityKind, header: str) -> list[tuple[str, float]]:
    """Fields a header may name, with the confidence the header alone gives (1.0 for a synonym)."""
    full = header_words(header)
    stripped = normalise_header(header)
    found: dict[str, float] = {}
    if full != stripped:
        for fld in exact_fields(kind, full):
            found[fld] = _rank_score(kind, fld, full)
    if stripped:
        bracket = set(full.split()) - set(stripped.split())
        qualified = not bracket or bracket <= _UNIT_WORDS or V.header_unit(header) is not None
        exact = exact_fields(kind, stripped)
        for fld in exact:
            if not qualified and any(fld in exact_fields(kind, w) for w in bracket):
                qualified = True
            found[fld] = max(found.get(fld, 0.0), _rank_score(kind, fld, stripped) if qualified else 0.9)
    if not found and stripped and len(header) <= 120:
        # the header's words, whatever their order ("Date Conducted", "Responsable de la mesure")
        found.update(bag_fields(kind, header))
    if not found and stripped and not says_header_words(header):
        # a spelling the vocabulary lacks ("Recvoery time"); a header of words it knows means those words
        loose, score = fuzzy_field(kind, stripped)
        if loose is not None:
            found[loose] = score
    return sorted(found.items(), key=lambda item: -item[1])


def fuzzy_field(kind: EntityKind, normalised: str) -> tuple[str | None, float]:
    """Best field for a header by token set, containment or similarity ratio (exact synonyms excluded)."""
    if not normalised:
        return None, 0.0
    tokens = set(normalised.split())
    best: tuple[str | None, float] = (None, 0.0)
    matcher = difflib.SequenceMatcher(autojunk=False)
    matcher.set_seq2(normalised)
    for synonym, fields in SYNONYM_FIELDS[kind].items():
        fld = fields[0]
        syn_tokens = set(synonym.split())
        if syn_tokens == tokens:
            score = 0.97
        elif (len(synonym) >= 4 and synonym not in GENERIC_HEADERS and syn_tokens <= tokens
              and len(tokens) <= 2 * len(syn_tokens)):
            score = 0.8 + 0.1 * len(syn_tokens) / len(tokens)
        else:
            matcher.set_seq1(synonym)
            if matcher.real_quick_ratio() < best[1] or matcher.quick_ratio() < best[1]:
                continue
            score = matcher.ratio() * 0.95
        if score > best[1] and _compatible(kind, fld, normalised):
            best = (fld, score)
    return best


def _compatible(kind: EntityKind, fld: str, normalised: str) -> bool:
    """A fuzzy match must not cross kinds: "Status Date" is a date, not a status."""
    what = kind_of(kind, fld)
    words = set(normalised.split())
    if words & {"date", "when", "time", "timestamp", "le"} and what not in ("date", "datetime", "duration"):
        return False
    return not (what in ("date", "datetime") and not words & {
        "date", "on", "at", "when", "day", "time", "completed", "opened", "closed", "raised", "reviewed",
        "approved", "verified", "due", "le", "verification", "revue", "revision", "echeance"})


# --- content --------------------------------------------------------------------------------------------

def content_fit(kind: EntityKind, fld: str, header: str, cells: Sequence[Any], settings: ParserSettings) -> float | None:
    """Share of the sample cells the field's parser reads (``None``: nothing to judge by). For the table's
    own identifier, the share of cells that look like one: a code or a text with a digit, never a system's
    internal key (a 32-digit hexadecimal GUID) nor a sentence ("Pandemic staffing tabletop")."""
    if fld == "id":
        texts = [str(c).strip() for c in cells if c is not None and str(c).strip()]
        if not texts:
            return None
        return sum(1 for t in texts if _looks_like_an_id(t)) / len(texts)
    if split_field(kind, fld)[1] in _WORDED_FIELDS:
        # a column of codes (ACT-01, ACT-02) is not a description, whatever its header says
        texts = [str(c).strip() for c in cells if isinstance(c, str) and c.strip()]
        if len(texts) < 2:
            return None
        return sum(1 for t in texts if not _CODE.fullmatch(t)) / len(texts)
    if kind_of(kind, fld) in ("text", "id"):
        return None
    parse = compile_parser(kind, fld, header, settings, {})
    tried = read = 0
    for cell in cells:
        if cell is None or cell == "":
            continue
        if isinstance(cell, str) and (not cell.strip() or V.not_given(cell) is not None):
            continue
        tried += 1
        try:
            parse(cell)
        except V.ValueProblem:
            continue
        read += 1
    return read / tried if tried else None


_WORDED_FIELDS = frozenset({"description", "scenario", "title"})
"""Fields written in words: a column holding only codes is something else (an identifier, a reference)."""
_GUID = re.compile(r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE)


def _looks_like_an_id(text: str) -> bool:
    if _GUID.fullmatch(text):
        return False
    return bool(_CODE.fullmatch(text)) or (any(ch.isdigit() for ch in text) and len(text.split()) <= 3)


SECONDARY_NAME = 0.9
"""Confidence of an alternate's name read from a group that names someone else in words the synonyms lack."""


def group_fields(kind: EntityKind, group: str, sub: str) -> list[tuple[str, float]]:
    """Fields a column under a group header may name: the two headers read together when they are a
    synonym ("Primary" + "Name", "Target" + "RTO"), else the sub-header alone ("Objectifs de reprise" +
    "DMT"). Under a group naming someone else than the record ("Alternate", "Suppléant"), the person's
    name is the field the group names and the person's other details are kept as extras."""
    alone = header_fields(kind, sub)
    plain_group = normalise_header(group)
    if plain_group in SECONDARY_GROUPS or set(plain_group.split()) & SECONDARY_GROUP_WORDS:
        if alone and alone[0][0] == "name":
            named = [(f, s) for f, s in header_fields(kind, group) if s >= CONFIRM_BELOW]
            if not named and field_exists(kind, "alternate"):
                named = [("alternate", SECONDARY_NAME)]  # "Répondant de relève" over "Nom"
            return named
        return []
    together = header_fields(kind, f"{group} {sub}")
    alone_best = alone[0][1] if alone else 0.0
    if together and (together[0][1] >= CONFIRM_BELOW or (
            alone_best <= together[0][1] and (alone_best >= MIN_CONFIDENCE or says_header_words(sub)))):
        return together  # "Recovery time" over "Target": the two say more than "Target" alone
    return alone


def map_columns(kind: EntityKind, texts: list[str], continues: dict[int, int], sample: Sequence[Sequence[Any]],
                settings: ParserSettings, forced: dict[str, str | None] | None = None,
                groups: dict[int, tuple[str, str]] | None = None) -> tuple[ColumnMapping, ...]:
    """Assign each field to at most one column, best confidence first; the rest are kept as extras.

    ``forced`` maps a header (as written, any case) or a column letter to a field (``None``: extra);
    ``groups`` gives the group header and sub-header of the columns under a two-row header.
    """
    forced = forced or {}
    groups = groups or {}
    pinned: dict[int, str | None] = {}
    for index, header in enumerate(texts):
        if not header or index in continues:
            continue
        for key in (header, " ".join(header.split()).casefold(), column_letter(index)):
            if key in forced:
                pinned[index] = forced[key]
                break
    candidates: list[tuple[float, float, int, str]] = []
    for index, header in enumerate(texts):
        if not header or index in continues or index in pinned:
            continue
        named = group_fields(kind, *groups[index]) if index in groups else header_fields(kind, header)
        options = [(f, s) for f, s in named if s >= MIN_CONFIDENCE and field_exists(kind, f)]
        if not options:
            continue
        cells = [row[index] for row in sample if index < len(row)]
        for fld, score in options:
            fit = content_fit(kind, fld, header, cells, settings) if (
                len(options) > 1 or score < 1.0 or kind_of(kind, fld) != "text"
                or split_field(kind, fld)[1] in _WORDED_FIELDS) else None
            if fit is not None and score < CONFIRM_BELOW and fit < 0.3:
                continue  # a loose header match that the column's content contradicts
            adjusted = score if fit is None else score * (0.6 + 0.4 * fit)
            candidates.append((adjusted, score, index, fld))
    candidates.sort(key=lambda c: (-c[0], c[2]))
    taken: dict[int, tuple[str, float]] = {}
    used = {f for f in pinned.values() if f}
    for _adjusted, score, index, fld in candidates:
        if fld in used or index in taken:
            continue
        taken[index] = (fld, score)
        used.add(fld)
    if field_exists(kind, "id") and "id" not in used:
        coded = kind_named_codes(kind, texts, continues, pinned, taken, sample)
        if coded is not None:
            taken[coded] = ("id", NAMED_BY_ITS_KIND)
    columns = []
    for index, header in enumerate(texts):
        if index in continues:
            base = continues[index]
            fld_c = pinned[base] if base in pinned else taken.get(base, (None, 0.0))[0]
            columns.append(ColumnMapping(index, texts[base], fld_c, taken.get(base, (None, 1.0))[1], continues=base,
                                         forced=base in pinned))
        elif index in pinned:
            columns.append(ColumnMapping(index, header, pinned[index], 1.0, forced=True))
        elif header:
            fld_t, score = taken.get(index, (None, 1.0))
            columns.append(ColumnMapping(index, header, fld_t, round(score, 2) if score < 0.995 else 1.0))
    return tuple(columns)


NAMED_BY_ITS_KIND = 0.9
"""Confidence of an identifier column found by its header naming the records and its codes (listed to confirm)."""
_CODE = re.compile(r"[A-Z0-9]+(?:[-_./][A-Z0-9]+)+|[A-Z]{1,8}\d+[A-Z0-9]*")


def kind_named_codes(kind: EntityKind, texts: list[str], continues: dict[int, int], pinned: dict[int, str | None],
                      taken: dict[int, tuple[str, float]], sample: Sequence[Sequence[Any]]) -> int | None:
    """A table with no identifier column whose header names the records themselves ("Game day" in a log of
    game days, "Plan" in a plan register) over distinct codes (``GD-2026-01``, ``PLAN-DR``): that column is
    the identifier, rather than a name or a title standing in for one."""
    for index, header in enumerate(texts):
        if not header or index in continues or index in pinned:
            continue
        if index in taken and taken[index][1] >= CONFIRM_BELOW:
            continue
        bag = header_bag(header)
        if not bag & HEADER_KIND_WORDS[kind] or not bag <= HEADER_KIND_WORDS[kind] | {"id"}:
            continue  # ("Ref" alone names no kind of record: a generic key is not this one)
        cells = [str(row[index]).strip() for row in sample if index < len(row) and row[index] not in (None, "")]
        cells = [c for c in cells if len(c.split()) <= 6]  # a note or sign-off line under the table is no value
        codes = [c for c in cells if _CODE.fullmatch(c)]
        if len(codes) >= 2 and len(codes) >= 0.8 * len(cells) and len(set(codes)) == len(codes):
            return index
    return None


def own_field(kind: EntityKind, name: str) -> bool:
    """Whether a mapped field belongs to the table's own entity (not to a record its rows carry)."""
    return split_field(kind, name)[0] is kind
