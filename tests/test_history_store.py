"""The history database: recording, labels, references, crash safety, concurrency, migrations."""

from __future__ import annotations

import multiprocessing
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from history_factory import QUARTERS, build_result
from itscm_audit import history
from itscm_audit.errors import ItscmError, UsageError
from itscm_audit.history import (
    HistoryError,
    history_path,
    list_runs,
    load_run,
    load_runs,
    record_run,
)


def _record_all(root: Path) -> None:
    for label in QUARTERS:
        record_run(root, build_result(label))


def test_record_assigns_run_numbers_and_keeps_everything(tmp_path: Path) -> None:
    _record_all(tmp_path)
    runs = list_runs(tmp_path)
    assert [(r.run_no, r.label) for r in runs] == [(1, "2026Q1"), (2, "2026Q2"), (3, "2026Q3"), (4, "2026Q4")]
    q4 = load_run(tmp_path, "2026Q4")
    assert q4.record.as_of == date(2026, 12, 31)
    assert q4.record.catalogue_versions == {"iso22301": "2019", "nist-cp": "rev5.1"}
    assert q4.record.input_digests["data/actions.xlsx"] == "a1"
    assert {r.ref: r.status for r in q4.requirements}["nist-cp:CP-13"] == "not_met"
    assert next(r for r in q4.requirements if r.ref == "iso22301:8.5").rationale == "8.5 is met"
    assert next(r for r in q4.requirements if r.ref == "nist-cp:CP-2").mapping == (
        "OBJ-PLAN:equal:3", "OBJ-CONTACTS:subset_of:3")
    assert [(a.action_id, a.status, a.closed) for a in q4.actions][:2] == [
        ("CA-1", "closed", date(2026, 8, 1)), ("CA-2", "closed", date(2026, 11, 1))]
    assert [(s.service_id, s.tier, s.rto_s) for s in q4.services] == [("S1", 1, 7200), ("S2", 1, 28800),
                                                                      ("S4", 1, 14400)]
    assert [e.state for e in q4.evidence] == ["fresh", "stale", "fresh", "changed"]
    assert [(m.rank, m.objective_id) for m in q4.remediation] == [(1, "OBJ-CONTACTS"), (2, "OBJ-ACTIONS")]
    assert {o.objective_id for o in q4.objectives} >= {"OBJ-PLAN", "OBJ-CONTACTS"}


def test_trend_metrics_match_hand_computed_values(tmp_path: Path) -> None:
    _record_all(tmp_path)
    runs = list_runs(tmp_path)
    # scores: met + half partially met over decided requirements (see history_factory tables)
    assert [r.scores for r in runs] == [
        {"iso22301": 37.5, "nist-cp": 50.0}, {"iso22301": 62.5, "nist-cp": 60.0},
        {"iso22301": 60.0, "nist-cp": 60.0}, {"iso22301": 100.0, "nist-cp": 50.0}]
    assert [r.metrics["overall_score"] for r in runs] == [44.4, 61.1, 60.0, 77.8]
    assert [r.metrics["open_gaps"] for r in runs] == [6, 5, 6, 2]
    # overdue: not closed and due before as-of (CA-2 due on the Q2 as-of day is not overdue yet)
    assert [r.metrics["overdue_actions"] for r in runs] == [1, 1, 2, 2]
    assert runs[3].metrics["oldest_overdue"] == {"action_id": "CA-4", "due": "2026-08-31", "days_overdue": 122}
    # critical = tiers 1-2; window 12 months back from as-of, inclusive
    assert [r.metrics["exercise_coverage"] for r in runs] == [50.0, 100.0, 66.7, 100.0]
    assert runs[2].metrics["critical_exercised"] == ["S1", "S2"]
    assert [r.metrics["stale_evidence"] for r in runs] == [0, 1, 2, 1]
    assert [r.metrics["evidence_not_current"] for r in runs] == [0, 1, 3, 2]


def test_coverage_and_overdue_are_read_from_the_facts_not_recomputed(tmp_path: Path) -> None:
    """The history stores what the rules decided (result.facts), whatever the records would suggest."""
    base = build_result("2026Q1")
    facts = base.facts
    services = tuple(s.model_copy(update={"critical": True, "exercised_in_window": s.service_id == "S3"})
                     for s in facts.services)
    actions = tuple(a.model_copy(update={"overdue": a.action_id == "CA-2", "days_overdue": 7})
                    for a in facts.actions)
    decided = facts.model_copy(update={"services": services, "actions": actions})
    rec = record_run(tmp_path, base.model_copy(update={"facts": decided}))
    assert rec.metrics["critical_services"] == ["S1", "S2", "S3"]
    assert rec.metrics["critical_exercised"] == ["S3"]
    assert rec.metrics["exercise_coverage"] == 33.3
    assert rec.metrics["overdue_action_ids"] == ["CA-2"]
    assert rec.metrics["oldest_overdue"] == {"action_id": "CA-2", "due": "2026-06-30", "days_overdue": 7}


