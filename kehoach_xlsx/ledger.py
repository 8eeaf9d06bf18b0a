"""The SQLite ledger of a workspace: workbooks sent, files received, answers per period.

History is never overwritten: each period keeps its own answers, each received file its own
receipt, and every choice the tool makes on the coordinator's behalf (a newer return
superseding an older one) is written to the events table.
"""

from __future__ import annotations

import errno
import json
import sqlite3
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = "1"

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS books (
    workbook_id TEXT PRIMARY KEY,
    period TEXT NOT NULL,
    unit TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    path TEXT NOT NULL,
    due TEXT NOT NULL,
    generated TEXT NOT NULL,
    rows TEXT NOT NULL,          -- JSON: [{task_id, role, fingerprint, row, due, title, outputs}]
    active INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX IF NOT EXISTS books_period ON books (period, unit);
CREATE TABLE IF NOT EXISTS receipts (
    sha256 TEXT PRIMARY KEY,
    stored_path TEXT NOT NULL,
    original_name TEXT NOT NULL,
    size INTEGER NOT NULL,
    received TEXT NOT NULL,
    source TEXT NOT NULL,
    kind TEXT,
    plan_id TEXT,
    unit TEXT,
    period TEXT,
    workbook_id TEXT,
    identified_by TEXT,
    state TEXT NOT NULL,         -- accepted, rejected, superseded
    message TEXT NOT NULL DEFAULT '',
    seq INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS answers (
    period TEXT NOT NULL,
    unit TEXT NOT NULL,
    task_id TEXT NOT NULL,
    role TEXT NOT NULL,
    status TEXT NOT NULL,
    due TEXT,
    completed TEXT,
    result TEXT NOT NULL DEFAULT '',
    documents TEXT NOT NULL DEFAULT '',
    issues TEXT NOT NULL DEFAULT '',
    flags TEXT NOT NULL DEFAULT '[]',
    receipt TEXT,
    PRIMARY KEY (period, unit, task_id)
);
CREATE TABLE IF NOT EXISTS merges (
    period TEXT PRIMARY KEY,
    as_of TEXT NOT NULL,
    summary TEXT NOT NULL,
    report_path TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS receipts_seq ON receipts (seq);
CREATE INDEX IF NOT EXISTS receipts_unit ON receipts (period, unit);
-- What collect read from each received file (readings.py), so merge need not read it again.
-- Added in place to older ledgers; a receipt without a reading is simply read again.
CREATE TABLE IF NOT EXISTS readings (
    sha256 TEXT PRIMARY KEY,
    reader TEXT NOT NULL,        -- readings.reader_version() of the code that read it
    data BLOB NOT NULL           -- zlib-compressed JSON (readings.dump)
);
CREATE TABLE IF NOT EXISTS events (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    time TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class BookRecord:
    workbook_id: str
    period: str
    unit: str
    unit_name: str
    path: str
    due: str
    generated: str
    rows: list[dict[str, Any]]


@dataclass(frozen=True)
class Receipt:
    sha256: str
    stored_path: str
    original_name: str
    size: int
    received: str
    source: str
    kind: str | None
    plan_id: str | None
    unit: str | None
    period: str | None
    workbook_id: str | None
    identified_by: str | None
    state: str
    message: str
    seq: int


class Ledger:
    """Thin, explicit wrapper over the workspace's SQLite file."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.conn = sqlite3.connect(self.path, timeout=30)
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA journal_mode=WAL")
        self.conn.execute("PRAGMA foreign_keys=ON")
        self.conn.executescript(SCHEMA)
        self.conn.execute(
            "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema', ?)", (SCHEMA_VERSION,)
        )
        self.conn.commit()
        self._held = False

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One all-or-nothing step; inside ``held()`` it is a savepoint, committed later."""
        if self._held:
            if not self.conn.in_transaction:
                self.conn.execute("BEGIN")
            self.conn.execute("SAVEPOINT step")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK TO step")
                self.conn.execute("RELEASE step")
                raise
            self.conn.execute("RELEASE step")
            return
        try:
            yield self.conn
            self.conn.commit()
        except BaseException:
            self.conn.rollback()
            raise

    @contextmanager
    def held(self) -> Iterator[Ledger]:
        """Many steps in one transaction, made durable only by ``commit()`` (and at the end).

        A commit is a disk flush; collect commits every few dozen files instead of each one,
        and tells the user a file is received only once its receipt is committed. Steps that
        completed before an exception are committed on the way out: each is whole.
        """
        self.conn.commit()
        self._held = True
        try:
            yield self
        finally:
            self._held = False
            try:
                self.conn.commit()
            except sqlite3.Error:
                self.conn.rollback()
                raise

    def commit(self) -> None:
        self.conn.commit()

    # ---- meta ------------------------------------------------------------------------------
    def get_meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row["value"] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)", (key, value))

    def log(self, kind: str, message: str, time: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO events (time, kind, message) VALUES (?, ?, ?)", (time, kind, message)
            )

    def events(self) -> list[sqlite3.Row]:
        return self.conn.execute("SELECT * FROM events ORDER BY seq").fetchall()

    # ---- books -----------------------------------------------------------------------------
    def add_book(self, book: BookRecord) -> None:
        self.add_books([book])

    def add_books(self, books: Iterable[BookRecord]) -> None:
        """Record books in one transaction (one disk flush for a whole split)."""
        with self.transaction() as conn:
            for book in books:
                conn.execute(
                    "UPDATE books SET active = 0 WHERE period = ? AND unit = ? AND workbook_id != ?",
                    (book.period, book.unit, book.workbook_id),
                )
                conn.execute(
                    "INSERT OR REPLACE INTO books VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)",
                    (
                        book.workbook_id,
                        book.period,
                        book.unit,
                        book.unit_name,
                        book.path,
                        book.due,
                        book.generated,
                        json.dumps(book.rows, ensure_ascii=False, sort_keys=True),
                    ),
                )

    def books(self, period: str | None = None, active_only: bool = True) -> list[BookRecord]:
        sql = "SELECT * FROM books"
        clauses, params = [], []
        if period is not None:
            clauses.append("period = ?")
            params.append(period)
        if active_only:
            clauses.append("active = 1")
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += " ORDER BY period, unit"
        return [_book(row) for row in self.conn.execute(sql, params)]

    def book(self, workbook_id: str, shared: bool = True) -> BookRecord | None:
        """One book; ``shared=False`` skips sharing its texts (a third of the time), for a
        book looked at once and dropped (collect identifying a file)."""
        row = self.conn.execute(
            "SELECT * FROM books WHERE workbook_id = ?", (workbook_id,)
        ).fetchone()
        return _book(row, shared) if row else None

    def periods(self) -> list[str]:
        return [
            r[0] for r in self.conn.execute("SELECT DISTINCT period FROM books ORDER BY period")
        ]

    # ---- receipts --------------------------------------------------------------------------
    def receipt(self, sha256: str) -> Receipt | None:
        row = self.conn.execute("SELECT * FROM receipts WHERE sha256 = ?", (sha256,)).fetchone()
        return Receipt(**dict(row)) if row else None

    def add_receipt(self, receipt: Receipt) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO receipts VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    receipt.sha256,
                    receipt.stored_path,
                    receipt.original_name,
                    receipt.size,
                    receipt.received,
                    receipt.source,
                    receipt.kind,
                    receipt.plan_id,
                    receipt.unit,
                    receipt.period,
                    receipt.workbook_id,
                    receipt.identified_by,
                    receipt.state,
                    receipt.message,
                    receipt.seq,
                ),
            )

    def next_receipt_seq(self) -> int:
        row = self.conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM receipts").fetchone()
        return int(row[0])

    def set_receipt_state(self, sha256: str, state: str, message: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE receipts SET state = ?, message = ? WHERE sha256 = ?",
                (state, message, sha256),
            )

    def receipts(self, period: str | None = None) -> list[Receipt]:
        if period is None:
            rows = self.conn.execute("SELECT * FROM receipts ORDER BY seq")
        else:
            rows = self.conn.execute(
                "SELECT * FROM receipts WHERE period = ? ORDER BY seq", (period,)
            )
        return [Receipt(**dict(row)) for row in rows]

    def accepted_receipts(self, unit: str, period: str) -> list[Receipt]:
        rows = self.conn.execute(
            "SELECT * FROM receipts WHERE period = ? AND unit = ? AND state = 'accepted' "
            "ORDER BY seq",
            (period, unit),
        )
        return [Receipt(**dict(row)) for row in rows]

    # ---- readings --------------------------------------------------------------------------
    def add_reading(self, sha256: str, reader: str, data: bytes) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR REPLACE INTO readings VALUES (?, ?, ?)", (sha256, reader, data))

    def add_readings(self, readings: Iterable[tuple[str, str, bytes]]) -> None:
        with self.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO readings VALUES (?, ?, ?)", readings)

    def readings(self, shas: Iterable[str]) -> dict[str, tuple[str, bytes]]:
        """sha256 -> (reader version, data) of the stored readings among ``shas``."""
        wanted = list(shas)
        found: dict[str, tuple[str, bytes]] = {}
        for start in range(0, len(wanted), 500):  # SQLite's limit on bound parameters
            chunk = wanted[start : start + 500]
            marks = ",".join("?" * len(chunk))
            for row in self.conn.execute(
                f"SELECT sha256, reader, data FROM readings WHERE sha256 IN ({marks})", chunk
            ):
                found[row[0]] = (row[1], bytes(row[2]))
        return found

    # ---- answers ---------------------------------------------------------------------------
    def replace_answers(self, period: str, rows: Iterable[dict[str, Any]]) -> None:
        """The merged answers of one period (a re-merge replaces that period only)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM answers WHERE period = ?", (period,))
            conn.executemany(
                "INSERT INTO answers VALUES (:period, :unit, :task_id, :role, :status, :due, "
                ":completed, :result, :documents, :issues, :flags, :receipt)",
                [{**row, "period": period, "flags": json.dumps(row["flags"])} for row in rows],
            )

    def answers(self, period: str) -> list[dict[str, Any]]:
        rows = self.conn.execute(
            "SELECT * FROM answers WHERE period = ? ORDER BY unit, task_id", (period,)
        )
        return [{**dict(r), "flags": json.loads(r["flags"])} for r in rows]

    def previous_period(self, period: str) -> str | None:
        row = self.conn.execute(
            "SELECT MAX(period) FROM answers WHERE period < ?", (period,)
        ).fetchone()
        return row[0] if row and row[0] else None

    def save_merge(
        self, period: str, as_of: str, summary: dict[str, Any], report_path: str
    ) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO merges VALUES (?, ?, ?, ?)",
                (
                    period,
                    as_of,
                    json.dumps(summary, ensure_ascii=False, sort_keys=True),
                    report_path,
                ),
            )

    def merge_info(self, period: str) -> sqlite3.Row | None:
        return self.conn.execute("SELECT * FROM merges WHERE period = ?", (period,)).fetchone()


def explain_ledger_error(err: sqlite3.Error, path: Path | str) -> str:
    """Vietnamese for what SQLite refused: a full disk, a lock held elsewhere, a damaged file."""
    from kehoach_xlsx.fileio import explain_os_error

    text = str(err)
    if "disk is full" in text or "disk I/O" in text:
        return explain_os_error(OSError(errno.ENOSPC, text), path)
    if "locked" in text or "readonly" in text:
        return (
            f"Sổ cái {path} đang bị chương trình khác khoá hoặc chỉ cho đọc. Hãy đóng chương "
            "trình đang mở nó (hoặc chờ lệnh kehoach khác chạy xong) rồi chạy lại."
        )
    return (
        f"Sổ cái {path} bị lỗi ({text}). Hãy chép lưu thư mục sổ theo dõi rồi báo cho người "
        "hỗ trợ kỹ thuật."
    )


def _book(row: sqlite3.Row, shared: bool = True) -> BookRecord:
    data = dict(row)
    data.pop("active", None)
    # 2,000 unit books repeat the same task titles and outputs: share one copy of each text
    data["rows"] = json.loads(data["rows"], object_hook=_intern_values if shared else None)
    return BookRecord(**data)


def _intern_values(obj: dict[str, Any]) -> dict[str, Any]:
    return {
        sys.intern(key): sys.intern(value) if isinstance(value, str) else value
        for key, value in obj.items()
    }
