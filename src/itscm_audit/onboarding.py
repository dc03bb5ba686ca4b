"""A workspace around the organisation's own files (``itscm-audit init DIR --from PATH...``).

The officer gives spreadsheets and folders as they keep them. :func:`plan_onboarding` reads them
without writing anything: which files are spreadsheets, which tables each holds (the importer's own
:func:`~itscm_audit.importers.detect_tables`: sheet, entity, runner-up, confidence, header row, column
mapping with confidences), which sheets and files hold none and why, and which frameworks apply
(:mod:`itscm_audit.scoping`). :func:`write_workspace` then copies the files unchanged into ``data/``,
writes ``itscm.yaml`` with the ``sources:`` found and the mapping as comments the officer can check and
correct, an empty evidence manifest, assesses the workspace once (the same pipeline as ``assess``) and
pre-fills ``attestations.xlsx`` with one row per requirement in scope that no data can decide.

``DIR`` may exist when it holds nothing but the files given; nothing else is ever overwritten, and a
failure removes what this run created.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import os
import re
import shutil
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from itscm_audit.errors import SourceError, UsageError, WorkspaceError
from itscm_audit.scoping import FrameworkChoice, choose_frameworks, normalise_jurisdictions

if TYPE_CHECKING:
    from itscm_audit.catalog import CatalogueSet
    from itscm_audit.importers import DetectedTable
    from itscm_audit.next_steps import MissingRegister, NextAction
    from itscm_audit.result import AssessmentResult

DATA_DIR = "data"
GENERATED = ("itscm.yaml", "attestations.xlsx", "evidence/manifest.yaml")
"""Files init writes: if one already exists in DIR, init refuses rather than overwrite it."""
OS_LITTER = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})
"""Files the operating system leaves in folders: they do not make DIR "hold other files"."""
LOW_ENTITY_CONFIDENCE = 0.6
"""Below this, the entity of a table is flagged for review (the importer warns at the same bound)."""
PEEK_ROWS = 30
"""Rows looked at to say what a sheet that is not a register starts with."""
MANIFEST_TEXT = """\
# Evidence locker of this workspace: every file under evidence/ with its SHA-256, type and links.
# Add files with 'itscm-audit evidence add DIR FILE --type TYPE' (it hashes the file and writes the
# entry); 'itscm-audit evidence verify DIR' checks that nothing changed. Paths are relative to
# evidence/. The types and their time-to-live: evidence/types.yaml of itscm-audit (post_exercise_report,
# continuity_plan, bc_policy, backup_report, ...). One entry looks like this:
#
# items:
#   - path: exercises/2026-03-dr-test-report.pdf
#     sha256: 3f79bb7b435b05321651daefd374cdc681dc06faa65e374e38337b88ca046dea
#     type: post_exercise_report
#     title: March 2026 DR test report
#     collected: 2026-04-02
#     services: [SVC-001]
#     exercises: [EX-2026-03]
#     objectives: []
items: []
"""
"""``evidence/manifest.yaml`` of a new workspace: valid and empty, with one entry shown in a comment."""


@dataclass(frozen=True)
class InputFile:
    """A spreadsheet given with ``--from`` and where it goes in the workspace."""

    source: Path
    label: str
    """Workspace-relative destination with forward slashes, e.g. ``data/BIA Register.xlsx``."""


@dataclass(frozen=True)
class NotUsed:
    """A file or sheet that holds nothing to import, and why (shown on screen and in itscm.yaml)."""

    what: str
    why: str


@dataclass(frozen=True)
class OnboardingPlan:
    """Everything init understood before writing: files, tables, what is left out, frameworks."""

    root: Path
    files: tuple[InputFile, ...]
    tables: tuple[DetectedTable, ...]
    not_used: tuple[NotUsed, ...]
    name: str
    sector: str | None
    jurisdictions: tuple[str, ...]
    frameworks: FrameworkChoice
    notes: tuple[str, ...] = ()
    """What init added or assumed (``CA added: CA-QC is in CA``)."""

    def table_files(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(t.file for t in self.tables))


@dataclass(frozen=True)
class Onboarded:
    """A workspace made from the officer's files, with what the first assessment found."""

    plan: OnboardingPlan
    result: AssessmentResult
    attestation_rows: int
    missing: tuple[MissingRegister, ...]
    actions: tuple[NextAction, ...]


