"""Check a returned file before any spreadsheet library touches it.

Returned workbooks come by mail from many hands, so they are untrusted: we sniff the real
format from the bytes (never the extension), and bound every cost a parser could be made to
pay (zip bombs, XML entity bombs, sheets claiming a million rows). Everything here reads at
most ``Limits.max_total_uncompressed`` bytes and keeps at most one chunk in memory.

Decision on macros: a workbook with a VBA project (.xlsm, or a macro-enabled content type) is
*accepted with a warning* ("macro_present"). We only ever read cell values with
python-calamine, which never runs code, and rejecting would lose a unit's report because it
picked the wrong "Save as" type.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, NamedTuple

Kind = Literal["xlsx", "xlsm", "xls", "ods", "other"]

MB = 1024 * 1024
_CHUNK = 256 * 1024

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"
ZIP_EMPTY_MAGIC = b"PK\x05\x06"
PDF_MAGIC = b"%PDF"
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"


@dataclass(frozen=True)
class Limits:
    """Ceilings for one returned file; the defaults fit a ward's workbooks a hundred times over."""

    max_file_bytes: int = 50 * MB
    max_total_uncompressed: int = 200 * MB
    max_member_uncompressed: int = 100 * MB
    max_ratio: float = 100.0
    ratio_min_bytes: int = 1 * MB  # small members compress far better than 100:1 legitimately
    max_members: int = 2_000
    max_rows: int = 100_000
    max_columns: int = 1_000


DEFAULT_LIMITS = Limits()


class Concern(NamedTuple):
    """A warning about a file we still read: stable code + Vietnamese message."""

    code: str
    message: str


@dataclass
class FileCheck:
    """What ``inspect_file`` found: the real format, whether we may read it, and why not."""

    path: str
    kind: Kind
    ok: bool
    warnings: list[Concern] = field(default_factory=list)
    reason: str | None = None  # Vietnamese, when not ok
    code: str | None = None  # stable code, when not ok
    size: int = 0
    date1904: bool = False  # workbook uses the Mac 1904 date system (serial numbers shift)
    formula_cells: int = 0  # cells holding formulas (we read cached values only)
    workbook_id: str | None = None  # defined name kehoach_workbook_id, when present

    def reject(self, code: str, reason: str) -> FileCheck:
        self.ok = False
        self.code = code
        self.reason = reason
        return self


