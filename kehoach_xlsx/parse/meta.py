"""The plan's header and footer: number, place and date, title, grounds, recipients, signature."""

from __future__ import annotations

import re
from datetime import date

from kehoach_xlsx.model import PlanMeta, PlanWarning
from kehoach_xlsx.vntext import fold

NUMBER_LINE = re.compile(r"^\s*S[ốo]\s*:\s*(?P<value>.*)$", re.IGNORECASE)
PLACE_DATE = re.compile(
    r"^\s*(?P<place>[^,]{2,60}),\s*ng[àa]y\s*(?P<d>\d{1,2})?\s*th[áa]ng\s*(?P<m>\d{1,2})?\s*"
    r"n[ăa]m\s*(?P<y>\d{4})\s*\.?\s*$",
    re.IGNORECASE,
)
APPENDIX_REFERENCE = re.compile(
    r"k[èe]m\s+theo\s+k[ếe]\s+ho[ạa]ch\s+s[ốo]\s*(?P<number>[^\s]*(?:\s*/\s*[^\s]+)?)\s*"
    r"(?:ng[àa]y\s*(?P<d>\d{1,2})\s*[/.-]\s*(?P<m>\d{1,2})\s*[/.-]\s*(?P<y>\d{4}))?"
    r"(?:\s*c[ủu]a\s+(?P<issuer>[^)]+))?",
    re.IGNORECASE,
)
ISSUER_IN_TEXT = re.compile(
    r"(?P<issuer>(?:Ủy|Uỷ|ỦY|UỶ) ban nhân dân|UBND)\s+(?P<kind>phường|xã|thị trấn|Phường|Xã)"
    r"(?P<name>(?:\s+[A-ZĐÂĂÊÔƠƯÁÀẢÃẠẤẦẨẪẬẮẰẲẴẶÉÈẺẼẸẾỀỂỄỆÍÌỈĨỊÓÒỎÕỌỐỒỔỖỘỚỜỞỠỢÚÙỦŨỤỨỪỬỮỰÝỲỶỸỴ]"
    r"[\wÀ-ỹ]*)+)"
)
MOTTO = (
    "cong hoa xa hoi chu nghia viet nam",
    "doc lap - tu do - hanh phuc",
    "doc lap tu do hanh phuc",
)
SIGNATURE_ROLES = (
    "tm.",
    "kt.",
    "tl.",
    "tuq.",
    "chu tich",
    "pho chu tich",
    "truong phong",
    "chanh van phong",
    "giam doc",
)
GROUND_STARTS = ("thuc hien", "can cu", "theo ", "nham ")


NUMBER_TOKEN = re.compile(r"^\s*(?P<serial>[0-9]*)\s*/\s*(?P<kind>[^\s,;|]+)")


def parse_number(value: str) -> str | None:
    """ "143/KH-UBND" -> "143/KH-UBND"; "69 /KH-UBND" -> "69/KH-UBND"; "/KH-UBND" (draft) -> None.

    Anything after the number (a place and date printed on the same line) is ignored here.
    """
    match = NUMBER_TOKEN.match(value)
    if not match or not match.group("serial"):
        return None
    return f"{match.group('serial')}/{match.group('kind')}".rstrip(".")


PLACE_DATE_INSIDE = re.compile(
    r"(?P<place>[A-ZĐÀ-Ỹ](?:(?!\s{2})[^,|\t]){1,60}),\s*ng[àa]y\s*\d{0,2}\s*th[áa]ng\s*\d{0,2}\s*n[ăa]m\s*\d{4}",
    re.IGNORECASE,
)


def find_place_date(text: str) -> tuple[str, date | None] | None:
    """A place-and-date phrase anywhere in a line ("Số: 12/KH-UBND   An Biên, ngày …")."""
    match = PLACE_DATE_INSIDE.search(text)
    return parse_place_date(match.group(0)) if match else None


ISSUER_CONTINUATION = (
    "phuong ",
    "xa ",
    "thi tran ",
    "quan ",
    "huyen ",
    "thi xa ",
    "thanh pho ",
    "tinh ",
)


def is_issuer_continuation(text: str) -> bool:
    """ "PHƯỜNG AN BIÊN" printed under "ỦY BAN NHÂN DÂN"."""
    return text.isupper() and fold(text).startswith(ISSUER_CONTINUATION) and len(text) < 80


def is_rule_line(text: str) -> bool:
    """The short horizontal rules under the issuer and the motto ("-------", "___")."""
    return bool(re.fullmatch(r"[-_=–—.*\s]{3,}", text))


