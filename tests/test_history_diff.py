"""The diff between two recorded runs, checked against hand-computed expectations (history_factory)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner

from history_factory import QUARTERS, Quarter, build_result
from itscm_audit.cli import main
from itscm_audit.history import RunDiff, compare, diff_runs, load_run, record_run


@pytest.fixture
def four_quarters(tmp_path: Path) -> Path:
    for label in QUARTERS:
        record_run(tmp_path, build_result(label))
    return tmp_path


def _refs(moves: tuple[object, ...]) -> list[str]:
    return sorted(f"{m.framework}:{m.requirement_id}" for m in moves)  # type: ignore[attr-defined]


def test_q2_to_q3_gaps_regressions_and_improvements(four_quarters: Path) -> None:
    d = diff_runs(four_quarters, "2026Q2", "2026Q3")
    # 8.2.2 met->not met and CP-9 met->partially: new gaps and regressions; 10.1 not assessed->partially:
    # a new gap but no regression (not assessed has no rank); 8.5 not met->partially: improvement, still open
    assert _refs(d.new_gaps) == ["iso22301:10.1", "iso22301:8.2.2", "nist-cp:CP-9"]
    assert _refs(d.regressions) == ["iso22301:8.2.2", "nist-cp:CP-9"]
    assert _refs(d.closed_gaps) == ["iso22301:8.4", "nist-cp:CP-4"]
    assert _refs(d.improvements) == ["iso22301:8.4", "iso22301:8.5", "nist-cp:CP-4"]
    assert all(m.cause == "organisation" for m in d.movements)
    assert d.catalogue == ()
    fw = {f.framework: f for f in d.frameworks}
    assert (fw["iso22301"].score_before, fw["iso22301"].score_after, fw["iso22301"].score_change) == (62.5, 60.0, -2.5)
    assert (fw["iso22301"].gaps_before, fw["iso22301"].gaps_after, fw["iso22301"].new_gaps) == (2, 3, 2)
    assert (fw["nist-cp"].new_gaps, fw["nist-cp"].closed_gaps, fw["nist-cp"].regressions) == (1, 1, 1)
    assert (d.overall.score_before, d.overall.score_after, d.overall.gaps_before, d.overall.gaps_after) == (
        61.1, 60.0, 5, 6)
    assert (d.overall.new_gaps, d.overall.closed_gaps, d.overall.regressions, d.overall.improvements) == (3, 2, 2, 3)
    # evidence: E1 fresh -> stale; E3 new and missing; E2 was already stale
    assert [(e.path, e.state_before, e.state_after) for e in d.stale_evidence] == [
        ("E1.pdf", "fresh", "stale"), ("E3.pdf", None, "missing")]
    # actions: CA-4 opened; CA-1 closed; overdue 1 -> 2 (CA-2 and CA-4 newly overdue, CA-1 no longer)
    assert [a.action_id for a in d.actions_opened] == ["CA-4"]
    assert [(a.action_id, a.status_before) for a in d.actions_closed] == [("CA-1", "in_progress")]
    assert (d.overdue_before, d.overdue_after, d.newly_overdue) == (1, 2, ("CA-2", "CA-4"))
    assert d.oldest_overdue == {"action_id": "CA-2", "due": "2026-06-30", "days_overdue": 92}
    # coverage: S4 is a new critical service, not yet exercised: 100% -> 66.7%
    assert (d.coverage_before, d.coverage_after, d.coverage_change) == (100.0, 66.7, -33.3)
    assert d.newly_exercised == () and d.no_longer_exercised == ()


def test_q3_to_q4_separates_catalogue_movements(four_quarters: Path) -> None:
    d = diff_runs(four_quarters, "2026Q3", "2026Q4")
    # CP-12 removed and CP-13 added by catalogue rev5.1: neither is a closed or a new gap
    assert [(c.framework, c.version_before, c.version_after, c.added, c.removed) for c in d.catalogue] == [
        ("nist-cp", "rev5", "rev5.1", ("CP-13",), ("CP-12",))]
    assert "nist-cp:CP-13" not in _refs(d.new_gaps) and "nist-cp:CP-12" not in _refs(d.closed_gaps)
    # CP-2 met -> not met because its crosswalk changed: a regression caused by the catalogue
    cp2 = next(m for m in d.movements if m.requirement_id == "CP-2")
    assert (cp2.before, cp2.after, cp2.kinds, cp2.cause) == ("met", "not_met", ("new_gap", "regression"), "catalogue")
    # CP-10 partially met -> not applicable: a closed gap, neither better nor worse on the rank scale
    cp10 = next(m for m in d.movements if m.requirement_id == "CP-10")
    assert cp10.kinds == ("closed_gap",) and cp10.cause == "organisation"
    assert _refs(d.closed_gaps) == ["iso22301:10.1", "iso22301:8.2.2", "iso22301:8.5", "nist-cp:CP-10",
                                    "nist-cp:CP-9"]
    assert (d.overall.score_before, d.overall.score_after) == (60.0, 77.8)
    assert [a.action_id for a in d.actions_closed] == ["CA-2"]
    assert d.actions_opened == ()
    assert (d.overdue_before, d.overdue_after, d.newly_overdue) == (2, 2, ("CA-3",))
    assert d.oldest_overdue == {"action_id": "CA-4", "due": "2026-08-31", "days_overdue": 122}
    assert (d.coverage_before, d.coverage_after, d.newly_exercised) == (66.7, 100.0, ("S4",))
    assert [(e.path, e.state_before, e.state_after) for e in d.stale_evidence] == [("E4.pdf", None, "changed")]


def test_reimport_diff_explains_source_changes(four_quarters: Path) -> None:
    d = diff_runs(four_quarters, "2026Q2", "2026Q3")
    s = d.source
    assert s.services_added == ("S4",) and s.services_removed == ()
    assert [(c.service_id, c.field, c.before, c.after) for c in s.service_changes] == [
        ("S1", "rto", "4 h", "2 h"), ("S1", "latest_exercise", "EX-1 (2025-11-10)", "EX-3 (2026-08-15)")]
    assert s.exercises_added == ("EX-3",)  # it became S1's latest exercise
    assert (s.files_changed, s.files_added) == (("data/bia.xlsx", "data/exercises.xlsx"), ())
    s4 = diff_runs(four_quarters, "2026Q3", "2026Q4").source
    assert s4.services_removed == ("S3",)
    assert [(c.service_id, c.field, c.before, c.after) for c in s4.service_changes] == [
        ("S2", "tier", "2", "1"), ("S4", "latest_exercise", "none", "EX-4 (2026-11-15)")]
    assert s4.exercises_added == ("EX-4",)
    assert (s4.files_added, s4.files_changed) == (("data/actions.xlsx",), ("data/exercises.xlsx",))


def test_rule_change_in_an_objective_is_attributed_to_the_catalogue(tmp_path: Path) -> None:
    q = QUARTERS["2026Q2"]
    changed = Quarter(**{**q.__dict__, "statuses": {**q.statuses, "iso22301:8.2.2": "not_met"}})
    before = build_result("2026Q2")
    after = build_result("2026Q2", changed)
    objectives = tuple(o.model_copy(update={"rules": (*o.rules, "new.rule")}) if o.objective_id == "OBJ-PLAN" else o
                       for o in after.objectives)
    record_run(tmp_path, before, label="A")
    record_run(tmp_path, after.model_copy(update={"objectives": objectives}), label="B")
    d = diff_runs(tmp_path, "A", "B")
    assert [(m.requirement_id, m.cause) for m in d.movements] == [("8.2.2", "catalogue")]


def test_framework_added_to_scope_is_not_a_gap_movement(tmp_path: Path) -> None:
    q = QUARTERS["2026Q1"]
    wider = Quarter(**{**q.__dict__, "statuses": {**q.statuses, "dora:Art.11": "not_met"},
                       "versions": {**q.versions, "dora": "2022/2554"}})
    record_run(tmp_path, build_result("2026Q1"), label="A")
    record_run(tmp_path, build_result("2026Q1", wider), label="B")
    d: RunDiff = compare(load_run(tmp_path, "A"), load_run(tmp_path, "B"))
    assert d.frameworks_added == ("dora",)
    assert d.new_gaps == () and [f.framework for f in d.frameworks] == ["iso22301", "nist-cp"]
    assert d.overall.gaps_after == 7


def test_diff_json_and_text_cli(four_quarters: Path) -> None:
    runner = CliRunner()
    out = runner.invoke(main, ["diff", str(four_quarters), "2026Q3", "4", "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["new_gaps"] == ["nist-cp:CP-2"]
    assert data["overall"]["score_after"] == 77.8
    assert data["frameworks"][0]["score_change"] == 40.0
    assert data["source"]["services_removed"] == ["S3"]
    assert data["catalogue"][0]["added"] == ["CP-13"]
    text = runner.invoke(main, ["diff", str(four_quarters), "2026Q3", "2026Q4"])
    assert text.exit_code == 0
    assert "nist-cp:CP-2 met -> not met (catalogue change)" in text.output
    assert "Critical services exercised in the window: 66.7% -> 100%" in text.output
    assert "nist-cp rev5 -> rev5.1: added CP-13; removed CP-12" in text.output


def test_history_cli(four_quarters: Path) -> None:
    record_run(four_quarters, build_result("2026Q4", run_id="again"))
    runner = CliRunner()
    out = runner.invoke(main, ["history", str(four_quarters)])
    assert out.exit_code == 0, out.output
    lines = out.output.splitlines()
    assert lines[1].split()[:6] == ["1", "2026Q1", "2026-03-31", "44.4", "6", "1"]
    assert "(superseded)" in lines[4] and "(superseded)" not in lines[5]
    data = json.loads(runner.invoke(main, ["history", str(four_quarters), "--json"]).output)
    assert [r["run_no"] for r in data] == [1, 2, 3, 4, 5]
    assert data[2]["metrics"]["exercise_coverage"] == 66.7
    empty = runner.invoke(main, ["history", str(four_quarters / "reports")])
    assert empty.exit_code == 3


def test_unknown_label_is_a_usage_error(four_quarters: Path) -> None:
    out = CliRunner().invoke(main, ["diff", str(four_quarters), "2026Q3", "2027Q1"])
    assert out.exit_code == 2
    assert "no recorded run matches '2027Q1'" in out.output
    assert "known labels: 2026Q1, 2026Q2, 2026Q3, 2026Q4" in out.output


def test_diff_without_history_says_how_to_start(tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["diff", str(tmp_path), "2026Q3", "2026Q4"])
    assert out.exit_code == 3
    assert "no run has been recorded" in out.output and "itscm-audit assess" in out.output


def test_as_of_is_kept_exactly(four_quarters: Path) -> None:
    assert load_run(four_quarters, "2026Q2").record.as_of == date(2026, 6, 30)
