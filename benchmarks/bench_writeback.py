"""Write-back: what rewriting our sheets of the coordinator's phan-cong.xlsx costs in `merge`.

After every `merge_period`, "Tình hình" (every task × unit, 20,000 rows at 400 units) and
"Cần kiểm tra" are brought up to date inside the coordinator's own workbook. For each size N
(the province shape of bench_scale.py: N units × 50 tasks), this script copies a workspace
whose returns are collected, runs `merge_period` twice (the first writes the sheets, the second
finds nothing changed) and prints the seconds (wall and CPU) of the whole merge and of the
write-back inside it, and their ratio (target: write-back ≤ 10 % of merge).

    .venv/bin/python benchmarks/bench_writeback.py [--sizes 100 400] [--repo PATH]

--repo measures another checkout of the project (e.g. main, for a before/after), with the same
workspaces. Workspaces come from bench_scale.py's cache (built there once, never modified
here), are collected once into this script's own cache, and copied for every run.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
SCALE_CACHE = Path(tempfile.gettempdir()) / "kehoach-bench-scale-v1"
CACHE = Path(tempfile.gettempdir()) / "kehoach-bench-writeback-v1"
PERIOD, AS_OF = "2026-09", date(2026, 10, 10)
# the write-back entry points of this and of earlier versions (timed wherever they exist)
TIMED = (
    ("kehoach_xlsx.workbook.status_back", "write_back"),
    ("kehoach_xlsx.workbook.status_back", "write_back_status"),
    ("kehoach_xlsx.merge", "refresh_assignment_checks"),
)


def collected(units: int) -> Path:
    """A copy of bench_scale's workspace of N units with its returns collected (cached)."""
    ready = CACHE / f"n{units}" / "ready"
    if not ready.exists():
        source = SCALE_CACHE / f"n{units}" / "so"
        if not (SCALE_CACHE / f"n{units}" / "ready").exists():
            subprocess.run(
                [sys.executable, str(HERE / "bench_scale.py"), "--phase", "build"]
                + ["--units", str(units)],
                check=True,
            )
        shutil.rmtree(ready.parent, ignore_errors=True)
        shutil.copytree(source, ready.parent / "so")
        from kehoach_xlsx.collect import collect_files

        collect_files(ready.parent / "so", [ready.parent / "so" / "outgoing" / PERIOD])
        ready.touch()
    return ready.parent / "so"


def measure(units: int) -> list[dict]:
    """Two merges of a fresh copy; seconds of each and of the write-back inside it."""
    import importlib

    from kehoach_xlsx.merge import merge_period

    spent = {"wall": 0.0, "cpu": 0.0}

    def timed(function):
        def run(*args, **kwargs):
            wall, cpu = time.perf_counter(), time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent["wall"] += time.perf_counter() - wall
                spent["cpu"] += time.process_time() - cpu

        return run

    for module_name, name in TIMED:
        module = importlib.import_module(module_name)
        if hasattr(module, name):
            setattr(module, name, timed(getattr(module, name)))
    scratch = Path(tempfile.mkdtemp(prefix="kh-writeback-"))
    results = []
    try:
        workspace = scratch / "so"
        shutil.copytree(collected(units), workspace)
        for run in ("first", "again"):
            spent.update(wall=0.0, cpu=0.0)
            wall, cpu = time.perf_counter(), time.process_time()
            merge_period(workspace, PERIOD, AS_OF)
            results.append(
                {
                    "units": units,
                    "run": run,
                    "merge_wall": time.perf_counter() - wall,
                    "merge_cpu": time.process_time() - cpu,
                    "back_wall": spent["wall"],
                    "back_cpu": spent["cpu"],
                }
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400])
    parser.add_argument("--repo", type=Path, default=HERE.parent, help="checkout to measure")
    parser.add_argument("--units", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.units:
        sys.path.insert(0, str(args.repo.resolve()))
        print(json.dumps(measure(args.units)))
        return
    print(f"{args.repo}: merge / write-back inside it, seconds wall (CPU)")
    for units in args.sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--units", str(units), "--repo", str(args.repo)],
            check=True,
            capture_output=True,
            text=True,
        )
        for r in json.loads(out.stdout.strip().splitlines()[-1]):
            print(
                f"N={r['units']:4d} {r['run']:5s}  merge {r['merge_wall']:6.2f} "
                f"({r['merge_cpu']:6.2f})  write-back {r['back_wall']:6.2f} "
                f"({r['back_cpu']:6.2f})  share {r['back_cpu'] / r['merge_cpu']:5.1%} of CPU"
            )


if __name__ == "__main__":
    main()