# --------------------------------------------------------------------------- inputs and the target folder

def _spreadsheet(path: Path) -> bool:
    from itscm_audit.importers.readers import CSV_SUFFIXES, WORKBOOK_SUFFIXES

    return path.suffix.casefold() in WORKBOOK_SUFFIXES | CSV_SUFFIXES


def _walk(folder: Path) -> list[Path]:
    """Every file below ``folder``, in a stable order (symbolic links to folders are not followed)."""
    out: list[Path] = []
    for here, dirs, files in os.walk(folder):
        dirs.sort()
        out.extend(Path(here) / name for name in sorted(files))
    return out


def collect_inputs(paths: Sequence[Path], root: Path) -> tuple[tuple[InputFile, ...], tuple[NotUsed, ...],
                                                                 frozenset[Path]]:
    """The spreadsheets among ``paths`` (files, and files inside folders) with their place in ``data/``,
    the files left out and why, and every file given (resolved), to check the target folder against.

    A file already in ``DIR/data/`` stays where it is; a file from a folder keeps its place below that
    folder; two files that would land on the same name are a usage error."""
    if not paths:
        raise UsageError("--from needs at least one file or folder", location="--from")
    data_root = (root / DATA_DIR).resolve()
    files: list[InputFile] = []
    not_used: list[NotUsed] = []
    given: set[Path] = set()
    taken: dict[str, Path] = {}
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise UsageError("no such file or folder", location=str(path), hint="check the path given to --from")
        found = [(f, f.relative_to(path)) for f in _walk(path)] if path.is_dir() else [(path, Path(path.name))]
        for file, rel in found:
            real = file.resolve()
            if real in given:
                continue
            given.add(real)
            shown = file.as_posix()
            if any(part.startswith(".") for part in rel.parts) or file.name.startswith("~$"):
                why = "an Excel lock file" if file.name.startswith("~$") else "a hidden file"
                not_used.append(NotUsed(shown, f"{why}; not copied"))
                continue
            if not _spreadsheet(file):
                not_used.append(NotUsed(shown, "not a spreadsheet (xlsx, xlsm, xls, ods, csv); not copied (artefacts "
                                               "such as reports go to evidence/ with 'itscm-audit evidence add')"))
                continue
            try:
                label = f"{DATA_DIR}/{real.relative_to(data_root).as_posix()}"
            except ValueError:
                label = f"{DATA_DIR}/{rel.as_posix()}"
            key = label.casefold()
            if key in taken:
                raise UsageError(f"two files would both be copied to {label}: {taken[key]} and {file}",
                                 location="--from", hint="rename one of them, or give their folders instead")
            taken[key] = file
            files.append(InputFile(file, label))
    return tuple(files), tuple(not_used), frozenset(given)


def check_target(root: Path, given: frozenset[Path], files: Sequence[InputFile]) -> None:
    """``DIR`` is new, empty, or holds nothing but the files given; nothing init writes exists yet."""
    if root.exists() and not root.is_dir():
        raise WorkspaceError("exists and is not a folder", location=str(root),
                             hint="choose a new folder name for the workspace")
    if root.is_dir():
        for path in _walk(root):
            if path.resolve() not in given and path.name not in OS_LITTER:
                raise WorkspaceError(f"the folder already holds {path.relative_to(root).as_posix()}, which is not "
                                     "one of the files given; refusing to write there", location=str(root),
                                     hint="choose a new or empty folder, or one that holds only the files given")
    for name in GENERATED:
        if (root / name).exists():
            raise WorkspaceError(f"{name} already exists; init never overwrites it", location=str(root / name),
                                 hint="move it away, or choose a new folder")
    for item in files:
        target = root / item.label
        if target.exists() and target.resolve() != item.source.resolve():
            raise WorkspaceError(f"{item.label} already exists and is another file than {item.source}",
                                 location=str(target), hint="choose a new or empty folder")


