"""``schemas/claims.yaml`` loaded into validated objects: the numbers, hedges, years and cue words of Dutch
press releases, and which table cells the cue words point to.

Unknown keys are rejected, and every table_id and metric_id must exist in ``schemas/tables.yaml``: a typo is a
``ConfigError`` naming the file, not a figure silently left unchecked.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator

from pipeline.claims.tokens import Cue, CueIndex, compile_cue
from pipeline.errors import ConfigError
from pipeline.schema_files import SchemasDir, find_schemas
from pipeline.schemas import Strict, Unit, _load, load_schemas


class Term(Strict):
    x: float = 1.0
    u: float = 0.0

    def at(self, x: float, u: float) -> float:
        return self.x * x + self.u * u

    def __str__(self) -> str:
        x = "x" if self.x == 1 else "" if self.x == 0 else f"{self.x:g}x"
        if not self.u:
            return x or "0"
        u = ("u" if abs(self.u) == 1 else f"{abs(self.u):g}u")
        return f"{x} {'-' if self.u < 0 else '+'} {u}" if x else f"{'-' if self.u < 0 else ''}{u}"


class HedgeDef(Strict):
    words: list[str]
    lower: list[Term] = Field(min_length=1)
    upper: list[Term] = Field(min_length=1)
    closed: Literal["[)", "(]", "[]", "()"]


class Fraction(Strict):
    value: float
    step: float = Field(gt=0)


class NumbersDef(Strict):
    words: dict[str, float]
    articles: list[str]
    multipliers: dict[str, float]
    percent: list[str]
    points: list[str]
    percent_max_step: float = Field(gt=0)
    fractions: dict[str, Fraction]
    multiples: dict[str, float]
    other_units: dict[str, list[str]]
    names: list[str]


class YearsDef(Strict):
    range: tuple[int, int]
    text_year_cues: list[str]
    months: list[str]
    relative: dict[str, int]


class ComparisonDef(Strict):
    after: list[str] = Field(default_factory=list)
    before: list[str] = Field(default_factory=list)


class ComparisonsDef(Strict):
    ratio: ComparisonDef
    increase: ComparisonDef
    decrease: ComparisonDef
    after_window: int = Field(ge=1)


class DataUnits(Strict):
    number: list[Unit]
    share: list[Unit]


class SubjectDef(Strict):
    cues: list[str] = Field(min_length=1)
    tables: list[str] = Field(min_length=1)
    metrics: list[str] = Field(default_factory=list)
    aggregate: Literal["sum"] | None = None


class MeasureDef(Strict):
    cues: list[str] = Field(min_length=1)
    metrics: list[str] = Field(min_length=1)


class ClaimsFile(Strict):
    numbers: NumbersDef
    hedges: dict[str, HedgeDef]
    years: YearsDef
    contrast: list[str]
    respectively: list[str]
    not_in_tables: list[str]
    comparisons: ComparisonsDef
    data_units: DataUnits
    subjects: dict[str, SubjectDef]
    measures: dict[str, MeasureDef]

    @model_validator(mode="after")
    def _none_hedge(self):
        if "none" not in self.hedges or self.hedges["none"].words:
            raise ValueError("hedges needs an entry 'none' without words (a figure stated without a hedge)")
        return self


@dataclass(frozen=True)
class Interval:
    lo: float
    hi: float
    lo_closed: bool
    hi_closed: bool

    def __contains__(self, v: float) -> bool:
        above = v >= self.lo if self.lo_closed else v > self.lo
        below = v <= self.hi if self.hi_closed else v < self.hi
        return above and below

    def __str__(self) -> str:
        return f"{'[' if self.lo_closed else '('}{_num(self.lo)}, {_num(self.hi)}{']' if self.hi_closed else ')'}"


def _num(v: float) -> str:
    return f"{round(v, 6):g}" if abs(v) < 1e6 else f"{v:.0f}"


@dataclass(frozen=True)
class Hedge:
    name: str
    spec: HedgeDef

    def interval(self, x: float, u: float) -> Interval:
        return Interval(max(t.at(x, u) for t in self.spec.lower), min(t.at(x, u) for t in self.spec.upper),
                        self.spec.closed[0] == "[", self.spec.closed[1] == "]")

    def formula(self) -> str:
        lo = [str(t) for t in self.spec.lower]
        hi = [str(t) for t in self.spec.upper]
        lo_s = lo[0] if len(lo) == 1 else f"max({', '.join(lo)})"
        hi_s = hi[0] if len(hi) == 1 else f"min({', '.join(hi)})"
        return f"{self.spec.closed[0]}{lo_s}, {hi_s}{self.spec.closed[1]}"


class Lexicon:
    """The compiled lexicon: cue phrases as token patterns, each with what it stands for."""

    def __init__(self, data: ClaimsFile) -> None:
        self.data = data
        n, y = data.numbers, data.years
        self.hedges = {name: Hedge(name, h) for name, h in data.hedges.items()}
        self.hedge_cues = _cues((w, name) for name, h in data.hedges.items() for w in h.words)
        self.fractions = CueIndex(_cues((p, f) for p, f in n.fractions.items()))
        self.relative_years = CueIndex(_cues(y.relative.items()))
        self.names = [compile_cue(p) for p in n.names]
        self.unit_words = _cues((w, unit) for unit, ws in n.other_units.items() for w in ws)
        self.percent = _cues((w, "percent") for w in n.percent)
        self.points = _cues((w, "points") for w in n.points)
        self.multipliers = {w: v for w, v in n.multipliers.items()}
        self.words = dict(n.words)
        self.articles = set(n.articles)
        self.multiples = dict(n.multiples)
        self.months = set(y.months)
        self.text_year_cues = set(y.text_year_cues)
        c = data.comparisons
        self.after_cues = _cues((w, kind) for kind in ("ratio", "increase", "decrease")
                                for w in getattr(c, kind).after)
        # one pass over a sentence finds every kind of cue, longest first
        self.sentence_cues = CueIndex(
            _cues((w, ("contrast", w)) for w in data.contrast)
            + _cues((w, ("respectively", w)) for w in data.respectively)
            + _cues((w, ("blocker", w)) for w in data.not_in_tables)
            + _cues((w, ("before", kind)) for kind in ("increase", "decrease") for w in getattr(c, kind).before)
            + _cues((w, ("subject", name)) for name, s in data.subjects.items() for w in s.cues)
            + _cues((w, ("measure", name)) for name, m in data.measures.items() for w in m.cues))

    @property
    def subjects(self) -> dict[str, SubjectDef]:
        return self.data.subjects

    @property
    def measures(self) -> dict[str, MeasureDef]:
        return self.data.measures


def _cues(pairs) -> list[tuple[Cue, object]]:
    return [(compile_cue(phrase), key) for phrase, key in pairs]


def load_lexicon(directory: Path | str | None = None) -> Lexicon:
    """The lexicon from ``find_schemas(directory)`` (--schemas, $JAARCIJFERS_SCHEMAS, the packaged schemas/),
    loaded once per process until the file changes."""
    source = find_schemas(directory)
    path = source.path / "claims.yaml"
    return _cached_lexicon(source, path.stat().st_mtime_ns if path.exists() else 0)


@lru_cache(maxsize=4)
def _cached_lexicon(source: SchemasDir, stamp: int) -> Lexicon:
    path = source.path / "claims.yaml"
    data: ClaimsFile = _load(path, ClaimsFile, source)
    tables = load_schemas(source.path if source.origin == "--schemas" else None).tables
    for name, s in data.subjects.items():
        for tid in s.tables:
            if tid not in tables:
                raise ConfigError(path, f"subject {name} names table '{tid}', which schemas/tables.yaml does not "
                                  "define.", "Fix it.")
            for mid in s.metrics:
                if mid not in tables[tid].metrics:
                    raise ConfigError(path, f"subject {name} names metric '{mid}', which table {tid} does not "
                                      "have in schemas/tables.yaml.", "Fix it.")
    known = {mid for t in tables.values() for mid in t.metrics}
    for name, m in data.measures.items():
        for mid in m.metrics:
            if mid not in known:
                raise ConfigError(path, f"measure {name} names metric '{mid}', which schemas/tables.yaml does "
                                  "not define.", "Fix it.")
    return Lexicon(data)
