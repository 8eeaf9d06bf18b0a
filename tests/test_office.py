"""The LibreOffice test infrastructure (tests/office.py) does what other tests rely on."""

# The `office` fixture is imported below so this module works on its own; test functions
# taking it as an argument are what ruff calls a redefinition.
# ruff: noqa: F811

from __future__ import annotations

import datetime as dt
import os
import signal
from pathlib import Path

import docx
import openpyxl
import pytest
import xlsxwriter
from python_calamine import CalamineWorkbook, SheetVisibleEnum

from tests.office import (
    OfficeError,
    OfficeSession,
    convert,
    office,  # noqa: F401  (the fixture; one shared session even if conftest loads it too)
    pdf_page_count,
    pdf_page_size,
    pdf_pages,
    pdf_to_png,
    soffice_path,
    text_to_docx_with_tables,
    text_to_html,
)

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
HEADER = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm đầu ra"]
STATUSES = ["Chưa thực hiện", "Đang thực hiện", "Đã hoàn thành", "Không thực hiện được"]


def seed_002() -> Path:
    found = sorted(SEEDS.glob("002_*.txt"))
    if not found:
        pytest.skip(f"không thấy kế hoạch mẫu 002 trong {SEEDS}")
    return found[0]


def read_rows(path: Path, sheet: str | int = 0) -> list[list]:
    book = CalamineWorkbook.from_path(str(path))
    ws = book.get_sheet_by_name(sheet) if isinstance(sheet, str) else book.get_sheet_by_index(sheet)
    # skip_empty_area=False keeps row/column numbers equal to the sheet's.
    return ws.to_python(skip_empty_area=False)


def make_unit_like_book(path: Path) -> Path:
    """A small workbook shaped like our unit workbooks: protected, unlocked inputs, lists."""
    book = xlsxwriter.Workbook(str(path))
    report = book.add_worksheet("Báo cáo")
    ident = book.add_worksheet("_kehoach")
    unlocked = book.add_format({"locked": False})
    date_input = book.add_format({"locked": False, "num_format": "dd/mm/yyyy"})
    for col, text in enumerate(["STT", "Nhiệm vụ", "Tình trạng", "Ngày hoàn thành", "Kết quả"]):
        report.write_string(0, col, text)
    for i, (title, day) in enumerate([("Gamma", 3), ("Alpha", 1), ("Beta", 2)], start=1):
        report.write_number(i, 0, i)
        report.write_string(i, 1, title)
        report.write_blank(i, 2, None, unlocked)
        report.write_datetime(i, 3, dt.datetime(2026, 1, day), date_input)
        report.write_blank(i, 4, None, unlocked)
    report.data_validation(1, 2, 3, 2, {"validate": "list", "source": STATUSES})
    report.data_validation(
        1, 3, 3, 3, {"validate": "date", "criteria": ">=", "value": dt.date(2020, 1, 1)}
    )
    report.protect()
    ident.write_string(0, 0, "kehoach_xlsx")
    ident.write_string(0, 1, "1")
    ident.write_string(1, 0, "workbook_id")
    ident.write_string(1, 1, "0123abcd")
    ident.very_hidden()
    book.define_name("kehoach_workbook_id", '="0123abcd"')
    book.close()
    return path


@pytest.fixture
def unit_book(tmp_path: Path) -> Path:
    return make_unit_like_book(tmp_path / "don-vi.xlsx")


# -- fast: the HTML that becomes a .docx ------------------------------------------------


def test_text_to_html_tables_paragraphs_and_escaping():
    text = "PHỤ LỤC\n\nTT\tNhiệm vụ\tGhi chú\n1\t<p>Lập kế hoạch</p>\tx\n\n\n2\tA & B\t\nKý tên\n"
    page = text_to_html(text)
    assert page.count("<table") == 1  # the blank lines between rows 1 and 2 did not split it
    assert "<td>&lt;p&gt;Lập kế hoạch&lt;/p&gt;</td>" in page
    assert "<td>A &amp; B</td><td></td>" in page
    assert "<p>PHỤ LỤC</p>\n<p></p>\n<table" in page  # a blank line outside a table stays
    assert page.index("<p>Ký tên</p>") > page.index("</table>")


