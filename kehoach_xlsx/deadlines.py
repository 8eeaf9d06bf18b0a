"""Deadline wording ("Quý IV hằng năm", "Thường xuyên") -> Schedule; due dates per reporting period.

Rules, decided once for every caller (merge, workbooks, mail):

* A period deadline falls on the last day of that period: "Quý III/2026" -> 30/09/2026,
  "Năm 2026" -> 31/12/2026, "Tháng 11 hằng năm" -> 30/11 each year.
* A relative deadline ("trong thời hạn 15 ngày kể từ ...") counts from the plan's date when
  known; without it the schedule needs a date from the coordinator.
* Several recurrences in one phrase: the most frequent wins ("Hàng quý, hàng năm" -> quarterly).
  A recurrence beats "thường xuyên": "Thường xuyên, hằng năm" is yearly (due 31/12), and since a
  yearly task's window is the whole year it is still expected in every period, like a continuous
  one. "Hằng năm và các năm tiếp theo" is yearly too ("và các năm tiếp theo" adds nothing).
* "Năm 2026 và các năm tiếp theo" and "Giai đoạn 2026-2030 và những năm tiếp theo" are open-ended
  spans: due at the stated end, then recurring by the unit they name (yearly; "các quý tiếp
  theo" quarterly). When the stated end is already past on the reference day (the plan's date,
  else the day asked) the phrase reads as that recurrence: "Từ năm 2021 đến năm 2025 và tiếp
  theo" is yearly.
* An open start is continuous: "Thực hiện từ năm 2026", "Từ 01/3/2026", "Từ tháng 5/2024 trở
  đi". "Sau khi …" with no time before it, and "… đến khi …", wait on an event.
* A day or period without its year ("Trước ngày 30 tháng 9", "Trong quý I") is the next one on or
  after the reference day; with no reference it needs a date.
* Two points joined by "-"/"đến" are a span to the end of the later one, across years: "Quý
  III/2026 - Quý I/2027" is due 31/03/2027; "Tháng 11 - tháng 2/2027" starts in November 2026.
* A day inside each period takes the period's kind: "trước ngày 15 tháng cuối quý" is quarterly,
  due 15/3, 15/6, 15/9, 15/12; "ngày 5 của tháng sau" with a monthly report is due the 5th of the
  next month. "6 tháng và hằng năm" (a list of periods) is the most frequent of them.
* Weekly work ("thứ Sáu hằng tuần") is due on the named weekday (the first of several named, or
  Sunday), and reports in every monthly round with the last such day of the period.
* A dated first step, then upkeep ("Tháng 4/2026 và cập nhật hằng năm") has two parts: the step,
  then the recurrence; after the step the recurrence's next date is the due. Two deeds with their
  own dates joined by a comma or "và" are two parts as well.
* Every reading names its rule (`Schedule.rule`, shown by `kehoach deadline --explain`).
* A phrase with several parts ("-Ban hành Kế hoạch năm 2026; -Tổ chức thực hiện giai đoạn
  2026-2030.") keeps them in `parts`. Its kind is the first present of: the most frequent
  recurrence, span, continuous, once, relative, event. Its `due` is the earliest concrete due of
  its parts, and `next_due` the earliest part due on or after the day asked (else the latest past
  one, still open); per period likewise, from the period's first day. Parts we cannot read are kept but ignored while another part is understood.
* Event and unknown deadlines are never "no deadline": they are expected every period and need a
  date from the coordinator (`needs_date`).

Per period (`due_in_period`):

* once/relative with a date: expected in every period from the plan's date on (a progress report
  before the due date, an overdue check after it); due = that date.
* continuous: expected every period from its start; due None, needs_date False.
* span: expected in periods from its start; due = its end while active; after the end, an
  open-ended span is continuous (due None) and a closed one stays expected with due = end.
* monthly/quarterly/half-yearly/yearly: each occurrence has a window (a month, quarter, half,
  year, or the anchor month/quarter of a yearly task; "trước ngày 15/12 hằng năm" runs 1/1-15/12,
  while a bare day such as Ngày Pháp luật Việt Nam, 9/11, runs 1/11-9/11).
  Expected when a window overlaps the period; due = the due date of the last such window.
* An override (a date the coordinator set) gives due = override and makes the task expected when
  override <= period end, or whenever the schedule itself expects it.
* Periods that end before the plan's date expect nothing.
"""

from __future__ import annotations

import calendar
import html
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Literal

from kehoach_xlsx import vntext
from kehoach_xlsx.deadline_dues import (
    _recurring_text,
    due_in_period,
    explain,
    format_due,
    next_due,
)
from kehoach_xlsx.deadline_model import (
    _ROMAN_OUT,
    KIND_LABELS,
    Period,
    PeriodDue,
    Schedule,
    _fmt,
    _month_end,
    _number,
    make_period,
    parse_period,
    period_of,
)
from kehoach_xlsx.deadline_model import TAG as _TAG
from kehoach_xlsx.deadline_points import POINT as _POINT_TEXT
from kehoach_xlsx.deadline_points import (
    is_open_start,
    next_on_or_after,
    points,
    range_bounds,
    range_of,
)

# Longer than any real deadline cell (the longest in the seeds is ~350 characters); beyond it the
# text is something else pasted into the column and we refuse to guess, in bounded time.
MAX_WORDING = 2000

# --------------------------------------------------------------------------------------------
# Parsing deadline wording

