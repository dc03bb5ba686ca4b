"""Step 4 of an import: read the rows under the header into typed values, and account for every row.

Every row read is accounted for: imported, rejected (a required value missing or unreadable, a
duplicate id) or skipped (blank, template, example or description row, the header repeated, a
totals row, a note, footnote or legend, a section band such as "Tier 1 services"), each skip and
rejection with a located :class:`DataIssue`. Rows after the last row that has an identifier are the
template's pre-filled tail and are not part of the table.

Each cell is either read, or "not given" (TBD, N/A - reason, see note: the record keeps the text and
a located issue quotes it), or rejected with a located issue (unreadable, or impossible such as a
negative RTO). Values read by judgement ("1 business day" -> 24 h) are kept and listed, once per
distinct text and column, as warnings to confirm.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from itscm_audit.importers import values as V
from itscm_audit.importers.cells import (
    NULL,
    Cleaned,
    ColumnReader,
    cell_reader,
    fill_down,
    join_continuations,
    row_function,
)
from itscm_audit.importers.columns import TableMapping
from itscm_audit.importers.context import ImportContext, ref
from itscm_audit.importers.fields import (
    BLANK_MEANS_NO,
    DONE_DATES,
    PARENTS_WITH_CHILDREN,
    ParserSettings,
    compile_parser,
    kind_of,
    split_field,
    vocabulary_words,
)
from itscm_audit.importers.legend import legend_keys, legend_ranks
from itscm_audit.importers.locate import DELETE_ROWS, GUIDANCE_HEADER, horizontal_merges
from itscm_audit.importers.records import EMPTY, SOURCE_FIELDS, SOURCE_SETTERS, Builder, split_children
from itscm_audit.importers.references import REFERENCES
from itscm_audit.importers.skipped import (
    SUSPICIOUS_PREFIXES,
    implausible_id,
    is_guidance_row,
    is_header_word,
    not_a_record,
    repeats_header,
    row_texts,
    starts_another_table,
    suspicious,
    tier_of_band,
)
from itscm_audit.importers.vocabulary import (
    ACTIVE_LIFECYCLE,
    FALLBACKS,
    KEY_FIELDS,
    NULL_MARKERS,
    PLACEHOLDER_PATTERN,
    REQUIRED,
    UNIQUE_ID,
    normalise_header,
    normalise_value,
)
from itscm_audit.model import (
    ENTITY_MODEL,
    NOT_GIVEN_NOT_APPLICABLE,
    EntityKind,
    ExerciseResult,
    Severity,
    SourceRef,
    value_text,
)
from itscm_audit.registers import register_named_as
from itscm_audit.result import TableAccount

_DIGIT = re.compile(r"\d")
EXERCISE_OUTCOMES = ("result", "achieved_recovery_time", "achieved_data_loss")
"""An exercise with one of these written has taken place: its date is that of a done event."""

FIELD_LABELS = {"rto": "RTO", "rpo": "RPO", "mtpd": "MTPD", "id": "id", "phi": "PHI flag",
                "personal_data": "personal-data flag", "bia_reviewed": "BIA review date",
                "target_rto": "target RTO", "target_rpo": "target RPO"}


def field_label(name: str) -> str:
    """How a field is named in a message: ``RTO``, ``personal-data flag``, ``corrective action owner``."""
    prefix, dot, rest = name.partition(".")
    if dot:
        return f"{prefix.replace('_', ' ')} {FIELD_LABELS.get(rest, rest.replace('_', ' '))}"
    return FIELD_LABELS.get(name, name.replace("_", " "))


@dataclass
class _Interpretations:
    """Values read by judgement, per column and distinct text: first row, count, and why."""

    seen: dict[tuple[int, str], list[Any]]

    def note(self, position: int, raw: str, row: int, why: str) -> None:
        entry = self.seen.get((position, raw))
        if entry is None:
            self.seen[(position, raw)] = [row, 1, why]
        else:
            entry[1] += 1


# --- one table -----------------------------------------------------------------------------------------------

def read_table(ctx: ImportContext, sheet_merges: list[tuple[int, int, int, int]], mapping: TableMapping,
               rows: Iterable[tuple[int, list[Any]]]) -> tuple[int, list[Any]] | None:
    """Read every row of one table into records (``ctx.records``), issues and the table's row accounting.

    Returns the row where another table starts below this one (its header), for the caller to read it;
    ``None`` when the table runs to the end of the sheet."""
    kind = mapping.entity
    file, sheet_name = mapping.file, mapping.sheet
    settings: ParserSettings = ctx.settings
    evidence: dict[int, dict[str, int]] = {}
    readers: list[ColumnReader] = []
    extras: list[tuple[int, str]] = []
    continuation: dict[int, list[int]] = {}
    low_date, low_stamp = V.MIN_DATE, dt.datetime.combine(V.MIN_DATE, dt.time())
    for column in mapping.columns:
        if column.continues is not None:
            continuation.setdefault(column.continues, []).append(column.index)
            continue
        if column.field is None:
            extras.append((column.index, column.header))
            continue
        evidence[column.index] = {}
        parse = compile_parser(kind, column.field, column.header, settings, evidence[column.index])
        what = kind_of(kind, column.field)
        same: set[str] | None = set() if what not in ("text", "id", "date", "datetime") else None
        reader, cache = cell_reader(parse, what not in ("text", "id"),
                                    vocabulary_words(kind, column.field, settings.vocab), same)
        low: Any = None
        high: Any = None
        if what in ("date", "datetime"):
            owner, base = split_field(kind, column.field)
            latest = settings.latest_done() if base in DONE_DATES.get(owner, ()) else None
            if what == "date":
                low, high = low_date, latest or dt.date.max
            else:
                low = low_stamp
                high = dt.datetime.combine(latest, dt.time.max) if latest else dt.datetime.max
        readers.append(ColumnReader(column.index, column.field, column.header, reader, cache, what, low, high, same))
    by_field = {c.field: c for c in mapping.columns if c.field and c.continues is None}
    key_columns = [by_field[k].index for k in KEY_FIELDS[kind] if k in by_field]
    key_columns += [by_field[f].index for f in FALLBACKS.get(kind, {}).values()
                    if f in by_field and by_field[f].index not in key_columns]
    id_column = by_field.get("id") or by_field.get(KEY_FIELDS[kind][0])
    if id_column is None:
        id_column = next((by_field[f] for f in (*KEY_FIELDS[kind], *FALLBACKS.get(kind, {}).values())
                          if f in by_field), None)
    from_name = id_column is not None and id_column.field not in ("id", "service_id", "date")
    id_index = id_column.index if id_column else -1
    name_fields = (FALLBACKS.get(kind, {}).get("id"), *KEY_FIELDS[kind])
    name_columns = [by_field[f].index for f in name_fields if f and f in by_field and f not in ("id", "service_id",
                                                                                                 "date")]
    header_norms = {c.index: normalise_header(c.header) for c in mapping.columns}
    header_folded = {c.header.strip().casefold() for c in mapping.columns if c.header.strip()}
    fallbacks = FALLBACKS.get(kind, {})
    required = REQUIRED[kind]
    required_values = operator.itemgetter(*required, required[0])  # always a tuple, even for one field
    fallback_items = tuple(fallbacks.items())
    model = ENTITY_MODEL[kind]
    seen = ctx.seen_ids.setdefault(kind, {})
    headers = mapping.headers()
    own_headers = headers[""]
    has_children = kind in PARENTS_WITH_CHILDREN and len(headers) > 1
    derive_ids = kind is EntityKind.EXERCISE and "id" not in by_field and "scenario" not in by_field
    derived_counts: dict[str, int] = {}
    lifecycle = kind is EntityKind.SERVICE and "status" in by_field
    latest_done = settings.latest_done() or dt.date.max
    done_exercise = (kind is EntityKind.EXERCISE and latest_done < dt.date.max and "date" in by_field
                     and any(f in by_field for f in EXERCISE_OUTCOMES))
    explicit_scope = "in_scope" in by_field

    # vertical merges below the header are filled down (a category written once for many rows)
    header0 = mapping.header_row - 1
    fill: dict[int, list[tuple[int, int, int]]] = {}
    budget = 200_000
    for r0, c0, r1, c1 in sheet_merges:
        if r1 > r0 and r0 > header0:
            for r in range(r0 + 1, r1 + 1):
                budget -= 1
                if budget < 0:
                    break
                fill.setdefault(r, []).append((c0, c1, r0))
    origin: dict[tuple[int, int], Any] = {}
    origin_rows = {r0 for lst in fill.values() for (_c0, _c1, r0) in lst}
    wide_merges = horizontal_merges(sheet_merges, header0)

    # a guidance column ("DELETE COLUMN A AND ROWS 3-12 BEFORE SUBMITTING") names the template's own rows
    template_rows: range = range(0)
    guidance_columns: list[int] = []
    for column in mapping.columns:
        if GUIDANCE_HEADER.match(column.header):
            guidance_columns.append(column.index)
            found = DELETE_ROWS.search(column.header)
            if found:
                template_rows = range(int(found.group(1)), int(found.group(2)) + 1)

    records: list[dict[str, Any]] = []
    children: list[tuple[EntityKind, dict[str, Any]]] = []
    ambiguous: list[tuple[int, str, int, V.AmbiguousDate, str]] = []
    judged = _Interpretations({})
    pending_rows: list[tuple[int, str, str]] = []
    read = imported = rejected = skipped = filled = sampled = 0
    mapped_width = sum(1 for c in mapping.columns if c.field and c.continues is None)
    started = False
    band_tier: tuple[int, str, int] | None = None
    tier_reader = V.tier_parser(settings.vocab["tier"]) if kind is EntityKind.SERVICE else None
    legend_wanted = tier_reader is not None and "tier" in by_field
    legend_rows: list[tuple[int, str]] = []

    def flush_pending() -> None:
        nonlocal skipped, read
        for number, reason, raw in pending_rows:
            read += 1
            skipped += 1
            ctx.issue("row.skipped", reason, ref(file, sheet_name, number, None, raw or None), Severity.INFO)
        pending_rows.clear()

    null_markers = NULL_MARKERS
    placeholder = PLACEHOLDER_PATTERN
    unique = kind in UNIQUE_ID
    reference_fields = [f for k, f, _target in REFERENCES if k is kind and f in by_field]
    builder = Builder(model)
    # every record starts as the model's defaults; one headers dict per table, and one empty dict for
    # all the records without raw text or gaps
    template = {**builder.template, "columns": own_headers, "raw": EMPTY, "not_given": EMPTY}
    row_fields = row_function(readers, extras, template)
    n_readers = len(readers)
    id_header = id_column.header if id_column else None
    has_continuation = bool(continuation)
    append_record = records.append
    new_object, source_fields = object.__new__, SOURCE_FIELDS
    set_dict, set_fields, set_extra, set_private = SOURCE_SETTERS
    filling = bool(fill or origin_rows)
    suspicious_prefixes = SUSPICIOUS_PREFIXES
    # a cell that a record fills and a band, note or totals row leaves empty: the second mapped column
    probe = next((c.index for c in mapping.columns if c.field and c.continues is None and c.index != id_index),
                 1_000_000)
    special = derive_ids or lifecycle or kind is EntityKind.SERVICE  # per-row work only some tables need
    # records keyed by a real identifier column (not a name standing in for one): a lone heading has no code
    coded_ids = id_column is not None and id_column.field in ("id", "service_id")
    first_index = min((c.index for c in mapping.columns), default=0)
    lead_elsewhere = first_index != id_index  # a "Total" or "Notes:" in a first column that is not the id
    # the identifier is usually the first key column: when it holds a clean value, the key check and
    # the identifier's text share one strip and casefold
    id_first = bool(key_columns) and key_columns[0] == id_index
    next_table: tuple[int, list[Any]] | None = None
    has_digit = _DIGIT.search  # records are keyed by codes: a header word has no digit
    for number, cells in rows:
        if filling:
            cells = fill_down(cells, number - 1, fill, origin, origin_rows)
        width = len(cells)
        if id_first and id_index < width and type(id_raw := cells[id_index]) is str and (
                id_text := id_raw.strip()) and ((folded := id_text.casefold()) not in null_markers
                                                or len(id_text) >= 32) and not (
                id_text[0] in "<[" and placeholder.match(id_text)):
            pass
        else:
            has_key = False
            for k in key_columns:
                if k < width:
                    value = cells[k]
                    if value is None or value == "":
                        continue
                    if type(value) is str:
                        stripped = value.strip()
                        if not stripped or (len(stripped) < 32 and stripped.casefold() in null_markers) or (
                                stripped[0] in "<[" and placeholder.match(stripped)):
                            continue
                    has_key = True
                    break
            if not has_key:
                blank = all(c is None or c == "" or (isinstance(c, str) and not c.strip()) for c in cells)
                reason = "blank row" if blank else "no identifier in this row (template or filler row)"
                pending_rows.append((number, reason, ""))
                continue
            id_raw = cells[id_index] if 0 <= id_index < width else ""
            id_text = id_raw.strip() if type(id_raw) is str else V.text(id_raw)
            folded = id_text.casefold()
        if (id_text and not has_digit(id_text) and is_header_word(id_text)
                and not (folded in header_folded and repeats_header(cells, mapping, header_norms))
                and starts_another_table(cells, mapping, header_norms)):
            next_table = (number, cells)
            break
        # rows that are not records: skipped, with the reason
        skip_reason = None
        if folded in header_folded and repeats_header(cells, mapping, header_norms):
            skip_reason = "the header repeated"
        elif not started and is_guidance_row(cells, id_text):
            skip_reason = "description or data-type row under the header"
        elif number in template_rows:
            skip_reason = f"template row: the sheet says to delete rows {template_rows.start}-{template_rows.stop - 1}"
        elif "example" in folded or folded.startswith(("e.g", "sample ")) or (guidance_columns and any(
                g < width and "example" in V.text(cells[g]).casefold() for g in guidance_columns)):
            skip_reason = "example row from the template"
        elif (not id_text or (probe < width and cells[probe] == "") or folded[:4] in suspicious_prefixes
              or not folded[:1].isalnum() or len(folded) > 60 or (from_name and folded[:1].isdigit())
              or ":" in folded or (folded[:1].isdigit() and " " in folded)
              or (wide_merges and number in wide_merges)
              or (lead_elsewhere and first_index < width and type(lead := cells[first_index]) is str
                  and suspicious(lead.strip().casefold()))):
            # perhaps a totals, note, legend or band row, or an identifier no record would have
            key_text, by_name = id_text, from_name
            if not key_text:
                # no id on this row: the name (or title, role...) that stands in for it must be plausible
                key_text = next((V.text(cells[k]) for k in name_columns if k < width and V.text(cells[k])), "")
                by_name = True
            nonempty = width - cells.count("") - cells.count(None)
            typical = filled / sampled if sampled else float(mapped_width)
            skip_reason = not_a_record(cells, nonempty, wide_merges.get(number, 0), typical, coded_ids)
            if skip_reason is not None and tier_reader is not None and skip_reason.startswith("section band"):
                band_text = row_texts(cells)[0]
                band_tier = tier_of_band(tier_reader, band_text, number)
                if band_tier is not None:
                    skip_reason += f"; its tier {band_tier[0]} is given to the services below it that have none"
            if skip_reason is None and key_text and ((by_name and key_text[0].isdigit()) or len(key_text) > 60):
                skip_reason = implausible_id(key_text, by_name, kind)
        if pending_rows:
            flush_pending()
        read += 1
        if skip_reason:
            if legend_wanted and (lead_text := next(iter(row_texts(cells)), "")) and "=" in lead_text:
                legend_rows.append((number, lead_text))
            skipped += 1
            quoted = id_text or next(iter(row_texts(cells)), "")  # the text that made it not a record
            ctx.issue("row.skipped", skip_reason, ref(file, sheet_name, number, None, quoted[:200] or None),
                      Severity.INFO)
            continue
        started = True
        if has_continuation:
            cells = join_continuations(cells, continuation)
        record, extra, rawd, attention = row_fields(cells, width)
        gaps: dict[str, str] | None = None
        problems: list[tuple[str, str, Any, str]] | None = None
        row_ambiguous: list[tuple[str, int, V.AmbiguousDate, str]] | None = None
        if attention:
            problems = []
            for position, value in attention:
                if position >= n_readers:
                    header = extras[position - n_readers][1]
                    _control_issue(ctx, file, sheet_name, number, header, value.text)
                    extra[header] = value.value
                    continue
                column_reader = readers[position]
                index, fld, header = column_reader.index, column_reader.field, column_reader.header
                if type(value) is Cleaned:
                    _control_issue(ctx, file, sheet_name, number, header, value.text)
                    value = value.value
                    if value is NULL:
                        continue
                kind_of_value = type(value)
                if kind_of_value is V.ValueProblem:
                    problems.append((header, value.message, cells[index], value.severity))
                    rawd[fld] = V.text(cells[index])[:200]
                elif kind_of_value is V.NotGiven:
                    if gaps is None:
                        gaps = {}
                    gaps[fld] = value.kind
                    rawd[fld] = value.text
                    why = "does not apply" if value.kind == NOT_GIVEN_NOT_APPLICABLE else "not known"
                    reason = f"; reason: {value.reason}" if value.reason else ""
                    ctx.issue("value.not_given", f"{field_label(fld)} not given ({why}): {value.text!r}{reason}",
                              ref(file, sheet_name, number, header, value.text[:200]),
                              Severity.INFO if value.kind == NOT_GIVEN_NOT_APPLICABLE else Severity.WARNING)
                elif kind_of_value is V.Guess:
                    record[fld] = value.value
                    text = V.text(cells[index])
                    rawd[fld] = text
                    judged.note(position, text, number, value.why)
                elif kind_of_value is V.AmbiguousDate:
                    # settled once the table is read, and only if this row becomes a record
                    if row_ambiguous is None:
                        row_ambiguous = []
                    row_ambiguous.append((fld, index, value, header))
                    record[fld] = value
                    rawd[fld] = value.raw
                else:
                    record[fld] = value
        ref_column, ref_value = id_header, id_text[:200] or None
        for target, source_field in fallback_items:
            if record[target] is None and record[source_field] is not None:
                record[target] = record[source_field]
                if gaps is not None:
                    gaps.pop(target, None)
                if target == "id" and source_field in by_field:
                    ref_column, ref_value = by_field[source_field].header, str(record[target])[:200]
        if special and derive_ids and record["id"] is None and record["date"] is not None:
            when = record["date"]
            stem = "EX-" + (when.raw if isinstance(when, V.AmbiguousDate) else when.isoformat()[:10])
            derived_counts[stem] = derived_counts.get(stem, 0) + 1
            record["id"] = stem if derived_counts[stem] == 1 else f"{stem}-{derived_counts[stem]}"
        if done_exercise and type(when := record["date"]) is dt.date and when > latest_done and any(
                record[f] is not None for f in EXERCISE_OUTCOMES):
            # an exercise whose outcome is written has happened: a date years ahead is a typing mistake
            date_reader = by_field["date"]
            date_text = V.text(cells[date_reader.index]) if date_reader.index < width else ""
            problems = problems if problems is not None else []
            problems.append((date_reader.header, f"{date_text!r} is more than a year after the as-of date, for an "
                             "exercise whose outcome is recorded (it has already happened)", date_text, "warning"))
            rawd["date"] = date_text[:200]
            record["date"] = None
        if problems:
            for header, message, raw, severity in problems:
                sev = Severity.INFO if severity == "info" else Severity.WARNING
                ctx.issue("value.unreadable", message, ref(file, sheet_name, number, header, V.text(raw)[:200]), sev)
        if None in required_values(record):
            missing = [f for f in required if record[f] is None]
            rejected += 1
            names = ", ".join(missing)
            ctx.issue("row.rejected", f"{kind.value} rejected: required {names} missing or unreadable",
                      ref(file, sheet_name, number, id_header, id_text[:200] or None), Severity.ERROR)
            continue
        if unique:
            id_value = record["id"]
            first = seen.get(id_value)
            if first is not None:
                rejected += 1
                ctx.issue("row.duplicate", f"{kind.value} id {id_value!r} already imported (row {first})",
                          ref(file, sheet_name, number, id_header, id_value), Severity.ERROR)
                continue
            seen[id_value] = number
        if special and band_tier is not None and record["tier"] is None and "tier" not in rawd:
            # only an empty tier cell takes the band's tier: a tier written but unreadable stays unread
            record["tier"] = band_tier[0]
            rawd["tier"] = band_tier[1]
        if special and lifecycle and record["status"] is not None and record["status"] != ACTIVE_LIFECYCLE:
            if explicit_scope and record["in_scope"] is True and "in_scope" in rawd:
                ctx.issue("value.conflict", f"service is {record['status'].replace('_', ' ')} but marked in "
                          "scope: read as out of scope", ref(file, sheet_name, number, by_field["status"].header,
                                                             rawd.get("status")))
            record["in_scope"] = False
        record["extra"] = extra
        if rawd:
            record["raw"] = rawd
        if gaps:
            record["not_given"] = gaps
        # the record's SourceRef, built directly like the records themselves (see records.Builder)
        source = new_object(SourceRef)
        set_dict(source, {"file": file, "sheet": sheet_name, "row": number, "column": ref_column,
                          "value": ref_value})
        set_fields(source, source_fields)
        set_extra(source, None)
        set_private(source, None)
        record["source"] = source
        if row_ambiguous is not None:
            position_now = len(records)
            ambiguous.extend((position_now, *entry) for entry in row_ambiguous)
        append_record(record)
        imported += 1
        if sampled < 50:
            # how many cells a record of this table fills, from its first records (bands fill one)
            filled += width - cells.count("")
            sampled += 1
    trailing = len(pending_rows)
    if trailing and imported + rejected + skipped:
        first_row, last_row = pending_rows[0][0], pending_rows[-1][0]
        if trailing > 1:
            ctx.issue("table.end", f"table ends at row {first_row - 1}: rows {first_row}-{last_row} after the last "
                      "row with an identifier are empty or pre-filled template rows and were not read",
                      ref(file, sheet_name, first_row), Severity.INFO)
    elif trailing and not (imported + rejected + skipped):
        flush_pending()
    if derived_counts:
        first_id = next(iter(derived_counts))
        ctx.issue("table.derived_ids", f"no identifier column: each exercise is named after its date ({first_id}; "
                  "a second one on the same day gets -2)", ref(file, sheet_name, mapping.header_row), Severity.INFO)
    if legend_rows and tier_reader is not None:
        _tiers_by_legend(ctx, mapping, records, legend_rows, tier_reader, judged)
    for (position, raw_text), (row, count, why) in judged.seen.items():
        times = f"{count} rows, first here" if count > 1 else "1 row"
        ctx.issue("value.interpreted", f"{why} ({times}): check this reading, or set it under vocabularies: in "
                  "itscm.yaml", ref(file, sheet_name, row, readers[position].header, raw_text[:200]),
                  Severity.WARNING)
    _blank_ticks_read_as_no(ctx, mapping, records, readers)
    _names_in_parts(ctx, mapping, records, readers)
    _other_phone(ctx, mapping, records, readers)
    _what_the_register_says(ctx, mapping, records, by_field)
    mistaken = _dates_against_their_column(ctx, mapping, records, evidence, readers)
    dropped = resolve_dates(ctx, mapping, records, ambiguous, evidence) | mistaken
    gone = set(dropped) & set(range(len(records)))
    if done_exercise or "corrective_action.closed" in by_field or (kind is EntityKind.CORRECTIVE_ACTION
                                                                   and "closed" in by_field):
        kept = [r for i, r in enumerate(records) if i not in gone]
        if done_exercise:
            _results_ahead_of_as_of(ctx, mapping, kept, by_field, settings.as_of)
            _passed_over_target(ctx, mapping, kept, by_field)
        _closed_ahead_of_as_of(ctx, mapping, kept, by_field, settings.as_of)
    imported -= len(gone)
    rejected += len(gone)
    if has_children:
        for position, values in enumerate(records):
            children.extend(split_children(kind, values, headers) if position not in gone else ())
    for fld in reference_fields:
        written = ctx.written.setdefault((kind, fld), set())
        cells_of = map(operator.itemgetter(fld), records)
        written.update(itertools.chain.from_iterable(cells_of) if kind_of(kind, fld) == "list" else cells_of)
    ctx.records.setdefault(kind, []).extend(builder.adopt_all(records, gone))
    if children:
        _add_children(ctx, mapping, children)
    ctx.accounts.append(TableAccount.model_construct(
        file=file, sheet=sheet_name, entity=kind.value, rows_read=read, imported=imported, rejected=rejected,
        skipped=skipped))
    return next_table


def _tiers_by_legend(ctx: ImportContext, mapping: TableMapping, records: list[dict[str, Any]],
                     legend_rows: list[tuple[int, str]], read_tier: V.Parser, judged: _Interpretations) -> None:
    """Rank the tier words by the legend written under the table, when it lists two or more of them."""
    written = {normalise_value(r["raw"]["tier"]) for r in records if r["raw"] and "tier" in r["raw"]}
    for number, text in legend_rows:
        keys = legend_keys(text)
        ranks = legend_ranks(keys, read_tier)
        if sum(1 for word in ranks if word in written) < 2:
            continue
        changed: dict[str, tuple[Any, int]] = {}
        for record in records:
            raw = record["raw"].get("tier") if record["raw"] else None
            rank = ranks.get(normalise_value(raw)) if raw else None
            if rank is None:
                continue
            if record["tier"] != rank:
                changed.setdefault(raw, (record["tier"], rank))  # type: ignore[arg-type]
            record["tier"] = rank
        for key in [k for k in judged.seen if normalise_value(k[1]) in ranks]:
            del judged.seen[key]  # the file's own legend settles what the vocabulary only guessed
        scale = ", ".join(f"{key} = {ranks[normalise_value(key)]}" for key in keys)
        moved = "; ".join(f"{raw!r} read as tier {rank}, not {old}" for raw, (old, rank) in changed.items()
                          if old is not None)
        ctx.issue("tier.legend", f"tiers read by the legend under the table: {scale}" + (f" ({moved})" if moved
                                                                                         else ""),
                  ref(mapping.file, mapping.sheet, number, None, text[:200]), Severity.INFO)
        return


def _add_children(ctx: ImportContext, mapping: TableMapping, children: list[tuple[EntityKind, dict[str, Any]]]
                  ) -> None:
    """The findings and corrective actions written on the parents' rows, with one note saying so."""
    counts: dict[EntityKind, int] = {}
    for child_kind, values in children:
        seen = ctx.seen_ids.setdefault(child_kind, {})
        if values["id"] in seen:
            ctx.issue("row.duplicate", f"{child_kind.value} id {values['id']!r} (from this row) already imported",
                      values["source"], Severity.ERROR)
            continue
        seen[values["id"]] = values["source"].row
        ctx.records.setdefault(child_kind, []).append(Builder(ENTITY_MODEL[child_kind])(values))
        counts[child_kind] = counts.get(child_kind, 0) + 1
    if counts:
        what = " and ".join(f"{n} {k.value.replace('_', ' ')}(s)" for k, n in counts.items())
        ids = ("the row's id for its corrective action too, opened when the finding was raised unless the row "
               "says otherwise" if mapping.entity is EntityKind.FINDING else
               "the row's id + '-F1' for its finding, + '-A1' for its corrective action")
        ctx.issue("table.linked_records", f"{what} read from the {mapping.entity.value} rows themselves (ids: {ids})",
                  ref(mapping.file, mapping.sheet, mapping.header_row), Severity.INFO)


