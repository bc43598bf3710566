"""Geometry shared by the passes: runs of tokens along a line."""

from __future__ import annotations

from pipeline.extract.words import Line
from pipeline.model import Token


def run_after(line: Line, start: Token, first_gap: float = 1.2) -> list[Token]:
    """The tokens after ``start`` on its line, until a gap wider than a column gap (``first_gap`` font
    sizes for the first one: a rank and its name may stand in two spreadsheet columns)."""
    run, prev = [], start
    for t in line.tokens:
        if t.box.x0 <= start.box.x0:
            continue
        if t.box.x0 - prev.box.x1 > (first_gap if not run else 1.2) * t.size:
            break
        run.append(t)
        prev = t
    return run


def run_from(line: Line, x0: float, size: float) -> list[Token]:
    """The contiguous tokens of a line that start at ``x0``."""
    starts = [t for t in line.tokens if abs(t.box.x0 - x0) <= 1.0 * size]
    if not starts:
        return []
    first = starts[0]
    return [first] + run_after(line, first)