_TAG_BREAK = re.compile(r"<\s*/?\s*(?:p|br|li|ul|ol|div|tr|td)\b[^>]*>", re.IGNORECASE)
# "Tháng 6 và tháng 12 hằng năm": two yearly anchors, each its own part
_TWO_ANCHORS = re.compile(
    r"((?:(?:trước|chậm nhất)\s+)?ngày\s+\d{1,2}\s+)?\b(tháng|quý)\s+([0-9]{1,2}|[IVX]{1,4})\s*(?:và|,)\s*(?:(?:tháng|quý)\s+)?"
    r"([0-9]{1,2}|[IVX]{1,4})\s+(hằng|hàng)\s+năm",
    re.IGNORECASE,
)
# Loose wordings pinned to the end of the period they name (a person can still override):
# "Quý II, III/2026" runs through quý III; "đầu năm 2027" is quý I; "giữa năm" is 30/6;
# "tuần đầu tháng 12/2026" is 07/12/2026.
_LOOSE_PERIODS = (
    (
        re.compile(
            r"\bquý\s+([IVX]{1,4}|[1-4])\s*(?:,|và|-|–|đến)\s*(?:quý\s+)?([IVX]{1,4}|[1-4])\b(?!\s+(?:hằng|hàng))",
            re.IGNORECASE,
        ),
        r"quý \2",
    ),
    (re.compile(r"(?<!tháng )\bđầu năm\s+(\d{4})", re.IGNORECASE), r"quý I/\1"),
    (re.compile(r"\bgiữa năm\s+(\d{4})", re.IGNORECASE), r"trước ngày 30/6/\1"),
    (
        re.compile(
            r"\btuần (?:đầu|thứ nhất)(?: của)? tháng\s+(\d{1,2})\s*/\s*(\d{4})", re.IGNORECASE
        ),
        r"trước ngày 07/\1/\2",
    ),
)
# "trước ngày 15/6 và (ngày) 15/12 hằng năm": two yearly days, each its own part
_TWO_DAYS = re.compile(
    r"((?:trước|chậm nhất)\s+)?(?:ngày\s+)?(\d{1,2}\s*/\s*\d{1,2})(?!\s*/)\s*(?:và|,)\s*"
    r"(?:(?:trước|chậm nhất)\s+)?(?:ngày\s+)?(\d{1,2}\s*/\s*\d{1,2})(?!\s*/)\s+(hằng|hàng)\s+năm",
    re.IGNORECASE,
)
_SPLIT = re.compile(r"\n|;|(?<=[.])\s*[-+•]\s*")

_RELATIVE = (
    re.compile(
        r"(\d{1,3})\s*(ngay lam viec|ngay|thang)\s*(?:,\s*)?(?:ke tu|tinh tu|sau khi|sau)"
        r"(?P<anchor>.{0,120})"
    ),
    re.compile(r"sau khi(?P<anchor>.{0,120}?)(\d{1,3})\s*(ngay lam viec|ngay|thang)\b"),
)
_FULL_DATE = re.compile(
    r"(?<!\d)(\d{1,2})\s*([/.-])\s*(\d{1,2})\s*\2\s*(\d{4})(?!\d)"
    r"|ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:,\s*)?nam\s*(\d{4})"
)
_DAY_MONTH = re.compile(
    r"(?<![\d/.-])(\d{1,2})\s*[/.-]\s*(\d{1,2})(?![\d]|\s*[/.-]\s*\d)"
    r"|ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})(?!\d)"
)
_MONTH_YEAR = re.compile(
    r"(?:thang\s*)?(?<![\w/.-])(\d{1,2})\s*/\s*(\d{4})(?!\d)|thang\s*(\d{1,2})\s*nam\s*(\d{4})"
)
_QUARTER = re.compile(r"\b(?:quy\s*(iv|iii|ii|i|[1-4])|q\s*([1-4]))\b")
_MONTH = re.compile(r"\bthang\s*(\d{1,2})\b")
_HALF_NAMED = re.compile(r"\b(?:6|sau)\s*thang\s*(dau|cuoi)\s*(?:nam)?")
_YEAR_RANGE = re.compile(
    r"(?<!\d)((?:19|20)\d{2})\s*(?:-|–|—|den|toi)\s*(?:nam\s*)?((?:19|20)\d{2})(?!\d)"
)
_MONTH_RANGE = re.compile(
    r"(?:tu\s*)?thang\s*(\d{1,2})(?:\s*[/]\s*((?:19|20)\d{2})|\s*nam\s*((?:19|20)\d{2}))?\s*"
    r"(?:den|toi|-)\s*(?:het\s*)?thang\s*(\d{1,2})\s*(?:[/]|nam)\s*((?:19|20)\d{2})"
)
_FROM_YEAR = re.compile(r"\btu\s*(?:nam\s*)?((?:19|20)\d{2})\b")
_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_OPEN_ENDED = re.compile(r"(?:cac|nhung)\s*nam\s*(?:tiep\s*theo|sau|ke\s*tiep)")