def _control_issue(ctx: ImportContext, file: str, sheet: str | None, number: int, header: str, cleaned: str) -> None:
    ctx.issue("cell.control_characters", "control characters (NUL, etc.) removed from the text",
              ref(file, sheet, number, header, cleaned[:200]))


_REGISTER_SAYS: dict[EntityKind, tuple[tuple[str, str, str], ...]] = {
    EntityKind.INCIDENT: (("personal_data_breach", "breach", "personal-data breaches"),
                          ("major_ict", "major_ict", "major ICT-related incidents")),
}
"""Facts a register without the column says by its name (``registers.REGISTER_TITLES``): the rows of a
privacy-incident register are personal-data breaches, those of a DORA major-incident register are major."""


def _what_the_register_says(ctx: ImportContext, mapping: TableMapping, records: list[dict[str, Any]],
                            by_field: dict[str, Any]) -> None:
    """Give each row the fact its register's name says, when no column says it; said once per table."""
    for fld, title, what in _REGISTER_SAYS.get(mapping.entity, ()):
        if fld in by_field or not records or not register_named_as(mapping.file, mapping.sheet, title):
            continue
        for record in records:
            if record[fld] is None:
                record[fld] = True
        ctx.issue("value.interpreted", f"no column says which rows are {what}: the register's name says so, "
                  f"so all {len(records)} rows are read as {what} (add a column to say otherwise)",
                  ref(mapping.file, mapping.sheet, mapping.header_row), Severity.INFO)


