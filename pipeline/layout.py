"""Lines of every page -> the release as a reader sees it: tables, panels, footnotes, and the numbers audit.

The page is read the way a person reads it, from geometry and typography only:

* a **year header** is three consecutive years, newest first, side by side on one line; its three year
  tokens are the value columns of a table;
* a **row** is a line whose tokens under those columns are all numbers, one per column; its label is the
  text to the left, in the table's label column; wrapped label and title lines go to the nearest row (or
  the title), ties upwards;
* a **title** is the label-column text on the header's line, or on lines that overlap it vertically;
* a **panel** is a column of ranks ``1.``, ``2.``, ``3.`` with a name after each; its title is the line
  just above the first rank; a heading matching ``schemas/layout.yaml`` gives its year;
* a **footnote text** is a free line that starts with a footnote id and goes on with text;
* a **section heading** is a free line printed larger than the table text;
* rows above the first header of a page continue the last table of the page before (page flow).

Every token with a digit ends up with a role (``Kind``); one without is unaccounted (the numbers audit).
"""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field

from pipeline.model import (
    AuditEntry,
    Box,
    Cell,
    Kind,
    PanelEntry,
    RawFootnote,
    RawPanel,
    RawRelease,
    RawRow,
    RawTable,
    Token,
)
from pipeline.schemas import Layout
from pipeline.words import Line, attach_markers, join_text, tokens_to_lines

VALUE_TEXT = re.compile(r"^(?:[-–—]|\d{1,3}(?:\.\d{3})+|\d+)(?:[\s\u00a0\u202f]?%)?$")
YEAR_TEXT = re.compile(r"^(19|20)\d\d$")
RANK_TEXT = re.compile(r"^([1-9])\.$")
INT_TEXT = re.compile(r"^\d{1,2}$")
FOOTNOTE_ID = re.compile(r"^(\d{1,2})[.)]?$")
HAS_DIGIT = re.compile(r"\d")


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
        pad = 0.5 * self.size
        return box.x1 > self.cols[0].x0 - pad and box.x0 < self.cols[-1].x1 + pad

    def in_label_column(self, box: Box) -> bool:
        return box.x0 >= self.left - 0.5 and box.x1 <= self.cols[0].x0 + 0.5 * self.size


@dataclass
class _Row:
    line: Line
    label_tokens: list[Token]
    cells: dict[int, Token]
    extra: list[Line] = field(default_factory=list)


@dataclass
class _Table:
    header: Header
    title_lines: list[Line]
    rows: list[_Row] = field(default_factory=list)


class PageReader:
    """Holds the roles given so far; the stage functions below fill it page by page."""

    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.roles: dict[int, Kind] = {}
        self.tokens: list[Token] = []
        self.suffix: dict[int, list[Token]] = {}
        self.prefix: dict[int, list[Token]] = {}

    def claim(self, tokens, kind: Kind) -> None:
        for t in tokens:
            self.roles[id(t)] = kind
            for m in self.suffix.get(id(t), []) + self.prefix.get(id(t), []):
                self.roles[id(m)] = Kind.MARKER if kind is not Kind.FOOTNOTE else Kind.FOOTNOTE

    def free(self, line: Line) -> list[Token]:
        return self.unclaimed(line.tokens)

    def unclaimed(self, tokens) -> list[Token]:
        return [t for t in tokens if id(t) not in self.roles]

    def markers_of(self, tokens) -> tuple[str, ...]:
        ids = []
        for t in tokens:
            ids += [m.text for m in self.suffix.get(id(t), ())]
        return tuple(i for part in ids for i in re.split(r"[,;]", part))


