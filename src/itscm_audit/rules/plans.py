"""Plans, call tree and supplier continuity: documents approved and reviewed, people reachable."""

from __future__ import annotations

import datetime as dt

from itscm_audit.asof import after
from itscm_audit.model import EntityKind, Record
from itscm_audit.registers import REGISTER_NAMES, every_lacks, lacks_column, no_column, register_label
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules._common import critical_services, entity, not_recorded, plainly_missing, window_start
from itscm_audit.rules.base import RuleContext, aggregate, not_assessed, rule


def _recency(kind: str, entity_id: str, when: dt.date | None, start: dt.date, as_of: dt.date, what: str,
             months: int, record: Record, field: str, *others: str) -> EntityResult:
    """PASS when ``when`` falls within the look-back window; the metric is its age in days. Without a date:
    "never" when the register keeps the date (``field``, or one of ``others`` the date may come from) and
    this row leaves it empty; no data when the register has no column for it at all."""
    if when is None:
        if all(lacks_column(record, f) for f in (field, *others)):
            return entity(kind, entity_id, Outcome.NO_DATA, f"{what} date not recorded (no column for it in "
                          f"{register_label(record)})", record.source)
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
        lacking = [(label, field) for label, field, value in
                   (("owner", "owner", p.owner), ("approver", "approved_by", p.approved_by),
                    ("approval date", "approved", p.approved)) if not value]
        missing = [m for m in lacking if not lacks_column(p, m[1])]
        unknown = [m[0] for m in lacking if m not in missing]  # the register keeps no such column: not "none"
        said = (f"{' or '.join(unknown)} not recorded (no column for it in {register_label(p)})"
                if unknown else "")
        if missing:
            results.append(entity("plan_document", p.id, Outcome.FAIL,
                                  "no " + ", ".join(m[0] for m in missing) + (f"; {said}" if said else ""),
                                  *(p.cite(m[1]) for m in missing), metric=float(len(missing))))
        elif unknown:
            results.append(entity("plan_document", p.id, Outcome.NO_DATA, said, p.source))
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
    plans = ctx.data.plan_documents
    if every_lacks(plans, "last_reviewed") and every_lacks(plans, "approved"):
        return not_assessed("plan.reviewed", "Plan documents reviewed within the interval",
                            no_column(REGISTER_NAMES[EntityKind.PLAN_DOCUMENT], "review or approval date",
                                      "Last review"))
    results = []
    for p in plans:
        dates = [d for d in (p.last_reviewed, p.approved) if d is not None and not after(d, ctx.as_of)]
        results.append(_recency("plan_document", p.id, max(dates) if dates else None, start, ctx.as_of,
                                "reviewed", months, p, "last_reviewed", "approved"))
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
    if every_lacks(ctx.data.contacts, "last_verified"):
        return not_assessed("contact.verified", "Call tree verified within the interval",
                            no_column(REGISTER_NAMES[EntityKind.CONTACT], "verification date", "Last verified"))
    results = [_recency("contact", c.role, c.last_verified, start, ctx.as_of, "verified", months, c,
                        "last_verified") for c in ctx.data.contacts]
    return aggregate("contact.verified", "Call tree verified within the interval", results,
                     ctx.policy.partial_threshold, "call-tree entries")


def _critical_roles(ctx: RuleContext, rule_id: str, title: str, field: str, what: str, example: str) -> CheckResult:
    """Critical roles have ``field``. A call tree that does not mark critical roles (no such column, or an
    empty cell) has every such entry checked: one that has ``field`` passes, one without it is reported with
    no data (whether it is critical is not recorded), never failed on a guess."""
    contacts = ctx.data.contacts
    if every_lacks(contacts, field):
        return not_assessed(rule_id, title, no_column(REGISTER_NAMES[EntityKind.CONTACT], what, example))
    results: list[EntityResult] = []
    for c in contacts:
        if c.critical_role is False:
            results.append(entity("contact", c.role, Outcome.NOT_APPLICABLE, "not a critical role", c.source))
        elif getattr(c, field):
            results.append(entity("contact", c.role, Outcome.PASS, f"{what}: {getattr(c, field)}", c.source,
                                  metric=1.0))
        elif c.critical_role is None:
            why = (f"no critical-role column in {register_label(c)}" if lacks_column(c, "critical_role")
                   else not_recorded(c, "critical_role", "critical role"))
            results.append(entity("contact", c.role, Outcome.NO_DATA, f"no {what} named; whether the role is "
                                  f"critical is not recorded ({why})", c.cite(field)))
        elif lacks_column(c, field):
            results.append(entity("contact", c.role, Outcome.NO_DATA, not_recorded(c, field, what), c.source))
        else:
            said = "" if plainly_missing(c, field) else f" ({not_recorded(c, field, what)})"
            results.append(entity("contact", c.role, Outcome.FAIL, f"critical role has no {what}{said}",
                                  c.cite(field), metric=0.0))
    return aggregate(rule_id, title, results, ctx.policy.partial_threshold, "critical roles")


@rule("contact.alternates", "Every critical role has an alternate", needs=("contact",))
def contact_alternates(ctx: RuleContext) -> CheckResult:
    """Every critical role in the call tree names an alternate: a single point of failure in people is
    as real as one in systems (ISO 22301 8.4.2). Where the call tree does not mark critical roles, an entry
    without an alternate has no data rather than failing. Metric: 1 when an alternate is named, else 0."""
    return _critical_roles(ctx, "contact.alternates", "Every critical role has an alternate", "alternate",
                           "alternate", "Alternate")


@rule("contact.backup_channel", "Every critical role has a backup channel", needs=("contact",))
def contact_backup_channel(ctx: RuleContext) -> CheckResult:
    """Every critical role has a backup communication channel (satellite phone, personal mobile, SMS
    service) for when corporate e-mail and telephony are down (ISO 22301 8.4.3). Metric: 1 when a backup
    channel is recorded, else 0."""
    return _critical_roles(ctx, "contact.backup_channel", "Every critical role has a backup channel",
                           "backup_channel", "backup channel", "Backup channel")


@rule("vendor.bc_reviewed", "Critical vendors' continuity plans reviewed",
      parameters=("critical_tiers", "plan_review_months"), needs=("service", "vendor"))
def vendor_bc_reviewed(ctx: RuleContext) -> CheckResult:
    """Vendors supporting a critical service had their business continuity plan reviewed within the plan
    review interval (ISO 22301 8.3.2, DORA Art. 28, SOC 2 CC9.2). Metric: days since the review."""
    months = ctx.policy.plan_review_months
    start = window_start(ctx, months)
    critical = {s.id for s in critical_services(ctx)}
    critical_vendors = {v for s in critical_services(ctx) for v in s.vendors}
    if every_lacks(ctx.data.vendors, "bc_plan_reviewed"):
        return not_assessed("vendor.bc_reviewed", "Critical vendors' continuity plans reviewed",
                            no_column(REGISTER_NAMES[EntityKind.VENDOR], "BC plan review date", "BC plan reviewed"))
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
