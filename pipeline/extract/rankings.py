"""The top-3 panels ("Top 3 nationaliteiten"): a column of ranks ``1.``, ``2.``, ``3.`` with a name after
each; its title is the line just above the first rank; a heading matching ``schemas/layout.yaml`` above
that gives its year. A panel may break across a page (its title at the foot of one page, or its ``2.`` and
``3.`` or its ``3.`` at the top of the next, under its title repeated with its table's header), wrap its
names and titles in a narrow column, or have its heading stand apart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.extract.geometry import (
    ALIGNED,
    LINE_GAP,
    NAME_ABOVE,
    NAME_ALIGNED,
    NAME_BELOW,
    PANEL_TITLE_REACH,
    RANK_ALIGNED,
    RANK_INDENT,
    RANK_NAME_GAP,
    RANK_STEP,
    WRAP_GAP,
    enclosing,
    line_runs,
    run_after,
    run_from,
)
from pipeline.extract.notes import starts_footnote
from pipeline.extract.words import RANK_TEXT, YEAR_TEXT, Line, join_text
from pipeline.model import Kind, Ranking, RankingEntry, Token

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader


def read_rankings(reader: PageReader) -> None:
    """Claims ranks (``RANK``), names (``PANEL``), panel titles (``PANEL_TITLE``) and the headings above
    them (``PANEL_HEADING``); sets ``reader.rankings``. Relies on furniture and year headers being claimed:
    the search for a panel's title stops at a claimed line. Runs before the rows: a panel's names on a row's
    line are not its label, and a panel beside a table bounds its label column."""
    pages = reader.page_lines
    reader.rankings = [p for i, lines in enumerate(pages)
                       for p in find_panels(reader, lines, pages[i - 1] if i else [],
                                            pages[i + 1] if i + 1 < len(pages) else [])]


def read_ranking_headings(reader: PageReader) -> None:
    """Claims the panel headings left apart from their panel as ``PANEL_HEADING``. Relies on the panels
    having claimed their own headings, so that only the stray ones are left."""
    claim_panel_headings(reader, reader.page_lines)


def find_panels(reader: PageReader, lines: list[Line], previous_page: list[Line],
                next_page: list[Line]) -> list[Ranking]:
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
                   and abs(t.box.x0 - prev.box.x0) <= RANK_ALIGNED * t.size
                   and 0 < t.box.top - prev.box.top
                   and (t.box.top - prev.box.top <= RANK_STEP * t.size
                        or on_the_lines_between(lines, prev_li, lj, prev, RANK_STEP))]
            if not nxt:
                break
            chain.append(min(nxt, key=lambda x: x[1].box.top))
        carried = _ranks_on_next_page(reader, lines, chain, next_page) if len(chain) < 3 else []
        if len(chain) + len(carried) != 3:
            continue  # fewer: not ranks; a 4. below: a numbered list (footnotes), not a top 3
        pairs = list(zip((rank for _, rank in chain), _entry_names(reader, lines, chain)))
        pairs += [(rank, run_after(next_page[lj], rank, first_gap=RANK_NAME_GAP)) for lj, rank in carried]
        entries = []
        for rank, name in pairs:
            reader.claim([rank], Kind.RANK)
            reader.claim(name, Kind.PANEL)
            box = enclosing([rank.box, *(t.box for t in name)])
            entries.append(RankingEntry(int(rank.text[0]), join_text(name), box))
        title_tokens, title_li = _panel_title(reader, lines, li, first)
        if not title_tokens and not any(_panel_run(reader, ln, first) for ln in lines[:li]):
            title_tokens = _title_at_page_foot(reader, previous_page, first)
        reader.claim(title_tokens, Kind.PANEL_TITLE)
        year = _panel_heading_year(reader, lines, title_li if title_li is not None else li, first)
        box = enclosing([*(e.box for e in entries), *(t.box for t in title_tokens)])
        panels.append(Ranking(join_text(title_tokens), year, tuple(entries), box))
    return panels


def on_the_lines_between(lines: list[Line], upper: int, lower: int, item: Token, reach: float) -> bool:
    """Two items of a panel's column (lines ``upper`` and ``lower``) stand one after the other on the lines of
    the page: nothing between them in the item's column, and no line between them further than ``reach``
    ems below the one above it. A panel printed on the lines of the table beside it (its title on the
    header's line, a rank on each row's first line) is spread by the table's wrapped title and labels."""
    between = lines[upper + 1:lower]
    if any(t.box.x1 > item.box.x0 and t.box.x0 < item.box.x1 for ln in between for t in ln.tokens):
        return False
    tops = [ln.box.top for ln in lines[upper:lower + 1]]
    return all(b - a <= reach * item.size for a, b in zip(tops, tops[1:]))


