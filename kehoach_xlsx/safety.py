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

import io
import re
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Literal, NamedTuple

Kind = Literal["xlsx", "xlsm", "xls", "ods", "other"]

MB = 1024 * 1024

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
    max_rows: int = 100_000  # bottom of the cells that hold something (empty rows are free)
    max_columns: int = 1_000
    max_cells: int = 500_000  # cells holding a value, per sheet
    max_shared_strings: int = 1_000_000
    # For the isolated reader (kehoach_xlsx.isolate): per-file wall time, and the address
    # space of a reading process where the system can bound it (not on Windows).
    max_seconds: float = 60.0
    max_memory: int = 768 * MB


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
    # Parts whose declared counts or dimension claim more than they hold: the claim is
    # removed before any reader sees the part (see ``safe_content``).
    false_claims: list[str] = field(default_factory=list)

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


def inspect_file(
    path: str | Path, limits: Limits = DEFAULT_LIMITS, content: bytes | None = None
) -> FileCheck:
    """Sniff the real format of a returned file and check it is safe to hand to calamine.

    Never raises for a bad file: a refusal is ``ok=False`` with a code and a Vietnamese reason.
    ``content`` may pass the file's bytes when the caller already read them (no second read).
    """
    path = Path(path)
    check = FileCheck(path=str(path), kind="other", ok=True)
    if content is None:
        try:
            size = path.stat().st_size
        except OSError as err:
            return check.reject(
                "unreadable", f"Không mở được tệp {path.name}: {err.strerror or err}."
            )
        if size <= limits.max_file_bytes:
            try:
                content = path.read_bytes()
            except OSError as err:
                return check.reject(
                    "unreadable", f"Không đọc được tệp {path.name}: {err.strerror or err}."
                )
    else:
        size = len(content)
    check.size = size
    if size > limits.max_file_bytes:
        return check.reject(
            "file_too_large",
            f"Tệp {path.name} quá lớn ({size / MB:.1f} MB, tối đa "
            f"{limits.max_file_bytes / MB:.0f} MB); hãy đề nghị đơn vị gửi lại đúng tệp đã nhận.",
        )
    assert content is not None
    if size == 0:
        return check.reject("empty_file", f"Tệp {path.name} rỗng (0 byte).")
    head = content[:8]
    try:
        if head.startswith(ZIP_MAGIC) or head.startswith(ZIP_EMPTY_MAGIC):
            _inspect_zip(path, content, check, limits)
        elif head.startswith(OLE2_MAGIC):
            _inspect_ole2(path, content, check)
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
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, struct.error) as err:
        return check.reject(
            "corrupt_file",
            f"Tệp {path.name} bị hỏng hoặc không trọn vẹn (có thể tải về chưa xong): {err}.",
        )
    return check


# --- OLE2 (.xls, encrypted OOXML, .doc) ------------------------------------------------------


def _utf16(name: str) -> bytes:
    return name.encode("utf-16-le")


def _inspect_ole2(path: Path, content: bytes, check: FileCheck) -> None:
    # OLE2 directory entries hold UTF-16LE stream names; looking for them is enough to tell a
    # workbook from a password-protected OOXML package or a Word document.
    def has(name: str) -> bool:
        return _utf16(name) in content

    if has("EncryptedPackage"):
        check.kind = "xlsx"
        raise _Reject(
            "encrypted",
            f"Tệp có mật khẩu ({path.name}); hãy đề nghị đơn vị gỡ mật khẩu rồi gửi lại.",
        )
    if has("Workbook") or has("Book\x00"):
        check.kind = "xls"
        return  # an .xls with a password (FILEPASS record) makes calamine raise PasswordError
    if has("WordDocument"):
        raise _Reject(
            "not_spreadsheet",
            f"Tệp {path.name} là văn bản Word (.doc), không phải bảng tính Excel.",
        )
    if has("PowerPoint Document"):
        raise _Reject("not_spreadsheet", f"Tệp {path.name} là tệp PowerPoint, không phải Excel.")
    raise _Reject("not_spreadsheet", f"Tệp {path.name} không phải bảng tính Excel hợp lệ.")


