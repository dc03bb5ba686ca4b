"""The import run: each source file through the steps, in order, and the result assembled.

The steps, each in its own module:

0. :mod:`~itscm_audit.importers.prefetch` opens the next files while this one is read;
1. :mod:`~itscm_audit.importers.locate` finds each sheet's header row and its header texts;
2. :mod:`~itscm_audit.importers.detect` decides which entity the table holds (headers and content);
3. :mod:`~itscm_audit.importers.columns` maps each column to a field (or uses the saved profile);
4. :mod:`~itscm_audit.importers.rows` reads the rows into values, accounting for every row: the cells
   through :mod:`~itscm_audit.importers.cells`, the rows that are not records through
   :mod:`~itscm_audit.importers.skipped`;
5. :mod:`~itscm_audit.importers.records` builds the located records (and those a row carries);
6. :mod:`~itscm_audit.importers.links` resolves references between records, by id or by name.

:func:`detect_tables` runs steps 1-3 only: what ``init --from`` shows before anything is imported.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Any

from itscm_audit.errors import SourceError
from itscm_audit.importers.columns import (
    CONFIRM_BELOW,
    KEEP_AS_EXTRA,
    MIN_CONFIDENCE,
    ColumnMapping,
    TableMapping,
    column_index,
    column_letter,
    group_fields,
    header_fields,
    map_columns,
)
from itscm_audit.importers.context import ImportContext, ImportResult, ref
from itscm_audit.importers.detect import detect
from itscm_audit.importers.fields import ParserSettings, field_exists, mappable_fields
from itscm_audit.importers.hints import near_miss, say_near_miss, unmapped_columns
from itscm_audit.importers.links import link_references
from itscm_audit.importers.locate import PREVIEW_ROWS, read_header, sample_below
from itscm_audit.importers.prefetch import prefetched
from itscm_audit.importers.profiles import Profile, ProfileTable, load_profile, merge_profile
from itscm_audit.importers.readers import OpenedSource, open_source
from itscm_audit.importers.rows import read_table
from itscm_audit.importers.skipped import row_texts
from itscm_audit.importers.vocabulary import ENTITY_ALIASES, merged_vocabularies, normalise_value
from itscm_audit.model import ENTITY_FIELD, DataIssue, EntityKind, OrgData, Severity

__all__ = ["ColumnMapping", "DetectedTable", "ImportResult", "SourceItem", "TableMapping", "detect_tables",
           "parse_entity", "run_import", "total_records"]


@dataclass(frozen=True)
class SourceItem:
    """One file to import, with what the officer said about it (entity, sheet, forced column mappings)."""

    path: Path
    label: str
    entity: EntityKind | None = None
    sheet: str | None = None
    columns: dict[str, str | None] = field(default_factory=dict)
    """Header text (or column letter) -> field, ``None`` to keep the column as an extra attribute."""


@dataclass(frozen=True)
class DetectedTable:
    """A table found in a file, as :func:`detect_tables` reports it (nothing imported yet)."""

    file: str
    sheet: str | None
    entity: EntityKind
    runner_up: EntityKind | None
    confidence: float
    header_row: int
    columns: tuple[ColumnMapping, ...]
    issues: tuple[DataIssue, ...]


def parse_entity(name: str | None, where: str) -> EntityKind | None:
    """``--entity`` / ``entity:`` text to an entity kind (aliases such as ``bia`` or ``call-tree`` accepted)."""
    if not name:
        return None
    kind = ENTITY_ALIASES.get(name.strip().casefold())
    if kind is None:
        raise SourceError(f"unknown entity {name!r}", location=where,
                          hint="use one of: " + ", ".join(k.value for k in EntityKind))
    return kind


def total_records(result: ImportResult) -> int:
    """How many records were imported, all entities together."""
    return sum(len(getattr(result.data, f)) for f in ENTITY_FIELD.values())


def known_field(name: str) -> bool:
    """Whether ``--map`` / ``columns:`` may name this field for some entity."""
    return name in KEEP_AS_EXTRA or any(name in mappable_fields(kind) for kind in EntityKind)


def _forced(columns: dict[str, str | None]) -> dict[str, str | None]:
    """The officer's mapping keyed as :func:`map_columns` looks it up (header as written, any case, letter)."""
    out: dict[str, str | None] = {}
    for header, name in columns.items():
        target = None if name is None or normalise_value(str(name)) in KEEP_AS_EXTRA else str(name).strip()
        out[header] = target
        out[" ".join(header.split()).casefold()] = target
    return out


