"""The PDF reader: paragraphs from wrapped lines, ruled tables as rows, scans refused clearly."""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from click.testing import CliRunner

from kehoach_xlsx import read_plan
from kehoach_xlsx.cli import main
from kehoach_xlsx.errors import KehoachError, PlanFormatError
from kehoach_xlsx.parse import pdf as pdf_reader
from kehoach_xlsx.parse.loaders import load_blocks
from kehoach_xlsx.vntext import nfc
from tests import invented_plan
from tests.pdf_maker import PdfPage, pdf_file, wrap, write_pdf

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
LONG = (
    "Cac don vi duoc giao nhiem vu chu dong trien khai thuc hien, bao cao ket qua dung thoi "
    "han va de xuat giai phap thao go kho khan trong qua trinh thuc hien ke hoach nay"
)

CARRIED = " va tiep tuc tren trang sau cho den het cau."


def blocks_of(path: Path) -> tuple[list, list]:
    warnings: list = []
    return load_blocks(path, warnings), warnings


def prose_pages() -> list[PdfPage]:
    pages = [PdfPage() for _ in range(3)]
    for number, page in enumerate(pages, start=1):
        page.text(250, 30, "Ke hoach so 5/KH-UBND", 10)  # running header on every page
        if number > 1:
            page.text(290, 50, str(number), 10)  # page number
    first = pages[0]
    first.text(70, 100, "I. MUC DICH, YEU CAU")
    top = first.wrapped(70, 130, 450, LONG, indent=28)
    first.wrapped(70, top + 6, 450, "1. Nhiem vu thu nhat la ra soat so sach")
    lines = wrap(LONG + CARRIED, 450, indent=28)  # a paragraph runs over the page break
    first.wrapped(70, 700, 450, " ".join(lines[:-1]), indent=28)
    pages[1].text(70, 100, lines[-1], 12)
    pages[2].text(70, 100, "III. TO CHUC THUC HIEN")
    return pages


def test_wrapped_lines_become_paragraphs_and_page_furniture_is_dropped(tmp_path):
    path = write_pdf(tmp_path / "ke-hoach.pdf", prose_pages())
    blocks, warnings = blocks_of(path)
    texts = [b.text for b in blocks]
    assert texts == [
        "I. MUC DICH, YEU CAU",
        LONG,
        "1. Nhiem vu thu nhat la ra soat so sach",
        LONG + CARRIED,
        "III. TO CHUC THUC HIEN",
    ]
    assert all(b.cells is None for b in blocks)
    assert warnings == []


def grid(page: PdfPage, top: float, xs: list[float], rows: list[list[str]], *, skip=()) -> float:
    """Draw a ruled table; `skip` holds (row, col) pairs whose left or top rule is left out."""
    height = 24.0
    for r, cells in enumerate(rows):
        y = top + r * height
        for c, text in enumerate(cells):
            if text:
                page.text(xs[c] + 4, y + 6, text, 10)
        for c in range(len(xs) - 1):
            if ("top", r, c) not in skip:
                page.line(xs[c], y, xs[c + 1], y)
        for c, x in enumerate(xs):
            if ("left", r, c) not in skip:
                page.line(x, y, x, y + height)
    bottom = top + len(rows) * height
    page.line(xs[0], bottom, xs[-1], bottom)
    return bottom


XS = [60.0, 90.0, 300.0, 420.0, 530.0]
HEADER = ["TT", "Noi dung", "Chu tri", "Thoi gian"]


def test_ruled_table_keeps_columns_and_merged_cells(tmp_path):
    page = PdfPage()
    page.text(70, 60, "PHU LUC PHAN CONG NHIEM VU")
    rows = [
        HEADER,
        ["I", "NHOM VIEC CHUNG", "", ""],
        ["1", "Ra soat so ho tich", "Cong an phuong", "Quy II"],
        ["2", "Cap nhat du lieu", "", "Quy III"],
    ]
    # row 1: one cell across columns 1-3; rows 2-3: the lead cell merged over both
    skip = {("left", 1, 2), ("left", 1, 3), ("top", 3, 2)}
    bottom = grid(page, 100, XS, rows, skip=skip)
    page.text(70, bottom + 30, "Noi nhan: nhu tren.")
    blocks, _ = blocks_of(write_pdf(tmp_path / "bang.pdf", [page]))
    assert blocks[0].text == "PHU LUC PHAN CONG NHIEM VU" and blocks[0].cells is None
    table = [b for b in blocks if b.cells is not None]
    assert [b.cells for b in table] == [
        HEADER,
        ["I", "NHOM VIEC CHUNG", "", ""],
        ["1", "Ra soat so ho tich", "Cong an phuong", "Quy II"],
        ["2", "Cap nhat du lieu", "Cong an phuong", "Quy III"],  # merged lead repeated
    ]
    assert table[1].merged == {1}
    assert {b.table for b in table} == {1}
    assert blocks[-1].text == "Noi nhan: nhu tren." and blocks[-1].cells is None


