"""What a PDF page holds, read with pdfium (pypdfium2, Apache/BSD): words with their boxes,
the ruling lines that draw tables, whether it has images or annotations.

pdfium is C++ and reads a page about 40 times faster than pdfminer's pure-Python content
interpreter; coordinates are turned to pdfplumber's (top-down, points) so the table finder
and the line logic work on them unchanged.
"""

from __future__ import annotations

import ctypes
import re
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from kehoach_xlsx.vntext import nfc

RULE_THICKNESS = 2.0  # a filled rectangle thinner than this is a drawn rule, not shading
WORD_GAP = 3.0  # as pdfplumber's x_tolerance: a wider gap between letters ends the word
LINE_SHIFT = 3.0  # a letter this far above or below the one before starts a new line
UNDECODED = {0, 0xFFFD, 0xFFFF}  # a glyph the font does not map to a character
LINE_END_HYPHEN = "\ufffe"  # pdfium's mark for a hyphen that ends a line
FORCE_BOLD = 1 << 18  # font descriptor flag 19
MAX_PATH_SEGMENTS = 20_000  # per page: a plan page draws a few hundred; more is a drawing


@dataclass
class PageContent:
    words: list[dict]  # text, x0, x1, top, bottom (pdfplumber's top-down coordinates)
    rules: list[dict]  # pdfplumber edges: straight drawn lines and thin filled rectangles
    chars: int  # characters on the page, spaces included
    has_text: bool
    has_images: bool
    has_annotations: bool
    lost_marks: int  # tone marks drawn with no known letter (dropped)
    width: float
    height: float


def read_content(page: pdfium.PdfPage, max_chars: int) -> PageContent:
    """Words and rules of one page; words are not read when the page has over max_chars."""
    width, height = float(page.get_width()), float(page.get_height())
    if page.get_rotation() in (90, 270):
        # pdfium gives the shown (turned) size but the letters' boxes on the page as drawn
        width, height = height, width
    textpage = page.get_textpage()
    try:
        count = raw.FPDFText_CountChars(textpage)
        words, lost = ([], 0) if count > max_chars else page_words(textpage, count, height)
    finally:
        textpage.close()
    drawing = Drawing(height)
    drawing.walk(page.raw, None, 0)
    annotations = raw.FPDFPage_GetAnnotCount(page) > 0
    has_text = any(w["text"].strip() for w in words) or (count > max_chars)
    return PageContent(
        words, drawing.rules, count, has_text, drawing.images, annotations, lost, width, height
    )


RUN = re.compile(r"\S+")
# a run where a tone mark may have decoded as ASCII ("câKu"), or with undecoded glyphs: these
# are read letter by letter; any other run is one word, boxed by its first and last letter
SUSPECT = re.compile(r"(?<=[^\W\d_])[!-/:-@A-Z\[-`{-~]|[\x00-\x1f\ufffd\uffff]")


def page_words(textpage, count: int, height: float) -> tuple[list[dict], int]:
    """Words as pdfplumber's extract_words gives them, and how many tone marks were lost.

    pdfium puts a space between letters set apart, so most runs of letters between spaces
    are words; checking every letter's box would cost a call per letter.
    """
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # characters outside the BMP: index one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    text = text.replace(LINE_END_HYPHEN, "-")
    reader = CharReader(textpage.raw, height)
    words: list[dict] = []
    for run in RUN.finditer(text):
        start, end = run.span()
        word = None if SUSPECT.search(run.group()) else reader.word(start, end, run.group())
        if word is not None:
            words.append(word)
        else:
            words.extend(reader.letters(start, run.group()))
    for item in words:
        item["text"] = nfc(item["text"])
    return words, reader.lost


