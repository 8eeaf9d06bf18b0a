"""Unit proposals from the real seed plans of ../shared (development material).

Every test here reads the seeds: without ../shared the module skips once, saying why.
"""

from __future__ import annotations

import pytest

from kehoach_xlsx import read_plan
from kehoach_xlsx.model import Plan
from kehoach_xlsx.units import check_report, propose_registry, unit_key
from tests.conftest import SEEDS as SEED_DIR
from tests.conftest import seed

if not any(SEED_DIR.glob("00*_*.txt")):
    pytest.skip(
        f"cần các kế hoạch seed của ../shared (chỉ có khi phát triển): không thấy trong {SEED_DIR}",
        allow_module_level=True,
    )

SEED_IDS = ["000", "001", "002", "003", "004"]


# ---------------------------------------------------------------------------------------------
# Proposals from the real seeds
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_plans() -> dict[str, Plan]:
    return {prefix: read_plan(seed(prefix)) for prefix in SEED_IDS}


def test_proposal_from_all_seeds_lists_each_unit_once(seed_plans: dict[str, Plan]) -> None:
    registry, warnings = propose_registry(list(seed_plans.values()))
    codes = [u.code for u in registry.units]
    assert len(codes) == len(set(codes))
    keys = [unit_key(u.name) for u in registry.units]
    assert len(keys) == len(set(keys))
    office = registry.unit("VP")
    assert office is not None
    spellings = {office.name, *office.aliases}
    assert {"Văn phòng HĐND và UBND", "Văn phòng HĐND & UBND"} <= spellings
    culture = registry.unit("PVHXH")
    assert culture is not None
    assert {"Phòng Văn hóa - Xã hội", "Phòng Văn hóa, Xã hội"} <= {culture.name, *culture.aliases}
    assert not any(
        "Văn hoá" in u.name or "Văn hóa" in u.name
        for u in registry.units
        if u.code not in {"PVHXH", "VPVHXH"}
    )
    for code in ("CA", "BCHQS", "MTTQ", "PKT", "TTPVHCC", "TTDVSNC"):
        assert registry.unit(code) is not None, code
    # group phrases are phrases, not units
    assert not any(
        unit_key(u.name).startswith(("phong chuyen mon", "co quan")) for u in registry.units
    )
    phrase_keys = {unit_key(p.phrase) for p in registry.phrases}
    assert unit_key("Các phòng chuyên môn, đơn vị thuộc phường") in phrase_keys
    # the outside legal-aid centre is flagged, and near-duplicates are reported, not merged
    assert "Cơ quan bên ngoài" in registry.unit("TTTGPL").groups
    assert any(w.code == "outside_body" for w in warnings)
    assert any(w.code == "possible_duplicate_unit" and "VH-XH" in w.message for w in warnings)


def test_group_phrases_expand_to_members(seed_plans: dict[str, Plan]) -> None:
    registry, _ = propose_registry(seed_plans["002"])
    departments = registry.resolve("Các phòng chuyên môn, đơn vị thuộc phường")
    assert departments.kind == "group"
    assert {"VP", "PKT", "PVHXH", "PXDNNMT", "TTPVHCC"} <= set(departments.codes)
    assert "CA" not in departments.codes
    front = registry.resolve("Ủy ban MTTQ Việt Nam và các đoàn thể")
    assert front.resolved and "MTTQ" in front.codes


def test_every_seed_name_resolves_against_its_proposal(seed_plans: dict[str, Plan]) -> None:
    for prefix, plan in seed_plans.items():
        registry, _ = propose_registry(plan)
        report = check_report(plan, registry)
        assert report["unresolved"] == [], prefix
        for task in plan.tasks:
            for name in [*task.lead, *task.coordinate]:
                resolution = registry.resolve(name)
                assert resolution.resolved or resolution.reason, (prefix, name)


def test_seed_names_against_another_seeds_registry_are_reported(
    seed_plans: dict[str, Plan],
) -> None:
    registry, _ = propose_registry(seed_plans["002"])
    report = check_report(seed_plans["004"], registry)
    names = {item["name"]: item for item in report["unresolved"]}
    assert "Hội Nông dân" in names
    assert all(item["tasks"] for item in names.values())
    near = names["Văn phòng VH-XH"]["suggestions"]
    assert near and near[0]["unit"] == "PVHXH"
