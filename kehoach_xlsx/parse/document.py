"""Turn one document's blocks into plan metadata, sections, tasks and warnings.

Hard-wrapped lines are first joined back into paragraphs (outline.join_wrapped_lines); one
pass over the blocks builds an outline (outline.Node); appendix tables are read row by row
with their page-break damage repaired (layouts/table.py, columns by role in
layouts/table_columns.py); the prose layouts (layouts/prose.py) then read who leads what
from the outline; afterwards each node is classified: a node that
carries its own lead unit is a task, a node with tasks below it is a section, and a leaf
item in the tasks part without a lead is reported (`no_lead`) and kept as section text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kehoach_xlsx.model import PlanMeta, PlanWarning, Section, Source, Task
from kehoach_xlsx.parse import meta as M
from kehoach_xlsx.parse.blocks import Block, one_line
from kehoach_xlsx.parse.layouts.prose import apply_prose_layouts
from kehoach_xlsx.parse.layouts.table import TableReading
from kehoach_xlsx.parse.outline import (
    FIELDS,
    Node,
    compress_path,
    is_bullet,
    join_wrapped_lines,
    match_item,
    node_path,
    starts_lowercase,
)
from kehoach_xlsx.parse.vocabulary import (
    DECLARED_COUNT,
    is_excluded_zone_title,
    is_task_zone_title,
    match_label,
    split_inline_labels,
    split_parenthetical_labels,
)
from kehoach_xlsx.vntext import fold


@dataclass
class Document:
    """What one file contributes to a plan."""

    file: str
    meta: PlanMeta
    sections: list[Section]
    tasks: list[Task]
    warnings: list[PlanWarning]
    boilerplate: list[str] = field(default_factory=list)
    is_body: bool = False  # has a plan title ("KẾ HOẠCH …"), not only an appendix
    appendix_reference: dict | None = None
    # its tasks are the duties of "Tổ chức thực hiện", read because the appendix it refers to
    # is not in the file: a separate appendix file given with it takes their place
    duties_for_appendix: bool = False


class DocumentParser(TableReading):
    def __init__(self, blocks: list[Block], file_name: str) -> None:
        self.blocks = blocks
        self.file = file_name
        self.warnings: list[PlanWarning] = []
        self.meta = PlanMeta()
        self.boilerplate: list[str] = []
        self.root = Node(kind="root", number=None, title="", line=0, file=file_name, level=-1)
        self.stack: list[Node] = [self.root]
        self.mode = "header"
        self.expect_title = False
        self.title_lines: list[str] = []
        self.is_body = False
        self.open_label: tuple[Node, str] | None = None
        self.label_is_list = False  # the open label's value is a list of bullet lines
        self.label_mark = ""  # the bullet the open label's line starts with
        self.used: set[int] = set()
        self.appendix_count = 0
        self.appendix_reference: dict | None = None
        self.has_zone_headings = any(self._is_zone_heading(b) for b in blocks if b.cells is None)
        self.raw_by_line = {
            b.line: b.raw for b in blocks
        }  # Markdown emphasis lives in the raw text
        self.current_raw = ""

    # ---- helpers -------------------------------------------------------------------------
    def warn(self, code: str, message: str, block: Block | None = None, line: int | None = None):
        self.warnings.append(
            PlanWarning(
                code,
                message,
                self.file,
                block.line if block else line,
                block.sheet if block else None,
            )
        )

    def _is_zone_heading(self, block: Block) -> bool:
        text = one_line(block.text)
        item = match_item(text)
        return bool(item and item[0] == "roman" and is_task_zone_title(item[2]))

    @property
    def top(self) -> Node:
        return self.stack[-1]

    @property
    def container(self) -> Node:
        """The appendix (or the root) that holds the current outline."""
        for node in reversed(self.stack):
            if node.kind in {"root", "appendix"}:
                return node
        return self.root

    # ---- main loop -----------------------------------------------------------------------
    def parse(self) -> Document:
        index = 0
        sheet = self.blocks[0].sheet if self.blocks else None
        while index < len(self.blocks):
            block = self.blocks[index]
            if block.sheet != sheet:
                # each sheet of a workbook is a part of its own (an instructions sheet is not
                # the continuation of the appendix on the sheet before it)
                sheet = block.sheet
                self.stack = [self.root]
                self.open_label = None
                if self.mode not in {"header"}:
                    self.mode = "body"
            if block.is_blank:
                self.used.add(index)
                index += 1
                continue
            if block.cells is not None and self.mode != "recipients":
                found = self.table_start(index)
                if found:
                    index = self.parse_table(index, *found)
                    continue
            self.used.add(index)
            if (
                block.cells is None
                and self.mode == "header"
                and re.search(r"\S {3,}\S", block.text)
            ):
                # a layout conversion (pdftotext) keeps the two header columns on one line
                for piece in re.split(r" {3,}", block.text.strip()):
                    self.handle_line(Block(block.line, piece, None, piece, block.sheet))
            elif block.cells is not None and self.mode == "header":
                # the header of a Word plan is a borderless table: issuer | motto, number | date
                for cell in block.cells:
                    for line in cell.split("\n"):
                        if line.strip():
                            self.handle_line(Block(block.line, line, None, line, block.sheet))
            else:
                self.handle_line(block)
            index += 1
        for index, block in enumerate(self.blocks):
            if index not in self.used and not block.is_blank:
                self.warn(
                    "unused_text",
                    f"Dòng chưa được xếp vào đâu: “{one_line(block.text)[:120]}”.",
                    block,
                )
        return self.finish()

    def handle_line(self, block: Block) -> None:
        self.current_raw = block.raw
        text = one_line(block.text)
        if not text:
            return
        if M.is_appendix_heading(text) and not match_label(text):
            self.start_appendix(block, text)
            return
        if self.mode == "recipients":
            self.boilerplate.append(text)
            if not M.is_signature_role(text) and not text.startswith("-") and len(text) < 60:
                if not M.is_recipients_start(text) and text[:1].isupper() and ":" not in text:
                    self.meta.signer = text
            return
        if (
            M.is_recipients_start(text)
            or _recipients_beside_signature(text)
            or (M.is_signature_role(text) and text.isupper() and len(text) < 60)
        ):
            self.mode = "recipients"
            self.open_label = None
            self.boilerplate.append(text)
            return
        if self.mode == "header" and self.header_line(block, text):
            return
        if self.mode == "appendix_head" and self.appendix_head_line(block, text):
            return
        if self.mode in {"header", "appendix_head"}:
            self.mode = "body"
        self.body_line(block, text)

    # ---- header and footer -----------------------------------------------------------------
    def header_line(self, block: Block, text: str) -> bool:
        """Number, place/date, issuer, motto, title and grounds before the first heading."""
        if M.is_motto(text):
            self.boilerplate.append(text)
            return True
        if M.is_rule_line(text):
            self.boilerplate.append(text)
            return True
        number = M.NUMBER_LINE.match(text)
        if number and len(text) < 160:
            self.boilerplate.append(text)
            self.meta.number = M.parse_number(number.group("value"))
            token = M.NUMBER_TOKEN.match(number.group("value"))
            rest = number.group("value")[token.end() :] if token else number.group("value")
            place_date = M.find_place_date(rest)
            if place_date:
                self.meta.place, self.meta.date = place_date
            self.is_body = True
            return True
        place_date = M.parse_place_date(text)
        if place_date:
            self.boilerplate.append(text)
            self.meta.place, self.meta.date = place_date
            return True
        issuer_part = M.is_issuer_line(text) or (
            self.meta.issuer and M.is_issuer_continuation(text)
        )
        if issuer_part and not self.title_lines and not self.expect_title:
            self.meta.issuer = f"{self.meta.issuer} {text}".strip() if self.meta.issuer else text
            return True
        if M.is_title_word(text):
            self.boilerplate.append(text)
            self.expect_title = True
            self.is_body = True
            return True
        folded = fold(text)
        if not self.title_lines and folded.startswith("ke hoach ") and text[:8].isupper():
            self.boilerplate.append(text)
            self.title_lines.append(text[len("KẾ HOẠCH") :].strip(" :"))
            self.is_body = True
            self.expect_title = False
            return True
        if match_item(text) and (self.title_lines or not self.expect_title):
            return False
        if self.expect_title:
            self.title_lines.append(text)
            self.expect_title = False
            return True
        if (
            self.title_lines
            and not M.is_ground(text)
            and starts_lowercase(text)
            and not self.meta.grounds
        ):
            self.title_lines.append(text)  # a title that wrapped onto a second line
            return True
        if self.title_lines or self.meta.number or self.meta.place:
            self.meta.grounds.append(text)
            return True
        return False

    def start_appendix(self, block: Block, text: str) -> None:
        self.appendix_count += 1
        number = M.appendix_number(text)
        node = Node(
            kind="appendix",
            number=number,
            title=text,
            line=block.line,
            file=self.file,
            level=0,
            sheet=block.sheet,
            in_task_zone=True,
        )
        node.id_prefix = f"PL{number}" if number else None
        self.root.add_child(node)
        self.stack = [self.root, node]
        self.mode = "appendix_head"
        self.open_label = None

    def appendix_head_line(self, block: Block, text: str) -> bool:
        """Lines between "PHỤ LỤC …" and its table: subtitle and "(Kèm theo Kế hoạch số …)"."""
        if match_item(text) or match_label(text):
            return False
        appendix = self.container
        reference = M.APPENDIX_REFERENCE.search(text)
        if reference:
            self.appendix_reference = {
                "number": M.parse_number(reference.group("number") or ""),
                "date": _date_or_none(
                    reference.group("d"), reference.group("m"), reference.group("y")
                ),
                "issuer": (reference.group("issuer") or "").strip(" .") or None,
            }
            appendix.body.append((block.line, text))
            return True
        appendix.title = f"{appendix.title} — {text.strip()}"
        return True

    # ---- prose body ------------------------------------------------------------------------
    def body_line(self, block: Block, text: str) -> None:
        level = getattr(block, "list_level", None)  # a Word list paragraph prints no bullet
        if level is not None and not is_bullet(text) and not match_item(text):
            text = f"{_LIST_MARKS[min(level, len(_LIST_MARKS) - 1)]} {text}"
        label = match_label(text)
        if label:
            self.add_label(block, text, *label)
            return
        item = match_item(text)
        if item and not (self.top.title_open and self._continues_title(text, item)):
            self.add_item(block, *item)
            return
        if is_bullet(text) and "(" in text and self.bullet_task(block, text):
            return
        if self.top.kind == "bullet":
            self.stack.pop()  # a bullet task ends at the next line that is not its own
        node = self.top
        if self.open_label and self.open_label[0] is node:
            _, field_name = self.open_label
            values = node.fields[field_name]
            if not values or not values[-1].strip():
                if values:
                    values[-1] = text
                else:
                    values.append(text)
                return
            if starts_lowercase(text):
                values[-1] = f"{values[-1]} {text}"
                return
            if (
                field_name == "deadline"
                and self.label_is_list
                and is_bullet(text)
                and text[:1] != self.label_mark
            ):
                values.append(text)  # "- Thời gian thực hiện:" over dated "+ …" steps
                return
            if (
                field_name in {"outputs", "lead", "coordinate"}
                and is_bullet(text)
                and node.lead_label_seen
            ):
                # "- Sản phẩm:" followed by a list of "+ …" lines (the label line itself empty
                # or ending with a colon)
                if values[-1].rstrip().endswith(":") or self.label_is_list:
                    values.append(text)
                    return
        if (
            node.kind != "root"
            and node.title_open
            and not node.body
            and self._continues_title(text, None)
        ):
            node.title = f"{node.title} {text}"
            return
        node.title_open = False
        self.open_label = None
        node.body.append((block.line, text))

    def _continues_title(self, text: str, item) -> bool:
        """A heading wrapped onto the next line: lowercase start, or same emphasis markers."""
        node = self.top
        if node.kind in {"root", "appendix"} or node.body or node.lead_label_seen:
            return False
        if item is not None:
            return False
        if is_bullet(text) or match_label(text):
            return False
        if node.title.rstrip().endswith((".", ":", ";", "!", "?")):
            return False
        return starts_lowercase(text) or self._same_emphasis(text)

    def _same_emphasis(self, text: str) -> bool:
        previous = self.raw_by_line.get(self.top.line)
        current = self.current_raw
        if not previous or not current:
            return False
        return (
            previous.rstrip().endswith("*")
            and current.lstrip().startswith("*")
            and not (current.lstrip().startswith("*\\*") or current.lstrip().startswith("\\*"))
        )

    def add_label(self, block: Block, text: str, field_name: str, value: str, has_colon: bool):
        node = self.top
        if node.kind == "root":
            # a label before any numbered item: the whole document part is the item
            node = self.synthetic_item(block)
        node.title_open = False
        for extra_field, extra_value in split_inline_labels(value):
            field_name = extra_field or field_name
            node.fields[field_name].append(extra_value)
            node.label_lines.append((block.line, field_name, len(node.fields[field_name]) - 1))
            if field_name == "lead":
                node.lead_label_seen = True
        self.open_label = (node, field_name)
        self.label_is_list = not value.strip()
        self.label_mark = text.lstrip()[:1]

    def synthetic_item(self, block: Block) -> Node:
        node = Node(
            kind="arabic",
            number=None,
            title="",
            line=block.line,
            file=self.file,
            level=2,
            sheet=block.sheet,
            in_task_zone=self.zone_for(None, None),
        )
        self.top.add_child(node)
        self.stack.append(node)
        return node

    def add_item(self, block: Block, kind: str, number: str, title: str, level: int) -> None:
        while len(self.stack) > 1 and self.top.kind not in {"appendix"} and self.top.level >= level:
            self.stack.pop()
        parent = self.top
        node = Node(
            kind=kind,
            number=number,
            title=title,
            line=block.line,
            file=self.file,
            level=level,
            sheet=block.sheet,
        )
        node.in_task_zone = self.zone_for(parent, node)
        count = DECLARED_COUNT.search(title)
        if count:
            node.declared_count = int(count.group(1))
        self.take_parenthetical(node)
        parent.add_child(node)
        self.stack.append(node)
        self.open_label = None

    def take_parenthetical(self, node: Node) -> None:
        """Assignment written after the item: "… (Chủ trì: Văn phòng; phối hợp: …)"."""
        title, pairs = split_parenthetical_labels(node.title)
        if not pairs:
            return
        node.title = title
        for field_name, value in pairs:
            node.fields[field_name].append(value)
            if field_name == "lead":
                node.lead_label_seen = True
        node.title_open = False

    def bullet_task(self, block: Block, text: str) -> bool:
        """A bullet that carries its own assignment in parentheses is a task of its own."""
        _, pairs = split_parenthetical_labels(text)
        if not any(field_name == "lead" for field_name, _ in pairs):
            return False
        parent = self.top
        if parent.kind == "bullet":
            self.stack.pop()
            parent = self.top
        index = sum(1 for c in parent.children if c.kind == "bullet") + 1
        node = Node(
            kind="bullet",
            number=f"({index})",
            title=re.sub(r"^[-–—+•*▪·]\s*", "", text),
            line=block.line,
            file=self.file,
            level=9,
            sheet=block.sheet,
        )
        node.in_task_zone = self.zone_for(parent, node)
        self.take_parenthetical(node)
        parent.add_child(node)
        self.stack.append(node)
        self.open_label = None
        return True

    def zone_for(self, parent: Node | None, node: Node | None) -> bool:
        """Is this item inside the part of the plan that lists tasks?"""
        if node is not None and node.kind == "roman" and (parent is None or parent.kind == "root"):
            if self.has_zone_headings:
                return is_task_zone_title(node.title)
            return not is_excluded_zone_title(node.title)
        if parent is None or parent.kind == "root":
            return not self.has_zone_headings
        if parent.kind == "appendix":
            return True
        return parent.in_task_zone

    # ---- result ----------------------------------------------------------------------------
    def finish(self) -> Document:
        if self.title_lines:
            self.meta.title = " ".join(self.title_lines).strip()
        if not self.meta.issuer:
            self.meta.issuer = self.guess_issuer()
        sections: list[Section] = []
        tasks: list[Task] = []
        self.deferred_no_lead: list[tuple[Node, Node, str]] = []
        self.zones_with_tasks: set[int] = set()
        mentions_appendix = any(
            b.cells is None and "phu luc" in fold(b.text) for b in self.blocks
        )  # "(Chi tiết nhiệm vụ theo Phụ lục kèm theo)": the tasks are in a table elsewhere
        duties_for_appendix = apply_prose_layouts(
            self.root, mentions_appendix, self.has_zone_headings
        )
        if duties_for_appendix:
            self.warn(
                "appendix_missing",
                "Văn bản nhắc đến phụ lục nhưng tệp này không có phụ lục; đã lấy các việc giao ở "
                "mục “Tổ chức thực hiện” làm nhiệm vụ. Nếu có tệp phụ lục, hãy đọc cùng văn bản "
                "chính (kehoach parse VAN-BAN PHU-LUC): nhiệm vụ sẽ lấy từ phụ lục.",
            )
        self.classify(self.root, None, sections, tasks)
        for zone, child, heading in self.deferred_no_lead:
            # an item without a lead is worth a doubt only where its part of the plan does
            # assign tasks; numbered guidance elsewhere (an instructions sheet) is just text
            if id(zone) in self.zones_with_tasks:
                self.warn(
                    "no_lead",
                    f"Mục “{heading[:100]}” trông như nhiệm vụ nhưng không ghi cơ quan chủ trì; "
                    "đã giữ làm nội dung của mục trên. Nếu là nhiệm vụ, hãy ghi đơn vị chủ trì.",
                    line=child.line,
                )
        return Document(
            file=self.file,
            meta=self.meta,
            sections=sections,
            tasks=tasks,
            warnings=self.warnings,
            boilerplate=self.boilerplate,
            is_body=self.is_body,
            appendix_reference=self.appendix_reference,
            duties_for_appendix=duties_for_appendix,
        )

    def guess_issuer(self) -> str | None:
        text = "\n".join(one_line(b.text) for b in self.blocks[:400] if b.cells is None)
        if self.meta.place:
            place = re.sub(r"^(P|X|TT)\.\s*", "", self.meta.place).strip()
            match = re.search(
                rf"\b(phường|xã|thị trấn)\s+{re.escape(place)}\b", text, re.IGNORECASE
            )
            if match:
                return f"Ủy ban nhân dân {match.group(1).lower()} {place}"
        found = M.issuer_from_text(text)
        if found:
            return found
        if self.appendix_reference and self.appendix_reference.get("issuer"):
            return self.appendix_reference["issuer"]
        return None

    def classify(self, node: Node, section_id: str | None, sections, tasks) -> bool:
        """Emit sections and tasks below node; True when a task was emitted below it."""
        emitted_task = False
        for child in node.children:
            child_id = self.node_id(child)
            candidate = child.from_table or child.in_task_zone
            is_task = child.has_lead and candidate
            if child.has_lead and not candidate:
                self.warn(
                    "lead_outside_tasks",
                    f"Mục “{child.number or ''} {child.title[:80]}” có đơn vị thực hiện nhưng nằm "
                    "ngoài phần nhiệm vụ của kế hoạch; chưa tính là nhiệm vụ. Nếu cần theo dõi, "
                    "hãy thêm vào bảng phân công.",
                    line=child.line,
                )
            makes_section = child.kind in {"appendix", "group", "roman"} or bool(child.children)
            if is_task:
                tasks.append(self.make_task(child, child_id, section_id))
                self.zones_with_tasks.add(id(zone_root(child)))
                emitted_task = True
                if child.children:
                    below = self.classify_into_task(child, child_id, sections, tasks)
                    emitted_task = emitted_task or below
                continue
            if makes_section:
                # an appendix whose groups reuse the body's numbers (I, II …) has sections of
                # its own: same number, another id, so its tasks point at its own titles
                child_id = distinct_id(child_id, {s.id for s in sections})
                section = Section(
                    id=child_id,
                    number=child.number,
                    title=child.title,
                    declared_count=child.declared_count,
                    parent=section_id,
                    text=[text for _, text in child.body] + child.notes + _label_text(child),
                    source=Source(self.file, child.line, child.sheet),
                )
                sections.append(section)
                before = len(tasks)
                below = self.classify(child, child_id, sections, tasks)
                emitted_task = emitted_task or below
                self.check_count(child, len(tasks) - before)
                continue
            # a leaf that is neither task nor section: its words stay with the section above
            target = self.section_for(sections, section_id)
            heading = (
                f"{child.number}) {child.title}"
                if child.kind == "letter"
                else (f"{child.number}. {child.title}" if child.number else child.title)
            )
            lines = (
                [heading.strip()]
                + [text for _, text in child.body]
                + child.notes
                + _label_text(child)
            )
            if target is not None:
                target.text.extend(line for line in lines if line)
            else:
                self.meta.grounds.extend(line for line in lines if line)
            if child.in_task_zone and child.kind not in {"root"}:
                self.deferred_no_lead.append((zone_root(child), child, heading))
        return emitted_task

    def classify_into_task(self, node: Node, node_id: str, sections, tasks) -> bool:
        """Children of a task: sub-tasks when they carry a lead, otherwise the task's details."""
        if any(c.has_lead for c in node.descendants()):
            sections.append(
                Section(
                    id=node_id,
                    number=node.number,
                    title=node.title,
                    declared_count=node.declared_count,
                    parent=tasks[-1].section if tasks else None,
                    source=Source(self.file, node.line, node.sheet),
                )
            )
            return self.classify(node, node_id, sections, tasks)
        task = next(t for t in reversed(tasks) if t.id == node_id)
        for child in node.descendants():
            prefix = (
                f"{child.number}) "
                if child.kind == "letter"
                else (f"{child.number}. " if child.number else "")
            )
            task.details.append(f"{prefix}{child.title}".strip())
            task.details.extend(text for _, text in child.body)
            task.notes.extend(child.notes)
        return False

    def section_for(self, sections: list[Section], section_id: str | None) -> Section | None:
        for section in reversed(sections):
            if section.id == section_id:
                return section
        return None

    def check_count(self, node: Node, found: int) -> None:
        if node.declared_count is not None and node.declared_count != found:
            self.warn(
                "count_mismatch",
                f"Mục {node.number or ''} ghi “({node.declared_count:02d} nhiệm vụ)” nhưng đọc "
                f"được {found} nhiệm vụ. Hãy kiểm tra văn bản gốc.",
                line=node.line,
            )

    def node_id(self, node: Node) -> str:
        if node.explicit_id:
            return node.explicit_id
        if node.kind == "appendix":
            return node.id_prefix or ("PL" if self.appendix_count <= 1 else f"PL-{node.line}")
        path = node_path(node)
        if node.number is None:
            parent_path = node_path(node.parent) if node.parent else []
            path = compress_path(parent_path + [f"L{node.line}"])
        return ".".join(path) if path else f"L{node.line}"

    def make_task(self, node: Node, task_id: str, section_id: str | None) -> Task:
        # a prose recogniser that read the roles already left one body per line
        units = _one_per_line if node.roles_read else split_units
        lead, coordinate = sort_roles(
            units("\n".join(node.fields["lead"])),
            units("\n".join(node.fields["coordinate"])),
        )
        return Task(
            id=task_id,
            number=node.number,
            section=section_id,
            title=clean_title(node.title),
            lead=lead,
            coordinate=coordinate,
            outputs=split_outputs("\n".join(node.fields["outputs"])),
            deadline_text=one_line("; ".join(v for v in node.fields["deadline"] if v.strip())),
            source=Source(self.file, node.line, node.sheet),
            details=[text for _, text in node.body],
            notes=list(node.notes),
        )