class CharReader:
    """Boxes of a text page's characters in pdfplumber's coordinates (top = bottom - size)."""

    def __init__(self, textpage, height: float):
        self.textpage = textpage
        self.height = height
        self.rect = raw.FS_RECTF()
        self.ref = ctypes.byref(self.rect)
        self.name = (ctypes.c_ubyte * 128)()
        self.flags = ctypes.c_int()
        self.flags_ref = ctypes.byref(self.flags)
        self.lost = 0

    def box(self, index: int) -> tuple[float, float, float]:
        raw.FPDFText_GetLooseCharBox(self.textpage, index, self.ref)
        return self.rect.left, self.rect.right, self.height - self.rect.bottom

    def new_word(self, index: int, text: str, x0: float, x1: float, bottom: float) -> dict:
        size = raw.FPDFText_GetFontSize(self.textpage, index) or (self.rect.top - self.rect.bottom)
        return {
            "text": text,
            "x0": x0,
            "x1": x1,
            "top": bottom - size,
            "bottom": bottom,
            "bold": self.is_bold(index),
        }

    def is_bold(self, index: int) -> bool:
        """A bold face by its name ("TimesNewRomanPS-BoldMT", "…+Arial,Bold") or by the
        font's ForceBold flag; PDFs have no styles, so this is what a heading keeps."""
        length = raw.FPDFText_GetFontInfo(
            self.textpage, index, self.name, len(self.name), self.flags_ref
        )
        name = bytes(self.name[: max(min(length, len(self.name)) - 1, 0)]).lower()
        return b"bold" in name or b"black" in name or bool(self.flags.value & FORCE_BOLD)

    def word(self, start: int, end: int, text: str) -> dict | None:
        """The run as one word when its last letter follows its first on the same line."""
        x0, first_x1, bottom = self.box(start)
        if end - start == 1:
            return self.new_word(start, text, x0, first_x1, bottom)
        last_x0, x1, last_bottom = self.box(end - 1)
        if abs(last_bottom - bottom) > LINE_SHIFT or last_x0 < x0:
            return None
        return self.new_word(start, text, x0, max(x1, first_x1), max(bottom, last_bottom))

    def letters(self, start: int, text: str) -> list[dict]:
        """The run letter by letter: split at gaps and line changes, lost marks dropped."""
        words: list[dict] = []
        word: dict | None = None
        last_x0 = last_x1 = 0.0
        for index, char in enumerate(text, start=start):
            x0, x1, bottom = self.box(index)
            if ord(char) in UNDECODED or ord(char) < 32:
                self.lost += 1
                continue
            if word is not None and x1 - x0 < 0.05 and char.isascii():
                if last_x0 <= x0 <= last_x1 + 0.5:
                    self.lost += 1  # a zero-width accent over the letter before, as ASCII
                    continue
            if (
                word is None
                or x0 - word["x1"] > WORD_GAP
                or x0 < word["x0"] - WORD_GAP
                or abs(bottom - word["bottom"]) > LINE_SHIFT
            ):
                word = self.new_word(index, char, x0, x1, bottom)
                words.append(word)
            else:
                word["text"] += char
                word["x1"] = max(word["x1"], x1)
            last_x0, last_x1 = x0, x1
        return words


MAX_FORM_DEPTH = 4


class Drawing:
    """The page's objects walked with pdfium's own calls (no helper object per text run):
    images noted, ruling lines kept, form XObjects entered with their matrices."""

    def __init__(self, height: float):
        self.height = height
        self.images = False
        self.rules: list[dict] = []
        self.segments = 0

    def walk(self, container, matrix: pdfium.PdfMatrix | None, depth: int) -> None:
        in_form = matrix is not None
        count = (raw.FPDFFormObj_CountObjects if in_form else raw.FPDFPage_CountObjects)(container)
        get = raw.FPDFFormObj_GetObject if in_form else raw.FPDFPage_GetObject
        for index in range(max(count, 0)):
            obj = get(container, index)
            kind = raw.FPDFPageObj_GetType(obj)
            if kind == raw.FPDF_PAGEOBJ_IMAGE:
                self.images = True
            elif kind == raw.FPDF_PAGEOBJ_PATH and self.segments < MAX_PATH_SEGMENTS:
                self.segments += raw.FPDFPath_CountSegments(obj)
                self.rules.extend(path_rules(obj, placed(obj, matrix), self.height))
            elif kind == raw.FPDF_PAGEOBJ_FORM and depth < MAX_FORM_DEPTH:
                self.walk(obj, placed(obj, matrix), depth + 1)


