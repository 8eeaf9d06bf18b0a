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
