"""The consolidated report workbook (bao-cao_<period>.xlsx) the coordinator prints and sends up.

Sheets: "Tóm tắt" (the one-page brief, see brief.py), "Tổng hợp" (counts per unit and status, summary numbers),
"Chi tiết" (every task × unit), "Quá hạn", "Thiếu sản phẩm", "Chưa báo cáo", "So với kỳ
trước", "Nhật ký". Text that came from a returned file is untrusted: it goes through
``styles.write_text`` (write_string), so a returned "=cmd|' /C calc'!A0" stays text here.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import Any

from xlsxwriter.worksheet import Worksheet

from kehoach_xlsx.texts import period_text, vn_date
from kehoach_xlsx.workbook.brief import BRIEF_SHEET, Digest, digest, write_brief_sheet
from kehoach_xlsx.workbook.fastwrite import FastWorkbook
from kehoach_xlsx.workbook.styles import (
    Formats,
    LineCounts,
    RowWriter,
    atomic_workbook,
    format_date,
    setup_page,
    write_header_block,
    write_text,
)
from kehoach_xlsx.workbook.unit import ROLE_LABELS

FLAG_LABELS: dict[str, str] = {
    "overdue": "Quá hạn",
    "completed_late": "Hoàn thành muộn",
    "due_soon": "Sắp đến hạn",
    "missing_output": "Thiếu sản phẩm",
    "not_reported": "Chưa báo cáo",
    "needs_date": "Cần đặt hạn",
    "invalid_value": "Giá trị không hợp lệ",
    "locked_field_changed": "Sửa nội dung được giao",
    "unknown_row": "Dòng lạ",
    "row_missing": "Mất dòng",
    "identity_conflict": "Nhận dạng mâu thuẫn",
    "superseded": "Bị thay thế",
    "formula_in_answer": "Có công thức trong câu trả lời",
}
STATUS_LABELS: dict[str, str] = {
    "done": "Đã hoàn thành",
    "in_progress": "Đang thực hiện",
    "not_started": "Chưa thực hiện",
    "cannot_do": "Không thực hiện được",
    "not_reported": "Chưa báo cáo",
    "invalid": "Không hợp lệ",
}
# Order and colours of the status columns in "Tổng hợp" and its chart.
STATUS_ORDER = ("done", "in_progress", "not_started", "cannot_do", "invalid", "not_reported")
STATUS_COLOURS = {
    "done": "#70AD47",
    "in_progress": "#4472C4",
    "not_started": "#FFC000",
    "cannot_do": "#A5A5A5",
    "invalid": "#ED7D31",
    "not_reported": "#C00000",
}
FIELD_LABELS = {
    "status": "Tình trạng",
    "completed": "Ngày hoàn thành",
    "result": "Kết quả thực hiện",
    "documents": "Sản phẩm đã ban hành",
    "issues": "Khó khăn, đề xuất",
    "due": "Hạn",
    "title": "Nhiệm vụ",
}
# A returned file's state in the ledger, as the "Nhật ký" sheet shows it.
FILE_STATE_LABELS = {
    "accepted": "Đã nhận",
    "duplicate": "Trùng (đã nhận trước)",
    "rejected": "Không nhận",
    "superseded": "Bị thay thế",
    "skipped": "Bỏ qua",
    "pending": "Đang chờ",
}
LOG_CODE_LABELS = {
    **FLAG_LABELS,
    "duplicate_row": "Dòng trùng",
    "rejected": "Không nhận",
}
ALWAYS_SHOWN = ("units", "units_returned", "units_missing", "tasks", "items")
SUMMARY_LABELS = {
    "units": "Số đơn vị phải báo cáo",
    "units_returned": "Số đơn vị đã gửi báo cáo",
    "units_missing": "Số đơn vị chưa gửi báo cáo",
    "tasks": "Số nhiệm vụ",
    "items": "Số lượt nhiệm vụ × đơn vị",
    "done": "Đã hoàn thành",
    "in_progress": "Đang thực hiện",
    "not_started": "Chưa thực hiện",
    "cannot_do": "Không thực hiện được",
    "not_reported": "Chưa báo cáo",
    "overdue": "Quá hạn",
    "completed_late": "Hoàn thành muộn",
    "due_soon": "Sắp đến hạn",
    "missing_output": "Thiếu sản phẩm",
    "files": "Số tệp đã đọc",
    "files_failed": "Số tệp không đọc được",
    "files_rejected": "Số tệp không nhận",
    "needs_date": "Cần đặt hạn",
    "invalid_value": "Giá trị không hợp lệ",
    "locked_field_changed": "Sửa nội dung được giao",
    "unknown_row": "Dòng lạ",
    "superseded": "Tệp bị thay thế",
}


@dataclass
class UnitStatus:
    """One unit's reporting state for the period."""

    unit: str
    unit_name: str
    expected: int  # task rows it must report on
    returned: bool
    file: str | None = None
    received: datetime | date | None = None
    flags: list[str] = field(default_factory=list)


