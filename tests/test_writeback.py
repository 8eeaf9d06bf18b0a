"""The write-back into the coordinator's phan-cong.xlsx after `merge`: "Tình hình" is put in
as XML (kehoach_xlsx.workbook.xlsx_patch) and every other part of their file is kept; checked
with openpyxl, python-calamine and, as the coordinator sees it, LibreOffice."""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from openpyxl.comments import Comment
from openpyxl.styles import PatternFill
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from kehoach_xlsx.workbook.status_back import (
    COLUMNS,
    HEADER_ROW,
    STATUS_SHEET,
    _present,
    status_sheet,
)
from kehoach_xlsx.workbook.xlsx_patch import PatchError
from tests.conftest import sample_init_args
from tests.test_cycle import fill, run, split_json

OWN_SHEET = "Theo dõi riêng"


def merge(ws: Path, as_of: str = "2026-10-10") -> None:
    run("merge", ws, "--period", "2026-09", "--as-of", as_of)


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "so"
    run("init", ws, *sample_init_args())
    return ws


def coordinator_edits(path: Path) -> None:
    """What a coordinator does to their own file: a sheet of their own with a colour, a
    comment, a list validation and a defined name a formula uses."""
    book = openpyxl.load_workbook(path)
    own = book.create_sheet(OWN_SHEET)
    own["A1"], own["A2"], own["A3"] = "Việc riêng", 3, 4
    own["A1"].fill = PatternFill("solid", fgColor="FFC7CE")
    own["B1"] = "=SUM(SoLieu)"
    own["C1"].comment = Comment("Hỏi lại văn phòng", "Điều phối")
    rule = DataValidation(type="list", formula1='"Có,Không"', allow_blank=True)
    own.add_data_validation(rule)
    rule.add("D1:D20")
    book.defined_names["SoLieu"] = DefinedName("SoLieu", attr_text=f"'{OWN_SHEET}'!$A$2:$A$3")
    book["Phân công"]["A1"].fill = PatternFill("solid", fgColor="C6EFCE")
    book.save(path)


def assert_edits_kept(path: Path) -> None:
    book = openpyxl.load_workbook(path)
    own = book[OWN_SHEET]
    assert own["A1"].value == "Việc riêng" and own["A1"].fill.fgColor.rgb == "00FFC7CE"
    assert own["B1"].value == "=SUM(SoLieu)"
    assert own["C1"].comment.text == "Hỏi lại văn phòng"
    rules = own.data_validations.dataValidation
    assert [(r.type, r.formula1, str(r.sqref)) for r in rules] == [("list", '"Có,Không"', "D1:D20")]
    assert book.defined_names["SoLieu"].attr_text == f"'{OWN_SHEET}'!$A$2:$A$3"
    assert book["Phân công"]["A1"].fill.fgColor.rgb == "00C6EFCE"
    assert book.sheetnames.count(STATUS_SHEET) == 1


def status_values(path: Path) -> list[dict]:
    sheet = openpyxl.load_workbook(path)[STATUS_SHEET]
    headers = [title for _, title, _ in COLUMNS]
    assert [c.value for c in sheet[HEADER_ROW]] == headers
    return [
        dict(zip(headers, values, strict=True))
        for values in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    ]


def answer(ws: Path, data: dict, tmp_path: Path, unit: str, task: str) -> Path:
    sent = ws / next(f["path"] for f in data["files"] if f["unit"] == unit)
    return fill(
        sent,
        tmp_path / f"{unit}.xlsx",
        {task: ("Đã hoàn thành", dt.datetime(2026, 9, 20), "Kế hoạch số 7/KH-UBND")},
    )


def done_row(path: Path, unit: str, task: str) -> dict:
    return next(r for r in status_values(path) if (r["Mã NV"], r["Mã đơn vị"]) == (task, unit))


