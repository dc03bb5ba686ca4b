"""Charts drawn on a helper process while the rest of the pack is written.

matplotlib takes about 0.4 s to import and a few tenths of a second more to draw a page-wide chart at
print resolution: for a small organisation that was a third of ``assess``. On Linux a one-process pool is
forked before the pipeline runs; it imports matplotlib while the spreadsheets are read and draws each
chart while the workbook and the document are built. The drawing code is the same either way, so the
bytes are too. Elsewhere (no safe ``fork``), with ``ITSCM_CHARTS_INLINE=1``, or if the helper dies, the
charts are drawn in this process.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from types import TracebackType
from typing import Any

Pending = Callable[[], bytes]
"""A chart being drawn: call it for the PNG bytes (waits for the helper if need be)."""


def _warm_up() -> None:
    """Run first on the helper: the imports every chart needs, done while the pipeline runs."""
    import matplotlib.backends.backend_agg  # noqa: F401
    import matplotlib.figure  # noqa: F401


class ChartDrawer:
    """Draws charts ahead of need on a forked helper, or in this process when it cannot."""

    def __init__(self, *, ahead: bool = True) -> None:
        self._pool: ProcessPoolExecutor | None = None
        if ahead and sys.platform.startswith("linux") and not os.environ.get("ITSCM_CHARTS_INLINE"):
            try:
                self._pool = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("fork"))
                self._pool.submit(_warm_up)
            except (OSError, ValueError, RuntimeError):  # no processes left, or fork refused: draw here
                self._pool = None

    def draw(self, chart: Callable[..., bytes], *args: Any) -> Pending:
        """Start drawing ``chart(*args)``; the returned callable gives its PNG bytes."""
        if self._pool is not None:
            try:
                future = self._pool.submit(chart, *args)
            except (BrokenProcessPool, RuntimeError, OSError):
                self._pool = None
            else:
                return lambda: _wait(future, chart, args)
        png = chart(*args)
        return lambda: png

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None

    def __enter__(self) -> ChartDrawer:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()


def _wait(future: Future[bytes], chart: Callable[..., bytes], args: tuple[Any, ...]) -> bytes:
    try:
        return future.result()
    except BrokenProcessPool:  # the helper was killed (out of memory...): the same drawing, here
        return chart(*args)
