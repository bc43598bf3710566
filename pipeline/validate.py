"""Validate stage: pandera models for the three output tables, then checks that follow what figures mean.

Every check gives a ``CheckResult`` (passed, failed or warning) with the numbers involved and where they
stand in the PDF. Nothing here raises for a data problem: the runner decides from the report.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd
import pandera.pandas as pa
from pandera.errors import SchemaErrors
from pandera.typing import Series

from pipeline.model import CheckResult, RawRelease, Release, Report
from pipeline.numbers import parse_number
from pipeline.schemas import CheckDef, Schemas

POSITION = ["page", "x0", "top", "x1", "bottom"]


class ObservationsModel(pa.DataFrameModel):
    """One row per printed number."""

    release_year: Series[int]
    section_nl: Series[pd.StringDtype]
    table_id: Series[pd.StringDtype]
    table_nl: Series[pd.StringDtype]
    metric_id: Series[pd.StringDtype]
    label_nl: Series[pd.StringDtype]
    year: Series[int]
    value: Series[pd.Float64Dtype] = pa.Field(nullable=True)
    unit: Series[pd.StringDtype] = pa.Field(isin=["count", "percent", "fte"])
    raw: Series[pd.StringDtype] = pa.Field(str_length={"min_value": 1})
    footnotes: Series[pd.StringDtype]
    page: Series[int] = pa.Field(ge=1)
    x0: Series[float]
    top: Series[float]
    x1: Series[float]
    bottom: Series[float]
    mapped: Series[bool]

    @pa.dataframe_check(name="percentages between 0 and 100")
    def percent_range(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["unit"] != "percent") | df["value"].isna() | df["value"].between(0, 100)

    @pa.dataframe_check(name="counts and FTE not negative")
    def non_negative(cls, df: pd.DataFrame) -> Series[bool]:
        return (df["unit"] == "percent") | df["value"].isna() | (df["value"] >= 0)

    @pa.dataframe_check(name="one row per (table_id, metric_id, year)")
    def unique_key(cls, df: pd.DataFrame) -> Series[bool]:
        return ~(df["mapped"] & df.duplicated(["table_id", "metric_id", "year"], keep=False))

    @pa.dataframe_check(name="percent unit printed with %")
    def percent_sign(cls, df: pd.DataFrame) -> Series[bool]:
        dash = df["raw"].isin(["-", "–", "—"])
        return dash | ((df["unit"] == "percent") == df["raw"].str.contains("%", regex=False))

    class Config:
        strict = True
        ordered = True


class TopNationalitiesModel(pa.DataFrameModel):
    """One row per ranked nationality in a top-3 panel."""

    release_year: Series[int]
    table_id: Series[pd.StringDtype]
    table_nl: Series[pd.StringDtype]
    year: Series[int]
    rank: Series[int] = pa.Field(isin=[1, 2, 3])
    nationality_nl: Series[pd.StringDtype] = pa.Field(str_length={"min_value": 1})
    nationality_code: Series[pd.StringDtype] = pa.Field(str_matches=r"^[A-Z]{3}$|^$")
    page: Series[int] = pa.Field(ge=1)
    x0: Series[float]
    top: Series[float]
    x1: Series[float]
    bottom: Series[float]

    class Config:
        strict = True
        ordered = True
        unique = ["table_id", "year", "rank"]


class FootnotesModel(pa.DataFrameModel):
    """One row per footnote and the table (and row) its marker stands on."""

    release_year: Series[int]
    footnote_id: Series[pd.StringDtype] = pa.Field(str_matches=r"^\d+$")
    text: Series[pd.StringDtype] = pa.Field(str_length={"min_value": 1})
    table_id: Series[pd.StringDtype]
    metric_id: Series[pd.StringDtype]

    class Config:
        strict = True
        ordered = True


def validate(release: Release, raw: RawRelease, schemas: Schemas, *, allow_unmapped: bool = False) -> Report:
    results: list[CheckResult] = []
    results += check_schema("observations", ObservationsModel, release.observations, _observation_checks(release))
    results += check_schema("top_nationalities", TopNationalitiesModel, release.top_nationalities)
    results += check_schema("footnotes", FootnotesModel, release.footnotes)
    results += [
        check_audit(raw),
        check_mapped(release, allow_unmapped),
        check_numbers_parse(release),
        check_footnotes_linked(raw),
        check_panels(release),
    ]
    index = _index(release.observations)
    for definition in schemas.checks:
        results.append(run_check(definition, index, release))
    return Report(release.source, release.release_year, tuple(results))


def _observation_checks(release: Release) -> list[pa.Check]:
    years = {release.release_year - i for i in range(3)}
    return [
        pa.Check(lambda df, ys=frozenset(years): df["year"].isin(ys),
                 name=f"years are the release's three ({', '.join(map(str, sorted(years, reverse=True)))})"),
        pa.Check(lambda df: df.groupby(["table_nl", "label_nl"], dropna=False)["year"].transform("nunique") == 3,
                 name="every row has all three years"),
    ]


def check_schema(name: str, model, df: pd.DataFrame, extra: list[pa.Check] | None = None) -> list[CheckResult]:
    """Run a pandera model lazily; one result per check, failures joined to their page and box."""
    schema = model.to_schema()
    if extra:
        schema = _with_checks(schema, extra)
    names = _check_names(schema)
    failures: dict[str, list[dict]] = defaultdict(list)
    try:
        schema.validate(df, lazy=True)
    except SchemaErrors as exc:
        for _, case in exc.failure_cases.iterrows():
            key = _failure_key(case)
            names.setdefault(key, key)
            idx = case.get("index")
            detail = {"column": case.get("column"), "failure_case": _plain(case.get("failure_case"))}
            if idx is not None and not pd.isna(idx) and int(idx) in df.index:
                row = df.loc[int(idx)]
                detail.update({k: _plain(row[k]) for k in df.columns if k in
                               ("table_id", "table_nl", "metric_id", "label_nl", "year", "raw", "value",
                                "nationality_nl", "footnote_id", *POSITION)})
            failures[key].append(detail)
    return [CheckResult(f"{name}: {label}", f"pandera {model.__name__}", "error", key not in failures,
                        tuple(failures.get(key, ())))
            for key, label in names.items()]


def _with_checks(schema: pa.DataFrameSchema, extra: list[pa.Check]) -> pa.DataFrameSchema:
    return pa.DataFrameSchema(columns=schema.columns, checks=list(schema.checks) + extra, strict=schema.strict,
                              ordered=schema.ordered, unique=schema.unique, name=schema.name)


def _check_names(schema: pa.DataFrameSchema) -> dict[str, str]:
    names: dict[str, str] = {}
    for col, column in schema.columns.items():
        names[f"{col}:dtype"] = f"{col} has type {column.dtype}"
        for check in column.checks:
            names[f"{col}:{check.name}"] = f"{col} {check.name}"
        if not column.nullable:
            names[f"{col}:not_nullable"] = f"{col} has no empty values"
    for check in schema.checks:
        names[f"frame:{check.name}"] = check.name
    if schema.unique:
        names["frame:unique"] = f"unique {schema.unique}"
    names["frame:columns"] = "exactly the contract's columns, in order"
    return names


def _failure_key(case) -> str:
    check = str(case.get("check"))
    column = case.get("column")
    ctx = case.get("schema_context")
    if ctx == "Column":
        if check.startswith("dtype("):
            return f"{column}:dtype"
        if check == "not_nullable":
            return f"{column}:not_nullable"
        return f"{column}:{check.split('(')[0] if '(' in check and column else check}"
    if check in ("column_in_schema", "column_in_dataframe", "column_ordered"):
        return "frame:columns"
    if check.startswith("multiple_fields_uniqueness") or check == "field_uniqueness":
        return "frame:unique"
    return f"frame:{check}"


def _plain(v):
    if v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v


def _where(row) -> dict:
    return {k: _plain(row[k]) for k in POSITION}


def check_audit(raw: RawRelease) -> CheckResult:
    details = tuple({"text": a.text, **a.box.as_dict()} for a in raw.unaccounted)
    counted = len(raw.numeric)
    return CheckResult("numbers_audit", f"every numeric token on every page is accounted for ({counted} tokens)",
                       "error", not details, details)


def check_mapped(release: Release, allow_unmapped: bool) -> CheckResult:
    details = tuple({"kind": u.kind, "text": u.text, "where": u.where, "add_to": u.schema_file}
                    for u in release.unmapped)
    return CheckResult("labels_mapped", "every title, label, panel and nationality is in schemas/, and every "
                       "expected table and row is present", "warning" if allow_unmapped else "error",
                       not details, details)


def check_numbers_parse(release: Release) -> CheckResult:
    bad = []
    for row in release.observations.itertuples(index=False):
        try:
            parse_number(row.raw)
        except ValueError:
            bad.append({"raw": row.raw, "table_nl": row.table_nl, "label_nl": row.label_nl,
                        **{k: _plain(getattr(row, k)) for k in POSITION}})
    return CheckResult("numbers_parse", "every printed number is a Dutch number (41.820, 89%, -)", "error",
                       not bad, tuple(bad))


def check_footnotes_linked(raw: RawRelease) -> CheckResult:
    markers: dict[str, str] = {}
    for t in raw.tables:
        for m in t.markers:
            markers[m] = f"title '{t.title}' (page {t.box.page})"
        for r in t.rows:
            for m in r.markers:
                markers[m] = f"label '{r.label}' (page {r.box.page})"
    texts = {f.id: f for f in raw.footnotes}
    details = [{"footnote_id": m, "problem": f"marker on {where} has no footnote text"}
               for m, where in sorted(markers.items()) if m not in texts]
    details += [{"footnote_id": f.id, "problem": f"footnote text on page {f.box.page} has no marker"}
                for f in raw.footnotes if f.id not in markers]
    ids = [f.id for f in raw.footnotes]
    details += [{"footnote_id": i, "problem": "footnote text printed twice"} for i in sorted(set(ids)) if ids.count(i) > 1]
    return CheckResult("footnotes_linked", f"every marker has its footnote text and every text a marker "
                       f"({len(texts)} footnotes)", "error", not details, tuple(details))


def check_panels(release: Release) -> CheckResult:
    details = []
    for (tid, title), g in release.top_nationalities.groupby(["table_id", "table_nl"], sort=False):
        ranks = sorted(g["rank"].tolist())
        names = g["nationality_nl"].tolist()
        if ranks != [1, 2, 3] or len(set(names)) != 3:
            details.append({"table_id": tid, "table_nl": title, "ranks": ranks, "nationalities": names,
                            **_where(g.iloc[0])})
        if tid and tid not in set(release.observations["table_id"]):
            details.append({"table_id": tid, "table_nl": title, "problem": "panel without its table"})
    return CheckResult("top3_panels", "each top-3 panel has ranks 1, 2, 3 and three distinct nationalities",
                       "error", not details, tuple(details))


def _index(obs: pd.DataFrame) -> dict[tuple, pd.Series]:
    return {(r.table_id, r.metric_id, r.year): r for r in obs[obs["mapped"]].itertuples(index=False)}


def _cell(r) -> dict:
    return {"table_id": r.table_id, "metric_id": r.metric_id, "year": int(r.year), "raw": r.raw,
            "value": None if pd.isna(r.value) else float(r.value), "page": int(r.page), "x0": r.x0,
            "top": r.top, "x1": r.x1, "bottom": r.bottom}


def run_check(d: CheckDef, index: dict, release: Release) -> CheckResult:
    years = sorted({k[2] for k in index}, reverse=True) or list(release.years)
    details: list[dict] = []
    missing: list[str] = []
    if d.kind in ("sum", "at_most_sum"):
        for y in years:
            refs = [d.total, *d.parts]
            cells = [index.get((r.table, r.metric, y)) for r in refs]
            if any(c is None for c in cells):
                missing += [f"{r.table}.{r.metric} {y}" for r, c in zip(refs, cells) if c is None]
                continue
            if any(pd.isna(c.value) for c in cells):
                continue
            total, parts = cells[0].value, sum(c.value for c in cells[1:])
            ok = abs(total - parts) < 1e-9 if d.kind == "sum" else total <= parts + 1e-9
            if not ok:
                details.append({"year": y, "total": float(total), "sum_of_parts": float(parts),
                                "gap": float(total - parts), "cells": [_cell(c) for c in cells]})
    else:
        tables = {k[0] for k in index}
        for tid in sorted(tables):
            for y in years:
                need = [(tid, d.stock, y), (tid, d.stock, y - 1), (tid, d.inflow, y), (tid, d.outflow, y)]
                cells = [index.get(k) for k in need]
                if any(c is None or pd.isna(c.value) for c in cells):
                    continue
                stock, prev, inflow, outflow = (c.value for c in cells)
                expected = prev + inflow - outflow
                if abs(stock - expected) > 1e-9:
                    details.append({"table_id": tid, "year": y, "pending": float(stock),
                                    "expected": float(expected), "gap": float(stock - expected),
                                    "cells": [_cell(c) for c in cells]})
    if missing:
        return CheckResult(d.id, d.description, "warning" if release.unmapped else d.severity, False,
                           ({"not_evaluated": f"missing: {', '.join(missing)}"},))
    return CheckResult(d.id, d.description, d.severity, not details, tuple(details))
