"""The words plans use: column headers, field labels, headings, boilerplate.

Everything is compared in folded form (no accents, lower case), so "Cơ quan chủ trì",
"CƠ QUAN CHỦ TRÌ" and an NFD "Cơ quan chủ trì" all match.
"""

from __future__ import annotations

import re
from functools import lru_cache

from kehoach_xlsx.vntext import fold

# Field -> header texts met in real appendices (folded, "/" and extra spaces removed).
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "number": ("tt", "stt", "so tt", "so thu tu"),
    "id": ("ma nv", "ma nhiem vu"),
    "title": (
        "nhiem vu",
        "noi dung",
        "noi dung cong viec",
        "noi dung nhiem vu",
        "noi dung trien khai",
        "ten nhiem vu",
        "nhiem vu giai phap",
        "cong viec",
        "ten du an",
        "ten du an nhiem vu",
        "ten de an du an",
    ),
    "activity": ("hoat dong cu the", "hoat dong", "cac hoat dong"),
    "goal": ("muc tieu",),
    "lead": (
        "co quan chu tri",
        "don vi chu tri",
        "co quan don vi chu tri",
        "chu tri",
        "don vi thuc hien",
        "co quan thuc hien",
        "co quan tham muu thuc hien",
        "don vi bo phan thuc hien",
        "bo phan thuc hien",
        "don vi",
        "co quan chu tri tham muu",
        "don vi tham muu",
        "trach nhiem thuc hien",
    ),
    "coordinate": (
        "co quan phoi hop",
        "don vi phoi hop",
        "co quan don vi phoi hop",
        "phoi hop",
        "co quan don vi phoi hop thuc hien",
    ),
    "outputs": (
        "san pham dau ra",
        "san pham",
        "ket qua",
        "ket qua mong doi",
        "ket qua du kien",
        "hinh thuc van ban",
        "san pham du kien",
        "hinh thuc san pham",
    ),
    "deadline": (
        "tien do thuc hien",
        "tien do",
        "thoi gian thuc hien",
        "thoi gian hoan thanh",
        "thoi han",
        "thoi han ban hanh",
        "thoi han hoan thanh",
        "thoi gian",
        "thoi gian thuc hien hoan thanh",
        # under "Thời gian thực hiện": "Bắt đầu | Hoàn thành" — the end is the deadline
        "hoan thanh",
        "ket thuc",
        "thoi gian ket thuc",
        "ngay hoan thanh",
    ),
    "override": ("han do dieu phoi dat",),
    "kind": ("loai han",),
    "note": ("ghi chu",),
    # columns that are none of our roles: they are kept as text, never read as a unit or date
    "indicator": ("chi tieu", "ten chi tieu", "chi tieu cu the"),  # a table of targets
    "person": (
        "nguoi dung dau",
        "nguoi dung dau chiu trach nhiem",
        "nguoi chiu trach nhiem",
        "lanh dao phu trach",
        "lanh dao chi dao",
        "can bo phu trach",
        "ho va ten",
        "ho ten",
        "chuc vu",
        "chuc danh",
    ),
    "start": ("bat dau", "thoi gian bat dau", "ngay bat dau", "khoi cong"),
    "funding": (
        "nguon kinh phi",
        "kinh phi",
        "kinh phi thuc hien",
        "du kien kinh phi",
        "du toan kinh phi",
        "nguon von",
    ),
}
NON_ROLE_FIELDS = ("person", "funding", "note", "indicator", "start")

# Labels of the prose form: "- Cơ quan chủ trì: …", "a) Cơ quan thực hiện: …".
LABEL_SYNONYMS: dict[str, tuple[str, ...]] = {
    # a bare "Đơn vị:" line is too common in prose to mean the lead unit
    "lead": tuple(
        n for n in COLUMN_SYNONYMS["lead"] if n not in {"don vi", "trach nhiem thuc hien"}
    )
    + ("co quan tham muu",),
    "coordinate": COLUMN_SYNONYMS["coordinate"],
    "outputs": COLUMN_SYNONYMS["outputs"],
    "deadline": COLUMN_SYNONYMS["deadline"],
}


