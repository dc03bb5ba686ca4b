"""What a rule is, and the registry that makes the set of rules data-addressable by id.

A rule is a named, documented, parameterised check over the model and the evidence locker. It
yields a :class:`CheckResult` with one :class:`EntityResult` per entity it looked at, so a status can
always be followed down to the rows behind it; the pipeline keeps the failing ones in full and counts
the rest. Rules read the clock only through ``ctx.as_of``; facts several rules and every writer share
(latest exercise, days overdue, coverage) are decided once in ``rules/facts.py``.

A rule names the registers it reads (``needs``); when one of them was not imported at all, the rule is
not run and says so (no data, naming the register and what to do): an absent register shows no gap, it
leaves the question open (``registers.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from itscm_audit.config import Policy, WorkspaceConfig
from itscm_audit.model import EntityKind, OrgData
from itscm_audit.registers import not_imported, with_records
from itscm_audit.result import FAILING_OUTCOMES, CheckResult, EntityResult, Outcome, outcome_counts

if TYPE_CHECKING:
    from itscm_audit.evidence import EvidenceIndex


@dataclass(frozen=True)
class RuleContext:
    """Everything a rule may look at; no rule reads files or the system clock itself."""

    data: OrgData
    as_of: date
    policy: Policy
    config: WorkspaceConfig
    evidence: EvidenceIndex | None = None
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    """Values several rules derive from the same data (e.g. the sorted exercise log), computed once per
    assessment and freed with the context."""
    registers: frozenset[EntityKind] | None = None
    """The kinds of records whose register was imported (``registers.imported_registers``, decided once by
    the pipeline); ``None`` for records given by hand: the kinds that have records."""

    def imported(self) -> frozenset[EntityKind]:
        """Which registers were imported: the one question every rule asks before judging entities."""
        if self.registers is not None:
            return self.registers
        found: frozenset[EntityKind] | None = self.memo.get("registers")
        if found is None:
            found = self.memo["registers"] = with_records(self.data)
        return found

    def absent(self, kinds: Iterable[EntityKind]) -> tuple[EntityKind, ...]:
        """Those of ``kinds`` whose register was not imported at all, in the order given."""
        have = self.imported()
        return tuple(k for k in kinds if k not in have)


RuleFn = Callable[[RuleContext], CheckResult]


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    description: str
    """What the rule checks and why an auditor cares, in plain words (shown in the packs)."""
    fn: RuleFn
    parameters: tuple[str, ...] = field(default=())
    """Names of the Policy fields this rule reads (documented beside the rule)."""
    needs: tuple[EntityKind, ...] = field(default=())
    """The registers the rule reads; without one of them the rule has no data (it is not failed)."""
    evidence_needs: tuple[str, ...] = field(default=())
    """Evidence types the rule reads from the locker; with none of them there at all it has no data and
    says which type to add (the next actions read this)."""

    def evaluate(self, ctx: RuleContext) -> CheckResult:
        """The rule's result; no data, naming the registers and the next step, when one it needs is absent."""
        absent = ctx.absent(self.needs)
        if absent:
            return not_assessed(self.id, self.title, not_imported(absent))
        return self.fn(ctx)


RULES: dict[str, Rule] = {}


def rule(rule_id: str, title: str, parameters: Iterable[str] = (), needs: Iterable[str] = (),
         evidence_needs: Iterable[str] = ()) -> Callable[[RuleFn], RuleFn]:
    """Register a rule function; its docstring is the rule's description, ``needs`` the kinds of records
    (``EntityKind`` values) whose registers it reads, ``evidence_needs`` the evidence types it reads."""

    def register(fn: RuleFn) -> RuleFn:
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = Rule(rule_id, title, " ".join((fn.__doc__ or "").split()), fn, tuple(parameters),
                              tuple(EntityKind(n) for n in needs), tuple(evidence_needs))
        return fn

    return register


def not_assessed(rule_id: str, title: str, summary: str, entities: Iterable[EntityResult] = ()) -> CheckResult:
    """A rule's result when what it reads is not kept at all (a register not imported, no evidence of the
    kind): no data, with a summary that says what is missing and what to do, never a failure."""
    kept = tuple(entities)
    return CheckResult(rule_id=rule_id, title=title, outcome=Outcome.NO_DATA, summary=summary, entities=kept,
                       counts=outcome_counts(kept), metrics={"compliant": 0.0, "total": 0.0})


def aggregate(rule_id: str, title: str, entities: list[EntityResult], threshold: float,
              subject: str, metrics: dict[str, float] | None = None,
              evidence: tuple[str, ...] = ()) -> CheckResult:
    """Turn per-entity outcomes into the rule's outcome and a readable summary.

    PASS when every entity passes; PARTIAL when at least ``threshold`` of them comply; FAIL below
    that; NO_DATA when there was nothing to check. The check holds every entity and counts them per
    outcome; the pipeline keeps only the failing, partial and no-data ones (``CheckResult.lean``).
    """
    counts = outcome_counts(entities)
    ok = counts[Outcome.PASS.value]
    total = len(entities) - counts[Outcome.NO_DATA.value] - counts[Outcome.NOT_APPLICABLE.value]
    out_metrics = {"compliant": float(ok), "total": float(total)}
    if metrics:
        out_metrics.update(metrics)
    if total == 0:
        missing = counts[Outcome.NO_DATA.value]
        return CheckResult(rule_id=rule_id, title=title, outcome=Outcome.NO_DATA,
                           summary=f"No {subject} to check" + (f" ({missing} without data)." if missing else "."),
                           entities=tuple(entities), counts=counts, metrics=out_metrics, evidence=evidence)
    share = ok / total
    out_metrics["share"] = round(share, 4)
    if ok == total:
        outcome = Outcome.PASS
    elif share >= threshold:
        outcome = Outcome.PARTIAL
    else:
        outcome = Outcome.FAIL
    summary = f"{ok} of {total} {subject} compliant ({share:.0%})."
    if ok < total:
        failing = []
        for e in entities:
            if e.outcome in FAILING_OUTCOMES:
                failing.append(e)
                if len(failing) == 3:
                    break
        shown = "; ".join(f"{e.entity_id}: {e.message}" for e in failing)
        more = f" and {total - ok - 3} more" if total - ok > 3 else ""
        summary += f" Not compliant: {shown}{more}."
    return CheckResult(rule_id=rule_id, title=title, outcome=outcome, summary=summary,
                       entities=tuple(entities), counts=counts, metrics=out_metrics, evidence=evidence)
