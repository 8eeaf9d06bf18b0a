"""The unit registry: who is who in a plan's "chủ trì"/"phối hợp" cells.

Plans name one unit many ways ("Văn phòng HĐND và UBND", "VP HĐND-UBND phường", "Văn phòng
Hội đồng nhân dân và Ủy ban nhân dân") and assign work to groups ("Các phòng chuyên môn, đơn
vị thuộc phường", "MTTQ và các đoàn thể"). The coordinator keeps the list of units in an Excel
file (sheet "Đơn vị", one row per unit with its short code) and what each group phrase means
(sheet "Nhóm"); `Registry.resolve` maps any printed name to unit codes, and says why.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from kehoach_xlsx.errors import RegistryError
from kehoach_xlsx.legacy import fix_legacy
from kehoach_xlsx.model import Plan, PlanWarning, Task, Unit
from kehoach_xlsx.vntext import clean_spaces, fold, nfc, tone_normalize

UNIT_SHEET = "Đơn vị"
GROUP_SHEET = "Nhóm"
UNIT_HEADERS = (
    "Mã",
    "Tên đầy đủ",
    "Tên viết tắt / tên gọi khác",
    "Nhóm",
    "Email",
    "Người đầu mối",
    "Điện thoại",
)
GROUP_HEADERS = (
    "Cụm từ trong kế hoạch",
    "Gồm (nhóm hoặc mã đơn vị)",
    "Ghi chú",
    "Các đơn vị tương ứng (tự tính)",
)

# Group names used by the proposals (the coordinator may rename or add others).
G_DEPARTMENTS = "Phòng chuyên môn"
G_AGENCIES = "Đơn vị thuộc UBND"
G_MASS = "Đoàn thể"
G_FRONT = "Mặt trận Tổ quốc"
G_FORCES = "Lực lượng vũ trang"
G_SCHOOLS = "Trường học"
G_RESIDENTIAL = "Tổ dân phố"
G_HAMLETS = "Thôn"
G_SELF_MANAGED = "Tổ tự quản"
G_MEDIATION = "Tổ hòa giải"
G_BUSINESSES = "Doanh nghiệp"
G_LEADERS = "Lãnh đạo"
G_OUTSIDE = "Cơ quan bên ngoài"

ResolutionKind = Literal["exact", "alias", "normalized", "group", "multiple", "fuzzy", "unresolved"]
RESOLVED_KINDS = frozenset({"exact", "alias", "normalized", "group", "multiple"})
FUZZY_CUTOFF = 70.0
MAX_NAME_LENGTH = 2000  # longer cells are not unit names; keep matching cheap


@dataclass(frozen=True)
class GroupPhrase:
    """What a group phrase of the plans means: group names and/or unit codes (may be none)."""

    phrase: str
    meaning: tuple[str, ...] = ()
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"phrase": self.phrase, "meaning": list(self.meaning), "note": self.note}


@dataclass(frozen=True)
class Resolution:
    """How one printed name maps to registry codes, with a Vietnamese reason."""

    name: str
    codes: tuple[str, ...]
    kind: ResolutionKind
    suggestions: tuple[tuple[str, float], ...] = ()
    reason: str = ""
    parts: tuple[Resolution, ...] = ()
    groups: tuple[str, ...] = ()

    @property
    def resolved(self) -> bool:
        return self.kind in RESOLVED_KINDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "codes": list(self.codes),
            "kind": self.kind,
            "suggestions": [{"unit": c, "score": s} for c, s in self.suggestions],
            "reason": self.reason,
            "parts": [p.to_dict() for p in self.parts],
            "groups": list(self.groups),
        }


# --------------------------------------------------------------------------------------------
# Name cleaning and comparison keys
# --------------------------------------------------------------------------------------------

_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")
_LEADING_JUNK = re.compile(r"^[\s\-–—+•*·>:.,;&]+|^[a-dA-D]\)\s*|^và\s+")
_TRAILING_JUNK = re.compile(r"(?:[\s.,;:*\-–—&]|\s+và$)+$")
_SPACE_BEFORE_PUNCT = re.compile(r"\s+([,.;:)])")
_ASKED = re.compile(r"^đề\s+nghị\s+", re.IGNORECASE)
_CULTURE_CENTRE = re.compile(r"\bT?TVH(?:TT)?\s*&\s*TT\b")
_FRONT_WORK_BOARD = re.compile(r"\bBan\s+CT\b")
_PLACE_WORDS = {"phuong", "xa"}
_ABBREV_CASED = {  # short abbreviations expanded only when written in capitals
    "VP": "van phong",
    "CA": "cong an",
    "TT": "trung tam",
    "VH": "van hoa",
    "XH": "xa hoi",
    "BCH": "ban chi huy",
    "QS": "quan su",
}
_ABBREV = {  # folded token -> folded expansion
    "ubnd": "uy ban nhan dan",
    "hdnd": "hoi dong nhan dan",
    "mttq": "mat tran to quoc",
    "ubmttq": "mat tran to quoc",
    "tdp": "to dan pho",
    "bchqs": "ban chi huy quan su",
    "ttpvhcc": "trung tam phuc vu hanh chinh cong",
    "ttdvsnc": "trung tam dich vu su nghiep cong",
    "vhxh": "van hoa xa hoi",
    "cbcc": "can bo cong chuc",
}


def clean_unit_name(text: str) -> str:
    """The name as a person would retype it: NFC, no HTML or bullets, no trailing dots."""
    if not isinstance(text, str):
        return ""
    text = fix_legacy(text[: MAX_NAME_LENGTH * 5])
    text = _HTML_TAG.sub(" ", text).replace("**", " ").replace("\\*", " ")
    text = clean_spaces(text.replace("\u200b", " "))
    text = _SPACE_BEFORE_PUNCT.sub(r"\1", text)
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_JUNK.sub("", text)
        text = _TRAILING_JUNK.sub("", text)
        if text.startswith("(") and text.endswith(")") and text.count("(") == 1:
            text = text[1:-1].strip()
        text = text.strip("\"'“”‘’ ")
    if text.count("(") > text.count(")"):
        text = text.replace("(", "")
    elif text.count(")") > text.count("("):
        text = text.replace(")", "")
    return text


def _strip_place(text: str) -> str:
    """Drop trailing place words: "Công an phường", "... xã.", "... phường An Dương"."""
    tokens = text.split()
    for i in range(len(tokens) - 1, 0, -1):
        if fold(tokens[i]).strip(".,;:") not in _PLACE_WORDS:
            continue
        rest = tokens[i + 1 :]
        # "Xã hội" is society, not a commune; a place name is 1-4 capitalised words.
        if rest and fold(rest[0]).startswith("hoi"):
            continue
        if len(rest) <= 4 and all(t[:1].isupper() or t[:1].isdigit() for t in rest):
            head = tokens[:i]
            while len(head) > 1 and fold(head[-1]) in {"thuoc", "cua", "tai"}:
                head = head[:-1]
            while len(head) > 3 and " ".join(fold(t) for t in head[-3:]) == "tren dia ban":
                head = head[:-3]
            return " ".join(head)
        break
    return text


@functools.lru_cache(maxsize=65536)
def unit_key(text: str) -> str:
    """Comparison key of a unit name: accent-free, abbreviations expanded, no place words.

    "VP HĐND-UBND phường", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân" and
    "Văn phòng HĐND & UBND xã." all give "van phong hoi dong nhan dan uy ban nhan dan".
    """
    text = clean_unit_name(text)
    if not text:
        return ""
    text = tone_normalize(text).replace("(", " ").replace(")", " ")
    text = _ASKED.sub("", text)
    text = _strip_place(text)
    text = _CULTURE_CENTRE.sub(" Trung tâm Văn hóa Thông tin Thể thao ", text)
    text = _FRONT_WORK_BOARD.sub("Ban công tác", text)
    words: list[str] = []
    for token in re.split(r"[^\w]+", text):
        if not token:
            continue
        if token in _ABBREV_CASED:
            words.extend(_ABBREV_CASED[token].split())
            continue
        folded = fold(token)
        words.extend(_ABBREV.get(folded, folded).split())
    words = [w for w in words if w != "va"]
    while words and words[0] in {"cac", "nhung"}:
        words = words[1:]
    key = " ".join(words)
    key = re.sub(r"\bmat tran to quoc viet nam\b", "mat tran to quoc", key)
    key = re.sub(r"^uy ban mat tran to quoc\b", "mat tran to quoc", key)
    key = re.sub(r"( tren dia ban)+$", "", key)
    return key


# --------------------------------------------------------------------------------------------
# Built-in knowledge: group phrases and well-known units of a ward/commune
# --------------------------------------------------------------------------------------------

NOTE_RELATED = "Cụm từ chung, không chỉ định đơn vị cụ thể; điền nhóm hoặc mã nếu muốn giao."
NOTE_NOT_UNIT = "Không phải đơn vị báo cáo."
NOTE_DELETED = "Điều phối viên đã xóa đơn vị này khỏi danh sách: không giao."
_DEPT_WORDS = {"phong", "ban", "co", "quan", "don", "vi", "chuyen", "mon"}
_QUALIFIERS = {"thuoc", "theo", "tham", "uy", "cua", "tai", "duoc", "o", "co", "lien"}
_LABEL_KEYS = re.compile(
    r"^(co quan|don vi|bo phan)( don vi| bo phan)* (chu tri|phoi hop|thuc hien)"
)

_BUILTIN_PHRASES: tuple[tuple[re.Pattern[str], tuple[str, ...], str], ...] = tuple(
    (re.compile(pattern), meaning, note)
    for pattern, meaning, note in (
        # "Các cơ quan, tổ chức (có) liên quan", "các cơ quan, phòng, ban đơn vị có liên quan …"
        (
            r"^((co quan|to chuc|phong|ban|don vi|nganh|doan the|ca nhan) )+(co )?lien quan\b",
            (),
            NOTE_RELATED,
        ),
        (r"^(to chuc )?doan the( chinh tri xa hoi)?$", (G_MASS,), ""),
        (
            r"^to chuc (chinh tri xa hoi|doan the|thanh vien( cua)?( mat tran( to quoc)?)?)$",
            (G_MASS,),
            "",
        ),
        (r"^truong hoc$|^truong$", (G_SCHOOLS,), ""),
        (r"^to dan pho$", (G_RESIDENTIAL,), ""),
        (r"^thon$", (G_HAMLETS,), ""),
        (r"^thon to dan pho$|^to dan pho thon$", (G_HAMLETS, G_RESIDENTIAL), ""),
        (r"^to tu quan$", (G_SELF_MANAGED,), ""),
        (r"^to hoa giai( o co so)?$", (G_MEDIATION,), ""),
        (r"^doanh nghiep$", (G_BUSINESSES,), ""),
        (r"^(toan the )?nhan dan$|^ho gia dinh$|^can bo cong chuc\b", (), NOTE_NOT_UNIT),
    )
)

_KNOWN_UNITS: tuple[tuple[re.Pattern[str], str | None, tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), code, groups)
    for pattern, code, groups in (
        (r"^van phong hoi dong nhan dan uy ban nhan dan$", "VP", (G_DEPARTMENTS,)),
        (r"^phong kinh te ha tang do thi$", "PKTHTDT", (G_DEPARTMENTS,)),
        (r"^phong kinh te$", "PKT", (G_DEPARTMENTS,)),
        (r"^phong van hoa xa hoi$", "PVHXH", (G_DEPARTMENTS,)),
        (r"^phong xay dung nong nghiep moi truong$", "PXDNNMT", (G_DEPARTMENTS,)),
        (r"^phong ", None, (G_DEPARTMENTS,)),
        (r"^trung tam phuc vu hanh chinh cong$", "TTPVHCC", (G_AGENCIES,)),
        (r"^trung tam dich vu su nghiep cong$", "TTDVSNC", (G_AGENCIES,)),
        (r"^trung tam tro giup phap ly\b", "TTTGPL", (G_OUTSIDE,)),
        (r"^trung tam van hoa", "TTVHTT", (G_AGENCIES,)),
        (r"^trung tam ", None, (G_AGENCIES,)),
        (r"^cong an$", "CA", (G_FORCES,)),
        (r"^ban chi huy quan su$", "BCHQS", (G_FORCES,)),
        (r"^mat tran to quoc$", "MTTQ", (G_FRONT,)),
        (r"^doan thanh nien", "DTN", (G_MASS,)),
        (r"^hoi (lien hiep )?phu nu", "HPN", (G_MASS,)),
        (r"^hoi nong dan", "HND", (G_MASS,)),
        (r"^hoi cuu chien binh", "HCCB", (G_MASS,)),
        (r"^hoi nguoi cao tuoi", "HNCT", (G_MASS,)),
        (r"^(chi )?hoi khuyen hoc", "HKH", (G_MASS,)),
        (r"^(chi )?hoi luat gia", "CHLG", (G_MASS,)),
        (r"^uy ban nhan dan$", "UBND", (G_LEADERS,)),
        (r"^hoi dong nhan dan$", "HDND", (G_LEADERS,)),
        (r"^(chi )?hoi (?!dong)", None, (G_MASS,)),
        (r"^lanh dao uy ban nhan dan$", "LDUBND", (G_LEADERS,)),
        (r"^to dan pho .", None, (G_RESIDENTIAL,)),
        (r"^thon .", None, (G_HAMLETS,)),
        (r"^truong .", None, (G_SCHOOLS,)),
    )
)
# Administrative levels, to tell a body of the issuer's own level from one above it.
_LEVELS = (
    (4, re.compile(r"^(bo|tong cuc|cuc) |\b(trung uong|quoc hoi|chinh phu|thu tuong)\b")),
    (3, re.compile(r"^so |\b(tinh|thanh pho)\b")),
    (2, re.compile(r"\b(huyen|thi xa)\b")),
    (1, re.compile(r"\b(phuong|xa|thi tran)\b")),
)
_LEVEL_WORDS = ("thanh pho", "thi xa", "thi tran", "tinh", "huyen", "phuong", "xa")


def _folded_words(text: str) -> str:
    return " ".join(re.split(r"[^\w]+", fold(clean_unit_name(text)))).strip()


def _level(folded: str) -> int:
    """1 ward/commune … 4 central; 0 when the name says nothing about its level."""
    for level, pattern in _LEVELS:
        if pattern.search(folded):
            return level
    return 0


@dataclass(frozen=True)
class _Home:
    """The issuing body's level and place ("tỉnh", "Đồng Tháp"), folded, from the plan."""

    level: int = 1
    level_word: str = ""
    place: str = ""

    @classmethod
    def of(cls, issuer: str | None) -> _Home:
        text = _folded_words(issuer or "")
        text = re.sub(r"^(uy ban nhan dan|hoi dong nhan dan|ubnd)\s+", "", text)
        # A ward's header names its city above it ("UBND THÀNH PHỐ X / UBND PHƯỜNG Y"): the
        # issuer is the level named last.
        found = list(re.finditer(rf"\b({'|'.join(_LEVEL_WORDS)})\b", text))
        if found:
            last = found[-1]
            place = re.split(r"\s(?:uy ban|ubnd)\b", text[last.end() :])[0].strip()
            return cls(_level(last.group(1)) or 1, last.group(1), place)
        return cls(_level(text) or 1)

    def strip(self, key: str) -> str:
        """ "ban quan ly khu kinh te tinh dong thap" -> "ban quan ly khu kinh te" when the plan
        is the province's own: spellings that differ only by the issuer's place are one body."""
        if self.level <= 1 or not self.level_word:
            return key
        for suffix in (f"{self.level_word} {self.place}".strip(), self.place, self.level_word):
            if (
                suffix
                and key.endswith(" " + suffix)
                and len(key.split()) - len(suffix.split()) >= 2
            ):
                return key[: -len(suffix) - 1]
        return key

    def is_outside(self, folded: str) -> bool:
        return _level(folded) > self.level