def header_key(text: str) -> str:
    """Folded header text without punctuation: "Đơn vị/ Bộ phận thực hiện" -> "don vi bo phan thuc hien"."""
    folded = fold(text)
    folded = re.sub(r"\(.*?\)", " ", folded)  # "(dự kiến)" and similar remarks
    return " ".join(re.sub(r"[^a-z0-9 ]+", " ", folded).split())


@lru_cache(maxsize=8192)
def column_field(text: str) -> str | None:
    """Which field a header cell names, or None (cached: every table cell is asked)."""
    if len(text) > 80:
        return None  # a header cell is a few words; long cells are content
    key = header_key(text)
    if not key:
        return None
    for field_name, names in COLUMN_SYNONYMS.items():
        if key in names:
            return field_name
    # "Cơ quan chủ trì thực hiện", "Thời gian hoàn thành dự kiến": a known name at the start
    for field_name, names in COLUMN_SYNONYMS.items():
        for name in names:
            if len(name) > 5 and key.startswith(name + " "):
                return field_name
    return None


def header_fields(cells: list[str]) -> dict[str, int] | None:
    """Column index per field when the row is an appendix header row, else None.

    A header row names the task column and at least one assignment column (lead, outputs or
    deadline) — this is what tells a table of tasks from any other table.
    """
    found: dict[str, int] = {}
    for index, cell in enumerate(cells):
        field_name = column_field(cell)
        if field_name and field_name not in found:
            found[field_name] = index
    counted = {k: v for k, v in found.items() if k not in {"person", "funding", "start"}}
    has_task = "title" in found or "activity" in found or "goal" in found
    if has_task and "lead" in found and len(counted) >= 3:
        return found
    if has_task and len(counted) >= 4:
        return found
    return None


_LABEL_PREFIX = re.compile(
    r"^\s*(?:[-–—+•*]\s*)?(?:[a-zđ][).:/]\s*)?(?:[-–—+•*]\s*)?", re.IGNORECASE
)
_LABELS_FOLDED: list[tuple[str, str]] = sorted(
    ((name, field_name) for field_name, names in LABEL_SYNONYMS.items() for name in names),
    key=lambda pair: -len(pair[0]),
)


def match_label(text: str) -> tuple[str, str, bool] | None:
    """("lead", "Văn phòng HĐND và UBND", has_colon) for "- a) Cơ quan chủ trì: Văn phòng …".

    The label must be followed by ":" — or stand alone ("* Đơn vị thực hiện") as a sub-heading.
    """
    prefix = _LABEL_PREFIX.match(text)
    body = text[prefix.end() :] if prefix else text
    colon = body.find(":")
    head = body[:colon] if colon >= 0 else body
    if len(head) > 60:
        return None
    key = header_key(head)
    for name, field_name in _LABELS_FOLDED:
        # "Cơ quan chủ trì thực hiện:" is still the lead label
        longer = (
            colon >= 0
            and len(name) > 8
            and key.startswith(name + " ")
            and (len(key) < len(name) + 14 or _only_filler(key[len(name) :]))
        )
        if key == name or longer:
            if colon >= 0:
                return field_name, body[colon + 1 :].strip(), True
            return field_name, "", False
    return None


# words a label may add after its name ("Đơn vị chủ trì tham mưu thực hiện:")
_LABEL_FILLER = frozenset("tham muu thuc hien trien khai chinh du kien hoan thanh".split())


def _only_filler(tail: str) -> bool:
    return all(word in _LABEL_FILLER for word in tail.split())


_INLINE_LABEL = re.compile(r"[;.,]\s+(?=[^;.,:]{3,45}:)")


