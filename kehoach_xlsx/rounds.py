"""The mail side of a reporting round: send workbooks, remind late units, the scripted month."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any

from kehoach_xlsx import texts
from kehoach_xlsx.books import workspace_registry
from kehoach_xlsx.collect import ACCEPTED_SUFFIXES, collect_files
from kehoach_xlsx.deadlines import parse_period
from kehoach_xlsx.errors import MailError, WorkspaceError
from kehoach_xlsx.ledger import BookRecord, Receipt
from kehoach_xlsx.letter import LateUnit, write_reminder_letter
from kehoach_xlsx.mail import (
    OutgoingMail,
    ReminderTarget,
    SmtpSettings,
    SmtpTransport,
    TaskLine,
    build_reminders,
    compose_mail,
    plan_delivery,
    send,
    write_drafts,
)
from kehoach_xlsx.merge import merge_period
from kehoach_xlsx.model import PlanMeta
from kehoach_xlsx.report_docx import print_leader_pdfs
from kehoach_xlsx.texts import (
    about,
    clean_line,
    issuer_short,
    office_name,
    plan_reference,
    plan_sentence,
    vn_date,
)
from kehoach_xlsx.vntext import slugify
from kehoach_xlsx.workbook.assign import read_assignment
from kehoach_xlsx.workspace import Workspace, utc_now


@dataclass
class MailOptions:
    """How to deliver: SMTP (settings from kehoach.toml, overridable), drafts, or a dry run."""

    dry_run: bool = False
    eml_dir: Path | None = None
    host: str | None = None
    port: int | None = None
    user: str | None = None
    security: str | None = None
    sender: str | None = None
    rate_per_minute: float | None = None

    def smtp(self, workspace: Workspace) -> SmtpSettings:
        host = self.host or workspace.setting("mail", "host")
        sender = (
            self.sender
            or workspace.setting("mail", "sender")
            or self.user
            or workspace.setting("mail", "user")
        )
        if not host:
            raise MailError(
                "Chưa cấu hình máy chủ thư: ghi [mail] host trong kehoach.toml hoặc dùng --host; "
                "hoặc dùng --eml-dir để chỉ tạo thư nháp."
            )
        if not sender:
            raise MailError(
                "Chưa có địa chỉ gửi: ghi [mail] sender trong kehoach.toml hoặc dùng --sender."
            )
        return SmtpSettings(
            host=host,
            port=int(self.port or workspace.setting("mail", "port", 587)),
            user=self.user or workspace.setting("mail", "user") or None,
            security=self.security or workspace.setting("mail", "security", "starttls"),
            sender=sender,
            sender_name=workspace.setting("mail", "sender_name", "Văn phòng HĐND và UBND"),
        )


@dataclass
class MailRun:
    mode: str  # smtp, drafts, dry-run
    data: dict[str, Any] = field(default_factory=dict)
    drafts: list[Path] = field(default_factory=list)


def addresses(text: str) -> list[str]:
    return [a for a in re.split(r"[;,\s]+", text or "") if "@" in a]


def common_values(workspace: Workspace, period: str, due: str | None) -> dict[str, Any]:
    """The placeholders every mail shares; a part that is not known is left out cleanly."""
    meta = workspace.plan_dict().get("plan", {})
    issuer = meta.get("issuer") or ""
    short = plan_reference(meta)
    title = about(meta.get("title"))
    if not meta.get("number") and title and len(title) <= 80:
        short = f"{short} về {title}"
    return {
        "co_quan": issuer_short(issuer),
        "ke_hoach": plan_sentence(meta),
        "ke_hoach_ngan": short,
        "ky": texts.period_text(period),
        "han": vn_date(due),
        "lien_he": clean_line(workspace.setting("chung", "lien_he", "") or ""),
        "van_phong": office_name(issuer, workspace.setting("chung", "don_vi_dau_moi", "")),
    }


def unit_addresses(workspace: Workspace) -> dict[str, list[str]]:
    assignment = read_assignment(workspace.assignment_path)
    return {unit.code: addresses(unit.email) for unit in assignment.units}


def deliver(
    workspace: Workspace, messages: list[OutgoingMail], options: MailOptions, progress=None
) -> MailRun:
    # Message-IDs fixed by plan, period, unit and round: a resent copy is recognisable
    scope = workspace.plan_id
    messages = [m if m.id_scope else replace(m, id_scope=scope) for m in messages]
    with workspace.ledger() as ledger:
        if options.dry_run:
            return MailRun("dry-run", plan_delivery(messages, ledger.conn).to_dict())
        if options.eml_dir is not None:
            settings_sender = workspace.setting("mail", "sender", "") or ""
            drafts = write_drafts(
                messages,
                options.eml_dir,
                settings_sender,
                workspace.setting("mail", "sender_name", "") or "",
            )
            no_address = [m.unit for m in messages if not m.to]
            return MailRun(
                "drafts", {"drafts": [str(p) for p in drafts], "no_address": no_address}, drafts
            )
        settings = options.smtp(workspace)
        with SmtpTransport(settings) as transport:
            result = send(messages, transport, ledger.conn, options.rate_per_minute, progress)
        ledger.log(
            "mail", f"{len(result.sent)} thư gửi được, {len(result.problems)} lỗi", utc_now()
        )
        return MailRun("smtp", result.to_dict())


def send_period(root: str | Path, period_text: str, options: MailOptions, progress=None) -> MailRun:
    """Mail each unit its workbook for the period (once per workbook, see mail.send)."""
    workspace = Workspace.open(root)
    period = parse_period(period_text).code
    emails = unit_addresses(workspace)
    messages = []
    with workspace.ledger() as ledger:
        books = ledger.books(period)
    if not books:
        raise WorkspaceError(
            f"Chưa có tệp nào cho kỳ {period}. Hãy chạy trước: kehoach split {root} --period {period}"
        )
    for book in books:
        path = workspace.path_of(book.path)
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        display = f"Báo cáo {book.unit_name} kỳ {period}.xlsx"
        values = {
            **common_values(workspace, period, book.due),
            "don_vi": book.unit_name,
            "ten_tep": display,
        }
        tasks = [
            TaskLine(r["task_id"], r["title"], r.get("due") or r.get("deadline_text"))
            for r in book.rows
        ]
        composed = compose_mail("send", values, tasks, workspace.root)
        messages.append(
            OutgoingMail(
                key=f"{period}:{book.unit}:{sha}",
                unit=book.unit,
                unit_name=book.unit_name,
                to=emails.get(book.unit, []),
                subject=composed.subject,
                text=composed.text,
                html=composed.html,
                attachment=path,
                attachment_display_name=display,
                kind="send",
                period=period,
            )
        )
    return deliver(workspace, messages, options, progress)


PROBLEMS = {
    "not_reported": "chưa báo cáo",
    "overdue": "quá hạn",
    "missing_output": "thiếu sản phẩm đầu ra",
}


def late_units(
    merged: dict[str, Any], titles: dict[str, str], wordings: dict[str, str] | None = None
) -> list[tuple[str, list[TaskLine]]]:
    """Units to chase and exactly the tasks to chase them for (a task without a date shows
    its deadline as the plan wrote it: "Thường xuyên")."""
    result: dict[str, list[TaskLine]] = {}
    for item in merged["items"]:
        problems = [
            PROBLEMS[f] for f in ("not_reported", "overdue", "missing_output") if f in item["flags"]
        ]
        if problems and item["role"] is not None:
            result.setdefault(item["unit"], []).append(
                TaskLine(
                    item["task_id"],
                    titles.get(item["task_id"], ""),
                    item["due"] or (wordings or {}).get(item["task_id"]) or None,
                    ", ".join(problems),
                )
            )
    return sorted(result.items())


def remind_period(
    root: str | Path,
    period_text: str,
    as_of: date,
    options: MailOptions,
    letter: bool = False,
) -> MailRun:
    """Remind only the units that did not return or have overdue / missing-output rows."""
    workspace = Workspace.open(root)
    period = parse_period(period_text).code
    merged = merge_period(workspace.root, period, as_of).data
    plan = workspace.plan_dict()
    titles = {t["id"]: t["title"] for t in plan.get("tasks", [])}
    with workspace.ledger() as ledger:
        books = {b.unit: b for b in ledger.books(period)}
    emails = unit_addresses(workspace)
    returned = {u["unit"] for u in merged["units"] if u["returned"]}
    targets = []
    attachments = {}
    wordings = {t["id"]: t.get("deadline_text") or "" for t in plan.get("tasks", [])}
    for unit, tasks in late_units(merged, titles, wordings):
        book = books.get(unit)
        name = book.unit_name if book else unit
        targets.append(ReminderTarget(unit, name, emails.get(unit, []), tasks))
        if book and unit not in returned:
            attachments[unit] = (workspace.path_of(book.path), f"Báo cáo {name} kỳ {period}.xlsx")
    with workspace.ledger() as ledger:
        notes = refused_notes(ledger.receipts(), list(books.values()), period)
    due = next(iter(books.values())).due if books else None
    messages = build_reminders(
        targets, common_values(workspace, period, due), period, as_of, workspace.root, attachments
    )
    messages = [with_refusal_note(m, notes[m.unit]) if m.unit in notes else m for m in messages]
    letter_path = None
    if letter and targets:
        # the letter is for the leader to sign: written whether or not mail can be sent
        letter_path = write_letter(workspace, plan.get("plan", {}), period, as_of, targets, notes)
    try:
        run = deliver(workspace, messages, options)
    except MailError as err:
        if letter_path is None or not mail_unconfigured(workspace, options):
            raise
        run = MailRun("letter", {"mail_note": f"Chưa gửi thư nhắc: {err}"})
    run.data["units"] = [t.unit for t in targets]
    if letter_path is not None:
        run.data["letter"] = workspace.stored(letter_path)
    return run


# What a unit can do about a refused file, by the reader's code (the reason itself is the
# message stored with the receipt).
_REFUSAL_ADVICE = {
    "encrypted": "gỡ mật khẩu của tệp rồi gửi lại",
    "not_spreadsheet": "gửi lại đúng tệp Excel (.xlsx), không gửi ảnh, PDF hay văn bản Word",
}
_DEFAULT_ADVICE = (
    "điền vào tệp Excel gửi kèm thư này (hoặc tệp đã nhận lần trước), giữ nguyên các trang "
    "và lưu dạng .xlsx, rồi gửi lại"
)


def refused_notes(receipts: list[Receipt], books: list[BookRecord], period: str) -> dict[str, str]:
    """unit -> why the files it sent this period could not be used, and what to do.

    A refused file rarely names its unit (it could not be read), so it is matched by its
    name: the name of the workbook we sent, the unit's name or its code, as words of the file
    name ("2026-09_phong-kinh-te.xlsx", "Bao cao PKT (2).xlsx"). A name matching several
    units is left out rather than told to the wrong one. A refusal older than the unit's
    latest accepted file, or than this period's workbooks, is no longer news.
    """
    if not books:
        return {}
    sent = min(b.generated for b in books)
    accepted: dict[str, str] = {}
    for receipt in receipts:
        if (
            receipt.state in ("accepted", "superseded")
            and receipt.period == period
            and receipt.unit
        ):
            accepted[receipt.unit] = max(accepted.get(receipt.unit, ""), receipt.received)
    notes: dict[str, list[str]] = {}
    for receipt in sorted(receipts, key=lambda r: r.received):
        if receipt.state != "rejected" or receipt.period not in (None, period):
            continue
        if receipt.received < sent:
            continue
        unit = receipt.unit or _unit_by_file_name(receipt.original_name, books)
        if unit is None or receipt.received < accepted.get(unit, ""):
            continue
        day = vn_date(date.fromisoformat(receipt.received[:10]))
        reason = (receipt.message or "tệp không đọc được").rstrip(". ")
        if receipt.stored_path:  # the unit knows its file by the name it sent, not ours
            reason = reason.replace(Path(receipt.stored_path).name, receipt.original_name)
        kind = receipt.kind or ""
        if Path(receipt.original_name).suffix.lower() not in ACCEPTED_SUFFIXES:
            kind = "not_spreadsheet"
        advice = _REFUSAL_ADVICE.get(kind, _DEFAULT_ADVICE)
        notes.setdefault(unit, []).append(
            f"Tệp “{receipt.original_name}” nhận ngày {day} chưa sử dụng được: {reason}. "
            f"Đề nghị {advice}."
        )
    return {unit: " ".join(lines) for unit, lines in notes.items()}


def _unit_by_file_name(name: str, books: list[BookRecord]) -> str | None:
    words = f"-{slugify(Path(name).stem, 200)}-"
    found = set()
    for book in books:
        keys = {slugify(book.unit_name, 200), slugify(book.unit, 20)}
        stem = Path(book.path).stem
        keys.add(slugify(stem.split("_", 1)[1] if "_" in stem else stem, 200))
        # a code of two letters ("CA", "VP") is too often a word of its own
        if any(len(key) >= 3 and f"-{key}-" in words for key in keys if key):
            found.add(book.unit)
    return found.pop() if len(found) == 1 else None


def with_refusal_note(mail: OutgoingMail, note: str) -> OutgoingMail:
    """The reminder with a paragraph saying why the unit's file could not be used, put
    after the list of tasks (at the end when a customised template has no such list)."""
    text = _after_first_blank_line_following(mail.text, "\n- [", note)
    paragraph = f'<p style="color:#a00000">{html.escape(note, quote=False)}</p>'
    end = mail.html.find("</table>")
    if end >= 0:
        end += len("</table>")
        page = mail.html[:end] + paragraph + mail.html[end:]
    else:
        page = mail.html.replace("</body>", paragraph + "</body>", 1)
        if page == mail.html:
            page = mail.html + paragraph
    return replace(mail, text=text, html=page)


def _after_first_blank_line_following(text: str, marker: str, note: str) -> str:
    start = text.find(marker)
    if start < 0:
        return f"{text.rstrip()}\n\n{note}\n"
    end = text.find("\n\n", start)
    if end < 0:
        return f"{text.rstrip()}\n\n{note}\n"
    return f"{text[:end]}\n\n{note}{text[end:]}"


def mail_unconfigured(workspace: Workspace, options: MailOptions) -> bool:
    """No SMTP server given anywhere (as opposed to a server that refused)."""
    return not (options.host or workspace.setting("mail", "host"))


def write_letter(
    workspace: Workspace,
    meta: dict[str, Any],
    period: str,
    as_of: date,
    targets: list,
    notes: dict[str, str] | None = None,
) -> Path:
    plan_meta = PlanMeta(
        number=meta.get("number"),
        issuer=meta.get("issuer"),
        place=meta.get("place"),
        date=date.fromisoformat(meta["date"]) if meta.get("date") else None,
        title=meta.get("title"),
    )
    path = workspace.reports_dir / f"van-ban-don-doc_{period}_{as_of.isoformat()}.docx"
    return write_reminder_letter(
        path,
        plan_meta,
        meta.get("place") or "",
        as_of,
        [LateUnit(t.unit_name, t.tasks, (notes or {}).get(t.unit, "")) for t in targets],
        office=office_name(meta.get("issuer"), workspace.setting("chung", "don_vi_dau_moi", "")),
    )


@dataclass
class MonthResult:
    period: str | None
    needs_person: bool
    summary_line: str
    steps: dict[str, Any] = field(default_factory=dict)


def current_period(workspace: Workspace, as_of: date) -> str | None:
    """The latest period we sent workbooks for that has begun by as_of."""
    with workspace.ledger() as ledger:
        periods = ledger.periods()
    started = [p for p in periods if parse_period(p).start <= as_of]
    return started[-1] if started else None


def run_month(
    root: str | Path,
    as_of: date,
    options: MailOptions,
    imap_password: str | None = None,
    pdf: bool = False,
) -> MonthResult:
    """Collect from the mailbox, merge, remind when the return date has passed, mail the report."""
    workspace = Workspace.open(root)
    period = current_period(workspace, as_of)
    if period is None:
        return MonthResult(None, True, "Chưa tách tệp cho kỳ nào: chạy kehoach split trước.")
    steps: dict[str, Any] = {"period": period}
    host = workspace.setting("mail", "imap_host")
    if host and imap_password:
        from kehoach_xlsx.mailbox import fetch_attachments, remember_seen

        with workspace.ledger() as ledger:
            fetched = fetch_attachments(
                host,
                int(workspace.setting("mail", "imap_port", 993)),
                workspace.setting("mail", "imap_user"),
                imap_password,
                workspace.setting("mail", "imap_folder", "INBOX"),
                None,
                dest_dir=workspace.archive_dir / "thu-den",
                ledger_conn=ledger.conn,
                remember=False,  # only once collected: a run stopped before fetches them again
            )
        registry = workspace_registry(workspace, read_assignment(workspace.assignment_path))
        if fetched.saved:
            collected = collect_files(
                workspace.root, [s.path for s in fetched.saved], "imap", registry
            )
            steps["collected"] = collected.to_dict()["summary"]
        with workspace.ledger() as ledger:
            remember_seen(ledger.conn, fetched)
    elif host:
        steps["imap"] = "bỏ qua: chưa có mật khẩu IMAP (KEHOACH_IMAP_PASSWORD)"
    merged = merge_period(workspace.root, period, as_of)
    summary = merged.data["summary"]
    steps["merge"] = summary
    steps["report"] = merged.data["report"]
    steps["draft_report"] = merged.data["draft_report"]
    if pdf:
        printed = print_leader_pdfs(
            merged.report, merged.report_path, workspace.path_of(merged.data["draft_report"])
        )
        if "pdf" in printed:
            steps["pdf"] = [workspace.stored(p) for p in printed["pdf"]]
        else:
            steps["pdf_note"] = printed["pdf_note"]
    with workspace.ledger() as ledger:
        books = ledger.books(period)
    return_by = min(date.fromisoformat(b.due) for b in books)
    if as_of > return_by:
        run = remind_period(workspace.root, period, as_of, options)
        steps["remind"] = run.data
    report_to = workspace.setting("mail", "report_to", []) or []
    if report_to:
        values = common_values(workspace, period, return_by.isoformat())
        display = f"Báo cáo tổng hợp kỳ {period}.xlsx"
        composed = compose_mail(
            "report",
            {**values, "don_vi": f"Lãnh đạo {values['co_quan']}".strip(), "ten_tep": display},
            (),
            workspace.root,
        )
        report = OutgoingMail(
            key=f"{period}:report:{as_of.isoformat()}",
            unit="LANH-DAO",
            unit_name="Lãnh đạo",
            to=list(report_to),
            subject=composed.subject,
            text=composed.text,
            html=composed.html,
            attachment=merged.report_path,
            attachment_display_name=display,
            kind="report",
            period=period,
        )
        steps["report_mail"] = deliver(workspace, [report], options).data
    late = summary["not_reported"] + summary["overdue"] + summary["missing_output"]
    needs_person = bool(late or summary.get("files_rejected") or summary.get("invalid_value"))
    line = (
        f"Kỳ {texts.period_text(period)} ({as_of:%d/%m/%Y}): {summary['units_returned']}/{summary['units']} đơn vị đã gửi, "
        f"quá hạn {summary['overdue']}, thiếu sản phẩm {summary['missing_output']}, "
        f"chưa báo cáo {summary['not_reported']}, tệp bị từ chối {summary.get('files_rejected', 0)}."
    )
    return MonthResult(period, needs_person, line, steps)
