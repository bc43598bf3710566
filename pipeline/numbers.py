"""The one rule for a printed figure: what counts as one, and what it is worth.

A figure is a dash (no value), or a Dutch number: digits with a ``.`` between thousands (``41.820``) or
none (``70``), an optional ``,`` and decimals (``11,3``, ``5.067,5``), and an optional ``%``, with or
without a (non-breaking) space before it (``89%``, ``89 %``). The reader claims a token as a value only
when its text is a figure (``is_figure``), and the normalizer turns exactly those into floats
(``parse_number``): the two cannot disagree.
"""

from __future__ import annotations

import re

FIGURE = re.compile(
    r"^(?:(?P<dash>[-–—])|(?P<int>\d{1,3}(?:\.\d{3})+|\d+)(?:,(?P<frac>\d+))?)(?P<pct>[\s\u00a0\u202f]?%)?$"
)


def is_figure(text: str) -> bool:
    """Whether a token's text is a printed figure (a number or a dash), as it stands."""
    return FIGURE.match(text) is not None


def parse_number(raw: str) -> float | None:
    """A Dutch figure as printed: ``41.820`` -> 41820.0, ``11,3`` -> 11.3, ``89%`` / ``89 %`` -> 89.0,
    ``-`` -> None.

    Raises ``ValueError`` for anything else, so that nothing odd passes as a number.
    """
    m = FIGURE.match(raw.strip())
    if not m:
        raise ValueError(f"not a Dutch number: {raw!r}")
    if m.group("dash"):
        return None
    digits = m.group("int").replace(".", "")
    frac = m.group("frac")
    return float(f"{digits}.{frac}") if frac else float(digits)
