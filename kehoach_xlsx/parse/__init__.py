"""Plan reading: pick a reader by file type, then find sections and tasks by structure.

`read_plan(*paths)` reads one plan from one or more files (a body and its appendices may come
as separate files): metadata from the body, tasks from all of them, in the order given.
"""

from __future__ import annotations

from pathlib import Path

from kehoach_xlsx.errors import PlanFormatError
from kehoach_xlsx.model import Plan, PlanWarning
from kehoach_xlsx.parse.document import Document, parse_document, split_outputs, split_units
from kehoach_xlsx.parse.export import is_tasks_workbook, read_tasks_workbook
from kehoach_xlsx.parse.loaders import load_blocks
from kehoach_xlsx.parse.meta import tidy_meta

__all__ = ["read_plan", "split_outputs", "split_units"]


def read_plan(*paths: str | Path, keep_blocks: list | None = None) -> Plan:
    """Read a plan from its documents; raise a KehoachError the user can act on.

    keep_blocks, when given, receives (file name, blocks) of each document read.
    """
    if not paths:
        raise PlanFormatError("Chưa chỉ ra tệp kế hoạch nào để đọc.")
    documents: list[Document] = []
    for path in paths:
        path = Path(path)
        if is_tasks_workbook(path):  # the list `kehoach parse -o` wrote, completed by hand
            documents.append(read_tasks_workbook(path))
            continue
        warnings: list[PlanWarning] = []
        blocks = load_blocks(path, warnings)
        if keep_blocks is not None:
            keep_blocks.append((path.name, blocks))
        if not any(not b.is_blank for b in blocks):
            raise PlanFormatError(f"Tệp {path.name} trống: không có nội dung kế hoạch nào để đọc.")
        document = parse_document(blocks, path.name)
        document.warnings[:0] = warnings
        documents.append(document)
    plan = combine(documents)
    plan.warnings.extend(tidy_meta(plan.meta))
    return plan


def combine(documents: list[Document]) -> Plan:
    """One plan from several documents: the body gives the metadata, all give tasks."""
    body = next((d for d in documents if d.is_body), documents[0])
    plan = Plan(meta=body.meta, files=[d.file for d in documents])
    seen_sections: set[str] = set()
    seen_tasks: set[str] = set()
    for document in documents:
        plan.warnings.extend(document.warnings)
        plan.boilerplate.extend(document.boilerplate)
        renamed: dict[str, str] = {}  # a second file's "I" becomes "I-2" for its own tasks too
        for section in document.sections:
            renamed[section.id] = unique(section.id, seen_sections)
            section.id = renamed[section.id]
            section.parent = renamed.get(section.parent, section.parent)
            plan.sections.append(section)
        if document.duties_for_appendix and any(
            d.tasks and not d.duties_for_appendix for d in documents
        ):
            plan.warnings.append(
                PlanWarning(
                    "duties_not_tasks",
                    f"Đã lấy nhiệm vụ từ phụ lục; {len(document.tasks)} việc giao ở mục “Tổ chức "
                    "thực hiện” của văn bản chính không được tính là nhiệm vụ riêng.",
                    document.file,
                    None,
                )
            )
            continue
        for task in document.tasks:
            task.section = renamed.get(task.section, task.section)
            original = task.id
            task.id = unique(task.id, seen_tasks)
            if task.id != original:
                plan.warnings.append(
                    PlanWarning(
                        "duplicate_id",
                        f"Mã nhiệm vụ {original} bị trùng; nhiệm vụ ở dòng "
                        f"{task.source.line if task.source else '?'} được đặt mã {task.id}.",
                        document.file,
                        task.source.line if task.source else None,
                    )
                )
            plan.tasks.append(task)
        reference = document.appendix_reference
        if document is not body and reference:
            check_reference(plan, document, reference)
    if body.appendix_reference and not body.is_body:
        # only an appendix was given: its "(Kèm theo Kế hoạch số … ngày …)" names the plan
        reference = body.appendix_reference
        plan.meta.number = plan.meta.number or reference.get("number")
        plan.meta.date = plan.meta.date or reference.get("date")
        plan.meta.issuer = plan.meta.issuer or reference.get("issuer")
    if not plan.tasks:
        plan.warnings.append(
            PlanWarning(
                "no_tasks",
                "Không tìm thấy nhiệm vụ nào có cơ quan chủ trì. Hãy kiểm tra tệp phụ lục phân "
                "công nhiệm vụ (cột “Cơ quan chủ trì”) hoặc nhãn “Cơ quan chủ trì:” trong văn bản.",
                documents[0].file,
                None,
            )
        )
    return plan


def check_reference(plan: Plan, document: Document, reference: dict) -> None:
    """An appendix says which plan it belongs to; say so when it disagrees with the body."""
    number, when = reference.get("number"), reference.get("date")
    if number and plan.meta.number and number != plan.meta.number:
        plan.warnings.append(
            PlanWarning(
                "appendix_mismatch",
                f"Phụ lục ghi kèm theo Kế hoạch số {number}, nhưng văn bản chính là số "
                f"{plan.meta.number}.",
                document.file,
                None,
            )
        )
    if when and plan.meta.date is None:
        plan.warnings.append(
            PlanWarning(
                "date_only_in_appendix",
                f"Văn bản chính chưa ghi ngày ban hành; phụ lục ghi ngày {when:%d/%m/%Y}. "
                "Hãy kiểm tra ngày của kế hoạch.",
                document.file,
                None,
            )
        )


def unique(value: str, seen: set[str]) -> str:
    candidate = value
    counter = 2
    while candidate in seen:
        candidate = f"{value}-{counter}"
        counter += 1
    seen.add(candidate)
    return candidate
