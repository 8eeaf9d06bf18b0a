"""What differs between Windows, macOS and Linux, in one place.

Console encoding, finding LibreOffice, whether a process is alive, worker processes that die
with their parent, and files the OS marks read-only.
"""

from __future__ import annotations

import contextlib
import os
import signal
import stat
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")


# ---- console -----------------------------------------------------------------------------------
def utf8_console() -> None:
    """Print UTF-8 whatever the console or redirect says (cp1258, cp1252, ascii …).

    A Vietnamese message to a cp1252 console or to `> out.txt` under a legacy code page would
    otherwise end in UnicodeEncodeError; a character a console cannot show is replaced instead.
    """
    for name in ("stdout", "stderr"):
        stream = getattr(sys, name, None)
        encoding = (getattr(stream, "encoding", None) or "").replace("_", "-").lower()
        if encoding in {"utf-8", "utf8"} or not hasattr(stream, "reconfigure"):
            continue
        with contextlib.suppress(ValueError, OSError):  # a closed or detached stream
            stream.reconfigure(encoding="utf-8", errors="replace")


# ---- LibreOffice -------------------------------------------------------------------------------
def soffice_candidates() -> list[Path]:
    """Where LibreOffice's soffice usually lives when it is not on PATH, from this system's
    own folder variables (Program Files may be on D:, a per-user install in LOCALAPPDATA).
    `kehoach_xlsx.office.find_soffice` is the one finder; it asks here after PATH."""
    places: list[Path] = []
    if sys.platform == "win32":
        for var in ("ProgramFiles", "ProgramW6432", "ProgramFiles(x86)", "LOCALAPPDATA"):
            base = os.environ.get(var)
            if base:
                places += [Path(base) / "LibreOffice" / "program" / "soffice.exe"]
                if var == "LOCALAPPDATA":
                    places += [Path(base) / "Programs" / "LibreOffice" / "program" / "soffice.exe"]
    elif sys.platform == "darwin":
        for root in (Path("/Applications"), Path.home() / "Applications"):
            places.append(root / "LibreOffice.app" / "Contents" / "MacOS" / "soffice")
    else:
        places += [
            Path("/usr/lib/libreoffice/program/soffice"),
            Path("/usr/lib64/libreoffice/program/soffice"),
            Path("/snap/bin/libreoffice"),
            *sorted(Path("/opt").glob("libreoffice*/program/soffice"), reverse=True),
        ]
    return places


# ---- processes ---------------------------------------------------------------------------------
def pid_alive(pid: int) -> bool:
    """Whether a process with this id exists on this machine (os.kill(pid, 0) would kill it
    on Windows, so Windows asks the kernel for a handle instead)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
        import ctypes

        kernel = ctypes.WinDLL("kernel32", use_last_error=True)
        handle = kernel.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return ctypes.get_last_error() == 5  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            kernel.GetExitCodeProcess(handle, ctypes.byref(code))
            return code.value == 259  # STILL_ACTIVE
        finally:
            kernel.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def die_with_parent(parent_pid: int) -> None:
    """Pool worker initializer: end this worker when `parent_pid` ends, however it ends.

    A SIGKILLed or timed-out parent never shuts its pool down; without this its workers
    would live on. Linux gets PR_SET_PDEATHSIG; everywhere a thread also watches the parent.
    Ctrl-C and a closed terminal are the parent's to handle: it then stops the workers itself.
    """
    for name in ("SIGINT", "SIGHUP"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # forked while the parent held signals back
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _STOP_SIGNALS)
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    if not pid_alive(parent_pid):
        os._exit(1)
    threading.Thread(target=_watch_parent, args=(parent_pid,), daemon=True).start()


def _watch_parent(parent_pid: int) -> None:
    import time

    while True:
        time.sleep(1.0)
        # under fork the parent is our ppid; under spawn/forkserver ask about the pid itself
        if not pid_alive(parent_pid) or (os.name != "nt" and os.getppid() == 1):
            os._exit(1)


def in_worker_bootstrap() -> bool:
    """True while a spawned worker re-runs the caller's main script (no main guard): library
    entry points then refuse to do the caller's work a second time."""
    # a spawned worker has imported multiprocessing before it runs anything of ours; a serial
    # run need not import it (and what it pulls in) only to ask
    multiprocessing = sys.modules.get("multiprocessing")
    if multiprocessing is None:
        return False
    return bool(getattr(multiprocessing.current_process(), "_inheriting", False))


