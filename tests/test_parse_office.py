"""The same plans saved by real office software (LibreOffice) read to the same tasks.

Each seed text is turned into a .docx (Writer, tabs kept in paragraphs), a .docx with real
Word tables (also split across two tables, with merged group rows) and an .xlsx (Calc text
import, one line per row); read_plan must find the same tasks in all of them.
"""

from __future__ import annotations

import pytest

from kehoach_xlsx import read_plan
from tests.conftest import SEEDS as SEED_DIR
from tests.conftest import seed
from tests.office import text_to_docx_with_tables

pytestmark = pytest.mark.slow

if not any(SEED_DIR.glob("00*_*.txt")):
    # every test here re-saves a seed plan: one skip for the module, saying why
    pytest.skip(
        f"cần các kế hoạch seed của ../shared (chỉ có khi phát triển): không thấy trong {SEED_DIR}",
        allow_module_level=True,
    )

SEEDS = ("001", "002", "003", "004")


def content(plan):
    return [(t.id, t.title, t.lead, t.coordinate, t.outputs, t.deadline_text) for t in plan.tasks]


@pytest.fixture(scope="module")
def expected():
    return {prefix: content(read_plan(seed(prefix))) for prefix in SEEDS}


# One test per format over every seed (the seeds are development material: on a clone
# without ../shared each of these skips once, saying why).
def test_xlsx_from_calc(expected, tmp_path, office):
    for prefix in SEEDS:
        xlsx = office.convert(seed(prefix), "xlsx", tmp_path / prefix)
        assert content(read_plan(xlsx)) == expected[prefix], prefix


def test_docx_with_real_tables(expected, tmp_path, office):
    for prefix in SEEDS:
        docx = text_to_docx_with_tables(seed(prefix), tmp_path / f"{prefix}.docx", office=office)
        assert content(read_plan(docx)) == expected[prefix], prefix


def test_docx_table_split_across_pages_with_merged_group_rows(expected, tmp_path, office):
    docx = text_to_docx_with_tables(
        seed("002"),
        tmp_path / "tach.docx",
        split_table_after=40,
        repeat_header=True,
        merge_group_rows=True,
        office=office,
    )
    assert content(read_plan(docx)) == expected["002"]


def test_docx_from_writer_text_and_old_doc(expected, tmp_path, office):
    for prefix in ("002", "003"):
        docx = office.convert(seed(prefix), "docx", tmp_path / prefix)
        assert content(read_plan(docx)) == expected[prefix], prefix
        doc = office.convert(docx, "doc", tmp_path / prefix / "doc")
        assert content(read_plan(doc)) == expected[prefix], prefix  # .doc via LibreOffice


@pytest.mark.parametrize(("prefix", "count"), [("001", 34), ("003", 5)])
def test_pdf_of_a_prose_plan(prefix, count, tmp_path, office):
    pdf = office.convert(seed(prefix), "pdf", tmp_path)
    plan = read_plan(pdf)
    assert len(plan.tasks) == count
    # a prose PDF loses nothing: no "columns may be lost" warning (tests/test_parse_pdf.py)
    assert not any(w.code == "pdf_input" for w in plan.warnings)


def test_html_plan_goes_through_writer(expected, tmp_path):
    from tests.office import require_office, text_to_html

    require_office()
    page = tmp_path / "phu-luc.html"
    page.write_text(text_to_html(seed("002").read_text(encoding="utf-8")), encoding="utf-8")
    assert content(read_plan(page)) == expected["002"]