def settings_for(vocabularies: dict[str, dict[str, str]], as_of: dt.date | None) -> ParserSettings:
    """Parser settings of a run: shipped vocabularies with the workspace's words on top."""
    confirmed = {name: frozenset(normalise_value(k) for k in entries) for name, entries in vocabularies.items()}
    return ParserSettings(merged_vocabularies(vocabularies), confirmed, as_of)


# --- one sheet: steps 1-3 ----------------------------------------------------------------------------------

def _check_forced(ctx: ImportContext, mapping: TableMapping) -> TableMapping:
    """A forced field the table's entity does not have is reported and the column kept as extra; the
    follow-up columns of a log (action owner, due date...) count only beside a finding column."""
    # a finding's own row (a POA&M) carries its action without a finding column
    with_finding = mapping.entity is EntityKind.FINDING or any(c.field == "finding.description"
                                                               for c in mapping.columns)
    columns = []
    for column in mapping.columns:
        if not column.forced and not with_finding and column.field and "." in column.field:
            column = replace(column, field=None)
        if column.forced and column.field is not None and not field_exists(mapping.entity, column.field):
            ctx.issue("column.map_ignored", f"{column.field!r} is not a field of a {mapping.entity.value} table "
                      f"(fields: {', '.join(mappable_fields(mapping.entity))}); column kept as extra",
                      ref(mapping.file, mapping.sheet, mapping.header_row, column.header), Severity.WARNING)
            column = replace(column, field=None)
        columns.append(column)
    return replace(mapping, columns=tuple(columns))


def _detect_mapping(ctx: ImportContext, label: str, sheet_name: str | None, name_hint: str,
                    preview: list[tuple[int, list[Any]]], merges: list[tuple[int, int, int, int]],
                    entity: EntityKind | None, forced: dict[str, str | None], csv_like: bool) -> TableMapping | None:
    """Detect a sheet's header row, entity and column mapping; ``None`` (with a note) when there is none."""
    found = detect(preview, merges, entity, name_hint.replace("_", " "),
                   Path(label).stem.replace("_", " ").replace("-", " "), ctx.settings, forced)
    if found is None:
        looks = near_miss(preview) if entity is None else None
        if looks is not None:
            say_near_miss(ctx, label, sheet_name, looks)
        elif csv_like or entity is not None:
            ctx.issue("sheet.not_recognised", "no header row matching a continuity table was found in the "
                      f"first {PREVIEW_ROWS} rows", ref(label, sheet_name), Severity.WARNING)
        else:
            ctx.issue("sheet.not_recognised", "sheet not recognised as a continuity table: not imported",
                      ref(label, sheet_name), Severity.INFO)
        return None
    header = read_header(preview, found.position, merges, _names_a_field(found.entity), _names_alone(found.entity))
    number = preview[header.position][0]
    sample = sample_below(preview, header.position)
    columns = map_columns(found.entity, header.texts, header.continues, sample, ctx.settings, forced, header.groups)
    first = preview[header.first][0] if header.first is not None else None
    mapping = TableMapping(label, sheet_name, found.entity, number, columns, runner_up=found.runner_up,
                           confidence=found.confidence, header_first_row=first)
    if found.runner_up is not None and found.confidence < 0.6:
        ctx.issue("table.entity_uncertain", f"read as {found.entity.value} (confidence {found.confidence:.2f}); it "
                  f"could also be {found.runner_up.value}: use --entity to choose",
                  ref(label, sheet_name, number), Severity.WARNING)
    for column in columns:
        if column.field and column.continues is None and not column.forced and column.confidence < CONFIRM_BELOW:
            ctx.issue("column.fuzzy", f"column {column.header!r} read as {found.entity.value} {column.field} "
                      f"(confidence {column.confidence:.2f}); save a profile to confirm",
                      ref(label, sheet_name, number, column.header), Severity.INFO)
    mapping = _check_forced(ctx, mapping)
    unmapped_columns(ctx, mapping, sample, ctx.settings)
    return mapping


