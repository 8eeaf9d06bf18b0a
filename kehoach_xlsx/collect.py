"""Receive returned files: copy each into the workspace untouched, hash it, say what it is.

A receipt is never modified or deleted. The same bytes twice are recognised by their sha256;
a newer return from the same unit for the same period supersedes the older one (both kept,
the choice logged in the ledger's events).
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import stat
import tempfile
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NamedTuple

from kehoach_xlsx.errors import InputFileError
from kehoach_xlsx.isolate import IsolatedReader
from kehoach_xlsx.ledger import BookRecord, Ledger, Receipt
from kehoach_xlsx.readings import dump, reader_version
from kehoach_xlsx.returns import FailedFile, ReturnedBook
from kehoach_xlsx.units import Registry
from kehoach_xlsx.vntext import slugify
from kehoach_xlsx.workbook.identity import proven_rows
from kehoach_xlsx.workspace import Workspace, utc_now

MAX_FILES = 5_000
MAX_FILE_BYTES = 50 * 1024 * 1024
ACCEPTED_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


@dataclass
class CollectedFile:
    original: str
    sha256: str | None
    state: str  # accepted, duplicate, rejected, superseded, skipped
    unit: str | None = None
    period: str | None = None
    stored: str | None = None
    identified_by: str | None = None
    message: str = ""
    flags: list[str] = field(default_factory=list)  # e.g. identity_conflict

    def to_dict(self) -> dict[str, Any]:
        return {
            "flags": self.flags,
            "original": self.original,
            "sha256": self.sha256,
            "state": self.state,
            "unit": self.unit,
            "period": self.period,
            "stored": self.stored,
            "identified_by": self.identified_by,
            "message": self.message,
        }


@dataclass
class CollectResult:
    files: list[CollectedFile] = field(default_factory=list)

    def count(self, state: str) -> int:
        return sum(1 for f in self.files if f.state == state)

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": [f.to_dict() for f in self.files],
            "summary": {
                state: self.count(state)
                for state in ("accepted", "duplicate", "rejected", "superseded", "skipped")
            },
        }


def expand_paths(paths: list[str | Path]) -> list[Path]:
    """Files named, and files inside folders named (recursively); links are not followed."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if not path.exists():
            raise InputFileError(f"Không tìm thấy {path}. Hãy kiểm tra lại đường dẫn.")
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path, followlinks=False):
                dirnames.sort()
                for name in sorted(filenames):
                    found.append(Path(dirpath) / name)
        else:
            found.append(path)
        if len(found) > MAX_FILES:
            raise InputFileError(
                f"Quá nhiều tệp (hơn {MAX_FILES:,}); hãy nhận từng thư mục nhỏ hơn."
            )
    return found


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def store_copy(source: Path, target_dir: Path, name: str, sha256: str | None = None) -> Path:
    """Copy atomically and make the copy read-only: a receipt is evidence, never edited.

    A copy already there with the same sha256 (left by a run stopped before its receipt was
    committed) is taken as it is.
    """
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / name
    if sha256 and target.is_file() and not target.is_symlink():
        with suppress(OSError):
            if sha256_file(target) == sha256:
                return target
    handle, temp = tempfile.mkstemp(dir=target_dir, prefix=".nhan-", suffix=".tmp")
    os.close(handle)
    try:
        shutil.copyfile(source, temp)
        os.chmod(temp, stat.S_IRUSR | stat.S_IRGRP | stat.S_IROTH)
        os.replace(temp, target)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return target


class Identified(NamedTuple):
    """Who sent a returned workbook, and how we know."""

    unit: str | None
    period: str | None
    workbook_id: str | None
    identified_by: str | None  # identity | workbook_id | content
    message: str
    flags: tuple[str, ...] = ()


