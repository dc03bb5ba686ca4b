"""Benchmark: time and memory of each pipeline stage on the synthetic organisation, with baselines.

Usage::

    python benchmarks/run.py                      # the example (small), in a temporary folder
    python benchmarks/run.py --size large --out /tmp/itscm-large --repeat 3
    python benchmarks/run.py --size 2000          # 2,000 services, 6,000 exercises, 14,000 backup runs
    python benchmarks/run.py --sizes 2000,5000,large --out /tmp/itscm-lin   # linearity, one process each

Steps, all in one process so the figures are comparable:

1. generate the organisation (skipped when ``--out`` already holds a workspace);
2. ``pipeline.assess`` with a stage timer: wall time and ``ru_maxrss`` after each stage;
3. ``reporters.write_all``: the packs; then ``history.record_run`` (the growth of history.db);
4. the floor, right after: python-calamine reading every data cell, then xlsxwriter
   (``constant_memory``) writing what a gap matrix needs, one row per requirement and one row per
   service (as many cells as those two tables have columns); end to end (assess + packs + history)
   divided by the floor is the ratio the target is set on (<= 3x);
5. with ``--repeat N``, N - 1 more end-to-end runs, each paired with a floor measured just before it,
   for the minimum and median ratio (a shared machine drifts: compare pairs, not absolute times);
6. the older baselines: python-calamine against our import (warm), and xlsxwriter writing as many
   plain-string cells as gap-matrix.xlsx holds against write_all;
7. a last pass under ``tracemalloc`` for the Python-heap peak of each stage (``--no-tracemalloc``
   skips it; tracemalloc slows Python code, so the timings come from the first pass only).

Always exits 0: these are measurements, not assertions.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
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

STAGES = ("config", "catalogues", "import", "evidence", "rules", "facts", "objectives", "requirements")


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


def floor_write(rows: list[tuple[int, int]], path: Path) -> float:
    """What a gap matrix needs, written by xlsxwriter alone (``constant_memory``): one sheet per
    (rows, columns), plain strings. Called with one row per requirement and one row per service."""
    return xlsxwriter_write([(f"Sheet{k + 1}", r, c) for k, (r, c) in enumerate(rows)], path)


def measure_floor(files: list[Path], requirements: int, services: int, path: Path) -> dict[str, float]:
    """The I/O floor: read every data cell (python-calamine), then write one row per requirement and one
    row per service with as many cells as the workbook's requirement and service tables have columns."""
    from itscm_audit.reporters.tables import REQUIREMENT_COLUMNS, SERVICE_COLUMNS

    read_s, _cells = calamine_read(files)
    write_s = floor_write([(requirements + 1, len(REQUIREMENT_COLUMNS)), (services + 1, len(SERVICE_COLUMNS))],
                          path)
    return {"read_s": read_s, "write_s": write_s, "floor_s": read_s + write_s}


def history_size(root: Path) -> int:
    """Bytes of the workspace history (the database and any write-ahead log left beside it)."""
    folder = root / ".itscm"
    return sum(p.stat().st_size for p in folder.glob("history.db*")) if folder.is_dir() else 0


def end_to_end(root: Path, packs: Path, timer: StageTimer | None = None) -> dict[str, Any]:
    """``assess`` as the command runs it: the pipeline, every pack, the run recorded in the history."""
    from itscm_audit.gcpause import paused_gc
    from itscm_audit.history import record_run
    from itscm_audit.pipeline import assess
    from itscm_audit.reporters import write_all

    with paused_gc():  # as the command does (service.assess_and_report)
        shutil.rmtree(packs, ignore_errors=True)  # packs are never overwritten: clear the last measurement's
        start = time.perf_counter()
        result = assess(root, timer=timer)
        assessed = time.perf_counter()
        write_all(result, packs, workspace=root)
        written = time.perf_counter()
        before = history_size(root)
        record_run(root, result)
        done = time.perf_counter()
    return {"assess_s": assessed - start, "write_all_s": written - assessed, "history_s": done - written,
            "e2e_s": done - start, "history_growth": history_size(root) - before,
            "requirements": len(result.requirements), "services": len(result.data.services),
            "records": {k: len(v) for k, v in result.data if isinstance(v, tuple)}, "issues": len(result.issues)}


def run(size: str | int, out: Path, seed: int, trace: bool, repeat: int = 1) -> dict[str, Any]:
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
    packs = out / "packs"
    first = end_to_end(root, packs, timer)
    figures["seconds"] = dict(timer.seconds)
    figures["maxrss_after"] = dict(timer.maxrss_after)
    figures["maxrss_after"]["write_all"] = maxrss_mib()
    figures["write_all_s"] = first["write_all_s"]
    figures["history_s"] = first["history_s"]
    figures["history_growth"] = first["history_growth"]
    figures["maxrss_after"]["history"] = maxrss_mib()
    figures["e2e_s"] = [first["e2e_s"]]
    figures["peak_rss_mib"] = maxrss_mib()
    figures["packs"] = {p.name: p.stat().st_size for p in sorted(packs.iterdir(), key=lambda p: p.name)
                        if not p.name.startswith(".")}
    figures["records"], figures["issues"] = first["records"], first["issues"]
    requirements, services = int(first["requirements"]), int(first["services"])
    floors = [measure_floor(files, requirements, services, out / "floor.xlsx")]
    for _ in range(repeat - 1):
        floors.append(measure_floor(files, requirements, services, out / "floor.xlsx"))
        figures["e2e_s"].append(end_to_end(root, packs)["e2e_s"])
    figures["floor"] = floors
    figures["floor_rows"] = {"requirements": requirements, "services": services}

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
        shutil.rmtree(out / "packs-traced", ignore_errors=True)
        write_all(result, out / "packs-traced", workspace=root)
        figures["heap_peak"]["write_all"] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return figures


