"""Table titles and labels as a person reads them (extract/titles.py, rows.py, headers.set_label_columns): a
page of words run through the reader's passes up to the wrapped titles and labels."""

from pipeline.extract import reader as passes
from pipeline.extract.reader import PageReader
from pipeline.model import Box, Token
from pipeline.schemas import Schemas

SIZE = 8.0


def words(x: float, bottom: float, text: str, font: str = "Helvetica") -> list[Token]:
    out = []
    for word in text.split():
        width = 0.5 * SIZE * len(word)
        out.append(Token(word, Box(1, x, bottom - SIZE, x + width, bottom), SIZE, font))
        x += width + 0.3 * SIZE
    return out


def table(x: float, bottom: float, pitch: float, title: list[str], rows: list[str], skip: int = 0) -> list[Token]:
    """A title wrapped over ``title``'s lines, the years on its last line, then (``skip`` lines lower) one
    row a line: all at ``pitch`` points from baseline to baseline."""
    out = []
    for i, line in enumerate(title):
        out += words(x, bottom + i * pitch, line, "Helvetica-Bold")
    years = bottom + (len(title) - 1) * pitch
    out += [t for k, y in enumerate(("2023", "2022", "2021")) for t in words(x + 150 + 40 * k, years, y)]
    for i, label in enumerate(rows):
        y = years + (i + 1 + skip) * pitch
        out += words(x, y, label) + [t for k in range(3) for t in words(x + 150 + 40 * k, y, f"{i + 1}.{k}00")]
    return out


def titles_of(tokens: list[Token]) -> list[str]:
    reader = PageReader(Schemas().layout, [tokens], [Box(1, 0, 0, 900, 800)])
    for read_pass in passes.PASSES[:passes.PASSES.index(passes.rows.read_fragments) + 1]:
        read_pass(reader)
    return [" ".join(ln.text for ln in t.title_lines) for t in reader.tables]


def test_a_title_wrapped_at_a_loose_leading_is_read_whole():
    """Large type on a loose leading (1.6 em): the title's lines stand further apart than half an em, at
    the table's own pitch, the years on its last line."""
    tokens = table(50, 100, 1.6 * SIZE, ["Verlengingen van de", "geldigheidsduur"], ["Aanvragen", "Beslissingen"])
    assert titles_of(tokens) == ["Verlengingen van de geldigheidsduur"]


def test_side_by_side_titles_of_unequal_length_keep_to_their_tables():
    """Two tables side by side, their rows on the same lines; the left title wraps over three lines, the
    right one over two, so the right table's years stand a line higher than the left one's, a blank line
    between them and its rows."""
    pitch = 1.4 * SIZE
    left = table(50, 100, pitch, ["Verlengingen van de", "geldigheidsduur", "(asiel en regulier)"],
                 ["Aanvragen", "Beslissingen"])
    right = table(400, 100, pitch, ["Intrekkingen", "(verblijf en VVR)"], ["Procedures", "Intrekkingen"], skip=1)
    assert sorted(titles_of(left + right)) == ["Intrekkingen (verblijf en VVR)",
                                               "Verlengingen van de geldigheidsduur (asiel en regulier)"]


def test_a_panel_title_beside_is_no_part_of_the_next_title():
    """Two tables side by side, the left one's panel title ('Nareis', repeated with its head, its ranks on
    the page before) standing alone between them on the years' line: a column gap left of the right
    table's labels, so not in its title."""
    pitch = 1.4 * SIZE
    left = table(50, 100, pitch, ["Nareizigers"], ["Inwilligingen"])
    right = table(400, 100, pitch, ["Nareis 8 EVRM bij AMV"], ["Inwilligingen"])
    beside = words(310, 100, "Nareis", "Helvetica-Bold")
    assert sorted(titles_of(left + beside + right)) == ["Nareis 8 EVRM bij AMV", "Nareizigers"]


def test_years_a_little_off_the_neighbours_years_keep_the_titles_apart():
    """Two tables side by side, the right title wrapped over two lines, its years on the last one, set a
    little higher than the left table's years (over half a line: not one line), the rows on other lines.
    The right table's label column still starts after the left table, not over its title."""
    pitch = 1.4 * SIZE
    left = table(50, 100, pitch, ["Andere gerechtelijke procedures"], ["Aantal ontvangen", "Aantal afgehandelde"])
    right = table(400, 100 - 4.5 - pitch, pitch, ["Percentage hoger", "beroep door IND"], ["Hoger beroep"], skip=1)
    assert sorted(titles_of(left + right)) == ["Andere gerechtelijke procedures", "Percentage hoger beroep door IND"]


