"""Footnote markers and footnote texts as other tools print them, made by the generator: a marker at full
size on the baseline (glued to its word, a blank apart, or as ``1)``), a footnote id glued to its text
(``1Deelproduct``), each footnote indent style, and a count with its marker glued on (``1902``).

The generator prints them as layout parameters (``markers``, ``marker_space``, ``fn_id``, ``fn_indent``); all
else is the 2023 release in the generator's fixed layouts, which must read back as the golden set."""

from __future__ import annotations

import dataclasses

import pandas as pd
import pytest

from conftest import assert_same_dataset, generator, golden_frames, run_pipeline

gen = generator()


def _layout(name: str, space: str, paren: bool, indent: str):
    """The named layout with markers printed in the word's own font and size on its baseline, ``space``
    after the word; footnote ids at full size (glued to the text when ``space`` is empty), ``indent``:
    ``hanging`` (the next lines under the text), ``first_line`` (the first line indented, the next at the
    margin) or ``flush`` (the next lines at the id)."""
    return dataclasses.replace(gen.NAMED[name], markers="paren" if paren else "baseline", marker_space=bool(space),
                               fn_id="plain" if space else "glued", fn_indent=indent)


def _assert_golden(path, what: str):
    raw, release, report = run_pipeline(str(path))
    assert [(a.text, a.box) for a in raw.unaccounted] == [], what
    assert_same_dataset(release, golden_frames(), what)
    assert report.ok, [(r.check, r.details[:2]) for r in report.errors]
    return raw


@pytest.mark.parametrize(("layout", "space", "paren", "indent"), [
    ("stacked", "", False, "first_line"),  # Familie & Gezin1, 1Deelproduct; the next line left of the id
    ("ruled", " ", True, "flush"),  # Familie & Gezin 1); the next lines at the id, left of the text
    ("nospace", " ", False, "hanging"),  # Gezin 1 without any blank in the text layer
    ("sidebyside", "", True, "first_line"),  # Gezin1); footnotes under tables side by side, read per column
])
def test_full_size_markers_and_footnote_indents(tmp_path, spec_2023, layout, space, paren, indent):
    pdf = gen.render(spec_2023, _layout(layout, space, paren, indent), tmp_path / f"{layout}.pdf")
    raw = _assert_golden(pdf, f"{layout} {indent}")
    family = next(t for t in raw.tables if t.title == "Familie & Gezin")
    assert family.markers == ("1",) and family.printed == f"Familie & Gezin{space}1{')' if paren else ''}"
    assert sorted((f.id for f in raw.footnotes), key=int) == [str(i) for i in range(1, 9)]


def _undotted(spec: dict, value: str) -> dict:
    """The 2023 release with the students' pending count of 2023 (190) printed as ``value``."""
    sections = []
    for section in spec["sections"]:
        tables = []
        for table in section["tables"]:
            rows = [dict(r, values=[value, *r["values"][1:]]) if table["id"] == "students" and r["id"] == "pending"
                    else r for r in table["rows"]]
            tables.append(dict(table, rows=rows))
        sections.append(dict(section, tables=tables))
    return dict(spec, sections=sections)


def test_a_count_with_its_marker_glued_on_is_the_figure_and_the_marker(tmp_path, spec_2023):
    """``1902`` where every other count of 1,000 or more reads 1.902, and footnote 2 exists: 190 and marker 2.
    Regression (issue 18): it was extracted as 1902, exit 0."""
    raw, release, report = run_pipeline(str(gen.render(_undotted(spec_2023, "1902"), "stacked", tmp_path / "a.pdf")))
    assert raw.unaccounted == ()
    obs = release.observations.set_index(["table_id", "metric_id", "year"])
    cell = obs.loc[("students", "pending", 2023)]
    assert (cell["raw"], cell["value"], cell["footnotes"]) == ("190", 190.0, "2")
    # every other cell as in the golden set: no year, footnote id or small count read another way
    values = _golden_values()
    del values[("students", "pending", 2023)]
    assert {k: v for k, v in _values(release).items() if k in values} == values
    assert pd.isna(obs.loc[("students", "pending", 2022), "footnotes"])
    notes = release.footnotes
    assert ("students", "pending") in set(zip(notes[notes.footnote_id == 2].table_id, notes[notes.footnote_id == 2]
                                              .metric_id))
    assert report.ok


def test_an_undotted_count_without_a_footnote_fails_the_audit(tmp_path, spec_2023):
    """``1909``: there is no footnote 9, so it is no figure with a marker, and no plain value either."""
    raw, release, report = run_pipeline(str(gen.render(_undotted(spec_2023, "1909"), "stacked", tmp_path / "b.pdf")))
    assert [a.text for a in raw.unaccounted] == ["1909"]
    assert not report.ok
    assert 2023 not in set(release.observations.query("table_id == 'students' and metric_id == 'pending'").year)


