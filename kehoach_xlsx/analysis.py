"""pandas DataFrames for scripted consolidation: the plan, a merge, the history of periods.

pandas is imported inside each function, so `import kehoach_xlsx` and every command stay
free of it (and of numpy); only a caller who asks for a DataFrame pays for the import.

    import kehoach_xlsx
    df = kehoach_xlsx.history_frame("so-theo-doi")          # every merged period
    late = df[df["overdue"]]
    late.pivot_table(index="unit", columns="period", values="task_id",
                     aggfunc="count", fill_value=0)         # late tasks per unit per month
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

    from kehoach_xlsx.merge import MergeResult
    from kehoach_xlsx.model import Plan
    from kehoach_xlsx.workspace import Workspace

PLAN_COLUMNS = (
    "task_id",
    "number",
    "section",
    "title",
    "lead",
    "coordinate",
    "outputs",
    "deadline_text",
    "file",
    "line",
)
ITEM_COLUMNS = ("period", "as_of", "task_id", "unit", "role", "status", "due", "completed")
DATE_COLUMNS = ("as_of", "due", "completed")


def _flag_names(rows: list[dict[str, Any]]) -> list[str]:
    from kehoach_xlsx.merge import FLAG_ORDER

    extra = sorted({f for row in rows for f in row["flags"]} - set(FLAG_ORDER))
    return [*FLAG_ORDER, *extra]


def _frame(rows: list[dict[str, Any]], columns: tuple[str, ...]) -> pd.DataFrame:
    """Rows with list columns joined by "; ", ISO dates as datetime64, one bool per flag."""
    import pandas as pd

    flags = _flag_names(rows)
    records = []
    for row in rows:
        record = {c: row.get(c) for c in columns}
        for key in ("outputs", "documents", "result", "issues", "unit_name", "title"):
            if key in row:
                value = row[key]
                record[key] = "; ".join(value) if isinstance(value, list) else value
        record["flags"] = "; ".join(row["flags"])
        for flag in flags:
            record[flag] = flag in row["flags"]
        records.append(record)
    frame = pd.DataFrame.from_records(records, columns=_columns(columns, rows, flags))
    for column in DATE_COLUMNS:
        if column in frame:
            frame[column] = pd.to_datetime(frame[column], format="%Y-%m-%d")
    return frame


def _columns(base: tuple[str, ...], rows: list[dict[str, Any]], flags: list[str]) -> list[str]:
    extra = [
        k
        for k in ("unit_name", "title", "outputs", "documents", "result", "issues")
        if rows and k in rows[0]
    ]
    return [*base, *extra, "flags", *flags]


def plan_frame(plan: Plan) -> pd.DataFrame:
    """One row per task of a parsed plan; unit lists and outputs joined by "; "."""
    import pandas as pd

    records = [
        {
            "task_id": task.id,
            "number": task.number,
            "section": task.section,
            "title": task.title,
            "lead": "; ".join(task.lead),
            "coordinate": "; ".join(task.coordinate),
            "outputs": "; ".join(task.outputs),
            "deadline_text": task.deadline_text,
            "file": task.source.file if task.source else None,
            "line": task.source.line if task.source else None,
        }
        for task in plan.tasks
    ]
    return pd.DataFrame.from_records(records, columns=list(PLAN_COLUMNS))


def merge_frame(result: MergeResult | dict[str, Any]) -> pd.DataFrame:
    """The items of one merge (`merge_period(...)` or its JSON): task × unit, one bool
    column per flag (overdue, missing_output, not_reported …)."""
    data = result if isinstance(result, dict) else result.data
    rows = [{**item, "period": data["period"], "as_of": data["as_of"]} for item in data["items"]]
    return _frame(rows, ITEM_COLUMNS)


def history_frame(workspace: Workspace | str | Path) -> pd.DataFrame:
    """Every merged answer of a workspace across periods (the ledger), one row per
    period × task × unit, as the last merge of each period left it."""
    from kehoach_xlsx.history import history_rows

    return _frame(history_rows(workspace), ITEM_COLUMNS)
