"""Start-up time of the `kehoach` command vs a bare `python -c "import click"`.

Each run is a fresh interpreter (as in a cron job or a shell loop); best of N, interleaved so
machine load hits both sides alike. Target: `kehoach --version` and `kehoach deadline …`
within 2.5x the bare click import. Run: .venv/bin/python benchmarks/bench_startup.py
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

TARGET = 2.5
CLI = "from kehoach_xlsx.cli import run; run()"  # what the `kehoach` console script runs
CASES = {
    "import click": ["-c", "import click"],
    "kehoach --version": ["-c", CLI, "--version"],
    "kehoach deadline 'Quý IV hằng năm'": ["-c", CLI, "deadline", "Quý IV hằng năm"],
    "kehoach --help": ["-c", CLI, "--help"],
}


def once(args: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def measure(repeat: int) -> dict[str, float]:
    best = {name: float("inf") for name in CASES}
    for _ in range(repeat):
        for name, args in CASES.items():
            best[name] = min(best[name], once(args))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    best = measure(args.repeat)
    bare = best["import click"]
    print(f"{'lệnh':<40}{'ms (best of ' + str(args.repeat) + ')':>18}{'tỉ lệ':>8}")
    worst = 0.0
    for name, seconds in best.items():
        ratio = seconds / bare
        if name != "import click" and "--help" not in name:
            worst = max(worst, ratio)
        print(f"{name:<40}{seconds * 1000:>18.1f}{ratio:>8.2f}")
    verdict = "đạt" if worst <= TARGET else "CHƯA ĐẠT"
    print(f"tỉ lệ lớn nhất {worst:.2f} (mục tiêu ≤ {TARGET}): {verdict}")
    sys.exit(0 if worst <= TARGET else 1)


if __name__ == "__main__":
    main()
