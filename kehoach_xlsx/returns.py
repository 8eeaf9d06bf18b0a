"""Read the workbooks units send back, whatever they did to them.

A returned file passes ``safety.inspect_file`` first, then python-calamine reads cell values
(never formulas, never macros). The data sheet is found by its header texts, columns by
header text, rows by the task id in "Mã NV"; names of files and sheets, row order, extra
columns and rows, hidden rows, merged cells and .xls/.ods re-saves do not matter.
"""

from __future__ import annotations

import gc
import hashlib
import io
import os
import re
import sys
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from operator import attrgetter, itemgetter
from pathlib import Path
from typing import Any, Literal, NamedTuple
from unicodedata import normalize as _normalize

from python_calamine import CalamineError, CalamineWorkbook, PasswordError

from kehoach_xlsx.errors import ReturnedFileError
from kehoach_xlsx.isolate import IsolatedReader
from kehoach_xlsx.safety import DEFAULT_LIMITS, FileCheck, Limits, inspect_file, safe_content
from kehoach_xlsx.vntext import clean_spaces, fold, nfc
from kehoach_xlsx.workbook.identity import IDENTITY_MARK, IDENTITY_SHEET, read_identity
from kehoach_xlsx.workbook.unit import GUIDE_SHEET, REPORT_SHEET

# Bump whenever reading or interpreting a returned file changes (sheets, headers, statuses,
# dates, identity, warnings): collect keeps what it read in the ledger (readings.py), and
# merge reads a stored file again only when its reading was made by another version.
READER_VERSION = 2

# --- header texts (design.md "Unit workbook") ------------------------------------------------

FIELD_HEADERS: dict[str, str] = {
    "stt": "STT",
    "task_id": "Mã NV",
    "title": "Nhiệm vụ",
    "role": "Vai trò",
    "outputs": "Sản phẩm đầu ra",
    "due": "Hạn",
    "status": "Tình trạng",
    "completed": "Ngày hoàn thành",
    "result": "Kết quả thực hiện",
    "documents": "Sản phẩm đã ban hành (số, ký hiệu)",
    "issues": "Khó khăn, đề xuất",
}
LOCKED_FIELDS = ("title", "role", "outputs", "due")
ANSWER_FIELDS = ("status", "completed", "result", "documents", "issues")

# Folded spellings a person may leave after retyping a header; the canonical text comes first.
_HEADER_SYNONYMS: dict[str, tuple[str, ...]] = {
    "stt": ("stt", "tt", "so tt", "so thu tu"),
    "task_id": ("ma nv", "ma nhiem vu", "ma so nhiem vu", "ma"),
    "title": ("nhiem vu", "noi dung", "noi dung nhiem vu", "ten nhiem vu", "noi dung cong viec"),
    "role": ("vai tro", "chu tri/phoi hop", "chu tri phoi hop"),
    "outputs": ("san pham dau ra", "san pham du kien", "ket qua du kien"),
    "due": ("han", "thoi han", "han hoan thanh", "tien do", "thoi gian hoan thanh"),
    "status": ("tinh trang", "trang thai", "tinh trang thuc hien", "tien do thuc hien"),
    "completed": ("ngay hoan thanh", "ngay hoan thanh thuc te", "thoi gian hoan thanh thuc te"),
    "result": ("ket qua thuc hien", "ket qua", "ket qua dat duoc"),
    "documents": (
        "san pham da ban hanh (so, ky hieu)",
        "san pham da ban hanh",
        "van ban da ban hanh",
        "so, ky hieu van ban",
    ),
    "issues": (
        "kho khan, de xuat",
        "kho khan, vuong mac, de xuat",
        "kho khan",
        "de xuat",
        "kien nghi",
    ),
}

STATUS_LABELS: dict[str, str] = {
    "not_started": "Chưa thực hiện",
    "in_progress": "Đang thực hiện",
    "done": "Đã hoàn thành",
    "cannot_do": "Không thực hiện được",
}
# Folded, punctuation-free answers seen in returns, mapped to status codes.
_STATUS_WORDS: dict[str, str] = {
    "chua thuc hien": "not_started",
    "chua": "not_started",
    "chua lam": "not_started",
    "chua trien khai": "not_started",
    "chua bat dau": "not_started",
    "dang thuc hien": "in_progress",
    "dang lam": "in_progress",
    "dang trien khai": "in_progress",
    "dang tien hanh": "in_progress",
    "dang": "in_progress",
    "chua xong": "in_progress",
    "chua hoan thanh": "in_progress",
    "da hoan thanh": "done",
    "hoan thanh": "done",
    "xong": "done",
    "da xong": "done",
    "da thuc hien": "done",
    "da thuc hien xong": "done",
    "khong thuc hien duoc": "cannot_do",
    "khong thuc hien": "cannot_do",
    "khong the thuc hien": "cannot_do",
    "khong lam duoc": "cannot_do",
}

Status = Literal["not_started", "in_progress", "done", "cannot_do", "invalid"]


class Problem(NamedTuple):
    """A doubt about one returned row: stable code + Vietnamese message."""

    code: str
    message: str


@dataclass
class ReturnWarning:
    """A fact about a returned file worth showing to the coordinator (Finding-like)."""

    code: str
    message: str
    file: str
    sheet: str | None = None
    row: int | None = None


