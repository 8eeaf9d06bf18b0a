"""Issue 11 rules beyond the phrase table: periods, parts, the CLI's --explain, and robustness.

Phrases are invented, of the shapes real plans use.
"""

from __future__ import annotations

import json
import random
import unicodedata
from datetime import date, timedelta

import pytest
from click.testing import CliRunner

from kehoach_xlsx.cli import main
from kehoach_xlsx.deadlines import (
    KIND_LABELS,
    Schedule,
    due_in_period,
    explain,
    format_due,
    next_due,
    parse_deadline,
    parse_period,
)
from tests.test_deadlines_forms import FORMS

D = date


def _due(phrase: str, code: str, **kwargs):
    return due_in_period(parse_deadline(phrase, **kwargs), parse_period(code))


# ------------------------------------------------------------------------------------ weekly


@pytest.mark.parametrize(
    ("phrase", "code", "due"),
    [
        ("Thứ Sáu hằng tuần", "2026-09", D(2026, 9, 25)),  # last Friday of September
        ("Hằng tuần", "2026-09", D(2026, 9, 27)),  # last Sunday
        ("thứ 2 hàng tuần", "2026-Q4", D(2026, 12, 28)),
        ("Mỗi tuần một lần", "2027-02", D(2027, 2, 28)),
    ],
)
def test_weekly_reports_in_every_monthly_round(phrase: str, code: str, due: date) -> None:
    result = _due(phrase, code)
    assert (result.expected, result.due, result.needs_date) == (True, due, False), result.reason


def test_weekly_is_recurring_and_bounded() -> None:
    schedule = parse_deadline("Thứ Ba hằng tuần giai đoạn 2026-2027")
    assert schedule.recurring and schedule.weekdays == (1,)
    assert next_due(schedule, D(2027, 12, 30)) is None  # after the stated end
    assert not _due("Thứ Ba hằng tuần giai đoạn 2026-2027", "2028-01").expected
    assert KIND_LABELS["weekly"] == "hằng tuần"
    assert "thứ Ba" in explain(schedule)
    assert schedule.to_dict()["weekdays"] == [1]


def test_weekly_far_dates_do_not_crash() -> None:
    schedule = parse_deadline("Hằng tuần")
    assert next_due(schedule, D(9999, 12, 30)) is None or next_due(schedule, D(9999, 12, 30))
    assert next_due(schedule, D(1, 1, 1)) == D(1, 1, 7)


# ---------------------------------------------------------------------- a day in the period


@pytest.mark.parametrize(
    ("phrase", "code", "due"),
    [
        ("Trước ngày 15 tháng cuối quý", "2026-Q3", D(2026, 9, 15)),
        ("Trước ngày 15 tháng cuối quý", "2026-08", D(2026, 9, 15)),
        ("Trước ngày 15 tháng cuối quý", "2026", D(2026, 12, 15)),
        ("ngày 31 của tháng cuối quý", "2026-Q2", D(2026, 6, 30)),  # clipped to the month
        ("trước ngày 10 tháng đầu quý sau", "2026-Q4", D(2027, 1, 10)),
        ("Hằng tháng, trước ngày 5 của tháng sau", "2026-12", D(2027, 1, 5)),
        ("ngày 20 tháng cuối của 6 tháng", "2026-H1", D(2026, 6, 20)),
    ],
)
def test_day_inside_the_period(phrase: str, code: str, due: date) -> None:
    result = _due(phrase, code)
    assert (result.expected, result.due) == (True, due), result.reason


def test_day_inside_the_period_explained() -> None:
    assert explain(parse_deadline("trước ngày 20 tháng cuối quý")) == (
        "Hằng quý, hạn ngày 20 của tháng cuối quý."
    )
    assert "quý sau" in explain(parse_deadline("trước ngày 10 tháng đầu quý sau"))
    yearly = parse_deadline("Trước ngày 20 tháng cuối năm")
    assert (yearly.kind, yearly.month, yearly.day, yearly.before) == ("yearly", 12, 20, True)


# ---------------------------------------------------------------- year-less days and periods