_MONTHLY = re.compile(
    r"\b(?:hang|moi|tung)\s*thang\b|\bdinh\s*ky\s*(?:hang\s*)?thang\b|lan\s*/\s*thang"
)
_QUARTERLY = re.compile(
    r"\b(?:hang|moi|tung)\s*quy\b|\bdinh\s*ky\s*(?:hang\s*)?quy\b|lan\s*/\s*quy"
)
_HALF_YEARLY = re.compile(
    r"\b(?:hang|moi|dinh\s*ky|dinh\s*ki)\s*(?:6|sau)\s*thang\b|\b(?:6|sau)\s*thang\s*(?:mot|1)\s*lan\b"
    r"|\bnua\s*nam\b|^(?:6|sau)\s*thang$|\b(?:6|sau)\s*thang\s*/\s*lan\b"
)
_YEARLY = re.compile(
    r"\b(?:hang|moi|tung)\s*nam\b|\bdinh\s*ky\s*(?:hang\s*)?nam\b|lan\s*/\s*nam|lan\s*(?:moi|trong)\s*nam"
)
_CONTINUOUS = re.compile(r"\bthuong\s*xuyen\b|\blien\s*tuc\b|\b(?:hang|moi)\s*ngay\b")
_WEEKLY = re.compile(
    r"\b(?:hang|moi|tung)\s*tuan\b|\bdinh\s*ky\s*(?:hang\s*)?tuan\b|lan\s*/\s*tuan"
    r"|\btuan\s*(?:mot|1)\s*lan\b"
)
_WEEKDAY = re.compile(r"\bthu\s*(hai|ba|tu|nam|sau|bay|[2-7])\b|\b(chu\s*nhat)\b")
_WEEKDAY_NUMBER = {"hai": 0, "ba": 1, "tu": 2, "nam": 3, "sau": 4, "bay": 5}
# A list of period names with a recurrence word: "6 tháng và hằng năm", "báo cáo quý, 6 tháng,
# năm". A name followed by a number or a position ("tháng 6", "năm 2026", "năm sau") is a date.
_PERIOD_NOUN = (
    r"(?:(?:6|sau)\s*thang(?:\s*dau\s*nam)?|thang|quy|nam)"
    r"(?!\s*(?:\d|[iv]+\b|dau\b|cuoi\b|tiep\b|ke\b|truoc\b|nay\b|sau\b|thu\b|cua\b))"
)
_PERIOD_LIST = re.compile(
    r"(?:\b(hang|moi|dinh\s*ky|dinh\s*ki|bao\s*cao|so\s*ket|tong\s*ket)\s*)?\b"
    rf"{_PERIOD_NOUN}((?:\s*(?:,|va|hoac|/)\s*(?:hang\s*|moi\s*|ca\s*|tong\s*ket\s*|dinh\s*ky\s*)?"
    rf"{_PERIOD_NOUN})+)"
)
# "trước ngày 15 tháng cuối quý", "ngày 10 của tháng đầu quý sau", "ngày 20 tháng cuối năm"
_PERIOD_DAY = re.compile(
    r"ngay\s*(\d{1,2})\s*(?:cua\s*|trong\s*)?thang\s*(cuoi|dau|giua|thu\s*(?:nhat|hai|ba|[123]))"
    r"\s*(?:cung\s*)?(?:cua\s*)?(?:moi\s*|hang\s*|tung\s*|cac\s*)?"
    r"(quy|nam|(?:6|sau)\s*thang|nua\s*nam|ky(?:\s*bao\s*cao)?)(\s*(?:sau|tiep\s*theo|ke\s*tiep))?"
)
# "trước ngày 5 của tháng sau" / "tháng tiếp theo": a monthly report due early next month
_NEXT_MONTH_DAY = re.compile(
    r"ngay\s*(\d{1,2})\s*(?:cua\s*)?thang\s*(?:sau|tiep\s*theo|ke\s*tiep)\b"
)
# "… và (các năm) tiếp theo": the work goes on after the stated point or range
_FOLLOWED = re.compile(
    r"\bva\s*(?:(?:cac|nhung)\s*)?(?:(nam|quy|thang|ky|giai\s*doan)\s*)?(?:tiep\s*theo|ke\s*tiep)\b"
    r"|\b(?:cac|nhung)\s*(nam|quy|thang)\s*(?:tiep\s*theo|sau|ke\s*tiep)\b"
)
_UNTIL_EVENT = re.compile(r"\b(?:cho\s*)?(?:den|toi)\s*(?:khi|luc)\b")
_AFTER_EVENT = re.compile(r"\bsau\s*khi\b")
# a deadline word just before a point: "trước ngày 30/9/2026", "trong quý IV/2026"
_DUE_WORD = re.compile(
    r"\b(?:truoc|cham\s*nhat|han(?:\s*chot)?|trong|vao|den\s*het)\s*(?:ngay|thang|nam)?\s*$"
)
_LATER = re.compile(r"\btro\s*(?:di|ve\s*sau)\b")
_EVENT = re.compile(
    r"\bkhi\s*(?:co|duoc|can)\b|\btu\s*khi\b|\btheo\s*(?:yeu\s*cau|chi\s*dao|lo\s*trinh|chuong\s*trinh"
    r"|ke\s*hoach|quy\s*dinh|huong\s*dan|tien\s*do|thoi\s*gian|van\s*ban)\b|\bdot\s*xuat\b"
    r"|\bngay\s*sau\s*khi\b|\bkip\s*thoi\b"
    # "Khi Luật có hiệu lực", "Kể từ ngày Kế hoạch có hiệu lực": a start that is an event
    r"|^khi\b|\bke\s*tu\s*(?:ngay\s*)?(?!\s*\d)[a-z]"
    r"|\bcho\s*(?:huong\s*dan|y\s*kien|chi\s*dao|van\s*ban|quyet\s*dinh|phe\s*duyet)\b"
)
_LAW_DAY = re.compile(r"ngay\s*phap\s*luat(?:\s*(?:nuoc\s*cong\s*hoa[a-z ]*)?viet\s*nam)?")


@dataclass(frozen=True)
class _Context:
    """What the reading rules know besides the words."""

    year: int | None = None  # default_year: the year of "Trong quý III" written without one
    reference: date | None = None  # plan date, else as-of: the next "15/5" on or after it
    law: bool = False  # the wording named Ngày Pháp luật (9/11)