def read_release(source: str, pages: list[list[Token]], layout: Layout) -> RawRelease:
    """All pages' tokens -> a ``RawRelease`` with an audit entry for every token that holds a digit."""
    reader = PageReader(layout)
    page_lines: list[list[Line]] = []
    for tokens in pages:
        reader.tokens += tokens
        suffix, prefix, _orphans = attach_markers(tokens)
        reader.suffix.update(suffix)
        reader.prefix.update(prefix)
        reader.claim([t for t in tokens if not t.upright], Kind.FURNITURE)
        page_lines.append(tokens_to_lines(tokens))

    title, title_year = find_furniture(reader, page_lines)
    headers = [h for lines in page_lines for h in find_headers(reader, lines)]
    panels = [p for i, lines in enumerate(page_lines)
              for p in find_panels(reader, lines, page_lines[i - 1] if i else [],
                                   page_lines[i + 1] if i + 1 < len(page_lines) else [])]
    claim_panel_headings(reader, page_lines)
    set_label_columns(headers, reader, page_lines)
    tables = assign_rows(reader, headers, page_lines)
    marker_ids = {m.text for ms in reader.suffix.values() for m in ms}
    body = _body_sizes(tables)
    footnotes = find_footnotes(reader, page_lines, marker_ids, body)
    sections = find_sections(reader, page_lines, body)

    years = tuple(sorted({y for h in headers for y in h.years}, reverse=True))
    release_year = max(years) if years else (title_year or 0)
    raw_tables = tuple(to_raw_table(reader, t, sections) for t in merge_continued(tables))
    audit = tuple(
        AuditEntry(t.text, reader.roles.get(id(t), Kind.UNACCOUNTED), t.box)
        for t in reader.tokens if id(t) in reader.roles or HAS_DIGIT.search(t.text)
    )
    return RawRelease(
        source=source, title=title, release_year=release_year,
        years=tuple(years[:3]) if years else (),
        tables=raw_tables, panels=tuple(panels), footnotes=tuple(footnotes), audit=audit,
        page_count=len(pages),
    )


# --- furniture -------------------------------------------------------------------------------------

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
            if gap >= 0.8 * line.size and not _has_year_header(line) and not _value_row(line):
                candidates.setdefault(re.sub(r"\d+", "#", line.text), []).append(line)
    found = []
    for lines in candidates.values():
        middle = statistics.median(ln.box.top for ln in lines)
        same_height = [ln for ln in lines if abs(ln.box.top - middle) <= 3]
        if len({ln.box.page for ln in same_height}) >= 2:
            found += same_height
    return found


def _has_year_header(line: Line) -> bool:
    texts = [t.text for t in line.tokens]
    return any(all(YEAR_TEXT.match(x) for x in texts[i:i + 3]) and len(texts[i:i + 3]) == 3
               for i in range(len(texts)))


def _value_row(line: Line) -> bool:
    """A label followed by numbers: a table row, never furniture (even when repeated)."""
    return sum(1 for t in line.tokens if VALUE_TEXT.match(t.text) and t.text[0].isdigit()) >= 3


# --- headers ---------------------------------------------------------------------------------------

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
            i += 1
    return headers


def set_label_columns(headers: list[Header], reader: PageReader, page_lines) -> None:
    """Side by side: a table's label column starts after whatever belongs to its left neighbour."""
    for h in headers:
        lefts = [o.cols[-1].x1 for o in headers
                 if o is not h and o.page == h.page and o.line is h.line and o.cols[-1].x1 < h.cols[0].x0]
        lefts += [t.box.x1 for t in h.line.tokens
                  if reader.roles.get(id(t)) in (Kind.PANEL_TITLE, Kind.PANEL_HEADING, Kind.PANEL, Kind.RANK)
                  and t.box.x1 < h.cols[0].x0]
        h.left = max(lefts) if lefts else float("-inf")


# --- panels ----------------------------------------------------------------------------------------