@dataclass
class ItemRow:
    """One task × unit line of the merge, with the unit's answers and our flags."""

    task_id: str
    number: str | None
    title: str
    unit: str
    unit_name: str
    role: str  # lead | coordinate
    status: str  # a status code (see STATUS_LABELS)
    due: date | str | None = None  # a date, or the deadline wording
    completed: date | None = None
    outputs_expected: str = ""
    documents: str = ""
    result: str = ""
    issues: str = ""
    flags: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


@dataclass
class FileRow:
    path: str
    sha256: str
    identified_as: str  # e.g. "PKT (Phòng Kinh tế)" or "không nhận diện được"
    warnings: list[str] = field(default_factory=list)


@dataclass
class ChangeRow:
    task_id: str
    unit: str
    field: str  # a key of FIELD_LABELS, or a label
    before: str
    after: str


@dataclass
class LogRow:
    file: str
    sheet: str | None
    row: int | None
    code: str
    message: str


@dataclass
class ReportData:
    """Everything the report shows; built by the merge, laid out here."""

    period: str
    as_of: date
    plan_number: str = ""
    plan_title: str = ""
    issuer: str = "ỦY BAN NHÂN DÂN"
    plan_date: date | None = None
    units: list[UnitStatus] = field(default_factory=list)
    items: list[ItemRow] = field(default_factory=list)
    files: list[FileRow] = field(default_factory=list)
    changes: list[ChangeRow] = field(default_factory=list)
    log: list[LogRow] = field(default_factory=list)
    summary: dict[str, Any] = field(default_factory=dict)
    # Rows of returned files that were never sent: listed in the detail sheet only (one
    # summary line per file is in the log), so pasted junk never adds printed pages.
    stray_rows: list[LogRow] = field(default_factory=list)


SHEETS = (
    BRIEF_SHEET,
    "Tổng hợp",
    "Chi tiết",
    "Quá hạn",
    "Thiếu sản phẩm",
    "Chưa báo cáo",
    "So với kỳ trước",
    "Nhật ký",
)


def flag_labels(flags: list[str]) -> str:
    """Flags as the Vietnamese words the coordinator reads: "Quá hạn; Thiếu sản phẩm"."""
    return _flag_text(tuple(flags))


@lru_cache(maxsize=512)  # a report has a handful of flag combinations over 100,000 rows
def _flag_text(flags: tuple[str, ...]) -> str:
    return "; ".join(FLAG_LABELS.get(flag, flag) for flag in flags)


def write_report(path: str | os.PathLike[str], report: ReportData) -> None:
    """Write the report workbook atomically (temp file + rename), print-ready on A4 landscape."""
    created = datetime(report.as_of.year, report.as_of.month, report.as_of.day)
    # constant_memory: a report for 2,000 units has millions of cells; rows are written in
    # order and flushed, so every row is sized (RowWriter) before the next one starts
    with atomic_workbook(
        path,
        {"constant_memory": True, "in_memory": False},  # in_memory would cancel constant_memory
        FastWorkbook,  # XlsxWriter's bytes, its per-cell loop without the overhead
        title=f"Báo cáo tổng hợp kỳ {report.period}",
        subject=report.plan_title,
        author="kehoach_xlsx",
        created=created,
    ) as workbook:
        fmt = Formats(workbook)
        extra = _Extra(workbook)
        sheets = {name: workbook.add_worksheet(name) for name in SHEETS}
        data = digest(report)  # one pass over the items serves the brief and "Tổng hợp"
        write_brief_sheet(workbook, sheets[BRIEF_SHEET], fmt, report, STATUS_COLOURS, data)
        # the line counts of wrapped texts, shared: the same titles fill several sheets
        lines: LineCounts = {}
        _summary_sheet(workbook, sheets["Tổng hợp"], fmt, report, data, lines)
        _detail_sheet(sheets["Chi tiết"], fmt, extra, report, lines)
        _overdue_sheet(sheets["Quá hạn"], fmt, report, lines)
        _missing_sheet(sheets["Thiếu sản phẩm"], fmt, report, lines)
        _not_reported_sheet(sheets["Chưa báo cáo"], fmt, report, lines)
        _changes_sheet(sheets["So với kỳ trước"], fmt, report, lines)
        _log_sheet(sheets["Nhật ký"], fmt, extra, report, lines)
        sheets[BRIEF_SHEET].activate()


