"""When a schedule falls due: its occurrences, the next due date, the due in a reporting period,
and the sentence telling the coordinator how it was understood. Rules: see `deadlines.py`.
"""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, timedelta

from kehoach_xlsx import vntext
from kehoach_xlsx.deadline_model import (
    _RECURRING,
    _ROMAN_OUT,
    KIND_LABELS,
    Period,
    PeriodDue,
    Schedule,
    _fmt,
    _month_end,
    _tags_out,
    make_period,
)

# --------------------------------------------------------------------------------------------
# Occurrences of recurring schedules


def _window(schedule: Schedule, year: int, index: int) -> tuple[date, date]:
    """(start, due) of one occurrence: index is the month/quarter/half number (1 for yearly)."""
    if schedule.kind in ("monthly", "quarterly", "half_yearly"):
        unit = {"monthly": "month", "quarterly": "quarter", "half_yearly": "half"}[schedule.kind]
        p = make_period(unit, year, index)
        if not schedule.day:
            return p.start, p.end
        # "ngày 15 tháng cuối quý", "trước ngày 25 hằng tháng", "ngày 5 tháng sau"
        month_index = (
            p.start.month - 1 + (schedule.period_month or (p.end.month - p.start.month + 1)) - 1
        )
        y, m = year + month_index // 12, month_index % 12 + 1
        return p.start, date(y, m, min(schedule.day, calendar.monthrange(y, m)[1]))
    # yearly
    if schedule.month and schedule.day:
        last = calendar.monthrange(year, schedule.month)[1]
        due = date(year, schedule.month, min(schedule.day, last))
        return (date(year, 1, 1) if schedule.before else due.replace(day=1)), due
    if schedule.quarter:
        p = make_period("quarter", year, schedule.quarter)
        return p.start, p.end
    if schedule.half:
        p = make_period("half", year, schedule.half)
        return p.start, p.end
    if schedule.month:
        return date(year, schedule.month, 1), _month_end(year, schedule.month)
    return date(year, 1, 1), date(year, 12, 31)


def _per_year(schedule: Schedule) -> int:
    return {"monthly": 12, "quarterly": 4, "half_yearly": 2}.get(schedule.kind, 1)


def _windows(schedule: Schedule, lo: date, hi: date) -> list[tuple[date, date]]:
    """Occurrence windows overlapping [lo, hi] and the schedule's own bounds, in order."""
    if schedule.kind == "weekly":
        return _weekly_windows(schedule, lo, hi)
    result = []
    for year in range(max(lo.year - 1, 1900), min(hi.year + 1, 2200) + 1):
        for index in range(1, _per_year(schedule) + 1):
            start, due = _window(schedule, year, index)
            if start > hi or due < lo:
                continue
            if schedule.start and due < schedule.start:
                continue
            if schedule.end and start > schedule.end:
                continue
            result.append((start, due))
    return result


def _weekly_windows(schedule: Schedule, lo: date, hi: date) -> list[tuple[date, date]]:
    """One window per named weekday (Monday of its week, that day); the week's end (Sunday)
    when no day is named. Bounded to a few years: callers ask about periods, not ages."""
    days = schedule.weekdays or (6,)
    if schedule.start:
        lo = max(lo, schedule.start)
    if schedule.end:
        hi = min(hi, schedule.end)
    hi = min(hi, lo + timedelta(days=3 * 366)) if lo.year < 9990 else lo
    result = []
    day = lo
    while day <= hi:
        if day.weekday() in days:
            result.append((day - timedelta(days=day.weekday()), day))
        if day >= date(9999, 12, 24):
            break
        day += timedelta(days=1)
    return result


def _continued(schedule: Schedule) -> Schedule:
    """An open-ended span after its end: the recurrence that follows ("và các năm tiếp theo")."""
    assert schedule.end is not None
    return replace(
        schedule,
        kind=schedule.repeat or "yearly",
        start=schedule.end + timedelta(days=1),
        end=None,
        due=None,
        repeat=None,
    )


# --------------------------------------------------------------------------------------------
# Questions callers ask of a schedule


def next_due(schedule: Schedule, as_of: date) -> date | None:
    """The first due date on or after as_of for recurring kinds; the fixed date for once and
    relative (even if already past), the end for a span (None once an open-ended span has
    become continuous), None for continuous, event, unknown and relative without plan date.
    """
    if schedule.parts:
        found = [d for d in (next_due(p, as_of) for p in schedule.parts) if d]
        upcoming = [d for d in found if d >= as_of]
        if upcoming:
            return min(upcoming)
        return max(found) if found else None
    if schedule.kind in ("once", "relative"):
        return schedule.due
    if schedule.kind == "span":
        if schedule.open_ended and schedule.end and as_of > schedule.end:
            return None if schedule.end.year >= 2200 else next_due(_continued(schedule), as_of)
        return schedule.end
    if schedule.recurring:
        # Two years ahead covers every kind; later ones only if the schedule starts later.
        lo = max(as_of, schedule.start) if schedule.start else as_of
        if lo.year > 2200:
            return None
        for _start, due in _windows(schedule, lo, date(lo.year + 2, 12, 31)):
            if due >= as_of:
                return due
        return None
    return None


