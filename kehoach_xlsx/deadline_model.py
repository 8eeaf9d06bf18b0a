"""Deadline data: Schedule (a deadline as understood), Period (a reporting period), PeriodDue.

The reading rules live in `deadlines.py`, the due dates per period in `deadline_dues.py`; import
every name from `kehoach_xlsx.deadlines`.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from kehoach_xlsx import vntext
from kehoach_xlsx.errors import DeadlineError
from kehoach_xlsx.model import ScheduleKind

KIND_LABELS: dict[str, str] = {
    "once": "một lần",
    "weekly": "hằng tuần",
    "monthly": "hằng tháng",
    "quarterly": "hằng quý",
    "half_yearly": "6 tháng một lần",
    "yearly": "hằng năm",
    "continuous": "thường xuyên",
    "span": "theo giai đoạn",
    "relative": "tính từ ngày ban hành",
    "event": "theo sự kiện/chỉ đạo",
    "unknown": "chưa xác định",
}

_RECURRING = ("weekly", "monthly", "quarterly", "half_yearly", "yearly")
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}
_ROMAN_OUT = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Schedule:
    """When a task falls due, as understood from the plan's wording.

    `due` is the concrete date for once/relative (when the plan date is known), the end of a
    span, and the earliest concrete part due of a phrase with several parts. Yearly anchors:
    `month`/`day` ("trước ngày 15/12 hằng năm") or `quarter` ("Quý IV hằng năm"). `start`/`end`
    bound a span or a recurrence ("Hằng năm giai đoạn 2026-2030").
    """

    kind: ScheduleKind
    wording: str
    reason: str = ""
    due: date | None = None
    start: date | None = None
    end: date | None = None
    open_ended: bool = False
    ongoing: bool = False  # "Thường xuyên, hằng năm": worked on all along, reported per occurrence
    day: int | None = None
    month: int | None = None
    before: bool = False  # "trước ngày 15/12 hằng năm": worked on from 1/1, not only in December
    quarter: int | None = None
    half: int | None = None
    offset: int | None = None
    offset_unit: Literal["day", "working_day", "month"] | None = None
    plan_date: date | None = None
    parts: tuple[Schedule, ...] = field(default=())
    weekdays: tuple[int, ...] = ()  # weekly: 0 = Monday … 6 = Sunday; () = end of the week
    # "ngày 15 tháng cuối quý": the due `day` falls in this month of the period (1 = its first;
    # past the period's length for "tháng đầu quý sau")
    period_month: int | None = None
    repeat: ScheduleKind | None = None  # an open-ended span recurs so after its end
    rule: str = ""  # which reading rule understood the wording (Vietnamese, for --explain)

    @property
    def needs_date(self) -> bool:
        """True when the coordinator must set a date: event, unknown, relative without plan date."""
        if self.parts:
            known = [p for p in self.parts if p.kind != "unknown"] or list(self.parts)
            return any(p.needs_date for p in known)
        if self.kind in ("event", "unknown"):
            return True
        return self.kind == "relative" and self.due is None

    @property
    def recurring(self) -> bool:
        return self.kind in _RECURRING

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready form (dates as ISO strings)."""
        data: dict[str, Any] = {
            "kind": self.kind,
            "wording": self.wording,
            "reason": self.reason,
            "needs_date": self.needs_date,
        }
        for name in ("due", "start", "end", "plan_date"):
            value = getattr(self, name)
            data[name] = value.isoformat() if value else None
        for name in (
            "open_ended",
            "ongoing",
            "before",
            "day",
            "month",
            "quarter",
            "half",
            "offset",
            "offset_unit",
            "period_month",
            "repeat",
            "rule",
        ):
            data[name] = getattr(self, name)
        data["weekdays"] = list(self.weekdays)
        data["parts"] = [p.to_dict() for p in self.parts]
        return data


@dataclass(frozen=True)
class Period:
    """A reporting period: a month, a quarter, a half-year or a year."""

    kind: Literal["month", "quarter", "half", "year"]
    year: int
    index: int
    start: date
    end: date
    code: str

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def label(self) -> str:
        """Vietnamese name: "tháng 9/2026", "quý III/2026", "6 tháng cuối năm 2026", "năm 2026"."""
        if self.kind == "month":
            return f"tháng {self.index}/{self.year}"
        if self.kind == "quarter":
            return f"quý {_ROMAN_OUT[self.index]}/{self.year}"
        if self.kind == "half":
            which = "đầu" if self.index == 1 else "cuối"
            return f"6 tháng {which} năm {self.year}"
        return f"năm {self.year}"


