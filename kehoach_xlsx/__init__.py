"""kehoach_xlsx: follow up a People's Committee plan with Excel workbooks.

Public API (the `kehoach` command is a thin layer over these):
    read_plan(*paths) -> Plan                  (Plan.to_frame() -> pandas DataFrame)
    history_frame(workspace) -> DataFrame      every merged period of a workspace
    kehoach_xlsx.merge.merge_period(...)       (MergeResult.to_frame() -> DataFrame)
    kehoach_xlsx.sample.plan_files()           the shipped sample plan (an invented ward)

pandas is imported only by the DataFrame functions: importing this package never loads it.
"""

from __future__ import annotations

__version__ = "0.1.0"

from kehoach_xlsx.errors import KehoachError  # noqa: E402
from kehoach_xlsx.model import Plan, PlanMeta, PlanWarning, Section, Task, Unit  # noqa: E402


def read_plan(*paths, **options) -> Plan:
    """Read one plan from one or more documents (.txt/.md/.docx/.xlsx/.xls/.ods/.doc/.pdf)."""
    from kehoach_xlsx.parse import read_plan as _read_plan

    return _read_plan(*paths, **options)


def history_frame(workspace):
    """Every merged answer of a workspace across periods as a pandas DataFrame."""
    from kehoach_xlsx.analysis import history_frame as _history_frame

    return _history_frame(workspace)


__all__ = [
    "KehoachError",
    "Plan",
    "PlanMeta",
    "PlanWarning",
    "Section",
    "Task",
    "Unit",
    "__version__",
    "history_frame",
    "read_plan",
]
