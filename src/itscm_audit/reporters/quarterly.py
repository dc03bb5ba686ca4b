"""The quarterly report for a steering committee: ``quarterly-report.docx`` and ``quarterly-report.xlsx``.

The Word report opens with one page in words (posture, what improved, what regressed, the most overdue
corrective actions and their owners), then one chart per idea (the overall score, the score of each
framework in its own panel, open gaps, overdue actions and stale evidence each on their own scale,
exercise coverage), the trend tables (programme figures per quarter; framework scores with the
frameworks as rows, so a dozen frameworks never squeeze into one portrait row), the changes since the
previous quarter and the remediation priorities now. Frameworks are called by their names.

It uses the evidence pack's template, table builder and chart styles (``reporters.word``,
``reporters.charts``). The workbook keeps native Excel charts over its Trend sheet, and its Summary
sheet is a tidy table from A1 (``pandas.read_excel`` needs no ``skiprows``); the title block is on the
About sheet and in the document properties.

Input is the workspace history only (``history.load_runs``), so the report can be rebuilt at any time
for any set of runs. Overdue actions are the ones the rules listed when the run was recorded.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from itscm_audit.fsio import atomic_path
from itscm_audit.history import (
    HistoryError,
    RunDiff,
    StoredAction,
    StoredRun,
    compare,
    history_path,
    load_runs,
    unlike_runs,
)
from itscm_audit.reporters.charts import (
    GAP_COLOUR,
    OVERDUE_COLOUR,
    SERIES_COLOURS,
    STALE_COLOUR,
    CountSeries,
    counts_trend,
    coverage_trend,
    framework_name,
    framework_score_trend,
    overall_score_trend,
)
from itscm_audit.reporters.safe import excel_text
from itscm_audit.reporters.tables import STATUS_FILL, STATUS_FONT
from itscm_audit.reporters.word import Column, WordDocument, one_line

XLSX_NAME = "quarterly-report.xlsx"
DOCX_NAME = "quarterly-report.docx"
HEADER_FILL = "1F3864"
STATUS_NAMES = {"met": "met", "partially_met": "partially met", "not_met": "not met",
                "not_assessed": "not assessed", "not_applicable": "not applicable"}
TOP_OVERDUE = 5
NAMED_MOVES = 5
"""Requirements named in the summary's improved / regressed paragraphs."""
MOVEMENT_ROWS = 60
"""Requirement movements listed in the Word report; the workbook's Changes sheet lists them all."""


@dataclass(frozen=True)
class Trend:
    """One value per recorded quarter, oldest first: what the trend charts plot."""

    labels: tuple[str, ...]
    as_of: tuple[date, ...]
    frameworks: tuple[str, ...]
    scores: dict[str, tuple[float | None, ...]]
    """Score per framework (None in a quarter where the framework was not assessed)."""
    overall: tuple[float, ...]
    open_gaps: tuple[int, ...]
    overdue_actions: tuple[int, ...]
    coverage: tuple[float | None, ...]
    stale_evidence: tuple[int, ...]
    names: dict[str, str]
    """What each framework is called (``framework_name`` of its latest title)."""

    def name(self, framework: str) -> str:
        return self.names.get(framework, framework)


def quarterly_trend(runs: Sequence[StoredRun]) -> Trend:
    frameworks = tuple(dict.fromkeys(fw for r in runs for fw in r.record.scores))
    names: dict[str, str] = {}
    for r in runs:  # the latest title wins
        names.update({f.framework: framework_name(f.title, f.framework) for f in r.frameworks})
    return Trend(
        labels=tuple(r.record.label for r in runs), as_of=tuple(r.record.as_of for r in runs),
        frameworks=frameworks,
        scores={fw: tuple(r.record.scores.get(fw) for r in runs) for fw in frameworks},
        overall=tuple(float(r.record.metrics.get("overall_score", 0.0)) for r in runs),
        open_gaps=tuple(int(r.record.metrics.get("open_gaps", 0)) for r in runs),
        overdue_actions=tuple(int(r.record.metrics.get("overdue_actions", 0)) for r in runs),
        coverage=tuple(r.record.metrics.get("exercise_coverage") for r in runs),
        stale_evidence=tuple(int(r.record.metrics.get("stale_evidence", 0)) for r in runs),
        names=names,
    )


