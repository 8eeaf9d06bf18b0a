"""Who leads, read from the words of a lead label or sentence.

"Cơ quan thực hiện: Sở X chủ trì, phối hợp với Y và Z …" -> lead X, coordinate Y, Z;
"Bộ A tiến hành …; các bộ, Ủy ban nhân dân các tỉnh rà soát …" -> the subjects lead;
"Bộ A, Bộ B và các cơ quan báo chí" -> three bodies.
"""

from __future__ import annotations

import re

from kehoach_xlsx.parse.layouts.agencies import lead_sentence, sentence_subject, split_bodies
from kehoach_xlsx.parse.outline import Node


def read_roles(value: str) -> tuple[list[str], list[str]]:
    """Leads and coordinating bodies named by one lead label value."""
    leads: list[str] = []
    partners: list[str] = []
    for part in value.split(";"):
        part = part.strip(" .")
        if not part:
            continue
        roles = lead_sentence(part)
        if roles:
            leads.extend(roles[0])
            partners.extend(roles[1])
            continue
        subject = sentence_subject(part)
        bodies = split_bodies(subject if subject else part)
        rest = part[len(subject) :].lstrip(" ,(") if subject else ""
        # "Phòng A chủ trì; Công an xã, Đoàn Thanh niên phối hợp": the second part coordinates
        (partners if rest.lower().startswith("phối hợp") else leads).extend(bodies)
    return leads, partners


def _items(values: list[str]) -> list[str]:
    """Label value lines grouped into items: a "+"/"-" bullet starts one, other lines go on."""
    items: list[str] = []
    for value in values:
        for line in value.split("\n"):
            line = line.strip()
            if not line:
                continue
            if re.match(r"^[-–+•]\s*", line) or not items:
                items.append(re.sub(r"^[-–+•]\s*", "", line))
            else:
                items[-1] = f"{items[-1]} {line}"
    return items


def resolve(node: Node) -> None:
    """Rewrite a prose node's lead label into one body per line (and its partners)."""
    values = [v for v in node.fields["lead"] if v.strip()]
    if node.from_table or node.roles_read or not values:
        return
    text = " ".join(values)
    if "(" in text and ("chủ trì)" in text.lower() or "phối hợp)" in text.lower()):
        return  # "Phòng A (chủ trì); Công an (phối hợp)": sorted later by role marks
    leads: list[str] = []
    partners: list[str] = []
    for item in _items(values):
        found = read_roles(" ".join(item.split()))
        leads.extend(found[0])
        partners.extend(found[1])
    if not leads:
        return
    node.fields["lead"] = ["\n".join(dict.fromkeys(leads))]
    node.roles_read = True
    coordinate = [v for v in node.fields["coordinate"] if v.strip()]
    if partners and not coordinate:
        node.fields["coordinate"] = ["\n".join(dict.fromkeys(partners))]
    elif coordinate:
        bodies = [b for item in _items(coordinate) for b in split_bodies(" ".join(item.split()))]
        node.fields["coordinate"] = ["\n".join(bodies)]