# --- zip containers (.xlsx, .xlsm, .ods, and impostors) ---------------------------------------

# An absolute path, a drive letter or a ".." segment: a name that could escape a folder.
_DANGEROUS_NAME = re.compile(r"^[/\\]|^[A-Za-z]:|(^|[\\/])\.\.([\\/]|$)")
_DIMENSION = re.compile(rb'<dimension\b[^>]*\bref="([A-Za-z$]*)(\d*):?([A-Za-z$]*)(\d*)"')
_FORMULA = re.compile(rb"<f[\s>/]")
_ODS_ROW = b"<table:table-row"
_WORKBOOK_ID = re.compile(
    rb'<definedName\b[^>]*\bname="kehoach_workbook_id"[^>]*>\s*=?\s*(?:&quot;|")?([0-9A-Za-z]{8,64})'
)
# A cell or row reference `r="XFD1048576"` (see _SheetScan for the cheap layers before it).
# Any case, either quote, spaces around "=": python-calamine accepts all of them. A match
# preceded by a name character is another attribute ("xmlns:r", "attr"): see _is_r_attribute.
_REF = re.compile(rb"""r\s*+=\s*+["']([A-Za-z]*+)(\d*+)""")
_NAME_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_:.-")
_PROLOG_BYTES = 1024
_XML_SUFFIXES = (".xml", ".rels", ".vml")
# Parts python-calamine never opens (nor do we): docProps/*, the theme, custom XML.
_UNREAD_PARTS = ("docprops/", "xl/theme/", "customxml/")
_INFLATE_CHUNK = 1 * MB
_SMALL_COMPRESSED = 16 * 1024  # inflates to at most ~16 MB: a prolog check is enough


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters.upper().replace(b"$", b""):
        number = number * 26 + (ch - 64)
    return number


class _Member(NamedTuple):
    """The central-directory fields we check (the same names as ``zipfile.ZipInfo``)."""

    filename: str
    flag_bits: int
    compress_type: int
    compress_size: int
    file_size: int
    header_offset: int


_EOCD = struct.Struct("<4s4H2LH")
_CENTRAL = struct.Struct("<4s4B4HL2L5H2L")
_EOCD_MAGIC = b"PK\x05\x06"
_CENTRAL_MAGIC = b"PK\x01\x02"
_ZIP64_LOCATOR_MAGIC = b"PK\x06\x07"


_Info = _Member | zipfile.ZipInfo


def _zip_members(content: bytes) -> list[_Info]:
    """The zip's central directory, read straight from the bytes.

    ``zipfile.ZipFile`` builds a ZipInfo per member with work we never use; this plain
    struct walk costs a fifth of that. Anything unusual (zip64, data before the archive,
    several disks) goes to ``zipfile``, which knows every variant, so both agree on names.
    """
    end = len(content) - _EOCD.size
    if end < 0:
        raise zipfile.BadZipFile("tệp quá ngắn")
    if content[end : end + 4] != _EOCD_MAGIC:  # a zip comment follows the end record
        end = content.rfind(_EOCD_MAGIC, max(0, end - 0xFFFF), end)
        if end < 0:
            raise zipfile.BadZipFile("không thấy mục lục zip")
    _sig, disk, cd_disk, _on_disk, count, cd_size, cd_offset, _comment = _EOCD.unpack_from(
        content, end
    )
    zip64 = end >= 20 and content[end - 20 : end - 16] == _ZIP64_LOCATOR_MAGIC
    if zip64 or disk or cd_disk or count == 0xFFFF or cd_offset + cd_size != end:
        return list(zipfile.ZipFile(io.BytesIO(content)).infolist())
    members: list[_Info] = []
    pos = cd_offset
    unpack = _CENTRAL.unpack_from
    for _ in range(count):
        if content[pos : pos + 4] != _CENTRAL_MAGIC:
            raise zipfile.BadZipFile("mục lục zip bị hỏng")
        fields = unpack(content, pos)
        flags, method, csize, usize = fields[5], fields[6], fields[10], fields[11]
        name_len, extra_len, comment_len, offset = fields[12], fields[13], fields[14], fields[18]
        if 0xFFFFFFFF in (csize, usize, offset):  # sizes or offset live in a zip64 extra
            return list(zipfile.ZipFile(io.BytesIO(content)).infolist())
        start = pos + _CENTRAL.size
        raw = content[start : start + name_len]
        name = raw.decode("utf-8" if flags & 0x800 else "cp437")
        if "\0" in name:  # zipfile (and so every reader) stops a name at NUL
            name = name[: name.index("\0")]
        members.append(_Member(name, flags, method, csize, usize, offset))
        pos = start + name_len + extra_len + comment_len
    if pos > end:
        raise zipfile.BadZipFile("mục lục zip bị hỏng")
    return members


