"""Write the latest state of the plan back into the coordinator's own `phan-cong.xlsx`.

The coordinator lives in that file: they fix assignments, type e-mails, colour rows, add
notes and validations of their own. After every `merge` we bring the sheets we own up to
date: "Tình hình" (latest status of every task × unit, across periods) and "Cần kiểm tra"
(assign_edit). XlsxWriter cannot edit, and rewriting the file would lose their work.

One merge reads the file at most once and writes it at most once (atomically): "Tình hình",
20,000 rows at province scale, is written by XlsxWriter as a one-sheet donor (its rows
streamed as XML text) and transplanted into the package by xlsx_patch, which copies every
other part byte for byte; "Cần kiểm tra" (a few dozen rows whose layout the coordinator may
have changed) goes through openpyxl, only when it changed. A package xlsx_patch does not
understand falls back to openpyxl for both. Nothing is written when nothing changed: a stamp
in the ledger answers without opening the file, python-calamine when the file was saved since.

When it is open in Excel or LibreOffice (their lock file sits beside it) or cannot be
written, nothing is written and a warning says to close it; the merge itself has succeeded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator, Sequence
from copy import copy
from pathlib import Path
from typing import Any

from kehoach_xlsx.fileio import atomic_write_bytes
from kehoach_xlsx.history import history_rows, latest_rows
from kehoach_xlsx.model import PlanWarning
from kehoach_xlsx.workbook.assign_edit import (
    CHECK_SHEET,
    cell_style,
    check_rows,
    check_sheet_current,
    edit_check_sheet,
)
from kehoach_xlsx.workbook.styles import EXCEL_MAX_TEXT, TRUNCATED_MARK, text_lines, write_text
from kehoach_xlsx.workspace import ASSIGNMENT, Workspace

STATUS_SHEET = "Tình hình"
TITLE = "TÌNH HÌNH THỰC HIỆN KẾ HOẠCH (mới nhất của từng nhiệm vụ, từng đơn vị)"
NOTE = (
    "Trang này do chương trình ghi lại sau mỗi lần tổng hợp (kehoach merge); sửa ở đây không "
    "có tác dụng. Các trang khác của tệp giữ nguyên như người theo dõi đã sửa."
)
HEADER_ROW = 5  # 1-based
COLUMNS: tuple[tuple[str, str, float], ...] = (
    # (key in the history row, header text, width)
    ("task_id", "Mã NV", 10),
    ("title", "Nhiệm vụ", 48),
    ("unit", "Mã đơn vị", 10),
    ("unit_name", "Đơn vị", 28),
    ("role", "Vai trò", 10),
    ("period", "Kỳ", 10),
    ("status", "Tình trạng", 18),
    ("due", "Hạn", 12),
    ("completed", "Ngày hoàn thành", 14),
    ("documents", "Sản phẩm đã ban hành", 30),
    ("flags", "Cảnh báo", 30),
)
DATE_KEYS = {"due", "completed"}
FONT = "Times New Roman"
FONT_SIZE = 12
ALERT_FLAGS = {"overdue", "missing_output", "not_reported"}
WRITTEN_STAMP = "status_back_stamp"  # ledger meta: what we last wrote, and the file after it


def lock_files(path: Path) -> list[Path]:
    """Lock files Excel (~$name) and LibreOffice (.~lock.name#) leave while a file is open."""
    candidates = [path.with_name(f"~${path.name}"), path.with_name(f".~lock.{path.name}#")]
    return [c for c in candidates if c.exists()]


def status_table(workspace: Workspace) -> tuple[list[tuple[Any, ...]], str]:
    """The sheet's rows (display values) and its "updated" line, from the ledger."""
    from kehoach_xlsx.workbook.report import FLAG_LABELS, STATUS_LABELS
    from kehoach_xlsx.workbook.unit import ROLE_LABELS

    order = {t["id"]: i for i, t in enumerate(workspace.plan_dict().get("tasks", []))}
    history = history_rows(workspace)
    table = []
    for row in latest_rows(history, order):
        values = []
        for key, _, _ in COLUMNS:
            value = row[key]
            if key in DATE_KEYS:
                value = dt.date.fromisoformat(value) if value else None
            elif key == "status":
                value = STATUS_LABELS.get(value, value)
            elif key == "role":
                value = ROLE_LABELS.get(value, value)
            elif key == "flags":
                value = "; ".join(FLAG_LABELS.get(f, f) for f in value)
            values.append(value if value not in ("", None) else None)
        table.append(tuple(values))
    if history:
        last = max(history, key=lambda r: (r["as_of"], r["period"]))
        day = dt.date.fromisoformat(last["as_of"]).strftime("%d/%m/%Y")
        updated = f"Cập nhật theo lần tổng hợp kỳ {last['period']}, tính đến ngày {day}."
    else:
        updated = "Chưa có lần tổng hợp nào."
    return table, updated


def write_back_status(workspace: Workspace | str | Path) -> PlanWarning | None:
    """Refresh the "Tình hình" sheet of phan-cong.xlsx; a warning instead of an error when
    the file is open or cannot be written (the merge result stands either way)."""
    if not isinstance(workspace, Workspace):
        workspace = Workspace.open(workspace)
    return write_back(workspace)


def write_back(
    workspace: Workspace, checks: Sequence[PlanWarning] | None = None
) -> PlanWarning | None:
    """After a merge: bring "Tình hình" (and "Cần kiểm tra", when `checks` is given) of
    phan-cong.xlsx up to date with one read and at most one atomic write of the file.

    Nothing is written when nothing changed: a stamp in the ledger (what we wrote last and the
    file's size and time after it) answers without opening the file; when the file was saved
    since, python-calamine reads our sheets back to compare. Returns a warning (the file is
    open in Excel / LibreOffice, or cannot be written) instead of failing the merge.
    """
    from openpyxl.utils.exceptions import InvalidFileException

    from kehoach_xlsx.books import CHECKS_STAMP, files_stamp

    target = workspace.assignment_path
    sheets = [STATUS_SHEET] + ([CHECK_SHEET] if checks is not None else [])
    locks = lock_files(target)
    if locks:
        return _not_written(sheets, f"tệp đang mở ({locks[0].name})")
    table, updated = status_table(workspace)
    digest = _digest(updated, table)
    with workspace.ledger() as ledger:
        stamp = json.loads(ledger.get_meta(WRITTEN_STAMP) or "{}")
        checks_current = ledger.get_meta(CHECKS_STAMP) == files_stamp(target, workspace.plan_path)
    if stamp.get("digest") == digest and stamp.get("file") == files_stamp(target):
        status_due = False  # the file is as we left it, and so is what it should show
    elif stamp.get("digest") in (digest, None):
        status_due = _present(target) != (updated, table)  # saved since: compare our sheet
    else:
        status_due = True
    wanted = check_rows(checks) if checks is not None else None
    checks_due = wanted is not None and not check_sheet_current(target, wanted)
    try:
        if status_due or checks_due:
            data = target.read_bytes()
            data = _edited(
                data, (table, updated) if status_due else None, wanted if checks_due else None
            )
            atomic_write_bytes(target, data)
    except OSError as err:
        return _not_written(sheets, err.strerror or str(err))
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError):
        return _not_written(sheets, "tệp hỏng hoặc không phải .xlsx, không đọc được")
    with workspace.ledger() as ledger:
        ledger.set_meta(WRITTEN_STAMP, json.dumps({"digest": digest, "file": files_stamp(target)}))
        if checks is not None or checks_current:  # "Cần kiểm tra" is current: our save counts
            ledger.set_meta(CHECKS_STAMP, files_stamp(target, workspace.plan_path))
    return None


