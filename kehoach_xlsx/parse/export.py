"""The task list workbook of `kehoach parse -o nhiem-vu.xlsx`, and reading it back.

The coordinator completes this workbook in Excel and gives it to `kehoach init --plan`: every
task read from the plan, plus the items marked "cần kiểm tra" (numbered items that look
assignable but name no lead). A hidden sheet marks the workbook as ours and keeps what was
written, so rows nobody touched read back exactly (ids, leads, coordinators, outputs,
deadlines, sources) and edited cells are read as the coordinator typed them.
"""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date
from pathlib import Path

import xlsxwriter

from kehoach_xlsx.errors import PlanFormatError
from kehoach_xlsx.fileio import atomic_write_bytes
from kehoach_xlsx.model import Plan, PlanMeta, PlanWarning, Section, Source, Task
from kehoach_xlsx.parse.blocks import one_line
from kehoach_xlsx.parse.candidates import REVIEW_MARK, Candidate
from kehoach_xlsx.vntext import fold, nfc

SHEET = "Nhiệm vụ"
STATE_SHEET = "_kehoach"
MARKER = "kehoach-xlsx:nhiem-vu"
VERSION = 1
HEADERS = (
    "Mã NV",
    "TT",
    "Mục",
    "Nhiệm vụ",
    "Chủ trì",
    "Phối hợp",
    "Sản phẩm đầu ra",
    "Tiến độ",
    "Nguồn",
    "Kiểm tra",
)
WIDTHS = (10, 6, 8, 60, 30, 30, 30, 24, 22, 24)
MAX_ROWS = 20_000
MAX_BYTES = 50 * 1024 * 1024


def write_tasks_workbook(plan: Plan, path: Path, candidates: list[Candidate] = ()) -> None:
    """Tasks, then candidates marked "cần kiểm tra", and the hidden state sheet."""
    rows = [(task, "") for task in plan.tasks]
    taken = {task.id for task in plan.tasks}
    for candidate in candidates:
        task_id = unique_id(f"L{candidate.line}", taken)
        note = f"{REVIEW_MARK}: chưa ghi đơn vị chủ trì"
        if candidate.parent:
            note += f"; thuộc mục “{candidate.parent[:100]}”"
        rows.append((candidate.as_task(task_id), note))
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    workbook.set_custom_property("kehoach", f"{MARKER}/{VERSION}")
    header = workbook.add_format(
        {"bold": True, "font_name": "Times New Roman", "border": 1, "text_wrap": True}
    )
    header.set_align("top")
    cell = workbook.add_format({"font_name": "Times New Roman", "border": 1, "text_wrap": True})
    cell.set_align("top")
    review = workbook.add_format(
        {"font_name": "Times New Roman", "border": 1, "text_wrap": True, "bg_color": "#FFF2CC"}
    )
    review.set_align("top")
    sheet = workbook.add_worksheet(SHEET)
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.freeze_panes(1, 0)
    for col, (title, width) in enumerate(zip(HEADERS, WIDTHS, strict=True)):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, title, header)
    written: list[dict] = []
    for row, (task, note) in enumerate(rows, start=1):
        values = row_values(task) + (note,)
        for col, value in enumerate(values):
            sheet.write_string(row, col, value[:32767], review if note else cell)
        written.append({"task": task.to_dict(), "cells": list(values[:-1])})
    sheet.autofilter(0, 0, max(len(rows), 1), len(HEADERS) - 1)
    state = workbook.add_worksheet(STATE_SHEET)
    state.hide()
    state.write_string(0, 0, MARKER)
    state.write_string(0, 1, str(VERSION))
    state.write_string(1, 0, "plan")
    state.write_string(1, 1, json.dumps(plan_state(plan), ensure_ascii=False))
    for index, item in enumerate(written, start=2):
        state.write_string(index, 0, item["task"]["id"])
        state.write_string(index, 1, json.dumps(item, ensure_ascii=False)[:32767])
    workbook.close()
    atomic_write_bytes(Path(path), buffer.getvalue())


def row_values(task: Task) -> tuple[str, ...]:
    source = f"{task.source.file}:{task.source.line}" if task.source else ""
    return (
        task.id,
        task.number or "",
        task.section or "",
        task.title,
        "\n".join(task.lead),
        "\n".join(task.coordinate),
        "\n".join(task.outputs),
        task.deadline_text,
        source,
    )