def _say_rows(ctx: ImportContext, mapping: TableMapping, code: str, rows: list[int], header: str | None,
              said: str, value: str | None = None) -> None:
    """One located note for what a table's rows share ("3 exercise(s) dated after ..."): at the first row,
    listing up to ten rows; ``said`` holds ``{rows}`` where the list goes."""
    if rows:
        listed = ", ".join(map(str, rows[:10])) + (f" and {len(rows) - 10} more" if len(rows) > 10 else "")
        ctx.issue(code, said.format(rows=listed), ref(mapping.file, mapping.sheet, rows[0], header, value),
                  Severity.INFO)


def _results_ahead_of_as_of(ctx: ImportContext, mapping: TableMapping, records: list[dict[str, Any]],
                            by_field: dict[str, Any], as_of: dt.date | None) -> None:
    """Exercises dated after the as-of date whose outcome is already written: a date typed wrong, or a
    log read at an earlier as-of; either way they are not counted at that date, and the import says so
    once per table with their rows (dates more than a year ahead are rejected as mistakes row by row)."""
    if as_of is None:
        return
    rows = [r["source"].row for r in records
            if type(when := r["date"]) is dt.date and when > as_of and any(r[f] is not None for f in EXERCISE_OUTCOMES)]
    _say_rows(ctx, mapping, "date.after_as_of", rows, by_field["date"].header,
              f"{len(rows)} exercise(s) dated after the as-of date {as_of} already have an outcome (rows {{rows}}): "
              f"check the dates; they are not counted in an assessment as of {as_of}")