def labels_after_fragments(tokens: list[Token]) -> list[list[str]]:
    reader = PageReader(Schemas().layout, [tokens], [Box(1, 0, 0, 900, 800)])
    for read_pass in passes.PASSES[:passes.PASSES.index(passes.rows.read_fragments) + 1]:
        read_pass(reader)
    return [[" ".join([*(t.text for t in r.label_tokens), *(ln.text for ln in r.extra)]) for r in t.rows]
            for t in reader.tables]


ROWS = ["Aanvragen", "Beslissingen", "In behandeling", "Inwilligingen", "Tijdigheid beslissingen"]


def test_a_footnote_right_under_a_padded_grid_is_no_wrapped_label():
    """A grid pads its rows (2.2 ems apart); the footnote, its id written ``1)``, stands 1.4 ems under the
    last row and goes on on a second line. A person sees the table end at its last row: neither line of
    the footnote continues the label 'Tijdigheid beslissingen'."""
    pitch = 2.2 * SIZE
    tokens = table(50, 100, pitch, ["Familie & Gezin"], ROWS)
    last = 100 + len(ROWS) * pitch
    tokens += words(50, last + 1.4 * SIZE, "1) Deelproduct Nareis & 8 EVRM") + words(62, last + 2.6 * SIZE, "bij AMV")
    assert labels_after_fragments(tokens) == [ROWS]


def test_a_line_under_a_table_that_starts_left_of_its_label_column_is_no_wrapped_label():
    """A panel left of the table bounds its label column; the footnote under the table starts at the
    panel's left, its id and first words under the panel, the rest under the table's labels. The words in
    the label column are part of a line that starts outside it: not the last label's end."""
    pitch = 2.2 * SIZE
    tokens = table(200, 100, pitch, ["Familie & Gezin"], ROWS)
    for k, name in enumerate(("Indiase", "Turkse", "Russische")):
        tokens += words(50, 100 + (k + 1) * pitch, f"{k + 1}. {name}")
    tokens += words(50, 100, "Familie & Gezin", "Helvetica-Bold")
    last = 100 + len(ROWS) * pitch
    tokens += words(50, last + 1.4 * SIZE, "1) Deelproduct Nareis & 8 EVRM bij AMV is bij opgenomen")
    assert labels_after_fragments(tokens) == [ROWS]


def test_a_line_across_both_tables_is_no_wrapped_label():
    """Two tables side by side, a footnote right below them on one line across both: the part of it in the
    right table's label column runs in from the left, so it does not end that table's last label."""
    pitch = 1.4 * SIZE
    left = table(50, 100, pitch, ["Ingebrekestellingen"], ["Aantal ontvangen"])
    right = table(400, 100, pitch, ["Klachten"], ["Tijdig afgehandeld"])
    note = words(50, 100 + 2 * pitch, "8 Het totaalbedrag aan betaalde dwangsommen (ingebrekestellingen en beroepen "
                                      "niet tijdig beslissen) is in 2023")
    assert labels_after_fragments(left + right + note) == [["Aantal ontvangen"], ["Tijdig afgehandeld"]]


def test_a_last_label_wrapped_around_its_values_keeps_its_lines_below_them():
    """The last row's label wraps over four lines, its values half a line below its second line (between
    the second and third): a person reads all four lines as its label. The third line stands half a line
    under the values' line, the fourth a whole line under the third: it goes on from the third, not from
    the values (it was left over, and the wrapped labels could not be split)."""
    pitch = 1.4 * SIZE
    tokens = table(50, 100, pitch, ["Documenten"], ["W-document"])
    wrapped = ["Document", "'grensarbeider' op", "grond van het", "terugtrekkingsakkoord"]
    top = 100 + 2 * pitch
    for i, line in enumerate(wrapped):
        tokens += words(50, top + i * pitch, line)
    tokens += [t for k in range(3) for t in words(200 + 40 * k, top + 1.5 * pitch, f"1{k}7")]
    assert labels_after_fragments(tokens) == [["W-document", " ".join(wrapped)]]