class _Extra:
    """Formats the shared Formats lacks: numbers, the overdue fill, a left heading."""

    def __init__(self, workbook: Any) -> None:
        base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top"}
        self.number = workbook.add_format({**base, "border": 1, "align": "center"})
        self.overdue = workbook.add_format({"bg_color": "#F8CBAD"})
        self.heading = workbook.add_format({**base, "bold": True, "font_size": 13})


# --- shared layout ---------------------------------------------------------------------------


def _top(
    sheet: Worksheet,
    fmt: Formats,
    report: ReportData,
    title: str,
    last_col: int,
    columns: list[tuple[str, float]] | None = None,
) -> int:
    """Letterhead, titles and the period line; returns the first free row.

    With the sheet's columns known first, the issuer block gets enough width for
    "ỦY BAN NHÂN DÂN PHƯỜNG …" and the title rows get the right height.
    """
    split_col = None
    if columns:
        _set_widths(sheet, columns)
        total = 0.0
        for col, (_, width) in enumerate(columns[:-1]):
            total += width
            if total >= 40:
                split_col = col
                break
    plan_line = report.plan_title
    if report.plan_number:
        plan_line = f"{plan_line} (Kế hoạch số {report.plan_number})".strip()
    return write_header_block(
        sheet,
        fmt,
        report.issuer,
        [title, plan_line],
        last_col=last_col,
        split_col=split_col,
        info_lines=[
            f"Kỳ báo cáo: {period_text(report.period, capital=True)}. "
            f"Số liệu đến ngày: {format_date(report.as_of)}."
        ],
    )


def _rows(
    sheet: Worksheet,
    fmt: Formats,
    columns: list[tuple[str, float]],
    formats: Sequence[Any],
    wrap: Sequence[int],
    lines: LineCounts | None,
) -> RowWriter:
    """The writer of a sheet's data rows: each row as high as its tallest text in the `wrap`
    columns (LibreOffice does not grow rows for wrapped text when it opens an XlsxWriter
    file, so a long task title would print over the rows below); numbers centred, dates
    dd/mm/yyyy, as everywhere in the report."""
    widths = [width for _, width in columns]
    return RowWriter(
        sheet,
        formats,
        widths,
        wrap,
        number_format=fmt.cell_center,
        date_format=fmt.date,
        line_counts=lines,
    )


def _set_widths(sheet: Worksheet, columns: list[tuple[str, float]]) -> None:
    for col, (_, width) in enumerate(columns):
        sheet.set_column(col, col, width)


def _table(
    sheet: Worksheet,
    fmt: Formats,
    header_row: int,
    columns: list[tuple[str, float]],
    *,
    print_setup: bool = True,
) -> None:
    _set_widths(sheet, columns)
    for col, (text, _width) in enumerate(columns):
        write_text(sheet, header_row, col, text, fmt.header)
    sheet.set_row(header_row, 36)
    if print_setup:
        setup_page(sheet, header_row, len(columns) - 1)


def _empty_note(sheet: Worksheet, fmt: Formats, row: int, text: str) -> None:
    write_text(sheet, row, 0, text, fmt.plain)


def _due(value: date | str | None) -> date | str:
    """A deadline cell: a real date, or the deadline wording ("Thường xuyên")."""
    return value if isinstance(value, date) else (value or "")


def _unit_label(item: ItemRow) -> str:
    return item.unit_name or item.unit


