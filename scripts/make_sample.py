"""Regenerate the project's own sample plan files from workbooks/vi-du/*.txt.

The plan of "phường Hòa Bình, thành phố Ví Dụ" is invented for this project (no real plan's
text): the .txt files are the source; this script writes the same plan as Word documents (the
form offices actually send) and the ward's unit registry with e-mail addresses on a test
domain. Run: .venv/bin/python scripts/make_sample.py
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import docx
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kehoach_xlsx.model import Unit  # noqa: E402
from kehoach_xlsx.units import GroupPhrase, Registry, write_registry  # noqa: E402

SAMPLE = ROOT / "kehoach_xlsx" / "data" / "vi-du"
DOMAIN = "hoabinh.example.org"

# code, full name, aliases, groups, mailbox, contact person (all invented)
UNITS = (
    (
        "VP",
        "Văn phòng HĐND và UBND",
        ("UBND phường",),
        ("Phòng chuyên môn",),
        "vanphong",
        "Lê Thị Mẫu",
    ),
    (
        "PKT",
        "Phòng Kinh tế, Hạ tầng và Đô thị",
        (),
        ("Phòng chuyên môn",),
        "kinhte",
        "Phạm Văn Một",
    ),
    ("PVHXH", "Phòng Văn hóa - Xã hội", (), ("Phòng chuyên môn",), "vanhoa", "Ngô Thị Hai"),
    (
        "TTHCC",
        "Trung tâm Phục vụ hành chính công",
        (),
        ("Đơn vị thuộc UBND",),
        "motcua",
        "Đỗ Văn Ba",
    ),
    ("CA", "Công an phường", (), ("Lực lượng vũ trang",), "congan", "Vũ Văn Bốn"),
    ("QS", "Ban Chỉ huy Quân sự phường", (), ("Lực lượng vũ trang",), "quansu", "Hoàng Văn Năm"),
    ("MTTQ", "Ủy ban MTTQ Việt Nam phường", (), ("Mặt trận Tổ quốc",), "mattran", "Bùi Thị Sáu"),
    ("DTN", "Đoàn Thanh niên phường", (), ("Đoàn thể",), "doanthanhnien", "Đặng Văn Bảy"),
    ("HPN", "Hội Liên hiệp Phụ nữ phường", (), ("Đoàn thể",), "phunu", "Trịnh Thị Tám"),
    ("HCCB", "Hội Cựu chiến binh phường", (), ("Đoàn thể",), "cuuchienbinh", "Lý Văn Chín"),
    ("THCS", "Trường THCS Hòa Bình", (), ("Trường học",), "thcs", "Mai Thị Mười"),
    ("TDP1", "Tổ dân phố số 1", ("TDP số 1",), ("Tổ dân phố",), "tdp1", "Tạ Văn Mười Một"),
    ("TDP2", "Tổ dân phố số 2", ("TDP số 2",), ("Tổ dân phố",), "tdp2", "Cao Thị Mười Hai"),
)
PHRASES = (
    ("các tổ dân phố", ("Tổ dân phố",)),
    ("các đoàn thể", ("Đoàn thể",)),
    ("Các phòng chuyên môn", ("Phòng chuyên môn",)),
    ("Các phòng chuyên môn, đơn vị thuộc phường", ("Phòng chuyên môn", "Đơn vị thuộc UBND")),
)
FIXED_DATE = dt.datetime(2026, 8, 14, 8, 0, 0)


def registry() -> Registry:
    units = [
        Unit(code, name, aliases, groups, f"{box}@{DOMAIN}", contact, "")
        for code, name, aliases, groups, box, contact in UNITS
    ]
    return Registry(units, [GroupPhrase(p, meaning) for p, meaning in PHRASES])


def _document(landscape: bool) -> docx.Document:
    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21)
    if landscape:
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_height, section.page_width = section.page_width, section.page_height
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    props = document.core_properties
    props.author, props.title = "kehoach_xlsx", "Kế hoạch mẫu (hư cấu)"
    props.created = props.modified = FIXED_DATE
    return document


def _paragraph(document, text: str) -> None:
    paragraph = document.add_paragraph()
    run = paragraph.add_run(text)
    upper = text.isupper() and len(text) > 2
    heading = (
        text[:4].rstrip(".").strip() in {"I", "II", "III", "IV"} and text.split(". ")[0].isupper()
    )
    run.bold = upper or heading
    if upper and " " not in text.split("\n")[0][:3]:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER


def body_docx(source: Path, target: Path) -> None:
    """Paragraphs as in the text; the two header lines (state/issuer, number/date) as a
    borderless two-column table, the way offices lay out the top of a plan."""
    document = _document(landscape=False)
    lines = source.read_text(encoding="utf-8").splitlines()
    header = [line.split("\t") for line in lines[:2]]
    top = document.add_table(rows=2, cols=2)
    for r, cells in enumerate(header):
        for c, text in enumerate(cells):
            top.cell(r, c).text = text
            top.cell(r, c).paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in lines[2:]:
        if not line.strip():
            continue
        if "\t" in line:  # "Nơi nhận" line with the signature block beside it
            left, right = line.split("\t", 1)
            _paragraph(document, left)
            _paragraph(document, right)
            continue
        _paragraph(document, line)
    document.save(target)


def appendix_docx(source: Path, target: Path) -> None:
    """Title paragraphs, then one table: header row, group rows (A, B, I, II…), task rows."""
    document = _document(landscape=True)
    rows: list[list[str]] = []
    for line in source.read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            rows.append(line.split("\t"))
        elif line.strip():
            _paragraph(document, line)
    table = document.add_table(rows=len(rows), cols=len(rows[0]))
    table.style = "Table Grid"
    for r, cells in enumerate(rows):
        group = r == 0 or not cells[0].isdigit()
        for c, text in enumerate(cells):
            cell = table.cell(r, c)
            cell.text = text
            for run in cell.paragraphs[0].runs:
                run.bold = group
    document.save(target)


def main(target: Path = SAMPLE) -> None:
    """Write the registry and both Word files into `target` (the tests use a temp folder)."""
    target.mkdir(parents=True, exist_ok=True)
    write_registry(registry(), target / "don-vi-hoa-binh.xlsx")
    body_docx(SAMPLE / "ke-hoach-hoa-binh.txt", target / "ke-hoach-hoa-binh.docx")
    appendix_docx(SAMPLE / "phu-luc-hoa-binh.txt", target / "phu-luc-hoa-binh.docx")
    for path in sorted(target.iterdir()):
        print(f"  {path}")


if __name__ == "__main__":
    main()