def parse_deadline(
    text: str,
    plan_date: date | None = None,
    default_year: int | None = None,
    as_of: date | None = None,
) -> Schedule:
    """Understand a deadline phrase such as "Quý IV hằng năm" or "Thường xuyên".

    Never raises: wording we cannot pin down gives kind="unknown" with a Vietnamese reason, so a
    person sets the date; it never quietly means "no deadline". A period or day written without
    its year ("Trong quý III", "Trước ngày 15/5") is in `default_year` when given, else the next
    one on or after the plan's date, else on or after `as_of`; with none of them it is unknown.
    The same reference date turns a stated range "và tiếp theo" that is already over into the
    recurrence that follows it.
    """
    wording = text if isinstance(text, str) else ("" if text is None else str(text))
    if len(wording) > MAX_WORDING:
        return Schedule(
            "unknown",
            wording,
            f"Nội dung thời hạn quá dài ({len(wording)} ký tự), không phải một mốc thời gian; "
            "cần điều phối viên đặt hạn.",
            plan_date=plan_date,
            rule=RULES["too_long"],
        )
    ctx = _Context(default_year, plan_date or as_of)
    # "trước ngày 15 tháng 6 và tháng 12 hằng năm": two yearly anchors, the day on both
    prepared = _TWO_ANCHORS.sub(
        lambda m: f"{m[1] or ''}{m[2]} {m[3]} {m[5]} năm; {m[1] or ''}{m[2]} {m[4]} {m[5]} năm",
        _prepare(wording),
    )
    prepared = _TWO_DAYS.sub(
        lambda m: f"{m[1] or ''}ngày {m[2]} {m[4]} năm; {m[1] or ''}ngày {m[3]} {m[4]} năm",
        prepared,
    )
    for pattern, replacement in _LOOSE_PERIODS:
        prepared = pattern.sub(replacement, prepared)
    pieces = [p for p in (_clean(x) for x in _SPLIT.split(prepared)) if p]
    if len(pieces) == 1:
        pieces = _clauses(pieces[0])
    if len(pieces) > 1:
        parts = tuple(_parse_one(p, plan_date, ctx) for p in pieces)
        if sum(p.kind != "unknown" for p in parts) >= 2:
            return _combine(wording, parts, plan_date)
    whole = _clean(prepared.replace("\n", " "))
    return replace(_parse_one(whole, plan_date, ctx), wording=wording)


# Words that only say when; a clause with any other word says what is done ("ban hành …").
_TIME_WORDS = frozenset(
    "nam thang quy ngay tu den het toi truoc trong giai doan va cac nhung tiep theo cham nhat "
    "vao cuoi dau giua ke sau luc hoac".split()
)


def _clauses(text: str) -> list[str]:
    """ "Ban hành Kế hoạch năm 2026, tổ chức thực hiện giai đoạn 2026-2030": two deadlines joined
    by a comma or "và", each a deed with its own dated time. Anything else stays one piece."""
    folded_all = vntext.fold(text)
    if _recurrences(folded_all) or _RELATIVE[0].search(folded_all):
        return [text]
    merged: list[str] = []
    for raw in re.split(r",\s*|\s+và\s+", text):
        clause = raw.strip()
        if merged and not any(p.year for p in points(vntext.fold(clause))):
            merged[-1] += ", " + clause  # "Quý I/2027, sau khi có hướng dẫn": one deadline
        elif clause:
            merged.append(clause)
    if len(merged) < 2:
        return [text]
    for clause in merged:
        folded = vntext.fold(clause)
        if not any(p.year for p in points(folded)):
            return [text]
        words = re.findall(r"[a-z]{2,}", _POINT_TEXT.sub(" ", folded))
        if not [w for w in words if w not in _TIME_WORDS]:
            return [text]
    return [_clean(c) for c in merged]


def _prepare(text: str) -> str:
    """NFC, entities decoded, block tags turned into line breaks, other tags and emphasis gone."""
    try:
        text = vntext.tone_normalize(vntext.nfc(text))
    except (ValueError, UnicodeError):  # lone surrogates from a broken conversion
        text = text.encode("utf-8", "replace").decode("utf-8")
    text = html.unescape(text)
    text = _TAG_BREAK.sub("\n", text)
    text = _TAG.sub(" ", text)
    return text.replace("*", " ").replace("\u00a0", " ").replace("\r", "\n")


def _clean(text: str) -> str:
    text = vntext.clean_spaces(text)
    return text.strip(" -–—+•.;,:").strip()


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _valid_year(year: int) -> bool:
    return 1900 <= year <= 2200


# Which rule read a wording, said to the coordinator by `kehoach deadline --explain`.
RULES: dict[str, str] = {
    "empty": "ô trống",
    "too_long": "nội dung quá dài",
    "relative": "hạn tính từ một mốc (“… ngày kể từ …”)",
    "wait": "chờ một sự kiện (“sau khi …”, “đến khi …”)",
    "period_day": "một ngày trong kỳ (“ngày 15 tháng cuối quý”)",
    "step": "bước đầu có hạn, sau đó lặp lại theo kỳ",
    "open_start": "chỉ có mốc bắt đầu (“Từ …”, “… trở đi”)",
    "range": "khoảng giữa hai mốc (“Quý III/2026 - Quý I/2027”)",
    "followed": "mốc hoặc giai đoạn “và tiếp theo”",
    "full_date": "ngày cụ thể (ngày/tháng/năm)",
    "recurring": "lặp lại theo kỳ (hằng tuần/tháng/quý/năm)",
    "span": "giai đoạn nhiều năm",
    "continuous": "thường xuyên",
    "once_period": "một kỳ cụ thể (ngày, tháng, quý, năm)",
    "event": "theo yêu cầu, chỉ đạo hoặc sự kiện",
    "parts": "nhiều phần, mỗi phần một hạn",
    "none": "không quy tắc nào khớp",
}


def _parse_one(piece: str, plan_date: date | None, ctx: _Context) -> Schedule:
    """One phrase without parts (already cleaned): the rules in order of precedence."""
    base = Schedule("unknown", piece, plan_date=plan_date)
    if not piece:
        return replace(
            base, reason="Chưa ghi thời hạn; cần điều phối viên đặt hạn.", rule=RULES["empty"]
        )
    folded = vntext.fold(piece)
    # Content before a colon is a label ("Về tổ chức các hoạt động ...: Thường xuyên"), unless
    # the time comes first ("Năm 2026: ban hành kế hoạch").
    if ":" in folded:
        head, tail = (x.strip() for x in folded.rsplit(":", 1))
        if tail and (_read(tail, base, ctx) is not None or not head):
            folded = tail
        elif head:
            folded = head
    if _LAW_DAY.search(folded):
        # Ngày Pháp luật Việt Nam is 9 November, every year.
        folded = _LAW_DAY.sub(" ngay 09/11 ", folded)
        ctx = replace(ctx, law=True)
    return _read(folded, base, ctx) or replace(
        base,
        reason=f"Không nhận ra mốc thời gian trong “{piece[:80]}”; cần điều phối viên đặt hạn.",
        rule=RULES["none"],
    )


