"""Unit registry: name keys, splitting, resolution, proposals from the seeds, Excel round trip, CLI."""

from __future__ import annotations

import json
import unicodedata
from pathlib import Path

import pytest
from click.testing import CliRunner

from kehoach_xlsx import read_plan
from kehoach_xlsx.cli import main
from kehoach_xlsx.errors import RegistryError
from kehoach_xlsx.legacy import from_unicode
from kehoach_xlsx.model import Plan, Task, Unit
from kehoach_xlsx.sample import plan_files
from kehoach_xlsx.units import (
    GroupPhrase,
    Registry,
    check_report,
    check_units,
    load_registry,
    resolve_task_units,
    split_unit_cell,
    unit_key,
    write_registry,
)
from tests.conftest import seed

SEED_IDS = ["000", "001", "002", "003", "004"]

OFFICE_SPELLINGS = [
    "Văn phòng HĐND và UBND",
    "Văn phòng HĐND & UBND",
    "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân",
    "Văn phòng Hội đồng nhân dân và Uỷ ban nhân dân",
    "VP HĐND-UBND phường",
    "Văn phòng HĐND và UBND xã.",
    "Văn phòng HĐND và UBND phường An Dương",
    "- Văn phòng HĐND và UBND;",
    "<p>Văn phòng HĐND và UBND.</p>",
    "văn phòng hđnd và ubnd",
    unicodedata.normalize("NFD", "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân"),
    from_unicode("Văn phòng HĐND và UBND", "tcvn3"),
    from_unicode("Văn phòng HĐND và UBND", "vni"),
]


@pytest.mark.parametrize("spelling", OFFICE_SPELLINGS)
def test_office_spellings_share_one_key(spelling: str) -> None:
    assert unit_key(spelling) == "van phong hoi dong nhan dan uy ban nhan dan"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Phòng Văn hóa - Xã hội", "Phòng Văn hoá – Xã hội"),
        ("Phòng Văn hóa - Xã hội", "Phòng Văn hóa, Xã hội"),
        ("Phòng Văn hóa - Xã hội", "Phòng Văn hoá - Xã hội xã"),
        ("Phòng Văn hóa - Xã hội", "Phòng VH-XH"),
        ("Ban Chỉ huy Quân sự", "Ban Chỉ huy quân sự phường"),
        ("Ban Chỉ huy Quân sự", "BCH QS"),
        ("Ủy ban MTTQ Việt Nam", "Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam phường"),
        ("Công an phường", "CA phường"),
        ("Tổ dân phố", "các TDP"),
        ("Các phòng chuyên môn, đơn vị thuộc phường", "các phòng chuyên môn, đơn vị"),
    ],
)
def test_same_unit_same_key(a: str, b: str) -> None:
    assert unit_key(a) == unit_key(b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Phòng Kinh tế", "Phòng Kinh tế, Hạ tầng và Đô thị"),
        ("Phòng Văn hóa - Xã hội", "Văn phòng VH-XH"),
        ("Ban công tác Mặt trận", "Ủy ban MTTQ Việt Nam"),
        ("Hội Nông dân", "Hội Phụ nữ"),
    ],
)
def test_different_units_different_keys(a: str, b: str) -> None:
    assert unit_key(a) != unit_key(b)


@pytest.mark.parametrize(
    ("cell", "names"),
    [
        (
            "Văn phòng HĐND và UBND, Phòng Kinh tế xã.",
            ["Văn phòng HĐND và UBND", "Phòng Kinh tế xã"],
        ),
        ("Văn phòng HĐND và UBND; Phòng Kinh tế", ["Văn phòng HĐND và UBND", "Phòng Kinh tế"]),
        (
            "Phòng Xây dựng, Nông nghiệp và Môi trường.",
            ["Phòng Xây dựng, Nông nghiệp và Môi trường"],
        ),
        ("Phòng Kinh tế, Hạ tầng và Đô thị phường", ["Phòng Kinh tế, Hạ tầng và Đô thị phường"]),
        ("Phòng Văn hóa, Xã hội", ["Phòng Văn hóa, Xã hội"]),
        (
            "Văn phòng Hội đồng nhân dân và Ủy ban nhân dân",
            ["Văn phòng Hội đồng nhân dân và Ủy ban nhân dân"],
        ),
        (
            "Phòng Văn hoá – Xã hội và các trường học trên địa bàn xã",
            ["Phòng Văn hoá – Xã hội", "các trường học trên địa bàn xã"],
        ),
        (
            "Văn phòng HĐND và UBND. Trung tâm Phục vụ hành chính công.",
            ["Văn phòng HĐND và UBND", "Trung tâm Phục vụ hành chính công"],
        ),
        (
            "Các phòng, ban, cơ quan chuyên môn thuộc UBND xã và các cơ quan, tổ chức có liên quan",
            [
                "Các phòng, ban, cơ quan chuyên môn thuộc UBND xã",
                "các cơ quan, tổ chức có liên quan",
            ],
        ),
        ("HĐND, UBND, MTTQ, TDP", ["HĐND", "UBND", "MTTQ", "TDP"]),
        ("Cán bộ, công chức phường", ["Cán bộ, công chức phường"]),
        ("-Phòng Kinh tế; - Văn phòng HĐND và UBND", ["Phòng Kinh tế", "Văn phòng HĐND và UBND"]),
        ("", []),
        ("phường", []),
    ],
)
def test_split_unit_cell(cell: str, names: list[str]) -> None:
    assert split_unit_cell(cell) == names


