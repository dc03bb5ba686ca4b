"""``itscm-audit import``: show what the importer understood of some files, and what it did not."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from itscm_audit.cli.common import echo_json, handle_errors, json_option

if TYPE_CHECKING:
    from itscm_audit.importers import ImportResult

MAX_LISTED = 50
"""Issues listed per file in the readable summary; ``--json`` always has all of them."""


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
@json_option
@handle_errors
def import_cmd(paths: tuple[Path, ...], workspace: Path | None, entity: str | None, sheet: str | None,
               save_profile: bool | None, as_json: bool) -> None:
    """Read continuity spreadsheets or CSV files and show what was understood and what was not.

    For each table: the entity recognised, the header row, each column's mapping with its confidence
    and the row accounting (read = imported + rejected + skipped). Every value that could not be used
    is listed with its file, sheet, row, column and raw text. Exits with 3 when nothing usable remains.

    \b
    Example:
      itscm-audit import acme/data/bia.xlsx acme/data/exercise-log.xlsx --workspace acme
      itscm-audit import drills.csv --entity exercise --json > drills.json
    """
    from itscm_audit.errors import SourceError, UsageError
    from itscm_audit.importers import import_files
    from itscm_audit.importers.engine import total_records

    if workspace is not None and not workspace.is_dir():
        raise UsageError("the workspace folder does not exist", location=str(workspace))
    save = workspace is not None if save_profile is None else save_profile
    if save and workspace is None:
        raise UsageError("--save-profile needs --workspace (profiles are kept in the workspace)")
    try:
        result = import_files(list(paths), workspace, entity=entity, sheet=sheet, save_profiles=save)
    except SourceError as exc:
        if exc.location == "--entity":
            raise UsageError(exc.message, location="--entity", hint=exc.hint) from None
        raise
    usable = total_records(result) > 0
    if as_json:
        echo_json(_as_json(result))
    else:
        _summary(result, saved=save and usable)
    if not usable:
        raise SourceError("nothing usable was imported", location=", ".join(p.as_posix() for p in paths),
                          hint="see the problems listed above; --entity or --sheet can help detection")


def _as_json(result: ImportResult) -> dict[str, Any]:
    from itscm_audit.model import ENTITY_FIELD

    return {
        "records": {fld: [r.model_dump(mode="json") for r in getattr(result.data, fld)]
                    for fld in ENTITY_FIELD.values() if getattr(result.data, fld)},
        "issues": [i.model_dump(mode="json") for i in result.issues],
        "accounts": [a.model_dump(mode="json") for a in result.accounts],
        "tables": [
            {"file": m.file, "sheet": m.sheet, "entity": m.entity.value, "header_row": m.header_row,
             "from_profile": m.from_profile,
             "columns": [{"column": c.letter, "header": c.header, "field": c.field, "confidence": c.confidence}
                         for c in m.columns]}
            for m in result.mappings
        ],
        "digests": result.digests,
    }


def _summary(result: ImportResult, *, saved: bool) -> None:
    # digests are recorded in the order the files were read
    files = list(dict.fromkeys([*result.digests, *(m.file for m in result.mappings),
                                *(i.source.file for i in result.issues)]))
    for file in files:
        click.secho(file, bold=True)
        for mapping in (m for m in result.mappings if m.file == file):
            where = f"sheet {mapping.sheet!r}, " if mapping.sheet else ""
            how = "saved profile" if mapping.from_profile else "detected"
            click.echo(f"  {where}header on row {mapping.header_row}: {mapping.entity.value} ({how})")
            for c in mapping.columns:
                if c.continues is not None:
                    continue
                target = c.field if c.field else "kept as extra attribute"
                confidence = "" if not c.field or mapping.from_profile else f"  [{c.confidence:.2f}]"
                click.echo(f"    {c.letter:>3} {c.header[:40]!r:<44} -> {target}{confidence}")
            account = next((a for a in result.accounts if a.file == file and a.sheet == mapping.sheet), None)
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
    totals = {a.entity: 0 for a in result.accounts}
    for a in result.accounts:
        totals[a.entity] += a.imported
    click.echo("Imported: " + (", ".join(f"{n} {e}" for e, n in totals.items()) or "nothing"))
    if saved:
        click.echo("Column mappings saved in the workspace (.itscm/profiles/): the next import will use them.")


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
