"""The same invented plan as .txt, .docx, .xlsx (and PDF) reads to the same tasks."""

from __future__ import annotations

import pytest

from kehoach_xlsx import read_plan
from tests import invented_plan


def tasks(path):
    return [(t.id, t.title, t.lead, t.coordinate, t.deadline_text) for t in read_plan(path).tasks]


def expected_table_tasks():
    rows = [row for row in invented_plan.rows() if not row.is_group]
    return [(row.title, [row.lead], row.deadline) for row in rows]


@pytest.fixture
def table_plans(tmp_path):
    return {
        "txt": invented_plan.write_txt(tmp_path / "ke-hoach.txt"),
        "docx": invented_plan.write_docx(tmp_path / "ke-hoach.docx"),
        "xlsx": invented_plan.write_xlsx(tmp_path / "ke-hoach.xlsx"),
    }


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_appendix_table_plan_reads_the_same_in_every_format(table_plans, kind):
    txt = tasks(table_plans["txt"])
    assert [(title, lead, deadline) for _, title, lead, _, deadline in txt] == (
        expected_table_tasks()
    )
    assert tasks(table_plans[kind]) == txt


@pytest.mark.parametrize("kind", ["docx", "xlsx"])
def test_prose_plan_reads_the_same_in_every_format(tmp_path, kind):
    txt = tasks(invented_plan.write_prose(tmp_path / "ke-hoach.txt"))
    assert [(title, lead, deadline) for _, title, lead, _, deadline in txt] == [
        (title, [lead], deadline) for title, lead, _, deadline in invented_plan.PROSE_TASKS
    ]
    assert tasks(invented_plan.write_prose(tmp_path / f"ke-hoach.{kind}")) == txt


@pytest.mark.slow
@pytest.mark.parametrize("landscape", [False, True])
def test_appendix_table_plan_as_pdf_reads_the_same(table_plans, tmp_path, office, landscape):
    docx = invented_plan.write_docx(tmp_path / "phu-luc-ngang.docx", landscape=landscape)
    pdf = office.convert(docx, "pdf", tmp_path / "pdf")
    assert tasks(pdf) == tasks(table_plans["txt"])


@pytest.mark.slow
def test_prose_plan_as_pdf_reads_the_same(tmp_path, office):
    docx = invented_plan.write_prose(tmp_path / "ke-hoach.docx")
    pdf = office.convert(docx, "pdf", tmp_path / "pdf")
    assert tasks(pdf) == tasks(invented_plan.write_prose(tmp_path / "ke-hoach.txt"))
