"""Page characters -> tokens -> lines.

pdfplumber reads the characters; here they become the words a reader sees:

* words are split at blank characters *and* at gaps wider than a fraction of the font size, so text layers
  without any space character (LaTeX) still give words;
* glyphs drawn one by one are one word whatever order they were drawn in, whatever font each comes from,
  and whatever fraction of a point each stands off the grid (sizes apart by a text matrix's rounding are one);
* a small number glued to a word (``Gezin`` + raised ``1``) is a footnote marker, never part of the word;
* ``89`` + (non-breaking) space + ``%`` stays one token, printed as it stands;
* rotated text is kept apart (page furniture such as a stray ``Jaar`` in the margin).

Everything here is relative to the font size of the text itself: no coordinate, font or page of any one
file is assumed.
"""

from __future__ import annotations

import re
import statistics
import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import pdfplumber
import pdfplumber.utils

from pipeline.extract.area import visible_page
from pipeline.extract.geometry import (
    ACCENT_OVER,
    BLANK,
    CHAR_LINE_TOLERANCE,
    FULL_SIZE_RISE,
    GLYPH_SIZE_NOISE,
    LINE_RATIO,
    MARKER_DROP,
    MARKER_SIZE_RATIO,
    PERCENT_GAP,
    PERCENT_LEVEL,
    RAISED,
    SAME_SIZE_SLACK,
    SUP_RISE,
    SUP_SIZE_RATIO,
    WORD_GAP,
    enclosing,
    marker_side,
)
from pipeline.model import Box, Token

_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
MARKER_TEXT = re.compile(r"^\d{1,2}(?:[,;]\d{1,2})*$")
_RANK_GLUED = re.compile(r"^([1-9]\.)(\D.*)$")
_GLUED_AFTER = re.compile(r"^(.*(?:[^\W\d_]|[)'\"’]))(\d{1,2}(?:[,;]\d{1,2})*\)?)$")  # Gezin1, Gezin1), (o.a.)7
_GLUED_BEFORE = re.compile(r"^(\d{1,2}\)?)([A-ZÀ-Ý].*)$")  # 1Deelproduct, 1)Deelproduct (not 1e)

# What a token's text can say on its own (its role comes from where it stands; figures: pipeline.numbers).
YEAR_TEXT = re.compile(r"^(19|20)\d\d$")
RANK_TEXT = re.compile(r"^([1-9])\.$")
INT_TEXT = re.compile(r"^\d{1,2}$")
FOOTNOTE_ID = re.compile(r"^(\d{1,2})[.)]?$")
HAS_DIGIT = re.compile(r"\d")


@dataclass(frozen=True, eq=False)
class Line:
    """Tokens that share a baseline, left to right. Markers travel with the token they follow."""

    tokens: tuple[Token, ...]
    box: Box = field(init=False)
    text: str = field(init=False)
    size: float = field(init=False)

    def __post_init__(self) -> None:
        ts = self.tokens
        object.__setattr__(self, "box", enclosing(t.box for t in ts))
        object.__setattr__(self, "text", " ".join(t.text for t in ts))
        object.__setattr__(self, "size", statistics.median(t.size for t in ts))


def page_tokens(page: pdfplumber.page.Page) -> list[Token]:
    """All words of the visible page as tokens, markers flagged and attached nowhere yet. A character whose
    centre lies outside the CropBox (a slug line in the bleed) is not on the page."""
    tokens: list[Token] = []
    for word in chars_to_words(visible_page(page).chars):
        tokens.extend(word_to_tokens(word, page.page_number))
    return merge_percent_signs(flag_markers(tokens))


def chars_to_words(chars: list[dict]) -> list[dict]:
    """pdfplumber's words, as a person reads them: the glyphs of one line and one size whose gap is under
    ``WORD_GAP`` of their size are one word, in whatever order they were drawn, whatever font each glyph
    comes from, and whatever fraction of a point each is off the grid. A word's font is the one most of its
    glyphs are printed in."""
    words = pdfplumber.utils.extract_words(
        in_size_groups(one_size_per_size(chars)),
        keep_blank_chars=True,
        use_text_flow=False,
        x_tolerance_ratio=WORD_GAP,
        y_tolerance=CHAR_LINE_TOLERANCE,
        extra_attrs=["size", "upright"],
        return_chars=True,
    )
    return [{**w, "fontname": Counter(c["fontname"] for c in w["chars"]).most_common(1)[0][0]} for w in words]


