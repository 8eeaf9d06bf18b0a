"""The project's own sample plan (an invented ward): read in full from both forms by the
current parser, its registry resolves every unit, and the Word files match the text."""

from __future__ import annotations

import importlib.util
import json
import re

import pytest
from click.testing import CliRunner

from kehoach_xlsx import read_plan
from kehoach_xlsx.cli import main
from kehoach_xlsx.deadlines import parse_deadline
from kehoach_xlsx.sample import SAMPLE_DIR, plan_files, registry_file
from kehoach_xlsx.units import check_units, load_registry

ROOT = SAMPLE_DIR.parents[2]


def facts(plan):
    return [
        (t.id, t.title, t.lead, t.coordinate, t.outputs, t.deadline_text.rstrip("."))
        for t in plan.tasks
    ]


@pytest.fixture(scope="module")
def plans():
    return {kind: read_plan(*plan_files(kind)) for kind in ("txt", "docx")}


def test_every_task_read_from_both_layouts_without_warnings(plans):
    for kind, plan in plans.items():
        assert len(plan.tasks) == 22, kind
        assert plan.warnings == [], kind
        body = [t for t in plan.tasks if t.source.file.startswith("ke-hoach")]
        table = [t for t in plan.tasks if t.source.file.startswith("phu-luc")]
        assert len(body) == 6 and len(table) == 16, kind  # prose layout + appendix table
        assert all(t.lead and t.outputs and t.deadline_text for t in plan.tasks), kind
    assert facts(plans["txt"]) == facts(plans["docx"])
    meta = plans["docx"].meta
    assert (meta.number, str(meta.date)) == ("88/KH-UBND", "2026-08-14")
    assert "Hòa Bình" in meta.title


def test_usual_deadline_wordings_and_group_phrases_are_there(plans):
    plan = plans["txt"]
    deadlines = {t.deadline_text.rstrip(".") for t in plan.tasks}
    for wording in ("Quý IV hằng năm", "Thường xuyên", "Trước ngày 15/12/2026", "Hằng tháng"):
        assert wording in deadlines
    assert {"6 tháng", "Năm 2026", "Hằng quý", "Tháng 9/2026"} <= deadlines
    for text in deadlines:
        parse_deadline(text)  # every wording is understood (or says it needs a date)
    units = {u for t in plan.tasks for u in t.lead + t.coordinate}
    assert {"Các đoàn thể", "các Tổ dân phố", "Các phòng chuyên môn"} <= units


def test_registry_resolves_every_unit_with_test_addresses(plans):
    registry = load_registry(registry_file())
    assert len(registry.units) == 13 and registry.warnings == []
    for unit in registry.units:
        assert re.fullmatch(r"[a-z0-9]+@hoabinh\.example\.org", unit.email), unit
    assert check_units(plans["docx"], registry) == []


def test_cli_parse_json_reads_the_sample():
    result = CliRunner().invoke(main, ["parse", *map(str, plan_files("docx")), "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert len(data["tasks"]) == 22 and data["warnings"] == []


def test_word_files_are_made_from_the_text(tmp_path, plans):
    """scripts/make_sample.py regenerates the .docx from the .txt: same tasks, so the
    committed Word files are not stale."""
    spec = importlib.util.spec_from_file_location("make_sample", ROOT / "scripts/make_sample.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    fresh = read_plan(tmp_path / "ke-hoach-hoa-binh.docx", tmp_path / "phu-luc-hoa-binh.docx")
    assert facts(fresh) == facts(plans["docx"])
    registry = load_registry(tmp_path / "don-vi-hoa-binh.xlsx")
    assert [u.to_dict() for u in registry.units] == [
        u.to_dict() for u in load_registry(registry_file()).units
    ]
