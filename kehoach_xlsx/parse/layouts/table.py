"""Appendix tables: rows of an assignment table read into outline nodes.

A table starts at a header row (see table_columns.find_columns); each later row is a task, a
group heading (A, I, 1.1 …), a row broken by a page (its continuation), or a repeated header.
The reading is mixed into DocumentParser, whose outline stack and warnings it shares.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from kehoach_xlsx.parse import meta as M
from kehoach_xlsx.parse.blocks import Block, clean, is_separator_row, one_line
from kehoach_xlsx.parse.layouts.table_columns import (
    PROFILE_ROWS,
    align_short_row,
    assign_roles,
    header_roles,
    is_agency,
    is_header_like,
    is_task_text,
    merge_header_rows,
)
from kehoach_xlsx.parse.layouts.table_units import split_cell_units
from kehoach_xlsx.parse.outline import (
    FIELDS,
    Node,
    is_bullet,
    match_item,
    roman_value,
    starts_lowercase,
)
from kehoach_xlsx.parse.vocabulary import DECLARED_COUNT, column_field, header_fields
from kehoach_xlsx.vntext import fold

TABLE_TEXT_RUN_LIMIT = 4  # this many prose lines in a row end an appendix table


@dataclass
class _TableState:
    columns: dict[str, int]
    parent: Node
    stack: list[Node]
    headers: list[str] = field(default_factory=list)
    auto_number: int = 0
    last: Node | None = None
    pending: Node | None = None


class TableReading:
    """The table part of DocumentParser (uses its blocks, stack, warnings)."""

    def table_start(self, index: int) -> tuple[dict[str, int], int] | None:
        """Columns of a table that starts at this row, and the index of its first data row.

        A header of known words (one or two rows high), a header with some unknown words, or
        no header at all: the roles the header does not give are read from the cells below.
        """
        top = self.blocks[index].cells or []
        named = header_fields([one_line(c) for c in top])
        first = index + 1
        if named is None and is_header_like(top, self.blocks[index].bold):
            below = self._next_row(index)
            if below is not None and is_header_like(
                self.blocks[below].cells or [], self.blocks[below].bold
            ):
                named, first = merge_header_rows(top, self.blocks[below].cells or []), below + 1
            else:
                named = header_roles(top)
        elif named is None:
            if self._previous_is_row(index):
                return None  # a table without a header is judged from its first row only
            named, first = {}, index
        rows = self._rows_from(first)
        header_width = max((len(b.cells or []) for b in self.blocks[index:first]), default=0)
        roles = assign_roles(named, rows, header_width)
        if first == index:
            if not roles or "number" not in roles or "lead" not in roles or len(rows) < 2:
                return None
            if "coordinate" not in roles and "deadline" not in roles:
                return None  # numbered prose beside a unit is not yet an assignment table
        elif roles is None:
            return (named, first) if header_fields([one_line(c) for c in top]) else None
        return roles, first

    def _previous_is_row(self, index: int) -> bool:
        index -= 1
        while index >= 0 and self.blocks[index].is_blank:
            index -= 1
        return index >= 0 and self.blocks[index].cells is not None

    def _next_row(self, index: int) -> int | None:
        """The next table row, past blank lines and Markdown's "|---|" line."""
        index += 1
        while index < len(self.blocks) and (
            self.blocks[index].is_blank
            or (self.blocks[index].cells and is_separator_row(self.blocks[index].cells or []))
        ):
            self.used.add(index)  # nothing is lost: a blank or "|---|" line carries no words
            index += 1
        if index < len(self.blocks) and self.blocks[index].cells is not None:
            return index
        return None

    def _rows_from(self, index: int) -> list[list[str]]:
        """The data rows a table's columns are judged on (header-like rows left out)."""
        rows: list[list[str]] = []
        sheet = self.blocks[index].sheet if index < len(self.blocks) else None
        prose = 0
        while index < len(self.blocks) and len(rows) < PROFILE_ROWS and prose < 3:
            block = self.blocks[index]
            index += 1
            if block.sheet != sheet or block.is_blank:
                continue
            if block.cells is None:
                prose += 1
                continue
            prose = 0
            if not is_header_like(block.cells) and not is_separator_row(block.cells):
                rows.append(block.cells)
        return rows

    def parse_table(self, start: int, columns: dict[str, int], first: int | None = None) -> int:
        """Read an appendix table from its header row(s) (or, without header, from its first
        row); return the index after the table."""
        first = start + 1 if first is None else first
        header_rows = [b.cells or [] for b in self.blocks[start:first] if b.cells is not None]
        for index in range(start, first):
            self.used.add(index)
        for cells in header_rows:
            self.boilerplate.append(" | ".join(one_line(c) for c in cells))
        if self.mode in {"header", "appendix_head"}:
            self.mode = "body"
        self.open_label = None
        parent = self.top if self.top.kind != "root" else self.container
        if parent.kind == "root":
            parent = self.synthetic_appendix(self.blocks[start])
        table_stack: list[Node] = [parent]
        headers = [one_line(c) for c in header_rows[-1]] if header_rows else []
        if len(header_rows) == 2:
            headers = [
                b or (header_rows[0][i] if i < len(header_rows[0]) else "")
                for i, b in enumerate(one_line(c) for c in header_rows[1])
            ]
        headers = align_headers(headers, columns)
        state = _TableState(columns=columns, parent=parent, stack=table_stack, headers=headers)
        header_keys = [[fold(one_line(c)) for c in cells] for cells in header_rows]
        interruption: list[int] = []
        index = self.second_header_row(first, columns, state) if len(header_rows) == 1 else first
        while index < len(self.blocks):
            block = self.blocks[index]
            if block.sheet != self.blocks[start].sheet:
                break  # a table ends with its sheet
            if block.is_blank:
                index += 1
                continue
            if block.cells is None:
                text = one_line(block.text)
                if not text:
                    self.used.add(index)
                    index += 1
                    continue
                if self.ends_table(text):
                    break
                if block.sheet is not None or self._is_group_text(text):
                    row = self._text_as_row(text, columns)
                    if row is not None:
                        self._commit_interruption(interruption, state)
                        self.used.add(index)
                        self.table_row(block, row, state)
                        index += 1
                        continue
                interruption.append(index)
                if len(interruption) >= TABLE_TEXT_RUN_LIMIT:
                    index = interruption[0]
                    interruption.clear()
                    break
                index += 1
                continue
            cells = block.cells
            if [fold(one_line(c)) for c in cells] in header_keys:
                self.used.add(index)  # the header repeated on the next page
                index += 1
                continue
            if header_fields([one_line(c) for c in cells]):
                repeated = header_roles(cells)
                if not all(columns.get(k) == v for k, v in repeated.items() if k in columns):
                    break  # another table starts
                self.used.add(index)  # the header again, worded a little differently
                self.boilerplate.append(" | ".join(one_line(c) for c in cells))
                index += 1
                continue
            self._commit_interruption(interruption, state)
            self.used.add(index)
            if is_column_numbering(cells):
                self.boilerplate.append(" | ".join(one_line(c) for c in cells))
            elif not is_separator_row(cells):
                self.table_row(block, cells, state)
            index += 1
        else:
            index = interruption[0] if interruption else index
            interruption.clear()
        if interruption:
            index = interruption[0]
        self.finish_pending(state)
        split_row_units(parent)
        self.stack = [n for n in self.stack if n.kind in {"root", "appendix"}] or [self.root]
        if parent not in self.stack:
            self.stack.append(parent)
        return index

    def second_header_row(self, index: int, columns: dict[str, int], state: _TableState) -> int:
        """A two-row header: "Đơn vị thực hiện" over "Chủ trì | Phối hợp"."""
        below = self._next_row(index - 1)
        if below is None:
            return index
        index = below
        cells = [one_line(c) for c in self.blocks[index].cells or []]
        fields = {i: column_field(c) for i, c in enumerate(cells) if c}
        if not fields or not all(fields.values()):
            return index  # a data row: some cell is not a header word
        for i, field_name in fields.items():
            columns[field_name] = i
            if i < len(state.headers):
                state.headers[i] = cells[i]
        self.boilerplate.append(" | ".join(cells))
        self.used.add(index)
        return index + 1

    def synthetic_appendix(self, block: Block) -> Node:
        """A table with no "PHỤ LỤC" heading above it (a sheet, a bare table)."""
        node = Node(
            kind="appendix",
            number=None,
            title=block.sheet or "Bảng phân công nhiệm vụ",
            line=block.line,
            file=self.file,
            level=0,
            sheet=block.sheet,
            in_task_zone=True,
        )
        self.root.add_child(node)
        self.stack = [self.root, node]
        return node

    def ends_table(self, text: str) -> bool:
        if M.is_appendix_heading(text) or M.is_recipients_start(text):
            return True
        if M.is_signature_role(text) and text.isupper():
            return True
        item = match_item(text)
        return bool(item and item[0] == "roman" and item[2].isupper() and len(item[2]) > 3)

    def _is_group_text(self, text: str) -> bool:
        first = re.match(r"^([A-ZĐ]|[IVXLC]+)[.)]?\s+\S", text)
        return bool(first)

    def _text_as_row(self, text: str, columns: dict[str, int]) -> list[str] | None:
        """A sheet row typed in one (merged) cell: "A. NHIỆM VỤ CHUNG" -> a group row."""
        number, rest = split_number_cell(text)
        if number is None or row_kind(number) not in {"group", "roman"}:
            return None
        width = max(columns.values()) + 1
        cells = [""] * width
        cells[columns.get("number", 0)] = number
        cells[title_column(columns)] = rest
        return cells

    def _commit_interruption(self, interruption: list[int], state: _TableState) -> None:
        """Footnotes and notes printed between rows belong to the row above them."""
        for index in interruption:
            self.used.add(index)
            text = one_line(self.blocks[index].text)
            target = state.last or state.parent
            target.notes.append(text)
        interruption.clear()

    def table_row(self, block: Block, cells: list[str], state: _TableState) -> None:
        columns = state.columns
        cells = repair_lost_tab(cells, len(state.headers), self, block)
        cells = align_short_row(cells, columns, len(state.headers))

        def cell(name: str) -> str:
            index = columns.get(name)
            if index is None or index >= len(cells):
                return ""
            return clean(cells[index])

        number_text = one_line(cell("number")) if "number" in columns else ""
        sub_number = one_line(cell("sub_number"))
        if sub_number and split_number_cell(sub_number)[0]:
            number_text = sub_number  # "1 | 1.1 | …": the row's own number is the finer one
        title = one_line(cell_title(cells, columns))
        if (
            "number" not in columns
            and title
            and not starts_lowercase(title)
            and (any(cell(name) for name in FIELDS) or state.last is None)
        ):
            # a table without a TT column: every row that starts a sentence is a task
            state.auto_number += 1
            number_text = str(state.auto_number)
        used_columns = {columns[k] for k in ("number", "sub_number", "id", *FIELDS) if k in columns}
        explicit_id = one_line(cell("id")) if "id" in columns else ""
        used_columns.add(title_column(columns))
        extras = [
            f"{state.headers[i]}: {one_line(cells[i])}" if state.headers[i] else one_line(cells[i])
            for i in range(len(cells))
            if i not in used_columns and one_line(cells[i]) and i < len(state.headers) + 50
            for _ in [state.headers.extend([""] * max(0, i + 1 - len(state.headers)))]
        ]
        values = {name: cell(name) for name in FIELDS}
        number, rest = split_number_cell(number_text)
        if number is not None and rest and not title:
            title = rest  # "VII Nâng cao …": the tab between number and title was lost
        elif number is None and number_text:
            # something that is not a number in the TT column: keep it with the title
            title = f"{number_text} {title}".strip()
        kind = row_kind(number) if number else None
        if kind in {"group", "roman"} and not title:
            named = [one_line(c) for i, c in enumerate(cells) if i not in number_columns(columns)]
            named = [c for c in named if c]
            if len(named) == 1:
                # "A. | BỘ X": the group's name spans the row, whatever column it falls in
                title, values = named[0], {name: "" for name in FIELDS}
        if fold(title).startswith("(vi du)"):
            # the template's example rows: left in by mistake, they must not become tasks
            self.boilerplate.append(title)
            self.warn(
                "example_row", f"Dòng ví dụ của mẫu, không tính là nhiệm vụ: “{title[:80]}”.", block
            )
            return

        heading_like = title.isupper() or (block.bold and not starts_lowercase(title))
        if number is None and title and heading_like and not any(values.values()):
            # a group heading typed without a number ("NHIỆM VỤ CHUNG", or bold "Nhóm …")
            self.finish_pending(state)
            self.new_row_node(block, None, "group", title, values, state)
            return
        if number is None:
            opens_group = state.last is None or state.last.kind != "row"
            looks_new = (
                title
                and not starts_lowercase(title)
                and values["lead"]
                and not starts_lowercase(values["lead"])
                # after a group heading nothing can go on: "- " items are a new row's cells
                and (opens_group or not (is_bullet(title) or is_bullet(values["lead"])))
                and (values["deadline"] or values["outputs"])
            )
            if not looks_new and is_rowspan_sub_row(title, values, state.last):
                self.sub_row(block, title, values, extras, state)
                return
            if looks_new or state.last is None:
                node = self.new_row_node(block, None, "row", title, values, state)
                node.spans_above = bool(looks_new)  # a task row: sub-rows may span its cells
                node.body.extend((block.line, extra) for extra in extras)
                state.pending = node
            else:
                append_row(state.last, title, values)
                state.last.body.extend((block.line, extra) for extra in extras)
            return
        if (
            kind == "task"
            and state.pending is not None
            and state.pending is state.last
            and (starts_lowercase(title) or not title)
        ):
            pending = state.pending
            pending.number = number
            append_row(pending, title, values)
            pending.body.extend((block.line, extra) for extra in extras)
            self.warn(
                "number_on_continuation",
                f"Số thứ tự {number} nằm ở dòng tiếp theo của nhiệm vụ (dòng bị ngắt trang); "
                f"đã ghép vào nhiệm vụ bắt đầu ở dòng {pending.line}.",
                block,
            )
            state.pending = None
            return
        self.finish_pending(state)
        node = self.new_row_node(block, number, kind or "task", title, values, state)
        node.body.extend((block.line, extra) for extra in extras)
        node.explicit_id = explicit_id or None

    def new_row_node(self, block, number, kind, title, values, state: _TableState) -> Node:
        level = {"group": 1, "roman": 2, "task": 3}.get(kind, 3)
        if kind == "task" and number and "." in number.strip("."):
            level = 3 + number.strip(".").count(".")
        while len(state.stack) > 1 and state.stack[-1].level >= level:
            state.stack.pop()
        parent = state.stack[-1]
        node = Node(
            kind=kind if kind in {"group", "roman"} else "row",
            number=number.rstrip(".") if number else None,
            title=title,
            line=block.line,
            file=self.file,
            level=level,
            sheet=block.sheet,
            in_task_zone=True,
            from_table=True,
        )
        count = DECLARED_COUNT.search(title)
        if count:
            node.declared_count = int(count.group(1))
        for name in FIELDS:
            if values[name]:
                node.fields[name].append(values[name])
        parent.add_child(node)
        state.stack.append(node)
        state.last = node
        return node

    def sub_row(self, block, title, values, extras, state: _TableState) -> None:
        """A task of its own under a row whose TT cell (and maybe its coordinate and deadline
        cells) spans two rows: the spanned cells belong to both tasks."""
        above = state.last
        self.finish_pending(state)
        spanned = dict(values)
        for name in ("lead", "coordinate", "deadline", "outputs"):
            if not spanned[name] and above.fields[name]:
                spanned[name] = above.fields[name][0]
        node = self.new_row_node(block, None, "row", title, spanned, state)
        node.spans_above = True  # a further sub-row may span the same cells
        node.body.extend((block.line, extra) for extra in extras)
        self.warn(
            "unnumbered_sub_row",
            f"Dòng bảng không có số thứ tự (ô TT gộp với dòng {above.line}): “{title[:80]}”. "
            "Đã coi là một nhiệm vụ riêng, cùng phối hợp và thời hạn với dòng trên; hãy kiểm tra.",
            block,
        )

    def finish_pending(self, state: _TableState) -> None:
        if state.pending is not None and state.pending.number is None:
            self.warn(
                "missing_number",
                f"Dòng bảng không có số thứ tự (TT): “{state.pending.title[:80]}”. Đã coi là "
                "một nhiệm vụ riêng; hãy kiểm tra.",
                line=state.pending.line,
            )
        state.pending = None