def find_panels(reader: PageReader, lines: list[Line], previous_page: list[Line],
                next_page: list[Line]) -> list[RawPanel]:
    """Ranks 1., 2., 3. stacked at one x (the 3. may open the next page); names after them; the title
    just above (at the foot of the page before when the panel starts a page); the heading above that."""
    ranks = [(li, t) for li, line in enumerate(lines) for t in line.tokens
             if RANK_TEXT.match(t.text) and id(t) not in reader.roles]
    panels = []
    for li, first in ranks:
        if first.text != "1.":
            continue
        chain = [(li, first)]
        for want in ("2.", "3.", "4."):
            prev_li, prev = chain[-1]
            nxt = [(lj, t) for lj, t in ranks if t.text == want and lj > prev_li
                   and abs(t.box.x0 - prev.box.x0) <= 0.8 * t.size
                   and 0 < t.box.top - prev.box.top <= 4 * t.size]
            if not nxt:
                break
            chain.append(min(nxt, key=lambda x: x[1].box.top))
        carried = _third_rank_on_next_page(reader, lines, chain, next_page) if len(chain) == 2 else None
        if len(chain) + (carried is not None) != 3:
            continue  # fewer: not ranks; a 4. below: a numbered list (footnotes), not a top 3
        pairs = list(zip((rank for _, rank in chain), _entry_names(reader, lines, chain)))
        if carried is not None:
            lj, rank = carried
            pairs.append((rank, _run_after(next_page[lj], rank, first_gap=4.0)))
        entries = []
        for rank, name in pairs:
            reader.claim([rank], Kind.RANK)
            reader.claim(name, Kind.PANEL)
            box = rank.box
            for t in name:
                box = box.union(t.box)
            entries.append(PanelEntry(int(rank.text[0]), join_text(name), box))
        title_tokens, title_li = _panel_title(reader, lines, li, first)
        if not title_tokens and not any(_panel_run(ln, first) for ln in lines[:li]):
            title_tokens = _title_at_page_foot(reader, previous_page, first)
        reader.claim(title_tokens, Kind.PANEL_TITLE)
        year = _panel_heading_year(reader, lines, title_li if title_li is not None else li, first)
        box = entries[0].box
        for b in [e.box for e in entries[1:]] + [t.box for t in title_tokens]:
            box = box.union(b) if b.page == box.page else box
        panels.append(RawPanel(join_text(title_tokens), year, tuple(entries), box))
    return panels


def _third_rank_on_next_page(reader: PageReader, lines: list[Line], chain, next_page: list[Line]):
    """A panel broken by a page after its second rank: the ``3.`` that opens its column on the next page
    (as ``(line index, token)``), when nothing follows the ``2.`` in that column on this page."""
    _, second = chain[-1]

    def column(line: Line) -> list[Token]:
        return reader.unclaimed(_run_from(line, second.box.x0, second.size))

    if any(line.box.top > second.box.bottom and column(line) for line in lines):
        return None
    for lj, line in enumerate(next_page):
        run = column(line)
        if run:
            return (lj, run[0]) if run[0].text == "3." else None
    return None


def _entry_names(reader: PageReader, lines: list[Line], chain) -> list[list[Token]]:
    """Each rank's name: the run after it on its line, and the lines of the name column just around it
    (a name wrapped in a narrow panel, its lines aligned to the rank's top or middle)."""
    names = [_run_after(lines[lj], rank, first_gap=4.0) for lj, rank in chain]
    starts = [n[0].box.x0 for n in names if n]
    if not starts:
        return names
    x_name, size = min(starts), chain[0][1].size
    mids = [rank.box.ymid for _, rank in chain]
    rank_lines = {lj for lj, _ in chain}
    for lj in range(max(0, chain[0][0] - 2), min(len(lines), chain[-1][0] + 3)):
        line = lines[lj]
        # a name's other line: between the ranks, half a line above the first, or a line below the last
        if lj in rank_lines or not mids[0] - 0.8 * size <= line.box.ymid <= mids[-1] + 1.3 * size:
            continue
        run = reader.unclaimed(_run_from(line, x_name, size))
        if run and abs(run[0].box.x0 - x_name) <= 0.5 * size:
            names[min(range(len(mids)), key=lambda k: abs(mids[k] - line.box.ymid))] += run
    return [sorted(n, key=lambda t: (round(t.box.top), t.box.x0)) for n in names]


