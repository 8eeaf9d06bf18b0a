"""Reading a text-layer PDF: kehoach_xlsx's PDF reader vs poppler's `pdftotext -layout`.

The issue asks that `parse` of a 100-page plan takes under 2 s. The test plan is the invented
plan of the tests (prose, a borderless header, a ruled appendix table over a page break)
written as .docx, printed to PDF by LibreOffice and repeated to --pages pages. pdftotext is
the floor: it only lays out text, with no tables. Run:
.venv/bin/python benchmarks/bench_parse_pdf.py [--pages 100] [--pdf some.pdf]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from kehoach_xlsx import read_plan  # noqa: E402
from kehoach_xlsx.parse.pdf import read_pdf  # noqa: E402


def best_of(repeat: int, function) -> tuple[float, float]:
    """Best wall time and best CPU time (this process and its children): the machine may be
    shared, so CPU time is the steadier figure."""
    walls, cpus = [], []
    for _ in range(repeat):
        cpu = cpu_seconds()
        started = time.perf_counter()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(cpu_seconds() - cpu)
    return min(walls), min(cpus)


def cpu_seconds() -> float:
    seconds = time.process_time()
    try:
        import resource
    except ImportError:  # Windows: children's CPU time is not available
        return seconds
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return seconds + children.ru_utime + children.ru_stime


def long_plan(folder: Path, pages: int) -> Path:
    """The invented plan as PDF, its pages repeated until the document has `pages` pages."""
    import pypdfium2 as pdfium

    from tests import invented_plan
    from tests.office import convert

    docx = invented_plan.write_docx(folder / "ke-hoach.docx")
    single = pdfium.PdfDocument(str(convert(docx, "pdf", folder / "pdf")))
    long = pdfium.PdfDocument.new()
    while len(long) < pages:
        take = min(len(single), pages - len(long))
        long.import_pages(single, list(range(take)))
    out = folder / f"ke-hoach-{pages}-trang.pdf"
    long.save(str(out))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--pages", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--pdf", type=Path, help="measure this PDF instead of the invented plan")
    parser.add_argument("--save", type=Path, help="keep the invented plan's PDF at this path")
    args = parser.parse_args()
    pdftotext = shutil.which("pdftotext")
    with tempfile.TemporaryDirectory() as folder:
        path = args.pdf or long_plan(Path(folder), args.pages)
        if args.save and not args.pdf:
            shutil.copyfile(path, args.save)
        import pypdfium2 as pdfium

        pages = len(pdfium.PdfDocument(str(path)))
        read_pdf(path, [])  # imports and caches warm
        ours = best_of(args.repeat, lambda: read_pdf(path, []))
        whole = best_of(args.repeat, lambda: read_plan(path))
        tasks = len(read_plan(path).tasks)
        print(f"{path.name}: {pages} trang, {tasks} nhiệm vụ (best of {args.repeat})")
        print(f"{'':10}{'wall s':>9}{'CPU s':>9}{'trang/s (CPU)':>15}")
        for name, (wall, cpu) in (("read_pdf", ours), ("read_plan", whole)):
            print(f"{name:10}{wall:9.2f}{cpu:9.2f}{pages / cpu:15.1f}")
        if pdftotext:
            bare = best_of(
                args.repeat,
                lambda: subprocess.run(
                    [pdftotext, "-layout", str(path), "-"], capture_output=True, check=True
                ),
            )
            print(f"{'pdftotext':10}{bare[0]:9.2f}{bare[1]:9.2f}{pages / bare[1]:15.1f}")
            print(
                f"read_pdf / pdftotext -layout: {ours[1] / bare[1]:.1f}x CPU, "
                f"{ours[0] / bare[0]:.1f}x wall; target: read_plan < 2 s per 100 pages"
            )
        else:
            print("pdftotext (poppler) không có trên máy: bỏ qua tỉ lệ")


if __name__ == "__main__":
    main()