# --------------------------------------------------------------------------- reading what the files hold

def _first_text(rows: Iterator[tuple[int, list[Any]]]) -> str | None:
    """The first text of a sheet (shortened), to say what a sheet that is not a register holds."""
    import itertools

    for _number, cells in itertools.islice(rows, PEEK_ROWS):
        for cell in cells:
            text = " ".join(str(cell).split()) if cell not in (None, "") else ""
            if text:
                return text if len(text) <= 60 else text[:57] + "..."
    return None


def detect_file(item: InputFile) -> tuple[list[DetectedTable], list[NotUsed]]:
    """The tables of one file, and its sheets (or the file) that hold none, each with why."""
    from itscm_audit.importers import detect_tables
    from itscm_audit.importers.locate import PREVIEW_ROWS
    from itscm_audit.importers.readers import open_source

    try:
        tables = detect_tables(item.source, label=item.label)
        opened = open_source(item.source, item.label)
    except SourceError as exc:
        return [], [NotUsed(item.label, f"cannot be read: {exc.message}" + (f" ({exc.hint})" if exc.hint else ""))]
    not_used: list[NotUsed] = []
    try:
        if opened.kind == "csv":
            if not tables:
                not_used.append(NotUsed(item.label, "no header row of a continuity table in its first "
                                                    f"{PREVIEW_ROWS} rows"))
        else:
            found = {t.sheet for t in tables}
            for name in opened.sheet_names:
                if name in found:
                    continue
                first = _first_text(iter(opened.sheet(name).rows))
                why = ("empty sheet" if first is None else
                       f"not recognised as a continuity table (it starts with {first!r}): a cover page, "
                       "instructions or a list?")
                not_used.append(NotUsed(f"{item.label}, sheet {name!r}", why))
            if not tables and opened.sheet_names:
                not_used.append(NotUsed(item.label, "no continuity table in any sheet"))
    except SourceError as exc:
        not_used.append(NotUsed(item.label, f"cannot be read: {exc.message}"))
    finally:
        opened.finish()
    return tables, not_used


def shipped_catalogues() -> CatalogueSet:
    from itscm_audit.pipeline import load_catalogues

    return load_catalogues(None, None)


def plan_onboarding(root: Path, paths: Sequence[Path], *, name: str | None = None, sector: str | None = None,
                    jurisdictions: Sequence[str] = (), frameworks: Sequence[str] = ()) -> OnboardingPlan:
    """What ``init DIR --from PATH...`` would do, read-only: raises :class:`UsageError` for bad options,
    :class:`WorkspaceError` for a target folder that holds other files, :class:`SourceError` when no file
    holds a continuity table."""
    root = Path(root)
    codes, notes = normalise_jurisdictions(jurisdictions)
    if frameworks:
        known = {c.framework.id for c in shipped_catalogues().catalogues}
        unknown = [f for f in frameworks if f not in known]
        if unknown:
            raise UsageError(f"unknown framework id(s): {', '.join(unknown)}", location="--framework",
                             hint=f"known: {', '.join(sorted(known))}")
        chosen = tuple(dict.fromkeys(frameworks))
        choice = FrameworkChoice(chosen, dict.fromkeys(chosen, "--framework"))
    else:
        choice = choose_frameworks(codes, sector)
    files, not_used, given = collect_inputs(paths, root)
    check_target(root, given, files)
    tables: list[DetectedTable] = []
    left: list[NotUsed] = []
    for item in files:
        found, unused = detect_file(item)
        tables.extend(found)
        left.extend(unused)
    if not tables:
        reasons = "; ".join(f"{n.what}: {n.why}" for n in [*left, *not_used][:4])
        raise SourceError(f"no continuity table was recognised in the files given ({reasons or 'no spreadsheet'})",
                          location="--from", hint="run 'itscm-audit import FILE' to see what each file holds")
    workspace_name = (name or "").strip() or root.resolve().name or "Organisation"
    return OnboardingPlan(root=root, files=files, tables=tuple(tables), not_used=(*left, *not_used),
                          name=workspace_name, sector=(sector or "").strip() or None, jurisdictions=codes,
                          frameworks=choice, notes=notes)


