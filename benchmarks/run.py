"""Benchmark: time and memory of each pipeline stage on the synthetic organisation, with baselines.

Usage::

    python benchmarks/run.py                      # the example (small), in a temporary folder
    python benchmarks/run.py --size large --out /tmp/itscm-large
    python benchmarks/run.py --size 2000          # 2,000 services, 6,000 exercises, 14,000 backup runs

Steps, all in one process so the figures are comparable:

1. generate the organisation (skipped when ``--out`` already holds a workspace);
2. ``pipeline.assess`` with a stage timer: wall time and ``ru_maxrss`` after each stage;
3. ``reporters.write_all``: the packs;
4. baselines: python-calamine alone reading every sheet of the same files (csv: the csv module), and
   xlsxwriter alone (``constant_memory``) writing as many plain-string cells as gap-matrix.xlsx holds;
5. a second pass under ``tracemalloc`` for the Python-heap peak of each stage (``--no-tracemalloc``
   skips it; tracemalloc slows Python code, so the timings come from the first pass only).

Prints figures and the two ratios (targets: import within 2x of calamine, packs within 2x of
xlsxwriter). Always exits 0: these are measurements, not assertions.
"""

from __future__ import annotations

import argparse
import csv
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from itscm_audit.pipeline import StageTimer

STAGES = ("config", "catalogues", "import", "evidence", "rules", "objectives", "requirements")


def maxrss_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB, macOS bytes)."""
    value = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return value / 2**20 if sys.platform == "darwin" else value / 2**10


@dataclass
class MeasuringTimer(StageTimer):
    """A stage timer that also notes ru_maxrss after each stage and, when tracing, the heap peak."""

    trace: bool = False
    heap_peak_mib: dict[str, float] = field(default_factory=dict)
    maxrss_after: dict[str, float] = field(default_factory=dict)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        if self.trace:
            tracemalloc.reset_peak()
        with super().stage(name):
            yield
        if self.trace:
            self.heap_peak_mib[name] = tracemalloc.get_traced_memory()[1] / 2**20
        self.maxrss_after[name] = maxrss_mib()


def data_files(root: Path) -> list[Path]:
    return sorted(p for p in (root / "data").iterdir() if p.suffix.lower() in (".xlsx", ".csv"))


def calamine_read(files: list[Path]) -> tuple[float, int]:
    """python-calamine alone: every sheet of every workbook to Python lists (csv through the csv module)."""
    from python_calamine import CalamineWorkbook

    start = time.perf_counter()
    cells = 0
    for path in files:
        if path.suffix.lower() == ".csv":
            with path.open(newline="", encoding="utf-8-sig") as handle:
                rows: list[Any] = list(csv.reader(handle))
            cells += sum(len(r) for r in rows)
            continue
        book = CalamineWorkbook.from_path(str(path))
        for name in book.sheet_names:
            data = book.get_sheet_by_name(name).to_python()
            cells += sum(len(r) for r in data)
    return time.perf_counter() - start, cells


def warm_read_pair(root: Path, files: list[Path], runs: int = 3) -> tuple[float, float]:
    """Median seconds of python-calamine alone and of our import, alternating, in a warm process."""
    import gc
    import statistics

    from itscm_audit.config import load_config
    from itscm_audit.importers import import_sources

    config = load_config(root)
    cal, imp = [], []
    for _ in range(runs):
        gc.collect()
        cal.append(calamine_read(files)[0])
        gc.collect()
        start = time.perf_counter()
        import_sources(root, config)
        imp.append(time.perf_counter() - start)
    return statistics.median(cal), statistics.median(imp)


def sheet_shapes(path: Path) -> list[tuple[str, int, int]]:
    """(sheet, rows, columns) of a workbook, to write the same number of cells in the baseline."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    shapes = []
    for name in book.sheet_names:
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        shapes.append((name, len(data), max((len(r) for r in data), default=0)))
    return shapes


def xlsxwriter_write(shapes: list[tuple[str, int, int]], path: Path) -> float:
    """xlsxwriter alone (constant_memory): the same rows x columns per sheet, plain strings."""
    import xlsxwriter

    start = time.perf_counter()
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    for k, (_name, rows, cols) in enumerate(shapes):
        sheet = book.add_worksheet(f"Sheet{k + 1}")
        for r in range(rows):
            for c in range(cols):
                sheet.write_string(r, c, f"cell {r}-{c}")
    book.close()
    return time.perf_counter() - start


