"""Training: the people the call tree relies on know their continuity role."""

from __future__ import annotations

import datetime as dt

from itscm_audit.asof import is_known
from itscm_audit.model import SourceRef, TrainingRecord
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules._common import entity, window_start
from itscm_audit.rules.base import RuleContext, aggregate, rule


def _person_key(name: str) -> str:
    return " ".join(name.casefold().split())


@rule("training.current", "Role holders trained within the interval", parameters=("training_interval_months",),
      needs=("contact", "training_record"))
def training_current(ctx: RuleContext) -> CheckResult:
    """Everyone named in the call tree (role holders and alternates) completed continuity training within
    the training interval: people who have never rehearsed their role improvise in a crisis (ISO 22301
    7.2, NIST CP-3). Metric: days since the latest training."""
    months = ctx.policy.training_interval_months
    start = window_start(ctx, months)
    records: dict[str, list[TrainingRecord]] = {}
    for t in ctx.data.training_records:
        if t.completed is not None and is_known(t, ctx.as_of):
            records.setdefault(_person_key(t.person), []).append(t)
    people: dict[str, tuple[str, SourceRef]] = {}
    for c in ctx.data.contacts:
        for name, field in ((c.name, "name"), (c.alternate, "alternate")):
            if name and _person_key(name) not in people:
                people[_person_key(name)] = (name, c.cite(field))
    results: list[EntityResult] = []
    used: list[str] = []
    for key, (name, source) in sorted(people.items()):
        done = records.get(key, [])
        if not done:
            results.append(entity("person", name, Outcome.FAIL, "no training recorded", source))
            continue
        last = max(done, key=lambda t: t.completed or dt.date.min)
        assert last.completed is not None
        age = float((ctx.as_of - last.completed).days)
        if last.completed < start:
            results.append(entity("person", name, Outcome.FAIL,
                                  f"last trained {last.completed}, {int(age)} days ago (interval {months} months)",
                                  source, last.cite("completed"), metric=age))
        else:
            results.append(entity("person", name, Outcome.PASS,
                                  f"trained {last.completed}{f' ({last.course})' if last.course else ''}",
                                  source, last.source, metric=age))
    if ctx.evidence is not None:
        used.extend(st.item.path for st in ctx.evidence.of_type("training_record"))
    return aggregate("training.current", "Role holders trained within the interval", results,
                     ctx.policy.partial_threshold, "role holders", evidence=tuple(used))
