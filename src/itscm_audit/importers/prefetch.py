"""Step 0 of an import: open and parse the next files while this one's rows are typed.

python-calamine parses a workbook without holding the GIL, so with several files the next ones are
opened on :data:`PREFETCH_THREADS` threads while the main thread reads rows; at most
:data:`PREFETCH_BYTES` of files are held ahead.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import TypeVar

from itscm_audit.errors import SourceError
from itscm_audit.importers.readers import OpenedSource, open_source

PREFETCH_BYTES = 64 * 1024 * 1024
"""How much source data (file bytes) may be opened ahead of the file being imported."""
PREFETCH_THREADS = 2
"""Files parsed at once: while the first file is parsed the main thread is idle, so the next one is
parsed alongside it; later, the prefetch threads keep ahead of the rows being typed."""

Job = TypeVar("Job")


def size_of(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def open_ahead(path: Path, label: str) -> OpenedSource | SourceError:
    """Open and parse a source (run on a prefetch thread); a SourceError is returned, not raised."""
    try:
        opened = open_source(path, label)
    except SourceError as exc:
        return exc
    opened.preload()
    return opened


def prefetched(jobs: list[tuple[Path, str, Job]]) -> Iterator[tuple[Path, str, Job, OpenedSource | SourceError | None]]:
    """Each (path, label, job) with its file opened ahead (``None``: a single file, opened by the caller)."""
    if len(jobs) < 2:
        for path, label, job in jobs:
            yield path, label, job, None
        return
    with ThreadPoolExecutor(max_workers=PREFETCH_THREADS, thread_name_prefix="itscm-prefetch") as pool:
        upcoming: deque[tuple[Future[OpenedSource | SourceError], int]] = deque()
        queued = held = 0
        for path, label, job in jobs:
            while queued < len(jobs) and (not upcoming or held < PREFETCH_BYTES):
                size = size_of(jobs[queued][0])
                upcoming.append((pool.submit(open_ahead, jobs[queued][0], jobs[queued][1]), size))
                held += size
                queued += 1
            future, size = upcoming.popleft()
            held -= size
            yield path, label, job, future.result()
