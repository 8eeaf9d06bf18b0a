"""LibreOffice (headless) playing the users' office software in our tests.

Three layers, cheapest first:

- ``convert(src, fmt, outdir)``: one ``soffice --headless --convert-to`` run (about 1.5 s).
  A UTF-8 tab-separated ``.txt`` becomes a spreadsheet (one line = one row, every cell
  text) or a Writer document; ``text_to_docx_with_tables`` makes the .docx an office user
  would have, with real Word tables.
- ``OfficeSession`` (the session-scoped ``office`` fixture): ONE soffice plus one
  ``/usr/bin/python3 tests/uno_worker.py`` subprocess answering JSON lines, so opening,
  typing into and re-saving a workbook costs milliseconds after a 1.5-2 s start.
  ``office.convert`` does what ``convert`` does in about 0.1 s: prefer it in batches.
- ``pdf_pages`` / ``pdf_page_size`` / ``pdf_to_png``: poppler, to look at printed output.

Use in a test module (after ``pytest_plugins = ["tests.office"]`` in tests/conftest.py)::

    @pytest.mark.slow
    def test_unit_returns_xls(office, tmp_path):
        doc = office.open(book)
        row, col = office.find(doc, "Báo cáo", "Tình trạng")
        assert not office.cell_protection(doc, "Báo cáo", row + 1, col)["locked"]
        office.set_string(doc, "Báo cáo", row + 1, col, "Đã hoàn thành")
        office.save_as(doc, tmp_path / "back.xls", "xls")

Remember (see /work/shared/LIBREOFFICE.md): the UNO API ignores cell protection, so a test
that plays a user checks ``cell_protection``/``sheet_protected`` itself; structural edits
on a protected sheet raise ``OfficeError`` unless the test calls ``unprotect`` first.
Every soffice run gets its own profile and pipe; only our own process groups are killed.
"""

from __future__ import annotations

import atexit
import datetime as dt
import html
import json
import os
import queue
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import uuid
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from kehoach_xlsx.office import find_soffice

SYSTEM_PYTHON = "/usr/bin/python3"
WORKER = Path(__file__).resolve().with_name("uno_worker.py")

CONVERT_TIMEOUT = 120.0  # seconds for one `soffice --convert-to`
CALL_TIMEOUT = 60.0  # seconds for one UNO request
START_TIMEOUT = 40.0  # seconds for soffice + worker to be ready

SKIP_HINT = "cài bằng scripts/test"

# fmt -> "extension:export filter" for `--convert-to`; None = let soffice choose by document type.
_EXPORT = {
    "xlsx": "xlsx:Calc MS Excel 2007 XML",
    "xls": "xls:MS Excel 97",
    "ods": "ods:calc8",
    "pdf": "pdf",
    "docx": "docx:MS Word 2007 XML",
    "doc": "doc:MS Word 97",
    "html": "html",
    "txt": "txt:Text (encoded):UTF8",
}
SAVE_FILTERS = {"xlsx": "Calc MS Excel 2007 XML", "xls": "MS Excel 97", "ods": "calc8"}
SPREADSHEET_FORMATS = ("xlsx", "xls", "ods")

# CSV import: separator TAB (9), text delimiter none (0: a '"' is an ordinary character,
# so a quote never glues lines together), UTF-8 (76), from line 1, columns 1..200 as Text
# (format 2: "=1+2", "012" and "05/09/2026" stay strings), en-US, quoted-as-text off,
# detect special numbers off, ..., evaluate formulas off.
_TEXT_COLUMNS = "/".join(f"{i}/2" for i in range(1, 201))
TEXT_CSV_FILTER = "Text - txt - csv (StarCalc)"
TEXT_CSV_OPTIONS = f"9,0,76,1,{_TEXT_COLUMNS},1033,false,false,false,false,false,-1,false"
TEXT_WRITER_FILTER = "Text (encoded)"
TEXT_WRITER_OPTIONS = "UTF8,LF,,,"
HTML_WRITER_FILTER = "HTML (StarWriter)"


class OfficeError(AssertionError):
    """LibreOffice failed or refused; the message carries its output or log tail."""


# ---------------------------------------------------------------------------------------
# Finding LibreOffice


def soffice_path() -> str | None:
    """The soffice executable, or None. $KEHOACH_SOFFICE overrides the search."""
    return find_soffice()  # the program's own finder: PATH, then the usual install folders


_uno_check: str | None = None  # "" when /usr/bin/python3 imports uno, else the reason


def _uno_problem() -> str:
    global _uno_check
    if _uno_check is None:
        if not Path(SYSTEM_PYTHON).is_file():
            _uno_check = f"không có {SYSTEM_PYTHON}"
        else:
            run = subprocess.run(
                [SYSTEM_PYTHON, "-c", "import uno"], capture_output=True, text=True, timeout=30
            )
            _uno_check = (
                ""
                if run.returncode == 0
                else f"{SYSTEM_PYTHON} không import được uno (gói python3-uno)"
            )
    return _uno_check


