"""kehoach_xlsx: follow up a People's Committee plan with Excel workbooks.

Public API (the `kehoach` command is a thin layer over these):
    read_plan(*paths) -> Plan
"""

from __future__ import annotations

__version__ = "0.1.0"

from kehoach_xlsx.errors import KehoachError  # noqa: E402
from kehoach_xlsx.model import Plan, PlanMeta, PlanWarning, Section, Task, Unit  # noqa: E402


def read_plan(*paths, **options) -> Plan:
    """Read one plan from one or more documents (.txt/.md/.docx/.xlsx/.xls/.ods/.doc/.pdf)."""
    from kehoach_xlsx.parse import read_plan as _read_plan

    return _read_plan(*paths, **options)


__all__ = [
    "KehoachError",
    "Plan",
    "PlanMeta",
    "PlanWarning",
    "Section",
    "Task",
    "Unit",
    "__version__",
    "read_plan",
]
