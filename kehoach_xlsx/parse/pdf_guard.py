"""A check before a PDF is opened: no compressed stream may inflate past a bound.

pdfium (like pdfminer) inflates a page's streams in memory without a limit: a 1.5 MB file
whose content stream inflates to 1.5 GB took 2.5 GB of memory. Inflating every Flate
stream once here, counting the bytes and keeping none, costs a few milliseconds per MB of
file and refuses such a file before anything large is allocated. Streams wrapped in another
filter first (ASCII85, LZW) or encrypted are not counted; those are rare in office PDFs.
"""

from __future__ import annotations

import re
import zlib
from pathlib import Path

from kehoach_xlsx.errors import PlanFormatError

MAX_STREAM_BYTES = 160 * 1024 * 1024  # a 600 dpi A4 colour image inflates to about 105 MB
STREAM_START = re.compile(rb"(?<!end)stream\r?\n")
CHUNK = 1 << 16


def check_streams(path: Path, data: bytes) -> None:
    """Raise when one compressed stream of the file inflates past MAX_STREAM_BYTES."""
    for match in STREAM_START.finditer(data):
        size = inflated_size(data, match.end(), MAX_STREAM_BYTES)
        if size > MAX_STREAM_BYTES:
            raise PlanFormatError(
                f"Tệp PDF {path.name} có một luồng nén giải ra hơn "
                f"{MAX_STREAM_BYTES // (1024 * 1024)} MB: không giống một kế hoạch và có thể "
                "làm treo máy nên không đọc. Hãy dùng bản Word (.docx) của kế hoạch."
            )


def inflated_size(data: bytes, start: int, limit: int) -> int:
    """Bytes a zlib stream at data[start:] inflates to, counting stops past limit;
    0 when it is not a zlib stream (an image, plain or encrypted data)."""
    inflater = zlib.decompressobj()
    total = 0
    position = start
    try:
        while position < len(data) and not inflater.eof:
            pending = data[position : position + CHUNK]
            position += CHUNK
            while pending and not inflater.eof:
                out = inflater.decompress(pending, CHUNK)
                total += len(out)
                if total > limit:
                    return total
                if not out and inflater.unconsumed_tail == pending:
                    return 0  # no progress: not a stream zlib can read
                pending = inflater.unconsumed_tail
    except zlib.error:
        return total if total > limit else 0
    return total