def require_office() -> str:
    """soffice's path; skips the calling test loudly when LibreOffice or uno is missing."""
    path = soffice_path()
    if path is None:
        pytest.skip(f"LibreOffice (soffice) không có trên máy: không tìm thấy soffice; {SKIP_HINT}")
    problem = _uno_problem()
    if problem:
        pytest.skip(f"LibreOffice (soffice) không có trên máy: {problem}; {SKIP_HINT}")
    return path


def _require_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.skip(f"Thiếu chương trình {name} (gói poppler-utils); {SKIP_HINT}")
    return path


# ---------------------------------------------------------------------------------------
# Private scratch space: one base dir per pytest process, one profile per soffice run.

_base_dir: Path | None = None
_profile_template: Path | None = None
_lock = threading.Lock()


def _scratch() -> Path:
    global _base_dir
    if _base_dir is None:
        _base_dir = Path(tempfile.mkdtemp(prefix="kehoach-office-"))
        atexit.register(shutil.rmtree, _base_dir, True)
    return _base_dir


def _new_profile() -> Path:
    """A fresh profile dir for one soffice run.

    Copied from the first profile soffice created in this process (0.5 MB): it saves the
    first-start setup (~0.7 s per run) while runs still never share a profile.
    """
    target = Path(tempfile.mkdtemp(prefix="run-", dir=_scratch())) / "profile"
    if _profile_template is not None:
        shutil.copytree(_profile_template, target)
    return target


def _keep_as_template(profile: Path) -> None:
    global _profile_template
    if _profile_template is None and (profile / "user").is_dir():
        # a fresh folder each try: a failed copy never blocks the next one
        template = Path(tempfile.mkdtemp(prefix="profile-template-", dir=_scratch())) / "profile"
        try:
            shutil.copytree(profile, template, ignore=shutil.ignore_patterns(".lock"))
        except (shutil.Error, OSError):
            # a running soffice creates and deletes temporary files in its profile while we
            # copy it: no template this time (the next run tries again from its own profile)
            shutil.rmtree(template.parent, ignore_errors=True)
            return
        _profile_template = template


def _kill_group(proc: subprocess.Popen, grace: float = 5.0) -> None:
    """Stop a process started with start_new_session=True, and all its children."""
    for sig, wait in ((signal.SIGTERM, grace), (signal.SIGKILL, 5.0)):
        if proc.poll() is not None:
            break
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        try:
            proc.wait(wait)
        except subprocess.TimeoutExpired:
            continue
    # The group can outlive its leader (soffice.bin under oosplash): sweep it.
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass


def _tail(path: Path, limit: int = 3000) -> str:
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-limit:]


# ---------------------------------------------------------------------------------------
# One-shot conversion


def convert(src: Path, fmt: str, outdir: Path, *, timeout: float = CONVERT_TIMEOUT) -> Path:
    """Convert src with `soffice --headless --convert-to fmt`; returns the new file.

    fmt is one of xlsx, xls, ods, pdf, docx, doc, html, txt. A ``.txt`` source is read as
    UTF-8: into a spreadsheet through the CSV filter (TAB-separated, one line per row,
    every cell text, no quote handling), into anything else as a Writer document.
    Raises OfficeError with soffice's output when no file comes out.
    """
    if fmt not in _EXPORT:
        raise ValueError(f"unknown format {fmt!r}; expected one of {sorted(_EXPORT)}")
    soffice = require_office()
    src, outdir = Path(src).resolve(), Path(outdir).resolve()
    if not src.is_file():
        raise FileNotFoundError(src)
    outdir.mkdir(parents=True, exist_ok=True)
    out = outdir / f"{src.stem}.{fmt}"
    if out == src:
        raise ValueError(f"converting {src.name} to {fmt} would overwrite it; use another outdir")
    out.unlink(missing_ok=True)

    cmd = [soffice, "--headless", "--norestore", "--nologo", "--nolockcheck"]
    if src.suffix.lower() == ".txt":
        if fmt in SPREADSHEET_FORMATS:
            cmd.append(f"--infilter={TEXT_CSV_FILTER}:{TEXT_CSV_OPTIONS}")
        else:
            cmd.append(f"--infilter={TEXT_WRITER_FILTER}:{TEXT_WRITER_OPTIONS}")
    elif src.suffix.lower() in (".html", ".htm") and fmt != "html":
        cmd.append(f"--infilter={HTML_WRITER_FILTER}")  # Writer, not Writer/Web: it can save docx
    with _lock:
        profile = _new_profile()
        cmd += [f"-env:UserInstallation={profile.as_uri()}"]
        cmd += ["--convert-to", _EXPORT[fmt], "--outdir", str(outdir), str(src)]
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            errors="replace",
            start_new_session=True,
        )
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc, grace=1.0)
            output = proc.communicate()[0]
            raise OfficeError(
                f"soffice did not finish converting {src.name} to {fmt} in {timeout:.0f} s:\n{output}"
            ) from None
        finally:
            _kill_group(proc, grace=1.0)
        if out.is_file() and out.stat().st_size > 0:
            _keep_as_template(profile)
        shutil.rmtree(profile.parent, ignore_errors=True)
    # soffice exits 0 even when it converted nothing: the file is the only proof.
    if not out.is_file() or out.stat().st_size == 0:
        raise OfficeError(
            f"soffice did not convert {src} to {fmt} (exit code {proc.returncode}); "
            f"command: {' '.join(cmd)}\noutput:\n{output}"
        )
    return out


