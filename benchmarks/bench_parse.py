"""Reading a plan: kehoach_xlsx.read_plan on the seed plans vs a bare read of the same files.

The issue asks that reading plan 002 takes well under a second; the bare read (open, decode,
split lines) is the floor any reader pays. Run: .venv/bin/python benchmarks/bench_parse.py
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from kehoach_xlsx import read_plan

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"


def best_of(repeat: int, function) -> float:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    files = sorted(SEEDS.glob("*.txt"))
    print(f"{'tệp':<28}{'bare (ms)':>12}{'read_plan (ms)':>16}{'tỉ lệ':>8}  nhiệm vụ")
    ratios = []
    for path in files:
        bare = best_of(args.repeat, lambda p=path: p.read_text(encoding="utf-8").splitlines())
        ours = best_of(args.repeat, lambda p=path: read_plan(p))
        ratios.append(ours / bare)
        tasks = len(read_plan(path).tasks)
        print(
            f"{path.name:<28}{bare * 1000:>12.2f}{ours * 1000:>16.1f}{ours / bare:>8.0f}  {tasks}"
        )
    print(f"median ratio {statistics.median(ratios):.0f}x; plan 002 target: well under 1 s")


if __name__ == "__main__":
    main()
