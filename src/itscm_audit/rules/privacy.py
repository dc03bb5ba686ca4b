"""Incidents and privacy law: breach register and the notification clocks of GDPR, PIPEDA, Quebec Law 25,
DORA and HIPAA.

Every clock starts at the recorded awareness time (``Became Aware``); when only the detection time is
recorded the clock starts there and the message says so. Elapsed time is computed between instants, so
times recorded with different UTC offsets compare correctly; times without an offset are the
organisation's local time.

A register that has no column for a fact does not say "no" (``registers.lacks_column``): an incident row
without a jurisdiction takes the organisation's jurisdictions from itscm.yaml; the rows of a privacy
incident register are personal-data breaches recorded in it, and the rows of a major-incident register
are major ICT incidents, when it has no column saying otherwise (``registers.named_as``); a notification
the register has no column for is "not recorded", never "not sent". Every such reading is said in the
message.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from itscm_audit.asof import is_known
from itscm_audit.model import Incident
from itscm_audit.periods import months_after
from itscm_audit.registers import every_lacks, lacks_column, named_as, no_column, register_label
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules._common import (
    elapsed_hours,
    end_of_as_of,
    entity,
    not_recorded,
    plainly_missing,
    services_by_id,
)
from itscm_audit.rules.base import RuleContext, aggregate, not_assessed, rule
from itscm_audit.scoping import implied_jurisdictions

_Builder = Callable[[RuleContext, Incident, dt.datetime, str], EntityResult]
"""A per-law check of one applicable incident, given its clock start and how to name it."""

_SEVERITY = {Outcome.PASS: 0, Outcome.NO_DATA: 1, Outcome.PARTIAL: 2, Outcome.FAIL: 3}
"""How the parts of one incident's check combine: a part the register cannot decide leaves the whole
undecided unless another part fails."""
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
              limit: float, law: str, column: str, soft: str | None = None,
              incident: Incident | None = None) -> _Part:
    """Compare one notification with its clock. A ``soft`` clock (the law says "as soon as feasible" or
    "promptly", and the policy sets a review threshold) flags a late notification for review (PARTIAL)
    instead of failing it. When the ``incident``'s register has no column for the notification, it is
    not recorded there, which says nothing about whether it was sent (NO_DATA)."""
    if done is None and incident is not None and lacks_column(incident, column):
        return _Part(Outcome.NO_DATA, f"whether it {what} is not recorded (no column for it in "
                     f"{register_label(incident)}); {law} allows {_h(limit)}")  # no column to cite: the row
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


def _breach(incident: Incident) -> tuple[bool | None, str]:
    """Whether the incident is a personal-data breach, and how that is known when its row does not say:
    a row of a privacy incident register with no personal-data-breach column is a breach (the register
    says so by being one); otherwise the question stays open and the text says why."""
    if incident.personal_data_breach is not None:
        return incident.personal_data_breach, ""
    if lacks_column(incident, "personal_data_breach"):
        if named_as(incident, "breach"):
            return True, (f"a personal-data breach as a row of the privacy incident register "
                          f"{register_label(incident)}, which has no personal-data-breach column")
        return None, (f"whether it is a personal-data breach is not recorded (no such column in "
                      f"{register_label(incident)})")
    return None, not_recorded(incident, "personal_data_breach", "personal-data breach flag")


def _jurisdictions(ctx: RuleContext, incident: Incident) -> tuple[tuple[str, ...], str]:
    """Where the incident happened, with the jurisdictions each code implies (IE -> EU, CA-QC -> CA), and
    how that is known: from its row, else from the organisation's jurisdictions in itscm.yaml."""
    if incident.jurisdictions:
        return implied_jurisdictions(incident.jurisdictions), ""
    org: tuple[str, ...] | None = ctx.memo.get("org_jurisdictions")
    if org is None:
        org = ctx.memo["org_jurisdictions"] = implied_jurisdictions(ctx.config.organisation.jurisdictions)
    if not org:
        return (), ""
    return org, (f"jurisdiction taken from itscm.yaml ({', '.join(org)}): the incident register records none "
                 "for it")


