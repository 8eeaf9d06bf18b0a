"""Collect returned workbooks from an IMAP mailbox, read-only.

The folder is opened with EXAMINE and bodies fetched with BODY.PEEK, so no flag changes and
nothing is ever deleted. Processed messages are remembered by (UIDVALIDITY, UID) in the ledger
table ``imap_seen``; a second run fetches nothing new. Attachments are untrusted: their names
are sanitised and their size and number limited. Each attachment is written atomically (a
hidden ".~" temporary renamed into place), so a run killed mid-write leaves no half workbook
under a spreadsheet name for `collect` to take.
"""

from __future__ import annotations

import hashlib
import imaplib
import re
import sqlite3
import ssl as ssl_module
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage, Message
from email.parser import BytesParser
from email.utils import collapse_rfc2231_value, parsedate_to_datetime
from pathlib import Path, PurePosixPath
from typing import Any

from kehoach_xlsx.errors import MailError
from kehoach_xlsx.fileio import atomic_write_bytes
from kehoach_xlsx.mail import stored_password
from kehoach_xlsx.vntext import nfc, slugify

PASSWORD_ENV = "KEHOACH_IMAP_PASSWORD"
KEYRING_SERVICE = "kehoach_xlsx-imap"
SPREADSHEET_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
SPREADSHEET_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-excel.sheet.macroenabled.12": ".xlsm",
    "application/vnd.ms-excel": ".xls",
    "application/x-msexcel": ".xls",
    "application/x-excel": ".xls",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
MAX_ATTACHMENT_BYTES = 50 * 1024 * 1024
MAX_ATTACHMENTS = 500  # per run
MAX_MESSAGE_BYTES = 100 * 1024 * 1024
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass
class SavedAttachment:
    path: Path
    original_name: str  # decoded from RFC 2047/2231, sanitised, NFC
    sender: str
    subject: str
    message_uid: int
    date: datetime | None
    size: int = 0
    sha256: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "original_name": self.original_name,
            "sender": self.sender,
            "subject": self.subject,
            "message_uid": self.message_uid,
            "date": self.date.isoformat() if self.date else None,
            "size": self.size,
            "sha256": self.sha256,
        }


@dataclass
class FetchResult:
    saved: list[SavedAttachment] = field(default_factory=list)
    skipped: int = 0  # messages already processed in an earlier run
    warnings: list[str] = field(default_factory=list)  # Vietnamese, shown to the coordinator
    examined: int = 0  # new messages looked at in this run
    # imap_seen rows not yet written (fetch_attachments(remember=False)): see remember_seen
    unremembered: list[tuple] = field(default_factory=list, repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "saved": [s.to_dict() for s in self.saved],
            "skipped": self.skipped,
            "examined": self.examined,
            "warnings": list(self.warnings),
        }


_SCHEMA = """
CREATE TABLE IF NOT EXISTS imap_seen (
    account TEXT NOT NULL,
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,
    uid INTEGER NOT NULL,
    message_id TEXT,
    time TEXT NOT NULL,
    attachments INTEGER NOT NULL,
    PRIMARY KEY (account, folder, uidvalidity, uid)
);
"""


def ensure_tables(conn: sqlite3.Connection) -> None:
    conn.executescript(_SCHEMA)


def remember_seen(conn: sqlite3.Connection, result: FetchResult) -> None:
    """Mark the messages of `result` as processed; call once their attachments are collected,
    so a run stopped between fetching and collecting fetches them again next time."""
    ensure_tables(conn)
    with conn:
        conn.executemany(
            "INSERT OR REPLACE INTO imap_seen VALUES (?, ?, ?, ?, ?, ?, ?)", result.unremembered
        )
    result.unremembered = []


def imap_password(host: str, user: str) -> str | None:
    """The password from $KEHOACH_IMAP_PASSWORD, else the system keyring, else None."""
    return stored_password(PASSWORD_ENV, KEYRING_SERVICE, f"{user}@{host}")


def attachment_name(part: Message) -> str | None:
    """The attachment's file name as the sender meant it, decoded (RFC 2231 and RFC 2047).

    Prefers ``filename*``/``filename`` of Content-Disposition, then ``name`` of Content-Type;
    raw 8-bit UTF-8 names (sent by some webmails) are recovered too.
    """
    for header, param in (("content-disposition", "filename"), ("content-type", "name")):
        value = None
        try:
            parsed = part.get(header)
            params = getattr(parsed, "params", None)
            if params is not None:
                value = params.get(param)
        except Exception:  # hostile headers may break the header registry
            value = None
        if not value:
            raw = part.get_param(param, header=header)
            if raw:
                value = collapse_rfc2231_value(raw)
        if value:
            return _repair(str(value))
    return None


