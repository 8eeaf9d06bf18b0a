"""Legacy Vietnamese encodings: TCVN3 (ABC) and VNI Windows text turned back into Unicode.

Old Word/Excel files typed with .VnTime (TCVN3) or VNI-Times fonts store one byte per glyph;
once decoded as cp1252/latin-1 (by Word, LibreOffice or a text reader) they look like
"Uû ban nh©n d©n" (TCVN3) or "UÛy ban nhaân daân" (VNI). Both maps below only use bytes
0xA0-0xFF, where cp1252 and latin-1 agree, so one table serves both readings.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Literal

LegacyEncoding = Literal["tcvn3", "vni"]

# TCVN3 (ABC): one byte per lower-case letter; capitals with tone marks have no code of their
# own (the ".VnTimeH" capital font reuses the lower-case codes), only the seven bare capitals do.
_TCVN3_PAIRS = (
    "àµ á¸ ả¶ ã· ạ¹ "
    "ă¨ ằ» ắ¾ ẳ¼ ẵ½ ặÆ "
    "â© ầÇ ấÊ ẩÈ ẫÉ ậË "
    "đ® èÌ éÐ ẻÎ ẽÏ ẹÑ "
    "êª ềÒ ếÕ ểÓ ễÔ ệÖ "
    "ì× íÝ ỉØ ĩÜ ịÞ "
    "òß óã ỏá õâ ọä "
    "ô« ồå ốè ổæ ỗç ộé "
    "ơ¬ ờê ớí ởë ỡì ợî "
    "ùï úó ủñ ũò ụô "
    "ư\u00ad ừõ ứø ửö ữ÷ ựù "
    "ỳú ýý ỷû ỹü ỵþ "
    "Ă¡ Â¢ Đ§ Ê£ Ô¤ Ơ¥ Ư¦"
)
_TCVN3_TO_UNI: dict[str, str] = {}
for _pair in _TCVN3_PAIRS.split(" "):
    _uni, _byte = _pair[0], _pair[1]
    _TCVN3_TO_UNI[_byte] = _uni
_UNI_TO_TCVN3 = {uni: byte for byte, uni in _TCVN3_TO_UNI.items()}

# Marks of TCVN3 that neither Unicode Vietnamese nor VNI produce: the bytes 0xA1-0xBF
# ("©" â, "®" đ, "µ" à) and a few letters Western text rarely has ("ß" ò, "Þ" ị, "×" ì).
_TCVN3_MARKERS = frozenset(
    [ch for ch in _TCVN3_TO_UNI if 0xA1 <= ord(ch) <= 0xBF] + list("ËÐ×Þßþ÷")
)

# VNI Windows: a base letter followed by a modifier byte; a few letters are one byte.
_VNI_BASES = {
    "a": "a",
    "ă": "aê",
    "â": "aâ",
    "e": "e",
    "ê": "eâ",
    "o": "o",
    "ô": "oâ",
    "ơ": "ô",
    "u": "u",
    "ư": "ö",
    "y": "y",
}
_VNI_TONES_PLAIN = {"acute": "ù", "grave": "ø", "hook": "û", "tilde": "õ", "dot": "ï"}
_VNI_TONES_HAT = {"acute": "á", "grave": "à", "hook": "å", "tilde": "ã", "dot": "ä"}
_VNI_TONES_BREVE = {"acute": "é", "grave": "è", "hook": "ú", "tilde": "ü", "dot": "ë"}
_VNI_SINGLE = {"í": "í", "ì": "ì", "ỉ": "æ", "ĩ": "ó", "ị": "ò", "ỵ": "î", "đ": "ñ"}
_TONE_MARKS = {
    "acute": "\u0301",
    "grave": "\u0300",
    "hook": "\u0309",
    "tilde": "\u0303",
    "dot": "\u0323",
}


def _build_vni() -> dict[str, str]:
    """Unicode letter -> VNI byte string, lower and upper case."""
    table: dict[str, str] = {}
    for letter, base in _VNI_BASES.items():
        if letter not in "aeouy":
            table[letter] = base
        for tone, mark in _TONE_MARKS.items():
            composed = unicodedata.normalize("NFC", letter + mark)
            if letter in "âêô":
                encoded = base[0] + _VNI_TONES_HAT[tone]
            elif letter == "ă":
                encoded = base[0] + _VNI_TONES_BREVE[tone]
            else:
                encoded = base + _VNI_TONES_PLAIN[tone]
            table[composed] = encoded
    table.update(_VNI_SINGLE)
    for letter, encoded in list(table.items()):
        table[letter.upper()] = encoded.upper()
    return table


_UNI_TO_VNI = _build_vni()
_VNI_TO_UNI = {encoded: letter for letter, encoded in _UNI_TO_VNI.items()}
# Longest first, so "oâ" (ô) wins over "o" and "ôù" (ớ) over "ô" (ơ).
_VNI_PATTERN = re.compile(
    "|".join(re.escape(k) for k in sorted(_VNI_TO_UNI, key=len, reverse=True))
)
# Modifier bytes VNI puts after a vowel (pairs Unicode Vietnamese never has, "aø", "oâ"),
# and its one-byte letters Unicode Vietnamese never uses ("ñ" đ, "ö" ư, "æ" ỉ, "î" ỵ).
_VNI_PAIRS = re.compile(r"[aeiouyAEIOUYôÔöÖ][ùøûïÙØÛÏ]|[aeoAEO][âÂåÅäÄ]|[aA][êÊéÉèÈúÚüÜëË]")
_VNI_SINGLES = re.compile(r"[ñÑöÖæÆîÎ]")

# Letters that only Unicode Vietnamese has (never produced by either legacy reading).
_UNICODE_VIET = re.compile(r"[\u0102\u0103\u0110\u0111\u01a0\u01a1\u01af\u01b0\u1ea0-\u1ef9]")


def detect_legacy(text: str) -> LegacyEncoding | None:
    """Guess whether text is TCVN3 or VNI mojibake; None for Unicode (or plain ASCII) text.

    Each legacy reading leaves marks Unicode Vietnamese never has: TCVN3 the bytes
    0xA1-0xBF ("©" for â, "®" for đ), VNI a modifier after a vowel ("aø", "ñ").
    """
    if not text or not isinstance(text, str):
        return None
    words = max(1, len(text.split()))
    unicode_marks = len(_UNICODE_VIET.findall(text))
    tcvn3 = sum(1 for ch in text if ch in _TCVN3_MARKERS)
    vni_pairs = len(_VNI_PAIRS.findall(text))
    vni = vni_pairs + len(_VNI_SINGLES.findall(text))
    # One stray "©" in a long text is a copyright sign, not an encoding.
    needed = 1 if words <= 6 else 2
    # TCVN3 text also shows some VNI-looking letters ("ñ" is ủ there), VNI none of TCVN3's
    # marks, so TCVN3 marks win unless real VNI vowel+modifier pairs outnumber them.
    if tcvn3 >= needed and tcvn3 >= vni_pairs and tcvn3 > unicode_marks and tcvn3 / words >= 0.1:
        return "tcvn3"
    if vni >= needed and vni > tcvn3 and vni > unicode_marks and vni / words >= 0.1:
        return "vni"
    return None


def to_unicode(text: str, encoding: LegacyEncoding | str) -> str:
    """Convert TCVN3 or VNI mojibake to NFC Unicode ("Uû ban nh©n d©n" -> "Uỷ ban nhân dân")."""
    if encoding == "tcvn3":
        converted = "".join(_TCVN3_TO_UNI.get(ch, ch) for ch in text)
        converted = _restore_capitals(text, converted)
    elif encoding == "vni":
        converted = _VNI_PATTERN.sub(lambda m: _VNI_TO_UNI[m.group(0)], text)
    else:
        raise ValueError(f"unknown legacy encoding: {encoding!r}")
    return unicodedata.normalize("NFC", converted)


def fix_legacy(text: str) -> str:
    """Return text converted to Unicode if it looks like TCVN3/VNI, else unchanged (NFC)."""
    encoding = detect_legacy(text)
    if encoding is None:
        return unicodedata.normalize("NFC", text)
    return to_unicode(text, encoding)


def decode_legacy_bytes(data: bytes) -> str:
    """Decode bytes of a legacy .txt: UTF-8 when valid, else latin-1 then TCVN3/VNI repair."""
    try:
        return unicodedata.normalize("NFC", data.decode("utf-8"))
    except UnicodeDecodeError:
        return fix_legacy(data.decode("latin-1"))


def from_unicode(text: str, encoding: LegacyEncoding | str) -> str:
    """Encode Unicode text the legacy way (as read back through latin-1); for tests and tools.

    TCVN3 has no capitals with tone marks: they come out as the lower-case code, as with
    the ".VnTimeH" fonts.
    """
    text = unicodedata.normalize("NFC", text)
    if encoding == "tcvn3":
        out = []
        for ch in text:
            if ch in _UNI_TO_TCVN3:
                out.append(_UNI_TO_TCVN3[ch])
            elif ch.lower() in _UNI_TO_TCVN3 and not ch.isascii():
                out.append(_UNI_TO_TCVN3[ch.lower()])
            else:
                out.append(ch)
        return "".join(out)
    if encoding == "vni":
        return "".join(_UNI_TO_VNI.get(ch, ch) for ch in text)
    raise ValueError(f"unknown legacy encoding: {encoding!r}")


_WORD = re.compile(r"\S+")


def _restore_capitals(original: str, converted: str) -> str:
    """Upper-case TCVN3 words typed in capitals ("C¤NG" -> "CÔNG", "UBND" stays)."""

    def fix(match: re.Match[str]) -> str:
        word = match.group(0)
        src = original[match.start() : match.end()]
        letters = [ch for ch in src if ch.isascii() and ch.isalpha()]
        if len(letters) >= 2 and all(ch.isupper() for ch in letters) and word != word.upper():
            return word.upper()
        return word

    # TCVN3 conversion is one char for one char, so positions line up.
    return _WORD.sub(fix, converted)
