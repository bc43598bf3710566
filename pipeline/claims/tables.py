"""The releases under DIR, as the cells a figure can be checked against: (table_id, metric_id, year) -> value.

Only ``table_id, metric_id, year, value, unit`` of ``DIR/<year>/observations.parquet`` are read (the contract's
names, from ``pipeline.contract``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipeline.contract import column
from pipeline.errors import InputError

COLUMNS = [column("observations", name).name for name in ("table_id", "metric_id", "year", "value", "unit")]


@dataclass(frozen=True)
class ReleaseData:
    release_year: int
    path: Path
    values: dict[tuple[str, str, int], float | None]   # None: printed as '-'
    units: dict[tuple[str, str], str]

    def has(self, table_id: str, metric_id: str) -> bool:
        return (table_id, metric_id) in self.units

    def years(self) -> set[int]:
        return {k[2] for k in self.values}


def find_release_files(directory: Path) -> dict[int, Path]:
    """Every ``DIR/<year>/observations.parquet``; none is an InputError naming DIR and what to run."""
    if directory.exists() and not directory.is_dir():
        raise InputError(directory, "is a file, not a folder.", "Pass the folder `jaarcijfers extract` wrote to "
                         "with --out.")
    if not directory.is_dir():
        raise InputError(directory, "no such folder.", "Pass the folder `jaarcijfers extract` wrote to with --out.")
    found = {int(p.parent.name): p for p in sorted(directory.glob("*/observations.parquet"))
             if p.parent.name.isdigit() and len(p.parent.name) == 4}
    if not found:
        raise InputError(directory, "holds no extracted release (no <year>/observations.parquet).",
                         "Run `jaarcijfers extract` on the release PDF with the same --out first.")
    return found


def choose_release(files: dict[int, Path], text_year: int | None, directory: Path) -> int:
    """The release the text is about (its year), else the newest release."""
    if text_year is None:
        return max(files)
    if text_year in files:
        return text_year
    raise InputError(directory, f"holds no release {text_year}, the year the text is about (it holds "
                     f"{', '.join(str(y) for y in sorted(files))}).",
                     f"Run `jaarcijfers extract` on the {text_year} release PDF with the same --out first.")


def read_release(path: Path, release_year: int) -> ReleaseData:
    import pandas as pd

    from pipeline.vintages import read_parquet

    try:
        df = read_parquet(path, columns=COLUMNS)
    except Exception as exc:  # a damaged or foreign file: one line, what to do
        raise InputError(path, f"cannot be read as a release ({type(exc).__name__}: {str(exc)[:120]}).",
                         "Rerun `jaarcijfers extract` into this folder.") from None
    df = df[df["table_id"].notna() & df["metric_id"].notna()]
    values = {(t, m, int(y)): (None if pd.isna(v) else float(v))
              for t, m, y, v in zip(df["table_id"], df["metric_id"], df["year"], df["value"])}
    units = {(t, m): str(u) for t, m, u in zip(df["table_id"], df["metric_id"], df["unit"])}
    return ReleaseData(release_year, path, values, units)
