"""Table titles: the label-column text on the header's line or on lines that overlap it vertically, and
a caption standing above the header (the first half of a wrapped title, a heading over an untitled header,
a title left at the foot of the page before)."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from pipeline.extract.geometry import (
    BLOCK_GAP,
    CAPTION_GAP,
    CAPTION_REACH,
    CAPTION_SAME_SIZE,
    COLUMN_GAP,
    EDGE,
    LINE_GAP,
    OVERLAP_SLACK,
    WRAP_GAP,
    line_runs,
    overlaps_vertically,
    run_after,
)
from pipeline.extract.headers import Header
from pipeline.extract.notes import starts_footnote
from pipeline.extract.words import Line
from pipeline.model import Kind, Token

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader
    from pipeline.extract.rows import FoundTable


def read_titles(reader: PageReader) -> None:
    """Claims each table's title text as ``TITLE`` and sets its ``title_lines``. Relies on the rows: a
    caption search stops at a line already claimed (the table above, or a panel), and a title at the foot
    of the page before is not the wrapped end of a row there."""
    for table in reader.tables:
        attach_titles(reader, table, reader.page_lines)


def attach_titles(reader: PageReader, table: FoundTable, page_lines) -> None:
    """Title text on the header line, on lines overlapping it, and just above it."""
    h = table.header
    lines = page_lines[h.page - 1]
    labels_x = labels_left(table)
    title_tokens = over_labels([t for t in reader.free(h.line) if h.in_label_column(t.box)], labels_x)
    table.title_lines = [Line(tuple(title_tokens))] if title_tokens else []
    reader.claim(title_tokens, Kind.TITLE)
    for line in lines:
        if line is h.line:
            continue
        toks = over_labels([t for t in reader.free(line) if h.in_label_column(t.box)], labels_x)
        if toks and overlaps_vertically(line.box, *h.band):
            toks += _run_over_years(reader, h, line, toks[-1])
            table.title_lines.append(Line(tuple(toks)))
            reader.claim(toks, Kind.TITLE)
    if not any(r.line.box.page == h.page for r in table.rows):
        for toks in _title_lines_below(reader, table, lines):
            table.title_lines.append(Line(tuple(toks)))
            reader.claim(toks, Kind.TITLE)
    table.title_lines.sort(key=lambda ln: ln.box.top)
    previous_page = page_lines[h.page - 2] if h.page > 1 else []
    title_tokens = [t for ln in table.title_lines for t in ln.tokens]
    for toks in _caption_lines(reader, h, lines, title_tokens, previous_page, table.pitch):
        table.title_lines.insert(0, Line(tuple(toks)))
        reader.claim(toks, Kind.TITLE)


def _title_lines_below(reader: PageReader, table: FoundTable, lines: list[Line]) -> list[list[Token]]:
    """A header without rows below it (a table's head repeated on a page its rows do not reach): the rest
    of a title wrapped below its years' line is the lines directly below, in its label column and in the
    title's type, each within a line's gap of the one above (no row below to split them from)."""
    h = table.header
    ref = [t for ln in table.title_lines for t in ln.tokens]
    if not ref:
        return []
    fonts, size = {t.font for t in ref}, statistics.median(t.size for t in ref)
    found, bottom = [], max(ln.box.bottom for ln in [h.line, *table.title_lines])
    for line in lines:
        if line.box.top < bottom:
            continue
        toks = [t for t in line.tokens if h.in_label_column(t.box)]
        if not toks:
            continue
        if line.box.top - bottom > LINE_GAP * size or any(id(t) in reader.roles for t in toks) \
                or {t.font for t in toks} - fonts \
                or abs(statistics.median(t.size for t in toks) - size) > CAPTION_SAME_SIZE * size:
            break
        found.append(toks)
        bottom = line.box.bottom
    return found


def labels_left(table: FoundTable) -> float | None:
    """Where the table's labels start on its header's page (the leftmost label word), if it has any."""
    xs = [t.box.x0 for r in table.rows if r.line.box.page == table.header.page for t in r.label_tokens]
    return min(xs) if xs else None


def over_labels(tokens: list[Token], labels_x: float | None) -> list[Token]:
    """The words of a line in a table's label column that can be its title: a title stands over its labels,
    so a run ending a column gap before the labels start stands in a column of its own (a panel's title
    beside, left of the table, or its neighbour's panel title repeated with a header), not in this title."""
    if labels_x is None:
        return tokens
    return [t for run in line_runs(tokens) if labels_x - run[-1].box.x1 <= COLUMN_GAP * run[-1].size
            for t in run]


def _run_over_years(reader: PageReader, h: Header, line: Line, last: Token) -> list[Token]:
    """A title line set above the years (its own line, in larger type than the rows: it may overlap their
    band) runs on over them, as a caption above does: the rest of its run from the label column, all above
    the years' tops."""
    run = []
    for t in run_after(line, last):
        if id(t) in reader.roles or t.box.bottom > h.band[0] + OVERLAP_SLACK * h.size:
            break
        run.append(t)
    return run


PANEL_KINDS = (Kind.RANK, Kind.PANEL, Kind.PANEL_TITLE, Kind.PANEL_HEADING)


def _caption_lines(reader: PageReader, h: Header, lines: list[Line], title_tokens: list[Token],
                   previous_page: list[Line], pitch: float | None) -> list[list[Token]]:
    """Title text standing above the year header: a caption or heading over a header without a title
    (beside a floating panel, say), or the first half of a title whose second half shares the years' line
    (its lines as far apart as the table's, ``pitch``). Nearest line first."""
    def in_label_column(line: Line) -> list[Token]:  # a panel's words are its own column's, wherever it stands
        return [t for t in line.tokens if h.left - EDGE * h.size <= t.box.x0 < h.cols[0].x0
                and reader.roles.get(id(t)) not in PANEL_KINDS]

    def own(line: Line) -> list[Token]:  # a line's words in the table's span: a panel in its own column may
        span = [t for t in line.tokens if h.left - EDGE * h.size <= t.box.x0 <= h.cols[-1].x1]  # share the
        return span or list(line.tokens)  # page line, a little higher or lower

    def bottom_of(line: Line) -> float:
        return max(t.box.bottom for t in own(line))

    found: list[list[Token]] = []
    beside = [ln for ln in lines if overlaps_vertically(ln.box, *h.band)  # the years' line, and a title's
              and any(h.in_label_column(t.box) for t in ln.tokens)]  # line beside them (not another table's)
    below = min(t.box.top for ln in [h.line, *beside] for t in own(ln))
    baseline = min([h.band[1], *(t.box.bottom for t in title_tokens)])  # of the title's topmost line so far
    above = [ln for ln in lines if bottom_of(ln) <= below + OVERLAP_SLACK * h.size]
    for line in sorted(above, key=lambda ln: -ln.box.top):
        starts = in_label_column(line)
        gap = below - bottom_of(line)
        if not starts:  # nothing in the label column (a panel beside, in its own column and line spacing, or
            if gap > CAPTION_REACH * h.size:  # a line of the table beside): look further up; the spacing
                break  # ends a title
            continue
        toks = [starts[0]] + run_after(line, starts[0])
        if any(id(t) in reader.roles for t in toks):
            break  # the table above, or a panel: no caption here
        ref = title_tokens or (found[0] if found else toks)
        bottom = max(t.box.bottom for t in toks)  # the baseline of the run (not of all the page's line)
        size = statistics.median(t.size for t in toks)
        same_type = abs(size - statistics.median(t.size for t in ref)) <= CAPTION_SAME_SIZE * size
        if title_tokens:  # only the first half of a title: same type and font, right above it (however
            # short: a title may wrap anywhere, its years on its last line)
            same_font = {t.font for t in toks} <= {t.font for t in ref}
            if not _wrapped_above(baseline - bottom, gap, size, pitch) or not same_type or not same_font:
                break
        elif found and (gap > CAPTION_GAP * size or not same_type):
            break
        found.append(toks)
        below, baseline = line.box.top, bottom
    else:
        if not title_tokens and not found:  # the title was left at the foot of the page before
            foot = _caption_at_page_foot(reader, h, previous_page)
            if foot:
                found.append(foot)
    return found


def _wrapped_above(distance: float, gap: float, size: float, pitch: float | None) -> bool:
    """A line ``distance`` above the next line's baseline (``gap`` above its top) is the line before it in
    one wrapped title: at the table's line pitch, whatever its leading (a head without rows: the release's;
    without any to measure it: tight)."""
    if pitch is None:
        return gap <= WRAP_GAP * size
    return distance <= pitch + BLOCK_GAP * size


def _caption_at_page_foot(reader: PageReader, h: Header, lines: list[Line]) -> list[Token]:
    """A title left alone at the foot of the page before (not the wrapped end of a row just above it)."""
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        near_row = any(reader.roles.get(id(t)) in (Kind.VALUE, Kind.LABEL) for ln in lines[max(0, i - 2):i]
                       if line.box.top - ln.box.bottom <= LINE_GAP * line.size for t in ln.tokens)
        if all(reader.roles.get(id(t)) is Kind.FURNITURE for t in line.tokens):
            continue
        starts = [t for t in line.tokens if h.left - EDGE * h.size <= t.box.x0 < h.cols[0].x0]
        if not starts:
            continue
        toks = [starts[0]] + run_after(line, starts[0])
        if starts_footnote(reader, toks):
            continue
        return [] if near_row or any(id(t) in reader.roles for t in toks) else toks
    return []
