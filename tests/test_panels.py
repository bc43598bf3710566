"""A top-3 panel belongs to the table it stands beside, above or below on the page, whatever its heading says
(CONTRACT.md, issue 12)."""

from __future__ import annotations

import re
from dataclasses import replace
import subprocess
import sys

import pandas as pd
import pytest

from conftest import ROOT, generator, part_of, run_pipeline
from pipeline.errors import describe
from pipeline.extract.geometry import RANK_STEP
from pipeline.extract.placement import Candidate, candidates_of, place_panels, release_side
from pipeline.extract.rankings import _before_next_column, find_panels, on_the_lines_between
from pipeline.extract.reader import PageReader
from pipeline.extract.words import Line
from pipeline.model import Box, Problem, ProblemKind, Ranking, RankingEntry, Token

gen = generator()


def renamed(spec_2023: dict) -> dict:
    """Familie & Gezin renamed, its panel too: neither title is in schemas/. Only the first section (quick;
    the absent tables are warnings under --allow-unmapped)."""
    spec = part_of(spec_2023, 1)
    t = next(t for s in spec["sections"] for t in s["tables"] if t["id"] == "family_reunification")
    t["title"] = "Gezinsmigratie en partners"
    t["panel"]["title"] = "Gezinsmigratie"
    return spec


def test_renamed_table_keeps_its_panel_under_allow_unmapped(tmp_path, spec_2023):
    """The panel stands below its table (the ruled layout: each panel its own grid below its table, the
    next table just under it), so it is read by its place, not its heading."""
    pdf = gen.render(renamed(spec_2023), "ruled", tmp_path / "renamed.pdf")
    out = tmp_path / "out"
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(pdf), "--out", str(out),
                             "--allow-unmapped"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    top = pd.read_parquet(out / "2023" / "top_nationalities.parquet")
    panel = top[top["panel_nl"] == "Gezinsmigratie"]
    assert panel["nationality_nl"].tolist() == ["Indiase", "Turkse", "Russische"]
    assert set(panel["table_nl"]) == {"Gezinsmigratie en partners"}
    assert panel["table_id"].isna().all() and not panel["mapped"].any()
    others = top[top["panel_nl"] != "Gezinsmigratie"]
    assert others["mapped"].all() and len(others) == 9
    assert set(others.loc[others["panel_nl"] == "Kennis en Talent", "table_id"]) == {"knowledge_and_talent"}


def test_renamed_table_above_its_table(tmp_path, spec_2023):
    """The portrait layout: each panel a block above its table, at the right."""
    raw, release, report = run_pipeline(str(gen.render(renamed(spec_2023), "portrait", tmp_path / "p.pdf")),
                                        allow_unmapped=True)
    assert report.ok, [(r.check, r.details[:2]) for r in report.errors]
    top = release.top_nationalities
    assert set(top.loc[top["panel_nl"] == "Gezinsmigratie", "table_nl"]) == {"Gezinsmigratie en partners"}


def _panel(title: str, x0: float, top: float) -> Ranking:
    entries = tuple(RankingEntry(i + 1, "Syrische", Box(1, x0, top + 10 * i, x0 + 40, top + 10 * i + 8))
                    for i in range(3))
    return Ranking(title, 2023, entries, Box(1, x0, top - 10, x0 + 40, top + 28))


def test_a_panel_by_no_table_is_loud():
    extents = [{1: Box(1, 50, 100, 300, 160)}]
    (panel,) = place_panels([_panel("Asiel", 400, 600)], extents, ["Nieuwe asielaanvragen"])
    assert panel.table is None
    problem = Problem(ProblemKind.PANEL_WITHOUT_TABLE, panel.title, panel.placement, box=panel.box)
    assert describe(problem) == (
        "top-3 panel 'Asiel' on page 1 at (400, 590, 440, 628) stands beside, above or below no table: a panel "
        "belongs to the table it stands beside, above or below; the layout there was not understood.")


@pytest.mark.parametrize("gap_left", [20, 60])
def test_a_panel_between_two_tables_side_by_side(gap_left):
    """A panel between two tables on the same lines, even nearer the right one, belongs to the left one when
    the release's other panel stands right of its table: a release places its panels one way."""
    left, right = Box(1, 50, 100, 300, 160), Box(1, 300 + gap_left + 40 + 20, 100, 700, 160)
    panels = [_panel("X", 300 + gap_left, 110), _panel("Y", 720, 110)]
    placed = place_panels(panels, [{1: left}, {1: right}], ["A", "B"])
    assert [(p.table, p.placement) for p in placed] == [(0, "right of"), (1, "right of")]


