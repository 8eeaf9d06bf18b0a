"""`kehoach init`, `kehoach template`, `kehoach split`: the workspace and the unit workbooks."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import click

from kehoach_xlsx.books import default_due, init_workspace, split_period
from kehoach_xlsx.commands.common import (
    echo_json,
    echo_lines,
    echo_warnings,
    holds_workspace,
    progress_bar,
    verbose_option,
)
from kehoach_xlsx.deadlines import parse_period
from kehoach_xlsx.workbook.template import template_command


@click.command("init")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--plan",
    "plan_files",
    multiple=True,
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Tệp kế hoạch (văn bản chính, phụ lục); có thể nêu nhiều lần.",
)
@click.option(
    "--units",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Danh sách đơn vị (tệp Excel có trang “Đơn vị”).",
)
@click.option("--update", is_flag=True, help="Cập nhật sổ đã có từ kế hoạch (giữ các chỉnh sửa).")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@holds_workspace("init")
def init_command(
    directory: Path, plan_files, units: Path | None, update: bool, as_json: bool
) -> None:
    """Lập sổ theo dõi cho một kế hoạch: phan-cong.xlsx, sổ cái và các thư mục."""
    result = init_workspace(directory, list(plan_files), units, update=update)
    if as_json:
        echo_json(
            {
                "workspace": str(directory),
                "tasks": len(result.plan.tasks),
                "units": [u.code for u in result.units],
                "changes": result.changes,
                "warnings": [w.to_dict() for w in result.warnings],
            }
        )
        return
    click.echo(f"Đã lập sổ theo dõi tại {directory}")
    click.echo(
        f"  {len(result.plan.tasks)} nhiệm vụ, {len(result.units)} đơn vị → {directory / 'phan-cong.xlsx'}"
    )
    for change in result.changes:
        click.echo(f"  • {change}")
    echo_warnings(result.warnings, 20, ", cũng có ở trang “Cần kiểm tra” của phan-cong.xlsx")
    click.echo("Bước tiếp: mở phan-cong.xlsx, kiểm tra phân công và email đơn vị, rồi chạy")
    click.echo(
        f"  kehoach split {directory} --period <kỳ, ví dụ 2026-09> --due <hạn gửi, ví dụ 2026-10-05>"
    )


@click.command("split")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True, help="Kỳ báo cáo: 2026-09, 2026-Q3, 2026-H2 hoặc 2026.")
@click.option(
    "--due",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Hạn các đơn vị gửi lại báo cáo (YYYY-MM-DD); mặc định 5 ngày sau cuối kỳ.",
)
@click.option("--force", is_flag=True, help="Tạo lại cả các tệp đã tạo cho kỳ này.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@verbose_option
@holds_workspace("split")
def split_command(
    directory: Path, period: str, due, force: bool, as_json: bool, verbose: bool
) -> None:
    """Tạo cho mỗi đơn vị một tệp Excel chỉ gồm các nhiệm vụ của đơn vị trong kỳ."""
    parsed = parse_period(period)
    due_date: date = due.date() if due else default_due(parsed)
    progress = progress_bar("Đang tạo tệp", as_json, minimum=2)
    result = split_period(directory, parsed.code, due_date, force=force, progress=progress)
    if as_json:
        echo_json(result.to_dict(directory))
        return
    kept = sum(1 for item in result.files if item.kept)
    click.echo(
        f"Kỳ {result.period}: {len(result.files)} tệp ({len(result.files) - kept} tạo mới, "
        f"{kept} giữ nguyên), hạn gửi lại {due_date:%d/%m/%Y}"
    )
    if result.files:
        folder = result.files[0].path.parent
        click.echo(f"  Thư mục: {folder}")
    lines = []
    for item in result.files:
        state = " (giữ nguyên)" if item.kept else ""
        lines.append(f"  {item.unit:<10} {len(item.tasks):>3} nhiệm vụ  {item.path.name}{state}")
    echo_lines(lines, verbose, "đơn vị")
    if result.skipped_tasks:
        click.echo(f"  {len(result.skipped_tasks)} nhiệm vụ không đến kỳ báo cáo này.")
    echo_warnings(result.warnings, 20)


COMMANDS = [init_command, split_command, template_command]