def _home_of(plan_or_names: Plan | Iterable[Plan] | Iterable[str]) -> _Home:
    plans = [plan_or_names] if isinstance(plan_or_names, Plan) else []
    if not plans and not isinstance(plan_or_names, str | Plan):
        try:
            plans = [p for p in plan_or_names if isinstance(p, Plan)]  # type: ignore[union-attr]
        except TypeError:
            plans = []
    issuer = next((p.meta.issuer for p in plans if p.meta.issuer), None)
    return _Home.of(issuer)


# Words that only say what KIND of body is meant ("Sở, ban, ngành", "Viện", "các địa phương"):
# a phrase made of nothing else names nobody in particular.
_KINDS = frozenset(
    {
        *"so ban nganh bo vien truong cuc phong hoi doan xa phuong huyen tinh cap quan".split(),
        *("doanh nghiep", "dia phuong", "co quan", "don vi", "to chuc", "doan the"),
        *("thanh pho", "trung tam", "trung uong", "ban nganh", "so nganh", "bo nganh"),
        *("chi cuc", "co so", "dia ban", "thi xa", "truong hoc", "benh vien", "ca nhan"),
    }
)
_KIND_SEPARATORS = re.compile(r"\s*(?:[,;/&]|\s-\s|\bva\b|\bhoac\b)\s*")
_KIND_FILLERS = re.compile(r"^(?:cac|nhung|moi)\s+|\s+(?:khac|co lien quan|lien quan)$")
# The plural marker "các"/"những" before a kind inside a name ("UBND các xã, phường", "Công
# an các huyện") stands for every body of that kind; after "và", "," or "với" it starts a
# second name instead, split off before this test.
_PLURAL = re.compile(r"(?:^|\s)(?:cac|nhung)\s(\w+(?:\s\w+)?)")
_PLURAL_AFTER_JOIN = re.compile(r"(?:,|\bva|\bvoi|\bhoac)\s+(?:cac|nhung)\s")
# "UBND xã, phường, đặc khu", "Công an huyện/thị xã": a body at several kinds of place.
_PLACE_KIND = r"(?:xa|phuong|huyen|tinh|thanh pho|dac khu|thi xa|thi tran|quan)"
_PLACE_KINDS = re.compile(rf"\b{_PLACE_KIND}\s*(?:,|/|\bva\b|\bhoac\b)\s*{_PLACE_KIND}\b")
_RELATED = re.compile(r"\blien quan(?: khac)?(?: tren dia ban\b.*)?$")


