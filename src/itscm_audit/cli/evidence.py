"""``itscm-audit evidence add|list|verify``: the evidence locker from the command line."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from itscm_audit.cli.common import as_of_option, echo_json, handle_errors, json_option, parse_date
from itscm_audit.periods import MAX_TTL_DAYS

_DIR = click.Path(path_type=Path, file_okay=False)


@click.group("evidence")
def evidence_group() -> None:
    """Keep the evidence locker: record artefacts with their hash, list freshness, verify integrity.

    \b
    Example:
      itscm-audit evidence add acme acme/evidence/exercises/EX-2026-031-report.md \\
          --type post_exercise_report --collected 2026-04-02 --exercise EX-2026-031
      itscm-audit evidence list acme --as-of 2026-09-30
      itscm-audit evidence verify acme
    """


@evidence_group.command("add")
@click.argument("root", type=_DIR, metavar="DIR")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False), metavar="FILE")
@click.option("--type", "evidence_type", required=True, metavar="TYPE",
              help="Evidence type id (post_exercise_report, continuity_plan, backup_report...).")
@click.option("--collected", callback=parse_date, metavar="YYYY-MM-DD",
              help="When the artefact was collected (default: the file's last-modified date, and the command "
                   "says so). Evidence collected after an assessment's as-of date does not count for it.")
@click.option("--title", help="A readable title for the packs.")
@click.option("--service", "services", multiple=True, metavar="ID", help="Service it relates to (repeatable).")
@click.option("--exercise", "exercises", multiple=True, metavar="ID", help="Exercise it documents (repeatable).")
@click.option("--objective", "objectives", multiple=True, metavar="ID",
              help="Objective OBJ-... it supports (repeatable).")
@click.option("--ttl-days", type=click.IntRange(min=1, max=MAX_TTL_DAYS),
              help="Override the evidence type's time-to-live (1 to 36525 days).")
@handle_errors
def add_cmd(root: Path, file: Path, evidence_type: str, collected: date | None, title: str | None,
            services: tuple[str, ...], exercises: tuple[str, ...], objectives: tuple[str, ...],
            ttl_days: int | None) -> None:
    """Hash FILE (inside DIR/evidence/) and record it in evidence/manifest.yaml.

    Re-adding a file replaces its entry (new hash, new dates).

    \b
    Example:
      itscm-audit evidence add acme exercises/EX-2026-031-report.md --type post_exercise_report \\
          --collected 2026-04-02 --service SVC-004 --exercise EX-2026-031
    """
    from itscm_audit.evidence import add_evidence, last_modified

    why = None
    if collected is None:
        collected = last_modified(root, file)
        why = (f"collected {collected}: the file's last-modified date, as --collected was not given (give "
               "--collected YYYY-MM-DD for the day it was really collected)")
    item = add_evidence(root, file, evidence_type, collected, title=title, services=services,
                        exercises=exercises, objectives=objectives, ttl_days=ttl_days)
    click.echo(f"Recorded evidence/{item.path} ({item.evidence_type}, collected {item.collected}, "
               f"sha256 {item.sha256[:12]}...)")
    if why:
        click.echo(why)
    as_of = _workspace_as_of(root)
    if as_of is not None and item.collected > as_of:
        click.echo(f"note: collected after the workspace's as-of date {as_of} (itscm.yaml): it does not count as "
                   f"current evidence for an assessment as of {as_of}")


def _workspace_as_of(root: Path) -> date | None:
    """``as_of`` of the workspace's itscm.yaml, when it has one (a broken file is not this command's business)."""
    from itscm_audit.config import CONFIG_NAME, load_config
    from itscm_audit.errors import ItscmError

    if not (root / CONFIG_NAME).is_file():
        return None
    try:
        return load_config(root).as_of
    except ItscmError:
        return None


@evidence_group.command("list")
@click.argument("root", type=_DIR, metavar="DIR")
@as_of_option
@json_option
@handle_errors
def list_cmd(root: Path, as_of: date | None, as_json: bool) -> None:
    """List every evidence item with its freshness (fresh, stale, missing, changed) as of a date.

    \b
    Example:
      itscm-audit evidence list acme --as-of 2026-09-30 --json
    """
    from itscm_audit.config import Policy, load_config
    from itscm_audit.evidence import load_evidence

    policy = Policy()
    config_as_of = None
    if (root / "itscm.yaml").is_file():
        config = load_config(root)
        policy, config_as_of = config.policy, config.as_of
    when = as_of or config_as_of or date.today()
    index = load_evidence(root, when, policy)
    if as_json:
        echo_json({"as_of": when.isoformat(),
                   "items": [{"path": f"evidence/{s.item.path}", "type": s.item.evidence_type,
                              "collected": s.item.collected.isoformat(), "state": s.state.value,
                              "expires": s.expires.isoformat() if s.expires else None, "sha256": s.item.sha256,
                              "message": s.message} for s in index.statuses],
                   "issues": [i.model_dump(mode="json") for i in index.issues]})
        return
    if not index.statuses:
        click.echo("The evidence locker is empty (no items in evidence/manifest.yaml).")
    for s in index.statuses:
        click.echo(f"{s.state.value:8} {s.item.evidence_type:26} {s.message}")
    for i in index.issues:
        click.echo(f"{i.severity.value}: {i.source.label()}: {i.message}", err=True)


@evidence_group.command("verify")
@click.argument("root", type=_DIR, metavar="DIR")
@json_option
@handle_errors
def verify_cmd(root: Path, as_json: bool) -> None:
    """Check every file against the manifest: exit 4 if any changed, is missing or is not listed.

    \b
    Example:
      itscm-audit evidence verify acme || echo "evidence locker changed"
    """
    from itscm_audit.errors import ExitCode
    from itscm_audit.evidence import verify_evidence

    report = verify_evidence(root)
    if as_json:
        echo_json(report.to_dict())
    else:
        for line in report.lines():
            click.echo(line)
        click.echo(f"{report.checked} item(s) checked: " + ("all present and unchanged, nothing unlisted."
                                                             if report.ok else "verification FAILED."))
    if not report.ok:
        sys.exit(int(ExitCode.VERIFY_FAILED))
