"""What every command shares: error handling, exit codes, progress, JSON output, dates."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

EXIT_CODES_HELP = """\b
Exit codes:
  0   success
  1   --fail-on: gaps at or above the given status were found
  2   usage error (bad option, date or framework id)
  3   input error (workspace, itscm.yaml, spreadsheet, catalogue)
  4   verification failed (evidence or pack changed, missing or unlisted)
  70  internal error (a bug: please report it)
"""


def fail(message: str, code: int) -> None:
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def handle_errors(fn: F) -> F:
    """Turn library errors into one line on stderr and the documented exit code; never a traceback."""

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
        except Exception as exc:  # a bug: one line, unless the developer asks for the traceback
            if os.environ.get("ITSCM_DEBUG"):
                raise
            fail(f"internal error: {type(exc).__name__}: {exc} (set ITSCM_DEBUG=1 for details and "
                 "please report it)", int(ExitCode.INTERNAL))
        return None

    return wrapper  # type: ignore[return-value]


def parse_date(_ctx: click.Context, _param: click.Parameter, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date: use YYYY-MM-DD, e.g. 2026-12-31") from None


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
