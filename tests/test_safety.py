"""Hostile returned files: each is refused (or accepted with a warning) quickly, never crashes."""

from __future__ import annotations

import io
import re
import time
import zipfile
from pathlib import Path

import pytest
import xlsxwriter

from kehoach_xlsx.returns import FailedFile, ReturnedBook, read_returned_books
from kehoach_xlsx.safety import OLE2_MAGIC, Limits, inspect_file, safe_content

MB = 1024 * 1024


def make_xlsx(path: Path) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Báo cáo")
    for col, text in enumerate(["STT", "Mã NV", "Nhiệm vụ", "Tình trạng"]):
        sheet.write_string(0, col, text)
    sheet.write_string(1, 1, "B.I.1")
    sheet.write_string(1, 3, "Đã hoàn thành")
    book.close()
    return path


def rewrite_zip(src: Path, dst: Path, replace: dict[str, bytes], extra: dict[str, bytes]) -> Path:
    """Copy an xlsx, replacing or adding members (the way a hostile sender would craft one)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data)
        for name, data in extra.items():
            zout.writestr(name, data)
    return dst


def zip_bomb(path: Path, size: int = 300 * MB) -> Path:
    """A valid-looking xlsx whose sheet1.xml inflates to `size` bytes of zeros (streamed)."""
    src = make_xlsx(path.with_name("base.xlsx"))
    chunk = b"\0" * MB
    with (
        zipfile.ZipFile(src) as zin,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout,
    ):
        for info in zin.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with zout.open(info.filename, "w", force_zip64=True) as member:
                    for _ in range(size // MB):
                        member.write(chunk)
            else:
                zout.writestr(info.filename, zin.read(info.filename))
    return path


def assert_fast(started: float, limit: float = 5.0) -> None:
    assert time.monotonic() - started < limit


def test_plain_xlsx_ok(tmp_path: Path) -> None:
    check = inspect_file(make_xlsx(tmp_path / "a.xlsx"))
    assert (check.ok, check.kind, check.warnings, check.date1904) == (True, "xlsx", [], False)


def test_zip_bomb_rejected(tmp_path: Path) -> None:
    path = zip_bomb(tmp_path / "bomb.xlsx")
    assert path.stat().st_size < 2 * MB
    started = time.monotonic()
    check = inspect_file(path)
    assert_fast(started)
    assert not check.ok and check.code == "zip_bomb"
    assert "giải nén ra quá lớn" in check.reason


def test_lying_sizes_are_caught_while_inflating(tmp_path: Path) -> None:
    # Declared sizes within limits, but the stream inflates past the per-member cap.
    path = zip_bomb(tmp_path / "bomb.xlsx", size=8 * MB)
    limits = Limits(max_member_uncompressed=4 * MB, max_ratio=10_000)
    with zipfile.ZipFile(path) as archive:
        assert archive.getinfo("xl/worksheets/sheet1.xml").file_size == 8 * MB
    check = inspect_file(path, limits)
    assert check.code == "zip_bomb"


def test_billion_laughs_rejected(tmp_path: Path) -> None:
    laughs = (
        b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
        b"<sst><si><t>&lol3;</t></si></sst>"
    )
    src = make_xlsx(tmp_path / "base.xlsx")
    path = rewrite_zip(src, tmp_path / "lol.xlsx", {"xl/sharedStrings.xml": laughs}, {})
    check = inspect_file(path)
    assert not check.ok and check.code == "xml_entity"
    assert "DOCTYPE" in check.reason


def test_truncated_zip_rejected(tmp_path: Path) -> None:
    data = make_xlsx(tmp_path / "base.xlsx").read_bytes()
    path = tmp_path / "cut.xlsx"
    path.write_bytes(data[: len(data) // 2])
    check = inspect_file(path)
    assert not check.ok and check.code == "corrupt_file"
    assert "không trọn vẹn" in check.reason


def test_renamed_docx_rejected(tmp_path: Path) -> None:
    path = tmp_path / "baocao.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    check = inspect_file(path)
    assert (check.ok, check.code) == (False, "not_spreadsheet")
    assert "Word" in check.reason


def test_renamed_pdf_rejected(tmp_path: Path) -> None:
    path = tmp_path / "baocao.xlsx"
    path.write_bytes(b"%PDF-1.7\n" + b"x" * 100)
    check = inspect_file(path)
    assert (check.ok, check.code) == (False, "not_spreadsheet")
    assert "PDF" in check.reason


def ole2(names: list[str]) -> bytes:
    """An OLE2 header plus directory-entry names (all the sniffing looks at)."""
    body = b"".join(name.encode("utf-16-le").ljust(128, b"\0") for name in names)
    return OLE2_MAGIC + b"\0" * 504 + body


def test_ole2_workbook_is_xls(tmp_path: Path) -> None:
    path = tmp_path / "old.xls"
    path.write_bytes(ole2(["Root Entry", "Workbook"]))
    check = inspect_file(path)
    assert (check.ok, check.kind) == (True, "xls")


def test_encrypted_ooxml_rejected(tmp_path: Path) -> None:
    path = tmp_path / "locked.xlsx"
    path.write_bytes(ole2(["Root Entry", "EncryptionInfo", "EncryptedPackage"]))
    check = inspect_file(path)
    assert (check.ok, check.code) == (False, "encrypted")
    assert "tệp có mật khẩu" in check.reason.lower()


def test_ole2_word_document_rejected(tmp_path: Path) -> None:
    path = tmp_path / "doc.xls"
    path.write_bytes(ole2(["Root Entry", "WordDocument"]))
    check = inspect_file(path)
    assert (check.ok, check.code) == (False, "not_spreadsheet")


def test_ole2_garbage_fails_in_reader_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "fake.xls"
    path.write_bytes(ole2(["Root Entry", "Workbook"]))
    [result] = read_returned_books([path])
    assert isinstance(result, FailedFile) and result.code == "corrupt_file"


def test_xlsm_accepted_with_warning(tmp_path: Path) -> None:
    src = make_xlsx(tmp_path / "base.xlsx")
    path = rewrite_zip(src, tmp_path / "macro.xlsm", {}, {"xl/vbaProject.bin": b"\0" * 64})
    check = inspect_file(path)
    assert (check.ok, check.kind) == (True, "xlsm")
    assert [w.code for w in check.warnings] == ["macro_present"]
    assert "không chạy macro" in check.warnings[0].message
    [book] = read_returned_books([path])
    assert isinstance(book, ReturnedBook) and book.rows[0].status == "done"
    assert [w.code for w in book.warnings] == ["macro_present"]


def test_external_links_warned(tmp_path: Path) -> None:
    src = make_xlsx(tmp_path / "base.xlsx")
    path = rewrite_zip(
        src, tmp_path / "links.xlsx", {}, {"xl/externalLinks/externalLink1.xml": b"<e/>"}
    )
    check = inspect_file(path)
    assert check.ok and [w.code for w in check.warnings] == ["external_links"]


def edited_copy(tmp_path: Path, member: str, change) -> tuple[Path, bytes, bytes]:
    """A copy of make_xlsx's file with one part changed: (path, part before, part after)."""
    src = make_xlsx(tmp_path / "base.xlsx")
    with zipfile.ZipFile(src) as archive:
        before = archive.read(member)
    after = change(before)
    assert after != before
    return rewrite_zip(src, tmp_path / "edited.xlsx", {member: after}, {}), before, after


