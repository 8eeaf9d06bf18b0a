"""Vietnamese text helpers: NFC, one tone placement, accent folding and ASCII slugs."""

from __future__ import annotations

import re
import unicodedata

# Old-style tone placement puts the mark on the second vowel of "oa", "oe", "uy" at the end of
# a syllable ("hoá", "thuỷ", "khoẻ"); Word documents mix it with the new style ("hóa", "thủy").
_TONES = {
    "\u0301": "acute",
    "\u0300": "grave",
    "\u0309": "hook",
    "\u0303": "tilde",
    "\u0323": "dot",
}
_OLD_TONE = re.compile(
    r"(?<![qQ])([oO])([aAeE])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])"
    r"|(?<![qQ])([uU])([yY])([\u0300\u0301\u0303\u0309\u0323])(?![\w\u0300-\u036f])"
)


def nfc(text: str) -> str:
    """NFC-normalise text (Word may hand us NFD)."""
    return unicodedata.normalize("NFC", text)


def tone_normalize(text: str) -> str:
    """Bring old-style tone placement to the new style: "hoá" -> "hóa", "thuỷ" -> "thủy"."""
    decomposed = unicodedata.normalize("NFD", text)

    def move(match: re.Match[str]) -> str:
        if match.group(1):
            return match.group(1) + match.group(3) + match.group(2)
        return match.group(4) + match.group(6) + match.group(5)

    return unicodedata.normalize("NFC", _OLD_TONE.sub(move, decomposed))


def fold(text: str) -> str:
    """Lower-case, accent-free, single-spaced form for comparing words ("Hoà" == "hoa")."""
    decomposed = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.lower().split())


def compare_key(text: str) -> str:
    """Case-insensitive form that keeps diacritics but not tone placement or spacing."""
    return " ".join(tone_normalize(nfc(text)).lower().split())


def slugify(text: str, max_length: int = 60) -> str:
    """ASCII file-name slug: "Phòng Văn hóa - Xã hội" -> "phong-van-hoa-xa-hoi"."""
    ascii_text = fold(text)
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    return slug or "khong-ten"


def clean_spaces(text: str) -> str:
    """Collapse runs of white space (including non-breaking spaces) into one space."""
    return " ".join(text.replace("\u00a0", " ").split())
