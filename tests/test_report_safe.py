"""Text sanitising and atomic writes shared by every writer (redaction: test_trust_redact.py)."""

from __future__ import annotations

from pathlib import Path

import pytest

from itscm_audit.reporters.safe import (
    EXCEL_CELL_LIMIT,
    atomic_path,
    clean_text,
    excel_text,
    is_formula_like,
    truncate,
)


def test_control_characters_are_shown_not_dropped() -> None:
    assert clean_text("bell\x07 esc\x1b") == "bell\\x07 esc\\x1b"
    assert clean_text("nul\x00here") == "nul\ufffdhere"
    assert clean_text("lone \ud800 surrogate") == "lone \ufffd surrogate"


def test_tab_newline_emoji_and_rtl_are_kept() -> None:
    text = "line1\nline2\tcol 🔥 שירות خدمة"
    assert clean_text(text) is text


@pytest.mark.parametrize("text", ["=1+1", "+cmd", "-2+3", "@SUM(A1)", "\tx", "\r=1"])
def test_formula_leaders_are_detected(text: str) -> None:
    assert is_formula_like(text)


@pytest.mark.parametrize("text", ["", "Payroll", "1-2", "a=b", " =1"])
def test_ordinary_text_is_not_formula_like(text: str) -> None:
    assert not is_formula_like(text)


def test_truncation_keeps_within_excel_limit_and_says_so() -> None:
    long = "x" * 40_000
    cut = truncate(long)
    assert len(cut) == EXCEL_CELL_LIMIT
    assert cut.endswith("[…truncated: 40000 characters in all]")
    assert truncate("short") == "short"
    assert len(excel_text("\x00" * 50_000)) == EXCEL_CELL_LIMIT


def test_atomic_path_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    target = tmp_path / "report.txt"
    target.write_text("previous run")
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("writer crashed")
    assert target.read_text() == "previous run"
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]


def test_atomic_path_replaces_on_success_and_creates_folders(tmp_path: Path) -> None:
    target = tmp_path / "new" / "report.txt"
    with atomic_path(target) as tmp:
        tmp.write_text("done")
    assert target.read_text() == "done"