_BLOCK_START = re.compile(r"(?<=\S)\s*(?=<p>)")


def is_rowspan_sub_row(title: str, values: dict[str, str], above: Node | None) -> bool:
    """ "1 | Lắp máy chủ | Trung tâm A | Sở B | Quý IV" then "Lắp máy dự phòng | Trung tâm A":
    a row without a number that states a whole task and its own lead, under a numbered task
    row (a row broken by a page goes on in lowercase, or without a lead of its own)."""
    lead = values["lead"]
    if above is None or above.kind != "row" or not (above.number or above.spans_above):
        return False
    if above.title.rstrip().endswith((",", ";", ":")):
        return False
    if not lead:
        # the lead cell spans too ("1 | Bộ A | Bộ B | - Lập đề án … | Quý I" then
        # "- Ban hành quy chuẩn … | Quý III"): a task of its own when it prints its own time
        # beside an item like the one above
        item = _MARKER.sub("", title)
        return bool(
            is_task_text(item)
            and values["deadline"]
            and above.fields["lead"]
            and any(v.strip() for v in above.fields["deadline"])
            and is_bullet(title) == is_bullet(above.title)
        )
    return bool(
        is_task_text(title)
        and not is_bullet(title)
        and is_agency(lead)
        and not starts_lowercase(lead)
        and not (above.fields["lead"] and above.fields["lead"][-1].rstrip().endswith((",", "và")))
    )


