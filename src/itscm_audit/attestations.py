"""Manual attestations (``attestations.xlsx``): what a named person states about a requirement or an
objective that data cannot decide, and the Statement of Applicability ("Not applicable" + why).

An attestation never overrides a failing data rule silently (``status.py`` keeps both). Reading is
lenient and located: a bad row becomes a DataIssue naming its sheet, row and column.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from itscm_audit.errors import SourceError
from itscm_audit.fsio import atomic_path, inside
from itscm_audit.model import Attestation, AttestationStatus, DataIssue, Severity, SourceRef
from itscm_audit.periods import bounded_date

FILE_NAME = "attestations.xlsx"
SHEET = "Attestations"
HELP_SHEET = "How to fill in"
COLUMNS = ("Target", "Status", "Statement", "Justification", "Attested By", "Date", "Evidence")
_FIELDS = ("target", "status", "statement", "justification", "attested_by", "date", "evidence")
STATUS_LABELS = {
    AttestationStatus.MET: "Met",
    AttestationStatus.PARTIALLY_MET: "Partially met",
    AttestationStatus.NOT_MET: "Not met",
    AttestationStatus.NOT_APPLICABLE: "Not applicable",
}
_STATUS_WORDS = {
    "met": AttestationStatus.MET, "yes": AttestationStatus.MET, "compliant": AttestationStatus.MET,
    "partially met": AttestationStatus.PARTIALLY_MET, "partial": AttestationStatus.PARTIALLY_MET,
    "partially": AttestationStatus.PARTIALLY_MET,
    "not met": AttestationStatus.NOT_MET, "no": AttestationStatus.NOT_MET,
    "non compliant": AttestationStatus.NOT_MET, "not compliant": AttestationStatus.NOT_MET,
    "not applicable": AttestationStatus.NOT_APPLICABLE, "n/a": AttestationStatus.NOT_APPLICABLE,
    "na": AttestationStatus.NOT_APPLICABLE,
}
_TARGET = re.compile(r"^(OBJ-[A-Z0-9-]+|[a-z0-9][a-z0-9_.-]*:\S+)$")
_MAX_COLUMNS = 30
_MAX_UNPACKED = 200 * 1024 * 1024
"""A workbook of manual statements is small; refuse one that would unpack to more than this."""


def _norm(text: Any) -> str:
    return " ".join(str(text).replace("_", " ").replace("-", " ").casefold().split())


def parse_status(value: Any) -> AttestationStatus | None:
    if value is None:
        return None
    return _STATUS_WORDS.get(_norm(value).replace(" / ", "/"))


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _date(value: Any) -> dt.date | None:
    """The attestation date (ValueError for text that is no date, or a date outside the accepted range)."""
    if isinstance(value, dt.datetime):
        return bounded_date(value.date())
    if isinstance(value, dt.date):
        return bounded_date(value)
    text = _text(value)
    if text is None:
        return None
    return bounded_date(dt.date.fromisoformat(text[:10]))


def _check_size(path: Path, shown: str) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            total = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError):
        raise SourceError("not a readable .xlsx workbook (corrupt, encrypted or another format)", location=shown,
                          hint="save it again from Excel as .xlsx") from None
    if total > _MAX_UNPACKED:
        raise SourceError(f"unpacks to {total // (1024 * 1024)} MB, far more than an attestation register",
                          location=shown, hint="remove the extra content and save again")


def load_attestations(root: Path) -> tuple[tuple[Attestation, ...], tuple[DataIssue, ...]]:
    """Read ``attestations.xlsx`` of the workspace: a missing file means no attestations and no issue."""
    attestations, issues, _digest = read_attestations(root)
    return attestations, issues


def read_attestations(root: Path) -> tuple[tuple[Attestation, ...], tuple[DataIssue, ...], dict[str, str]]:
    """As :func:`load_attestations`, plus the file's SHA-256 for the run's input digests (one read).

    A folder in the file's place, a link to a file outside the workspace or a sheet without the
    ``Target`` and ``Status`` headers is a one-line error: silently reading no attestation would change
    every status they decide.
    """
    path = Path(root) / FILE_NAME
    if not path.exists() and not path.is_symlink():
        return (), (), {}
    if path.is_dir():
        raise SourceError("is a folder, not a workbook", location=FILE_NAME,
                          hint="move the folder away; attestations.xlsx must be an .xlsx file")
    if not inside(root, path):
        raise SourceError("is a link to a file outside the workspace", location=FILE_NAME,
                          hint="copy the workbook itself into the workspace")
    if not path.is_file():
        raise SourceError("is not a regular file", location=FILE_NAME)
    _check_size(path, FILE_NAME)
    data = path.read_bytes()
    digest = {FILE_NAME: hashlib.sha256(data).hexdigest()}
    attestations, issues = _parse(data)
    return attestations, issues, digest


def _parse(data: bytes) -> tuple[tuple[Attestation, ...], tuple[DataIssue, ...]]:
    """Read the register with python-calamine (quick to import and to open; values typed as Excel has them)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = list(wb.sheet_names)
        sheet = SHEET if SHEET in names else names[0]
        grid = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # calamine raises its own error types for every kind of damage
        raise SourceError(f"cannot open the workbook: {type(exc).__name__}", location=FILE_NAME,
                          hint="save it again from Excel as .xlsx") from None
    rows = [[None if c == "" else c for c in row[:_MAX_COLUMNS]] for row in grid]
    issues: list[DataIssue] = []
    header_at = None
    for index, row in enumerate(rows[:20]):
        names_in_row = [_norm(c) for c in row if c is not None]
        if "target" in names_in_row and "status" in names_in_row:
            header_at = index
            break
    if header_at is None:
        found = ", ".join(repr(_text(c)) for c in (rows[0] if rows else []) if _text(c)) or "nothing"
        raise SourceError(f"no header row with 'Target' and 'Status' in sheet {sheet!r} (first row: {found}); "
                          "no attestation could be read", location=FILE_NAME,
                          hint=f"use the columns {', '.join(COLUMNS)} (see the '{HELP_SHEET}' sheet)")
    header = [_norm(c) if c is not None else "" for c in rows[header_at]]
    col = {f: header.index(_norm(name)) for f, name in zip(_FIELDS, COLUMNS, strict=True) if _norm(name) in header}
    out: list[Attestation] = []
    for index, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        values = {f: (row[i] if i < len(row) else None) for f, i in col.items()}
        if all(_text(v) is None for v in values.values()):
            continue
        here = SourceRef(file=FILE_NAME, sheet=sheet, row=index)

        def problem(code: str, message: str, column: str, value: Any, here: SourceRef = here) -> None:
            issues.append(DataIssue(code=code, message=message, severity=Severity.ERROR,
                                    source=here.at(column, _text(value))))

        target = _text(values.get("target"))
        if target is None or not _TARGET.match(target):
            problem("attestation.bad_target", f"target {target!r} is neither an objective (OBJ-...) nor a "
                    "requirement (framework:id); row ignored", "Target", target)
            continue
        status = parse_status(values.get("status"))
        if status is None:
            problem("attestation.unknown_status", f"unknown status {_text(values.get('status'))!r}: use "
                    f"{', '.join(STATUS_LABELS.values())}; row ignored", "Status", values.get("status"))
            continue
        justification = _text(values.get("justification"))
        if status == AttestationStatus.NOT_APPLICABLE and justification is None:
            problem("attestation.no_justification", f"{target} declared Not applicable without a "
                    "justification; row ignored", "Justification", None)
            continue
        try:
            when = _date(values.get("date"))
        except ValueError:
            problem("attestation.bad_date", f"date {_text(values.get('date'))!r} is not a date (use "
                    "YYYY-MM-DD); kept undated", "Date", values.get("date"))
            when = None
        evidence = tuple(p.strip().replace("\\", "/") for p in re.split(r"[,;\n]", _text(values.get("evidence"))
                                                                          or "") if p.strip())
        out.append(Attestation(target=target, status=status, statement=_text(values.get("statement")),
                               justification=justification, attested_by=_text(values.get("attested_by")),
                               date=when, evidence=evidence, source=here))
    return tuple(out), tuple(issues)


