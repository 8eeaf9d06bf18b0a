"""A folder of hostile and clumsy returns plus one good return sorted last (issue 12).

collect and merge run as real commands in a child process: they exit 0 or 1, the good return
is merged, every bad file is named with its reason, the peak memory of the command and its
reading workers stays under 1 GB, and nothing is written outside the workspace.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from tests.hostile_kit import AS_OF, PERIOD, answer, hostile_kit, kehoach, make_workspace

MEMORY_CEILING_MB = 1024


def snapshot(root: Path, skip: Path) -> dict[str, float]:
    """Every file under root outside ``skip``, with its modification time."""
    found = {}
    for dirpath, _dirs, files in os.walk(root):
        if Path(dirpath).is_relative_to(skip):
            continue
        for name in files:
            path = Path(dirpath) / name
            found[str(path)] = path.stat().st_mtime
    return found


@pytest.fixture(scope="module")
def round_(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    ws, books = make_workspace(root)
    units = sorted(books)
    unit, other, junk_unit = units[0], units[1], units[2]
    inbox = root / "nhan-ve"
    expected = hostile_kit(books[unit], inbox, other)
    answer(books[junk_unit], inbox / "20_junk_rows.xlsx", extra_rows=10_000)
    expected["20_junk_rows.xlsx"] = "accepted"
    answer(books[unit], inbox / "zz_good.xlsx", status="Đang thực hiện")
    expected["zz_good.xlsx"] = "accepted"
    before = snapshot(root, ws)
    collect = kehoach("collect", ws, inbox, "--json", cwd=root)
    merge = kehoach("merge", ws, "--period", PERIOD, "--as-of", AS_OF, "--json", cwd=root)
    after = snapshot(root, ws)
    return {
        "ws": ws,
        "unit": unit,
        "other": other,
        "junk_unit": junk_unit,
        "expected": expected,
        "collect": collect,
        "merge": merge,
        "outside": (before, after),
    }


def test_commands_finish_without_traceback(round_):
    for run in (round_["collect"], round_["merge"]):
        assert run.code in (0, 1), run.err[-2000:]
        assert "Traceback" not in run.err and "Traceback" not in run.out


def test_every_file_named_with_its_state_and_reason(round_):
    files = {f["original"]: f for f in round_["collect"].json()["files"]}
    assert set(files) == set(round_["expected"])
    for name, state in round_["expected"].items():
        got = files[name]
        if state == "rejected":
            assert got["state"] == "rejected", (name, got)
            assert name.split(".")[0] and got["message"].strip(), (name, got)
        else:
            assert got["state"] in ("accepted", "superseded"), (name, got)
    assert files["zz_good.xlsx"]["state"] == "accepted"
    assert files["zz_good.xlsx"]["unit"] == round_["unit"]
    # the forged identity is attributed by workbook id and fingerprints, and said so
    forged = files["19_forged_identity.xlsx"]
    assert forged["unit"] == round_["unit"] and forged["flags"] == ["identity_conflict"]
    assert "Cần kiểm tra" in forged["message"]
    assert "không đọc để tránh treo máy" in files["13_million_rows.xlsx"]["message"]
    assert "quá xa" in files["15_far_content_cell.xlsx"]["message"]
    assert "giải nén ra quá lớn" in files["01_zip_bomb.xlsx"]["message"]


def test_good_return_is_merged_and_forgery_not_counted_for_the_other_unit(round_):
    data = round_["merge"].json()
    units = {u["unit"]: u for u in data["units"]}
    assert units[round_["unit"]]["returned"]
    assert units[round_["other"]]["returned"] is False
    mine = [i for i in data["items"] if i["unit"] == round_["unit"]]
    assert mine and all(i["status"] == "in_progress" for i in mine)
    assert "identity_conflict" not in units[round_["unit"]]["flags"]  # the good file is current
    rejected = {f["original_name"] for f in data["files"] if f["state"] == "rejected"}
    assert rejected == {n for n, s in round_["expected"].items() if s == "rejected"}


def test_junk_rows_summarised_once_in_the_printed_log(round_):
    ws = round_["ws"]
    data = round_["merge"].json()
    junk_unit = round_["junk_unit"]
    assert "unknown_row" in {f for u in data["units"] if u["unit"] == junk_unit for f in u["flags"]}
    report = ws / data["report"]
    with CalamineWorkbook.from_path(str(report)) as book:
        log = book.get_sheet_by_name("Nhật ký").to_python()
        detail = book.get_sheet_by_name("Chi tiết").to_python()
    lines = [r for r in log if any("junk-rows" in str(c) for c in r)]
    messages = [str(c) for r in lines for c in r if "dòng lạ" in str(c)]
    assert (
        messages == [m for m in messages if m.startswith("10.000 dòng lạ")] and len(messages) == 1
    )
    assert len(log) < 200  # the log prints in a few pages, not 599
    stray = [r for r in detail if any("Dòng rác" in str(c) for c in r)]
    assert len(stray) == 10_000


def test_memory_and_nothing_written_outside_the_workspace(round_):
    for run in (round_["collect"], round_["merge"]):
        assert run.memory, run.err[-500:]
        print("peak MB", round(run.peak_mb), run.memory)
        assert run.peak_mb <= MEMORY_CEILING_MB, run.memory
    before, after = round_["outside"]
    assert after == before
