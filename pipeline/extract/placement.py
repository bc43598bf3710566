"""Which table a top-3 panel belongs to, from where it stands on the page, whatever its heading says.

A panel belongs to the nearest table it stands beside (their vertical spans overlap; the panel right or
left of it) or directly above or below (their horizontal spans overlap), or else just below or above it off
its side (a block set at the right of a narrow table's slot, before the next table). Two tables about as
near are told apart by where the release's other panels stand to their tables (a person sees that the
panels stand right of theirs, or below them), then by the offset from its table the settled panels keep
(``as_the_others_stand``), then by the side of their tables the release sets its panels on, before or after
them in the reading (``on_the_release_side``: a panel between a table above it and one below it, off their
sides or across a page break). A panel by no table, or still between two, keeps none: normalize makes that
a problem that stops the release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from pipeline.extract.geometry import OFF_SIDE_REACH, PANEL_TIE, enclosing
from pipeline.model import Box, Kind, Ranking

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader
    from pipeline.extract.rows import FoundTable


@dataclass(frozen=True)
class Candidate:
    table: int  # index in reader.tables
    where: str  # the panel's place: "right of", "left of", "above", "below"
    gap: float
    off_side: float = 0.0  # below or above the table, off its side by this much (their spans meet neither way)
    across: int = 0  # the table stands on the page before (-1) or after (1): a page broke between them


def read_placements(reader: PageReader) -> None:
    """Claims nothing; gives each of ``reader.rankings`` its table (an index in ``reader.tables``, mapped
    to the assembled tables by ``assemble``). Relies on the rows, titles and wrapped lines being claimed:
    a table's extent on a page is its title, years, labels and values."""
    extents = [table_extent(reader, t) for t in reader.tables]
    reader.rankings = place_panels(reader.rankings, extents, [title_text(t) for t in reader.tables])


def table_extent(reader: PageReader, table: FoundTable) -> dict[int, Box]:
    """Per page, the box around a table's own words: title, years, labels, values (not the other words
    that share its lines, such as a panel beside it)."""
    boxes = [*table.header.cols]
    boxes += [t.box for ln in table.title_lines for t in ln.tokens if reader.roles.get(id(t)) is Kind.TITLE]
    for r in table.rows:
        boxes += [t.box for t in r.label_tokens] + [t.box for t in r.cells.values()]
        boxes += [t.box for ln in r.extra for t in ln.tokens if reader.roles.get(id(t)) is Kind.LABEL]
    return {page: enclosing(b for b in boxes if b.page == page) for page in sorted({b.page for b in boxes})}


def title_text(table: FoundTable) -> str:
    return " ".join(ln.text for ln in table.title_lines) or f"with the years of page {table.header.page}"


def candidate(panel: Box, table: Box, index: int, size: float) -> Candidate | None:
    """How the panel stands to the table on its page: beside it, right above or below it, below or above
    it off its side (at most ``OFF_SIDE_REACH`` of the panel's ``size`` from it), or none of these."""
    v = min(panel.bottom, table.bottom) - max(panel.top, table.top)
    h = min(panel.x1, table.x1) - max(panel.x0, table.x0)
    if v > 0:
        if panel.xmid >= table.xmid:
            return Candidate(index, "right of", max(0.0, panel.x0 - table.x1))
        return Candidate(index, "left of", max(0.0, table.x0 - panel.x1))
    if h > 0:
        if panel.ymid >= table.ymid:
            return Candidate(index, "below", panel.top - table.bottom)
        return Candidate(index, "above", table.top - panel.bottom)
    # off its side as well: a block set at the right (or left) of the table's slot, in the space between it
    # and the next table; as far as the two gaps together, so that a table right above or below is nearer
    below = panel.ymid >= table.ymid
    v = panel.top - table.bottom if below else table.top - panel.bottom
    if v > OFF_SIDE_REACH * size:
        return None
    return Candidate(index, "below" if below else "above", v - h, off_side=-h)


def flow_candidates(panel: Box, extents: list[dict[int, Box]], others: list[Box]) -> list[Candidate]:
    """A panel that opens its column on its page, nothing standing above it, and the table that ends the page
    before (or a panel that ends its column and the table that opens the next page): the page broke between
    them. Its gap is what stands between the panel and its page's first (or last) content.

    What stands above or below the panel off its side is in its flow too, unless it is in a column of its
    own: one that runs beside the panel (something stands over it at the panel's height). A panel set at the
    right of a one-column page, a table above it and one below, ends nothing."""
    content = [e[panel.page] for e in extents if panel.page in e]
    content += [b for b in others if b.page == panel.page and b != panel]
    beside = [b for b in content if min(panel.bottom, b.bottom) > max(panel.top, b.top)]
    in_column = [b for b in content if min(panel.x1, b.x1) > max(panel.x0, b.x0)
                 or not any(min(b.x1, s.x1) > max(b.x0, s.x0) for s in beside)]
    out = []
    for step in (-1, 1):
        if any(b.top < panel.top if step < 0 else b.bottom > panel.bottom for b in in_column):
            continue
        there = [(i, e[panel.page + step]) for i, e in enumerate(extents) if panel.page + step in e]
        column = [(i, b) for i, b in there if min(panel.x1, b.x1) > max(panel.x0, b.x0)]
        if not there:
            continue
        i, b = max(column or there, key=lambda ib: ib[1].bottom if step < 0 else -ib[1].top)
        edge = min([panel.top, *(c.top for c in content)]) if step < 0 else max([panel.bottom, *(c.bottom for c in content)])
        gap = abs(panel.top - edge) if step < 0 else abs(edge - panel.bottom)
        if column:
            where = "below" if step < 0 else "above"
        else:
            where = "right of" if panel.xmid >= b.xmid else "left of"
        out.append(Candidate(i, where, gap, across=step))
    return out


