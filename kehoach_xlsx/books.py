"""Create a workspace from a plan (`init`) and write one workbook per unit for a period (`split`)."""

from __future__ import annotations

import functools
import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kehoach_xlsx.deadlines import (
    Period,
    Schedule,
    due_in_period,
    explain,
    format_due,
    parse_deadline,
    parse_period,
)
from kehoach_xlsx.errors import DeadlineError, FileAccessError, WorkspaceError
from kehoach_xlsx.fileio import atomic_write_bytes, explain_os_error
from kehoach_xlsx.ledger import BookRecord
from kehoach_xlsx.model import Plan, PlanMeta, PlanWarning, Source, Task, Unit
from kehoach_xlsx.parse import read_plan
from kehoach_xlsx.platform import in_worker_bootstrap
from kehoach_xlsx.units import (
    Registry,
    check_units,
    deletion_marks,
    load_registry,
    propose_registry,
    reconcile_registry,
    resolve_task_units,
)
from kehoach_xlsx.vntext import slugify
from kehoach_xlsx.workbook.assign import (
    ASSIGN_SHEET,
    Assignment,
    AssignmentRow,
    read_assignment,
    write_assignment,
)
from kehoach_xlsx.workbook.identity import BookIdentity
from kehoach_xlsx.workbook.unit import UnitBookSpec, UnitRow, write_unit_books
from kehoach_xlsx.workspace import ASSIGNMENT, Workspace, plan_identity, stored_path, utc_now

REGISTRY_FILE = "don-vi.xlsx"


@dataclass
class InitResult:
    workspace: Workspace
    plan: Plan
    units: list[Unit]
    warnings: list[PlanWarning]
    changes: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=8192)
def deadline_of(wording: str | None, plan_date: date | None) -> Schedule:
    """parse_deadline, once per distinct wording: a plan repeats "Hằng tháng" thousands of times."""
    return parse_deadline(wording, plan_date=plan_date)


def schedules_for(plan: Plan) -> dict[str, tuple[str, str]]:
    """Task id -> (kind, Vietnamese explanation) for the "Loại hạn" column."""
    result = {}
    for task in plan.tasks:
        schedule = deadline_of(task.deadline_text, plan.meta.date)
        result[task.id] = (schedule.kind, explain(schedule))
    return result


def deadline_warnings(plan: Plan) -> list[PlanWarning]:
    warnings = []
    for task in plan.tasks:
        schedule = deadline_of(task.deadline_text, plan.meta.date)
        if schedule.needs_date:
            where = task.source
            warnings.append(
                PlanWarning(
                    "needs_date",
                    f"Nhiệm vụ {task.id}: tiến độ “{task.deadline_text or '(trống)'}” chưa xác định "
                    "được hạn. Hãy ghi ngày vào cột “Hạn do điều phối đặt”.",
                    where.file if where else None,
                    where.line if where else None,
                )
            )
    return warnings


