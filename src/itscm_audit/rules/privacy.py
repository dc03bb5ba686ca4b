"""Incidents and privacy law: breach register and the notification clocks of GDPR, PIPEDA, Quebec Law 25,
DORA and HIPAA.

Every clock starts at the recorded awareness time (``Became Aware``); when only the detection time is
recorded the clock starts there and the message says so. Elapsed time is computed between instants, so
times recorded with different UTC offsets compare correctly; times without an offset are the
organisation's local time.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from itscm_audit.asof import is_known
from itscm_audit.model import Incident
from itscm_audit.periods import months_after
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules._common import elapsed_hours, end_of_as_of, entity, services_by_id
from itscm_audit.rules.base import RuleContext, aggregate, rule

_Builder = Callable[[RuleContext, Incident, dt.datetime, str], EntityResult]
"""A per-law check of one applicable incident, given its clock start and how to name it."""

_SEVERITY = {Outcome.PASS: 0, Outcome.PARTIAL: 1, Outcome.FAIL: 2}
_SERIOUS = ("real", "high")


def _h(value: float) -> str:
    return f"{round(value, 1):g} h"


def _after_as_of(ctx: RuleContext, incident: Incident) -> bool:
    """Incidents first known after the as-of date belong to a later assessment."""
    return not is_known(incident, ctx.as_of)


def clock_start(incident: Incident) -> tuple[dt.datetime, str] | None:
    """When the legal clock starts, and how to say so: awareness, else detection."""
    if incident.aware is not None:
        return incident.aware, "awareness"
    if incident.detected is not None:
        return incident.detected, "detection (no awareness time recorded, so the clock starts at detection)"
    return None


@dataclass(frozen=True)
class _Part:
    outcome: Outcome
    text: str
    column: str | None = None
    """The incident field the part is about: cited with the officer's own header and text."""
    value: str | None = None
    hours: float | None = None


def _clock_or_skip(ctx: RuleContext, incident: Incident) -> tuple[dt.datetime, str] | EntityResult:
    """When the legal clock started, or the entity result saying why it cannot be checked yet."""
    start = clock_start(incident)
    if start is None:
        return entity("incident", incident.id, Outcome.NO_DATA, "no detection or awareness time recorded",
                      incident.cite("aware"))
    if _after_as_of(ctx, incident):
        return entity("incident", incident.id, Outcome.NOT_APPLICABLE, f"became known after {ctx.as_of}",
                      incident.source)
    return start


def _deadline(ctx: RuleContext, start: dt.datetime, since: str, done: dt.datetime | None, what: str,
              limit: float, law: str, column: str, soft: str | None = None) -> _Part:
    """Compare one notification with its clock. A ``soft`` clock (the law says "as soon as feasible" or
    "promptly", and the policy sets a review threshold) flags a late notification for review (PARTIAL)
    instead of failing it."""
    if done is not None:
        spent = elapsed_hours(start, done)
        if spent <= limit:
            allowed = f"within the {_h(limit)} review threshold for {law}" if soft else f"{law} allows {_h(limit)}"
            return _Part(Outcome.PASS, f"{what} {_h(spent)} after {since}; {allowed}", hours=spent)
        if soft:
            return _Part(Outcome.PARTIAL, f"{what} {_h(spent)} after {since}; beyond the {_h(limit)} review "
                         f"threshold for {law}: check it was {soft}", column, f"{done}", spent)
        return _Part(Outcome.FAIL, f"{what} {_h(spent)} after {since}; {law} allows {_h(limit)}", column,
                     f"{done}", spent)
    spent = elapsed_hours(start, end_of_as_of(ctx, start))
    if spent > limit:
        allowed = f"the review threshold for {law} is {_h(limit)}" if soft else f"{law} allows {_h(limit)}"
        return _Part(Outcome.FAIL, f"has not {what}: {_h(spent)} since {since} as of {ctx.as_of}; {allowed}",
                     column, None, spent)
    return _Part(Outcome.PASS, f"has not yet {what}: clock running, {_h(spent)} of {_h(limit)} used as of "
                 f"{ctx.as_of}", hours=spent)


