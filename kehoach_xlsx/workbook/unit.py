"""One protected, self-identifying report workbook per unit and period.

Layout contract: docs/design.md, "Unit workbook". Choices made here (see also the
"Hướng dẫn" sheet the users read):
- "Hạn" is written as text (dd/mm/yyyy or the plan's wording): the column mixes dates and
  wording, and the fingerprint must see exactly the text we wrote, whatever a save does.
- "Ngày hoàn thành" is a real date cell (dd/mm/yyyy) so no locale misreads 01/11.
- Validation uses the "warning" style, not "stop": users paste over validation anyway, and
  a value we do not know is better kept and flagged by the merge than lost.
- The sheet is protected without a password, so nobody is ever asked for one; it guards
  against accidents (typing over a task), not against a determined user.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kehoach_xlsx.model import PlanWarning
from kehoach_xlsx.workbook.fastwrite import FastWorkbook
from kehoach_xlsx.workbook.identity import BookIdentity, fingerprint, write_identity
from kehoach_xlsx.workbook.styles import (
    Formats,
    atomic_workbook,
    format_date,
    rows_height,
    setup_page,
    write_date,
    write_guide,
    write_header_block,
    write_text,
)

REPORT_SHEET = "Báo cáo"
GUIDE_SHEET = "Hướng dẫn"

# (header text, width in characters, input column?) — header texts are the design contract.
COLUMNS: tuple[tuple[str, float, bool], ...] = (
    ("STT", 5, False),
    ("Mã NV", 9, False),
    ("Nhiệm vụ", 48, False),
    ("Vai trò", 10, False),
    ("Sản phẩm đầu ra", 28, False),
    ("Hạn", 14, False),
    ("Tình trạng", 17, True),
    ("Ngày hoàn thành", 13, True),
    ("Kết quả thực hiện", 38, True),
    ("Sản phẩm đã ban hành (số, ký hiệu)", 30, True),
    ("Khó khăn, đề xuất", 28, True),
)
HEADERS = tuple(text for text, _, _ in COLUMNS)
WIDTHS = tuple(width for _, width, _ in COLUMNS)
CARRIED_TEXT = ((8, "result"), (9, "documents"), (10, "issues"))
LAST_COL = len(COLUMNS) - 1
COL = {text: index for index, text in enumerate(HEADERS)}

ROLE_LABELS = {"lead": "Chủ trì", "coordinate": "Phối hợp"}
STATUS_LABELS = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "done": "Đã hoàn thành",
    "cannot_do": "Không thực hiện được",
}
DATE_MIN = date(2000, 1, 1)
DATE_MAX = date(2100, 12, 31)

GUIDE_LINES = (
    ("HƯỚNG DẪN ĐIỀN BÁO CÁO", "title"),
    (
        "1. Mở trang “Báo cáo”. Mỗi dòng là một nhiệm vụ đơn vị được giao (chủ trì hoặc phối hợp).",
        "",
    ),
    (
        "2. Chỉ điền vào các ô nền vàng: Tình trạng, Ngày hoàn thành, Kết quả thực hiện, "
        "Sản phẩm đã ban hành (số, ký hiệu), Khó khăn, đề xuất. Các ô khác đã khóa để tránh sửa nhầm.",
        "",
    ),
    (
        "3. Tình trạng: chọn trong danh sách (Chưa thực hiện, Đang thực hiện, Đã hoàn thành, "
        "Không thực hiện được).",
        "",
    ),
    ("4. Ngày hoàn thành: nhập ngày dạng dd/mm/yyyy, ví dụ 05/09/2026.", ""),
    (
        "5. Sản phẩm đã ban hành: ghi số, ký hiệu, ngày của văn bản, ví dụ "
        "“Kế hoạch số 12/KH-UBND ngày 05/9/2026”. Nhiều văn bản thì ngăn cách bằng dấu chấm phẩy (;).",
        "",
    ),
    (
        "6. Không đổi tên trang, không xóa, thêm hoặc đổi thứ tự các dòng nhiệm vụ, không xóa cột. "
        "Trang tính được khóa không có mật khẩu (Review/Xem lại → Unprotect Sheet/Bỏ bảo vệ trang "
        "tính) chỉ để tránh sửa nhầm; xin đừng bỏ khóa.",
        "",
    ),
    ("7. Nếu các ô đã điền sẵn nội dung kỳ trước, hãy cập nhật lại cho kỳ này.", ""),
    (
        "8. Lưu tệp (giữ định dạng .xlsx nếu được; .xls hoặc .ods cũng nhận) và gửi lại cho "
        "đầu mối theo địa chỉ ghi ở trang “Báo cáo”, trước hạn gửi báo cáo. Có thể đổi tên tệp.",
        "",
    ),
    ("9. Nhiệm vụ giao chưa đúng đơn vị hoặc cần điều chỉnh: ghi vào cột “Khó khăn, đề xuất”.", ""),
)


@dataclass
class UnitRow:
    """One task as it goes to a unit: assigned texts plus last period's answers, if any."""

    task_id: str
    number: str | None
    title: str
    role: str  # "lead" | "coordinate"
    outputs: list[str] = field(default_factory=list)
    due: date | None = None
    deadline_text: str = ""
    carried: dict[str, Any] | None = None  # status/completed/result/documents/issues


