"""`send` killed mid-run: the next run sends only what is missing; at most the one mail in
flight goes twice, and the copy carries the same Message-ID (recognisable as a duplicate)."""

from __future__ import annotations

import asyncio
import email
import signal
import sqlite3
import time
from collections import Counter
from email import policy
from pathlib import Path

import openpyxl
import pytest

from tests.conftest import serve_smtp
from tests.ops_plan import finish, kehoach, make_workspace

pytest.importorskip("aiosmtpd.controller", reason="cần gói aiosmtpd")


class SlowStore:
    """Keeps each message as soon as it has the data, then takes its time to say 250: a kill
    in that moment leaves the client unsure whether the mail went."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        await asyncio.sleep(self.delay)
        return "250 OK"


@pytest.fixture
def slow_smtp():
    with serve_smtp(SlowStore(delay=0.4)) as served:
        yield served


def give_addresses(ws: Path) -> list[str]:
    """Type an address for every unit in "Đơn vị" of phan-cong.xlsx, as the coordinator."""
    book = openpyxl.load_workbook(ws / "phan-cong.xlsx")
    sheet = book["Đơn vị"]
    header = next(r for r in sheet.iter_rows(max_row=20) if any(c.value == "Mã" for c in r))
    cols = {c.value: c.column for c in header if c.value}
    codes = []
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        code = row[cols["Mã"] - 1].value
        if code:
            sheet.cell(row[0].row, cols["Email"]).value = f"{code.lower()}@tinh.test"
            codes.append(code)
    book.save(ws / "phan-cong.xlsx")
    return codes


def send_args(ws: Path, port: int) -> list[object]:
    return ["send", ws, "--period", "2026-09", "--host", "127.0.0.1", "--port", port,
            "--security", "none", "--sender", "vanphong@tinh.test"]  # fmt: skip


@pytest.mark.parametrize("signum", [signal.SIGKILL, signal.SIGTERM])
def test_send_cut_off_resends_only_the_uncertain_mail(tmp_path, slow_smtp, signum):
    store, port = slow_smtp
    ws = make_workspace(tmp_path)
    codes = give_addresses(ws)
    proc = kehoach(*send_args(ws, port))
    deadline = time.monotonic() + 120
    while len(store.messages) < 4:
        assert time.monotonic() < deadline and proc.poll() is None
        time.sleep(0.01)
    proc.send_signal(signum)  # the 4th mail is with the server, its 250 not yet back
    code, out, err = finish(proc)
    assert "Traceback" not in err, err
    if signum == signal.SIGTERM:
        assert code == 128 + signum and err.strip().endswith("Đã dừng."), err
    first_run = len(store.messages)

    code, out, err = finish(kehoach(*send_args(ws, port)))
    assert code == 0, err
    assert "đã gửi lại (cùng mã thư" in out, out
    keys = Counter(m["X-Kehoach-Key"] for m in store.messages)
    assert len(keys) == len(codes)  # every unit got its workbook
    twice = [k for k, n in keys.items() if n > 1]
    assert len(twice) == 1 and keys[twice[0]] == 2  # at most the one in flight, once more
    copies = [m for m in store.messages if m["X-Kehoach-Key"] == twice[0]]
    assert copies[0]["Message-ID"] == copies[1]["Message-ID"]
    assert store.messages.index(copies[1]) >= first_run
    ids = {m["Message-ID"] for m in store.messages}
    assert len(ids) == len(codes)
    with sqlite3.connect(ws / "kehoach.sqlite") as conn:
        states = Counter(s for (s,) in conn.execute("SELECT state FROM outbox"))
    assert states == {"sent": len(codes)}

    # a third run sends nothing; Message-IDs depend on plan, period, unit and round only
    code, out, err = finish(kehoach(*send_args(ws, port)))
    assert code == 0 and len(store.messages) == len(codes) + 1
