"""A page's characters, read without what the reader never looks at: its rules, bands, boxes and curves.

The reader reads words only (``words``). pdfplumber, asked for a page's characters, first has pdfminer
build an object for every path the page paints (a ruled table: a thousand rules) and then turns every object
into a dict, at Python speed per attribute. ``page_chars`` interprets the page with pdfplumber's own device
minus its paths (``TextDevice``), and turns only the characters into dicts, each the dict pdfplumber's
``Page.process_object`` makes of it (the same keys, in the same order, the same values: tested against it),
without its general walk over every attribute. The dicts are cached on the page as pdfplumber caches its
own, so ``page.chars`` and every page derived from it (``page.filter``) give them.

What a page costs then grows with its words, not with its drawing: a ruled rendering of a release reads
about a third faster, a plain one about a quarter.
"""

from __future__ import annotations

import functools
import unicodedata

import pdfplumber
from pdfminer.layout import LTChar, LTContainer
from pdfplumber.page import ALL_ATTRS, PDFPageAggregatorWithMarkedContent, fix_fontname_bytes
from pdfplumber.utils.exceptions import PdfminerException
from pdfplumber.utils.pdfinternals import resolve_all, resolve_and_decode

from pipeline.extract.content import ContentInterpreter

_PLAIN = frozenset((float, int, str, bool, type(None)))  # what pdfplumber's resolve_all gives back as it is


class TextDevice(PDFPageAggregatorWithMarkedContent):
    """pdfplumber's device, painting no paths: pdfminer builds no LTRect, LTLine or LTCurve. (pdfplumber's
    device also tags the last object with the marked-content id after a path; no path, no tag: a character's
    ``mcid`` is that of the content it was drawn in. The reader does not read it.)"""

    def paint_path(self, *args, **kwargs) -> None:
        pass


def page_chars(page: pdfplumber.page.Page) -> list[dict]:
    """The page's characters as pdfplumber gives them (``page.chars``), read once and cached on the page.
    pdfminer's errors come wrapped as pdfplumber wraps them (``PdfminerException``)."""
    if not hasattr(page, "_objects"):
        device = TextDevice(page.pdf.rsrcmgr, pageno=page.page_number, laparams=page.pdf.laparams)
        try:
            ContentInterpreter(page.pdf.rsrcmgr, device).process_page(page.page_obj)
        except Exception as exc:
            raise PdfminerException(exc)
        page._layout = device.get_result()
        page._objects = {"char": char_dicts(page, _chars(page._layout._objs))}
    return page.chars


def _chars(objects) -> list[LTChar]:
    """The characters among pdfminer's objects, those inside figures too, in the order pdfplumber walks them."""
    out = []
    for obj in objects:
        if isinstance(obj, LTContainer):
            out += _chars(obj._objs)
        elif isinstance(obj, LTChar):
            out.append(obj)
    return out


def char_dicts(page: pdfplumber.page.Page, objs: list[LTChar]) -> list[dict]:
    """``page.process_object(obj)`` for each character: its attributes pdfplumber keeps, its kind, page, colour
    spaces and colours, its text, and its top and bottom measured down from the page's top. What is the same
    for every character of the page (its number, size, offset) is looked up once; a tuple of plain values (the
    matrix) is taken as it is, which is what pdfplumber's ``resolve_all`` makes of it; a colour space's name
    is decoded once per name (``_decoded``)."""
    number, norm = page.page_number, page.pdf.unicode_norm
    mb_x0, mb_top = page.mediabox[:2]
    height, initial_doctop = page.height, page.initial_doctop
    out = []
    for obj in objs:
        attr = {k: v if type(v) in _PLAIN or (type(v) is tuple and _PLAIN.issuperset(map(type, v)))
                else resolve_all(v) for k, v in obj.__dict__.items() if k in ALL_ATTRS}
        attr["object_type"] = "char"
        attr["page_number"] = number
        for cs in ("ncs", "scs"):
            if hasattr(obj, cs):
                attr[cs] = _decoded(getattr(obj, cs).name)
        text = obj.get_text()
        attr["text"] = unicodedata.normalize(norm, text) if norm is not None else text
        state = obj.graphicstate
        attr["stroking_color"] = state.scolor if isinstance(state.scolor, tuple) else (state.scolor,)
        attr["non_stroking_color"] = state.ncolor if isinstance(state.ncolor, tuple) else (state.ncolor,)
        if isinstance(attr["fontname"], bytes):
            attr["fontname"] = fix_fontname_bytes(attr["fontname"])
        attr["top"] = top = (height - attr["y1"]) + mb_top
        attr["bottom"] = (height - attr["y0"]) + mb_top
        attr["doctop"] = initial_doctop + top
        if mb_x0 != 0:
            attr["x0"] = attr["x0"] + mb_x0
            attr["x1"] = attr["x1"] + mb_x0
        out.append(attr)
    return out


def _decoded(name):
    """pdfplumber's ``resolve_and_decode`` of a colour space's name; of a text name, remembered."""
    return _decoded_text(name) if isinstance(name, (str, bytes)) else resolve_and_decode(name)


@functools.lru_cache(maxsize=64)
def _decoded_text(name: str | bytes) -> str:
    return resolve_and_decode(name)
