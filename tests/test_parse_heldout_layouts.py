"""Prose layouts seen on real plans outside the corpus (held-out check of issue 10), each on
an invented snippet of the same shape."""

from __future__ import annotations

from kehoach_xlsx import read_plan
from tests.test_parse_layouts import write


def test_bullets_sharing_one_label_group_and_longer_label_names(tmp_path):
    text = "\n\n".join(
        [
            "**II. NHIỆM VỤ, GIẢI PHÁP**",
            "**1. Nâng cao chất lượng đội ngũ làm công tác văn thư**",
            "- Rà soát, bổ sung vị trí việc làm văn thư tại các cơ quan.",
            "- Đánh giá định kỳ chất lượng hồ sơ lưu trữ.",
            "*Đơn vị thực hiện: *Các phòng chuyên môn.",
            "*Thời gian thực hiện: *Thường xuyên.",
            "- Mở lớp bồi dưỡng nghiệp vụ lưu trữ điện tử.",
            "*Đơn vị chủ trì tham mưu thực hiện: *Phòng Nội vụ.",
            "*Đơn vị phối hợp thực hiện: *Trung tâm Dịch vụ công.",
            "*Thời gian thực hiện: *Quý III năm 2026.",
        ]
    )
    plan = read_plan(write(tmp_path, "khoi.txt", text))
    titles = [t.title for t in plan.tasks]
    assert len(titles) == 2, titles
    first, second = plan.tasks
    assert first.title.startswith("Rà soát, bổ sung vị trí việc làm")
    assert first.lead == ["Các phòng chuyên môn"]
    assert second.title.startswith("Mở lớp bồi dưỡng")
    assert second.lead == ["Phòng Nội vụ"]
    assert second.coordinate == ["Trung tâm Dịch vụ công"]
    assert second.deadline_text.startswith("Quý III năm 2026")


def test_bold_number_alone_on_its_wrapped_line(tmp_path):
    # a hard-wrapped scrape: the bold item number ends its line, the item text starts the next
    text = "\n\n".join(
        [
            "**II. NỘI DUNG KẾ HOẠCH**",
            "**1.****\n**Tổ chức phổ biến quy định mới về quản lý chợ cho các hộ kinh\n"
            "doanh trên địa bàn phường.",
            "- Cơ quan chủ trì: Phòng Kinh tế.",
            "- Nội dung phổ biến gồm quy định về vệ sinh, phòng cháy và\nniêm yết giá.",
            "- Thời gian thực hiện: Quý II năm 2026 và các năm\ntiếp theo.",
            "**2.****\n**Kiểm tra việc niêm yết giá tại các chợ và các điểm\nkinh doanh tạm.",
            "- Cơ quan chủ trì: Đội Quản lý trật tự đô thị.",
            "- Thời gian thực hiện: định kỳ hằng quý, báo cáo kết quả\nvề Ủy ban nhân dân phường.",
        ]
    )
    plan = read_plan(write(tmp_path, "so-don.txt", text))
    assert [t.lead for t in plan.tasks] == [
        ["Phòng Kinh tế"],
        ["Đội Quản lý trật tự đô thị"],
    ]
    assert plan.tasks[0].title.startswith("Tổ chức phổ biến quy định mới")
    assert plan.tasks[1].title.startswith("Kiểm tra việc niêm yết giá")


