"""Point-in-time truth: the one place that decides what was known on the as-of date, for every dated
record kind.

An assessment "as of 2026-03-31" uses only what was true on that day, so a quarter assessed again later
gives the same answer. Two kinds of decision, both made here and nowhere else:

- **left out**: a record that did not exist yet. An exercise held, a finding raised, a corrective action
  opened, a training completed, an incident first known, a backup run completed after the as-of date;
  evidence collected after it (or whose effective period starts after it); an attestation dated after it.
  A record without its date stays in: nothing says it came later.
- **read as "not yet"**: a date inside a record that falls after the as-of date. An action closed
  later was open on the as-of date; a call-tree entry, a plan, a vendor's continuity plan or a BIA
  reviewed later had no known review on it (the earlier date is not in the files); a regulator notified
  later had not been notified.

Each kind left out or read as "not yet" gives one info issue (``asof.not_considered``) that counts the
records and names the first few: "8 findings raised after 2026-03-31 were not considered". The pipeline
applies :func:`known_at` once before the rules; the rules, the facts and the evidence locker ask the same
functions (:func:`is_known`, :func:`after`, :func:`action_status_at`, :func:`evidence_not_yet`) when they
are given records directly.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from itscm_audit.model import (
    NOT_GIVEN_AFTER_AS_OF,
    ActionStatus,
    Attestation,
    BackupRun,
    CorrectiveAction,
    DataIssue,
    EvidenceItem,
    Exercise,
    Finding,
    Incident,
    OrgData,
    Record,
    Severity,
    SourceRef,
    TrainingRecord,
    value_text,
)

ISSUE_CODE = "asof.not_considered"
BIA_REVIEW_FIELD = "bia_reviewed"
"""The field of :class:`~itscm_audit.model.Service` holding the date of its last BIA review (issue 10): read
with ``getattr`` so this module works before and after that field exists."""
INCIDENT_DATES = ("classified_major", "initial_report", "intermediate_report", "final_report",
                  "regulator_notified", "individuals_notified")
"""Times recorded on an incident after it became known: notifications and reports."""
_LEFT_OUT = "after {as_of} {were} not considered"
_SHOWN = 5
"""Record ids named in an info issue before "and N more"."""

R = TypeVar("R")


def after(day: dt.date | dt.datetime | None, as_of: dt.date) -> bool:
    """True when ``day`` is after the as-of date (a timestamp counts by its own calendar day)."""
    if day is None:
        return False
    if isinstance(day, dt.datetime):
        day = day.date()
    return day > as_of


def _incident_known(incident: Incident) -> dt.date | None:
    first = incident.aware or incident.detected
    return None if first is None else first.date()


_KNOWN_DATE: dict[type, Callable[[Any], dt.date | dt.datetime | None]] = {
    Exercise: lambda e: e.date,
    Finding: lambda f: f.raised,
    CorrectiveAction: lambda a: a.opened,
    TrainingRecord: lambda t: t.completed,
    Incident: _incident_known,
    BackupRun: lambda b: b.completed,
    Attestation: lambda a: a.date,
    EvidenceItem: lambda e: e.collected,
}
"""The date on which each kind of record came to exist (None: unknown, so it stays in)."""


def known_date(record: object) -> dt.date | None:
    """The day a record came to exist, or None when it has no such date (services, contacts, risks...)."""
    get = _KNOWN_DATE.get(type(record))
    value = None if get is None else get(record)
    return value.date() if isinstance(value, dt.datetime) else value


def is_known(record: object, as_of: dt.date) -> bool:
    """Whether a record existed on the as-of date (records without a date are taken as known)."""
    return not after(known_date(record), as_of)


def action_status_at(action: CorrectiveAction, as_of: dt.date) -> ActionStatus:
    """The action's status on the as-of date: one closed after it was still open on it (the sheet does
    not say whether work had started, so ``open``); one marked closed without a date stays closed."""
    if action.status == ActionStatus.CLOSED and after(action.closed, as_of):
        return ActionStatus.OPEN
    return action.status


def evidence_not_yet(item: EvidenceItem, as_of: dt.date) -> str | None:
    """Why an evidence item cannot count on the as-of date (collected later, or its effective period
    starts later), or None when it can."""
    if after(item.collected, as_of):
        return "collected"
    if after(item.effective_from, as_of):
        return "effective"
    return None


# --------------------------------------------------------------------------- the info issues


@dataclass
class _Tally:
    """Records of one kind left out (or read as "not yet"), for one info issue."""

    noun: tuple[str, str]
    """Singular and plural: ``("finding", "findings")``."""
    what: str
    """What happened to them: ``raised after {as_of} {were} not considered``."""
    ids: list[str] = field(default_factory=list)
    first: SourceRef | None = None

    def add(self, ident: str, source: SourceRef) -> None:
        self.ids.append(ident)
        if self.first is None:
            self.first = source

    def issue(self, as_of: dt.date) -> DataIssue:
        count = len(self.ids)
        shown = ", ".join(self.ids[:_SHOWN]) + (f" and {count - _SHOWN} more" if count > _SHOWN else "")
        what = self.what.format(as_of=as_of.isoformat(), were="was" if count == 1 else "were")
        source = self.first or SourceRef(file="-")
        return DataIssue(code=ISSUE_CODE, message=f"{count} {self.noun[count != 1]} {what} ({shown})",
                         severity=Severity.INFO, source=SourceRef(file=source.file, sheet=source.sheet))


def _issues(tallies: Iterable[_Tally], as_of: dt.date) -> tuple[DataIssue, ...]:
    return tuple(t.issue(as_of) for t in tallies if t.ids)


# --------------------------------------------------------------------------- the view


@dataclass(frozen=True)
class AsOfView:
    """The organisation's records as known on the as-of date, and one info issue per kind left out."""

    data: OrgData
    issues: tuple[DataIssue, ...]