def write_quarterly_report(root: Path, out_dir: Path, runs: Sequence[str | int] | None = None) -> list[Path]:
    """Write the Excel and Word quarterly reports for ``runs`` (default: the latest run of every label)."""
    root, out_dir = Path(root), Path(out_dir)
    stored = load_runs(root, runs)
    if not stored:
        raise HistoryError("the history holds no run to report on", location=str(history_path(root)),
                           hint=f"run: itscm-audit assess {root}")
    diff = compare(stored[-2], stored[-1]) if len(stored) > 1 else None
    trend = quarterly_trend(stored)
    return [_write_xlsx(out_dir / XLSX_NAME, stored, trend, diff),
            _write_docx(out_dir / DOCX_NAME, stored, trend, diff)]


# --------------------------------------------------------------------------- what both reports say


def _fmt(value: float | None, suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:g}{suffix}"


def _delta(before: float | None, after: float | None) -> float | None:
    return None if before is None or after is None else round(after - before, 1)


def _change(before: float | None, after: float | None) -> str:
    delta = _delta(before, after)
    return "n/a" if delta is None else f"{delta:+g}" if delta else "no change"


def _key_figures(trend: Trend) -> list[tuple[str, float | None, float | None, float | None, str]]:
    """(figure, previous, now, change, unit) for the summary table, names not ids."""
    prev = -2 if len(trend.labels) > 1 else None

    def row(name: str, values: Sequence[float | int | None], unit: str = "") -> tuple[
            str, float | None, float | None, float | None, str]:
        before = values[prev] if prev is not None else None
        now = values[-1]
        return (name, None if before is None else float(before), None if now is None else float(now),
                _delta(before, now), unit)

    rows = [row("Overall score", trend.overall, "%")]
    rows.extend(row(f"Score {trend.name(fw)}", trend.scores[fw], "%") for fw in trend.frameworks)
    rows += [row("Open gaps", trend.open_gaps), row("Overdue corrective actions", trend.overdue_actions),
             row("Critical services exercised in the window", trend.coverage, "%"),
             row("Stale evidence items", trend.stale_evidence)]
    return rows


def _overdue_actions(run: StoredRun) -> list[tuple[StoredAction, int]]:
    """The actions the rules found overdue when the run was recorded (most overdue first), with the
    days past their due date at the run's as-of date."""
    listed = run.record.metrics.get("overdue_action_ids")
    by_id = {a.action_id: a for a in run.actions}
    if listed is None:  # recorded before the facts existed: open and past due plus the grace period
        grace = int(run.record.metrics.get("grace_days", 0))
        listed = [a.action_id for a in run.actions if a.status != "closed" and a.due is not None
                  and (run.record.as_of - a.due).days > grace]
    out = [(a, (run.record.as_of - a.due).days) for i in listed
           if (a := by_id.get(i)) is not None and a.due is not None]
    out.sort(key=lambda pair: (-pair[1], pair[0].action_id))
    return out


def _movement_rows(diff: RunDiff, trend: Trend) -> list[tuple[str, str, str, str, str, str, str]]:
    kind_names = {"new_gap": "new gap", "closed_gap": "closed gap", "regression": "regression",
                  "improvement": "improvement", "other": "status changed"}
    order = {"regression": 0, "new_gap": 1, "other": 2, "improvement": 3, "closed_gap": 4}
    moves = sorted(diff.movements, key=lambda m: (min(order[k] for k in m.kinds), m.framework, m.requirement_id))
    return [(trend.name(m.framework), m.requirement_id, m.title, STATUS_NAMES.get(m.before, m.before),
             STATUS_NAMES.get(m.after, m.after), ", ".join(kind_names[k] for k in m.kinds),
             "catalogue change" if m.cause == "catalogue" else "organisation") for m in moves]


def _framework_rows(diff: RunDiff, trend: Trend) -> list[tuple[Any, ...]]:
    return [(trend.name(f.framework) if f.framework != "overall" else "All frameworks", f.score_before,
             f.score_after, f.score_change, f.gaps_before, f.gaps_after, f.new_gaps, f.closed_gaps, f.regressions,
             f.improvements) for f in (*diff.frameworks, diff.overall)]


