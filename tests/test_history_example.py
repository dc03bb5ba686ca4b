"""End to end: four quarters of the example organisation, with its spreadsheets edited between quarters,
recorded in the history; the diffs and trend values checked against what the edits imply."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest

from itscm_audit.history import diff_runs, list_runs, record_run
from itscm_audit.pipeline import assess
from itscm_audit.result import AssessmentResult, Outcome

pytestmark = pytest.mark.slow  # assesses the example organisation five times (about 20 s on 2 cores)


def _edit_xlsx(path: Path, sheet: str, key: str, column: str, value: object) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb[sheet]
    header_row = next(r for r in range(1, 10) if ws.cell(r, 1).value in ("Service ID", "Action ID"))
    headers = [c.value for c in ws[header_row]]
    row = next(r for r in range(header_row + 1, ws.max_row + 1) if ws.cell(r, 1).value == key)
    ws.cell(row, headers.index(column) + 1).value = value
    wb.save(path)


def _delete_service(path: Path, key: str) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb["Services"]
    ws.delete_rows(next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == key))
    wb.save(path)


def _add_exercise(path: Path, row: list[object]) -> None:
    import openpyxl

    wb = openpyxl.load_workbook(path)
    wb["Exercises"].append(row)
    wb.save(path)


def _coverage(result: AssessmentResult) -> float:
    """The rule's own figure (its passing services are counted, not kept), to compare with the history's."""
    check = result.check("exercise.coverage")
    return round(100.0 * check.counts[Outcome.PASS.value] / check.metrics["total"], 1)


def _gaps(result: AssessmentResult) -> set[str]:
    return {f"{r.framework}:{r.requirement_id}" for r in result.requirements if r.status.is_gap}


@pytest.fixture(scope="module")
def quarters(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[AssessmentResult]]:
    from itscm_audit.example import init_workspace

    ws = init_workspace(tmp_path_factory.mktemp("e2e") / "aurora")
    data = ws / "data"
    frameworks = ["iso22301", "nist-800-53-cp", "dora"]
    results = [assess(ws, date(2026, 9, 30), frameworks)]
    # Q4 2026: RTO of SVC-001 tightened, CA-004 closed, the two unexercised critical services failed over
    _edit_xlsx(data / "service-inventory-bia.xlsx", "Services", "SVC-001", "RTO (hrs)", 4)
    _edit_xlsx(data / "exercise-log.xlsx", "Corrective Actions", "CA-004", "Status", "Closed")
    _edit_xlsx(data / "exercise-log.xlsx", "Corrective Actions", "CA-004", "Closed On", datetime(2026, 11, 20))
    _add_exercise(data / "exercise-log.xlsx", ["EX-2026-100", datetime(2026, 11, 20), "Failover",
                                               "Data centre failover", "SVC-015, SVC-024", "3h", "0", "Passed", None])
    results.append(assess(ws, date(2026, 12, 31), frameworks))
    # Q1 2027: SVC-026 retired from the inventory, CA-020 closed
    _delete_service(data / "service-inventory-bia.xlsx", "SVC-026")
    _edit_xlsx(data / "exercise-log.xlsx", "Corrective Actions", "CA-020", "Status", "Closed")
    _edit_xlsx(data / "exercise-log.xlsx", "Corrective Actions", "CA-020", "Closed On", datetime(2027, 2, 1))
    results.append(assess(ws, date(2027, 3, 31), frameworks))
    # Q2 2027: nothing edited; time passes
    results.append(assess(ws, date(2027, 6, 30), frameworks))
    for r in results:
        record_run(ws, r)
    return ws, results


def test_four_quarters_recorded_with_trend_values(quarters: tuple[Path, list[AssessmentResult]]) -> None:
    ws, results = quarters
    runs = list_runs(ws)
    assert [r.label for r in runs] == ["2026Q3", "2026Q4", "2027Q1", "2027Q2"]
    # overdue = not closed and due before as-of, read off the Corrective Actions sheet by hand:
    # Q3: CA-004, CA-013, CA-020; Q4: CA-012, CA-013, CA-016, CA-017, CA-020 (CA-004 closed);
    # Q1: CA-012, CA-013, CA-016, CA-017 (CA-020 closed, CA-018 due on the as-of day); Q2: + CA-018
    assert [r.metrics["overdue_actions"] for r in runs] == [3, 5, 4, 5]
    assert runs[0].metrics["oldest_overdue"] == {"action_id": "CA-004", "due": "2026-06-30", "days_overdue": 92}
    assert runs[1].metrics["oldest_overdue"] == {"action_id": "CA-020", "due": "2026-07-15", "days_overdue": 169}
    assert [r.metrics["exercise_coverage"] for r in runs] == [_coverage(x) for x in results]
    assert [r.metrics["open_gaps"] for r in runs] == [len(_gaps(x)) for x in results]
    assert [r.scores for r in runs] == [{f.framework: f.score for f in x.frameworks} for x in results]


def test_diff_explains_the_edits(quarters: tuple[Path, list[AssessmentResult]]) -> None:
    ws, results = quarters
    d = diff_runs(ws, "2026Q3", "2026Q4")
    assert [(c.service_id, c.field, c.before, c.after) for c in d.source.service_changes] == [
        ("SVC-001", "rto", "8 h", "4 h"),
        ("SVC-015", "latest_exercise", "EX-2025-009 (2025-03-18)", "EX-2026-100 (2026-11-20)"),
        ("SVC-024", "latest_exercise", "EX-2025-020 (2025-06-25)", "EX-2026-100 (2026-11-20)")]
    assert d.source.exercises_added == ("EX-2026-100",)
    assert d.source.files_changed == ("data/exercise-log.xlsx", "data/service-inventory-bia.xlsx")
    assert [a.action_id for a in d.actions_closed] == ["CA-004"]
    assert d.newly_overdue == ("CA-016", "CA-017", "CA-012")  # oldest due date first
    assert {"SVC-015", "SVC-024"} <= set(d.newly_exercised)
    assert d.catalogue == () and all(m.cause == "organisation" for m in d.movements)
    before, after = _gaps(results[0]), _gaps(results[1])
    assert {f"{m.framework}:{m.requirement_id}" for m in d.new_gaps} == after - before
    assert {f"{m.framework}:{m.requirement_id}" for m in d.closed_gaps} <= before - after

    d = diff_runs(ws, "2026Q4", "2027Q1")
    assert d.source.services_removed == ("SVC-026",)
    assert [a.action_id for a in d.actions_closed] == ["CA-020"]

    d = diff_runs(ws, "2027Q1", "2027Q2")
    assert d.source.files_changed == () and d.source.service_changes == () and d.source.exercises_added == ()
    assert d.newly_overdue == ("CA-018",)


def test_assess_and_report_records_the_run(quarters: tuple[Path, list[AssessmentResult]],
                                           tmp_path: Path) -> None:
    from itscm_audit.reporters.quarterly import write_quarterly_report
    from itscm_audit.service import assess_and_report

    ws, _ = quarters
    outcome = assess_and_report(ws, as_of=date(2027, 6, 30), frameworks=["iso22301"], out=tmp_path / "r",
                                label="2027Q2-rerun")
    runs = list_runs(ws)
    assert (runs[-1].label, runs[-1].run_id, runs[-1].frameworks) == (
        "2027Q2-rerun", outcome.result.run.run_id, ("iso22301",))
    paths = write_quarterly_report(ws, tmp_path / "q", ["2026Q3", "2026Q4", "2027Q1", "2027Q2"])
    import openpyxl

    trend = openpyxl.load_workbook(paths[0])["Trend"]
    assert [r[0] for r in trend.iter_rows(min_row=2, max_row=5, values_only=True)] == [
        "2026Q3", "2026Q4", "2027Q1", "2027Q2"]
    assert [r[4] for r in trend.iter_rows(min_row=2, max_row=5, values_only=True)] == [3, 5, 4, 5]