@dataclass(slots=True)
class ReturnedRow:
    """One task row of a returned workbook, with the answers as typed and as understood.

    Slotted: a month's merge holds 100,000 of them, and worker processes pickle them back.
    """

    sheet: str
    row: int  # 1-based sheet row
    task_id: str | None
    assigned: dict[str, str]  # the locked columns as found: Nhiệm vụ, Vai trò, Sản phẩm đầu ra, Hạn
    status_raw: str
    status: Status | None  # None when blank
    completed: date | None
    completed_raw: str
    result: str
    documents: str
    issues: str
    blank: bool
    problems: list[Problem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["completed"] = self.completed.isoformat() if self.completed else None
        data["problems"] = [{"code": p.code, "message": p.message} for p in self.problems]
        return data

    def __reduce__(self) -> tuple[Callable[..., ReturnedRow], tuple[Any, ...]]:
        # Rebuilt from its field values: half the pickle size and time of the default.
        return _shared_row, _row_values(self)


_row_values = attrgetter(*(f.name for f in fields(ReturnedRow)))
_intern = sys.intern


def _shared_row(
    sheet: str,
    row: int,
    task_id: str | None,
    assigned: dict[str, str],
    status_raw: str,
    *rest: Any,
) -> ReturnedRow:
    """A row arriving from a reading process, its repeated texts shared (interned) again.

    Every unit's copy repeats the same sheet names, task ids and locked texts; interned on
    arrival, 2,000 books keep one copy of each, as when read in this process.
    """
    return ReturnedRow(
        _intern(sheet),
        row,
        _intern(task_id) if task_id else task_id,
        {_intern(k): _intern(v) for k, v in assigned.items()},
        _intern(status_raw),
        *rest,
    )


@dataclass
class ReturnedBook:
    """Everything read from one returned file."""

    path: str
    sha256: str
    kind: str
    identity: dict[str, Any] | None
    identified_by: Literal["identity", "content"] | None
    header_unit_name: str | None
    sheet: str | None
    columns: dict[str, int]  # field -> 0-based column index in the data sheet
    rows: list[ReturnedRow] = field(default_factory=list)
    warnings: list[ReturnWarning] = field(default_factory=list)
    # The defined name kehoach_workbook_id: harder to edit than the identity sheet's cells.
    named_workbook_id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "sha256": self.sha256,
            "kind": self.kind,
            "identity": self.identity,
            "named_workbook_id": self.named_workbook_id,
            "identified_by": self.identified_by,
            "header_unit_name": self.header_unit_name,
            "sheet": self.sheet,
            "rows": [r.to_dict() for r in self.rows],
            "warnings": [asdict(w) for w in self.warnings],
        }


@dataclass
class FailedFile:
    """A returned file we could not read; the others go on."""

    path: str
    sha256: str | None
    code: str
    message: str

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


