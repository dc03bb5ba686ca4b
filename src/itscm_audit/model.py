"""The domain model: what a continuity plan and its evidence say, each value located at its source.

Every entity is a frozen pydantic v2 model carrying a :class:`SourceRef`, so an auditor can follow
any status back to the file, sheet, row and column it came from. Durations are ``timedelta`` and
serialise in JSON as ISO 8601 (``PT4H``). Columns the importer did not recognise are kept in
``extra`` so nothing the officer wrote is dropped; ``columns``, ``raw`` and ``not_given`` keep the
officer's own headers and cell texts so that every finding can quote them (:meth:`Record.cite`).
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_timedelta="iso8601")


class SourceRef(_Frozen):
    """Where a value came from: workspace-relative file, sheet, 1-based row, column header, raw value."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None
    value: str | None = None

    def label(self) -> str:
        """Human form used in messages: ``data/bia.xlsx, sheet Services, row 12, column RTO``."""
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet {self.sheet}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column {self.column}")
        return ", ".join(parts)

    def at(self, column: str | None, value: Any = None) -> SourceRef:
        """The same row, narrowed to one column (and the raw value found there)."""
        return make_source(self.file, self.sheet, self.row, column, None if value is None else str(value))


_SOURCE_FIELDS: set[str] = set(SourceRef.model_fields)
"""One set of field names shared by every narrowed reference (pydantic copies it before any change):
a set per reference was two thirds of the memory of a large run's failing entities."""
_setattr = object.__setattr__


def _fast_source(file: str, sheet: str | None, row: int | None, column: str | None, value: str | None) -> SourceRef:
    """What ``SourceRef.model_construct`` does, without its per-field loop: rules build tens of
    thousands of narrowed references on a large inventory. Checked against pydantic once (below)."""
    ref = object.__new__(SourceRef)
    _setattr(ref, "__dict__", {"file": file, "sheet": sheet, "row": row, "column": column, "value": value})
    _setattr(ref, "__pydantic_fields_set__", _SOURCE_FIELDS)
    _setattr(ref, "__pydantic_extra__", None)
    _setattr(ref, "__pydantic_private__", None)
    return ref


def _slow_source(file: str, sheet: str | None, row: int | None, column: str | None, value: str | None) -> SourceRef:
    return SourceRef.model_construct(_SOURCE_FIELDS, file=file, sheet=sheet, row=row, column=column, value=value)


_PROBE = ("data/x.xlsx", "S", 2, "C", "v")
make_source = (_fast_source if _fast_source(*_PROBE) == _slow_source(*_PROBE)
               and _fast_source(*_PROBE).model_dump() == _slow_source(*_PROBE).model_dump() else _slow_source)
"""A located reference built without re-validation (its parts are already typed): the fast path when
this pydantic version allows it, ``model_construct`` otherwise."""


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


class DataIssue(_Frozen):
    """A located problem found in the input: the record may still be imported (warning) or not (error)."""

    code: str
    message: str
    severity: Severity = Severity.WARNING
    source: SourceRef


class EntityKind(str, Enum):
    SERVICE = "service"
    EXERCISE = "exercise"
    FINDING = "finding"
    CORRECTIVE_ACTION = "corrective_action"
    CONTACT = "contact"
    VENDOR = "vendor"
    PLAN_DOCUMENT = "plan_document"
    TRAINING_RECORD = "training_record"
    INCIDENT = "incident"
    RISK = "risk"
    BACKUP_RUN = "backup_run"


class ExerciseType(str, Enum):
    """Exercise types after BCI / ISO 22301 practice, from least to most disruptive."""

    WALKTHROUGH = "walkthrough"
    TABLETOP = "tabletop"
    SIMULATION = "simulation"
    FUNCTIONAL = "functional"
    FAILOVER = "failover"
    FULL_INTERRUPTION = "full_interruption"

    @property
    def is_technical(self) -> bool:
        """Technical exercises actually move workloads; discussion-based ones do not."""
        return self in (ExerciseType.FUNCTIONAL, ExerciseType.FAILOVER, ExerciseType.FULL_INTERRUPTION)


