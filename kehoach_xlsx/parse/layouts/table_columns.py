"""Which column of an assignment table holds what: columns by role, not by position.

Roles come first from the header words (vocabulary.column_field); where a header is unknown,
missing, two rows high or contradicted by what the column holds, from the cells themselves:
row numbers and sub-numbers ("1.1") -> number, long prose -> the task, agency names -> lead
then coordinate, time wording and dates -> deadline, document types -> outputs. A column whose
header names something that is none of our roles (a person, funding, notes) is never taken.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from kehoach_xlsx.parse.blocks import one_line
from kehoach_xlsx.parse.vocabulary import (
    AGENCY_HEADS,
    NON_ROLE_FIELDS,
    column_field,
)
from kehoach_xlsx.vntext import fold

PROFILE_ROWS = 30  # rows looked at to learn what a column holds
TASK_FIELDS = ("title", "goal", "activity")

_NUMBER = re.compile(r"^(?:[IVXLC]{1,6}|[A-ZĐ]|\d{1,3}(?:\.\d{1,3})*)[.)]?$")
_SUB_NUMBER = re.compile(r"^\d{1,3}(?:\.\d{1,3})+\.?$")
_TIME = re.compile(
    r"\b(?:quy\s+[ivx1-4]+|thang\s+\d|nam\s+20\d\d|20\d\d|\d{1,2}/\d{1,2}(?:/\d{2,4})?|"
    r"hang\s+(?:nam|quy|thang|tuan)|thuong\s+xuyen|dinh\s+ky|truoc\s+ngay|"
    r"6\s+thang|sau\s+thang|giai\s+doan)\b"
)
_HEAD = re.compile(
    r"^(?:{})(?=\s|$)".format("|".join(sorted(map(re.escape, AGENCY_HEADS), key=len, reverse=True)))
)
_COLLECTIVE = re.compile(
    r"^các\s+(?:sở|ban|ngành|bộ|cơ quan|đơn vị|phòng|địa phương|cục|vụ|tổ chức|hội|xã|phường)\b",
    re.IGNORECASE,
)
_DOCUMENT = re.compile(
    r"^(?:kế hoạch|quyết định|báo cáo|nghị định|nghị quyết|thông tư|đề án|chỉ thị|văn bản|"
    r"công văn|hướng dẫn|tờ trình|quy chế|quy định|chương trình|hệ thống|cơ sở dữ liệu|"
    r"dự thảo|luật|thông báo)\b",
    re.IGNORECASE,
)


@dataclass
class ColumnProfile:
    """What the filled cells of one column look like (shares of the filled cells)."""

    filled: int = 0
    number: float = 0.0
    sub_number: float = 0.0
    time: float = 0.0
    agency: float = 0.0
    document: float = 0.0
    prose: float = 0.0
    length: float = 0.0


def is_agency(text: str) -> bool:
    text = re.sub(r"^[-–+•]\s*", "", text)
    return len(text) < 250 and bool(_HEAD.match(text) or _COLLECTIVE.match(text))


def is_time(text: str) -> bool:
    return len(text) < 120 and bool(_TIME.search(fold(text)))


def profile(rows: list[list[str]], width: int) -> list[ColumnProfile]:
    profiles = []
    for column in range(width):
        texts = [one_line(r[column]) for r in rows if column < len(r) and one_line(r[column])]
        found = ColumnProfile(filled=len(texts))
        if texts:
            share = 1 / len(texts)
            for text in texts:
                found.number += share * bool(_NUMBER.match(text))
                found.sub_number += share * bool(_SUB_NUMBER.match(text))
                found.time += share * is_time(text)
                found.agency += share * is_agency(text)
                found.document += share * bool(_DOCUMENT.match(text))
                found.prose += share * (len(text) >= 25 and not is_agency(text))
                found.length += share * len(text)
        profiles.append(found)
    return profiles


def header_roles(cells: list[str]) -> dict[str, int]:
    """Field -> column for the header words of one row (leftmost column per field)."""
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        name = column_field(one_line(cell))
        if name and name not in found:
            found[name] = index
    return found


def merge_header_rows(top: list[str], below: list[str]) -> dict[str, int]:
    """ "Đơn vị thực hiện" over "Chủ trì | Phối hợp": the lower row's word wins per column."""
    found: dict[str, int] = {}
    width = max(len(top), len(below))
    for index in range(width):
        lower = column_field(one_line(below[index])) if index < len(below) else None
        upper = column_field(one_line(top[index])) if index < len(top) else None
        name = lower or upper
        if name and name not in found:
            found[name] = index
    return found


