"""Read untrusted returned files in child processes, so no file can stop a round.

A returned file can make the native reader abort the whole process (python-calamine asked
for 51 GB by a false count ends in ``memory allocation … failed``, exit 134), exhaust
memory, or hang. Each file is therefore read by a worker process under limits:

- time: ``Limits.max_seconds`` per file, everywhere (the parent kills a late worker; on
  POSIX the worker's CPU limit is a second guard should the parent itself be gone);
- memory: ``Limits.max_memory`` of address space (``RLIMIT_AS``) where the system has it;
  on Windows the safety scan's size budgets (``safety.Limits``) are the bound.

A worker that dies or is killed fails only the file it was reading (a ``FailedFile`` with a
Vietnamese reason); a fresh one takes its place for the rest. Workers are reused for a whole
batch. They are plain ``python -m kehoach_xlsx.isolate`` subprocesses talking pickles over
their stdin/stdout, never ``multiprocessing`` children: a caller's script is never
re-imported, so a library call from a script without ``if __name__ == "__main__"`` works
under every start method (spawn on Windows and macOS).
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, BinaryIO

from kehoach_xlsx.safety import DEFAULT_LIMITS, Limits

_FRAME = struct.Struct("<Q")
_STDERR_KEEP = 4096  # bytes of a worker's error output kept to explain its death
_PACKAGE_ROOT = str(Path(__file__).resolve().parents[1])

Result = Any  # returns.ReturnedBook | returns.FailedFile (imported lazily: returns imports us)


def _write_frame(stream: BinaryIO, obj: object) -> None:
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_FRAME.pack(len(data)) + data)
    stream.flush()


def _read_frame(stream: BinaryIO) -> object:
    head = stream.read(_FRAME.size)
    if len(head) < _FRAME.size:
        raise EOFError
    (size,) = _FRAME.unpack(head)
    data = stream.read(size)
    if len(data) < size:
        raise EOFError
    return pickle.loads(data)


class _Worker:
    """One reading subprocess; its replies and death arrive on the shared ``events`` queue."""

    def __init__(self, events: queue.Queue, limits: Limits) -> None:
        env = dict(os.environ)
        # The child must import this very package, installed or not.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_PACKAGE_ROOT, env.get("PYTHONPATH", "")) if p
        )
        env["PYTHONIOENCODING"] = "utf-8"
        env["RUST_BACKTRACE"] = "0"  # a backtrace needs memory the aborting reader lacks
        flags = getattr(subprocess, "CREATE_NO_WINDOW", 0)  # no console flashing on Windows
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "kehoach_xlsx.isolate", str(limits.max_memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            creationflags=flags,
        )
        self.events = events
        self.stderr = bytearray()
        # Files sent and not answered yet, oldest first; the worker reads them in this order,
        # so when it dies the oldest is the one that killed it.
        self.jobs: deque[tuple[int, Path]] = deque()
        self.started = 0.0  # when the oldest job's reading began
        self.error_reader = threading.Thread(target=self._errors, daemon=True)
        self.error_reader.start()
        threading.Thread(target=self._replies, daemon=True).start()

    def _replies(self) -> None:
        stdout = self.proc.stdout
        assert stdout is not None
        while True:
            try:
                reply = _read_frame(stdout)
            except Exception:  # noqa: BLE001 - EOF or garbage: the worker is gone either way
                self.kill()
                self.proc.wait()
                stdout.close()
                self.error_reader.join(timeout=2)  # its last words say why (see _died)
                self.events.put((self, "died", None))
                return
            self.events.put((self, "reply", reply))

    def _errors(self) -> None:
        stderr = self.proc.stderr
        assert stderr is not None
        for line in iter(stderr.readline, b""):
            self.stderr += line
            del self.stderr[:-_STDERR_KEEP]
        stderr.close()

    def send(self, index: int, path: Path, headers: list[str] | None, limits: Limits) -> None:
        if not self.jobs:
            self.started = time.monotonic()
        self.jobs.append((index, path))
        try:
            assert self.proc.stdin is not None
            _write_frame(self.proc.stdin, (str(path), headers, limits))
        except OSError:
            pass  # died meanwhile: its "died" event follows

    def kill(self) -> None:
        try:
            self.proc.kill()
        except OSError:
            pass
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()
        except OSError:
            pass

    def close(self) -> None:
        try:
            assert self.proc.stdin is not None
            self.proc.stdin.close()  # the worker's loop ends at end of input
            self.proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()
            self.proc.wait()


class IsolatedReader:
    """A small pool of reading processes, reused for a batch; use as a context manager."""

    def __init__(self, workers: int = 1, limits: Limits = DEFAULT_LIMITS) -> None:
        self.size = max(1, workers)
        self.limits = limits
        self.events: queue.Queue = queue.Queue()
        self.all: set[_Worker] = set()

    def __enter__(self) -> IsolatedReader:
        # Start one worker now: its imports (a third of a second) overlap the caller's work.
        self._worker()
        return self

    def __exit__(self, kind: object, *exc: object) -> None:
        if kind is not None:  # interrupted: no waiting for a file being read
            for worker in list(self.all):
                worker.kill()
        self.close()

    def close(self) -> None:
        for worker in list(self.all):
            worker.close()
        self.all.clear()

    def read(self, path: str | Path, headers: Iterable[str] | None = None) -> Result:
        """One file: a ``ReturnedBook`` or a ``FailedFile``, never an exception."""
        return self.read_many([path], headers)[0]

    def read_many(
        self,
        paths: Iterable[str | Path],
        headers: Iterable[str] | None = None,
        arrived: Callable[[Result], None] | None = None,
    ) -> list[Result]:
        """Read files in input order; ``arrived(result)`` is called as each one is done.

        Each worker has up to ``_DEPTH`` files in flight, so it reads the next file while
        this process unpickles the last one.
        """
        path_list = [Path(p) for p in paths]
        header_list = list(headers) if headers is not None else None
        results: list[Result] = [None] * len(path_list)
        pending = deque(enumerate(path_list))
        limit = self.limits.max_seconds

        def finish(index: int, result: Result) -> None:
            results[index] = result
            if arrived:
                arrived(result)

        def give_up(worker: _Worker, result: Callable[[Path], Result]) -> None:
            """The oldest file fails with ``result``; the worker's other files go back."""
            index, path = worker.jobs.popleft()
            pending.extendleft(reversed(worker.jobs))
            worker.jobs.clear()
            self._drop(worker)
            finish(index, result(path))

        while True:
            while pending:
                worker = self._free_worker()
                if worker is None:
                    break
                if worker is False:
                    index, path = pending.popleft()
                    finish(index, _failed(path, "isolation_failed", _NO_WORKER.format(path.name)))
                    continue
                index, path = pending.popleft()
                worker.send(index, path, header_list, self.limits)
            busy = [w for w in self.all if w.jobs]
            if not busy:
                break
            deadline = min(w.started for w in busy) + limit
            try:
                worker, kind, payload = self.events.get(
                    timeout=max(0.0, deadline - time.monotonic())
                )
            except queue.Empty:
                now = time.monotonic()
                for late in [w for w in busy if w.started + limit <= now]:
                    late.kill()
                    give_up(late, lambda p: _failed(p, "timeout", _TIMEOUT.format(p.name, limit)))
                continue
            if worker not in self.all or not worker.jobs:
                continue  # a dropped worker's last words
            if kind == "reply":
                index, _path = worker.jobs.popleft()
                worker.started = time.monotonic()
                finish(index, payload)
            else:
                give_up(worker, lambda p, w=worker: _died(p, w))
        return results

    def _free_worker(self) -> _Worker | None | bool:
        """An idle worker, else a new one, else one with room for one more file in flight;
        None when all are full, False when no worker can be started."""
        idle = [w for w in self.all if not w.jobs]
        if idle:
            return idle[0]
        if len(self.all) < self.size:
            worker = self._worker()
            return False if worker is None and not self.all else worker
        room = [w for w in self.all if len(w.jobs) < _DEPTH]
        return min(room, key=lambda w: len(w.jobs)) if room else None

    def _worker(self) -> _Worker | None:
        try:
            worker = _Worker(self.events, self.limits)
        except OSError:
            return None
        self.all.add(worker)
        return worker

    def _drop(self, worker: _Worker) -> None:
        self.all.discard(worker)


