"""A unit whose file was refused is told why, and what to do, in its reminder and the letter."""

from __future__ import annotations

import datetime as dt
import email
from email import policy

import docx
import pytest

from kehoach_xlsx.collect import collect_files
from kehoach_xlsx.rounds import MailOptions, remind_period, unit_addresses
from kehoach_xlsx.workspace import Workspace
from tests.hostile_kit import PERIOD, make_workspace

AS_OF = dt.date(2026, 10, 10)


@pytest.fixture(scope="module")
def reminded(tmp_path_factory):
    root = tmp_path_factory.mktemp("remind-refused")
    ws, books = make_workspace(root)
    inbox = root / "nhan"
    inbox.mkdir()
    # the sent workbook, cut short by a broken mail client: same name as we sent it
    sent = books["PKT"]
    (inbox / sent.name).write_bytes(sent.read_bytes()[:3000])
    # a scan instead of the workbook, named with the unit's code
    (inbox / "Bao cao PVHXH thang 9.pdf").write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\n")
    # a name that fits no unit, and one that fits two: nobody is told about these
    (inbox / "bao-cao.xlsx").write_bytes(b"PK\x03\x04 not a zip, one")
    (inbox / "Bao cao PKT va PVHXH.xlsx").write_bytes(b"PK\x03\x04 not a zip, two")
    collected = collect_files(ws, [inbox])
    assert {f.state for f in collected.files} == {"rejected"}
    drafts = root / "nhac"
    run = remind_period(ws, PERIOD, AS_OF, MailOptions(eml_dir=drafts), letter=True)
    owner = {a: unit for unit, to in unit_addresses(Workspace.open(ws)).items() for a in to}
    mails = {}
    for path in sorted(drafts.rglob("*.eml")):
        message = email.message_from_bytes(path.read_bytes(), policy=policy.default)
        text = message.get_body(("plain",)).get_content()
        page = message.get_body(("html",)).get_content()
        mails[owner[message["To"].addresses[0].addr_spec]] = (text, page)
    letter = "\n".join(p.text for p in docx.Document(ws / run.data["letter"]).paragraphs)
    return mails, letter, sent.name


def _mail_for(mails, unit):
    assert unit in mails, list(mails)
    return mails[unit]


def test_reminder_says_why_the_file_was_refused(reminded):
    mails, _letter, sent_name = reminded
    text, page = _mail_for(mails, "PKT")
    assert f"Tệp “{sent_name}” nhận ngày" in text
    assert "chưa sử dụng được" in text and "Đề nghị" in text
    assert text.index("- [") < text.index(sent_name)  # after the task list
    assert sent_name in page
    assert text.count(sent_name) == 2  # the reason names the file as sent, not as stored


def test_a_wrong_kind_of_file_gets_its_own_advice(reminded):
    mails, _letter, _ = reminded
    text, _ = _mail_for(mails, "PVHXH")
    assert "Bao cao PVHXH thang 9.pdf" in text
    assert "không gửi ảnh, PDF" in text


def test_files_matching_no_unit_or_two_are_not_told_to_anyone(reminded):
    mails, letter, _ = reminded
    for text, _ in mails.values():
        assert "“bao-cao.xlsx”" not in text
        assert "PKT va PVHXH" not in text
    assert "PKT va PVHXH" not in letter


def test_letter_lists_the_refused_files(reminded):
    _mails, letter, sent_name = reminded
    assert "đã nhận nhưng chưa sử dụng được" in letter
    assert sent_name in letter and "Bao cao PVHXH thang 9.pdf" in letter