def names_nobody(text: str) -> bool:
    """Does a unit cell name only kinds of bodies, not one body ("Các sở, ngành liên quan",
    "Viện", "UBND các xã, phường", "Doanh nghiệp, Sở, ban, ngành có liên quan")?

    A named body inside such a list ("Sở Tài chính và các sở, ngành liên quan") names somebody.
    """
    pieces = split_unit_cell(text)
    return bool(pieces) and all(_names_nobody_alone(piece) for piece in pieces)


def _names_nobody_alone(text: str) -> bool:
    folded = fold(clean_unit_name(text)).replace("\n", " ")
    folded = re.sub(r"[^\w,;/&-]+", " ", folded).strip()
    if not folded:
        return False
    if _RELATED.search(folded) or _PLACE_KINDS.search(folded):
        return True
    plural = _PLURAL.search(folded)
    if plural and not _PLURAL_AFTER_JOIN.search(folded):
        following = plural.group(1)
        if following in _KINDS or following.split()[0] in _KINDS | {
            "thon",
            "ho",
            "nha",
            "lang",
            "hiep",
        }:
            return True
    parts = [_KIND_FILLERS.sub("", p.strip()) for p in _KIND_SEPARATORS.split(folded)]
    parts = [p for p in parts if p]
    return bool(parts) and all(p in _KINDS for p in parts)


def _builtin_phrase(key: str, text: str | None = None) -> tuple[tuple[str, ...], str] | None:
    """Meaning of a group phrase we know without any registry, or None for a unit name.

    With the printed text, a phrase that names nobody ("Các bộ, ngành liên quan") is a group
    phrase with no meaning: the coordinator decides whom it means in sheet "Nhóm".
    """
    if not key:
        return None
    for pattern, meaning, note in _BUILTIN_PHRASES:
        if pattern.search(key):
            return meaning, note
    found = _generic_departments(key)
    if found is not None:
        return found
    # only a single phrase: a list is split first, so its pieces keep their own meanings
    # ("Doanh nghiệp, sở, ngành liên quan": the group Doanh nghiệp, then nobody)
    if text is not None and len(split_unit_cell(text)) <= 1 and _names_nobody_alone(text):
        return (), NOTE_RELATED
    return None


def _generic_departments(key: str) -> tuple[tuple[str, ...], str] | None:
    """ "Các phòng, ban, cơ quan chuyên môn thuộc UBND" and the like: the ward's departments."""
    words = key.split()
    head: list[str] = []
    for word in words:
        if word not in _DEPT_WORDS:
            break
        head.append(word)
    joined = " ".join(head)
    rest = words[len(head) :]
    # "Các phòng, ban, cơ quan chuyên môn thuộc UBND", "Các cơ quan, đơn vị thuộc phường":
    # only the generic words phòng/ban/cơ quan/đơn vị/chuyên môn, maybe with a qualifier
    # ("thuộc …", "theo lĩnh vực …", "tham mưu …") but not another name ("…, các trường học").
    qualified = not rest or (rest[0] in _QUALIFIERS and "cac" not in rest)
    if (
        len(head) >= 2
        and qualified
        and ("phong" in head or "co quan" in joined or "don vi" in joined)
    ):
        if "don vi" in joined or ("co quan" in joined and "chuyen mon" not in joined):
            return (G_DEPARTMENTS, G_AGENCIES), ""
        return (G_DEPARTMENTS,), ""
    return None


def _known_unit(key: str) -> tuple[str | None, tuple[str, ...]]:
    for pattern, code, groups in _KNOWN_UNITS:
        if pattern.search(key):
            return code, groups
    return None, ()


def _is_noise(key: str) -> bool:
    """Empty cells, a lone place word left by a page break, or a column label."""
    return not key or key in _PLACE_WORDS or bool(_LABEL_KEYS.match(key))


# --------------------------------------------------------------------------------------------
# Splitting cells that name several units
# --------------------------------------------------------------------------------------------

_HARD_SEPARATORS = re.compile(r"\s*(?:;|\n|\r|<br\s*/?>|</p>\s*<p>)\s*", re.IGNORECASE)
_SOFT_SEPARATORS = re.compile(r"\.\s+(?:-\s*)?|\s*,\s*(?:và\s+)?|\s+và\s+|\s+&\s+", re.IGNORECASE)
_BEFORE_ACRONYM = re.compile(r"\s+(?=[A-ZĐ]{2,}[A-ZĐ&\-]*\b)")
_PROTECTED = re.compile(
    r"(?:Văn\s+phòng|VP)\s+(?:HĐND|Hội\s+đồng\s+nhân\s+dân)\s*(?:và|&|-|,)?\s*"
    r"(?:UBND|[ỦU][ỷy]\s+ban\s+nhân\s+dân)",
    re.IGNORECASE,
)
_ANY_CASE_HEADS = (
    "cac",
    "nhung",
    "to dan pho",
    "to tu quan",
    "to hoa giai",
    "thon",
    "truong hoc",
    "doanh nghiep",
    "nhan dan",
    "ho gia dinh",
    "toan the",
    "doan the",
    "can bo",
    "lanh dao",
    "de nghi",
)
_CAPITAL_HEADS = (
    "van phong",
    "phong",
    "trung tam",
    "cong an",
    "ban",
    "uy ban",
    "mat tran",
    "hoi",
    "chi hoi",
    "doan",
    "to",
    "truong",
    # bodies of a province or of the State, named in provincial and national plans
    "bo",
    "so",
    "cuc",
    "tong cuc",
    "chi cuc",
    "vien",
    "toa an",
    "kho bac",
    "ngan hang",
    "dai phat thanh",
    "lien doan",
    "hiep hoi",
    "thanh tra",
    "bao hiem xa hoi",
    "dang uy",
    "tinh doan",
    "thanh doan",
    "hoc vien",
    "dai hoc",
    "cong ty",
    "tong cong ty",
    "tap doan",
    "benh vien",
    "dai",
    "bao",
    "thong tan xa",
    "vu",
    "chi nhanh",
)
_SENTENCE_BREAK = re.compile(r"\.\s+-?\s*\w")
_ACRONYM_START = re.compile(r"^[A-ZĐ][A-ZĐ&\-]+\b")


def _looks_like_unit_start(piece: str) -> bool:
    """Does a piece of a cell start the way a unit or group name starts?"""
    piece = clean_unit_name(piece)
    if not piece:
        return False
    if _ACRONYM_START.match(piece):
        return True
    words = " ".join(re.split(r"[^\w]+", fold(piece))).strip() + " "
    if any(words.startswith(head + " ") for head in _ANY_CASE_HEADS):
        return True
    return piece[0].isupper() and any(words.startswith(head + " ") for head in _CAPITAL_HEADS)


def _cuts(chunk: str, with_weak: bool) -> list[tuple[int, int, bool]]:
    """Candidate cut points (start, end, weak) of one chunk, none inside a protected name."""
    protected = [m.span() for m in _PROTECTED.finditer(chunk)]

    def inside(pos: int) -> bool:
        return any(a < pos < b for a, b in protected)

    cuts = [(m.start(), m.end(), False) for m in _SOFT_SEPARATORS.finditer(chunk)]
    if with_weak:
        cuts += [(m.start(), m.end(), True) for m in _BEFORE_ACRONYM.finditer(chunk)]
    cuts = [c for c in cuts if 0 < c[0] and c[1] < len(chunk) and not inside(c[0])]
    return sorted(set(cuts))


def _unit_acronym(text: str) -> bool:
    """Does the text start with the acronym of a body ("UBMTTQ …"), not of a thing ("TTHC")?"""
    found = _ACRONYM_START.match(text)
    if found is None:
        return False
    word = found.group(0).split("-")[0]
    return word in _ABBREV_CASED or fold(word) in _ABBREV


def _split_heuristic(chunk: str) -> list[str]:
    """Cut where the next piece starts like a unit name ("…, Phòng Kinh tế", "… và các …").

    A cut with no punctuation, before an acronym, is only made after a complete group
    phrase ("các tổ dân phố UBMTTQ Việt Nam" lost its separator in conversion).
    """
    pieces: list[str] = []
    start = 0
    for cut_start, cut_end, weak in _cuts(chunk, with_weak=True):
        if cut_start < start:
            continue
        left = chunk[start:cut_start]
        if weak and (
            _builtin_phrase(unit_key(left)) is None
            or fold(left.split()[-1]) in {"thuoc", "cua", "tai", "o", "theo", "voi"}
            or not _unit_acronym(chunk[cut_end:])
        ):
            continue
        if _looks_like_unit_start(chunk[cut_end:]) and left.strip():
            pieces.append(chunk[start:cut_start])
            start = cut_end
    pieces.append(chunk[start:])
    return pieces