_MARKER = re.compile(r"^[-–+•]\s*")


def repair_lost_tab(cells: list[str], width: int, parser: TableReading, block: Block) -> list[str]:
    """A row one cell short whose last cell holds two HTML blocks lost the tab between them.

    Seen in real conversions: "<ul> + Tập huấn; + Kiểm tra … <p>ngày kể từ …</p>" is the
    output column's continuation followed by the deadline column's.
    """
    filled = list(cells)
    while filled and not filled[-1].strip():
        filled.pop()  # a table pads the short row with empty cells; the text is still in one
    if width - len(filled) != 1 or not filled or "<p>" not in filled[-1]:
        return cells
    cells = filled
    last = cells[-1]
    match = _BLOCK_START.search(last)
    if not match or not one_line(last[: match.start()]) or last.lstrip().startswith("<p>"):
        return cells
    parser.warn(
        "cells_repaired",
        "Dòng bảng thiếu một cột (mất dấu phân cách khi chuyển đổi); đã tách ô cuối thành hai cột. "
        "Hãy kiểm tra sản phẩm và tiến độ của nhiệm vụ này.",
        block,
    )
    return [*cells[:-1], last[: match.start()], last[match.end() :]]


_COLUMN_NUMBER = re.compile(r"^\(?\d{1,2}\)?$")