def identify(
    book: ReturnedBook,
    workspace: Workspace,
    ledger: Ledger | SentBooks,
    registry: Registry | None,
) -> Identified:
    """Who sent a returned workbook: its identity sheet, checked against harder evidence.

    The identity sheet is plain hidden after any LibreOffice save, so a user can type another
    unit's code into it. The workbook id (the defined name first, then the sheet's copy) and
    the rows' fingerprints, matched against what split recorded in the ledger, decide; when
    they disagree with the sheet the file goes to the unit they prove, flagged
    ``identity_conflict``, never silently to the unit the sheet names.
    """
    identity = book.identity or {}
    claimed_unit = identity.get("unit") or None
    claimed_period = identity.get("period") or None
    cell_id = identity.get("workbook_id") or None
    evidence = _Evidence(book)
    sent = _sent_books(ledger, [book.named_workbook_id, cell_id])
    if sent:
        best = max(sent, key=evidence.score)  # ties: the defined name's book (listed first)
        proved_by = _conflict(claimed_unit, claimed_period, best, sent)
        if proved_by is None:
            return Identified(best.unit, best.period, best.workbook_id, "identity", "")
        return Identified(
            best.unit,
            best.period,
            best.workbook_id,
            "workbook_id",
            proved_by,
            ("identity_conflict",),
        )
    plan_id = identity.get("plan_id")
    if plan_id and plan_id != workspace.plan_id:
        return Identified(
            None, None, None, None, "Tệp của một kế hoạch khác (mã kế hoạch không khớp)."
        )
    if claimed_unit and claimed_period:
        # An id split never made: believe the sheet only if the rows do not prove another unit.
        books = ledger.books(claimed_period)
        mine = [b for b in books if b.unit == claimed_unit]
        others = [b for b in books if b.unit != claimed_unit]
        best_other = max(others, key=evidence.score, default=None)
        if best_other is not None and evidence.score(best_other) > max(
            map(evidence.score, mine), default=0
        ):
            return Identified(
                best_other.unit,
                best_other.period,
                best_other.workbook_id,
                "content",
                _conflict_message(claimed_unit, claimed_period, best_other),
                ("identity_conflict",),
            )
        message = ""
        if cell_id:
            message = (
                "Tệp không có trong danh sách đã gửi (mã tệp lạ) nhưng đúng kế hoạch; vẫn nhận."
            )
        return Identified(claimed_unit, claimed_period, cell_id, "identity", message)
    return _by_content(book, ledger, registry)


class _Evidence:
    """The rows' fingerprints a returned file carries (identity sheet and data sheet)."""

    def __init__(self, book: ReturnedBook) -> None:
        tasks = (book.identity or {}).get("tasks") or []
        self.prints = {(t["task_id"], t["fingerprint"]) for t in tasks if t.get("fingerprint")}
        self.shown = {row.task_id: row.assigned for row in book.rows if row.task_id}
        self.cache: dict[str, int] = {}

    def score(self, sent: BookRecord) -> int:
        if sent.workbook_id not in self.cache:
            self.cache[sent.workbook_id] = proven_rows(sent.rows, self.prints, self.shown)
        return self.cache[sent.workbook_id]


def _sent_books(ledger: Ledger | SentBooks, ids: list[str | None]) -> list[BookRecord]:
    found: list[BookRecord] = []
    for workbook_id in ids:
        if workbook_id and all(b.workbook_id != workbook_id for b in found):
            sent = ledger.book(workbook_id)
            if sent is not None:
                found.append(sent)
    return found


def _conflict(
    unit: str | None,
    period: str | None,
    best: BookRecord,
    sent: list[BookRecord],
) -> str | None:
    """Why the file's own claims disagree with the workbook it proves to be, or None."""
    if len({(b.unit, b.period) for b in sent}) > 1:
        named = ", ".join(f"{b.unit} kỳ {b.period}" for b in sent)
        return (
            f"Mã tệp trong tệp không thống nhất (chỉ tới {named}); đã tính cho {best.unit} kỳ "
            f"{best.period} theo dấu vân tay các dòng. Cần kiểm tra."
        )
    if (unit and unit != best.unit) or (period and period != best.period):
        return _conflict_message(unit or "?", period or "?", best)
    return None


def _conflict_message(unit: str, period: str, proved: BookRecord) -> str:
    return (
        f"Trang nhận dạng ghi đơn vị {unit} kỳ {period}, nhưng mã tệp và các dòng nhiệm vụ là "
        f"của tệp đã gửi cho {proved.unit} kỳ {proved.period}; đã tính cho {proved.unit}. "
        "Cần kiểm tra."
    )