def _split_with_registry(chunk: str, registry: Registry) -> list[str]:
    """Fewest pieces that cover most of the chunk with names the registry knows."""
    if registry._lookup(chunk) is not None:
        return [chunk]
    cuts = _cuts(chunk, with_weak=True)
    if len(cuts) > 40:
        return _split_heuristic(chunk)
    nodes = [(0, 0, False), *cuts, (len(chunk), len(chunk), False)]
    # best[i] = (covered characters, -pieces, previous node) for a split ending at node i
    best: list[tuple[int, int, int] | None] = [None] * len(nodes)
    best[0] = (0, 0, -1)
    for j in range(1, len(nodes)):
        for i in range(j):
            if best[i] is None or nodes[i][1] > nodes[j][0]:
                continue
            piece = chunk[nodes[i][1] : nodes[j][0]]
            if not piece.strip():
                continue
            if registry._lookup(piece) is not None:
                covered = len(piece)
            elif not nodes[i][2] and not nodes[j][2] and (i == 0 or _looks_like_unit_start(piece)):
                covered = 0  # an unknown unit, reported later; only between strong cuts
            else:
                continue
            score = (best[i][0] + covered, best[i][1] - 1, i)
            if best[j] is None or score[:2] > best[j][:2]:
                best[j] = score
    end = len(nodes) - 1
    if best[end] is None or best[end][0] == 0:
        return _split_heuristic(chunk)
    pieces: list[str] = []
    j = end
    while j > 0:
        i = best[j][2]
        pieces.append(chunk[nodes[i][1] : nodes[j][0]])
        j = i
    pieces.reverse()
    # An unknown stretch may still hold several unknown units: cut it the heuristic way.
    out: list[str] = []
    for piece in pieces:
        out.extend([piece] if registry._lookup(piece) is not None else _split_heuristic(piece))
    return out


def split_unit_cell(text: str, registry: Registry | None = None) -> list[str]:
    """Split a cell naming several units into names, keeping one unit's commas and "và".

    "Văn phòng HĐND và UBND, Phòng Kinh tế xã." gives two names, "Phòng Xây dựng, Nông
    nghiệp và Môi trường" one. With a registry a cut is made only where the pieces are
    names it knows (or, between commas, look like a new unit); without one, where the next
    piece starts like a unit name ("Phòng …", "Trung tâm …", "các …", an acronym).
    """
    if not isinstance(text, str) or not text.strip():
        return []
    text = fix_legacy(text)
    names: list[str] = []
    for chunk in _HARD_SEPARATORS.split(_HTML_TAG.sub(lambda m: _html_break(m.group(0)), text)):
        chunk = clean_spaces(chunk)
        chunk = _SPACE_BEFORE_PUNCT.sub(r"\1", chunk)
        chunk = _LEADING_JUNK.sub("", chunk)
        if not chunk:
            continue
        if len(chunk) > MAX_NAME_LENGTH:
            pieces = _split_heuristic(chunk)
        elif registry is not None:
            pieces = _split_with_registry(chunk, registry)
        else:
            pieces = _split_heuristic(chunk)
        for piece in pieces:
            cleaned = clean_unit_name(piece)
            if cleaned and not _is_noise(unit_key(cleaned)):
                names.append(cleaned)
    return names


def _html_break(tag: str) -> str:
    """Paragraph and list tags separate names; inline tags (<i>, <b>) do not."""
    name = re.sub(r"[</>\s].*$", "", tag.lstrip("</")).lower()
    return ";" if name in {"p", "br", "li", "ul", "ol", "div", "tr", "td"} else " "


# --------------------------------------------------------------------------------------------
# The registry
# --------------------------------------------------------------------------------------------


class Registry:
    """The ward's units (sheet "Đơn vị") and what each group phrase means (sheet "Nhóm")."""

    def __init__(
        self,
        units: Iterable[Unit] = (),
        phrases: Iterable[GroupPhrase] = (),
        warnings: Iterable[PlanWarning] = (),
    ) -> None:
        self.units: list[Unit] = list(units)
        self.phrases: list[GroupPhrase] = list(phrases)
        self.warnings: list[PlanWarning] = list(warnings)
        self._reindex()

    def _reindex(self) -> None:
        self._by_code: dict[str, Unit] = {}
        self._exact: dict[str, list[str]] = {}
        self._alias: dict[str, list[str]] = {}
        self._keys: dict[str, list[str]] = {}
        self._group_names: dict[str, str] = {}
        self._members: dict[str, list[str]] = {}
        self._phrases: dict[str, GroupPhrase] = {}
        for unit in self.units:
            self._by_code.setdefault(unit.code.upper(), unit)
            _add(self._exact, clean_unit_name(unit.name), unit.code)
            _add(self._keys, unit_key(unit.name), unit.code)
            for alias in unit.aliases:
                _add(self._alias, clean_unit_name(alias), unit.code)
                _add(self._keys, unit_key(alias), unit.code)
            for group in unit.groups:
                gkey = unit_key(group)
                self._group_names.setdefault(gkey, clean_spaces(group))
                members = self._members.setdefault(gkey, [])
                if unit.code not in members:
                    members.append(unit.code)
        for phrase in self.phrases:
            self._phrases.setdefault(unit_key(phrase.phrase), phrase)
            for item in phrase.meaning:
                if item.upper() not in self._by_code:
                    self._group_names.setdefault(unit_key(item), clean_spaces(item))
        self._keys.pop("", None)
        self._lookup_cache: dict[str, Resolution | None] = {}
        self._resolve_cache: dict[str, Resolution] = {}
        self._choices = sorted(self._keys)

    # -- lookups ------------------------------------------------------------------------------

    def unit(self, code: str) -> Unit | None:
        """The unit with this code (case-insensitive), or None."""
        return self._by_code.get(code.strip().upper()) if isinstance(code, str) else None

    def group_members(self, group: str) -> tuple[str, ...]:
        """Codes of the units whose "Nhóm" cell names this group."""
        return tuple(self._members.get(unit_key(group), ()))

    def groups(self) -> dict[str, list[str]]:
        """Every group name (from units or phrases) with its member codes, maybe none."""
        return {name: list(self._members.get(key, [])) for key, name in self._group_names.items()}

    def expand(self, meaning: Iterable[str]) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Codes and group names a phrase's meaning stands for ("Phòng chuyên môn; CA")."""
        codes: list[str] = []
        groups: list[str] = []
        for item in meaning:
            unit = self.unit(item)
            if unit is not None:
                members = [unit.code]
            else:
                key = unit_key(item)
                groups.append(self._group_names.get(key, clean_spaces(item)))
                members = self._members.get(key, [])
            codes.extend(c for c in members if c not in codes)
        order = {u.code: i for i, u in enumerate(self.units)}
        return tuple(sorted(codes, key=lambda c: order.get(c, 0))), tuple(groups)

    def _lookup(self, name: str) -> Resolution | None:
        """Resolve one name without splitting or guessing; None when it is not known."""
        cleaned = clean_unit_name(name)
        if cleaned in self._lookup_cache:
            return self._lookup_cache[cleaned]
        result = self._lookup_uncached(cleaned)
        if len(self._lookup_cache) < 20000:
            self._lookup_cache[cleaned] = result
        return result

    def _lookup_uncached(self, cleaned: str) -> Resolution | None:
        if not cleaned:
            return None
        unit = self.unit(cleaned) if re.fullmatch(r"[A-Za-z0-9_.\-]+", cleaned) else None
        if unit is not None:
            return Resolution(cleaned, (unit.code,), "exact", reason=f"Đúng mã {unit.code}.")
        for table, kind, reason in (
            (self._exact, "exact", "Đúng tên đầy đủ"),
            (self._alias, "alias", "Đúng tên gọi khác"),
        ):
            codes = table.get(cleaned)
            if codes and len(codes) == 1:
                return Resolution(cleaned, tuple(codes), kind, reason=f"{reason} của {codes[0]}.")
        if _SENTENCE_BREAK.search(cleaned):
            return None  # "Phòng Kinh tế. Các cơ quan …": two names, never one
        key = unit_key(cleaned)
        if not key:
            return None
        codes = self._keys.get(key)
        if codes and len(codes) == 1:
            unit = self._by_code[codes[0].upper()]
            return Resolution(
                cleaned,
                (unit.code,),
                "normalized",
                reason=f"Cùng tên với {unit.code} – {unit.name} (khác cách viết).",
            )
        if codes:
            return None  # the same spelling names two units: let resolve() explain
        phrase = self._phrases.get(key)
        if phrase is not None:
            return self._group_resolution(cleaned, phrase.meaning, phrase.note, "cụm từ")
        if key in self._group_names:
            return self._group_resolution(cleaned, (self._group_names[key],), "", "nhóm")
        builtin = _builtin_phrase(key, cleaned)
        if builtin is not None:
            meaning, note = builtin
            return self._group_resolution(cleaned, meaning, note, "cụm từ quen thuộc")
        return None

    def _group_resolution(
        self, name: str, meaning: Sequence[str], note: str, what: str
    ) -> Resolution:
        codes, groups = self.expand(meaning)
        if not meaning:
            reason = f"{what.capitalize()} không chỉ định đơn vị nào. {note}".strip()
        elif not codes:
            reason = f"Nhóm {', '.join(groups)} chưa có đơn vị nào trong danh sách."
        else:
            label = ", ".join(groups) if groups else ", ".join(codes)
            reason = f"{what.capitalize()} chỉ nhóm {label}: {', '.join(codes)}."
        return Resolution(name, codes, "group", reason=reason, groups=groups)

    def decided(self, phrase: str) -> bool:
        """Did the coordinator decide what this phrase means: a "Nhóm" row whose "Ghi chú"
        is their own (not the proposal's note), e.g. "không giao" for a phrase meaning nobody?"""
        found = self._phrases.get(unit_key(phrase))
        return found is not None and bool(found.note) and found.note != NOTE_RELATED

    def suggest(self, name: str, limit: int = 3) -> tuple[tuple[str, float], ...]:
        """Registry codes whose names look like this one, best first (rapidfuzz scores)."""
        from rapidfuzz import fuzz, process

        key = unit_key(name)
        if not key or not self._choices:
            return ()
        found = process.extract(
            key, self._choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF, limit=limit * 3
        )
        best: dict[str, float] = {}
        for choice, score, _ in found:
            for code in self._keys[choice]:
                best[code] = max(best.get(code, 0.0), round(float(score), 1))
        ranked = sorted(best.items(), key=lambda item: -item[1])
        return tuple(ranked[:limit])

    def resolve(self, name: str) -> Resolution:
        """Map a printed name (one unit, a group phrase, or a cell naming several) to codes."""
        if isinstance(name, str) and name in self._resolve_cache:
            return self._resolve_cache[name]  # a plan repeats the same cells many times
        found = self._resolve(name)
        if isinstance(name, str) and len(self._resolve_cache) < 20000:
            self._resolve_cache[name] = found
        return found

    def _resolve(self, name: str) -> Resolution:
        raw = name if isinstance(name, str) else ""
        cleaned = clean_unit_name(raw[: MAX_NAME_LENGTH * 5])
        if not cleaned or _is_noise(unit_key(cleaned)):
            return Resolution(raw, (), "unresolved", reason="Tên đơn vị trống hoặc không phải tên.")
        found = self._lookup(cleaned)
        if found is not None:
            return found
        pieces = split_unit_cell(cleaned, self) if len(cleaned) <= MAX_NAME_LENGTH else [cleaned]
        if len(pieces) > 1:
            return self._resolve_pieces(cleaned, pieces)
        return self._unknown(cleaned)

    def _unknown(self, cleaned: str) -> Resolution:
        key = unit_key(cleaned)
        same = self._keys.get(key, [])
        if len(same) > 1:
            return Resolution(
                cleaned,
                (),
                "unresolved",
                suggestions=tuple((c, 100.0) for c in same),
                reason=f"Tên này trùng cho nhiều đơn vị: {', '.join(same)}; sửa sheet Đơn vị.",
            )
        if len(cleaned) > MAX_NAME_LENGTH:
            return Resolution(cleaned[:200], (), "unresolved", reason="Ô quá dài, không phải tên.")
        suggestions = self.suggest(cleaned)
        if suggestions:
            listed = ", ".join(f"{c} ({s:g})" for c, s in suggestions)
            return Resolution(
                cleaned,
                (),
                "fuzzy",
                suggestions=suggestions,
                reason=f"Không có trong danh sách; gần giống: {listed}. Thêm tên gọi khác nếu đúng.",
            )
        return Resolution(
            cleaned,
            (),
            "unresolved",
            reason="Không có trong danh sách đơn vị; thêm một dòng hoặc một tên gọi khác.",
        )

    def _resolve_pieces(self, cleaned: str, pieces: list[str]) -> Resolution:
        parts = tuple(self._lookup(p) or self._unknown(p) for p in pieces)
        codes: list[str] = []
        groups: list[str] = []
        for part in parts:
            codes.extend(c for c in part.codes if c not in codes)
            groups.extend(g for g in part.groups if g not in groups)
        missing = [p for p in parts if not p.resolved]
        if not missing:
            return Resolution(
                cleaned,
                tuple(codes),
                "multiple",
                reason=f"Gồm {len(parts)} tên: " + "; ".join(p.name for p in parts) + ".",
                parts=parts,
                groups=tuple(groups),
            )
        suggestions = tuple(s for p in missing for s in p.suggestions)
        return Resolution(
            cleaned,
            tuple(codes),
            "unresolved",
            suggestions=suggestions,
            reason="Không nhận ra: " + "; ".join(f"“{p.name}”" for p in missing) + ".",
            parts=parts,
            groups=tuple(groups),
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "units": [_unit_json(u) for u in self.units],
            "groups": self.groups(),
            "phrases": [p.to_dict() for p in self.phrases],
        }


