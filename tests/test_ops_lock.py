"""One run at a time per workspace: the lock file, stale locks, and two real runs at once."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from kehoach_xlsx.errors import WorkspaceBusyError
from kehoach_xlsx.lock import LOCK_NAME, workspace_lock
from tests.ops_plan import finish, kehoach, make_workspace, returns_folder

HOLD = """
import sys, time
from kehoach_xlsx.lock import workspace_lock
with workspace_lock(sys.argv[1], "merge"):
    print("held", flush=True)
    time.sleep(float(sys.argv[2]))
"""


def hold_in_other_process(root: Path, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(root), str(seconds)], stdout=subprocess.PIPE
    )
    assert proc.stdout.readline().strip() == b"held"
    return proc


def stop(proc: subprocess.Popen) -> None:
    proc.kill()
    proc.wait()
    proc.stdout.close()


def write_lock(root: Path, **fields) -> Path:
    path = root / LOCK_NAME
    path.write_text(json.dumps(fields), encoding="utf-8")
    return path


def test_second_run_waits_then_names_the_holder(tmp_path):
    holder = hold_in_other_process(tmp_path, 30)
    try:
        started = datetime.now()
        with pytest.raises(WorkspaceBusyError) as caught, workspace_lock(tmp_path, wait=0.5):
            pass
        assert (datetime.now() - started).total_seconds() >= 0.5
        message = str(caught.value)
        assert f"tiến trình {holder.pid}" in message and socket.gethostname() in message
        assert "kehoach merge" in message and "chờ lệnh đó chạy xong" in message
        assert caught.value.exit_code == 75
    finally:
        stop(holder)
    # the holder was SIGKILLed: its lock is stale and taken over at once
    assert (tmp_path / LOCK_NAME).exists()
    with workspace_lock(tmp_path, "collect", wait=0):
        data = json.loads((tmp_path / LOCK_NAME).read_text(encoding="utf-8"))
        assert data["pid"] == os.getpid() and data["command"] == "collect"
    assert not (tmp_path / LOCK_NAME).exists()


def test_waiting_run_gets_the_lock_when_the_holder_finishes(tmp_path):
    holder = hold_in_other_process(tmp_path, 1.5)
    started = datetime.now()
    with workspace_lock(tmp_path, wait=20):
        # we got it only after the holder left
        assert (datetime.now() - started).total_seconds() > 1
        data = json.loads((tmp_path / LOCK_NAME).read_text(encoding="utf-8"))
        assert data["pid"] == os.getpid()
    stop(holder)


def test_stale_locks_are_taken_over(tmp_path):
    # a dead process on this host
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    write_lock(tmp_path, pid=int(dead.stdout), host=socket.gethostname(), started="x")
    with workspace_lock(tmp_path, wait=0):
        pass
    # another machine's lock from two days ago (a shared folder)
    old = (datetime.now(UTC) - timedelta(days=2)).isoformat()
    write_lock(tmp_path, pid=1, host="may-khac", started=old)
    with workspace_lock(tmp_path, wait=0):
        pass
    # another machine's fresh lock is respected
    write_lock(tmp_path, pid=1, host="may-khac", started=datetime.now(UTC).isoformat())
    with pytest.raises(WorkspaceBusyError, match="may-khac"), workspace_lock(tmp_path, wait=0):
        pass


def test_lock_is_reentrant_and_cleans_leftovers(tmp_path):
    reports = tmp_path / "reports"
    period = tmp_path / "outgoing" / "2026-09"
    period.mkdir(parents=True)
    reports.mkdir()
    leftovers = [
        reports / ".~bao-cao_2026-09.1a2b3c4d.xlsx",
        period / ".~2026-09_so-y-te.ab12cd34.xlsx",
        tmp_path / ".plan.json.k2j3h4.tmp",
    ]
    keep = [reports / ".~lock.bao-cao_2026-09.xlsx#", reports / "bao-cao_2026-09.xlsx"]
    for path in leftovers + keep:
        path.write_bytes(b"x")
    with workspace_lock(tmp_path), workspace_lock(tmp_path):
        assert (tmp_path / LOCK_NAME).exists()
    assert not any(p.exists() for p in leftovers)
    assert all(p.exists() for p in keep)  # LibreOffice's own lock file is not ours


def receipts(ws: Path) -> list[tuple[str, str]]:
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        return conn.execute("SELECT sha256, state FROM receipts").fetchall()


def test_two_collects_at_once_and_collect_during_merge(tmp_path):
    ws = make_workspace(tmp_path)
    files = returns_folder(ws, tmp_path / "tra-ve")
    env = {"KEHOACH_LOCK_WAIT": "120"}
    first = kehoach("collect", ws, tmp_path / "tra-ve", env=env)
    second = kehoach("collect", ws, tmp_path / "tra-ve", env=env)
    results = [finish(first), finish(second)]
    for code, out, err in results:
        assert code == 0, err
        assert "Traceback" not in out + err
    rows = receipts(ws)
    assert len(rows) == len(files), results  # nobody lost, nobody counted twice
    assert sum("Đã nhận 20 tệp" in out for _, out, _ in results) == 1, results
    assert sum("trùng 20" in out for _, out, _ in results) == 1

    # collect while merge runs: a short wait gives a clear message, a long one gets through
    merge = kehoach("merge", ws, "--period", "2026-09", "--as-of", "2026-10-10")
    lock = ws / LOCK_NAME
    deadline = time.monotonic() + 60
    while merge.poll() is None and time.monotonic() < deadline:
        if lock.exists() and "merge" in lock.read_text(encoding="utf-8"):
            break
        time.sleep(0.01)
    busy = kehoach("collect", ws, tmp_path / "tra-ve", env={"KEHOACH_LOCK_WAIT": "0"})
    patient = kehoach("collect", ws, tmp_path / "tra-ve", env={"KEHOACH_LOCK_WAIT": "120"})
    code, out, err = finish(busy)
    assert "Traceback" not in err
    if code != 0:  # merge still held the workspace, or (merge done) the patient collect did
        assert code == 75, err
        assert err.startswith("Lỗi: Sổ theo dõi")
        assert "lệnh “kehoach merge”" in err or "lệnh “kehoach collect”" in err, err
    code, out, err = finish(merge)
    assert code == 0, err
    code, out, err = finish(patient)
    assert code == 0 and "trùng 20" in out, err
    assert len(receipts(ws)) == len(files)
    assert not lock.exists()