# ---------------------------------------------------------------------------------------
# Plain text -> a .docx with real tables


def _text_blocks(text: str) -> list[tuple[str, Any]]:
    """Split plan text into ("p", line) and ("table", [cells per row]) blocks.

    A run of lines holding a TAB is one table; blank lines inside a run (conversion
    damage) do not end it and are dropped, a blank line elsewhere stays a paragraph.
    """
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    blocks: list[tuple[str, Any]] = []
    i = 0
    while i < len(lines):
        if "\t" not in lines[i]:
            blocks.append(("p", lines[i]))
            i += 1
            continue
        rows: list[list[str]] = []
        while i < len(lines):
            if "\t" in lines[i]:
                rows.append(lines[i].split("\t"))
                i += 1
                continue
            j = i
            while j < len(lines) and lines[j].strip() == "":
                j += 1
            if j > i and j < len(lines) and "\t" in lines[j]:
                i = j  # blank lines between table rows
                continue
            break
        blocks.append(("table", rows))
    return blocks


# "A", "B": group rows (NHIỆM VỤ CHUNG, NHIỆM VỤ CỤ THỂ); not Roman section numbers "I", "V".
_GROUP_ROW = re.compile(r"(?![IVXLCDM]$)[A-Z]")


def _html_table(rows: list[list[str]], width: int, merge_group_rows: bool) -> str:
    out = ['<table border="1" cellspacing="0" cellpadding="3" width="100%">']
    for cells in rows:
        cells = cells + [""] * (width - len(cells))
        tds: list[str] = []
        if merge_group_rows and _GROUP_ROW.fullmatch(cells[0].strip()) and not any(cells[2:]):
            # "A | NHIỆM VỤ CHUNG" with the heading spanning every column after the first.
            tds.append(f"<td>{html.escape(cells[0])}</td>")
            tds.append(f'<td colspan="{width - 1}">{html.escape(cells[1])}</td>')
        else:
            tds.extend(f"<td>{html.escape(cell)}</td>" for cell in cells)
        out.append("<tr>" + "".join(tds) + "</tr>")
    out.append("</table>")
    return "\n".join(out)


def text_to_html(
    text: str,
    *,
    split_table_after: int | None = None,
    repeat_header: bool = False,
    merge_group_rows: bool = False,
) -> str:
    """The HTML that text_to_docx_with_tables feeds to Writer (see there)."""
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>kehoach</title></head><body>',
    ]
    header: list[str] | None = None  # the appendix's header row: first row of the first table
    to_split = split_table_after
    for kind, content in _text_blocks(text):
        if kind == "p":
            # Cell and paragraph text is escaped: seeds hold literal "<p>" fragments.
            parts.append(f"<p>{html.escape(content)}</p>")
            continue
        rows = content
        header = header or rows[0]
        width = max(len(r) for r in rows)
        if to_split is not None and 0 < to_split < len(rows):
            first, second = rows[:to_split], rows[to_split:]
            to_split = None  # one table is split, the first one long enough
            if repeat_header and rows[0] == header:
                second = [header, *second]  # Word's "repeat header row" on the next page
            parts.append(_html_table(first, width, merge_group_rows))
            # What a Word file shows when a table was split across pages: two tables with
            # an empty paragraph between them.
            parts.append("<p></p>")
            parts.append(_html_table(second, width, merge_group_rows))
        else:
            parts.append(_html_table(rows, width, merge_group_rows))
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


