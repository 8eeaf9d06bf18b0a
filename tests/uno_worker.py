"""UNO side of tests/office.py: drives one running soffice for the tests.

Run with the SYSTEM interpreter (the venv has no `uno` module):

    /usr/bin/python3 tests/uno_worker.py <pipe-name>

It connects to `soffice --accept="pipe,name=<pipe-name>;urp;"` (retrying for a while,
since soffice takes seconds to open its pipe), prints one JSON line
``{"ready": true}`` and then answers requests, one JSON object per line on stdin:

    {"id": 7, "cmd": "get", "args": {"doc": "d1", "sheet": "Báo cáo", "row": 0, "col": 2}}
 -> {"id": 7, "ok": true, "result": {...}}
 -> {"id": 7, "ok": false, "error": "...", "trace": "..."}

Rows and columns are 0-based everywhere; a sheet is a name or a 0-based index.
Dates travel as ISO strings. This file must stay importable by Python 3.9+ with no
third-party package but `uno`.
"""

import datetime as dt
import json
import os
import re
import sys
import time
import traceback

import uno  # noqa: F401  (system package python3-uno)
from com.sun.star.beans import PropertyValue
from com.sun.star.connection import NoConnectException
from com.sun.star.table import TableSortField

CONNECT_SECONDS = 20.0

# com.sun.star.util.NumberFormat bits
NF_DATE = 2
NF_TIME = 4

CALC_FILTERS = {
    "xlsx": "Calc MS Excel 2007 XML",
    "xls": "MS Excel 97",
    "ods": "calc8",
    "pdf": "calc_pdf_Export",
    "html": "HTML (StarCalc)",
    "csv": "Text - txt - csv (StarCalc)",
}
WRITER_FILTERS = {
    "docx": "MS Word 2007 XML",
    "doc": "MS Word 97",
    "odt": "writer8",
    "pdf": "writer_pdf_Export",
    "html": "HTML (StarWriter)",
    "txt": "Text (encoded)",
}


class WorkerError(Exception):
    """A request we refuse with a readable message (no traceback needed)."""


def props(**values):
    """A tuple of PropertyValue, the argument form most UNO calls want."""
    out = []
    for name, value in values.items():
        prop = PropertyValue()
        prop.Name = name
        prop.Value = value
        out.append(prop)
    return tuple(out)


def file_url(path):
    return uno.systemPathToFileUrl(os.path.abspath(path))


def connect(pipe):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local
    )
    deadline = time.monotonic() + CONNECT_SECONDS
    while True:
        try:
            ctx = resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            break
        except NoConnectException:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    return ctx


