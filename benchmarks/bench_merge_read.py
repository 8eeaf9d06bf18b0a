"""How much reading returned workbooks safely costs over a bare python-calamine read.

Generates N returned unit workbooks (docs/design.md layout, 50 task rows, answers filled,
"_kehoach" identity sheet) once into a cache folder, then times in one run:

1. a bare serial read: ``CalamineWorkbook.from_path`` + ``to_python()`` of every sheet;
2. ``read_returned_books(processes=0)`` (safety checks, sha256, header search, parsing), in
   this process, without isolation (what the reading itself costs);
3. ``read_returned_books(threads=1)``: one isolated worker process (kehoach_xlsx.isolate),
   reused for the batch, results pickled back;
4. ``read_returned_books(threads=2)``: two isolated workers.

Targets: (3) ≤ 1.3 × (1); (4) ≤ 0.8 × (1) on two cores; isolation, (3) / (2), close to 1.
Peak memory is ru_maxrss of this process (the results live here) and of the workers.
Results go to the "Đọc tệp trả về" section of docs/benchmarks.md (other sections kept).

    .venv/bin/python benchmarks/bench_merge_read.py [-n 2000] [--repeat 3] [--no-write]
"""

from __future__ import annotations

import argparse
import gc
import os
import platform
import resource
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from _docs import write_section as save_docs_section  # noqa: E402

from kehoach_xlsx.returns import FailedFile, read_returned_books  # noqa: E402

HEADERS = [
    "STT",
    "Mã NV",
    "Nhiệm vụ",
    "Vai trò",
    "Sản phẩm đầu ra",
    "Hạn",
    "Tình trạng",
    "Ngày hoàn thành",
    "Kết quả thực hiện",
    "Sản phẩm đã ban hành (số, ký hiệu)",
    "Khó khăn, đề xuất",
]
STATUSES = ["Đã hoàn thành", "Đang thực hiện", "Chưa thực hiện", "Không thực hiện được", ""]
SECTION = "## Đọc tệp trả về"
CACHE_VERSION = "v1"


def build_book(args: tuple[Path, int, int]) -> None:
    path, index, rows = args
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    wrap = book.add_format({"font_name": "Times New Roman", "text_wrap": True, "border": 1})
    date_fmt = book.add_format({"num_format": "dd/mm/yyyy", "border": 1})
    sheet = book.add_worksheet("Báo cáo")
    sheet.merge_range(0, 0, 0, 3, "ỦY BAN NHÂN DÂN\nPHƯỜNG AN BIÊN", wrap)
    sheet.merge_range(0, 4, 0, 10, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", wrap)
    sheet.merge_range(2, 0, 2, 10, "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ", wrap)
    sheet.merge_range(
        3, 0, 3, 10, f"Đơn vị báo cáo: Đơn vị {index}     Kỳ báo cáo: Tháng 09/2026", wrap
    )
    header_row = 5
    for col, text in enumerate(HEADERS):
        sheet.write_string(header_row, col, text, wrap)
    ident = book.add_worksheet("_kehoach")
    meta = [
        ("kehoach_xlsx", "1"),
        ("plan_id", "kh-143"),
        ("plan_number", "143/KH-UBND"),
        ("plan_title", "Kế hoạch tuyên truyền, phổ biến pháp luật năm 2026"),
        ("unit", f"DV{index}"),
        ("unit_name", f"Đơn vị {index}"),
        ("period", "2026-09"),
        ("due", "2026-10-05"),
        ("generated", "2026-09-01T00:00:00+00:00"),
        ("workbook_id", f"{index:032x}"),
        ("task_id", "fingerprint", "role", "row"),
    ]
    for r, cells in enumerate(meta):
        for c, text in enumerate(cells):
            ident.write_string(r, c, text)
    base = date(2026, 9, 1)
    for n in range(rows):
        row = header_row + 1 + n
        task_id = f"B.{n // 5 + 1}.{n + 1}"
        status = STATUSES[(index + n) % len(STATUSES)]
        values = [
            str(n + 1),
            task_id,
            f"Nhiệm vụ số {n + 1}: tổ chức tuyên truyền, phổ biến, giáo dục pháp luật cho "
            "cán bộ, công chức và Nhân dân trên địa bàn phường",
            "Chủ trì" if n % 3 else "Phối hợp",
            "Kế hoạch; Báo cáo kết quả",
            (base + timedelta(days=n % 30)).strftime("%d/%m/%Y"),
            status,
        ]
        for col, value in enumerate(values):
            sheet.write_string(row, col, value, wrap)
        if status == "Đã hoàn thành":
            sheet.write_datetime(row, 7, base + timedelta(days=n % 28), date_fmt)
        if status:
            sheet.write_string(row, 8, "Đã ban hành kế hoạch, tổ chức 02 hội nghị", wrap)
            sheet.write_string(row, 9, f"Kế hoạch số {n + 10}/KH-UBND ngày 05/9/2026", wrap)
        ident.write_string(11 + n, 0, task_id)
        ident.write_string(11 + n, 1, f"{n:016x}")
        ident.write_string(11 + n, 2, "lead" if n % 3 else "coordinate")
        ident.write_string(11 + n, 3, str(row + 1))
    ident.very_hidden()
    book.define_name("kehoach_workbook_id", f'="{index:032x}"')
    book.close()


def ensure_books(count: int, rows: int) -> list[Path]:
    folder = Path(tempfile.gettempdir()) / f"kehoach-bench-returns-{CACHE_VERSION}-{count}x{rows}"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"return_{i:05d}.xlsx" for i in range(count)]
    todo = [(p, i, rows) for i, p in enumerate(paths) if not p.exists()]
    if todo:
        print(f"Tạo {len(todo)} tệp mẫu trong {folder} …", flush=True)
        with ProcessPoolExecutor() as pool:
            list(pool.map(build_book, todo, chunksize=32))
    return paths


