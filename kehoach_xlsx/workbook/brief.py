"""The one-page brief ("Tóm tắt"), first sheet of the report: what the leader reads first.

One headline sentence, the few counts that matter, the units worst first with a stacked bar
chart of their status, and the ten most pressing tasks by name; the rest stays in the detail
sheets. Printed on one A4 portrait page (fit to one page, so a long unit list shrinks rather
than spills). The numbers come from `digest`, which the draft report (.docx) uses too.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from xlsxwriter.worksheet import Worksheet

from kehoach_xlsx.texts import period_text, vn_date
from kehoach_xlsx.workbook.styles import (
    FONT,
    FONT_SIZE,
    MARGINS,
    Formats,
    merge_text,
    text_lines,
    write_header_block,
    write_text,
)

if TYPE_CHECKING:
    from kehoach_xlsx.workbook.report import ReportData

BRIEF_SHEET = "Tóm tắt"
BRIEF_UNITS = 15  # more units than this: the worst 15, the rest on "Tổng hợp"
PRESSING = 10
PROBLEM_FLAGS = ("overdue", "not_reported", "missing_output")
PRESSING_FLAGS = frozenset(("overdue", "missing_output"))
FONT_9 = {"name": FONT, "size": 9}


@dataclass
class UnitLine:
    unit: str
    name: str
    returned: bool
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def badness(self) -> int:
        return sum(self.counts[f"flag:{flag}"] for flag in PROBLEM_FLAGS)


@dataclass
class Pressing:
    task_id: str
    title: str
    units: list[str]
    due: date | str | None
    problem: str  # "quá hạn 6 ngày", "thiếu sản phẩm"
    days_late: int


@dataclass
class Digest:
    """The counts of a period as the leader reads them (tasks, not task × unit rows)."""

    period: str
    as_of: date
    units: int
    units_returned: int
    tasks: int
    on_track: int
    done: int
    overdue: int
    missing_output: int
    not_reported_tasks: int
    unit_lines: list[UnitLine]
    pressing: list[Pressing]

    @property
    def units_missing(self) -> int:
        return self.units - self.units_returned

    def headline(self) -> str:
        """ "Kỳ tháng 9/2026: 9/12 đơn vị đã báo cáo; 31/42 nhiệm vụ đúng tiến độ; 5 quá hạn;
        3 đơn vị chưa gửi" (a zero count of problems is left out)."""
        parts = [
            f"{self.units_returned}/{self.units} đơn vị đã báo cáo",
            f"{self.on_track}/{self.tasks} nhiệm vụ đúng tiến độ",
        ]
        if self.overdue:
            parts.append(f"{self.overdue} quá hạn")
        if self.missing_output:
            parts.append(f"{self.missing_output} thiếu sản phẩm")
        if self.units_missing:
            parts.append(f"{self.units_missing} đơn vị chưa gửi")
        return f"Kỳ {period_text(self.period)}: " + "; ".join(parts) + "."

    def counts(self) -> list[tuple[str, str]]:
        return [
            ("Đơn vị đã gửi báo cáo", f"{self.units_returned}/{self.units}"),
            ("Nhiệm vụ đúng tiến độ", f"{self.on_track}/{self.tasks}"),
            ("Nhiệm vụ đã hoàn thành", f"{self.done}/{self.tasks}"),
            ("Nhiệm vụ quá hạn", str(self.overdue)),
            ("Nhiệm vụ thiếu sản phẩm", str(self.missing_output)),
            ("Nhiệm vụ chưa được báo cáo", str(self.not_reported_tasks)),
        ]