def ratios(f: dict[str, Any]) -> list[float]:
    """End to end over the floor measured just before it, run by run."""
    return [e / fl["floor_s"] for e, fl in zip(f["e2e_s"], f["floor"], strict=False)]


def report(f: dict[str, Any]) -> str:
    lines = [f"itscm-audit benchmark, size {f['size']} (Python {platform.python_version()}, "
             f"{platform.machine()}, {os.cpu_count()} cores)"]
    if f.get("generate_s") is not None:
        lines.append(f"generate workspace: {f['generate_s']:.2f} s ({f['data_mib']:.1f} MiB of data files)")
    lines.append("records: " + ", ".join(f"{k} {v:,}" for k, v in f["records"].items() if v))
    lines.append("")
    heap = f.get("heap_peak", {})
    lines.append(f"{'stage':<14}{'wall s':>10}{'heap peak MiB':>16}{'maxrss MiB':>13}")
    for stage in (*STAGES, "write_all", "history"):
        seconds = f.get(f"{stage}_s") if stage in ("write_all", "history") else f["seconds"].get(stage)
        if seconds is None:
            continue
        peak = heap.get(stage)
        lines.append(f"{stage:<14}{seconds:>10.2f}{(f'{peak:.1f}' if peak is not None else '-'):>16}"
                     f"{f['maxrss_after'].get(stage, 0):>13.0f}")
    total = sum(f["seconds"].values()) + f["write_all_s"] + f.get("history_s", 0.0)
    lines.append(f"{'total':<14}{total:>10.2f}")
    lines.append("")
    if f.get("floor"):
        fl = f["floor"][0]
        rows = f.get("floor_rows", {})
        lines.append(f"floor: read every data cell (python-calamine) {fl['read_s']:.2f} s + write one row per "
                     f"requirement ({rows.get('requirements', 0):,}) and per service ({rows.get('services', 0):,}) "
                     f"(xlsxwriter constant_memory) {fl['write_s']:.2f} s = {fl['floor_s']:.2f} s")
        r = ratios(f)
        lines.append(f"end to end (assess + packs + history) {f['e2e_s'][0]:.2f} s; ratio to the floor "
                     f"{r[0]:.2f}x (target at the large size: <= 3x)")
        if len(r) > 1:
            lines.append(f"ratio over {len(r)} runs, each against the floor measured just before it: "
                         f"min {min(r):.2f}x, median {statistics.median(r):.2f}x, max {max(r):.2f}x")
        lines.append(f"peak RSS {f.get('peak_rss_mib', 0):.0f} MiB (large: <= 600); result.json "
                     f"{f['packs'].get('result.json', 0) / 2**20:.1f} MiB (large: <= 30); history.db growth "
                     f"{f.get('history_growth', 0) / 1e6:.2f} MB per run (large: <= 2 MB)")
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


def linearity(sizes: list[str], out: Path, seed: int, repeat: int) -> str:
    """Each size in its own process (peak RSS is per process), then time and memory per service."""
    rows = []
    for size in sizes:
        folder = out / f"size-{size}"
        folder.mkdir(parents=True, exist_ok=True)
        done = subprocess.run([sys.executable, __file__, "--size", size, "--out", str(folder), "--seed", str(seed),
                               "--no-tracemalloc", "--repeat", str(repeat), "--json"],
                              check=False, capture_output=True, text=True)
        if done.returncode != 0 or not done.stdout.strip():
            rows.append(f"{size}: failed ({done.stderr.strip().splitlines()[-1:] or 'no output'})")
            continue
        f = json.loads(done.stdout)
        services = int(f["floor_rows"]["services"])
        e2e = statistics.median(f["e2e_s"])
        ratio = statistics.median(ratios(f))
        rows.append(f"{services:>8,} services: end to end {e2e:6.2f} s ({1000 * e2e / services:.2f} s per 1,000); "
                    f"floor {f['floor'][0]['floor_s']:5.2f} s; ratio {ratio:.2f}x; peak RSS {f['peak_rss_mib']:.0f} MiB "
                    f"({f['peak_rss_mib'] / services * 1000:.1f} MiB per 1,000); result.json "
                    f"{f['packs'].get('result.json', 0) / 2**20:.1f} MiB")
    return "\n".join(["linearity (median of the runs of each size):", *rows])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time and measure each pipeline stage.")
    parser.add_argument("--size", default="small", help="small (the example), large, or a number of services")
    parser.add_argument("--sizes", default=None, help="comma-separated sizes for a linearity table, e.g. "
                        "2000,5000,large (each in its own process; --out keeps the workspaces)")
    parser.add_argument("--out", type=Path, default=None,
                        help="working folder (default: a temporary one); an existing workspace there is reused")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--repeat", type=int, default=1, help="end-to-end runs, each paired with a floor")
    parser.add_argument("--no-tracemalloc", action="store_true", help="skip the heap-peak pass")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    size: str | int = int(args.size) if str(args.size).isdigit() else args.size
    with tempfile.TemporaryDirectory(prefix="itscm-bench-") as tmp:
        out = args.out or Path(tmp)
        out.mkdir(parents=True, exist_ok=True)
        if args.sizes:
            print(linearity([s.strip() for s in args.sizes.split(",") if s.strip()], out, args.seed,
                            max(1, args.repeat)))
            return 0
        try:
            figures = run(size, out, args.seed, not args.no_tracemalloc, max(1, args.repeat))
        except Exception as exc:  # figures, not assertions: say what failed and exit 0
            import traceback

            traceback.print_exc()
            print(f"benchmark could not complete: {type(exc).__name__}: {exc}", file=sys.stderr)
            return 0
        print(json.dumps(figures, default=str) if args.json else report(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