def bare_read(paths: list[Path]) -> int:
    cells = 0
    for path in paths:
        with CalamineWorkbook.from_path(path) as book:
            for name in book.sheet_names:
                for row in book.get_sheet_by_name(name).to_python():
                    cells += len(row)
    return cells


def check(results: list, count: int, rows: int) -> None:
    failed = [r for r in results if isinstance(r, FailedFile)]
    assert not failed, f"{len(failed)} tệp không đọc được: {failed[:1]}"
    assert sum(len(r.rows) for r in results) == count * rows


def peak_mb(who: int = resource.RUSAGE_SELF) -> float:
    return resource.getrusage(who).ru_maxrss / 1024


def timed(label: str, func) -> tuple[float, object]:
    started = time.perf_counter()
    result = func()
    elapsed = time.perf_counter() - started
    print(f"{label:<42} {elapsed:8.2f} s   bộ nhớ đỉnh {peak_mb():7.1f} MB", flush=True)
    return elapsed, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=2000, help="số tệp (mặc định 2000)")
    parser.add_argument("--rows", type=int, default=50, help="số dòng nhiệm vụ mỗi tệp")
    parser.add_argument("--no-write", action="store_true", help="không ghi docs/benchmarks.md")
    parser.add_argument("--repeat", type=int, default=1, help="số lần đo, lấy lần nhanh nhất")
    args = parser.parse_args()

    paths = ensure_books(args.n, args.rows)
    for path in paths:  # warm the page cache so every contender reads from memory
        path.read_bytes()
    start_mb = peak_mb()
    # On a shared machine one run can be 30 % off: --repeat N interleaves the three
    # contenders N times and keeps each one's best time.
    best: dict[str, float] = {}
    for _ in range(args.repeat):
        elapsed, _ = timed("calamine trần, tuần tự", lambda: bare_read(paths))
        best["bare"] = min(best.get("bare", elapsed), elapsed)
        for label, kwargs in (
            ("read_returned_books(processes=0)", {"processes": 0}),
            ("read_returned_books(threads=1)", {"threads": 1}),
            ("read_returned_books(threads=2)", {"threads": 2}),
        ):
            elapsed, results = timed(label, lambda k=kwargs: read_returned_books(paths, **k))
            check(results, args.n, args.rows)
            del results  # let each run start from the same heap (the GC walks live objects)
            gc.collect()
            best[label] = min(best.get(label, elapsed), elapsed)
    bare, inline, one, two = best.values()
    ratio1, ratio2 = one / bare, two / bare
    print(f"giá của cô lập (1 tiến trình / trong tiến trình): {one / inline:.2f}")
    verdict1 = "đạt" if ratio1 <= 1.3 else "CHƯA ĐẠT"
    verdict2 = "đạt" if ratio2 <= 0.8 else "CHƯA ĐẠT"
    print(f"tỉ lệ 1 luồng / trần: {ratio1:.2f} (mục tiêu ≤ 1.3: {verdict1})")
    print(f"tỉ lệ 2 luồng / trần: {ratio2:.2f} (mục tiêu ≤ 0.8: {verdict2})")
    print(
        f"bộ nhớ đỉnh: {peak_mb():.1f} MB (trước khi đọc: {start_mb:.1f} MB); "
        f"tiến trình đọc: {peak_mb(resource.RUSAGE_CHILDREN):.1f} MB"
    )
    if not args.no_write:
        write_section(
            args.n,
            args.rows,
            bare,
            inline,
            one,
            two,
            ratio1,
            ratio2,
            verdict1,
            verdict2,
            start_mb,
            args.repeat,
        )


