"""Printed-page checks from a PDF: word boxes (pdftotext -bbox) that overlap one another.

Text in a row too low for its wrapped lines is drawn over the next row (or clipped, but
still in the PDF's text): two words of different lines whose boxes cross is that fault.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
)


@dataclass(frozen=True)
class Word:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def pdf_words(pdf: Path) -> list[Word]:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.skip("Thiếu chương trình pdftotext (gói poppler-utils)")
    run = subprocess.run(
        [tool, "-bbox", "-enc", "UTF-8", str(pdf), "-"],
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=120,
        check=True,
    )
    words = []
    for number, page in enumerate(run.stdout.split("<page ")[1:], start=1):
        for match in WORD.finditer(page):
            x0, y0, x1, y1 = (float(v) for v in match.groups()[:4])
            words.append(Word(number, x0, y0, x1, y1, html.unescape(match.group(5))))
    return words


def overlaps(words: list[Word], share: float = 0.3) -> list[tuple[Word, Word]]:
    """Pairs of words whose boxes cross: more than `share` of the lower one's height and a
    visible horizontal stretch (adjacent lines touch by a fraction of a point; that is fine)."""
    found = []
    by_page: dict[int, list[Word]] = {}
    for word in words:
        by_page.setdefault(word.page, []).append(word)
    for page_words in by_page.values():
        page_words.sort(key=lambda w: w.y0)
        for index, word in enumerate(page_words):
            for other in page_words[index + 1 :]:
                if other.y0 >= word.y1:
                    break
                vertical = min(word.y1, other.y1) - max(word.y0, other.y0)
                horizontal = min(word.x1, other.x1) - max(word.x0, other.x0)
                height = min(word.y1 - word.y0, other.y1 - other.y0)
                same_line = abs(word.y0 - other.y0) < 0.5 and abs(word.y1 - other.y1) < 0.5
                if same_line and horizontal <= 0.5:
                    continue
                if vertical > share * height and horizontal > 1.0:
                    found.append((word, other))
    return found


def describe(pairs: list[tuple[Word, Word]], limit: int = 8) -> str:
    return "; ".join(
        f"trang {a.page}: “{a.text}” ({a.y0:.0f}-{a.y1:.0f}) đè “{b.text}” ({b.y0:.0f}-{b.y1:.0f})"
        for a, b in pairs[:limit]
    )
