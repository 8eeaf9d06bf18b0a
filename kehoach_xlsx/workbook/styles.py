"""The Decree 30/2020 look shared by every workbook we write, and the one safe way to write cells.

XlsxWriter reports cell errors through return codes (-1 out of range, -2 string truncated)
instead of raising, and `worksheet.write()` turns text starting with "=" into a formula. So
every writer here goes through `write_text` / `write_date`, which use `write_string` /
`write_datetime` and turn a non-zero code into a `WorkbookWriteError` or a warning.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from xlsxwriter.exceptions import XlsxWriterException
from xlsxwriter.format import Format
from xlsxwriter.utility import xl_rowcol_to_cell
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from kehoach_xlsx.errors import KehoachError
from kehoach_xlsx.model import PlanWarning
from kehoach_xlsx.texts import clean_line, issuer_heading
from kehoach_xlsx.vntext import nfc

FONT = "Times New Roman"
FONT_SIZE = 12
TITLE_SIZE = 13
EXCEL_MAX_TEXT = 32_767
TRUNCATED_MARK = " …[ĐÃ CẮT BỚT – xem bản gốc]"

MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_SUB = "Độc lập - Tự do - Hạnh phúc"

# Decree 30/2020: top/bottom 20-25 mm, left 30-35 mm, right 15-20 mm (XlsxWriter wants inches).
MM = 1 / 25.4
MARGINS = {"left": 30 * MM, "right": 15 * MM, "top": 20 * MM, "bottom": 20 * MM}

INPUT_FILL = "#FFF2CC"  # light yellow: "you may type here"
READONLY_FILL = "#EDEDED"  # grey: computed, edits are ignored
HEADER_FILL = "#D9E1F2"
ATTENTION_FILL = "#FCE4D6"  # light orange: needs the coordinator's attention

WORKBOOK_OPTIONS: dict[str, Any] = {
    # Build the XML in memory: no temp files per sheet, which is the fastest for workbooks of
    # a few hundred rows. (constant_memory would forbid the header block written after rows.)
    "in_memory": True,
    # We only call write_string/write_datetime, but keep write() harmless should anyone use it.
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


# Worksheet.write_string minus its A1-notation decorator; same checks and return codes.
_RAW_WRITE_STRING = getattr(Worksheet, "_write_string", None)
_RAW_WRITE_BLANK = getattr(Worksheet, "_write_blank", None)


class WorkbookWriteError(KehoachError, OSError):
    """We could not write a workbook (cell out of range, disk full, folder not writable)."""

    exit_code = 7


_BORDER = {"border": 1}
# name -> properties added to Times New Roman 12 pt, top-aligned. Formats are made on first use
# (see Formats) so a workbook only carries, and pays for, the ones it needs.
FORMAT_SPECS: dict[str, dict[str, Any]] = {
    "plain": {},
    "plain_wrap": {"text_wrap": True},
    "bold": {"bold": True},
    "issuer": {"align": "center", "valign": "vcenter", "text_wrap": True},
    "issuer_bold": {"bold": True, "align": "center", "valign": "vcenter", "text_wrap": True},
    "motto": {"bold": True, "align": "center", "valign": "vcenter"},
    "motto_sub": {"bold": True, "underline": True, "align": "center", "valign": "vcenter"},
    "place_date": {"italic": True, "align": "center", "valign": "vcenter"},
    "title": {
        "bold": True,
        "font_size": TITLE_SIZE,
        "align": "center",
        "valign": "vcenter",
        "text_wrap": True,
    },
    "subtitle": {"align": "center", "valign": "vcenter", "text_wrap": True},
    "subtitle_italic": {"italic": True, "align": "center", "valign": "vcenter", "text_wrap": True},
    "info": {"valign": "vcenter", "text_wrap": True},
    "info_bold": {"bold": True, "valign": "vcenter", "text_wrap": True},
    "header": {
        "bold": True,
        "align": "center",
        "valign": "vcenter",
        "text_wrap": True,
        "bg_color": HEADER_FILL,
        **_BORDER,
    },
    "cell": {**_BORDER},
    "cell_wrap": {"text_wrap": True, **_BORDER},
    "cell_center": {"align": "center", "text_wrap": True, **_BORDER},
    "cell_bold": {"bold": True, "text_wrap": True, **_BORDER},
    "section": {"bold": True, "text_wrap": True, "bg_color": "#F2F2F2", **_BORDER},
    "section_center": {"bold": True, "align": "center", "bg_color": "#F2F2F2", **_BORDER},
    "readonly": {"text_wrap": True, "italic": True, "bg_color": READONLY_FILL, **_BORDER},
    "readonly_center": {"align": "center", "bg_color": READONLY_FILL, **_BORDER},
    "attention": {"text_wrap": True, "italic": True, "bg_color": ATTENTION_FILL, **_BORDER},
    "example": {"italic": True, "font_color": "#808080", "text_wrap": True, **_BORDER},
    "example_center": {
        "italic": True,
        "font_color": "#808080",
        "align": "center",
        "text_wrap": True,
        **_BORDER,
    },
    "date": {"num_format": "dd/mm/yyyy", "align": "center", **_BORDER},
    # Input cells: unlocked so they stay editable on a protected sheet, and yellow so the
    # user sees where to type.
    "input": {"locked": False, "text_wrap": True, "bg_color": INPUT_FILL, **_BORDER},
    "input_text": {
        "locked": False,
        "text_wrap": True,
        "bg_color": INPUT_FILL,
        "num_format": "@",
        **_BORDER,
    },
    "input_date": {
        "locked": False,
        "num_format": "dd/mm/yyyy",
        "align": "center",
        "bg_color": INPUT_FILL,
        **_BORDER,
    },
}


class Formats:
    """The cell formats of one workbook, each created once, on first use (never per cell).

    `formats.header`, `formats.input`, `formats.input_date` … (names in FORMAT_SPECS);
    `formats.locked` is `cell_wrap`.
    """

    def __init__(self, workbook: Workbook) -> None:
        self._workbook = workbook

    def __getattr__(self, name: str) -> Format:
        if name == "locked":
            name = "cell_wrap"
        try:
            props = FORMAT_SPECS[name]
        except KeyError:
            raise AttributeError(name) from None
        fmt = self._workbook.add_format(
            {"font_name": FONT, "font_size": FONT_SIZE, "valign": "top", **props}
        )
        setattr(self, name, fmt)
        return fmt

    # Declared for type checkers and readers; created lazily by __getattr__.
    plain: Format
    plain_wrap: Format
    bold: Format
    issuer: Format
    issuer_bold: Format
    motto: Format
    motto_sub: Format
    place_date: Format
    title: Format
    subtitle: Format
    subtitle_italic: Format
    info: Format
    info_bold: Format
    header: Format
    cell: Format
    cell_wrap: Format
    cell_center: Format
    cell_bold: Format
    section: Format
    section_center: Format
    readonly: Format
    readonly_center: Format
    attention: Format
    example: Format
    example_center: Format
    date: Format
    input: Format
    input_text: Format
    input_date: Format


@contextmanager
def atomic_workbook(
    path: str | os.PathLike[str],
    options: dict[str, Any] | None = None,
    workbook_class: type[Workbook] = Workbook,
    **properties: Any,
) -> Iterator[Workbook]:
    """Yield a Workbook written to a temp file beside `path`, renamed over it on success.

    A crash or an error mid-way leaves the old file (if any) untouched and no half file behind.
    `properties` go to `set_properties` (pass `created` for reproducible files);
    `workbook_class`: a Workbook subclass (fastwrite.FastWorkbook).
    """
    target = Path(path)
    folder = target.parent
    if not folder.is_dir():
        raise WorkbookWriteError(f"Không có thư mục {folder} để ghi tệp {target.name}.")
    temp = folder / f".~{target.stem}.{secrets.token_hex(4)}.xlsx"
    workbook = workbook_class(str(temp), {**WORKBOOK_OPTIONS, **(options or {})})
    if properties:
        workbook.set_properties(properties)
    try:
        yield workbook
        try:
            workbook.close()
        except (XlsxWriterException, OSError) as err:
            raise WorkbookWriteError(
                f"Không ghi được tệp {target} ({err}). Kiểm tra tệp có đang mở trong Excel "
                "không, còn chỗ trống trên đĩa và quyền ghi vào thư mục."
            ) from err
        os.replace(temp, target)
    except BaseException:
        workbook.fileclosed = True  # nothing to flush: we are abandoning this file
        temp.unlink(missing_ok=True)
        raise


def setup_page(
    worksheet: Worksheet,
    header_row: int | None,
    last_col: int,
    landscape: bool = True,
    freeze: bool = True,
) -> None:
    """A4, Decree 30 margins, fit to one page wide, header row on every page, "Trang x/y"."""
    worksheet.set_paper(9)  # A4
    if landscape:
        worksheet.set_landscape()
    else:
        worksheet.set_portrait()
    worksheet.set_margins(**MARGINS)
    worksheet.fit_to_pages(1, 0)
    worksheet.center_horizontally()
    worksheet.set_footer(f'&C&"{FONT},Regular"&11Trang &P/&N', {"margin": 0.3})
    if header_row is not None:
        worksheet.repeat_rows(header_row)
        if freeze:
            worksheet.freeze_panes(header_row + 1, 0)
    del last_col  # reserved: the print area is the used range


def write_text(
    worksheet: Worksheet,
    row: int,
    col: int,
    text: Any,
    fmt: Format | None = None,
    *,
    context: str = "",
    warnings: list[PlanWarning] | None = None,
) -> PlanWarning | None:
    """Write `text` as a string (never a formula) and fail loudly on XlsxWriter's error codes.

    Text longer than Excel's 32,767 characters is cut with a visible mark and reported as a
    warning (appended to `warnings` when given, and returned); `context` names the task.
    """
    if type(text) is str and 0 < len(text) <= EXCEL_MAX_TEXT and _RAW_WRITE_STRING:
        # The common case, without XlsxWriter's A1-notation decorator (a third of the cost).
        code = _RAW_WRITE_STRING(worksheet, row, col, text, fmt)
        if code == 0:
            return None
    elif (text is None or text == "") and _RAW_WRITE_BLANK:
        if _RAW_WRITE_BLANK(worksheet, row, col, None, fmt) == 0:
            return None
    if text is None:
        text = ""
    elif not isinstance(text, str):
        text = str(text)
    warning = None
    if len(text) > EXCEL_MAX_TEXT:
        where = f" ({context})" if context else ""
        warning = PlanWarning(
            code="text_too_long",
            message=(
                f"Nội dung ô {_cell_name(row, col)}{where} dài {len(text)} ký tự, vượt giới hạn "
                f"{EXCEL_MAX_TEXT} ký tự của Excel; đã cắt bớt phần cuối, cần xem bản gốc."
            ),
            sheet=worksheet.name,
            line=row + 1,
        )
        text = text[: EXCEL_MAX_TEXT - len(TRUNCATED_MARK)] + TRUNCATED_MARK
        if warnings is not None:
            warnings.append(warning)
    if text == "":
        code = worksheet.write_blank(row, col, None, fmt)
    else:
        code = worksheet.write_string(row, col, text, fmt)
    if code != 0:
        raise WorkbookWriteError(
            f"Không ghi được ô {_cell_name(row, col)} của trang {worksheet.name}"
            f"{' (' + context + ')' if context else ''}: mã lỗi XlsxWriter {code}."
        )
    return warning


def write_date(
    worksheet: Worksheet, row: int, col: int, value: date | datetime, fmt: Format | None
) -> None:
    """Write a real Excel date (so a US-locale Excel never reads 01/11 as 11 January)."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    code = worksheet.write_datetime(row, col, value, fmt)
    if code != 0:
        raise WorkbookWriteError(
            f"Không ghi được ngày ở ô {_cell_name(row, col)} của trang {worksheet.name}: "
            f"mã lỗi XlsxWriter {code}."
        )


