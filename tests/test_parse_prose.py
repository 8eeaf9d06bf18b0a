"""Prose plans: wrapped lines, agency-as-heading lists, the lead inside the sentence.

Every snippet here is invented for the test; it has the shape of real plans, not their words.
"""

from __future__ import annotations

from kehoach_xlsx import read_plan
from kehoach_xlsx.parse.blocks import Block
from kehoach_xlsx.parse.layouts.agencies import (
    agency_heading,
    lead_sentence,
    sentence_subject,
    split_bodies,
)
from kehoach_xlsx.parse.layouts.agency_lists import inline_deadline
from kehoach_xlsx.parse.outline import join_wrapped_lines

HEAD = ["Số: 7/KH-UBND", "", "KẾ HOẠCH", "", "Thử nghiệm đọc kế hoạch dạng văn xuôi", ""]


def plan_of(tmp_path, lines, name="ke-hoach.txt"):
    path = tmp_path / name
    path.write_text("\n".join(HEAD + lines), encoding="utf-8")
    return read_plan(path)


# ---- agency words --------------------------------------------------------------------------


def test_agency_heading_is_a_name_alone():
    assert agency_heading("Sở Giao thông vận tải") == "Sở Giao thông vận tải"
    assert agency_heading("- Công an xã:") == "Công an xã"
    assert agency_heading("- Đề nghị Hội Nông dân huyện") == "Hội Nông dân huyện"
    assert agency_heading("Các phòng, ban, ngành của huyện") == "Các phòng, ban, ngành của huyện"
    assert agency_heading("Sở Du lịch tổ chức hội chợ") is None  # a sentence, not a heading
    assert agency_heading("Chủ tịch Ủy ban nhân dân huyện") is None  # a person
    assert agency_heading("Bảo đảm an toàn giao thông") is None  # "Bảo" is not "Báo"
    assert agency_heading("Phòng ngừa cháy nổ") is None


def test_split_bodies_only_between_named_bodies():
    assert split_bodies("Sở Du lịch, Sở Văn hóa, Thể thao và Gia đình và các đơn vị liên quan") == [
        "Sở Du lịch",
        "Sở Văn hóa, Thể thao và Gia đình",
        "các đơn vị liên quan",
    ]
    assert split_bodies("các sở, ban, ngành của huyện và Ủy ban nhân dân các xã, thị trấn") == [
        "các sở, ban, ngành của huyện",
        "Ủy ban nhân dân các xã, thị trấn",
    ]
    assert split_bodies("Văn phòng HĐND và UBND huyện") == ["Văn phòng HĐND và UBND huyện"]
    assert split_bodies("Phòng Nội vụ, các phòng chuyên môn trong phạm vi chức năng") == [
        "Phòng Nội vụ",
        "các phòng chuyên môn",
    ]


def test_lead_inside_the_sentence():
    assert lead_sentence(
        "Phòng Y tế chủ trì, phối hợp với Trung tâm Y tế huyện và các trường học tổ chức khám"
    ) == (["Phòng Y tế"], ["Trung tâm Y tế huyện", "các trường học"])
    assert lead_sentence("(Giao Công an huyện chủ trì, phối hợp với Đoàn Thanh niên huyện)") == (
        ["Công an huyện"],
        ["Đoàn Thanh niên huyện"],
    )
    assert lead_sentence("Chủ trì, phối hợp với Sở Tư pháp rà soát văn bản") is None
    assert lead_sentence("Ban Dân tộc chủ trì, phối hợp với các đơn vị có liên quan khảo sát") == (
        ["Ban Dân tộc"],
        ["các đơn vị có liên quan"],
    )
    assert sentence_subject("Ban Chỉ huy Quân sự huyện xây dựng phương án") == (
        "Ban Chỉ huy Quân sự huyện"
    )
    assert sentence_subject("Xây dựng phương án phòng chống lụt bão") is None


def test_inline_deadline_phrases():
    assert inline_deadline("Ban hành quy chế, hoàn thành trước ngày 30/9/2027.") == (
        "trước ngày 30/9/2027"
    )
    assert inline_deadline("Hằng năm, rà soát danh sách hộ nghèo") == "Hằng năm"
    assert inline_deadline("Tổ chức hội thi cấp huyện") is None


# ---- wrapped lines ---------------------------------------------------------------------------