def test_coordinator_edits_survive_two_merges(workspace, tmp_path):
    book = workspace / "phan-cong.xlsx"
    data = split_json(workspace)
    coordinator_edits(book)
    merge(workspace)
    assert done_row(book, "VP", "II.1")["Tình trạng"] == "Chưa báo cáo"
    assert_edits_kept(book)
    run("collect", workspace, answer(workspace, data, tmp_path, "VP", "II.1"))
    merge(workspace)
    row = done_row(book, "VP", "II.1")
    assert row["Tình trạng"] == "Đã hoàn thành"
    assert row["Ngày hoàn thành"] == dt.datetime(2026, 9, 20)
    assert_edits_kept(book)
    # our print titles and filter are there once, for our sheet only
    status = openpyxl.load_workbook(book)[STATUS_SHEET]
    assert status.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    assert status.auto_filter.ref.startswith(f"A{HEADER_ROW}:K")
    with zipfile.ZipFile(book) as package:
        workbook = package.read("xl/workbook.xml").decode("utf-8")
        assert workbook.count(f"'{STATUS_SHEET}'!$5:$5") == 1
        styles = package.read("xl/styles.xml").decode("utf-8")
    # the second write reused the cell formats the first one added
    fonts = len(re.findall(r"<font\b", styles))
    merge(workspace, "2026-10-11")
    with zipfile.ZipFile(book) as package:
        assert len(re.findall(r"<font\b", package.read("xl/styles.xml").decode())) == fonts


def test_unchanged_merge_reads_stamp_and_edited_file_is_compared(workspace):
    split_json(workspace)
    merge(workspace)
    book = workspace / "phan-cong.xlsx"
    coordinator_edits(book)  # saved since our write: the stamp no longer matches
    before = book.read_bytes()
    merge(workspace)
    assert book.read_bytes() == before  # our sheet read back equal: nothing written
    sheet = openpyxl.load_workbook(book)
    sheet[STATUS_SHEET].cell(HEADER_ROW + 1, 7).value = "sửa tay"  # an edit of our sheet
    sheet.save(book)
    merge(workspace)
    assert status_values(book)[0]["Tình trạng"] != "sửa tay"  # put back
    assert_edits_kept(book)


def test_unit_text_stays_text_through_the_xml(workspace, tmp_path):
    """Formulas, markup, control characters and Excel's own _xHHHH_ escapes typed by a unit
    come back as the same text (calamine, openpyxl)."""
    split_json(workspace)
    table = [
        (
            "A.1",
            '=HYPERLINK("http://x.invalid")',
            "VP",
            " <b>&amp;</b> ",
            None,
            "2026-09",
            "Chưa báo cáo",
            dt.date(2026, 9, 30),
            None,
            "a\x01b _x0041_",
            "Quá hạn",
        ),
    ]
    path = tmp_path / "b.xlsx"
    path.write_bytes(status_sheet((workspace / "phan-cong.xlsx").read_bytes(), table, "mới"))
    assert _present(path) == ("mới", table)
    sheet = openpyxl.load_workbook(path)[STATUS_SHEET]
    assert sheet.cell(HEADER_ROW + 1, 2).data_type == "s"
    assert sheet.cell(HEADER_ROW + 1, 2).value.startswith("=HYPERLINK")
    assert sheet.cell(HEADER_ROW + 1, 11).font.color.rgb == "FFC00000"  # an alert in red
    assert sheet.cell(HEADER_ROW + 1, 8).number_format == "DD/MM/YYYY"


