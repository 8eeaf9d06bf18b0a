"""Every kind of click usage error reads in Vietnamese, exits 2, and leaves no English word."""

from __future__ import annotations

import re

import pytest
from click.testing import CliRunner

from kehoach_xlsx.cli import LAZY_COMMANDS, main
from kehoach_xlsx.click_vi import USAGE_TRANSLATIONS, translate_usage

# The English words of click's message templates (placeholders and short words aside).
ENGLISH = sorted(
    {
        word.lower()
        for english, _ in USAGE_TRANSLATIONS
        for word in re.findall(r"[A-Za-z]{4,}", re.sub(r"\{[^}]*\}", " ", english))
    }
    | {"error", "usage", "options", "commands", "choose", "possible"}
)


def english_left(text: str) -> list[str]:
    # option and command names, and the commands' own metavars (DIRECTORY, FILES), are names
    prose = re.sub(r"(?<!\w)--?[\w-]+|kehoach\s+\w+|\b[A-Z_]{2,}\b", " ", text)
    return [word for word in ENGLISH if re.search(rf"\b{word}\b", prose, re.IGNORECASE)]


def usage_cases(tmp_path):
    folder = str(tmp_path)
    return [
        ("unknown option", ["parse", "--outptu", "x.json"], "Không có tùy chọn --outptu."),
        ("unknown short option", ["merge", folder, "-o", "x"], "Không có tùy chọn -o."),
        ("missing argument", ["parse"], "Thiếu tham số FILES."),
        ("missing option", ["merge", folder], "Thiếu tùy chọn --period."),
        ("bad choice", ["send", folder, "--security", "tls"], "“tls” không thuộc các giá trị"),
        ("bad int", ["merge", folder, "--period", "2026-09", "--due-soon-days", "bảy"],
         "“bảy” không phải số nguyên."),
        ("bad date", ["merge", folder, "--period", "2026-09", "--as-of", "2026-02-30"],
         "“2026-02-30” không phải ngày dạng YYYY-MM-DD."),
        ("bad click date", ["split", folder, "--period", "2026-09", "--due", "30/9/2026"],
         "“30/9/2026” không phải ngày dạng YYYY-MM-DD."),
        ("extra argument", ["deadline", "Quý IV", "thừa"], "Thừa tham số: thừa."),
        ("missing option value", ["merge", folder, "--period"], "Tùy chọn --period cần một giá trị."),
        ("unknown command", ["colect", folder], "Không có lệnh colect. Có phải ý bạn là collect?"),
        ("missing directory", ["merge", str(tmp_path / "khong-co")], "Không có thư mục"),
        ("missing subcommand", ["units", "kiemtra"], "Không có lệnh kiemtra."),
    ]  # fmt: skip


def test_every_usage_error_is_vietnamese_with_exit_code_2(tmp_path):
    runner = CliRunner()
    for kind, args, expected in usage_cases(tmp_path):
        result = runner.invoke(main, args)
        assert result.exit_code == 2, (kind, result.output)
        assert expected in result.stderr, (kind, result.stderr)
        assert result.stderr.rstrip().splitlines()[-1].startswith("Lỗi: "), kind
        assert english_left(result.stderr) == [], (kind, result.stderr)
        assert "Traceback" not in result.output


@pytest.mark.parametrize(
    ("english", "vietnamese"),
    [
        # older click wrote the unknown option and its suggestions differently
        ("No such option: -o", "Không có tùy chọn -o."),
        ("No such option: --ot Did you mean --out?", "Không có tùy chọn --ot. Có phải ý bạn là --out?"),
        ("No such option: --o (Possible options: --out, --over)",
         "Không có tùy chọn --o. (Các tùy chọn gần giống: --out, --over)"),
        ("No such option '--ot'. (Did you mean one of: '--json', '--output'?)",
         "Không có tùy chọn --ot. (Có phải ý bạn là một trong: --json, --output?)"),
        ("Missing argument 'FILES...'.", "Thiếu tham số FILES."),
        ("Missing option '--security'. Choose from:\n\t'starttls',\n\t'ssl'.",
         "Thiếu tùy chọn --security. Chọn một trong:\n\t'starttls',\n\t'ssl'."),
        ("Invalid value for '--n': 'x' is not 'a'.", "Giá trị không hợp lệ cho --n: “x” không phải a."),
        ("Invalid value for '-n': 9 is not in the range 1<=x<=3.",
         "Giá trị không hợp lệ cho -n: 9 nằm ngoài khoảng 1<=x<=3."),
        ("Invalid value for '--day': \"it's\" does not match the format '%Y-%m-%d'.",
         "Giá trị không hợp lệ cho --day: “it's” không phải ngày dạng YYYY-MM-DD."),
        ("Invalid value for '--at': '9h' does not match the formats '%H:%M', '%H'.",
         "Giá trị không hợp lệ cho --at: “9h” không đúng dạng %H:%M, %H."),
        ("Invalid value for 'PLAN': File 'k.docx' does not exist.",
         "Giá trị không hợp lệ cho PLAN: Không có tệp k.docx."),
        ("Got unexpected extra argument (x)", "Thừa tham số: x."),
        ("Option '-p' requires 2 arguments.", "Tùy chọn -p cần 2 giá trị."),
        ("Option '--json' does not take a value.", "Tùy chọn --json không nhận giá trị."),
        ("Missing command.", "Thiếu tên lệnh."),
    ],
)  # fmt: skip
def test_translation_covers_the_wordings_of_the_click_versions_we_allow(english, vietnamese):
    assert translate_usage(english) == vietnamese
    assert english_left(vietnamese) == []


def test_help_reads_in_vietnamese():
    runner = CliRunner()
    commands = [[name, "--help"] for name in LAZY_COMMANDS]
    for args in [["--help"], ["units", "init", "--help"], ["units", "check", "--help"], *commands]:
        result = runner.invoke(main, args)
        assert result.exit_code == 0
        assert result.output.startswith("Cách dùng: kehoach"), args
        assert english_left(result.output) == [], (args, result.output)


def test_a_group_alone_shows_its_help_not_an_error():
    runner = CliRunner()
    for args, usage in (([], "kehoach [TÙY CHỌN] LỆNH"), (["units"], "kehoach units [TÙY CHỌN]")):
        result = runner.invoke(main, args)
        assert result.exit_code in (0, 2)  # newer click exits 2, as for a usage error
        assert result.stderr.startswith(f"Cách dùng: {usage}") or result.output.startswith(
            f"Cách dùng: {usage}"
        )
        assert "Lỗi" not in result.output and "Lệnh:" in result.output
