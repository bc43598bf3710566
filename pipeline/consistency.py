"""The consistency checks of ``schemas/checks.yaml``: totals that are sums, stocks that follow flows.

Each check looks its cells up by (table_id, metric_id, year) among the mapped observations; a cell it
needs and cannot find makes it "not evaluated" (a warning when the release has unmapped items, so that
the real problem is reported first).
"""

from __future__ import annotations

import pandas as pd

from pipeline.model import CheckResult, Release
from pipeline.schemas import CheckDef


CELL = ["table_id", "metric_id", "year", "raw", "value", "page", "x0", "top", "x1", "bottom"]  # what ``cell`` reads


def cell(r) -> dict:
    """One observation (a row of its ``CELL`` columns) as the numbers a check involves, with where it stands."""
    return {"table_id": r.table_id, "metric_id": r.metric_id, "year": int(r.year), "raw": r.raw,
            "value": None if pd.isna(r.value) else float(r.value), "page": int(r.page), "x0": r.x0,
            "top": r.top, "x1": r.x1, "bottom": r.bottom}


def run_check(d: CheckDef, index: dict, release: Release) -> CheckResult:
    years = sorted({k[2] for k in index}, reverse=True) or list(release.years)
    if d.kind in ("sum", "at_most_sum"):
        details, missing = _sums(d, index, years)
    else:
        details, missing = _stock_flows(d, index, years), []
    if missing:
        return CheckResult(d.id, d.description, "warning" if release.unmapped else d.severity, False,
                           ({"not_evaluated": f"missing: {', '.join(missing)}"},), group="consistency")
    return CheckResult(d.id, d.description, d.severity, not details, tuple(details), group="consistency")


def _sums(d: CheckDef, index: dict, years: list[int]) -> tuple[list[dict], list[str]]:
    details: list[dict] = []
    missing: list[str] = []
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
                            "gap": float(total - parts), "cells": [cell(c) for c in cells]})
    return details, missing


def _stock_flows(d: CheckDef, index: dict, years: list[int]) -> list[dict]:
    details = []
    for tid in sorted({k[0] for k in index}):
        for y in years:
            need = [(tid, d.stock, y), (tid, d.stock, y - 1), (tid, d.inflow, y), (tid, d.outflow, y)]
            cells = [index.get(k) for k in need]
            if any(c is None or pd.isna(c.value) for c in cells):
                continue
            stock, prev, inflow, outflow = (c.value for c in cells)
            expected = prev + inflow - outflow
            if abs(stock - expected) > 1e-9:
                details.append({"table_id": tid, "year": y, "pending": float(stock), "expected": float(expected),
                                "gap": float(stock - expected), "cells": [cell(c) for c in cells]})
    return details