# --------------------------------------------------------------------------- itscm.yaml

_PLAIN = re.compile(r"[^\W\d_][\w .,()/&'+-]*", re.UNICODE)


def _q(text: str) -> str:
    """A YAML scalar for ``text``: plain when it reads back as the same string, else double-quoted."""
    import yaml

    if _PLAIN.fullmatch(text) and text == text.strip() and yaml.safe_load(text) == text:
        return text
    return json.dumps(text, ensure_ascii=False)


def _c(text: object) -> str:
    """Text safe inside a YAML comment (one line)."""
    return " ".join(str(text).split())


def _policy_lines() -> list[str]:
    from itscm_audit.config import Policy

    out = []
    for key, value in Policy().model_dump(mode="json").items():
        if isinstance(value, dict) and value:
            out.append(f"#   {key}:")
            out.extend(f"#     {k}: {json.dumps(v)}" for k, v in value.items())
        else:
            shown = "{}" if isinstance(value, dict) else json.dumps(value) if not isinstance(value, str) else value
            out.append(f"#   {key}: {shown}")
    return out


def _is_csv(table: DetectedTable) -> bool:
    """A CSV-like table (a text file: no sheets; the importer names its one table after the file)."""
    from itscm_audit.importers.readers import CSV_SUFFIXES

    return Path(table.file).suffix.casefold() in CSV_SUFFIXES


def _source_block(table: DetectedTable) -> list[str]:
    from itscm_audit.importers.columns import CONFIRM_BELOW

    where = f"{table.file}" + ("" if _is_csv(table) else f", sheet {table.sheet!r}")
    lines = [f"  # {_c(where)}: {table.entity.value} table, header on row {table.header_row}"]
    if table.runner_up is not None:
        flag = " CHECK: could also be " if table.confidence < LOW_ENTITY_CONFIDENCE else "; runner-up "
        lines.append(f"  #   (confidence {table.confidence:.2f}{flag}{table.runner_up.value}; change 'entity:' if wrong)")
    lines.append("  #   Columns as understood (header -> field, confidence):")
    width = min(32, max((len(json.dumps(_c(c.header), ensure_ascii=False)) for c in table.columns), default=0))
    doubtful = []
    for c in table.columns:
        if c.continues is not None:
            continue
        header = json.dumps(_c(c.header) or f"(no header, column {c.letter})", ensure_ascii=False)
        if c.field is None:
            lines.append(f"  #   {c.letter:>3} {header:<{width}} -> kept as an extra attribute")
            continue
        low = c.confidence < CONFIRM_BELOW
        if low:
            doubtful.append(c)
        lines.append(f"  #   {c.letter:>3} {header:<{width}} -> {c.field:<24} {c.confidence:.2f}"
                     + ("  CHECK: low confidence" if low else ""))
    example = doubtful[0] if doubtful else next((c for c in table.columns if c.field and c.continues is None), None)
    lines.append("  #   To correct a column, add 'columns:' to this source (null keeps it as an extra attribute;")
    lines.append("  #   the fields are listed in docs/import.md), e.g.:")
    if example is not None:
        lines.append(f"  #     columns: {{{json.dumps(_c(example.header), ensure_ascii=False)}: {example.field}}}")
    lines.append(f"  - path: {_q(table.file)}")
    if not _is_csv(table) and table.sheet is not None:
        lines.append(f"    sheet: {_q(table.sheet)}")
    lines.append(f"    entity: {table.entity.value}")
    return lines


