"""Hand-built AssessmentResults for four quarters of 2026, varied between quarters, for the history tests.

The expected figures in the tests are computed by hand from the tables below (see each test's comments).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from itscm_audit.catalog import DecidedBy, Relationship
from itscm_audit.model import (
    ActionStatus,
    CorrectiveAction,
    EvidenceItem,
    Exercise,
    OrgData,
    Service,
    SourceRef,
)
from itscm_audit.result import (
    AssessmentResult,
    Contribution,
    EvidenceState,
    EvidenceStatus,
    FrameworkSummary,
    ObjectiveStatus,
    RemediationItem,
    RequirementStatus,
    RunInfo,
    Status,
)
from itscm_audit.rules.facts import facts_for

M, P, N, NA, X = "met", "partially_met", "not_met", "not_assessed", "not_applicable"


@dataclass
class Quarter:
    as_of: date
    statuses: dict[str, str]
    services: list[tuple[str, int, float]]
    """(id, tier, RTO hours)."""
    exercises: list[tuple[str, date, tuple[str, ...]]]
    actions: list[tuple[str, str, date, date | None]]
    """(id, status, due, closed)."""
    evidence: list[tuple[str, str]]
    versions: dict[str, str]
    digests: dict[str, str]
    mappings: dict[str, tuple[tuple[str, str], ...]] = field(default_factory=dict)
    remediation: list[tuple[str, str]] = field(default_factory=list)


DEFAULT_MAPPING = (("OBJ-PLAN", "equal"),)

QUARTERS: dict[str, Quarter] = {
    "2026Q1": Quarter(
        as_of=date(2026, 3, 31),
        statuses={"iso22301:8.2.2": M, "iso22301:8.4": N, "iso22301:8.5": N, "iso22301:9.1": P,
                  "iso22301:10.1": NA, "nist-cp:CP-2": M, "nist-cp:CP-4": N, "nist-cp:CP-9": M,
                  "nist-cp:CP-10": P, "nist-cp:CP-12": N},
        services=[("S1", 1, 4), ("S2", 2, 8), ("S3", 3, 72)],
        exercises=[("EX-1", date(2025, 11, 10), ("S1",))],
        actions=[("CA-1", "open", date(2026, 2, 28), None), ("CA-2", "open", date(2026, 6, 30), None)],
        evidence=[("E1", "fresh"), ("E2", "fresh")],
        versions={"iso22301": "2019", "nist-cp": "rev5"},
        digests={"data/bia.xlsx": "b1", "data/exercises.xlsx": "e1"},
        remediation=[("OBJ-EXERCISE", "Fix: exercise S2")],
    ),
    "2026Q2": Quarter(
        as_of=date(2026, 6, 30),
        statuses={"iso22301:8.2.2": M, "iso22301:8.4": P, "iso22301:8.5": N, "iso22301:9.1": M,
                  "iso22301:10.1": NA, "nist-cp:CP-2": M, "nist-cp:CP-4": P, "nist-cp:CP-9": M,
                  "nist-cp:CP-10": P, "nist-cp:CP-12": N},
        services=[("S1", 1, 4), ("S2", 2, 8), ("S3", 3, 72)],
        exercises=[("EX-1", date(2025, 11, 10), ("S1",)), ("EX-2", date(2026, 5, 20), ("S2",))],
        actions=[("CA-1", "in_progress", date(2026, 2, 28), None), ("CA-2", "open", date(2026, 6, 30), None),
                 ("CA-3", "open", date(2026, 9, 30), None)],
        evidence=[("E1", "fresh"), ("E2", "stale")],
        versions={"iso22301": "2019", "nist-cp": "rev5"},
        digests={"data/bia.xlsx": "b1", "data/exercises.xlsx": "e2"},
        remediation=[("OBJ-EXERCISE", "Fix: exercise S1 again")],
    ),
    "2026Q3": Quarter(
        as_of=date(2026, 9, 30),
        statuses={"iso22301:8.2.2": N, "iso22301:8.4": M, "iso22301:8.5": P, "iso22301:9.1": M,
                  "iso22301:10.1": P, "nist-cp:CP-2": M, "nist-cp:CP-4": M, "nist-cp:CP-9": P,
                  "nist-cp:CP-10": P, "nist-cp:CP-12": N},
        services=[("S1", 1, 2), ("S2", 2, 8), ("S3", 3, 72), ("S4", 1, 4)],
        exercises=[("EX-1", date(2025, 11, 10), ("S1",)), ("EX-2", date(2026, 5, 20), ("S2",)),
                   ("EX-3", date(2026, 8, 15), ("S1",))],
        actions=[("CA-1", "closed", date(2026, 2, 28), date(2026, 8, 1)), ("CA-2", "open", date(2026, 6, 30), None),
                 ("CA-3", "open", date(2026, 9, 30), None), ("CA-4", "open", date(2026, 8, 31), None)],
        evidence=[("E1", "stale"), ("E2", "stale"), ("E3", "missing")],
        versions={"iso22301": "2019", "nist-cp": "rev5"},
        digests={"data/bia.xlsx": "b2", "data/exercises.xlsx": "e3"},
        remediation=[("OBJ-BIA", "Fix: =cmd|' /C calc'!A0 RTO for S1"), ("OBJ-EXERCISE", "Fix: exercise S4")],
    ),
    "2026Q4": Quarter(
        as_of=date(2026, 12, 31),
        statuses={"iso22301:8.2.2": M, "iso22301:8.4": M, "iso22301:8.5": M, "iso22301:9.1": M,
                  "iso22301:10.1": M, "nist-cp:CP-2": N, "nist-cp:CP-4": M, "nist-cp:CP-9": M,
                  "nist-cp:CP-10": X, "nist-cp:CP-13": N},
        services=[("S1", 1, 2), ("S2", 1, 8), ("S4", 1, 4)],
        exercises=[("EX-1", date(2025, 11, 10), ("S1",)), ("EX-2", date(2026, 5, 20), ("S2",)),
                   ("EX-3", date(2026, 8, 15), ("S1",)), ("EX-4", date(2026, 11, 15), ("S4",))],
        actions=[("CA-1", "closed", date(2026, 2, 28), date(2026, 8, 1)),
                 ("CA-2", "closed", date(2026, 6, 30), date(2026, 11, 1)),
                 ("CA-3", "open", date(2026, 9, 30), None), ("CA-4", "in_progress", date(2026, 8, 31), None)],
        evidence=[("E1", "fresh"), ("E2", "stale"), ("E3", "fresh"), ("E4", "changed")],
        versions={"iso22301": "2019", "nist-cp": "rev5.1"},
        digests={"data/bia.xlsx": "b2", "data/exercises.xlsx": "e4", "data/actions.xlsx": "a1"},
        mappings={"nist-cp:CP-2": (("OBJ-PLAN", "equal"), ("OBJ-CONTACTS", "subset_of"))},
        remediation=[("OBJ-CONTACTS", "Fix: verify the call tree"), ("OBJ-ACTIONS", "=SUM(1+1) close CA-4\x07 (overdue)")],
    ),
}


def _src(file: str, row: int) -> SourceRef:
    return SourceRef(file=file, sheet="Sheet1", row=row)


def build_result(label: str, q: Quarter | None = None, *, run_id: str | None = None) -> AssessmentResult:
    """An AssessmentResult for one quarter of :data:`QUARTERS` (or for a given :class:`Quarter`)."""
    q = q or QUARTERS[label]
    objectives = tuple(
        ObjectiveStatus(objective_id=o, title=o.title(), status=Status.MET, rationale="ok", rules=(f"{o.lower()}.r",))
        for o in ("OBJ-PLAN", "OBJ-CONTACTS", "OBJ-EXERCISE", "OBJ-BIA", "OBJ-ACTIONS"))
    reqs = []
    for ref, status in q.statuses.items():
        fw, rid = ref.split(":", 1)
        contributions = tuple(
            Contribution(objective_id=obj, relationship=Relationship(rel), strength=3,
                         objective_status=Status(status) if status != X else Status.MET, rationale="mapped")
            for obj, rel in q.mappings.get(ref, DEFAULT_MAPPING))
        reqs.append(RequirementStatus(framework=fw, requirement_id=rid, title=f"Requirement {rid}",
                                      status=Status(status), rationale=f"{rid} is {status}",
                                      decided_by=DecidedBy.DATA, contributions=contributions))
    summaries = []
    for fw, version in q.versions.items():
        counts = {s.value: 0 for s in Status}
        for r in reqs:
            if r.framework == fw:
                counts[r.status.value] += 1
        decided = counts["met"] + counts["partially_met"] + counts["not_met"]
        score = round(100.0 * (counts["met"] + 0.5 * counts["partially_met"]) / decided, 1) if decided else 0.0
        summaries.append(FrameworkSummary(framework=fw, title=fw.upper(), version=version, counts=counts,
                                          score=score))
    data = OrgData(
        services=tuple(Service(id=sid, name=f"Service {sid}", tier=tier, rto=timedelta(hours=rto),
                               source=_src("data/bia.xlsx", i + 2)) for i, (sid, tier, rto) in enumerate(q.services)),
        exercises=tuple(Exercise(id=eid, date=d, services=svc, source=_src("data/exercises.xlsx", i + 2))
                        for i, (eid, d, svc) in enumerate(q.exercises)),
        corrective_actions=tuple(
            CorrectiveAction(id=aid, status=ActionStatus(st), due=due, closed=closed, description=f"Action {aid}",
                             owner="Ops", source=_src("data/actions.xlsx", i + 2))
            for i, (aid, st, due, closed) in enumerate(q.actions)),
    )
    evidence = tuple(
        EvidenceStatus(item=EvidenceItem(path=f"{eid}.pdf", sha256="0" * 64, evidence_type="exercise_report",
                                         collected=date(2026, 1, 1), source=_src("evidence/manifest.yaml", i + 1)),
                       state=EvidenceState(state), message=f"{eid} is {state}")
        for i, (eid, state) in enumerate(q.evidence))
    remediation = tuple(
        RemediationItem(rank=i + 1, objective_id=obj, title=obj.title(), action=action,
                        requirements=("iso22301:8.5",), weight=3.0 - i, failing_entities=1)
        for i, (obj, action) in enumerate(q.remediation))
    run = RunInfo(tool_version="0.1.0", run_id=run_id or f"{q.as_of.isoformat()}-{label.lower()}", label=label,
                  as_of=q.as_of, organisation="Aurora Health", scope=None, frameworks=tuple(q.versions),
                  catalogue_versions=q.versions, input_digests=q.digests,
                  policy={"critical_tiers": [1, 2], "exercise_window_months": 12, "corrective_action_grace_days": 0})
    return AssessmentResult(run=run, facts=facts_for(data, q.as_of, evidence=evidence), data=data, issues=(), accounts=(), checks=(), evidence=evidence,
                            attestations=(), objectives=objectives, requirements=tuple(reqs),
                            frameworks=tuple(summaries), remediation=remediation)
