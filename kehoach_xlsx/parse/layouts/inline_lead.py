"""The lead written inside the item's own sentence, with no label line.

"2. Phòng Văn hóa chủ trì, phối hợp với Đoàn Thanh niên tổ chức hội thi …",
"3. Tổ chức diễn tập (Giao Công an xã chủ trì, phối hợp với Ban Chỉ huy Quân sự xã)" and
bullets written the same way under a heading: "chủ trì" after a named body assigns the task.
"""

from __future__ import annotations

import re

from kehoach_xlsx.parse.layouts.agencies import lead_sentence
from kehoach_xlsx.parse.layouts.agency_lists import inline_deadline
from kehoach_xlsx.parse.outline import Node, adopt_tasks, task_child

_TRAILING_GROUP = re.compile(r"\(([^()]{6,400})\)\s*[.;,]?\s*$")
_MARK = re.compile(r"^\s*[-–—+•*▪·]\s*")
NUMBERED = {"arabic", "dotted", "letter", "bullet"}


def _roles_in(text: str) -> tuple[str, tuple[list[str], list[str]]] | None:
    """(title without the assignment, roles) when the text assigns itself, else None."""
    group = _TRAILING_GROUP.search(text)
    if group:
        roles = lead_sentence(group.group(1))
        if roles and roles[0]:
            return text[: group.start()].rstrip(" -–:"), roles
    roles = lead_sentence(text)
    if roles and roles[0]:
        return text, roles
    return None


def _assign(node: Node, roles: tuple[list[str], list[str]], text: str) -> None:
    node.fields["lead"].append("\n".join(roles[0]))
    if roles[1]:
        node.fields["coordinate"].append("\n".join(roles[1]))
    deadline = inline_deadline(text)
    if deadline and not any(v.strip() for v in node.fields["deadline"]):
        node.fields["deadline"].append(deadline)
    node.roles_read = True


def item(node: Node) -> bool:
    """A numbered item whose own sentence names its lead."""
    if node.from_table or node.has_lead or node.kind not in NUMBERED:
        return False
    if node.children and any(c.has_lead for c in node.descendants()):
        return False
    found = _roles_in(node.title)
    if found:
        node.title = found[0]
        _assign(node, found[1], node.title)
        return True
    # "1. Rà soát thủ tục" over the paragraph "Giao Phòng A chủ trì, phối hợp với B thực hiện."
    for _, text in node.body:
        found = None if _MARK.match(text) else _roles_in(text)
        if found:
            _assign(node, found[1], text)
            return True
    return False


def bullets(node: Node) -> bool:
    """Bullets under a heading that each name their lead become tasks of their own."""
    if node.from_table or node.has_lead or not node.body:
        return False
    kept: list[tuple[int, str]] = []
    made: list[Node] = []
    for line, text in node.body:
        found = _roles_in(_MARK.sub("", text)) if _MARK.match(text) else None
        if not found:
            if made and not _MARK.match(text):
                made[-1].body.append((line, text))  # the bullet's own next paragraph
            else:
                kept.append((line, text))
            continue
        child = task_child(node, line, found[0], len(made) + 1)
        _assign(child, found[1], text)
        made.append(child)
    return adopt_tasks(node, kept, made)


def apply(zone: Node) -> None:
    for node in [zone, *zone.descendants()]:
        if not item(node):
            bullets(node)