@dataclass(frozen=True)
class PeriodDue:
    """What a schedule asks of a task in one reporting period."""

    expected: bool
    due: date | None
    needs_date: bool
    source: Literal["override", "schedule"]
    reason: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "expected": self.expected,
            "due": self.due.isoformat() if self.due else None,
            "needs_date": self.needs_date,
            "source": self.source,
            "reason": self.reason,
        }


# --------------------------------------------------------------------------------------------
# Periods


def make_period(kind: str, year: int, index: int = 1) -> Period:
    """Build a Period from its parts; raises DeadlineError when they do not exist."""
    limits = {"month": 12, "quarter": 4, "half": 2, "year": 1}
    if kind not in limits or not 1 <= index <= limits[kind] or not 1900 <= year <= 2200:
        raise DeadlineError(f"Kỳ báo cáo không hợp lệ ({kind} {index}/{year}).")
    if kind == "month":
        first_month, months, code = index, 1, f"{year}-{index:02d}"
    elif kind == "quarter":
        first_month, months, code = 3 * index - 2, 3, f"{year}-Q{index}"
    elif kind == "half":
        first_month, months, code = 6 * index - 5, 6, f"{year}-H{index}"
    else:
        first_month, months, code = 1, 12, str(year)
    last_month = first_month + months - 1
    return Period(
        kind,  # type: ignore[arg-type]
        year,
        index,
        date(year, first_month, 1),
        _month_end(year, last_month),
        code,
    )


_PERIOD_PATTERNS: tuple[tuple[str, str, str], ...] = (
    # (regex over the folded text, kind, group order: "yi" = year then index)
    (r"(\d{4})-(\d{1,2})", "month", "yi"),
    (r"(?:thang\s*)?(\d{1,2})\s*[/.-]\s*(\d{4})", "month", "iy"),
    (r"thang\s*(\d{1,2})\s*nam\s*(\d{4})", "month", "iy"),
    (r"(\d{4})\s*-?\s*q\s*([1-4])", "quarter", "yi"),
    (r"(?:q|quy)\s*([1-4]|iv|iii|ii|i)\s*(?:[/.-]|nam)?\s*(\d{4})", "quarter", "iy"),
    (r"(\d{4})\s*-?\s*h\s*([12])", "half", "yi"),
    (r"h\s*([12])\s*[/.-]?\s*(\d{4})", "half", "iy"),
    (r"(\d{4})", "year", "y"),
    (r"nam\s*(\d{4})", "year", "y"),
)


def parse_period(text: str) -> Period:
    """Understand a reporting period: "2026-09", "09/2026", "2026-Q3", "Q3/2026", "quý 3/2026",
    "quý III/2026", "2026-H2", "2026".

    Raises DeadlineError with a Vietnamese message for anything else.
    """
    folded = vntext.fold(str(text or "")).strip()
    folded = re.sub(r"\s+", " ", folded)
    for pattern, kind, order in _PERIOD_PATTERNS:
        match = re.fullmatch(pattern, folded)
        if not match:
            continue
        if order == "y":
            year, index = int(match.group(1)), 1
        elif order == "yi":
            year, index = int(match.group(1)), _number(match.group(2))
        else:
            index, year = _number(match.group(1)), int(match.group(2))
        try:
            return make_period(kind, year, index)
        except DeadlineError:
            break
    shown = vntext.clean_spaces(str(text or ""))[:60]
    raise DeadlineError(
        f"Kỳ báo cáo “{shown}” không hợp lệ. Hãy ghi theo dạng 2026-09 (tháng), 2026-Q3 (quý), "
        "2026-H2 (6 tháng) hoặc 2026 (năm)."
    )


def period_of(kind: str, day: date) -> Period:
    """The period of the given kind ("month", "quarter", "half", "year") that contains day."""
    index = {
        "month": day.month,
        "quarter": (day.month - 1) // 3 + 1,
        "half": 1 if day.month <= 6 else 2,
        "year": 1,
    }.get(kind, 0)
    return make_period(kind, day.year, index)


def _number(token: str) -> int:
    token = token.strip().lower()
    return _ROMAN[token] if token in _ROMAN else int(token)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _fmt(day: date) -> str:
    return day.strftime("%d/%m/%Y")


# Markup from a converted document ("<p>Thường xuyên</p>"); bounded so a stray "<" costs nothing.
TAG = re.compile(r"<[^>]{0,200}>")


def _tags_out(text: str) -> str:
    return TAG.sub(" ", text)
