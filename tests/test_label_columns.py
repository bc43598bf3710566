"""Where a table's label column starts: side by side, after its left neighbour (issue 12: the years of two
tables side by side stand on different lines of their wrapped titles, their rows share lines)."""

from __future__ import annotations

from pipeline.extract.headers import read_headers, read_label_columns
from pipeline.extract.reader import PageReader
from pipeline.model import Box, Token
from pipeline.schemas import load_schemas


def _words(top: float, *words: tuple[str, float]) -> list[Token]:
    return [Token(w, Box(1, x, top, x + 5 * len(w), top + 8.0), 8.0) for w, x in words]


def _headers(tokens: list[Token]):
    reader = PageReader(load_schemas().layout, [tokens], [Box(1, 0, 0, 600, 800)])
    read_headers(reader)
    read_label_columns(reader)
    return sorted(reader.headers, key=lambda h: h.cols[0].x0)


def test_side_by_side_years_on_different_title_lines():
    """The left title wraps to three lines (years on the last), the right one to two (years on the first):
    the rows share lines, so the right table's label column starts after the left table's years."""
    page = (_words(100, ("Spoor", 50), ("1", 80), ("Spoor", 330), ("2", 360), ("2023", 460), ("2022", 500),
                   ("2021", 540))
            + _words(110, ("Asielaanvragen", 50), ("Veilig", 330), ("land", 365))
            + _words(120, ("Dublin", 50), ("2023", 200), ("2022", 240), ("2021", 280))
            + _words(140, ("Aanvragen", 50), ("7.270", 195), ("5.860", 235), ("4.040", 275),
                     ("Aanvragen", 330), ("1.040", 455), ("1.000", 495), ("1.080", 535)))
    left, right = _headers(page)
    assert left.left == float("-inf")
    assert right.left == left.cols[-1].x1


def test_stacked_tables_are_not_side_by_side():
    """A narrow table above a wide one (its years left of the wide one's): no line holds a row of both, so
    the wide table's labels keep the whole width left of its years."""
    page = (_words(100, ("Asiel", 50), ("2023", 150), ("2022", 190), ("2021", 230))
            + _words(110, ("Eerste", 50), ("38.380", 145), ("35.540", 185), ("24.690", 225))
            + _words(130, ("Behandeling", 50), ("2023", 300), ("2022", 340), ("2021", 380))
            + _words(140, ("Een", 50), ("heel", 70), ("lang", 95), ("label", 120), ("label", 150), ("1.040", 295),
                     ("1.000", 335), ("1.080", 375)))
    narrow, wide = _headers(page)
    assert wide.left == float("-inf") and narrow.left == float("-inf")