def _read(folded: str, base: Schedule, ctx: _Context, first_step: bool = True) -> Schedule | None:
    """The first rule that reads the folded wording, tagged with that rule's name."""
    found = _detect_relative(folded, base, ctx)
    if found is not None:
        return replace(found, rule=RULES["relative"])
    folded, found = _wait_for_event(folded, base)
    if found is not None:
        return replace(found, rule=RULES["wait"])
    for name, detector in _DETECTORS:
        if name == "step" and not first_step:
            continue
        found = detector(folded, base, ctx)
        if found is not None:
            return found if found.rule else replace(found, rule=RULES[name])
    return None


def _wait_for_event(folded: str, base: Schedule) -> tuple[str, Schedule | None]:
    """ "Sau khi Đề án được phê duyệt", "Từ tháng 3/2026 đến khi hoàn thành": the work waits on
    an event. A time point before "sau khi" still rules ("Quý I/2027, sau khi …" is quý I)."""
    if _UNTIL_EVENT.search(folded) and not (_recurrences(folded) or _CONTINUOUS.search(folded)):
        return folded, replace(
            base,
            kind="event",
            reason="Thực hiện đến khi một việc khác xảy ra, không có ngày kết thúc cụ thể; cần "
            "điều phối viên đặt hạn.",
        )
    match = _AFTER_EVENT.search(folded)
    if match:
        head = folded[: match.start()]
        if points(head) or _recurrences(head) or _CONTINUOUS.search(head):
            return head, None
        tail = folded[match.end() :]
        if any(p.year and _DUE_WORD.search(tail[: p.pos]) for p in points(tail)):
            return tail, None  # "Sau khi có Kế hoạch của tỉnh, trước ngày 30/9/2026": that day
        return folded, replace(
            base,
            kind="event",
            reason="Chờ một việc khác xảy ra trước (“sau khi …”), chưa có ngày cụ thể; cần điều "
            "phối viên đặt hạn.",
        )
    return folded, None


def _recurrences(folded: str) -> list[tuple[int, str]]:
    """(position, kind) of every recurrence word: "hằng tuần", "hàng quý", "6 tháng và năm"."""
    found = []
    for kind, pattern in (
        ("weekly", _WEEKLY),
        ("monthly", _MONTHLY),
        ("quarterly", _QUARTERLY),
        ("half_yearly", _HALF_YEARLY),
        ("yearly", _YEARLY),
    ):
        found += [(m.start(), kind) for m in pattern.finditer(folded)]
    for match in _PERIOD_LIST.finditer(folded):
        marked = match.group(1) or re.search(r"\b(?:hang|moi|dinh\s*ky)\b", match.group(2))
        # a bare list is a recurrence too: the whole cell "6 tháng, năm"
        if marked or match.group(0) == folded.strip(" .;,()"):
            for noun in re.finditer(_PERIOD_NOUN, match.group(0)):
                word = noun.group(0)
                kind = {"thang": "monthly", "quy": "quarterly", "nam": "yearly"}.get(
                    word, "half_yearly"
                )
                found.append((match.start() + noun.start(), kind))
    return sorted(found)


def _most_frequent(kinds: list[tuple[int, str]]) -> str:
    return min((kind for _, kind in kinds), key=_KIND_ORDER.index)


def _detect_relative(folded: str, base: Schedule, ctx: _Context) -> Schedule | None:
    match = _RELATIVE[0].search(folded)
    if match:
        amount, unit = int(match.group(1)), match.group(2)
    else:
        match = _RELATIVE[1].search(folded)
        if not match:
            return None
        amount, unit = int(match.group(2)), match.group(3)
    offset_unit: Literal["day", "working_day", "month"] = (
        "working_day" if unit == "ngay lam viec" else "month" if unit == "thang" else "day"
    )
    label = {"day": "ngày", "working_day": "ngày làm việc", "month": "tháng"}[offset_unit]
    schedule = replace(base, kind="relative", offset=amount, offset_unit=offset_unit)
    if base.plan_date is None:
        return replace(
            schedule,
            reason=f"Hạn tính {amount} {label} kể từ ngày ban hành; chưa biết ngày ban hành kế "
            "hoạch nên cần điều phối viên đặt hạn.",
        )
    due = _add_offset(base.plan_date, amount, offset_unit)
    return replace(
        schedule,
        due=due,
        reason=f"Hạn tính {amount} {label} kể từ ngày ban hành kế hoạch "
        f"({_fmt(base.plan_date)}): {_fmt(due)}.",
    )


def _add_offset(start: date, amount: int, unit: str) -> date:
    if unit == "month":
        month_index = start.month - 1 + amount
        y, m = start.year + month_index // 12, month_index % 12 + 1
        return date(y, m, min(start.day, calendar.monthrange(y, m)[1]))
    if unit == "working_day":
        day, left = start, amount
        while left > 0:
            day += timedelta(days=1)
            if day.weekday() < 5:
                left -= 1
        return day
    return start + timedelta(days=amount)


def _detect_full_date(folded: str, base: Schedule, ctx: _Context) -> Schedule | None:
    found: list[date] = []
    for match in _FULL_DATE.finditer(folded):
        if match.group(1):
            d, m, y = int(match.group(1)), int(match.group(3)), int(match.group(4))
        else:
            d, m, y = int(match.group(5)), int(match.group(6)), int(match.group(7))
        day = _safe_date(y, m, d) if _valid_year(y) else None
        if day is None:
            return replace(
                base,
                reason=f"Ngày {d}/{m}/{y} không có thật; cần điều phối viên đặt hạn.",
            )
        found.append(day)
    if not found:
        return None
    if len(found) >= 2 and re.search(r"\btu\b", folded) and found[0] < found[-1]:
        return replace(
            base,
            kind="span",
            start=found[0],
            end=found[-1],
            due=found[-1],
            reason=f"Thực hiện từ {_fmt(found[0])} đến {_fmt(found[-1])}.",
        )
    due = max(found)
    return replace(base, kind="once", due=due, reason=f"Hạn ngày {_fmt(due)}.")


