"""Benchmark: from a folder of one's own files to a pack, the two commands an officer types (issue 11).

Usage::

    python benchmarks/onboarding.py                    # 300 services, 1,500 drills, 3,000 backup runs
    python benchmarks/onboarding.py --services 600 --repeat 3

Generates a mid-size organisation's folder with ``scripts/make_onboarding_fixtures.py``
(``mid_size_organisation``: a multi-sheet register with a cover page, a CSV drill log carrying findings
and actions, a backup log workbook, a French call tree), then times, each in a fresh process as the
officer runs them, ``itscm-audit init WS --from FOLDER`` and ``itscm-audit assess WS``. Target: both
together under 10 seconds. Always exits 0: these are figures, not assertions.
"""

from __future__ import annotations

import argparse
import importlib.util
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _fixtures() -> object:
    spec = importlib.util.spec_from_file_location("make_onboarding_fixtures",
                                                  ROOT / "scripts" / "make_onboarding_fixtures.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _timed(args: list[str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, text=True)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stdout[-2000:], done.stderr[-2000:], sep="\n")
        raise SystemExit(f"{' '.join(args[:2])} failed with exit code {done.returncode}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--services", type=int, default=300)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    tool = str(Path(sys.executable).with_name("itscm-audit"))
    fixtures = _fixtures()
    with tempfile.TemporaryDirectory(prefix="itscm-onboarding-") as tmp:
        folder = Path(tmp) / "files"
        paths = fixtures.mid_size_organisation(folder, args.services)  # type: ignore[attr-defined]
        print(f"{len(paths)} files, {sum(p.stat().st_size for p in paths) / 1024:.0f} KiB: "
              + ", ".join(p.name for p in paths))
        runs = []
        for n in range(args.repeat):
            ws = Path(tmp) / f"ws{n}"
            init = _timed([tool, "init", str(ws), "--from", str(folder), "--name", "Mid-size", "--sector", "finance",
                           "--jurisdiction", "CA", "--jurisdiction", "EU"])
            assess = _timed([tool, "assess", str(ws)])
            runs.append((init, assess))
            print(f"run {n + 1}: init --from {init:.2f} s, assess {assess:.2f} s, files to pack {init + assess:.2f} s")
            shutil.rmtree(ws)
        total = [i + a for i, a in runs]
        print(f"median files to pack: {statistics.median(total):.2f} s (min {min(total):.2f}, max {max(total):.2f}); "
              "target < 10 s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
