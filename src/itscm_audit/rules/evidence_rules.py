"""The evidence locker itself: every artefact present, unchanged and within its time-to-live."""

from __future__ import annotations

from itscm_audit.result import CheckResult, EntityResult, EvidenceState, Outcome
from itscm_audit.rules._common import entity
from itscm_audit.rules.base import RuleContext, aggregate, not_assessed, rule

_OUTCOME = {EvidenceState.FRESH: Outcome.PASS, EvidenceState.STALE: Outcome.PARTIAL,
            EvidenceState.MISSING: Outcome.FAIL, EvidenceState.CHANGED: Outcome.FAIL}


@rule("evidence.current", "Evidence present, unchanged and current", parameters=("evidence_ttl_days",))
def evidence_current(ctx: RuleContext) -> CheckResult:
    """Every item listed in the evidence locker's manifest is present, has the SHA-256 recorded when it
    was collected, and is within its time-to-live (from its evidence type, the policy or the item): stale
    evidence is a finding, and tampered evidence cannot be relied on. Metric: days until expiry (negative
    = expired)."""
    results: list[EntityResult] = []
    if ctx.evidence is not None:
        for st in ctx.evidence.statuses:
            left = float((st.expires - ctx.as_of).days) if st.expires is not None else None
            results.append(entity("evidence", st.item.path, _OUTCOME[st.state], st.message, st.item.source,
                                  metric=left))
    paths = tuple(st.item.path for st in ctx.evidence.statuses) if ctx.evidence is not None else ()
    if not results:
        return not_assessed("evidence.current", "Evidence present, unchanged and current", "No evidence in the "
                            "locker yet: record each artefact with itscm-audit evidence add DIR FILE --type TYPE.")
    return aggregate("evidence.current", "Evidence present, unchanged and current", results,
                     ctx.policy.partial_threshold, "evidence items", evidence=paths)