def _register_part(incident: Incident, law: str) -> _Part:
    """Whether the breach is in the breach register. A register with no "in breach register?" column is
    itself the record of its rows: a breach that is a row of the organisation's incident register is
    recorded there. Only a "No" in that column, or an empty or placeholder cell in it, is a finding."""
    if incident.registered:
        return _Part(Outcome.PASS, "recorded in the breach register")
    if incident.registered is None and lacks_column(incident, "registered"):
        kind = "privacy incident register" if named_as(incident, "breach") else "incident register"
        return _Part(Outcome.PASS, f"recorded as a row of the {kind} {register_label(incident)} (no "
                     "'in breach register?' column: its rows are the record)")
    gap = ("" if incident.registered is False or plainly_missing(incident, "registered")
           else f": {not_recorded(incident, 'registered', 'breach register entry')}")
    return _Part(Outcome.FAIL, f"not recorded in the breach register ({law}){gap}", "registered",
                 None if incident.registered is None else "No")


def _noted(result: EntityResult, *notes: str) -> EntityResult:
    """``result`` with what the rule read from the register or itscm.yaml said after its message."""
    said = [n for n in notes if n]
    if not said:
        return result
    return entity(result.entity, result.entity_id, result.outcome, f"{result.message} ({'; '.join(said)})",
                  *result.sources, metric=result.metric)


def _not_said(ctx: RuleContext, i: Incident, how: str, field: str) -> EntityResult:
    """An incident whose row does not say whether the law applies (``field``: a personal-data breach, a
    major ICT incident): no data, saying so; not applicable when it became known after the as-of date,
    like every other incident then."""
    if _after_as_of(ctx, i):
        return entity("incident", i.id, Outcome.NOT_APPLICABLE, f"became known after {ctx.as_of}", i.source)
    return entity("incident", i.id, Outcome.NO_DATA, how, i.cite(field))


def _unanswered(ctx: RuleContext, rule_id: str, title: str) -> CheckResult | None:
    """One not-assessed sentence when no incident row says whether it is a personal-data breach and no
    register is a privacy incident register by name: not a row per incident saying the same thing."""
    incidents = ctx.data.incidents
    if every_lacks(incidents, "personal_data_breach") and not any(named_as(i, "breach") for i in incidents):
        return not_assessed(rule_id, title, no_column("incident register", "personal-data breach",
                                                      "Personal data breach?"))
    return None


@rule("privacy.breach_register", "Personal-data breaches recorded in the register", needs=("incident",))
def privacy_breach_register(ctx: RuleContext) -> CheckResult:
    """Every personal-data breach is recorded in the breach register, whatever its risk: GDPR Art. 33(5),
    PIPEDA s.10.3 and Quebec Law 25 s.3.8 all require a record of every breach. A row of the organisation's
    own incident register is recorded there: only a "No" (or an empty cell) in an "in breach register?"
    column is a finding. Metric: 1 when recorded, else 0."""
    title = "Personal-data breaches recorded in the register"
    unanswered = _unanswered(ctx, "privacy.breach_register", title)
    if unanswered is not None:
        return unanswered
    results: list[EntityResult] = []
    for i in ctx.data.incidents:
        breach, how = _breach(i)
        if breach is False:
            results.append(entity("incident", i.id, Outcome.NOT_APPLICABLE, "not a personal-data breach", i.source))
        elif breach is None:
            results.append(_not_said(ctx, i, how, "personal_data_breach"))
        elif _after_as_of(ctx, i):
            results.append(entity("incident", i.id, Outcome.NOT_APPLICABLE, f"became known after {ctx.as_of}",
                                  i.source))
        else:
            part = _register_part(i, "GDPR Art. 33(5), PIPEDA s.10.3, Law 25 s.3.8")
            results.append(_noted(_combine(i, [part], 1.0 if part.outcome == Outcome.PASS else 0.0), how))
    used = tuple(st.item.path for st in ctx.evidence.of_type("breach_register")) if ctx.evidence else ()
    return aggregate("privacy.breach_register", title, results, ctx.policy.partial_threshold,
                     "personal-data breaches", evidence=used)


def _in_jurisdiction(ctx: RuleContext, i: Incident, jurisdiction: str, elsewhere: str) -> EntityResult | str:
    """How a breach's jurisdiction was read (``""``: from its row), or the result saying the law does not
    apply to it (``elsewhere``), or that no jurisdiction is known at all."""
    where, assumed = _jurisdictions(ctx, i)
    if not where:
        return entity("incident", i.id, Outcome.NO_DATA, "no jurisdiction recorded for the incident, nor for the "
                      "organisation in itscm.yaml (organisation.jurisdictions)", i.cite("jurisdictions"))
    if jurisdiction not in where:
        return entity("incident", i.id, Outcome.NOT_APPLICABLE, elsewhere + (f" ({assumed})" if assumed else ""),
                      i.source)
    return assumed


