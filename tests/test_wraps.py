"""Wrapped labels split into rows (extract/wraps.py): the lines of a label column, top to bottom, as slots.
Each case is a table a person reads one way only; the labels are the court-cases rows of the 2023 release
wrapped at 18 characters, as a narrow label column prints them (values on the first, middle or last line)."""

from dataclasses import replace

from pipeline.errors import describe
from pipeline.extract.wraps import TITLE, Slot, decide
from pipeline.model import Problem, ProblemKind

PITCH, SIZE = 11.0, 8.0
ROWS = [["Aantal ontvangen", "gerechtelijke", "procedures"],
        ["Aantal afgehandelde", "gerechtelijke", "procedures"],
        ["Percentage", "instandhoudingen", "asiel"]]


def slots(value_line: str, gap: float = 0.0, rows=ROWS) -> list[Slot]:
    """The title's years' line, then each row's lines ``gap`` points apart from the next row's; the values
    on line ``value_line`` of their label (middle of an even count: between two lines, no text there)."""
    out, y = [Slot(0.0, SIZE, "Gerechtelijke procedures", TITLE)], 0.0
    for r, lines in enumerate(rows):
        y += PITCH + gap
        vi = {"first": 0, "last": len(lines) - 1}.get(value_line, (len(lines) - 1) / 2)
        for i, text in enumerate(lines):
            if i == vi:
                out.append(Slot(y + i * PITCH, SIZE, text, r))
            else:
                out.append(Slot(y + i * PITCH, SIZE, text, None, label_typed=True))
        if vi != int(vi):
            out.append(Slot(y + vi * PITCH, SIZE, "", r))
        y += (len(lines) - 1) * PITCH
    return sorted(out, key=lambda s: s.bottom)


def labels(slots_, decision) -> list[str]:
    owners = decision.readings[0].owners
    return [" ".join(s.text for s, o in zip(slots_, owners) if o == r and s.text) for r in range(len(ROWS))]


def read(slots_):
    return decide([[(slots_, 0)]], [None])[0]


def test_values_on_any_line_of_evenly_spaced_labels_read_as_printed():
    want = [" ".join(lines) for lines in ROWS]
    for value_line in ("first", "middle", "last"):
        s = slots(value_line)
        d = read(s)
        assert (d.convention, d.unclear, labels(s, d)) == (value_line, (), want)


def test_a_value_line_between_two_label_lines_is_a_middle_line():
    rows = [["Aantal ontvangen", "gerechtelijke procedures"], ["Aantal afgehandelde", "gerechtelijke procedures"]]
    s = slots("middle", rows=rows)
    d = decide([[(s, 0)]], [None])[0]
    assert d.convention == "middle"
    assert [" ".join(x.text for x, o in zip(s, d.readings[0].owners) if o == r and x.text) for r in (0, 1)] == \
        ["Aantal ontvangen gerechtelijke procedures", "Aantal afgehandelde gerechtelijke procedures"]


def test_spacing_between_rows_wins_over_the_capitals():
    rows = [["Aantal", "Gerechtelijke"], ["Aantal", "Procedures"]]  # capitals alone would not tell
    s = slots("first", gap=4.0, rows=rows)
    assert labels(s, read(s))[:2] == ["Aantal Gerechtelijke", "Aantal Procedures"]


def test_contradictory_evidence_is_unclear_and_stops_loudly():
    s = [Slot(0.0, SIZE, "Titel", TITLE), Slot(11.0, SIZE, "Aantal", 0), Slot(22.0, SIZE, "Beslissingen"),
         Slot(33.0, SIZE, "Inwilligingen", 1)]
    d = read(s)
    assert d.unclear == ("first", "last")
    line = describe(Problem(ProblemKind.UNCLEAR_WRAP, "Titel", "page 2", id=" or ".join(d.unclear)))
    assert line == ("the wrapped labels of table 'Titel' (page 2) cannot be split into rows: no spacing sets them "
                    "apart, and the values may stand on the first or last line of each label (the evidence "
                    "contradicts itself); print the rows apart (spacing or rules) or the labels on one line.")


def test_the_other_tables_of_the_release_decide_a_tie():
    tie = [Slot(0.0, SIZE, "Titel", TITLE), Slot(11.0, SIZE, "Aantal", 0), Slot(22.0, SIZE, "Beslissingen"),
           Slot(33.0, SIZE, "Inwilligingen", 1)]
    clear = slots("last")
    d = decide([[(tie, 0)], [(clear, 0)]], [None, None])
    assert (d[0].convention, d[0].unclear, d[1].convention) == ("last", (), "last")


