"""Pictures of what the extraction found: one image per page, every item boxed and coloured by kind.

The maintainer looks at these when a new layout fails: what was read as a value, a label, a title, a year
header, a panel entry, a footnote marker or text, and, in red, every number left unaccounted.

The pages are rendered by pdfium straight from the file, placed by the page areas the extraction recorded:
the PDF is not parsed or checked a second time.
"""

from __future__ import annotations

import io
import math
from functools import lru_cache
from pathlib import Path
from typing import Iterator

import pypdfium2
from PIL import Image, ImageChops, ImageDraw

from pipeline.errors import InputError
from pipeline.model import Box, Kind, RawRelease

RESOLUTION = 110  # dots per inch
PIXEL_BUDGET = 4_000_000  # per page: A4 at 110 dpi is 1.2 million pixels, A3 2.3 million
FILL_ALPHA = 40  # opacity (of 255) of a box's fill over the page
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
    Kind.LEFT_OVER: (230, 0, 0),
    Kind.STRAY: (255, 120, 0),
}
UNACCOUNTED = (Kind.UNACCOUNTED, Kind.LEFT_OVER, Kind.STRAY)  # drawn last, outlined heavily
LEGEND = [
    ("value", Kind.VALUE), ("label", Kind.LABEL), ("title", Kind.TITLE), ("year header", Kind.YEAR),
    ("panel entry / title", Kind.PANEL), ("panel heading", Kind.PANEL_HEADING), ("footnote marker", Kind.MARKER),
    ("footnote text", Kind.FOOTNOTE), ("section heading", Kind.SECTION), ("page furniture", Kind.FURNITURE),
    ("UNACCOUNTED number", Kind.UNACCOUNTED), ("LEFT-OVER word", Kind.LEFT_OVER), ("stray word", Kind.STRAY),
]


GRAYS = 16  # shades of gray of a page drawn in gray (report.html's pictures), black to white


RGB = tuple[int, int, int]


def _palette() -> tuple[list[RGB], dict[RGB, int], dict[RGB, int]]:
    """The palette of a page drawn in gray, which holds every pixel ``annotated`` draws on it: ``GRAYS`` grays,
    then each gray under the fill (``FILL_ALPHA``) of every box colour, then the colours themselves. Also the
    index of each colour, and the number its fill adds to the index of a gray."""
    grays = [round(i * 255 / (GRAYS - 1)) for i in range(GRAYS)]
    colours = sorted(set(COLOURS.values()))
    entries = [(g, g, g) for g in grays]
    for colour in colours:
        entries += [tuple(round(g + (c - g) * FILL_ALPHA / 255) for c in colour) for g in grays]
    fills = {colour: GRAYS * (n + 1) for n, colour in enumerate(colours)}
    index = {colour: len(entries) + n for n, colour in enumerate(colours)}
    return entries + colours, index, fills


PALETTE, PALETTE_INDEX, PALETTE_FILL = _palette()
assert len(PALETTE) <= 256
PALETTE_DATA = [v for rgb in PALETTE for v in rgb]  # as ``Image.putpalette`` takes it
WHITE, BLACK = GRAYS - 1, 0  # indexes of PALETTE
GRAY_INDEX = [round(v * (GRAYS - 1) / 255) for v in range(256)]  # a gray level -> the index of its nearest gray


def resolution_for(width: float, height: float) -> float:
    """``RESOLUTION``, lowered for a page so large that its picture would hold more than ``PIXEL_BUDGET``
    pixels (the PDF standard allows pages of 14,400 pt square: 484 million pixels at 110 dpi). A pixel is
    allowed for rounding up on either side: ``(w·k + 1)(h·k + 1) <= PIXEL_BUDGET``, k pixels per point."""
    w, h = max(float(width), 1.0), max(float(height), 1.0)
    k = (-(w + h) + math.sqrt((w + h) ** 2 + 4 * w * h * (PIXEL_BUDGET - 1))) / (2 * w * h)
    return min(RESOLUTION, 72 * k)


def inspect_pdf(path: Path, raw: RawRelease, password: str | None = None, gray: bool = False
                ) -> Iterator[Image.Image]:
    """One annotated image per page of the PDF ``raw`` was read from, with a legend strip at the bottom,
    one page at a time (a batch of large pictures is never held at once). ``gray``: the page drawn in gray
    under the coloured boxes, each picture in ``PALETTE`` (report.html's: written as they are, by
    ``images.encode_png``); else in RGB (inspect's)."""
    by_page: dict[int, list] = {}
    for entry in raw.audit:
        by_page.setdefault(entry.box.page, []).append(entry)
    count = len(raw.pages)
    for image, area in zip(render_pages(path, password, count, gray), raw.pages):
        yield with_legend(annotated(image, area, by_page.get(area.page, [])), area.page, count)


def render_pages(path: Path, password: str | None, count: int, gray: bool = False) -> Iterator[Image.Image]:
    """The first ``count`` pages as RGB images at ``RESOLUTION`` (less for a huge page: ``resolution_for``);
    ``gray``: as pdfium renders them in shades of gray ("L"), three times as fast."""
    try:
        doc = _open(path, password)
    except pypdfium2.PdfiumError:  # read a moment ago: changed since
        from pipeline.extract.source import DAMAGED

        raise InputError(path, *DAMAGED) from None
    try:
        for image in _rendered(doc, count, gray):
            yield image if gray else image.convert("RGB")
    finally:
        doc.close()


def _rendered(doc: pypdfium2.PdfDocument, count: int, gray: bool) -> Iterator[Image.Image]:
    """The first ``count`` pages of ``doc`` as pdfium renders them at ``resolution_for`` their size."""
    for i in range(min(count, len(doc))):
        page = doc[i]
        yield page.render(scale=resolution_for(*page.get_size()) / 72, grayscale=gray).to_pil()