def _detect_recurring(folded: str, base: Schedule, ctx: _Context) -> Schedule | None:
    # The most frequent recurrence wins: "Hàng quý, hàng năm" is reported every quarter.
    kinds = _recurrences(folded)
    kind = _most_frequent(kinds) if kinds else None
    if kind is None and ctx.law:
        kind = "yearly"  # "Tuần lễ hưởng ứng Ngày Pháp luật Việt Nam" comes every November
        if _YEAR.search(folded):
            return None  # "Ngày Pháp luật năm 2026" is a single date
    if kind is None:
        return None
    schedule = _with_bounds(folded, replace(base, kind=kind))
    if kind == "weekly":
        schedule = replace(schedule, weekdays=_weekdays(folded))
    elif kind == "monthly":
        day = re.search(r"ngay\s*(\d{1,2})\b", folded)
        if day and 1 <= int(day.group(1)) <= 31:
            schedule = replace(schedule, day=int(day.group(1)))
    elif kind == "yearly":
        schedule = _yearly_anchor(folded, schedule)
        if schedule.kind == "unknown":
            return schedule
    if "thuong xuyen" in folded:
        schedule = replace(
            schedule, ongoing=True, reason="Thực hiện thường xuyên, tổng hợp kết quả theo kỳ."
        )
    return replace(schedule, reason=(schedule.reason + " " + _recurring_text(schedule)).strip())


def _weekdays(folded: str) -> tuple[int, ...]:
    """Named days of the week, 0 = Monday ("thứ Hai", "thứ 2") … 6 = Sunday ("Chủ nhật")."""
    days = set()
    for match in _WEEKDAY.finditer(folded):
        name = match.group(1)
        if match.group(2):
            days.add(6)
        elif name in _WEEKDAY_NUMBER:
            days.add(_WEEKDAY_NUMBER[name])
        else:
            days.add(int(name) - 2)
    return tuple(sorted(days))


def _with_bounds(folded: str, schedule: Schedule) -> Schedule:
    """A recurrence bounded by "giai đoạn 2026-2030" or started "từ năm 2026"."""
    bounds = _YEAR_RANGE.search(folded)
    if bounds:
        y1, y2 = int(bounds.group(1)), int(bounds.group(2))
        if y1 <= y2:
            return replace(schedule, start=date(y1, 1, 1), end=date(y2, 12, 31))
        return schedule
    start = _FROM_YEAR.search(folded)
    if start:
        return replace(schedule, start=date(int(start.group(1)), 1, 1))
    return schedule


_PERIOD_LENGTH = {"monthly": 1, "quarterly": 3, "half_yearly": 6, "yearly": 12}


def _detect_period_day(folded: str, base: Schedule, ctx: _Context) -> Schedule | None:
    """A day inside each period: "trước ngày 15 tháng cuối quý" is quarterly, due on the 15th of
    the quarter's last month; "ngày 5 tháng sau" (with a monthly report) early next month."""
    kinds = _recurrences(folded)
    match = _PERIOD_DAY.search(folded)
    if match:
        day, position, unit, later = match.groups()
        if unit.startswith("ky"):  # "tháng cuối kỳ": the kỳ the phrase's recurrence names
            kind = _most_frequent(kinds) if kinds else "none"
            if kind not in _PERIOD_LENGTH:
                return None
        else:
            kind = {"quy": "quarterly", "nam": "yearly"}.get(unit, "half_yearly")
        length = _PERIOD_LENGTH.get(kind, 1)
        position = re.sub(r"\s+", " ", position)
        month = {
            "dau": 1,
            "thu nhat": 1,
            "thu 1": 1,
            "thu hai": 2,
            "thu 2": 2,
            "thu ba": 3,
            "thu 3": 3,
            "giua": (length + 1) // 2,
        }.get(position, length)
        month = min(month, length) + (length if later else 0)
    else:
        match = _NEXT_MONTH_DAY.search(folded)
        if not match or any(kind not in ("monthly", "weekly") for _, kind in kinds):
            return None
        day, kind, month = match.group(1), "monthly", 2
    day_number = int(day)
    if not 1 <= day_number <= 31:
        return None
    schedule = _with_bounds(folded, replace(base, kind=kind, day=day_number))
    if kind == "yearly":
        schedule = replace(schedule, month=(month - 1) % 12 + 1, before=True)
    else:
        schedule = replace(schedule, period_month=month)
    if "thuong xuyen" in folded:
        schedule = replace(schedule, ongoing=True)
    return replace(schedule, reason=_recurring_text(schedule))


def _detect_step(folded: str, base: Schedule, ctx: _Context) -> Schedule | None:
    """A dated first step, then upkeep: "Tháng 3, 4/2026 và cập nhật, bổ sung hằng năm" is due
    30/04/2026, then every year."""
    kinds = _recurrences(folded)
    if not kinds:
        return None
    cut = kinds[0][0]
    head, tail = folded[:cut], folded[cut:]
    if not any(p.year for p in points(head)):
        return None
    first = _read(_clean(head), replace(base, wording=head), ctx, first_step=False)
    then = _read(tail, replace(base, wording=tail), ctx, first_step=False)
    if first is None or first.kind != "once" or then is None or not then.recurring:
        return None  # "Từ năm 2026, hằng năm" or "Giai đoạn 2026-2030, hằng năm": bounds
    return replace(_combine(base.wording, (first, then), base.plan_date), rule=RULES["step"])


def _detect_open_start(folded: str, base: Schedule, ctx: _Context) -> Schedule | None:
    """ "Từ 01/3/2026", "Từ tháng 5/2024 trở đi": a start and no end is continuous work."""
    if _recurrences(folded):
        return None
    found = points(folded)
    dated = [p for p in found if p.year]
    if len(dated) != 1 or range_of(folded, found):
        return None
    point = dated[0]
    if not (_LATER.search(folded) or is_open_start(folded, point)):
        return None
    if re.search(r"\b(?:den|toi)\b", folded[point.stop :]):
        return None  # "Từ 01/3/2026 đến hết năm": an end without a date, read elsewhere
    bounds = point.bounds()
    if bounds is None:
        return None
    start = bounds[0]
    since = f"năm {start.year}" if (start.month, start.day) == (1, 1) else _fmt(start)
    return replace(
        base, kind="continuous", start=start, reason=f"Thực hiện thường xuyên từ {since}."
    )


