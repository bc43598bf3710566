"""The page pictures in the report: compressed PNG data URIs within a size budget, and each value's box as a
link laid over the picture (positions in percent of the picture, so they follow its displayed size)."""

from __future__ import annotations

import base64
import io
import itertools
import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable

BUDGET = 1_300_000  # bytes of data URI for all pictures together: the whole page stays under 2 MB
MIN_SCALE = 0.5  # pictures are made smaller down to half their size; past that, pages are left out
COMPRESS_LEVEL = 4  # zlib's: a quarter faster than its default (6), for 8 % more bytes


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


@dataclass(frozen=True)
class Picture:
    """A page picture as the report holds it: its data URI ("" when left out for size) and its size in pixels
    as drawn (the size it is shown at)."""

    src: str
    width: int
    height: int


def encode_png(image, factor: float = 1.0) -> bytes:
    """The picture as a palette PNG, resized by ``factor``. A page drawn in gray is in the palette it was drawn
    in (``pictures.PALETTE``) and is written as it is; any other picture, or one resized, has each pixel
    the nearest colour of that palette, without dithering (five times as fast as finding a palette of its
    own)."""
    if factor < 1.0:
        image = image.convert("RGB").resize((max(1, round(image.width * factor)),
                                             max(1, round(image.height * factor))))
    if image.mode != "P":
        from PIL import Image

        image = image.quantize(palette=palette(), dither=Image.Dither.NONE)
    out = io.BytesIO()
    image.save(out, format="PNG", compress_level=COMPRESS_LEVEL)
    return out.getvalue()


@lru_cache(maxsize=1)
def palette():
    """``pictures.PALETTE`` as a palette image (``Image.quantize``)."""
    from PIL import Image

    from pipeline.pictures import PALETTE_DATA

    image = Image.new("P", (1, 1))
    image.putpalette(PALETTE_DATA)
    return image


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def page_pictures(draw: Callable[[], Iterable], budget: int = BUDGET) -> list[Picture]:
    """The pictures ``draw()`` gives (PIL images, drawn one at a time), all together within ``budget`` bytes of
    data URI: made smaller first, then, if that is not enough, the last pages are left out (""). A page drawn
    is up to 12 MB (200 of the largest would not fit in memory), so only its palette PNG is kept. Pictures
    that must be made smaller are made so from the pages as drawn: those from where the data URIs first went
    over the budget are kept with their pixels deflated fast (about a tenth of a page of text), those before
    it are drawn again (``draw()`` once more); pictures within the budget keep no pixels at all."""
    uris, sizes, kept_pixels = [], [], []
    total = 0
    for image in draw():
        uris.append(data_uri(encode_png(image)))
        sizes.append(image.size)
        total += len(uris[-1])
        if total > budget:
            kept_pixels.append((image.mode, image.getpalette(), zlib.compress(image.tobytes(), 1)))
    if total > budget:
        factor = max(MIN_SCALE, math.sqrt(budget / total) * 0.95)
        again = len(uris) - len(kept_pixels)
        pages = itertools.chain(itertools.islice(draw(), again),
                                (_unpacked(mode, colours, size, pixels)
                                 for (mode, colours, pixels), size in zip(kept_pixels, sizes[again:])))
        uris = [data_uri(encode_png(image, factor)) for image in pages]
    kept, used = [], 0
    for uri in uris:
        used += len(uri)
        kept.append(uri if used <= budget else "")
    return [Picture(uri, width, height) for uri, (width, height) in zip(kept, sizes)]


def _unpacked(mode: str, colours: list[int] | None, size: tuple[int, int], pixels: bytes):
    """A picture kept by ``page_pictures``, with its palette if it has one."""
    from PIL import Image

    image = Image.frombytes(mode, size, zlib.decompress(pixels))
    if colours is not None:
        image.putpalette(colours)
    return image


def fit_budget(images: list, budget: int = BUDGET) -> list[str]:
    """The data URIs of ``page_pictures`` of ``images``."""
    return [picture.src for picture in page_pictures(lambda: images, budget)]


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


def pages_view(pictures: list[Picture], areas, observations: list[dict]) -> list[Page]:
    """One Page per picture of a page ``area`` (``page_pictures``), with the boxes of its values
    (``observations``: the release's rows as records, in order). No pictures (they could not be drawn): each
    page without one."""
    if not pictures:
        return [Page(area.page, "", 0, 0, ()) for area in areas]
    return [Page(area.page, p.src, p.width, p.height, boxes_on_page(observations, area, p.width, p.height))
            for p, area in zip(pictures, areas)]
