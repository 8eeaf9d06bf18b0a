"""Agency-as-heading lists: "1. Sở Văn hóa và Thể thao" (or "- Bộ Tài chính", "Công an
phường:") followed by bullet duties. Each duty is a task led by the heading's agency.

Also the agency written as the subject of a one-sentence item ("b) Bộ Nội vụ rà soát …")
when it stands among such headings.
"""

from __future__ import annotations

import re

from kehoach_xlsx.parse.layouts.agencies import (
    agency_heading,
    lead_sentence,
    partners,
    sentence_subject,
    split_bodies,
)
from kehoach_xlsx.parse.outline import Node, adopt_tasks, starts_lowercase, task_child

_MARK = re.compile(r"^\s*([-–—+•*▪·])\s*")
_YEAR = r"(?:/\d{4}| năm \d{4})"
_INLINE_DEADLINE = (
    re.compile(r"\btrước ngày \d{1,2}(?:/\d{1,2}" + _YEAR + r"| tháng \d{1,2} năm \d{4})", re.I),
    re.compile(r"\btrong (?:tháng \d{1,2}|quý [IV]+)" + _YEAR, re.I),
    re.compile(r"\btrong (?:năm|quý [IV]+(?: năm)?) \d{4}\b", re.I),
    re.compile(r"\bđịnh kỳ (?:hằng|hàng) (?:năm|quý|tháng)\b", re.I),
    re.compile(r"^(?:hằng|hàng) (?:năm|quý|tháng)\b", re.I),
)


def inline_deadline(text: str) -> str | None:
    """The time phrase a duty prints in its own sentence ("… trước ngày 31/12/2026"), if any."""
    for pattern in _INLINE_DEADLINE:
        match = pattern.search(text)
        if match:
            return match.group(0)  # as printed
    return None


def _marker(text: str) -> str:
    match = _MARK.match(text)
    return match.group(1) if match else ""


def _unmarked(text: str) -> str:
    return _MARK.sub("", text, count=1).strip()


def duty_node(parent: Node, line: int, text: str, leads: list[str], index: int) -> Node:
    """A task node for one duty of an agency."""
    node = task_child(parent, line, text, index)
    assign_duty(node, leads, text)
    return node


def assign_duty(node: Node, leads: list[str], text: str) -> None:
    """The heading's agency leads a duty; its "phối hợp với …" bodies and time phrase too."""
    node.roles_read = True
    node.fields["lead"].append("\n".join(leads))
    directing = re.match(r"^chỉ đạo\b", text, re.IGNORECASE)  # the clause is another body's
    found = [] if directing else partners(text)
    if found and not any(v.strip() for v in node.fields["coordinate"]):
        node.fields["coordinate"].append("\n".join(found))
    deadline = inline_deadline(text)
    if deadline and not any(v.strip() for v in node.fields["deadline"]):
        node.fields["deadline"].append(deadline)


def duties_of(body: list[tuple[int, str]]) -> list[tuple[int, str, list[tuple[int, str]]]]:
    """Body lines grouped into duties: a bullet starts one; a plain paragraph after it is
    that duty's detail (before any bullet, it is a duty of its own)."""
    duties: list[tuple[int, str, list[tuple[int, str]]]] = []
    for line, text in body:
        if _marker(text) or not duties:
            duties.append((line, _unmarked(text), []))
        elif starts_lowercase(text) and not duties[-1][2]:
            line0, title, details = duties[-1]
            duties[-1] = (line0, f"{title} {text}", details)  # the duty's wrapped line
        else:
            duties[-1][2].append((line, text))
    return duties


def expand_heading(node: Node) -> bool:
    """ "1. Sở X" with bullet duties (or lettered sub-items, or one paragraph) -> tasks."""
    if node.from_table or node.has_lead or any(c.has_lead for c in node.descendants()):
        return False
    name = agency_heading(node.title)
    shared: list[str] = []  # the heading's own "phối hợp với …" bodies
    if not name:
        listed = list_heading(node.title)
        if not listed or not any(_marker(text) for _, text in node.body):
            return False
        name, shared = listed
    leads = split_bodies(name)
    made = False
    if node.children and len(node.body) == 1:
        # "Chủ trì, phối hợp với X tham mưu …:" above the agency's lettered duties
        line, text = node.body[0]
        if text.rstrip().endswith(":") and not _marker(text):
            shared, node.body = shared or partners(text), []
    for child in node.children:
        if child.children or child.has_lead:
            continue
        role = role_heading(child.title)
        if role is not None and any(_marker(text) for _, text in child.body):
            # "a) Chủ trì, phối hợp với Y" over bullets: each bullet a duty worked with Y
            _body_duties(child, leads, role)
        else:
            assign_duty(child, leads, child.title)
            if shared and not any(v.strip() for v in child.fields["coordinate"]):
                child.fields["coordinate"].append("\n".join(shared))
        made = True
    if node.body:
        body = node.body
        intro = _intro_partners(body)
        if intro is not None:
            shared, body = shared or intro, body[1:]
        node.body = body
        _body_duties(node, leads, shared)
        made = True
    return made


