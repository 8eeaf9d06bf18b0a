"""Mail to units: compose from editable templates, send over SMTP once per key, or write .eml.

Every delivery is recorded per recipient in the ledger table ``deliveries`` so a re-run only
sends what has not reached its recipient yet. The SMTP password comes from the environment
(``KEHOACH_SMTP_PASSWORD``) or the system keyring, never from a file.
"""

from __future__ import annotations

import hashlib
import html
import mimetypes
import os
import re
import smtplib
import sqlite3
import ssl
import string
import time
import urllib.parse
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from email import policy
from email.message import EmailMessage, MIMEPart
from email.utils import format_datetime, make_msgid
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from kehoach_xlsx.errors import MailError
from kehoach_xlsx.fileio import atomic_write_bytes
from kehoach_xlsx.texts import office_name, vn_date
from kehoach_xlsx.vntext import nfc, slugify

PASSWORD_ENV = "KEHOACH_SMTP_PASSWORD"
KEYRING_SERVICE = "kehoach_xlsx-smtp"
TEMPLATE_DIR_NAME = "mau-thu"
TEMPLATE_NAMES = (
    "mail-send.txt",
    "mail-send.html",
    "mail-remind.txt",
    "mail-remind.html",
    "mail-report.txt",
)
# Placeholders every template may use; missing ones render as "" rather than fail.
PLACEHOLDERS = (
    "co_quan",  # "UBND phường An Biên"
    "ke_hoach",  # "Kế hoạch số 143/KH-UBND ngày 20/4/2026 của UBND phường về …"
    "ke_hoach_ngan",  # "Kế hoạch số 143/KH-UBND"
    "ky",  # "tháng 9/2026"
    "han",  # "05/10/2026"
    "lien_he",  # "Đ/c Nguyễn Văn A, Văn phòng HĐND và UBND, ĐT 0225 …"
    "don_vi",  # unit name
    "ten_tep",  # attachment display name
    "danh_sach_nhiem_vu",  # filled by compose_mail from the task lines
    "tieu_de",  # the subject, for the HTML <title>
    "van_phong",  # "Văn phòng HĐND và UBND xã", "Văn phòng UBND tỉnh": who writes
)
# A template line that only makes sense with its value ("Mọi vướng mắc xin liên hệ: $lien_he.")
# is left out when the value is empty, instead of printing half a sentence.
DROP_LINE_WHEN_EMPTY = ("lien_he",)
_PLACEHOLDER = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
SUBJECT_PREFIX = "Tiêu đề:"

MIME_TYPES = {
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    ".xls": "application/vnd.ms-excel",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".pdf": "application/pdf",
}

# Raw headers we fold ourselves are sent exactly as built (refold_source="none"); headers set
# through the registry (Subject, From) are still folded and RFC 2047-encoded by the policy.
WIRE_POLICY = policy.SMTP.clone(refold_source="none")

_ADDRESS = re.compile(r"^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$")


# ---------------------------------------------------------------------------------------------
# Templates


class HtmlSafe(str):
    """Text already written as HTML; render_template inserts it into .html templates unescaped."""


@dataclass(frozen=True)
class TaskLine:
    """One task named in a mail or letter; problem is Vietnamese ("Quá hạn 12 ngày")."""

    task_id: str
    title: str
    due: date | str | None = None
    problem: str = ""


@dataclass(frozen=True)
class ComposedMail:
    subject: str
    text: str
    html: str


def load_templates(workspace_dir: Path | None = None) -> dict[str, str]:
    """Template texts by file name; files in ``<workspace>/mau-thu/`` replace the defaults."""
    templates: dict[str, str] = {}
    package = resources.files("kehoach_xlsx") / "data"
    for name in TEMPLATE_NAMES:
        templates[name] = nfc(package.joinpath(name).read_text(encoding="utf-8"))
    if workspace_dir is not None:
        folder = Path(workspace_dir) / TEMPLATE_DIR_NAME
        for name in TEMPLATE_NAMES:
            path = folder / name
            if path.is_file():
                try:
                    # utf-8-sig: Notepad on Windows saves a BOM.
                    templates[name] = nfc(path.read_text(encoding="utf-8-sig"))
                except (OSError, UnicodeDecodeError) as err:
                    raise MailError(
                        f"Không đọc được mẫu thư {path} ({err}). "
                        "Hãy lưu tệp dạng văn bản UTF-8 hoặc xóa tệp để dùng mẫu mặc định."
                    ) from err
    return templates


