"""Who leads, read from the words of a lead label or sentence.

"Cơ quan thực hiện: Sở X chủ trì, phối hợp với Y và Z …" -> lead X, coordinate Y, Z;
"Bộ A tiến hành …; các bộ, Ủy ban nhân dân các tỉnh rà soát …" -> the subjects lead;
"Bộ A, Bộ B và các cơ quan báo chí" -> three bodies.
"""

from __future__ import annotations

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
        leads.extend(split_bodies(subject if subject else part))
    return leads, partners


def resolve(node: Node) -> None:
    """Rewrite a prose node's lead label into one body per line (and its partners)."""
    values = [v for v in node.fields["lead"] if v.strip()]
    if node.from_table or not values:
        return
    text = " ".join(" ".join(v.split()) for v in values)
    if "(" in text and ("chủ trì)" in text.lower() or "phối hợp)" in text.lower()):
        return  # "Phòng A (chủ trì); Công an (phối hợp)": sorted later by role marks
    if any(line.lstrip().startswith(("-", "+", "•")) for v in values for line in v.split("\n")):
        return  # a list of units as bullets: already one per line
    leads, partners = read_roles(text)
    if not leads:
        return
    node.fields["lead"] = ["\n".join(leads)]
    if partners and not any(v.strip() for v in node.fields["coordinate"]):
        node.fields["coordinate"] = ["\n".join(partners)]
    elif any(v.strip() for v in node.fields["coordinate"]):
        joined = " ".join(" ".join(v.split()) for v in node.fields["coordinate"] if v.strip())
        if not any(line.lstrip().startswith(("-", "+")) for line in joined.split("\n")):
            node.fields["coordinate"] = ["\n".join(split_bodies(joined))]