def _body_duties(node: Node, leads: list[str], shared: list[str]) -> None:
    """The node's body lines become its duties, led by leads (shared: their partners)."""
    for index, (line, text, details) in enumerate(duties_of(node.body), start=1):
        duty = duty_node(node, line, text, leads, index)
        if shared and not any(v.strip() for v in duty.fields["coordinate"]):
            duty.fields["coordinate"].append("\n".join(shared))
        duty.body.extend(details)
        node.add_child(duty)
    node.body = []


_ROLE = re.compile(r"^\s*(?:chủ trì\s*,?\s*)?(?:chủ động\s+)?phối hợp\b", re.IGNORECASE)


def role_heading(title: str) -> list[str] | None:
    """A line naming only the role of the duties below it ("Chủ trì, phối hợp với Y và Z:",
    "Phối hợp với các sở, ngành") -> its partner bodies; None for a duty sentence."""
    text = title.strip().rstrip(":").strip()
    if not _ROLE.match(text):
        return None
    found = partners(text)
    if not found or not text.endswith(found[-1]):
        return None  # the line goes on with what is done: it is a duty
    return found


def _intro_partners(body: list[tuple[int, str]]) -> list[str] | None:
    """An unmarked opening line ending with ":" before bullet duties introduces them: its
    partner bodies (maybe none) are theirs; None when the body has no such introduction."""
    if len(body) < 2 or _marker(body[0][1]) or not body[0][1].rstrip().endswith(":"):
        return None
    if not any(_marker(text) for _, text in body[1:]):
        return None
    return partners(body[0][1])


def list_heading(title: str) -> tuple[str, list[str]] | None:
    """ "2. Sở X chủ trì, phối hợp với Y, Z:" over bullet duties -> ("Sở X", ["Y", "Z"]).

    An item whose sentence opens with a body and ends with a colon introduces that body's
    duties; the bodies it works with are each duty's partners.
    """
    if not title.rstrip().endswith(":"):
        return None
    subject = sentence_subject(title)
    if not subject:
        return None
    roles = lead_sentence(title)
    return subject, (roles[1] if roles else [])


def expand_body(node: Node) -> bool:
    """Agency lines inside a body ("- Bộ Công Thương" then "+ …" duties) -> tasks."""
    if node.from_table or not node.body or node.has_lead:
        return False
    if not any(agency_heading(text) for _, text in node.body):
        return False
    kept: list[tuple[int, str]] = []
    created: list[Node] = []
    current: tuple[list[str], str] | None = None  # leads and the heading's bullet mark
    last: Node | None = None
    index = 0
    previous = ""
    for line, text in node.body:
        mark = _marker(text)
        # "… của các Sở A và" / "Bộ B." : a hard-wrapped sentence, not an agency line
        heading = None if _open_ended(previous) else agency_heading(text)
        previous = text
        if heading and (current is None or mark == current[1] or not mark):
            current, last = (split_bodies(heading), mark), None
            continue
        subject = sentence_subject(text)
        if subject and (current is None or mark == current[1]):
            index += 1
            last = duty_node(node, line, _unmarked(text), split_bodies(subject), index)
            created.append(last)
            current = None
            continue
        if current is not None and (mark and mark != current[1] or not current[1] and mark):
            index += 1
            last = duty_node(node, line, _unmarked(text), current[0], index)
            created.append(last)
            continue
        if last is not None and not mark:
            if starts_lowercase(text) and not last.body:
                last.title = f"{last.title} {text}"  # the duty's wrapped line
            else:
                last.body.append((line, text))  # a paragraph of the duty above
            continue
        current, last = None, None
        kept.append((line, text))
    return adopt_tasks(node, kept, created)


_OPEN_END = re.compile(
    r"(?:,|\b(?:và|của|với|các|cho|tại|thuộc|hoặc|là|về|từ|đến|trong|theo))$", re.IGNORECASE
)


def _open_ended(text: str) -> bool:
    """A line that stops mid-sentence: the next line goes on with it."""
    return bool(_OPEN_END.search(text.rstrip()))


def subject_items(parent: Node) -> None:
    """Among agency headings, "b) Bộ Nội vụ rà soát …" is a task led by its subject."""
    for child in parent.children:
        if child.from_table or child.has_lead or child.children or child.body:
            continue
        roles = lead_sentence(child.title)
        child.roles_read = True
        if roles:
            child.fields["lead"].append("\n".join(roles[0]))
            if roles[1]:
                child.fields["coordinate"].append("\n".join(roles[1]))
            continue
        subject = sentence_subject(child.title)
        if subject:
            head, colon, duty = child.title.partition(":")
            if colon and duty.strip() and agency_heading(head) == subject:
                child.title = duty.strip()  # "Đề nghị Công ty X: Khẩn trương …": the duty
                assign_duty(child, split_bodies(subject), child.title)
            else:
                assign_duty(child, split_bodies(subject), child.title[len(subject) :])


def apply(node: Node) -> None:
    """Recognise agency lists everywhere below node (which is in the tasks part)."""
    expanded = False
    for child in list(node.children):
        if expand_heading(child) or expand_body(child):
            expanded = True
        else:
            apply(child)
    if expanded:
        subject_items(node)