def render_template(name: str, values: Mapping[str, Any], workspace_dir: Path | None = None) -> str:
    """Fill one template (``mail-send.txt`` …) with $placeholders.

    Values are escaped in .html templates unless they are HtmlSafe. A placeholder that is
    neither known nor given raises MailError naming the template, so a typo in an edited
    template is caught before anything is sent.
    """
    templates = load_templates(workspace_dir)
    if name not in templates:
        raise MailError(f"Không có mẫu thư “{name}”. Các mẫu có sẵn: {', '.join(TEMPLATE_NAMES)}.")
    is_html = name.endswith(".html")
    filled: dict[str, str] = {key: "" for key in PLACEHOLDERS}
    # callers pass the office's name; without it, the issuing body's level tells it
    filled["van_phong"] = office_name(str(values.get("co_quan") or ""))
    for key, value in values.items():
        text = "" if value is None else str(value)
        if is_html and not isinstance(value, HtmlSafe):
            text = html.escape(text, quote=False)
        filled[key] = nfc(text)
    text = _drop_empty_lines(templates[name], filled)
    try:
        return tidy_text(string.Template(text).substitute(filled), is_html)
    except KeyError as err:
        raise MailError(
            f"Mẫu thư “{name}” dùng biến ${err.args[0]} không có giá trị. "
            f"Các biến dùng được: {', '.join('$' + p for p in PLACEHOLDERS)}."
        ) from err
    except ValueError as err:
        raise MailError(
            f"Mẫu thư “{name}” có dấu $ viết sai ({err}). Viết $$ để có một dấu $."
        ) from err


def _drop_empty_lines(template: str, values: Mapping[str, str]) -> str:
    kept = []
    for line in template.split("\n"):
        names = {a or b for a, b in _PLACEHOLDER.findall(line.replace("$$", ""))}
        if any(n in DROP_LINE_WHEN_EMPTY and not values.get(n, "").strip() for n in names):
            continue
        kept.append(line)
    return "\n".join(kept)


