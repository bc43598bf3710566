"""Panel across releases: every release's observations in one long table, revisions flagged.

A number is *revised* when a later release prints a different value for the same table, metric and year.
``revisions`` has one row per change: the old value with its release, and the new value with its release.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from pipeline.contract import REVISIONS
from pipeline.errors import InputError

KEY = ["table_id", "metric_id", "year"]
REVISION_COLUMNS = [c.name for c in REVISIONS]  # declared in the column contract


def find_releases(directory: Path) -> list[Path]:
    """Every ``DIR/<year>/observations.parquet`` written by ``extract``, oldest first."""
    found = sorted(p for p in directory.glob("*/observations.parquet") if re.fullmatch(r"\d{4}", p.parent.name))
    if not found:
        raise InputError(directory, "holds no extracted release (no <year>/observations.parquet).",
                         "Run `jaarcijfers extract` into this folder first.")
    return found


def read_parquet(path: Path, columns: list[str] | None = None) -> pd.DataFrame:
    """``pd.read_parquet`` from an open file: pyarrow takes a path only when its name is valid UTF-8, and
    an output folder's name need not be."""
    with open(path, "rb") as fh:
        return pd.read_parquet(fh, columns=columns)


def releases_to_panel(frames: list[pd.DataFrame]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Concatenate releases (vintages) and compare each printed number with the next release printing it."""
    panel = pd.concat(frames, ignore_index=True).sort_values(
        ["release_year", "table_id", "metric_id", "year"], kind="stable", ignore_index=True)
    mapped = panel[panel["mapped"].astype(bool)] if "mapped" in panel else panel
    revisions = []
    revised_index = set()
    for _, g in mapped.groupby(KEY, sort=True):
        g = g.sort_values("release_year")
        rows = list(g.itertuples())
        for older, newer in zip(rows, rows[1:]):
            if not _same(older.value, newer.value):
                revised_index.add(older.Index)
                revisions.append({"table_id": older.table_id, "metric_id": older.metric_id, "year": older.year,
                                  "old_value": older.value, "old_raw": older.raw, "old_release": older.release_year,
                                  "new_value": newer.value, "new_raw": newer.raw,
                                  "new_release": newer.release_year})
    panel["revised"] = panel.index.isin(revised_index)
    rev = pd.DataFrame(revisions, columns=REVISION_COLUMNS)
    for col in ("old_value", "new_value"):
        rev[col] = rev[col].astype("Float64")
    for col in ("year", "old_release", "new_release"):
        rev[col] = rev[col].astype("int64")
    return panel, rev


def _same(a, b) -> bool:
    if pd.isna(a) or pd.isna(b):
        return pd.isna(a) and pd.isna(b)
    return float(a) == float(b)