def test_text_to_html_split_and_merged_group_row():
    text = "TT\tNhiệm vụ\tChủ trì\nA\tNHIỆM VỤ CHUNG\t\n1\tViệc một\tVP\nI\tMục một\t\n2\tViệc hai\tVP\n"
    split = text_to_html(text, split_table_after=3, repeat_header=True)
    assert split.count("<table") == 2
    second = split[split.index("<table", split.index("</table>")) :]
    assert second.index("<td>TT</td>") < second.index("<td>2</td>")  # header repeated on top
    # Only the first long table is split; a table without the header gets none repeated.
    two = text_to_html(
        text + "Ghi chú\n" + text.split("\n", 1)[1], split_table_after=4, repeat_header=True
    )
    assert two.count("<table") == 3
    assert two.count("<td>TT</td>") == 2
    assert two.count("<td>Việc hai</td>") == 2
    merged = text_to_html(text, merge_group_rows=True)
    assert '<tr><td>A</td><td colspan="2">NHIỆM VỤ CHUNG</td></tr>' in merged
    assert "<td>I</td><td>Mục một</td><td></td>" in merged  # a Roman section is not a group


def test_soffice_path_is_an_existing_file_or_none():
    path = soffice_path()
    assert path is None or Path(path).is_file()


# -- slow: a real LibreOffice -------------------------------------------------------------


@pytest.mark.slow
def test_reports_protection_validation_and_hidden_state(office, unit_book):
    doc = office.open(unit_book)
    try:
        assert office.sheets(doc) == [
            {"name": "Báo cáo", "state": "visible", "protected": True},
            {"name": "_kehoach", "state": "veryHidden", "protected": False},
        ]
        assert office.sheet_protected(doc, "Báo cáo")
        assert office.find(doc, "Báo cáo", "Tình trạng") == (0, 2)
        assert office.find(doc, "Báo cáo", "Không có") is None
        assert office.cell_protection(doc, "Báo cáo", 1, 1)["locked"] is True
        assert office.cell_protection(doc, "Báo cáo", 1, 2)["locked"] is False
        status = office.validation(doc, "Báo cáo", 2, 2)
        assert status["type"] == "list"
        assert status["values"] == STATUSES
        assert office.validation(doc, "Báo cáo", 1, 3)["type"] == "date"
        assert office.validation(doc, "Báo cáo", 1, 1)["type"] == "any"
        assert office.get(doc, "_kehoach", 1, 1).value == "0123abcd"
        assert office.get(doc, 0, 1, 3).value == dt.date(2026, 1, 3)
        assert office.get(doc, 0, 1, 0).type == "number"
        # Structure is refused while protected, allowed once the "user" removes protection.
        with pytest.raises(OfficeError, match="protected"):
            office.insert_rows(doc, "Báo cáo", 1)
        office.unprotect(doc, "Báo cáo")
        assert not office.sheet_protected(doc, "Báo cáo")
        office.insert_columns(doc, "Báo cáo", 0)
        assert office.find(doc, "Báo cáo", "Tình trạng") == (0, 3)
    finally:
        office.close(doc)
    assert not list(unit_book.parent.glob(".~lock*")), "the original must not be touched"