_FIRST_NAME = frozenset({"first name", "given name", "forename", "prenom", "first"})
_MIDDLE_NAME = frozenset({"middle name", "middle names", "second prenom", "middle"})
_LAST_NAME = frozenset({"last name", "surname", "family name", "nom de famille", "last"})


def _names_in_parts(ctx: ImportContext, mapping: TableMapping, records: list[dict[str, Any]],
                    readers: list[ColumnReader]) -> None:
    """A contact or learner export that splits names ("First Name", "Middle Name", "Last Name"): the
    person's name is the parts joined, said once per table (the parts stay as written in ``raw``)."""
    first = next((r for r in readers if r.field in ("name", "person", "alternate")
                  and normalise_header(r.header) in _FIRST_NAME), None)
    if first is None:
        return
    headers = {normalise_header(c.header): c.header for c in mapping.columns if c.field is None}
    middle = next((headers[h] for h in headers if h in _MIDDLE_NAME), None)
    last = next((headers[h] for h in headers if h in _LAST_NAME), None)
    if last is None:
        return
    joined = 0
    for record in records:
        given = record[first.field]
        extra = record.get("extra") or {}
        family = extra.get(last)
        if not isinstance(given, str) or not isinstance(family, str):
            continue
        parts = [given, *([extra[middle]] if middle and isinstance(extra.get(middle), str) else []), family]
        record[first.field] = " ".join(parts)
        record["raw"] = {**(record.get("raw") or {}), first.field: " | ".join(parts)}
        joined += 1
    if joined:
        ctx.issue("value.interpreted", f"{joined} name(s) joined from {first.header!r}"
                  f"{f', {middle!r}' if middle else ''} and {last!r}", ref(mapping.file, mapping.sheet,
                                                                         mapping.header_row, first.header, None),
                  Severity.INFO)