def _combine(incident: Incident, parts: list[_Part], metric: float | None) -> EntityResult:
    worst = max((p.outcome for p in parts), key=_SEVERITY.__getitem__, default=Outcome.PASS)
    failing = [p for p in parts if p.outcome != Outcome.PASS]
    sources = [incident.cite(p.column) for p in failing if p.column] or [incident.source]
    return entity("incident", incident.id, worst, "; ".join(p.text for p in parts), *sources, metric=metric)


def _applies(incident: Incident, jurisdiction: str) -> bool:
    return incident.personal_data_breach and jurisdiction in incident.jurisdictions


def _register_part(incident: Incident, law: str) -> _Part:
    if incident.registered:
        return _Part(Outcome.PASS, "recorded in the breach register")
    return _Part(Outcome.FAIL, f"not recorded in the breach register ({law})", "registered",
                 None if incident.registered is None else "No")


@rule("privacy.breach_register", "Personal-data breaches recorded in the register", needs=("incident",))
def privacy_breach_register(ctx: RuleContext) -> CheckResult:
    """Every personal-data breach is recorded in the breach register, whatever its risk: GDPR Art. 33(5),
    PIPEDA s.10.3 and Quebec Law 25 s.3.8 all require a record of every breach. Metric: 1 when recorded,
    else 0."""
    results: list[EntityResult] = []
    for i in ctx.data.incidents:
        if not i.personal_data_breach:
            results.append(entity("incident", i.id, Outcome.NOT_APPLICABLE, "not a personal-data breach", i.source))
        elif _after_as_of(ctx, i):
            results.append(entity("incident", i.id, Outcome.NOT_APPLICABLE, f"became known after {ctx.as_of}",
                                  i.source))
        else:
            results.append(_combine(i, [_register_part(i, "GDPR Art. 33(5), PIPEDA s.10.3, Law 25 s.3.8")],
                                    1.0 if i.registered else 0.0))
    used = tuple(st.item.path for st in ctx.evidence.of_type("breach_register")) if ctx.evidence else ()
    return aggregate("privacy.breach_register", "Personal-data breaches recorded in the register", results,
                     ctx.policy.partial_threshold, "personal-data breaches", evidence=used)


def _notification_rule(ctx: RuleContext, rule_id: str, title: str, jurisdiction: str,
                       build: _Builder) -> CheckResult:
    results: list[EntityResult] = []
    for i in ctx.data.incidents:
        if not _applies(i, jurisdiction):
            results.append(entity("incident", i.id, Outcome.NOT_APPLICABLE,
                                  f"not a personal-data breach in {jurisdiction}", i.source))
            continue
        start = _clock_or_skip(ctx, i)
        if isinstance(start, EntityResult):
            results.append(start)
            continue
        results.append(build(ctx, i, start[0], start[1]))
    return aggregate(rule_id, title, results, ctx.policy.partial_threshold,
                     f"personal-data breaches in {jurisdiction}")


def _gdpr(ctx: RuleContext, i: Incident, start: dt.datetime, since: str) -> EntityResult:
    risk = (i.risk_of_harm or "").lower()
    if risk == "none":
        return entity("incident", i.id, Outcome.NOT_APPLICABLE,
                      "assessed as unlikely to result in a risk: no notification required (Art. 33(1))", i.source)
    limit = ctx.policy.notification_clocks.gdpr_regulator_hours
    reg = _deadline(ctx, start, since, i.regulator_notified, "notified the supervisory authority", limit,
                    "GDPR Art. 33(1)", "regulator_notified")
    parts = [reg]
    if not risk:
        parts.append(_Part(Outcome.PASS, "risk of harm not recorded, notification assumed required"))
    return _combine(i, parts, reg.hours)


@rule("privacy.gdpr_notification", "GDPR breach notification within 72 hours",
      parameters=("notification_clocks",), needs=("incident",))
def privacy_gdpr_notification(ctx: RuleContext) -> CheckResult:
    """EU personal-data breaches that may result in a risk were notified to the supervisory authority
    within 72 hours of awareness (GDPR Art. 33(1)). The communication to data subjects (Art. 34) is its
    own rule, so a requirement about one notice is never failed by the other. Metric: hours from
    awareness to notification (or elapsed so far)."""
    return _notification_rule(ctx, "privacy.gdpr_notification", "GDPR breach notification within 72 hours",
                              "EU", _gdpr)