def assert_reads_one_task(path: Path) -> None:
    book = read_returned_books([path], processes=0)[0]
    assert isinstance(book, ReturnedBook) and [r.task_id for r in book.rows] == ["B.I.1"]


SHEET1 = "xl/worksheets/sheet1.xml"


@pytest.mark.parametrize("ref", [b"A1:A1048576", b"A1:XFD1048576", b"A1:K1048576"])
def test_huge_dimension_is_a_claim_not_a_size(tmp_path: Path, ref: bytes) -> None:
    """A declared dimension never makes a file too large: it is dropped before reading."""
    claim = b'<dimension ref="' + ref + b'"/>'
    path, _, hostile = edited_copy(
        tmp_path, SHEET1, lambda d: d.replace(b'<dimension ref="A1:D2"/>', claim)
    )
    started = time.monotonic()
    check = inspect_file(path)
    assert_fast(started, 1.0)
    assert check.ok and check.false_claims == [SHEET1]
    with zipfile.ZipFile(io.BytesIO(safe_content(path.read_bytes(), check))) as archive:
        cleaned = archive.read(SHEET1)
    assert b"<dimension" not in cleaned and cleaned == hostile.replace(claim, b"")
    assert_reads_one_task(path)


def test_empty_far_row_written_by_libreoffice_is_read(tmp_path: Path) -> None:
    """After a deleted row LibreOffice writes an empty row 1,048,576: content decides size."""
    far = (
        b'<row r="1048576" s="1" customFormat="false" ht="12.8" hidden="false">'
        b'<c r="A1048576" s="0"/><c r="K1048576" s="2"></c></row>'
    )
    path, _, _ = edited_copy(
        tmp_path,
        SHEET1,
        lambda d: d.replace(b'<dimension ref="A1:D2"/>', b'<dimension ref="A1:K1048576"/>').replace(
            b"</sheetData>", far + b"</sheetData>"
        ),
    )
    assert inspect_file(path).ok
    assert_reads_one_task(path)