def _action_rows(diff: RunDiff, latest: StoredRun) -> list[tuple[str, str, str, str, str]]:
    """(change, action, description, owner, due) for opened, closed, reopened and overdue actions."""
    rows = [("opened", a.action_id, a.description or "", a.owner or "", _fmt_date(a.due))
            for a in diff.actions_opened]
    rows += [("closed", a.action_id, a.description or "", a.owner or "", _fmt_date(a.due))
             for a in diff.actions_closed]
    rows += [("reopened", a.action_id, a.description or "", a.owner or "", _fmt_date(a.due))
             for a in diff.actions_reopened]
    for a, days in sorted(_overdue_actions(latest), key=lambda pair: (pair[0].due or date.min, pair[0].action_id)):
        new = " (newly overdue)" if a.action_id in diff.newly_overdue else ""
        rows.append((f"overdue {days} days{new}", a.action_id, a.description or "", a.owner or "",
                     _fmt_date(a.due)))
    return rows


def _source_rows(diff: RunDiff) -> list[tuple[str, str, str, str]]:
    """(change, item, before, after) explaining movements by changes in the organisation's data."""
    s = diff.source
    rows = [("service added", sid, "", "") for sid in s.services_added]
    rows += [("service removed", sid, "", "") for sid in s.services_removed]
    rows += [(f"service {c.field.upper() if c.field in ('rto', 'rpo', 'mtpd') else c.field} changed",
              f"{c.service_id} ({c.name})", c.before, c.after) for c in s.service_changes]
    rows += [("exercise added", e, "", "") for e in s.exercises_added]
    rows += [("exercise removed", e, "", "") for e in s.exercises_removed]
    rows += [("file added", f, "", "") for f in s.files_added]
    rows += [("file removed", f, "", "") for f in s.files_removed]
    rows += [("file changed", f, "", "") for f in s.files_changed]
    return rows


def _catalogue_rows(diff: RunDiff, trend: Trend) -> list[tuple[str, str, str, str, str, str]]:
    rows = []
    for c in diff.catalogue:
        moved = [m.requirement_id for m in diff.movements if m.framework == c.framework and m.cause == "catalogue"]
        rows.append((trend.name(c.framework), c.version_before or "", c.version_after or "", ", ".join(c.added),
                     ", ".join(c.removed), ", ".join(moved)))
    rows += [(trend.name(fw), "", "added to scope", "", "", "") for fw in diff.frameworks_added]
    rows += [(trend.name(fw), "removed from scope", "", "", "", "") for fw in diff.frameworks_removed]
    return rows


def _fmt_date(value: date | None) -> str:
    return "" if value is None else value.isoformat()


def _headline(diff: RunDiff | None, latest: StoredRun) -> str:
    rec = latest.record
    if diff is None:
        return (f"{rec.organisation}: first recorded quarter {rec.label} (as of {rec.as_of}); overall score "
                f"{_fmt(rec.metrics.get('overall_score'), '%')}, {rec.metrics.get('open_gaps', 0)} open gaps.")
    o = diff.overall
    return (f"{rec.organisation}, {diff.before.label} to {diff.after.label}: overall score "
            f"{_fmt(o.score_before, '%')} to {_fmt(o.score_after, '%')}; open gaps {o.gaps_before} to "
            f"{o.gaps_after} ({o.new_gaps} new, {o.closed_gaps} closed, {o.regressions} regressions, "
            f"{o.improvements} improvements); overdue corrective actions {diff.overdue_before} to "
            f"{diff.overdue_after}; exercise coverage {_fmt(diff.coverage_before, '%')} to "
            f"{_fmt(diff.coverage_after, '%')}.")


def _diff_notes(diff: RunDiff | None, runs: Sequence[StoredRun]) -> list[str]:
    notes = [f"Not like for like: {n}." for n in unlike_runs([r.record for r in runs])]
    if diff is None:
        return notes
    catalogue_moves = sum(1 for m in diff.movements if m.cause == "catalogue")
    if catalogue_moves:
        notes.append(f"{catalogue_moves} status movement(s) come from a catalogue or crosswalk change, not from "
                     "the organisation (see Catalogue changes).")
    added = sum(len(c.added) for c in diff.catalogue)
    removed = sum(len(c.removed) for c in diff.catalogue)
    if added or removed:
        notes.append(f"The catalogues added {added} and removed {removed} requirement(s); these are not "
                     "counted as new or closed gaps.")
    if diff.oldest_overdue:
        o = diff.oldest_overdue
        notes.append(f"Oldest overdue corrective action: {o.get('action_id')}, due {o.get('due')}, "
                     f"{o.get('days_overdue')} days overdue.")
    return notes


