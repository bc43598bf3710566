"""Footnote texts: a free line that starts with a footnote id (``1``, ``1.``, ``1)`` or a raised ``1``)
and goes on with text, no larger than the table text, with the lines that directly continue it."""

from __future__ import annotations

import statistics
from typing import TYPE_CHECKING

from pipeline.extract.geometry import COLUMN_GAP, LINE_GAP, NOTE_MAX_SIZE, NOTE_SAME_SIZE, enclosing
from pipeline.extract.markers import candidate_ids
from pipeline.extract.words import FOOTNOTE_ID, INT_TEXT, Line, join_text, split_ids
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
            small = statistics.median(t.size for t in toks) <= NOTE_MAX_SIZE * body_size.get(line.box.page,
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
                current, prev_line, block = list(body), line, enclosing(t.box for t in [*prefix, *toks])
                continue
            more = continuation(block, prev_line, toks) if current else []
            if more:
                reader.claim(more, Kind.FOOTNOTE)
                current += more
                prev_line, block = Line(tuple(more)), block.union(enclosing(t.box for t in more))
                continue
            if current:
                notes.append(_footnote(current_id, current))
                current, prev_line = None, None
        if current:
            notes.append(_footnote(current_id, current))
    return notes


def continuation(block: Box, prev_line: Line, toks: list[Token]) -> list[Token]:
    """The tokens of a line that go on with the footnote above it (``block``: its id and text so far): the
    next line in its column (the runs of words that overlap it horizontally, whatever the indent: hanging,
    first line indented, or flush left of the text), directly below and at the same size. Before the next
    id: a line that starts a footnote never gets here."""
    size = statistics.median(t.size for t in toks)
    if toks[0].box.top - prev_line.box.bottom > LINE_GAP * size \
            or abs(size - prev_line.size) > NOTE_SAME_SIZE * prev_line.size:
        return []
    runs: list[list[Token]] = []
    for t in toks:
        if runs and t.box.x0 - runs[-1][-1].box.x1 <= COLUMN_GAP * size:
            runs[-1].append(t)
        else:
            runs.append([t])
    return [t for run in runs if run[0].box.x0 < block.x1 and run[-1].box.x1 > block.x0 for t in run]


def _footnote(fid: str, tokens: list[Token]) -> RawFootnote:
    return RawFootnote(fid, join_text(tokens), enclosing(t.box for t in tokens))


def starts_footnote(reader: PageReader, toks: list[Token]) -> bool:
    return bool(reader.prefix.get(id(toks[0]))) or (INT_TEXT.match(toks[0].text) is not None and len(toks) > 1)