def tidy_text(text: str, is_html: bool = False) -> str:
    """What an empty value leaves in a filled template: "[]", "(hạn gửi báo cáo: )",
    " trước ngày .", doubled spaces; blank lines left by a dropped line are merged."""
    if is_html:
        text = re.sub(r"<(b|i)>\s*</\1>", "", text)
        text = re.sub(r"<p>\s*</p>\n?", "", text)
    text = re.sub(r"\s*\((?:[^()\n]*:)?\s*\)", "", text)
    text = re.sub(r"\[\s*\]\s*", "", text)
    text = re.sub(r"\s+trước ngày\s*(?=[.,;])", "", text)
    text = re.sub(r"(?<=\S)[ \t]{2,}(?=\S)", " ", text)
    text = re.sub(r"(?<=\S) +(?=[,.;:](?:\s|$))", "", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text


def format_due(due: date | str | None) -> str:
    """dd/mm/yyyy for a date (or an ISO date text), the wording as is otherwise."""
    return vn_date(due)


def _task_lines(tasks: Iterable[TaskLine | Sequence[Any]]) -> list[TaskLine]:
    return [t if isinstance(t, TaskLine) else TaskLine(*t) for t in tasks]


def task_list_text(tasks: Iterable[TaskLine | Sequence[Any]]) -> str:
    """Plain-text list: "- [B.II.1] Tiêu đề (hạn 30/09/2026): Quá hạn"."""
    lines = []
    for task in _task_lines(tasks):
        due = format_due(task.due)
        line = f"- [{task.task_id}] {task.title}"
        if due:
            line += f" (hạn: {due})"
        if task.problem:
            line += f": {task.problem}"
        lines.append(line)
    return "\n".join(lines)


def task_list_html(tasks: Iterable[TaskLine | Sequence[Any]]) -> HtmlSafe:
    """The same list as a bordered HTML table (mail clients drop CSS classes, so inline)."""
    cell = 'style="border:1px solid #999;padding:4px;vertical-align:top"'
    rows = [
        f"<tr><th {cell}>Mã NV</th><th {cell}>Nhiệm vụ</th><th {cell}>Hạn</th>"
        f"<th {cell}>Ghi chú</th></tr>"
    ]
    for task in _task_lines(tasks):
        values = (task.task_id, task.title, format_due(task.due), task.problem)
        rows.append(
            "<tr>" + "".join(f"<td {cell}>{html.escape(nfc(v))}</td>" for v in values) + "</tr>"
        )
    return HtmlSafe(
        '<table style="border-collapse:collapse;font-size:13px">' + "".join(rows) + "</table>"
    )


def compose_mail(
    kind: Literal["send", "remind", "report"],
    values: Mapping[str, Any],
    tasks: Iterable[TaskLine | Sequence[Any]] = (),
    workspace_dir: Path | None = None,
) -> ComposedMail:
    """Subject, text and HTML body from ``mail-<kind>.txt`` / ``.html``.

    The text template's first line ``Tiêu đề: …`` is the subject. Without an HTML template
    (``mail-report``) the HTML body is the text, escaped, in a <pre>-like block.
    """
    tasks = _task_lines(tasks)
    base = {k: v for k, v in values.items() if k != "danh_sach_nhiem_vu"}
    text_full = render_template(
        f"mail-{kind}.txt", {**base, "danh_sach_nhiem_vu": task_list_text(tasks)}, workspace_dir
    )
    first, _, rest = text_full.partition("\n")
    if first.startswith(SUBJECT_PREFIX):
        subject = first[len(SUBJECT_PREFIX) :].strip()
        text = rest.lstrip("\n")
    else:
        subject = f"{values.get('ke_hoach_ngan') or 'Kế hoạch'} - kỳ {values.get('ky', '')}"
        text = text_full
    subject = " ".join(subject.split())  # a header is one line
    html_name = f"mail-{kind}.html"
    if html_name in TEMPLATE_NAMES:
        body_html = render_template(
            html_name,
            {**base, "danh_sach_nhiem_vu": task_list_html(tasks), "tieu_de": subject},
            workspace_dir,
        )
    else:
        body_html = (
            '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8"></head><body>'
            "<div style=\"font-family:'Times New Roman',serif;white-space:pre-wrap\">"
            f"{html.escape(text, quote=False)}</div></body></html>"
        )
    return ComposedMail(subject=subject, text=text, html=body_html)


# ---------------------------------------------------------------------------------------------
# Messages


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int = 587
    user: str | None = None
    security: Literal["starttls", "ssl", "none"] = "starttls"
    sender: str = ""
    sender_name: str = "Văn phòng HĐND và UBND"
    timeout: float = 60.0


@dataclass(frozen=True)
class OutgoingMail:
    """One mail to one unit. key identifies it across runs: f"{period}:{unit}:{sha256}"."""

    key: str
    unit: str
    unit_name: str
    to: list[str]
    subject: str
    text: str
    html: str
    attachment: Path | None = None
    attachment_display_name: str | None = None
    kind: Literal["send", "remind", "report"] = "send"
    period: str = ""
    # With a scope (the workspace's plan id) the Message-ID is fixed by scope + key: a mail
    # sent again after an interrupted run carries the same id, so the copy is recognisable.
    id_scope: str = ""


def _encoded_words(text: str, limit: int = 75) -> list[str]:
    """RFC 2047 base64 encoded-words of at most `limit` chars, split between characters."""
    import base64

    words, chunk = [], ""
    for ch in text:
        trial = chunk + ch
        # 12 = len("=?utf-8?b?") + len("?="); base64 grows by 4/3, rounded up to 4.
        if chunk and 12 + 4 * ((len(trial.encode()) + 2) // 3) > limit:
            words.append(chunk)
            chunk = ch
        else:
            chunk = trial
    if chunk:
        words.append(chunk)
    return ["=?utf-8?b?" + base64.b64encode(w.encode()).decode("ascii") + "?=" for w in words]


def _header_text(text: str) -> str:
    """A header value: ASCII as is, otherwise folded RFC 2047 words with the spaces inside."""
    if text.isascii() and len(text) < 70:
        return text
    return "\n ".join(_encoded_words(text, limit=66))


def _rfc2231_sections(name: str, value: str, width: int = 60) -> list[str]:
    """``name*0*=utf-8''…`` continuations, never splitting one character's %XX run."""
    pieces, current = [], ""
    for ch in value:
        quoted = urllib.parse.quote(ch.encode("utf-8"), safe="")
        if current and len(current) + len(quoted) > width:
            pieces.append(current)
            current = ""
        current += quoted
    pieces.append(current)
    if len(pieces) == 1:
        return [f"{name}*=utf-8''{pieces[0]}"]
    return [
        f"{name}*{i}*=" + ("utf-8''" if i == 0 else "") + piece for i, piece in enumerate(pieces)
    ]


def _ascii_file_name(path: Path) -> str:
    name = path.name
    if name.isascii() and re.fullmatch(r"[A-Za-z0-9._-]+", name):
        return name
    return slugify(path.stem) + path.suffix.lower()


def attachment_part(data: bytes, file_name: str, display_name: str | None = None) -> MIMEPart:
    """An attachment whose wire name is the ASCII `file_name`, with `display_name` (Vietnamese)
    also given as RFC 2231 ``filename*`` and RFC 2047 ``name=`` for Outlook.

    Python's email package only writes ``filename*``, so both headers are built here.
    ``filename*`` comes first: Python's parser keeps the first of duplicate parameters, and
    RFC 2231 readers (Thunderbird, Gmail) prefer it anyway.
    """
    suffix = Path(file_name).suffix.lower()
    mime = MIME_TYPES.get(suffix) or mimetypes.guess_type(file_name)[0]
    mime = mime or "application/octet-stream"
    maintype, subtype = mime.split("/", 1)
    display = nfc(display_name or file_name)
    part = MIMEPart(policy=WIRE_POLICY)
    part.set_content(data, maintype=maintype, subtype=subtype)
    del part["Content-Type"]
    if display.isascii():
        part.set_raw("Content-Type", f'{mime};\n name="{display}"')
        part.set_raw("Content-Disposition", f'attachment;\n filename="{file_name}"')
        return part
    words = "\n  ".join(_encoded_words(display))
    part.set_raw("Content-Type", f'{mime};\n name="{words}"')
    sections = ";\n ".join(_rfc2231_sections("filename", display))
    part.set_raw("Content-Disposition", f'attachment;\n {sections};\n filename="{file_name}"')
    return part


def build_message(
    mail: OutgoingMail,
    sender: str,
    sender_name: str = "",
    recipients: Sequence[str] | None = None,
    draft: bool = False,
) -> EmailMessage:
    """The MIME message: text + HTML alternative, and the workbook attached."""
    msg = EmailMessage(policy=WIRE_POLICY)
    # Subject and From are encoded here: Python 3.11's folder drops the space between two
    # encoded-words ("Phòng Văn" came back as "PhòngVăn").
    msg.set_raw("Subject", _header_text(" ".join(nfc(mail.subject).split())))
    if sender:
        if not _ADDRESS.match(sender):
            raise MailError(f"Địa chỉ người gửi “{sender}” không hợp lệ; hãy sửa cài đặt thư.")
        name = nfc(sender_name).replace('"', "'")
        if name and name.isascii():
            msg.set_raw("From", f'"{name}" <{sender}>')
        elif name:
            # One encoded-word even past 75 chars, as Python itself does: parsers add a space
            # between encoded-words in a display name ("An  Biên").
            word = _encoded_words(name, limit=10_000)[0]
            msg.set_raw("From", f"{word}\n <{sender}>")
        else:
            msg.set_raw("From", sender)
    msg["To"] = ", ".join(recipients if recipients is not None else mail.to)
    msg["Date"] = format_datetime(datetime.now().astimezone())
    domain = sender.rpartition("@")[2] or None
    msg["Message-ID"] = message_id_for(mail, domain)
    msg["X-Kehoach-Key"] = mail.key
    if draft:
        msg["X-Unsent"] = "1"  # Outlook opens the .eml as an editable draft
    # quoted-printable keeps the body 7-bit (servers without 8BITMIME) and readable in .eml.
    msg.set_content(nfc(mail.text), cte="quoted-printable")
    msg.add_alternative(nfc(mail.html), subtype="html", cte="quoted-printable")
    if mail.attachment is not None:
        path = Path(mail.attachment)
        try:
            data = path.read_bytes()
        except OSError as err:
            raise MailError(
                f"Không đọc được tệp đính kèm {path} cho {mail.unit_name} ({err})."
            ) from err
        msg.make_mixed()
        msg.attach(attachment_part(data, _ascii_file_name(path), mail.attachment_display_name))
    return msg


def message_id_for(mail: OutgoingMail, domain: str | None = None) -> str:
    """Fixed per scope (plan) and key (period, unit, round) when the mail has a scope."""
    if not mail.id_scope:
        return make_msgid(idstring="kehoach", domain=domain)
    digest = hashlib.sha256(f"{mail.id_scope}\x1f{mail.key}".encode()).hexdigest()[:32]
    return f"<kehoach.{digest}@{domain or 'kehoach.invalid'}>"


def write_drafts(
    messages: Iterable[OutgoingMail], out_dir: Path, sender: str = "", sender_name: str = ""
) -> list[Path]:
    """Write one ready .eml per mail (X-Unsent: 1) into out_dir; nothing is recorded as sent.

    Files are named ``<kind>_<period>_<unit slug>.eml``; units without an address get a
    draft too (the coordinator types the address in Outlook/Thunderbird).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for mail in messages:
        msg = build_message(mail, sender, sender_name, draft=True)
        stem = "_".join(p for p in (mail.kind, slugify(mail.period), slugify(mail.unit)) if p)
        path = out_dir / f"{stem}.eml"
        atomic_write_bytes(path, msg.as_bytes(policy=WIRE_POLICY))
        written.append(path)
    return written


# ---------------------------------------------------------------------------------------------
# Ledger

_SCHEMA = """
CREATE TABLE IF NOT EXISTS deliveries (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    unit TEXT NOT NULL,
    kind TEXT NOT NULL,
    period TEXT NOT NULL,
    message_id TEXT,
    recipients TEXT NOT NULL,
    time TEXT NOT NULL,
    result TEXT NOT NULL CHECK (result IN ('ok', 'failed', 'refused')),
    error TEXT
);
CREATE INDEX IF NOT EXISTS deliveries_key ON deliveries (key);
-- One row per mail: "sending" is written before we talk to the server, "sent" (or "failed")
-- after. A row still "sending" was cut off mid-way: it may or may not have gone out, and is
-- sent again with the same Message-ID.
CREATE TABLE IF NOT EXISTS outbox (
    key TEXT PRIMARY KEY,
    unit TEXT NOT NULL,
    message_id TEXT NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('sending', 'sent', 'failed')),
    recipients TEXT NOT NULL,
    time TEXT NOT NULL
);
"""


def ensure_tables(conn: sqlite3.Connection) -> None:
    """Create the ``deliveries`` table (one row per recipient per attempt) if missing."""
    conn.executescript(_SCHEMA)


def delivered_recipients(conn: sqlite3.Connection, key: str) -> set[str]:
    """Addresses (lower-case) that accepted the mail with this key in some earlier run."""
    ensure_tables(conn)
    rows = conn.execute("SELECT recipients FROM deliveries WHERE key = ? AND result = 'ok'", (key,))
    return {r[0].lower() for r in rows}


def outbox_state(conn: sqlite3.Connection, key: str) -> tuple[str, str] | None:
    """(state, message_id) of the mail with this key, or None when never attempted."""
    ensure_tables(conn)
    row = conn.execute("SELECT state, message_id FROM outbox WHERE key = ?", (key,)).fetchone()
    return (row[0], row[1]) if row else None


def mark_outbox(
    conn: sqlite3.Connection, mail: OutgoingMail, message_id: str, state: str, to: Sequence[str]
) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    conn.execute(
        "INSERT OR REPLACE INTO outbox (key, unit, message_id, state, recipients, time)"
        " VALUES (?, ?, ?, ?, ?, ?)",
        (mail.key, mail.unit, message_id, state, ", ".join(to), now),
    )
    conn.commit()  # before the server hears of it: a kill now leaves "sending" behind


def delivery_log(
    conn: sqlite3.Connection, period: str | None = None, kind: str | None = None
) -> list[dict[str, Any]]:
    """Ledger rows as dicts, oldest first (for `kehoach status` or --json)."""
    ensure_tables(conn)
    sql = "SELECT key, unit, kind, period, message_id, recipients, time, result, error "
    sql += "FROM deliveries WHERE (? IS NULL OR period = ?) AND (? IS NULL OR kind = ?) "
    sql += "ORDER BY id"
    cur = conn.execute(sql, (period, period, kind, kind))
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur]


def _record(
    conn: sqlite3.Connection,
    mail: OutgoingMail,
    message_id: str | None,
    outcomes: Mapping[str, tuple[str, str | None]],
) -> None:
    now = datetime.now(UTC).isoformat(timespec="seconds")
    conn.executemany(
        "INSERT INTO deliveries (key, unit, kind, period, message_id, recipients, time, result,"
        " error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (mail.key, mail.unit, mail.kind, mail.period, message_id, addr, now, res, err)
            for addr, (res, err) in outcomes.items()
        ],
    )
    conn.commit()  # a crash later in the run must not forget what already went out


# ---------------------------------------------------------------------------------------------
# Transport


def smtp_password(settings: SmtpSettings) -> str | None:
    """The password from $KEHOACH_SMTP_PASSWORD, else the system keyring, else None."""
    account = f"{settings.user}@{settings.host}" if settings.user else None
    return stored_password(PASSWORD_ENV, KEYRING_SERVICE, account)


def stored_password(env_var: str, service: str, account: str | None) -> str | None:
    """A mail password from the environment variable, else the system keyring (when installed
    and an account is named), else None: passwords are never written to our files."""
    password = os.environ.get(env_var)
    if password:
        return password
    if not account:
        return None
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError:
        return None
    try:
        return keyring.get_password(service, account)
    except (KeyringError, RuntimeError):
        return None  # no usable keyring backend on this machine (headless Linux)


def save_smtp_password(settings: SmtpSettings, password: str) -> None:
    """Store the password in the system keyring (for a `kehoach mail-password` command)."""
    try:
        import keyring
        from keyring.errors import KeyringError
    except ImportError as err:
        raise MailError(
            f"Máy này chưa cài gói keyring. Hãy đặt mật khẩu vào biến môi trường {PASSWORD_ENV}."
        ) from err
    try:
        keyring.set_password(KEYRING_SERVICE, f"{settings.user}@{settings.host}", password)
    except (KeyringError, RuntimeError) as err:
        raise MailError(
            f"Không lưu được mật khẩu vào kho khóa của hệ thống ({err}). "
            f"Hãy đặt mật khẩu vào biến môi trường {PASSWORD_ENV}."
        ) from err


class SmtpTransport:
    """One SMTP session, opened on first use; ``with SmtpTransport(settings) as t: send(…)``."""

    def __init__(self, settings: SmtpSettings, password: str | None = None) -> None:
        self.settings = settings
        self._password = password
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpTransport:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def open(self) -> None:
        s = self.settings
        if not s.sender:
            raise MailError("Chưa khai báo địa chỉ người gửi (sender) trong cài đặt thư.")
        where = f"{s.host}:{s.port}"
        try:
            if s.security == "ssl":
                smtp = smtplib.SMTP_SSL(
                    s.host, s.port, timeout=s.timeout, context=ssl.create_default_context()
                )
            else:
                smtp = smtplib.SMTP(s.host, s.port, timeout=s.timeout)
                if s.security == "starttls":
                    smtp.starttls(context=ssl.create_default_context())
            if s.user:
                password = self._password if self._password is not None else smtp_password(s)
                if not password:
                    smtp.close()
                    raise MailError(
                        f"Chưa có mật khẩu thư cho {s.user}. Hãy đặt biến môi trường "
                        f"{PASSWORD_ENV} hoặc lưu mật khẩu vào kho khóa của hệ thống."
                    )
                smtp.login(s.user, password)
        except smtplib.SMTPAuthenticationError as err:
            raise MailError(
                f"Máy chủ thư {where} không chấp nhận tên đăng nhập/mật khẩu của {s.user}. "
                "Hãy kiểm tra lại (nhiều nhà cung cấp yêu cầu “mật khẩu ứng dụng”)."
            ) from err
        except smtplib.SMTPNotSupportedError as err:
            raise MailError(
                f'Máy chủ thư {where} không hỗ trợ STARTTLS. Hãy thử security = "ssl" '
                "(cổng 465) hoặc kiểm tra lại cổng."
            ) from err
        except (smtplib.SMTPException, OSError) as err:
            raise MailError(
                f"Không kết nối được máy chủ thư {where} ({err}). Hãy kiểm tra mạng, "
                "tên máy chủ, cổng và kiểu bảo mật."
            ) from err
        self._smtp = smtp

    def send(self, sender: str, recipients: Sequence[str], data: bytes) -> dict[str, Any]:
        """Send one message; returns {address: (code, reply)} of refused recipients."""
        if self._smtp is None:
            self.open()
        assert self._smtp is not None
        return self._smtp.sendmail(sender, list(recipients), data)

    def close(self) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()
            self._smtp = None


# ---------------------------------------------------------------------------------------------
# Sending


@dataclass
class Delivery:
    """What happened to one mail in this run."""

    key: str
    unit: str
    unit_name: str
    status: Literal["ok", "partial", "refused", "failed"]
    accepted: list[str] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # address -> server reply
    error: str | None = None
    message_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "unit": self.unit,
            "unit_name": self.unit_name,
            "status": self.status,
            "accepted": list(self.accepted),
            "refused": dict(self.refused),
            "error": self.error,
            "message_id": self.message_id,
        }


@dataclass
class PlannedMail:
    mail: OutgoingMail
    recipients: list[str]  # still to receive it; fewer than mail.to after a partial run


@dataclass
class DeliveryPlan:
    """What send() would do now; also the --dry-run listing."""

    to_send: list[PlannedMail] = field(default_factory=list)
    already_sent: list[OutgoingMail] = field(default_factory=list)
    no_address: list[OutgoingMail] = field(default_factory=list)
    # cut off mid-send last time: sent again with the same Message-ID
    uncertain: list[OutgoingMail] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {
            "uncertain": [m.unit for m in self.uncertain],
            "to_send": [
                {"key": p.mail.key, "unit": p.mail.unit, "recipients": p.recipients,
                 "subject": p.mail.subject,
                 "attachment": str(p.mail.attachment) if p.mail.attachment else None}
                for p in self.to_send
            ],
            "already_sent": [m.unit for m in self.already_sent],
            "no_address": [m.unit for m in self.no_address],
        }  # fmt: skip


@dataclass
class SendResult:
    deliveries: list[Delivery] = field(default_factory=list)
    already_sent: list[OutgoingMail] = field(default_factory=list)
    no_address: list[OutgoingMail] = field(default_factory=list)
    uncertain: list[OutgoingMail] = field(default_factory=list)

    @property
    def sent(self) -> list[Delivery]:
        return [d for d in self.deliveries if d.status == "ok"]

    @property
    def problems(self) -> list[Delivery]:
        """Deliveries with at least one recipient refused or failed (retried next run)."""
        return [d for d in self.deliveries if d.status != "ok"]

    def to_dict(self) -> dict[str, Any]:
        return {
            "deliveries": [d.to_dict() for d in self.deliveries],
            "already_sent": [m.unit for m in self.already_sent],
            "no_address": [m.unit for m in self.no_address],
            "uncertain": [m.unit for m in self.uncertain],
        }


def plan_delivery(
    messages: Iterable[OutgoingMail], ledger_conn: sqlite3.Connection
) -> DeliveryPlan:
    """Split messages into those to send (with the recipients still missing), those that
    every recipient already accepted, and those of units without an address."""
    plan = DeliveryPlan()
    for mail in messages:
        to = _unique(a.strip() for a in mail.to if a and a.strip())
        if not to:
            plan.no_address.append(mail)
            continue
        done = delivered_recipients(ledger_conn, mail.key)
        pending = [a for a in to if a.lower() not in done]
        state = outbox_state(ledger_conn, mail.key)
        if state and state[0] == "sending" and pending:
            plan.uncertain.append(mail)
        if pending:
            plan.to_send.append(PlannedMail(mail, pending))
        else:
            plan.already_sent.append(mail)
    return plan


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return list(seen.values())


def send(
    messages: Iterable[OutgoingMail],
    transport: SmtpTransport,
    ledger_conn: sqlite3.Connection,
    rate_per_minute: float | None = None,
    progress: Callable[[Delivery], None] | None = None,
) -> SendResult:
    """Send each mail to the recipients that have not accepted it yet, recording every outcome.

    Refused recipients and server errors for one mail are reported in its Delivery and do not
    stop the others; losing the connection raises MailError after recording what happened.
    """
    ensure_tables(ledger_conn)
    plan = plan_delivery(messages, ledger_conn)
    result = SendResult(
        already_sent=plan.already_sent, no_address=plan.no_address, uncertain=plan.uncertain
    )
    settings = transport.settings
    interval = 60.0 / rate_per_minute if rate_per_minute else 0.0
    last_sent: float | None = None
    for planned in plan.to_send:
        mail = planned.mail
        valid = [a for a in planned.recipients if _ADDRESS.match(a)]
        outcomes: dict[str, tuple[str, str | None]] = {
            a: ("refused", "Địa chỉ thư không hợp lệ") for a in planned.recipients if a not in valid
        }
        msg = build_message(mail, settings.sender, settings.sender_name, recipients=valid)
        earlier = outbox_state(ledger_conn, mail.key)
        if earlier is not None:  # the same mail again (cut off, or new recipients): same id
            msg.replace_header("Message-ID", earlier[1])
        message_id = str(msg["Message-ID"])
        fatal: MailError | None = None
        if valid:
            if interval and last_sent is not None:
                time.sleep(max(0.0, last_sent + interval - time.monotonic()))
            last_sent = time.monotonic()
            mark_outbox(ledger_conn, mail, message_id, "sending", valid)
            try:
                refused = transport.send(settings.sender, valid, msg.as_bytes(policy=WIRE_POLICY))
                for addr in valid:
                    outcomes[addr] = (
                        ("refused", _reply(*refused[addr])) if addr in refused else ("ok", None)
                    )
            except smtplib.SMTPRecipientsRefused as err:
                for addr in valid:
                    reply = err.recipients.get(addr)
                    outcomes[addr] = ("refused", _reply(*reply) if reply else "bị từ chối")
            except smtplib.SMTPSenderRefused as err:
                text = f"Máy chủ từ chối địa chỉ người gửi {settings.sender}: {_reply(err.smtp_code, err.smtp_error)}"
                outcomes.update({a: ("failed", text) for a in valid})
                fatal = MailError(text + ". Hãy kiểm tra địa chỉ gửi trong cài đặt thư.")
            except smtplib.SMTPServerDisconnected as err:
                outcomes.update({a: ("failed", f"Mất kết nối: {err}") for a in valid})
                fatal = MailError(
                    f"Mất kết nối với máy chủ thư khi gửi cho {mail.unit_name} ({err}). "
                    "Các thư đã gửi được ghi lại; chạy lại lệnh để gửi tiếp."
                )
            except smtplib.SMTPResponseException as err:
                text = _reply(err.smtp_code, err.smtp_error)
                outcomes.update({a: ("failed", text) for a in valid})
            except MailError as err:  # the lazy open() failed
                outcomes.update({a: ("failed", str(err)) for a in valid})
                fatal = err
            except (smtplib.SMTPException, OSError) as err:
                outcomes.update({a: ("failed", str(err)) for a in valid})
                fatal = MailError(
                    f"Lỗi khi gửi thư cho {mail.unit_name} ({err}). "
                    "Các thư đã gửi được ghi lại; chạy lại lệnh để gửi tiếp."
                )
        _record(ledger_conn, mail, message_id, outcomes)
        if valid:
            went = any(res == "ok" for res, _ in outcomes.values())
            mark_outbox(ledger_conn, mail, message_id, "sent" if went else "failed", valid)
        delivery = _delivery(mail, message_id, outcomes)
        result.deliveries.append(delivery)
        if progress is not None:
            progress(delivery)
        if fatal is not None:
            raise fatal
    return result


def _reply(code: int, message: bytes | str) -> str:
    if isinstance(message, bytes):
        message = message.decode("utf-8", "replace")
    return f"{code} {message}".strip()


def _delivery(
    mail: OutgoingMail, message_id: str, outcomes: Mapping[str, tuple[str, str | None]]
) -> Delivery:
    accepted = [a for a, (res, _) in outcomes.items() if res == "ok"]
    refused = {a: err or "" for a, (res, err) in outcomes.items() if res == "refused"}
    failed = {a: err or "" for a, (res, err) in outcomes.items() if res == "failed"}
    if not refused and not failed:
        status = "ok"
    elif failed and not accepted:
        status = "failed"
    elif accepted:
        status = "partial"
    else:
        status = "refused"
    error = "; ".join(f"{a}: {e}" for a, e in {**refused, **failed}.items()) or None
    return Delivery(
        mail.key, mail.unit, mail.unit_name, status, accepted, refused, error, message_id
    )


# ---------------------------------------------------------------------------------------------
# Reminders


@dataclass(frozen=True)
class ReminderTarget:
    """A unit to remind and why: tasks not reported, overdue or missing an output."""

    unit: str
    unit_name: str
    to: list[str]
    tasks: list[TaskLine]


def build_reminders(
    targets: Iterable[ReminderTarget | Sequence[Any]],
    values: Mapping[str, Any],
    period: str,
    as_of: date,
    workspace_dir: Path | None = None,
    attachments: Mapping[str, tuple[Path, str]] | None = None,
) -> list[OutgoingMail]:
    """One reminder mail per unit from ``mail-remind.*``.

    The key includes as_of, so one reminder per unit and day: a re-run the same day sends
    nothing new, a reminder a week later goes out. attachments maps unit -> (workbook path,
    display name) when the unit's workbook should travel again.
    """
    mails = []
    for target in targets:
        if not isinstance(target, ReminderTarget):
            unit, unit_name, to, tasks = target
            target = ReminderTarget(unit, unit_name, list(to), _task_lines(tasks))
        attachment, display = (attachments or {}).get(target.unit, (None, None))
        composed = compose_mail(
            "remind",
            {**values, "don_vi": target.unit_name, "ten_tep": display or ""},
            target.tasks,
            workspace_dir,
        )
        mails.append(
            OutgoingMail(
                key=f"{period}:{target.unit}:remind:{as_of.isoformat()}",
                unit=target.unit,
                unit_name=target.unit_name,
                to=list(target.to),
                subject=composed.subject,
                text=composed.text,
                html=composed.html,
                attachment=attachment,
                attachment_display_name=display,
                kind="remind",
                period=period,
            )
        )
    return mails
