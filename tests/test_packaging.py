"""What a fresh install needs: the lazy command table, light start-up, data files that ship."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import click
import pytest

from kehoach_xlsx import cli

ROOT = Path(__file__).resolve().parents[1]


def test_lazy_table_matches_every_command_module():
    """Each command of every module is in the table with its own short help, and back."""
    found: dict[str, click.Command] = {}
    for name in cli.COMMAND_MODULES:
        module = importlib.import_module(f"kehoach_xlsx.commands.{name}")
        for command in module.COMMANDS:
            found[command.name] = command
    assert set(found) == set(cli.LAZY_COMMANDS), "sửa LAZY_COMMANDS trong kehoach_xlsx/cli.py"
    for name, command in found.items():
        target, short_help = cli.LAZY_COMMANDS[name]
        module_name, _, attribute = target.partition(":")
        assert getattr(importlib.import_module(module_name), attribute) is command, name
        assert command.get_short_help_str(limit=300) == short_help, name


def test_help_lists_every_command_with_its_short_help():
    from click.testing import CliRunner

    result = CliRunner().invoke(cli.main, ["--help"], terminal_width=200)
    assert result.exit_code == 0
    for name, (_, short_help) in cli.LAZY_COMMANDS.items():
        assert f"  {name}" in result.output and short_help[:30] in result.output, name


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print(' '.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    return set(out.stdout.split())


@pytest.mark.parametrize(
    "code",
    [
        "import kehoach_xlsx",
        "import sys; sys.argv = ['kehoach', '--version']\n"
        "from kehoach_xlsx.cli import main\ntry: main()\nexcept SystemExit: pass",
        "import sys; sys.argv = ['kehoach', 'deadline', 'Hằng quý']\n"
        "from kehoach_xlsx.cli import main\ntry: main()\nexcept SystemExit: pass",
    ],
    ids=["import", "--version", "deadline"],
)
def test_light_start_does_not_import_heavy_libraries(code):
    loaded = _modules_after(code)
    assert "kehoach_xlsx" in loaded  # the probe really ran
    heavy = {"pandas", "numpy", "openpyxl", "docx", "xlsxwriter", "python_calamine", "smtplib"}
    assert not heavy & loaded


def test_unknown_command_still_found_by_loading_all_modules():
    group = cli.LazyGroup(name="probe")
    ctx = click.Context(group)
    assert group.get_command(ctx, "no-such-command") is None
    assert set(group.commands) >= set(cli.LAZY_COMMANDS)  # everything got loaded once
