"""After `merge`, the coordinator's own phan-cong.xlsx gains the sheet "Tình hình" (latest
status of every task × unit), written with openpyxl without disturbing their edits; checked
with openpyxl and, as the coordinator would see it, in LibreOffice."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import openpyxl
import pytest

from kehoach_xlsx.workbook.status_back import COLUMNS, HEADER_ROW, STATUS_SHEET
from tests.conftest import sample_init_args
from tests.test_cycle import fill, run, split_json

HEADERS = [title for _, title, _ in COLUMNS]


def merge_json(ws, *extra):
    args = ["merge", ws, "--period", "2026-09", "--as-of", "2026-10-10", "--json", *extra]
    return json.loads(run(*args).output)


def status_rows(ws):
    sheet = openpyxl.load_workbook(ws / "phan-cong.xlsx")[STATUS_SHEET]
    header = [c.value for c in sheet[HEADER_ROW]]
    assert header == HEADERS
    return [
        dict(zip(HEADERS, values, strict=True))
        for values in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    ]


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "so"
    run("init", ws, *sample_init_args())
    return ws


def test_status_sheet_lists_every_item_once_with_labels(workspace, tmp_path):
    data = split_json(workspace)
    vp = workspace / next(f["path"] for f in data["files"] if f["unit"] == "VP")
    hostile = '=HYPERLINK("http://x.invalid","bấm")'
    answers = {"II.1": ("Đã hoàn thành", dt.datetime(2026, 9, 20), "Kế hoạch số 9/KH-UBND")}
    returned = fill(vp, tmp_path / "vp.xlsx", answers)
    book = openpyxl.load_workbook(returned)  # the unit typed a formula-looking text
    cell = next(
        c for row in book["Báo cáo"].iter_rows() for c in row if c.value == answers["II.1"][2]
    )
    cell.value, cell.data_type = hostile, "s"
    book.save(returned)
    run("collect", workspace, returned)
    merged = merge_json(workspace)
    rows = status_rows(workspace)
    assert len(rows) == len(merged["items"])
    assert {(r["Mã NV"], r["Mã đơn vị"]) for r in rows} == {
        (i["task_id"], i["unit"]) for i in merged["items"]
    }
    done = next(r for r in rows if (r["Mã NV"], r["Mã đơn vị"]) == ("II.1", "VP"))
    assert done["Tình trạng"] == "Đã hoàn thành" and done["Vai trò"] == "Chủ trì"
    assert done["Ngày hoàn thành"] == dt.datetime(2026, 9, 20)
    assert done["Sản phẩm đã ban hành"] == hostile  # text, not a formula
    book = openpyxl.load_workbook(workspace / "phan-cong.xlsx")
    cell = next(c for c in book[STATUS_SHEET]["J"] if c.value == hostile)
    assert cell.data_type == "s"
    late = next(r for r in rows if (r["Mã NV"], r["Mã đơn vị"]) == ("B.I.3", "PKT"))
    assert late["Tình trạng"] == "Chưa báo cáo" and late["Cảnh báo"] == "Quá hạn; Chưa báo cáo"


def test_same_merge_twice_leaves_the_file_alone(workspace):
    split_json(workspace)
    merge_json(workspace)
    before = (workspace / "phan-cong.xlsx").read_bytes()
    merge_json(workspace)
    assert (workspace / "phan-cong.xlsx").read_bytes() == before


def test_open_file_is_left_alone_and_said(workspace):
    split_json(workspace)
    before = (workspace / "phan-cong.xlsx").read_bytes()
    lock = workspace / ".~lock.phan-cong.xlsx#"  # LibreOffice has the file open
    lock.write_text("Điều phối,host,0;", encoding="utf-8")
    result = run("merge", workspace, "--period", "2026-09", "--as-of", "2026-10-10")
    assert "Tình hình" in result.output and "đóng phan-cong.xlsx" in result.output
    assert (workspace / "phan-cong.xlsx").read_bytes() == before  # not touched
    assert (workspace / "reports" / "bao-cao_2026-09.xlsx").exists()  # the merge went on
    lock.unlink()
    merge_json(workspace)
    assert STATUS_SHEET in openpyxl.load_workbook(workspace / "phan-cong.xlsx").sheetnames


@pytest.mark.slow
def test_coordinator_edits_survive_in_libreoffice(workspace, tmp_path, office):
    """The coordinator edits phan-cong.xlsx in LibreOffice (a note, a deadline of their own,
    a new sheet, a typed e-mail) and saves it; after merge, LibreOffice still shows every
    edit, the date format, the validations, and our new sheet."""
    path = workspace / "phan-cong.xlsx"
    work = tmp_path / "lam-viec.xlsx"
    shutil.copy(path, work)
    doc = office.open(work)
    sheet = "Phân công"
    header, _ = office.find(doc, sheet, "Mã NV")
    col = {name: office.find(doc, sheet, name)[1] for name in ("Ghi chú", "Hạn do điều phối đặt")}
    row = office.find(doc, sheet, "II.5")[0]
    office.set_string(doc, sheet, row, col["Ghi chú"], "Hỏi lại Chủ tịch về hạn")
    office.set_date(doc, sheet, row, col["Hạn do điều phối đặt"], dt.date(2026, 9, 20))
    units_header, email_col = office.find(doc, "Đơn vị", "Email")
    office.set_string(doc, "Đơn vị", units_header + 1, email_col, "moi@hoabinh.example.org")
    office.save_as(doc, path, "xlsx")
    office.close(doc)
    before = openpyxl.load_workbook(path)
    fills = {c.coordinate: c.fill.fgColor.rgb for c in before[sheet][header + 1]}
    widths = {k: v.width for k, v in before[sheet].column_dimensions.items()}

    split_json(workspace)
    merged = merge_json(workspace)
    item = next(i for i in merged["items"] if (i["task_id"], i["unit"]) == ("II.5", "VP"))
    assert item["due"] == "2026-09-20"  # their deadline was read, not lost

    doc = office.open(path)
    try:
        names = [s["name"] for s in office.sheets(doc)]
        assert names[: len(before.sheetnames)] == before.sheetnames and STATUS_SHEET in names
        assert office.get(doc, sheet, row, col["Ghi chú"]).text == "Hỏi lại Chủ tịch về hạn"
        deadline = office.get(doc, sheet, row, col["Hạn do điều phối đặt"])
        assert deadline.type == "date" and deadline.value == dt.date(2026, 9, 20)
        assert deadline.text == "20/09/2026"
        assert office.validation(doc, sheet, row, col["Hạn do điều phối đặt"])["type"] == "date"
        assert office.get(doc, "Đơn vị", units_header + 1, email_col).text == (
            "moi@hoabinh.example.org"
        )
        found = office.find(doc, STATUS_SHEET, "II.5")
        assert found is not None
        status_col = office.find(doc, STATUS_SHEET, "Tình trạng")[1]
        assert office.get(doc, STATUS_SHEET, found[0], status_col).text == "Chưa báo cáo"
    finally:
        office.close(doc)
    after = openpyxl.load_workbook(path)
    assert {c.coordinate: c.fill.fgColor.rgb for c in after[sheet][header + 1]} == fills
    assert {k: v.width for k, v in after[sheet].column_dimensions.items()} == widths
