"""RawRelease -> Release: Dutch labels to canonical ids, Dutch numbers to floats, markers to footnotes.

Nothing is dropped here: a title or label that ``schemas/`` does not know keeps its row, with empty ids
and ``mapped = False``, and is listed in ``Release.unmapped`` for the runner to report.
"""

from __future__ import annotations

import re

import pandas as pd

from pipeline.model import RawRelease, RawTable, Release, Unmapped
from pipeline.numbers import parse_number
from pipeline.schemas import Schemas

OBSERVATION_COLUMNS = ["release_year", "section_nl", "table_id", "table_nl", "metric_id", "label_nl", "year",
                       "value", "unit", "raw", "footnotes", "page", "x0", "top", "x1", "bottom", "mapped"]
PANEL_COLUMNS = ["release_year", "table_id", "table_nl", "year", "rank", "nationality_nl", "nationality_code",
                 "page", "x0", "top", "x1", "bottom"]
FOOTNOTE_COLUMNS = ["release_year", "footnote_id", "text", "table_id", "metric_id"]

def clean_text(text: str) -> str:
    """White space collapsed, as printed otherwise."""
    return re.sub(r"\s+", " ", text).strip()


def _sort_ids(ids) -> str:
    return ";".join(sorted(set(ids), key=lambda i: (len(i), i)))


def normalize(raw: RawRelease, schemas: Schemas) -> Release:
    year = raw.release_year
    unmapped: list[Unmapped] = []
    obs_rows: list[dict] = []
    seen_tables: set[str] = set()
    table_ids: list[tuple[RawTable, str]] = []
    for table in raw.tables:
        title = clean_text(table.title)
        tid = schemas.table_for_title(title) or ""
        table_ids.append((table, tid))
        if not tid:
            unmapped.append(Unmapped("unknown table title", title, f"page {table.box.page}",
                                     schemas.path("tables.yaml")))
        else:
            seen_tables.add(tid)
        seen_metrics = set()
        for row in table.rows:
            label = clean_text(row.label)
            mid = schemas.metric_for_label(tid, label) if tid else None
            if tid and not mid:
                unmapped.append(Unmapped("unknown row label", label, f"table {tid}, page {row.box.page}",
                                         f"{schemas.path('tables.yaml')} under {tid}.metrics"))
            seen_metrics.add(mid)
            footnotes = _sort_ids(table.markers + row.markers)
            for cell in row.cells:
                unit = schemas.metrics[mid].unit if mid else ("percent" if "%" in cell.raw else "count")
                obs_rows.append({
                    "release_year": year, "section_nl": clean_text(table.section), "table_id": tid,
                    "table_nl": title, "metric_id": mid or "", "label_nl": label, "year": cell.year,
                    "value": _value(cell.raw), "unit": unit, "raw": cell.raw, "footnotes": footnotes,
                    **cell.box.as_dict(), "mapped": bool(tid and mid),
                })
        if tid:
            for mid in schemas.expected_metrics(tid, year):
                if mid not in seen_metrics:
                    labels = " / ".join(v.nl for v in schemas.tables[tid].metrics[mid].labels)
                    unmapped.append(Unmapped("missing row", f"{labels} ({mid})", f"table {tid}",
                                             schemas.path("tables.yaml")))
    for tid in schemas.expected_tables(year):
        if tid not in seen_tables:
            title = schemas.tables[tid].titles[-1].nl
            unmapped.append(Unmapped("missing table", f"{title} ({tid})", "expected in every release "
                                     "until its last_year", schemas.path("tables.yaml")))

    panel_rows = []
    for panel in raw.panels:
        title = clean_text(panel.title)
        tid = schemas.table_for_panel(title) or ""
        if not tid:
            unmapped.append(Unmapped("unknown panel title", title, f"page {panel.box.page}",
                                     f"{schemas.path('tables.yaml')} (panel_titles)"))
        for e in panel.entries:
            name = clean_text(e.text)
            code = schemas.nationality_code(name) or ""
            if not code:
                unmapped.append(Unmapped("unknown nationality", name, f"page {e.box.page}",
                                         schemas.path("nationalities.yaml")))
            panel_rows.append({"release_year": year, "table_id": tid, "table_nl": title,
                               "year": panel.year or year, "rank": e.rank, "nationality_nl": name,
                               "nationality_code": code, **e.box.as_dict()})

    note_rows = []
    for note in raw.footnotes:
        targets = []
        for table, tid in table_ids:
            if note.id in table.markers:
                targets.append((tid, ""))
            for row in table.rows:
                if note.id in row.markers:
                    targets.append((tid, schemas.metric_for_label(tid, clean_text(row.label)) or "" if tid else ""))
        for tid, mid in targets or [("", "")]:
            note_rows.append({"release_year": year, "footnote_id": note.id, "text": clean_text(note.text),
                              "table_id": tid, "metric_id": mid})

    return Release(
        source=raw.source, release_year=year, years=raw.years, title=raw.title,
        observations=_frame(obs_rows, OBSERVATION_COLUMNS),
        top_nationalities=_frame(panel_rows, PANEL_COLUMNS),
        footnotes=_frame(note_rows, FOOTNOTE_COLUMNS),
        unmapped=unmapped,
    )


def _value(raw: str) -> float | None:
    try:
        return parse_number(raw)
    except ValueError:
        return float("nan")  # kept; validation reports it as unparseable with its position


def _frame(rows: list[dict], columns: list[str]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=columns)
    dtypes = {"release_year": "int64", "year": "int64", "page": "int64", "rank": "int64",
              "value": "Float64", "mapped": "bool", "x0": "float64", "top": "float64", "x1": "float64",
              "bottom": "float64"}
    for col, dtype in dtypes.items():
        if col in df.columns:
            df[col] = df[col].astype(dtype)
    for col in df.columns:
        if col not in dtypes:
            df[col] = df[col].astype("string")
    return df