def init_workspace(
    root: str | Path,
    plan_files: list[str | Path],
    units_file: str | Path | None = None,
    update: bool = False,
) -> InitResult:
    """Create (or, with update=True, refresh) the workspace for one plan."""
    root = Path(root)
    exists = (root / ASSIGNMENT).exists()
    if exists and not update:
        raise WorkspaceError(
            f"{root} đã có sổ theo dõi ({ASSIGNMENT}). Không ghi đè phần điều phối viên đã sửa. "
            "Dùng --update để cập nhật từ kế hoạch mới (giữ các chỉnh sửa), hoặc chọn thư mục khác."
        )
    plan = read_plan(*plan_files)  # read before touching anything: bad input changes nothing
    previous: Assignment | None = read_assignment(root / ASSIGNMENT) if exists else None
    workspace = Workspace.create_folders(root)

    if units_file is not None:
        registry = load_registry(units_file)
        registry_warnings = list(registry.warnings)
    elif previous is None and (root / REGISTRY_FILE).exists():
        registry = load_registry(root / REGISTRY_FILE)
        registry_warnings = list(registry.warnings)
    else:
        registry, registry_warnings = propose_registry(plan)
    changes: list[str] = []
    forgotten: set[str] = set()
    if previous is not None:
        # The coordinator's "Đơn vị"/"Nhóm" sheets are the truth: what they deleted stays
        # deleted, what they aliased stays one unit; only new bodies of the plan are added.
        with workspace.ledger() as ledger:
            forgotten = forgotten_units(ledger, previous.units)
        registry, unit_changes = reconcile_registry(
            registry, previous.units, previous.phrases, forgotten
        )
        registry_warnings = [w for w in registry_warnings if w.code != "outside_body"]
        changes = carry_edits(plan, previous) + unit_changes

    warnings = (
        plan.warnings + registry_warnings + check_units(plan, registry) + deadline_warnings(plan)
    )
    if previous is not None:
        backup = workspace.archive_dir / f"phan-cong_{datetime.now():%Y%m%d-%H%M%S}.xlsx"
        shutil.copy2(root / ASSIGNMENT, backup)
        changes.append(f"Đã lưu bản cũ vào {backup.relative_to(root)}")
    write_assignment(
        root / ASSIGNMENT,
        plan,
        registry.units,
        schedules_for(plan),
        warnings,
        phrases=registry.phrases,
    )
    if units_file is not None or not (root / REGISTRY_FILE).exists():
        from kehoach_xlsx.units import write_registry

        write_registry(registry, root / REGISTRY_FILE)
    plan_dict = plan.to_dict()
    text = json.dumps(plan_dict, ensure_ascii=False, indent=1, default=str)
    atomic_write_bytes(root / "plan.json", text.encode("utf-8"))
    for source in plan_files:
        source = Path(source)
        shutil.copy2(source, workspace.safe_child("ke-hoach", source.name))
    with workspace.ledger() as ledger:
        ledger.set_meta("plan_id", plan_identity(plan_dict))
        ledger.set_meta(WRITTEN_UNITS, json.dumps(sorted(deletion_marks(registry.units))))
        ledger.set_meta(FORGOTTEN_UNITS, json.dumps(sorted(forgotten)))
        if previous is None:
            ledger.set_meta("created", utc_now())
        ledger.log(
            "init" if previous is None else "update", f"{len(plan.tasks)} nhiệm vụ", utc_now()
        )
    return InitResult(workspace, plan, list(registry.units), warnings, changes)


WRITTEN_UNITS = "registry_written"  # ledger meta: marks of the units last written
FORGOTTEN_UNITS = "registry_forgotten"  # ledger meta: marks of units the coordinator deleted


def forgotten_units(ledger, kept: list[Unit]) -> set[str]:
    """Units the coordinator deleted from "Đơn vị", now and in earlier updates, as marks."""
    written = set(json.loads(ledger.get_meta(WRITTEN_UNITS) or "[]"))
    forgotten = set(json.loads(ledger.get_meta(FORGOTTEN_UNITS) or "[]"))
    still_there = deletion_marks(kept)
    return (forgotten | (written - still_there)) - still_there


def carry_edits(plan: Plan, previous: Assignment) -> list[str]:
    """Keep what the coordinator changed in phan-cong.xlsx when the plan is read again."""
    old = {row.task_id: row for row in previous.rows}
    new_ids = {task.id for task in plan.tasks}
    changes = []
    for task in plan.tasks:
        row = old.get(task.id)
        if row is None:
            changes.append(f"Thêm nhiệm vụ {task.id}: {task.title[:60]}")
            continue
        if (
            row.lead != task.lead
            or row.coordinate != task.coordinate
            or row.outputs != task.outputs
        ):
            changes.append(f"Giữ phân công đã sửa của nhiệm vụ {task.id}")
        if row.deadline_text != task.deadline_text:
            changes.append(
                f"Tiến độ nhiệm vụ {task.id} đổi: “{row.deadline_text}” → “{task.deadline_text}”"
            )
        task.lead, task.coordinate, task.outputs = row.lead, row.coordinate, row.outputs
        if row.note:
            task.notes = [*task.notes, row.note]
    for row in previous.rows:
        if row.task_id not in new_ids:
            if row.added:
                plan.tasks.append(task_from_row(row))
                changes.append(f"Giữ nhiệm vụ điều phối viên thêm: {row.task_id}")
            else:
                changes.append(f"Nhiệm vụ {row.task_id} không còn trong kế hoạch mới (đã bỏ)")
    return changes


