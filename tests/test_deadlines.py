"""Deadline phrases from the seed plans -> Schedule, periods, due dates per period, CLI."""

from __future__ import annotations

import json
import random
import re
import time
import unicodedata
from datetime import date

import pytest
from click.testing import CliRunner

from kehoach_xlsx.cli import main
from kehoach_xlsx.deadlines import (
    Period,
    Schedule,
    due_in_period,
    explain,
    format_due,
    next_due,
    parse_deadline,
    parse_period,
    period_of,
)
from kehoach_xlsx.errors import DeadlineError
from tests.conftest import seed

AS_OF = date(2026, 9, 15)
PLAN_DATE = date(2026, 7, 1)

# Every distinct deadline phrase of the five seeds and DOMAIN.md, as a cell or label hands it to
# us: (phrase, kind, next_due on AS_OF with PLAN_DATE).
SEED_RELATIVE_3_PARTS = (
    "-Kế hoạch của Ủy ban nhân dân phường ban hành trong thời hạn 15 ngày kể từ ngày UBND thành "
    "phố ban hành kế hoạch trọng tâm, liên ngành. <p>-Kế hoạch của các phòng chuyên môn, cơ quan, "
    "đơn vị ban hành trong thời hạn 15 ngày kể từ ngày ban hành kế hoạch của UBND phường.</p> "
    "<p>-Về tổ chức các hoạt động theo dõi thi hành pháp luật: Thường xuyên.</p>"
)
PHRASES: list[tuple[str, str, date | None]] = [
    # seed 002, last column
    ("Năm 2026 và các năm tiếp theo.", "span", date(2026, 12, 31)),
    ("Theo lộ trình chỉ đạo của thành phố.", "event", None),
    ("Thường xuyên", "continuous", None),
    ("Hàng năm", "yearly", date(2026, 12, 31)),
    ("- Năm 2026 và các năm tiếp theo (nếu cần thiết)", "span", date(2026, 12, 31)),
    ("Trong quý III năm 2026", "once", date(2026, 9, 30)),
    ("Hàng quý", "quarterly", date(2026, 9, 30)),
    (
        "Theo lộ trình văn bản luật giao và Danh mục xây dựng văn bản QPPL đã đăng ký",
        "event",
        None,
    ),
    ("Giai đoạn 2026-2030 và các năm tiếp theo", "span", date(2030, 12, 31)),
    ("Trước ngày 31/12 hằng năm.", "yearly", date(2026, 12, 31)),
    (SEED_RELATIVE_3_PARTS, "continuous", date(2026, 7, 16)),
    ("<p>Thường xuyên</p>", "continuous", None),
    ("<p>Hàng năm</p>", "yearly", date(2026, 12, 31)),
    ("<p>Thường xuyên hàng năm</p>", "yearly", date(2026, 12, 31)),
    ("Hằng năm", "yearly", date(2026, 12, 31)),
    ("Thực hiện đánh giá cán bộ công chức vào Quý IV hàng năm.", "yearly", date(2026, 12, 31)),
    ("Các cơ quan đơn vị chủ động thực hiện từ năm 2026.", "continuous", None),
    (
        "Tháng 11 hàng năm; Tuần lễ cao điểm hưởng ứng Ngày Pháp luật Việt Nam.",
        "yearly",
        date(2026, 11, 9),
    ),
    ("Quý IV hàng năm.", "yearly", date(2026, 12, 31)),
    ("Thường xuyên, hàng năm.", "yearly", date(2026, 12, 31)),
    ("Thường xuyên, hàng năm", "yearly", date(2026, 12, 31)),
    (
        "-Ban hành Kế hoạch năm 2026; -Tổ chức thực hiện giai đoạn 2026-2030.",
        "span",
        date(2026, 12, 31),
    ),
    ("Ít nhất mỗi cán bộ được tập huấn 1 lần/năm", "yearly", date(2026, 12, 31)),
    ("Hằng năm.", "yearly", date(2026, 12, 31)),
    ("Quý IV hằng năm.", "yearly", date(2026, 12, 31)),
    ("Thường xuyên, hằng năm.", "yearly", date(2026, 12, 31)),
    ("Giai đoạn 2026 - 2030 và những năm tiếp theo", "span", date(2030, 12, 31)),
    ("Năm 2028", "once", date(2028, 12, 31)),
    ("Năm 2030", "once", date(2030, 12, 31)),
    # seed 001, "Thời gian thực hiện:"
    ("Trong Quý II năm 2026", "once", date(2026, 6, 30)),
    ("Hằng quý", "quarterly", date(2026, 9, 30)),
    ("Giai đoạn 2026- 2030 và các năm tiếp theo", "span", date(2030, 12, 31)),
    ("Về tổ chức các hoạt động theo dõi thi hành pháp luật: Thường xuyên", "continuous", None),
    ("Thường xuyên hàng năm", "yearly", date(2026, 12, 31)),
    ("Quý I hàng năm", "yearly", date(2027, 3, 31)),
    ("Từ khi có dự thảo chính sách", "event", None),
    (
        "Thực hiện đánh giá cán bộ, công chức vào quý IV hàng năm",
        "yearly",
        date(2026, 12, 31),
    ),
    ("Năm 2026", "once", date(2026, 12, 31)),
    ("Quý IV hàng năm", "yearly", date(2026, 12, 31)),
    ("từ năm 2026-2030", "span", date(2030, 12, 31)),
    (
        "Theo chương trình của Bộ Tư pháp, Ủy ban nhân dân, Sở Tư pháp thành phố",
        "event",
        None,
    ),
    ("Hàng năm.", "yearly", date(2026, 12, 31)),
    ("Giai đoạn năm 2026-2030 và những năm tiếp theo", "span", date(2030, 12, 31)),
    ("Năm 2026-2030", "span", date(2030, 12, 31)),
    # seed 003
    ("thường xuyên.", "continuous", None),
    ("Quý IV năm 2026.", "once", date(2026, 12, 31)),
    ("chậm nhất ngày 01 tháng 11 năm 2026", "once", date(2026, 11, 1)),
    # seed 004, appendices' "Thời gian" column
    ("2025-2030", "span", date(2030, 12, 31)),
    ("Hàng quý, hàng năm", "quarterly", date(2026, 9, 30)),
    # DOMAIN.md and the issue
    ("Hằng năm và các năm tiếp theo", "yearly", date(2026, 12, 31)),
    ("Tháng 11 hàng năm", "yearly", date(2026, 11, 30)),
    ("Thường xuyên, hằng năm", "yearly", date(2026, 12, 31)),
    ("Năm 2026 và các năm tiếp theo", "span", date(2026, 12, 31)),
    (
        "trong thời hạn 15 ngày kể từ ngày UBND thành phố ban hành kế hoạch ...",
        "relative",
        date(2026, 7, 16),
    ),
    ("Trước ngày 30/6/2026", "once", date(2026, 6, 30)),
    ("Tháng 12/2026", "once", date(2026, 12, 31)),
    ("Quý III/2026", "once", date(2026, 9, 30)),
    ("6 tháng", "half_yearly", date(2026, 12, 31)),
    ("hằng 6 tháng", "half_yearly", date(2026, 12, 31)),
    ("Hàng tháng", "monthly", date(2026, 9, 30)),
    ("trước ngày 25 hằng tháng", "monthly", date(2026, 9, 25)),
    ("trước ngày 15/12 hằng năm", "yearly", date(2026, 12, 15)),
    ("Từ tháng 7 đến tháng 12/2026", "span", date(2026, 12, 31)),
    ("Tháng 7/2026 - tháng 3/2027", "span", date(2027, 3, 31)),
    ("Trong vòng 30 ngày kể từ ngày ký", "relative", date(2026, 7, 31)),
    ("Sau khi Kế hoạch được ban hành 15 ngày", "relative", date(2026, 7, 16)),
    ("Khi có yêu cầu", "event", None),
    ("Theo chỉ đạo của UBND", "event", None),
    ("Q4/2026", "once", date(2026, 12, 31)),
    ("quý 3/2026", "once", date(2026, 9, 30)),
    ("quý 4 năm 2026", "once", date(2026, 12, 31)),
    ("31-12-2026", "once", date(2026, 12, 31)),
    ("31.12.2026", "once", date(2026, 12, 31)),
    ("ngày 31 tháng 12 năm 2026", "once", date(2026, 12, 31)),
    ("6 tháng đầu năm 2026", "once", date(2026, 6, 30)),
    ("Từ ngày 01/7/2026 đến ngày 31/12/2026", "span", date(2026, 12, 31)),
]

