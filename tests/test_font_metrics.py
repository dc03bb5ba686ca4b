"""The shipped DejaVu Sans width table (reporters/font_metrics.py) agrees with the font, and text outside it
is still measured: column widths in the Word pack depend on these numbers."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

from itscm_audit.reporters import font_metrics
from itscm_audit.reporters.word import longest_word_pt, text_width_pt

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "make_font_metrics.py"


def _script():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("make_font_metrics", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_table_is_what_the_script_writes_from_the_font() -> None:
    assert _script().render() == Path(font_metrics.__file__).read_text(encoding="utf-8")


def test_widths_come_from_the_table_and_from_the_font_beyond_it() -> None:
    assert text_width_pt("Tier 1", 10) == sum(font_metrics.REGULAR[c] for c in "Tier 1") * 10
    assert text_width_pt("Tier", 10, bold=True) > text_width_pt("Tier", 10)
    outside = "\u0416"  # Cyrillic Zhe: not in the table, measured with FreeType
    assert outside not in font_metrics.REGULAR
    assert 0.5 < text_width_pt(outside, 1) < 1.2
    assert text_width_pt("\u4e2d", 1) == 1.0  # a glyph the font lacks (CJK) counts as one em
    assert longest_word_pt("recovery within RTO", 10) == text_width_pt("recovery", 10)


def test_measuring_text_does_not_load_matplotlib_in_this_process() -> None:
    code = ("import sys; from itscm_audit.reporters.word import text_width_pt; text_width_pt('Crise — délai', 9); "
            "print('matplotlib' in sys.modules)")
    import subprocess

    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
