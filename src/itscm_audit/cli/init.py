"""``itscm-audit init``."""

from __future__ import annotations

from pathlib import Path

import click

from itscm_audit.cli.common import handle_errors


@click.command("init")
@click.argument("target", type=click.Path(path_type=Path), metavar="DIR")
@handle_errors
def init_cmd(target: Path) -> None:
    """Create a workspace with a complete example organisation (spreadsheets, evidence, attestations).

    The example has deliberate, realistic gaps so the packs show every status. DIR must not exist
    or must be empty.

    \b
    Example:
      itscm-audit init acme && itscm-audit assess acme
    """
    from itscm_audit.example import init_workspace

    root = init_workspace(target)
    click.echo(f"Example workspace created in {root}")
    click.echo(f"Next: itscm-audit assess {root}")
