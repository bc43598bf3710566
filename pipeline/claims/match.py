"""A figure -> the cells it is about (``Reading``), from the cue words around it and the years it names.

What the figure counts (the subject: tables) comes from the nearest subject cue in its segment, else in its
sentence, else from the sentences before it in its paragraph and the paragraph's heading ("Een kwart van deze
zaken": the bezwaarzaken of the sentence before). Which row (the measure: metric) comes from the nearest measure
cue whose rows the subject's tables print in the figure's unit. Its year: the nearest year in its segment,
else the sentence's main clause, the sentences before it, the text's year. A ratio or change takes its base year
from the segment after it ("als in 2022"). Anything the lexicon cannot place is not_in_data, with the reason:
no cell is ever guessed, and no sum is searched for.
"""

from __future__ import annotations

from dataclasses import dataclass

from pipeline.claims.lexicon import Lexicon, SubjectDef
from pipeline.claims.model import Cell, Figure, Reading, Scan
from pipeline.claims.tables import ReleaseData
from pipeline.claims.tokens import Hit


@dataclass(frozen=True)
class Context:
    """What a figure's sentence is read with: the sentences before it in its paragraph, the heading, the year."""

    before: tuple[Scan, ...]   # nearest first
    heading: Scan | None
    text_year: int


def read_figure(f: Figure, scan: Scan, ctx: Context, lex: Lexicon, data: ReleaseData) -> Reading:
    if f.kind == "other":
        return _none(f"a figure in {f.unit_word} ('{scan.quote(f)}'): the tables print counts, percentages and "
                     "FTE only")
    if f.kind == "points" and f.comparison not in ("increase", "decrease"):
        return _none("a change in percentage points without the years it is between")
    seg = scan.segments[f.core]
    for h in scan.hits_of("blocker"):
        if scan.segments[h.first] in (seg, seg + 1 if f.comparison else seg):
            return _none(f"compared with what the tables do not print ('{_text(scan, h)}')")
    subject = _subject(f, scan, ctx, lex)
    if subject is None:
        return _none("the text does not say what the figure counts (no subject word from schemas/claims.yaml)")
    name, spec = subject
    units = _units(f, lex)
    metrics, why = _metrics(f, scan, spec, units, lex, data)
    if not metrics:
        return _none(f"{name}: {why}")
    year, base = _years(f, scan, ctx)
    tables = [t for t in spec.tables if all(data.has(t, m) for m in metrics)]
    cells = tuple(Cell(t, m, year) for t in tables for m in metrics)
    aggregate = "cell" if len(cells) == 1 else "range" if _unit(data, cells) == "percent" else spec.aggregate
    if aggregate is None:
        return _none(f"{name}: the tables print it per table ({', '.join(tables)}) and the lexicon does not say "
                     "they add up")
    if aggregate == "sum" and len(tables) < len(spec.tables):
        return _none(f"{name}: not every table of the subject prints {', '.join(metrics)}")
    missing = [c for c in cells if data.values.get((c.table_id, c.metric_id, c.year)) is None]
    base_cells: tuple[Cell, ...] = ()
    if f.comparison:
        if base is None:
            return _none("the text does not say which year it is compared with")
        base_cells = tuple(Cell(c.table_id, c.metric_id, base) for c in cells)
        missing += [c for c in base_cells if data.values.get((c.table_id, c.metric_id, c.year)) is None]
    if missing:
        return _none(f"release {data.release_year} prints no figure for {', '.join(str(c) for c in missing)}")
    return Reading(cells, base_cells, aggregate)


def _none(reason: str) -> Reading:
    return Reading(not_in_data=reason)


def _text(scan: Scan, h: Hit) -> str:
    return scan.sentence.text[scan.tokens[h.first].start:scan.tokens[h.last].end]


def _units(f: Figure, lex: Lexicon) -> set[str]:
    """The table units a figure can be about: a count in counts or FTE, a share in percentages, a ratio in any,
    a change in percent in counts (a rate's change is stated in points)."""
    number, share = set(lex.data.data_units.number), set(lex.data.data_units.share)
    if f.kind == "ratio":
        return number | share
    if f.kind == "share" and f.comparison:
        return number
    return {"number": number, "share": share, "points": share}[f.kind]