def test_a_panel_just_below_a_narrow_table_off_its_side():
    """Small type: a panel set at the right of its table's slot stands below the table but right of its
    values, before the next table: it belongs to the table above (the release's other panel does the same);
    below two tables side by side, as near to both, it is loud."""
    tables = [{1: Box(1, 50, 100, 200, 160)}, {1: Box(1, 50, 220, 200, 280)}]
    panels = [_panel("A", 300, 175), _panel("B", 300, 295)]
    placed = place_panels(panels, tables, ["A", "B"])
    assert [(p.table, p.placement) for p in placed] == [(0, "below"), (1, "below")]
    side_by_side = [{1: Box(1, 50, 100, 200, 160)}, {1: Box(1, 420, 100, 560, 160)}]
    (panel,) = place_panels([_panel("X", 300, 175)], side_by_side, ["A", "B"])
    assert panel.table is None and panel.placement.startswith("stands as near to table")
    assert "'A' (below it)" in panel.placement and "'B' (below it)" in panel.placement


def test_a_panel_in_its_column_nearer_the_next_columns_table_stands_as_the_others_do():
    """Two columns of tables, each panel set above its table at the right of its column: the left column's
    panel stands nearer the right column's table (a narrow gutter) than its own. The release's other panels
    stand 310 pt right of their tables' left edge and 55 pt above them: so does this one, to its own table
    only (seed 184)."""
    a, b, c = Box(1, 50, 155, 273, 229), Box(1, 433, 155, 656, 229), Box(1, 50, 455, 273, 529)
    panels = [_panel("X", 360, 110), _panel("Y", 743, 110), _panel("Z", 360, 410)]
    placed = place_panels(panels, [{1: a}, {1: b}, {1: c}], ["A", "B", "C"])
    assert [(p.table, p.placement) for p in placed] == [(0, "above"), (1, "above"), (2, "above")]
    (alone,) = place_panels(panels[:1], [{1: a}, {1: b}], ["A", "B"])  # no other panel to go by: loud
    assert alone.table is None and alone.placement.startswith("stands as near to table")


def test_a_panel_below_the_shorter_of_two_tables_side_by_side_stands_as_the_others_do():
    """Two columns, each panel below its table at the right of its column, each row of panels below the
    taller table of its row: the left table is shorter, so its panel stands nearer the right table's foot
    than its own (and is no tie). The other panels stand 310 pt right of their tables' left edge and 105 pt
    below their tops, most of them: so does this one, to its own table (seed 753)."""
    a, b = Box(1, 50, 100, 273, 160), Box(1, 433, 100, 656, 200)
    c, d = Box(1, 50, 400, 273, 500), Box(1, 433, 400, 656, 500)
    panels = [_panel("A", 360, 215), _panel("B", 743, 215), _panel("C", 360, 515), _panel("D", 743, 515)]
    placed = place_panels(panels, [{1: a}, {1: b}, {1: c}, {1: d}], ["A", "B", "C", "D"])
    assert [(p.table, p.placement) for p in placed] == [(0, "below"), (1, "below"), (2, "below"), (3, "below")]


def test_a_panel_alone_on_a_page_between_two_tables_follows_the_one_before_when_panels_stand_below():
    """A table ends page 1, its panel (set below its tables, at the right) is broken onto page 2, which holds
    nothing else, and the next table opens page 3: across either break, right of both. In a release whose
    panels stand below their tables it is the panel of the table before (seed 361)."""
    def on(page: int, panel: Ranking) -> Ranking:
        def moved(b: Box) -> Box:
            return Box(page, b.x0, b.top, b.x1, b.bottom)
        return replace(panel, box=moved(panel.box), entries=tuple(replace(e, box=moved(e.box)) for e in panel.entries))

    tables = [{1: Box(1, 50, 700, 300, 780)}, {3: Box(3, 50, 60, 300, 120)}, {3: Box(3, 50, 300, 300, 360)},
              {4: Box(4, 50, 100, 300, 160)}]
    broken, others = on(2, _panel("P", 500, 70)), [on(3, _panel("R", 200, 380)), on(4, _panel("S", 200, 180))]
    placed = place_panels([broken, *others], tables, ["P", "Q", "R", "S"])
    assert [p.table for p in placed] == [0, 2, 3]