def _repair(text: str) -> str:
    # Undecodable bytes arrive as surrogate escapes; most often they are raw UTF-8.
    if any("\udc80" <= ch <= "\udcff" for ch in text):
        text = text.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    return nfc(text)


def safe_original_name(name: str) -> str:
    """The display form of an untrusted name: last path component, no control chars or ".."."""
    name = name.replace("\\", "/")
    name = PurePosixPath(name).name if "/" in name else name
    name = "".join(ch for ch in name if ch.isprintable())
    name = name.replace("..", ".").strip(" .")
    return name[:200] or "tep-dinh-kem"


def stored_name(original: str, suffix: str, uid: int) -> str:
    """ASCII file name for disk: ``<uid>_<slug><suffix>``, e.g. ``42_bao-cao-phong-kinh-te.xlsx``."""
    stem = original[: -len(suffix)] if original.lower().endswith(suffix) else original
    return f"{uid}_{slugify(stem)}{suffix}"


def _spreadsheet_suffix(part: Message, name: str | None) -> str | None:
    if name:
        lowered = name.lower()
        for suffix in SPREADSHEET_SUFFIXES:
            if lowered.endswith(suffix):
                return suffix
    return SPREADSHEET_TYPES.get(part.get_content_type().lower())


def _spreadsheet_parts(msg: Message) -> Iterator[tuple[Message, str, str]]:
    """(part, decoded name, suffix) for every spreadsheet, also inside forwarded messages."""
    for part in msg.walk():
        if part.is_multipart():
            continue
        name = attachment_name(part)
        suffix = _spreadsheet_suffix(part, name)
        if suffix:
            yield part, safe_original_name(name or f"bang-tinh{suffix}"), suffix


def _unique_path(folder: Path, name: str) -> Path:
    path = folder / name
    counter = 2
    while path.exists():
        path = folder / f"{Path(name).stem}-{counter}{Path(name).suffix}"
        counter += 1
    return path


def _imap_date(day: date) -> str:
    return f"{day.day:02d}-{_MONTHS[day.month - 1]}-{day.year}"


def _check(typ: str, data: Any, what: str) -> Any:
    if typ != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode("utf-8", "replace")
        raise MailError(f"Máy chủ IMAP từ chối lệnh {what}: {detail}")
    return data


def fetch_attachments(
    host: str,
    port: int,
    user: str,
    password: str,
    folder: str = "INBOX",
    since: date | None = None,
    *,
    dest_dir: Path,
    ledger_conn: sqlite3.Connection,
    ssl: bool = True,
    starttls: bool = False,
    max_attachment_bytes: int = MAX_ATTACHMENT_BYTES,
    max_attachments: int = MAX_ATTACHMENTS,
    timeout: float = 60.0,
    remember: bool = True,
) -> FetchResult:
    """Save spreadsheet attachments of messages not processed before into dest_dir.

    Never changes the mailbox: EXAMINE (read-only) and BODY.PEEK. ssl=True uses IMAPS (port
    993); ssl=False with starttls=True upgrades a plain connection; both False is for loopback
    tests only. Each message is marked processed in the ledger once its attachments are on
    disk; with remember=False the caller does it with `remember_seen` after collecting them.
    """
    dest_dir = Path(dest_dir)
    dest_dir.mkdir(parents=True, exist_ok=True)
    ensure_tables(ledger_conn)
    account = f"{user}@{host}:{port}"
    result = FetchResult()
    client = _connect(host, port, ssl, starttls, timeout)
    try:
        try:
            client.login(user, password)
        except imaplib.IMAP4.error as err:
            raise MailError(
                f"Máy chủ IMAP {host} không chấp nhận tên đăng nhập/mật khẩu của {user}. "
                "Hãy kiểm tra lại (nhiều nhà cung cấp yêu cầu “mật khẩu ứng dụng”)."
            ) from err
        typ, data = client.select(_quote_folder(folder), readonly=True)
        if typ != "OK":
            raise MailError(f"Không mở được thư mục “{folder}” trên máy chủ IMAP {host}.")
        uidvalidity = int(client.response("UIDVALIDITY")[1][0])
        criteria = ["SINCE", _imap_date(since)] if since else ["ALL"]
        data = _check(*client.uid("SEARCH", None, *criteria), "SEARCH")
        uids = [int(u) for u in (data[0] or b"").split()]
        seen = {
            row[0]
            for row in ledger_conn.execute(
                "SELECT uid FROM imap_seen WHERE account = ? AND folder = ? AND uidvalidity = ?",
                (account, folder, uidvalidity),
            )
        }
        for uid in uids:
            if uid in seen:
                result.skipped += 1
                continue
            if len(result.saved) >= max_attachments:
                result.warnings.append(
                    f"Đã lưu đủ {max_attachments} tệp trong một lần chạy; các thư còn lại sẽ "
                    "được xử lý ở lần chạy sau."
                )
                break
            result.examined += 1
            count, message_id = _process(
                client, uid, dest_dir, result, max_attachment_bytes, max_attachments
            )
            seen_at = datetime.now(UTC).isoformat(timespec="seconds")
            result.unremembered.append(
                (account, folder, uidvalidity, uid, message_id, seen_at, count)
            )
            if remember:
                remember_seen(ledger_conn, result)
    except (imaplib.IMAP4.error, OSError) as err:
        raise MailError(f"Lỗi khi đọc hộp thư {host} ({err}). Hãy chạy lại lệnh.") from err
    finally:
        try:
            client.logout()
        except (imaplib.IMAP4.error, OSError):
            pass
    return result