def config_text(plan: OnboardingPlan) -> str:
    """The ``itscm.yaml`` of the new workspace: organisation, frameworks with why, the detected sources
    with their mapping as comments, the files and sheets left out, the policy defaults (commented)."""
    fw = plan.frameworks
    lines = [
        "# itscm-audit workspace settings, written by 'itscm-audit init --from' from your own files.",
        "# Check the 'sources:' below: they say what was understood in each file. Edit this file freely;",
        "# 'itscm-audit assess DIR' reads it.",
        "organisation:",
        f"  name: {_q(plan.name)}",
        *([f"  sector: {_q(plan.sector)}"] if plan.sector else
          ["  # sector: finance              # e.g. finance, insurance, health: decides DORA, PHIPA and HIPAA"]),
        "  # Where the organisation operates (ISO 3166 codes): decides which privacy and sector laws apply.",
        f"  jurisdictions: [{', '.join(plan.jurisdictions)}]",
        "",
        "scope:",
        "  services: all",
        "",
        "# Frameworks in scope (ids of the shipped catalogues: itscm-audit frameworks list), chosen from the",
        "# jurisdictions and the sector: " + "; ".join(f"{k}: {v}" for k, v in fw.reasons.items()) + ".",
        *(f"# {_c(n)}." for n in plan.notes),
        "frameworks:",
        *(f"  - {f}" for f in fw.frameworks),
        "",
        "# Assess as of this date unless --as-of is given (default: the day you run assess).",
        "# as_of: 2026-12-31",
        "",
        "# The officer's policy parameters: these defaults apply; uncomment and change what you need.",
        "# policy:",
        *_policy_lines(),
        "",
        "# The tables found in your files (copied unchanged into data/).",
        "sources:",
    ]
    for table in plan.tables:
        lines.extend(_source_block(table))
    if plan.not_used:
        lines.append("")
        lines.append("# Not read (nothing to import was found in them):")
        lines.extend(f"#   {_c(n.what)}: {_c(n.why)}" for n in plan.not_used)
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------- writing the workspace

def _copy(item: InputFile, root: Path) -> None:
    """Copy a file into ``data/`` unchanged (bytes and modification time), whole or not at all."""
    from itscm_audit.fsio import atomic_path

    target = root / item.label
    if target.exists() and target.resolve() == item.source.resolve():
        return  # already in place (a file given from DIR/data/)
    with atomic_path(target) as tmp:
        shutil.copy2(item.source, tmp)


def _remove_created(root: Path, before: set[Path], existed: bool) -> None:
    """Undo a failed init: remove what this run created, never anything that was there before."""
    if not existed:
        shutil.rmtree(root, ignore_errors=True)
        return
    for here, dirs, files in os.walk(root, topdown=False):
        for name in files:
            path = Path(here) / name
            if path not in before:
                path.unlink(missing_ok=True)
        for name in dirs:
            path = Path(here) / name
            if path not in before:
                with contextlib.suppress(OSError):  # not empty: it holds a file from before
                    path.rmdir()


