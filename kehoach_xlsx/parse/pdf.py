"""Read a text-layer PDF into blocks: ruled tables as table rows, the prose around them as lines.

pdfium (pypdfium2, see pdf_source) gives the characters with their positions and the ruling
lines of tables; pdfplumber's (MIT) table rule turns the lines into cells, and pdfminer reads
only the words a signing tool stamps into annotations. From those we rebuild what the author
typed: a table's cells (merged cells and a table that runs over a page break kept as one
table), and paragraphs from the wrapped lines of the page (a line that filled its column
continues in the next one), in reading order. Running headers, footers and page numbers are
dropped. A PDF without a text layer (a scan) is refused with a message saying what to do;
OCR is the user's choice, never required.
"""

from __future__ import annotations

import re
import statistics
import time
from dataclasses import dataclass, field
from pathlib import Path

from kehoach_xlsx.errors import InputFileError, KehoachError, PlanFormatError
from kehoach_xlsx.model import PlanWarning
from kehoach_xlsx.parse.blocks import Block
from kehoach_xlsx.parse.pdf_guard import check_streams
from kehoach_xlsx.parse.pdf_lines import (
    Line,
    continues,
    group_lines,
    join_lines,
    line_pitch,
    wrap_ratios,
)
from kehoach_xlsx.parse.pdf_source import PageContent, read_content
from kehoach_xlsx.parse.pdf_tables import (
    Table,
    box_of,
    continue_table,
    find_tables,
    is_real_table,
    read_tables,
)
from kehoach_xlsx.vntext import nfc

MAX_PDF_BYTES = 60 * 1024 * 1024
MAX_PAGES = 400  # a plan with its appendices is rarely over 100 pages
MAX_PAGE_CHARS = 60_000  # a dense A4 page holds about 5,000 characters
TIME_BUDGET_SECONDS = 180.0
MARGIN_BAND = 0.09  # share of the page height at top and bottom where headers/footers live
PAGE_NUMBER = re.compile(r"^[-–—(\s]*(trang\s*)?\d{1,4}(\s*/\s*\d{1,4})?[-–—)\s]*$", re.IGNORECASE)


@dataclass
class Paragraph:
    lines: list[Line]
    parts: list[Line] | None = None  # a row of columns separated by wide gaps
    right: float = 0.0  # right edge of the page's text column

    @property
    def top(self) -> float:
        return self.lines[0].top


@dataclass
class Page:
    number: int
    items: list[Paragraph | Table]  # tables first; paragraphs added by lay_out
    margin_lines: list[tuple[Line, str]]  # (line, "top"/"bottom") candidates for headers
    has_text: bool
    has_images: bool
    lost_marks: int = 0  # tone marks drawn with no known letter (dropped)
    rows: list[list[Line]] = field(default_factory=list)  # visual lines outside tables
    walls: list[tuple[float, float]] = field(default_factory=list)  # tables' top and bottom
    right: float = 0.0  # the text column's right edge (at least)


def read_pdf(path: Path, warnings: list[PlanWarning]) -> list[Block]:
    """Blocks of a PDF; raise a KehoachError the user can act on for scans and bad files."""
    size = path.stat().st_size
    if size > MAX_PDF_BYTES:
        raise InputFileError(
            f"Tệp PDF {path.name} quá lớn ({size // (1024 * 1024)} MB, giới hạn "
            f"{MAX_PDF_BYTES // (1024 * 1024)} MB). Hãy dùng bản Word (.docx) của kế hoạch."
        )
    check_streams(path, path.read_bytes())
    pages = read_pages(path)
    if not any(page.has_text for page in pages):
        raise PlanFormatError(
            f"Tệp PDF {path.name} là bản scan (chỉ có ảnh, không có lớp chữ) nên không đọc được "
            "nội dung. Hãy dùng bản Word (.docx) của kế hoạch, hoặc mở PDF bằng Word và lưu "
            "thành .docx; nếu chỉ có bản giấy/ảnh, hãy nhận dạng chữ (OCR) bằng phần mềm OCR "
            "rồi lưu thành .docx và chạy lại."
        )
    scanned = [page.number for page in pages if not page.has_text and page.has_images]
    if scanned:
        warnings.append(
            PlanWarning(
                "pdf_scanned_pages",
                f"Trang {', '.join(map(str, scanned))} của tệp PDF chỉ có ảnh (bản scan), không "
                "đọc được chữ: các nhiệm vụ ở đó không được tính. Hãy dùng bản Word (.docx).",
                path.name,
                None,
            )
        )
    marks = sum(page.lost_marks for page in pages)
    if marks:
        warnings.append(
            PlanWarning(
                "pdf_lost_marks",
                f"Tệp PDF dùng phông chữ thiếu dấu tiếng Việt: {marks} dấu thanh không giải mã "
                "được đã bị bỏ (chữ có thể thiếu dấu). Nên dùng bản Word (.docx) của kế hoạch.",
                path.name,
                None,
            )
        )
    lay_out(pages)
    drop_running_lines(pages)
    unruled = [page.number for page in pages if has_unruled_columns(page)]
    if unruled:
        warnings.append(
            PlanWarning(
                "pdf_input",
                f"Trang {', '.join(map(str, unruled))} của tệp PDF có bảng không kẻ khung: các "
                "cột có thể bị lẫn. Nên dùng bản Word (.docx) của kế hoạch.",
                path.name,
                None,
            )
        )
    return to_blocks(pages)