class Worker:
    def __init__(self, ctx):
        self.ctx = ctx
        self.desktop = ctx.ServiceManager.createInstanceWithContext(
            "com.sun.star.frame.Desktop", ctx
        )
        self.docs = {}
        self.counter = 0

    # -- documents ---------------------------------------------------------------

    def doc(self, handle):
        try:
            return self.docs[handle]
        except KeyError:
            raise WorkerError(
                f"unknown document handle {handle!r} (closed, or soffice restarted)"
            ) from None

    def load(self, path, filter_name=None, filter_options=None):
        args = {"Hidden": True, "MacroExecutionMode": 0, "UpdateDocMode": 0}
        if filter_name:
            args["FilterName"] = filter_name
        if filter_options:
            args["FilterOptions"] = filter_options
        doc = self.desktop.loadComponentFromURL(file_url(path), "_blank", 0, props(**args))
        if doc is None:
            raise WorkerError(f"LibreOffice could not open {path}")
        return doc

    def cmd_open(self, path, filter_name=None, filter_options=None):
        doc = self.load(path, filter_name, filter_options)
        self.counter += 1
        handle = f"d{self.counter}"
        self.docs[handle] = doc
        return handle

    def cmd_close(self, doc):
        document = self.docs.pop(doc, None)
        if document is not None:
            document.close(True)
        return None

    def cmd_save_as(self, doc, path, filter_name, filter_options=None):
        args = {"FilterName": filter_name, "Overwrite": True}
        if filter_options:
            args["FilterOptions"] = filter_options
        self.doc(doc).storeToURL(file_url(path), props(**args))
        return path

    def cmd_convert(self, src, out, fmt, filter_name=None, filter_options=None):
        """Open src (optionally with an import filter), store as fmt, close."""
        document = self.load(src, filter_name, filter_options)
        try:
            self.store_by_kind(document, out, fmt)
        finally:
            document.close(True)
        return out

    def store_by_kind(self, document, out, fmt):
        is_calc = document.supportsService("com.sun.star.sheet.SpreadsheetDocument")
        table = CALC_FILTERS if is_calc else WRITER_FILTERS
        if fmt not in table:
            kind = "spreadsheet" if is_calc else "text document"
            raise WorkerError(f"cannot store a {kind} as {fmt!r}; known: {sorted(table)}")
        args = {"FilterName": table[fmt], "Overwrite": True}
        if fmt == "txt":
            args["FilterOptions"] = "UTF8"
        document.storeToURL(file_url(out), props(**args))

    # -- sheets --------------------------------------------------------------------

    def sheet(self, doc, sheet):
        sheets = self.doc(doc).Sheets
        if isinstance(sheet, int):
            if not 0 <= sheet < sheets.Count:
                raise WorkerError(f"no sheet number {sheet}; the workbook has {sheets.Count}")
            return sheets.getByIndex(sheet)
        if not sheets.hasByName(sheet):
            raise WorkerError(f"no sheet {sheet!r}; sheets: {list(sheets.ElementNames)}")
        return sheets.getByName(sheet)

    def cmd_sheets(self, doc):
        sheets = self.doc(doc).Sheets
        out = []
        for i in range(sheets.Count):
            sh = sheets.getByIndex(i)
            out.append(
                {"name": sh.Name, "visible": bool(sh.IsVisible), "protected": sh.isProtected()}
            )
        return out

    def cmd_sheet_protected(self, doc, sheet):
        return bool(self.sheet(doc, sheet).isProtected())

    def cmd_unprotect(self, doc, sheet, password=""):
        sh = self.sheet(doc, sheet)
        try:
            sh.unprotect(password)
        except Exception as err:  # IllegalArgumentException on a wrong password
            raise WorkerError(
                f"cannot unprotect sheet {sh.Name!r}: wrong password? ({err})"
            ) from err
        return not sh.isProtected()

    def cmd_protect(self, doc, sheet, password=""):
        self.sheet(doc, sheet).protect(password)
        return None

    def cmd_rename_sheet(self, doc, sheet, new_name):
        self.sheet(doc, sheet).Name = new_name
        return new_name

    def cmd_set_sheet_visible(self, doc, sheet, visible):
        self.sheet(doc, sheet).IsVisible = bool(visible)
        return None

    # -- cells ---------------------------------------------------------------------

    def cell(self, doc, sheet, row, col):
        return self.sheet(doc, sheet).getCellByPosition(col, row)

    def is_date_format(self, doc, key):
        try:
            kind = self.doc(doc).NumberFormats.getByKey(key).Type
        except Exception:
            return False
        return bool(kind & NF_DATE)

    def from_serial(self, doc, serial):
        null = self.doc(doc).NullDate
        base = dt.datetime(null.Year, null.Month, null.Day)
        moment = base + dt.timedelta(days=serial)
        # Round to the second: serials are doubles.
        moment = (moment + dt.timedelta(microseconds=500_000)).replace(microsecond=0)
        if moment.time() == dt.time(0):
            return moment.date().isoformat()
        return moment.isoformat()

    def to_serial(self, doc, iso):
        null = self.doc(doc).NullDate
        base = dt.datetime(null.Year, null.Month, null.Day)
        value = dt.datetime.fromisoformat(iso)
        return (value - base).total_seconds() / 86400.0

    def cmd_get(self, doc, sheet, row, col):
        cell = self.cell(doc, sheet, row, col)
        kind = cell.Type.value  # EMPTY, VALUE, TEXT, FORMULA
        out = {"type": kind.lower(), "text": cell.String, "formula": cell.Formula, "value": None}
        if kind == "TEXT":
            out["value"] = cell.String
        elif kind == "VALUE":
            if self.is_date_format(doc, cell.NumberFormat):
                out["type"] = "date"
                out["value"] = self.from_serial(doc, cell.Value)
            else:
                out["type"] = "number"
                out["value"] = cell.Value
        elif kind == "FORMULA":
            # FormulaResultType2: 1 value, 2 string, 4 error (com.sun.star.sheet.FormulaResult)
            result = cell.FormulaResultType2
            out["value"] = cell.String if result != 1 else cell.Value
        return out

    def cmd_set_string(self, doc, sheet, row, col, text):
        # setString always makes a text cell, like typing with a leading apostrophe:
        # "=1+2" and "012" stay strings.
        self.cell(doc, sheet, row, col).setString(text)
        return None

    def cmd_set_number(self, doc, sheet, row, col, value):
        self.cell(doc, sheet, row, col).setValue(value)
        return None

    def cmd_set_formula(self, doc, sheet, row, col, formula):
        self.cell(doc, sheet, row, col).setFormula(formula)
        return None

    def cmd_set_date(self, doc, sheet, row, col, iso, number_format="DD/MM/YYYY"):
        """A real date cell: a serial number with a date format, as typing a date makes.

        Typing into a cell already formatted as a date keeps that format; into a General
        cell the date format comes with the input. (On a protected sheet LibreOffice
        refuses the format for a locked cell, where a user could not type anyway.)
        """
        cell = self.cell(doc, sheet, row, col)
        cell.setValue(self.to_serial(doc, iso))
        if not self.is_date_format(doc, cell.NumberFormat):
            formats = self.doc(doc).NumberFormats
            locale = uno.createUnoStruct("com.sun.star.lang.Locale")
            key = formats.queryKey(number_format, locale, False)
            if key == -1:
                key = formats.addNew(number_format, locale)
            cell.NumberFormat = key
        return None

    def cmd_find(self, doc, sheet, text):
        sh = self.sheet(doc, sheet)
        cursor = sh.createCursor()
        cursor.gotoEndOfUsedArea(False)
        last_row = cursor.RangeAddress.EndRow
        last_col = cursor.RangeAddress.EndColumn
        data = sh.getCellRangeByPosition(0, 0, last_col, last_row).DataArray
        for r, values in enumerate(data):
            for c, value in enumerate(values):
                if isinstance(value, str) and value == text:
                    return [r, c]
        return None

    def cmd_used_area(self, doc, sheet):
        cursor = self.sheet(doc, sheet).createCursor()
        cursor.gotoEndOfUsedArea(False)
        return [cursor.RangeAddress.EndRow + 1, cursor.RangeAddress.EndColumn + 1]

    def cmd_cell_protection(self, doc, sheet, row, col):
        prot = self.cell(doc, sheet, row, col).CellProtection
        return {
            "locked": bool(prot.IsLocked),
            "hidden": bool(prot.IsHidden),
            "formula_hidden": bool(prot.IsFormulaHidden),
        }

    def cmd_validation(self, doc, sheet, row, col):
        val = self.cell(doc, sheet, row, col).Validation
        kind = val.Type.value  # ANY, WHOLE, DECIMAL, DATE, TIME, TEXT_LEN, LIST, CUSTOM
        out = {
            "type": kind.lower(),
            "operator": val.Operator.value.lower(),
            "formula1": val.getFormula1(),
            "formula2": val.getFormula2(),
            "show_list": int(val.ShowList),
            "ignore_blank": bool(val.IgnoreBlankCells),
            "show_error": bool(val.ShowErrorMessage),
            "error_message": val.ErrorMessage,
            "values": None,
        }
        if kind == "LIST":
            out["values"] = self.list_values(doc, out["formula1"])
        return out

    def list_values(self, doc, formula):
        """Entries of a list validation: a literal "a";"b" list, a range or a name."""
        formula = formula.strip()
        if formula.startswith('"'):
            return [part.replace('""', '"') for part in re.findall(r'"((?:[^"]|"")*)"', formula)]
        document = self.doc(doc)
        names = document.NamedRanges
        target = formula.lstrip("=")
        if names.hasByName(target):
            rng = names.getByName(target).getReferredCells()
        else:
            match = re.fullmatch(r"\$?'?(.+?)'?\.(\$?[A-Z]+\$?\d+(?::\$?[A-Z]+\$?\d+)?)", target)
            if not match:
                return None  # a formula we do not evaluate; tests see formula1
            sheet_name, address = match.group(1), match.group(2).replace("$", "")
            rng = document.Sheets.getByName(sheet_name).getCellRangeByName(address)
        if rng is None:
            return None
        return [
            value if isinstance(value, str) else rng.getCellByPosition(c, r).String
            for r, row in enumerate(rng.DataArray)
            for c, value in enumerate(row)
        ]

    # -- structure -----------------------------------------------------------------

    def refuse_if_protected(self, sh, what):
        # The API would refuse anyway (with an unhelpful exception); say why.
        if sh.isProtected():
            raise WorkerError(
                f"cannot {what} on protected sheet {sh.Name!r} (LibreOffice refuses, "
                "as Excel does); call unprotect() first to play a user who removes protection"
            )

    def cmd_insert_columns(self, doc, sheet, col, count=1):
        sh = self.sheet(doc, sheet)
        self.refuse_if_protected(sh, "insert columns")
        sh.Columns.insertByIndex(col, count)
        return None

    def cmd_delete_columns(self, doc, sheet, col, count=1):
        sh = self.sheet(doc, sheet)
        self.refuse_if_protected(sh, "delete columns")
        sh.Columns.removeByIndex(col, count)
        return None

    def cmd_insert_rows(self, doc, sheet, row, count=1):
        sh = self.sheet(doc, sheet)
        self.refuse_if_protected(sh, "insert rows")
        sh.Rows.insertByIndex(row, count)
        return None

    def cmd_delete_rows(self, doc, sheet, row, count=1):
        sh = self.sheet(doc, sheet)
        self.refuse_if_protected(sh, "delete rows")
        sh.Rows.removeByIndex(row, count)
        return None

    def cmd_hide_row(self, doc, sheet, row, hidden=True):
        self.sheet(doc, sheet).Rows.getByIndex(row).IsVisible = not hidden
        return None

    def cmd_hide_column(self, doc, sheet, col, hidden=True):
        self.sheet(doc, sheet).Columns.getByIndex(col).IsVisible = not hidden
        return None

    def cmd_merge(self, doc, sheet, cell_range):
        self.sheet(doc, sheet).getCellRangeByName(cell_range).merge(True)
        return None

    def cmd_sort_rows(self, doc, sheet, first_row, last_row, key_col, descending=False):
        """Sort whole rows first_row..last_row by key_col, as Data > Sort does.

        Cells move with their types and formats, so dates stay dates.
        """
        sh = self.sheet(doc, sheet)
        self.refuse_if_protected(sh, "sort")
        cursor = sh.createCursor()
        cursor.gotoEndOfUsedArea(False)
        last_col = max(cursor.RangeAddress.EndColumn, key_col)
        rng = sh.getCellRangeByPosition(0, first_row, last_col, last_row)
        field = TableSortField()
        field.Field = key_col
        field.IsAscending = not descending
        field.IsCaseSensitive = False
        rng.sort(
            props(
                SortFields=uno.Any("[]com.sun.star.table.TableSortField", (field,)),
                ContainsHeader=False,
                IsSortColumns=False,
            )
        )
        return None

    def cmd_move_sheet(self, doc, sheet, position):
        """Drag a sheet tab to another place (0-based position)."""
        sh = self.sheet(doc, sheet)
        self.doc(doc).Sheets.moveByName(sh.Name, position)
        return None

    def cmd_add_sheet(self, doc, name, position):
        self.doc(doc).Sheets.insertNewByName(name, position)
        return None

    def cmd_remove_sheet(self, doc, sheet):
        self.doc(doc).Sheets.removeByName(self.sheet(doc, sheet).Name)
        return None

    def cmd_copy_sheet(self, doc, sheet, new_name, position):
        """Sheet > Move or Copy Sheet > Copy, inside the same workbook."""
        self.doc(doc).Sheets.copyByName(self.sheet(doc, sheet).Name, new_name, position)
        return None

    def cmd_copy_to_new(self, doc, sheet):
        """Sheet > Move or Copy Sheet > Copy to "- new document -": a new workbook holding
        only that sheet (its cells, formats, merges); the caller owns the new handle."""
        source = self.doc(doc)
        sh = self.sheet(doc, sheet)
        new = self.desktop.loadComponentFromURL(
            "private:factory/scalc", "_blank", 0, props(Hidden=True)
        )
        first = new.Sheets.ElementNames[0]
        new.Sheets.importSheet(source, sh.Name, 0)
        new.Sheets.removeByName(first)
        self.counter += 1
        handle = f"d{self.counter}"
        self.docs[handle] = new
        return handle

    def cmd_set_column_width(self, doc, sheet, col, width):
        """Width in 1/100 mm, as dragging the column border does."""
        self.sheet(doc, sheet).Columns.getByIndex(col).Width = int(width)
        return None

    def cmd_set_text_format(self, doc, sheet, row, col):
        """Format > Cells > Text ("@"): what is typed afterwards stays text."""
        formats = self.doc(doc).NumberFormats
        locale = uno.createUnoStruct("com.sun.star.lang.Locale")
        key = formats.queryKey("@", locale, False)
        if key == -1:
            key = formats.addNew("@", locale)
        self.cell(doc, sheet, row, col).NumberFormat = key
        return None

    def cmd_autofilter(self, doc, sheet, first_row, last_row, last_col, key_col, value):
        """Data > AutoFilter on the range, then keep only rows whose key_col shows value:
        the other rows are hidden by the filter, and the filter stays on when saved."""
        from com.sun.star.sheet.FilterOperator import EQUAL

        sh = self.sheet(doc, sheet)
        self.refuse_if_protected(sh, "filter")
        document = self.doc(doc)
        rng = sh.getCellRangeByPosition(0, first_row, last_col, last_row)
        ranges = document.DatabaseRanges
        name = f"filter{self.counter}_{first_row}"
        ranges.addNewByName(name, rng.RangeAddress)
        db = ranges.getByName(name)
        db.AutoFilter = True
        descriptor = db.getFilterDescriptor()
        field = uno.createUnoStruct("com.sun.star.sheet.TableFilterField")
        field.Field = key_col
        field.Operator = EQUAL
        field.IsNumeric = False
        field.StringValue = value
        descriptor.FilterFields = (field,)
        descriptor.ContainsHeader = True
        db.refresh()
        return [
            r for r in range(first_row + 1, last_row + 1) if not sh.Rows.getByIndex(r).IsVisible
        ]

    # -- whole-file helpers ---------------------------------------------------------

    def cmd_export_pdf(self, src, out):
        document = self.load(src)
        try:
            self.store_by_kind(document, out, "pdf")
        finally:
            document.close(True)
        return out

    def cmd_ping(self):
        return "pong"


