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


# Up to this many per-unit lines are printed as they are; more become a summary line.
SHORT_LIST = 10


def verbose_option(function):
    """`--verbose`: print the full per-unit/per-file list (--json always has it)."""
    return click.option("--verbose", "-v", is_flag=True, help="In đầy đủ từng đơn vị/từng tệp.")(
        function
    )


def echo_lines(lines: list[str], verbose: bool, noun: str) -> None:
    """Per-item lines: all of them with --verbose or when they are few, else one line saying
    how to see them (a province's 2,000 units would scroll the summary away)."""
    if verbose or len(lines) <= SHORT_LIST:
        for line in lines:
            click.echo(line)
    elif lines:
        click.echo(f"  ({len(lines)} {noun}: thêm --verbose để xem từng dòng, hoặc --json.)")


class Counter:
    """Progress for a stream of unknown length (one call per item): a count on stderr."""

    def __init__(self, label: str, quiet: bool) -> None:
        self.label, self.done = label, 0
        self.shown = not quiet and sys.stderr.isatty()

    def __call__(self, *_: object) -> None:
        self.done += 1
        if self.shown:
            click.echo(f"\r{self.label}: {self.done}", nl=False, err=True)

    def close(self) -> None:
        if self.shown and self.done:
            click.echo("", err=True)