def one_size_per_size(chars: list[dict]) -> list[dict]:
    """The characters with each size the same number wherever it is printed. A glyph drawn a fraction of a
    point off the grid can come out at 5.000000000000028 pt beside one at 5.0 pt: the same size to any
    reader, but two to pdfplumber, which ends a word wherever the size changes (``a|a|nta|llen``). Sizes
    within ``GLYPH_SIZE_NOISE`` of each other (chained) become the size most of their characters have."""
    counts = Counter(c["size"] for c in chars)
    if len(counts) < 2:
        return chars
    same: dict[float, float] = {}
    group: list[float] = []
    for size in sorted(counts) + [float("inf")]:
        if group and size - group[-1] > GLYPH_SIZE_NOISE * group[-1]:
            common = max(group, key=lambda s: counts[s])
            same.update((s, common) for s in group)
            group = []
        group.append(size)
    if all(same[s] == s for s in counts):
        return chars
    return [c if same[c["size"]] == c["size"] else {**c, "size": same[c["size"]]} for c in chars]


def in_size_groups(chars: list[dict]) -> list[dict]:
    """The characters grouped by direction and size, each group in the order drawn. pdfplumber builds words
    only within a run of characters that come one after another in the content stream: a word whose glyphs
    were drawn apart (another string drawn in between) would otherwise be two words."""
    return sorted(chars, key=lambda c: (not c["upright"], c["size"]))


def merge_percent_signs(tokens: list[Token]) -> list[Token]:
    """A ``%`` set apart from its number by a gap (no blank character) belongs to the number."""
    numbers = [t for t in tokens if t.upright and not t.marker and t.text[-1:].isdigit()]
    out = []
    merged: set[int] = set()
    for t in tokens:
        if t.text != "%" or not t.upright:
            continue
        host = [n for n in numbers if abs(n.box.ymid - t.box.ymid) <= PERCENT_LEVEL * n.size
                and 0 <= t.box.x0 - n.box.x1 <= PERCENT_GAP * n.size]
        if host:
            n = min(host, key=lambda n: t.box.x0 - n.box.x1)
            merged |= {id(n), id(t)}
            out.append(Token(n.text + ("\u00a0" if t.box.x0 - n.box.x1 > BLANK * n.size else "") + "%",
                             n.box.union(t.box), n.size, n.font))
    return [t for t in tokens if id(t) not in merged] + out


def word_to_tokens(word: dict, page_number: int) -> list[Token]:
    """Split one pdfplumber word at blank characters, keeping a blank between a number and ``%``."""
    chars = word["chars"]
    groups: list[list[dict]] = [[]]
    for i, ch in enumerate(chars):
        if ch["text"].isspace():
            before = "".join(c["text"] for c in groups[-1])
            after = chars[i + 1]["text"] if i + 1 < len(chars) else ""
            if after == "%" and before[-1:].isdigit():
                groups[-1].append(ch)  # "89 %": one token, printed as it stands
                continue
            groups.append([])
        else:
            groups[-1].append(ch)
    out: list[Token] = []
    for g in groups:
        if not g:
            continue
        body, marker = _split_raised_suffix(g)
        parts = [(body, False, False), (marker, True, False)] if marker else _split_glued_number(g)
        for part, is_marker, glued in parts:
            if not part:
                continue
            text = unicodedata.normalize("NFC", "".join(c["text"] for c in _accents_composed(part)))
            if is_marker:
                text = text.translate(_SUPERSCRIPTS)
            box = Box(page_number, min(c["x0"] for c in part), min(c["top"] for c in part),
                      max(c["x1"] for c in part), max(c["bottom"] for c in part))
            token = Token(text=text, box=box, size=float(word["size"]), font=word["fontname"],
                          upright=bool(word["upright"]), marker=is_marker, glued=glued)
            out.extend([token] if is_marker else _split_glued_rank(token))
    return out


