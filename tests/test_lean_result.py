"""The lean result: failing entities in full and the rest counted, facts decided once by the rules,
result.json compact, streamed and without the imported records unless asked."""

from __future__ import annotations

import io
import json
from datetime import date, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from itscm_audit import result as result_module
from itscm_audit.cli import main
from itscm_audit.config import Organisation, Policy, WorkspaceConfig
from itscm_audit.model import (
    ActionStatus,
    CorrectiveAction,
    Exercise,
    ExerciseType,
    Finding,
    OrgData,
    Service,
    SourceRef,
)
from itscm_audit.pipeline import run_rules
from itscm_audit.reporters import Format, write_all
from itscm_audit.result import AssessmentResult, CheckResult, EntityResult, Outcome
from itscm_audit.rules import RULES, RuleContext
from itscm_audit.rules.facts import facts_for
from result_factory import AS_OF, make_result

H = timedelta(hours=1)


def src(row: int, sheet: str = "S") -> SourceRef:
    return SourceRef(file="t.xlsx", sheet=sheet, row=row)


def ctx_for(data: OrgData, policy: Policy | None = None) -> RuleContext:
    config = WorkspaceConfig(organisation=Organisation(name="T"))
    return RuleContext(data=data, as_of=AS_OF, policy=policy or Policy(), config=config)


# --------------------------------------------------------------------------- result.json


def test_result_json_is_compact_and_refers_to_inputs_by_digest(tmp_path: Path) -> None:
    result = make_result()
    write_all(result, tmp_path, formats=(Format.RESULT_JSON,))
    text = (tmp_path / "result.json").read_text(encoding="utf-8")
    assert text.count("\n") == 1 and text.endswith("}\n")  # one line, no indentation
    doc = json.loads(text)
    assert "data" not in doc
    assert doc["run"]["input_digests"] == {"data/service-inventory-bia.xlsx": "1" * 64,
                                          "data/exercise-log.xlsx": "2" * 64}
    assert doc["facts"]["coverage"]["overdue_actions"] == 1
    check = next(c for c in doc["checks"] if c["rule_id"] == "exercise.rto_achieved")
    assert check["counts"] == {"pass": 0, "partial": 0, "fail": 1, "no_data": 0, "not_applicable": 0}
    assert "metric" in check["entities"][0] and "value" in check["entities"][0]["sources"][0]
    assert "column" not in doc["checks"][0]  # nulls are left out of checks and facts, which default to null


def test_full_result_embeds_the_imported_records(tmp_path: Path) -> None:
    result = make_result()
    write_all(result, tmp_path, formats=(Format.RESULT_JSON,), full_result=True)
    doc = json.loads((tmp_path / "result.json").read_text(encoding="utf-8"))
    assert doc["data"] == json.loads(result.data.model_dump_json())
    assert list(doc)[-1] == "data"


