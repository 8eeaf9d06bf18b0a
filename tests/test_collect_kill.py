"""collect commits receipts in groups (issue 16), yet a crash never loses a file it told
about: SIGKILL in the middle of a run, then every file acknowledged is in the ledger, and a
second run takes the rest exactly once, reusing the copies the first one left."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from tests.ops_plan import finish, kehoach, make_workspace, returns_folder

pytestmark = pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="cần SIGKILL (POSIX)")

ROOT = Path(__file__).resolve().parents[1]
# collect_files with small groups (3 receipts per commit), printing what each commit made
# durable: the "acknowledged" files a user would have been told about.
COLLECT = """
import json, sys
from kehoach_xlsx import collect
collect.COMMIT_FILES = 3

def told(files):
    for item in files:
        print(json.dumps([item.original, item.sha256, item.state]), flush=True)

collect.collect_files(sys.argv[1], [sys.argv[2]], acknowledged=told)
print("END", flush=True)
"""


def variants(inbox: Path, count: int) -> None:
    """More distinct files: each return again with a zip comment (other bytes, same book);
    the later ones supersede the earlier ones of their unit."""
    for path in sorted(inbox.glob("*.xlsx")):
        for index in range(1, count):
            copy = inbox / f"{path.stem}_lan-{index}.xlsx"
            copy.write_bytes(path.read_bytes())
            with zipfile.ZipFile(copy, "a") as archive:
                archive.comment = f"lan {index}".encode()


def test_killed_collect_keeps_every_acknowledged_file_and_rerun_takes_the_rest(tmp_path):
    ws = make_workspace(tmp_path)
    inbox = tmp_path / "tra-ve"
    returns_folder(ws, inbox)
    variants(inbox, 3)
    total = len(list(inbox.iterdir()))
    proc = subprocess.Popen(
        [sys.executable, "-c", COLLECT, str(ws), str(inbox)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": "utf-8"},
        start_new_session=True,
    )
    told = []
    assert proc.stdout is not None
    deadline = time.monotonic() + 120
    while len(told) < 7 and time.monotonic() < deadline:
        line = proc.stdout.readline().decode("utf-8")
        assert line and not line.startswith("END"), proc.stderr.read() if proc.stderr else ""
        told.append(json.loads(line))
    os.killpg(proc.pid, signal.SIGKILL)  # the run and its reading workers, mid-way
    proc.communicate(timeout=60)
    assert 7 <= len(told) < total
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        kept = dict(conn.execute("SELECT sha256, state FROM receipts"))
    for original, sha, state in told:
        assert sha in kept, original  # told accepted: committed
        assert state in ("accepted", "duplicate") and kept[sha] in ("accepted", "superseded")

    code, out, err = finish(kehoach("collect", ws, inbox, "--json"))
    assert code == 0, err
    again = {f["original"]: f for f in json.loads(out)["files"]}
    assert len(again) == total
    for original, _sha, _state in told:
        assert again[original]["state"] == "duplicate"
    taken = [f for f in again.values() if f["state"] == "accepted"]
    assert taken and all(f["state"] in ("accepted", "duplicate") for f in again.values())
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        receipts = conn.execute("SELECT sha256, stored_path FROM receipts").fetchall()
        readings = conn.execute("SELECT COUNT(*) FROM readings").fetchone()[0]
        (integrity,) = conn.execute("PRAGMA integrity_check").fetchone()
    assert integrity == "ok"
    assert len(receipts) == total == len({sha for sha, _ in receipts}) == readings
    # every copy in returned/ belongs to a receipt: what the killed run left was reused
    stored = {p.relative_to(ws).as_posix() for p in (ws / "returned").rglob("*") if p.is_file()}
    assert stored == {path for _, path in receipts}
    code, out, err = finish(
        kehoach("merge", ws, "--period", "2026-09", "--as-of", "2026-10-10", "--json")
    )
    assert code in (0, 1), err
    summary = json.loads(out)["summary"]
    assert summary["units_returned"] == 20 and summary["files"] == total