def distinct_id(value: str, taken: set[str]) -> str:
    candidate, counter = value, 2
    while candidate in taken:
        candidate, counter = f"{value}-{counter}", counter + 1
    return candidate


def zone_root(node: Node) -> Node:
    """The top-level heading (or appendix) a node belongs to."""
    current = node
    while current.parent is not None and current.parent.kind not in {"root", "appendix"}:
        current = current.parent
    return current


_LIST_MARKS = "-+•"  # the bullet a Word list level stands for in prose


def _one_per_line(text: str) -> list[str]:
    return [line.strip() for line in text.split("\n") if line.strip()]


def _recipients_beside_signature(text: str) -> bool:
    """ "Nơi nhận:   TM. ỦY BAN NHÂN DÂN": a PDF's layout text keeps both columns on one line."""
    head, colon, rest = text.partition(":")
    if not colon or len(head) > 20:
        return False
    rest = rest.strip()
    signature = M.is_signature_role(rest) or (rest.isupper() and len(rest) < 60)
    return fold(head).strip() == "noi nhan" and bool(rest) and signature


def _date_or_none(day, month, year):
    from datetime import date

    if not (day and month and year):
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def _label_text(node: Node) -> list[str]:
    """Label values of a node that is not a task (kept as text so nothing is lost)."""
    names = {
        "lead": "Chủ trì",
        "coordinate": "Phối hợp",
        "outputs": "Sản phẩm",
        "deadline": "Thời gian",
    }
    return [f"{names[k]}: {v}" for k in FIELDS for v in node.fields[k] if v.strip()]


