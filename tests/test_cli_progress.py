"""Long commands show a progress bar on the terminal; it must never break the command."""

from __future__ import annotations

from click.testing import CliRunner

from kehoach_xlsx.cli import main as cli
from tests.test_units_coordinator import PLAN


def test_split_with_progress_bar(tmp_path) -> None:
    plan = tmp_path / "ke-hoach.txt"
    plan.write_text(PLAN, encoding="utf-8")
    runner = CliRunner()
    ws = tmp_path / "so"
    assert runner.invoke(cli, ["init", str(ws), "--plan", str(plan)]).exit_code == 0
    # no --json: the bar is drawn (at least 2 files), and the summary is printed
    result = runner.invoke(cli, ["split", str(ws), "--period", "2026-Q4", "--due", "2026-12-25"])
    assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    assert len(list((ws / "outgoing" / "2026-Q4").glob("*.xlsx"))) >= 5


def test_long_lists_become_a_summary_unless_verbose(tmp_path, monkeypatch) -> None:
    from kehoach_xlsx.commands import common

    monkeypatch.setattr(common, "SHORT_LIST", 2)  # the test plan has a handful of units
    plan = tmp_path / "ke-hoach.txt"
    plan.write_text(PLAN, encoding="utf-8")
    runner = CliRunner()
    ws = tmp_path / "so"
    assert runner.invoke(cli, ["init", str(ws), "--plan", str(plan)]).exit_code == 0
    split = ["split", str(ws), "--period", "2026-Q4", "--due", "2026-12-25"]
    short = runner.invoke(cli, split)
    assert short.exit_code == 0, short.output
    books = sorted((ws / "outgoing" / "2026-Q4").glob("*.xlsx"))
    assert len(books) > 2
    assert f"{len(books)} tệp ({len(books)} tạo mới, 0 giữ nguyên)" in short.output
    assert "--verbose" in short.output
    assert not any(book.name in short.output for book in books)

    full = runner.invoke(cli, [*split, "--verbose"])
    assert full.exit_code == 0, full.output
    assert f"0 tạo mới, {len(books)} giữ nguyên" in full.output
    assert all(f"{book.name} (giữ nguyên)" in full.output for book in books)

    collected = runner.invoke(cli, ["collect", str(ws), *map(str, books)])
    assert collected.exit_code == 0, collected.output
    assert f"Đã nhận {len(books)} tệp" in collected.output
    assert not any(book.name in collected.output for book in books)
    again = runner.invoke(cli, ["collect", str(ws), "-v", str(books[0])])
    assert books[0].name in again.output  # a duplicate is always named, with or without -v