def _unit_json(unit: Unit) -> dict[str, Any]:
    """Unit.to_dict with lists instead of tuples, as it reads back from JSON."""
    data = unit.to_dict()
    data["aliases"] = list(unit.aliases)
    data["groups"] = list(unit.groups)
    return data


def _add(table: dict[str, list[str]], key: str, code: str) -> None:
    if key:
        codes = table.setdefault(key, [])
        if code not in codes:
            codes.append(code)


# --------------------------------------------------------------------------------------------
# Task-level resolution and checks
# --------------------------------------------------------------------------------------------


def _task_where(task: Task) -> dict[str, Any]:
    if task.source is None:
        return {}
    return {"file": task.source.file, "line": task.source.line, "sheet": task.source.sheet}


def _problem_parts(resolution: Resolution) -> list[Resolution]:
    if resolution.resolved:
        return []
    if resolution.parts:
        return [p for p in resolution.parts if not p.resolved]
    return [resolution]


def task_list(task_ids: Sequence[str], limit: int = 10) -> str:
    """ "1, 2, 3" — or the first ten and "… và 4.990 nhiệm vụ khác" for a province's plan."""
    if len(task_ids) <= limit:
        return ", ".join(task_ids)
    rest = f"{len(task_ids) - limit:,}".replace(",", ".")
    return f"{', '.join(task_ids[:limit])} … và {rest} nhiệm vụ khác"


def _problem_warning(part: Resolution, task_ids: list[str], **where: Any) -> PlanWarning:
    tasks = task_list(task_ids)
    if part.kind == "fuzzy":
        listed = ", ".join(f"{c} ({s:g})" for c, s in part.suggestions)
        message = (
            f"Chưa nhận ra đơn vị “{part.name}” (nhiệm vụ {tasks}); gần giống: {listed}. "
            "Nếu đúng, thêm tên này vào cột tên gọi khác của đơn vị đó."
        )
        return PlanWarning("fuzzy_unit", message, **where)
    message = (
        f"Chưa nhận ra đơn vị “{part.name}” (nhiệm vụ {tasks}). {part.reason} Cách sửa: ghi "
        f"“{part.name}” vào cột “Tên viết tắt / tên gọi khác” của đơn vị đúng ở trang "
        f"“{UNIT_SHEET}”, hoặc thêm một dòng cho đơn vị này, hoặc sửa ô Chủ trì/Phối hợp của "
        "nhiệm vụ ở trang “Phân công”."
    )
    return PlanWarning("unresolved_unit", message, **where)


def resolve_task_units(
    task: Task, registry: Registry
) -> tuple[list[str], list[str], list[PlanWarning]]:
    """Lead and coordinate codes of a task; a unit that both leads and coordinates leads."""
    lead: list[str] = []
    coordinate: list[str] = []
    warnings: list[PlanWarning] = []
    where = _task_where(task)
    for names, codes in ((task.lead, lead), (task.coordinate, coordinate)):
        for name in names:
            resolution = registry.resolve(name)
            codes.extend(c for c in resolution.codes if c not in codes)
            for part in _problem_parts(resolution):
                warnings.append(_problem_warning(part, [task.id], **where))
    coordinate = [c for c in coordinate if c not in lead]
    if task.lead and not lead and not any(w.code == "unresolved_unit" for w in warnings):
        warnings.append(
            PlanWarning(
                "no_lead_unit",
                f"Nhiệm vụ {task.id}: “{'; '.join(task.lead)}” không ứng với đơn vị nào "
                "trong danh sách; chỉ định đơn vị chủ trì hoặc thêm đơn vị vào nhóm.",
                **where,
            )
        )
    return lead, coordinate, warnings


@dataclass
class _Problem:
    name: str
    kind: str
    reason: str
    suggestions: tuple[tuple[str, float], ...]
    tasks: list[str] = field(default_factory=list)
    where: dict[str, Any] = field(default_factory=dict)


def _collect(
    plan: Plan, registry: Registry, unassigned: dict[str, _Problem] | None = None
) -> tuple[dict[str, _Problem], dict[str, list[str]]]:
    """Unknown names (with the tasks using them) and the groups the plan's phrases used.

    With `unassigned`, also the group phrases that give a task to nobody (“các sở, ngành liên
    quan” with an empty “Gồm”), each once with its tasks.
    """
    problems: dict[str, _Problem] = {}
    used_groups: dict[str, list[str]] = {}
    cache: dict[str, Resolution] = {}
    # (list, task id) pairs already listed: a phrase every task of a province's plan uses
    # would make "task.id not in tasks" quadratic
    listed: set[tuple[int, str]] = set()

    def add_once(tasks: list[str], task_id: str) -> None:
        if (id(tasks), task_id) not in listed:
            listed.add((id(tasks), task_id))
            tasks.append(task_id)

    for task in plan.tasks:
        for name in [*task.lead, *task.coordinate]:
            if _is_noise(unit_key(name)):
                continue  # a stray "phường" or "-" left by a page break names nobody
            resolution = cache.get(name)
            if resolution is None:
                resolution = cache[name] = registry.resolve(name)
            for group in resolution.groups:
                add_once(used_groups.setdefault(group, []), task.id)
            if unassigned is not None:
                for part in resolution.parts or (resolution,):
                    if part.kind == "group" and not part.codes and not part.groups:
                        if registry.decided(part.name):
                            continue
                        entry = unassigned.setdefault(  # one item per phrase, any spelling
                            unit_key(part.name),
                            _Problem(part.name, "group", "", (), [], _task_where(task)),
                        )
                        add_once(entry.tasks, task.id)
            for part in _problem_parts(resolution):
                problem = problems.get(part.name)
                if problem is None:
                    problem = problems[part.name] = _Problem(
                        part.name, part.kind, part.reason, part.suggestions, [], _task_where(task)
                    )
                add_once(problem.tasks, task.id)
    return problems, used_groups


