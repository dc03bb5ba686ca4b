"""``itscm-audit assess`` and ``itscm-audit schema``."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from itscm_audit.cli.common import as_of_option, echo_json, handle_errors, interactive, json_option, progress


@click.command("assess")
@click.argument("workspace", type=click.Path(path_type=Path), metavar="DIR")
@as_of_option
@click.option("--framework", "-f", "frameworks", multiple=True, metavar="ID",
              help="Assess only these frameworks (repeatable; default: those in itscm.yaml).")
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Write the reports here (default: DIR/reports/<run-id>/).")
@click.option("--template", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              help="Word template (.docx) with your own styles, header, footer and logo.")
@click.option("--redact", is_flag=True,
              help="Mask every person (owners, contacts, trainees, approvers...) as 'Person N', and phone "
                   "numbers and e-mail addresses anywhere, in the packs and in the history.")
@click.option("--sign", "sign_key", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=None,
              metavar="KEY", help="Sign the manifest with this Ed25519 private key (PEM): manifest.sig.")
@click.option("--label", default=None, help="History label for this run (default: quarter of as-of, e.g. 2026Q4).")
@click.option("--no-history", is_flag=True, help="Do not record this run in DIR/.itscm/history.db.")
@click.option("--fail-on", type=click.Choice(["not_met", "partially_met"]), default=None,
              help="Exit 1 when any requirement is at or below this status (for CI gates).")
@click.option("--full-result", is_flag=True,
              help="Embed the imported records in result.json (by default inputs are referenced by SHA-256).")
@json_option
@handle_errors
def assess_cmd(workspace: Path, as_of: date | None, frameworks: tuple[str, ...], out: Path | None,
               template: Path | None, redact: bool, sign_key: Path | None, label: str | None,
               no_history: bool, fail_on: str | None, full_result: bool, as_json: bool) -> None:
    """Assess a workspace and write the gap matrix, evidence pack, OSCAL files and result.json.

    \b
    Example:
      itscm-audit assess acme --as-of 2026-12-31
      itscm-audit assess acme -f iso22301 -f nist-800-53-cp --out /tmp/q4 --fail-on not_met
      itscm-audit assess acme --redact --sign ~/.itscm/aurora-signing.pem
      itscm-audit assess acme --full-result     # result.json with every imported record
    """
    from itscm_audit.asof import ISSUE_CODE
    from itscm_audit.service import assess_and_report

    with progress(interactive(as_json)) as hook:
        outcome = assess_and_report(workspace, as_of=as_of, frameworks=frameworks or None, out=out,
                                    template=template, redact=redact, label=label,
                                    record_history=not no_history, sign_key=sign_key, hook=hook,
                                    full_result=full_result)
    result = outcome.result
    tripped = outcome.gate_failures(fail_on) if fail_on else ()
    from itscm_audit.next_steps import workspace_next_actions

    actions, unlisted = workspace_next_actions(workspace, result)
    if as_json:
        summary = outcome.summary()
        summary["next_actions"] = [{"kind": a.kind, "text": a.text, "requirements": list(a.requirements)}
                                   for a in actions]
        summary["unlisted_sources"] = list(unlisted)
        if fail_on:
            summary["gate"] = {"fail_on": fail_on, "tripped": [f"{r.framework}:{r.requirement_id}" for r in tripped]}
        echo_json(summary)
    else:
        click.echo(f"{result.run.organisation}: assessed as of {result.run.as_of} (run {result.run.run_id})")
        for fw in result.frameworks:
            c = fw.counts
            click.echo(f"  {fw.framework:<18} score {fw.score:5.1f}  met {c['met']}, partially met "
                       f"{c['partially_met']}, not met {c['not_met']}, not assessed {c['not_assessed']}, "
                       f"n/a {c['not_applicable']}")
        later = sum(1 for i in result.issues if i.code == ISSUE_CODE)
        if later:
            click.echo(f"  records dated after {result.run.as_of} were not considered: {later} note(s), one per "
                       "kind, in the 'Data quality' sheet")
        if result.issues:
            click.echo(f"  {len(result.issues)} data-quality issue(s): see the 'Data quality' sheet")
        click.echo(f"Reports written to {outcome.out_dir}")
        for path in outcome.paths:
            click.echo(f"  {path.name}")
        if outcome.manifest_sha256:
            click.echo(f"Manifest SHA-256: {outcome.manifest_sha256}"
                       + ("" if no_history else " (recorded in the history; verify-pack checks it)"))
        if unlisted:
            click.echo(f"Not read: {len(unlisted)} spreadsheet(s) in data/ not listed under 'sources:' in itscm.yaml: "
                       + ", ".join(unlisted[:5]) + (" ..." if len(unlisted) > 5 else ""))
        if actions:
            click.echo("Next actions (most requirements first):")
            for number, action in enumerate(actions, start=1):
                click.echo(f"  {number}. {action.text}")
    if fail_on and tripped:
        click.echo(f"--fail-on {fail_on}: {len(tripped)} requirement(s) at or below "
                   f"{fail_on.replace('_', ' ')}:", err=True)
        for r in tripped:
            click.echo(f"  {r.framework}:{r.requirement_id} {r.status.label}: {r.title}", err=True)
        raise SystemExit(1)


@click.command("schema")
@handle_errors
def schema_cmd() -> None:
    """Print the JSON Schema of result.json (the AssessmentResult model).

    \b
    Example:
      itscm-audit schema > result.schema.json
    """
    from itscm_audit.result import AssessmentResult

    echo_json(AssessmentResult.model_json_schema(mode="serialization"))