@dataclass
class UnitBookSpec:
    """Everything one unit workbook shows."""

    identity: BookIdentity
    issuer: str
    contact: str
    rows: list[UnitRow]
    plan_title: str = ""


@dataclass
class WrittenBook:
    """What was written: where, its id, task_id -> (1-based row, fingerprint), warnings."""

    path: Path
    workbook_id: str
    rows: dict[str, tuple[int, str]]
    warnings: list[PlanWarning] = field(default_factory=list)


def due_display(row: UnitRow) -> str:
    """The "Hạn" cell text: dd/mm/yyyy when there is a date, else the plan's wording."""
    if row.due is not None:
        return format_date(row.due)
    return row.deadline_text or ""


def outputs_joined(outputs: Sequence[str]) -> str:
    return "; ".join(item.strip() for item in outputs if item and item.strip())


def period_label(period: str) -> str:
    """ "2026-09" -> "Tháng 09/2026", "2026-Q3" -> "Quý III/2026", "2026-H2" -> "6 tháng cuối năm 2026"."""
    text = (period or "").strip()
    parts = text.split("-")
    if len(parts) == 1 and text.isdigit():
        return f"Năm {text}"
    if len(parts) == 2 and parts[0].isdigit():
        year, rest = parts
        rest = rest.upper()
        if rest.isdigit():
            return f"Tháng {int(rest):02d}/{year}"
        if rest in {"Q1", "Q2", "Q3", "Q4"}:
            return f"Quý {('I', 'II', 'III', 'IV')[int(rest[1]) - 1]}/{year}"
        if rest == "H1":
            return f"6 tháng đầu năm {year}"
        if rest == "H2":
            return f"6 tháng cuối năm {year}"
    return text


def _carried_status(value: Any) -> str:
    text = "" if value is None else str(value).strip()
    return STATUS_LABELS.get(text, text)


