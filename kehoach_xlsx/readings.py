"""What collect read from a returned file, kept in the ledger so merge need not read it again.

A ``ReturnedBook`` becomes one zlib-compressed JSON blob (table ``readings``, keyed by the
file's sha256) tagged with ``reader_version()``. Rows are stored as lists in the order of
``ReturnedRow``'s fields, and the field names travel with them: a blob written for other
fields, or by another reader version, is simply not used (merge reads the file again).

The file's own path is not stored: the workspace may move, and a reading is rebuilt with the
path the stored copy has now, exactly as reading that copy would give.
"""

from __future__ import annotations

import json
import zlib
from dataclasses import fields
from datetime import date
from operator import attrgetter
from typing import Any

from kehoach_xlsx import __version__
from kehoach_xlsx.returns import (
    READER_VERSION,
    Problem,
    ReturnedBook,
    ReturnedRow,
    ReturnWarning,
    _shared_row,
)

FORMAT = 1  # the layout of the blob itself
_ROW_FIELDS = tuple(f.name for f in fields(ReturnedRow))
_DATE_FIELDS = frozenset(f.name for f in fields(ReturnedRow) if "date" in str(f.type))
_PROBLEM_FIELDS = frozenset(f.name for f in fields(ReturnedRow) if "Problem" in str(f.type))
_row_values = attrgetter(*_ROW_FIELDS)
_DATE_INDEXES = [i for i, name in enumerate(_ROW_FIELDS) if name in _DATE_FIELDS]
_PROBLEM_INDEXES = [i for i, name in enumerate(_ROW_FIELDS) if name in _PROBLEM_FIELDS]
_BOOK_FIELDS = tuple(
    f.name for f in fields(ReturnedBook) if f.name not in {"path", "rows", "warnings"}
)
_WARNING_FIELDS = tuple(f.name for f in fields(ReturnWarning))


def reader_version() -> str:
    """The version a stored reading must carry to be used: reader, package and blob layout."""
    return f"{READER_VERSION}/{__version__}/{FORMAT}"


def dump(book: ReturnedBook) -> bytes | None:
    """The blob for a reading; None when it holds something JSON cannot keep (not stored)."""
    rows = []
    for row in book.rows:
        values = list(_row_values(row))
        for i in _DATE_INDEXES:
            if isinstance(values[i], date):
                values[i] = values[i].isoformat()
        rows.append(values)
    data = {
        "format": FORMAT,
        "row_fields": _ROW_FIELDS,
        "book_fields": _BOOK_FIELDS,
        "warning_fields": _WARNING_FIELDS,
        "book": [getattr(book, name) for name in _BOOK_FIELDS],
        "rows": rows,
        # a warning's file is the book's path (not stored, see module docstring)
        "warnings": [
            [
                None if name == "file" and w.file == book.path else getattr(w, name)
                for name in _WARNING_FIELDS
            ]
            for w in book.warnings
        ],
    }
    try:
        text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    except (TypeError, ValueError):
        return None
    return zlib.compress(text.encode("utf-8"), 1)  # 6 saves 5 % for twice the time


def load(blob: bytes, path: str) -> ReturnedBook | None:
    """The reading a blob holds, for the stored copy at ``path``; None if it does not fit."""
    try:
        data = json.loads(zlib.decompress(blob).decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError):
        return None
    if (
        not isinstance(data, dict)
        or data.get("format") != FORMAT
        or tuple(data.get("row_fields") or ()) != _ROW_FIELDS
        or tuple(data.get("book_fields") or ()) != _BOOK_FIELDS
        or tuple(data.get("warning_fields") or ()) != _WARNING_FIELDS
    ):
        return None
    try:
        return _build(data, path)
    except (TypeError, ValueError, KeyError, IndexError):
        return None  # a damaged blob: read the file again


def _build(data: dict[str, Any], path: str) -> ReturnedBook:
    rows = []
    for values in data["rows"]:
        for i in _DATE_INDEXES:
            if values[i] is not None:
                values[i] = date.fromisoformat(values[i])
        for i in _PROBLEM_INDEXES:
            values[i] = [Problem(*p) for p in values[i]]
        rows.append(_shared_row(*values))  # repeated texts shared, as on arrival from a worker
    book = ReturnedBook(path, **dict(zip(_BOOK_FIELDS, data["book"], strict=True)))
    book.rows = rows
    book.warnings = [
        ReturnWarning(**dict(zip(_WARNING_FIELDS, values, strict=True)))
        for values in data["warnings"]
    ]
    for warning in book.warnings:
        if warning.file is None:
            warning.file = path
    return book
