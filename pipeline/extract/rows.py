"""Rows: a line whose tokens under a header's years are all numbers, one per column; its label is the text
to the left, in the table's label column. Wrapped label and title lines (text alone in the label column)
go to the nearest row or to the title, ties upwards. Rows above the first header of a page continue the
last table of the page before (page flow)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.extract.geometry import LABEL_WRAP_GAP, ROW_FLOW_REACH, SAME_SIZE, TIE, overlaps_vertically
from pipeline.extract.headers import Header, active_headers, reading_order
from pipeline.extract.notes import starts_footnote
from pipeline.extract.words import Line
from pipeline.model import Box, Kind, Token
from pipeline.numbers import is_figure

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader


@dataclass
class FoundRow:
    line: Line
    label_tokens: list[Token]
    cells: dict[int, Token]
    extra: list[Line] = field(default_factory=list)  # wrapped label lines


@dataclass
class FoundTable:
    header: Header
    title_lines: list[Line]
    rows: list[FoundRow] = field(default_factory=list)


def read_rows(reader: PageReader) -> None:
    """Claims the numbers under a header's years as ``VALUE`` and the text of their line in the label
    column as ``LABEL``; sets ``reader.tables`` (one per header). Relies on the headers, the label columns
    and everything claimed before: a rank, a year or furniture standing in a row's line is not a value."""
    reader.tables = assign_rows(reader, reader.headers, reader.page_lines)
    reader.body_size = body_sizes(reader.tables)


def read_fragments(reader: PageReader) -> None:
    """Claims the lines alone in a label column as ``TITLE`` or ``LABEL`` (wrapped titles and labels).
    Relies on the rows and the titles: a fragment goes to the nearest of them, so both must be known."""
    downward = bottom_aligned(reader.tables)
    for table in reader.tables:
        attach_fragments(reader, table, reader.page_lines, downward)


def assign_rows(reader: PageReader, headers: list[Header], page_lines) -> list[FoundTable]:
    tables = {id(h): FoundTable(h, []) for h in headers}
    ordered = sorted(headers, key=reading_order)
    for lines in page_lines:
        for line in lines:
            if not line.tokens:
                continue
            page = line.tokens[0].box.page
            for h in active_headers(ordered, page, line):
                toks = [t for t in reader.free(line) if h.in_value_span(t.box)]
                if not toks or not all(is_figure(t.text) for t in toks):
                    continue
                cols = [h.column_of(t.box) for t in toks]
                if None in cols or len(set(cols)) != len(cols):
                    continue
                label = [t for t in reader.free(line) if h.in_label_column(t.box)]
                reader.claim(toks, Kind.VALUE)
                reader.claim(label, Kind.LABEL)
                tables[id(h)].rows.append(FoundRow(line, label, dict(zip(cols, toks))))
    return list(tables.values())


def bottom_aligned(tables: list[FoundTable]) -> bool:
    """Whether wrapped cells sit on their last line (spreadsheet default): titles that wrap then start
    above the years' line rather than below it. Decides which row a wrapped label line between two rows
    belongs to."""
    above = below = 0
    for t in tables:
        h = t.header
        if not any(overlaps_vertically(ln.box, *h.band) for ln in t.title_lines):
            continue  # a caption above an untitled header says nothing about alignment
        above += any(ln.box.bottom < h.band[0] for ln in t.title_lines)
        below += any(ln.box.top > h.band[1] for ln in t.title_lines)
    return above > below


