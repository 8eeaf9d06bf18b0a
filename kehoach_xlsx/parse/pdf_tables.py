"""Ruled tables of a PDF page: cells from the ruling lines (merged cells kept), and a table
carried over a page break joined back into one."""

from __future__ import annotations

from dataclasses import dataclass, field

from kehoach_xlsx.parse.pdf_lines import (
    BULLET,
    NUMBER_MARKER,
    Line,
    continues,
    group_lines,
    join_lines,
    join_parts,
)

RULE_THICKNESS = 2.0  # a filled rectangle thinner than this is a drawn rule, not shading


@dataclass
class Table:
    top: float
    lefts: list[float]  # left edge of each column: tells a continued table from a new one
    rows: list[list[str]] = field(default_factory=list)
    merged: list[set[int]] = field(default_factory=list)
    full_ends: list[list[bool]] = field(default_factory=list)  # cell's last line filled it


def table_settings(page) -> dict:
    """Table cells from ruling lines only: drawn lines, thin rules and stroked boxes.

    Word also paints shaded or highlighted text with filled rectangles; taken as rules they
    would cut a paragraph into a false table.
    """
    rules = list(page.lines)
    for rect in page.rects:
        thin = min(rect["width"], rect["height"]) <= RULE_THICKNESS
        if thin or rect.get("stroke"):
            rules.append(rect)
    return {
        "vertical_strategy": "explicit",
        "horizontal_strategy": "explicit",
        "explicit_vertical_lines": rules,
        "explicit_horizontal_lines": rules,
    }


def is_real_table(table) -> bool:
    """Two columns and three cells at least: a single ruled box around a paragraph is prose
    (one row of several columns is a table's last row before a page break)."""
    rows = table.rows
    columns = max(len(row.cells) for row in rows)
    return columns >= 2 and len(rows) * columns >= 3


def box_of(word: dict, boxes: list[tuple]) -> int | None:
    x = (word["x0"] + word["x1"]) / 2
    y = (word["top"] + word["bottom"]) / 2
    for index, (x0, top, x1, bottom) in enumerate(boxes):
        if x0 <= x <= x1 and top <= y <= bottom:
            return index
    return None


def read_tables(table, words: list[dict]) -> list[Table]:
    rows = table.rows
    width = max(len(row.cells) for row in rows)
    grid = [list(row.cells) + [None] * (width - len(row.cells)) for row in rows]
    return [read_grid(part, words) for part in split_grid(grid)]


Grid = list[list[tuple | None]]


def split_grid(grid: Grid) -> list[Grid]:
    """Cut a grid where its column edges change and drop the columns a part never uses.

    Two tables drawn one under the other with different column widths come from pdfplumber
    as one grid over the union of their edges; each is its own table.
    """
    parts: list[Grid] = []
    current: Grid = []
    edges: set[int] = set()
    for row in grid:
        starts = {col for col, box in enumerate(row) if box is not None}
        if current and not (starts <= edges or edges <= starts):
            parts.append(current)
            current, edges = [], set()
        current.append(row)
        edges |= starts
    parts.append(current)
    result: list[Grid] = []
    for part in parts:
        used = sorted({col for row in part for col, box in enumerate(row) if box is not None})
        result.append([[row[col] for col in used] for row in part])
    return result


