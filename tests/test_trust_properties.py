"""Issue 13, property-based: whatever the evidence manifest, itscm.yaml, attestations workbook, source
spreadsheet, history row or command-line date holds, the outcome is a result or a located ItscmError,
never an internal error. (The spreadsheet value parsers have their own properties: test_import_values.)"""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
import tempfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fixture_script import trust
from itscm_audit.errors import ItscmError

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
WIDE = settings(SETTINGS, max_examples=200)
"""For the quick properties whose failures hide in rare combinations (a far date in a valid item)."""

_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
_DATES = st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31))
_SCALARS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**20), max_value=10**20),
                     st.floats(allow_nan=True, allow_infinity=True), _DATES, _TEXT,
                     st.sampled_from(["9999-12-31", "0001-01-01", "1e300", "P99999999Y", "", "../x", "/etc/passwd"]))
_VALUES = st.recursive(_SCALARS, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_TEXT, inner, max_size=3),
                       max_leaves=8)


@contextmanager
def _scratch() -> Iterator[Path]:
    """A fresh folder per example (pytest's tmp_path is shared by every example of a property)."""
    with tempfile.TemporaryDirectory() as folder:
        yield Path(folder)


def _dump(data: Any) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


_ITEM_KEYS = ("path", "sha256", "type", "title", "collected", "effective_from", "effective_to", "ttl_days",
              "services", "exercises", "objectives", "surprise")
_VALID_ITEM = {"path": "plan.md", "sha256": "0" * 64, "type": "continuity_plan", "collected": dt.date(2026, 1, 10)}
_FAR_DATES = st.one_of(st.sampled_from([dt.date(9999, 12, 31), dt.date(1, 1, 1)]), _DATES)
_SPOILT = st.fixed_dictionaries({}, optional={
    "collected": _FAR_DATES, "effective_to": _FAR_DATES, "services": _VALUES,
    "ttl_days": st.one_of(st.sampled_from([999_999_999, 10**12, 0, -1]), st.integers(-(10**12), 10**12)),
    "type": st.sampled_from(["continuity_plan", "post_exercise_report", "no_such_type"])})
_ITEMS = st.lists(st.one_of(
    st.dictionaries(st.sampled_from(_ITEM_KEYS), _VALUES, max_size=8),
    # a valid item with a few fields spoilt: what reaches the time-to-live arithmetic
    _SPOILT.map(lambda spoilt: {**_VALID_ITEM, **spoilt}),
), max_size=4)


@WIDE
@given(manifest=st.one_of(_ITEMS.map(lambda items: {"items": items}), _VALUES, _TEXT.map(lambda t: {"items": t})),
       as_of=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2199, 12, 31)))
def test_any_evidence_manifest_gives_statuses_or_a_located_error(manifest: Any, as_of: dt.date) -> None:
    from itscm_audit.config import Policy
    from itscm_audit.evidence import load_evidence, verify_evidence

    with _scratch() as root:
        (root / "evidence").mkdir()
        (root / "evidence" / "plan.md").write_text("plan")
        (root / "evidence" / "manifest.yaml").write_text(_dump(manifest), encoding="utf-8")
        try:
            load_evidence(root, as_of, Policy())
            verify_evidence(root)
        except ItscmError as exc:
            assert exc.location and str(root) in exc.location


_POLICY_KEYS = ("critical_tiers", "exercise_window_months", "plan_review_months", "contact_verification_months",
                "training_interval_months", "restore_test_window_months", "backup_period_days",
                "corrective_action_grace_days", "partial_threshold", "evidence_ttl_days", "notification_clocks",
                "date_order")
_CLOCKS = ("gdpr_regulator_hours", "dora_final_days", "pipeda_record_months", "hipaa_individuals_days")
_NUMBERS = st.one_of(st.integers(min_value=-(10**12), max_value=10**12), st.floats(allow_nan=True),
                     st.sampled_from([0, 1, 60, 3660, 36525, 87_600]))