def test_a_panel_at_the_right_between_a_table_above_and_one_below_follows_the_release_side():
    """One column of tables at the left, each panel below its table at the right of the page. The tables of
    pages 2 and 3 end their page, and their panels open the next page (the next table below them): the panels
    come after their tables.
    On page 1 a panel stands below table A and above table B, off both their sides, nearer B: B is below it
    in its flow (nothing runs beside the panel), so the panel ends no page, and it follows the table before
    it, as the release's others do (held-out seed 896). With another panel beside it in B's column, B is in
    a column of its own: the panel ends its column, and B's part on page 2 is across the break."""
    def at(page: int, panel: Ranking) -> Ranking:
        def moved(b: Box) -> Box:
            return Box(page, b.x0, b.top, b.x1, b.bottom)
        return replace(panel, box=moved(panel.box), entries=tuple(replace(e, box=moved(e.box)) for e in panel.entries))

    tables = [{1: Box(1, 50, 100, 300, 250)}, {1: Box(1, 50, 330, 300, 500), 2: Box(2, 50, 60, 300, 700)},
              {3: Box(3, 50, 260, 300, 700)}, {4: Box(4, 50, 260, 300, 400)}]
    panels = [_panel("A", 600, 300), at(3, _panel("B", 600, 70)), at(4, _panel("C", 600, 70))]
    placed = place_panels(panels, tables, ["A", "B", "C", "D"])
    assert [p.table for p in placed] == [0, 1, 2]
    boxes = [p.box for p in panels]
    assert [(c.table, c.where, c.across) for c in candidates_of(panels[0], tables, boxes)] == [
        (1, "above", 0), (0, "below", 0)]
    beside = Box(1, 50, 260, 300, 325)  # another panel's block beside this one, in the column B is in
    assert (1, "right of", 1) in [(c.table, c.where, c.across)
                                  for c in candidates_of(panels[0], tables, [*boxes, beside])]


def test_a_panel_ending_its_page_below_its_table_follows_it_not_the_table_opening_the_next_page():
    """As above, but table B opens page 2: the panel of A is the last thing on page 1, below A off its side.
    Across the break it stands 'right of' B with no gap at all; but a gap across a break says nothing against
    one on the page, and the release's other panels come after their tables: so does this one."""
    def at(page: int, panel: Ranking) -> Ranking:
        def moved(b: Box) -> Box:
            return Box(page, b.x0, b.top, b.x1, b.bottom)
        return replace(panel, box=moved(panel.box), entries=tuple(replace(e, box=moved(e.box)) for e in panel.entries))

    tables = [{1: Box(1, 50, 100, 300, 250)}, {2: Box(2, 50, 60, 300, 700)}, {3: Box(3, 50, 260, 300, 700)},
              {4: Box(4, 50, 260, 300, 700)}, {5: Box(5, 50, 260, 300, 400)}]
    panels = [_panel("A", 600, 300), *(at(page, _panel(t, 600, 70)) for page, t in ((3, "B"), (4, "C"), (5, "D")))]
    placed = place_panels(panels, tables, ["A", "B", "C", "D", "E"])
    assert [(p.table, p.placement) for p in placed] == [(0, "below"), (1, "right of"), (2, "right of"),
                                                        (3, "right of")]


@pytest.mark.parametrize("ways, best, side", [
    ([("below", 0), ("right of", -1), ("right of", -1)], "right of", -1),  # after their tables
    ([("above", 0), ("right of", 1)], "right of", 1),  # before them
    ([("below", 0), ("above", 0)], "below", 0),  # neither clearly
    ([("right of", 0)], "below", -1),  # none placed above or below: as the reading says
    ([], "above", 1),
    ([], "right of", 0),
])
def test_the_side_a_release_sets_its_panels_on(ways, best, side):
    assert release_side([Candidate(0, where, 10.0, across=across) for where, across in ways], best) == side


def _line(*words: tuple[str, float], top: float) -> Line:
    return Line(tuple(Token(w, Box(1, x, top, x + 6 * len(w), top + 8.0), 8.0) for w, x in words))


