"""Plans, call tree and supplier continuity: documents approved and reviewed, people reachable."""

from __future__ import annotations

import datetime as dt

from itscm_audit.asof import after
from itscm_audit.model import Record
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules._common import critical_services, entity, not_recorded, plainly_missing, window_start
from itscm_audit.rules.base import RuleContext, aggregate, rule


def _recency(kind: str, entity_id: str, when: dt.date | None, start: dt.date, as_of: dt.date, what: str,
             months: int, record: Record, field: str) -> EntityResult:
    """PASS when ``when`` falls within the look-back window; the metric is its age in days."""
    if when is None:
        said = "" if plainly_missing(record, field) else f" ({not_recorded(record, field, field.replace('_', ' '))})"
        return entity(kind, entity_id, Outcome.FAIL, f"never {what}{said}", record.cite(field))
    if after(when, as_of):  # a date after as-of is a typing mistake or a plan, not evidence it was done
        return entity(kind, entity_id, Outcome.FAIL, f"{what} date {when} is after the as-of date {as_of}: not "
                      "counted", record.cite(field))
    age = float((as_of - when).days)
    if when < start:
        return entity(kind, entity_id, Outcome.FAIL,
                      f"last {what} {when}, {int(age)} days ago (interval {months} months)",
                      record.cite(field), metric=age)
    return entity(kind, entity_id, Outcome.PASS, f"{what} {when}", record.source, metric=age)


@rule("plan.approved", "Plan documents owned and approved", needs=("plan_document",))
def plan_approved(ctx: RuleContext) -> CheckResult:
    """Each plan document (policy, BIA, continuity or recovery plan) has an owner and a recorded approval
    (who and when): an unapproved plan has no authority in a crisis (ISO 22301 5.2, 7.5). Metric: number of
    missing elements."""
    results: list[EntityResult] = []
    for p in ctx.data.plan_documents:
        missing = [(label, field) for label, field, value in
                   (("owner", "owner", p.owner), ("approver", "approved_by", p.approved_by),
                    ("approval date", "approved", p.approved)) if not value]
        if missing:
            results.append(entity("plan_document", p.id, Outcome.FAIL,
                                  "no " + ", ".join(m[0] for m in missing),
                                  *(p.cite(m[1]) for m in missing), metric=float(len(missing))))
        else:
            results.append(entity("plan_document", p.id, Outcome.PASS,
                                  f"owned by {p.owner}, approved by {p.approved_by} on {p.approved}", p.source,
                                  metric=0.0))
    return aggregate("plan.approved", "Plan documents owned and approved", results, ctx.policy.partial_threshold,
                     "plan documents")


@rule("plan.reviewed", "Plan documents reviewed within the interval", parameters=("plan_review_months",),
      needs=("plan_document",))
def plan_reviewed(ctx: RuleContext) -> CheckResult:
    """Each plan document was reviewed (or approved) within the plan review interval: plans drift from
    reality as systems and people change (ISO 22301 8.4.4, NIST CP-2). Metric: days since the last
    review."""
    months = ctx.policy.plan_review_months
    start = window_start(ctx, months)
    results = []
    for p in ctx.data.plan_documents:
        dates = [d for d in (p.last_reviewed, p.approved) if d is not None and not after(d, ctx.as_of)]
        results.append(_recency("plan_document", p.id, max(dates) if dates else None, start, ctx.as_of,
                                "reviewed", months, p, "last_reviewed"))
    return aggregate("plan.reviewed", "Plan documents reviewed within the interval", results,
                     ctx.policy.partial_threshold, "plan documents")


@rule("contact.verified", "Call tree verified within the interval", parameters=("contact_verification_months",),
      needs=("contact",))
def contact_verified(ctx: RuleContext) -> CheckResult:
    """Every call-tree entry was verified (numbers and e-mail tested) within the verification interval:
    a call tree with stale numbers fails in the first hour of an incident. Metric: days since
    verification."""
    months = ctx.policy.contact_verification_months
    start = window_start(ctx, months)
    results = [_recency("contact", c.role, c.last_verified, start, ctx.as_of, "verified", months, c,
                        "last_verified") for c in ctx.data.contacts]
    return aggregate("contact.verified", "Call tree verified within the interval", results,
                     ctx.policy.partial_threshold, "call-tree entries")


def _critical_roles(ctx: RuleContext, rule_id: str, title: str, field: str, what: str) -> CheckResult:
    results: list[EntityResult] = []
    for c in ctx.data.contacts:
        if not c.critical_role:
            results.append(entity("contact", c.role, Outcome.NOT_APPLICABLE, "not a critical role", c.source))
        elif getattr(c, field):
            results.append(entity("contact", c.role, Outcome.PASS, f"{what}: {getattr(c, field)}", c.source,
                                  metric=1.0))
        else:
            said = "" if plainly_missing(c, field) else f" ({not_recorded(c, field, what)})"
            results.append(entity("contact", c.role, Outcome.FAIL, f"critical role has no {what}{said}",
                                  c.cite(field), metric=0.0))
    return aggregate(rule_id, title, results, ctx.policy.partial_threshold, "critical roles")


@rule("contact.alternates", "Every critical role has an alternate", needs=("contact",))
def contact_alternates(ctx: RuleContext) -> CheckResult:
    """Every critical role in the call tree names an alternate: a single point of failure in people is
    as real as one in systems (ISO 22301 8.4.2). Metric: 1 when an alternate is named, else 0."""
    return _critical_roles(ctx, "contact.alternates", "Every critical role has an alternate", "alternate",
                           "alternate")


@rule("contact.backup_channel", "Every critical role has a backup channel", needs=("contact",))
def contact_backup_channel(ctx: RuleContext) -> CheckResult:
    """Every critical role has a backup communication channel (satellite phone, personal mobile, SMS
    service) for when corporate e-mail and telephony are down (ISO 22301 8.4.3). Metric: 1 when a backup
    channel is recorded, else 0."""
    return _critical_roles(ctx, "contact.backup_channel", "Every critical role has a backup channel",
                           "backup_channel", "backup channel")


@rule("vendor.bc_reviewed", "Critical vendors' continuity plans reviewed",
      parameters=("critical_tiers", "plan_review_months"), needs=("service", "vendor"))
def vendor_bc_reviewed(ctx: RuleContext) -> CheckResult:
    """Vendors supporting a critical service had their business continuity plan reviewed within the plan
    review interval (ISO 22301 8.3.2, DORA Art. 28, SOC 2 CC9.2). Metric: days since the review."""
    months = ctx.policy.plan_review_months
    start = window_start(ctx, months)
    critical = {s.id for s in critical_services(ctx)}
    critical_vendors = {v for s in critical_services(ctx) for v in s.vendors}
    results: list[EntityResult] = []
    used: list[str] = []
    for v in ctx.data.vendors:
        if not (set(v.services) & critical or v.id in critical_vendors):
            results.append(entity("vendor", v.id, Outcome.NOT_APPLICABLE, "supports no critical service",
                                  v.source))
            continue
        results.append(_recency("vendor", v.id, v.bc_plan_reviewed, start, ctx.as_of, "BC plan reviewed", months,
                                v, "bc_plan_reviewed"))
        if ctx.evidence is not None:
            used.extend(st.item.path for st in ctx.evidence.of_type("vendor_bc_attestation")
                        if set(st.item.services) & set(v.services))
    return aggregate("vendor.bc_reviewed", "Critical vendors' continuity plans reviewed", results,
                     ctx.policy.partial_threshold, "vendors of critical services",
                     evidence=tuple(dict.fromkeys(used)))
