"""Phrases that name nobody never become units; lists of named bodies split; one body, one unit.

Invented names of the shapes provincial and national plans use (no real plan's text).
"""

from __future__ import annotations

import pytest

from kehoach_xlsx.model import Plan, PlanMeta, Task, Unit
from kehoach_xlsx.units import (
    GroupPhrase,
    Registry,
    names_nobody,
    propose_registry,
    split_unit_cell,
)


@pytest.mark.parametrize(
    "phrase",
    [
        "Sở, ban, ngành có liên quan",
        "Các bộ, ngành liên quan",
        "các sở, ngành khác có liên quan",
        "Các địa phương",
        "Viện",
        "Trường",
        "Doanh nghiệp, Sở, ban, ngành có liên quan",
        "UBND các xã, phường",
        "Ủy ban nhân dân các huyện, thị xã",
        "Công an các xã",
        "Các sở, ban, ngành",
        "Bộ, ngành",
        "các cơ quan báo chí",
        "Các cơ quan, đơn vị có liên quan trên địa bàn tỉnh",
        "Sở/ngành",
    ],
)
def test_phrases_that_name_nobody(phrase: str) -> None:
    assert names_nobody(phrase)


@pytest.mark.parametrize(
    "name",
    [
        "Sở Giao thông Vận tải",
        "Bộ Tài chính",
        "Viện Nghiên cứu Phát triển",
        "Hội Doanh nghiệp trẻ",
        "Hiệp hội Doanh nghiệp tỉnh",
        "Trường Tiểu học Hòa Bình",
        "Ban Chỉ đạo các chương trình mục tiêu quốc gia",
        "Phòng Kinh tế",
        "Công an phường",
        "Ủy ban nhân dân tỉnh",
        "Trung tâm Phục vụ hành chính công",
        "Sở Khoa học và Công nghệ",
    ],
)
def test_named_bodies_name_somebody(name: str) -> None:
    assert not names_nobody(name)


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        ("Bộ Ngoại vụ, Bộ Thủy lợi và Môi sinh", ["Bộ Ngoại vụ", "Bộ Thủy lợi và Môi sinh"]),
        ("Sở Văn hóa, Thể thao và Du lịch", ["Sở Văn hóa, Thể thao và Du lịch"]),
        ("Công an tỉnh, Bộ Chỉ huy Quân sự tỉnh", ["Công an tỉnh", "Bộ Chỉ huy Quân sự tỉnh"]),
        ("Sở Tư pháp và Sở Nội vụ", ["Sở Tư pháp", "Sở Nội vụ"]),
        (
            "Tòa án nhân dân tỉnh, Viện Kiểm sát nhân dân tỉnh",
            ["Tòa án nhân dân tỉnh", "Viện Kiểm sát nhân dân tỉnh"],
        ),
        ("Sở Tài chính và các sở, ngành liên quan", ["Sở Tài chính", "các sở, ngành liên quan"]),
        ("Cục Thống kê, Kho bạc Nhà nước khu vực", ["Cục Thống kê", "Kho bạc Nhà nước khu vực"]),
        (
            "Phòng Xây dựng, Nông nghiệp và Môi trường",
            ["Phòng Xây dựng, Nông nghiệp và Môi trường"],
        ),
    ],
)
def test_lists_of_named_bodies_split(cell: str, names: list[str]) -> None:
    assert split_unit_cell(cell) == names


def _plan(issuer: str | None, cells: list[tuple[str, str]]) -> Plan:
    tasks = [
        Task(
            id=str(i + 1),
            number=str(i + 1),
            section=None,
            title=f"Nhiệm vụ thử {i + 1}",
            lead=[lead],
            coordinate=[coordinate] if coordinate else [],
            outputs=[],
            deadline_text=None,
        )
        for i, (lead, coordinate) in enumerate(cells)
    ]
    return Plan(meta=PlanMeta(issuer=issuer), sections=[], tasks=tasks, warnings=[], files=[])