def is_column_numbering(cells: list[str]) -> bool:
    """The "(1) | (2) | (3) …" row many tables print under their header."""
    filled = [one_line(c) for c in cells if one_line(c)]
    if len(filled) < 3 or not all(_COLUMN_NUMBER.match(c) for c in filled):
        return False
    numbers = [int(c.strip("()")) for c in filled]
    return numbers == list(range(numbers[0], numbers[0] + len(numbers)))


def number_columns(columns: dict[str, int]) -> set[int]:
    return {columns[k] for k in ("number", "sub_number") if k in columns}


def cell_title(cells: list[str], columns: dict[str, int]) -> str:
    index = title_column(columns)
    return cells[index] if index < len(cells) else ""


def title_column(columns: dict[str, int]) -> int:
    """The task text column: the leftmost of "Nhiệm vụ"/"Nội dung…", "Mục tiêu", "Hoạt động"."""
    candidates = [columns[k] for k in ("title", "goal", "activity") if k in columns]
    return min(candidates) if candidates else 1


_NUMBER_CELL = re.compile(
    r"^(?P<num>[A-ZĐ]|[IVXLC]{1,6}|\d{1,3}(?:\.\d{1,3})*)\s*[.)]?(?:\s+(?P<rest>\S.*))?$"
)


def split_number_cell(text: str) -> tuple[str | None, str]:
    """ "35" -> ("35", ""); "VII Nâng cao …" -> ("VII", "Nâng cao …"); "" -> (None, "")."""
    text = text.strip()
    if not text:
        return None, ""
    match = _NUMBER_CELL.match(text)
    if not match:
        return None, text
    number = match.group("num")
    rest = (match.group("rest") or "").strip()
    if rest and len(number) == 1 and number.isalpha() and not rest[:1].isupper():
        return None, text  # "A sentence", not a group letter
    return number, rest


