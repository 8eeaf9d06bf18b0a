"""Reading returned unit workbooks: what real users do to them, and the document-number rules."""

from __future__ import annotations

import shutil
import subprocess
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import xlsxwriter

from kehoach_xlsx.returns import (
    FIELD_HEADERS,
    DocRef,
    FailedFile,
    ReturnedBook,
    ReturnedBookError,
    document_numbers,
    excel_serial_date,
    looks_like_formula,
    missing_output_types,
    output_types,
    parse_date_text,
    read_returned_book,
    read_returned_books,
    status_code,
)

HEADERS = list(FIELD_HEADERS.values())
WORKBOOK_ID = "0123456789abcdef0123456789abcdef"

TASKS = [
    ("B.I.1", "Xây dựng kế hoạch tuyên truyền", "Chủ trì", "Kế hoạch; Báo cáo", "15/09/2026"),
    ("B.I.2", "Tổ chức hội nghị phổ biến pháp luật", "Phối hợp", "Hội nghị", "Quý III năm 2026"),
    ("B.II.3", "Kiểm tra việc thực hiện", "Chủ trì", "Quyết định; Kết luận", "30/09/2026"),
]


def build_return(
    path: Path,
    answers: dict[str, dict[str, Any]] | None = None,
    *,
    sheet_name: str = "Báo cáo",
    headers: list[str] | None = None,
    order: list[int] | None = None,
    identity: bool = True,
    date_1904: bool = False,
    hidden_rows: tuple[int, ...] = (),
    merge: tuple[int, int, int, int, str] | None = None,
    unit_line: str = "Đơn vị báo cáo: Phòng Kinh tế     Kỳ báo cáo: Tháng 09/2026",
) -> Path:
    """A returned workbook laid out as docs/design.md says, with the answers a unit typed.

    `answers` maps task id -> {header text: value}; values keep their Python type (a date is
    written as a real date, a float as a number, a str as text). `headers` may reorder or add
    columns; `order` permutes the task rows.
    """
    answers = answers or {}
    headers = headers or HEADERS
    book = xlsxwriter.Workbook(str(path), {"date_1904": date_1904})
    date_format = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet(sheet_name)
    sheet.merge_range(0, 0, 0, 5, "ỦY BAN NHÂN DÂN PHƯỜNG AN BIÊN")
    sheet.write_string(2, 0, "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ")
    sheet.write_string(3, 0, unit_line)
    header_row = 5
    for col, text in enumerate(headers):
        sheet.write_string(header_row, col, text)
    tasks = [TASKS[i] for i in (order or range(len(TASKS)))]
    written_rows = []
    for offset, (task_id, title, role, outputs, due) in enumerate(tasks):
        row = header_row + 1 + offset
        values: dict[str, Any] = {
            "STT": str(offset + 1),
            "Mã NV": task_id,
            "Nhiệm vụ": title,
            "Vai trò": role,
            "Sản phẩm đầu ra": outputs,
            "Hạn": due,
        }
        values.update(answers.get(task_id, {}))
        for col, text in enumerate(headers):
            value = values.get(text, "")
            if isinstance(value, datetime | date):
                sheet.write_datetime(row, col, value, date_format)
            elif isinstance(value, int | float):
                sheet.write_number(row, col, value)
            elif value:
                sheet.write_string(row, col, value)
        written_rows.append((task_id, role, row + 1))
    for row in hidden_rows:
        sheet.set_row(row, None, None, {"hidden": True})
    if merge:
        first_row, first_col, last_row, last_col, text = merge
        sheet.merge_range(first_row, first_col, last_row, last_col, text)
    # A signature block below the table must not become rows.
    sheet.write_string(header_row + len(tasks) + 2, 8, "NGƯỜI LẬP BIỂU")
    if identity:
        hidden = book.add_worksheet("_kehoach")
        rows = [
            ("kehoach_xlsx", "1"),
            ("plan_id", "kh-143"),
            ("plan_number", "143/KH-UBND"),
            ("plan_title", "Kế hoạch thử"),
            ("unit", "PKT"),
            ("unit_name", "Phòng Kinh tế"),
            ("period", "2026-09"),
            ("due", "2026-10-05"),
            ("generated", "2026-09-01T00:00:00+00:00"),
            ("workbook_id", WORKBOOK_ID),
            ("task_id", "fingerprint", "role", "row"),
        ]
        rows += [
            (task_id, "0" * 16, "lead" if role == "Chủ trì" else "coordinate", str(row))
            for task_id, role, row in written_rows
        ]
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                hidden.write_string(r, c, text)
        hidden.very_hidden()
        book.define_name("kehoach_workbook_id", f'="{WORKBOOK_ID}"')
    book.close()
    return path