# Seed phrases we deliberately do not understand, and why.
EXPECTED_UNKNOWN = {
    # seed 002 task 7: a page break cut the cell; the plan reader joins it with its
    # continuation row (SEED_RELATIVE_3_PARTS above), this fragment alone names no period.
    "-Kế hoạch của Ủy ban nhân dân phường ban hành trong thời hạn 15": "cut by a page break",
}


@pytest.mark.parametrize(("phrase", "kind", "due"), PHRASES, ids=[p[0][:40] for p in PHRASES])
def test_phrase_table(phrase: str, kind: str, due: date | None) -> None:
    schedule = parse_deadline(phrase, plan_date=PLAN_DATE)
    assert schedule.kind == kind, schedule.reason
    assert next_due(schedule, AS_OF) == due
    assert schedule.wording == phrase
    assert schedule.reason and unicodedata.is_normalized("NFC", schedule.reason)
    sentence = explain(schedule)
    assert sentence.endswith(".") and unicodedata.is_normalized("NFC", sentence)
    assert schedule.needs_date == (kind == "event")


def _seed_phrases() -> set[str]:
    """Collect the deadline wording of the five seeds the way a reader would see it."""
    found: set[str] = set()
    for line in seed("002").read_text(encoding="utf-8").splitlines():
        cells = line.split("\t")
        if len(cells) == 6 and cells[0] != "TT":
            found.add(cells[-1].strip())
    for prefix in ("001", "003", "004"):
        lines = seed(prefix).read_text(encoding="utf-8").splitlines()
        column = None
        for i, line in enumerate(lines):
            label = re.search(r"Thời gian(?: thực hiện)?:\s*(.*)$", line)
            if label:
                value = label.group(1).strip()
                if not value:  # the value ran onto the next non-empty line
                    value = next((x.strip() for x in lines[i + 1 :] if x.strip()), "")
                found.add(value)
            cells = line.split("\t")
            if "Thời gian" in cells:
                column = cells.index("Thời gian")
            elif len(cells) < 3:
                column = None
            elif column is not None and len(cells) > column:
                found.add(cells[column].strip())
    found.add("chậm nhất ngày 01 tháng 11 năm 2026")  # seed 003, in the prose
    return {phrase for phrase in found if phrase and phrase != "Tiến độ thực hiện"}


