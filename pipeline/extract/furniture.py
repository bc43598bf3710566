"""Page furniture: what stands on a page without being part of the release's data.

Rotated text (a stray ``Jaar`` in the margin), running headers and footers repeated across pages (a
browser's date, URL and ``page 1/4``), the release title and page numbers.
"""

from __future__ import annotations

import re
import statistics
from typing import TYPE_CHECKING

from pipeline.extract.geometry import LINE_GAP, LINE_RATIO
from pipeline.extract.words import YEAR_TEXT, Line
from pipeline.model import Kind
from pipeline.numbers import is_figure

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader


def read_furniture(reader: PageReader) -> None:
    """Claims rotated tokens, running headers and footers, release title lines and page numbers as
    ``FURNITURE``; sets ``reader.title`` and ``reader.title_year``. Relies on nothing: it runs first, so
    that a running header's date or page number is never read as a year header or a row."""
    reader.claim([t for t in reader.tokens if not t.upright], Kind.FURNITURE)
    reader.title, reader.title_year = find_furniture(reader, reader.page_lines)


def find_furniture(reader: PageReader, page_lines: list[list[Line]]) -> tuple[str, int | None]:
    """Release title lines and page numbers. Returns the release title and the year it names."""
    title, year = "", None
    for line in repeated_margin_lines(page_lines):
        reader.claim(line.tokens, Kind.FURNITURE)
    for lines in page_lines:
        for i, line in enumerate(lines):
            text = line.text
            m = reader.layout.release_title.match(text)
            if m:
                reader.claim(line.tokens, Kind.FURNITURE)
                title = title or text
                year = year or int(m.group("year"))
            elif (i < 2 or i >= len(lines) - 2) and any(p.match(text) for p in reader.layout.page_number):
                reader.claim(line.tokens, Kind.FURNITURE)
    return title, year


def repeated_margin_lines(page_lines: list[list[Line]]) -> list[Line]:
    """Running headers and footers (a browser's date, URL and 'page 1/4'): among the first and last two
    lines of each page, set apart from the body by a gap, those printed at the same height on several
    pages with the same text once digits are ignored. A year header or a row is never furniture."""
    if len(page_lines) < 2:
        return []
    candidates: dict[str, list[Line]] = {}
    for lines in page_lines:
        n = len(lines)
        for i in sorted({0, 1, n - 2, n - 1} & set(range(n))):
            line = lines[i]
            if n == 1:
                gap = float("inf")
            elif i < n / 2:  # the gap to the neighbour towards the body
                gap = lines[i + 1].box.top - line.box.bottom
            else:
                gap = line.box.top - lines[i - 1].box.bottom
            if gap >= LINE_GAP * line.size and not _has_year_header(line) and not _value_row(line):
                candidates.setdefault(re.sub(r"\d+", "#", line.text), []).append(line)
    found = []
    for lines in candidates.values():
        middle = statistics.median(ln.box.top for ln in lines)
        same_height = [ln for ln in lines if abs(ln.box.top - middle) <= LINE_RATIO * ln.size]
        if len({ln.box.page for ln in same_height}) >= 2:
            found += same_height
    return found


def _has_year_header(line: Line) -> bool:
    texts = [t.text for t in line.tokens]
    return any(all(YEAR_TEXT.match(x) for x in texts[i:i + 3]) and len(texts[i:i + 3]) == 3
               for i in range(len(texts)))


def _value_row(line: Line) -> bool:
    """A label followed by numbers: a table row, never furniture (even when repeated)."""
    return sum(1 for t in line.tokens if is_figure(t.text) and t.text[0].isdigit()) >= 3
