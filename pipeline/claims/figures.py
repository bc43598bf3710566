"""A sentence -> the figures it states, the years it names and its cue words (``Scan``).

In order: numbers that are names ("spoor 4") or days ("2 februari") are not figures; years and relative years
("een jaar eerder") are year mentions; fractions ("een kwart"), multiples ("verdubbeld"), digits and number
words are figures, each with its multiplier (duizend), percent sign, unit word or "keer zoveel" after it, then
its hedge before it and a "meer"/"minder" after it. The words left are matched against the lexicon's cues.
"""

from __future__ import annotations

from dataclasses import replace

from pipeline.claims.lexicon import Lexicon
from pipeline.claims.model import Figure, Scan, YearMention
from pipeline.claims.text import Sentence
from pipeline.claims.tokens import Token, find_cues, parse_dutch_number, tokenize


def scan_sentence(sentence: Sentence, lex: Lexicon, text_year: int | None) -> Scan:
    tokens = tokenize(sentence.text)
    free = [True] * len(tokens)
    named = _named_numbers(tokens, lex)
    years = _years(tokens, free, lex, text_year)
    figures = _fractions(tokens, free, lex) + _numbers(tokens, free, named, lex)
    figures = [_hedged(tokens, free, f, lex) for f in sorted(figures, key=lambda f: f.first)]
    figures = [_compared_after(tokens, free, f, lex) for f in figures]
    hits = find_cues(tokens, lex.sentence_cues, free)
    figures = [_compared_before(f, hits) for f in figures]
    segments, current = [], 0
    starts = {h.first for h in hits if h.key[0] == "contrast"}
    for i in range(len(tokens)):
        current += i in starts
        segments.append(current)
    return Scan(sentence, tuple(tokens), tuple(figures), tuple(years), tuple(hits), tuple(segments))


def _named_numbers(tokens: list[Token], lex: Lexicon) -> set[int]:
    """Numbers in names ("spoor 4", "8 EVRM") and days of dates ("2 februari"): not figures."""
    named = set()
    for pattern in lex.names:
        n = len(pattern.words)
        for i in range(len(tokens) - n + 1):
            window = tokens[i:i + n]
            if all((t.kind == "number") if w == "#" else t.norm == w for w, t in zip(pattern.words, window)):
                named.update(i + k for k, w in enumerate(pattern.words) if w == "#")
    for i, t in enumerate(tokens[:-1]):
        if t.kind == "number" and tokens[i + 1].norm in lex.months:
            named.add(i)
    return named


def _years(tokens, free, lex: Lexicon, text_year: int | None) -> list[YearMention]:
    lo, hi = lex.data.years.range
    explicit = []
    for i, t in enumerate(tokens):
        if t.kind == "number" and t.text.isdigit() and len(t.text) == 4 and lo <= int(t.text) <= hi:
            free[i] = False
            explicit.append(YearMention(i, int(t.text)))
    base = explicit[0].year if explicit else text_year
    relative = [YearMention(h.first, base + h.key) for h in find_cues(tokens, lex.relative_years, free)
                if base is not None]
    return sorted(explicit + relative, key=lambda y: y.index)


def _fractions(tokens, free, lex: Lexicon) -> list[Figure]:
    return [Figure(h.first, h.first, h.last, h.key.value, h.key.step, "share")
            for h in find_cues(tokens, lex.fractions, free)]


def _numbers(tokens, free, named, lex: Lexicon) -> list[Figure]:
    figures = []
    for i, t in enumerate(tokens):
        if not free[i] or i in named:
            continue
        value, step, last = _number_at(tokens, i, lex)
        if value is None:
            if t.norm in lex.multiples:
                free[i] = False
                figures.append(Figure(i, i, i, lex.multiples[t.norm], 1.0, "ratio", comparison="ratio"))
            continue
        if last + 1 < len(tokens) and tokens[last + 1].norm in lex.multipliers:
            last += 1
            value *= lex.multipliers[tokens[last].norm]
            step *= lex.multipliers[tokens[last].norm]
        figure = Figure(i, i, last, value, step, "number")
        figure = _unit_after(tokens, figure, lex)
        for k in range(figure.first, figure.last + 1):
            free[k] = False
        figures.append(figure)
    return figures