def test_hard_wrapped_paragraphs_are_joined_back():
    lines = [
        "1. Tổ chức tập huấn cho cán bộ",
        "làm công tác văn thư",
        "",
        "- Cơ quan chủ trì: Phòng Nội",
        "vụ.",
        "",
        "- Thời gian thực hiện: năm",
        "2027 và các năm tiếp theo.",
        "",
        "2. Xây dựng Quy chế của",
        "Ủy ban nhân dân huyện",
        "",
        "- Cơ quan chủ trì: Văn phòng",
        "Ủy ban nhân dân huyện.",
        "",
        "Câu kết thúc ở cuối dòng.",
        "Câu mới của đoạn khác.",
        "",
        "Đoạn văn dài được ngắt",
        "dòng theo khổ giấy, lần thứ",
        "hai, rồi lần thứ",
        "ba.",
    ]
    blocks = [Block(i, text, raw=text) for i, text in enumerate(lines, start=1)]
    joined = [b.text for b in join_wrapped_lines(blocks) if b.text]
    assert joined == [
        "1. Tổ chức tập huấn cho cán bộ làm công tác văn thư",
        "- Cơ quan chủ trì: Phòng Nội vụ.",
        "- Thời gian thực hiện: năm 2027 và các năm tiếp theo.",
        "2. Xây dựng Quy chế của Ủy ban nhân dân huyện",
        "- Cơ quan chủ trì: Văn phòng Ủy ban nhân dân huyện.",
        "Câu kết thúc ở cuối dòng.",
        "Câu mới của đoạn khác.",
        "Đoạn văn dài được ngắt dòng theo khổ giấy, lần thứ hai, rồi lần thứ ba.",
    ]


def test_text_with_one_line_per_paragraph_is_left_alone():
    lines = ["1. Rà soát hồ sơ", "Phòng Tư pháp chủ trì.", "2. Tổ chức hội nghị", "Quý II."]
    blocks = [Block(i, text, raw=text) for i, text in enumerate(lines, start=1)]
    assert join_wrapped_lines(blocks) == blocks


def test_wrapped_plan_reads_titles_units_and_deadlines(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "II. NỘI DUNG",
            "",
            "1. Tổ chức tập huấn cho cán bộ",
            "làm công tác văn thư",
            "",
            "- Cơ quan thực hiện: Phòng Nội vụ, Phòng Tư pháp và các",
            "trường học trên địa bàn.",
            "",
            "- Thời gian thực hiện: năm",
            "2027 và các năm tiếp theo.",
            "",
            "III. KINH PHÍ",
            "",
            "Kinh phí thực hiện được bố trí",
            "từ ngân sách huyện và các",
            "nguồn hợp pháp khác theo",
            "quy định.",
        ],
    )
    [task] = plan.tasks
    assert task.title == "Tổ chức tập huấn cho cán bộ làm công tác văn thư"
    assert task.lead == ["Phòng Nội vụ", "Phòng Tư pháp", "các trường học trên địa bàn"]
    assert task.deadline_text == "năm 2027 và các năm tiếp theo."


# ---- the lead inside a label's sentence ------------------------------------------------------


def test_lead_sentence_in_a_label(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "II. NỘI DUNG HOẠT ĐỘNG",
            "",
            "1. Truyền thông",
            "",
            "a) Hoạt động 1",
            "",
            "- Nội dung: Phát động cuộc thi vẽ tranh.",
            "",
            "- Cơ quan thực hiện: Phòng Văn hóa chủ trì, phối hợp với Đoàn Thanh niên huyện,"
            " Hội Phụ nữ huyện và các trường học tổ chức cuộc thi.",
            "",
            "b) Hoạt động 2",
            "",
            "- Cơ quan thực hiện:",
            "",
            "+ Phòng Y tế chủ trì, phối hợp với Trung tâm Y tế huyện.",
            "",
            "+ Đài Truyền thanh huyện đưa tin trên sóng phát thanh.",
        ],
    )
    first, second = plan.tasks
    assert first.title == "Hoạt động 1"
    assert first.lead == ["Phòng Văn hóa"]
    assert first.coordinate == ["Đoàn Thanh niên huyện", "Hội Phụ nữ huyện", "các trường học"]
    assert second.lead == ["Phòng Y tế", "Đài Truyền thanh huyện"]
    assert second.coordinate == ["Trung tâm Y tế huyện"]


# ---- agency-as-heading lists -----------------------------------------------------------------