def parse_place_date(text: str) -> tuple[str, date | None] | None:
    match = PLACE_DATE.match(text)
    if not match:
        return None
    place = match.group("place").strip()
    day, month, year = match.group("d"), match.group("m"), match.group("y")
    when = None
    if day and month and year:
        try:
            when = date(int(year), int(month), int(day))
        except ValueError:
            when = None
    return place, when


def is_title_word(text: str) -> bool:
    """The lone "KẾ HOẠCH" line above the plan's title."""
    return fold(text).strip(" .:") == "ke hoach"


def is_motto(text: str) -> bool:
    folded = fold(text).replace("–", "-")
    return any(folded.startswith(m) for m in MOTTO)


def is_issuer_line(text: str) -> bool:
    folded = fold(text)
    return text.isupper() and (
        folded.startswith("uy ban nhan dan")
        or folded.startswith("ubnd")
        or folded.startswith("hoi dong")
    )


def is_recipients_start(text: str) -> bool:
    return fold(text).rstrip(" :").strip() == "noi nhan"


def is_signature_role(text: str) -> bool:
    """ "KT. CHỦ TỊCH", "GIÁM ĐỐC" above a signature; not a decision's authority line
    ("CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …" before its "Căn cứ …" grounds)."""
    folded = fold(text).strip()
    if re.match(r"(?:pho )?chu tich (?:uy ban nhan dan|ubnd)\b", folded):
        return False
    return any(folded.startswith(role) for role in SIGNATURE_ROLES)


def is_appendix_heading(text: str) -> bool:
    folded = fold(text)
    return folded.startswith("phu luc") and len(text) < 200


APPENDIX_NUMBER = re.compile(
    r"ph[ụu]\s*l[ụu]c\s*(?:s[ốo]\s*)?(?P<num>[0-9IVXLC]+)\b", re.IGNORECASE
)


def appendix_number(text: str) -> str | None:
    match = APPENDIX_NUMBER.search(text)
    if not match:
        return None
    number = match.group("num")
    return number.zfill(2) if number.isdigit() else number


def issuer_from_text(text: str) -> str | None:
    match = ISSUER_IN_TEXT.search(text)
    if not match:
        return None
    kind = match.group("kind").lower()
    name = match.group("name").strip()
    return f"Ủy ban nhân dân {kind} {name}"


def is_ground(text: str) -> bool:
    return fold(text).startswith(GROUND_STARTS)


DECISION_TITLE = re.compile(
    r"^(?:v[ềe]\s+vi[ệe]c\s+)?(?:ph[êe]\s+duy[ệe]t|ban\s+h[àa]nh)\s+(?:k[ếe]\s+ho[ạa]ch\s+)?(?P<title>.+)$",
    re.IGNORECASE,
)
RULE_CHARS = re.compile(r"[-_=–—─━*~]{3,}|\.{5,}")


def tidy_meta(meta: PlanMeta) -> list[PlanWarning]:
    """Clean what the header reading kept and say what is missing.

    The issuer loses its decorative rule ("ỦY BAN NHÂN DÂN TỈNH X --------"); a plan issued by
    a Quyết định ("Số: 123/QĐ-UBND") takes its title from "Phê duyệt/Ban hành Kế hoạch …"
    when its own "KẾ HOẠCH" heading gave none. A missing number, date, issuer or title is one
    "Cần kiểm tra" item when the plan has a header at all, since mails and letters quote them.
    """
    if meta.issuer:
        meta.issuer = " ".join(RULE_CHARS.sub(" ", meta.issuer).split()) or None
    if meta.title:
        meta.title = " ".join(RULE_CHARS.sub(" ", meta.title).split()) or None
    decision = bool(meta.number and fold(meta.number.partition("/")[2]).startswith("qd"))
    if decision and not meta.title:
        for line in meta.grounds:
            match = DECISION_TITLE.match(line.strip())
            if match:
                meta.title = match.group("title").strip(" .;")
                meta.grounds.remove(line)
                break
    missing = [
        label
        for label, value in (
            ("số văn bản", meta.number),
            ("ngày ban hành", meta.date),
            ("cơ quan ban hành", meta.issuer),
            ("tên kế hoạch", meta.title),
        )
        if not value
    ]
    # a bare list of tasks (an appendix on its own, a pasted table) has no header to check
    has_header = any((meta.number, meta.date, meta.issuer, meta.place))
    if not missing or not has_header:
        return []
    return [
        PlanWarning(
            "meta_missing",
            f"Chưa đọc được {', '.join(missing)} của kế hoạch. Thư và văn bản gửi đi sẽ bỏ qua "
            "các chi tiết này; hãy sửa plan.json (mục “plan”) nếu cần ghi đủ.",
        )
    ]
