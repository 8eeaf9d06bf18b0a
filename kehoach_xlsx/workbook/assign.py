"""The assignment workbook `phan-cong.xlsx`: the coordinator's control panel.

We write the plan's tasks with their leads, partners, outputs and deadline wording; the
coordinator corrects them in Excel (changes a lead, adds a row, sets a date where the plan's
wording gives none, fills in e-mails) and `read_assignment` brings those edits back. The
sheet is not protected: the coordinator owns it and must be able to insert rows.
Columns are found by their header text, never by position.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from python_calamine import CalamineError, CalamineWorkbook

from kehoach_xlsx.errors import InputFileError
from kehoach_xlsx.model import Plan, PlanWarning, Section, Task, Unit
from kehoach_xlsx.units import (
    GROUP_SHEET,
    GroupPhrase,
    Registry,
    read_phrase_rows,
    read_unit_rows,
    registry_formats,
    write_group_sheet,
    write_unit_sheet,
)
from kehoach_xlsx.vntext import compare_key, nfc
from kehoach_xlsx.workbook.identity import cell_text
from kehoach_xlsx.workbook.styles import (
    Formats,
    atomic_workbook,
    fit_widths,
    format_date,
    merge_text,
    rows_height,
    setup_page,
    write_guide,
    write_header_block,
    write_text,
)

ASSIGN_SHEET = "Phân công"
UNITS_SHEET = "Đơn vị"
CHECK_SHEET = "Cần kiểm tra"
GUIDE_SHEET = "Hướng dẫn"

# (header text, width); header texts are what read_assignment and other tools look for.
ASSIGN_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Mã NV", 10),
    ("TT", 6),
    ("Nhiệm vụ", 50),
    ("Chủ trì", 26),
    ("Phối hợp", 30),
    ("Sản phẩm đầu ra", 28),
    ("Tiến độ", 22),
    ("Hạn do điều phối đặt", 14),
    ("Loại hạn", 30),
    ("Ghi chú", 22),
)
ASSIGN_HEADERS = tuple(text for text, _ in ASSIGN_COLUMNS)
ASSIGN_WIDTHS = tuple(width for _, width in ASSIGN_COLUMNS)
A = {text: index for index, text in enumerate(ASSIGN_HEADERS)}
LAST_COL = len(ASSIGN_COLUMNS) - 1
SPARE_ROWS = 200  # validation and formats reach this far below the last task, for added rows

CHECK_COLUMNS: tuple[tuple[str, float], ...] = (
    ("Mã", 22),
    ("Nội dung", 80),
    ("Tệp", 30),
    ("Dòng", 8),
    ("Trang tính", 16),
)

KIND_LABELS = {
    "once": "Một lần",
    "weekly": "Hằng tuần",
    "monthly": "Hằng tháng",
    "quarterly": "Hằng quý",
    "half_yearly": "6 tháng một lần",
    "yearly": "Hằng năm",
    "continuous": "Thường xuyên",
    "span": "Cả giai đoạn",
    "relative": "Tính từ một mốc",
    "event": "Theo sự kiện",
    "unknown": "Chưa xác định được hạn",
}
# Kinds with no due date the program can compute: the coordinator should set one.
NEEDS_DATE = {"unknown", "relative", "event"}

ASSIGN_GUIDE = (
    "HƯỚNG DẪN SỬ DỤNG BẢNG PHÂN CÔNG",
    "1. Trang “Phân công” là bảng điều khiển của đầu mối: mỗi dòng là một nhiệm vụ của kế hoạch. "
    "Sửa trực tiếp các cột Nhiệm vụ, Chủ trì, Phối hợp, Sản phẩm đầu ra, Tiến độ, Ghi chú; "
    "chương trình đọc lại các thay đổi ở lần chạy sau.",
    "2. Nhiều đơn vị trong một ô: ngăn cách bằng dấu chấm phẩy (;) hoặc xuống dòng (Alt+Enter). "
    "Dấu phẩy và chữ “và” được coi là một phần của tên đơn vị.",
    "3. Cột “Mã NV” (nền xám) là mã nhiệm vụ chương trình dùng để ghép báo cáo: không sửa. "
    "Thêm nhiệm vụ mới: chèn một dòng, để trống Mã NV, điền Nhiệm vụ và Chủ trì; chương trình "
    "tự đặt mã THEM-<số dòng> và báo trong danh sách cần kiểm tra.",
    "4. “Hạn do điều phối đặt”: nhập ngày (dd/mm/yyyy) khi muốn đặt hạn khác hạn suy ra từ "
    "cột Tiến độ, nhất là khi cột “Loại hạn” báo chưa xác định được hạn (nền cam). Để trống "
    "thì dùng hạn theo kế hoạch.",
    "5. “Loại hạn” (nền xám) do chương trình tính lại từ cột Tiến độ mỗi lần chạy: sửa ở đây "
    "không có tác dụng. Muốn đổi, sửa cột Tiến độ hoặc đặt “Hạn do điều phối đặt”.",
    "6. Trang “Đơn vị”: danh sách đơn vị báo cáo. Bổ sung Email, Người đầu mối, Điện thoại; "
    "tên gọi khác (viết tắt, cách viết trong kế hoạch) ngăn cách bằng dấu chấm phẩy. Không đổi Mã "
    "của đơn vị đã có. Xóa dòng của một “đơn vị” không có thật: chương trình nhớ và không thêm "
    "lại. Trang “Nhóm”: cụm từ chung của kế hoạch (“các sở, ngành liên quan”…) giao cho nhóm "
    "hoặc mã đơn vị nào; để trống là không giao (ghi “không giao” vào Ghi chú để khỏi nhắc lại).",
    "7. Trang “Cần kiểm tra”: các điểm chương trình nghi ngờ khi đọc kế hoạch (số nhiệm vụ không "
    "khớp, tên đơn vị không nhận ra, tiến độ không rõ…). Xem và sửa ở trang “Phân công”.",
    "8. Không đổi tên các trang và tiêu đề cột; có thể đổi độ rộng cột, thứ tự cột, lọc, sắp xếp.",
)


@dataclass
class AssignmentRow:
    """One task as the coordinator left it in "Phân công"."""

    task_id: str
    number: str | None
    title: str
    lead: list[str]
    coordinate: list[str]
    outputs: list[str]
    deadline_text: str
    override: date | None
    note: str
    row: int  # 1-based sheet row
    section: str | None = None  # TT (or title) of the section row above, if any
    added: bool = False  # a row the coordinator inserted (no Mã NV)


@dataclass
class AssignmentSection:
    """A section row (A, B, I, II …) as found in "Phân công"."""

    number: str | None
    title: str
    row: int


@dataclass
class Assignment:
    rows: list[AssignmentRow] = field(default_factory=list)
    sections: list[AssignmentSection] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    warnings: list[PlanWarning] = field(default_factory=list)
    phrases: list[GroupPhrase] | None = None  # None: the workbook has no "Nhóm" sheet


# ---------------------------------------------------------------------------- writing


def join_list(items: Iterable[str]) -> str:
    return "; ".join(nfc(item).strip() for item in items if item and item.strip())


def _schedule_text(schedule: tuple[str, str] | None) -> tuple[str, str]:
    """(cell text, kind) for the "Loại hạn" column."""
    if not schedule:
        return "", ""
    kind, explain = schedule
    label = KIND_LABELS.get(kind, kind)
    text = f"{label}: {explain}" if explain and explain != label else label
    return text, kind


def _place_date(plan: Plan) -> str | None:
    meta = plan.meta
    if not meta.place and not meta.date:
        return None
    place = meta.place or "……"
    if meta.date:
        return f"{place}, ngày {meta.date.day:02d} tháng {meta.date.month:02d} năm {meta.date.year}"
    return f"{place}, ngày … tháng … năm …"


def _section_chain(section_id: str | None, by_id: dict[str, Section]) -> list[Section]:
    chain: list[Section] = []
    seen: set[str] = set()
    while section_id and section_id in by_id and section_id not in seen:
        seen.add(section_id)
        chain.append(by_id[section_id])
        section_id = by_id[section_id].parent
    return list(reversed(chain))


def write_assignment(
    path: str | os.PathLike[str],
    plan: Plan,
    units: Sequence[Unit],
    schedules: dict[str, tuple[str, str]],
    warnings: Sequence[PlanWarning],
    *,
    created: datetime | None = None,
    phrases: Sequence[GroupPhrase] = (),
) -> None:
    """Write `phan-cong.xlsx` (atomically): Phân công, Đơn vị, Nhóm, Cần kiểm tra, Hướng dẫn."""
    meta = plan.meta
    write_warnings: list[PlanWarning] = []
    properties: dict[str, Any] = {
        "title": f"Phân công thực hiện {meta.title or 'kế hoạch'}",
        "author": "kehoach_xlsx",
        "company": (meta.issuer or "").replace("\n", " "),
    }
    if created is not None:
        properties["created"] = created
    with atomic_workbook(path, **properties) as workbook:
        fmt = Formats(workbook)
        sheet = workbook.add_worksheet(ASSIGN_SHEET)
        unit_sheet = workbook.add_worksheet(UNITS_SHEET)
        group_sheet = workbook.add_worksheet(GROUP_SHEET)
        check_sheet = workbook.add_worksheet(CHECK_SHEET)
        guide = workbook.add_worksheet(GUIDE_SHEET)
        for index, width in enumerate(ASSIGN_WIDTHS):
            sheet.set_column(index, index, width)

        titles = ["BẢNG PHÂN CÔNG THỰC HIỆN NHIỆM VỤ", meta.title or ""]
        if meta.number:
            when = f" ngày {format_date(meta.date)}" if meta.date else ""
            titles.append(f"(Theo Kế hoạch số {meta.number}{when})")
        header_row = write_header_block(
            sheet,
            fmt,
            meta.issuer,
            titles,
            last_col=LAST_COL,
            split_col=2,
            number=f"Số: {meta.number}" if meta.number else None,
            place_date=_place_date(plan),
        )
        for col, text in enumerate(ASSIGN_HEADERS):
            write_text(sheet, header_row, col, text, fmt.header)
        sheet.set_row(header_row, 36)

        by_id = {section.id: section for section in plan.sections}
        task_ids = {task.id for task in plan.tasks}
        emitted: set[str] = set()
        row = header_row
        for task in plan.tasks:
            for section in _section_chain(task.section, by_id):
                if section.id in emitted:
                    continue
                emitted.add(section.id)
                if section.id in task_ids:
                    continue  # the section row is itself a task (seed 002's B.I): no duplicate
                row += 1
                _write_section_row(sheet, fmt, row, section)
            row += 1
            bold = task.id in by_id
            _write_task_row(sheet, fmt, row, task, schedules.get(task.id), bold, write_warnings)
        last_row = row

        first_data = header_row + 1
        spare_last = last_row + SPARE_ROWS
        override = A["Hạn do điều phối đặt"]
        note = A["Ghi chú"]
        for spare in range(last_row + 1, spare_last + 1):
            # Formatted empty cells so a row the coordinator adds looks and behaves the same.
            sheet.write_blank(spare, override, None, fmt.input_date)
            sheet.write_blank(spare, note, None, fmt.input)
        sheet.data_validation(
            first_data,
            override,
            spare_last,
            override,
            {
                "validate": "date",
                "criteria": "between",
                "minimum": date(2000, 1, 1),
                "maximum": date(2100, 12, 31),
                "input_title": "Hạn do điều phối đặt",
                "input_message": "Nhập ngày dạng dd/mm/yyyy; để trống thì dùng hạn theo kế hoạch.",
                "error_title": "Ngày chưa đúng",
                "error_message": "Nhập ngày dạng dd/mm/yyyy. Bấm Yes/Có để giữ giá trị đã nhập.",
                "error_type": "warning",
            },
        )
        kind_col = A["Loại hạn"]
        sheet.data_validation(
            first_data,
            kind_col,
            spare_last,
            kind_col,
            {
                "validate": "any",
                "input_title": "Loại hạn (tự tính)",
                "input_message": (
                    "Chương trình tính lại cột này từ cột Tiến độ mỗi lần chạy; sửa ở đây "
                    "không có tác dụng. Đặt hạn riêng ở cột Hạn do điều phối đặt."
                ),
            },
        )
        setup_page(sheet, header_row, LAST_COL)
        sheet.autofilter(header_row, 0, max(last_row, first_data), LAST_COL)
        sheet.activate()

        registry_fmt = registry_formats(workbook)
        write_unit_sheet(unit_sheet, registry_fmt, units)
        write_group_sheet(group_sheet, registry_fmt, Registry(units, phrases))
        _write_checks(check_sheet, fmt, list(warnings) + write_warnings)
        _write_guide(guide, fmt)


def _write_section_row(sheet: Any, fmt: Formats, row: int, section: Section) -> None:
    sheet.write_blank(row, A["Mã NV"], None, fmt.readonly_center)
    write_text(sheet, row, A["TT"], section.number or "", fmt.section_center)
    title = section.title
    if section.declared_count is not None and "nhiệm vụ" not in title.lower():
        title = f"{title} ({section.declared_count:02d} nhiệm vụ)"
    last = A["Tiến độ"]
    merge_text(sheet, row, A["Nhiệm vụ"], row, last, title, fmt.section)
    sheet.write_blank(row, A["Hạn do điều phối đặt"], None, fmt.section)
    sheet.write_blank(row, A["Loại hạn"], None, fmt.section)
    sheet.write_blank(row, A["Ghi chú"], None, fmt.section)
    height = rows_height([(title, sum(ASSIGN_WIDTHS[A["Nhiệm vụ"] : last + 1]))])
    if height:
        sheet.set_row(row, height)


def _write_task_row(
    sheet: Any,
    fmt: Formats,
    row: int,
    task: Task,
    schedule: tuple[str, str] | None,
    bold: bool,
    warnings: list[PlanWarning],
) -> None:
    context = f"nhiệm vụ {task.id}"
    lead = join_list(task.lead)
    coordinate = join_list(task.coordinate)
    outputs = join_list(task.outputs)
    kind_text, kind = _schedule_text(schedule)
    text_fmt = fmt.cell_bold if bold else fmt.cell_wrap
    write_text(sheet, row, A["Mã NV"], task.id, fmt.readonly_center)
    write_text(sheet, row, A["TT"], task.number or "", fmt.cell_center)
    write_text(sheet, row, A["Nhiệm vụ"], task.title, text_fmt, context=context, warnings=warnings)
    write_text(sheet, row, A["Chủ trì"], lead, fmt.cell_wrap, context=context, warnings=warnings)
    write_text(
        sheet, row, A["Phối hợp"], coordinate, fmt.cell_wrap, context=context, warnings=warnings
    )
    write_text(
        sheet, row, A["Sản phẩm đầu ra"], outputs, fmt.cell_wrap, context=context, warnings=warnings
    )
    write_text(
        sheet,
        row,
        A["Tiến độ"],
        task.deadline_text,
        fmt.cell_wrap,
        context=context,
        warnings=warnings,
    )
    sheet.write_blank(row, A["Hạn do điều phối đặt"], None, fmt.input_date)
    kind_fmt = fmt.attention if kind in NEEDS_DATE else fmt.readonly
    write_text(sheet, row, A["Loại hạn"], kind_text, kind_fmt, context=context, warnings=warnings)
    notes = join_list(task.notes)
    write_text(sheet, row, A["Ghi chú"], notes, fmt.input, context=context, warnings=warnings)
    height = rows_height(
        [
            (task.title, ASSIGN_WIDTHS[A["Nhiệm vụ"]]),
            (lead, ASSIGN_WIDTHS[A["Chủ trì"]]),
            (coordinate, ASSIGN_WIDTHS[A["Phối hợp"]]),
            (outputs, ASSIGN_WIDTHS[A["Sản phẩm đầu ra"]]),
            (task.deadline_text, ASSIGN_WIDTHS[A["Tiến độ"]]),
            (kind_text, ASSIGN_WIDTHS[A["Loại hạn"]]),
            (notes, ASSIGN_WIDTHS[A["Ghi chú"]]),
        ]
    )
    if height:
        sheet.set_row(row, height)


def _write_table(
    sheet: Any,
    fmt: Formats,
    columns: Sequence[tuple[str, float]],
    rows: Iterable[Sequence[str]],
    code_limit: float = 24,
) -> int:
    rows = [list(values) for values in rows]
    columns = fit_widths(columns, rows, {0: code_limit})  # the code column fits its longest code
    for col, (text, width) in enumerate(columns):
        sheet.set_column(col, col, width)
        write_text(sheet, 0, col, text, fmt.header)
    sheet.set_row(0, rows_height([(t, w) for t, w in columns]) or None)
    row = 0
    for values in rows:
        row += 1
        for col, value in enumerate(values):
            write_text(sheet, row, col, value, fmt.cell_wrap)
        height = rows_height([(v, columns[c][1]) for c, v in enumerate(values)])
        if height:
            sheet.set_row(row, height)  # wrapped names print on their own lines
    setup_page(sheet, 0, len(columns) - 1)
    sheet.autofilter(0, 0, max(row, 1), len(columns) - 1)
    return row


def _write_checks(sheet: Any, fmt: Formats, warnings: Sequence[PlanWarning]) -> None:
    _write_table(
        sheet,
        fmt,
        CHECK_COLUMNS,
        (
            (w.code, w.message, w.file or "", "" if w.line is None else str(w.line), w.sheet or "")
            for w in warnings
        ),
    )


def _write_guide(sheet: Any, fmt: Formats) -> None:
    write_guide(sheet, fmt, [(t, "title" if i == 0 else "") for i, t in enumerate(ASSIGN_GUIDE)])


# ---------------------------------------------------------------------------- reading

_SPLIT = re.compile(r"[;\n\r]+")
_DMY = re.compile(r"^\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})\s*$")
_YMD = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
EXCEL_EPOCH = date(1899, 12, 30)


def split_list(value: Any) -> list[str]:
    """Split a cell listing units or outputs on ";" and new lines (not on "," or "và")."""
    text = cell_text(value)
    return [part.strip() for part in _SPLIT.split(text) if part.strip()]


def parse_cell_date(value: Any) -> date | None:
    """A date from a cell as it may come back: date, datetime, serial number, or "15/12/2026".

    Returns None for an empty cell; raises ValueError for something that is not a date.
    """
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's 1900 system, 1900-01-01 .. 9999-12-31
            return EXCEL_EPOCH + timedelta(days=int(value))
        raise ValueError(value)
    text = cell_text(value)
    if not text:
        return None
    match = _DMY.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
        if year < 100:
            year += 2000
        return date(year, month, day)
    match = _YMD.match(text)
    if match:
        year, month, day = (int(part) for part in match.groups())
        return date(year, month, day)
    if re.fullmatch(r"\d+(\.\d+)?", text):
        return parse_cell_date(float(text))
    raise ValueError(text)


def _find_header(
    rows: list[list[Any]], required: Sequence[str], limit: int = 40
) -> tuple[int, dict[str, int]] | None:
    """Index of the first row holding every `required` header text, and text -> column."""
    wanted = {compare_key(text): text for text in required}
    for index, row in enumerate(rows[:limit]):
        found: dict[str, int] = {}
        for col, value in enumerate(row):
            key = compare_key(cell_text(value))
            if key in wanted and wanted[key] not in found:
                found[wanted[key]] = col
        if len(found) == len(wanted):
            return index, found
    return None


def _columns(row: list[Any], headers: Sequence[str]) -> dict[str, int]:
    keys = {compare_key(text): text for text in headers}
    found: dict[str, int] = {}
    for col, value in enumerate(row):
        key = compare_key(cell_text(value))
        if key in keys and keys[key] not in found:
            found[keys[key]] = col
    return found


def _sheet_rows(book: CalamineWorkbook, name: str) -> list[list[Any]] | None:
    wanted = compare_key(name)
    for sheet_name in book.sheet_names:
        if compare_key(sheet_name) == wanted:
            return book.get_sheet_by_name(sheet_name).to_python(skip_empty_area=False)
    return None


def read_assignment(path: str | os.PathLike[str]) -> Assignment:
    """Read the coordinator's `phan-cong.xlsx` back: tasks, sections, units and doubts."""
    source = Path(path)
    try:
        book = CalamineWorkbook.from_path(str(source))
    except FileNotFoundError as err:
        raise InputFileError(f"Không thấy tệp phân công {source}.") from err
    except (CalamineError, OSError, ValueError) as err:
        raise InputFileError(
            f"Không đọc được tệp phân công {source.name} ({err}). Tệp có bị hỏng hoặc đang "
            "được lưu dở không? Mở bằng Excel, lưu lại dạng .xlsx rồi chạy lại."
        ) from err
    result = Assignment()
    rows = _sheet_rows(book, ASSIGN_SHEET)
    if rows is None:
        raise InputFileError(
            f"Tệp {source.name} không có trang “{ASSIGN_SHEET}”. Không đổi tên trang này; "
            "nếu đã đổi, hãy đặt lại tên “Phân công”."
        )
    found = _find_header(rows, ("Mã NV", "Nhiệm vụ"))
    if found is None:
        raise InputFileError(
            f"Trang “{ASSIGN_SHEET}” của {source.name} không còn dòng tiêu đề có “Mã NV” và "
            "“Nhiệm vụ”. Khôi phục tiêu đề cột rồi chạy lại."
        )
    header_index, _ = found
    cols = _columns(rows[header_index], ASSIGN_HEADERS)
    _read_tasks(rows, header_index, cols, source.name, result)
    units_rows = _sheet_rows(book, UNITS_SHEET)
    if units_rows is None:
        result.warnings.append(
            PlanWarning(
                code="units_sheet_missing",
                message=f"Tệp phân công không có trang “{UNITS_SHEET}”: chưa có danh sách đơn vị.",
                file=source.name,
            )
        )
    else:
        units = read_unit_rows(units_rows, source.name, UNITS_SHEET, result.warnings)
        if units is None:
            result.warnings.append(
                PlanWarning(
                    code="units_header_missing",
                    message=f"Trang “{UNITS_SHEET}” không có dòng tiêu đề “Mã”, “Tên đầy đủ”.",
                    file=source.name,
                    sheet=UNITS_SHEET,
                )
            )
        else:
            result.units = units
    group_rows = _sheet_rows(book, GROUP_SHEET)
    if group_rows is not None:
        result.phrases = read_phrase_rows(group_rows, source.name, GROUP_SHEET, result.warnings)
    return result


