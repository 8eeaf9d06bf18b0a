"""Two ordinary user edits in LibreOffice that must not cost a return (issue 12).

- A unit unprotects its sheet, deletes one task row and saves .xlsx: LibreOffice writes an
  empty row 1,048,576 and a dimension A1:K1048576 (LIBREOFFICE.md). The file is received,
  the other rows count, the deleted task alone is flagged ``row_missing``.
- A unit unhides the identity sheet (plain hidden after any LibreOffice save) and types
  another unit's code: the file is counted for the unit its workbook id and rows prove,
  flagged ``identity_conflict``, and the other unit stays "not reported".
"""

from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import pytest

from kehoach_xlsx.collect import collect_files
from kehoach_xlsx.merge import merge_period
from tests.hostile_kit import PERIOD, SHEET, make_workspace

pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 10, 10)


def answer_all(office, doc, status="Đang thực hiện"):
    header, id_col = office.find(doc, SHEET, "Mã NV")
    status_col = office.find(doc, SHEET, "Tình trạng")[1]
    row = header + 1
    answered = []
    while True:
        task_id = office.get(doc, SHEET, row, id_col).text
        if not task_id:
            break
        office.set_string(doc, SHEET, row, status_col, status)
        answered.append((row, str(task_id)))
        row += 1
    return answered


@pytest.fixture(scope="module")
def edited(tmp_path_factory, office):
    root = tmp_path_factory.mktemp("office-edits")
    ws, books = make_workspace(root)
    units = sorted(u for u in books if _task_count(books[u]) >= 2)
    deleter, forger, victim = units[0], units[1], units[2]
    inbox = root / "nhan-ve"
    inbox.mkdir()

    copy = root / "xoa-dong.xlsx"
    shutil.copy(books[deleter], copy)
    doc = office.open(copy)
    rows = answer_all(office, doc)
    office.unprotect(doc, SHEET)
    deleted_row, deleted_task = rows[0]
    office.delete_rows(doc, SHEET, deleted_row)
    office.save_as(doc, inbox / "xoa-dong.xlsx", "xlsx")
    office.close(doc)

    copy = root / "sua-ma.xlsx"
    shutil.copy(books[forger], copy)
    doc = office.open(copy)
    answer_all(office, doc)
    office.set_sheet_visible(doc, "_kehoach", True)
    unit_row, unit_col = _key_cell(office, doc, "unit")
    office.set_string(doc, "_kehoach", unit_row, unit_col + 1, victim)
    office.save_as(doc, inbox / "sua-ma.xlsx", "xlsx")
    office.close(doc)

    collected = collect_files(ws, [inbox])
    merged = merge_period(ws, PERIOD, AS_OF)
    return {
        "deleter": deleter,
        "deleted_task": deleted_task,
        "forger": forger,
        "victim": victim,
        "inbox": inbox,
        "collected": {f.original: f for f in collected.files},
        "merged": merged.data,
    }


def _task_count(book) -> int:
    from python_calamine import CalamineWorkbook

    with CalamineWorkbook.from_path(str(book)) as workbook:
        grid = workbook.get_sheet_by_name("_kehoach").to_python()
    start = next(i for i, row in enumerate(grid) if row[:2] == ["task_id", "fingerprint"])
    return sum(1 for row in grid[start + 1 :] if row and row[0])


def test_libreoffice_really_wrote_the_far_empty_row(edited):
    with zipfile.ZipFile(edited["inbox"] / "xoa-dong.xlsx") as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    assert b'r="1048576"' in sheet


def test_deleted_row_return_is_read_and_the_task_flagged(edited):
    received = edited["collected"]["xoa-dong.xlsx"]
    assert (received.state, received.unit) == ("accepted", edited["deleter"])
    items = [i for i in edited["merged"]["items"] if i["unit"] == edited["deleter"]]
    gone = [i for i in items if i["task_id"] == edited["deleted_task"]]
    rest = [i for i in items if i["task_id"] != edited["deleted_task"]]
    assert [sorted(i["flags"]) for i in gone] == [
        sorted({"row_missing", "not_reported"} | set(gone[0]["flags"]))
    ]
    assert "row_missing" in gone[0]["flags"] and gone[0]["status"] == "not_reported"
    assert rest and all(i["status"] == "in_progress" for i in rest)
    assert all("row_missing" not in i["flags"] for i in rest)


def test_edited_identity_is_a_conflict_not_the_other_unit(edited):
    received = edited["collected"]["sua-ma.xlsx"]
    assert (received.state, received.unit) == ("accepted", edited["forger"])
    assert received.flags == ["identity_conflict"] and "Cần kiểm tra" in received.message
    units = {u["unit"]: u for u in edited["merged"]["units"]}
    assert units[edited["victim"]]["returned"] is False
    assert "identity_conflict" in units[edited["forger"]]["flags"]
    forged_items = [i for i in edited["merged"]["items"] if i["unit"] == edited["forger"]]
    assert forged_items and all(i["status"] == "in_progress" for i in forged_items)
    assert all("identity_conflict" in i["flags"] for i in forged_items)


def _key_cell(office, doc, key):
    """The identity sheet's cell holding ``key`` (find() also matches "unit_name")."""
    for row in range(20):
        if office.get(doc, "_kehoach", row, 0).text == key:
            return row, 0
    raise AssertionError(f"no {key} row in _kehoach")
