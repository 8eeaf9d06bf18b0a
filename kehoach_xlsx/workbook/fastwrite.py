"""XlsxWriter's innermost loops, for the cells our workbooks are made of, without their overhead.

Closing a unit workbook spends most of its time in three loops of XlsxWriter: one call of
`Worksheet._write_cell` per cell (an attribute list per cell, escaping a cell name and a style
number that never need it, a dispatch on the class name), one `<row>` loop that probes every
column of the used range, and one `SharedStrings._write_si` per distinct text (four regular
expressions for control characters, whitespace and XML escapes). `FastWorkbook` keeps
XlsxWriter in charge of everything and only takes the common cases of those loops: text and
formatted blank cells, and texts with nothing to escape; anything else (numbers, dates,
formulas, rich strings, comments, a cell styled by its row or column, constant_memory) goes
through XlsxWriter's own code. The files are byte for byte those XlsxWriter writes
(tests/test_fastwrite.py compares them). `Workbook._get_packager` and `worksheet_class` are
XlsxWriter's documented points of override; when the installed version lacks the internals
this relies on, `FastWorkbook` is plain `Workbook`.
"""

from __future__ import annotations

import re
from typing import Any

from xlsxwriter import worksheet as _worksheet
from xlsxwriter.packager import Packager
from xlsxwriter.sharedstrings import SharedStrings
from xlsxwriter.utility import xl_col_to_name
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

_STRING = getattr(_worksheet, "CellStringTuple", None)
_BLANK = getattr(_worksheet, "CellBlankTuple", None)
_COLUMNS = [xl_col_to_name(col) for col in range(64)]
# What XlsxWriter's shared-string writer would change: XML specials, control characters
# (line breaks included, to stay on the safe side), "_xHHHH_" escapes, edge whitespace.
_CAREFUL = re.compile(r"[&<>\x00-\x1f]|_x|^\s|\s$")


class FastWorksheet(Worksheet):
    def _cell_xml(self, row: int, col: int, cell: Any) -> str | None:
        """The <c> element of a text or formatted blank cell; None for any other cell."""
        kind = type(cell)
        if (kind is not _STRING and kind is not _BLANK) or col >= 64:
            return None
        fmt = cell.format
        if fmt is not None:
            style = f' s="{fmt._get_xf_index()}"'
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

    def _write_cell(self, row: int, col: int, cell: Any) -> None:
        xml = None if self.constant_memory else self._cell_xml(row, col, cell)
        if xml is None:
            return super()._write_cell(row, col, cell)
        self.fh.write(xml)
        return None

    def _write_rows(self) -> None:
        if self.constant_memory or self.comments:
            return super()._write_rows()
        self._calculate_spans()
        table, row_info, spans = self.table, self.row_info, self.row_spans
        write = self.fh.write
        for row in range(self.dim_rowmin, self.dim_rowmax + 1):
            cells = table.get(row)
            if not cells:
                if row in row_info:  # a row with a height or format but no cells
                    self._write_empty_row(row, spans.get(row // 16), row_info[row])
                continue
            self._write_row(row, spans.get(row // 16), row_info.get(row))
            parts = []
            for col in sorted(cells):
                cell = cells[col]
                xml = self._cell_xml(row, col, cell)
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


def _internals_present() -> bool:
    return (
        _STRING is not None
        and _BLANK is not None
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