def _number_at(tokens: list[Token], i: int, lex: Lexicon) -> tuple[float | None, float, int]:
    """The number starting at token i (digits, a number word, or "een" before a multiplier), its step, end."""
    t = tokens[i]
    if t.kind == "number":
        value, decimals = parse_dutch_number(t.text)
        return value, (10.0 ** -decimals if decimals else _whole_step(value)), i
    if t.norm in lex.words:
        return lex.words[t.norm], _whole_step(lex.words[t.norm]), i
    if t.norm in lex.articles and i + 1 < len(tokens) and tokens[i + 1].norm in lex.multipliers:
        return 1.0, 1.0, i
    return None, 0.0, i


def _whole_step(value: float) -> float:
    """One unit of the last stated digit of a whole number: trailing zeros are not stated digits."""
    if value == 0:
        return 1.0
    step = 1.0
    while value % (step * 10) == 0:
        step *= 10
    return step


def _unit_after(tokens: list[Token], f: Figure, lex: Lexicon) -> Figure:
    """A percent sign, percentage points, "keer zoveel", or a unit the tables do not print (euro, maanden)."""
    nxt = f.last + 1
    for cues, kind in ((lex.percent, "share"), (lex.points, "points")):
        for cue, _ in cues:
            if cue.matches_at(tokens, nxt):
                step = min(f.step, lex.data.numbers.percent_max_step)
                return replace(f, last=nxt + len(cue.words) - 1, kind=kind, step=step)
    for cue, kind in lex.after_cues:
        if kind == "ratio" and cue.matches_at(tokens, nxt):
            return replace(f, last=nxt + len(cue.words) - 1, kind="ratio", comparison="ratio")
    for cue, unit in lex.unit_words:
        if cue.matches_at(tokens, nxt):
            return replace(f, last=nxt + len(cue.words) - 1, kind="other", unit_word=unit)
        before = f.first - len(cue.words)
        if before >= 0 and cue.matches_at(tokens, before):
            return replace(f, first=before, kind="other", unit_word=unit)
    return f


def _hedged(tokens, free, f: Figure, lex: Lexicon) -> Figure:
    """The longest hedge ending right before the figure ("ruim meer dan" before "meer dan")."""
    best = None
    for cue, name in lex.hedge_cues:
        start = f.first - len(cue.words)
        if start >= 0 and all(free[start:f.first]) and cue.matches_at(tokens, start):
            if best is None or start < best[0]:
                best = (start, name)
    if best is None:
        return f
    for k in range(best[0], f.first):
        free[k] = False
    return replace(f, first=best[0], hedge=best[1])


def _compared_after(tokens, free, f: Figure, lex: Lexicon) -> Figure:
    """ "8.840 meer ... dan": a "meer" or "minder" within a few words after the figure makes it a change."""
    if f.comparison:
        return f
    window = lex.data.comparisons.after_window
    for i in range(f.last + 1, min(len(tokens), f.last + 1 + window)):
        if not free[i]:
            if tokens[i].kind == "number":
                break  # the next figure
            continue
        for cue, kind in lex.after_cues:
            if kind != "ratio" and cue.matches_at(tokens, i) and all(free[i:i + len(cue.words)]):
                for k in range(i, i + len(cue.words)):
                    free[k] = False
                return replace(f, comparison=kind)
    return f


def _compared_before(f: Figure, hits) -> Figure:
    """ "een stijging van 12%": a change cue right before the figure (or its hedge)."""
    for h in hits:
        if h.key[0] == "before" and h.last == f.first - 1 and not f.comparison:
            return replace(f, comparison=h.key[1])
    return f


def text_year(scans_tokens: list[list[Token]], lex: Lexicon) -> int | None:
    """The year the text is about: after a cue such as "Jaarcijfers", else the first year it names."""
    lo, hi = lex.data.years.range
    first = None
    for tokens in scans_tokens:
        for i, t in enumerate(tokens):
            if t.kind == "number" and t.text.isdigit() and len(t.text) == 4 and lo <= int(t.text) <= hi:
                if i and tokens[i - 1].norm in lex.text_year_cues:
                    return int(t.text)
                first = first if first is not None else int(t.text)
    return first
