"""The charts (matplotlib): repeatable bytes, print resolution, drawn at the size they are placed, names."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import yaml
from PIL import Image

from itscm_audit.reporters import charts as c

CATALOGUES = Path(__file__).resolve().parent.parent / "frameworks" / "catalogues"
LABELS = ("2025Q4", "2026Q1", "2026Q2", "2026Q3")


def _image(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    return image


def test_same_data_same_bytes_without_software_or_date_stamps() -> None:
    bars = [c.FrameworkPosture("DORA", {"met": 1, "partially_met": 15, "not_met": 2, "not_assessed": 13}, 47.2)]
    first, second = c.posture_by_framework(bars), c.posture_by_framework(bars)
    assert first == second
    info = _image(first).info
    assert "Software" not in info and not any("date" in k.lower() for k in info)


@pytest.mark.parametrize("width_cm", [8.0, 16.0, 22.0])
def test_drawn_at_the_width_it_is_placed_at_print_resolution(width_cm: float) -> None:
    png = c.counts_trend(LABELS, [c.CountSeries("Open gaps", (100, 98, 97, 90), c.GAP_COLOUR),
                                  c.CountSeries("Overdue corrective actions", (0, 1, 3, 2), c.OVERDUE_COLOUR)],
                         width_cm)
    image = _image(png)
    assert round(image.info["dpi"][0]) == c.DPI
    assert abs(image.width / c.DPI * 2.54 - width_cm) < 0.1


def test_posture_chart_height_grows_with_the_frameworks_so_bars_stay_legible() -> None:
    one = _image(c.posture_by_framework([c.FrameworkPosture("A", {"met": 1}, 100.0)]))
    twelve = _image(c.posture_by_framework([c.FrameworkPosture(f"F{i}", {"met": 1}, 100.0) for i in range(12)]))
    assert twelve.height > 3 * one.height
    assert twelve.height / c.DPI * 2.54 < 12  # still fits half a page


def test_framework_panels_and_recovery_chart_draw_every_series() -> None:
    panels = c.framework_score_trend(LABELS, [(f"Framework {i}", (10.0, None, 30.0, 40.0)) for i in range(12)])
    assert _image(panels).height / c.DPI * 2.54 < 18  # four rows of three panels fit a portrait page
    recovery = c.recovery_against_rto([c.Recovery("SVC-001 Payments", 4, 5.5), c.Recovery("SVC-002 Claims", 8, 3)])
    image = _image(recovery).convert("RGB")
    colours = {colour for _, colour in image.getcolors(maxcolors=1 << 22) or []}
    assert tuple(int(c.GAP_COLOUR[i:i + 2], 16) for i in (1, 3, 5)) in colours  # over the RTO: red
    assert tuple(int(c.MET_COLOUR[i:i + 2], 16) for i in (1, 3, 5)) in colours  # within: green


def test_every_shipped_framework_has_a_short_distinct_name() -> None:
    names = {}
    for path in sorted(CATALOGUES.glob("*.yaml")):
        meta = yaml.safe_load(path.read_text(encoding="utf-8"))["framework"]
        names[meta["id"]] = c.framework_name(meta["title"], meta["id"])
    assert names["dora"] == "DORA" and names["gdpr"] == "GDPR" and names["iso22301"] == "ISO 22301:2019"
    assert names["nist-800-53-cp"] == "NIST SP 800-53 Rev. 5" and names["quebec-law25"] == "Quebec Law 25"
    assert len(set(names.values())) == len(names)
    assert all(len(n) <= 40 for n in names.values())
