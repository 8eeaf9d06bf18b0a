"""Blank appendix template: header texts the plan reader knows, examples, reproducibility."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from kehoach_xlsx.workbook.template import TEMPLATE_SHEET, template_command, write_template

ROOT = Path(__file__).resolve().parents[1]


def test_template_layout(tmp_path):
    path = tmp_path / "mau.xlsx"
    write_template(path)
    rows = (
        CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name(TEMPLATE_SHEET)
        .to_python(skip_empty_area=False)
    )
    h = next(i for i, row in enumerate(rows) if row[0] == "TT")
    assert rows[h][:6] == [
        "TT",
        "Nhiệm vụ",
        "Cơ quan chủ trì",
        "Cơ quan phối hợp",
        "Sản phẩm đầu ra",
        "Tiến độ thực hiện",
    ]
    assert rows[h + 1][0] == "I"
    examples = rows[h + 2 : h + 5]
    assert [row[0] for row in examples] == ["1", "2", "3"]
    assert all(row[1].startswith("(Ví dụ)") and row[2] and row[5] for row in examples)
    flat = " ".join(str(c) for row in rows[:h] for c in row if c)
    assert "PHỤ LỤC PHÂN CÔNG NHIỆM VỤ" in flat and "Độc lập - Tự do - Hạnh phúc" in flat

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [TEMPLATE_SHEET, "Hướng dẫn"]
    ws = book[TEMPLATE_SHEET]
    example = ws.cell(h + 3, 2)
    assert example.font.i is True and example.font.color.rgb.endswith("808080")
    assert ws.page_setup.orientation == "landscape"
    assert ws.print_title_rows == f"${h + 1}:${h + 1}"


def test_template_is_reproducible(tmp_path):
    write_template(tmp_path / "a.xlsx")
    write_template(tmp_path / "b.xlsx")
    assert (tmp_path / "a.xlsx").read_bytes() == (tmp_path / "b.xlsx").read_bytes()


def test_committed_template_is_current(tmp_path):
    write_template(tmp_path / "mau.xlsx")
    committed = ROOT / "workbooks" / "phu-luc-mau.xlsx"
    assert committed.read_bytes() == (tmp_path / "mau.xlsx").read_bytes(), (
        "workbooks/phu-luc-mau.xlsx cũ: chạy scripts/make-template"
    )


def test_template_command(tmp_path):
    runner = CliRunner()
    out = tmp_path / "mau.xlsx"
    result = runner.invoke(template_command, [str(out)])
    assert result.exit_code == 0, result.output
    assert "Đã tạo tệp mẫu" in result.output and out.exists()
    again = runner.invoke(template_command, [str(out)])
    assert again.exit_code != 0
    assert "--force" in str(again.exception)
    assert runner.invoke(template_command, [str(out), "--force"]).exit_code == 0


def test_plan_typed_into_the_blank_template(tmp_path):
    """A coordinator types a plan into the shipped template (examples left in place)."""
    import openpyxl

    from kehoach_xlsx.workbook.template import write_template

    path = tmp_path / "mau.xlsx"
    write_template(path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    header = next(r for r in sheet.iter_rows(max_row=30) if any(c.value == "Nhiệm vụ" for c in r))
    cols = {c.value: c.column for c in header if c.value}
    first = sheet.max_row + 2
    rows = [
        {"TT": "II", "Nhiệm vụ": "NHIỆM VỤ CỤ THỂ"},
        {
            "TT": "1",
            "Nhiệm vụ": "Rà soát thủ tục hành chính",
            "Cơ quan chủ trì": "Văn phòng HĐND và UBND",
            "Tiến độ thực hiện": "Quý IV năm 2026",
        },
        {
            "TT": "2",
            "Nhiệm vụ": "Tuyên truyền pháp luật",
            "Cơ quan chủ trì": "Phòng Văn hóa - Xã hội; Công an xã",
            "Sản phẩm đầu ra": "Kế hoạch; báo cáo",
            "Tiến độ thực hiện": "Thường xuyên",
        },
    ]
    for offset, values in enumerate(rows):
        for name, value in values.items():
            sheet.cell(first + offset, cols[name]).value = value
    book.save(path)
    from kehoach_xlsx import read_plan

    plan = read_plan(path)
    assert [(t.id, t.lead) for t in plan.tasks] == [
        ("II.1", ["Văn phòng HĐND và UBND"]),
        ("II.2", ["Phòng Văn hóa - Xã hội", "Công an xã"]),
    ]
    assert plan.tasks[1].outputs == ["Kế hoạch", "báo cáo"]
    assert sum(1 for w in plan.warnings if w.code == "example_row") == 3