def test_table_over_a_page_break_with_repeated_header_is_one_table(tmp_path):
    first, second = PdfPage(), PdfPage()
    grid(first, 660, XS, [HEADER, ["1", "Ra soat so ho tich", "Cong an phuong", "Quy II"]])
    grid(second, 60, XS, [HEADER, ["2", "Cap nhat du lieu", "Van phong", "Quy III"]])
    blocks, _ = blocks_of(write_pdf(tmp_path / "hai-trang.pdf", [first, second]))
    assert [b.cells[0] for b in blocks] == ["TT", "1", "2"]
    assert {b.table for b in blocks} == {1}


def test_row_split_by_the_page_break_is_joined_back(tmp_path):
    first, second = PdfPage(), PdfPage()
    grid(first, 700, XS, [HEADER, ["1", "Ra soat so ho tich va", "Cong an phuong", "Quy II"]])
    grid(second, 60, XS, [["", "cap nhat phan mem", "", ""], ["2", "Tap huan", "Van phong", ""]])
    blocks, _ = blocks_of(write_pdf(tmp_path / "dong-tach.pdf", [first, second]))
    assert [b.cells[:2] for b in blocks] == [
        ["TT", "Noi dung"],
        ["1", "Ra soat so ho tich va cap nhat phan mem"],
        ["2", "Tap huan"],
    ]


def test_number_stamped_by_the_signing_software_is_read(tmp_path):
    page = PdfPage()
    page.text(70, 60, "So:")
    page.stamp(95, 60, "196")
    page.text(125, 60, "/KH-UBND")
    page.text(70, 100, "KE HOACH")
    blocks, _ = blocks_of(write_pdf(tmp_path / "ky-so.pdf", [page]))
    assert [b.text for b in blocks] == ["So: 196 /KH-UBND", "KE HOACH"]


def test_borderless_table_keeps_its_columns_and_says_they_may_mix(tmp_path):
    page = PdfPage()
    rows = [
        ("TT", "Noi dung", "Chu tri"),
        ("1", "Ra soat so sach", "Van phong"),
        ("2", "Tap huan", "Cong an"),
    ]
    for index, row in enumerate(rows):
        for x, text in zip((70, 140, 400), row, strict=True):
            page.text(x, 100 + 20 * index, text)
    blocks, warnings = blocks_of(write_pdf(tmp_path / "khong-khung.pdf", [page]))
    assert [b.cells for b in blocks] == [list(row) for row in rows]
    assert [w.code for w in warnings] == ["pdf_input"] and "Trang 1" in warnings[0].message


def test_scanned_pdf_says_what_to_do(tmp_path):
    path = write_pdf(tmp_path / "scan.pdf", [PdfPage(image=True), PdfPage(image=True)])
    with pytest.raises(PlanFormatError) as caught:
        read_plan(path)
    message = str(caught.value)
    assert "scan" in message and "OCR" in message and ".docx" in message
    result = CliRunner().invoke(main, ["parse", str(path)])
    assert result.exit_code == PlanFormatError.exit_code
    assert "Traceback" not in result.output and "bản scan" in result.output


def test_scanned_page_among_text_pages_is_reported(tmp_path):
    page = PdfPage()
    page.text(70, 100, "KE HOACH")
    blocks, warnings = blocks_of(write_pdf(tmp_path / "mot-phan.pdf", [page, PdfPage(image=True)]))
    assert [b.text for b in blocks] == ["KE HOACH"]
    assert [w.code for w in warnings] == ["pdf_scanned_pages"]
    assert "Trang 2" in warnings[0].message


@pytest.mark.parametrize(
    "data",
    [b"%PDF-1.7\n\x00\x01 garbage garbage\n", b"%PDF-1.4\n1 0 obj << /Type /Catalog"],
)
def test_broken_pdf_ends_in_a_message(tmp_path, data):
    path = tmp_path / "hong.pdf"
    path.write_bytes(data)
    with pytest.raises(KehoachError) as caught:
        read_plan(path)
    assert "PDF" in str(caught.value)


def test_truncated_pdf_ends_in_a_message(tmp_path):
    whole = write_pdf(tmp_path / "du.pdf", prose_pages()).read_bytes()
    path = tmp_path / "cut.pdf"
    path.write_bytes(whole[: len(whole) // 3])
    try:
        blocks, _ = blocks_of(path)
    except KehoachError as err:
        assert "PDF" in str(err)
    else:  # a lenient parse may still find the first page: then it must be real text
        assert all(isinstance(b.text, str) for b in blocks)


def test_page_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_PAGES", 2)
    path = write_pdf(tmp_path / "dai.pdf", prose_pages())
    with pytest.raises(PlanFormatError, match="3 trang"):
        read_plan(path)


def test_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(pdf_reader, "MAX_PDF_BYTES", 100)
    path = write_pdf(tmp_path / "lon.pdf", prose_pages())
    with pytest.raises(KehoachError, match="quá lớn"):
        read_plan(path)


def test_bold_font_marks_lines_and_plain_font_does_not(tmp_path):
    plain = write_pdf(tmp_path / "thuong.pdf", prose_pages())
    bold = tmp_path / "dam.pdf"
    bold.write_bytes(plain.read_bytes().replace(b"/Helvetica ", b"/Helvetica-Bold "))
    plain_blocks, _ = blocks_of(plain)
    bold_blocks, _ = blocks_of(bold)
    assert [b.text for b in bold_blocks] == [b.text for b in plain_blocks]
    assert all(b.bold for b in bold_blocks)
    assert not any(b.bold for b in plain_blocks)


def flate_bomb(path: Path, inflated: int) -> Path:
    """A one-page PDF whose content stream is `inflated` bytes of spaces, deflated."""
    import zlib

    data = zlib.compress(b" " * inflated, 9)
    bodies = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) + data + b"\nendstream",
    ]
    path.write_bytes(pdf_file(bodies, root=1))
    return path


