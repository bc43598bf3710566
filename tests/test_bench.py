"""`make bench`'s own code (tests/bench*.py) works: its clock, its measuring and the stage profile of one
release. Nothing here times the pipeline: speed is measured by `make bench`, never asserted."""

from __future__ import annotations

import argparse
import sys

import bench
import bench_profile
from conftest import RECONSTRUCTION


def test_clock_times_are_exclusive_and_generators_are_timed_per_item():
    now = [0.0]  # a clock that moves only when the code under it says so

    def tick(seconds: float) -> None:
        now[0] += seconds

    clock = bench_profile.Clock(cpu_clock=lambda: now[0], wall_clock=lambda: 2 * now[0])

    def items():
        for i in range(3):
            tick(1)
            yield i

    inner = clock.timed(lambda: tick(10), "inner", "a")
    with clock.span("outer", "b"):
        tick(5)
        inner()
        inner()
        assert list(clock.timed(items, "items", "c")()) == [0, 1, 2]
        tick(100)  # after the items: the caller's own time
    assert clock.calls == {"outer": 1, "inner": 2, "items": 1}  # calls, however many items
    assert clock.cpu == {"outer": 105, "inner": 20, "items": 3}  # what ran inside another is not counted twice
    assert clock.wall == {"outer": 210, "inner": 40, "items": 6}
    assert [r["group"] for r in clock.rows()] == ["b", "a", "c"]  # in the order the stages first started


def test_measure_gives_the_exit_code_and_cpu_of_a_command():
    ok = bench.measure([sys.executable, "-c", "sum(range(3_000_000))"], runs=1)
    assert ok.rc == 0 and ok.cpu > 0 and ok.rss_mb > 0
    assert bench.measure([sys.executable, "-c", "raise SystemExit(3)"], runs=2).rc == 3


def test_commands_measured_together_run_in_turn_round_after_round_until_one_fails(tmp_path):
    log = tmp_path / "log"
    note = "import sys; open(sys.argv[1], 'a').write(sys.argv[2]); raise SystemExit(int(sys.argv[3]))"
    samples = bench.measure_together({"a": [sys.executable, "-c", note, str(log), "a", "0"],
                                      "x": [sys.executable, "-c", note, str(log), "x", "3"],
                                      "b": [sys.executable, "-c", note, str(log), "b", "0"]}, runs=3)
    assert log.read_text() == "axbabab"
    assert (samples["a"].rc, len(samples["a"].walls), samples["x"].rc, len(samples["b"].cpus)) == (0, 3, 3, 3)


def test_a_ratio_is_the_median_of_its_rounds_ratios():
    a = bench.Sample(0, 4.0, 1.0, 1.0, walls=(2.0, 4.0, 9.0), cpus=(1.0, 1.0, 1.0))
    b = bench.Sample(0, 3.0, 1.0, 1.0, walls=(1.0, 4.0, 3.0), cpus=(1.0, 2.0, 4.0))
    assert bench.ratio(a, b, "wall") == 2.0  # rounds 2, 1, 3; the medians' ratio would be 4/3
    assert bench.ratio(a, b, "cpu") == 0.5
    assert bench.ratio(bench.Sample(0, 4.0, 1.0, 1.0), bench.Sample(0, 2.0, 1.0, 1.0), "wall") == 2.0  # unpaired


def test_the_renderings_are_the_reconstruction_the_other_tools_the_layouts_and_the_seeds(monkeypatch, tmp_path):
    monkeypatch.setattr(bench, "render_layouts", lambda folder: [("stacked", folder / "stacked.pdf", None)])
    monkeypatch.setattr(bench, "render_seeds", lambda folder, count, start: [("seed 0", folder / "seed-0.pdf", None)])
    others = sorted(p.stem for p in bench.OTHER_TOOLS.glob("*.pdf"))
    assert len(others) == 19 and "tex_plain" in others and "fpdf_sidebyside" in others
    args = argparse.Namespace(seeds=1, seed_start=0, no_other_tools=False)
    # raw/'s 2023 PDF has the reconstruction's bytes: timed once
    assert [r.name for r in bench.renderings(args, tmp_path)] == ["reconstruction", *others, "stacked", "seed 0"]
    args.no_other_tools = True
    assert [r.name for r in bench.renderings(args, tmp_path)] == ["reconstruction", "stacked", "seed 0"]


def test_the_profile_of_one_release_has_every_stage_and_puts_the_probes_back(tmp_path):
    from pipeline.extract import reader

    passes = reader.PASSES
    run = bench_profile.profile(RECONSTRUCTION, tmp_path)
    assert run["gone"] == []
    stages = {r["stage"]: r for r in run["rows"]}
    for p in passes:
        assert f"reader pass: {p.__module__.rsplit('.', 1)[-1]}.{p.__name__}" in stages
    assert stages["content streams split (content.stream_objects)"]["calls"] == 3  # once per page
    assert stages["glyphs -> character dicts (chars.TextDevice.render_char)"]["calls"] == 6934  # its characters
    assert "pdfminer: glyphs -> LTChar" not in stages  # none built
    assert not any(s.startswith(("pdfplumber: rect", "pdfminer: paths")) for s in stages)  # its 37 colour bands unread
    assert stages["pdfplumber: extract_words"]["calls"] == 3
    assert stages["write: Parquet"]["calls"] == 3
    assert (tmp_path / "2023" / "observations.csv").read_text(encoding="utf-8").count("\n") == 325  # 324 numbers
    assert reader.PASSES is passes  # nothing left wrapped for the other tests
    assert bench_profile.object_counts(RECONSTRUCTION) == {"pages": 3, "chars": 6934, "words": 1051, "rects": 37,
                                                           "lines": 0, "curves": 0}
