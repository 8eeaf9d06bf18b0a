"""Ordinary user edits must not cost a return: a matrix played by LibreOffice (priority 2).

Each case opens a real unit workbook of the sample workspace in LibreOffice, answers every
task as a person would (status, result), then does one thing we did not plan for: types a
status or date by hand, inserts, sorts, filters or deletes rows, inserts or hides columns,
renames or reorders sheets, copies the sheet into a new workbook, saves as .xls/.ods…
The file then goes through ``collect`` and ``merge`` in its own copy of the workspace, and
the case checks, per task, the exact status, completion date and result the merge stored
in the ledger, and every warning it expects by file, sheet, row and code.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from openpyxl.utils import get_column_letter

from kehoach_xlsx.books import split_period
from kehoach_xlsx.collect import collect_files
from kehoach_xlsx.merge import merge_period
from kehoach_xlsx.workspace import Workspace
from tests.hostile_kit import PERIOD, SHEET, make_workspace

pytestmark = pytest.mark.slow

AS_OF = dt.date(2026, 10, 31)
UNIT = "PKT"  # eight tasks, lead and coordinating roles
BASE_STATUS = "Đang thực hiện"
OCT15 = "2026-10-15"


@dataclass
class Want:
    status: str
    completed: str | None
    result: str
    documents: str = ""
    issues: str = ""


@dataclass
class User:
    """One person's copy of the unit workbook, opened in LibreOffice, and what they mean."""

    office: Any
    doc: str
    header: int = 0  # 0-based row of the table header
    cols: dict[str, int] = field(default_factory=dict)
    tasks: list[str] = field(default_factory=list)  # task ids in sheet order
    want: dict[str, Want | None] = field(default_factory=dict)  # None: reported missing
    warn: list[tuple[str, int | None]] = field(default_factory=list)  # (code, 1-based row)
    quiet: list[str] = field(default_factory=list)  # codes the merge log must not show
    flags: dict[str, str] = field(default_factory=dict)  # task -> flag the merge must show
    name: str = "tra-loi.xlsx"
    fmt: str = "xlsx"
    extra_files: list[tuple[str, str]] = field(default_factory=list)  # (name, handle)

    def open(self) -> None:
        self.header, _ = self.office.find(self.doc, SHEET, "Mã NV")
        for col in range(12):
            text = self.office.get(self.doc, SHEET, self.header, col).text
            if text:
                self.cols[text] = col
        row = self.header + 1
        while task := self.office.get(self.doc, SHEET, row, self.cols["Mã NV"]).text:
            self.tasks.append(task)
            row += 1

    def row(self, index: int) -> int:
        return self.header + 1 + index

    def type(self, index: int, column: str, text: str) -> None:
        row, col = self.row(index), self.cols[column]
        assert not self.office.cell_protection(self.doc, SHEET, row, col)["locked"]
        self.office.set_string(self.doc, SHEET, row, col, text)

    def answer_all(self) -> None:
        for index, task in enumerate(self.tasks):
            self.type(index, "Tình trạng", BASE_STATUS)
            self.type(index, "Kết quả thực hiện", f"Kết quả {task}")
            self.want[task] = Want("in_progress", None, f"Kết quả {task}")

    def unprotect(self) -> None:
        self.office.unprotect(self.doc, SHEET)


Edit = Callable[[User], None]


# --- the edits ---------------------------------------------------------------------------------


def typed_statuses(u: User) -> None:
    typed = [
        ("hoàn thành", "done"),
        ("Đã xong", "done"),
        ("HT", "done"),
        ("đang làm", "in_progress"),
        ("chưa", "not_started"),
        ("  DA HOAN THANH  ", "done"),
        ("Hoàn Thành.", "done"),
        ("chưa hoàn thành", "in_progress"),
    ]
    for index, (text, code) in enumerate(typed):
        u.type(index, "Tình trạng", text)
        u.want[u.tasks[index]].status = code
    u.warn.append(("status_guessed", u.row(2) + 1))


