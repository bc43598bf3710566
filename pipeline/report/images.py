"""The page pictures in the report: compressed PNG data URIs within a size budget, and each value's box as a
link laid over the picture (positions in percent of the picture, so they follow its displayed size)."""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass

BUDGET = 1_300_000  # bytes of data URI for all pictures together: the whole page stays under 2 MB
COLOURS = 32  # a page picture is text, rules and a few box colours: a small palette keeps it sharp
MIN_SCALE = 0.5  # pictures are made smaller down to half their size; past that, pages are left out


@dataclass(frozen=True)
class Box:
    anchor: str  # "b<row>", the box's id; it links to its cell "v<row>"
    target: str
    label: str
    left: str  # percent of the picture's width or height
    top: str
    width: str
    height: str


@dataclass(frozen=True)
class Page:
    number: int
    src: str  # "" when left out for size
    width: int
    height: int
    boxes: tuple[Box, ...]


def encode_png(image, factor: float = 1.0) -> bytes:
    """The picture as a palette PNG, resized by ``factor``."""
    if factor < 1.0:
        image = image.resize((max(1, round(image.width * factor)), max(1, round(image.height * factor))))
    out = io.BytesIO()
    image.quantize(COLOURS, method=2).save(out, format="PNG")  # method 2: fast octree
    return out.getvalue()


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def fit_budget(images: list, budget: int = BUDGET) -> list[str]:
    """Data URIs of the pictures, all together within ``budget`` bytes: made smaller first, then, if that
    is not enough, the last pages are left out ("")."""
    uris = [data_uri(encode_png(im)) for im in images]
    total = sum(map(len, uris))
    if total > budget:
        factor = max(MIN_SCALE, math.sqrt(budget / total) * 0.95)
        uris = [data_uri(encode_png(im, factor)) for im in images]
    kept, used = [], 0
    for uri in uris:
        used += len(uri)
        kept.append(uri if used <= budget else "")
    return kept


def _percent(v: float) -> str:
    return f"{v * 100:.3f}%"


def boxes_on_page(observations: list[dict], area, width: int, height: int) -> tuple[Box, ...]:
    """The value boxes on the page ``area`` (its box in PDF points), drawn ``width`` pixels wide in a picture
    ``height`` pixels high (the page and the legend below it); the n-th observation's box is "b<n>"."""
    scale = width / (area.x1 - area.x0)
    return tuple(Box(f"b{i}", f"v{i}", f"{o['raw']}: {o['table_nl']}, {o['label_nl']}, {o['year']}",
                     _percent((o["x0"] - area.x0) * scale / width), _percent((o["top"] - area.top) * scale / height),
                     _percent((o["x1"] - o["x0"]) * scale / width), _percent((o["bottom"] - o["top"]) * scale / height))
                 for i, o in enumerate(observations) if o["page"] == area.page)


def pages_view(pictures: list, areas, observations: list[dict]) -> list[Page]:
    """One Page per picture of a page ``area``, with the boxes of its values (``observations``: the release's
    rows as records, in order)."""
    uris = fit_budget(pictures)
    return [Page(area.page, uri, im.width, im.height, boxes_on_page(observations, area, im.width, im.height))
            for im, uri, area in zip(pictures, uris, areas)]
