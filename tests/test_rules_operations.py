"""Findings, corrective actions, plans, call tree, vendors, backups and training on hand-made data."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

from itscm_audit.config import Organisation, Policy, WorkspaceConfig
from itscm_audit.model import (
    ActionStatus,
    BackupRun,
    BackupStatus,
    Contact,
    CorrectiveAction,
    Finding,
    OrgData,
    PlanDocument,
    Service,
    SourceRef,
    TrainingRecord,
    Vendor,
)
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules import RULES, RuleContext
from itscm_audit.rules.actions import ageing_bucket

AS_OF = date(2026, 9, 30)
H = timedelta(hours=1)


def src(row: int, sheet: str = "S") -> SourceRef:
    return SourceRef(file="t.xlsx", sheet=sheet, row=row)


def run(rule_id: str, policy: Policy | None = None, **data: Any) -> CheckResult:
    config = WorkspaceConfig(organisation=Organisation(name="T"))
    ctx = RuleContext(data=OrgData(**data), as_of=AS_OF, policy=policy or Policy(), config=config)
    return RULES[rule_id].evaluate(ctx)


def by_id(check: CheckResult) -> dict[str, EntityResult]:
    return {e.entity_id: e for e in check.entities}


def test_findings_need_owned_dated_actions() -> None:
    findings = tuple(Finding(id=f"F{i}", source=src(i, "Findings")) for i in (1, 2, 3))
    actions = (CorrectiveAction(id="A1", finding_id="F1", owner="Kim", due=date(2026, 12, 1), source=src(2)),
               CorrectiveAction(id="A2", finding_id="F2", owner="Lee", source=src(3), columns={"due": "Due Date"}))
    res = by_id(run("finding.corrective_action", findings=findings, corrective_actions=actions))
    assert res["F1"].outcome == Outcome.PASS
    assert res["F2"].outcome == Outcome.FAIL and res["F2"].message == "action A2 has no due date"
    assert res["F2"].sources[1].column == "Due Date"
    assert res["F3"].outcome == Outcome.FAIL and res["F3"].message == "no corrective action"


def test_overdue_actions_and_ageing_buckets() -> None:
    actions = (CorrectiveAction(id="A1", due=date(2026, 9, 30), source=src(2)),            # due today: fine
               CorrectiveAction(id="A2", due=date(2026, 9, 20), source=src(3)),            # 10 days
               CorrectiveAction(id="A3", due=date(2026, 6, 1), status=ActionStatus.IN_PROGRESS, source=src(4)),
               CorrectiveAction(id="A4", due=date(2025, 1, 1), source=src(5)),             # 637 days
               CorrectiveAction(id="A5", due=date(2025, 1, 1), status=ActionStatus.CLOSED, source=src(6)),
               CorrectiveAction(id="A6", source=src(7)),
               CorrectiveAction(id="A7", due=date(2026, 8, 1), status=ActionStatus.CLOSED, closed=date(2026, 10, 5),
                                source=src(8)))  # closed after as-of: still open on the as-of date
    check = run("action.not_overdue", corrective_actions=actions)
    res = by_id(check)
    assert res["A1"].outcome == Outcome.PASS
    assert res["A2"].outcome == Outcome.FAIL and res["A2"].message == "open, due 2026-09-20: 10 days overdue"
    assert res["A3"].metric == 121 and res["A3"].message.startswith("in progress")
    assert res["A5"].outcome == Outcome.NOT_APPLICABLE
    assert res["A6"].outcome == Outcome.NO_DATA
    assert res["A7"].outcome == Outcome.FAIL and res["A7"].message == "open, due 2026-08-01: 60 days overdue"
    assert check.metrics["overdue_0_30_days"] == 1
    assert check.metrics["overdue_31_90_days"] == 1
    assert check.metrics["overdue_91_180_days"] == 1
    assert check.metrics["overdue_over_180_days"] == 1
    grace = by_id(run("action.not_overdue", policy=Policy(corrective_action_grace_days=10),
                      corrective_actions=actions))
    assert grace["A2"].outcome == Outcome.PASS


def test_ageing_bucket_bounds() -> None:
    assert [ageing_bucket(d) for d in (1, 30, 31, 90, 91, 180, 181)] == [
        "overdue_0_30_days", "overdue_0_30_days", "overdue_31_90_days", "overdue_31_90_days",
        "overdue_91_180_days", "overdue_91_180_days", "overdue_over_180_days"]


def test_plans_approved_and_reviewed() -> None:
    plan_headers = {"approved_by": "Approved By", "approved": "Approved On", "last_reviewed": "Last Review"}
    plans = (PlanDocument(id="P1", title="ITSC plan", owner="CIO", approved_by="CEO", approved=date(2026, 1, 5),
                          last_reviewed=date(2026, 1, 5), source=src(2)),
             PlanDocument(id="P2", title="Runbook", owner="Ops", last_reviewed=date(2025, 8, 1), source=src(3),
                          columns=plan_headers),
             PlanDocument(id="P3", title="Draft", source=src(4)))
    approved = by_id(run("plan.approved", plan_documents=plans))
    assert approved["P1"].outcome == Outcome.PASS
    assert approved["P2"].message == "no approver, approval date"
    assert [s.column for s in approved["P2"].sources] == ["Approved By", "Approved On"]
    reviewed = by_id(run("plan.reviewed", plan_documents=plans))
    assert reviewed["P1"].outcome == Outcome.PASS
    assert reviewed["P2"].outcome == Outcome.FAIL
    assert reviewed["P2"].message == "last reviewed 2025-08-01, 425 days ago (interval 12 months)"
    assert reviewed["P3"].message == "never reviewed"
    assert by_id(run("plan.reviewed", policy=Policy(plan_review_months=24),
                     plan_documents=plans))["P2"].outcome == Outcome.PASS


def test_call_tree_rules() -> None:
    contacts = (Contact(role="Incident manager", name="Ana", alternate="Ben", backup_channel="Sat phone",
                        critical_role=True, last_verified=date(2026, 6, 1), source=src(2, "Call Tree")),
                Contact(role="Comms lead", name="Cy", critical_role=True, last_verified=date(2026, 1, 1),
                        source=src(3, "Call Tree"), columns={"alternate": "Alternate", "backup_channel": "Backup Channel"}),
                Contact(role="Facilities", name="Dee", critical_role=False, source=src(4, "Call Tree")))
    verified = by_id(run("contact.verified", contacts=contacts))
    assert verified["Incident manager"].outcome == Outcome.PASS
    assert verified["Comms lead"].outcome == Outcome.FAIL and verified["Comms lead"].metric == 272
    assert verified["Facilities"].message == "never verified"
    alternates = by_id(run("contact.alternates", contacts=contacts))
    assert alternates["Comms lead"].outcome == Outcome.FAIL
    assert alternates["Comms lead"].sources[0].column == "Alternate"
    assert alternates["Facilities"].outcome == Outcome.NOT_APPLICABLE
    channel = by_id(run("contact.backup_channel", contacts=contacts))
    assert channel["Incident manager"].outcome == Outcome.PASS
    assert channel["Comms lead"].message == "critical role has no backup channel"


def test_vendor_bc_reviewed_only_for_critical_services() -> None:
    services = (Service(id="A", name="A", tier=1, vendors=("V1",), source=src(2)),
                Service(id="B", name="B", tier=3, source=src(3)))
    vendors = (Vendor(id="V1", name="Cloud", bc_plan_reviewed=date(2025, 1, 1), source=src(2, "vendors")),
               Vendor(id="V2", name="Print", services=("B",), source=src(3, "vendors")),
               Vendor(id="V3", name="DR", services=("A",), bc_plan_reviewed=date(2026, 3, 1), source=src(4)))
    res = by_id(run("vendor.bc_reviewed", services=services, vendors=vendors))
    assert res["V1"].outcome == Outcome.FAIL and "last BC plan reviewed 2025-01-01" in res["V1"].message
    assert res["V2"].outcome == Outcome.NOT_APPLICABLE
    assert res["V3"].outcome == Outcome.PASS


BACKUP_HEADERS = {"service_id": "Service", "completed": "Completed At", "status": "Status",
                  "restore_test": "Restore Test"}


def _runs(service: str, times: list[datetime], **kw: Any) -> tuple[BackupRun, ...]:
    return tuple(BackupRun(service_id=service, completed=t, source=src(i + 2, "backup-log"),
                           columns=BACKUP_HEADERS, **kw)
                 for i, t in enumerate(times))


def test_backup_gap_equal_to_rpo_passes_and_larger_fails() -> None:
    services = (Service(id="A", name="A", rpo=24 * H, source=src(2)),
                Service(id="B", name="B", rpo=24 * H, source=src(3)),
                Service(id="C", name="C", source=src(4)))
    base = datetime(2026, 9, 20, 2, 0)
    runs = (_runs("A", [base, base + 24 * H, base + 48 * H])
            + _runs("B", [base, base + 24 * H, base + 54 * H])
            + _runs("B", [base + 30 * H], status=BackupStatus.FAILED)
            + _runs("C", [base]))
    res = by_id(run("backup.gap_within_rpo", services=services, backup_runs=runs))
    assert res["A"].outcome == Outcome.PASS and res["A"].metric == 24
    assert res["B"].outcome == Outcome.FAIL
    assert res["B"].message == ("worst gap 30h between 2026-09-21 02:00 and 2026-09-22 08:00 exceeds RPO 24h")
    assert res["B"].sources[0].column == "Completed At"
    assert res["C"].outcome == Outcome.NO_DATA


def test_backup_gap_only_counts_the_period_and_handles_offsets() -> None:
    services = (Service(id="A", name="A", rpo=4 * H, source=src(2)),)
    utc, montreal = timezone.utc, timezone(timedelta(hours=-4))
    runs = (_runs("A", [datetime(2026, 1, 1, 0, 0, tzinfo=utc)])   # before the 90-day period: ignored
            + _runs("A", [datetime(2026, 9, 29, 2, 0, tzinfo=utc), datetime(2026, 9, 28, 23, 0, tzinfo=montreal)]))
    res = by_id(run("backup.gap_within_rpo", services=services, backup_runs=runs))
    assert res["A"].outcome == Outcome.PASS
    assert res["A"].metric == 1.0  # 23:00-04:00 is 03:00 UTC: one hour after 02:00 UTC


def test_restore_tested_within_window() -> None:
    services = (Service(id="A", name="A", source=src(2)), Service(id="B", name="B", source=src(3)),
                Service(id="C", name="C", source=src(4)))
    runs = (_runs("A", [datetime(2026, 5, 1, 2)], restore_test=True) + _runs("B", [datetime(2026, 9, 1, 2)])
            + _runs("C", [datetime(2025, 5, 1, 2)], restore_test=True))
    res = by_id(run("backup.restore_tested", services=services, backup_runs=runs))
    assert res["A"].outcome == Outcome.PASS and res["A"].metric == 152
    assert res["B"].outcome == Outcome.FAIL and res["B"].message == "no restore test recorded"
    assert res["C"].outcome == Outcome.FAIL and res["C"].message.startswith("last restore test 2025-05-01")


def test_training_current_for_call_tree_people() -> None:
    contacts = (Contact(role="IM", name="Ana Silva", alternate="Ben", source=src(2, "Call Tree"),
                        columns={"name": "Name", "alternate": "Alternate"}),
                Contact(role="Comms", name="Cy", source=src(3, "Call Tree")))
    training = (TrainingRecord(person="ana  SILVA", course="BCM 101", completed=date(2026, 2, 1), source=src(2)),
                TrainingRecord(person="Ben", completed=date(2024, 2, 1), source=src(3)),
                TrainingRecord(person="Ben", completed=date(2027, 2, 1), source=src(4)))  # after as-of
    res = by_id(run("training.current", contacts=contacts, training_records=training))
    assert res["Ana Silva"].outcome == Outcome.PASS and "BCM 101" in res["Ana Silva"].message
    assert res["Ben"].outcome == Outcome.FAIL and res["Ben"].message.startswith("last trained 2024-02-01")
    assert res["Ben"].sources[0].column == "Alternate"
    assert res["Cy"].message == "no training recorded"


# --- a register without a column does not say "no" ------------------------------------------------------------

DRILL_LOG = {"owner": "Action owner"}
"""The corrective-action columns of a one-sheet drill log that keeps an owner but no due date or status."""


def test_an_action_register_without_a_due_date_column_is_not_failed_on_it() -> None:
    findings = (Finding(id="DR-1-F1", exercise_id="DR-1", source=src(2, "Drills")),
                Finding(id="DR-2-F1", exercise_id="DR-2", source=src(3, "Drills")))
    actions = (CorrectiveAction(id="DR-1-A1", finding_id="DR-1-F1", owner="Kim", columns=DRILL_LOG,
                                source=SourceRef(file="data/drills.xlsx", sheet="Drills", row=2)),
               CorrectiveAction(id="DR-2-A1", finding_id="DR-2-F1", columns=DRILL_LOG,
                                source=SourceRef(file="data/drills.xlsx", sheet="Drills", row=3)))
    res = by_id(run("finding.corrective_action", findings=findings, corrective_actions=actions))
    assert res["DR-1-F1"].outcome == Outcome.NO_DATA
    assert res["DR-1-F1"].message == ("action DR-1-A1: due date not recorded (no column for it in 'drills.xlsx', "
                                      "sheet 'Drills')")
    # an empty owner cell in a column that exists is still a finding; the missing column is said beside it
    assert res["DR-2-F1"].outcome == Outcome.FAIL
    assert res["DR-2-F1"].message == ("action DR-2-A1 has no owner; due date not recorded (no column for it in "
                                      "'drills.xlsx', sheet 'Drills')")


def test_an_action_past_due_with_no_closure_recorded_is_overdue_and_says_why() -> None:
    from itscm_audit.rules.facts import facts_for

    due_only = {"due": "Due"}
    actions = (CorrectiveAction(id="A1", due=date(2026, 6, 30), columns=due_only, source=src(2)),
               CorrectiveAction(id="A2", due=date(2026, 6, 30), columns={**due_only, "status": "Status"},
                                raw={"status": "Open"}, source=src(3)),
               CorrectiveAction(id="A3", due=date(2026, 6, 30), columns={**due_only, "closed": "Closed on"},
                                source=src(4)),
               CorrectiveAction(id="A4", due=date(2026, 12, 31), columns=due_only, source=src(5)))
    res = by_id(run("action.not_overdue", corrective_actions=actions))
    # an auditor asks for the evidence of closure: none recorded, past due, is overdue, and says so
    assert res["A1"].outcome == Outcome.FAIL
    assert res["A1"].message == ("no closure recorded (no status or closing-date column in 't.xlsx', sheet 'S'), "
                                 "due 2026-06-30: 92 days overdue")
    assert res["A2"].outcome == Outcome.FAIL and res["A2"].message == "open, due 2026-06-30: 92 days overdue"
    assert res["A3"].outcome == Outcome.FAIL  # an empty "Closed on" cell: not closed
    assert res["A4"].outcome == Outcome.PASS and res["A4"].message.startswith("no closure recorded (no status")
    undated = CorrectiveAction(id="A5", columns={"owner": "Action owner"}, source=SourceRef(file="data/drills.csv",
                                                                                            row=6))
    assert by_id(run("action.not_overdue", corrective_actions=(undated,)))["A5"].message == \
        "due date not recorded (no due date column in 'drills.csv')"
    facts = {a.action_id: a for a in facts_for(OrgData(corrective_actions=actions), AS_OF).actions}
    assert facts["A1"].overdue and facts["A1"].days_overdue == 92  # the packs agree with the rule
    assert facts["A2"].overdue


def test_plans_in_a_register_without_approval_or_review_columns() -> None:
    owner_only = {"id": "Doc", "title": "Title", "owner": "Owner"}
    plans = (PlanDocument(id="P1", title="ITSC plan", owner="CIO", columns=owner_only, source=src(2)),
             PlanDocument(id="P2", title="Runbook", columns=owner_only, source=src(3)))
    approved = by_id(run("plan.approved", plan_documents=plans))
    assert approved["P1"].outcome == Outcome.NO_DATA
    assert approved["P1"].message == "approver or approval date not recorded (no column for it in 't.xlsx', sheet 'S')"
    assert approved["P2"].outcome == Outcome.FAIL and approved["P2"].message.startswith("no owner; approver or")
    reviewed = run("plan.reviewed", plan_documents=plans)
    assert reviewed.outcome == Outcome.NO_DATA and reviewed.entities == ()
    assert reviewed.summary.startswith("The register of plans and policies has no review or approval date column")


def test_a_call_tree_without_verification_or_critical_role_columns() -> None:
    tree = {"role": "Role", "name": "Name", "alternate": "Deputy"}
    contacts = (Contact(role="Gold", name="Helen", alternate="Priya", columns=tree, source=src(2, "Call Tree")),
                Contact(role="Bronze", name="Gareth", columns=tree, source=src(3, "Call Tree")),
                Contact(role="Facilities", name="Dee", critical_role=False, columns=tree, source=src(4)))
    verified = run("contact.verified", contacts=contacts)
    assert verified.outcome == Outcome.NO_DATA and verified.entities == ()
    assert verified.summary.startswith("The call tree has no verification date column")
    alternates = by_id(run("contact.alternates", contacts=contacts))
    assert alternates["Gold"].outcome == Outcome.PASS  # every entry is checked when none is marked critical
    assert alternates["Bronze"].outcome == Outcome.NO_DATA
    assert alternates["Bronze"].message == ("no alternate named; whether the role is critical is not recorded (no "
                                            "critical-role column in 't.xlsx', sheet 'Call Tree')")
    assert alternates["Facilities"].outcome == Outcome.NOT_APPLICABLE
    channel = run("contact.backup_channel", contacts=contacts)
    assert channel.outcome == Outcome.NO_DATA and channel.summary.startswith("The call tree has no backup channel")
    marked = Contact(role="Bronze", name="Gareth", critical_role=True, columns={**tree, "critical_role": "Key?"},
                     source=src(3, "Call Tree"))
    assert by_id(run("contact.alternates", contacts=(marked,)))["Bronze"].outcome == Outcome.FAIL


def test_a_vendor_list_without_review_or_contract_columns() -> None:
    services = (Service(id="A", name="A", tier=1, rto=4 * H, rpo=1 * H, source=src(2)),)
    listed = {"id": "Vendor ID", "name": "Vendor", "services": "Services", "contract_rto": "SLA RTO"}
    vendors = (Vendor(id="V1", name="Cloud", services=("A",), contract_rto=2 * H, columns=listed,
                      source=src(2, "vendors")),)
    reviewed = run("vendor.bc_reviewed", services=services, vendors=vendors)
    assert reviewed.outcome == Outcome.NO_DATA and reviewed.summary.startswith("The vendor list has no BC plan")
    terms = by_id(run("bia.vendor_terms", services=services, vendors=vendors))["V1"]
    assert terms.outcome == Outcome.NO_DATA
    assert terms.message == ("contract RPO not recorded (no contract RPO column in 't.xlsx', sheet 'vendors') "
                             "(supports A)")
    loose = vendors[0].model_copy(update={"contract_rto": 8 * H})
    terms = by_id(run("bia.vendor_terms", services=services, vendors=(loose,)))["V1"]
    assert terms.outcome == Outcome.FAIL and terms.message.startswith("contract RTO 8h looser than A RTO 4h; "
                                                                      "contract RPO not recorded")


def test_a_backup_log_without_restore_test_or_status_columns() -> None:
    from itscm_audit.evidence import EvidenceIndex
    from itscm_audit.model import EvidenceItem
    from itscm_audit.result import EvidenceState, EvidenceStatus

    services = (Service(id="A", name="A", rpo=24 * H, source=src(2)), Service(id="B", name="B", source=src(3)))
    plain = {"service_id": "Server", "completed": "Job end"}
    base = datetime(2026, 9, 20, 2, 0)
    runs = tuple(BackupRun(service_id=sid, completed=base + k * 24 * H, columns=plain, source=src(k + 2, "jobs"))
                 for sid in ("A", "B") for k in range(3))
    restore = run("backup.restore_tested", services=services, backup_runs=runs)
    assert restore.outcome == Outcome.NO_DATA and restore.entities == ()
    assert restore.summary.startswith("The backup log has no restore-test column and the evidence locker holds no "
                                      "restore-test report")
    item = EvidenceItem(path="backups/A-restore.md", sha256="0" * 64, evidence_type="restore_test_report",
                        collected=date(2026, 8, 1), services=("A",), source=src(2, "manifest"))
    locker = EvidenceIndex(statuses=(EvidenceStatus(item=item, state=EvidenceState.FRESH, message="current"),))
    ctx = RuleContext(data=OrgData(services=services, backup_runs=runs), as_of=AS_OF, policy=Policy(),
                      config=WorkspaceConfig(organisation=Organisation(name="T")), evidence=locker)
    res = by_id(RULES["backup.restore_tested"].evaluate(ctx))
    assert res["A"].outcome == Outcome.PASS
    assert res["B"].outcome == Outcome.FAIL  # the organisation keeps restore reports in the locker: none for B
    gap = by_id(run("backup.gap_within_rpo", services=services, backup_runs=runs))["A"]
    assert gap.outcome == Outcome.PASS
    assert gap.message.endswith("within RPO 24h (no status column in 't.xlsx', sheet 'jobs': every run listed is "
                                "taken as completed)")
