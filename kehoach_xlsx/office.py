"""LibreOffice, when the machine has it: find soffice and print a document to PDF.

Only the PDF copies of the brief and the draft report need it; everything else works
without. Windows and macOS installs are not on PATH, so their usual folders are searched.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from kehoach_xlsx.errors import KehoachError

SOFFICE_ENV = "KEHOACH_SOFFICE"
INSTALL_FOLDERS = (
    "/usr/lib/libreoffice/program/soffice",
    "/opt/libreoffice/program/soffice",
    "/Applications/LibreOffice.app/Contents/MacOS/soffice",
    r"C:\Program Files\LibreOffice\program\soffice.exe",
    r"C:\Program Files (x86)\LibreOffice\program\soffice.exe",
)
CONVERT_TIMEOUT = 180


class OfficeMissing(KehoachError):
    """No LibreOffice here: the PDF copies cannot be made (the .xlsx/.docx still are)."""

    exit_code = 0


def find_soffice() -> str | None:
    """soffice's path: $KEHOACH_SOFFICE, PATH, then the usual install folders; else None."""
    override = os.environ.get(SOFFICE_ENV)
    if override:
        return override if Path(override).is_file() else None
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    from kehoach_xlsx.platform import soffice_candidates

    for candidate in (*INSTALL_FOLDERS, *soffice_candidates()):
        if Path(candidate).is_file():
            return str(candidate)
    return None


MISSING_MESSAGE = (
    "Không tìm thấy LibreOffice nên chưa tạo bản PDF; tệp Excel và Word vẫn đã ghi đủ. "
    "Cài LibreOffice (libreoffice.org) hoặc đặt biến môi trường KEHOACH_SOFFICE trỏ tới "
    "tệp soffice, rồi chạy lại với --pdf."
)


def to_pdf(sources: list[Path], outdir: Path) -> list[Path]:
    """Print each source (xlsx, docx) to outdir/<stem>.pdf with its own page setup.

    One soffice run with a private profile (a user's open LibreOffice is not disturbed);
    each PDF is written beside under a temporary name and renamed, so a failed run leaves
    the previous PDF in place. Raises OfficeMissing or KehoachError.
    """
    soffice = find_soffice()
    if soffice is None:
        raise OfficeMissing(MISSING_MESSAGE)
    outdir = Path(outdir)
    with tempfile.TemporaryDirectory(prefix="kehoach-pdf-") as scratch:
        work = Path(scratch)
        profile = (work / "profile").as_uri()
        command = [
            soffice, "--headless", "--norestore", "--nologo", "--nolockcheck",
            f"-env:UserInstallation={profile}", "--convert-to", "pdf",
            "--outdir", str(work / "out"), *[str(Path(s).resolve()) for s in sources],
        ]  # fmt: skip
        try:
            run = subprocess.run(
                command, capture_output=True, text=True, errors="replace", timeout=CONVERT_TIMEOUT
            )
        except subprocess.TimeoutExpired as err:
            raise KehoachError(
                f"LibreOffice không in xong bản PDF sau {CONVERT_TIMEOUT} giây; hãy thử lại."
            ) from err
        except OSError as err:
            raise KehoachError(f"Không chạy được LibreOffice ({soffice}): {err}.") from err
        written = []
        for source in sources:
            made = work / "out" / f"{Path(source).stem}.pdf"
            if not made.is_file() or made.stat().st_size == 0:
                raise KehoachError(
                    f"LibreOffice không in được {Path(source).name} ra PDF "
                    f"(mã thoát {run.returncode}): {(run.stdout + run.stderr).strip()[-300:]}"
                )
            target = outdir / made.name
            temp = outdir / f".~{made.name}"
            shutil.copyfile(made, temp)
            os.replace(temp, target)
            written.append(target)
    return written
