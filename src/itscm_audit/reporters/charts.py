"""The charts of the evidence pack and of the quarterly report, drawn with matplotlib.

One look for every chart: the status palette of the workbook (``tables.STATUS_FILL`` / ``STATUS_FONT``),
DejaVu Sans (shipped with matplotlib, so the same glyphs on every machine), print resolution, and a
figure drawn at the size it is placed in the document, so 8-point text in a chart reads as 8 points
on paper. Output is byte-for-byte repeatable: the Agg backend, no timestamp or software stamp in the
PNG, no random layout.

Each function draws one idea and returns PNG bytes; the writers place them at ``width_cm``.
"""

from __future__ import annotations

import io
import re
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from itscm_audit.reporters.tables import STATUS_FILL, STATUS_FONT
from itscm_audit.result import Status

DPI = 200
"""Print resolution: sharp on paper, a few hundred KB per chart."""
FONT = "DejaVu Sans"
INK = "#262626"
GRID = "#D9D9D9"
SERIES_COLOURS = ("#1F4E79", "#C55A11", "#548235", "#7030A0", "#BF8F00", "#2E75B6", "#843C0C", "#375623",
                  "#A5A5A5", "#C00000", "#00B0F0", "#7F6000", "#FF66CC")
"""Line colours, in a fixed order, one per framework (13 before any repeats)."""
OVERDUE_COLOUR = "#C55A11"
STALE_COLOUR = "#7F6000"
GAP_COLOUR = "#" + STATUS_FONT[Status.NOT_MET.label]
MET_COLOUR = "#" + STATUS_FONT[Status.MET.label]
CM = 1 / 2.54
TICK_PT = 7.5
TITLE_PT = 17.0
"""Height an axes title takes above its axes, in points."""


@contextmanager
def _style() -> Iterator[None]:
    """matplotlib with our rc settings only inside the block (never the caller's global state)."""
    import matplotlib

    rc: dict[str, Any] = {
        "font.family": FONT, "font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8,
        "axes.edgecolor": "#7F7F7F", "axes.linewidth": 0.6, "axes.titleweight": "bold", "axes.titlelocation": "left",
        "xtick.labelsize": TICK_PT, "ytick.labelsize": TICK_PT, "xtick.color": INK, "ytick.color": INK,
        "text.color": INK, "axes.labelcolor": INK, "legend.fontsize": TICK_PT, "legend.frameon": False,
        "svg.hashsalt": "itscm-audit", "path.simplify": False, "figure.dpi": DPI,
    }
    with matplotlib.rc_context(rc), warnings.catch_warnings():  # type: ignore[arg-type]
        # a glyph the font lacks (emoji in a service name) draws as a box; the user need not hear of it
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        yield


