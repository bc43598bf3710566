"""A table broken across pages: its header repeated at the top of a later page continues it, and whatever
that repeated header carries besides (a panel's first entry on its line, say) is the original's, repeated
with it. One table, printed once: the repetition adds nothing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.extract.geometry import ALIGNED, LINE_RATIO
from pipeline.extract.headers import columns_overlap, reading_order
from pipeline.model import Kind, Token

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader
    from pipeline.extract.rows import FoundTable


def read_repeated_heads(reader: PageReader) -> None:
    """Claims, on a header repeated at the top of a later page, each free word that repeats a word of the
    original table's head (its title lines and header line) at the same place, with the role of the word it
    repeats. Relies on the titles and fragments (the continuation is decided by the title, as in
    ``assemble``): a panel entry repeated on that line is no footnote (11) nor a stray."""
    tables = sorted(reader.tables, key=lambda t: reading_order(t.header))
    for table, original in continued_from(tables):
        repeat = head_tokens(reader, table)
        first = head_tokens(reader, original)
        for tok in reader.unclaimed(repeat):
            same = repeated_word(tok, table, original, first)
            if same is not None and id(same) in reader.roles:
                reader.claim([tok], reader.roles[id(same)])


def continued_from(tables: list[FoundTable]) -> list[tuple[FoundTable, FoundTable]]:
    """Tables in reading order -> (each one that continues an earlier table, that first table): a
    header repeated on a later page continues the table above it in its columns, with the same years and
    the same title, or no title at all when it is the first header of its page (a browser repeating a
    table's head)."""
    out: list[FoundTable] = []
    continued: list[tuple[FoundTable, FoundTable]] = []
    for t in tables:
        prev = next((o for o in reversed(out) if columns_overlap(o.header, t.header)), None)
        first_on_page = prev is not None and prev.header.page < t.header.page
        if first_on_page and t.header.years == prev.header.years and title_text(t) in (title_text(prev), ""):
            continued.append((t, prev))
            continue
        out.append(t)
    return continued


def title_text(t: FoundTable) -> str:
    return " ".join(ln.text for ln in t.title_lines)


def head_tokens(reader: PageReader, t: FoundTable) -> list[Token]:
    """Every word on the lines of a table's head: its title's lines and its header's line, whole."""
    h = t.header
    tops = [ln.box.top for ln in t.title_lines if ln.box.page == h.page] + [h.line.box.top]
    band = (min(tops), h.line.box.bottom)
    return [tok for ln in reader.page_lines[h.page - 1] if band[0] <= ln.box.ymid <= band[1] for tok in ln.tokens]


def repeated_word(tok: Token, table: FoundTable, original: FoundTable, first: list[Token]) -> Token | None:
    """The word of the original head that ``tok`` repeats: the same text, starting at the same x, at the
    same height against its header line."""
    dy = tok.box.ymid - table.header.line.box.ymid
    return next((o for o in first if o.text == tok.text
                 and abs(o.box.x0 - tok.box.x0) <= ALIGNED * tok.size
                 and abs(o.box.ymid - original.header.line.box.ymid - dy) <= LINE_RATIO * tok.size), None)