# Spacing accents that some fonts draw as a glyph of their own over the letter (TeX's OT1 encoding:
# ``Oekra¨ıne``), and the combining marks they stand for.
_ACCENTS = {"\u00a8": "\u0308", "\u00b4": "\u0301", "`": "\u0300", "\u02c6": "\u0302", "^": "\u0302",
            "\u02dc": "\u0303", "\u02da": "\u030a", "\u00b8": "\u0327", "\u02c7": "\u030c"}
_DOTLESS = {"\u0131": "i", "\u0237": "j"}


def _accents_composed(chars: list[dict]) -> list[dict]:
    """Chars with each spacing accent drawn over (or under) a letter put on that letter as a combining
    mark; a dotless i under an accent becomes an i (NFC then composes ``ï``)."""
    if not any(c["text"] in _ACCENTS for c in chars):
        return chars  # nearly every word
    out = list(chars)
    for i, ch in enumerate(chars):
        if ch["text"] not in _ACCENTS:
            continue
        letters = [j for j in (i - 1, i + 1) if 0 <= j < len(chars) and chars[j]["text"].isalpha()]
        j = max(letters, key=lambda j: _overlap(ch, chars[j]), default=None)
        if j is None or _overlap(ch, chars[j]) <= ACCENT_OVER * (ch["x1"] - ch["x0"]):
            continue  # an accent standing alone (a quote, a backtick): kept as printed
        out[j] = {**out[j], "text": _DOTLESS.get(out[j]["text"], out[j]["text"]) + _ACCENTS[ch["text"]]}
        out[i] = {**ch, "text": ""}
    return [c for c in out if c["text"]]


def _overlap(a: dict, b: dict) -> float:
    return min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])


def _split_raised_suffix(chars: list[dict]) -> tuple[list[dict], list[dict]]:
    """``Gezin¹`` or a ``1`` raised above the baseline at full size: the digits at the end are a marker."""
    n = len(chars)
    i = n
    while i > 0 and (chars[i - 1]["text"].isdigit() or chars[i - 1]["text"] in "⁰¹²³⁴⁵⁶⁷⁸⁹"):
        i -= 1
    if i == 0 or i == n or n - i > 2 or not chars[i - 1]["text"].isalpha() and chars[i - 1]["text"] not in ")'\"":
        return chars, []
    tail, head = chars[i:], chars[:i]
    superscript = all(c["text"] in "⁰¹²³⁴⁵⁶⁷⁸⁹" for c in tail)
    size = statistics.median(c["size"] for c in head)
    base = statistics.median(c["bottom"] for c in head)
    raised = all(c["bottom"] < base - RAISED * size for c in tail)
    return (head, tail) if superscript or raised else (chars, [])


def _split_glued_number(chars: list[dict]) -> list[tuple[list[dict], bool, bool]]:
    """A small number printed at full size against a word (``Gezin1``, ``Gezin1)``, ``1Deelproduct``):
    two tokens, the second ``glued`` to the first. Whether the number is a footnote marker is decided later,
    from the release (a footnote with its id, schemas/ knowing the text without it)."""
    text = "".join(c["text"] for c in chars)
    m = _GLUED_AFTER.match(text) or _GLUED_BEFORE.match(text)
    if not m or len(text) != len(chars):
        return [(chars, False, False)]
    cut = len(m.group(1))
    return [(chars[:cut], False, False), (chars[cut:], False, True)]


def _split_glued_rank(token: Token) -> list[Token]:
    """``1.Indiase`` (no gap, no space) is a rank and a name."""
    m = _RANK_GLUED.match(token.text)
    if not m:
        return [token]
    share = len(m.group(1)) / len(token.text)
    cut = token.box.x0 + (token.box.x1 - token.box.x0) * share
    b = token.box
    return [Token(m.group(1), Box(b.page, b.x0, b.top, cut, b.bottom), token.size, token.font),
            Token(m.group(2), Box(b.page, cut, b.top, b.x1, b.bottom), token.size, token.font)]