@pytest.mark.parametrize("full", [False, True])
def test_streaming_in_chunks_writes_the_same_bytes(full: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    result = make_result(hostile=True, n_services=12)
    whole = result.to_json(full=full)

    class Recorder(io.BytesIO):
        sizes: list[int] = []

        def write(self, data: bytes) -> int:  # type: ignore[override]
            self.sizes.append(len(data))
            return super().write(data)

    monkeypatch.setattr(result_module, "_CHUNK", 2)
    out = Recorder()
    result.write_json(out, full=full)
    assert out.getvalue().decode("utf-8") == whole
    assert len(out.sizes) > 50 and max(out.sizes) < len(whole) / 2  # piece by piece, never as one string


def test_result_json_reads_back_as_the_same_result() -> None:
    result = make_result(hostile=True)
    back = AssessmentResult.model_validate_json(result.to_json())
    assert back.data == OrgData()
    assert back == result.model_copy(update={"data": OrgData()})
    full = AssessmentResult.model_validate_json(result.to_json(full=True))
    assert full == result


def test_schema_documents_facts_counts_and_optional_records() -> None:
    out = CliRunner().invoke(main, ["schema"])
    assert out.exit_code == 0, out.output
    schema = json.loads(out.output)
    assert "facts" in schema["properties"] and "data" in schema["properties"]
    assert "data" not in schema.get("required", [])
    defs = schema["$defs"]
    assert "counts" in defs["CheckResult"]["properties"]
    assert set(defs["EntityResult"]["properties"]) == {"entity", "entity_id", "outcome", "message", "metric",
                                                       "sources"}
    assert {"latest_exercise", "exercised_in_window", "within_rto"} <= set(defs["ServiceFacts"]["properties"])
    assert {"days_overdue", "overdue", "ageing"} <= set(defs["ActionFacts"]["properties"])


# --------------------------------------------------------------------------- checks


def _coverage_data() -> OrgData:
    services = tuple(Service(id=f"S{i}", name=f"S{i}", tier=1 if i < 4 else 3, rto=4 * H, source=src(i))
                     for i in range(1, 6))
    exercises = (Exercise(id="E1", date=date(2026, 5, 1), services=("S1",), source=src(2, "X")),
                 Exercise(id="E2", date=date(2024, 5, 1), services=("S2",), source=src(3, "X")))
    return OrgData(services=services, exercises=exercises)


def test_a_rule_counts_every_entity_and_the_pipeline_keeps_the_failing() -> None:
    ctx = ctx_for(_coverage_data())
    full = RULES["exercise.coverage"].evaluate(ctx)
    assert {e.entity_id: e.outcome for e in full.entities} == {
        "S1": Outcome.PASS, "S2": Outcome.FAIL, "S3": Outcome.FAIL, "S4": Outcome.NOT_APPLICABLE,
        "S5": Outcome.NOT_APPLICABLE}
    assert full.counts == {"pass": 1, "partial": 0, "fail": 2, "no_data": 0, "not_applicable": 2}
    (lean,) = run_rules(ctx, ["exercise.coverage"])
    assert [e.entity_id for e in lean.entities] == ["S2", "S3"]
    assert lean.counts == full.counts and lean.summary == full.summary and lean.metrics == full.metrics


def test_failing_is_filtered_once_and_a_copy_filters_its_own() -> None:
    ents = (EntityResult("service", "A", Outcome.FAIL, "x"), EntityResult("service", "B", Outcome.NO_DATA, "y"),
            EntityResult("service", "C", Outcome.PARTIAL, "z"))
    check = CheckResult(rule_id="r", title="t", outcome=Outcome.FAIL, summary="s", entities=ents)
    assert check.counts["fail"] == 1 and check.counts["no_data"] == 1  # a check built by hand counts itself
    assert [e.entity_id for e in check.failing] == ["A", "C"]
    assert check.failing is check.failing
    copy = check.model_copy(update={"entities": ents[1:]})
    assert [e.entity_id for e in copy.failing] == ["C"]


# --------------------------------------------------------------------------- facts


def test_service_facts_latest_exercise_window_and_recovery_at_as_of() -> None:
    services = (Service(id="S1", name="a", tier=1, owner="Kim", rto=4 * H, rpo=H, source=src(2)),
                Service(id="S2", name="b", tier=1, source=src(3)),
                Service(id="S3", name="c", tier=2, rto=2 * H, source=src(4)),
                Service(id="S4", name="d", tier=3, source=src(5)))
    exercises = (
        Exercise(id="E1", date=date(2026, 2, 1), services=("S1",), achieved_recovery_time=5 * H,
                 achieved_data_loss=0.5 * H, source=src(2, "X")),
        Exercise(id="E2", date=date(2026, 8, 1), services=("S1",), type=ExerciseType.TABLETOP, source=src(3, "X")),
        Exercise(id="E3", date=date(2026, 12, 1), services=("S1", "S3"), achieved_recovery_time=H,
                 source=src(4, "X")),  # after as-of: a plan, not evidence
        Exercise(id="E4", date=date(2025, 9, 30), services=("S3",), achieved_recovery_time=H, source=src(5, "X")),
        Exercise(id="E5", date=date(2025, 9, 29), services=("S2",), source=src(6, "X")),
    )
    facts = facts_for(OrgData(services=services, exercises=exercises), AS_OF)
    s1, s2, s3, s4 = facts.services
    assert (s1.latest_exercise, s1.latest_exercise_date, s1.exercised_in_window) == ("E2", date(2026, 8, 1), True)
    assert (s1.latest_recovery_exercise, s1.latest_recovery, s1.within_rto) == ("E1", 5 * H, False)
    assert (s1.latest_data_loss, s1.within_rpo, s1.owner) == (0.5 * H, True, "Kim")
    assert (s2.latest_exercise, s2.exercised_in_window) == ("E5", False)  # the day before the window
    assert (s3.latest_exercise, s3.exercised_in_window, s3.within_rto) == ("E4", True, True)  # first day counts
    assert (s4.critical, s4.latest_exercise, s4.within_rto) == (False, None, None)
    cov = facts.coverage
    assert cov is not None and cov.exercise_window_start == date(2025, 9, 30)
    assert (cov.critical_services, cov.critical_exercised, cov.exercise_coverage) == (3, 2, 66.7)
    assert (cov.recoveries_measured, cov.recoveries_within_rto) == (2, 1)


def test_action_facts_status_days_overdue_and_ageing_at_as_of() -> None:
    actions = (
        CorrectiveAction(id="A1", finding_id="F1", due=date(2026, 9, 30), opened=date(2026, 9, 1), source=src(2)),
        CorrectiveAction(id="A2", finding_id="F1", due=date(2026, 9, 20), source=src(3)),
        CorrectiveAction(id="A3", due=date(2026, 8, 1), status=ActionStatus.CLOSED, closed=date(2026, 10, 5),
                         opened=date(2026, 7, 1), source=src(4)),  # closed after as-of: open on it
        CorrectiveAction(id="A4", due=date(2025, 1, 1), status=ActionStatus.CLOSED, closed=date(2025, 2, 1),
                         opened=date(2024, 12, 1), source=src(5)),
        CorrectiveAction(id="A5", status=ActionStatus.IN_PROGRESS, source=src(6)),
    )
    data = OrgData(
        services=(Service(id="S1", name="a", source=src(2)),),
        exercises=(Exercise(id="E1", date=date(2026, 1, 1), services=("S1",), source=src(2, "X")),),
        findings=(Finding(id="F1", exercise_id="E1", source=src(2, "F")),), corrective_actions=actions)
    facts = facts_for(data, AS_OF).actions_by_id()
    assert (facts["A1"].days_overdue, facts["A1"].overdue, facts["A1"].age_days) == (0, False, 29)
    assert (facts["A2"].days_overdue, facts["A2"].overdue, facts["A2"].ageing) == (10, True, "overdue_0_30_days")
    assert facts["A2"].services == ("S1",)
    assert (facts["A3"].status, facts["A3"].days_overdue, facts["A3"].ageing) == (ActionStatus.OPEN, 60,
                                                                                 "overdue_31_90_days")
    assert (facts["A4"].status, facts["A4"].days_overdue, facts["A4"].overdue, facts["A4"].age_days) == (
        ActionStatus.CLOSED, None, False, 62)
    assert (facts["A5"].status, facts["A5"].days_overdue, facts["A5"].overdue) == (ActionStatus.IN_PROGRESS, None,
                                                                                  False)
    graced = facts_for(data, AS_OF, policy=Policy(corrective_action_grace_days=10)).actions_by_id()
    assert (graced["A2"].days_overdue, graced["A2"].overdue) == (10, False)
    all_facts = facts_for(data, AS_OF)
    assert all_facts.services[0].earliest_open_due == date(2026, 9, 20)
    assert all_facts.coverage is not None
    assert (all_facts.coverage.open_actions, all_facts.coverage.overdue_actions,
            all_facts.coverage.oldest_overdue) == (4, 2, "A3")


def test_the_rules_read_the_same_facts() -> None:
    """exercise.coverage, exercise.rto_achieved and action.not_overdue decide exactly what the facts say."""
    data = _coverage_data()
    ctx = ctx_for(data)
    facts = facts_for(data, AS_OF)
    failing = {e.entity_id for e in RULES["exercise.coverage"].evaluate(ctx).failing}
    assert failing == {s.service_id for s in facts.services if s.critical and not s.exercised_in_window}


# --------------------------------------------------------------------------- one answer per fact, end to end


def _overdue_everywhere(result: AssessmentResult, out: Path, tmp_path: Path) -> list[set[str]]:
    import openpyxl

    from itscm_audit.history import record_run

    rule = {e.entity_id for e in result.check("action.not_overdue").failing}
    facts = {a.action_id for a in result.facts.actions if a.overdue}
    wb = openpyxl.load_workbook(out / "gap-matrix.xlsx", read_only=True)
    rows = list(wb["Corrective actions"].iter_rows(values_only=True))
    head = rows[0]
    sheet = {r[head.index("Action")] for r in rows[1:] if r[head.index("On time")] == "overdue"}
    (tmp_path / "ws").mkdir(exist_ok=True)
    history = set(record_run(tmp_path / "ws", result).metrics["overdue_action_ids"])
    return [rule, facts, sheet, history]


def test_one_answer_for_overdue_and_coverage_in_rules_workbook_and_history(example_run, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    import openpyxl

    result = example_run.result
    answers = _overdue_everywhere(result, example_run.out_dir, tmp_path)
    assert answers[0] and all(a == answers[0] for a in answers), answers
    not_covered = {e.entity_id for e in result.check("exercise.coverage").failing}
    critical = {s.service_id for s in result.facts.services if s.critical}
    wb = openpyxl.load_workbook(example_run.out_dir / "gap-matrix.xlsx", read_only=True)
    rows = list(wb["Services"].iter_rows(values_only=True))
    head = rows[0]
    sheet = {r[0] for r in rows[1:] if r[0] in critical and r[head.index("Coverage")] != "in window"}
    assert sheet == not_covered == {s.service_id for s in result.facts.services
                                    if s.critical and not s.exercised_in_window}
    over_rto = {e.entity_id for e in result.check("exercise.rto_achieved").failing}
    sheet_rto = {r[0] for r in rows[1:] if r[head.index("Within RTO")] == "no" and r[head.index("In scope")] == "yes"}
    assert over_rto == sheet_rto and over_rto


def test_one_answer_for_overdue_at_a_later_as_of(example_workspace: Path, tmp_path: Path) -> None:
    """At another as-of the rule, the facts, the workbook and the history move together (they used to
    compute "overdue" three ways and give three different counts)."""
    from itscm_audit.pipeline import assess

    result = assess(example_workspace, date(2026, 12, 31))
    write_all(result, tmp_path / "out", formats=(Format.GAP_MATRIX,))
    answers = _overdue_everywhere(result, tmp_path / "out", tmp_path)
    assert answers[0] and all(a == answers[0] for a in answers), answers


def test_cli_full_result_flag(example_workspace: Path, tmp_path: Path) -> None:
    out = CliRunner().invoke(main, ["assess", str(example_workspace), "--out", str(tmp_path / "r"), "--no-history",
                                    "--full-result"])
    assert out.exit_code == 0, out.output
    doc = json.loads((tmp_path / "r" / "result.json").read_text(encoding="utf-8"))
    assert len(doc["data"]["services"]) == len(doc["facts"]["services"]) > 0
