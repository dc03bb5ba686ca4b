"""``itscm-audit import``: show what the importer understood of some files, and what it did not."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from itscm_audit.cli.common import echo_json, handle_errors, json_option, parse_date

if TYPE_CHECKING:
    from datetime import date

    from itscm_audit.importers import ImportResult
    from itscm_audit.importers.summary import Interpretation

MAX_LISTED = 50
"""Issues listed per file in the readable summary; ``--json`` always has all of them."""
MAX_READINGS = 8
"""Interpretations listed per column in the readable summary; ``--json`` always has all of them."""


@click.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="PATH...")
@click.option("--workspace", "-w", type=click.Path(path_type=Path, file_okay=False), default=None,
              help="Workspace whose vocabularies, date order and mapping profiles apply.")
@click.option("--entity", default=None, metavar="KIND",
              help="Read every table as this entity (service, exercise, finding, corrective_action, contact, "
                   "vendor, plan_document, training_record, incident, risk, backup_run).")
@click.option("--sheet", default=None, metavar="NAME", help="Only read this sheet.")
@click.option("--save-profile/--no-save-profile", "save_profile", default=None,
              help="Save the column mapping in the workspace so the next import is silent "
                   "(default: on when --workspace is given).")
@click.option("--map", "maps", multiple=True, metavar="HEADER=FIELD",
              help="Read the column with this header (or column letter) as this field, e.g. "
                   "'PII (Y/N)=personal_data', 'Issues Found=finding.description'; 'Notes=' keeps it as an extra "
                   "attribute. Repeatable; saved in the mapping profile with --workspace.")
@click.option("--as-of", "as_of", callback=parse_date, metavar="YYYY-MM-DD",
              help="Dates of things already done (verified, reviewed, completed, an exercise whose result is "
                   "recorded) later than a year after this date are reported (default: as_of in itscm.yaml, else "
                   "today; the summary says which).")
@json_option
@handle_errors
def import_cmd(paths: tuple[Path, ...], workspace: Path | None, entity: str | None, sheet: str | None,
               save_profile: bool | None, maps: tuple[str, ...], as_of: date | None, as_json: bool) -> None:
    """Read continuity spreadsheets or CSV files and show what was understood and what was not.

    For each table: the entity recognised (and the runner-up, with a confidence), the header row, each
    column's mapping with its confidence, the row accounting (read = imported + rejected + skipped) and
    each distinct text read as something else ("Low" -> tier 4 x3). Every value that could not be used
    or was "not given" (TBD, N/A) is listed with its file, sheet, row, column and raw text. Exits with
    3 when nothing usable remains.

    \b
    Example:
      itscm-audit import acme/data/bia.xlsx acme/data/exercise-log.xlsx --workspace acme
      itscm-audit import drills.csv --entity exercise --json > drills.json
      itscm-audit import bia.xlsx --map "PII (Y/N)=personal_data" --map "Lifecycle=status" --workspace acme
    """
    import datetime as dt

    from itscm_audit.errors import SourceError, UsageError
    from itscm_audit.importers import import_files
    from itscm_audit.importers.engine import total_records

    if workspace is not None and not workspace.is_dir():
        raise UsageError("the workspace folder does not exist", location=str(workspace))
    save = workspace is not None if save_profile is None else save_profile
    if save and workspace is None:
        raise UsageError("--save-profile needs --workspace (profiles are kept in the workspace)")
    columns = _parse_maps(maps)
    bound_from = "--as-of"
    if as_of is None:
        from itscm_audit.config import CONFIG_NAME, load_config

        configured = load_config(workspace).as_of if workspace is not None and (
            workspace / CONFIG_NAME).is_file() else None
        bound_from = "as_of in itscm.yaml" if configured else "today"
        as_of = configured or dt.date.today()  # the clock is read here, in the command, never in the library
    try:
        result = import_files(list(paths), workspace, entity=entity, sheet=sheet, save_profiles=save,
                              columns=columns, as_of=as_of)
    except SourceError as exc:
        if exc.location == "--entity":
            raise UsageError(exc.message, location="--entity", hint=exc.hint) from None
        raise
    usable = total_records(result) > 0
    if as_json:
        echo_json(_as_json(result) | {"as_of": {"date": as_of.isoformat(), "from": bound_from}})
    else:
        _summary(result, saved=save and usable)
        click.echo(f"Dates of things already done (completed, verified, reviewed, exercised with a result) were "
                   f"checked against {as_of.isoformat()} ({bound_from}): more than a year later is reported."
                   + (" Use --as-of to choose another date." if bound_from == "today" else ""))
    if not usable:
        raise SourceError("nothing usable was imported", location=", ".join(p.as_posix() for p in paths),
                          hint="see the problems listed above; --entity or --sheet can help detection")


def _parse_maps(maps: tuple[str, ...]) -> dict[str, str | None]:
    """``--map "Header=field"`` options as header -> field (``None``: keep as an extra attribute)."""
    from itscm_audit.errors import UsageError
    from itscm_audit.importers.columns import KEEP_AS_EXTRA
    from itscm_audit.importers.engine import known_field

    columns: dict[str, str | None] = {}
    for item in maps:
        header, equals, name = item.rpartition("=")
        header, name = header.strip(), name.strip()
        if not equals or not header:
            raise UsageError(f"--map {item!r} is not HEADER=FIELD", location="--map",
                             hint="e.g. --map \"PII (Y/N)=personal_data\"")
        if not known_field(name):
            raise UsageError(f"--map {item!r}: {name!r} is not a field of any table", location="--map",
                             hint="see the fields in docs/import.md (finding.* and corrective_action.* for the "
                                  "follow-up written on a log's rows)")
        columns[header] = None if name.casefold() in KEEP_AS_EXTRA else name
    return columns


def _as_json(result: ImportResult) -> dict[str, Any]:
    from itscm_audit.model import ENTITY_FIELD

    return {
        "records": {fld: [r.model_dump(mode="json") for r in getattr(result.data, fld)]
                    for fld in ENTITY_FIELD.values() if getattr(result.data, fld)},
        "issues": [i.model_dump(mode="json") for i in result.issues],
        "accounts": [a.model_dump(mode="json") for a in result.accounts],
        "tables": [
            {"file": m.file, "sheet": m.sheet, "entity": m.entity.value, "header_row": m.header_row,
             "header_first_row": m.header_first_row or m.header_row,
             "from_profile": m.from_profile, "runner_up": m.runner_up.value if m.runner_up else None,
             "confidence": m.confidence,
             "columns": [{"column": c.letter, "header": c.header, "field": c.field, "confidence": c.confidence}
                         | ({"forced": True} if c.forced else {})
                         for c in m.columns]}
            for m in result.mappings
        ],
        "interpretations": [i.as_json() for i in result.interpretations()],
        "digests": result.digests,
    }


def _summary(result: ImportResult, *, saved: bool) -> None:
    # digests are recorded in the order the files were read
    files = list(dict.fromkeys([*result.digests, *(m.file for m in result.mappings),
                                *(i.source.file for i in result.issues)]))
    readings = result.interpretations()
    for file in files:
        click.secho(file, bold=True)
        for mapping in (m for m in result.mappings if m.file == file):
            where = f"sheet {mapping.sheet!r}, " if mapping.sheet else ""
            how = "saved profile" if mapping.from_profile else "detected"
            if mapping.runner_up is not None and not mapping.from_profile:
                how += f", confidence {mapping.confidence:.2f}, runner-up {mapping.runner_up.value}"
            rows = (f"rows {mapping.header_first_row}-{mapping.header_row}" if mapping.header_first_row
                    else f"row {mapping.header_row}")
            click.echo(f"  {where}header on {rows}: {mapping.entity.value} ({how})")
            for c in mapping.columns:
                if c.continues is not None:
                    continue
                target = c.field if c.field else "kept as extra attribute"
                confidence = ("  [--map]" if c.forced else "" if not c.field or mapping.from_profile
                              else f"  [{c.confidence:.2f}]")
                click.echo(f"    {c.letter:>3} {c.header[:40]!r:<44} -> {target}{confidence}")
                _readings(c.header, [r for r in readings if r.file == file and r.sheet == mapping.sheet
                                     and r.column == c.header])
            account = result.account_for(mapping)
            if account is not None:
                click.echo(f"    rows read {account.rows_read} = imported {account.imported} + rejected "
                           f"{account.rejected} + skipped {account.skipped}")
        issues = [i for i in result.issues if i.source.file == file]
        problems = [i for i in issues if i.severity.value != "info"]
        notes = [i for i in issues if i.severity.value == "info"]
        if problems:
            click.echo(f"  not understood ({len(problems)}):")
            for issue in problems[:MAX_LISTED]:
                click.echo(f"    {issue.severity.value:<7} {_where(issue)}: {issue.message}")
            if len(problems) > MAX_LISTED:
                click.echo(f"    ... and {len(problems) - MAX_LISTED} more (use --json for all)")
        if notes:
            click.echo(f"  notes ({len(notes)}): " + "; ".join(
                f"{_where(n)}: {n.message}" for n in notes[:5]) + (" ..." if len(notes) > 5 else ""))
    from itscm_audit.model import ENTITY_FIELD

    totals = {a.entity: 0 for a in result.accounts}
    for a in result.accounts:
        totals[a.entity] += a.imported
    carried = {kind.value: len(getattr(result.data, fld)) - totals.get(kind.value, 0)
               for kind, fld in ENTITY_FIELD.items()}
    extra = ", ".join(f"{n} {e}" for e, n in carried.items() if n > 0)
    click.echo("Imported: " + (", ".join(f"{n} {e}" for e, n in totals.items()) or "nothing")
               + (f" (and, from the same rows, {extra})" if extra else ""))
    if saved:
        click.echo("Column mappings saved in the workspace (.itscm/profiles/): the next import will use them.")


def _readings(header: str, readings: list[Interpretation]) -> None:
    """``'Low' -> 4 x3, '1 business day' -> 24h x2 (check)``: what the column's texts were read as."""
    if not readings:
        return
    shown = ", ".join(f"{r.raw[:30]!r} -> {r.value[:30]} x{r.count}" + ("" if r.confident else " (check)")
                      for r in readings[:MAX_READINGS])
    more = f" and {len(readings) - MAX_READINGS} more" if len(readings) > MAX_READINGS else ""
    click.echo(f"        read as: {shown}{more}")


def _where(issue: Any) -> str:
    ref = issue.source
    parts = []
    if ref.sheet:
        parts.append(f"sheet {ref.sheet!r}")
    if ref.row is not None:
        parts.append(f"row {ref.row}")
    if ref.column:
        parts.append(f"column {ref.column!r}")
    if ref.value:
        parts.append(f"value {ref.value[:40]!r}")
    return ", ".join(parts) or "file"