def text_to_docx_with_tables(
    src_txt: Path,
    out_docx: Path,
    *,
    split_table_after: int | None = None,
    repeat_header: bool = False,
    merge_group_rows: bool = False,
    office: OfficeSession | None = None,
) -> Path:
    """Make the .docx an office user would have from a UTF-8 plan text.

    Lines without a TAB become paragraphs; runs of TAB-separated lines become real Word
    tables (blank lines inside a run are dropped), cell text kept exactly. Variants:
    ``split_table_after=N`` splits the first table longer than N rows in two after its
    N-th row ("split across pages"; with ``repeat_header`` the second part starts with the
    header row again when the table has one, i.e. starts with the first table's first row),
    ``merge_group_rows`` merges "A | NHIỆM VỤ CHUNG" group rows across the columns.
    Goes through LibreOffice Writer (HTML import, "MS Word 2007 XML" export); with an
    ``office`` session it reuses the running soffice instead of starting one.
    """
    src_txt, out_docx = Path(src_txt), Path(out_docx)
    page = text_to_html(
        src_txt.read_text(encoding="utf-8"),
        split_table_after=split_table_after,
        repeat_header=repeat_header,
        merge_group_rows=merge_group_rows,
    )
    out_docx.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="html-", dir=_scratch()))
    try:
        source = work / f"{out_docx.stem}.html"
        source.write_text(page, encoding="utf-8")
        if office is not None:
            made = office.convert(source, "docx", work)
        else:
            made = convert(source, "docx", work)
        shutil.move(made, out_docx)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out_docx


# ---------------------------------------------------------------------------------------
# The UNO session


@dataclass(frozen=True)
class Cell:
    """What a cell holds, as LibreOffice sees it.

    type: "empty", "text", "number", "date" (a number with a date format) or "formula".
    value: str for text, float for numbers, datetime.date/datetime for dates, the
    result for formulas, None when empty. text: the displayed string.
    """

    type: str
    value: Any
    text: str
    formula: str


Sheet = str | int  # a sheet name, or its 0-based position


