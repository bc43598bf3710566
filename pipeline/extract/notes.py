"""Footnote texts: a free run of words (per column) that starts with a footnote id (``1``, ``1.``, ``1)``,
a raised ``1``, or ``1`` glued to its text) and goes on with text, no larger than the table text, with the
next lines of its column, whatever their indent, up to the next id."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.extract.geometry import ALIGNED, COLUMN_GAP, LINE_GAP, NOTE_MAX_SIZE, NOTE_SAME_SIZE, enclosing
from pipeline.extract.markers import candidate_ids
from pipeline.extract.words import FOOTNOTE_ID, Line, join_text, split_ids
from pipeline.model import Box, Kind, RawFootnote, Token

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader


def read_footnotes(reader: PageReader) -> None:
    """Claims footnote texts (with their ids) as ``FOOTNOTE``; sets ``reader.footnotes``. Relies on the
    rows, titles and fragments being claimed (only free lines can be footnotes), on ``reader.body_size``
    (a numbered heading larger than the table text is not a footnote) and on the markers read so far, with
    the full-size candidates (``markers.read_candidates``): a line is a footnote only when a marker or a
    candidate has its id."""
    marker_ids = {i for ms in reader.suffix.values() for m in ms for i in split_ids(m.text)}
    reader.footnotes = find_footnotes(reader, reader.page_lines, marker_ids | candidate_ids(reader), reader.body_size)


@dataclass
class _Note:
    """A footnote being read: its id, its text so far, and the block it stands in (id and text)."""

    fid: str
    tokens: list[Token]
    block: Box
    bottom: float  # of its last line
    size: float
    id_x: float = 0.0  # where its id starts
    text_x: float = 0.0  # where its text starts after the id
    form: tuple = ()  # how its id is printed (``id_form``)
    id_tokens: tuple = ()  # its id as printed (full size, or raised)
    below: "_Note | None" = None  # the footnote it could go on with: its line is that one's next


def find_footnotes(reader: PageReader, page_lines, marker_ids: set[str],
                   body_size: dict[int, float]) -> list[RawFootnote]:
    """Free runs of words starting with a footnote id (``1``, ``1.``, ``1)`` or a raised ``1``), no larger
    than the table text (a numbered section heading is not a footnote), with the next lines of their column
    that continue them. Read per column (a run: words no further apart than a column gap), so footnotes
    side by side under tables side by side are read apart. A footnote at the foot of a page goes on with
    the first line of the next page when that line is in its type and starts with no id
    (``carried_into``)."""
    notes: list[_Note] = []
    for page, lines in enumerate(page_lines, start=1):
        going: list[_Note] = []  # the footnotes still open on this page, one per column
        before = [n for n in notes if n.block.page == page - 1]  # the footnotes the page before ends with
        foot = at_page_foot(reader, before, page_lines[page - 2]) if before else []
        for line in lines:
            if foot is not None and all(reader.roles.get(id(t)) is Kind.FURNITURE for t in line.tokens):
                continue  # the page's furniture stands before its body
            first, foot = foot, None  # the first line of the page's body
            for run in note_runs(reader.free(line)):
                size = statistics.median(t.size for t in run)
                small = size <= NOTE_MAX_SIZE * body_size.get(line.box.page, body_size.get(0, 1e9))
                above = next((n for n in reversed(going) if continues(n, run, size)), None)
                fresh = above is None or at_its_id(above, lead_x(reader, run), size) \
                    and id_form(reader, run) == above.form
                note = _starting(reader, run, marker_ids, small) if fresh else None
                if note and above is not None:
                    note.below = above
                target = None if note else above
                if before and first is not None and not note and not target and small \
                        and len(reader.free(line)) == len(line.tokens):
                    target = carried_into(reader, run, size, first, before)
                going = [n for n in going if n is target or not _same_column(n.block, run)]
                if note:
                    notes.append(note)
                    going.append(note)
                elif target:
                    reader.claim(run, Kind.FOOTNOTE)
                    box = enclosing(t.box for t in run)
                    target.block = target.block.union(box) if target.block.page == box.page else box
                    target.tokens += run
                    target.bottom, target.size = max(t.box.bottom for t in run), size
                    if all(n is not target for n in going):
                        going.append(target)
    notes = rejoin_out_of_order(notes)
    return [RawFootnote(n.fid, join_text(n.tokens), enclosing(t.box for t in n.tokens)) for n in notes if n.tokens]


def rejoin_out_of_order(notes: list[_Note]) -> list[_Note]:
    """A line that starts as a footnote (its number flush with the ids and printed as they are: ``8 EVRM
    aanvraag``) right below a footnote it could go on with, whose id the release prints again elsewhere and
    which breaks the order of the ids around it (4, 8, 5, ...): the footnotes of a release are numbered in
    order, so it is the line above's text, its number a word of it."""
    ids = [n.fid for n in notes]
    out: list[_Note] = []
    for i, note in enumerate(notes):
        prev = out[-1] if out else None
        following = notes[i + 1].fid if i + 1 < len(notes) else None
        if prev is not None and note.below is prev and ids.count(note.fid) > 1 \
                and not _in_order(prev.fid, note.fid, following):
            prev.tokens += [*note.id_tokens, *note.tokens]
            prev.block = prev.block.union(note.block)
            prev.bottom = note.bottom
            continue
        out.append(note)
    return out