def test_ranks_on_the_lines_of_a_table_with_a_wrapped_title():
    """A panel right of its table on the table's lines: the 1. on the years' line, the 2. on the first row
    after a title wrapped to four lines (far more than a rank step apart). Nothing stands between them in
    the ranks' column and the lines run on: consecutive. A blank stretch, or a word in the column, parts them."""
    lines = [_line(("Spoor", 50), ("2023", 200), ("1.", 300), ("Syrische", 312), top=100),
             *(_line(("asiel", 50), top=100 + 12 * k) for k in range(1, 5)),
             _line(("Aanvragen", 50), ("1.040", 200), ("2.", 300), ("Turkse", 312), top=160)]
    first, second = lines[0].tokens[2], lines[-1].tokens[2]
    assert second.box.top - first.box.top > RANK_STEP * first.size
    assert on_the_lines_between(lines, 0, 5, first, RANK_STEP)
    gap = [lines[0], lines[1], _line(("Aanvragen", 50), ("2.", 300), top=190)]
    assert not on_the_lines_between(gap, 0, 2, first, RANK_STEP)
    crossed = [lines[0], _line(("asiel", 50), ("x", 301), top=112), *lines[2:]]
    assert not on_the_lines_between(crossed, 0, 5, first, RANK_STEP)


def test_a_long_name_ends_where_the_labels_beside_the_panel_start():
    """A panel close left of its table: ``Amerikaans burger`` ends a word's gap before ``Beslissingen``,
    which starts where the labels on the other ranks' lines start; the name ends there. A name with no such
    column beside it keeps all its words."""
    lines = [_line(("1.", 50), ("Chinese", 62), ("Aanvragen", 160), top=100),
             _line(("2.", 50), ("Amerikaans", 62), ("burger", 126), ("Beslissingen", 164), top=112),
             _line(("3.", 50), ("Indiase", 62), ("In", 160), top=124)]
    names = [list(ln.tokens[1:]) for ln in lines]
    names[0], names[2] = names[0][:1], names[2][:1]  # the run after a rank stops at a column's gap
    cut = _before_next_column(names, lines)
    assert [[t.text for t in n] for n in cut] == [["Chinese"], ["Amerikaans", "burger"], ["Indiase"]]
    alone = [_line(("1.", 50), ("Amerikaans", 62), ("burger", 126), top=100)]
    assert [t.text for t in _before_next_column([list(alone[0].tokens[1:])], alone)[0]] == ["Amerikaans", "burger"]


def test_a_panel_names_words_a_hair_apart_in_height_keep_their_order():
    """Words placed one by one: 'burger' stands 0.01 pt higher than 'Amerikaans' on the same line (their
    tops on either side of a half point). A person reads the line left to right: 'Amerikaans burger'."""
    from pipeline.schemas import Schemas

    def tok(text, x, top):
        return Token(text, Box(1, x, top, x + 5 * len(text), top + 6.5), 6.5)

    tokens = [tok("Studenten", 60, 468.0), tok("1.", 61, 476.2), tok("Chinese", 68, 476.2),
              tok("2.", 61, 484.496), tok("Amerikaans", 68, 484.503), tok("burger", 124, 484.495),
              tok("3.", 61, 492.6), tok("Indiase", 68, 492.6)]
    reader = PageReader(Schemas().layout, [tokens], [Box(1, 0, 0, 600, 800)])
    (panel,) = find_panels(reader, reader.page_lines[0], [], [])
    assert [e.text for e in panel.entries] == ["Chinese", "Amerikaans burger", "Indiase"]
    assert panel.title == "Studenten"


@pytest.mark.parametrize("params", [{"rules": "grid", "label_chars": 18},
                                    {"rules": "rows", "label_chars": 18, "leading": 12.0}])