@pytest.mark.parametrize(
    ("phrase", "reference", "due"),
    [
        ("Trước ngày 30 tháng 9", D(2026, 7, 1), D(2026, 9, 30)),
        ("Trước ngày 30 tháng 9", D(2026, 10, 1), D(2027, 9, 30)),
        ("trước ngày 15/5", D(2026, 12, 31), D(2027, 5, 15)),
        ("Trong quý I", D(2026, 7, 1), D(2027, 3, 31)),
        ("Trong tháng 12", D(2026, 12, 31), D(2026, 12, 31)),
        ("6 tháng cuối năm", D(2027, 1, 2), D(2027, 12, 31)),
    ],
)
def test_year_less_is_next_on_or_after(phrase: str, reference: date, due: date) -> None:
    by_plan = parse_deadline(phrase, plan_date=reference)
    by_as_of = parse_deadline(phrase, as_of=reference)
    assert by_plan.kind == by_as_of.kind == "once"
    assert by_plan.due == by_as_of.due == due
    assert "không ghi năm" in by_as_of.reason


def test_year_less_plan_date_wins_over_as_of() -> None:
    schedule = parse_deadline("trước ngày 15/5", plan_date=D(2026, 1, 10), as_of=D(2026, 7, 1))
    assert schedule.due == D(2026, 5, 15)  # the plan's own year: now overdue, not next year


def test_year_less_without_any_reference_needs_a_date() -> None:
    schedule = parse_deadline("Trước ngày 30 tháng 9")
    assert schedule.kind == "unknown" and schedule.needs_date
    assert "không ghi năm" in explain(schedule)
    assert parse_deadline("Trước ngày 31/2", as_of=D(2026, 7, 1)).kind == "unknown"


# -------------------------------------------------------------------------- "và tiếp theo"


def test_followed_range_recurs_after_its_end() -> None:
    future = parse_deadline("Giai đoạn 2026-2027 và các năm tiếp theo", as_of=D(2026, 7, 1))
    assert (future.kind, future.repeat, future.open_ended) == ("span", "yearly", True)
    assert next_due(future, D(2028, 3, 1)) == D(2028, 12, 31)
    assert due_in_period(future, parse_period("2028-Q2")).due == D(2028, 12, 31)
    quarters = parse_deadline("Quý IV/2026 và các quý tiếp theo", as_of=D(2026, 7, 1))
    assert (quarters.kind, quarters.repeat) == ("span", "quarterly")
    assert next_due(quarters, D(2027, 1, 2)) == D(2027, 3, 31)
    assert "sau đó tiếp tục hằng quý" in explain(quarters)


# ---------------------------------------------------------------------------- parts and steps


def test_first_step_then_yearly() -> None:
    schedule = parse_deadline("Tháng 3, 4/2026 và cập nhật, bổ sung hằng năm")
    assert [p.kind for p in schedule.parts] == ["once", "yearly"]
    assert next_due(schedule, D(2026, 2, 1)) == D(2026, 4, 30)
    assert next_due(schedule, D(2026, 7, 1)) == D(2026, 12, 31)
    assert _due("Tháng 3, 4/2026 và cập nhật, bổ sung hằng năm", "2027-Q1").due == D(2027, 12, 31)


def test_two_deadlines_nearer_one_in_the_period() -> None:
    for phrase in (
        "Ban hành Kế hoạch năm 2026; tổ chức thực hiện giai đoạn 2026-2030",
        "Ban hành Kế hoạch năm 2026, tổ chức thực hiện giai đoạn 2026-2030",
        "Năm 2026: ban hành kế hoạch; giai đoạn 2026-2030: tổ chức thực hiện",
    ):
        schedule = parse_deadline(phrase)
        assert [p.kind for p in schedule.parts] == ["once", "span"], phrase
        assert due_in_period(schedule, parse_period("2026-Q3")).due == D(2026, 12, 31)
        assert next_due(schedule, D(2027, 1, 1)) == D(2030, 12, 31)
    # a list of periods or a time with its condition is one deadline
    assert not parse_deadline("Năm 2026, 2027").parts
    assert not parse_deadline("Quý I/2027, sau khi có hướng dẫn").parts


# ------------------------------------------------------------------------------ the CLI


def _run(*args: str):
    return CliRunner().invoke(main, ["deadline", *args])


def test_cli_explain_names_the_rule() -> None:
    result = _run("Quý III/2026 - Quý I/2027", "--as-of", "2026-07-01", "--explain")
    assert result.exit_code == 0, result.output
    assert "Hạn kế tiếp: 31/03/2027" in result.stdout
    assert "Quy tắc: khoảng giữa hai mốc" in result.stdout
    parts = _run("Năm 2026; giai đoạn 2026-2030", "--as-of", "2026-07-01", "--explain")
    assert "(2) Quy tắc: giai đoạn" in parts.stdout or "(2) Quy tắc: khoảng" in parts.stdout


