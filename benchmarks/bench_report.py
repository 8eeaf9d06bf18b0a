"""The report workbook and the draft report of a merge, next to bare XlsxWriter writing the
same cell values, in one run.

Workspace: the province shape of benchmarks/bench_scale.py (N units × 50 tasks), copied from
its cache when it is there (never modified), else built in a cache of our own; the N books are
returned unchanged, `collect_files` + `merge_period` give the `ReportData`. Then, best of
`--repeat` runs, CPU seconds:

1. `write_report` (8 sheets, formats, row heights, chart, page setup);
2. bare XlsxWriter in constant_memory mode writing the same cell values (read back from the
   report with python-calamine) with `write_string` / `write_number`, no formats: the floor;
3. `write_draft_report` (.docx), next to bare python-docx writing the same paragraph texts
   (one run each, appended before the section properties as python-docx's add_paragraph
   would, without its scan of the whole body).

Prints the times and the ratios to the bare libraries. Writes no documentation.

    .venv/bin/python benchmarks/bench_report.py [--units 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

import xlsxwriter
from docx import Document
from docx.oxml import OxmlElement
from docx.text.paragraph import Paragraph
from python_calamine import CalamineWorkbook

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import bench_scale  # noqa: E402

from kehoach_xlsx.collect import collect_files  # noqa: E402
from kehoach_xlsx.merge import merge_period  # noqa: E402
from kehoach_xlsx.report_docx import draft_context, write_draft_report  # noqa: E402
from kehoach_xlsx.workbook.report import ReportData, write_report  # noqa: E402
from kehoach_xlsx.workspace import Workspace  # noqa: E402

OWN_CACHE = Path(tempfile.gettempdir()) / "kehoach-bench-report-v1"


def source_workspace(units: int) -> Path:
    """The split workspace of N units: bench_scale's cache if built, else our own cache."""
    shared = bench_scale.CACHE / f"n{units}"
    if (shared / "ready").exists():
        return shared / "so"
    bench_scale.CACHE = OWN_CACHE  # build (once) in our own folder, never in the shared one
    return bench_scale.workspace(units)


def merged_report(units: int, scratch: Path) -> tuple[ReportData, dict]:
    """Collect the N books returned unchanged and merge: the report data and the draft context."""
    copy = scratch / "so"
    shutil.copytree(source_workspace(units), copy)
    collect_files(copy, [copy / "outgoing" / bench_scale.PERIOD])
    result = merge_period(copy, bench_scale.PERIOD, bench_scale.AS_OF)
    plan = Workspace.open(copy).plan_dict()
    return result.report, draft_context(plan, bench_scale.PERIOD)


def report_cells(path: Path) -> list[tuple[str, list[list]]]:
    """Every sheet's cell values as python-calamine reads them back."""
    with CalamineWorkbook.from_path(str(path)) as book:
        return [(name, book.get_sheet_by_name(name).to_python()) for name in book.sheet_names]


def bare_write(path: Path, sheets: list[tuple[str, list[list]]]) -> int:
    """The same values with plain write_string / write_number, constant_memory, no formats."""
    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "in_memory": False})
    cells = 0
    for name, rows in sheets:
        sheet = book.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if value == "" or value is None:
                    continue
                cells += 1
                if isinstance(value, str):
                    sheet.write_string(r, c, value)
                elif isinstance(value, date | datetime):
                    sheet.write_datetime(r, c, value)
                else:
                    sheet.write_number(r, c, value)
    book.close()
    return cells


def bare_docx(path: Path, texts: list[str]) -> None:
    """The draft's paragraph texts, one plain run each, with python-docx."""
    doc = Document()
    end = doc.element.body[-1]  # <w:sectPr>: paragraphs go before it
    for text in texts:
        element = OxmlElement("w:p")
        end.addprevious(element)
        Paragraph(element, doc._body).add_run(text)
    doc.save(str(path))


def best(repeat: int, work) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        work()
        times.append(time.process_time() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="kh-bench-report-"))
    try:
        report, context = merged_report(args.units, scratch)
        out = scratch / "out"
        out.mkdir()
        report_path = out / "bao-cao.xlsx"
        ours = best(args.repeat, lambda: write_report(report_path, report))
        sheets = report_cells(report_path)
        cells = bare_write(out / "bare.xlsx", sheets)
        bare = best(args.repeat, lambda: bare_write(out / "bare.xlsx", sheets))
        draft_path = out / "du-thao.docx"
        draft = best(args.repeat, lambda: write_draft_report(draft_path, report, context))
        texts = [paragraph.text for paragraph in Document(str(draft_path)).paragraphs]
        docx_floor = best(args.repeat, lambda: bare_docx(out / "bare.docx", texts))
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"{args.units} đơn vị, {len(report.items)} dòng nhiệm vụ × đơn vị, {cells} ô có giá trị")
    print(f"write_report                      {ours:7.2f} s CPU")
    print(f"XlsxWriter trần (cùng giá trị)     {bare:7.2f} s CPU")
    print(f"write_draft_report (.docx)        {draft:7.2f} s CPU   ({len(texts)} đoạn)")
    print(f"python-docx trần (cùng đoạn văn)   {docx_floor:7.2f} s CPU")
    print(f"tỉ lệ write_report / XlsxWriter trần: {ours / bare:.2f}x")
    print(f"tỉ lệ dự thảo / python-docx trần:     {draft / docx_floor:.2f}x")
    print(f"bộ nhớ đỉnh của tiến trình: {peak:.0f} MB")


if __name__ == "__main__":
    main()