_REPEAT_OF = {
    "nam": "yearly",
    "quy": "quarterly",
    "thang": "monthly",
    "year": "yearly",
    "half": "yearly",
    "day": "yearly",
    "quarter": "quarterly",
    "month": "monthly",
}


def _detect_range(folded: str, base: Schedule, ctx: _Context) -> Schedule | None:
    """ "Quý III/2026 - Quý I/2027", "Tháng 11 - tháng 2/2027", "Năm 2026 đến năm 2030": a span
    due at the end of its last period. "… và tiếp theo" goes on after it; once the stated end is
    past (as of the plan's date or the day asked) it is the recurrence that follows."""
    if _recurrences(folded):
        return None
    found = points(folded)
    pair = range_of(folded, found)
    followed = _FOLLOWED.search(folded)
    if pair:
        bounds = range_bounds(*pair)
        if bounds is None:
            return None  # the old span rule explains a reversed range
        start, end = bounds
        unit = pair[1].unit
    elif followed:
        dated = [p for p in found if p.year and p.pos < followed.start()]
        bounds = dated[-1].bounds() if dated else None
        if bounds is None:
            return None
        start, end = bounds
        unit = dated[-1].unit
    else:
        return None
    shown = f"{_fmt(start)} đến {_fmt(end)}"
    if not followed:
        return replace(
            base, kind="span", start=start, end=end, due=end, reason=f"Thực hiện từ {shown}."
        )
    repeat = _REPEAT_OF.get((followed.group(1) or followed.group(2) or unit).strip(), "yearly")
    label = KIND_LABELS[repeat]
    if ctx.reference and ctx.reference > end:
        schedule = replace(base, kind=repeat, start=start, open_ended=True)
        return replace(
            schedule,
            reason=f"Giai đoạn {shown} đã qua ({_fmt(ctx.reference)}); tiếp tục {label}. "
            + _recurring_text(schedule),
            rule=RULES["followed"],
        )
    return replace(
        base,
        kind="span",
        start=start,
        end=end,
        due=end,
        open_ended=True,
        repeat=repeat,  # type: ignore[arg-type]
        reason=f"Thực hiện từ {shown}, sau đó tiếp tục {label}.",
        rule=RULES["followed"],
    )


def _yearly_anchor(folded: str, schedule: Schedule) -> Schedule:
    """Day/month, month, quarter or half of the year a yearly task is due in."""
    match = _DAY_MONTH.search(folded)
    if match:
        d = int(match.group(1) or match.group(3))
        m = int(match.group(2) or match.group(4))
        if _safe_date(2000, m, d) is None:  # 2000 is a leap year: 29/2 stays valid
            return replace(
                schedule,
                kind="unknown",
                reason=f"Ngày {d}/{m} không có thật; cần điều phối viên đặt hạn.",
            )
        # "trước/chậm nhất ngày 15/12" is a deadline for the whole year's work; a bare day
        # ("Ngày Pháp luật", 9/11) is an event within its month.
        before = bool(re.search(r"\b(?:truoc|cham\s*nhat|han|den)\b", folded))
        return replace(schedule, day=d, month=m, before=before)
    match = _QUARTER.search(folded)
    if match:
        return replace(schedule, quarter=_number(match.group(1) or match.group(2)))
    match = _HALF_NAMED.search(folded)
    if match:
        return replace(schedule, half=1 if match.group(1) == "dau" else 2)
    match = _MONTH.search(folded)
    if match and 1 <= int(match.group(1)) <= 12:
        return replace(schedule, month=int(match.group(1)))
    return schedule


def _detect_span(folded: str, base: Schedule, ctx: _Context) -> Schedule | None:
    open_ended = bool(_OPEN_ENDED.search(folded))
    match = _MONTH_RANGE.search(folded)
    if match:
        m1, m2, y2 = int(match.group(1)), int(match.group(4)), int(match.group(5))
        y1 = int(match.group(2) or match.group(3) or y2)
        if 1 <= m1 <= 12 and 1 <= m2 <= 12 and _valid_year(y1) and _valid_year(y2):
            start, end = date(y1, m1, 1), _month_end(y2, m2)
            if start <= end:
                return replace(
                    base,
                    kind="span",
                    start=start,
                    end=end,
                    due=end,
                    open_ended=open_ended,
                    reason=f"Thực hiện từ tháng {m1}/{y1} đến hết tháng {m2}/{y2}.",
                )
    match = _YEAR_RANGE.search(folded)
    if match:
        y1, y2 = int(match.group(1)), int(match.group(2))
        if y1 > y2:
            return replace(
                base,
                reason=f"Giai đoạn {y1}-{y2} có năm đầu sau năm cuối; cần điều phối viên đặt hạn.",
            )
        end = date(y2, 12, 31)
        more = " và các năm tiếp theo" if open_ended else ""
        return replace(
            base,
            kind="span",
            start=date(y1, 1, 1),
            end=end,
            due=end,
            open_ended=open_ended,
            reason=f"Thực hiện trong giai đoạn {y1}-{y2}{more}.",
        )
    if open_ended:
        match = _YEAR.search(folded)
        if match:
            y = int(match.group(1))
            end = date(y, 12, 31)
            return replace(
                base,
                kind="span",
                start=date(y, 1, 1),
                end=end,
                due=end,
                open_ended=True,
                reason=f"Thực hiện năm {y} và tiếp tục các năm sau.",
            )
    return None


