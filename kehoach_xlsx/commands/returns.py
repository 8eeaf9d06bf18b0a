"""`kehoach collect`, `kehoach merge`, `kehoach status`: returned workbooks → report."""

from __future__ import annotations

import json
import tempfile
from datetime import date
from pathlib import Path

import click

from kehoach_xlsx.books import workspace_registry
from kehoach_xlsx.collect import collect_files
from kehoach_xlsx.commands.common import (
    echo_json,
    echo_lines,
    holds_workspace,
    progress_bar,
    verbose_option,
)
from kehoach_xlsx.deadlines import parse_period
from kehoach_xlsx.errors import MailError, WorkspaceError
from kehoach_xlsx.merge import merge_period
from kehoach_xlsx.report_docx import print_leader_pdfs
from kehoach_xlsx.texts import period_text, vn_date
from kehoach_xlsx.workbook.assign import read_assignment
from kehoach_xlsx.workbook.report import STATUS_LABELS
from kehoach_xlsx.workspace import Workspace

STATE_LABELS = {
    "accepted": "đã nhận",
    "duplicate": "trùng (đã nhận trước)",
    "rejected": "không nhận",
    "superseded": "bị thay thế",
    "skipped": "bỏ qua",
}


def iso_date(ctx, param, value):
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError as err:
        raise click.BadParameter(f"“{value}” không phải ngày dạng YYYY-MM-DD.") from err


@click.command("collect")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--imap", "imap_server", help="Máy chủ thư IMAP (HOST hoặc HOST:PORT) để lấy tệp đính kèm."
)
@click.option(
    "--user", help="Tài khoản IMAP (mật khẩu: biến môi trường KEHOACH_IMAP_PASSWORD hoặc keyring)."
)
@click.option("--folder", default="INBOX", show_default=True, help="Thư mục thư cần đọc.")
@click.option("--since", callback=iso_date, help="Chỉ đọc thư từ ngày này (YYYY-MM-DD).")
@click.option(
    "--no-ssl",
    is_flag=True,
    help="Kết nối IMAP không mã hoá (chỉ dùng trong mạng nội bộ/thử nghiệm).",
)
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@verbose_option
@holds_workspace("collect")
def collect_command(
    directory, paths, imap_server, user, folder, since, no_ssl, as_json, verbose
) -> None:
    """Nhận các tệp báo cáo đơn vị gửi lại (từ thư mục/tệp, hoặc từ hộp thư IMAP).

    Mỗi tệp được chép nguyên vẹn vào thư mục returned/, ghi mã băm và nhận diện đơn vị, kỳ.
    """
    workspace = Workspace.open(directory)
    registry = workspace_registry(workspace, read_assignment(workspace.assignment_path))
    fetched_note = None
    all_paths = list(paths)
    if imap_server:
        from kehoach_xlsx.mailbox import fetch_attachments, imap_password, remember_seen

        host, _, port = imap_server.partition(":")
        user = user or workspace.setting("mail", "imap_user")
        if not user:
            raise MailError(
                "Chưa có tài khoản IMAP: dùng --user hoặc ghi imap_user trong kehoach.toml."
            )
        password = imap_password(host, user)
        if not password:
            raise MailError("Chưa có mật khẩu IMAP: đặt biến môi trường KEHOACH_IMAP_PASSWORD.")
        inbox = Path(tempfile.mkdtemp(prefix="thu-", dir=workspace.root / "archive"))
        with workspace.ledger() as ledger:
            fetched = fetch_attachments(
                host,
                int(port or (143 if no_ssl else 993)),
                user,
                password,
                folder,
                since,
                dest_dir=inbox,
                ledger_conn=ledger.conn,
                ssl=not no_ssl,
                remember=False,  # only once collected: a run stopped before fetches them again
            )
        all_paths.extend(saved.path for saved in fetched.saved)
        fetched_note = fetched
    if not all_paths:
        if imap_server:
            with workspace.ledger() as ledger:
                remember_seen(ledger.conn, fetched)
            click.echo("Không có tệp đính kèm mới trong hộp thư.")
            return
        raise click.UsageError("Cần nêu tệp/thư mục nhận về, hoặc dùng --imap.")
    result = collect_files(
        directory,
        all_paths,
        source="imap" if imap_server else "folder",
        registry=registry,
        progress=progress_bar("Đang nhận tệp", as_json),
    )
    if fetched_note is not None:
        with workspace.ledger() as ledger:
            remember_seen(ledger.conn, fetched_note)
    if as_json:
        data = result.to_dict()
        if fetched_note is not None:
            data["imap"] = fetched_note.to_dict()
        echo_json(data)
        return
    accepted, others = [], []
    for item in result.files:
        who = f"{item.unit} {item.period}" if item.unit else "?"
        line = f"  {STATE_LABELS.get(item.state, item.state):<22} {who:<16} {item.original}"
        line += f" — {item.message}" if item.message else ""
        # a file not taken always shows, with its reason: nothing is dropped silently
        (accepted if item.state == "accepted" and not item.message else others).append(line)
    echo_lines(accepted, verbose, "tệp đã nhận")
    for line in others:
        click.echo(line)
    counts = result.to_dict()["summary"]
    click.echo(
        f"Đã nhận {counts['accepted']} tệp, trùng {counts['duplicate']}, không nhận {counts['rejected']}, "
        f"bỏ qua {counts['skipped']}."
    )


