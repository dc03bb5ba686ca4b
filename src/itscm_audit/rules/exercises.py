"""Exercise programme rules: coverage, achieved recovery against targets, type mix, reports, follow-up."""

from __future__ import annotations

from itscm_audit.model import EntityKind, Exercise, ExerciseResult, ExerciseType, Service
from itscm_audit.registers import (
    REGISTER_NAMES,
    add_evidence,
    every_lacks,
    lacks_column,
    no_column,
    register_label,
)
from itscm_audit.result import CheckResult, EntityResult, Outcome
from itscm_audit.rules._common import (
    entity,
    exercises_until_as_of,
    hours,
    hours_of,
    in_scope,
    is_critical,
    not_recorded,
    out_of_scope,
)
from itscm_audit.rules.base import RuleContext, aggregate, not_assessed, rule
from itscm_audit.rules.facts import (
    exercise_window_start,
    held_by_service,
    judged_target,
    latest_exercises,
    latest_measured,
)

_DISCUSSION = (ExerciseType.WALKTHROUGH, ExerciseType.TABLETOP)
_REPORT = "post_exercise_report"


def _critical_entities(ctx: RuleContext) -> tuple[list[EntityResult], list[Service]]:
    """NOT_APPLICABLE results for services outside the critical scope, and the critical services."""
    skipped: list[EntityResult] = []
    critical: list[Service] = []
    for s in ctx.data.services:
        if not in_scope(s, ctx):
            skipped.append(out_of_scope(s))
        elif not is_critical(s, ctx):
            skipped.append(entity("service", s.id, Outcome.NOT_APPLICABLE,
                                  "tier not recorded" if s.tier is None else f"tier {s.tier} is not critical",
                                  s.source))
        else:
            critical.append(s)
    return skipped, critical


@rule("exercise.coverage", "Critical services exercised within the window",
      parameters=("critical_tiers", "exercise_window_months"), needs=("service", "exercise"))
def exercise_coverage(ctx: RuleContext) -> CheckResult:
    """Every service in a critical tier was exercised within the exercise window ending on the as-of date
    (an exercise on the as-of date counts). Untested plans are the commonest audit finding (ISO 22301 8.5,
    NIST CP-4). Metric: days since the latest exercise."""
    months = ctx.policy.exercise_window_months
    start = exercise_window_start(ctx)
    latest = latest_exercises(ctx)
    results, critical = _critical_entities(ctx)
    for s in critical:
        last = latest.get(s.id)
        if last is None:
            results.append(entity("service", s.id, Outcome.FAIL, "never exercised", s.source))
            continue
        age = (ctx.as_of - last.date).days
        if last.date < start:
            results.append(entity("service", s.id, Outcome.FAIL,
                                  f"last exercised {last.date} ({last.id}), {age} days ago; window is "
                                  f"{months} months (since {start})",
                                  s.source, last.cite("date"), metric=float(age)))
        else:
            results.append(entity("service", s.id, Outcome.PASS, f"exercised {last.date} ({last.id})",
                                  s.source, last.source, metric=float(age)))
    return aggregate("exercise.coverage", "Critical services exercised within the window", results,
                     ctx.policy.partial_threshold, "critical services")