def _detect_continuous(folded: str, base: Schedule, ctx: _Context) -> Schedule | None:
    match = _FROM_YEAR.search(folded)
    if match and not _DAY_MONTH.search(folded):
        # "Các cơ quan đơn vị chủ động thực hiện từ năm 2026": ongoing from that year.
        y = int(match.group(1))
        return replace(
            base,
            kind="continuous",
            start=date(y, 1, 1),
            reason=f"Thực hiện thường xuyên từ năm {y}.",
        )
    if _CONTINUOUS.search(folded):
        return replace(base, kind="continuous", reason="Thực hiện thường xuyên.")
    return None


def _detect_once_period(folded: str, base: Schedule, ctx: _Context) -> Schedule | None:
    """One named day, month, quarter, half or year: due at its end. Without a written year it is
    in default_year, else the next one on or after the reference day."""
    years = [int(y) for y in _YEAR.findall(folded)]
    written = years[-1] if years else ctx.year

    def resolve(make: Callable[[int], date | None]) -> date | None:
        if written:
            return make(written)
        return next_on_or_after(make, ctx.reference) if ctx.reference else None

    def once(make: Callable[[int], date | None], what: str, end_of: bool = True) -> Schedule:
        due = resolve(make)
        if due is None and not (written or ctx.reference):
            return replace(
                base, reason=f"Có {what} nhưng không ghi năm; cần điều phối viên đặt hạn."
            )
        if due is None:
            shown = f"{what}/{written}" if written else what
            return replace(
                base,
                reason=f"{shown[0].upper()}{shown[1:]} không có thật; cần điều phối viên đặt hạn.",
            )
        note = ""
        if not written:
            note = f" ({what} không ghi năm: lần gần nhất từ ngày {_fmt(ctx.reference)})"  # type: ignore[arg-type]
        text = f"Hạn là ngày cuối {what}:" if end_of else "Hạn ngày"
        return replace(base, kind="once", due=due, reason=f"{text} {_fmt(due)}{note}.")

    def period_end(kind: str, index: int) -> Callable[[int], date | None]:
        return lambda y: make_period(kind, y, index).end if _valid_year(y) else None

    # Several dated points and no range ("Quý III, IV/2026 và Quý I/2027", "Năm 2026 theo
    # Nghị quyết … năm 2024"): the work is due at the end of the latest.
    ends = [b[1] for b in (p.bounds() for p in points(folded) if p.year) if b]
    if len(ends) >= 2:
        due = max(ends)
        return replace(
            base, kind="once", due=due, reason=f"Hạn là ngày cuối mốc sau cùng: {_fmt(due)}."
        )
    # Before month/year: "quý 3/2026" is a quarter, not March.
    match = _QUARTER.search(folded)
    if match:
        q = _number(match.group(1) or match.group(2))
        return once(period_end("quarter", q), f"quý {_ROMAN_OUT[q]}")
    match = _MONTH_YEAR.search(folded)
    if match:
        m = int(match.group(1) or match.group(3))
        my = int(match.group(2) or match.group(4))
        if 1 <= m <= 12 and _valid_year(my):
            return once(lambda _: _month_end(my, m), f"tháng {m}/{my}")
        return replace(base, reason=f"Tháng {m}/{my} không có thật; cần điều phối viên đặt hạn.")
    match = _DAY_MONTH.search(folded)
    if match:
        d = int(match.group(1) or match.group(3))
        m = int(match.group(2) or match.group(4))
        return once(lambda y: _safe_date(y, m, d), f"ngày {d}/{m}", end_of=False)
    match = _HALF_NAMED.search(folded)
    if match:
        h = 1 if match.group(1) == "dau" else 2
        return once(period_end("half", h), f"6 tháng {'đầu' if h == 1 else 'cuối'} năm")
    match = _MONTH.search(folded)
    if match and 1 <= int(match.group(1)) <= 12:
        m = int(match.group(1))
        return once(period_end("month", m), f"tháng {m}")
    if years:
        return once(period_end("year", 1), f"năm {years[-1]}")
    return None


def _detect_event(folded: str, base: Schedule, ctx: _Context) -> Schedule | None:
    if _EVENT.search(folded):
        return replace(
            base,
            kind="event",
            reason="Thời hạn phụ thuộc sự kiện hoặc chỉ đạo, không có ngày cụ thể; cần điều phối "
            "viên đặt hạn.",
        )
    return None


_KIND_ORDER = (
    "weekly",
    "monthly",
    "quarterly",
    "half_yearly",
    "yearly",
    "span",
    "continuous",
    "once",
    "relative",
    "event",
    "unknown",
)


def _combine(wording: str, parts: tuple[Schedule, ...], plan_date: date | None) -> Schedule:
    known = [p for p in parts if p.kind != "unknown"]
    kind = min((p.kind for p in known), key=_KIND_ORDER.index)
    dues = [p.due for p in known if p.due]
    reasons = "; ".join(f"({i}) {p.reason.rstrip('.')}" for i, p in enumerate(parts, 1)) + "."
    return Schedule(
        kind,  # type: ignore[arg-type]
        wording,
        f"Gồm {len(parts)} phần: {reasons}",
        due=min(dues) if dues else None,
        plan_date=plan_date,
        parts=parts,
        rule=RULES["parts"],
    )


# The reading rules in order of precedence ("relative" and "wait" come first, see _read).
_DETECTORS: tuple[tuple[str, Callable[[str, Schedule, _Context], Schedule | None]], ...] = (
    ("period_day", _detect_period_day),
    ("step", _detect_step),
    ("open_start", _detect_open_start),
    ("range", _detect_range),
    ("full_date", _detect_full_date),
    ("recurring", _detect_recurring),
    ("span", _detect_span),
    ("continuous", _detect_continuous),
    ("once_period", _detect_once_period),
    ("event", _detect_event),
)


__all__ = [
    "KIND_LABELS",
    "Period",
    "PeriodDue",
    "RULES",
    "Schedule",
    "due_in_period",
    "explain",
    "format_due",
    "make_period",
    "next_due",
    "parse_deadline",
    "parse_period",
    "period_of",
]
