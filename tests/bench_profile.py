"""The stage profile of one `jaarcijfers extract` in one process: where its CPU and wall time go.

    python tests/bench_profile.py PDF [--runs 3] [--json]      (`make profile PDF=...`)

Runs the runner's own ``read`` and ``process`` on the PDF (as ``--jobs 1`` does) with a timer around each
stage: the imports, pdfminer interpreting the pages, their streams split (``content.stream_objects``), each
glyph made a character's dict (``chars.TextDevice.render_char``; pdfminer's LTChar and paths and pdfplumber's
dicts of them, should anything build them again), the integrity walk, the
words, the tokens, every reader pass of ``reader.PASSES``, normalize, validate, the report's pictures and
page, and the writer. Times are exclusive
(a stage inside another is not counted twice) and both CPU (``process_time``) and wall; on a loaded machine
trust the CPU. A probe whose function has moved is listed as gone, never silently dropped.
"""

from __future__ import annotations

import argparse
import importlib
import inspect
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

# (module, attribute path, stage, group): the functions timed. Groups sum stages for the per-rendering table.
PROBES = (
    ("pdfminer.pdfinterp", "PDFPageInterpreter.process_page", "pdfminer: content streams interpreted", "parse"),
    ("pipeline.extract.content", "stream_objects", "content streams split (content.stream_objects)", "parse"),
    ("pipeline.extract.chars", "TextDevice.render_char", "glyphs -> character dicts (chars.TextDevice.render_char)",
     "parse"),
    ("pdfminer.converter", "PDFLayoutAnalyzer.render_char", "pdfminer: glyphs -> LTChar", "parse"),
    ("pdfminer.converter", "PDFLayoutAnalyzer.paint_path", "pdfminer: paths -> LTRect/LTLine/LTCurve", "objects"),
    ("pipeline.extract.source", "check_objects", "integrity: every object parsed, every stream inflated", "integrity"),
    ("pipeline.extract.source", "check_drawing", "integrity: what each page draws", "integrity"),
    ("pipeline.extract.source", "open_pdf", "open_pdf: the other checks", "parse"),
    ("pdfplumber.utils", "extract_words", "pdfplumber: extract_words", "words"),
    ("pipeline.extract.words", "page_tokens", "tokens (words -> Token, markers flagged)", "tokens"),
    ("pipeline.extract.reader", "attach_markers", "reader: markers attached", "passes"),
    ("pipeline.extract.reader", "tokens_to_lines", "reader: lines", "passes"),
    ("pipeline.extract.reader", "PageReader.__init__", "reader: PageReader (other)", "passes"),
    ("pipeline.extract.reader", "assemble", "assemble (tables merged, the audit)", "passes"),
    ("pipeline.normalize", "normalize", "normalize", "normalize"),
    ("pipeline.validate", "validate", "validate", "validate"),
    ("pipeline.pictures", "render_pages", "pictures: pdfium renders the pages", "pictures"),
    ("pipeline.pictures", "annotated", "pictures: boxes drawn", "pictures"),
    ("pipeline.pictures", "with_legend", "pictures: legend", "pictures"),
    ("pipeline.report.images", "encode_png", "pictures: PNG encoded", "pictures"),
    ("pipeline.report.page", "release_renderer", "report.html: views (all but the pictures)", "report"),
    ("jinja2.environment", "Template.render", "report.html: template filled", "report"),
    ("pipeline.datapackage", "datapackage_json", "datapackage.json", "write"),
    ("pipeline.write", "frame_to_csv", "write: CSV", "write"),
    ("pipeline.write", "frame_to_parquet", "write: Parquet", "write"),
    ("pipeline.write", "write_release", "write: the rest (staging, JSON, Markdown)", "write"),
)
IMPORTS = (  # (stage, modules), in the order a --jobs 1 run meets them
    ("import: pdfplumber, pdfminer", ("pdfplumber",)),
    ("import: the extract stage", ("pipeline.extract.reader", "pipeline.extract.source", "pipeline.extract.words")),
    ("import: pandas", ("pandas",)),
    ("import: pyarrow", ("pyarrow", "pyarrow.parquet")),
    ("import: pandera", ("pandera",)),
    ("import: the other data stages", ("pipeline.normalize", "pipeline.validate", "pipeline.write",
                                       "pipeline.datapackage")),
    ("import: the report (jinja2, PIL, pypdfium2)", ("pipeline.report.page", "pipeline.pictures")),
)
GROUP_OF = {"import": "import", "reader pass": "passes", "read: the rest": "other", "process: the rest": "other",
            "schemas loaded": "import"}


