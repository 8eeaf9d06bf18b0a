"""Start-up time of the `kehoach` command vs a bare `python -c "import click"`.

Each run is a fresh interpreter (as in a cron job or a shell loop); best of N, interleaved so
machine load hits both sides alike. Two clocks: wall time, and the child's CPU time (user +
sys, from getrusage) which a loaded shared machine disturbs far less; the verdict uses CPU
time. Target: `kehoach --version` and `kehoach deadline …` within 2.5x the bare click import.
Run: .venv/bin/python benchmarks/bench_startup.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time

try:
    import resource
except ImportError:  # Windows: no getrusage; the CPU column then repeats wall time
    resource = None

TARGET = 2.5
CLI = "from kehoach_xlsx.cli import run; run()"  # what the `kehoach` console script runs
CASES = {
    "import click": ["-c", "import click"],
    "kehoach --version": ["-c", CLI, "--version"],
    "kehoach deadline 'Quý IV hằng năm'": ["-c", CLI, "deadline", "Quý IV hằng năm"],
    "kehoach --help": ["-c", CLI, "--help"],
}


def once(args: list[str]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of one fresh interpreter running args."""
    started = time.perf_counter()
    if resource is None:
        subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL)
        wall = time.perf_counter() - started
        return wall, wall
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def measure(repeat: int) -> dict[str, tuple[float, float]]:
    best = {name: (float("inf"), float("inf")) for name in CASES}
    for _ in range(repeat):
        for name, args in CASES.items():
            wall, cpu = once(args)
            best[name] = (min(best[name][0], wall), min(best[name][1], cpu))
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    best = measure(args.repeat)
    bare_wall, bare_cpu = best["import click"]
    print(f"best of {args.repeat}")
    print(f"{'lệnh':<38}{'wall ms':>10}{'tỉ lệ':>8}{'CPU ms':>10}{'tỉ lệ':>8}")
    worst = 0.0
    for name, (wall, cpu) in best.items():
        if name != "import click" and "--help" not in name:
            worst = max(worst, cpu / bare_cpu)
        print(
            f"{name:<38}{wall * 1000:>10.1f}{wall / bare_wall:>8.2f}"
            f"{cpu * 1000:>10.1f}{cpu / bare_cpu:>8.2f}"
        )
    verdict = "đạt" if worst <= TARGET else "CHƯA ĐẠT"
    print(f"tỉ lệ CPU lớn nhất {worst:.2f} (mục tiêu ≤ {TARGET}): {verdict}")
    sys.exit(0 if worst <= TARGET else 1)


if __name__ == "__main__":
    main()
