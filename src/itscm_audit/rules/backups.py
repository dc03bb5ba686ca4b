"""Backup rules: the backup log proves the RPO and restores are tested."""

from __future__ import annotations

from itscm_audit.asof import evidence_not_yet, is_known
from itscm_audit.model import BackupRun, BackupStatus, EntityKind
from itscm_audit.registers import (
    REGISTER_NAMES,
    add_evidence,
    every_lacks,
    lacks_column,
    register_label,
)
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules._common import (
    as_local,
    end_of_as_of,
    entity,
    hours,
    hours_of,
    in_scope,
    not_recorded,
    out_of_scope,
    window_start,
)
from itscm_audit.rules.base import RuleContext, aggregate, not_assessed, rule


def _runs_by_service(ctx: RuleContext) -> dict[str, list[BackupRun]]:
    runs: dict[str, list[BackupRun]] = {}
    for r in ctx.data.backup_runs:
        runs.setdefault(r.service_id, []).append(r)
    return runs


@rule("backup.gap_within_rpo", "Backup gaps within RPO", parameters=("backup_period_days",),
      needs=("service", "backup_run"))
def backup_gap_within_rpo(ctx: RuleContext) -> CheckResult:
    """For each service with backup runs, the largest gap between two consecutive successful backups over
    the backup period before the as-of date does not exceed the RPO (a gap exactly equal to the RPO
    passes). The backup log is the evidence that the recovery point objective holds day to day, not only
    in an exercise. Metric: the worst gap in hours."""
    from datetime import timedelta

    runs = _runs_by_service(ctx)
    results: list[EntityResult] = []
    for s in ctx.data.services:
        mine = runs.get(s.id)
        if not mine:
            continue
        if not in_scope(s, ctx):
            results.append(out_of_scope(s))
            continue
        ref = next((r.completed for r in mine if r.completed.tzinfo is not None), None)
        end = end_of_as_of(ctx, ref)
        start = end - timedelta(days=ctx.policy.backup_period_days)
        ok = sorted(((as_local(r.completed, ref), r) for r in mine if r.status == BackupStatus.SUCCESS
                     and start <= as_local(r.completed, ref) < end), key=lambda t: t[0])
        if s.rpo is None:
            results.append(entity("service", s.id, Outcome.NO_DATA, not_recorded(s, "rpo", "RPO"), s.cite("rpo")))
            continue
        if len(ok) < 2:
            results.append(entity("service", s.id, Outcome.FAIL,
                                  f"only {len(ok)} successful backup(s) in the {ctx.policy.backup_period_days} "
                                  f"days before {ctx.as_of}", s.source))
            continue
        worst = None
        for (prev_t, _), (t, run) in zip(ok, ok[1:], strict=False):
            gap = t - prev_t
            if worst is None or gap > worst[0]:
                worst = (gap, prev_t, run)
        assert worst is not None
        gap, prev_t, run = worst
        text = f"worst gap {hours(gap)} between {prev_t:%Y-%m-%d %H:%M} and {run.completed:%Y-%m-%d %H:%M}"
        note = (f" (no status column in {register_label(run)}: every run listed is taken as completed)"
                if all(lacks_column(r, "status") for r in mine) else "")
        if gap > s.rpo:
            results.append(entity("service", s.id, Outcome.FAIL, f"{text} exceeds RPO {hours(s.rpo)}{note}",
                                  run.cite("completed"), s.cite("rpo"), metric=hours_of(gap)))
        else:
            results.append(entity("service", s.id, Outcome.PASS, f"{text} within RPO {hours(s.rpo)}{note}",
                                  s.source, metric=hours_of(gap)))
    return aggregate("backup.gap_within_rpo", "Backup gaps within RPO", results, ctx.policy.partial_threshold,
                     "services with backup runs")


@rule("backup.restore_tested", "Restores tested within the window", parameters=("restore_test_window_months",),
      needs=("service", "backup_run"))
def backup_restore_tested(ctx: RuleContext) -> CheckResult:
    """For each service with backup runs, a restore was tested within the restore-test window (a backup
    run marked as restore-tested, or a restore_test_report in the evidence locker linked to the service):
    an untested backup is a hope, not a control (ISO 27001 A.8.13, NIST CP-9(1)). Metric: days since the
    latest restore test."""
    months = ctx.policy.restore_test_window_months
    start = window_start(ctx, months)
    runs = _runs_by_service(ctx)
    title = "Restores tested within the window"
    reports = ctx.evidence is not None and bool(ctx.evidence.of_type("restore_test_report"))
    if not reports and every_lacks(ctx.data.backup_runs, "restore_test"):
        return not_assessed("backup.restore_tested", title, (
            f"The {REGISTER_NAMES[EntityKind.BACKUP_RUN]} has no restore-test column and the evidence locker holds "
            "no restore-test report, so this is not assessed rather than failed: add a column such as 'Restore "
            f"test' to the log, or {add_evidence(('restore_test_report',), ' --service ID')}."))
    results: list[EntityResult] = []
    used: list[str] = []
    for s in ctx.data.services:
        mine = runs.get(s.id)
        if not mine:
            continue
        if not in_scope(s, ctx):
            results.append(out_of_scope(s))
            continue
        tests = [(r.completed.date(), r.source) for r in mine if r.restore_test and is_known(r, ctx.as_of)]
        if ctx.evidence is not None:
            for st in ctx.evidence.for_service(s.id):
                if st.item.evidence_type == "restore_test_report" and evidence_not_yet(st.item, ctx.as_of) is None:
                    day = st.item.effective_to or st.item.collected
                    tests.append((day, st.item.source))
                    used.append(st.item.path)
        if not tests:
            if not reports and all(lacks_column(r, "restore_test") for r in mine):
                results.append(entity("service", s.id, Outcome.NO_DATA, "no restore test recorded: no restore-test "
                                      f"column in {register_label(mine[0])} and no restore-test report in the "
                                      "evidence locker", s.source))
            else:
                results.append(entity("service", s.id, Outcome.FAIL, "no restore test recorded", s.source))
            continue
        day, source = max(tests, key=lambda t: t[0])
        age = float((ctx.as_of - day).days)
        if day < start:
            results.append(entity("service", s.id, Outcome.FAIL,
                                  f"last restore test {day}, {int(age)} days ago (window {months} months)",
                                  source, metric=age))
        else:
            results.append(entity("service", s.id, Outcome.PASS, f"restore tested {day}", source, metric=age))
    return aggregate("backup.restore_tested", title, results,
                     ctx.policy.partial_threshold, "services with backup runs", evidence=tuple(dict.fromkeys(used)))
