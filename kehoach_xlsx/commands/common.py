"""Small helpers shared by the click commands."""

from __future__ import annotations

import functools
import json
import sqlite3
import sys
from pathlib import Path
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


def holds_workspace(command: str):
    """Run the command holding the workspace lock (one writing run at a time per workspace).

    Put it right above `def`, below the click decorators; the workspace is the `directory`
    argument. A directory that does not exist yet (a first `init`) has nothing to guard.
    """

    def decorate(function):
        @functools.wraps(function)
        def run(*args, **kwargs):
            from kehoach_xlsx.errors import FileAccessError, KehoachError
            from kehoach_xlsx.fileio import explain_os_error
            from kehoach_xlsx.ledger import explain_ledger_error
            from kehoach_xlsx.lock import workspace_lock
            from kehoach_xlsx.workspace import LEDGER

            directory = kwargs.get("directory")
            if directory is None or not Path(directory).is_dir():
                return function(*args, **kwargs)
            try:
                with workspace_lock(directory, command):
                    return function(*args, **kwargs)
            except KehoachError:
                raise
            except OSError as err:  # a write on a full disk names no file: name the workspace
                raise FileAccessError(explain_os_error(err, directory)) from err
            except sqlite3.Error as err:
                message = explain_ledger_error(err, Path(directory) / LEDGER)
                raise FileAccessError(message) from err

        return run

    return decorate


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


def echo_warnings(warnings: list, limit: int | None = None, where_to_look: str = "") -> None:
    """ "Cần kiểm tra (n):" then one line a warning: its stable code (the same as in --json),
    where it is, and the Vietnamese message; with a limit, the rest are counted, not dropped."""
    if not warnings:
        return
    click.echo(f"Cần kiểm tra ({len(warnings)}){where_to_look}:")
    for warning in warnings[:limit]:
        file, line = getattr(warning, "file", None), getattr(warning, "line", None)
        where = f"{file}:{line} " if file and line else f"{file} " if file else ""
        click.echo(f"  [{warning.code}] {where}{warning.message}")
    if limit is not None and len(warnings) > limit:
        click.echo(f"  … và {len(warnings) - limit} điểm khác (xem --json).")


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