def _names_alone(kind: EntityKind) -> Callable[[str], bool]:
    """Whether a header names a field of ``kind`` on its own (see :func:`read_header`)."""
    return lambda text: any(field_exists(kind, f) and score >= MIN_CONFIDENCE for f, score in header_fields(kind, text))


def _names_a_field(kind: EntityKind) -> Callable[[str, str], bool]:
    """Whether a group header and its sub-header name a field of ``kind`` (see :func:`read_header`)."""
    return lambda group, sub: any(field_exists(kind, f) and score >= MIN_CONFIDENCE
                                  for f, score in group_fields(kind, group, sub))


def _profile_mapping(ctx: ImportContext, label: str, table: ProfileTable, preview: list[tuple[int, list[Any]]],
                     merges: list[tuple[int, int, int, int]], forced: dict[str, str | None]) -> TableMapping | None:
    """The profile's mapping when the header row still matches it; otherwise located issues and ``None``."""
    position = next((pos for pos, (number, _row) in enumerate(preview) if number == table.header_row), None)
    sheet = table.sheet or None
    where = ref(label, sheet, table.header_row)
    if position is None:
        ctx.issue("profile.mismatch", f"saved profile expects the header on row {table.header_row}, "
                  "which is no longer there", where)
        return None
    try:
        kind = EntityKind(table.entity)
    except ValueError:
        ctx.issue("profile.mismatch", f"saved profile names an unknown entity {table.entity!r}", where)
        return None
    header = read_header(preview, position, merges, _names_a_field(kind))
    texts = header.texts
    problems = []
    for col in table.columns:
        if col.continues is not None:
            continue
        index = column_index(col.column)
        now = texts[index] if index < len(texts) else ""
        if now == col.header:
            continue
        if col.header in texts:
            moved = column_letter(texts.index(col.header))
            problems.append((col, f"column {col.header!r} moved from {col.column} to {moved}", now))
        elif now:
            problems.append((col, f"column {col.column} was {col.header!r}, now {now!r} (renamed?)", now))
        else:
            problems.append((col, f"column {col.header!r} ({col.column}) is missing", now))
    if problems:
        for col, message, now in problems:
            ctx.issue("profile.mismatch", f"the file no longer matches its saved mapping profile: {message}",
                      ref(label, sheet, table.header_row, col.header, now or None))
        return None
    columns = []
    for col in table.columns:
        index = column_index(col.column)
        fld = col.field if col.field and field_exists(kind, col.field) else None
        pinned = next((forced[k] for k in (col.header, " ".join(col.header.split()).casefold(), col.column)
                       if k in forced), ...)
        cont = None if col.continues is None else column_index(col.continues)
        if pinned is not ... and cont is None:
            columns.append(ColumnMapping(index, col.header, pinned, 1.0, cont, forced=True))
        else:
            columns.append(ColumnMapping(index, col.header, fld, 1.0, cont))
    if any(c.forced for c in columns):
        taken = {c.field for c in columns if c.forced and c.field}
        columns = [c if c.forced or c.field not in taken else replace(c, field=None) for c in columns]
    first = preview[header.first][0] if header.first is not None and header.position == position else None
    return _check_forced(ctx, TableMapping(label, sheet, kind, table.header_row, tuple(columns), from_profile=True,
                                           header_first_row=first))


def _used_keys(mapping: TableMapping, forced: dict[str, str | None]) -> set[str]:
    used = set()
    for c in mapping.columns:
        for key in (c.header, " ".join(c.header.split()).casefold(), c.letter):
            if key in forced:
                used.add(key)
    return used


# --- one file ---------------------------------------------------------------------------------------------