def by_id(book: ReturnedBook) -> dict[str | None, Any]:
    return {row.task_id: row for row in book.rows}


# --- the plain case --------------------------------------------------------------------------


def test_reads_answers_and_identity(tmp_path: Path) -> None:
    path = build_return(
        tmp_path / "PKT.xlsx",
        {
            "B.I.1": {
                "Tình trạng": "Đã hoàn thành",
                "Ngày hoàn thành": date(2026, 9, 5),
                "Kết quả thực hiện": "Đã ban hành kế hoạch",
                "Sản phẩm đã ban hành (số, ký hiệu)": "Kế hoạch số 12/KH-UBND ngày 05/9/2026",
            },
            "B.I.2": {"Tình trạng": "Đang thực hiện", "Khó khăn, đề xuất": "Thiếu kinh phí"},
        },
    )
    book = read_returned_book(path)
    assert book.kind == "xlsx"
    assert book.identified_by == "identity"
    assert book.identity["unit"] == "PKT"
    assert book.identity["workbook_id"] == WORKBOOK_ID
    assert [t["task_id"] for t in book.identity["tasks"]] == ["B.I.1", "B.I.2", "B.II.3"]
    assert book.header_unit_name == "Phòng Kinh tế"
    assert book.sheet == "Báo cáo"
    rows = by_id(book)
    assert set(rows) == {"B.I.1", "B.I.2", "B.II.3"}  # the signature block is no row
    first = rows["B.I.1"]
    assert (first.status, first.completed, first.row) == ("done", date(2026, 9, 5), 7)
    assert first.documents == "Kế hoạch số 12/KH-UBND ngày 05/9/2026"
    assert first.assigned == {
        "Nhiệm vụ": "Xây dựng kế hoạch tuyên truyền",
        "Vai trò": "Chủ trì",
        "Sản phẩm đầu ra": "Kế hoạch; Báo cáo",
        "Hạn": "15/09/2026",
    }
    assert not first.blank and first.problems == []
    assert rows["B.I.2"].status == "in_progress"
    assert rows["B.I.2"].issues == "Thiếu kinh phí"
    assert rows["B.II.3"].blank and rows["B.II.3"].status is None
    assert len(book.sha256) == 64


# --- what users do ---------------------------------------------------------------------------


def test_renamed_file_and_sheet_resorted_rows_inserted_column(tmp_path: Path) -> None:
    headers = HEADERS[:3] + ["Ghi chú của đơn vị"] + HEADERS[3:]
    headers[headers.index("Tình trạng")] = "  tình   TRẠNG "  # retyped header
    path = build_return(
        tmp_path / "bao cao thang 9 (final).xlsx",
        {
            "B.II.3": {"  tình   TRẠNG ": "xong", "Ghi chú của đơn vị": "ghi chú"},
            "B.I.1": {"  tình   TRẠNG ": "Chưa thực hiện"},
        },
        sheet_name="Sheet1",
        headers=headers,
        order=[2, 0, 1],
    )
    book = read_returned_book(path)
    rows = by_id(book)
    assert book.sheet == "Sheet1"
    assert rows["B.II.3"].status == "done" and rows["B.II.3"].row == 7
    assert rows["B.I.1"].status == "not_started" and rows["B.I.1"].row == 8
    assert rows["B.II.3"].assigned["Vai trò"] == "Chủ trì"
    assert book.columns["status"] == headers.index("  tình   TRẠNG ")


def test_hidden_rows_are_read(tmp_path: Path) -> None:
    path = build_return(
        tmp_path / "hidden.xlsx", {"B.I.2": {"Tình trạng": "Đang làm"}}, hidden_rows=(7,)
    )
    assert by_id(read_returned_book(path))["B.I.2"].status == "in_progress"


