"""A page's content streams run as pdfminer runs them, split into tokens by one regular expression.

pdfminer reads a content stream a byte pattern at a time (``PSBaseParser``, a state machine in Python): about
half of what reading a release costs. ``ContentInterpreter`` is pdfminer's ``PDFPageInterpreter`` with one
method changed: ``execute`` splits each stream with one regular expression (``_TOKEN``), builds from the
tokens the objects pdfminer's ``PDFContentParser`` builds (numbers, names, strings, arrays, dictionaries,
operators: ``stream_objects``) and calls the same ``do_*`` methods with them, in the same order.

What this does not read exactly as pdfminer does, it leaves to pdfminer: inline images, names with ``#``
escapes, procedures (``{ }``), a string with unbalanced parentheses or an octal escape above 255, a string
or hex string cut by the end of its stream, a dictionary of an odd number of items, a stream without an
object id or drawn within itself, more than ``MAX_HELD`` bytes of content, ``settings.STRICT``. A page with
any of these is run by pdfminer's own ``execute``, from its start (nothing has been drawn by then: the
streams are split before they run).

Tested against pdfminer token for token (``test_content``: generated streams, hypothesis) and character for
character on every PDF of ``tests/fixtures``.
"""

from __future__ import annotations

import re
from typing import Sequence

from pdfminer import settings
from pdfminer.pdfinterp import PDFPageInterpreter
from pdfminer.pdftypes import stream_value
from pdfminer.psparser import (HEX_PAIR, KEYWORD_ARRAY_BEGIN, KEYWORD_ARRAY_END, KWD, LIT, SPC, PSKeyword,
                               keyword_name, literal_name)
from pdfminer.utils import choplist

# One token of a content stream, in pdfminer's terms (psparser.PSBaseParser._parse_main and what it hands on
# to). Bytes regular expressions: \s is what pdfminer's SPC is. A group per kind; "fallback" for what is left
# to pdfminer; "other" is any other single byte, an operator of its own in pdfminer.
_END = rb"#/%\[\]()<>{}\s"  # what ends a name or an operator (psparser.END_LITERAL, END_KEYWORD)
_TOKEN = re.compile(rb"""
      (?P<skip>[ \t\n\r\f\v\x00]+|%[^\r\n]*)
    | (?P<number>[-+0-9][0-9]*(?:\.[0-9]*)?|\.[0-9]*)
    | \((?P<string>(?:[^()\\]|\\.)*)\)
    | (?P<fallback>/[^""" + _END + rb"""]*\#|[{}(]|BI(?![^""" + _END + rb"""])|ID(?![^""" + _END + rb"""]))
    | /(?P<name>[^""" + _END + rb"""]*)
    | (?P<keyword>[A-Za-z][^""" + _END + rb"""]*)
    | (?P<dict_begin><<)
    | (?P<dict_end>>>)
    | <(?P<hex>[0-9A-Fa-f\s]*)
    | (?P<gt>>)
    | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.DOTALL)
_ESCAPED = {b"b": b"\x08", b"t": b"\t", b"n": b"\n", b"f": b"\x0c", b"r": b"\r", b"(": b"(", b")": b")",
            b"\\": b"\\"}  # psparser.ESC_STRING; any other escaped byte is dropped with its backslash
_TRUE, _FALSE = b"true", b"false"
# The most content (bytes) whose objects are held at once: a page's streams are split before they run, while
# pdfminer reads as it goes. Past this (16 times a release's largest page), pdfminer reads them: memory stays
# that of one token, as before.
MAX_HELD = 1 << 20
# A stream ending in one of these (before another stream) may have pdfminer go on with the token in the next:
_OPEN_AT_END = (b"/", b"<", b">")


class Fallback(Exception):
    """The streams hold something read here differently from pdfminer: pdfminer reads them."""


def stream_objects(datas: Sequence[bytes]) -> list:
    """The objects pdfminer's ``PDFContentParser`` yields for these stream contents, read as one content (an
    array may open in one stream and close in the next; a token may not): operands and operators
    (``PSKeyword``) in order. Raises ``Fallback`` for what it leaves to pdfminer."""
    out: list = []
    stack: list = out  # where objects go: the output, or the innermost open array or dictionary
    context: list[tuple[list, bytes]] = []  # the enclosing stacks and what each open one is (b"a", b"d")
    last = len(datas) - 1
    for i, data in enumerate(datas):
        if i < last and data[-1:] in _OPEN_AT_END:
            raise Fallback
        end = len(data)
        for m in _TOKEN.finditer(data):
            kind = m.lastgroup
            if kind == "skip":
                continue
            if kind == "number":
                token = m.group()
                try:
                    stack.append(float(token) if b"." in token else int(token))
                except ValueError:  # "-", ".", "+.": pdfminer drops them
                    pass
            elif kind == "keyword":
                token = m.group()
                stack.append(True if token == _TRUE else False if token == _FALSE else KWD(token))
            elif kind == "name":
                token = m.group("name")
                try:
                    stack.append(LIT(str(token, "utf-8")))
                except UnicodeDecodeError:
                    stack.append(LIT(token))
            elif kind == "string":
                token = m.group("string")
                stack.append(_ESCAPE.sub(_unescape, token) if b"\\" in token else token)
            elif kind == "hex":
                if m.end() == end:  # cut by the stream's end: pdfminer goes on into the next stream
                    raise Fallback
                stack.append(_unhex(m.group("hex")))
            elif kind == "dict_begin":
                context.append((stack, b"d"))
                stack = []
            elif kind == "dict_end":
                if context and context[-1][1] == b"d":  # else pdfminer ignores it (a type mismatch)
                    if len(stack) % 2:
                        raise Fallback  # pdfminer raises PSSyntaxError: let it
                    d = {literal_name(k): v for (k, v) in choplist(2, stack) if v is not None}
                    stack = context.pop()[0]
                    stack.append(d)
            elif kind == "gt":  # a lone ">": nothing
                continue
            elif kind == "other":
                token = KWD(m.group())
                if token is KEYWORD_ARRAY_BEGIN:
                    context.append((stack, b"a"))
                    stack = []
                elif token is KEYWORD_ARRAY_END:
                    if context and context[-1][1] == b"a":
                        array = stack
                        stack = context.pop()[0]
                        stack.append(array)
                else:
                    stack.append(token)
            else:  # "fallback"
                raise Fallback
    return out  # what an array or dictionary left open at the end holds is lost, as in pdfminer


def _unescape(m: re.Match) -> bytes:
    """One backslash escape of a literal string, as pdfminer reads it (``_parse_string_1``)."""
    c = m.group(1)
    if c[0] in b"01234567":
        code = int(c, 8)
        if code > 255:
            raise Fallback  # pdfminer fails an assertion
        return bytes((code,))
    return _ESCAPED.get(c, b"")  # an escaped line end (\r\n too) and any unknown escape: nothing


def _unhex(digits: bytes) -> bytes:
    """A hex string's bytes as pdfminer reads them: white space ignored, an odd last digit taken alone."""
    digits = SPC.sub(b"", digits)
    if len(digits) % 2 == 0:
        return bytes.fromhex(digits.decode("ascii"))
    return HEX_PAIR.sub(lambda m: bytes((int(m.group(0), 16),)), digits)