def plan_state(plan: Plan) -> dict:
    return {
        "meta": plan.meta.to_dict(),
        "sections": [section.to_dict() for section in plan.sections],
        "files": list(plan.files),
    }


def unique_id(value: str, taken: set[str]) -> str:
    candidate, counter = value, 2
    while candidate in taken:
        candidate = f"{value}-{counter}"
        counter += 1
    taken.add(candidate)
    return candidate


def is_tasks_workbook(path: Path) -> bool:
    """True for a workbook written by write_tasks_workbook (its hidden state sheet)."""
    if path.suffix.lower() not in {".xlsx", ".xlsm"}:
        return False
    try:
        with zipfile.ZipFile(path) as archive:
            info = archive.getinfo("xl/workbook.xml")
            if info.file_size > 1024 * 1024:
                return False
            return f'name="{STATE_SHEET}"' in archive.read(info).decode("utf-8", "replace")
    except (zipfile.BadZipFile, KeyError, OSError):
        return False


def read_tasks_workbook(path: Path):
    """The tasks of a completed task list workbook, as one document of a plan."""
    from kehoach_xlsx.parse.document import Document

    rows, state = read_sheets(path)
    header = [fold(one_line(cell)) for cell in rows[0]] if rows else []
    columns = {fold(title): header.index(fold(title)) for title in HEADERS if fold(title) in header}
    for required in ("Nhiệm vụ", "Chủ trì"):
        if fold(required) not in columns:
            raise PlanFormatError(
                f"Trang “{SHEET}” của {path.name} thiếu cột “{required}”. Hãy giữ nguyên dòng "
                "tiêu đề do kehoach ghi ra (có thể thêm cột khác)."
            )
    stored = state.get("rows", {})
    warnings: list[PlanWarning] = []
    tasks: list[Task] = []
    taken: set[str] = set()
    for index, row in enumerate(rows[1:], start=2):
        cells = {name: one_line_keep(row, col) for name, col in columns.items()}
        if not any(value.strip() for value in cells.values()):
            continue
        task = row_task(cells, stored, path, index, warnings)
        if task is None:
            continue
        task.id = unique_id(task.id or f"R{index}", taken)
        tasks.append(task)
    meta, sections = plan_from_state(state.get("plan", {}))
    return Document(
        file=path.name,
        meta=meta,
        sections=sections,
        tasks=tasks,
        warnings=warnings,
        is_body=True,
    )


def one_line_keep(row: list[str], col: int) -> str:
    """A cell's text with its line breaks kept (units are one per line)."""
    if col >= len(row):
        return ""
    return "\n".join(line.strip() for line in nfc(row[col]).split("\n") if line.strip())


def row_task(cells: dict[str, str], stored: dict, path: Path, row: int, warnings) -> Task | None:
    """One row as a task; a row without a lead is reported, never silently dropped."""
    get = lambda title: cells.get(fold(title), "")  # noqa: E731
    title = one_line(get("Nhiệm vụ"))
    lead_text = get("Chủ trì")
    review = fold(get("Kiểm tra")).startswith(fold(REVIEW_MARK))
    if not title:
        if lead_text:
            message = "Dòng có đơn vị chủ trì nhưng chưa ghi nội dung nhiệm vụ; chưa tính."
            warnings.append(warn(path, row, message))
        return None
    if not lead_text.strip():
        message = (
            f"Mục “{title[:80]}” ({REVIEW_MARK}) chưa ghi đơn vị chủ trì nên chưa là nhiệm vụ. "
            "Nếu là nhiệm vụ, hãy ghi đơn vị chủ trì rồi chạy lại."
            if review
            else f"Nhiệm vụ “{title[:80]}” bị xoá đơn vị chủ trì nên không được tính."
        )
        warnings.append(warn(path, row, message, "no_lead"))
        return None
    task_id = one_line(get("Mã NV"))
    original = stored.get(task_id)
    written = original["cells"] if original else None
    base = Task(**task_fields(original["task"])) if original else Task(task_id, None, None, title)
    from kehoach_xlsx.parse.document import split_outputs, split_units

    def unchanged(column: int, value: str) -> bool:
        return written is not None and nfc(written[column]).strip() == value.strip()

    base.id = task_id
    base.number = one_line(get("TT")) or None
    base.section = one_line(get("Mục")) or None
    if not unchanged(3, get("Nhiệm vụ")):
        base.title = title
    if not unchanged(4, lead_text):
        base.lead = split_units(lead_text)
    if not unchanged(5, get("Phối hợp")):
        base.coordinate = split_units(get("Phối hợp"))
    if not unchanged(6, get("Sản phẩm đầu ra")):
        base.outputs = split_outputs(get("Sản phẩm đầu ra"))
    if not unchanged(7, get("Tiến độ")):
        base.deadline_text = one_line(get("Tiến độ"))
    if base.source is None:
        base.source = Source(path.name, row, SHEET)
    return base