def clean_title(text: str) -> str:
    return one_line(text)


_UNIT_SPLIT = re.compile(r"\s*;\s*|\n+")
_DASH_ITEM = re.compile(r"(?:(?<=[.;,])|^)\s*[-–+•]\s*(?=\S)")
_SENTENCE_SPLIT = re.compile(r"(?<=\S)\.\s+(?=[A-ZĐÂĂÊÔƠƯÁÀẢÃẠÉÈẺẼẸÍÌỈĨỊÓÒỎÕỌÚÙỦŨỤÝỲỶỸỴ(])")
_ABBREVIATION = re.compile(r"(?:^|\s)(?:[A-ZĐ]{1,2}|TP|Tp|tp|St|ThS|TS|Th)$")


def split_units(text: str) -> list[str]:
    """Unit cell -> list of units as printed: split on ";", new lines and "-" bullets, and on
    "," / "và" only between named bodies ("Bộ Tài chính, Bộ Nội vụ").

    Commas and "và" inside one unit's name stay ("Phòng Xây dựng, Nông nghiệp và Môi
    trường"); group phrases such as "Các phòng chuyên môn, đơn vị thuộc phường" stay whole.
    "Văn phòng HĐND và UBND. Phòng Kinh tế" (a full stop between two names) is split too.
    """
    # Named bodies joined by "," or "và" are cut where the next name starts like a body
    # ("Bộ Tài chính, Bộ Nội vụ"); one body's own commas and collective phrases stay whole.
    from kehoach_xlsx.units import split_unit_cell

    items = [piece for item in _split_list(text) for piece in _split_glued(item)]
    return [name for item in items for name in (split_unit_cell(item) or [item])]


