"""Small helpers shared by the click commands."""

from __future__ import annotations

import json
import sys
from typing import Any

import click


def echo_json(data: Any) -> None:
    """Print JSON the same way every time (sorted by our own key order, UTF-8, no ASCII escapes)."""
    click.echo(json.dumps(data, ensure_ascii=False, indent=2, default=str))


def progress_bar(label: str, quiet: bool, minimum: int = 5):
    """A terminal progress bar on stderr (nothing when --json or fewer than `minimum` items)."""
    state: dict = {}

    def update(done: int, total: int, *_: object) -> None:
        if quiet or total < minimum:
            return
        if "bar" not in state:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        state["bar"].update(1)
        if done >= total:
            state["bar"].__exit__(None, None, None)

    return update