def _unit(data: ReleaseData, cells) -> str:
    return data.units[(cells[0].table_id, cells[0].metric_id)]


def _distance(f: Figure, h: Hit) -> tuple[int, int]:
    if h.last < f.first:
        return f.first - h.last, 0   # before the figure: preferred on a tie
    return h.first - f.last, 1


def _nearest(f: Figure, scan: Scan, kind: str) -> list[Hit]:
    """Cues of a kind, those in the figure's segment first, each group nearest first."""
    seg = scan.segments[f.core]
    hits = scan.hits_of(kind)
    return (sorted((h for h in hits if scan.segments[h.first] == seg), key=lambda h: _distance(f, h))
            + sorted((h for h in hits if scan.segments[h.first] != seg), key=lambda h: _distance(f, h)))


def _subject(f: Figure, scan: Scan, ctx: Context, lex: Lexicon) -> tuple[str, SubjectDef] | None:
    name = _respectively(f, scan)
    if name is None:
        nearest = _nearest(f, scan, "subject")
        if nearest:
            name = nearest[0].key[1]
    for earlier in (*ctx.before, *([ctx.heading] if ctx.heading else [])):
        if name is not None:
            break
        hits = earlier.hits_of("subject")
        name = hits[-1].key[1] if hits else None
    return (name, lex.subjects[name]) if name is not None else None


def _respectively(f: Figure, scan: Scan) -> str | None:
    """ "voor A (..) en B (..) dan in 2022 (respectievelijk x en y)": x is about A, y about B."""
    marks = [h for h in scan.hits_of("respectively") if h.last < f.first
             and scan.segments[h.first] == scan.segments[f.core]]
    if not marks:
        return None
    mark = marks[-1]
    k = sum(1 for g in scan.figures if mark.last < g.core < f.core)
    order: list[str] = []
    for h in scan.hits_of("subject"):
        if h.last < mark.first and h.key[1] not in order:
            order.append(h.key[1])
    return order[k] if k < len(order) else None


def _metrics(f: Figure, scan: Scan, spec: SubjectDef, units: set[str], lex: Lexicon,
             data: ReleaseData) -> tuple[list[str], str]:
    def printed(mids) -> list[str]:
        return [m for m in mids if any(data.has(t, m) and data.units[(t, m)] in units for t in spec.tables)]

    if spec.metrics:
        found = printed(spec.metrics)
        return found, "" if found else f"its rows are not printed in {', '.join(sorted(units))}"
    for h in _nearest(f, scan, "measure"):
        found = printed(lex.measures[h.key[1]].metrics)
        if len(found) == 1:
            return found, ""
        if found:
            return [], f"'{_text(scan, h)}' could be any of {', '.join(found)}"
    found = sorted({m for t in spec.tables for (tt, m) in data.units if tt == t and data.units[(t, m)] in units})
    if len(found) == 1:
        return found, ""
    return [], ("the text does not say which row: " + ", ".join(found)) if found else \
        f"its tables print nothing in {', '.join(sorted(units))}"


def _years(f: Figure, scan: Scan, ctx: Context) -> tuple[int, int | None]:
    """The figure's year, and for a ratio or change the year it is compared with: named in the segment after
    it ("... als in 2022"), or in its own when a comparison word opens it ("ten opzichte van 2021 verdubbeld")."""
    seg = scan.segments[f.core]
    own = [y for y in scan.years if scan.segments[y.index] == seg]
    after = [y for y in scan.years if scan.segments[y.index] == seg + 1]
    if f.comparison and not after and own and seg > 0:
        return _main_year(scan, ctx), own[0].year
    base = after[0].year if f.comparison and after else None
    if own:
        return min(own, key=lambda y: (abs(y.index - f.core), y.index > f.core)).year, base
    return _main_year(scan, ctx), base


def _main_year(scan: Scan, ctx: Context) -> int:
    """The year of the sentence's main clause, else of the sentences before it, else the text's."""
    main = [y for y in scan.years if scan.segments[y.index] == 0]
    if main:
        return main[0].year
    for earlier in ctx.before:
        main = [y for y in earlier.years if earlier.segments[y.index] == 0] or list(earlier.years)
        if main:
            return main[0].year
    return ctx.text_year
