"""The PDFs `make bench` times: the fixture generator's layouts, layout-space seeds, and 20 releases in one.

Every rendering of the generator comes with ``make_batch``: it renders any release spec in the same layout,
so the 20-release batch can be timed in the rendering that costs most.
"""

from __future__ import annotations

import json
import random
import sys
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import generator, load_spec  # noqa: E402

YEARS = range(2004, 2024)


def _render_layout(layout: str, spec: dict, path: Path) -> None:
    generator().render(spec, layout, path)


def _render_space(layout, seed: int, spec: dict, path: Path) -> None:
    path.write_bytes(generator().render_layout(spec, layout, seed=seed))


def render_layouts(folder: Path) -> list[tuple[str, Path, object]]:
    """The 2023 release in each of the generator's layouts: (name, pdf, make_batch)."""
    gen, spec = generator(), load_spec()
    out = []
    for layout in gen.LAYOUTS:
        path = folder / f"{layout}.pdf"
        make = partial(_render_layout, layout)
        make(spec, path)
        out.append((layout, path, make))
    return out


def render_seeds(folder: Path, count: int, start: int = 0) -> list[tuple[str, Path, object]]:
    """The 2023 release in the layouts of the first ``count`` layout-space seeds from ``start`` that render
    (``random_layout``); none, said once, before the layout-space generator is there."""
    gen, spec = generator(), load_spec()
    if count <= 0:
        return []
    if not hasattr(gen, "random_layout"):
        print("bench: the fixture generator has no random_layout (layout space): no sweep seeds timed",
              file=sys.stderr)
        return []
    out = []
    seed = start
    while len(out) < count and seed < start + 10 * count:
        try:
            layout = gen.random_layout(seed)
            path = folder / f"seed-{seed}.pdf"
            make = partial(_render_space, layout, seed)
            make(spec, path)
            out.append((f"seed {seed}", path, make))
        except (ValueError, gen.LayoutError) as exc:  # a seed without a layout that fits
            print(f"bench: seed {seed} skipped: {exc}", file=sys.stderr)
        seed += 1
    return out


def release_for(spec: dict, year: int) -> dict:
    """The 2023 release moved to ``year``: same tables, years shifted, counts perturbed deterministically."""
    rnd = random.Random(year)
    out = json.loads(json.dumps(spec))
    shift = 2023 - year
    out["title"] = spec["title"].replace("2023", str(year))
    out["years"] = [y - shift for y in spec["years"]]
    out["panel_heading"] = spec["panel_heading"].replace("2023", str(year))
    for section in out["sections"]:
        for table in section["tables"]:
            for row in table["rows"]:
                if row.get("id") == "total_staff":
                    continue
                row["values"] = [_perturb(v, rnd) for v in row["values"]]
    staffing = [t for s in out["sections"] for t in s["tables"] if t.get("id") == "staffing"]
    for table in staffing:  # keep Totale bezetting = Ambtelijke + Externe true
        rows = {r["id"]: r for r in table["rows"]}
        rows["total_staff"]["values"] = [
            _dutch(_int(a) + _int(b)) for a, b in zip(rows["civil_servants"]["values"], rows["external_staff"]["values"])
        ]
    return out


def _int(raw: str) -> int:
    return int(raw.replace(".", ""))


def _dutch(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _perturb(raw: str, rnd: random.Random) -> str:
    if raw == "-" or raw.endswith("%"):
        return raw
    return _dutch(max(0, int(_int(raw) * rnd.uniform(0.9, 1.0))))


def make_releases(make_batch, folder: Path) -> list[Path]:
    """The releases of 2004-2023 rendered by ``make_batch`` into ``folder`` (emptied first)."""
    spec = load_spec()
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.pdf"):
        old.unlink()
    paths = []
    for year in YEARS:
        path = folder / f"ind-jaarcijfers-{year}.pdf"
        make_batch(release_for(spec, year), path)
        paths.append(path)
    return paths
