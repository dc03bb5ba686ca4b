"""From rule outcomes to objective statuses, and through the crosswalk to requirement statuses.

Status semantics (DESIGN.md):
- an objective is met when every rule behind it passes, not met when all fail, partially met between;
  evidence it relies on that is stale, missing or changed downgrades it one step and says why;
- a requirement mapped ``equal``/``subset_of`` carries the objective's status over; one mapped
  ``intersects_with``/``superset_of`` is at most partially met unless an attestation covers the rest;
- a crosswalk row that ``covers`` some of the objective's rules or evidence types carries the status of
  that part only, and the rationale names the rules that were checked;
- an objective decided by evidence alone with no evidence of its types in the locker at all is not
  assessed (the rationale says which type to add, or to attest), never not met: an empty locker shows
  no gap; evidence that is there but stale, changed or missing on disk downgrades as above;
- a requirement that data cannot decide needs an attestation and is never silently met;
- an attestation never hides a data finding: both are kept (``data_status`` beside the status).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from itscm_audit.catalog import Catalogue, CatalogueSet, DecidedBy, Mapping, Objective, Requirement
from itscm_audit.model import Attestation, AttestationStatus, OrgData
from itscm_audit.registers import add_evidence
from itscm_audit.result import (
    STATUS_RANK,
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
    Status,
)
from itscm_audit.scoping import sector_matches

_OUTCOME_STATUS = {
    Outcome.PASS: Status.MET,
    Outcome.PARTIAL: Status.PARTIALLY_MET,
    Outcome.FAIL: Status.NOT_MET,
}
_ATTESTED = {
    AttestationStatus.MET: Status.MET,
    AttestationStatus.PARTIALLY_MET: Status.PARTIALLY_MET,
    AttestationStatus.NOT_MET: Status.NOT_MET,
    AttestationStatus.NOT_APPLICABLE: Status.NOT_APPLICABLE,
}
MAX_FAILING_PER_REQUIREMENT = 25


def worst(statuses: Iterable[Status]) -> Status:
    ranked = [s for s in statuses if s in STATUS_RANK]
    return max(ranked, key=STATUS_RANK.__getitem__) if ranked else Status.NOT_ASSESSED


def downgrade(status: Status) -> Status:
    return {Status.MET: Status.PARTIALLY_MET, Status.PARTIALLY_MET: Status.NOT_MET}.get(status, status)


def combine(statuses: Sequence[Status]) -> Status:
    """All met -> met; all not met -> not met; anything between -> partially met."""
    assessed = [s for s in statuses if s in STATUS_RANK]
    if not assessed:
        return Status.NOT_ASSESSED
    if all(s == Status.MET for s in assessed):
        return Status.MET
    if all(s == Status.NOT_MET for s in assessed):
        return Status.NOT_MET
    return Status.PARTIALLY_MET


def _attestations_by_target(attestations: Iterable[Attestation]) -> dict[str, Attestation]:
    """The latest attestation per target (undated ones count as oldest)."""
    latest: dict[str, Attestation] = {}
    for att in attestations:
        prev = latest.get(att.target)
        if prev is None or (att.date is not None and (prev.date is None or att.date >= prev.date)):
            latest[att.target] = att
    return latest


def _relied_evidence(obj: Objective, checks: Sequence[CheckResult],
                     evidence: Sequence[EvidenceStatus]) -> list[EvidenceStatus]:
    used_paths = {p for c in checks for p in c.evidence}
    return [e for e in evidence
            if obj.id in e.item.objectives or e.item.evidence_type in obj.evidence_types
            or e.item.path in used_paths]


def _rules_verdict(checks: Sequence[CheckResult]) -> tuple[Status, str]:
    """The status the rule outcomes give (:func:`combine`) and the words that say how."""
    status = combine([_OUTCOME_STATUS.get(c.outcome, Status.NOT_ASSESSED) for c in checks])
    n = len(checks)
    if n == 1:
        return status, f"its rule {_OUTCOME_WORDS[checks[0].outcome][0]}"
    tally = {o: sum(1 for c in checks if c.outcome == o) for o in Outcome}
    if tally[Outcome.PASS] == n:
        return status, f"all {n} rules behind it pass"
    if tally[Outcome.FAIL] == n:
        return status, f"all {n} rules behind it fail"
    parts = [f"{tally[o]} {_OUTCOME_WORDS[o][tally[o] != 1]}" for o in Outcome if tally[o]]
    return status, f"of its {n} rules, " + ", ".join(parts)


_OUTCOME_WORDS = {
    Outcome.PASS: ("passes", "pass"),
    Outcome.PARTIAL: ("partly passes", "partly pass"),
    Outcome.FAIL: ("fails", "fail"),
    Outcome.NO_DATA: ("had no data", "had no data"),
    Outcome.NOT_APPLICABLE: ("does not apply", "do not apply"),
}
"""How a rule's outcome is said (one rule, several rules) in an objective's rationale."""


def _attested_by(att: Attestation) -> str:
    return f"{att.attested_by or 'unnamed'}{f' on {att.date}' if att.date else ''}"


def _decide(rules: Sequence[str], evidence_types: Sequence[str], attestation_only: bool,
            checks: Sequence[CheckResult], relied: Sequence[EvidenceStatus],
            att: Attestation | None) -> tuple[Status, str]:
    """One status and its rationale from rule outcomes, the evidence relied on and an attestation: the
    same decision for a whole objective and for the part of it a crosswalk row covers.

    The rationale starts with the status it arrives at (``Partially met: ...``), then says how: the rule
    outcomes (or the evidence found), a downgrade for evidence that is not current ("downgraded from met"),
    an attestation. Every step is written from the value it decides, so the words cannot disagree with
    the status.
    """
    if attestation_only or (not rules and not evidence_types):
        if att is not None:
            status = _ATTESTED[att.status]
            return status, f"{status.label.capitalize()}: attested {status.label} by {_attested_by(att)}."
        return Status.NOT_ASSESSED, ("Not assessed: no data can decide this objective; it needs an attestation "
                                     "(add a row to attestations.xlsx).")
    details = [f"{c.title}: {c.summary}" for c in checks]
    if rules:
        if checks:
            status, how = _rules_verdict(checks)
        else:
            status, how = Status.NOT_ASSESSED, "no rule behind it produced a result"
    else:
        kinds = ", ".join(evidence_types)
        if relied:
            status, how = Status.MET, f"{len(relied)} item(s) of type {kinds} in the evidence locker"
        else:  # nothing of the kind kept at all shows no gap: it leaves the objective open, and says how to close it
            status, how = Status.NOT_ASSESSED, (f"no evidence of type {kinds} in the evidence locker; "
                                                f"{add_evidence(evidence_types)}")
    weak = [e for e in relied if e.state != EvidenceState.FRESH]
    if weak and status in STATUS_RANK:
        detail = "; ".join(e.message for e in weak[:3]) + (f" and {len(weak) - 3} more" if len(weak) > 3 else "")
        lowered = downgrade(status)
        how += f", but evidence relied on is not current ({detail})"
        how += f": downgraded from {status.label} to {lowered.label}" if lowered != status else ""
        status = lowered
    if att is not None and status in STATUS_RANK and _ATTESTED[att.status] != status:
        details.append(f"An attestation by {_attested_by(att)} says {_ATTESTED[att.status].label}; the data "
                       "finding stands.")
    elif att is not None and status == Status.NOT_ASSESSED:
        status = _ATTESTED[att.status]
        how += f"; attested {status.label} by {_attested_by(att)}"
    return status, " ".join([f"{status.label.capitalize()}: {how}.", *details])


def evaluate_objectives(objectives: Sequence[Objective], checks: Sequence[CheckResult],
                        evidence: Sequence[EvidenceStatus],
                        attestations: Sequence[Attestation]) -> tuple[ObjectiveStatus, ...]:
    by_rule = {c.rule_id: c for c in checks}
    attested = _attestations_by_target(attestations)
    out = []
    for obj in objectives:
        obj_checks = [by_rule[r] for r in obj.rules if r in by_rule]
        relied = _relied_evidence(obj, obj_checks, evidence)
        att = attested.get(obj.id)
        status, rationale = _decide(obj.rules, obj.evidence_types, obj.attestation_only, obj_checks, relied, att)
        out.append(ObjectiveStatus(objective_id=obj.id, title=obj.title, status=status, rationale=rationale,
                                   rules=obj.rules, evidence=tuple(e.item.path for e in relied), attestation=att))
    return tuple(out)


def objective_part(whole: ObjectiveStatus, covers: Sequence[str], checks: dict[str, CheckResult],
                   evidence: dict[str, EvidenceStatus]) -> ObjectiveStatus:
    """The status of the part of an objective a crosswalk row covers (some of its rules or evidence
    types), decided the same way as the whole: a requirement is not failed by what it does not ask."""
    rules = tuple(r for r in whole.rules if r in covers)
    evidence_types = tuple(c for c in covers if c not in whole.rules)
    part_checks = [checks[r] for r in rules if r in checks]
    used = {p for c in part_checks for p in c.evidence}
    relied = [evidence[p] for p in whole.evidence
              if p in evidence and (evidence[p].item.evidence_type in evidence_types or p in used)]
    status, rationale = _decide(rules, evidence_types, False, part_checks, relied, whole.attestation)
    return ObjectiveStatus(objective_id=whole.objective_id, title=whole.title, status=status, rationale=rationale,
                           rules=rules, evidence=tuple(e.item.path for e in relied), attestation=whole.attestation)


def _flag_says_none(data: OrgData, flag: str) -> bool:
    """The service register says no service holds the data a flag stands for: some service says "no" and
    none says "yes". A register that records the flag for no service leaves the question open, and the
    requirement is assessed rather than set aside on a guess."""
    values = [getattr(s, flag) for s in data.services]
    return not any(values) and any(v is False for v in values)


def _not_applicable_reason(req: Requirement, data: OrgData, jurisdictions: Sequence[str],
                           sector: str | None = None) -> str | None:
    cond = req.applicability
    if cond is None:
        return None
    if cond.sectors and sector and not sector_matches(sector, cond.sectors):
        return f"Applies to {', '.join(cond.sectors)} entities; the organisation's sector is {sector}."
    if cond.phi and _flag_says_none(data, "phi"):
        return "No in-scope service holds protected health information (PHI flag), so this does not apply."
    if cond.personal_data and _flag_says_none(data, "personal_data"):
        return "No in-scope service holds personal data, so this does not apply."
    if cond.jurisdictions and jurisdictions and not set(cond.jurisdictions) & set(jurisdictions):
        return (f"Applies in {', '.join(cond.jurisdictions)}; the organisation operates in "
                f"{', '.join(jurisdictions)}.")
    return None


def _what_would_decide(contributions: Sequence[Contribution], views: Sequence[ObjectiveStatus],
                       checks: dict[str, CheckResult]) -> list[str]:
    """For the objectives that are not assessed, what is missing and what to do, once each: the summaries
    of their rules that had no data ("No training register imported, so ...: import it ..., or attest"), else the
    objective's own rationale ("add evidence of type bc_policy ...", "it needs an attestation")."""
    said: dict[str, None] = {}
    for c, view in zip(contributions, views, strict=True):
        if view.status != Status.NOT_ASSESSED:
            continue
        empty = [checks[r].summary for r in view.rules if r in checks and checks[r].outcome == Outcome.NO_DATA]
        for text in empty or [f"{c.objective_label}: {view.rationale.removeprefix('Not assessed: ')}"]:
            said.setdefault(text)
    return list(said)