# "Sở A và cơ quan, địa phương liên quan": a named body, then a collective of the others
_AND_COLLECTIVE = re.compile(
    r"(?<=\S)\s+và\s+(?=(?:các\s+)?(?:cơ quan|đơn vị|địa phương|sở|ban|ngành|tổ chức)\b"
    r"[^;]*\bliên quan$)"
)
# "… UBND xã, phường Sở Tài chính": two lists of a cell whose line break was lost
_PLACE_THEN_BODY = re.compile(
    r"\b(xã|phường|đặc khu|huyện|quận|tỉnh|thị trấn)\s+"
    r"(?=(?:Sở|Bộ|Phòng|Ủy ban|UBND|Công an|Văn phòng|Trung tâm)\s)"
)
_CAPITAL_COLLECTIVE = re.compile(r"(?<=[a-zà-ỹđ])\s+(?=Các\s+[a-zà-ỹđ])")  # "Sở A Các sở, ngành"


def _split_glued(item: str) -> list[str]:
    """Cut what split_unit_cell keeps whole although two units were meant (see above)."""
    pieces = [item]
    if item[:1].isupper() and not fold(item).startswith(("cac ", "nhung ")):
        pieces = _AND_COLLECTIVE.split(item, maxsplit=1)  # not "Các bộ, ngành và địa phương …"
    pieces = [p for piece in pieces for p in _CAPITAL_COLLECTIVE.split(piece)]
    return [p for piece in pieces for p in _PLACE_THEN_BODY.sub("\\1\n", piece).split("\n")]


