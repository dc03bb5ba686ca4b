"""Entity-level history (issue 16): the Q1 -> Q2 scenario gives exactly the movements its edits imply and
nothing else; an untouched workspace at two dates reports only time-driven movements, each named; the
history stores failing entities and key attributes compactly and migrates a schema-2 database."""

from __future__ import annotations

import json
import shutil
import sqlite3
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from fixture_script import load
from itscm_audit.cli import main
from itscm_audit.history import (
    RunDiff,
    diff_runs,
    history_path,
    list_runs,
    load_run,
    record_run,
)
from itscm_audit.pipeline import assess
from itscm_audit.result import KEPT_OUTCOMES, AssessmentResult

pytestmark = pytest.mark.slow  # assesses the example six times (about 10 s on 2 cores)

scenarios = load("make_history_scenarios")
Q1, Q2, Q3, Q4 = date(2026, 3, 31), date(2026, 6, 30), date(2026, 9, 30), date(2026, 12, 31)


def _copy(example: Path, target: Path) -> Path:
    return Path(shutil.copytree(example, target, ignore=shutil.ignore_patterns(".itscm", "reports")))


@pytest.fixture(scope="module")
def q1_q2(example_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The example assessed at Q1 and Q2 twice: untouched, and with the issue's edits made in between."""
    base = tmp_path_factory.mktemp("q1q2")
    untouched, edited = _copy(example_workspace, base / "untouched"), _copy(example_workspace, base / "edited")
    for ws in (untouched, edited):
        record_run(ws, assess(ws, Q1))
    scenarios.q2_failed_exercise_and_ownerless_service(edited)
    for ws in (untouched, edited):
        record_run(ws, assess(ws, Q2))
    return untouched, edited


@pytest.fixture(scope="module")
def q3_q4(example_workspace: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[AssessmentResult]]:
    """The example, untouched, at two dates after its last record (2026-09-29)."""
    ws = _copy(example_workspace, tmp_path_factory.mktemp("q3q4") / "aurora")
    results = [assess(ws, Q3), assess(ws, Q4)]
    for r in results:
        record_run(ws, r)
    return ws, results


def _facts(d: RunDiff) -> set[tuple[Any, ...]]:
    """Every movement the diff reports, as comparable tuples."""
    out: set[tuple[Any, ...]] = {("requirement", f"{m.framework}:{m.requirement_id}", m.before, m.after)
                                 for m in d.movements}
    out |= {("objective", o.objective_id, o.before, o.after) for o in d.objective_movements}
    out |= {("rule", r.rule_id, r.outcome_before, r.outcome_after) for r in d.rule_changes}
    out |= {("entered", r.rule_id, e.entity_id) for r in d.rule_changes for e in r.entered}
    out |= {("left", r.rule_id, e.entity_id) for r in d.rule_changes for e in r.left}
    out |= {("newly exercised", s) for s in d.newly_exercised} | {("no longer exercised", s)
                                                                  for s in d.no_longer_exercised}
    s = d.source
    out |= {("service", c.service_id, c.field, c.before, c.after) for c in s.service_changes}
    out |= {("service added", x) for x in s.services_added} | {("service removed", x) for x in s.services_removed}
    out |= {("exercise added", x) for x in s.exercises_added} | {("exercise removed", x) for x in s.exercises_removed}
    out |= {("file changed", f) for f in s.files_changed} | {("file added", f) for f in s.files_added}
    out |= {("file removed", f) for f in s.files_removed}
    out |= {("action opened", a.action_id) for a in d.actions_opened}
    out |= {("action closed", a.action_id) for a in d.actions_closed}
    out |= {("action reopened", a.action_id) for a in d.actions_reopened}
    return out


def _entity(d: RunDiff, rule_id: str, entity_id: str) -> Any:
    change = next(r for r in d.rule_changes if r.rule_id == rule_id)
    return next(e for e in change.entered if e.entity_id == entity_id)


def test_q1_to_q2_edits_give_exactly_their_movements(q1_q2: tuple[Path, Path]) -> None:
    untouched, edited = (diff_runs(ws, 1, 2) for ws in q1_q2)
    # What the two edits imply, worked out from the example's sheets: SVC-002 (Tier 1) loses its owner, so
    # it enters bia.complete; EX-2026-029 fails over SVC-004 (Tier 1, RTO 4 h) in 7 h 30 on 2026-05-25, so
    # it becomes SVC-004's latest exercise and latest measured recovery (exercise.rto_achieved), a failed
    # exercise without a finding (exercise.failures_have_findings, which therefore stays "fail" instead of
    # improving to "partial", and its objective stays "not met") and an exercise in the window without a
    # report (exercise.report). Both spreadsheets change.
    assert _facts(edited) - _facts(untouched) == {
        ("entered", "bia.complete", "SVC-002"),
        ("rule", "bia.complete", "partial", "partial"),
        ("entered", "exercise.rto_achieved", "SVC-004"),
        ("entered", "exercise.failures_have_findings", "EX-2026-029"),
        ("rule", "exercise.failures_have_findings", "fail", "fail"),
        ("entered", "exercise.report", "EX-2026-029"),
        ("service", "SVC-002", "owner", "Jean-Philippe Gagnon", "none"),
        ("service", "SVC-004", "latest_exercise", "EX-2025-030 (2025-11-25)", "EX-2026-029 (2026-05-25)"),
        ("exercise added", "EX-2026-029"),
        ("file changed", "data/exercise-log.xlsx"),
        ("file changed", "data/service-inventory-bia.xlsx"),
    }
    assert _facts(untouched) - _facts(edited) == {
        ("rule", "exercise.failures_have_findings", "fail", "partial"),
        ("objective", "OBJ-EXERCISE-FINDINGS", "not_met", "partially_met"),
    }


def test_q1_to_q2_entities_say_what_changed(q1_q2: tuple[Path, Path]) -> None:
    d = diff_runs(q1_q2[1], 1, 2)
    owner = _entity(d, "bia.complete", "SVC-002")
    assert (owner.reason, owner.message, owner.before, owner.after) == ("owner removed", "missing owner", None,
                                                                        "fail")
    rto = _entity(d, "exercise.rto_achieved", "SVC-004")
    assert rto.reason == "latest exercise EX-2025-030 (2025-11-25) -> EX-2026-029 (2026-05-25)"
    assert rto.message == "EX-2026-029 on 2026-05-25: recovery time 7.5h exceeds the current RTO 4h"
    finding = _entity(d, "exercise.failures_have_findings", "EX-2026-029")
    assert finding.message == "failed on 2026-05-25 but no finding raised"
    text = CliRunner().invoke(main, ["diff", str(q1_q2[1]), "2026Q1", "2026Q2"])
    assert text.exit_code == 0, text.output
    assert "+ SVC-002: owner removed (missing owner)" in text.output
    assert ("+ SVC-004: latest exercise EX-2025-030 (2025-11-25) -> EX-2026-029 (2026-05-25) (EX-2026-029 on "
            "2026-05-25: recovery time 7.5h exceeds the current RTO 4h)") in text.output
    assert "Input files:\n  changed: data/exercise-log.xlsx\n  changed: data/service-inventory-bia.xlsx" in text.output
    assert "Critical services newly exercised within the window:\n  SVC-016" in text.output
    data = json.loads(CliRunner().invoke(main, ["diff", str(q1_q2[1]), "1", "2", "--json"]).output)
    bia = next(r for r in data["rule_changes"] if r["rule_id"] == "bia.complete")
    assert bia["entered"] == [{"entity": "service", "entity_id": "SVC-002", "before": None, "after": "fail",
                               "message": "missing owner", "reason": "owner removed"}] and bia["left"] == []
    assert data["objective_movements"] and data["inputs_unchanged"] is False
    assert data["source"]["files_changed"] == ["data/exercise-log.xlsx", "data/service-inventory-bia.xlsx"]


def test_nothing_unchanged_is_reported(q1_q2: tuple[Path, Path]) -> None:
    d = diff_runs(q1_q2[1], 1, 2)
    assert all(r.entered or r.left or r.outcome_before != r.outcome_after for r in d.rule_changes)
    assert all(m.before != m.after for m in (*d.movements, *d.objective_movements))
    assert all(c.before != c.after for c in d.source.service_changes)
    text = CliRunner().invoke(main, ["diff", str(q1_q2[1]), "1", "2"]).output
    names = {f.framework for f in d.frameworks} | {"overall"}
    printed = [line.split()[0] for line in text.splitlines() if line.startswith("  ") and len(line.split()) == 9
               and line.split()[0] in names and line.split()[2] == "->"]
    moved = {f.framework for f in d.frameworks if f.score_before != f.score_after or f.gaps_before != f.gaps_after
             or f.new_gaps or f.closed_gaps or f.regressions or f.improvements}
    assert set(printed) == moved | {"overall"} and len(printed) < len(names)  # unmoved frameworks left out
    same = CliRunner().invoke(main, ["diff", str(q1_q2[1]), "2", "2"]).output
    assert same.splitlines()[1:] == ["No change: the same input files, statuses and failing entities."]


def test_untouched_workspace_reports_only_time_driven_movements(q3_q4: tuple[Path, list[AssessmentResult]]) -> None:
    ws, results = q3_q4
    d = diff_runs(ws, 1, 2)
    assert d.inputs_unchanged and d.notes == ()
    s = d.source
    assert (s.service_changes, s.services_added, s.services_removed, s.exercises_added, s.exercises_removed) == (
        (), (), (), (), ())
    assert (d.actions_opened, d.actions_closed, d.actions_reopened) == ((), (), ())
    # time only makes things worse here: no entity leaves a rule, every status movement is a regression
    assert all(not r.left for r in d.rule_changes)
    assert all(m.kinds == ("regression",) for m in (*d.movements, *d.objective_movements))
    by_rule = {r.rule_id: r for r in d.rule_changes}
    # actions going overdue: not closed, due between the two as-of dates (read off the Corrective Actions sheet)
    assert [(e.entity_id, e.reason) for e in by_rule["action.not_overdue"].entered] == [
        ("CA-012", "became overdue (due 2026-12-15)"), ("CA-016", "became overdue (due 2026-10-31)"),
        ("CA-017", "became overdue (due 2026-11-30)")]
    # evidence going stale: each on the day its time-to-live ran out, between the two dates
    stale = by_rule["evidence.current"].entered
    expires = {e.item.path: e.expires for e in results[1].evidence}
    assert stale and all(e.reason == f"went stale on {expires[e.entity_id]}" for e in stale)
    assert all(Q3 < (expires[e.entity_id] or Q3) <= Q4 for e in stale)
    # services whose latest exercise left the 12-month window
    window = by_rule["exercise.coverage"].entered
    latest = {f.service_id: f.latest_exercise_date for f in results[1].facts.services}
    assert [e.entity_id for e in window] == ["SVC-001", "SVC-004", "SVC-005"] == list(d.no_longer_exercised)
    assert all(e.reason == "no longer exercised within the window" and latest[e.entity_id] < date(2025, 12, 31)
               for e in window)
    # each movement is named: an entity, what happened to it and the rule's words
    assert all(e.entity_id and e.reason and e.message for r in d.rule_changes for e in r.entered)
    text = CliRunner().invoke(main, ["diff", str(ws), "2026Q3", "2026Q4"]).output
    assert "Same input files: every change below comes from the passing of time." in text
    assert all(f"+ {e.entity_id}: {e.reason}" in text for r in d.rule_changes for e in r.entered)
    assert "Input files:" not in text and "Source data:" not in text


def test_the_history_keeps_failing_entities_and_key_attributes_not_exercises(
        q3_q4: tuple[Path, list[AssessmentResult]]) -> None:
    ws, results = q3_q4
    stored = load_run(ws, 2)
    result = results[1]
    assert stored.entities is not None
    assert {rule: [(e.entity, e.entity_id, e.outcome, e.message) for e in ents]
            for rule, ents in stored.entities.items()} == {
        c.rule_id: [(e.entity, e.entity_id, e.outcome.value, e.message) for e in c.entities
                    if e.outcome in KEPT_OUTCOMES] for c in result.checks}
    facts = {f.service_id: f for f in result.facts.services}
    assert len(stored.services) == len(facts) and stored.exercises == ()
    for s in stored.services:
        f = facts[s.service_id]
        assert (s.owner, s.tier, s.latest_exercise, s.latest_exercise_date, s.exercised_in_window) == (
            f.owner, f.tier, f.latest_exercise, f.latest_exercise_date, f.exercised_in_window)
    overdue = {a.action_id for a in result.facts.actions if a.overdue}
    assert {a.action_id for a in stored.actions if a.overdue} == overdue
    with sqlite3.connect(history_path(ws)) as conn:
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert not tables & {"exercise_snapshot", "service_snapshot", "corrective_action"}
        rows = sum(conn.execute(f"SELECT count(*) FROM {t} WHERE run_no = 2").fetchone()[0]
                   for t in tables - {"run", "sqlite_sequence"})
    # one row per framework, requirement, objective, rule, evidence item and priority, and three parts:
    # nothing per service, exercise or corrective action
    assert rows == (len(result.frameworks) + len(result.requirements) + len(result.objectives) + len(result.checks)
                    + len(result.evidence) + len(result.remediation) + 3)


def test_the_same_result_is_stored_as_the_same_bytes(q3_q4: tuple[Path, list[AssessmentResult]],
                                                     tmp_path: Path) -> None:
    _, results = q3_q4
    for folder in ("a", "b"):
        (tmp_path / folder).mkdir()
        record_run(tmp_path / folder, results[0])
    bodies = []
    for folder in ("a", "b"):
        with sqlite3.connect(history_path(tmp_path / folder)) as conn:
            bodies.append(conn.execute("SELECT part, body FROM run_part ORDER BY part").fetchall())
    assert bodies[0] == bodies[1] and [p for p, _ in bodies[0]] == ["actions", "entities", "services"]


def test_a_schema_2_history_is_migrated_and_still_diffs(tmp_path: Path) -> None:
    path = scenarios.history_schema_v2(history_path(tmp_path))
    runs = list_runs(tmp_path)
    assert [r.label for r in runs] == ["2026Q1", "2026Q2"]
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == 3
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        assert "run_part" in tables and not tables & {"exercise_snapshot", "service_snapshot", "corrective_action"}
    q2 = load_run(tmp_path, "2026Q2")
    assert [(s.service_id, s.rto_s, s.owner) for s in q2.services] == [("S1", 7200, None), ("S2", 28800, None)]
    assert [(a.action_id, a.status, a.closed) for a in q2.actions] == [
        ("CA-0", "closed", date(2026, 4, 10)), ("CA-1", "closed", date(2026, 5, 2)), ("CA-2", "open", None)]
    assert q2.entities is None and "owner" not in q2.service_fields
    d = diff_runs(tmp_path, "2026Q1", "2026Q2")
    assert [(c.service_id, c.field, c.before, c.after) for c in d.source.service_changes] == [
        ("S1", "rto", "4 h", "2 h")]  # owners were not recorded then: never reported as removed
    assert [a.action_id for a in d.actions_opened] == ["CA-2"]
    assert [a.action_id for a in d.actions_closed] == ["CA-0", "CA-1"]  # CA-0 closed after Q1's as-of date
    # overdue in Q1, read with the as-of rule: CA-1 open and past due, CA-0 closed only after Q1's as-of date
    assert (d.overdue_before, d.overdue_after, d.newly_overdue) == (2, 0, ())
    assert [(m.requirement_id, m.before, m.after) for m in d.movements] == [("8.5", "partially_met", "not_met")]
    assert [(o.objective_id, o.after) for o in d.objective_movements] == [("OBJ-EXERCISE-COVERAGE", "not_met")]
    assert d.rule_changes == () and d.notes == (
        "run 1 (2026Q1) and run 2 (2026Q2) were recorded before the history kept each rule's failing entities: "
        "entities entering and leaving rules are not compared",
        "run 1 (2026Q1) and run 2 (2026Q2) did not record service owners and latest exercises: those are not "
        "compared")
    text = CliRunner().invoke(main, ["diff", str(tmp_path), "1", "2"])
    assert text.exit_code == 0 and "Note: run 1 (2026Q1) and run 2 (2026Q2) were recorded before" in text.output


def test_a_damaged_part_is_a_located_error(q3_q4: tuple[Path, list[AssessmentResult]], tmp_path: Path) -> None:
    ws, _ = q3_q4
    copy = tmp_path / "ws"
    shutil.copytree(ws / ".itscm", copy / ".itscm")
    with sqlite3.connect(history_path(copy)) as conn:
        conn.execute("UPDATE run_part SET body = ? WHERE run_no = 1 AND part = 'entities'", (b"not zlib",))
    ran = CliRunner().invoke(main, ["diff", str(copy), "1", "2"])
    assert ran.exit_code == 3 and "damaged row in table run_part of run 1" in ran.output
