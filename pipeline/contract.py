"""The one column contract: every output column, declared once.

``../shared/CONTRACT.md`` fixes these columns. Everything that names a column derives from this module:
the frame builders in ``normalize``, the pandera models in ``validate``, ``datapackage.json``, the data
dictionary, the database's ``columns`` table and the test comparisons. A new output column is added here
first.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["integer", "number", "string", "boolean"]


@dataclass(frozen=True)
class Column:
    """One output column: its name, type (Frictionless names), whether it may be null, unit and meaning."""

    name: str
    type: ColumnType
    description: str
    nullable: bool = False
    unit: str = ""  # "" when the column is not a measurement; "see unit" where the row's unit column says

    @property
    def pandas_dtype(self) -> str:
        """The pandas dtype the frames hold (nullable extension types where null is allowed)."""
        return {"integer": "Int64" if self.nullable else "int64",
                "number": "Float64" if self.nullable else "float64",
                "string": "string", "boolean": "boolean" if self.nullable else "bool"}[self.type]

    @property
    def sql_type(self) -> str:
        return {"integer": "INTEGER", "number": "REAL", "string": "TEXT", "boolean": "INTEGER"}[self.type]


_POSITION = (
    Column("page", "integer", "1-based page number in the PDF."),
    Column("x0", "number", "Left edge of the printed text, from the page's left edge.", unit="pt"),
    Column("top", "number", "Top edge of the printed text, from the page's top edge.", unit="pt"),
    Column("x1", "number", "Right edge of the printed text, from the page's left edge.", unit="pt"),
    Column("bottom", "number", "Bottom edge of the printed text, from the page's top edge.", unit="pt"),
)
_RELEASE_YEAR = Column("release_year", "integer", "Year of the release (its newest year column), e.g. 2023.",
                       unit="year")
_UNMAPPED = " Null when schemas/ does not know it (mapped = false)."

OBSERVATIONS = (
    _RELEASE_YEAR,
    Column("section_nl", "string", "Section heading as printed, e.g. 'Regulier verblijf'.", nullable=True),
    Column("table_id", "string", "Canonical table id, snake_case English, stable across releases." + _UNMAPPED,
           nullable=True),
    Column("table_nl", "string", "Table title as printed, footnote markers removed, white space collapsed."),
    Column("table_en", "string", "The table's short English name, from schemas/." + _UNMAPPED, nullable=True),
    Column("metric_id", "string", "Canonical row id, snake_case English, stable across releases." + _UNMAPPED,
           nullable=True),
    Column("label_nl", "string", "Row label as printed, footnote markers removed, white space collapsed."),
    Column("label_en", "string", "The row's short English name, from schemas/." + _UNMAPPED, nullable=True),
    Column("year", "integer", "The year column the number stands in.", unit="year"),
    Column("value", "number", "The number: '41.820' -> 41820, '89%' -> 89, '11,3' -> 11.3, '-' -> null.",
           nullable=True, unit="see unit"),
    Column("unit", "string", "count (cases, people, documents, calls), percent (0-100) or fte (full-time "
           "equivalents)."),
    Column("obs_status", "string", "SDMX observation status: A a printed figure, M printed as '-' (no figure)."),
    Column("raw", "string", "The number exactly as printed."),
    Column("footnotes", "string", "Ids of the footnotes that apply to the number (its table's and its row's), "
           "';'-joined; null if none.", nullable=True),
    Column("mapped", "boolean", "False only for rows kept with --allow-unmapped whose title or label schemas/ "
           "does not know."),
    *_POSITION,
)

TOP_NATIONALITIES = (
    _RELEASE_YEAR,
    Column("table_id", "string", "Canonical id of the table the panel belongs to (the one it stands beside, "
           "above or below)." + _UNMAPPED, nullable=True),
    Column("table_nl", "string", "Title of the table the panel belongs to, exactly as in observations; null when "
           "the release holds no table it belongs to (mapped = false).", nullable=True),
    Column("panel_nl", "string", "The panel's own heading as printed."),
    Column("year", "integer", "The year the ranking is about.", unit="year"),
    Column("rank", "integer", "Rank in the top-3 panel: 1, 2 or 3."),
    Column("nationality_nl", "string", "Nationality as printed (kept even when misspelled)."),
    Column("nationality_code", "string", "ISO 3166-1 alpha-3 code of the country meant." + _UNMAPPED,
           nullable=True),
    Column("nationality_en", "string", "English name of the country meant." + _UNMAPPED, nullable=True),
    Column("mapped", "boolean", "False only for entries kept with --allow-unmapped whose table or nationality "
           "schemas/ does not know."),
    *_POSITION,
)

FOOTNOTES = (
    _RELEASE_YEAR,
    Column("footnote_id", "integer", "The footnote's number as printed."),
    Column("text", "string", "The footnote text, wrapped lines joined."),
    Column("table_id", "string", "Canonical id of the table the footnote's marker stands on." + _UNMAPPED,
           nullable=True),
    Column("metric_id", "string", "Canonical id of the row the marker stands on; null when it is on the title.",
           nullable=True),
)

# ``jaarcijfers claims``: DIR/claims/<TEXT name>.csv, one row per figure stated in a press release.
CLAIMS = (
    Column("claim_id", "string", "The figure's number in the text, in reading order: c01, c02, ..."),
    Column("sentence", "string", "The sentence that states the figure, white space collapsed."),
    Column("quote", "string", "The figure as written, with its hedge and unit, e.g. 'bijna 35 duizend'."),
    Column("stated_value", "number", "The number meant: 'bijna 50 duizend' -> 50000, '62%' -> 62, 'een kwart' -> 25."),
    Column("qualifier", "string", "The hedge (schemas/claims.yaml): bijna, ruim, meer dan, zo'n, ...; null if none.",
           nullable=True),
    Column("verdict", "string", "supported, contradicted or not_in_data."),
    Column("data_value", "string", "What the tables give for it: a cell, a sum, a ratio or change, or the range "
           "'lo..hi' of the rates of several parts; null for not_in_data.", nullable=True),
    Column("cells", "string", "The table_id/metric_id/year cells used, ';'-joined; null for not_in_data.",
           nullable=True),
    Column("rule", "string", "How the cells were combined and the interval the hedge allowed; for not_in_data, why "
           "the tables cannot answer."),
)

TABLES: dict[str, tuple[Column, ...]] = {
    "observations": OBSERVATIONS,
    "top_nationalities": TOP_NATIONALITIES,
    "footnotes": FOOTNOTES,
}

DESCRIPTIONS = {
    "observations": "One row per printed number of the release.",
    "top_nationalities": "One row per ranked nationality in a 'Top 3 nationaliteiten' panel.",
    "footnotes": "One row per footnote and the table (and row) its marker stands on.",
}


def names(table: str) -> list[str]:
    """The column names of an output table, in the contract's order."""
    return [c.name for c in TABLES[table]]