@pytest.fixture
def registry() -> Registry:
    units = [
        Unit("VP", "Văn phòng HĐND và UBND", ("VP HĐND-UBND",), ("Phòng chuyên môn",)),
        Unit("PKT", "Phòng Kinh tế", (), ("Phòng chuyên môn",)),
        Unit("PVHXH", "Phòng Văn hóa - Xã hội", ("Phòng VH-XH",), ("Phòng chuyên môn",)),
        Unit("TTPVHCC", "Trung tâm Phục vụ hành chính công", (), ("Đơn vị thuộc UBND",)),
        Unit("CA", "Công an phường", (), ()),
        Unit("MTTQ", "Ủy ban MTTQ Việt Nam phường", ("MTTQ",), ()),
        Unit("DTN", "Đoàn Thanh niên", (), ("Đoàn thể",)),
        Unit("HPN", "Hội Phụ nữ", (), ("Đoàn thể",)),
        Unit("THCS", "Trường THCS An Dương", (), ("Trường học",)),
    ]
    phrases = [
        GroupPhrase(
            "Các phòng chuyên môn, đơn vị thuộc phường", ("Phòng chuyên môn", "Đơn vị thuộc UBND")
        ),
        GroupPhrase("Các cơ quan, đơn vị có liên quan", (), "chung chung"),
    ]
    return Registry(units, phrases)


@pytest.mark.parametrize(
    ("name", "kind", "codes"),
    [
        ("Phòng Kinh tế", "exact", ("PKT",)),
        ("pkt", "exact", ("PKT",)),
        ("Phòng VH-XH", "alias", ("PVHXH",)),
        ("Phòng Văn hoá – Xã hội xã.", "normalized", ("PVHXH",)),
        ("Văn phòng Hội đồng nhân dân và Ủy ban nhân dân", "normalized", ("VP",)),
        ("Đề nghị Ủy ban Mặt trận Tổ quốc Việt Nam phường", "normalized", ("MTTQ",)),
        ("Các phòng chuyên môn, đơn vị thuộc phường", "group", ("VP", "PKT", "PVHXH", "TTPVHCC")),
        ("các cơ quan, đơn vị có liên quan.", "group", ()),
        ("các trường học", "group", ("THCS",)),
        ("các đoàn thể", "group", ("DTN", "HPN")),
        ("MTTQ và các đoàn thể", "multiple", ("MTTQ", "DTN", "HPN")),
        ("Văn phòng HĐND và UBND, Phòng Kinh tế xã.", "multiple", ("VP", "PKT")),
        ("Văn phòng HĐND và UBND. Công an phường", "multiple", ("VP", "CA")),
        ("Phòng Kinh tế ngành", "fuzzy", ()),
        ("Phòng Tư pháp", "unresolved", ()),
        ("", "unresolved", ()),
    ],
)
def test_resolve(registry: Registry, name: str, kind: str, codes: tuple[str, ...]) -> None:
    resolution = registry.resolve(name)
    assert resolution.kind == kind, resolution.reason
    assert resolution.codes == codes
    assert resolution.reason  # always says why, in Vietnamese


def test_fuzzy_only_suggests(registry: Registry) -> None:
    resolution = registry.resolve("Trung tâm Phục vụ hành chính")
    assert resolution.kind == "fuzzy"
    assert resolution.codes == ()
    assert resolution.suggestions[0][0] == "TTPVHCC"
    assert 70 <= resolution.suggestions[0][1] < 100


def test_partly_known_cell_reports_the_unknown_piece(registry: Registry) -> None:
    resolution = registry.resolve("Văn phòng HĐND và UBND, Phòng Tư pháp")
    assert resolution.kind == "unresolved"
    assert resolution.codes == ("VP",)
    assert [p.name for p in resolution.parts if not p.resolved] == ["Phòng Tư pháp"]