def _notification_rule(ctx: RuleContext, rule_id: str, title: str, jurisdiction: str,
                       build: _Builder) -> CheckResult:
    unanswered = _unanswered(ctx, rule_id, title)
    if unanswered is not None:
        return unanswered
    results: list[EntityResult] = []
    for i in ctx.data.incidents:
        breach, how = _breach(i)
        if breach is False:
            results.append(entity("incident", i.id, Outcome.NOT_APPLICABLE,
                                  f"not a personal-data breach in {jurisdiction}", i.source))
            continue
        if breach is None:
            results.append(_not_said(ctx, i, how, "personal_data_breach"))
            continue
        assumed = _in_jurisdiction(ctx, i, jurisdiction, f"not a personal-data breach in {jurisdiction}")
        if isinstance(assumed, EntityResult):
            results.append(assumed)
            continue
        start = _clock_or_skip(ctx, i)
        if isinstance(start, EntityResult):
            results.append(start)
            continue
        results.append(_noted(build(ctx, i, start[0], start[1]), how, assumed))
    return aggregate(rule_id, title, results, ctx.policy.partial_threshold,
                     f"personal-data breaches in {jurisdiction}")


def _gdpr(ctx: RuleContext, i: Incident, start: dt.datetime, since: str) -> EntityResult:
    risk = (i.risk_of_harm or "").lower()
    if risk == "none":
        return entity("incident", i.id, Outcome.NOT_APPLICABLE,
                      "assessed as unlikely to result in a risk: no notification required (Art. 33(1))", i.source)
    limit = ctx.policy.notification_clocks.gdpr_regulator_hours
    reg = _deadline(ctx, start, since, i.regulator_notified, "notified the supervisory authority", limit,
                    "GDPR Art. 33(1)", "regulator_notified", incident=i)
    parts = [reg]
    if not risk:
        parts.append(_Part(Outcome.PASS, "risk of harm not recorded, notification assumed required"))
    return _combine(i, parts, reg.hours)


@rule("privacy.gdpr_notification", "GDPR breach notification within 72 hours",
      parameters=("notification_clocks",), needs=("incident",))
def privacy_gdpr_notification(ctx: RuleContext) -> CheckResult:
    """EU personal-data breaches that may result in a risk were notified to the supervisory authority
    within 72 hours of awareness (GDPR Art. 33(1)). The communication to data subjects (Art. 34) is its
    own rule, so a requirement about one notice is never failed by the other. An incident without a
    jurisdiction of its own takes the organisation's (IE implies EU). Metric: hours from awareness to
    notification (or elapsed so far)."""
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
                        "regulator_notified", soft=standard, incident=i)
        ind = _deadline(ctx, start, since, i.individuals_notified, "notified individuals", limit, law,
                        "individuals_notified", soft=standard, incident=i)
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


def _dora_final(ctx: RuleContext, i: Incident, intermediate: dt.datetime) -> _Part:
    """The final report (RTS Art. 5(1)(c)): no later than one month after the latest intermediate report. A
    period in months ends with the last hour of the same date in the last month, or of that month's last
    day when the date does not exist (Regulation (EEC, Euratom) No 1182/71, Art. 3(2)(c))."""
    clocks = ctx.policy.notification_clocks
    final = i.final_report
    if clocks.dora_final_days is not None:
        return _deadline(ctx, intermediate, "the intermediate report", final, "sent the final report",
                         clocks.dora_final_days * 24, f"{_RTS} Art. 5(1)(c) (as dora_final_days)", "final_report",
                         incident=i)
    due_day = months_after(intermediate.date(), clocks.dora_final_months)
    due = dt.datetime.combine(due_day + dt.timedelta(days=1), dt.time(), tzinfo=intermediate.tzinfo)
    allowed = f"{_RTS} Art. 5(1)(c) allows until the end of {due_day}"
    if final is None and lacks_column(i, "final_report"):
        return _Part(Outcome.NO_DATA, f"whether it sent the final report is not recorded (no column for it in "
                     f"{register_label(i)}); {allowed}")
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
    title = "DORA major ICT incident reporting"
    incidents = ctx.data.incidents
    if every_lacks(incidents, "major_ict") and not any(named_as(i, "major_ict") or i.classified_major
                                                       for i in incidents):
        return not_assessed("privacy.dora_reporting", title,
                            no_column("incident register", "major ICT incident", "Major ICT incident?"))
    results: list[EntityResult] = []
    for i in incidents:
        major, how = _major(i)
        if major is False:
            results.append(entity("incident", i.id, Outcome.NOT_APPLICABLE, "not a major ICT incident", i.source))
            continue
        if major is None:
            results.append(_not_said(ctx, i, how, "major_ict"))
            continue
        start = _clock_or_skip(ctx, i)
        if isinstance(start, EntityResult):
            results.append(start)
            continue
        aware, since = start
        if i.initial_report is None and lacks_column(i, "initial_report"):
            parts = [_Part(Outcome.NO_DATA, "whether it sent the initial notification is not recorded (no column "
                           f"for it in {register_label(i)})")]
        else:
            parts = _dora_initial(ctx, i, aware, since)
        metric = elapsed_hours(aware, i.initial_report or end_of_as_of(ctx, aware))
        if i.initial_report is not None:
            parts.append(_deadline(ctx, i.initial_report, "the initial notification", i.intermediate_report,
                                   "sent the intermediate report", clocks.dora_intermediate_hours,
                                   f"{_RTS} Art. 5(1)(b)", "intermediate_report", incident=i))
        if i.intermediate_report is not None:
            parts.append(_dora_final(ctx, i, i.intermediate_report))
        results.append(_noted(_combine(i, parts, metric), how))
    return aggregate("privacy.dora_reporting", title, results, ctx.policy.partial_threshold, "major ICT incidents")


