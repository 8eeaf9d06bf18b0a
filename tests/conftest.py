"""Shared fixtures: paths to the seed plans and a fresh workspace folder."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest_plugins = ["tests.office"]

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT.parent / "shared" / "seeds"
DATA = Path(__file__).resolve().parent / "data"


def seed(prefix: str) -> Path:
    """Path of the seed plan whose name starts with prefix ("002")."""
    matches = sorted(SEEDS.glob(f"{prefix}_*.txt"))
    if not matches:
        pytest.skip(f"không thấy kế hoạch mẫu {prefix} trong {SEEDS}")
    return matches[0]


@pytest.fixture
def seeds_dir() -> Path:
    return SEEDS
