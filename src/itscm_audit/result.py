"""The one immutable result of an assessment: the only input of every reporter and of the history.

Its JSON form (``result.json``) is documented by the JSON Schema exported from these models
(``itscm-audit schema``). Statuses always carry the references an auditor follows: rules, failing
entities with their file/sheet/row, evidence with hash and freshness, attestations.

The result stays lean at any size: a rule keeps its failing, partial and no-data entities in full and
only counts the others (``CheckResult.counts``); the facts every writer shows (latest exercise, days
overdue, coverage) are decided once by the rules (``AssessmentResult.facts``); the imported records
stay in memory for the reporters but ``result.json`` refers to the inputs by digest unless it is
written with ``full=True`` (``assess --full-result``).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import Enum
from functools import cached_property
from typing import IO, Any

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, model_validator

from itscm_audit.catalog import DecidedBy, Relationship
from itscm_audit.model import (
    ActionStatus,
    Attestation,
    DataIssue,
    EvidenceItem,
    OrgData,
    SourceRef,
)


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", ser_json_timedelta="iso8601")


class Status(str, Enum):
    """Requirement and objective status, best first."""

    MET = "met"
    PARTIALLY_MET = "partially_met"
    NOT_MET = "not_met"
    NOT_ASSESSED = "not_assessed"
    NOT_APPLICABLE = "not_applicable"

    @property
    def label(self) -> str:
        return self.value.replace("_", " ")

    @property
    def is_gap(self) -> bool:
        return self in (Status.PARTIALLY_MET, Status.NOT_MET)


STATUS_RANK = {Status.MET: 0, Status.PARTIALLY_MET: 1, Status.NOT_MET: 2}
"""Order of severity for the statuses that say something about compliance."""


class Outcome(str, Enum):
    """Outcome of one rule, or of one entity under a rule."""

    PASS = "pass"
    PARTIAL = "partial"
    FAIL = "fail"
    NO_DATA = "no_data"
    NOT_APPLICABLE = "not_applicable"


KEPT_OUTCOMES = frozenset({Outcome.FAIL, Outcome.PARTIAL, Outcome.NO_DATA})
"""Entity outcomes a lean check keeps in full; the others are only counted."""
FAILING_OUTCOMES = frozenset({Outcome.FAIL, Outcome.PARTIAL})


@dataclass(frozen=True, slots=True)
class EntityResult:
    """How one entity (a service, an exercise, an action...) fared under a rule.

    A plain frozen record rather than a pydantic model: large inventories produce hundreds of
    thousands of them, and every field is already typed when a rule builds one.
    """

    entity: str
    """Entity kind (``service``, ``exercise``...)."""
    entity_id: str
    outcome: Outcome
    message: str
    metric: float | None = None
    sources: tuple[SourceRef, ...] = ()


def outcome_counts(entities: Iterable[EntityResult]) -> dict[str, int]:
    """Entities per outcome value, every outcome listed in a fixed order (so result.json is stable)."""
    tally = Counter(e.outcome for e in entities)
    return {o.value: tally.get(o, 0) for o in Outcome}


class CheckResult(_Result):
    rule_id: str
    title: str
    outcome: Outcome
    summary: str
    """One sentence a person can read: what was checked and what was found."""
    entities: tuple[EntityResult, ...] = ()
    """Failing, partial and no-data entities in full (see :meth:`lean`); a rule evaluated on its own
    returns every entity it looked at."""
    counts: dict[str, int] = Field(default_factory=dict)
    """Entities looked at, per outcome value, including those not kept in ``entities``."""
    metrics: dict[str, float] = Field(default_factory=dict)
    evidence: tuple[str, ...] = ()
    """Evidence paths this check relied on."""

    @model_validator(mode="before")
    @classmethod
    def _count_entities(cls, data: Any) -> Any:
        """A check built by hand without counts counts its entities."""
        if isinstance(data, dict) and not data.get("counts") and data.get("entities"):
            entities = data["entities"]
            if all(isinstance(e, EntityResult) for e in entities):
                data = {**data, "counts": outcome_counts(entities)}
        return data

    @cached_property
    def failing(self) -> tuple[EntityResult, ...]:
        """Failing and partial entities, filtered once (status, reporters and history all ask)."""
        return tuple(e for e in self.entities if e.outcome in FAILING_OUTCOMES)

    def lean(self) -> CheckResult:
        """The same check keeping only failing, partial and no-data entities; ``counts`` keeps the tally."""
        kept = tuple(e for e in self.entities if e.outcome in KEPT_OUTCOMES)
        if len(kept) == len(self.entities):
            return self
        return self.model_copy(update={"entities": kept})

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> CheckResult:
        copy = super().model_copy(update=update, deep=deep)
        copy.__dict__.pop("failing", None)  # the cached list belongs to the original's entities
        return copy


class EvidenceState(str, Enum):
    FRESH = "fresh"
    STALE = "stale"
    MISSING = "missing"
    CHANGED = "changed"


class EvidenceStatus(_Result):
    item: EvidenceItem
    state: EvidenceState
    expires: date | None = None
    message: str


class ObjectiveStatus(_Result):
    objective_id: str
    title: str
    status: Status
    rationale: str
    rules: tuple[str, ...] = ()
    evidence: tuple[str, ...] = ()
    attestation: Attestation | None = None


class Contribution(_Result):
    """One objective's share in a requirement's status, through one crosswalk row."""

    objective_id: str
    relationship: Relationship
    strength: int
    objective_status: Status
    """The objective's status, or that of the part the row ``covers``."""
    rationale: str
    uncovered: str | None = None
    covers: tuple[str, ...] = ()
    """The objective's rules or evidence types the requirement concerns (empty: all of them)."""

    @property
    def objective_label(self) -> str:
        """The objective, and what it was checked through when the row covers only part of it."""
        return f"{self.objective_id} through {', '.join(self.covers)}" if self.covers else self.objective_id