def _plural(n: int, noun: str, plural: str | None = None) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {plural or noun + 's'}"


def _named(moves: Sequence[Any], trend: Trend) -> str:
    names = [f"{trend.name(m.framework)} {m.requirement_id} ({m.title})" for m in moves[:NAMED_MOVES]]
    more = len(moves) - len(names)
    return "; ".join(names) + (f"; and {more} more" if more > 0 else "")


def summary_words(trend: Trend, diff: RunDiff | None, latest: StoredRun) -> dict[str, list[str]]:
    """The one-page summary in sentences: ``posture``, ``improved`` and ``regressed`` (lists of sentences)."""
    rec = latest.record
    m = rec.metrics
    posture = [
        f"As of {rec.as_of.isoformat()} ({rec.label}) {rec.organisation} scores {_fmt(m.get('overall_score'), '%')} "
        f"over {_plural(len(rec.frameworks), 'framework')}, with {m.get('open_gaps', 0)} requirements not or only "
        "partially met.",
        f"{_fmt(m.get('exercise_coverage'), '%')} of critical services were exercised within the exercise window; "
        f"{_plural(int(m.get('overdue_actions', 0)), 'corrective action')} "
        f"{'is' if int(m.get('overdue_actions', 0)) == 1 else 'are'} overdue and "
        f"{_plural(int(m.get('stale_evidence', 0)), 'evidence item')} "
        f"{'is' if int(m.get('stale_evidence', 0)) == 1 else 'are'} stale.",
    ]
    scores = sorted(((trend.scores[fw][-1], fw) for fw in trend.frameworks if trend.scores[fw][-1] is not None),
                    key=lambda p: (-(p[0] or 0.0), p[1]))
    if len(scores) > 1:
        posture.append(f"Strongest: {trend.name(scores[0][1])} ({_fmt(scores[0][0], '%')}); weakest: "
                       f"{trend.name(scores[-1][1])} ({_fmt(scores[-1][0], '%')}).")
    improved: list[str] = []
    regressed: list[str] = []
    if diff is None:
        return {"posture": posture, "improved": ["This is the first recorded quarter: nothing to compare yet."],
                "regressed": []}
    for f in diff.frameworks:
        change = f.score_change
        if change:
            (improved if change > 0 else regressed).append(
                f"{trend.name(f.framework)}: score {_fmt(f.score_before, '%')} to {_fmt(f.score_after, '%')} "
                f"({change:+g} points).")
    if diff.closed_gaps:
        improved.append(f"{_plural(len(diff.closed_gaps), 'gap')} closed: {_named(diff.closed_gaps, trend)}.")
    better = [m for m in diff.improvements if m not in diff.closed_gaps]
    if better:
        improved.append(f"{_plural(len(better), 'requirement')} improved without closing: {_named(better, trend)}.")
    if diff.actions_closed:
        improved.append(f"{_plural(len(diff.actions_closed), 'corrective action')} closed: "
                        f"{', '.join(a.action_id for a in diff.actions_closed)}.")
    if diff.newly_exercised:
        improved.append(f"Newly exercised in the window: {', '.join(diff.newly_exercised)}.")
    if diff.new_gaps:
        regressed.append(f"{_plural(len(diff.new_gaps), 'new gap')}: {_named(diff.new_gaps, trend)}.")
    worse = [m for m in diff.regressions if m not in diff.new_gaps]
    if worse:
        regressed.append(f"{_plural(len(worse), 'requirement')} fell further: {_named(worse, trend)}.")
    if diff.newly_overdue:
        regressed.append(f"Newly overdue corrective actions: {', '.join(diff.newly_overdue)}.")
    if diff.no_longer_exercised:
        regressed.append(f"No longer exercised within the window: {', '.join(diff.no_longer_exercised)}.")
    if diff.stale_evidence:
        regressed.append(f"{_plural(len(diff.stale_evidence), 'evidence item')} stopped being current: "
                         f"{', '.join(e.path for e in diff.stale_evidence[:NAMED_MOVES])}"
                         f"{' and more' if len(diff.stale_evidence) > NAMED_MOVES else ''}.")
    return {"posture": posture, "improved": improved or ["Nothing improved since the previous quarter."],
            "regressed": regressed or ["Nothing regressed since the previous quarter."]}