def is_header_like(cells: list[str], bold: bool = False) -> bool:
    """Short cells, at least two of them header words (one, when the row is printed bold):
    a header row even if not all its words are known."""
    filled = [one_line(c) for c in cells if one_line(c)]
    if len(filled) < 2 or any(len(c) > 80 for c in filled):
        return False
    known = sum(1 for c in filled if column_field(c))
    if bold:
        return known >= 1
    return known >= 2 and known * 2 >= len(filled) - 1


def _fit(role: str, found: ColumnProfile) -> float:
    """How well a column's cells suit a role (0 … 1; 0.5 when the cells cannot tell)."""
    if not found.filled:
        return 0.0
    if role == "number":
        return found.number
    if role in TASK_FIELDS:
        return found.prose
    if role in {"lead", "coordinate"}:
        return found.agency
    if role == "deadline":
        return found.time
    return 0.5


def _trimmed_width(cells: list[str]) -> int:
    width = len(cells)
    while width and not one_line(cells[width - 1]):
        width -= 1
    return width


def shift_for_merged_header(
    named: dict[str, int], profiles: list[ColumnProfile], header_width: int, rows: list[list[str]]
) -> dict[str, int]:
    """A text conversion writes a header cell spanning two columns ("Nhiệm vụ" over "1.1 |
    text") once, so every header word right of it sits one column left of its cells. Move
    the header words after the split that best fits the cells."""
    widths = Counter(_trimmed_width(r) for r in rows if _trimmed_width(r) > header_width)
    if not widths or sum(widths.values()) * 2 < len(rows):
        return named
    extra = widths.most_common(1)[0][0] - header_width

    def score(split: int) -> float:
        return sum(
            _fit(role, profiles[c + extra if c > split else c])
            for role, c in named.items()
            if (c + extra if c > split else c) < len(profiles)
        )

    unshifted = score(header_width)
    best = max(range(header_width), key=score)
    if score(best) <= unshifted + 0.5:
        return named
    return {role: c + extra if c > best else c for role, c in named.items()}


