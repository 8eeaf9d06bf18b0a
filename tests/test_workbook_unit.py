"""Unit workbooks: layout contract, protection, validation, identity round trip, pool writing."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from kehoach_xlsx.workbook.identity import (
    DEFINED_NAME,
    IDENTITY_SHEET,
    BookIdentity,
    fingerprint,
    read_identity,
)
from kehoach_xlsx.workbook.styles import EXCEL_MAX_TEXT, WorkbookWriteError
from kehoach_xlsx.workbook.unit import (
    HEADERS,
    REPORT_SHEET,
    UnitBookSpec,
    UnitRow,
    write_unit_book,
    write_unit_books,
)

EXPECTED_HEADERS = [
    "STT",
    "Mã NV",
    "Nhiệm vụ",
    "Vai trò",
    "Sản phẩm đầu ra",
    "Hạn",
    "Tình trạng",
    "Ngày hoàn thành",
    "Kết quả thực hiện",
    "Sản phẩm đã ban hành (số, ký hiệu)",
    "Khó khăn, đề xuất",
]
WORKBOOK_ID = "0123456789abcdef0123456789abcdef"


def make_identity(unit: str = "VHXH", workbook_id: str = WORKBOOK_ID) -> BookIdentity:
    return BookIdentity(
        plan_id="kh-143-2026",
        plan_number="143/KH-UBND",
        plan_title="Kế hoạch xây dựng Mô hình phường tuân thủ pháp luật",
        unit=unit,
        unit_name="Phòng Văn hóa - Xã hội",
        period="2026-09",
        due=date(2026, 10, 5),
        generated=datetime(2026, 9, 20, 1, 2, 3, tzinfo=UTC),
        workbook_id=workbook_id,
    )


def make_rows(count: int = 3) -> list[UnitRow]:
    rows = [
        UnitRow(
            task_id="A.1",
            number="1",
            title="=SUM(A1:A2) không phải công thức; xây dựng kế hoạch triển khai",
            role="lead",
            outputs=["Kế hoạch triển khai", "Báo cáo kết quả"],
            due=date(2026, 12, 31),
            deadline_text="Năm 2026",
        ),
        UnitRow(
            task_id="B.II.5",
            number="5",
            title="-Tuyên truyền, phổ biến pháp luật",
            role="coordinate",
            outputs=["+Tin bài"],
            due=None,
            deadline_text="Thường xuyên",
            carried={
                "status": "in_progress",
                "completed": date(2026, 8, 30),
                "result": "@Đã đăng 3 tin",
                "documents": "Kế hoạch số 12/KH-UBND ngày 05/9/2026",
                "issues": "",
            },
        ),
    ]
    for index in range(3, count + 1):
        rows.append(
            UnitRow(
                task_id=f"B.X.{index}",
                number=str(index),
                title=f"Nhiệm vụ số {index} " + "rất dài " * 20,
                role="lead",
                outputs=["Báo cáo"],
                due=date(2026, 11, 1),
            )
        )
    return rows


def make_spec(count: int = 3, **identity) -> UnitBookSpec:
    return UnitBookSpec(
        identity=make_identity(**identity),
        issuer="Ủy ban nhân dân\nPhường An Biên",
        contact="Đầu mối: Văn phòng HĐND và UBND, email vp@anbien.gov.vn",
        rows=make_rows(count),
        plan_title="Kế hoạch xây dựng Mô hình phường tuân thủ pháp luật",
    )


def sheet_rows(path: Path, name: str) -> list[list]:
    book = CalamineWorkbook.from_path(str(path))
    return book.get_sheet_by_name(name).to_python(skip_empty_area=False)


def header_index(rows: list[list]) -> int:
    return next(i for i, row in enumerate(rows) if row[:2] == ["STT", "Mã NV"])


def test_header_texts_match_design_contract():
    assert list(HEADERS) == EXPECTED_HEADERS


def test_values_read_back_with_calamine(tmp_path):
    path = tmp_path / "2026-09_phong-van-hoa-xa-hoi.xlsx"
    written = write_unit_book(make_spec(), path)
    rows = sheet_rows(path, REPORT_SHEET)
    h = header_index(rows)
    assert rows[h] == EXPECTED_HEADERS
    first, second = rows[h + 1], rows[h + 2]
    # Text starting with "=", "-", "+", "@" stays text.
    assert first[2] == "=SUM(A1:A2) không phải công thức; xây dựng kế hoạch triển khai"
    assert first[3] == "Chủ trì"
    assert first[4] == "Kế hoạch triển khai; Báo cáo kết quả"
    assert first[5] == "31/12/2026"
    assert second[2] == "-Tuyên truyền, phổ biến pháp luật"
    assert second[3] == "Phối hợp"
    assert second[4] == "+Tin bài"
    assert second[5] == "Thường xuyên"
    # carried answers prefilled, status code shown as its Vietnamese label
    assert second[6] == "Đang thực hiện"
    assert second[7] == date(2026, 8, 30)
    assert second[8] == "@Đã đăng 3 tin"
    assert second[9] == "Kế hoạch số 12/KH-UBND ngày 05/9/2026"
    # header block
    flat = " | ".join(str(cell) for row in rows[:h] for cell in row if cell)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat
    assert "Độc lập - Tự do - Hạnh phúc" in flat
    assert "PHƯỜNG AN BIÊN" in flat
    assert "Hạn gửi báo cáo: 05/10/2026" in flat
    assert "Phòng Văn hóa - Xã hội" in flat
    assert written.rows["A.1"][0] == h + 2  # 1-based sheet row
    assert written.rows["B.II.5"][0] == h + 3
    assert written.rows["A.1"][1] == fingerprint(
        "A.1",
        "=SUM(A1:A2) không phải công thức; xây dựng kế hoạch triển khai",
        "lead",
        "Kế hoạch triển khai; Báo cáo kết quả",
        "31/12/2026",
    )
    assert written.workbook_id == WORKBOOK_ID
    assert written.warnings == []
    # no temp file left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]


def test_formula_text_is_a_shared_string_not_a_formula(tmp_path):
    path = tmp_path / "u.xlsx"
    write_unit_book(make_spec(), path)
    with zipfile.ZipFile(path) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet_xml


def test_fingerprint_is_nfc_and_stable():
    nfd = "Pho\u0300ng"  # "Phòng" decomposed
    assert fingerprint("A.1", nfd, "lead", "", "") == fingerprint("A.1", "Phòng", "lead", "", "")
    assert len(fingerprint("A.1", "x", "lead", "", "")) == 16
    assert fingerprint("A.1", "x", "lead", "", "") != fingerprint("A.1", "x", "coordinate", "", "")


def test_identity_round_trip(tmp_path):
    path = tmp_path / "u.xlsx"
    written = write_unit_book(make_spec(), path)
    identity, tasks = read_identity(sheet_rows(path, IDENTITY_SHEET))
    assert identity == make_identity()
    assert [(t.task_id, t.fingerprint, t.role, t.row) for t in tasks] == [
        ("A.1", written.rows["A.1"][1], "lead", written.rows["A.1"][0]),
        ("B.II.5", written.rows["B.II.5"][1], "coordinate", written.rows["B.II.5"][0]),
        ("B.X.3", written.rows["B.X.3"][1], "lead", written.rows["B.X.3"][0]),
    ]


def test_read_identity_tolerates_resaved_values():
    rows = [
        ["kehoach_xlsx", 1.0],
        ["plan_id", "kh"],
        ["plan_number", ""],
        ["plan_title", "T"],
        ["unit", "CA"],
        ["unit_name", "Công an phường"],
        ["period", 2026.0],
        ["due", datetime(2026, 12, 31)],
        ["generated", "2026-09-20T01:02:03+00:00"],
        ["workbook_id", "abc"],
        ["task_id", "fingerprint", "role", "row"],
        ["A.1", "f" * 16, "lead", 12.0],
        ["", "", "", ""],
    ]
    identity, tasks = read_identity(rows)
    assert identity is not None
    assert identity.period == "2026"
    assert identity.due == date(2026, 12, 31)
    assert identity.format_version == 1
    assert identity.generated == datetime(2026, 9, 20, 1, 2, 3, tzinfo=UTC)
    assert [(t.task_id, t.row) for t in tasks] == [("A.1", 12)]


def test_read_identity_rejects_foreign_sheet():
    assert read_identity([["Tên", "Giá trị"], ["unit", "CA"]]) == (None, [])
    assert read_identity([]) == (None, [])


def test_protection_validation_and_page_setup(tmp_path):
    path = tmp_path / "u.xlsx"
    written = write_unit_book(make_spec(), path)
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [REPORT_SHEET, "Hướng dẫn", IDENTITY_SHEET]
    ws = book[REPORT_SHEET]
    assert ws.protection.sheet is True
    assert not ws.protection.password  # no password prompt ever
    assert ws.protection.formatColumns is False  # openpyxl: False means "allowed"
    assert ws.protection.autoFilter is False
    row = written.rows["A.1"][0]
    for col in range(1, 7):
        assert ws.cell(row, col).protection.locked is True
    for col in range(7, 12):
        cell = ws.cell(row, col)
        assert cell.protection.locked is False
        assert cell.fill.fgColor.rgb.endswith("FFF2CC")
    assert ws.cell(row, 3).font.name == "Times New Roman"
    assert ws.cell(row, 8).number_format == "dd/mm/yyyy"

    validations = {str(dv.sqref)[0]: dv for dv in ws.data_validations.dataValidation}
    status = validations["G"]
    assert status.type == "list"
    assert "Đã hoàn thành" in status.formula1
    assert status.errorStyle == "warning"
    assert status.showErrorMessage and status.showInputMessage
    completed = validations["H"]
    assert completed.type == "date"
    assert completed.promptTitle == "Ngày hoàn thành"
    assert completed.prompt == "Nhập ngày dạng dd/mm/yyyy"

    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == 9
    assert (ws.page_setup.fitToWidth or 1) == 1  # omitted = OOXML default 1
    assert ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage is True
    header_row = row - 1
    assert ws.print_title_rows == f"${header_row}:${header_row}"
    assert ws.freeze_panes == f"A{header_row + 1}"
    assert "Trang &P/&N" in ws.oddFooter.center.text
    assert round(ws.page_margins.left * 25.4) == 30
    assert round(ws.page_margins.right * 25.4) == 15
    assert ws.auto_filter.ref.startswith(f"A{header_row}:")

    assert book[IDENTITY_SHEET].sheet_state == "veryHidden"
    assert book["Hướng dẫn"].sheet_state == "visible"
    assert book.defined_names[DEFINED_NAME].attr_text == f'"{WORKBOOK_ID}"'
    assert not path.read_bytes().count(b"vbaProject")


def test_long_text_is_reported_not_silently_truncated(tmp_path):
    spec = make_spec()
    spec.rows[0].title = "x" * (EXCEL_MAX_TEXT + 10)
    written = write_unit_book(spec, tmp_path / "u.xlsx")
    assert [w.code for w in written.warnings] == ["text_too_long"]
    assert "A.1" in written.warnings[0].message
    rows = sheet_rows(tmp_path / "u.xlsx", REPORT_SHEET)
    cell = rows[written.rows["A.1"][0] - 1][2]
    assert len(cell) <= EXCEL_MAX_TEXT and "CẮT BỚT" in cell


def test_missing_folder_raises_vietnamese_error(tmp_path):
    with pytest.raises(WorkbookWriteError, match="Không có thư mục"):
        write_unit_book(make_spec(), tmp_path / "khong-co" / "u.xlsx")


def test_failed_write_keeps_old_file(tmp_path):
    path = tmp_path / "u.xlsx"
    path.write_bytes(b"old")
    spec = make_spec()
    spec.identity.workbook_id = "bad id with spaces"  # rejected when writing the identity
    with pytest.raises(WorkbookWriteError):
        write_unit_book(spec, path)
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == ["u.xlsx"]


def test_pool_writes_in_order(tmp_path):
    jobs = [
        (make_spec(count=4, unit=f"U{i}", workbook_id=f"{i:032x}"), tmp_path / f"u{i}.xlsx")
        for i in range(6)
    ]
    seen = []
    books = write_unit_books(
        jobs, processes=2, progress=lambda done, total: seen.append((done, total))
    )
    assert [b.path.name for b in books] == [f"u{i}.xlsx" for i in range(6)]
    assert seen[-1] == (6, 6)
    for i, book in enumerate(books):
        identity, tasks = read_identity(sheet_rows(book.path, IDENTITY_SHEET))
        assert identity.unit == f"U{i}" and len(tasks) == 4


@pytest.mark.slow
def test_libreoffice_prints_a4_landscape_with_repeated_header(tmp_path):
    soffice = shutil.which("soffice")
    if not soffice or not shutil.which("pdfinfo") or not shutil.which("pdftotext"):
        pytest.skip(
            "THIẾU LibreOffice (soffice) hoặc poppler (pdfinfo/pdftotext): bỏ qua kiểm thử in PDF"
        )
    path = tmp_path / "u.xlsx"
    write_unit_book(make_spec(count=60), path)
    profile = tmp_path / "profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = tmp_path / "u.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    size = next(line for line in info.splitlines() if line.startswith("Page size"))
    width, height = (float(x) for x in size.split(":")[1].split("pts")[0].split("x"))
    assert (round(width), round(height)) == (842, 595)
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages")).split()[-1])
    assert pages >= 2
    page1 = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    page2 = subprocess.run(
        ["pdftotext", "-f", "2", "-l", "2", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in page1
    assert "Phòng Văn hóa - Xã hội" in page1
    assert "Tình trạng" in page2 and "Nhiệm vụ" in page2  # header row repeated
    assert "CỘNG HÒA" not in page2
    assert f"Trang 2/{pages}" in page2