class ReturnedBookError(ReturnedFileError):
    """A returned file refused or unreadable; ``code`` is stable, str(err) Vietnamese."""

    def __init__(self, code: str, message: str, sha256: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.sha256 = sha256


# --- reading ---------------------------------------------------------------------------------


def read_returned_book(
    path: str | Path,
    expected_headers: Iterable[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ReturnedBook:
    """Read one returned workbook (any name, .xlsx/.xlsm/.xls/.ods) into a ``ReturnedBook``.

    ``expected_headers`` are header texts the data sheet must show (default "Mã NV" and
    "Tình trạng"). Raises ``ReturnedBookError`` when the file is unsafe or unreadable.
    """
    path = Path(path)
    try:
        size = path.stat().st_size
        # Read once: the same bytes feed the safety check, the hash and calamine.
        content = path.read_bytes() if size <= limits.max_file_bytes else None
    except OSError as err:
        raise ReturnedBookError(
            "unreadable", f"Không đọc được tệp {path.name}: {err.strerror or err}."
        ) from err
    sha = hashlib.sha256(content).hexdigest() if content is not None else _sha256_or_none(path)
    check = inspect_file(path, limits, content)
    if not check.ok or content is None:
        raise ReturnedBookError(check.code or "rejected", check.reason or "", sha)
    headers = tuple(expected_headers) if expected_headers is not None else None
    return _read_book(path, content, sha, check, _required_keys(headers))


def read_returned_books(
    paths: Iterable[str | Path],
    threads: int = 2,
    progress: Callable[[int, int, str], None] | None = None,
    expected_headers: Iterable[str] | None = None,
    limits: Limits = DEFAULT_LIMITS,
    processes: int | None = None,
) -> list[ReturnedBook | FailedFile]:
    """Read many returned files, in input order; one bad file becomes a ``FailedFile``.

    Every file is read in a worker process under ``limits`` (``kehoach_xlsx.isolate``): a
    file that crashes the native reader, exhausts memory or hangs fails alone, the batch
    goes on. ``threads`` is how many files are read at once (at most one per core);
    ``processes`` overrides it. ``processes=0`` reads in this process, without that
    protection: only for files already known to be harmless (benchmarks, tests).
    ``progress(done, total, path)`` is called in the caller's thread as results arrive.
    """
    path_list = [Path(p) for p in paths]
    headers = list(expected_headers) if expected_headers is not None else None
    total = len(path_list)
    if processes is None:
        processes = max(1, min(threads, os.cpu_count() or 1, total))
    results: list[ReturnedBook | FailedFile] = []

    def arrived(result: ReturnedBook | FailedFile) -> None:
        results.append(result)
        if progress:
            progress(len(results), total, result.path)

    # The results are acyclic; pausing the cycle collector while thousands of rows pile up
    # saves it from rescanning them (about a tenth of the time), and changes nothing else.
    with _gc_paused():
        if processes <= 0:
            for path in path_list:
                arrived(_read_or_fail(path, headers, limits))
            return results
        with IsolatedReader(processes, limits) as reader:
            return reader.read_many(path_list, headers, arrived)


def _read_or_fail(
    path: Path, headers: list[str] | None, limits: Limits
) -> ReturnedBook | FailedFile:
    try:
        return read_returned_book(path, headers, limits)
    except ReturnedBookError as err:
        return FailedFile(str(path), err.sha256, err.code, str(err))
    except MemoryError:
        return FailedFile(
            str(path), _sha256_or_none(path), "out_of_memory", f"Tệp {path.name} quá lớn."
        )
    except Exception as err:  # noqa: BLE001 - one hostile file must never stop the batch
        return FailedFile(
            str(path),
            _sha256_or_none(path),
            "unreadable",
            f"Không đọc được tệp {path.name} ({type(err).__name__}: {err}).",
        )


@contextmanager
def _gc_paused() -> Iterator[None]:
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _sha256_or_none(path: Path) -> str | None:
    try:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                digest.update(chunk)
        return digest.hexdigest()
    except OSError:
        return None


Cell = Any
Grid = list[list[Cell]]


@dataclass
class _Sheet:
    name: str
    hidden: bool
    grid: Grid
    merged: list[tuple[tuple[int, int], tuple[int, int]]]


class _Sheets:
    """The worksheets of one open workbook, converted to Python only when asked for.

    Turning a sheet into Python lists is most of calamine's cost, so the data sheet ("Báo
    cáo") and the identity sheet ("_kehoach") are tried by name first; the other sheets are
    converted only when those two are missing or renamed.
    """

    def __init__(self, book: CalamineWorkbook) -> None:
        self.book = book
        # Chart and macro sheets hold no answers.
        self.names = [
            (meta.name, "Visible" not in str(meta.visible))
            for meta in book.sheets_metadata
            if "Work" in str(meta.typ)
        ]
        self.loaded: dict[str, _Sheet] = {}

    def get(self, name: str, hidden: bool) -> _Sheet:
        sheet = self.loaded.get(name)
        if sheet is None:
            raw = self.book.get_sheet_by_name(name)
            # skip_empty_area=False keeps list indices equal to sheet row/column numbers.
            grid = raw.to_python(skip_empty_area=False)
            sheet = _Sheet(name, hidden, grid, list(raw.merged_cell_ranges or []))
            self.loaded[name] = sheet
        return sheet

    def in_order(self, preferred: str, visible_first: bool) -> Iterator[_Sheet]:
        """``preferred`` (by name) first, then the others in workbook order."""
        names = sorted(self.names, key=lambda item: _sheet_key(item[0]) != _sheet_key(preferred))
        if visible_first:
            names = sorted(names, key=lambda item: item[1])  # stable: keeps preferred first
        for name, hidden in names:
            yield self.get(name, hidden)


@lru_cache(maxsize=256)
def _sheet_key(name: str) -> str:
    return nfc(name).strip().casefold()


def _read_book(
    path: Path, content: bytes, sha: str, check: FileCheck, required: tuple[str, ...]
) -> ReturnedBook:
    # from_filelike sniffs the format from the bytes, so a renamed .xls or .ods still opens.
    try:
        # A count or dimension the file merely claims never reaches the reader.
        content = safe_content(content, check)
        with CalamineWorkbook.from_filelike(io.BytesIO(content)) as workbook:
            sheets = _Sheets(workbook)
            identity = None
            for sheet in sheets.in_order(IDENTITY_SHEET, visible_first=False):
                identity = parse_identity(sheet.grid)
                if identity is not None:
                    break
            found = _find_data_sheet(sheets.in_order(REPORT_SHEET, visible_first=True), required)
            others: list[str] = []
            if found is not None:
                found, others = _busiest_data_sheet(sheets, found, required)
    except PasswordError as err:
        raise ReturnedBookError(
            "encrypted",
            f"Tệp có mật khẩu ({path.name}); hãy đề nghị đơn vị gỡ mật khẩu rồi gửi lại.",
            sha,
        ) from err
    except CalamineError as err:
        raise ReturnedBookError(
            "corrupt_file",
            f"Tệp {path.name} bị hỏng, không đọc được nội dung ({err}).",
            sha,
        ) from err
    book = _build_book(path, sha, check, identity, found)
    if others and book.sheet:
        book.warnings.append(
            ReturnWarning(
                "several_data_sheets",
                f"Tệp có {len(others) + 1} trang báo cáo ({', '.join([book.sheet, *others])}); "
                f"đã đọc trang “{book.sheet}” (nhiều dòng đã điền nhất), bỏ qua các trang kia.",
                str(path),
                book.sheet,
            )
        )
    return book


def _busiest_data_sheet(
    sheets: _Sheets, found: tuple[_Sheet, int, dict[str, int]], required: tuple[str, ...]
) -> tuple[tuple[_Sheet, int, dict[str, int]], list[str]]:
    """The report sheet holding the most answers, and the names of the other report sheets.

    A person may copy "Báo cáo" (to keep last period's version, or to draft) and fill only
    one of the copies; the sheet we would read first may be the empty one. Only sheets we
    did not write are looked at, so an untouched workbook costs nothing more.
    """
    ours = {_sheet_key(found[0].name), _sheet_key(IDENTITY_SHEET), _sheet_key(GUIDE_SHEET)}
    extra = [(name, hidden) for name, hidden in sheets.names if _sheet_key(name) not in ours]
    candidates = [found]
    for name, hidden in extra:
        match = _find_data_sheet([sheets.get(name, hidden)], required)
        if match is not None:
            candidates.append(match)
    if len(candidates) == 1:
        return found, []
    best = max(candidates, key=_answered_rows)  # ties: the first, the one read before
    return best, [c[0].name for c in candidates if c is not best]


def _answered_rows(found: tuple[_Sheet, int, dict[str, int]]) -> int:
    sheet, header_row, columns = found
    cols = [columns[f] for f in ANSWER_FIELDS if f in columns]
    return sum(
        1
        for row in sheet.grid[header_row + 1 :]
        if any(c < len(row) and row[c] not in ("", None) for c in cols)
    )


def _build_book(
    path: Path,
    sha: str,
    check: FileCheck,
    identity: dict[str, Any] | None,
    found: tuple[_Sheet, int, dict[str, int]] | None,
) -> ReturnedBook:
    warnings = [ReturnWarning(c.code, c.message, str(path)) for c in check.warnings]
    if check.formula_cells:
        warnings.append(
            ReturnWarning(
                "formula_in_answer",
                f"Tệp có {check.formula_cells} ô công thức; chỉ đọc giá trị đã lưu, không tính lại.",
                str(path),
            )
        )
    if identity is None and check.workbook_id:
        # The hidden sheet was deleted but the defined name survived.
        identity = {"workbook_id": check.workbook_id, "tasks": [], "partial": True}
    book = ReturnedBook(
        path=str(path),
        sha256=sha,
        kind=check.kind,
        identity=identity,
        identified_by="identity" if identity else None,
        header_unit_name=None,
        sheet=None,
        columns={},
        warnings=warnings,
        named_workbook_id=check.workbook_id,
    )
    if found is None:
        book.warnings.append(
            ReturnWarning(
                "no_data_sheet",
                "Không tìm thấy trang báo cáo (dòng tiêu đề có “Mã NV” và “Tình trạng”) trong tệp.",
                str(path),
            )
        )
        return book
    sheet, header_row, columns = found
    book.sheet = sheet.name
    book.columns = columns
    book.header_unit_name = _header_unit_name(sheet.grid[:header_row])
    _fill_merged(sheet, header_row, book)
    book.rows = _read_rows(sheet, header_row, columns, check.date1904, book, identity)
    if identity is None and any(r.task_id for r in book.rows):
        book.identified_by = "content"
    return book


# --- identity sheet ("_kehoach") -------------------------------------------------------------


def parse_identity(grid: Grid) -> dict[str, Any] | None:
    """Read the identity sheet ("_kehoach") into a plain dict, tolerating re-saves.

    The key/value head goes through ``workbook.identity.read_identity``; the task rows are
    read here directly, a column at a time. Returns ``{"plan_id": ..., "unit":
    ..., "period": ..., "due": ISO, "generated": ISO, "workbook_id": ..., "format_version":
    1, "tasks": [{task_id, fingerprint, role, row}]}``. A marked sheet that lost its unit
    or workbook id still gives its key/value rows with ``"partial": True``; None when the
    grid is not an identity sheet at all.
    """
    if not any(row and _text(row[0]) == IDENTITY_MARK for row in grid[:5]):
        return None
    split = len(grid)
    for index, row in enumerate(grid):
        if len(row) > 1 and row[0] == "task_id" and row[1] == "fingerprint":
            split = index + 1
            break
    tasks: list[dict[str, Any]] = []
    body = grid[split:]
    if body and min(map(len, body)) < 4:
        body = [row + [""] * (4 - len(row)) if len(row) < 4 else row for row in body]
    # The same ids, fingerprints and roles come back from every unit: the text cache shares
    # one copy (and spares cleaning them again).
    cache = _current_text_cache()
    clean_get = cache.clean_texts.get
    pick = itemgetter(0, 1, 2, 3)
    for cells in map(pick, body):
        texts = tuple(map(clean_get, cells))
        if None in texts:
            texts = tuple(map(cache.clean, cells))
        task_id, print_, role, number = texts
        if task_id:
            tasks.append(
                {
                    "task_id": task_id,
                    "fingerprint": print_,
                    "role": role,
                    "row": int(number) if number.isdigit() else None,
                }
            )
    found, _ = read_identity(grid[:split])
    if found is not None:
        data = dict(vars(found))  # shallow: asdict's deep copy costs more than the parse
        data["due"] = found.due.isoformat() if found.due else None
        data["generated"] = found.generated.isoformat() if found.generated else None
        data["tasks"] = tasks
        return data
    data = {"partial": True, "tasks": tasks}
    for row in grid[1:split]:
        key = _text(row[0]) if row else ""
        if key and key != "task_id" and len(row) > 1:
            data[key] = _text(row[1])
    return data


# --- finding the data sheet and its columns --------------------------------------------------


@lru_cache(maxsize=4096)
def _header_key(text: str) -> str:
    """Fold a header cell: accents, case, spacing, line breaks, "*" marks and ":" go."""
    folded = fold(clean_spaces(nfc(text)))
    folded = folded.replace("*", "").strip(" :.")
    return " ".join(folded.split())


def _strip_parenthetical(key: str) -> str:
    return " ".join(re.sub(r"\([^)]*\)", " ", key).split())


_SYNONYM_INDEX: dict[str, str] = {}
for _field, _names in _HEADER_SYNONYMS.items():
    for _name in _names:
        _SYNONYM_INDEX.setdefault(_name, _field)


@lru_cache(maxsize=4096)
def _match_header(text: str) -> str | None:
    key = _header_key(text)
    if not key:
        return None
    if key in _SYNONYM_INDEX:
        return _SYNONYM_INDEX[key]
    bare = _strip_parenthetical(key)
    if bare in _SYNONYM_INDEX:
        return _SYNONYM_INDEX[bare]
    return None


@lru_cache(maxsize=64)
def _required_keys(expected_headers: tuple[str, ...] | None) -> tuple[str, ...]:
    return tuple(_header_key(h) for h in (expected_headers or ("Mã NV", "Tình trạng")))


class _HeaderCell(NamedTuple):
    keys: tuple[str, ...]  # the folded text, and without its "(…)" part
    field: str | None  # the FIELD_HEADERS name it spells, if any


# Header-block and header-row texts repeat in every returned copy of a plan, so what a cell
# text means as a header is remembered (bounded: the cache is dropped when it grows large).
_HEADER_CELLS: dict[str, _HeaderCell] = {}
_HEADER_CELLS_MAX = 4096
_LONG_CELL = 200  # texts this long are task titles or notes, not headers: not remembered


def _header_cell(text: str) -> _HeaderCell:
    cell = _HEADER_CELLS.get(text)
    if cell is None:
        key = _header_key(text)
        bare = _strip_parenthetical(key)
        cell = _HeaderCell((key, bare) if bare != key else (key,), _match_header(text))
        if len(text) < _LONG_CELL:
            if len(_HEADER_CELLS) >= _HEADER_CELLS_MAX:
                _HEADER_CELLS.clear()
            _HEADER_CELLS[text] = cell
    return cell


def _find_data_sheet(
    sheets: Iterable[_Sheet], required: tuple[str, ...] | list[str]
) -> tuple[_Sheet, int, dict[str, int]] | None:
    """The first sheet (as ordered by the caller) with a row holding every required header."""
    wanted = [(r, _SYNONYM_INDEX.get(r)) for r in required]
    for sheet in sheets:
        for index, raw in enumerate(sheet.grid[:200]):  # the header block is short
            cells: list[tuple[int, _HeaderCell]] = []
            for col, value in enumerate(raw):
                if value == "" or value is None:
                    continue
                text = value if type(value) is str else _text(value)
                if text:
                    cells.append((col, _header_cell(text)))
            if not cells:
                continue
            keys = {k for _, cell in cells for k in cell.keys}
            fields = {cell.field for _, cell in cells}
            if all(r in keys or (f is not None and f in fields) for r, f in wanted):
                columns: dict[str, int] = {}
                for col, cell in cells:
                    if cell.field and cell.field not in columns:
                        columns[cell.field] = col
                if "task_id" in columns:
                    return sheet, index, columns
    return None


_UNIT_LABELS = (
    "don vi bao cao",
    "co quan, don vi",
    "co quan/don vi",
    "ten don vi",
    "don vi",
    "co quan",
    "co quan bao cao",
)
_UNIT_LABEL_SET = frozenset(_UNIT_LABELS)
_FIELD_SPLIT = re.compile(r"\s{2,}|\n|\t")
_UNIT_CELLS: dict[str, tuple[str | None, ...]] = {}


def _unit_in_cell(text: str) -> tuple[str | None, ...]:
    """The unit labels in one cell, in order: the name after "Đơn vị: …", or None for a
    bare label (its value is then in a later cell). Empty for most cells.

    Cached: the header block's texts are the same in every copy, except the unit's line.
    """
    found = _UNIT_CELLS.get(text)
    if found is not None:
        return found
    labels: list[str | None] = []
    for part in _FIELD_SPLIT.split(nfc(text)):
        head, sep, tail = part.partition(":")
        if _header_key(head) in _UNIT_LABEL_SET:
            labels.append(clean_spaces(tail) if sep and tail.strip() else None)
    found = tuple(labels)
    if len(_UNIT_CELLS) >= _HEADER_CELLS_MAX:
        _UNIT_CELLS.clear()
    _UNIT_CELLS[text] = found
    return found


def _header_unit_name(block: Grid) -> str | None:
    """The unit named in the header block above the table.

    Our writer puts "Đơn vị báo cáo: X     Kỳ báo cáo: …     Hạn gửi báo cáo: …" in one
    cell (fields separated by runs of spaces); a retyped header may use a label cell and a
    value cell.
    """
    for raw in block:
        cells = ["" if v is None else (v if type(v) is str else str(v)) for v in raw]
        for col, cell_value in enumerate(cells):
            labels = _unit_in_cell(cell_value) if cell_value else ()
            for name in labels:
                if name is not None:
                    return name
                later = next((c for c in cells[col + 1 :] if c.strip()), None)
                if later is not None:
                    return clean_spaces(nfc(later))
    return None


def _fill_merged(sheet: _Sheet, header_row: int, book: ReturnedBook) -> None:
    """Give each row of a merged range the range's value, in the range's first column.

    A range merged down several rows (one status typed for two tasks) answers each row; a
    range merged across columns (a long result spread over the next columns) holds one
    answer, that of its first column: the columns it covers stay empty, never copies.
    """
    grid = sheet.grid
    for (r0, c0), (r1, c1) in sheet.merged:
        if r1 <= header_row or (r0 == r1 and c0 == c1):
            continue
        if r0 >= len(grid):
            continue
        value = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(max(r0, header_row + 1), min(r1, len(grid) - 1) + 1):
            if c0 < len(grid[r]):
                grid[r][c0] = value
        span = f"{_cell_name(r0, c0)}:{_cell_name(r1, c1)}"
        if r1 > r0:
            book.warnings.append(
                ReturnWarning(
                    "merged_cells",
                    f"Các ô {span} bị gộp; giá trị được dùng cho từng dòng trong vùng gộp.",
                    book.path,
                    sheet.name,
                    r0 + 1,
                )
            )
        elif value != "" and r0 > header_row:
            header = grid[header_row] if header_row < len(grid) else []
            first = _text(header[c0]) if c0 < len(header) else ""
            book.warnings.append(
                ReturnWarning(
                    "merged_cells",
                    f"Các ô {span} bị gộp; nội dung được tính cho cột “{first or span}”, "
                    "các cột gộp theo để trống.",
                    book.path,
                    sheet.name,
                    r0 + 1,
                )
            )


def _cell_name(row: int, col: int) -> str:
    letters = ""
    col += 1
    while col:
        col, rem = divmod(col - 1, 26)
        letters = chr(65 + rem) + letters
    return f"{letters}{row + 1}"


# --- rows ------------------------------------------------------------------------------------

_FORMULA_MARKS = frozenset("=+-@")


def _read_rows(
    sheet: _Sheet,
    header_row: int,
    columns: dict[str, int],
    date1904: bool,
    book: ReturnedBook,
    identity: dict[str, Any] | None,
) -> list[ReturnedRow]:
    # This loop runs for every row of every returned file (100,000 rows for a ward's month);
    # it keeps per-row work to C-level calls (itemgetter, map over the text caches) and calls
    # helpers only for the rare cases (a text not seen before, a date, a formula-looking
    # text, an odd status). Measured with callgrind: cleaning whole columns first costs more
    # than it saves on 50-row sheets.
    year = _reference_year(identity)
    grid = sheet.grid
    width = len(grid[header_row]) if header_row < len(grid) else 0
    missing = width  # index of a virtual empty cell for absent columns
    get = columns.get
    c_id, c_title, c_status = get("task_id", missing), get("title", missing), get("status", missing)
    c_completed, c_result = get("completed", missing), get("result", missing)
    c_docs, c_issues = get("documents", missing), get("issues", missing)
    locked = [(FIELD_HEADERS[name], get(name, missing)) for name in LOCKED_FIELDS]
    (l_title, c_l_title), (l_role, c_role), (l_out, c_out), (l_due, c_due) = locked
    answer_cols = (c_id, c_status, c_result, c_docs, c_issues)
    locked_cols = (c_l_title, c_role, c_out, c_due)
    pick_answers = itemgetter(*answer_cols)
    pick_locked = itemgetter(*locked_cols)
    # Rows are padded only when one is too short for a column we read (a copy per row).
    need = max((*answer_cols, *locked_cols, c_title, c_completed))
    padding = [""] * (need + 1)
    fast = _fast_text
    name = sys.intern(sheet.name)
    # Texts every unit's copy repeats (task ids, statuses, the locked columns) come from the
    # text caches, so they are shared between books: a month's merge keeps one copy instead
    # of 2,000, and a worker process pickles each once per batch.
    cache = _current_text_cache()
    clean_get, shown_get, suspect = cache.clean_texts.get, cache.shown_texts.get, cache.suspect
    rows: list[ReturnedRow] = []
    append = rows.append
    notes: list[tuple[int, tuple[str, ...]]] = []
    # The header row copied again lower down (to print it on every page) is no task.
    header_cells = grid[header_row] if header_row < len(grid) else []
    header_id = (cache.clean(header_cells[c_id]) if c_id < len(header_cells) else "") or None
    for index in range(header_row + 1, len(grid)):
        raw = grid[index]
        if len(raw) <= need:
            raw = raw + padding[: need + 1 - len(raw)]
        answers = pick_answers(raw)
        texts = tuple(map(clean_get, answers))
        if None in texts:
            texts = tuple(map(cache.clean, answers))
        task_id, status_raw, result, documents, issues = texts
        if task_id == header_id:
            continue
        completed_cell = raw[c_completed]
        completed_raw = "" if completed_cell == "" else _text(completed_cell)
        has_answer = bool(status_raw or completed_raw or result or documents or issues)
        problems: list[Problem] = []
        if not task_id:
            task_id = None
            # Without a task id, a row counts only if it looks like an added task (a title or
            # a status); a lone text under the table is a note or the signature block.
            if not (has_answer and (status_raw or fast(raw[c_title]))):
                if has_answer:
                    notes.append((index + 1, (completed_raw, result, documents, issues)))
                continue
            problems.append(
                Problem("unknown_row", "Dòng có nội dung trả lời nhưng không có Mã NV.")
            )
        status: Status | None = None
        if status_raw:
            status, guessed = read_status(status_raw)
            if guessed and status is not None:
                _guessed(book, name, index + 1, "status_guessed", _status_guess(status_raw, status))
            if status is None:
                status = "invalid"
                problems.append(
                    Problem(
                        "invalid_value",
                        f"Tình trạng “{status_raw}” không thuộc danh sách "
                        "(Chưa thực hiện, Đang thực hiện, Đã hoàn thành, Không thực hiện được).",
                    )
                )
        completed = None
        if completed_raw:
            if type(completed_cell) is datetime:
                completed = completed_cell.date()
            else:
                completed = _completed_date(completed_cell, date1904, year)
                if completed is None and type(completed_cell) is str:
                    completed, guess = guess_date_text(completed_raw)
                    if completed is not None:
                        _guessed(book, name, index + 1, "date_guessed", guess)
            if completed is None:
                problems.append(
                    Problem(
                        "invalid_value",
                        f"Ngày hoàn thành “{completed_raw}” không đọc được là ngày.",
                    )
                )
        if completed is not None and not status_raw and task_id:
            # A completion date and no status picked: the date says it is done.
            status = "done"
            _guessed(
                book,
                name,
                index + 1,
                "status_guessed",
                f"Chưa chọn Tình trạng nhưng có Ngày hoàn thành {completed:%d/%m/%Y}; "
                "được hiểu là “Đã hoàn thành”.",
            )
        typed_date = completed_raw if type(completed_cell) is str else ""
        # Cached texts were screened once for a formula mark (cache.suspect); only a row
        # with a suspect text (or a typed date) goes through the full check.
        if has_answer and (
            status_raw in suspect
            or result in suspect
            or documents in suspect
            or issues in suspect
            or typed_date
        ):
            for field_name, text in (
                ("status", status_raw),
                ("completed", typed_date),
                ("result", result),
                ("documents", documents),
                ("issues", issues),
            ):
                if text and (text[0] in _FORMULA_MARKS or "|" in text) and looks_like_formula(text):
                    problem = Problem(
                        "formula_in_answer",
                        f"Cột “{FIELD_HEADERS[field_name]}” có nội dung giống công thức "
                        f"(“{clean_spaces(text)[:60]}”); giữ nguyên dạng chữ, không tính.",
                    )
                    problems.append(problem)
                    book.warnings.append(
                        ReturnWarning(problem.code, problem.message, book.path, name, index + 1)
                    )
        cells = pick_locked(raw)
        shown = tuple(map(shown_get, cells))
        if None in shown:
            shown = tuple(map(cache.shown, cells))
        title, role, outputs, due = shown
        append(
            ReturnedRow(
                name,
                index + 1,
                task_id,
                {l_title: title, l_role: role, l_out: outputs, l_due: due},
                status_raw,
                status,
                completed,
                completed_raw,
                result,
                documents,
                issues,
                not has_answer,
                problems,
            )
        )
    if notes:
        last_task = max((r.row for r in rows if r.task_id), default=0)
        for row_number, texts in notes:
            if row_number < last_task or not _signature_like(texts):
                _note_row(book, name, row_number, texts)
    return rows


_SIGNATURE_WORDS = re.compile(
    r"\b(nguoi lap|lap bieu|thu truong|ky ten|ky,|ghi ro ho ten|dong dau|giam doc|"
    r"truong phong|chu tich|chanh van phong|xac nhan|tm\.|kt\.|ngay \S+ thang)"
)


def _signature_like(texts: Iterable[str]) -> bool:
    """A line of the signature block a unit adds under the table ("NGƯỜI LẬP BIỂU",
    "(Ký, ghi rõ họ tên)", a name, "Hòa Bình, ngày … tháng …"): no answer, not worth a
    warning. Anything else under the table is a note and is reported."""
    text = " ".join(t for t in texts if t)
    if _SIGNATURE_WORDS.search(fold(text)):
        return True
    words = text.split()  # a person's name: two to five capitalised words
    return 2 <= len(words) <= 5 and all(w[0].isupper() and w.isalpha() for w in words)


def _guessed(book: ReturnedBook, sheet: str, row: int, code: str, message: str) -> None:
    """A typed answer read by a guess: used, and shown with its file, sheet and row."""
    book.warnings.append(ReturnWarning(code, message, book.path, sheet, row))


def _note_row(book: ReturnedBook, sheet: str, row: int, texts: Iterable[str]) -> None:
    """A row without "Mã NV", title or status but with text in the answer columns: a note a
    person inserted between (or under) the tasks. It belongs to no task; say so, never drop
    it silently (a signature block under the table excepted: ``_signature_like``)."""
    text = clean_spaces(" / ".join(t for t in texts if t))
    shown = text if len(text) <= 120 else text[:117] + "…"
    book.warnings.append(
        ReturnWarning(
            "note_row",
            f"Dòng không có Mã NV, chỉ có ghi chú “{shown}”; không gắn với nhiệm vụ nào, "
            "cần xem lại nếu là nội dung báo cáo.",
            book.path,
            sheet,
            row,
        )
    )


def _status_guess(typed: str, code: str) -> str:
    return (
        f"Tình trạng “{clean_spaces(typed)[:60]}” không đúng danh sách; "
        f"được hiểu là “{STATUS_LABELS[code]}”."
    )


class _TextCache:
    """Cell text -> cleaned text (``_fast_text``) and -> locked-column text (``_display``).

    The values are shared (interned): returned copies of one plan repeat most texts, so a
    dict hit replaces the per-cell cleaning. Only str keys are stored (1.0, 1 and True are
    equal dict keys but read differently); other values miss and are converted each time.
    ``suspect`` holds every cleaned text this cache handed out that starts with a formula
    mark or holds a "|", so a row whose texts are all outside it needs no formula check.
    A full cache is replaced, never cleared, so a reader holding it keeps a consistent set.
    """

    __slots__ = ("clean_texts", "shown_texts", "suspect")

    def __init__(self) -> None:
        self.clean_texts: dict[str, str] = {"": ""}
        self.shown_texts: dict[str, str] = {"": ""}
        self.suspect: set[str] = set()

    def clean(self, value: Cell) -> str:
        """``_fast_text``, shared and remembered."""
        if type(value) is str:
            text = self.clean_texts.get(value)
            if text is not None:
                return text
            text = sys.intern(_fast_text(value))
            self.clean_texts[value] = text
        else:
            text = _fast_text(value)
        if text and (text[0] in _FORMULA_MARKS or "|" in text):
            self.suspect.add(text)
        return text

    def shown(self, value: Cell) -> str:
        """``_display``, shared and remembered."""
        if type(value) is not str:
            return sys.intern(_display(value))
        text = self.shown_texts.get(value)
        if text is None:
            text = self.shown_texts[value] = sys.intern(_display(value))
        return text


_TEXT_CACHE_MAX = 20_000  # entries per dict: a few MB at most
_text_cache = _TextCache()


def _current_text_cache() -> _TextCache:
    global _text_cache
    cache = _text_cache
    if len(cache.clean_texts) > _TEXT_CACHE_MAX or len(cache.shown_texts) > _TEXT_CACHE_MAX:
        cache = _text_cache = _TextCache()
    return cache


def _fast_text(value: Cell) -> str:
    """``_text`` with the common cases first: empty cell, plain string."""
    if value == "":
        return ""
    if type(value) is str:
        if value.isascii():
            return value.strip()
        return _normalize("NFC", value).strip()
    return _text(value)


StatusCode = Literal["not_started", "in_progress", "done", "cannot_do"]


def status_code(text: str) -> StatusCode | None:
    """Understand a typed status: "Đã hoàn thành", "hoàn thành", "Da hoan thanh", "xong"…"""
    return read_status(text)[0]


# Short forms people type for a status (folded); always read as a guess.
_STATUS_SHORT: dict[str, str] = {
    "ht": "done",
    "da ht": "done",
    "dht": "done",
    "dang th": "in_progress",
    "dth": "in_progress",
    "chua th": "not_started",
    "chua ht": "in_progress",
}
# Words after "done" that change its meaning ("hoàn thành một phần", "… 80%"): no guess.
_NOT_QUITE_DONE = re.compile(r"\b(mot phan|co ban|chua|khong)\b|\b(?!100\b)\d+\b")
_STATUS_PREFIXES = sorted(_STATUS_WORDS, key=len, reverse=True)
_PERCENT = re.compile(r"\s*(\d{1,3})\s*%\s*")


@lru_cache(maxsize=2048)
def read_status(text: str) -> tuple[StatusCode | None, bool]:
    """A typed status and whether it was guessed: "Đã xong" -> ("done", False),
    "HT" -> ("done", True), "Đã hoàn thành 100%" -> ("done", True), "Tốt" -> (None, False).

    A guess is a short form, or a listed status followed by more words ("Hoàn thành tốt",
    "Đang thực hiện (70%)"), the longest listed status first ("chưa hoàn thành" is not
    "chưa"). After "done", words that change its meaning ("một phần", "cơ bản", a
    percentage other than 100) leave the status unread, to be flagged.
    """
    percent = _PERCENT.fullmatch(text)
    if percent:  # progress typed as a share of the work: "100%", "70 %", "0%"
        share = int(percent.group(1))
        if share > 100:
            return None, False
        code = "done" if share == 100 else "in_progress" if share else "not_started"
        return code, True  # type: ignore[return-value]
    key = fold(nfc(text))
    key = re.sub(r"^\s*(\d+|[a-z])\s*[.)-]\s*", "", key)  # "1. Đã hoàn thành"
    key = " ".join(re.sub(r"[^a-z0-9 ]+", " ", key).split())
    if key in _STATUS_WORDS:
        return _STATUS_WORDS[key], False  # type: ignore[return-value]
    if key in _STATUS_SHORT:
        return _STATUS_SHORT[key], True  # type: ignore[return-value]
    prefix = next((p for p in _STATUS_PREFIXES if key.startswith(p + " ")), None)
    if prefix is None:
        return None, False
    code = _STATUS_WORDS[prefix]
    if code == "done" and _NOT_QUITE_DONE.search(key[len(prefix) :]):
        return None, False
    return code, True  # type: ignore[return-value]


_FORMULA_START = re.compile(r"^[=@]")
_SIGNED_FORMULA = re.compile(r"^[+\-][A-Za-z0-9_.$]*[(!|]|^[+\-][\d.]+\s*[+\-*/^]\s*[\d(]")
_DDE = re.compile(r"\|.*!")


def looks_like_formula(text: str) -> bool:
    """True for text a spreadsheet could run: "=1+2", "@SUM(A1)", "+cmd|' /C calc'!A0".

    A leading "-" or "+" followed by words ("- Đã tổ chức hội nghị") is the usual Vietnamese
    bullet, not a formula, so only formula-shaped text after a sign counts.
    """
    stripped = text.strip()
    if not stripped:
        return False
    if _FORMULA_START.match(stripped) or _DDE.search(stripped):
        return True
    return bool(_SIGNED_FORMULA.match(stripped))


# --- cell values -----------------------------------------------------------------------------


def _text(value: Cell) -> str:
    """Cell value as clean NFC text; whole floats lose their ".0" ("1.0" -> "1")."""
    if value is None or value == "":
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    # dd/mm/yyyy built by hand: strftime costs ten times as much, once per answered row.
    if isinstance(value, datetime):
        day = f"{value.day:02d}/{value.month:02d}/{value.year}"
        if value.time() == time(0, 0):
            return day
        return f"{day} {value.hour:02d}:{value.minute:02d}"
    if isinstance(value, date):
        return f"{value.day:02d}/{value.month:02d}/{value.year}"
    if isinstance(value, timedelta | time):
        return str(value)
    return clean_spaces(nfc(str(value)))


def _display(value: Cell) -> str:
    # Locked texts are kept exactly as found (NFC only) so the merge can recompute the
    # fingerprint of what we wrote and notice an edit.
    if type(value) is str:
        return value if value.isascii() else _normalize("NFC", value)
    return _text(value)


def _reference_year(identity: dict[str, Any] | None) -> int:
    """Year used for dates typed without one ("5/9"): the report period, else today."""
    if identity:
        for key in ("period", "due"):
            match = re.match(r"(\d{4})", str(identity.get(key, "")))
            if match:
                return int(match.group(1))
    return date.today().year


_DATE_NUMERIC = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})(?:\s*[/.\-]\s*(\d{2}|\d{4}))?$")
_DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T].*)?$")
_DATE_WORDS = re.compile(r"ngay\s*(\d{1,2})\s*thang\s*(\d{1,2})\s*(?:nam\s*(\d{4}))?")


