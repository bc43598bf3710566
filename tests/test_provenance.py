"""Show the work: exact positions, inspect pictures, the Frictionless package, the data dictionary (issue 6)."""

from __future__ import annotations

import json
import subprocess
import sys

import pdfplumber
import pytest
from PIL import Image

from conftest import RAW_2023, RECONSTRUCTION, ROOT, generator, run_pipeline

gen = generator()


def text_in_box(page, x0, top, x1, bottom) -> str:
    """The characters whose centre lies inside the box, in reading order, blanks dropped."""
    chars = [c for c in page.chars if x0 <= (c["x0"] + c["x1"]) / 2 <= x1 and top <= (c["top"] + c["bottom"]) / 2 <= bottom]
    chars.sort(key=lambda c: (round(c["top"]), c["x0"]))
    return "".join(c["text"] for c in chars if not c["text"].isspace())


@pytest.fixture(scope="module")
def sources(tmp_path_factory, spec_2023):
    folder = tmp_path_factory.mktemp("prov")
    return [RAW_2023, RECONSTRUCTION, gen.render(spec_2023, "nospace", folder / "nospace.pdf"),
            gen.render(spec_2023, "stacked", folder / "stacked.pdf")]


def test_every_box_holds_exactly_its_printed_text(sources):
    for pdf_path in sources:
        _, release, _ = run_pipeline(str(pdf_path))
        with pdfplumber.open(pdf_path) as pdf:
            for r in release.observations.itertuples():
                shown = text_in_box(pdf.pages[r.page - 1], r.x0, r.top, r.x1, r.bottom)
                assert shown == "".join(ch for ch in r.raw if not ch.isspace()), (pdf_path.name, r.table_id, r.raw)
            for r in release.top_nationalities.itertuples():
                shown = text_in_box(pdf.pages[r.page - 1], r.x0, r.top, r.x1, r.bottom)
                assert shown == f"{r.rank}.{r.nationality_nl}".replace(" ", ""), (pdf_path.name, r.nationality_nl)


def test_inspect_draws_one_picture_per_page(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipeline", "inspect", str(RAW_2023), "--out", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    pngs = sorted(p.name for p in tmp_path.iterdir())
    assert pngs == ["page-1.png", "page-2.png", "page-3.png"]
    with pdfplumber.open(RAW_2023) as pdf, Image.open(tmp_path / "page-1.png") as im:
        assert abs(im.width - pdf.pages[0].width * 110 / 72) <= 1
        assert im.height > round(pdf.pages[0].height * 110 / 72)  # the legend strip below the page
        pixels = im.convert("RGB").getcolors(maxcolors=1 << 20)
    colours = {c for _, c in pixels}
    assert (0, 114, 178) in colours  # value boxes
    assert (230, 0, 0) in colours  # the legend's swatch for unaccounted numbers


def test_a_failed_release_gets_pictures_beside_its_report(tmp_path, spec_2023):
    import copy

    spec = copy.deepcopy(spec_2023)
    spec["sections"][0]["tables"][0]["title"] = "Familie en Gezin (nieuw)"
    pdf = gen.render(spec, "stacked", tmp_path / "renamed.pdf")
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(pdf), "--out", str(tmp_path / "out")],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    pages = len(pdfplumber.open(pdf).pages)
    assert sorted(p.name for p in (tmp_path / "out" / "2023" / "inspect").iterdir()) == [
        f"page-{i}.png" for i in range(1, pages + 1)]
    lines = result.stderr.strip().splitlines()  # the run says that it drew them, and where
    assert lines[-1].endswith(f" Page pictures of what was found: {tmp_path / 'out' / '2023' / 'inspect'}/.")
    assert sum("Page pictures" in line for line in lines) == 1


def test_datapackage_passes_frictionless_validate(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(RAW_2023), "--out", str(tmp_path)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    from frictionless import Package, validate

    report = validate(str(tmp_path / "2023" / "datapackage.json"))
    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    descriptor = json.loads((tmp_path / "2023" / "datapackage.json").read_text())
    package = Package(str(tmp_path / "2023" / "datapackage.json"))
    assert [r.name for r in package.resources] == ["observations", "top_nationalities", "footnotes"]
    obs = descriptor["resources"][0]["schema"]
    assert obs["primaryKey"] == ["table_id", "metric_id", "year"]
    fk = descriptor["resources"][1]["schema"]["foreignKeys"][0]
    assert fk == {"fields": ["table_id"], "reference": {"resource": "observations", "fields": ["table_id"]}}
    import hashlib
    source = descriptor["sources"][0]
    assert source["sha256"] == hashlib.sha256(RAW_2023.read_bytes()).hexdigest()
    assert "IND" in source["title"] and source["release_year"] == 2023
    assert source["publisher"] == "Immigratie- en Naturalisatiedienst (IND)"
    assert (source["path"], source["url"]) == (RAW_2023.name, "https://ind.nl/nl/over-ons/cijfers-en-publicaties")
    assert descriptor["pipeline"]["name"] == "jaarcijfers"
    assert descriptor["tables"]["staffing"]["metrics"]["total_staff"]["unit"] == "fte"


def test_data_dictionary_is_generated_from_schemas():
    from pipeline.dictionary import render_dictionary
    from pipeline.schemas import Schemas

    committed = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert committed == render_dictionary(Schemas()), "run `make docs` and commit docs/data-dictionary.md"
    assert "| `grant_rate` | `Inwilligingen` (2023) | percent |" in committed
