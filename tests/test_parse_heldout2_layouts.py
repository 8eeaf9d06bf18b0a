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


def test_unit_columns_first_with_group_rows_and_spanning_sub_rows(tmp_path):
    # units come before the task text; an agency group row; the lead, coordinate and group
    # cells span the rows below, which print only their own task text, result and time
    text = "\n".join(
        [
            "**PHỤ LỤC**",
            "**STT**\t**Cơ quan chủ trì**\t**Cơ quan phối hợp**\t**Nhóm nhiệm vụ**"
            "\t**Nội dung nhiệm vụ**\t**Kết quả**\t**Thời hạn hoàn thành**",
            "**A.**\t**SỞ GIAO THÔNG**",
            "1\tSở Giao thông\t- Công an tỉnh; - Sở Tài chính\tHạ tầng"
            "\t- Lập đề án phân luồng xe tải qua trung tâm\tĐề án\tQuý I năm 2027",
            "- Lắp đặt biển báo tải trọng tại các cầu yếu\t- Biển báo\tQuý III năm 2027",
            "- Tổ chức kiểm tra tải trọng xe trên tuyến tỉnh lộ\t- Biên bản\tHằng quý",
            "**B.**\t**SỞ Y TẾ**\t",
            "Sở Y tế\tỦy ban nhân dân các xã\tPhòng bệnh\t- Mở đợt tiêm chủng bổ sung cho trẻ em"
            "\tSố trẻ được tiêm\tNăm 2027",
        ]
    )
    plan = read_plan(write(tmp_path, "giao-thong.txt", text))
    got = [(t.title, t.lead, t.coordinate, t.deadline_text) for t in plan.tasks]
    assert len(got) == 4, got
    assert [t.title.lstrip("- ")[:20] for t in plan.tasks] == [
        "Lập đề án phân luồng",
        "Lắp đặt biển báo tải",
        "Tổ chức kiểm tra tải",
        "Mở đợt tiêm chủng bổ",
    ]
    assert [t.lead for t in plan.tasks] == [["Sở Giao thông"]] * 3 + [["Sở Y tế"]]
    assert plan.tasks[2].coordinate == ["Công an tỉnh", "Sở Tài chính"]
    assert [t.deadline_text for t in plan.tasks] == [
        "Quý I năm 2027",
        "Quý III năm 2027",
        "Hằng quý",
        "Năm 2027",
    ]
    assert plan.tasks[3].coordinate == ["Ủy ban nhân dân các xã"]


def test_project_name_column_is_the_task_title(tmp_path):
    text = "\n".join(
        [
            "**PHỤ LỤC II**",
            "**STT**\t**Tên dự án, nhiệm vụ**\t**Nội dung chính**\t**Cơ quan chủ trì**"
            "\t**Cơ quan phối hợp**\t**Thời gian thực hiện**",
            "1\tDự án kè chống sạt lở bờ sông\t- Khảo sát, thiết kế, thi công 2 km kè"
            "\tSở Nông nghiệp\tCác xã ven sông\t2026 - 2028",
        ]
    )
    plan = read_plan(write(tmp_path, "du-an.txt", text))
    assert [t.title for t in plan.tasks] == ["Dự án kè chống sạt lở bờ sông"]
    assert plan.tasks[0].lead == ["Sở Nông nghiệp"]


def test_hard_wrapped_line_starting_with_a_body_is_not_an_agency_line(tmp_path):
    # a scrape wraps lines; "Phòng Kinh tế." is the end of the sentence above, not a heading
    text = "\n".join(
        [
            "**II. NỘI DUNG**",
            "**1. Quản lý chợ**",
            "- Rà soát các điểm kinh doanh tạm, báo cáo kết quả cho",
            "Phòng Kinh tế.",
            "- Sắp xếp lại khu bán hàng rong trước cổng chợ.",
            "**III. TỔ CHỨC THỰC HIỆN**",
            "**1. Phòng Kinh tế**",
            "- Theo dõi, đôn đốc việc thực hiện kế hoạch.",
        ]
    )
    plan = read_plan(write(tmp_path, "cho.txt", text))
    assert [t.title for t in plan.tasks] == ["Theo dõi, đôn đốc việc thực hiện kế hoạch."]


