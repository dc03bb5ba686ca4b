"""Charts drawn ahead on a helper process give the very same Word pack as charts drawn in-process, and a
helper that dies is replaced by drawing here (never a lost figure)."""

from __future__ import annotations

import os
import signal
from pathlib import Path

from itscm_audit.pipeline import assess
from itscm_audit.reporters import Format, write_all
from itscm_audit.reporters.chart_drawer import ChartDrawer


def _pack(workspace: Path, out: Path, charts: ChartDrawer) -> bytes:
    result = assess(workspace)
    write_all(result, out, workspace=workspace, formats=(Format.EVIDENCE_PACK,), charts=charts)
    return (out / Format.EVIDENCE_PACK.filename).read_bytes()


def test_charts_drawn_ahead_and_here_give_the_same_bytes(example_workspace: Path, tmp_path: Path) -> None:
    with ChartDrawer(ahead=True) as ahead, ChartDrawer(ahead=False) as here:
        assert _pack(example_workspace, tmp_path / "a", ahead) == _pack(example_workspace, tmp_path / "b", here)


def test_a_helper_that_dies_is_replaced_by_drawing_here(example_workspace: Path, tmp_path: Path) -> None:
    from itscm_audit.reporters.charts import FrameworkPosture, posture_by_framework

    bars = [FrameworkPosture("ISO 22301:2019", {"met": 3, "not_met": 1}, 75.0)]
    expected = posture_by_framework(bars, 12.0)
    with ChartDrawer(ahead=True) as drawer:
        pool = drawer._pool
        if pool is None:  # not on Linux: drawing here is already the path taken
            assert drawer.draw(posture_by_framework, bars, 12.0)() == expected
            return
        drawer.draw(len, b"")  # the helper is up
        for pid in list(pool._processes):  # kill it, as the OOM killer would
            os.kill(pid, signal.SIGKILL)
        pending = drawer.draw(posture_by_framework, bars, 12.0)
        assert pending() == expected
