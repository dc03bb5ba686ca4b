"""Text sanitising shared by every report writer (atomic writes live in :mod:`itscm_audit.fsio`).

Input comes from the organisation's spreadsheets, so it may hold control characters and NULs (which
XML, and therefore xlsx and docx, cannot store), strings an office suite would run as formulas, cells
longer than Excel allows. Personal data under ``--redact`` is the business of ``reporters.redact``.
"""

from __future__ import annotations

import re

# Re-exported for callers written before fsio existed; new code imports them from itscm_audit.fsio.
from itscm_audit.fsio import atomic_path as atomic_path
from itscm_audit.fsio import write_text_atomic as write_text_atomic

EXCEL_CELL_LIMIT = 32_767
"""Excel refuses longer cells."""
TRUNCATION_MARKER = " […truncated: {n} characters in all]"

# Characters XML 1.0 forbids (C0 controls except tab, LF, CR; surrogates; U+FFFE/U+FFFF).
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_FORMULA_LEAD = frozenset("=+-@\t\r")


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


def fixed_zip_times(data: bytes) -> bytes:
    """The same package with every member dated 1980-01-01: same inputs, same bytes (python-docx stamps
    the current time on each member of a .docx)."""
    import io
    import zipfile

    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            member = zipfile.ZipInfo(info.filename, date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            member.external_attr = info.external_attr
            dst.writestr(member, src.read(info.filename))
    return out.getvalue()