def task_from_row(row: AssignmentRow) -> Task:
    return Task(
        id=row.task_id,
        number=row.number,
        section=row.section,
        title=row.title,
        lead=list(row.lead),
        coordinate=list(row.coordinate),
        outputs=list(row.outputs),
        deadline_text=row.deadline_text,
        # where the coordinator edits this task, named in "Cần kiểm tra"
        source=Source(ASSIGNMENT, row.row, ASSIGN_SHEET) if row.row else None,
    )


# ---- split ------------------------------------------------------------------------------------


@dataclass
class SplitFile:
    unit: str
    unit_name: str
    path: Path
    tasks: list[str]
    workbook_id: str
    kept: bool = False  # already written for this period and unchanged

    def to_dict(self, root: Path) -> dict[str, Any]:
        return {
            "unit": self.unit,
            "unit_name": self.unit_name,
            "path": stored_path(self.path, root),
            "tasks": list(self.tasks),
        }


@dataclass
class SplitResult:
    period: str
    due: date
    files: list[SplitFile]
    warnings: list[PlanWarning]
    skipped_tasks: list[str]

    def to_dict(self, root: Path) -> dict[str, Any]:
        return {
            "period": self.period,
            "due": self.due.isoformat(),
            "files": [f.to_dict(root) for f in self.files],
            "warnings": [w.to_dict() for w in self.warnings],
            "not_due": list(self.skipped_tasks),
        }


def workspace_registry(workspace: Workspace, assignment: Assignment) -> Registry:
    """Units and group meanings as edited in phan-cong.xlsx ("Đơn vị", "Nhóm"); workspaces
    made before phan-cong.xlsx had a "Nhóm" sheet take the meanings from don-vi.xlsx."""
    phrases = assignment.phrases
    registry_file = workspace.root / REGISTRY_FILE
    if phrases is None:
        phrases = load_registry(registry_file).phrases if registry_file.exists() else []
    return Registry(assignment.units, phrases)


def current_checks(
    workspace: Workspace,
    assignment: Assignment,
    registry: Registry,
    tasks: list[Task] | None = None,
    no_lead: list[PlanWarning] | None = None,
) -> list[PlanWarning]:
    """What is still open, from the present state: the plan's doubts, the rows of phan-cong.xlsx
    that could not be read, names and phrases no unit answers to, deadlines with no date.
    `tasks`: plan_tasks(assignment) when the caller already made them; `no_lead`: their
    "no_lead_unit" warnings when the caller already resolved them (resolve_tasks)."""
    plan_data = workspace.plan_dict()
    if tasks is None:
        tasks = plan_tasks(assignment)
    plan = Plan(meta=PlanMeta(date=workspace.plan_date()), sections=[], tasks=tasks, warnings=[])
    doubts = [
        PlanWarning(
            w.get("code", ""),
            w.get("message", ""),
            w.get("file"),
            w.get("line"),
            w.get("sheet"),
        )
        for w in plan_data.get("warnings", [])
        if w.get("code") not in _UNIT_CODES  # unit doubts are recomputed below
    ]
    return dedupe(
        doubts
        + list(assignment.warnings)
        + check_units(plan, registry, no_lead)
        + deadline_warnings(plan)
    )