def _task_cells(index: int, item: ItemRow) -> tuple[str, str, str, str]:
    """STT, Mã NV, Nhiệm vụ, Đơn vị: how the lists of tasks ("Quá hạn" …) begin a row."""
    return str(index), item.task_id, item.title, _unit_label(item)


# --- "Tổng hợp" ------------------------------------------------------------------------------


def _summary_sheet(
    workbook: Any,
    sheet: Worksheet,
    fmt: Formats,
    report: ReportData,
    data: Digest | None = None,
    lines: LineCounts | None = None,
) -> None:
    columns = [("STT", 5), ("Đơn vị", 34), ("Số NV được giao", 10)]
    columns += [(STATUS_LABELS[s], 12) for s in STATUS_ORDER]
    columns += [("Quá hạn", 9), ("Thiếu sản phẩm", 10), ("Đã gửi tệp", 9)]
    last_col = len(columns) - 1
    row = _top(sheet, fmt, report, "BÁO CÁO TỔNG HỢP KẾT QUẢ THỰC HIỆN NHIỆM VỤ", last_col, columns)

    # Summary numbers first: what the chairman reads.
    summary = dict(report.summary) or _default_summary(report)
    # a zero counter says nothing to the reader; the main counts always show
    summary = {k: v for k, v in summary.items() if v or k in ALWAYS_SHOWN}
    for key, value in summary.items():
        write_text(sheet, row, 1, SUMMARY_LABELS.get(key, key), fmt.cell_bold)
        if isinstance(value, int | float) and not isinstance(value, bool):
            sheet.write_number(row, 2, value, fmt.cell_center)
        else:
            write_text(sheet, row, 2, value, fmt.cell_center)
        row += 1
    row += 1

    header_row = row
    _table(sheet, fmt, header_row, columns)
    data = data if data is not None else digest(report)
    # the digest counted every unit's items already (statuses, "_total", "flag:…")
    by_unit = {line.unit: line.counts for line in data.unit_lines}
    units = report.units or [UnitStatus(line.unit, line.name, 0, False) for line in data.unit_lines]
    rank = {line.unit: index for index, line in enumerate(data.unit_lines)}
    units = sorted(units, key=lambda u: rank.get(u.unit, len(rank)))  # worst first
    centre = fmt.cell_center
    rows = _rows(sheet, fmt, columns, [centre, fmt.cell_wrap] + [centre] * last_col, [1], lines)
    for index, unit in enumerate(units, start=1):
        counts = by_unit.get(unit.unit, Counter())
        rows.row(
            header_row + index,
            [
                str(index),
                unit.unit_name or unit.unit,
                unit.expected or counts["_total"],
                *(counts[status] for status in STATUS_ORDER),
                counts["flag:overdue"],
                counts["flag:missing_output"],
                "Có" if unit.returned else "Chưa",
            ],
        )
    # the chart is on the brief ("Tóm tắt"): here it would print over the repeated header
    # rows of a second page


def _default_summary(report: ReportData) -> dict[str, Any]:
    statuses = Counter(item.status for item in report.items)
    flags = Counter(flag for item in report.items for flag in item.flags)
    return {
        "units": len(report.units),
        "units_returned": sum(1 for u in report.units if u.returned),
        "tasks": len({item.task_id for item in report.items}),
        "items": len(report.items),
        **{status: statuses[status] for status in STATUS_ORDER if status != "invalid"},
        "overdue": flags["overdue"],
        "missing_output": flags["missing_output"],
    }


# --- "Chi tiết" ------------------------------------------------------------------------------

DETAIL_COLUMNS = [
    ("STT", 5),
    ("Mã NV", 9),
    ("Nhiệm vụ", 40),
    ("Đơn vị", 22),
    ("Vai trò", 9),
    ("Hạn", 12),
    ("Tình trạng", 14),
    ("Ngày hoàn thành", 12),
    ("Sản phẩm đầu ra", 22),
    ("Sản phẩm đã ban hành (số, ký hiệu)", 24),
    ("Kết quả thực hiện", 34),
    ("Khó khăn, đề xuất", 24),
    ("Cảnh báo", 18),
    ("Ghi chú", 30),
]


