"""Page furniture read per run of a line, in a page's margins (pipeline/extract/furniture.py), on pages of
words placed by hand: the release title and a running header on one line, page numbers in each form, a
date or an address on one page only; and what is never furniture: a table row or a year header at the top
of a page, a footnote at its foot that cites a date. Last, a whole release made by the generator with its
title beside a running header."""

from __future__ import annotations

from functools import lru_cache

import pytest

from conftest import assert_same_dataset, generator, golden_frames, run_pipeline
from pipeline.extract.furniture import read_furniture, read_running_text
from pipeline.extract.reader import PageReader
from pipeline.model import Box, Kind, Token
from pipeline.schemas import Schemas

ISSUER = "Immigratie- en Naturalisatiedienst | 28 november 2026"


def words(page: int, x: float, top: float, text: str, size: float = 8.0) -> list[Token]:
    out = []
    for word in text.split():
        width = 0.5 * size * len(word)
        out.append(Token(word, Box(page, x, top, x + width, top + size), size))
        x += width + 0.3 * size
    return out


def body(page: int) -> list[Token]:
    """A table's header and two rows, the middle of a page."""
    return (words(page, 50, 100, "Asielaanvragen 2021 2022 2023") + words(page, 50, 111, "Eerste aanvragen")
            + words(page, 300, 111, "24.571 36.587 38.377") + words(page, 50, 122, "Nareizigers")
            + words(page, 300, 122, "10.432 12.654 11.409"))


@lru_cache(maxsize=1)
def layout():
    return Schemas().layout


def read(pages: list[list[Token]]) -> PageReader:
    reader = PageReader(layout(), pages, [Box(i + 1, 0, 0, 595, 842) for i in range(len(pages))])
    read_furniture(reader)
    return reader


def furniture(reader: PageReader) -> list[str]:
    return [t.text for t in reader.tokens if reader.roles.get(id(t)) is Kind.FURNITURE]


def test_the_release_title_and_a_running_header_on_one_line_are_read_apart():
    """The title at the left, the issuer and a date at the right margin, smaller: two runs of one line,
    the one the release title, the other a running header repeated on every page."""
    pages = [words(n, 50, 26, "Jaarcijfers - 2023", 12.0) + words(n, 400, 30, ISSUER, 6.5) + body(n)
             for n in (1, 2)]
    reader = read(pages)
    assert (reader.title, reader.title_year) == ("Jaarcijfers - 2023", 2023)
    assert furniture(reader) == 2 * ("Jaarcijfers - 2023 ".split() + ISSUER.split())


@pytest.mark.parametrize("printed", ["3", "Pagina 3 van 7", "3/7", "- 3 -", "– 3 –"])
@pytest.mark.parametrize("x", [50, 290, 520])  # left, centre, right
def test_a_page_number_in_any_form_at_the_foot_of_one_page(printed, x):
    reader = read([words(1, 50, 26, "Jaarcijfers - 2023", 12.0) + body(1) + words(1, x, 800, printed, 6.5)])
    assert furniture(reader) == "Jaarcijfers - 2023".split() + printed.split()


def test_a_page_number_beside_a_running_footer():
    """An address at the left of the foot, the page number at the right: on every page, at one height."""
    site = "https://ind.nl/nl/over-ind/cijfers-en-publicaties/jaarcijfers"
    pages = [body(n) + words(n, 50, 800, site, 6.5) + words(n, 520, 800, str(n), 6.5) for n in (1, 2)]
    assert furniture(read(pages)) == [site, "1", site, "2"]


def test_a_page_number_right_under_a_footnote_is_furniture_where_it_repeats():
    """A page number at one height on every page, in the footnotes' type: on page 1 a footnote ends right
    above it (as near as its own lines are apart), on page 2 it stands apart. It is furniture on both, and a
    slug's page number lower down is furniture at its own height. The footnote, on one page only,
    is not furniture."""
    note = words(1, 50, 780, "1 Deelproduct Nareis is opgenomen", 8.0) + words(1, 50, 790, "bij Nareizigers", 8.0)
    pages = [body(n) + (note if n == 1 else []) + words(n, 520, 800, str(n)) + words(n, 50, 830, str(n), 4.0)
             for n in (1, 2)]
    assert furniture(read(pages)) == ["1", "1", "2", "2"]


