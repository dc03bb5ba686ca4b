"""The result as pandas DataFrames, for notebooks: the same tables and rows as the workbook.

Columns are the workbook's headers in snake_case (``Status`` -> ``status``, ``RTO (h)`` -> ``rto_h``),
and statuses are the values of ``result.json`` (``not_met``) so filters read the same in both.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from itscm_audit.reporters.tables import TABLE_BUILDERS
from itscm_audit.result import Status

if TYPE_CHECKING:
    import pandas as pd

    from itscm_audit.result import AssessmentResult

_STATUS_VALUE = {s.label: s.value for s in Status}


def result_frames(result: AssessmentResult) -> dict[str, pd.DataFrame]:
    """One DataFrame per report table (requirements, objectives, checks, services, exercises...)."""
    import pandas as pd

    frames = {}
    for key, build in TABLE_BUILDERS.items():
        table = build(result)
        frame = pd.DataFrame.from_records(table.rows, columns=table.keys)
        for col in table.columns:
            if col.kind == "status":
                frame[col.key] = frame[col.key].map(lambda v: _STATUS_VALUE.get(v, v))
        frames[key] = frame
    return frames
