"""The tracking workspace: one folder per plan, holding the assignment workbook and the ledger.

DIR/phan-cong.xlsx       the coordinator's control panel (he edits it)
DIR/kehoach.sqlite       ledger (books sent, files received, answers per period)
DIR/kehoach.toml         settings (contact, mail server, due-soon window)
DIR/plan.json            the plan as read at init
DIR/ke-hoach/            copies of the plan documents
DIR/outgoing/<period>/   unit workbooks for that period
DIR/returned/            every received file, never modified
DIR/reports/             consolidated reports
DIR/archive/             older versions of phan-cong.xlsx
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from kehoach_xlsx.errors import WorkspaceError
from kehoach_xlsx.fileio import atomic_write_text
from kehoach_xlsx.ledger import Ledger

ASSIGNMENT = "phan-cong.xlsx"
LEDGER = "kehoach.sqlite"
SETTINGS = "kehoach.toml"
PLAN_JSON = "plan.json"
FOLDERS = ("ke-hoach", "outgoing", "returned", "reports", "archive")

DEFAULT_SETTINGS = """\
# Cài đặt của sổ theo dõi kế hoạch (kehoach). Sửa bằng Notepad, lưu dạng UTF-8.

[chung]
# Đơn vị đầu mối và người liên hệ, in trên tệp gửi các đơn vị
don_vi_dau_moi = "Văn phòng HĐND và UBND"
lien_he = ""
# Báo "sắp đến hạn" khi còn ít hơn số ngày này
sap_den_han_ngay = 7
# Kỳ báo cáo: "thang", "quy", "nam"
ky_bao_cao = "thang"
# Số ngày (sau ngày đầu kỳ sau) mà các đơn vị phải gửi báo cáo
han_gui_sau_ngay = 5

[mail]
# Máy chủ thư đi (SMTP). Mật khẩu KHÔNG ghi ở đây: đặt biến môi trường KEHOACH_SMTP_PASSWORD
# hoặc lưu trong keyring của hệ thống.
host = ""
port = 587
user = ""
security = "starttls"      # starttls, ssl hoặc none
sender = ""
sender_name = "Văn phòng HĐND và UBND"
# Hộp thư nhận báo cáo (IMAP)
imap_host = ""
imap_port = 993
imap_user = ""
imap_folder = "INBOX"
# Gửi báo cáo tổng hợp cho (danh sách địa chỉ)
report_to = []
"""


def utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def plan_identity(plan_dict: dict[str, Any]) -> str:
    """A short id of the plan that every unit workbook carries: same plan, same id."""
    meta = plan_dict.get("plan", {})
    basis = json.dumps(
        [meta.get("number"), meta.get("title"), [t["id"] for t in plan_dict.get("tasks", [])]],
        ensure_ascii=False,
    )
    return hashlib.sha256(basis.encode("utf-8")).hexdigest()[:12]


@dataclass
class Workspace:
    root: Path
    settings: dict[str, Any] = field(default_factory=dict)
    # (mtime_ns, size) of plan.json, its parsed content and its identity
    _plan_cache: tuple[tuple[int, int], dict[str, Any], str] | None = field(
        default=None, repr=False, compare=False
    )

    # ---- paths -------------------------------------------------------------------------------
    @property
    def assignment_path(self) -> Path:
        return self.root / ASSIGNMENT

    @property
    def ledger_path(self) -> Path:
        return self.root / LEDGER

    @property
    def plan_path(self) -> Path:
        return self.root / PLAN_JSON

    @property
    def returned_dir(self) -> Path:
        return self.root / "returned"

    @property
    def reports_dir(self) -> Path:
        return self.root / "reports"

    @property
    def archive_dir(self) -> Path:
        return self.root / "archive"

    def outgoing_dir(self, period: str) -> Path:
        return self.root / "outgoing" / period

    def ledger(self) -> Ledger:
        return Ledger(self.ledger_path)

    def stored(self, path: Path) -> str:
        """How a path inside the workspace is written to the ledger and JSON: relative, with
        "/" on every system, so a workspace copied between Windows and Linux still reads."""
        return stored_path(path, self.root)

    def path_of(self, stored: str) -> Path:
        """The file a stored path names; paths stored with "\\" by older Windows runs too."""
        return self.root.joinpath(*stored.replace("\\", "/").split("/"))

    # ---- content -----------------------------------------------------------------------------
    def plan_dict(self) -> dict[str, Any]:
        """The parsed plan.json, read once per change of the file (treat it as read-only):
        a province's split or collect asks for it per unit and per file."""
        try:
            stat = self.plan_path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size)
            cached = self._plan_cache
            if cached is None or cached[0] != stamp:
                data = json.loads(self.plan_path.read_text(encoding="utf-8"))
                cached = self._plan_cache = (stamp, data, plan_identity(data))
            return cached[1]
        except (OSError, ValueError) as err:
            raise WorkspaceError(
                f"Không đọc được {self.plan_path.name} trong {self.root}. Hãy chạy lại "
                "“kehoach init … --update”."
            ) from err

    @property
    def plan_id(self) -> str:
        self.plan_dict()
        assert self._plan_cache is not None
        return self._plan_cache[2]

    def plan_date(self) -> date | None:
        value = self.plan_dict().get("plan", {}).get("date")
        return date.fromisoformat(value) if value else None

    def setting(self, section: str, key: str, default: Any = None) -> Any:
        return self.settings.get(section, {}).get(key, default)

    # ---- lifecycle -----------------------------------------------------------------------------
    @classmethod
    def open(cls, root: str | Path) -> Workspace:
        root = Path(root)
        if not (root / ASSIGNMENT).exists() or not (root / LEDGER).exists():
            raise WorkspaceError(
                f"{root} chưa phải là sổ theo dõi kế hoạch (thiếu {ASSIGNMENT} hoặc {LEDGER}). "
                f"Hãy chạy trước: kehoach init {root} --plan <tệp kế hoạch>"
            )
        return cls(root=root, settings=read_settings(root / SETTINGS))

    @classmethod
    def create_folders(cls, root: Path) -> Workspace:
        root.mkdir(parents=True, exist_ok=True)
        for name in FOLDERS:
            (root / name).mkdir(exist_ok=True)
        settings_path = root / SETTINGS
        if not settings_path.exists():
            atomic_write_text(settings_path, DEFAULT_SETTINGS)
        return cls(root=root, settings=read_settings(settings_path))

    def safe_child(self, *parts: str) -> Path:
        """A path inside the workspace; anything that would escape it is refused."""
        path = self.root.joinpath(*parts).resolve()
        if not path.is_relative_to(self.root.resolve()):
            raise WorkspaceError(f"Đường dẫn {'/'.join(parts)} nằm ngoài sổ theo dõi; không ghi.")
        return path


def stored_path(path: Path, root: Path) -> str:
    """`path` relative to `root` with "/" separators (an outside path stays absolute)."""
    path = Path(path)
    if path.is_relative_to(root):
        return path.relative_to(root).as_posix()
    return path.as_posix()


def read_settings(path: Path) -> dict[str, Any]:
    if not path.exists():
        return tomllib.loads(DEFAULT_SETTINGS)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as err:
        raise WorkspaceError(
            f"Tệp cài đặt {path.name} có lỗi cú pháp ({err}). Hãy sửa lại hoặc xoá để dùng mặc định."
        ) from err
