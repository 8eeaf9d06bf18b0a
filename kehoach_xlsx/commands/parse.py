"""`kehoach parse FILE... [--json] [-o tasks.xlsx]`: read a plan and show its tasks."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import click

from kehoach_xlsx.commands.common import echo_json
from kehoach_xlsx.parse import read_plan
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
    plan = read_plan(*files)
    if output is not None:
        write_tasks_workbook(plan, output)
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
    if plan.warnings:
        click.echo(f"Cần kiểm tra ({len(plan.warnings)}):")
        for warning in plan.warnings:
            where = f"{warning.file}:{warning.line}" if warning.line else (warning.file or "")
            click.echo(f"  [{warning.code}] {where} {warning.message}")
    if output is not None:
        click.echo(f"Đã ghi danh sách nhiệm vụ vào {output}")


COMMANDS = [parse_command]