def test_every_seed_phrase_is_understood_or_listed() -> None:
    phrases = _seed_phrases()
    assert len(phrases) >= 35  # the collector really read the seeds
    table = {p[0] for p in PHRASES}
    for phrase in sorted(phrases):
        schedule = parse_deadline(phrase, plan_date=PLAN_DATE)
        if phrase in EXPECTED_UNKNOWN:
            assert schedule.kind == "unknown"
            assert schedule.needs_date
            continue
        assert schedule.kind != "unknown", f"{phrase!r}: {schedule.reason}"
        assert phrase in table, f"add {phrase!r} to PHRASES"


# ---------------------------------------------------------------------------------------------
# Spelling variants and bad input


@pytest.mark.parametrize(
    ("variant", "same_as"),
    [
        (unicodedata.normalize("NFD", "Quý IV hằng năm"), "Quý IV hằng năm"),
        ("Quý 4 hằng năm", "Quý IV hằng năm"),
        ("Q4 hàng năm", "Quý IV hằng năm"),
        ("<b>QUÝ IV HÀNG NĂM</b>.", "Quý IV hằng năm"),
        ("**Hằng quý**", "Hàng quý"),
        ("  -  Thường   xuyên ; ", "Thường xuyên"),
        ("Theo chỉ đạo của Uỷ ban nhân dân", "Theo chỉ đạo của Ủy ban nhân dân"),
        (unicodedata.normalize("NFD", "chậm nhất ngày 01 tháng 11 năm 2026"), "01/11/2026"),
        ("Trước ngày 31/12 hàng năm", "trước ngày 31 tháng 12 hằng năm"),
    ],
)
def test_variants_read_alike(variant: str, same_as: str) -> None:
    a = parse_deadline(variant, plan_date=PLAN_DATE)
    b = parse_deadline(same_as, plan_date=PLAN_DATE)
    assert a.kind == b.kind != "unknown"
    assert (a.due, a.day, a.month, a.quarter) == (b.due, b.day, b.month, b.quarter)
    assert a.wording == variant


