"""The hidden "_kehoach" sheet that lets us recognise a returned unit workbook.

Layout (docs/design.md, "Identity sheet"): A1 `kehoach_xlsx`, B1 format version `1`; key/value
rows; then a `task_id | fingerprint | role | row` header and one row per task. Everything is
written as strings; the reader also accepts what LibreOffice or Excel may turn them into
(1.0 for "1", real dates for ISO dates).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from xlsxwriter.workbook import Workbook

from kehoach_xlsx.vntext import nfc
from kehoach_xlsx.workbook.styles import WorkbookWriteError, write_text

IDENTITY_SHEET = "_kehoach"
IDENTITY_MARK = "kehoach_xlsx"
FORMAT_VERSION = 1
DEFINED_NAME = "kehoach_workbook_id"
KEYS = (
    "plan_id",
    "plan_number",
    "plan_title",
    "unit",
    "unit_name",
    "period",
    "due",
    "generated",
    "workbook_id",
)
TASK_HEADER = ("task_id", "fingerprint", "role", "row")


@dataclass
class BookIdentity:
    """Who a unit workbook was made for, for which plan and period, and when."""

    plan_id: str
    plan_number: str
    plan_title: str
    unit: str
    unit_name: str
    period: str
    due: date | None  # always set when we write; None only if a returned copy lost it
    generated: datetime | None
    workbook_id: str
    format_version: int = FORMAT_VERSION


@dataclass
class IdentityRow:
    """One task as we wrote it: its fingerprint, role and the 1-based sheet row."""

    task_id: str
    fingerprint: str
    role: str
    row: int | None


def fingerprint(task_id: str, title: str, role: str, outputs_joined: str, due_display: str) -> str:
    """First 16 hex chars of sha256 over the NFC, \\x1f-joined assigned texts."""
    text = nfc("\x1f".join([task_id, title, role, outputs_joined, due_display]))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def write_identity(
    workbook: Workbook, identity: BookIdentity, rows: Iterable[tuple[str, str, str, int]]
) -> None:
    """Add the veryHidden "_kehoach" sheet and the `kehoach_workbook_id` defined name.

    `rows` are (task_id, fingerprint, role, 1-based sheet row).
    """
    sheet = workbook.add_worksheet(IDENTITY_SHEET)
    write_text(sheet, 0, 0, IDENTITY_MARK)
    write_text(sheet, 0, 1, str(identity.format_version))
    values = {
        "plan_id": identity.plan_id,
        "plan_number": identity.plan_number,
        "plan_title": identity.plan_title,
        "unit": identity.unit,
        "unit_name": identity.unit_name,
        "period": identity.period,
        "due": identity.due.isoformat() if identity.due else "",
        "generated": _iso_utc(identity.generated),
        "workbook_id": identity.workbook_id,
    }
    row = 1
    for key in KEYS:
        write_text(sheet, row, 0, key)
        write_text(sheet, row, 1, values[key] or "")
        row += 1
    for col, text in enumerate(TASK_HEADER):
        write_text(sheet, row, col, text)
    put_row = getattr(sheet, "put_row", None)  # FastWorksheet: the whole row at once
    for task_id, print_, role, sheet_row in rows:
        row += 1
        cells = [(task_id, None), (print_, None), (role, None), (str(sheet_row), None)]
        if put_row is None or not put_row(row, 0, cells):
            for col, (text, _) in enumerate(cells):
                write_text(sheet, row, col, text)
    sheet.set_column(0, 0, 20)
    sheet.set_column(1, 1, 40)
    sheet.very_hidden()
    if not re.fullmatch(r"[0-9A-Za-z_-]{1,64}", identity.workbook_id):
        raise WorkbookWriteError(f"Mã tệp không hợp lệ: {identity.workbook_id!r}.")
    workbook.define_name(DEFINED_NAME, f'="{identity.workbook_id}"')


def _iso_utc(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC).isoformat(timespec="seconds")


def cell_text(value: Any) -> str:
    """A cell value as the string we wrote: 1.0 -> "1", a date -> ISO, None -> ""."""
    if type(value) is str:  # most cells: one check instead of five (phan-cong.xlsx: 40,000)
        return unicodedata.normalize("NFC", value).strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return repr(value)
    if isinstance(value, datetime):
        if value.time() == datetime.min.time() and value.tzinfo is None:
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return nfc(str(value)).strip()


def _parse_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = cell_text(value)
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def _parse_datetime(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    text = cell_text(value)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _parse_int(value: Any) -> int | None:
    text = cell_text(value)
    try:
        return int(float(text))
    except ValueError:
        return None


def read_identity(
    sheet_rows: Sequence[Sequence[Any]],
) -> tuple[BookIdentity | None, list[IdentityRow]]:
    """Parse the "_kehoach" sheet's cells (as python-calamine gives them) back.

    Returns (None, []) when the sheet is not ours (no `kehoach_xlsx` mark) or lacks the unit
    or the workbook id; task rows with an empty task id are skipped.
    """
    rows = [list(row) for row in sheet_rows]
    start = None
    for index, row in enumerate(rows):
        if row and cell_text(row[0]) == IDENTITY_MARK:
            start = index
            break
    if start is None:
        return None, []
    version = _parse_int(rows[start][1]) if len(rows[start]) > 1 else None
    values: dict[str, Any] = {}
    index = start + 1
    while index < len(rows):
        row = rows[index] + ["", "", "", ""]
        key = cell_text(row[0])
        index += 1
        if key == TASK_HEADER[0] and cell_text(row[1]) == TASK_HEADER[1]:
            break
        if key:
            values[key] = row[1]
    tasks: list[IdentityRow] = []
    for row in rows[index:]:
        row = list(row) + ["", "", "", ""]
        task_id = cell_text(row[0])
        if not task_id:
            continue
        tasks.append(
            IdentityRow(
                task_id=task_id,
                fingerprint=cell_text(row[1]),
                role=cell_text(row[2]),
                row=_parse_int(row[3]),
            )
        )
    unit = cell_text(values.get("unit"))
    workbook_id = cell_text(values.get("workbook_id"))
    if not unit or not workbook_id:
        return None, tasks
    identity = BookIdentity(
        plan_id=cell_text(values.get("plan_id")),
        plan_number=cell_text(values.get("plan_number")),
        plan_title=cell_text(values.get("plan_title")),
        unit=unit,
        unit_name=cell_text(values.get("unit_name")),
        period=cell_text(values.get("period")),
        due=_parse_date(values.get("due")),
        generated=_parse_datetime(values.get("generated")),
        workbook_id=workbook_id,
        format_version=version if version is not None else FORMAT_VERSION,
    )
    return identity, tasks


def proven_rows(
    sent_rows: Iterable[dict[str, Any]],
    identity_prints: set[tuple[str, str]],
    shown: dict[str, dict[str, str]],
) -> int:
    """How many rows of a workbook we sent a returned file still proves it came from.

    A row counts when the file's identity sheet lists its (task id, fingerprint), or when its
    locked texts as found in the data sheet (``shown``: task id -> {"Nhiệm vụ", "Sản phẩm
    đầu ra", "Hạn"}) give the fingerprint we recorded. Typing another unit's code into the
    identity sheet changes neither, so this is the evidence that decides who sent a file.
    """
    proven = 0
    for row in sent_rows:
        task_id, recorded = row.get("task_id") or "", row.get("fingerprint") or ""
        if not task_id or not recorded:
            continue
        if (task_id, recorded) in identity_prints:
            proven += 1
            continue
        texts = shown.get(task_id)
        if texts is not None and recorded == fingerprint(
            task_id,
            texts.get("Nhiệm vụ", ""),
            row.get("role") or "",
            texts.get("Sản phẩm đầu ra", ""),
            texts.get("Hạn", ""),
        ):
            proven += 1
    return proven