def column(table: str, name: str) -> Column:
    for c in TABLES[table]:
        if c.name == name:
            return c
    raise KeyError(f"{table} has no column {name!r}")


# The panel's and the database's own columns (CONTRACT.md: `panel` and DIR/jaarcijfers.sqlite).
REVISED = Column("revised", "boolean", "True where a later release prints a different number for the same table, "
                 "metric and year.")
PANEL = (*OBSERVATIONS, REVISED)
_KEY = tuple(c for c in OBSERVATIONS if c.name in ("table_id", "metric_id", "year"))
REVISIONS = (
    *_KEY,
    Column("old_value", "number", "The number as the older release printed it; null for '-'.", nullable=True,
           unit="see unit in latest"),
    Column("old_raw", "string", "The number exactly as the older release printed it."),
    Column("old_release", "integer", "The older release (its release_year).", unit="year"),
    Column("new_value", "number", "The number as the next release printing it prints it; null for '-'.",
           nullable=True, unit="see unit in latest"),
    Column("new_raw", "string", "The number exactly as the next release prints it."),
    Column("new_release", "integer", "The next release printing the number (its release_year).", unit="year"),
)
RELEASES = (
    _RELEASE_YEAR,
    Column("source", "string", "File name of the release PDF."),
    Column("sha256", "string", "SHA-256 of the PDF's bytes, lowercase hex."),
    Column("pipeline_version", "string", "Version of the jaarcijfers pipeline that extracted the release."),
)
COLUMNS = (
    Column("table_name", "string", "A table or view of this database."),
    Column("column_name", "string", "One of its columns."),
    Column("position", "integer", "The column's 1-based position in its table or view."),
    Column("type", "string", "integer, number, string or boolean (stored as 0/1)."),
    Column("nullable", "boolean", "Whether the column may be null."),
    Column("unit", "string", "Unit of the column's values; null when it is not a measurement.", nullable=True),
    Column("description", "string", "What the column holds."),
)

DATABASE_TABLES: dict[str, tuple[Column, ...]] = {
    "observations": PANEL,
    "top_nationalities": TOP_NATIONALITIES,
    "footnotes": FOOTNOTES,
    "releases": RELEASES,
    "columns": COLUMNS,
}
DATABASE_VIEWS: dict[str, tuple[Column, ...]] = {
    "latest": OBSERVATIONS,
    "first_print": PANEL,
    "revisions": REVISIONS,
}