PROVINCIAL = [
    ("Ban Quản lý các khu công nghiệp", "Sở Tài chính; Các sở, ban, ngành có liên quan"),
    ("Ban Quản lý các khu công nghiệp tỉnh Hòa Lạc", "Viện; Doanh nghiệp"),
    ("Sở Tài chính và các sở, ngành liên quan", "UBND các xã, phường"),
    ("Công an tỉnh Hòa Lạc", "Bộ Ngoại vụ, Bộ Thủy lợi và Môi sinh"),
    ("Công an tỉnh", "Các địa phương"),
    ("Ủy ban nhân dân tỉnh", ""),
]


def test_provincial_proposal_has_no_phrase_units_and_one_unit_per_body() -> None:
    registry, warnings = propose_registry(
        _plan("ỦY BAN NHÂN DÂN TỈNH HÒA LẠC\n--------", PROVINCIAL)
    )
    names = {u.name for u in registry.units}
    for phrase in (
        "Các sở, ban, ngành có liên quan",
        "Viện",
        "UBND các xã, phường",
        "Các địa phương",
        "các sở, ngành liên quan",
    ):
        assert phrase not in names
        assert any(p.phrase == phrase for p in registry.phrases), phrase
    # one body, one unit: the issuer's place name makes no second unit
    boards = [u for u in registry.units if "Ban Quản lý" in u.name]
    assert len(boards) == 1
    assert {boards[0].name, *boards[0].aliases} == {
        "Ban Quản lý các khu công nghiệp",
        "Ban Quản lý các khu công nghiệp tỉnh Hòa Lạc",
    }
    police = [u for u in registry.units if u.name.startswith("Công an")]
    assert len(police) == 1
    # two named bodies in one cell are two units
    assert {"Bộ Ngoại vụ", "Bộ Thủy lợi và Môi sinh", "Sở Tài chính"} <= names
    assert not any("," in u.name and u.name.startswith("Bộ") for u in registry.units)
    # a province's own departments are not "outside"; the ministries above it are
    assert (
        "Cơ quan bên ngoài"
        not in registry.unit(
            next(u.code for u in registry.units if u.name == "Sở Tài chính")
        ).groups
    )
    outside = {w.message.split("”")[0].lstrip("“") for w in warnings if w.code == "outside_body"}
    assert outside == {"Bộ Ngoại vụ", "Bộ Thủy lợi và Môi sinh"}


def test_phrase_resolves_as_a_group_not_pieces() -> None:
    registry = Registry(
        [Unit("STC", "Sở Tài chính"), Unit("SNV", "Sở Nội vụ")],
        [GroupPhrase("Các sở, ban, ngành có liên quan", ("STC", "SNV"))],
    )
    found = registry.resolve("Các sở, ban, ngành có liên quan")
    assert found.kind == "group" and found.codes == ("STC", "SNV")
    # unknown to the registry, it still names nobody: no "Chưa nhận ra đơn vị “Sở”"
    other = registry.resolve("Doanh nghiệp, Sở, ban, ngành liên quan")
    assert other.resolved and other.codes == ()
    assert "Sở" not in {p.name for p in other.parts if not p.resolved}
    mixed = registry.resolve("Sở Tài chính và các sở, ngành liên quan")
    assert mixed.resolved and mixed.codes == ("STC",)


def test_ward_plan_keeps_city_bodies_apart() -> None:
    plan = _plan(
        "ỦY BAN NHÂN DÂN THÀNH PHỐ CẢNG XANH\nỦY BAN NHÂN DÂN PHƯỜNG BẾN ĐÁ",
        [("Công an phường", "Công an thành phố"), ("Phòng Kinh tế", "Sở Tài chính")],
    )
    registry, warnings = propose_registry(plan)
    names = {u.name for u in registry.units}
    assert {"Công an phường", "Công an thành phố"} <= names
    outside = {w.message.split("”")[0].lstrip("“") for w in warnings if w.code == "outside_body"}
    assert outside == {"Công an thành phố", "Sở Tài chính"}