def _digest(updated: str, table: list[tuple[Any, ...]]) -> str:
    """A fingerprint of what the sheet should show, row by row (one repr of a province's
    whole table would be a string of a hundred MB)."""
    digest = hashlib.sha256(repr(updated).encode("utf-8"))
    for row in table:
        digest.update(repr(row).encode("utf-8"))
    return digest.hexdigest()


def _edited(data: bytes, status: tuple[list, str] | None, checks: list | None) -> bytes:
    """The package `data` with our sheets rewritten: "Tình hình" transplanted as XML
    (xlsx_patch), "Cần kiểm tra" through openpyxl (small, keeps the coordinator's layout)."""
    import openpyxl

    from kehoach_xlsx.workbook.xlsx_patch import PatchError, without_sheet_data

    if checks is not None:
        light = data
        if status is not None:
            try:  # no need to parse 20,000 rows we are about to replace
                light = without_sheet_data(data, STATUS_SHEET)
            except PatchError:
                pass
        book = openpyxl.load_workbook(io.BytesIO(light))
        edit_check_sheet(book, checks)
        data = _saved(book)
    if status is not None:
        try:
            data = status_sheet(data, *status)
        except PatchError:  # a package laid out unlike Excel's / LibreOffice's: the slow way
            book = openpyxl.load_workbook(io.BytesIO(data))
            edit_status_sheet(book, *status)
            data = _saved(book)
    return data


