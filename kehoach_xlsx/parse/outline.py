"""The outline of a plan: numbered headings and items, table rows, and what each carries.

Both forms of a plan end up as the same tree of Nodes: a prose item "2.1 …" followed by
"- Cơ quan chủ trì: …" lines and an appendix row "1 | … | Văn phòng … | …" are both a Node
with a number, a title and field values. Whether a node is a task, a section or section text
is decided afterwards from what it carries (see document.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

FIELDS = ("lead", "coordinate", "outputs", "deadline")

ROMAN = re.compile(r"^[IVXLC]+$")
ROMAN_VALUES = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}


@dataclass
class Node:
    """A heading, an item or a table row of the plan."""

    kind: str  # root, appendix, group, roman, arabic, dotted, letter, row
    number: str | None
    title: str
    line: int
    file: str
    level: int
    sheet: str | None = None
    fields: dict[str, list[str]] = field(default_factory=lambda: {f: [] for f in FIELDS})
    body: list[tuple[int, str]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    in_task_zone: bool = False
    zone_title: str = ""
    id_prefix: str | None = None  # appendix prefix like "PL01"
    from_table: bool = False
    title_open: bool = True  # prose: the next lowercase line may continue the title
    declared_count: int | None = None
    lead_label_seen: bool = False
    explicit_id: str | None = None  # "Mã NV" typed in our own workbooks
    spans_above: bool = False  # an unnumbered table task row whose merged cells sub-rows share
    roles_read: bool = False  # a prose recogniser already put one unit per line
    label_lines: list[tuple[int, str, int]] = field(default_factory=list)  # line, field, index

    def add_child(self, node: Node) -> None:
        node.parent = self
        self.children.append(node)

    @property
    def has_lead(self) -> bool:
        return any(value.strip() for value in self.fields["lead"])

    def descendants(self):
        for child in self.children:
            yield child
            yield from child.descendants()


def task_child(parent: Node, line: int, title: str, index: int) -> Node:
    """A task found inside an item's text (a duty bullet, a block): "(1)", "(2)" … under it."""
    node = Node(
        kind="bullet",
        number=f"({index})",
        title=title,
        line=line,
        file=parent.file,
        level=9,
        sheet=parent.sheet,
        in_task_zone=parent.in_task_zone,
    )
    node.title_open = False
    return node


def adopt_tasks(node: Node, kept: list[tuple[int, str]], tasks: list[Node]) -> bool:
    """Body lines that became tasks leave the body and hang below the item; True if any."""
    if not tasks:
        return False
    node.body = kept
    for task in tasks:
        node.add_child(task)
    return True


def roman_value(text: str) -> int | None:
    if not ROMAN.match(text):
        return None
    total = 0
    previous = 0
    for char in reversed(text):
        value = ROMAN_VALUES[char]
        total = total - value if value < previous else total + value
        previous = max(previous, value)
    return total


_ITEM_PATTERNS = (
    ("dotted", re.compile(r"^(?P<num>\d{1,2}(?:\.\d{1,2})+)\.?\s*(?P<title>\S.*)$")),
    ("arabic", re.compile(r"^(?P<num>\d{1,2})\s*[.)]\s*(?P<title>\S.*)$")),
    ("roman", re.compile(r"^(?P<num>[IVXLC]{1,6})\s*[.)]\s*(?P<title>\S.*)$")),
    ("letter", re.compile(r"^(?P<num>[a-zđ])\s*[)/]\s*(?P<title>\S.*)$")),
    ("letter", re.compile(r"^(?P<num>[a-zđ])\.\s+(?P<title>\S.*)$")),
)

ITEM_LEVEL = {"roman": 1, "arabic": 2, "letter": 8}


