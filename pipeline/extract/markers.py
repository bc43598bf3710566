"""Footnote markers printed at full size on the baseline (OpenType superscript glyphs, OCR text layers):
``Familie & Gezin1``, ``Gezin 1``, ``Gezin 1)``, and a count with its marker glued on (``190`` + ``2`` =
``1902``).

Size and rise say nothing here, so the evidence is the release itself, read in two phases: first the
candidates (a small number ending a table's title or a row's label, right after its last word, or the last
digits of a count that lacks the thousands dot the release's other counts carry), which let a footnote
text with that id be read (``notes.py``); then each candidate whose footnote exists is read as a marker.
Numbers that make sibling texts a sequence (``Spoor 1``, ``Spoor 2``, ``Spoor 4``) are no candidates. A
number read so from a title or label stays *tentative*: normalize keeps the text as printed when schemas/
knows it with the number (``Spoor 1``), and reads the marker when it knows it without.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from pipeline.extract.assemble import label_tokens, title_tokens
from pipeline.extract.geometry import COLUMN_GAP, LINE_RATIO, MARKER_TOUCH, SAME_SIZE
from pipeline.extract.words import join_text, split_ids
from pipeline.model import Box, Kind, Token

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader

CANDIDATE = re.compile(r"^\d{1,2}(?:[,;]\d{1,2})*\)?$")  # 1, 12, 1,2, 1)
DOTTED = re.compile(r"^\d{1,3}(?:\.\d{3})+(?:,\d+)?$")  # 41.820: a count with a thousands dot
UNDOTTED = re.compile(r"^\d{4,}$")  # 1902: four digits or more, no dot


@dataclass(frozen=True)
class Candidate:
    number: Token  # the full-size number
    host: Token  # the word it follows


def read_candidates(reader: PageReader) -> None:
    """Claims nothing; sets ``reader.candidates``: the full-size numbers ending a title or a label right
    after its last word (glued or a blank apart, in the same run of words, at the word's size and level),
    unless sibling texts differ only in that number (a sequence). Relies on the rows, titles
    and fragments (a title or label is known whole only then); runs before the footnotes, which read a
    footnote only when some marker, or candidate, has its id."""
    groups = [[title_tokens(t) for t in reader.tables]] + [[label_tokens(r) for r in t.rows] for t in reader.tables]
    reader.candidates = [c for texts in groups for c in not_a_sequence(texts)]


def not_a_sequence(texts: list[list[Token]]) -> list[Candidate]:
    """The candidates among sibling texts (a table's row labels, or the release's titles), but not the
    numbers of a sequence: ``Spoor 1``, ``Spoor 2``, ``Spoor 4`` are texts that differ only in their
    number, so the number is part of each. The same text printed again with the same number (a title under a
    header repeated on the next page) is no sequence."""
    found = [(c, join_text(tokens[:-1])) for tokens in texts if (c := trailing_number(tokens))]
    numbers: dict[str, set[str]] = {}
    for c, stem in found:
        numbers.setdefault(stem, set()).add(c.number.text)
    return [c for c, stem in found if len(numbers[stem]) == 1]


def trailing_number(tokens: list[Token]) -> Candidate | None:
    if len(tokens) < 2 or not CANDIDATE.match(tokens[-1].text):
        return None
    number, host = tokens[-1], tokens[-2]
    s = host.size
    same_size = abs(number.size - s) <= SAME_SIZE * s
    level = abs(number.box.ymid - host.box.ymid) <= LINE_RATIO * s
    after = -MARKER_TOUCH * s <= number.box.x0 - host.box.x1 <= COLUMN_GAP * s  # glued, or a blank apart
    return Candidate(number, host) if same_size and level and after else None


def candidate_ids(reader: PageReader) -> set[str]:
    """Every footnote id a full-size marker may stand for: the candidates', and the last one or two digits of
    each count that lacks its thousands dot."""
    ids = {i for c in reader.candidates for i in split_ids(c.number.text)}
    if _uses_dots(reader):
        ids |= {tok.text[-k:] for tok in _cells(reader) if UNDOTTED.match(tok.text) for k in (1, 2)}
    return ids


def read_markers(reader: PageReader) -> None:
    """Claims as ``MARKER`` each candidate whose footnote exists (tentative: see the module docstring), and
    reads an undotted count as its figure and a glued marker, or leaves it unaccounted (the numbers audit
    then fails). Relies on the footnotes being read."""
    notes = {f.id for f in reader.footnotes}
    for c in reader.candidates:
        ids = split_ids(c.number.text)
        if ids and all(i in notes for i in ids):
            reader.roles[id(c.number)] = Kind.MARKER
            marker = Token(",".join(ids), c.number.box, c.number.size, c.number.font, marker=True)
            reader.suffix.setdefault(id(c.host), []).append(marker)
            reader.tentative.setdefault(id(c.host), []).append(marker)
    if _uses_dots(reader):
        for table in reader.tables:
            for row in table.rows:
                for col, tok in list(row.cells.items()):
                    if UNDOTTED.match(tok.text):
                        _read_undotted(reader, row.cells, col, tok, notes)


def _read_undotted(reader: PageReader, cells: dict[int, Token], col: int, tok: Token, notes: set[str]) -> None:
    """``1902`` in a release that writes 1.902: a figure under 1,000 with a footnote marker glued on, when
    exactly one such reading has its footnote; otherwise no value at all (unaccounted)."""
    readings = [(tok.text[:-k], tok.text[-k:]) for k in (1, 2)
                if len(tok.text) - k <= 3 and tok.text[-k] != "0" and tok.text[-k:] in notes]
    if len(readings) != 1:
        del cells[col]
        reader.roles.pop(id(tok), None)
        return
    head, fid = readings[0]
    b = tok.box
    cut = b.x0 + (b.x1 - b.x0) * len(head) / len(tok.text)
    figure = Token(head, Box(b.page, b.x0, b.top, cut, b.bottom), tok.size, tok.font)
    reader.suffix[id(figure)] = [Token(fid, Box(b.page, cut, b.top, b.x1, b.bottom), tok.size, tok.font,
                                       marker=True)]
    cells[col] = figure


def _cells(reader: PageReader) -> list[Token]:
    return [tok for t in reader.tables for r in t.rows for tok in r.cells.values()]


def _uses_dots(reader: PageReader) -> bool:
    """Whether the release writes its counts of 1,000 or more with a thousands dot."""
    return any(DOTTED.match(tok.text) for tok in _cells(reader))
