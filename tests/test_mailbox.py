"""IMAP collection against a real Dovecot started on 127.0.0.1 for the test session."""

from __future__ import annotations

import email
import getpass
import imaplib
import os
import pwd
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import date
from email import policy
from email.message import EmailMessage
from pathlib import Path

import pytest

from kehoach_xlsx.errors import MailError
from kehoach_xlsx.mail import OutgoingMail, build_message
from kehoach_xlsx.mailbox import (
    fetch_attachments,
    remember_seen,
    safe_original_name,
    stored_name,
)

USER, PASSWORD = "vanphong", "mat-khau-thu"

CONFIG = """\
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = {internal_user}
default_login_user = {login_user}
first_valid_uid = 1
mail_location = maildir:{base}/mail/%u
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {base}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def dovecot():
    """A throw-away Dovecot on 127.0.0.1 (no TLS, plaintext login, Maildir in a temp dir).

    Dovecot refuses to open mail as root, so under root mail belongs to the `dovecot` system
    user; the directory lives in /tmp (not pytest's 0700 tmp_path) so that user can reach it
    and the socket paths stay short.
    """
    binary = shutil.which("dovecot") or (
        "/usr/sbin/dovecot" if Path("/usr/sbin/dovecot").exists() else None
    )
    if binary is None:
        pytest.skip("không chạy được kiểm thử IMAP vì chưa cài Dovecot (gói dovecot-imapd)")
    base = Path(tempfile.mkdtemp(prefix="kh-imap-", dir="/tmp"))
    base.chmod(0o755)
    if os.geteuid() == 0:
        try:
            mail_user = pwd.getpwnam("dovecot")
            pwd.getpwnam("dovenull")
        except KeyError:
            shutil.rmtree(base)
            pytest.skip(
                "không chạy được Dovecot với quyền root vì thiếu người dùng dovecot/dovenull"
            )
        internal_user, login_user = "dovecot", "dovenull"
    else:
        mail_user = pwd.getpwuid(os.getuid())
        internal_user = login_user = getpass.getuser()
    for sub in ("mail", "home"):
        (base / sub).mkdir()
        os.chown(base / sub, mail_user.pw_uid, mail_user.pw_gid)
    (base / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    port = free_port()
    (base / "dovecot.conf").write_text(
        CONFIG.format(
            base=base,
            internal_user=internal_user,
            login_user=login_user,
            uid=mail_user.pw_uid,
            gid=mail_user.pw_gid,
            port=port,
        )
    )
    proc = subprocess.Popen(
        [binary, "-F", "-c", str(base / "dovecot.conf")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                log = (base / "dovecot.log").read_text() if (base / "dovecot.log").exists() else ""
                output = (
                    proc.stdout.read().decode(errors="replace") if proc.poll() is not None else ""
                )
                pytest.skip(
                    f"không khởi động được Dovecot vì: {output or log or 'hết thời gian chờ'}"
                )
            time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        shutil.rmtree(base, ignore_errors=True)


def imap(port: int) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", port, timeout=10)
    client.login(USER, PASSWORD)
    return client


def mail_from_unit(tmp_path: Path, name: str, display: str, content: bytes) -> bytes:
    path = tmp_path / name
    path.write_bytes(content)
    mail = OutgoingMail(
        key="k", unit="PKT", unit_name="Phòng Kinh tế", to=["vanphong@phuong.test"],
        subject="Báo cáo kỳ tháng 9/2026 - Phòng Kinh tế", text="Kính gửi Văn phòng",
        html="<p>Kính gửi Văn phòng</p>", attachment=path, attachment_display_name=display,
    )  # fmt: skip
    return build_message(mail, "pkt@phuong.test", "Phòng Kinh tế").as_bytes()


def outlook_style(content: bytes) -> bytes:
    """A mail whose only name is an RFC 2047 word in a quoted filename, with a path in it."""
    msg = EmailMessage()
    msg["From"] = "Công an phường <ca@phuong.test>"
    msg["Subject"] = "Gửi lại báo cáo"
    msg["Date"] = "Mon, 05 Oct 2026 08:30:00 +0700"
    msg.set_content("Gửi Văn phòng")
    msg.add_attachment(content, maintype="application", subtype="vnd.ms-excel", filename="x.xls")
    raw = msg.as_bytes()
    word = (
        "=?utf-8?b?"
        + __import__("base64").b64encode("..\\..\\Báo cáo CA.xls".encode()).decode()
        + "?="
    )
    return raw.replace(b'filename="x.xls"', f'filename="{word}"'.encode())


def forwarded(inner: bytes) -> bytes:
    msg = EmailMessage()
    msg["From"] = "Chủ tịch <chutich@phuong.test>"
    msg["Subject"] = "Fwd: báo cáo"
    msg.set_content("Chuyển Văn phòng xử lý")
    msg.add_attachment(email.message_from_bytes(inner, policy=policy.default))
    return msg.as_bytes()


def plain_mail() -> bytes:
    msg = EmailMessage()
    msg["From"] = "a@b.test"
    msg["Subject"] = "Thư không có tệp"
    msg.set_content("Xin chào")
    return msg.as_bytes()


@pytest.mark.slow
def test_fetch_attachments_read_only_and_once(dovecot, tmp_path):
    port = dovecot
    books = {
        "pkt": b"PK\x03\x04" + os.urandom(3000),
        "ca": b"\xd0\xcf\x11\xe0" + os.urandom(2000),
        "fwd": b"PK\x03\x04" + os.urandom(1500),
        "big": b"PK\x03\x04" + os.urandom(20_000),
    }
    messages = [
        mail_from_unit(
            tmp_path, "2026-09_pkt.xlsx", "Báo cáo Phòng Kinh tế kỳ 2026-09.xlsx", books["pkt"]
        ),
        outlook_style(books["ca"]),
        plain_mail(),
        forwarded(mail_from_unit(tmp_path, "tdp.ods", "Báo cáo Tổ dân phố số 1.ods", books["fwd"])),
        mail_from_unit(tmp_path, "big.xlsx", "Tệp rất lớn.xlsx", books["big"]),
    ]
    client = imap(port)
    for raw in messages:
        assert client.append("INBOX", None, None, raw)[0] == "OK"
    client.logout()

    ledger = sqlite3.connect(tmp_path / "kehoach.sqlite")
    dest = tmp_path / "returned-inbox"
    result = fetch_attachments(
        "127.0.0.1", port, USER, PASSWORD, since=date(2000, 1, 1),
        dest_dir=dest, ledger_conn=ledger, ssl=False, max_attachment_bytes=10_000,
    )  # fmt: skip
    names = [s.original_name for s in result.saved]
    assert names == [
        "Báo cáo Phòng Kinh tế kỳ 2026-09.xlsx",
        "Báo cáo CA.xls",
        "Báo cáo Tổ dân phố số 1.ods",
    ]
    assert [s.path.read_bytes() for s in result.saved] == [books["pkt"], books["ca"], books["fwd"]]
    assert [s.path.name for s in result.saved] == [
        "1_bao-cao-phong-kinh-te-ky-2026-09.xlsx",
        "2_bao-cao-ca.xls",
        "4_bao-cao-to-dan-pho-so-1.ods",
    ]
    assert all(s.path.parent == dest for s in result.saved)
    assert result.saved[0].sender == "Phòng Kinh tế <pkt@phuong.test>"
    assert result.saved[0].subject == "Báo cáo kỳ tháng 9/2026 - Phòng Kinh tế"
    assert result.saved[1].date is not None and result.saved[1].date.day == 5
    assert result.examined == 5 and result.skipped == 0
    assert len(result.warnings) == 1 and "Tệp rất lớn.xlsx" in result.warnings[0]

    again = fetch_attachments(
        "127.0.0.1", port, USER, PASSWORD, dest_dir=dest, ledger_conn=ledger, ssl=False
    )
    assert again.saved == [] and again.skipped == 5 and again.examined == 0
    assert len(list(dest.iterdir())) == 3

    # still there, unread, unflagged
    client = imap(port)
    client.select("INBOX", readonly=True)
    typ, data = client.uid("FETCH", "1:*", "(FLAGS)")
    client.logout()
    flags = [entry for entry in data if entry]
    assert len(flags) == 5
    assert not any(b"\\Seen" in f or b"\\Deleted" in f or b"\\Flagged" in f for f in flags)
    ledger.close()


@pytest.mark.slow
def test_wrong_password_is_a_vietnamese_mail_error(dovecot, tmp_path):
    ledger = sqlite3.connect(tmp_path / "kehoach.sqlite")
    with pytest.raises(MailError, match="không chấp nhận tên đăng nhập"):
        fetch_attachments(
            "127.0.0.1", dovecot, USER, "sai", dest_dir=tmp_path, ledger_conn=ledger, ssl=False
        )
    ledger.close()


def test_connection_refused_is_a_mail_error(tmp_path):
    ledger = sqlite3.connect(tmp_path / "kehoach.sqlite")
    with pytest.raises(MailError, match="Không kết nối được máy chủ IMAP 127.0.0.1"):
        fetch_attachments(
            "127.0.0.1", free_port(), USER, PASSWORD, dest_dir=tmp_path, ledger_conn=ledger,
            ssl=False, timeout=5,
        )  # fmt: skip
    ledger.close()


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("../../etc/passwd.xlsx", "passwd.xlsx"),
        ("C:\\Users\\Lan\\Báo cáo.xlsx", "Báo cáo.xlsx"),
        ("..xlsx", "xlsx"),
        ("bad\x00name\x1f.xls", "badname.xls"),
        ("", "tep-dinh-kem"),
    ],
)
def test_safe_original_name(raw, expected):
    assert safe_original_name(raw) == expected


def test_stored_name_is_ascii():
    assert stored_name("Báo cáo Phòng Kinh tế.XLSX", ".xlsx", 7) == "7_bao-cao-phong-kinh-te.xlsx"
    assert stored_name("../Đội.xls", ".xls", 3).isascii()


FETCH_WITH_SIZE_LIMIT = """\
import resource, signal, sqlite3, sys
from pathlib import Path
from kehoach_xlsx.errors import KehoachError
from kehoach_xlsx.mailbox import fetch_attachments

port, dest, ledger, limit = int(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], int(sys.argv[4])
dest.mkdir()
conn = sqlite3.connect(ledger)
conn.execute("CREATE TABLE filler (x)")  # the ledger's pages exist before the limit applies
conn.commit()
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit fails with EFBIG
resource.setrlimit(resource.RLIMIT_FSIZE, (limit, resource.RLIM_INFINITY))
try:
    fetch_attachments("127.0.0.1", port, sys.argv[5], sys.argv[6], folder="Loi-ghi",
                      dest_dir=dest, ledger_conn=conn, ssl=False)
except KehoachError as err:
    print(err)
    sys.exit(3)
"""


@pytest.mark.slow
@pytest.mark.skipif(os.name != "posix", reason="RLIMIT_FSIZE là giới hạn của Linux/Unix")
def test_attachment_cut_short_by_the_disk_is_never_left_to_collect(dovecot, tmp_path):
    """A write that fails half-way (a real EFBIG from RLIMIT_FSIZE) leaves no partial workbook
    under a spreadsheet name, and the message is fetched again on the next run."""
    content = b"PK\x03\x04" + os.urandom(200_000)
    client = imap(dovecot)
    client.create("Loi-ghi")
    raw = mail_from_unit(tmp_path, "pkt.xlsx", "Báo cáo PKT.xlsx", content)
    assert client.append("Loi-ghi", None, None, raw)[0] == "OK"
    client.logout()
    dest, ledger_path = tmp_path / "thu", tmp_path / "kehoach.sqlite"
    script = tmp_path / "fetch.py"
    script.write_text(FETCH_WITH_SIZE_LIMIT)
    cut = subprocess.run(
        [sys.executable, str(script), str(dovecot), str(dest), str(ledger_path), "100000",
         USER, PASSWORD],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert cut.returncode == 3, cut.stderr
    assert "Traceback" not in cut.stderr
    assert list(dest.iterdir()) == []  # neither a half workbook nor a temporary file

    ledger = sqlite3.connect(ledger_path)
    first = fetch_attachments(
        "127.0.0.1", dovecot, USER, PASSWORD, folder="Loi-ghi", dest_dir=dest,
        ledger_conn=ledger, ssl=False, remember=False,
    )  # fmt: skip
    assert [s.path.read_bytes() for s in first.saved] == [content]
    # not remembered until the caller has collected the files: the next run fetches it again
    again = fetch_attachments(
        "127.0.0.1", dovecot, USER, PASSWORD, folder="Loi-ghi", dest_dir=dest,
        ledger_conn=ledger, ssl=False, remember=False,
    )  # fmt: skip
    assert len(again.saved) == 1 and again.skipped == 0
    assert again.saved[0].path.read_bytes() == content
    remember_seen(ledger, again)
    last = fetch_attachments(
        "127.0.0.1", dovecot, USER, PASSWORD, folder="Loi-ghi", dest_dir=dest,
        ledger_conn=ledger, ssl=False,
    )  # fmt: skip
    assert last.saved == [] and last.skipped == 1
    assert sorted(p.name for p in dest.iterdir()) == ["1_bao-cao-pkt-2.xlsx", "1_bao-cao-pkt.xlsx"]
    ledger.close()
