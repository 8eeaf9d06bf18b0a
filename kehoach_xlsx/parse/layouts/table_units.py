"""Several units in one table cell: one item per distinct body.

"Bộ A, Bộ B và các bộ, ngành liên quan" -> ["Bộ A", "Bộ B", "các bộ, ngành liên quan"];
"Sở Văn hóa, Thể thao và Du lịch" and "các sở, ban, ngành" stay whole; "Các Cục: A, B" (a
kind of body followed by its names) -> ["A", "B"]. Splitting on ";" and new lines is left to
split_units, which every lead and coordinate value goes through afterwards.
"""

from __future__ import annotations

import re

from kehoach_xlsx.parse.vocabulary import AGENCY_HEADS

_HEADS = "|".join(sorted(map(re.escape, AGENCY_HEADS), key=len, reverse=True))
_HEAD = re.compile(rf"^(?:{_HEADS})(?=\s|$)")
_JOINER = re.compile(r",\s*và\s+|,\s*|\s+và\s+")
_KIND_LIST = re.compile(r"^\s*(?:các|những)\s+[^:;,()]{1,25}:\s*", re.IGNORECASE)
# "Bộ A với các tiêu chuẩn áp dụng chung": what the body answers for, not part of its name
_SCOPE = re.compile(r"\s+với\s+(?:các|những|mọi)\s+[a-zđ].*$")
_COUNCIL = re.compile(r"(?:HĐND|Hội đồng nhân dân)$")
_COMMITTEE = re.compile(r"^(?:UBND|Ủy ban nhân dân|Uỷ ban nhân dân)\b")


def split_cell_units(text: str) -> str:
    """The cell with one body per line (the lines split_units reads as separate units)."""
    kinds = _KIND_LIST.match(text)
    if kinds:
        rest = text[kinds.end() :]
        first, dot, after = rest.partition(". ")  # "Các Cục: A; B. Vụ C": the list ends at "."
        separator = ";" if ";" in first else ","
        names = [n.strip() for n in first.split(separator) if n.strip()]
        text = "\n".join(names) + (f"\n{after}" if dot else "")
    lines = []
    for line in re.split(r"\s*;\s*|\n+", text):
        lines.extend(split_bodies(line))
    return "\n".join(lines)


def split_bodies(text: str) -> list[str]:
    """ "Bộ A, Bộ B và các bộ, ngành" -> three bodies; names with inner commas stay whole."""
    pieces: list[str] = []
    current = ""
    depth = 0
    position = 0
    for match in _JOINER.finditer(text):
        before = text[position : match.start()]
        depth += before.count("(") - before.count(")")
        following = text[match.end() :]
        current += before
        if depth <= 0 and current.strip() and opens_body(current.strip(), following):
            pieces.append(current.strip())
            current = ""
        else:
            current += match.group(0)
        position = match.end()
    current += text[position:]
    if current.strip():
        pieces.append(current.strip())
    return [_SCOPE.sub("", piece) for piece in pieces]


def opens_body(current: str, following: str) -> bool:
    """Does the text after a comma or "và" name another body than the one before it?"""
    if _COUNCIL.search(current) and _COMMITTEE.match(following):
        return False  # "Văn phòng HĐND và UBND" is one office
    if _HEAD.match(following):
        return True
    # "Bộ A và các bộ, ngành": a collective after a named body (inside one it goes on)
    named = current[:1].isupper() and not current.lower().startswith(("các ", "những "))
    return named and following.lower().startswith(("các ", "những "))
