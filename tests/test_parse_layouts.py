"""Layouts the seeds do not show but real plans do: two-row headers, merged cells, column
numbering rows, several labels on one line, other column orders and names."""

from __future__ import annotations

import docx
import xlsxwriter

from kehoach_xlsx import read_plan


def write(tmp_path, name, text):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_two_row_header_and_column_numbers(tmp_path):
    text = "\n".join(
        [
            "PHỤ LỤC",
            "STT\tNội dung công việc\tĐơn vị thực hiện\t\tThời gian hoàn thành\tKết quả/sản phẩm",
            "\t\tChủ trì\tPhối hợp\t\t",
            "(1)\t(2)\t(3)\t(4)\t(5)\t(6)",
            "I\tCÔNG TÁC CHỈ ĐẠO\t\t\t\t",
            "1\tBan hành kế hoạch năm\tVăn phòng HĐND và UBND\tCác phòng chuyên môn\tQuý I/2027\tKế hoạch",
            "2\tTổ chức hội nghị sơ kết\tPhòng Văn hóa - Xã hội\tCông an xã\t30/6/2027\tBáo cáo sơ kết",
        ]
    )
    plan = read_plan(write(tmp_path, "hai-dong.txt", text))
    assert [t.id for t in plan.tasks] == ["I.1", "I.2"]
    first = plan.tasks[0]
    assert first.lead == ["Văn phòng HĐND và UBND"]
    assert first.coordinate == ["Các phòng chuyên môn"]
    assert first.deadline_text == "Quý I/2027" and first.outputs == ["Kế hoạch"]
    assert not [w for w in plan.warnings if w.code in {"missing_number", "unused_text"}]


def test_several_labels_on_one_line_and_longer_label(tmp_path):
    text = "\n".join(
        [
            "II. NHIỆM VỤ CỤ THỂ",
            "1. Rà soát thủ tục hành chính",
            "- Chủ trì: Văn phòng HĐND và UBND; phối hợp: Phòng Kinh tế; thời gian: Quý IV năm 2026.",
            "2. Tuyên truyền pháp luật",
            "- Cơ quan chủ trì thực hiện: Phòng Văn hóa - Xã hội",
            "- Sản phẩm: Tin, bài tuyên truyền",
        ]
    )
    plan = read_plan(write(tmp_path, "nhan.txt", text))
    first, second = plan.tasks
    assert first.lead == ["Văn phòng HĐND và UBND"]
    assert first.coordinate == ["Phòng Kinh tế"]
    assert first.deadline_text == "Quý IV năm 2026."
    assert second.lead == ["Phòng Văn hóa - Xã hội"] and second.outputs == ["Tin, bài tuyên truyền"]