def digest(report: ReportData) -> Digest:
    """Per task: on track when every unit reported it, none is overdue, no output is missing."""
    by_task: dict[str, list[Any]] = {}
    task_flags: dict[str, set[str]] = {}  # every flag any unit's row of the task has
    lines: dict[str, UnitLine] = {}
    for unit in report.units:
        lines[unit.unit] = UnitLine(unit.unit, unit.unit_name or unit.unit, unit.returned)
    flag_keys: dict[str, str] = {}
    for item in report.items:  # one pass: a province's report has 100,000 items
        line = lines.get(item.unit)
        if line is None:
            line = lines[item.unit] = UnitLine(item.unit, item.unit_name or item.unit, True)
        counts = line.counts
        counts[item.status] += 1
        counts["_total"] += 1
        flags = item.flags
        for flag in flags:
            key = flag_keys.get(flag) or flag_keys.setdefault(flag, f"flag:{flag}")
            counts[key] += 1
        if "unknown_row" in flags:
            continue
        if item.task_id in by_task:
            by_task[item.task_id].append(item)
            task_flags[item.task_id].update(flags)
        else:
            by_task[item.task_id] = [item]
            task_flags[item.task_id] = set(flags)

    on_track = sum(1 for flags in task_flags.values() if flags.isdisjoint(PROBLEM_FLAGS))
    done = sum(
        1
        for items in by_task.values()
        if any(i.status == "done" for i in items if i.role == "lead")
        or all(i.status == "done" for i in items)
    )
    ordered = sorted(
        lines.values(),
        # a unit that sent nothing first, then the most tasks to chase, the most overdue
        key=lambda u: (u.returned, -u.badness, -u.counts["flag:overdue"], u.name),
    )
    return Digest(
        period=report.period,
        as_of=report.as_of,
        units=len(lines),
        units_returned=sum(1 for u in lines.values() if u.returned),
        tasks=len(by_task),
        on_track=on_track,
        done=done,
        overdue=sum(1 for flags in task_flags.values() if "overdue" in flags),
        missing_output=sum(1 for flags in task_flags.values() if "missing_output" in flags),
        not_reported_tasks=sum(1 for flags in task_flags.values() if "not_reported" in flags),
        unit_lines=ordered,
        pressing=pressing_tasks(by_task, report.as_of, task_flags),
    )


def pressing_tasks(
    by_task: dict[str, list[Any]], as_of: date, task_flags: dict[str, set[str]] | None = None
) -> list[Pressing]:
    """Overdue tasks, the longest late first, then tasks done without their output
    (`task_flags`, every flag of a task's rows, lets the tasks without either be skipped)."""
    found: list[Pressing] = []
    for task_id, items in by_task.items():
        if task_flags is not None and not PRESSING_FLAGS & task_flags[task_id]:
            continue
        late = [i for i in items if "overdue" in i.flags]
        missing = [i for i in items if "missing_output" in i.flags]
        if not late and not missing:
            continue
        chosen = late or missing
        due = chosen[0].due
        days = (as_of - due).days if late and isinstance(due, date) else 0
        if late:
            problem = f"quá hạn {days} ngày" if days else "quá hạn"
            if missing:
                problem += ", thiếu sản phẩm"
        else:
            problem = "đã hoàn thành nhưng thiếu sản phẩm"
        units = list(dict.fromkeys(i.unit_name or i.unit for i in chosen))
        found.append(Pressing(task_id, chosen[0].title, units, due, problem, days))
    found.sort(key=lambda p: (-p.days_late, p.problem.startswith("đã"), p.task_id))
    return found


# --- layout ----------------------------------------------------------------------------------

# STT, Đơn vị, Số NV, then one column per status and the two problem counts
COLUMNS = [("STT", 5), ("Đơn vị", 30), ("Số NV", 7)]
SHORT_STATUS = {
    "done": "Đã hoàn thành",
    "in_progress": "Đang thực hiện",
    "not_started": "Chưa thực hiện",
    "cannot_do": "Không thực hiện được",
    "invalid": "Không hợp lệ",
    "not_reported": "Chưa báo cáo",
}


