"""Lines of a PDF page and the paragraphs they make: words into visual lines, wrapped lines
joined back (a line that filled its column carries on in the next one)."""

from __future__ import annotations

import re
import statistics
import unicodedata
from dataclasses import dataclass

from kehoach_xlsx.vntext import nfc

NUMBER_MARKER = re.compile(
    r"^(?:[IVXLC]+[.)]\s|\d{1,3}[.)]\s|\d{1,3}(?:\.\d{1,3})+\.?\s|[a-zđ][)]\s|\(\d{1,3}\)\s)"
)
BULLET = re.compile(r"^[-+•*–]\s")


@dataclass
class Line:
    """A visual line of words (or one part of it, when a wide gap splits it into columns)."""

    top: float
    bottom: float
    x0: float
    x1: float
    text: str
    first_width: float  # width of the first word: would it have fitted on the line above?
    bold: bool = False  # every word is set in a bold font
    glued: bool = False  # carries on the word the line above broke off (no space between)

    @property
    def size(self) -> float:
        return max(self.bottom - self.top, 1.0)


def group_lines(words: list[dict]) -> list[list[Line]]:
    """Words into visual lines top to bottom, each line split into parts at wide gaps."""
    rows: list[list[dict]] = []
    for word in sorted(words, key=lambda w: (round(w["top"]), w["x0"])):
        middle = (word["top"] + word["bottom"]) / 2
        if rows and rows[-1][0]["top"] <= middle <= rows[-1][0]["bottom"]:
            rows[-1].append(word)
        else:
            rows.append([word])
    result: list[list[Line]] = []
    for row in rows:
        row.sort(key=lambda w: w["x0"])
        row = join_touching(row)
        size = median_of(sorted(w["bottom"] - w["top"] for w in row))
        gap = max(1.8 * size, 16.0)  # justified text stretches spaces far less
        parts: list[list[dict]] = [[row[0]]]
        for word in row[1:]:
            if word["x0"] - parts[-1][-1]["x1"] > gap:
                parts.append([word])
            else:
                parts[-1].append(word)
        result.append([make_line(part) for part in parts])
    return result


TOUCH = 0.1  # share of the font size: a narrower gap is inside a word (a space is ~0.25)


def join_touching(row: list[dict]) -> list[dict]:
    """Words of one line (sorted by x0) that touch joined into one word.

    A font without some Vietnamese letters makes the writer draw them from a fallback font
    in a second pass ("T" "NH" first, then "Ỉ" in the gap): in stream order they are separate
    words, on the page they are one ("TỈNH"). The row's own dicts are left untouched.
    """
    joined: list[dict] = []
    for word in row:
        last = joined[-1] if joined else None
        if last is not None and word["x0"] - last["x1"] < TOUCH * (last["bottom"] - last["top"]):
            if word["x0"] > last["x0"] and word["x1"] > last["x1"]:
                joined[-1] = {
                    **last,
                    "text": last["text"] + word["text"],
                    "x1": word["x1"],
                    "top": min(last["top"], word["top"]),
                    "bottom": max(last["bottom"], word["bottom"]),
                    "bold": last.get("bold", False) and word.get("bold", False),
                }
                continue
        joined.append(word)
    return joined


def median_of(values: list[float]) -> float:
    """Median of sorted values (statistics.median is slow on many tiny lists)."""
    half = len(values) // 2
    return values[half] if len(values) % 2 else (values[half - 1] + values[half]) / 2


def make_line(words: list[dict]) -> Line:
    return Line(
        top=min(w["top"] for w in words),
        bottom=max(w["bottom"] for w in words),
        x0=words[0]["x0"],
        x1=words[-1]["x1"],
        text=nfc(" ".join(w["text"] for w in words)),
        first_width=words[0]["x1"] - words[0]["x0"],
        bold=all(w.get("bold", False) for w in words),
    )


def sure_wraps(lines: list[Line], right: float) -> list[tuple[Line, Line]]:
    """Pairs of lines where the first filled the column and the second goes on in lower
    case: surely one paragraph wrapped."""
    return [
        (a, b)
        for a, b in zip(lines, lines[1:], strict=False)
        if b.top > a.top
        and b.text[:1].islower()
        and right - a.x1 <= b.first_width + 0.3 * b.size + 2.0
    ]


