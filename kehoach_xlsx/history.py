"""Every merged answer of a workspace, across periods, from its SQLite ledger.

One row per period × unit × task as the last `merge` of that period left it, with the task
title from plan.json and the unit name from the workbooks sent. Shared by the "Tình hình"
sheet written back into phan-cong.xlsx and by the pandas analysis API.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from kehoach_xlsx.workspace import Workspace

COLUMNS = (
    "period",
    "as_of",
    "unit",
    "unit_name",
    "task_id",
    "title",
    "role",
    "status",
    "due",
    "completed",
    "documents",
    "result",
    "issues",
    "flags",
)


def history_rows(workspace: Workspace | str | Path) -> list[dict[str, Any]]:
    """Merged answers of every merged period, oldest period first, in plan order."""
    if not isinstance(workspace, Workspace):
        workspace = Workspace.open(workspace)
    tasks = workspace.plan_dict().get("tasks", [])
    titles = {t["id"]: t.get("title", "") for t in tasks}
    order = {t["id"]: index for index, t in enumerate(tasks)}
    rows: list[dict[str, Any]] = []
    with workspace.ledger() as ledger:
        for period in ledger.periods():
            merged = ledger.merge_info(period)
            if merged is None:
                continue  # split but never merged: nothing known yet
            names = {book.unit: book.unit_name for book in ledger.books(period)}
            answers = sorted(
                ledger.answers(period),
                key=lambda a: (order.get(a["task_id"], len(order)), a["task_id"], a["unit"]),
            )
            for answer in answers:
                rows.append(
                    {
                        "period": period,
                        "as_of": merged["as_of"],
                        "unit": answer["unit"],
                        "unit_name": names.get(answer["unit"], answer["unit"]),
                        "task_id": answer["task_id"],
                        "title": titles.get(answer["task_id"], ""),
                        "role": answer["role"],
                        "status": answer["status"],
                        "due": answer["due"],
                        "completed": answer["completed"],
                        "documents": answer["documents"],
                        "result": answer["result"],
                        "issues": answer["issues"],
                        "flags": list(answer["flags"]),
                    }
                )
    return rows


def latest_rows(
    rows: list[dict[str, Any]], order: dict[str, int] | None = None
) -> list[dict[str, Any]]:
    """For each task × unit, the row of the latest period it was merged in; sorted by `order`
    (task id -> position in the plan) when given, else by first appearance."""
    latest: dict[tuple[str, str], dict[str, Any]] = {}
    first_seen: dict[str, int] = {}
    for row in rows:
        first_seen.setdefault(row["task_id"], len(first_seen))
        key = (row["task_id"], row["unit"])
        if key not in latest or row["period"] >= latest[key]["period"]:
            latest[key] = row
    position = order if order is not None else first_seen
    return sorted(
        latest.values(),
        key=lambda r: (position.get(r["task_id"], len(position)), r["role"] != "lead", r["unit"]),
    )
