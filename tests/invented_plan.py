"""One invented plan, written out as .txt, .docx (real Word tables) and .xlsx.

Every name and sentence here is made up for the tests (no real plan's wording). The plan has
a borderless header, prose sections, and an appendix table TT / Nội dung / Chủ trì / Phối hợp
/ Thời gian with group rows merged across the columns, one lead cell merged over two rows,
and enough rows to run over a page break (the header row repeats on the next page).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

HEADER = (
    ("ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("PHƯỜNG HOA SEN", "Độc lập - Tự do - Hạnh phúc"),
    ("Số: 27/KH-UBND", "Hoa Sen, ngày 12 tháng 3 năm 2026"),
)
TITLE = (
    "KẾ HOẠCH",
    "Số hóa sổ sách và dịch vụ công tại khu dân cư năm 2026",
)
BODY = (
    "Căn cứ tình hình thực tế của địa phương, Ủy ban nhân dân phường ban hành Kế hoạch số "
    "hóa sổ sách và dịch vụ công tại khu dân cư năm 2026 với các nội dung như sau:",
    "I. MỤC ĐÍCH, YÊU CẦU",
    "1. Mục đích",
    "Đưa toàn bộ sổ theo dõi của các tổ dân phố lên môi trường số, giảm giấy tờ cho người "
    "dân và rút ngắn thời gian giải quyết thủ tục tại bộ phận một cửa của phường.",
    "2. Yêu cầu",
    "Các đơn vị được giao nhiệm vụ chủ động triển khai, báo cáo kết quả đúng thời hạn; mỗi "
    "nhiệm vụ có sản phẩm cụ thể, có đơn vị chủ trì chịu trách nhiệm đến cùng.",
    "II. NHIỆM VỤ CỤ THỂ",
    "Phân công nhiệm vụ cụ thể tại Phụ lục kèm theo Kế hoạch này.",
    "III. TỔ CHỨC THỰC HIỆN",
    "Văn phòng HĐND và UBND phường theo dõi, tổng hợp kết quả thực hiện, báo cáo Chủ tịch "
    "Ủy ban nhân dân phường trước ngày 15 tháng 12 năm 2026.",
)
APPENDIX = (
    "PHỤ LỤC",
    "PHÂN CÔNG NHIỆM VỤ",
    "(Kèm theo Kế hoạch số 27/KH-UBND ngày 12/3/2026 của Ủy ban nhân dân phường Hoa Sen)",
)
COLUMNS = ("TT", "Nội dung", "Chủ trì", "Phối hợp", "Thời gian")
WIDTHS_CM = (1.2, 7.0, 3.4, 3.4, 2.5)


@dataclass(frozen=True)
class Row:
    number: str
    title: str
    lead: str = ""
    coordinate: str = ""
    deadline: str = ""

    @property
    def is_group(self) -> bool:
        return not self.lead

    @property
    def cells(self) -> list[str]:
        return [self.number, self.title, self.lead, self.coordinate, self.deadline]


_VERBS = (
    "Rà soát, phân loại",
    "Số hóa và cập nhật",
    "Hướng dẫn người dân sử dụng",
    "Tổ chức tập huấn về",
    "Kiểm tra, đối chiếu",
    "Xây dựng quy trình tiếp nhận",
)
_OBJECTS = (
    "sổ hộ tịch lưu tại tổ dân phố số {n}, bảo đảm dữ liệu đầy đủ, chính xác và thống nhất",
    "hồ sơ đất đai, nhà ở của khu dân cư số {n} trên phần mềm dùng chung của phường",
    "dịch vụ công trực tuyến cho các hộ gia đình tại tổ dân phố số {n}",
)
_LEADS = (
    "Văn phòng HĐND và UBND",
    "Phòng Kinh tế, Hạ tầng và Đô thị",
    "Phòng Văn hóa - Xã hội",
    "Công an phường",
)
_COORDINATES = (
    "Các tổ dân phố",
    "Mặt trận Tổ quốc phường; Đoàn Thanh niên phường",
    "",
    "Trung tâm Phục vụ hành chính công phường",
)
_DEADLINES = ("Quý II/2026", "Trước ngày 30/6/2026", "Thường xuyên", "Tháng 9/2026")
GROUPS = (
    ("I", "NHÓM NHIỆM VỤ VỀ DỮ LIỆU"),
    ("II", "NHÓM NHIỆM VỤ VỀ DỊCH VỤ CÔNG"),
)
TASKS_PER_GROUP = 9
MERGED_LEAD_ROW = 3  # in each group, the lead of task 3 is merged down over task 4


def rows() -> list[Row]:
    """The appendix rows: two groups of nine tasks; task 4's lead is task 3's (merged)."""
    result: list[Row] = []
    counter = 0
    for number, title in GROUPS:
        result.append(Row(number, title))
        for n in range(1, TASKS_PER_GROUP + 1):
            counter += 1
            verb = _VERBS[counter % len(_VERBS)]
            text = _OBJECTS[counter % len(_OBJECTS)].format(n=counter)
            lead_index = counter - 1 if n == MERGED_LEAD_ROW + 1 else counter
            result.append(
                Row(
                    str(n),
                    f"{verb} {text}",
                    _LEADS[lead_index % len(_LEADS)],
                    _COORDINATES[counter % len(_COORDINATES)],
                    _DEADLINES[counter % len(_DEADLINES)],
                )
            )
    return result


def task_count() -> int:
    return sum(1 for row in rows() if not row.is_group)


def write_txt(path: Path) -> Path:
    """The plan as a UTF-8 text: one paragraph per line, a table row as TAB-separated cells."""
    lines = [line for pair in HEADER for line in pair]
    lines += [*TITLE, *BODY, "", *APPENDIX, "\t".join(COLUMNS)]
    lines += ["\t".join(row.cells) for row in rows()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def write_docx(path: Path, *, page_break_in_table: bool = True, landscape: bool = False) -> Path:
    """The plan as Word would have it: a borderless header table, paragraphs, a ruled table.

    The appendix starts on a new page (with landscape, a new landscape section, as appendix
    tables often are); with page_break_in_table, a row in the middle of the table starts a
    new page (its header row repeats there, as Word prints it).
    """
    import docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Cm, Pt

    document = docx.Document()
    style = document.styles["Normal"]
    style.font.name = "Times New Roman"
    style.font.size = Pt(13)
    header = document.add_table(rows=len(HEADER), cols=2)
    for r, pair in enumerate(HEADER):
        for c, text in enumerate(pair):
            cell = header.cell(r, c)
            cell.text = text
            cell.paragraphs[0].alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in TITLE:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = True
    for text in BODY:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        paragraph.paragraph_format.first_line_indent = Pt(28)
        run = paragraph.add_run(text)
        run.bold = text[:2] in {"I.", "II", "1.", "2."}
    if landscape:
        from docx.enum.section import WD_ORIENT, WD_SECTION

        section = document.add_section(WD_SECTION.NEW_PAGE)
        section.orientation = WD_ORIENT.LANDSCAPE
        section.page_width, section.page_height = section.page_height, section.page_width
    else:
        document.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
    for text in APPENDIX:
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        paragraph.add_run(text).bold = not text.startswith("(")
    table_rows = rows()
    table = document.add_table(rows=1 + len(table_rows), cols=len(COLUMNS))
    table.style = "Table Grid"
    table.autofit = False
    for c, width in enumerate(WIDTHS_CM):
        table.columns[c].width = Cm(width)
    for row in table.rows:
        for c, width in enumerate(WIDTHS_CM):
            row.cells[c].width = Cm(width)
    for c, text in enumerate(COLUMNS):
        table.cell(0, c).text = text
    row_props = table.rows[0]._tr.get_or_add_trPr()
    repeat = OxmlElement("w:tblHeader")
    repeat.set(qn("w:val"), "true")
    row_props.append(repeat)
    for r, row in enumerate(table_rows, start=1):
        if row.is_group:
            table.cell(r, 0).text = row.number
            merged = table.cell(r, 1).merge(table.cell(r, len(COLUMNS) - 1))
            merged.text = row.title
            continue
        for c, text in enumerate(row.cells):
            if (
                c == 2
                and r > 1
                and table_rows[r - 2].lead == text
                and not table_rows[r - 2].is_group
            ):
                continue  # merged with the cell above below
            table.cell(r, c).text = text
        if page_break_in_table and r == len(table_rows) // 2 + 1:
            table.cell(r, 0).paragraphs[0].paragraph_format.page_break_before = True
    for r, row in enumerate(table_rows, start=1):
        above = table_rows[r - 2] if r > 1 else None
        if above is not None and not above.is_group and not row.is_group and above.lead == row.lead:
            top = table.cell(r - 1, 2)
            top.merge(table.cell(r, 2))
            top.text = row.lead
    document.save(str(path))
    return path


def write_xlsx(path: Path) -> Path:
    """The plan as a workbook: text lines in column A, the table below, groups merged across."""
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("Kế hoạch")
    row_index = 0
    for line in [*(line for pair in HEADER for line in pair), *TITLE, *BODY, *APPENDIX]:
        sheet.write_string(row_index, 0, line)
        row_index += 1
    for c, text in enumerate(COLUMNS):
        sheet.write_string(row_index, c, text)
    row_index += 1
    table_rows = rows()
    for i, row in enumerate(table_rows):
        if row.is_group:
            sheet.write_string(row_index, 0, row.number)
            sheet.merge_range(row_index, 1, row_index, len(COLUMNS) - 1, row.title)
        else:
            above = table_rows[i - 1] if i else None
            for c, text in enumerate(row.cells):
                if c == 2 and above is not None and not above.is_group and above.lead == text:
                    sheet.merge_range(row_index - 1, 2, row_index, 2, text)
                elif text:
                    sheet.write_string(row_index, c, text)
        row_index += 1
    workbook.close()
    return path


PROSE_TASKS = (
    ("Rà soát sổ hộ tịch lưu tại các tổ dân phố", "Văn phòng HĐND và UBND", "Các tổ dân phố", "Quý II/2026"),
    ("Hướng dẫn người dân nộp hồ sơ trực tuyến", "Trung tâm Phục vụ hành chính công phường", "Đoàn Thanh niên phường", "Thường xuyên"),
    ("Kiểm tra việc cập nhật dữ liệu dân cư", "Công an phường", "", "Tháng 10/2026"),
)  # fmt: skip


def prose_lines() -> list[str]:
    """The same plan written as prose: numbered items with label lines under them."""
    lines = [line for pair in HEADER for line in pair]
    lines += [*TITLE, *BODY[:7]]  # up to "II. NHIỆM VỤ CỤ THỂ"
    for number, (title, lead, coordinate, deadline) in enumerate(PROSE_TASKS, start=1):
        lines.append(f"{number}. {title}")
        lines.append(f"- Đơn vị chủ trì: {lead}")
        if coordinate:
            lines.append(f"- Đơn vị phối hợp: {coordinate}")
        lines.append(f"- Thời gian thực hiện: {deadline}")
    lines += list(BODY[-2:])
    return lines


def write_prose(path: Path) -> Path:
    """The prose plan as .txt (one paragraph per line), .docx (paragraphs) or .xlsx (column A)."""
    lines = prose_lines()
    suffix = path.suffix.lower()
    if suffix == ".docx":
        import docx
        from docx.shared import Pt

        document = docx.Document()
        document.styles["Normal"].font.name = "Times New Roman"  # as Decree 30 asks
        document.styles["Normal"].font.size = Pt(13)
        for line in lines:
            document.add_paragraph(line)
        document.save(str(path))
    elif suffix == ".xlsx":
        import xlsxwriter

        workbook = xlsxwriter.Workbook(str(path))
        sheet = workbook.add_worksheet("Kế hoạch")
        for row, line in enumerate(lines):
            sheet.write_string(row, 0, line)
        workbook.close()
    else:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path