def _saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _not_written(sheets: list[str], reason: str) -> PlanWarning:
    named = ", ".join(f"“{name}”" for name in sheets)
    return PlanWarning(
        "assignment_not_updated",
        f"Chưa ghi được trang {named} vào {ASSIGNMENT} ({reason}). Báo cáo tổng hợp "
        f"đã ghi xong; hãy đóng {ASSIGNMENT} trong Excel rồi chạy lại lệnh merge.",
        ASSIGNMENT,
    )


def _present(path: Path) -> tuple[str | None, list[tuple[Any, ...]]] | None:
    """The "updated" line and the data rows our sheet holds now, read with python-calamine
    (only this sheet is parsed); None when the sheet is missing or unreadable."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
        if STATUS_SHEET not in book.sheet_names:
            return None
        rows = book.get_sheet_by_name(STATUS_SHEET).to_python(skip_empty_area=False)
    except Exception:  # calamine's own error types: rewrite the sheet
        return None
    updated = rows[2][0] if len(rows) > 2 and rows[2] else None
    table = []
    for values in rows[HEADER_ROW:]:
        cells = tuple(_cell(v) for v in values[: len(COLUMNS)])
        table.append(cells + (None,) * (len(COLUMNS) - len(cells)))
    while table and not any(table[-1]):
        table.pop()
    return updated or None, table


def _cell(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    return None if value == "" else value


def status_donor(updated: str) -> tuple[Any, Any, io.BytesIO]:
    """A one-sheet workbook (XlsxWriter: book, sheet, its buffer) with our sheet's head,
    formats and page setup; its first data row holds one cell per data format, for
    `_with_rows` to find their numbers."""
    import xlsxwriter

    buffer = io.BytesIO()
    # constant_memory: texts become inline strings, so the sheet needs no shared-string table
    book = xlsxwriter.Workbook(buffer, {"constant_memory": True})
    sheet = book.add_worksheet(STATUS_SHEET)
    base = {"font_name": FONT, "font_size": FONT_SIZE}
    cell = {**base, "border": 1, "text_wrap": True, "valign": "top"}
    head = book.add_format({**cell, "bold": True, "bg_color": "#DDEBF7", "pattern": 1})
    for col, (_, _, width) in enumerate(COLUMNS):
        sheet.set_column(col, col, width)
    write_text(sheet, 0, 0, TITLE, book.add_format({**base, "font_size": 14, "bold": True}))
    write_text(sheet, 1, 0, NOTE, book.add_format({**base, "italic": True}))
    write_text(sheet, 2, 0, updated, book.add_format(base))
    sheet.set_row(HEADER_ROW - 1, _height([title for _, title, _ in COLUMNS]))
    for col, (_, title, _) in enumerate(COLUMNS):
        write_text(sheet, HEADER_ROW - 1, col, title, head)
    for col, extra in enumerate(({}, {"num_format": "DD/MM/YYYY"}, {"font_color": "#C00000"})):
        write_text(sheet, HEADER_ROW, col, None, book.add_format({**cell, **extra}))
    sheet.freeze_panes(HEADER_ROW, 2)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(HEADER_ROW - 1)
    return book, sheet, buffer


def status_sheet(package: bytes, table: list[tuple[Any, ...]], updated: str) -> bytes:
    """`package` (phan-cong.xlsx) with our sheet (re)written; every other part kept as is."""
    from kehoach_xlsx.workbook.xlsx_patch import replace_sheet

    book, sheet, buffer = status_donor(updated)
    last = HEADER_ROW + max(len(table), 1)
    sheet.autofilter(HEADER_ROW - 1, 0, last - 1, len(COLUMNS) - 1)
    book.close()
    return replace_sheet(
        package, STATUS_SHEET, buffer.getvalue(), lambda xml: _with_rows(xml, table)
    )


def _with_rows(xml: str, table: list[tuple[Any, ...]]) -> Iterator[str]:
    """The donor sheet with its sample row replaced by the table's rows, in pieces.

    20,000 rows × 11 cells through XlsxWriter's cell writer cost seconds; the same XML is
    written here as text (inline strings, escaped as XlsxWriter escapes them), and handed
    on in pieces of a thousand rows so that the whole sheet is never one string."""
    first = HEADER_ROW + 1
    sample = re.search(rf'<row r="{first}"[^>]*>(.*?)</row>', xml, re.S)
    if sample is None:
        from kehoach_xlsx.workbook.xlsx_patch import PatchError

        raise PatchError("donor sheet without its sample row")
    return _pieces(xml, sample, table)  # checked above, before any piece is written


def _pieces(xml: str, sample: re.Match[str], table: list[tuple[Any, ...]]) -> Iterator[str]:
    first = HEADER_ROW + 1
    body, date, alert = (int(s) for s in re.findall(r'\bs="(\d+)"', sample.group(1))[:3])
    letters = [chr(ord("A") + col) for col in range(len(COLUMNS))]
    dated = [key in DATE_KEYS for key, _, _ in COLUMNS]
    widths = [width for _, _, width in COLUMNS]
    flags_col = len(COLUMNS) - 1

    def tail(col: int, value: Any) -> tuple[str, int]:
        """A cell's XML after its reference, and the lines its text needs."""
        if value is None:
            return f'" s="{date if dated[col] else body}"/>', 1
        if dated[col]:
            return f'" s="{date}"><v>{(value - EPOCH).days}</v></c>', 1
        text = str(value)
        style = alert if col == flags_col and _alerting(text) else body
        return f'" s="{style}" t="inlineStr">{_inline(text)}</c>', text_lines(text, widths[col])

    last = HEADER_ROW + max(len(table), 1)
    yield re.sub(
        r'<dimension ref="[^"]*"/>',
        f'<dimension ref="A1:{letters[-1]}{last}"/>',
        xml[: sample.start()],
        count=1,
    )
    # units, statuses, roles, dates repeat on most rows: each (column, value) is written once
    cache: dict[tuple[int, Any], tuple[str, int]] = {}
    rows = []
    for number, values in enumerate(table, start=first):
        cells, tallest = [], 1
        for col, value in enumerate(values):
            found = cache.get((col, value))
            if found is None:
                found = cache[(col, value)] = tail(col, value)
            cells.append(f'<c r="{letters[col]}{number}{found[0]}')
            if found[1] > tallest:
                tallest = found[1]
        height = round(tallest * FONT_SIZE * 1.18 + 4, 1)
        rows.append(
            f'<row r="{number}" spans="1:{len(COLUMNS)}" ht="{height:g}" '
            f'customHeight="1">{"".join(cells)}</row>'
        )
        if len(rows) == 1000:
            yield "".join(rows)
            rows = []
    yield "".join(rows)
    yield xml[sample.end() :]