class ExerciseResult(str, Enum):
    PASSED = "passed"
    PARTIAL = "partial"
    FAILED = "failed"


class ActionStatus(str, Enum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


class BackupStatus(str, Enum):
    SUCCESS = "success"
    FAILED = "failed"
    PARTIAL = "partial"


NOT_GIVEN_UNKNOWN = "unknown"
"""``not_given`` value for TBD, TBC, ?, pending, unknown, "-", "see note": the answer is not known yet."""
NOT_GIVEN_NOT_APPLICABLE = "not_applicable"
"""``not_given`` value for "N/A" or "N/A - reason": the officer says the field does not apply."""
NOT_GIVEN_AFTER_AS_OF = "after_as_of"
"""``not_given`` value for a date later than the as-of date (``asof.known_at``): not yet true on it."""


class Record(_Frozen):
    """Common base: where the record came from, the officer's own headers and texts, and the columns we
    kept but did not model."""

    source: SourceRef
    extra: dict[str, str] = Field(default_factory=dict)
    columns: dict[str, str] = Field(default_factory=dict)
    """Model field -> the officer's own column header for it (one dict shared by the rows of a table)."""
    raw: dict[str, str] = Field(default_factory=dict)
    """Model field -> the cell text as written, for every value that was parsed or interpreted
    (durations, dates, yes/no, vocabulary words, tiers, lists, resolved references) and for every
    field that was "not given". Plain text fields are not repeated here."""
    not_given: dict[str, str] = Field(default_factory=dict)
    """Model field -> ``"unknown"`` (TBD, ?, pending...) or ``"not_applicable"`` (N/A, N/A - reason):
    the value is ``None`` and the text written is in ``raw``."""

    def cite(self, field: str) -> SourceRef:
        """``source`` narrowed to the officer's header for ``field`` and the text written in that cell."""
        value = self.raw.get(field)
        if value is None:
            current = getattr(self, field, None)
            if current is not None and current != () and current != "":
                value = value_text(current)
        src = self.source
        return make_source(src.file, src.sheet, src.row, self.columns.get(field, field), value)


def value_text(value: Any) -> str:
    """A field value as a person reads it in a citation (lists joined, enums by value, dates ISO)."""
    if isinstance(value, tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, Enum):
        return str(value.value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.timedelta):
        hours = value.total_seconds() / 3600
        return f"{hours:g}h"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


class Service(Record):
    id: str
    name: str
    tier: int | None = None
    owner: str | None = None
    mtpd: dt.timedelta | None = None
    rto: dt.timedelta | None = None
    rpo: dt.timedelta | None = None
    backup_interval: dt.timedelta | None = None
    personal_data: bool | None = None
    phi: bool | None = None
    depends_on: tuple[str, ...] = ()
    vendors: tuple[str, ...] = ()
    recovery_strategy: str | None = None
    plan_id: str | None = None
    in_scope: bool = True
    status: str | None = None
    """Lifecycle as normalised: ``active``, ``retired``, ``decommissioned``, ``planned``, ``in_build``;
    the non-active ones are out of scope (``in_scope`` False)."""
    bia_reviewed: dt.date | None = None
    """When the service's business impact analysis was last reviewed (ISO 22301 8.2.2: planned intervals)."""


class Exercise(Record):
    id: str
    date: dt.date
    type: ExerciseType | None = None
    scenario: str | None = None
    services: tuple[str, ...] = ()
    achieved_recovery_time: dt.timedelta | None = None
    achieved_data_loss: dt.timedelta | None = None
    result: ExerciseResult | None = None
    report: str | None = None
    """Evidence path of the post-exercise report, relative to the workspace ``evidence/``."""
    target_rto: dt.timedelta | None = None
    """The recovery time the exercise aimed at, as recorded on its row (the RTO at the time)."""
    target_rpo: dt.timedelta | None = None
    """The data loss the exercise allowed, as recorded on its row (the RPO at the time)."""


class Finding(Record):
    id: str
    exercise_id: str | None = None
    incident_id: str | None = None
    vendor_id: str | None = None
    """Set when the finding comes from a vendor's business-continuity review."""
    description: str | None = None
    severity: str | None = None
    raised: dt.date | None = None


class CorrectiveAction(Record):
    id: str
    finding_id: str | None = None
    description: str | None = None
    owner: str | None = None
    opened: dt.date | None = None
    due: dt.date | None = None
    status: ActionStatus = ActionStatus.OPEN
    closed: dt.date | None = None


class Contact(Record):
    role: str
    name: str | None = None
    alternate: str | None = None
    phone: str | None = None
    email: str | None = None
    backup_channel: str | None = None
    critical_role: bool | None = None
    """Whether the role is critical to the response; ``None`` when the call tree does not say (no such column,
    or an empty cell): the alternate and backup-channel rules then do not fail the entry on a guess."""
    last_verified: dt.date | None = None


class Vendor(Record):
    id: str
    name: str
    services: tuple[str, ...] = ()
    contract_rto: dt.timedelta | None = None
    contract_rpo: dt.timedelta | None = None
    contact: str | None = None
    bc_plan_reviewed: dt.date | None = None


class PlanDocument(Record):
    id: str
    title: str
    type: str | None = None
    owner: str | None = None
    version: str | None = None
    approved_by: str | None = None
    approved: dt.date | None = None
    last_reviewed: dt.date | None = None
    services: tuple[str, ...] = ()


class TrainingRecord(Record):
    person: str
    role: str | None = None
    course: str | None = None
    completed: dt.date | None = None


class Incident(Record):
    id: str
    title: str | None = None
    detected: dt.datetime | None = None
    aware: dt.datetime | None = None
    """When the organisation became aware: the legal notification clocks start here."""
    personal_data_breach: bool | None = None
    """``None`` when the register does not say (no such column, or an empty cell): a privacy incident
    register's own rows are breaches (``registers.named_as``); otherwise the breach rules have no data."""
    risk_of_harm: str | None = None
    """``none``, ``low``, ``real`` (PIPEDA RROSH / Law 25 serious injury) or ``high`` (GDPR Art. 34)."""
    jurisdictions: tuple[str, ...] = ()
    regulator_notified: dt.datetime | None = None
    individuals_notified: dt.datetime | None = None
    registered: bool | None = None
    """Whether the breach is in the breach register; ``None`` when not said. A register with no such column
    is itself the record of its rows (``privacy.breach_register``)."""
    major_ict: bool | None = None
    """A DORA major ICT-related incident; ``None`` when the register does not say (no such column, or an
    empty cell): a major-incident register's own rows are major, otherwise the DORA rule has no data."""
    classified_major: dt.datetime | None = None
    initial_report: dt.datetime | None = None
    intermediate_report: dt.datetime | None = None
    final_report: dt.datetime | None = None
    services: tuple[str, ...] = ()


class Risk(Record):
    id: str
    title: str
    likelihood: str | None = None
    impact: str | None = None
    treatment: str | None = None
    owner: str | None = None
    services: tuple[str, ...] = ()


class BackupRun(Record):
    service_id: str
    completed: dt.datetime
    status: BackupStatus = BackupStatus.SUCCESS
    restore_test: bool | None = None
    """The run was a tested restore; ``None`` when the log does not say (no such column, or an empty cell)."""


class OrgData(_Frozen):
    """Everything imported from the organisation's spreadsheets, as one immutable value."""

    services: tuple[Service, ...] = ()
    exercises: tuple[Exercise, ...] = ()
    findings: tuple[Finding, ...] = ()
    corrective_actions: tuple[CorrectiveAction, ...] = ()
    contacts: tuple[Contact, ...] = ()
    vendors: tuple[Vendor, ...] = ()
    plan_documents: tuple[PlanDocument, ...] = ()
    training_records: tuple[TrainingRecord, ...] = ()
    incidents: tuple[Incident, ...] = ()
    risks: tuple[Risk, ...] = ()
    backup_runs: tuple[BackupRun, ...] = ()


ENTITY_FIELD: dict[EntityKind, str] = {
    EntityKind.SERVICE: "services",
    EntityKind.EXERCISE: "exercises",
    EntityKind.FINDING: "findings",
    EntityKind.CORRECTIVE_ACTION: "corrective_actions",
    EntityKind.CONTACT: "contacts",
    EntityKind.VENDOR: "vendors",
    EntityKind.PLAN_DOCUMENT: "plan_documents",
    EntityKind.TRAINING_RECORD: "training_records",
    EntityKind.INCIDENT: "incidents",
    EntityKind.RISK: "risks",
    EntityKind.BACKUP_RUN: "backup_runs",
}
"""Which ``OrgData`` field holds each entity kind."""

PERSON_FIELDS: dict[EntityKind, tuple[str, ...]] = {
    EntityKind.SERVICE: ("owner",),
    EntityKind.EXERCISE: (),
    EntityKind.FINDING: (),
    EntityKind.CORRECTIVE_ACTION: ("owner",),
    EntityKind.CONTACT: ("name", "alternate", "phone", "email", "backup_channel"),
    EntityKind.VENDOR: ("contact",),
    EntityKind.PLAN_DOCUMENT: ("owner", "approved_by"),
    EntityKind.TRAINING_RECORD: ("person",),
    EntityKind.INCIDENT: (),
    EntityKind.RISK: ("owner",),
    EntityKind.BACKUP_RUN: (),
}
"""Every field that names or reaches a person, by entity kind: ``--redact`` masks by this table (and
``Attestation.attested_by``), so a field added to an entity that holds a name, a phone or an e-mail
belongs here too (a test checks every kind is listed and every field exists). A person's name can also
sit in ``extra`` columns and in ``raw`` under these field names; redaction masks those too."""

ENTITY_MODEL: dict[EntityKind, type[Record]] = {
    EntityKind.SERVICE: Service,
    EntityKind.EXERCISE: Exercise,
    EntityKind.FINDING: Finding,
    EntityKind.CORRECTIVE_ACTION: CorrectiveAction,
    EntityKind.CONTACT: Contact,
    EntityKind.VENDOR: Vendor,
    EntityKind.PLAN_DOCUMENT: PlanDocument,
    EntityKind.TRAINING_RECORD: TrainingRecord,
    EntityKind.INCIDENT: Incident,
    EntityKind.RISK: Risk,
    EntityKind.BACKUP_RUN: BackupRun,
}


class EvidenceItem(_Frozen):
    """One artefact in the evidence locker, as listed in ``evidence/manifest.yaml``."""

    path: str
    """Relative to the workspace ``evidence/`` folder; never absolute, never ``..``."""
    sha256: str
    evidence_type: str
    title: str | None = None
    collected: dt.date
    effective_from: dt.date | None = None
    effective_to: dt.date | None = None
    ttl_days: int | None = None
    """Overrides the evidence type's time-to-live."""
    services: tuple[str, ...] = ()
    exercises: tuple[str, ...] = ()
    objectives: tuple[str, ...] = ()
    source: SourceRef


class AttestationStatus(str, Enum):
    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"
    NOT_APPLICABLE = "not_applicable"


class Attestation(_Frozen):
    """A signed manual statement about a requirement (``iso22301:5.1``) or an objective (``OBJ-...``)."""

    target: str
    status: AttestationStatus
    statement: str | None = None
    justification: str | None = None
    attested_by: str | None = None
    date: dt.date | None = None
    evidence: tuple[str, ...] = ()
    source: SourceRef


PERSON_TABLES: frozenset[EntityKind] = frozenset({EntityKind.CONTACT, EntityKind.TRAINING_RECORD})
"""Kinds whose every row describes a person: under ``--redact`` the raw values of their rows (rejected
rows included) are masked wholesale, whatever column they sit in."""
