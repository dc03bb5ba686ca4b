"""Text sanitising and atomic writes shared by every report writer.

Input comes from the organisation's spreadsheets, so it may hold control characters and NULs (which
XML, and therefore xlsx and docx, cannot store), strings an office suite would run as formulas, cells
longer than Excel allows, and personal data that must not leave the organisation (``--redact``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path

EXCEL_CELL_LIMIT = 32_767
"""Excel refuses longer cells."""
TRUNCATION_MARKER = " […truncated: {n} characters in all]"
REDACTED = "[redacted]"

# Characters XML 1.0 forbids (C0 controls except tab, LF, CR; surrogates; U+FFFE/U+FFFF).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_LEAD = frozenset("=+-@\t\r")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _show(match: re.Match[str]) -> str:
    ch = match.group(0)
    code = ord(ch)
    if code == 0 or 0xD800 <= code <= 0xDFFF or code >= 0xFFFE:
        return "\ufffd"
    return f"\\x{code:02x}"


def clean_text(text: str) -> str:
    """XML-safe text: NULs, surrogates and non-characters become U+FFFD, other controls ``\\x07``."""
    if _ILLEGAL.search(text) is None:
        return text
    return _ILLEGAL.sub(_show, text)


def is_formula_like(text: str) -> bool:
    """True when a spreadsheet could read the text as a formula (OWASP CSV-injection leaders)."""
    return bool(text) and text[0] in _FORMULA_LEAD


def truncate(text: str, limit: int = EXCEL_CELL_LIMIT) -> str:
    """Cut text that would not fit in one Excel cell, saying how long it was."""
    if len(text) <= limit:
        return text
    marker = TRUNCATION_MARKER.format(n=len(text))
    return text[: limit - len(marker)] + marker


def excel_text(text: str) -> str:
    """Text ready for an xlsx cell: XML-safe and within Excel's length limit."""
    return truncate(clean_text(text))


class Redactor:
    """Masks known personal values (contact names, phones, e-mails, trainees) and any e-mail address."""

    def __init__(self, values: Iterable[str]) -> None:
        literals = sorted({v.strip() for v in values if v and len(v.strip()) >= 4}, key=lambda v: (-len(v), v))
        pattern = "|".join(re.escape(v) for v in literals)
        # Whole words only, so a short value never bites into a hash or an id.
        self._literals = re.compile(rf"(?<!\w)(?:{pattern})(?!\w)") if pattern else None

    def __call__(self, text: str) -> str:
        if self._literals is not None:
            text = self._literals.sub(REDACTED, text)
        return _EMAIL.sub(REDACTED, text)


@contextmanager
def atomic_path(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed over it only if the block succeeds.

    A failed run therefore leaves the previous report intact and no half-written file behind.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()


def write_text_atomic(target: Path, text: str) -> None:
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
