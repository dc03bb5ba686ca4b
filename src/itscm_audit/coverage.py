"""Framework coverage: how each requirement can be decided, from the crosswalk and the hub.

This answers the officer's first question about a framework before any data is loaded: which
requirements our rules can decide from spreadsheets, which rest on evidence files, which only an
attestation can settle, and which the crosswalk leaves unmapped.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from itscm_audit.catalog import CatalogueSet, DecidedBy, Mapping, Objective, Relationship, Requirement


class Decision(str, Enum):
    """How a requirement is decided, derived from its flags and its mapped objectives."""

    DATA = "data"
    """At least one mapped objective is decided by rules over the imported spreadsheets."""
    EVIDENCE = "evidence"
    """Mapped objectives rest on evidence files only."""
    ATTESTATION = "attestation"
    """Only a signed attestation can decide it (flagged so, or mapped to attestation-only objectives)."""
    NOT_ASSESSABLE = "not_assessable"
    UNMAPPED = "unmapped"
    """Data or evidence should decide it, but no crosswalk row maps it: a gap in the catalogue."""
    HEADING = "heading"
    WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class Link:
    objective_id: str
    relationship: Relationship
    strength: int
    rationale: str
    uncovered: str | None
    covers: tuple[str, ...] = ()
    """The objective's rules or evidence types the row names (empty: all of them)."""


@dataclass(frozen=True)
class RequirementCoverage:
    requirement: Requirement
    depth: int
    """0 for a top-level requirement, 1 for its children, and so on (for tree display)."""
    decision: Decision
    links: tuple[Link, ...]
    rules: tuple[str, ...]
    evidence_types: tuple[str, ...]
    whole: bool
    """True when some objective covers the whole requirement (equal or subset_of)."""


@dataclass(frozen=True)
class FrameworkCoverage:
    framework: str
    title: str
    version: str
    counts: dict[str, int]
    """Requirements per :class:`Decision` value."""
    unmapped: tuple[str, ...]

    @property
    def assessable(self) -> int:
        """Requirements that need a status: everything except headings and withdrawn ones."""
        return sum(n for k, n in self.counts.items() if k not in (Decision.HEADING.value, Decision.WITHDRAWN.value))


def covered_part(m: Mapping, obj: Objective) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The rules and evidence types of ``obj`` that the row ``m`` carries status from."""
    if not m.covers:
        return obj.rules, obj.evidence_types
    return (tuple(r for r in obj.rules if r in m.covers),
            tuple(e for e in obj.evidence_types if e in m.covers))


def _decide(req: Requirement, mapped: bool, parts: Sequence[tuple[tuple[str, ...], tuple[str, ...]]]) -> Decision:
    """``parts``: the rules and evidence types each row carries status from (attestation-only objectives
    have none, so a requirement mapped only to those is decided by attestation)."""
    if req.withdrawn:
        return Decision.WITHDRAWN
    if req.heading:
        return Decision.HEADING
    if req.decided_by == DecidedBy.ATTESTATION:
        return Decision.ATTESTATION
    if req.decided_by == DecidedBy.NOT_ASSESSABLE or not req.assessable:
        return Decision.NOT_ASSESSABLE
    if not mapped:
        return Decision.UNMAPPED
    if any(rules for rules, _ in parts):
        return Decision.DATA
    if any(ev for _, ev in parts):
        return Decision.EVIDENCE
    return Decision.ATTESTATION


def requirement_coverage(cs: CatalogueSet, framework_id: str) -> tuple[RequirementCoverage, ...]:
    """Every requirement of one framework, in catalogue order, with its decision and crosswalk links."""
    cat = cs.catalogue(framework_id)
    objectives = {o.id: o for o in cs.objectives}
    parents = {r.id: r.parent for r in cat.requirements}
    rows: dict[str, list[Mapping]] = {}
    for m in cs.mappings.get(framework_id, ()):
        if m.relationship != Relationship.NOT_RELATED:
            rows.setdefault(m.requirement, []).append(m)
    out = []
    for req in cat.requirements:
        links = rows.get(req.id, [])
        depth, node = 0, req.parent
        while node is not None:
            depth, node = depth + 1, parents.get(node)
        parts = [covered_part(m, objectives[m.objective]) for m in links
                 if m.objective in objectives and not objectives[m.objective].attestation_only]
        out.append(RequirementCoverage(
            requirement=req, depth=depth, decision=_decide(req, any(m.objective in objectives for m in links), parts),
            links=tuple(Link(m.objective, m.relationship, m.strength, m.rationale, m.uncovered, m.covers)
                        for m in links),
            rules=tuple(dict.fromkeys(r for rules, _ in parts for r in rules)),
            evidence_types=tuple(dict.fromkeys(e for _, ev in parts for e in ev)),
            whole=any(m.relationship.covers_whole_requirement for m in links),
        ))
    return tuple(out)


def framework_coverage(cs: CatalogueSet, frameworks: Sequence[str] | None = None) -> tuple[FrameworkCoverage, ...]:
    """Per framework: counts by decision and the ids of unmapped requirements."""
    ids = list(frameworks) if frameworks else [c.framework.id for c in cs.catalogues]
    out = []
    for fw in ids:
        cat = cs.catalogue(fw)
        rows = requirement_coverage(cs, fw)
        counts = {d.value: 0 for d in Decision}
        for row in rows:
            counts[row.decision.value] += 1
        out.append(FrameworkCoverage(
            framework=fw, title=cat.framework.title, version=cat.framework.version, counts=counts,
            unmapped=tuple(r.requirement.id for r in rows if r.decision == Decision.UNMAPPED)))
    return tuple(out)
