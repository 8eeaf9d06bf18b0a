"""Shared fixtures: the project's sample plan, the seed plans (development only), SMTP."""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

from kehoach_xlsx.sample import plan_files, registry_file

pytest_plugins = ["tests.office"]

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def sample_init_args(kind: str = "txt") -> list[str]:
    """`kehoach init` options for the project's own sample plan and its unit registry: the
    plan every whole-cycle test runs on, so a bare clone drives the whole cycle."""
    body, appendix = plan_files(kind)
    return ["--plan", str(body), "--plan", str(appendix), "--units", str(registry_file())]


def seed(prefix: str) -> Path:
    """Path of the seed plan whose name starts with prefix ("002"): development material in
    ../shared, absent from a clone, so tests that need it skip and say so."""
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(
            f"cần kế hoạch seed {prefix} của ../shared (chỉ có khi phát triển): không thấy trong {SEEDS}"
        )
    return matches[0]


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS


class SmtpStore:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's name)
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@contextlib.contextmanager
def serve_smtp(handler):
    """Run a real SMTP server (aiosmtpd) on a free port of 127.0.0.1 with this handler;
    yields (handler, port) and stops the server afterwards."""
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def loopback_smtp():
    """A real SMTP server (aiosmtpd) on 127.0.0.1; yields (store, port)."""
    with serve_smtp(SmtpStore()) as served:
        yield served


def smtp_args(port: int) -> list[str]:
    """CLI options that send through the loopback server without TLS."""
    return [
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--security",
        "none",
        "--sender",
        "vanphong@phuong.test",
    ]
