"""A Frictionless data package descriptor for one release, built from the frames and ``schemas/``.

The descriptor holds no timestamp: the same PDF gives byte-identical output.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from pipeline import __version__
from pipeline.model import Release
from pipeline.schemas import Schemas

# Where the IND publishes its releases (the source's home; a release's own file is named in "path").
PUBLISHER_PAGE = "https://ind.nl/nl/over-ons/cijfers-en-publicaties"


def sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes, as lowercase hex (read in chunks)."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


FIELD_DOCS = {
    "release_year": ("integer", "Year of the release (its newest year column)."),
    "section_nl": ("string", "Section heading as printed, e.g. 'Regulier verblijf'."),
    "table_id": ("string", "Canonical table id, stable across releases (see the data dictionary)."),
    "table_nl": ("string", "Table (or panel) title as printed, footnote markers removed, white space collapsed."),
    "metric_id": ("string", "Canonical row id, stable across releases; empty for a footnote on a title."),
    "label_nl": ("string", "Row label as printed, footnote markers removed, white space collapsed."),
    "year": ("integer", "The year the number is about (its year column)."),
    "value": ("number", "The number: '41.820' -> 41820, '89%' -> 89, '-' -> empty. Unit in column unit."),
    "unit": ("string", "count, percent (0-100) or fte (full-time equivalents)."),
    "raw": ("string", "The number exactly as printed."),
    "footnotes": ("string", "Ids of the footnotes that apply to the number (its table's and its row's), ';'-joined."),
    "page": ("integer", "1-based page number in the PDF."),
    "x0": ("number", "Left edge of the printed text, PDF points from the left."),
    "top": ("number", "Top edge of the printed text, PDF points from the top."),
    "x1": ("number", "Right edge of the printed text, PDF points from the left."),
    "bottom": ("number", "Bottom edge of the printed text, PDF points from the top."),
    "mapped": ("boolean", "False only for rows kept with --allow-unmapped whose title or label schemas/ does not know."),
    "rank": ("integer", "Rank in the top-3 panel (1, 2 or 3)."),
    "nationality_nl": ("string", "Nationality as printed (kept even when misspelled)."),
    "nationality_code": ("string", "ISO 3166-1 alpha-3 code of the country meant."),
    "footnote_id": ("string", "The footnote's number as printed."),
    "text": ("string", "The footnote text, wrapped lines joined."),
}
DESCRIPTIONS = {
    "observations": "One row per printed number of the release.",
    "top_nationalities": "One row per ranked nationality in a 'Top 3 nationaliteiten' panel.",
    "footnotes": "One row per footnote and the table (and row) its marker stands on.",
}


def _fields(df: pd.DataFrame, schemas: Schemas) -> list[dict]:
    fields = []
    for col in df.columns:
        ftype, description = FIELD_DOCS[col]
        field = {"name": col, "type": ftype, "description": description}
        if col == "unit":
            field["constraints"] = {"enum": ["count", "percent", "fte"]}
        if col == "metric_id":
            units = {m: d.unit for m, d in schemas.metrics.items()}
            field["description"] += " Units by metric: " + ", ".join(f"{m}={u}" for m, u in sorted(units.items())) + "."
        fields.append(field)
    return fields


def descriptor(release: Release, pdf: Path, schemas: Schemas) -> dict:
    year = release.release_year
    obs_key = (["table_id", "metric_id", "year"] if bool(release.observations["mapped"].all())
               else ["table_nl", "label_nl", "year"])
    resources = []
    for name, key, missing in (("observations", obs_key, [""]),
                               ("top_nationalities", ["table_nl", "year", "rank"], [""]),
                               ("footnotes", ["footnote_id", "table_id", "metric_id"], [])):
        df = getattr(release, name)
        schema: dict = {"fields": _fields(df, schemas), "primaryKey": key, "missingValues": missing}
        if name == "top_nationalities" and bool(release.observations["mapped"].all()):
            schema["foreignKeys"] = [{"fields": ["table_id"],
                                      "reference": {"resource": "observations", "fields": ["table_id"]}}]
        resources.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "description": DESCRIPTIONS[name]
            + f" Also as {name}.parquet.", "schema": schema,
        })
    tables = {tid: {"description": t.description, "titles_nl": [v.nl for v in t.titles],
                    "metrics": {m: {"unit": schemas.metrics[m].unit, "description": schemas.metrics[m].description,
                                    "labels_nl": [v.nl for v in mm.labels]} for m, mm in t.metrics.items()}}
              for tid, t in schemas.tables.items()}
    return {
        "profile": "tabular-data-package",
        "name": f"ind-jaarcijfers-{year}",
        "title": f"IND Jaarcijfers {year}: figures of the Immigratie- en Naturalisatiedienst as tidy data",
        "description": f"Every number of the IND release '{release.title or f'Jaarcijfers - {year}'}', with its "
                       "table, row, year, unit, footnotes, Dutch label as printed, canonical id and position "
                       "in the PDF. Extracted and validated by the jaarcijfers pipeline.",
        "version": str(year),
        "sources": [{"title": f"Immigratie- en Naturalisatiedienst (IND): {release.title or f'Jaarcijfers - {year}'}",
                     "path": Path(pdf).name, "publisher": "Immigratie- en Naturalisatiedienst (IND)",
                     "url": PUBLISHER_PAGE,
                     "release_year": year, "sha256": sha256(Path(pdf))}],
        "pipeline": {"name": "jaarcijfers", "version": __version__},
        "units": {"count": "a number of cases, people, documents or calls", "percent": "a percentage, 0-100",
                  "fte": "full-time equivalents"},
        "tables": tables,
        "resources": resources,
    }


def datapackage_json(release: Release, pdf: Path, schemas: Schemas) -> str:
    return json.dumps(descriptor(release, pdf, schemas), ensure_ascii=False, indent=2) + "\n"