EPOCH = dt.date(1899, 12, 30)  # Excel's day 0 (1900 date system)
_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")  # a literal "_x0041_" must not read as "A"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_SPECIAL = re.compile("[&<>_\x00-\x08\x0b-\x1f\ufffe\uffff]")


def _inline(text: str) -> str:
    if len(text) > EXCEL_MAX_TEXT:  # Excel's limit; the report keeps the full text
        text = text[: EXCEL_MAX_TEXT - len(TRUNCATED_MARK)] + TRUNCATED_MARK
    if _SPECIAL.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        text = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", _ESCAPED.sub(r"_x005F\1", text))
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    return f"<is><t{space}>{text}</t></is>"


def edit_status_sheet(book, table: list[tuple[Any, ...]], updated: str) -> None:
    """(Re)write our sheet in a loaded openpyxl `book` (the fallback of status_donor +
    xlsx_patch for packages that module does not understand)."""
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    index = None
    if STATUS_SHEET in book.sheetnames:
        index = book.sheetnames.index(STATUS_SHEET)
        book.remove(book[STATUS_SHEET])
    sheet = book.create_sheet(STATUS_SHEET, index)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name=FONT, size=FONT_SIZE)
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.cell(1, 1, TITLE).font = Font(name=FONT, size=14, bold=True)
    sheet.cell(2, 1, NOTE).font = Font(name=FONT, size=FONT_SIZE, italic=True)
    sheet.cell(3, 1, updated).font = font
    head_font = Font(name=FONT, size=FONT_SIZE, bold=True)
    head = cell_style(book, head_font, border, wrap, PatternFill("solid", fgColor="DDEBF7"))
    for col, (_, title, width) in enumerate(COLUMNS, start=1):
        sheet.cell(HEADER_ROW, col, title)._style = copy(head)
        sheet.column_dimensions[get_column_letter(col)].width = width
    sheet.row_dimensions[HEADER_ROW].height = _height([title for _, title, _ in COLUMNS])
    # each distinct style built once; cells get a copy of its packed array (see cell_style)
    body = cell_style(book, font, border, wrap)
    date = cell_style(book, font, border, wrap, number_format="DD/MM/YYYY")
    alert = cell_style(book, Font(name=FONT, size=FONT_SIZE, color="C00000"), border, wrap)
    flags_col = len(COLUMNS)
    for row, values in enumerate(table, start=HEADER_ROW + 1):
        for col, (value, (key, _, _)) in enumerate(zip(values, COLUMNS, strict=True), start=1):
            cell = sheet.cell(row, col)
            cell.value = value
            if key in DATE_KEYS:
                cell._style = copy(date)
                continue
            if value is not None:
                cell.data_type = "s"  # text from units' files: "=…" stays text, never a formula
            alerting = col == flags_col and value and _alerting(value)
            cell._style = copy(alert if alerting else body)
        sheet.row_dimensions[row].height = _height(values)
    last = HEADER_ROW + max(len(table), 1)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"


def _height(values) -> float:
    """Excel and LibreOffice do not re-fit wrapped rows on open (printed lines would overlap):
    size the row for its tallest cell."""
    lines = max(
        text_lines(str(value), width) if value not in (None, "") else 1
        for value, (_, _, width) in zip(values, COLUMNS, strict=True)
    )
    return round(lines * FONT_SIZE * 1.18 + 4, 1)


def _alerting(flags_text: str) -> bool:
    from kehoach_xlsx.workbook.report import FLAG_LABELS

    return any(FLAG_LABELS[f] in flags_text for f in ALERT_FLAGS)