class Clock:
    """Exclusive CPU and wall seconds (and calls) per stage; a stage inside another is subtracted from it."""

    def __init__(self, cpu_clock=time.process_time, wall_clock=time.perf_counter) -> None:
        self._clocks = cpu_clock, wall_clock
        self.cpu: dict[str, float] = defaultdict(float)
        self.wall: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self.groups: dict[str, str] = {}
        self._inner: list[list[float]] = []

    @contextmanager
    def span(self, stage: str, group: str, call: bool = True):
        self.groups.setdefault(stage, group)
        self.cpu[stage] += 0.0  # stages listed in the order they first start
        self.wall[stage] += 0.0
        self.calls[stage] += 0
        cpu_clock, wall_clock = self._clocks
        c0, w0 = cpu_clock(), wall_clock()
        self._inner.append([0.0, 0.0])
        try:
            yield
        finally:
            c, w = cpu_clock() - c0, wall_clock() - w0
            inner = self._inner.pop()
            self.cpu[stage] += c - inner[0]
            self.wall[stage] += w - inner[1]
            self.calls[stage] += call
            if self._inner:
                self._inner[-1][0] += c
                self._inner[-1][1] += w

    def timed(self, fn, stage: str, group: str):
        def wrapper(*args, **kwargs):
            with self.span(stage, group):
                result = fn(*args, **kwargs)
            return self._timed_iter(result, stage, group) if inspect.isgenerator(result) else result

        wrapper.__wrapped__ = fn
        return wrapper

    def _timed_iter(self, gen, stage: str, group: str):
        while True:
            with self.span(stage, group, call=False):  # one call of the function, however many items
                try:
                    item = next(gen)
                except StopIteration:
                    return
            yield item

    def rows(self) -> list[dict]:
        return [{"stage": s, "group": self.groups[s], "cpu": self.cpu[s], "wall": self.wall[s],
                 "calls": self.calls[s]} for s in self.cpu]


class InProcess:
    """``guards.start_in_child`` in this process: the function runs at once, its result or error kept."""

    def __init__(self, function, *args, seconds=None) -> None:
        try:
            self._value, self._error = function(*args), None
        except Exception as exc:  # noqa: BLE001 - raised by ``result``, as the child's would be
            self._value, self._error = None, exc

    def result(self):
        if self._error is not None:
            raise self._error
        return self._value

    def cancel(self) -> None:
        pass


_INHERITED = object()  # a probed method its class inherits: put back by deleting the wrapper


def install_probes(clock: Clock) -> tuple[list[tuple], list[str]]:
    """Wrap every probed function (and each reader pass) with the clock. Returns what to put back
    (``remove_probes``) and the probes whose function is gone."""
    import pdfplumber.page
    from pdfminer.layout import LTChar

    from pipeline.extract import reader

    installed, gone = [], []

    def wrap(owner, name, wrapper) -> None:
        installed.append((owner, name, vars(owner).get(name, _INHERITED)))
        setattr(owner, name, wrapper)

    for module, attr, stage, group in PROBES:
        try:
            owner = importlib.import_module(module)
            *path, name = attr.split(".")
            for part in path:
                owner = getattr(owner, part)
            wrap(owner, name, clock.timed(getattr(owner, name), stage, group))
        except (ImportError, AttributeError):
            gone.append(f"{module}.{attr}")

    def process_object(page, obj, _fn=pdfplumber.page.Page.process_object):
        chars = isinstance(obj, LTChar)
        with clock.span("pdfplumber: LTChar -> dict" if chars else "pdfplumber: rect/line/curve -> dict",
                        "parse" if chars else "objects"):
            return _fn(page, obj)

    wrap(pdfplumber.page.Page, "process_object", process_object)  # none since chars.page_chars; listed if any
    wrap(reader, "PASSES", tuple(clock.timed(p, f"reader pass: {p.__module__.rsplit('.', 1)[-1]}.{p.__name__}",
                                             "passes") for p in reader.PASSES))
    return installed, gone


def remove_probes(installed: list[tuple]) -> None:
    for owner, name, original in reversed(installed):
        if original is _INHERITED:
            delattr(owner, name)
        else:
            setattr(owner, name, original)


def profile(pdf: Path, out: Path) -> dict:
    """One run of the runner's read and process on ``pdf`` (output into ``out``), timed per stage."""
    clock = Clock()
    for stage, modules in IMPORTS[:2]:
        with clock.span(stage, "import"):
            for m in modules:
                importlib.import_module(m)
    from pipeline import runner
    from pipeline.schemas import load_schemas

    with clock.span("schemas loaded", "import"):
        schemas = load_schemas(None)
    for stage, modules in IMPORTS[2:]:  # imported before the probes, so that each is timed on its own
        with clock.span(stage, "import"):
            for m in modules:
                importlib.import_module(m)
    installed, gone = install_probes(clock)
    opts = runner.Options(out=out, releases_before=())
    start_in_child = runner.start_in_child
    runner.start_in_child = InProcess  # the pictures drawn here, timed
    try:
        with clock.span("read: the rest (time limit, gc once, areas)", "other"):
            raw = runner.read(pdf, opts)
        with clock.span("process: the rest", "other"):
            runner.process(pdf, opts, schemas, raw)
    finally:
        runner.start_in_child = start_in_child
        remove_probes(installed)
    return {"rows": clock.rows(), "gone": gone}