def _figure(width_cm: float, height_cm: float) -> Any:
    """A figure without pyplot (no global state, no GUI backend): PNG goes through Agg."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width_cm * CM, height_cm * CM), dpi=DPI)


def _place(fig: Any, left: float, right: float, top: float, bottom: float, *, wgap: float = 0.0,
           hgap: float = 0.0, rows: int = 1, cols: int = 1) -> None:
    """Margins and gaps in points, set once: cheaper than a layout engine, which draws every chart twice."""
    width, height = fig.get_size_inches() * 72
    axes_w = max((width - left - right - (cols - 1) * wgap) / cols, 10.0)
    axes_h = max((height - top - bottom - (rows - 1) * hgap) / rows, 10.0)
    fig.subplots_adjust(left=left / width, right=1 - right / width, top=1 - top / height, bottom=bottom / height,
                        wspace=wgap / axes_w, hspace=hgap / axes_h)


def _tw(text: str, size: float = 7.5, bold: bool = False) -> float:
    """Printed width of ``text`` in points (DejaVu Sans, the charts' font)."""
    from itscm_audit.reporters.word import text_width_pt

    return max((text_width_pt(line, size, bold) for line in text.split("\n")), default=0.0)


def _wrap(text: str, width_pt: float, size: float, bold: bool = False) -> str:
    """``text`` broken between words into lines that fit ``width_pt``."""
    lines: list[str] = []
    for word in text.split():
        if lines and _tw(f"{lines[-1]} {word}", size, bold) <= width_pt:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return "\n".join(lines)


def _label_band(labels: Sequence[str], panel_cm: float) -> tuple[bool, float]:
    """Whether quarter labels lie flat under a panel, and the height they take below the axis (points)."""
    widest = max((_tw(label) for label in labels), default=0.0)
    fits = panel_cm * CM * 72 / max(len(labels), 1) >= widest + 6
    return fits, (TICK_PT + 9 if fits else widest * 0.71 + TICK_PT + 6)


def _png(fig: Any) -> bytes:
    """The figure as PNG at ``DPI``, without the software and date stamps matplotlib would add."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    return buffer.getvalue()


def _clean_axes(ax: Any, grid_axis: str = "y") -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.grid(axis=grid_axis, color=GRID, linewidth=0.6)
    ax.set_axisbelow(True)


_ACRONYM = re.compile(r"\(([A-Z][A-Z]{2,})\)")
_STANDARD = re.compile(r"^((?:ISO|IEC|ISO/IEC)\s?[0-9][0-9-]*:[0-9]{4})\b")


def framework_name(title: str, framework_id: str = "") -> str:
    """A short name a reader knows a framework by, from its catalogue title: the acronym the title
    gives in parentheses (``GDPR``, ``DORA``), a standard's designation (``ISO 22301:2019``), or the
    title up to its first dash or colon (``NIST SP 800-53 Rev. 5``, ``Quebec Law 25``)."""
    title = " ".join(title.split())
    if not title:
        return framework_id
    acronym = _ACRONYM.search(title)
    if acronym:
        return acronym.group(1)
    standard = _STANDARD.match(title)
    if standard:
        return standard.group(1)
    for cut in (" - ", " — ", ": "):
        if cut in title:
            title = title.split(cut, 1)[0]
    return title if len(title) <= 40 else title[:39].rsplit(" ", 1)[0] + "…"


# --------------------------------------------------------------------------- evidence pack


@dataclass(frozen=True)
class FrameworkPosture:
    """One framework's bar: requirements per status and the score."""

    name: str
    counts: dict[str, int]
    """Requirements per ``Status.value``."""
    score: float


def posture_by_framework(frameworks: Sequence[FrameworkPosture], width_cm: float = 16.0) -> bytes:
    """Share of requirements per status for each framework (100 % bars, so a 3-requirement law and a
    40-requirement standard compare), the count in each segment and the score at the end of the bar."""
    with _style():
        n = max(len(frameworks), 1)
        fig = _figure(width_cm, 2.2 + 0.62 * n)
        ax = fig.add_subplot()
        names = [f"{f.name} ({sum(f.counts.values())})" for f in frameworks]
        _place(fig, left=max((_tw(x) for x in names), default=0.0) + 10, right=_tw("100%", bold=True) + 10,
               top=24, bottom=36)
        y = list(range(len(frameworks)))[::-1]
        left = [0.0] * len(frameworks)
        for status in Status:
            values = [f.counts.get(status.value, 0) for f in frameworks]
            totals = [max(sum(f.counts.values()), 1) for f in frameworks]
            shares = [100.0 * v / t for v, t in zip(values, totals, strict=True)]
            ax.barh(y, shares, left=left, height=0.66, color="#" + STATUS_FILL[status.label],
                    edgecolor="#" + STATUS_FONT[status.label], linewidth=0.5, label=status.label)
            for yi, start, share, value in zip(y, left, shares, values, strict=True):
                if value and share >= 6:
                    ax.text(start + share / 2, yi, str(value), ha="center", va="center", fontsize=7,
                            color="#" + STATUS_FONT[status.label])
            left = [a + b for a, b in zip(left, shares, strict=True)]
        for yi, f in zip(y, frameworks, strict=True):
            ax.text(101.5, yi, f"{f.score:g}%", ha="left", va="center", fontsize=TICK_PT, fontweight="bold")
        ax.set_yticks(y, names)
        ax.set_xlim(0, 100)
        ax.set_ylim(-0.6, len(frameworks) - 0.4)
        ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        ax.set_xlabel("Share of the framework's requirements (count in each segment; score at the right)")
        _clean_axes(ax, "x")
        ax.tick_params(axis="y", length=0)
        fig.legend(*ax.get_legend_handles_labels(), loc="upper center", bbox_to_anchor=(0.5, 1.0),
                   ncol=len(Status), handlelength=1.2, columnspacing=1.0)
        return _png(fig)


@dataclass(frozen=True)
class Recovery:
    """One service's latest measured recovery against its RTO, in hours."""

    label: str
    rto_h: float
    achieved_h: float


def recovery_against_rto(items: Sequence[Recovery], width_cm: float = 16.0) -> bytes:
    """The RTO of each service (grey bar) and its latest measured recovery (green within, red over)."""
    from matplotlib.patches import Patch

    with _style():
        n = max(len(items), 1)
        fig = _figure(width_cm, 2.4 + 0.42 * n)
        ax = fig.add_subplot()
        _place(fig, left=max((_tw(i.label) for i in items), default=0.0) + 10, right=10, top=24, bottom=34)
        y = list(range(len(items)))[::-1]
        ax.barh(y, [i.rto_h for i in items], height=0.72, color="#" + STATUS_FILL[Status.NOT_ASSESSED.label],
                edgecolor="#A6A6A6", linewidth=0.5)
        colours = [MET_COLOUR if i.achieved_h <= i.rto_h else GAP_COLOUR for i in items]
        ax.barh(y, [i.achieved_h for i in items], height=0.32, color=colours)
        peak = max((max(i.rto_h, i.achieved_h) for i in items), default=1.0) or 1.0
        for yi, item in zip(y, items, strict=True):
            ax.text(max(item.rto_h, item.achieved_h) + peak * 0.01, yi,
                    f"{item.achieved_h:g} h of {item.rto_h:g} h", va="center", fontsize=7)
        ax.set_yticks(y, [i.label for i in items])
        ax.set_xlim(0, peak * 1.22)
        ax.set_ylim(-0.6, len(items) - 0.4)
        ax.set_xlabel("Hours")
        _clean_axes(ax, "x")
        ax.tick_params(axis="y", length=0)
        fig.legend(handles=[Patch(color="#" + STATUS_FILL[Status.NOT_ASSESSED.label], label="RTO"),
                            Patch(color=MET_COLOUR, label="recovered within the RTO"),
                            Patch(color=GAP_COLOUR, label="recovery exceeded the RTO")],
                   loc="upper center", bbox_to_anchor=(0.5, 1.0), ncol=3)
        return _png(fig)


# --------------------------------------------------------------------------- quarterly report


def _quarters(ax: Any, labels: Sequence[str], flat: bool) -> None:
    """Quarter labels under the x axis, slanted when they would not fit side by side."""
    ax.set_xticks(range(len(labels)), labels, rotation=0 if flat else 45, ha="center" if flat else "right",
                  rotation_mode="anchor")
    ax.set_xlim(-0.5, len(labels) - 0.5)


def _line_chart(labels: Sequence[str], values: Sequence[float | None], title: str, ylabel: str, colour: str,
                marker: str, width_cm: float, height_cm: float) -> bytes:
    """One percentage per quarter as a labelled line on a 0-100 scale."""
    with _style():
        fig = _figure(width_cm, height_cm)
        ax = fig.add_subplot()
        left = _tw("100") + 26
        flat, band = _label_band(labels, width_cm - left / 72 / CM)
        _place(fig, left=left, right=14, top=TITLE_PT + 4, bottom=band + 4)
        points = [(xi, v) for xi, v in enumerate(values) if v is not None]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], color=colour, linewidth=2, marker=marker,
                    markersize=5)
            for xi, v in points:
                ax.annotate(f"{v:g}%", (xi, v), textcoords="offset points", xytext=(0, 6), ha="center",
                            fontsize=TICK_PT)
        ax.set_ylim(0, 108)
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        _quarters(ax, labels, flat)
        _clean_axes(ax)
        return _png(fig)