AGENCY_PLAN = [
    "I. MỤC ĐÍCH, YÊU CẦU",
    "",
    "- Nâng cao nhận thức của cán bộ về an toàn giao thông.",
    "",
    "II. NHIỆM VỤ, GIẢI PHÁP",
    "",
    "1. Tăng cường tuyên truyền",
    "",
    "- Tuyên truyền trên hệ thống loa truyền thanh.",
    "",
    "III. TỔ CHỨC THỰC HIỆN",
    "",
    "1. Công an huyện",
    "",
    "- Chủ trì, phối hợp với Phòng Giáo dục và Đào tạo, Đoàn Thanh niên huyện tổ chức"
    " tuyên truyền trong trường học.",
    "",
    "- Tổ chức tuần tra, kiểm soát; hằng tháng báo cáo kết quả.",
    "",
    "2. Phòng Kinh tế và Hạ tầng",
    "",
    "Phối hợp với Công an huyện rà soát các điểm đen tai nạn, hoàn thành trước ngày 30/6/2027.",
    "",
    "3. Đề nghị Ủy ban Mặt trận Tổ quốc huyện và các tổ chức đoàn thể",
    "",
    "- Vận động hội viên chấp hành quy định về giao thông.",
    "",
    "Nơi nhận:\tTM. ỦY BAN NHÂN DÂN",
    "- Sở Giao thông vận tải;\tCHỦ TỊCH",
    "- Lưu: VT.",
]


def test_agency_headings_assign_the_work_when_nothing_else_does(tmp_path):
    plan = plan_of(tmp_path, AGENCY_PLAN)
    assert [(t.lead, t.title[:30]) for t in plan.tasks] == [
        (["Công an huyện"], "Chủ trì, phối hợp với Phòng Gi"),
        (["Công an huyện"], "Tổ chức tuần tra, kiểm soát; h"),
        (["Phòng Kinh tế và Hạ tầng"], "Phối hợp với Công an huyện rà "),
        (
            ["Ủy ban Mặt trận Tổ quốc huyện", "các tổ chức đoàn thể"],
            "Vận động hội viên chấp hành qu",
        ),
    ]
    first, _, third, _ = plan.tasks
    assert first.coordinate == ["Phòng Giáo dục và Đào tạo", "Đoàn Thanh niên huyện"]
    assert third.coordinate == ["Công an huyện"]
    assert third.deadline_text == "trước ngày 30/6/2027"
    assert len({t.id for t in plan.tasks}) == 4


def test_agency_duties_stand_in_for_an_appendix_the_file_lacks(tmp_path):
    # the appendix it refers to is not in the file: the duties are read, and the warning says
    # to read the appendix file with it (then the appendix gives the tasks)
    lines = list(AGENCY_PLAN)
    lines[8] = "(Chi tiết nhiệm vụ tại Phụ lục kèm theo)"
    plan = plan_of(tmp_path, lines)
    assert plan.tasks == plan_of(tmp_path, AGENCY_PLAN).tasks
    assert "appendix_missing" in [w.code for w in plan.warnings]


def test_agency_lines_inside_the_task_part(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "I. MỤC TIÊU",
            "",
            "a) 100% trường học có tủ sách pháp luật.",
            "",
            "II. NHIỆM VỤ, GIẢI PHÁP CHỦ YẾU",
            "",
            "1. Hoàn thiện thể chế",
            "",
            "a) Sửa đổi quy định về quản lý chợ",
            "",
            "- Phòng Kinh tế",
            "",
            "+ Rà soát quy định về quản lý chợ.",
            "",
            "+ Đề xuất mức phí phù hợp.",
            "",
            "- Phòng Tài chính – Kế hoạch bố trí kinh phí cho việc rà soát.",
            "",
            "b) Văn phòng HĐND và UBND huyện tổng hợp kết quả, hoàn thành trước ngày 31/12/2027.",
            "",
            "c) Ủy ban nhân dân các xã, thị trấn",
            "",
            "- Niêm yết công khai quy định mới.",
            "",
            "III. TỔ CHỨC THỰC HIỆN",
            "",
            "1. Phòng Tư pháp",
            "",
            "- Theo dõi, đôn đốc việc thực hiện Kế hoạch.",
        ],
    )
    assert [t.lead for t in plan.tasks] == [
        ["Phòng Kinh tế"],
        ["Phòng Kinh tế"],
        ["Phòng Tài chính – Kế hoạch"],
        ["Văn phòng HĐND và UBND huyện"],
        ["Ủy ban nhân dân các xã, thị trấn"],
    ]
    assert plan.tasks[3].deadline_text == "trước ngày 31/12/2027"
    # the duties under "Tổ chức thực hiện" are general: the plan assigned its work above
    assert not any("Theo dõi" in t.title for t in plan.tasks)