def _dotless(spec: dict) -> dict:
    """The 2023 release printed without thousands dots (``41820``): a release that never uses them."""
    sections = [dict(section, tables=[dict(table, rows=[dict(r, values=[v.replace(".", "") for v in r["values"]])
                                                        for r in table["rows"]])
                                      for table in section["tables"]])
                for section in spec["sections"]]
    return dict(spec, sections=sections)


def _values(release) -> dict:
    """(table, metric, year) -> (value, footnotes) of every observation."""
    obs = release.observations
    return {(t, m, int(y)): (None if pd.isna(v) else float(v), "" if pd.isna(f) else str(f))
            for t, m, y, v, f in zip(obs.table_id, obs.metric_id, obs.year, obs.value, obs.footnotes)}


def _golden_values() -> dict:
    obs = golden_frames()["observations"]
    return {(t, m, int(y)): (float(v) if v else None, f)
            for t, m, y, v, f in zip(obs.table_id, obs.metric_id, obs.year, obs.value, obs.footnotes)}


def test_counts_of_a_release_without_thousands_dots_are_plain_values(tmp_path, spec_2023):
    """The undotted-count rule holds only in a release that writes its thousands with a dot: here ``41820``
    is 41820 (no false alarm), although footnotes 1 to 8 exist and counts end in their ids."""
    raw, release, report = run_pipeline(str(gen.render(_dotless(spec_2023), "stacked", tmp_path / "c.pdf")))
    assert raw.unaccounted == ()
    assert _values(release) == _golden_values()
    assert list(release.observations["footnotes"].fillna("")) == list(golden_frames()["observations"]["footnotes"])
    assert report.ok, [(r.check, r.details[:2]) for r in report.errors]


def _row(label: str, printed: str, markers=("1",)):
    from pipeline.model import Box, RawRow

    return RawRow(label, markers, (), Box(1, 0, 0, 1, 1), printed, tentative=("1",))


@pytest.mark.parametrize(("known", "want"), [
    ({"Spoor 1"}, ("Spoor 1", "Spoor 1", (), False)),  # a label that ends in a number: the number is text
    ({"Spoor"}, ("Spoor", "Spoor", ("1",), False)),  # known without the number: a marker
    (set(), ("Spoor", None, ("1",), False)),  # known neither way: the marker (its footnote exists)
    ({"Spoor", "Spoor 1"}, ("Spoor", "Spoor", ("1",), True)),  # both: ambiguous
])
def test_a_full_size_number_is_decided_against_the_known_labels(known, want):
    from pipeline.normalize import read_tentative

    row = _row("Spoor", "Spoor 1")
    assert read_tentative(row, row.label, row.markers, lambda text: text if text in known else None) == want


def test_an_ambiguous_marker_stops_with_a_line_that_says_so():
    from pipeline.errors import describe
    from pipeline.model import Problem, ProblemKind

    line = describe(Problem(ProblemKind.AMBIGUOUS_MARKER, "Spoor 1", "table asylum, page 2", id="1"))
    assert line == ("'Spoor 1' (table asylum, page 2) ends in a full-size 1: it may be footnote marker 1 or part "
                    "of the text, and schemas/tables.yaml knows both; print the marker raised (or smaller), or "
                    "remove one of the two texts from schemas/tables.yaml.")


def _words(x: float, top: float, text: str, size: float = 8.0, page: int = 1):
    from pipeline.model import Box, Token

    out = []
    for word in text.split():
        width = 0.5 * size * len(word)
        out.append(Token(word, Box(page, x, top, x + width, top + size), size))
        x += width + 0.3 * size
    return out


def test_footnotes_side_by_side_are_read_per_column():
    """Two footnotes on the same lines, under two tables side by side; the next lines flush at the id (left
    column) and hanging under the text (right column)."""
    from pipeline.extract.notes import find_footnotes
    from pipeline.extract.reader import PageReader
    from pipeline.model import Box
    from pipeline.schemas import Schemas

    tokens = (_words(50, 700, "1 Eerste voetnoot loopt") + _words(350, 700, "2 Tweede voetnoot")
              + _words(50, 710, "door tot hier.") + _words(360, 710, "verder hier."))
    reader = PageReader(Schemas().layout, [tokens], [Box(1, 0, 0, 600, 800)])
    notes = find_footnotes(reader, reader.page_lines, {"1", "2"}, {0: 8.0})
    assert [(n.id, n.text) for n in notes] == [("1", "Eerste voetnoot loopt door tot hier."),
                                              ("2", "Tweede voetnoot verder hier.")]


