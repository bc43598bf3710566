"""The years a release prints must agree: its title's year is the newest year column (issue 12), and year
headers in another order are refused saying what was seen (issue 18)."""

from __future__ import annotations

import copy

import pytest

from conftest import generator, part_of, run_pipeline
from pipeline.errors import InputError, release_failed
from pipeline.extract import extract_pdf
from pipeline.schemas import Schemas

gen = generator()


def first_tables(spec_2023: dict, **changes) -> dict:
    return dict(part_of(spec_2023, 1, 2), **changes)


def test_title_year_other_than_the_newest_column_fails(tmp_path, spec_2023):
    pdf = gen.render(first_tables(spec_2023, title="Jaarcijfers - 2024"), "stacked", tmp_path / "title.pdf")
    raw, release, report = run_pipeline(str(pdf), allow_unmapped=True)  # the absent tables: only warnings
    assert (raw.title_year, raw.years) == (2024, (2023, 2022, 2021))
    assert [r.check for r in report.errors] == ["title_year"]
    error = release_failed(pdf, report, tmp_path)
    assert error.exit_code == 1
    assert error.details == [
        f"{pdf}: the release title 'Jaarcijfers - 2024' names 2024, but the newest year column is 2023: a title "
        f"and tables of different years; check that this is the PDF as published; see {tmp_path}/validation.md."]


@pytest.mark.parametrize("years, seen", [
    ([2021, 2022, 2023], "2021 2022 2023 (page 1, and 1 more like it) are in ascending order"),
    ([2023, 2021, 2019], "2023 2021 2019 (page 1, and 1 more like it) are not three consecutive years, newest first"),
])
def test_year_headers_in_another_order_are_named(tmp_path, spec_2023, years, seen):
    pdf = gen.render(first_tables(spec_2023, years=years), "stacked", tmp_path / "order.pdf")
    with pytest.raises(InputError) as caught:
        extract_pdf(pdf, Schemas())
    assert caught.value.exit_code == 2
    assert caught.value.message == (
        f"{pdf}: no table with three year columns newest first: the year headers {seen}; the reader expects "
        f"the newest year first ({max(years)} {max(years) - 1} {max(years) - 2}). Pass the IND Jaarcijfers PDF "
        "as published, or report the new layout.")
