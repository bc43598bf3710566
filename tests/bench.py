"""`make bench`: time, CPU and peak memory of `jaarcijfers extract` on several renderings, against the floor.

The floor is pdfplumber reading every word of the same PDF in one process, in this environment. Every command
runs in a fresh process, ``--runs`` times (default 3); the tables show medians. A rendering's commands (the
floor, extract, extract --jobs 1) run in turn, round after round, so that a change in the machine's load falls
on all of them alike; a ratio is the median of the rounds' ratios. The targets:

* one release: at most 2.5x the floor on EVERY rendering (the worst one counts);
* 20 releases in one call: at most 0.8x the floor's single-process time for the same 20 PDFs;
* peak memory of any one process in the 20-release batch: at most 1.5x that of one release.

The renderings: the shared reconstruction (tests/fixtures/), every distinct raw/*.pdf, the 2023 release as
other tools drew it (tests/fixtures/other-tools/: Chromium, WeasyPrint, LibreOffice, pdflatex, fpdf2), the
fixture generator's five layouts, and ``--seeds`` seeds of the layout-space generator (``random_layout``). The 20 releases (years 2004-2023) are rendered in the worst generated rendering into .bench/.

Wall time is what the targets are stated in, and it is only meaningful on a quiet machine. On a loaded one
(other processes on the cores) read the CPU columns: user + system seconds of every process a command
started (``getrusage(RUSAGE_CHILDREN)``). ``extract`` with its default --jobs reads the PDF in a second
process while the first imports the data stages, so its CPU is the sum of both, more than its critical path;
``--jobs 1`` is one process, and its CPU ratio is what a quiet single core would show. The pipeline's
modules are compiled to bytecode first, as an installed package's are (``bench_profile.compile_package``).
Then ``make bench`` prints the stage profile of the worst rendering (tests/bench_profile.py, also
``make profile PDF=...``).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from bench_profile import compile_package, object_counts, print_growth, print_profile, profile_in_subprocess  # noqa: E402
from bench_releases import make_releases, render_layouts, render_seeds  # noqa: E402

BENCH = ROOT / ".bench"
RECONSTRUCTION = ROOT / "tests" / "fixtures" / "ind-jaarcijfers-2023-reconstruction.pdf"
OTHER_TOOLS = ROOT / "tests" / "fixtures" / "other-tools"
FLOOR = """
import sys, pdfplumber
for path in sys.argv[1:]:
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            page.extract_words()
"""
# Runs a command; its wall time, the CPU time of every process it started and the peak RSS of the largest.
WRAP = """
import json, resource, subprocess, sys, time
t = time.perf_counter()
rc = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL).returncode
wall = time.perf_counter() - t
use = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"rc": rc, "wall": wall, "cpu": use.ru_utime + use.ru_stime, "rss_mb": use.ru_maxrss / 1024}))
"""
TARGET_ONE, TARGET_MANY, TARGET_MEMORY = 2.5, 0.8, 1.5


@dataclass(frozen=True)
class Rendering:
    name: str
    pdf: Path
    make_batch: object = None  # callable(folder) -> 20 PDFs in this rendering, or None (a fixed file)


@dataclass(frozen=True)
class Sample:
    rc: int
    wall: float
    cpu: float
    rss_mb: float
    walls: tuple[float, ...] = ()  # each run's, in order: paired with another command's run of the same round
    cpus: tuple[float, ...] = ()


def _sample(runs: list[dict]) -> Sample:
    """Medians of ``runs`` of one command; the exit code of the last, which only the last may have failed."""
    rc = runs[-1]["rc"]
    ok = [s for s in runs if s["rc"] == 0] or runs
    return Sample(rc, *(statistics.median(s[k] for s in ok) for k in ("wall", "cpu", "rss_mb")),
                  tuple(s["wall"] for s in ok), tuple(s["cpu"] for s in ok))


def measure_together(cmds: dict[str, list[str]], runs: int) -> dict[str, Sample]:
    """Each of ``cmds`` run ``runs`` times in a fresh process, in turn, round after round: a change in the
    machine's load falls on all of them alike. A command that exits non-zero is not run again."""
    done: dict[str, list[dict]] = {name: [] for name in cmds}
    for _ in range(runs):
        for name, cmd in cmds.items():
            if not done[name] or done[name][-1]["rc"] == 0:
                out = subprocess.run([sys.executable, "-c", WRAP, *cmd], capture_output=True, text=True, check=True)
                done[name].append(json.loads(out.stdout))
    return {name: _sample(samples) for name, samples in done.items()}


