"""FastWorkbook writes the very bytes plain XlsxWriter writes, for unit books and odd cells."""

from __future__ import annotations

import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

from xlsxwriter.workbook import Workbook

from kehoach_xlsx.workbook import report, unit
from kehoach_xlsx.workbook.fastwrite import FastWorkbook
from kehoach_xlsx.workbook.identity import BookIdentity
from kehoach_xlsx.workbook.report import ItemRow, UnitStatus
from kehoach_xlsx.workbook.styles import atomic_workbook
from kehoach_xlsx.workbook.unit import UnitBookSpec, UnitRow
from tests.test_report import sample_report

ODD_TEXTS = [
    "Thường xuyên",
    "a & b < c > d",
    " lề trái",
    "lề phải ",
    "hai\ndòng",
    "dòng cuối\n",
    "tab\tở giữa",
    "điều khiển \x01\x1f",
    "_x0041_ đã là mã",
    "<r>không phải rich</r>",
    "\u00a0khoảng trắng không ngắt",
    '"ngoặc kép"',
    "=1+1",
]


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as book:
        return {name: book.read(name) for name in book.namelist()}


def odd_book(path: Path, workbook_class: type[Workbook]) -> None:
    book = workbook_class(str(path), {"in_memory": True})
    book.set_properties({"created": datetime(2026, 9, 1)})
    bold = book.add_format({"bold": True})
    sheet = book.add_worksheet("Lẻ")
    sheet.set_column(2, 2, 20, bold)  # cells without a format take the column's
    sheet.set_row(3, 30, bold)  # and the row's
    sheet.set_row(40, 25)  # a row with a height and no cells
    for row, text in enumerate(ODD_TEXTS):
        sheet.write_string(row, 0, text)
        sheet.write_string(row, 1, text, bold)
        sheet.write_string(row, 2, text)
        sheet.write_blank(row, 3, None, bold)
        sheet.write_number(row, 4, row * 1.5)
        sheet.write_datetime(row, 5, datetime(2026, 1, row + 1), bold)
        sheet.write_formula(row, 6, f"=E{row + 1}*2")
        sheet.write_string(row, 70, text)  # beyond the column names cached
    sheet.write_rich_string(20, 0, "a", bold, "b")
    sheet.write_comment(21, 1, "ghi chú")
    sheet.merge_range(22, 0, 22, 3, "gộp", bold)
    second = book.add_worksheet("Hai")
    second.write_string(0, 0, "chung")
    book.close()


def test_odd_cells_same_bytes(tmp_path):
    odd_book(tmp_path / "plain.xlsx", Workbook)
    odd_book(tmp_path / "fast.xlsx", FastWorkbook)
    plain, fast = members(tmp_path / "plain.xlsx"), members(tmp_path / "fast.xlsx")
    assert plain.keys() == fast.keys()
    assert [name for name in plain if plain[name] != fast[name]] == []


def test_unit_book_same_bytes(tmp_path, monkeypatch):
    identity = BookIdentity(
        "kh-1",
        "12/KH-UBND",
        "Kế hoạch thử",
        "PTP",
        "Phòng Tư pháp",
        "2026-09",
        date(2026, 10, 5),
        datetime(2026, 9, 20, tzinfo=UTC),
        "a" * 32,
    )
    rows = [
        UnitRow(
            f"1.{n}",
            str(n),
            f"Nhiệm vụ {n} & <thử> {ODD_TEXTS[n % len(ODD_TEXTS)]}",
            "lead" if n % 2 else "coordinate",
            ["Báo cáo", "Kế hoạch"],
            date(2026, 9, 30) if n % 3 else None,
            "Hằng tháng",
            {"status": "done", "completed": "2026-09-03", "result": " có lề "} if n % 4 else None,
        )
        for n in range(30)
    ]
    spec = UnitBookSpec(identity, "ỦY BAN NHÂN DÂN\nPHƯỜNG AN BIÊN", "Đầu mối: Văn phòng", rows)
    unit.write_unit_book(spec, tmp_path / "fast.xlsx")

    def plain_workbook(path, options=None, workbook_class=Workbook, **properties):
        return atomic_workbook(path, options, Workbook, **properties)

    monkeypatch.setattr(unit, "atomic_workbook", plain_workbook)
    unit.write_unit_book(spec, tmp_path / "plain.xlsx")
    plain, fast = members(tmp_path / "plain.xlsx"), members(tmp_path / "fast.xlsx")
    assert plain.keys() == fast.keys()
    assert [name for name in plain if plain[name] != fast[name]] == []


INLINE_TEXTS = [
    *ODD_TEXTS,
    "  hai lề  ",
    "\u3000lề toàn khổ",
    "kết thúc bằng tab\t",
    "_x005F_x0041_",
    "_X0041_ hoa",
    "phi ký tự \ufffe và \uffff",
    "<r><t>giả rich</t></r>",
    "rất dài " * 3000,  # 24,000 characters, past fastwrite's short-text limit
    "x" * 32767,
    "😀 biểu tượng",
]
NUMBERS = [0, 1, -1, 1.5, 1 / 3, 1e20, 1.23456789012345678e-7, 2**53 + 1, 123456789012345.6]


