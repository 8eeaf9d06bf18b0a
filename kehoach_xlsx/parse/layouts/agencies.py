"""Agency names inside prose: is a line an agency, who leads a sentence, where names split.

Judged by the words public bodies are named with (Sở, Bộ, Ủy ban, Công an, Phòng …) and by
the verbs that start a duty, never by a list of particular names, so it works on plans of
any province or ministry.
"""

from __future__ import annotations

import re

from kehoach_xlsx.vntext import nfc, tone_normalize

# Head words of a named body (lower case). "Bộ trưởng", "Chủ tịch" name a person, not a body.
_AGENCY_HEADS = (
    "bộ",
    "sở",
    "ủy ban",
    "ubnd",
    "ubmttq",
    "công an",
    "phòng",
    "ban",
    "trung tâm",
    "văn phòng",
    "hội",
    "hội đồng",
    "đoàn",
    "tỉnh đoàn",
    "thành đoàn",
    "huyện đoàn",
    "cổng thông tin",
    "mặt trận",
    "mttq",
    "đài",
    "báo",
    "thông tấn xã",
    "ngân hàng",
    "cục",
    "chi cục",
    "tổng cục",
    "vụ",
    "viện",
    "học viện",
    "tòa án",
    "kho bạc",
    "bảo hiểm",
    "chi nhánh",
    "liên đoàn",
    "tổng liên đoàn",
    "liên minh",
    "bộ chỉ huy",
    "ban chỉ huy",
    "thanh tra",
    "kiểm toán",
    "trường",
    "bệnh viện",
    "đảng ủy",
    "thành ủy",
    "tỉnh ủy",
    "huyện ủy",
    "hạt",
    "đội",
    "tập đoàn",
    "tổng công ty",
    "công ty",
    "hợp tác xã",
    "trạm",
    "cảnh sát",
    "quân khu",
    "bộ tư lệnh",
    "cảng vụ",
    "đại học",
    "trung ương",
    "chính quyền",
    "doanh nghiệp",
    "hđnd",
    "vp",
    "ubkt",
)
_PERSON_WORDS = (
    "bộ trưởng",
    "thủ trưởng",
    "trưởng ban",
    "trưởng phòng",
    "chủ tịch",
    "giám đốc",
    "ban hành",
    "phòng ngừa",
    "phòng chống",
    "phòng, chống",
    "đội ngũ",
    "hội nghị",
    "hội thảo",
    "hội thi",
    "báo cáo",
    "vụ việc",
    "trường hợp",
    "đoàn kết",
    "bảo đảm",
    "bảo vệ",
    "bảo tồn",
    "đài phun",
    "cục bộ",
    "sở hữu",
    "trạm y tế xã",
)
# Words that make a collective: "các sở, ban, ngành", "cơ quan, tổ chức có liên quan".
_UNIT_WORDS = (
    "sở",
    "bộ",
    "ban",
    "ngành",
    "cơ quan",
    "đơn vị",
    "tổ chức",
    "phòng",
    "địa phương",
    "doanh nghiệp",
    "đoàn thể",
    "hội",
    "trường",
    "cơ sở",
    "xã",
    "phường",
    "huyện",
    "tỉnh",
    "cấp",
    "liên đoàn",
    "chi bộ",
    "tổ dân phố",
    "thôn",
    "thành viên",
    "tổ",
    "ấp",
    "khu phố",
    "hộ",
    "lực lượng",
)
_PREFIXES = re.compile(r"^\s*(?:đề nghị|giao|kính đề nghị)\s+", re.IGNORECASE)