def split_outputs(text: str) -> list[str]:
    """ "Kế hoạch kiểm tra; Quyết định thành lập Đoàn kiểm tra; Kết luận kiểm tra." -> 3 items."""
    return _split_list(text)


def _split_list(text: str) -> list[str]:
    items: list[str] = []
    for part in _UNIT_SPLIT.split(text or ""):
        part = _DASH_ITEM.sub("\n", part)
        for piece in part.split("\n"):
            for sentence in split_sentences(piece):
                value = sentence.strip().strip(" -–+•").strip()
                value = value.rstrip(" .;,")
                if value:
                    items.append(value)
    return items


_ROLE_MARK = re.compile(
    r"\s*\((chủ trì|chủ trì thực hiện|phối hợp|phối hợp thực hiện)\)\s*$", re.IGNORECASE
)


def sort_roles(lead: list[str], coordinate: list[str]) -> tuple[list[str], list[str]]:
    """One "Đơn vị thực hiện" cell listing "Phòng A (chủ trì); Công an (phối hợp)"."""
    if not any(_ROLE_MARK.search(unit) for unit in lead + coordinate):
        return lead, coordinate
    leads: list[str] = []
    partners: list[str] = []
    for unit, default in [(u, leads) for u in lead] + [(u, partners) for u in coordinate]:
        match = _ROLE_MARK.search(unit)
        if not match:
            default.append(unit)
            continue
        name = unit[: match.start()].strip()
        (leads if "chủ trì" in match.group(1).lower() else partners).append(name)
    return leads, partners


def split_sentences(text: str) -> list[str]:
    """Split "A. B" between names, but not after an abbreviation like "TP." or "P."."""
    pieces: list[str] = []
    start = 0
    for match in _SENTENCE_SPLIT.finditer(text):
        before = text[start : match.start()]
        if _ABBREVIATION.search(before):
            continue
        pieces.append(text[start : match.start()])
        start = match.end()
    pieces.append(text[start:])
    return pieces


def parse_document(blocks: list[Block], file_name: str) -> Document:
    blocks = join_wrapped_lines(blocks)
    return DocumentParser(blocks, file_name).parse()
