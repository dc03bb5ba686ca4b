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
import textwrap
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


@contextmanager
def _style() -> Iterator[Any]:
    """matplotlib with our rc settings only inside the block (never the caller's global state)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    rc: dict[str, Any] = {
        "font.family": FONT, "font.size": 8, "axes.titlesize": 9, "axes.labelsize": 8,
        "axes.edgecolor": "#7F7F7F", "axes.linewidth": 0.6, "axes.titleweight": "bold", "axes.titlelocation": "left",
        "xtick.labelsize": 7.5, "ytick.labelsize": 7.5, "xtick.color": INK, "ytick.color": INK,
        "text.color": INK, "axes.labelcolor": INK, "legend.fontsize": 7.5, "legend.frameon": False,
        "svg.hashsalt": "itscm-audit", "path.simplify": False, "figure.dpi": DPI,
    }
    with plt.rc_context(rc), warnings.catch_warnings():  # type: ignore[arg-type]
        # a glyph the font lacks (emoji in a service name) draws as a box; the user need not hear of it
        warnings.filterwarnings("ignore", message="Glyph .* missing from font", category=UserWarning)
        warnings.filterwarnings("ignore", message="constrained_layout not applied", category=UserWarning)
        yield plt


def _png(fig: Any) -> bytes:
    """The figure as PNG at ``DPI``, without the software and date stamps matplotlib would add."""
    import matplotlib.pyplot as plt

    buffer = io.BytesIO()
    try:
        fig.savefig(buffer, format="png", dpi=DPI, metadata={"Software": None}, facecolor="white")
    finally:
        plt.close(fig)
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
    with _style() as plt:
        n = max(len(frameworks), 1)
        height_cm = 2.2 + 0.62 * n
        fig, ax = plt.subplots(figsize=(width_cm * CM, height_cm * CM), layout="constrained")
        names = [f"{f.name} ({sum(f.counts.values())})" for f in frameworks]
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
            ax.text(101.5, yi, f"{f.score:g}%", ha="left", va="center", fontsize=7.5, fontweight="bold")
        ax.set_yticks(y, names)
        ax.set_xlim(0, 100)
        ax.set_xticks([0, 25, 50, 75, 100], ["0%", "25%", "50%", "75%", "100%"])
        ax.set_xlabel("Share of the framework's requirements (count in each segment; score at the right)")
        _clean_axes(ax, "x")
        ax.tick_params(axis="y", length=0)
        ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(Status), handlelength=1.2,
                  columnspacing=1.0)
        return _png(fig)


@dataclass(frozen=True)
class Recovery:
    """One service's latest measured recovery against its RTO, in hours."""

    label: str
    rto_h: float
    achieved_h: float


def recovery_against_rto(items: Sequence[Recovery], width_cm: float = 16.0) -> bytes:
    """The RTO of each service (grey bar) and its latest measured recovery (green within, red over)."""
    with _style() as plt:
        n = max(len(items), 1)
        height_cm = 2.4 + 0.42 * n
        fig, ax = plt.subplots(figsize=(width_cm * CM, height_cm * CM), layout="constrained")
        y = list(range(len(items)))[::-1]
        ax.barh(y, [i.rto_h for i in items], height=0.72, color="#" + STATUS_FILL[Status.NOT_ASSESSED.label],
                edgecolor="#A6A6A6", linewidth=0.5, label="RTO")
        colours = [MET_COLOUR if i.achieved_h <= i.rto_h else GAP_COLOUR for i in items]
        ax.barh(y, [i.achieved_h for i in items], height=0.32, color=colours, label="achieved recovery")
        peak = max((max(i.rto_h, i.achieved_h) for i in items), default=1.0)
        for yi, item in zip(y, items, strict=True):
            ax.text(max(item.rto_h, item.achieved_h) + peak * 0.01, yi,
                    f"{item.achieved_h:g} h of {item.rto_h:g} h", va="center", fontsize=7)
        ax.set_yticks(y, [i.label for i in items])
        ax.set_xlim(0, peak * 1.22)
        ax.set_xlabel("Hours")
        _clean_axes(ax, "x")
        ax.tick_params(axis="y", length=0)
        from matplotlib.patches import Patch

        ax.legend(handles=[Patch(color="#" + STATUS_FILL[Status.NOT_ASSESSED.label], label="RTO"),
                           Patch(color=MET_COLOUR, label="recovered within the RTO"),
                           Patch(color=GAP_COLOUR, label="recovery exceeded the RTO")],
                  loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=3)
        return _png(fig)


# --------------------------------------------------------------------------- quarterly report