def write_brief_sheet(
    workbook: Any,
    sheet: Worksheet,
    fmt: Formats,
    report: ReportData,
    colours: dict[str, str],
    data: Digest | None = None,
) -> None:
    """Lay the brief out on one A4 portrait page (rows written in order: constant memory);
    `data` is `digest(report)` when the caller has it already."""
    from kehoach_xlsx.workbook.report import STATUS_ORDER

    data = data if data is not None else digest(report)
    statuses = [s for s in STATUS_ORDER if any(u.counts[s] for u in data.unit_lines)] or [
        "not_reported"
    ]
    columns = COLUMNS + [(SHORT_STATUS[s], 9) for s in statuses] + [("Quá hạn", 8)]
    columns += [("Thiếu sản phẩm", 9)]
    last_col = len(columns) - 1
    for col, (_, width) in enumerate(columns):
        sheet.set_column(col, col, width)
    total_width = sum(width for _, width in columns)
    headline = workbook.add_format(
        {"font_name": FONT, "font_size": 13, "bold": True, "text_wrap": True, "valign": "top"}
    )
    note = workbook.add_format(
        {"font_name": FONT, "font_size": 11, "italic": True, "text_wrap": True, "valign": "top"}
    )
    plan_line = report.plan_title
    if report.plan_number:
        plan_line = f"{plan_line} (Kế hoạch số {report.plan_number})".strip()
    row = write_header_block(
        sheet,
        fmt,
        report.issuer,
        ["TÓM TẮT TÌNH HÌNH THỰC HIỆN KẾ HOẠCH", plan_line],
        last_col=last_col,
        split_col=2,
        info_lines=[
            f"Kỳ báo cáo: {period_text(report.period, capital=True)}. "
            f"Số liệu đến ngày {vn_date(report.as_of)}."
        ],
    )
    text = data.headline()
    merge_text(sheet, row, 0, row, last_col, text, headline)
    sheet.set_row(row, _height(text, total_width, 13))
    row += 2
    for label, value in data.counts():
        write_text(sheet, row, 1, label, fmt.cell_bold)
        merge_text(sheet, row, 2, row, 3, value, fmt.cell_center)
        row += 1
    explain = "Đúng tiến độ: mọi đơn vị đã báo cáo, không quá hạn, không thiếu sản phẩm."
    merge_text(sheet, row, 1, row, last_col, explain, note)
    row += 2

    header_row = row
    for col, (label, _) in enumerate(columns):
        write_text(sheet, header_row, col, label, fmt.header)
    sheet.set_row(header_row, 48)
    shown = data.unit_lines[:BRIEF_UNITS]
    for index, unit in enumerate(shown, start=1):
        row = header_row + index
        name = unit.name if unit.returned else f"{unit.name} (chưa gửi)"
        write_text(sheet, row, 0, str(index), fmt.cell_center)
        write_text(sheet, row, 1, name, fmt.cell_wrap)
        sheet.write_number(row, 2, unit.counts["_total"], fmt.cell_center)
        for offset, status in enumerate(statuses):
            sheet.write_number(row, 3 + offset, unit.counts[status], fmt.cell_center)
        base = 3 + len(statuses)
        sheet.write_number(row, base, unit.counts["flag:overdue"], fmt.cell_center)
        sheet.write_number(row, base + 1, unit.counts["flag:missing_output"], fmt.cell_center)
        lines = text_lines(name, columns[1][1])
        if lines > 1:
            sheet.set_row(row, round(lines * FONT_SIZE * 1.18 + 4, 1))
    row = header_row + len(shown) + 1
    if len(data.unit_lines) > len(shown):
        rest = len(data.unit_lines) - len(shown)
        merge_text(
            sheet, row, 1, row, last_col,
            f"… và {rest} đơn vị khác (xem trang “Tổng hợp”).", note,
        )  # fmt: skip
        row += 1
    row += 1
    if shown:
        height = max(260, 22 * len(shown) + 120)
        width = int(total_width * 7 + 5 * len(columns))  # a width unit is about 7 px
        most = max(u.counts["_total"] for u in shown)
        chart = _chart(workbook, sheet, header_row + 1, header_row + len(shown), statuses, colours)
        # whole tasks on the axis, about ten ticks at most: never "0,5"
        chart.set_x_axis(
            {"name": "Số nhiệm vụ", "num_font": FONT_9, "name_font": FONT_9, "min": 0,
             "major_unit": max(1, -(-most // 10)), "num_format": "0"}
        )  # fmt: skip
        chart.set_size({"width": width, "height": height})
        sheet.insert_chart(row, 0, chart, {"object_position": 3})
        row += -(-height // 20) + 1  # default rows are 20 px high
    title = "CÁC NHIỆM VỤ CẦN ĐÔN ĐỐC"
    if len(data.pressing) > PRESSING:
        title += (
            f" (10 trong số {len(data.pressing)}; còn lại xem trang “Quá hạn”, “Thiếu sản phẩm”)"
        )
    merge_text(sheet, row, 0, row, last_col, title, fmt.bold)
    row += 1
    if not data.pressing:
        merge_text(
            sheet,
            row,
            0,
            row,
            last_col,
            "Không có nhiệm vụ quá hạn hoặc thiếu sản phẩm.",
            fmt.plain,
        )
        row += 1
    for index, item in enumerate(data.pressing[:PRESSING], start=1):
        due = vn_date(item.due) if item.due else ""
        when = f" (hạn {due})" if due and any(ch.isdigit() for ch in due) else ""
        text = f"{index}. {item.title} [{item.task_id}] – {', '.join(item.units)}: {item.problem}{when}."
        merge_text(sheet, row, 0, row, last_col, text, fmt.plain_wrap)
        sheet.set_row(row, _height(text, total_width, FONT_SIZE))
        row += 1
    _page(sheet)


def _height(text: str, width: float, size: int) -> float:
    return round(text_lines(text, width) * size * 1.25 + 4, 1)


def _chart(
    workbook: Any,
    sheet: Worksheet,
    first: int,
    last: int,
    statuses: list[str],
    colours: dict[str, str],
) -> Any:
    """Stacked bars by unit, worst at the top, from the brief's own unit table."""
    chart = workbook.add_chart({"type": "bar", "subtype": "stacked"})
    name = sheet.get_name()
    for offset, status in enumerate(statuses):
        col = 3 + offset
        chart.add_series(
            {
                "name": SHORT_STATUS[status],
                "categories": [name, first, 1, last, 1],
                "values": [name, first, col, last, col],
                "fill": {"color": colours[status]},
                "gap": 50,
            }
        )
    font = FONT_9
    chart.set_title(
        {"name": "Tình trạng thực hiện theo đơn vị", "name_font": {"name": FONT, "size": 11}}
    )
    chart.set_y_axis({"reverse": True, "num_font": font})
    chart.set_legend({"position": "bottom", "font": font})
    return chart


def _page(sheet: Worksheet) -> None:
    """A4 portrait, Decree 30 margins, everything on one page."""
    sheet.set_paper(9)
    sheet.set_portrait()
    sheet.set_margins(**MARGINS)
    sheet.fit_to_pages(1, 1)
    sheet.center_horizontally()
    sheet.hide_gridlines(2)


def write_brief(path: Any, report: ReportData, colours: dict[str, str]) -> None:
    """The brief alone in its own workbook (what `merge --pdf` prints as tom-tat_<kỳ>.pdf)."""
    from kehoach_xlsx.workbook.styles import atomic_workbook

    with atomic_workbook(path, title=f"Tóm tắt kỳ {period_text(report.period)}") as workbook:
        sheet = workbook.add_worksheet(BRIEF_SHEET)
        write_brief_sheet(workbook, sheet, Formats(workbook), report, colours)