def test_a_title_in_the_labels_type_keeps_its_lines_under_its_years_whatever_the_values_line():
    """One type for titles and labels (a font without a bold face): a title wrapped under its years' line
    ('Gerechtelijke procedures / omtrent verblijf') above labels whose values stand on their middle or last
    line. The title's share of the lines between its years and the first row is not the rows' convention:
    the reading with the least evidence against it (here: a label starting lowercase) takes it."""
    for value_line in ("middle", "last"):
        title, *rest = slots(value_line)  # the title's second line, in the labels' type, then the rows
        s = [title, Slot(PITCH, SIZE, "omtrent verblijf"), *(replace(x, bottom=x.bottom + PITCH) for x in rest)]
        d = read(s)
        owners = d.readings[0].owners
        assert (d.convention, d.unclear) == (value_line, ())
        assert [x.text for x, o in zip(s, owners) if o == TITLE] == ["Gerechtelijke procedures", "omtrent verblijf"]
        assert labels(s, d) == [" ".join(lines) for lines in ROWS]


def test_a_label_reads_line_by_line_whatever_the_tops_of_its_words():
    """Words of one line drawn one by one may have tops a fraction apart (another font, jitter): the label
    still reads line by line, left to right (it once read 'ontvangen gerechtelijke Aantal procedures')."""
    from pipeline.extract.assemble import label_tokens
    from pipeline.extract.rows import FoundRow
    from pipeline.extract.words import Line
    from pipeline.model import Box, Token

    def tok(text, x0, top):
        return Token(text, Box(1, x0, top, x0 + 6 * len(text), top + 8.0), 8.0)

    first = [tok("Aantal", 50, 102.1), tok("ontvangen", 90, 101.9), tok("gerechtelijke", 150, 101.9)]
    last = tok("procedures", 50, 113.0)  # the values stand on the last line
    row = FoundRow(Line((last,)), [last], {}, [Line(tuple(first))])
    assert " ".join(t.text for t in label_tokens(row)) == "Aantal ontvangen gerechtelijke procedures"


def test_the_label_column_pitch_holds_a_last_line_at_loose_leading():
    """Loose leading (1.6 times the text): the lines of a wrapped label stand 0.6 ems apart, so a label's
    last line below its values' line is as far under the last row as the label's other lines are from each
    other; the label column's pitch is that distance (a line on the same baseline counts no pitch)."""
    from pipeline.extract.rows import label_pitch
    from pipeline.extract.words import Line
    from pipeline.model import Box, Token

    def line(text, x0, top):
        return Line((Token(text, Box(1, x0, top, x0 + 6 * len(text), top + 6.5), 6.5),))

    lines = [line("Totaal aantal", 50, 100.0), line("uitgereikte", 50, 110.4), line("x", 120, 110.4),
             line("IND-Loket", 50, 79.2)]
    assert abs(label_pitch(lines) - 10.4) < 1e-9
    assert label_pitch([line("Totaal", 50, 100.0)]) is None


def test_a_tables_line_pitch_is_its_label_columns_whatever_its_leading():
    """A loose leading (1.6 times the type) sets a wrapped title's and label's lines further apart than
    half an em: they still stand at the table's own line pitch, measured in its label column. Years between
    two lines of their title, or a panel's rank beside a row a little lower, do not shorten it."""
    from pipeline.extract.headers import Header
    from pipeline.extract.rows import FoundRow, FoundTable, line_pitch
    from pipeline.extract.words import Line
    from pipeline.model import Box, Token

    lead = 1.6 * SIZE

    def tok(text, x0, bottom):
        return Token(text, Box(1, x0, bottom - SIZE, x0 + 5 * len(text), bottom), SIZE)

    title = [Line((tok("Gerechtelijke", 50, 100.0),)), Line((tok("procedures", 50, 100.0 + lead),))]
    years = Line(tuple(tok(str(y), 200 + 40 * i, 100.0 + lead / 2) for i, y in enumerate((2023, 2022, 2021))))
    header = Header(1, years, (2023, 2022, 2021), tuple(t.box for t in years.tokens))
    rows, y = [], 100.0 + lead
    for label in ("Aanvragen", "Beslissingen"):
        y += lead
        label_tok, cells = tok(label, 50, y), {i: tok("1.000", 200 + 40 * i, y) for i in range(3)}
        rank = tok("1.", 400, y + 2.0)  # a panel beside the rows, a little lower: one page line with the row
        rows.append(FoundRow(Line((label_tok, *cells.values(), rank)), [label_tok], cells))
    table = FoundTable(header, title, rows)
    lines = [*title, years, *(r.line for r in rows)]
    assert abs(line_pitch(table, [lines]) - lead) < 1e-6
    assert line_pitch(FoundTable(header, title, []), [lines]) is None  # no rows: nothing to measure