def _gdpr_subjects(ctx: RuleContext, i: Incident, start: dt.datetime, since: str) -> EntityResult:
    risk = (i.risk_of_harm or "").lower()
    if not risk:
        return entity("incident", i.id, Outcome.NO_DATA, "risk of harm not recorded: cannot tell whether "
                      "GDPR Art. 34(1) requires telling the data subjects", i.cite("risk_of_harm"))
    if risk != "high":
        return entity("incident", i.id, Outcome.NOT_APPLICABLE, f"risk of harm {i.risk_of_harm}: GDPR Art. 34(1) "
                      "requires telling the data subjects only of a high risk", i.source)
    if i.individuals_notified is None:
        return _combine(i, [_Part(Outcome.FAIL, "high risk but the data subjects were not told (GDPR Art. 34(1)); "
                                  "record the Art. 34(3) exception if one applied", "individuals_notified")], None)
    spent = elapsed_hours(start, i.individuals_notified)
    return _combine(i, [_Part(Outcome.PASS, f"data subjects told {_h(spent)} after {since} (GDPR Art. 34(1))")],
                    spent)


@rule("privacy.gdpr_communication", "GDPR high-risk breaches communicated to data subjects",
      needs=("incident",))
def privacy_gdpr_communication(ctx: RuleContext) -> CheckResult:
    """EU personal-data breaches likely to result in a high risk to people were communicated to the data
    subjects without undue delay (GDPR Art. 34(1)); breaches whose risk was not assessed cannot be
    decided. Metric: hours from awareness to the communication."""
    return _notification_rule(ctx, "privacy.gdpr_communication",
                              "GDPR high-risk breaches communicated to data subjects", "EU", _gdpr_subjects)


def _canada(ctx: RuleContext, i: Incident, start: dt.datetime, since: str, law: str, regulator: str,
            record_law: str, limit: float, standard: str) -> EntityResult:
    parts = [_register_part(i, record_law)]
    metric = None
    if (i.risk_of_harm or "").lower() in _SERIOUS:
        reg = _deadline(ctx, start, since, i.regulator_notified, f"reported to the {regulator}", limit, law,
                        "regulator_notified", soft=standard)
        ind = _deadline(ctx, start, since, i.individuals_notified, "notified individuals", limit, law,
                        "individuals_notified", soft=standard)
        parts.extend((reg, ind))
        metric = reg.hours
    elif not i.risk_of_harm:
        parts.append(_Part(Outcome.PARTIAL, "risk of harm not assessed: cannot tell whether reporting is due",
                           "risk_of_harm"))
    else:
        parts.append(_Part(Outcome.PASS, f"risk of harm {i.risk_of_harm}: reporting not required"))
    return _combine(i, parts, metric)


def _pipeda(ctx: RuleContext, i: Incident, start: dt.datetime, since: str) -> EntityResult:
    clocks = ctx.policy.notification_clocks
    return _canada(ctx, i, start, since, "PIPEDA s.10.1 (as soon as feasible)", "OPC",
                   f"PIPEDA s.10.3, kept {clocks.pipeda_record_months} months", clocks.pipeda_feasible_hours,
                   "as soon as feasible")


def _law25(ctx: RuleContext, i: Incident, start: dt.datetime, since: str) -> EntityResult:
    return _canada(ctx, i, start, since, "Law 25 s.3.5 (promptly)", "CAI", "Law 25 s.3.8 incident register",
                   ctx.policy.notification_clocks.law25_prompt_hours, "prompt")


@rule("privacy.pipeda_notification", "PIPEDA breach reporting and record", parameters=("notification_clocks",),
      needs=("incident",))
def privacy_pipeda_notification(ctx: RuleContext) -> CheckResult:
    """Canadian breaches with a real risk of significant harm were reported to the Office of the Privacy
    Commissioner and to individuals as soon as feasible (PIPEDA s.10.1; delays beyond the policy's review
    threshold are flagged), and every breach is kept in the breach record for 24 months (s.10.3). Metric:
    hours from awareness to the OPC report."""
    return _notification_rule(ctx, "privacy.pipeda_notification", "PIPEDA breach reporting and record", "CA",
                              _pipeda)


@rule("privacy.law25_notification", "Quebec Law 25 incident notification and register",
      parameters=("notification_clocks",), needs=("incident",))
