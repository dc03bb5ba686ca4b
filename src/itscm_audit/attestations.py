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
COLUMNS = ("Framework", "Requirement", "Title", "What to attest", "Status", "Statement", "Justification", "Owner",
           "Date", "Evidence")
"""The columns written: the requirement (framework id and requirement id), what it asks, then what the
officer fills in. ``Target`` (``framework:id``) from earlier workbooks is read as well."""
_FIELDS = ("framework", "requirement", "title", "what", "status", "statement", "justification", "attested_by",
           "date", "evidence")
_HEADERS: dict[str, tuple[str, ...]] = {
    "target": ("target",),
    "framework": ("framework", "framework id"),
    "requirement": ("requirement", "requirement id", "id", "ref", "reference"),
    "title": ("title", "requirement title"),
    "what": ("what to attest", "what to state"),
    "status": ("status",),
    "statement": ("statement",),
    "justification": ("justification", "justification if not applicable"),
    "attested_by": ("attested by", "owner", "attested by owner"),
    "date": ("date", "attested on"),
    "evidence": ("evidence", "evidence reference", "evidence references"),
}
"""Field -> the header texts read as that column (case, spaces, ``_`` and ``-`` ignored)."""
_FILLED = ("status", "statement", "justification", "attested_by", "date", "evidence")
"""What the officer writes; a row with none of these is a requirement not attested yet (not an error)."""
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
    header_at, col = _header(rows)
    if header_at is None:
        found = ", ".join(repr(_text(c)) for c in (rows[0] if rows else []) if _text(c)) or "nothing"
        raise SourceError(f"no header row with 'Requirement' (or 'Target') and 'Status' in sheet {sheet!r} "
                          f"(first row: {found}); no attestation could be read", location=FILE_NAME,
                          hint=f"use the columns {', '.join(COLUMNS)} (see the '{HELP_SHEET}' sheet)")
    header = rows[header_at]
    known = set(col.values())
    for i, cell in enumerate(header):
        if i not in known and _text(cell) is not None:
            issues.append(DataIssue(
                code="attestation.unknown_column", severity=Severity.WARNING,
                message=f"column {_text(cell)!r} is not one of {', '.join(COLUMNS)}; its cells are not read",
                source=SourceRef(file=FILE_NAME, sheet=sheet, row=header_at + 1, column=_text(cell))))
    headers = {f: _text(header[i]) or f for f, i in col.items()}
    out: list[Attestation] = []
    for index, row in enumerate(rows[header_at + 1:], start=header_at + 2):
        values = {f: (row[i] if i < len(row) else None) for f, i in col.items()}
        if all(_text(values.get(f)) is None for f in _FILLED):
            continue  # blank, or a requirement listed for attestation and not attested yet
        here = SourceRef(file=FILE_NAME, sheet=sheet, row=index)

        def problem(code: str, message: str, field: str, value: Any, here: SourceRef = here) -> None:
            issues.append(DataIssue(code=code, message=message, severity=Severity.ERROR,
                                    source=here.at(headers.get(field, field.capitalize()), _text(value))))

        target, field = _target(values)
        if target is None or not _TARGET.match(target):
            problem("attestation.bad_target", f"target {target!r} is neither an objective (OBJ-...) nor a "
                    "requirement (framework and requirement id); row ignored", field, target)
            continue
        where = here if field == "target" else here.at(headers[field])
        if _text(values.get("status")) is None:
            problem("attestation.no_status", f"{target}: no status given although the row is filled in: choose "
                    f"{', '.join(STATUS_LABELS.values())}; row ignored", "status", None)
            continue
        status = parse_status(values.get("status"))
        if status is None:
            problem("attestation.unknown_status", f"unknown status {_text(values.get('status'))!r}: use "
                    f"{', '.join(STATUS_LABELS.values())}; row ignored", "status", values.get("status"))
            continue
        justification = _text(values.get("justification"))
        if status == AttestationStatus.NOT_APPLICABLE and justification is None:
            problem("attestation.no_justification", f"{target} declared Not applicable without a "
                    "justification; row ignored", "justification", None)
            continue
        try:
            when = _date(values.get("date"))
        except ValueError:
            problem("attestation.bad_date", f"date {_text(values.get('date'))!r} is not a date (use "
                    "YYYY-MM-DD); kept undated", "date", values.get("date"))
            when = None
        evidence = tuple(p.strip().replace("\\", "/") for p in re.split(r"[,;\n]", _text(values.get("evidence"))
                                                                          or "") if p.strip())
        out.append(Attestation(target=target, status=status, statement=_text(values.get("statement")),
                               justification=justification, attested_by=_text(values.get("attested_by")),
                               date=when, evidence=evidence, source=where))
    return tuple(out), tuple(issues)


