"""Ruled tables of a PDF page: cells from the ruling lines (merged cells kept), and a table
carried over a page break joined back into one."""

from __future__ import annotations

from dataclasses import dataclass, field

from kehoach_xlsx.parse.pdf_lines import (
    BULLET,
    NUMBER_MARKER,
    Line,
    broken_word,
    continues,
    group_lines,
    join_lines,
    join_parts,
)


@dataclass
class Table:
    top: float
    lefts: list[float]  # left edge of each column: tells a continued table from a new one
    right: float = 0.0  # right edge of the table
    rows: list[list[str]] = field(default_factory=list)
    merged: list[set[int]] = field(default_factory=list)
    full_ends: list[list[bool]] = field(default_factory=list)  # cell's last line filled it
    bold: list[list[bool]] = field(default_factory=list)  # every word of the cell is bold


def find_tables(rules: list[dict]) -> list:
    """pdfplumber's tables from the page's ruling lines only (drawn lines, thin rules and
    stroked boxes, see pdf_source); the finder needs no page when every line is given."""
    from pdfplumber.table import (
        Table,
        TableFinder,
        TableSettings,
        cells_to_tables,
        edges_to_intersections,
    )

    vertical = sum(1 for rule in rules if rule["orientation"] == "v")
    if vertical < 2 or len(rules) - vertical < 2:
        return []
    finder = TableFinder.__new__(TableFinder)  # its __init__ would find cells the slow way
    finder.page = None
    finder.settings = TableSettings.resolve(
        {
            "vertical_strategy": "explicit",
            "horizontal_strategy": "explicit",
            "explicit_vertical_lines": rules,
            "explicit_horizontal_lines": rules,
        }
    )
    settings = finder.settings
    edges = finder.get_edges()
    points = edges_to_intersections(
        edges, settings.intersection_x_tolerance, settings.intersection_y_tolerance
    )
    return [Table(None, group) for group in cells_to_tables(smallest_cells(points))]


def smallest_cells(intersections: dict) -> list[tuple]:
    """pdfplumber's intersections_to_cells with each point's edges as sets made once.

    The same rule: from each crossing, the nearest crossing below and to the right joined
    to it by a drawn edge, whose bottom-right corner is joined to both; pdfplumber rebuilds
    the edge sets on every comparison, which made it a quarter of the PDF reading time.
    """
    vertical = {p: {box(e) for e in edges["v"]} for p, edges in intersections.items()}
    horizontal = {p: {box(e) for e in edges["h"]} for p, edges in intersections.items()}

    def connects(a: tuple, b: tuple) -> bool:
        if a[0] == b[0] and not vertical[a].isdisjoint(vertical[b]):
            return True
        return a[1] == b[1] and not horizontal[a].isdisjoint(horizontal[b])

    points = sorted(intersections)
    by_x: dict[float, list[tuple]] = {}
    by_y: dict[float, list[tuple]] = {}
    for point in points:  # sorted by x then y: each list is in the order pdfplumber scans
        by_x.setdefault(point[0], []).append(point)
        by_y.setdefault(point[1], []).append(point)
    cells: list[tuple] = []
    for point in points:
        below = [p for p in by_x[point[0]] if p[1] > point[1]]
        right = [p for p in by_y[point[1]] if p[0] > point[0]]
        cell = next(
            (
                (point[0], point[1], r[0], b[1])
                for b in below
                if connects(point, b)
                for r in right
                if connects(point, r)
                and (r[0], b[1]) in intersections
                and connects((r[0], b[1]), r)
                and connects((r[0], b[1]), b)
            ),
            None,
        )
        if cell is not None:
            cells.append(cell)
    return cells


def box(edge: dict) -> tuple:
    return (edge["x0"], edge["top"], edge["x1"], edge["bottom"])


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
    right = max(float(box[2]) for row in boxes for box in row if box is not None)
    result = Table(top=top, lefts=lefts, right=right)
    texts: list[list[str]] = []
    for r, row_boxes in enumerate(boxes):
        cells: list[str] = []
        full: list[bool] = []
        bold: list[bool] = []
        merged: set[int] = set()
        row_words = words_between(words, row_boxes)  # so each cell scans its row, not all
        for col, box in enumerate(row_boxes):
            if box is not None:
                text, ends_full, is_bold = cell_text(box, row_words)
                cells.append(text)
                full.append(ends_full)
                bold.append(is_bold)
                continue
            origin = rowspan_origin(boxes, r, col)
            if origin is not None:
                # a vertically merged cell means the same value on every row it spans (one
                # lead for several tasks); the number column stays empty, as in Word files
                cells.append(texts[origin][col] if col > 0 else "")
                bold.append(result.bold[origin][col] if col > 0 else False)
            else:
                left = next((c for c in range(col - 1, -1, -1) if row_boxes[c] is not None), None)
                if left is not None:
                    merged.add(left)
                cells.append("")
                bold.append(False)
            full.append(False)
        texts.append(cells)
        result.rows.append(cells)
        result.merged.append(merged)
        result.full_ends.append(full)
        result.bold.append(bold)
    return result


