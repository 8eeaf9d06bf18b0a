"""Label blocks that are not one item = one task.

- "a) Nhiệm vụ: … b) Cơ quan thực hiện: … c) Thời gian thực hiện: …": the lettered lines
  are labels of the numbered item above; its title is the task text, not "Nhiệm vụ:".
- several lead blocks under one heading ("- Nghị định A" + "+ Cơ quan chủ trì: …", then
  "- Nghị định B" + its own labels): each block is a task.
- a sub-heading "Cơ quan chủ trì, phối hợp" listing units with dashes: the section above it
  is the task.
"""

from __future__ import annotations

import re

from kehoach_xlsx.parse.outline import FIELDS, Node, task_child
from kehoach_xlsx.vntext import fold

_CONTENT_LABEL = re.compile(
    r"^(?:nhiệm vụ|nội dung(?: thực hiện| công việc| nhiệm vụ| hoạt động)?|tên nhiệm vụ|"
    r"công việc|hoạt động)\s*:\s*",
    re.IGNORECASE,
)
_BARE_HEADING = re.compile(
    r"^(?:nhiệm vụ|hoạt động|nội dung|công việc)(?:\s+số)?\s*\d*[.:]?$", re.IGNORECASE
)
_ROLE_HEADING = re.compile(
    r"^(?:các\s+)?(?:cơ quan|đơn vị|trách nhiệm)(?:\s*,?\s*(?:chủ trì|phối hợp|thực hiện|và))+"
    r"\s*:?$",
    re.IGNORECASE,
)
_MARK = re.compile(r"^\s*[-–—+•*▪·]\s*")
NUMBERED = {"arabic", "dotted", "letter", "roman"}


def content_items(node: Node) -> None:
    """ "a) Nhiệm vụ: Rà soát …" -> the numbered item above it holds the task text and labels."""
    for child in node.children:
        content_items(child)
    if node.from_table:
        return
    contents = [c for c in node.children if c.kind == "letter" and _CONTENT_LABEL.match(c.title)]
    for child in contents:
        match = _CONTENT_LABEL.match(child.title)
        if child.title[match.end() :].strip():
            child.title = child.title[match.end() :].strip()
    if (
        len(contents) == 1
        and node.kind in NUMBERED
        and len(node.children) == 1
        and not node.has_lead
        and contents[0].has_lead
        and not contents[0].children
    ):
        child = contents[0]
        for name in FIELDS:
            node.fields[name].extend(child.fields[name])
        bare = not node.title.strip() or _BARE_HEADING.match(node.title.strip())
        if bare:
            node.title = f"{node.title.strip()}: {child.title}".lstrip(": ")
        else:
            node.body.insert(0, (child.line, child.title))
        node.body.extend(child.body)
        node.notes.extend(child.notes)
        node.children = []


def role_headings(node: Node) -> None:
    """A sub-item "Cơ quan chủ trì, phối hợp" listing units: the item above is the task."""
    for child in list(node.children):
        role_headings(child)
    if node.from_table or node.has_lead:
        return
    for child in list(node.children):
        title = child.title.strip()
        if child.kind not in NUMBERED or not _ROLE_HEADING.match(title) or child.children:
            continue
        both = "chủ trì" in title.lower() and "phối hợp" in title.lower()
        units = [_MARK.sub("", text).strip(" .;") for _, text in child.body]
        units = [u for u in units if u]
        if not units:
            continue
        for index, unit in enumerate(units):
            role, name = _role_of(unit)
            if role is None:
                role = "lead" if index == 0 or not both else "coordinate"
            node.fields[role].append(name)
        for name in FIELDS:
            node.fields[name].extend(child.fields[name])
        node.roles_read = True
        node.children.remove(child)
        return


def _role_of(unit: str) -> tuple[str | None, str]:
    """ "Phòng Y tế (chủ trì)" -> ("lead", "Phòng Y tế"); "Chủ trì: Công an" -> lead too."""
    match = re.match(r"^(chủ trì|phối hợp)\s*:\s*(.+)$", unit, re.IGNORECASE)
    if match:
        return ("lead" if match.group(1).lower() == "chủ trì" else "coordinate"), match.group(2)
    match = re.match(r"^(.+?)\s*\(?\b(chủ trì|phối hợp)\)?$", unit, re.IGNORECASE)
    if match:
        return ("lead" if match.group(2).lower() == "chủ trì" else "coordinate"), match.group(1)
    return None, unit


def lead_blocks(node: Node) -> None:
    """Several "- block" lines each followed by its own lead label: one task per block."""
    for child in list(node.children):
        lead_blocks(child)
    leads = [entry for entry in node.label_lines if entry[1] == "lead"]
    if node.from_table or len(leads) < 2 or not node.body:
        return
    first_lead = leads[0][0]
    starts = [(line, text) for line, text in node.body if _MARK.match(text) and line < first_lead]
    if not starts:
        return
    mark = _MARK.match(starts[0][1]).group(0).strip()  # the outer bullet opens a block
    events = sorted(
        [(line, "body", text) for line, text in node.body]
        + [(line, "label", entry) for entry in node.label_lines for line in [entry[0]]],
        key=lambda event: event[0],
    )
    blocks: list[dict] = []
    kept: list[tuple[int, str]] = []
    for line, kind, payload in events:
        opens = (
            kind == "body"
            and _MARK.match(payload)
            and _MARK.match(payload).group(0).strip() == mark
        )
        if opens and blocks and not blocks[-1]["labels"]:
            # bullets before one label group share it: one block, titled by its first bullet
            blocks[-1]["body"].append((line, payload))
        elif opens:
            blocks.append({"line": line, "title": _MARK.sub("", payload), "labels": [], "body": []})
        elif kind == "label":
            if not blocks:
                return  # the heading has labels of its own: one task, as printed
            blocks[-1]["labels"].append(payload)
        elif blocks:
            blocks[-1]["body"].append((line, payload))
        else:
            kept.append((line, payload))
    if len(blocks) < 2 or not all(any(f == "lead" for _, f, _ in b["labels"]) for b in blocks):
        return
    moved = {(f, i) for b in blocks for _, f, i in b["labels"]}
    for index, block in enumerate(blocks, start=1):
        child = task_child(node, block["line"], block["title"], index)
        child.body = block["body"]
        for _, name, position in block["labels"]:
            child.fields[name].append(node.fields[name][position])
        node.add_child(child)
    for name in FIELDS:
        node.fields[name] = [v for i, v in enumerate(node.fields[name]) if (name, i) not in moved]
    node.body = kept
    node.label_lines = []


def apply(root: Node) -> None:
    content_items(root)
    role_headings(root)
    lead_blocks(root)
    for node in root.descendants():
        deadline_steps(node)


def is_role_heading(text: str) -> bool:
    return bool(_ROLE_HEADING.match(text.strip())) and "chu tri" in fold(text)


def deadline_steps(node: Node) -> None:
    """ "Thời gian thực hiện:" followed by dated steps ("+ … trước ngày 15/12", "+ … trước
    ngày 31/12"): the task is done when its last step is, so that step's date is the deadline."""
    from kehoach_xlsx.parse.layouts.agency_lists import inline_deadline

    values = [v for v in node.fields["deadline"] if v.strip()]
    steps = [v for v in values if _MARK.match(v)]
    if node.from_table or len(steps) < 2 or len(steps) != len(values):
        return
    phrases = [inline_deadline(step) for step in steps]
    if all(phrases):
        node.notes.extend(_MARK.sub("", step) for step in steps)
        node.fields["deadline"] = [phrases[-1]]
