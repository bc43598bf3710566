"""The report's view of a release: frames and checks turned into the page's frozen view objects
(``table_views``, ``footnote_views``, ``check_views``), and the template filled (``render_report``)."""

from __future__ import annotations

import json
import logging
import os
import pickle
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Callable

import pandas as pd

from pipeline.errors import shown
from pipeline.model import Release, Report
from pipeline.report.earlier import earlier_than
from pipeline.report.images import Page, Picture, pages_view
from pipeline.report.trend import COLUMNS as TREND_COLUMNS, Trend, titled, trend_view

log = logging.getLogger("jaarcijfers")


@dataclass(frozen=True)
class Cell:
    anchor: str  # "v<row>": the cell's id; its box in the page picture is "b<row>"
    year: int
    raw: str
    value: str  # the number as the <data> element's machine-readable value; "" when printed as "-"
    page: int


@dataclass(frozen=True)
class Row:
    metric_id: str
    label_nl: str
    label_en: str
    unit: str
    markers: tuple[str, ...]
    cells: tuple[Cell | None, ...]  # one per year of the table, None where the row has no number


@dataclass(frozen=True)
class PanelEntry:
    rank: int
    nationality_nl: str
    nationality_en: str
    code: str


@dataclass(frozen=True)
class Panel:
    heading: str
    year: int
    entries: tuple[PanelEntry, ...]


@dataclass(frozen=True)
class Table:
    anchor: str
    section_nl: str
    table_id: str
    table_nl: str
    table_en: str
    markers: tuple[str, ...]
    years: tuple[int, ...]  # newest first, as printed
    rows: tuple[Row, ...]
    panels: tuple[Panel, ...]
    trend: Trend | None


@dataclass(frozen=True)
class Footnote:
    id: str
    text: str
    where: tuple[tuple[str, str], ...]  # (anchor, Dutch title) of each table it applies to


@dataclass(frozen=True)
class Check:
    check: str
    description: str
    severity: str
    verdict: str
    details: tuple[tuple[tuple[str, str], ...], ...]  # each detail as (key, value) pairs


