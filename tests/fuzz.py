"""The wide fuzzer, run by hand: many mutants of a release through the whole pipeline, as the suite's bounded
fuzzer makes them (tests/fixtures/mutations.py), to find what the suite's few examples do not.

    .venv/bin/python tests/fuzz.py --count 2000 --seed 1 --jobs 2

Every mutant must end with exit 1 or 2 and lines that name the file, or exit 0 with exactly the golden
data (with --uncompressed: with whatever its pages now print), within the time limit. One that ends
otherwise (an internal error, another number, a dead worker, a run close to the time limit) is written to
tests/fixtures/mutants/, to be kept as a regression fixture; the summary counts the outcomes.

Runs of 2026-12-02 (3,800 mutants), after the guards of issues 14 and 18, found none:
  --seed 2 --most 3                                                   1500: 1489 failed cleanly, 11 exact
  --seed 3 --most 3 --in-stream 0.7 --uncompressed                    1000: 860 failed, 123 exact, 17 other
  --seed 4 --most 8 --ops replace,flip --in-stream 0                   700: 693 failed cleanly, 7 exact
  --seed 5 --most 4 --ops replace,flip,delete --in-stream 0.9 --unc.   600: 480 failed, 115 exact, 5 other
"""

from __future__ import annotations

import argparse
import logging
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path
from types import SimpleNamespace

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import RAW_2023, _load_module, assert_same_dataset, golden_frames  # noqa: E402

GOLDEN = golden_frames()

MUTANTS = ROOT / "tests" / "fixtures" / "mutants"
SLOW = 20.0  # seconds: a third of the default --timeout


def judge(pdf: Path, out: Path) -> tuple[str, list[str], float]:
    """(verdict, lines, seconds) of one mutant: 'failed cleanly', 'exact', or what went wrong."""
    import pandas as pd

    from pipeline.runner import Options, run_one

    started = time.monotonic()
    outcome = run_one(str(pdf), Options(out=out))
    seconds = time.monotonic() - started
    if any("internal error" in line for line in outcome.lines):
        return "internal error", outcome.lines, seconds
    if not outcome.lines or not all(line.startswith(str(pdf)) for line in outcome.lines):
        return "lines not naming the file", outcome.lines, seconds
    if seconds > SLOW:
        return "slow", outcome.lines, seconds
    if outcome.exit_code != 0:
        return "failed cleanly", outcome.lines, seconds
    written = SimpleNamespace(**{t: pd.read_parquet(out / "2023" / f"{t}.parquet") for t in GOLDEN})
    try:
        assert_same_dataset(written, GOLDEN, "mutant")
    except AssertionError:
        return "exit 0 with other data", outcome.lines, seconds
    return "exact", outcome.lines, seconds


def one(index: int, args, base: bytes, folder: str) -> tuple[int, str, list[str], float]:
    logging.getLogger("pdfminer").setLevel(logging.ERROR)  # as the CLI does: its warnings are not ours
    mutations = _load_module("fixture_mutations", ROOT / "tests" / "fixtures" / "mutations.py")
    rnd = random.Random(args.seed * 1_000_003 + index)
    pdf = Path(folder) / f"mutant-{index}.pdf"
    ops = args.ops.split(",") if args.ops else mutations.OPS
    pdf.write_bytes(mutations.mutate(base, mutations.random_mutations(rnd, args.most, ops, args.in_stream)))
    out = Path(folder) / f"out-{index}"
    verdict, lines, seconds = judge(pdf, out)
    shutil.rmtree(out, ignore_errors=True)
    return index, verdict, lines, seconds


def keep(index: int, seed: int, verdict: str, folder: str) -> Path:
    MUTANTS.mkdir(parents=True, exist_ok=True)
    kept = MUTANTS / f"{verdict.replace(' ', '-')}-{seed}-{index}.pdf"  # seed and index: tests/fuzz.py redoes it
    kept.write_bytes((Path(folder) / f"mutant-{index}.pdf").read_bytes())
    return kept


def uncompressed_release() -> bytes:
    """The 2023 release as the fixture generator draws it (stacked), with reportlab's compression off: a
    mutation of a content stream then changes what is read instead of failing its checksum."""
    from reportlab import rl_config

    from conftest import generator, load_spec

    rl_config.pageCompression = 0
    with tempfile.TemporaryDirectory() as folder:
        return generator().render(load_spec(), "stacked", Path(folder) / "release.pdf").read_bytes()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--most", type=int, default=8, help="mutations per mutant, at most")
    parser.add_argument("--ops", default="", help="comma-separated, of: " + ", ".join(
        _load_module("fixture_mutations", ROOT / "tests" / "fixtures" / "mutations.py").OPS))
    parser.add_argument("--in-stream", type=float, default=0.5, help="share of mutations inside a stream")
    parser.add_argument("--uncompressed", action="store_true",
                        help="mutate the 2023 release rendered without compression (its content streams in the "
                             "clear) instead of raw/'s PDF: other text read is then what the mutant prints")
    args = parser.parse_args()
    base = uncompressed_release() if args.uncompressed else RAW_2023.read_bytes()
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder, ProcessPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(one, i, args, base, folder): i for i in range(args.count)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                _, verdict, lines, seconds = future.result()
            except BrokenProcessPool:
                verdict, lines, seconds = "worker died", [], 0.0
            counts[verdict] += 1
            if verdict not in ("failed cleanly", "exact", *(["exit 0 with other data"] if args.uncompressed else [])):
                print(f"{verdict}: {keep(index, args.seed, verdict, folder).name} ({seconds:.1f} s) {lines[:2]}",
                      flush=True)
            (Path(folder) / f"mutant-{index}.pdf").unlink(missing_ok=True)
    print(f"{args.count} mutants (seed {args.seed}): " + ", ".join(f"{n} {v}" for v, n in counts.most_common()))


if __name__ == "__main__":
    main()
