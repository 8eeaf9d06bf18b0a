"""`kehoach send`, `kehoach remind`, `kehoach month`: the mail side of a reporting round."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import click

from kehoach_xlsx.commands.common import (
    Counter,
    echo_json,
    echo_lines,
    holds_workspace,
    verbose_option,
)
from kehoach_xlsx.commands.returns import iso_date
from kehoach_xlsx.rounds import MailOptions, MailRun, remind_period, run_month, send_period


def mail_options(function):
    options = [
        click.option("--dry-run", is_flag=True, help="Chỉ liệt kê thư sẽ gửi, không gửi."),
        click.option(
            "--eml-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Không gửi: ghi thư nháp .eml vào thư mục này (mở bằng Outlook/Thunderbird).",
        ),
        click.option("--host", help="Máy chủ SMTP (mặc định theo kehoach.toml)."),
        click.option("--port", type=int, help="Cổng SMTP."),
        click.option(
            "--user", help="Tài khoản SMTP (mật khẩu: biến KEHOACH_SMTP_PASSWORD hoặc keyring)."
        ),
        click.option(
            "--security", type=click.Choice(["starttls", "ssl", "none"]), help="Kiểu mã hoá SMTP."
        ),
        click.option("--sender", help="Địa chỉ người gửi."),
        click.option("--rate", type=float, help="Gửi tối đa bấy nhiêu thư mỗi phút."),
        click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def build_options(dry_run, eml_dir, host, port, user, security, sender, rate) -> MailOptions:
    return MailOptions(dry_run, eml_dir, host, port, user, security, sender, rate)


def show(run: MailRun, as_json: bool, verbose: bool, root: Path) -> None:
    """What a mail run did; paths shown from where the user ran the command (root/...)."""
    if as_json:
        echo_json({"mode": run.mode, **run.data})
        return
    data = run.data
    if run.mode == "dry-run":
        click.echo(
            f"Sẽ gửi {len(data['to_send'])} thư; {len(data['already_sent'])} đơn vị đã gửi trước đó."
        )
        lines = [
            f"  sẽ gửi  {item['unit']:<10} → {', '.join(item['recipients'])}: {item['subject']}"
            for item in data["to_send"]
        ]
        lines += [f"  đã gửi trước đó  {unit}" for unit in data["already_sent"]]
        echo_lines(lines, verbose, "thư")
    elif run.mode == "drafts":
        folder = f" vào {Path(data['drafts'][0]).parent}" if data["drafts"] else ""
        click.echo(f"Đã ghi {len(data['drafts'])} thư nháp .eml{folder}:")
        echo_lines([f"  {path}" for path in data["drafts"]], verbose, "thư nháp")
    elif run.mode == "smtp":
        sent, failed = [], []
        for delivery in data["deliveries"]:
            mark = "✓" if delivery["status"] == "ok" else "✗"
            extra = "; ".join(f"{a}: {r}" for a, r in delivery["refused"].items()) or (
                delivery["error"] or ""
            )
            line = f"  {mark} {delivery['unit']:<10} {', '.join(delivery['accepted'])} {extra}"
            (sent if delivery["status"] == "ok" and not extra else failed).append(line)
        click.echo(f"Đã gửi {len(sent)} thư, {len(failed)} thư có lỗi.")
        echo_lines(sent, verbose, "thư đã gửi")
        for line in failed:  # a failed delivery always shows
            click.echo(line)
        if data["already_sent"]:
            click.echo(f"  Đã gửi trước đó (không gửi lại): {', '.join(data['already_sent'])}")
        if data.get("uncertain"):
            click.echo(
                "  Lần trước bị ngắt khi đang gửi, đã gửi lại (cùng mã thư, đơn vị có thể nhận "
                f"2 bản giống nhau): {', '.join(data['uncertain'])}"
            )
    if data.get("no_address"):
        click.echo(
            f"  Chưa có địa chỉ thư (điền cột Email ở trang “Đơn vị”): {', '.join(data['no_address'])}"
        )
    if data.get("mail_note"):
        click.echo(data["mail_note"])
    if data.get("letter"):
        click.echo(f"Đã ghi dự thảo văn bản đôn đốc: {Path(root) / data['letter']}")


@click.command("send")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True, help="Kỳ báo cáo, ví dụ 2026-09.")
@mail_options
@verbose_option
@holds_workspace("send")
def send_command(directory, period, as_json, verbose, **options) -> None:
    """Gửi cho mỗi đơn vị tệp Excel của kỳ (chỉ gửi những thư chưa gửi được)."""
    progress = Counter("Đã gửi", as_json)
    try:
        run = send_period(directory, period, build_options(**options), progress=progress)
    finally:
        progress.close()
    show(run, as_json, verbose, directory)
    problems = [d for d in run.data.get("deliveries", []) if d["status"] != "ok"]
    if problems:
        raise SystemExit(6)


@click.command("remind")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--period", required=True, help="Kỳ báo cáo, ví dụ 2026-09.")
@click.option("--as-of", callback=iso_date, help="Ngày tính quá hạn (mặc định hôm nay).")
@click.option(
    "--letter", is_flag=True, help="Ghi thêm dự thảo văn bản đôn đốc (.docx) để lãnh đạo ký."
)
@mail_options
@verbose_option
@holds_workspace("remind")
def remind_command(directory, period, as_of, letter, as_json, verbose, **options) -> None:
    """Nhắc các đơn vị chưa gửi báo cáo hoặc có nhiệm vụ quá hạn, thiếu sản phẩm."""
    run = remind_period(directory, period, as_of or date.today(), build_options(**options), letter)
    show(run, as_json, verbose, directory)


@click.command("month")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--as-of", callback=iso_date, help="Ngày chạy (mặc định hôm nay).")
@click.option(
    "--pdf",
    is_flag=True,
    help="In thêm bản PDF của trang tóm tắt và dự thảo báo cáo (cần LibreOffice).",
)
@mail_options
@holds_workspace("month")
def month_command(directory, as_of, pdf, as_json, **options) -> None:
    """Việc hằng tháng trong một lệnh (dùng cho cron): nhận thư, tổng hợp, nhắc, gửi báo cáo.

    Thoát với mã 10 và một dòng tóm tắt khi có việc cần người xử lý.
    """
    result = run_month(
        directory,
        as_of or date.today(),
        build_options(**options),
        os.environ.get("KEHOACH_IMAP_PASSWORD"),
        pdf=pdf,
    )
    if as_json:
        echo_json(
            {
                "period": result.period,
                "needs_person": result.needs_person,
                "summary": result.summary_line,
                "steps": result.steps,
            }
        )
    else:
        click.echo(result.summary_line)
        for path in result.steps.get("pdf", []):
            click.echo(f"Bản PDF: {path}")
        if result.steps.get("pdf_note"):
            click.echo(result.steps["pdf_note"])
    if result.needs_person:
        raise SystemExit(10)


COMMANDS = [send_command, remind_command, month_command]
