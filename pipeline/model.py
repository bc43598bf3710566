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
    UNACCOUNTED = "unaccounted"  # a number no pass took
    LEFT_OVER = "left-over word"  # a word no pass took, inside a table, panel or footnote
    STRAY = "stray word"  # a word no pass took, outside every table, panel and footnote


@dataclass(frozen=True)
class Token:
    """A word as printed: its text, box, font size and font name. ``marker`` when small and raised;
    ``glued`` when printed against the token before it with no gap (``Gezin`` + ``1``: one printed word)."""

    text: str
    box: Box
    size: float
    font: str = ""
    upright: bool = True
    marker: bool = False
    glued: bool = False

    @property
    def style(self) -> tuple[str, float]:
        return (self.font, round(self.size, 1))


@dataclass(frozen=True)
class Cell:
    raw: str
    year: int
    box: Box
    markers: tuple[str, ...] = ()  # a footnote marker glued to the figure itself (``190`` + ``2``)


@dataclass(frozen=True)
class RawRow:
    label: str
    markers: tuple[str, ...]
    cells: tuple[Cell, ...]
    box: Box
    printed: str = ""  # when a marker was read from a full-size number: the label with it, as printed
    tentative: tuple[str, ...] = ()  # ... and the ids so read (normalize decides against schemas/)


@dataclass(frozen=True)
class RawTable:
    title: str
    markers: tuple[str, ...]
    years: tuple[int, ...]
    section: str
    rows: tuple[RawRow, ...]
    box: Box
    printed: str = ""  # as RawRow: the title with a full-size marker, as printed
    tentative: tuple[str, ...] = ()
    unclear: tuple[str, ...] = ()  # wrapped labels that neither spacing nor evidence split: the conventions left


@dataclass(frozen=True)
class RankingEntry:
    rank: int
    text: str
    box: Box


@dataclass(frozen=True)
class Ranking:
    """A top-3 panel; ``table``: index in ``RawRelease.tables`` of the table it stands by (None: see why)."""
    title: str
    year: int | None
    entries: tuple[RankingEntry, ...]
    box: Box
    table: int | None = None
    placement: str = ""  # how it stands to its table ("right of", "below"), or why it has none


@dataclass(frozen=True)
class RawFootnote:
    id: str
    text: str
    box: Box


@dataclass(frozen=True)
class AuditEntry:
    """A token with the role the extraction gave it (every word on every page)."""

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
    title_year: int | None = None  # the year the release title names
    refused_headers: tuple[tuple[tuple[int, ...], int], ...] = ()  # three years on a line, not newest first

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


class ProblemKind(str, Enum):
    """What is wrong with one item of a release; errors.py words each kind as one line."""

    UNKNOWN_TABLE = "unknown table title"
    UNKNOWN_ROW = "unknown row label"
    UNKNOWN_NATIONALITY = "unknown nationality"
    MISSING_TABLE = "missing table"
    MISSING_ROW = "missing row"
    UNACCOUNTED = "unaccounted number"
    UNPARSED = "not a Dutch number"
    MARKER_WITHOUT_TEXT = "footnote marker without text"
    TEXT_WITHOUT_MARKER = "footnote text without marker"
    TEXT_TWICE = "footnote text printed twice"
    AMBIGUOUS_MARKER = "footnote marker or part of the text"
    UNCLEAR_WRAP = "wrapped labels not split"
    TITLE_YEAR = "release title year"
    LEFT_OVER_WORD = "word left over inside a table, panel or footnote"
    STRAY_WORD = "word outside every table, panel and footnote"
    PANEL_WITHOUT_TABLE = "top-3 panel without its table"
    PANEL_ELSEWHERE = "top-3 panel whose heading names another table"


MAPPING = frozenset({ProblemKind.UNKNOWN_TABLE, ProblemKind.UNKNOWN_ROW, ProblemKind.UNKNOWN_NATIONALITY,
                     ProblemKind.MISSING_TABLE, ProblemKind.MISSING_ROW})
FOOTNOTE_LINKS = frozenset({ProblemKind.MARKER_WITHOUT_TEXT, ProblemKind.TEXT_WITHOUT_MARKER,
                            ProblemKind.TEXT_TWICE, ProblemKind.AMBIGUOUS_MARKER})


@dataclass(frozen=True)
class Problem:
    """One item that stops a release (or, with --allow-unmapped, is kept flagged), as found.

    ``text`` is as printed (a title, label, name, number or footnote id; for a missing table or row, its Dutch
    text in schemas/), ``id`` the canonical id where one is meant, ``where`` says where it stands (``table
    documents, page 3``), ``add_to`` the schemas/ file that would know it, ``close`` a known text close to it
    and its id (the "did you mean").
    """

    kind: ProblemKind
    text: str
    where: str = ""
    box: Box | None = None
    id: str = ""
    add_to: str = ""
    close: tuple[str, str] | None = None

    def detail(self) -> dict:
        """The problem as plain data, for validation.json."""
        out: dict = {"kind": self.kind.value, "text": self.text}
        out.update({k: v for k, v in (("id", self.id), ("where", self.where), ("add_to", self.add_to)) if v})
        if self.close:
            out["did_you_mean"] = {"text": self.close[0], "id": self.close[1]}
        if self.box:
            out.update(self.box.as_dict())
        return out


@dataclass(frozen=True)
class Marker:
    """A footnote marker and what it stands on: a table's title (``metric_id`` None) or one of its rows."""

    footnote_id: str
    table_id: str | None
    metric_id: str | None
    on: str  # "title 'Familie & Gezin' (page 1)" or "label 'Aanvragen' (page 1)"


@dataclass
class Release:
    """The normalized release: the contract's three output tables, plus what normalize found wrong.

    ``problems`` holds every title, label, panel or nationality ``schemas/`` does not know, every expected
    table or row that is absent, every number that does not parse and every broken footnote link, found once
    in normalize; ``markers`` every footnote marker with the ids it stands on.
    """

    source: str
    release_year: int
    years: tuple[int, ...]
    title: str
    observations: pd.DataFrame
    top_nationalities: pd.DataFrame
    footnotes: pd.DataFrame
    problems: tuple[Problem, ...] = ()
    markers: tuple[Marker, ...] = ()

    def of_kind(self, kinds) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.kind in kinds)

    @property
    def unmapped(self) -> tuple[Problem, ...]:
        """What schemas/ does not know, or expects and did not find."""
        return self.of_kind(MAPPING)


@dataclass(frozen=True)
class CheckResult:
    """One validation check: its verdict and the numbers involved."""

    check: str
    description: str
    severity: str  # "error" | "warning"
    passed: bool
    details: tuple[dict, ...] = ()
    problems: tuple[Problem, ...] = ()  # the items behind the details, where the check is about items
    group: str = "release"  # "release" (what was read), "consistency" (schemas/checks.yaml) or "schema"

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