def _major(incident: Incident) -> tuple[bool | None, str]:
    """Whether the incident is a DORA major ICT incident, and how that is known when its row does not say:
    a recorded classification as major, or a row of a major-incident register with no "major?" column."""
    if incident.major_ict is not None:
        return incident.major_ict, ""
    if incident.classified_major is not None:
        return True, "major: the register records its classification as major"
    if lacks_column(incident, "major_ict"):
        if named_as(incident, "major_ict"):
            return True, (f"a major ICT incident as a row of the major-incident register "
                          f"{register_label(incident)}, which has no 'major?' column")
        return None, (f"whether it is a major ICT incident is not recorded (no such column in "
                      f"{register_label(incident)})")
    return None, not_recorded(incident, "major_ict", "major ICT incident flag")


@rule("privacy.hipaa_notification", "HIPAA individual notice within 60 days", parameters=("notification_clocks",),
      needs=("incident",))
def privacy_hipaa_notification(ctx: RuleContext) -> CheckResult:
    """US breaches of protected health information were notified to the individuals within 60 days of
    discovery (45 CFR 164.404(b)). A US personal-data breach counts as PHI when a service it affects holds
    PHI, or when no service is linked to it, or when no linked service records its PHI flag (only services
    recorded as holding no PHI rule it out). Metric: days from discovery to notice."""
    title = "HIPAA individual notice within 60 days"
    unanswered = _unanswered(ctx, "privacy.hipaa_notification", title)
    if unanswered is not None:
        return unanswered
    by_id = services_by_id(ctx)
    days = ctx.policy.notification_clocks.hipaa_individuals_days
    results: list[EntityResult] = []
    for i in ctx.data.incidents:
        breach, how = _breach(i)
        if breach is None:
            results.append(_not_said(ctx, i, how, "personal_data_breach"))
            continue
        linked = [by_id[s] for s in i.services if s in by_id]
        flags = [s.phi for s in linked]
        if not breach or (linked and all(f is False for f in flags)):
            results.append(entity("incident", i.id, Outcome.NOT_APPLICABLE, "not a US breach of PHI", i.source))
            continue
        assumed = _in_jurisdiction(ctx, i, "US", "not a US breach of PHI")
        if isinstance(assumed, EntityResult):
            results.append(assumed)
            continue
        start = _clock_or_skip(ctx, i)
        if isinstance(start, EntityResult):
            results.append(start)
            continue
        part = _deadline(ctx, start[0], "discovery" if start[1] == "awareness" else start[1],
                         i.individuals_notified, "notified individuals", days * 24, "45 CFR 164.404",
                         "individuals_notified", incident=i)
        phi_note = ("" if any(flags) else "no service linked: PHI assumed" if not linked
                    else "PHI flag not recorded for the services it affects: PHI assumed")
        result = _combine(i, [part], None if part.hours is None else round(part.hours / 24, 1))
        results.append(_noted(result, phi_note, how, assumed))
    return aggregate("privacy.hipaa_notification", title, results, ctx.policy.partial_threshold,
                     "US breaches of PHI")
