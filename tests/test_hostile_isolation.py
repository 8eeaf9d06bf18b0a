"""Every returned file is read in a worker process under limits (kehoach_xlsx.isolate).

A reader that aborts (python-calamine's "memory allocation of … bytes failed"), runs out of
memory or hangs fails that one file; the next file is read by a fresh worker. Library calls
work from a plain script without a ``__main__`` guard under the spawn start method.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time
from dataclasses import replace
from pathlib import Path

import pytest
import xlsxwriter

from kehoach_xlsx.isolate import IsolatedReader
from kehoach_xlsx.returns import FailedFile, ReturnedBook, read_returned_books
from kehoach_xlsx.safety import DEFAULT_LIMITS

ROOT = Path(__file__).resolve().parents[1]


def small_book(path: Path, rows: int = 1, columns: int = 2) -> Path:
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("Báo cáo")
    sheet.write_string(0, 0, "Mã NV")
    sheet.write_string(0, 1, "Tình trạng")
    for row in range(1, rows + 1):
        sheet.write_string(row, 0, f"B.{row}")
        for col in range(1, columns):
            sheet.write_string(row, col, f"giá trị {row}/{col}")
    book.close()
    return path


def test_plain_script_without_main_guard_under_spawn(tmp_path: Path) -> None:
    good = small_book(tmp_path / "tot.xlsx")
    broken = tmp_path / "hong.xlsx"
    broken.write_bytes(good.read_bytes()[:300])
    script = tmp_path / "script.py"
    script.write_text(
        textwrap.dedent(
            f"""
            import multiprocessing
            multiprocessing.set_start_method("spawn", force=True)
            from kehoach_xlsx.returns import read_returned_books
            results = read_returned_books([{str(good)!r}, {str(broken)!r}, {str(good)!r}])
            print([getattr(r, "code", "ok") for r in results])
            """
        ),
        encoding="utf-8",
    )
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, env=env, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "['ok', 'corrupt_file', 'ok']"


@pytest.mark.skipif(sys.platform == "win32", reason="no address-space limit on Windows")
def test_reader_out_of_memory_fails_one_file_and_the_next_is_read(tmp_path: Path) -> None:
    big = small_book(tmp_path / "lon.xlsx", rows=20_000, columns=10)
    good = small_book(tmp_path / "tot.xlsx")
    limits = replace(DEFAULT_LIMITS, max_memory=100 * 1024 * 1024)
    started = time.monotonic()
    with IsolatedReader(1, limits) as reader:
        results = reader.read_many([big, good, big, good])
    assert time.monotonic() - started < 30  # died, not hung (see RUST_BACKTRACE in isolate)
    codes = [r.code if isinstance(r, FailedFile) else "ok" for r in results]
    assert codes == ["out_of_memory", "ok", "out_of_memory", "ok"]
    assert "bộ nhớ" in results[0].message
    # the same file with the ordinary limits is read
    assert isinstance(read_returned_books([big], processes=1)[0], ReturnedBook)


def test_hang_fails_one_file_by_time(tmp_path: Path) -> None:
    good = small_book(tmp_path / "tot.xlsx")
    limits = replace(DEFAULT_LIMITS, max_seconds=0.0)
    with IsolatedReader(2, limits) as reader:
        results = reader.read_many([good, good, good])
        assert reader.all == set() or all(w.proc.poll() is None for w in reader.all)
    assert [r.code for r in results] == ["timeout"] * 3
    assert "quá lâu" in results[0].message


def test_worker_killed_mid_batch_fails_only_its_file(tmp_path: Path) -> None:
    files = [small_book(tmp_path / f"t{i}.xlsx", rows=3000, columns=8) for i in range(4)]
    seen: list[object] = []
    with IsolatedReader(1) as reader:
        worker = next(iter(reader.all))

        def arrived(result: object) -> None:
            seen.append(result)
            if len(seen) == 1:
                worker.proc.kill()  # as if the native reader aborted on the next file

        results = reader.read_many(files, arrived=arrived)
    codes = [r.code if isinstance(r, FailedFile) else "ok" for r in results]
    assert codes[0] == "ok" and codes[2:] == ["ok", "ok"]
    assert codes[1] in ("ok", "reader_crashed")  # the kill may land after it answered