def placed(obj, outer: pdfium.PdfMatrix | None) -> pdfium.PdfMatrix:
    """The object's matrix followed by that of the form holding it."""
    fs_matrix = raw.FS_MATRIX()
    raw.FPDFPageObj_GetMatrix(obj, fs_matrix)
    matrix = pdfium.PdfMatrix.from_raw(fs_matrix)
    return matrix if outer is None else matrix.multiply(outer)


def path_rules(obj, matrix: pdfium.PdfMatrix, height: float) -> list[dict]:
    """Straight axis-aligned strokes of a path, and its filled subpaths thin enough to be
    rules; a wide filled rectangle is shading (Word paints highlighted text that way)."""
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj, fill, stroke)
    rules: list[dict] = []
    for points in subpaths(obj):
        page_points = [matrix.on_point(x, y) for x, y in points]
        flipped = [(x, height - y) for x, y in page_points]
        if stroke.value:
            for a, b in zip(flipped, flipped[1:], strict=False):
                rules.extend(edge(a, b))
        elif fill.value and len(flipped) > 1:
            xs = [x for x, _ in flipped]
            ys = [y for _, y in flipped]
            left, right, top, bottom = min(xs), max(xs), min(ys), max(ys)
            if min(right - left, bottom - top) <= RULE_THICKNESS:
                corners = [(left, top), (right, top), (right, bottom), (left, bottom), (left, top)]
                for a, b in zip(corners, corners[1:], strict=False):
                    rules.extend(edge(a, b))
    return rules


def subpaths(obj) -> list[list[tuple[float, float]]]:
    """Point lists of the path's straight subpaths (a closed one ends at its start)."""
    result: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(raw.FPDFPath_CountSegments(obj)):
        segment = raw.FPDFPath_GetPathSegment(obj, index)
        kind = raw.FPDFPathSegment_GetType(segment)
        raw.FPDFPathSegment_GetPoint(segment, x, y)
        point = (x.value, y.value)
        if kind == raw.FPDF_SEGMENT_MOVETO or kind != raw.FPDF_SEGMENT_LINETO:
            if len(current) > 1:
                result.append(current)
            current = [point] if kind == raw.FPDF_SEGMENT_MOVETO else []
            continue  # a curve breaks the straight run
        current.append(point)
        if raw.FPDFPathSegment_GetClose(segment) and current:
            current.append(current[0])
            result.append(current)
            current = [current[-1]]
    if len(current) > 1:
        result.append(current)
    return result


def edge(a: tuple[float, float], b: tuple[float, float]) -> list[dict]:
    """pdfplumber's edge for a horizontal or vertical segment; nothing for a slanted one."""
    (x0, y0), (x1, y1) = a, b
    if abs(y0 - y1) <= 0.5 and abs(x0 - x1) > 0.5:
        orientation = "h"
        y0 = y1 = (y0 + y1) / 2
    elif abs(x0 - x1) <= 0.5 and abs(y0 - y1) > 0.5:
        orientation = "v"
        x0 = x1 = (x0 + x1) / 2
    else:
        return []
    left, right, top, bottom = min(x0, x1), max(x0, x1), min(y0, y1), max(y0, y1)
    return [
        {
            "object_type": "line_edge",
            "orientation": orientation,
            "x0": left,
            "x1": right,
            "top": top,
            "bottom": bottom,
            "width": right - left,
            "height": bottom - top,
        }
    ]