def _connect(host: str, port: int, use_ssl: bool, starttls: bool, timeout: float):
    try:
        if use_ssl:
            return imaplib.IMAP4_SSL(
                host, port, ssl_context=ssl_module.create_default_context(), timeout=timeout
            )
        client = imaplib.IMAP4(host, port, timeout=timeout)
        if starttls:
            client.starttls(ssl_context=ssl_module.create_default_context())
        return client
    except (imaplib.IMAP4.error, OSError) as err:  # TimeoutError is an OSError
        raise MailError(
            f"Không kết nối được máy chủ IMAP {host}:{port} ({err}). Hãy kiểm tra mạng, "
            "tên máy chủ, cổng và kiểu bảo mật."
        ) from err


def _quote_folder(folder: str) -> str:
    # imaplib sends the name as is; names with spaces must be quoted ("Sent Items").
    if re.fullmatch(r"[A-Za-z0-9._/-]+", folder):
        return folder
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _fetch(client: imaplib.IMAP4, uid: int, item: str) -> bytes | None:
    typ, data = client.uid("FETCH", str(uid), f"({item})")
    _check(typ, data, "FETCH")
    for entry in data:
        if isinstance(entry, tuple) and len(entry) == 2:
            return entry[1]
    return None


def _process(
    client: imaplib.IMAP4,
    uid: int,
    dest_dir: Path,
    result: FetchResult,
    max_bytes: int,
    max_count: int,
) -> tuple[int, str | None]:
    """Save the spreadsheets of one message; returns (number saved, Message-ID)."""
    head = _fetch(client, uid, "BODY.PEEK[HEADER]") or b""
    header = BytesParser(policy=policy.default).parsebytes(head, headersonly=True)
    message_id = str(header.get("Message-ID", "") or "") or None
    sender = _repair(str(header.get("From", "") or ""))
    subject = _repair(str(header.get("Subject", "") or ""))
    # Only multipart mail or a bare spreadsheet can carry a workbook; skip the rest cheaply.
    ctype = header.get_content_type().lower()
    if not (header.get_content_maintype() == "multipart" or ctype in SPREADSHEET_TYPES):
        return 0, message_id
    size = _message_size(client, uid)
    if size is not None and size > MAX_MESSAGE_BYTES:
        result.warnings.append(
            f"Bỏ qua thư “{subject}” của {sender}: thư quá lớn ({size // 1_000_000} MB)."
        )
        return 0, message_id
    raw = _fetch(client, uid, "BODY.PEEK[]") or b""
    msg: EmailMessage = BytesParser(policy=policy.default).parsebytes(raw)  # type: ignore[assignment]
    try:
        when = parsedate_to_datetime(str(msg["Date"])) if msg["Date"] else None
    except (TypeError, ValueError):
        when = None
    count = 0
    for part, original, suffix in _spreadsheet_parts(msg):
        if len(result.saved) >= max_count:
            break
        data = part.get_payload(decode=True) or b""
        if len(data) > max_bytes:
            result.warnings.append(
                f"Bỏ qua tệp “{original}” trong thư của {sender}: "
                f"lớn hơn {max_bytes // (1024 * 1024)} MB."
            )
            continue
        if not data:
            result.warnings.append(f"Tệp “{original}” trong thư của {sender} rỗng; đã bỏ qua.")
            continue
        path = _unique_path(dest_dir, stored_name(original, suffix, uid))
        atomic_write_bytes(path, data)
        result.saved.append(
            SavedAttachment(
                path=path,
                original_name=original,
                sender=sender,
                subject=subject,
                message_uid=uid,
                date=when,
                size=len(data),
                sha256=hashlib.sha256(data).hexdigest(),
            )
        )
        count += 1
    return count, message_id


def _message_size(client: imaplib.IMAP4, uid: int) -> int | None:
    typ, data = client.uid("FETCH", str(uid), "(RFC822.SIZE)")
    if typ != "OK":
        return None
    for entry in data:
        text = entry[0] if isinstance(entry, tuple) else entry
        if isinstance(text, bytes):
            match = re.search(rb"RFC822\.SIZE (\d+)", text)
            if match:
                return int(match.group(1))
    return None
