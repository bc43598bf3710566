"""A page's characters, read without what the reader never looks at: its rules, bands, boxes and curves.

The reader reads words only (``words``). pdfplumber, asked for a page's characters, first has pdfminer
build an object for every path the page paints (a ruled table: a thousand rules), then an ``LTChar`` for
every character, and then turns every object into a dict, at Python speed per attribute. ``page_chars``
interprets the page with pdfplumber's own device minus its paths (``TextDevice``), whose characters are made
into dicts as they are drawn (``TextDevice.render_char``): each the dict pdfplumber's
``Page.process_object`` makes of the ``LTChar`` pdfminer would have made (the same keys, in the same order,
the same values: tested against pdfplumber on every fixture PDF), with no ``LTChar`` in between. The streams
are split by ``content.ContentInterpreter``. The dicts are cached on the page as pdfplumber caches its own,
so ``page.chars`` and every page derived from it (``page.filter``) give them.

What a page costs then grows with its words, not with its drawing.
"""

from __future__ import annotations

import functools
import unicodedata

import pdfplumber
from pdfminer.pdffont import PDFUnicodeNotDefined
from pdfplumber.page import PDFPageAggregatorWithMarkedContent, fix_fontname_bytes
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.pdfinternals import resolve_all, resolve_and_decode

from pipeline.extract.content import ContentInterpreter

_PLAIN = frozenset((float, int, str, bool, type(None)))  # what pdfplumber's resolve_all gives back as it is


class TextDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's device, painting no paths (pdfminer builds no LTRect, LTLine or LTCurve), its characters
    made into pdfplumber's dicts as they are drawn (``chars``). (pdfplumber's device also tags the last object
    with the marked-content id after a path; no path, no tag: a character's ``mcid`` is that of the content it
    was drawn in. The reader does not read it.)"""

    def __init__(self, page: pdfplumber.page.Page) -> None:
        super().__init__(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
        self.chars: list[dict] = []
        self.page_number, self.norm = page.page_number, page.pdf.unicode_norm
        self.mb_x0, mb_top = page.mediabox[:2]
        self.height, self.mb_top, self.initial_doctop = page.height, mb_top, page.initial_doctop
        self._fonts: dict = {}  # font -> _font(font)

    def paint_path(self, *args, **kwargs) -> None:
        pass

    def render_char(self, matrix, font, fontsize, scaling, rise, cid, ncs, graphicstate) -> float:
        """pdfminer's ``PDFLayoutAnalyzer.render_char`` and ``LTChar``, and pdfplumber's ``process_object`` of
        it, in one: the character's dict is appended to ``chars``; its advance is returned. The same
        arithmetic, in the same order (``apply_matrix_rect`` written out); what is the font's alone is looked
        up once per font (``_font``). The matrix is kept as it is: pdfminer made it by multiplying numbers."""
        try:
            text = font.to_unichr(cid)
            assert isinstance(text, str), str(type(text))
        except PDFUnicodeNotDefined:
            text = self.handle_undefined_char(font, cid)
        vertical, descent, fontname = self._fonts.get(font) or self._font(font)
        adv = font.char_width(cid) * fontsize * scaling
        if vertical:
            vx, vy = font.char_disp(cid)
            vx = fontsize * 0.5 if vx is None else vx * fontsize * 0.001
            vy = (1000 - vy) * fontsize * 0.001
            bx0, by0, bx1, by1 = (-vx, vy + rise + adv, -vx + fontsize, vy + rise)
        else:
            descent = descent * fontsize
            bx0, by0, bx1, by1 = (0, descent + rise, adv, descent + rise + fontsize)
        a, b, c, d, e, f = matrix
        left1, bottom1 = a * bx0 + c * by0 + e, b * bx0 + d * by0 + f
        right1, bottom2 = a * bx1 + c * by0 + e, b * bx1 + d * by0 + f
        right2, top1 = a * bx1 + c * by1 + e, b * bx1 + d * by1 + f
        left2, top2 = a * bx0 + c * by1 + e, b * bx0 + d * by1 + f
        x0, y0 = min(left1, left2, right1, right2), min(bottom1, bottom2, top1, top2)
        x1, y1 = max(left1, left2, right1, right2), max(bottom1, bottom2, top1, top2)
        if x1 < x0:
            x0, x1 = x1, x0
        if y1 < y0:
            y0, y1 = y1, y0
        width, height = x1 - x0, y1 - y0
        mcid, tag, scolor, ncolor = self.cur_mcid, self.cur_tag, graphicstate.scolor, graphicstate.ncolor
        char = {"matrix": matrix, "fontname": fontname, "adv": adv,
                "upright": a * d * scaling > 0 and b * c <= 0, "x0": x0, "y0": y0, "x1": x1, "y1": y1,
                "width": width, "height": height, "size": width if vertical else height,
                "mcid": mcid if type(mcid) in _PLAIN else resolve_all(mcid),
                "tag": tag if type(tag) in _PLAIN else resolve_all(tag), "object_type": "char",
                "page_number": self.page_number, "ncs": _decoded(ncs.name),
                "text": unicodedata.normalize(self.norm, text) if self.norm is not None else text,
                "stroking_color": scolor if isinstance(scolor, tuple) else (scolor,),
                "non_stroking_color": ncolor if isinstance(ncolor, tuple) else (ncolor,)}
        char["top"] = top = (self.height - y1) + self.mb_top
        char["bottom"] = (self.height - y0) + self.mb_top
        char["doctop"] = self.initial_doctop + top
        if self.mb_x0 != 0:
            char["x0"] = x0 + self.mb_x0
            char["x1"] = x1 + self.mb_x0
        self.chars.append(char)
        return adv

    def _font(self, font) -> tuple[bool, float, object]:
        """Whether ``font`` writes vertically, its descent per unit of size, its name as pdfplumber gives it."""
        fontname = _resolved(font.fontname)
        if isinstance(fontname, bytes):
            fontname = fix_fontname_bytes(fontname)
        self._fonts[font] = found = (font.is_vertical(), font.get_descent(), fontname)
        return found


def page_chars(page: pdfplumber.page.Page) -> list[dict]:
    """The page's characters as pdfplumber gives them (``page.chars``), read once and cached on the page.
    pdfminer's errors come wrapped as pdfplumber wraps them (``PdfminerException``)."""
    if not hasattr(page, "_objects"):
        device = TextDevice(page)
        try:
            ContentInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
        except Exception as exc:
            raise PdfminerException(exc)
        page._layout = device.get_result()
        page._objects = {"char": device.chars}
    return page.chars


def _resolved(value):
    """pdfplumber's ``resolve_all`` of an attribute: a plain value, or a tuple of them, as it is."""
    if type(value) in _PLAIN or (type(value) is tuple and _PLAIN.issuperset(map(type, value))):
        return value
    return resolve_all(value)


def _decoded(name):
    """pdfplumber's ``resolve_and_decode`` of a colour space's name; of a text name, remembered."""
    return _decoded_text(name) if isinstance(name, (str, bytes)) else resolve_and_decode(name)


@functools.lru_cache(maxsize=64)
def _decoded_text(name: str | bytes) -> str:
    return resolve_and_decode(name)