def main():
    pipe = sys.argv[1]
    # Our replies own the real stdout; anything a library prints goes to stderr instead,
    # so a stray line can never corrupt the JSON stream.
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8", buffering=1)
    os.dup2(2, 1)

    def reply(obj):
        replies.write(json.dumps(obj, ensure_ascii=False) + "\n")
        replies.flush()

    try:
        worker = Worker(connect(pipe))
    except Exception as err:
        reply({"ready": False, "error": f"cannot connect to soffice pipe {pipe!r}: {err!r}"})
        return 1
    desktop = worker.desktop
    reply({"ready": True, "pid": os.getpid()})

    while True:
        line = sys.stdin.readline()
        if not line:
            break
        request = json.loads(line)
        cmd, args, rid = request["cmd"], request.get("args", {}), request.get("id")
        if cmd == "quit":
            for handle in list(worker.docs):
                try:
                    worker.cmd_close(handle)
                except Exception:
                    pass
            try:
                desktop.terminate()
            except Exception:
                pass  # soffice goes away mid-call: the bridge reports it as an error
            reply({"id": rid, "ok": True, "result": None})
            break
        method = getattr(worker, "cmd_" + cmd, None)
        if method is None:
            reply({"id": rid, "ok": False, "error": f"unknown command {cmd!r}", "trace": ""})
            continue
        try:
            reply({"id": rid, "ok": True, "result": method(**args)})
        except WorkerError as err:
            reply({"id": rid, "ok": False, "error": str(err), "trace": ""})
        except Exception as err:
            reply(
                {
                    "id": rid,
                    "ok": False,
                    "error": f"{type(err).__name__}: {err}",
                    "trace": traceback.format_exc(),
                }
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
