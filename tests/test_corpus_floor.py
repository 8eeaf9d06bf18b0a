"""A floor under plan reading on the real-plan corpus, so the figures never slide back.

Runs `../shared/corpus/score.py --json` with this project's `kehoach` and checks the corpus
totals against the floors below (the figures measured when the floor was set; raise them as
plan reading improves, never lower them). Skips, saying so, when ../shared/corpus is absent.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

# corpus totals from score.py --json; raise these when reading improves
FLOOR_F1 = 0.99  # measured 1.0 (185/185 tasks) when raised
FLOOR_LEAD = 0.99  # 1.0
FLOOR_COORDINATE = 0.98  # 0.989
FLOOR_DEADLINE = 0.99  # 0.995

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
SCORE = CORPUS / "score.py"


def kehoach_command() -> str | None:
    beside = Path(sys.executable).with_name("kehoach")
    return str(beside) if beside.is_file() else shutil.which("kehoach")


@pytest.mark.slow
@pytest.mark.skipif(
    not SCORE.is_file(), reason=f"KHÔNG CÓ bộ kế hoạch thật {CORPUS}: bỏ qua kiểm tra ngưỡng"
)
def test_corpus_scores_stay_above_the_floor():
    kehoach = kehoach_command()
    if kehoach is None:
        pytest.skip("KHÔNG TÌM THẤY lệnh kehoach (cài dự án bằng scripts/test): bỏ qua")
    run = subprocess.run(
        [sys.executable, str(SCORE), str(CORPUS), "--kehoach", kehoach, "--json"],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    report = json.loads(run.stdout)
    summary = report["summary"]
    failed = [row["file"] for row in report["plans"] if row["exit"] != 0]
    assert not failed, f"kehoach parse failed on {failed}"
    floors = {
        "f1": FLOOR_F1,
        "lead": FLOOR_LEAD,
        "coordinate": FLOOR_COORDINATE,
        "deadline": FLOOR_DEADLINE,
    }
    below = {key: (summary[key], floor) for key, floor in floors.items() if summary[key] < floor}
    assert not below, f"corpus figures fell below the floor (got, floor): {below}"
