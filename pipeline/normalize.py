"""RawRelease -> Release: Dutch labels to canonical ids, Dutch numbers to floats, markers to footnotes.

Each title and label is mapped once (``map_tables``), each number parsed once (``observation_rows``), each
footnote marker linked once (``markers_of``); what goes wrong is a ``Problem`` with its kind, handed to
validate in ``Release.problems``. Nothing is dropped: a title or label that ``schemas/`` does not know keeps
its row, with null ids and ``mapped = False``. The frames' columns and types come from ``contract``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from pipeline import contract
from pipeline.model import (
    Marker,
    Problem,
    ProblemKind,
    Ranking,
    RawFootnote,
    RawRelease,
    RawRow,
    RawTable,
    Release,
)
from pipeline.numbers import parse_number
from pipeline.schemas import Schemas

def clean_text(text: str) -> str:
    """White space collapsed, as printed otherwise."""
    return re.sub(r"\s+", " ", text).strip()


@dataclass(frozen=True)
class MappedRow:
    row: RawRow
    label: str  # as printed, white space collapsed (without a number read as a marker)
    metric_id: str | None
    markers: tuple[str, ...] = ()
    ambiguous: bool = False  # a full-size number that schemas/ knows both as text and as a marker


@dataclass(frozen=True)
class MappedTable:
    table: RawTable
    title: str
    table_id: str | None
    rows: tuple[MappedRow, ...]
    markers: tuple[str, ...] = ()
    ambiguous: bool = False


def normalize(raw: RawRelease, schemas: Schemas) -> Release:
    tables = map_tables(raw.tables, schemas)
    observations, unparsed = observation_rows(raw.release_year, tables, schemas)
    rankings, ranking_problems = ranking_rows(raw.release_year, raw.panels, tables, schemas)
    markers = markers_of(tables)
    problems = [*unclear_wraps(tables), *ambiguous_markers(tables), *unknown_titles_and_labels(tables, schemas),
                *missing_tables_and_rows(tables, raw.release_year, schemas), *ranking_problems, *unparsed,
                *footnote_link_problems(markers, raw.footnotes)]
    return Release(
        source=raw.source, release_year=raw.release_year, years=raw.years, title=raw.title,
        observations=frame(observations, "observations"),
        top_nationalities=frame(rankings, "top_nationalities"),
        footnotes=frame(footnote_rows(raw.release_year, markers, raw.footnotes), "footnotes"),
        problems=tuple(problems), markers=markers,
    )


def map_tables(raw_tables: tuple[RawTable, ...], schemas: Schemas) -> tuple[MappedTable, ...]:
    """Every table's title and row labels as printed, with their canonical ids (None when unknown)."""
    out = []
    for table in raw_tables:
        title, tid, markers, ambiguous = read_tentative(table, table.title, table.markers, schemas.table_for_title)
        rows = tuple(_map_row(r, tid, schemas) for r in table.rows)
        out.append(MappedTable(table, title, tid, rows, markers, ambiguous))
    return tuple(out)


def _map_row(row: RawRow, table_id: str | None, schemas: Schemas) -> MappedRow:
    def lookup(label: str) -> str | None:
        return schemas.metric_for_label(table_id, label) if table_id else None
    return MappedRow(row, *read_tentative(row, row.label, row.markers, lookup))


def read_tentative(item: RawRow | RawTable, text: str, markers: tuple[str, ...],
                   lookup) -> tuple[str, str | None, tuple[str, ...], bool]:
    """(text, id, markers, ambiguous) of a title or label. When the reader read its last number as a
    full-size footnote marker (its footnote exists), schemas/ decides: known as printed with the number
    (``Spoor 1``) and not without it, the number is text; known without it, a marker; known both ways,
    ambiguous (a problem); known neither way, a marker (the footnote is there, and no text says otherwise)."""
    text = clean_text(text)
    found = lookup(text)
    if not item.tentative:
        return text, found, markers, False
    printed = clean_text(item.printed)
    as_printed = lookup(printed)
    if as_printed and not found:
        return printed, as_printed, tuple(m for m in markers if m not in item.tentative), False
    return text, found, markers, bool(as_printed and found)