def test_assignments_under_to_chuc_thuc_hien_when_the_appendix_is_absent(tmp_path):
    text = "\n\n".join(
        [
            "**II. NỘI DUNG**",
            "- Hoàn thiện tài liệu hướng dẫn phòng tránh ngập úng.",
            "(Khung các hoạt động tại Phụ lục kèm theo Kế hoạch này).",
            "**III. TỔ CHỨC THỰC HIỆN**",
            "1. Giao Phòng Kinh tế là cơ quan thường trực, chủ trì hướng dẫn thực hiện Kế hoạch;"
            " thực hiện các nhiệm vụ sau:",
            "- Tổng hợp danh sách điểm ngập trên địa bàn.",
            "- Chủ trì, phối hợp với Công an phường kiểm tra các tuyến cống.",
            "2. Trạm Y tế chủ trì, phối hợp với Hội Chữ thập đỏ phường:",
            "- Chuẩn bị cơ số thuốc cho các điểm sơ tán.",
            "- Tập huấn sơ cứu cho tình nguyện viên.",
            "3. Ban Chỉ huy Quân sự phường chủ trì, phối hợp với Đoàn Thanh niên tổ chức diễn tập.",
            "4. Đội Quản lý trật tự đô thị",
            "- Giải tỏa lấn chiếm lòng cống thoát nước.",
        ]
    )
    plan = read_plan(write(tmp_path, "tcth.txt", text))
    got = [(t.title[:30], t.lead, t.coordinate) for t in plan.tasks]
    assert len(got) == 6, got
    assert got[0][1] == ["Phòng Kinh tế"] and got[0][2] == []
    assert got[1][1] == ["Phòng Kinh tế"] and got[1][2] == ["Công an phường"]
    assert got[2][1] == ["Trạm Y tế"] and got[2][2] == ["Hội Chữ thập đỏ phường"]
    assert got[3][1] == ["Trạm Y tế"] and got[3][2] == ["Hội Chữ thập đỏ phường"]
    assert got[4][1] == ["Ban Chỉ huy Quân sự phường"] and got[4][2] == ["Đoàn Thanh niên"]
    assert got[5][1] == ["Đội Quản lý trật tự đô thị"]


def test_partners_without_voi_or_with_an_adverb(tmp_path):
    text = "\n".join(
        [
            "III. PHÂN CÔNG NHIỆM VỤ",
            "1. Công an phường",
            "- Chủ trì, phối hợp Ban Chỉ huy Quân sự phường rà soát các điểm trọng yếu.",
            "2. Phòng Văn hóa - Xã hội",
            "- Phối hợp chặt chẽ với Công an phường tuyên truyền đến từng tổ dân phố.",
            "- Phối hợp thực hiện các nội dung được giao.",
        ]
    )
    plan = read_plan(write(tmp_path, "phoi-hop.txt", text))
    assert [t.coordinate for t in plan.tasks] == [
        ["Ban Chỉ huy Quân sự phường"],
        ["Công an phường"],
        [],
    ]


def test_duties_give_way_to_an_appendix_given_as_a_file_of_its_own(tmp_path):
    body = "\n".join(
        [
            "KẾ HOẠCH",
            "Phòng chống ngập úng năm 2026",
            "I. NỘI DUNG",
            "(Chi tiết các hoạt động tại Phụ lục kèm theo.)",
            "II. TỔ CHỨC THỰC HIỆN",
            "1. Phòng Kinh tế",
            "- Tổng hợp danh sách điểm ngập trên địa bàn.",
        ]
    )
    appendix = "\n".join(
        [
            "PHỤ LỤC",
            "STT\tNội dung\tCơ quan chủ trì\tThời gian",
            "1\tNạo vét cống thoát nước\tĐội Quản lý trật tự đô thị\tQuý II/2026",
        ]
    )
    alone = read_plan(write(tmp_path, "than.txt", body))
    assert [t.lead for t in alone.tasks] == [["Phòng Kinh tế"]]
    both = read_plan(write(tmp_path, "than.txt", body), write(tmp_path, "phu-luc.txt", appendix))
    assert [t.lead for t in both.tasks] == [["Đội Quản lý trật tự đô thị"]]
    assert [w.code for w in both.warnings if w.code == "duties_not_tasks"] == ["duties_not_tasks"]


