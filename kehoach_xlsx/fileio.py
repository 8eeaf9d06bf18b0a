"""Writing files so that a crash never leaves half a file where a good one was.

Every temporary file is written beside its target with a name starting ".~" (hidden, and
recognisable), then renamed over the target; a run that is killed leaves only such names,
which `clean_leftovers` removes on the next run.
"""

from __future__ import annotations

import errno
import os
import shutil
import stat
import tempfile
import time
from pathlib import Path

from kehoach_xlsx.errors import FileAccessError
from kehoach_xlsx.platform import make_writable

TEMP_PREFIX = ".~"
# LibreOffice marks a file open for editing with ".~lock.<name>#": that one is not ours.
OFFICE_LOCK_PREFIX = ".~lock."
# Older temporary names: fileio ".<name>.<random>.tmp", collect ".nhan-<random>.tmp".
LEGACY_TEMP_SUFFIX = ".tmp"


def temp_path(target: Path, suffix: str | None = None) -> Path:
    """A fresh temporary name beside `target` (same folder, so the rename is atomic)."""
    handle, temp = tempfile.mkstemp(
        dir=target.parent,
        prefix=f"{TEMP_PREFIX}{target.stem}.",
        suffix=suffix if suffix is not None else target.suffix or LEGACY_TEMP_SUFFIX,
    )
    os.close(handle)
    return Path(temp)


def atomic_write_bytes(path: Path, data: bytes) -> None:
    """Write a file so that a crash never leaves half a file where a good one was."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp = temp_path(path)
    except OSError as err:
        raise FileAccessError(explain_os_error(err, path)) from err
    try:
        with open(temp, "wb") as out:
            out.write(data)
        os.chmod(temp, _usual_mode(path))
        replace_file(temp, path)
    except OSError as err:
        temp.unlink(missing_ok=True)
        raise FileAccessError(explain_os_error(err, path)) from err
    except BaseException:
        temp.unlink(missing_ok=True)
        raise


def _usual_mode(path: Path) -> int:
    """The mode the file had, else what a plain open() would give (mkstemp gives 0600)."""
    try:
        return stat.S_IMODE(path.stat().st_mode)
    except OSError:
        mask = os.umask(0)
        os.umask(mask)
        return 0o666 & ~mask


def atomic_write_text(path: Path, text: str) -> None:
    atomic_write_bytes(path, text.encode("utf-8"))


def replace_file(source: Path, target: Path, attempts: int = 3) -> None:
    """os.replace, retried briefly: on Windows an antivirus or the search indexer may hold the
    target for a moment; a file open in Excel stays locked and the PermissionError is raised."""
    for attempt in range(attempts):
        try:
            os.replace(source, target)
            return
        except PermissionError:
            if attempt == attempts - 1:
                raise
            make_writable(Path(target))
            time.sleep(0.2 * (attempt + 1))


def remove_file(path: Path) -> None:
    """Delete a file even when it is read-only (received files are kept read-only)."""
    path = Path(path)
    try:
        path.unlink(missing_ok=True)
    except PermissionError:
        make_writable(path)
        path.unlink(missing_ok=True)


def move_file(source: Path, target: Path) -> Path:
    """Move a file (archive a read-only receipt, for example); the folder is created."""
    source, target = Path(source), Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    make_writable(source)
    shutil.move(str(source), str(target))
    return target


def is_leftover(path: Path) -> bool:
    """A temporary file one of our runs left behind (never LibreOffice's own lock file)."""
    name = path.name
    if name.startswith(OFFICE_LOCK_PREFIX):
        return False
    if name.startswith(TEMP_PREFIX):
        return True
    return name.startswith(".") and name.endswith(LEGACY_TEMP_SUFFIX)


def clean_leftovers(root: Path, folders: tuple[str, ...] = ()) -> list[Path]:
    """Remove temporary files left by killed runs in root and the given sub-folders (one level
    below each too, e.g. outgoing/<period>/). Call only while holding the workspace lock."""
    removed = []
    places = [Path(root)]
    for folder in folders:
        base = Path(root) / folder
        if base.is_dir():
            places.append(base)
            places.extend(p for p in base.iterdir() if p.is_dir() and not p.is_symlink())
    for place in places:
        try:
            entries = list(place.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.is_file() and not entry.is_symlink() and is_leftover(entry):
                try:
                    remove_file(entry)
                except OSError:
                    continue  # still open somewhere (Windows): try again next run
                removed.append(entry)
    return removed


def explain_os_error(err: OSError, path: Path | str | None = None) -> str:
    """A Vietnamese sentence for an OSError: which file, what happened, what to do.

    `path` names the file when the error does not (a write that fails on a full disk)."""
    # os.replace(temp, target) names the temp first: the user knows the target
    name = err.filename2 or err.filename or path
    shown = _shown_name(name)
    code = err.errno
    if code in (errno.ENOSPC, getattr(errno, "EDQUOT", -1)) or _is_disk_full(err):
        where = f" khi ghi {shown}" if shown else ""
        return (
            f"Đĩa đã đầy{where}. Hãy giải phóng chỗ trống trên ổ đĩa (xoá bớt tệp không cần) "
            "rồi chạy lại lệnh; các tệp cũ vẫn nguyên vẹn."
        )
    if isinstance(err, PermissionError) or code in (errno.EACCES, errno.EPERM):
        target = shown or "tệp"
        return (
            f"Không ghi hoặc đọc được {target}: tệp đang mở trong chương trình khác hoặc không "
            f"có quyền. Hãy đóng tệp {target} trong Excel (hoặc chương trình đang mở nó) rồi "
            "chạy lại lệnh; nếu vẫn lỗi, kiểm tra quyền ghi vào thư mục."
        )
    if code == errno.EROFS:
        return f"Ổ đĩa chứa {shown or 'sổ theo dõi'} chỉ cho đọc. Hãy chép sổ sang ổ khác."
    if isinstance(err, FileNotFoundError):
        return f"Không tìm thấy {shown or 'tệp'}. Kiểm tra lại đường dẫn rồi chạy lại lệnh."
    if isinstance(err, (FileExistsError, NotADirectoryError)):
        return (
            f"Ở chỗ {shown} đã có một tệp hoặc thư mục khác loại cần ghi. Hãy đổi tên hoặc "
            "chuyển nó đi rồi chạy lại lệnh."
        )
    if isinstance(err, IsADirectoryError):
        return f"{shown} là một thư mục, không phải tệp. Hãy đổi tên hoặc xoá thư mục đó."
    reason = err.strerror or str(err)
    return f"Lỗi khi đọc/ghi {shown or 'tệp'} ({reason}). Hãy kiểm tra ổ đĩa rồi chạy lại lệnh."


def _shown_name(name: object) -> str:
    if not name:
        return ""
    path = Path(os.fsdecode(name))
    if path.name.startswith(TEMP_PREFIX):  # a temp file: name the folder the user looks at
        return str(path.parent)
    return str(path)


def _is_disk_full(err: OSError) -> bool:
    return "disk is full" in str(err) or "No space left" in str(err)