def _detail_sheet(
    sheet: Worksheet,
    fmt: Formats,
    extra: _Extra,
    report: ReportData,
    lines: LineCounts | None = None,
) -> None:
    last_col = len(DETAIL_COLUMNS) - 1
    header_row = _top(
        sheet, fmt, report, "CHI TIẾT KẾT QUẢ THỰC HIỆN THEO ĐƠN VỊ", last_col, DETAIL_COLUMNS
    )
    _table(sheet, fmt, header_row, DETAIL_COLUMNS)
    centre, wrap = fmt.cell_center, fmt.cell_wrap
    formats = [centre, centre, wrap, wrap, centre, centre, centre, fmt.cell] + [wrap] * 6
    wrapped = (0, 1, 2, 3, 4, 8, 9, 10, 11, 12, 13)
    rows = _rows(sheet, fmt, DETAIL_COLUMNS, formats, wrapped, lines)
    row = header_row
    for index, item in enumerate(report.items, start=1):
        row += 1
        rows.row(
            row,
            (
                str(index),
                item.task_id,
                item.title if not item.number else f"{item.number}. {item.title}",
                item.unit_name or item.unit,
                ROLE_LABELS.get(item.role, item.role),
                _due(item.due),
                STATUS_LABELS.get(item.status, item.status),
                item.completed or "",
                item.outputs_expected,
                item.documents,
                item.result,
                item.issues,
                flag_labels(item.flags),
                "\n".join(item.messages),
            ),
        )
    if report.items:
        sheet.autofilter(header_row, 0, row, last_col)
        # Overdue rows stand out on screen and on paper; the test reads the flags column text.
        sheet.conditional_format(
            header_row + 1,
            0,
            row,
            last_col,
            {
                "type": "formula",
                "criteria": f'=ISNUMBER(SEARCH("{FLAG_LABELS["overdue"]}",$M{header_row + 2}))',
                "format": extra.overdue,
            },
        )
    else:
        _empty_note(sheet, fmt, header_row + 1, "Chưa có số liệu.")
    if report.stray_rows:
        _stray_rows(sheet, fmt, extra, report, max(row, header_row + 1) + 2, lines)


def _stray_rows(
    sheet: Worksheet,
    fmt: Formats,
    extra: _Extra,
    report: ReportData,
    row: int,
    lines: LineCounts | None = None,
) -> None:
    """Every stray row, below the items and outside the print area (shown on screen only)."""
    sheet.print_area(0, 0, row - 2, len(DETAIL_COLUMNS) - 1)
    write_text(sheet, row, 0, "Dòng lạ trong tệp trả về (không in)", extra.heading)
    wrap = fmt.cell_wrap
    formats = [None, fmt.cell_center, wrap, wrap] + [None] * 9 + [wrap]
    rows = _rows(sheet, fmt, DETAIL_COLUMNS, formats, (2, 3, 13), lines)
    skipped = (None,) * 9  # columns 4-12 stay empty
    for entry in report.stray_rows:
        row += 1
        values = (None, str(entry.row or ""), entry.file, entry.sheet or "", *skipped)
        rows.row(row, (*values, entry.message))


# --- "Quá hạn", "Thiếu sản phẩm" -------------------------------------------------------------


def _overdue_sheet(
    sheet: Worksheet,
    fmt: Formats,
    report: ReportData,
    lines: LineCounts | None = None,
) -> None:
    columns = [
        ("STT", 5),
        ("Mã NV", 9),
        ("Nhiệm vụ", 44),
        ("Đơn vị", 24),
        ("Vai trò", 9),
        ("Hạn", 12),
        ("Số ngày quá hạn", 10),
        ("Tình trạng", 15),
        ("Ghi chú", 36),
    ]
    header_row = _top(sheet, fmt, report, "CÁC NHIỆM VỤ QUÁ HẠN", len(columns) - 1, columns)
    _table(sheet, fmt, header_row, columns)
    items = [i for i in report.items if "overdue" in i.flags]
    items.sort(key=lambda i: (i.due if isinstance(i.due, date) else date.max, i.task_id, i.unit))
    centre, wrap = fmt.cell_center, fmt.cell_wrap
    formats = [centre, centre, wrap, wrap, centre, centre, fmt.cell, centre, wrap]
    rows = _rows(sheet, fmt, columns, formats, (2, 3, 8), lines)
    for index, item in enumerate(items, start=1):
        due = item.due
        rows.row(
            header_row + index,
            (
                *_task_cells(index, item),
                ROLE_LABELS.get(item.role, item.role),
                _due(due),
                (report.as_of - due).days if isinstance(due, date) else "",
                STATUS_LABELS.get(item.status, item.status),
                "\n".join(item.messages),
            ),
        )
    if not items:
        _empty_note(sheet, fmt, header_row + 1, "Không có nhiệm vụ quá hạn.")


