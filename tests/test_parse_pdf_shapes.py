"""Plans printed to PDF by a word processor in the shapes offices send: a font that lacks
some Vietnamese letters, landscape appendices, narrow wrapping columns, running headers and
footers, tables whose header row repeats on every page. Each PDF is made here from the
invented plan (tests/invented_plan.py) through LibreOffice and must read like its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from kehoach_xlsx import read_plan
from tests import invented_plan

pytestmark = pytest.mark.slow


def content(plan):
    return [(t.id, t.title, t.lead, t.coordinate, t.outputs, t.deadline_text) for t in plan.tasks]


def expected(tmp_path: Path) -> list:
    rows = content(read_plan(invented_plan.write_txt(tmp_path / "ke-hoach.txt")))
    assert len(rows) == invented_plan.task_count()
    return rows


def restyle(path: Path, font: str, size: float | None = None) -> Path:
    """Set every style's and run's font to `font`, as "print with another font" does."""
    import docx
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = docx.Document(str(path))
    for element in (document.styles.element, document.element.body):
        for fonts in element.iter(qn("w:rFonts")):
            fonts.attrib.clear()
            for attr in ("w:ascii", "w:hAnsi", "w:cs"):
                fonts.set(qn(attr), font)
    if size is not None:
        document.styles["Normal"].font.size = Pt(size)
    document.styles["Normal"].font.name = font
    document.save(str(path))
    return path


def test_letters_drawn_from_a_fallback_font_stay_in_their_words(tmp_path, office):
    # LibreOffice draws the letters Cambria's substitute lacks ("Ỉ", "ự") from another font
    # in a second pass, after the rest of the line: in stream order they are apart
    docx_path = restyle(invented_plan.write_docx(tmp_path / "ke-hoach.docx"), "Cambria")
    pdf = office.convert(docx_path, "pdf", tmp_path / "pdf")
    assert content(read_plan(pdf)) == expected(tmp_path)
