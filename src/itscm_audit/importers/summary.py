"""What the import summary shows beside the mapping: each distinct interpretation, per column.

"Low" -> tier 4 (x3), "1 business day" -> 24h (x2), "Core Banking" -> SVC-03 (x4): every text that
was read as something else than itself, with how many rows wrote it, so the officer can spot a wrong
reading. Those the importer read by judgement (also reported as ``value.interpreted`` warnings) are
marked low confidence. Computed from the records' ``raw`` texts when asked (the ``import`` command),
never during an assessment.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from itscm_audit.model import ENTITY_FIELD, value_text

if TYPE_CHECKING:
    from itscm_audit.importers.context import ImportResult


@dataclass(frozen=True)
class Interpretation:
    """One distinct text of one column and what it was read as."""

    file: str
    sheet: str | None
    column: str
    field: str
    raw: str
    value: str
    count: int
    confident: bool

    def as_json(self) -> dict[str, object]:
        return {"file": self.file, "sheet": self.sheet, "column": self.column, "field": self.field,
                "raw": self.raw, "value": self.value, "count": self.count,
                "confidence": "high" if self.confident else "low"}


def interpretations(result: ImportResult) -> list[Interpretation]:
    """Every distinct (column, text) read as another value, in file, sheet and column order."""
    doubtful = {(i.source.file, i.source.sheet, i.source.column, i.source.value) for i in result.issues
                if i.code == "value.interpreted"}
    counts: dict[tuple[str, str | None, str, str, str, str], int] = {}
    for fld in ENTITY_FIELD.values():
        for record in getattr(result.data, fld):
            raw = record.raw
            if not raw:
                continue
            gaps = record.not_given
            src = record.source
            for name, text in raw.items():
                if name in gaps:
                    continue
                value = getattr(record, name, None)
                if value is None or value == () or "." in name:
                    continue
                shown = value_text(value)
                written = text.strip()
                if shown.casefold() == " ".join(written.replace("_", " ").split()).casefold() or (
                        shown.replace("_", " ") == written.casefold()):
                    continue  # the same word, written with capitals or spaces: nothing was interpreted
                key = (src.file, src.sheet, record.columns.get(name, name), name, written, shown)
                counts[key] = counts.get(key, 0) + 1
    out = [Interpretation(file, sheet, column, name, written, shown, count,
                          (file, sheet, column, written) not in doubtful)
           for (file, sheet, column, name, written, shown), count in counts.items()]
    return sorted(out, key=lambda i: (i.file, i.sheet or "", i.column, -i.count, i.raw))