def _run_after(line: Line, start: Token, first_gap: float = 1.2) -> list[Token]:
    """The tokens after ``start`` on its line, until a gap wider than a column gap (``first_gap`` font
    sizes for the first one: a rank and its name may stand in two spreadsheet columns)."""
    run, prev = [], start
    for t in line.tokens:
        if t.box.x0 <= start.box.x0:
            continue
        if t.box.x0 - prev.box.x1 > (first_gap if not run else 1.2) * t.size:
            break
        run.append(t)
        prev = t
    return run


def _run_from(line: Line, x0: float, size: float) -> list[Token]:
    """The contiguous tokens of a line that start at ``x0``."""
    starts = [t for t in line.tokens if abs(t.box.x0 - x0) <= 1.0 * size]
    if not starts:
        return []
    first = starts[0]
    return [first] + _run_after(line, first)


def _panel_run(line: Line, rank: Token) -> list[Token]:
    """The line's run in the column of a panel whose first rank is ``rank``: starting at the rank, or up to
    three font sizes left of it (ranks indented as list markers, or right-aligned in a column of their
    own), and reaching over the rank (not a table cell that ends before the panel)."""
    for t in line.tokens:
        if rank.box.x0 - 3.0 * rank.size <= t.box.x0 <= rank.box.x0 + rank.size:
            run = [t] + _run_after(line, t)
            if run[-1].box.x1 > rank.box.x0:
                return run
    return []


def _panel_title(reader, lines, li, first) -> tuple[list[Token], int | None]:
    for lj in range(li - 1, -1, -1):
        line = lines[lj]
        if first.box.top - line.box.bottom > 6 * first.size:
            break
        run = _panel_run(line, first)
        if run and (id(run[0]) in reader.roles or RANK_TEXT.match(run[0].text)):
            break  # an earlier panel or another item stands in between: this panel has no title
        if run:
            if reader.layout.panel_heading.match(" ".join(t.text for t in run)):
                return [], None
            return _title_lines_above(reader, lines, lj, first, run) + run, lj
    return [], None


def _title_lines_above(reader, lines, lj, first, run) -> list[Token]:
    """A title wrapped in a narrow panel: the lines just above its last one, in the panel's column, in
    the same font and with no gap between them (not the panel heading)."""
    def heading(lk: int) -> bool:
        text = " ".join(t.text for t in _panel_run(lines[lk], first)) if lk >= 0 else ""
        return bool(reader.layout.panel_heading.match(text))

    above: list[Token] = []
    top = run[0]
    for lk in range(lj - 1, max(-1, lj - 3), -1):
        more = _panel_run(lines[lk], first)
        if not more or any(id(t) in reader.roles for t in more) or more[0].style != top.style \
                or top.box.top - more[-1].box.bottom > 0.5 * top.size \
                or heading(lk) or heading(lk - 1) or any(YEAR_TEXT.match(t.text) for t in more):
            break  # not the title's: the heading, or its last line ("aanvragen 2023")
        above = more + above
        top = more[0]
    return above


def claim_panel_headings(reader: PageReader, page_lines) -> None:
    """A panel heading left apart from its panel (e.g. at the foot of a page): still a heading, with the
    line that continues it (``aanvragen 2023``)."""
    for p, lines in enumerate(page_lines):
        for i, line in enumerate(lines):
            for t in reader.free(line):
                run = [t] + _run_after(line, t)
                if not reader.layout.panel_heading.match(" ".join(x.text for x in run)):
                    continue
                reader.claim(run, Kind.PANEL_HEADING)
                reader.claim(_heading_continuation(reader, page_lines, p, i, t), Kind.PANEL_HEADING)
                break