def words_between(words: list[dict], row_boxes: list[tuple | None]) -> list[dict]:
    """Words whose middle lies between the top and the bottom of the row's cells."""
    present = [box for box in row_boxes if box is not None]
    if not present:
        return []
    top = min(float(box[1]) for box in present)
    bottom = max(float(box[3]) for box in present)
    return [w for w in words if top <= (w["top"] + w["bottom"]) / 2 <= bottom]


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


def cell_text(box: tuple, words: list[dict]) -> tuple[str, bool, bool]:
    """A cell's paragraphs joined by newlines, whether its last line filled the cell, and
    whether all of it is bold."""
    x0, top, x1, bottom = (float(v) for v in box)
    inside = [
        w
        for w in words
        if x0 <= (w["x0"] + w["x1"]) / 2 <= x1 and top <= (w["top"] + w["bottom"]) / 2 <= bottom
    ]
    if not inside:
        return "", False, False
    flat = [join_parts(parts) for parts in group_lines(inside)]
    padding = max(min(line.x0 for line in flat) - x0, 0.0)
    right = x1 - padding
    groups: list[list[Line]] = []
    for line in flat:
        if groups and continues(groups[-1], line, right, None):
            line.glued = broken_word(groups[-1][-1], line, right)
            groups[-1].append(line)
        else:
            groups.append([line])
    last = flat[-1]
    ends_full = right - last.x1 < 0.15 * (right - x0 - padding)
    bold = all(line.bold for line in flat)
    return "\n".join(join_lines(group) for group in groups), ends_full, bold


def continue_table(before: Table, after: Table) -> bool:
    """Append `after` to `before` when it is the same table carried onto the next page.

    Same columns (left edges within 3 pt; on a page where cells are merged across columns
    some inner edges are missing, see same_frame); a header row repeated on the new page is dropped;
    a row that Word split over the page break (empty number cell, text carrying on in
    lower case) is joined back to the row it started in.
    """
    if not same_frame(before, after):
        return False
    rows, merged, full = list(after.rows), list(after.merged), list(after.full_ends)
    bold = list(after.bold)
    if rows and before.rows and rows[0] == before.rows[0]:
        rows, merged, full, bold = rows[1:], merged[1:], full[1:], bold[1:]
    if rows and before.rows and is_split_row(before.rows[-1], before.full_ends[-1], rows[0]):
        last = before.rows[-1]
        for col, text in enumerate(rows[0]):
            if text:
                before.bold[-1][col] = bold[0][col] and (before.bold[-1][col] or not last[col])
            if text and last[col]:
                # a cell cut by the page break is mid-sentence unless a new item starts
                item = NUMBER_MARKER.match(text) or BULLET.match(text)
                joiner = "\n" if item or last[col].rstrip()[-1:] in ".;:" else " "
                last[col] = f"{last[col]}{joiner}{text}"
            elif text:
                last[col] = text
        before.full_ends[-1] = full[0]
        rows, merged, full, bold = rows[1:], merged[1:], full[1:], bold[1:]
    before.rows.extend(rows)
    before.bold.extend(bold)
    before.merged.extend(merged)
    before.full_ends.extend(full)
    return True


EDGE = 3.0  # points: column edges this close are the same edge


def same_frame(before: Table, after: Table) -> bool:
    """Do the two tables share their outer edges and columns? When the columns of one are
    a subset of the other's (every row of that page merges some columns), the narrower
    one is widened in place to the other's columns."""
    if abs(before.lefts[0] - after.lefts[0]) > EDGE:
        return False
    if before.right and after.right and abs(before.right - after.right) > EDGE:
        return False
    if len(before.lefts) == len(after.lefts):
        return all(abs(a - b) <= EDGE for a, b in zip(before.lefts, after.lefts, strict=True))
    small, big = sorted((before, after), key=lambda t: len(t.lefts))
    if len(small.lefts) < 2 or not big.right:
        return False
    columns = [
        next((i for i, edge in enumerate(big.lefts) if abs(edge - left) <= EDGE), None)
        for left in small.lefts
    ]
    if None in columns:
        return False
    widen(small, [c for c in columns if c is not None], len(big.lefts))
    small.lefts = list(big.lefts)
    return True


def widen(table: Table, columns: list[int], width: int) -> None:
    """Spread each row's cells over `width` columns: cell i goes to column columns[i] and
    spans up to the next one (marked merged, as a cell spanning columns is)."""
    ends = [*columns[1:], width]
    for r, cells in enumerate(table.rows):
        texts, full, bold = [""] * width, [False] * width, [False] * width
        merged: set[int] = set()
        for i, column in enumerate(columns):
            texts[column], full[column] = cells[i], table.full_ends[r][i]
            bold[column] = table.bold[r][i]
            if ends[i] - column > 1:
                merged.add(column)
        merged |= {columns[i] for i in table.merged[r]}
        table.rows[r], table.full_ends[r], table.bold[r] = texts, full, bold
        table.merged[r] = merged


def is_split_row(last: list[str], ends_full: list[bool], first: list[str]) -> bool:
    """A row carried over the page break: no number of its own, and a sentence carrying on
    (lower case) or text where the cell above ended on a full line."""
    if not last or not first or first[0].strip():
        return False
    return any(
        text.strip() and (text.strip()[0].islower() or full)
        for text, full in zip(first[1:], ends_full[1:], strict=False)
    )