def attestation_rows(result: AssessmentResult, catalogues: CatalogueSet,
                     missing: Sequence[MissingRegister]) -> list[dict[str, str]]:
    """One row per requirement in scope that no data decided (not assessed, not attested): framework, id,
    title and what to attest (the requirement's summary, and the register that would decide it)."""
    from itscm_audit.catalog import DecidedBy
    from itscm_audit.next_steps import ref
    from itscm_audit.registers import REGISTER_NAMES
    from itscm_audit.result import Status

    lacking: dict[str, list[str]] = {}
    for m in missing:
        for target in m.requirements:
            lacking.setdefault(target, []).append(REGISTER_NAMES[m.kind])
    summaries = {f"{c.framework.id}:{r.id}": (r.summary or r.title) for c in catalogues.catalogues
                 for r in c.requirements}
    rows = []
    for r in result.requirements:
        if r.status != Status.NOT_ASSESSED or r.attestation is not None or r.decided_by == DecidedBy.NOT_ASSESSABLE:
            continue  # a definition or a power of the authority is not the organisation's to attest
        target = ref(r)
        what = summaries.get(target, r.title)
        if target in lacking:
            what = (f"No {' or '.join(lacking[target])} in your files: state how this is met, or import them. "
                    + what)
        rows.append({"framework": r.framework, "requirement": r.requirement_id, "title": r.title, "what": what})
    return rows


def write_workspace(plan: OnboardingPlan, *, as_of: dt.date) -> Onboarded:
    """Create the workspace of ``plan``: data/, itscm.yaml, evidence/manifest.yaml, reports/, then one
    assessment as of ``as_of`` (the same pipeline as ``assess``, which also saves the column mappings
    under .itscm/profiles/) and attestations.xlsx pre-filled from it. On failure, whatever this run
    created is removed."""
    from itscm_audit.attestations import FILE_NAME, write_attestations_template
    from itscm_audit.config import parse_config
    from itscm_audit.fsio import write_text_atomic
    from itscm_audit.next_steps import missing_registers, next_actions
    from itscm_audit.pipeline import assess, load_catalogues

    root = plan.root
    text = config_text(plan)
    parse_config(text, root / "itscm.yaml")  # what we write must read back: a bug otherwise
    existed = root.exists()
    before: set[Path] = set()
    for here, dirs, files in os.walk(root):
        before.update(Path(here) / name for name in (*dirs, *files))
    try:
        (root / DATA_DIR).mkdir(parents=True, exist_ok=True)
        (root / "reports").mkdir(exist_ok=True)
        for item in plan.files:
            _copy(item, root)
        write_text_atomic(root / "evidence" / "manifest.yaml", MANIFEST_TEXT)
        write_text_atomic(root / "itscm.yaml", text)
        result = assess(root, as_of)
        catalogues = load_catalogues(root, None)
        missing = missing_registers(result)
        rows = attestation_rows(result, catalogues, missing)
        write_attestations_template(root / FILE_NAME, rows)
        actions = next_actions(result, catalogues.objectives, workspace=root)
    except BaseException:
        _remove_created(root, before, existed)
        raise
    return Onboarded(plan=plan, result=result, attestation_rows=len(rows), missing=missing, actions=actions)


def onboard(root: Path, paths: Sequence[Path], *, as_of: dt.date, name: str | None = None,
            sector: str | None = None, jurisdictions: Sequence[str] = (),
            frameworks: Sequence[str] = ()) -> Onboarded:
    """``itscm-audit init DIR --from PATH...`` as one library call: plan, then write."""
    plan = plan_onboarding(Path(root), paths, name=name, sector=sector, jurisdictions=jurisdictions,
                           frameworks=frameworks)
    return write_workspace(plan, as_of=as_of)


# --------------------------------------------------------------------------- the screen

