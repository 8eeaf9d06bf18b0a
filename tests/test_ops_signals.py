"""`split` stopped by SIGTERM, SIGHUP or SIGKILL at random points: no worker outlives it, no
temporary file stays, the next run recovers; SIGTERM/SIGHUP end like Ctrl-C ("Đã dừng.")."""

from __future__ import annotations

import os
import random
import signal
import sys
import time
from pathlib import Path

import pytest

from kehoach_xlsx.lock import LOCK_NAME
from tests.ops_plan import finish, kehoach, make_workspace

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
