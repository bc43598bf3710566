"""The layout space (issue 12): random layouts are reproducible and hold the release as printed; a fixed
sample of seeds and the shrunk regression fixtures read back as tests/fixtures/sweep/ says they do today.
`make sweep` runs the whole space (tests/sweep.py)."""

from __future__ import annotations

import copy
import dataclasses
import io

import pdfplumber
import pytest

import sweep_check as sc
from conftest import golden_tools, load_spec

gen = sc.gen
SAMPLE = load_spec(sc.SWEEP / "sample.yaml")


def test_the_2024_spec_is_the_2024_release_of_the_tests(spec_2023):
    from test_releases import release_2024

    assert sc.spec_for(2024) == release_2024(spec_2023)


def test_random_layouts_are_reproducible_and_draw_every_parameter():
    layouts = [gen.random_layout(seed) for seed in range(24)]
    assert layouts[7] == gen.random_layout(7)
    assert len(set(layouts)) == 24
    for name, values in gen.CHOICES.items():  # each parameter takes several of its values over 24 seeds
        assert len({getattr(lay, name) for lay in layouts}) >= min(2, len(set(values))), name
    spec = sc.spec_for(2023)
    assert gen.render_layout(spec, layouts[3], seed=3) == gen.render_layout(spec, layouts[3], seed=3)


def test_a_layout_prints_the_values_as_it_says_and_they_mean_the_same():
    layout = dataclasses.replace(gen.BASELINE, percent="89,0%", dash="—")
    printed = gen.printed_spec(sc.spec_for(2023), layout)
    raws = [v for s in printed["sections"] for t in s["tables"] for r in t["rows"] for v in r["values"]]
    assert "89,0%" in raws and "100,0%" in raws and "—" in raws and "-" not in raws
    want = golden_tools().spec_to_frames(sc.spec_for(2023))["observations"]
    got = golden_tools().spec_to_frames(printed)["observations"]
    assert got["value"].astype(float).fillna(-1).tolist() == want["value"].astype(float).fillna(-1).tolist()


@pytest.mark.parametrize("seed", [0, 2, 5])
def test_every_drawn_layout_shows_every_value_inside_the_page(seed):
    """Read with pdfplumber, not with the pipeline: every printed value is a word on some page, no text
    outside the visible page but the slug, and the slug outside it."""
    spec, layout = sc.spec_for(2023), gen.random_layout(seed)
    printed = gen.printed_spec(spec, layout)
    with pdfplumber.open(io.BytesIO(gen.render_layout(spec, layout, seed=seed))) as pdf:
        words, slug = [], []
        for page in pdf.pages:
            x0, top, x1, bottom = page.cropbox
            for c in page.chars:
                inside = (x0 - 0.5 <= c["x0"] <= c["x1"] <= x1 + 0.5
                          and top - 0.5 <= c["top"] <= c["bottom"] <= bottom + 0.5)
                if not inside:
                    slug.append(c["text"])
            words += [w["text"] for w in page.extract_words(x_tolerance_ratio=0.15)]
    values = [v for s in printed["sections"] for t in s["tables"] for r in t["rows"] for v in r["values"]]
    assert [v for v in values if not all(part in words for part in v.split())] == []
    if layout.bleed:
        assert "indd" in "".join(slug)
    else:
        assert slug == []


def test_the_generator_refuses_what_a_reader_could_not_read():
    from render.check import check_page

    doc = gen.build(sc.spec_for(2023), gen.BASELINE)
    ops = doc.pages[0].ops
    first = next(op for op in ops if op[0] == "text" and op[7] == "value")
    with pytest.raises(gen.LayoutError, match="overlap"):
        check_page(doc, 1, ops + [first[:3] + ("8.888",) + first[4:]])
    white = ("text", doc.W - 80, doc.H - 15, "8.888", first[4], first[5], (1.0, 1.0, 1.0), "value")
    with pytest.raises(gen.LayoutError, match="not on a dark band"):
        check_page(doc, 1, ops + [white])
    with pytest.raises(gen.LayoutError, match="outside the page"):
        check_page(doc, 1, ops + [first[:1] + (doc.W - 5,) + first[2:]])
    narrow = dataclasses.replace(gen.BASELINE, columns=3)
    assert not gen.fits(narrow, sc.spec_for(2023))


def test_reading_in_process_gives_what_the_command_gives(tmp_path):
    """sweep_check.read_release (no files, no pictures) and `jaarcijfers extract` (run_one) agree on a
    failing release (a total that does not add up): the same exit code and lines, but for where the report
    went."""
    from pipeline.runner import Options, run_one

    spec = sc.spec_for(2023)
    staffing = next(t for s in spec["sections"] for t in s["tables"] if t["id"] == "staffing")
    next(r for r in staffing["rows"] if r["id"] == "total_staff")["values"][0] = "6.040"
    pdf = tmp_path / "release.pdf"
    pdf.write_bytes(gen.render_layout(spec, gen.BASELINE))
    code, lines, _ = sc.read_release(pdf)
    got = run_one(str(pdf), Options(out=tmp_path / "out"))
    assert code == got.exit_code == 1
    where = str(tmp_path / "out" / "2023")
    assert [ln.split(" Page pictures")[0].replace(where, "release") for ln in got.lines] == list(lines)


def _ids(entries):
    return [f"{e['year']}-seed{e['seed']}" for e in entries]


@pytest.mark.parametrize("entry", SAMPLE["seeds"], ids=_ids(SAMPLE["seeds"]))
def test_sample_seed_reads_back_as_recorded(entry):
    """Each seed of the CI sample gives what sample.yaml records: exact, or (known to fail) the same loud
    exit; never a silent difference. A known failure that passes says so, to be moved."""
    o = sc.outcome(sc.spec_for(entry["year"]), gen.random_layout(entry["seed"]), entry["seed"])
    assert sc.judge(entry, o) is None, f"{entry}: {sc.judge(entry, o)}"


@pytest.mark.parametrize("path", sc.fixture_paths(), ids=lambda p: p.stem)
def test_regression_fixture_reads_back_as_recorded(path):
    o, problem = sc.run_fixture(path)
    assert problem is None, f"{path.name}: {problem}"


def test_the_sample_and_fixtures_are_what_they_say():
    """sample.yaml lists distinct seeds, each exact or loud with its exit code; a fixture's layout fits."""
    assert len({(e["year"], e["seed"]) for e in SAMPLE["seeds"]}) == len(SAMPLE["seeds"]) >= 16
    assert all(e["expect"] in ("exact", "loud") and (e["expect"] == "exact") == ("exit" not in e)
               for e in SAMPLE["seeds"])
    for path in sc.fixture_paths() + sc.fixture_paths(silent=True):
        data = load_spec(path)
        assert gen.fits(sc.fixture_layout(data), copy.deepcopy(sc.spec_for(data["year"]))), path.name