def test_same_label_keeps_both_runs_and_the_label_means_the_latest(tmp_path: Path) -> None:
    record_run(tmp_path, build_result("2026Q4", run_id="first"))
    record_run(tmp_path, build_result("2026Q4", run_id="second"))
    assert [r.run_id for r in list_runs(tmp_path)] == ["first", "second"]
    assert load_run(tmp_path, "2026Q4").record.run_id == "second"
    assert load_run(tmp_path, 1).record.run_id == "first"
    assert load_run(tmp_path, "first").record.run_no == 1
    assert load_run(tmp_path, "latest").record.run_no == 2
    assert [r.record.run_id for r in load_runs(tmp_path)] == ["second"]


def test_label_override_and_validation(tmp_path: Path) -> None:
    rec = record_run(tmp_path, build_result("2026Q1"), label="FY26-H1")
    assert rec.label == "FY26-H1" and load_run(tmp_path, "FY26-H1").record.run_no == 1
    for bad in ("12", "", "Q4 2026", "=cmd", "x" * 41, "latest"):
        with pytest.raises(UsageError, match="invalid history label"):
            record_run(tmp_path, build_result("2026Q1"), label=bad)
    assert len(list_runs(tmp_path)) == 1


def test_unknown_reference_lists_known_labels(tmp_path: Path) -> None:
    _record_all(tmp_path)
    with pytest.raises(UsageError) as info:
        load_run(tmp_path, "2025Q4")
    assert "2026Q1, 2026Q2, 2026Q3, 2026Q4" in info.value.one_line()
    with pytest.raises(UsageError):
        load_run(tmp_path, 99)


def test_no_history_yet(tmp_path: Path) -> None:
    assert list_runs(tmp_path) == []
    with pytest.raises(HistoryError, match="no run has been recorded"):
        load_run(tmp_path, "2026Q4")
    assert not history_path(tmp_path).exists()
    with pytest.raises(ItscmError, match="workspace folder not found"):
        list_runs(tmp_path / "missing")


def test_damaged_database_is_a_located_error(tmp_path: Path) -> None:
    path = history_path(tmp_path)
    path.parent.mkdir()
    path.write_bytes(b"this is not a database" * 100)
    with pytest.raises(HistoryError) as info:
        list_runs(tmp_path)
    assert "history.db" in info.value.one_line() and "move the file aside" in info.value.one_line()