def _achieved(ctx: RuleContext, rule_id: str, title: str, data_loss: bool) -> CheckResult:
    """The latest measured exercise of each service against the service's current target in the BIA and
    against the target the exercise itself recorded (the target at the time); the message says which
    was met. The current BIA target decides; without one, the exercise's own target does
    (``facts.judged_target``, which the facts read too)."""
    held = held_by_service(ctx)
    latest = latest_measured(ctx, data_loss)
    target_name = "RPO" if data_loss else "RTO"
    measure = "data loss" if data_loss else "recovery time"
    measured_field = "achieved_data_loss" if data_loss else "achieved_recovery_time"
    own_field = "target_rpo" if data_loss else "target_rto"
    results: list[EntityResult] = []
    for s in ctx.data.services:
        if not in_scope(s, ctx):
            results.append(out_of_scope(s))
            continue
        last = latest.get(s.id)
        if last is None:
            if held.get(s.id):
                results.append(entity("service", s.id, Outcome.NO_DATA, f"no exercise recorded the {measure}",
                                      s.source))
            else:
                results.append(entity("service", s.id, Outcome.NOT_APPLICABLE, "never exercised", s.source))
            continue
        achieved = getattr(last, measured_field)
        current = s.rpo if data_loss else s.rto
        at_the_time = getattr(last, own_field)
        assert achieved is not None
        if current is None and at_the_time is None:
            results.append(entity("service", s.id, Outcome.NO_DATA,
                                  not_recorded(s, target_name.lower(), target_name), s.cite(target_name.lower())))
            continue
        judged = judged_target(s, last, data_loss)
        assert judged is not None
        verdicts = []
        if current is not None:
            verdicts.append(f"{'within' if achieved <= current else 'exceeds'} the current {target_name} "
                            f"{hours(current)}")
        if at_the_time is not None and at_the_time != current:
            verdicts.append(f"{'within' if achieved <= at_the_time else 'exceeds'} the exercise's own target "
                            f"{hours(at_the_time)}")
        if current is None:
            verdicts.append(f"no {target_name} in the BIA: judged against the exercise's target")
        message = f"{last.id} on {last.date}: {measure} {hours(achieved)} " + "; ".join(verdicts)
        sources = [last.cite(measured_field)]
        if current is not None:
            sources.append(s.cite(target_name.lower()))
        if at_the_time is not None:
            sources.append(last.cite(own_field))
        if achieved > judged:
            results.append(entity("service", s.id, Outcome.FAIL, message, *sources, metric=hours_of(achieved)))
        else:
            results.append(entity("service", s.id, Outcome.PASS, message, *sources, metric=hours_of(achieved)))
    return aggregate(rule_id, title, results, ctx.policy.partial_threshold, "exercised services")


@rule("exercise.rto_achieved", "Latest exercise recovered within RTO", needs=("service", "exercise"))
def exercise_rto_achieved(ctx: RuleContext) -> CheckResult:
    """The latest exercise of each service that measured recovery time achieved it within the RTO:
    the only proof that the recovery time objective is realistic. Metric: achieved recovery time in
    hours."""
    return _achieved(ctx, "exercise.rto_achieved", "Latest exercise recovered within RTO", data_loss=False)


@rule("exercise.rpo_achieved", "Latest exercise lost no more data than the RPO", needs=("service", "exercise"))
def exercise_rpo_achieved(ctx: RuleContext) -> CheckResult:
    """The latest exercise of each service that measured data loss stayed within the RPO: restores from
    backup or replication actually meet the recovery point objective. Metric: achieved data loss in
    hours."""
    return _achieved(ctx, "exercise.rpo_achieved", "Latest exercise lost no more data than the RPO",
                     data_loss=True)


@rule("exercise.type_mix", "Discussion and technical exercises for each critical service",
      parameters=("critical_tiers", "exercise_window_months"), needs=("service", "exercise"))
def exercise_type_mix(ctx: RuleContext) -> CheckResult:
    """Over the exercise window each critical service had both a discussion exercise (walkthrough or
    tabletop) and a technical one (functional, failover or full interruption): tabletops alone never
    prove that systems come back (ISO 22301 8.5, NIST SP 800-84). Metric: number of exercise types held."""
    title = "Discussion and technical exercises for each critical service"
    if every_lacks(ctx.data.exercises, "type"):
        return not_assessed("exercise.type_mix", title,
                            no_column(REGISTER_NAMES[EntityKind.EXERCISE], "exercise type", "Type"))
    start = exercise_window_start(ctx)
    held = held_by_service(ctx)
    results, critical = _critical_entities(ctx)
    for s in critical:
        mine = [e for e in held.get(s.id, ()) if e.date >= start]
        types = {e.type for e in mine if e.type is not None}
        discussion = any(t in _DISCUSSION for t in types)
        technical = any(t.is_technical for t in types)
        names = ", ".join(sorted(t.value.replace("_", " ") for t in types)) or "none"
        sources = [s.source, *(e.cite("type") for e in mine)]
        untyped = [e for e in mine if lacks_column(e, "type")]  # from a log that keeps no type: not "none"
        if discussion and technical:
            results.append(entity("service", s.id, Outcome.PASS, f"types held: {names}", *sources,
                                  metric=float(len(types))))
        else:
            lacking = [w for w, ok in (("discussion", discussion), ("technical", technical)) if not ok]
            text = f"no {' or '.join(lacking)} exercise since {start} (types held: {names})"
            if untyped:
                results.append(entity("service", s.id, Outcome.NO_DATA, f"{text}; the type of {len(untyped)} "
                                      f"exercise(s) is not recorded (no type column in "
                                      f"{register_label(untyped[0])})", *sources))
            else:
                results.append(entity("service", s.id, Outcome.FAIL, text, *sources, metric=float(len(types))))
    return aggregate("exercise.type_mix", title, results, ctx.policy.partial_threshold, "critical services")