def privacy_law25_notification(ctx: RuleContext) -> CheckResult:
    """Quebec confidentiality incidents presenting a risk of serious injury were notified promptly to the
    Commission d'accès à l'information and to the persons concerned (Law 25 / P-39.1 s.3.5; delays beyond
    the policy's review threshold are flagged), and every incident is in the incident register (s.3.8).
    Metric: hours from awareness to the CAI notification."""
    return _notification_rule(ctx, "privacy.law25_notification", "Quebec Law 25 incident notification and "
                              "register", "CA-QC", _law25)


_RTS = "Delegated Regulation (EU) 2025/301"


def _dora_initial(ctx: RuleContext, i: Incident, aware: dt.datetime, since: str) -> list[_Part]:
    """The initial notification (RTS Art. 5(1)(a) and 5(2)): within 4 h of classification as major and no
    later than 24 h from awareness, whichever comes first; an incident classified as major more than 24 h
    after awareness has 4 h from its classification."""
    clocks = ctx.policy.notification_clocks
    h_class, h_aware = clocks.dora_initial_hours_after_classification, clocks.dora_initial_hours_after_awareness
    what = "sent the initial notification"
    classified = i.classified_major
    if classified is None:
        part = _deadline(ctx, aware, since, i.initial_report, what, h_aware, f"{_RTS} Art. 5(1)(a)", "initial_report")
        if part.outcome == Outcome.FAIL and i.initial_report is not None:
            # Art. 5(2) may allow it: without the classification time the auditor has to check
            part = _Part(Outcome.PARTIAL, f"{part.text}, unless it was classified as major more than {_h(h_aware)} "
                         f"after awareness (Art. 5(2)): classification time not recorded", "classified_major",
                         None, part.hours)
        return [part]
    after_aware = elapsed_hours(aware, classified)
    clock = since.split(" (")[0]  # "awareness", or "detection" when no awareness time is recorded
    if i.initial_report is not None and elapsed_hours(classified, i.initial_report) <= 0:
        spent = elapsed_hours(aware, i.initial_report)
        return [_Part(Outcome.PASS, f"{what} {_h(spent)} after {clock}, before the classification as major",
                      hours=spent)]
    if after_aware > h_aware:
        return [_Part(Outcome.PASS, f"classified as major {_h(after_aware)} after {clock}, later than "
                      f"{_h(h_aware)}: {_RTS} Art. 5(2) gives {_h(h_class)} from classification"),
                _deadline(ctx, classified, "classification as major", i.initial_report, what, h_class,
                          f"{_RTS} Art. 5(2)", "initial_report")]
    if after_aware + h_class <= h_aware:
        return [_deadline(ctx, classified, "classification as major", i.initial_report, what, h_class,
                          f"{_RTS} Art. 5(1)(a)", "initial_report")]
    return [_Part(Outcome.PASS, f"classified as major {_h(after_aware)} after {clock}: the "
                  f"{_h(h_aware)} limit from awareness ends before {_h(h_class)} from classification"),
            _deadline(ctx, aware, since, i.initial_report, what, h_aware, f"{_RTS} Art. 5(1)(a)", "initial_report")]


def _dora_final(ctx: RuleContext, intermediate: dt.datetime, final: dt.datetime | None) -> _Part:
    """The final report (RTS Art. 5(1)(c)): no later than one month after the latest intermediate report. A
    period in months ends with the last hour of the same date in the last month, or of that month's last
    day when the date does not exist (Regulation (EEC, Euratom) No 1182/71, Art. 3(2)(c))."""
    clocks = ctx.policy.notification_clocks
    if clocks.dora_final_days is not None:
        return _deadline(ctx, intermediate, "the intermediate report", final, "sent the final report",
                         clocks.dora_final_days * 24, f"{_RTS} Art. 5(1)(c) (as dora_final_days)", "final_report")
    due_day = months_after(intermediate.date(), clocks.dora_final_months)
    due = dt.datetime.combine(due_day + dt.timedelta(days=1), dt.time(), tzinfo=intermediate.tzinfo)
    allowed = f"{_RTS} Art. 5(1)(c) allows until the end of {due_day}"
    if final is not None:
        days = round(elapsed_hours(intermediate, final) / 24, 1)
        text = f"sent the final report {days:g} days after the intermediate report; {allowed}"
        ok = elapsed_hours(final, due) >= 0
        return _Part(Outcome.PASS, text) if ok else _Part(Outcome.FAIL, text, "final_report", f"{final}")
    if elapsed_hours(due, end_of_as_of(ctx, intermediate)) > 0:
        return _Part(Outcome.FAIL, f"has not sent the final report as of {ctx.as_of}; {allowed}", "final_report")
    return _Part(Outcome.PASS, f"has not yet sent the final report: due by the end of {due_day}")