def test_docx_vertically_merged_lead_applies_to_each_task(tmp_path):
    document = docx.Document()
    document.add_paragraph("PHỤ LỤC PHÂN CÔNG NHIỆM VỤ")
    table = document.add_table(rows=4, cols=5)
    header = ["TT", "Nhiệm vụ", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"]
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = text
    rows = [
        ("1", "Kiểm tra hộ tịch", "Công an phường", "Thường xuyên"),
        ("2", "Rà soát cư trú", "", "Quý III/2026"),
        ("3", "Tuyên truyền phòng cháy", "", "Hằng năm"),
    ]
    for index, (number, title, partner, when) in enumerate(rows, start=1):
        cells = table.rows[index].cells
        cells[0].text, cells[1].text, cells[3].text, cells[4].text = number, title, partner, when
    merged = table.cell(1, 2).merge(table.cell(3, 2))
    merged.text = "Văn phòng HĐND và UBND"
    path = tmp_path / "gop-o.docx"
    document.save(path)
    plan = read_plan(path)
    assert [t.lead for t in plan.tasks] == [["Văn phòng HĐND và UBND"]] * 3
    assert [t.deadline_text for t in plan.tasks] == ["Thường xuyên", "Quý III/2026", "Hằng năm"]


def test_xlsx_merged_cells_and_other_column_order(tmp_path):
    path = tmp_path / "phu-luc.xlsx"
    workbook = xlsxwriter.Workbook(path)
    sheet = workbook.add_worksheet("Phụ lục")
    sheet.merge_range(0, 0, 0, 5, "PHỤ LỤC NHIỆM VỤ NĂM 2027")
    sheet.write_row(
        2, 0, ["Số TT", "Tên nhiệm vụ", "Thời hạn", "Đơn vị chủ trì", "Đơn vị phối hợp", "Sản phẩm"]
    )
    sheet.merge_range(3, 0, 3, 5, "A. CẢI CÁCH HÀNH CHÍNH")
    sheet.write_row(
        4,
        0,
        [1, "Số hoá hồ sơ", "Tháng 3/2027", "Trung tâm Phục vụ hành chính công", "", "Báo cáo"],
    )
    sheet.write_row(
        5, 0, [2, "Niêm yết thủ tục", "Tháng 4/2027", None, "Văn phòng HĐND và UBND", "Thông báo"]
    )
    sheet.merge_range(4, 3, 5, 3, "Trung tâm Phục vụ hành chính công")
    sheet.write_string(6, 0, "3")
    sheet.write_string(6, 1, '=HYPERLINK("http://x")')
    sheet.write_string(6, 3, "Công an phường")
    workbook.close()
    plan = read_plan(path)
    assert [t.id for t in plan.tasks] == ["A.1", "A.2", "A.3"]
    assert plan.tasks[1].lead == ["Trung tâm Phục vụ hành chính công"]
    assert plan.tasks[1].deadline_text == "Tháng 4/2027"
    assert plan.tasks[2].title == '=HYPERLINK("http://x")'  # kept as text, never evaluated
    assert [w.code for w in plan.warnings if w.code == "no_lead"] == []


def test_legacy_tcvn3_text_file_is_converted(tmp_path):
    from kehoach_xlsx.legacy import from_unicode

    text = "\n".join(
        [
            "II. NHIỆM VỤ",
            "1. Rà soát văn bản quy phạm pháp luật",
            "- Cơ quan chủ trì: Văn phòng HĐND và UBND",
            "- Thời gian thực hiện: Quý IV năm 2026",
        ]
    )
    path = tmp_path / "cu.txt"
    path.write_bytes(from_unicode(text, "tcvn3").encode("latin-1"))
    plan = read_plan(path)
    assert [w.code for w in plan.warnings] == ["legacy_encoding"]
    assert plan.tasks[0].title == "Rà soát văn bản quy phạm pháp luật"
    assert plan.tasks[0].deadline_text == "Quý IV năm 2026"


def test_assignment_in_parentheses_on_items_and_bullets(tmp_path):
    text = "\n".join(
        [
            "II. NHIỆM VỤ TRỌNG TÂM (gồm 03 nhiệm vụ)",
            "1. Tổ chức hội nghị quán triệt Kế hoạch (Chủ trì: Văn phòng HĐND và UBND; "
            "thời gian: Quý III/2026).",
            "2. Đẩy mạnh tuyên truyền pháp luật:",
            "- Tuyên truyền trên hệ thống truyền thanh (Đơn vị chủ trì: Trung tâm Dịch vụ sự "
            "nghiệp công; phối hợp: Phòng Văn hóa - Xã hội; thời gian: thường xuyên)",
            "- Tổ chức Ngày Pháp luật (Chủ trì: Phòng Văn hóa - Xã hội; thời gian: tháng 11/2026)",
            "Các đơn vị báo cáo kết quả về Văn phòng.",
        ]
    )
    plan = read_plan(write(tmp_path, "ngoac.txt", text))
    assert [(t.id, t.title, t.lead, t.deadline_text) for t in plan.tasks] == [
        (
            "II.1",
            "Tổ chức hội nghị quán triệt Kế hoạch",
            ["Văn phòng HĐND và UBND"],
            "Quý III/2026",
        ),
        (
            "II.2.(1)",
            "Tuyên truyền trên hệ thống truyền thanh",
            ["Trung tâm Dịch vụ sự nghiệp công"],
            "thường xuyên",
        ),
        ("II.2.(2)", "Tổ chức Ngày Pháp luật", ["Phòng Văn hóa - Xã hội"], "tháng 11/2026"),
    ]
    assert plan.tasks[1].coordinate == ["Phòng Văn hóa - Xã hội"]
    section = next(s for s in plan.sections if s.id == "II.2")
    assert "Các đơn vị báo cáo kết quả về Văn phòng." in section.text
    assert next(s for s in plan.sections if s.id == "II").declared_count == 3
    assert not [w for w in plan.warnings if w.code in {"count_mismatch", "no_lead", "unused_text"}]


def test_docx_header_table_of_a_real_plan(tmp_path):
    """Word plans print issuer | motto and number | place-date in a borderless table."""
    document = docx.Document()
    header = document.add_table(rows=2, cols=2)
    header.cell(0, 0).text = "ỦY BAN NHÂN DÂN\nPHƯỜNG AN BIÊN\n-------"
    header.cell(
        0, 1
    ).text = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc\n---------------"
    header.cell(1, 0).text = "Số: 143/KH-UBND"
    header.cell(1, 1).text = "An Biên, ngày 20 tháng 4 năm 2026"
    for text in (
        "KẾ HOẠCH",
        "Triển khai công tác phổ biến, giáo dục pháp luật năm 2026",
        "I. NHIỆM VỤ",
        "1. Tổ chức hội nghị phổ biến pháp luật",
        "- Cơ quan chủ trì: Văn phòng HĐND và UBND",
    ):
        document.add_paragraph(text)
    path = tmp_path / "ke-hoach.docx"
    document.save(path)
    plan = read_plan(path)
    meta = plan.meta
    assert meta.issuer == "ỦY BAN NHÂN DÂN PHƯỜNG AN BIÊN"
    assert (meta.number, meta.place, meta.date.isoformat()) == (
        "143/KH-UBND",
        "An Biên",
        "2026-04-20",
    )
    assert meta.title == "Triển khai công tác phổ biến, giáo dục pháp luật năm 2026"
    assert [t.id for t in plan.tasks] == ["I.1"]
    assert not plan.warnings


def test_number_and_date_on_one_line(tmp_path):
    text = "\n".join(
        [
            "ỦY BAN NHÂN DÂN             CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Số: 69 /KH-UBND        P. Nguyễn Đại Năng, ngày 27 tháng 10 năm 2025",
            "KẾ HOẠCH",
            "Xây dựng mô hình tổ dân phố văn hóa",
        ]
    )
    plan = read_plan(write(tmp_path, "mot-dong.txt", text))
    assert plan.meta.number == "69/KH-UBND"
    assert plan.meta.issuer == "ỦY BAN NHÂN DÂN"
    assert plan.meta.date.isoformat() == "2025-10-27"
    assert plan.meta.place == "P. Nguyễn Đại Năng"
    assert plan.meta.title == "Xây dựng mô hình tổ dân phố văn hóa"


def test_roles_marked_inside_one_unit_cell(tmp_path):
    text = "\n".join(
        [
            "TT\tNội dung\tĐơn vị thực hiện\tThời gian",
            "1\tTuần tra bảo vệ an ninh\tCông an xã (chủ trì); Ban Chỉ huy Quân sự (phối hợp)\tThường xuyên",
        ]
    )
    plan = read_plan(write(tmp_path, "vai-tro.txt", text))
    task = plan.tasks[0]
    assert task.lead == ["Công an xã"] and task.coordinate == ["Ban Chỉ huy Quân sự"]


def test_table_without_a_number_column(tmp_path):
    text = "\n".join(
        [
            "Nội dung công việc\tĐơn vị chủ trì\tĐơn vị phối hợp\tThời gian",
            "Ban hành kế hoạch tuyên truyền\tVăn phòng HĐND và UBND\tCông an xã\tQuý I/2027",
            "Tổ chức hội nghị\tPhòng Văn hóa - Xã hội\t\tQuý II/2027",
            "và sơ kết 6 tháng\t\t\t",
        ]
    )
    plan = read_plan(write(tmp_path, "khong-tt.txt", text))
    assert [(t.number, t.title) for t in plan.tasks] == [
        ("1", "Ban hành kế hoạch tuyên truyền"),
        ("2", "Tổ chức hội nghị và sơ kết 6 tháng"),
    ]
    assert not [w for w in plan.warnings if w.code == "missing_number"]
