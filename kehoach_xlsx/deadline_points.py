"""Time points inside folded deadline wording ("quy iii/2026", "thang 5/2024", "01/3/2026").

A point is a day, month, quarter, half-year or year, with or without its year. The deadline
rules combine points: two joined by "-"/"đến" make a range, one after "từ" an open start, one
before a recurrence a first step. Only plain data here; `deadlines.py` turns it into schedules.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4}

POINT = re.compile(
    r"(?P<date>(?<![\d/.-])(?P<dd>\d{1,2})\s*(?P<sep>[/.-])\s*(?P<dm>\d{1,2})\s*(?P=sep)\s*"
    r"(?P<dy>\d{4})(?!\d)"
    r"|ngay\s*(?P<wd>\d{1,2})\s*thang\s*(?P<wm>\d{1,2})\s*,?\s*nam\s*(?P<wy>\d{4}))"
    r"|(?P<quarter>\b(?:quy|q)\s*(?P<q>iv|iii|ii|i|[1-4])\b(?:\s*(?:[/.-]|,?\s*nam)\s*"
    r"(?P<qy>(?:19|20)\d{2})(?!\d))?)"
    r"|(?P<half>\b(?:6|sau)\s*thang\s*(?P<h>dau|cuoi)(?:\s*(?:cua\s*)?nam)?(?:\s*(?P<hy>(?:19|20)\d{2})(?!\d))?)"
    r"|(?P<month>\bthang\s*(?P<m>\d{1,2})(?!\d)(?:\s*(?:[/.-]|,?\s*nam)\s*(?P<my>(?:19|20)\d{2})(?!\d))?"
    r"|(?<![\w/.-])(?P<m2>\d{1,2})\s*/\s*(?P<my2>(?:19|20)\d{2})(?!\d))"
    r"|(?P<year>(?:\bnam\s*)?(?<![\d/.])(?P<y>(?:19|20)\d{2})(?![\d/]))"
)
# What may stand between the two ends of a range: "-", "đến (hết)", "tới".
_RANGE_GAP = re.compile(r"\s*,?\s*(?:-|–|—|den|toi|cho\s*den)\s*(?:het\s*|cuoi\s*)?(?:ngay\s*)?")
# What may stand just before an open start: "từ", "kể từ", "bắt đầu (từ)".
_START_WORD = re.compile(r"(?:\btu|\bke\s*tu|\bbat\s*dau(?:\s*tu)?)\s*(?:ngay\s*)?$")


@dataclass(frozen=True)
class Point:
    """One time point: unit is day, month, quarter, half or year; year None when not written."""

    unit: str
    index: int  # day: month number; month: 1-12; quarter: 1-4; half: 1-2; year: 1
    day: int
    year: int | None
    pos: int
    stop: int

    def bounds(self, year: int | None = None) -> tuple[date, date] | None:
        """(first day, last day) in the given year (default its own); None when impossible."""
        y = self.year if year is None else year
        if y is None or not 1900 <= y <= 2200:
            return None
        if self.unit == "day":
            try:
                day = date(y, self.index, self.day)
            except ValueError:
                return None
            return day, day
        first, months = {
            "month": (self.index, 1),
            "quarter": (3 * self.index - 2, 3),
            "half": (6 * self.index - 5, 6),
            "year": (1, 12),
        }[self.unit]
        if not 1 <= first <= 12:
            return None
        last = first + months - 1
        return date(y, first, 1), date(y, last, calendar.monthrange(y, last)[1])


def points(folded: str) -> list[Point]:
    """Every time point of the folded text, in order."""
    found = []
    for match in POINT.finditer(folded):
        g = match.groupdict()
        if g["date"]:
            d, m, y = (g["dd"], g["dm"], g["dy"]) if g["dd"] else (g["wd"], g["wm"], g["wy"])
            point = Point("day", int(m), int(d), int(y), match.start(), match.end())
        elif g["quarter"]:
            q = g["q"]
            index = _ROMAN[q] if q in _ROMAN else int(q)
            point = Point("quarter", index, 1, _int(g["qy"]), match.start(), match.end())
        elif g["half"]:
            index = 1 if g["h"] == "dau" else 2
            point = Point("half", index, 1, _int(g["hy"]), match.start(), match.end())
        elif g["month"]:
            m, y = (g["m"], g["my"]) if g["m"] else (g["m2"], g["my2"])
            point = Point("month", int(m), 1, _int(y), match.start(), match.end())
        else:
            point = Point("year", 1, 1, int(g["y"]), match.start(), match.end())
        found.append(point)
    return found


def _int(text: str | None) -> int | None:
    return int(text) if text else None


def range_of(folded: str, found: list[Point]) -> tuple[Point, Point] | None:
    """The first two neighbouring points joined by a range word ("Quý III/2026 - Quý I/2027"),
    at least one of them with its year."""
    for a, b in zip(found, found[1:], strict=False):
        if (a.year or b.year) and _RANGE_GAP.fullmatch(folded[a.stop : b.pos]):
            return a, b
    return None


def range_bounds(a: Point, b: Point) -> tuple[date, date] | None:
    """(start, end) of a range; a missing year is the other end's, one year apart when the
    order demands it ("tháng 11 - tháng 2/2027" starts in November 2026)."""
    ya, yb = a.year, b.year
    wraps = a.unit == b.unit and (a.index, a.day) > (b.index, b.day)
    if ya is None and yb is not None:
        ya = yb - 1 if wraps else yb
    elif yb is None and ya is not None:
        yb = ya + 1 if wraps else ya
    first, last = a.bounds(ya), b.bounds(yb)
    if first is None or last is None or first[0] > last[1]:
        return None
    return first[0], last[1]


def is_open_start(folded: str, point: Point) -> bool:
    """True when "từ"/"kể từ"/"bắt đầu từ" stands just before the point."""
    return bool(_START_WORD.search(folded[: point.pos].rstrip()))


def next_on_or_after(make: Callable[[int], date | None], reference: date) -> date | None:
    """The first date make(year) on or after reference, trying a few years (29/2 needs four)."""
    for year in range(reference.year, min(reference.year + 8, 2201)):
        day = make(year)
        if day is not None and day >= reference:
            return day
    return None
