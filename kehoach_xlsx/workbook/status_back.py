"""Write the latest state of the plan back into the coordinator's own `phan-cong.xlsx`.

The coordinator lives in that file: they fix assignments, type e-mails, colour rows, add
notes and validations of their own. After every `merge` we (re)write ONE sheet we own,
"Tình hình" (latest status of every task × unit, across periods), with openpyxl, which
edits the workbook in place: every other sheet, format, validation and edit stays as they
left it. XlsxWriter cannot edit; rewriting the file would lose their work.

The file is written atomically (temp file + os.replace). When it is open in Excel or
LibreOffice (their lock file sits beside it) or cannot be written, nothing is written and a
warning says to close it; the merge itself has already succeeded.
"""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from kehoach_xlsx.fileio import atomic_write_bytes
from kehoach_xlsx.history import history_rows, latest_rows
from kehoach_xlsx.model import PlanWarning
from kehoach_xlsx.workbook.styles import text_lines
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
    target = workspace.assignment_path
    locks = lock_files(target)
    if locks:
        return _not_written(f"tệp đang mở ({locks[0].name})")
    table, updated = status_table(workspace)
    try:
        write_status_sheet(target, table, updated)
    except OSError as err:
        return _not_written(err.strerror or str(err))
    return None


def _not_written(reason: str) -> PlanWarning:
    return PlanWarning(
        "assignment_not_updated",
        f"Chưa ghi được trang “{STATUS_SHEET}” vào {ASSIGNMENT} ({reason}). Báo cáo tổng hợp "
        f"đã ghi xong; hãy đóng {ASSIGNMENT} trong Excel rồi chạy lại lệnh merge.",
        ASSIGNMENT,
    )


def _present(sheet) -> tuple[str | None, list[tuple[Any, ...]]]:
    """The "updated" line and the data rows the sheet holds now (to skip a needless write)."""
    updated = sheet.cell(3, 1).value
    rows = []
    for values in sheet.iter_rows(min_row=HEADER_ROW + 1, max_col=len(COLUMNS), values_only=True):
        rows.append(tuple(v.date() if isinstance(v, dt.datetime) else v for v in values))
    return updated, rows


def write_status_sheet(path: Path, table: list[tuple[Any, ...]], updated: str) -> bool:
    """(Re)write our sheet in the workbook at `path`; True when the file changed."""
    import openpyxl
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    book = openpyxl.load_workbook(path)
    index = None
    if STATUS_SHEET in book.sheetnames:
        old = book[STATUS_SHEET]
        if _present(old) == (updated, table):
            return False
        index = book.sheetnames.index(STATUS_SHEET)
        book.remove(old)
    sheet = book.create_sheet(STATUS_SHEET, index)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    font = Font(name=FONT, size=FONT_SIZE)
    alert = Font(name=FONT, size=FONT_SIZE, color="C00000")
    wrap = Alignment(wrap_text=True, vertical="top")
    sheet.cell(1, 1, TITLE).font = Font(name=FONT, size=14, bold=True)
    sheet.cell(2, 1, NOTE).font = Font(name=FONT, size=FONT_SIZE, italic=True)
    sheet.cell(3, 1, updated).font = font
    head_font = Font(name=FONT, size=FONT_SIZE, bold=True)
    fill = PatternFill("solid", fgColor="DDEBF7")
    for col, (_, title, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(HEADER_ROW, col, title)
        cell.font, cell.border, cell.alignment, cell.fill = head_font, border, wrap, fill
        sheet.column_dimensions[get_column_letter(col)].width = width
    _fit_height(sheet, HEADER_ROW, [title for _, title, _ in COLUMNS])
    flags_col = len(COLUMNS)
    for offset, values in enumerate(table, start=1):
        row = HEADER_ROW + offset
        for col, (value, (key, _, _)) in enumerate(zip(values, COLUMNS, strict=True), start=1):
            cell = sheet.cell(row, col)
            cell.value = value
            if key in DATE_KEYS:
                cell.number_format = "DD/MM/YYYY"
            elif value is not None:
                # text from units' files: "=…" stays text, never a formula
                cell.data_type = "s"
            cell.font, cell.border, cell.alignment = font, border, wrap
        if values[flags_col - 1] and _alerting(values[flags_col - 1]):
            sheet.cell(row, flags_col).font = alert
        _fit_height(sheet, row, values)
    last = HEADER_ROW + max(len(table), 1)
    sheet.freeze_panes = sheet.cell(HEADER_ROW + 1, 3)
    sheet.auto_filter.ref = f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{last}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    buffer = io.BytesIO()
    book.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())
    return True


def _fit_height(sheet, row: int, values) -> None:
    """Excel and LibreOffice do not re-fit wrapped rows on open (printed lines would overlap):
    size the row for its tallest cell."""
    lines = max(
        text_lines(str(value), width) if value not in (None, "") else 1
        for value, (_, _, width) in zip(values, COLUMNS, strict=True)
    )
    sheet.row_dimensions[row].height = round(lines * FONT_SIZE * 1.18 + 4, 1)


def _alerting(flags_text: str) -> bool:
    from kehoach_xlsx.workbook.report import FLAG_LABELS

    return any(FLAG_LABELS[f] in flags_text for f in ALERT_FLAGS)