def read_pages(path: Path) -> list[Page]:
    """Every page's paragraphs and tables, with limits so a hostile file cannot hang us."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as raw

    started = time.monotonic()
    try:
        document = pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as err:
        if err.err_code == raw.FPDF_ERR_PASSWORD:
            raise PlanFormatError(
                f"Tệp PDF {path.name} có mật khẩu. Hãy mở bằng mật khẩu rồi lưu bản không "
                "khoá, hoặc dùng bản Word (.docx) của kế hoạch."
            ) from err
        raise damaged(path) from err
    plumber = None  # pdfplumber, opened only for pages with stamped annotations
    try:
        count = len(document)
        if count > MAX_PAGES:
            raise PlanFormatError(
                f"Tệp PDF {path.name} có {count} trang (giới hạn {MAX_PAGES}). Hãy tách "
                "phần kế hoạch và phụ lục phân công ra tệp riêng."
            )
        pages: list[Page] = []
        for index in range(count):
            if time.monotonic() - started > TIME_BUDGET_SECONDS:
                raise PlanFormatError(
                    f"Đọc tệp PDF {path.name} quá lâu (dừng ở trang {index + 1}/{count}). Hãy "
                    "dùng bản Word (.docx) của kế hoạch."
                )
            page = document[index]
            try:
                content = read_content(page, MAX_PAGE_CHARS)
            finally:
                page.close()
            stamped: list[dict] = []
            if content.has_annotations:
                if plumber is None:
                    import pdfplumber

                    plumber = pdfplumber.open(str(path))
                stamped = annotation_words(plumber.pages[index])
            pages.append(read_page(content, stamped, index + 1, path.name))
        return pages
    except KehoachError:
        raise
    except Exception as err:  # pdfium and pdfminer raise many kinds on damaged files
        raise damaged(path) from err
    finally:
        if plumber is not None:
            plumber.close()
        document.close()


def damaged(path: Path) -> PlanFormatError:
    return PlanFormatError(
        f"Không đọc được tệp PDF {path.name} (tệp hỏng hoặc không đúng định dạng PDF). Hãy "
        "dùng bản Word (.docx) của kế hoạch."
    )


def read_page(content: PageContent, stamped: list[dict], number: int, file_name: str) -> Page:
    if content.chars > MAX_PAGE_CHARS:
        raise PlanFormatError(
            f"Trang {number} của tệp PDF {file_name} có quá nhiều chữ ({content.chars:,} ký "
            "tự); không giống một trang kế hoạch. Hãy dùng bản Word (.docx)."
        )
    words = content.words + stamped
    if not any(w["text"].strip() for w in words):
        return Page(number, [], [], False, content.has_images)
    found = [t for t in find_tables(content.rules) if is_real_table(t)]
    boxes = [t.bbox for t in found]
    in_table: list[list[dict]] = [[] for _ in found]
    outside: list[dict] = []
    for word in words:
        index = box_of(word, boxes)
        (outside if index is None else in_table[index]).append(word)
    height = content.height
    items: list[Paragraph | Table] = []
    margin_lines: list[tuple[Line, str]] = []
    body_lines: list[list[Line]] = []
    for parts in group_lines(outside):
        first = parts[0]
        if len(parts) == 1 and first.bottom < height * MARGIN_BAND:
            margin_lines.append((first, "top"))
        elif len(parts) == 1 and first.top > height * (1 - MARGIN_BAND):
            margin_lines.append((first, "bottom"))
        body_lines.append(parts)
    walls = [(float(t.bbox[1]), float(t.bbox[3])) for t in found]
    right = max([float(t.bbox[2]) for t in found] + [content.width - left_margin(words)])
    for table, table_words in zip(found, in_table, strict=True):
        items.extend(read_tables(table, table_words))
    page = Page(number, items, margin_lines, True, content.has_images, content.lost_marks)
    page.rows, page.walls, page.right = body_lines, walls, right
    return page


def lay_out(pages: list[Page]) -> None:
    """Each page's lines joined into paragraphs among its tables, in reading order.

    Done once every page is read: a page of one-line paragraphs shows no wrapped line to
    learn the line step from, so the document's usual step (per point of type) stands in.
    """
    ratios: list[float] = []
    for page in pages:
        single = [parts[0] for parts in page.rows if len(parts) == 1]
        ratios.extend(wrap_ratios(single, column_right(single, page.right)))
    usual = statistics.median(ratios) if ratios else None
    for page in pages:
        page.items.extend(paragraphs(page.rows, page.walls, page.right, usual))
        page.items.sort(key=lambda item: item.top)
        page.rows = []


MAX_ANNOTATIONS = 50


def annotation_words(page) -> list[dict]:
    """Words drawn by form fields and signature stamps, as a PDF viewer shows them.

    An e-signed plan often gets its number and day ("Số: 196/KH-UBND", "ngày 04") stamped
    by the signing software into a signature field, not into the page text.
    """
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTContainer
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdftypes import resolve1

    def chars_of(item):
        if isinstance(item, LTChar):
            yield item
        elif isinstance(item, LTContainer):
            for child in item:
                yield from chars_of(child)

    manager = PDFResourceManager()
    device = PDFPageAggregator(manager)
    interpreter = PDFPageInterpreter(manager, device)
    words: list[dict] = []
    for annotation in page.annots[:MAX_ANNOTATIONS]:
        try:
            data = annotation["data"]
            appearance = resolve1(resolve1(data.get("AP") or {}).get("N"))
            if not hasattr(appearance, "attrs"):
                continue
            rect = [float(v) for v in resolve1(data["Rect"])]
            box = [float(v) for v in resolve1(appearance.attrs.get("BBox", [0, 0, 1, 1]))]
            sx = (rect[2] - rect[0]) / max(box[2] - box[0], 1e-6)
            sy = (rect[3] - rect[1]) / max(box[3] - box[1], 1e-6)
            ctm = (sx, 0, 0, sy, rect[0] - box[0] * sx, rect[1] - box[1] * sy)
            device.begin_page(page.page_obj, (1, 0, 0, 1, 0, 0))
            resources = resolve1(appearance.attrs.get("Resources")) or {}
            interpreter.init_resources(resources)
            interpreter.render_contents(resources, [appearance], ctm=ctm)
            device.end_page(page.page_obj)
            chars = [c for c in chars_of(device.get_result()) if c.get_text().strip()]
        except Exception:  # a damaged appearance stream only loses that stamp's words
            continue
        height = float(page.height)
        for char in chars:
            top, bottom = height - char.y1, height - char.y0
            last = words[-1] if words else None
            joins = (
                last is not None and abs(last["top"] - top) < 1 and 0 <= char.x0 - last["x1"] < 1.5
            )
            if joins:
                last["text"] += char.get_text()
                last["x1"] = char.x1
            else:
                words.append(
                    {
                        "text": char.get_text(),
                        "x0": char.x0,
                        "x1": char.x1,
                        "top": top,
                        "bottom": bottom,
                    }
                )
    for word in words:
        word["text"] = nfc(word["text"])
    return words


def left_margin(words: list[dict]) -> float:
    return min((w["x0"] for w in words), default=0.0)


def column_right(single: list[Line], least_right: float) -> float:
    """The text column's right edge: where the longest line ends, never left of the page
    width less the left margin (so a lone short line is not taken as full)."""
    return max([line.x1 for line in single] + [least_right])


def paragraphs(
    rows: list[list[Line]],
    walls: list[tuple[float, float]],
    least_right: float,
    usual: float | None = None,
) -> list[Paragraph]:
    """Join wrapped lines into paragraphs; a line split into columns stays a row of its own.

    No paragraph runs across a table (`walls`); `usual` is the document's line step per
    point of type, for a page with too few wrapped lines to learn its own.
    """
    single = [parts[0] for parts in rows if len(parts) == 1]
    right = column_right(single, least_right)
    pitch = line_pitch(single, right, usual)
    result: list[Paragraph] = []
    for parts in rows:
        if len(parts) > 1:
            result.append(Paragraph(lines=[parts[0]], parts=parts, right=right))
            continue
        line = parts[0]
        if result and result[-1].parts is not None and carries_column(result[-1], line):
            continue
        last = result[-1] if result and result[-1].parts is None else None
        above = last.lines[-1] if last is not None else None
        walled = above is not None and any(above.bottom <= top <= line.top for top, _ in walls)
        if last is not None and not walled and continues(last.lines, line, right, pitch):
            last.lines.append(line)
        else:
            result.append(Paragraph(lines=[line], right=right))
    return result


def carries_column(row: Paragraph, line: Line) -> bool:
    """A line right under one column of a borderless row is that cell's next line
    ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA" / "VIỆT NAM" in a plan's header); join it there."""
    assert row.parts is not None
    if line.top - max(part.bottom for part in row.parts) > 0.6 * line.size:
        return False
    middle = (line.x0 + line.x1) / 2
    for part in row.parts:
        if part.x0 - 2.0 <= middle <= part.x1 + 2.0 and line.x1 - line.x0 <= part.x1 - part.x0 + 4:
            others = [p for p in row.parts if p is not part]
            if any(p.x0 < line.x1 and line.x0 < p.x1 for p in others):
                return False
            part.text = f"{part.text} {line.text}"
            part.bottom = line.bottom
            return True
    return False