def match_item(text: str) -> tuple[str, str, str, int] | None:
    """(kind, number, title, level) for "2.1 Triển khai …", "a) Rà soát …", "II. NỘI DUNG"."""
    for kind, pattern in _ITEM_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        number = match.group("num")
        title = match.group("title").strip()
        if kind == "roman" and roman_value(number) is None:
            continue
        if kind == "dotted":
            # "2.1 …" is a level deeper than "2."; a trailing year like "2.2026" is not a number
            if any(len(part) > 2 for part in number.split(".")):
                continue
            level = 1 + number.count(".") + 1
        else:
            level = ITEM_LEVEL[kind]
        if kind == "arabic" and re.match(r"^\d", title):
            continue  # "1. 000 đồng" or a date, not an item
        return kind, number, title, level
    return None


_BULLET = re.compile(r"^[-–—+•*▪·]\s*")


def is_bullet(text: str) -> bool:
    return bool(_BULLET.match(text))


def starts_lowercase(text: str) -> bool:
    stripped = text.lstrip(' "“(…')
    return bool(stripped) and stripped[0].islower()


def compress_path(tokens: list[str]) -> list[str]:
    """["III", "2", "2.2", "a"] -> ["III", "2.2", "a"]: a dotted number already names its parent."""
    result: list[str] = []
    for token in tokens:
        if result and token.startswith(result[-1] + "."):
            result[-1] = token
        else:
            result.append(token)
    return result


def node_path(node: Node) -> list[str]:
    tokens: list[str] = []
    current: Node | None = node
    while current is not None and current.kind != "root":
        if current.kind == "appendix":
            if current.id_prefix:
                tokens.append(current.id_prefix)
            break
        if current.number:
            tokens.append(current.number.rstrip("."))
        current = current.parent
    return compress_path(list(reversed(tokens)))


# ---- hard-wrapped text -------------------------------------------------------------------
# Text saved from a web page or a PDF often breaks every paragraph into lines of ~80
# characters ("- Cơ quan chủ trì: Bộ Công\nan."). Reading such a line as a paragraph of its own
# cuts titles, units and deadlines in half, so wrapped lines are joined back first.

HARD_WRAP_SHARE = 0.12  # share of prose lines continued on the next line that marks the style
HARD_WRAP_MIN_LINES = 5
BLANK_SEPARATED_SHARE = 0.15  # share of prose lines followed by a blank line


def _starts_block(text: str) -> bool:
    """A line that opens something of its own: an item, a bullet, a label line, a heading."""
    from kehoach_xlsx.parse.vocabulary import match_label

    stripped = text.strip()
    if not stripped:
        return True
    if match_item(stripped) or is_bullet(stripped) or match_label(stripped):
        return True
    return bool(re.match(r"^\(?\d{1,3}\)?$", stripped))  # a page number on a line of its own


def _indent(block) -> int:
    raw = (block.raw or block.text).replace("\t", "    ")
    return len(raw) - len(raw.lstrip(" "))


def _plain_lines(blocks: list) -> list[str]:
    """Each block's text on one line, cleaned ("" for a table row)."""
    from kehoach_xlsx.parse.blocks import one_line

    return [one_line(b.text) if b.cells is None else "" for b in blocks]


def _goes_on(text: str) -> bool:
    """A line that could be the rest of the line above: lowercase or digit, opening nothing."""
    return bool(text) and (text[0].islower() or text[0].isdigit()) and not _starts_block(text)


def is_hard_wrapped(blocks: list, plains: list[str] | None = None) -> bool:
    """Many prose lines go on, lowercase, on the very next line: the text was wrapped."""
    plains = plains if plains is not None else _plain_lines(blocks)
    prose = 0
    wrapped = 0
    for index in range(len(blocks) - 1):
        if blocks[index].cells is not None or blocks[index].is_blank:
            continue
        prose += 1
        if _goes_on(plains[index + 1]):
            wrapped += 1
    return wrapped >= HARD_WRAP_MIN_LINES and wrapped >= HARD_WRAP_SHARE * max(prose, 1)


