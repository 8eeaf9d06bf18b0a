"""A whole reporting cycle on the invented twelve-unit plan (tests/leader_plan.py).

init → split 2026-09 → nine units fill in their workbooks (openpyxl, as a user in Excel would)
→ collect → merge. Three units send nothing; answers mix done, late, missing outputs and
difficulties, so every part of the brief and the draft report has something to show.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
from click.testing import CliRunner

from kehoach_xlsx.cli import main
from tests.leader_plan import write_plan

PERIOD = "2026-09"
AS_OF = "2026-10-08"
SILENT = 3  # the last three units (by code) send nothing


def run(*args, ok: bool = True):
    result = CliRunner().invoke(main, [str(a) for a in args])
    if ok:
        assert result.exit_code == 0, (result.output, result.exception)
    assert "Traceback" not in result.output
    return result


def answer(index: int) -> tuple[str, dt.datetime | None, str, str, str]:
    """(status, completed, documents, result, issues) for the index-th row of all returns."""
    kind = index % 5
    if kind == 0:
        return ("Đã hoàn thành", dt.datetime(2026, 9, 20), "Số 15/BC-SNV ngày 20/9/2026",
                f"Đã hoàn thành nội dung {index}, gửi báo cáo đúng hạn.", "")  # fmt: skip
    if kind == 1:
        return ("Đang thực hiện", None, "", f"Đang triển khai phần việc {index}.",
                f"Thiếu kinh phí cho phần việc {index}; đề nghị bổ sung dự toán.")  # fmt: skip
    if kind == 2:
        return ("Đã hoàn thành", dt.datetime(2026, 9, 25), "",
                f"Đã tổ chức xong việc {index}.", "")  # fmt: skip
    if kind == 3:
        return ("Chưa thực hiện", None, "", "", "Chờ hướng dẫn của bộ, ngành.")
    return ("Đang thực hiện", None, "", f"Đã hoàn thành 60% khối lượng việc {index}.", "")


def fill(path: Path, target: Path, start: int) -> int:
    book = openpyxl.load_workbook(path)
    sheet = book["Báo cáo"]
    header = next(r for r in sheet.iter_rows(max_row=40) if any(c.value == "Mã NV" for c in r))
    cols = {c.value: c.column for c in header if c.value}
    index = start
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        if not row[cols["Mã NV"] - 1].value:
            continue
        status, done, documents, result, issues = answer(index)
        line = row[0].row
        sheet.cell(line, cols["Tình trạng"]).value = status
        sheet.cell(line, cols["Ngày hoàn thành"]).value = done
        sheet.cell(line, cols["Sản phẩm đã ban hành (số, ký hiệu)"]).value = documents or None
        sheet.cell(line, cols["Kết quả thực hiện"]).value = result or None
        sheet.cell(line, cols["Khó khăn, đề xuất"]).value = issues or None
        index += 1
    book.save(target)
    return index


def make_cycle(
    tmp_path: Path,
    decision: bool = False,
    *,
    contact: str = "",
    plans: list[Path] | None = None,
    merge_args: tuple[str, ...] = (),
) -> tuple[Path, dict]:
    """A workspace merged for 2026-09; returns (workspace, merge JSON)."""
    plans = plans or [write_plan(tmp_path, decision)]
    ws = tmp_path / "so"
    run("init", ws, *[a for p in plans for a in ("--plan", p)])
    if contact:
        settings = ws / "kehoach.toml"
        text = settings.read_text(encoding="utf-8").replace(
            'lien_he = ""', f'lien_he = "{contact}"'
        )
        settings.write_text(text, encoding="utf-8")
    split = json.loads(run("split", ws, "--period", PERIOD, "--due", "2026-10-05", "--json").output)
    files = sorted(split["files"], key=lambda f: f["unit"])
    filled = tmp_path / "tra-ve"
    filled.mkdir()
    index = 0
    for item in files[: len(files) - SILENT]:
        index = fill(ws / item["path"], filled / Path(item["path"]).name, index)
    run("collect", ws, filled, "--json")
    merged = json.loads(
        run("merge", ws, "--period", PERIOD, "--as-of", AS_OF, *merge_args, "--json").output
    )
    return ws, merged
