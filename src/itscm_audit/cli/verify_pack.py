"""``itscm-audit verify-pack``."""

from __future__ import annotations

from pathlib import Path

import click

from itscm_audit.cli.common import echo_json, handle_errors, json_option


@click.command("verify-pack")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR")
@json_option
@handle_errors
def verify_pack_cmd(directory: Path, as_json: bool) -> None:
    """Check a reports folder against its manifest.json: every output unchanged, none missing or added.

    Exits 4 when a file changed, is missing or is not listed, so an auditor can trust the pack received.

    \b
    Example:
      itscm-audit verify-pack acme/reports/20260930-abc123
    """
    from itscm_audit.errors import ExitCode
    from itscm_audit.reporters.manifest import verify_pack

    report = verify_pack(directory)
    if as_json:
        echo_json(report.to_dict())
    else:
        for label, names in (("changed", report.changed), ("missing", report.missing),
                             ("not listed", report.unlisted)):
            for name in names:
                click.echo(f"{label}: {name}")
        verdict = "OK" if report.ok else "FAILED"
        click.echo(f"{verdict}: {report.checked} file(s) listed in {directory / 'manifest.json'}")
    if not report.ok:
        raise SystemExit(int(ExitCode.VERIFY_FAILED))
