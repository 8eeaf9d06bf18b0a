"""The whole cycle on the sample plan (an invented ward, both Word files) with LibreOffice
playing the units' office software.

Units open their workbooks, type statuses, dates and document numbers, and save them back as
.xlsx, .xls or .ods; one re-sorts rows and inserts a column, one edits an assigned text, one
never answers. collect + merge must identify every file and give exactly the expected flags.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil

import pytest
from python_calamine import CalamineWorkbook

from kehoach_xlsx.books import init_workspace, split_period
from kehoach_xlsx.collect import collect_files
from kehoach_xlsx.merge import merge_period
from kehoach_xlsx.sample import plan_files, registry_file

pytestmark = pytest.mark.slow

PERIOD = "2026-09"
AS_OF = dt.date(2026, 10, 10)
SHEET = "Báo cáo"


@pytest.fixture(scope="module")
def cycle(tmp_path_factory, office):
    root = tmp_path_factory.mktemp("cycle")
    ws = root / "so"
    init_workspace(ws, plan_files("docx"), registry_file())
    split = split_period(ws, PERIOD, dt.date(2026, 10, 5))
    books = {f.unit: f.path for f in split.files}
    returns = root / "nhan-ve"
    returns.mkdir()

    def open_copy(unit):
        copy = root / f"lam-viec-{unit}.xlsx"
        shutil.copy(books[unit], copy)
        doc = office.open(copy)
        header_row, _ = office.find(doc, SHEET, "Mã NV")
        cols = {}
        for name in (
            "Mã NV",
            "Nhiệm vụ",
            "Tình trạng",
            "Ngày hoàn thành",
            "Kết quả thực hiện",
            "Sản phẩm đã ban hành (số, ký hiệu)",
        ):
            cols[name] = office.find(doc, SHEET, name)[1]
        return doc, header_row, cols

    def row_of(doc, task_id):
        found = office.find(doc, SHEET, task_id)
        assert found is not None, task_id
        return found[0]

    def answer(doc, cols, task_id, status, done=None, documents="", result="Đã triển khai"):
        row = row_of(doc, task_id)
        # a user can only type where the sheet lets them: check it as Excel would
        assert office.sheet_protected(doc, SHEET)
        assert not office.cell_protection(doc, SHEET, row, cols["Tình trạng"])["locked"]
        assert office.cell_protection(doc, SHEET, row, cols["Nhiệm vụ"])["locked"]
        office.set_string(doc, SHEET, row, cols["Tình trạng"], status)
        if done:
            office.set_date(doc, SHEET, row, cols["Ngày hoàn thành"], done)
        if documents:
            office.set_string(
                doc, SHEET, row, cols["Sản phẩm đã ban hành (số, ký hiệu)"], documents
            )
        office.set_string(doc, SHEET, row, cols["Kết quả thực hiện"], result)

    # VP: an .xlsx, renamed by the unit; first check what LibreOffice shows the user
    doc, _, cols = open_copy("VP")
    first = row_of(doc, "II.1")
    status_rule = office.validation(doc, SHEET, first, cols["Tình trạng"])
    assert status_rule["type"] == "list"
    assert status_rule["values"] == [
        "Chưa thực hiện",
        "Đang thực hiện",
        "Đã hoàn thành",
        "Không thực hiện được",
    ]
    assert office.validation(doc, SHEET, first, cols["Ngày hoàn thành"])["type"] == "date"
    for name in ("Kết quả thực hiện", "Sản phẩm đã ban hành (số, ký hiệu)", "Ngày hoàn thành"):
        assert not office.cell_protection(doc, SHEET, first, cols[name])["locked"]
    assert office.cell_protection(doc, SHEET, first, cols["Mã NV"])["locked"]
    answer(
        doc,
        cols,
        "II.1",
        "Đã hoàn thành",
        dt.date(2026, 10, 2),
        "Kế hoạch số 45/KH-UBND ngày 02/10/2026",
    )
    answer(doc, cols, "A.2", "Đã hoàn thành", dt.date(2026, 9, 15))
    answer(doc, cols, "A.1", "Đang thực hiện")
    office.save_as(doc, returns / "VP bao cao T9.xlsx", "xlsx")
    office.close(doc)

    # PKT: saved as an old .xls; the reported document does not cover the expected "kế hoạch"
    doc, _, cols = open_copy("PKT")
    answer(
        doc,
        cols,
        "A.1",
        "Đã hoàn thành",
        dt.date(2026, 9, 20),
        "Báo cáo số 12/BC-UBND ngày 20/9/2026",
    )
    office.save_as(doc, returns / "pkt.xls", "xls")
    office.close(doc)

    # CA: saved as .ods
    doc, _, cols = open_copy("CA")
    answer(doc, cols, "B.II.8", "Không thực hiện được", result="Thiếu kinh phí")
    office.save_as(doc, returns / "cong an.ods", "ods")
    office.close(doc)

    # PVHXH: removes protection, inserts a column, sorts the rows backwards, then answers
    doc, header_row, cols = open_copy("PVHXH")
    office.unprotect(doc, SHEET)
    office.insert_columns(doc, SHEET, 0, 1)
    office.set_string(doc, SHEET, header_row, 0, "Ghi chú riêng")
    last, _ = office.used_area(doc, SHEET)
    office.sort_rows(doc, SHEET, header_row + 1, last, cols["Mã NV"] + 1, descending=True)
    cols = {k: v + 1 for k, v in cols.items()}
    row = row_of(doc, "II.2")
    office.set_string(doc, SHEET, row, cols["Tình trạng"], "Đang thực hiện")
    office.save_as(doc, returns / "vhxh.xlsx", "xlsx")
    office.close(doc)

    # TTHCC: edits the assigned task text (after removing protection)
    doc, _, cols = open_copy("TTHCC")
    office.unprotect(doc, SHEET)
    row = row_of(doc, "B.III.11")
    office.set_string(doc, SHEET, row, cols["Nhiệm vụ"], "Tuyên truyền (đơn vị tự sửa nội dung)")
    office.set_string(doc, SHEET, row, cols["Tình trạng"], "Đang thực hiện")
    office.save_as(doc, returns / "ttdv.xlsx", "xlsx")
    office.close(doc)
    # HCCB (and the others) never answer.

    collected = collect_files(ws, [returns])
    merged = merge_period(ws, PERIOD, AS_OF)
    return {"ws": ws, "collected": collected, "merged": merged, "split": split}


def item(merged, task_id, unit):
    found = [i for i in merged.data["items"] if i["task_id"] == task_id and i["unit"] == unit]
    assert len(found) == 1, (task_id, unit)
    return found[0]


def test_identity_sheet_survives_every_save(cycle, office):
    """The hidden "_kehoach" sheet is still there (hidden) after .xlsx, .xls and .ods saves."""
    returned = sorted((cycle["ws"] / "returned").iterdir())
    assert len(returned) == 5
    for path in returned:
        doc = office.open(path)
        try:
            states = {s["name"]: s for s in office.sheets(doc)}
            assert "_kehoach" in states, path.name
            assert states["_kehoach"]["state"] in {"hidden", "veryHidden"}
        finally:
            office.close(doc)


def test_every_return_identified_by_its_hidden_identity(cycle):
    files = cycle["collected"].files
    assert sorted(f.unit for f in files) == ["CA", "PKT", "PVHXH", "TTHCC", "VP"]
    assert {f.state for f in files} == {"accepted"}
    assert {f.identified_by for f in files} == {"identity"}
    assert {f.period for f in files} == {PERIOD}


def test_exact_flags(cycle):
    merged = cycle["merged"]
    vp_b1 = item(merged, "II.1", "VP")
    assert (vp_b1["status"], vp_b1["completed"], vp_b1["flags"]) == (
        "done",
        "2026-10-02",
        ["completed_late"],
    )
    assert vp_b1["outputs"] == ["Kế hoạch số 45/KH-UBND ngày 02/10/2026"]
    assert item(merged, "A.2", "VP")["flags"] == ["missing_output"]
    assert item(merged, "A.1", "VP")["status"] == "in_progress"
    pkt = item(merged, "A.1", "PKT")
    assert (pkt["status"], pkt["flags"]) == ("done", ["missing_output"])
    ca = item(merged, "B.II.8", "CA")
    assert (ca["status"], ca["flags"]) == ("cannot_do", [])
    vhxh = item(merged, "II.2", "PVHXH")  # "Thường xuyên": no due date, nothing to flag
    assert (vhxh["status"], vhxh["flags"]) == ("in_progress", [])
    assert "needs_date" in item(merged, "B.III.12", "TTHCC")["flags"]
    edited = item(merged, "B.III.11", "TTHCC")
    assert edited["status"] == "in_progress"
    assert edited["flags"] == ["locked_field_changed"]
    # a unit that sent nothing: every row not reported, and B.II.7 (due 30/09) also overdue
    hccb = [i for i in merged.data["items"] if i["unit"] == "HCCB"]
    assert hccb and all("not_reported" in i["flags"] for i in hccb)
    assert item(merged, "B.II.7", "HCCB")["flags"] == ["overdue", "not_reported"]
    units = {u["unit"]: u for u in merged.data["units"]}
    assert units["HCCB"]["returned"] is False and "not_reported" in units["HCCB"]["flags"]
    assert units["VP"]["returned"] is True


def test_report_workbook_and_idempotent_json(cycle):
    ws = cycle["ws"]
    first = json.dumps(cycle["merged"].data, ensure_ascii=False)
    again = merge_period(ws, PERIOD, AS_OF)
    assert json.dumps(again.data, ensure_ascii=False) == first
    book = CalamineWorkbook.from_path(str(again.report_path))
    assert {"Tổng hợp", "Chi tiết", "Quá hạn", "Thiếu sản phẩm", "Chưa báo cáo", "Nhật ký"} <= set(
        book.sheet_names
    )
    overdue = book.get_sheet_by_name("Quá hạn").to_python()
    assert any(
        "HCCB" in " ".join(map(str, row)) or "Cựu chiến binh" in " ".join(map(str, row))
        for row in overdue
    )
