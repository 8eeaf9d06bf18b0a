"""The `kehoach` command: a click group whose commands are thin wrappers over the library."""

from __future__ import annotations

import importlib
import sys

import click

from kehoach_xlsx import __version__
from kehoach_xlsx.errors import KehoachError

# Each module under kehoach_xlsx.commands defines its click commands and a COMMANDS list.
COMMAND_MODULES = ("parse", "units", "deadline", "workspace", "returns", "mail")


class KehoachGroup(click.Group):
    """Turns KehoachError into a Vietnamese message and an exit code instead of a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except KehoachError as err:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Lỗi: {err}", err=True)
            ctx.exit(err.exit_code)
        except MemoryError:
            click.echo("Lỗi: không đủ bộ nhớ để xử lý tệp này (tệp quá lớn?).", err=True)
            ctx.exit(70)
        except KeyboardInterrupt:
            click.echo("Đã dừng theo yêu cầu.", err=True)
            ctx.exit(130)


@click.group(cls=KehoachGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(
    __version__, prog_name="kehoach", message="%(prog)s %(version)s", help="Hiện phiên bản rồi thoát."
)
@click.option(
    "--debug", is_flag=True, help="Hiện traceback đầy đủ khi có lỗi (cho lập trình viên)."
)
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """kehoach — theo dõi thực hiện Kế hoạch của UBND phường/xã bằng Excel.

    Chu trình: parse (đọc kế hoạch) → init (lập sổ theo dõi) → split (tách tệp cho từng
    đơn vị) → send (gửi thư) → collect (nhận tệp trả về) → merge (tổng hợp, cảnh báo)
    → remind (đôn đốc).
    """
    ctx.ensure_object(dict)
    ctx.obj["debug"] = debug


for _name in COMMAND_MODULES:
    try:
        _module = importlib.import_module(f"kehoach_xlsx.commands.{_name}")
    except ModuleNotFoundError as _err:  # a feature not built yet must not break the others
        if _err.name != f"kehoach_xlsx.commands.{_name}":
            raise
        continue
    for _command in getattr(_module, "COMMANDS", ()):
        main.add_command(_command)


def _show_help(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


def _vietnamese_help(command: click.Command) -> None:
    """Replace click's English "Show this message and exit." on every command."""
    command.params = [p for p in command.params if p.name != "help"]
    command.add_help_option = False
    command.params.append(
        click.Option(
            ["-h", "--help"],
            is_flag=True,
            expose_value=False,
            is_eager=True,
            callback=_show_help,
            help="Hiện hướng dẫn này rồi thoát.",
        )
    )
    for sub in getattr(command, "commands", {}).values():
        _vietnamese_help(sub)


_vietnamese_help(main)


def run() -> None:
    main(prog_name="kehoach")


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
