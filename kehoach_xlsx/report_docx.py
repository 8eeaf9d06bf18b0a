"""Draft "Báo cáo kết quả thực hiện Kế hoạch số …" (.docx, Decree 30/2020 layout).

Written with every merge next to the report workbook, for the office to edit and sign:
header (issuer, "Số:      /BC-…", place and date), title, then
I. Kết quả thực hiện (counts; per section of the plan what the units reported, documents),
II. Tồn tại, hạn chế (units not reported, overdue, missing outputs, by unit),
III. Khó khăn, vướng mắc và đề xuất (the units' own words, attributed),
IV. Nhiệm vụ kỳ tới (what falls due next period), signature block and "Nơi nhận".
The page layout helpers are the reminder letter's (letter.py).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH

from kehoach_xlsx.errors import KehoachError
from kehoach_xlsx.letter import (
    _header,
    _page_setup,
    _signature,
    authority_lines,
    leaders_line,
    letter_date,
)
from kehoach_xlsx.letter import _para as _letter_para
from kehoach_xlsx.texts import (
    about,
    clean_issuer,
    clean_line,
    document_kind,
    issuer_name,
    period_text,
    plan_reference,
    vn_date,
)
from kehoach_xlsx.workbook.brief import Digest, digest
from kehoach_xlsx.workbook.report import STATUS_LABELS, ItemRow, ReportData

CENTER = WD_ALIGN_PARAGRAPH.CENTER
# Characters XML 1.0 cannot hold. A returned cell can carry them ("_x0001_" in the sheet's XML
# reads back as "\x01"), and one of them would stop the whole merge at the draft report.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """`text` with the characters a .docx cannot hold turned into spaces."""
    return NOT_XML.sub(" ", text) if NOT_XML.search(text) else text


def _para(doc: Any, text: str, **options: Any) -> Any:
    return _letter_para(doc, xml_safe(text), **options)


@dataclass
class NextTask:
    """A task that falls due in the next period."""

    task_id: str
    title: str
    lead: str
    due: date | str | None


@dataclass
class DraftContext:
    """What the report says beyond the merge: the plan's parts and the next period."""

    place: str = ""
    sections: list[dict[str, Any]] = field(default_factory=list)  # plan.json "sections"
    task_sections: dict[str, str] = field(default_factory=dict)  # task id -> section id
    next_period: str = ""
    next_tasks: list[NextTask] = field(default_factory=list)
    signer: str = ""


def write_draft_report(
    path: str | os.PathLike[str], report: ReportData, context: DraftContext
) -> Path:
    """Write the draft report atomically (temp file + rename) and return its path."""
    data = digest(report)
    issuer = xml_safe(clean_issuer(report.issuer)) or "Ủy ban nhân dân"
    meta = {"number": report.plan_number, "title": report.plan_title, "date": report.plan_date}
    reference = plan_reference(meta, blank="      /KH-UBND")
    doc = Document()
    _page_setup(doc)
    dated = letter_date(context.place, report.as_of) if context.place else ""
    _header(doc, issuer, "BC-" + _suffix(report.plan_number), "", dated)
    _para(doc, "")
    _para(doc, "BÁO CÁO", bold=True, align=CENTER)
    title = f"Kết quả thực hiện {reference}"
    if report.plan_title:
        title += f" về {about(report.plan_title)}"
    _para(doc, title, bold=True, align=CENTER)
    _para(doc, f"(Kỳ báo cáo: {period_text(report.period)})", italic=True, align=CENTER)
    _para(doc, "———————", size=9, align=CENTER)
    body = issuer_name(issuer)
    _body(
        doc,
        f"Thực hiện {reference}{_of(report, body)}, trên cơ sở báo cáo của các cơ quan, đơn vị "
        f"(số liệu đến ngày {vn_date(report.as_of)}), {body} báo cáo kết quả thực hiện "
        f"{period_text(report.period)} như sau:",
    )
    _results(doc, report, data, context)
    _shortcomings(doc, report, data)
    _difficulties(doc, report)
    _next_period(doc, report, context)
    recipients = [leaders_line(issuer), "Các cơ quan, đơn vị thực hiện Kế hoạch;"]
    _signature(doc, recipients, xml_safe(context.signer), authority_lines(issuer))
    target = Path(path)
    temp = target.with_name(f".~{target.stem}.docx")
    try:
        doc.save(str(temp))
        os.replace(temp, target)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise KehoachError(
            f"Không ghi được dự thảo báo cáo {target} ({err}). Kiểm tra tệp có đang mở trong "
            "Word không và quyền ghi vào thư mục."
        ) from err
    return target


