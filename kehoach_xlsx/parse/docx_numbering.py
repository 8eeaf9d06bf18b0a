"""The numbers Word prints in front of auto-numbered paragraphs ("1.", "a)", "II.", "-").

Word does not store them in the text: a paragraph carries a list (numId) and a level, the
numbering part says how each level is written, and the reader counts. A plan typed with
automatic numbering ("STT" cells of a table, "1." headings) would otherwise lose every number,
and the same plan saved as text keeps them; so the reader counts as Word does.
"""

from __future__ import annotations

from dataclasses import dataclass

from docx.oxml.ns import qn

BULLET = "-"  # a symbol-font bullet printed as the dash plain text uses
BULLET_MARKS = {"-", "+", "–", "•", "*"}


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."


def _int(value: str | None, default: int) -> int:
    """A number attribute of untrusted XML ("" or "x" read as the default)."""
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


def _value(element, tag: str) -> str | None:
    found = element.find(qn(tag)) if element is not None else None
    return found.get(qn("w:val")) if found is not None else None


class WordNumbering:
    """Counts the lists of one .docx in document order; label() gives the printed number."""

    def __init__(self, document) -> None:
        self.levels: dict[str, dict[int, _Level]] = {}  # abstractNumId -> level -> format
        self.lists: dict[str, tuple[str, dict[int, int]]] = {}  # numId -> abstract, restarts
        self.counters: dict[str, dict[int, int]] = {}
        self.started: set[str] = set()
        self.style_lists: dict[str, tuple[str, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return  # no numbering part: nothing is numbered
        for abstract in root.findall(qn("w:abstractNum")):
            levels = {}
            for lvl in abstract.findall(qn("w:lvl")):
                level = _Level(
                    _int(_value(lvl, "w:start"), 1),
                    _value(lvl, "w:numFmt") or "decimal",
                    _value(lvl, "w:lvlText") or "",
                )
                levels[_int(lvl.get(qn("w:ilvl")), 0)] = level
            self.levels[abstract.get(qn("w:abstractNumId"))] = levels
        for num in root.findall(qn("w:num")):
            restarts = {}
            for override in num.findall(qn("w:lvlOverride")):
                start = _value(override, "w:startOverride")
                if start is not None:
                    restarts[_int(override.get(qn("w:ilvl")), 0)] = _int(start, 1)
            self.lists[num.get(qn("w:numId"))] = (_value(num, "w:abstractNumId") or "", restarts)
        for style in document.styles:
            props = style.element.find(qn("w:pPr"))
            numbering = props.find(qn("w:numPr")) if props is not None else None
            if numbering is not None and _value(numbering, "w:numId"):
                level = _int(_value(numbering, "w:ilvl"), 0)
                self.style_lists[style.style_id] = (_value(numbering, "w:numId") or "", level)

    def label(self, paragraph) -> str:
        """The number printed before this w:p ("" when none); advances the count."""
        props = paragraph.find(qn("w:pPr"))
        if props is None:
            return ""
        numbering = props.find(qn("w:numPr"))
        num_id, level = None, 0
        if numbering is not None:
            num_id = _value(numbering, "w:numId")
            level = _int(_value(numbering, "w:ilvl"), 0)
        else:
            style = _value(props, "w:pStyle")
            if style in self.style_lists:
                num_id, level = self.style_lists[style]
        if not num_id or num_id == "0" or num_id not in self.lists:
            return ""
        abstract, restarts = self.lists[num_id]
        levels = self.levels.get(abstract, {})
        counters = self.counters.setdefault(abstract, {})
        if num_id not in self.started:
            self.started.add(num_id)
            for restart_level, start in restarts.items():
                counters[restart_level] = start - 1
        current = levels.get(level, _Level(text=f"%{level + 1}."))
        counters[level] = counters.get(level, current.start - 1) + 1
        for deeper in [k for k in counters if k > level]:
            del counters[deeper]  # a new item restarts the levels below it
        if current.fmt == "bullet":
            return current.text if current.text in BULLET_MARKS else BULLET
        text = current.text
        for index in range(9):
            mark = f"%{index + 1}"
            if mark in text:
                shown = levels.get(index, _Level())
                count = counters.get(index, shown.start)
                text = text.replace(mark, _format(count, shown.fmt))
        return text.strip()


def _format(number: int, fmt: str) -> str:
    if fmt in {"upperRoman", "lowerRoman"} and 0 < number < 4000:
        roman = _roman(number)
        return roman if fmt == "upperRoman" else roman.lower()
    if fmt in {"upperLetter", "lowerLetter"}:
        letters = ""
        while number > 0:
            number, rest = divmod(number - 1, 26)
            letters = chr(ord("A") + rest) + letters
        return letters if fmt == "upperLetter" else letters.lower()
    if fmt == "decimalZero":
        return f"{number:02d}"
    if fmt == "none":
        return ""
    return str(number)


def _roman(number: int) -> str:
    result = ""
    for value, numeral in (
        (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
        (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
    ):  # fmt: skip
        while number >= value:
            result += numeral
            number -= value
    return result
