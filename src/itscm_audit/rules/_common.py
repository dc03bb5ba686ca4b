"""Helpers shared by the rules: scope, criticality, calendar arithmetic, readable durations, and the
wording of a missing value.

Kept in one place so every rule counts months, treats time zones and words durations the same way, and
says "RTO not given ('TBD' in row 15, column 'RTO')" the same way. Rules cite a record's field with
``record.cite(field)``: the officer's own header and text, never a header written here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from itscm_audit.asof import is_known
from itscm_audit.model import (
    NOT_GIVEN_AFTER_AS_OF,
    NOT_GIVEN_NOT_APPLICABLE,
    Exercise,
    Record,
    Service,
    SourceRef,
)
from itscm_audit.periods import months_before
from itscm_audit.registers import lacks_column, register_label
from itscm_audit.result import EntityResult, Outcome
from itscm_audit.rules.base import RuleContext


def not_recorded(record: Record, field: str, label: str) -> str:
    """How a rule says a value it needs is missing, quoting what the officer wrote and where:
    "RTO not given ('TBD' in row 15, column 'RTO')", "RTO unreadable ('-48' in row 9, column 'RTO (hrs)')",
    "RTO not recorded" (an empty cell), "RTO not recorded (no RTO column)"."""
    written = record.raw.get(field)
    columns = record.columns
    where = f"row {record.source.row}, column {columns.get(field, field)!r}"
    gap = record.not_given.get(field)
    if gap == NOT_GIVEN_NOT_APPLICABLE:
        return f"{label} marked not applicable ({written!r} in {where})"
    if gap == NOT_GIVEN_AFTER_AS_OF:
        return f"{label} dated {written} is after the as-of date: not counted ({where})"
    if gap is not None:
        return f"{label} not given ({written!r} in {where})"
    if written:
        return f"{label} unreadable ({written!r} in {where})"
    if lacks_column(record, field):
        return f"{label} not recorded (no {label} column in {register_label(record)})"
    return f"{label} not recorded"


def plainly_missing(record: Record, field: str) -> bool:
    """An empty cell (or no column): nothing written that a message should quote."""
    return field not in record.not_given and not record.raw.get(field)


def hours(value: dt.timedelta | None) -> str:
    """``4h``, ``1.5h``, ``72h``: durations are always shown in hours, the unit of RTO and RPO."""
    if value is None:
        return "not recorded"
    h = value.total_seconds() / 3600
    return f"{h:g}h" if h == round(h, 2) else f"{h:.2f}h"


def hours_of(value: dt.timedelta) -> float:
    return round(value.total_seconds() / 3600, 2)


def window_start(ctx: RuleContext, months: int) -> dt.date:
    """First day that still counts in a look-back window of ``months`` ending on the as-of date."""
    return months_before(ctx.as_of, months)


def in_scope(service: Service, ctx: RuleContext) -> bool:
    """In the assessment scope: active (lifecycle: not retired or planned), not excluded in itscm.yaml, not
    marked out of scope, and listed when the scope lists services."""
    scope: tuple[frozenset[str], frozenset[str] | None] | None = ctx.memo.get("scope")
    if scope is None:  # as sets, once per run: rules ask this for every service
        declared = ctx.config.scope
        scope = ctx.memo["scope"] = (frozenset(declared.exclusions),
                                     None if declared.services == "all" else frozenset(declared.services))
    if not service.in_scope or service.id in scope[0]:
        return False
    if service.status is not None and service.status != "active":
        return False
    return scope[1] is None or service.id in scope[1]


def is_critical(service: Service, ctx: RuleContext) -> bool:
    return service.tier is not None and service.tier in ctx.policy.critical_tiers


def out_of_scope(service: Service) -> EntityResult:
    """The not-applicable result of a service outside the assessment, saying why: retired, planned..."""
    if service.status is not None and service.status != "active":
        return EntityResult(entity="service", entity_id=service.id, outcome=Outcome.NOT_APPLICABLE,
                            message=f"out of scope: {service.status.replace('_', ' ')}",
                            sources=(service.cite("status"),))
    return EntityResult(entity="service", entity_id=service.id, outcome=Outcome.NOT_APPLICABLE,
                        message="out of scope", sources=(service.source,))


def critical_services(ctx: RuleContext) -> list[Service]:
    return [s for s in ctx.data.services if in_scope(s, ctx) and is_critical(s, ctx)]


def services_by_id(ctx: RuleContext) -> dict[str, Service]:
    return {s.id: s for s in ctx.data.services}


def exercises_until_as_of(ctx: RuleContext) -> tuple[Exercise, ...]:
    """Exercises held on or before the as-of date (later rows are plans, not evidence), oldest first."""
    held: tuple[Exercise, ...] | None = ctx.memo.get("exercises_until_as_of")
    if held is None:
        held = tuple(sorted((e for e in ctx.data.exercises if is_known(e, ctx.as_of)), key=lambda e: (e.date, e.id)))
        ctx.memo["exercises_until_as_of"] = held
    return held


def exercises_by_service(exercises: Iterable[Exercise]) -> dict[str, list[Exercise]]:
    """Exercises per service id, keeping the order given (one pass, so large logs stay fast)."""
    out: dict[str, list[Exercise]] = {}
    for e in exercises:
        for sid in dict.fromkeys(e.services):
            out.setdefault(sid, []).append(e)
    return out


def entity(kind: str, entity_id: str, outcome: Outcome, message: str, *sources: SourceRef,
           metric: float | None = None) -> EntityResult:
    """One entity's result, as a lean record: every argument is already typed, and large inventories
    produce hundreds of thousands of these."""
    return EntityResult(kind, entity_id, outcome, message, None if metric is None else float(metric), sources)


def as_local(value: dt.datetime, like: dt.datetime | None = None) -> dt.datetime:
    """A naive time is the organisation's local time: it takes the offset of the aware time it is
    compared with, so "09:30" in the register and "09:30-04:00" from a portal mean the same instant."""
    if value.tzinfo is None and like is not None and like.tzinfo is not None:
        return value.replace(tzinfo=like.tzinfo)
    return value


def elapsed_hours(start: dt.datetime, end: dt.datetime) -> float:
    """Hours from ``start`` to ``end``; aware times are compared as instants, across time zones."""
    start_l = as_local(start, end)
    end_l = as_local(end, start)
    return round((end_l - start_l).total_seconds() / 3600, 2)


def end_of_as_of(ctx: RuleContext, like: dt.datetime | None = None) -> dt.datetime:
    """The close of the as-of day, in the organisation's local time (or the zone of ``like``)."""
    close = dt.datetime.combine(ctx.as_of + dt.timedelta(days=1), dt.time())
    return as_local(close, like)


def days_between(earlier: dt.date, later: dt.date) -> int:
    return (later - earlier).days