def test_unlabelled_item_among_tasks_is_led_by_its_subject(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "II. NỘI DUNG",
            "",
            "1. Tổ chức hội nghị triển khai",
            "",
            "- Cơ quan chủ trì: Phòng Nội vụ.",
            "",
            "2. Ban hành văn bản hướng dẫn",
            "",
            "Các phòng chuyên môn thuộc Ủy ban nhân dân huyện có trách nhiệm tham mưu ban hành.",
            "",
            "3. Kiểm tra việc thực hiện",
            "",
            "- Cơ quan chủ trì: Phòng Tư pháp.",
        ],
    )
    assert [(t.number, t.lead) for t in plan.tasks] == [
        ("1", ["Phòng Nội vụ"]),
        ("2", ["Các phòng chuyên môn thuộc Ủy ban nhân dân huyện"]),
        ("3", ["Phòng Tư pháp"]),
    ]


# ---- label blocks ----------------------------------------------------------------------------


def test_lettered_label_block_takes_the_task_text_as_title(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "II. NHIỆM VỤ",
            "",
            "1. Nhiệm vụ 1",
            "",
            "a) Nhiệm vụ: Số hóa hồ sơ hộ tịch giai đoạn trước năm 2010.",
            "",
            "b) Cơ quan thực hiện:",
            "",
            "- Đơn vị chủ trì: Phòng Tư pháp.",
            "",
            "- Đơn vị phối hợp: Văn phòng HĐND và UBND huyện; Trung tâm Văn hóa huyện.",
            "",
            "c) Thời gian thực hiện: Quý IV năm 2027.",
            "",
            "2. Cải thiện môi trường kinh doanh",
            "",
            "a) Nội dung: Tổ chức đối thoại với doanh nghiệp.",
            "",
            "b) Cơ quan thực hiện:",
            "",
            "- Đơn vị chủ trì: Phòng Kinh tế.",
            "",
            "c) Thời gian thực hiện: Hằng năm.",
        ],
    )
    first, second = plan.tasks
    assert first.title == "Nhiệm vụ 1: Số hóa hồ sơ hộ tịch giai đoạn trước năm 2010."
    assert first.lead == ["Phòng Tư pháp"]
    assert first.coordinate == ["Văn phòng HĐND và UBND huyện", "Trung tâm Văn hóa huyện"]
    assert first.deadline_text == "Quý IV năm 2027."
    assert second.title == "Cải thiện môi trường kinh doanh"
    assert second.details[0] == "Tổ chức đối thoại với doanh nghiệp."
    assert second.lead == ["Phòng Kinh tế"]


def test_several_lead_blocks_under_one_heading(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "II. NỘI DUNG",
            "",
            "3. Ban hành văn bản hướng dẫn",
            "",
            "- Quy chế quản lý cụm công nghiệp",
            "",
            "+ Nội dung: quy định trách nhiệm quản lý.",
            "",
            "+ Cơ quan chủ trì: Phòng Kinh tế.",
            "",
            "+ Thời hạn ban hành: trước ngày 30/6/2027.",
            "",
            "- Quy định về quản lý chợ",
            "",
            "+ Cơ quan chủ trì: Phòng Tài chính – Kế hoạch.",
            "",
            "+ Cơ quan phối hợp: Ủy ban nhân dân các xã.",
            "",
            "+ Thời hạn ban hành: Quý IV năm 2027.",
        ],
    )
    first, second = plan.tasks
    assert (first.title, first.lead, first.deadline_text) == (
        "Quy chế quản lý cụm công nghiệp",
        ["Phòng Kinh tế"],
        "trước ngày 30/6/2027.",
    )
    assert (second.title, second.lead, second.coordinate) == (
        "Quy định về quản lý chợ",
        ["Phòng Tài chính – Kế hoạch"],
        ["Ủy ban nhân dân các xã"],
    )
    assert first.id != second.id