@pytest.mark.parametrize(
    "name",
    [
        "",
        "   ",
        "x" * 10_240,
        "Văn phòng HĐND và UBND, " * 500,
        "Uû ban nh©n d©n và Ủy ban nhân dân; UÛy ban",
        "\x00\ufffd<p></p>",
        None,
        12,
    ],
)
def test_bad_input_never_raises(registry: Registry, name) -> None:
    resolution = registry.resolve(name)
    assert resolution.kind in {
        "exact",
        "alias",
        "normalized",
        "group",
        "multiple",
        "fuzzy",
        "unresolved",
    }
    assert isinstance(split_unit_cell(name if isinstance(name, str) else ""), list)


def test_legacy_encoded_name_resolves(registry: Registry) -> None:
    assert registry.resolve(from_unicode("Phòng Kinh tế", "tcvn3")).codes == ("PKT",)
    assert registry.resolve(from_unicode("Công an phường", "vni")).codes == ("CA",)


def test_resolve_task_units_lead_wins(registry: Registry) -> None:
    task = Task(
        id="B.II.1",
        number="1",
        section="B.II",
        title="Rà soát văn bản",
        lead=["Văn phòng HĐND và UBND"],
        coordinate=[
            "Các phòng chuyên môn, đơn vị thuộc phường",
            "Phòng Tư pháp",
            "Công an phường.",
        ],
    )
    lead, coordinate, warnings = resolve_task_units(task, registry)
    assert lead == ["VP"]
    assert coordinate == ["PKT", "PVHXH", "TTPVHCC", "CA"]
    assert [w.code for w in warnings] == ["unresolved_unit"]
    assert "Phòng Tư pháp" in warnings[0].message and "B.II.1" in warnings[0].message


def test_check_units_groups_tasks_by_name(registry: Registry) -> None:
    plan = Plan(
        tasks=[
            Task(
                "1",
                "1",
                None,
                "a",
                lead=["Phòng Tư pháp"],
                coordinate=["Trung tâm Phục vụ hành chính"],
            ),
            Task("2", "2", None, "b", lead=["Phòng Kinh tế"], coordinate=["Phòng Tư pháp"]),
        ]
    )
    warnings = check_units(plan, registry)
    codes = sorted(w.code for w in warnings)
    assert codes == ["fuzzy_unit", "unresolved_unit"]
    unresolved = [w for w in warnings if w.code == "unresolved_unit"]
    assert len(unresolved) == 1 and "1, 2" in unresolved[0].message
    fuzzy = [w for w in warnings if w.code == "fuzzy_unit"]
    assert len(fuzzy) == 1 and "TTPVHCC" in fuzzy[0].message
    report = check_report(plan, registry)
    assert {u["name"] for u in report["unresolved"]} == {
        "Phòng Tư pháp",
        "Trung tâm Phục vụ hành chính",
    }
    assert [i["tasks"] for i in report["unresolved"] if i["name"] == "Phòng Tư pháp"] == [
        ["1", "2"]
    ]


# ---------------------------------------------------------------------------------------------
# Excel
# ---------------------------------------------------------------------------------------------


def test_write_then_load_gives_the_same_registry(tmp_path: Path, registry: Registry) -> None:
    units = list(registry.units)
    units[0] = Unit(
        "VP",
        "Văn phòng HĐND và UBND",
        ("VP HĐND-UBND", "=SUM(A1)"),
        ("Phòng chuyên môn",),
        "vanphong@example.vn",
        "Nguyễn Văn A",
        "0912345678",
    )
    original = Registry(units, registry.phrases)
    path = write_registry(original, tmp_path / "don-vi.xlsx")
    loaded = load_registry(path)
    assert loaded.units == original.units
    assert loaded.phrases == original.phrases
    assert loaded.unit("VP").phone == "0912345678"
    assert loaded.resolve("Các phòng chuyên môn, đơn vị thuộc phường").codes == (
        "VP",
        "PKT",
        "PVHXH",
        "TTPVHCC",
    )


