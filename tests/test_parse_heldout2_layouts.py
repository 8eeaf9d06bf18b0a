"""Layouts seen on a second set of real plans outside the corpus (held-out set 2), each on
an invented snippet of the same shape (no real text)."""

from __future__ import annotations

from kehoach_xlsx import read_plan
from tests.test_parse_layouts import write

# a target table that names no lead column: the plan still assigns its work in prose
_TARGETS = [
    "**PHỤ LỤC 01**",
    "CHỈ TIÊU TRỒNG RỪNG CỦA XÃ GIAI ĐOẠN 2026 - 2030",
    "**TT**\t**Chỉ tiêu**\t**ĐVT**\t**Năm 2026**\t**Năm 2027**",
    "1\tDiện tích rừng trồng mới\tHa\t120\t135",
    "2\tSố cây phân tán\tCây\t5.000\t6.000",
]


def test_role_subheadings_over_bullets_under_an_agency(tmp_path):
    text = "\n\n".join(
        [
            "**III. TỔ CHỨC THỰC HIỆN**",
            "**1. Phòng Kinh tế**",
            "*a) Chủ trì, phối hợp với Phòng Văn hóa - Xã hội và các thôn, bản*",
            "- Hướng dẫn các hộ trồng cây đúng thời vụ.",
            "- Theo dõi tỷ lệ cây sống sau trồng.",
            "*b) Phối hợp với Công an xã*",
            "- Kiểm tra việc vận chuyển lâm sản trên địa bàn.",
            "**2. Trung tâm Dịch vụ nông nghiệp**",
            "Chủ trì, phối hợp với Hội Nông dân xã:",
            "- Cấp giống cây cho các hộ.",
            "- Tập huấn kỹ thuật chăm sóc cây non.",
            *_TARGETS,
        ]
    )
    plan = read_plan(write(tmp_path, "rung.txt", text))
    got = [(t.title[:30], t.lead, t.coordinate) for t in plan.tasks]
    assert [t.title for t in plan.tasks] == [
        "Hướng dẫn các hộ trồng cây đúng thời vụ.",
        "Theo dõi tỷ lệ cây sống sau trồng.",
        "Kiểm tra việc vận chuyển lâm sản trên địa bàn.",
        "Cấp giống cây cho các hộ.",
        "Tập huấn kỹ thuật chăm sóc cây non.",
    ], got
    assert [t.lead for t in plan.tasks] == [["Phòng Kinh tế"]] * 3 + [
        ["Trung tâm Dịch vụ nông nghiệp"]
    ] * 2
    assert plan.tasks[0].coordinate == ["Phòng Văn hóa - Xã hội", "các thôn, bản"]
    assert plan.tasks[2].coordinate == ["Công an xã"]
    assert plan.tasks[3].coordinate == ["Hội Nông dân xã"]


def test_role_line_that_goes_on_with_the_work_is_a_duty(tmp_path):
    # "a) Chủ trì, phối hợp với X tổ chức …" says what is done: a duty, not a sub-heading
    text = "\n\n".join(
        [
            "**III. TỔ CHỨC THỰC HIỆN**",
            "**1. Phòng Kinh tế**",
            "a) Chủ trì, phối hợp với Công an xã tổ chức kiểm tra lâm sản.",
            "b) Báo cáo kết quả trồng rừng hằng quý.",
            *_TARGETS,
        ]
    )
    plan = read_plan(write(tmp_path, "rung.txt", text))
    assert [t.title[:25] for t in plan.tasks] == [
        "Chủ trì, phối hợp với Côn",
        "Báo cáo kết quả trồng rừn",
    ]
    assert plan.tasks[0].coordinate == ["Công an xã"]
