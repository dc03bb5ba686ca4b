"""``itscm-audit history``, ``itscm-audit diff`` and ``itscm-audit report quarterly``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from itscm_audit.cli.common import echo_json, handle_errors, json_option


def _refs(value: str | None) -> list[str] | None:
    if value is None:
        return None
    refs = [v.strip() for v in value.split(",") if v.strip()]
    if not refs:
        raise click.BadParameter("give labels or run numbers separated by commas, e.g. 2026Q3,2026Q4")
    return refs


@click.command("history")
@click.argument("workspace", type=click.Path(path_type=Path), metavar="DIR")
@json_option
@handle_errors
def history_cmd(workspace: Path, as_json: bool) -> None:
    """List the runs recorded in DIR/.itscm/history.db, oldest first.

    A label (e.g. 2026Q4) names a quarter; when a label was recorded more than once, the latest run
    with that label is the one diff and report use.

    \b
    Example:
      itscm-audit history acme
      itscm-audit history acme --json
    """
    from dataclasses import asdict

    from itscm_audit.history import list_runs

    runs = list_runs(workspace)
    if as_json:
        echo_json([asdict(r) for r in runs])
        return
    if not runs:
        click.echo(f"No run recorded yet in {workspace}: run 'itscm-audit assess {workspace}'.")
        return
    latest = {r.label: r.run_no for r in runs}
    click.echo(f"{'run':>4}  {'label':<10} {'as of':<10}  {'score':>5}  {'gaps':>4}  {'overdue':>7}  "
               f"{'coverage':>8}  run id")
    for r in runs:
        m = r.metrics
        cov = "n/a" if m.get("exercise_coverage") is None else f"{m['exercise_coverage']:g}%"
        mark = ("" if latest[r.label] == r.run_no else "  (superseded)") + ("  (redacted)" if r.redacted else "")
        click.echo(f"{r.run_no:>4}  {r.label:<10} {r.as_of.isoformat():<10}  {m.get('overall_score', 0):>5.1f}  "
                   f"{m.get('open_gaps', 0):>4}  {m.get('overdue_actions', 0):>7}  {cov:>8}  {r.run_id}{mark}")


def _st(status: str) -> str:
    return status.replace("_", " ")


_KIND_WORDS = {"new_gap": "new gap", "closed_gap": "closed gap", "regression": "regression",
               "improvement": "improvement", "other": "status changed"}
MAX_ENTITIES_SHOWN = 20
"""Entities listed per rule and direction in the text diff; ``--json`` lists them all."""


def _moved(before: str, after: str, kinds: tuple[str, ...]) -> str:
    return f"{_st(before)} -> {_st(after)} ({', '.join(_KIND_WORDS[k] for k in kinds)})"


def _entity_lines(sign: str, changes: Any) -> list[str]:
    lines = [f"    {sign} {c.entity_id}: {c.reason}" + (f" ({c.message})" if c.message else "")
             for c in changes[:MAX_ENTITIES_SHOWN]]
    if len(changes) > MAX_ENTITIES_SHOWN:
        lines.append(f"    {sign} ... and {len(changes) - MAX_ENTITIES_SHOWN} more (diff --json lists them all)")
    return lines


def _rule_lines(d: Any) -> list[str]:
    lines = []
    for r in d.rule_changes:
        outcome = (f"{_st(r.outcome_before)} -> {_st(r.outcome_after)}" if r.outcome_before != r.outcome_after
                   else f"still {_st(r.outcome_after)}")
        lines.append(f"{r.rule_id} ({r.title}): {outcome}; {len(r.entered)} entered, {len(r.left)} left")
        lines += _entity_lines("+", r.entered) + _entity_lines("-", r.left)
    return lines


def _framework_rows(d: Any) -> list[Any]:
    """Frameworks whose score or gaps moved, then the overall line (only when something moved)."""
    def moved(f: Any) -> bool:
        return bool(f.score_before != f.score_after or f.gaps_before != f.gaps_after or f.new_gaps
                    or f.closed_gaps or f.regressions or f.improvements)

    rows = [f for f in d.frameworks if moved(f)]
    return [*rows, d.overall] if rows or moved(d.overall) else []


def _print_diff(d: Any) -> None:
    """The diff in words: only what changed, each change once."""
    click.echo(f"{d.before.label} (run {d.before.run_no}, as of {d.before.as_of}) -> "
               f"{d.after.label} (run {d.after.run_no}, as of {d.after.as_of})")
    for note in d.unlike:
        click.echo(f"  Not like for like: {note}.")
    for note in d.notes:
        click.echo(f"  Note: {note}.")
    if not d.changed:
        click.echo("No change: the same input files, statuses and failing entities.")
        return
    if d.inputs_unchanged:
        click.echo("Same input files: every change below comes from the passing of time.")
    rows = _framework_rows(d)
    if rows:
        click.echo(f"  {'framework':<18} {'score':>15} {'gaps':>9} {'new':>4} {'closed':>6} {'regr.':>5} "
                   f"{'impr.':>5}")
    for f in rows:
        before = "-" if f.score_before is None else f"{f.score_before:g}"
        after = "-" if f.score_after is None else f"{f.score_after:g}"
        click.echo(f"  {f.framework:<18} {before + ' -> ' + after:>15} {f'{f.gaps_before}->{f.gaps_after}':>9} "
                   f"{f.new_gaps:>4} {f.closed_gaps:>6} {f.regressions:>5} {f.improvements:>5}")
    source = d.source
    sections = [
        ("Requirements whose status moved",
         [f"{m.framework}:{m.requirement_id} {_st(m.before)} -> {_st(m.after)}"
          + (" (catalogue change)" if m.cause == "catalogue" else "")
          + f" [{', '.join(_KIND_WORDS[k] for k in m.kinds)}]" for m in d.movements]),
        ("Objectives whose status moved",
         [f"{o.objective_id} {_moved(o.before, o.after, o.kinds)}" for o in d.objective_movements]),
        ("Rules whose failing entities or outcome changed", _rule_lines(d)),
        ("Critical services newly exercised within the window", list(d.newly_exercised)),
        ("Critical services no longer exercised within the window", list(d.no_longer_exercised)),
        ("Corrective actions opened", [a.action_id for a in d.actions_opened]),
        ("Corrective actions closed", [a.action_id for a in d.actions_closed]),
        ("Corrective actions reopened", [a.action_id for a in d.actions_reopened]),
        ("Catalogue changes", [f"{c.framework} {c.version_before} -> {c.version_after}: added "
                               f"{', '.join(c.added) or 'none'}; removed {', '.join(c.removed) or 'none'}"
                               for c in d.catalogue]
         + [f"{fw} added to the frameworks assessed" for fw in d.frameworks_added]
         + [f"{fw} removed from the frameworks assessed" for fw in d.frameworks_removed]),
        ("Source data", [f"services added: {', '.join(source.services_added)}"] * bool(source.services_added)
         + [f"services removed: {', '.join(source.services_removed)}"] * bool(source.services_removed)
         + [f"{c.service_id} {c.field.replace('_', ' ')}: {c.before} -> {c.after}" for c in source.service_changes]
         + [f"exercises added: {', '.join(source.exercises_added)}"] * bool(source.exercises_added)
         + [f"exercises removed: {', '.join(source.exercises_removed)}"] * bool(source.exercises_removed)),
        ("Input files", [f"changed: {f}" for f in source.files_changed] + [f"added: {f}" for f in source.files_added]
         + [f"removed: {f}" for f in source.files_removed]),
    ]
    for title, lines in sections:
        if lines:
            click.echo(f"{title}:")
            for line in lines:
                click.echo(f"  {line}")
    if d.overdue_before != d.overdue_after:
        click.echo(f"Overdue corrective actions: {d.overdue_before} -> {d.overdue_after}"
                   + (f"; oldest {d.oldest_overdue['action_id']}, {d.oldest_overdue['days_overdue']} days"
                      if d.oldest_overdue else ""))
    if d.coverage_before != d.coverage_after:
        cov = "n/a" if d.coverage_after is None else f"{d.coverage_after:g}%"
        before = "n/a" if d.coverage_before is None else f"{d.coverage_before:g}%"
        click.echo(f"Critical services exercised in the window: {before} -> {cov}")


@click.command("diff")
@click.argument("workspace", type=click.Path(path_type=Path), metavar="DIR")
@click.argument("a", metavar="A")
@click.argument("b", metavar="B")
@json_option
@handle_errors
def diff_cmd(workspace: Path, a: str, b: str, as_json: bool) -> None:
    """Show what changed from run A to run B, and only that: requirements and objectives whose status
    moved, rules whose failing entities changed (each entity that entered or left, with what changed:
    owner removed, became overdue, went stale...), critical services newly or no longer exercised,
    corrective actions opened and closed, source-data, input-file and catalogue changes.

    A and B are labels (2026Q3: the latest run with that label), run numbers (see 'history'),
    run ids, or 'latest'.

    \b
    Example:
      itscm-audit diff acme 2026Q3 2026Q4
      itscm-audit diff acme 3 latest --json
    """
    from itscm_audit.history import diff_runs

    result = diff_runs(workspace, a, b)
    if as_json:
        echo_json(result.to_dict())
    else:
        _print_diff(result)


@click.group("report")
def report_group() -> None:
    """Reports built from the workspace history.

    \b
    Example:
      itscm-audit report quarterly acme
    """


@report_group.command("quarterly")
@click.argument("workspace", type=click.Path(path_type=Path), metavar="DIR")
@click.option("--runs", "runs", default=None, metavar="A,B,...",
              help="Quarters to include (labels or run numbers; default: the latest run of every label).")
@click.option("--out", type=click.Path(path_type=Path), default=None, metavar="DIR",
              help="Write the reports here (default: DIR/reports/quarterly/).")
@json_option
@handle_errors
def quarterly_cmd(workspace: Path, runs: str | None, out: Path | None, as_json: bool) -> None:
    """Write quarterly-report.xlsx and quarterly-report.docx: trend charts over the recorded quarters,
    the changes since the previous quarter and the remediation priorities now.

    \b
    Example:
      itscm-audit report quarterly acme
      itscm-audit report quarterly acme --runs 2026Q1,2026Q2,2026Q3,2026Q4 --out /tmp/q4
    """
    from itscm_audit.reporters.quarterly import write_quarterly_report
    from itscm_audit.service import check_out_dir

    if out is not None:
        check_out_dir(workspace, out)
    out_dir = out if out is not None else workspace / "reports" / "quarterly"
    paths = write_quarterly_report(workspace, out_dir, _refs(runs))
    if as_json:
        echo_json({"out_dir": str(out_dir), "files": [p.name for p in paths]})
    else:
        click.echo(f"Quarterly report written to {out_dir}")
        for p in paths:
            click.echo(f"  {p.name}")