def merge_text(
    worksheet: Worksheet,
    first_row: int,
    first_col: int,
    last_row: int,
    last_col: int,
    text: str,
    fmt: Format,
) -> None:
    """Merge a range and put text in it as a string (merge_range itself would use write())."""
    if first_row == last_row and first_col == last_col:
        write_text(worksheet, first_row, first_col, text, fmt)
        return
    if worksheet.merge_range(first_row, first_col, last_row, last_col, "", fmt) != 0:
        raise WorkbookWriteError(
            f"Không gộp được vùng ô {_cell_name(first_row, first_col)}:"
            f"{_cell_name(last_row, last_col)} của trang {worksheet.name}."
        )
    write_text(worksheet, first_row, first_col, text, fmt)


def write_header_block(
    worksheet: Worksheet,
    formats: Formats,
    issuer: str | Sequence[str] | None,
    title_lines: Sequence[str],
    *,
    last_col: int,
    split_col: int | None = None,
    place_date: str | None = None,
    number: str | None = None,
    info_lines: Sequence[str] = (),
    first_row: int = 0,
) -> int:
    """Issuing body top left, national motto top right, then centred titles and info lines.

    `issuer` is one string (lines separated by "\\n") or a list of lines; the last line is
    bold as in an official letterhead ("ỦY BAN NHÂN DÂN / PHƯỜNG AN BIÊN"). Returns the first
    free row below the block (one empty row left as a gap).
    """
    if split_col is None:
        split_col = max(1, (last_col + 1) * 2 // 5 - 1)
    left_last = split_col
    right_first = split_col + 1
    if isinstance(issuer, str):
        issuer_lines = [clean_line(line) for line in nfc(issuer).splitlines()]
    else:
        issuer_lines = [clean_line(line) for line in (issuer or []) if line]
    issuer_lines = [line for line in issuer_lines if line]  # a decorative rule leaves nothing
    if len(issuer_lines) == 1:
        issuer_lines = issuer_heading(issuer_lines[0])  # "ỦY BAN NHÂN DÂN" / "TỈNH HÀ LAM"
    if not issuer_lines:
        issuer_lines = ["ỦY BAN NHÂN DÂN"]
    row = first_row
    left_rows: list[tuple[str, Format]] = []
    for index, line in enumerate(issuer_lines):
        bold = index == len(issuer_lines) - 1 and len(issuer_lines) > 1
        left_rows.append((line.upper(), formats.issuer_bold if bold else formats.issuer))
    if number:
        left_rows.append((number, formats.issuer))
    right_rows: list[tuple[str, Format]] = [
        (MOTTO, formats.motto),
        (MOTTO_SUB, formats.motto_sub),
    ]
    if place_date:
        right_rows.append((place_date, formats.place_date))
    for offset in range(max(len(left_rows), len(right_rows))):
        if offset < len(left_rows):
            text, fmt = left_rows[offset]
            merge_text(worksheet, row, 0, row, left_last, text, fmt)
        if offset < len(right_rows):
            text, fmt = right_rows[offset]
            merge_text(worksheet, row, right_first, row, last_col, text, fmt)
        row += 1
    row += 1
    width = _approx_width(worksheet, last_col)
    for line in title_lines:
        if not line:
            continue
        merge_text(worksheet, row, 0, row, last_col, line, formats.title)
        worksheet.set_row(row, _row_height(line, width, TITLE_SIZE))
        row += 1
    for line in info_lines:
        if not line:
            continue
        merge_text(worksheet, row, 0, row, last_col, line, formats.info)
        worksheet.set_row(row, _row_height(line, width, FONT_SIZE))
        row += 1
    return row + 1


def _approx_width(worksheet: Worksheet, last_col: int) -> float:
    """Total width in characters of columns 0..last_col as set so far (default 8.43)."""
    widths = getattr(worksheet, "col_info", {})
    total = 0.0
    for col in range(last_col + 1):
        info = widths.get(col)
        # ColumnInfo (XlsxWriter >= 3.2) or a plain list in older versions.
        width = getattr(info, "width", None) if not isinstance(info, list) else info[0]
        total += width if width else 8.43
    return total


def _row_height(text: str, width_chars: float, size: int = FONT_SIZE) -> float:
    """Row height (points) for wrapped text in a merged range, which Excel never auto-fits."""
    return round(text_lines(text, width_chars) * size * 1.3 + 4, 1)


def text_lines(text: str, width_chars: float) -> int:
    """Rough number of lines `text` wraps to in a column `width_chars` wide (Times 12 pt)."""
    # Times New Roman letters are narrower than Excel's width unit ("0" in Calibri 11), but
    # words do not break: about 1.05 letters per unit once word wrapping is counted (measured on LibreOffice PDFs).
    per_line = max(4, int(width_chars * 1.05))
    lines = 0
    for part in text.split("\n") if text else [""]:
        lines += max(1, -(-len(part) // per_line))
    return lines


def rows_height(cells: Sequence[tuple[str, float]], size: int = FONT_SIZE) -> float | None:
    """Height for a data row whose wrapped cells are (text, column width); None = default.

    LibreOffice does not auto-fit row heights when it opens an XlsxWriter file, so a long
    task title would print over the next row; we size rows ourselves.
    """
    lines = 1
    for text, width in cells:
        if text and (len(text) > width or "\n" in text):
            lines = max(lines, text_lines(text, width))
    if lines <= 1:
        return None
    return round(lines * size * 1.18 + 4, 1)


def _cell_name(row: int, col: int) -> str:
    return xl_rowcol_to_cell(row, col)


def format_date(value: date | None) -> str:
    """dd/mm/yyyy, the way every Vietnamese document writes a date."""
    return value.strftime("%d/%m/%Y") if value else ""


GUIDE_WIDTH = 86  # characters: the printable width of A4 portrait at 100 % (165 mm)


def write_guide(
    worksheet: Worksheet, formats: Formats, lines: Sequence[tuple[str, str]], first_row: int = 0
) -> int:
    """A "Hướng dẫn" sheet: one wrapped paragraph per row, each row as high as its text.

    (text, kind) with kind "title" or anything else for body text. Excel and LibreOffice do
    not grow rows for wrapped text on open, so without heights the lines print over each
    other. A4 portrait at 100 %: the column is exactly the printable width, so the computed
    heights hold on paper. Returns the next free row.
    """
    worksheet.set_column(0, 0, GUIDE_WIDTH)
    row = first_row
    for text, kind in lines:
        title = kind == "title"
        write_text(worksheet, row, 0, text, formats.title if title else formats.plain_wrap)
        size = TITLE_SIZE if title else FONT_SIZE
        lines_needed = text_lines(text, GUIDE_WIDTH * (0.85 if title else 1))
        worksheet.set_row(row, round(lines_needed * size * 1.3 + 4, 1))
        row += 1
    setup_page(worksheet, None, 0, landscape=False)
    return row


def fit_widths(
    columns: Sequence[tuple[str, float]], rows: Sequence[Sequence[str]], limits: dict[int, float]
) -> list[tuple[str, float]]:
    """Columns widened (up to limits[col]) so their longest value fits on one line.

    For short codes ("PKT-XD-02") that must not wrap or overflow into the next column.
    """
    out = []
    for col, (label, width) in enumerate(columns):
        if col in limits:
            longest = max((len(r[col]) for r in rows if col < len(r) and r[col]), default=0)
            width = min(limits[col], max(width, longest * 1.1 + 2))
        out.append((label, width))
    return out
