"""The project's own sample plan: an invented ward, shipped with the package.

"Phường Hòa Bình, thành phố Ví Dụ" does not exist; its plan (a body with prose tasks and an
appendix table, 22 tasks), and its registry of 13 units with e-mail addresses on a test
domain, were written for this project to try the whole cycle on: `./scripts/demo`, the
whole-cycle tests, and anyone who wants to see the tool work before using a real plan.
"""

from __future__ import annotations

from pathlib import Path

SAMPLE_DIR = Path(__file__).resolve().parent / "data" / "vi-du"
FORMATS = ("docx", "txt")


def plan_files(kind: str = "docx") -> list[Path]:
    """The body and the appendix of the sample plan as .docx (the usual form) or .txt."""
    if kind not in FORMATS:
        raise ValueError(f"kind must be one of {FORMATS}, not {kind!r}")
    return [SAMPLE_DIR / f"ke-hoach-hoa-binh.{kind}", SAMPLE_DIR / f"phu-luc-hoa-binh.{kind}"]


def registry_file() -> Path:
    """The sample ward's registry: sheet "Đơn vị" (codes, names, e-mails) and "Nhóm"."""
    return SAMPLE_DIR / "don-vi-hoa-binh.xlsx"
