"""The data types of ``claims``, named once: what a sentence holds, what a figure is about, and the verdict."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from pipeline.claims.text import Sentence
from pipeline.claims.tokens import Hit, Token

FigureKind = Literal["number", "share", "points", "ratio", "other"]
Comparison = Literal["ratio", "increase", "decrease"]
Verdict = Literal["supported", "contradicted", "not_in_data"]
Aggregate = Literal["cell", "sum", "range"]


@dataclass(frozen=True)
class Figure:
    """A stated figure: the number meant, its precision u (one unit of its last stated digit), its hedge."""

    core: int            # token index of its number
    first: int           # token range of the quote (hedge to unit), inclusive
    last: int
    value: float
    step: float
    kind: FigureKind     # number (a count), share (a percentage or fraction), points, ratio, other (euro, months)
    unit_word: str = ""  # the word that made it `other` (euro, maanden)
    hedge: str = "none"
    comparison: Comparison | None = None


@dataclass(frozen=True)
class YearMention:
    index: int   # token index
    year: int


@dataclass(frozen=True)
class Scan:
    """A sentence read: its tokens, figures, years, cue words found, and the segment of each token."""

    sentence: Sentence
    tokens: tuple[Token, ...]
    figures: tuple[Figure, ...]
    years: tuple[YearMention, ...]
    hits: tuple[Hit, ...]
    segments: tuple[int, ...]

    def quote(self, f: Figure) -> str:
        return self.sentence.text[self.tokens[f.first].start:self.tokens[f.last].end]

    def hits_of(self, kind: str) -> list[Hit]:
        return [h for h in self.hits if h.key[0] == kind]


@dataclass(frozen=True)
class Cell:
    table_id: str
    metric_id: str
    year: int

    def __str__(self) -> str:
        return f"{self.table_id}/{self.metric_id}/{self.year}"


@dataclass(frozen=True)
class Reading:
    """Which cells a figure is about and how they combine; or why the tables cannot answer it."""

    cells: tuple[Cell, ...] = ()
    base_cells: tuple[Cell, ...] = ()   # the earlier year of a ratio or change
    aggregate: Aggregate = "cell"
    not_in_data: str = ""               # the reason, when the tables cannot answer


@dataclass(frozen=True)
class Claim:
    """One row of ``claims.csv``."""

    claim_id: str
    sentence: str
    quote: str
    stated_value: float
    qualifier: str
    verdict: Verdict
    data_value: str
    cells: str
    rule: str
    evidence: str = ""   # the cells with their values, for claims.md
    span: tuple[int, int] = (0, 0)   # where the quote stands in the sentence
