"""Assignment tables read by column role, not position, on short invented tables.

Each shape is written four ways — tab-separated text (what a text conversion gives), a
Markdown pipe table with emphasised header cells, a Word table with bold header runs and a
workbook sheet — and all four must give the same tasks.
"""

from __future__ import annotations

import docx
import pytest
import xlsxwriter

from kehoach_xlsx import read_plan
from kehoach_xlsx.parse.blocks import is_bold_markup
from kehoach_xlsx.parse.layouts.table_columns import align_short_row, assign_roles
from kehoach_xlsx.parse.layouts.table_units import split_cell_units
from kehoach_xlsx.parse.loaders import read_docx_blocks, text_line_block

FORMATS = ("txt", "md", "docx", "xlsx")


def write_plan(tmp_path, name: str, items: list, fmt: str, header_rows: int = 1):
    """items: paragraphs (str) and table rows (list of cells); a run of rows is one table.

    The first header_rows rows of each table are its header, printed bold (Markdown "**",
    Word bold runs, a bold cell format in a workbook).
    """
    path = tmp_path / f"{name}.{fmt}"
    if fmt == "xlsx":
        workbook = xlsxwriter.Workbook(str(path))
        sheet = workbook.add_worksheet("Phụ lục")
        bold = workbook.add_format({"bold": True})
        row_index, table_row = 0, 0
        for item in items:
            if isinstance(item, str):
                sheet.write_string(row_index, 0, item)
                table_row = 0
            else:
                for c, text in enumerate(item):
                    if text:
                        style = bold if table_row < header_rows else None
                        sheet.write_string(row_index, c, text, style)
                table_row += 1
            row_index += 1
        workbook.close()
        return path
    if fmt == "docx":
        document = docx.Document()
        for group in _groups(items):
            if isinstance(group, str):
                document.add_paragraph(group)
                continue
            width = max(len(r) for r in group)
            table = document.add_table(rows=len(group), cols=width)
            for r, row in enumerate(group):
                for c, text in enumerate(row):
                    if text:
                        run = table.rows[r].cells[c].paragraphs[0].add_run(text)
                        run.bold = r < header_rows
        document.save(str(path))
        return path
    lines: list[str] = []
    for group in _groups(items):
        if isinstance(group, str):
            lines.append(group)
            continue
        for r, row in enumerate(group):
            bold = r < header_rows
            if fmt == "txt":
                lines.append("\t".join(row))
                continue
            cells = [f"**{c}**" if bold and c else c for c in row]
            lines.append("| " + " | ".join(cells) + " |")
            if r == 0:
                lines.append("|" + "---|" * len(row))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _groups(items: list) -> list:
    groups: list = []
    for item in items:
        if isinstance(item, str):
            groups.append(item)
        elif groups and isinstance(groups[-1], list):
            groups[-1].append(item)
        else:
            groups.append([item])
    return groups


def tasks_of(plan):
    return [(t.number, t.title, t.lead, t.coordinate, t.deadline_text) for t in plan.tasks]


@pytest.mark.parametrize("fmt", FORMATS)
def test_extra_columns_and_deadline_last(tmp_path, fmt):
    """A person, funding and notes never take the place of a unit; the deadline comes last."""
    rows = [
        ["STT", "Nhiệm vụ", "Người đứng đầu", "Cơ quan chủ trì", "Cơ quan phối hợp",
         "Nguồn kinh phí", "Ghi chú", "Thời hạn"],
        ["1", "Xây dựng cổng dữ liệu mở của huyện", "Giám đốc Trung tâm Tin học",
         "Trung tâm Tin học", "Phòng Tài chính; Văn phòng UBND", "Ngân sách huyện", "",
         "Tháng 12/2026"],
        ["2", "Tập huấn kỹ năng số cho công chức xã", "Chánh Văn phòng UBND",
         "Văn phòng UBND", "Trung tâm Tin học", "Xã hội hóa", "lặp lại hằng năm",
         "Quý III/2026"],
    ]  # fmt: skip
    plan = read_plan(write_plan(tmp_path, "cot-them", rows, fmt))
    assert tasks_of(plan) == [
        ("1", "Xây dựng cổng dữ liệu mở của huyện", ["Trung tâm Tin học"],
         ["Phòng Tài chính", "Văn phòng UBND"], "Tháng 12/2026"),
        ("2", "Tập huấn kỹ năng số cho công chức xã", ["Văn phòng UBND"],
         ["Trung tâm Tin học"], "Quý III/2026"),
    ]  # fmt: skip
    # the other columns are kept with the task, labelled by their header
    assert "Người đứng đầu: Giám đốc Trung tâm Tin học" in plan.tasks[0].details
    assert "Nguồn kinh phí: Ngân sách huyện" in plan.tasks[0].details


