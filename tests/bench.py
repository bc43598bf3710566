"""`make bench`: wall time and peak memory of `jaarcijfers extract`, against the floor of this stack.

The floor is pdfplumber reading every word of the same PDFs in one process. Each command runs in a fresh
process, at least 5 times; the table shows medians, and the ratios that the targets are stated in:

* one release: at most 3x the floor;
* 20 releases in one call: at most 1.0x the floor's single-process time for the same 20 PDFs;
* peak memory of any one process in the 20-release batch: at most 1.5x that of one release.

`extract` runs as users run it, with the default --jobs (the number of cores): a batch shares its PDFs among
that many processes, and one release reads its PDF in a second process while the first imports pandas,
pandera and pyarrow (``runner.read_alongside``). The last row, one release with --jobs 1, shows the
single-process cost beside it.

The 20 releases (years 2004-2023) are rendered by the fixture generator into .bench/ (git-ignored).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import generator, load_spec  # noqa: E402

BENCH = ROOT / ".bench"
FLOOR = """
import sys, pdfplumber
for path in sys.argv[1:]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
"""
# Runs a command and reports its wall time and the peak RSS of the largest process it started.
WRAP = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t
print(json.dumps({"rc": rc, "wall": wall, "rss_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


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


def make_releases() -> list[Path]:
    gen = generator()
    spec = load_spec()
    folder = BENCH / "releases"
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for year in range(2004, 2024):
        path = folder / f"ind-jaarcijfers-{year}.pdf"
        if not path.exists():
            gen.render(release_for(spec, year), "stacked", path)
        paths.append(path)
    return paths


def measure(cmd: list[str], runs: int) -> dict:
    samples = []
    for _ in range(runs):
        out = subprocess.run([sys.executable, "-c", WRAP, *cmd], capture_output=True, text=True, check=True)
        sample = json.loads(out.stdout)
        if sample["rc"] != 0:
            raise SystemExit(f"bench: {' '.join(cmd[:4])}... exited {sample['rc']}")
        samples.append(sample)
    return {"wall": statistics.median(s["wall"] for s in samples),
            "rss_mb": statistics.median(s["rss_mb"] for s in samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    pdfs = make_releases()
    one = [str(pdfs[-1])]
    many = [str(p) for p in pdfs]
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    py = sys.executable
    try:
        rows = {
            f"extract, 1 release (--jobs {os.cpu_count()}, the default)": measure(
                [py, "-m", "pipeline", "extract", *one, "--out", str(out)], args.runs),
            "floor, 1 release": measure([py, "-c", FLOOR, *one], args.runs),
            f"extract, {len(many)} releases (--jobs {os.cpu_count()}, the default)": measure(
                [py, "-m", "pipeline", "extract", *many, "--out", str(out)], args.runs),
            f"floor, {len(many)} releases (1 process)": measure([py, "-c", FLOOR, *many], args.runs),
            "extract, 1 release (--jobs 1: one process)": measure(
                [py, "-m", "pipeline", "extract", *one, "--out", str(out), "--jobs", "1"], args.runs),
        }
    finally:
        shutil.rmtree(out, ignore_errors=True)
    names = list(rows)
    print(f"\nmake bench: medians of {args.runs} runs, {os.cpu_count()} cores, whole processes\n")
    print(f"| {'run':<46} | {'wall s':>7} | {'peak MB':>8} |")
    print(f"|{'-' * 48}|{'-' * 9}|{'-' * 10}|")
    for name in names:
        print(f"| {name:<46} | {rows[name]['wall']:7.2f} | {rows[name]['rss_mb']:8.1f} |")
    r1 = rows[names[0]]["wall"] / rows[names[1]]["wall"]
    r20 = rows[names[2]]["wall"] / rows[names[3]]["wall"]
    rm = rows[names[2]]["rss_mb"] / rows[names[0]]["rss_mb"]
    print()
    print(f"| {'ratio':<46} | {'value':>7} | {'target':>8} |")
    print(f"|{'-' * 48}|{'-' * 9}|{'-' * 10}|")
    print(f"| {'1 release: extract / floor (wall)':<46} | {r1:7.2f} | {'<= 3.0':>8} |")
    print(f"| {'20 releases: extract / floor (wall)':<46} | {r20:7.2f} | {'<= 1.0':>8} |")
    print(f"| {'peak memory: 20-release batch / 1 release':<46} | {rm:7.2f} | {'<= 1.5':>8} |")
    r1_single = rows[names[4]]["wall"] / rows[names[1]]["wall"]
    print(f"| {'1 release in one process / floor (wall)':<46} | {r1_single:7.2f} | {'-':>8} |")


if __name__ == "__main__":
    main()
