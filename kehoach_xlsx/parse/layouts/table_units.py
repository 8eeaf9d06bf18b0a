"""Unit cells of a table made ready for split_units (which cuts between named bodies).

Two shapes a cell has that a list of names does not: "Các Cục: A, B" (a kind of body, then
its names) -> "A", "B"; and "Bộ A, Bộ B với các tiêu chuẩn …" (what the bodies answer for)
-> "Bộ A, Bộ B".
"""

from __future__ import annotations

import re

_KIND_LIST = re.compile(r"^\s*(?:các|những)\s+[^:;,()]{1,25}:\s*", re.IGNORECASE)
_SCOPE = re.compile(r"\s+với\s+(?:các|những|mọi)\s+[a-zđ][^;\n]*")


def split_cell_units(text: str) -> str:
    """The cell with a kind's list of names one per line and scope remarks dropped."""
    kinds = _KIND_LIST.match(text)
    if kinds:
        rest = text[kinds.end() :]
        first, dot, after = rest.partition(". ")  # "Các Cục: A; B. Vụ C": the list ends at "."
        separator = ";" if ";" in first else ","
        names = [n.strip() for n in first.split(separator) if n.strip()]
        text = "\n".join(names) + (f"\n{after}" if dot else "")
    return _SCOPE.sub("", text)