def _header_text(value: Any) -> str:
    return " ".join(re.sub(r"[^0-9a-z]+", " ", str(value).casefold()).split())


_HEADER_FIELD = {text: fld for fld, texts in _HEADERS.items() for text in texts}


def _header(rows: list[list[Any]]) -> tuple[int | None, dict[str, int]]:
    """The header row (index) within the first 20 rows and the column of each field it names: a row with
    ``Status`` and ``Target`` or ``Requirement``."""
    for index, row in enumerate(rows[:20]):
        col: dict[str, int] = {}
        for i, cell in enumerate(row):
            fld = _HEADER_FIELD.get(_header_text(cell)) if cell is not None else None
            if fld is not None and fld not in col:
                col[fld] = i
        if "status" in col and ("target" in col or "requirement" in col):
            return index, col
    return None, {}


def _target(values: dict[str, Any]) -> tuple[str | None, str]:
    """``framework:id`` (or ``OBJ-...``) of a row, and the field it was read from: ``Target`` when the
    workbook has it, else ``Framework`` and ``Requirement``."""
    target = _text(values.get("target"))
    if target is not None or "requirement" not in values:
        return target, "target"
    requirement = _text(values.get("requirement"))
    framework = _text(values.get("framework"))
    if requirement is None:
        return None, "requirement"
    if requirement.startswith("OBJ-") and framework in (None, "objective"):
        return requirement, "requirement"
    if framework is None:
        return requirement if ":" in requirement else None, "requirement"
    return f"{framework.casefold()}:{requirement}", "requirement"


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
                                source=a.source.at(a.source.column or "Target", a.target)))
    return tuple(kept), tuple(issues)


def _row_values(row: Attestation | Mapping[str, Any]) -> list[Any]:
    """The cells of one row, in :data:`COLUMNS` order; a ``target`` is split into framework and id."""
    data: dict[str, Any] = dict(row.model_dump() if isinstance(row, Attestation) else row)
    target = data.get("target")
    if target and "requirement" not in data:
        framework, colon, requirement = str(target).partition(":")
        data["framework"], data["requirement"] = (framework, requirement) if colon else (None, framework)
    out: list[Any] = []
    for f in _FIELDS:
        value = data.get(f)
        if f == "status" and value is not None:
            status = value if isinstance(value, AttestationStatus) else parse_status(value)
            value = STATUS_LABELS[status] if status is not None else str(value)
        elif f == "evidence" and isinstance(value, (list, tuple)):
            value = ", ".join(value)
        out.append(value)
    return out


_HOW_TO = (
    ("Framework", "The framework id (iso22301, dora, gdpr...: itscm-audit frameworks list). Leave it empty for a "
                  "continuity objective."),
    ("Requirement", "The requirement id as the framework numbers it (7.2, Art.11(6), CP-4), or a continuity "
                    "objective OBJ-... from the gap matrix. Rows listed by itscm-audit are the requirements in "
                    "scope that no data in your files can decide."),
    ("Title", "The requirement's title, for reading (not read back)."),
    ("What to attest", "What the requirement asks, in our own words, and why no data decides it (not read back)."),
    ("Status", "Met, Partially met, Not met or Not applicable (choose from the list). A row without a status "
               "and without anything else filled in is a requirement not attested yet."),
    ("Statement", "What you state and on what basis, in one or two sentences an auditor can check."),
    ("Justification", "Required for Not applicable: why the requirement does not apply. The rows marked Not "
                      "applicable with their justification are the Statement of Applicability."),
    ("Owner", "Name and role of the person who attests (signs) the statement."),
    ("Date", "When it was attested (YYYY-MM-DD). An attestation dated after the as-of date does not count "
             "for that assessment."),
    ("Evidence", "Comma-separated paths of supporting files under evidence/ (exercises/x.md)."),
    ("Note", "An attestation never hides a failing data rule: the packs show both. Unknown requirement ids, "
             "unknown statuses and columns not listed here are reported by itscm-audit assess."),
)
_WIDTHS = (14, 14, 40, 60, 16, 50, 40, 26, 12, 36)
_PROPERTIES_DATE = dt.datetime(2000, 1, 1)
"""Fixed document date: the same rows give the same bytes (xlsxwriter would stamp the current time)."""


