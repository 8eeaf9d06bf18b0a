"""Mail: templates, MIME layout, and real SMTP delivery to an aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import email
import hashlib
import socket
import sqlite3
import time
from datetime import date
from email import policy
from pathlib import Path

import pytest

from kehoach_xlsx.errors import MailError
from kehoach_xlsx.mail import (
    OutgoingMail,
    ReminderTarget,
    SmtpSettings,
    SmtpTransport,
    TaskLine,
    build_message,
    build_reminders,
    compose_mail,
    delivery_log,
    plan_delivery,
    render_template,
    send,
    write_drafts,
)

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller", reason="cần gói aiosmtpd")

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
VALUES = {
    "co_quan": "UBND phường An Biên",
    "ke_hoach": "Kế hoạch số 143/KH-UBND ngày 20/4/2026 của UBND phường An Biên",
    "ke_hoach_ngan": "Kế hoạch số 143/KH-UBND",
    "ky": "tháng 9/2026",
    "han": "05/10/2026",
    "lien_he": "Đ/c Nguyễn Thị Lan, ĐT 0225 3840 000",
}
UNITS = [
    ("VHXH", "Phòng Văn hóa - Xã hội", ["vhxh@phuong.test"]),
    ("PKT", "Phòng Kinh tế", ["pkt@phuong.test", "bad@phuong.test"]),
    ("CA", "Công an phường", ["ca@phuong.test"]),
]


class Recorder:
    """aiosmtpd handler: keeps every envelope, answers 550 to addresses in `reject`."""

    def __init__(self) -> None:
        self.envelopes: list[tuple[str, list[str], bytes]] = []
        self.reject: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Recorder()
    controller = aiosmtpd_controller.Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


@pytest.fixture
def ledger(tmp_path):
    conn = sqlite3.connect(tmp_path / "kehoach.sqlite")
    yield conn
    conn.close()


def settings_for(port: int) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        security="none",
        sender="vanphong@phuong.test",
        sender_name="Văn phòng HĐND và UBND phường An Biên",
        timeout=10,
    )


def outgoing(tmp_path: Path) -> list[OutgoingMail]:
    mails = []
    for i, (unit, name, to) in enumerate(UNITS):
        path = tmp_path / f"2026-09_{unit.lower()}.xlsx"
        path.write_bytes(b"PK\x03\x04" + bytes(range(256)) * (50 + i) + unit.encode())
        display = f"Báo cáo {name} kỳ 2026-09.xlsx"
        composed = compose_mail(
            "send",
            {**VALUES, "don_vi": name, "ten_tep": display},
            [
                TaskLine(
                    "B.II.1", "Tuyên truyền Luật Đất đai <sửa đổi>", date(2026, 9, 30), "Chủ trì"
                )
            ],
        )
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        mails.append(
            OutgoingMail(
                key=f"2026-09:{unit}:{sha}",
                unit=unit,
                unit_name=name,
                to=to,
                subject=composed.subject,
                text=composed.text,
                html=composed.html,
                attachment=path,
                attachment_display_name=display,
                period="2026-09",
            )
        )
    return mails


def parse(raw: bytes) -> email.message.EmailMessage:
    return email.message_from_bytes(raw, policy=policy.default)


def test_templates_render_vietnamese_and_escape_html():
    composed = compose_mail(
        "send",
        {**VALUES, "don_vi": "Phòng Kinh tế", "ten_tep": "Báo cáo.xlsx"},
        [("B.I.2", "Rà soát <văn bản> & thủ tục", "Quý IV hằng năm", "Phối hợp")],
    )
    assert composed.subject == (
        "[UBND phường An Biên] Đề nghị báo cáo kết quả thực hiện Kế hoạch số 143/KH-UBND"
        " - kỳ tháng 9/2026 - Phòng Kinh tế"
    )
    assert composed.text.startswith("Kính gửi: Phòng Kinh tế\n")
    assert "Văn phòng HĐND và UBND phường trân trọng đề nghị Phòng Kinh tế" in composed.text
    assert "- [B.I.2] Rà soát <văn bản> & thủ tục (hạn: Quý IV hằng năm): Phối hợp" in composed.text
    assert "Rà soát &lt;văn bản&gt; &amp; thủ tục" in composed.html
    assert "<td" in composed.html and "Tiêu đề" not in composed.html
    assert "<b>trước ngày 05/10/2026</b>" in composed.html


def test_workspace_template_overrides_default_and_bad_placeholder_is_reported(tmp_path):
    folder = tmp_path / "mau-thu"
    folder.mkdir()
    (folder / "mail-send.txt").write_text(
        "\ufeffTiêu đề: Gửi $don_vi\n\nThân gửi $don_vi, hạn $han.\n", encoding="utf-8"
    )
    composed = compose_mail("send", {**VALUES, "don_vi": "Phòng Kinh tế"}, [], tmp_path)
    assert composed.subject == "Gửi Phòng Kinh tế"
    assert composed.text == "Thân gửi Phòng Kinh tế, hạn 05/10/2026.\n"
    # the HTML template was not overridden, so it stays the packaged one
    assert "Văn phòng HĐND và UBND phường trân trọng đề nghị" in composed.html

    (folder / "mail-remind.txt").write_text("Chào $donvi", encoding="utf-8")
    with pytest.raises(MailError, match=r"\$donvi"):
        render_template("mail-remind.txt", VALUES, tmp_path)


def test_attachment_headers_carry_slug_and_vietnamese_name(tmp_path):
    mail = outgoing(tmp_path)[0]
    raw = build_message(mail, "vanphong@phuong.test", "Văn phòng").as_bytes()
    head = raw.split(b"\r\n\r\n--", 1)[1]
    assert b'filename="2026-09_vhxh.xlsx"' in head  # ASCII name for old readers
    assert b"filename*0*=utf-8''B%C3%A1o%20c%C3%A1o" in head  # RFC 2231
    assert b'name="=?utf-8?b?' in head  # RFC 2047, what Outlook reads
    assert max(len(line) for line in raw.split(b"\r\n")) <= 998
    msg = parse(raw)
    (part,) = msg.iter_attachments()
    assert part.get_content_type() == XLSX
    assert part.get_filename() == "Báo cáo Phòng Văn hóa - Xã hội kỳ 2026-09.xlsx"
    assert part["Content-Type"].params["name"] == "Báo cáo Phòng Văn hóa - Xã hội kỳ 2026-09.xlsx"
    # no parse trouble except the duplicate filename we put there on purpose
    defects = [str(d) for d in part["Content-Disposition"].defects]
    assert all("duplicate" in d for d in defects), defects
    assert msg["Subject"] == mail.subject  # spaces between encoded-words survive


def test_send_delivers_reports_refusal_and_retries(smtp_server, ledger, tmp_path):
    handler, port = smtp_server
    handler.reject.add("bad@phuong.test")
    mails = outgoing(tmp_path) + [
        OutgoingMail("2026-09:TDP1:x", "TDP1", "Tổ dân phố số 1", [], "s", "t", "<p>h</p>")
    ]
    seen = []
    with SmtpTransport(settings_for(port)) as transport:
        result = send(mails, transport, ledger, progress=seen.append)

    assert [m.unit for m in result.no_address] == ["TDP1"]
    assert [d.status for d in result.deliveries] == ["ok", "partial", "ok"]
    assert seen == result.deliveries
    partial = result.deliveries[1]
    assert partial.accepted == ["pkt@phuong.test"]
    assert partial.refused["bad@phuong.test"].startswith("550")
    assert len(handler.envelopes) == 3

    by_rcpt = {tuple(rcpts): parse(content) for _, rcpts, content in handler.envelopes}
    for mail in mails[:3]:
        msg = by_rcpt[tuple(a for a in mail.to if a != "bad@phuong.test")]
        assert msg["Subject"] == mail.subject
        assert str(msg["From"].addresses[0].display_name) == "Văn phòng HĐND và UBND phường An Biên"
        assert msg.get_body(("plain",)).get_content().replace("\r\n", "\n") == mail.text
        assert f"Kính gửi: <b>{mail.unit_name}</b>" in msg.get_body(("html",)).get_content()
        (part,) = msg.iter_attachments()
        assert part.get_filename() == mail.attachment_display_name
        assert (
            hashlib.sha256(part.get_content()).digest()
            == hashlib.sha256(mail.attachment.read_bytes()).digest()
        )

    # second run: nothing new, only the refused recipient is still pending
    plan = plan_delivery(mails, ledger)
    assert [(p.mail.unit, p.recipients) for p in plan.to_send] == [("PKT", ["bad@phuong.test"])]
    with SmtpTransport(settings_for(port)) as transport:
        again = send(mails, transport, ledger)
    assert [d.status for d in again.deliveries] == ["refused"]
    assert len(handler.envelopes) == 3

    handler.reject.clear()  # the unit fixed its mailbox
    with SmtpTransport(settings_for(port)) as transport:
        third = send(mails, transport, ledger)
    assert [(d.unit, d.status, d.accepted) for d in third.deliveries] == [
        ("PKT", "ok", ["bad@phuong.test"])
    ]
    assert handler.envelopes[-1][1] == ["bad@phuong.test"]
    with SmtpTransport(settings_for(port)) as transport:
        fourth = send(mails, transport, ledger)
    assert fourth.deliveries == [] and len(fourth.already_sent) == 3
    assert len(handler.envelopes) == 4

    log = delivery_log(ledger, period="2026-09")
    assert [(r["unit"], r["recipients"], r["result"]) for r in log] == [
        ("VHXH", "vhxh@phuong.test", "ok"),
        ("PKT", "pkt@phuong.test", "ok"),
        ("PKT", "bad@phuong.test", "refused"),
        ("CA", "ca@phuong.test", "ok"),
        ("PKT", "bad@phuong.test", "refused"),
        ("PKT", "bad@phuong.test", "ok"),
    ]
    assert all(r["message_id"].startswith("<") for r in log)


def test_invalid_address_is_refused_without_stopping_others(smtp_server, ledger, tmp_path):
    handler, port = smtp_server
    mails = outgoing(tmp_path)
    broken = OutgoingMail(**{**mails[0].__dict__, "to": ["vhxh@@phuong"], "key": "k-broken"})
    with SmtpTransport(settings_for(port)) as transport:
        result = send([broken, mails[2]], transport, ledger)
    assert [d.status for d in result.deliveries] == ["refused", "ok"]
    assert "không hợp lệ" in result.deliveries[0].refused["vhxh@@phuong"]
    assert len(handler.envelopes) == 1


def test_connection_failure_raises_mail_error_after_recording(ledger, tmp_path):
    port = free_port()  # nothing listens there
    with pytest.raises(MailError, match="Không kết nối được máy chủ thư 127.0.0.1"):
        send(outgoing(tmp_path), SmtpTransport(settings_for(port)), ledger)
    log = delivery_log(ledger)
    assert [(r["unit"], r["result"]) for r in log] == [("VHXH", "failed")]
    assert len(plan_delivery(outgoing(tmp_path), ledger).to_send) == 3


def test_rate_limit_spaces_messages(smtp_server, ledger, tmp_path):
    handler, port = smtp_server
    started = time.monotonic()
    with SmtpTransport(settings_for(port)) as transport:
        send(outgoing(tmp_path), transport, ledger, rate_per_minute=300)  # one per 0.2 s
    assert time.monotonic() - started >= 0.4
    assert len(handler.envelopes) == 3


def test_password_is_required_when_user_is_set(smtp_server, ledger, tmp_path, monkeypatch):
    _, port = smtp_server
    monkeypatch.delenv("KEHOACH_SMTP_PASSWORD", raising=False)
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
    settings = SmtpSettings(**{**settings_for(port).__dict__, "user": "vanphong"})
    with pytest.raises(MailError, match="KEHOACH_SMTP_PASSWORD"):
        send(outgoing(tmp_path)[:1], SmtpTransport(settings), ledger)


def test_eml_drafts_parse_back_with_attachment(tmp_path):
    mails = outgoing(tmp_path)
    paths = write_drafts(mails, tmp_path / "drafts", "vanphong@phuong.test", "Văn phòng")
    assert [p.name for p in paths] == [
        "send_2026-09_vhxh.eml",
        "send_2026-09_pkt.eml",
        "send_2026-09_ca.eml",
    ]
    for mail, path in zip(mails, paths, strict=True):
        with path.open("rb") as fh:
            msg = email.message_from_binary_file(fh, policy=policy.default)
        assert msg["X-Unsent"] == "1"
        assert msg["To"] == ", ".join(mail.to)
        assert msg["Subject"] == mail.subject
        (part,) = msg.iter_attachments()
        assert part.get_filename() == mail.attachment_display_name
        assert part.get_content() == mail.attachment.read_bytes()


def test_reminders_list_problems_and_key_per_day():
    targets = [
        ReminderTarget(
            "PKT",
            "Phòng Kinh tế",
            ["pkt@phuong.test"],
            [TaskLine("B.III.4", "Kiểm tra hộ kinh doanh", date(2026, 9, 15), "Quá hạn 12 ngày")],
        ),
        ("CA", "Công an phường", [], [("A.2", "Tuyên truyền", None, "Chưa gửi báo cáo")]),
    ]
    mails = build_reminders(targets, VALUES, "2026-09", date(2026, 9, 27))
    assert [m.key for m in mails] == [
        "2026-09:PKT:remind:2026-09-27",
        "2026-09:CA:remind:2026-09-27",
    ]
    assert mails[0].kind == "remind" and mails[0].attachment is None
    assert mails[0].subject.startswith("[UBND phường An Biên] Đôn đốc báo cáo")
    assert "- [B.III.4] Kiểm tra hộ kinh doanh (hạn: 15/09/2026): Quá hạn 12 ngày" in mails[0].text
    assert "Công an phường" in mails[1].html and "Chưa gửi báo cáo" in mails[1].html
