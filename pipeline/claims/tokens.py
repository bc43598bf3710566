"""Words of a sentence, and the cue phrases of ``schemas/claims.yaml`` matched on them.

A token keeps where it stands in its sentence (character offsets), so a quote is cut from the text exactly as
written. Cues are compared on normalized words: Unicode NFKC, typographic apostrophes as ``'``, case folded.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Iterable, Sequence

# A Dutch number: 28.670, 11,3, 1.234,5 (not a part of a word such as W2 or 1e).
_NUMBER = r"(?<![\w.,])(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d+)?(?!\w|[.,]\d)"
_TOKEN = re.compile(rf"(?P<number>{_NUMBER})|(?P<word>\w+(?:['’]\w+)*)|(?P<symbol>[%€;])")


@dataclass(frozen=True)
class Token:
    text: str    # as written
    norm: str    # as compared
    kind: str    # number | word | symbol
    start: int
    end: int


@dataclass(frozen=True)
class Cue:
    """A phrase of the lexicon: its words, each exact or a prefix (written with a trailing *)."""

    phrase: str
    words: tuple[str, ...]
    prefix: tuple[bool, ...]

    def matches_at(self, tokens: Sequence[Token], i: int) -> bool:
        if i + len(self.words) > len(tokens):
            return False
        for k, (w, p) in enumerate(zip(self.words, self.prefix)):
            norm = tokens[i + k].norm
            if not (norm.startswith(w) if p else norm == w):
                return False
        return True


def normalize_word(text: str) -> str:
    return unicodedata.normalize("NFKC", text).replace("’", "'").replace("‘", "'").casefold()


def tokenize(text: str) -> list[Token]:
    return [Token(m.group(), normalize_word(m.group()), m.lastgroup, m.start(), m.end())
            for m in _TOKEN.finditer(text)]


def compile_cue(phrase: str) -> Cue:
    words, prefix = [], []
    for piece in phrase.split():
        star = piece.endswith("*")
        words.append(normalize_word(piece.rstrip("*")))
        prefix.append(star)
    return Cue(phrase, tuple(words), tuple(prefix))


def parse_dutch_number(text: str) -> tuple[float, int]:
    """'28.670' -> (28670, 0); '11,3' -> (11.3, 1): the value and the number of decimals written."""
    whole, _, decimals = text.replace(".", "").partition(",")
    return float(f"{whole}.{decimals}" if decimals else whole), len(decimals)


@dataclass(frozen=True)
class Hit:
    """A cue found in a sentence: which entry it belongs to, and the tokens it covers."""

    key: object
    first: int
    last: int  # inclusive


class CueIndex:
    """Cues by their first word, so a sentence is matched word by word, not cue by cue."""

    def __init__(self, pairs: Iterable[tuple[Cue, object]]) -> None:
        self.exact: dict[str, list[tuple[Cue, object]]] = {}
        self.prefixed: list[tuple[Cue, object]] = []
        for cue, key in pairs:
            if cue.prefix[0]:
                self.prefixed.append((cue, key))
            else:
                self.exact.setdefault(cue.words[0], []).append((cue, key))

    def starting(self, norm: str) -> list[tuple[Cue, object]]:
        return self.exact.get(norm, []) + [(c, k) for c, k in self.prefixed if norm.startswith(c.words[0])]


def find_cues(tokens: Sequence[Token], index: CueIndex, free: list[bool]) -> list[Hit]:
    """Every cue on tokens still ``free``; where cues overlap the longest wins. Marks the tokens used."""
    candidates = []
    for i, token in enumerate(tokens):
        if not free[i]:
            continue
        for cue, key in index.starting(token.norm):
            n = len(cue.words)
            if all(free[i:i + n]) and cue.matches_at(tokens, i):
                span = tokens[i + n - 1].end - tokens[i].start
                candidates.append((-n, -span, i, Hit(key, i, i + n - 1)))
    hits = []
    for *_, hit in sorted(candidates, key=lambda c: c[:3]):
        if all(free[hit.first:hit.last + 1]):
            for k in range(hit.first, hit.last + 1):
                free[k] = False
            hits.append(hit)
    return sorted(hits, key=lambda h: h.first)