def _import_source(ctx: ImportContext, item: SourceItem, targets: list[SourceItem],
                   ahead: OpenedSource | SourceError | None = None) -> bool:
    """Import one file once, for every (entity, sheet) asked of it; ``False`` when it cannot be used.

    A failure is an error issue on the file, never an exception: the other sources still import.
    ``ahead`` is the file already opened (and parsed) by a prefetch thread.
    """
    path, label = item.path, item.label
    try:
        if isinstance(ahead, SourceError):
            raise ahead
        opened = ahead if ahead is not None else open_source(path, label)
    except SourceError as exc:
        ctx.issue("source.unreadable", exc.message + (f" ({exc.hint})" if exc.hint else ""), ref(label),
                  Severity.ERROR)
        digest = getattr(exc, "digest", None) or _digest_of(path)
        if digest:
            ctx.digests[label] = digest
        return False
    for note in opened.notes:
        ctx.issue("source.note", note, ref(label), Severity.INFO)
    profile = load_profile(ctx.workspace, label) if (ctx.workspace and ctx.use_profiles) else None
    new_tables: list[ProfileTable] = []
    all_names: list[str | None] = [None] if opened.kind == "csv" else list(opened.sheet_names)
    plan: list[tuple[str | None, SourceItem]] = []
    for target in targets:
        if target.sheet is None or opened.kind == "csv":
            done = {name for name, _target in plan}
            plan.extend((name, target) for name in all_names if name not in done)
        elif target.sheet not in all_names:
            ctx.issue("source.unreadable", f"no sheet named {target.sheet!r} (sheets: "
                      f"{', '.join(str(n) for n in all_names)})", ref(label, target.sheet), Severity.ERROR)
        else:
            plan.append((target.sheet, target))
    recognised = 0
    forced_all: dict[str, str | None] = {}
    used: set[str] = set()
    try:
        for name, target in plan:
            forced = _forced(target.columns)
            forced_all.update(forced)
            mapping = _guarded_sheet(ctx, opened, label, name, target.entity, profile, new_tables, forced)
            if mapping is not None:
                recognised += 1
                used |= _used_keys(mapping, forced)
    except SourceError as exc:
        ctx.issue("source.unreadable", exc.message, ref(label), Severity.ERROR)
        ctx.digests[label] = opened.finish()
        return False
    ctx.digests[label] = opened.finish()
    for target in targets:
        for header in target.columns:
            if header not in used and " ".join(header.split()).casefold() not in used:
                ctx.issue("column.map_unused", f"the mapping {header!r} matches no column header in this file",
                          ref(label), Severity.WARNING)
    if recognised == 0 and plan:
        ctx.issue("source.no_table", "no continuity table recognised in this file", ref(label), Severity.WARNING)
    if ctx.workspace is not None and new_tables and ctx.save_profiles != "never":
        merge_profile(ctx.workspace, label, new_tables, replace=ctx.save_profiles == "always")
    return recognised > 0


def _digest_of(path: Path) -> str | None:
    """SHA-256 of a file the readers gave up on before reading it whole."""
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        return digest.hexdigest()
    except OSError:
        return None


def _guarded_sheet(ctx: ImportContext, opened: OpenedSource, label: str, name: str | None,
                   entity: EntityKind | None, profile: Profile | None, new_tables: list[ProfileTable],
                   forced: dict[str, str | None]) -> TableMapping | None:
    """One sheet through steps 1-5. Whatever its cells hold, a failure of the importer itself is an error
    issue located at the sheet, never a traceback that would cost the other sheets and files (the
    developer sees the traceback with ``ITSCM_DEBUG=1``)."""
    mappings, records = len(ctx.mappings), {kind: len(found) for kind, found in ctx.records.items()}
    try:
        return _import_sheet(ctx, opened, label, name, entity, profile, new_tables, forced)
    except (SourceError, MemoryError, KeyboardInterrupt):
        raise
    except Exception as exc:  # a bug in the importer: reported where it happened, the other sheets still read
        if os.environ.get("ITSCM_DEBUG"):
            raise
        del ctx.mappings[mappings:]
        for kind, found in ctx.records.items():
            del found[records.get(kind, 0):]
        sheet = name if opened.kind != "csv" else PurePosixPath(label).stem
        ctx.issue("sheet.internal_error", f"this sheet could not be read: internal error {type(exc).__name__}: "
                  f"{exc} (please report it; set ITSCM_DEBUG=1 for details)", ref(label, sheet), Severity.ERROR)
        return None