def compile_package() -> None:
    """The pipeline's modules compiled to bytecode (``__pycache__``), as an installed package has them.

    pip compiles every package it installs, pdfplumber and pandas included; the project's own modules, installed
    in place (``pip install -e``), are compiled by Python at their first import and cached, unless the
    environment says not to write bytecode (``PYTHONDONTWRITEBYTECODE``, set on some machines): then every run
    would compile them again, about 0.1 s of CPU per process that no user pays twice. Python still reads the
    cache when told not to write it, and recompiles a module whose source changed since."""
    import compileall

    compileall.compile_dir(ROOT / "pipeline", quiet=1)


def profile_in_subprocess(pdf: Path, out: Path) -> dict:
    """``profile`` in a fresh process (so that the imports are timed), as a dict."""
    done = subprocess.run([sys.executable, __file__, str(pdf), "--out", str(out), "--json"], capture_output=True,
                          text=True, cwd=ROOT)
    if done.returncode != 0:
        raise SystemExit(f"bench: the profile of {pdf} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def object_counts(pdf: Path) -> dict[str, int]:
    """What the PDF's pages hold: characters, words (pdfplumber's defaults), rects, lines, curves."""
    import pdfplumber

    n = dict.fromkeys(("pages", "chars", "words", "rects", "lines", "curves"), 0)
    with pdfplumber.open(pdf) as doc:
        for page in doc.pages:
            n["pages"] += 1
            for kind in ("chars", "rects", "lines", "curves"):
                n[kind] += len(getattr(page, kind))
            n["words"] += len(page.extract_words())
    return n


def medians(runs: list[dict]) -> list[dict]:
    """Per stage (in the order first met), the median CPU and wall over ``runs`` (0 where a run lacks it)."""
    order = list(dict.fromkeys(r["stage"] for run in runs for r in run["rows"]))
    by = [{r["stage"]: r for r in run["rows"]} for run in runs]
    out = []
    for stage in order:
        present = [b[stage] for b in by if stage in b]
        out.append({"stage": stage, "group": present[0]["group"], "calls": present[0]["calls"],
                    **{k: statistics.median([b[stage][k] if stage in b else 0.0 for b in by]) for k in ("cpu", "wall")}})
    return out


def print_profile(name: str, runs: list[dict]) -> None:
    rows = medians(runs)
    cpu = sum(r["cpu"] for r in rows)
    wall = sum(r["wall"] for r in rows)
    print(f"\n### Stage profile of {name}, one process (medians of {len(runs)}; exclusive times)\n")
    print("| stage | calls | CPU s | share of CPU | wall s |")
    print("|---|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['stage']} | {r['calls']} | {r['cpu']:.3f} | {r['cpu'] / cpu:5.1%} | {r['wall']:.3f} |")
    print(f"| **total** | | **{cpu:.3f}** | | **{wall:.3f}** |")
    gone = sorted({g for run in runs for g in run["gone"]})
    if gone:
        print(f"\nProbes whose function is gone (update tests/bench_profile.py): {', '.join(gone)}")


GROUPS = ("import", "parse", "objects", "integrity", "words", "tokens", "passes", "normalize", "validate",
          "pictures", "report", "write", "other")


def print_growth(profiles: dict[str, dict], objects: dict[str, dict]) -> None:
    """Per rendering: its objects beside the CPU of each group of stages (one run each)."""
    print("\n### What grows with the page's objects: CPU s per group of stages, one run per rendering\n")
    print("| rendering | chars | words | rects | lines | curves | " + " | ".join(GROUPS) + " | total |")
    print("|---|" + "---:|" * (6 + len(GROUPS)))
    for name, run in profiles.items():
        sums = dict.fromkeys(GROUPS, 0.0)
        for r in run["rows"]:
            sums[r["group"]] += r["cpu"]
        o = objects[name]
        print(f"| {name} | {o['chars']} | {o['words']} | {o['rects']} | {o['lines']} | {o['curves']} | "
              + " | ".join(f"{sums[g]:.3f}" for g in GROUPS) + f" | {sum(sums.values()):.3f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("pdf", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None, help="output folder (default: a temporary one)")
    parser.add_argument("--json", action="store_true", help="one run in this process, as JSON (for bench.py)")
    args = parser.parse_args(argv)
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the command line sets it (``cli.main``), before numpy
    sys.path.insert(0, str(ROOT))
    out = args.out or Path(tempfile.mkdtemp(prefix="bench-profile-"))
    compile_package()
    if args.json:
        print(json.dumps(profile(args.pdf, out)))
        return 0
    print_profile(str(args.pdf), [profile_in_subprocess(args.pdf, out) for _ in range(args.runs)])
    return 0


if __name__ == "__main__":
    sys.exit(main())
