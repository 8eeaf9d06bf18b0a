"""One run at a time per workspace: a lock file naming who holds it.

DIR/.kehoach.lock holds JSON {pid, host, started, command}. It is created with O_EXCL, so two
runs cannot both get it. A lock whose process is gone (same host, dead pid) or that is older
than STALE_AFTER is taken over: a killed run never blocks the next one. A second run waits a
few seconds, then stops with a Vietnamese message saying who holds the workspace and since when.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from kehoach_xlsx.errors import FileAccessError, WorkspaceBusyError
from kehoach_xlsx.fileio import clean_leftovers, explain_os_error
from kehoach_xlsx.platform import pid_alive

LOCK_NAME = ".kehoach.lock"
STALE_AFTER = timedelta(hours=12)
WAIT_ENV = "KEHOACH_LOCK_WAIT"
DEFAULT_WAIT = 5.0
# Folders where our writers put their temporary files (see fileio.TEMP_PREFIX).
TEMP_FOLDERS = ("reports", "outgoing", "returned", "archive", "ke-hoach")

_held: dict[Path, int] = {}  # lock path -> nesting depth in this process


def lock_path(root: Path) -> Path:
    return Path(root) / LOCK_NAME


def read_holder(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return {}  # half-written by a run killed at that instant: judged by its age
    return data if isinstance(data, dict) else {}


def is_stale(path: Path, holder: dict[str, Any], now: datetime | None = None) -> bool:
    now = now or datetime.now(UTC)
    if holder.get("host") == socket.gethostname() and isinstance(holder.get("pid"), int):
        if not pid_alive(holder["pid"]):
            return True
    try:
        started = datetime.fromisoformat(holder["started"])
    except (KeyError, TypeError, ValueError):
        try:
            started = datetime.fromtimestamp(path.stat().st_mtime, UTC)
        except OSError:
            return False
        if not holder and now - started > timedelta(seconds=30):
            return True  # an unreadable lock file nobody finished writing
    return now - started > STALE_AFTER


def _try_create(path: Path, command: str) -> bool:
    holder = {
        "pid": os.getpid(),
        "host": socket.gethostname(),
        "started": datetime.now(UTC).replace(microsecond=0).isoformat(),
        "command": command,
    }
    try:
        handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    except OSError as err:
        raise FileAccessError(explain_os_error(err, path)) from err
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(holder, out)
    except OSError as err:
        path.unlink(missing_ok=True)
        raise FileAccessError(explain_os_error(err, path)) from err
    return True


def _take_over(path: Path, holder: dict[str, Any]) -> None:
    """Remove a stale lock. It is renamed aside first and checked: when another run took the
    stale lock over and made a fresh one in between, that fresh lock is put back."""
    aside = path.with_name(f"{LOCK_NAME}.stale-{uuid.uuid4().hex[:8]}")
    try:
        os.replace(path, aside)
    except FileNotFoundError:
        return
    if read_holder(aside) not in (holder, None) and not path.exists():
        with contextlib.suppress(OSError):
            os.replace(aside, path)
            return
    aside.unlink(missing_ok=True)


def busy_message(root: Path, holder: dict[str, Any]) -> str:
    command = holder.get("command") or "khác"
    pid = holder.get("pid", "?")
    host = holder.get("host") or "?"
    since = holder.get("started")
    try:
        when = datetime.fromisoformat(since).astimezone().strftime("%H:%M:%S ngày %d/%m/%Y")
    except (TypeError, ValueError):
        when = "không rõ"
    return (
        f"Sổ theo dõi {root} đang được một lệnh khác dùng (lệnh “kehoach {command}”, tiến trình "
        f"{pid} trên máy {host}, từ {when}). Hãy chờ lệnh đó chạy xong rồi chạy lại. Nếu chắc "
        f"chắn không còn lệnh nào chạy, xoá tệp {lock_path(root)} rồi chạy lại."
    )


@contextlib.contextmanager
def workspace_lock(
    root: str | Path, command: str = "", wait: float | None = None, clean: bool = True
) -> Iterator[Path]:
    """Hold the workspace for this run; nested use in the same process is free.

    On getting the lock, temporary files left by killed runs are removed (`clean`).
    """
    root = Path(root)
    path = lock_path(root).absolute()
    if path in _held:
        _held[path] += 1
        try:
            yield path
        finally:
            _held[path] -= 1
        return
    if wait is None:
        wait = float(os.environ.get(WAIT_ENV, DEFAULT_WAIT))
    deadline = time.monotonic() + wait
    while not _try_create(path, command):
        holder = read_holder(path)
        if holder is None:
            continue  # released between our two looks
        if is_stale(path, holder):
            _take_over(path, holder)
            continue
        if time.monotonic() >= deadline:
            raise WorkspaceBusyError(busy_message(root, holder))
        time.sleep(0.2)
    _held[path] = 1
    try:
        if clean:
            clean_leftovers(root, TEMP_FOLDERS)
        yield path
    finally:
        del _held[path]
        with contextlib.suppress(OSError):
            if (read_holder(path) or {}).get("pid") == os.getpid():
                path.unlink()