@pytest.mark.parametrize(
    ("text", "reason_part"),
    [
        ("", "Chưa ghi thời hạn"),
        ("   ", "Chưa ghi thời hạn"),
        ("32/13/2026", "32/13/2026"),
        ("30/02/2026", "30/2/2026"),
        ("Tháng 13/2026", "13/2026"),
        ("Trước ngày 31/2 hằng năm", "31/2"),
        ("Giai đoạn 2030-2026", "2030-2026"),
        ("Trong quý III", "không ghi năm"),
        ("Đẩy mạnh tuyên truyền", "Không nhận ra"),
        ("Th\u00adêng xuyªn", "Không nhận ra"),  # TCVN3 bytes read as Latin-1
        ("\ud800 abc", "Không nhận ra"),  # a lone surrogate from a broken conversion
    ],
)
def test_bad_input_is_unknown_with_reason(text: str, reason_part: str) -> None:
    schedule = parse_deadline(text)
    assert schedule.kind == "unknown"
    assert reason_part in schedule.reason
    assert schedule.needs_date
    assert next_due(schedule, AS_OF) is None
    # issue 11: every unknown says why, in explain too
    assert explain(schedule) == schedule.reason
    assert "cần điều phối viên đặt hạn" in explain(schedule)


def test_year_less_phrase_uses_default_year_or_plan_year() -> None:
    assert parse_deadline("Trong quý III", default_year=2027).due == date(2027, 9, 30)
    assert parse_deadline("Trước ngày 15/12", plan_date=PLAN_DATE).due == date(2026, 12, 15)


def test_long_input_is_bounded() -> None:
    started = time.perf_counter()
    huge = parse_deadline("Hằng năm " + "x" * 10_240)
    near_limit = parse_deadline(("quý IV hằng năm 2026-2030 ngày 31/12/2026 " * 60)[:1990])
    nested = parse_deadline("<" * 5000 + "1/" * 2000)
    assert time.perf_counter() - started < 2
    assert huge.kind == "unknown" and "quá dài" in huge.reason
    assert near_limit.kind != "unknown"
    assert nested.kind == "unknown"


def test_random_strings_never_raise() -> None:
    rng = random.Random(20260915)
    tokens = "quý IV III 2026 - / . 31 12 ngày tháng năm hằng hàng thường xuyên ; <p> 15 kể từ Q4 -2030 0 99 : và các năm tiếp theo sau khi từ đến 6".split()
    for _ in range(600):
        text = " ".join(rng.choice(tokens) for _ in range(rng.randint(0, 12)))
        schedule = parse_deadline(text, plan_date=rng.choice([None, PLAN_DATE]))
        assert isinstance(schedule, Schedule)
        next_due(schedule, AS_OF)
        explain(schedule)
        for code in ("2026-09", "2026-Q3", "2026-H2", "2026"):
            due_in_period(schedule, parse_period(code))