def _suffix(number: str) -> str:
    """ "88/KH-UBND" -> "UBND": the issuer's part of the plan's number, for "Số: …/BC-UBND"."""
    kind = (number or "").partition("/")[2]
    return kind.partition("-")[2] or "UBND"


def _of(report: ReportData, body: str) -> str:
    """ " của <body>" after a plan's reference; a decision's reference already says who."""
    return f" của {body}" if body and document_kind(report.plan_number) == "Kế hoạch" else ""


def _body(doc: Any, text: str) -> None:
    text = xml_safe(text)  # first, so the spaces it leaves are collapsed with the others
    _para(doc, clean_line(text) if "\n" not in text else text, body=True)


def _heading(doc: Any, text: str) -> None:
    paragraph = _para(doc, text, bold=True, body=True)
    paragraph.paragraph_format.first_line_indent = None


# --- I. Kết quả thực hiện --------------------------------------------------------------------


def _results(doc: Any, report: ReportData, data: Digest, context: DraftContext) -> None:
    _heading(doc, "I. KẾT QUẢ THỰC HIỆN")
    _heading(doc, "1. Tình hình chung")
    statuses = _task_statuses(report.items)
    rows = sum(count for _, count in statuses)
    parts = [f"{count} {STATUS_LABELS[s].lower()}" for s, count in statuses if count]
    _body(
        doc,
        f"Kỳ {period_text(report.period)} có {data.tasks} nhiệm vụ phải báo cáo, giao cho "
        f"{data.units} cơ quan, đơn vị; {data.units_returned}/{data.units} đơn vị đã gửi báo cáo. "
        f"{data.on_track}/{data.tasks} nhiệm vụ đúng tiến độ; {data.overdue} nhiệm vụ quá hạn; "
        f"{data.missing_output} nhiệm vụ thiếu sản phẩm.",
    )
    if rows:
        _body(
            doc,
            f"Trong {rows} lượt giao nhiệm vụ cho các đơn vị (chủ trì và phối hợp), đến ngày "
            f"{vn_date(report.as_of)}: {'; '.join(parts)}.",
        )
    _heading(doc, "2. Kết quả theo từng nội dung của Kế hoạch")
    titles = {s.get("id"): s.get("title") for s in context.sections}
    numbers = {s.get("id"): s.get("number") for s in context.sections}
    groups: dict[str, list[ItemRow]] = {}
    for item in report.items:
        if "unknown_row" in item.flags:
            continue
        groups.setdefault(context.task_sections.get(item.task_id, ""), []).append(item)
    wrote = False
    for section, items in groups.items():
        reported = [i for i in items if i.result.strip() or i.documents.strip()]
        if not reported:
            continue
        wrote = True
        heading = titles.get(section) or ""
        if heading:
            number = numbers.get(section)
            label = f"{number}. " if number else ""
            _para(doc, f"{label}{_sentence(heading)}", italic=True, body=True)
        for item in reported:
            status = STATUS_LABELS.get(item.status, item.status).lower()
            text = f"- {item.title} ({item.unit_name or item.unit}, {status})"
            if item.result.strip():
                text += f": {_clause(item.result)}."
            else:
                text += "."
            if item.documents.strip():
                text += f" Văn bản đã ban hành: {_clause(item.documents)}."
            _body(doc, text)
    if not wrote:
        _body(doc, "Các đơn vị chưa báo cáo kết quả cụ thể trong kỳ.")