def resolve_tasks(
    tasks: list[Task], registry: Registry
) -> tuple[list[tuple[list[str], list[str]]], list[PlanWarning]]:
    """Lead and coordinate codes of every task (lists shared between tasks: read-only), and
    the tasks' "no_lead_unit" warnings in task order. A province's plan repeats a few pairs
    of lead and coordinate names thousands of times: each pair is resolved once."""
    known: dict[tuple[tuple[str, ...], tuple[str, ...]], tuple[list[str], list[str]]] = {}
    codes: list[tuple[list[str], list[str]]] = []
    no_lead: list[PlanWarning] = []
    for task in tasks:
        key = (tuple(task.lead), tuple(task.coordinate))
        pair = known.get(key)
        if pair is None:
            lead, coordinate, task_warnings = resolve_task_units(task, registry)
            pair = (lead, coordinate)
            if task_warnings:  # they name the task: resolve the next task with them again
                no_lead.extend(w for w in task_warnings if w.code == "no_lead_unit")
            else:
                known[key] = pair
        codes.append(pair)
    return codes, no_lead


# Warnings check_units recomputes from the coordinator's registry on every run.
_UNIT_CODES = {"unresolved_unit", "fuzzy_unit", "empty_group", "no_lead_unit", "unassigned_phrase"}


CHECKS_STAMP = "checks_stamp"  # ledger meta: phan-cong.xlsx and plan.json when last checked


def files_stamp(*paths: Path) -> str:
    """Size and modification time of files: equal stamps mean nothing was saved since."""
    parts = []
    for path in paths:
        try:
            stat = path.stat()
            parts.append(f"{stat.st_size}:{stat.st_mtime_ns}")
        except OSError:
            parts.append("-")
    return "|".join(parts)


def refresh_checks(
    workspace: Workspace,
    assignment: Assignment,
    registry: Registry,
    tasks: list[Task] | None = None,
    no_lead: list[PlanWarning] | None = None,
) -> tuple[list[PlanWarning], PlanWarning | None]:
    """Rewrite the "Cần kiểm tra" sheet of phan-cong.xlsx from the present state; a file open
    in Excel is not an error of the run, only a warning saying to close it and run again."""
    from kehoach_xlsx.workbook.assign_edit import refresh_check_sheet
    from kehoach_xlsx.workbook.status_back import lock_files

    checks = current_checks(workspace, assignment, registry, tasks, no_lead)
    # Open in Excel or LibreOffice: their next save would overwrite ours, so leave it alone.
    locks = lock_files(workspace.assignment_path)
    reason = f"tệp đang mở ({locks[0].name})" if locks else None
    if reason is None:
        try:
            refresh_check_sheet(workspace.assignment_path, checks)
            with workspace.ledger() as ledger:
                stamp = files_stamp(workspace.assignment_path, workspace.plan_path)
                ledger.set_meta(CHECKS_STAMP, stamp)
        except OSError as err:
            reason = err.strerror or str(err)
    if reason is None:
        return checks, None
    return checks, PlanWarning(
        "assignment_not_updated",
        f"Chưa cập nhật được trang “Cần kiểm tra” của {ASSIGNMENT} ({reason}). "
        f"Hãy đóng tệp {ASSIGNMENT} trong Excel rồi chạy lại lệnh.",
        ASSIGNMENT,
    )


def plan_tasks(assignment: Assignment) -> list[Task]:
    return [task_from_row(row) for row in assignment.rows]


