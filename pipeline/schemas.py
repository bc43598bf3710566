"""The data in ``schemas/`` loaded into validated objects.

Each YAML file is parsed into a pydantic model that rejects unknown keys, so a typo in a mapping is a
loud ``ConfigError`` naming the file, not a silently ignored entry. No Dutch label lives in the code: it
all comes from here.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from pipeline.errors import ConfigError
from pipeline.schema_files import ENV_VAR, SchemasDir, find_schemas

_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when available: 10x faster
SNAKE = re.compile(r"^[a-z][a-z0-9_]*$")
Unit = Literal["count", "percent", "fte"]


def match_key(text: str) -> str:
    """How labels are compared: Unicode-normalized, dashes unified, white space collapsed, case folded."""
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"[‐‑‒–—―]", "-", text).replace("’", "'")
    return re.sub(r"\s+", " ", text).strip().casefold()


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Variant(Strict):
    nl: str
    seen: list[int] = Field(default_factory=list)


class MetricMap(Strict):
    labels: list[Variant]
    first_year: int | None = None
    last_year: int | None = None


class TableMap(Strict):
    description: str = ""
    en: str = Field(min_length=1)  # the short English name (column table_en)
    titles: list[Variant]
    panel_titles: list[Variant] = Field(default_factory=list)
    metrics: dict[str, MetricMap]
    first_year: int | None = None
    last_year: int | None = None  # set when a table really ended; it is then no longer expected after it

    def expected_in(self, year: int) -> bool:
        return (self.first_year or 0) <= year <= (self.last_year or 9999)


class TablesFile(Strict):
    tables: dict[str, TableMap]

    @field_validator("tables")
    @classmethod
    def _ids(cls, tables):
        for tid, t in tables.items():
            for mid in [tid, *t.metrics]:
                if not SNAKE.match(mid):
                    raise ValueError(f"id '{mid}' is not snake_case")
        return tables


class MetricDef(Strict):
    en: str = Field(min_length=1)  # the short English name (column label_en)
    unit: Unit
    description: str


class MetricsFile(Strict):
    metrics: dict[str, MetricDef]


class Nationality(Strict):
    name_en: str
    nl: list[str]


class NationalitiesFile(Strict):
    nationalities: dict[str, Nationality]

    @field_validator("nationalities")
    @classmethod
    def _alpha3(cls, value):
        bad = [c for c in value if not re.fullmatch(r"[A-Z]{3}", c)]
        if bad:
            raise ValueError(f"not ISO 3166-1 alpha-3 codes: {bad}")
        return value


class Ref(Strict):
    table: str
    metric: str


class CheckDef(Strict):
    id: str
    description: str
    kind: Literal["sum", "at_most_sum", "stock_flow"]
    severity: Literal["error", "warning"]
    total: Ref | None = None
    parts: list[Ref] = Field(default_factory=list)
    stock: str | None = None
    inflow: str | None = None
    outflow: str | None = None

    @model_validator(mode="after")
    def _shape(self):
        if self.kind in ("sum", "at_most_sum") and (self.total is None or not self.parts):
            raise ValueError(f"check {self.id}: kind {self.kind} needs total and parts")
        if self.kind == "stock_flow" and not (self.stock and self.inflow and self.outflow):
            raise ValueError(f"check {self.id}: kind stock_flow needs stock, inflow and outflow")
        return self


class ChecksFile(Strict):
    checks: list[CheckDef]


class KnownFootnote(Strict):
    release: int
    id: str
    table: str
    metric: str | None = None
    text: str


class FootnotesFile(Strict):
    footnotes: list[KnownFootnote]


class LayoutFile(Strict):
    release_title: str
    panel_heading: str
    page_number: list[str]
    running_text: list[str]
    caption_number: str


@dataclass(frozen=True)
class Layout:
    release_title: re.Pattern
    panel_heading: re.Pattern
    page_number: tuple[re.Pattern, ...]
    running_text: tuple[re.Pattern, ...]
    caption_number: re.Pattern


def _load(path: Path, model: type[BaseModel], source: SchemasDir):
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except FileNotFoundError:
        raise ConfigError(path, *source.missing(path.name)) from None
    except yaml.YAMLError as exc:
        raise ConfigError(path, f"is not valid YAML ({str(exc).splitlines()[0]}).", "Fix the file.") from None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ConfigError(path, f"invalid entry at {where}: {first['msg']}.", "Fix the file.") from None


class Schemas:
    """Every mapping the pipeline needs, with the look-ups normalize uses."""

    def __init__(self, directory: Path | str | SchemasDir | None = None) -> None:
        self.source = directory if isinstance(directory, SchemasDir) else find_schemas(directory)
        self.dir = self.source.path
        if not self.dir.is_dir():
            raise ConfigError(self.dir, *self.source.missing())
        self.tables: dict[str, TableMap] = self._load("tables.yaml", TablesFile).tables
        self.metrics: dict[str, MetricDef] = self._load("metrics.yaml", MetricsFile).metrics
        self.nationalities = self._load("nationalities.yaml", NationalitiesFile).nationalities
        self.checks: list[CheckDef] = self._load("checks.yaml", ChecksFile).checks
        self.footnotes: list[KnownFootnote] = self._load("footnotes.yaml", FootnotesFile).footnotes
        lay = self._load("layout.yaml", LayoutFile)
        self.layout = Layout(re.compile(lay.release_title), re.compile(lay.panel_heading),
                             tuple(re.compile(p) for p in lay.page_number),
                             tuple(re.compile(p) for p in lay.running_text), re.compile(lay.caption_number))
        self._cross_check()

    def _load(self, name: str, model: type[BaseModel]):
        return _load(self.dir / name, model, self.source)

    def path(self, name: str) -> str:
        """How messages name a mapping file: the project's ``schemas/...``, or the maintainer's own copy."""
        return str(self.dir / name) if self.source.origin in ("--schemas", ENV_VAR) else f"schemas/{name}"

    def _cross_check(self) -> None:
        for tid, t in self.tables.items():
            for mid in t.metrics:
                if mid not in self.metrics:
                    raise ConfigError(self.dir / "tables.yaml", f"table {tid} uses metric '{mid}', which "
                                      "schemas/metrics.yaml does not define.", "Add it there.")
        for f in self.footnotes:
            if f.table not in self.tables or (f.metric and f.metric not in self.tables[f.table].metrics):
                raise ConfigError(self.dir / "footnotes.yaml", f"footnote {f.release}/{f.id} names "
                                  f"{f.table}.{f.metric}, which schemas/tables.yaml does not define.", "Fix it.")
        for check in self.checks:
            for ref in [check.total, *check.parts]:
                if ref and (ref.table not in self.tables or ref.metric not in self.tables[ref.table].metrics):
                    raise ConfigError(self.dir / "checks.yaml", f"check {check.id} names {ref.table}."
                                      f"{ref.metric}, which schemas/tables.yaml does not define.", "Fix it.")

    @cached_property
    def _titles(self) -> dict[str, str]:
        return self._index({tid: t.titles for tid, t in self.tables.items()}, "title")

    @cached_property
    def _panel_titles(self) -> dict[str, str]:
        return self._index({tid: t.panel_titles + t.titles for tid, t in self.tables.items()}, "panel title")

    @cached_property
    def _labels(self) -> dict[str, dict[str, str]]:
        """table_id -> label (``match_key``) -> metric_id; the first metric listing a label has it."""
        index: dict[str, dict[str, str]] = {}
        for tid, t in self.tables.items():
            labels = index[tid] = {}
            for mid, m in t.metrics.items():
                for v in m.labels:
                    labels.setdefault(match_key(v.nl), mid)
        return index

    @cached_property
    def _nationality_codes(self) -> dict[str, str]:
        return {match_key(v): code for code, n in self.nationalities.items() for v in n.nl}

    def _index(self, variants: dict[str, list[Variant]], what: str) -> dict[str, str]:
        index: dict[str, str] = {}
        for tid, vs in variants.items():
            for v in vs:
                key = match_key(v.nl)
                if index.get(key, tid) != tid:
                    raise ConfigError(self.dir / "tables.yaml", f"the {what} '{v.nl}' belongs to both "
                                      f"{index[key]} and {tid}.", "Keep it under one table.")
                index[key] = tid
        return index

    def table_for_title(self, text: str) -> str | None:
        return self._titles.get(match_key(text))

    def table_for_panel(self, text: str) -> str | None:
        return self._panel_titles.get(match_key(text))

    def metric_for_label(self, table_id: str, text: str) -> str | None:
        return self._labels[table_id].get(match_key(text))

    def nationality_code(self, text: str) -> str | None:
        return self._nationality_codes.get(match_key(text))

    def closest_title(self, text: str) -> tuple[str, str] | None:
        """The known table title closest to ``text`` (a misprint or a small rename), with its table id."""
        return _closest(text, [(v.nl, tid) for tid, t in self.tables.items() for v in t.titles])

    def closest_label(self, table_id: str, text: str) -> tuple[str, str] | None:
        return _closest(text, [(v.nl, mid) for mid, m in self.tables[table_id].metrics.items() for v in m.labels])

    def closest_nationality(self, text: str) -> tuple[str, str] | None:
        return _closest(text, [(v, code) for code, n in self.nationalities.items() for v in n.nl])

    def expected_tables(self, year: int) -> list[str]:
        return [tid for tid, t in self.tables.items() if t.expected_in(year)]

    def expected_metrics(self, table_id: str, year: int) -> list[str]:
        t = self.tables[table_id]
        return [mid for mid, m in t.metrics.items() if (m.first_year or 0) <= year <= (m.last_year or 9999)]


CLOSE_ENOUGH = 0.8  # difflib's ratio above which an unknown text is taken for a misprint of a known one


def _closest(text: str, known: list[tuple[str, str]]) -> tuple[str, str] | None:
    """(text as in schemas/, id) of the known text closest to ``text``, if it is close enough."""
    keys = {match_key(nl): (nl, id_) for nl, id_ in known}
    found = difflib.get_close_matches(match_key(text), list(keys), n=1, cutoff=CLOSE_ENOUGH)
    return keys[found[0]] if found else None


def load_schemas(directory: Path | str | None = None) -> Schemas:
    """Schemas from ``find_schemas(directory)``, loaded once per process (a batch worker reuses them for
    every PDF) until a file changes."""
    source = find_schemas(directory)
    stamp = tuple((p.name, p.stat().st_mtime_ns, p.stat().st_size) for p in sorted(source.path.glob("*.yaml")))
    return _cached_schemas(source, stamp)


@lru_cache(maxsize=4)
def _cached_schemas(source: SchemasDir, stamp: tuple) -> Schemas:
    return Schemas(source)
