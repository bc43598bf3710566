"""A standard font's glyph advances as the PDF states them.

For the 14 standard fonts pdfminer takes every advance from its own metrics and ignores the font's
``/Widths``, which a viewer uses. A glyph those metrics lack (the Euro sign, a non-breaking space) then reads
as zero wide: drawn glyph by glyph, ``€ 11,3`` in Courier shows a blank between ``€`` and ``11,3`` but reads
with a gap of two glyphs, a column's gap; drawn as one string, every glyph after it reads shifted left.
``honour_widths`` makes pdfminer give such a font the advances its ``/Widths`` state (the built-in ones for
any code the array does not cover), once per process.
"""

from __future__ import annotations

import functools

from pdfminer.pdffont import PDFType1Font
from pdfminer.pdftypes import int_value, list_value, resolve1


def honour_widths() -> None:
    if getattr(PDFType1Font.__init__, "honours_widths", False):
        return
    init = PDFType1Font.__init__

    @functools.wraps(init)
    def init_with_stated_widths(self: PDFType1Font, rsrcmgr, spec) -> None:
        init(self, rsrcmgr, spec)
        stated = stated_widths(spec)
        if stated:
            self.widths = {**self.widths, **stated}  # a code's stated width is looked up before its glyph's

    init_with_stated_widths.honours_widths = True
    PDFType1Font.__init__ = init_with_stated_widths


def stated_widths(spec) -> dict[int, float]:
    """The advances (per code, in thousandths of an em) a font dictionary's ``/Widths`` states."""
    try:
        first = int_value(spec.get("FirstChar", 0))
        widths = list_value(spec.get("Widths", []))
        return {first + i: float(resolve1(w)) for i, w in enumerate(widths)
                if isinstance(resolve1(w), (int, float))}
    except Exception:  # a malformed array: pdfminer's own advances, as before
        return {}