def _by_content(
    book: ReturnedBook, ledger: Ledger | SentBooks, registry: Registry | None
) -> Identified:
    # The hidden sheet was dropped (another program re-typed the file): use the content.
    task_ids = {row.task_id for row in book.rows if row.task_id}
    candidates = ledger.books()
    if book.header_unit_name and registry is not None:
        resolution = registry.resolve(book.header_unit_name)
        if len(resolution.codes) == 1:
            candidates = [b for b in candidates if b.unit == resolution.codes[0]]
    best = None
    best_overlap = 0
    for candidate in candidates:
        overlap = len(task_ids & {r["task_id"] for r in candidate.rows})
        if overlap > best_overlap or (
            overlap == best_overlap and best and candidate.period > best.period
        ):
            best, best_overlap = candidate, overlap
    if best is None or best_overlap == 0:
        return Identified(
            None,
            None,
            None,
            None,
            "Không nhận diện được tệp (mất trang nhận dạng, không khớp đơn vị/nhiệm vụ).",
        )
    return Identified(
        best.unit,
        best.period,
        best.workbook_id,
        "content",
        "Mất trang nhận dạng ẩn; đã nhận diện theo nội dung (tên đơn vị, mã nhiệm vụ).",
    )


# Receipts are committed in groups: a commit is a disk flush, which cost more than reading
# the file (8 of 17 ms per file). Every COMMIT_FILES receipts or COMMIT_SECONDS, and at the
# end, whatever comes first: a crash loses at most that much work, and only work nobody was
# told about (a file is reported received only once its receipt is committed); the stored
# copies it leaves are reused when the same files are collected again.
COMMIT_FILES = 50
COMMIT_SECONDS = 2.0
# Files copied into the workspace ahead of the readers: enough to keep two workers busy,
# few enough that a reader starts soon.
READ_AHEAD = 16


def collect_files(
    root: str | Path,
    paths: list[str | Path],
    source: str = "folder",
    registry: Registry | None = None,
    progress=None,
    threads: int = 2,
    acknowledged: Callable[[list[CollectedFile]], None] | None = None,
) -> CollectResult:
    """Receive returned files into the workspace (see module docstring).

    ``threads`` files are read at once, each in an isolated process (isolate.py).
    ``acknowledged(files)`` is called after each commit with the files whose outcome it
    made durable: a file told accepted there is in the ledger whatever happens next.
    """
    workspace = Workspace.open(root)
    files = expand_paths(paths)
    result = CollectResult()
    # Reading processes for the whole run, replaced if a file kills one (isolate.py).
    with workspace.ledger() as ledger, IsolatedReader(threads) as reader, ledger.held():
        receiver = _Receiver(workspace, ledger, source, registry, acknowledged)
        result.files = receiver.receive_all(files, reader, progress)
    return result


def receive_one(
    workspace: Workspace,
    ledger: Ledger,
    path: Path,
    source: str,
    registry: Registry | None,
    reader: IsolatedReader | None = None,
) -> CollectedFile:
    """Receive one file: skip, recognise a duplicate, or store it and record a receipt.

    The file is read in a separate process (``reader``, or one made for this file): a file
    that crashes or exhausts the reader is rejected with its reason, nothing else is lost.
    """
    receiver = _Receiver(workspace, ledger, source, registry)
    if reader is None:
        with IsolatedReader(1) as own:
            return receiver.receive_all([path], own)[0]
    return receiver.receive_all([path], reader)[0]


class _Job(NamedTuple):
    """A file copied into the workspace, waiting for its reading."""

    index: int
    receipt: Receipt
    stored: Path


