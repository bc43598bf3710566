"""The data dictionary (docs/data-dictionary.md), generated from ``schemas/`` so that it never drifts."""

from __future__ import annotations

from pipeline.schemas import Schemas

HEADER = """# Data dictionary

Generated from `schemas/` by `jaarcijfers dictionary` (`make docs`); do not edit by hand. Every table and
row (metric) the pipeline knows, with its canonical id, its Dutch texts as printed (and the releases each
was seen in), its unit and the footnotes printed on it.

Units: `count` (cases, people, documents, calls), `percent` (0-100), `fte` (full-time equivalents).
"""


def _variants(variants) -> str:
    out = []
    for v in variants:
        seen = f" ({', '.join(map(str, v.seen))})" if v.seen else ""
        out.append(f"`{v.nl}`{seen}")
    return "; ".join(out) or "-"


def render_dictionary(schemas: Schemas) -> str:
    notes: dict[tuple[str, str], list[str]] = {}
    for f in schemas.footnotes:
        notes.setdefault((f.table, f.metric or ""), []).append(f"{f.release}: {f.id}. {f.text}")
    lines = [HEADER, "## Tables", "", "| table_id | Dutch titles | panel titles | rows | in releases |",
             "|---|---|---|---|---|"]
    for tid, t in schemas.tables.items():
        span = f"{t.first_year or '...'}-{t.last_year or 'now'}"
        lines.append(f"| [`{tid}`](#{tid}) | {_variants(t.titles)} | {_variants(t.panel_titles)} | "
                     f"{len(t.metrics)} | {span} |")
    for tid, t in schemas.tables.items():
        lines += ["", f"### {tid}", "", t.description or "", ""]
        for note in notes.get((tid, ""), []):
            lines.append(f"Footnote {note}")
            lines.append("")
        lines += ["| metric_id | Dutch labels | unit | description | footnotes |", "|---|---|---|---|---|"]
        for mid, m in t.metrics.items():
            d = schemas.metrics[mid]
            fn = "<br>".join(notes.get((tid, mid), [])) or ""
            lines.append(f"| `{mid}` | {_variants(m.labels)} | {d.unit} | {d.description} | {fn} |")
    lines += ["", "## Nationalities", "", "| code | country | Dutch variants |", "|---|---|---|"]
    for code, n in sorted(schemas.nationalities.items()):
        lines.append(f"| {code} | {n.name_en} | {', '.join(f'`{v}`' for v in n.nl)} |")
    lines += ["", "## Consistency checks", "", "| check | severity | what it verifies |", "|---|---|---|"]
    for c in schemas.checks:
        lines.append(f"| `{c.id}` | {c.severity} | {c.description} |")
    return "\n".join(lines) + "\n"
