"""itscm-audit: IT service continuity audit evidence, from the officer's spreadsheets to the packs.

Public API for notebooks and scripts (the CLI is a thin layer over the same functions)::

    import itscm_audit
    result = itscm_audit.assess("acme/", as_of="2026-12-31")
    result.tables()["requirements"]          # pandas DataFrame
    result.facts.coverage                    # the figures the rules decided once, for every pack
    itscm_audit.write_reports(result, "acme/reports/q4")

Heavy modules are imported on first use so ``itscm-audit --help`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path

    from itscm_audit.result import AssessmentResult

__all__ = ["__version__", "assess", "init_workspace", "write_reports", "import_files"]


def assess(workspace: str | Path, as_of: str | date | None = None,
           frameworks: list[str] | None = None) -> AssessmentResult:
    """Assess a workspace folder and return the immutable :class:`AssessmentResult`."""
    from datetime import date as _date

    from itscm_audit.pipeline import assess as _assess

    when = _date.fromisoformat(as_of) if isinstance(as_of, str) else as_of
    return _assess(workspace, when, frameworks)


def write_reports(result: AssessmentResult, out_dir: str | Path, **options: Any) -> list[Path]:
    """Write every report format for ``result`` into ``out_dir`` (atomically); return the paths.

    Options are those of :func:`itscm_audit.reporters.write_all` (``template``, ``redact``, ``workspace``,
    ``formats``, ``full_result``: the imported records embedded in result.json)."""
    from pathlib import Path as _Path

    from itscm_audit.reporters import write_all

    return write_all(result, _Path(out_dir), **options)


def init_workspace(target: str | Path) -> Path:
    """Create the example workspace (a fictional organisation with realistic gaps) in ``target``."""
    from pathlib import Path as _Path

    from itscm_audit.example import init_workspace as _init

    return _init(_Path(target))


def import_files(paths: list[str | Path], workspace: str | Path | None = None) -> Any:
    """Import spreadsheets and return the records, located issues and row accounting."""
    from pathlib import Path as _Path

    from itscm_audit.importers import import_paths

    return import_paths([_Path(p) for p in paths], None if workspace is None else _Path(workspace))