def _heading_continuation(reader: PageReader, page_lines, p: int, i: int, t: Token) -> list[Token]:
    """The rest of a wrapped panel heading (``nationaliteiten`` | ``aanvragen 2023``): up to three short
    lines of its column, each close below the last (other columns' lines may stand between; a heading
    that ends its page goes on at the top of the next), down to the one holding the year."""
    def column(lines: list[Line]) -> list[tuple[Line, list[Token]]]:
        return [(ln, run) for ln in lines if (run := _run_from(ln, t.box.x0, t.size))]

    lines, found, last = page_lines[p], [], page_lines[p][i]
    below = column(lines[i + 1:])
    if not below and i + 1 == len(lines) and p + 1 < len(page_lines):
        below, last = column(page_lines[p + 1]), None
    for ln, run in below[:3]:
        if last is not None and ln.box.top - last.box.bottom > 0.8 * t.size:
            break
        more = reader.unclaimed(run)
        if not more or len(more) > 3:
            break
        found += more
        if any(YEAR_TEXT.match(x.text) for x in more):
            return found
        last = ln
    return []


def _title_at_page_foot(reader: PageReader, lines: list[Line], first: Token) -> list[Token]:
    """A panel broken by a page: its title is the last line of the page before, in the same column."""
    for line in reversed(lines):
        run = _panel_run(line, first)
        if run:
            if any(id(t) in reader.roles for t in run) or RANK_TEXT.match(run[0].text) \
                    or reader.layout.panel_heading.match(" ".join(t.text for t in run)):
                return []
            return run
    return []


def _panel_heading_year(reader, lines, li, first) -> int | None:
    """The year in the nearest panel heading above, in the panel's column (heading may wrap)."""
    for lj in range(li - 1, -1, -1):
        run = _panel_run(lines[lj], first)
        text = " ".join(t.text for t in run)
        if run and reader.layout.panel_heading.match(text):
            block = [run]  # and the lines of the panel's column below it, down to the panel's title
            for nxt in range(lj + 1, li):
                more = reader.unclaimed(_panel_run(lines[nxt], first))
                if more:
                    block.append(more)
            tokens = [t for part in block for t in part]
            reader.claim(tokens, Kind.PANEL_HEADING)
            years = [int(t.text) for t in tokens if YEAR_TEXT.match(t.text)]
            return years[0] if years else None
        if run and RANK_TEXT.match(run[0].text):
            return None  # an earlier panel stands between: no heading of our own
    return None


# --- rows ------------------------------------------------------------------------------------------

def assign_rows(reader: PageReader, headers: list[Header], page_lines) -> list[_Table]:
    tables = {id(h): _Table(h, []) for h in headers}
    ordered = sorted(headers, key=lambda h: (h.page, h.band[0], h.cols[0].x0))
    for lines in page_lines:
        for line in lines:
            if not line.tokens:
                continue
            page = line.tokens[0].box.page
            for h in _active_headers(ordered, page, line):
                toks = [t for t in reader.free(line) if h.in_value_span(t.box)]
                if not toks or not all(VALUE_TEXT.match(t.text) for t in toks):
                    continue
                cols = [h.column_of(t.box) for t in toks]
                if None in cols or len(set(cols)) != len(cols):
                    continue
                label = [t for t in reader.free(line) if h.in_label_column(t.box)]
                reader.claim(toks, Kind.VALUE)
                reader.claim(label, Kind.LABEL)
                tables[id(h)].rows.append(_Row(line, label, dict(zip(cols, toks))))
    for h in headers:
        attach_titles(reader, tables[id(h)], page_lines)
    downward = bottom_aligned(list(tables.values()))
    for h in headers:
        attach_fragments(reader, tables[id(h)], page_lines, downward)
    return [tables[id(h)] for h in ordered]


def bottom_aligned(tables: list[_Table]) -> bool:
    """Whether wrapped cells sit on their last line (spreadsheet default): titles that wrap then start
    above the years' line rather than below it. Decides which row a wrapped label line between two rows
    belongs to."""
    above = below = 0
    for t in tables:
        h = t.header
        if not any(ln.box.top < h.band[1] and ln.box.bottom > h.band[0] for ln in t.title_lines):
            continue  # a caption above an untitled header says nothing about alignment
        above += any(ln.box.bottom < h.band[0] for ln in t.title_lines)
        below += any(ln.box.top > h.band[1] for ln in t.title_lines)
    return above > below


