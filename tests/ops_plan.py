"""An invented provincial plan with one task per body, for the operational tests.

Twenty bodies give twenty unit workbooks, enough for `split` to use its process pool.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

BODIES = [
    "Sở Tài chính",
    "Sở Nội vụ",
    "Sở Y tế",
    "Sở Xây dựng",
    "Sở Tư pháp",
    "Sở Công Thương",
    "Sở Văn hóa và Thể thao",
    "Sở Khoa học và Công nghệ",
    "Sở Giáo dục và Đào tạo",
    "Sở Nông nghiệp và Môi trường",
    "Sở Dân tộc và Tôn giáo",
    "Sở Ngoại vụ",
    "Thanh tra tỉnh",
    "Công an tỉnh",
    "Bộ Chỉ huy Quân sự tỉnh",
    "Đài Phát thanh và Truyền hình tỉnh",
    "Ban Quản lý các khu công nghiệp",
    "Trung tâm Chuyển đổi số",
    "Văn phòng UBND tỉnh",
    "Báo Hòa Lạc",
]
VERBS = ["Rà soát", "Xây dựng", "Tổng hợp", "Kiểm tra", "Tuyên truyền"]


def plan_text(tasks_per_body: int = 1) -> str:
    lines = [
        "ỦY BAN NHÂN DÂN TỈNH HÒA LẠC",
        "Số: 21/KH-UBND\tHòa Lạc, ngày 10 tháng 1 năm 2026",
        "KẾ HOẠCH",
        "Thực hiện số hóa hồ sơ lưu trữ năm 2026",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Bảo đảm tiến độ.",
        "II. NHIỆM VỤ",
        "Chi tiết tại Phụ lục kèm theo.",
        "PHỤ LỤC",
        "PHÂN CÔNG NHIỆM VỤ",
        "TT\tNhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tSản phẩm\tThời gian hoàn thành",
    ]
    number = 0
    for body in BODIES:
        for _ in range(tasks_per_body):
            number += 1
            verb = VERBS[number % len(VERBS)]
            lines.append(
                f"{number}\t{verb} hồ sơ lưu trữ đợt {number}\t{body}\tVăn phòng UBND tỉnh"
                "\tBáo cáo\tHằng tháng"
            )
    return "\n".join(lines) + "\n"


def kehoach(*args: object, env: dict[str, str] | None = None, **kwargs) -> subprocess.Popen:
    """The real command in its own process (so it can be killed, or run twice at once)."""
    return subprocess.Popen(
        [sys.executable, "-m", "kehoach_xlsx", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
        **kwargs,
    )


def finish(proc: subprocess.Popen, timeout: float = 180) -> tuple[int, str, str]:
    out, err = proc.communicate(timeout=timeout)
    return proc.returncode, out.decode("utf-8"), err.decode("utf-8")


def make_workspace(base: Path, tasks_per_body: int = 1, split: bool = True) -> Path:
    from kehoach_xlsx.books import init_workspace, split_period
    from kehoach_xlsx.deadlines import parse_period

    plan = base / "ke-hoach.txt"
    plan.write_text(plan_text(tasks_per_body), encoding="utf-8")
    ws = base / "so"
    init_workspace(ws, [plan])
    if split:
        period = parse_period("2026-09")
        split_period(ws, period.code, period.end.replace(day=30), processes=1)
    return ws


def returns_folder(ws: Path, target: Path) -> list[Path]:
    """The unit workbooks sent for 2026-09, copied as if each unit mailed its file back."""
    target.mkdir(parents=True, exist_ok=True)
    copies = []
    for book in sorted((ws / "outgoing" / "2026-09").glob("*.xlsx")):
        copy = target / f"tra-ve_{book.name}"
        copy.write_bytes(book.read_bytes())
        copies.append(copy)
    return copies
