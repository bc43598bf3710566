"""A page's visible area: its CropBox, in the coordinates pdfplumber gives its characters.

pdfminer turns a page stored with /Rotate upright (its matrix from the MediaBox), and pdfplumber measures
``top`` down from the turned page's top; pdfplumber's own ``page.cropbox`` does not follow the turn, so the
CropBox is turned here the same way as the characters. What lies outside it (a printer's slug line in the
bleed) is not part of the page.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.model import Box

if TYPE_CHECKING:
    import pdfplumber


def upright_matrix(rotate: int, mediabox) -> tuple[float, ...]:
    """pdfminer's matrix from user space to the upright page, for /Rotate ``rotate``."""
    x0, y0, x1, y1 = mediabox
    return {90: (0, -1, 1, 0, -y0, x1), 180: (-1, 0, 0, -1, x1, y1),
            270: (0, 1, -1, 0, y1, -x0)}.get(rotate % 360, (1, 0, 0, 1, -x0, -y0))


def visible_area(page: pdfplumber.page.Page) -> Box:
    """The page's CropBox as (x0, top, x1, bottom) in its characters' coordinates."""
    obj = page.page_obj
    a, b, c, d, e, f = upright_matrix(obj.rotate, obj.mediabox)
    cx0, cy0, cx1, cy1 = obj.cropbox
    corners = [(a * x + c * y + e, b * x + d * y + f) for x in (cx0, cx1) for y in (cy0, cy1)]
    xs, ys = [p[0] for p in corners], [p[1] for p in corners]
    height = page.height
    return Box(page.page_number, min(xs), height - max(ys), max(xs), height - min(ys))


def visible_page(page: pdfplumber.page.Page) -> pdfplumber.page.Page:
    """The page without the characters whose centre lies outside its visible area."""
    area = visible_area(page)
    if all(on_page(c, area) for c in page.chars):
        return page
    return page.filter(lambda obj: obj.get("object_type") != "char" or on_page(obj, area))


def on_page(char: dict, area: Box) -> bool:
    """A character whose centre lies inside the visible area."""
    x, y = (char["x0"] + char["x1"]) / 2, (char["top"] + char["bottom"]) / 2
    return area.x0 <= x <= area.x1 and area.top <= y <= area.bottom