def typed_statuses_with_words(u: User) -> None:
    typed = [
        ("Đã hoàn thành 100%", "done"),
        ("Hoàn thành tốt", "done"),
        ("Đang thực hiện (70%)", "in_progress"),
        ("Không thực hiện được do thiếu kinh phí", "cannot_do"),
        ("đang triển khai", "in_progress"),
        ("Chưa thực hiện.", "not_started"),
        ("da hoan thanh", "done"),
    ]
    for index, (text, code) in enumerate(typed):
        u.type(index, "Tình trạng", text)
        u.want[u.tasks[index]].status = code
    for index in (0, 1, 2, 3):
        u.warn.append(("status_guessed", u.row(index) + 1))


def typed_dates(u: User) -> None:
    typed = [
        "15/10/2026",
        "15-10-2026",
        "15/10",
        "ngày 15 tháng 10 năm 2026",
        "15.10.2026",
        "15/10/26",
        "Ngày 15/10/2026",
        "10/2026",
    ]
    for index, text in enumerate(typed):
        task = u.tasks[index]
        u.type(index, "Tình trạng", "Đã hoàn thành")
        u.type(index, "Ngày hoàn thành", text)
        u.want[task] = Want("done", OCT15, f"Kết quả {task}")
    u.want[u.tasks[7]].completed = "2026-10-01"
    u.warn.append(("date_guessed", u.row(7) + 1))


def date_cell_as_text(u: User) -> None:
    col = u.cols["Ngày hoàn thành"]
    for index in (0, 1):
        u.office.set_text_format(u.doc, SHEET, u.row(index), col)
        u.type(index, "Tình trạng", "Đã hoàn thành")
        u.type(index, "Ngày hoàn thành", ("15/10/2026", "2026-10-15")[index])
        u.want[u.tasks[index]] = Want("done", OCT15, f"Kết quả {u.tasks[index]}")
    u.office.set_date(u.doc, SHEET, u.row(2), col, dt.date(2026, 10, 15))
    u.type(2, "Tình trạng", "Đã hoàn thành")
    u.want[u.tasks[2]] = Want("done", OCT15, f"Kết quả {u.tasks[2]}")


def progress_as_percent(u: User) -> None:
    for index, (text, code) in enumerate((("100%", "done"), ("70%", "in_progress"))):
        u.type(index, "Tình trạng", text)
        u.want[u.tasks[index]].status = code
        u.warn.append(("status_guessed", u.row(index) + 1))


def date_without_status(u: User) -> None:
    u.type(0, "Tình trạng", "")
    u.office.set_date(u.doc, SHEET, u.row(0), u.cols["Ngày hoàn thành"], dt.date(2026, 10, 15))
    u.want[u.tasks[0]] = Want("done", OCT15, f"Kết quả {u.tasks[0]}")
    u.warn.append(("status_guessed", u.row(0) + 1))


def number_in_text_column(u: User) -> None:
    office, doc = u.office, u.doc
    office.set_number(doc, SHEET, u.row(0), u.cols["Kết quả thực hiện"], 5)
    office.set_number(doc, SHEET, u.row(1), u.cols["Kết quả thực hiện"], 12.5)
    office.set_number(doc, SHEET, u.row(2), u.cols["Khó khăn, đề xuất"], 0)
    u.want[u.tasks[0]].result = "5"
    u.want[u.tasks[1]].result = "12.5"
    u.want[u.tasks[2]].issues = "0"


def note_row_inserted(u: User) -> None:
    u.unprotect()
    u.office.insert_rows(u.doc, SHEET, u.row(3))
    note = "Ghi chú: các nhiệm vụ dưới đây do đồng chí Phó Trưởng phòng phụ trách"
    u.office.set_string(u.doc, SHEET, u.row(3), u.cols["Kết quả thực hiện"], note)
    u.warn.append(("note_row", u.row(3) + 1))