def split_period(
    root: str | Path,
    period_text: str,
    due: date,
    force: bool = False,
    processes: int | None = None,
    progress=None,
) -> SplitResult:
    """Write one workbook per unit with the tasks it leads or joins that report in the period.

    A return date before the period begins is refused unless `force` (a typo, most likely).
    """
    refuse_in_worker_bootstrap()
    workspace = Workspace.open(root)
    period = parse_period(period_text)
    if due < period.start and not force:
        raise DeadlineError(
            f"Hạn gửi lại {due:%d/%m/%Y} sớm hơn ngày bắt đầu kỳ {period.code} "
            f"({period.start:%d/%m/%Y}): các đơn vị chưa thể báo cáo kỳ này. Hãy kiểm tra lại "
            "--due (hạn thường là vài ngày sau cuối kỳ); nếu đúng là muốn vậy, thêm --force."
        )
    assignment = read_assignment(workspace.assignment_path)
    registry = workspace_registry(workspace, assignment)
    plan_dict = workspace.plan_dict()
    meta = plan_dict.get("plan", {})
    plan_date = workspace.plan_date()
    warnings: list[PlanWarning] = list(assignment.warnings)
    units: dict[str, Unit] = {u.code: u for u in registry.units}
    per_unit: dict[str, list[UnitRow]] = {}
    needs_date: set[str] = set()
    overrides: list[str] = []
    skipped: list[str] = []
    tasks = plan_tasks(assignment)
    # every task resolved once: the books and the "Cần kiểm tra" sheet below both use it
    task_codes, no_lead = resolve_tasks(tasks, registry)
    with workspace.ledger() as ledger:
        previous_answers = carried_answers(ledger, period.code)
        # books kept unchanged are only looked for without --force (decoding every book's
        # rows costs as much as writing a few books)
        existing = {} if force else {b.unit: b for b in ledger.books(period.code)}
        # a province's plan repeats a few wordings thousands of times: each is placed in the
        # period once (and its wording for undated rows made once)
        placed: dict[tuple[str | None, date | None], tuple[Any, str]] = {}
        for row, task, (lead, coordinate) in zip(assignment.rows, tasks, task_codes, strict=True):
            key = (task.deadline_text, row.override)
            if key not in placed:
                schedule = deadline_of(task.deadline_text, plan_date)
                placed_due = due_in_period(schedule, period, row.override)
                undated = "" if placed_due.due else format_due(schedule, period)
                placed[key] = (placed_due, undated)
            period_due, undated_text = placed[key]
            if not period_due.expected:
                skipped.append(task.id)
                continue
            if period_due.needs_date:
                needs_date.add(task.id)
            if row.override is not None:
                overrides.append(
                    f"{task.id}: {row.override:%d/%m/%Y} (tiến độ ghi “{task.deadline_text}”)"
                )
            # unit doubts are reported once per name, from "Cần kiểm tra" below
            due_date = period_due.due
            for role, codes in (("lead", lead), ("coordinate", coordinate)):
                for code in codes:
                    per_unit.setdefault(code, []).append(
                        UnitRow(
                            task_id=task.id,
                            number=task.number,
                            title=task.title,
                            role=role,
                            outputs=list(task.outputs),
                            due=due_date,
                            deadline_text=task.deadline_text if due_date else undated_text,
                            carried=previous_answers.get((code, task.id)),
                        )
                    )
        contact = workspace.setting("chung", "lien_he", "") or ""
        plan_id = workspace.plan_id
        issuer = meta.get("issuer") or ""
        generated = datetime.now(UTC).replace(microsecond=0)
        out_dir = workspace.outgoing_dir(period.code)
        out_dir.mkdir(parents=True, exist_ok=True)
        jobs = []
        files: list[SplitFile] = []
        for code in sorted(per_unit):
            unit = units.get(code) or Unit(code=code, name=code)
            rows = per_unit[code]
            book = existing.get(code)
            if book and not force and workspace.path_of(book.path).exists():
                if [r["task_id"] for r in book.rows] == [r.task_id for r in rows]:
                    files.append(
                        SplitFile(
                            code,
                            unit.name,
                            workspace.path_of(book.path),
                            [r.task_id for r in rows],
                            book.workbook_id,
                            kept=True,
                        )
                    )
                    continue
            identity = BookIdentity(
                plan_id=plan_id,
                plan_number=meta.get("number") or "",
                plan_title=meta.get("title") or "",
                unit=code,
                unit_name=unit.name,
                period=period.code,
                due=due,
                generated=generated,
                workbook_id=uuid.uuid4().hex,
            )
            spec = UnitBookSpec(
                identity=identity,
                issuer=issuer,
                contact=contact,
                rows=rows,
                plan_title=meta.get("title") or "",
            )
            path = out_dir / f"{period.code}_{slugify(unit.name)}.xlsx"
            jobs.append((spec, path))
        ensure_replaceable([path for _, path in jobs])
        written = write_unit_books(jobs, processes=processes, progress=progress)
        records = []
        for (spec, path), book in zip(jobs, written, strict=True):
            code = spec.identity.unit
            rows = per_unit[code]
            records.append(
                BookRecord(
                    workbook_id=book.workbook_id,
                    period=period.code,
                    unit=code,
                    unit_name=spec.identity.unit_name,
                    path=workspace.stored(Path(path)),
                    due=due.isoformat(),
                    generated=generated.isoformat(),
                    rows=[
                        book_row(r, book.rows.get(r.task_id), r.task_id in needs_date) for r in rows
                    ],
                )
            )
            warnings.extend(book.warnings)
            files.append(
                SplitFile(
                    code,
                    spec.identity.unit_name,
                    Path(path),
                    [r.task_id for r in rows],
                    book.workbook_id,
                )
            )
        # every file is in place: record them all in one transaction (one disk flush)
        ledger.add_books(records)
        ledger.log(
            "split",
            f"{period.code}: {len(jobs)} tệp mới, {len(files) - len(jobs)} giữ nguyên",
            utc_now(),
        )
        if overrides:
            # the coordinator's date wins over the plan's wording; keep a trace of each use
            message = f"{period.code}: hạn do điều phối đặt — " + "; ".join(overrides)
            ledger.log("override", message, utc_now())
    files.sort(key=lambda f: f.unit)
    checks, not_updated = refresh_checks(workspace, assignment, registry, tasks, no_lead)
    warnings.extend(w for w in checks if w.code in _UNIT_CODES)
    if not_updated is not None:
        warnings.append(not_updated)
    return SplitResult(period.code, due, files, dedupe(warnings), skipped)