def test_role_sub_heading_lists_units_of_the_section(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "II. NHIỆM VỤ, GIẢI PHÁP",
            "",
            "1. Đẩy mạnh chuyển đổi số trong trường học",
            "",
            "a) Nội dung thực hiện",
            "",
            "- Trang bị phòng học thông minh.",
            "",
            "b) Cơ quan chủ trì, phối hợp",
            "",
            "- Phòng Giáo dục và Đào tạo",
            "",
            "- Trung tâm Văn hóa huyện",
            "",
            "- Các trường học trên địa bàn",
        ],
    )
    [task] = plan.tasks
    assert task.title == "Đẩy mạnh chuyển đổi số trong trường học"
    assert task.lead == ["Phòng Giáo dục và Đào tạo"]
    assert task.coordinate == ["Trung tâm Văn hóa huyện", "Các trường học trên địa bàn"]


def test_lead_written_in_the_item_or_bullet_sentence(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "I. MỤC ĐÍCH",
            "",
            "1. Phòng Văn hóa chủ trì, phối hợp với các trường tổ chức giao lưu văn nghệ.",
            "",
            "II. NỘI DUNG",
            "",
            "1. Phòng Văn hóa chủ trì, phối hợp với Đoàn Thanh niên huyện tổ chức hội thi.",
            "",
            "2. Tổ chức diễn tập phòng cháy (Giao Công an huyện chủ trì, phối hợp với Ban Chỉ"
            " huy Quân sự huyện và Ủy ban nhân dân các xã).",
            "",
            "3. Công tác tuyên truyền",
            "",
            "- Đài Truyền thanh huyện chủ trì, phối hợp với Phòng Văn hóa mở chuyên mục mới.",
            "",
            "- Các xã treo băng rôn, khẩu hiệu.",
        ],
    )
    assert [(t.number, t.lead, t.coordinate) for t in plan.tasks] == [
        ("1", ["Phòng Văn hóa"], ["Đoàn Thanh niên huyện"]),
        ("2", ["Công an huyện"], ["Ban Chỉ huy Quân sự huyện", "Ủy ban nhân dân các xã"]),
        ("(1)", ["Đài Truyền thanh huyện"], ["Phòng Văn hóa"]),
    ]
    assert plan.tasks[1].title == "Tổ chức diễn tập phòng cháy"


def test_deadline_given_as_dated_steps_is_the_last_step(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "II. NỘI DUNG",
            "",
            "1. Rà soát văn bản",
            "",
            "- Cơ quan chủ trì: Phòng Tư pháp.",
            "",
            "- Thời gian thực hiện:",
            "",
            "+ Các phòng gửi kết quả rà soát trước ngày 15/11/2027.",
            "",
            "+ Phòng Tư pháp tổng hợp, báo cáo trước ngày 10/12/2027.",
        ],
    )
    [task] = plan.tasks
    assert task.deadline_text == "trước ngày 10/12/2027"
    assert any("15/11/2027" in note for note in task.notes)  # the first step is kept


def test_a_kind_of_body_after_a_list_of_places():
    assert split_bodies("Ủy ban nhân dân các xã, thị trấn, báo, đài và các đơn vị liên quan") == [
        "Ủy ban nhân dân các xã, thị trấn",
        "báo, đài",
        "các đơn vị liên quan",
    ]


def test_same_tasks_from_docx_paragraphs(tmp_path):
    import docx

    document = docx.Document()
    for line in HEAD + AGENCY_PLAN:
        if line:
            document.add_paragraph(line)
    path = tmp_path / "ke-hoach.docx"
    document.save(path)
    from_docx = read_plan(path)
    from_text = plan_of(tmp_path, AGENCY_PLAN)
    assert [(t.title, t.lead, t.coordinate, t.deadline_text) for t in from_docx.tasks] == [
        (t.title, t.lead, t.coordinate, t.deadline_text) for t in from_text.tasks
    ]
    assert len(from_docx.tasks) == 4


def test_labels_in_any_emphasis_with_the_colon_inside_or_outside(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "**II. NỘI DUNG**",
            "",
            "**1. Tổ chức hội nghị**",
            "",
            "- **Cơ quan chủ trì:** Phòng Nội vụ.",
            "",
            "- *Cơ quan phối hợp*: Công an xã.",
            "",
            "- ***Thời gian thực hiện***: Quý IV.",
            "",
            "**2. Kiểm tra**",
            "",
            "**Cơ quan chủ trì**: Phòng Tư pháp; **thời gian**: tháng 12.",
        ],
    )
    assert [(t.title, t.lead, t.coordinate, t.deadline_text) for t in plan.tasks] == [
        ("Tổ chức hội nghị", ["Phòng Nội vụ"], ["Công an xã"], "Quý IV."),
        ("Kiểm tra", ["Phòng Tư pháp"], [], "tháng 12."),
    ]


