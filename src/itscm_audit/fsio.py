"""Files written whole or not at all, and locks for the files several runs update.

Every file itscm-audit writes (packs, the evidence manifest, mapping profiles, catalogues, the example
workspace) goes through :func:`atomic_path`: the content is written under a temporary name beside the
target and renamed over it only when complete, so a failed or killed run never leaves a half-written
file where an earlier good one stood, and a failure leaves no temporary file behind.

:func:`locked` serialises read-modify-write cycles (``evidence add`` run eight times at once must
record eight items, not one) with an operating-system file lock beside the file it protects.
"""

from __future__ import annotations

import os
import secrets
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from itscm_audit.errors import ItscmError

LOCK_TIMEOUT_S = 60.0
"""How long a command waits for another one updating the same file before giving up."""


def _temporary_name(target: Path) -> Path:
    """A hidden name beside ``target``, unique per process, thread and call (so writers never collide)."""
    tag = f"{os.getpid()}-{threading.get_ident() % 100_000}-{secrets.token_hex(4)}"
    return target.with_name(f".{target.name}.{tag}.tmp")


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed over it only if the block succeeds.

    The writer inside the block creates the file (xlsxwriter, python-docx and friends want a path).
    On any failure, including KeyboardInterrupt, the temporary file is removed and ``target`` is
    untouched.
    """
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temporary_name(target)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def write_bytes_atomic(target: Path, data: bytes, *, mode: int = 0o666) -> None:
    """Write ``data`` to ``target`` whole (flushed to disk before the rename) or not at all.

    ``mode`` (before the umask) applies from the first byte: ``0o600`` keeps a private key private.
    """
    with atomic_path(target) as tmp:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())


def write_text_atomic(target: Path, text: str) -> None:
    """UTF-8 text with ``\\n`` line ends, written as by :func:`write_bytes_atomic`."""
    write_bytes_atomic(target, text.encode("utf-8"))


def lock_path(path: Path) -> Path:
    """The lock file guarding ``path``: hidden, beside it (dot-files are ignored by the verifiers)."""
    return path.with_name(f".{path.name}.lock")


@contextmanager
def locked(path: Path, *, timeout: float | None = None) -> Iterator[None]:
    """Hold the lock of ``path`` for the block: other itscm-audit processes wait for their turn.

    Raises a located :class:`ItscmError` when the lock is not granted in time (another command is
    stuck on the same file) or cannot be created (read-only folder).
    """
    from filelock import FileLock, Timeout

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock = FileLock(str(lock_path(path)), timeout=LOCK_TIMEOUT_S if timeout is None else timeout)
    try:
        lock.acquire()
    except Timeout:
        raise ItscmError("another itscm-audit command is updating this file", location=str(path),
                         hint="wait for it to finish and try again") from None
    try:
        yield
    finally:
        lock.release()


def inside(root: Path, candidate: Path) -> bool:
    """True when ``candidate``, with every symbolic link followed, lies inside ``root``."""
    try:
        Path(candidate).resolve().relative_to(Path(root).resolve())
    except (ValueError, OSError, RuntimeError):
        return False
    return True
