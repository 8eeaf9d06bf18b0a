"""Readers: turn a plan file (text, Markdown, docx, spreadsheet, doc/pdf) into blocks.

Each reader guards against what arrives from outside: sizes are checked before reading,
the real format is sniffed from the bytes, and every failure becomes a Vietnamese
PlanFormatError / InputFileError instead of a library traceback.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import zipfile
from datetime import date, datetime
from pathlib import Path

from kehoach_xlsx.errors import InputFileError, PlanFormatError
from kehoach_xlsx.legacy import detect_legacy, to_unicode
from kehoach_xlsx.model import PlanWarning
from kehoach_xlsx.parse.blocks import Block, with_marks

MAX_TEXT_BYTES = 20 * 1024 * 1024  # a 300-page plan is ~1 MB of text
MAX_ZIP_UNCOMPRESSED = 200 * 1024 * 1024
MAX_SHEET_ROWS = 20_000
TEXT_SUFFIXES = {".txt", ".md", ".markdown", ".text", ".csv", ".tsv", ""}
SHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}


def sniff(path: Path) -> str:
    """The real kind of a file from its first bytes: zip, ole, pdf, rtf or text."""
    with path.open("rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04") or head.startswith(b"PK\x05\x06"):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    return "text"


def check_size(path: Path, limit: int) -> None:
    size = path.stat().st_size
    if size > limit:
        raise InputFileError(
            f"Tệp {path.name} quá lớn ({size // (1024 * 1024)} MB, giới hạn "
            f"{limit // (1024 * 1024)} MB). Kế hoạch thường chỉ vài trăm KB: hãy kiểm tra "
            "đúng tệp chưa, hoặc tách phần phụ lục ra tệp riêng."
        )


def read_text_blocks(path: Path, warnings: list[PlanWarning]) -> list[Block]:
    """Lines of a text/Markdown file; a line with tabs (or |pipes|) is a table row."""
    check_size(path, MAX_TEXT_BYTES)
    data = path.read_bytes()
    if not data.strip():
        raise PlanFormatError(f"Tệp {path.name} trống: không có nội dung kế hoạch nào để đọc.")
    text = decode_text(data, path, warnings)
    blocks: list[Block] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        blocks.append(text_line_block(number, raw))
    return blocks


def text_line_block(number: int, raw: str) -> Block:
    line = raw.rstrip("\r\n")
    if "\t" in line:
        cells = line.split("\t")
        return with_marks(Block(line=number, text=line.replace("\t", " "), cells=cells, raw=raw))
    stripped = line.strip()
    if stripped.startswith("|") and stripped.endswith("|") and stripped.count("|") >= 3:
        cells = [c.strip() for c in stripped.strip("|").split("|")]
        return with_marks(Block(line=number, text=" ".join(cells), cells=cells, raw=raw))
    return with_marks(Block(line=number, text=line, raw=raw))


def decode_text(data: bytes, path: Path, warnings: list[PlanWarning]) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else a legacy code page with a warning."""
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanFormatError(
            f"Tệp {path.name} không phải văn bản (có dữ liệu nhị phân). Hãy mở bằng Word và "
            "lưu lại dạng .docx hoặc .txt (UTF-8)."
        )
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16", errors="replace")
    sample = data[:65536]
    controls = sum(1 for byte in sample if byte < 32 and byte not in (9, 10, 12, 13))
    if controls > len(sample) // 100:
        raise PlanFormatError(
            f"Tệp {path.name} không phải văn bản (có dữ liệu nhị phân). Hãy mở bằng Word và "
            "lưu lại dạng .docx hoặc .txt (UTF-8)."
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    legacy_text = data.decode("latin-1")
    legacy = detect_legacy(legacy_text)
    if legacy is not None:
        # an old document typed with TCVN3 (.VnTime) or VNI fonts
        warnings.append(
            PlanWarning(
                "legacy_encoding",
                f"Tệp dùng bảng mã cũ {legacy.upper()}; đã chuyển sang Unicode. Hãy kiểm tra dấu "
                "tiếng Việt (chữ hoa có dấu của TCVN3 có thể thành chữ thường).",
                path.name,
                None,
            )
        )
        return to_unicode(legacy_text, legacy)
    text = data.decode("cp1258", errors="replace")
    bad = text.count("\ufffd")
    if bad > len(text) // 20:
        raise PlanFormatError(
            f"Tệp {path.name} không đọc được như văn bản tiếng Việt. Hãy lưu lại dạng UTF-8 "
            "hoặc .docx rồi thử lại."
        )
    warnings.append(
        PlanWarning(
            "legacy_encoding",
            "Tệp không ở dạng UTF-8; đã đọc theo bảng mã Windows-1258. Hãy kiểm tra dấu tiếng Việt.",
            path.name,
            None,
        )
    )
    return text


def check_zip(path: Path, required: str, kind_name: str) -> zipfile.ZipFile:
    """Open a zip container after checking it is the kind we expect and not a zip bomb."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile as err:
        raise PlanFormatError(
            f"Tệp {path.name} bị hỏng (không mở được như tệp {kind_name}). Hãy mở bằng phần mềm "
            "văn phòng và lưu lại."
        ) from err
    names = archive.namelist()
    total = sum(info.file_size for info in archive.infolist())
    if total > MAX_ZIP_UNCOMPRESSED or len(names) > 10_000:
        archive.close()
        raise PlanFormatError(
            f"Tệp {path.name} giải nén ra quá lớn ({total // (1024 * 1024)} MB): có thể là tệp "
            "độc hại (zip bomb). Không đọc."
        )
    if required not in names:
        archive.close()
        found = (
            "Excel"
            if "xl/workbook.xml" in names
            else "Word"
            if "word/document.xml" in names
            else ""
        )
        hint = f" (bên trong là tệp {found})" if found else ""
        raise PlanFormatError(
            f"Tệp {path.name} không phải tệp {kind_name} hợp lệ{hint}. Hãy kiểm tra đuôi tệp "
            "hoặc lưu lại đúng định dạng."
        )
    return archive


def read_docx_blocks(path: Path, warnings: list[PlanWarning]) -> list[Block]:
    """Paragraphs and table rows of a .docx in document order (merged cells de-duplicated)."""
    import docx  # python-docx
    from docx.oxml.ns import qn

    check_zip(path, "word/document.xml", "Word (.docx)").close()
    try:
        document = docx.Document(str(path))
    except Exception as err:  # python-docx raises many kinds on damaged XML
        raise PlanFormatError(f"Không đọc được tệp Word {path.name}: {err}") from err
    blocks: list[Block] = []
    number = 0
    table_index = 0
    style_names = {style.style_id: style.name or "" for style in document.styles}
    from kehoach_xlsx.parse.docx_numbering import WordNumbering  # python-docx only when needed

    numbering = WordNumbering(document)
    body = document.element.body
    for child in body.iterchildren():
        if child.tag == qn("w:p"):
            number += 1
            text = paragraph_text(child)
            label = numbering.label(child)
            if label and text.strip():
                text = f"{label} {text.lstrip()}"  # "1.", "a)", "-" Word prints, not stores
            bold, level, list_level = paragraph_marks(child, style_names)
            for piece in text.split("\n") if "\n" in text else [text]:
                block = text_line_block(number, piece)
                block.bold = block.bold or bold
                block.heading_level = block.heading_level or level
                block.list_level = list_level
                blocks.append(block)
        elif child.tag == qn("w:tbl"):
            table_index += 1
            above: dict[int, str] = {}  # grid column -> text of the cell a vMerge continues
            for row in child.findall(qn("w:tr")):
                number += 1
                cells: list[str] = []
                cell_bold: list[bool] = []
                merged: set[int] = set()
                for tc in row.findall(qn("w:tc")):
                    props = tc.find(qn("w:tcPr"))
                    span = 1
                    continued = False
                    if props is not None:
                        grid = props.find(qn("w:gridSpan"))
                        if grid is not None:
                            span = int(grid.get(qn("w:val"), "1") or 1)
                        vmerge = props.find(qn("w:vMerge"))
                        # a vertically merged cell repeats its text only in the first row
                        continued = vmerge is not None and vmerge.get(qn("w:val")) != "restart"
                    grid_column = len(cells)
                    if continued:
                        # a vertically merged cell means the same value on every row it spans
                        # (one lead for several tasks); the TT column stays empty so that a
                        # merged number still reads as one task continued
                        text = above.get(grid_column, "") if grid_column > 0 else ""
                    else:
                        text = "\n".join(
                            numbered_text(p, numbering) for p in tc.iter(qn("w:p"))
                        ).strip("\n")
                        above[grid_column] = text
                    if span > 1:
                        merged.add(len(cells))
                    cells.append(text)
                    cells.extend([""] * (span - 1))
                    bold = bool(text.strip()) and all_bold(tc.iter(qn("w:r")))
                    cell_bold.extend([bold] * span)
                blocks.append(
                    Block(
                        line=number,
                        text=" ".join(c for c in cells if c),
                        cells=cells,
                        raw="\t".join(cells),
                        table=table_index,
                        merged=merged,
                        cell_bold=cell_bold,
                        bold=any(cell_bold)
                        and all(b for b, c in zip(cell_bold, cells, strict=True) if c.strip()),
                    )
                )
    return blocks


_HEADING_STYLE = re.compile(r"^(?:heading|tiêu đề|title)\s*(\d)?$", re.IGNORECASE)


def paragraph_marks(paragraph, style_names: dict[str, str]) -> tuple[bool, int | None, int | None]:
    """(bold, heading level, list level) of a w:p: run bold, "Heading N" style, numbering."""
    from docx.oxml.ns import qn

    props = paragraph.find(qn("w:pPr"))
    level = list_level = None
    if props is not None:
        style = props.find(qn("w:pStyle"))
        if style is not None:
            style_id = style.get(qn("w:val"), "")
            name = style_names.get(style_id, style_id)
            heading = _HEADING_STYLE.match(name.strip()) or _HEADING_STYLE.match(style_id)
            if heading:
                level = int(heading.group(1) or 1)
        numbering = props.find(qn("w:numPr"))
        if numbering is not None:
            ilvl = numbering.find(qn("w:ilvl"))
            value = ilvl.get(qn("w:val"), "0") if ilvl is not None else "0"
            list_level = int(value) if value.isdigit() else 0
    return all_bold(paragraph.iter(qn("w:r"))), level, list_level


def all_bold(runs) -> bool:
    """Every run that prints text is bold (w:b on, not w:b w:val="0")."""
    from docx.oxml.ns import qn

    seen = False
    for run in runs:
        if not "".join(t.text or "" for t in run.iter(qn("w:t"))).strip():
            continue
        seen = True
        props = run.find(qn("w:rPr"))
        mark = props.find(qn("w:b")) if props is not None else None
        if mark is None or mark.get(qn("w:val"), "1") in {"0", "false", "off"}:
            return False
    return seen


def numbered_text(paragraph, numbering) -> str:
    """A cell paragraph with its automatic number: an "STT" cell holds only the number."""
    text = paragraph_text(paragraph)
    label = numbering.label(paragraph)
    return f"{label} {text.lstrip()}".strip() if label else text


def paragraph_text(paragraph) -> str:
    """Text of a w:p element with tabs and line breaks kept (python-docx drops nothing here)."""
    from docx.oxml.ns import qn

    parts: list[str] = []
    for node in paragraph.iter():
        if node.tag == qn("w:t"):
            parts.append(node.text or "")
        elif node.tag == qn("w:tab"):
            parts.append("\t")
        elif node.tag in (qn("w:br"), qn("w:cr")):
            parts.append("\n")
    return "".join(parts)


def read_sheet_blocks(path: Path, warnings: list[PlanWarning]) -> list[Block]:
    """Rows of every visible sheet; numbers and dates turned into the text a person sees."""
    from python_calamine import CalamineWorkbook

    kind = sniff(path)
    suffix = path.suffix.lower()
    if suffix in {".xlsx", ".xlsm"}:
        check_zip(path, "xl/workbook.xml", "Excel (.xlsx)").close()
    elif suffix == ".ods":
        check_zip(path, "content.xml", "OpenDocument (.ods)").close()
    elif suffix == ".xls" and kind != "ole":
        raise PlanFormatError(f"Tệp {path.name} không phải tệp Excel 97-2003 (.xls) hợp lệ.")
    check_size(path, 100 * 1024 * 1024)
    try:
        workbook = CalamineWorkbook.from_path(str(path))
    except Exception as err:  # calamine raises its own error types per format
        raise PlanFormatError(f"Không đọc được bảng tính {path.name}: {err}") from err
    blocks: list[Block] = []
    for meta in workbook.sheets_metadata:
        if str(getattr(meta, "visible", "Visible")).lower().find("visible") < 0 or (
            "hidden" in str(getattr(meta, "visible", "")).lower()
        ):
            continue
        sheet = workbook.get_sheet_by_name(meta.name)
        rows = sheet.to_python(skip_empty_area=False, nrows=MAX_SHEET_ROWS + 1)
        fill_vertical_merges(rows, getattr(sheet, "merged_cell_ranges", None) or [])
        if len(rows) > MAX_SHEET_ROWS:
            raise PlanFormatError(
                f"Trang tính “{meta.name}” của {path.name} có hơn {MAX_SHEET_ROWS:,} dòng; "
                "một phụ lục kế hoạch không lớn như vậy. Hãy xoá các dòng thừa rồi thử lại."
            )
        for index, row in enumerate(rows, start=1):
            cells = [cell_text(value) for value in row]
            while cells and not cells[-1].strip():
                cells.pop()
            filled = [c for c in cells if c.strip()]
            if len(filled) == 1 and cells and cells[0].strip():
                # a title or heading typed in the first column (or a merged row)
                blocks.append(Block(line=index, text=cells[0], raw=cells[0], sheet=meta.name))
            else:
                blocks.append(
                    Block(
                        line=index,
                        text=" ".join(filled),
                        cells=cells,
                        raw="\t".join(cells),
                        sheet=meta.name,
                    )
                )
    return blocks


def fill_vertical_merges(rows: list[list], ranges) -> None:
    """Copy a vertically merged cell's value to every row it spans (not in the first column).

    Excel keeps the value only in the top cell; for a plan that merges one lead unit over
    three task rows, each of the three tasks has that lead.
    """
    for (top, left), (bottom, right) in ranges:
        if bottom <= top or top >= len(rows):
            continue
        for col in range(max(left, 1), right + 1):
            value = rows[top][col] if col < len(rows[top]) else None
            for row in range(top + 1, min(bottom, len(rows) - 1) + 1):
                while len(rows[row]) <= col:
                    rows[row].append("")
                if rows[row][col] in ("", None):
                    rows[row][col] = value


def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def convert_with_office(path: Path, target: str) -> Path:
    """Convert .doc/.rtf/.odt (and friends) with LibreOffice into a temp folder; path of result."""
    from kehoach_xlsx.office import find_soffice

    soffice = find_soffice()
    if not soffice:
        raise InputFileError(
            f"Không đọc trực tiếp được tệp {path.name}. Hãy mở bằng Word/LibreOffice và "
            "“Lưu thành” .docx, rồi chạy lại với tệp .docx (hoặc cài LibreOffice để tự chuyển)."
        )
    outdir = Path(tempfile.mkdtemp(prefix="kehoach-convert-"))
    profile = outdir / "profile"
    try:
        # an .html plan opens in Writer/Web, which cannot save .docx: read it as a Writer text
        html_input = path.suffix.lower() in {".html", ".htm"}
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation={profile.absolute().as_uri()}",
                "--headless",
                "--norestore",
                *(["--infilter=HTML (StarWriter)"] if html_input else []),
                "--convert-to",
                "docx:MS Word 2007 XML" if target == "docx" else target,
                "--outdir",
                str(outdir),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=120,
            env={**os.environ, "HOME": str(outdir)},
        )
    except (subprocess.SubprocessError, OSError) as err:
        raise PlanFormatError(
            f"LibreOffice không chuyển được tệp {path.name}. Hãy mở bằng Word và lưu thành .docx."
        ) from err
    results = [p for p in outdir.iterdir() if p.is_file() and p.suffix == f".{target}"]
    if not results:
        raise PlanFormatError(
            f"LibreOffice không chuyển được tệp {path.name}. Hãy mở bằng Word và lưu thành .docx."
        )
    return results[0]


def read_pdf_blocks(path: Path, warnings: list[PlanWarning]) -> list[Block]:
    """Paragraphs and table rows of a text-layer PDF (see parse/pdf.py)."""
    from kehoach_xlsx.parse.pdf import read_pdf

    return read_pdf(path, warnings)


def load_blocks(path: Path, warnings: list[PlanWarning]) -> list[Block]:
    """Pick the reader from the file's real content (the extension is only a hint)."""
    if not path.exists():
        raise InputFileError(f"Không tìm thấy tệp {path}. Hãy kiểm tra lại đường dẫn.")
    if path.is_dir():
        raise InputFileError(f"{path} là thư mục, không phải tệp kế hoạch.")
    if path.stat().st_size == 0:
        raise PlanFormatError(f"Tệp {path.name} trống: không có nội dung kế hoạch nào để đọc.")
    suffix = path.suffix.lower()
    kind = sniff(path)
    if kind == "pdf":
        return read_pdf_blocks(path, warnings)
    if suffix == ".docx":
        if kind != "zip":
            raise PlanFormatError(
                f"Tệp {path.name} có đuôi .docx nhưng không phải tệp Word. Hãy mở bằng Word và lưu lại."
            )
        return read_docx_blocks(path, warnings)
    if suffix in SHEET_SUFFIXES:
        return read_sheet_blocks(path, warnings)
    if suffix in {".doc", ".rtf", ".odt", ".wpd", ".html", ".htm"} or kind in {"ole", "rtf"}:
        converted = convert_with_office(path, "docx")
        try:
            return read_docx_blocks(converted, warnings)
        finally:
            shutil.rmtree(converted.parent, ignore_errors=True)
    if kind == "zip":
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
        if "word/document.xml" in names:
            return read_docx_blocks(path, warnings)
        if "xl/workbook.xml" in names or "content.xml" in names:
            return read_sheet_blocks(path, warnings)
        raise PlanFormatError(f"Tệp {path.name} là tệp nén không chứa văn bản kế hoạch.")
    if suffix in TEXT_SUFFIXES or kind == "text":
        return read_text_blocks(path, warnings)
    raise InputFileError(
        f"Chưa hỗ trợ định dạng {suffix} ({path.name}). Dùng .docx, .txt, .md, .xlsx, .xls, .ods."
    )