def attach_fragments(reader: PageReader, table: FoundTable, page_lines, downward: bool) -> None:
    """Wrapped title and label lines (text alone in the label column) to the title or the nearest row."""
    h = table.header
    band_top, band_bottom = h.band
    title_fonts = {t.font for ln in table.title_lines for t in ln.tokens}
    label_fonts = {t.font for r in table.rows for t in r.label_tokens}
    rows_by_page: dict[int, list[FoundRow]] = {}
    for r in table.rows:
        rows_by_page.setdefault(r.line.box.page, []).append(r)
    for page, rows in rows_by_page.items():
        rows.sort(key=lambda r: r.line.box.top)
        first_on_page = rows[0]
        anchors: list[tuple[str, object, float, float]] = []
        if page == h.page:
            anchors.append(("title", table, band_top, band_bottom))
        anchors += [("row", r, r.line.box.top, r.line.box.bottom) for r in rows]
        lo = band_bottom if page == h.page else float("-inf")
        hi = rows[-1].line.box.bottom
        last = rows[-1]
        size = statistics.median(t.size for t in last.line.tokens)
        for line in page_lines[page - 1]:
            free = reader.free(line)
            toks = [t for t in free if h.in_label_column(t.box)]
            if not toks or any(h.in_value_span(t.box) for t in free) or line.box.top < lo:
                continue
            if page != h.page and line.box.bottom <= first_on_page.line.box.top - ROW_FLOW_REACH * size \
                    and line.box.top < first_on_page.line.box.top:
                continue
            if line.box.top > hi:
                # after the last row: only a directly adjacent line in the same type continues its label
                if line.box.top - hi > LABEL_WRAP_GAP * size \
                        or not _same_style(toks, last.label_tokens or last.line.tokens):
                    continue
                if starts_footnote(reader, toks):
                    continue
                hi = line.box.bottom
                last.extra.append(Line(tuple(toks)))
                reader.claim(toks, Kind.LABEL)
                continue
            kind, target = _nearest_anchor(_anchors_for_style(anchors, toks, title_fonts, label_fonts), line.box,
                                           downward)
            if kind == "title":
                table.title_lines.append(Line(tuple(toks)))
                reader.claim(toks, Kind.TITLE)
            else:
                target.extra.append(Line(tuple(toks)))
                reader.claim(toks, Kind.LABEL)
    table.title_lines.sort(key=lambda ln: ln.box.top)


def _anchors_for_style(anchors, toks: list[Token], title_fonts: set[str], label_fonts: set[str]):
    """Typography decides where geometry cannot: a line set in the title's type (and not the labels')
    continues the title; one set in the labels' type (and not the title's) belongs to a row."""
    fonts = {t.font for t in toks}
    if title_fonts and label_fonts and not title_fonts & label_fonts:
        if fonts <= title_fonts:
            titles = [a for a in anchors if a[0] == "title"]
            return titles or anchors
        if fonts <= label_fonts:
            rows = [a for a in anchors if a[0] == "row"]
            return rows or anchors
    return anchors


def _nearest_anchor(anchors, box: Box, downward: bool = False):
    def distance(a):
        _, _, top, bottom = a
        if box.bottom <= top:
            return top - box.bottom
        if box.top >= bottom:
            return box.top - bottom
        return 0.0
    best = min(distance(a) for a in anchors)
    # ties go upwards (anchors are top to bottom), or downwards where cells sit on their last line
    for a in (reversed(anchors) if downward else anchors):
        if distance(a) <= best + TIE * box.height:
            return a[0], a[1]
    raise AssertionError("unreachable")


def _same_style(a: list[Token], b: list[Token]) -> bool:
    sa = statistics.median(t.size for t in a)
    sb = statistics.median(t.size for t in b)
    return abs(sa - sb) <= SAME_SIZE * sb and {t.font for t in a} & {t.font for t in b}


def body_sizes(tables: list[FoundTable]) -> dict[int, float]:
    """Median size of row labels per page (key 0: the whole release)."""
    by_page: dict[int, list[float]] = {}
    for tb in tables:
        for r in tb.rows:
            for t in r.label_tokens:
                by_page.setdefault(t.box.page, []).append(t.size)
                by_page.setdefault(0, []).append(t.size)
    return {p: statistics.median(v) for p, v in by_page.items()}