def test_merged_answer_cells_apply_to_each_row(tmp_path: Path) -> None:
    result_col = HEADERS.index("Kết quả thực hiện")
    path = build_return(tmp_path / "merged.xlsx", merge=(6, result_col, 7, result_col, "Chung"))
    book = read_returned_book(path)
    rows = by_id(book)
    assert rows["B.I.1"].result == "Chung" and rows["B.I.2"].result == "Chung"
    assert any(w.code == "merged_cells" and w.row == 7 for w in book.warnings)


def test_dates_as_text_and_serials(tmp_path: Path) -> None:
    path = build_return(
        tmp_path / "dates.xlsx",
        {
            "B.I.1": {"Ngày hoàn thành": "5-9-26"},
            "B.I.2": {"Ngày hoàn thành": 46270.0},  # a date that lost its format
            "B.II.3": {"Ngày hoàn thành": "hôm qua"},
        },
    )
    rows = by_id(read_returned_book(path))
    assert rows["B.I.1"].completed == date(2026, 9, 5)
    assert rows["B.I.2"].completed == date(2026, 9, 5)
    assert rows["B.II.3"].completed is None
    assert rows["B.II.3"].completed_raw == "hôm qua"
    assert [p.code for p in rows["B.II.3"].problems] == ["invalid_value"]


def test_1904_date_system(tmp_path: Path) -> None:
    path = build_return(
        tmp_path / "mac.xlsx",
        {
            "B.I.1": {"Ngày hoàn thành": date(2026, 9, 5)},
            "B.I.2": {"Ngày hoàn thành": 46270.0 - 1462},  # unformatted 1904 serial
        },
        date_1904=True,
    )
    rows = by_id(read_returned_book(path))
    assert rows["B.I.1"].completed == date(2026, 9, 5)
    assert rows["B.I.2"].completed == date(2026, 9, 5)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("05/9/2026", date(2026, 9, 5)),
        ("5-9-26", date(2026, 9, 5)),
        ("05.09.2026", date(2026, 9, 5)),
        ("5/9", date(2026, 9, 5)),
        ("ngày 05 tháng 9 năm 2026", date(2026, 9, 5)),
        ("2026-09-05", date(2026, 9, 5)),
        ("31/02/2026", None),
        ("tháng 9", None),
    ],
)
def test_parse_date_text(text: str, expected: date | None) -> None:
    assert parse_date_text(text, 2026) == expected


def test_excel_serial_date() -> None:
    assert excel_serial_date(46270) == date(2026, 9, 5)
    assert excel_serial_date(46270 - 1462, date1904=True) == date(2026, 9, 5)
    assert excel_serial_date(3) is None  # 1900: not a completion date


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Đã hoàn thành", "done"),
        ("hoàn thành", "done"),
        ("Da hoan thanh", "done"),
        ("xong", "done"),
        ("Đã hoàn thành.", "done"),
        ("ĐANG THỰC HIỆN", "in_progress"),
        ("đang làm", "in_progress"),
        ("Chưa thực hiện", "not_started"),
        ("chưa", "not_started"),
        ("Không thực hiện được", "cannot_do"),
        ("Da hoa\u0300n tha\u0300nh", "done"),  # NFD
        ("80%", "in_progress"),  # a share of the work done (read as a stated guess)
        ("Tốt", None),
    ],
)
def test_status_code(text: str, code: str | None) -> None:
    assert status_code(text) == code


def test_pasted_odd_status_kept_raw_and_flagged(tmp_path: Path) -> None:
    path = build_return(tmp_path / "odd.xlsx", {"B.I.1": {"Tình trạng": "Cơ bản xong 80%"}})
    row = by_id(read_returned_book(path))["B.I.1"]
    assert row.status == "invalid"
    assert row.status_raw == "Cơ bản xong 80%"
    assert row.problems[0].code == "invalid_value"
    assert "Cơ bản xong 80%" in row.problems[0].message