def unknown_titles_and_labels(tables: tuple[MappedTable, ...], schemas: Schemas) -> list[Problem]:
    problems = []
    for t in tables:
        if not t.table_id:
            problems.append(Problem(ProblemKind.UNKNOWN_TABLE, t.title, f"page {t.table.box.page}",
                                    add_to=schemas.path("tables.yaml"), close=schemas.closest_title(t.title)))
            continue
        problems += [Problem(ProblemKind.UNKNOWN_ROW, r.label, f"table {t.table_id}, page {r.row.box.page}",
                             add_to=f"{schemas.path('tables.yaml')} under {t.table_id}.metrics",
                             close=schemas.closest_label(t.table_id, r.label))
                     for r in t.rows if not r.metric_id]
    return problems


def unclear_wraps(tables: tuple[MappedTable, ...]) -> list[Problem]:
    """A table whose wrapped labels the reader could not split into rows (``extract.wraps``)."""
    return [Problem(ProblemKind.UNCLEAR_WRAP, t.title, f"page {t.table.box.page}", box=t.table.box,
                    id=" or ".join(t.table.unclear)) for t in tables if t.table.unclear]


def ambiguous_markers(tables: tuple[MappedTable, ...]) -> list[Problem]:
    """A title or label ending in a full-size number that schemas/ knows both with and without it."""
    problems = [Problem(ProblemKind.AMBIGUOUS_MARKER, clean_text(t.table.printed), f"title, page {t.table.box.page}",
                        id=",".join(t.table.tentative)) for t in tables if t.ambiguous]
    return problems + [Problem(ProblemKind.AMBIGUOUS_MARKER, clean_text(r.row.printed),
                               f"table {t.table_id}, page {r.row.box.page}", id=",".join(r.row.tentative))
                       for t in tables for r in t.rows if r.ambiguous]


def missing_tables_and_rows(tables: tuple[MappedTable, ...], year: int, schemas: Schemas) -> list[Problem]:
    """Every table and row ``schemas/`` expects in a release of ``year`` that is not in it."""
    problems = []
    seen = {t.table_id for t in tables if t.table_id}
    for t in tables:
        if not t.table_id:
            continue
        found = {r.metric_id for r in t.rows}
        for mid in schemas.expected_metrics(t.table_id, year):
            if mid not in found:
                labels = " / ".join(v.nl for v in schemas.tables[t.table_id].metrics[mid].labels)
                problems.append(Problem(ProblemKind.MISSING_ROW, labels, f"table {t.table_id}", id=mid,
                                        add_to=schemas.path("tables.yaml")))
    problems += [Problem(ProblemKind.MISSING_TABLE, schemas.tables[tid].titles[-1].nl, id=tid,
                         add_to=schemas.path("tables.yaml"))
                 for tid in schemas.expected_tables(year) if tid not in seen]
    return problems


def observation_rows(year: int, tables: tuple[MappedTable, ...],
                     schemas: Schemas) -> tuple[list[dict], list[Problem]]:
    """One row per printed number; each number parsed once (a number that does not parse is a Problem)."""
    rows, unparsed = [], []
    for t in tables:
        table_en = schemas.tables[t.table_id].en if t.table_id else None
        for r in t.rows:
            metric = schemas.metrics[r.metric_id] if r.metric_id else None
            for cell in r.row.cells:
                footnotes = _sort_ids(t.markers + r.markers + cell.markers) or None
                try:
                    value = parse_number(cell.raw)
                    status = "A" if value is not None else "M"  # M: printed as a dash, no figure
                except ValueError:
                    value, status = None, "A"
                    unparsed.append(Problem(ProblemKind.UNPARSED, cell.raw, f"table '{t.title}', row "
                                            f"'{r.label}', page {cell.box.page}", box=cell.box))
                rows.append({
                    "release_year": year, "section_nl": clean_text(t.table.section) or None,
                    "table_id": t.table_id, "table_nl": t.title, "table_en": table_en, "metric_id": r.metric_id,
                    "label_nl": r.label, "label_en": metric.en if metric else None, "year": cell.year,
                    "value": value, "unit": metric.unit if metric else ("percent" if "%" in cell.raw else "count"),
                    "obs_status": status, "raw": cell.raw,
                    "footnotes": footnotes, "mapped": bool(t.table_id and r.metric_id), **cell.box.as_dict(),
                })
    return rows, unparsed


