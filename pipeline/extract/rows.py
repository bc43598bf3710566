"""Rows: a line whose tokens under a header's years are all numbers, one per column; its label is the text
to the left, in the table's label column. Wrapped label and title lines (text alone in the label column)
go to the nearest row or to the title, ties upwards. Rows above the first header of a page continue the
last table of the page before (page flow)."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pipeline.extract.geometry import (
    LABEL_WRAP_GAP,
    ROW_FLOW_REACH,
    SAME_SIZE,
    TIE,
    line_runs,
    overlaps_vertically,
)
from pipeline.extract.headers import Header, active_headers, reading_order
from pipeline.extract.notes import starts_footnote
from pipeline.extract.titles import over_labels
from pipeline.extract.words import Line
from pipeline.extract.wraps import TITLE, Slot, TitleWrap, decide, title_hint, title_shares, years_places
from pipeline.model import Kind, Token
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
    unclear: tuple[str, ...] = ()  # wrapped labels the evidence cannot split: the conventions left (wraps)
    # its label column's line pitch (``line_pitch``): a wrapped title's lines stand so far apart
    pitch: float | None = None


def read_rows(reader: PageReader) -> None:
    """Claims the numbers under a header's years as ``VALUE`` and the text of their line in the label
    column as ``LABEL``; sets ``reader.tables`` (one per header). Relies on the headers, the label columns
    and everything claimed before: a rank, a year or furniture standing in a row's line is not a value."""
    reader.tables = assign_rows(reader, reader.headers, reader.page_lines)
    for table in reader.tables:
        table.pitch = line_pitch(table, reader.page_lines)
    release = release_pitch([t.pitch for t in reader.tables])
    for table in reader.tables:
        if not table.rows:  # a head without rows (repeated at the top of a page): set as the release sets its
            table.pitch = release  # tables, its wrapped title's lines as far apart as theirs
    reader.body_size = body_sizes(reader.tables)


def read_fragments(reader: PageReader) -> None:
    """Claims the lines alone in a label column as ``TITLE`` or ``LABEL`` (wrapped titles and labels): a
    line in the title's type (not the labels') continues the title; the others are split into one block per
    row as ``wraps`` reads them, the table's convention decided from all its lines, a title's share of the
    lines under its years' line from where the release's titles show their years stand. Relies on the rows
    and the titles (the blocks are built around their lines)."""
    segments = [table_segments(reader, table, reader.page_lines) for table in reader.tables]
    hints = [title_hint(*title_sides(table)) for table in reader.tables]
    titles = [next((seg.title for seg in segs if seg.title), None) for segs in segments]
    places = years_places([t for t in titles if t])
    decisions = decide([[(seg.slots, seg.title_above) for seg in segs] for segs in segments], hints,
                       [title_shares(t, places) for t in titles])
    for table, segs, decision in zip(reader.tables, segments, decisions):
        table.unclear = decision.unclear
        for seg, reading in zip(segs, decision.readings):
            apply_reading(reader, table, seg, reading)
        table.title_lines.sort(key=lambda ln: ln.box.top)


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
                if None in cols or len(set(cols)) != len(cols) or _ends_a_sentence(h, line, toks, cols):
                    continue
                label = [t for t in reader.free(line) if h.in_label_column(t.box)]
                reader.claim(toks, Kind.VALUE)
                reader.claim(label, Kind.LABEL)
                tables[id(h)].rows.append(FoundRow(line, label, dict(zip(cols, toks))))
    return list(tables.values())


def _ends_a_sentence(h: Header, line: Line, toks: list[Token], cols: list[int]) -> bool:
    """Numbers under only some of a header's years that run on from the words at their left, parted by no
    more than a word's gap (``line_runs``): the end of a sentence (a footnote's ``sporen 1, 2 & 4``)
    reaching under the years, not a row's values, which stand in their columns apart from the label."""
    if len(set(cols)) == len(h.cols):
        return False
    run = next(r for r in line_runs(line.tokens) if any(t is toks[0] for t in r))
    return any(not h.in_value_span(t.box) for t in run)


def line_pitch(table: FoundTable, page_lines) -> float | None:
    """The table's line pitch as a person sees it, whatever its leading: the least distance between the
    baselines of two consecutive lines of text in its label column (title and labels), from its years' line
    (or, on a page it flows onto, its first row) to its last row; None with fewer than two such lines. The
    lines of one wrapped title or label stand this far apart (a rule or a padded grid only sets rows further
    apart; years or values between two lines of their title or label stand half as far from either)."""
    h = table.header
    pitches = []
    for page in sorted({r.line.box.page for r in table.rows}):
        rows = [r.line for r in table.rows if r.line.box.page == page]
        top = h.line.box.top if page == h.page else min(ln.box.top for ln in rows)
        end = max(ln.box.bottom for ln in rows)
        label_lines = [Line(tuple(toks)) for ln in page_lines[page - 1] if top <= ln.box.top and ln.box.bottom <= end
                       and (toks := [t for t in ln.tokens if h.in_label_column(t.box)])]
        pitches.append(label_pitch(label_lines))
    return min((p for p in pitches if p is not None), default=None)