def _keep(records: Sequence[R], as_of: dt.date, tally: _Tally, ident: Callable[[R], str]) -> tuple[R, ...]:
    kept: list[R] = []
    for r in records:
        if is_known(r, as_of):
            kept.append(r)
        else:
            assert isinstance(r, Record)
            tally.add(ident(r), r.source)
    return tuple(kept) if len(kept) != len(records) else tuple(records)


def _clear(record: R, fields: Sequence[str], as_of: dt.date, tally: _Tally, ident: str) -> R:
    """The record with the given dates read as "not yet" when they fall after the as-of date."""
    late = [f for f in fields if after(getattr(record, f, None), as_of)]
    if not late:
        return record
    assert isinstance(record, Record)
    tally.add(ident, record.source)
    update: dict[str, Any] = dict.fromkeys(late)
    # the date stays quotable: rules say "dated 2027-01-15, after the as-of date", never just "never"
    update["raw"] = {**record.raw, **{f: record.raw.get(f) or value_text(getattr(record, f)) for f in late}}
    update["not_given"] = {**record.not_given, **dict.fromkeys(late, NOT_GIVEN_AFTER_AS_OF)}
    copy: R = record.model_copy(update=update)
    return copy


def known_at(data: OrgData, as_of: dt.date) -> AsOfView:
    """Every record as known on ``as_of``: later records left out, later dates read as "not yet".

    A finding without a raised date counts from the exercise or incident that raised it; a corrective
    action without an opened date counts from its finding. Records whose own dates are all on or before
    the as-of date are returned as they are (no copy).
    """
    held = _Tally(("exercise", "exercises"), "held " + _LEFT_OUT)
    exercises = _keep(data.exercises, as_of, held, lambda e: e.id)
    exercise_day = {e.id: e.date for e in data.exercises}
    incident_day = {i.id: _incident_known(i) for i in data.incidents}

    raised = _Tally(("finding", "findings"), "raised " + _LEFT_OUT)
    findings: list[Finding] = []
    for f in data.findings:
        day = f.raised or exercise_day.get(f.exercise_id or "") or incident_day.get(f.incident_id or "")
        if after(day, as_of):
            raised.add(f.id, f.source)
        else:
            findings.append(f)
    finding_day = {f.id: f.raised or exercise_day.get(f.exercise_id or "") or incident_day.get(f.incident_id or "")
                   for f in data.findings}

    opened = _Tally(("corrective action", "corrective actions"), "opened " + _LEFT_OUT)
    closed = _Tally(("corrective action", "corrective actions"), "closed after {as_of} {were} counted as open on it")
    actions: list[CorrectiveAction] = []
    for a in data.corrective_actions:
        if after(a.opened or finding_day.get(a.finding_id or ""), as_of):
            opened.add(a.id, a.source)
            continue
        if action_status_at(a, as_of) != a.status:
            closed.add(a.id, a.source)
            a = a.model_copy(update={"status": ActionStatus.OPEN, "closed": None})
        actions.append(a)

    trained = _Tally(("training record", "training records"), "completed " + _LEFT_OUT)
    training = _keep(data.training_records, as_of, trained, lambda t: t.person)
    known = _Tally(("incident", "incidents"), "that became known " + _LEFT_OUT)
    incidents = _keep(data.incidents, as_of, known, lambda i: i.id)
    notified = _Tally(("incident", "incidents"), "had notifications or reports dated after {as_of}, read as not yet sent")
    incidents = tuple(_clear(i, INCIDENT_DATES, as_of, notified, i.id) for i in incidents)
    backed = _Tally(("backup run", "backup runs"), "completed " + _LEFT_OUT)
    backups = _keep(data.backup_runs, as_of, backed, lambda b: f"{b.service_id} {b.completed:%Y-%m-%d %H:%M}")

    verified = _Tally(("call-tree verification", "call-tree verifications"), "dated " + _LEFT_OUT)
    contacts = tuple(_clear(c, ("last_verified",), as_of, verified, c.role) for c in data.contacts)
    reviewed = _Tally(("plan review or approval", "plan reviews or approvals"), "dated " + _LEFT_OUT)
    plans = tuple(_clear(p, ("last_reviewed", "approved"), as_of, reviewed, p.id) for p in data.plan_documents)
    vendor_reviews = _Tally(("vendor continuity-plan review", "vendor continuity-plan reviews"), "dated " + _LEFT_OUT)
    vendors = tuple(_clear(v, ("bc_plan_reviewed",), as_of, vendor_reviews, v.id) for v in data.vendors)
    bia = _Tally(("BIA review", "BIA reviews"), "dated " + _LEFT_OUT)
    services = tuple(_clear(s, (BIA_REVIEW_FIELD,), as_of, bia, s.id) for s in data.services)

    view = data.model_copy(update={
        "services": services, "exercises": exercises, "findings": tuple(findings),
        "corrective_actions": tuple(actions), "contacts": contacts, "vendors": vendors, "plan_documents": plans,
        "training_records": training, "incidents": incidents, "backup_runs": backups})
    tallies = (held, raised, opened, closed, trained, known, notified, backed, verified, reviewed,
               vendor_reviews, bia)
    return AsOfView(data=view, issues=_issues(tallies, as_of))


def evidence_issues(left_out: Sequence[tuple[EvidenceItem, str]], as_of: dt.date) -> tuple[DataIssue, ...]:
    """One info issue per reason evidence items were left out (see :func:`evidence_not_yet`)."""
    collected = _Tally(("evidence item", "evidence items"), "collected " + _LEFT_OUT)
    effective = _Tally(("evidence item", "evidence items"), "whose effective period starts " + _LEFT_OUT)
    for item, why in left_out:
        (collected if why == "collected" else effective).add(f"evidence/{item.path}", item.source)
    return _issues((collected, effective), as_of)


def attestations_at(attestations: Sequence[Attestation],
                    as_of: dt.date) -> tuple[tuple[Attestation, ...], tuple[DataIssue, ...]]:
    """Attestations signed on or before the as-of date (undated ones count), and the info issue for the rest."""
    late = _Tally(("attestation", "attestations"), "dated " + _LEFT_OUT)
    kept: list[Attestation] = []
    for a in attestations:
        if is_known(a, as_of):
            kept.append(a)
        else:
            late.add(a.target, a.source)
    return tuple(kept), _issues((late,), as_of)