def ensure_replaceable(paths: list[Path]) -> None:
    """Stop before writing any book when one of them cannot be replaced (open in Excel on
    Windows, read-only): a half-done split would leave books the ledger does not know."""
    for path in paths:
        if not path.exists():
            continue
        try:
            with open(path, "r+b"):
                pass
        except OSError as err:
            raise FileAccessError(explain_os_error(err, path)) from err


def refuse_in_worker_bootstrap() -> None:
    """A spawned worker re-runs the caller's script when it has no main guard: end it here,
    quietly, before it does the caller's work a second time; the caller's pool then finds
    its workers gone and writes the books itself."""
    if in_worker_bootstrap():
        os._exit(3)


def book_row(row: UnitRow, written: tuple[int, str] | None, needs_date: bool) -> dict[str, Any]:
    return {
        "needs_date": needs_date,
        "task_id": row.task_id,
        "number": row.number,
        "role": row.role,
        "title": row.title,
        "outputs": list(row.outputs),
        "due": row.due.isoformat() if row.due else None,
        "deadline_text": row.deadline_text,
        "row": written[0] if written else None,
        "fingerprint": written[1] if written else None,
    }


def carried_answers(ledger, period: str) -> dict[tuple[str, str], dict[str, Any]]:
    """Last period's answers, so units update instead of retyping."""
    previous = ledger.previous_period(period)
    if previous is None:
        return {}
    carried = {}
    for answer in ledger.answers(previous):
        if answer["status"] == "not_reported":
            continue
        carried[(answer["unit"], answer["task_id"])] = {
            "status": answer["status"],
            "completed": date.fromisoformat(answer["completed"]) if answer["completed"] else None,
            "result": answer["result"],
            "documents": answer["documents"],
            "issues": answer["issues"],
        }
    return carried


def dedupe(warnings: list[PlanWarning]) -> list[PlanWarning]:
    seen = set()
    result = []
    for warning in warnings:
        key = (warning.code, warning.message, warning.file, warning.line)
        if key not in seen:
            seen.add(key)
            result.append(warning)
    return result


def default_due(period: Period, days_after: int = 5) -> date:
    """Return date by default: a few days into the next period."""
    from datetime import timedelta

    return period.end + timedelta(days=days_after)
