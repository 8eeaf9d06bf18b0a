"""Vietnamese for the English words click prints itself: usage errors and help headings.

click builds these from message templates in its source (``_("No such option {name!r}.")``).
The table below holds those templates as click writes them, old and new wordings side by side
for every click version setup.cfg allows, each with its Vietnamese. A template is matched
anywhere in click's message, so one message may pass through several (a missing option
followed by "Choose from: …"). tests/test_cli_usage.py runs every kind of usage error and
fails on any English word left.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator

import click

# (click's template, Vietnamese). {x!r} is a quoted value (shown without the quotes), {x}
# any text (one word at the start or end). Longer and more specific templates come before the
# general ones they contain.
USAGE_TRANSLATIONS: tuple[tuple[str, str], ...] = (
    # first: the quoted option name in front must not be taken for a quoted value below
    ("Invalid value for {name}: ", "Giá trị không hợp lệ cho {name}: "),
    ("Invalid value: ", "Giá trị không hợp lệ: "),
    ("Missing argument {name!r}.", "Thiếu tham số {name}."),
    ("Missing option {name}.", "Thiếu tùy chọn {name}."),
    ("Missing parameter {name!r}.", "Thiếu tham số {name}."),
    ("Missing parameter: {name}", "Thiếu tham số {name}."),
    ("Missing command.", "Thiếu tên lệnh."),
    ("Choose from:", "Chọn một trong:"),
    ("No such option {name!r}.", "Không có tùy chọn {name}."),  # newer click
    ("No such option: {name}", "Không có tùy chọn {name}."),  # older click
    ("No such command {name!r}.", "Không có lệnh {name}."),
    ("(Did you mean one of: {names}?)", "(Có phải ý bạn là một trong: {names}?)"),
    ("Did you mean {name}?", "Có phải ý bạn là {name}?"),
    ("(Possible options: {names})", "(Các tùy chọn gần giống: {names})"),
    ("Got unexpected extra arguments ({args})", "Thừa tham số: {args}."),
    ("Got unexpected extra argument ({args})", "Thừa tham số: {args}."),
    ("Option {name!r} requires an argument.", "Tùy chọn {name} cần một giá trị."),
    ("Option {name!r} requires {nargs} arguments.", "Tùy chọn {name} cần {nargs} giá trị."),
    ("Option {name!r} does not take a value.", "Tùy chọn {name} không nhận giá trị."),
    ("Argument {name!r} takes {nargs} values.", "Tham số {name} cần {nargs} giá trị."),
    (
        "{value!r} does not match the format '%Y-%m-%d'.",
        "“{value}” không phải ngày dạng YYYY-MM-DD.",
    ),
    (
        "{value!r} does not match the formats '%Y-%m-%d'.",
        "“{value}” không phải ngày dạng YYYY-MM-DD.",
    ),
    ("{value!r} does not match the formats {formats}.", "“{value}” không đúng dạng {formats}."),
    ("{value!r} does not match the format {formats}.", "“{value}” không đúng dạng {formats}."),
    ("{value!r} is not a valid integer.", "“{value}” không phải số nguyên."),
    ("{value!r} is not a valid float.", "“{value}” không phải số."),
    ("{value!r} is not a valid boolean.", "“{value}” không phải có/không (yes/no)."),
    ("{value!r} is not a valid UUID.", "“{value}” không phải mã UUID."),
    ("{value} is not in the range {range}.", "{value} nằm ngoài khoảng {range}."),
    ("{value!r} is not one of {choices}.", "“{value}” không thuộc các giá trị {choices}."),
    ("{value!r} is not {choices}.", "“{value}” không phải {choices}."),
    ("File {name!r} does not exist.", "Không có tệp {name}."),
    ("Directory {name!r} does not exist.", "Không có thư mục {name}."),
    ("Path {name!r} does not exist.", "Không có đường dẫn {name}."),
    ("File {name!r} is a directory.", "{name} là thư mục, cần một tệp."),
    ("Path {name!r} is a directory.", "{name} là thư mục, cần một tệp."),
    ("Directory {name!r} is a file.", "{name} là tệp, cần một thư mục."),
    ("Path {name!r} is a file.", "{name} là tệp, cần một thư mục."),
    ("{kind} {name!r} is not readable.", "Không đọc được {name}."),
    ("{kind} {name!r} is not writable.", "Không ghi được vào {name}."),
    ("Could not open file {name!r}: {reason}", "Không mở được tệp {name}: {reason}"),
)

# click's help headings, and the notes it puts in brackets after an option's help.
HELP_HEADINGS = {
    "Options": "Tùy chọn",
    "Commands": "Lệnh",
    "Positional arguments": "Tham số",
}
# (no-break spaces: a note is never cut across two lines)
HELP_NOTES = {
    "default": "mặc\u00a0định",
    "required": "bắt\u00a0buộc",
    "env var": "biến\u00a0môi\u00a0trường",
}
# What an option's value is, by click type name, instead of click's TEXT, INTEGER, FILE …
TYPE_METAVARS = {
    "text": "CHỮ",
    "integer": "SỐ",
    "float": "SỐ",
    "file": "TỆP",
    "filename": "TỆP",
    "directory": "THƯ_MỤC",
    "path": "ĐƯỜNG_DẪN",
}
# Options shared by many commands, whose value is better named than by its type.
OPTION_METAVARS = {"--period": "KỲ", "--as-of": "NGÀY", "--since": "NGÀY", "--due": "NGÀY"}
_NOTE = re.compile(r"(?:(?<=\[)|(?<=; ))(default|env var|required)(?=[:;\]])")

_PLACEHOLDER = re.compile(r"\{(\w+)(!r)?\}")
_QUOTED = r"""['"](?P<{0}>.*?)['"]"""
_UNQUOTE = re.compile(r"'([^']*)'")


def _compile(template: str) -> re.Pattern[str]:
    parts, end = [], 0
    for match in _PLACEHOLDER.finditer(template):
        parts.append(re.escape(template[end : match.start()]))
        name, quoted = match.group(1), match.group(2)
        if quoted:
            parts.append(_QUOTED.format(name))
        elif 0 < match.start() and match.end() < len(template):
            parts.append(f"(?P<{name}>.+?)")
        else:  # first or last: one word (older click's "No such option: -x" ends there)
            parts.append(f"(?P<{name}>" + r"\S+)")
        end = match.end()
    parts.append(re.escape(template[end:]))
    return re.compile("".join(parts))


_COMPILED = tuple((_compile(english), vietnamese) for english, vietnamese in USAGE_TRANSLATIONS)


def _render(vietnamese: str, match: re.Match[str]) -> str:
    # quotes click puts around names ('--period' / '-p', 'collect') are not shown
    values = {key: _UNQUOTE.sub(r"\1", value) for key, value in match.groupdict().items()}
    if "name" in values:  # an argument's metavar "FILES..." reads as FILES
        values["name"] = values["name"].removesuffix("...")
    return vietnamese.format(**values)


def translate_usage(message: str) -> str:
    """click's English usage or parameter error message, in Vietnamese."""
    for pattern, vietnamese in _COMPILED:
        message = pattern.sub(lambda match, text=vietnamese: _render(text, match), message)
    return message


class VietnameseHelpFormatter(click.HelpFormatter):
    """click's help layout with Vietnamese headings and option notes."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, args, "Cách dùng: " if prefix is None else prefix)

    @contextlib.contextmanager
    def section(self, name: str) -> Iterator[None]:
        with super().section(HELP_HEADINGS.get(name, name)):
            yield

    def write_dl(self, rows: Iterable[tuple[str, str]], *args, **kwargs) -> None:
        rows = [(term, _NOTE.sub(lambda m: HELP_NOTES[m.group(1)], text)) for term, text in rows]
        super().write_dl(rows, *args, **kwargs)


class VietnameseContext(click.Context):
    formatter_class = VietnameseHelpFormatter


def vietnamese_metavars(command: click.Command) -> None:
    """Options that name no metavar of their own show it in Vietnamese (``--period CHỮ``)."""
    for param in command.params:
        if isinstance(param, click.Option) and param.metavar is None and not param.is_flag:
            named = next((OPTION_METAVARS[o] for o in param.opts if o in OPTION_METAVARS), None)
            param.metavar = named or TYPE_METAVARS.get(str(param.type.name).lower())