def test_stream_that_inflates_past_the_bound_is_refused_before_reading(tmp_path, monkeypatch):
    from kehoach_xlsx.parse import pdf_guard

    monkeypatch.setattr(pdf_guard, "MAX_STREAM_BYTES", 1024 * 1024)
    small = flate_bomb(tmp_path / "nho.pdf", 512 * 1024)
    with pytest.raises(PlanFormatError, match="scan"):  # read: an empty page, no text
        read_plan(small)
    bomb = flate_bomb(tmp_path / "bom.pdf", 3 * 1024 * 1024)
    assert bomb.stat().st_size < 20_000
    result = CliRunner().invoke(main, ["parse", str(bomb)])
    assert result.exit_code != 0
    assert "luồng nén" in result.output and "Traceback" not in result.output


def content(plan):
    return [(t.id, t.title, t.lead, t.coordinate, t.outputs, t.deadline_text) for t in plan.tasks]


@pytest.mark.slow
def test_word_plan_with_appendix_table_saved_as_pdf(tmp_path, office):
    docx = invented_plan.write_docx(tmp_path / "ke-hoach.docx")
    pdf = office.convert(docx, "pdf", tmp_path / "pdf")
    blocks, warnings = blocks_of(pdf)
    rows = [b for b in blocks if b.cells is not None and b.table is not None]
    assert {b.table for b in rows} == {1}  # one table although it runs over a page break
    assert [b.cells for b in rows].count(list(invented_plan.COLUMNS)) == 1
    expected_rows = [row.cells for row in invented_plan.rows()]
    got_rows = [b.cells for b in rows[1:]]
    assert [c[:3] for c in got_rows] == [[c[0], c[1], c[2] or ""] for c in expected_rows]
    texts = [b.text for b in blocks]
    assert invented_plan.BODY[0] in texts and invented_plan.BODY[-1] in texts
    bold = {b.text: b.bold for b in blocks if b.cells is None}
    assert all(bold[title] for title in invented_plan.TITLE)  # bold runs in Word
    assert bold[invented_plan.BODY[1]] and not bold[invented_plan.BODY[0]]
    assert warnings == []
    txt = invented_plan.write_txt(tmp_path / "ke-hoach.txt")
    expected = content(read_plan(txt))
    assert len(expected) == invented_plan.task_count()
    assert content(read_plan(pdf)) == expected


@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"KHÔNG CÓ bộ kế hoạch thật {CORPUS}: bỏ qua")
def test_real_pdf_reads_like_pdftotext_without_page_numbers():
    pdf = next(CORPUS.glob("05_*.pdf"), None)
    reference = next(CORPUS.glob("05_*.extracted.txt"), None)
    if pdf is None or reference is None:
        pytest.skip(f"KHÔNG CÓ kế hoạch PDF 05 trong {CORPUS}: bỏ qua")
    blocks, warnings = blocks_of(pdf)
    assert warnings == []
    assert all(b.cells is None or b.table is None for b in blocks)  # prose only: no false tables
    assert not any(b.text.strip().isdigit() for b in blocks)  # page numbers dropped
    mine = " ".join(b.text for b in blocks).split()
    words = nfc(reference.read_text(encoding="utf-8")).split()
    words = [w for w in words if not w.isdigit() or len(w) > 1]
    ratio = difflib.SequenceMatcher(a=words, b=mine, autojunk=False).ratio()
    assert ratio > 0.99


@pytest.mark.slow
def test_font_without_vietnamese_letters_is_reported_not_garbled(tmp_path, office):
    import docx

    document = docx.Document()  # the default font has no Vietnamese letters in LibreOffice
    for line in (
        "2. Yêu cầu",
        "Các đơn vị báo cáo kết quả đúng thời hạn; mỗi nhiệm vụ có sản phẩm.",
    ):
        document.add_paragraph(line)
    document.save(str(tmp_path / "phong.docx"))
    pdf = office.convert(tmp_path / "phong.docx", "pdf", tmp_path / "pdf")
    blocks, warnings = blocks_of(pdf)
    if not any(w.code == "pdf_lost_marks" for w in warnings):
        # this machine's substitute font has the letters: then the text must be exact
        assert [b.text for b in blocks][:1] == ["2. Yêu cầu"]
    else:
        assert not any(ch in b.text for b in blocks for ch in 'K"M')