@rule("privacy.dora_reporting", "DORA major ICT incident reporting", parameters=("notification_clocks",),
      needs=("incident",))
def privacy_dora_reporting(ctx: RuleContext) -> CheckResult:
    """Major ICT-related incidents were reported to the competent authority within the time limits of
    Delegated Regulation (EU) 2025/301 Art. 5 (the limits DORA Art. 19(4) refers to): the initial
    notification within 4 hours of classification as major and no later than 24 hours from awareness,
    whichever comes first, or within 4 hours of a classification made more than 24 hours after
    awareness (Art. 5(2)); the intermediate report within 72 hours of the initial notification
    (Art. 5(1)(b)); the final report within one month of the latest intermediate report (Art. 5(1)(c)). The weekend and bank-holiday
    extension of Art. 5(4) is not applied. Metric: hours from awareness to the initial notification (or
    elapsed so far)."""
    clocks = ctx.policy.notification_clocks
    results: list[EntityResult] = []
    for i in ctx.data.incidents:
        if not i.major_ict:
            results.append(entity("incident", i.id, Outcome.NOT_APPLICABLE, "not a major ICT incident", i.source))
            continue
        start = _clock_or_skip(ctx, i)
        if isinstance(start, EntityResult):
            results.append(start)
            continue
        aware, since = start
        parts = _dora_initial(ctx, i, aware, since)
        metric = elapsed_hours(aware, i.initial_report or end_of_as_of(ctx, aware))
        if i.initial_report is not None:
            parts.append(_deadline(ctx, i.initial_report, "the initial notification", i.intermediate_report,
                                   "sent the intermediate report", clocks.dora_intermediate_hours,
                                   f"{_RTS} Art. 5(1)(b)", "intermediate_report"))
        if i.intermediate_report is not None:
            parts.append(_dora_final(ctx, i.intermediate_report, i.final_report))
        results.append(_combine(i, parts, metric))
    return aggregate("privacy.dora_reporting", "DORA major ICT incident reporting", results,
                     ctx.policy.partial_threshold, "major ICT incidents")


@rule("privacy.hipaa_notification", "HIPAA individual notice within 60 days", parameters=("notification_clocks",),
      needs=("incident",))
def privacy_hipaa_notification(ctx: RuleContext) -> CheckResult:
    """US breaches of protected health information were notified to the individuals within 60 days of
    discovery (45 CFR 164.404(b)). A US personal-data breach counts as PHI when a service it affects holds
    PHI, or when no service is linked to it. Metric: days from discovery to notice."""
    by_id = services_by_id(ctx)
    days = ctx.policy.notification_clocks.hipaa_individuals_days
    results: list[EntityResult] = []
    for i in ctx.data.incidents:
        linked = [by_id[s] for s in i.services if s in by_id]
        phi = any(s.phi for s in linked) if linked else True
        if not _applies(i, "US") or not phi:
            results.append(entity("incident", i.id, Outcome.NOT_APPLICABLE, "not a US breach of PHI", i.source))
            continue
        start = _clock_or_skip(ctx, i)
        if isinstance(start, EntityResult):
            results.append(start)
            continue
        part = _deadline(ctx, start[0], "discovery" if start[1] == "awareness" else start[1],
                         i.individuals_notified, "notified individuals", days * 24, "45 CFR 164.404",
                         "individuals_notified")
        note = "" if linked else " (no service linked: PHI assumed)"
        result = _combine(i, [_Part(part.outcome, part.text + note, part.column, part.value, part.hours)],
                          None if part.hours is None else round(part.hours / 24, 1))
        results.append(result)
    return aggregate("privacy.hipaa_notification", "HIPAA individual notice within 60 days", results,
                     ctx.policy.partial_threshold, "US breaches of PHI")