class _Receiver:
    """One collect run: what depends only on the workspace is loaded once, receipts are
    committed in groups (COMMIT_FILES), files are read ahead in isolated processes."""

    def __init__(
        self,
        workspace: Workspace,
        ledger: Ledger,
        source: str,
        registry: Registry | None,
        acknowledged: Callable[[list[CollectedFile]], None] | None = None,
    ) -> None:
        self.workspace = workspace
        self.ledger = ledger
        self.source = source
        self.registry = registry
        self.acknowledged = acknowledged
        self.sent = SentBooks(ledger)
        self.reader_version = reader_version()
        self.seq = ledger.next_receipt_seq()  # the workspace lock keeps other writers out
        self.waiting: list[CollectedFile] = []  # outcomes not yet committed
        self.receipts = 0
        self.since = time.monotonic()

    def receive_all(
        self, files: list[Path], reader: IsolatedReader, progress=None
    ) -> list[CollectedFile]:
        results: list[CollectedFile | None] = [None] * len(files)
        try:
            for start in range(0, len(files), READ_AHEAD):
                jobs: list[_Job] = []
                later: list[int] = []
                for index in range(start, min(start + READ_AHEAD, len(files))):
                    if progress:
                        progress(index + 1, len(files), files[index])
                    outcome = self.prepare(files[index], index, {j.receipt.sha256 for j in jobs})
                    if outcome is None:
                        later.append(index)  # the same bytes as a file still being read
                    elif isinstance(outcome, _Job):
                        jobs.append(outcome)
                    else:
                        results[index] = self.done(outcome)
                self.read(jobs, reader, results)
                for index in later:
                    outcome = self.prepare(files[index], index, set())
                    assert not isinstance(outcome, _Job | None)
                    results[index] = self.done(outcome)
            self.commit()
        except BaseException:
            # What is whole is kept and told (each receipt is one savepoint), then we stop.
            with suppress(sqlite3.Error):
                self.commit()
            raise
        return [r for r in results if r is not None]

    def read(
        self, jobs: list[_Job], reader: IsolatedReader, results: list[CollectedFile | None]
    ) -> None:
        """Read the jobs' copies, recording each in input order as soon as it can be."""
        arrived: dict[str, ReturnedBook | FailedFile] = {}
        queue = list(reversed(jobs))

        def take(result: ReturnedBook | FailedFile) -> None:
            arrived[result.path] = result
            while queue and str(queue[-1].stored) in arrived:
                job = queue.pop()
                results[job.index] = self.done(self.finish(job, arrived.pop(str(job.stored))))

        reader.read_many([job.stored for job in jobs], arrived=take)

    def prepare(self, path: Path, index: int, pending: set[str]) -> CollectedFile | _Job | None:
        """Skip, recognise a duplicate, refuse, or copy the file in for reading."""
        name = path.name
        if path.is_symlink() or not path.is_file():
            return CollectedFile(
                name, None, "skipped", message="Không phải tệp thường (liên kết/thiết bị); bỏ qua."
            )
        if name.startswith(("~$", ".~lock", ".")):
            return CollectedFile(
                name, None, "skipped", message="Tệp tạm của Excel/LibreOffice; bỏ qua."
            )
        size = path.stat().st_size
        suffix = path.suffix.lower()
        sha = sha256_file(path) if size <= MAX_FILE_BYTES * 4 else None
        if sha in pending:
            return None
        if sha and (existing := self.ledger.receipt(sha)) is not None:
            return CollectedFile(
                name,
                sha,
                "duplicate",
                existing.unit,
                existing.period,
                existing.stored_path,
                existing.identified_by,
                f"Đã nhận tệp này trước đó ({existing.original_name}).",
            )
        seq, self.seq = self.seq, self.seq + 1
        receipt = Receipt(
            sha256=sha or f"nosha-{seq}",
            stored_path="",
            original_name=name,
            size=size,
            received=utc_now(),
            source=self.source,
            kind=None,
            plan_id=None,
            unit=None,
            period=None,
            workbook_id=None,
            identified_by=None,
            state="rejected",
            message="",
            seq=seq,
        )
        if size > MAX_FILE_BYTES or sha is None:
            return self.record(
                receipt, message=f"Tệp quá lớn ({size // (1024 * 1024)} MB); không nhận."
            )
        stored_name = f"{sha[:12]}_{slugify(path.stem, 40)}{suffix if suffix.isascii() else ''}"
        stored = store_copy(path, self.workspace.returned_dir, stored_name, sha)
        receipt = replace(receipt, stored_path=stored.relative_to(self.workspace.root).as_posix())
        if suffix not in ACCEPTED_SUFFIXES:
            message = (
                f"Không phải tệp bảng tính (đuôi {suffix or 'không có'}); đã lưu nhưng không đọc."
            )
            return self.record(receipt, message=message)
        return _Job(index, receipt, stored)

    def finish(self, job: _Job, book: ReturnedBook | FailedFile) -> CollectedFile:
        """Identify a file read and record its receipt (and its reading, for merge)."""
        if isinstance(book, FailedFile):
            return self.record(job.receipt, message=book.message, kind=book.code)
        found = identify(book, self.workspace, self.sent, self.registry)
        unit, period = found.unit, found.period
        accepted = bool(unit and period)
        reading = dump(book) if accepted else None
        with self.ledger.transaction():  # the receipt, its reading and what it supersedes
            collected = self.record(
                job.receipt,
                state="accepted" if accepted else "rejected",
                message=found.message,
                kind=book.kind,
                plan_id=(book.identity or {}).get("plan_id"),
                unit=unit,
                period=period,
                workbook_id=found.workbook_id,
                identified_by=found.identified_by,
            )
            if reading is not None:
                self.ledger.add_reading(job.receipt.sha256, self.reader_version, reading)
            if accepted and unit and period:
                supersede_older(self.ledger, unit, period, job.receipt.sha256, job.receipt.received)
        collected.flags = list(found.flags)
        return collected

    def record(self, receipt: Receipt, **changes: Any) -> CollectedFile:
        self.receipts += 1
        return record(self.ledger, receipt, **changes)

    def done(self, collected: CollectedFile) -> CollectedFile:
        """An outcome, told once committed; commit when enough receipts or time piled up."""
        self.waiting.append(collected)
        if self.receipts >= COMMIT_FILES or time.monotonic() - self.since >= COMMIT_SECONDS:
            self.commit()
        return collected

    def commit(self) -> None:
        self.ledger.commit()
        self.receipts = 0
        self.since = time.monotonic()
        told, self.waiting = self.waiting, []
        if self.acknowledged and told:
            self.acknowledged(told)


