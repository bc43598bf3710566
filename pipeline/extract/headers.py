"""Year headers: three consecutive years, newest first, side by side on one line. Their three year tokens
are the value columns of a table; the text to their left is its label column."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.extract.geometry import COLUMN_PAD, EDGE, HEADER_SLACK
from pipeline.extract.words import YEAR_TEXT, Line
from pipeline.model import Box, Kind
from pipeline.numbers import is_figure

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader


def read_headers(reader: PageReader) -> None:
    """Claims the year tokens of every header as ``YEAR``; sets ``reader.headers`` (page by page, top to
    bottom). Relies on furniture being claimed (the years of a release title or a running header are no
    year header)."""
    reader.headers = [h for lines in reader.page_lines for h in find_headers(reader, lines)]


def read_label_columns(reader: PageReader) -> None:
    """Claims nothing; sets each header's ``left`` (where its label column starts). Relies on the headers
    and on the top-3 panels being claimed: a panel standing left of a table on its header's line bounds
    the table's label column."""
    set_label_columns(reader.headers, reader, reader.page_lines)


@dataclass(eq=False)
class Header:
    page: int
    line: Line
    years: tuple[int, ...]
    cols: tuple[Box, ...]
    left: float = float("-inf")  # where this table's label column starts (side by side: after the neighbour)
    band: tuple[float, float] = field(init=False)
    size: float = field(init=False)

    def __post_init__(self) -> None:
        self.band = (min(c.top for c in self.cols), max(c.bottom for c in self.cols))
        self.size = statistics.median(c.bottom - c.top for c in self.cols)

    def column_of(self, box: Box) -> int | None:
        """The column whose year the number stands under (largest horizontal overlap), if any."""
        best, best_overlap = None, 0.0
        for i, c in enumerate(self.cols):
            overlap = min(box.x1, c.x1) - max(box.x0, c.x0)
            if overlap > best_overlap:
                best, best_overlap = i, overlap
        return best

    def in_value_span(self, box: Box) -> bool:
        pad = COLUMN_PAD * self.size
        return box.x1 > self.cols[0].x0 - pad and box.x0 < self.cols[-1].x1 + pad

    def in_label_column(self, box: Box) -> bool:
        return box.x0 >= self.left - EDGE * self.size and box.x1 <= self.cols[0].x0 + COLUMN_PAD * self.size


def find_headers(reader: PageReader, lines: list[Line]) -> list[Header]:
    """Three consecutive years, newest first, adjacent on one line."""
    headers = []
    for line in lines:
        toks = reader.free(line)
        i = 0
        while i + 2 < len(toks):
            trio = toks[i:i + 3]
            if all(YEAR_TEXT.match(t.text) for t in trio):
                ys = [int(t.text) for t in trio]
                if ys[0] - 1 == ys[1] and ys[1] - 1 == ys[2]:
                    reader.claim(trio, Kind.YEAR)
                    headers.append(Header(trio[0].box.page, line, tuple(ys), tuple(t.box for t in trio)))
                    i += 3
                    continue
                if len(set(ys)) == 3 and max(ys) - min(ys) <= 10:  # years, but not newest first one by one
                    reader.refused_headers.append((tuple(ys), trio[0].box.page))
            i += 1
    return headers