_POLICY = st.fixed_dictionaries({}, optional={
    **dict.fromkeys(_POLICY_KEYS[1:9], _NUMBERS),
    "critical_tiers": st.lists(st.integers(min_value=-5, max_value=10**6), max_size=3),
    "evidence_ttl_days": st.dictionaries(st.sampled_from(["continuity_plan", "backup_report"]), _NUMBERS, max_size=2),
    "notification_clocks": st.fixed_dictionaries({}, optional=dict.fromkeys(_CLOCKS, _NUMBERS)),
    "date_order": st.sampled_from(["auto", "dmy", "mdy", "ymd"]),
})
_CONFIG = st.fixed_dictionaries({"organisation": st.one_of(st.just({"name": "Trust Test Mutual"}), _VALUES)}, optional={
    "as_of": st.one_of(st.sampled_from([dt.date(1, 1, 1), dt.date(9999, 12, 31)]), _DATES, _VALUES),
    "policy": st.one_of(_POLICY, _VALUES),
    "frameworks": st.one_of(st.just(["iso22301"]), _VALUES), "catalogues": st.lists(_TEXT, max_size=2),
    "sources": st.one_of(st.just([{"path": "data/services.csv", "entity": "service"}]), _VALUES),
    "scope": _VALUES, "vocabularies": _VALUES,
})


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Any]:
    """The small workspace with one evidence item (its time-to-live comes from the policy), and its data."""
    from itscm_audit.config import load_config
    from itscm_audit.evidence import add_evidence
    from itscm_audit.importers import import_sources

    root = trust.small_workspace(tmp_path_factory.mktemp("props") / "ws")
    add_evidence(root, Path("plan.md"), "continuity_plan", dt.date(2026, 1, 10))
    return root, import_sources(root, load_config(root)).data


@WIDE
@given(config=_CONFIG)
def test_any_itscm_yaml_is_valid_or_a_located_error_and_its_policy_never_breaks_a_rule(
        config: dict[str, Any], small: tuple[Path, Any]) -> None:
    from itscm_audit.config import parse_config
    from itscm_audit.errors import WorkspaceError
    from itscm_audit.evidence import load_evidence
    from itscm_audit.pipeline import run_rules
    from itscm_audit.rules import RuleContext

    try:
        parsed = parse_config(_dump(config), Path("itscm.yaml"))
    except WorkspaceError as exc:
        assert exc.location == "itscm.yaml" and "problem" in exc.message or "YAML" in exc.message
        return
    root, data = small
    as_of = parsed.as_of or dt.date(2026, 9, 30)
    evidence = load_evidence(root, as_of, parsed.policy)
    ctx = RuleContext(data=data, as_of=as_of, policy=parsed.policy, config=parsed, evidence=evidence)
    assert run_rules(ctx)


_CELLS = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(10**15), max_value=10**15),
                   st.floats(allow_nan=False, allow_infinity=False, width=32),
                   st.datetimes(min_value=dt.datetime(1900, 1, 2), max_value=dt.datetime(9999, 12, 31)),
                   st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=20),
                   st.sampled_from(["Target", "Status", "Met", "N/A", "iso22301:99.9", "OBJ-X", "9999-12-31",
                                    "=HYPERLINK(\"x\")", "nonsense:1"]))
_GRIDS = st.lists(st.lists(_CELLS, min_size=1, max_size=8), min_size=0, max_size=8)
_HEADER = st.sampled_from([None, ["Target", "Status", "Statement", "Justification", "Attested By", "Date"]])


