"""Findings and corrective actions: every weakness gets an owned, dated action, and none is left overdue."""

from __future__ import annotations

from itscm_audit.model import ActionStatus, CorrectiveAction
from itscm_audit.registers import lacks_column, register_label
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules._common import entity, not_recorded, plainly_missing
from itscm_audit.rules.base import RuleContext, aggregate, rule
from itscm_audit.rules.facts import AGEING_BUCKETS, action_facts, ageing_bucket, status_recorded

__all__ = ["AGEING_BUCKETS", "ageing_bucket", "action_not_overdue", "finding_corrective_action"]


@rule("finding.corrective_action", "Findings have an owned, dated corrective action",
      needs=("finding", "corrective_action"))
def finding_corrective_action(ctx: RuleContext) -> CheckResult:
    """Every finding (from an exercise or an incident) has at least one corrective action with an owner
    and a due date: the audit trail from weakness to fix (ISO 22301 10.1, NIST CP-4 POA&M). Metric:
    number of complete corrective actions."""
    actions: dict[str, list[CorrectiveAction]] = {}
    for a in ctx.data.corrective_actions:
        if a.finding_id:
            actions.setdefault(a.finding_id, []).append(a)
    results: list[EntityResult] = []
    for f in ctx.data.findings:
        mine = actions.get(f.id, [])
        complete = [a for a in mine if a.owner and a.due is not None]
        if complete:
            results.append(entity("finding", f.id, Outcome.PASS,
                                  f"action {complete[0].id} owned by {complete[0].owner}, due {complete[0].due}",
                                  f.source, complete[0].source, metric=float(len(complete))))
        elif mine:
            a = mine[0]
            lacking = [(w, fld) for w, fld, ok in (("owner", "owner", a.owner), ("due date", "due", a.due)) if not ok]
            unknown = [w for w, fld in lacking if lacks_column(a, fld)]  # no such column: not "none"
            missing = [(w, fld) for w, fld in lacking if w not in unknown]
            said = [not_recorded(a, fld, w) for w, fld in missing if not plainly_missing(a, fld)]
            untold = (f"{' or '.join(unknown)} not recorded (no column for it in {register_label(a)})"
                      if unknown else "")
            if missing:
                results.append(entity("finding", f.id, Outcome.FAIL,
                                      f"action {a.id} has no {' or '.join(w for w, _ in missing)}"
                                      + (f" ({'; '.join(said)})" if said else "") + (f"; {untold}" if untold else ""),
                                      f.source, *(a.cite(fld) for _, fld in missing), metric=0.0))
            else:
                results.append(entity("finding", f.id, Outcome.NO_DATA, f"action {a.id}: {untold}", f.source,
                                      a.source))
        else:
            results.append(entity("finding", f.id, Outcome.FAIL, "no corrective action", f.source, metric=0.0))
    return aggregate("finding.corrective_action", "Findings have an owned, dated corrective action", results,
                     ctx.policy.partial_threshold, "findings")


@rule("action.not_overdue", "No corrective action overdue", parameters=("corrective_action_grace_days",),
      needs=("corrective_action",))
def action_not_overdue(ctx: RuleContext) -> CheckResult:
    """No corrective action is still open past its due date (plus the grace period) on the as-of date:
    overdue actions show that findings are recorded but not acted upon. Metric: days past the due date
    (negative: days left); the check also counts overdue actions in ageing buckets of days past due
    (0-30, 31-90, 91-180, over 180 days). An action closed after the as-of date was still open on it."""
    grace = ctx.policy.corrective_action_grace_days
    facts = action_facts(ctx)
    buckets = {name: 0.0 for _, _, name in AGEING_BUCKETS}
    results: list[EntityResult] = []
    for a in ctx.data.corrective_actions:
        fact = facts[a.id]
        if fact.status == ActionStatus.CLOSED:
            results.append(entity("corrective_action", a.id, Outcome.NOT_APPLICABLE,
                                  f"closed{f' on {a.closed}' if a.closed else ''}", a.source))
            continue
        if a.due is None or fact.days_overdue is None:
            if lacks_column(a, "due"):  # the register keeps no due dates: say so, not "no due date"
                said = not_recorded(a, "due", "due date")
            else:
                gap = "" if plainly_missing(a, "due") else f": {not_recorded(a, 'due', 'due date')}"
                said = f"open with no due date{gap}"
            results.append(entity("corrective_action", a.id, Outcome.NO_DATA, said, a.cite("due")))
            continue
        recorded = status_recorded(a)
        state = (fact.status.value.replace("_", " ") if recorded else
                 f"no closure recorded (no status or closing-date column in {register_label(a)})")
        days = fact.days_overdue
        if fact.overdue and fact.ageing is not None:
            buckets[fact.ageing] += 1
            results.append(entity("corrective_action", a.id, Outcome.FAIL,
                                  f"{state}, due {a.due}: {days} days overdue", a.cite("due"),
                                  metric=float(days)))
        elif days > 0:
            results.append(entity("corrective_action", a.id, Outcome.PASS,
                                  f"{state}, due {a.due}: {days} days past due, within the {grace}-day grace "
                                  "period", a.source, metric=float(days)))
        else:
            left = (a.due - ctx.as_of).days
            results.append(entity("corrective_action", a.id, Outcome.PASS,
                                  f"{state}, due {a.due} ({left} days left)", a.source, metric=float(-left)))
    return aggregate("action.not_overdue", "No corrective action overdue", results, ctx.policy.partial_threshold,
                     "open corrective actions", metrics=buckets)