def _missing_sheet(
    sheet: Worksheet,
    fmt: Formats,
    report: ReportData,
    lines: LineCounts | None = None,
) -> None:
    columns = [
        ("STT", 5),
        ("Mã NV", 9),
        ("Nhiệm vụ", 40),
        ("Đơn vị", 24),
        ("Sản phẩm đầu ra", 28),
        ("Sản phẩm đã ban hành (số, ký hiệu)", 30),
        ("Ghi chú", 34),
    ]
    header_row = _top(
        sheet, fmt, report, "CÁC NHIỆM VỤ CHƯA CÓ ĐỦ SẢN PHẨM", len(columns) - 1, columns
    )
    _table(sheet, fmt, header_row, columns)
    items = [i for i in report.items if "missing_output" in i.flags]
    formats = [fmt.cell_center] * 2 + [fmt.cell_wrap] * 5
    rows = _rows(sheet, fmt, columns, formats, (2, 3, 4, 5, 6), lines)
    for index, item in enumerate(items, start=1):
        rows.row(
            header_row + index,
            (
                *_task_cells(index, item),
                item.outputs_expected,
                item.documents,
                "\n".join(item.messages),
            ),
        )
    if not items:
        _empty_note(sheet, fmt, header_row + 1, "Không có nhiệm vụ thiếu sản phẩm.")


# --- "Chưa báo cáo" --------------------------------------------------------------------------


def _not_reported_sheet(
    sheet: Worksheet,
    fmt: Formats,
    report: ReportData,
    lines: LineCounts | None = None,
) -> None:
    """One line per unit that owes something: counts by role, then the task ids themselves.

    A units × tasks grid of 20 units by 50 tasks does not fit an A4 page; counts plus the
    list of ids do, and the coordinator can read the reminder letter straight off them.
    """
    columns = [
        ("STT", 5),
        ("Đơn vị", 30),
        ("Đã gửi tệp", 9),
        ("Ngày nhận", 11),
        ("Chủ trì chưa báo cáo", 10),
        ("Phối hợp chưa báo cáo", 10),
        ("Tổng", 7),
        ("Mã NV chủ trì chưa báo cáo", 30),
        ("Mã NV phối hợp chưa báo cáo", 30),
    ]
    header_row = _top(sheet, fmt, report, "ĐƠN VỊ CHƯA BÁO CÁO", len(columns) - 1, columns)
    _table(sheet, fmt, header_row, columns)
    owed: dict[str, dict[str, list[str]]] = {}
    names: dict[str, str] = {}
    for item in report.items:
        names.setdefault(item.unit, _unit_label(item))
        if item.status == "not_reported" or "not_reported" in item.flags:
            roles = owed.setdefault(item.unit, {"lead": [], "coordinate": []})
            roles.setdefault(item.role, []).append(item.task_id)
    statuses = {u.unit: u for u in report.units}
    for unit in report.units:
        names.setdefault(unit.unit, unit.unit_name or unit.unit)
        if not unit.returned:
            owed.setdefault(unit.unit, {"lead": [], "coordinate": []})
    ordered = sorted(owed.items(), key=lambda kv: (-sum(map(len, kv[1].values())), names[kv[0]]))
    centre, wrap = fmt.cell_center, fmt.cell_wrap
    formats = [centre, wrap, centre, fmt.cell, centre, centre, centre, wrap, wrap]
    rows = _rows(sheet, fmt, columns, formats, (1, 7, 8), lines)
    for index, (unit, roles) in enumerate(ordered, start=1):
        status = statuses.get(unit)
        lead, coordinate = roles.get("lead", []), roles.get("coordinate", [])
        received = status.received if status else None
        rows.row(
            header_row + index,
            (
                str(index),
                names[unit],
                "Có" if status and status.returned else "Chưa",
                received if isinstance(received, date) else "",  # datetime is a date too
                len(lead),
                len(coordinate),
                len(lead) + len(coordinate),
                ", ".join(lead),
                ", ".join(coordinate),
            ),
        )
    if not ordered:
        _empty_note(sheet, fmt, header_row + 1, "Tất cả đơn vị đã báo cáo đủ.")