def test_where_the_release_sets_its_years_in_a_title_gives_the_titles_share_under_them():
    """One type for titles and labels, the values on a label's last line, the years on a title's middle line
    (seed 315 of the sweep): 'Percentage hoger / beroep door IND na 2023 2022 2021 / gegrond beroep' above the
    row 'Hoger beroep / Regulier 18% ...'. Capitals alone take 'Hoger beroep' into the title (a continuation
    starting with a capital is weak evidence against the row); a title with one line above its years, on
    its middle line, has one line below them: the rest is the first row's."""
    from pipeline.extract.wraps import TitleWrap, read_segment, title_shares, years_places

    s = [Slot(0.0, SIZE, "beroep door IND na", TITLE), Slot(PITCH, SIZE, "gegrond beroep"),
         Slot(2 * PITCH, SIZE, "Hoger beroep"), Slot(3 * PITCH, SIZE, "Regulier", 0),
         Slot(4 * PITCH, SIZE, "Hoger beroep Asiel", 1)]
    title = TitleWrap(above=1, below=0, between=False, free=2)
    assert [x.text for x, o in zip(s, read_segment(s, "last", 1).owners) if o == TITLE][-1] == "Hoger beroep"
    # another title of the release stands with its years between two of its lines: on its middle line
    between = TitleWrap(above=1, below=0, between=True, free=3)
    places = years_places([title, between, TitleWrap(0, 0, False, 1)])  # and a title of one line
    assert places == ("middle",)
    reading = read_segment(s, "last", 1, title_shares(title, places))
    assert [x.text for x, o in zip(s, reading.owners) if o == TITLE] == ["beroep door IND na", "gegrond beroep"]
    assert [x.text for x, o in zip(s, reading.owners) if o == 0] == ["Hoger beroep", "Regulier"]
    # years on the first line of a one-line title and the same title over a first row of two lines: a title
    # of one line beside its years fits every place, and takes none of the lines below it on a middle one
    one = [Slot(0.0, SIZE, "Nareizigers", TITLE), Slot(PITCH, SIZE, "Aanvragen MVV"), Slot(2 * PITCH, SIZE, "Nareis", 0)]
    reading = read_segment(one, "last", 0, title_shares(TitleWrap(0, 0, False, 1), places))
    assert [x.text for x, o in zip(one, reading.owners) if o == 0] == ["Aanvragen MVV", "Nareis"]


def test_the_places_the_titles_of_a_release_fit():
    from pipeline.extract.wraps import TitleWrap, title_shares, years_places

    one_line = TitleWrap(0, 0, False, 1)
    assert years_places([one_line]) == ("first", "middle", "last")
    assert title_shares(one_line, ("first", "middle", "last")) is None  # on its first line: any share
    above_no_room = TitleWrap(above=1, below=0, between=False, free=0)  # a row right under the years' line
    assert years_places([one_line, above_no_room]) == ("last",)
    assert title_shares(TitleWrap(2, 0, False, 4), ("middle", "last")) == frozenset({0, 2})
    # years between two of its lines, and a title with its line below known (its own type) and none above
    assert years_places([TitleWrap(1, 0, True, 3), TitleWrap(0, 1, False, 0)]) == ()
    assert title_shares(TitleWrap(1, 0, True, 3), ()) is None  # nothing fits them all: no evidence


def test_years_between_two_lines_of_their_title_or_on_one():
    """Years mid-title: on the middle line of an odd count, between the two middle lines of an even count;
    on a line of larger type (the years on its baseline) they still stand nearer that line."""
    from pipeline.extract.rows import years_between

    assert years_between(100.0, [94.5, 105.5])  # half a pitch from each line
    assert not years_between(100.0, [100.0])  # on its only line beside them
    assert not years_between(100.0, [98.0, 109.0])  # on a line of larger type, the next line a pitch below
    assert not years_between(100.0, [89.0, 100.0, 111.0])  # on the middle line, both neighbours beside
    assert not years_between(100.0, [94.5])  # a line on one side only