@pytest.mark.parametrize("attribute", [b"uniqueCount", b"count"])
def test_shared_string_count_that_lies_is_dropped(tmp_path: Path, attribute: bytes) -> None:
    """uniqueCount=2147483647 made python-calamine ask for 51 GB and abort the process."""
    member = "xl/sharedStrings.xml"
    path, _, _ = edited_copy(
        tmp_path,
        member,
        lambda d: re.sub(rb"\b" + attribute + rb'="\d+"', attribute + b'="2147483647"', d),
    )
    check = inspect_file(path)
    assert check.ok and check.false_claims == [member]
    assert [w.code for w in check.warnings] == ["false_count"]
    assert_reads_one_task(path)


def test_far_away_cell_without_dimension_rejected(tmp_path: Path) -> None:
    src = make_xlsx(tmp_path / "base.xlsx")
    with zipfile.ZipFile(src) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    hostile = sheet.replace(b'<dimension ref="A1:D2"/>', b"").replace(
        b"</sheetData>", b'<row r="900000"><c r="XFD900000"><v>1</v></c></row></sheetData>'
    )
    path = rewrite_zip(src, tmp_path / "far.xlsx", {"xl/worksheets/sheet1.xml": hostile}, {})
    check = inspect_file(path)
    assert (check.ok, check.code) == (False, "sheet_too_large")


@pytest.mark.parametrize(
    "cell",
    [
        b'<row r="900000"><c r="xfd900000"><v>1</v></c></row>',  # lower case
        b"<row r='900000'><c r='XFD900000'><v>1</v></c></row>",  # single quotes
        b'<row r = "900000"><c r = "XFD900000"><v>1</v></c></row>',  # spaces around =
        b'<row r="2"><c r="AAAAA2"><v>1</v></c></row>',  # a five-letter column
        b'<x:row r="900000"><x:c x:r="XFD900000"><x:v>1</x:v></x:c></x:row>',  # prefixed
    ],
)
def test_far_away_reference_in_any_spelling_rejected(tmp_path: Path, cell: bytes) -> None:
    """A single far cell makes python-calamine allocate the whole grid (it aborts the process)."""
    src = make_xlsx(tmp_path / "base.xlsx")
    with zipfile.ZipFile(src) as archive:
        sheet = archive.read("xl/worksheets/sheet1.xml")
    hostile = sheet.replace(b'<dimension ref="A1:D2"/>', b"").replace(
        b"</sheetData>", cell + b"</sheetData>"
    )
    path = rewrite_zip(src, tmp_path / "far.xlsx", {"xl/worksheets/sheet1.xml": hostile}, {})
    check = inspect_file(path)
    assert (check.ok, check.code) == (False, "sheet_too_large")
    result = read_returned_books([path], threads=1)[0]
    assert isinstance(result, FailedFile) and result.code == "sheet_too_large"