def test_formulas_and_dde_in_answers_stay_text(tmp_path: Path) -> None:
    dde = "=cmd|' /C calc'!A0"
    path = build_return(
        tmp_path / "formula.xlsx",
        {
            "B.I.1": {"Kết quả thực hiện": "=1+2", "Khó khăn, đề xuất": "- Thiếu người"},
            "B.I.2": {"Sản phẩm đã ban hành (số, ký hiệu)": dde},
            "B.II.3": {"Kết quả thực hiện": "+cmd|' /C calc'!A0"},
        },
    )
    book = read_returned_book(path)
    rows = by_id(book)
    assert rows["B.I.1"].result == "=1+2"
    assert rows["B.I.2"].documents == dde
    flagged = sorted((w.row, w.code) for w in book.warnings if w.code == "formula_in_answer")
    assert flagged == [(7, "formula_in_answer"), (8, "formula_in_answer"), (9, "formula_in_answer")]
    # A dash bullet is ordinary Vietnamese writing, not a formula.
    assert [p.code for p in rows["B.I.1"].problems] == ["formula_in_answer"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", True),
        ("@SUM(A1:A3)", True),
        ("+cmd|' /C calc'!A0", True),
        ("-2+3", True),
        ('+HYPERLINK("http://x")', True),
        ("- Đã tổ chức hội nghị", False),
        ("-Đã tổ chức (lần 2)", False),
        ("+84 912 345 678", False),
        ("Kế hoạch 12/KH-UBND", False),
    ],
)
def test_looks_like_formula(text: str, expected: bool) -> None:
    assert looks_like_formula(text) is expected


def test_real_formula_cell_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "f.xlsx"
    build_return(path)
    wb = openpyxl.load_workbook(path)
    wb["Báo cáo"]["I7"] = "=1+2"  # a real formula typed by the user
    wb.save(path)
    book = read_returned_book(path)
    assert any(w.code == "formula_in_answer" and "công thức" in w.message for w in book.warnings)


def test_without_identity_sheet_identified_by_content(tmp_path: Path) -> None:
    path = build_return(tmp_path / "noid.xlsx", identity=False)
    book = read_returned_book(path)
    assert book.identity is None
    assert book.identified_by == "content"
    assert book.header_unit_name == "Phòng Kinh tế"


def test_identity_sheet_dropped_but_defined_name_kept(tmp_path: Path) -> None:
    path = tmp_path / "dropped.xlsx"
    build_return(path)
    wb = openpyxl.load_workbook(path)
    del wb["_kehoach"]
    wb.save(path)
    book = read_returned_book(path)
    assert book.identified_by == "identity"
    assert book.identity == {"workbook_id": WORKBOOK_ID, "tasks": [], "partial": True}


def test_unit_name_in_label_and_value_cells(tmp_path: Path) -> None:
    path = build_return(tmp_path / "u.xlsx", unit_line="Đơn vị:", identity=False)
    wb = openpyxl.load_workbook(path)
    wb["Báo cáo"]["C4"] = "Công an phường"
    wb.save(path)
    assert read_returned_book(path).header_unit_name == "Công an phường"


def test_no_data_sheet_is_a_warning_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "other.xlsx"
    book = xlsxwriter.Workbook(str(path))
    book.add_worksheet("Danh sách").write_string(0, 0, "Họ và tên")
    book.close()
    result = read_returned_book(path)
    assert result.rows == [] and result.identified_by is None
    assert [w.code for w in result.warnings] == ["no_data_sheet"]


def test_row_without_task_id_but_with_answers(tmp_path: Path) -> None:
    path = tmp_path / "extra.xlsx"
    build_return(path)
    wb = openpyxl.load_workbook(path)
    wb["Báo cáo"]["G10"] = "Đã hoàn thành"
    wb["Báo cáo"]["C10"] = "Việc phát sinh"
    wb.save(path)
    extra = [r for r in read_returned_book(path).rows if r.task_id is None]
    assert len(extra) == 1 and extra[0].row == 10
    assert extra[0].problems[0].code == "unknown_row"


