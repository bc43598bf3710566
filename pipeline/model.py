"""The data types that flow between the stages, named once.

extract:   PDF pages -> ``Token`` (a word with its box and size) -> ``RawRelease``
           (``RawTable`` with ``RawRow`` and ``Cell``; ``Ranking``; ``RawFootnote``; ``AuditEntry``)
normalize: ``RawRelease`` -> ``Release`` (three pandas frames, the contract's output tables)
validate:  ``Release`` -> ``Report`` (every ``CheckResult``)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only Release holds frames; reading a PDF does not need pandas
    import pandas as pd


@dataclass(frozen=True)
class Box:
    """Where something stands: 1-based page, PDF points, pdfplumber's convention (top grows downwards)."""

    page: int
    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def height(self) -> float:
        return self.bottom - self.top

    @property
    def xmid(self) -> float:
        return (self.x0 + self.x1) / 2

    @property
    def ymid(self) -> float:
        return (self.top + self.bottom) / 2

    def union(self, other: "Box") -> "Box":
        return Box(self.page, min(self.x0, other.x0), min(self.top, other.top),
                   max(self.x1, other.x1), max(self.bottom, other.bottom))

    def as_dict(self) -> dict:
        return {"page": self.page, "x0": round(self.x0, 2), "top": round(self.top, 2),
                "x1": round(self.x1, 2), "bottom": round(self.bottom, 2)}


class Kind(str, Enum):
    """What a token turned out to be. Every numeric token must end with one of these (the numbers audit)."""

    VALUE = "value"
    YEAR = "year header"
    RANK = "rank"
    MARKER = "footnote marker"
    TITLE = "title"
    LABEL = "label"
    PANEL = "panel entry"
    PANEL_TITLE = "panel title"
    PANEL_HEADING = "panel heading"
    SECTION = "section heading"
    FOOTNOTE = "footnote text"
    FURNITURE = "page furniture"
    UNACCOUNTED = "unaccounted"


@dataclass(frozen=True)
class Token:
    """A word as printed: its text, box, font size and font name. ``marker`` when small and raised."""

    text: str
    box: Box
    size: float
    font: str = ""
    upright: bool = True
    marker: bool = False

    @property
    def style(self) -> tuple[str, float]:
        return (self.font, round(self.size, 1))


@dataclass(frozen=True)
class Cell:
    raw: str
    year: int
    box: Box


@dataclass(frozen=True)
class RawRow:
    label: str
    markers: tuple[str, ...]
    cells: tuple[Cell, ...]
    box: Box


@dataclass(frozen=True)
class RawTable:
    title: str
    markers: tuple[str, ...]
    years: tuple[int, ...]
    section: str
    rows: tuple[RawRow, ...]
    box: Box


@dataclass(frozen=True)
class RankingEntry:
    rank: int
    text: str
    box: Box


@dataclass(frozen=True)
class Ranking:
    title: str
    year: int | None
    entries: tuple[RankingEntry, ...]
    box: Box


@dataclass(frozen=True)
class RawFootnote:
    id: str
    text: str
    box: Box


@dataclass(frozen=True)
class AuditEntry:
    """A token with the role the extraction gave it (every found token, and every numeric one)."""

    text: str
    kind: Kind
    box: Box


@dataclass(frozen=True)
class RawRelease:
    source: str
    title: str
    release_year: int
    years: tuple[int, ...]
    tables: tuple[RawTable, ...]
    panels: tuple[Ranking, ...]
    footnotes: tuple[RawFootnote, ...]
    audit: tuple[AuditEntry, ...]
    pages: tuple[Box, ...]  # each page's visible area (its crop box), as the words' boxes measure it

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def numeric(self) -> tuple[AuditEntry, ...]:
        """The tokens the numbers audit counts: every one holding a digit."""
        return tuple(a for a in self.audit if any(ch.isdigit() for ch in a.text))

    @property
    def unaccounted(self) -> tuple[AuditEntry, ...]:
        return tuple(a for a in self.audit if a.kind is Kind.UNACCOUNTED)


@dataclass
class Release:
    """The normalized release: the contract's three output tables, plus what could not be mapped."""

    source: str
    release_year: int
    years: tuple[int, ...]
    title: str
    observations: pd.DataFrame
    top_nationalities: pd.DataFrame
    footnotes: pd.DataFrame
    unmapped: list["Unmapped"] = field(default_factory=list)


@dataclass(frozen=True)
class Unmapped:
    """A title, label or nationality that schemas/ does not know, or an expected table that is absent."""

    kind: str  # "table" | "row" | "panel" | "nationality" | "missing table" | "missing row"
    text: str
    where: str  # e.g. "page 2" or "table documents"
    schema_file: str

    def describe(self) -> str:
        return f"{self.kind} '{self.text}' ({self.where}): add it to {self.schema_file}"


@dataclass(frozen=True)
class CheckResult:
    """One validation check: its verdict and the numbers involved."""

    check: str
    description: str
    severity: str  # "error" | "warning"
    passed: bool
    details: tuple[dict, ...] = ()

    @property
    def verdict(self) -> str:
        if self.passed:
            return "passed"
        return "failed" if self.severity == "error" else "warning"


@dataclass(frozen=True)
class Report:
    source: str
    release_year: int | None
    results: tuple[CheckResult, ...]

    @property
    def errors(self) -> tuple[CheckResult, ...]:
        return tuple(r for r in self.results if not r.passed and r.severity == "error")

    @property
    def ok(self) -> bool:
        return not self.errors