class RequirementStatus(_Result):
    framework: str
    requirement_id: str
    title: str
    status: Status
    rationale: str
    decided_by: DecidedBy
    contributions: tuple[Contribution, ...] = ()
    rules: tuple[str, ...] = ()
    failing: tuple[EntityResult, ...] = ()
    evidence: tuple[EvidenceStatus, ...] = ()
    attestation: Attestation | None = None
    data_status: Status | None = None
    """What the data alone said, kept beside an attestation so neither hides the other."""


class FrameworkSummary(_Result):
    framework: str
    title: str
    version: str
    counts: dict[str, int]
    score: float
    """Share of assessed, applicable requirements met (partially met counts half), 0-100."""


class RemediationItem(_Result):
    rank: int
    objective_id: str
    title: str
    action: str
    requirements: tuple[str, ...]
    """``framework:requirement`` ids whose status would improve if the objective were met."""
    weight: float
    failing_entities: int


class TableAccount(_Result):
    """Row accounting of one imported table: read = imported + rejected + skipped."""

    file: str
    sheet: str | None
    entity: str
    rows_read: int
    imported: int
    rejected: int
    skipped: int


class RunInfo(_Result):
    tool_version: str
    run_id: str
    label: str
    as_of: date
    organisation: str
    scope: str | None
    frameworks: tuple[str, ...]
    catalogue_versions: dict[str, str]
    input_digests: dict[str, str]
    """SHA-256 of every input file, by workspace-relative path."""
    policy: dict[str, Any]
    redacted: bool = False
    """Personal data is masked by field and by pattern (``--redact``); part of the run's identity."""


class ServiceFacts(_Result):
    """What the rules decided about one service at the as-of date; every writer and the history read it."""

    service_id: str
    tier: int | None = None
    owner: str | None = None
    in_scope: bool
    """In the assessment scope (itscm.yaml scope and the service's lifecycle)."""
    critical: bool
    """In scope and in a critical tier (``policy.critical_tiers``)."""
    mtpd: timedelta | None = None
    rto: timedelta | None = None
    rpo: timedelta | None = None
    latest_exercise: str | None = None
    """Id of the latest exercise held on or before the as-of date."""
    latest_exercise_date: date | None = None
    exercised_in_window: bool = False
    """Exercised within the exercise window ending on the as-of date (as ``exercise.coverage`` decides)."""
    latest_recovery_exercise: str | None = None
    """Latest exercise (on or before as-of) that measured the recovery time."""
    latest_recovery: timedelta | None = None
    within_rto: bool | None = None
    """Whether that recovery met the RTO; None when nothing was measured or no RTO is recorded."""
    latest_data_loss_exercise: str | None = None
    latest_data_loss: timedelta | None = None
    within_rpo: bool | None = None
    earliest_open_due: date | None = None
    """Earliest due date of the corrective actions open at as-of that follow up this service's exercises."""


class ActionFacts(_Result):
    """One corrective action as it stood at the as-of date."""

    action_id: str
    status: ActionStatus
    """Status at as-of: an action closed after the as-of date was still open on it."""
    due: date | None = None
    age_days: int | None = None
    """Days from opening to closure (closed by as-of) or to the as-of date."""
    days_overdue: int | None = None
    """Days past the due date at as-of for an open action (0 when not yet due); None when closed or undated."""
    overdue: bool = False
    """Open at as-of and past its due date by more than ``policy.corrective_action_grace_days``."""
    ageing: str | None = None
    """Ageing bucket of an overdue action (``overdue_0_30_days``... ``overdue_over_180_days``)."""
    services: tuple[str, ...] = ()
    """Services whose exercise raised the finding this action follows up."""