def _table_line(table: DetectedTable, done: Onboarded) -> list[str]:
    from itscm_audit.importers.columns import CONFIRM_BELOW
    from itscm_audit.model import ENTITY_FIELD, Severity

    result = done.result
    # a sheet may hold several tables, one under the other: accounts come in the tables' order
    same = [t.header_row for t in done.plan.tables if t.file == table.file and t.sheet == table.sheet]
    accounts = [a for a in result.accounts if a.file == table.file and a.sheet == table.sheet]
    position = same.index(table.header_row) if table.header_row in same else 0
    account = accounts[position] if position < len(accounts) else None
    own = [c for c in table.columns if c.continues is None and c.header.strip()]
    mapped = sum(1 for c in own if c.field)
    issues = [i for i in result.issues if i.source.file == table.file and i.source.sheet == table.sheet
              and i.severity != Severity.INFO]
    where = "" if _is_csv(table) else f"sheet {table.sheet!r}, "
    rows = (f"{account.rows_read} rows read: {account.imported} imported, {account.rejected} rejected, "
            f"{account.skipped} skipped" if account is not None else "no rows read")
    carried = []
    for kind, fld in ENTITY_FIELD.items():
        if kind is table.entity:
            continue
        n = sum(1 for r in getattr(result.data, fld) if r.source.file == table.file and r.source.sheet == table.sheet)
        if n:
            carried.append(f"{n} {fld.replace('_', ' ') if n > 1 else kind.value.replace('_', ' ')}")
    line = (f"    {where}header on row {table.header_row}: {table.entity.value}; {rows}"
            + (f" (and from the same rows: {', '.join(carried)})" if carried else "")
            + f"; {mapped} of {len(own)} columns mapped; {len(issues)} issue(s)")
    out = [line]
    if table.runner_up is not None and table.confidence < LOW_ENTITY_CONFIDENCE:
        out.append(f"      CHECK: read as {table.entity.value} with confidence {table.confidence:.2f}; it could be "
                   f"{table.runner_up.value} (set 'entity:' in itscm.yaml)")
    out.extend(f"      CHECK: column {_c(c.header)[:40]!r} read as {c.field} (confidence {c.confidence:.2f})"
               for c in own if c.field and c.confidence < CONFIRM_BELOW)
    return out


def summary_lines(done: Onboarded) -> list[str]:
    """What init understood, in one screen: per file its tables (entity, rows, columns mapped, issues, what
    to check), what was left out and why, the frameworks and why, the missing registers, next actions."""
    plan = done.plan
    out = [f"Workspace created in {plan.root} for {plan.name}: {len(plan.files)} spreadsheet(s) copied unchanged "
           f"into {DATA_DIR}/"]
    by_file: dict[str, list[NotUsed]] = {}
    for n in plan.not_used:
        by_file.setdefault(n.what.split(", sheet ", 1)[0], []).append(n)
    for item in plan.files:
        out.append(f"  {item.label}" + ("" if any(t.file == item.label for t in plan.tables) else
                                        " (copied, not read)"))
        for table in (t for t in plan.tables if t.file == item.label):
            out.extend(_table_line(table, done))
        for n in by_file.pop(item.label, []):
            sheet = n.what.split(", sheet ", 1)[1] if ", sheet " in n.what else None
            out.append(f"    {'sheet ' + sheet + ': ' if sheet else ''}not used: {n.why}")
    for what, items in by_file.items():
        out.extend(f"  {what}: not used: {n.why}" for n in items)
    out.append("Frameworks in scope: " + "; ".join(f"{k} ({v})" for k, v in plan.frameworks.reasons.items())
               + (f"; {'; '.join(plan.notes)}" if plan.notes else ""))
    if done.missing:
        out.append("Missing registers, so some requirements need an attestation or evidence instead:")
        out.extend(f"  {m.line()}" for m in done.missing)
    out.append(f"attestations.xlsx: {done.attestation_rows} requirement(s) in scope that no data decides, one row "
               "each: fill in Status, Statement, Owner and Date (Not applicable needs a Justification)")
    out.append("evidence/manifest.yaml: empty; record artefacts with 'itscm-audit evidence add'")
    out.append("itscm.yaml: lists each table found with how every column was read; correct it there if needed")
    if done.actions:
        out.append("Next actions (most requirements first):")
        out.extend(f"  {i}. {a.text}" for i, a in enumerate(done.actions, start=1))
    out.append(f"Next: itscm-audit assess {plan.root}")
    return out
