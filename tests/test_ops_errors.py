"""A full disk and a file held by another program: a Vietnamese message naming the file,
a non-zero exit, no traceback, nothing half-written, and the next run recovers."""

from __future__ import annotations

import contextlib
import errno
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from kehoach_xlsx.errors import FileAccessError
from kehoach_xlsx.fileio import atomic_write_bytes, explain_os_error, move_file, remove_file
from tests.ops_plan import finish, kehoach, make_workspace, returns_folder

MERGE = ("--period", "2026-09", "--as-of", "2026-10-10")


@contextlib.contextmanager
def small_disk(where: Path, size: str = "6m"):
    """A real, small file system (tmpfs) mounted at `where`; skips when we may not mount."""
    where.mkdir()
    if not sys.platform.startswith("linux") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("cần quyền root trên Linux để gắn một ổ đĩa nhỏ (tmpfs)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)],
                          capture_output=True)  # fmt: skip
    if done.returncode != 0:
        pytest.skip(f"không gắn được tmpfs: {done.stderr.decode(errors='replace')}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill_disk(where: Path, leave: int = 0) -> Path:
    """Fill the file system until only about `leave` bytes are free."""
    filler = where / "day-o.bin"
    free = shutil.disk_usage(where).free - leave
    with open(filler, "wb") as out:
        with contextlib.suppress(OSError):
            out.write(b"\0" * max(0, free))
    return filler


def debris(ws: Path) -> list[str]:
    return sorted(
        str(p.relative_to(ws))
        for p in ws.rglob("*")
        if p.is_file() and (p.name.startswith(".~") or p.name.endswith(".tmp"))
    )


def test_full_disk_merge_and_collect_fail_cleanly_then_recover(tmp_path):
    built = make_workspace(tmp_path)
    with small_disk(tmp_path / "o-nho") as disk:
        ws = disk / "so"
        shutil.copytree(built, ws)
        code, out, err = finish(kehoach("merge", ws, *MERGE))
        assert code == 0, err
        report = ws / "reports" / "bao-cao_2026-09.xlsx"
        good = report.read_bytes()
        inbox = returns_folder(ws, tmp_path / "tra-ve")

        filler = fill_disk(disk, leave=8_000)
        for args in (("merge", ws, *MERGE), ("collect", ws, tmp_path / "tra-ve")):
            code, out, err = finish(kehoach(*args))
            assert code == 74, (args[0], code, err)
            assert "Traceback" not in err and "Đĩa đã đầy" in err, err
            assert "giải phóng chỗ trống" in err and str(ws) in err  # which file, or folder
        assert report.read_bytes() == good  # the last good report is untouched
        assert debris(ws) == []

        filler.unlink()
        code, out, err = finish(kehoach("collect", ws, tmp_path / "tra-ve", "--json"))
        assert code == 0, err
        code, out, err = finish(kehoach("merge", ws, *MERGE))
        assert code == 0, err
        # every return arrived once, in spite of the failed attempt
        code, out, err = finish(kehoach("collect", ws, tmp_path / "tra-ve"))
        assert code == 0 and f"trùng {len(inbox)}" in out, out
        assert debris(ws) == []


def immutable(path: Path) -> bool:
    """chattr +i: even root cannot replace the file, as Excel's lock does on Windows."""
    if not shutil.which("chattr"):
        return False
    return subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode == 0


def test_report_or_unit_book_held_by_another_program(tmp_path):
    ws = make_workspace(tmp_path)
    code, out, err = finish(kehoach("merge", ws, *MERGE))
    assert code == 0, err
    report = ws / "reports" / "bao-cao_2026-09.xlsx"
    book = sorted((ws / "outgoing" / "2026-09").glob("*.xlsx"))[3]
    before = {p: p.read_bytes() for p in (ws / "outgoing" / "2026-09").glob("*.xlsx")}
    if not immutable(report):
        pytest.skip("không đặt được thuộc tính chattr +i ở đây")
    try:
        code, out, err = finish(kehoach("merge", ws, *MERGE))
        assert code == 74 and "Traceback" not in err, err
        assert f"Hãy đóng tệp {report}" in err and "trong Excel" in err
    finally:
        subprocess.run(["chattr", "-i", str(report)], check=True)
    assert immutable(book)
    try:
        code, out, err = finish(kehoach("split", ws, "--period", "2026-09", "--force"))
        assert code == 74 and "Traceback" not in err, err
        assert f"Hãy đóng tệp {book}" in err
        # nothing was rewritten: the ledger and the books on disk still agree
        assert {p: p.read_bytes() for p in before} == before
    finally:
        subprocess.run(["chattr", "-i", str(book)], check=True)
    assert debris(ws) == []
    code, out, err = finish(kehoach("merge", ws, *MERGE))
    assert code == 0, err


def test_a_folder_in_place_of_the_report(tmp_path):
    ws = make_workspace(tmp_path)
    (ws / "reports" / "bao-cao_2026-09.xlsx").mkdir()
    code, out, err = finish(kehoach("merge", ws, *MERGE))
    assert code == 74 and "Traceback" not in err, err
    assert "bao-cao_2026-09.xlsx" in err and "thư mục" in err
    assert debris(ws) == []


def test_messages_name_the_file_and_what_to_do(tmp_path):
    target = tmp_path / "bao-cao.xlsx"
    locked = PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".~x.xlsx"))
    locked.filename2 = str(target)
    assert f"Hãy đóng tệp {target} trong Excel" in explain_os_error(locked)
    full = OSError(errno.ENOSPC, "No space left on device")
    assert "Đĩa đã đầy khi ghi" in explain_os_error(full, target)
    assert str(target) in explain_os_error(full, target)
    # a write that cannot even start names the file it was for
    (tmp_path / "chan").write_text("a file where a folder should be", encoding="utf-8")
    with pytest.raises(FileAccessError) as caught:
        atomic_write_bytes(tmp_path / "chan" / "plan.json", b"{}")
    assert f"Ở chỗ {tmp_path / 'chan'}" in str(caught.value) and "chuyển nó đi" in str(caught.value)


def test_read_only_receipts_can_be_archived_and_removed(tmp_path):
    receipt = tmp_path / "returned" / "abc123_so-y-te.xlsx"
    receipt.parent.mkdir()
    receipt.write_bytes(b"PK")
    receipt.chmod(0o444)
    moved = move_file(receipt, tmp_path / "archive" / "2026" / receipt.name)
    assert moved.read_bytes() == b"PK" and not receipt.exists()
    assert os.access(moved, os.W_OK) or os.geteuid() == 0
    moved.chmod(0o444)
    remove_file(moved)
    assert not moved.exists()
