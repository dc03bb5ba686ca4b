"""The benchmark's baselines and report (figures only: nothing here is timed or asserted on speed)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest
from python_calamine import CalamineWorkbook

from itscm_audit.example import write_workspace

RUN = Path(__file__).resolve().parent.parent / "benchmarks" / "run.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("itscm_benchmark", RUN)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the file runs
    spec.loader.exec_module(module)
    return module


def test_calamine_baseline_reads_every_cell_of_every_source(bench: ModuleType, tmp_path: Path) -> None:
    root = write_workspace(tmp_path / "ws", 20, seed=1)
    files = bench.data_files(root)
    assert {p.name for p in files} >= {"service-inventory-bia.xlsx", "backup-log.xlsx", "vendors.csv"}
    _seconds, cells = bench.calamine_read(files)
    services = CalamineWorkbook.from_path(str(root / "data" / "service-inventory-bia.xlsx"))
    service_cells = sum(len(r) for r in services.get_sheet_by_name("Services").to_python())
    assert cells > service_cells + 140 * 4  # services plus at least the backup log


def test_xlsxwriter_baseline_writes_the_same_shape(bench: ModuleType, tmp_path: Path) -> None:
    shapes = [("Summary", 3, 4), ("Gap matrix", 10, 7)]
    bench.xlsxwriter_write(shapes, tmp_path / "baseline.xlsx")
    assert [(r, c) for _n, r, c in bench.sheet_shapes(tmp_path / "baseline.xlsx")] == [(3, 4), (10, 7)]


def test_report_prints_stages_and_both_ratios(bench: ModuleType) -> None:
    figures = {
        "size": "small", "generate_s": 0.5, "data_mib": 0.3, "records": {"services": 40, "exercises": 0},
        "seconds": {"config": 0.01, "import": 0.6, "rules": 0.1}, "maxrss_after": {"import": 60.0},
        "heap_peak": {"import": 18.0}, "write_all_s": 3.0, "calamine_s": 0.3, "calamine_cells": 1000,
        "calamine_warm_s": 0.25, "import_warm_s": 0.45, "xlsxwriter_s": 1.5, "gap_matrix_cells": 500, "packs": {"gap-matrix.xlsx": 2048},
    }
    text = bench.report(figures)
    assert "import" in text and "18.0" in text and "services 40" in text and "exercises" not in text
    assert "ratio 2.00x" in text  # import 0.6 s / calamine 0.3 s, and write_all 3.0 s / xlsxwriter 1.5 s
    assert text.count("ratio 2.00x") == 2
    assert "warm" in text and "ratio 1.80x (target <= 2x)" in text  # 0.45 s / 0.25 s


def test_report_prints_the_floor_the_ratio_and_the_targets(bench: ModuleType) -> None:
    figures = {
        "size": "large", "generate_s": None, "records": {"services": 20000}, "seconds": {"import": 2.0, "rules": 2.0},
        "maxrss_after": {"import": 390.0}, "write_all_s": 4.0, "history_s": 1.0, "calamine_s": 1.0,
        "calamine_cells": 10, "calamine_warm_s": 1.0, "import_warm_s": 2.0, "xlsxwriter_s": 4.0,
        "gap_matrix_cells": 10, "packs": {"result.json": 28 * 2**20}, "peak_rss_mib": 550.0,
        "history_growth": 6_670_000, "e2e_s": [9.0, 12.0, 10.0],
        "floor": [{"read_s": 1.0, "write_s": 2.0, "floor_s": 3.0}, {"read_s": 1.0, "write_s": 3.0, "floor_s": 4.0},
                  {"read_s": 2.0, "write_s": 2.0, "floor_s": 4.0}],
        "floor_rows": {"requirements": 177, "services": 20000},
    }
    text = bench.report(figures)
    assert "floor: read every data cell (python-calamine) 1.00 s + write one row per requirement (177) and per " \
           "service (20,000) (xlsxwriter constant_memory) 2.00 s = 3.00 s" in text
    assert "end to end (assess + packs + history) 9.00 s; ratio to the floor 3.00x" in text
    assert "min 2.50x, median 3.00x, max 3.00x" in text  # 9/3, 12/4, 10/4: each run against its own floor
    assert "peak RSS 550 MiB" in text and "result.json 28.0 MiB" in text and "6.67 MB per run" in text


def test_floor_writes_one_row_per_requirement_and_per_service(bench: ModuleType, tmp_path: Path) -> None:
    from itscm_audit.reporters.tables import REQUIREMENT_COLUMNS, SERVICE_COLUMNS

    root = write_workspace(tmp_path / "ws", 20, seed=1)
    floor = bench.measure_floor(bench.data_files(root), 7, 20, tmp_path / "floor.xlsx")
    assert floor["floor_s"] == floor["read_s"] + floor["write_s"]
    assert [(r, c) for _n, r, c in bench.sheet_shapes(tmp_path / "floor.xlsx")] == [
        (8, len(REQUIREMENT_COLUMNS)), (21, len(SERVICE_COLUMNS))]