def check_targets(attestations: Iterable[Attestation], requirements: set[str],
                  objectives: set[str]) -> tuple[tuple[Attestation, ...], tuple[DataIssue, ...]]:
    """Keep the attestations whose target exists; each other one is a located error and is ignored.

    ``requirements`` are ``framework:id`` of every loaded catalogue (not only the frameworks assessed
    in this run), ``objectives`` the ``OBJ-...`` ids: an attestation for ``iso22301:99.9`` would
    otherwise be accepted and never counted.
    """
    frameworks = {r.split(":", 1)[0] for r in requirements}
    kept: list[Attestation] = []
    issues: list[DataIssue] = []
    for a in attestations:
        known = a.target in objectives if a.target.startswith("OBJ-") else a.target in requirements
        if known:
            kept.append(a)
            continue
        framework = a.target.split(":", 1)[0]
        if a.target.startswith("OBJ-"):
            why = f"no control objective {a.target}"
        elif framework not in frameworks:
            why = f"no framework {framework!r} (known: {', '.join(sorted(frameworks))})"
        else:
            why = f"{framework} has no requirement {a.target.split(':', 1)[1]!r}"
        issues.append(DataIssue(code="attestation.unknown_target", severity=Severity.ERROR,
                                message=f"target {a.target}: {why}; row ignored",
                                source=a.source.at("Target", a.target)))
    return tuple(kept), tuple(issues)


