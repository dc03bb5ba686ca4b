"""Import continuity plans and drill records from the organisation's own spreadsheets.

``import_sources`` reads the sources listed in ``itscm.yaml`` (the pipeline's entry point);
``import_paths`` reads arbitrary files for the ``import`` command; ``detect_tables`` says what the
tables of a file are without importing them. The imports return an :class:`ImportResult`: records
with their locations and the officer's own headers and texts, located issues, row accounting per
table and the SHA-256 of every file read. See ``docs/import.md``; the steps are listed in
:mod:`itscm_audit.importers.engine`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from itscm_audit.config import CONFIG_NAME, WorkspaceConfig, load_config
from itscm_audit.errors import SourceError
from itscm_audit.fsio import inside
from itscm_audit.importers.engine import (
    ColumnMapping,
    DetectedTable,
    ImportResult,
    SourceItem,
    TableMapping,
    detect_tables,
    parse_entity,
    run_import,
    total_records,
)
from itscm_audit.importers.readers import CSV_SUFFIXES, WORKBOOK_SUFFIXES

__all__ = ["ColumnMapping", "DetectedTable", "ImportResult", "TableMapping", "detect_tables", "import_files",
           "import_paths", "import_sources"]

DATA_DIR = "data"


def _label(path: Path, workspace: Path | None) -> str:
    """Workspace-relative with forward slashes when inside the workspace; otherwise as given."""
    if workspace is not None:
        try:
            return path.resolve().relative_to(workspace.resolve()).as_posix()
        except ValueError:
            pass
    return path.as_posix()


def _nothing_usable(result: ImportResult, where: str) -> SourceError:
    errors = [i for i in result.issues if i.severity.value == "error"]
    first = f"; first problem: {errors[0].source.label()}: {errors[0].message}" if errors else ""
    return SourceError(f"nothing usable was imported{first}", location=where,
                       hint="run 'itscm-audit import' on the files to see what was not understood")


def _refuse_outside(root: Path, path: Path, label: str) -> None:
    """A source must really be in the workspace: a symbolic link to a file elsewhere is refused."""
    if not inside(root, path):
        raise SourceError("is a link to a file outside the workspace; not read", location=label,
                          hint="copy the file itself into the workspace")


def import_sources(root: Path, config: WorkspaceConfig, *, as_of: dt.date | None = None) -> ImportResult:
    """Import the workspace's sources (``sources:`` in itscm.yaml, else every spreadsheet in ``data/``).

    Mapping profiles under ``.itscm/profiles/`` are used, and saved for sources that have none yet;
    a source's ``columns:`` block forces column mappings. ``as_of`` (else ``as_of`` in itscm.yaml)
    bounds the dates of events that have already happened. Raises :class:`SourceError` when a
    configured file is missing or cannot be read (an assessment without one of its declared sources
    would be silently incomplete), or when nothing usable remains.
    """
    root = Path(root)
    items = []
    if config.sources:
        for source in config.sources:
            path = root / source.path
            label = Path(source.path).as_posix()
            if not path.is_file():
                raise SourceError("source file not found", location=label,
                                  hint=f"check 'sources:' in {CONFIG_NAME} or put the file in the workspace")
            _refuse_outside(root, path, label)
            items.append(SourceItem(path, label, parse_entity(source.entity, f"{CONFIG_NAME}: {label}"),
                                    source.sheet, dict(source.columns)))
    else:
        data_dir = root / DATA_DIR
        files = sorted(p for p in data_dir.glob("*") if p.is_file() and not p.name.startswith((".", "~$"))
                       and p.suffix.casefold() in WORKBOOK_SUFFIXES | CSV_SUFFIXES) if data_dir.is_dir() else []
        items = [SourceItem(p, _label(p, root)) for p in files]
        for item in items:
            _refuse_outside(root, item.path, item.label)
        if not items:
            raise SourceError("no spreadsheets to import", location=f"{root.as_posix()}/{DATA_DIR}",
                              hint=f"put them in {DATA_DIR}/ or list them under 'sources:' in {CONFIG_NAME}")
    result = run_import(items, workspace=root, vocabularies=dict(config.vocabularies),
                        date_order=config.policy.date_order, save_profiles="new", as_of=as_of or config.as_of)
    if config.sources:
        unreadable = [i for i in result.issues if i.code == "source.unreadable"]
        if unreadable:
            first = unreadable[0]
            raise SourceError(f"cannot read this source: {first.message}", location=first.source.label(),
                              hint="fix or replace the file, or remove it from 'sources:' in itscm.yaml")
    if total_records(result) == 0:
        raise _nothing_usable(result, root.as_posix())
    return result


def import_files(paths: list[Path], workspace: Path | None, *, entity: str | None = None,
                 sheet: str | None = None, save_profiles: bool = False,
                 columns: dict[str, str | None] | None = None, as_of: dt.date | None = None) -> ImportResult:
    """Import arbitrary files; never raises for one bad file (its problem is an error issue).

    With a workspace, its vocabularies, date order and saved profiles apply; ``save_profiles`` makes
    this a confirmed import whose mappings (including ``columns``, the officer's forced mappings:
    header -> field) are saved for next time.
    """
    config: WorkspaceConfig | None = None
    if workspace is not None and (workspace / CONFIG_NAME).is_file():
        config = load_config(workspace)
    kind = parse_entity(entity, "--entity")
    items = [SourceItem(Path(p), _label(Path(p), workspace), kind, sheet, dict(columns or {})) for p in paths]
    return run_import(
        items, workspace=workspace,
        vocabularies=dict(config.vocabularies) if config else {},
        date_order=config.policy.date_order if config else "auto",
        save_profiles="always" if (save_profiles and workspace is not None) else "never",
        as_of=as_of or (config.as_of if config else None),
    )


def import_paths(paths: list[Path], workspace: Path | None) -> ImportResult:
    """Import arbitrary files (the ``import`` command); :class:`SourceError` when nothing usable remains."""
    result = import_files(paths, workspace)
    if total_records(result) == 0:
        raise _nothing_usable(result, ", ".join(_label(Path(p), workspace) for p in paths))
    return result