def _two_pages(foot, top):
    """A reader of two pages: ``foot`` at the foot of the first, ``top`` on the second (lists of tokens)."""
    from pipeline.extract.reader import PageReader
    from pipeline.model import Box
    from pipeline.schemas import Schemas

    return PageReader(Schemas().layout, [foot, top], [Box(1, 0, 0, 600, 800), Box(2, 0, 0, 600, 800)])


def test_a_footnote_goes_on_at_the_top_of_the_next_page():
    """The last line of footnote 2 stands alone at the top of the next page, in footnote type and with no
    id: it is footnote 2's, and so are the lines after it in its column, up to the next id."""
    from pipeline.extract.notes import find_footnotes

    reader = _two_pages(_words(50, 700, "1 Eerste voetnoot.") + _words(50, 710, "2 Tweede voetnoot loopt"),
                        _words(60, 40, "door op de volgende", page=2) + _words(50, 50, "pagina.", page=2)
                        + _words(50, 60, "3 Derde voetnoot.", page=2))
    notes = find_footnotes(reader, reader.page_lines, {"1", "2", "3"}, {0: 8.0})
    assert [(n.id, n.text) for n in notes] == [("1", "Eerste voetnoot."),
                                              ("2", "Tweede voetnoot loopt door op de volgende pagina."),
                                              ("3", "Derde voetnoot.")]
    assert not reader.doubtful


def test_a_footnote_line_at_the_top_of_a_page_that_two_footnotes_could_go_on_with_is_left_over():
    """Two footnotes side by side at the foot of a page, and a line in their type across both columns at the
    top of the next: whose it is stays open, so its words are left over (loud), never given to either."""
    from pipeline.extract.assemble import role_of
    from pipeline.extract.notes import find_footnotes
    from pipeline.model import Kind

    top = _words(100, 40, "dit loopt over beide kolommen van de pagina", page=2)
    reader = _two_pages(_words(50, 700, "1 Eerste voetnoot") + _words(220, 700, "2 Tweede voetnoot"), top)
    notes = find_footnotes(reader, reader.page_lines, {"1", "2"}, {0: 8.0})
    assert [(n.id, n.text) for n in notes] == [("1", "Eerste voetnoot"), ("2", "Tweede voetnoot")]
    assert {role_of(reader, t, [], {}) for t in top} == {Kind.LEFT_OVER}


def test_a_small_line_at_the_top_of_a_page_after_a_page_that_ends_with_a_table_is_no_footnote():
    """The page before ends with a row, below its footnote: the footnote ended there; a small line at the top
    of the next page does not go on with it (and, there being no footnote at that foot, is left over)."""
    from pipeline.extract.notes import find_footnotes
    from pipeline.model import Kind

    row = _words(50, 720, "Aanvragen 41.820")
    reader = _two_pages(_words(50, 700, "1 Eerste voetnoot") + row, _words(50, 40, "los woord", page=2))
    reader.claim(row, Kind.LABEL)
    notes = find_footnotes(reader, reader.page_lines, {"1"}, {0: 8.0})
    assert [(n.id, n.text) for n in notes] == [("1", "Eerste voetnoot")]
    assert len(reader.doubtful) == 2


def test_labels_that_differ_only_in_their_number_are_a_sequence_not_markers():
    from pipeline.extract.markers import not_a_sequence

    rows = [_words(50, 100 + 10 * i, text) for i, text in enumerate(["Spoor 1", "Spoor 2", "Spoor 4", "Aanvragen 3"])]
    assert [(c.host.text, c.number.text) for c in not_a_sequence(rows)] == [("Aanvragen", "3")]


def test_a_title_printed_again_with_its_number_is_no_sequence():
    """A title with a full-size marker under a header repeated on the next page: the same text with the same
    number twice is one table's title, so both numbers are candidates; a sequence differs in its numbers."""
    from pipeline.extract.markers import not_a_sequence

    titles = [_words(50, 100, "Ingebrekestellingen 8)"), _words(50, 40, "Ingebrekestellingen 8)", page=2),
              _words(50, 200, "Spoor 1"), _words(50, 300, "Spoor 2")]
    assert [(c.host.text, c.number.text, c.number.box.page) for c in not_a_sequence(titles)] == [
        ("Ingebrekestellingen", "8)", 1), ("Ingebrekestellingen", "8)", 2)]