def join_wrapped_lines(blocks: list) -> list:
    """Blocks with each hard-wrapped paragraph joined into one block (its first line number).

    A line continues the one before it unless it starts something of its own (an item, a
    bullet, a label, a page number), follows a blank line or a table row, or is indented as a
    new paragraph where wrapped lines are not (the layout text of a PDF).
    """
    plains = _plain_lines(blocks)
    if not is_hard_wrapped(blocks, plains):
        return blocks
    from kehoach_xlsx.parse.blocks import Block

    # the lines that go on a line above tell the text's margin and its usual line width
    pairs = [
        (i, i + 1)
        for i in range(len(blocks) - 1)
        if plains[i] and plains[i + 1][:1].islower() and blocks[i + 1].cells is None
    ]
    margins = [_indent(blocks[after]) for _, after in pairs]
    margin = min(set(margins), key=lambda m: (-margins.count(m), m)) if margins else 0
    widths = sorted(len(plains[before]) for before, _ in pairs)
    width = widths[len(widths) // 2] if widths else 80
    prose = [i for i in range(len(blocks) - 1) if plains[i]]
    ends = sum(1 for i in prose if blocks[i + 1].cells is None and not plains[i + 1])
    if ends >= BLANK_SEPARATED_SHARE * max(len(prose), 1):
        width = 0  # blank lines part the paragraphs: lines next to each other are one
    result: list = []
    last_line = ""  # the last physical line of the paragraph being built
    after_table = False  # lines right under a table row stay as they are (the table reads them)
    for block, text in zip(blocks, plains, strict=True):
        previous = result[-1] if result else None
        if block.cells is not None:
            after_table = True
        elif block.is_blank:
            after_table = False
        joins = (
            previous is not None
            and not after_table
            and previous.cells is None
            and bool(last_line)
            and block.cells is None
            and block.sheet == previous.sheet
            and bool(text)
            and not _starts_block(text)
            and _indent(block) <= margin + 1
            and not re.fullmatch(r"\(?\d{1,3}\)?", last_line)
            and _continues(text, last_line, width, previous.raw or "")
        )
        last_line = text if block.cells is None else ""
        if joins:
            result[-1] = Block(
                line=previous.line,
                text=f"{previous.text.rstrip()} {block.text.strip()}",
                raw=f"{(previous.raw or previous.text).rstrip()} {(block.raw or block.text).strip()}",
                sheet=previous.sheet,
            )
        else:
            result.append(block)
    return result


_FUNCTION_WORDS = {
    "của",
    "và",
    "các",
    "với",
    "về",
    "cho",
    "trong",
    "tại",
    "theo",
    "đến",
    "từ",
    "những",
    "là",
    "được",
    "bởi",
    "để",
    "hoặc",
    "hay",
    "như",
    "thuộc",
    "trên",
    "dưới",
    "có",
}


_BARE_NUMBER = re.compile(r"(?:\d{1,2}(?:\.\d{1,2})*|[IVXLC]{1,6}|[a-zđ])\s*[.)]")


def _continues(after: str, last_line: str, width: int, raw: str) -> bool:
    """Does `after` go on with the sentence of `before`?

    A lowercase or digit start always does; an uppercase start does not after a sentence end.
    After a short line (a heading, or the last line of a paragraph) an uppercase start goes
    on only where the line was cut mid-phrase: an unclosed emphasis ("**1. … Luật" /
    "Việc làm**"), a function word ("… Nghị định của" / "Chính phủ") or a name ("… Việt" /
    "Nam"); "1. Mục đích" / "Nâng cao nhận thức …" are two paragraphs.
    """
    first = after.lstrip(' "“(*')[:1]
    if not first or first.islower() or first.isdigit():
        return True
    if _BARE_NUMBER.fullmatch(last_line.replace("*", "").strip()):
        return True  # "**1.**" alone on its line: the item's text is on the next one
    if last_line.replace("*", "").rstrip().endswith((".", ":", ";", "!", "?")):
        return False
    if len(last_line) >= 0.6 * width or raw.count("**") % 2 == 1:
        return True
    words = last_line.replace("*", "").split()
    last = words[-1] if words else ""
    return last.endswith(",") or last in _FUNCTION_WORDS or last[:1].isupper()