def overall_score_trend(labels: Sequence[str], overall: Sequence[float], width_cm: float = 16.0) -> bytes:
    """The overall score per quarter, each point labelled."""
    return _line_chart(labels, overall, "Overall score, all frameworks in scope", "Overall score (%)",
                       SERIES_COLOURS[0], "o", width_cm, 6.5)


def framework_score_trend(labels: Sequence[str], scores: Sequence[tuple[str, Sequence[float | None]]],
                          width_cm: float = 16.0) -> bytes:
    """One small panel per framework (named), its score per quarter on a shared 0-100 scale: thirteen
    lines on one axis cannot be told apart, thirteen panels can."""
    with _style():
        n = max(len(scores), 1)
        cols = 1 if n == 1 else 2 if n <= 4 else 3
        rows = -(-n // cols)
        left, right, wgap = _tw("100") + 10, 8.0, 10.0
        panel_cm = (width_cm - (left + right + (cols - 1) * wgap) / 72 / CM) / cols
        titles = [_wrap(name, panel_cm * CM * 72 - 4, TICK_PT, bold=True) for name, _ in scores]
        title_h = max((t.count("\n") + 1 for t in titles), default=1) * 9.5 + 6
        flat, band = _label_band(labels, panel_cm)
        fig = _figure(width_cm, 1.2 + 3.0 * rows + (title_h + band) / 72 / CM)
        _place(fig, left=left, right=right, top=title_h + 2, bottom=band + 4, wgap=wgap, hgap=title_h + 4,
               rows=rows, cols=cols)
        axes = fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
        x = list(range(len(labels)))
        for i, ax in enumerate(axes.flat):
            if i >= len(scores):
                ax.set_visible(False)
                axes.flat[i - cols].xaxis.set_tick_params(labelbottom=True)  # the panel above shows the quarters
                continue
            values = scores[i][1]
            points = [(xi, v) for xi, v in zip(x, values, strict=True) if v is not None]
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], color=colour, linewidth=1.6, marker="o",
                        markersize=3.5)
                last_x, last_v = points[-1]
                ax.annotate(f"{last_v:g}%", (last_x, last_v), textcoords="offset points", xytext=(0, 5),
                            ha="center", fontsize=7)
            ax.set_title(titles[i], fontsize=TICK_PT)
            ax.set_ylim(0, 110)
            ax.set_yticks([0, 50, 100])
            _quarters(ax, labels, flat)
            _clean_axes(ax)
        return _png(fig)


