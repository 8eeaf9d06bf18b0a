"""XlsxWriter's innermost loops, for the cells our workbooks are made of, without their overhead.

Closing a unit workbook spends most of its time in three loops of XlsxWriter: one call of
`Worksheet._write_cell` per cell (an attribute list per cell, escaping a cell name and a style
number that never need it, a dispatch on the class name), one `<row>` loop that probes every
column of the used range, and one `SharedStrings._write_si` per distinct text (four regular
expressions for control characters, whitespace and XML escapes). `FastWorkbook` keeps
XlsxWriter in charge of everything and only takes the common cases of those loops: text and
formatted blank cells, and texts with nothing to escape; anything else (numbers, dates,
formulas, rich strings, comments, a cell styled by its row or column) goes through
XlsxWriter's own code. In constant_memory mode (the report) the row written at each new row,
`_write_single_row`, takes inline-string, blank, number and date cells the same way. The files are byte for byte those XlsxWriter writes
(tests/test_fastwrite.py compares them). `Workbook._get_packager` and `worksheet_class` are
XlsxWriter's documented points of override; when the installed version lacks the internals
this relies on, `FastWorkbook` is plain `Workbook`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from xlsxwriter import worksheet as _worksheet
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

_STRING = getattr(_worksheet, "CellStringTuple", None)
_BLANK = getattr(_worksheet, "CellBlankTuple", None)
_NUMBER = getattr(_worksheet, "CellNumberTuple", None)
_DATETIME = getattr(_worksheet, "CellDatetimeTuple", None)
_COLUMNS = [xl_col_to_name(col) for col in range(64)]
# What XlsxWriter's shared-string writer would change: XML specials, control characters
# (line breaks included, to stay on the safe side), "_xHHHH_" escapes, edge whitespace.
_SHORT = 16_000  # characters: well inside Excel's 32,767 UTF-16 units, even for emoji
_CAREFUL = re.compile(r"[&<>\x00-\x1f]|_x|^\s|\s$")
# The same for an inline string (constant_memory), which XlsxWriter also rewrites for the two
# non-characters U+FFFE and U+FFFF and treats as rich text when it starts with "<r>".
_CAREFUL_INLINE = re.compile(r"[&<>\x00-\x1f\ufffe\uffff]|_x|^\s|\s$")


class FastWorksheet(Worksheet):
    def put_row(self, row: int, first_col: int, cells: Sequence[tuple[str, Any]]) -> bool:
        """Store a row of (text, format) cells, "" for a blank, like write_string/write_blank.

        Only short text (no truncation possible) is taken; returns False, having stored
        nothing, when the caller must write the row cell by cell through write_text.
        """
        for text, _ in cells:
            if type(text) is not str or len(text) > _SHORT:
                return False
        if (
            self.constant_memory
            or not cells
            or self._check_dimensions(row, first_col)
            or self._check_dimensions(row, first_col + len(cells) - 1)
        ):
            return False
        shared = self.str_table._get_shared_string_index
        stored = self.table[row]
        new = tuple.__new__  # what the namedtuples' own __new__ calls, minus a Python frame
        col = first_col
        for text, fmt in cells:
            if text:
                stored[col] = new(_STRING, (shared(text), fmt))
            elif fmt is not None:
                stored[col] = new(_BLANK, (fmt,))
            col += 1
        return True

    def _cell_xml(self, row: int, col: int, cell: Any, styles: dict[Any, str]) -> str | None:
        """The <c> element of a text or formatted blank cell; None for any other cell."""
        kind = type(cell)
        if (kind is not _STRING and kind is not _BLANK) or col >= 64:
            return None
        fmt = cell.format
        if fmt is not None:
            style = styles.get(fmt)
            if style is None:
                style = styles[fmt] = f' s="{fmt._get_xf_index()}"'
        elif self._plain_style(row, col):
            style = ""
        else:
            return None
        if kind is _STRING:
            return f'<c r="{_COLUMNS[col]}{row + 1}"{style} t="s"><v>{cell.string}</v></c>'
        return f'<c r="{_COLUMNS[col]}{row + 1}"{style}/>'

    def _plain_style(self, row: int, col: int) -> bool:
        """True when a cell without its own format takes no style from its row or column."""
        info = self.row_info.get(row)
        if info is not None and getattr(info, "row_format", True):
            return False
        info = self.col_info.get(col)
        return info is None or getattr(info, "column_format", True) is None

    def _inline_cell_xml(self, row: int, col: int, cell: Any) -> str | None:
        """The <c> element of a cell in constant_memory mode; None when XlsxWriter must write it.

        Taken: a text with nothing to escape or preserve (an inline string), a blank, a number
        or a date, with its own format or none from its row or column.
        """
        kind = type(cell)
        if col >= 64 or (kind is _STRING and _CAREFUL_INLINE.search(cell.string) is not None):
            return None
        fmt = cell.format
        if fmt is not None:
            # xf_index once set never changes; before, XlsxWriter's lookup decides each time
            index = fmt.xf_index
            style = f' s="{fmt._get_xf_index() if index is None else index}"'
        elif self._plain_style(row, col):
            style = ""
        else:
            return None
        ref = f"{_COLUMNS[col]}{row + 1}"
        if kind is _STRING:
            return f'<c r="{ref}"{style} t="inlineStr"><is><t>{cell.string}</t></is></c>'
        if kind is _NUMBER or kind is _DATETIME:
            return f'<c r="{ref}"{style}><v>{cell.number:.16G}</v></c>'
        if kind is _BLANK:
            return f'<c r="{ref}"{style}/>'
        return None

    def _write_single_row(self, current_row_num: int = 0) -> None:
        """XlsxWriter's constant_memory row flush, with the common cells as single f-strings."""
        row = self.previous_row
        cells = self.table.get(row)
        if not cells:  # a row of height, format or comments only: XlsxWriter's way
            return super()._write_single_row(current_row_num)
        self.previous_row = current_row_num
        self._write_row(row, None, self.row_info.get(row))
        low, high = self.dim_colmin, self.dim_colmax
        write = self.fh.write
        parts = []
        for col in sorted(cells):
            if col < low or col > high:  # XlsxWriter writes only the columns in its dimensions
                continue
            xml = self._inline_cell_xml(row, col, cells[col])
            if xml is None:
                write("".join(parts))
                parts.clear()
                super()._write_cell(row, col, cells[col])
            else:
                parts.append(xml)
        parts.append("</row>")
        write("".join(parts))
        self.table.clear()
        return None

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        xml = None if self.constant_memory else self._cell_xml(row, col, cell, {})
        if xml is None:
            return super()._write_cell(row, col, cell)
        self.fh.write(xml)
        return None

    def _calculate_spans(self) -> None:
        """XlsxWriter's <row spans="…">: first and last used column of each block of 16 rows."""
        if self.comments or self.dim_rowmin is None:
            return super()._calculate_spans()
        low, high = self.dim_colmin, self.dim_colmax
        bounds: dict[int, list[int]] = {}
        for row, cells in self.table.items():
            if not cells or not self.dim_rowmin <= row <= self.dim_rowmax:
                continue
            first, last = min(cells), max(cells)
            if first < low or last > high:  # a cell outside the dimensions: XlsxWriter's way
                return super()._calculate_spans()
            block = bounds.get(row // 16)
            if block is None:
                bounds[row // 16] = [first, last]
            else:
                block[0], block[1] = min(block[0], first), max(block[1], last)
        self.row_spans = {
            index: f"{first + 1}:{last + 1}" for index, (first, last) in bounds.items()
        }
        return None

    def _write_rows(self) -> None:
        if self.constant_memory or self.comments:
            return super()._write_rows()
        self._calculate_spans()
        table, row_info, spans = self.table, self.row_info, self.row_spans
        write = self.fh.write
        styles: dict[Any, str] = {}
        # a cell without a format has no style at all unless a row or column format applies
        plain = (
            ""
            if all(getattr(info, "row_format", True) is None for info in row_info.values())
            and all(getattr(info, "column_format", True) is None for info in self.col_info.values())
            else None
        )
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(row)
            if not cells:
                if row in row_info:  # a row with a height or format but no cells
                    self._write_empty_row(row, spans.get(row // 16), row_info[row])
                continue
            self._write_row(row, spans.get(row // 16), row_info.get(row))
            parts = []
            number = row + 1
            for col in sorted(cells):
                cell = cells[col]
                # the common case (text or blank with its own format) inline: this loop runs
                # once per cell of the workbook; _cell_xml has the general rules
                fmt = cell.format
                if col >= 64:
                    style = None
                else:
                    style = styles.get(fmt) if fmt is not None else plain
                if style is not None:
                    if type(cell) is _STRING:
                        parts.append(
                            f'<c r="{_COLUMNS[col]}{number}"{style} t="s"><v>{cell.string}</v></c>'
                        )
                        continue
                    if type(cell) is _BLANK:
                        parts.append(f'<c r="{_COLUMNS[col]}{number}"{style}/>')
                        continue
                xml = self._cell_xml(row, col, cell, styles)
                if xml is None:
                    write("".join(parts))
                    parts.clear()
                    super()._write_cell(row, col, cell)
                else:
                    parts.append(xml)
            parts.append("</row>")
            write("".join(parts))
        return None


class _FastSharedStrings(SharedStrings):
    def _write_sst_strings(self) -> None:
        write = self.fh.write
        careful = _CAREFUL.search
        for string in self.string_table.string_array:
            if string and careful(string) is None:
                write(f"<si><t>{string}</t></si>")
            else:
                self._write_si(string)


class _FastPackager(Packager):
    def _write_shared_strings_file(self) -> None:
        if not self.workbook.str_table.count:
            return
        sst = _FastSharedStrings()
        sst.string_table = self.workbook.str_table
        sst._set_xml_writer(self._filename("xl/sharedStrings.xml"))
        sst._assemble_xml_file()


# The XlsxWriter releases whose internals these loops were compared with, byte for byte
# (tests/test_fastwrite.py). A newer release may change what a cell tuple or a row loop means
# without removing a name: it gets XlsxWriter's own loops until it is tested here.
TESTED = ((3, 1, 7), (3, 3, 99))


def _release() -> tuple[int, ...]:
    from xlsxwriter import __version__

    return tuple(int(part) for part in re.findall(r"\d+", __version__)[:3])


def _internals_present() -> bool:
    return (
        TESTED[0] <= _release() <= TESTED[1]
        and _STRING is not None
        and _BLANK is not None
        and _NUMBER is not None
        and _DATETIME is not None
        and hasattr(Worksheet, "_write_single_row")
        and hasattr(Packager, "_write_shared_strings_file")
        and hasattr(Packager, "_filename")
        and hasattr(SharedStrings, "_write_sst_strings")
        and hasattr(Worksheet, "_calculate_spans")
        and hasattr(Worksheet, "_write_row")
    )


class FastWorkbook(Workbook):
    """A Workbook writing FastWorksheet sheets and shared strings through the fast loops."""

    worksheet_class = FastWorksheet

    def _get_packager(self) -> Packager:
        return _FastPackager()


if not _internals_present():  # pragma: no cover - another XlsxWriter than the tested ones
    FastWorkbook = Workbook  # type: ignore[misc]
