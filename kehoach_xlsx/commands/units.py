"""`kehoach units init|check`: propose the unit registry from a plan, check a plan against it."""

from __future__ import annotations

from pathlib import Path

import click

from kehoach_xlsx.commands.common import echo_json, echo_warnings
from kehoach_xlsx.errors import RegistryError
from kehoach_xlsx.parse import read_plan
from kehoach_xlsx.units import check_report, load_registry, propose_registry, write_registry

_PLAN_OPTION = click.option(
    "--plan",
    "plans",
    multiple=True,
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp kế hoạch (và phụ lục); lặp lại --plan cho mỗi tệp.",
)
_JSON_OPTION = click.option(
    "--json", "as_json", is_flag=True, help="In kết quả dạng JSON (cho chương trình khác)."
)


@click.group("units")
def units() -> None:
    """Danh sách cơ quan, đơn vị (tệp Excel): lập từ kế hoạch, kiểm tra tên đơn vị."""


@units.command("init")
@_PLAN_OPTION
@click.option(
    "-o",
    "--output",
    default="don-vi.xlsx",
    show_default=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp Excel danh sách đơn vị sẽ ghi.",
)
@click.option("--force", is_flag=True, help="Ghi đè tệp đã có.")
@_JSON_OPTION
def init_command(plans: tuple[Path, ...], output: Path, force: bool, as_json: bool) -> None:
    """Lập danh sách đơn vị từ các tên trong kế hoạch, để Văn phòng sửa lại trong Excel.

    \b
    Ví dụ:
      kehoach units init --plan ke-hoach.docx --plan phu-luc.docx -o don-vi.xlsx
    """
    if output.exists() and not force:
        raise RegistryError(
            f"Tệp “{output}” đã có. Thêm --force để ghi đè, hoặc chọn tên khác bằng -o."
        )
    plan = read_plan(*plans)
    registry, warnings = propose_registry(plan)
    write_registry(registry, output)
    groups = registry.groups()
    if as_json:
        data = registry.to_dict()
        data["output"] = str(output)
        data["warnings"] = [w.to_dict() for w in warnings]
        echo_json(data)
        return
    click.echo(
        f"Đã lập danh sách {len(registry.units)} đơn vị, {len(groups)} nhóm, "
        f"{len(registry.phrases)} cụm từ chỉ nhóm → {output}"
    )
    for unit in registry.units:
        click.echo(f"  {unit.code:<14} {unit.name}")
    echo_warnings(warnings)
    click.echo(
        "Mở tệp bằng Excel để sửa mã, tên, nhóm, email, người đầu mối; sheet “Nhóm” ghi "
        "mỗi cụm từ như “các trường học” gồm những nhóm/đơn vị nào."
    )


@units.command("check")
@_PLAN_OPTION
@click.option(
    "--units",
    "registry_path",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Tệp Excel danh sách đơn vị (lập bằng “kehoach units init”).",
)
@_JSON_OPTION
@click.pass_context
def check_command(
    ctx: click.Context, plans: tuple[Path, ...], registry_path: Path, as_json: bool
) -> None:
    """Kiểm tra mọi tên đơn vị trong kế hoạch đều có trong danh sách đơn vị.

    Thoát với mã 0 khi tất cả đều nhận ra, 1 khi còn tên chưa nhận ra.
    """
    registry = load_registry(registry_path)
    plan = read_plan(*plans)
    report = check_report(plan, registry)
    unresolved = report["unresolved"]
    if as_json:
        echo_json(report)
    else:
        echo_warnings(registry.warnings)
        if not unresolved:
            click.echo(
                f"Mọi tên đơn vị trong {len(plan.tasks)} nhiệm vụ đều có trong danh sách "
                f"({len(registry.units)} đơn vị)."
            )
        else:
            click.echo(f"Có {len(unresolved)} tên đơn vị chưa nhận ra:")
            for item in unresolved:
                click.echo(f"  “{item['name']}” — nhiệm vụ {', '.join(item['tasks'])}")
                if item["suggestions"]:
                    hints = ", ".join(
                        f"{s['unit']} – {_unit_name(registry, s['unit'])} ({s['score']:g})"
                        for s in item["suggestions"]
                    )
                    click.echo(f"      gần giống: {hints}")
            click.echo(
                "Thêm các tên này vào cột “Tên viết tắt / tên gọi khác” của đơn vị đúng, "
                "hoặc thêm dòng mới, rồi chạy lại lệnh."
            )
        other = [
            w for w in report["warnings"] if w["code"] not in ("unresolved_unit", "fuzzy_unit")
        ]
        for warning in other:
            click.echo(f"  [{warning['code']}] {warning['message']}")
    if unresolved:
        ctx.exit(1)


def _unit_name(registry, code: str) -> str:
    unit = registry.unit(code)
    return unit.name if unit else ""


COMMANDS = [units]
