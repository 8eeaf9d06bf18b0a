"""The standard blank appendix template ("Phụ lục phân công nhiệm vụ") for drafting a plan.

A plan drafted in this template reads back without guessing: its header row uses the
canonical column names of seed 002 (TT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Sản phẩm
đầu ra, Tiến độ thực hiện). `scripts/make-template` regenerates workbooks/phu-luc-mau.xlsx
with a fixed creation date, so the file only changes when this module does.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import click

from kehoach_xlsx.errors import KehoachError
from kehoach_xlsx.workbook.styles import (
    Formats,
    atomic_workbook,
    merge_text,
    setup_page,
    write_guide,
    write_header_block,
    write_text,
)

TEMPLATE_SHEET = "Phụ lục"
GUIDE_SHEET = "Hướng dẫn"
FIXED_CREATED = datetime(2026, 1, 1, 0, 0, 0)
BLANK_ROWS = 60  # bordered empty rows ready to type into

TEMPLATE_COLUMNS: tuple[tuple[str, float], ...] = (
    ("TT", 6),
    ("Nhiệm vụ", 52),
    ("Cơ quan chủ trì", 26),
    ("Cơ quan phối hợp", 30),
    ("Sản phẩm đầu ra", 28),
    ("Tiến độ thực hiện", 22),
    ("Ghi chú", 18),
)
TEMPLATE_HEADERS = tuple(text for text, _ in TEMPLATE_COLUMNS)
LAST_COL = len(TEMPLATE_COLUMNS) - 1

EXAMPLE_MARK = "(Ví dụ) "
SECTION_EXAMPLE = ("I", "TÊN NHÓM NHIỆM VỤ (ví dụ: NHIỆM VỤ CHUNG) (03 nhiệm vụ)")
EXAMPLES = (
    (
        "1",
        EXAMPLE_MARK + "Xây dựng, ban hành Kế hoạch triển khai thực hiện trên địa bàn phường.",
        "Văn phòng HĐND và UBND",
        "Các phòng chuyên môn, đơn vị thuộc phường",
        "Kế hoạch",
        "Quý III năm 2026",
    ),
    (
        "2",
        EXAMPLE_MARK + "Tổ chức tuyên truyền, phổ biến nội dung Kế hoạch đến cán bộ và Nhân dân.",
        "Phòng Văn hóa - Xã hội",
        "Văn phòng HĐND và UBND; Ủy ban MTTQ Việt Nam phường và các đoàn thể",
        "Tin, bài tuyên truyền; Báo cáo kết quả",
        "Hằng quý",
    ),
    (
        "3",
        EXAMPLE_MARK + "Kiểm tra, đánh giá kết quả thực hiện; tổng hợp báo cáo UBND phường.",
        "Văn phòng HĐND và UBND",
        "Các phòng chuyên môn, đơn vị thuộc phường",
        "Kế hoạch kiểm tra; Kết luận kiểm tra; Báo cáo",
        "Trước ngày 15/12 hằng năm",
    ),
)

GUIDE = (
    "HƯỚNG DẪN LẬP PHỤ LỤC PHÂN CÔNG NHIỆM VỤ",
    "1. Sửa khối tiêu đề: tên cơ quan ban hành, số và ngày của Kế hoạch.",
    "2. Giữ nguyên dòng tiêu đề cột (TT, Nhiệm vụ, Cơ quan chủ trì, Cơ quan phối hợp, Sản phẩm "
    "đầu ra, Tiến độ thực hiện, Ghi chú) để chương trình đọc được phụ lục.",
    "3. Nhóm nhiệm vụ: một dòng có số La Mã (I, II, III …) hoặc chữ cái (A, B) ở cột TT và tên "
    "nhóm ở cột Nhiệm vụ, các cột khác để trống. Có thể ghi số nhiệm vụ của nhóm, ví dụ "
    "“(03 nhiệm vụ)”.",
    "4. Mỗi nhiệm vụ một dòng, đánh số 1, 2, 3 … ở cột TT. Không gộp ô, không ngắt một nhiệm vụ "
    "thành nhiều dòng.",
    "5. Nhiều cơ quan trong một ô: ngăn cách bằng dấu chấm phẩy (;). Nhiều sản phẩm đầu ra: "
    "cũng ngăn cách bằng dấu chấm phẩy.",
    "6. Tiến độ thực hiện: ghi rõ mốc, ví dụ “Trước ngày 31/10/2026”, “Quý IV năm 2026”, "
    "“Hằng quý”, “Thường xuyên”. Ngày ghi theo thứ tự ngày/tháng/năm.",
    "7. Xóa các dòng ví dụ (chữ nghiêng màu xám, bắt đầu bằng “(Ví dụ)”) trước khi ban hành.",
)


def write_template(path: str | os.PathLike[str]) -> None:
    """Write the blank appendix template (reproducible: fixed creation date)."""
    with atomic_workbook(
        path,
        title="Phụ lục phân công nhiệm vụ (mẫu)",
        author="kehoach_xlsx",
        created=FIXED_CREATED,
    ) as workbook:
        fmt = Formats(workbook)
        sheet = workbook.add_worksheet(TEMPLATE_SHEET)
        guide = workbook.add_worksheet(GUIDE_SHEET)
        for col, (_, width) in enumerate(TEMPLATE_COLUMNS):
            sheet.set_column(col, col, width)
        header_row = write_header_block(
            sheet,
            fmt,
            ["ỦY BAN NHÂN DÂN", "PHƯỜNG (XÃ) ……………"],
            [
                "PHỤ LỤC PHÂN CÔNG NHIỆM VỤ",
                "(Kèm theo Kế hoạch số ……/KH-UBND ngày ……/……/20…… "
                "của Ủy ban nhân dân phường (xã) ……………)",
            ],
            last_col=LAST_COL,
            split_col=1,
        )
        for col, text in enumerate(TEMPLATE_HEADERS):
            write_text(sheet, header_row, col, text, fmt.header)
        sheet.set_row(header_row, 33)
        row = header_row + 1
        write_text(sheet, row, 0, SECTION_EXAMPLE[0], fmt.section_center)
        merge_text(sheet, row, 1, row, LAST_COL, SECTION_EXAMPLE[1], fmt.section)
        for example in EXAMPLES:
            row += 1
            write_text(sheet, row, 0, example[0], fmt.example_center)
            for col, text in enumerate(example[1:], start=1):
                write_text(sheet, row, col, text, fmt.example)
            write_text(sheet, row, LAST_COL, "", fmt.example)
            sheet.set_row(row, 48)
        for _ in range(BLANK_ROWS):
            row += 1
            write_text(sheet, row, 0, "", fmt.cell_center)
            for col in range(1, LAST_COL + 1):
                write_text(sheet, row, col, "", fmt.cell_wrap)
        setup_page(sheet, header_row, LAST_COL)
        sheet.activate()

        write_guide(guide, fmt, [(t, "title" if i == 0 else "") for i, t in enumerate(GUIDE)])


@click.command("template")
@click.argument(
    "output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("phu-luc-mau.xlsx"),
    required=False,
)
@click.option("--force", is_flag=True, help="Ghi đè nếu tệp đã có.")
def template_command(output: Path, force: bool) -> None:
    """Tạo tệp mẫu Phụ lục phân công nhiệm vụ (Excel) để soạn kế hoạch mới."""
    if output.exists() and not force:
        raise KehoachError(f"Tệp {output} đã có. Thêm --force để ghi đè, hoặc chọn tên khác.")
    write_template(output)
    click.echo(f"Đã tạo tệp mẫu {output}.")