def _report_path(exercise: Exercise) -> str | None:
    if not exercise.report:
        return None
    path = exercise.report.replace("\\", "/").strip()
    return path.removeprefix("evidence/")


@rule("exercise.report", "Post-exercise report in the evidence locker", parameters=("exercise_window_months",),
      needs=("exercise",), evidence_needs=(_REPORT,))
def exercise_report(ctx: RuleContext) -> CheckResult:
    """Every exercise held within the window has a post-exercise report in the evidence locker, present
    and unchanged: without it the exercise result is only a claim (ISO 22301 8.5 e). Looks for the report
    named in the exercise log, else any post_exercise_report linked to the exercise in the manifest; only
    exercises in the window are listed. When the locker holds no post-exercise report at all (not kept
    there yet), the rule has no data rather than failing every exercise. Metric: 1 when a current report
    is found."""
    start = exercise_window_start(ctx)
    results: list[EntityResult] = []
    used: list[str] = []
    reports = ctx.evidence is not None and bool(ctx.evidence.of_type(_REPORT))
    for e in exercises_until_as_of(ctx):
        if e.date < start:
            continue  # before the window: not listed, so a long history does not bloat the result
        candidates = []
        named = _report_path(e)
        if ctx.evidence is not None:
            if named is not None:
                found = ctx.evidence.by_path(named)
                if found is not None:
                    candidates.append(found)
            candidates.extend(st for st in ctx.evidence.for_exercise(e.id)
                              if st.item.evidence_type == _REPORT and st not in candidates)
        if not candidates:
            where = f"{named} is not in the evidence locker" if named else "no report named and none linked"
            results.append(entity("exercise", e.id, Outcome.FAIL, f"no post-exercise report: {where}",
                                  e.cite("report"), metric=0.0))
            continue
        reports = True
        used.extend(c.item.path for c in candidates)
        best = next((c for c in candidates if c.state.value == "fresh"), candidates[0])
        if best.state.value in ("missing", "changed"):
            results.append(entity("exercise", e.id, Outcome.FAIL, best.message,
                                  e.cite("report"), best.item.source, metric=0.0))
        else:
            results.append(entity("exercise", e.id, Outcome.PASS, f"report evidence/{best.item.path}",
                                  e.source, best.item.source, metric=1.0))
    title = "Post-exercise report in the evidence locker"
    if results and not reports:
        # no report of any exercise in the locker at all: the locker is not kept yet, which shows no gap
        unfiled = [entity("exercise", r.entity_id, Outcome.NO_DATA, r.message, *r.sources) for r in results]
        return not_assessed("exercise.report", title, f"No post-exercise report in the evidence locker at all "
                            f"({len(results)} exercise(s) in the window), so this is not assessed rather than "
                            f"failed: {add_evidence((_REPORT,), ' --exercise ID')}.", unfiled)
    return aggregate("exercise.report", title, results, ctx.policy.partial_threshold, "exercises in the window",
                     evidence=tuple(dict.fromkeys(used)))


@rule("exercise.failures_have_findings", "Failed exercises produced findings", needs=("exercise", "finding"))
def exercise_failures_have_findings(ctx: RuleContext) -> CheckResult:
    """Every exercise that failed or only partially passed produced at least one finding: a failure that
    is not written up is never fixed (ISO 22301 10.1). Only failed and partially passed exercises are
    listed. Metric: number of findings raised."""
    by_exercise: dict[str, int] = {}
    for f in ctx.data.findings:
        if f.exercise_id:
            by_exercise[f.exercise_id] = by_exercise.get(f.exercise_id, 0) + 1
    results: list[EntityResult] = []
    for e in exercises_until_as_of(ctx):
        if e.result not in (ExerciseResult.FAILED, ExerciseResult.PARTIAL):
            continue  # passed (or no result): nothing to follow up, and large logs stay small in the result
        count = by_exercise.get(e.id, 0)
        label = "failed" if e.result == ExerciseResult.FAILED else "partially passed"
        if count:
            results.append(entity("exercise", e.id, Outcome.PASS, f"{label}; {count} finding(s) raised",
                                  e.source, metric=float(count)))
        else:
            results.append(entity("exercise", e.id, Outcome.FAIL, f"{label} on {e.date} but no finding raised",
                                  e.cite("result"), metric=0.0))
    return aggregate("exercise.failures_have_findings", "Failed exercises produced findings", results,
                     ctx.policy.partial_threshold, "failed or partially passed exercises")