def measure(cmd: list[str], runs: int) -> Sample:
    """Medians over ``runs`` fresh runs of ``cmd``; a run that exits non-zero gives rc and no more runs."""
    return measure_together({"cmd": cmd}, runs)["cmd"]


def ratio(a: Sample, b: Sample, key: str) -> float:
    """``a`` over ``b`` in ``key`` (wall or cpu): the median of their runs' ratios round by round (run side by
    side, as ``measure_together`` runs them), or of their medians if they were not."""
    pairs = list(zip(getattr(a, key + "s"), getattr(b, key + "s")))
    if pairs and len(getattr(a, key + "s")) == len(getattr(b, key + "s")):
        return statistics.median(x / y for x, y in pairs)
    return getattr(a, key) / getattr(b, key)


def extract_cmd(pdfs: list[Path], out: Path, jobs: int | None = None) -> list[str]:
    cmd = [sys.executable, "-m", "pipeline", "extract", *map(str, pdfs), "--out", str(out)]
    return cmd + (["--jobs", str(jobs)] if jobs else [])


def floor_cmd(pdfs: list[Path]) -> list[str]:
    return [sys.executable, "-c", FLOOR, *map(str, pdfs)]


def renderings(args, folder: Path) -> list[Rendering]:
    """The reconstruction, raw/'s distinct PDFs, the other tools' renderings, the generator's layouts and the
    sweep seeds."""
    seen: dict[str, str] = {}
    out = []
    fixed = ([("reconstruction", RECONSTRUCTION)] + [(f"raw/{p.name}", p) for p in sorted((ROOT / "raw").glob("*.pdf"))]
             + ([] if args.no_other_tools else [(p.stem, p) for p in sorted(OTHER_TOOLS.glob("*.pdf"))]))
    for name, pdf in fixed:
        digest = hashlib.sha256(pdf.read_bytes()).hexdigest()
        if digest in seen:
            print(f"bench: {name} has the same bytes as {seen[digest]}: timed once")
            continue
        seen[digest] = name
        out.append(Rendering(name, pdf))
    for name, pdf, batch in render_layouts(folder) + render_seeds(folder, args.seeds, args.seed_start):
        out.append(Rendering(name, pdf, batch))
    return out


def time_renderings(items: list[Rendering], out: Path, runs: int) -> dict[str, dict[str, Sample]]:
    rows = {}
    for r in items:
        print(f"bench: {r.name} ...", file=sys.stderr, flush=True)
        rows[r.name] = measure_together({"floor": floor_cmd([r.pdf]), "extract": extract_cmd([r.pdf], out),
                                         "jobs1": extract_cmd([r.pdf], out, 1)}, runs)
    return rows


def _ratio(a: Sample, b: Sample, key: str) -> str:
    return f"{ratio(a, b, key):5.2f}" if a.rc == 0 else f"exit {a.rc}"