def _active_headers(ordered: list[Header], page: int, line: Line) -> list[Header]:
    """For each column set, the nearest header above the line (on this page, else the last one before)."""
    top = line.box.top
    chosen: list[Header] = []
    for h in reversed(ordered):
        if (h.page, h.band[1]) > (page, top + 0.5 * h.size) or (h.page == page and h.line is line):
            continue
        if any(_columns_overlap(h, c) for c in chosen):  # a nearer header above owns these columns
            continue
        chosen.append(h)
    return chosen


def _columns_overlap(a: Header, b: Header) -> bool:
    return a.cols[0].x0 < b.cols[-1].x1 and b.cols[0].x0 < a.cols[-1].x1


def attach_titles(reader: PageReader, table: _Table, page_lines) -> None:
    """Title text on the header line, on lines overlapping it, and just above it."""
    h = table.header
    lines = page_lines[h.page - 1]
    band_top, band_bottom = h.band
    title_tokens = [t for t in reader.free(h.line) if h.in_label_column(t.box)]
    table.title_lines = [Line(tuple(title_tokens))] if title_tokens else []
    reader.claim(title_tokens, Kind.TITLE)
    for line in lines:
        if line is h.line:
            continue
        toks = [t for t in reader.free(line) if h.in_label_column(t.box)]
        if toks and line.box.top < band_bottom and line.box.bottom > band_top:
            table.title_lines.append(Line(tuple(toks)))
            reader.claim(toks, Kind.TITLE)
    table.title_lines.sort(key=lambda ln: ln.box.top)
    previous_page = page_lines[h.page - 2] if h.page > 1 else []
    for toks in _caption_lines(reader, h, lines, [t for ln in table.title_lines for t in ln.tokens], previous_page):
        table.title_lines.insert(0, Line(tuple(toks)))
        reader.claim(toks, Kind.TITLE)


def attach_fragments(reader: PageReader, table: _Table, page_lines, downward: bool) -> None:
    """Wrapped title and label lines (text alone in the label column) to the title or the nearest row."""
    h = table.header
    band_top, band_bottom = h.band
    title_fonts = {t.font for ln in table.title_lines for t in ln.tokens}
    label_fonts = {t.font for r in table.rows for t in r.label_tokens}
    rows_by_page: dict[int, list[_Row]] = {}
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
            if page != h.page and line.box.bottom <= first_on_page.line.box.top - 1.5 * size \
                    and line.box.top < first_on_page.line.box.top:
                continue
            if line.box.top > hi:
                # after the last row: only a directly adjacent line in the same type continues its label
                if line.box.top - hi > 0.6 * size or not _same_style(toks, last.label_tokens or last.line.tokens):
                    continue
                if _starts_footnote(reader, toks):
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