def evaluate_requirement(framework: str, req: Requirement, mappings: Sequence[Mapping],
                         objectives: dict[str, ObjectiveStatus], checks: dict[str, CheckResult],
                         evidence: dict[str, EvidenceStatus], attestation: Attestation | None,
                         data: OrgData, jurisdictions: Sequence[str],
                         sector: str | None = None) -> RequirementStatus:
    """One requirement's status, traced to objectives, rules, failing rows, evidence and attestation.

    A row that ``covers`` only some rules or evidence types of its objective takes the status of that
    part alone, and only that part's rules, failing rows and evidence are traced."""
    related = [m for m in mappings if m.relationship.value != "not_related" and m.objective in objectives]
    views = [objective_part(objectives[m.objective], m.covers, checks, evidence) if m.covers
             else objectives[m.objective] for m in related]
    contributions = tuple(
        Contribution(objective_id=m.objective, relationship=m.relationship, strength=m.strength,
                     objective_status=view.status, rationale=m.rationale, uncovered=m.uncovered, covers=m.covers)
        for m, view in zip(related, views, strict=True)
    )
    rule_ids = tuple(dict.fromkeys(r for view in views for r in view.rules))
    failing: list[EntityResult] = []
    for rid in rule_ids:
        if rid in checks:
            failing.extend(checks[rid].failing)
    ev = tuple(dict.fromkeys(p for view in views for p in view.evidence))
    ev_status = tuple(evidence[p] for p in ev if p in evidence)

    def build(status: Status, rationale: str, data_status: Status | None = None) -> RequirementStatus:
        return RequirementStatus(
            framework=framework, requirement_id=req.id, title=req.title, status=status,
            rationale=rationale, decided_by=req.decided_by, contributions=contributions, rules=rule_ids,
            failing=tuple(failing[:MAX_FAILING_PER_REQUIREMENT]), evidence=ev_status,
            attestation=attestation, data_status=data_status)

    na = _not_applicable_reason(req, data, jurisdictions, sector)
    if na:
        return build(Status.NOT_APPLICABLE, na)
    if attestation is not None and attestation.status == AttestationStatus.NOT_APPLICABLE:
        why = attestation.justification or attestation.statement or "(no justification given)"
        return build(Status.NOT_APPLICABLE, f"Declared not applicable by {attestation.attested_by or 'unnamed'}: {why}")
    attested = _ATTESTED[attestation.status] if attestation is not None else None
    who = f"{attestation.attested_by or 'unnamed'}" if attestation is not None else ""

    if req.decided_by in (DecidedBy.ATTESTATION, DecidedBy.NOT_ASSESSABLE) or not req.assessable:
        if attested is not None:
            return build(attested, f"Decided by attestation: {who} states it is {attested.label}"
                         f"{f' ({attestation.statement})' if attestation and attestation.statement else ''}.")
        if req.decided_by == DecidedBy.NOT_ASSESSABLE or not req.assessable:
            return build(Status.NOT_ASSESSED, f"Not assessable by itself: {req.status_note or 'nothing to assess.'}")
        return build(Status.NOT_ASSESSED, "No data can decide this requirement; it needs an attestation "
                     "(add a row to attestations.xlsx).")

    full = [c for c in contributions if c.relationship.covers_whole_requirement]
    part = [c for c in contributions if not c.relationship.covers_whole_requirement]
    full_assessed = [c for c in full if c.objective_status in STATUS_RANK]
    part_assessed = [c for c in part if c.objective_status in STATUS_RANK]
    parts = [f"{c.objective_label} ({c.relationship.value.replace('_', ' ')}, strength {c.strength}) "
             f"is {c.objective_status.label}" for c in contributions]
    trace = "; ".join(parts)
    if not contributions:
        data_status = Status.NOT_ASSESSED
        reason = "No objective in the crosswalk covers this requirement."
    elif not full_assessed and not part_assessed:
        data_status = Status.NOT_ASSESSED
        reason = f"No data yet for the objectives behind it: {trace}."
        wanted = _what_would_decide(contributions, views, checks)
        if wanted:  # first: the packs show a rationale's first sentence, and this is what the officer can do
            reason = f"What would decide it: {' '.join(wanted)} {reason}"
    elif full_assessed:
        data_status = worst(c.objective_status for c in full_assessed)
        reason = f"Through the crosswalk: {trace}."
        if len({c.objective_status for c in full_assessed}) > 1:
            reason += f" The worst of the objectives covering all of it decides: {data_status.label}."
        short = [c for c in part_assessed if c.objective_status != Status.MET]
        if data_status == Status.MET and short:
            data_status = Status.PARTIALLY_MET
            reason += (f" The objectives covering all of it are met, but {', '.join(c.objective_label for c in short)}"
                       f", covering part of it, {'is' if len(short) == 1 else 'are'} not: partially met.")
    else:
        best = combine([c.objective_status for c in part_assessed])
        data_status = Status.NOT_MET if best == Status.NOT_MET else Status.PARTIALLY_MET
        uncovered = "; ".join(dict.fromkeys(c.uncovered for c in part if c.uncovered))
        reason = (f"Through the crosswalk: {trace}. The objectives cover this requirement only in part, so it is "
                  f"{'not met' if data_status == Status.NOT_MET else 'at most partially met'}"
                  f"{f'; not covered: {uncovered}' if uncovered else ''}.")
        if best == Status.MET and attested == Status.MET:
            return build(Status.MET, reason + f" The rest is attested met by {who}: met.", data_status)
    if len(failing) > MAX_FAILING_PER_REQUIREMENT:
        reason += f" {len(failing)} failing entities in all (first {MAX_FAILING_PER_REQUIREMENT} listed)."
    if data_status == Status.NOT_ASSESSED and attested is not None:
        return build(attested, reason + f" Attested {attested.label} by {who}.", data_status)
    if attested is not None and attested != data_status:
        reason += f" An attestation by {who} says {attested.label}; the data finding stands."
    return build(data_status, reason, data_status if attested is not None else None)


