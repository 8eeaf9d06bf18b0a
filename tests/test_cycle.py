"""The command-line cycle without LibreOffice: init, split, collect, merge, status, send.

On the project's own sample plan (kehoach_xlsx/data/vi-du, an invented ward), so a bare clone
runs it.
Returns are edited with openpyxl (a real xlsx writer), the mail goes to a real SMTP server
on loopback (aiosmtpd), and the ledger is the real SQLite file.
"""

from __future__ import annotations

import email
import json
import zipfile
from email import policy
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from kehoach_xlsx.cli import main
from kehoach_xlsx.ledger import Ledger
from tests.conftest import sample_init_args, smtp_args

# A second, unrelated plan (invented): its workbooks must not be taken for the sample's.
OTHER_PLAN = """ỦY BAN NHÂN DÂN XÃ THỬ NGHIỆM
Số: 7/KH-UBND
KẾ HOẠCH
Kiểm tra nhà văn hóa thôn năm 2026
II. NHIỆM VỤ
1. Kiểm tra cơ sở vật chất nhà văn hóa các thôn
- Cơ quan chủ trì: Văn phòng HĐND và UBND.
- Sản phẩm: Báo cáo kiểm tra.
- Thời gian thực hiện: Tháng 9/2026.
"""


def run(*args, ok=True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, result.output
    assert "Traceback" not in result.output
    return result


@pytest.fixture
def workspace(tmp_path):
    ws = tmp_path / "so"
    run("init", ws, *sample_init_args())
    return ws


def split_json(ws, period="2026-09", due="2026-10-05"):
    return json.loads(run("split", ws, "--period", period, "--due", due, "--json").output)


def fill(path: Path, target: Path, answers: dict[str, tuple]) -> Path:
    """Type answers the way a user would leave them in Excel (values in the input columns)."""
    book = openpyxl.load_workbook(path)
    sheet = book["Báo cáo"]
    header = next(r for r in sheet.iter_rows(max_row=40) if any(c.value == "Mã NV" for c in r))
    cols = {c.value: c.column for c in header if c.value}
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        task_id = row[cols["Mã NV"] - 1].value
        if task_id in answers:
            status, done, documents = answers[task_id]
            sheet.cell(row[0].row, cols["Tình trạng"]).value = status
            sheet.cell(row[0].row, cols["Ngày hoàn thành"]).value = done
            sheet.cell(row[0].row, cols["Sản phẩm đã ban hành (số, ký hiệu)"]).value = documents
    book.save(target)
    return target


def set_emails(ws: Path, emails: dict[str, str], others: str | None = "keep") -> None:
    """Type e-mail addresses into the "Đơn vị" sheet of phan-cong.xlsx, as the coordinator;
    others=None clears every other unit's address."""
    book = openpyxl.load_workbook(ws / "phan-cong.xlsx")
    sheet = book["Đơn vị"]
    header = next(r for r in sheet.iter_rows(max_row=20) if any(c.value == "Mã" for c in r))
    cols = {c.value: c.column for c in header if c.value}
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        code = row[cols["Mã"] - 1].value
        if code in emails:
            sheet.cell(row[0].row, cols["Email"]).value = emails[code]
        elif code and others is None:
            sheet.cell(row[0].row, cols["Email"]).value = None
    book.save(ws / "phan-cong.xlsx")


def test_init_refuses_to_overwrite_and_split_contract(workspace):
    again = run("init", workspace, *sample_init_args()[:2], ok=False)
    assert again.exit_code != 0 and "--update" in again.output
    data = split_json(workspace)
    assert data["period"] == "2026-09" and data["due"] == "2026-10-05"
    assert all(set(f) >= {"unit", "unit_name", "path", "tasks"} for f in data["files"])
    # every task of the period is in exactly the workbooks of its resolved units
    plan = json.loads((workspace / "plan.json").read_text(encoding="utf-8"))
    ids = {t["id"] for t in plan["tasks"]}
    sent = {tid for f in data["files"] for tid in f["tasks"]}
    assert sent | set(data["not_due"]) == ids
    names = [Path(f["path"]).name for f in data["files"]]
    assert all(n.isascii() and n.startswith("2026-09_") for n in names)
    by_unit = {f["unit"]: f for f in data["files"]}
    assert "B.II.7" in by_unit["CA"]["tasks"]  # Công an leads task 7 of the appendix
    assert "II.4" in by_unit["CA"]["tasks"]  # and prose task 4 of the body
    # group phrases reach their members: "các tổ dân phố" coordinates task 3
    assert "B.I.3" in by_unit["TDP1"]["tasks"] and "B.I.3" in by_unit["TDP2"]["tasks"]
    assert len(ids) == 22 and set(data["not_due"]) == {"II.6", "B.III.16"}
    # a second split keeps the same workbooks (same identity) unless --force
    assert split_json(workspace)["files"] == data["files"]


def test_every_task_is_in_exactly_the_workbooks_of_its_units(workspace):
    from kehoach_xlsx.books import task_from_row, workspace_registry
    from kehoach_xlsx.units import resolve_task_units
    from kehoach_xlsx.workbook.assign import read_assignment
    from kehoach_xlsx.workspace import Workspace

    data = split_json(workspace)
    holders: dict[str, set[str]] = {}
    for item in data["files"]:
        for task_id in item["tasks"]:
            holders.setdefault(task_id, set()).add(item["unit"])
    ws = Workspace.open(workspace)
    assignment = read_assignment(ws.assignment_path)
    registry = workspace_registry(ws, assignment)
    for row in assignment.rows:
        if row.task_id in data["not_due"]:
            continue
        lead, coordinate, _ = resolve_task_units(task_from_row(row), registry)
        assert holders.get(row.task_id, set()) == set(lead) | set(coordinate), row.task_id
    assert len(data["files"]) == len({u for units in holders.values() for u in units})


def test_collect_merge_flags_duplicates_and_supersede(workspace, tmp_path):
    data = split_json(workspace)
    book = workspace / next(f["path"] for f in data["files"] if f["unit"] == "VP")
    import datetime as dt

    first = fill(book, tmp_path / "vp-lan1.xlsx", {"II.1": ("Đang thực hiện", None, "")})
    second = fill(
        book,
        tmp_path / "vp-lan2.xlsx",
        {
            "II.1": ("Đã hoàn thành", dt.datetime(2026, 9, 25), "Kế hoạch số 45/KH-UBND"),
            "A.2": ("Đã hoàn thành", dt.datetime(2026, 9, 15), ""),
            "A.1": ("xong xuôi rồi?", "12/13/2026", ""),
        },
    )
    out = json.loads(run("collect", workspace, first, "--json").output)
    assert out["summary"]["accepted"] == 1
    out = json.loads(run("collect", workspace, first, second, "--json").output)
    states = [f["state"] for f in out["files"]]
    assert states == ["duplicate", "accepted"]
    with Ledger(workspace / "kehoach.sqlite") as ledger:
        receipts = ledger.receipts("2026-09")
        assert [r.state for r in receipts] == ["superseded", "accepted"]
        assert any(e["kind"] == "superseded" for e in ledger.events())
    # returned files are kept untouched and read-only
    stored = workspace / receipts[0].stored_path
    assert stored.read_bytes() == first.read_bytes()

    merged = json.loads(
        run("merge", workspace, "--period", "2026-09", "--as-of", "2026-10-10", "--json").output
    )
    items = {(i["task_id"], i["unit"]): i for i in merged["items"]}
    assert items[("II.1", "VP")]["completed"] == "2026-09-25"
    assert items[("II.1", "VP")]["flags"] == []  # done in time, Kế hoạch given
    assert items[("A.2", "VP")]["flags"] == ["missing_output"]
    assert "invalid_value" in items[("A.1", "VP")]["flags"]
    assert items[("B.I.3", "PKT")]["flags"] == ["overdue", "not_reported"]
    assert items[("B.III.12", "VP")]["due"] is None  # "Khi có hướng dẫn…": the coordinator
    assert "needs_date" in items[("B.III.12", "VP")]["flags"]  # must set a date
    vp = next(u for u in merged["units"] if u["unit"] == "VP")
    assert vp["returned"] and "superseded" in vp["flags"]
    assert merged["summary"]["superseded"] == 1
    assert set(merged["summary"]) >= {
        "tasks",
        "units",
        "done",
        "overdue",
        "missing_output",
        "not_reported",
    }
    again = run("merge", workspace, "--period", "2026-09", "--as-of", "2026-10-10", "--json").output
    assert json.loads(again) == merged  # idempotent
    status = run("status", workspace, "--period", "2026-09").output
    assert "chưa gửi" in status and "VP" in status


def test_hostile_and_foreign_files_are_named_not_fatal(workspace, tmp_path):
    split_json(workspace)
    bomb = tmp_path / "bao-cao.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (300 * 1024 * 1024))
    renamed_pdf = tmp_path / "tra-loi.xlsx"
    renamed_pdf.write_bytes(b"%PDF-1.4\n%...\n")
    notes = tmp_path / "ghi-chu.txt"
    notes.write_text("không phải bảng tính", encoding="utf-8")
    out = json.loads(run("collect", workspace, bomb, renamed_pdf, notes, "--json").output)
    assert [f["state"] for f in out["files"]] == ["rejected", "rejected", "rejected"]
    merged = json.loads(
        run("merge", workspace, "--period", "2026-09", "--as-of", "2026-10-10", "--json").output
    )
    named = {f["original_name"]: f for f in merged["files"]}
    assert set(named) == {"bao-cao.xlsx", "tra-loi.xlsx", "ghi-chu.txt"}
    assert all(f["state"] == "rejected" and f["warnings"] for f in named.values())
    assert merged["summary"]["files_rejected"] == 3


def test_workbook_from_another_plan_is_rejected(workspace, tmp_path):
    split_json(workspace)
    other = tmp_path / "khac"
    body = tmp_path / "ke-hoach-khac.txt"
    body.write_text(OTHER_PLAN, encoding="utf-8")
    run("init", other, "--plan", body)
    data = split_json(other)
    foreign = other / data["files"][0]["path"]
    out = json.loads(run("collect", workspace, foreign, "--json").output)
    assert out["files"][0]["state"] == "rejected"
    assert "kế hoạch khác" in out["files"][0]["message"]


def test_update_keeps_coordinator_edits(workspace):
    book = openpyxl.load_workbook(workspace / "phan-cong.xlsx")
    sheet = book["Phân công"]
    header = next(r for r in sheet.iter_rows(max_row=40) if any(c.value == "Mã NV" for c in r))
    cols = {c.value: c.column for c in header if c.value}
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        if row[cols["Mã NV"] - 1].value == "B.II.10":
            sheet.cell(row[0].row, cols["Chủ trì"]).value = "Phòng Văn hóa - Xã hội"
    book.save(workspace / "phan-cong.xlsx")
    out = run("init", workspace, *sample_init_args(), "--update").output
    assert "Giữ phân công đã sửa của nhiệm vụ B.II.10" in out
    assert any(p.name.startswith("phan-cong_") for p in (workspace / "archive").iterdir())
    data = split_json(workspace, period="2026-Q3", due="2026-10-10")
    by_unit = {f["unit"]: f["tasks"] for f in data["files"]}
    assert "B.II.10" in by_unit["PVHXH"] and "B.II.10" not in by_unit["QS"]


def test_override_date_wins_and_is_recorded(workspace):
    import datetime as dt

    book = openpyxl.load_workbook(workspace / "phan-cong.xlsx")
    sheet = book["Phân công"]
    header = next(r for r in sheet.iter_rows(max_row=40) if any(c.value == "Mã NV" for c in r))
    cols = {c.value: c.column for c in header if c.value}
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        if row[cols["Mã NV"] - 1].value == "B.III.12":  # "Khi có hướng dẫn…": no date of its own
            sheet.cell(row[0].row, cols["Hạn do điều phối đặt"]).value = dt.datetime(2026, 9, 20)
    book.save(workspace / "phan-cong.xlsx")
    split_json(workspace)
    merged = json.loads(
        run("merge", workspace, "--period", "2026-09", "--as-of", "2026-10-10", "--json").output
    )
    item = next(i for i in merged["items"] if i["task_id"] == "B.III.12" and i["unit"] == "VP")
    assert item["due"] == "2026-09-20"
    assert item["flags"] == ["overdue", "not_reported"]  # no longer needs_date
    with Ledger(workspace / "kehoach.sqlite") as ledger:
        assert any(
            e["kind"] == "override" and "B.III.12: 20/09/2026" in e["message"]
            for e in ledger.events()
        )


def test_send_to_real_smtp_server_once(workspace, loopback_smtp):
    store, port = loopback_smtp
    split_json(workspace)
    set_emails(workspace, {"VP": "vp@phuong.test", "CA": "ca@phuong.test"}, others=None)
    args = ["send", workspace, "--period", "2026-09", *smtp_args(port), "--json"]
    first = json.loads(run(*args).output)
    assert sorted(d["unit"] for d in first["deliveries"]) == ["CA", "VP"]
    assert "PKT" in first["no_address"]
    second = json.loads(run(*args).output)
    assert second["deliveries"] == [] and sorted(second["already_sent"]) == ["CA", "VP"]
    assert len(store.messages) == 2
    rcpts, content = next(m for m in store.messages if m[0] == ["vp@phuong.test"])
    message = email.message_from_bytes(content, policy=policy.default)
    assert "Văn phòng HĐND và UBND" in message.get_body(("plain",)).get_content()
    attachment = next(message.iter_attachments())
    sent = (workspace / "outgoing" / "2026-09" / "2026-09_van-phong-hdnd-va-ubnd.xlsx").read_bytes()
    assert attachment.get_content() == sent
    assert "Văn phòng" in attachment.get_filename()