def check_units(
    plan: Plan, registry: Registry, no_lead: list[PlanWarning] | None = None
) -> list[PlanWarning]:
    """Warnings for names the registry does not know (with tasks), for empty groups and for
    group phrases that give tasks to nobody — each once, saying where to write what.

    `no_lead`: the tasks' "no_lead_unit" warnings, in task order, when the caller already
    resolved every task (split does): the tasks are then not resolved a second time."""
    unassigned: dict[str, _Problem] = {}
    problems, used_groups = _collect(plan, registry, unassigned)
    warnings = [
        _problem_warning(
            Resolution(p.name, (), p.kind, p.suggestions, p.reason), p.tasks, **p.where
        )  # type: ignore[arg-type]
        for p in problems.values()
    ]
    members = registry.groups()
    for group, tasks in used_groups.items():
        if not members.get(group):
            warnings.append(
                PlanWarning(
                    "empty_group",
                    f"Nhóm “{group}” (nhiệm vụ {task_list(tasks)}) chưa có đơn vị nào: thêm "
                    f"các đơn vị vào sheet “{UNIT_SHEET}”, cột Nhóm ghi “{group}”.",
                )
            )
    for entry in unassigned.values():
        warnings.append(
            PlanWarning(
                "unassigned_phrase",
                f"Cụm từ chung “{entry.name}” (nhiệm vụ {task_list(entry.tasks)}) không chỉ "
                f"định đơn vị nào. Nếu muốn giao, ghi tên nhóm hoặc mã đơn vị vào cột “Gồm” "
                f"của dòng có cụm từ này ở trang “{GROUP_SHEET}”; để trống là không giao.",
                **entry.where,
            )
        )
    if no_lead is not None:
        warnings.extend(no_lead)
        return warnings
    for task in plan.tasks:
        if not task.lead:
            continue
        lead, _coord, task_warnings = resolve_task_units(task, registry)
        warnings.extend(w for w in task_warnings if w.code == "no_lead_unit")
    return warnings


def check_report(plan: Plan, registry: Registry) -> dict[str, Any]:
    """The `kehoach units check --json` document."""
    problems, used_groups = _collect(plan, registry)
    groups = registry.groups()
    return {
        "units": [_unit_json(u) for u in registry.units],
        "unresolved": [
            {
                "name": p.name,
                "kind": p.kind,
                "reason": p.reason,
                "tasks": p.tasks,
                "suggestions": [{"unit": c, "score": s} for c, s in p.suggestions],
            }
            for p in problems.values()
        ],
        "groups": {
            name: {"units": groups.get(name, []), "tasks": tasks}
            for name, tasks in used_groups.items()
        },
        "warnings": [w.to_dict() for w in check_units(plan, registry)],
    }


# --------------------------------------------------------------------------------------------
# Proposing a registry from a plan
# --------------------------------------------------------------------------------------------

_TDP_IN_TEXT = re.compile(r"(Tổ\s+dân\s+phố|Thôn)\s+((?:[A-ZĐ\u00c0-\u1ef8][\w]*\s*){1,4})")


def _names_of(
    plan_or_names: Plan | Iterable[Plan] | Iterable[str],
) -> list[tuple[str, Task | None]]:
    if isinstance(plan_or_names, Plan):
        plans: list[Plan] = [plan_or_names]
    elif isinstance(plan_or_names, str):
        return [(plan_or_names, None)]
    else:
        items = list(plan_or_names)
        if not all(isinstance(i, Plan) for i in items):
            return [(i, None) for i in items if isinstance(i, str)]
        plans = items  # type: ignore[assignment]
    return [(n, t) for p in plans for t in p.tasks for n in [*t.lead, *t.coordinate]]


def _display_rank(spelling: str, count: int, others: Counter[str]) -> tuple[int, int, int, int]:
    """Prefer spellings without abbreviations or a trailing "xã"/"phường" (unless the name is
    short, as "Công an phường"), then the commonest, then the longest."""
    acronyms = len(re.findall(r"\b[A-ZĐ]{2,}\b", spelling))
    stripped = _strip_place(spelling)
    placed = int(stripped != spelling and len(stripped.split()) > 2 and stripped in others)
    return (acronyms, placed, -count, -len(spelling))


def _make_code(key: str, taken: set[str]) -> str:
    words = key.split()
    if words[:3] == ["to", "dan", "pho"] and len(words) > 3:
        base = "TDP-" + "".join(words[3:]).upper()
    elif words[:1] == ["thon"] and len(words) > 1:
        base = "THON-" + "".join(words[1:]).upper()
    else:
        base = "".join(w[0] for w in words if w[:1].isalnum()).upper() or "DV"
    base = re.sub(r"[^A-Z0-9\-]", "", base)[:14] or "DV"
    code, n = base, 2
    while code in taken:
        code, n = f"{base}{n}", n + 1
    taken.add(code)
    return code


def propose_registry(
    plan_or_names: Plan | Iterable[Plan] | Iterable[str],
) -> tuple[Registry, list[PlanWarning]]:
    """A first registry from the names a plan uses, for the coordinator to correct in Excel.

    One row per distinct unit (spellings with the same key merged as aliases), group
    phrases kept apart in "Nhóm", outside bodies flagged; near-identical names are only
    reported, never merged.
    """
    warnings: list[PlanWarning] = []
    spellings: dict[str, Counter[str]] = {}
    first_seen: dict[str, Task | None] = {}
    extra_aliases: dict[str, list[str]] = {}
    outside: set[str] = set()
    phrases: dict[str, tuple[str, tuple[str, ...], str]] = {}
    if not isinstance(plan_or_names, Plan | str):
        plan_or_names = list(plan_or_names)  # read twice: once for the issuer, once for names
    home = _home_of(plan_or_names)
    for raw, task in _names_of(plan_or_names):
        for piece in split_unit_cell(raw):
            key = home.strip(unit_key(piece))
            if _is_noise(key):
                continue
            builtin = _builtin_phrase(key, piece)
            if builtin is not None:
                phrases.setdefault(key, (_ASKED.sub("", piece), *builtin))
                continue
            display = _ASKED.sub("", piece).strip()
            display = display[:1].upper() + display[1:]
            named_tdp = _TDP_IN_TEXT.search(piece)
            if named_tdp and not _looks_like_unit_start(piece):
                # "Lựa chọn Tổ dân phố Đông Nam làm điểm mô hình": the unit is the TDP.
                display = f"{named_tdp.group(1)} {named_tdp.group(2).strip()}"
                extra_aliases.setdefault(unit_key(display), []).append(piece)
                key = home.strip(unit_key(display))
            spellings.setdefault(key, Counter())[display] += 1
            first_seen.setdefault(key, task)
            if raw.strip().startswith("(") or home.is_outside(_folded_words(piece)):
                outside.add(key)

    taken: set[str] = set()
    units: list[Unit] = []
    for key, counts in spellings.items():
        ranked = sorted(counts.items(), key=lambda item: _display_rank(*item, counts))
        name = ranked[0][0]
        aliases = [s for s, _ in ranked[1:]]
        aliases += [a for a in extra_aliases.get(key, []) if a not in aliases and a != name]
        code, groups = _known_unit(key)
        if key in outside and G_OUTSIDE not in groups:
            groups = (*groups, G_OUTSIDE)
        code = code if code and code not in taken else _make_code(key, taken)
        taken.add(code)
        units.append(Unit(code=code, name=name, aliases=tuple(aliases), groups=tuple(groups)))
        task = first_seen.get(key)
        where = _task_where(task) if task else {}
        if G_OUTSIDE in groups:
            warnings.append(
                PlanWarning(
                    "outside_body",
                    f"“{name}” là cơ quan bên ngoài UBND ({code}); giữ lại nếu muốn gửi "
                    "phiếu báo cáo, hoặc xóa dòng này.",
                    **where,
                )
            )

    group_phrases = [
        GroupPhrase(phrase=text, meaning=meaning, note=note)
        for text, meaning, note in phrases.values()
    ]
    registry = Registry(units, group_phrases)
    warnings.extend(_proposal_warnings(registry))
    registry.warnings = list(warnings)
    return registry, warnings


def _proposal_warnings(registry: Registry) -> list[PlanWarning]:
    from rapidfuzz import fuzz

    warnings: list[PlanWarning] = []
    members = registry.groups()
    for phrase in registry.phrases:
        for group in phrase.meaning:
            if registry.unit(group) is None and not members.get(group):
                warnings.append(
                    PlanWarning(
                        "empty_group",
                        f"Nhóm “{group}” (cụm từ “{phrase.phrase}”) chưa có đơn vị nào: thêm "
                        f"các đơn vị vào sheet “{UNIT_SHEET}”, cột Nhóm ghi “{group}”.",
                    )
                )
    seen: set[str] = set()
    warnings = [w for w in warnings if not (w.message in seen or seen.add(w.message))]
    keyed = [(unit_key(u.name), u) for u in registry.units]
    for i, (key_a, unit_a) in enumerate(keyed):
        for key_b, unit_b in keyed[i + 1 :]:
            score = fuzz.ratio(key_a, key_b)
            if score >= 85:
                warnings.append(
                    PlanWarning(
                        "possible_duplicate_unit",
                        f"“{unit_a.name}” ({unit_a.code}) và “{unit_b.name}” ({unit_b.code}) "
                        f"gần giống nhau ({score:.0f}); nếu là một đơn vị, gộp thành một dòng.",
                    )
                )
    return warnings