def _in_order(before: str, fid: str, after: str | None) -> bool:
    if not (before.isdigit() and fid.isdigit()):
        return True
    return int(before) < int(fid) and (after is None or not after.isdigit() or int(fid) < int(after))


def at_page_foot(reader: PageReader, notes: list[_Note], lines: list[Line]) -> list[_Note]:
    """The footnotes of a page that nothing of its body follows in their column: no word but the page's
    furniture stands below them (their text may go on at the top of the next page)."""
    words = [t for ln in lines for t in ln.tokens if reader.roles.get(id(t)) is not Kind.FURNITURE]
    return [n for n in notes if not any(t.box.top > n.bottom and _same_column(n.block, [t]) for t in words)]


def carried_into(reader: PageReader, run: list[Token], size: float, foot: list[_Note],
                 before: list[_Note]) -> _Note | None:
    """The footnote a run at the top of a page goes on with. A line in footnote type (the size of a
    footnote of the page before), free on the first line of the page's body and starting with no id,
    continues the footnote at that page's foot in its column, or the only one there. Several, or none:
    its words are ``doubtful`` (left over, loud), never dropped."""
    if not any(abs(size - n.size) <= NOTE_SAME_SIZE * n.size for n in before):
        return None
    typed = [n for n in foot if abs(size - n.size) <= NOTE_SAME_SIZE * n.size]
    column = [n for n in typed if _same_column(n.block, run)]
    chosen = column if column else typed
    if len(chosen) == 1:
        return chosen[0]
    reader.doubtful.update(id(t) for t in run)
    return None


def _starting(reader: PageReader, run: list[Token], marker_ids: set[str], small: bool) -> _Note | None:
    """The footnote a run starts (claimed), if it starts with an id some marker has and goes on with text."""
    prefix = reader.prefix.get(id(run[0]), [])
    plain = FOOTNOTE_ID.match(run[0].text)
    fid = prefix[0].text if prefix else (plain.group(1) if plain else None)
    if fid is None or not small or not (prefix or fid in marker_ids) or len(run) <= (0 if prefix else 1):
        return None
    reader.claim(run, Kind.FOOTNOTE)
    for m in prefix:
        reader.roles[id(m)] = Kind.FOOTNOTE
    body = run if prefix else run[1:]
    return _Note(fid, list(body), enclosing(t.box for t in [*prefix, *run]), max(t.box.bottom for t in run),
                 statistics.median(t.size for t in run), lead_x(reader, run), body[0].box.x0,
                 id_form(reader, run), tuple(prefix) if prefix else (run[0],))


def lead_x(reader: PageReader, run: list[Token]) -> float:
    """Where a run starts: at its raised id, if one precedes its first word."""
    prefix = reader.prefix.get(id(run[0]), [])
    return (prefix[0] if prefix else run[0]).box.x0


def id_form(reader: PageReader, run: list[Token]) -> tuple:
    """How a run's leading id is printed: raised, or full size with its sign (``1``, ``1.``, ``1)``) and
    glued to its text or set apart by a blank."""
    if reader.prefix.get(id(run[0])):
        return ("raised",)
    return ("full", run[0].text.lstrip("0123456789"), len(run) > 1 and run[1].glued)


def at_its_id(note: _Note, x: float, size: float) -> bool:
    """A line directly below a footnote starts the next one only where it starts as that footnote's id
    does (nearer its id than its text, within ``ALIGNED``): a line set in from the ids (the text's hanging
    indent) or out from them (a first line indented) goes on with the footnote, even when its first word
    is a number (``8 EVRM aanvraag``). A line flush with the ids goes on with it too when its number is
    printed otherwise than the footnote's id (``4Het`` glued, ``8 EVRM`` apart: a release prints its ids
    one way; ``id_form``); else it stays ambiguous and starts a footnote."""
    return abs(x - note.id_x) <= ALIGNED * size and abs(x - note.id_x) <= abs(x - note.text_x)


def note_runs(toks: list[Token]) -> list[list[Token]]:
    """A line's words in runs, split where the gap is wider than a column gap; a footnote id alone stays with
    the text after it (a hanging number set apart by a tab)."""
    runs: list[list[Token]] = []
    for t in toks:
        if runs and (t.box.x0 - runs[-1][-1].box.x1 <= COLUMN_GAP * t.size
                     or len(runs[-1]) == 1 and FOOTNOTE_ID.match(runs[-1][0].text)):
            runs[-1].append(t)
        else:
            runs.append([t])
    return runs


def continues(note: _Note, run: list[Token], size: float) -> bool:
    """Whether a run goes on with the footnote above it: the next line in its column (overlapping it
    horizontally, whatever the indent: hanging, first line indented, or flush left of the text), directly
    below and at the same size. Before the next id: a run that starts a footnote never gets here."""
    return (run[0].box.top - note.bottom <= LINE_GAP * size and abs(size - note.size) <= NOTE_SAME_SIZE * note.size
            and _same_column(note.block, run))


def _same_column(block: Box, run: list[Token]) -> bool:
    return run[0].box.x0 < block.x1 and run[-1].box.x1 > block.x0


def starts_footnote(reader: PageReader, toks: list[Token]) -> bool:
    """Whether a line's words start as a footnote does: a raised id before them, or an id (``1``, ``1.``,
    ``1)``) followed by text. A wrapped title or label line does not start so; a footnote printed right
    under a table must not be read as the end of its last row."""
    return bool(reader.prefix.get(id(toks[0]))) or (FOOTNOTE_ID.match(toks[0].text) is not None and len(toks) > 1)
