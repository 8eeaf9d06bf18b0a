"""Draft reminder letter ("văn bản đôn đốc") as .docx in the Decree 30/2020/NĐ-CP layout.

The draft leaves the number blank ("Số:      /UBND-VP") for the document office to fill in;
everything else (recipients, late tasks, signature block) is written out so the coordinator
only checks and signs.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from docx.text.paragraph import Paragraph

from kehoach_xlsx.errors import KehoachError
from kehoach_xlsx.fileio import atomic_write_bytes
from kehoach_xlsx.mail import TaskLine, format_due
from kehoach_xlsx.model import PlanMeta
from kehoach_xlsx.texts import (
    clean_issuer,
    issuer_heading,
    issuer_name,
    issuer_short,
    office_name,
    vn_date,
)
from kehoach_xlsx.texts import plan_reference as reference_text
from kehoach_xlsx.vntext import fold, nfc

FONT = "Times New Roman"
BODY_PT = 14
MOTTO = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO_2 = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class LateUnit:
    """A unit named in the letter with the tasks it is late on (problem is Vietnamese)."""

    unit_name: str
    tasks: list[TaskLine]
    # why a file the unit sent could not be used, and what to do ("" when none was refused)
    note: str = ""


def letter_date(place: str, day: date) -> str:
    """ "An Biên, ngày 05 tháng 02 năm 2026": Decree 30 pads days 1-9 and months 1-2 with 0."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"{place}, ngày {day.day:02d} tháng {month} năm {day.year}"


def issuer_lines(issuer: str) -> list[str]:
    """Upper-case issuer heading split as printed: ["ỦY BAN NHÂN DÂN", "PHƯỜNG AN BIÊN"]."""
    return issuer_heading(issuer) or ["ỦY BAN NHÂN DÂN"]


def plan_reference(meta: PlanMeta) -> str:
    """ "Kế hoạch số 143/KH-UBND ngày 20/04/2026"; a draft plan without number keeps a blank."""
    return reference_text(meta, blank="      /KH-UBND")


def authority_lines(issuer: str) -> list[str]:
    """Who signs for the body: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH" for a
    people's committee, "KT. GIÁM ĐỐC / PHÓ GIÁM ĐỐC" for a Sở, the head otherwise."""
    folded = fold(clean_issuer(issuer))
    if folded.startswith(("uy ban nhan dan", "ubnd")) or not folded:
        return ["TM. ỦY BAN NHÂN DÂN", "KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"]
    if folded.startswith("so "):
        return ["KT. GIÁM ĐỐC", "PHÓ GIÁM ĐỐC"]
    return ["THỦ TRƯỞNG CƠ QUAN"]


def leaders_line(issuer: str) -> str:
    """The copy for the body's own leaders in "Nơi nhận"."""
    short = issuer_short(issuer)
    if short.startswith("UBND"):
        return f"Chủ tịch, các PCT {short};"
    return f"Lãnh đạo {short};" if short else "Lãnh đạo cơ quan;"


