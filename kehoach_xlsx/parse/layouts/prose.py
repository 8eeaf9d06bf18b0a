"""The prose recognisers, run on the outline of a document before its nodes are classified."""

from __future__ import annotations

from kehoach_xlsx.parse.layouts import (
    agency_lists,
    inline_lead,
    label_blocks,
    lead_roles,
    unlabelled,
)
from kehoach_xlsx.parse.outline import Node, is_bullet
from kehoach_xlsx.vntext import fold

# where general duties live, unless the plan assigns its work there
DUTIES_ZONES = ("to chuc thuc hien", "trach nhiem", "phan cong")


def apply_prose_layouts(root: Node, has_appendix_reference: bool, has_zones: bool) -> bool:
    """Read the prose layouts of one document's outline in place.

    Without a "Nhiệm vụ"/"Nội dung" part, a text that sends its tasks to a table (a letter
    urging the units of its appendix) gives general directives, not tasks.

    Returns True when the duties under "Tổ chức thực hiện" were read in place of an appendix
    the text refers to but does not hold (that appendix may come as a file of its own).
    """
    stand_in = False
    label_blocks.apply(root)
    zones = [z for z in root.children if z.kind != "appendix" and not z.from_table]
    beside_table = not has_zones and (has_appendix_reference or has_task(root))
    for zone in zones:
        if zone.in_task_zone and not beside_table:
            _recognise(zone)
    if not has_task(root) or _content_unassigned(root, zones):
        # nothing assigned in the tasks part nor in an appendix of this document (its tables,
        # if any, are targets or lists without a lead column): the plan assigns its work
        # agency by agency under "Tổ chức thực hiện" (one heading per agency, one duty each)
        stand_in = has_appendix_reference and not _has_own_appendix(root)
        for zone in zones:
            if any(words in fold(zone.title) for words in DUTIES_ZONES):
                zone.in_task_zone = True
                for node in zone.descendants():
                    node.in_task_zone = True
                _recognise(zone)
    for node in root.descendants():
        if not node.from_table:
            lead_roles.resolve(node)
    for node in list(root.descendants()):
        unlabelled.adopt(node)
    return stand_in and has_task(root)


def _recognise(zone: Node) -> None:
    if not (agency_lists.expand_heading(zone) or agency_lists.expand_body(zone)):
        agency_lists.apply(zone)
    inline_lead.apply(zone)


def _content_unassigned(root: Node, zones: list[Node]) -> bool:
    """The tasks part says what is done, not who does it: of its many items, hardly any names
    a unit (the odd "X chủ trì …" bullet), and no table assigns anything."""
    if any(node.from_table and node.has_lead for node in root.descendants()):
        return False
    items = led = 0
    for zone in zones:
        if not zone.in_task_zone:
            continue
        for node in zone.descendants():
            if node.has_lead:
                items, led = items + 1, led + 1
            else:  # an item (a heading over others is not), and the bullet actions of its text
                items += (not node.children) + sum(1 for _, text in node.body if is_bullet(text))
    return items >= 8 and led * 4 <= items


def _has_own_appendix(root: Node) -> bool:
    """An appendix or table in this very document (a referred appendix may be absent)."""
    return any(n.kind == "appendix" or n.from_table for n in root.descendants())


def has_task(root: Node) -> bool:
    return any(n.has_lead and (n.from_table or n.in_task_zone) for n in root.descendants())
