"""Invented plans for the leader's outputs (brief, draft report, letters, mails).

The texts are made up for the tests: a provincial plan with a decorative rule after the
issuer, twelve units and nineteen tasks; and the same tasks as the appendix of a Quyết định.
"""

from __future__ import annotations

from pathlib import Path

UNITS = (
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Y tế",
    "Sở Giáo dục và Đào tạo",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Nông nghiệp và Môi trường",
    "Sở Công Thương",
    "Công an tỉnh",
    "Văn phòng Ủy ban nhân dân tỉnh",
)

SECTIONS = (
    ("I", "CẢI CÁCH THỂ CHẾ", 6),
    ("II", "HIỆN ĐẠI HÓA NỀN HÀNH CHÍNH", 7),
    ("III", "KIỂM TRA, GIÁM SÁT", 6),
)
# (title, deadline wording, output); cycles over the tasks of each section
SHAPES = (
    ("Rà soát văn bản quy phạm pháp luật về lĩnh vực được giao", "Tháng 9/2026", "Báo cáo"),
    ("Xây dựng kế hoạch số hóa hồ sơ lưu trữ", "30/9/2026", "Kế hoạch"),
    ("Tổ chức tập huấn nghiệp vụ cho công chức", "Thường xuyên", "Hội nghị"),
    ("Ban hành quy chế phối hợp cung cấp dữ liệu", "15/8/2026", "Quyết định"),
    ("Kiểm tra việc thực hiện thủ tục hành chính tại đơn vị", "Quý IV/2026", "Báo cáo"),
    ("Tuyên truyền kết quả cải cách trên cổng thông tin", "Hằng tháng", "Tin, bài"),
    ("Đánh giá chỉ số hài lòng của người dân", "31/10/2026", "Báo cáo"),
)


def task_rows() -> list[str]:
    lines = []
    count = 0
    for roman, heading, size in SECTIONS:
        lines.append(f"{roman}\t{heading}\t\t\t\t")
        for index in range(1, size + 1):
            title, when, output = SHAPES[(count + index) % len(SHAPES)]
            lead = UNITS[count % len(UNITS)]
            partner = UNITS[(count + 5) % len(UNITS)]
            lines.append(f"{index}\t{title}\t{lead}\t{partner}\t{when}\t{output}")
            count += 1
    return lines


TABLE_HEAD = (
    "TT\tNội dung nhiệm vụ\tCơ quan chủ trì\tCơ quan phối hợp\tThời gian hoàn thành\tSản phẩm"
)


def plan_text() -> str:
    """A Kế hoạch of a province, issuer line followed by a rule as pdftotext prints it."""
    head = [
        "ỦY BAN NHÂN DÂN TỈNH HÀ LAM --------",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Số: 88/KH-UBND",
        "Hà Lam, ngày 12 tháng 3 năm 2026",
        "KẾ HOẠCH",
        "Cải cách hành chính tỉnh Hà Lam năm 2026",
        "Thực hiện Nghị quyết số 01/NQ-CP ngày 05/01/2026 của Chính phủ;",
        "PHỤ LỤC",
        "(Kèm theo Kế hoạch số 88/KH-UBND ngày 12/3/2026 của Ủy ban nhân dân tỉnh Hà Lam)",
        TABLE_HEAD,
        *task_rows(),
    ]
    return "\n".join(head) + "\n"


def decision_text() -> str:
    """A Quyết định whose appendix is the plan (invented)."""
    head = [
        "ỦY BAN NHÂN DÂN TỈNH HÀ LAM",
        "--------",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "---------------",
        "Số: 123/QĐ-UBND",
        "Hà Lam, ngày 20 tháng 4 năm 2026",
        "QUYẾT ĐỊNH",
        "Phê duyệt Kế hoạch chuyển đổi số tỉnh Hà Lam năm 2026",
        "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH HÀ LAM",
        "Căn cứ Luật Tổ chức chính quyền địa phương;",
        "QUYẾT ĐỊNH:",
        "Điều 1. Phê duyệt kèm theo Quyết định này Kế hoạch chuyển đổi số tỉnh Hà Lam năm 2026.",
        "Điều 2. Quyết định này có hiệu lực kể từ ngày ký.",
        "KẾ HOẠCH",
        "Chuyển đổi số tỉnh Hà Lam năm 2026",
        "(Ban hành kèm theo Quyết định số 123/QĐ-UBND ngày 20/4/2026 của Chủ tịch UBND tỉnh)",
        TABLE_HEAD,
        *task_rows(),
    ]
    return "\n".join(head) + "\n"


def write_plan(folder: Path, decision: bool = False) -> Path:
    path = folder / ("quyet-dinh.txt" if decision else "ke-hoach.txt")
    path.write_text(decision_text() if decision else plan_text(), encoding="utf-8")
    return path
