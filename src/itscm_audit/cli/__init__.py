"""The ``itscm-audit`` command line: click only. Each command lives in its own module and is a few
lines that call the library; errors become one line and a documented exit code (see errors.ExitCode).

Commands are loaded lazily, by name, so ``itscm-audit --help`` imports nothing heavy.
"""

from __future__ import annotations

import importlib

import click

from itscm_audit import __version__
from itscm_audit.cli.common import EXIT_CODES_HELP, tolerate_closed_stdout

COMMANDS: dict[str, str] = {
    "init": "itscm_audit.cli.init:init_cmd",
    "import": "itscm_audit.cli.import_cmd:import_cmd",
    "assess": "itscm_audit.cli.assess:assess_cmd",
    "frameworks": "itscm_audit.cli.frameworks:frameworks_group",
    "evidence": "itscm_audit.cli.evidence:evidence_group",
    "verify-pack": "itscm_audit.cli.verify_pack:verify_pack_cmd",
    "keygen": "itscm_audit.cli.verify_pack:keygen_cmd",
    "history": "itscm_audit.cli.history:history_cmd",
    "diff": "itscm_audit.cli.history:diff_cmd",
    "report": "itscm_audit.cli.history:report_group",
    "schema": "itscm_audit.cli.assess:schema_cmd",
}
"""Command name -> ``module:attribute``; a test checks every entry loads and has an Example."""


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module, attr = target.split(":")
        command = getattr(importlib.import_module(module), attr)
        assert isinstance(command, click.Command)
        return command


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
    epilog=EXIT_CODES_HELP,
)
@click.version_option(__version__, prog_name="itscm-audit")
def main() -> None:
    """Audit evidence for IT service continuity: import plans and drill logs, assess them against
    ISO 22301, ITIL 4, ISO/IEC 27001, NIST CP, SOC 2, DORA and privacy laws, write the packs.

    \b
    Example:
      itscm-audit init acme
      itscm-audit assess acme --as-of 2026-12-31
    """
    tolerate_closed_stdout()  # `itscm-audit ... | head -1` ends quietly, with the command's own exit code
