"""Edit the coordinator's own `phan-cong.xlsx` in place (openpyxl), keeping their edits.

XlsxWriter cannot edit a workbook, and rewriting it would lose what the coordinator typed,
formatted or validated; openpyxl loads the file as it is and we touch only the sheet we own.
"""

from __future__ import annotations

import io
import os
from collections.abc import Sequence
from copy import copy
from pathlib import Path

from kehoach_xlsx.fileio import atomic_write_bytes
from kehoach_xlsx.model import PlanWarning
from kehoach_xlsx.workbook.styles import text_lines

CHECK_SHEET = "Cần kiểm tra"
CHECK_HEADERS = ("Mã", "Nội dung", "Tệp", "Dòng", "Trang tính")
CHECK_WIDTHS = (22, 80, 30, 8, 16)
FONT_SIZE = 12


def _rows(warnings: Sequence[PlanWarning]) -> list[tuple[str, str, str, str, str]]:
    return [
        (w.code, w.message, w.file or "", "" if w.line is None else str(w.line), w.sheet or "")
        for w in warnings
    ]


def _current_rows(sheet) -> tuple[int | None, list[tuple[str, ...]]]:
    """Header row (1-based) of the check sheet and the rows under it, as text."""
    header = None
    for row in sheet.iter_rows(min_row=1, max_row=min(sheet.max_row, 30)):
        if row and str(row[0].value or "").strip() == CHECK_HEADERS[0] and len(row) > 1:
            if str(row[1].value or "").strip() == CHECK_HEADERS[1]:
                header = row[0].row
                break
    if header is None:
        return None, []
    rows = []
    for values in sheet.iter_rows(min_row=header + 1, max_col=len(CHECK_HEADERS), values_only=True):
        texts = tuple("" if v is None else str(v) for v in values)
        if any(texts):
            rows.append(texts + ("",) * (len(CHECK_HEADERS) - len(texts)))
    return header, rows


def _listed_rows(path: Path) -> list[tuple[str, ...]] | None:
    """What the check sheet lists now, read fast with calamine; None when unreadable."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        if CHECK_SHEET not in book.sheet_names:
            return None
        rows = book.get_sheet_by_name(CHECK_SHEET).to_python(skip_empty_area=False)
    except Exception:  # calamine's own error types; openpyxl will say what is wrong
        return None
    for index, row in enumerate(rows[:30]):
        cells = ["" if v is None else str(v).strip() for v in row]
        if cells[:2] == list(CHECK_HEADERS[:2]):
            listed = []
            for values in rows[index + 1 :]:
                texts = tuple(_text(v) for v in values[: len(CHECK_HEADERS)])
                if any(texts):
                    listed.append(texts + ("",) * (len(CHECK_HEADERS) - len(texts)))
            return listed
    return None


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # a line number typed or read back as a number
    return str(value)


def check_rows(warnings: Sequence[PlanWarning]) -> list[tuple[str, str, str, str, str]]:
    """The rows the check sheet should list for `warnings`."""
    return _rows(warnings)


def check_sheet_current(path: Path, wanted: list[tuple[str, ...]]) -> bool:
    """True when the check sheet already lists exactly `wanted` (read fast with calamine)."""
    return _listed_rows(path) == wanted


def refresh_check_sheet(path: str | os.PathLike[str], warnings: Sequence[PlanWarning]) -> bool:
    """Make the "Cần kiểm tra" sheet list exactly `warnings` (resolved items go, new ones
    come); every other sheet stays as the coordinator left it. Returns True when the file
    changed. Raises OSError when the file cannot be written (open in Excel, read-only)."""
    target = Path(path)
    wanted = _rows(warnings)
    if check_sheet_current(target, wanted):
        return False  # nothing changed: no slow openpyxl round trip of a large workbook
    import openpyxl  # only now: importing it (and numpy through it) costs ~0.4 s

    book = openpyxl.load_workbook(target)
    if not edit_check_sheet(book, wanted):
        return False
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write_bytes(target, buffer.getvalue())
    return True


def edit_check_sheet(book, wanted: list[tuple[str, ...]]) -> bool:
    """Make the check sheet of the loaded openpyxl `book` list `wanted`; False when it
    already did (the book is then unchanged)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

    if CHECK_SHEET in book.sheetnames:
        sheet = book[CHECK_SHEET]
        header, present = _current_rows(sheet)
        if header is not None and present == wanted:
            return False
        if header is None:
            header = 1
        if sheet.max_row > header:
            sheet.delete_rows(header + 1, sheet.max_row - header)
    else:
        sheet = book.create_sheet(CHECK_SHEET)
        header = 1
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    wrap = Alignment(wrap_text=True, vertical="top")
    head_font = Font(name="Times New Roman", size=FONT_SIZE, bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (title, width) in enumerate(zip(CHECK_HEADERS, CHECK_WIDTHS, strict=True), start=1):
        cell = sheet.cell(header, col, title)
        cell.font, cell.border, cell.alignment, cell.fill = head_font, border, wrap, fill
        letter = cell.column_letter
        if not sheet.column_dimensions[letter].width:
            sheet.column_dimensions[letter].width = width
    body = cell_style(book, Font(name="Times New Roman", size=FONT_SIZE), border, wrap)
    for offset, values in enumerate(wanted, start=1):
        row = header + offset
        lines = 1
        for col, (value, width) in enumerate(zip(values, CHECK_WIDTHS, strict=True), start=1):
            # data_type "s": a message starting with "=" stays text, never a formula
            cell = sheet.cell(row, col)
            cell.value = value
            cell.data_type = "s"
            cell._style = copy(body)
            lines = max(lines, text_lines(value, width) if value else 1)
        # LibreOffice and Excel do not re-fit row heights on open: size wrapped rows here
        sheet.row_dimensions[row].height = round(lines * FONT_SIZE * 1.18 + 4, 1)
    if sheet.auto_filter.ref:
        sheet.auto_filter.ref = f"A{header}:E{max(header + len(wanted), header + 1)}"
    return True


def cell_style(book, font, border=None, alignment=None, fill=None, number_format=None):
    """openpyxl's packed style (StyleArray) for these parts, registered once in `book`.

    Assigning `cell.font = …` to every cell costs an equality search through the book's
    style lists per assignment (seconds at 100,000 cells); copying this array does not.
    """
    from openpyxl.styles.cell_style import StyleArray

    style = StyleArray()
    style.fontId = book._fonts.add(font)
    if border is not None:
        style.borderId = book._borders.add(border)
    if alignment is not None:
        style.alignmentId = book._alignments.add(alignment)
    if fill is not None:
        style.fillId = book._fills.add(fill)
    if number_format is not None:
        from openpyxl.styles.numbers import BUILTIN_FORMATS_MAX_SIZE, BUILTIN_FORMATS_REVERSE

        if number_format in BUILTIN_FORMATS_REVERSE:
            style.numFmtId = BUILTIN_FORMATS_REVERSE[number_format]
        else:
            style.numFmtId = book._number_formats.add(number_format) + BUILTIN_FORMATS_MAX_SIZE
    return style