_DEPTH = 2  # files in flight per worker
_NO_WORKER = "Không đọc được tệp {}: không khởi động được tiến trình đọc riêng; hãy chạy lại."
_TIMEOUT = "Tệp {} đọc quá lâu (quá {:.0f} giây); có thể là tệp độc hại, không đọc."


def _died(path: Path, worker: _Worker) -> Result:
    said = bytes(worker.stderr).decode("utf-8", "replace")
    code = worker.proc.returncode
    if "memory allocation" in said or "MemoryError" in said:
        return _failed(
            path,
            "out_of_memory",
            f"Tệp {path.name} đòi quá nhiều bộ nhớ khi đọc; có thể là tệp độc hại, không đọc.",
        )
    return _failed(
        path,
        "reader_crashed",
        f"Không đọc được tệp {path.name}: trình đọc bảng tính bị dừng đột ngột khi mở tệp "
        f"(mã {code}); hãy đề nghị đơn vị mở và lưu lại tệp rồi gửi lại.",
    )


def _failed(path: Path, code: str, message: str) -> Result:
    from kehoach_xlsx.returns import FailedFile, _sha256_or_none

    return FailedFile(str(path), _sha256_or_none(path), code, message)


# --- worker side -----------------------------------------------------------------------------


def _limit_self(max_memory: int) -> None:
    """Bound this process where the system allows it (POSIX); nothing on Windows."""
    try:
        import resource
    except ImportError:
        return
    if max_memory > 0:
        try:
            _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
            limit = max_memory if hard == resource.RLIM_INFINITY else min(max_memory, hard)
            resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
        except (ValueError, OSError):
            pass
    if sys.platform.startswith("linux"):
        try:  # die with the parent, whatever kills it (prctl PR_SET_PDEATHSIG, SIGKILL)
            import ctypes

            ctypes.CDLL(None).prctl(1, 9)
        except (OSError, AttributeError):
            pass