def due_in_period(schedule: Schedule, period: Period, override: date | None = None) -> PeriodDue:
    """Whether a task must report in period, and its due date there (see the module rules)."""
    if schedule.plan_date and period.end < schedule.plan_date:
        result = PeriodDue(
            False,
            None,
            False,
            "schedule",
            f"Kỳ {period.label} kết thúc trước ngày ban hành kế hoạch "
            f"({_fmt(schedule.plan_date)}).",
        )
    else:
        result = _due_in_period(schedule, period)
    if override is None:
        return result
    expected = result.expected or override <= period.end
    return PeriodDue(
        expected,
        override,
        False,
        "override",
        f"Điều phối viên đặt hạn ngày {_fmt(override)}.",
    )


def _due_in_period(schedule: Schedule, period: Period) -> PeriodDue:
    def ok(due: date | None, reason: str, expected: bool = True) -> PeriodDue:
        return PeriodDue(expected, due, False, "schedule", reason)

    kind = schedule.kind
    if schedule.parts:
        known = [p for p in schedule.parts if p.kind != "unknown"] or list(schedule.parts)
        results = [_due_in_period(p, period) for p in known]
        active = [r for r in results if r.expected]
        dues = [r.due for r in active if r.due]
        # the nearer part still ahead at the period's start, like next_due; once every part is
        # past, the latest ("Tháng 4/2026 và cập nhật hằng năm" is yearly after April 2026)
        ahead = [d for d in dues if d >= period.start]
        return PeriodDue(
            bool(active),
            min(ahead) if ahead else max(dues) if dues else None,
            any(r.needs_date for r in active),
            "schedule",
            " ".join(r.reason for r in active) or "Không phần nào đến kỳ này.",
        )
    if kind in ("event", "unknown") or (kind == "relative" and schedule.due is None):
        return PeriodDue(
            True,
            None,
            True,
            "schedule",
            "Chưa có hạn cụ thể; điều phối viên cần đặt hạn, đơn vị vẫn báo cáo tiến độ kỳ này.",
        )
    if kind in ("once", "relative"):
        assert schedule.due is not None
        if schedule.due < period.start:
            return ok(schedule.due, f"Đã quá hạn {_fmt(schedule.due)}; kiểm tra kết quả.")
        if schedule.due <= period.end:
            return ok(schedule.due, f"Đến hạn trong kỳ: {_fmt(schedule.due)}.")
        return ok(schedule.due, f"Báo cáo tiến độ; hạn {_fmt(schedule.due)}.")
    if kind == "continuous":
        if schedule.start and period.end < schedule.start:
            return ok(None, f"Chưa đến thời gian thực hiện (từ {_fmt(schedule.start)}).", False)
        return ok(None, "Thực hiện thường xuyên; báo cáo tiến độ mỗi kỳ.")
    if kind == "span":
        if schedule.start and period.end < schedule.start:
            return ok(None, f"Chưa đến giai đoạn thực hiện (từ {_fmt(schedule.start)}).", False)
        if schedule.end and period.start > schedule.end:
            if schedule.open_ended and schedule.end.year < 2200:
                then = _due_in_period(_continued(schedule), period)
                return replace(then, reason=f"Đã qua giai đoạn chính. {then.reason}")
            return ok(
                schedule.end, f"Giai đoạn đã kết thúc {_fmt(schedule.end)}; kiểm tra kết quả."
            )
        return ok(schedule.end, "Trong giai đoạn thực hiện; báo cáo tiến độ.")
    windows = _windows(schedule, period.start, period.end)
    if not windows:
        return ok(
            None,
            f"Không có lần thực hiện nào ({KIND_LABELS[kind]}) trong kỳ {period.label}.",
            False,
        )
    due = windows[-1][1]
    return ok(due, f"Có lần thực hiện {KIND_LABELS[kind]} trong kỳ; hạn {_fmt(due)}.")


def _short(day: int, month: int) -> str:
    return f"{day:02d}/{month:02d}"