def _quarters(ax: Any, labels: Sequence[str], panel_cm: float) -> None:
    """Quarter labels under the x axis, slanted when they would not fit side by side."""
    widest = max((len(label) for label in labels), default=1)
    fits = panel_cm / max(len(labels), 1) >= 0.2 * widest + 0.25
    ax.set_xticks(range(len(labels)), labels, rotation=0 if fits else 45, ha="center" if fits else "right",
                  rotation_mode="anchor")
    ax.set_xlim(-0.5, len(labels) - 0.5)


def overall_score_trend(labels: Sequence[str], overall: Sequence[float], width_cm: float = 16.0) -> bytes:
    """The overall score per quarter, each point labelled."""
    with _style() as plt:
        fig, ax = plt.subplots(figsize=(width_cm * CM, 6.5 * CM), layout="constrained")
        x = range(len(labels))
        ax.plot(x, overall, color=SERIES_COLOURS[0], linewidth=2, marker="o", markersize=5)
        for xi, v in zip(x, overall, strict=True):
            ax.annotate(f"{v:g}%", (xi, v), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=7.5)
        ax.set_ylim(0, 105)
        ax.set_ylabel("Overall score (%)")
        ax.set_title("Overall score, all frameworks in scope")
        _quarters(ax, labels, width_cm - 2)
        _clean_axes(ax)
        return _png(fig)


def framework_score_trend(labels: Sequence[str], scores: Sequence[tuple[str, Sequence[float | None]]],
                          width_cm: float = 16.0) -> bytes:
    """One small panel per framework (named), its score per quarter on a shared 0-100 scale: thirteen
    lines on one axis cannot be told apart, thirteen panels can."""
    with _style() as plt:
        n = max(len(scores), 1)
        cols = 1 if n == 1 else 2 if n <= 4 else 3
        rows = -(-n // cols)
        fig, axes = plt.subplots(rows, cols, figsize=(width_cm * CM, (1.4 + 3.2 * rows) * CM), sharex=True,
                                 sharey=True, layout="constrained", squeeze=False)
        x = list(range(len(labels)))
        for i, ax in enumerate(axes.flat):
            if i >= len(scores):
                ax.set_visible(False)
                continue
            name, values = scores[i]
            points = [(xi, v) for xi, v in zip(x, values, strict=True) if v is not None]
            colour = SERIES_COLOURS[i % len(SERIES_COLOURS)]
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], color=colour, linewidth=1.6, marker="o",
                        markersize=3.5)
                last_x, last_v = points[-1]
                ax.annotate(f"{last_v:g}%", (last_x, last_v), textcoords="offset points", xytext=(0, 5),
                            ha="center", fontsize=7)
            ax.set_title(textwrap.fill(name, max(int((width_cm / cols - 0.8) * 5.2), 12)), fontsize=7.5)
            ax.set_ylim(0, 110)
            ax.set_yticks([0, 50, 100])
            _quarters(ax, labels, width_cm / cols - 1)
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
    with _style() as plt:
        n = max(len(series), 1)
        fig, axes = plt.subplots(1, n, figsize=(width_cm * CM, 6.5 * CM), layout="constrained", squeeze=False)
        x = range(len(labels))
        for ax, s in zip(axes.flat, series, strict=True):
            ax.bar(x, s.values, color=s.colour, width=0.6)
            peak = max(s.values, default=0)
            for xi, v in zip(x, s.values, strict=True):
                ax.text(xi, v + max(peak, 1) * 0.02, str(v), ha="center", va="bottom", fontsize=7)
            ax.set_ylim(0, max(peak, 1) * 1.18)
            ax.yaxis.get_major_locator().set_params(integer=True)
            ax.set_title(s.title, fontsize=8)
            _quarters(ax, labels, width_cm / n - 1)
            _clean_axes(ax)
        return _png(fig)


def coverage_trend(labels: Sequence[str], coverage: Sequence[float | None], width_cm: float = 16.0) -> bytes:
    """Share of critical services exercised within the exercise window, per quarter."""
    with _style() as plt:
        fig, ax = plt.subplots(figsize=(width_cm * CM, 6.0 * CM), layout="constrained")
        points = [(xi, v) for xi, v in enumerate(coverage) if v is not None]
        if points:
            ax.plot([p[0] for p in points], [p[1] for p in points], color=MET_COLOUR, linewidth=2, marker="s",
                    markersize=5)
            for xi, v in points:
                ax.annotate(f"{v:g}%", (xi, v), textcoords="offset points", xytext=(0, 6), ha="center",
                            fontsize=7.5)
        ax.set_ylim(0, 105)
        ax.set_ylabel("Critical services exercised (%)")
        ax.set_title("Critical services exercised within the exercise window")
        _quarters(ax, labels, width_cm - 2)
        _clean_axes(ax)
        return _png(fig)
