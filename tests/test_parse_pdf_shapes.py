"""Plans printed to PDF by a word processor in the shapes offices send: a font that lacks
some Vietnamese letters, landscape appendices, narrow wrapping columns, running headers and
footers, tables whose header row repeats on every page. Each PDF is made here from the
invented plan (tests/invented_plan.py) through LibreOffice and must read like its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach_xlsx import read_plan
from kehoach_xlsx.parse.loaders import load_blocks
from tests import invented_plan
from tests.pdf_maker import PdfPage, text_width, wrap, write_pdf
from tests.test_parse_pdf import HEADER, XS, grid

WRAPPED = (
    "Cac don vi duoc giao nhiem vu chu dong trien khai thuc hien, bao cao ket qua dung thoi "
    "han va de xuat giai phap thao go kho khan trong qua trinh thuc hien ke hoach nay, bao "
    "dam tien do, chat luong va hieu qua cua tung nhiem vu duoc giao cho moi don vi"
)
FILLER = "va cac co quan, don vi, dia phuong lien quan theo quy dinh hien hanh cua tinh".split()


def blocks_of(path: Path) -> list:
    return load_blocks(path, [])


def full_line(start: str, width: float) -> str:
    """A sentence that fills a line of `width` points and ends with a full stop."""
    words = start.split()
    for word in FILLER * 3:
        if text_width(" ".join([*words, word]) + ".", 12) > width:
            break
        words.append(word)
    return " ".join(words).rstrip(",") + "."


def content(plan):
    return [(t.id, t.title, t.lead, t.coordinate, t.outputs, t.deadline_text) for t in plan.tasks]


def expected(tmp_path: Path) -> list:
    rows = content(read_plan(invented_plan.write_txt(tmp_path / "ke-hoach.txt")))
    assert len(rows) == invented_plan.task_count()
    return rows


def restyle(path: Path, font: str, size: float | None = None) -> Path:
    """Set every style's and run's font to `font`, as "print with another font" does."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document(str(path))
    for element in (document.styles.element, document.element.body):
        for fonts in element.iter(qn("w:rFonts")):
            fonts.attrib.clear()
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                fonts.set(qn(attr), font)
    if size is not None:
        document.styles["Normal"].font.size = Pt(size)
    document.styles["Normal"].font.name = font
    document.save(str(path))
    return path


def test_full_last_lines_of_one_line_paragraphs_stay_apart_by_their_spacing(tmp_path):
    # page 1 shows how far apart wrapped lines are; page 2 holds only one-line paragraphs
    # that each fill the line, set apart by paragraph spacing (the steps there are all the
    # same, so only the document's wrapped-line step tells them apart)
    first, second = PdfPage(), PdfPage()
    first.wrapped(70, 100, 450, WRAPPED)
    labels = [
        full_line("- Tang cuong ung dung cong nghe so trong cong tac xay dung phap luat", 450),
        full_line("Don vi chu tri: So Tu phap", 450),
        full_line("Don vi phoi hop: Van phong UBND tinh", 450),
        full_line("Thoi gian thuc hien: Thuong xuyen", 450),
    ]
    for index, text in enumerate(labels):
        second.text(70, 100 + 26 * index, text)
    blocks = blocks_of(write_pdf(tmp_path / "nhan.pdf", [first, second]))
    assert len(wrap(WRAPPED, 450)) >= 4
    assert [b.text for b in blocks] == [WRAPPED, *labels]


def test_lone_line_after_a_page_that_ended_a_sentence_is_a_paragraph_of_its_own(tmp_path):
    # widow control keeps two lines of a paragraph on each side of a page break: one line
    # alone at the top of the next page, after a full stop, starts a new paragraph
    first, second = PdfPage(), PdfPage()
    task = full_line("- Thuc hien kip thoi co che ho tro doi voi nguoi truc tiep lam", 450)
    top = first.wrapped(70, 700, 450, WRAPPED)
    first.text(70, top + 10, task)
    lead = "Don vi chu tri: So Tu phap."
    second.text(70, 60, lead)
    second.text(70, 86, "Thoi gian thuc hien: Quy IV.")
    blocks = blocks_of(write_pdf(tmp_path / "sang-trang.pdf", [first, second]))
    assert [b.text for b in blocks] == [WRAPPED, task, lead, "Thoi gian thuc hien: Quy IV."]


def test_table_page_whose_rows_all_merge_two_columns_continues_the_table(tmp_path):
    first, second = PdfPage(), PdfPage()
    grid(first, 660, XS, [HEADER, ["1", "Ra soat so ho tich", "Cong an phuong", "Quy II"]])
    # every row of the next page spans the last two columns: no rule between them there
    rows = [["2", "Cap nhat du lieu dan cu", "Van phong UBND", ""], ["3", "Tap huan", "", ""]]
    grid(second, 60, XS, rows, skip={("left", 0, 3), ("left", 1, 3)})
    blocks = blocks_of(write_pdf(tmp_path / "gop-cot.pdf", [first, second]))
    assert {b.table for b in blocks} == {1}
    assert [b.cells for b in blocks] == [
        HEADER,
        ["1", "Ra soat so ho tich", "Cong an phuong", "Quy II"],
        ["2", "Cap nhat du lieu dan cu", "Van phong UBND", ""],
        ["3", "Tap huan", "", ""],
    ]
    assert [b.merged for b in blocks[2:]] == [{2}, {2}]