def _task_statuses(items: Iterable[ItemRow]) -> list[tuple[str, int]]:
    """Task × unit rows per status, in the report's order."""
    from kehoach_xlsx.workbook.report import STATUS_ORDER

    counts = {status: 0 for status in STATUS_ORDER}
    for item in items:
        if "unknown_row" not in item.flags and item.status in counts:
            counts[item.status] += 1
    return list(counts.items())


def _sentence(text: str) -> str:
    """A plan heading in capitals reads as a sentence: "CẢI CÁCH THỂ CHẾ" -> "Cải cách thể chế"."""
    text = clean_line(text)
    return text[:1] + text[1:].lower() if text.isupper() else text


def _clause(text: str) -> str:
    return clean_line(text).rstrip(" .;")


# --- II. Tồn tại, hạn chế --------------------------------------------------------------------


def _shortcomings(doc: Any, report: ReportData, data: Digest) -> None:
    _heading(doc, "II. TỒN TẠI, HẠN CHẾ")
    silent = [u.name for u in data.unit_lines if not u.returned]
    wrote = False
    if silent:
        wrote = True
        _body(doc, f"- {len(silent)} đơn vị chưa gửi báo cáo: {', '.join(silent)}.")
    for flag, label in (
        ("overdue", "Nhiệm vụ quá hạn"),
        ("missing_output", "Nhiệm vụ đã hoàn thành nhưng chưa có đủ sản phẩm"),
        ("completed_late", "Nhiệm vụ hoàn thành chậm so với thời hạn"),
    ):
        by_unit: dict[str, list[str]] = {}
        for item in report.items:
            if flag in item.flags:
                due = vn_date(item.due) if isinstance(item.due, date) else ""
                what = f"{item.title} ({item.task_id}, hạn {due})" if due else item.title
                by_unit.setdefault(item.unit_name or item.unit, []).append(what)
        if not by_unit:
            continue
        wrote = True
        count = sum(len(v) for v in by_unit.values())
        _body(doc, f"- {label} ({count}):")
        for unit, tasks in by_unit.items():
            _body(doc, f"+ {unit}: {'; '.join(tasks)}.")
    if not wrote:
        _body(doc, "Các đơn vị đã báo cáo đầy đủ, không có nhiệm vụ quá hạn.")


# --- III. Khó khăn, vướng mắc và đề xuất -----------------------------------------------------


def _difficulties(doc: Any, report: ReportData) -> None:
    _heading(doc, "III. KHÓ KHĂN, VƯỚNG MẮC VÀ ĐỀ XUẤT")
    by_unit: dict[str, list[str]] = {}
    heard: dict[str, set[str]] = {}  # a unit's difficulty said once, at its first task
    for item in report.items:
        if not item.issues:
            continue
        text = _clause(item.issues)
        unit = item.unit_name or item.unit
        if text and text not in heard.setdefault(unit, set()):
            heard[unit].add(text)
            by_unit.setdefault(unit, []).append(f"{text} (nhiệm vụ {item.task_id})")
    if not by_unit:
        _body(doc, "Các cơ quan, đơn vị chưa phản ánh khó khăn, vướng mắc trong kỳ.")
        return
    for unit, said in by_unit.items():
        _body(doc, f"- {unit}: {'; '.join(said)}.")


# --- IV. Nhiệm vụ kỳ tới ---------------------------------------------------------------------