def run(size: str | int, out: Path, seed: int, trace: bool) -> dict[str, Any]:
    from itscm_audit.example import write_workspace
    from itscm_audit.pipeline import assess
    from itscm_audit.reporters import write_all

    figures: dict[str, Any] = {"size": size, "stages": {}}
    root = out / "workspace"
    if (root / "itscm.yaml").is_file():
        figures["generate_s"] = None
    else:
        start = time.perf_counter()
        write_workspace(root, size, seed)  # type: ignore[arg-type]
        figures["generate_s"] = time.perf_counter() - start
    files = data_files(root)
    figures["data_mib"] = sum(p.stat().st_size for p in files) / 2**20

    timer = MeasuringTimer()
    result = assess(root, timer=timer)
    figures["seconds"] = dict(timer.seconds)
    figures["maxrss_after"] = dict(timer.maxrss_after)
    figures["records"] = {k: len(v) for k, v in result.data if isinstance(v, tuple)}
    figures["issues"] = len(result.issues)

    packs = out / "packs"
    for old in (packs, out / "packs-traced"):  # packs are never overwritten: clear the last measurement's
        shutil.rmtree(old, ignore_errors=True)
    start = time.perf_counter()
    written = write_all(result, packs, workspace=root)
    figures["write_all_s"] = time.perf_counter() - start
    figures["maxrss_after"]["write_all"] = maxrss_mib()
    figures["packs"] = {p.name: p.stat().st_size for p in written}

    figures["calamine_s"], figures["calamine_cells"] = calamine_read(files)
    # the read ratio compares like with like: both warm (modules imported, files in the page cache,
    # mapping profiles saved), median of three alternating runs
    figures["calamine_warm_s"], figures["import_warm_s"] = warm_read_pair(root, files)
    shapes = sheet_shapes(packs / "gap-matrix.xlsx")
    figures["gap_matrix_cells"] = sum(r * c for _n, r, c in shapes)
    figures["xlsxwriter_s"] = xlsxwriter_write(shapes, out / "baseline.xlsx")

    if trace:
        tracemalloc.start()
        traced = MeasuringTimer(trace=True)
        result = assess(root, timer=traced)
        figures["heap_peak"] = dict(traced.heap_peak_mib)
        tracemalloc.reset_peak()
        write_all(result, out / "packs-traced", workspace=root)
        figures["heap_peak"]["write_all"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return figures


def report(f: dict[str, Any]) -> str:
    lines = [f"itscm-audit benchmark, size {f['size']} (Python {platform.python_version()}, "
             f"{platform.machine()}, {os.cpu_count()} cores)"]
    if f.get("generate_s") is not None:
        lines.append(f"generate workspace: {f['generate_s']:.2f} s ({f['data_mib']:.1f} MiB of data files)")
    lines.append("records: " + ", ".join(f"{k} {v:,}" for k, v in f["records"].items() if v))
    lines.append("")
    heap = f.get("heap_peak", {})
    lines.append(f"{'stage':<14}{'wall s':>10}{'heap peak MiB':>16}{'maxrss MiB':>13}")
    for stage in (*STAGES, "write_all"):
        seconds = f["write_all_s"] if stage == "write_all" else f["seconds"].get(stage)
        if seconds is None:
            continue
        peak = heap.get(stage)
        lines.append(f"{stage:<14}{seconds:>10.2f}{(f'{peak:.1f}' if peak is not None else '-'):>16}"
                     f"{f['maxrss_after'].get(stage, 0):>13.0f}")
    total = sum(f["seconds"].values()) + f["write_all_s"]
    lines.append(f"{'total':<14}{total:>10.2f}")
    lines.append("")
    imp, cal = f["seconds"].get("import", 0.0), f["calamine_s"]
    lines.append(f"baseline read : python-calamine alone {cal:.2f} s ({f['calamine_cells']:,} cells); "
                 f"our import, first run in the pipeline, {imp:.2f} s; ratio {imp / cal:.2f}x")
    wc, wi = f["calamine_warm_s"], f["import_warm_s"]
    lines.append(f"baseline read, warm (median of 3 alternating runs): python-calamine alone {wc:.2f} s; "
                 f"our import {wi:.2f} s; ratio {wi / wc:.2f}x (target <= 2x)")
    xw, packs = f["xlsxwriter_s"], f["write_all_s"]
    lines.append(f"baseline write: xlsxwriter alone {xw:.2f} s ({f['gap_matrix_cells']:,} cells as in "
                 f"gap-matrix.xlsx); our write_all {packs:.2f} s; ratio {packs / xw:.2f}x (target <= 2x)")
    lines.append("packs: " + ", ".join(f"{n} {s / 1024:.0f} KiB" for n, s in f["packs"].items()))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time and measure each pipeline stage.")
    parser.add_argument("--size", default="small", help="small (the example), large, or a number of services")
    parser.add_argument("--out", type=Path, default=None,
                        help="working folder (default: a temporary one); an existing workspace there is reused")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the heap-peak pass")
    args = parser.parse_args(argv)
    size: str | int = int(args.size) if str(args.size).isdigit() else args.size
    with tempfile.TemporaryDirectory(prefix="itscm-bench-") as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        try:
            figures = run(size, out, args.seed, not args.no_tracemalloc)
        except Exception as exc:  # figures, not assertions: say what failed and exit 0
            import traceback

            traceback.print_exc()
            print(f"benchmark could not complete: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 0
        print(report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
