"""Hostile and clumsy returned files, built from a real unit workbook, and a CLI runner that
measures memory (the command in a subprocess, its peak and its children's peak).

Shared by tests/test_hostile.py and tests/test_hostile_fuzz.py.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import openpyxl

from kehoach_xlsx.books import init_workspace, split_period
from kehoach_xlsx.safety import OLE2_MAGIC
from kehoach_xlsx.sample import plan_files, registry_file

MB = 1024 * 1024
PERIOD = "2026-09"
AS_OF = "2026-10-10"
SHEET = "Báo cáo"
ROOT = Path(__file__).resolve().parents[1]

# Runs the real CLI in a child process, then reports that process's peak memory and the
# largest peak among the processes it waited for (its reading workers), in KB.
_MEASURED_CLI = """
import json, resource, sys
from kehoach_xlsx.cli import main
code = 0
try:
    main(sys.argv[1:], prog_name="kehoach")
except SystemExit as done:
    code = done.code if isinstance(done.code, int) else 1
usage = {
    "self_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    "children_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
}
sys.stderr.write("\\nMEMORY " + json.dumps(usage) + "\\n")
sys.exit(code)
"""


class Run:
    def __init__(self, proc: subprocess.CompletedProcess[str]) -> None:
        self.code = proc.returncode
        self.out = proc.stdout
        self.err = proc.stderr
        found = re.search(r"^MEMORY (\{.*\})$", proc.stderr, re.M)
        self.memory = json.loads(found.group(1)) if found else {}

    @property
    def peak_mb(self) -> float:
        """Parent peak plus the largest child peak (a bound on what ran at once per worker)."""
        return (self.memory.get("self_kb", 0) + self.memory.get("children_kb", 0)) / 1024

    def json(self) -> dict:
        return json.loads(self.out)


def kehoach(*args: object, cwd: Path) -> Run:
    env = dict(os.environ, PYTHONPATH=str(ROOT), PYTHONIOENCODING="utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURED_CLI, *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        cwd=cwd,
        timeout=600,
    )
    return Run(proc)


def make_workspace(root: Path) -> tuple[Path, dict[str, Path]]:
    """A workspace on the project's sample plan, split for PERIOD: (workspace, unit -> workbook
    path). The sample ships with the package, so a bare clone runs every hostile-file test."""
    ws = root / "so"
    init_workspace(ws, plan_files("txt"), units_file=registry_file())
    split = split_period(ws, PERIOD, dt.date(2026, 10, 5))
    return ws, {f.unit: f.path for f in split.files if f.tasks}


def answer(book: Path, target: Path, status: str = "Đã hoàn thành", extra_rows: int = 0) -> Path:
    """Type a status into every task row (as a user in Excel would), optionally paste junk."""
    workbook = openpyxl.load_workbook(book)
    sheet = workbook[SHEET]
    header = next(r for r in sheet.iter_rows(max_row=40) if any(c.value == "Mã NV" for c in r))
    cols = {c.value: c.column for c in header if c.value}
    last = header[0].row
    for row in sheet.iter_rows(min_row=header[0].row + 1):
        if row[cols["Mã NV"] - 1].value:
            sheet.cell(row[0].row, cols["Tình trạng"]).value = status
            sheet.cell(row[0].row, cols["Kết quả thực hiện"]).value = "Đã triển khai"
            last = row[0].row
    for offset in range(extra_rows):
        row = last + 1 + offset
        sheet.cell(row, cols["Nhiệm vụ"]).value = f"Nội dung dán nhầm số {offset}"
        sheet.cell(row, cols["Tình trạng"]).value = "Đang thực hiện"
        sheet.cell(row, cols["Kết quả thực hiện"]).value = f"Dòng rác {offset}"
    workbook.save(target)
    return target


def members(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def write_zip(path: Path, parts: dict[str, bytes] | list[tuple[str, bytes]]) -> Path:
    items = parts.items() if isinstance(parts, dict) else parts
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # a duplicate name is the point
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in items:
                archive.writestr(name, data)
    return path


def sheet_member(parts: dict[str, bytes]) -> str:
    """The worksheet holding the data sheet (the first worksheet part)."""
    return sorted(n for n in parts if n.startswith("xl/worksheets/sheet"))[0]


def edit(base: Path, target: Path, name: str | None, change: Callable[[bytes], bytes]) -> Path:
    parts = members(base)
    key = name or sheet_member(parts)
    parts[key] = change(parts[key])
    return write_zip(target, parts)


def streamed_sheet(base: Path, target: Path, rows: int, make_row: Callable[[int], bytes]) -> Path:
    """The data sheet replaced by ``rows`` generated rows, written without holding them all."""
    parts = members(base)
    key = sheet_member(parts)
    head = parts[key].split(b"<sheetData")[0]
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for name, data in parts.items():
            if name != key:
                archive.writestr(name, data)
                continue
            with archive.open(name, "w", force_zip64=True) as member:
                member.write(head + b"<sheetData>")
                batch = []
                for index in range(1, rows + 1):
                    batch.append(make_row(index))
                    if len(batch) == 10_000:
                        member.write(b"".join(batch))
                        batch.clear()
                member.write(b"".join(batch) + b"</sheetData></worksheet>")
    return target


def hostile_kit(base: Path, folder: Path, other_unit: str) -> dict[str, str]:
    """Write the kit into ``folder``; returns file name -> expected state (accepted/rejected).

    ``base`` is a real unit workbook as split wrote it; files built from it still carry its
    identity, so the ones we read are attributed to its unit.
    """
    folder.mkdir(parents=True, exist_ok=True)
    expected: dict[str, str] = {}
    parts = members(base)
    sheet = sheet_member(parts)

    def add(name: str, state: str) -> Path:
        expected[name] = state
        return folder / name

    # zip bomb: one member inflating to 300 MB of zeros
    with zipfile.ZipFile(add("01_zip_bomb.xlsx", "rejected"), "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in parts.items():
            if name == sheet:
                with zf.open(name, "w", force_zip64=True) as member:
                    for _ in range(300):
                        member.write(b"\0" * MB)
            else:
                zf.writestr(name, data)
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;"><!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;">]>'
        b"<sst><si><t>&c;</t></si></sst>"
    )
    edit(base, add("02_xml_bomb.xlsx", "rejected"), "xl/sharedStrings.xml", lambda _d: laughs)
    edit(
        base,
        add("03_lying_shared_string_count.xlsx", "accepted"),
        "xl/sharedStrings.xml",
        lambda d: re.sub(rb'uniqueCount="\d+"', b'uniqueCount="2147483647"', d, count=1),
    )
    edit(
        base,
        add("04_lying_dimension.xlsx", "accepted"),
        None,
        lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:XFD1048576"', d),
    )
    data = base.read_bytes()
    add("05_truncated.xlsx", "rejected").write_bytes(data[: len(data) * 2 // 3])
    fake_ole = OLE2_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 4000
    add("06_encrypted.xlsx", "rejected").write_bytes(fake_ole)
    write_zip(
        add("07_word_renamed.xlsx", "rejected"),
        {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"},
    )
    add("08_pdf_renamed.xlsx", "rejected").write_bytes(b"%PDF-1.4\n%\xe2\xe3\n1 0 obj<<>>endobj\n")
    add("09_text_renamed.xls", "rejected").write_text("không phải bảng tính", encoding="utf-8")
    write_zip(add("10_macro.xlsm", "accepted"), {**parts, "xl/vbaProject.bin": b"\0" * 512})
    injection = (
        b'<c r="ZZ9" t="str"><f>cmd|\' /C calc\'!A0</f><v>0</v></c>'
        b'<c r="ZY9" t="inlineStr"><is><t>=HYPERLINK("http://x.invalid","bam")</t></is></c>'
    )
    edit(
        base,
        add("11_formula_dde.xlsx", "accepted"),
        None,
        lambda d: d.replace(b"</row>", injection + b"</row>", 1),
    )
    write_zip(
        add("12_external_link.xlsx", "accepted"),
        {**parts, "xl/externalLinks/externalLink1.xml": b"<externalLink/>"},
    )
    streamed_sheet(
        base,
        add("13_million_rows.xlsx", "rejected"),
        1_048_576,
        lambda i: b'<row r="%d"><c r="A%d"><v>1</v></c></row>' % (i, i),
    )
    libreoffice_row = (
        b'<row r="1048576" s="1" customFormat="false" ht="12.8" hidden="false">'
        b'<c r="A1048576" s="1"/><c r="K1048576" s="1"/></row>'
    )
    edit(
        base,
        add("14_libreoffice_empty_last_row.xlsx", "accepted"),
        None,
        lambda d: re.sub(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:K1048576"', d).replace(
            b"</sheetData>", libreoffice_row + b"</sheetData>"
        ),
    )
    edit(
        base,
        add("15_far_content_cell.xlsx", "rejected"),
        None,
        lambda d: d.replace(
            b"</sheetData>", b'<row r="1048576"><c r="XFD1048576"><v>7</v></c></row></sheetData>'
        ),
    )
    write_zip(add("16_path_escape.xlsx", "rejected"), {**parts, "../../escape.xml": b"<x/>"})
    write_zip(
        add("17_many_parts.xlsx", "rejected"),
        {**parts, **{f"xl/media/p{i}.xml": b"<x/>" for i in range(2_100)}},
    )
    add("18_empty.xlsx", "rejected").write_bytes(b"")
    forge_identity(base, add("19_forged_identity.xlsx", "accepted"), other_unit)
    return expected


def forge_identity(book: Path, target: Path, unit: str) -> Path:
    """What a user can do after LibreOffice made the identity sheet plainly hidden."""
    workbook = openpyxl.load_workbook(book)
    sheet = workbook["_kehoach"]
    for row in sheet.iter_rows(max_row=20):
        if row[0].value == "unit":
            row[1].value = unit
    workbook.save(target)
    return target
