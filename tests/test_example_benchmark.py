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