def _ranks_on_next_page(reader: PageReader, lines: list[Line], chain, next_page: list[Line]):
    """A panel broken by a page after its first or second rank: the ranks that open its column on the next
    page (as ``(line index, token)``), when its column holds nothing below its last rank on this page. What
    the table's header repeats above them is passed over: the panel's title (``_repeated_title``) and an
    entry that stood on the header's line. Below its last rank, only a run that starts in its column is
    the column's (``_column_start``): footnote text running across the page there is none, and the page's
    footnotes standing in its column are the foot of the page, not more of the panel."""
    li, first = chain[0]
    last = chain[-1][1]
    for line in lines:
        run = _column_start(reader, line, last) if line.box.top > last.box.bottom else []
        if run and starts_footnote(reader, run):
            break  # the foot of the page: its footnotes, below the broken panel
        if run:
            return []
    seen = _repeated_title(reader, lines, li, first)
    seen |= {_text(_column(reader, lines[lj], last)) for lj, _ in chain}
    want = [f"{k}." for k in range(len(chain) + 1, 4)]
    found: list[tuple[int, Token]] = []
    for lj, line in enumerate(next_page):
        run = _column(reader, line, last)
        if not run:
            continue
        if not found and _text(run) in seen:
            continue  # the panel's title, or an entry on the header's line, printed again with the header
        if run[0].text != want[len(found)]:
            return []
        found.append((lj, run[0]))
        if len(found) == len(want):
            return found
    return []


def _column(reader: PageReader, line: Line, rank: Token) -> list[Token]:
    """The free words of a line in a rank's column, from the one that starts at its x."""
    return reader.unclaimed(run_from(line, rank.box.x0, rank.size))


def _column_start(reader: PageReader, line: Line, rank: Token) -> list[Token]:
    """The free run of a line that starts at a rank's x (a gap before it, or the line's start); a word
    within a longer run that merely passes there is no item of the rank's column."""
    for run in line_runs(line.tokens):
        if abs(run[0].box.x0 - rank.box.x0) <= ALIGNED * rank.size:
            return reader.unclaimed(run)
    return []


def _text(run: list[Token]) -> str:
    return " ".join(t.text for t in run)


def _repeated_title(reader: PageReader, lines: list[Line], li: int, first: Token) -> set[str]:
    """The texts of the lines of a panel's title (above its first rank): the lines a header repeated on the
    next page carries again over the panel's column."""
    tokens, _ = _panel_title(reader, lines, li, first)
    ids = {id(t) for t in tokens}
    return {" ".join(t.text for t in line.tokens if id(t) in ids) for line in lines[:li]} - {""}


def _entry_names(reader: PageReader, lines: list[Line], chain) -> list[list[Token]]:
    """Each rank's name: the run after it on its line, and the lines of the name column just around it
    (a name wrapped in a narrow panel, its lines aligned to the rank's top or middle), read line by line,
    each line left to right (words of one line set a hair apart in height stay in their order)."""
    names = _before_next_column([run_after(lines[lj], rank, first_gap=RANK_NAME_GAP) for lj, rank in chain],
                                [lines[lj] for lj, _ in chain])
    starts = [n[0].box.x0 for n in names if n]
    if not starts:
        return names
    x_name, size = min(starts), chain[0][1].size
    mids = [rank.box.ymid for _, rank in chain]
    rank_lines = {lj for lj, _ in chain}
    for lj in range(max(0, chain[0][0] - 2), min(len(lines), chain[-1][0] + 3)):
        line = lines[lj]
        # a name's other line: between the ranks, half a line above the first, or a line below the last
        if lj in rank_lines or not mids[0] - NAME_ABOVE * size <= line.box.ymid <= mids[-1] + NAME_BELOW * size:
            continue
        run = reader.unclaimed(run_from(line, x_name, size))
        if run and abs(run[0].box.x0 - x_name) <= NAME_ALIGNED * size:
            names[min(range(len(mids)), key=lambda k: abs(mids[k] - line.box.ymid))] += run
    line_of = {id(t): lj for lj, line in enumerate(lines) for t in line.tokens}
    return [sorted(n, key=lambda t: (line_of[id(t)], t.box.x0)) for n in names]


def _before_next_column(names: list[list[Token]], lines: list[Line]) -> list[list[Token]]:
    """Each name cut where the column beside the panel starts: where the first word after another entry's
    name starts on its line (a table's labels, all starting at one x). A panel standing close to a table
    may leave a long name no wider a gap to the label on its line than a word's (``Amerikaans burger``
    | ``Beslissingen``); the entries on the other lines show where that column begins."""
    after = [next((t for t in line.tokens if t.box.x0 > name[-1].box.x1), None) if name else None
             for name, line in zip(names, lines)]
    out = []
    for i, name in enumerate(names):
        edges = [a.box.x0 for j, a in enumerate(after) if a is not None and j != i]
        cut = next((k for k, t in enumerate(name) if k and any(abs(t.box.x0 - x) <= ALIGNED * t.size
                                                               for x in edges)), len(name))
        out.append(name[:cut])
    return out