def test_a_panel_beside_a_tall_wrapped_title_keeps_its_title(tmp_path, spec_2023, params):
    """A panel on its table's rows: its title on the years' line, its first rank on the first row, the
    table's title wrapped over five lines between them (more than six font sizes: a ruled grid's padded
    header cell, or a looser leading). The title is the panel's however far the wrapped title pushes the
    first row down."""
    from pipeline.extract import extract_pdf
    from pipeline.schemas import Schemas

    spec = dict(spec_2023, sections=sorted(spec_2023["sections"], key=lambda s: not any(
        t["title"].startswith("Spoor 1") for t in s["tables"])))
    raw = extract_pdf(gen.render(part_of(spec, 1), gen.from_dict(params), tmp_path / "p.pdf"), Schemas())
    assert not raw.unaccounted
    panel = next(p for p in raw.panels if [e.text for e in p.entries] == ["Syrische", "Algerijnse", "Marokkaanse"])
    assert panel.title == "Spoor 1"
    first = panel.entries[0].box
    assert first.top - panel.box.top > 6 * 8.0  # the title stands beyond the fixed reach


class _Reader:
    """Just what ``find_panels`` asks of the reader: the roles given so far, the panel heading's pattern and
    the raised ids before words (none here)."""

    def __init__(self) -> None:
        self.roles: dict[int, object] = {}
        self.prefix: dict[int, object] = {}
        self.layout = type("Layout", (), {"panel_heading": re.compile(r"^Top 3")})()

    def unclaimed(self, tokens):
        return [t for t in tokens if id(t) not in self.roles]

    def claim(self, tokens, kind) -> None:
        self.roles.update((id(t), kind) for t in tokens)


def _paged(page: int, *words: tuple[str, float], top: float) -> Line:
    return Line(tuple(Token(w, Box(page, x, top, x + 6 * len(w), top + 8.0), 8.0) for w, x in words))


@pytest.mark.parametrize("repeated", [True, False])
def test_a_panel_broken_after_its_first_rank_goes_on_at_the_top_of_the_next_page(repeated):
    """A panel on its table's lines, the page ending after its 1.: its 2. and 3. open its column on the next
    page, under its title printed again with the repeated header (or not). The footnote text below the 1.
    runs across the page, one of its words starting at the ranks' x: no item of the panel's column."""
    page = [_paged(1, ("Spoor", 50), ("2023", 200), ("Spoor", 300), ("1", 336), top=100),
            _paged(1, ("Aanvragen", 50), ("7.270", 200), ("1.", 300), ("Syrische", 312), top=112),
            _paged(1, ("2", 50), ("a" * 39, 63), ("sporen", 300), ("1,", 339), top=200)]
    title = [_paged(2, ("Spoor", 50), ("2023", 200), ("Spoor", 300), ("1", 336), top=50)] if repeated else []
    nxt = [*title, _paged(2, ("Beslissingen", 50), ("6.150", 200), ("2.", 300), ("Algerijnse", 312), top=62),
           _paged(2, ("In", 50), ("4.030", 200), ("3.", 300), ("Marokkaanse", 312), top=74)]
    (panel,) = find_panels(_Reader(), page, [], nxt)
    assert panel.title == "Spoor 1"
    assert [(e.rank, e.text, e.box.page) for e in panel.entries] == [
        (1, "Syrische", 1), (2, "Algerijnse", 2), (3, "Marokkaanse", 2)]
    column = [page[0], page[1], _paged(1, ("Eerste", 300), top=124)]  # the column goes on: no break
    assert find_panels(_Reader(), column, [], nxt) == []


def test_a_panel_broken_after_its_second_rank_under_a_header_repeating_its_first_entry():
    """A panel whose 1. stands on its table's header line: the header repeated on the next page carries
    ``1. Syrische`` again above the 3. It is the original entry repeated (claimed as such later, from the
    table's head), passed over here: the panel is 1., 2. on this page and the 3. on the next."""
    page = [_paged(1, ("Spoor", 50), ("2023", 200), ("1.", 300), ("Syrische", 312), top=100),
            _paged(1, ("Aanvragen", 50), ("7.270", 200), ("2.", 300), ("Algerijnse", 312), top=112)]
    nxt = [_paged(2, ("Spoor", 50), ("2023", 200), ("1.", 300), ("Syrische", 312), top=50),
           _paged(2, ("Beslissingen", 50), ("6.150", 200), ("3.", 300), ("Marokkaanse", 312), top=62)]
    reader = _Reader()
    (panel,) = find_panels(reader, page, [], nxt)
    assert [(e.rank, e.text, e.box.page) for e in panel.entries] == [
        (1, "Syrische", 1), (2, "Algerijnse", 1), (3, "Marokkaanse", 2)]
    assert id(nxt[0].tokens[2]) not in reader.roles