# --------------------------------------------------------------------------------------------
# Excel: read and write the registry
# --------------------------------------------------------------------------------------------

_LIST_SPLIT = re.compile(r"\s*[;\n\r]+\s*")


def _split_list(value: str) -> tuple[str, ...]:
    items = [clean_spaces(nfc(v)) for v in _LIST_SPLIT.split(value or "")]
    return tuple(dict.fromkeys(i for i in items if i))


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return nfc(str(value)).strip()


def _header_map(row: list[str], wanted: dict[str, tuple[str, ...]]) -> dict[str, int]:
    """Column index of each wanted field, by header text (accent- and case-free prefix)."""
    found: dict[str, int] = {}
    for index, text in enumerate(row):
        label = " ".join(re.split(r"[^\w]+", fold(text))).strip()
        if not label:
            continue
        for name, prefixes in wanted.items():
            if name not in found and any(label == p or label.startswith(p + " ") for p in prefixes):
                found[name] = index
                break
    return found


_UNIT_COLUMNS = {
    "code": ("ma", "ma don vi", "ky hieu"),
    "name": ("ten day du", "ten don vi", "ten co quan", "ten"),
    "aliases": ("ten viet tat", "ten goi khac", "ten khac", "bi danh"),
    "groups": ("nhom",),
    "email": ("email", "e mail", "thu dien tu", "dia chi email"),
    "contact": ("nguoi dau moi", "dau moi", "can bo dau moi"),
    "phone": ("dien thoai", "so dien thoai", "dt"),
}
_PHRASE_COLUMNS = {
    "phrase": ("cum tu", "cum tu trong ke hoach"),
    "meaning": ("gom", "nghia la", "gom nhom"),
    "note": ("ghi chu",),
}


def _read_rows(workbook: Any, sheet: str) -> list[list[str]]:
    rows = workbook.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    return [[_cell_text(v) for v in row] for row in rows]


def _find_header(
    rows: list[list[str]], wanted: dict[str, tuple[str, ...]], required: tuple[str, ...]
) -> tuple[int, dict[str, int]] | None:
    for index, row in enumerate(rows[:30]):
        columns = _header_map(row, wanted)
        if all(r in columns for r in required):
            return index, columns
    return None


def _find_sheet(names: list[str], wanted: str) -> str | None:
    for name in names:
        if fold(name).strip() == fold(wanted):
            return name
    return None