def _caption_lines(reader: PageReader, h: Header, lines: list[Line], title_tokens: list[Token],
                   previous_page: list[Line]) -> list[list[Token]]:
    """Title text standing above the year header: a caption or heading over a header without a title
    (beside a floating panel, say), or the first half of a title whose second half shares the years' line.
    Nearest line first."""
    found: list[list[Token]] = []
    below = min([h.line.box.top, *(ln.box.top for ln in lines if ln.box.top < h.band[1] and ln.box.bottom > h.band[0])])
    above = [ln for ln in lines if ln.box.bottom <= below + 0.1 * h.size]
    for line in sorted(above, key=lambda ln: -ln.box.top):
        starts = [t for t in line.tokens if h.left - 0.5 <= t.box.x0 < h.cols[0].x0]
        gap = below - line.box.bottom
        if not starts:
            if title_tokens or found or gap > 8 * h.size:
                break
            continue  # nothing in the label column (a panel floating beside): look further up
        toks = [starts[0]] + _run_after(line, starts[0])
        if any(id(t) in reader.roles for t in toks):
            break  # the table above, or a panel: no caption here
        ref = title_tokens or (found[0] if found else toks)
        size = statistics.median(t.size for t in toks)
        same_type = abs(size - statistics.median(t.size for t in ref)) <= 0.12 * size
        if title_tokens:  # only the first half of a title: same type, right above it, wrapped (so it is wide)
            wide = toks[-1].box.x1 - toks[0].box.x0 >= 0.5 * (h.cols[0].x0 - toks[0].box.x0)
            if gap > 0.5 * size or not same_type or not wide or not {t.font for t in toks} <= {t.font for t in ref}:
                break
        elif found and (gap > 1.0 * size or not same_type):
            break
        found.append(toks)
        below = line.box.top
    else:
        if not title_tokens and not found:  # the title was left at the foot of the page before
            foot = _caption_at_page_foot(reader, h, previous_page)
            if foot:
                found.append(foot)
    return found


def _caption_at_page_foot(reader: PageReader, h: Header, lines: list[Line]) -> list[Token]:
    """A title left alone at the foot of the page before (not the wrapped end of a row just above it)."""
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i]
        near_row = any(reader.roles.get(id(t)) in (Kind.VALUE, Kind.LABEL) for ln in lines[max(0, i - 2):i]
                       if line.box.top - ln.box.bottom <= 0.8 * line.size for t in ln.tokens)
        if all(reader.roles.get(id(t)) is Kind.FURNITURE for t in line.tokens):
            continue
        starts = [t for t in line.tokens if h.left - 0.5 <= t.box.x0 < h.cols[0].x0]
        if not starts:
            continue
        toks = [starts[0]] + _run_after(line, starts[0])
        if _starts_footnote(reader, toks):
            continue
        return [] if near_row or any(id(t) in reader.roles for t in toks) else toks
    return []


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
        if distance(a) <= best + 0.15 * (box.bottom - box.top):
            return a[0], a[1]
    raise AssertionError("unreachable")


def _same_style(a: list[Token], b: list[Token]) -> bool:
    sa = statistics.median(t.size for t in a)
    sb = statistics.median(t.size for t in b)
    return abs(sa - sb) <= 0.1 * sb and {t.font for t in a} & {t.font for t in b}


def _starts_footnote(reader: PageReader, toks: list[Token]) -> bool:
    return bool(reader.prefix.get(id(toks[0]))) or (INT_TEXT.match(toks[0].text) is not None and len(toks) > 1)


# --- footnotes and sections ------------------------------------------------------------------------

def find_footnotes(reader: PageReader, page_lines, marker_ids: set[str],
                   body_size: dict[int, float]) -> list[RawFootnote]:
    """Free lines starting with a footnote id (``1``, ``1.``, ``1)`` or a raised ``1``), no larger than the
    table text (a numbered section heading is not a footnote), with the lines that directly continue them."""
    notes: list[RawFootnote] = []
    for lines in page_lines:
        current: list[Token] | None = None
        current_id = ""
        prev_line: Line | None = None
        for line in lines:
            toks = reader.free(line)
            if not toks:
                continue
            prefix = reader.prefix.get(id(toks[0]), [])
            plain = FOOTNOTE_ID.match(toks[0].text)
            fid = prefix[0].text if prefix else (plain.group(1) if plain else None)
            small = statistics.median(t.size for t in toks) <= 1.1 * body_size.get(line.box.page,
                                                                                   body_size.get(0, 1e9))
            starts = fid is not None and (prefix or fid in marker_ids) and len(toks) > (0 if prefix else 1) and small
            if starts:
                if current:
                    notes.append(_footnote(current_id, current))
                current_id = fid
                body = toks if prefix else toks[1:]
                reader.claim(toks, Kind.FOOTNOTE)
                for m in prefix:
                    reader.roles[id(m)] = Kind.FOOTNOTE
                current, prev_line = list(body), line
                continue
            if current and prev_line is not None and line.box.top - prev_line.box.bottom <= 0.8 * line.size \
                    and abs(line.size - prev_line.size) <= 0.15 * prev_line.size \
                    and toks[0].box.x0 >= current[0].box.x0 - 2 * line.size:
                reader.claim(toks, Kind.FOOTNOTE)
                current += toks
                prev_line = line
                continue
            if current:
                notes.append(_footnote(current_id, current))
                current, prev_line = None, None
        if current:
            notes.append(_footnote(current_id, current))
    return notes