def _cpu_guard(seconds: float) -> None:
    """A CPU-time ceiling for the next file, should the parent be unable to kill us."""
    try:
        import resource
    except ImportError:
        return
    used = resource.getrusage(resource.RUSAGE_SELF)
    spent = int(used.ru_utime + used.ru_stime)
    try:
        _soft, hard = resource.getrlimit(resource.RLIMIT_CPU)
        soft = spent + int(seconds * 2) + 1
        if hard != resource.RLIM_INFINITY:
            soft = min(soft, hard)
        resource.setrlimit(resource.RLIMIT_CPU, (soft, hard))
    except (ValueError, OSError):
        pass


def worker_main(max_memory: int) -> None:
    """Answer read requests from stdin until it closes (``python -m kehoach_xlsx.isolate``)."""
    stdin = sys.stdin.buffer
    stdout = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())  # a stray print never corrupts a reply
    _limit_self(max_memory)
    from kehoach_xlsx.returns import _gc_paused, _read_or_fail

    while True:
        try:
            path, headers, limits = _read_frame(stdin)
        except EOFError:
            return
        _cpu_guard(limits.max_seconds)
        with _gc_paused():
            result = _read_or_fail(Path(path), headers, limits)
        _write_frame(stdout, result)


if __name__ == "__main__":
    worker_main(int(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_LIMITS.max_memory)