class OfficeSession:
    """One headless soffice, started on first use, driven through tests/uno_worker.py.

    Documents are opened from a private copy (soffice leaves lock files beside what it
    opens), and identified by the handle ``open`` returns. Rows/columns are 0-based.
    Every call has a timeout; failures raise OfficeError with the soffice/worker logs.
    Call ``shutdown()`` (the ``office`` fixture does) to stop soffice and remove the profile.
    """

    def __init__(self, *, call_timeout: float = CALL_TIMEOUT) -> None:
        self.call_timeout = call_timeout
        self._soffice: subprocess.Popen | None = None
        self._worker: subprocess.Popen | None = None
        self._replies: queue.Queue[str | None] = queue.Queue()
        self._dir: Path | None = None
        self._next_id = 0
        self._paths: dict[str, Path] = {}
        self._lock = threading.RLock()
        self.starts = 0  # how many times soffice was started (tests check it stays 1)

    # -- life cycle ---------------------------------------------------------------

    def __enter__(self) -> OfficeSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.shutdown()

    @property
    def running(self) -> bool:
        return (
            self._soffice is not None
            and self._soffice.poll() is None
            and self._worker is not None
            and self._worker.poll() is None
        )

    def start(self) -> None:
        """Start soffice and the worker unless running (called lazily by every method)."""
        with self._lock:
            if self.running:
                return
            self.shutdown()
            soffice = require_office()
            self._dir = Path(tempfile.mkdtemp(prefix="session-", dir=_scratch()))
            profile = self._dir / "profile"
            if _profile_template is not None:
                shutil.copytree(_profile_template, profile)
            pipe = f"kehoach_{os.getpid()}_{uuid.uuid4().hex[:12]}"
            log = open(self._dir / "soffice.log", "wb")  # noqa: SIM115 (lives with the process)
            self._soffice = subprocess.Popen(
                [
                    soffice,
                    "--headless",
                    "--invisible",
                    "--norestore",
                    "--nologo",
                    "--nodefault",
                    "--nolockcheck",
                    f"-env:UserInstallation={profile.as_uri()}",
                    f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext",
                ],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
            log.close()
            worker_log = open(self._dir / "worker.log", "wb")  # noqa: SIM115
            self._worker = subprocess.Popen(
                [SYSTEM_PYTHON, str(WORKER), pipe],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=worker_log,
                text=True,
                encoding="utf-8",
                start_new_session=True,
            )
            worker_log.close()
            self._replies = queue.Queue()
            threading.Thread(
                target=self._read_replies, args=(self._worker, self._replies), daemon=True
            ).start()
            self.starts += 1
            first = self._next_reply(START_TIMEOUT, "start")
            if not first.get("ready"):
                message = first.get("error", "no ready signal")
                self.shutdown(keep_logs=True)
                raise OfficeError(f"LibreOffice session did not start: {message}\n{self._logs()}")
            _keep_as_template(profile)

    @staticmethod
    def _read_replies(proc: subprocess.Popen, replies: queue.Queue) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            replies.put(line)
        replies.put(None)  # EOF: the worker is gone

    def shutdown(self, keep_logs: bool = False) -> None:
        """Close every document, stop soffice and the worker, remove the profile."""
        with self._lock:
            worker, soffice = self._worker, self._soffice
            self._worker = self._soffice = None
            self._paths.clear()
            if worker is not None and worker.poll() is None and soffice and soffice.poll() is None:
                try:
                    assert worker.stdin is not None
                    worker.stdin.write(json.dumps({"id": 0, "cmd": "quit"}) + "\n")
                    worker.stdin.flush()
                    worker.wait(10)
                except (OSError, subprocess.TimeoutExpired, AssertionError):
                    pass
            if soffice is not None:
                try:
                    soffice.wait(5)  # desktop.terminate() lets it exit by itself
                except subprocess.TimeoutExpired:
                    pass
                _kill_group(soffice)
            if worker is not None:
                _kill_group(worker, grace=2.0)
                for stream in (worker.stdin, worker.stdout):
                    if stream is not None:
                        try:
                            stream.close()
                        except OSError:
                            pass
            if self._dir is not None and not keep_logs:
                shutil.rmtree(self._dir, ignore_errors=True)
                self._dir = None

    def _logs(self) -> str:
        if self._dir is None:
            return ""
        parts = []
        for name in ("soffice.log", "worker.log"):
            text = _tail(self._dir / name).strip()
            if text:
                parts.append(f"--- {name} ---\n{text}")
        return "\n".join(parts)

    def _next_reply(self, timeout: float, what: str) -> dict[str, Any]:
        try:
            line = self._replies.get(timeout=timeout)
        except queue.Empty:
            logs = self._logs_then_stop()
            raise OfficeError(
                f"LibreOffice did not answer {what!r} within {timeout:.0f} s; "
                f"session stopped (the next call starts a new one)\n{logs}"
            ) from None
        if line is None:
            died = self._soffice is not None and self._soffice.poll() is not None
            who = (
                f"soffice exited with code {self._soffice.returncode}" if died else "worker exited"
            )
            logs = self._logs_then_stop()
            raise OfficeError(f"LibreOffice session died during {what!r}: {who}\n{logs}")
        return json.loads(line)

    def _logs_then_stop(self) -> str:
        logs = self._logs()
        self.shutdown()
        return logs

    def call(self, cmd: str, timeout: float | None = None, **args: Any) -> Any:
        """Send one request to the worker and return its result (the raw RPC)."""
        with self._lock:
            if self._soffice is not None and not self.running:
                # Say so once, instead of quietly starting afresh: open documents are lost.
                code = self._soffice.poll()
                logs = self._logs_then_stop()
                raise OfficeError(
                    f"LibreOffice (soffice) died before {cmd!r} (exit code {code}); "
                    f"open documents are lost, the next call starts a new session\n{logs}"
                )
            self.start()
            assert self._worker is not None and self._worker.stdin is not None
            self._next_id += 1
            rid = self._next_id
            try:
                self._worker.stdin.write(
                    json.dumps({"id": rid, "cmd": cmd, "args": args}, ensure_ascii=False) + "\n"
                )
                self._worker.stdin.flush()
            except OSError as err:
                logs = self._logs_then_stop()
                raise OfficeError(f"LibreOffice worker is gone ({err})\n{logs}") from err
            reply = self._next_reply(timeout or self.call_timeout, cmd)
            if reply.get("id") != rid:
                logs = self._logs_then_stop()
                raise OfficeError(f"worker answered out of turn: {reply!r}\n{logs}")
            if not reply["ok"]:
                if self._soffice_died(reply["error"]):
                    code = self._soffice.returncode if self._soffice else None
                    logs = self._logs_then_stop()
                    raise OfficeError(
                        f"LibreOffice (soffice) died during {cmd!r} (exit code {code}); "
                        f"the next call starts a new session\n{reply['error']}\n{logs}"
                    )
                trace = f"\n{reply['trace']}" if reply.get("trace") else ""
                raise OfficeError(f"{cmd}: {reply['error']}{trace}")
            return reply["result"]

    def _soffice_died(self, error: str) -> bool:
        if self._soffice is None:
            return True
        if "Disposed" in error or "bridge" in error:
            try:
                self._soffice.wait(5)  # a crash takes a moment to finish
            except subprocess.TimeoutExpired:
                pass
        return self._soffice.poll() is not None

    # -- documents ----------------------------------------------------------------

    def open(self, path: Path) -> str:
        """Open a private copy of path (hidden); returns the document handle."""
        path = Path(path).resolve()
        if not path.is_file():
            raise FileNotFoundError(path)
        self.start()
        assert self._dir is not None
        copy_dir = Path(tempfile.mkdtemp(prefix="doc-", dir=self._dir))
        copy = copy_dir / path.name
        shutil.copy2(path, copy)
        handle = self.call("open", path=str(copy))
        self._paths[handle] = copy
        return handle

    def close(self, doc: str) -> None:
        """Close a document without saving."""
        self.call("close", doc=doc)
        copy = self._paths.pop(doc, None)
        if copy is not None:
            shutil.rmtree(copy.parent, ignore_errors=True)

    def save_as(self, doc: str, path: Path, fmt: str | None = None) -> Path:
        """Store doc as xlsx, xls or ods (by default from path's extension), as a user's Save As."""
        path = Path(path).resolve()
        fmt = fmt or path.suffix.lstrip(".").lower()
        if fmt not in SAVE_FILTERS:
            raise ValueError(f"save_as: format {fmt!r} not in {sorted(SAVE_FILTERS)}")
        path.parent.mkdir(parents=True, exist_ok=True)
        self.call("save_as", doc=doc, path=str(path), filter_name=SAVE_FILTERS[fmt])
        return path

    def convert(self, src: Path, fmt: str, outdir: Path) -> Path:
        """Same as the module's convert(), through this session's soffice (no cold start)."""
        src, outdir = Path(src).resolve(), Path(outdir).resolve()
        if fmt not in _EXPORT:
            raise ValueError(f"unknown format {fmt!r}; expected one of {sorted(_EXPORT)}")
        outdir.mkdir(parents=True, exist_ok=True)
        out = outdir / f"{src.stem}.{fmt}"
        filter_name = filter_options = None
        if src.suffix.lower() == ".txt":
            if fmt in SPREADSHEET_FORMATS:
                filter_name, filter_options = TEXT_CSV_FILTER, TEXT_CSV_OPTIONS
            else:
                filter_name, filter_options = TEXT_WRITER_FILTER, TEXT_WRITER_OPTIONS
        elif src.suffix.lower() in (".html", ".htm"):
            filter_name = HTML_WRITER_FILTER
        self.call(
            "convert",
            src=str(src),
            out=str(out),
            fmt=fmt,
            filter_name=filter_name,
            filter_options=filter_options,
        )
        return out

    def export_pdf(self, path_in: Path, pdf_out: Path) -> Path:
        """Print a spreadsheet or text document to PDF with its own page setup."""
        pdf_out = Path(pdf_out).resolve()
        pdf_out.parent.mkdir(parents=True, exist_ok=True)
        self.call("export_pdf", src=str(Path(path_in).resolve()), out=str(pdf_out))
        return pdf_out

    # -- sheets -------------------------------------------------------------------

    def sheets(self, doc: str) -> list[dict[str, Any]]:
        """[{name, state, protected}] in order; state is visible, hidden or veryHidden.

        LibreOffice only knows hidden; "veryHidden" is read from the opened .xlsx file
        itself for sheets still hidden (a LibreOffice save turns veryHidden into hidden).
        """
        very_hidden = _xlsx_very_hidden(self._paths.get(doc))
        out = []
        for info in self.call("sheets", doc=doc):
            if info["visible"]:
                state = "visible"
            else:
                state = "veryHidden" if info["name"] in very_hidden else "hidden"
            out.append({"name": info["name"], "state": state, "protected": info["protected"]})
        return out

    def sheet_protected(self, doc: str, sheet: Sheet) -> bool:
        return self.call("sheet_protected", doc=doc, sheet=sheet)

    def unprotect(self, doc: str, sheet: Sheet, password: str = "") -> None:
        """Remove sheet protection, as a user who knows (or needs no) password would."""
        self.call("unprotect", doc=doc, sheet=sheet, password=password)

    def protect(self, doc: str, sheet: Sheet, password: str = "") -> None:
        self.call("protect", doc=doc, sheet=sheet, password=password)

    def rename_sheet(self, doc: str, sheet: Sheet, new_name: str) -> None:
        self.call("rename_sheet", doc=doc, sheet=sheet, new_name=new_name)

    def set_sheet_visible(self, doc: str, sheet: Sheet, visible: bool) -> None:
        self.call("set_sheet_visible", doc=doc, sheet=sheet, visible=visible)

    def used_area(self, doc: str, sheet: Sheet) -> tuple[int, int]:
        """(rows, columns) up to the last used cell."""
        rows, cols = self.call("used_area", doc=doc, sheet=sheet)
        return rows, cols

    # -- cells --------------------------------------------------------------------

    def get(self, doc: str, sheet: Sheet, row: int, col: int) -> Cell:
        info = self.call("get", doc=doc, sheet=sheet, row=row, col=col)
        value = info["value"]
        if info["type"] == "date":
            value = dt.datetime.fromisoformat(value)
            if value.time() == dt.time(0):
                value = value.date()
        return Cell(type=info["type"], value=value, text=info["text"], formula=info["formula"])

    def set_string(self, doc: str, sheet: Sheet, row: int, col: int, text: str) -> None:
        """Type text as text: "=1+2" and "012" stay strings. Ignores protection (check it!)."""
        self.call("set_string", doc=doc, sheet=sheet, row=row, col=col, text=text)

    def set_number(self, doc: str, sheet: Sheet, row: int, col: int, value: float) -> None:
        self.call("set_number", doc=doc, sheet=sheet, row=row, col=col, value=value)

    def set_date(self, doc: str, sheet: Sheet, row: int, col: int, date: dt.date) -> None:
        """A real date cell, as typing 05/09/2026 makes (the cell's date format, else DD/MM/YYYY)."""
        self.call("set_date", doc=doc, sheet=sheet, row=row, col=col, iso=date.isoformat())

    def set_formula(self, doc: str, sheet: Sheet, row: int, col: int, formula: str) -> None:
        """A formula in English function names, e.g. "=SUM(A1:A3)"."""
        self.call("set_formula", doc=doc, sheet=sheet, row=row, col=col, formula=formula)

    def find(self, doc: str, sheet: Sheet, text: str) -> tuple[int, int] | None:
        """(row, col) of the first cell (row by row) whose text is exactly text, else None."""
        found = self.call("find", doc=doc, sheet=sheet, text=text)
        return None if found is None else (found[0], found[1])

    def cell_protection(self, doc: str, sheet: Sheet, row: int, col: int) -> dict[str, bool]:
        """{locked, hidden, formula_hidden}: what protection would do if the sheet is protected."""
        return self.call("cell_protection", doc=doc, sheet=sheet, row=row, col=col)

    def validation(self, doc: str, sheet: Sheet, row: int, col: int) -> dict[str, Any]:
        """{type, operator, formula1, formula2, values, ...}; type "any" when none.

        type is any, whole, decimal, date, time, text_len, list or custom; values holds the
        entries of a list (literal, range or defined name), else None.
        """
        return self.call("validation", doc=doc, sheet=sheet, row=row, col=col)

    # -- structure ----------------------------------------------------------------

    def insert_columns(self, doc: str, sheet: Sheet, col: int, count: int = 1) -> None:
        """Insert columns before col; OfficeError on a protected sheet (unprotect first)."""
        self.call("insert_columns", doc=doc, sheet=sheet, col=col, count=count)

    def delete_columns(self, doc: str, sheet: Sheet, col: int, count: int = 1) -> None:
        self.call("delete_columns", doc=doc, sheet=sheet, col=col, count=count)

    def insert_rows(self, doc: str, sheet: Sheet, row: int, count: int = 1) -> None:
        """Insert rows before row; OfficeError on a protected sheet (unprotect first)."""
        self.call("insert_rows", doc=doc, sheet=sheet, row=row, count=count)

    def delete_rows(self, doc: str, sheet: Sheet, row: int, count: int = 1) -> None:
        self.call("delete_rows", doc=doc, sheet=sheet, row=row, count=count)

    def sort_rows(
        self,
        doc: str,
        sheet: Sheet,
        first_row: int,
        last_row: int,
        key_col: int,
        descending: bool = False,
    ) -> None:
        """Sort whole rows first_row..last_row (inclusive) by key_col, like Data > Sort.

        Cells keep their types and formats (dates stay dates). Refused on a protected sheet.
        """
        self.call(
            "sort_rows",
            doc=doc,
            sheet=sheet,
            first_row=first_row,
            last_row=last_row,
            key_col=key_col,
            descending=descending,
        )

    def hide_row(self, doc: str, sheet: Sheet, row: int, hidden: bool = True) -> None:
        self.call("hide_row", doc=doc, sheet=sheet, row=row, hidden=hidden)

    def hide_column(self, doc: str, sheet: Sheet, col: int, hidden: bool = True) -> None:
        self.call("hide_column", doc=doc, sheet=sheet, col=col, hidden=hidden)

    def merge(self, doc: str, sheet: Sheet, cell_range: str) -> None:
        """Merge an A1-style range such as "B3:D3"."""
        self.call("merge", doc=doc, sheet=sheet, cell_range=cell_range)

    def move_sheet(self, doc: str, sheet: Sheet, position: int) -> None:
        self.call("move_sheet", doc=doc, sheet=sheet, position=position)

    def add_sheet(self, doc: str, name: str, position: int) -> None:
        self.call("add_sheet", doc=doc, name=name, position=position)

    def remove_sheet(self, doc: str, sheet: Sheet) -> None:
        self.call("remove_sheet", doc=doc, sheet=sheet)

    def copy_sheet(self, doc: str, sheet: Sheet, new_name: str, position: int) -> None:
        """Copy a sheet inside the workbook (Move or Copy Sheet → Copy)."""
        self.call("copy_sheet", doc=doc, sheet=sheet, new_name=new_name, position=position)

    def copy_to_new(self, doc: str, sheet: Sheet) -> str:
        """Copy one sheet into a new workbook (Move or Copy Sheet → new document); its handle."""
        return self.call("copy_to_new", doc=doc, sheet=sheet)

    def set_column_width(self, doc: str, sheet: Sheet, col: int, width: int) -> None:
        """Column width in 1/100 mm."""
        self.call("set_column_width", doc=doc, sheet=sheet, col=col, width=width)

    def set_text_format(self, doc: str, sheet: Sheet, row: int, col: int) -> None:
        """Format one cell as Text ("@")."""
        self.call("set_text_format", doc=doc, sheet=sheet, row=row, col=col)

    def autofilter(
        self,
        doc: str,
        sheet: Sheet,
        first_row: int,
        last_row: int,
        last_col: int,
        key_col: int,
        value: str,
    ) -> list[int]:
        """AutoFilter first_row (header)..last_row keeping rows whose key_col is value; the
        0-based rows it hid."""
        return self.call(
            "autofilter",
            doc=doc,
            sheet=sheet,
            first_row=first_row,
            last_row=last_row,
            last_col=last_col,
            key_col=key_col,
            value=value,
        )


def _xlsx_very_hidden(path: Path | None) -> set[str]:
    """Names of the sheets an .xlsx file marks state="veryHidden"."""
    if path is None or path.suffix.lower() != ".xlsx":
        return set()
    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("xl/workbook.xml").decode("utf-8")
    except (OSError, KeyError, zipfile.BadZipFile):
        return set()
    names = set()
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*>", xml):
        if re.search(r'\bstate="veryHidden"', tag):
            found = re.search(r'\bname="([^"]*)"', tag)
            if found:
                names.add(html.unescape(found.group(1)))
    return names


_shared: OfficeSession | None = None


def shared_session() -> OfficeSession:
    """The process-wide session behind the ``office`` fixture.

    One object even if the fixture is registered twice (conftest plugin and a module's
    own import), so a test run never starts two soffice for nothing.
    """
    global _shared
    if _shared is None:
        _shared = OfficeSession()
        atexit.register(_shared.shutdown)  # also after Ctrl-C or a crashed run
    return _shared


@pytest.fixture(scope="session")
def office() -> Iterator[OfficeSession]:
    """One LibreOffice for the whole test run, started on first use; skips when missing."""
    require_office()
    session = shared_session()
    try:
        yield session
    finally:
        session.shutdown()


# ---------------------------------------------------------------------------------------
# PDF helpers (poppler)


def pdf_pages(pdf: Path) -> list[str]:
    """Text of each page (pdftotext -layout), in order."""
    tool = _require_tool("pdftotext")
    run = subprocess.run(
        [tool, "-layout", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )
    if run.returncode != 0:
        raise OfficeError(f"pdftotext failed on {pdf}: {run.stderr}")
    pages = run.stdout.split("\f")
    if pages and pages[-1].strip() == "":
        pages.pop()  # pdftotext ends every page, the last one too, with a form feed
    return pages


def pdf_page_size(pdf: Path, page: int = 1) -> tuple[float, float]:
    """(width, height) in points of a 1-based page; A4 landscape is about (842, 595)."""
    tool = _require_tool("pdfinfo")
    run = subprocess.run(
        [tool, "-f", str(page), "-l", str(page), str(pdf)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    match = re.search(r"Page\s+\d+\s+size:\s+([\d.]+)\s+x\s+([\d.]+)", run.stdout) or re.search(
        r"Page size:\s+([\d.]+)\s+x\s+([\d.]+)", run.stdout
    )
    if run.returncode != 0 or not match:
        raise OfficeError(f"pdfinfo failed on {pdf}: {run.stderr or run.stdout}")
    return float(match.group(1)), float(match.group(2))


def pdf_page_count(pdf: Path) -> int:
    tool = _require_tool("pdfinfo")
    run = subprocess.run([tool, str(pdf)], capture_output=True, text=True, timeout=60)
    match = re.search(r"Pages:\s+(\d+)", run.stdout)
    if run.returncode != 0 or not match:
        raise OfficeError(f"pdfinfo failed on {pdf}: {run.stderr or run.stdout}")
    return int(match.group(1))


def pdf_to_png(pdf: Path, outdir: Path, dpi: int = 60) -> list[Path]:
    """One PNG per page (pdftoppm), for a person to look at; returns them in page order."""
    tool = _require_tool("pdftoppm")
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    prefix = outdir / Path(pdf).stem
    run = subprocess.run(
        [tool, "-png", "-r", str(dpi), str(pdf), str(prefix)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    if run.returncode != 0:
        raise OfficeError(f"pdftoppm failed on {pdf}: {run.stderr}")
    return sorted(outdir.glob(f"{prefix.name}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1]))


__all__ = [
    "Cell",
    "OfficeError",
    "OfficeSession",
    "convert",
    "office",
    "pdf_page_count",
    "pdf_page_size",
    "pdf_pages",
    "pdf_to_png",
    "require_office",
    "shared_session",
    "soffice_path",
    "text_to_docx_with_tables",
    "text_to_html",
]