def test_crash_mid_write_leaves_previous_runs_intact(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record_run(tmp_path, build_result("2026Q1"))
    record_run(tmp_path, build_result("2026Q2"))

    def crash(table: str) -> None:
        if table == "evidence_state":  # after run, scores, requirements, objectives, rules
            raise KeyboardInterrupt("killed")

    monkeypatch.setattr(history, "_AFTER_INSERT_HOOK", crash)
    with pytest.raises(KeyboardInterrupt):
        record_run(tmp_path, build_result("2026Q3"))
    monkeypatch.setattr(history, "_AFTER_INSERT_HOOK", None)
    assert [r.label for r in list_runs(tmp_path)] == ["2026Q1", "2026Q2"]
    with sqlite3.connect(history_path(tmp_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM requirement_status WHERE run_no > 2").fetchone()[0] == 0
    assert record_run(tmp_path, build_result("2026Q3")).run_no == 3
    assert len(load_run(tmp_path, 2).requirements) == 10


def _killed_writer(root: str) -> None:
    """Child process: starts a run and dies (os._exit, no cleanup) halfway through the inserts."""
    import os

    from history_factory import build_result as build
    from itscm_audit import history as h

    def die(table: str) -> None:
        if table == "objective_status":
            os._exit(9)

    h._AFTER_INSERT_HOOK = die
    h.record_run(Path(root), build("2026Q3"))


def _writer(root: str, label: str) -> None:
    from history_factory import build_result as build
    from itscm_audit.history import record_run as rec

    for i in range(3):
        rec(Path(root), build(label, run_id=f"{label}-{i}"))


def _ctx() -> multiprocessing.context.BaseContext:
    return multiprocessing.get_context("spawn")


def test_process_killed_between_inserts(tmp_path: Path) -> None:
    record_run(tmp_path, build_result("2026Q1"))
    proc = _ctx().Process(target=_killed_writer, args=(str(tmp_path),))
    proc.start()
    proc.join(60)
    assert proc.exitcode == 9
    assert [r.label for r in list_runs(tmp_path)] == ["2026Q1"]
    with sqlite3.connect(history_path(tmp_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT count(*) FROM requirement_status").fetchone()[0] == 10


def test_concurrent_processes_both_recorded(tmp_path: Path) -> None:
    procs = [_ctx().Process(target=_writer, args=(str(tmp_path), label)) for label in ("2026Q1", "2026Q2")]
    for p in procs:
        p.start()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0, 0]
    runs = list_runs(tmp_path)
    assert sorted(r.run_id for r in runs) == sorted(f"{q}-{i}" for q in ("2026Q1", "2026Q2") for i in range(3))
    assert [r.run_no for r in runs] == [1, 2, 3, 4, 5, 6]
    with sqlite3.connect(history_path(tmp_path)) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM requirement_status").fetchone()[0] == 60


def test_empty_v0_database_is_migrated(tmp_path: Path) -> None:
    path = history_path(tmp_path)
    path.parent.mkdir()
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE unrelated (x)")  # a user_version 0 file
    record_run(tmp_path, build_result("2026Q1"))
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == history.SCHEMA_VERSION == 3
    assert list_runs(tmp_path)[0].label == "2026Q1"


def test_forward_migration_keeps_older_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record_run(tmp_path, build_result("2026Q1"))  # a database of the current version
    current = history.SCHEMA_VERSION

    def to_next(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE run ADD COLUMN reviewer TEXT")
        conn.execute("UPDATE run SET reviewer = 'migrated'")

    monkeypatch.setattr(history, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(history.MIGRATIONS, current, to_next)
    record_run(tmp_path, build_result("2026Q2"))
    with sqlite3.connect(history_path(tmp_path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current + 1
        assert conn.execute("SELECT run_no, reviewer FROM run ORDER BY run_no").fetchall() == [
            (1, "migrated"), (2, None)]
    assert [len(load_run(tmp_path, n).requirements) for n in (1, 2)] == [10, 10]


def test_failed_migration_rolls_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record_run(tmp_path, build_result("2026Q1"))

    current = history.SCHEMA_VERSION

    def broken(conn: sqlite3.Connection) -> None:
        conn.execute("ALTER TABLE run ADD COLUMN half TEXT")
        raise RuntimeError("disk full")

    monkeypatch.setattr(history, "SCHEMA_VERSION", current + 1)
    monkeypatch.setitem(history.MIGRATIONS, current, broken)
    with pytest.raises(RuntimeError):
        list_runs(tmp_path)
    with sqlite3.connect(history_path(tmp_path)) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == current
        assert "half" not in [c[1] for c in conn.execute("PRAGMA table_info(run)")]


def test_newer_schema_is_refused_with_a_hint(tmp_path: Path) -> None:
    record_run(tmp_path, build_result("2026Q1"))
    with sqlite3.connect(history_path(tmp_path)) as conn:
        conn.execute("PRAGMA user_version = 99")
    with pytest.raises(HistoryError, match="newer itscm-audit") as info:
        list_runs(tmp_path)
    assert "upgrade itscm-audit" in info.value.one_line()


def test_a_run_waits_for_another_writer_instead_of_failing(tmp_path: Path) -> None:
    import threading

    record_run(tmp_path, build_result("2026Q1"))
    blocker = sqlite3.connect(history_path(tmp_path), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")  # another run holds the write lock
    errors: list[BaseException] = []

    def write() -> None:
        try:
            record_run(tmp_path, build_result("2026Q2"))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=write)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive()  # waiting on the busy timeout, not failed
    blocker.execute("COMMIT")
    blocker.close()
    thread.join(60)
    assert errors == []
    assert [r.label for r in list_runs(tmp_path)] == ["2026Q1", "2026Q2"]


def test_reading_does_not_wait_for_a_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    record_run(tmp_path, build_result("2026Q1"))
    monkeypatch.setattr(history, "BUSY_TIMEOUT_MS", 0)  # a read that needed the write lock would fail at once
    blocker = sqlite3.connect(history_path(tmp_path), isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    blocker.execute("INSERT INTO run (run_id, label, as_of, organisation, tool_version, frameworks, "
                    "catalogue_versions, input_digests, policy, metrics) VALUES "
                    "('x', 'X', '2026-01-01', 'o', 'v', '[]', '{}', '{}', '{}', '{}')")
    try:
        assert [r.label for r in list_runs(tmp_path)] == ["2026Q1"]  # uncommitted run invisible
        assert load_run(tmp_path, "2026Q1").record.run_no == 1
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