def test_word_broken_by_a_column_too_narrow_for_it_is_joined_back(tmp_path):
    # a word processor breaks inside a word only when it fills the line: the tail starts
    # the next line ("chin" + "h", "II/20" + "26"), and the cell's text must not split it
    size, pad = 10, 4.0
    cells = [("So Tai chin", "h"), ("Quy II/20", "26"), ("Thuong", "xuyen")]
    page = PdfPage()
    x = 60.0
    xs = [x]
    for head, _ in cells:
        x += 2 * pad + text_width(head, size) + 2  # the head fills its line
        xs.append(x)
    top = 100.0
    for c, (head, tail) in enumerate(cells):
        page.text(xs[c] + pad, top + 4, head, size)
        page.text(xs[c] + pad, top + 4 + 1.2 * size, tail, size)
    for c in range(len(xs) - 1):
        page.line(xs[c], top, xs[c + 1], top)
        page.line(xs[c], top + 40, xs[c + 1], top + 40)
    for x in xs:
        page.line(x, top, x, top + 40)
    page.line(xs[0], top + 40, xs[-1], top + 40)
    for c in range(len(xs) - 1):  # a second row, so the grid is a table
        page.line(xs[c], top + 60, xs[c + 1], top + 60)
    for x in xs:
        page.line(x, top + 40, x, top + 60)
    blocks = blocks_of(write_pdf(tmp_path / "cot-hep.pdf", [page]))
    assert blocks[0].cells == ["So Tai chinh", "Quy II/2026", "Thuong xuyen"]


def test_page_turned_for_viewing_reads_as_drawn(tmp_path):
    # a viewer's "rotate page" only sets /Rotate: pdfium then reports the turned size while
    # the letters keep their drawn positions, which put every line in the wrong band
    import pypdfium2 as pdfium

    page = PdfPage()
    page.text(70, 60, "I. NHIEM VU")
    page.wrapped(70, 90, 450, WRAPPED)
    page.text(290, 800, "2", 10)  # page number in the footer band
    plain = write_pdf(tmp_path / "thang.pdf", [page, page])
    document = pdfium.PdfDocument(str(plain))
    for index in range(len(document)):
        document[index].set_rotation(90)
    document.save(str(tmp_path / "xoay.pdf"))
    document.close()
    texts = [b.text for b in blocks_of(tmp_path / "xoay.pdf")]
    assert texts == [b.text for b in blocks_of(plain)]
    assert texts == ["I. NHIEM VU", WRAPPED] * 2


@pytest.mark.slow
def test_letters_drawn_from_a_fallback_font_stay_in_their_words(tmp_path, office):
    # LibreOffice draws the letters Cambria's substitute lacks ("Ỉ", "ự") from another font
    # in a second pass, after the rest of the line: in stream order they are apart
    docx_path = restyle(invented_plan.write_docx(tmp_path / "ke-hoach.docx"), "Cambria")
    pdf = office.convert(docx_path, "pdf", tmp_path / "pdf")
    assert content(read_plan(pdf)) == expected(tmp_path)


def add_running_lines(path: Path, header: str) -> Path:
    """A page header with the plan's number and a footer "Trang X/Y" from page fields."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def field(paragraph, instruction: str) -> None:
        run = paragraph.add_run()._r
        for kind, text in (("begin", None), (None, instruction), ("separate", None),
                           (None, "1"), ("end", None)):  # fmt: skip
            if kind is not None:
                element = OxmlElement("w:fldChar")
                element.set(qn("w:fldCharType"), kind)
            elif text == instruction:
                element = OxmlElement("w:instrText")
                element.text = f" {text} "
            else:
                element = OxmlElement("w:t")
                element.text = text
            run.append(element)

    document = docx.Document(str(path))
    for section in document.sections:
        section.header.paragraphs[0].text = header
        footer = section.footer.paragraphs[0]
        footer.add_run("Trang ")
        field(footer, "PAGE")
        footer.add_run("/")
        field(footer, "NUMPAGES")
    document.save(str(path))
    return path


@pytest.mark.slow
def test_landscape_appendix_with_running_header_and_page_numbers(tmp_path, office):
    docx_path = invented_plan.write_docx(tmp_path / "ke-hoach.docx", landscape=True)
    add_running_lines(docx_path, "Kế hoạch số 27/KH-UBND ngày 12/3/2026")
    pdf = office.convert(docx_path, "pdf", tmp_path / "pdf")
    blocks = blocks_of(pdf)
    assert not any(b.text.startswith(("Trang ", "Kế hoạch số 27")) for b in blocks)
    assert content(read_plan(pdf)) == expected(tmp_path)