def _import_sheet(ctx: ImportContext, opened: OpenedSource, label: str, name: str | None,
                  entity: EntityKind | None, profile: Profile | None, new_tables: list[ProfileTable],
                  forced: dict[str, str | None]) -> TableMapping | None:
    sheet = opened.sheet(name)
    # a CSV opened in Excel shows one sheet named after the file: locations say the same
    sheet_name = name if opened.kind != "csv" else PurePosixPath(label).stem
    iterator: Iterator[tuple[int, list[Any]]] = iter(sheet.rows)
    preview = list(itertools.islice(iterator, PREVIEW_ROWS))
    if not preview:
        return None
    blocks = _side_by_side(ctx, label, name or "", preview, sheet.merges, entity, forced)
    if blocks is None:
        return _import_block(ctx, opened, label, name, sheet_name, preview, iterator, sheet.merges, entity,
                             profile, new_tables, forced)
    # tables side by side (exercises in A-H, their actions in J-O): each read alone, the other's cells blank
    rows = preview + list(iterator)
    first: TableMapping | None = None
    for position, (low, high) in enumerate(blocks):
        masked = [(number, _within(cells, low, high)) for number, cells in rows]
        # (a saved profile and an entity named for the sheet belong to its first table)
        found = _import_block(ctx, opened, label, name, sheet_name, masked[:PREVIEW_ROWS],
                              iter(masked[PREVIEW_ROWS:]), sheet.merges, entity if position == 0 else None,
                              profile if position == 0 else None, new_tables if position == 0 else [], forced)
        first = first or found
    return first


def _within(cells: list[Any], low: int, high: int) -> list[Any]:
    return [cell if low <= index < high else "" for index, cell in enumerate(cells)]


def _side_by_side(ctx: ImportContext, label: str, hint: str, preview: list[tuple[int, list[Any]]],
                  merges: list[tuple[int, int, int, int]], entity: EntityKind | None,
                  forced: dict[str, str | None]) -> list[tuple[int, int]] | None:
    """Column ranges of tables laid side by side: blocks of three or more columns between columns with
    neither a header nor a value in the preview, each of which reads as a table on its own; ``None`` when
    the sheet holds one table (the usual case, decided on the preview alone)."""
    width = max(len(cells) for _number, cells in preview)
    if width < 7:
        return None

    def filled(index: int) -> bool:
        return any(index < len(cells) and cells[index] not in ("", None)
                   and not (isinstance(cells[index], str) and not cells[index].strip()) for _n, cells in preview)

    blocks: list[tuple[int, int]] = []
    start = 0
    for index in range(width + 1):
        if index == width or not filled(index):
            if index - start >= 3:
                blocks.append((start, index))
            start = index + 1
    if len(blocks) < 2:
        return None
    for position, (low, high) in enumerate(blocks):
        masked = [(number, _within(cells, low, high)) for number, cells in preview]
        if detect(masked, merges, entity if position == 0 else None, hint.replace("_", " "),
                  Path(label).stem.replace("_", " "), ctx.settings, forced) is None:
            return None
    return blocks


def _import_block(ctx: ImportContext, opened: OpenedSource, label: str, name: str | None, sheet_name: str | None,
                  preview: list[tuple[int, list[Any]]], iterator: Iterator[tuple[int, list[Any]]],
                  merges: list[tuple[int, int, int, int]], entity: EntityKind | None, profile: Profile | None,
                  new_tables: list[ProfileTable], forced: dict[str, str | None]) -> TableMapping | None:
    """The tables of one sheet (or of one block of columns): the first found by its saved profile or by
    detection, then each table found below it."""
    mapping = None
    table = profile.table(sheet_name) if profile is not None else None
    if table is not None and entity is not None and table.entity != entity.value:
        table = None  # the override names another entity: the saved mapping does not apply
    if table is not None:
        mapping = _profile_mapping(ctx, label, table, preview, merges, forced)
        if mapping is not None and forced and ctx.save_profiles == "always":
            new_tables.append(mapping.to_profile_table())
    if mapping is None:
        mapping = _detect_mapping(ctx, label, sheet_name, name or "", preview, merges, entity, forced,
                                  opened.kind == "csv")
        if mapping is None:
            return None
        if table is None or ctx.save_profiles == "always":
            new_tables.append(mapping.to_profile_table())
    ctx.mappings.append(mapping)
    after = [item for item in preview if item[0] > mapping.header_row]
    rows: Iterator[tuple[int, list[Any]]] = itertools.chain(after, iterator)
    next_header = read_table(ctx, merges, mapping, rows)
    while next_header is not None:
        # another table below the first (a supplier list under the services): found and read the same way,
        # re-detected on every import (a profile keeps the sheet's first table)
        preview = [next_header, *itertools.islice(rows, PREVIEW_ROWS - 1)]
        below = _detect_mapping(ctx, label, sheet_name, name or "", preview, merges, None, forced,
                                opened.kind == "csv")
        if below is None or below.header_row != next_header[0]:
            more = " and below" if len(preview) >= PREVIEW_ROWS else ""
            ctx.issue("table.not_read", f"rows {next_header[0]}-{preview[-1][0]}{more} look like another table "
                      "under the first, which was not recognised: not read; put it on its own sheet or read it "
                      "with --sheet and --entity",
                      ref(label, sheet_name, next_header[0], None, row_texts(next_header[1])[0]), Severity.WARNING)
            break
        ctx.mappings.append(below)
        rows = itertools.chain([item for item in preview if item[0] > below.header_row], rows)
        next_header = read_table(ctx, merges, below, rows)
    return mapping


