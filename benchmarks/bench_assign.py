"""Benchmark: write_assignment (20 sections x 500 rows) vs bare XlsxWriter, same cells.

    .venv/bin/python benchmarks/bench_assign.py             # 20 x 500 = 10,000 tasks
    .venv/bin/python benchmarks/bench_assign.py --count 50  # 20 x 50, quick

"Bare" writes the same values (task rows, section rows, units, warnings, guide) with
write_string and three formats, `{"in_memory": True}`; no merges, row heights, validation,
page setup, spare formatted rows or atomic rename. Target: <= 1.3x.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import xlsxwriter

from kehoach_xlsx.model import Plan, PlanMeta, PlanWarning, Section, Task, Unit
from kehoach_xlsx.workbook.assign import ASSIGN_GUIDE, ASSIGN_HEADERS, join_list, write_assignment

TITLE = (
    "Rà soát, lập danh mục văn bản QPPL của HĐND phường cần bãi bỏ, sửa đổi; tham mưu ban hành "
    "văn bản thay thế theo thẩm quyền"
)


def make_plan(sections: int, per_section: int) -> tuple[Plan, list[Unit], dict, list]:
    plan = Plan(meta=PlanMeta(number="143/KH-UBND", issuer="ỦY BAN NHÂN DÂN\nPHƯỜNG AN BIÊN"))
    schedules = {}
    number = 0
    for s in range(1, sections + 1):
        plan.sections.append(Section(id=f"B.{s}", number=str(s), title=f"NHÓM NHIỆM VỤ {s}"))
        for _ in range(per_section):
            number += 1
            task_id = f"B.{s}.{number}"
            plan.tasks.append(
                Task(
                    id=task_id,
                    number=str(number),
                    section=f"B.{s}",
                    title=f"{number}. {TITLE}",
                    lead=["Văn phòng HĐND và UBND"],
                    coordinate=["Các phòng chuyên môn, đơn vị thuộc phường", "Công an phường"],
                    outputs=["Kế hoạch", "Báo cáo kết quả"],
                    deadline_text="Quý IV hằng năm",
                )
            )
            schedules[task_id] = ("quarterly", "Quý IV: hạn 31/12 mỗi năm")
    units = [Unit(code=f"U{i}", name=f"Đơn vị số {i}", email=f"u{i}@x.vn") for i in range(25)]
    warnings = [PlanWarning("count_mismatch", f"Cảnh báo {i}", "plan.txt", i) for i in range(30)]
    return plan, units, schedules, warnings


def bare(path: Path, plan: Plan, units, schedules, warnings) -> None:
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    text = book.add_format({"font_name": "Times New Roman", "text_wrap": True, "border": 1})
    bold = book.add_format({"font_name": "Times New Roman", "bold": True, "border": 1})
    yellow = book.add_format({"bg_color": "#FFF2CC", "border": 1})
    sheet = book.add_worksheet("Phân công")
    for col, header in enumerate(ASSIGN_HEADERS):
        sheet.write_string(0, col, header, bold)
    row = 0
    current = None
    for task in plan.tasks:
        if task.section != current:
            current = task.section
            row += 1
            section = next(s for s in plan.sections if s.id == current)
            sheet.write_string(row, 1, section.number, bold)
            sheet.write_string(row, 2, section.title, bold)
        row += 1
        kind, explain = schedules[task.id]
        values = (
            task.id,
            task.number,
            task.title,
            join_list(task.lead),
            join_list(task.coordinate),
            join_list(task.outputs),
            task.deadline_text,
        )
        for col, value in enumerate(values):
            sheet.write_string(row, col, value, text)
        sheet.write_blank(row, 7, None, yellow)
        sheet.write_string(row, 8, f"Hằng quý: {explain}", text)
        sheet.write_blank(row, 9, None, yellow)
    unit_sheet = book.add_worksheet("Đơn vị")
    for r, unit in enumerate(units, start=1):
        for col, value in enumerate((unit.code, unit.name, "", "", unit.email, "", "")):
            if value:
                unit_sheet.write_string(r, col, value, text)
    check = book.add_worksheet("Cần kiểm tra")
    for r, w in enumerate(warnings, start=1):
        for col, value in enumerate((w.code, w.message, w.file, str(w.line))):
            check.write_string(r, col, value, text)
    guide = book.add_worksheet("Hướng dẫn")
    for r, line in enumerate(ASSIGN_GUIDE):
        guide.write_string(r, 0, line, text)
    book.close()


def best_of(repeat: int, func) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sections", type=int, default=20)
    parser.add_argument("--count", type=int, default=500, help="tasks per section")
    parser.add_argument("--repeat", type=int, default=3, help="best of N runs")
    args = parser.parse_args()
    plan, units, schedules, warnings = make_plan(args.sections, args.count)
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        plain = best_of(args.repeat, lambda: bare(out / "b.xlsx", plan, units, schedules, warnings))
        ours = best_of(
            args.repeat,
            lambda: write_assignment(out / "phan-cong.xlsx", plan, units, schedules, warnings),
        )
    print(f"{len(plan.tasks)} tasks in {args.sections} sections (best of {args.repeat})")
    print(f"bare XlsxWriter    {plain:8.2f} s")
    print(f"write_assignment   {ours:8.2f} s")
    print(f"ratio ours/bare = {ours / plain:.2f}  (target <= 1.3)")


if __name__ == "__main__":
    main()