class _Reject(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def inspect_file(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> FileCheck:
    """Sniff the real format of a returned file and check it is safe to hand to calamine.

    Never raises for a bad file: a refusal is ``ok=False`` with a code and a Vietnamese reason.
    """
    path = Path(path)
    check = FileCheck(path=str(path), kind="other", ok=True)
    try:
        size = path.stat().st_size
    except OSError as err:
        return check.reject("unreadable", f"Không mở được tệp {path.name}: {err.strerror or err}.")
    check.size = size
    if size > limits.max_file_bytes:
        return check.reject(
            "file_too_large",
            f"Tệp {path.name} quá lớn ({size / MB:.1f} MB, tối đa "
            f"{limits.max_file_bytes / MB:.0f} MB); hãy đề nghị đơn vị gửi lại đúng tệp đã nhận.",
        )
    if size == 0:
        return check.reject("empty_file", f"Tệp {path.name} rỗng (0 byte).")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except OSError as err:
        return check.reject("unreadable", f"Không đọc được tệp {path.name}: {err.strerror or err}.")
    try:
        if head.startswith(ZIP_MAGIC) or head.startswith(ZIP_EMPTY_MAGIC):
            _inspect_zip(path, check, limits)
        elif head.startswith(OLE2_MAGIC):
            _inspect_ole2(path, check, limits)
        elif head.startswith(PDF_MAGIC):
            raise _Reject(
                "not_spreadsheet",
                f"Tệp {path.name} là tệp PDF, không phải bảng tính; "
                "hãy đề nghị đơn vị gửi lại tệp Excel đã nhận.",
            )
        else:
            raise _Reject(
                "not_spreadsheet",
                f"Tệp {path.name} không phải tệp Excel/LibreOffice (.xlsx, .xls, .ods).",
            )
    except _Reject as rej:
        return check.reject(rej.code, rej.message)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as err:
        return check.reject(
            "corrupt_file",
            f"Tệp {path.name} bị hỏng hoặc không trọn vẹn (có thể tải về chưa xong): {err}.",
        )
    except OSError as err:
        return check.reject("unreadable", f"Không đọc được tệp {path.name}: {err}.")
    return check


# --- OLE2 (.xls, encrypted OOXML, .doc) ------------------------------------------------------


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _inspect_ole2(path: Path, check: FileCheck, limits: Limits) -> None:
    # OLE2 directory entries hold UTF-16LE stream names; a bounded scan for them is enough to
    # tell a workbook from a password-protected OOXML package or a Word document.
    wanted = {
        "encrypted": _utf16("EncryptedPackage"),
        "workbook": _utf16("Workbook"),
        "book": _utf16("Book\x00"),
        "word": _utf16("WordDocument"),
        "ppt": _utf16("PowerPoint Document"),
    }
    found: set[str] = set()
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            data = tail + chunk
            for key, needle in wanted.items():
                if key not in found and needle in data:
                    found.add(key)
            tail = data[-64:]
    if "encrypted" in found:
        check.kind = "xlsx"
        raise _Reject(
            "encrypted",
            f"Tệp có mật khẩu ({path.name}); hãy đề nghị đơn vị gỡ mật khẩu rồi gửi lại.",
        )
    if "workbook" in found or "book" in found:
        check.kind = "xls"
        # BIFF FILEPASS record (0x002F) marks an .xls with a password; calamine raises on it.
        return
    if "word" in found:
        raise _Reject(
            "not_spreadsheet",
            f"Tệp {path.name} là văn bản Word (.doc), không phải bảng tính Excel.",
        )
    if "ppt" in found:
        raise _Reject("not_spreadsheet", f"Tệp {path.name} là tệp PowerPoint, không phải Excel.")
    raise _Reject("not_spreadsheet", f"Tệp {path.name} không phải bảng tính Excel hợp lệ.")


# --- zip containers (.xlsx, .xlsm, .ods, and impostors) ---------------------------------------

_TRAVERSAL = re.compile(r"(^|[\\/])\.\.([\\/]|$)")
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="([A-Za-z$]*)(\d*):?([A-Za-z$]*)(\d*)"')
_ROW_NUMBER = re.compile(rb'<row\b[^>]*?\br="(\d{1,9})"')
_ROW_TAG = re.compile(rb"<row[\s>/]")
_CELL_COLUMN = re.compile(rb'<c\b[^>]*?\br="([A-Za-z]{1,4})\d')
_FORMULA = re.compile(rb"<f[\s>/]")
_ODS_ROW = re.compile(rb"<table:table-row[\s>/]")
_BOMB_MARKERS = (b"<!doctype", b"<!entity")
_WORKBOOK_ID = re.compile(
    rb'<definedName\b[^>]*\bname="kehoach_workbook_id"[^>]*>\s*=?\s*(?:&quot;|")?([0-9A-Za-z]{8,64})'
)


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper().replace(b"$", b""):
        number = number * 26 + (ch - 64)
    return number


def _inspect_zip(path: Path, check: FileCheck, limits: Limits) -> None:
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        names = {info.filename for info in infos}
        _check_members(path, infos, limits)
        if "mimetype" in names and "content.xml" in names:
            mimetype = archive.read("mimetype")[:200].strip()
            if mimetype != ODS_MIMETYPE:
                raise _Reject(
                    "not_spreadsheet",
                    f"Tệp {path.name} là tài liệu OpenDocument nhưng không phải bảng tính (.ods).",
                )
            check.kind = "ods"
            manifest = _read_small(archive, "META-INF/manifest.xml", 1 * MB)
            if b"encryption-data" in manifest:
                raise _Reject(
                    "encrypted",
                    f"Tệp có mật khẩu ({path.name}); hãy đề nghị đơn vị gỡ mật khẩu rồi gửi lại.",
                )
        elif "xl/workbook.xml" in names or "xl/workbook.bin" in names:
            if "xl/workbook.bin" in names and "xl/workbook.xml" not in names:
                raise _Reject(
                    "unsupported_format",
                    f"Tệp {path.name} là sổ nhị phân .xlsb; hãy lưu lại dưới dạng .xlsx.",
                )
            check.kind = "xlsx"
            content_types = _read_small(archive, "[Content_Types].xml", 1 * MB)
            if "xl/vbaProject.bin" in names or b"macroEnabled" in content_types:
                check.kind = "xlsm"
                check.warnings.append(
                    Concern(
                        "macro_present",
                        f"Tệp {path.name} có macro (VBA); chỉ đọc số liệu, không chạy macro.",
                    )
                )
            if any(n.startswith("xl/externalLinks/") for n in names):
                check.warnings.append(
                    Concern(
                        "external_links",
                        f"Tệp {path.name} có liên kết tới tệp khác; chỉ đọc giá trị đã lưu, "
                        "không cập nhật liên kết.",
                    )
                )
        elif "word/document.xml" in names:
            raise _Reject(
                "not_spreadsheet",
                f"Tệp {path.name} là văn bản Word (.docx) bị đổi tên, không phải bảng tính Excel.",
            )
        elif "ppt/presentation.xml" in names:
            raise _Reject(
                "not_spreadsheet", f"Tệp {path.name} là tệp PowerPoint, không phải Excel."
            )
        else:
            raise _Reject("not_spreadsheet", f"Tệp {path.name} không phải bảng tính Excel hợp lệ.")
        _scan_xml_members(path, archive, infos, check, limits)


def _check_members(path: Path, infos: list[zipfile.ZipInfo], limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise _Reject(
            "too_many_members",
            f"Tệp {path.name} chứa quá nhiều thành phần ({len(infos)}); không đọc để tránh treo máy.",
        )
    total = 0
    for info in infos:
        name = info.filename
        if name.startswith(("/", "\\")) or _TRAVERSAL.search(name) or re.match(r"^[A-Za-z]:", name):
            raise _Reject(
                "path_traversal",
                f"Tệp {path.name} chứa thành phần có tên nguy hiểm ({name!r}); không đọc.",
            )
        if info.flag_bits & 0x1:
            raise _Reject(
                "encrypted",
                f"Tệp có mật khẩu ({path.name}); hãy đề nghị đơn vị gỡ mật khẩu rồi gửi lại.",
            )
        if info.file_size > limits.max_member_uncompressed:
            raise _bomb(path, name)
        if info.file_size > limits.ratio_min_bytes and info.file_size > limits.max_ratio * max(
            info.compress_size, 1
        ):
            raise _bomb(path, name)
        total += info.file_size
        if total > limits.max_total_uncompressed:
            raise _bomb(path, name)


def _bomb(path: Path, member: str) -> _Reject:
    return _Reject(
        "zip_bomb",
        f"Tệp {path.name} giải nén ra quá lớn (thành phần {member}); "
        "có thể là tệp độc hại, không đọc.",
    )


def _read_small(archive: zipfile.ZipFile, name: str, cap: int) -> bytes:
    try:
        with archive.open(name) as member:
            return member.read(cap)
    except KeyError:
        return b""


def _scan_xml_members(
    path: Path,
    archive: zipfile.ZipFile,
    infos: list[zipfile.ZipInfo],
    check: FileCheck,
    limits: Limits,
) -> None:
    """Decompress every XML part a parser will read, counting real bytes (declared sizes can lie)."""
    budget = limits.max_total_uncompressed
    for info in infos:
        name = info.filename
        lower = name.lower()
        if not lower.endswith((".xml", ".rels", ".vml")):
            continue
        is_sheet = lower.startswith("xl/worksheets/") and lower.endswith(".xml")
        is_ods_content = check.kind == "ods" and lower == "content.xml"
        used = _scan_member(path, archive, info, check, limits, budget, is_sheet, is_ods_content)
        budget -= used


def _scan_member(
    path: Path,
    archive: zipfile.ZipFile,
    info: zipfile.ZipInfo,
    check: FileCheck,
    limits: Limits,
    budget: int,
    is_sheet: bool,
    is_ods_content: bool,
) -> int:
    name = info.filename
    seen = 0
    rows = 0
    max_row = 0
    max_col = 0
    tail = b""
    first = True
    is_workbook = name == "xl/workbook.xml"
    with archive.open(info) as member:
        while chunk := member.read(_CHUNK):
            seen += len(chunk)
            if seen > limits.max_member_uncompressed or seen > budget:
                raise _bomb(path, name)
            data = tail + chunk
            lowered = data.lower()
            # An XML entity bomb needs a DTD; no part of an OOXML/ODF file ever has one.
            if any(marker in lowered for marker in _BOMB_MARKERS):
                raise _Reject(
                    "xml_entity",
                    f"Tệp {path.name} chứa khai báo XML nguy hiểm (DOCTYPE/ENTITY) trong {name}; "
                    "không đọc.",
                )
            if first and is_sheet:
                first = False
                dim = _DIMENSION.search(data)
                if dim:
                    bottom = int(dim.group(4) or dim.group(2) or 0)
                    right = _column_number(dim.group(3) or dim.group(1) or b"A")
                    _check_size(path, bottom, right, limits)
            if is_sheet:
                # Count only in the new part (tail is re-scanned for markers that straddle chunks).
                fresh = chunk
                rows += len(_ROW_TAG.findall(fresh))
                numbers = _ROW_NUMBER.findall(data)
                if numbers:
                    max_row = max(max_row, max(int(n) for n in numbers))
                columns = _CELL_COLUMN.findall(data)
                if columns:
                    max_col = max(max_col, max(_column_number(c) for c in set(columns)))
                _check_size(path, max(rows, max_row), max_col, limits)
                check.formula_cells += len(_FORMULA.findall(fresh))
            elif is_ods_content:
                rows += len(_ODS_ROW.findall(chunk))
                _check_size(path, rows, 0, limits)
            elif is_workbook:
                if b'date1904="1"' in data or b'date1904="true"' in data:
                    check.date1904 = True
                found = _WORKBOOK_ID.search(data)
                if found:
                    check.workbook_id = found.group(1).decode("ascii")
            tail = data[-128:]
    return seen


def _check_size(path: Path, rows: int, columns: int, limits: Limits) -> None:
    if rows > limits.max_rows or columns > limits.max_columns:
        raise _Reject(
            "sheet_too_large",
            f"Tệp {path.name} có trang tính quá lớn ({rows:,} dòng, {columns:,} cột; tối đa "
            f"{limits.max_rows:,} dòng); không đọc để tránh treo máy.".replace(",", "."),
        )
