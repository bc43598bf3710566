"""Section headings: free lines printed larger than the table text of their page."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from pipeline.extract.geometry import SECTION_MIN_SIZE
from pipeline.model import Kind

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader


def read_sections(reader: PageReader) -> None:
    """Claims section headings as ``SECTION``; sets ``reader.sections``. Relies on everything else being
    claimed (a larger title or panel heading is not a section) and on ``reader.body_size``."""
    reader.sections = find_sections(reader, reader.page_lines, reader.body_size)


def find_sections(reader: PageReader, page_lines, body: dict[int, float]) -> list[tuple[tuple, str]]:
    """Free lines printed larger than the table text of their page: (reading position, heading)."""
    out = []
    for lines in page_lines:
        for line in lines:
            toks = reader.free(line)
            size = body.get(line.box.page, body.get(0, 0.0))
            if toks and size and statistics.median(t.size for t in toks) >= SECTION_MIN_SIZE * size:
                reader.claim(toks, Kind.SECTION)
                b = line.box
                out.append(((b.page, b.top), " ".join(t.text for t in toks)))
    return out
