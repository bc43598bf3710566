"""A Frictionless data package descriptor for one release, built from the column contract and ``schemas/``.

The descriptor holds no timestamp: the same PDF gives byte-identical output.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from pipeline import __version__, contract
from pipeline.errors import shown
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


ENUMS = {"unit": ["count", "percent", "fte"], "obs_status": ["A", "M"]}


def field(col: contract.Column, schemas: Schemas) -> dict:
    """A Frictionless field from the contract's column: name, type, description, unit; required unless it
    may be null."""
    out: dict = {"name": col.name, "type": col.type, "description": col.description}
    if col.unit:
        out["unit"] = col.unit
    constraints: dict = {} if col.nullable else {"required": True}
    if col.name in ENUMS:
        constraints["enum"] = ENUMS[col.name]
    if constraints:
        out["constraints"] = constraints
    if col.name == "metric_id":
        units = {m: d.unit for m, d in schemas.metrics.items()}
        out["description"] += " Units by metric: " + ", ".join(f"{m}={u}" for m, u in sorted(units.items())) + "."
    return out


def descriptor(release: Release, pdf: Path, schemas: Schemas) -> dict:
    year = release.release_year
    obs_key = (["table_id", "metric_id", "year"] if bool(release.observations["mapped"].all())
               else ["table_nl", "label_nl", "year"])
    resources = []
    for name, key in (("observations", obs_key), ("top_nationalities", ["table_nl", "year", "rank"]),
                      ("footnotes", ["footnote_id", "table_id", "metric_id"])):
        schema: dict = {"fields": [field(c, schemas) for c in contract.TABLES[name]], "primaryKey": key,
                        "missingValues": [""]}
        if name == "top_nationalities" and bool(release.observations["mapped"].all()):
            schema["foreignKeys"] = [{"fields": ["table_id"],
                                      "reference": {"resource": "observations", "fields": ["table_id"]}},
                                     {"fields": ["table_id", "table_nl"],
                                      "reference": {"resource": "observations", "fields": ["table_id", "table_nl"]}}]
        resources.append({
            "name": name, "path": f"{name}.csv", "profile": "tabular-data-resource", "format": "csv",
            "mediatype": "text/csv", "encoding": "utf-8", "description": contract.DESCRIPTIONS[name]
            + f" Also as {name}.parquet.", "schema": schema,
        })
    tables = {tid: {"en": t.en, "description": t.description, "titles_nl": [v.nl for v in t.titles],
                    "metrics": {m: {"en": schemas.metrics[m].en, "unit": schemas.metrics[m].unit,
                                    "description": schemas.metrics[m].description,
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
                     "path": shown(Path(pdf).name), "publisher": "Immigratie- en Naturalisatiedienst (IND)",
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