def test_unnumbered_rowspan_sub_row_is_a_task_of_its_own(tmp_path):
    # the TT cell (and the coordinate and deadline cells) span two rows; the second row has
    # its own task text and lead
    text = "\n".join(
        [
            "PHỤ LỤC",
            "TT\tNhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian hoàn thành",
            "1\tLắp đặt máy chủ cho kho dữ liệu dùng chung của phường\tTrung tâm Dữ liệu"
            "\tPhòng Văn hóa - Xã hội\tQuý IV/2026",
            "Lắp đặt hệ thống máy chủ dự phòng cho kho dữ liệu dùng chung\tTrung tâm Dữ liệu",
            "2\tSao lưu dữ liệu định kỳ cho các phòng chuyên môn\tPhòng Kinh tế"
            "\tCông an phường\tHằng quý",
            "Kiểm tra khả năng phục hồi dữ liệu sau sự cố của hệ thống\tCông an phường"
            "\tPhòng Kinh tế",
            "3\tCập nhật dữ liệu dân cư\tCông an phường\tPhòng Nội vụ\tHằng tháng",
            "4\tCông khai danh mục dịch vụ công\tPhòng Nội vụ\tPhòng Kinh tế\tQuý III/2026",
            "5\tRà soát danh mục dữ liệu mở của phường và\tPhòng Kinh tế\tCông an phường"
            "\tQuý I/2027",
            "công bố danh mục theo hướng dẫn\tPhòng Nội vụ",
        ]
    )
    plan = read_plan(write(tmp_path, "bang.txt", text))
    got = [(t.title[:25], t.lead, t.coordinate, t.deadline_text) for t in plan.tasks]
    assert len(got) == 7, got
    assert got[1] == (
        "Lắp đặt hệ thống máy chủ ",
        ["Trung tâm Dữ liệu"],
        ["Phòng Văn hóa - Xã hội"],
        "Quý IV/2026",
    )
    assert got[3][1:] == (["Công an phường"], ["Phòng Kinh tế"], "Hằng quý")
    # a row broken by a page still joins the row above
    assert "và công bố danh mục theo hướng dẫn" in plan.tasks[6].title
    assert "unnumbered_sub_row" in [w.code for w in plan.warnings]


def test_unit_cells_a_named_body_and_the_others_and_a_lost_line_break(tmp_path):
    text = "\n".join(
        [
            "PHỤ LỤC",
            "TT\tNhiệm vụ\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian",
            "1\tKiểm kê kho vật tư dự phòng\tPhòng Kinh tế"
            "\tCông an phường và cơ quan, đơn vị liên quan\tQuý II/2026",
            "2\tCập nhật danh bạ điểm sơ tán\tCác phòng, ban, UBND các xã Phòng Nội vụ"
            "\tPhòng Nội vụ Các tổ dân phố\tQuý III/2026",
            "3\tRà soát phương án ứng phó\tCông an phường"
            "\tCác phòng, ban và đơn vị có liên quan\tQuý IV/2026",
        ]
    )
    plan = read_plan(write(tmp_path, "don-vi.txt", text))
    assert [(t.lead, t.coordinate) for t in plan.tasks] == [
        (["Phòng Kinh tế"], ["Công an phường", "cơ quan, đơn vị liên quan"]),
        (
            ["Các phòng, ban", "UBND các xã", "Phòng Nội vụ"],
            ["Phòng Nội vụ", "Các tổ dân phố"],
        ),
        (["Công an phường"], ["Các phòng, ban và đơn vị có liên quan"]),
    ]


def test_agency_item_opening_with_a_long_list_of_bodies(tmp_path):
    text = "\n".join(
        [
            "III. PHÂN CÔNG NHIỆM VỤ",
            "1. Công an phường",
            "- Rà soát các điểm trọng yếu trên địa bàn.",
            "2. Đề nghị Văn phòng Đảng ủy phường, Ủy ban Mặt trận Tổ quốc Việt Nam phường, "
            "Hội Cựu chiến binh phường, Hội Liên hiệp Phụ nữ phường, Đoàn Thanh niên Cộng sản "
            "Hồ Chí Minh phường, Trung tâm Phục vụ hành chính công phường, Trạm Y tế phường và "
            "Trường Trung học cơ sở Hòa Bình tăng cường công tác bảo vệ bí mật trong nội bộ.",
        ]
    )
    plan = read_plan(write(tmp_path, "de-nghi.txt", text))
    assert len(plan.tasks) == 2, [t.title for t in plan.tasks]
    assert plan.tasks[1].title.startswith("Đề nghị Văn phòng Đảng ủy phường")
    assert plan.tasks[1].lead[0] == "Văn phòng Đảng ủy phường"
    assert plan.tasks[1].lead[-1] == "Trường Trung học cơ sở Hòa Bình"
    assert len(plan.tasks[1].lead) == 8
