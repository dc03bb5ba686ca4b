"""The quarterly report: trends over every recorded quarter, the diff against the previous quarter and
the remediation priorities now, as ``quarterly-report.xlsx`` (native Excel charts) and
``quarterly-report.docx`` (PNG charts drawn here, so no plotting library is needed).

Input is the workspace history only (``history.load_runs``), so the report can be rebuilt at any time
for any set of runs. Every text comes from the organisation's files and is sanitised before writing.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from itscm_audit.fsio import atomic_path
from itscm_audit.history import (
    HistoryError,
    RunDiff,
    StoredRun,
    compare,
    history_path,
    load_runs,
    unlike_runs,
)
from itscm_audit.reporters.png import RGB, Canvas, hex_rgb
from itscm_audit.reporters.safe import clean_text, excel_text, fixed_zip_times
from itscm_audit.reporters.tables import STATUS_FILL, STATUS_FONT
from itscm_audit.reporters.xlsx import print_setup

XLSX_NAME = "quarterly-report.xlsx"
DOCX_NAME = "quarterly-report.docx"
SERIES_COLOURS = ("1F4E79", "C55A11", "548235", "7030A0", "BF8F00", "2E75B6", "A5A5A5", "843C0C", "375623")
"""Line colours for the frameworks, in a fixed order so every report looks the same."""
HEADER_FILL = "1F4E79"
OVERDUE_COLOUR = "FFC000"
"""Amber: overdue corrective actions in the trend charts."""
STATUS_NAMES = {"met": "met", "partially_met": "partially met", "not_met": "not met",
                "not_assessed": "not assessed", "not_applicable": "not applicable"}


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


def quarterly_trend(runs: Sequence[StoredRun]) -> Trend:
    frameworks = tuple(dict.fromkeys(fw for r in runs for fw in r.record.scores))
    return Trend(
        labels=tuple(r.record.label for r in runs), as_of=tuple(r.record.as_of for r in runs),
        frameworks=frameworks,
        scores={fw: tuple(r.record.scores.get(fw) for r in runs) for fw in frameworks},
        overall=tuple(float(r.record.metrics.get("overall_score", 0.0)) for r in runs),
        open_gaps=tuple(int(r.record.metrics.get("open_gaps", 0)) for r in runs),
        overdue_actions=tuple(int(r.record.metrics.get("overdue_actions", 0)) for r in runs),
        coverage=tuple(r.record.metrics.get("exercise_coverage") for r in runs),
        stale_evidence=tuple(int(r.record.metrics.get("stale_evidence", 0)) for r in runs),
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


# --------------------------------------------------------------------------- shared rows


def _fmt(value: float | None, suffix: str = "") -> str:
    return "n/a" if value is None else f"{value:g}{suffix}"


def _change(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return "n/a"
    delta = round(after - before, 1)
    return f"{delta:+g}" if delta else "no change"


def _key_figures(trend: Trend) -> list[tuple[str, str, str, str]]:
    """(figure, previous, now, change) for the summary table."""
    prev = -2 if len(trend.labels) > 1 else None

    def row(name: str, values: Sequence[float | int | None], suffix: str = "") -> tuple[str, str, str, str]:
        before = values[prev] if prev is not None else None
        return (name, _fmt(before, suffix) if prev is not None else "n/a", _fmt(values[-1], suffix),
                _change(before, values[-1]))

    rows = [row("Overall score", trend.overall, "%")]
    rows.extend(row(f"Score {fw}", trend.scores[fw], "%") for fw in trend.frameworks)
    rows += [row("Open gaps", trend.open_gaps), row("Overdue corrective actions", trend.overdue_actions),
             row("Critical services exercised in the window", trend.coverage, "%"),
             row("Stale evidence items", trend.stale_evidence)]
    return rows


def _movement_rows(diff: RunDiff) -> list[tuple[str, str, str, str, str, str, str]]:
    kind_names = {"new_gap": "new gap", "closed_gap": "closed gap", "regression": "regression",
                  "improvement": "improvement", "other": "status changed"}
    order = {"regression": 0, "new_gap": 1, "other": 2, "improvement": 3, "closed_gap": 4}
    moves = sorted(diff.movements, key=lambda m: (min(order[k] for k in m.kinds), m.framework, m.requirement_id))
    return [(m.framework, m.requirement_id, m.title, STATUS_NAMES.get(m.before, m.before),
             STATUS_NAMES.get(m.after, m.after), ", ".join(kind_names[k] for k in m.kinds),
             "catalogue change" if m.cause == "catalogue" else "organisation") for m in moves]


def _framework_rows(diff: RunDiff) -> list[tuple[Any, ...]]:
    return [(f.framework, f.score_before, f.score_after, f.score_change, f.gaps_before, f.gaps_after, f.new_gaps,
             f.closed_gaps, f.regressions, f.improvements) for f in (*diff.frameworks, diff.overall)]


def _action_rows(diff: RunDiff, latest: StoredRun) -> list[tuple[str, str, str, str, str]]:
    """(change, action, description, owner, due) for opened, closed, reopened and overdue actions."""
    rows = [("opened", a.action_id, a.description or "", a.owner or "", _fmt_date(a.due))
            for a in diff.actions_opened]
    rows += [("closed", a.action_id, a.description or "", a.owner or "", _fmt_date(a.due))
             for a in diff.actions_closed]
    rows += [("reopened", a.action_id, a.description or "", a.owner or "", _fmt_date(a.due))
             for a in diff.actions_reopened]
    as_of = latest.record.as_of
    grace = int(latest.record.metrics.get("grace_days", 0))
    for a in latest.actions:
        if a.status != "closed" and a.due is not None and (as_of - a.due).days > grace:
            new = " (newly overdue)" if a.action_id in diff.newly_overdue else ""
            rows.append((f"overdue {(as_of - a.due).days} days{new}", a.action_id, a.description or "",
                         a.owner or "", _fmt_date(a.due)))
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


def _catalogue_rows(diff: RunDiff) -> list[tuple[str, str, str, str, str, str]]:
    rows = []
    for c in diff.catalogue:
        moved = [m.requirement_id for m in diff.movements if m.framework == c.framework and m.cause == "catalogue"]
        rows.append((c.framework, c.version_before or "", c.version_after or "", ", ".join(c.added),
                     ", ".join(c.removed), ", ".join(moved)))
    rows += [(fw, "", "added to scope", "", "", "") for fw in diff.frameworks_added]
    rows += [(fw, "removed from scope", "", "", "", "") for fw in diff.frameworks_removed]
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
    if diff.stale_evidence:
        notes.append(f"{len(diff.stale_evidence)} evidence item(s) stopped being current since {diff.before.label}.")
    return notes


# --------------------------------------------------------------------------- Excel


def _write_xlsx(target: Path, runs: Sequence[StoredRun], trend: Trend, diff: RunDiff | None) -> Path:
    import xlsxwriter

    latest = runs[-1]
    with atomic_path(target) as tmp:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                            "strings_to_numbers": False})
        wb.set_properties({"title": excel_text(f"Quarterly continuity report {latest.record.label}"),
                           "company": excel_text(latest.record.organisation), "author": "itscm-audit",
                           "created": _midnight(latest.record.as_of)})
        title = wb.add_format({"bold": True, "font_size": 16, "font_color": HEADER_FILL})
        head = wb.add_format({"bold": True, "font_color": "FFFFFF", "bg_color": HEADER_FILL, "border": 1,
                              "text_wrap": True, "valign": "top"})
        cell = wb.add_format({"border": 1, "valign": "top", "text_wrap": True})
        num = wb.add_format({"border": 1, "valign": "top", "num_format": "0.0"})
        integer = wb.add_format({"border": 1, "valign": "top", "num_format": "0"})
        status_fmt = {name: wb.add_format({"border": 1, "valign": "top", "bg_color": STATUS_FILL[name],
                                           "font_color": STATUS_FONT[name]}) for name in STATUS_FILL}

        def table(ws: Any, row: int, headers: Sequence[str], rows: Sequence[Sequence[Any]],
                  widths: Sequence[int], status_cols: Sequence[int] = ()) -> int:
            print_setup(ws, header_row=row)
            for c, (h, w) in enumerate(zip(headers, widths, strict=True)):
                ws.write_string(row, c, h, head)
                ws.set_column(c, c, w)
            for r, values in enumerate(rows, start=row + 1):
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
            if rows:
                ws.autofilter(row, 0, row + len(rows), len(headers) - 1)
            ws.freeze_panes(row + 1, 0)
            return row + len(rows) + 1

        ws = wb.add_worksheet("Summary")
        ws.write_string(0, 0, excel_text(f"Quarterly continuity report: {latest.record.organisation}"), title)
        ws.write_string(1, 0, excel_text(_headline(diff, latest)))
        end = table(ws, 3, ["Figure", f"Previous ({trend.labels[-2]})" if len(runs) > 1 else "Previous",
                            f"Now ({trend.labels[-1]})", "Change"], _key_figures(trend), [44, 18, 18, 14])
        for i, note in enumerate(_diff_notes(diff, runs)):
            ws.write_string(end + 1 + i, 0, excel_text(note))

        ws = wb.add_worksheet("Trend")
        headers = ["Quarter", "As of", "Overall score", *(f"Score {fw}" for fw in trend.frameworks), "Open gaps",
                   "Overdue actions", "Exercise coverage %", "Stale evidence"]
        rows = [(trend.labels[i], trend.as_of[i].isoformat(), trend.overall[i],
                 *(trend.scores[fw][i] for fw in trend.frameworks), trend.open_gaps[i],
                 trend.overdue_actions[i], trend.coverage[i], trend.stale_evidence[i]) for i in range(len(runs))]
        table(ws, 0, headers, rows, [12, 12, 14, *(16 for _ in trend.frameworks), 12, 16, 20, 14])
        _xlsx_charts(wb, ws, trend)

        if diff is not None:
            ws = wb.add_worksheet("Changes")
            table(ws, 0, ["Framework", "Requirement", "Title", f"Status {diff.before.label}",
                          f"Status {diff.after.label}", "Movement", "Cause"], _movement_rows(diff),
                  [16, 14, 48, 16, 16, 26, 18], status_cols=(3, 4))
            ws = wb.add_worksheet("Frameworks")
            table(ws, 0, ["Framework", f"Score {diff.before.label}", f"Score {diff.after.label}", "Change",
                          f"Gaps {diff.before.label}", f"Gaps {diff.after.label}", "New gaps", "Closed gaps",
                          "Regressions", "Improvements"], _framework_rows(diff), [18, 14, 14, 10, 12, 12, 10, 12,
                                                                                 12, 13])
            ws = wb.add_worksheet("Corrective actions")
            table(ws, 0, ["Change", "Action", "Description", "Owner", "Due"], _action_rows(diff, latest),
                  [26, 12, 50, 18, 12])
            ws = wb.add_worksheet("Evidence")
            table(ws, 0, ["Evidence", "Type", f"State {diff.before.label}", f"State {diff.after.label}",
                          "Why"], [(e.path, e.evidence_type, e.state_before or "not listed", e.state_after,
                                    e.message) for e in diff.stale_evidence], [36, 20, 16, 16, 50])
            ws = wb.add_worksheet("Source changes")
            table(ws, 0, ["Change", "Item", "Before", "After"], _source_rows(diff), [26, 36, 16, 16])
            ws = wb.add_worksheet("Catalogue changes")
            table(ws, 0, ["Framework", f"Version {diff.before.label}", f"Version {diff.after.label}",
                          "Requirements added", "Requirements removed", "Movements from the catalogue"],
                  _catalogue_rows(diff), [16, 16, 16, 30, 30, 30])
        ws = wb.add_worksheet("Priorities")
        table(ws, 0, ["Rank", "Objective", "Title", "Action", "Requirements it would improve", "Weight",
                      "Failing entities"],
              [(m.rank, m.objective_id, m.title, m.action, ", ".join(m.requirements), m.weight, m.failing_entities)
               for m in latest.remediation], [6, 18, 30, 50, 40, 8, 10])
        wb.close()
    return target


def _midnight(day: date) -> Any:
    from datetime import datetime

    return datetime(day.year, day.month, day.day)


def _xlsx_charts(wb: Any, ws: Any, trend: Trend) -> None:
    """Native line/column charts over the Trend table (they stay live if the officer edits values)."""
    n = len(trend.labels)
    cats = ["Trend", 1, 0, n, 0]
    nfw = len(trend.frameworks)
    scores = wb.add_chart({"type": "line"})
    for i in range(nfw + 1):
        colour = "000000" if i == 0 else SERIES_COLOURS[(i - 1) % len(SERIES_COLOURS)]
        scores.add_series({"name": ["Trend", 0, 2 + i], "categories": cats, "values": ["Trend", 1, 2 + i, n, 2 + i],
                           "line": {"color": f"#{colour}", "width": 2.25, "dash_type": "dash" if i == 0 else "solid"},
                           "marker": {"type": "circle", "size": 6,
                                      "fill": {"color": f"#{colour}"}, "border": {"color": f"#{colour}"}}})
    scores.set_title({"name": "Score per framework (%)"})
    scores.set_y_axis({"min": 0, "max": 100, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    scores.set_legend({"position": "bottom"})
    scores.set_size({"width": 720, "height": 320})

    gaps_col = 3 + nfw
    bars = wb.add_chart({"type": "column"})
    for offset, colour in ((0, STATUS_FONT["not met"]), (1, OVERDUE_COLOUR)):
        col = gaps_col + offset
        bars.add_series({"name": ["Trend", 0, col], "categories": cats, "values": ["Trend", 1, col, n, col],
                         "fill": {"color": f"#{colour}"}, "data_labels": {"value": True}})
    bars.set_title({"name": "Open gaps and overdue corrective actions"})
    bars.set_y_axis({"min": 0, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    bars.set_legend({"position": "bottom"})
    bars.set_size({"width": 720, "height": 320})

    cov_col = gaps_col + 2
    coverage = wb.add_chart({"type": "line"})
    coverage.add_series({"name": ["Trend", 0, cov_col], "categories": cats, "values": ["Trend", 1, cov_col, n, cov_col],
                         "line": {"color": f"#{STATUS_FONT['met']}", "width": 2.5},
                         "marker": {"type": "square", "size": 7, "fill": {"color": f"#{STATUS_FONT['met']}"}},
                         "data_labels": {"value": True}})
    coverage.set_title({"name": "Critical services exercised in the window (%)"})
    coverage.set_y_axis({"min": 0, "max": 100, "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}})
    coverage.set_legend({"none": True})
    coverage.set_size({"width": 720, "height": 320})

    first = n + 3
    ws.insert_chart(first, 0, scores)
    ws.insert_chart(first + 17, 0, bars)
    ws.insert_chart(first + 34, 0, coverage)


# --------------------------------------------------------------------------- PNG charts for Word

# 5x7 glyphs, one byte per column, bit 0 at the top (the classic HD44780-style font).
_FONT: dict[str, tuple[int, ...]] = {
    "0": (0x3E, 0x51, 0x49, 0x45, 0x3E), "1": (0x00, 0x42, 0x7F, 0x40, 0x00), "2": (0x42, 0x61, 0x51, 0x49, 0x46),
    "3": (0x21, 0x41, 0x45, 0x4B, 0x31), "4": (0x18, 0x14, 0x12, 0x7F, 0x10), "5": (0x27, 0x45, 0x45, 0x45, 0x39),
    "6": (0x3C, 0x4A, 0x49, 0x49, 0x30), "7": (0x01, 0x71, 0x09, 0x05, 0x03), "8": (0x36, 0x49, 0x49, 0x49, 0x36),
    "9": (0x06, 0x49, 0x49, 0x29, 0x1E), "A": (0x7E, 0x11, 0x11, 0x11, 0x7E), "B": (0x7F, 0x49, 0x49, 0x49, 0x36),
    "C": (0x3E, 0x41, 0x41, 0x41, 0x22), "D": (0x7F, 0x41, 0x41, 0x22, 0x1C), "E": (0x7F, 0x49, 0x49, 0x49, 0x41),
    "F": (0x7F, 0x09, 0x09, 0x09, 0x01), "G": (0x3E, 0x41, 0x49, 0x49, 0x7A), "H": (0x7F, 0x08, 0x08, 0x08, 0x7F),
    "I": (0x00, 0x41, 0x7F, 0x41, 0x00), "J": (0x20, 0x40, 0x41, 0x3F, 0x01), "K": (0x7F, 0x08, 0x14, 0x22, 0x41),
    "L": (0x7F, 0x40, 0x40, 0x40, 0x40), "M": (0x7F, 0x02, 0x0C, 0x02, 0x7F), "N": (0x7F, 0x04, 0x08, 0x10, 0x7F),
    "O": (0x3E, 0x41, 0x41, 0x41, 0x3E), "P": (0x7F, 0x09, 0x09, 0x09, 0x06), "Q": (0x3E, 0x41, 0x51, 0x21, 0x5E),
    "R": (0x7F, 0x09, 0x19, 0x29, 0x46), "S": (0x46, 0x49, 0x49, 0x49, 0x31), "T": (0x01, 0x01, 0x7F, 0x01, 0x01),
    "U": (0x3F, 0x40, 0x40, 0x40, 0x3F), "V": (0x1F, 0x20, 0x40, 0x20, 0x1F), "W": (0x3F, 0x40, 0x38, 0x40, 0x3F),
    "X": (0x63, 0x14, 0x08, 0x14, 0x63), "Y": (0x07, 0x08, 0x70, 0x08, 0x07), "Z": (0x61, 0x51, 0x49, 0x45, 0x43),
    ".": (0x00, 0x60, 0x60, 0x00, 0x00), "-": (0x08, 0x08, 0x08, 0x08, 0x08), "_": (0x40, 0x40, 0x40, 0x40, 0x40),
    "%": (0x23, 0x13, 0x08, 0x64, 0x62), " ": (0x00, 0x00, 0x00, 0x00, 0x00), ":": (0x00, 0x36, 0x36, 0x00, 0x00),
}
_INK: RGB = (64, 64, 64)
_GRID: RGB = (225, 225, 225)


def _text(canvas: Canvas, x: int, y: int, text: str, colour: RGB = _INK, scale: int = 2) -> None:
    for i, ch in enumerate(text.upper()):
        glyph = _FONT.get(ch, _FONT["-"])
        for col, bits in enumerate(glyph):
            for row in range(7):
                if bits >> row & 1:
                    px, py = x + (i * 6 + col) * scale, y + row * scale
                    canvas.rect(px, py, px + scale, py + scale, colour)


def _text_width(text: str, scale: int = 2) -> int:
    return len(text) * 6 * scale


def _line(canvas: Canvas, x0: int, y0: int, x1: int, y1: int, colour: RGB, width: int = 3) -> None:
    steps = max(abs(x1 - x0), abs(y1 - y0), 1)
    half = width // 2
    for s in range(steps + 1):
        x = x0 + (x1 - x0) * s // steps
        y = y0 + (y1 - y0) * s // steps
        canvas.rect(x - half, y - half, x - half + width, y - half + width, colour)


@dataclass(frozen=True)
class _Series:
    name: str
    values: tuple[float | None, ...]
    colour: RGB


def _frame(labels: Sequence[str], series: Sequence[_Series], y_max: float, suffix: str,
           width: int = 1100, height: int = 440) -> tuple[Canvas, int, int, int, int]:
    """Canvas with grid, y ticks, x labels and a legend; returns it and the plot box."""
    legend_rows = math.ceil(len(series) / 3)
    canvas = Canvas(width, height + 26 * legend_rows)
    left, right, top, bottom = 90, width - 30, 20, height - 50
    for i in range(6):
        value = y_max * i / 5
        y = bottom - round((bottom - top) * i / 5)
        canvas.rect(left, y, right, y + 1, _GRID)
        label = f"{value:g}{suffix}"
        _text(canvas, left - 12 - _text_width(label), y - 7, label)
    canvas.rect(left, top, left + 2, bottom + 1, _INK)
    canvas.rect(left, bottom, right, bottom + 2, _INK)
    step = (right - left) / max(len(labels), 1)
    widest = max((len(label) for label in labels), default=1)
    scale = 2 if _text_width("x" * widest) + 8 <= step else 1  # many quarters: smaller labels
    for i, label in enumerate(labels):
        cx = left + round(step * (i + 0.5))
        _text(canvas, cx - _text_width(label, scale) // 2, bottom + 14 + (i % 2) * 10 * (2 - scale), label,
              scale=scale)
    for i, s in enumerate(series):
        lx, ly = 40 + (i % 3) * 350, height + 26 * (i // 3) - 10
        canvas.rect(lx, ly, lx + 22, ly + 14, s.colour)
        _text(canvas, lx + 30, ly, s.name[:24])
    return canvas, left, right, top, bottom


def line_chart_png(labels: Sequence[str], series: Sequence[_Series], y_max: float = 100.0,
                   suffix: str = "") -> bytes:
    canvas, left, right, top, bottom = _frame(labels, series, y_max, suffix)
    step = (right - left) / max(len(labels), 1)
    for s in series:
        points = [(left + round(step * (i + 0.5)), bottom - round((bottom - top) * min(v, y_max) / y_max))
                  if v is not None else None for i, v in enumerate(s.values)]
        for p, q in zip(points, points[1:], strict=False):
            if p is not None and q is not None:
                _line(canvas, p[0], p[1], q[0], q[1], s.colour)
        for p in points:
            if p is not None:
                canvas.rect(p[0] - 5, p[1] - 5, p[0] + 6, p[1] + 6, s.colour)
    return canvas.png()


def bar_chart_png(labels: Sequence[str], series: Sequence[_Series]) -> bytes:
    peak = max((v for s in series for v in s.values if v is not None), default=0.0)
    y_max = float(max(5, math.ceil(peak / 5) * 5))
    canvas, left, right, top, bottom = _frame(labels, series, y_max, "")
    step = (right - left) / max(len(labels), 1)
    bar = max(4, int(step * 0.7 / max(len(series), 1)))
    for i in range(len(labels)):
        x0 = left + round(step * (i + 0.5)) - bar * len(series) // 2
        for j, s in enumerate(series):
            v = s.values[i]
            if v is None:
                continue
            h = round((bottom - top) * v / y_max)
            canvas.rect(x0 + j * bar + 2, bottom - h, x0 + (j + 1) * bar - 2, bottom, s.colour)
            label = f"{v:g}"
            _text(canvas, x0 + j * bar + (bar - _text_width(label)) // 2, bottom - h - 20, label, _INK)
    return canvas.png()


def trend_pngs(trend: Trend) -> list[tuple[str, bytes]]:
    """(caption, PNG) for the Word report's three trend charts."""
    labels = trend.labels
    score_series = [_Series("overall", trend.overall, (0, 0, 0))]
    score_series += [_Series(fw, trend.scores[fw], hex_rgb(SERIES_COLOURS[i % len(SERIES_COLOURS)]))
                     for i, fw in enumerate(trend.frameworks)]
    counts = [_Series("open gaps", tuple(float(v) for v in trend.open_gaps), hex_rgb(STATUS_FONT["not met"])),
              _Series("overdue actions", tuple(float(v) for v in trend.overdue_actions),
                      hex_rgb(OVERDUE_COLOUR))]
    coverage = [_Series("critical services exercised", trend.coverage, hex_rgb(STATUS_FONT["met"]))]
    return [("Score per framework (%), with the overall score in black", line_chart_png(labels, score_series,
                                                                                          suffix="%")),
            ("Open gaps and overdue corrective actions", bar_chart_png(labels, counts)),
            ("Critical services exercised within the exercise window (%)", line_chart_png(labels, coverage,
                                                                                            suffix="%"))]


