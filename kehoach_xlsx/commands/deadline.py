"""`kehoach deadline`: show how a deadline phrase is understood."""

from __future__ import annotations

import json
from datetime import date

import click

from kehoach_xlsx.deadlines import (
    KIND_LABELS,
    due_in_period,
    explain,
    next_due,
    parse_deadline,
    parse_period,
)


class IsoDate(click.ParamType):
    """A YYYY-MM-DD date; anything else is a click usage error (exit code 2)."""

    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value).strip())
        except ValueError:
            self.fail(
                f"“{value}” không phải ngày hợp lệ; hãy ghi theo dạng YYYY-MM-DD, ví dụ 2026-09-15.",
                param,
                ctx,
            )


def _fmt(day: date | None) -> str:
    return day.strftime("%d/%m/%Y") if day else "—"


@click.command("deadline")
@click.argument("text")
@click.option(
    "--as-of", "as_of", type=IsoDate(), default=None, help="Ngày xét hạn (mặc định: hôm nay)."
)
@click.option(
    "--plan-date", "plan_date", type=IsoDate(), default=None, help="Ngày ban hành kế hoạch."
)
@click.option(
    "--period", "period_text", default=None, help="Kỳ báo cáo: 2026-09, 2026-Q3, 2026-H2, 2026."
)
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@click.option(
    "--explain",
    "show_rule",
    is_flag=True,
    help="Cho biết quy tắc nào đã đọc cụm từ và vì sao.",
)
def deadline(
    text: str,
    as_of: date | None,
    plan_date: date | None,
    period_text: str | None,
    as_json: bool,
    show_rule: bool,
) -> None:
    """Cho biết cách hiểu một cụm từ thời hạn, ví dụ: kehoach deadline "Quý IV hằng năm"."""
    as_of = as_of or date.today()
    # A day or period without its year is the next one on or after the plan's date, else as-of.
    schedule = parse_deadline(text, plan_date=plan_date, as_of=as_of)
    upcoming = next_due(schedule, as_of)
    data = {
        "kind": schedule.kind,
        "next_due": upcoming.isoformat() if upcoming else None,
        "needs_date": schedule.needs_date,
        "explain": explain(schedule),
        "as_of": as_of.isoformat(),
        "reason": schedule.reason,
        "parts": [part.kind for part in schedule.parts],
        "rule": schedule.rule,
    }
    period_due = None
    if period_text is not None:
        period = parse_period(period_text)  # DeadlineError -> Vietnamese message, exit 2
        period_due = due_in_period(schedule, period)
        data["period"] = period.code
        data["period_due"] = period_due.to_dict()
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    line = f"Loại: {KIND_LABELS[schedule.kind]} | Hạn kế tiếp: {_fmt(upcoming)} | {data['explain']}"
    if schedule.needs_date:
        line += " (Cần đặt hạn.)"
    click.echo(line)
    if show_rule:
        click.echo(f"Quy tắc: {schedule.rule or 'không rõ'}. Lý do: {schedule.reason}")
        for index, part in enumerate(schedule.parts, 1):
            click.echo(f"  ({index}) Quy tắc: {part.rule}. Lý do: {part.reason}")
    if period_due is not None:
        state = "phải báo cáo" if period_due.expected else "không phải báo cáo"
        click.echo(f"Kỳ {data['period']}: {state}, hạn {_fmt(period_due.due)}. {period_due.reason}")


COMMANDS = [deadline]