_PHONE_WORDS = frozenset({"phone", "telephone", "tel", "mobile", "cell", "cellulaire", "portable", "gsm"})


def _other_phone(ctx: ImportContext, mapping: TableMapping, records: list[dict[str, Any]],
                 readers: list[ColumnReader]) -> None:
    """A contact whose phone cell is empty but whose other phone column ("Business Phone" beside "Mobile
    Phone") holds a number is reachable there: that number is the phone, said once per table."""
    phone = next((r for r in readers if r.field == "phone" and mapping.entity is EntityKind.CONTACT), None)
    if phone is None:
        return
    others = [c.header for c in mapping.columns if c.field is None
              and set(normalise_header(c.header).split()) & _PHONE_WORDS]
    rows: list[int] = []
    for record in records:
        if record["phone"] is not None or (record.get("raw") or {}).get("phone"):
            continue
        extra = record.get("extra") or {}
        number = next((extra[h] for h in others if isinstance(extra.get(h), str) and extra[h].strip()), None)
        if number is not None:
            record["phone"] = number
            record["raw"] = {**(record.get("raw") or {}), "phone": number}
            rows.append(record["source"].row)
    _say_rows(ctx, mapping, "value.interpreted", rows, phone.header,
              f"{len(rows)} empty {phone.header!r} cell(s) filled from {' or '.join(map(repr, others))} (rows {{rows}})")