def write_reminder_letter(
    path: Path,
    plan_meta: PlanMeta,
    place: str,
    as_of: date,
    late: Iterable[LateUnit | Sequence[Any]],
    *,
    issuer: str | None = None,
    reply_by: date | None = None,
    signer: str = "",
    recipients_extra: Sequence[str] | None = None,
    number_suffix: str = "UBND-VP",
    office: str | None = None,
) -> Path:
    """Write the draft letter to path (.docx) and return it.

    late lists the units and their overdue, unreported or output-missing tasks; each becomes
    a recipient ("Kính gửi") and rows of the table. issuer defaults to the plan's issuer;
    the level ("phường", "tỉnh" …) and the office come from it, never a fixed word.
    """
    units = [
        u if isinstance(u, LateUnit) else LateUnit(u[0], [_task(t) for t in u[1]]) for u in late
    ]
    if not units:
        raise KehoachError(
            "Không có cơ quan, đơn vị nào chậm thực hiện nên không cần văn bản đôn đốc."
        )
    issuer = clean_issuer(issuer or plan_meta.issuer) or "Ủy ban nhân dân"
    plan_ref = plan_reference(plan_meta)
    body = issuer_name(issuer)
    office = office or office_name(issuer)
    if recipients_extra is None:
        recipients_extra = (leaders_line(issuer),)

    doc = Document()
    _page_setup(doc)
    dated = letter_date(place, as_of) if place else f"Ngày {vn_date(as_of)}"
    _header(doc, issuer, number_suffix, f"V/v đôn đốc thực hiện {plan_ref}", dated)

    _para(doc, "")
    if len(units) == 1:
        _para(doc, f"Kính gửi: {units[0].unit_name}.", align=WD_ALIGN_PARAGRAPH.CENTER)
    else:
        _para(doc, "Kính gửi:", align=WD_ALIGN_PARAGRAPH.CENTER)
        for i, unit in enumerate(units):
            end = "." if i == len(units) - 1 else ";"
            _para(doc, f"- {unit.unit_name}{end}", indent_mm=55)

    about = f" về {nfc(plan_meta.title)}" if plan_meta.title else ""
    _para(
        doc,
        f"Thực hiện {plan_ref} của {body}{about}; căn cứ kết quả theo dõi, tổng hợp "
        f"đến ngày {vn_date(as_of)}, các cơ quan, đơn vị sau chưa "
        "báo cáo hoặc chưa hoàn thành nhiệm vụ được giao đúng thời hạn (chi tiết tại bảng dưới đây):",
        body=True,
    )
    _late_table(doc, units)
    refused = [u for u in units if u.note]
    if refused:
        _para(
            doc,
            "Tệp báo cáo của các cơ quan, đơn vị sau đã nhận nhưng chưa sử dụng được:",
            body=True,
        )
        for unit in refused:
            _para(doc, f"- {unit.unit_name}: {unit.note}", body=True)
    deadline = f" trước ngày {vn_date(reply_by)}" if reply_by else ""
    via = f" (qua {office})" if office != "Văn phòng" else ""
    _para(
        doc,
        f"{body} đề nghị Thủ trưởng các cơ quan, đơn vị nêu trên khẩn trương tổ chức "
        "thực hiện các nhiệm vụ được giao, hoàn thiện sản phẩm đầu ra và gửi báo cáo kết quả về "
        f"{body}{via}{deadline} để tổng hợp, báo cáo theo quy định./.",
        body=True,
    )
    _signature(doc, ["Như trên;", *recipients_extra], signer, authority_lines(issuer))
    path = Path(path)
    buffer = io.BytesIO()
    doc.save(buffer)
    atomic_write_bytes(path, buffer.getvalue())  # a killed run never leaves half a letter
    return path


def _task(item: TaskLine | Sequence[Any]) -> TaskLine:
    return item if isinstance(item, TaskLine) else TaskLine(*item)


def _page_setup(doc: Any) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin, section.right_margin = Mm(30), Mm(15)
    style = doc.styles["Normal"]
    style.font.name = FONT
    style.font.size = Pt(BODY_PT)
    # Word picks the font per script; Vietnamese letters must not fall back to Calibri/Cambria.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attr), FONT)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)


# Paragraph templates by options: a body paragraph is a copy of its formatted template plus
# its text, instead of being built through python-docx (dozens of element look-ups each; a
# province's draft report has thousands of paragraphs). The XML is the same either way.
_TEMPLATES: dict[tuple[Any, ...], Any] = {}


def _para(
    doc_or_cell: Any,
    text: str,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    align: Any = None,
    body: bool = False,
    indent_mm: float | None = None,
) -> Any:
    text = nfc(text)
    end = _body_end(doc_or_cell)
    key = (size, bold, italic, align, body, indent_mm)
    if end is not None and key in _TEMPLATES:
        element = deepcopy(_TEMPLATES[key])
        end.addprevious(element)
        paragraph = Paragraph(element, doc_or_cell._body)
        _set_text(paragraph.runs[0], text)
        return paragraph
    if end is not None:
        element = OxmlElement("w:p")
        end.addprevious(element)
        paragraph = Paragraph(element, doc_or_cell._body)
    else:
        paragraph = doc_or_cell.add_paragraph()
    run = paragraph.add_run()
    run.font.name = FONT
    run.bold, run.italic = bold or None, italic or None
    if size:
        run.font.size = Pt(size)
    fmt = paragraph.paragraph_format
    if body:
        fmt.first_line_indent = Mm(12.7)
        fmt.space_before = Pt(6)
        fmt.line_spacing = 1.15
        paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    if indent_mm is not None:
        fmt.left_indent = Mm(indent_mm)
    if align is not None:
        paragraph.alignment = align
    if end is not None:
        _TEMPLATES[key] = deepcopy(paragraph._p)
    _set_text(run, text)
    return paragraph


def _body_end(doc_or_cell: Any) -> Any:
    """A document body's closing <w:sectPr>, where new paragraphs go (None for a table cell).

    python-docx finds it by scanning the whole body for each new paragraph: quadratic.
    """
    body = getattr(getattr(doc_or_cell, "element", None), "body", None)
    if body is None:
        return None
    try:
        last = body[-1]  # lxml: constant time from the end (len() would count every child)
    except IndexError:
        return None
    return last if last.tag == qn("w:sectPr") else None


