"""The reminder letter: Decree 30 page layout, units and tasks, Times New Roman."""

from __future__ import annotations

from datetime import date

import pytest
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.shared import Pt

from kehoach_xlsx.errors import KehoachError
from kehoach_xlsx.letter import LateUnit, issuer_lines, letter_date, write_reminder_letter
from kehoach_xlsx.mail import TaskLine
from kehoach_xlsx.model import PlanMeta

META = PlanMeta(
    number="143/KH-UBND",
    issuer="ỦY BAN NHÂN DÂN PHƯỜNG AN BIÊN --------",
    date=date(2026, 4, 20),
    title="triển khai Đề án “Thành phố thượng tôn và tuân thủ pháp luật”",
)
LATE = [
    LateUnit(
        "Phòng Kinh tế",
        [
            TaskLine("B.III.4", "Kiểm tra hộ kinh doanh", date(2026, 9, 15), "Quá hạn 12 ngày"),
            TaskLine("B.III.5", "Báo cáo sơ kết", "Quý III năm 2026", "Thiếu sản phẩm: Báo cáo"),
        ],
    ),
    ("Công an phường", [("A.2", "Tuyên truyền pháp luật", None, "Chưa gửi báo cáo")]),
]


def all_text(doc) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.append(cell.text)
    return "\n".join(parts)


def test_letter_layout_and_content(tmp_path):
    path = write_reminder_letter(
        tmp_path / "don-doc.docx", META, "An Biên", date(2026, 9, 27), LATE,
        reply_by=date(2026, 10, 5), signer="Nguyễn Văn Bình",
    )  # fmt: skip
    doc = Document(str(path))
    section = doc.sections[0]
    assert section.orientation == WD_ORIENT.PORTRAIT
    # stored in twips, so compare millimetres to 0.1 mm
    sizes = [section.page_width, section.page_height, section.top_margin, section.bottom_margin]
    sizes += [section.left_margin, section.right_margin]
    assert [round(s.mm, 1) for s in sizes] == [210, 297, 20, 20, 30, 15]
    normal = doc.styles["Normal"].font
    assert normal.name == "Times New Roman" and normal.size == Pt(14)
    runs = [r for p in doc.paragraphs for r in p.runs] + [
        r
        for t in doc.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    assert runs and all(r.font.name == "Times New Roman" for r in runs)
    assert all(Pt(11) <= (r.font.size or normal.size) <= Pt(14) for r in runs if r.text.strip("—"))

    text = all_text(doc)
    for expected in (
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG AN BIÊN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số:        /UBND-VP",
        "V/v đôn đốc thực hiện Kế hoạch số 143/KH-UBND ngày 20/04/2026",
        "An Biên, ngày 27 tháng 9 năm 2026",
        "- Phòng Kinh tế;",
        "- Công an phường.",
        "trước ngày 05/10/2026",
        "Nơi nhận:",
        "TM. ỦY BAN NHÂN DÂN",
        "KT. CHỦ TỊCH",
        "PHÓ CHỦ TỊCH",
        "Nguyễn Văn Bình",
    ):
        assert expected in text, expected

    table = doc.tables[1]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == ["STT", "Cơ quan, đơn vị", "Mã NV", "Nhiệm vụ", "Hạn", "Tình trạng"]
    assert rows[1:] == [
        [
            "1",
            "Phòng Kinh tế",
            "B.III.4",
            "Kiểm tra hộ kinh doanh",
            "15/09/2026",
            "Quá hạn 12 ngày",
        ],
        [
            "2",
            "Phòng Kinh tế",
            "B.III.5",
            "Báo cáo sơ kết",
            "Quý III năm 2026",
            "Thiếu sản phẩm: Báo cáo",
        ],
        ["3", "Công an phường", "A.2", "Tuyên truyền pháp luật", "", "Chưa gửi báo cáo"],
    ]


def test_letter_single_unit_and_no_units(tmp_path):
    path = write_reminder_letter(
        tmp_path / "a.docx",
        PlanMeta(),
        "Hải An",
        date(2026, 2, 3),
        LATE[:1],
        issuer="UBND phường Hải An",
    )
    text = all_text(Document(str(path)))
    assert "Kính gửi: Phòng Kinh tế." in text
    assert "Hải An, ngày 03 tháng 02 năm 2026" in text
    assert "Kế hoạch số       /KH-UBND" in text  # a draft plan's number stays blank
    with pytest.raises(KehoachError, match="Không có cơ quan"):
        write_reminder_letter(tmp_path / "b.docx", META, "An Biên", date(2026, 9, 27), [])


@pytest.mark.parametrize(
    ("issuer", "lines"),
    [
        ("Ủy ban nhân dân phường An Biên", ["ỦY BAN NHÂN DÂN", "PHƯỜNG AN BIÊN"]),
        ("Uỷ ban nhân dân xã Tiên Lãng", ["ỦY BAN NHÂN DÂN", "XÃ TIÊN LÃNG"]),
        ("UBND phường Lê Chân", ["ỦY BAN NHÂN DÂN", "PHƯỜNG LÊ CHÂN"]),
        ("Văn phòng HĐND và UBND", ["VĂN PHÒNG HĐND VÀ UBND"]),
    ],
)
def test_issuer_lines(issuer, lines):
    assert issuer_lines(issuer) == lines


def test_letter_date_padding():
    assert letter_date("An Biên", date(2026, 11, 9)) == "An Biên, ngày 09 tháng 11 năm 2026"