def _recurring_text(schedule: Schedule) -> str:
    kind = schedule.kind
    if kind == "weekly":
        names = ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật")
        days = " hoặc ".join(names[d] for d in schedule.weekdays if 0 <= d <= 6)
        text = f"Hằng tuần, hạn {days or 'cuối tuần (Chủ nhật)'}."
    elif kind == "monthly" and schedule.day and (schedule.period_month or 1) > 1:
        text = f"Hằng tháng, hạn ngày {schedule.day} của tháng sau."
    elif kind == "monthly":
        text = (
            f"Hằng tháng, hạn ngày {schedule.day}."
            if schedule.day
            else "Hằng tháng, hạn ngày cuối tháng."
        )
    elif kind in ("quarterly", "half_yearly") and schedule.day:
        what, length = ("quý", 3) if kind == "quarterly" else ("kỳ 6 tháng", 6)
        which = schedule.period_month or length
        place = {1: "đầu", length: "cuối"}.get(which, f"thứ {which}")
        if which > length:
            place = {1: "đầu", length: "cuối"}.get(which - length, f"thứ {which - length}")
            what += " sau"
        label = "Hằng quý" if kind == "quarterly" else "6 tháng một lần"
        text = f"{label}, hạn ngày {schedule.day} của tháng {place} {what}."
    elif kind == "quarterly":
        text = "Hằng quý, hạn ngày cuối quý."
    elif kind == "half_yearly":
        text = "6 tháng một lần, hạn ngày 30/06 và 31/12."
    else:
        start, due = _window(schedule, 2001, 1)  # a common year: shows the anchor only
        if schedule.month and schedule.day:
            text = f"Hằng năm, hạn ngày {_short(schedule.day, schedule.month)}."
        elif schedule.quarter:
            text = f"Hằng năm trong quý {_ROMAN_OUT[schedule.quarter]}, hạn ngày {_short(due.day, due.month)}."
        elif schedule.half:
            text = f"Hằng năm trong 6 tháng {'đầu' if schedule.half == 1 else 'cuối'} năm, hạn ngày {_short(due.day, due.month)}."
        elif schedule.month:
            text = f"Hằng năm trong tháng {schedule.month}, hạn ngày {_short(due.day, due.month)}."
        else:
            text = "Hằng năm, hạn ngày 31/12."
    if schedule.start and schedule.end:
        text = text[:-1] + f" (giai đoạn {schedule.start.year}-{schedule.end.year})."
    elif schedule.start:
        text = text[:-1] + f" (từ năm {schedule.start.year})."
    return text


def explain(schedule: Schedule) -> str:
    """One Vietnamese sentence telling the coordinator how the deadline was understood."""
    if schedule.parts:
        inner = " ".join(f"({i}) {explain(p)}" for i, p in enumerate(schedule.parts, 1))
        return f"Gồm {len(schedule.parts)} phần: {inner}"
    kind = schedule.kind
    if kind == "once" and schedule.due:
        return f"Hạn ngày {_fmt(schedule.due)}."
    if kind in _RECURRING:
        prefix = "Thực hiện thường xuyên; " if schedule.ongoing else ""
        text = _recurring_text(schedule)
        return prefix + (text[0].lower() + text[1:] if prefix else text)
    if kind == "continuous":
        since = ""
        if schedule.start:
            since = (
                f" từ năm {schedule.start.year}"
                if (schedule.start.month, schedule.start.day) == (1, 1)
                else f" từ ngày {_fmt(schedule.start)}"
            )
        return f"Thực hiện thường xuyên{since}, báo cáo tiến độ mỗi kỳ."
    if kind == "span" and schedule.start and schedule.end:
        if (
            schedule.start.year == schedule.end.year
            and schedule.start.month == 1
            and schedule.end.month == 12
        ):
            what = f"năm {schedule.start.year}"
        elif schedule.start.month == 1 and schedule.end.month == 12:
            what = f"giai đoạn {schedule.start.year}-{schedule.end.year}"
        else:
            what = f"từ {_fmt(schedule.start)} đến {_fmt(schedule.end)}"
        more = (
            f", sau đó tiếp tục {KIND_LABELS[schedule.repeat or 'yearly']}"
            if schedule.open_ended
            else ""
        )
        return (
            f"Thực hiện {what}, báo cáo tiến độ mỗi kỳ, hạn cuối ngày {_fmt(schedule.end)}{more}."
        )
    if kind == "relative":
        label = {"day": "ngày", "working_day": "ngày làm việc", "month": "tháng"}.get(
            schedule.offset_unit or "day", "ngày"
        )
        if schedule.due and schedule.plan_date:
            return (
                f"Trong {schedule.offset} {label} kể từ ngày ban hành kế hoạch "
                f"({_fmt(schedule.plan_date)}), hạn ngày {_fmt(schedule.due)}."
            )
        return (
            f"Trong {schedule.offset} {label} kể từ ngày ban hành; chưa biết ngày ban hành kế "
            "hoạch, cần điều phối viên đặt hạn."
        )
    if kind == "event":
        return (
            "Thực hiện theo sự kiện hoặc chỉ đạo, không có ngày cụ thể; cần điều phối viên đặt hạn."
        )
    # every unknown says why: the reason names what was missing or wrong
    return schedule.reason or "Không xác định được hạn; cần điều phối viên đặt hạn."


def format_due(schedule: Schedule, period: Period | None = None, as_of: date | None = None) -> str:
    """Text for a "Hạn" cell: dd/mm/yyyy when a date is known, else the deadline wording."""
    day: date | None = None
    if period is not None:
        day = due_in_period(schedule, period).due
    elif as_of is not None:
        day = next_due(schedule, as_of)
    else:
        day = schedule.due
    return _fmt(day) if day else vntext.clean_spaces(_tags_out(schedule.wording))