def _safe_cell(value: Any) -> Any:
    """Text that a spreadsheet would run as a formula is written as plain text; control chars dropped."""
    if isinstance(value, str):
        return re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f]", "", value)
    return value


def _row_values(row: Attestation | Mapping[str, Any]) -> list[Any]:
    data: Mapping[str, Any] = row.model_dump() if isinstance(row, Attestation) else row
    out: list[Any] = []
    for f in _FIELDS:
        value = data.get(f)
        if f == "status" and value is not None:
            status = value if isinstance(value, AttestationStatus) else parse_status(value)
            value = STATUS_LABELS[status] if status is not None else str(value)
        elif f == "evidence" and isinstance(value, (list, tuple)):
            value = ", ".join(value)
        out.append(_safe_cell(value))
    return out


_HOW_TO = (
    ("Target", "A framework requirement as framework:id (iso22301:5.1, gdpr:33) or a continuity objective "
               "OBJ-... from the gap matrix."),
    ("Status", "Met, Partially met, Not met or Not applicable (choose from the list)."),
    ("Statement", "What you state and on what basis, in one or two sentences."),
    ("Justification", "Required for Not applicable: why the requirement does not apply. It goes into the "
                      "Statement of Applicability."),
    ("Attested By", "Name and role of the person who signs the statement."),
    ("Date", "When it was attested (YYYY-MM-DD)."),
    ("Evidence", "Comma-separated paths of supporting files under evidence/ (exercises/x.md)."),
    ("Note", "An attestation never hides a failing data rule: the packs show both."),
)


def write_attestations_template(path: Path, rows: Iterable[Attestation | Mapping[str, Any]] = ()) -> Path:
    """Write a clean attestations workbook (styled header, Status drop-down, "How to fill in" sheet).

    ``rows`` are Attestations or mappings with the field names (target, status, statement, ...).
    Written to a temporary file in the same folder, then renamed.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    path = Path(path)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = SHEET
    ws.append(list(COLUMNS))
    bold = Font(bold=True, color="FFFFFF")
    fill = PatternFill("solid", fgColor="1F4E78")
    for cell in ws[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    for row in rows:
        ws.append(_row_values(row))
        for cell in ws[ws.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"
    widths = (22, 16, 60, 45, 28, 12, 45)
    for letter, width in zip("ABCDEFG", widths, strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = "A2"
    choices = ",".join(STATUS_LABELS.values())
    validation = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True, showErrorMessage=True,
                                errorTitle="Status", error=f"Choose one of: {choices}")
    ws.add_data_validation(validation)
    validation.add("B2:B1000")
    help_ws = wb.create_sheet(HELP_SHEET)
    help_ws.append(["Column", "How to fill in"])
    for cell in help_ws[1]:
        cell.font = bold
        cell.fill = fill
    for name, text in _HOW_TO:
        help_ws.append([name, text])
    help_ws.column_dimensions["A"].width = 16
    help_ws.column_dimensions["B"].width = 100
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
