"""Assembling: the tables, panels and footnotes found, as a ``RawRelease`` with the numbers audit. A header
repeated on a later page continues its table; each table takes the section heading above it."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from pipeline.extract.continued import continued_from
from pipeline.extract.geometry import NEXT_LINE, enclosing
from pipeline.extract.headers import reading_order
from pipeline.extract.placement import table_extent
from pipeline.extract.words import HAS_DIGIT, Line, join_text, split_ids
from pipeline.model import AuditEntry, Box, Cell, Kind, RawRelease, RawRow, RawTable, Token

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader
    from pipeline.extract.rows import FoundRow, FoundTable


def assemble(reader: PageReader, source: str) -> RawRelease:
    """Everything the passes found -> a ``RawRelease``, with an audit entry for every claimed token and
    every token that holds a digit (unclaimed: ``UNACCOUNTED``)."""
    years = tuple(sorted({y for h in reader.headers for y in h.years}, reverse=True))
    release_year = max(years) if years else (reader.title_year or 0)
    ordered = sorted(reader.tables, key=lambda t: reading_order(t.header))
    merged, owner = merge_continued(ordered)
    raw_tables = tuple(to_raw_table(reader, t, reader.sections) for t in merged)
    index = {id(t): owner[id(t)] for t in reader.tables}
    panels = tuple(replace(p, table=index[id(reader.tables[p.table])]) if p.table is not None else p
                   for p in reader.rankings)
    blocks = block_boxes(reader)
    body = body_spans(reader)
    audit = tuple(AuditEntry(t.text, role_of(reader, t, blocks, body), t.box) for t in reader.tokens)
    return RawRelease(
        source=source, title=reader.title, release_year=release_year,
        years=tuple(years[:3]) if years else (),
        tables=raw_tables, panels=panels, footnotes=tuple(reader.footnotes), audit=audit,
        pages=tuple(reader.pages), title_year=reader.title_year, refused_headers=tuple(reader.refused_headers),
    )


def role_of(reader: PageReader, t: Token, blocks: list[Box], body: dict[int, tuple[float, float]]) -> Kind:
    """A token's role; one no pass took is ``UNACCOUNTED`` when it holds a digit, else ``LEFT_OVER`` when its
    centre stands inside a table, panel or footnote, else page furniture when it stands in the page's
    margin (above or below everything else the page holds), else ``STRAY``. A word a pass found doubtful
    (``reader.doubtful``) is ``LEFT_OVER`` wherever it stands."""
    kind = reader.roles.get(id(t))
    if kind is not None:
        return kind
    if HAS_DIGIT.search(t.text):
        return Kind.UNACCOUNTED
    if id(t) in reader.doubtful:
        return Kind.LEFT_OVER
    x, y, page = t.box.xmid, t.box.ymid, t.box.page
    if any(b.page == page and b.x0 <= x <= b.x1 and b.top <= y <= b.bottom for b in blocks):
        return Kind.LEFT_OVER
    top, bottom = body.get(page, (y, y))
    return Kind.FURNITURE if y > bottom or y < top else Kind.STRAY


def body_spans(reader: PageReader) -> dict[int, tuple[float, float]]:
    """Per page, from the top of the first to the bottom of the last word a pass took (furniture aside)."""
    spans: dict[int, tuple[float, float]] = {}
    for t in reader.tokens:
        if reader.roles.get(id(t), Kind.FURNITURE) is not Kind.FURNITURE:
            top, bottom = spans.get(t.box.page, (t.box.top, t.box.bottom))
            spans[t.box.page] = (min(top, t.box.top), max(bottom, t.box.bottom))
    return spans


def block_boxes(reader: PageReader) -> list[Box]:
    """Where the tables, panels and footnotes stand: each table's extent on each page, each panel's box, and
    the footnotes of each column of a page with the line below them (where a footnote's next line goes)."""
    boxes = [b for t in reader.tables for b in table_extent(reader, t).values()]
    boxes += [r.box for r in reader.rankings] + [e.box for r in reader.rankings for e in r.entries]
    notes: list[Box] = []
    for f in reader.footnotes:
        size = min((tok.size for tok in reader.tokens if reader.roles.get(id(tok)) is Kind.FOOTNOTE
                    and tok.box.page == f.box.page), default=f.box.height)
        grown = Box(f.box.page, f.box.x0, f.box.top, f.box.x1, f.box.bottom + NEXT_LINE * size)
        column = next((i for i, b in enumerate(notes) if b.page == grown.page and min(b.x1, grown.x1) >
                       max(b.x0, grown.x0)), None)
        if column is None:
            notes.append(grown)
        else:
            notes[column] = notes[column].union(grown)
    return boxes + notes


def merge_continued(tables: list[FoundTable]) -> tuple[list[FoundTable], dict[int, int]]:
    """A header repeated on a later page continues its table (``continued.continued_from``): its rows go to
    that table. Also: by id() of each table given, the index of the merged table it went into."""
    first = {id(t): original for t, original in continued_from(tables)}
    out: list[FoundTable] = []
    owner: dict[int, int] = {}
    for t in tables:
        prev = first.get(id(t))
        if prev is not None:
            prev.rows += t.rows
            prev.unclear = prev.unclear or t.unclear
            owner[id(t)] = owner[id(prev)]
            continue
        owner[id(t)] = len(out)
        out.append(t)
    return out, owner


def title_tokens(t: FoundTable) -> list[Token]:
    """A table's title tokens in reading order."""
    return [tok for ln in t.title_lines for tok in ln.tokens]


def label_tokens(r: FoundRow) -> list[Token]:
    """A row's label tokens (with its wrapped lines) in reading order: line by line, top to bottom."""
    value_line = Line(tuple(r.label_tokens)) if r.label_tokens else None
    lines = sorted([*r.extra, *([value_line] if value_line else [])], key=lambda ln: (ln.box.page, ln.box.bottom))
    return [tok for ln in lines for tok in ln.tokens]


def _text_and_markers(reader: PageReader, tokens: list[Token]) -> tuple[str, tuple[str, ...], str, tuple[str, ...]]:
    """(text, markers, printed, tentative): a number read as a full-size marker (``markers.py``) leaves the
    text, and the text as printed with it is kept for normalize to decide against schemas/."""
    text_tokens = [tok for tok in tokens if reader.roles.get(id(tok)) is not Kind.MARKER]
    tentative = tuple(i for tok in text_tokens for m in reader.tentative.get(id(tok), ()) for i in split_ids(m.text))
    printed = join_text(tokens) if tentative else ""
    return join_text(text_tokens), reader.markers_of(text_tokens), printed, tentative


def to_raw_table(reader: PageReader, t: FoundTable, sections) -> RawTable:
    h = t.header
    pos = (h.page, h.band[0])
    section = ""
    for where, text in sections:
        if where <= pos:
            section = text
    rows = []
    for r in sorted(t.rows, key=lambda r: (r.line.box.page, r.line.box.top)):
        tokens = label_tokens(r)
        cells = tuple(Cell(tok.text, h.years[c], tok.box, reader.markers_of([tok]))
                      for c, tok in sorted(r.cells.items()))
        box = enclosing([r.line.box, *(tok.box for tok in tokens)])
        label, markers, printed, tentative = _text_and_markers(reader, tokens)
        rows.append(RawRow(label, markers, cells, box, printed, tentative))
    title, markers, printed, tentative = _text_and_markers(reader, title_tokens(t))
    caption = reader.layout.caption_number
    return RawTable(
        title=caption.sub("", title, count=1), markers=markers,
        years=h.years, section=section, rows=tuple(rows), box=h.line.box,
        printed=caption.sub("", printed, count=1), tentative=tentative, unclear=t.unclear,
    )
