"""What the issue-13 tests share: running the command line in-process and reading a pack's text."""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from itscm_audit.cli import main


@dataclass(frozen=True)
class Ran:
    code: int
    stdout: str
    stderr: str


def cli(*args: str | Path) -> Ran:
    """Run ``itscm-audit ARGS`` in-process; bad input must never end as a traceback or exit 70."""
    result = CliRunner().invoke(main, [str(a) for a in args])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code != 70, result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr, result.stderr
    return Ran(result.exit_code, result.stdout, result.stderr)


def one_line_error(ran: Ran) -> str:
    """The single ``error: ...`` line a failing command printed on stderr."""
    lines = [line for line in ran.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:") or line.startswith("Error:")]
    assert len(errors) == 1, ran.stderr
    return errors[0]


def pack_text(folder: Path) -> dict[str, str]:
    """Every file of a pack as text: JSON as written, xlsx and docx by their XML parts (NBSP unescaped)."""
    out: dict[str, str] = {}
    for path in sorted(folder.iterdir()):
        if path.suffix in (".xlsx", ".docx"):
            with zipfile.ZipFile(path) as zf:
                out[path.name] = " ".join(zf.read(n).decode("utf-8", "replace") for n in zf.namelist()
                                          if n.endswith(".xml"))
        elif path.is_file():
            text = path.read_text(encoding="utf-8")
            out[path.name] = json.dumps(json.loads(text), ensure_ascii=False) if path.suffix == ".json" else text
    return out
