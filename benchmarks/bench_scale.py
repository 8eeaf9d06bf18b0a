"""Scale: a province-sized plan (N units × 50 tasks each), split / collect / merge, side by side
with the bare libraries in one run, at two sizes so the cost per unit can be compared.

Shape (issue "Scale"): N units, each leading 50 tasks of its own; every task also names "Các
cơ quan, đơn vị có liên quan" as coordinating units (a phrase that names nobody). For each N:

1. `split_period(processes=1)` writing N workbooks, next to plain XlsxWriter writing N books
   of the same shape (benchmarks/bench_unit_books.py's `bare_book`: same cells and sheets);
2. `collect_files` + `merge_period` (report included) of the N books returned unchanged, next
   to a bare python-calamine read of the same files (open, `to_python()` of every sheet):
   serially (one reading process, the ratio of record) and with two reading processes;
   collect and merge are also timed apart.

Every phase runs in its own child process, so its peak memory (ru_maxrss) is its own.
Workspaces are built once per N and cached in the temp folder.

    .venv/bin/python benchmarks/bench_scale.py [--sizes 100 400] [--no-write]
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

SECTION = "## Quy mô tỉnh (split, collect, merge)"
CACHE = Path(tempfile.gettempdir()) / "kehoach-bench-scale-v1"
PERIOD = "2026-09"
DUE = date(2026, 10, 5)
AS_OF = date(2026, 10, 10)
PER_UNIT = 50


def plan_text(units: int) -> str:
    lines = [
        "PHỤ LỤC PHÂN CÔNG NHIỆM VỤ",
        "(Kèm theo Kế hoạch số 99/KH-UBND ngày 01/7/2026 của Ủy ban nhân dân tỉnh)",
        "",
        "TT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tSản phẩm đầu ra\tTiến độ thực hiện",
    ]
    number = 0
    for unit in range(1, units + 1):
        for _ in range(PER_UNIT):
            number += 1
            lines.append(
                f"{number}\tTriển khai nhiệm vụ số {number} về chuyển đổi số, tổng hợp kết quả "
                f"báo cáo Ủy ban nhân dân tỉnh\tTổ dân phố số {unit}\tCác cơ quan, đơn vị có "
                "liên quan\tBáo cáo kết quả\tHằng tháng"
            )
    return "\n".join(lines) + "\n"


def workspace(units: int) -> Path:
    """A workspace with N units split for the period (built once, then copied per run)."""
    from kehoach_xlsx.books import init_workspace, split_period

    base = CACHE / f"n{units}"
    ready = base / "ready"
    if ready.exists():
        return base / "so"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    plan = base / "ke-hoach.txt"
    plan.write_text(plan_text(units), encoding="utf-8")
    init_workspace(base / "so", [plan])
    split_period(base / "so", PERIOD, DUE, processes=1)
    ready.touch()
    return base / "so"


def phase(name: str, units: int) -> dict:
    """Run one measured phase in this (child) process; return seconds and peak memory."""
    ws = workspace(units)
    scratch = Path(tempfile.mkdtemp(prefix=f"kh-scale-{name}-"))
    parts: dict[str, float] = {}
    try:
        if name == "build":
            start = time.perf_counter()
        elif name == "split":
            from kehoach_xlsx.books import split_period

            copy = scratch / "so"
            shutil.copytree(ws, copy)
            start = time.perf_counter()
            split_period(copy, PERIOD, DUE, force=True, processes=1)
        elif name == "bare_write":
            from bench_unit_books import bare_book, make_spec

            start = time.perf_counter()
            for index in range(units):
                bare_book(make_spec(index, PER_UNIT), scratch / f"{index}.xlsx")
        elif name in ("collect_merge", "collect_merge_2"):
            from kehoach_xlsx.collect import collect_files
            from kehoach_xlsx.merge import merge_period

            threads = 2 if name.endswith("_2") else 1
            copy = scratch / "so"
            shutil.copytree(ws, copy)
            start = time.perf_counter()
            collect_files(copy, [copy / "outgoing" / PERIOD], threads=threads)
            parts["collect"] = time.perf_counter() - start
            merge_period(copy, PERIOD, AS_OF, threads=threads)
            parts["merge"] = time.perf_counter() - start - parts["collect"]
        elif name == "bare_read":
            from python_calamine import CalamineWorkbook

            files = sorted((ws / "outgoing" / PERIOD).glob("*.xlsx"))
            start = time.perf_counter()
            for path in files:
                book = CalamineWorkbook.from_path(str(path))
                for sheet in book.sheet_names:
                    book.get_sheet_by_name(sheet).to_python()
        else:
            raise SystemExit(f"unknown phase {name}")
        seconds = time.perf_counter() - start
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {"seconds": seconds, "peak_mb": max(peak, children) / 1024, "parts": parts}


def run(name: str, units: int) -> dict:
    out = subprocess.run(
        [sys.executable, __file__, "--phase", name, "--units", str(units)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400])
    parser.add_argument("--no-write", action="store_true", help="do not update docs")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--units", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase:
        print(json.dumps(phase(args.phase, args.units)))
        return

    rows = []
    per_unit: dict[str, list[float]] = {"split": [], "collect_merge": []}
    for units in args.sizes:
        run("build", units)  # outside the timings, and outside this small parent process
        results = {name: run(name, units) for name in ("bare_write", "split")}
        results |= {
            name: run(name, units) for name in ("bare_read", "collect_merge", "collect_merge_2")
        }
        write_ratio = results["split"]["seconds"] / results["bare_write"]["seconds"]
        read_ratio = results["collect_merge"]["seconds"] / results["bare_read"]["seconds"]
        per_unit["split"].append(results["split"]["seconds"] / units)
        per_unit["collect_merge"].append(results["collect_merge"]["seconds"] / units)
        for name, label in (
            ("bare_write", "XlsxWriter trần, ghi cùng số sổ"),
            ("split", "`split_period` (1 tiến trình)"),
            ("bare_read", "python-calamine trần, đọc mọi trang"),
            ("collect_merge", "`collect_files` + `merge_period` (cả báo cáo), 1 tiến trình đọc"),
            ("collect_merge_2", "như trên, 2 tiến trình đọc"),
        ):
            ratio = ""
            r = results[name]
            if name == "split":
                ratio = f"**{write_ratio:.2f}**"
            elif name == "collect_merge":
                ratio = f"**{read_ratio:.2f}**"
            elif name == "collect_merge_2":
                ratio = f"{r['seconds'] / results['bare_read']['seconds']:.2f}"
            if r["parts"]:
                label += (
                    f" (collect {r['parts']['collect']:.2f} s, merge {r['parts']['merge']:.2f} s)"
                )
            rows.append(
                f"| {units} | {label} | {r['seconds']:.2f} s | {ratio} | {r['peak_mb']:.0f} MB |"
            )
            print(rows[-1])
    growth = {name: values[-1] / values[0] for name, values in per_unit.items() if len(values) > 1}
    for name, value in growth.items():
        print(f"cost per unit, {args.sizes[-1]} vs {args.sizes[0]} units, {name}: {value:.2f}x")
    if args.no_write:
        return
    from _docs import write_section

    body = "\n".join(
        [
            SECTION,
            "",
            f"`benchmarks/bench_scale.py` — N đơn vị × {PER_UNIT} nhiệm vụ riêng, mỗi nhiệm vụ "
            "có thêm “Các cơ quan, đơn vị có liên quan” phối hợp. Mỗi bước chạy trong một tiến "
            f"trình con riêng (bộ nhớ đỉnh là của bước đó). Máy: {platform.machine()}, "
            f"{platform.python_version()}, đo {date.today():%d/%m/%Y} trên máy dùng chung.",
            "",
            "| N | bước | thời gian | tỉ lệ với thư viện trần | bộ nhớ đỉnh |",
            "|---|---|---|---|---|",
            *rows,
            "",
            *(
                f"Chi phí mỗi đơn vị ở {args.sizes[-1]} so với {args.sizes[0]} đơn vị, {name}: "
                f"{value:.2f}× (mục tiêu ≤ 1,3×)."
                for name, value in growth.items()
            ),
        ]
    )
    print("ghi", write_section(SECTION, body))


if __name__ == "__main__":
    main()
