"""Check 6 of ``source``: every object the pages use parses, and every Flate stream among them inflates
with a matching checksum. pdfminer would silently read a broken one as empty or partial: a "scan", or
numbers missing."""

from __future__ import annotations

import zlib

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfexceptions import PDFObjectNotFound
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFObjRef, PDFStream


def objects_intact(doc: PDFDocument, page_attrs: list[dict]) -> bool:
    """Whether every object reachable from the page tree and the pages (pdfminer finds pages by a scan
    when the tree is broken) parses and every Flate stream among them inflates.

    pdfminer is lenient where it matters most: an object the xref lists but that does not parse resolves to
    null, and a Flate stream that does not inflate becomes empty (or its first part). A damaged content
    stream would then read as a page without text ("a scan") or, worse, as a page with numbers missing.
    This walk finds both before the pages are read. A reference to an object no xref lists is null by the
    PDF standard and fine.
    """
    stack: list[object] = [doc.catalog.get("Pages"), *page_attrs]
    seen: set[int] = set()
    while stack:
        obj = stack.pop()
        if isinstance(obj, PDFObjRef):
            if obj.objid in seen:
                continue
            seen.add(obj.objid)
            try:
                obj = doc.getobj(obj.objid)
            except PDFObjectNotFound:
                if _listed(doc, obj.objid):
                    return False
                continue
        if isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, list):
            stack.extend(obj)
        elif isinstance(obj, PDFStream):
            stack.extend(obj.attrs.values())
            if not _inflates(obj):
                return False
    return True


def _listed(doc: PDFDocument, objid: int) -> bool:
    for xref in doc.xrefs:
        try:
            xref.get_pos(objid)
        except KeyError:
            continue
        return True
    return False


def _inflates(stream: PDFStream) -> bool:
    """Whether a not yet decoded stream whose first filter is Flate holds a whole zlib stream whose
    Adler-32 checksum matches: pdfminer ignores a checksum error, but after a changed byte the deflate data
    often still decodes, into different text and numbers, and only the checksum tells."""
    if stream.rawdata is None:  # decoded already (xref and object streams, while parsing)
        return True
    filters = stream.get_filters()
    if not filters or filters[0][0] not in LITERALS_FLATE_DECODE:
        return True
    data = stream.rawdata
    if not data:  # an empty stream loses nothing
        return True
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    inflate = zlib.decompressobj()
    rest = data
    while not inflate.eof:
        out = inflate.decompress(rest, 1 << 20)  # bounded output: a check, not a copy
        rest = inflate.unconsumed_tail
        if not out and not rest:
            break
    return inflate.eof  # False: the data ends early (part of the stream would be lost); bad data raises
