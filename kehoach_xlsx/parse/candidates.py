"""Numbered items that look assignable but were not read as tasks ("cần kiểm tra").

When plan reading finds nothing or too little, the coordinator is never left at a dead end:
`kehoach parse PLAN -o nhiem-vu.xlsx` lists every task found plus these candidates, the
coordinator fills in who leads them in Excel, and `kehoach init --plan nhiem-vu.xlsx` takes
the completed rows as tasks. This module only finds the candidates and names the layout that
was recognised; it never decides that a candidate is a task.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from kehoach_xlsx.model import Plan, Source, Task
from kehoach_xlsx.parse.blocks import Block, one_line
from kehoach_xlsx.parse.vocabulary import match_label
from kehoach_xlsx.vntext import fold

REVIEW_MARK = "cần kiểm tra"
MIN_TITLE = 25  # shorter items are headings or fragments, not assignable work
_ITEM = re.compile(
    r"^\s*(?:(?P<number>\d{1,2}(?:\.\d{1,2}){0,3})[.)]?|(?P<letter>[a-zđ])\)|(?P<bullet>[-+•–]))"
    r"\s+(?P<title>\S.*)$"
)
_ROMAN = re.compile(r"^\s*(?P<roman>[IVXL]{1,5})[.)](?:\s+(?P<title>\S.*))?$")
# parts of a plan where numbered items explain, they do not assign
_NOT_ASSIGNING = (
    "muc dich",
    "muc tieu",
    "quan diem",
    "thuc trang",
    "ket qua dat duoc",
    "can cu",
    "kinh phi",
    "che do bao cao",
)


@dataclass
class Candidate:
    """An item worth a look: where it is and the words it says."""

    file: str
    line: int
    number: str | None
    title: str
    section: str | None = None
    part: int = 0  # line of the part heading (I., II. …) the item is in; 0 before any
    parent: str = ""  # the item it sits under: often the unit that leads it ("1. Sở Tư pháp")

    def as_task(self, task_id: str) -> Task:
        return Task(
            id=task_id,
            number=self.number,
            section=self.section,
            title=self.title,
            source=Source(self.file, self.line),
        )


def find_candidates(plan: Plan, documents: list[tuple[str, list[Block]]]) -> list[Candidate]:
    """Items of the plans' blocks that look like work to assign and are not tasks yet.

    An item is a leaf (a heading followed by its own sub-items is not one); its wrapped lines
    (a text file with hard line breaks) are joined back first.
    """
    taken = {(t.source.file, t.source.line) for t in plan.tasks if t.source}
    known = {fold(t.title)[:60] for t in plan.tasks}
    for task in plan.tasks:
        known.update(fold(detail)[:60] for detail in task.details)
    found: list[Candidate] = []
    for file_name, blocks in documents:
        owners = starts(plan, file_name)
        items = list(items_of(file_name, blocks))
        parts = sorted({c.part for _, c in items if c is not None} | {0})
        lines = [t.source.line for t in plan.tasks if t.source and t.source.file == file_name]
        # where the plan assigns its work, only those parts are searched; a plan with no task
        # at all is searched everywhere but its aims and grounds
        assigning = {max(p for p in parts if p <= (line or 0)) for line in lines}
        for index, (rank, candidate) in enumerate(items):
            if candidate is None or (file_name, candidate.line) in taken:
                continue
            following = items[index + 1][0] if index + 1 < len(items) else -1
            if following > rank:
                continue  # a heading over its own sub-items
            if fold(candidate.title)[:60] in known or not assignable(candidate.title):
                continue
            if plan.tasks and candidate.part not in assigning:
                continue
            owner = next((kind for line, kind in owners if line <= candidate.line), None)
            if owner == "task":
                continue  # a sub-item of a task read from prose is part of that task
            candidate.section = section_before(plan, file_name, candidate.line)
            found.append(candidate)
    return found


def starts(plan: Plan, file_name: str) -> list[tuple[int, str]]:
    """Where each task and section of a file starts, last first."""
    found = [
        (item.source.line, kind)
        for kind, items in (("task", plan.tasks), ("section", plan.sections))
        for item in items
        if item.source and item.source.file == file_name and item.source.line is not None
    ]
    return sorted(found, reverse=True)


def items_of(file_name: str, blocks: list[Block]):
    """(rank, candidate or None) for every item of a document; rank orders the outline levels
    (1 < 1.1 < a) < - < +), -1 for a part heading (I., II.)."""
    explaining = False
    part = 0
    outline: list[tuple[int, str]] = []  # (rank, title) of the items above this one
    index = 0
    while index < len(blocks):
        block = blocks[index]
        index += 1
        if block.cells is not None:
            row = row_candidate(file_name, block)
            if row is not None and not explaining:
                row.part = part
                yield 0, row
            continue
        text = one_line(block.text).lstrip("*_# ")
        if fold(text).startswith("phu luc"):  # an appendix is a part of its own
            explaining, part, outline = False, block.line, []
            yield -1, None
            continue
        roman = _ROMAN.match(text)
        if roman:
            title = roman["title"] or ""
            while index < len(blocks) and capitals(blocks[index]):
                title = f"{title} {one_line(blocks[index].text)}"  # a heading wrapped by hand
                index += 1
            explaining = any(word in fold(title) for word in _NOT_ASSIGNING)
            part, outline = block.line, []
            yield -1, None
            continue
        match = _ITEM.match(text)
        if not match:
            continue
        title = match["title"].strip()
        while index < len(blocks) and continues_item(title, blocks[index]):
            title = f"{title} {one_line(blocks[index].text)}"
            index += 1
        number = match["number"] or match["letter"]
        if match["number"]:
            rank = match["number"].count(".")
        else:
            rank = 5 if match["letter"] else (7 if match["bullet"] == "+" else 6)
        while outline and outline[-1][0] >= rank:
            outline.pop()
        parent = outline[-1][1] if outline else ""
        outline.append((rank, title))
        item = Candidate(file_name, block.line, number, title, part=part, parent=parent)
        yield rank, None if explaining else item


def capitals(block: Block) -> bool:
    text = one_line(block.text) if block.cells is None else ""
    letters = [ch for ch in text if ch.isalpha()]
    return bool(letters) and not _ITEM.match(text) and all(ch.isupper() for ch in letters)


def continues_item(title: str, block: Block) -> bool:
    """A hard-wrapped line of the item above: it carries on a sentence in lower case."""
    text = one_line(block.text) if block.cells is None else ""
    return bool(text) and text[0].islower() and title[-1:] not in ".;:!?"


def assignable(title: str) -> bool:
    if len(title) < MIN_TITLE or title.endswith(":") or match_label(title) is not None:
        return False
    letters = [ch for ch in title if ch.isalpha()]
    # a heading in capitals groups items, it is not one
    return not letters or sum(ch.isupper() for ch in letters) <= 0.8 * len(letters)


def row_candidate(file_name: str, block: Block) -> Candidate | None:
    """A table row with a number and a long text but no task made of it."""
    cells = [one_line(cell) for cell in block.cells or []]
    if len(cells) < 2 or not re.fullmatch(r"\d{1,3}(?:\.\d{1,3})*\.?", cells[0]):
        return None
    title = max(cells[1:], key=len)
    if len(title) < MIN_TITLE:
        return None
    return Candidate(file_name, block.line, cells[0].rstrip("."), title)


def section_before(plan: Plan, file_name: str, line: int) -> str | None:
    best = None
    for section in plan.sections:
        source = section.source
        if source and source.file == file_name and source.line is not None and source.line < line:
            if best is None or source.line > best[0]:
                best = (source.line, section.id)
    return best[1] if best else None


def describe_layout(plan: Plan, documents: list[tuple[str, list[Block]]]) -> str:
    """Which layout the tasks were read from, in words for the coordinator."""
    table_lines = {
        (file_name, block.line)
        for file_name, blocks in documents
        for block in blocks
        if block.cells is not None
    }
    from_tables = sum(
        1 for t in plan.tasks if t.source and (t.source.file, t.source.line) in table_lines
    )
    from_prose = len(plan.tasks) - from_tables
    parts = []
    if from_tables:
        parts.append(f"bảng phân công ({from_tables} dòng có đơn vị chủ trì)")
    if from_prose:
        parts.append(f"văn bản có nêu đơn vị chủ trì ({from_prose} mục)")
    if parts:
        return "; ".join(parts)
    rows = sum(1 for _, blocks in documents for b in blocks if len(b.cells or ()) >= 3)
    if rows:
        return (
            f"có {rows} dòng bảng nhưng không nhận ra cột “Chủ trì”, và không có mục nào ghi "
            "đơn vị chủ trì"
        )
    return "văn bản không có bảng phân công và không có mục nào ghi đơn vị chủ trì"


def too_little(plan: Plan, candidates: list[Candidate]) -> bool:
    """Nothing found, or more items left unread than read: the coordinator must step in."""
    return not plan.tasks or len(candidates) >= max(3, len(plan.tasks))


def next_steps(paths: list[Path], output: Path | None) -> list[str]:
    """The way forward, in Vietnamese, with the user's own file names."""
    plan_files = " ".join(str(p) for p in paths)
    workbook = output or Path("nhiem-vu.xlsx")
    steps = []
    if output is None:
        steps.append(
            f"1. Ghi ra Excel: kehoach parse {plan_files} -o {workbook} (gồm các nhiệm vụ đã "
            f"đọc được và các mục đánh số có thể là nhiệm vụ, đánh dấu “{REVIEW_MARK}”)."
        )
    steps.append(
        f"{len(steps) + 1}. Mở {workbook}: với dòng “{REVIEW_MARK}” là nhiệm vụ, ghi đơn vị chủ "
        "trì (và phối hợp, tiến độ); dòng nào không phải nhiệm vụ thì để trống cột Chủ trì."
    )
    steps.append(f"{len(steps) + 1}. Lập sổ theo dõi: kehoach init THU-MUC --plan {workbook}")
    return steps
