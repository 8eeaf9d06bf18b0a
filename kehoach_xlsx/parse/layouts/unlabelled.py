"""A numbered item without labels among items that carry theirs is still a task.

"3. Xây dựng quy chế …" followed by the paragraph "Phòng Nội vụ có trách nhiệm …" sits
between "2." and "4." that print "Cơ quan chủ trì:" lines: the sentence's subject leads it.
"""

from __future__ import annotations

from kehoach_xlsx.parse.layouts.agencies import sentence_subject, split_bodies
from kehoach_xlsx.parse.outline import Node

NUMBERED = {"arabic", "dotted", "letter"}


def adopt(node: Node) -> bool:
    """Give a lead to an unlabelled item whose siblings are tasks; True when it got one."""
    parent = node.parent
    if (
        parent is None
        or node.from_table
        or not node.in_task_zone
        or node.has_lead
        or node.children
        or node.kind not in NUMBERED
    ):
        return False
    siblings = [c for c in parent.children if c is not node and c.kind == node.kind]
    tasks = [c for c in siblings if c.has_lead]
    if not tasks or len(tasks) * 2 < len(siblings):
        return False
    for text in [t for _, t in node.body[:1]] + [node.title]:
        subject = sentence_subject(text)
        if subject:
            node.fields["lead"].append("\n".join(split_bodies(subject)))
            node.roles_read = True
            return True
    return False
