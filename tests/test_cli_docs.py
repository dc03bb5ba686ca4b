"""Every command has help with an Example, is documented in the README, and --help starts light."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from itscm_audit.cli import COMMANDS, main

ROOT = Path(__file__).resolve().parent.parent


def _all_commands() -> list[tuple[str, click.Command]]:
    out: list[tuple[str, click.Command]] = []
    ctx = click.Context(main)
    for name in COMMANDS:
        cmd = main.get_command(ctx, name)
        assert cmd is not None, name
        out.append((name, cmd))
        if isinstance(cmd, click.Group):
            sub_ctx = click.Context(cmd)
            out.extend((f"{name} {sub}", cmd.get_command(sub_ctx, sub))  # type: ignore[misc]
                       for sub in cmd.list_commands(sub_ctx))
    return out


@pytest.mark.parametrize("name,cmd", _all_commands(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_command_has_help_with_example(name: str, cmd: click.Command) -> None:
    result = CliRunner().invoke(main, [*name.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Example:" in result.output, f"{name} --help lacks an Example: block"


def test_every_command_is_in_the_readme() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name, _ in _all_commands():
        assert f"itscm-audit {name}" in readme, f"README does not mention 'itscm-audit {name}'"


def test_top_level_help_lists_exit_codes() -> None:
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0
    for code in ("0 ", "1 ", "2 ", "3 ", "4 ", "70 "):
        assert f"  {code}" in result.output


def test_help_imports_nothing_heavy() -> None:
    """``--help`` must start fast: no pandas, pydantic, openpyxl or docx at start-up."""
    code = ("import sys\nfrom click.testing import CliRunner\nfrom itscm_audit.cli import main\n"
            "r = CliRunner().invoke(main, ['--help'])\nassert r.exit_code == 0\n"
            "heavy = [m for m in ('pandas', 'pydantic', 'openpyxl', 'docx', 'python_calamine', 'xlsxwriter', 'yaml')"
            " if m in sys.modules]\nprint(','.join(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""


def test_version() -> None:
    from itscm_audit import __version__

    result = CliRunner().invoke(main, ["--version"])
    assert __version__ in result.output


def test_usage_error_exit_code() -> None:
    result = CliRunner().invoke(main, ["assess", "x", "--as-of", "31/12/2026"])
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.output