# Words that open a duty: the subject of the sentence ends before them.
_DUTY_VERBS = (
    "chủ trì",
    "phối hợp",
    "có trách nhiệm",
    "chịu trách nhiệm",
    "tổ chức",
    "triển khai",
    "thực hiện",
    "xây dựng",
    "rà soát",
    "tham mưu",
    "hướng dẫn",
    "ban hành",
    "tăng cường",
    "đẩy mạnh",
    "chỉ đạo",
    "theo dõi",
    "báo cáo",
    "nghiên cứu",
    "tiếp tục",
    "kiểm tra",
    "bố trí",
    "hoàn thiện",
    "cập nhật",
    "đề xuất",
    "trình",
    "phổ biến",
    "tuyên truyền",
    "giúp",
    "lồng ghép",
    "đăng tải",
    "quản lý",
    "phát động",
    "vận động",
    "giám sát",
    "đôn đốc",
    "tổng hợp",
    "đánh giá",
    "thẩm định",
    "cung cấp",
    "bảo đảm",
    "đảm bảo",
    "nâng cao",
    "huy động",
    "hỗ trợ",
    "xác định",
    "duy trì",
    "thành lập",
    "kiện toàn",
    "biên soạn",
    "tập huấn",
    "bồi dưỡng",
    "sơ kết",
    "tổng kết",
    "chuẩn bị",
    "lập",
    "phê duyệt",
    "thanh tra",
    "xử lý",
    "quán triệt",
    "là cơ quan",
    "là đầu mối",
    "được giao",
    "căn cứ",
    "khẩn trương",
    "chủ động",
    "tiến hành",
    "gửi",
    "phát huy",
    "vận hành",
    "đầu tư",
    "tích cực",
    "nắm",
    "cử",
    "tiếp nhận",
    "đăng ký",
    "in",
    "đưa tin",
    "công bố",
    "công khai",
    "hoàn thành",
    "phát hành",
    "áp dụng",
    "thông báo",
    "mở",
    "vận động",
    "rà",
    "làm",
    "lựa chọn",
    "điều tra",
    "khảo sát",
)
_VERB = re.compile(
    r"(?<![\wÀ-ỹ])(?:"
    + "|".join(sorted(map(re.escape, _DUTY_VERBS), key=len, reverse=True))
    + r")(?![\wÀ-ỹ])"
)
_QUALIFIER = re.compile(
    r"\s+(?:trong phạm vi|theo chức năng|căn cứ chức năng|theo phạm vi)\b.*$", re.IGNORECASE
)


def _key(text: str) -> str:
    return tone_normalize(nfc(text)).lower().replace("uỷ", "ủy")


def _starts_with(key: str, words: tuple[str, ...]) -> bool:
    return any(key.startswith(w) and not key[len(w) : len(w) + 1].isalnum() for w in words)


def is_agency_start(text: str) -> bool:
    """ "Sở Văn hóa …", "Ủy ban nhân dân …", "Các sở, ban, ngành …", "UBND phường": a body."""
    text = text.strip().lstrip("-–+•*· ").strip()
    key = _key(text)
    if _starts_with(key, _PERSON_WORDS):
        return False
    if text[:1].isupper() and _starts_with(key, _AGENCY_HEADS):
        return True
    if key.startswith("các "):
        return _starts_with(key[4:], _UNIT_WORDS) or _starts_with(key[4:], _AGENCY_HEADS)
    return False


def _strip_heading(text: str) -> str:
    text = text.strip().lstrip("-–+•*· ").strip()
    text = _PREFIXES.sub("", text)
    return text.rstrip(" :.;")


def agency_heading(text: str) -> str | None:
    """The agency a heading names ("1. Sở X", "Công an phường:", "- Đề nghị Mặt trận …"), else None.

    A heading is the agency's name alone: no duty verb follows it, and it is short.
    """
    name = _strip_heading(text)
    if not name or len(name) > 140 or not is_agency_start(name):
        return None
    if _name_verb(name) or name.count(",") > 4:
        return None
    return name


# verbs that are also nouns in a body's name ("Trung tâm Xúc tiến đầu tư, thương mại và du
# lịch", "Các tổ chức, cá nhân liên quan"): a noun there when a list goes on or the name ends
_NOUN_VERBS = ("đầu tư", "tổ chức", "thanh tra", "kiểm tra", "phát triển")
_LIST_GOES_ON = re.compile(r"\s*(?:,|và\b|$)")


def _name_verb(name: str) -> re.Match[str] | None:
    verb = _duty_verb(name)
    while verb and verb.group(0).lower() in _NOUN_VERBS and _LIST_GOES_ON.match(name[verb.end() :]):
        verb = _duty_verb(name, verb.end())
    return verb


def _duty_verb(text: str, start: int = 0) -> re.Match[str] | None:
    """The first duty verb; "tổ chức" after "các", "," or "và" is the noun (organisations)."""
    for match in _VERB.finditer(text, start):
        before = text[: match.start()].rstrip()
        if match.group(0) == "tổ chức" and re.search(r"(?:các|những|,|và)$", before):
            continue
        return match
    return None


def sentence_subject(text: str) -> str | None:
    """ "Bộ Nội vụ rà soát …" -> "Bộ Nội vụ"; None when the sentence does not open with a body."""
    body = _PREFIXES.sub("", text.strip().lstrip("-–+•*· ").strip())
    if not is_agency_start(body):
        return None
    head, colon, duty = body.partition(":")
    if colon and duty.strip() and len(head) <= 140 and agency_heading(head):
        return head.strip()  # "Công an huyện: chủ trì bảo đảm an ninh …"
    verb = _duty_verb(body)
    if not verb or verb.start() == 0:
        return None
    subject = body[: verb.start()].strip(" ,;:")
    if verb.start() > 220 and not _long_list_of_bodies(subject):
        return None
    return subject or None


