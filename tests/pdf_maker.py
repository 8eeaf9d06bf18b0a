"""Write small PDFs by hand for the PDF reader's tests: text in Helvetica, ruling lines, images.

Helvetica is one of the 14 standard fonts every PDF reader knows the widths of, so the words
land where a real writer would put them; it has no Vietnamese letters, so texts here are
plain ASCII. A page is a list of drawing operations on an A4 page (595 x 842 pt, y up).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

WIDTH, HEIGHT = 595, 842
# Helvetica advance widths (1/1000 em) for the characters the tests use
_WIDTHS = {
    " ": 278, ",": 278, ".": 278, ":": 278, ";": 278, "-": 333, "/": 278, "(": 333, ")": 333,
    "0": 556, "1": 556, "2": 556, "3": 556, "4": 556, "5": 556, "6": 556, "7": 556, "8": 556,
    "9": 556,
}  # fmt: skip
_UPPER = dict(zip("ABCDEFGHIJKLMNOPQRSTUVWXYZ", (667, 667, 722, 722, 667, 611, 778, 722, 278,
    500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611),
    strict=True))  # fmt: skip
_LOWER = dict(zip("abcdefghijklmnopqrstuvwxyz", (556, 556, 500, 556, 556, 278, 556, 556, 222,
    222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500),
    strict=True))  # fmt: skip


def text_width(text: str, size: float) -> float:
    widths = {**_WIDTHS, **_UPPER, **_LOWER}
    return sum(widths.get(ch, 556) for ch in text) * size / 1000


@dataclass
class PdfPage:
    ops: list[str] = field(default_factory=list)
    image: bool = False
    stamps: list[tuple[float, float, str, float]] = field(default_factory=list)

    def stamp(self, x: float, top: float, text: str, size: float = 12) -> None:
        """Text drawn by a signature field's appearance, as e-signing software stamps it."""
        self.stamps.append((x, top, text, size))

    def text(self, x: float, top: float, text: str, size: float = 12) -> None:
        """Write text with its top `top` points below the page's top edge."""
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        y = HEIGHT - top - size
        self.ops.append(f"BT /F1 {size} Tf {x:.2f} {y:.2f} Td ({escaped}) Tj ET")

    def line(self, x0: float, top0: float, x1: float, top1: float) -> None:
        self.ops.append(f"0.8 w {x0:.2f} {HEIGHT - top0:.2f} m {x1:.2f} {HEIGHT - top1:.2f} l S")

    def wrapped(self, x: float, top: float, width: float, text: str, size: float = 12,
                indent: float = 0.0) -> float:  # fmt: skip
        """Left-aligned text wrapped at `width` like a word processor; returns the next top."""
        for index, line in enumerate(wrap(text, width, size, indent)):
            self.text(x + (indent if index == 0 else 0.0), top, line, size)
            top += size * 1.3
        return top


def wrap(text: str, width: float, size: float = 12, indent: float = 0.0) -> list[str]:
    """The lines a word processor makes of text in a column `width` points wide."""
    lines: list[list[str]] = [[]]
    for word in text.split():
        room = width - (indent if len(lines) == 1 else 0.0)
        if lines[-1] and text_width(" ".join([*lines[-1], word]), size) > room:
            lines.append([])
        lines[-1].append(word)
    return [" ".join(line) for line in lines if line]


def write_pdf(path: Path, pages: list[PdfPage]) -> Path:
    """A valid PDF 1.4 file: one Helvetica font resource, an optional grey image per page."""
    objects: list[bytes] = []

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in below
    tree = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    image = add(
        b"<< /Type /XObject /Subtype /Image /Width 2 /Height 2 /ColorSpace /DeviceGray "
        b"/BitsPerComponent 8 /Length 4 >>\nstream\n\x80\x40\x40\x80\nendstream"
    )
    kids: list[int] = []
    for page in pages:
        ops = list(page.ops)
        if page.image:
            ops.append(f"q {WIDTH - 80} 0 0 {HEIGHT - 80} 40 40 cm /Im1 Do Q")
        content = "\n".join(ops).encode("latin-1")
        stream = add(b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream")
        annots = []
        for x, top, text, size in page.stamps:
            width, height = text_width(text, size) + 4, size + 4
            drawn = f"BT /F1 {size} Tf 2 3 Td ({text}) Tj ET".encode("latin-1")
            form = add(
                b"<< /Type /XObject /Subtype /Form /BBox [0 0 %.2f %.2f] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Length %d >>\nstream\n"
                % (width, height, font, len(drawn))
                + drawn
                + b"\nendstream"
            )
            y = HEIGHT - top - size - 2
            annots.append(
                add(
                    b"<< /Type /Annot /Subtype /Widget /FT /Sig /F 132 /Rect [%.2f %.2f %.2f %.2f]"
                    b" /AP << /N %d 0 R >> >>" % (x - 2, y, x - 2 + width, y + height, form)
                )
            )
        refs = b" ".join(b"%d 0 R" % a for a in annots)
        kids.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 %d %d] /Contents %d 0 R "
                b"/Resources << /Font << /F1 %d 0 R >> /XObject << /Im1 %d 0 R >> >> "
                b"/Annots [%s] >>" % (tree, WIDTH, HEIGHT, stream, font, image, refs)
            )
        )
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % tree
    refs = " ".join(f"{k} 0 R" for k in kids).encode()
    objects[tree - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (refs, len(kids))
    path.write_bytes(pdf_file(objects, catalog))
    return path


def pdf_file(objects: list[bytes], root: int) -> bytes:
    """A whole PDF file: the numbered objects (1-based), their cross-reference table, and a
    trailer naming object `root` as the catalog."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        root,
        xref,
    )
    return bytes(out)