def write_unit_book(spec: UnitBookSpec, path: str | os.PathLike[str]) -> WrittenBook:
    """Write one unit's workbook atomically; return its row map and any warnings."""
    identity = spec.identity
    warnings: list[PlanWarning] = []
    written: dict[str, tuple[int, str]] = {}
    identity_rows: list[tuple[str, str, str, int]] = []
    created = identity.generated or datetime.now()
    if created.tzinfo is not None:
        created = created.replace(tzinfo=None)
    plan_line = spec.plan_title or identity.plan_title
    with atomic_workbook(
        path,
        workbook_class=FastWorkbook,  # the same bytes, written faster
        title=f"Báo cáo {period_label(identity.period)} – {identity.unit_name}",
        subject=plan_line,
        author="kehoach_xlsx",
        company=spec.issuer.replace("\n", " "),
        created=created,
    ) as workbook:
        workbook.set_custom_property("kehoach_workbook_id", identity.workbook_id)
        fmt = Formats(workbook)
        sheet = workbook.add_worksheet(REPORT_SHEET)
        guide = workbook.add_worksheet(GUIDE_SHEET)
        for index, (_, width, _) in enumerate(COLUMNS):
            sheet.set_column(index, index, width)

        plan_ref = identity.plan_number and f"(Kèm theo Kế hoạch số {identity.plan_number})"
        header_row = write_header_block(
            sheet,
            fmt,
            spec.issuer,
            [
                "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
                plan_line,
                plan_ref or "",
            ],
            last_col=LAST_COL,
            split_col=3,
            info_lines=[
                # one field a line (the return reader splits the cell on line breaks);
                # a field without a value is left out rather than printed empty
                "\n".join(
                    f"{label}: {value}"
                    for label, value in (
                        ("Đơn vị báo cáo", identity.unit_name),
                        ("Kỳ báo cáo", period_label(identity.period)),
                        ("Hạn gửi báo cáo", format_date(identity.due)),
                    )
                    if value
                ),
                spec.contact,
            ],
        )
        for col, text in enumerate(HEADERS):
            write_text(sheet, header_row, col, text, fmt.header)
        sheet.set_row(header_row, 48)

        row = header_row
        put_row = getattr(sheet, "put_row", None)  # FastWorksheet
        for number, item in enumerate(spec.rows, start=1):
            if item.task_id in written:
                warnings.append(
                    PlanWarning(
                        code="duplicate_task",
                        message=(
                            f"Nhiệm vụ {item.task_id} được giao hai lần cho {identity.unit_name}; "
                            "chỉ ghi một dòng."
                        ),
                        file=str(path),
                    )
                )
                continue
            row += 1
            due_text = due_display(item)
            outputs = outputs_joined(item.outputs)
            role_label = ROLE_LABELS.get(item.role, item.role)
            context = f"nhiệm vụ {item.task_id}"
            carried = item.carried or {}
            completed = _completed(carried)
            cells = [
                (str(number), fmt.cell_center),
                (item.task_id, fmt.cell_center),
                (item.title, fmt.cell_wrap),
                (role_label, fmt.cell_center),
                (outputs, fmt.cell_wrap),
                (due_text, fmt.cell_center),
                (_carried_status(carried.get("status")), fmt.input),
                ("" if isinstance(completed, date) else completed or "", fmt.input_date),
                *((carried.get(key) or "", fmt.input) for _, key in CARRIED_TEXT),
            ]
            # the whole row at once when every text is short; else cell by cell, with checks
            if put_row is not None and put_row(row, 0, cells):
                if isinstance(completed, date):
                    write_date(sheet, row, 7, completed, fmt.input_date)
            else:
                write_text(sheet, row, 0, str(number), fmt.cell_center)
                write_text(sheet, row, 1, item.task_id, fmt.cell_center)
                write_text(
                    sheet, row, 2, item.title, fmt.cell_wrap, context=context, warnings=warnings
                )
                write_text(sheet, row, 3, role_label, fmt.cell_center)
                write_text(
                    sheet, row, 4, outputs, fmt.cell_wrap, context=context, warnings=warnings
                )
                write_text(
                    sheet, row, 5, due_text, fmt.cell_center, context=context, warnings=warnings
                )
                _write_inputs(sheet, row, carried, completed, fmt, context, warnings)
            height = rows_height(
                [(item.title, WIDTHS[2]), (outputs, WIDTHS[4]), (due_text, WIDTHS[5])]
                + [(str(carried.get(key) or ""), WIDTHS[col]) for col, key in CARRIED_TEXT]
            )
            if height:
                sheet.set_row(row, height)
            print_ = fingerprint(item.task_id, item.title, item.role, outputs, due_text)
            written[item.task_id] = (row + 1, print_)
            identity_rows.append((item.task_id, print_, item.role, row + 1))

        first_data, last_data = header_row + 1, max(row, header_row + 1)
        _add_validations(sheet, first_data, last_data)
        setup_page(sheet, header_row, LAST_COL)
        sheet.autofilter(header_row, 0, last_data, LAST_COL)
        sheet.protect(
            "",
            {
                "format_columns": True,
                "format_rows": True,
                "sort": True,
                "autofilter": True,
                "select_locked_cells": True,
                "select_unlocked_cells": True,
            },
        )
        sheet.activate()
        if spec.rows:
            sheet.set_selection(first_data, COL["Tình trạng"], first_data, COL["Tình trạng"])

        _write_guide(guide, fmt, spec.contact)
        write_identity(workbook, identity, identity_rows)
    return WrittenBook(Path(path), identity.workbook_id, written, warnings)