def task_row_inserted(u: User) -> None:
    u.unprotect()
    row = u.row(2)
    u.office.insert_rows(u.doc, SHEET, row)
    u.office.set_string(u.doc, SHEET, row, u.cols["Nhiệm vụ"], "Tuyên truyền trên loa phường")
    u.office.set_string(u.doc, SHEET, row, u.cols["Tình trạng"], "Đã hoàn thành")
    u.office.set_string(u.doc, SHEET, row, u.cols["Kết quả thực hiện"], "Đã phát 10 buổi")
    u.warn.append(("unknown_row", row + 1))


def rows_sorted(u: User) -> None:
    for index, task in enumerate(u.tasks):
        status = ("Chưa thực hiện", "Đang thực hiện", "Đã hoàn thành")[index % 3]
        u.type(index, "Tình trạng", status)
        u.want[task].status = ("not_started", "in_progress", "done")[index % 3]
    u.unprotect()
    last = u.row(len(u.tasks) - 1)
    u.office.sort_rows(u.doc, SHEET, u.row(0), last, u.cols["Nhiệm vụ"], descending=True)


def filter_left_on(u: User) -> None:
    for index in (0, 3, 5):
        u.type(index, "Tình trạng", "Đã hoàn thành")
        u.want[u.tasks[index]].status = "done"
    u.unprotect()
    hidden = u.office.autofilter(
        u.doc, SHEET, u.header, u.row(len(u.tasks) - 1), 10, u.cols["Tình trạng"], "Đã hoàn thành"
    )
    assert len(hidden) == len(u.tasks) - 3, hidden


def task_row_deleted(u: User) -> None:
    u.unprotect()
    u.office.delete_rows(u.doc, SHEET, u.row(2))
    u.want[u.tasks[2]] = None
    u.flags[u.tasks[2]] = "row_missing"


def header_line_added(u: User) -> None:
    u.unprotect()
    u.office.insert_rows(u.doc, SHEET, u.header)
    u.office.set_string(u.doc, SHEET, u.header, 0, "Số liệu cập nhật đến ngày 15/10/2026")
    u.office.insert_rows(u.doc, SHEET, 0)
    u.office.set_string(u.doc, SHEET, 0, 0, "Mẫu số 01")


def answer_cells_merged(u: User) -> None:
    u.unprotect()
    text = "Đã tổ chức 3 đợt ra quân, thu gom 12 tấn rác"
    u.type(0, "Kết quả thực hiện", text)
    u.want[u.tasks[0]].result = text
    first = _a1(u.row(0), u.cols["Kết quả thực hiện"])
    last = _a1(u.row(0), u.cols["Khó khăn, đề xuất"])
    u.office.merge(u.doc, SHEET, f"{first}:{last}")
    # the same status for two neighbouring tasks, typed once into a merged cell
    u.type(4, "Tình trạng", "Đã hoàn thành")
    top, bottom = _a1(u.row(4), u.cols["Tình trạng"]), _a1(u.row(5), u.cols["Tình trạng"])
    u.office.merge(u.doc, SHEET, f"{top}:{bottom}")
    u.want[u.tasks[4]].status = u.want[u.tasks[5]].status = "done"
    u.warn.append(("merged_cells", u.row(4) + 1))


def long_result(u: User) -> None:
    text = "Kết quả tháng 10:\n- Tổ chức 2 hội nghị\n- Ban hành 1 kế hoạch\n\nCòn lại: tiếp tục"
    u.type(0, "Kết quả thực hiện", text)
    u.want[u.tasks[0]].result = text


def column_inserted(u: User) -> None:
    u.unprotect()
    col = u.cols["Tình trạng"]
    u.office.insert_columns(u.doc, SHEET, col)
    u.office.set_string(u.doc, SHEET, u.header, col, "Người phụ trách")
    u.office.set_string(u.doc, SHEET, u.row(0), col, "Nguyễn Văn A")
    u.office.insert_columns(u.doc, SHEET, 0)  # and an empty one in front of everything


def columns_deleted(u: User) -> None:
    u.unprotect()
    for name in ("Sản phẩm đầu ra", "STT"):  # right one first: indices stay valid
        u.office.delete_columns(u.doc, SHEET, u.cols[name])