def linked_table(ranking: Ranking, tables: tuple[MappedTable, ...], schemas: Schemas) -> tuple[
        MappedTable | None, Problem | None]:
    """The table a top-3 panel belongs to: the one the reader found it standing beside, above or below. Its
    heading is only a cross-check: when schemas/ gives it to another table of the release, that is a problem
    (one of the two was read wrong), and so is a panel by no table."""
    heading = clean_text(ranking.title)
    if ranking.table is None:
        return None, Problem(ProblemKind.PANEL_WITHOUT_TABLE, heading, ranking.placement, box=ranking.box)
    table = tables[ranking.table]
    named = schemas.table_for_panel(heading)
    if named and table.table_id and named != table.table_id and any(t.table_id == named for t in tables):
        return table, Problem(ProblemKind.PANEL_ELSEWHERE, heading, f"{ranking.placement} table '{table.title}' "
                              f"({table.table_id})", box=ranking.box, id=named)
    return table, None


def ranking_rows(year: int, rankings: tuple[Ranking, ...], tables: tuple[MappedTable, ...],
                 schemas: Schemas) -> tuple[list[dict], list[Problem]]:
    """One row per ranked nationality in a top-3 panel, with the table it belongs to."""
    rows, problems = [], []
    for ranking in rankings:
        heading = clean_text(ranking.title)
        table, problem = linked_table(ranking, tables, schemas)
        problems += [problem] if problem else []
        tid, table_nl = (table.table_id, table.title) if table else (None, None)
        for e in ranking.entries:
            name = clean_text(e.text)
            code = schemas.nationality_code(name)
            if not code:
                problems.append(Problem(ProblemKind.UNKNOWN_NATIONALITY, name, f"page {e.box.page}",
                                        add_to=schemas.path("nationalities.yaml"),
                                        close=schemas.closest_nationality(name)))
            rows.append({"release_year": year, "table_id": tid, "table_nl": table_nl, "panel_nl": heading,
                         "year": ranking.year or year, "rank": e.rank, "nationality_nl": name,
                         "nationality_code": code, "nationality_en": schemas.nationalities[code].name_en if code
                         else None, "mapped": bool(tid and code), **e.box.as_dict()})
    return rows, problems


def markers_of(tables: tuple[MappedTable, ...]) -> tuple[Marker, ...]:
    """Every footnote marker, on a title or a row, with the ids it stands on."""
    out = []
    for t in tables:
        out += [Marker(m, t.table_id, None, f"title '{t.title}' (page {t.table.box.page})") for m in t.markers]
        for r in t.rows:
            out += [Marker(m, t.table_id, r.metric_id, f"label '{r.label}' (page {r.row.box.page})")
                    for m in r.markers]
            out += [Marker(m, t.table_id, r.metric_id, f"figure '{c.raw}' of label '{r.label}' (page {c.box.page})")
                    for c in r.row.cells for m in c.markers]
    return tuple(out)


def footnote_rows(year: int, markers: tuple[Marker, ...], notes: tuple[RawFootnote, ...]) -> list[dict]:
    """One row per footnote and marker it belongs to (a footnote without a marker: one row, no ids)."""
    rows = []
    for note in notes:
        targets = [(m.table_id, m.metric_id) for m in markers if m.footnote_id == note.id] or [(None, None)]
        rows += [{"release_year": year, "footnote_id": int(note.id), "text": clean_text(note.text),
                  "table_id": tid, "metric_id": mid} for tid, mid in targets]
    return rows


def footnote_link_problems(markers: tuple[Marker, ...], notes: tuple[RawFootnote, ...]) -> list[Problem]:
    """Every marker has its text, every text a marker, and no text is printed twice."""
    on = {m.footnote_id: m.on for m in markers}
    texts = {f.id for f in notes}
    problems = [Problem(ProblemKind.MARKER_WITHOUT_TEXT, m, f"on {where}") for m, where in sorted(on.items())
                if m not in texts]
    problems += [Problem(ProblemKind.TEXT_WITHOUT_MARKER, f.id, f"page {f.box.page}", box=f.box)
                 for f in notes if f.id not in on]
    ids = [f.id for f in notes]
    problems += [Problem(ProblemKind.TEXT_TWICE, i) for i in sorted(set(ids)) if ids.count(i) > 1]
    return problems


def _sort_ids(ids) -> str:
    return ";".join(sorted(set(ids), key=lambda i: (len(i), i)))


def frame(rows: list[dict], table: str) -> pd.DataFrame:
    """The rows as the contract's table: its columns, in order, with their types (absent values null). Each
    column made in its type at once: about half the time of a frame of objects converted after."""
    return pd.DataFrame({c.name: pd.array([r.get(c.name) for r in rows], dtype=c.pandas_dtype)
                         for c in contract.TABLES[table]})
