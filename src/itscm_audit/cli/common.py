"""What every command shares: error handling, exit codes, progress, JSON output, dates."""

from __future__ import annotations

import errno
import functools
import io
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TextIO, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES_HELP = """\b
Exit codes:
  0   success
  1   --fail-on: gaps at or above the given status were found
  2   usage error (bad option, date or framework id)
  3   input error (workspace, itscm.yaml, spreadsheet, catalogue, history.db, disk)
  4   verification failed (evidence or pack changed, missing, unlisted or unsigned)
  70  internal error (a bug: please report it)
"""


def fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def os_error_line(exc: OSError) -> str:
    """``path: reason`` for a file-system failure (permission, full disk, a file where a folder belongs)."""
    reason = exc.strerror or str(exc) or type(exc).__name__
    where = exc.filename if exc.filename is not None else None
    if exc.filename2 is not None:
        where = f"{exc.filename} -> {exc.filename2}"
    hint = {errno.EACCES: "check the folder's permissions", errno.EPERM: "check the folder's permissions",
            errno.EROFS: "the disk is read-only: write somewhere else (e.g. --out)",
            errno.ENOSPC: "free some disk space and run again"}.get(exc.errno or 0)
    text = f"{where}: {reason}" if where else reason
    return f"{text} ({hint})" if hint else text


def handle_errors(fn: F) -> F:
    """Turn library errors into one line on stderr and the documented exit code; never a traceback.

    Expected failures are :class:`ItscmError` (exit 2, 3 or 4) and file-system errors (exit 3: the
    disk, the permissions or a file in the way, never a bug); anything else is a bug (exit 70).
    """

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from itscm_audit.errors import ExitCode, ItscmError

        try:
            return fn(*args, **kwargs)
        except ItscmError as exc:
            fail(exc.one_line(), int(exc.exit_code))
        except (click.exceptions.Exit, click.ClickException, SystemExit):
            raise
        except KeyboardInterrupt:
            fail("interrupted; reports already written are untouched", 130)
        except MemoryError:
            fail("out of memory while processing the input", int(ExitCode.INPUT))
        except BrokenPipeError:  # the reader went away (| head): nothing more to say, nowhere to say it
            silence_stdout()
            sys.exit(int(ExitCode.OK))
        except OSError as exc:
            fail(os_error_line(exc), int(ExitCode.INPUT))
        except Exception as exc:  # a bug: one line, unless the developer asks for the traceback
            if os.environ.get("ITSCM_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set ITSCM_DEBUG=1 for details and "
                 "please report it)", int(ExitCode.INTERNAL))
        return None

    return wrapper  # type: ignore[return-value]


def silence_stdout() -> None:
    """Point stdout at the null device, so the interpreter's last flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # no real file descriptor (tests): nothing to silence
        pass


class _ClosedPipeTolerant(io.TextIOBase):
    """stdout that stops writing, quietly, once its reader has gone (``itscm-audit ... | head -1``).

    The command carries on to its end (reports written, history recorded, the ``--fail-on`` gate and
    the exit code decided) instead of dying half-way with a BrokenPipeError.
    """

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        self._gone = False

    @property
    def encoding(self) -> str:  # type: ignore[override]
        return getattr(self._stream, "encoding", "utf-8") or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self._stream, "errors", None)

    def isatty(self) -> bool:
        return not self._gone and self._stream.isatty()

    def fileno(self) -> int:
        return self._stream.fileno()

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        if not self._gone:
            try:
                self._stream.write(text)
            except BrokenPipeError:
                self._went_away()
        return len(text)

    def flush(self) -> None:
        if not self._gone:
            try:
                self._stream.flush()
            except BrokenPipeError:
                self._went_away()

    def _went_away(self) -> None:
        self._gone = True
        silence_stdout()


def tolerate_closed_stdout() -> None:
    """Install the tolerant stdout once per process (called by the top-level command group)."""
    if sys.stdout is not None and not isinstance(sys.stdout, _ClosedPipeTolerant):
        sys.stdout = _ClosedPipeTolerant(sys.stdout)


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    """A YYYY-MM-DD option value, within the dates itscm-audit accepts (bad usage: exit 2)."""
    from itscm_audit.periods import date_problem

    if value is None:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2026-12-31") from None
    problem = date_problem(parsed)
    if problem is not None:
        raise click.BadParameter(problem)
    return parsed


def as_of_option(fn: F) -> F:
    return click.option("--as-of", "as_of", callback=parse_date, metavar="YYYY-MM-DD",
                        help="Assess as of this date (default: as_of in itscm.yaml, else today).")(fn)


def json_option(fn: F) -> F:
    return click.option("--json", "as_json", is_flag=True, help="Print machine-readable JSON on stdout.")(fn)


def interactive(as_json: bool = False) -> bool:
    """Progress and colours only for a person at a terminal: not under --json, in CI or in a pipe."""
    return not as_json and sys.stderr.isatty() and not os.environ.get("CI")


@contextmanager
def progress(enabled: bool) -> Iterator[Callable[[str], None] | None]:
    """A spinner naming the current pipeline stage, on stderr, when a person is watching."""
    if not enabled:
        yield None
        return
    from rich.console import Console

    console = Console(stderr=True)
    with console.status("starting") as status:
        yield lambda stage: status.update(f"[bold]{stage}[/bold]…")


def echo_json(data: Any) -> None:
    import json

    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))