def parse_date_text(text: str, year: int | None = None) -> date | None:
    """Day-first dates as typed: "05/9/2026", "5-9-26", "05.09.2026", "5/9", "ngày 5 tháng 9 năm 2026"."""
    cleaned = fold(nfc(text)).strip(" .,;")
    cleaned = re.sub(r"^ngay\s+(?=\d{1,2}\s*[/.\-])", "", cleaned)
    year = year or date.today().year
    match = _DATE_NUMERIC.match(cleaned)
    if match:
        day, month, yr = match.groups()
        y = int(yr) if yr else year
        if yr and len(yr) == 2:
            y += 2000
        return _safe_date(y, int(month), int(day))
    match = _DATE_ISO.match(cleaned)
    if match:
        return _safe_date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    match = _DATE_WORDS.search(cleaned)
    if match:
        day, month, yr = match.groups()
        return _safe_date(int(yr) if yr else year, int(month), int(day))
    return None


_MONTH_YEAR = re.compile(r"^(?:thang\s*|t)?(\d{1,2})\s*(?:[/.\-]|\s*nam)\s*(\d{4})$")
_DATE_INSIDE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})(?!\d)")


def guess_date_text(text: str) -> tuple[date | None, str]:
    """A completion "date" that is not one, read by a stated guess, with the message saying so.

    "10/2026", "tháng 10/2026", "tháng 10 năm 2026" (a month) -> its first day;
    "xong ngày 15/10/2026 (báo cáo sau)" (one full date among words) -> that date.
    (None, "") otherwise. The first day of a month never makes a task look late or
    completed in the future when it is not.
    """
    cleaned = fold(nfc(text)).strip(" .,;")
    match = _MONTH_YEAR.match(cleaned)
    if match:
        found = _safe_date(int(match.group(2)), int(match.group(1)), 1)
        if found is not None:
            return found, (
                f"Ngày hoàn thành “{clean_spaces(text)[:40]}” chỉ ghi tháng; tạm hiểu là "
                f"{found:%d/%m/%Y}, cần đơn vị ghi rõ ngày."
            )
    dates = {_safe_date(int(y), int(m), int(d)) for d, m, y in _DATE_INSIDE.findall(cleaned)} - {
        None
    }
    if len(dates) == 1:
        found = next(iter(dates))
        return found, (
            f"Ngày hoàn thành “{clean_spaces(text)[:60]}” có thêm chữ; đã lấy ngày "
            f"{found:%d/%m/%Y}."
        )
    return None, ""


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