def test_titles_alike_but_for_their_number_at_one_height_are_no_running_header():
    """'Spoor 2' and 'Spoor 4' open pages 7 and 8 at one height, set apart (a panel's title in its own grid
    cell): alike once digits are ignored, but their numbers do not count the pages, so they are titles. A
    page number does count them, and a date stays the same."""
    pages = [words(7, 50, 40, "Spoor 2") + body(7), words(8, 50, 40, "Spoor 4") + body(8)]
    assert furniture(read(pages)) == []
    counted = [words(n, 50, 40, f"Bijgewerkt 28-11-2026 - {n} -") + body(n) for n in (7, 8)]
    assert furniture(read(counted)) == "Bijgewerkt 28-11-2026 - 7 - Bijgewerkt 28-11-2026 - 8 -".split()


def test_a_table_row_or_a_year_header_at_the_top_of_a_page_is_never_furniture():
    """A table flowing onto the next page: its rows of small numbers at the top, apart from what follows;
    and a label's run reaching its first figure (a narrow gap) is still a row."""
    rows = (words(2, 50, 30, "Herhaalde aanvragen") + words(2, 300, 30, "12") + words(2, 340, 30, "15")
            + words(2, 380, 30, "18") + words(2, 50, 41, "Overige aanvragen 1.234") + words(2, 340, 41, "5.678")
            + words(2, 380, 41, "9.012"))
    years = words(1, 300, 30, "2021") + words(1, 340, 30, "2022") + words(1, 380, 30, "2023")
    assert furniture(read([years + body(1)[4:], rows + body(2)[4:]])) == []


def test_a_date_or_an_address_in_a_margin_of_one_page_is_furniture_once_all_else_is_read():
    """On one page only, so not repeated: a date or an address at the top or the foot is a running header
    or footer; a footnote at the foot citing a date is the footnote's (read before, by notes.py)."""
    date = words(1, 50, 10, "Bijgewerkt 28-11-2026, 17:30", 6.0)
    url = words(1, 50, 830, "www.ind.nl/jaarcijfers", 6.0)
    note = words(1, 50, 700, "1 Peildatum 31 december 2023", 6.5)
    reader = read([date + body(1) + note + url])
    assert furniture(reader) == []
    reader.claim(note, Kind.FOOTNOTE)
    read_running_text(reader)
    assert furniture(reader) == [t.text for t in date + url]
    assert {reader.roles[id(t)] for t in note} == {Kind.FOOTNOTE}


def test_a_release_with_its_title_beside_a_running_header_and_numbered_pages(tmp_path, spec_2023):
    """Made by the generator: the issuer and a date (``ISSUER``) at the right of the release title, on its
    line, and ``- n -`` centred at the foot of every page; the release reads back as the golden set."""
    import dataclasses

    gen = generator()
    layout = dataclasses.replace(gen.NAMED["portrait"], running="header", page_number="- {n} -",
                                 page_number_pos="centre")
    raw, release, report = run_pipeline(str(gen.render(spec_2023, layout, tmp_path / "header.pdf")))
    assert [(a.text, a.box) for a in raw.unaccounted] == []
    assert raw.title == "Jaarcijfers - 2023"
    pages = raw.page_count
    furniture_texts = [a.text for a in raw.audit if a.kind is Kind.FURNITURE]
    assert furniture_texts.count("28") == furniture_texts.count("2026") == pages
    assert {str(n) for n in range(1, pages + 1)} <= set(furniture_texts)
    assert_same_dataset(release, golden_frames(), "title beside a running header")
    assert report.ok, [(r.check, r.details[:2]) for r in report.errors]


def test_a_ruled_panels_last_rows_at_one_height_on_two_pages_are_no_running_footer():
    """A top-3 panel in a grid ends two pages at one height, its rows a grid's height apart (wider than a
    line gap, as wide as its lines above keep): its last row, '3. Indiase' on both pages, is the end of the
    panel, not a footer set apart (seed 896's layout, panels aligned left: they were read as furniture, their
    first ranks as footnotes). A footer well below it is furniture."""
    def panel(n: int, second: str) -> list[Token]:
        return (words(n, 400, 300, "Studenten" if n == 1 else "Arbeidsmigranten") + words(n, 400, 321.6, "1. Chinese")
                + words(n, 400, 343.2, f"2. {second}") + words(n, 400, 364.8, "3. Indiase"))

    pages = [body(1) + panel(1, "Amerikaans burger"), body(2) + panel(2, "Oekraïense")]
    assert furniture(read(pages)) == []
    footed = [page + words(n, 50, 800, "IND Jaarcijfers 2023", 6.5) for n, page in zip((1, 2), pages)]
    assert furniture(read(footed)) == 2 * "IND Jaarcijfers 2023".split()