def test_content_says_what_and_the_duties_say_who(tmp_path):
    # the contents list many actions without a unit (one bullet happens to name its unit);
    # the work is assigned agency by agency under "Tổ chức thực hiện"
    actions = [f"- Phun khử khuẩn khu vực số {n} sau khi nước rút." for n in range(1, 9)]
    text = "\n\n".join(
        [
            "**III. NỘI DUNG HOẠT ĐỘNG**",
            "**1. Vệ sinh môi trường**",
            *actions[:4],
            "- Trung tâm Y tế chủ trì cấp hóa chất cho các thôn.",
            "**2. Nước sạch**",
            *actions[4:],
            "**IV. TỔ CHỨC THỰC HIỆN**",
            "**1. Phòng Văn hóa - Xã hội:**",
            "- Hướng dẫn các thôn tổng vệ sinh sau lũ.",
            "- Tổng hợp báo cáo hằng ngày.",
            "**2. Các thôn, tổ dân phố:**",
            "Huy động người dân dọn vệ sinh đường làng.",
        ]
    )
    plan = read_plan(write(tmp_path, "sau-lu.txt", text))
    assert [(t.title[:25], t.lead) for t in plan.tasks] == [
        ("Trung tâm Y tế chủ trì cấ", ["Trung tâm Y tế"]),
        ("Hướng dẫn các thôn tổng v", ["Phòng Văn hóa - Xã hội"]),
        ("Tổng hợp báo cáo hằng ngà", ["Phòng Văn hóa - Xã hội"]),
        ("Huy động người dân dọn vệ", ["Các thôn, tổ dân phố"]),
    ]


def test_agency_names_holding_verb_nouns_and_an_intro_above_lettered_duties(tmp_path):
    text = "\n\n".join(
        [
            "**IV. TỔ CHỨC THỰC HIỆN**",
            "**1. Trung tâm Xúc tiến đầu tư, thương mại và du lịch**",
            "- Tổ chức hội chợ nông sản cuối năm.",
            "**2. Phòng Văn hóa - Xã hội**",
            "Chủ trì, phối hợp với Hội Nông dân xã tham mưu cho Ủy ban nhân dân xã:",
            "*a) *Lập danh sách hộ tham gia mô hình.",
            "*b) *Theo dõi kết quả mô hình hằng quý.",
            "**3. Huyện đoàn**",
            "Vận động đoàn viên tham gia trồng cây.",
            "**4. Các tổ chức, cá nhân liên quan**",
            "Phối hợp với các cơ quan chức năng khi được yêu cầu.",
            *_TARGETS,
        ]
    )
    plan = read_plan(write(tmp_path, "xuc-tien.txt", text))
    assert [(t.title[:24], t.lead) for t in plan.tasks] == [
        ("Tổ chức hội chợ nông sản", ["Trung tâm Xúc tiến đầu tư, thương mại và du lịch"]),
        ("Lập danh sách hộ tham gi", ["Phòng Văn hóa - Xã hội"]),
        ("Theo dõi kết quả mô hình", ["Phòng Văn hóa - Xã hội"]),
        ("Vận động đoàn viên tham ", ["Huyện đoàn"]),
        ("Phối hợp với các cơ quan", ["Các tổ chức, cá nhân liên quan"]),
    ]
    assert plan.tasks[1].coordinate == ["Hội Nông dân xã"]


def test_agency_heading_glued_to_its_only_duty_gives_the_duty_as_title(tmp_path):
    text = "\n\n".join(
        [
            "**IV. PHÂN CÔNG NHIỆM VỤ**",
            "**1. Phòng Kinh tế:**",
            "- Kiểm tra giá nước uống tại các cửa hàng.",
            "**2.** **Đề nghị các công ty cấp nước (Công ty An Bình, Công ty Hòa Phát và đơn vị"
            " khác):**** **Bảo đảm cấp nước sạch liên tục cho các khu dân cư.",
        ]
    )
    plan = read_plan(write(tmp_path, "cap-nuoc.txt", text))
    assert [t.title for t in plan.tasks] == [
        "Kiểm tra giá nước uống tại các cửa hàng.",
        "Bảo đảm cấp nước sạch liên tục cho các khu dân cư.",
    ]
    assert plan.tasks[1].lead[0].startswith("các công ty cấp nước")


def test_news_portal_is_a_body_of_its_own_in_a_heading():
    from kehoach_xlsx.parse.layouts.agencies import split_bodies

    assert split_bodies("Đài Truyền thanh xã, Cổng thông tin điện tử xã") == [
        "Đài Truyền thanh xã",
        "Cổng thông tin điện tử xã",
    ]