def test_round_trip_with_unit_writer(tmp_path: Path) -> None:
    """A workbook from workbook/unit.py, answered with openpyxl, reads back by the contract."""
    from kehoach_xlsx.workbook.identity import BookIdentity
    from kehoach_xlsx.workbook.unit import UnitBookSpec, UnitRow, write_unit_book

    identity = BookIdentity(
        "kh-143", "143/KH-UBND", "Kế hoạch thử", "PKT", "Phòng Kinh tế", "2026-09",
        date(2026, 10, 5), datetime(2026, 9, 1), WORKBOOK_ID,
    )  # fmt: skip
    rows = [
        UnitRow("B.I.1", "1", "Xây dựng kế hoạch", "lead", ["Kế hoạch"], date(2026, 9, 15)),
        UnitRow("B.I.2", "2", "Tuyên truyền", "coordinate", ["Tin bài"], None, "Thường xuyên"),
    ]
    written = write_unit_book(
        UnitBookSpec(identity, "ỦY BAN NHÂN DÂN\nPHƯỜNG AN BIÊN", "Chị An, 0912", rows),
        tmp_path / "PKT.xlsx",
    )
    row_number = written.rows["B.I.1"][0]
    wb = openpyxl.load_workbook(tmp_path / "PKT.xlsx")
    sheet = wb["Báo cáo"]
    sheet.cell(row_number, 7, "Đã hoàn thành")
    sheet.cell(row_number, 10, "12/KH-UBND")
    wb.save(tmp_path / "PKT.xlsx")
    book = read_returned_book(tmp_path / "PKT.xlsx")
    got = by_id(book)
    assert book.identity["unit"] == "PKT" and book.header_unit_name == "Phòng Kinh tế"
    assert got["B.I.1"].status == "done" and got["B.I.1"].documents == "12/KH-UBND"
    assert got["B.I.2"].assigned["Hạn"] == "Thường xuyên"
    fingerprints = {t["task_id"]: t["fingerprint"] for t in book.identity["tasks"]}
    assert fingerprints["B.I.1"] == written.rows["B.I.1"][1]


# --- many files, some hostile ----------------------------------------------------------------


