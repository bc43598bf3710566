"""Pictures of what the extraction found: one image per page, every item boxed and coloured by kind.

The maintainer looks at these when a new layout fails: what was read as a value, a label, a title, a year
header, a panel entry, a footnote marker or text, and, in red, every number left unaccounted.
"""

from __future__ import annotations

from pathlib import Path

import pdfplumber
from PIL import Image, ImageDraw

from pipeline.model import Kind, RawRelease

RESOLUTION = 110
COLOURS: dict[Kind, tuple[int, int, int]] = {
    Kind.VALUE: (0, 114, 178),
    Kind.LABEL: (0, 158, 115),
    Kind.TITLE: (213, 94, 0),
    Kind.YEAR: (204, 121, 167),
    Kind.RANK: (230, 159, 0),
    Kind.PANEL: (230, 159, 0),
    Kind.PANEL_TITLE: (230, 159, 0),
    Kind.PANEL_HEADING: (160, 120, 0),
    Kind.MARKER: (148, 0, 211),
    Kind.FOOTNOTE: (86, 180, 233),
    Kind.SECTION: (90, 90, 90),
    Kind.FURNITURE: (170, 170, 170),
    Kind.UNACCOUNTED: (230, 0, 0),
}
LEGEND = [
    ("value", Kind.VALUE), ("label", Kind.LABEL), ("title", Kind.TITLE), ("year header", Kind.YEAR),
    ("panel entry / title", Kind.PANEL), ("panel heading", Kind.PANEL_HEADING), ("footnote marker", Kind.MARKER),
    ("footnote text", Kind.FOOTNOTE), ("section heading", Kind.SECTION), ("page furniture", Kind.FURNITURE),
    ("UNACCOUNTED number", Kind.UNACCOUNTED),
]


def page_pictures(pdf: pdfplumber.PDF, raw: RawRelease) -> list[Image.Image]:
    """One annotated image per page, with a legend strip at the bottom."""
    by_page: dict[int, list] = {}
    for entry in raw.audit:
        by_page.setdefault(entry.box.page, []).append(entry)
    images = []
    for page in pdf.pages:
        im = page.to_image(resolution=RESOLUTION)
        for entry in sorted(by_page.get(page.page_number, []), key=lambda e: e.kind is Kind.UNACCOUNTED):
            b = entry.box
            colour = COLOURS[entry.kind]
            width = 3 if entry.kind is Kind.UNACCOUNTED else 1
            im.draw_rect((b.x0, b.top, b.x1, b.bottom), fill=(*colour, 40), stroke=(*colour, 255),
                         stroke_width=width)
        images.append(with_legend(im.annotated.convert("RGB"), page.page_number, len(pdf.pages)))
    return images


def with_legend(image: Image.Image, page_number: int, pages: int) -> Image.Image:
    """The page with a legend strip below it: one swatch per kind."""
    row_height, cols = 18, 4
    rows = (len(LEGEND) + cols - 1) // cols + 1
    out = Image.new("RGB", (image.width, image.height + rows * row_height + 8), "white")
    out.paste(image, (0, 0))
    draw = ImageDraw.Draw(out)
    y0 = image.height + 4
    draw.text((8, y0), f"jaarcijfers inspect: page {page_number} of {pages}", fill=(0, 0, 0))
    col_width = max(1, image.width // cols)
    for i, (name, kind) in enumerate(LEGEND):
        x = 8 + (i % cols) * col_width
        y = y0 + row_height * (1 + i // cols)
        draw.rectangle((x, y + 2, x + 14, y + 12), outline=COLOURS[kind], width=2)
        draw.text((x + 20, y), name, fill=(0, 0, 0))
    return out


def inspect_pdf(path: Path, raw: RawRelease, password: str | None = None) -> list[Image.Image]:
    from pipeline.extract.source import open_pdf

    pdf = open_pdf(path, password=password, max_pages=max(raw.page_count, 1))
    try:
        return page_pictures(pdf, raw)
    finally:
        pdf.close()