def _passed_over_target(ctx: ImportContext, mapping: TableMapping, records: list[dict[str, Any]],
                        by_field: dict[str, Any]) -> None:
    """An exercise recorded as passed whose recovery took longer than its own target on the same row: the
    row contradicts itself, said where it stands (the rules judge the recovery time, not the word)."""
    if "result" not in by_field or "achieved_recovery_time" not in by_field or "target_rto" not in by_field:
        return
    for record in records:
        took, target = record["achieved_recovery_time"], record["target_rto"]
        if (record["result"] is ExerciseResult.PASSED and isinstance(took, dt.timedelta)
                and isinstance(target, dt.timedelta) and took > target):
            ctx.issue("value.conflict", f"recorded as passed, but recovery took {value_text(took)} against the "
                      f"{value_text(target)} target on the same row: the recovery time is what the rules judge",
                      ref(mapping.file, mapping.sheet, record["source"].row, by_field["result"].header,
                          (record.get("raw") or {}).get("result")), Severity.WARNING)


def _closed_ahead_of_as_of(ctx: ImportContext, mapping: TableMapping, records: list[dict[str, Any]],
                           by_field: dict[str, Any], as_of: dt.date | None) -> None:
    """Corrective actions closed after the as-of date (a date typed ahead, or a register read at an earlier
    as-of): open on the as-of date, said once per table with their rows."""
    fld = "closed" if mapping.entity is EntityKind.CORRECTIVE_ACTION else "corrective_action.closed"
    if as_of is None or fld not in by_field:
        return
    rows = [r["source"].row for r in records if isinstance(when := r.get(fld), dt.date) and when > as_of]
    _say_rows(ctx, mapping, "date.after_as_of", rows, by_field[fld].header,
              f"{len(rows)} corrective action(s) closed after the as-of date {as_of} (rows {{rows}}): open on that "
              "date; check the dates")