def test_path_traversal_rejected(tmp_path: Path) -> None:
    src = make_xlsx(tmp_path / "base.xlsx")
    path = rewrite_zip(src, tmp_path / "evil.xlsx", {}, {"../../etc/evil.xml": b"<x/>"})
    check = inspect_file(path)
    assert (check.ok, check.code) == (False, "path_traversal")


def test_too_large_and_empty_files(tmp_path: Path) -> None:
    path = make_xlsx(tmp_path / "a.xlsx")
    assert inspect_file(path, Limits(max_file_bytes=100)).code == "file_too_large"
    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert inspect_file(empty).code == "empty_file"


def test_date1904_flag_and_workbook_id(tmp_path: Path) -> None:
    path = tmp_path / "mac.xlsx"
    book = xlsxwriter.Workbook(str(path), {"date_1904": True})
    book.add_worksheet("A").write_string(0, 0, "x")
    book.define_name("kehoach_workbook_id", '="abcdef0123456789"')
    book.close()
    check = inspect_file(path)
    assert check.date1904 and check.workbook_id == "abcdef0123456789"


def test_hostile_batch_never_raises(tmp_path: Path) -> None:
    """Every hostile file in one batch: each a FailedFile or a warned book, in bounded time."""
    src = make_xlsx(tmp_path / "base.xlsx")
    files = [
        zip_bomb(tmp_path / "bomb.xlsx"),
        rewrite_zip(src, tmp_path / "evil.xlsx", {}, {"/abs.xml": b"<x/>"}),
        rewrite_zip(
            src,
            tmp_path / "lol.xlsx",
            {"xl/styles.xml": b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>'},
            {},
        ),
        rewrite_zip(src, tmp_path / "macro.xlsm", {}, {"xl/vbaProject.bin": b"\0"}),
        tmp_path / "text.xlsx",
        src,
    ]
    files[4].write_text("không phải excel", encoding="utf-8")
    started = time.monotonic()
    results = read_returned_books(files, threads=2)
    assert_fast(started, 10.0)
    codes = [r.code if isinstance(r, FailedFile) else "ok" for r in results]
    assert codes == ["zip_bomb", "path_traversal", "xml_entity", "ok", "not_spreadsheet", "ok"]


@pytest.mark.parametrize("kind", ["ods"])
def test_ods_sniffed_from_content(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "report.xlsx"  # an .ods with the wrong extension
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", "<office:document-content/>")
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    check = inspect_file(path)
    assert (check.ok, check.kind) == (True, kind)


def ods_file(path: Path, body: str) -> Path:
    content = (
        '<?xml version="1.0" encoding="UTF-8"?><office:document-content '
        'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Báo cáo">'
        '<table:table-row><table:table-cell office:value-type="string"><text:p>Mã NV</text:p>'
        "</table:table-cell></table:table-row>"
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        archive.writestr("content.xml", content)
        archive.writestr("META-INF/manifest.xml", "<manifest:manifest/>")
    return path


def test_ods_repeated_empty_tail_is_read(tmp_path: Path) -> None:
    """LibreOffice repeats the empty rest of a sheet: a repeat of nothing costs nothing."""
    empty_tail = (
        '<table:table-row table:number-rows-repeated="1048574">'
        '<table:table-cell table:number-columns-repeated="1024"/></table:table-row>'
    )
    assert inspect_file(ods_file(tmp_path / "lo.ods", empty_tail)).ok


@pytest.mark.parametrize(
    ("row_repeat", "cell_repeat"), [(' table:number-rows-repeated="1048575"', ""), ("", "16384")]
)
def test_ods_repeated_value_past_the_limits_rejected(
    tmp_path: Path, row_repeat: str, cell_repeat: str
) -> None:
    """python-calamine expands repeated rows and cells: a repeated value is real size."""
    cells = f' table:number-columns-repeated="{cell_repeat}"' if cell_repeat else ""
    body = (
        f'<table:table-row{row_repeat}><table:table-cell office:value-type="float"{cells} '
        'office:value="1"><text:p>1</text:p></table:table-cell></table:table-row>'
    )
    check = inspect_file(ods_file(tmp_path / "r.ods", body))
    assert (check.ok, check.code) == (False, "sheet_too_large")