def _inspect_zip(path: Path, content: bytes, check: FileCheck, limits: Limits) -> None:
    infos = _zip_members(content)
    by_name = {info.filename: info for info in infos}
    names = by_name.keys()
    _check_members(path, infos, limits)
    if "mimetype" in names and "content.xml" in names:
        mimetype = _head(path, content, by_name["mimetype"], 200).strip()
        if mimetype != ODS_MIMETYPE:
            raise _Reject(
                "not_spreadsheet",
                f"Tệp {path.name} là tài liệu OpenDocument nhưng không phải bảng tính (.ods).",
            )
        check.kind = "ods"
        if "META-INF/manifest.xml" in names:
            manifest = _head(path, content, by_name["META-INF/manifest.xml"], 1 * MB)
            if b"encryption-data" in manifest:
                raise _Reject(
                    "encrypted",
                    f"Tệp có mật khẩu ({path.name}); hãy đề nghị đơn vị gỡ mật khẩu rồi gửi lại.",
                )
    elif "xl/workbook.xml" in names:
        check.kind = "xlsx"
        types = b""
        if "[Content_Types].xml" in names:
            types = _head(path, content, by_name["[Content_Types].xml"], 1 * MB)
        if "xl/vbaProject.bin" in names or b"macroEnabled" in types:
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
    elif "xl/workbook.bin" in names:
        raise _Reject(
            "unsupported_format",
            f"Tệp {path.name} là sổ nhị phân .xlsb; hãy lưu lại dưới dạng .xlsx.",
        )
    elif "word/document.xml" in names:
        raise _Reject(
            "not_spreadsheet",
            f"Tệp {path.name} là văn bản Word (.docx) bị đổi tên, không phải bảng tính Excel.",
        )
    elif "ppt/presentation.xml" in names:
        raise _Reject("not_spreadsheet", f"Tệp {path.name} là tệp PowerPoint, không phải Excel.")
    else:
        raise _Reject("not_spreadsheet", f"Tệp {path.name} không phải bảng tính Excel hợp lệ.")
    _scan_xml_members(path, content, infos, check, limits)


