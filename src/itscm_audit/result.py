"""The one immutable result of an assessment: the only input of every reporter and of the history.

Its JSON form (``result.json``) is documented by the JSON Schema exported from these models
(``itscm-audit schema``). Statuses always carry the references an auditor follows: rules, failing
entities with their file/sheet/row, evidence with hash and freshness, attestations.
"""

from __future__ import annotations

from datetime import date
from enum import Enum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from itscm_audit.catalog import DecidedBy, Relationship
from itscm_audit.model import (
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


class EntityResult(_Result):
    """How one entity (a service, an exercise, an action...) fared under a rule."""

    entity: str
    """Entity kind (``service``, ``exercise``...)."""
    entity_id: str
    outcome: Outcome
    message: str
    metric: float | None = None
    sources: tuple[SourceRef, ...] = ()


class CheckResult(_Result):
    rule_id: str
    title: str
    outcome: Outcome
    summary: str
    """One sentence a person can read: what was checked and what was found."""
    entities: tuple[EntityResult, ...] = ()
    metrics: dict[str, float] = Field(default_factory=dict)
    evidence: tuple[str, ...] = ()
    """Evidence paths this check relied on."""

    @property
    def failing(self) -> tuple[EntityResult, ...]:
        return tuple(e for e in self.entities if e.outcome in (Outcome.FAIL, Outcome.PARTIAL))


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


class AssessmentResult(_Result):
    run: RunInfo
    data: OrgData
    issues: tuple[DataIssue, ...]
    accounts: tuple[TableAccount, ...]
    checks: tuple[CheckResult, ...]
    evidence: tuple[EvidenceStatus, ...]
    attestations: tuple[Attestation, ...]
    objectives: tuple[ObjectiveStatus, ...]
    requirements: tuple[RequirementStatus, ...]
    frameworks: tuple[FrameworkSummary, ...]
    remediation: tuple[RemediationItem, ...]

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

    def to_json(self) -> str:
        """Canonical JSON: same result, same bytes."""
        return self.model_dump_json(indent=2) + "\n"

    def tables(self) -> dict[str, Any]:
        """The result as pandas DataFrames, for notebooks (imports pandas lazily)."""
        from itscm_audit.frames import result_frames

        return result_frames(self)