def _footnote(fid: str, tokens: list[Token]) -> RawFootnote:
    box = tokens[0].box
    for t in tokens[1:]:
        box = box.union(t.box) if t.box.page == box.page else box
    return RawFootnote(fid, join_text(tokens), box)


def find_sections(reader: PageReader, page_lines, body: dict[int, float]) -> list[tuple[tuple, str]]:
    """Free lines printed larger than the table text of their page: (reading position, heading)."""
    out = []
    for lines in page_lines:
        for line in lines:
            toks = reader.free(line)
            size = body.get(line.box.page, body.get(0, 0.0))
            if toks and size and statistics.median(t.size for t in toks) >= 1.15 * size:
                reader.claim(toks, Kind.SECTION)
                b = line.box
                out.append(((b.page, b.top), " ".join(t.text for t in toks)))
    return out


def _body_sizes(tables: list[_Table]) -> dict[int, float]:
    """Median size of row labels per page (key 0: the whole release)."""
    by_page: dict[int, list[float]] = {}
    for tb in tables:
        for r in tb.rows:
            for t in r.label_tokens:
                by_page.setdefault(t.box.page, []).append(t.size)
                by_page.setdefault(0, []).append(t.size)
    return {p: statistics.median(v) for p, v in by_page.items()}


# --- assembling -----------------------------------------------------------------------------------

def merge_continued(tables: list[_Table]) -> list[_Table]:
    """A header repeated on a later page continues the table above it: same years and the same title,
    or no title at all when it is the first header of its page (a browser repeating a table's head)."""
    out: list[_Table] = []
    for t in tables:
        prev = next((o for o in reversed(out) if _columns_overlap(o.header, t.header)), None)
        first_on_page = prev is not None and prev.header.page < t.header.page
        if first_on_page and t.header.years == prev.header.years and _title(t) in (_title(prev), ""):
            prev.rows += t.rows
            continue
        out.append(t)
    return out


def _title(t: _Table) -> str:
    return " ".join(ln.text for ln in t.title_lines)


def to_raw_table(reader: PageReader, t: _Table, sections) -> RawTable:
    h = t.header
    title_tokens = [tok for ln in t.title_lines for tok in ln.tokens]
    pos = (h.page, h.band[0])
    section = ""
    for where, text in sections:
        if where <= pos:
            section = text
    rows = []
    for r in sorted(t.rows, key=lambda r: (r.line.box.page, r.line.box.top)):
        tokens = list(r.label_tokens) + [tok for ln in sorted(r.extra, key=lambda ln: ln.box.top) for tok in ln.tokens]
        tokens.sort(key=lambda tok: (tok.box.page, round(tok.box.top / max(tok.size, 1) * 2), tok.box.x0))
        cells = tuple(Cell(tok.text, h.years[c], tok.box) for c, tok in sorted(r.cells.items()))
        box = r.line.box
        for tok in tokens:
            box = box.union(tok.box) if tok.box.page == box.page else box
        rows.append(RawRow(join_text(tokens), reader.markers_of(tokens), cells, box))
    box = h.line.box
    return RawTable(
        title=reader.layout.caption_number.sub("", join_text(title_tokens), count=1),
        markers=reader.markers_of(title_tokens),
        years=h.years, section=section, rows=tuple(rows), box=box,
    )