def candidates_of(panel: Ranking, extents: list[dict[int, Box]], others: list[Box]) -> list[Candidate]:
    """Every table the panel stands beside, above or below; across a page break only in a direction in
    which no table on its own page stands."""
    box, size = panel.box, entry_size(panel)
    same = [c for i, e in enumerate(extents) if box.page in e if (c := candidate(box, e[box.page], i, size))]
    flow = [c for c in flow_candidates(box, extents, others)
            if all(s.where != c.where or s.off_side for s in same)]
    return sorted(same + flow, key=lambda c: c.gap)


def entry_size(panel: Ranking) -> float:
    """The size of the panel's type: the height of its first entry."""
    return panel.entries[0].box.height if panel.entries else 0.0


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.casefold())


def names(panel: Ranking, title: str) -> bool:
    """The panel's title is the table's title, or its start (``Spoor 1`` over ``Spoor 1 - Asiel...``)."""
    p, t = words(panel.title), words(title)
    return bool(p) and t[:len(p)] == p


def about_as_near(farther: float, nearer: float, panel: Ranking) -> bool:
    """Two gaps (or mismatches) are about as near for a panel when the farther is at most twice the nearer,
    plus ``PANEL_TIE`` of its type's size: no clear choice."""
    return farther <= 2 * nearer + PANEL_TIE * entry_size(panel)


def _decided(panel: Ranking, cs: list[Candidate], chosen: Candidate | None) -> tuple[Candidate | None, list]:
    """The panel's table in the release's reading (``chosen``), or its only near one; else None and the
    tables about as near it."""
    size = entry_size(panel)
    near = [c for c in cs if about_as_near(c.gap, cs[0].gap, panel)]
    if chosen is None and len(near) == 1:
        chosen = near[0]
    if chosen is not None and chosen.off_side:
        near = [c for c in cs if c.where == chosen.where
                and c.gap - c.off_side <= chosen.gap - chosen.off_side + PANEL_TIE * size]
        chosen = chosen if len(near) == 1 else None  # off the side of tables side by side: whose?
    return chosen, near