def row_kind(number: str) -> str:
    if re.match(r"^\d", number):
        return "task"
    if len(number) == 1 and number not in {"I", "V", "X"}:
        return "group"
    if roman_value(number) is not None:
        return "roman"
    return "group"


def append_row(node: Node, title: str, values: dict[str, str]) -> None:
    """A row broken by a page: add each column's continuation to the row above."""
    if title:
        node.title = join_continuation(node.title, title, one=True)
    for name in FIELDS:
        value = values[name]
        if not value:
            continue
        if node.fields[name] and name in {"lead", "coordinate"} and is_agency(value):
            node.fields[name].append(value)  # another unit under the last one
        elif node.fields[name]:
            node.fields[name][-1] = join_continuation(node.fields[name][-1], value)
        else:
            node.fields[name].append(value)


def join_continuation(before: str, after: str, one: bool = False) -> str:
    if not before:
        return after
    separator = " "
    if not one and (
        is_bullet(after) or (after[:1].isupper() and before.rstrip().endswith((";", ".")))
    ):
        separator = "\n"
    return f"{before.rstrip()}{separator}{after.lstrip()}"


def align_headers(headers: list[str], columns: dict[str, int]) -> list[str]:
    """Header words over the columns they were moved to (a header cell that spanned two
    columns in the document, written once by the text conversion)."""
    named = {k: v for k, v in header_roles(headers).items() if k in columns}
    moves = {columns[k] - v for k, v in named.items() if columns[k] != v}
    if len(moves) != 1 or (shift := moves.pop()) <= 0:
        return headers
    split = min(v for k, v in named.items() if columns[k] != v)
    if any(v >= split and columns[k] == v for k, v in named.items()):
        return headers  # not one block of columns moved together
    return headers[:split] + [""] * shift + headers[split:]


def split_row_units(parent: Node) -> None:
    """Lead and coordinate cells of the rows read: one body per line."""
    for node in parent.descendants():
        if node.from_table:
            for name in ("lead", "coordinate"):
                node.fields[name] = [split_cell_units(v) for v in node.fields[name]]