def assign_roles(
    named: dict[str, int], rows: list[list[str]], header_width: int | None = None
) -> dict[str, int] | None:
    """Header roles checked against the cells, missing roles found from them.

    Returns None unless the table has a task column and a lead column (or a task column and
    two more of our roles): that is what tells a table of tasks from any other table.
    """
    if "indicator" in named and not any(name in named for name in TASK_FIELDS):
        return None  # targets (chỉ tiêu) with the body that watches them are not tasks
    width = max((len(r) for r in rows), default=0)
    width = max(width, max(named.values(), default=-1) + 1)
    profiles = profile(rows[:PROFILE_ROWS], width)
    if header_width:
        named = shift_for_merged_header(named, profiles, header_width, rows[:PROFILE_ROWS])
    roles = {k: v for k, v in named.items() if k not in NON_ROLE_FIELDS}
    blocked = {v for k, v in named.items() if k in NON_ROLE_FIELDS}

    def numeric(column: int) -> bool:
        p = profiles[column]
        return p.filled > 0 and p.number >= 0.8

    # a task column that holds numbers is a second numbering column ("TT" then "1.1")
    for name in TASK_FIELDS:
        if name in roles and numeric(roles[name]) and profiles[roles[name]].length < 8:
            roles.pop(name)
    if "number" in roles and profiles[roles["number"]].filled and not numeric(roles["number"]):
        if profiles[roles["number"]].prose >= 0.5:
            roles.pop("number")  # "STT" over the task text: the header is shifted
    taken = set(roles.values()) | blocked

    def free(column: int) -> bool:
        return column not in taken and profiles[column].filled > 0

    if "number" not in roles:
        for column in range(min(width, 2)):
            if free(column) and numeric(column):
                roles["number"] = column
                taken.add(column)
                break
    if "number" in roles:
        for column in range(roles["number"] + 1, min(width, roles["number"] + 3)):
            p = profiles[column]
            if free(column) and numeric(column) and p.sub_number >= 0.5:
                roles["sub_number"] = column
                taken.add(column)
                break
    assignment = {"lead", "coordinate", "outputs", "deadline"}
    if not any(name in roles for name in TASK_FIELDS) and (
        not named or len(assignment & set(roles)) >= 2
    ):
        # the task column is guessed from its prose only where the header names two of the
        # assignment columns (a list of members with their "Đơn vị" is not a task table)
        candidates = [c for c in range(width) if free(c) and profiles[c].prose >= 0.5]
        if candidates:
            roles["title"] = max(candidates, key=lambda c: profiles[c].length)
            taken.add(roles["title"])
    for name, test in (
        ("lead", lambda p: p.agency >= 0.6),
        ("coordinate", lambda p: p.agency >= 0.5),
        ("deadline", lambda p: p.time >= 0.6),
        ("outputs", lambda p: p.document >= 0.5),
    ):
        if name in roles:
            continue
        for column in range(width):
            if free(column) and test(profiles[column]):
                if name == "coordinate" and column < roles.get("lead", -1):
                    continue
                roles[name] = column
                taken.add(column)
                break
    has_task = any(name in roles for name in TASK_FIELDS)
    ours = [k for k in roles if k in {"number", "lead", "coordinate", "outputs", "deadline"}]
    if has_task and ("lead" in roles or len(ours) >= 3):
        return roles
    return None


_EVIDENCE = {"lead", "coordinate", "deadline", "number", "sub_number", "title"}
_MARKER = re.compile(r"^[-–+•]\s*")


def _fits(role: str | None, text: str) -> bool:
    text = _MARKER.sub("", text)  # a cell's "- " item marker says nothing of its role
    if role in {"lead", "coordinate"}:
        return is_agency(text)
    if role == "deadline":
        return is_time(text) or is_time(text.split(". ")[0])  # "Giai đoạn …. Rà soát …"
    if role in {"number", "sub_number"}:
        return bool(_NUMBER.match(text))
    if role == "title":
        return is_task_text(text)
    return False  # an output could be anything: no evidence either way


def is_task_text(text: str) -> bool:
    """A sentence of task prose: capitalised, several words, neither a body nor a time."""
    return (
        text[:1].isupper()
        and len(text.split()) >= 5
        and not _NUMBER.match(text.split()[0])
        and not is_agency(text)
        and not is_time(text)
    )


def align_short_row(cells: list[str], columns: dict[str, int], width: int) -> list[str]:
    """A sub-row a text conversion wrote without its merged cells: "Ủy ban … | Đài …" under
    "TT | Nhiệm vụ | Chủ trì | Phối hợp | Thời hạn" belongs to the lead and coordinate columns.

    Moved only when every cell fits the role of the column it moves to.
    """
    filled = list(cells)
    while filled and not one_line(filled[-1]):
        filled.pop()
    if not filled or len(filled) >= width or _NUMBER.match(one_line(filled[0])):
        return cells
    if one_line(filled[0])[:1].islower():
        return cells  # the words after a line break in the first column
    role_at = {index: name for name, index in columns.items()}
    for offset in range(1, width - len(filled) + 1):
        # cells under columns that tell nothing (results, notes) neither help nor hinder; the
        # others must all fit, and at least two of them (one when the row is short of more)
        judged = [
            _fits(role_at[offset + i], one_line(text))
            for i, text in enumerate(filled)
            if one_line(text) and role_at.get(offset + i) in _EVIDENCE
        ]
        needed = 2 if len(filled) >= width - 1 or len(filled) > 2 else 1
        if all(judged) and len(judged) >= needed:
            return [""] * offset + filled
    return cells