def task_fields(data: dict) -> dict:
    source = data.get("source")
    return {
        "id": data.get("id", ""),
        "number": data.get("number"),
        "section": data.get("section"),
        "title": data.get("title", ""),
        "lead": list(data.get("lead") or []),
        "coordinate": list(data.get("coordinate") or []),
        "outputs": list(data.get("outputs") or []),
        "deadline_text": data.get("deadline_text") or "",
        "source": Source(source["file"], source.get("line"), source.get("sheet"))
        if source
        else None,
        "details": list(data.get("details") or []),
        "notes": list(data.get("notes") or []),
    }


def warn(path: Path, row: int, message: str, code: str = "row_skipped") -> PlanWarning:
    return PlanWarning(code, message, path.name, row, SHEET)


def plan_from_state(data: dict) -> tuple[PlanMeta, list[Section]]:
    meta_data = data.get("meta") or {}
    when = meta_data.get("date")
    meta = PlanMeta(
        number=meta_data.get("number"),
        issuer=meta_data.get("issuer"),
        place=meta_data.get("place"),
        date=date.fromisoformat(when) if when else None,
        title=meta_data.get("title"),
        grounds=list(meta_data.get("grounds") or []),
        signer=meta_data.get("signer"),
    )
    sections = []
    for item in data.get("sections") or []:
        source = item.get("source")
        sections.append(
            Section(
                id=item["id"],
                number=item.get("number"),
                title=item.get("title", ""),
                declared_count=item.get("declared_count"),
                parent=item.get("parent"),
                text=list(item.get("text") or []),
                source=Source(source["file"], source.get("line"), source.get("sheet"))
                if source
                else None,
            )
        )
    return meta, sections


def read_sheets(path: Path) -> tuple[list[list[str]], dict]:
    """The visible task sheet's rows as text and the hidden state (empty when unreadable)."""
    from python_calamine import CalamineWorkbook

    from kehoach_xlsx.parse.loaders import cell_text, check_zip

    if path.stat().st_size > MAX_BYTES:
        raise PlanFormatError(f"Tệp {path.name} quá lớn để là danh sách nhiệm vụ.")
    check_zip(path, "xl/workbook.xml", "Excel (.xlsx)").close()
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        names = workbook.sheet_names
        name = SHEET if SHEET in names else next(n for n in names if n != STATE_SHEET)
        rows = workbook.get_sheet_by_name(name).to_python(nrows=MAX_ROWS + 1)
        state_rows = workbook.get_sheet_by_name(STATE_SHEET).to_python(nrows=MAX_ROWS + 3)
    except Exception as err:  # calamine raises its own error types
        raise PlanFormatError(f"Không đọc được bảng tính {path.name}: {err}") from err
    if len(rows) > MAX_ROWS:
        raise PlanFormatError(f"Trang “{SHEET}” của {path.name} có hơn {MAX_ROWS:,} dòng.")
    text_rows = [[cell_text(value) for value in row] for row in rows]
    state: dict = {"rows": {}}
    for row in state_rows:
        key, value = (cell_text(row[0]), cell_text(row[1])) if len(row) > 1 else ("", "")
        try:
            data = json.loads(value) if value.startswith("{") else None
        except ValueError:
            data = None  # a damaged state row: that task reads from its visible cells
        if data is None:
            continue
        if key == "plan":
            state["plan"] = data
        elif isinstance(data.get("task"), dict) and isinstance(data.get("cells"), list):
            state["rows"][key] = data
    return text_rows, state
