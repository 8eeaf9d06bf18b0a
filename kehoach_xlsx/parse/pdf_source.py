"""What a PDF page holds, read with pdfium (pypdfium2, Apache/BSD): words with their boxes,
the ruling lines that draw tables, whether it has images or annotations.

pdfium is C++ and reads a page about 40 times faster than pdfminer's pure-Python content
interpreter; coordinates are turned to pdfplumber's (top-down, points) so the table finder
and the line logic work on them unchanged.
"""

from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as raw

from kehoach_xlsx.vntext import nfc

RULE_THICKNESS = 2.0  # a filled rectangle thinner than this is a drawn rule, not shading
WORD_GAP = 3.0  # as pdfplumber's x_tolerance: a wider gap between letters ends the word
LINE_SHIFT = 3.0  # a letter this far above or below the one before starts a new line
UNDECODED = {0, 0xFFFD, 0xFFFF}  # a glyph the font does not map to a character
LINE_END_HYPHEN = "\ufffe"  # pdfium's mark for a hyphen that ends a line
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
    textpage = page.get_textpage()
    try:
        count = raw.FPDFText_CountChars(textpage)
        words, lost = ([], 0) if count > max_chars else page_words(textpage, count, height)
    finally:
        textpage.close()
    has_images = False
    rules: list[dict] = []
    segments = 0
    for obj in page.get_objects(max_depth=4):
        if obj.type == raw.FPDF_PAGEOBJ_IMAGE:
            has_images = True
        elif obj.type == raw.FPDF_PAGEOBJ_PATH and segments < MAX_PATH_SEGMENTS:
            segments += raw.FPDFPath_CountSegments(obj.raw)
            rules.extend(path_rules(obj, height))
    annotations = raw.FPDFPage_GetAnnotCount(page) > 0
    has_text = any(w["text"].strip() for w in words) or (count > max_chars)
    return PageContent(words, rules, count, has_text, has_images, annotations, lost, width, height)


def page_words(textpage, count: int, height: float) -> tuple[list[dict], int]:
    """Words as pdfplumber's extract_words gives them, and how many tone marks were lost."""
    text = textpage.get_text_range(0, count) if count else ""
    if len(text) != count:  # characters outside the BMP: index one by one
        text = "".join(chr(raw.FPDFText_GetUnicode(textpage, i)) for i in range(count))
    rect = raw.FS_RECTF()
    box = ctypes.byref(rect)
    char_box = raw.FPDFText_GetLooseCharBox
    font_size = raw.FPDFText_GetFontSize
    words: list[dict] = []
    word: dict | None = None
    last_x0 = last_x1 = 0.0
    lost = 0
    for index, char in enumerate(text):
        if char.isspace():
            word = None
            continue
        if char == LINE_END_HYPHEN:
            char = "-"
        char_box(textpage, index, box)
        x0, x1, bottom = rect.left, rect.right, height - rect.bottom
        if ord(char) in UNDECODED or (ord(char) < 32):
            lost += 1
            continue
        if (
            word is not None
            and x1 - x0 < 0.05
            and char.isascii()
            and last_x0 <= x0 <= last_x1 + 0.5
        ):
            lost += 1  # a zero-width accent over the letter before that decodes as ASCII
            continue
        if (
            word is None
            or x0 - word["x1"] > WORD_GAP
            or x0 < word["x0"] - WORD_GAP
            or abs(bottom - word["bottom"]) > LINE_SHIFT
        ):
            size = font_size(textpage, index) or (rect.top - rect.bottom)
            word = {"text": char, "x0": x0, "x1": x1, "top": bottom - size, "bottom": bottom}
            words.append(word)
        else:
            word["text"] += char
            word["x1"] = max(word["x1"], x1)
        last_x0, last_x1 = x0, x1
    for item in words:
        item["text"] = nfc(item["text"])
    return words, lost


def path_rules(obj: pdfium.PdfObject, height: float) -> list[dict]:
    """Straight axis-aligned strokes of a path, and its filled subpaths thin enough to be
    rules; a wide filled rectangle is shading (Word paints highlighted text that way)."""
    fill = ctypes.c_int()
    stroke = ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj.raw, fill, stroke)
    matrix = obj.get_matrix()
    for parent in parents(obj):
        matrix = matrix.multiply(parent.get_matrix())
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


def parents(obj: pdfium.PdfObject):
    """Form XObjects that hold obj, innermost first (their matrices place it on the page)."""
    parent = getattr(obj, "container", None)
    while parent is not None and isinstance(parent, pdfium.PdfObject):
        yield parent
        parent = getattr(parent, "container", None)


def subpaths(obj: pdfium.PdfObject) -> list[list[tuple[float, float]]]:
    """Point lists of the path's straight subpaths (a closed one ends at its start)."""
    result: list[list[tuple[float, float]]] = []
    current: list[tuple[float, float]] = []
    x, y = ctypes.c_float(), ctypes.c_float()
    for index in range(raw.FPDFPath_CountSegments(obj.raw)):
        segment = raw.FPDFPath_GetPathSegment(obj.raw, index)
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