class ContentInterpreter(PDFPageInterpreter):
    """pdfminer's page interpreter, its streams split by ``stream_objects`` (forms drawn on the page too: pdfminer
    makes their interpreters with ``self.__class__``)."""

    def execute(self, streams: Sequence[object]) -> None:
        if settings.STRICT:
            return super().execute(streams)
        values = [stream_value(obj) for obj in streams]
        if any(s.objid is None or s.objid in self.parent_stream_ids for s in values):
            return super().execute(streams)  # pdfminer skips them, and says so
        datas = [s.get_data() for s in values]  # decoded once: pdfminer's streams keep what they decoded
        if sum(map(len, datas)) > MAX_HELD:
            return super().execute(streams)
        try:
            objects = stream_objects(datas)
        except Fallback:
            return super().execute(streams)
        self.stream_ids.clear()
        self.stream_ids.update(s.objid for s in values)
        operators: dict[PSKeyword, tuple] = {}
        argstack = self.argstack
        for obj in objects:
            if obj.__class__ is not PSKeyword:
                argstack.append(obj)
                continue
            try:
                method, nargs = operators[obj]
            except KeyError:
                method, nargs = operators[obj] = self._operator(obj)
            if method is None:
                continue
            if nargs:
                args = argstack[-nargs:]
                del argstack[-nargs:]
                if len(args) == nargs:
                    method(*args)
            else:
                method()
            argstack = self.argstack  # an operator may set a new stack (pdfminer's init_state, pop)

    def _operator(self, keyword: PSKeyword) -> tuple:
        """The ``do_*`` method pdfminer's ``execute`` calls for ``keyword`` and the operands it takes; (None, 0)
        for an operator pdfminer does not know (ignored, as pdfminer ignores it)."""
        name = keyword_name(keyword).replace("*", "_a").replace('"', "_w").replace("'", "_q")
        method = getattr(self, "do_" + name, None)
        if method is None:
            return None, 0
        return method, method.__code__.co_argcount - 1