def test_relative_without_plan_date_needs_a_date() -> None:
    schedule = parse_deadline("Trong vòng 30 ngày kể từ ngày ký")
    assert schedule.kind == "relative" and schedule.offset == 30
    assert schedule.needs_date and next_due(schedule, AS_OF) is None
    assert "cần điều phối viên đặt hạn" in explain(schedule)
    assert parse_deadline(SEED_RELATIVE_3_PARTS).needs_date


def test_relative_working_days_and_months() -> None:
    working = parse_deadline("trong 5 ngày làm việc kể từ ngày ký", plan_date=date(2026, 7, 3))
    assert working.due == date(2026, 7, 10)  # Friday + 5 working days, skipping the weekend
    months = parse_deadline("trong vòng 3 tháng kể từ ngày ban hành", plan_date=PLAN_DATE)
    assert months.due == date(2026, 10, 1)


def test_law_day() -> None:
    yearly = parse_deadline("Hưởng ứng Ngày Pháp luật Việt Nam")
    assert (yearly.kind, yearly.day, yearly.month) == ("yearly", 9, 11)
    once = parse_deadline("Ngày Pháp luật Việt Nam năm 2026")
    assert (once.kind, once.due) == ("once", date(2026, 11, 9))


def test_several_parts_keep_their_parts() -> None:
    schedule = parse_deadline(
        "-Ban hành Kế hoạch năm 2026; -Tổ chức thực hiện giai đoạn 2026-2030."
    )
    assert [p.kind for p in schedule.parts] == ["once", "span"]
    assert schedule.due == date(2026, 12, 31)  # the earliest concrete due of the parts
    assert schedule.parts[1].end == date(2030, 12, 31)
    assert next_due(schedule, date(2027, 3, 1)) == date(2030, 12, 31)
    assert explain(schedule).startswith("Gồm 2 phần: (1) Hạn ngày 31/12/2026.")
    data = schedule.to_dict()
    assert data["due"] == "2026-12-31" and len(data["parts"]) == 2
    json.dumps(data)


def test_next_due_recurring_and_bounds() -> None:
    yearly = parse_deadline("Trước ngày 31/12 hằng năm")
    assert next_due(yearly, date(2026, 12, 31)) == date(2026, 12, 31)
    assert next_due(yearly, date(2027, 1, 1)) == date(2027, 12, 31)
    bounded = parse_deadline("Hằng năm giai đoạn 2026-2027")
    assert (bounded.start, bounded.end) == (date(2026, 1, 1), date(2027, 12, 31))
    assert next_due(bounded, date(2028, 2, 1)) is None
    assert next_due(parse_deadline("Hàng tháng"), date(2026, 2, 1)) == date(2026, 2, 28)
    once = parse_deadline("Quý II năm 2026")
    assert next_due(once, AS_OF) == date(2026, 6, 30)  # past, still reported as the due
    open_span = parse_deadline("Năm 2026 và các năm tiếp theo")
    # issue 11: after its stated end, "và các năm tiếp theo" recurs yearly (was: no due date)
    assert next_due(open_span, date(2027, 5, 1)) == date(2027, 12, 31)
    assert next_due(parse_deadline("2025-2030"), date(2031, 5, 1)) == date(2030, 12, 31)
    assert next_due(parse_deadline("Hằng quý"), date(1, 1, 1)) is None  # no crash
    assert next_due(parse_deadline("Hằng quý"), date(9999, 1, 1)) is None


# ---------------------------------------------------------------------------------------------
# Periods