@dataclass
class Segment:
    """The label-column lines of one page of a table, as ``wraps`` reads them: per slot, the fragment line
    to attach (None for a value line or the title's years' line)."""

    rows: list[FoundRow]
    slots: list[Slot]
    lines: list[Line | None]
    title_above: int = 0
    title: TitleWrap | None = None  # on the header's page, its years' line holding some of the title


def table_segments(reader: PageReader, table: FoundTable, page_lines) -> list[Segment]:
    """Per page of the table: its title's years' line (on the header's page), its value lines and the free
    lines in its label column between and after them. A line in the title's type (and not the labels')
    goes to the title at once."""
    h = table.header
    title_fonts = {t.font for ln in table.title_lines for t in ln.tokens}
    label_fonts = {t.font for r in table.rows for t in r.label_tokens} \
        or {t.font for r in table.rows for t in r.cells.values()}  # labels all off their values' line
    typed = bool(title_fonts and label_fonts and not title_fonts & label_fonts)
    rows_by_page: dict[int, list[FoundRow]] = {}
    for r in table.rows:
        rows_by_page.setdefault(r.line.box.page, []).append(r)
    out = []
    for page, rows in rows_by_page.items():
        rows.sort(key=lambda r: r.line.box.top)
        items: list[tuple[Slot, Line | None]] = []
        above = 0
        if page == h.page:
            on_band = [ln for ln in table.title_lines if overlaps_vertically(ln.box, *h.band)]
            above, below = title_sides(table)
            # the title's line at its years: its lowest line beside them (years between two of its lines)
            bottom = max([h.band[1], *(ln.box.bottom for ln in on_band)])
            items.append((Slot(bottom, h.size, " ".join(ln.text for ln in on_band), TITLE), None))
            above -= below
        items += [(Slot(r.line.box.bottom, _size(r.line.tokens), Line(tuple(r.label_tokens)).text
                        if r.label_tokens else "", i), None) for i, r in enumerate(rows)]
        for toks in _fragment_lines(reader, table, page_lines[page - 1], rows, page == h.page):
            fonts = {t.font for t in toks}
            line = Line(tuple(toks))
            if typed and fonts <= title_fonts:
                table.title_lines.append(line)
                reader.claim(toks, Kind.TITLE)
                continue
            items.append((Slot(line.box.bottom, _size(toks), line.text, None, typed and fonts <= label_fonts,
                               line.box.top > rows[-1].line.box.bottom), line))
        items.sort(key=lambda it: it[0].bottom)
        slots = [it[0] for it in items]
        title = title_wrap(table, slots) if page == h.page else None
        out.append(Segment(rows, slots, [it[1] for it in items], above, title))
    return out


def title_wrap(table: FoundTable, slots: list[Slot]) -> TitleWrap | None:
    """How the table's title stands around its years' line (``slots``: its header page's): its lines above
    and below it so far, whether the years stand between two of its lines (``years_between``), and the lines
    left between the years' line and the first row's values. None when no line of the title stands beside
    the years."""
    at = next(i for i, s in enumerate(slots) if s.row == TITLE)
    if not slots[at].text:
        return None
    h = table.header
    above, below = title_sides(table)
    beside = [ln.box.ymid for ln in table.title_lines if overlaps_vertically(ln.box, *h.band)]
    between = years_between((h.band[0] + h.band[1]) / 2, beside)
    free = next((i for i, s in enumerate(slots[at + 1:]) if s.row is not None), len(slots) - at - 1)
    return TitleWrap(above, below, between, free)


def years_between(mid: float, beside: list[float]) -> bool:
    """Whether years whose middle stands at ``mid`` stand between two lines of their title (the middles of
    its lines beside them): nearer the midpoint of two consecutive lines, one above, one below, than either
    line (on a line, even of a larger type, they stand nearer that line)."""
    ups, downs = [m for m in beside if m <= mid], [m for m in beside if m > mid]
    if not ups or not downs:
        return False
    a, b = max(ups), min(downs)
    return abs(mid - (a + b) / 2) < min(mid - a, b - mid)