def _open(path: Path, password: str | None) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(str(path), password=password)
    except pypdfium2.PdfiumError:
        if password is None:
            raise
        return pypdfium2.PdfDocument(str(path))  # a --password a PDF without a user password does not need


def annotated(image: Image.Image, area: Box, entries) -> Image.Image:
    """The page with a translucent box, outlined in its kind's colour, around every entry (unaccounted last,
    so that they stay on top). A page drawn in gray ("L") comes back in ``PALETTE`` ("P"): each pixel the
    index of its nearest gray, plus what the fill of the box it is in adds (``PALETTE_FILL``); no colour is
    blended, and the outlines are drawn over the fills."""
    scale = image.width / (area.x1 - area.x0)
    boxes = []
    for entry in sorted(entries, key=lambda e: e.kind in UNACCOUNTED):
        b = entry.box
        boxes.append(([(b.x0 - area.x0) * scale, (b.top - area.top) * scale, (b.x1 - area.x0) * scale,
                       (b.bottom - area.top) * scale], COLOURS[entry.kind], 3 if entry.kind in UNACCOUNTED else 1))
    if image.mode == "L":
        return _annotated_in_palette(image, boxes)
    draw = ImageDraw.Draw(image, "RGBA")
    for xy, colour, width in boxes:
        draw.rectangle(xy, fill=(*colour, FILL_ALPHA), outline=(*colour, 255), width=width)
    return image


def _annotated_in_palette(gray: Image.Image, boxes: list) -> Image.Image:
    """``annotated`` of a page drawn in gray: the boxes' fills drawn as numbers into a layer of their own,
    added to the indexes of the page's grays at once."""
    fills = Image.new("L", gray.size, 0)
    draw = ImageDraw.Draw(fills)
    for xy, colour, _ in boxes:
        draw.rectangle(xy, fill=PALETTE_FILL[colour])
    image = ImageChops.add(gray.point(GRAY_INDEX), fills)
    image.putpalette(PALETTE_DATA)
    draw = ImageDraw.Draw(image)
    for xy, colour, width in boxes:
        draw.rectangle(xy, outline=PALETTE_INDEX[colour], width=width)
    return image


def with_legend(image: Image.Image, page_number: int, pages: int) -> Image.Image:
    """The page with a legend strip below it: one swatch per kind (in ``PALETTE`` for a "P" page)."""
    palette = image.mode == "P"
    strip = legend_strip(image.width, palette)
    out = _blank(image.width, image.height + strip.height, palette)
    out.paste(image, (0, 0))
    out.paste(strip, (0, image.height))
    ImageDraw.Draw(out).text((8, image.height + LEGEND_TOP), f"jaarcijfers inspect: page {page_number} of {pages}",
                             fill=_ink((0, 0, 0), palette))
    return out


def _blank(width: int, height: int, palette: bool) -> Image.Image:
    """A white picture, RGB or in ``PALETTE``."""
    if not palette:
        return Image.new("RGB", (width, height), "white")
    image = Image.new("P", (width, height), WHITE)
    image.putpalette(PALETTE_DATA)
    return image


def _ink(colour: tuple[int, int, int], palette: bool):
    """``colour`` as drawn: itself, or its index in ``PALETTE`` (black is its first gray)."""
    return (BLACK if colour == (0, 0, 0) else PALETTE_INDEX[colour]) if palette else colour


LEGEND_ROW, LEGEND_COLUMNS, LEGEND_TOP = 18, 4, 4  # pixels, swatches per row, pixels above its first line


@lru_cache(maxsize=4)
def legend_strip(width: int, palette: bool = False) -> Image.Image:
    """The legend strip of a picture ``width`` pixels wide, below a line left blank for the page's number
    (the same for every page of that width: drawn once); RGB, or in ``PALETTE``."""
    rows = (len(LEGEND) + LEGEND_COLUMNS - 1) // LEGEND_COLUMNS + 1
    strip = _blank(width, rows * LEGEND_ROW + 2 * LEGEND_TOP, palette)
    draw = ImageDraw.Draw(strip)
    col_width = max(1, width // LEGEND_COLUMNS)
    for i, (name, kind) in enumerate(LEGEND):
        x = 8 + (i % LEGEND_COLUMNS) * col_width
        y = LEGEND_TOP + LEGEND_ROW * (1 + i // LEGEND_COLUMNS)
        draw.rectangle((x, y + 2, x + 14, y + 12), outline=_ink(COLOURS[kind], palette), width=2)
        draw.text((x + 20, y), name, fill=_ink((0, 0, 0), palette))
    return strip


def png_bytes(image: Image.Image) -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return buffer.getvalue()


def _tiny_pdf(text: str = "Jaarcijfers 2023 2022 2021") -> bytes:
    """A PDF of one A4 page holding one line of ``text`` in Helvetica (not embedded: pdfium maps it to a font of
    its own, as it does for a release's unembedded fonts)."""
    stream = f"BT /F1 12 Tf 72 770 Td ({text}) Tj ET".encode("latin-1")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
               b"/Contents 5 0 R >>", b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def warm_up() -> None:
    """Draw a tiny built-in page (``_tiny_pdf``) as report.html's pictures are drawn: in gray, in ``PALETTE``,
    with its legend. pdfium's font mapping, PIL's font and the legend of an A4 page are then loaded in this
    process, and every child forked from it to draw a release's pictures starts with them (a batch worker
    forks one per release: about 0.01 CPU-s each)."""
    doc = pypdfium2.PdfDocument(_tiny_pdf())
    try:
        [image] = _rendered(doc, 1, gray=True)
    finally:
        doc.close()
    with_legend(_annotated_in_palette(image, []), 1, 1)