@dataclass(frozen=True)
class CountSeries:
    """A count per quarter on its own axis (open gaps, overdue actions, stale evidence)."""

    title: str
    values: tuple[int, ...]
    colour: str


def counts_trend(labels: Sequence[str], series: Sequence[CountSeries], width_cm: float = 16.0) -> bytes:
    """One panel per count, each with its own scale: a hundred open gaps would flatten three overdue
    actions on a shared axis."""
    with _style():
        n = max(len(series), 1)
        widest = max((_tw(str(v)) for s in series for v in (*s.values, max(s.values, default=0) + 20)), default=0.0)
        left, wgap = widest + 10, widest + 16
        panel_cm = (width_cm - (left + 8 + (n - 1) * wgap) / 72 / CM) / n
        flat, band = _label_band(labels, panel_cm)
        fig = _figure(width_cm, 5.0 + (band + TITLE_PT) / 72 / CM)
        _place(fig, left=left, right=8, top=TITLE_PT, bottom=band + 4, wgap=wgap, cols=n)
        axes = fig.subplots(1, n, squeeze=False)
        x = range(len(labels))
        for ax, s in zip(axes.flat, series, strict=True):
            ax.bar(x, s.values, color=s.colour, width=0.6)
            peak = max(s.values, default=0)
            for xi, v in zip(x, s.values, strict=True):
                ax.text(xi, v + max(peak, 1) * 0.02, str(v), ha="center", va="bottom", fontsize=7)
            ax.set_ylim(0, max(peak, 1) * 1.18)
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.set_title(s.title, fontsize=8)
            _quarters(ax, labels, flat)
            _clean_axes(ax)
        return _png(fig)


def coverage_trend(labels: Sequence[str], coverage: Sequence[float | None], width_cm: float = 16.0) -> bytes:
    """Share of critical services exercised within the exercise window, per quarter."""
    return _line_chart(labels, coverage, "Critical services exercised within the exercise window",
                       "Critical services exercised (%)", MET_COLOUR, "s", width_cm, 6.0)