def _set_text(run: Any, text: str) -> None:
    """`run.text = text` without python-docx's walk over every character (tabs, breaks)."""
    if not text:
        return
    if "\t" in text or "\n" in text or "\r" in text:
        run.text = text
    else:
        run._r.add_t(text)


def _cell_text(cell: Any, lines: Sequence[tuple[str, dict[str, Any]]]) -> None:
    """Fill a cell with lines; the first reuses the cell's empty paragraph."""
    first = cell.paragraphs[0]
    for i, (text, opts) in enumerate(lines):
        if i == 0:
            run = first.add_run(nfc(text))
            run.font.name = FONT
            run.bold, run.italic = opts.get("bold") or None, opts.get("italic") or None
            if opts.get("size"):
                run.font.size = Pt(opts["size"])
            first.alignment = opts.get("align", WD_ALIGN_PARAGRAPH.CENTER)
        else:
            _para(cell, text, **{"align": WD_ALIGN_PARAGRAPH.CENTER, **opts})


def _set_widths(table: Any, widths: Sequence[Any]) -> None:
    """Fixed column widths; LibreOffice reads the grid, Word the cells, so set both."""
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
        for cell in column.cells:
            cell.width = width


def _borderless(table: Any) -> None:
    borders = table._tbl.tblPr.first_child_found_in("w:tblBorders")
    if borders is not None:
        table._tbl.tblPr.remove(borders)


def _header(doc: Any, issuer: str, number_suffix: str, about: str, dated: str) -> None:
    """Issuer and number left, motto and place-date right; `about` is the "V/v …" line
    of a letter ("" for a named document such as a Báo cáo, whose title follows)."""
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _set_widths(table, (Mm(62), Mm(103)))
    left, right = table.rows[0].cells
    heads = issuer_lines(issuer)
    lines: list[tuple[str, dict[str, Any]]] = []
    if len(heads) > 1:
        lines.append((heads[0], {"size": 13, "bold": True}))
    lines += [
        (heads[-1], {"size": 13, "bold": True}),
        ("———————", {"size": 9}),
        (f"Số:        /{number_suffix}", {"size": 13}),
    ]
    if about:
        lines.append((about, {"size": 12}))
    _cell_text(left, lines)
    _cell_text(
        right,
        [
            (MOTTO, {"size": 12, "bold": True}),
            (MOTTO_2, {"size": 14, "bold": True}),
            ("———————————————", {"size": 9}),
            (dated, {"size": 14, "italic": True}),
        ],
    )


def _late_table(doc: Any, units: Sequence[LateUnit]) -> None:
    headers = ("STT", "Cơ quan, đơn vị", "Mã NV", "Nhiệm vụ", "Hạn", "Tình trạng")
    widths = (Mm(12), Mm(36), Mm(18), Mm(46), Mm(25), Mm(28))
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, [(text, {"size": 12, "bold": True})])
    number = 0
    for unit in units:
        for task in unit.tasks or [TaskLine("", "Chưa gửi báo cáo", None, "Chưa báo cáo")]:
            number += 1
            row = table.add_row().cells
            values = (
                str(number), unit.unit_name, task.task_id, task.title,
                format_due(task.due), task.problem,
            )  # fmt: skip
            for cell, text, center in zip(
                row, values, (True, False, True, False, True, False), strict=True
            ):
                align = WD_ALIGN_PARAGRAPH.CENTER if center else WD_ALIGN_PARAGRAPH.LEFT
                _cell_text(cell, [(text, {"size": 12, "align": align})])
    _set_widths(table, widths)


def _signature(doc: Any, recipients: Sequence[str], signer: str, authority: Sequence[str]) -> None:
    _para(doc, "")
    table = doc.add_table(rows=1, cols=2)
    _borderless(table)
    _set_widths(table, (Mm(85), Mm(80)))
    left, right = table.rows[0].cells
    left_align = {"align": WD_ALIGN_PARAGRAPH.LEFT}
    lines: list[tuple[str, dict[str, Any]]] = [
        ("Nơi nhận:", {"size": 12, "bold": True, "italic": True, **left_align}),
    ]
    lines += [(f"- {text}", {"size": 11, **left_align}) for text in recipients]
    lines.append(("- Lưu: VT, VP.", {"size": 11, **left_align}))
    _cell_text(left, lines)
    sign: list[tuple[str, dict[str, Any]]] = [
        (line, {"size": 14, "bold": True}) for line in authority
    ]
    sign += [
        ("", {}),
        ("", {}),
        ("", {}),
        ("", {}),
        (signer, {"size": 14, "bold": True}),
    ]
    _cell_text(right, sign)