# --- "So với kỳ trước", "Nhật ký" ------------------------------------------------------------


def _changes_sheet(
    sheet: Worksheet,
    fmt: Formats,
    report: ReportData,
    lines: LineCounts | None = None,
) -> None:
    columns = [
        ("STT", 5),
        ("Mã NV", 9),
        ("Đơn vị", 24),
        ("Nội dung", 18),
        ("Kỳ trước", 40),
        ("Kỳ này", 40),
    ]
    header_row = _top(sheet, fmt, report, "THAY ĐỔI SO VỚI KỲ TRƯỚC", len(columns) - 1, columns)
    _table(sheet, fmt, header_row, columns)
    formats = [fmt.cell_center] * 2 + [fmt.cell_wrap] * 4
    rows = _rows(sheet, fmt, columns, formats, (2, 3, 4, 5), lines)
    for index, change in enumerate(report.changes, start=1):
        rows.row(
            header_row + index,
            (
                str(index),
                change.task_id,
                change.unit,
                FIELD_LABELS.get(change.field, change.field),
                _label(change.field, change.before),
                _label(change.field, change.after),
            ),
        )
    if not report.changes:
        _empty_note(sheet, fmt, header_row + 1, "Không có thay đổi (hoặc chưa có kỳ trước).")


def _label(field_name: str, value: str) -> str:
    if field_name == "status":
        return STATUS_LABELS.get(value, value)
    return vn_date(value)  # "2026-09-20" -> "20/09/2026"; other text unchanged


def _file_note(text: str) -> str:
    """A file's state word or "[code] message" as the reader sees it (Vietnamese only)."""
    if text in FILE_STATE_LABELS:
        return FILE_STATE_LABELS[text]
    match = re.match(r"^\[(\w+)\]\s*", text)
    return text[match.end() :] if match else text


def _log_sheet(
    sheet: Worksheet,
    fmt: Formats,
    extra: _Extra,
    report: ReportData,
    lines: LineCounts | None = None,
) -> None:
    # both tables share the sheet's columns, so each column's width suits both headings
    columns = [("STT", 5), ("Tệp", 34), ("Trang", 21), ("Dòng", 12), ("Mã", 18), ("Nội dung", 60)]
    header_row = _top(sheet, fmt, report, "NHẬT KÝ ĐỌC TỆP", len(columns) - 1, columns)
    write_text(sheet, header_row, 0, "1. Các tệp đã đọc", extra.heading)
    files_header = header_row + 1
    file_columns = ("STT", "Tệp", "Nhận diện là", "Mã băm", "Tình trạng", "Cảnh báo")
    for col, text in enumerate(file_columns):
        write_text(sheet, files_header, col, text, fmt.header)
    sheet.set_row(files_header, 36)
    wrap = fmt.cell_wrap
    formats = [fmt.cell_center, wrap, wrap, fmt.cell, wrap, wrap]  # a hash is one word: no wrap
    rows = _rows(sheet, fmt, columns, formats, (1, 2, 4, 5), lines)
    row = files_header
    for index, item in enumerate(report.files, start=1):
        row += 1
        state, notes = "", list(item.warnings)
        if notes and notes[0] in FILE_STATE_LABELS:
            state = FILE_STATE_LABELS[notes.pop(0)]
        rows.row(
            row,
            (
                str(index),
                os.path.basename(item.path),
                item.identified_as,
                item.sha256[:8],
                state,
                "\n".join(_file_note(w) for w in notes),
            ),
        )
    row += 2
    write_text(sheet, row, 0, "2. Cảnh báo khi đọc", extra.heading)
    log_header = row + 1
    _table(sheet, fmt, log_header, columns, print_setup=False)
    setup_page(sheet, None, len(columns) - 1)
    for index, entry in enumerate(report.log, start=1):
        rows.row(
            log_header + index,
            (
                str(index),
                os.path.basename(entry.file),
                entry.sheet or "",
                entry.row if entry.row is not None else "",
                LOG_CODE_LABELS.get(entry.code, entry.code),
                entry.message,
            ),
        )
    sheet.freeze_panes(files_header + 1, 0)
