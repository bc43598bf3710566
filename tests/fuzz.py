"""The wide fuzzer, run by hand: many mutants of a release through the whole pipeline, as the suite's bounded
fuzzer makes them (tests/fixtures/mutations.py), to find what the suite's few examples do not.

    .venv/bin/python tests/fuzz.py --count 2000 --seed 1 --jobs 2

Every mutant must end with exit 1 or 2 and lines that name the file, or exit 0 with exactly the golden
data, within the time limit. One that ends otherwise (an internal error, another number, a dead worker, a
run close to the time limit) is written to tests/fixtures/mutants/ as a regression fixture, which the suite
runs (tests/test_bad_input.py); the summary counts the outcomes.
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from conftest import RAW_2023, comparable, read_golden, _load_module  # noqa: E402

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
    for table in ("observations", "top_nationalities", "footnotes"):
        got = comparable(pd.read_parquet(out / "2023" / f"{table}.parquet"), table)
        if not got.equals(comparable(read_golden(table), table)):
            return "exit 0 with other data", outcome.lines, seconds
    return "exact", outcome.lines, seconds


def one(index: int, seed: int, most: int, base: bytes, folder: str) -> tuple[int, str, list[str], float]:
    mutations = _load_module("fixture_mutations", ROOT / "tests" / "fixtures" / "mutations.py")
    rnd = random.Random(seed * 1_000_003 + index)
    pdf = Path(folder) / f"mutant-{index}.pdf"
    pdf.write_bytes(mutations.mutate(base, mutations.random_mutations(rnd, most)))
    out = Path(folder) / f"out-{index}"
    verdict, lines, seconds = judge(pdf, out)
    shutil.rmtree(out, ignore_errors=True)
    return index, verdict, lines, seconds


def keep(index: int, seed: int, verdict: str, folder: str) -> Path:
    MUTANTS.mkdir(parents=True, exist_ok=True)
    kept = MUTANTS / f"{verdict.replace(' ', '-')}-{seed}-{index}.pdf"
    kept.write_bytes((Path(folder) / f"mutant-{index}.pdf").read_bytes())
    return kept


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--count", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--most", type=int, default=8, help="mutations per mutant, at most")
    args = parser.parse_args()
    base = RAW_2023.read_bytes()
    counts: Counter[str] = Counter()
    with tempfile.TemporaryDirectory(prefix="fuzz-") as folder, ProcessPoolExecutor(args.jobs) as pool:
        futures = {pool.submit(one, i, args.seed, args.most, base, folder): i for i in range(args.count)}
        for future in as_completed(futures):
            index = futures[future]
            try:
                _, verdict, lines, seconds = future.result()
            except BrokenProcessPool:
                verdict, lines, seconds = "worker died", [], 0.0
            counts[verdict] += 1
            if verdict not in ("failed cleanly", "exact"):
                print(f"{verdict}: {keep(index, args.seed, verdict, folder).name} ({seconds:.1f} s) {lines[:2]}",
                      flush=True)
            (Path(folder) / f"mutant-{index}.pdf").unlink(missing_ok=True)
    print(f"{args.count} mutants (seed {args.seed}): " + ", ".join(f"{n} {v}" for v, n in counts.most_common()))


if __name__ == "__main__":
    main()
