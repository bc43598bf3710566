"""The objects a PDF's pages are made of, checked before pdfminer reads the pages.

pdfminer is lenient where it matters most, and trusting where a hostile file is not:

* an object the xref lists but that does not parse resolves to null, and a Flate stream that does not
  inflate becomes empty (or its first part): a damaged content stream would read as a page without text
  ("a scan") or as a page with numbers missing. ``check_objects`` walks every object the pages use, before
  they are read, and finds both (a reference to an object no xref lists is null by the PDF standard: fine);
* an object that is only a reference to another (``6 0 obj 7 0 R endobj``) is legal, but a chain of them
  that leads back to itself makes ``resolve1`` loop forever, wherever pdfminer or pdfplumber resolves it
  (the catalog, the page tree, a page's resources or contents, the metadata).
  ``guard_pdfminer`` makes the document resolve such chains itself; a cycle is ``ReferenceCycle``: damaged;
* a Flate stream may inflate to gigabytes (a bomb; Flate inside Flate defeats a check of the outer layer
  alone), a content stream or an object or xref stream alike. Every layer is streamed through a bounded
  buffer first and stops at a quarter of the memory limit (``inflated_size``), in ``check_objects`` and
  before pdfminer inflates any stream (``guard_pdfminer``);
* a form XObject may draw another many times over (10 forms of 10 forms of ... : 10⁹ glyphs from a few
  KiB) or itself. ``check_drawing`` adds up what the pages would execute, each form as often as it is
  drawn, and stops past ``max_drawn`` bytes, or at a form that draws itself.
"""

from __future__ import annotations

import functools
import re
import zlib
from typing import Iterable, Iterator

from pdfminer.pdfdocument import PDFDocument
from pdfminer.pdfexceptions import PDFException, PDFObjectNotFound
from pdfminer.pdftypes import LITERALS_FLATE_DECODE, PDFObjRef, PDFStream, resolve1
from pdfminer.psparser import LIT

from pipeline.guards import memory_cap

CHUNK = 1 << 20  # inflate a MiB at a time: a check, not a copy
STREAM_SHARE = 4  # no stream may inflate to more than a quarter of the memory limit
DRAWN_SHARE = 128  # a byte of content drawn holds about a hundred in pdfminer's and pdfplumber's objects
LITERAL_FORM = LIT("Form")
_DELIMITERS = rb"\x00\t\n\f\r /\[\]()<>{}%"
DO = re.compile(rb"/([^" + _DELIMITERS + rb"]+)[\x00\t\n\f\r ]+Do(?=[" + _DELIMITERS + rb"]|$)")


class ReferenceCycle(PDFException):
    """A chain of objects that are only references to each other leads back to its start."""


class TooLarge(MemoryError):
    """A stream or the drawing of the pages would need more memory than allowed; ``why`` says which. A
    MemoryError: every path that lets one through (past pdfplumber's wrappers) lets this through."""

    def __init__(self, why: str) -> None:
        self.why = why
        super().__init__(why)


class Damaged(Exception):
    """The pages' objects are broken in a way pdfminer would hide or spin on."""