@pytest.mark.parametrize("fmt", FORMATS)
def test_second_numbering_column(tmp_path, fmt):
    """ "TT" then "1.1": the finer number is the task's, the group rows stay sections."""
    rows = [
        ["TT", "Số hiệu", "Nhiệm vụ cụ thể", "Cơ quan chủ trì", "Cơ quan phối hợp",
         "Thời gian hoàn thành"],
        ["I", "", "HOÀN THIỆN THỂ CHẾ", "", "", ""],
        ["1", "1.1", "Rà soát quy chế làm việc của cơ quan", "Văn phòng Sở",
         "Phòng Tổ chức cán bộ", "Tháng 3/2026"],
        ["2", "1.2", "Cập nhật dữ liệu cán bộ, công chức", "Phòng Tổ chức cán bộ",
         "Văn phòng Sở", "Quý II/2026"],
    ]  # fmt: skip
    plan = read_plan(write_plan(tmp_path, "hai-so", rows, fmt))
    assert [(t.number, t.title, t.lead) for t in plan.tasks] == [
        ("1.1", "Rà soát quy chế làm việc của cơ quan", ["Văn phòng Sở"]),
        ("1.2", "Cập nhật dữ liệu cán bộ, công chức", ["Phòng Tổ chức cán bộ"]),
    ]
    group = next(s for s in plan.sections if s.number == "I")
    assert group.title == "HOÀN THIỆN THỂ CHẾ"
    assert {t.section for t in plan.tasks} == {group.id}


