"""`make bench`'s own code (tests/bench*.py) works: its clock, its measuring and the stage profile of one
release. Nothing here times the pipeline: speed is measured by `make bench`, never asserted."""

from __future__ import annotations

import sys
import time

import bench
import bench_profile
from conftest import RECONSTRUCTION


def test_clock_times_are_exclusive_and_generators_are_timed_per_item():
    clock = bench_profile.Clock()

    def inner():
        time.sleep(0.02)

    def items():
        for i in range(3):
            time.sleep(0.01)
            yield i

    timed_inner = clock.timed(inner, "inner", "a")
    t = time.perf_counter()
    with clock.span("outer", "b"):
        timed_inner()
        timed_inner()
        assert list(clock.timed(items, "items", "c")()) == [0, 1, 2]
    total = time.perf_counter() - t
    assert clock.calls == {"outer": 1, "inner": 2, "items": 1}  # calls, however many items
    assert clock.wall["inner"] >= 0.04 and clock.wall["items"] >= 0.03
    assert clock.wall["outer"] < 0.01  # the time of what is inside it is not counted twice
    assert abs(sum(clock.wall.values()) - total) < 0.005


def test_measure_gives_the_exit_code_and_cpu_of_a_command():
    ok = bench.measure([sys.executable, "-c", "sum(range(3_000_000))"], runs=1)
    assert ok.rc == 0 and ok.cpu > 0 and ok.rss_mb > 0
    assert bench.measure([sys.executable, "-c", "raise SystemExit(3)"], runs=2).rc == 3


def test_the_profile_of_one_release_has_every_stage_and_puts_the_probes_back(tmp_path):
    from pipeline.extract import reader

    passes = reader.PASSES
    run = bench_profile.profile(RECONSTRUCTION, tmp_path)
    assert run["gone"] == []
    stages = {r["stage"]: r for r in run["rows"]}
    for p in passes:
        assert f"reader pass: {p.__module__.rsplit('.', 1)[-1]}.{p.__name__}" in stages
    assert stages["pdfplumber: LTChar -> dict"]["calls"] == 6934  # every character of the 3 pages
    assert stages["pdfplumber: rect/line/curve -> dict"]["calls"] == 37  # its colour bands
    assert stages["pdfplumber: extract_words"]["calls"] == 3
    assert stages["write: Parquet"]["calls"] == 3
    assert (tmp_path / "2023" / "observations.csv").read_text(encoding="utf-8").count("\n") == 325  # 324 numbers
    assert reader.PASSES is passes  # nothing left wrapped for the other tests
    assert bench_profile.object_counts(RECONSTRUCTION) == {"pages": 3, "chars": 6934, "words": 1051, "rects": 37,
                                                           "lines": 0, "curves": 0}