def test_roles_named_after_the_bodies_in_one_label(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "II. NỘI DUNG",
            "",
            "1. Tổ chức ngày hội đọc sách",
            "",
            "- Đơn vị thực hiện: Phòng Văn hóa chủ trì; Công an xã, Đoàn Thanh niên phối hợp.",
        ],
    )
    [task] = plan.tasks
    assert (task.lead, task.coordinate) == (["Phòng Văn hóa"], ["Công an xã", "Đoàn Thanh niên"])


def test_duties_of_an_agency_heading_written_after_a_colon_or_lettered(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "II. NỘI DUNG HOẠT ĐỘNG",
            "",
            "1. Tổ chức lễ phát động.",
            "",
            "III. TỔ CHỨC THỰC HIỆN",
            "",
            "1. Phòng Y tế huyện",
            "",
            "a) Chủ trì tham mưu tổ chức lễ phát động, hoàn thành trong tháng 4/2027.",
            "",
            "b) Chủ trì, phối hợp với Công an huyện, Phòng Kinh tế thành lập đoàn kiểm tra.",
            "",
            "2. Công an huyện: Phối hợp với Phòng Y tế xử lý vi phạm.",
        ],
    )
    assert [(t.number, t.lead, t.coordinate, t.deadline_text) for t in plan.tasks] == [
        ("a", ["Phòng Y tế huyện"], [], "trong tháng 4/2027"),
        ("b", ["Phòng Y tế huyện"], ["Công an huyện", "Phòng Kinh tế"], ""),
        ("2", ["Công an huyện"], ["Phòng Y tế"], ""),
    ]


def test_assignment_paragraph_under_an_item(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "II. NHIỆM VỤ",
            "",
            "1. Rà soát thủ tục hành chính",
            "",
            "Giao Văn phòng HĐND và UBND huyện chủ trì, phối hợp với các phòng chuyên môn thực"
            " hiện; hoàn thành trong quý III/2027.",
        ],
    )
    [task] = plan.tasks
    assert task.title == "Rà soát thủ tục hành chính"
    assert (task.lead, task.coordinate) == (
        ["Văn phòng HĐND và UBND huyện"],
        ["các phòng chuyên môn"],
    )
    assert task.deadline_text == "trong quý III/2027"


def test_wrapped_text_without_blank_lines_keeps_a_heading_apart():
    lines = [
        "1. Mục đích chung",
        "Nâng cao nhận thức của người dân về pháp luật giao thông đường bộ và trật tự an",
        "toàn xã hội trên địa bàn huyện, bảo đảm mọi người dân đều được tiếp cận với các",
        "quy định mới của pháp luật về an toàn giao thông và phòng chống cháy nổ tại nơi",
        "ở, nơi làm việc.",
        "2. Tổ chức tập huấn cho cán bộ làm công tác văn thư của các cơ quan chuyên môn",
        "thuộc Ủy ban nhân dân huyện, các đơn vị sự nghiệp và Ủy ban nhân dân các xã",
        "trên địa bàn huyện",
        "- Cơ quan chủ trì: Phòng Nội vụ.",
    ]
    blocks = [Block(i, text, raw=text) for i, text in enumerate(lines, start=1)]
    assert [b.text[:30] for b in join_wrapped_lines(blocks)] == [
        "1. Mục đích chung",
        "Nâng cao nhận thức của người d",
        "2. Tổ chức tập huấn cho cán bộ",
        "- Cơ quan chủ trì: Phòng Nội v",
    ]


def test_a_duty_wrapped_once_keeps_its_whole_title(tmp_path):
    plan = plan_of(
        tmp_path,
        [
            "I. NHIỆM VỤ",
            "1. Phòng Tài nguyên",
            "- Khảo sát các điểm sạt lở ven",
            "sông trước mùa mưa bão.",
            "Kết quả gửi về Văn phòng.",
        ],
    )
    [task] = plan.tasks
    assert task.title == "Khảo sát các điểm sạt lở ven sông trước mùa mưa bão."
    assert task.details == ["Kết quả gửi về Văn phòng."]