_EPOCH_1900 = date(1899, 12, 30)
_EPOCH_1904 = date(1904, 1, 1)


def excel_serial_date(serial: float, date1904: bool = False) -> date | None:
    """A date typed as a number (the cell lost its date format); None outside 1990–2100."""
    try:
        value = (_EPOCH_1904 if date1904 else _EPOCH_1900) + timedelta(days=int(serial))
    except (OverflowError, ValueError):
        return None
    return value if 1990 <= value.year <= 2100 else None


def _completed_date(value: Cell, date1904: bool, year: int) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return excel_serial_date(float(value), date1904)
    return parse_date_text(_text(value), year)


# --- documents and expected outputs ----------------------------------------------------------


class DocRef(NamedTuple):
    """A document reference found in an answer: "12/KH-UBND" -> ("12", "KH", "12/KH-UBND")."""

    number: str
    type_code: str
    raw: str


# Folded type code -> canonical code (DOMAIN.md §1). KL and CT also occur in plans' outputs.
_TYPE_CODES: dict[str, str] = {
    "kh": "KH",
    "qd": "QĐ",
    "bc": "BC",
    "tb": "TB",
    "hd": "HD",
    "nq": "NQ",
    "ctr": "CTr",
    "da": "ĐA",
    "ttr": "TTr",
    "kl": "KL",
    "ct": "CT",
}

