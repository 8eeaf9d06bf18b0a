"""`kehoach parse FILE... [--json] [-o tasks.xlsx]`: read a plan and show its tasks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from kehoach_xlsx.commands.common import echo_json, echo_warnings
from kehoach_xlsx.model import PlanWarning
from kehoach_xlsx.parse import read_plan
from kehoach_xlsx.parse.candidates import (
    REVIEW_MARK,
    describe_layout,
    find_candidates,
    next_steps,
    too_little,
)
from kehoach_xlsx.parse.export import write_tasks_workbook


@click.command("parse")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--json", "as_json", is_flag=True, help="In kết quả dạng JSON (cho chương trình khác)."
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Ghi danh sách nhiệm vụ ra tệp Excel (.xlsx).",
)
def parse_command(files: tuple[Path, ...], as_json: bool, output: Path | None) -> None:
    """Đọc kế hoạch (văn bản chính và phụ lục) và liệt kê các nhiệm vụ.

    Ví dụ: kehoach parse ke-hoach.docx phu-luc.docx --json
    """
    documents: list = []
    plan = read_plan(*files, keep_blocks=documents)
    candidates = find_candidates(plan, documents)
    layout = describe_layout(plan, documents) if documents else "danh sách nhiệm vụ (Excel)"
    stuck = bool(documents) and too_little(plan, candidates)
    steps = next_steps(list(files), output) if stuck else []
    if stuck:  # in the warnings, so --json consumers see the way forward too
        plan.warnings.append(
            PlanWarning(
                "too_little",
                f"Đọc được quá ít nhiệm vụ ({len(plan.tasks)}). Bố cục nhận ra: {layout}; còn "
                f"{len(candidates)} mục đánh số có thể là nhiệm vụ nhưng chưa ghi đơn vị chủ "
                f"trì. Cách tiếp tục: {' '.join(steps)}",
                documents[0][0],
                None,
            )
        )
    if output is not None:
        write_tasks_workbook(plan, output, candidates)
    if as_json:
        echo_json(plan.to_dict())
        return
    meta = plan.meta
    click.echo(f"Kế hoạch: {meta.title or '(chưa rõ tiêu đề)'}")
    number = meta.number or "(chưa ghi số)"
    when = meta.date.strftime("%d/%m/%Y") if meta.date else "(chưa ghi ngày)"
    click.echo(f"Số: {number} — {meta.place or ''} ngày {when} — {meta.issuer or ''}".strip())
    click.echo(f"Đọc được {len(plan.tasks)} nhiệm vụ trong {len(plan.sections)} mục:")
    per_section = Counter(task.section for task in plan.tasks)
    titles = {section.id: section.title for section in plan.sections}
    for section_id, count in per_section.items():
        title = titles.get(section_id or "", "") or ""
        click.echo(f"  {section_id or '-':<10} {count:>3} nhiệm vụ  {title[:70]}")
    shown = [w for w in plan.warnings if w.code != "too_little"]  # said in full below
    echo_warnings(shown)
    click.echo(f"Bố cục nhận ra: {layout}.")
    if candidates:
        click.echo(
            f"Còn {len(candidates)} mục đánh số có thể là nhiệm vụ nhưng chưa ghi đơn vị chủ trì."
        )
    if output is not None:
        extra = f", {len(candidates)} mục “{REVIEW_MARK}”" if candidates else ""
        click.echo(f"Đã ghi danh sách nhiệm vụ vào {output} ({len(plan.tasks)} nhiệm vụ{extra}).")
    if steps:
        click.echo("Đọc được quá ít nhiệm vụ. Cách tiếp tục:")
        for step in steps:
            click.echo(f"  {step}")


COMMANDS = [parse_command]