def _blank_ticks_read_as_no(ctx: ImportContext, mapping: TableMapping, records: list[dict[str, Any]],
                            readers: list[ColumnReader]) -> None:
    """An empty cell under a tick-box column the log keeps reads as "no" (``fields.BLANK_MEANS_NO``),
    said once per column with the rows it concerns, so the reading can be checked."""
    for reader in readers:
        if reader.field not in BLANK_MEANS_NO.get(mapping.entity, frozenset()):
            continue
        rows: list[int] = []
        if None not in map(operator.itemgetter(reader.field), records):
            continue  # every cell says yes or no (the usual backup log): nothing to read as "no"
        for record in records:
            raw = record.get("raw")
            if record[reader.field] is None and (raw is None or reader.field not in raw):
                record[reader.field] = False
                record["raw"] = {**(raw or {}), reader.field: ""}
                rows.append(record["source"].row)
        _say_rows(ctx, mapping, "value.interpreted", rows, reader.header,
                  f"{len(rows)} empty {field_label(reader.field)} cell(s) read as 'no' (rows {{rows}}): an empty "
                  "tick box is not a tick; write 'yes' where it was done", "")


def _dates_against_their_column(ctx: ImportContext, mapping: TableMapping, records: list[dict[str, Any]],
                                evidence: dict[int, dict[str, int]], readers: list[ColumnReader]) -> set[int]:
    """A column whose dates are month-first (``01/20/2026``) but for one that can only be day-first
    (``13/08/2026``): that one is a typing mistake, not read (and the other way round); the order the
    column's other dates show wins, else the file's. Returns the records rejected for a required date."""
    dropped: set[int] = set()
    for reader in readers:
        seen = evidence.get(reader.index, {})
        if not (seen.get("dmy") and seen.get("mdy")) or reader.what not in ("date", "datetime"):
            continue
        in_file = ctx.date_evidence.get(mapping.file, {})
        if seen["dmy"] != seen["mdy"]:
            usual = "dmy" if seen["dmy"] > seen["mdy"] else "mdy"
        elif in_file.get("dmy", 0) != in_file.get("mdy", 0):
            usual = "dmy" if in_file.get("dmy", 0) > in_file.get("mdy", 0) else "mdy"
        else:
            continue  # as many each way: nothing says which is the mistake (the ambiguous ones are reported)
        fld = reader.field
        example = next((r["raw"][fld] for r in records if r["raw"] and V.only_order(r["raw"].get(fld) or "") == usual),
                       "")
        for position, record in enumerate(records):
            raw = record["raw"].get(fld) if record["raw"] else None
            if not raw or V.only_order(raw) not in ("dmy", "mdy") or V.only_order(raw) == usual:
                continue
            written = "day-first" if usual == "mdy" else "month-first"
            _clear(record, fld)
            ctx.issue("value.unreadable", f"{raw!r} can only be read {written}, but the other dates of this column "
                      f"are {'month-first' if usual == 'mdy' else 'day-first'} ({example!r}): not read; check it",
                      record["source"].model_copy(update={"column": reader.header, "value": raw}))
            if fld in REQUIRED[mapping.entity]:
                dropped.add(position)
                ctx.issue("row.rejected", f"{mapping.entity.value} rejected: required {fld} unreadable",
                          record["source"], Severity.ERROR)
    return dropped


