"""Wrapped labels as a person reads them: the label-column lines of a table, top to bottom, are split into
blocks, one per row (and the title's, around its years' line), each holding exactly one value line.

Where spacing sets two blocks apart (a gap between two lines wider than the table's line pitch), spacing
decides. Elsewhere the table's one alignment convention decides: the values stand on the ``first``, the
``middle`` or the ``last`` line of their label. Each convention gives a reading of the whole table (or none,
when the lines cannot be read so: a value line without label text is a middle line); the evidence against
a reading is counted as a penalty (a block starting with a lowercase letter, a continuation starting with a
capital, a line in the labels' type given to the title, a line in the labels' type left over after the
last row), and the reading with the least penalty wins. A tie between readings that differ is decided by
the other tables of the release (one tool, one convention), then by how the title wraps around its years'
line; a tie that stays, with evidence on both sides, is contradictory and the table is ``unclear``.

How many of the lines under a title's years' line are the title's is read from where the release sets its
years in a title (``years_places``): on its first, middle or last line, one place for all its titles (one
tool), the place every title shows fits (a title with lines above its years has not its years on its first
line; years standing between two lines of their title are on its middle; a title with more lines above its
years than there are lines below them before the first row's values has not its years on its middle).

Pure functions on ``Slot``s; ``rows.read_fragments`` builds them from the page and applies the reading.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.extract.geometry import BLOCK_GAP

CONVENTIONS = ("first", "middle", "last")
TITLE = -1  # the owner of a line that belongs to the title
LOWER_START = 1.0  # penalty: a block (a label) starts with a lowercase letter
UPPER_CONTINUATION = 0.25  # a continuation line starts with a capital (names do: weak)
TYPE_AGAINST = 2.0  # a line in the labels' type (not the title's) given to the title
LEFT_OVER = 1.0  # a line in the labels' type, right below the last row, left to no row


@dataclass(frozen=True)
class Slot:
    """One label-column line of a table segment (one page of it), top to bottom."""

    bottom: float  # the line's baseline (its box's bottom)
    size: float
    text: str  # "" for a value line without label text (values between two label lines)
    row: int | None = None  # a value line: its row (``TITLE`` for the title's years' line); None: a fragment
    label_typed: bool = False  # a fragment set in the labels' type and not the title's
    tail: bool = False  # a fragment after the last value line (a candidate continuation only)


@dataclass(frozen=True)
class Reading:
    owners: tuple[int | None, ...]  # per slot: its row, ``TITLE``, or None (no label line)
    penalty: float


def read_segment(slots: list[Slot], convention: str, title_above: int = 0,
                 shares: frozenset[int] | None = None) -> Reading | None:
    """The slots read with ``convention`` (``title_above``: how many more title lines stand above its years'
    line than below, for a middle title); None when they cannot be read so.

    How many of the lines under a title's years' line are the title's is not the rows' convention: the years
    stand on the first, middle or last line of their title whatever line of a label the values stand on.
    ``shares``: the title's shares of those lines that where the release sets its years allows
    (``title_shares``; None: any). With the values on a middle or last line (the first row may hold lines
    above its values), or the shares known, each share allowed is read, and the reading with the least
    evidence against it wins (a tie: the convention's own share, when allowed)."""
    base = _read(slots, convention, title_above)
    anchors = [i for i, s in enumerate(slots) if s.row is not None]
    if not anchors or slots[anchors[0]].row != TITLE:
        return base
    below = (anchors[1] if len(anchors) > 1 else len(slots)) - anchors[0] - 1
    if convention == "first":  # the first row starts on its values' line: the lines above it are the title's
        return base if shares is None or below in shares else None
    if shares is not None:
        return min((r for share in sorted(shares) if 0 <= share <= below
                    if (r := _read(slots, convention, title_above, share)) is not None),
                   key=lambda r: r.penalty, default=None)
    shares_read = [_read(slots, convention, title_above, share) for share in range(below + 1)]
    return min((r for r in [base, *shares_read] if r is not None), key=lambda r: r.penalty, default=None)


@dataclass(frozen=True)
class TitleWrap:
    """How a table's title stands around its years' line (on the page of its header, the years' line holding
    some of it), before the lines under it are split between the title and the first row."""

    above: int  # its lines wholly above the years' line
    below: int  # its lines wholly below it, known already (in the title's own type)
    between: bool  # the years stand between two of its lines (an even count of lines, the years mid-title)
    free: int  # the label-column lines left between the years' line and the first row's values


def years_places(titles: list[TitleWrap]) -> tuple[str, ...]:
    """The lines of a title (``first``, ``middle``, ``last``) a release's years may stand on: the places
    every one of its titles fits. Empty when none fits them all (no evidence to go by)."""
    return tuple(p for p in CONVENTIONS if all(_fits(t, p) for t in titles))


def _fits(t: TitleWrap, place: str) -> bool:
    if place == "first":
        return t.above == 0 and not t.between
    if place == "last":
        return t.below == 0 and not t.between
    return t.below <= t.above <= t.below + t.free


def title_shares(t: TitleWrap | None, places: tuple[str, ...]) -> frozenset[int] | None:
    """How many of the free lines under a title's years' line may be its own, the years standing at one of
    ``places``: on its middle line, as many as stand above less those known below; on its last, none; on its
    first (or no place known), any (None)."""
    if t is None or not places or "first" in places:
        return None
    return frozenset(t.above - t.below if p == "middle" else 0 for p in places)


def _read(slots: list[Slot], convention: str, title_above: int, title_below: int | None = None) -> Reading | None:
    """``read_segment`` with the title's share of the lines under its years' line given (``title_below``),
    or (None) the convention's own."""
    anchors = [i for i, s in enumerate(slots) if s.row is not None]
    if not anchors or any(slots[i].text == "" and slots[i].row != TITLE for i in anchors) \
            and convention != "middle":
        return None  # a value line holds the first (or last) line of its label
    owners: list[int | None] = [s.row for s in slots]
    seps = separations(slots)
    penalty = 0.0
    for i in range(anchors[0]):  # above the first value line of a page the table flows onto: its first row
        owners[i] = slots[anchors[0]].row
    above = anchors[0] + (max(title_above, 0) if slots[anchors[0]].row == TITLE else 0)
    for a, b in zip(anchors, anchors[1:]):
        k = b - a - 1
        want = {"first": k, "last": 0}.get(convention, above)
        if slots[a].row == TITLE:  # a title not on its years' line has no lines below it
            want = min(want if title_below is None else title_below, k) if slots[a].text else 0
        if want > k:
            return None
        found = [s for s in range(k + 1) if a + s in seps]
        s = min(found, key=lambda x: (abs(x - want), x)) if found else want
        if slots[a].row == TITLE:  # the labels' type (or a title not on its years' line) is no title's
            typed = [j for j in range(k) if slots[a + 1 + j].label_typed or not slots[a].text]
            if typed and s > typed[0]:
                penalty += TYPE_AGAINST * (s - typed[0])
                s = typed[0]
        for j in range(k):
            owners[a + 1 + j] = slots[a].row if j < s else slots[b].row
        above = k - s
        if convention == "middle" and not slots[b].text and above < 1:
            return None
    last = anchors[-1]
    tail = len(slots) - last - 1
    used = {"first": tail, "last": 0}.get(convention, above)
    if used > tail:
        return None
    cut = [s for s in range(tail + 1) if last + s in seps]
    used = min([used, *cut])
    for j in range(tail):
        owners[last + 1 + j] = slots[last].row if j < used else None
    penalty += LEFT_OVER * sum(1 for j in range(used, tail) if not cut or j < cut[0])
    return Reading(tuple(owners), penalty + capitals_penalty(slots, owners))


def separations(slots: list[Slot]) -> set[int]:
    """Positions ``i`` where spacing sets slot ``i`` apart from slot ``i + 1``: the baselines of two
    consecutive lines with label text stand further apart than the segment's line pitch (the least such
    distance) by more than ``BLOCK_GAP`` ems. A value line without text between them splits nothing."""
    texts = [i for i, s in enumerate(slots) if s.text]
    pairs = [(i, j, slots[j].bottom - slots[i].bottom) for i, j in zip(texts, texts[1:])]
    if not pairs:
        return set()
    pitch = min(d for _, _, d in pairs)
    return {i for i, j, d in pairs if j == i + 1 and d > pitch + BLOCK_GAP * slots[j].size}


def capitals_penalty(slots: list[Slot], owners) -> float:
    """A label starts with a capital; its continuation lines typically do not."""
    penalty, seen = 0.0, set()
    for s, owner in zip(slots, owners):
        if owner is None or owner == TITLE or not s.text[:1].isalpha():
            seen.add(owner)
            continue
        if owner not in seen:
            penalty += LOWER_START * s.text[0].islower()
        else:
            penalty += UPPER_CONTINUATION * s.text[0].isupper()
        seen.add(owner)
    return penalty


@dataclass(frozen=True)
class Decision:
    convention: str
    readings: tuple[Reading, ...]  # one per segment
    unclear: tuple[str, ...] = ()  # the conventions the evidence cannot tell apart (contradictory)


def decide(tables: list[list[tuple[list[Slot], int]]], hints: list[str | None],
           shares: list[frozenset[int] | None] | None = None) -> list[Decision]:
    """Per table (its segments: slots and the title's lines above its years), the convention read. ``hints``:
    per table the convention its title's wrapping shows (``title_hint``), if any; ``shares``: per table the
    title's shares of the lines under its years' line allowed (``title_shares``; None: any)."""
    shares = shares or [None] * len(tables)
    options = [_options(segments, share) for segments, share in zip(tables, shares)]
    totals = {c: sum(o[c][1] if c in o else LEFT_OVER * 3 for o in options) for c in CONVENTIONS}
    votes = {c: sum(h == c for h in hints) for c in CONVENTIONS}
    return [_decide_one(o, totals, votes, hint) for o, hint in zip(options, hints)]


def _options(segments, shares=None) -> dict[str, tuple[tuple[Reading, ...], float]]:
    out = {}
    for c in CONVENTIONS:
        readings = [read_segment(slots, c, above, shares) for slots, above in segments]
        if all(r is not None for r in readings):
            out[c] = (tuple(readings), sum(r.penalty for r in readings))
    return out


def _decide_one(options, totals, votes, hint) -> Decision:
    if not options:
        return Decision("first", (), CONVENTIONS)
    best = min(p for _, p in options.values())
    tied = [c for c in CONVENTIONS if c in options and options[c][1] == best]
    for key in (lambda c: totals[c], lambda c: c != hint, lambda c: -votes[c]):
        if _distinct(options, tied) <= 1:
            break
        least = min(key(c) for c in tied)
        tied = [c for c in tied if key(c) == least]
    if _distinct(options, tied) > 1 and best > 0:
        return Decision(tied[0], options[tied[0]][0], tuple(tied))
    c = "first" if "first" in tied else tied[0]
    return Decision(c, options[c][0])


def _distinct(options, conventions) -> int:
    return len({tuple(r.owners for r in options[c][0]) for c in conventions})


def title_hint(above: int, below: int) -> str | None:
    """The convention a title wrapped around its years' line shows: lines only below it, first; only above,
    last; both, middle."""
    if above and below:
        return "middle"
    return "last" if above else "first" if below else None
