"""What every writer receives: the result (already redacted when asked) and the options."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from itscm_audit.result import AssessmentResult

if TYPE_CHECKING:
    from itscm_audit.reporters.chart_drawer import ChartDrawer
    from itscm_audit.reporters.tables import Table


@dataclass(frozen=True)
class PackContext:
    result: AssessmentResult
    template: Path | None = None
    workspace: Path | None = None
    redactor: Callable[[str], str] | None = None
    """Masks personal data in free text; None when not redacting."""
    full_result: bool = False
    """Embed the imported records in result.json (``assess --full-result``)."""
    charts: ChartDrawer | None = None
    """Where charts are drawn (a helper process started early, see ``chart_drawer``); None: in-process."""
    written: list[Path] = field(default_factory=list)
    """Outputs written so far (the manifest lists them)."""
    _tables: dict[str, Table] = field(default_factory=dict, repr=False)

    def draw(self, chart: Callable[..., bytes], *args: object) -> Callable[[], bytes]:
        """Start drawing a chart (on the helper when there is one); call the result for its PNG bytes."""
        if self.charts is not None:
            return self.charts.draw(chart, *args)
        png = chart(*args)
        return lambda: png

    def table(self, key: str) -> Table:
        """A report table, built once and shared by the workbook and the document."""
        from itscm_audit.reporters.tables import TABLE_BUILDERS

        built = self._tables.get(key)
        if built is None:
            built = self._tables[key] = TABLE_BUILDERS[key](self.result)
        return built