def _read_tasks(
    rows: list[list[Any]],
    header_index: int,
    cols: dict[str, int],
    file_name: str,
    result: Assignment,
) -> None:
    def get(row: list[Any], header: str) -> Any:
        col = cols.get(header)
        if col is None or col >= len(row):
            return ""
        return row[col]

    def warn(code: str, message: str, line: int) -> None:
        result.warnings.append(
            PlanWarning(code=code, message=message, file=file_name, line=line, sheet=ASSIGN_SHEET)
        )

    seen: dict[str, int] = {}
    current_section: str | None = None
    for index in range(header_index + 1, len(rows)):
        row = rows[index]
        line = index + 1
        task_id = cell_text(get(row, "Mã NV"))
        number = cell_text(get(row, "TT")) or None
        title = cell_text(get(row, "Nhiệm vụ"))
        lead = split_list(get(row, "Chủ trì"))
        coordinate = split_list(get(row, "Phối hợp"))
        outputs = split_list(get(row, "Sản phẩm đầu ra"))
        deadline_text = cell_text(get(row, "Tiến độ"))
        note = cell_text(get(row, "Ghi chú"))
        raw_override = get(row, "Hạn do điều phối đặt")
        override: date | None = None
        try:
            override = parse_cell_date(raw_override)
        except ValueError:
            warn(
                "bad_override_date",
                f"Dòng {line}: “Hạn do điều phối đặt” = “{cell_text(raw_override)}” không phải "
                "ngày dạng dd/mm/yyyy; đã bỏ qua, dùng hạn theo kế hoạch.",
                line,
            )
        has_task_data = bool(lead or coordinate or outputs or deadline_text or override)
        if not task_id and not has_task_data:
            if number or title:
                result.sections.append(AssignmentSection(number, title, line))
                current_section = number or title
            continue  # an empty or section row
        added = False
        if not task_id:
            task_id = f"THEM-{line}"
            added = True
            warn(
                "added_task",
                f"Dòng {line}: nhiệm vụ thêm mới (không có Mã NV), đặt mã {task_id}: "
                f"“{title[:80]}”.",
                line,
            )
        elif task_id in seen:
            new_id = f"THEM-{line}"
            warn(
                "duplicate_task_id",
                f"Dòng {line}: Mã NV {task_id} trùng với dòng {seen[task_id]}; dòng này được coi "
                f"là nhiệm vụ mới {new_id}.",
                line,
            )
            task_id, added = new_id, True
        seen[task_id] = line
        if not title:
            warn("no_title", f"Dòng {line}: nhiệm vụ {task_id} chưa có nội dung.", line)
        if not lead:
            warn("no_lead", f"Dòng {line}: nhiệm vụ {task_id} chưa có cơ quan chủ trì.", line)
        result.rows.append(
            AssignmentRow(
                task_id=task_id,
                number=number,
                title=title,
                lead=lead,
                coordinate=coordinate,
                outputs=outputs,
                deadline_text=deadline_text,
                override=override,
                note=note,
                row=line,
                section=current_section,
                added=added,
            )
        )
