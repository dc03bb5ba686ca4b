"""``itscm-audit verify-pack`` and ``itscm-audit keygen``."""

from __future__ import annotations

from pathlib import Path

import click

from itscm_audit.cli.common import echo_json, handle_errors, json_option


@click.command("verify-pack")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path), metavar="DIR")
@click.option("--workspace", "-w", type=click.Path(exists=True, file_okay=False, path_type=Path), default=None,
              help="Workspace whose history anchors the pack (default: the folder two levels up, when the "
                   "pack sits in its reports/).")
@click.option("--key", "public_key", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              metavar="PUB", help="The signer's Ed25519 public key (PEM): check manifest.sig.")
@json_option
@handle_errors
def verify_pack_cmd(directory: Path, workspace: Path | None, public_key: Path | None, as_json: bool) -> None:
    """Check a reports folder against its manifest.json: every output unchanged, none missing or added;
    the manifest the one recorded in the workspace history; with --key, the signature valid.

    Exits 4 when a file changed, is missing or is not listed, when the manifest differs from the one
    the history recorded for that run, or when the signature does not match, so an auditor can trust
    the pack received.

    \b
    Example:
      itscm-audit verify-pack acme/reports/2026-09-30-3e78dd59
      itscm-audit verify-pack received/q3-pack --key aurora-signing.pem.pub
    """
    from itscm_audit.errors import ExitCode
    from itscm_audit.reporters.manifest import verify_pack

    report = verify_pack(directory, workspace=workspace, public_key=public_key)
    if as_json:
        echo_json(report.to_dict())
    else:
        for label, names in (("changed", report.changed), ("missing", report.missing),
                             ("not listed", report.unlisted)):
            for name in names:
                click.echo(f"{label}: {name}")
        verdict = "OK" if report.ok else "FAILED"
        click.echo(f"{verdict}: {report.checked} file(s) listed in {directory / 'manifest.json'}")
        click.echo(f"  manifest SHA-256: {report.manifest_sha256}")
        if report.anchor:
            click.echo(f"  history: {report.anchor}")
        if report.signature:
            click.echo(f"  signature: {report.signature}")
    if not report.ok:
        raise SystemExit(int(ExitCode.VERIFY_FAILED))


@click.command("keygen")
@click.argument("private_key", type=click.Path(path_type=Path), metavar="FILE")
@handle_errors
def keygen_cmd(private_key: Path) -> None:
    """Create an Ed25519 key pair for signing packs: FILE (private, keep it safe) and FILE.pub (give it
    to your auditors). Existing files are never overwritten.

    The same keys can be made with OpenSSL:
    openssl genpkey -algorithm ed25519 -out FILE && openssl pkey -in FILE -pubout -out FILE.pub

    \b
    Example:
      itscm-audit keygen ~/.itscm/aurora-signing.pem
      itscm-audit assess acme --sign ~/.itscm/aurora-signing.pem
    """
    from itscm_audit.signing import fingerprint, generate_key, load_public_key

    private, public = generate_key(private_key)
    click.echo(f"Private key: {private} (keep it secret; sign with: itscm-audit assess DIR --sign {private})")
    click.echo(f"Public key:  {public} ({fingerprint(load_public_key(public))}; auditors check with: "
               f"itscm-audit verify-pack PACK --key {public.name})")
