"""Words the leader reads: the issuing body and its level, plan references, periods, dates.

One place for the small texts every output shares (mails, letters, the report and its draft
.docx), so none of them prints a decorative rule, a fixed "phường", an ISO date or half a
sentence when a value is missing.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from kehoach_xlsx.vntext import fold, nfc, tone_normalize

# Decorative rules printed under the issuer and the motto: "--------", "___", "—————".
RULE = re.compile(r"[-_=–—─━*~]{3,}|\.{5,}")
# (folded start of the body's name, level word as written); longest first
LEVELS = (
    ("thi tran", "thị trấn"),
    ("thi xa", "thị xã"),
    ("thanh pho", "thành phố"),
    ("phuong", "phường"),
    ("xa", "xã"),
    ("huyen", "huyện"),
    ("quan", "quận"),
    ("tinh", "tỉnh"),
)
BODY_PREFIXES = ("uy ban nhan dan ", "ubnd ")


def clean_line(text: str | None) -> str:
    """One line without decorative rules and doubled spaces (NFC)."""
    return " ".join(RULE.sub(" ", nfc(text or "")).split())


def clean_issuer(issuer: str | None) -> str:
    """ "ỦY BAN NHÂN DÂN TỈNH X --------" -> "ỦY BAN NHÂN DÂN TỈNH X"; lines joined by a space."""
    return clean_line(" ".join((issuer or "").splitlines()))


def issuer_level(issuer: str | None) -> str:
    """The level word of a people's committee ("phường", "xã", "tỉnh" …), or "" for others."""
    folded = fold(clean_issuer(issuer))
    for prefix in BODY_PREFIXES:
        if folded.startswith(prefix):
            rest = folded[len(prefix) :]
            for start, word in LEVELS:
                if rest == start or rest.startswith(start + " "):
                    return word
    return ""


def issuer_name(issuer: str | None) -> str:
    """Sentence case for running text: "Ủy ban nhân dân tỉnh Hà Lam", "Sở Tư pháp tỉnh X"."""
    text = clean_issuer(issuer)
    if not text:
        return ""
    if not text.isupper():
        return tone_normalize(text)
    folded = fold(text)
    for prefix in BODY_PREFIXES:
        if folded.startswith(prefix):
            rest = text[len(prefix) :].strip()
            level = issuer_level(text)
            name = rest[len(level) :].strip() if level else rest
            head = "Ủy ban nhân dân" + (f" {level}" if level else "")
            return f"{head} {_title_case(name)}".strip()
    words = text.split()
    # "SỞ TƯ PHÁP TỈNH HÀ LAM": common words lower, the proper name after the level title-cased
    out: list[str] = []
    proper = False
    for index, word in enumerate(words):
        low = word.lower()
        if index <= 1:  # "Sở Tư pháp", "Ban Quản lý …": the body word and its name's first
            out.append(word.capitalize())
        elif proper:
            out.append(word.capitalize())
        else:
            out.append(low)
            proper = any(fold(low) == start for start, _ in LEVELS)
    return tone_normalize(" ".join(out))


def _title_case(name: str) -> str:
    return " ".join(part.capitalize() for part in name.split())


def issuer_short(issuer: str | None) -> str:
    """ "UBND tỉnh Hà Lam" for subjects and tables; other bodies unchanged."""
    name = issuer_name(issuer)
    if name.startswith("Ủy ban nhân dân"):
        return "UBND" + name[len("Ủy ban nhân dân") :]
    return name


def office_name(issuer: str | None, setting: str | None = None) -> str:
    """Who writes to the units: "Văn phòng HĐND và UBND xã", "Văn phòng UBND tỉnh" …

    A value set in kehoach.toml ([chung] don_vi_dau_moi) wins when it differs from the old
    default, which named no level.
    """
    configured = clean_line(setting)
    if configured and configured != "Văn phòng HĐND và UBND":
        return configured
    level = issuer_level(issuer)
    if level == "tỉnh" or (level == "thành phố" and _is_central_city(issuer)):
        return f"Văn phòng UBND {level}"  # a province's office serves the committee only
    if level:
        return f"Văn phòng HĐND và UBND {level}"
    if fold(clean_issuer(issuer)).startswith("so "):
        return "Văn phòng Sở"
    return configured or "Văn phòng"