@pytest.mark.parametrize(
    ("text", "code", "kind", "start", "end"),
    [
        ("2026-09", "2026-09", "month", date(2026, 9, 1), date(2026, 9, 30)),
        ("09/2026", "2026-09", "month", date(2026, 9, 1), date(2026, 9, 30)),
        ("tháng 2/2028", "2028-02", "month", date(2028, 2, 1), date(2028, 2, 29)),
        ("2026-Q3", "2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("Q3/2026", "2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("quý 3/2026", "2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("Quý III năm 2026", "2026-Q3", "quarter", date(2026, 7, 1), date(2026, 9, 30)),
        ("2026-q4", "2026-Q4", "quarter", date(2026, 10, 1), date(2026, 12, 31)),
        ("2026-H2", "2026-H2", "half", date(2026, 7, 1), date(2026, 12, 31)),
        ("H1/2026", "2026-H1", "half", date(2026, 1, 1), date(2026, 6, 30)),
        ("2026", "2026", "year", date(2026, 1, 1), date(2026, 12, 31)),
        (" năm 2026 ", "2026", "year", date(2026, 1, 1), date(2026, 12, 31)),
    ],
)
def test_parse_period(text: str, code: str, kind: str, start: date, end: date) -> None:
    period = parse_period(text)
    assert (period.code, period.kind, period.start, period.end) == (code, kind, start, end)
    assert parse_period(period.code) == period


@pytest.mark.parametrize(
    "text", ["", "2026-13", "2026-Q5", "13/2026", "Q0/2026", "abc", "26", "2026-H3"]
)
def test_parse_period_rejects_bad_input(text: str) -> None:
    with pytest.raises(DeadlineError, match="Kỳ báo cáo .* không hợp lệ"):
        parse_period(text)


def test_period_of_and_labels() -> None:
    assert period_of("quarter", AS_OF).code == "2026-Q3"
    assert period_of("half", AS_OF).label == "6 tháng cuối năm 2026"
    assert parse_period("2026-Q4").label == "quý IV/2026"
    assert parse_period("2026-09").contains(AS_OF)


# ---------------------------------------------------------------------------------------------
# Due dates per period


def _due(phrase: str, code: str, plan_date: date | None = PLAN_DATE, override: date | None = None):
    return due_in_period(parse_deadline(phrase, plan_date=plan_date), parse_period(code), override)


@pytest.mark.parametrize(
    ("phrase", "code", "expected", "due"),
    [
        # once: progress before its due, due in its period, overdue check after
        ("Trong quý III năm 2026", "2026-08", True, date(2026, 9, 30)),
        ("Trong quý III năm 2026", "2026-09", True, date(2026, 9, 30)),
        ("Trong quý III năm 2026", "2026-Q4", True, date(2026, 9, 30)),
        ("Trong quý III năm 2026", "2026-Q2", False, None),  # before the plan's date
        # continuous: every period, no date
        ("Thường xuyên", "2026-09", True, None),
        ("Thường xuyên", "2027", True, None),
        ("Các cơ quan đơn vị chủ động thực hiện từ năm 2026.", "2026-H2", True, None),
        # yearly windows
        ("Quý IV hàng năm", "2026-09", False, None),
        ("Quý IV hàng năm", "2026-11", True, date(2026, 12, 31)),
        ("Quý IV hàng năm", "2026-Q4", True, date(2026, 12, 31)),
        ("Quý IV hàng năm", "2026-H2", True, date(2026, 12, 31)),
        ("Quý IV hàng năm", "2027", True, date(2027, 12, 31)),
        ("Hàng năm", "2026-09", True, date(2026, 12, 31)),
        ("Thường xuyên, hằng năm", "2026-Q3", True, date(2026, 12, 31)),
        ("Tháng 11 hàng năm", "2026-10", False, None),
        ("Tháng 11 hàng năm", "2026-11", True, date(2026, 11, 30)),
        ("Trước ngày 15/12 hằng năm", "2026-12", True, date(2026, 12, 15)),
        ("Trước ngày 15/12 hằng năm", "2026-09", True, date(2026, 12, 15)),
        ("Hưởng ứng Ngày Pháp luật Việt Nam", "2026-09", False, None),
        ("Hưởng ứng Ngày Pháp luật Việt Nam", "2026-Q4", True, date(2026, 11, 9)),
        # other recurrences
        ("Hàng quý", "2026-08", True, date(2026, 9, 30)),
        ("Hàng quý", "2026-Q3", True, date(2026, 9, 30)),
        ("Hàng quý", "2026-H2", True, date(2026, 12, 31)),
        ("Hàng quý", "2026", True, date(2026, 12, 31)),
        ("Hàng tháng", "2026-Q3", True, date(2026, 9, 30)),
        ("6 tháng", "2026-09", True, date(2026, 12, 31)),
        # spans
        ("2026-2030", "2026-09", True, date(2030, 12, 31)),
        ("2027-2030", "2026-09", False, None),
        ("2025-2030", "2031", True, date(2030, 12, 31)),
        ("Năm 2026 và các năm tiếp theo", "2026-09", True, date(2026, 12, 31)),
        # issue 11: after its stated end the span recurs yearly (was: continuous, no due)
        ("Năm 2026 và các năm tiếp theo", "2027-Q1", True, date(2027, 12, 31)),
        # several parts: the earliest due among the parts that report
        (
            "-Ban hành Kế hoạch năm 2026; -Tổ chức thực hiện giai đoạn 2026-2030.",
            "2026-09",
            True,
            date(2026, 12, 31),
        ),
        (
            "Tháng 11 hàng năm; Tuần lễ cao điểm hưởng ứng Ngày Pháp luật Việt Nam.",
            "2026-11",
            True,
            date(2026, 11, 9),
        ),
        (
            "Tháng 11 hàng năm; Tuần lễ cao điểm hưởng ứng Ngày Pháp luật Việt Nam.",
            "2026-09",
            False,
            None,
        ),
        # relative with the plan's date
        ("Trong vòng 30 ngày kể từ ngày ký", "2026-07", True, date(2026, 7, 31)),
    ],
)
def test_due_in_period(phrase: str, code: str, expected: bool, due: date | None) -> None:
    result = _due(phrase, code)
    assert (result.expected, result.due) == (expected, due), result.reason
    assert result.source == "schedule"
    assert not result.needs_date
    assert result.reason


@pytest.mark.parametrize(
    "phrase",
    [
        "Khi có yêu cầu",
        "Theo chỉ đạo của UBND",
        "Đẩy mạnh tuyên truyền",
        "",
        "Trong vòng 30 ngày kể từ ngày ký",
    ],
)
def test_undated_tasks_are_expected_and_need_a_date(phrase: str) -> None:
    result = _due(phrase, "2026-09", plan_date=None)
    assert (result.expected, result.due, result.needs_date) == (True, None, True)
    assert "cần đặt hạn" in result.reason


def test_override_wins() -> None:
    event = _due("Khi có yêu cầu", "2026-09", override=date(2026, 9, 20))
    assert (event.expected, event.due, event.needs_date, event.source) == (
        True,
        date(2026, 9, 20),
        False,
        "override",
    )
    assert "20/09/2026" in event.reason
    later = _due("Quý IV hàng năm", "2026-09", override=date(2026, 10, 15))
    assert (later.expected, later.due) == (False, date(2026, 10, 15))
    now = _due("Quý IV hàng năm", "2026-10", override=date(2026, 10, 15))
    assert (now.expected, now.due) == (True, date(2026, 10, 15))
    past = _due("2027-2030", "2026-12", override=date(2026, 11, 1))
    assert past.expected and past.due == date(2026, 11, 1)


def test_format_due() -> None:
    schedule = parse_deadline("Quý IV hàng năm")
    assert format_due(schedule, parse_period("2026-Q4")) == "31/12/2026"
    assert format_due(schedule, as_of=AS_OF) == "31/12/2026"
    assert format_due(parse_deadline("<p>Khi có yêu cầu</p>")) == "Khi có yêu cầu"


# ---------------------------------------------------------------------------------------------
# CLI


def _run(*args: str):
    return CliRunner().invoke(main, ["deadline", *args])


def test_cli_json_matches_library() -> None:
    result = _run("Quý IV hằng năm", "--as-of", "2026-09-15", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    schedule = parse_deadline("Quý IV hằng năm")
    assert data["kind"] == "yearly"
    assert data["next_due"] == "2026-12-31"
    assert data["needs_date"] is False
    assert data["explain"] == explain(schedule) == "Hằng năm trong quý IV, hạn ngày 31/12."
    assert {"kind", "next_due", "needs_date", "explain"} <= set(data)


def test_cli_relative_with_and_without_plan_date() -> None:
    text = "trong thời hạn 15 ngày kể từ ngày UBND thành phố ban hành kế hoạch"
    without = json.loads(_run(text, "--as-of", "2026-09-15", "--json").stdout)
    assert (without["kind"], without["next_due"], without["needs_date"]) == ("relative", None, True)
    dated = json.loads(
        _run(text, "--as-of", "2026-09-15", "--plan-date", "2026-07-01", "--json").stdout
    )
    assert (dated["next_due"], dated["needs_date"]) == ("2026-07-16", False)


def test_cli_unknown_and_period() -> None:
    result = _run("32/13/2026", "--as-of", "2026-09-15", "--json", "--period", "2026-Q3")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert (data["kind"], data["next_due"], data["needs_date"]) == ("unknown", None, True)
    assert data["period_due"]["expected"] is True and data["period"] == "2026-Q3"


def test_cli_readable_line() -> None:
    result = _run("Thường xuyên", "--as-of", "2026-09-15")
    assert result.exit_code == 0
    assert result.stdout.strip() == (
        "Loại: thường xuyên | Hạn kế tiếp: — | Thực hiện thường xuyên, báo cáo tiến độ mỗi kỳ."
    )
    today = _run("Hằng quý")  # --as-of defaults to today
    assert today.exit_code == 0 and "Loại: hằng quý" in today.stdout


@pytest.mark.parametrize("bad", ["2026-13-01", "15/09/2026", "hôm nay"])
def test_cli_bad_as_of_is_usage_error(bad: str) -> None:
    result = _run("Hằng năm", "--as-of", bad, "--json")
    assert result.exit_code == 2
    assert "YYYY-MM-DD" in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_cli_bad_period_is_vietnamese_error() -> None:
    result = _run("Hằng năm", "--period", "2026-Q5")
    assert result.exit_code == 2
    assert result.stderr.startswith("Lỗi: Kỳ báo cáo “2026-Q5” không hợp lệ")
    assert "Traceback" not in result.output + result.stderr


def test_period_is_frozen() -> None:
    period = parse_period("2026")
    assert isinstance(period, Period)
    with pytest.raises(AttributeError):
        period.year = 2027  # type: ignore[misc]


@pytest.mark.parametrize(
    ("wording", "due"),
    [
        ("Tháng 6 và tháng 12 hằng năm", date(2026, 12, 31)),
        ("Quý II và quý IV hàng năm", date(2026, 12, 31)),
        ("tháng 3, 9 hằng năm", date(2026, 9, 30)),
    ],
)
def test_two_yearly_anchors_in_one_phrase(wording, due):
    schedule = parse_deadline(wording, plan_date=date(2026, 7, 1))
    assert schedule.kind == "yearly" and len(schedule.parts) == 2
    assert next_due(schedule, date(2026, 9, 15)) == due


@pytest.mark.parametrize(
    ("wording", "due"),
    [
        ("Quý II, III/2026", date(2026, 9, 30)),  # runs through the later quarter
        ("Quý 3 - 4/2026", date(2026, 12, 31)),
        ("Đầu năm 2027", date(2027, 3, 31)),
        ("Giữa năm 2026", date(2026, 6, 30)),
        ("Tuần đầu tháng 12/2026", date(2026, 12, 7)),
        ("6 tháng đầu năm 2026", date(2026, 6, 30)),
    ],
)
def test_loose_period_wordings(wording, due):
    schedule = parse_deadline(wording, plan_date=date(2026, 7, 1))
    assert (schedule.kind, schedule.due) == ("once", due)
    assert schedule.wording == wording  # shown to the coordinator as written
