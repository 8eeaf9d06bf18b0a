"""The `kehoach` command: a click group whose commands are thin wrappers over the library."""

from __future__ import annotations

import importlib
import sqlite3
import sys

import click

from kehoach_xlsx import __version__
from kehoach_xlsx.click_vi import VietnameseContext, translate_usage, vietnamese_metavars
from kehoach_xlsx.errors import FileAccessError, KehoachError
from kehoach_xlsx.fileio import explain_os_error
from kehoach_xlsx.platform import signals_as_interrupt, utf8_console

# Each module under kehoach_xlsx.commands defines its click commands and a COMMANDS list.
COMMAND_MODULES = ("parse", "units", "deadline", "workspace", "returns", "mail")

# Command name -> (where it lives, its short help). A command's module is imported only when
# that command runs, so `kehoach --version` or `kehoach deadline …` do not load python-docx,
# the mail stack or the workbook writers. `--help` lists these short helps without importing
# anything; tests/test_packaging.py checks this table against every module's COMMANDS.
LAZY_COMMANDS: dict[str, tuple[str, str]] = {
    "parse": (
        "kehoach_xlsx.commands.parse:parse_command",
        "Đọc kế hoạch (văn bản chính và phụ lục) và liệt kê các nhiệm vụ.",
    ),
    "units": (
        "kehoach_xlsx.commands.units:units",
        "Danh sách cơ quan, đơn vị (tệp Excel): lập từ kế hoạch, kiểm tra tên đơn vị.",
    ),
    "deadline": (
        "kehoach_xlsx.commands.deadline:deadline",
        'Cho biết cách hiểu một cụm từ thời hạn, ví dụ: kehoach deadline "Quý IV hằng năm".',
    ),
    "init": (
        "kehoach_xlsx.commands.workspace:init_command",
        "Lập sổ theo dõi cho một kế hoạch: phan-cong.xlsx, sổ cái và các thư mục.",
    ),
    "split": (
        "kehoach_xlsx.commands.workspace:split_command",
        "Tạo cho mỗi đơn vị một tệp Excel chỉ gồm các nhiệm vụ của đơn vị trong kỳ.",
    ),
    "template": (
        "kehoach_xlsx.workbook.template:template_command",
        "Tạo tệp mẫu Phụ lục phân công nhiệm vụ (Excel) để soạn kế hoạch mới.",
    ),
    "collect": (
        "kehoach_xlsx.commands.returns:collect_command",
        "Nhận các tệp báo cáo đơn vị gửi lại (từ thư mục/tệp, hoặc từ hộp thư IMAP).",
    ),
    "merge": (
        "kehoach_xlsx.commands.returns:merge_command",
        "Tổng hợp các tệp đã nhận của kỳ, đánh dấu quá hạn, thiếu sản phẩm, chưa báo cáo.",
    ),
    "status": (
        "kehoach_xlsx.commands.returns:status_command",
        "In bảng tình hình báo cáo của các đơn vị trong kỳ (theo lần tổng hợp gần nhất).",
    ),
    "send": (
        "kehoach_xlsx.commands.mail:send_command",
        "Gửi cho mỗi đơn vị tệp Excel của kỳ (chỉ gửi những thư chưa gửi được).",
    ),
    "remind": (
        "kehoach_xlsx.commands.mail:remind_command",
        "Nhắc các đơn vị chưa gửi báo cáo hoặc có nhiệm vụ quá hạn, thiếu sản phẩm.",
    ),
    "month": (
        "kehoach_xlsx.commands.mail:month_command",
        "Việc hằng tháng trong một lệnh (dùng cho cron): nhận thư, tổng hợp, nhắc, gửi báo cáo.",
    ),
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is looked up to run.

    Names not in LAZY_COMMANDS (a command a module gained but the table not yet) are still
    found, by importing every command module once: slower, never missing.
    """

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(LAZY_COMMANDS) | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            if cmd_name in LAZY_COMMANDS:
                self.add_command(_load(LAZY_COMMANDS[cmd_name][0]), cmd_name)
            else:
                _load_all(self)
        return self.commands.get(cmd_name)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list from the static table: `kehoach --help` imports no command."""
        rows = []
        for name in self.list_commands(ctx):
            if name in LAZY_COMMANDS and name not in self.commands:
                rows.append((name, _short(LAZY_COMMANDS[name][1], formatter)))
            else:
                command = self.get_command(ctx, name)
                if command is not None and not command.hidden:
                    rows.append((name, command.get_short_help_str(_help_limit(formatter))))
        if rows:
            with formatter.section("Commands"):
                formatter.write_dl(rows)


def _help_limit(formatter: click.HelpFormatter) -> int:
    return formatter.width - 6 - max(len(name) for name in LAZY_COMMANDS)


def _short(text: str, formatter: click.HelpFormatter) -> str:
    # click's own truncation, without importing the command that owns the text
    return click.Command(None, help=text).get_short_help_str(_help_limit(formatter))


def _load(target: str) -> click.Command:
    module_name, _, attribute = target.partition(":")
    command = getattr(importlib.import_module(module_name), attribute)
    _vietnamese_help(command)
    return command


def _load_all(group: click.Group) -> None:
    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(f"kehoach_xlsx.commands.{name}")
        except ModuleNotFoundError as err:  # a feature not built yet must not break the others
            if err.name != f"kehoach_xlsx.commands.{name}":
                raise
            continue
        for command in getattr(module, "COMMANDS", ()):
            if command.name not in group.commands:
                _vietnamese_help(command)
                group.add_command(command)


# newer click raises this, a UsageError whose message is the whole help (older: prints it)
_NO_ARGS_IS_HELP = getattr(click.exceptions, "NoArgsIsHelpError", ())


class KehoachGroup(LazyGroup):
    """Turns KehoachError into a Vietnamese message and an exit code instead of a traceback."""

    def main(self, *args, standalone_mode: bool = True, **kwargs):
        if not standalone_mode:
            return super().main(*args, standalone_mode=False, **kwargs)
        utf8_console()
        try:
            with signals_as_interrupt():
                result = super().main(*args, standalone_mode=False, **kwargs)
        except click.exceptions.Exit as done:
            sys.exit(done.exit_code)
        except _NO_ARGS_IS_HELP as err:  # `kehoach` or `kehoach units` alone: just the help
            click.echo(err.format_message(), err=True)
            sys.exit(err.exit_code)
        except click.UsageError as err:
            if err.ctx is not None:
                click.echo(err.ctx.get_usage(), err=True)
                click.echo(f"Xem hướng dẫn: {err.ctx.command_path} --help", err=True)
            click.echo(f"Lỗi: {translate_usage(err.format_message())}", err=True)
            sys.exit(err.exit_code)
        except click.ClickException as err:
            click.echo(f"Lỗi: {translate_usage(err.format_message())}", err=True)
            sys.exit(err.exit_code)
        except click.Abort:
            click.echo("Đã dừng.", err=True)
            sys.exit(1)
        sys.exit(result if isinstance(result, int) else 0)

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
        except KeyboardInterrupt as stop:
            # SIGTERM/SIGHUP arrive as KeyboardInterrupt(signum): exit 128 + signum, as a shell
            signum = stop.args[0] if stop.args and isinstance(stop.args[0], int) else 2
            click.echo("Đã dừng.", err=True)
            ctx.exit(128 + signum)
        except (OSError, sqlite3.Error) as err:
            if ctx.obj and ctx.obj.get("debug"):
                raise
            click.echo(f"Lỗi: {explain_error(err)}", err=True)
            ctx.exit(FileAccessError.exit_code)


def explain_error(err: OSError | sqlite3.Error) -> str:
    """Vietnamese for what the disk or the ledger refused (full, locked, open in Excel …)."""
    if isinstance(err, OSError):
        return explain_os_error(err)
    from kehoach_xlsx.ledger import explain_ledger_error
    from kehoach_xlsx.workspace import LEDGER

    return explain_ledger_error(err, LEDGER)


@click.group(
    name="kehoach", cls=KehoachGroup, context_settings={"help_option_names": ["-h", "--help"]}
)
@click.version_option(
    __version__,
    prog_name="kehoach",
    message="%(prog)s %(version)s",
    help="Hiện phiên bản rồi thoát.",
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


def _show_help(ctx: click.Context, _param: click.Parameter, value: bool) -> None:
    if value and not ctx.resilient_parsing:
        click.echo(ctx.get_help(), color=ctx.color)
        ctx.exit()


def _vietnamese_help(command: click.Command) -> None:
    """Vietnamese help on every command: headings, and no "Show this message and exit."."""
    command.context_class = VietnameseContext
    command.options_metavar = "[TÙY CHỌN]"
    vietnamese_metavars(command)
    if isinstance(command, click.Group):
        command.subcommand_metavar = "LỆNH [THAM SỐ]..."
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