def _fragment_lines(reader: PageReader, table: FoundTable, lines: list[Line], rows: list[FoundRow],
                    header_page: bool) -> list[list[Token]]:
    """The free label-column tokens of each line alone in the label column: from the header (or, on a page
    the table flows onto, just above its first row) to the last row, then the lines directly below it in
    the same type, down to the first that is not: a footnote, or a line of text that starts left of the
    label column (a footnote under a table beside a panel) ends the table, and nothing below it goes on
    with its last label. Each line below goes on from the lowest line taken: a label wrapped around its
    values (between two of its lines) has lines below its values' line, each a line pitch under the last."""
    h, first, last = table.header, rows[0], rows[-1]
    lo = h.band[1] if header_page else flowed_top(reader, h, lines, first)
    hi = last.line.box.bottom
    size = _size(last.line.tokens)
    labels_x = min((t.box.x0 for r in rows for t in r.label_tokens), default=None)
    out = []
    for line in sorted(lines, key=lambda ln: ln.box.top):
        free = reader.free(line)
        toks = [t for t in free if h.in_label_column(t.box)]
        if not toks or any(h.in_value_span(t.box) for t in free) or line.box.top < lo:
            continue
        if line.box.top <= hi:  # among its rows: a run ending a column gap before the labels start stands in a
            toks = over_labels(toks, labels_x)  # column of its own (a neighbour's panel title repeated with
            if not toks:  # its header, right of the neighbour's years), no line of this table's
                continue
        else:
            run = next(r for r in line_runs(free) if any(t is toks[0] for t in r))
            pitch = label_pitch([r.line for r in rows if r.label_tokens] + [Line(tuple(t)) for t in out]) \
                or table.pitch  # a single row's: from its title's line to it
            adjacent = line.box.top - hi <= LABEL_WRAP_GAP * size \
                or pitch is not None and line.box.bottom - hi <= pitch + TIE * size
            if not adjacent or not _same_style(toks, last.label_tokens or last.line.tokens) \
                    or run[0] is not toks[0] or starts_footnote(reader, toks):
                break
        hi = max(hi, line.box.bottom)  # a label line below its values' line: the next goes on from it
        out.append(toks)
    return out


def flowed_top(reader: PageReader, h: Header, lines: list[Line], first: FoundRow) -> float:
    """On a page a table flows onto (no header above its rows): how high its label column reaches above its
    first row. A line alone in the label column within ``ROW_FLOW_REACH`` above the first row is its own, and
    so is each line in the labels' type standing as close above one taken (a label wrapped over several
    lines whose values stand on its last line); text further up, or set apart, is not the table's."""
    top, below = first.line.box.top, first.label_tokens or first.line.tokens
    for line in sorted((ln for ln in lines if ln.box.top < first.line.box.top), key=lambda ln: -ln.box.top):
        free = reader.free(line)
        toks = [t for t in free if h.in_label_column(t.box)]
        if any(h.in_value_span(t.box) for t in free):
            break
        if not toks:
            continue
        if line.box.bottom <= top - ROW_FLOW_REACH * _size(below) \
                or top < first.line.box.top and not _same_style(toks, below):
            break
        top, below = line.box.top, toks
    return top


def release_pitch(pitches: list[float | None]) -> float | None:
    """The release's line pitch: the least of its tables' (one leading for all; rules or a padded grid
    only set rows further apart, and a wrapped title or label shows the leading itself). None when no
    table has one."""
    return min((p for p in pitches if p is not None), default=None)


def label_pitch(lines: list[Line]) -> float | None:
    """The line pitch of a table's label column: the least distance between the baselines of two of its
    lines (a wrapped label's lines stand that close; loose leading sets them further apart than
    ``LABEL_WRAP_GAP``). None with fewer than two lines."""
    bottoms = sorted(ln.box.bottom for ln in lines)
    gaps = [b - a for a, b in zip(bottoms, bottoms[1:]) if b - a > 0]
    return min(gaps) if gaps else None


def apply_reading(reader: PageReader, table: FoundTable, seg: Segment, reading) -> None:
    """Each fragment line to the title or the row its block belongs to."""
    for line, owner in zip(seg.lines, reading.owners):
        if line is None or owner is None:
            continue
        if owner == TITLE:
            table.title_lines.append(line)
            reader.claim(line.tokens, Kind.TITLE)
        else:
            seg.rows[owner].extra.append(line)
            reader.claim(line.tokens, Kind.LABEL)


def title_sides(table: FoundTable) -> tuple[int, int]:
    """How many lines of the title stand above its years' line, and how many below."""
    top, bottom = table.header.band
    return (sum(ln.box.bottom <= top for ln in table.title_lines),
            sum(ln.box.top >= bottom for ln in table.title_lines))


def _size(tokens) -> float:
    return statistics.median(t.size for t in tokens)


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