def _check_members(path: Path, infos: list[_Info], limits: Limits) -> None:
    if len(infos) > limits.max_members:
        raise _Reject(
            "too_many_members",
            f"Tệp {path.name} chứa quá nhiều thành phần ({len(infos)}); không đọc để tránh treo máy.",
        )
    total = 0
    for info in infos:
        name = info.filename
        if _DANGEROUS_NAME.search(name):
            raise _Reject(
                "path_traversal",
                f"Tệp {path.name} chứa thành phần có tên nguy hiểm ({name!r}); không đọc.",
            )
        if info.flag_bits & 0x1:
            raise _Reject(
                "encrypted",
                f"Tệp có mật khẩu ({path.name}); hãy đề nghị đơn vị gỡ mật khẩu rồi gửi lại.",
            )
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Reject(
                "unsupported_format",
                f"Tệp {path.name} dùng kiểu nén lạ cho {name}; hãy mở và lưu lại bằng Excel.",
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


def _member_data(content: bytes, info: _Info) -> memoryview:
    """The compressed bytes of one member, located through its local header."""
    offset = info.header_offset
    if content[offset : offset + 4] != ZIP_MAGIC:
        raise zipfile.BadZipFile(f"sai tiêu đề thành phần {info.filename}")
    name_len, extra_len = struct.unpack("<HH", content[offset + 26 : offset + 30])
    start = offset + 30 + name_len + extra_len
    data = memoryview(content)[start : start + info.compress_size]
    if len(data) != info.compress_size:
        raise zipfile.BadZipFile(f"thành phần {info.filename} bị cắt cụt")
    return data


def _inflate(
    path: Path, content: bytes, info: _Info, cap: int, stop_after: int | None = None
) -> Iterator[bytes]:
    """Yield a member's inflated bytes chunk by chunk; raise zip_bomb past ``cap`` real bytes.

    Real sizes are counted here because the sizes a zip declares can lie.
    """
    data = _member_data(content, info)
    seen = 0
    if info.compress_type == zipfile.ZIP_STORED:
        for start in range(0, len(data), _INFLATE_CHUNK):
            chunk = bytes(data[start : start + _INFLATE_CHUNK])
            seen += len(chunk)
            if seen > cap:
                raise _bomb(path, info.filename)
            yield chunk
            if stop_after is not None and seen >= stop_after:
                return
        return
    inflater = zlib.decompressobj(-15)
    pending: bytes | memoryview = data
    step = min(_INFLATE_CHUNK, stop_after) if stop_after else _INFLATE_CHUNK
    while True:
        chunk = inflater.decompress(pending, step)
        pending = inflater.unconsumed_tail
        if chunk:
            seen += len(chunk)
            if seen > cap:
                raise _bomb(path, info.filename)
            yield chunk
            if stop_after is not None and seen >= stop_after:
                return
        if inflater.eof or (not chunk and not pending):
            return


def _head(path: Path, content: bytes, info: _Info, size: int) -> bytes:
    return b"".join(_inflate(path, content, info, max(size, _INFLATE_CHUNK), size))[:size]


def _scan_xml_members(
    path: Path,
    content: bytes,
    infos: list[_Info],
    check: FileCheck,
    limits: Limits,
) -> None:
    """Check every XML part a parser will read.

    Worksheets (and ODS content.xml) are inflated in full: their real size and every cell
    that holds something count. Other parts are inflated in full when their compressed size
    could hide a bomb, else only their first KB (the prolog, where a DTD would be) is read.
    Parts no reader opens (document properties, the theme) are left to the directory checks
    above: a DTD there is inert, and skipping them saves a tenth of the check.
    """
    budget = limits.max_total_uncompressed
    for info in infos:
        lower = info.filename.lower()
        if not lower.endswith(_XML_SUFFIXES) or lower.startswith(_UNREAD_PARTS):
            continue
        is_sheet = lower.startswith("xl/worksheets/")
        is_ods_content = check.kind == "ods" and lower == "content.xml"
        is_workbook = lower == "xl/workbook.xml"
        if lower == "xl/sharedstrings.xml":
            _check_shared_strings(path, content, info, check, limits)
        full = is_sheet or is_ods_content or is_workbook or info.compress_size > _SMALL_COMPRESSED
        if not full:
            _check_prolog(path, info, _prolog(content, info))
            continue
        cap = min(limits.max_member_uncompressed, budget)
        sheet = _SheetScan(path, info.filename, limits) if is_sheet else None
        ods_rows = 0
        keep = _SHEET_OVERLAP if sheet is not None else 64
        tail = b""
        first = True
        for chunk in _inflate(path, content, info, cap):
            budget -= len(chunk)
            data = tail + chunk if tail else chunk
            if first:
                _check_prolog(path, info, data[:_PROLOG_BYTES])
                first = False
                if is_workbook:
                    _read_workbook_xml(data, check)
            elif b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                _raise_entity(path, info)
            if sheet is not None:
                sheet.feed(data, check, max(len(data) - keep, 0))
            elif is_ods_content:
                ods_rows += chunk.count(_ODS_ROW)
                if ods_rows > limits.max_rows:
                    _raise_size(path, ods_rows, 0, limits)
                _check_ods_repeats(path, data, limits)
            tail = data[-keep:]
        if sheet is not None and tail:
            sheet.feed(tail, check, len(tail))


def _check_shared_strings(
    path: Path, content: bytes, info: _Info, check: FileCheck, limits: Limits
) -> None:
    """A shared-string table claiming more strings than it can hold is not believed.

    python-calamine reserves room for ``uniqueCount`` strings before reading one (a claim of
    2,147,483,647 asks for 51 GB and aborts the process). Every ``<si>`` takes at least five
    bytes, so a claim above a fifth of the part's size, or above ``max_shared_strings``, is
    false: the claim is dropped before reading (``safe_content``), the strings still count.
    """
    head = _prolog(content, info)  # the start tag is in the first KB of every real file
    tag = _SST_TAG.search(head)
    if tag is None:
        head = _head(path, content, info, 64 * 1024)
        tag = _SST_TAG.search(head)
    if tag is None:
        return
    ceiling = min(max(info.file_size, len(head)) // 5, limits.max_shared_strings)
    for claim in _COUNT_ATTR.finditer(tag.group(0)):
        if int(claim.group(2)) > ceiling:
            check.false_claims.append(info.filename)
            check.warnings.append(
                Concern(
                    "false_count",
                    f"Tệp {path.name} khai báo số lượng chuỗi không đúng thực tế "
                    f"({_n(int(claim.group(2)))}); đã bỏ qua khai báo đó khi đọc.",
                )
            )
            return


_ODS_REPEAT = re.compile(rb'number-(rows|columns)-repeated\s*=\s*["\'](\d+)')


def _check_ods_repeats(path: Path, data: bytes, limits: Limits) -> None:
    """A repeat count is a claim the reader honours: rows or cells repeated past the limits
    are refused when they hold a value. LibreOffice repeats only empty rows and cells that
    far (the rest of the sheet); a row cut by the chunk's end is judged by what is seen
    (the reading process's limits stand behind that)."""
    for match in _ODS_REPEAT.finditer(data):
        count = int(match.group(2))
        rows = match.group(1) == b"rows"
        if count <= (limits.max_rows if rows else limits.max_columns):
            continue
        start = data.rfind(b"<", 0, match.start())
        tag_end = data.find(b">", match.end())
        if rows:
            end = data.find(b"</table:table-row>", match.end())
        elif tag_end > 0 and data[tag_end - 1] == 0x2F:  # "/>": a cell with no content
            end = tag_end
        else:
            end = data.find(b"</table:table-cell>", match.end())
        scope = data[max(start, 0) : end if end >= 0 else len(data)]
        if b"value-type" in scope or b"<text:" in scope:
            _raise_size(path, count if rows else 0, 0 if rows else count, limits)


_SST_TAG = re.compile(rb"<(?:\w+:)?sst\b[^>]*>")
_COUNT_ATTR = re.compile(rb"""\b(count|uniqueCount)\s*=\s*["']\s*(\d{1,30})""")
_SHEET_OVERLAP = 2048  # bytes carried into the next chunk so one cell is never cut in two


def _prolog(content: bytes, info: _Info) -> bytes:
    """The first KB of a member, inflated in one call (the cheap check for a DTD)."""
    data = _member_data(content, info)
    if info.compress_type == zipfile.ZIP_STORED:
        return bytes(data[:_PROLOG_BYTES])
    return zlib.decompressobj(-15).decompress(data[: _PROLOG_BYTES * 2], _PROLOG_BYTES)


def _check_prolog(path: Path, info: _Info, head: bytes) -> None:
    # An XML entity bomb needs a DTD; no part of an OOXML or ODF file ever has one.
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head or b"<!doctype" in head.lower():
        _raise_entity(path, info)


def _raise_entity(path: Path, info: _Info) -> None:
    raise _Reject(
        "xml_entity",
        f"Tệp {path.name} chứa khai báo XML nguy hiểm (DOCTYPE/ENTITY) trong {info.filename}; "
        "không đọc.",
    )


def _read_workbook_xml(data: bytes, check: FileCheck) -> None:
    """The 1904 date system flag and our workbook id, from the first chunk of workbook.xml."""
    check.date1904 = b'date1904="1"' in data or b'date1904="true"' in data
    found = _WORKBOOK_ID.search(data)
    if found:
        check.workbook_id = found.group(1).decode("ascii")


@lru_cache(maxsize=8)
def _suspect_pattern(digits: int) -> re.Pattern[bytes]:
    # Starts with a literal "r" (a fast scan); a lookbehind for the name boundary would make
    # the regex engine try every position, twenty times slower.
    return re.compile(rb"""r\s*+=\s*+["'](?:[A-Za-z]{3}|[A-Za-z]{0,2}+\d{%d})""" % digits)


def _is_r_attribute(data: bytes, match: re.Match[bytes]) -> bool:
    """True when the matched "r=" is the attribute r itself (also "x:r"), not "xmlns:r"."""
    start = match.start()
    if start == 0 or data[start - 1] not in _NAME_BYTES:
        return True
    if data[start - 1] != 0x3A:  # ":" -- another attribute ending in r ("attr")
        return False
    prefix_start = start - 1
    while prefix_start > 0 and data[prefix_start - 1] in _NAME_BYTES:
        prefix_start -= 1
    return data[prefix_start : start - 1] not in (b"xmlns", b"")


def _far_cell_holds_content(data: bytes, match: re.Match[bytes]) -> bool:
    """Whether a far-away reference positions a cell that holds something.

    LibreOffice writes an empty ``<row r="1048576">`` after a row is deleted (see
    LIBREOFFICE.md); empty rows and empty cells cost a reader nothing, so only a ``<c>``
    with a value, an inline string or a formula counts. When the element cannot be seen
    whole in this chunk the answer is yes (the cautious one).
    """
    start = match.start()
    opening = data.rfind(b"<", max(0, start - 512), start)
    if opening < 0:
        return True
    name = re.match(rb"<\s*([\w.:-]+)", data[opening:start])
    if name is None:
        return True
    local = name.group(1).rsplit(b":", 1)[-1]
    if local != b"c":
        return False  # a row, or any element a reader does not take as a cell
    end = data.find(b">", match.end())
    if end < 0:
        return True
    if data[end - 1] == 0x2F:  # "/>": an empty cell
        return False
    close = data.find(b"c>", end)
    if close < 0:
        return True
    body = data[end + 1 : close]
    return b"<v" in body or b"is>" in body or b"<f" in body or b":v" in body or b":f" in body


# Every digit becomes "0", every letter "A" and ' becomes ": then a reference value starting
# with three letters, or a long number, is a plain substring search (a third of a regex).
_CHAR_CLASSES = bytes.maketrans(
    b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'",
    b"0" * 10 + b"A" * 52 + b'"',
)


class _SheetScan:
    """Running bounds of one worksheet's XML, fed chunk by chunk.

    Size is judged by the cells that hold something: how many there are, and how far out
    the farthest is. Empty rows and a declared dimension are claims that cost a reader
    nothing; a dimension beyond the limits is dropped before reading (``false_claims``).
    """

    def __init__(self, path: Path, member: str, limits: Limits) -> None:
        self.path = path
        self.member = member
        self.limits = limits
        self.cells = 0
        self.first = True
        digits = len(str(limits.max_rows))
        # Cheap layers first, each letting through a superset of what the next must see: no
        # attribute value starting with three letters and no run of `digits` digits in the
        # cell data (one translate, two substring searches), else no `r` reference with a
        # three-letter column (AAA = 703 and beyond) or a row number as long as the limit
        # (one regex pass); only a sheet failing both has every reference measured.
        self.long_number = b"0" * digits
        self.suspect = _suspect_pattern(digits)

    def feed(self, data: bytes, check: FileCheck, limit: int) -> None:
        """Scan ``data``; matches starting at ``limit`` or later come again with the next chunk."""
        limits = self.limits
        start = 0
        if self.first:
            self.first = False
            dim = _DIMENSION.search(data)
            if dim:
                bottom = int(dim.group(4) or dim.group(2) or 0)
                right = _column_number(dim.group(3) or dim.group(1) or b"A")
                if bottom > limits.max_rows or right > limits.max_columns:
                    check.false_claims.append(self.member)
            # python-calamine reads cells inside <sheetData> only; the head before it holds
            # namespace URLs and Excel's GUIDs, which would wake the slower layers for nothing.
            # (A hostile cell outside <sheetData> is ignored by the reader: tested.)
            start = max(data.find(b"<sheetData"), 0)
        # Cells holding a value, an inline string: "<v>", "<x:v>", "<is>" (a bound).
        self.cells += data.count(b"v>", 0, limit) + data.count(b"<is", 0, limit)
        if self.cells > limits.max_cells * 2:  # "<v>" and "</v>" both count
            _raise_cells(self.path, self.cells // 2, limits)
        if limits.max_columns < 703 or self._maybe_far(data, start):
            for match in _REF.finditer(data, 0, limit + 64):
                if match.start() >= limit or not _is_r_attribute(data, match):
                    continue
                letters, number = match.groups()
                row, col = int(number or 0), _column_number(letters) if letters else 0
                if (row > limits.max_rows or col > limits.max_columns) and (
                    _far_cell_holds_content(data, match)
                ):
                    _raise_size(self.path, row, col, limits)
        if b"<f" in data:
            check.formula_cells += len(_FORMULA.findall(data, 0, limit))

    def _maybe_far(self, data: bytes, start: int) -> bool:
        # Up to the last </sheetData> only: page setup after it says "landscape" and such.
        end = data.rfind(b"</sheetData>")
        region = data[start:end] if end >= 0 else data[start:] if start else data
        classes = region.translate(_CHAR_CLASSES)
        if b'"AAA' not in classes and self.long_number not in classes:
            return False
        return any(_is_r_attribute(data, m) for m in self.suspect.finditer(data))


def _raise_cells(path: Path, cells: int, limits: Limits) -> None:
    raise _Reject(
        "sheet_too_large",
        f"Tệp {path.name} có trang tính quá nhiều ô có nội dung (hơn {_n(cells)} ô; tối đa "
        f"{_n(limits.max_cells)}); không đọc để tránh treo máy.",
    )


def _raise_size(path: Path, rows: int, columns: int, limits: Limits) -> None:
    raise _Reject(
        "sheet_too_large",
        f"Tệp {path.name} có ô có nội dung ở quá xa (dòng {_n(rows)}, cột {_n(columns)}; tối đa "
        f"{_n(limits.max_rows)} dòng, {_n(limits.max_columns)} cột); không đọc để tránh treo máy.",
    )


def _n(number: int) -> str:
    """A count the Vietnamese way: 1.048.576."""
    return f"{number:,}".replace(",", ".")


# --- removing false claims -------------------------------------------------------------------

_DIMENSION_ELEMENT = re.compile(rb"<(?:\w+:)?dimension\b[^>]*/>")
_COUNT_ATTR_WHOLE = re.compile(rb"""\s(?:count|uniqueCount)\s*=\s*(["'])[^"']*\1""")
_HEAD_BYTES = 64 * 1024  # the claims sit in a part's first element or two


def safe_content(content: bytes, check: FileCheck) -> bytes:
    """The file's bytes with every false claim ``inspect_file`` found removed.

    A shared-string table loses its ``count``/``uniqueCount`` and a sheet its
    ``<dimension>``: both are optional, and readers then size by what they really read.
    Without false claims (nearly every file) the same bytes come back, untouched.
    """
    if not check.false_claims:
        return content
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(content)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target,
    ):
        for info in source.infolist():
            data = source.read(info)
            if info.filename in check.false_claims:
                head = _DIMENSION_ELEMENT.sub(b"", data[:_HEAD_BYTES], count=1)
                head = _SST_TAG.sub(lambda m: _COUNT_ATTR_WHOLE.sub(b"", m.group(0)), head, count=1)
                data = head + data[_HEAD_BYTES:]
            target.writestr(info.filename, data)
    return out.getvalue()