def load_registry(path: str | Path) -> Registry:
    """Read a registry workbook; bad rows become warnings with their row numbers."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    if not path.is_file():
        raise RegistryError(
            f"Không thấy tệp danh sách đơn vị “{path}”. Lập tệp bằng lệnh "
            "“kehoach units init --plan KẾ_HOẠCH” rồi sửa trong Excel."
        )
    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet_names = list(workbook.sheet_names)
        unit_sheet = _find_sheet(sheet_names, UNIT_SHEET)
        candidates = [unit_sheet] if unit_sheet else sheet_names
        found = None
        for sheet in candidates:
            rows = _read_rows(workbook, sheet)
            found = _find_header(rows, _UNIT_COLUMNS, ("code", "name"))
            if found:
                unit_sheet = sheet
                break
        group_sheet = _find_sheet(sheet_names, GROUP_SHEET)
        group_rows = _read_rows(workbook, group_sheet) if group_sheet else []
    except RegistryError:
        raise
    except Exception as err:  # calamine raises its own error types for damaged files
        raise RegistryError(
            f"Không đọc được tệp danh sách đơn vị “{path.name}” ({err}). "
            "Mở lại bằng Excel và lưu dạng .xlsx."
        ) from err
    if not found or unit_sheet is None:
        raise RegistryError(
            f"Tệp “{path.name}” không có sheet “{UNIT_SHEET}” với dòng tiêu đề gồm cột "
            "“Mã” và “Tên đầy đủ”."
        )
    header_index, columns = found
    warnings: list[PlanWarning] = []
    units = _read_units(rows, header_index, columns, path.name, unit_sheet, warnings)
    phrases: list[GroupPhrase] = []
    if group_rows:
        phrases = read_phrase_rows(group_rows, path.name, group_sheet or GROUP_SHEET, warnings)
    registry = Registry(units, phrases, warnings)
    _check_loaded(registry, path.name, warnings)
    registry.warnings = warnings
    return registry


def read_unit_rows(
    rows: list[list[Any]], file: str, sheet: str, warnings: list[PlanWarning]
) -> list[Unit] | None:
    """Units of a "Đơn vị" sheet (header found anywhere in its first rows), or None when the
    sheet has no header row with "Mã" and "Tên đầy đủ". The one reader every command uses."""
    texts = [[_cell_text(v) for v in row] for row in rows]
    found = _find_header(texts, _UNIT_COLUMNS, ("code", "name"))
    if found is None:
        return None
    return _read_units(texts, *found, file, sheet, warnings)


def read_phrase_rows(
    rows: list[list[Any]], file: str, sheet: str, warnings: list[PlanWarning]
) -> list[GroupPhrase]:
    """Group phrases of a "Nhóm" sheet; a sheet without its header is reported and skipped."""
    texts = [[_cell_text(v) for v in row] for row in rows]
    located = _find_header(texts, _PHRASE_COLUMNS, ("phrase", "meaning"))
    if located is None:
        warnings.append(
            PlanWarning(
                "registry_group_header",
                f"Sheet “{sheet}” không có dòng tiêu đề “Cụm từ trong kế hoạch” | "
                "“Gồm”; bỏ qua sheet này.",
                file=file,
                sheet=sheet,
            )
        )
        return []
    return _read_phrases(texts, *located, file, sheet, warnings)


def _read_units(
    rows: list[list[str]],
    header_index: int,
    columns: dict[str, int],
    file: str,
    sheet: str,
    warnings: list[PlanWarning],
) -> list[Unit]:
    def cell(row: list[str], name: str) -> str:
        index = columns.get(name)
        return row[index] if index is not None and index < len(row) else ""

    units: list[Unit] = []
    taken: set[str] = set()
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        if not any(row):
            continue
        where = {"file": file, "line": offset, "sheet": sheet}
        name = clean_spaces(cell(row, "name"))
        code = cell(row, "code").strip().upper()
        if not name:
            warnings.append(
                PlanWarning("registry_row", f"Dòng {offset}: thiếu tên đơn vị, bỏ qua.", **where)
            )
            continue
        if code and not re.fullmatch(r"[A-Z0-9_.\-]+", code):
            fixed = re.sub(r"[^A-Z0-9_.\-]+", "", fold(code).upper().replace(" ", "-"))
            warnings.append(
                PlanWarning(
                    "registry_code",
                    f"Dòng {offset}: mã “{code}” có dấu hoặc khoảng trắng; dùng “{fixed}”.",
                    **where,
                )
            )
            code = fixed
        if not code:
            code = _make_code(unit_key(name), set(taken))
            warnings.append(
                PlanWarning(
                    "registry_code",
                    f"Dòng {offset}: “{name}” chưa có mã; tạm dùng “{code}”.",
                    **where,
                )
            )
        if code in taken:
            warnings.append(
                PlanWarning(
                    "registry_duplicate",
                    f"Dòng {offset}: mã “{code}” đã dùng ở dòng trên; bỏ qua “{name}”.",
                    **where,
                )
            )
            continue
        email = cell(row, "email").strip()
        if email and not re.fullmatch(r"[^@\s;,]+@[^@\s;,]+\.[^@\s;,]+", email):
            warnings.append(
                PlanWarning(
                    "registry_email",
                    f"Dòng {offset}: email “{email}” của {code} không hợp lệ.",
                    **where,
                )
            )
        taken.add(code)
        units.append(
            Unit(
                code=code,
                name=name,
                aliases=_split_list(cell(row, "aliases")),
                groups=_split_list(cell(row, "groups")),
                email=email,
                contact=clean_spaces(cell(row, "contact")),
                phone=clean_spaces(cell(row, "phone")),
            )
        )
    return units


def _read_phrases(
    rows: list[list[str]],
    header_index: int,
    columns: dict[str, int],
    file: str,
    sheet: str | None,
    warnings: list[PlanWarning],
) -> list[GroupPhrase]:
    phrases: list[GroupPhrase] = []
    for offset, row in enumerate(rows[header_index + 1 :], start=header_index + 2):

        def cell(name: str, row: list[str] = row) -> str:
            index = columns.get(name)
            return row[index] if index is not None and index < len(row) else ""

        phrase = clean_spaces(cell("phrase"))
        if not phrase:
            if cell("meaning").strip():
                warnings.append(
                    PlanWarning(
                        "registry_row",
                        f"Dòng {offset}: thiếu cụm từ, bỏ qua.",
                        file=file,
                        line=offset,
                        sheet=sheet,
                    )
                )
            continue
        phrases.append(
            GroupPhrase(phrase, _split_list(cell("meaning")), clean_spaces(cell("note")))
        )
    return phrases


def _check_loaded(registry: Registry, file: str, warnings: list[PlanWarning]) -> None:
    """Names shared by two units, and phrases naming groups nobody belongs to."""
    for key, codes in registry._keys.items():
        if len(codes) > 1:
            warnings.append(
                PlanWarning(
                    "registry_ambiguous",
                    f"Tên “{key}” dùng cho nhiều đơn vị ({', '.join(codes)}); "
                    "tên này sẽ không được nhận ra.",
                    file=file,
                )
            )
    members = registry.groups()
    for phrase in registry.phrases:
        for item in phrase.meaning:
            if registry.unit(item) is None and not members.get(clean_spaces(item)):
                warnings.append(
                    PlanWarning(
                        "empty_group",
                        f"Cụm từ “{phrase.phrase}”: nhóm “{item}” chưa có đơn vị nào "
                        f"(cột Nhóm ở sheet “{UNIT_SHEET}”).",
                        file=file,
                        sheet=GROUP_SHEET,
                    )
                )


def write_registry(registry: Registry, path: str | Path) -> Path:
    """Write the registry as an A4-landscape workbook the coordinator edits in Excel."""
    import xlsxwriter
    from xlsxwriter.exceptions import XlsxWriterException

    path = Path(path)
    workbook = xlsxwriter.Workbook(
        str(path),
        {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False},
    )
    fmt = registry_formats(workbook)
    try:
        write_unit_sheet(workbook.add_worksheet(UNIT_SHEET), fmt, registry.units)
        write_group_sheet(workbook.add_worksheet(GROUP_SHEET), fmt, registry)
        workbook.close()
    except (XlsxWriterException, OSError) as err:
        raise RegistryError(f"Không ghi được tệp “{path}”: {err}") from err
    return path


def registry_formats(workbook: Any) -> dict[str, Any]:
    """The formats of the "Đơn vị" and "Nhóm" sheets, made once per workbook."""
    base = {"font_name": "Times New Roman", "font_size": 12, "valign": "top", "text_wrap": True}
    return {
        "title": workbook.add_format({**base, "bold": True, "font_size": 14, "text_wrap": False}),
        "note": workbook.add_format({**base, "italic": True}),
        "header": workbook.add_format(
            {**base, "bold": True, "border": 1, "align": "center", "bg_color": "#DDEBF7"}
        ),
        "cell": workbook.add_format({**base, "border": 1}),
        # typed phone numbers stay text, or "0912…" loses its leading zero
        "text": workbook.add_format({**base, "border": 1, "num_format": "@"}),
    }


def _put(sheet: Any, row: int, col: int, text: str, cell_format: Any) -> None:
    """write_string and fail loudly: xlsxwriter reports errors by return code."""
    if sheet.write_string(row, col, text, cell_format) < 0:
        raise RegistryError(f"Không ghi được ô ({row + 1}, {col + 1}): nội dung quá dài?")


def _prepare(sheet: Any, widths: Sequence[int], header_row: int, last_row: int) -> None:
    for col, width in enumerate(widths):
        sheet.set_column(col, col, width)
    sheet.set_landscape()
    sheet.set_paper(9)  # A4
    sheet.set_margins(left=0.6, right=0.4, top=0.6, bottom=0.6)
    sheet.repeat_rows(header_row)
    sheet.fit_to_pages(1, 0)
    sheet.freeze_panes(header_row + 1, 0)
    sheet.autofilter(header_row, 0, max(last_row, header_row), len(widths) - 1)
    sheet.set_footer("&CTrang &P/&N")


def write_unit_sheet(sheet: Any, fmt: dict[str, Any], units: Sequence[Unit]) -> None:
    """The "Đơn vị" sheet, in don-vi.xlsx and in phan-cong.xlsx alike (one writer)."""
    _put(sheet, 0, 0, "DANH SÁCH CƠ QUAN, ĐƠN VỊ", fmt["title"])
    sheet.merge_range(1, 0, 1, len(UNIT_HEADERS) - 1, "", fmt["note"])
    _put(
        sheet,
        1,
        0,
        "Mỗi dòng một đơn vị. Mã: chữ in không dấu, không trùng (VD: VP, PKT, CA). "
        "Tên gọi khác và Nhóm: cách nhau bằng dấu “;” hoặc xuống dòng. Có thể thêm dòng, "
        "thêm cột; không đổi tên các cột tiêu đề.",
        fmt["note"],
    )
    sheet.set_row(1, 48)
    header_row = 3
    for col, title in enumerate(UNIT_HEADERS):
        _put(sheet, header_row, col, title, fmt["header"])
    for index, unit in enumerate(units, start=header_row + 1):
        values = (
            unit.code,
            unit.name,
            "; ".join(unit.aliases),
            "; ".join(unit.groups),
            unit.email,
            unit.contact,
            unit.phone,
        )
        for col, value in enumerate(values):
            _put(sheet, index, col, value, fmt["text"] if col == 6 else fmt["cell"])
    # the code column is as wide as the longest code, so no code spills over on paper
    code_width = max([12, *(len(u.code) + 3 for u in units)])
    _prepare(sheet, (code_width, 42, 48, 26, 28, 22, 16), header_row, header_row + len(units))
    sheet.set_column(6, 6, 16, fmt["text"])


def write_group_sheet(sheet: Any, fmt: dict[str, Any], registry: Registry) -> None:
    """The "Nhóm" sheet: what each group phrase of the plan means."""
    _put(sheet, 0, 0, "CỤM TỪ CHỈ NHÓM ĐƠN VỊ TRONG KẾ HOẠCH", fmt["title"])
    sheet.merge_range(1, 0, 1, len(GROUP_HEADERS) - 1, "", fmt["note"])
    _put(
        sheet,
        1,
        0,
        "Cột “Gồm”: tên nhóm (như cột Nhóm ở sheet “Đơn vị”) hoặc mã đơn vị, cách nhau bằng "
        "“;”. Để trống nếu cụm từ không giao cho đơn vị nào (VD: “các cơ quan, đơn vị có liên "
        "quan”) và ghi “không giao” vào Ghi chú để bỏ nó khỏi trang “Cần kiểm tra”. Cột cuối "
        "do chương trình tính, sửa cũng không có tác dụng.",
        fmt["note"],
    )
    sheet.set_row(1, 48)
    header_row = 3
    for col, title in enumerate(GROUP_HEADERS):
        _put(sheet, header_row, col, title, fmt["header"])
    for index, phrase in enumerate(registry.phrases, start=header_row + 1):
        codes, _groups = registry.expand(phrase.meaning)
        values = (phrase.phrase, "; ".join(phrase.meaning), phrase.note, ", ".join(codes))
        for col, value in enumerate(values):
            _put(sheet, index, col, value, fmt["cell"])
    _prepare(sheet, (50, 34, 40, 34), header_row, header_row + len(registry.phrases))


# --------------------------------------------------------------------------------------------
# The coordinator's edits win: reconciling a new proposal with the edited registry
# --------------------------------------------------------------------------------------------


def deletion_marks(units: Iterable[Unit]) -> set[str]:
    """What identifies a unit the coordinator may delete: its code and its name keys."""
    marks: set[str] = set()
    for unit in units:
        marks.add(f"code:{unit.code.upper()}")
        marks.update(f"key:{unit_key(n)}" for n in (unit.name, *unit.aliases) if unit_key(n))
    return marks


def reconcile_registry(
    proposed: Registry,
    edited_units: Sequence[Unit],
    edited_phrases: Sequence[GroupPhrase] | None,
    forgotten: set[str],
) -> tuple[Registry, list[str]]:
    """The coordinator's registry with only what is really new in the plan added after it.

    A proposed unit is left out when the coordinator deleted it before (its code or a name key
    is in `forgotten`, see `deletion_marks`), or when any of its spellings already resolves in
    the edited registry (an alias the coordinator added points to the unit they kept).
    Returns the registry and a Vietnamese line per unit added.
    """
    phrases = list(edited_phrases) if edited_phrases is not None else list(proposed.phrases)
    edited = Registry(edited_units, phrases)
    taken = {u.code.upper() for u in edited_units}
    units = list(edited_units)
    changes: list[str] = []
    phrase_keys = {unit_key(p.phrase) for p in phrases}
    for unit in proposed.units:
        marks = deletion_marks([unit])
        if marks & forgotten:
            # deleted by the coordinator: the plan's name for it now means nobody, visibly so
            if edited._lookup(unit.name) is None and unit_key(unit.name) not in phrase_keys:
                phrases.append(GroupPhrase(unit.name, (), NOTE_DELETED))
                phrase_keys.add(unit_key(unit.name))
            continue
        if unit.code.upper() in taken:
            continue
        if any(edited._lookup(n) is not None for n in (unit.name, *unit.aliases)):
            continue
        units.append(unit)
        taken.add(unit.code.upper())
        changes.append(f"Thêm đơn vị mới trong kế hoạch: {unit.code} – {unit.name}")
    if edited_phrases is not None:
        for phrase in proposed.phrases:
            if unit_key(phrase.phrase) not in phrase_keys:
                phrases.append(phrase)
                phrase_keys.add(unit_key(phrase.phrase))
                changes.append(f"Thêm cụm từ chung vào trang “{GROUP_SHEET}”: {phrase.phrase}")
    return Registry(units, phrases), changes