def test_a_title_known_with_and_without_its_number_stops_as_ambiguous(tmp_path, spec_2023):
    """schemas/ that know both 'Familie & Gezin' and 'Familie & Gezin 1': a full-size 1 after it cannot be
    told apart, so the release stops with the line that says so."""
    import shutil

    from pipeline.errors import describe
    from pipeline.extract import extract_pdf
    from pipeline.model import ProblemKind
    from pipeline.normalize import normalize
    from pipeline.schemas import Schemas
    from pipeline.validate import validate

    schemas_dir = tmp_path / "schemas"
    shutil.copytree(Schemas().dir, schemas_dir)
    tables = schemas_dir / "tables.yaml"
    known = '      - {nl: "Familie & Gezin", seen: [2023]}\n'
    text = tables.read_text(encoding="utf-8")
    assert text.count(known) == 2  # the title, then the panel title
    tables.write_text(text.replace(known, known + '      - {nl: "Familie & Gezin 1", seen: [2023]}\n', 1),
                      encoding="utf-8")
    schemas = Schemas(schemas_dir)
    stacked = dataclasses.replace(gen.NAMED["stacked"], markers="baseline", marker_space=True)
    raw = extract_pdf(gen.render(spec_2023, stacked, tmp_path / "a.pdf"), schemas)
    release = normalize(raw, schemas)
    assert [r.check for r in validate(release, raw, schemas, allow_unmapped=True).errors] == ["footnotes_linked"]
    assert [describe(p) for p in release.problems if p.kind is ProblemKind.AMBIGUOUS_MARKER] == [
        "'Familie & Gezin 1' (title, page 1) ends in a full-size 1: it may be footnote marker 1 or part of the text, "
        "and schemas/tables.yaml knows both; print the marker raised (or smaller), or remove one of the two texts "
        "from schemas/tables.yaml."]


@pytest.mark.parametrize("x, glued, ids", [
    (56.4, False, ["4"]),  # hanging: the line starts where footnote 4's text starts
    (50.0, True, ["4"]),  # flush with the ids, but 4Het has its id glued on and 8 EVRM a blank after it
    (50.0, False, ["4", "8"]),  # flush, both with a blank: ambiguous, a footnote 8 (printed twice, loud)
])
def test_a_footnote_line_starting_with_a_number_goes_on_with_the_footnote(x, glued, ids):
    """Footnote 4's text wraps onto a line that starts with a number (``8 EVRM aanvraag``), and a marker 8
    exists elsewhere: a person reads the line as footnote 4's where it stands in from the ids, or where its
    number is printed otherwise than the ids are."""
    from dataclasses import replace

    from pipeline.extract.notes import find_footnotes
    from pipeline.extract.reader import PageReader
    from pipeline.model import Box
    from pipeline.schemas import Schemas

    first = _words(50, 700, "4 Het betreft een nareis")
    if glued:
        first[1] = replace(first[1], box=replace(first[1].box, x0=first[0].box.x1), glued=True)
    reader = PageReader(Schemas().layout, [first + _words(x, 710, "8 EVRM aanvraag.")], [Box(1, 0, 0, 600, 800)])
    notes = find_footnotes(reader, reader.page_lines, {"4", "8"}, {0: 8.0})
    assert [n.id for n in notes] == ids
    if ids == ["4"]:
        assert notes[0].text == "Het betreft een nareis 8 EVRM aanvraag."


def test_a_footnote_line_flush_with_the_ids_out_of_their_order_goes_on_with_the_footnote_above():
    """``8 EVRM aanvraag.`` flush with the ids and printed as they are, below footnote 4 and before 5, while
    footnote 8 is printed after 7: the release numbers its footnotes in order, so the line is footnote 4's.
    With footnote 8 nowhere else it stays a footnote 8 (the case above: loud when a marker 8 has its text)."""
    from pipeline.extract.notes import find_footnotes
    from pipeline.extract.reader import PageReader
    from pipeline.model import Box
    from pipeline.schemas import Schemas

    lines = [(700, "4 Het betreft een nareis"), (710, "8 EVRM aanvraag."), (720, "5 Het gaat om documenten."),
             (730, "8 Het totaalbedrag aan dwangsommen.")]
    tokens = [t for top, text in lines for t in _words(50, top, text)]
    reader = PageReader(Schemas().layout, [tokens], [Box(1, 0, 0, 600, 800)])
    notes = find_footnotes(reader, reader.page_lines, {"4", "5", "8"}, {0: 8.0})
    assert [(n.id, n.text) for n in notes] == [("4", "Het betreft een nareis 8 EVRM aanvraag."),
                                              ("5", "Het gaat om documenten."),
                                              ("8", "Het totaalbedrag aan dwangsommen.")]
