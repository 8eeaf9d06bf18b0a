"""Answers typed by hand, read by a stated guess (the fast half of test_user_edits.py).

Statuses and dates a person types instead of picking, a note row inserted between tasks,
a result merged across the answer columns, the report sheet copied and only the copy filled.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from kehoach_xlsx.returns import guess_date_text, read_returned_book, read_status
from tests.test_returns import HEADERS, build_return, by_id

RESULT_COL = HEADERS.index("Kết quả thực hiện")
HEADER_ROW = 5  # build_return's table header (0-based)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Đã hoàn thành", ("done", False)),
        ("  DA HOAN THANH ", ("done", False)),
        ("Đã xong", ("done", False)),
        ("chưa hoàn thành", ("in_progress", False)),
        ("HT", ("done", True)),
        ("Đã hoàn thành 100%", ("done", True)),
        ("Hoàn thành tốt", ("done", True)),
        ("Đang thực hiện (70%)", ("in_progress", True)),
        ("Không thực hiện được do thiếu kinh phí", ("cannot_do", True)),
        ("chưa có kinh phí", ("not_started", True)),
        ("100%", ("done", True)),
        ("70 %", ("in_progress", True)),
        ("0%", ("not_started", True)),
        ("150%", (None, False)),
        # words that change what "done" means: left unread, to be flagged
        ("Hoàn thành một phần", (None, False)),
        ("Đã hoàn thành 80%", (None, False)),
        ("Cơ bản xong 80%", (None, False)),
        ("Tốt", (None, False)),
    ],
)
def test_read_status(text, expected):
    assert read_status(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10/2026", date(2026, 10, 1)),
        ("tháng 10/2026", date(2026, 10, 1)),
        ("Tháng 10 năm 2026", date(2026, 10, 1)),
        ("xong ngày 15/10/2026 (báo cáo sau)", date(2026, 10, 15)),
        ("15/10/2026 - 20/10/2026", None),  # two dates: which one?
        ("tháng 10", None),  # no year
        ("13/2026", None),
    ],
)
def test_guess_date_text(text, expected):
    found, message = guess_date_text(text)
    assert found == expected
    assert bool(message) == (expected is not None)


def test_typed_status_and_month_are_used_and_named(tmp_path: Path):
    path = build_return(
        tmp_path / "typed.xlsx",
        {
            "B.I.1": {"Tình trạng": "HT", "Ngày hoàn thành": "10/2026"},
            "B.I.2": {"Tình trạng": "Hoàn thành một phần"},
        },
    )
    book = read_returned_book(path)
    rows = by_id(book)
    assert (rows["B.I.1"].status, rows["B.I.1"].completed) == ("done", date(2026, 10, 1))
    assert rows["B.I.1"].problems == []
    assert rows["B.I.2"].status == "invalid"
    found = {(w.code, w.sheet, w.row) for w in book.warnings}
    row = HEADER_ROW + 2  # B.I.1, 1-based
    assert {("status_guessed", "Báo cáo", row), ("date_guessed", "Báo cáo", row)} <= found
    (status_warning,) = [w for w in book.warnings if w.code == "status_guessed"]
    assert "“HT”" in status_warning.message and "Đã hoàn thành" in status_warning.message


def test_a_completion_date_without_status_means_done(tmp_path: Path):
    path = build_return(tmp_path / "date.xlsx", {"B.I.1": {"Ngày hoàn thành": date(2026, 9, 20)}})
    book = read_returned_book(path)
    row = by_id(book)["B.I.1"]
    assert (row.status, row.completed, row.problems) == ("done", date(2026, 9, 20), [])
    assert [w.row for w in book.warnings if w.code == "status_guessed"] == [HEADER_ROW + 2]


def test_note_row_between_tasks_is_reported_signature_is_not(tmp_path: Path):
    path = build_return(tmp_path / "note.xlsx", {"B.I.1": {"Tình trạng": "Đã hoàn thành"}})
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Báo cáo"]
    sheet.insert_rows(HEADER_ROW + 3)  # between B.I.1 and B.I.2 (1-based row 8)
    sheet.cell(HEADER_ROW + 3, RESULT_COL + 1).value = "Ghi chú: hai nhiệm vụ sau do tổ 2 làm"
    workbook.save(path)
    book = read_returned_book(path)
    notes = [w for w in book.warnings if w.code == "note_row"]
    assert [(w.sheet, w.row) for w in notes] == [("Báo cáo", HEADER_ROW + 3)]
    assert "tổ 2" in notes[0].message
    assert {r.task_id for r in book.rows} == {"B.I.1", "B.I.2", "B.II.3"}


def test_result_merged_across_answer_columns_is_not_copied(tmp_path: Path):
    text = "Đã tổ chức 3 hội nghị"
    path = build_return(
        tmp_path / "merged.xlsx", merge=(HEADER_ROW + 1, RESULT_COL, HEADER_ROW + 1, 10, text)
    )
    book = read_returned_book(path)
    row = by_id(book)["B.I.1"]
    assert (row.result, row.documents, row.issues) == (text, "", "")
    assert any(w.code == "merged_cells" and w.row == HEADER_ROW + 2 for w in book.warnings)


def test_the_filled_copy_of_the_report_sheet_is_read(tmp_path: Path):
    path = build_return(
        tmp_path / "copy.xlsx",
        {task: {"Tình trạng": "Đã hoàn thành"} for task in ("B.I.1", "B.I.2", "B.II.3")},
    )
    workbook = openpyxl.load_workbook(path)
    original = workbook["Báo cáo"]
    copy = workbook.copy_worksheet(original)
    copy.title = "Báo cáo (2)"
    for row in original.iter_rows(min_row=HEADER_ROW + 2):
        row[HEADERS.index("Tình trạng")].value = None
    workbook.save(path)
    book = read_returned_book(path)
    assert book.sheet == "Báo cáo (2)"
    assert {r.status for r in book.rows if r.task_id} == {"done"}
    (warning,) = [w for w in book.warnings if w.code == "several_data_sheets"]
    assert "Báo cáo (2)" in warning.message and "Báo cáo" in warning.message


def test_untouched_copy_sheet_does_not_win(tmp_path: Path):
    """Equal answers: the sheet read first (named "Báo cáo") stays the one used."""
    path = build_return(tmp_path / "same.xlsx", {"B.I.1": {"Tình trạng": "Đã hoàn thành"}})
    workbook = openpyxl.load_workbook(path)
    workbook.copy_worksheet(workbook["Báo cáo"]).title = "Bản sao"
    workbook.save(path)
    assert read_returned_book(path).sheet == "Báo cáo"


def test_header_row_repeated_for_printing_is_no_task(tmp_path: Path):
    path = build_return(tmp_path / "repeat.xlsx", {"B.I.2": {"Tình trạng": "Đã hoàn thành"}})
    workbook = openpyxl.load_workbook(path)
    sheet = workbook["Báo cáo"]
    sheet.insert_rows(HEADER_ROW + 3)
    for col, text in enumerate(HEADERS, start=1):
        sheet.cell(HEADER_ROW + 3, col).value = text
    workbook.save(path)
    book = read_returned_book(path)
    assert [r.task_id for r in book.rows] == ["B.I.1", "B.I.2", "B.II.3"]
    assert by_id(book)["B.I.2"].status == "done"
    assert book.warnings == []