# Words naming a document type in an expected output or before a number (folded).
_TYPE_WORDS: tuple[tuple[str, str], ...] = (
    ("ke hoach", "KH"),
    ("quyet dinh", "QĐ"),
    ("bao cao", "BC"),
    ("thong bao", "TB"),
    ("huong dan", "HD"),
    ("nghi quyet", "NQ"),
    ("chuong trinh", "CTr"),
    ("de an", "ĐA"),
    ("to trinh", "TTr"),
    ("ket luan", "KL"),
    ("chi thi", "CT"),
    ("cong van", "CV"),
    ("van ban chi dao", "CV"),
    ("van ban don doc", "CV"),
)
# "báo cáo viên" is a person (a reporter), not a Báo cáo.
_NOT_DOCUMENT = re.compile(r"\bbao cao vien\b")

_DOC_NUMBER = re.compile(
    r"(?<![\w/])(\d{1,5}[a-zA-Z]?)\s*/\s*(?:(\d{4})\s*/\s*)?"
    r"([A-Za-zĐđ&]+(?:\s*-\s*[A-Za-zĐđ&0-9]+)*)"
)


def document_numbers(text: str) -> list[DocRef]:
    """Find document numbers in an answer: "Kế hoạch số 12/KH-UBND ngày 05/9/2026" -> KH.

    The type comes from the code after the slash; a number without a type code
    ("125/UBND-VP") is a Công văn ("CV") unless the words just before it name a type.
    """
    text = nfc(text or "")
    refs: list[DocRef] = []
    for match in _DOC_NUMBER.finditer(text):
        number, _year, symbol = match.groups()
        symbol = re.sub(r"\s*-\s*", "-", symbol)
        first = fold(symbol.split("-")[0])
        code = _TYPE_CODES.get(first)
        if code is None:
            before = fold(text[max(0, match.start() - 40) : match.start()])
            code = "CV"
            for word, word_code in _TYPE_WORDS:
                if re.search(rf"\b{word}\s*(so\s*)?$", before):
                    code = word_code
                    break
        raw = re.sub(r"\s*/\s*", "/", match.group(0))
        raw = re.sub(r"\s*-\s*", "-", raw)
        refs.append(DocRef(number, code, raw))
    return refs


def output_types(expected_output_text: str) -> set[str]:
    """Document types an expected output asks for: "Kế hoạch; báo cáo" -> {"KH", "BC"}.

    Only outputs naming a document type need a numbered document as evidence; a "Hội nghị",
    "tin bài", "video", "lớp tập huấn" or "pano" is shown by the result text, not a number.
    """
    key = _NOT_DOCUMENT.sub(" ", fold(nfc(expected_output_text or "")))
    return {code for word, code in _TYPE_WORDS if re.search(rf"\b{word}\b", key)}


def missing_output_types(expected_outputs: list[str], documents_text: str) -> set[str]:
    """Expected document types with no matching number in the answer.

    expected ["Kế hoạch; báo cáo"], documents "12/BC-UBND" -> {"KH"}.
    """
    wanted: set[str] = set()
    for output in expected_outputs:
        wanted |= output_types(output)
    given = {ref.type_code for ref in document_numbers(documents_text)}
    return wanted - given
