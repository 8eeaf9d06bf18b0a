"""A Worksheet whose innermost loop writes plain text and blank cells without per-cell overhead.

XlsxWriter spends a third of closing a unit workbook in `Worksheet._write_cell`: it builds an
attribute list per cell, escapes attribute values that never need escaping (a cell name and a
style number) and dispatches on the cell type by class name. For the two cell kinds a unit
workbook is made of (shared strings and formatted blanks) `FastWorksheet` writes the very same
XML in one f-string; any other cell (numbers, dates, formulas, rich strings, a cell that takes
its style from its row or column, constant_memory mode) goes through XlsxWriter's own code.
The output is byte for byte what XlsxWriter writes (tests/test_fastsheet.py compares them).

When the installed XlsxWriter lacks the internals this relies on, `FastWorksheet` is plain
`Worksheet`.
"""

from __future__ import annotations

from typing import Any

from xlsxwriter import worksheet as _worksheet
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.worksheet import Worksheet

_STRING = getattr(_worksheet, "CellStringTuple", None)
_BLANK = getattr(_worksheet, "CellBlankTuple", None)
_COLUMNS = [xl_col_to_name(col) for col in range(64)]


def _plain_style(sheet: Worksheet, row: int, col: int) -> bool:
    """True when a cell without its own format takes no style from its row or column."""
    info = sheet.row_info.get(row)
    if info is not None and getattr(info, "row_format", True):
        return False
    info = sheet.col_info.get(col)
    return info is None or getattr(info, "column_format", True) is None


class _FastWorksheet(Worksheet):
    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        kind = type(cell)
        if (kind is _STRING or kind is _BLANK) and col < 64 and not self.constant_memory:
            fmt = cell.format
            if fmt is not None:
                style = f' s="{fmt._get_xf_index()}"'
            elif _plain_style(self, row, col):
                style = ""
            else:
                return super()._write_cell(row, col, cell)
            if kind is _STRING:
                self.fh.write(f'<c r="{_COLUMNS[col]}{row + 1}"{style} t="s"><v>{cell.string}</v></c>')
            else:
                self.fh.write(f'<c r="{_COLUMNS[col]}{row + 1}"{style}/>')
            return None
        return super()._write_cell(row, col, cell)


FastWorksheet: type[Worksheet] = (
    _FastWorksheet if _STRING is not None and _BLANK is not None else Worksheet
)