CENTRAL_CITIES = ("ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue")


def _is_central_city(issuer: str | None) -> bool:
    folded = fold(clean_issuer(issuer))
    return any(city in folded for city in CENTRAL_CITIES)


def document_kind(number: str | None) -> str:
    """ "Quyết định" for "123/QĐ-UBND", "Kế hoạch" otherwise (the plan itself)."""
    kind = fold((number or "").partition("/")[2])
    return "Quyết định" if kind.startswith("qd") else "Kế hoạch"


def vn_date(value: date | datetime | str | None) -> str:
    """dd/mm/yyyy; an ISO text is converted, any other wording kept as written."""
    if isinstance(value, datetime | date):
        return value.strftime("%d/%m/%Y")
    text = (value or "").strip()
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})(?:[T ][\d:.+Z-]*)?", text)
    if match:
        return f"{match.group(3)}/{match.group(2)}/{match.group(1)}"
    return text


def plan_reference(meta: Mapping[str, Any] | Any, *, blank: str = "") -> str:
    """ "Kế hoạch số 88/KH-UBND ngày 12/03/2026" or, for a plan issued by a decision,
    "Kế hoạch ban hành kèm theo Quyết định số 123/QĐ-UBND ngày 20/04/2026".

    Without a number the reference stays readable: "Kế hoạch ngày …", or "Kế hoạch" with
    `blank` ("      /KH-UBND" in a draft for the office to fill in).
    """
    number = clean_line(_get(meta, "number"))
    when = _get(meta, "date")
    if isinstance(when, str) and when:
        try:
            when = date.fromisoformat(when[:10])
        except ValueError:
            when = None
    dated = f" ngày {when:%d/%m/%Y}" if isinstance(when, date) else ""
    if number and document_kind(number) == "Quyết định":
        return f"Kế hoạch ban hành kèm theo Quyết định số {number}{dated}"
    if number:
        return f"Kế hoạch số {number}{dated}"
    if blank:
        return f"Kế hoạch số {blank}{dated}"
    return f"Kế hoạch{dated}"


def plan_sentence(meta: Mapping[str, Any] | Any) -> str:
    """ "Kế hoạch số 88/KH-UBND ngày 12/03/2026 của Ủy ban nhân dân tỉnh Hà Lam về …",
    leaving out the parts that are not known."""
    parts = [plan_reference(meta)]
    issuer = issuer_name(_get(meta, "issuer"))
    if issuer:
        parts.append(f"của {issuer}")
    title = about(_get(meta, "title"))
    if title:
        parts.append(f"về {title}")
    return " ".join(parts)


def about(title: str | None) -> str:
    """A title as it reads after "về": "Cải cách hành chính …" -> "cải cách hành chính …"."""
    title = clean_line(title)
    return title[:1].lower() + title[1:] if title and _lower_ok(title) else title


def _lower_ok(title: str) -> bool:
    """A title starting with a common word ("Cải cách …") reads lower-case after "về"."""
    first = title.split()[0] if title.split() else ""
    return first[:1].isupper() and first[1:].islower() and len(first) > 1


def period_text(code: str, *, capital: bool = False) -> str:
    """ "2026-09" -> "tháng 9/2026", "2026-Q3" -> "quý III/2026" (capitalised on request)."""
    from kehoach_xlsx.deadlines import parse_period  # deadlines imports a lot; only when used

    try:
        label = parse_period(code).label
    except Exception:  # noqa: BLE001 - an odd code is shown as written
        label = str(code or "")
    return label[:1].upper() + label[1:] if capital else label


def _get(meta: Mapping[str, Any] | Any, key: str) -> Any:
    if isinstance(meta, Mapping):
        return meta.get(key)
    return getattr(meta, key, None)


def issuer_heading(issuer: str | None) -> list[str]:
    """Upper-case issuer heading split as printed: ["ỦY BAN NHÂN DÂN", "TỈNH HÀ LAM"]."""
    upper = " ".join(tone_normalize(clean_issuer(issuer)).split()).upper()  # "Uỷ" -> "ỦY"
    for short in ("UBND ", "ỦY BAN NHÂN DÂN "):
        if upper.startswith(short):
            return ["ỦY BAN NHÂN DÂN", upper[len(short) :].strip()]
    return [upper] if upper else []