@pytest.mark.parametrize("fmt", FORMATS)
def test_header_word_over_a_number_column(tmp_path, fmt):
    """ "Nhiệm vụ" printed over the sub-number column: the text column is found by its cells."""
    rows = [
        ["TT", "Nhiệm vụ", "", "Chủ trì", "Thời hạn"],
        ["1", "1.1", "Số hóa hồ sơ hộ tịch lưu trữ tại xã", "Phòng Tư pháp", "Năm 2026"],
        ["2", "1.2", "Kiểm tra việc cấp bản sao điện tử", "Thanh tra huyện", "Quý IV/2026"],
    ]
    plan = read_plan(write_plan(tmp_path, "lech-cot", rows, fmt))
    assert tasks_of(plan) == [
        ("1.1", "Số hóa hồ sơ hộ tịch lưu trữ tại xã", ["Phòng Tư pháp"], [], "Năm 2026"),
        ("1.2", "Kiểm tra việc cấp bản sao điện tử", ["Thanh tra huyện"], [], "Quý IV/2026"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_task_header_found_from_cells(tmp_path, fmt):
    rows = [
        ["STT", "Tên đề án, dự án", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian trình"],
        ["1", "Đề án phát triển du lịch cộng đồng ven sông", "Phòng Văn hóa",
         "Phòng Tài chính", "Năm 2026"],
        ["2", "Dự án số hóa hiện vật của nhà truyền thống", "Nhà Văn hóa huyện",
         "Trung tâm Tin học", "Năm 2027"],
    ]  # fmt: skip
    plan = read_plan(write_plan(tmp_path, "ten-la", rows, fmt))
    assert [(t.number, t.title, t.lead, t.deadline_text) for t in plan.tasks] == [
        ("1", "Đề án phát triển du lịch cộng đồng ven sông", ["Phòng Văn hóa"], "Năm 2026"),
        ("2", "Dự án số hóa hiện vật của nhà truyền thống", ["Nhà Văn hóa huyện"], "Năm 2027"),
    ]


@pytest.mark.parametrize("fmt", FORMATS)
def test_table_without_header(tmp_path, fmt):
    rows = [
        ["1", "Tuyên truyền về chuyển đổi số trên đài truyền thanh xã", "Văn phòng UBND xã",
         "Đài Truyền thanh xã, Đoàn Thanh niên xã", "Quý I/2026"],
        ["2", "Kiểm tra việc thực hiện quy chế dân chủ ở thôn", "Ban Thanh tra nhân dân",
         "Công an xã", "Tháng 9/2026"],
        ["3", "Báo cáo sơ kết sáu tháng thực hiện kế hoạch", "Văn phòng UBND xã",
         "Các ban, ngành có liên quan", "30/6/2026"],
    ]  # fmt: skip
    plan = read_plan(write_plan(tmp_path, "khong-tieu-de", rows, fmt, header_rows=0))
    assert tasks_of(plan) == [
        ("1", "Tuyên truyền về chuyển đổi số trên đài truyền thanh xã", ["Văn phòng UBND xã"],
         ["Đài Truyền thanh xã", "Đoàn Thanh niên xã"], "Quý I/2026"),
        ("2", "Kiểm tra việc thực hiện quy chế dân chủ ở thôn", ["Ban Thanh tra nhân dân"],
         ["Công an xã"], "Tháng 9/2026"),
        ("3", "Báo cáo sơ kết sáu tháng thực hiện kế hoạch", ["Văn phòng UBND xã"],
         ["Các ban, ngành có liên quan"], "30/6/2026"),
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
def test_two_row_header_with_unknown_upper_word(tmp_path, fmt):
    rows = [
        ["STT", "Nội dung", "Trách nhiệm", "", "Thời gian"],
        ["", "", "Chủ trì", "Phối hợp", ""],
        ["1", "Rà soát thủ tục hành chính cấp xã", "Phòng Tư pháp", "Văn phòng UBND", "Quý II"],
        ["2", "Đánh giá chỉ số hài lòng của người dân", "Phòng Nội vụ", "Các xã, thị trấn",
         "Quý IV"],
    ]  # fmt: skip
    plan = read_plan(write_plan(tmp_path, "hai-dong", rows, fmt, header_rows=2))
    assert not [w for w in plan.warnings if w.code in {"missing_number", "unused_text"}]
    assert tasks_of(plan) == [
        ("1", "Rà soát thủ tục hành chính cấp xã", ["Phòng Tư pháp"], ["Văn phòng UBND"],
         "Quý II"),
        ("2", "Đánh giá chỉ số hài lòng của người dân", ["Phòng Nội vụ"],
         ["Các xã, thị trấn"], "Quý IV"),
    ]  # fmt: skip


@pytest.mark.parametrize("fmt", FORMATS)
def test_appendix_groups_reusing_body_numbers_keep_their_titles(tmp_path, fmt):
    items = [
        "KẾ HOẠCH",
        "Chuyển đổi số trong công tác văn thư năm 2026",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "Nâng cao chất lượng xử lý văn bản điện tử.",
        "II. NHIỆM VỤ",
        "Các nhiệm vụ cụ thể tại Phụ lục kèm theo.",
        "III. TỔ CHỨC THỰC HIỆN",
        "Các đơn vị triển khai nghiêm túc kế hoạch này.",
        "PHỤ LỤC",
        ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian"],
        ["I", "NHÓM GIẢI PHÁP VỀ QUY ĐỊNH", "", "", ""],
        ["1", "Rà soát quy định về lưu trữ điện tử", "Phòng Nội vụ", "Phòng Tư pháp", "Quý I"],
        ["II", "NHÓM GIẢI PHÁP VỀ HẠ TẦNG", "", "", ""],
        ["1", "Nâng cấp phòng máy chủ của huyện", "Trung tâm Tin học", "Phòng Tài chính",
         "Quý III"],
    ]  # fmt: skip
    plan = read_plan(write_plan(tmp_path, "ke-hoach", items, fmt))
    titles = {s.id: s.title for s in plan.sections}
    assert [titles[t.section] for t in plan.tasks] == [
        "NHÓM GIẢI PHÁP VỀ QUY ĐỊNH",
        "NHÓM GIẢI PHÁP VỀ HẠ TẦNG",
    ]
    assert len({s.id for s in plan.sections}) == len(plan.sections)


def test_appendix_in_its_own_file_keeps_its_titles(tmp_path):
    body = tmp_path / "ke-hoach.txt"
    body.write_text("KẾ HOẠCH\nThử nghiệm\nI. MỤC ĐÍCH\nNâng cao.\nII. NHIỆM VỤ\nTheo phụ lục.\n")
    appendix = tmp_path / "phu-luc.txt"
    appendix.write_text(
        "TT\tNhiệm vụ\tCơ quan chủ trì\tThời gian\n"
        "I\tNHÓM VIỆC THỨ NHẤT\t\t\n"
        "1\tLập danh mục dữ liệu dùng chung\tPhòng Nội vụ\tQuý I\n"
    )
    plan = read_plan(body, appendix)
    section = next(s for s in plan.sections if s.id == plan.tasks[0].section)
    assert section.title == "NHÓM VIỆC THỨ NHẤT"


def test_short_sub_row_goes_to_the_columns_it_fits():
    """A sub-row a conversion wrote without its merged cells: units move under their columns."""
    rows = [["1", "Đề án tuyên truyền phân loại rác", "Hội Phụ nữ", "Đài Truyền thanh", "2027"]]
    rows += [["Đoàn Thanh niên", "Trường học trên địa bàn"]]
    roles = assign_roles({"number": 0, "title": 1, "lead": 2, "coordinate": 3, "deadline": 4}, rows)
    assert align_short_row(rows[1], roles, 5) == ["", "", *rows[1]]
    # a line that goes on with the task text is not moved
    assert align_short_row(["và sơ kết 6 tháng"], roles, 5) == ["và sơ kết 6 tháng"]


def test_short_sub_row_in_text_table(tmp_path):
    text = (
        "TT\tNhiệm vụ\tChủ trì\tPhối hợp\tThời hạn\n"
        "1\tĐề án tuyên truyền phân loại rác tại nguồn\tHội Phụ nữ huyện\tĐài Truyền thanh\t2027\n"
        "Đoàn Thanh niên huyện\tPhòng Giáo dục\n"
    )
    path = tmp_path / "phu-luc.txt"
    path.write_text(text, encoding="utf-8")
    task = read_plan(path).tasks[0]
    assert task.lead == ["Hội Phụ nữ huyện", "Đoàn Thanh niên huyện"]
    assert task.coordinate == ["Đài Truyền thanh", "Phòng Giáo dục"]
    assert task.title == "Đề án tuyên truyền phân loại rác tại nguồn"


def test_targets_table_is_not_tasks(tmp_path):
    text = (
        "TT\tChỉ tiêu\tĐơn vị\tKết quả\tCơ quan theo dõi\n"
        "1\tTỷ lệ hồ sơ xử lý trực tuyến trên tổng số hồ sơ\t%\t80\tVăn phòng UBND\n"
        "2\tTỷ lệ văn bản ký số trên tổng số văn bản đi\t%\t95\tVăn phòng UBND\n"
    )
    path = tmp_path / "chi-tieu.txt"
    path.write_text(text, encoding="utf-8")
    assert read_plan(path).tasks == []


def test_kind_lists_and_scope_in_unit_cells():
    assert split_cell_units("Các Phòng: Nội vụ, Tư pháp").split("\n") == ["Nội vụ", "Tư pháp"]
    assert split_cell_units("Các Phòng: Nội vụ; Tài chính, Kế hoạch. Văn phòng UBND").split(
        "\n"
    ) == ["Nội vụ", "Tài chính, Kế hoạch", "Văn phòng UBND"]
    assert split_cell_units("Phòng Nội vụ với các quy định nội bộ") == "Phòng Nội vụ"


def test_marks_in_the_document_model(tmp_path):
    assert is_bold_markup("**Cơ quan** **chủ trì**")
    assert is_bold_markup("<b>STT</b>")
    assert not is_bold_markup("**1. Mục tiêu** chung")
    row = text_line_block(1, "**STT**\t**Nội dung**\t")
    assert row.bold and row.cell_bold == [True, True, False]
    assert text_line_block(2, "## II. NHIỆM VỤ").heading_level == 2
    document = docx.Document()
    document.add_heading("NHIỆM VỤ TRỌNG TÂM", level=1)
    document.add_paragraph().add_run("Cơ quan chủ trì:").bold = True
    document.add_paragraph("Văn bản thường")
    table = document.add_table(rows=1, cols=2)
    table.rows[0].cells[0].paragraphs[0].add_run("STT").bold = True
    table.rows[0].cells[1].paragraphs[0].add_run("Nội dung")
    path = tmp_path / "dau.docx"
    document.save(str(path))
    blocks = read_docx_blocks(path, [])
    assert [(b.heading_level, b.bold) for b in blocks[:3]] == [(1, False), (None, True),
                                                                (None, False)]  # fmt: skip
    assert blocks[3].cell_bold == [True, False] and not blocks[3].bold


@pytest.mark.parametrize("fmt", FORMATS)
def test_repeated_two_row_header_groups_and_restarting_numbers(tmp_path, fmt):
    header = [["TT", "Nội dung", "Thực hiện", "", "Thời gian"], ["", "", "Chủ trì", "Phối hợp", ""]]
    rows = [
        *header,
        ["A", "NHIỆM VỤ CHUNG", "", "", ""],
        ["I", "TUYÊN TRUYỀN", "", "", ""],
        ["1", "In tờ gấp hướng dẫn dịch vụ công", "Phòng Văn hóa", "Bưu điện huyện", "Quý I"],
        *header,  # printed again at the top of the next page
        ["II", "KIỂM TRA", "", "", ""],
        ["1", "Kiểm tra bộ phận một cửa các xã", "Văn phòng UBND", "Phòng Nội vụ", "Quý III"],
    ]
    plan = read_plan(write_plan(tmp_path, "lap-tieu-de", rows, fmt, header_rows=2))
    assert [(t.id, t.lead, t.coordinate) for t in plan.tasks] == [
        ("A.I.1", ["Phòng Văn hóa"], ["Bưu điện huyện"]),
        ("A.II.1", ["Văn phòng UBND"], ["Phòng Nội vụ"]),
    ]
    assert not [w for w in plan.warnings if w.code in {"unused_text", "missing_number"}]


@pytest.mark.parametrize("fmt", FORMATS)
def test_start_and_end_under_one_time_header(tmp_path, fmt):
    """ "Thời gian thực hiện" over "Bắt đầu | Hoàn thành": the end is the deadline."""
    rows = [
        ["STT", "Nội dung công việc", "Đơn vị chủ trì", "Thời gian thực hiện", ""],
        ["", "", "", "Bắt đầu", "Hoàn thành"],
        [
            "1",
            "Khảo sát nhu cầu đào tạo kỹ năng số",
            "Phòng Nội vụ",
            "Tháng 2/2026",
            "Tháng 5/2026",
        ],
    ]
    plan = read_plan(write_plan(tmp_path, "bat-dau", rows, fmt, header_rows=2))
    assert [(t.number, t.deadline_text) for t in plan.tasks] == [("1", "Tháng 5/2026")]
    assert "Bắt đầu: Tháng 2/2026" in plan.tasks[0].details
    assert not [w for w in plan.warnings if w.code in {"missing_number", "unused_text"}]


def test_header_cell_spanning_two_columns_written_once(tmp_path):
    """A text conversion writes "Nhiệm vụ" (over "1.1 | text") once: the header words right
    of it sit one column left of their cells. The cells put them back."""
    text = (
        "TT\tNhiệm vụ\tChủ trì\tPhối hợp\tNgười đứng đầu\tThời hạn\n"
        "1\t1.1\tLập danh mục dữ liệu mở của huyện\tPhòng Nội vụ\tPhòng Tư pháp\t"
        "Trưởng phòng Nội vụ\tTháng 3/2026\n"
        "2\t1.2\tCông bố dữ liệu mở trên cổng thông tin\tVăn phòng UBND\tTrung tâm Tin học\t"
        "Chánh Văn phòng\tQuý II/2026\n"
    )
    path = tmp_path / "lech.txt"
    path.write_text(text, encoding="utf-8")
    plan = read_plan(path)
    assert tasks_of(plan) == [
        ("1.1", "Lập danh mục dữ liệu mở của huyện", ["Phòng Nội vụ"], ["Phòng Tư pháp"],
         "Tháng 3/2026"),
        ("1.2", "Công bố dữ liệu mở trên cổng thông tin", ["Văn phòng UBND"],
         ["Trung tâm Tin học"], "Quý II/2026"),
    ]  # fmt: skip
    assert "Người đứng đầu: Trưởng phòng Nội vụ" in plan.tasks[0].details


@pytest.mark.parametrize("fmt", ["md", "docx"])  # calamine gives no cell formats
def test_bold_group_row_without_number(tmp_path, fmt):
    """A row holding only a bold title is a group heading, not the end of the task above."""
    rows = [
        ["TT", "Nhiệm vụ", "Chủ trì", "Thời hạn"],
        ["1", "Mở chuyên mục hỏi đáp trên trang tin", "Văn phòng UBND", "Quý I"],
        ["", "Nhóm việc về đào tạo", "", ""],
        ["2", "Mở lớp bồi dưỡng kỹ năng số", "Phòng Nội vụ", "Quý II"],
    ]
    path = write_plan(tmp_path, "nhom-dam", rows, fmt)
    if fmt == "md":  # the group row printed bold
        path.write_text(
            path.read_text().replace("Nhóm việc về đào tạo", "**Nhóm việc về đào tạo**")
        )
    else:
        document = docx.Document(str(path))
        for run in document.tables[0].rows[2].cells[1].paragraphs[0].runs:
            run.bold = True
        document.save(str(path))
    plan = read_plan(path)
    assert [t.title for t in plan.tasks] == [
        "Mở chuyên mục hỏi đáp trên trang tin",
        "Mở lớp bồi dưỡng kỹ năng số",
    ]
    assert "Nhóm việc về đào tạo" in [s.title for s in plan.sections]


@pytest.mark.parametrize("header_rows", [1, 0])
@pytest.mark.parametrize("fmt", FORMATS)
def test_list_of_members_is_not_a_task_table(tmp_path, fmt, header_rows):
    """Numbers, a long cell and a unit are not enough: a list of members assigns nothing."""
    rows = [
        ["1", "Hoàng Văn Minh", "Phó Chủ tịch UBND huyện, Trưởng ban chỉ đạo", "UBND huyện"],
        ["2", "Đỗ Thị Lan", "Trưởng phòng Nội vụ, Phó Trưởng ban thường trực", "Phòng Nội vụ"],
        ["3", "Vũ Văn Hải", "Chánh Văn phòng HĐND và UBND huyện, thành viên", "Văn phòng UBND"],
    ]
    if header_rows:
        rows.insert(0, ["STT", "Họ và tên", "Chức vụ", "Đơn vị"])
    items = ["KẾ HOẠCH", "Thử nghiệm", "I. THÀNH PHẦN BAN CHỈ ĐẠO", *rows]
    plan = read_plan(write_plan(tmp_path, "thanh-vien", items, fmt, header_rows=header_rows))
    assert plan.tasks == []


def _numbered(paragraph, num_id: int, level: int = 0) -> None:
    """Give a python-docx paragraph Word's automatic numbering (w:numPr)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    props = paragraph._p.get_or_add_pPr()
    numbering = OxmlElement("w:numPr")
    for tag, value in (("w:ilvl", level), ("w:numId", num_id)):
        element = OxmlElement(tag)
        element.set(qn("w:val"), str(value))
        numbering.append(element)
    props.append(numbering)


def test_word_automatic_numbers_are_read(tmp_path):
    """An "STT" column numbered by Word (nothing typed in the cells) reads like typed numbers."""
    document = docx.Document()
    list_id = document.styles["List Number"].element.pPr.numPr.numId.val
    rows = [
        ("STT", "Nhiệm vụ", "Cơ quan chủ trì", "Thời hạn"),
        ("", "Lập danh mục thủ tục trực tuyến toàn trình", "Văn phòng UBND", "Quý I"),
        ("", "Rà soát quy trình nội bộ giải quyết hồ sơ", "Phòng Tư pháp", "Quý II"),
    ]
    table = document.add_table(rows=len(rows), cols=4)
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            paragraph = table.rows[r].cells[c].paragraphs[0]
            paragraph.add_run(text)
            if r and c == 0:
                _numbered(paragraph, list_id)
    path = tmp_path / "so-tu-dong.docx"
    document.save(str(path))
    plan = read_plan(path)
    assert [(t.number, t.lead) for t in plan.tasks] == [
        ("1", ["Văn phòng UBND"]),
        ("2", ["Phòng Tư pháp"]),
    ]
    assert not [w for w in plan.warnings if w.code == "missing_number"]


def test_word_number_formats_and_levels(tmp_path):
    from kehoach_xlsx.parse.docx_numbering import _format

    assert [_format(n, "upperRoman") for n in (1, 4, 9, 14)] == ["I", "IV", "IX", "XIV"]
    assert [_format(n, "lowerLetter") for n in (1, 2, 27)] == ["a", "b", "aa"]
    assert _format(3, "decimalZero") == "03"
    document = docx.Document()
    list_id = document.styles["List Number"].element.pPr.numPr.numId.val
    for text, level in (("Mục một", 0), ("Ý thứ nhất", 1), ("Ý thứ hai", 1), ("Mục hai", 0)):
        _numbered(document.add_paragraph(text), list_id, level)
    _numbered(document.add_paragraph("Ý mới", style=None), list_id, 1)
    path = tmp_path / "muc.docx"
    document.save(str(path))
    texts = [b.text for b in read_docx_blocks(path, [])]
    assert texts[0].startswith("1") and texts[3].startswith("2")
    # the second level restarts under each item of the first
    assert texts[1].split()[0] == texts[4].split()[0] != texts[2].split()[0]


def test_damaged_word_numbering_does_not_stop_reading(tmp_path):
    from kehoach_xlsx.parse.docx_numbering import _format

    assert _format(10**9, "upperRoman") == str(10**9)  # no endless "MMMM…"
    document = docx.Document()
    list_id = document.styles["List Number"].element.pPr.numPr.numId.val
    paragraph = document.add_paragraph("Mục có cấp hỏng")
    _numbered(paragraph, list_id)
    paragraph._p.pPr.numPr.ilvl.set(
        "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}val", "x"
    )
    path = tmp_path / "hong.docx"
    document.save(str(path))
    assert read_docx_blocks(path, [])[0].text == "1. Mục có cấp hỏng"


def test_header_repeated_in_other_words_keeps_the_group(tmp_path):
    """After a page break the header comes back slightly reworded: the group goes on."""
    text = (
        "STT\tNội dung công việc\tĐơn vị chủ trì\tThời gian thực hiện\n"
        "I\tCÔNG TÁC TUYÊN TRUYỀN\t\t\n"
        "1\tIn áp phích về dịch vụ công trực tuyến\tPhòng Văn hóa\tQuý I\n"
        "TT\tNội dung\tChủ trì\tThời gian\n"
        "2\tPhát thanh chuyên mục hằng tuần\tĐài Truyền thanh\tHằng tuần\n"
        "\n"
        "Nội dung\tSTT\tThời gian\tChủ trì\n"
        "Lập sổ theo dõi\t1\tQuý II\tVăn phòng UBND\n"
    )
    path = tmp_path / "lap-lai.txt"
    path.write_text(text, encoding="utf-8")
    plan = read_plan(path)
    assert [(t.id, t.lead) for t in plan.tasks][:2] == [
        ("I.1", ["Phòng Văn hóa"]),
        ("I.2", ["Đài Truyền thanh"]),
    ]
    # a header with the columns in another order is another table
    assert plan.tasks[2].title == "Lập sổ theo dõi" and plan.tasks[2].lead == ["Văn phòng UBND"]
