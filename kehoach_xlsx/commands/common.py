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