def header_repeated(u: User) -> None:
    """The header row copied above the fifth task, as people do to print it on page 2."""
    u.unprotect()
    row = u.row(4)
    u.office.insert_rows(u.doc, SHEET, row)
    for text, col in u.cols.items():
        u.office.set_string(u.doc, SHEET, row, col, text)
    u.quiet += ["unknown_row", "invalid_value"]


def columns_hidden(u: User) -> None:
    u.type(1, "Ngày hoàn thành", "15/10/2026")
    u.type(1, "Tình trạng", "Đã hoàn thành")
    u.want[u.tasks[1]] = Want("done", OCT15, f"Kết quả {u.tasks[1]}")
    for name in ("Ngày hoàn thành", "Vai trò", "Sản phẩm đầu ra"):
        u.office.hide_column(u.doc, SHEET, u.cols[name])


def columns_widened(u: User) -> None:
    for name in ("Nhiệm vụ", "Kết quả thực hiện", "Khó khăn, đề xuất"):
        u.office.set_column_width(u.doc, SHEET, u.cols[name], 16000)


def sheet_renamed(u: User) -> None:
    u.office.rename_sheet(u.doc, SHEET, "BC thang 10")


def sheets_reordered(u: User) -> None:
    u.office.move_sheet(u.doc, "Hướng dẫn", 0)
    u.office.move_sheet(u.doc, "_kehoach", 0)


def sheet_added(u: User) -> None:
    u.office.add_sheet(u.doc, "Nháp", 0)
    u.office.set_string(u.doc, "Nháp", 0, 0, "Tình trạng")
    u.office.set_string(u.doc, "Nháp", 1, 0, "gọi lại cho anh Bình")


def copied_to_new_workbook(u: User) -> None:
    u.extra_files.append(("Bao cao PKT.xlsx", u.office.copy_to_new(u.doc, SHEET)))
    u.name = ""  # only the new workbook is returned


def saved_as_xls(u: User) -> None:
    u.name, u.fmt = "tra-loi.xls", "xls"


def saved_as_ods(u: User) -> None:
    u.name, u.fmt = "tra-loi.ods", "ods"


def file_renamed(u: User) -> None:
    u.name = "bao cao thang 10 - final (2).xlsx"


def blank_rows_inserted(u: User) -> None:
    u.unprotect()
    u.office.insert_rows(u.doc, SHEET, u.row(4), 2)


def identity_sheet_deleted(u: User) -> None:
    u.office.set_sheet_visible(u.doc, "_kehoach", True)
    u.office.remove_sheet(u.doc, "_kehoach")


def guide_sheet_deleted(u: User) -> None:
    u.office.remove_sheet(u.doc, "Hướng dẫn")


def copied_to_new_xls(u: User) -> None:
    u.extra_files.append(("Bao cao PKT.xls", u.office.copy_to_new(u.doc, SHEET)))
    u.name = ""


def report_sheet_copied_copy_filled(u: User) -> None:
    """The answers live in a copy of the sheet; the original was emptied again."""
    u.office.copy_sheet(u.doc, SHEET, "Báo cáo (2)", 1)
    for index in range(len(u.tasks)):
        u.type(index, "Tình trạng", "")
        u.type(index, "Kết quả thực hiện", "")
    u.warn.append(("several_data_sheets", None))


