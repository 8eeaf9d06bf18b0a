"""Benchmark: write_unit_book vs bare XlsxWriter writing the same cells.

    .venv/bin/python benchmarks/bench_unit_books.py            # 1,000 books x 50 rows
    .venv/bin/python benchmarks/bench_unit_books.py --count 100

"Bare" writes the same cells (same values, same three sheets, header block lines, identity
rows, formatted blank input cells) with plain write_string/write_blank, three formats,
`{"in_memory": True}`, and nothing else: no merges, row heights, validation, protection,
page setup, defined name, properties, error checks or atomic rename.
Targets: serial <= 1.15x bare; two processes <= 0.7x bare serial.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
import uuid
from datetime import UTC, date, datetime
from pathlib import Path

import xlsxwriter

from kehoach_xlsx.workbook.identity import IDENTITY_SHEET, KEYS, BookIdentity, fingerprint
from kehoach_xlsx.workbook.unit import (
    GUIDE_LINES,
    HEADERS,
    UnitBookSpec,
    UnitRow,
    due_display,
    outputs_joined,
    write_unit_book,
    write_unit_books,
)

TITLE = (
    "Tập trung kiện toàn tổ chức bộ máy, bảo đảm tinh gọn, mạnh, hiệu lực, hiệu quả; đẩy mạnh "
    "công tác đào tạo, bồi dưỡng nâng cao chất lượng công chức, viên chức"
)


def make_spec(index: int, rows: int) -> UnitBookSpec:
    identity = BookIdentity(
        plan_id="kh-143-2026",
        plan_number="143/KH-UBND",
        plan_title="Kế hoạch xây dựng Mô hình phường tuân thủ pháp luật",
        unit=f"U{index}",
        unit_name=f"Đơn vị số {index}",
        period="2026-09",
        due=date(2026, 10, 5),
        generated=datetime(2026, 9, 20, tzinfo=UTC),
        workbook_id=uuid.uuid4().hex,
    )
    items = [
        UnitRow(
            task_id=f"B.{n // 10}.{n}",
            number=str(n),
            title=f"{n}. {TITLE}",
            role="lead" if n % 3 else "coordinate",
            outputs=["Kế hoạch triển khai", "Báo cáo kết quả"],
            due=date(2026, 12, 31) if n % 4 else None,
            deadline_text="Thường xuyên",
            carried={"status": "in_progress", "result": "Đã triển khai"} if n % 5 == 0 else None,
        )
        for n in range(1, rows + 1)
    ]
    return UnitBookSpec(identity, "ỦY BAN NHÂN DÂN\nPHƯỜNG AN BIÊN", "Đầu mối: Văn phòng", items)


def bare_book(spec: UnitBookSpec, path: Path) -> None:
    """Every cell write_unit_book writes, same values and sheets, with plain XlsxWriter."""
    book = xlsxwriter.Workbook(str(path), {"in_memory": True})
    text = book.add_format({"font_name": "Times New Roman", "text_wrap": True, "border": 1})
    yellow = book.add_format({"bg_color": "#FFF2CC", "locked": False, "border": 1})
    when = book.add_format({"num_format": "dd/mm/yyyy", "locked": False, "border": 1})
    sheet = book.add_worksheet("Báo cáo")
    guide = book.add_worksheet("Hướng dẫn")
    hidden = book.add_worksheet(IDENTITY_SHEET)
    ident = spec.identity
    block = [
        "ỦY BAN NHÂN DÂN",
        "PHƯỜNG AN BIÊN",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ",
        ident.plan_title,
        f"(Kèm theo Kế hoạch số {ident.plan_number})",
        f"Đơn vị báo cáo: {ident.unit_name} Hạn gửi báo cáo: 05/10/2026",
        spec.contact,
    ]
    for row, line in enumerate(block):
        sheet.write_string(row, 0, line, text)
    top = len(block) + 1
    for col, header in enumerate(HEADERS):
        sheet.write_string(top, col, header, text)
    for number, item in enumerate(spec.rows, start=1):
        row = top + number
        outputs, due = outputs_joined(item.outputs), due_display(item)
        carried = item.carried or {}
        sheet.write_string(row, 0, str(number), text)
        sheet.write_string(row, 1, item.task_id, text)
        sheet.write_string(row, 2, item.title, text)
        sheet.write_string(row, 3, "Chủ trì" if item.role == "lead" else "Phối hợp", text)
        sheet.write_string(row, 4, outputs, text)
        sheet.write_string(row, 5, due, text)
        if carried.get("status"):
            sheet.write_string(row, 6, "Đang thực hiện", yellow)
        else:
            sheet.write_blank(row, 6, None, yellow)
        sheet.write_blank(row, 7, None, when)
        if carried.get("result"):
            sheet.write_string(row, 8, carried["result"], yellow)
        else:
            sheet.write_blank(row, 8, None, yellow)
        sheet.write_blank(row, 9, None, yellow)
        sheet.write_blank(row, 10, None, yellow)
    hidden.write_string(0, 0, "kehoach_xlsx")
    hidden.write_string(0, 1, "1")
    for row, key in enumerate(KEYS, start=1):
        hidden.write_string(row, 0, key)
        hidden.write_string(row, 1, str(getattr(ident, key)))
    row = len(KEYS) + 1
    for col, header in enumerate(("task_id", "fingerprint", "role", "row")):
        hidden.write_string(row, col, header)
    for number, item in enumerate(spec.rows, start=1):
        outputs, due = outputs_joined(item.outputs), due_display(item)
        print_ = fingerprint(item.task_id, item.title, item.role, outputs, due)
        hidden.write_string(row + number, 0, item.task_id)
        hidden.write_string(row + number, 1, print_)
        hidden.write_string(row + number, 2, item.role)
        hidden.write_string(row + number, 3, str(top + number + 1))
    for row, (line, _) in enumerate(GUIDE_LINES):
        guide.write_string(row, 0, line, text)
    book.close()


def timed(label: str, func) -> float:
    start = time.perf_counter()
    func()
    elapsed = time.perf_counter() - start
    print(f"{label:<38} {elapsed:8.2f} s")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1000, help="number of workbooks")
    parser.add_argument("--rows", type=int, default=50, help="rows per workbook")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    specs = [make_spec(i, args.rows) for i in range(args.count)]
    print(f"{args.count} workbooks x {args.rows} rows, {os.cpu_count()} CPU(s)")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        bare = timed(
            "bare XlsxWriter (serial)",
            lambda: [bare_book(s, out / f"b{i}.xlsx") for i, s in enumerate(specs)],
        )
        ours = timed(
            "write_unit_book (serial)",
            lambda: [write_unit_book(s, out / f"u{i}.xlsx") for i, s in enumerate(specs)],
        )
        pool = timed(
            f"write_unit_books ({args.processes} processes)",
            lambda: write_unit_books(
                [(s, out / f"p{i}.xlsx") for i, s in enumerate(specs)], processes=args.processes
            ),
        )
    print(f"serial ratio  ours/bare = {ours / bare:.2f}  (target <= 1.15)")
    print(f"pool ratio    pool/bare = {pool / bare:.2f}  (target <= 0.70)")


if __name__ == "__main__":
    main()