def flag_markers(tokens: list[Token]) -> list[Token]:
    """Flag small numbers that sit right against a larger word on the same line: footnote markers."""
    upright = [t for t in tokens if t.upright]
    out = []
    for t in tokens:
        text = t.text.translate(_SUPERSCRIPTS)
        is_super = text != t.text
        if t.upright and MARKER_TEXT.match(text) and (is_super or _has_larger_neighbour(t, upright)):
            t = Token(text, t.box, t.size, t.font, t.upright, marker=True)
        out.append(t)
    return out


def _has_larger_neighbour(t: Token, tokens: list[Token]) -> bool:
    """Right against a word and printed smaller (or a browser's <sup>: a little smaller and raised, or
    raised well above the baseline at full size)."""
    for o in tokens:
        if o is t or t.size > o.size * SAME_SIZE_SLACK or not marker_side(t.box, o):
            continue
        rise = o.box.bottom - t.box.bottom
        smaller = t.size <= o.size * MARKER_SIZE_RATIO
        sup = t.size <= SUP_SIZE_RATIO * o.size and rise >= SUP_RISE * o.size
        if smaller or sup or rise >= FULL_SIZE_RISE * o.size:
            return True
    return False


def attach_markers(tokens: list[Token]) -> tuple[dict[int, list[Token]], dict[int, list[Token]], list[Token]]:
    """Give each marker a host: the word it follows (suffix) or, failing that, the word it precedes.

    Returns (suffix markers by id(host), prefix markers by id(host), orphans).
    """
    words = [t for t in tokens if t.upright and not t.marker]
    suffix: dict[int, list[Token]] = {}
    prefix: dict[int, list[Token]] = {}
    orphans: list[Token] = []
    for m in (t for t in tokens if t.marker):
        sides = [(marker_side(m.box, o, below=MARKER_DROP), o) for o in words]
        left = [o for side, o in sides if side == "after"]
        right = [o for side, o in sides if side == "before"]
        if left:
            host = min(left, key=lambda o: abs(m.box.x0 - o.box.x1))
            suffix.setdefault(id(host), []).append(m)
        elif right:
            host = min(right, key=lambda o: abs(o.box.x0 - m.box.x1))
            prefix.setdefault(id(host), []).append(m)
        else:
            orphans.append(m)
    return suffix, prefix, orphans


def tokens_to_lines(tokens: list[Token]) -> list[Line]:
    """Group upright, non-marker tokens into lines by their vertical centre, top to bottom."""
    lines: list[list[Token]] = []
    centres: list[float] = []
    for t in sorted((t for t in tokens if t.upright and not t.marker), key=lambda t: (t.box.ymid, t.box.x0)):
        for i in range(len(lines) - 1, max(-1, len(lines) - 4), -1):
            tol = LINE_RATIO * min(t.size, lines[i][0].size)
            if abs(centres[i] - t.box.ymid) <= tol:
                lines[i].append(t)
                centres[i] = statistics.fmean(x.box.ymid for x in lines[i])
                break
        else:
            lines.append([t])
            centres.append(t.box.ymid)
    return [Line(tuple(sorted(ts, key=lambda t: t.box.x0))) for ts in lines]


def split_ids(marker: str) -> list[str]:
    """A marker's footnote ids: ``1,2`` -> 1 and 2; ``1)`` -> 1."""
    return [i for i in re.split(r"[,;)]", marker) if i]


def join_text(tokens: list[Token]) -> str:
    """Tokens in reading order as one text. Where a line ends inside a word: a word hyphenated there is
    rejoined (``aan-`` | ``vragen``); a compound's own hyphen or a slash stays, with no space
    (``VK-`` | ``onderdanen``, ``EU/`` | ``EER``)."""
    if not tokens:
        return ""
    text = tokens[0].text
    for prev, t in zip(tokens, tokens[1:]):
        line_end = t.box.top > prev.box.bottom or t.box.page != prev.box.page
        if line_end and re.search(r"[a-zà-ÿ]-$", prev.text) and t.text[:1].islower():
            text = text[:-1] + t.text
        elif t.glued or line_end and re.search(r"([A-Z0-9]-|\w/)$", prev.text):
            text += t.text
        else:
            text = f"{text} {t.text}"
    return text
