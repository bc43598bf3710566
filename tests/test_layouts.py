"""Every rendering of the 2023 release gives the golden dataset exactly, with no unaccounted number."""

import pytest

from conftest import assert_same_dataset, generator, golden_frames, run_pipeline

gen = generator()


@pytest.fixture(scope="module")
def rendered(tmp_path_factory, spec_2023):
    folder = tmp_path_factory.mktemp("layouts")
    return {layout: gen.render(spec_2023, layout, folder / f"2023-{layout}.pdf") for layout in gen.LAYOUTS}


@pytest.mark.parametrize("layout", gen.LAYOUTS)
def test_layout_gives_the_golden_dataset(rendered, layout):
    raw, release, report = run_pipeline(str(rendered[layout]))
    assert [(a.text, a.box) for a in raw.unaccounted] == []
    assert_same_dataset(release, golden_frames(), layout)
    assert report.ok, [(r.check, r.details[:2]) for r in report.errors]


def test_layouts_really_differ(rendered):
    """Guard against a generator that renders every layout alike: page counts and sizes differ."""
    import pdfplumber

    shapes = {}
    for layout, path in rendered.items():
        with pdfplumber.open(path) as pdf:
            shapes[layout] = (len(pdf.pages), round(pdf.pages[0].width))
    assert len(set(shapes.values())) >= 3, shapes
    with pdfplumber.open(rendered["nospace"]) as pdf:
        assert not any(c["text"].isspace() for p in pdf.pages for c in p.chars)


@pytest.mark.parametrize("layout", ["portrait", "sidebyside"])
def test_browser_running_header_and_footer_are_page_furniture(tmp_path, spec_2023, layout):
    """A browser's "Save as PDF" prints the date, the title, the file URL and "1/4" on every page."""
    spec = dict(spec_2023, browser_furniture=True)
    raw, release, report = run_pipeline(str(gen.render(spec, layout, tmp_path / f"browser-{layout}.pdf")))
    assert raw.unaccounted == ()
    furniture = {a.text for a in raw.audit if a.kind.value == "page furniture"}
    assert {"28-11-2026,", "17:30", "1/3" if layout == "sidebyside" else "1/4"} <= furniture
    assert_same_dataset(release, golden_frames(), f"browser {layout}")
    assert report.ok