def _completed(carried: dict[str, Any]) -> Any:
    """Last period's completion date: a date when it reads as one, else as the unit wrote it."""
    completed = carried.get("completed")
    if isinstance(completed, str) and completed.strip():
        try:
            return date.fromisoformat(completed.strip()[:10])
        except ValueError:
            pass  # keep a unit's own wording as text
    return completed


def _write_inputs(
    sheet: Any,
    row: int,
    carried: dict[str, Any],
    completed: Any,
    fmt: Formats,
    context: str,
    warnings: list[PlanWarning],
) -> None:
    """The five yellow input cells, prefilled with last period's answers when given."""
    write_text(sheet, row, 6, _carried_status(carried.get("status")), fmt.input)
    if isinstance(completed, date | datetime):
        write_date(sheet, row, 7, completed, fmt.input_date)
    else:
        write_text(sheet, row, 7, completed or "", fmt.input_date)
    for col, key in CARRIED_TEXT:
        write_text(
            sheet, row, col, carried.get(key) or "", fmt.input, context=context, warnings=warnings
        )


def _add_validations(sheet: Any, first: int, last: int) -> None:
    status_col = COL["Tình trạng"]
    sheet.data_validation(
        first,
        status_col,
        last,
        status_col,
        {
            "validate": "list",
            "source": list(STATUS_LABELS.values()),
            "input_title": "Tình trạng",
            "input_message": "Chọn một tình trạng trong danh sách.",
            "error_title": "Tình trạng chưa đúng",
            "error_message": (
                "Nên chọn một trong: Chưa thực hiện, Đang thực hiện, Đã hoàn thành, "
                "Không thực hiện được. Bấm Yes/Có để giữ giá trị đã nhập."
            ),
            "error_type": "warning",
        },
    )
    date_col = COL["Ngày hoàn thành"]
    sheet.data_validation(
        first,
        date_col,
        last,
        date_col,
        {
            "validate": "date",
            "criteria": "between",
            "minimum": DATE_MIN,
            "maximum": DATE_MAX,
            "input_title": "Ngày hoàn thành",
            "input_message": "Nhập ngày dạng dd/mm/yyyy",
            "error_title": "Ngày chưa đúng",
            "error_message": (
                "Nhập ngày dạng dd/mm/yyyy, từ 01/01/2000 đến 31/12/2100. "
                "Bấm Yes/Có để giữ giá trị đã nhập."
            ),
            "error_type": "warning",
        },
    )


def _write_guide(sheet: Any, fmt: Formats, contact: str) -> None:
    lines = list(GUIDE_LINES)
    if contact.strip():
        lines += [("", ""), (f"Liên hệ: {contact.strip()}", "")]
    write_guide(sheet, fmt, lines)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True})


def _write_one(job: tuple[UnitBookSpec, str | os.PathLike[str]]) -> WrittenBook:
    spec, path = job
    return write_unit_book(spec, path)


def write_unit_books(
    specs_and_paths: Iterable[tuple[UnitBookSpec, str | os.PathLike[str]]],
    processes: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[WrittenBook]:
    """Write many unit workbooks, in a process pool when `processes` > 1; results keep order.

    processes=None: every core when there are enough books to repay starting the pool.
    `progress(done, total)` is called after each book.
    """
    from kehoach_xlsx.platform import map_in_workers

    jobs = list(specs_and_paths)
    total = len(jobs)
    if processes is None:
        processes = (os.cpu_count() or 1) if total >= 16 else 1
    processes = max(1, min(processes, total or 1))
    # workers die with us and fall back to this process when they cannot start (spawn)
    return map_in_workers(_write_one, jobs, processes, progress)