def wrap_ratios(lines: list[Line], right: float) -> list[float]:
    """Steps of sure wraps per point of type."""
    return [(b.top - a.top) / a.size for a, b in sure_wraps(lines, right)]


MIN_WRAPS = 3  # sure wraps a page needs to set its own line step


def line_pitch(lines: list[Line], right: float, usual: float | None = None) -> float:
    """The step from one line of a paragraph to the next on this page.

    Learnt from sure wraps: on a page of one-line paragraphs ("Đơn vị chủ trì: …",
    "Thời gian: …") most steps cross paragraph spacing, so the median of all steps would
    hide it. Too few on the page: the document's usual step per point (`usual`).
    """
    wraps = [b.top - a.top for a, b in sure_wraps(lines, right)]
    if len(wraps) >= MIN_WRAPS:
        return statistics.median(wraps)
    if usual is not None and lines:
        return usual * median_of(sorted(line.size for line in lines))
    steps = [b.top - a.top for a, b in zip(lines, lines[1:], strict=False) if b.top > a.top]
    return statistics.median(steps) if steps else 0.0


def continues(previous: list[Line], line: Line, right: float, pitch: float | None) -> bool:
    """Does line carry on the paragraph whose lines are `previous` (wrapped, not a new one)?

    The line above must have filled its column (the first word of this line would not have
    fitted after it), this line must not start a list item or sit further right (a first-line
    indent), and no extra space may separate them.
    """
    above = previous[-1]
    if right - above.x1 > line.first_width + 0.3 * line.size + 2.0:
        return False  # the line above ended early: a hard break
    text = line.text.lstrip("*_#> ")  # a Markdown text printed as is keeps its marks
    if NUMBER_MARKER.match(text):
        return False
    opener = previous[0].text.lstrip("*_#> ")
    if BULLET.match(text) and (BULLET.match(opener) or above.text[-1:] in ".;:!?"):
        return False  # a list goes on; a dash after a wrap ("Văn hóa - Xã hội") does not
    hanging = len(previous) == 1 and (NUMBER_MARKER.match(opener) or BULLET.match(opener))
    centred = abs((line.x0 + line.x1) - (above.x0 + above.x1)) < 6.0
    if line.x0 > above.x0 + 0.4 * line.size and not (hanging or centred):
        return False
    if pitch and line.top - above.top > 1.4 * pitch:
        return False
    return abs(line.size - above.size) <= 0.25 * above.size


def join_lines(lines: list[Line]) -> str:
    """One paragraph's lines as one line of text; "30/CT-" + "TTg" joins without a space."""
    text = ""
    for line in lines:
        if line.glued or (text.endswith("-") and len(text) > 1 and not text[-2].isspace()):
            text += line.text
        else:
            text = f"{text} {line.text}" if text else line.text
    return text


VOWELS = frozenset(  # every lower-case Latin letter whose base is a vowel: "ư", "ể", "ý"
    ch
    for ch in map(chr, range(0x61, 0x1F00))
    if ch.islower() and unicodedata.normalize("NFD", ch)[0] in "aeiouy"
)
DATE_HEAD = re.compile(r"[/.\-]\d+$")
LETTERS = re.compile(r"[^\W\d_]+(?![\w])")


def broken_word(above: Line, line: Line, right: float) -> bool:
    """Did a column too narrow for a word break it at the end of `above`?

    A word processor breaks inside a word only when the word fills the line, and then at
    the last letter that fits: the line above reaches the edge and this one starts with a
    tail no Vietnamese word can be, lower-case letters without a vowel ("chín" + "h",
    "Trun" + "g"), or the rest of a number cut after a date's slash ("II/20" + "27").
    """
    if right - above.x1 > line.size:  # the next letter is at most an em wide
        return False
    if DATE_HEAD.search(above.text) and line.text[:1].isdigit():
        return True
    if not line.text[:1].islower():
        return False
    head = LETTERS.match(line.text)
    if head is None or not head.group().islower() or len(head.group()) > 3:
        return False
    return VOWELS.isdisjoint(head.group())


def join_parts(parts: list[Line]) -> Line:
    first, last = parts[0], parts[-1]
    text = " ".join(part.text for part in parts)
    bottom = max(p.bottom for p in parts)
    bold = all(p.bold for p in parts)
    return Line(first.top, bottom, first.x0, last.x1, text, first.first_width, bold)
