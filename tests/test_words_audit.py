"""Every word on a page has a role (issue 12): a word left over inside a table, panel or footnote fails the
release like an unaccounted number; a word outside them all is a warning naming it and where it stands."""

from __future__ import annotations

from conftest import RAW_2023, generator, part_of, run_pipeline
from pipeline.errors import describe, release_failed
from pipeline.model import Box, Kind, Problem, ProblemKind

gen = generator()


def test_a_word_left_over_in_a_table_fails_the_release(tmp_path, spec_2023):
    """A line holding only a word under the 2022 column, between two rows: no row, no label, no title."""
    spec = part_of(spec_2023, 1, 2)
    spec["sections"][0]["tables"][0]["rows"].insert(1, {"id": "note", "label": "", "unit": "count",
                                                        "values": ["", "voorlopig", ""]})
    pdf = gen.render(spec, "stacked", tmp_path / "leftover.pdf")
    raw, release, report = run_pipeline(str(pdf), allow_unmapped=True)  # the absent tables: only warnings
    (word,) = [a for a in raw.audit if a.kind is Kind.LEFT_OVER]
    assert word.text == "voorlopig"
    assert [r.check for r in report.errors] == ["words_audit"]
    error = release_failed(pdf, report, tmp_path)
    assert error.exit_code == 1
    box = word.box.as_dict()
    assert error.details == [
        f"{pdf}: word 'voorlopig' on page 1 at ({box['x0']}, {box['top']}, {box['x1']}, {box['bottom']}) is left "
        f"over inside a table, panel or footnote: the layout there was not understood; see "
        f"{tmp_path}/validation.md."]


def test_a_word_in_the_page_margin_is_furniture():
    """The 2023 release prints a lone 'Jaar' in 4 pt at the foot of pages 1 and 3, below everything else."""
    raw, release, report = run_pipeline(str(RAW_2023))
    assert [(a.kind, a.box.page) for a in raw.audit if a.text == "Jaar"] == [(Kind.FURNITURE, 1), (Kind.FURNITURE, 3)]
    assert next(r.verdict for r in report.results if r.check == "stray_words") == "passed"
    assert all(a.kind not in (Kind.LEFT_OVER, Kind.STRAY) for a in raw.audit)


def test_a_stray_word_is_a_warning_naming_it():
    problem = Problem(ProblemKind.STRAY_WORD, "Toelichting", box=Box(2, 40.0, 300.5, 90.25, 309.0))
    assert describe(problem) == ("word 'Toelichting' on page 2 at (40.0, 300.5, 90.25, 309.0) stands outside every "
                                 "table, panel and footnote: it is in no output.")