def write_attestations_template(path: Path, rows: Iterable[Attestation | Mapping[str, Any]] = ()) -> Path:
    """Write an attestations workbook: styled header, Status drop-down, "How to fill in" sheet.

    ``rows`` are Attestations, or mappings with the field names: ``framework`` and ``requirement`` (or
    ``target`` as ``framework:id``), ``title``, ``what`` (what to attest), ``status``, ``statement``,
    ``justification``, ``attested_by``, ``date``, ``evidence``. Text is written as text (never a formula),
    and the file goes to a temporary name first, then is renamed.
    """
    import xlsxwriter

    from itscm_audit.reporters.safe import excel_text

    path = Path(path)
    values = [_row_values(row) for row in rows]
    with atomic_path(path) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        wb.set_properties({"title": "Attestations and Statement of Applicability", "author": "itscm-audit",
                           "created": _PROPERTIES_DATE})
        head = wb.add_format({"bold": True, "font_color": "#FFFFFF", "bg_color": "#1F4E78", "text_wrap": True,
                              "valign": "vcenter"})
        given = wb.add_format({"bg_color": "#F2F2F2", "text_wrap": True, "valign": "top"})
        wrap = wb.add_format({"text_wrap": True, "valign": "top"})
        day = wb.add_format({"num_format": "yyyy-mm-dd", "valign": "top"})
        ws = wb.add_worksheet(SHEET)
        for c, (name, width) in enumerate(zip(COLUMNS, _WIDTHS, strict=True)):
            ws.write_string(0, c, name, head)
            ws.set_column(c, c, width, day if name == "Date" else None)
        for r, cells in enumerate(values, start=1):
            for c, value in enumerate(cells):
                fmt = given if c < 4 else wrap
                if value is None or value == "":
                    if c < 4:
                        ws.write_blank(r, c, None, fmt)
                elif isinstance(value, dt.datetime):
                    ws.write_datetime(r, c, value, day)
                elif isinstance(value, dt.date):
                    ws.write_datetime(r, c, dt.datetime.combine(value, dt.time()), day)
                elif isinstance(value, (int, float)) and not isinstance(value, bool):
                    ws.write_number(r, c, value, fmt)
                else:
                    ws.write_string(r, c, excel_text(str(value)), fmt)
        ws.freeze_panes(1, 2)
        last = max(1000, len(values) + 500)
        ws.autofilter(0, 0, max(len(values), 1), len(COLUMNS) - 1)
        choices = list(STATUS_LABELS.values())
        ws.data_validation(1, COLUMNS.index("Status"), last, COLUMNS.index("Status"), {
            "validate": "list", "source": choices, "ignore_blank": True,
            "error_title": "Status", "error_message": f"Choose one of: {', '.join(choices)}"})
        help_ws = wb.add_worksheet(HELP_SHEET)
        help_ws.write_string(0, 0, "Column", head)
        help_ws.write_string(0, 1, "How to fill in", head)
        for r, (name, text) in enumerate(_HOW_TO, start=1):
            help_ws.write_string(r, 0, name)
            help_ws.write_string(r, 1, text, wrap)
        help_ws.set_column(0, 0, 16)
        help_ws.set_column(1, 1, 110)
        wb.close()
    return path