@SETTINGS
@given(header=_HEADER, grid=_GRIDS)
def test_any_attestations_workbook_is_read_or_a_located_error(header: list[str] | None,
                                                              grid: list[list[Any]]) -> None:
    from openpyxl import Workbook

    from itscm_audit.attestations import read_attestations

    with _scratch() as root:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.title = "Attestations"
        for row in ([header] if header else []) + grid:
            ws.append(row)
        wb.save(root / "attestations.xlsx")
        try:
            found, issues, _digest = read_attestations(root)
        except ItscmError as exc:
            assert exc.location == "attestations.xlsx"
            return
        assert all(i.source.file == "attestations.xlsx" and i.source.row for i in issues)
        assert all(a.source.row for a in found)


@SETTINGS
@given(grid=_GRIDS)
def test_any_call_tree_workbook_imports_or_reports_located_issues(grid: list[list[Any]]) -> None:
    from openpyxl import Workbook

    from itscm_audit.importers import import_files

    with _scratch() as root:
        wb = Workbook()
        ws = wb.active
        assert ws is not None
        ws.append(list(trust.CALL_TREE[0]))
        for row in grid:
            ws.append(row)
        wb.save(root / "call-tree.xlsx")
        result = import_files([root / "call-tree.xlsx"], None, entity="contact")
        assert all(i.source.file for i in result.issues)


@pytest.fixture(scope="module")
def history_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from history_factory import build_result
    from itscm_audit.history import record_run

    root = tmp_path_factory.mktemp("history")
    for label in ("2026Q1", "2026Q2"):
        record_run(root, build_result(label))
    return root


_TABLE_COLUMNS = {"run": ("as_of", "frameworks", "metrics", "input_digests", "catalogue_versions", "redacted"),
                  "framework_score": ("score", "counts"), "requirement_status": ("mapping", "status"),
                  "evidence_state": ("expires", "state"), "run_part": ("body",),
                  "remediation": ("rank", "requirements", "weight"), "rule_outcome": ("metrics", "failing")}
_PARTS = [zlib.compress(text.encode()) for text in ('{"service_id": [1]}', "[1, 2]", '{"r": [[1, 2]]}',
                                                    '{"action_id": ["A"], "finding_id": [], "status": []}')]
"""Compressed parts that decompress to JSON of the wrong shape (history schema 3)."""


@SETTINGS
@given(table=st.sampled_from(sorted(_TABLE_COLUMNS)), data=st.data(),
       value=st.one_of(st.none(), _TEXT, st.integers(min_value=-(2**63), max_value=2**63 - 1), st.floats(), st.sampled_from(["{}", "[]", "9999-12-31",
                                                                                       '{"overall_score": "x"}', b"\x00",
                                                                                       *_PARTS])))
def test_any_damaged_history_cell_is_a_located_error(history_template: Path, table: str, data: st.DataObject,
                                                     value: Any) -> None:
    from itscm_audit.history import HistoryError, diff_runs, list_runs, load_runs

    column = data.draw(st.sampled_from(_TABLE_COLUMNS[table]))
    with _scratch() as root:
        shutil.copytree(history_template / ".itscm", root / ".itscm")
        with sqlite3.connect(root / ".itscm" / "history.db") as conn:
            try:
                conn.execute(f"UPDATE {table} SET {column} = ? WHERE run_no = 1", (value,))
            except sqlite3.IntegrityError:  # NOT NULL: the database itself refuses this damage
                return
        try:
            list_runs(root)
            load_runs(root)
            diff_runs(root, 1, 2)
        except HistoryError as exc:
            assert exc.location and exc.location.endswith("history.db")


@SETTINGS
@given(text=st.one_of(_TEXT, _DATES.map(dt.date.isoformat)))
def test_any_command_line_date_is_a_bounded_date_or_a_usage_error(text: str) -> None:
    from itscm_audit.cli.common import parse_date
    from itscm_audit.periods import EARLIEST_DATE, LATEST_DATE

    try:
        parsed = parse_date(click.Context(click.Command("x")), click.Option(["--as-of"]), text)
    except click.BadParameter:
        return
    assert parsed is not None and EARLIEST_DATE <= parsed <= LATEST_DATE
