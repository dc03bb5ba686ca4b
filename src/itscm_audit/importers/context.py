"""What one import run shares across its steps: settings, the records and issues found so far, and
the :class:`ImportResult` it returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from itscm_audit.importers.columns import TableMapping
from itscm_audit.importers.fields import ParserSettings
from itscm_audit.model import DataIssue, EntityKind, OrgData, Record, Severity, SourceRef
from itscm_audit.result import TableAccount

if TYPE_CHECKING:
    from itscm_audit.importers.summary import Interpretation


@dataclass(frozen=True)
class ImportResult:
    """Everything imported from the sources: records, located issues, row accounting, file digests."""

    data: OrgData
    issues: tuple[DataIssue, ...]
    accounts: tuple[TableAccount, ...]
    digests: dict[str, str]
    """SHA-256 of every file read, keyed by workspace-relative path with forward slashes, in reading order."""
    mappings: tuple[TableMapping, ...] = ()
    """How each table was understood (entity, header row, column mapping with confidence)."""

    def account_for(self, mapping: TableMapping) -> TableAccount | None:
        """The row accounting of one table (a sheet may hold several, one under the other or side by
        side: their accounts come in the order their mappings do)."""
        tables = [m for m in self.mappings if m.file == mapping.file and m.sheet == mapping.sheet]
        accounts = [a for a in self.accounts if a.file == mapping.file and a.sheet == mapping.sheet]
        position = next((i for i, m in enumerate(tables) if m is mapping), 0)
        return accounts[position] if position < len(accounts) else None

    def interpretations(self) -> list[Interpretation]:
        """Per column, each distinct text read by interpretation and what it was read as, with its count."""
        from itscm_audit.importers.summary import interpretations

        return interpretations(self)


@dataclass
class ImportContext:
    """Settings shared by every table of one import run, and what the run has found so far."""

    settings: ParserSettings
    date_order: str
    workspace: Path | None
    use_profiles: bool
    save_profiles: str
    """``never``, ``new`` (save when none exists) or ``always`` (a confirmed import overwrites)."""
    records: dict[EntityKind, list[Record]] = field(default_factory=dict)
    issues: list[DataIssue] = field(default_factory=list)
    accounts: list[TableAccount] = field(default_factory=list)
    digests: dict[str, str] = field(default_factory=dict)
    mappings: list[TableMapping] = field(default_factory=list)
    seen_ids: dict[EntityKind, dict[str, int]] = field(default_factory=dict)
    written: dict[tuple[EntityKind, str], set[str]] = field(default_factory=dict)
    """Every reference written, per (entity, field), collected as the rows are read: when they are all
    ids of the records they name, linking has nothing to do."""
    date_evidence: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per file, how many dates read so far could only be day-first (``dmy``) or month-first (``mdy``):
    settles a column whose own dates do not say which."""

    @property
    def vocab(self) -> dict[str, dict[str, str]]:
        return self.settings.vocab

    def issue(self, code: str, message: str, source: SourceRef, severity: Severity = Severity.WARNING) -> None:
        self.issues.append(DataIssue.model_construct(code=code, message=message, severity=severity,
                                                     source=source))


def ref(file: str, sheet: str | None = None, row: int | None = None, column: str | None = None,
        value: str | None = None) -> SourceRef:
    """A located reference built without re-validation (every argument is already a plain value)."""
    return SourceRef.model_construct(file=file, sheet=sheet, row=row, column=column, value=value)