def read_grid(boxes: Grid, words: list[dict]) -> Table:
    """Cell texts of a ruled table; a vertically merged cell repeats, a spanned one is empty."""
    width = len(boxes[0])
    lefts: list[float] = [0.0] * width
    for row_boxes in boxes:
        for col, box in enumerate(row_boxes):
            if box is not None and not lefts[col]:
                lefts[col] = float(box[0])
    top = min(float(box[1]) for box in boxes[0] if box is not None)
    result = Table(top=top, lefts=lefts)
    texts: list[list[str]] = []
    for r, row_boxes in enumerate(boxes):
        cells: list[str] = []
        full: list[bool] = []
        merged: set[int] = set()
        for col, box in enumerate(row_boxes):
            if box is not None:
                text, ends_full = cell_text(box, words)
                cells.append(text)
                full.append(ends_full)
                continue
            origin = rowspan_origin(boxes, r, col)
            if origin is not None:
                # a vertically merged cell means the same value on every row it spans (one
                # lead for several tasks); the number column stays empty, as in Word files
                cells.append(texts[origin][col] if col > 0 else "")
            else:
                left = next((c for c in range(col - 1, -1, -1) if row_boxes[c] is not None), None)
                if left is not None:
                    merged.add(left)
                cells.append("")
            full.append(False)
        texts.append(cells)
        result.rows.append(cells)
        result.merged.append(merged)
        result.full_ends.append(full)
    return result


def rowspan_origin(boxes: list[list[tuple | None]], row: int, col: int) -> int | None:
    """The row above whose cell in this column reaches down into `row`, if any."""
    top = next((float(b[1]) for b in boxes[row] if b is not None), None)
    if top is None:
        return None
    for r in range(row - 1, -1, -1):
        box = boxes[r][col]
        if box is not None:
            return r if float(box[3]) > top + 1.0 else None
    return None


def cell_text(box: tuple, words: list[dict]) -> tuple[str, bool]:
    """A cell's paragraphs joined by newlines, and whether its last line filled the cell."""
    x0, top, x1, bottom = (float(v) for v in box)
    inside = [
        w
        for w in words
        if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom
    ]
    if not inside:
        return "", False
    flat = [join_parts(parts) for parts in group_lines(inside)]
    padding = max(min(line.x0 for line in flat) - x0, 0.0)
    right = x1 - padding
    groups: list[list[Line]] = []
    for line in flat:
        if groups and continues(groups[-1], line, right, None):
            groups[-1].append(line)
        else:
            groups.append([line])
    last = flat[-1]
    ends_full = right - last.x1 < 0.15 * (right - x0 - padding)
    return "\n".join(join_lines(group) for group in groups), ends_full


def continue_table(before: Table, after: Table) -> bool:
    """Append `after` to `before` when it is the same table carried onto the next page.

    Same columns (left edges within 3 pt); a header row repeated on the new page is dropped;
    a row that Word split over the page break (empty number cell, text carrying on in
    lower case) is joined back to the row it started in.
    """
    if len(before.lefts) != len(after.lefts):
        return False
    if any(abs(a - b) > 3.0 for a, b in zip(before.lefts, after.lefts, strict=True)):
        return False
    rows, merged, full = list(after.rows), list(after.merged), list(after.full_ends)
    if rows and before.rows and rows[0] == before.rows[0]:
        rows, merged, full = rows[1:], merged[1:], full[1:]
    if rows and before.rows and is_split_row(before.rows[-1], before.full_ends[-1], rows[0]):
        last = before.rows[-1]
        for col, text in enumerate(rows[0]):
            if text and last[col]:
                # a cell cut by the page break is mid-sentence unless a new item starts
                item = NUMBER_MARKER.match(text) or BULLET.match(text)
                joiner = "\n" if item or last[col].rstrip()[-1:] in ".;:" else " "
                last[col] = f"{last[col]}{joiner}{text}"
            elif text:
                last[col] = text
        before.full_ends[-1] = full[0]
        rows, merged, full = rows[1:], merged[1:], full[1:]
    before.rows.extend(rows)
    before.merged.extend(merged)
    before.full_ends.extend(full)
    return True


def is_split_row(last: list[str], ends_full: list[bool], first: list[str]) -> bool:
    """A row carried over the page break: no number of its own, and a sentence carrying on
    (lower case) or text where the cell above ended on a full line."""
    if not last or not first or first[0].strip():
        return False
    return any(
        text.strip() and (text.strip()[0].islower() or full)
        for text, full in zip(first[1:], ends_full[1:], strict=False)
    )