# --------------------------------------------------------------------------- Word


def _write_docx(target: Path, runs: Sequence[StoredRun], trend: Trend, diff: RunDiff | None) -> Path:
    import io

    from docx import Document
    from docx.enum.table import WD_TABLE_ALIGNMENT
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls
    from docx.shared import Cm, Pt, RGBColor

    latest = runs[-1]
    rec = latest.record
    doc = Document()
    props = doc.core_properties
    props.title = clean_text(f"Quarterly continuity report {rec.label}")
    props.author = "itscm-audit"
    props.created = _midnight(rec.as_of)
    props.modified = _midnight(rec.as_of)
    props.last_modified_by = "itscm-audit"
    props.revision = 1
    style = doc.styles["Normal"]
    style.font.name = "Calibri"
    style.font.size = Pt(10)

    def para(text: str, style_name: str | None = None) -> None:
        doc.add_paragraph(clean_text(text), style=style_name)

    def shade(cell: Any, fill: str) -> None:
        cell._tc.get_or_add_tcPr().append(parse_xml(f'<w:shd {nsdecls("w")} w:val="clear" w:color="auto" '
                                                    f'w:fill="{fill}"/>'))

    def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], status_cols: Sequence[int] = (),
              widths: Sequence[float] | None = None) -> None:
        if not rows:
            para("None.")
            return
        t = doc.add_table(rows=1, cols=len(headers))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for cell, h in zip(t.rows[0].cells, headers, strict=True):
            cell.text = ""
            run = cell.paragraphs[0].add_run(clean_text(h))
            run.bold = True
            run.font.color.rgb = RGBColor.from_string("FFFFFF")
            shade(cell, HEADER_FILL)
        for values in rows:
            cells = t.add_row().cells
            for c, (cell, value) in enumerate(zip(cells, values, strict=True)):
                text = "" if value is None else (f"{value:g}" if isinstance(value, float) else str(value))
                run = cell.paragraphs[0].add_run(clean_text(text))
                if c in status_cols and text in STATUS_FILL:
                    shade(cell, STATUS_FILL[text])
                    run.font.color.rgb = RGBColor.from_string(STATUS_FONT[text])
        if widths:
            for row in t.rows:
                for cell, w in zip(row.cells, widths, strict=True):
                    cell.width = Cm(w)

    doc.add_heading(clean_text(f"Quarterly continuity report: {rec.organisation}"), level=0)
    para(f"Quarter {rec.label}, as of {rec.as_of.isoformat()}. Quarters in this report: "
         f"{', '.join(trend.labels)}. Run {rec.run_no} ({rec.run_id}), itscm-audit {rec.tool_version}.")
    doc.add_heading("Summary", level=1)
    para(_headline(diff, latest))
    table(["Figure", f"Previous ({trend.labels[-2]})" if len(runs) > 1 else "Previous",
           f"Now ({trend.labels[-1]})", "Change"], _key_figures(trend), widths=(7.5, 3.2, 3.2, 2.6))
    for note in _diff_notes(diff, runs):
        para(note, "List Bullet")

    doc.add_heading("Trends over the recorded quarters", level=1)
    for caption, png in trend_pngs(trend):
        doc.add_picture(io.BytesIO(png), width=Cm(16))
        para(caption, "Caption")
    headers = ["Quarter", "Overall", *trend.frameworks, "Open gaps", "Overdue", "Coverage %"]
    table(headers, [(trend.labels[i], trend.overall[i], *(trend.scores[fw][i] for fw in trend.frameworks),
                     trend.open_gaps[i], trend.overdue_actions[i], trend.coverage[i])
                    for i in range(len(runs))])

    if diff is not None:
        doc.add_heading(f"Changes since {diff.before.label}", level=1)
        doc.add_heading("Per framework", level=2)
        table(["Framework", f"Score {diff.before.label}", f"Score {diff.after.label}", "Change", "Gaps before",
               "Gaps now", "New", "Closed", "Regressions", "Improvements"], _framework_rows(diff))
        doc.add_heading("Requirement movements", level=2)
        para("A regression is a worse status (met to partially met or not met, partially met to not met); a "
             "requirement that became a gap is also a new gap. Movements caused by a catalogue change are "
             "marked as such.")
        table(["Framework", "Requirement", "Title", "Before", "After", "Movement", "Cause"],
              _movement_rows(diff), status_cols=(3, 4))
        doc.add_heading("Corrective actions", level=2)
        table(["Change", "Action", "Description", "Owner", "Due"], _action_rows(diff, latest))
        doc.add_heading("Evidence that stopped being current", level=2)
        table(["Evidence", "Type", "Before", "Now", "Why"],
              [(e.path, e.evidence_type, e.state_before or "not listed", e.state_after, e.message)
               for e in diff.stale_evidence])
        doc.add_heading("Changes in the source data", level=2)
        table(["Change", "Item", "Before", "After"], _source_rows(diff))
        doc.add_heading("Catalogue changes", level=2)
        table(["Framework", "Version before", "Version now", "Requirements added", "Requirements removed",
               "Movements from the catalogue"], _catalogue_rows(diff))

    doc.add_heading("Remediation priorities now", level=1)
    table(["Rank", "Objective", "Action", "Requirements", "Weight"],
          [(m.rank, f"{m.objective_id}: {m.title}", m.action, ", ".join(m.requirements[:8])
            + (f" and {len(m.requirements) - 8} more" if len(m.requirements) > 8 else ""), m.weight)
           for m in latest.remediation], widths=(1.2, 4.5, 6.5, 4.0, 1.5))
    buffer = io.BytesIO()
    doc.save(buffer)
    with atomic_path(target) as tmp:
        tmp.write_bytes(fixed_zip_times(buffer.getvalue()))
    return target
