"""The reader: every page's words, read in an explicit order of passes into a ``RawRelease``.

The page is read the way a person reads it, from geometry and typography only. Each pass claims the tokens
it recognizes (gives them a ``Kind``) and leaves the rest to the passes after it; a later pass relies on
what the earlier ones claimed, so the order in ``PASSES`` is part of the rules. Every token with a digit
ends up with a role; one without is unaccounted (the numbers audit, built in ``assemble``).
"""

from __future__ import annotations

from pipeline.extract import continued, furniture, headers, markers, notes, placement, rankings, rows, sections, titles
from pipeline.extract.assemble import assemble
from pipeline.extract.headers import Header
from pipeline.extract.rows import FoundTable
from pipeline.extract.words import Line, attach_markers, split_ids, tokens_to_lines
from pipeline.model import Box, Kind, RawFootnote, RawRelease, Ranking, Token
from pipeline.schemas import Layout


class PageReader:
    """The release being read: its tokens and lines, the roles given so far, and what the passes found."""

    def __init__(self, layout: Layout, pages: list[list[Token]], areas: list[Box]) -> None:
        self.layout = layout
        self.roles: dict[int, Kind] = {}
        self.tokens: list[Token] = []
        self.suffix: dict[int, list[Token]] = {}  # footnote markers by id() of the word they follow
        self.tentative: dict[int, list[Token]] = {}  # ... of them, those read from a full-size number
        self.candidates: list = []  # full-size numbers that may be markers (markers.read_candidates)
        self.prefix: dict[int, list[Token]] = {}  # ... or precede
        self.page_lines: list[list[Line]] = []
        for tokens in pages:
            self.tokens += tokens
            suffix, prefix, _orphans = attach_markers(tokens)
            self.suffix.update(suffix)
            self.prefix.update(prefix)
            self.page_lines.append(tokens_to_lines(tokens))
        self.pages = areas  # each page's visible area
        # what the passes find, in the order they find it
        self.title = ""
        self.title_year: int | None = None
        self.headers: list[Header] = []
        self.refused_headers: list[tuple[tuple[int, ...], int]] = []  # (years, page): not a year header
        self.rankings: list[Ranking] = []
        self.tables: list[FoundTable] = []  # one per header, in the headers' order
        self.body_size: dict[int, float] = {}
        self.footnotes: list[RawFootnote] = []
        self.doubtful: set[int] = set()  # id() of words no pass may take and none may lose: left over, loud
        self.sections: list[tuple[tuple, str]] = []

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
        return tuple(i for t in tokens for m in self.suffix.get(id(t), ()) for i in split_ids(m.text))


# The order is part of the rules: see each pass's "relies on".
PASSES = (
    furniture.read_furniture,  # rotated text, running headers and footers, the release title, page numbers
    headers.read_headers,  # three consecutive years on a line
    rankings.read_rankings,  # the top-3 panels: ranks, names, titles, headings
    rankings.read_ranking_headings,  # panel headings standing apart from their panel
    headers.read_label_columns,  # side by side: where each table's label column starts
    rows.read_rows,  # lines of numbers under a header's years, and their labels
    titles.read_titles,  # each table's title: on, beside and above its header
    rows.read_fragments,  # wrapped title and label lines
    continued.read_repeated_heads,  # a header repeated on a later page: what its line repeats besides
    placement.read_placements,  # the table each panel stands beside, above or below
    markers.read_candidates,  # full-size numbers ending a title or label: markers if their footnote exists
    notes.read_footnotes,  # footnote texts
    markers.read_markers,  # those candidates whose footnote exists; counts lacking their thousands dot
    sections.read_sections,  # section headings
    furniture.read_running_text,  # a date, time or address left over in a page's margin
)


def read_release(source: str, pages: list[list[Token]], areas: list[Box], layout: Layout) -> RawRelease:
    """All pages' tokens (and each page's area) -> a ``RawRelease`` with an audit entry for every token that
    holds a digit."""
    reader = PageReader(layout, pages, areas)
    for read_pass in PASSES:
        read_pass(reader)
    return assemble(reader, source)