def evaluate_requirements(catalogues: CatalogueSet, frameworks: Sequence[str],
                          objectives: Sequence[ObjectiveStatus], checks: Sequence[CheckResult],
                          evidence: Sequence[EvidenceStatus], attestations: Sequence[Attestation],
                          data: OrgData, jurisdictions: Sequence[str],
                          sector: str | None = None) -> tuple[RequirementStatus, ...]:
    obj_map = {o.objective_id: o for o in objectives}
    check_map = {c.rule_id: c for c in checks}
    ev_map = {e.item.path: e for e in evidence}
    attested = _attestations_by_target(attestations)
    out: list[RequirementStatus] = []
    for fw in frameworks:
        cat = catalogues.catalogue(fw)
        by_req: dict[str, list[Mapping]] = defaultdict(list)
        for m in catalogues.mappings.get(fw, ()):
            by_req[m.requirement].append(m)
        for req in cat.requirements:
            if req.withdrawn or req.heading:
                continue  # withdrawn ones are gone; headings are decided through their children
            att = attested.get(f"{fw}:{req.id}")
            out.append(evaluate_requirement(fw, req, by_req.get(req.id, []), obj_map, check_map, ev_map,
                                            att, data, jurisdictions, sector))
    return tuple(out)


def summarise(catalogues: CatalogueSet, frameworks: Sequence[str],
              requirements: Sequence[RequirementStatus]) -> tuple[FrameworkSummary, ...]:
    out = []
    for fw in frameworks:
        cat: Catalogue = catalogues.catalogue(fw)
        counts = {s.value: 0 for s in Status}
        for r in requirements:
            if r.framework == fw:
                counts[r.status.value] += 1
        decided = counts["met"] + counts["partially_met"] + counts["not_met"]
        score = 100.0 * (counts["met"] + 0.5 * counts["partially_met"]) / decided if decided else 0.0
        out.append(FrameworkSummary(framework=fw, title=cat.framework.title, version=cat.framework.version,
                                    counts=counts, score=round(score, 1)))
    return tuple(out)