def print_renderings(rows: dict[str, dict[str, Sample]], objects: dict[str, dict]) -> str:
    """The per-rendering table; returns the worst rendering's name (by CPU of one process over the floor's)."""
    print(f"\n### One release per rendering (medians; wall is noisy on a loaded machine, CPU is not)\n")
    print("| rendering | words | rects+lines+curves | floor wall s | floor CPU s | extract wall s | extract CPU s "
          "| wall ratio | --jobs 1 CPU s | --jobs 1 CPU ratio |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, m in rows.items():
        o = objects[name]
        print(f"| {name} | {o['words']} | {o['rects'] + o['lines'] + o['curves']} | {m['floor'].wall:.2f} | "
              f"{m['floor'].cpu:.2f} | {m['extract'].wall:.2f} | {m['extract'].cpu:.2f} | "
              f"{_ratio(m['extract'], m['floor'], 'wall')} | {m['jobs1'].cpu:.2f} | "
              f"{_ratio(m['jobs1'], m['floor'], 'cpu')} |")
    ok = {n: m for n, m in rows.items() if m["jobs1"].rc == 0 and m["extract"].rc == 0}
    failed = sorted(set(rows) - set(ok))
    if failed:
        print(f"\nNot counted (extract exited non-zero): {', '.join(failed)}")
    worst_wall = max(ok, key=lambda n: ratio(ok[n]["extract"], ok[n]["floor"], "wall"))
    worst = max(ok, key=lambda n: ratio(ok[n]["jobs1"], ok[n]["floor"], "cpu"))
    print(f"\nWorst by wall: {worst_wall} ({ratio(ok[worst_wall]['extract'], ok[worst_wall]['floor'], 'wall'):.2f}x, "
          f"target <= {TARGET_ONE}); worst by CPU of one process: {worst} "
          f"({ratio(ok[worst]['jobs1'], ok[worst]['floor'], 'cpu'):.2f}x)")
    return worst


def time_batch(pdfs: list[Path], out: Path, runs: int) -> dict[str, Sample]:
    return measure_together({"floor": floor_cmd(pdfs), "extract": extract_cmd(pdfs, out)}, runs)


def print_batch(name: str, batch: dict[str, Sample], one: Sample, n: int) -> None:
    cores = os.cpu_count()
    e, f = batch["extract"], batch["floor"]
    print(f"\n### {n} releases in one call, rendered as {name} (--jobs {cores}, the default)\n")
    print("| run | wall s | CPU s | peak MB |")
    print("|---|---:|---:|---:|")
    print(f"| extract, 1 release | {one.wall:.2f} | {one.cpu:.2f} | {one.rss_mb:.1f} |")
    print(f"| extract, {n} releases | {e.wall:.2f} | {e.cpu:.2f} | {e.rss_mb:.1f} |")
    print(f"| floor, {n} releases (1 process) | {f.wall:.2f} | {f.cpu:.2f} | {f.rss_mb:.1f} |")
    print("\n| ratio | value | target |")
    print("|---|---:|---:|")
    print(f"| {n} releases: extract / floor (wall) | {_ratio(e, f, 'wall')} | <= {TARGET_MANY} |")
    if e.rc == 0:
        print(f"| {n} releases: extract CPU / {cores} cores / floor CPU (about a quiet machine's wall ratio) | "
              f"{ratio(e, f, 'cpu') / cores:5.2f} | <= {TARGET_MANY} |")
    print(f"| peak memory: {n}-release batch / 1 release | {e.rss_mb / one.rss_mb:5.2f} | <= {TARGET_MEMORY} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per command (medians) [3]")
    parser.add_argument("--seeds", type=int, default=5, help="layout-space seeds to time, if the generator has them [5]")
    parser.add_argument("--seed-start", type=int, default=0, help="first seed tried [0]")
    parser.add_argument("--batch-runs", type=int, default=None, help="runs of the 20-release batch [--runs]")
    parser.add_argument("--profile-runs", type=int, default=3, help="runs of the worst rendering's stage profile [3]")
    parser.add_argument("--no-batch", action="store_true", help="skip the 20-release batch")
    parser.add_argument("--no-other-tools", action="store_true", help="skip tests/fixtures/other-tools/*.pdf")
    args = parser.parse_args(argv)
    folder = BENCH / "renderings"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    out = Path(tempfile.mkdtemp(prefix="bench-out-"))
    load = os.getloadavg()[0]
    print(f"make bench: {os.cpu_count()} cores, load average {load:.1f} at the start"
          + (" (LOADED: read the CPU columns, not wall)" if load > 0.5 * (os.cpu_count() or 1) else ""))
    compile_package()
    try:
        items = renderings(args, folder)
        objects = {r.name: object_counts(r.pdf) for r in items}
        rows = time_renderings(items, out, args.runs)
        worst = print_renderings(rows, objects)
        by_name = {r.name: r for r in items}
        generated = [n for n in rows if by_name[n].make_batch and rows[n]["jobs1"].rc == 0]
        if not args.no_batch and generated:
            name = max(generated, key=lambda n: ratio(rows[n]["jobs1"], rows[n]["floor"], "cpu"))
            pdfs = make_releases(by_name[name].make_batch, BENCH / "releases")
            print_batch(name, time_batch(pdfs, out, args.batch_runs or args.runs), rows[name]["extract"], len(pdfs))
        print_growth({n: profile_in_subprocess(by_name[n].pdf, out) for n in rows if rows[n]["jobs1"].rc == 0},
                     objects)
        print_profile(worst, [profile_in_subprocess(by_name[worst].pdf, out) for _ in range(args.profile_runs)])
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