def split_inline_labels(value: str) -> list[tuple[str, str]]:
    """Several labels on one line: "Văn phòng; phối hợp: các phòng; thời gian: Quý IV".

    Returns [("", "Văn phòng"), ("coordinate", "các phòng"), ("deadline", "Quý IV")].
    """
    pieces: list[tuple[str, str]] = []
    start = 0
    current_field = ""
    for match in _INLINE_LABEL.finditer(value):
        if match.start() < start:
            continue
        candidate = value[match.end() :]
        label = match_label(candidate)
        if not label or not label[2]:
            continue
        pieces.append((current_field, value[start : match.start()].strip()))
        current_field = label[0]
        start = match.end() + candidate.index(":") + 1
    pieces.append((current_field, value[start:].strip()))
    return pieces


# Top-level headings under which the prose form lists tasks.
TASK_ZONE_WORDS = ("nhiem vu", "noi dung", "giai phap", "phan cong")
NON_TASK_ZONE_WORDS = (
    "to chuc thuc hien",
    "muc dich",
    "muc tieu",
    "kinh phi",
    "lo trinh",
    "danh gia thuc trang",
    "thuc trang",
    "ket qua dat duoc",
    "quan diem",
)


def is_task_zone_title(title: str) -> bool:
    folded = fold(title)
    if any(word in folded for word in NON_TASK_ZONE_WORDS):
        return False
    return any(word in folded for word in TASK_ZONE_WORDS)


def is_excluded_zone_title(title: str) -> bool:
    folded = fold(title)
    return any(word in folded for word in NON_TASK_ZONE_WORDS)


DECLARED_COUNT = re.compile(r"\(\s*(?:g[ồo]m\s*)?(\d{1,3})\s*nhi[eệ]m\s*v[uụ]\s*\)", re.IGNORECASE)


_TRAILING_GROUP = re.compile(r"\(([^()]{4,400})\)\s*[.;,]?\s*$")


def split_parenthetical_labels(text: str) -> tuple[str, list[tuple[str, str]]]:
    """ "Tổ chức hội nghị (Chủ trì: Văn phòng; thời gian: Quý IV)" -> title and label values."""
    match = _TRAILING_GROUP.search(text)
    if not match:
        return text, []
    inner = match.group(1).strip()
    first = match_label(inner)
    if not first or not first[2]:
        return text, []
    pieces = split_inline_labels(first[1])
    pairs = [(field or first[0], value) for field, value in pieces]
    return text[: match.start()].rstrip(" -–:"), pairs


# First words of a named public body ("Bộ Tài chính", "Công an tỉnh", "Đài Phát thanh …"),
# as printed with a capital. A name's own inner words ("Văn hóa, Thể thao và Du lịch") never
# start with one, which is what tells two bodies from one name with a comma in it.
AGENCY_HEADS: tuple[str, ...] = (
    "Bộ",
    "Sở",
    "Ủy ban",
    "Uỷ ban",
    "UBND",
    "UBMTTQ",
    "MTTQ",
    "HĐND",
    "Hội đồng",
    "Văn phòng",
    "Cục",
    "Tổng cục",
    "Chi cục",
    "Vụ",
    "Viện",
    "Học viện",
    "Trung tâm",
    "Công an",
    "Đài",
    "Báo",
    "Thông tấn xã",
    "Ban",
    "Phòng",
    "Hội",
    "Liên đoàn",
    "Tổng Liên đoàn",
    "Ngân hàng",
    "Kho bạc",
    "Bảo hiểm",
    "Tòa án",
    "Toà án",
    "Thanh tra",
    "Kiểm toán",
    "Mặt trận",
    "Đoàn",
    "Cảnh sát",
    "Trường",
    "Bệnh viện",
    "Đại học",
    "Tập đoàn",
    "Tổng công ty",
    "Công ty",
    "Hợp tác xã",
    "Quân khu",
    "Tỉnh ủy",
    "Thành ủy",
    "Huyện ủy",
    "Đảng ủy",
    "Chi nhánh",
)