CASES: dict[str, Edit] = {
    "typed_statuses": typed_statuses,
    "typed_statuses_with_words": typed_statuses_with_words,
    "typed_dates": typed_dates,
    "date_cell_as_text": date_cell_as_text,
    "progress_as_percent": progress_as_percent,
    "date_without_status": date_without_status,
    "number_in_text_column": number_in_text_column,
    "note_row_inserted": note_row_inserted,
    "task_row_inserted": task_row_inserted,
    "rows_sorted": rows_sorted,
    "filter_left_on": filter_left_on,
    "task_row_deleted": task_row_deleted,
    "header_line_added": header_line_added,
    "answer_cells_merged": answer_cells_merged,
    "long_result": long_result,
    "column_inserted": column_inserted,
    "columns_deleted": columns_deleted,
    "header_repeated": header_repeated,
    "columns_hidden": columns_hidden,
    "columns_widened": columns_widened,
    "sheet_renamed": sheet_renamed,
    "sheets_reordered": sheets_reordered,
    "sheet_added": sheet_added,
    "copied_to_new_workbook": copied_to_new_workbook,
    "saved_as_xls": saved_as_xls,
    "saved_as_ods": saved_as_ods,
    "file_renamed": file_renamed,
    "blank_rows_inserted": blank_rows_inserted,
    "identity_sheet_deleted": identity_sheet_deleted,
    "guide_sheet_deleted": guide_sheet_deleted,
    "copied_to_new_xls": copied_to_new_xls,
    "report_sheet_copied_copy_filled": report_sheet_copied_copy_filled,
}


def _a1(row: int, col: int) -> str:
    return f"{get_column_letter(col + 1)}{row + 1}"


# --- running the matrix -----------------------------------------------------------------------


@dataclass
class Outcome:
    user: User
    files: dict[str, Any]  # original name -> ledger Receipt
    answers: dict[str, dict[str, Any]]  # task -> ledger answer row
    flags: dict[str, list[str]]
    log: list[Any]  # LogRow
    unit_flags: list[str] = field(default_factory=list)


def play(office, book: Path, edit: Edit, inbox: Path) -> User:
    doc = office.open(book)
    user = User(office, doc)
    user.open()
    user.answer_all()
    edit(user)
    inbox.mkdir(parents=True, exist_ok=True)
    if user.name:
        office.save_as(doc, inbox / user.name, user.fmt)
    for name, handle in user.extra_files:
        office.save_as(handle, inbox / name)
        office.close(handle)
    office.close(doc)
    return user


def outcome(base: Path, work: Path, user: User, inbox: Path, period: str = PERIOD) -> Outcome:
    """Copy the workspace, collect the inbox into it, merge ``period``."""
    shutil.copytree(base, work)
    collect_files(work, [inbox])
    return merged_outcome(work, user, period)


def merged_outcome(work: Path, user: User, period: str = PERIOD) -> Outcome:
    merged = merge_period(work, period, AS_OF)
    with Workspace.open(work).ledger() as ledger:
        answers = {a["task_id"]: a for a in ledger.answers(period) if a["unit"] == UNIT}
        files = {r.original_name: r for r in ledger.receipts()}
    flags = {i["task_id"]: i["flags"] for i in merged.data["items"] if i["unit"] == UNIT}
    (unit,) = [u for u in merged.data["units"] if u["unit"] == UNIT]
    log = [*merged.report.log, *merged.report.stray_rows]
    return Outcome(user, files, answers, flags, log, unit["flags"])


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> tuple[Path, Path, dict[str, Path]]:
    """(scratch folder, sample workspace split for PERIOD, unit -> sent workbook)."""
    root = tmp_path_factory.mktemp("user-edits")
    ws, books = make_workspace(root / "base")
    return root, ws, books


@pytest.fixture(scope="module")
def matrix(base, office) -> dict[str, Outcome]:
    root, ws, books = base
    results = {}
    for name, edit in CASES.items():
        inbox = root / "inbox" / name
        user = play(office, books[UNIT], edit, inbox)
        results[name] = outcome(ws, root / "ws" / name, user, inbox)
    return results


