"""The facts every writer and the history show, decided once, from the rules' own definitions.

Latest exercise per service at the as-of date, exercised within the window, the latest measured
recovery against the RTO and RPO, each corrective action's status, days overdue and ageing at as-of,
and the coverage figures. The rules that judge these things (``exercise.coverage``,
``exercise.rto_achieved``, ``exercise.rpo_achieved``, ``action.not_overdue``) read the same
functions, so the workbook, the Word pack, the history and the rules can never disagree. Each
function is computed once per assessment (``RuleContext.memo``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from itscm_audit.asof import action_status_at
from itscm_audit.config import Organisation, Policy, WorkspaceConfig
from itscm_audit.model import ActionStatus, CorrectiveAction, Exercise, OrgData, Service
from itscm_audit.registers import lacks_column
from itscm_audit.result import (
    ActionFacts,
    CoverageFacts,
    EvidenceState,
    EvidenceStatus,
    Facts,
    ServiceFacts,
)
from itscm_audit.rules._common import (
    exercises_by_service,
    exercises_until_as_of,
    in_scope,
    is_critical,
    window_start,
)
from itscm_audit.rules.base import RuleContext

AGEING_BUCKETS = ((0, 30, "overdue_0_30_days"), (31, 90, "overdue_31_90_days"),
                  (91, 180, "overdue_91_180_days"), (181, None, "overdue_over_180_days"))
"""Ageing buckets of overdue corrective actions, in days past due (inclusive bounds)."""


def ageing_bucket(days_overdue: int) -> str:
    for low, high, name in AGEING_BUCKETS:
        if days_overdue >= low and (high is None or days_overdue <= high):
            return name
    return AGEING_BUCKETS[0][2]


def _memo(ctx: RuleContext, key: str, build: Any) -> Any:
    value = ctx.memo.get(key)
    if value is None:
        value = ctx.memo[key] = build()
    return value


def exercise_window_start(ctx: RuleContext) -> date:
    """First day of the exercise window (``policy.exercise_window_months``) ending on the as-of date."""
    start: date = _memo(ctx, "exercise_window_start",
                        lambda: window_start(ctx, ctx.policy.exercise_window_months))
    return start


def held_by_service(ctx: RuleContext) -> dict[str, list[Exercise]]:
    """Exercises held on or before the as-of date, per service, oldest first."""
    held: dict[str, list[Exercise]] = _memo(ctx, "held_by_service",
                                            lambda: exercises_by_service(exercises_until_as_of(ctx)))
    return held


def latest_exercises(ctx: RuleContext) -> dict[str, Exercise]:
    """The latest exercise of each service held on or before the as-of date (later rows are plans)."""
    latest: dict[str, Exercise] = _memo(ctx, "latest_exercises",
                                        lambda: {sid: mine[-1] for sid, mine in held_by_service(ctx).items()})
    return latest


def latest_measured(ctx: RuleContext, data_loss: bool) -> dict[str, Exercise]:
    """The latest exercise of each service (on or before as-of) that measured the recovery time, or the
    data loss: the one the RTO or RPO is judged on."""

    def build() -> dict[str, Exercise]:
        out: dict[str, Exercise] = {}
        for sid, mine in held_by_service(ctx).items():
            for e in reversed(mine):
                if (e.achieved_data_loss if data_loss else e.achieved_recovery_time) is not None:
                    out[sid] = e
                    break
        return out

    found: dict[str, Exercise] = _memo(ctx, "latest_data_loss" if data_loss else "latest_recovery", build)
    return found


def judged_target(service: Service, exercise: Exercise, data_loss: bool) -> timedelta | None:
    """The target a measured exercise is judged on: the service's current RTO (RPO) in the BIA, else the
    target the exercise itself recorded at the time. The rules and the facts both use this answer."""
    current = service.rpo if data_loss else service.rto
    if current is not None:
        return current
    return exercise.target_rpo if data_loss else exercise.target_rto


def _action_services(ctx: RuleContext) -> dict[str, tuple[str, ...]]:
    """Services reached from each finding through the exercise that raised it."""
    exercise_services = {e.id: e.services for e in ctx.data.exercises}
    return {f.id: exercise_services.get(f.exercise_id or "", ()) for f in ctx.data.findings}


def status_recorded(action: CorrectiveAction) -> bool:
    """Whether the action's register says if it is still open: a status column, or a closing-date column
    (an empty "Closed on" cell means not closed). Without either, an action past its due date is overdue
    because no closure is recorded, and the rule says exactly that."""
    return not (lacks_column(action, "status") and lacks_column(action, "closed"))


def action_fact(action: CorrectiveAction, ctx: RuleContext, services: tuple[str, ...] = ()) -> ActionFacts:
    """One action at the as-of date. An action closed after as-of was still open on it; it is overdue
    when no closure is recorded by the as-of date and it is more than the grace period past its due date
    (an auditor asks for the evidence of closure; :func:`status_recorded` words the finding)."""
    as_of = ctx.as_of
    status = action_status_at(action, as_of)
    closed = status == ActionStatus.CLOSED
    end = action.closed if closed and action.closed is not None else as_of
    age = (end - action.opened).days if action.opened is not None else None
    days = None if closed or action.due is None else max(0, (as_of - action.due).days)
    overdue = days is not None and days > ctx.policy.corrective_action_grace_days
    return ActionFacts(action_id=action.id, status=status, due=action.due, age_days=age, days_overdue=days,
                       overdue=overdue, ageing=ageing_bucket(days) if overdue and days is not None else None,
                       services=services)


def action_facts(ctx: RuleContext) -> dict[str, ActionFacts]:
    """Every corrective action at the as-of date, by id (first row wins for a repeated id)."""

    def build() -> dict[str, ActionFacts]:
        reached = _action_services(ctx)
        out: dict[str, ActionFacts] = {}
        for a in ctx.data.corrective_actions:
            if a.id not in out:
                out[a.id] = action_fact(a, ctx, tuple(dict.fromkeys(reached.get(a.finding_id or "", ()))))
        return out

    facts: dict[str, ActionFacts] = _memo(ctx, "action_facts", build)
    return facts


def decide_facts(ctx: RuleContext) -> Facts:
    """Every fact of the run, for the result (computed once; the rules read the same parts)."""
    facts: Facts = _memo(ctx, "facts", lambda: _decide(ctx))
    return facts


def facts_for(data: OrgData, as_of: date, policy: Policy | None = None, config: WorkspaceConfig | None = None,
              evidence: Sequence[EvidenceStatus] = ()) -> Facts:
    """The facts of records assessed outside a workspace (notebooks, results built by hand): the same
    decisions as :func:`decide_facts`, with the default policy and scope unless given."""
    from itscm_audit.evidence import EvidenceIndex

    config = config or WorkspaceConfig(organisation=Organisation(name="-"), policy=policy or Policy())
    ctx = RuleContext(data=data, as_of=as_of, policy=policy or config.policy, config=config,
                      evidence=EvidenceIndex(statuses=tuple(evidence)))
    return decide_facts(ctx)


def _decide(ctx: RuleContext) -> Facts:
    start = exercise_window_start(ctx)
    latest = latest_exercises(ctx)
    recovery = latest_measured(ctx, data_loss=False)
    loss = latest_measured(ctx, data_loss=True)
    actions = action_facts(ctx)
    earliest_due: dict[str, date] = {}
    for a in actions.values():
        if a.status != ActionStatus.CLOSED and a.due is not None:
            for sid in a.services:
                prev = earliest_due.get(sid)
                if prev is None or a.due < prev:
                    earliest_due[sid] = a.due
    services: list[ServiceFacts] = []
    seen: set[str] = set()
    critical = exercised = measured = within = 0
    for s in ctx.data.services:
        if s.id in seen:
            continue
        seen.add(s.id)
        scoped = in_scope(s, ctx)
        is_crit = scoped and is_critical(s, ctx)
        last = latest.get(s.id)
        in_window = last is not None and last.date >= start
        rec = recovery.get(s.id)
        rec_time = rec.achieved_recovery_time if rec is not None else None
        rto = judged_target(s, rec, data_loss=False) if rec is not None else None
        met_rto = None if rec_time is None or rto is None else rec_time <= rto
        dl = loss.get(s.id)
        dl_time = dl.achieved_data_loss if dl is not None else None
        rpo = judged_target(s, dl, data_loss=True) if dl is not None else None
        met_rpo = None if dl_time is None or rpo is None else dl_time <= rpo
        if is_crit:
            critical += 1
            exercised += in_window
        if scoped and met_rto is not None:
            measured += 1
            within += met_rto
        services.append(ServiceFacts(
            service_id=s.id, tier=s.tier, owner=s.owner, in_scope=scoped, critical=is_crit, mtpd=s.mtpd,
            rto=s.rto, rpo=s.rpo, latest_exercise=last.id if last else None,
            latest_exercise_date=last.date if last else None, exercised_in_window=in_window,
            latest_recovery_exercise=rec.id if rec else None, latest_recovery=rec_time, within_rto=met_rto,
            latest_data_loss_exercise=dl.id if dl else None, latest_data_loss=dl_time, within_rpo=met_rpo,
            earliest_open_due=earliest_due.get(s.id)))
    overdue = sorted((a for a in actions.values() if a.overdue), key=lambda a: (a.due or ctx.as_of, a.action_id))
    statuses = ctx.evidence.statuses if ctx.evidence is not None else ()
    coverage = CoverageFacts(
        exercise_window_start=start, critical_services=critical, critical_exercised=exercised,
        exercise_coverage=round(100.0 * exercised / critical, 1) if critical else None,
        recoveries_measured=measured, recoveries_within_rto=within,
        open_actions=sum(1 for a in actions.values() if a.status != ActionStatus.CLOSED),
        overdue_actions=len(overdue), oldest_overdue=overdue[0].action_id if overdue else None,
        evidence_items=len(statuses), stale_evidence=sum(1 for e in statuses if e.state == EvidenceState.STALE),
        evidence_not_current=sum(1 for e in statuses if e.state != EvidenceState.FRESH))
    return Facts(coverage=coverage, services=tuple(services), actions=tuple(actions.values()),
                 registers=tuple(sorted(k.value for k in ctx.imported())))