def _next_period(doc: Any, report: ReportData, context: DraftContext) -> None:
    label = period_text(context.next_period) if context.next_period else "kỳ tới"
    _heading(
        doc,
        f"IV. NHIỆM VỤ KỲ TỚI ({label.upper()})" if context.next_period else "IV. NHIỆM VỤ KỲ TỚI",
    )
    unfinished = sorted({i.title for i in report.items if "overdue" in i.flags})
    if unfinished:
        _body(
            doc,
            "- Tập trung hoàn thành các nhiệm vụ đã quá hạn: " + "; ".join(unfinished) + ".",
        )
    for task in context.next_tasks:
        due = vn_date(task.due) if task.due else ""
        when = f", hạn {due}" if due else ""
        lead = f" ({task.lead}{when})" if task.lead else (f" (hạn {due})" if due else "")
        _body(doc, f"- {task.title}{lead}.")
    if not unfinished and not context.next_tasks:
        _body(doc, "- Tiếp tục thực hiện các nhiệm vụ thường xuyên theo Kế hoạch.")
    _body(
        doc,
        "Đề nghị các cơ quan, đơn vị tiếp tục triển khai các nhiệm vụ được giao và báo cáo "
        "kết quả đúng thời hạn./.",
    )


def next_period_code(code: str) -> str:
    """The period after `code` ("2026-09" -> "2026-10", "2026-Q4" -> "2027-Q1")."""
    from kehoach_xlsx.deadlines import make_period, parse_period

    period = parse_period(code)
    limits = {"month": 12, "quarter": 4, "half": 2, "year": 1}
    index, year = period.index + 1, period.year
    if index > limits[period.kind]:
        index, year = 1, year + 1
    return make_period(period.kind, year, index).code


def draft_context(plan: dict[str, Any], period: str) -> DraftContext:
    """Sections, task → section, and the tasks due next period, from plan.json."""
    from kehoach_xlsx.deadlines import due_in_period, parse_deadline, parse_period

    meta = plan.get("plan", {})
    plan_date = None
    if meta.get("date"):
        try:
            plan_date = date.fromisoformat(meta["date"])
        except ValueError:
            plan_date = None
    following = next_period_code(period)
    next_p = parse_period(following)
    upcoming: list[NextTask] = []
    dues: dict[str, Any] = {}  # a province's plan repeats a few wordings thousands of times
    for task in plan.get("tasks", []):
        wording = task.get("deadline_text") or ""
        if wording not in dues:
            dues[wording] = due_in_period(parse_deadline(wording, plan_date=plan_date), next_p)
        due = dues[wording]
        if due.expected and due.due is not None and next_p.contains(due.due):
            lead = ", ".join(task.get("lead") or [])
            upcoming.append(NextTask(task["id"], task.get("title", ""), lead, due.due))
    upcoming.sort(key=lambda t: (t.due if isinstance(t.due, date) else date.max, t.task_id))
    return DraftContext(
        place=clean_line(meta.get("place")),
        sections=list(plan.get("sections", [])),
        task_sections={t["id"]: t.get("section") or "" for t in plan.get("tasks", [])},
        next_period=following,
        next_tasks=upcoming,
        signer=clean_line(meta.get("signer")),
    )


def print_leader_pdfs(report: ReportData, report_path: Path, draft_path: Path) -> dict[str, Any]:
    """PDF copies of the brief and the draft report beside them, when LibreOffice is here.

    Returns {"pdf": [paths]} or {"pdf_note": "<Vietnamese reason>"}: a missing LibreOffice
    is not an error of the merge, whose workbook and .docx are already written.
    """
    import tempfile

    from kehoach_xlsx.office import OfficeMissing, to_pdf
    from kehoach_xlsx.workbook.brief import write_brief
    from kehoach_xlsx.workbook.report import STATUS_COLOURS

    folder = Path(report_path).parent
    with tempfile.TemporaryDirectory(prefix="kehoach-tomtat-") as scratch:
        brief = Path(scratch) / f"tom-tat_{report.period}.xlsx"
        write_brief(brief, report, STATUS_COLOURS)
        try:
            written = to_pdf([brief, Path(draft_path)], folder)
        except OfficeMissing as missing:
            return {"pdf_note": str(missing)}
    return {"pdf": written}