# --------------------------------------------------------------------------- Excel


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _write_xlsx(target: Path, runs: Sequence[StoredRun], trend: Trend, diff: RunDiff | None) -> Path:
    import xlsxwriter

    from itscm_audit.reporters.xlsx import print_setup

    latest = runs[-1]
    rec = latest.record
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        wb.set_properties({"title": excel_text(f"Quarterly continuity report {rec.label}"),
                           "subject": excel_text(_headline(diff, latest))[:255],
                           "company": excel_text(rec.organisation), "author": "itscm-audit",
                           "created": _midnight(rec.as_of)})
        head = wb.add_format({"bold": True, "font_color": "FFFFFF", "bg_color": HEADER_FILL, "border": 1,
                              "text_wrap": True, "valign": "top"})
        cell = wb.add_format({"border": 1, "valign": "top", "text_wrap": True})
        num = wb.add_format({"border": 1, "valign": "top", "num_format": "0.0"})
        integer = wb.add_format({"border": 1, "valign": "top", "num_format": "0"})
        status_fmt = {name: wb.add_format({"border": 1, "valign": "top", "bg_color": STATUS_FILL[name],
                                           "font_color": STATUS_FONT[name]}) for name in STATUS_FILL}

        def table(ws: Any, headers: Sequence[str], rows: Sequence[Sequence[Any]], widths: Sequence[int],
                  status_cols: Sequence[int] = ()) -> None:
            """A tidy table from A1: header row, typed cells, filter, frozen header, printed landscape with
            the leading columns that fit legibly."""
            print_setup(ws, header_row=0, widths=[float(w) for w in widths], last_row=max(len(rows), 1))
            for c, (h, w) in enumerate(zip(headers, widths, strict=True)):
                ws.write_string(0, c, excel_text(h), head)
                ws.set_column(c, c, w)
            for r, values in enumerate(rows, start=1):
                lines = 1
                for c, value in enumerate(values):
                    if value is None:
                        ws.write_blank(r, c, None, cell)
                    elif isinstance(value, bool):
                        ws.write_string(r, c, "yes" if value else "no", cell)
                    elif isinstance(value, int):
                        ws.write_number(r, c, value, integer)
                    elif isinstance(value, float):
                        ws.write_number(r, c, value, num)
                    else:
                        text = excel_text(str(value))
                        ws.write_string(r, c, text, status_fmt.get(text, cell) if c in status_cols else cell)
                        lines = max(lines, -(-len(text) // max(widths[c] - 1, 1)), text.count("\n") + 1)
                if lines > 1:  # wrapped text: a height LibreOffice and Excel both show whole
                    ws.set_row(r, 15 * min(lines, 20))
            if rows:
                ws.autofilter(0, 0, len(rows), len(headers) - 1)
            ws.freeze_panes(1, 0)

        previous = f"Previous ({trend.labels[-2]})" if len(runs) > 1 else "Previous"
        table(wb.add_worksheet("Summary"), ["Figure", previous, f"Now ({trend.labels[-1]})", "Change", "Unit"],
              _key_figures(trend), [44, 18, 18, 12, 8])

        about = [("Report", f"Quarterly continuity report: {rec.organisation}"), ("Organisation", rec.organisation),
                 ("Quarter", rec.label), ("As of", rec.as_of.isoformat()), ("Run", f"{rec.run_no} ({rec.run_id})"),
                 ("Produced by", f"itscm-audit {rec.tool_version}"), ("Quarters", ", ".join(trend.labels)),
                 ("Headline", _headline(diff, latest))]
        words = summary_words(trend, diff, latest)
        about += [("Posture", s) for s in words["posture"]]
        about += [("Improved", s) for s in words["improved"]]
        about += [("Regressed", s) for s in words["regressed"]]
        about += [("Note", n) for n in _diff_notes(diff, runs)]
        table(wb.add_worksheet("About"), ["Item", "Value"], about, [16, 110])

        ws = wb.add_worksheet("Trend")
        headers = ["Quarter", "As of", "Overall score", "Open gaps", "Overdue actions", "Exercise coverage %",
                   "Stale evidence", *(f"Score {trend.name(fw)}" for fw in trend.frameworks)]
        rows = [(trend.labels[i], trend.as_of[i].isoformat(), trend.overall[i], trend.open_gaps[i],
                 trend.overdue_actions[i], trend.coverage[i], trend.stale_evidence[i],
                 *(trend.scores[fw][i] for fw in trend.frameworks)) for i in range(len(runs))]
        table(ws, headers, rows, [10, 11, 9, 9, 10, 11, 10, *(14 for _ in trend.frameworks)])
        _xlsx_charts(wb, ws, trend)

        if diff is not None:
            table(wb.add_worksheet("Changes"), ["Framework", "Requirement", "Title", f"Status {diff.before.label}",
                                                f"Status {diff.after.label}", "Movement", "Cause"],
                  _movement_rows(diff, trend), [22, 14, 44, 16, 16, 24, 18], status_cols=(3, 4))
            table(wb.add_worksheet("Frameworks"), ["Framework", f"Score {diff.before.label}",
                                                   f"Score {diff.after.label}", "Change", f"Gaps {diff.before.label}",
                                                   f"Gaps {diff.after.label}", "New gaps", "Closed gaps", "Regressions",
                                                   "Improvements"], _framework_rows(diff, trend),
                  [28, 12, 12, 9, 11, 11, 9, 10, 11, 12])
            table(wb.add_worksheet("Corrective actions"), ["Change", "Action", "Description", "Owner", "Due"],
                  _action_rows(diff, latest), [26, 12, 50, 20, 12])
            table(wb.add_worksheet("Evidence"), ["Evidence", "Type", f"State {diff.before.label}",
                                                 f"State {diff.after.label}", "Why"],
                  [(e.path, e.evidence_type, e.state_before or "not listed", e.state_after, e.message)
                   for e in diff.stale_evidence], [36, 20, 14, 14, 60])
            table(wb.add_worksheet("Source changes"), ["Change", "Item", "Before", "After"], _source_rows(diff),
                  [26, 40, 16, 16])
            table(wb.add_worksheet("Catalogue changes"), ["Framework", f"Version {diff.before.label}",
                                                          f"Version {diff.after.label}", "Requirements added",
                                                          "Requirements removed", "Movements from the catalogue"],
                  _catalogue_rows(diff, trend), [22, 16, 16, 28, 28, 28])
        table(wb.add_worksheet("Priorities"), ["Rank", "Objective", "Title", "Action", "Requirements it would improve",
                                               "Weight", "Failing entities"],
              [(m.rank, m.objective_id, m.title, m.action, ", ".join(m.requirements), m.weight, m.failing_entities)
               for m in latest.remediation], [6, 20, 28, 60, 40, 8, 9])
        wb.close()
    return target


def _xlsx_charts(wb: Any, ws: Any, trend: Trend) -> None:
    """Native charts over the Trend sheet (they stay live if the officer edits values), one idea each:
    the overall score, the framework scores, and each count on its own axis."""
    n = len(trend.labels)
    cats = ["Trend", 1, 0, n, 0]
    nfw = len(trend.frameworks)
    grid = {"visible": True, "line": {"color": "#D9D9D9"}}

    def line(title: str, columns: Sequence[int], colours: Sequence[str], y_max: float | None) -> Any:
        chart = wb.add_chart({"type": "line"})
        for col, colour in zip(columns, colours, strict=True):
            chart.add_series({"name": ["Trend", 0, col], "categories": cats, "values": ["Trend", 1, col, n, col],
                              "line": {"color": colour, "width": 2.25},
                              "marker": {"type": "circle", "size": 6, "fill": {"color": colour},
                                         "border": {"color": colour}}})
        chart.set_title({"name": title})
        chart.set_y_axis({"min": 0, **({"max": y_max} if y_max else {}), "major_gridlines": grid})
        chart.set_legend({"position": "right"} if len(columns) > 1 else {"none": True})
        chart.set_size({"width": 760, "height": 340})
        return chart

    overall = line("Overall score (%)", [2], [SERIES_COLOURS[0]], 100)
    frameworks = line("Score per framework (%)", [7 + i for i in range(nfw)],
                      [SERIES_COLOURS[i % len(SERIES_COLOURS)] for i in range(nfw)], 100)
    counts = []
    for col, colour, title in ((3, GAP_COLOUR, "Open gaps"), (4, OVERDUE_COLOUR, "Overdue corrective actions"),
                               (6, STALE_COLOUR, "Stale evidence items")):
        chart = wb.add_chart({"type": "column"})
        chart.add_series({"name": ["Trend", 0, col], "categories": cats, "values": ["Trend", 1, col, n, col],
                          "fill": {"color": colour}, "data_labels": {"value": True}})
        chart.set_title({"name": title})
        chart.set_y_axis({"min": 0, "major_gridlines": grid})
        chart.set_legend({"none": True})
        chart.set_size({"width": 380, "height": 280})
        counts.append(chart)
    coverage = line("Critical services exercised in the window (%)", [5], [MET_LINE], 100)
    first = n + 3
    ws.insert_chart(first, 0, overall)
    ws.insert_chart(first + 18, 0, frameworks)
    for i, chart in enumerate(counts):
        ws.insert_chart(first + 36 + 15 * (i // 2), 5 * (i % 2), chart)
    ws.insert_chart(first + 66, 0, coverage)


MET_LINE = "#" + STATUS_FONT["met"]


# --------------------------------------------------------------------------- Word


def _write_docx(target: Path, runs: Sequence[StoredRun], trend: Trend, diff: RunDiff | None) -> Path:
    from itscm_audit.reporters.docx_pack import default_template

    latest = runs[-1]
    rec = latest.record
    doc = WordDocument(default_template())
    doc.header_text("Quarterly continuity report")
    doc.para(f"Quarterly continuity report: {rec.organisation}", "Title")
    doc.para(f"{rec.label}, as of {rec.as_of.isoformat()}", "Subtitle")
    doc.para(f"Quarters in this report: {', '.join(trend.labels)}. Run {rec.run_no} ({rec.run_id}), "
             f"itscm-audit {rec.tool_version}.")
    words = summary_words(trend, diff, latest)
    doc.heading("Summary", 1)
    doc.heading("Posture", 2)
    doc.para(" ".join(words["posture"]))
    doc.heading("What improved" + (f" since {diff.before.label}" if diff else ""), 2)
    for sentence in words["improved"]:
        doc.bullet(sentence)
    if diff is not None:
        doc.heading(f"What regressed since {diff.before.label}", 2)
        for sentence in words["regressed"]:
            doc.bullet(sentence)
    overdue = _overdue_actions(latest)
    doc.heading("Most overdue corrective actions", 2)
    if overdue:
        doc.table((Column("Action"), Column("Description", "wrap", 0.5), Column("Owner", "wrap", 0.3),
                   Column("Due", "date"), Column("Days overdue", "number")),
                  [(a.action_id, one_line(a.description or "", 100), a.owner or "not recorded", a.due, days)
                   for a, days in overdue[:TOP_OVERDUE]])
        if len(overdue) > TOP_OVERDUE:
            doc.para(f"{len(overdue)} actions are overdue in all; the workbook's Corrective actions sheet lists them.",
                     "Caption")
    else:
        doc.para("No corrective action is overdue.")
    for note in _diff_notes(diff, runs):
        doc.bullet(note)

    doc.heading("Key figures", 1, new_page=True)
    previous = f"Previous ({trend.labels[-2]})" if len(runs) > 1 else "Previous"
    doc.table((Column("Figure", "wrap", 0.6), Column(previous, "number"), Column(f"Now ({trend.labels[-1]})", "number"),
               Column("Change", "number")),
              [(name, _fmt(before, unit) if before is not None else "n/a", _fmt(now, unit), _change(before, now))
               for name, before, now, _, unit in _key_figures(trend)])

    width = min(doc.text_width_cm, 17.0)
    doc.heading("Trends over the recorded quarters", 1)
    labels = trend.labels
    doc.picture(overall_score_trend(labels, trend.overall, width), width,
                "Overall score per quarter (all frameworks in scope; partially met counts half).")
    doc.picture(framework_score_trend(labels, [(trend.name(fw), trend.scores[fw]) for fw in trend.frameworks],
                                      width), width,
                "Score of each framework per quarter, each in its own panel on the same 0-100 scale.")
    doc.picture(counts_trend(labels, [CountSeries("Open gaps", trend.open_gaps, GAP_COLOUR),
                                      CountSeries("Overdue corrective actions", trend.overdue_actions, OVERDUE_COLOUR),
                                      CountSeries("Stale evidence items", trend.stale_evidence, STALE_COLOUR)], width),
                width, "Open gaps, overdue corrective actions and stale evidence per quarter, each on its own scale.")
    doc.picture(coverage_trend(labels, trend.coverage, width), width,
                "Share of critical services exercised within the exercise window, per quarter.")
    doc.heading("Trend tables", 2)
    doc.para("Programme figures per quarter.", keep_next=True)
    doc.table((Column("Quarter"), Column("As of", "date"), Column("Overall score (%)", "number"),
               Column("Open gaps", "number"), Column("Overdue actions", "number"),
               Column("Critical services exercised (%)", "number"), Column("Stale evidence", "number")),
              [(trend.labels[i], trend.as_of[i], trend.overall[i], trend.open_gaps[i], trend.overdue_actions[i],
                trend.coverage[i], trend.stale_evidence[i]) for i in range(len(labels))])
    _score_table(doc, trend)

    if diff is not None:
        doc.heading(f"Changes since {diff.before.label}", 1, new_page=True)
        doc.heading("Per framework", 2)
        doc.table((Column("Framework", "wrap", 0.3), Column(f"Score {diff.before.label}", "number"),
                   Column(f"Score {diff.after.label}", "number"), Column("Change", "number"),
                   Column("Gaps before", "number"), Column("Gaps now", "number"), Column("New", "number"),
                   Column("Closed", "number"), Column("Regressions", "number"), Column("Improvements", "number")),
                  _framework_rows(diff, trend))
        doc.heading("Requirement movements", 2)
        doc.para("A regression is a worse status (met to partially met or not met, partially met to not met); a "
                 "requirement that became a gap is also a new gap. Movements caused by a catalogue change are "
                 "marked as such.", keep_next=True)
        moves = _movement_rows(diff, trend)
        if moves:
            doc.capped((Column("Framework", "wrap", 0.2), Column("Requirement"), Column("Title", "wrap", 0.35),
                        Column("Before", "status"), Column("After", "status"), Column("Movement", "wrap", 0.2),
                        Column("Cause", "wrap", 0.2)), moves, MOVEMENT_ROWS, "the workbook's Changes sheet")
        else:
            doc.para("No requirement changed status.")
        unchanged: list[str] = []
        for title, headers, rows in (
                ("Corrective actions", ("Change", "Action", "Description", "Owner", "Due"), _action_rows(diff, latest)),
                ("Evidence that stopped being current", ("Evidence", "Type", "Before", "Now", "Why"),
                 [(e.path, e.evidence_type.replace("_", " "), e.state_before or "not listed", e.state_after, e.message)
                  for e in diff.stale_evidence]),
                ("Changes in the source data", ("Change", "Item", "Before", "After"), _source_rows(diff)),
                ("Catalogue changes", ("Framework", "Version before", "Version now", "Requirements added",
                                       "Requirements removed", "Movements from the catalogue"),
                 _catalogue_rows(diff, trend))):
            if rows:
                doc.heading(title, 2)
                doc.table([Column(h, "wrap", 0.5) for h in headers], rows)
            else:
                unchanged.append(title.lower())
        if unchanged:
            doc.para(f"Nothing to report for: {'; '.join(unchanged)}.")

    doc.heading("Remediation priorities now", 1, new_page=True)
    if latest.remediation:
        doc.table((Column("Rank", "number"), Column("Objective", "wrap", 0.3), Column("Action", "wrap", 0.5),
                   Column("Requirements it improves", "number"), Column("Frameworks", "number")),
                  [(m.rank, m.title, one_line(m.action, 160), len(m.requirements),
                    len({r.split(":", 1)[0] for r in m.requirements})) for m in latest.remediation])
    else:
        doc.para("No open gap needs remediation.")
    doc.properties(f"Quarterly continuity report {rec.label}", "IT service continuity quarterly report", rec.run_id,
                   rec.as_of)
    doc.save(target)
    return target


def _score_table(doc: WordDocument, trend: Trend) -> None:
    """Framework scores with frameworks as rows and quarters as columns; the most recent quarters when
    there are more than fit across the page."""
    columns = [Column("Framework", "wrap", 0.35)]
    shown = list(range(len(trend.labels)))
    while True:
        cols = [*columns, *(Column(trend.labels[i], "number") for i in shown)]
        rows = [(trend.name(fw), *(trend.scores[fw][i] for i in shown)) for fw in trend.frameworks]
        if doc.fits(cols, rows) or len(shown) <= 2:
            break
        shown = shown[1:]
    note = "" if len(shown) == len(trend.labels) else \
        f" (the latest {len(shown)} quarters; the workbook's Trend sheet has them all)"
    doc.para(f"Score of each framework per quarter, in %{note}.", keep_next=True)
    doc.table(cols, rows)
