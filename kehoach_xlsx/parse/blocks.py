"""The common shape every reader produces: a stream of numbered blocks (a line or a table row).

Readers (text, docx, spreadsheet) only turn bytes into blocks; everything that understands a
plan works on blocks, so a table typed in Word, a tab-separated text conversion and a sheet
row are handled by the same code.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from kehoach_xlsx.vntext import nfc


@dataclass
class Block:
    """One line of prose (cells is None) or one table row (cells holds the cell texts)."""

    line: int
    text: str
    cells: list[str] | None = None
    raw: str = ""
    sheet: str | None = None
    table: int | None = None  # docx: which table the row came from
    merged: set[int] = field(default_factory=set)  # docx: cell indexes that span columns
    # marks the reader knew (Markdown/HTML emphasis, Word bold and styles); text keeps its
    # markup for now, clean()/one_line() remove it
    bold: bool = False  # the whole line (or every filled cell of a row) is bold
    cell_bold: list[bool] | None = None  # per cell of a row
    heading_level: int | None = None  # "## …" or a Word "Heading 2" paragraph
    list_level: int | None = None  # Word list numbering level (0 = top)

    @property
    def is_blank(self) -> bool:
        if self.cells is not None:
            return not any(c.strip() for c in self.cells)
        return not self.text.strip()


_HEADING = re.compile(r"^\s*(#{1,6})\s+")
_BOLD_SPAN = re.compile(
    r"\*\*(?=\S)(.+?)\*\*|__(?=\S)(.+?)__|<(b|strong)\b[^>]*>(.*?)</\3\s*>",
    re.IGNORECASE | re.DOTALL,
)


def is_bold_markup(text: str) -> bool:
    """ "**Cơ quan** **chủ trì**", "<b>STT</b>": every visible word inside bold marks."""
    if "*" not in text and "_" not in text and "<" not in text:
        return False
    text = _HEADING.sub("", text)
    if not _BOLD_SPAN.search(text):
        return False
    outside = _BOLD_SPAN.sub(" ", text)
    return not re.search(r"\w", strip_markup(outside))


def heading_level(text: str) -> int | None:
    """ "## II. NHIỆM VỤ" -> 2."""
    match = _HEADING.match(text)
    return len(match.group(1)) if match else None


def with_marks(block: Block) -> Block:
    """Fill a text block's marks from its Markdown/HTML markup."""
    if block.cells is not None:
        block.cell_bold = [is_bold_markup(c) for c in block.cells]
        filled = [b for c, b in zip(block.cells, block.cell_bold, strict=True) if c.strip()]
        block.bold = bool(filled) and all(filled)
    else:
        block.bold = is_bold_markup(block.text)
        block.heading_level = heading_level(block.text)
    return block


_TAG = re.compile(r"<\s*(/?)\s*([a-zA-Z][a-zA-Z0-9]*)[^>]*>")
_BREAK_TAGS = {"br", "li", "p", "div", "tr"}
_ESCAPED_STAR = "\x00"


def strip_markup(text: str) -> str:
    """Remove HTML fragments and Markdown emphasis left by document conversion.

    "<p>Văn phòng HĐND và UBND.</p>" -> "Văn phòng HĐND và UBND."; "**2.1 Triển khai**" ->
    "2.1 Triển khai"; an escaped "\\*" (a literal bullet star) is kept as "*".
    """
    if "<" in text:

        def tag(match: re.Match[str]) -> str:
            name = match.group(2).lower()
            if name in _BREAK_TAGS and (match.group(1) or name in {"br", "li"}):
                return "\n"
            if name in _BREAK_TAGS:
                return "\n" if name == "p" else " "
            if name in {"b", "i", "u", "em", "strong", "span", "ul", "ol", "sup", "sub", "a"}:
                return " " if name in {"ul", "ol"} else ""
            return match.group(0)  # not a tag we know: keep the wording as printed

        text = _TAG.sub(tag, text)
        text = html.unescape(text)
    if "*" in text or "#" in text or "\\" in text:
        text = text.replace("\\*", _ESCAPED_STAR)
        text = re.sub(r"^\s*#{1,6}\s+", "", text)
        text = re.sub(r"\*{1,3}", "", text)
        text = text.replace(_ESCAPED_STAR, "*")
        text = re.sub(r"\\([\[\]()_.\-+!])", r"\1", text)
    return text


def clean(text: str) -> str:
    """Markup removed, NFC, white space collapsed within lines, blank lines dropped."""
    text = nfc(strip_markup(text)).replace("\u00a0", " ").replace("\u200b", "")
    lines = [" ".join(part.split()) for part in text.split("\n")]
    return "\n".join(line for line in lines if line)


def one_line(text: str) -> str:
    """clean() joined into one line."""
    return " ".join(clean(text).split("\n"))


_SEPARATOR_CELL = re.compile(r"^\s*[-=:|]+\s*$")


def is_separator_row(cells: list[str]) -> bool:
    """Rows like "--\\t---\\t--" that Markdown conversion leaves between table parts."""
    filled = [c for c in cells if c.strip()]
    return bool(filled) and all(_SEPARATOR_CELL.match(c) for c in filled)
