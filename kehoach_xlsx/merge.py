"""Merge the returns of a period with what was sent, flag what needs chasing, write the report.

Inputs are the ledger's books (what each unit was asked, per period) and its accepted receipts
(what came back). Every expected task × unit becomes one item; every file read, every odd row
and every choice is listed. The same inputs give the same JSON byte for byte.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from kehoach_xlsx.errors import WorkspaceError
from kehoach_xlsx.ledger import BookRecord, Ledger, Receipt
from kehoach_xlsx.model import PlanWarning
from kehoach_xlsx.parse import split_outputs
from kehoach_xlsx.readings import dump, load, reader_version
from kehoach_xlsx.report_docx import draft_context, write_draft_report
from kehoach_xlsx.returns import (
    FailedFile,
    ReturnedBook,
    ReturnedRow,
    ReturnWarning,
    _sha256_or_none,
    missing_output_types,
    read_returned_books,
)
from kehoach_xlsx.vntext import clean_spaces, nfc
from kehoach_xlsx.workbook.report import (
    ChangeRow,
    FileRow,
    ItemRow,
    LogRow,
    ReportData,
    UnitStatus,
    write_report,
)
from kehoach_xlsx.workbook.unit import ROLE_LABELS, UnitRow, due_display, outputs_joined
from kehoach_xlsx.workspace import Workspace

STATUSES = ("not_started", "in_progress", "done", "cannot_do", "not_reported")
FLAG_ORDER = (
    "overdue",
    "completed_late",
    "due_soon",
    "missing_output",
    "not_reported",
    "needs_date",
    "invalid_value",
    "locked_field_changed",
    "unknown_row",
    "row_missing",
    "identity_conflict",
    "superseded",
)
LOCKED_COLUMNS = ("Nhiệm vụ", "Vai trò", "Sản phẩm đầu ra", "Hạn")


@dataclass
class MergeResult:
    data: dict[str, Any]
    report_path: Path
    report: ReportData
    # things the run could not do but that do not change its result (phan-cong.xlsx open…)
    notes: list[PlanWarning] = field(default_factory=list)

    def to_frame(self):
        """The merged items (task × unit) as a pandas DataFrame: see kehoach_xlsx.analysis."""
        from kehoach_xlsx.analysis import merge_frame

        return merge_frame(self)


def same_text(a: str, b: str) -> bool:
    return clean_spaces(nfc(a or "")) == clean_spaces(nfc(b or ""))


def sorted_flags(flags: set[str]) -> list[str]:
    return [f for f in FLAG_ORDER if f in flags] + sorted(flags - set(FLAG_ORDER))


def merge_period(
    root: str | Path,
    period: str,
    as_of: date,
    due_soon_days: int | None = None,
    threads: int = 2,
    progress=None,
) -> MergeResult:
    """Consolidate period P as of a date (see module docstring)."""
    workspace = Workspace.open(root)
    if due_soon_days is None:
        due_soon_days = int(workspace.setting("chung", "sap_den_han_ngay", 7) or 7)
    plan = workspace.plan_dict()
    order = {task["id"]: index for index, task in enumerate(plan.get("tasks", []))}
    with workspace.ledger() as ledger:
        books = ledger.books(period)
        if not books:
            raise WorkspaceError(
                f"Chưa có tệp nào được tạo cho kỳ {period}. Hãy chạy trước: "
                f"kehoach split {workspace.root} --period {period} --due <hạn>"
            )
        receipts = [r for r in ledger.receipts() if r.period == period or (r.period is None)]
        by_sha = read_receipts(workspace, receipts, threads, progress, ledger)
        builder = _Builder(workspace, ledger, period, as_of, due_soon_days, order)
        for book in books:
            builder.add_unit(book, receipts, by_sha)
        builder.add_files(receipts, by_sha)
        previous = ledger.previous_period(period)
        changes = builder.changes(ledger.answers(previous) if previous else [])
        data = builder.result()
        ledger.replace_answers(period, builder.answer_rows)
        report = ReportData(
            period=period,
            as_of=as_of,
            plan_number=plan.get("plan", {}).get("number") or "",
            plan_title=plan.get("plan", {}).get("title") or "",
            plan_date=_plan_date(plan),
            issuer=(plan.get("plan", {}).get("issuer") or "ỦY BAN NHÂN DÂN").upper(),
            units=builder.unit_rows,
            items=builder.report_items,
            files=builder.file_rows,
            changes=changes,
            log=builder.log,
            summary=data["summary"],
            stray_rows=builder.stray_rows,
        )
        report_path = workspace.reports_dir / f"bao-cao_{period}.xlsx"
        write_report(report_path, report)
        draft_path = write_draft_report(
            report_path.with_suffix(".docx"), report, draft_context(plan, period)
        )
        ledger.save_merge(
            period,
            as_of.isoformat(),
            data["summary"],
            report_path.relative_to(workspace.root).as_posix(),
        )
    data["report"] = report_path.relative_to(workspace.root).as_posix()
    data["draft_report"] = draft_path.relative_to(workspace.root).as_posix()
    from kehoach_xlsx.workbook.status_back import write_back

    # the latest state and the open checks, written back into the coordinator's own
    # phan-cong.xlsx: one read and at most one write of the file
    note = write_back(workspace, assignment_checks(workspace))
    return MergeResult(data, report_path, report, [note] if note is not None else [])


def _older_answers(
    mine: list[Receipt], current: Receipt | None, by_sha: dict
) -> dict[str, tuple[ReturnedRow, ReturnedBook]]:
    """Answered rows of the unit's earlier files of the period (newest first wins).

    Two officials of one unit often fill their halves of the workbook and mail a copy each:
    the newest file counts, and a row it leaves blank (or lost) keeps the answer an earlier
    file gave, with a note in the log, rather than reading as not reported."""
    found: dict[str, tuple[ReturnedRow, ReturnedBook]] = {}
    for receipt in reversed(mine):
        if receipt is current or receipt.state != "superseded":
            continue
        book = by_sha.get(receipt.sha256)
        if not isinstance(book, ReturnedBook):
            continue
        for row in book.rows:
            if row.task_id and not row.blank and row.task_id not in found:
                found[row.task_id] = (row, book)
    return found


def _from_older(task_id: str, row: ReturnedRow, older: ReturnedBook, newest) -> LogRow:
    return LogRow(
        Path(older.path).name,
        row.sheet,
        row.row,
        "answer_from_older_file",
        f"Nhiệm vụ {task_id}: tệp gửi sau ({Path(newest.path).name}) để trống dòng này; dùng "
        f"câu trả lời trong tệp gửi trước ({Path(older.path).name}). Nếu đơn vị đã cố ý xoá "
        "câu trả lời, hãy hỏi lại đơn vị.",
    )


def read_receipts(
    workspace: Workspace,
    receipts: list[Receipt],
    threads: int = 2,
    progress=None,
    ledger: Ledger | None = None,
) -> dict[str, ReturnedBook | FailedFile]:
    """What each received file holds, by sha256: the one place the merge reads returns.

    What collect read is kept in the ledger (readings.py) and used as it is while the
    stored copy still has the receipt's sha256 and the reader's version has not changed.
    Other files (a ledger older than the readings, a new reader) are read again, each in
    an isolated worker (returns.read_returned_books), so a file that became unreadable
    since collect fails alone; their readings are kept for the next merge.
    """
    if ledger is None:
        with workspace.ledger() as own:
            return read_receipts(workspace, receipts, threads, progress, own)
    readable = [r for r in receipts if r.state in {"accepted", "superseded"} and r.stored_path]
    stored = ledger.readings(r.sha256 for r in readable)
    version = reader_version()
    found: dict[str, ReturnedBook | FailedFile] = {}
    again: list[Receipt] = []
    for receipt in readable:
        path = workspace.root / receipt.stored_path
        kept = stored.get(receipt.sha256)
        book = None
        if kept is not None and kept[0] == version and _sha256_or_none(path) == receipt.sha256:
            book = load(kept[1], str(path))
        if book is None:
            again.append(receipt)
        else:
            found[receipt.sha256] = book
    read = (
        read_returned_books(
            [workspace.root / r.stored_path for r in again], threads=threads, progress=progress
        )
        if again
        else []  # no reading process started for nothing
    )
    keep: list[tuple[str, str, bytes]] = []
    for receipt, result in zip(again, read, strict=True):
        found[receipt.sha256] = result
        if isinstance(result, ReturnedBook) and result.sha256 != receipt.sha256:
            result.warnings.insert(0, _changed_on_disk(receipt, result.path))
        elif isinstance(result, ReturnedBook) and (blob := dump(result)) is not None:
            keep.append((receipt.sha256, version, blob))
    if keep:
        ledger.add_readings(keep)
    return {r.sha256: found[r.sha256] for r in readable}


def _changed_on_disk(receipt: Receipt, path: str) -> ReturnWarning:
    return ReturnWarning(
        "stored_copy_changed",
        f"Bản lưu của tệp {receipt.original_name} ({receipt.stored_path}) đã bị thay đổi sau "
        f"khi nhận (mã băm khác {receipt.sha256[:12]}); đã đọc nội dung hiện có. Cần kiểm tra.",
        path,
    )


def _plan_date(plan: dict[str, Any]) -> date | None:
    try:
        return date.fromisoformat(plan.get("plan", {}).get("date") or "")
    except ValueError:
        return None


def assignment_checks(workspace: Workspace) -> list[PlanWarning] | None:
    """What "Cần kiểm tra" of phan-cong.xlsx should list now; None when neither the file nor
    the plan changed since it was last brought up to date (or when the file cannot be read:
    the report is written, and split and init say what is wrong with it)."""
    from kehoach_xlsx.books import CHECKS_STAMP, current_checks, files_stamp, workspace_registry
    from kehoach_xlsx.errors import KehoachError
    from kehoach_xlsx.workbook.assign import read_assignment

    stamp = files_stamp(workspace.assignment_path, workspace.plan_path)
    with workspace.ledger() as ledger:
        if ledger.get_meta(CHECKS_STAMP) == stamp:
            return None
    try:
        assignment = read_assignment(workspace.assignment_path)
    except KehoachError:
        return None
    return current_checks(workspace, assignment, workspace_registry(workspace, assignment))


class _Builder:
    def __init__(self, workspace, ledger: Ledger, period, as_of, due_soon_days, order) -> None:
        self.workspace = workspace
        self.ledger = ledger
        self.period = period
        self.as_of = as_of
        self.due_soon = timedelta(days=due_soon_days)
        self.order = order
        self.units: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []
        self.files: list[dict[str, Any]] = []
        self.unit_rows: list[UnitStatus] = []
        self.report_items: list[ItemRow] = []
        self.file_rows: list[FileRow] = []
        self.log: list[LogRow] = []
        self.answer_rows: list[dict[str, Any]] = []
        self.stray_rows: list[LogRow] = []
        self.receipts_by_unit: dict[str | None, list[Receipt]] | None = None

    # ---- per unit ----------------------------------------------------------------------------
    def add_unit(self, book: BookRecord, receipts: list[Receipt], by_sha: dict) -> None:
        if self.receipts_by_unit is None:  # grouped once: a scan per unit costs units × files
            self.receipts_by_unit = {}
            for receipt in receipts:
                if receipt.period == self.period:
                    self.receipts_by_unit.setdefault(receipt.unit, []).append(receipt)
        mine = self.receipts_by_unit.get(book.unit, [])
        current = next((r for r in reversed(mine) if r.state == "accepted"), None)
        returned = by_sha.get(current.sha256) if current else None
        unit_flags: set[str] = set()
        if any(r.state == "superseded" for r in mine):
            unit_flags.add("superseded")
        if isinstance(returned, FailedFile) or returned is None:
            if isinstance(returned, FailedFile):
                self.log.append(LogRow(returned.path, None, None, returned.code, returned.message))
            returned = None
        rows_by_task: dict[str, ReturnedRow] = {}
        if returned is not None:
            for row in returned.rows:
                if row.task_id and row.task_id not in rows_by_task:
                    rows_by_task[row.task_id] = row
                elif row.task_id:
                    self.log.append(
                        LogRow(
                            Path(returned.path).name,
                            row.sheet,
                            row.row,
                            "duplicate_row",
                            f"Nhiệm vụ {row.task_id} xuất hiện hai lần; dùng dòng đầu tiên.",
                        )
                    )
        sent = {r["task_id"] for r in book.rows}
        conflict = self.identity_conflict(book, current, returned)
        older = _older_answers(mine, current, by_sha) if returned is not None else {}
        for spec in sorted(
            book.rows, key=lambda r: (self.order.get(r["task_id"], 1 << 30), r["task_id"])
        ):
            row, source = rows_by_task.get(spec["task_id"]), returned
            if (row is None or row.blank) and spec["task_id"] in older:
                row, source = older[spec["task_id"]]
                self.log.append(_from_older(spec["task_id"], row, source, returned))
            item = self.item(book, spec, row, returned is not None, source)
            if source is not returned:
                self.report_items[-1].messages.append(self.log[-1].message)
            if conflict:
                item["flags"] = sorted_flags({*item["flags"], "identity_conflict"})
                self.report_items[-1].flags = item["flags"]
                self.report_items[-1].messages.append(conflict)
            unit_flags.update(item["flags"])
        if returned is not None:
            stray = [
                row
                for row in returned.rows
                if not (row.task_id in sent or (row.task_id is None and row.blank))
            ]
            for row in stray:
                self.unknown_row(book, row, returned)
            if stray:
                unit_flags.add("unknown_row")
                self.log.append(_stray_summary(returned, stray))
        if returned is None:
            unit_flags.add("not_reported")
        received = current.received if current else None
        file = current.stored_path if current else None
        self.units.append(
            {
                "unit": book.unit,
                "unit_name": book.unit_name,
                "expected": len(book.rows),
                "returned": returned is not None,
                "file": file,
                "received": received,
                "flags": sorted_flags(unit_flags),
            }
        )
        self.unit_rows.append(
            UnitStatus(
                book.unit,
                book.unit_name,
                len(book.rows),
                returned is not None,
                file,
                date.fromisoformat(received[:10]) if received else None,
                sorted_flags(unit_flags),
            )
        )

    def item(self, book, spec, row: ReturnedRow | None, returned: bool, source) -> dict[str, Any]:
        flags: set[str] = set()
        messages: list[str] = []
        due = date.fromisoformat(spec["due"]) if spec.get("due") else None
        status = "not_reported"
        completed = None
        documents = result = issues = ""
        if row is None or row.blank:
            flags.add("not_reported")
            if not returned:
                messages.append("Đơn vị chưa gửi báo cáo.")
            elif row is None:
                flags.add("row_missing")
                messages.append("Tệp trả về không có dòng của nhiệm vụ này (bị xoá?).")
            else:
                messages.append("Dòng để trống.")
        else:
            status = row.status if row.status in STATUSES else "not_reported"
            if row.status == "invalid" or row.problems:
                flags.add("invalid_value")
                messages.extend(p.message for p in row.problems)
            if row.status is None and not row.problems:
                status = "not_reported"
                flags.add("not_reported")
                messages.append("Chưa chọn tình trạng.")
            completed = row.completed
            documents, result, issues = row.documents, row.result, row.issues
            if completed and completed > self.as_of:
                flags.add("invalid_value")
                messages.append(f"Ngày hoàn thành {completed:%d/%m/%Y} ở tương lai.")
            self.check_locked(spec, row, flags, messages)
        if due is None:
            if spec.get("needs_date"):
                flags.add("needs_date")
        else:
            if status != "done" and due < self.as_of:
                flags.add("overdue")
            if status == "done" and completed and completed > due:
                flags.add("completed_late")
            if status != "done" and self.as_of <= due <= self.as_of + self.due_soon:
                flags.add("due_soon")
        if status == "done" and spec["role"] == "lead":
            missing = missing_output_types(spec.get("outputs") or [], documents or "")
            if not (documents or "").strip() or missing:
                flags.add("missing_output")
                what = ", ".join(sorted(missing)) if missing else "số, ký hiệu văn bản"
                messages.append(f"Đã hoàn thành nhưng thiếu sản phẩm: {what}.")
        item = {
            "task_id": spec["task_id"],
            "unit": book.unit,
            "role": spec["role"],
            "status": status,
            "due": due.isoformat() if due else None,
            "completed": completed.isoformat() if completed else None,
            "outputs": split_outputs(documents or ""),
            "flags": sorted_flags(flags),
        }
        self.items.append(item)
        self.answer_rows.append(
            {
                "unit": book.unit,
                "task_id": spec["task_id"],
                "role": spec["role"],
                "status": status,
                "due": item["due"],
                "completed": item["completed"],
                "result": result,
                "documents": documents,
                "issues": issues,
                "flags": item["flags"],
                "receipt": getattr(source, "sha256", None),
            }
        )
        self.report_items.append(
            ItemRow(
                task_id=spec["task_id"],
                number=spec.get("number"),
                title=spec.get("title", ""),
                unit=book.unit,
                unit_name=book.unit_name,
                role=spec["role"],
                status=status,
                due=due or (spec.get("deadline_text") or None),
                completed=completed,
                outputs_expected=outputs_joined(spec.get("outputs") or []),
                documents=documents,
                result=result,
                issues=issues,
                flags=item["flags"],
                messages=messages,
            )
        )
        return item

    def check_locked(self, spec, row: ReturnedRow, flags: set[str], messages: list[str]) -> None:
        """Assigned texts edited by the unit: ours wins, theirs is shown."""
        expected = {
            "Nhiệm vụ": spec.get("title", ""),
            "Vai trò": ROLE_LABELS.get(spec["role"], spec["role"]),
            "Sản phẩm đầu ra": outputs_joined(spec.get("outputs") or []),
            "Hạn": due_display(
                UnitRow(
                    spec["task_id"],
                    spec.get("number"),
                    spec.get("title", ""),
                    spec["role"],
                    due=date.fromisoformat(spec["due"]) if spec.get("due") else None,
                    deadline_text=spec.get("deadline_text") or "",
                )
            ),
        }
        for column in LOCKED_COLUMNS:
            found = row.assigned.get(column)
            if found is None:
                continue
            if not same_text(found, expected[column]):
                flags.add("locked_field_changed")
                messages.append(
                    f"Cột “{column}” bị sửa thành: “{clean_spaces(found)[:200]}” (giữ nội dung đã giao)."
                )

    def unknown_row(self, book: BookRecord, row: ReturnedRow, returned: ReturnedBook) -> None:
        self.items.append(
            {
                "task_id": row.task_id or f"?dong-{row.row}",
                "unit": book.unit,
                "role": None,
                "status": row.status if row.status in STATUSES else "not_reported",
                "due": None,
                "completed": row.completed.isoformat() if row.completed else None,
                "outputs": split_outputs(row.documents or ""),
                "flags": ["unknown_row"],
            }
        )
        # Listed one by one only in the detail sheet: 10,000 pasted rows must not print.
        self.stray_rows.append(
            LogRow(
                Path(returned.path).name,
                row.sheet,
                row.row,
                "unknown_row",
                f"Dòng không có trong tệp đã gửi (mã “{row.task_id or ''}”): “{row.result[:80]}”.",
            )
        )

    def identity_conflict(
        self, book: BookRecord, receipt: Receipt | None, returned: ReturnedBook | None
    ) -> str:
        """Why the file counted for this unit names another unit or period ("" when it does not).

        collect attributed it by its workbook id and row fingerprints (collect.identify);
        the identity sheet's claim is shown so a person can check what happened.
        """
        if returned is None or receipt is None:
            return ""
        identity = returned.identity or {}
        unit, period = identity.get("unit"), identity.get("period")
        if (not unit or unit == book.unit) and (not period or period == self.period):
            return ""
        message = (
            f"Tệp {receipt.original_name} ghi trong trang nhận dạng là của {unit or '?'} kỳ "
            f"{period or '?'}, nhưng mã tệp và các dòng là của {book.unit} kỳ {self.period}; "
            f"đã tính cho {book.unit}. Cần kiểm tra."
        )
        self.log.append(LogRow(receipt.original_name, None, None, "identity_conflict", message))
        return message

    # ---- files -------------------------------------------------------------------------------
    def add_files(self, receipts: list[Receipt], by_sha: dict) -> None:
        for receipt in receipts:
            warnings: list[str] = []
            if receipt.message:
                warnings.append(receipt.message)
            result = by_sha.get(receipt.sha256)
            if isinstance(result, ReturnedBook):
                for warning in result.warnings:
                    warnings.append(f"[{warning.code}] {warning.message}")
                    self.log.append(
                        LogRow(
                            receipt.original_name,
                            warning.sheet,
                            warning.row,
                            warning.code,
                            warning.message,
                        )
                    )
            elif isinstance(result, FailedFile):
                warnings.append(f"[{result.code}] {result.message}")
            if receipt.state == "rejected":
                self.log.append(
                    LogRow(receipt.original_name, None, None, "rejected", receipt.message)
                )
            identified = f"{receipt.unit} {receipt.period}" if receipt.unit else None
            self.files.append(
                {
                    "path": receipt.stored_path,
                    "original_name": receipt.original_name,
                    "sha256": receipt.sha256,
                    "state": receipt.state,
                    "identified_as": identified,
                    "identified_by": receipt.identified_by,
                    "warnings": warnings,
                }
            )
            self.file_rows.append(
                FileRow(
                    receipt.original_name,
                    receipt.sha256,
                    identified or "không nhận diện được",
                    [f"{receipt.state}"] + warnings,
                )
            )

    # ---- comparison with the previous period --------------------------------------------------
    def changes(self, previous: list[dict[str, Any]]) -> list[ChangeRow]:
        before = {(a["unit"], a["task_id"]): a for a in previous}
        rows = []
        for now in self.answer_rows:
            old = before.get((now["unit"], now["task_id"]))
            if old is None:
                continue
            for field_name in ("status", "completed", "documents"):
                if (old.get(field_name) or "") != (now.get(field_name) or ""):
                    rows.append(
                        ChangeRow(
                            now["task_id"],
                            now["unit"],
                            field_name,
                            str(old.get(field_name) or ""),
                            str(now.get(field_name) or ""),
                        )
                    )
        return rows

    # ---- result ----------------------------------------------------------------------------
    def result(self) -> dict[str, Any]:
        expected_items = [i for i in self.items if "unknown_row" not in i["flags"]]
        summary: dict[str, Any] = {
            "tasks": len({i["task_id"] for i in expected_items}),
            "units": len(self.units),
            "units_returned": sum(1 for u in self.units if u["returned"]),
            "items": len(expected_items),
        }
        for status in STATUSES:
            summary[status] = sum(1 for i in expected_items if i["status"] == status)
        for flag in FLAG_ORDER:
            summary[flag] = sum(1 for i in self.items if flag in i["flags"])
        summary["superseded"] = sum(1 for f in self.files if f["state"] == "superseded")
        summary["identity_conflict"] = sum(
            1 for u in self.units if "identity_conflict" in u["flags"]
        )
        summary["files"] = len(self.files)
        summary["files_rejected"] = sum(1 for f in self.files if f["state"] == "rejected")
        return {
            "period": self.period,
            "as_of": self.as_of.isoformat(),
            "units": self.units,
            "items": self.items,
            "files": self.files,
            "summary": summary,
        }


_STRAY_SHOWN = 5  # stray rows named in the printed log; all of them are in the detail sheet


def _stray_summary(returned: ReturnedBook, stray: list[ReturnedRow]) -> LogRow:
    """One printed line per file for its rows that were never sent ("n dòng lạ")."""
    shown = ", ".join(str(row.row) for row in stray[:_STRAY_SHOWN])
    more = "…" if len(stray) > _STRAY_SHOWN else ""
    count = f"{len(stray):,}".replace(",", ".")
    return LogRow(
        Path(returned.path).name,
        stray[0].sheet,
        None,
        "unknown_row",
        f"{count} dòng lạ (không có trong tệp đã gửi), dòng {shown}{more}; "
        "xem đủ ở trang Chi tiết.",
    )