def as_the_others_stand(panel: Ranking, near: list[Candidate], extents: list[dict[int, Box]],
                        settled: list[tuple[Box, Box]]) -> Candidate | None:
    """Of the tables about as near a panel, the one it stands to as the release's settled panels stand to
    theirs (``settled``: panel and table boxes on one page): a release sets its panels one way, so the
    panel's offset from its table (either edge across, either edge down) is about theirs, as most of them
    stand (the median: one misplaced panel is no pattern). The best match must be clearly better than the
    next (as ``near`` weighs gaps); else None."""
    def mismatch(c: Candidate) -> float:
        table = extents[c.table].get(panel.box.page)
        if table is None:
            return float("inf")
        off = sorted(max(_edge_offset(panel.box.x0 - table.x0, panel.box.x1 - table.x1, p.x0 - t.x0, p.x1 - t.x1),
                         _edge_offset(panel.box.top - table.top, panel.box.bottom - table.bottom,
                                      p.top - t.top, p.bottom - t.bottom))
                     for p, t in settled)
        return off[(len(off) - 1) // 2] if off else float("inf")  # as most of them stand, not one

    if any(panel.box.page not in extents[c.table] for c in near):
        return None  # a table across a page break: no offset to weigh
    ranked = sorted(near, key=mismatch)
    first, second = mismatch(ranked[0]), mismatch(ranked[1])
    return None if about_as_near(second, first, panel) else ranked[0]


def _as_the_others(panel: Ranking, cs: list[Candidate], chosen: Candidate | None, near: list[Candidate],
                   extents: list[dict[int, Box]], others: list[tuple[Box, Box]], best: str, side: int
                   ) -> Candidate | None:
    """A panel's table once the release's other placed panels (``others``) are weighed: a tie told by how
    they stand (or by the side of its tables the release sets its panels on: ``side``), and the nearest given
    up only where they clearly say otherwise (a panel below the shorter of two tables side by side stands
    nearer the taller one's foot, yet in its own column, as the others do)."""
    if chosen is None:
        return (as_the_others_stand(panel, near, extents, others) or on_the_release_side(near, side)) \
            if len(near) > 1 else None
    if chosen.across and side and order(chosen) == -side:
        return on_its_page(panel, cs, side)
    same_way = [c for c in cs if c.where == best]
    if len(same_way) < 2 or chosen not in same_way:
        return chosen
    return as_the_others_stand(panel, same_way, extents, others) or chosen


def on_its_page(panel: Ranking, cs: list[Candidate], side: int) -> Candidate | None:
    """A panel taken across a page break by a table on the other side of it than the release sets its panels
    on (it ends its page, the next table opens the next page), while a table on its own page stands on that
    side (above it, off its side): a gap across a break says nothing against one on the page, and the panel
    follows the release. Its nearest such table; None if two are about as near (or there is none)."""
    mine = [c for c in cs if not c.across and order(c) == side]
    if not mine or (len(mine) > 1 and about_as_near(mine[1].gap, mine[0].gap, panel)):
        return None
    return mine[0]


READING_ORDER = {"below": -1, "above": 1}  # a panel below its table comes after it in the reading; above, before


def order(c: Candidate) -> int:
    """Where the table comes in the reading, from the panel: before it (-1: above it, or on the page before),
    after it (1: below it, or on the page after), or beside it (0)."""
    return c.across or READING_ORDER.get(c.where, 0)


def release_side(chosen: list[Candidate | None], best: str) -> int:
    """The side of their tables the release sets its panels on, in the reading: after them (-1: the table
    comes before its panel), before them (1), or neither clearly (0). As most of its placed panels stand
    (twice as many one way as the other); with none placed above or below theirs, as its reading (``best``)
    says."""
    ways = [w for c in chosen if c is not None and (w := order(c))]
    if not ways:
        return READING_ORDER.get(best, 0)
    before, after = ways.count(-1), ways.count(1)
    return -1 if before > 2 * after else 1 if after > 2 * before else 0


def on_the_release_side(near: list[Candidate], side: int) -> Candidate | None:
    """A panel alone between a table before it and a table after it in the reading (above and below it off
    their sides, or across a page break: the one ending the page before, the one opening the page after),
    about as near: in a release that sets its panels after their tables it follows the one before, before
    them the one after. Else None."""
    if not side or any(order(c) == 0 for c in near):
        return None
    chosen = [c for c in near if order(c) == side]
    return chosen[0] if len(chosen) == 1 else None


def _edge_offset(a0: float, a1: float, b0: float, b1: float) -> float:
    """How far one offset (of a box's first and second edge from another's) is from a second offset, by
    the edge they share best (a panel aligned left or right in its slot)."""
    return min(abs(a0 - b0), abs(a1 - b1))


def reading(panels: list[Ranking], cands: list[list[Candidate]], where: str) -> list[Candidate | None]:
    """Each panel's nearest table in one direction (``below``: the table right above the panel)."""
    return [next((c for c in cs if c.where == where), None) for cs in cands]


def place_panels(panels: list[Ranking], extents: list[dict[int, Box]], titles: list[str]) -> list[Ranking]:
    """Each panel with its table. A release places its panels one way (right of their tables, or below
    them, ...): of the four readings, the one whose panels' titles repeat their tables' printed titles most
    often; then the one that gives the most panels a table of their own; then the one with the smallest
    gaps. A panel that reading leaves without a table takes its nearest, unless two are about as near."""
    boxes = [p.box for p in panels]
    cands = [candidates_of(p, extents, boxes) for p in panels]

    def score(where: str) -> tuple:
        got = [(p, c) for p, c in zip(panels, reading(panels, cands, where)) if c is not None]
        gaps = sorted(c.gap for _, c in got)
        return (sum(names(p, titles[c.table]) for p, c in got), len({c.table for _, c in got}),
                -(gaps[len(gaps) // 2] if gaps else 0.0))

    best = max(("right of", "left of", "below", "above"), key=score)
    decided = [_decided(panel, cs, chosen) for panel, cs, chosen in zip(panels, cands, reading(panels, cands, best))]
    chosen_now = [chosen for chosen, _ in decided]
    for _ in panels:  # until the choices hold: a panel told by the others may tell the next one
        settled = {i: (panel.box, extents[chosen.table][panel.box.page])
                   for i, (panel, chosen) in enumerate(zip(panels, chosen_now))
                   if chosen is not None and panel.box.page in extents[chosen.table]}
        side = release_side(chosen_now, best)
        again = [_as_the_others(panel, cs, first, near, extents, [ref for j, ref in settled.items() if j != i], best,
                                side)
                 for i, (panel, cs, (first, near)) in enumerate(zip(panels, cands, decided))]
        if again == chosen_now:
            break
        chosen_now = again
    out = []
    for panel, chosen, (_, near) in zip(panels, chosen_now, decided):
        if chosen is not None:
            out.append(replace(panel, table=chosen.table, placement=chosen.where))
        elif near:
            named = " and ".join(f"'{titles[c.table]}' ({c.where} it)" for c in near[:2])
            out.append(replace(panel, table=None, placement=f"stands as near to table {named}"))
        else:
            out.append(replace(panel, table=None, placement="stands beside, above or below no table"))
    return out
