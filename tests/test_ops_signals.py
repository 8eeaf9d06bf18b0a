"""`split` stopped by SIGTERM, SIGHUP or SIGKILL at random points: no worker outlives it, no
temporary file stays, the next run recovers; SIGTERM/SIGHUP end like Ctrl-C ("Đã dừng.")."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import sys
import time
from pathlib import Path

import pytest

from kehoach_xlsx.lock import LOCK_NAME
from tests.ops_plan import finish, kehoach, make_workspace, returns_folder

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="đếm tiến trình qua /proc (Linux)"
)


def session_members(session: int) -> list[int]:
    """Processes still alive in the session the killed command started."""
    members = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rpartition(")")[2].split()
        except OSError:
            continue
        # fields after "(comm)": state ppid pgrp session …; zombies are already dead
        if int(fields[3]) == session and fields[0] != "Z":
            members.append(int(entry.name))
    return members


def wait_until_empty(session: int, seconds: float = 5.0) -> list[int]:
    deadline = time.monotonic() + seconds
    while (left := session_members(session)) and time.monotonic() < deadline:
        time.sleep(0.1)
    return left


def test_split_killed_at_random_points_leaves_no_orphans(tmp_path):
    ws = make_workspace(tmp_path, tasks_per_body=6, split=False)
    rng = random.Random(12)
    args = ("split", ws, "--period", "2026-09", "--due", "2026-10-05", "--force")
    outcomes = []
    for trial, signum in enumerate([signal.SIGTERM, signal.SIGHUP, signal.SIGKILL] * 4):
        proc = kehoach(*args, start_new_session=True)
        # kill while the pool works (or, one trial in four, before it starts)
        if trial % 4 != 3:
            deadline = time.monotonic() + 120
            while len(session_members(proc.pid)) < 2 and proc.poll() is None:
                assert time.monotonic() < deadline
                time.sleep(0.02)
        time.sleep(rng.uniform(0.0, 0.6))
        proc.send_signal(signum)
        proc.wait(timeout=120)
        left = wait_until_empty(proc.pid)
        for pid in left:  # do not leave them to the next test
            os.kill(pid, signal.SIGKILL)
        assert not left, f"trial {trial} ({signum.name}): orphans {left}"
        code, out, err = finish(proc)
        assert "Traceback" not in err, err
        if code == 128 + signum:  # stopped by our handler, not by Python's default one
            assert err.strip().endswith("Đã dừng."), err
        outcomes.append(code)
    # at least some trials stopped mid-run through the handler (not all finished first)
    assert any(code in (128 + signal.SIGTERM, 128 + signal.SIGHUP) for code in outcomes)
    code, out, err = finish(kehoach(*args[:-1], "--json"))
    assert code == 0, err
    debris = [p.name for p in (ws / "outgoing" / "2026-09").iterdir() if p.name.startswith(".")]
    assert debris == [] and not (ws / LOCK_NAME).exists()


def test_merge_and_collect_killed_at_random_points_recover(tmp_path):
    ws = make_workspace(tmp_path, tasks_per_body=3)
    inbox = tmp_path / "tra-ve"
    returns_folder(ws, inbox)
    rng = random.Random(7)
    merge = ("merge", ws, "--period", "2026-09", "--as-of", "2026-10-10")
    for trial in range(8):
        args = merge if trial % 2 else ("collect", ws, inbox)
        proc = kehoach(*args, start_new_session=True)
        time.sleep(rng.uniform(0.3, 3.0))
        proc.send_signal(signal.SIGKILL)
        finish(proc)
        assert not wait_until_empty(proc.pid)
    code, out, err = finish(kehoach("collect", ws, inbox, "--json"))
    assert code == 0, err
    summary = json.loads(out)["summary"]
    assert summary["accepted"] + summary["duplicate"] == 20 and summary["rejected"] == 0
    code, out, err = finish(kehoach(*merge, "--json"))
    assert code == 0, err
    assert json.loads(out)["summary"]["units_returned"] == 20
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("SELECT COUNT(DISTINCT unit) FROM receipts").fetchone()[0] == 20
    leftovers = [p for p in ws.rglob("*") if p.name.startswith((".~", ".nhan-"))]
    assert leftovers == [] and not (ws / LOCK_NAME).exists()