def drop_running_lines(pages: list[Page]) -> None:
    """Remove page numbers and headers/footers that repeat on many pages."""
    seen: dict[tuple[str, str], int] = {}
    for page in pages:
        for line, band in page.margin_lines:
            key = (band, re.sub(r"\d+", "#", line.text.lower()))
            seen[key] = seen.get(key, 0) + 1
    repeated = {key for key, count in seen.items() if count >= 3}
    for page in pages:
        drop: set[int] = set()
        for line, band in page.margin_lines:
            key = (band, re.sub(r"\d+", "#", line.text.lower()))
            if PAGE_NUMBER.match(line.text) or key in repeated:
                drop.add(id(line))
        if not drop:
            continue
        kept: list[Paragraph | Table] = []
        for item in page.items:
            if isinstance(item, Paragraph) and item.parts is None:
                item.lines = [line for line in item.lines if id(line) not in drop]
                if not item.lines:
                    continue
            kept.append(item)
        page.items = kept


def has_unruled_columns(page: Page) -> bool:
    """Three or more rows of three or more columns outside ruled tables: a borderless table."""
    rows = [i for i in page.items if isinstance(i, Paragraph) and i.parts and len(i.parts) >= 3]
    return len(rows) >= 3


def lone_line_after_sentence(before: list[Line], after: list[Line]) -> bool:
    """A page ended on a sentence and the next page starts with a capital: two paragraphs
    when either side of the break is a lone line, since word processors keep two lines of a
    paragraph on each side of a page break (widow and orphan control)."""
    if before[-1].text.rstrip()[-1:] not in ".;:!?" or not after[0].text[:1].isupper():
        return False
    return len(before) == 1 or len(after) == 1


