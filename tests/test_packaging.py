"""What a fresh install needs: the lazy command table, light start-up, data files that ship."""

from __future__ import annotations

import importlib
import json
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


def _python(env_python, *args, cwd):
    result = subprocess.run(
        [str(env_python), "-m", "kehoach_xlsx", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=cwd,
        check=False,
    )
    assert result.returncode == 0, (args, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    return result.stdout


@pytest.mark.slow
def test_wheel_installed_outside_the_repo_runs_the_cycle(tmp_path):
    """Build the wheel, install it into a fresh environment in a temp folder (the
    dependencies come from this test environment through a .pth line, not from the repo),
    and run template → parse → init → split → send --eml-dir → collect → merge there."""
    import sysconfig
    import zipfile

    from tests.test_cycle import fill

    dist = tmp_path / "dist"
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check", "-q"]
    subprocess.run([*pip, "wheel", "--no-deps", "-w", dist, ROOT], check=True, cwd=tmp_path)
    wheel = next(dist.glob("kehoach_xlsx-*.whl"))
    names = zipfile.ZipFile(wheel).namelist()
    for shipped in (
        "kehoach_xlsx/data/mail-send.txt",
        "kehoach_xlsx/data/vi-du/ke-hoach-hoa-binh.docx",
        "kehoach_xlsx/data/vi-du/phu-luc-hoa-binh.txt",
        "kehoach_xlsx/data/vi-du/don-vi-hoa-binh.xlsx",
    ):
        assert shipped in names
    assert any(n.endswith("licenses/LICENSE") or n.endswith("/LICENSE") for n in names)
    assert not any(n.startswith("tests/") or "__pycache__" in n for n in names)

    env = tmp_path / "env"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", env], check=True)
    env_python = env / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    site = subprocess.run(
        [env_python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run(
        [*pip, "install", "--no-deps", "--no-compile", "--target", site, wheel], check=True
    )
    # third-party libraries only: a plain path line, so the editable install's own .pth
    # (which would point back at the repository) is not executed
    (Path(site) / "_deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    work = tmp_path / "work"
    work.mkdir()
    where = subprocess.run(
        [env_python, "-c", "import kehoach_xlsx; print(kehoach_xlsx.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        cwd=work,
    ).stdout.strip()
    assert where.startswith(str(env)), where

    _python(env_python, "template", work / "mau.xlsx", cwd=work)
    assert (work / "mau.xlsx").stat().st_size > 0
    sample = json.loads(
        subprocess.run(
            [
                env_python,
                "-c",
                "import json; from kehoach_xlsx import sample; "
                "print(json.dumps([str(p) for p in sample.plan_files()] "
                "+ [str(sample.registry_file())]))",
            ],
            capture_output=True,
            text=True,
            check=True,
            cwd=work,
        ).stdout
    )
    body, appendix, units = sample
    assert body.startswith(str(env))
    parsed = json.loads(_python(env_python, "parse", body, appendix, "--json", cwd=work))
    assert len(parsed["tasks"]) == 22
    ws = work / "so"
    _python(env_python, "init", ws, "--plan", body, "--plan", appendix, "--units", units, cwd=work)
    split = json.loads(
        _python(
            env_python,
            "split",
            ws,
            "--period",
            "2026-09",
            "--due",
            "2026-10-05",
            "--json",
            cwd=work,
        )
    )
    sent = json.loads(
        _python(
            env_python,
            "send",
            ws,
            "--period",
            "2026-09",
            "--eml-dir",
            work / "thu",
            "--json",
            cwd=work,
        )
    )
    assert len(list((work / "thu").glob("*.eml"))) == len(split["files"]) == len(sent["drafts"])
    assert sent["no_address"] == []  # every address came from the sample registry
    vp = ws / next(f["path"] for f in split["files"] if f["unit"] == "VP")
    returned = fill(vp, work / "vp.xlsx", {"II.1": ("Đang thực hiện", None, "")})
    _python(env_python, "collect", ws, returned, cwd=work)
    merged = json.loads(
        _python(
            env_python,
            "merge",
            ws,
            "--period",
            "2026-09",
            "--as-of",
            "2026-10-10",
            "--json",
            cwd=work,
        )
    )
    assert merged["summary"]["units_returned"] == 1
    import openpyxl

    assert "Tình hình" in openpyxl.load_workbook(ws / "phan-cong.xlsx").sheetnames