def test_read_returned_books_keeps_order_and_isolates_failures(tmp_path: Path) -> None:
    good = build_return(tmp_path / "a.xlsx", {"B.I.1": {"Tình trạng": "xong"}})
    broken = tmp_path / "b.xlsx"
    broken.write_bytes(good.read_bytes()[:500])  # truncated mail attachment
    pdf = tmp_path / "c.xlsx"
    pdf.write_bytes(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n")
    missing = tmp_path / "gone.xlsx"
    seen: list[int] = []
    results = read_returned_books(
        [good, broken, pdf, missing, good], threads=2, progress=lambda d, t, p: seen.append(d)
    )
    assert [type(r).__name__ for r in results] == [
        "ReturnedBook", "FailedFile", "FailedFile", "FailedFile", "ReturnedBook",
    ]  # fmt: skip
    assert results[1].code == "corrupt_file" and "hỏng" in results[1].message
    assert results[2].code == "not_spreadsheet" and "PDF" in results[2].message
    assert results[3].code == "unreadable" and results[3].sha256 is None
    assert isinstance(results[1], FailedFile) and results[1].sha256 is not None
    assert seen == [1, 2, 3, 4, 5]
    single = read_returned_books([good, broken], threads=1)
    assert isinstance(single[0], ReturnedBook) and single[0].sha256 == results[0].sha256


def test_read_returned_book_raises_vietnamese_error(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    path.write_text("Họ tên,Tình trạng\n", encoding="utf-8")
    with pytest.raises(ReturnedBookError) as err:
        read_returned_book(path)
    assert err.value.code == "not_spreadsheet"
    assert "không phải tệp Excel" in str(err.value)


# --- LibreOffice re-saves --------------------------------------------------------------------


@pytest.mark.slow
def test_libreoffice_resaves(tmp_path: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        pytest.skip("KHÔNG CÓ LibreOffice (soffice): bỏ qua kiểm thử lưu lại .xls/.ods")
    source = build_return(
        tmp_path / "src.xlsx",
        {
            "B.I.1": {"Tình trạng": "Đã hoàn thành", "Ngày hoàn thành": date(2026, 9, 5)},
            "B.I.2": {"Kết quả thực hiện": "=1+2"},
        },
    )
    outdir = tmp_path / "out"
    profile = tmp_path / "profile"
    started = time.monotonic()
    for fmt in ("xlsx", "xls", "ods"):
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                fmt,
                "--outdir",
                str(outdir),
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    assert time.monotonic() - started < 240
    for fmt in ("xlsx", "xls", "ods"):
        resaved = outdir / f"src.{fmt}"
        renamed = resaved.with_name(f"renamed-{fmt}.xlsx")  # and the user renamed it too
        shutil.copy(resaved, renamed)
        book = read_returned_book(renamed)
        rows = by_id(book)
        assert book.kind == fmt
        assert book.identity["unit"] == "PKT", fmt
        assert rows["B.I.1"].status == "done", fmt
        assert rows["B.I.1"].completed == date(2026, 9, 5), fmt
        assert rows["B.I.2"].result == "=1+2", fmt
        assert book.header_unit_name == "Phòng Kinh tế", fmt


# --- documents and expected outputs ----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Kế hoạch số 12/KH-UBND ngày 05/9/2026",
            [DocRef("12", "KH", "12/KH-UBND")],
        ),
        ("12/BC-UBND", [DocRef("12", "BC", "12/BC-UBND")]),
        ("Quyết định 45/QĐ-UBND", [DocRef("45", "QĐ", "45/QĐ-UBND")]),
        ("Quyết định 45/QD-UBND", [DocRef("45", "QĐ", "45/QD-UBND")]),
        ("Công văn số 125/UBND-VP", [DocRef("125", "CV", "125/UBND-VP")]),
        ("số 03/TB-VP", [DocRef("03", "TB", "03/TB-VP")]),
        ("Quyết định số 07/2026/QĐ-UBND", [DocRef("07", "QĐ", "07/2026/QĐ-UBND")]),
        (
            "Đề án 2/ĐA-UBND; Chương trình 5/CTr-UBND",
            [
                DocRef("2", "ĐA", "2/ĐA-UBND"),
                DocRef("5", "CTr", "5/CTr-UBND"),
            ],
        ),  # fmt: skip
        ("Kế hoạch số 9/UBND ngày 1/2/2026", [DocRef("9", "KH", "9/UBND")]),
        ("ngày 05/9/2026 đã họp", []),
        ("Đã tổ chức hội nghị", []),
    ],
)
def test_document_numbers(text: str, expected: list[DocRef]) -> None:
    assert document_numbers(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kế hoạch", {"KH"}),
        (
            "Kế hoạch kiểm tra; Quyết định thành lập Đoàn kiểm tra; Kết luận kiểm tra.",
            {
                "KH",
                "QĐ",
                "KL",
            },
        ),  # fmt: skip
        ("Báo cáo kết quả", {"BC"}),
        ("Thông báo; Hướng dẫn", {"TB", "HD"}),
        ("Nghị quyết", {"NQ"}),
        ("Chương trình hành động", {"CTr"}),
        ("Đề án", {"ĐA"}),
        ("Tờ trình", {"TTr"}),
        ("Công văn", {"CV"}),
        ("Văn bản chỉ đạo, đôn đốc", {"CV"}),
        ("Văn bản đôn đốc", {"CV"}),
        ("Hội nghị; tin bài; video", set()),
        ("Đội ngũ báo cáo viên được kiện toàn", set()),
    ],
)
def test_output_types(text: str, expected: set[str]) -> None:
    assert output_types(text) == expected


@pytest.mark.parametrize(
    ("expected_outputs", "documents", "missing"),
    [
        (["Kế hoạch; báo cáo"], "12/BC-UBND", {"KH"}),
        (["Kế hoạch", "Báo cáo"], "Kế hoạch số 12/KH-UBND; Báo cáo 20/BC-UBND", set()),
        (["Hội nghị", "Tin bài"], "", set()),
        (["Văn bản đôn đốc"], "Công văn số 125/UBND-VP", set()),
        (["Quyết định"], "Đã ban hành quyết định (chưa có số)", {"QĐ"}),
    ],
)
def test_missing_output_types(
    expected_outputs: list[str], documents: str, missing: set[str]
) -> None:
    assert missing_output_types(expected_outputs, documents) == missing