def prioritise(catalogues: CatalogueSet, objectives: Sequence[ObjectiveStatus],
               requirements: Sequence[RequirementStatus], checks: Sequence[CheckResult],
               critical_services: set[str], limit: int = 20) -> tuple[RemediationItem, ...]:
    """Rank open objectives by how much closing each would move (framework weight x criticality)."""
    weights = {c.framework.id: c.framework.weight for c in catalogues.catalogues}
    check_map = {c.rule_id: c for c in checks}
    items = []
    for obj in objectives:
        if not obj.status.is_gap:
            continue
        reqs = [r for r in requirements if r.status.is_gap
                and any(c.objective_id == obj.objective_id and c.objective_status.is_gap for c in r.contributions)]
        if not reqs:
            continue
        failing = [e for rid in obj.rules if rid in check_map for e in check_map[rid].failing]
        critical = sum(1 for e in failing if e.entity == "service" and e.entity_id in critical_services)
        factor = 1.0 + (0.5 if critical else 0.0)
        weight = round(sum(weights.get(r.framework, 1.0) for r in reqs) * factor, 2)
        worst_check = next((check_map[r] for r in obj.rules if r in check_map
                            and check_map[r].outcome in (Outcome.FAIL, Outcome.PARTIAL)), None)
        action = (f"Fix: {worst_check.summary}" if worst_check is not None
                  else f"Restore: {obj.rationale}")
        items.append((weight, obj, reqs, action, len(failing)))
    items.sort(key=lambda t: (-t[0], t[1].objective_id))
    return tuple(
        RemediationItem(rank=i + 1, objective_id=obj.objective_id, title=obj.title, action=action,
                        requirements=tuple(f"{r.framework}:{r.requirement_id}" for r in reqs),
                        weight=weight, failing_entities=nfail)
        for i, (weight, obj, reqs, action, nfail) in enumerate(items[:limit])
    )