def to_blocks(pages: list[Page]) -> list[Block]:
    """Pages in reading order as blocks; a table and a paragraph may run over a page break."""
    flow: list[Paragraph | Table] = []
    for page in pages:
        for index, item in enumerate(page.items):
            before = flow[-1] if flow else None
            first = index == 0
            if first and isinstance(item, Table) and isinstance(before, Table):
                if continue_table(before, item):
                    continue
            if first and isinstance(item, Paragraph) and isinstance(before, Paragraph):
                if before.parts is None and item.parts is None:
                    carried = continues(before.lines, item.lines[0], before.right, None)
                    if carried and not lone_line_after_sentence(before.lines, item.lines):
                        before.lines.extend(item.lines)
                        continue
            flow.append(item)
    blocks: list[Block] = []
    table_index = 0
    for item in flow:
        if isinstance(item, Paragraph):
            if item.parts is not None:
                cells = [part.text for part in item.parts]
                text = " ".join(cells)
                cell_bold = [part.bold for part in item.parts]
                block = Block(line=len(blocks) + 1, text=text, cells=cells, raw="\t".join(cells))
                block.cell_bold, block.bold = cell_bold, all(cell_bold)
            else:
                text = join_lines(item.lines)
                block = Block(line=len(blocks) + 1, text=text, raw=text)
                block.bold = all(line.bold for line in item.lines)
            blocks.append(block)
            continue
        table_index += 1
        for cells, merged, bold in zip(item.rows, item.merged, item.bold, strict=True):
            filled = [b for b, c in zip(bold, cells, strict=True) if c.strip()]
            blocks.append(
                Block(
                    line=len(blocks) + 1,
                    text=" ".join(c for c in cells if c),
                    cells=cells,
                    raw="\t".join(cells),
                    table=table_index,
                    merged=merged,
                    bold=bool(filled) and all(filled),
                    cell_bold=bold,
                )
            )
    return blocks