@click.command("merge")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True, help="Kỳ báo cáo, ví dụ 2026-09.")
@click.option(
    "--as-of", callback=iso_date, help="Ngày tính quá hạn (YYYY-MM-DD); mặc định hôm nay."
)
@click.option(
    "--due-soon-days",
    type=int,
    help="Báo “sắp đến hạn” trong số ngày này (mặc định theo cài đặt: 7).",
)
@click.option(
    "--pdf",
    is_flag=True,
    help="In thêm bản PDF của trang tóm tắt và dự thảo báo cáo (cần LibreOffice).",
)
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
@verbose_option
@holds_workspace("merge")
def merge_command(directory, period, as_of, due_soon_days, pdf, as_json, verbose) -> None:
    """Tổng hợp các tệp đã nhận của kỳ, đánh dấu quá hạn, thiếu sản phẩm, chưa báo cáo.

    Ghi bảng tổng hợp (bao-cao_<kỳ>.xlsx, trang đầu là tóm tắt một trang) và dự thảo văn bản
    báo cáo (bao-cao_<kỳ>.docx) vào thư mục reports/.
    """
    period_code = parse_period(period).code
    result = merge_period(
        directory,
        period_code,
        as_of or date.today(),
        due_soon_days,
        progress=progress_bar("Đang đọc tệp", as_json),
    )
    for note in result.notes:
        click.echo(f"Lưu ý: {note.message}", err=True)
    if pdf:
        printed = print_leader_pdfs(
            result.report, result.report_path, Path(directory) / result.data["draft_report"]
        )
        if "pdf" in printed:
            root = Path(directory)
            result.data["pdf"] = [p.relative_to(root).as_posix() for p in printed["pdf"]]
        else:
            result.data["pdf_note"] = printed["pdf_note"]
    if as_json:
        click.echo(json.dumps(result.data, ensure_ascii=False, indent=2, sort_keys=False))
        return
    summary = result.data["summary"]
    click.echo(
        f"Kỳ {period_text(period_code)}, tính đến {vn_date(result.data['as_of'])}: "
        f"{summary['units_returned']}/{summary['units']} "
        f"đơn vị đã gửi; {summary['items']} dòng nhiệm vụ × đơn vị."
    )
    click.echo(
        f"  Đã hoàn thành {summary['done']}, đang thực hiện {summary['in_progress']}, chưa thực hiện "
        f"{summary['not_started']}, không thực hiện được {summary['cannot_do']}, chưa báo cáo {summary['not_reported']}."
    )
    click.echo(
        f"  Quá hạn {summary['overdue']}, thiếu sản phẩm {summary['missing_output']}, sắp đến hạn "
        f"{summary['due_soon']}, cần đặt hạn {summary['needs_date']}, giá trị lỗi {summary['invalid_value']}."
    )
    if verbose:
        for unit in result.report.units:
            state = "đã gửi " if unit.returned else "chưa gửi"
            click.echo(f"  {unit.unit:<10} {state} {unit.expected:>4} nhiệm vụ  {unit.unit_name}")
    click.echo(f"Báo cáo: {result.report_path}")
    click.echo(f"Dự thảo văn bản báo cáo: {Path(directory) / result.data['draft_report']}")
    for path in result.data.get("pdf", []):
        click.echo(f"Bản PDF: {Path(directory) / path}")
    if result.data.get("pdf_note"):
        click.echo(result.data["pdf_note"])


@click.command("status")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True, help="Kỳ báo cáo, ví dụ 2026-09.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON.")
def status_command(directory, period, as_json) -> None:
    """In bảng tình hình báo cáo của các đơn vị trong kỳ (theo lần tổng hợp gần nhất)."""
    workspace = Workspace.open(directory)
    period_code = parse_period(period).code
    with workspace.ledger() as ledger:
        info = ledger.merge_info(period_code)
        answers = ledger.answers(period_code)
        books = {b.unit: b for b in ledger.books(period_code)}
        returned = {r.unit for r in ledger.receipts(period_code) if r.state == "accepted"}
    if info is None:
        raise WorkspaceError(
            f"Kỳ {period_code} chưa được tổng hợp. Hãy chạy: kehoach merge {directory} --period {period_code}"
        )
    matrix: dict[str, dict[str, int]] = {}
    for answer in answers:
        row = matrix.setdefault(
            answer["unit"], {s: 0 for s in STATUS_LABELS} | {"overdue": 0, "missing_output": 0}
        )
        row[answer["status"]] = row.get(answer["status"], 0) + 1
        for flag in ("overdue", "missing_output"):
            if flag in answer["flags"]:
                row[flag] += 1
    if as_json:
        echo_json({"period": period_code, "as_of": info["as_of"], "units": matrix})
        return
    columns = (
        "done",
        "in_progress",
        "not_started",
        "cannot_do",
        "not_reported",
        "overdue",
        "missing_output",
    )
    heads = ("Xong", "Đang", "Chưa", "K.thể", "Chưa BC", "Q.hạn", "Thiếu SP")
    click.echo(f"Kỳ {period_text(period_code)} — tổng hợp ngày {vn_date(info['as_of'])}")
    click.echo(f"{'Đơn vị':<34}" + "".join(f"{h:>9}" for h in heads))
    for unit in sorted(matrix):
        name = books[unit].unit_name if unit in books else unit
        counts = matrix[unit]
        line = f"{(unit + ' ' + name)[:33]:<34}" + "".join(
            f"{counts.get(c, 0):>9}" for c in columns
        )
        if unit not in returned:
            line += "  ← chưa gửi"
        click.echo(line)


COMMANDS = [collect_command, merge_command, status_command]
