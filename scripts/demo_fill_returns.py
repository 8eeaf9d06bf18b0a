"""Demo helper: play three units that fill in their workbooks and send them back.

Types answers into copies of the unit workbooks with openpyxl (as a user typing in Excel would
leave them: statuses from the dropdown, dates, document numbers), into a folder of returns.
Used by ./scripts/demo only; the tests use LibreOffice as the real client instead.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import openpyxl

ANSWERS = [
    (
        "Đã hoàn thành",
        date(2026, 9, 20),
        "Đã ban hành kế hoạch và tổ chức hội nghị",
        "Kế hoạch số 12/KH-UBND ngày 20/9/2026",
    ),
    ("Đang thực hiện", None, "Đang triển khai theo kế hoạch", ""),
    ("Đã hoàn thành", date(2026, 9, 28), "Đã tổ chức 02 buổi tuyên truyền", ""),
    ("Chưa thực hiện", None, "", ""),
]


def fill(source: Path, target: Path, how_many: int) -> None:
    workbook = openpyxl.load_workbook(source)
    sheet = workbook["Báo cáo"]
    header_row, columns = None, {}
    for row in sheet.iter_rows(min_row=1, max_row=30):
        texts = {str(c.value).strip(): c.column for c in row if c.value}
        if "Mã NV" in texts and "Tình trạng" in texts:
            header_row, columns = row[0].row, texts
            break
    if header_row is None:
        raise SystemExit(f"không thấy dòng tiêu đề trong {source}")
    for offset in range(how_many):
        row = header_row + 1 + offset
        if not sheet.cell(row, columns["Mã NV"]).value:
            break
        status, done, result, documents = ANSWERS[offset % len(ANSWERS)]
        sheet.cell(row, columns["Tình trạng"]).value = status
        if done:
            sheet.cell(row, columns["Ngày hoàn thành"]).value = done
            sheet.cell(row, columns["Ngày hoàn thành"]).number_format = "dd/mm/yyyy"
        sheet.cell(row, columns["Kết quả thực hiện"]).value = result
        sheet.cell(row, columns["Sản phẩm đã ban hành (số, ký hiệu)"]).value = documents
    workbook.save(target)


def main(outgoing: str, returns: str) -> None:
    out = Path(returns)
    out.mkdir(parents=True, exist_ok=True)
    books = sorted(Path(outgoing).glob("*.xlsx"))
    for index, book in enumerate(books[:3]):
        # a returned file usually comes back renamed by the unit
        fill(book, out / f"bao cao thang 9 - don vi {index + 1}.xlsx", how_many=6 + index * 4)
        print(f"  đơn vị giả lập đã điền: {book.name}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
