"""Text outside the visible page is not part of it: a printer's slug line in the bleed, outside the CropBox
(issue 12), on upright and /Rotate pages."""

from __future__ import annotations

import dataclasses

import pdfplumber
import pytest
from reportlab.pdfgen import canvas as rl_canvas

from conftest import generator, part_of, run_pipeline
from pipeline.extract.area import visible_area

gen = generator()
BLEED = 9.0
SLUG = "jaarcijfers-2023_def.indd 1 28-11-2026, 17:30"  # as the generator prints it (render/furniture.py)


def test_slug_in_the_bleed_is_not_part_of_the_page(tmp_path, spec_2023):
    """The generator's stacked layout on a sheet ``BLEED`` larger on every side: the MediaBox is the sheet,
    the CropBox the page as laid out, and a slug line (job name, page, date, time) in the bleed below it."""
    spec = part_of(spec_2023, 1, 2)
    pdf = gen.render(spec, dataclasses.replace(gen.NAMED["stacked"], bleed=BLEED), tmp_path / "bleed.pdf")
    with pdfplumber.open(pdf) as doc:
        page = doc.pages[0]
        assert SLUG.split()[0] in page.extract_text()  # the slug is in the file, outside the CropBox
        assert (visible_area(page).x0, visible_area(page).top) == (BLEED, BLEED)
    raw, release, report = run_pipeline(str(pdf), allow_unmapped=True)  # the absent tables: warnings
    assert raw.unaccounted == ()
    assert not any("indd" in a.text or a.text == "17:30" for a in raw.audit)
    assert report.ok, [(r.check, r.details[:2]) for r in report.errors]
    assert len(release.observations) == 3 * sum(len(t["rows"]) for t in spec["sections"][0]["tables"])
    assert release.observations["top"].min() > 0  # the page's own coordinates, as before


@pytest.mark.parametrize("rotate", [90, 180, 270])
def test_the_visible_area_of_a_rotated_page(tmp_path, rotate):
    """A page stored turned (/Rotate) with its content drawn to read upright: the CropBox turns with it."""
    w, h, b = 300.0, 200.0, 10.0  # the page as seen, and its bleed
    wu, hu = (h + 2 * b, w + 2 * b) if rotate in (90, 270) else (w + 2 * b, h + 2 * b)
    m = {90: (0, 1, -1, 0, wu, 0), 180: (-1, 0, 0, -1, wu, hu), 270: (0, -1, 1, 0, 0, hu)}[rotate]
    corners = [(m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]) for x in (b, b + w) for y in (b, b + h)]
    c = rl_canvas.Canvas(str(tmp_path / "r.pdf"), pagesize=(w + 2 * b, h + 2 * b))  # reportlab turns the MediaBox
    c.setPageRotation(rotate)
    c.setCropBox((min(p[0] for p in corners), min(p[1] for p in corners),
                  max(p[0] for p in corners), max(p[1] for p in corners)))
    c.transform(*m)
    c.setFont("Helvetica", 8)
    c.drawString(b + 20, b + h - 30, "Zichtbaar")  # on the page
    c.drawString(2, 2, "Snijlijn")  # in the bleed
    c.showPage()
    c.save()
    with pdfplumber.open(tmp_path / "r.pdf") as doc:
        page = doc.pages[0]
        area = visible_area(page)
        words = {wd["text"]: wd for wd in page.extract_words()}
    assert (round(area.x1 - area.x0), round(area.bottom - area.top)) == (300, 200)
    inside = words["Zichtbaar"]
    assert area.x0 <= inside["x0"] and inside["x1"] <= area.x1 and area.top <= inside["top"] <= area.bottom
    assert round(inside["x0"] - area.x0) == 20 and inside["upright"]
    assert not area.top <= (words["Snijlijn"]["top"] + words["Snijlijn"]["bottom"]) / 2 <= area.bottom