def _panel_run(reader: PageReader, line: Line, rank: Token) -> list[Token]:
    """The line's run in the column of a panel whose first rank is ``rank``: starting at the rank, or up to
    three font sizes left of it (ranks indented as list markers, or right-aligned in a column of their
    own), and reaching over the rank (not a table cell that ends before the panel). A year of a header
    starts no panel's run: it is its table's column, however near the panel stands (its title on the
    header's line just after the last year)."""
    for t in line.tokens:
        if reader.roles.get(id(t)) is Kind.YEAR:
            continue
        if rank.box.x0 - RANK_INDENT * rank.size <= t.box.x0 <= rank.box.x0 + rank.size:
            run = [t] + run_after(line, t)
            if run[-1].box.x1 > rank.box.x0:
                return run
    return []


def _panel_title(reader, lines, li, first) -> tuple[list[Token], int | None]:
    for lj in range(li - 1, -1, -1):
        line = lines[lj]
        if first.box.top - line.box.bottom > PANEL_TITLE_REACH * first.size \
                and not on_the_lines_between(lines, lj, li, first, PANEL_TITLE_REACH):
            break
        run = _panel_run(reader, line, first)
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
        text = " ".join(t.text for t in _panel_run(reader, lines[lk], first)) if lk >= 0 else ""
        return bool(reader.layout.panel_heading.match(text))

    above: list[Token] = []
    top = run[0]
    for lk in range(lj - 1, max(-1, lj - 3), -1):
        more = _panel_run(reader, lines[lk], first)
        if not more or any(id(t) in reader.roles for t in more) or more[0].style != top.style \
                or top.box.top - more[-1].box.bottom > WRAP_GAP * top.size \
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
                run = [t] + run_after(line, t)
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
        return [(ln, run) for ln in lines if (run := run_from(ln, t.box.x0, t.size))]

    lines, found, last = page_lines[p], [], page_lines[p][i]
    below = column(lines[i + 1:])
    if not below and i + 1 == len(lines) and p + 1 < len(page_lines):
        below, last = column(page_lines[p + 1]), None
    for ln, run in below[:3]:
        if last is not None and ln.box.top - last.box.bottom > LINE_GAP * t.size:
            break
        more = reader.unclaimed(run)
        if not more or len(more) > 3 or header_title(reader, ln, more):
            break
        found += more
        if any(YEAR_TEXT.match(x.text) for x in more):
            return found
        last = ln
    return []


def header_title(reader: PageReader, line: Line, run: list[Token]) -> bool:
    """The run stands in the label column of a year header on its own line, the last run before its years:
    that table's title, which a heading never continues into (a run with another between it and the years,
    a heading's line in a panel's column beside the table's title, stands in a column of its own)."""
    def title_run(h) -> list[Token]:
        runs = line_runs(t for t in line.tokens if t.box.x1 <= h.cols[0].x0)
        return runs[-1] if runs else []

    return any(h.line is line and any(t is x for t in run for x in title_run(h)) for h in reader.headers)


def _title_at_page_foot(reader: PageReader, lines: list[Line], first: Token) -> list[Token]:
    """A panel broken by a page: its title is the last line of the page before, in the same column."""
    for line in reversed(lines):
        run = _panel_run(reader, line, first)
        if run:
            if any(id(t) in reader.roles for t in run) or RANK_TEXT.match(run[0].text) \
                    or reader.layout.panel_heading.match(" ".join(t.text for t in run)):
                return []
            return run
    return []


def _panel_heading_year(reader, lines, li, first) -> int | None:
    """The year in the nearest panel heading above, in the panel's column (heading may wrap)."""
    for lj in range(li - 1, -1, -1):
        run = _panel_run(reader, lines[lj], first)
        text = " ".join(t.text for t in run)
        if run and reader.layout.panel_heading.match(text):
            block = [run]  # and the lines of the panel's column below it, down to the panel's title or its year
            for nxt in range(lj + 1, li):
                if any(YEAR_TEXT.match(t.text) for part in block for t in part):
                    break  # the heading ends with its year
                more = reader.unclaimed(_panel_run(reader, lines[nxt], first))
                if more and header_title(reader, lines[nxt], more):
                    break  # a table's title on its own header's line, not the heading's
                if more:
                    block.append(more)
            tokens = [t for part in block for t in part]
            reader.claim(tokens, Kind.PANEL_HEADING)
            years = [int(t.text) for t in tokens if YEAR_TEXT.match(t.text)]
            return years[0] if years else None
        if run and RANK_TEXT.match(run[0].text):
            return None  # an earlier panel stands between: no heading of our own
    return None