def test_registry_edited_with_openpyxl_is_read_back(tmp_path: Path, registry: Registry) -> None:
    openpyxl = pytest.importorskip("openpyxl")
    path = write_registry(registry, tmp_path / "don-vi.xlsx")
    book = openpyxl.load_workbook(path)
    sheet = book["Đơn vị"]
    header_row = next(r for r in range(1, 10) if sheet.cell(r, 1).value == "Mã")
    sheet.cell(header_row, 9).value = "Ghi chú riêng"  # an extra column the coordinator added
    for row in range(header_row + 1, sheet.max_row + 1):
        if sheet.cell(row, 1).value == "PKT":
            sheet.cell(row, 3).value = "Phòng KT\nPhòng Kinh tế phường"
    sheet.append(
        ["TP", "Phòng Tư pháp", "Tư pháp", "Phòng chuyên môn", "tp@example.vn", "", 912000111]
    )
    sheet.append([])
    sheet.append(["PKT", "Phòng trùng mã"])
    sheet.append(["", "", "chỉ có tên khác"])
    book["Nhóm"].append(["các ban ngành", "Phòng chuyên môn; CA", ""])
    book.save(path)

    loaded = load_registry(path)
    assert loaded.unit("TP").name == "Phòng Tư pháp"
    assert loaded.unit("TP").phone == "912000111"
    assert loaded.unit("PKT").aliases == ("Phòng KT", "Phòng Kinh tế phường")
    assert loaded.resolve("Phòng KT").codes == ("PKT",)
    assert loaded.resolve("các ban ngành").codes == ("VP", "PKT", "PVHXH", "CA", "TP")
    codes = {w.code: w for w in loaded.warnings}
    assert "registry_duplicate" in codes and codes["registry_duplicate"].line is not None
    assert "registry_row" in codes


def test_load_finds_header_anywhere_and_reports_bad_rows(tmp_path: Path) -> None:
    import xlsxwriter

    path = tmp_path / "tu-lam.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("Don vi")
    sheet.write_string(2, 1, "Tên đầy đủ")
    sheet.write_string(2, 0, "MÃ")
    sheet.write_string(2, 2, "Email")
    sheet.write_string(3, 0, "CA")
    sheet.write_string(3, 1, "Công an phường")
    sheet.write_string(3, 2, "không phải email")
    sheet.write_string(4, 0, "Đoàn TN")
    sheet.write_string(4, 1, "Đoàn Thanh niên")
    sheet.write_string(5, 1, "Hội Phụ nữ")
    book.close()
    loaded = load_registry(path)
    assert [u.code for u in loaded.units][:2] == ["CA", "DOAN-TN"]
    assert len(loaded.units) == 3 and loaded.units[2].name == "Hội Phụ nữ"
    lines = {w.code: w.line for w in loaded.warnings}
    assert lines["registry_email"] == 4
    assert lines["registry_code"] in (5, 6)


@pytest.mark.parametrize("content", [b"", b"not a workbook", b"PK\x03\x04broken"])
def test_unreadable_registry_is_a_registry_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "hong.xlsx"
    path.write_bytes(content)
    with pytest.raises(RegistryError):
        load_registry(path)


def test_missing_registry_is_a_registry_error(tmp_path: Path) -> None:
    with pytest.raises(RegistryError, match="kehoach units init"):
        load_registry(tmp_path / "khong-co.xlsx")


# ---------------------------------------------------------------------------------------------
# CLI
# ---------------------------------------------------------------------------------------------


def test_cli_init_and_check(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "don-vi.xlsx"
    plan_file = str(seed("002"))
    result = runner.invoke(main, ["units", "init", "--plan", plan_file, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "đơn vị" in result.output and out.exists()
    assert "Traceback" not in result.output

    again = runner.invoke(main, ["units", "init", "--plan", plan_file, "-o", str(out)])
    assert again.exit_code != 0 and "--force" in again.output
    forced = runner.invoke(
        main, ["units", "init", "--plan", plan_file, "-o", str(out), "--force", "--json"]
    )
    assert forced.exit_code == 0
    assert {u["code"] for u in json.loads(forced.output)["units"]} >= {"VP", "CA"}

    ok = runner.invoke(main, ["units", "check", "--plan", plan_file, "--units", str(out), "--json"])
    assert ok.exit_code == 0, ok.output
    data = json.loads(ok.output)
    assert data == check_report(read_plan(plan_file), load_registry(out))
    assert data["unresolved"] == []
    assert "Trường học" in data["groups"]

    other = runner.invoke(main, ["units", "check", "--plan", str(seed("004")), "--units", str(out)])
    assert other.exit_code == 1
    assert "chưa nhận ra" in other.output and "Hội Nông dân" in other.output


def test_cli_check_without_registry_says_what_to_do(tmp_path: Path) -> None:
    plan = str(plan_files("txt")[1])
    result = CliRunner().invoke(
        main, ["units", "check", "--plan", plan, "--units", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == RegistryError.exit_code
    assert "kehoach units init" in result.output
    assert "Traceback" not in result.output
