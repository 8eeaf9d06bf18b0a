"""TCVN3 (ABC) and VNI mojibake back to Unicode."""

from __future__ import annotations

import unicodedata

import pytest

from kehoach_xlsx.legacy import (
    decode_legacy_bytes,
    detect_legacy,
    fix_legacy,
    from_unicode,
    to_unicode,
)

PHRASES = [
    "Văn phòng Hội đồng nhân dân và ủy ban nhân dân phường",
    "Trung tâm Phục vụ hành chính công",
    "Đề nghị ủy ban Mặt trận Tổ quốc Việt Nam",
    "Phòng Văn hóa - Xã hội",
    "Ban Chỉ huy Quân sự",
    "Thường xuyên, hằng năm",
    "Công an",
    "Đoàn Thanh niên",
    "ỉ ĩ ị ỵ ợ ữ ặ ẫ ẳ ẵ ắ ằ",
]


@pytest.mark.parametrize("text", PHRASES)
@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_round_trip_through_legacy_encoding(text: str, encoding: str) -> None:
    encoded = from_unicode(text, encoding)
    assert encoded != text
    assert detect_legacy(encoded) == encoding
    assert to_unicode(encoded, encoding) == text


@pytest.mark.parametrize(
    ("mojibake", "encoding", "expected"),
    [
        ("Uû ban nh©n d©n", "tcvn3", "Uỷ ban nhân dân"),
        ("Phßng V¨n ho¸ - X· héi", "tcvn3", "Phòng Văn hoá - Xã hội"),
        ("C¤NG AN PH¦êNG", "tcvn3", "CÔNG AN PHƯỜNG"),
        ("UÛy ban nhaân daân", "vni", "Ủy ban nhân dân"),
        ("Xin chaøo caùc baïn", "vni", "Xin chào các bạn"),
        ("ÑOAØN THANH NIEÂN", "vni", "ĐOÀN THANH NIÊN"),
    ],
)
def test_known_strings(mojibake: str, encoding: str, expected: str) -> None:
    assert detect_legacy(mojibake) == encoding
    assert to_unicode(mojibake, encoding) == expected
    assert fix_legacy(mojibake) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "UBND",
        "Văn phòng HĐND và UBND",
        "Phòng Văn hoá – Xã hội, hoà giải, khoẻ, thuỷ",  # old tone placement is still Unicode
        "Café crème brûlée à la française",
        unicodedata.normalize("NFD", "Tổ hòa giải ở cơ sở"),
    ],
)
def test_unicode_is_not_legacy(text: str) -> None:
    assert detect_legacy(text) is None
    assert fix_legacy(text) == unicodedata.normalize("NFC", text)


def test_capital_letters_without_own_tcvn3_code_come_back_lower_case() -> None:
    # .VnTimeH capitals reuse the lower-case codes: "Ủy" is stored as "ñy".
    assert from_unicode("Ủy ban", "tcvn3") == "ñy ban"
    assert to_unicode("ñy ban", "tcvn3") == "ủy ban"


@pytest.mark.parametrize("codec", ["latin-1", "cp1252"])
@pytest.mark.parametrize("encoding", ["tcvn3", "vni"])
def test_bytes_of_a_legacy_text_file(tmp_path, codec: str, encoding: str) -> None:
    text = "Kế hoạch thực hiện của Phòng Văn hóa - Xã hội năm 2026"
    path = tmp_path / "cu.txt"
    path.write_bytes(from_unicode(text, encoding).encode(codec))
    decoded = decode_legacy_bytes(path.read_bytes())
    assert decoded.lower() == text.lower()


def test_utf8_bytes_are_left_alone() -> None:
    assert decode_legacy_bytes("Hội Nông dân".encode()) == "Hội Nông dân"


@pytest.mark.parametrize(
    "text",
    [
        "x" * 10_000,
        "Uû ban nh©n d©n và Ủy ban nhân dân " * 300,  # mixed encodings
        "\x00\x01\ufffd©®¬",
        "aø" * 5000,
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    encoding = detect_legacy(text)
    assert encoding in (None, "tcvn3", "vni")
    assert isinstance(fix_legacy(text), str)


def test_unknown_encoding_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        to_unicode("abc", "viqr")