def guard_pdfminer() -> None:
    """Make pdfminer resolve chains of references itself (``ReferenceCycle`` on a cycle) and measure a Flate
    stream before it inflates one (``TooLarge`` past a quarter of the memory limit in force). pdfminer has
    no hook for either and pdfplumber builds the document itself, so the classes are where it is done,
    once per process; nothing else changes."""
    if getattr(PDFDocument.getobj, "guarded", False):
        return
    getobj, decode = PDFDocument.getobj, PDFStream.decode

    @functools.wraps(getobj)
    def getobj_following_references(self: PDFDocument, objid: int) -> object:
        obj = getobj(self, objid)
        chain = {objid}
        while isinstance(obj, PDFObjRef):
            if obj.objid in chain:
                raise ReferenceCycle(f"object {objid} is a reference that leads back to itself")
            chain.add(obj.objid)
            obj = getobj(self, obj.objid)
        return obj

    @functools.wraps(decode)
    def decode_within_limit(self: PDFStream) -> None:
        cap = memory_cap()
        if cap and self.rawdata:
            try:
                inflated_size(self, cap // STREAM_SHARE)
            except (Damaged, zlib.error):  # pdfminer reads what it can of a broken stream, as before
                pass
        decode(self)

    getobj_following_references.guarded = True
    PDFDocument.getobj = getobj_following_references
    PDFStream.decode = decode_within_limit


def check_objects(doc: PDFDocument, roots: Iterable[object], max_stream: int | None) -> dict[int, int]:
    """Walk every object reachable from ``roots``; raise Damaged (an object listed but unreadable, a Flate
    stream cut short or failing its checksum) or TooLarge (a stream inflating past ``max_stream`` bytes).
    Returns the inflated size of every stream, by object id."""
    stack = list(roots)
    seen: set[int] = set()
    sizes: dict[int, int] = {}
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
                    raise Damaged() from None
                continue
        if isinstance(obj, dict):
            stack.extend(obj.values())
        elif isinstance(obj, list):
            stack.extend(obj)
        elif isinstance(obj, PDFStream):
            stack.extend(obj.attrs.values())
            if obj.objid is not None:
                sizes[obj.objid] = inflated_size(obj, max_stream)
    return sizes


def _listed(doc: PDFDocument, objid: int) -> bool:
    for xref in doc.xrefs:
        try:
            xref.get_pos(objid)
        except KeyError:
            continue
        return True
    return False


def inflated_size(stream: PDFStream, limit: int | None) -> int:
    """The size of a not yet decoded stream after its leading Flate filters, each checked to hold a whole
    zlib stream whose Adler-32 checksum matches (pdfminer ignores a checksum error, but after a changed byte
    the deflate data often still decodes, into other text and numbers). Raises Damaged or TooLarge."""
    if stream.rawdata is None:  # decoded already (xref and object streams, while parsing)
        return len(stream.data or b"")
    data = stream.rawdata
    layers = 0
    for name, _ in stream.get_filters():
        if name not in LITERALS_FLATE_DECODE:
            break
        layers += 1
    if not layers or not data:  # an empty stream loses nothing
        return len(data)
    if stream.decipher:
        data = stream.decipher(stream.objid, stream.genno, data, stream.attrs)
    chunks: Iterator[bytes] = iter([data])
    for _ in range(layers):
        chunks = _inflate(chunks)
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if limit is not None and size > limit:
            raise TooLarge(f"a stream in it inflates to more than {limit >> 20} MiB")
    return size


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """The inflated bytes of the zlib stream in ``chunks``, at most a MiB at a time; Damaged if it ends
    early (part of the stream would be lost); zlib.error if the data is bad."""
    inflate = zlib.decompressobj()
    for rest in _with_end(chunks):
        while not inflate.eof:
            out = inflate.decompress(rest, CHUNK)
            rest = inflate.unconsumed_tail
            if out:
                yield out
            elif not rest:
                break
        if inflate.eof:
            return
    raise Damaged()


def _with_end(chunks: Iterator[bytes]) -> Iterator[bytes]:
    yield from chunks
    yield b""  # drain what the decompressor still holds


def check_drawing(pages, sizes: dict[int, int], max_drawn: int | None) -> None:
    """Raise TooLarge when the pages (pdfminer ``PDFPage``s) would execute more than ``max_drawn`` bytes of
    content, every form XObject counted as often as it is drawn (None: no limit); Damaged when a form draws
    itself."""
    limit = float("inf") if max_drawn is None else max_drawn
    memo: dict[tuple[int, int], int] = {}
    total = 0
    for page in pages:
        streams = page.contents if isinstance(page.contents, list) else [page.contents]
        total += _drawn(streams, page.resources, sizes, memo, (), limit)
        if total > limit:
            raise TooLarge(f"its pages would draw more than {max_drawn >> 20} MiB of content")


def _drawn(streams, resources, sizes, memo, drawing: tuple[int, ...], limit: float) -> int:
    """Bytes executed by ``streams`` with ``resources``, forms included, capped just past ``limit``."""
    total = 0
    for stream in streams:
        stream = resolve1(stream)
        if not isinstance(stream, PDFStream):
            continue
        total += sizes.get(stream.objid, 0) if stream.objid is not None else len(stream.get_rawdata() or b"")
        if total > limit:
            return total
        for name, count in _drawn_names(stream).items():
            form = _form(resources, name)
            if form is not None:
                total += count * _form_drawn(form, resources, sizes, memo, drawing, limit)
            if total > limit:
                return total
    return total


def _form_drawn(form: PDFStream, resources, sizes, memo, drawing: tuple[int, ...], limit: float) -> int:
    if form.objid in drawing:
        raise Damaged()  # pdfminer refuses to draw it again, silently: the page would not be what it says
    own = resolve1(form.get("Resources"))
    own = own if isinstance(own, dict) and own else resources  # a form without resources uses its caller's
    key = (form.objid, id(own))
    if key not in memo:
        memo[key] = _drawn([form], own, sizes, memo, (*drawing, form.objid), limit)
    return memo[key]


def _drawn_names(stream: PDFStream) -> dict[str, int]:
    """How often each named XObject is drawn (``/Name Do``) in a content stream."""
    counts: dict[str, int] = {}
    for match in DO.finditer(stream.get_data() or b""):
        raw = re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m[1], 16)]), match[1])
        name = raw.decode("utf-8", "replace")
        counts[name] = counts.get(name, 0) + 1
    return counts


def _form(resources, name: str) -> PDFStream | None:
    xobjects = resolve1(resources.get("XObject")) if isinstance(resources, dict) else None
    if not isinstance(xobjects, dict):
        return None
    xobj = resolve1(xobjects.get(name))
    if isinstance(xobj, PDFStream) and resolve1(xobj.get("Subtype")) is LITERAL_FORM and "BBox" in xobj:
        return xobj
    return None
