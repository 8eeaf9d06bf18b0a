"""Small helpers shared by the click commands."""

from __future__ import annotations

import json
from typing import Any

import click


def echo_json(data: Any) -> None:
    """Print JSON the same way every time (sorted by our own key order, UTF-8, no ASCII escapes)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))
