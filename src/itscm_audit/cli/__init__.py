"""The ``itscm-audit`` command line: click only. Each command lives in its own module and is a few
lines that call the library; errors become one line and a documented exit code (see errors.ExitCode).
"""

from __future__ import annotations

import click

from itscm_audit import __version__
from itscm_audit.cli.assess import assess_cmd, schema_cmd
from itscm_audit.cli.common import EXIT_CODES_HELP
from itscm_audit.cli.init import init_cmd


@click.group(
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


main.add_command(init_cmd)
main.add_command(assess_cmd)
main.add_command(schema_cmd)
