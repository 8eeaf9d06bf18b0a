"""Assignment workbook phan-cong.xlsx: layout, and coordinator edits read back."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
import pytest
from python_calamine import CalamineWorkbook

from kehoach_xlsx import read_plan
from kehoach_xlsx.errors import InputFileError
from kehoach_xlsx.model import Plan, PlanMeta, PlanWarning, Section, Task, Unit
from kehoach_xlsx.workbook.assign import (
    ASSIGN_HEADERS,
    ASSIGN_SHEET,
    CHECK_SHEET,
    UNITS_SHEET,
    parse_cell_date,
    read_assignment,
    split_list,
    write_assignment,
)

EXPECTED_HEADERS = [
    "Mã NV",
    "TT",
    "Nhiệm vụ",
    "Chủ trì",
    "Phối hợp",
    "Sản phẩm đầu ra",
    "Tiến độ",
    "Hạn do điều phối đặt",
    "Loại hạn",
    "Ghi chú",
]


def make_plan() -> Plan:
    sections = [
        Section(id="A", number="A", title="NHIỆM VỤ CHUNG"),
        Section(id="B", number="B", title="NHIỆM VỤ CỤ THỂ"),
        Section(id="B.I", number="I", title="Hoàn thiện thể chế", parent="B", declared_count=2),
        Section(id="B.II", number="II", title="Tuyên truyền", parent="B"),
    ]
    tasks = [
        Task(
            id="A.1",
            number="1",
            section="A",
            title="=Xác định việc xây dựng Mô hình là nhiệm vụ trọng tâm",
            lead=["Văn phòng HĐND và UBND"],
            coordinate=["Các phòng chuyên môn, đơn vị thuộc phường", "Công an phường"],
            outputs=["Kế hoạch triển khai", "văn bản chỉ đạo"],
            deadline_text="Năm 2026 và các năm tiếp theo.",
        ),
        Task(
            id="B.I",
            number="I",
            section="B.I",
            title="Hoàn thiện thể chế",
            lead=["Văn phòng HĐND và UBND"],
            outputs=["Báo cáo"],
            deadline_text="Hàng năm",
        ),
        Task(
            id="B.I.2",
            number="2",
            section="B.I",
            title="Rà soát văn bản",
            lead=["Phòng Kinh tế"],
            coordinate=["Phòng Xây dựng, Nông nghiệp và Môi trường."],
            outputs=["Báo cáo rà soát"],
            deadline_text="Quý IV hằng năm",
        ),
        Task(
            id="B.II.3",
            number="3",
            section="B.II",
            title="Tuyên truyền pháp luật",
            lead=["Phòng Văn hóa - Xã hội"],
            deadline_text="Theo lộ trình chỉ đạo của thành phố",
        ),
    ]
    return Plan(
        meta=PlanMeta(
            number="143/KH-UBND",
            issuer="ỦY BAN NHÂN DÂN\nPHƯỜNG AN BIÊN",
            place="An Biên",
            date=date(2026, 7, 1),
            title="Kế hoạch xây dựng Mô hình phường tuân thủ pháp luật",
        ),
        sections=sections,
        tasks=tasks,
    )


UNITS = [
    Unit(code="VP", name="Văn phòng HĐND và UBND", aliases=("VP HĐND-UBND", "Văn phòng")),
    Unit(code="PKT", name="Phòng Kinh tế", email="pkt@anbien.gov.vn", phone="0225123456"),
    Unit(code="VHXH", name="Phòng Văn hóa - Xã hội", groups=("các phòng chuyên môn",)),
]
SCHEDULES = {
    "A.1": ("span", "Giai đoạn từ 2026, báo cáo hằng năm"),
    "B.I": ("yearly", "Hạn 31/12 mỗi năm"),
    "B.I.2": ("quarterly", "Quý IV: hạn 31/12"),
    "B.II.3": ("event", "Không có ngày: cần đặt hạn"),
}
WARNINGS = [
    PlanWarning(
        code="count_mismatch",
        message="Mục IX ghi 03 nhiệm vụ nhưng có 04.",
        file="002.txt",
        line=77,
    )
]


def write(tmp_path):
    path = tmp_path / "phan-cong.xlsx"
    write_assignment(path, make_plan(), UNITS, SCHEDULES, WARNINGS, created=datetime(2026, 7, 2))
    return path


def rows_of(path, sheet):
    return (
        CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name(sheet)
        .to_python(skip_empty_area=False)
    )


def test_layout(tmp_path):
    path = write(tmp_path)
    rows = rows_of(path, ASSIGN_SHEET)
    h = next(i for i, row in enumerate(rows) if row[0] == "Mã NV")
    assert rows[h] == EXPECTED_HEADERS == list(ASSIGN_HEADERS)
    flat = " ".join(str(c) for row in rows[:h] for c in row if c)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in flat and "Số: 143/KH-UBND" in flat
    assert "An Biên, ngày 01 tháng 07 năm 2026" in flat
    body = [row for row in rows[h + 1 :] if any(row[:7])]
    assert [(row[0], row[1]) for row in body] == [
        ("", "A"),
        ("A.1", "1"),
        ("", "B"),
        ("B.I", "I"),  # a section that is itself a task: one row, not two
        ("B.I.2", "2"),
        ("", "II"),
        ("B.II.3", "3"),
    ]
    assert body[0][2] == "NHIỆM VỤ CHUNG"
    assert body[1][2].startswith("=Xác định")
    assert body[1][4] == "Các phòng chuyên môn, đơn vị thuộc phường; Công an phường"
    assert body[1][8] == "Cả giai đoạn: Giai đoạn từ 2026, báo cáo hằng năm"
    assert body[6][8].startswith("Theo sự kiện")

    book = openpyxl.load_workbook(path)
    assert book.sheetnames == [ASSIGN_SHEET, UNITS_SHEET, "Nhóm", CHECK_SHEET, "Hướng dẫn"]
    ws = book[ASSIGN_SHEET]
    assert ws.protection.sheet is False  # the coordinator must be able to insert rows
    assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
    assert ws.print_title_rows == f"${h + 1}:${h + 1}"
    section_merges = [str(r) for r in ws.merged_cells.ranges if r.min_row == h + 2]
    assert section_merges == [f"C{h + 2}:G{h + 2}"]
    assert ws.cell(h + 3, 9).fill.fgColor.rgb.endswith("EDEDED")  # Loại hạn: grey
    assert ws.cell(h + 3, 8).number_format == "dd/mm/yyyy"
    kinds = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref).startswith("I")]
    assert "không có tác dụng" in kinds[0].prompt

    checks = rows_of(path, CHECK_SHEET)
    assert checks[1][:4] == [
        "count_mismatch",
        "Mục IX ghi 03 nhiệm vụ nhưng có 04.",
        "002.txt",
        "77",
    ]


def test_plain_round_trip(tmp_path):
    result = read_assignment(write(tmp_path))
    assert [r.task_id for r in result.rows] == ["A.1", "B.I", "B.I.2", "B.II.3"]
    first = result.rows[0]
    plan_task = make_plan().tasks[0]
    assert first.title == plan_task.title
    assert first.lead == plan_task.lead
    assert first.coordinate == plan_task.coordinate
    assert first.outputs == plan_task.outputs
    assert first.deadline_text == plan_task.deadline_text
    assert first.override is None and first.section == "A"
    assert result.rows[2].coordinate == ["Phòng Xây dựng, Nông nghiệp và Môi trường."]
    assert [(s.number, s.title) for s in result.sections] == [
        ("A", "NHIỆM VỤ CHUNG"),
        ("B", "NHIỆM VỤ CỤ THỂ"),
        ("II", "Tuyên truyền"),
    ]
    assert result.units == UNITS
    assert result.warnings == []


def test_coordinator_edits_come_back(tmp_path):
    path = write(tmp_path)
    book = openpyxl.load_workbook(path)
    ws = book[ASSIGN_SHEET]
    header = next(r for r in range(1, 30) if ws.cell(r, 1).value == "Mã NV")
    row_of = {
        ws.cell(r, 1).value: r for r in range(header + 1, ws.max_row + 1) if ws.cell(r, 1).value
    }
    ws.cell(row_of["B.I.2"], 4).value = "Phòng Văn hóa - Xã hội\nCông an phường"  # new leads
    ws.cell(row_of["B.II.3"], 8).value = datetime(2026, 12, 15)  # override date
    ws.cell(row_of["A.1"], 8).value = "15/11/2026"  # typed as text
    ws.cell(row_of["B.I"], 8).value = "sớm nhất có thể"  # not a date
    ws.cell(row_of["A.1"], 10).value = "Ưu tiên"
    added = ws.max_row + 1
    ws.cell(added, 3).value = "Nhiệm vụ bổ sung: tổng kết"
    ws.cell(added, 4).value = "Phòng Kinh tế; Văn phòng HĐND và UBND"
    ws.cell(added, 7).value = "Quý IV năm 2026"
    units = book[UNITS_SHEET]
    top = next(r for r in range(1, 20) if units.cell(r, 1).value == "Mã")  # header row
    units.cell(top + 1, 5).value = "vp@anbien.gov.vn"
    units.cell(top + 4, 1).value = "CA"
    units.cell(top + 4, 2).value = "Công an phường"
    units.cell(top + 4, 7).value = "0912345678"
    book.save(path)

    result = read_assignment(path)
    by_id = {r.task_id: r for r in result.rows}
    assert by_id["B.I.2"].lead == ["Phòng Văn hóa - Xã hội", "Công an phường"]
    assert by_id["B.II.3"].override == date(2026, 12, 15)
    assert by_id["A.1"].override == date(2026, 11, 15)
    assert by_id["A.1"].note == "Ưu tiên"
    assert by_id["B.I"].override is None
    new = by_id[f"THEM-{added}"]
    assert new.added and new.row == added
    assert new.lead == ["Phòng Kinh tế", "Văn phòng HĐND và UBND"]
    assert new.deadline_text == "Quý IV năm 2026"
    codes = {(w.code, w.line) for w in result.warnings}
    assert ("added_task", added) in codes
    assert ("bad_override_date", row_of["B.I"]) in codes
    assert all(w.sheet for w in result.warnings)
    units_by_code = {u.code: u for u in result.units}
    assert units_by_code["VP"].email == "vp@anbien.gov.vn"
    assert units_by_code["CA"].name == "Công an phường"
    assert units_by_code["CA"].phone == "0912345678"


def test_moved_columns_are_found_by_header(tmp_path):
    path = write(tmp_path)
    book = openpyxl.load_workbook(path)
    ws = book[ASSIGN_SHEET]
    ws.insert_cols(1)
    ws.move_range(f"K1:K{ws.max_row}", cols=-10)  # Ghi chú to the front
    book.save(path)
    result = read_assignment(path)
    assert [r.task_id for r in result.rows] == ["A.1", "B.I", "B.I.2", "B.II.3"]
    assert result.rows[3].lead == ["Phòng Văn hóa - Xã hội"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2026, 12, 15), date(2026, 12, 15)),
        (datetime(2026, 12, 15, 0, 0), date(2026, 12, 15)),
        (46371.0, date(2026, 12, 15)),
        ("15/12/2026", date(2026, 12, 15)),
        ("5/1/2027", date(2027, 1, 5)),
        ("15-12-2026", date(2026, 12, 15)),
        ("2026-12-15", date(2026, 12, 15)),
        ("", None),
        (None, None),
    ],
)
def test_parse_cell_date(value, expected):
    assert parse_cell_date(value) == expected


@pytest.mark.parametrize("value", ["31/02/2026", "quý IV", "-3"])
def test_parse_cell_date_rejects(value):
    with pytest.raises(ValueError):
        parse_cell_date(value)


def test_split_list_keeps_commas_and_va():
    assert split_list(
        "Văn phòng HĐND và UBND; Phòng Xây dựng, Nông nghiệp và Môi trường.\n CA"
    ) == [
        "Văn phòng HĐND và UBND",
        "Phòng Xây dựng, Nông nghiệp và Môi trường.",
        "CA",
    ]


def test_missing_sheet_is_a_vietnamese_error(tmp_path):
    path = tmp_path / "x.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Khác"
    book.save(path)
    with pytest.raises(InputFileError, match="Phân công"):
        read_assignment(path)
    (tmp_path / "bad.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InputFileError, match="Không đọc được"):
        read_assignment(tmp_path / "bad.xlsx")


def test_seed_002_round_trip(tmp_path):
    from tests.conftest import seed

    try:
        plan = read_plan(seed("002"))
    except NotImplementedError:
        pytest.skip("read_plan chưa viết xong: bỏ qua kiểm thử phân công trên kế hoạch mẫu 002")
    path = tmp_path / "phan-cong.xlsx"
    write_assignment(path, plan, [], {}, plan.warnings)
    result = read_assignment(path)
    assert [r.task_id for r in result.rows] == [t.id for t in plan.tasks]
    for row, task in zip(result.rows, plan.tasks, strict=True):
        assert row.lead == [x.strip() for x in task.lead if x.strip()]
        assert row.title == task.title.strip()
