"""More of the cycle: answers carried to the next period, a return that lost its hidden
sheet, the cron-able month run twice against a real SMTP server, and `collect --imap`
against a real IMAP server (Dovecot) on loopback."""

from __future__ import annotations

import datetime as dt
import email
import json
from email import policy

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from kehoach_xlsx.mail import OutgoingMail, build_message
from tests.conftest import sample_init_args, smtp_args
from tests.test_cycle import fill, run, set_emails, split_json
from tests.test_mailbox import PASSWORD, USER, dovecot, imap  # noqa: F401


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "so"
    run("init", ws, *sample_init_args())
    return ws


def book_of(ws, data, unit):
    return ws / next(f["path"] for f in data["files"] if f["unit"] == unit)


def test_answers_carried_into_next_period(workspace, tmp_path):
    data = split_json(workspace)
    answered = fill(
        book_of(workspace, data, "VP"),
        tmp_path / "vp.xlsx",
        {"A.1": ("Đang thực hiện", None, "Công văn số 88/UBND-VP")},
    )
    run("collect", workspace, answered)
    run("merge", workspace, "--period", "2026-09", "--as-of", "2026-10-10")
    october = split_json(workspace, period="2026-10", due="2026-11-05")
    rows = (
        CalamineWorkbook.from_path(str(book_of(workspace, october, "VP")))
        .get_sheet_by_name("Báo cáo")
        .to_python()
    )
    header = next(i for i, r in enumerate(rows) if "Mã NV" in r)
    cols = {name: rows[header].index(name) for name in rows[header] if name}
    row = next(r for r in rows[header + 1 :] if r[cols["Mã NV"]] == "A.1")
    assert row[cols["Tình trạng"]] == "Đang thực hiện"
    assert row[cols["Sản phẩm đã ban hành (số, ký hiệu)"]] == "Công văn số 88/UBND-VP"


def test_return_without_hidden_sheet_is_identified_by_content(workspace, tmp_path):
    data = split_json(workspace)
    path = tmp_path / "mat-trang-an.xlsx"
    fill(book_of(workspace, data, "PKT"), path, {"B.I.3": ("Đang thực hiện", None, "")})
    book = openpyxl.load_workbook(path)
    del book["_kehoach"]
    for name in list(book.defined_names):
        del book.defined_names[name]
    book.save(path)
    out = json.loads(run("collect", workspace, path, "--json").output)
    received = out["files"][0]
    assert (received["state"], received["unit"], received["period"]) == (
        "accepted",
        "PKT",
        "2026-09",
    )
    assert received["identified_by"] == "content"
    assert "theo nội dung" in received["message"]
    merged = json.loads(
        run("merge", workspace, "--period", "2026-09", "--as-of", "2026-10-10", "--json").output
    )
    item = next(i for i in merged["items"] if i["task_id"] == "B.I.3" and i["unit"] == "PKT")
    assert item["status"] == "in_progress"


def test_month_twice_sends_each_reminder_once(workspace, loopback_smtp):
    store, port = loopback_smtp
    split_json(workspace)
    set_emails(workspace, {"VP": "vp@phuong.test", "MTTQ": "mttq@phuong.test"}, others=None)
    settings = (workspace / "kehoach.toml").read_text(encoding="utf-8")
    settings = settings.replace("report_to = []", 'report_to = ["chutich@phuong.test"]')
    (workspace / "kehoach.toml").write_text(settings, encoding="utf-8")
    args = ["month", workspace, "--as-of", "2026-10-10", *smtp_args(port)]
    first = run(*args, ok=False)
    second = run(*args, ok=False)
    assert first.exit_code == 10 and second.exit_code == 10
    assert "Kỳ tháng 9/2026" in first.output and "chưa báo cáo" in first.output
    recipients = sorted(r for rcpts, _ in store.messages for r in rcpts)
    # one reminder per late unit with an address, one report to the chairman; nothing twice
    assert recipients == ["chutich@phuong.test", "mttq@phuong.test", "vp@phuong.test"]
    reminder = next(c for r, c in store.messages if r == ["mttq@phuong.test"])
    message = email.message_from_bytes(reminder, policy=policy.default)
    body = message.get_body(("plain",)).get_content()
    assert "B.III.15" in body and "chưa báo cáo" in body  # MTTQ leads task 15


@pytest.mark.slow
def test_collect_from_imap_mailbox(workspace, tmp_path, dovecot, monkeypatch):  # noqa: F811
    data = split_json(workspace)
    answered = fill(
        book_of(workspace, data, "CA"),
        tmp_path / "Báo cáo Công an.xlsx",
        {"B.II.7": ("Đã hoàn thành", dt.datetime(2026, 9, 30), "Báo cáo số 5/BC-CAP")},
    )
    mail = OutgoingMail(
        key="x",
        unit="CA",
        unit_name="Công an phường",
        to=["vanphong@phuong.test"],
        subject="Báo cáo tháng 9 - Công an phường",
        text="Gửi Văn phòng",
        html="<p>Gửi</p>",
        attachment=answered,
        attachment_display_name="Báo cáo Công an phường tháng 9.xlsx",
    )
    client = imap(dovecot)
    assert (
        client.append("INBOX", None, None, build_message(mail, "ca@phuong.test").as_bytes())[0]
        == "OK"
    )
    client.logout()
    monkeypatch.setenv("KEHOACH_IMAP_PASSWORD", PASSWORD)
    args = [
        "collect",
        workspace,
        "--imap",
        f"127.0.0.1:{dovecot}",
        "--user",
        USER,
        "--no-ssl",
        "--json",
    ]
    out = json.loads(run(*args).output)
    assert [(f["state"], f["unit"]) for f in out["files"]] == [("accepted", "CA")]
    again = run(*args).output
    assert "Không có tệp đính kèm mới" in again
