"""What the officer may have to say about a table: columns left unmapped whose cells look like a field's
values, and sheets that plainly hold a register the importer could not key.

Neither is a guess the importer acts on: each is a located warning that names the column or the sheet
and the ``--map`` / ``--entity`` option that would settle it, so nothing a human would read there is
dropped in silence.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from itscm_audit.importers import values as V
from itscm_audit.importers.columns import MIN_CONFIDENCE, TableMapping, content_fit, exact_fields
from itscm_audit.importers.context import ImportContext, ref
from itscm_audit.importers.fields import ParserSettings, kind_of, mappable_fields, split_field
from itscm_audit.importers.vocabulary import HEADER_SYNONYMS, KEY_FIELDS, header_words, normalise_header
from itscm_audit.importers.words import bag_fields
from itscm_audit.model import EntityKind, Severity

LOOKS_LIKE = 0.8
"""Share of a column's sample cells a field's parser must read for the column to look like that field."""
_MIN_CELLS = 2
_KIND_WORDS = {"date": "dates", "datetime": "dates and times", "duration": "durations", "bool": "yes/no answers",
               "tier": "tiers", "vocabulary": "words of a known list", "enum": "words of a known list"}
_ALWAYS_READ = ("date", "datetime", "duration", "bool", "tier", "vocabulary", "enum")
_NEAR_MISS_FIELDS = 3
_HEADER_LENGTH = 60
_HEADER_WORDS = 8


def _field_words(kind: EntityKind, name: str) -> str:
    owner, base = split_field(kind, name)
    what = base.replace("_", " ")
    return f"{owner.value.replace('_', ' ')} {what}" if owner is not kind else f"{kind.value.replace('_', ' ')} {what}"


def _judged(cells: Sequence[Any]) -> list[Any]:
    """The cells worth judging a column by: texts and real dates (a bare number reads as almost anything)."""
    return [c for c in cells if (isinstance(c, str) and c.strip()) or isinstance(c, (dt.date, dt.datetime))]


def unmapped_columns(ctx: ImportContext, mapping: TableMapping, sample: Sequence[Sequence[Any]],
                     settings: ParserSettings) -> None:
    """Warn, per column kept as an extra attribute, when its cells read as the values of a field the
    table has not mapped: "column 'Held' looks like dates: map it with --map 'Held=date' if it is the
    exercise date"."""
    mapped = {c.field for c in mapping.columns if c.field}
    kind = mapping.entity
    free = [f for f in mappable_fields(kind) if f not in mapped and kind_of(kind, f) in _ALWAYS_READ]
    if not free:
        return
    for column in mapping.columns:
        if column.field is not None or column.forced or column.continues is not None or not column.header:
            continue
        cells = _judged([row[column.index] for row in sample if column.index < len(row)])
        if len(cells) < _MIN_CELLS:
            continue
        fits: list[str] = []
        what = ""
        for name in free:
            fit = content_fit(kind, name, column.header, cells, settings)
            if fit is not None and fit >= LOOKS_LIKE:
                fits.append(name)
                what = what or _KIND_WORDS[kind_of(kind, name)]
        if not fits:
            continue
        which = " or the ".join(_field_words(kind, f) for f in fits[:3])
        first = fits[0]
        ctx.issue("column.looks_like", f"column {column.header!r} looks like {what} but was kept as an extra "
                  f"attribute: if it is the {which}, map it with --map '{column.header}={first}'",
                  ref(mapping.file, mapping.sheet, mapping.header_row, column.header,
                      V.text(cells[0])[:200]), Severity.WARNING)


def near_miss(preview: list[tuple[int, list[Any]]]) -> tuple[int, EntityKind, list[tuple[str, str]]] | None:
    """The row and entity a sheet most looks like when no header row was recognised (three or more
    columns name its fields, but none identifies a record), with those columns; ``None`` otherwise."""
    best: tuple[int, EntityKind, list[tuple[str, str]]] | None = None
    for number, row in preview:
        # headers are short: paragraphs and long labels are not looked up
        texts = [t for t in (V.text(v).replace("\n", " ").strip() for v in row if isinstance(v, str))
                 if t and len(t) <= _HEADER_LENGTH and len(t.split()) <= _HEADER_WORDS]
        if len(texts) < _NEAR_MISS_FIELDS:
            continue
        for kind in HEADER_SYNONYMS:
            named: dict[str, str] = {}
            for text in texts:
                listed = exact_fields(kind, header_words(text)) or exact_fields(kind, normalise_header(text))
                fields = [f for f in listed if split_field(kind, f)[0] is kind] or [
                    f for f, score in bag_fields(kind, text) if score >= MIN_CONFIDENCE and split_field(kind, f)[0]
                    is kind]
                if fields and fields[0] not in named:
                    named[fields[0]] = text
            if len(named) >= _NEAR_MISS_FIELDS and (best is None or len(named) > len(best[2])):
                best = (number, kind, [(text, fld) for fld, text in named.items()])
    return best


def say_near_miss(ctx: ImportContext, label: str, sheet: str | None, found: tuple[int, EntityKind,
                                                                               list[tuple[str, str]]]) -> None:
    """The warning for a sheet that looks like a register but could not be keyed (see :func:`near_miss`)."""
    number, kind, named = found
    columns = ", ".join(f"{text!r} -> {fld}" for text, fld in named[:6])
    keys = " or ".join(KEY_FIELDS[kind])
    ctx.issue("sheet.not_recognised", f"row {number} looks like the header of a {kind.value.replace('_', ' ')} table "
              f"({columns}) but no column reads as its {keys}: name that column with --map 'HEADER={KEY_FIELDS[kind][0]}'"
              f", or read the sheet with --entity {kind.value}", ref(label, sheet, number), Severity.WARNING)