def constant_memory_book(path: Path, workbook_class: type[Workbook]) -> None:
    book = workbook_class(str(path), {"constant_memory": True, "in_memory": False})
    book.set_properties({"created": datetime(2026, 9, 1)})
    bold = book.add_format({"bold": True})
    dated = book.add_format({"num_format": "dd/mm/yyyy"})
    sheet = book.add_worksheet("Dòng")
    sheet.set_column(2, 2, 20, bold)  # cells without a format take the column's
    row = 0
    for n, text in enumerate(INLINE_TEXTS):
        if n % 3 == 0:
            sheet.set_row(row, 18 + n)  # a height set before the row's cells
        if n % 5 == 1:
            sheet.set_row(row, None, dated)  # the row's format for cells without one
        sheet.write_string(row, 0, text)
        sheet.write_string(row, 1, text, bold)
        sheet.write_string(row, 2, text)
        sheet.write_blank(row, 3, None, bold)
        sheet.write_number(row, 4, NUMBERS[n % len(NUMBERS)])
        sheet.write_number(row, 5, NUMBERS[-1 - n % len(NUMBERS)], bold)
        sheet.write_datetime(row, 6, datetime(2026, 1, n + 1, n % 24, 30), dated)
        sheet.write_datetime(row, 7, date(2026, 2, n + 1))
        sheet.write_formula(row, 8, f"=E{row + 1}*2")
        sheet.write_boolean(row, 9, n % 2 == 0)
        sheet.write_string(row, 70, text)  # beyond the column names cached
        row += 1
    sheet.set_row(row + 2, 30)  # a row with a height and no cells
    sheet.write_rich_string(row + 3, 0, "a", bold, "b")
    sheet.write_comment(row + 4, 1, "ghi chú")
    sheet.write_string(row + 4, 0, "có ghi chú")
    sheet.write_blank(row + 5, 2, None)  # a blank without a format: not written
    sheet.write_string(row + 6, 1, "một ô")
    sheet.write_url(row + 7, 0, "https://example.org/a?b=1&c=2", string="liên kết & <thử>")
    second = book.add_worksheet("Hai")
    second.write_string(0, 0, "chung")
    second.write_number(0, 1, 5)
    book.close()


def test_constant_memory_cells_same_bytes(tmp_path):
    constant_memory_book(tmp_path / "plain.xlsx", Workbook)
    constant_memory_book(tmp_path / "fast.xlsx", FastWorkbook)
    plain, fast = members(tmp_path / "plain.xlsx"), members(tmp_path / "fast.xlsx")
    assert plain.keys() == fast.keys()
    assert [name for name in plain if plain[name] != fast[name]] == []
    assert b't="inlineStr"' in fast["xl/worksheets/sheet1.xml"]  # the mode really was on


def awkward_report() -> report.ReportData:
    """The report of tests/test_report.py with a few hundred more lines of awkward answers."""
    data = sample_report()
    statuses = ["done", "in_progress", "not_started", "not_reported", "blocked"]
    for n in range(300):
        text = INLINE_TEXTS[n % len(INLINE_TEXTS)][:2000]
        code = f"DV{n % 12}"
        data.items.append(
            ItemRow(
                f"C.{n // 40}.{n}",
                str(n) if n % 7 else None,
                f"Nhiệm vụ {n}: {text}",
                code,
                f"Đơn vị {n % 12} & <phòng>",
                "lead" if n % 3 else "coordinate",
                statuses[n % len(statuses)],
                date(2026, 9, 1 + n % 28) if n % 4 else "Thường xuyên",
                date(2026, 9, 2 + n % 27) if n % 5 == 0 else None,
                "Báo cáo; Kế hoạch" if n % 2 else "",
                f"{n}/BC-UBND" if n % 3 == 0 else "",
                text if n % 2 else "",
                f" {text} " if n % 6 == 0 else "",
                ["overdue", "missing_output"][: n % 3],
                [f"Ghi chú {n}: {text}"] if n % 4 == 0 else [],
            )
        )
    data.units += [UnitStatus(f"DV{n}", f"Đơn vị {n} & <phòng>", 25, n % 2 == 0) for n in range(12)]
    return data


def test_report_same_bytes(tmp_path, monkeypatch):
    data = awkward_report()
    report.write_report(tmp_path / "fast.xlsx", data)

    def plain_workbook(path, options=None, workbook_class=Workbook, **properties):
        assert workbook_class is FastWorkbook  # the report is written by FastWorkbook
        return atomic_workbook(path, options, Workbook, **properties)

    monkeypatch.setattr(report, "atomic_workbook", plain_workbook)
    report.write_report(tmp_path / "plain.xlsx", data)
    plain, fast = members(tmp_path / "plain.xlsx"), members(tmp_path / "fast.xlsx")
    assert plain.keys() == fast.keys()
    # docProps/core.xml carries the time of writing
    assert [n for n in plain if plain[n] != fast[n] and n != "docProps/core.xml"] == []
    assert b't="inlineStr"' in fast["xl/worksheets/sheet3.xml"]  # constant_memory really on