def resolve_dates(ctx: ImportContext, mapping: TableMapping, records: list[dict[str, Any]],
                  ambiguous: list[tuple[int, str, int, V.AmbiguousDate, str]],
                  evidence: dict[int, dict[str, int]]) -> set[int]:
    """Settle day/month order per column: the column's own evidence, else the workspace policy.

    Returns the positions of records rejected because a required date could not be settled.
    """
    dropped: set[int] = set()
    in_file = ctx.date_evidence.setdefault(mapping.file, {})
    for seen in evidence.values():
        for order, count in seen.items():
            in_file[order] = in_file.get(order, 0) + count
    if not ambiguous:
        return dropped
    kind = mapping.entity
    from_file: set[int] = set()
    for position, fld, index, value, header in ambiguous:
        order = _one_order(evidence.get(index, {}))
        if not order and (order := _one_order(in_file)) and index not in from_file:
            from_file.add(index)
            example = "day-first" if order == "dmy" else "month-first"
            ctx.issue("date.order_from_file", f"{value.raw!r} could be day-first or month-first: read {example} "
                      f"like the other dates of this file that can only be {example}",
                      records[position]["source"].model_copy(update={"column": header, "value": value.raw}),
                      Severity.INFO)
        if not order and ctx.date_order in ("dmy", "mdy"):
            order = ctx.date_order
        record = records[position]
        source = record["source"]
        owner, base = split_field(kind, fld)
        if not order:
            _clear(record, fld)
            ctx.issue("date.ambiguous",
                      f"{value.raw!r} could be day-first or month-first and nothing in the column settles it",
                      source.model_copy(update={"column": header, "value": value.raw}), Severity.WARNING)
            if fld in REQUIRED[kind] and position not in dropped:
                dropped.add(position)
                ctx.issue("row.rejected", f"{kind.value} rejected: its {fld} is ambiguous; set "
                          "policy.date_order (dmy or mdy) in itscm.yaml", source, Severity.ERROR)
            continue
        want_datetime = kind_of(kind, fld) == "datetime"
        try:
            day = value.resolve(order, want_datetime)
            done = base in DONE_DATES.get(owner, ()) or (kind is EntityKind.EXERCISE and fld == "date" and any(
                record.get(f) is not None for f in EXERCISE_OUTCOMES))
            latest = ctx.settings.latest_done() if done else None
            V.check_date(day.date() if isinstance(day, dt.datetime) else day, value.raw, latest)
        except (ValueError, V.ValueProblem) as exc:
            _clear(record, fld)
            message = exc.message if isinstance(exc, V.ValueProblem) else f"{value.raw!r} is not a valid date " \
                                                                           f"read as {order}"
            ctx.issue("value.unreadable", message, source.model_copy(update={"column": header, "value": value.raw}))
            if fld in REQUIRED[kind] and position not in dropped:
                dropped.add(position)
                ctx.issue("row.rejected", f"{kind.value} rejected: required {fld} unreadable", source,
                          Severity.ERROR)
            continue
        record[fld] = day
    return dropped


def _one_order(seen: dict[str, int]) -> str:
    """``dmy`` or ``mdy`` when the dates counted in ``seen`` could only be read one way; else ``""``."""
    if seen.get("dmy") and not seen.get("mdy"):
        return "dmy"
    if seen.get("mdy") and not seen.get("dmy"):
        return "mdy"
    return ""


def _clear(record: dict[str, Any], fld: str) -> None:
    """No value for ``fld``: the model's default for the table's own fields, nothing for a carried record's."""
    if "." in fld:
        record.pop(fld, None)
    else:
        record[fld] = None
