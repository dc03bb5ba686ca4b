"""``itscm-audit init``: a workspace around the officer's own files, or the example organisation."""

from __future__ import annotations

import re
from pathlib import Path

import click

from itscm_audit.cli.common import handle_errors


@click.command("init")
@click.argument("target", type=click.Path(path_type=Path), metavar="DIR")
@click.argument("more", nargs=-1, type=click.Path(path_type=Path), metavar="[PATH]...")
@click.option("--from", "sources", multiple=True, type=click.Path(path_type=Path), metavar="PATH",
              help="Your spreadsheets (xlsx, xlsm, xls, ods, csv) or folders holding them; repeatable, or "
                   "several paths after one --from. They are copied unchanged into DIR/data/.")
@click.option("--name", default=None, help="The organisation's name (default: the folder's name).")
@click.option("--sector", default=None, metavar="TEXT",
              help="The sector, e.g. finance, insurance, health: finance + EU proposes DORA, health + CA-ON "
                   "PHIPA, health + US HIPAA.")
@click.option("--jurisdiction", "jurisdictions", multiple=True, metavar="CODE",
              help="Where the organisation operates (ISO 3166: CA, CA-QC, CA-ON, EU, US, FR...); repeatable or "
                   "comma-separated. Proposes PIPEDA (CA), Law 25 (CA-QC), GDPR (EU)...")
@click.option("--framework", "-f", "frameworks", multiple=True, metavar="ID",
              help="Frameworks in scope instead of those proposed (repeatable; itscm-audit frameworks list).")
@click.option("--example", is_flag=True, help="Create the example organisation (the default without --from).")
@handle_errors
def init_cmd(target: Path, more: tuple[Path, ...], sources: tuple[Path, ...], name: str | None,
             sector: str | None, jurisdictions: tuple[str, ...], frameworks: tuple[str, ...],
             example: bool) -> None:
    """Create a workspace: around your own files with --from, else with the example organisation.

    With --from, the files are copied unchanged into DIR/data/, every table is detected (sheet, entity,
    header row, how each column is read, with confidences) and written to DIR/itscm.yaml under
    'sources:' with the mapping as comments, so you can check and correct it. Frameworks are proposed
    from --jurisdiction and --sector (ISO 22301, ITIL 4 and ISO/IEC 27001 always). attestations.xlsx is
    pre-filled with the requirements no data can decide, and evidence/manifest.yaml is ready for
    'evidence add'. Files and sheets that hold no register are listed with why. DIR must be new, empty,
    or hold nothing but the files given. Then run 'itscm-audit assess DIR' with no further edit.

    \b
    Example:
      itscm-audit init acme --from ~/bcp/bia.xlsx ~/bcp/drills.csv --name "Acme Ltd" \\
          --sector finance --jurisdiction CA --jurisdiction CA-QC
      itscm-audit init acme --from ~/bcp-files/ && itscm-audit assess acme
      itscm-audit init example-workspace      # the fictional example organisation
    """
    from itscm_audit.errors import UsageError

    paths = (*sources, *more)
    if more and not sources:
        raise UsageError(f"unexpected argument {more[0]}", hint="give your files with --from PATH...")
    if not paths:
        if example or not (name or sector or jurisdictions or frameworks):
            from itscm_audit.example import init_workspace

            root = init_workspace(target)
            click.echo(f"Example workspace created in {root}")
            click.echo(f"Next: itscm-audit assess {root}")
            return
        raise UsageError("--name, --sector, --jurisdiction and --framework go with --from",
                         hint="give your files with --from PATH...")
    if example:
        raise UsageError("--example and --from cannot be combined", hint="choose one")
    for path in paths:
        if not path.exists() and re.fullmatch(r"[A-Za-z]{2}(-[A-Za-z0-9]{1,3})?|[a-z0-9][a-z0-9_.-]*", path.name):
            raise UsageError(f"no such file or folder: {path}", location="--from",
                             hint="repeat the option for each jurisdiction or framework (--jurisdiction CA "
                                  "--jurisdiction CA-QC), or separate codes with commas")
    import datetime as dt

    from itscm_audit.onboarding import onboard, summary_lines

    # the clock is read here, in the command: the first assessment is as of today
    done = onboard(target, list(paths), as_of=dt.date.today(), name=name, sector=sector,
                   jurisdictions=jurisdictions, frameworks=frameworks)
    for line in summary_lines(done):
        click.echo(line)
