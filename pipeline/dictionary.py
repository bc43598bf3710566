"""The data dictionary (docs/data-dictionary.md), generated from the column contract and ``schemas/`` so that
it never drifts."""

from __future__ import annotations

from pipeline import contract
from pipeline.schemas import Schemas

HEADER = """# Data dictionary

Generated from `pipeline/contract.py` and `schemas/` by `jaarcijfers dictionary` (`make docs`); do not edit by
hand. The columns of every output file, then every table and row (metric) the pipeline knows, with its
canonical id, its short English name, its Dutch texts as printed (and the releases each was seen in), its unit
and the footnotes printed on it.

Units: `count` (cases, people, documents, calls), `percent` (0-100), `fte` (full-time equivalents).
"""


def _variants(variants) -> str:
    out = []
    for v in variants:
        seen = f" ({', '.join(map(str, v.seen))})" if v.seen else ""
        out.append(f"`{v.nl}`{seen}")
    return "; ".join(out) or "-"


def output_columns() -> list[str]:
    """The contract's columns of each output file: type, whether it may be null, unit, meaning."""
    lines = ["## Output columns", "", "Each file is written as `.csv` and `.parquet`, with the same types in both; "
             "a null is an empty field in CSV.", ""]
    for table, columns in contract.TABLES.items():
        lines += [f"### {table}", "", contract.DESCRIPTIONS[table], "", "| column | type | null | unit | meaning |",
                  "|---|---|---|---|---|"]
        lines += [f"| `{c.name}` | {c.type} | {'yes' if c.nullable else 'no'} | {c.unit} | {c.description} |"
                  for c in columns]
        lines.append("")
    return lines


def render_dictionary(schemas: Schemas) -> str:
    notes: dict[tuple[str, str], list[str]] = {}
    for f in schemas.footnotes:
        notes.setdefault((f.table, f.metric or ""), []).append(f"{f.release}: {f.id}. {f.text}")
    lines = [HEADER, *output_columns(), "## Tables", "",
             "| table_id | English (table_en) | Dutch titles | panel titles | rows | in releases |",
             "|---|---|---|---|---|---|"]
    for tid, t in schemas.tables.items():
        span = f"{t.first_year or '...'}-{t.last_year or 'now'}"
        lines.append(f"| [`{tid}`](#{tid}) | {t.en} | {_variants(t.titles)} | {_variants(t.panel_titles)} | "
                     f"{len(t.metrics)} | {span} |")
    for tid, t in schemas.tables.items():
        lines += ["", f"### {tid}", "", f"**{t.en}.** {t.description or ''}", ""]
        for note in notes.get((tid, ""), []):
            lines.append(f"Footnote {note}")
            lines.append("")
        lines += ["| metric_id | Dutch labels | unit | English (label_en) | description | footnotes |",
                  "|---|---|---|---|---|---|"]
        for mid, m in t.metrics.items():
            d = schemas.metrics[mid]
            fn = "<br>".join(notes.get((tid, mid), [])) or ""
            lines.append(f"| `{mid}` | {_variants(m.labels)} | {d.unit} | {d.en} | {d.description} | {fn} |")
    lines += ["", "## Nationalities", "", "| code | country | Dutch variants |", "|---|---|---|"]
    for code, n in sorted(schemas.nationalities.items()):
        lines.append(f"| {code} | {n.name_en} | {', '.join(f'`{v}`' for v in n.nl)} |")
    lines += ["", "## Consistency checks", "", "| check | severity | what it verifies |", "|---|---|---|"]
    for c in schemas.checks:
        lines.append(f"| `{c.id}` | {c.severity} | {c.description} |")
    return "\n".join(lines) + "\n"