def _long_list_of_bodies(text: str) -> bool:
    """ "Đề nghị Văn phòng A, Ban B, Viện C, Tòa án D, Kho bạc E tăng cường …": a subject
    longer than a sentence's usual opening, made only of named bodies."""
    bodies = split_bodies(text)
    return len(bodies) >= 4 and len(text) <= 800 and all(is_agency_start(b) for b in bodies)


def split_bodies(text: str) -> list[str]:
    """ "Văn phòng Chính phủ, Bộ Tư pháp và các cơ quan có liên quan" -> three bodies.

    Splits on ";" always, and on "," / "và" only where the next words start another body
    ("Bộ …", "Ủy ban …", "các cơ quan …"); "Bộ Văn hóa, Thể thao và Du lịch" and "các sở,
    ban, ngành" stay whole.
    """
    bodies: list[str] = []
    for part in re.split(r"\s*;\s*|\n+", text or ""):
        part = part.strip(" .,:")
        if not part:
            continue
        pieces = re.split(r"(,\s*và\s+|,\s+|\s+và\s+)", part)
        current = pieces[0]
        for index in range(1, len(pieces), 2):
            separator, following = pieces[index], pieces[index + 1]
            if _opens_body(following, current):
                bodies.append(current)
                current = following
            else:
                current = f"{current}{separator}{following}"
        bodies.append(current)
    result = []
    for body in bodies:
        body = _QUALIFIER.sub("", body).strip(" .,;:-–")
        if body:
            result.append(body)
    return result


def _opens_body(following: str, current: str) -> bool:
    key = _key(following)
    if _key(current).endswith(("hội đồng nhân dân", "hđnd")) and _starts_with(
        key, ("ủy ban nhân dân", "ubnd")
    ):
        return False  # "Văn phòng HĐND và UBND" is one office
    if is_agency_start(following) or _starts_with(key, ("toàn thể", "nhân dân", "người dân")):
        return True
    # "… trực thuộc trung ương, cơ quan, tổ chức khác có liên quan": after a named body a
    # lowercase unit word opens a collective; inside "các bộ, cơ quan ngang bộ" it goes on
    named = current[:1].isupper() and not _key(current).startswith("các ")
    if named and _starts_with(key, ("cơ quan", "đơn vị", "tổ chức")):
        return True
    # "Ủy ban nhân dân phường, xã, đặc khu, báo, đài": a kind of body after a list of places
    return _ends_place(current) and _starts_with(key, _BODY_KINDS)


_BODY_KINDS = ("báo", "đài", "cơ quan", "đơn vị", "tổ chức", "doanh nghiệp", "trường", "hội")


def _ends_place(text: str) -> bool:
    return bool(
        re.search(r"(?:tỉnh|thành phố|xã|phường|huyện|quận|thị xã|thị trấn|đặc khu)$", text.strip())
    )


_LEAD_MARK = re.compile(r"\bchủ trì\b", re.IGNORECASE)
_PARTNERS = re.compile(r"^\s*,?\s*(?:và\s+)?phối hợp\s+(?:với|cùng)\s+", re.IGNORECASE)


def lead_sentence(text: str) -> tuple[list[str], list[str]] | None:
    """ "Sở X chủ trì, phối hợp với Y và Z tổ chức …" -> (["Sở X"], ["Y", "Z"]).

    Also "(Giao Công an chủ trì, phối hợp với …)". None when the sentence has no "chủ trì"
    after a named body.
    """
    text = text.strip().strip("()").strip()
    text = _PREFIXES.sub("", text)
    mark = _LEAD_MARK.search(text)
    if not mark or mark.start() == 0:
        return None
    before = text[: mark.start()].strip(" ,")
    if not is_agency_start(before):
        return None
    return split_bodies(before), partners(text[mark.end() :])


def partners(text: str) -> list[str]:
    """The bodies after "phối hợp với" up to the verb of the duty."""
    match = _PARTNERS.match(text) or re.search(
        r"phối hợp\s+(?:chặt chẽ\s+|thường xuyên\s+)?(?:với|cùng)\s+", text, re.I
    )
    if not match:
        bare = re.search(r"phối hợp\s+", text, re.I)  # "phối hợp Sở X và …" without "với"
        if not bare or not is_agency_start(text[bare.end() :]):
            return []
        match = bare
    rest = text[match.end() :]
    verb = _duty_verb(rest)
    # a collective ends with "(có) liên quan" when a lowercase word follows that is not "và"
    stop = re.search(r"[.;()]|\bđể\b|(?<=liên quan)(?=\s+(?!và\b)[a-zà-ỹđ])", rest)
    end = min(m.start() for m in (verb, stop) if m) if (verb or stop) else len(rest)
    return [b for b in split_bodies(rest[:end]) if is_agency_start(b) or _is_collective(b)]


def _is_collective(text: str) -> bool:
    key = _key(text)
    return key.startswith("các ") or _starts_with(key, _UNIT_WORDS + _BODY_KINDS)