@pytest.mark.parametrize("case", list(CASES))
def test_ordinary_edit_keeps_the_answers(matrix, case):
    result = matrix[case]
    user = result.user
    assert result.files, "nothing collected"
    for name, collected in result.files.items():
        assert collected.state == "accepted", (name, collected.state, collected.message)
        assert collected.unit == UNIT
    for task, want in user.want.items():
        answer = result.answers[task]
        if want is None:
            assert answer["status"] == "not_reported", (task, answer)
            continue
        got = Want(*(answer[k] for k in ("status", "completed", "result", "documents", "issues")))
        assert got == want, (task, result.flags[task])
    for task, flag in user.flags.items():
        assert flag in result.flags[task], (task, result.flags[task])
    assert not [e for e in result.log if e.code in user.quiet]
    for code, row in user.warn:
        named = [
            entry
            for entry in result.log
            if entry.code == code and entry.row == row and entry.file and (entry.sheet or not row)
        ]
        assert named, (code, row, [(e.code, e.sheet, e.row, e.message) for e in result.log])


# --- two files from one unit; last period's file ---------------------------------------------


def first_half(u: User) -> None:
    _keep_answers(u, range(0, 4))
    u.name = "bao-cao-anh-Nam.xlsx"


def second_half(u: User) -> None:
    _keep_answers(u, range(4, 8))
    u.name = "bao-cao-chi-Lan.xlsx"


def _keep_answers(u: User, keep: range) -> None:
    for index, task in enumerate(u.tasks):
        if index not in keep:
            u.type(index, "Tình trạng", "")
            u.type(index, "Kết quả thực hiện", "")
            u.want[task] = None


@pytest.fixture(scope="module")
def two_people(base, office) -> tuple[Outcome, User, User]:
    """Two officials of one unit each fill half the tasks and each mail their own copy:
    (outcome, the one received first, the one received last)."""
    root, ws, books = base
    inbox = root / "inbox" / "two-people"
    first = play(office, books[UNIT], second_half, inbox / "1")
    last = play(office, books[UNIT], first_half, inbox / "2")
    work = root / "ws" / "two-people"
    shutil.copytree(ws, work)
    collect_files(work, [inbox / "1"])
    collect_files(work, [inbox / "2"])
    return merged_outcome(work, last), first, last


def test_two_people_newest_file_counts_and_older_is_kept(two_people):
    result, first, last = two_people
    assert result.files[last.name].state == "accepted"
    assert result.files[first.name].state == "superseded"
    assert "superseded" in result.unit_flags
    for task, want in last.want.items():
        answer = result.answers[task]
        if want is None:  # left blank in the newest file: the older file's answer, if any
            older = first.want.get(task)
            assert answer["status"] == (older.status if older else "not_reported")
        else:
            assert (answer["status"], answer["result"]) == (want.status, want.result)


def test_two_people_every_answer_counts(two_people):
    """The newest file counts; a row it leaves blank keeps the older file's answer, noted."""
    result, first, last = two_people
    for task in result.answers:
        want = last.want.get(task) or first.want.get(task)
        assert want is not None and result.answers[task]["status"] == want.status, task
    from_older = {t for t, w in first.want.items() if w is not None and last.want.get(t) is None}
    assert from_older
    noted = [row for row in result.log if row.code == "answer_from_older_file"]
    assert len(noted) == len(from_older)
    older_copy = Path(result.files[first.name].stored_path).name
    assert all(row.file == older_copy and row.row for row in noted)


def test_last_periods_file_counts_for_its_own_period(base, office):
    """A unit sends September's workbook again in October (answers updated in it)."""
    root, ws, books = base
    work = root / "ws" / "last-period"
    shutil.copytree(ws, work)
    october = split_period(work, "2026-10", dt.date(2026, 11, 5))
    assert any(f.unit == UNIT and f.tasks for f in october.files)
    inbox = root / "inbox" / "last-period"
    user = play(office, books[UNIT], file_renamed, inbox)
    collected = collect_files(work, [inbox])
    (received,) = collected.files
    assert (received.state, received.unit, received.period) == ("accepted", UNIT, PERIOD)
    september = merged_outcome(work, user)
    for task, want in user.want.items():
        assert september.answers[task]["status"] == want.status
    october_items = merge_period(work, "2026-10", AS_OF).data["items"]
    mine = [i for i in october_items if i["unit"] == UNIT]
    assert mine and all("not_reported" in i["flags"] for i in mine)