def map_in_workers(
    function: Callable[[T], R],
    jobs: Iterable[T],
    processes: int,
    progress: Callable[[int, int], None] | None = None,
) -> list[R]:
    """function over jobs in a pool of worker processes, results in order.

    Workers die with this process; an interruption (Ctrl-C, SIGTERM) stops them at once
    instead of waiting for queued jobs; a pool that cannot run here (a spawned worker that
    cannot import the caller's script) falls back to this process for the remaining jobs.
    """
    jobs = list(jobs)
    total = len(jobs)
    results: list[R] = []

    def step(value: R) -> None:
        results.append(value)
        if progress:
            progress(len(results), total)

    if processes > 1 and total > 1:
        # imported only for a pool: a serial run is spared concurrent.futures and its imports
        from concurrent.futures import ProcessPoolExecutor
        from concurrent.futures.process import BrokenProcessPool

        chunk = max(1, min(32, total // (processes * 4) or 1))
        pool = ProcessPoolExecutor(
            max_workers=processes, initializer=die_with_parent, initargs=(os.getpid(),)
        )
        try:
            # The workers are forked while jobs are submitted; a stop signal arriving inside
            # fork's handlers would be printed as "Exception ignored" and lost, so it waits
            # until the pool has started and then stops the run like any other moment.
            with _signals_held():
                results_iter = pool.map(function, jobs, chunksize=chunk)
            for value in results_iter:
                step(value)
        except BrokenProcessPool:
            pass  # finish below, in this process
        except BaseException:
            stop_pool(pool)
            raise
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
    for job in jobs[len(results) :]:
        step(function(job))
    return results


_STOP_SIGNALS = {
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
}


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold stop signals back for a moment (POSIX); they are delivered when it ends."""
    if (
        not hasattr(signal, "pthread_sigmask")
        or threading.current_thread() is not threading.main_thread()
    ):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def stop_pool(pool: Any) -> None:
    """Terminate a ProcessPoolExecutor's workers now (shutdown() would wait for their jobs)."""
    pool.shutdown(wait=False, cancel_futures=True)
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.terminate()
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        with contextlib.suppress(Exception):
            process.join(5)


@contextlib.contextmanager
def signals_as_interrupt() -> Iterator[None]:
    """SIGTERM (a cron `timeout`, a shutdown) and SIGHUP (a closed terminal) stop the run the
    way Ctrl-C does: KeyboardInterrupt, so `finally` blocks clean up and the lock is freed."""
    previous: dict[int, Any] = {}

    def interrupt(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt(signum)

    if threading.current_thread() is threading.main_thread():
        for name in ("SIGTERM", "SIGHUP"):
            number = getattr(signal, name, None)
            if number is not None:
                with contextlib.suppress(ValueError, OSError):
                    previous[number] = signal.signal(number, interrupt)
    try:
        yield
    finally:
        for number, handler in previous.items():
            with contextlib.suppress(ValueError, OSError, TypeError):
                signal.signal(number, handler)


# ---- files -------------------------------------------------------------------------------------
def make_writable(path: Path) -> None:
    """Clear the read-only bit (Windows refuses to move or delete a read-only file)."""
    with contextlib.suppress(OSError):
        mode = path.stat().st_mode
        if not mode & stat.S_IWUSR:
            path.chmod(mode | stat.S_IWUSR)