class CoverageFacts(_Result):
    """The programme-level figures of the run, decided once."""

    exercise_window_start: date
    """First day of the exercise window ending on the as-of date."""
    critical_services: int = 0
    critical_exercised: int = 0
    """Critical services exercised within the window."""
    exercise_coverage: float | None = None
    """Share of critical services exercised within the window, in percent (one decimal)."""
    recoveries_measured: int = 0
    """In-scope services whose latest measured recovery can be compared with an RTO."""
    recoveries_within_rto: int = 0
    open_actions: int = 0
    overdue_actions: int = 0
    oldest_overdue: str | None = None
    """The overdue action with the earliest due date."""
    evidence_items: int = 0
    stale_evidence: int = 0
    evidence_not_current: int = 0
    """Stale, missing or changed evidence items."""


class Facts(_Result):
    """One answer per fact: decided by the rules, carried by the result, read by every writer and the history."""

    coverage: CoverageFacts | None = None
    services: tuple[ServiceFacts, ...] = ()
    actions: tuple[ActionFacts, ...] = ()
    registers: tuple[str, ...] | None = None
    """Kinds of records whose register the import holds (``registers.imported_registers``), sorted; a rule
    that needs one that is absent is not assessed. ``None`` in results stored before it was kept."""

    def actions_by_id(self) -> dict[str, ActionFacts]:
        return {a.action_id: a for a in self.actions}


_CHUNK = 2000
"""Elements serialised per call when result.json is streamed."""
_WITHOUT_NULLS = frozenset({"checks", "facts"})
"""Parts of result.json written without null fields (every one of them defaults to null): the entity
results and the facts are most of a large result."""


class AssessmentResult(_Result):
    run: RunInfo
    facts: Facts = Field(default_factory=Facts)
    issues: tuple[DataIssue, ...]
    accounts: tuple[TableAccount, ...]
    checks: tuple[CheckResult, ...]
    evidence: tuple[EvidenceStatus, ...]
    attestations: tuple[Attestation, ...]
    objectives: tuple[ObjectiveStatus, ...]
    requirements: tuple[RequirementStatus, ...]
    frameworks: tuple[FrameworkSummary, ...]
    remediation: tuple[RemediationItem, ...]
    data: OrgData = Field(default_factory=OrgData)
    """The imported records. Always in memory for the reporters; in result.json only when written with
    ``full=True`` (``assess --full-result``), otherwise the inputs are referenced by ``run.input_digests``."""

    def check(self, rule_id: str) -> CheckResult:
        for c in self.checks:
            if c.rule_id == rule_id:
                return c
        raise KeyError(rule_id)

    def requirement(self, framework: str, requirement_id: str) -> RequirementStatus:
        for r in self.requirements:
            if r.framework == framework and r.requirement_id == requirement_id:
                return r
        raise KeyError(f"{framework}:{requirement_id}")

    def write_json(self, out: IO[bytes], *, full: bool = False) -> None:
        """Canonical compact JSON, streamed field by field and in chunks of long lists, so the whole
        document never sits in memory as one string. Same result, same bytes."""
        out.write(b"{")
        first = True
        for name, info in type(self).model_fields.items():
            if name == "data" and not full:
                continue
            value = getattr(self, name)
            out.write(b"" if first else b",")
            first = False
            out.write(b'"' + name.encode() + b'":')
            _write_value(out, info.annotation, value, name in _WITHOUT_NULLS)
        out.write(b"}\n")

    def to_json(self, *, full: bool = False) -> str:
        """The text of result.json (see :meth:`write_json`)."""
        import io

        buffer = io.BytesIO()
        self.write_json(buffer, full=full)
        return buffer.getvalue().decode("utf-8")

    def tables(self) -> dict[str, Any]:
        """The result as pandas DataFrames, for notebooks (imports pandas lazily)."""
        from itscm_audit.frames import result_frames

        return result_frames(self)


_ADAPTERS: dict[Any, TypeAdapter[Any]] = {}


def _adapter(annotation: Any) -> TypeAdapter[Any]:
    adapter = _ADAPTERS.get(annotation)
    if adapter is None:
        adapter = _ADAPTERS[annotation] = TypeAdapter(annotation)
    return adapter


def _write_value(out: IO[bytes], annotation: Any, value: Any, without_nulls: bool = False) -> None:
    """One field: a model's own fields one by one, a long tuple in chunks, anything else in one call."""
    if isinstance(value, BaseModel) and any(isinstance(getattr(value, n), tuple) and len(getattr(value, n)) > _CHUNK
                                            for n in type(value).model_fields):
        out.write(b"{")
        first = True
        for name, info in type(value).model_fields.items():
            field = getattr(value, name)
            if field is None and without_nulls:
                continue
            out.write(b'"' + name.encode() + b'":' if first else b',"' + name.encode() + b'":')
            first = False
            _write_value(out, info.annotation, field, without_nulls)
        out.write(b"}")
        return
    adapter = _adapter(annotation)
    if isinstance(value, tuple) and len(value) > _CHUNK:
        out.write(b"[")
        for start in range(0, len(value), _CHUNK):
            if start:
                out.write(b",")
            out.write(adapter.dump_json(value[start:start + _CHUNK], exclude_none=without_nulls)[1:-1])
        out.write(b"]")
        return
    out.write(adapter.dump_json(value, exclude_none=without_nulls))