def _text(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def records(df: pd.DataFrame, columns: tuple[str, ...] | None = None) -> list[dict]:
    """The frame's rows (of ``columns`` only, if given) as dicts of plain values, null as None (faster to
    group than the frame itself). Taken column by column: ``Series.tolist`` gives the values ``to_dict``
    gives, in a few C calls per column instead of a Python call per value (a report's trends hold every
    earlier release's numbers)."""
    names = list(columns if columns is not None else df.columns)
    values = [[None if v is None or v is pd.NA or v != v else v for v in df[name].tolist()] for name in names]
    return [dict(zip(names, row)) for row in zip(*values)] if names else [{} for _ in range(len(df))]


def _grouped(rows: list[dict], *keys: str) -> dict[tuple, list[dict]]:
    """Rows grouped by ``keys``, groups and rows in their first order."""
    out: dict[tuple, list[dict]] = {}
    for r in rows:
        out.setdefault(tuple(r.get(k) for k in keys), []).append(r)
    return out


def table_views(release: Release, trends: dict[str, list[dict]], observations: list[dict]) -> list[Table]:
    """The release's tables in printed order, each with its rows, panels, markers and trend (``trends``: the
    observations of this and every earlier release by table, ``trend_groups``; ``observations``: the release's
    as ``records``)."""
    obs = [dict(r, anchor=f"v{i}") for i, r in enumerate(observations)]
    markers = _markers(records(release.footnotes))
    panels = _grouped(records(release.top_nationalities), "table_id")
    tables = []
    for number, rows in enumerate(_grouped(obs, "section_nl", "table_nl").values(), start=1):
        first = rows[0]
        table_id = _text(first["table_id"])
        years = tuple(sorted({int(r["year"]) for r in rows}, reverse=True))
        views = []
        for cells in _grouped(rows, "label_nl", "metric_id").values():
            by_year = {int(c["year"]): c for c in cells}
            metric = _text(cells[0]["metric_id"])
            views.append(Row(metric, _text(cells[0]["label_nl"]), _text(cells[0].get("label_en")),
                             _text(cells[0]["unit"]), markers.get((table_id, metric), ()) if metric else (),
                             tuple(_cell(by_year[y]) if y in by_year else None for y in years)))
        tables.append(Table(f"t{number}", _text(first["section_nl"]), table_id, _text(first["table_nl"]),
                            _text(first.get("table_en")), markers.get((table_id, ""), ()) if table_id else (),
                            years, tuple(views), _panels(panels.get((first["table_id"],), []) if table_id else []),
                            trend_view(trends.get(first["table_id"], [])) if table_id else None))
    return tables


def _cell(c: dict) -> Cell:
    return Cell(c["anchor"], int(c["year"]), _text(c["raw"]), _text(c["value"]), int(c["page"]))


def _markers(footnotes: list[dict]) -> dict[tuple[str, str], tuple[str, ...]]:
    """(table_id, metric_id or "" for the title) -> the footnote ids whose marker stands there."""
    out: dict[tuple[str, str], set[str]] = {}
    for f in footnotes:
        out.setdefault((_text(f["table_id"]), _text(f["metric_id"])), set()).add(_text(f["footnote_id"]))
    return {k: tuple(sorted(v, key=lambda i: (len(i), i))) for k, v in out.items()}


def _panels(entries: list[dict]) -> tuple[Panel, ...]:
    """The table's top-3 panels, one per year, ranks in order."""
    panels = []
    for (year,), ranked in sorted(_grouped(entries, "year").items()):
        ranked = sorted(ranked, key=lambda e: e["rank"])
        heading = _text(ranked[0].get("panel_nl")) or _text(ranked[0]["table_nl"])
        panels.append(Panel(heading, int(year), tuple(
            PanelEntry(int(e["rank"]), _text(e["nationality_nl"]), _text(e.get("nationality_en")),
                       _text(e["nationality_code"])) for e in ranked)))
    return tuple(panels)


def footnote_views(release: Release, tables: list[Table]) -> list[Footnote]:
    """Every footnote once, with the tables its markers stand on."""
    anchors = {t.table_id: (t.anchor, t.table_nl) for t in tables if t.table_id}
    texts: dict[str, str] = {}
    where: dict[str, list[tuple[str, str]]] = {}
    for f in records(release.footnotes):
        fid = _text(f["footnote_id"])
        texts[fid] = _text(f["text"])
        place = anchors.get(_text(f["table_id"]))
        if place and place not in where.setdefault(fid, []):
            where[fid].append(place)
    return [Footnote(fid, texts[fid], tuple(where.get(fid, ()))) for fid in sorted(texts, key=lambda i: (len(i), i))]


def check_views(report: Report) -> list[Check]:
    return [Check(r.check, r.description, r.severity, r.verdict,
                  tuple(tuple((str(k), _detail(v)) for k, v in d.items()) for d in r.details))
            for r in report.results]


def _detail(v) -> str:
    """A check detail's value: cells as ``table_id/metric_id/year``, other lists and mappings as JSON."""
    if isinstance(v, (list, tuple)) and all(isinstance(c, dict) and {"table_id", "metric_id", "year"} <= c.keys()
                                            for c in v):
        return "; ".join(f"{c['table_id']}/{c['metric_id']}/{c['year']}" for c in v)
    if isinstance(v, (list, tuple, dict)):
        return json.dumps(v, ensure_ascii=False, default=str)
    return _text(v)


@lru_cache(maxsize=1)
def template():
    """The page's template, compiled once per process (a batch worker renders many), and kept compiled from one
    run to the next in Jinja's bytecode cache (``compiled_cache``)."""
    return load_template(compiled_cache())


def load_template(cache=None):
    """The page's template, loaded through the bytecode cache ``cache`` (None: compiled)."""
    from jinja2 import Environment, FileSystemLoader, StrictUndefined

    env = Environment(loader=FileSystemLoader(Path(__file__).parent), autoescape=True, undefined=StrictUndefined,
                      trim_blocks=True, lstrip_blocks=True, bytecode_cache=cache)
    return env.get_template("report.html.j2")


def compiled_cache(directory: str | None = None):
    """Jinja's bytecode cache of compiled templates, in ``directory`` or Jinja's own place for it (a directory
    of the user's, mode 0700, in the system's temporary directory); None where that cannot be made.

    Compiling the page's template takes about 0.04 s, on the critical path of every release; loading it
    compiled, a millisecond. As with Python's ``__pycache__``, an entry is used only for the same template text
    (its checksum) and the same Python, and it is only a cache: where it cannot be made or written, the
    template is compiled as it would be without it (an entry that cannot be read, too)."""
    from jinja2 import FileSystemBytecodeCache

    class Cache(FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except (OSError, EOFError, ValueError, TypeError, pickle.UnpicklingError) as exc:  # damaged: compiled
                bucket.reset()
                log.debug("the cached report template was not read: %s", exc)

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError as exc:
                log.debug("the compiled report template was not cached: %s", exc)

    try:
        return Cache(directory)
    except (OSError, RuntimeError) as exc:
        log.debug("no cache for the compiled report template: %s", exc)
        return None


def render_report(release: Release, report: Report, pictures: list[Picture], areas: tuple,
                  trends: dict[str, list[dict]], provenance: dict[str, str]) -> str:
    """The page. ``pictures``: one per page (``images.page_pictures``: the page with the legend strip below),
    of the page ``areas`` (``RawRelease.pages``: each page's box in PDF points), or none when they could not
    be drawn; ``trends``: the observations of every release under DIR (this one included) as the trends read
    them, by table (``trend_groups``); ``provenance``: source, sha256, version."""
    return report_renderer(release, report, areas, trends, provenance)(pictures)


def report_renderer(release: Release, report: Report, areas: tuple, trends: dict[str, list[dict]],
                    provenance: dict[str, str]) -> Callable[[list[Picture]], str]:
    """All of ``render_report`` but the pictures, done: the function that fills the template with them (the
    pictures are drawn meanwhile, in another process)."""
    observations = records(release.observations)
    tables = table_views(release, trends, observations)
    context = dict(
        release=release, report=report, provenance=provenance, tables=tables,
        sections=_sections(tables), footnotes=footnote_views(release, tables), checks=check_views(report),
        counts={v: sum(1 for r in report.results if r.verdict == v) for v in ("passed", "failed", "warning")},
        vintage_years=sorted({int(r["release_year"]) for rows in trends.values() for r in rows}))
    page = template()

    def render(pictures: list[Picture]) -> str:
        pages = pages_view(pictures, areas, observations)
        return page.render(**context, pages=pages, pictured={p.number for p in pages if p.src}, drawn=bool(pictures))

    return render


def trend_groups(release: Release, files: tuple[str, ...]) -> dict[str, list[dict]]:
    """What the trends read (``trend.COLUMNS``, ``trend.titled``) of every earlier release in ``files``, then of
    this release, as plain records by table_id."""
    groups: dict[str, list[dict]] = {}
    earlier = [earlier_trends(f) for f in earlier_than(files, release.release_year)]
    for part in [*earlier, _by_table(titled(records(release.observations, TREND_COLUMNS)))]:
        for table_id, rows in part.items():
            groups.setdefault(table_id, []).extend(rows)
    return groups


def earlier_trends(path: str) -> dict[str, list[dict]]:
    """``trend_groups`` of an earlier release: as the run found it, within a batch (``earlier_as_found``);
    else read once per process while the file stays the same (a file written anew has another inode or time,
    and is read again)."""
    if path in _AS_FOUND:
        return _AS_FOUND[path]
    st = os.stat(path)
    return _read_trends(path, (st.st_ino, st.st_size, st.st_mtime_ns))


_AS_FOUND: dict[str, dict[str, list[dict]]] = {}  # path -> its trends as the batch found it (``earlier_as_found``)


@contextmanager
def earlier_as_found(files: tuple[str, ...]):
    """Within the block, each release in ``files`` shows in the trends as it was when the block began: a batch
    enters it before it writes any release, so that one it writes anew does not show in some later reports
    as it was and in others as it is now, by which finished first (``report.earlier``). Read here, once, and
    inherited by the workers forked within. One that cannot be read is left to the report that shows it."""
    for path in files:
        with suppress(Exception):
            _AS_FOUND[path] = earlier_trends(path)
    try:
        yield
    finally:
        _AS_FOUND.clear()


@lru_cache(maxsize=64)
def _read_trends(path: str, stamp: tuple[int, int, int]) -> dict[str, list[dict]]:
    from pipeline.vintages import read_parquet

    return _by_table(titled(records(read_parquet(path), TREND_COLUMNS)))


def _by_table(rows: list[dict]) -> dict[str, list[dict]]:
    return {table_id: group for (table_id,), group in _grouped(rows, "table_id").items()}


def release_page(pdf: Path, raw, release: Release, report: Report, files: tuple[str, ...],
                 pictures: list[Picture]) -> str:
    """The report of a release read from ``pdf`` (``raw``, as extracted), with its page ``pictures`` (drawn
    within the limits: ``runner.draw_report_pictures``); ``files``: the releases under the output folder
    (``earlier.release_files``) whose earlier ones the trends show."""
    return release_renderer(pdf, raw, release, report, files)(pictures)


def release_renderer(pdf: Path, raw, release: Release, report: Report, files: tuple[str, ...]
                     ) -> Callable[[list[Picture]], str]:
    """``release_page`` but for its pictures: the function that makes the page of them."""
    from pipeline import __version__
    from pipeline.datapackage import sha256

    provenance = {"source": shown(Path(pdf).name), "sha256": sha256(Path(pdf)), "version": __version__}
    return report_renderer(release, report, raw.pages, trend_groups(release, files), provenance)


def _sections(tables: list[Table]) -> list[tuple[str, list[Table]]]:
    """Consecutive tables under the same section heading."""
    sections: list[tuple[str, list[Table]]] = []
    for t in tables:
        if sections and sections[-1][0] == t.section_nl:
            sections[-1][1].append(t)
        else:
            sections.append((t.section_nl, [t]))
    return sections

