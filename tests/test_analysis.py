"""The pandas analysis API on the sample plan's whole cycle: plan, one merge, the history."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pandas as pd
import pytest

import kehoach_xlsx
from kehoach_xlsx.merge import merge_period
from kehoach_xlsx.sample import plan_files
from tests.conftest import sample_init_args
from tests.test_cycle import fill, run, split_json


@pytest.fixture(scope="module")
def two_periods(tmp_path_factory):
    """September and October merged, VP answering some tasks in September only."""
    root = tmp_path_factory.mktemp("analysis")
    ws = root / "so"
    run("init", ws, *sample_init_args())
    september = split_json(ws)
    vp = ws / next(f["path"] for f in september["files"] if f["unit"] == "VP")
    answers = {
        "II.1": ("Đã hoàn thành", dt.datetime(2026, 9, 20), "Kế hoạch số 45/KH-UBND"),
        "A.2": ("Đang thực hiện", None, ""),
    }
    run("collect", ws, fill(vp, root / "vp.xlsx", answers))
    merged = {"2026-09": merge_period(ws, "2026-09", dt.date(2026, 10, 10))}
    split_json(ws, period="2026-10", due="2026-11-05")
    merged["2026-10"] = merge_period(ws, "2026-10", dt.date(2026, 11, 10))
    return ws, merged


def test_plan_frame_has_every_task_in_order():
    plan = kehoach_xlsx.read_plan(*plan_files("txt"))
    frame = plan.to_frame()
    assert list(frame["task_id"]) == [t.id for t in plan.tasks]
    assert len(frame) == 22
    row = frame.set_index("task_id").loc["B.II.7"]
    assert row["lead"] == "Công an phường"
    assert row["coordinate"] == "Ban Chỉ huy Quân sự phường; Hội Cựu chiến binh phường"
    assert row["file"] == "phu-luc-hoa-binh.txt"


def test_merge_frame_matches_the_json_items(two_periods):
    _, merged = two_periods
    result = merged["2026-09"]
    frame = result.to_frame()
    items = result.data["items"]
    assert len(frame) == len(items)
    assert pd.api.types.is_datetime64_any_dtype(frame["due"])
    for flag in ("overdue", "missing_output", "not_reported", "needs_date"):
        assert frame[flag].sum() == sum(flag in i["flags"] for i in items), flag
    vp = frame[(frame["task_id"] == "II.1") & (frame["unit"] == "VP")].iloc[0]
    assert vp["status"] == "done" and vp["completed"] == pd.Timestamp("2026-09-20")
    # the JSON printed by `kehoach merge --json` gives the same frame
    again = kehoach_xlsx.analysis.merge_frame(json.loads(json.dumps(result.data)))
    pd.testing.assert_frame_equal(again, frame)


def test_history_frame_pivot_of_late_tasks_per_unit_and_month(two_periods):
    ws, merged = two_periods
    df = kehoach_xlsx.history_frame(ws)
    assert set(df["period"]) == {"2026-09", "2026-10"}
    # the README's example, checked against the merges' own JSON
    late = df[df["overdue"]]
    pivot = late.pivot_table(
        index="unit", columns="period", values="task_id", aggfunc="count", fill_value=0
    )
    for period, result in merged.items():
        expected = Counter(i["unit"] for i in result.data["items"] if "overdue" in i["flags"])
        got = {unit: int(n) for unit, n in pivot[period].items() if n}
        assert got == dict(expected), period
    # a task answered in September only is "not reported" again in October
    vp = df[(df["unit"] == "VP") & (df["task_id"] == "A.2")].set_index("period")
    assert vp.loc["2026-09", "status"] == "in_progress"
    assert vp.loc["2026-10", "status"] in {"in_progress", "not_reported"}


def test_history_frame_of_a_workspace_never_merged(tmp_path):
    ws = tmp_path / "so"
    run("init", ws, *sample_init_args())
    split_json(ws)
    frame = kehoach_xlsx.history_frame(ws)
    assert frame.empty and "overdue" in frame.columns
