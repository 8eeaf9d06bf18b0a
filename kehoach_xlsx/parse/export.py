"""A plain task list workbook for `kehoach parse -o tasks.xlsx`."""

from __future__ import annotations

import io
from pathlib import Path

import xlsxwriter

from kehoach_xlsx.fileio import atomic_write_bytes
from kehoach_xlsx.model import Plan

HEADERS = (
    "Mã NV",
    "TT",
    "Mục",
    "Nhiệm vụ",
    "Chủ trì",
    "Phối hợp",
    "Sản phẩm đầu ra",
    "Tiến độ",
    "Nguồn",
)
WIDTHS = (10, 6, 8, 60, 30, 30, 30, 24, 22)


def write_tasks_workbook(plan: Plan, path: Path) -> None:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    header = workbook.add_format(
        {
            "bold": True,
            "font_name": "Times New Roman",
            "border": 1,
            "text_wrap": True,
            "valign": "top",
        }
    )
    cell = workbook.add_format(
        {"font_name": "Times New Roman", "border": 1, "text_wrap": True, "valign": "top"}
    )
    sheet = workbook.add_worksheet("Nhiệm vụ")
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.freeze_panes(1, 0)
    for col, (title, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, header)
    for row, task in enumerate(plan.tasks, start=1):
        source = f"{task.source.file}:{task.source.line}" if task.source else ""
        values = (
            task.id,
            task.number or "",
            task.section or "",
            task.title,
            "\n".join(task.lead),
            "\n".join(task.coordinate),
            "\n".join(task.outputs),
            task.deadline_text,
            source,
        )
        for col, value in enumerate(values):
            sheet.write_string(row, col, value[:32767], cell)
    sheet.autofilter(0, 0, max(len(plan.tasks), 1), len(HEADERS) - 1)
    workbook.close()
    atomic_write_bytes(Path(path), buffer.getvalue())