def write_section(
    n: int,
    rows: int,
    bare: float,
    inline: float,
    one: float,
    two: float,
    ratio1: float,
    ratio2: float,
    verdict1: str,
    verdict2: str,
    start_mb: float,
    repeat: int,
) -> None:
    import python_calamine

    version = getattr(python_calamine, "__version__", None)
    if version is None:
        from importlib.metadata import version as dist_version

        version = dist_version("python-calamine")
    body = f"""{SECTION}

`benchmarks/bench_merge_read.py -n {n} --repeat {repeat}` (best of {repeat}, interleaved): {n}
returned unit workbooks × {rows} task rows
(docs/design.md layout with the "_kehoach" sheet, answers filled), read from the OS page
cache. Machine: {platform.machine()}, {os.cpu_count()} cores, Python
{platform.python_version()}, python-calamine {version}; measured {date.today().isoformat()}
with load average {os.getloadavg()[0]:.2f} at the end of the run (other work on a 2-core
machine takes the second core from the threads=2 run).

| run | time | ratio | target |
|---|---|---|---|
| bare python-calamine, serial (open, `to_python()` every sheet) | {bare:.2f} s | 1.00 | |
| `read_returned_books(processes=0)` (this process, not isolated) | {inline:.2f} s | {inline / bare:.2f} | |
| `read_returned_books(threads=1)` (1 isolated worker) | {one:.2f} s | **{ratio1:.2f}** | ≤ 1.3 ({verdict1}) |
| `read_returned_books(threads=2)` (2 isolated workers) | {two:.2f} s | **{ratio2:.2f}** | ≤ 0.8 ({verdict2}) |

Isolation (issue 12: every returned file is read in a `python -m kehoach_xlsx.isolate`
worker under a time limit and, on POSIX, a 768 MB address-space limit; workers are reused
for the batch and replaced when one dies) costs {one / inline:.2f} × the same reading in this
process: about 0.35 s to start a worker (its imports) plus pickling each book back.
Peak memory (ru_maxrss): this process {peak_mb():.0f} MB ({start_mb:.0f} MB before reading;
each run's {n} results are kept until it ends), each worker process
{peak_mb(resource.RUSAGE_CHILDREN):.0f} MB at most.
What the extra time buys: the safety check (zip directory, inflating every worksheet to
bound its real size and its row/column references, DOCTYPE/ENTITY checks), SHA-256, finding
the header row by text, the identity sheet and understanding every answer cell in Python.
(đạt = met, CHƯA ĐẠT = not met.)

What it took: python-calamine keeps the GIL while it parses (threads never overlapped), so
`threads=2` reads in two worker processes (since issue 12 every read is isolated: each
worker has two files in flight, so it reads the next while this process unpickles the
last; rows are interned on arrival, which keeps peak memory where in-process reading has it). Texts every copy repeats (task ids,
locked columns, fingerprints, statuses) are shared with `sys.intern`: a book pickles in a
third of the bytes and 2,000 books' results take 120 MB instead of 230 MB. Per file: the
zip directory is read with `struct` instead of `zipfile`; worksheet references are screened
with one `bytes.translate` and two substring searches inside `<sheetData>` (a regex runs
only if they see a value starting with three letters or a long number); parts no reader
opens (docProps, theme) are not inflated; only the "Báo cáo" and "_kehoach" sheets are
converted (the others only when those are missing or renamed); header and unit-line texts
are cached; dates are formatted without `strftime`; the cycle collector is paused during a
batch. Before the rework, on the same machine and files: threads=1 2.3–2.9 ×, threads=2
2.5–3.1 ×, 233 MB; after it, over five runs on 2026-11-23 with another job using about one
core: threads=1 2.0–2.3 ×, threads=2 1.3–1.7 × (1.2–1.5 × on the real three-sheet books of
bench_merge.py, whose guide sheet the bare read converts and we skip). Load-independent
(callgrind, instructions per file): bare 8.6 M, before 15.2 M, after 13.9 M, of which
python-calamine 7.7 M — the targets are not reached because
for these small files the remaining Python work (the safety scan, SHA-256, turning 100 rows
into objects, about 4.7 M instructions) costs more than half of calamine's own parse, and
Python runs at a lower instruction rate. Not tried: moving the row loop or the safety scan
to compiled code (a new dependency).

Second pass (callgrind, 100 files, instructions per file, independent of load): bare
calamine 8.57 M; `read_returned_book` 13.77 M → 13.20 M (1.61 × → 1.54 ×) after a per-process
text cache and no row copies. Budget: calamine inside our read ≈ 1.0 ×, safety scan 0.24 ×,
SHA-256 0.04 ×, rows + identity sheet 0.23 ×: the 1.3 × target needs compiled code or a
lighter safety scan, which we did not want to loosen.
"""
    target = save_docs_section(SECTION, body)
    print(f"Đã ghi mục “Đọc tệp trả về” vào {target}")


if __name__ == "__main__":
    main()