@pytest.mark.slow
def test_typed_answers_survive_every_format(office, unit_book, tmp_path):
    doc = office.open(unit_book)
    # A user types into the unlocked cells: a status, a date, and text that looks like a
    # formula; one completion date goes into a General cell of an unlocked column.
    office.set_string(doc, "Báo cáo", 1, 2, "Đã hoàn thành")
    office.set_date(doc, "Báo cáo", 1, 3, dt.date(2026, 9, 5))
    office.set_date(doc, "Báo cáo", 2, 4, dt.date(2026, 10, 1))
    office.set_string(doc, "Báo cáo", 3, 4, "=1+2")
    assert office.get(doc, "Báo cáo", 2, 4).type == "date"
    saved = {
        fmt: office.save_as(doc, tmp_path / f"back.{fmt}", fmt) for fmt in ("xlsx", "xls", "ods")
    }
    office.close(doc)

    for fmt, path in saved.items():
        rows = read_rows(path, "Báo cáo")
        assert rows[1][2] == "Đã hoàn thành", fmt
        assert rows[1][3] == dt.date(2026, 9, 5), fmt
        assert rows[2][4] == dt.date(2026, 10, 1), fmt
        assert rows[3][4] == "=1+2", fmt
        assert read_rows(path, "_kehoach")[1][:2] == ["workbook_id", "0123abcd"], fmt
        states = {m.name: m.visible for m in CalamineWorkbook.from_path(str(path)).sheets_metadata}
        # LIBREOFFICE.md: veryHidden comes back as plain hidden from every save.
        assert states == {"Báo cáo": SheetVisibleEnum.Visible, "_kehoach": SheetVisibleEnum.Hidden}
    reopened = office.open(saved["xlsx"])
    assert office.sheet_protected(reopened, "Báo cáo")  # protection survives the save
    assert office.cell_protection(reopened, "Báo cáo", 1, 2)["locked"] is False
    assert office.validation(reopened, "Báo cáo", 1, 2)["values"] == STATUSES
    office.close(reopened)


@pytest.mark.slow
def test_edits_a_careless_user_makes(office, unit_book, tmp_path):
    doc = office.open(unit_book)
    starts = office.starts
    office.unprotect(doc, "Báo cáo")
    office.sort_rows(doc, "Báo cáo", 1, 3, key_col=1)
    assert [office.get(doc, 0, r, 1).value for r in (1, 2, 3)] == ["Alpha", "Beta", "Gamma"]
    assert office.get(doc, 0, 1, 3).value == dt.date(2026, 1, 1)  # dates moved as dates
    office.sort_rows(doc, "Báo cáo", 1, 3, key_col=3, descending=True)
    assert [office.get(doc, 0, r, 1).value for r in (1, 2, 3)] == ["Gamma", "Beta", "Alpha"]
    office.set_number(doc, "Báo cáo", 5, 0, 2.5)
    office.set_formula(doc, "Báo cáo", 5, 1, "=A6*2")
    assert office.get(doc, "Báo cáo", 5, 1).value == 5.0
    office.rename_sheet(doc, "Báo cáo", "BC")
    office.hide_row(doc, "BC", 2)
    office.merge(doc, "BC", "B6:C6")
    assert office.used_area(doc, "BC") == (6, 5)
    out = office.save_as(doc, tmp_path / "sua.xlsx")
    office.close(doc)
    assert office.starts == starts, "one soffice for the whole batch"

    ws = openpyxl.load_workbook(out)["BC"]
    assert ws.row_dimensions[3].hidden
    assert "B6:C6" in {str(r) for r in ws.merged_cells.ranges}
    assert [ws.cell(r, 2).value for r in (2, 3, 4)] == ["Gamma", "Beta", "Alpha"]


@pytest.mark.slow
def test_errors_are_clear_and_the_session_survives_them(office):
    with pytest.raises(OfficeError, match="unknown document handle"):
        office.get("d999", 0, 0, 0)
    with pytest.raises(FileNotFoundError):
        office.open(Path("/nonexistent/x.xlsx"))
    assert office.call("ping") == "pong"