def test_package_it_cannot_edit_falls_back_to_openpyxl(workspace, tmp_path):
    """A styles.xml with prefixed tags (some generators write them): the XML route refuses,
    openpyxl writes the sheet instead, and the coordinator's edits stay."""
    split_json(workspace)
    merge(workspace)
    book = workspace / "phan-cong.xlsx"
    coordinator_edits(book)
    source = zipfile.ZipFile(io.BytesIO(book.read_bytes()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "xl/styles.xml":
                text = data.decode("utf-8").replace("<", "<x:").replace("<x:/", "</x:")
                text = text.replace("<x:?xml", "<?xml").replace("xmlns=", "xmlns:x=", 1)
                data = text.encode("utf-8")
            target.writestr(info, data)
    book.write_bytes(out.getvalue())
    with pytest.raises(PatchError):
        status_sheet(book.read_bytes(), [], "—")
    merge(workspace, "2026-10-11")
    rows = status_values(book)
    assert rows and all(r["Mã NV"] and r["Tình trạng"] for r in rows)
    assert "11/10/2026" in openpyxl.load_workbook(book)[STATUS_SHEET]["A3"].value
    assert_edits_kept(book)


@pytest.mark.slow
def test_libreoffice_saved_file_takes_our_sheet_and_keeps_theirs(workspace, tmp_path, office):
    """The coordinator's file as LibreOffice writes it (their program re-saves everything):
    merge replaces our sheet inside it twice; LibreOffice then shows their sheet, colour,
    validation and defined name (a formula over it) and our rows."""
    book = workspace / "phan-cong.xlsx"
    data = split_json(workspace)
    coordinator_edits(book)
    merge(workspace)
    work = tmp_path / "lam-viec.xlsx"
    shutil.copy(book, work)
    doc = office.open(work)
    office.save_as(doc, book, "xlsx")
    office.close(doc)
    run("collect", workspace, answer(workspace, data, tmp_path, "VP", "II.1"))
    merge(workspace)
    merge(workspace, "2026-10-12")
    assert done_row(book, "VP", "II.1")["Tình trạng"] == "Đã hoàn thành"
    view = tmp_path / "xem.xlsx"
    shutil.copy(book, view)
    doc = office.open(view)
    try:
        names = [s["name"] for s in office.sheets(doc)]
        assert names.count(STATUS_SHEET) == 1 and OWN_SHEET in names
        assert office.get(doc, OWN_SHEET, 0, 1).value == 7  # =SUM(SoLieu): the name works
        assert office.validation(doc, OWN_SHEET, 0, 3)["type"] == "list"
        found = office.find(doc, STATUS_SHEET, "II.1")
        status_col = office.find(doc, STATUS_SHEET, "Tình trạng")[1]
        unit_col = office.find(doc, STATUS_SHEET, "Mã đơn vị")[1]
        row = found[0]
        while office.get(doc, STATUS_SHEET, row, unit_col).text != "VP":
            row += 1
        assert office.get(doc, STATUS_SHEET, row, status_col).text == "Đã hoàn thành"
        done_col = office.find(doc, STATUS_SHEET, "Ngày hoàn thành")[1]
        done = office.get(doc, STATUS_SHEET, row, done_col)
        assert done.type == "date" and done.text == "20/09/2026"
    finally:
        office.close(doc)
    after = openpyxl.load_workbook(book)
    assert after[OWN_SHEET]["A1"].fill.fgColor.rgb.endswith("FFC7CE")
    assert after[OWN_SHEET]["C1"].comment.text.strip() == "Hỏi lại văn phòng"


def test_damaged_assignment_is_a_note_not_a_crash(workspace):
    split_json(workspace)
    book = workspace / "phan-cong.xlsx"
    book.write_bytes(b"PK\x03\x04 not really a workbook")
    result = run("merge", workspace, "--period", "2026-09", "--as-of", "2026-10-10")
    assert "Tình hình" in result.output and "không đọc được" in result.output
    assert (workspace / "reports" / "bao-cao_2026-09.xlsx").exists()


def test_plain_excel_style_package_gains_and_replaces_our_sheet(tmp_path):
    """A package laid out as Excel writes it (relationships namespace on the root, no defined
    names, no number formats of its own): our sheet is added, then replaced in place."""
    import xlsxwriter

    path = tmp_path / "own.xlsx"
    book = xlsxwriter.Workbook(path)
    for name in ("Một", "Hai"):
        book.add_worksheet(name).write_string(0, 0, f"trang {name}")
    book.close()
    table = [
        (
            "A.1",
            "Việc",
            "VP",
            "Văn phòng",
            "Chủ trì",
            "2026-09",
            "Đã hoàn thành",
            dt.date(2026, 9, 30),
            dt.date(2026, 9, 20),
            "Số 1/KH",
            None,
        )
    ]
    once = status_sheet(path.read_bytes(), table, "lần 1")
    twice = status_sheet(once, table[:0], "lần 2")
    for data, rows in ((once, 1), (twice, 0)):
        (tmp_path / "b.xlsx").write_bytes(data)
        loaded = openpyxl.load_workbook(tmp_path / "b.xlsx")
        assert loaded.sheetnames == ["Một", "Hai", STATUS_SHEET]
        assert loaded["Hai"]["A1"].value == "trang Hai"
        assert loaded[STATUS_SHEET].max_row == HEADER_ROW + rows
        assert _present(tmp_path / "b.xlsx")[1] == table[:rows]
    with zipfile.ZipFile(io.BytesIO(twice)) as package:
        names = package.namelist()
        workbook = package.read("xl/workbook.xml").decode("utf-8")
    assert names.count("xl/worksheets/sheet3.xml") == 1 and len(names) == len(set(names))
    assert workbook.count("_xlnm.Print_Titles") == 1 and 'localSheetId="2"' in workbook