_BOOKS_KEPT = 256  # decoded books kept by id: 2,000 of them would hold 50 MB for nothing


class SentBooks:
    """The books split recorded, each decoded once per command (identify asks per file)."""

    def __init__(self, ledger: Ledger) -> None:
        self.ledger = ledger
        self._by_id: dict[str, BookRecord | None] = {}
        self._lists: dict[str | None, list[BookRecord]] = {}

    def book(self, workbook_id: str) -> BookRecord | None:
        if workbook_id not in self._by_id:
            if len(self._by_id) >= _BOOKS_KEPT:  # each file names its own: keep a few
                self._by_id.clear()
            self._by_id[workbook_id] = self.ledger.book(workbook_id, shared=False)
        return self._by_id[workbook_id]

    def books(self, period: str | None = None) -> list[BookRecord]:
        if period not in self._lists:
            self._lists[period] = self.ledger.books(period)
        return self._lists[period]


def record(ledger: Ledger, receipt: Receipt, **changes: Any) -> CollectedFile:
    """Write the receipt (with what we learnt about the file) and describe it to the caller."""
    receipt = replace(receipt, **changes)
    ledger.add_receipt(receipt)
    return CollectedFile(
        receipt.original_name,
        None if receipt.sha256.startswith("nosha-") else receipt.sha256,
        receipt.state,
        receipt.unit,
        receipt.period,
        receipt.stored_path or None,
        receipt.identified_by,
        receipt.message,
    )


def supersede_older(ledger: Ledger, unit: str, period: str, newest_sha: str, time: str) -> None:
    for receipt in ledger.accepted_receipts(unit, period):
        if receipt.sha256 != newest_sha:
            message = f"Được thay bằng tệp nhận sau ({newest_sha[:12]})."
            ledger.set_receipt_state(receipt.sha256, "superseded", message)
            ledger.log(
                "superseded",
                f"{unit} {period}: tệp {receipt.original_name} ({receipt.sha256[:12]}) được thay "
                f"bằng tệp nhận sau ({newest_sha[:12]}); cả hai đều được giữ.",
                time,
            )
