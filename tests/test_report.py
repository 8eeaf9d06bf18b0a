"""The consolidated report workbook: sheets, untrusted text kept inert, chart, print setup."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from kehoach_xlsx.workbook.report import (
    SHEETS,
    ChangeRow,
    FileRow,
    ItemRow,
    LogRow,
    ReportData,
    UnitStatus,
    flag_labels,
    write_report,
)

DDE = "=cmd|' /C calc'!A0"


def sample_report() -> ReportData:
    items = [
        ItemRow(
            "B.I.1", "1", "Xây dựng kế hoạch tuyên truyền", "PKT", "Phòng Kinh tế", "lead",
            "done", date(2026, 9, 15), date(2026, 9, 20), "Kế hoạch; Báo cáo",
            "12/BC-UBND", "Đã ban hành", "", ["completed_late", "missing_output"],
            ["Thiếu sản phẩm: Kế hoạch (KH)"],
        ),
        ItemRow(
            "B.I.1", "1", "Xây dựng kế hoạch tuyên truyền", "CA", "Công an phường", "coordinate",
            "not_reported", date(2026, 9, 15), flags=["not_reported", "overdue"],
        ),
        ItemRow(
            "B.I.2", "2", "Tổ chức hội nghị", "PKT", "Phòng Kinh tế", "lead", "in_progress",
            "Thường xuyên", result=DDE, issues="+cmd|' /C calc'!A0", flags=["formula_in_answer"],
        ),
        ItemRow(
            "B.II.3", "3", "Kiểm tra", "CA", "Công an phường", "lead", "not_reported",
            date(2026, 9, 1), flags=["not_reported", "overdue"],
        ),
    ]  # fmt: skip
    return ReportData(
        period="2026-09",
        as_of=date(2026, 10, 6),
        plan_number="143/KH-UBND",
        plan_title="Kế hoạch tuyên truyền, phổ biến pháp luật năm 2026",
        issuer="ỦY BAN NHÂN DÂN\nPHƯỜNG AN BIÊN",
        units=[
            UnitStatus("PKT", "Phòng Kinh tế", 2, True, "PKT.xlsx", datetime(2026, 10, 2, 9, 30)),
            UnitStatus("CA", "Công an phường", 2, False),
        ],
        items=items,
        files=[FileRow("/x/returned/abc_PKT.xlsx", "ab" * 32, "PKT (Phòng Kinh tế)", [DDE])],
        changes=[ChangeRow("B.I.1", "PKT", "status", "in_progress", "done")],
        log=[LogRow("/x/returned/abc_PKT.xlsx", "Báo cáo", 9, "formula_in_answer", DDE)],
    )


@pytest.fixture(scope="module")
def report_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "bao-cao_2026-09.xlsx"
    write_report(path, sample_report())
    return path


def test_all_sheets_exist(report_path: Path) -> None:
    with CalamineWorkbook.from_path(report_path) as book:
        assert book.sheet_names == list(SHEETS)


def test_untrusted_text_is_string_never_formula(report_path: Path) -> None:
    wb = openpyxl.load_workbook(report_path)
    found = []
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and "cmd|" in cell.value:
                    found.append((sheet.title, cell.data_type, cell.value))
    assert found  # the values were written
    assert {dtype for _, dtype, _ in found} == {"s"}
    assert ("Chi tiết", "s", DDE) in found
    with zipfile.ZipFile(report_path) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/sheet"):
                assert b"<f>" not in archive.read(name), name


def test_detail_rows_and_flag_labels(report_path: Path) -> None:
    with CalamineWorkbook.from_path(report_path) as book:
        rows = book.get_sheet_by_name("Chi tiết").to_python()
    header = next(i for i, r in enumerate(rows) if r[:2] == ["STT", "Mã NV"])
    data = rows[header + 1 :]
    assert [r[1] for r in data] == ["B.I.1", "B.I.1", "B.I.2", "B.II.3"]
    assert data[0][6] == "Đã hoàn thành"
    assert data[0][7] == date(2026, 9, 20)
    assert data[0][12] == "Hoàn thành muộn; Thiếu sản phẩm"
    assert data[1][6] == "Chưa báo cáo"
    assert data[1][12] == "Chưa báo cáo; Quá hạn"
    assert data[2][5] == "Thường xuyên"


def test_summary_counts_and_chart(report_path: Path) -> None:
    with CalamineWorkbook.from_path(report_path) as book:
        rows = book.get_sheet_by_name("Tổng hợp").to_python()
    header = next(i for i, r in enumerate(rows) if r[:2] == ["STT", "Đơn vị"])
    assert rows[header][3:9] == [
        "Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Không thực hiện được",
        "Không hợp lệ", "Chưa báo cáo",
    ]  # fmt: skip
    ca, pkt = rows[header + 1], rows[header + 2]  # worst first: CA owes everything
    assert pkt[1] == "Phòng Kinh tế" and pkt[3:9] == [1, 1, 0, 0, 0, 0] and pkt[11] == "Có"
    assert ca[1] == "Công an phường" and ca[8] == 2 and ca[9] == 2 and ca[11] == "Chưa"
    labels = {r[1]: r[2] for r in rows[:header] if r[1]}
    assert labels["Số đơn vị đã gửi báo cáo"] == 1
    assert labels["Quá hạn"] == 2
    with zipfile.ZipFile(report_path) as archive:
        charts = [n for n in archive.namelist() if n.startswith("xl/charts/chart")]
        assert len(charts) == 1  # on the brief, the printed first page
        chart = archive.read(charts[0]).decode("utf-8")
        drawing_rels = archive.read("xl/worksheets/_rels/sheet1.xml.rels").decode("utf-8")
    assert "drawing" in drawing_rels  # sheet1 is "Tóm tắt"
    assert '<c:grouping val="stacked"/>' in chart and '<c:barDir val="bar"/>' in chart
    assert chart.count("<c:ser>") == 3  # the statuses that occur: done, in progress, not reported


def test_overdue_missing_and_not_reported_sheets(report_path: Path) -> None:
    with CalamineWorkbook.from_path(report_path) as book:
        overdue = book.get_sheet_by_name("Quá hạn").to_python()
        missing = book.get_sheet_by_name("Thiếu sản phẩm").to_python()
        owed = book.get_sheet_by_name("Chưa báo cáo").to_python()
        changes = book.get_sheet_by_name("So với kỳ trước").to_python()
    data = overdue[next(i for i, r in enumerate(overdue) if r[0] == "STT") + 1 :]
    assert [(r[1], r[6]) for r in data] == [("B.II.3", 35), ("B.I.1", 21)]
    data = missing[next(i for i, r in enumerate(missing) if r[0] == "STT") + 1 :]
    assert [(r[1], r[3]) for r in data] == [("B.I.1", "Phòng Kinh tế")]
    data = owed[next(i for i, r in enumerate(owed) if r[0] == "STT") + 1 :]
    assert [r[1:3] + r[4:9] for r in data] == [
        ["Công an phường", "Chưa", 1, 1, 2, "B.II.3", "B.I.1"]
    ]
    data = changes[next(i for i, r in enumerate(changes) if r[0] == "STT") + 1 :]
    assert data[0][3:6] == ["Tình trạng", "Đang thực hiện", "Đã hoàn thành"]


def test_print_setup(report_path: Path) -> None:
    wb = openpyxl.load_workbook(report_path)
    brief = wb[SHEETS[0]]
    assert SHEETS[0] == "Tóm tắt" and brief.page_setup.orientation == "portrait"
    assert brief.page_setup.fitToHeight in (None, 1) and brief.page_setup.fitToWidth in (None, 1)
    assert brief.sheet_properties.pageSetUpPr.fitToPage
    for name in SHEETS[1:]:
        sheet = wb[name]
        assert sheet.page_setup.orientation == "landscape", name
        assert sheet.page_setup.paperSize == 9, name  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage, name
    detail = wb["Chi tiết"]
    assert re.fullmatch(r"\$\d+:\$\d+", detail.print_title_rows)
    assert detail.freeze_panes is not None
    assert detail.cell(1, 1).font.name == "Times New Roman"
    assert detail.conditional_formatting  # overdue rows coloured


def test_empty_report_and_atomic_write(tmp_path: Path) -> None:
    path = tmp_path / "r.xlsx"
    path.write_bytes(b"old")
    write_report(path, ReportData(period="2026-Q3", as_of=date(2026, 10, 1)))
    assert [p.name for p in tmp_path.iterdir()] == ["r.xlsx"]  # no temp file left
    with CalamineWorkbook.from_path(path) as book:
        rows = book.get_sheet_by_name("Quá hạn").to_python()
    assert any("Không có nhiệm vụ quá hạn." in r for r in rows)


def test_flag_labels() -> None:
    assert flag_labels(["overdue", "needs_date", "superseded", "x"]) == (
        "Quá hạn; Cần đặt hạn; Bị thay thế; x"
    )


def test_every_row_is_as_high_as_its_wrapped_text(tmp_path: Path) -> None:
    """The last task row before the stray rows, and the last file row before the warnings
    table, are sized like every other row (constant_memory flushes a row once the next
    starts, so its height must be set before)."""
    report = sample_report()
    long_title = "Tổ chức rà soát, tổng hợp và báo cáo kết quả thực hiện " * 4
    report.items[-1].title = long_title
    report.files[0].identified_as = "Phòng Kinh tế, hạ tầng và đô thị phường " * 3
    report.stray_rows = [LogRow("/x/returned/abc_PKT.xlsx", "Báo cáo", 30, "unknown_row", "x")]
    path = tmp_path / "bao-cao.xlsx"
    write_report(path, report)
    book = openpyxl.load_workbook(path)

    def height(sheet_name: str, first_cell: str) -> float | None:
        sheet = book[sheet_name]
        row = next(r[0].row for r in sheet.iter_rows() if r[2].value == first_cell)
        return sheet.row_dimensions[row].height

    assert (height("Chi tiết", f"3. {long_title}") or 0) > 40
    assert (height("Nhật ký", report.files[0].identified_as) or 0) > 40


def test_draft_report_survives_control_characters_from_a_return(tmp_path: Path) -> None:
    """A returned cell written as "_x0001_" reads back as "\\x01", which XML 1.0 cannot hold:
    the draft report turns it into a space instead of stopping the merge."""
    from docx import Document

    from kehoach_xlsx.report_docx import DraftContext, write_draft_report

    report = sample_report()
    report.items[0].result = "Đã tổ chức\x01 hội nghị\x0b tập huấn"
    report.items[0].issues = "Thiếu\x02 kinh phí"
    path = write_draft_report(tmp_path / "du-thao.docx", report, DraftContext())
    text = "\n".join(p.text for p in Document(str(path)).paragraphs)
    assert "Đã tổ chức hội nghị tập huấn" in text
    assert "Thiếu kinh phí (nhiệm vụ B.I.1)" in text
    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text)