@pytest.mark.slow
def test_a_dead_soffice_is_reported_then_replaced(unit_book):
    from tests.office import require_office

    require_office()
    with OfficeSession(call_timeout=30) as session:
        doc = session.open(unit_book)
        profile_dir = session._dir
        os.killpg(session._soffice.pid, signal.SIGKILL)  # our own process group
        session._soffice.wait(10)
        with pytest.raises(OfficeError, match=r"soffice\) died before 'get'"):
            session.get(doc, 0, 0, 0)
        assert not profile_dir.exists(), "a dead session cleans up its profile"
        doc = session.open(unit_book)  # starts a fresh soffice
        assert session.get(doc, 0, 0, 0).value == "STT"
        assert session.starts == 2
        soffice = session._soffice
        profile_dir = session._dir
    assert soffice.poll() is not None and not profile_dir.exists()


@pytest.mark.slow
def test_seed_text_converts_to_a_spreadsheet_line_by_line(office, tmp_path):
    src = seed_002()
    lines = src.read_text(encoding="utf-8").split("\n")
    if lines[-1] == "":
        lines.pop()
    out = convert(src, "xlsx", tmp_path)  # the plain `soffice --convert-to` path
    rows = read_rows(out)
    assert len(rows) == len(lines)
    header_row = next(i for i, line in enumerate(lines) if line.startswith("TT\t"))
    assert rows[header_row][:5] == HEADER
    for i, line in enumerate(lines):
        cells = line.split("\t")
        got = [str(v) for v in rows[i][: len(cells)]]
        assert got == cells, f"line {i + 1}"
    # The same through the running session, as .ods: text cells stay text ("1", not 1.0).
    ods = office.convert(src, "ods", tmp_path / "ods")
    assert read_rows(ods)[header_row + 2][0] == "1"


@pytest.mark.slow
def test_seed_text_becomes_a_docx_with_real_tables(office, tmp_path):
    src = seed_002()
    plain = text_to_docx_with_tables(src, tmp_path / "plain.docx", office=office)
    document = docx.Document(str(plain))
    assert len(document.tables) >= 2  # footnote lines between rows end a table
    first = document.tables[0]
    assert [c.text for c in first.rows[0].cells][:5] == HEADER
    assert any(p.text.startswith("PHỤ LỤC PHÂN CÔNG") for p in document.paragraphs)
    every_cell = [c.text for t in document.tables for r in t.rows for c in r.cells]
    assert any(text.startswith("<p>") for text in every_cell), "literal <p> kept as text"

    split = docx.Document(
        str(
            text_to_docx_with_tables(
                src, tmp_path / "split.docx", split_table_after=10, office=office
            )
        )
    )
    assert len(split.tables) == len(document.tables) + 1
    assert len(split.tables[0].rows) == 10
    assert len(split.tables[1].rows) == len(first.rows) - 10

    merged = docx.Document(
        str(
            text_to_docx_with_tables(
                src, tmp_path / "merged.docx", merge_group_rows=True, office=office
            )
        )
    )
    group_row = merged.tables[0].rows[1]
    assert group_row.cells[0].text == "A"
    assert group_row.cells[1].text == "NHIỆM VỤ CHUNG"
    assert group_row.cells[1].grid_span == 5


@pytest.mark.slow
def test_pdf_of_an_a4_landscape_workbook(office, tmp_path):
    src = tmp_path / "in.xlsx"
    book = xlsxwriter.Workbook(str(src))
    ws = book.add_worksheet("Báo cáo")
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.write_string(0, 0, "Ủy ban nhân dân phường An Biên")
    ws.write_string(60, 0, "Trang hai")
    ws.set_h_pagebreaks([40])
    book.close()
    pdf = office.export_pdf(src, tmp_path / "out.pdf")
    width, height = pdf_page_size(pdf)
    assert (round(width), round(height)) == (842, 595)
    pages = pdf_pages(pdf)
    assert len(pages) == pdf_page_count(pdf) == 2
    assert "Ủy ban nhân dân phường An Biên" in pages[0]
    assert "Trang hai" in pages[1]
    pngs = pdf_to_png(pdf, tmp_path / "png")
    assert [p.name for p in pngs] == ["out-1.png", "out-2.png"]
