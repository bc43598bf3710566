"""A figure and its reading -> a verdict: the interval its hedge allows, the data it is checked against.

The cells combine as the reading says: one cell; a sum (over the tracks of one metric); the range of rates
(a rate over several parts lies between the parts' rates, so the claim holds when every part does, fails when
none does, and the tables cannot decide otherwise); a ratio between two years; a change (the difference, or in
percent for a share stated about counts).
"""

from __future__ import annotations

from pipeline.claims.lexicon import Interval, Lexicon
from pipeline.claims.model import Claim, Figure, Reading, Scan
from pipeline.claims.tables import ReleaseData


def judge(claim_id: str, f: Figure, scan: Scan, reading: Reading, lex: Lexicon, data: ReleaseData) -> Claim:
    hedge = lex.hedges[f.hedge]
    qualifier = _qualifier(scan, f)
    span = (scan.tokens[f.first].start, scan.tokens[f.last].end)
    base = dict(claim_id=claim_id, sentence=scan.sentence.text, quote=scan.quote(f), stated_value=f.value,
                qualifier=qualifier, span=span)
    if reading.not_in_data:
        return Claim(**base, verdict="not_in_data", data_value="", cells="", rule=reading.not_in_data)
    interval = hedge.interval(f.value, f.step)
    def value(c) -> float:
        return data.values[(c.table_id, c.metric_id, c.year)]

    main = [value(c) for c in reading.cells]
    how, lo, hi = _combine(f, reading, main, [value(c) for c in reading.base_cells])
    reads = f"'{qualifier}'" + ("" if qualifier == f.hedge else f" (read as {f.hedge})") if qualifier else "rounded"
    allowed = f"{reads} allows {hedge.formula()} = {interval} with x = {_fmt(f.value)}, u = {_fmt(f.step)}"
    cells = ";".join(str(c) for c in (*reading.cells, *reading.base_cells))
    evidence = "; ".join(f"{c} = {_fmt(value(c))}" for c in (*reading.cells, *reading.base_cells))
    if lo is None:
        return _undecided(base, f"{how}: {evidence}")
    verdict = _verdict(lo, hi, interval)
    shown = _fmt(lo) if lo == hi else f"{_fmt(lo)}..{_fmt(hi)}"
    if verdict is None:
        return _undecided(base, f"{how} = {shown}, partly inside {allowed}; the tables do not print the combined "
                          f"rate ({evidence})")
    return Claim(**base, verdict=verdict, data_value=shown, cells=cells, rule=f"{how} = {shown}; {allowed}",
                 evidence=evidence)


def _qualifier(scan: Scan, f: Figure) -> str:
    """The hedge as written (lower case, straight apostrophe), "" when none."""
    if f.hedge == "none":
        return ""
    words = [t.norm for t in scan.tokens[f.first:f.core] if t.kind == "word"]
    return " ".join(words)


def _undecided(base: dict, why: str) -> Claim:
    """The cells are there but cannot decide: not_in_data, the cells named in the rule only, never matched."""
    return Claim(**base, verdict="not_in_data", data_value="", cells="", rule=why)


def _combine(f: Figure, r: Reading, main: list[float], base: list[float]):
    """How the cells make the figure's counterpart: (description, lowest, highest)."""
    n = len(r.cells)
    if r.aggregate == "range":
        how, lo, hi = f"the rates of {n} parts (a combined rate lies between them)", min(main), max(main)
    elif r.aggregate == "sum":
        how, lo = f"sum of {n} cells", sum(main)
        hi = lo
    else:
        how, lo = "one cell", main[0]
        hi = lo
    if not f.comparison:
        return how, lo, hi
    if r.aggregate == "range":
        return f"{how}, compared between years", None, None
    then = sum(base)
    year, base_year = r.cells[0].year, r.base_cells[0].year
    if f.comparison == "ratio":
        value = lo / then if then else None
        return f"ratio {year} / {base_year} of {how}", value, value
    sign = 1 if f.comparison == "increase" else -1
    if f.kind == "share":  # "een stijging van 12%": relative (a rate's change is in points)
        value = sign * (lo / then - 1) * 100 if then else None
        return f"change {base_year} to {year} in % of {how}", value, value
    value = sign * (lo - then)
    word = "increase" if sign > 0 else "decrease"
    return f"{word} {base_year} to {year} of {how}", value, value


def _verdict(lo: float, hi: float, interval: Interval) -> str | None:
    if lo in interval and hi in interval:
        return "supported"
    below = hi < interval.lo or (hi == interval.lo and not interval.lo_closed)
    above = lo > interval.hi or (lo == interval.hi and not interval.hi_closed)
    return "contradicted" if below or above else None


def _fmt(v: float) -> str:
    if v == int(v) and abs(v) < 1e15:
        return str(int(v))
    return f"{v:.4g}" if abs(v) < 10 else f"{v:.2f}".rstrip("0").rstrip(".")