def run_import(items: list[SourceItem], *, workspace: Path | None, vocabularies: dict[str, dict[str, str]],
               date_order: str, save_profiles: str, use_profiles: bool = True,
               as_of: dt.date | None = None) -> ImportResult:
    """Import every source and assemble the result; never raises for one bad file.

    Entries naming the same file are grouped so that each file is opened and read once. ``as_of``
    bounds the dates of events that have already happened (a "done" date more than a year after it
    is reported); without it only the 1950 lower bound applies.
    """
    ctx = ImportContext(settings=settings_for(vocabularies, as_of), date_order=date_order, workspace=workspace,
                        use_profiles=use_profiles, save_profiles=save_profiles)
    grouped: dict[tuple[Path, str], list[SourceItem]] = {}
    for item in items:
        grouped.setdefault((item.path, item.label), []).append(item)
    # hundreds of thousands of small records make the cyclic GC rescan a growing heap again and
    # again; none of them form cycles, so it is paused while rows are read
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        jobs = [(path, label, targets) for (path, label), targets in grouped.items()]
        for _path, _label, targets, ahead in prefetched(jobs):
            _import_source(ctx, targets[0], targets, ahead)
        link_references(ctx)
    finally:
        if was_enabled:
            gc.enable()
    fields: dict[str, Any] = {ENTITY_FIELD[k]: tuple(v) for k, v in ctx.records.items()}
    data = OrgData.model_construct(**fields)
    return ImportResult(data=data, issues=tuple(ctx.issues), accounts=tuple(ctx.accounts),
                        digests=dict(ctx.digests), mappings=tuple(ctx.mappings))


def detect_tables(path: Path, *, label: str | None = None, entity: EntityKind | None = None,
                  sheet: str | None = None, vocabularies: dict[str, dict[str, str]] | None = None,
                  columns: dict[str, str | None] | None = None) -> list[DetectedTable]:
    """The tables of one file as the importer would read them: sheet, entity, runner-up entity,
    confidence, header row, column mapping with confidences and the issues met; nothing is imported.

    A file that cannot be opened raises :class:`SourceError`.
    """
    label = label or Path(path).as_posix()
    ctx = ImportContext(settings=settings_for(vocabularies or {}, None), date_order="auto", workspace=None,
                        use_profiles=False, save_profiles="never")
    opened = open_source(Path(path), label)
    forced = _forced(columns or {})
    names: list[str | None] = [None] if opened.kind == "csv" else list(opened.sheet_names)
    out: list[DetectedTable] = []
    for name in names:
        if sheet is not None and name != sheet and opened.kind != "csv":
            continue
        sheet_rows = opened.sheet(name)
        sheet_name = name if opened.kind != "csv" else PurePosixPath(label).stem
        preview = list(itertools.islice(iter(sheet_rows.rows), PREVIEW_ROWS))
        if not preview:
            continue
        before = len(ctx.issues)
        mapping = _detect_mapping(ctx, label, sheet_name, name or "", preview, sheet_rows.merges, entity, forced,
                                  opened.kind == "csv")
        if mapping is None:
            continue
        out.append(DetectedTable(label, sheet_name, mapping.entity, mapping.runner_up, mapping.confidence,
                                 mapping.header_row, mapping.columns, tuple(ctx.issues[before:])))
    opened.finish()
    return out