def set_label_columns(headers: list[Header], reader: PageReader, page_lines) -> None:
    """Side by side: a table's label column starts after whatever belongs to its left neighbour: a table
    whose years stand at the height of its years (on its line, or a little off it: a title of more lines,
    the years at its middle), or whose rows stand on its rows' lines (a longer title puts one table's
    years lower than the other's), and a panel standing between them on those lines."""
    panel = (Kind.PANEL_TITLE, Kind.PANEL_HEADING, Kind.PANEL, Kind.RANK)
    blocks = {id(h): _block(h, headers, page_lines[h.page - 1]) for h in headers}
    for h in headers:
        shared = [h.line]
        lefts = []
        for o in headers:
            if o is h or o.page != h.page or o.cols[-1].x1 >= h.cols[0].x0:
                continue
            rows = [o.line] if _years_level(h, o) else _shared_rows(h, o, page_lines[h.page - 1])
            if rows:
                lefts.append(o.cols[-1].x1)
                shared += rows
            elif _overlap(blocks[id(h)], blocks[id(o)]):  # their blocks side by side, rows at other heights
                lefts.append(o.cols[-1].x1)  # (values on the middle line of labels wrapped otherwise)
        lefts += [t.box.x1 for line in shared for t in line.tokens
                  if reader.roles.get(id(t)) in panel and t.box.x1 < h.cols[0].x0]
        # a whole panel standing beside its years or rows (in a column of its own, with its own spacing)
        bottom = blocks[id(h)][1]
        lefts += [p.box.x1 for p in reader.rankings if p.box.page == h.page and p.box.x1 < h.cols[0].x0
                  and p.box.top < bottom and p.box.bottom > h.band[0]]
        h.left = max(lefts) if lefts else float("-inf")


def _years_level(a: Header, b: Header) -> bool:
    """The two headers' years stand at one height: on one line, or overlapping it."""
    return a.line is b.line or (a.band[0] < b.band[1] and b.band[0] < a.band[1])


def _block(h: Header, headers: list[Header], lines: list[Line]) -> tuple[float, float]:
    """How high a table stands: from its years to its last row (``_own_rows``)."""
    return h.band[0], max([h.band[1], *(ln.box.bottom for ln in _own_rows(h, headers, lines))])


def _overlap(a: tuple[float, float], b: tuple[float, float]) -> bool:
    """Two tables' blocks overlap in height, though no line may hold both their years or rows."""
    return a[0] < b[1] and b[0] < a[1]


def _own_rows(h: Header, headers: list[Header], lines: list[Line]) -> list[Line]:
    """The table's rows: the lines below the header that hold a figure under every year of it, up to the
    first line with anything else under its years (the next header there, or what follows the table);
    lines with nothing under them (a wrapped label, a panel's own line beside) are passed over."""
    heads = {id(o.line) for o in headers if o.page == h.page and columns_overlap(o, h)}
    rows = []
    for ln in (ln for ln in lines if ln.box.top >= h.band[1]):
        if not any(h.in_value_span(t.box) for t in ln.tokens):
            continue
        if id(ln) in heads or not _under_every_year(h, ln):
            break
        rows.append(ln)
    return rows


def _shared_rows(a: Header, b: Header, lines: list[Line]) -> list[Line]:
    """The lines below both headers that hold a figure under every year of each: rows side by side."""
    below = max(a.band[1], b.band[1])
    return [ln for ln in lines if ln.box.top >= below and _under_every_year(a, ln) and _under_every_year(b, ln)]


def _under_every_year(h: Header, line: Line) -> bool:
    return {h.column_of(t.box) for t in line.tokens if h.in_value_span(t.box) and is_figure(t.text)} \
        >= set(range(len(h.cols)))


def active_headers(ordered: list[Header], page: int, line: Line) -> list[Header]:
    """For each column set, the nearest header above the line (on this page, else the last one before)."""
    top = line.box.top
    chosen: list[Header] = []
    for h in reversed(ordered):
        if (h.page, h.band[1]) > (page, top + HEADER_SLACK * h.size) or (h.page == page and h.line is line):
            continue
        if any(columns_overlap(h, c) for c in chosen):  # a nearer header above owns these columns
            continue
        chosen.append(h)
    return chosen


def columns_overlap(a: Header, b: Header) -> bool:
    return a.cols[0].x0 < b.cols[-1].x1 and b.cols[0].x0 < a.cols[-1].x1


def reading_order(h: Header) -> tuple[int, float, float]:
    """Headers in reading order: by page, then top to bottom, then left to right."""
    return (h.page, h.band[0], h.cols[0].x0)