def test_cli_json_contract_and_as_of_for_year_less_days() -> None:
    result = _run("trước ngày 15/5", "--as-of", "2026-07-01", "--json")
    data = json.loads(result.stdout)
    assert {"kind", "next_due", "needs_date", "explain", "as_of", "reason", "parts"} <= set(data)
    assert (data["kind"], data["next_due"], data["needs_date"]) == ("once", "2027-05-15", False)
    assert data["rule"]
    weekly = json.loads(_run("Hằng tuần", "--as-of", "2026-07-01", "--json").stdout)
    assert (weekly["kind"], weekly["next_due"]) == ("weekly", "2026-07-05")


@pytest.mark.parametrize(
    "phrase", ["Đẩy mạnh tuyên truyền", "Trước ngày 31/2/2026", "Giai đoạn 2030-2026", ""]
)
def test_cli_every_unknown_says_why(phrase: str) -> None:
    data = json.loads(_run(phrase, "--as-of", "2026-07-01", "--json").stdout)
    assert data["kind"] == "unknown" and data["needs_date"]
    assert data["explain"] == data["reason"] and "cần điều phối viên đặt hạn" in data["explain"]


# -------------------------------------------------------------------------- never raises


def _mutations(rng: random.Random, phrase: str) -> str:
    chars = list(phrase)
    for _ in range(rng.randint(1, 4)):
        op = rng.randrange(5)
        at = rng.randrange(len(chars) + 1)
        if op == 0 and chars:
            del chars[min(at, len(chars) - 1)]
        elif op == 1:
            chars.insert(at, rng.choice("0123456789/-–.,;:() \n<>quýtháng"))
        elif op == 2:
            chars.insert(at, chr(rng.randrange(0x20, 0x2FFF)))
        elif op == 3 and chars:
            i = rng.randrange(len(chars))
            chars[i] = chars[i].upper() if chars[i].islower() else chars[i].lower()
        else:
            chars[at:at] = list(rng.choice(FORMS)[0])
    text = "".join(chars)
    return unicodedata.normalize("NFD", text) if rng.random() < 0.2 else text


def test_no_phrase_ever_raises() -> None:
    rng = random.Random(11)
    periods = [parse_period(c) for c in ("2026-07", "2026-Q3", "2026-H2", "2026", "2027-01")]
    for i in range(1500):
        if i % 3 == 0:
            text = "".join(chr(rng.randrange(0x20, 0x1EFF)) for _ in range(rng.randint(0, 40)))
        else:
            text = _mutations(rng, rng.choice(FORMS)[0])
        as_of = D(2026, 1, 1) + timedelta(days=rng.randrange(1200))
        plan_date = rng.choice([None, D(2026, 3, 1)])
        schedule = parse_deadline(text, plan_date=plan_date, as_of=as_of)
        assert isinstance(schedule, Schedule)
        assert schedule.rule, text
        next_due(schedule, as_of)
        assert explain(schedule)
        format_due(schedule, as_of=as_of)
        json.dumps(schedule.to_dict())
        for period in periods:
            due_in_period(schedule, period)
        if schedule.kind == "unknown":
            assert "cần điều phối viên đặt hạn" in explain(schedule), text


@pytest.mark.parametrize(
    ("phrase", "kind", "due"),
    [
        ("Sau khi có Kế hoạch của UBND tỉnh, trước ngày 30/9/2026", "once", D(2026, 9, 30)),
        ("Sau khi Đề án được phê duyệt, hoàn thành trong quý IV/2026", "once", D(2026, 12, 31)),
        ("Sau khi Luật năm 2024 có hiệu lực", "event", None),  # a year naming the law
        ("Quý I/2027 (sau khi có hướng dẫn)", "once", D(2027, 3, 31)),
        ("Hằng năm (sau khi có kết quả kiểm tra)", "yearly", D(2026, 12, 31)),
        ("Sau khi Kế hoạch được ban hành 15 ngày", "relative", None),
    ],
)
def test_after_an_event_a_stated_deadline_still_rules(phrase: str, kind: str, due) -> None:
    schedule = parse_deadline(phrase, as_of=D(2026, 7, 1))
    assert (schedule.kind, next_due(schedule, D(2026, 7, 1))) == (kind, due), schedule.reason
