"""The coordinator's edits of phan-cong.xlsx stick: a scripted session in LibreOffice.

An invented provincial plan (no real plan's text) whose cells hold phrases that name nobody,
a body spelled with and without the province's name, two spellings the program cannot join
and a group with no members yet. The coordinator, in LibreOffice, deletes two proposed units,
turns a duplicate into an alias, adds two schools to a group, sets e-mails and marks one
phrase "không giao"; then `init --update`, `split` and `merge` must keep every edit and
"Cần kiểm tra" must list exactly what is still open.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from kehoach_xlsx.books import init_workspace, split_period
from kehoach_xlsx.merge import merge_period
from kehoach_xlsx.workbook.assign import read_assignment

PLAN = """ỦY BAN NHÂN DÂN TỈNH HÒA LẠC
Số: 12/KH-UBND\tHòa Lạc, ngày 05 tháng 3 năm 2026
KẾ HOẠCH
Thực hiện chuyển đổi số trong cơ quan nhà nước năm 2026
I. MỤC ĐÍCH, YÊU CẦU
Nâng cao hiệu quả quản lý.
II. NHIỆM VỤ
Chi tiết tại Phụ lục kèm theo.
PHỤ LỤC
PHÂN CÔNG NHIỆM VỤ
TT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tSản phẩm\tThời gian hoàn thành
1\tBan hành quy chế quản lý dữ liệu dùng chung\tSở Tài chính\tCác sở, ban, ngành có liên quan\tQuyết định\tQuý II/2026
2\tRà soát hạ tầng mạng các khu công nghiệp\tBan Quản lý các khu công nghiệp\tSở Nội vụ; Viện\tBáo cáo\tTháng 6/2026
3\tHỗ trợ doanh nghiệp chuyển đổi số\tBan Quản lý các khu công nghiệp tỉnh Hòa Lạc\tDoanh nghiệp, Sở, ban, ngành có liên quan\tBáo cáo\tNăm 2026
4\tXây dựng trung tâm dữ liệu của tỉnh\tTrung tâm Chuyển đổi số\tSở Tài chính, Bộ Ngoại vụ\tBáo cáo\tQuý IV/2026
5\tVận hành cổng dịch vụ công trực tuyến\tTrung tâm CĐS tỉnh\tSở Nội vụ\tBáo cáo\tThường xuyên
6\tĐào tạo kỹ năng số cho học sinh\tCác trường học\tSở Nội vụ\tBáo cáo\tQuý IV/2026
7\tTổ chức hội thảo về chính phủ số\tHội Tin học tỉnh\tSở Tài chính\tBáo cáo\tTháng 9/2026
"""

UNITS = "Đơn vị"
GROUPS = "Nhóm"
CHECKS = "Cần kiểm tra"


def units_of(path: Path) -> dict[str, object]:
    return {u.code: u for u in read_assignment(path).units}


def check_rows(path: Path) -> list[list[str]]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(CHECKS).to_python()
    header = next(i for i, r in enumerate(rows) if r[:2] == ["Mã", "Nội dung"])
    return [[str(c) for c in r] for r in rows[header + 1 :] if any(r)]


def test_proposal_of_the_plan(tmp_path: Path) -> None:
    plan = tmp_path / "ke-hoach.txt"
    plan.write_text(PLAN, encoding="utf-8")
    result = init_workspace(tmp_path / "so", [plan])
    names = {u.name for u in result.units}
    # no phrase became a unit; the body spelled with the province's name is one unit
    assert not names & {"Viện", "Các sở, ban, ngành có liên quan", "Doanh nghiệp"}
    assert len([n for n in names if n.startswith("Ban Quản lý")]) == 1
    assert {"Sở Tài chính", "Bộ Ngoại vụ"} <= names  # "Sở Tài chính, Bộ Ngoại vụ" split
    codes = {w.code for w in result.warnings}
    assert {"unassigned_phrase", "empty_group"} <= codes


@pytest.mark.slow
def test_coordinator_edits_hold_through_update_split_and_merge(tmp_path: Path, office) -> None:
    plan = tmp_path / "ke-hoach.txt"
    plan.write_text(PLAN, encoding="utf-8")
    ws = tmp_path / "so"
    first = init_workspace(ws, [plan])
    proposed = {u.code: u for u in first.units}
    by_name = {u.name: u.code for u in first.units}
    deleted = [by_name["Bộ Ngoại vụ"], by_name["Hội Tin học tỉnh"]]
    duplicate, kept = by_name["Trung tâm CĐS tỉnh"], by_name["Trung tâm Chuyển đổi số"]

    # The coordinator edits phan-cong.xlsx in LibreOffice (on a copy, saved back over it).
    book = ws / "phan-cong.xlsx"
    work = tmp_path / "dang-sua.xlsx"
    shutil.copy(book, work)
    doc = office.open(work)
    header, _ = office.find(doc, UNITS, "Mã")
    col = {
        name: office.find(doc, UNITS, name)[1]
        for name in ("Mã", "Tên viết tắt / tên gọi khác", "Nhóm", "Email", "Tên đầy đủ")
    }
    for code in [*deleted, duplicate]:
        row, _ = office.find(doc, UNITS, code)
        office.delete_rows(doc, UNITS, row)
    row, _ = office.find(doc, UNITS, kept)
    office.set_string(doc, UNITS, row, col["Tên viết tắt / tên gọi khác"], "Trung tâm CĐS tỉnh")
    last, _ = office.used_area(doc, UNITS)
    schools = [("THPTHL", "Trường THPT Hòa Lạc"), ("THCSDT", "Trường THCS Đồi Thông")]
    for offset, (code, name) in enumerate(schools):
        office.set_string(doc, UNITS, last + offset, col["Mã"], code)
        office.set_string(doc, UNITS, last + offset, col["Tên đầy đủ"], name)
        office.set_string(doc, UNITS, last + offset, col["Nhóm"], "Trường học")
        office.set_string(
            doc, UNITS, last + offset, col["Email"], f"{code.lower()}@hoalac.example.org"
        )
    emails = {}
    for code in proposed:
        found = office.find(doc, UNITS, code)
        if found is not None and code not in deleted and code != duplicate:
            emails[code] = f"{code.lower()}@hoalac.example.org"
            office.set_string(doc, UNITS, found[0], col["Email"], emails[code])
    row, note_col = office.find(doc, GROUPS, "Viện")[0], office.find(doc, GROUPS, "Ghi chú")[1]
    office.set_string(doc, GROUPS, row, note_col, "không giao")
    office.save_as(doc, book, "xlsx")
    office.close(doc)

    # init --update with the same plan: nothing the coordinator did is undone
    updated = init_workspace(ws, [plan], update=True)
    units = units_of(book)
    for code in deleted + [duplicate]:
        assert code not in units, code
    assert "Trung tâm CĐS tỉnh" in units[kept].aliases
    assert {"THPTHL", "THCSDT"} <= set(units)
    for code, email in emails.items():
        assert units[code].email == email
    assert not any("Thêm đơn vị" in line for line in updated.changes)

    # a second update remembers the deletions too
    init_workspace(ws, [plan], update=True)
    assert set(units_of(book)) == set(units)

    split = split_period(ws, "2026-Q4", dt.date(2026, 12, 25))
    files = {f.unit: set(f.tasks) for f in split.files}
    assert set(files) <= set(units)  # no workbook for a phrase or a deleted unit
    assert not any(u in files for u in deleted + [duplicate])
    assert "5" in " ".join(files[kept])  # the task follows the unit its alias points to
    school_tasks = [t for t in files["THPTHL"] if t.endswith("6")]
    assert school_tasks and school_tasks == [t for t in files["THCSDT"] if t.endswith("6")]
    assert not any(w.code == "unresolved_unit" for w in split.warnings)

    def open_items() -> set[tuple[str, str]]:
        found = set()
        for code, message, *_ in check_rows(book):
            quoted = message.split("“")[1].split("”")[0] if "“" in message else message
            found.add((code, quoted))
        return found

    expected = {
        ("unassigned_phrase", "Các sở, ban, ngành có liên quan"),
        ("empty_group", "Doanh nghiệp"),
        ("no_lead_unit", "Hội Tin học tỉnh"),
    }
    after_split = {
        item
        for item in open_items()
        if item[0] in {c for c, _ in expected} | {"unresolved_unit", "fuzzy_unit"}
    }
    assert after_split == expected
    # merge keeps the sheet current too, and the coordinator's sheets are untouched
    merge_period(ws, "2026-Q4", dt.date(2026, 12, 30))
    after_merge = {
        item
        for item in open_items()
        if item[0] in {c for c, _ in expected} | {"unresolved_unit", "fuzzy_unit"}
    }
    assert after_merge == expected
    assert units_of(book)[kept].aliases == units[kept].aliases
    # the rewrite of "Cần kiểm tra" (openpyxl) left the other sheets' validations in place
    view = tmp_path / "xem.xlsx"
    shutil.copy(book, view)
    doc = office.open(view)
    head_row, override_col = office.find(doc, "Phân công", "Hạn do điều phối đặt")
    assert office.validation(doc, "Phân công", head_row + 1, override_col)["type"] == "date"
    assert office.find(doc, UNITS, "thpthl@hoalac.example.org") is not None
    office.close(doc)


def test_open_assignment_is_left_alone_and_said(tmp_path: Path) -> None:
    """phan-cong.xlsx open in LibreOffice/Excel (its lock file beside it): merge does not
    rewrite "Cần kiểm tra" under the editor's feet, it says so; once closed, the next run does."""
    import openpyxl

    plan = tmp_path / "ke-hoach.txt"
    plan.write_text(PLAN, encoding="utf-8")
    ws = tmp_path / "so"
    init_workspace(ws, [plan])
    split_period(ws, "2026-Q4", dt.date(2026, 12, 25))
    book = ws / "phan-cong.xlsx"
    assert ("empty_group", "Trường học") in {
        (r[0], r[1].split("“")[1].split("”")[0]) for r in check_rows(book)
    }
    # the coordinator adds a school to the group (so that item is no longer open) ...
    edited = openpyxl.load_workbook(book)
    sheet = edited[UNITS]
    top = next(r for r in range(1, 20) if sheet.cell(r, 1).value == "Mã")
    row = sheet.max_row + 1
    for col, value in enumerate(("THPT", "Trường THPT Đồi Cát", "", "Trường học"), start=1):
        sheet.cell(row, col).value = value
    assert row > top
    edited.save(book)
    # ... and still has the file open
    lock = book.with_name(f".~lock.{book.name}#")
    lock.write_text("coordinator", encoding="utf-8")
    merged = merge_period(ws, "2026-Q4", dt.date(2026, 12, 30))
    assert any("Cần kiểm tra" in note.message for note in merged.notes)
    assert ("empty_group", "Trường học") in {
        (r[0], r[1].split("“")[1].split("”")[0]) for r in check_rows(book)
    }
    lock.unlink()
    merged = merge_period(ws, "2026-Q4", dt.date(2026, 12, 30))
    assert not merged.notes
    assert not any(r[0] == "empty_group" and "Trường học" in r[1] for r in check_rows(book))
