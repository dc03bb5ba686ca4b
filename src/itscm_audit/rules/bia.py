"""Business impact analysis rules: completeness and internal consistency of the service inventory."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta

from itscm_audit.model import Service, SourceRef
from itscm_audit.registers import every_lacks, lacks_column, no_column, register_label
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules._common import (
    critical_services,
    entity,
    hours,
    hours_of,
    in_scope,
    is_critical,
    not_recorded,
    out_of_scope,
    plainly_missing,
    services_by_id,
    window_start,
)
from itscm_audit.rules.base import RuleContext, aggregate, not_assessed, rule
from itscm_audit.scoping import flags_that_matter

_COMPLETE = ("tier", "owner", "mtpd", "rto", "rpo")
_LABEL = {"tier": "tier", "owner": "owner", "mtpd": "MTPD", "rto": "RTO", "rpo": "RPO",
          "personal_data": "personal-data flag", "phi": "PHI flag"}


def _missing(service: Service, fields: tuple[str, ...]) -> list[str]:
    return [f for f in fields if getattr(service, f) in (None, "")]


def _missing_text(service: Service, missing: list[str], why: dict[str, str] | None = None) -> str:
    """``missing owner, MTPD; RTO not given ('TBD' in row 15, column 'RTO'); no tier column in 'bia.xlsx'``:
    empty cells together, then each value the officer wrote but that could not be used, quoted, then the
    facts the register has no column for; ``why`` says what a field is needed for."""
    def said(f: str) -> str:
        return _LABEL[f] + (f" ({why[f]})" if why and f in why else "")

    absent = [f for f in missing if lacks_column(service, f)]
    plain = [said(f) for f in missing if plainly_missing(service, f) and f not in absent]
    written = [not_recorded(service, f, _LABEL[f]) for f in missing if not plainly_missing(service, f)]
    needs = "; ".join(why[f] for f in absent if why and f in why)
    no_col = ([f"no {' or '.join(_LABEL[f] for f in absent)} column in {register_label(service)}"
               + (f" ({needs})" if needs else "")] if absent else [])
    return "; ".join((["missing " + ", ".join(plain)] if plain else []) + written + no_col)


def _presence(ctx: RuleContext, rule_id: str, title: str, fields: tuple[str, ...],
              critical_only: bool, subject: str, why: dict[str, str] | None = None) -> CheckResult:
    results: list[EntityResult] = []
    for s in ctx.data.services:
        if not in_scope(s, ctx):
            results.append(out_of_scope(s))
            continue
        if critical_only and s.tier is None:
            results.append(entity("service", s.id, Outcome.NO_DATA,
                                  f"{not_recorded(s, 'tier', 'tier')}: criticality unknown", s.cite("tier")))
            continue
        if critical_only and not is_critical(s, ctx):
            results.append(entity("service", s.id, Outcome.NOT_APPLICABLE, f"tier {s.tier} is not critical",
                                  s.source))
            continue
        missing = _missing(s, fields)
        if missing:
            results.append(entity("service", s.id, Outcome.FAIL, _missing_text(s, missing, why),
                                  *(s.cite(f) for f in missing), metric=float(len(missing))))
        else:
            results.append(entity("service", s.id, Outcome.PASS,
                                  "all of " + ", ".join(_LABEL[f] for f in fields) + " recorded", s.source,
                                  metric=0.0))
    return aggregate(rule_id, title, results, ctx.policy.partial_threshold, subject)


@rule("bia.complete", "BIA complete for every in-scope service", needs=("service",))
def bia_complete(ctx: RuleContext) -> CheckResult:
    """Every in-scope service has a tier, a business owner, an MTPD, an RTO and an RPO. Without them
    recovery priorities and targets cannot be justified to an auditor (ISO 22301 8.2.2). Metric: number of
    missing fields."""
    return _presence(ctx, "bia.complete", "BIA complete for every in-scope service", _COMPLETE, False,
                     "in-scope services")


@rule("bia.critical_rto_rpo", "Critical services have RTO and RPO", parameters=("critical_tiers",),
      needs=("service",))
def bia_critical_rto_rpo(ctx: RuleContext) -> CheckResult:
    """Every service in a critical tier has a recovery time objective and a recovery point objective:
    the targets that exercises and backups are measured against. Metric: number of missing targets."""
    return _presence(ctx, "bia.critical_rto_rpo", "Critical services have RTO and RPO", ("rto", "rpo"), True,
                     "critical services")


@rule("bia.data_flags", "Personal-data and PHI flags recorded", needs=("service",))
def bia_data_flags(ctx: RuleContext) -> CheckResult:
    """Every in-scope service says whether it holds personal data where a privacy law whose requirements
    apply only to such services is in scope (GDPR, PIPEDA, Quebec Law 25), and whether it holds protected
    health information where a health-information law is in scope (HIPAA, PHIPA) or the organisation is in
    the health sector: these flags decide which of those requirements apply. A flag that can change no
    assessment is not asked for (a retailer or a payments firm needs no PHI column); with neither needed
    the rule does not apply. Metric: number of missing flags."""
    title = "Personal-data and PHI flags recorded"
    matter = flags_that_matter(ctx.config.frameworks, ctx.config.organisation.sector)
    fields = tuple(f for f in ("personal_data", "phi") if f in matter)
    if not fields:
        reason = ("no framework in scope depends on them (privacy laws: personal-data flag; health-information "
                  "laws or the health sector: PHI flag)")
        results = [out_of_scope(s) if not in_scope(s, ctx) else
                   entity("service", s.id, Outcome.NOT_APPLICABLE, f"flags not needed: {reason}", s.source)
                   for s in ctx.data.services]
        check = aggregate("bia.data_flags", title, results, ctx.policy.partial_threshold, "in-scope services")
        return check.model_copy(update={"summary": f"Personal-data and PHI flags not needed: {reason}."})
    why: dict[str, str] = {f: "needed for " + ", ".join(matter[f]) for f in fields}
    return _presence(ctx, "bia.data_flags", title, fields, False, "in-scope services", why)


@rule("bia.rto_within_mtpd", "RTO within MTPD", needs=("service",))
def bia_rto_within_mtpd(ctx: RuleContext) -> CheckResult:
    """A service's RTO does not exceed its maximum tolerable period of disruption: recovering after the
    MTPD means the organisation has already suffered unacceptable harm. Metric: RTO minus MTPD in hours
    (positive = over)."""
    results: list[EntityResult] = []
    for s in ctx.data.services:
        if not in_scope(s, ctx):
            results.append(out_of_scope(s))
        elif s.rto is None or s.mtpd is None:
            what = "rto" if s.rto is None else "mtpd"
            results.append(entity("service", s.id, Outcome.NO_DATA, not_recorded(s, what, what.upper()),
                                  s.cite(what)))
        elif s.rto > s.mtpd:
            results.append(entity("service", s.id, Outcome.FAIL,
                                  f"RTO {hours(s.rto)} exceeds MTPD {hours(s.mtpd)}",
                                  s.cite("rto"), s.cite("mtpd"), metric=hours_of(s.rto - s.mtpd)))
        else:
            results.append(entity("service", s.id, Outcome.PASS,
                                  f"RTO {hours(s.rto)} within MTPD {hours(s.mtpd)}", s.source,
                                  metric=hours_of(s.rto - s.mtpd)))
    return aggregate("bia.rto_within_mtpd", "RTO within MTPD", results, ctx.policy.partial_threshold,
                     "services with RTO and MTPD")


@rule("bia.rpo_backup_interval", "Backup interval can achieve the RPO", needs=("service",))
def bia_rpo_backup_interval(ctx: RuleContext) -> CheckResult:
    """The stated backup frequency can achieve the RPO (interval <= RPO): backing up daily cannot honour
    a 4-hour RPO. Metric: backup interval minus RPO in hours (positive = cannot achieve)."""
    results: list[EntityResult] = []
    for s in ctx.data.services:
        if not in_scope(s, ctx):
            results.append(out_of_scope(s))
        elif s.rpo is None or s.backup_interval is None:
            what = "rpo" if s.rpo is None else "backup_interval"
            label = "RPO" if what == "rpo" else "backup frequency"
            results.append(entity("service", s.id, Outcome.NO_DATA, not_recorded(s, what, label), s.cite(what)))
        elif s.backup_interval > s.rpo:
            results.append(entity("service", s.id, Outcome.FAIL,
                                  f"backup every {hours(s.backup_interval)} cannot achieve RPO {hours(s.rpo)}",
                                  s.cite("backup_interval"), s.cite("rpo"),
                                  metric=hours_of(s.backup_interval - s.rpo)))
        else:
            results.append(entity("service", s.id, Outcome.PASS,
                                  f"backup every {hours(s.backup_interval)} achieves RPO {hours(s.rpo)}",
                                  s.source, metric=hours_of(s.backup_interval - s.rpo)))
    return aggregate("bia.rpo_backup_interval", "Backup interval can achieve the RPO", results,
                     ctx.policy.partial_threshold, "services with RPO and backup frequency")


_Slowest = tuple[timedelta, tuple[str, ...]]


@dataclass(frozen=True)
class _Walk:
    slowest: dict[str, _Slowest | None]
    """Per service: the slowest-recovering dependency reachable from it (its RTO and the chain to it)."""
    cycle_of: dict[str, tuple[str, ...]]
    """Per service: a dependency cycle it is part of or leads into."""


def _walk(graph: dict[str, tuple[str, ...]], rto: dict[str, timedelta | None]) -> _Walk:
    """One depth-first pass over the dependency graph (linear in services + dependencies, no recursion).

    Back edges are cycles: recorded, not followed, so the walk always ends.
    """
    slowest: dict[str, _Slowest | None] = {}
    in_cycle: dict[str, tuple[str, ...]] = {}
    cycle_of: dict[str, tuple[str, ...]] = {}
    state: dict[str, int] = {}  # 1 = on the current path, 2 = finished
    for root in graph:
        if root in state:
            continue
        state[root] = 1
        path = [root]
        stack: list[tuple[str, Iterator[str]]] = [(root, iter(graph[root]))]
        while stack:
            node, deps = stack[-1]
            nxt = next(deps, None)
            if nxt is not None:
                if nxt not in graph:
                    continue
                if state.get(nxt) == 1:
                    cycle = (*path[path.index(nxt):], nxt)
                    for member in cycle:
                        in_cycle.setdefault(member, cycle)
                elif nxt not in state:
                    state[nxt] = 1
                    path.append(nxt)
                    stack.append((nxt, iter(graph[nxt])))
                continue
            best: _Slowest | None = None
            reach = in_cycle.get(node)
            for dep in graph[node]:
                if state.get(dep) != 2:
                    continue
                options: list[_Slowest] = []
                dep_rto = rto.get(dep)
                if dep_rto is not None:
                    options.append((dep_rto, (node, dep)))
                further = slowest.get(dep)
                if further is not None:
                    options.append((further[0], (node, *further[1])))
                for option in options:
                    if best is None or option[0] > best[0] or (option[0] == best[0] and len(option[1]) < len(best[1])):
                        best = option
                if reach is None and dep in cycle_of:
                    reach = cycle_of[dep]
            slowest[node] = best
            if reach is not None:
                cycle_of[node] = reach
            state[node] = 2
            stack.pop()
            path.pop()
    return _Walk(slowest, cycle_of)


def _cycle_text(service_id: str, cycle: tuple[str, ...]) -> str:
    """``A -> B -> C -> A``, starting at the service when it is part of the cycle."""
    ring = list(cycle[:-1])
    if service_id in ring:
        i = ring.index(service_id)
        ring = ring[i:] + ring[:i]
        return "dependency cycle " + " -> ".join([*ring, ring[0]])
    return "leads into dependency cycle " + " -> ".join(cycle)


@rule("bia.dependency_rto", "Dependencies recover no slower than the service", needs=("service",))
def bia_dependency_rto(ctx: RuleContext) -> CheckResult:
    """A service's RTO is not shorter than the RTO of anything it depends on, directly or through a
    chain: a service cannot be back before the systems it needs. The dependency graph is walked; the
    chain to the slowest dependency and any dependency cycle (which leaves the recovery order undefined)
    are reported. Metric: the shortfall in hours against the slowest dependency."""
    by_id = services_by_id(ctx)
    graph = {s.id: tuple(dict.fromkeys(s.depends_on)) for s in ctx.data.services}
    walk = _walk(graph, {s.id: s.rto for s in ctx.data.services})
    results: list[EntityResult] = []
    for s in ctx.data.services:
        if not in_scope(s, ctx):
            results.append(out_of_scope(s))
            continue
        if not s.depends_on:
            results.append(entity("service", s.id, Outcome.NOT_APPLICABLE, "no dependencies recorded", s.source))
            continue
        problems: list[str] = []
        worst = 0.0
        cycle = walk.cycle_of.get(s.id)
        if cycle is not None:
            problems.append(_cycle_text(s.id, cycle))
        slowest = walk.slowest.get(s.id)
        if s.rto is None and not problems:
            results.append(entity("service", s.id, Outcome.NO_DATA, not_recorded(s, "rto", "RTO"), s.cite("rto")))
            continue
        if s.rto is not None and slowest is not None and slowest[0] > s.rto:
            dep_rto, chain = slowest
            problems.append(f"RTO {hours(s.rto)} is shorter than {chain[-1]} RTO {hours(dep_rto)} "
                            f"({' -> '.join(chain)})")
            worst = hours_of(dep_rto - s.rto)
        unknown = [d for d in s.depends_on if d not in by_id]
        note = f" (unknown dependency {', '.join(unknown)})" if unknown else ""
        if problems:
            results.append(entity("service", s.id, Outcome.FAIL, "; ".join(problems) + note,
                                  s.cite("depends_on"), metric=worst))
        else:
            results.append(entity("service", s.id, Outcome.PASS,
                                  f"RTO {hours(s.rto)} not shorter than any dependency's{note}", s.source,
                                  metric=0.0))
    return aggregate("bia.dependency_rto", "Dependencies recover no slower than the service", results,
                     ctx.policy.partial_threshold, "services with dependencies")


@rule("bia.vendor_terms", "Vendor contract terms support critical services", parameters=("critical_tiers",),
      needs=("service", "vendor"))
def bia_vendor_terms(ctx: RuleContext) -> CheckResult:
    """Vendors supporting a critical service have a contract RTO and RPO no looser than the service's own:
    a supplier allowed 48 hours cannot support a 4-hour RTO (ISO 22301 8.3.2, DORA Art. 28). Metric: the
    largest excess in hours."""
    critical = {s.id: s for s in critical_services(ctx)}
    named_by_service: dict[str, set[str]] = {}
    for s in critical.values():
        for vid in s.vendors:
            named_by_service.setdefault(vid, set()).add(s.id)
    results: list[EntityResult] = []
    for v in ctx.data.vendors:
        supported = sorted(({*v.services} & set(critical)) | named_by_service.get(v.id, set()))
        if not supported:
            results.append(entity("vendor", v.id, Outcome.NOT_APPLICABLE, "supports no critical service",
                                  v.source))
            continue
        problems: list[str] = []
        unknown: dict[str, None] = {}
        sources: list[SourceRef] = []
        worst = 0.0
        for sid in supported:
            s = critical[sid]
            for label, term, target, field in (("RTO", v.contract_rto, s.rto, "contract_rto"),
                                                ("RPO", v.contract_rpo, s.rpo, "contract_rpo")):
                if target is None:
                    continue
                if term is None and lacks_column(v, field):  # the vendor list does not keep it: not "none"
                    unknown.setdefault(not_recorded(v, field, "contract " + label))
                elif term is None:
                    gap = "" if plainly_missing(v, field) else f": {not_recorded(v, field, 'contract ' + label)}"
                    problems.append(f"no contract {label} for {sid} ({label} {hours(target)}){gap}")
                    sources.append(v.cite(field))
                elif term > target:
                    problems.append(f"contract {label} {hours(term)} looser than {sid} {label} {hours(target)}")
                    sources.append(v.cite(field))
                    worst = max(worst, hours_of(term - target))
        if problems:
            results.append(entity("vendor", v.id, Outcome.FAIL, "; ".join([*problems, *unknown]), *sources,
                                  metric=worst))
        elif unknown:
            results.append(entity("vendor", v.id, Outcome.NO_DATA, "; ".join(unknown) + f" (supports "
                                  f"{', '.join(supported)})", v.source))
        else:
            results.append(entity("vendor", v.id, Outcome.PASS,
                                  f"contract terms support {', '.join(supported)}", v.source, metric=0.0))
    return aggregate("bia.vendor_terms", "Vendor contract terms support critical services", results,
                     ctx.policy.partial_threshold, "vendors of critical services")


@rule("bia.reviewed", "BIA reviewed within the interval", parameters=("bia_review_months",), needs=("service",))
def bia_reviewed(ctx: RuleContext) -> CheckResult:
    """Every in-scope service's business impact analysis was reviewed within the BIA review interval:
    ISO 22301 8.2.2 asks for the BIA to be performed at planned intervals and when significant changes
    occur, so impacts and recovery targets stay current. Services without a recorded review date have no
    data to decide on. Metric: days since the last review."""
    months = ctx.policy.bia_review_months
    start = window_start(ctx, months)
    if every_lacks(ctx.data.services, "bia_reviewed"):  # one sentence, not a row per service
        return not_assessed("bia.reviewed", "BIA reviewed within the interval",
                            no_column("service register", "BIA review date", "Last BIA review"))
    results: list[EntityResult] = []
    for s in ctx.data.services:
        if not in_scope(s, ctx):
            results.append(out_of_scope(s))
        elif s.bia_reviewed is None:
            results.append(entity("service", s.id, Outcome.NO_DATA,
                                  not_recorded(s, "bia_reviewed", "BIA review date"), s.cite("bia_reviewed")))
        else:
            age = float((ctx.as_of - s.bia_reviewed).days)
            if s.bia_reviewed < start:
                results.append(entity("service", s.id, Outcome.FAIL,
                                      f"BIA last reviewed {s.bia_reviewed}, {int(age)} days ago (interval {months} "
                                      "months)", s.cite("bia_reviewed"), metric=age))
            else:
                results.append(entity("service", s.id, Outcome.PASS, f"BIA reviewed {s.bia_reviewed}",
                                      s.cite("bia_reviewed"), metric=age))
    return aggregate("bia.reviewed", "BIA reviewed within the interval", results, ctx.policy.partial_threshold,
                     "in-scope services with a BIA review date")
