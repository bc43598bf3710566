"""The database across releases, ``DIR/jaarcijfers.sqlite``: every table and view declared by ``contract``.

Tables: ``observations`` (every vintage, as in the panel, with ``revised``), ``top_nationalities``,
``footnotes``, ``releases`` (one row per release: its PDF's name and SHA-256, the pipeline version) and
``columns`` (every column of every table and view, with its description and unit, generated from
``contract``). Views: ``latest`` (each table, metric and year as the newest release prints it),
``first_print`` (as first printed) and ``revisions`` (one row per changed number).

The same releases always give the same bytes: the database is built in memory, rows inserted in a fixed
order, and written with ``VACUUM INTO`` (a fresh, compact file); SQLite stores no timestamp.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pandas as pd

from pipeline.contract import DATABASE_TABLES, DATABASE_VIEWS, Column
from pipeline.errors import InputError
from pipeline.vintages import read_parquet

FILE_NAME = "jaarcijfers.sqlite"
SCHEMA_VERSION = 1  # PRAGMA user_version: raised when a table or view changes shape
_KEY = ("table_id", "metric_id", "year")
INDEXES = {
    "observations": [_KEY + ("release_year",), ("release_year",)],
    "top_nationalities": [("table_id", "year", "rank")],
    "footnotes": [("release_year", "footnote_id")],
}


def _names(columns: tuple[Column, ...], prefix: str = "") -> str:
    return ", ".join(prefix + c.name for c in columns)


def _vintage_of(columns: tuple[Column, ...], pick: str) -> str:
    """The rows of the newest (``max``) or oldest (``min``) release printing each table, metric and year.
    Only mapped rows: an unmapped row has no ids to follow across releases."""
    same = " AND ".join(f"p.{k} = o.{k}" for k in _KEY)
    return (f"SELECT {_names(columns, 'o.')} FROM observations AS o WHERE o.mapped AND o.release_year = "
            f"(SELECT {pick}(p.release_year) FROM observations AS p WHERE p.mapped AND {same}) "
            f"ORDER BY o.table_id, o.metric_id, o.year")


def _revisions_sql() -> str:
    """Each printed number against the next release printing the same table, metric and year."""
    key = ", ".join(_KEY)
    return (
        f"WITH seq AS (SELECT {key}, value, raw, release_year, "
        "lead(value) OVER w AS new_value, lead(raw) OVER w AS new_raw, lead(release_year) OVER w AS new_release "
        f"FROM observations WHERE mapped WINDOW w AS (PARTITION BY {key} ORDER BY release_year)) "
        f"SELECT {key}, value AS old_value, raw AS old_raw, release_year AS old_release, new_value, new_raw, "
        "new_release FROM seq WHERE new_release IS NOT NULL AND value IS NOT new_value "
        f"ORDER BY {key}, old_release"
    )


VIEWS_SQL = {
    "latest": _vintage_of(DATABASE_VIEWS["latest"], "max"),
    "first_print": _vintage_of(DATABASE_VIEWS["first_print"], "min"),
    "revisions": _revisions_sql(),
}


def schema_statements() -> list[str]:
    """CREATE TABLE, INDEX and VIEW statements, from the column contract. No NOT NULL constraints: the
    frames were validated before they were written, and a release written by an older pipeline version may
    lack a newer column (null here); ``columns.nullable`` says what the contract allows."""
    statements = []
    for table, columns in DATABASE_TABLES.items():
        body = ", ".join(f'"{c.name}" {c.sql_type}' for c in columns)
        statements.append(f'CREATE TABLE "{table}" ({body})')
        for cols in INDEXES.get(table, []):
            statements.append(f'CREATE INDEX "{table}_{"_".join(cols)}" ON "{table}" ({", ".join(cols)})')
    for view, sql in VIEWS_SQL.items():
        statements.append(f'CREATE VIEW "{view}" AS {sql}')
    return statements


def columns_rows() -> list[tuple]:
    """The ``columns`` table: one row per column of every table and view, in the contract's order."""
    rows = []
    for name, columns in (*DATABASE_TABLES.items(), *DATABASE_VIEWS.items()):
        for position, c in enumerate(columns, start=1):
            rows.append((name, c.name, position, c.type, int(c.nullable), c.unit or None, c.description))
    return rows


def frame_rows(df: pd.DataFrame, columns: tuple[Column, ...]) -> list[tuple]:
    """The frame's rows as plain Python values in the contract's column order (null for a column the
    frame does not have, e.g. a release written by an older pipeline version)."""
    convert = {"integer": int, "number": float, "string": str, "boolean": lambda v: int(bool(v))}
    values = []
    for c in columns:
        if c.name not in df.columns:
            values.append([None] * len(df))
            continue
        fn = convert[c.type]
        values.append([None if _missing(v) else fn(v) for v in df[c.name].tolist()])
    return list(zip(*values)) if values else []


def _missing(v) -> bool:
    return v is None or (not isinstance(v, str) and bool(pd.isna(v)))


def release_row(directory: Path) -> dict:
    """One ``releases`` row from a release folder's ``datapackage.json``."""
    path = directory / "datapackage.json"
    try:
        package = json.loads(path.read_text(encoding="utf-8"))
        source = package["sources"][0]
        return {"release_year": int(directory.name), "source": source["path"], "sha256": source["sha256"],
                "pipeline_version": package["pipeline"]["version"]}
    except (OSError, ValueError, KeyError, IndexError, TypeError) as exc:
        raise InputError(path, f"cannot be read as the release's data package ({type(exc).__name__}: {exc}).",
                         f"Rerun `jaarcijfers extract` for release {directory.name}.") from exc


def database_frames(paths: list[Path], panel: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The tables' rows: the panel, and each release's other tables and ``releases`` row, oldest first
    (``paths``: each release's observations.parquet)."""
    frames = {"observations": panel, "releases": pd.DataFrame([release_row(p.parent) for p in paths])}
    for name in ("top_nationalities", "footnotes"):
        frames[name] = pd.concat([read_parquet(p.parent / f"{name}.parquet") for p in paths], ignore_index=True)
    return frames


def fill(conn: sqlite3.Connection, frames: dict[str, pd.DataFrame]) -> None:
    """Create every table, index and view and insert the frames' rows in their order."""
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    for statement in schema_statements():
        conn.execute(statement)
    rows = {**{name: frame_rows(frames[name], cols) for name, cols in DATABASE_TABLES.items() if name != "columns"},
            "columns": columns_rows()}
    for table, columns in DATABASE_TABLES.items():
        marks = ", ".join("?" for _ in columns)
        conn.executemany(f'INSERT INTO "{table}" ({_names(columns)}) VALUES ({marks})', rows[table])
    conn.commit()


def build(frames: dict[str, pd.DataFrame]) -> sqlite3.Connection:
    """The database in memory (``write.write_database`` writes it to its file)."""
    conn = sqlite3.connect(":memory:")
    fill(conn, frames)
    return conn
