"""The 2023 release, from raw/ and from the shared reconstruction, equals the golden set exactly."""

import pandas as pd
import pytest

from conftest import RAW_2023, RECONSTRUCTION, comparable, read_golden, run_pipeline

PDFS = {"raw": RAW_2023, "reconstruction": RECONSTRUCTION}


def test_golden_counts():
    obs = read_golden("observations")
    assert len(obs) == 324
    assert (obs["raw"] == "-").sum() == 2
    assert len(read_golden("top_nationalities")) == 30
    assert read_golden("footnotes")["footnote_id"].nunique() == 8


@pytest.mark.parametrize("which", PDFS)
@pytest.mark.parametrize("table", ["observations", "top_nationalities", "footnotes"])
def test_extraction_equals_golden(which, table):
    _, release, _ = run_pipeline(str(PDFS[which]))
    got = comparable(getattr(release, table), table)
    want = comparable(read_golden(table), table)
    pd.testing.assert_frame_equal(got, want)


@pytest.mark.parametrize("which", PDFS)
def test_every_check_passes(which):
    raw, release, report = run_pipeline(str(PDFS[which]))
    verdicts = {r.check: r.verdict for r in report.results}
    assert report.ok, [r for r in report.results if r.verdict == "failed"]
    assert verdicts["numbers_audit"] == "passed"
    assert verdicts["staffing_total"] == "passed"
    assert verdicts["first_asylum_within_tracks"] == "passed"
    assert verdicts["pending_flow"] == "warning"  # cases move between tracks: a gap is expected
    assert raw.unaccounted == ()


@pytest.mark.parametrize("which", PDFS)
def test_known_values_and_positions(which):
    _, release, _ = run_pipeline(str(PDFS[which]))
    obs = release.observations.set_index(["table_id", "metric_id", "year"])
    assert obs.loc[("family_reunification", "applications", 2023), "value"] == 41820
    assert obs.loc[("family_reunification", "applications", 2023), "footnotes"] == "1"
    assert obs.loc[("family_reunification", "grant_rate", 2023), "value"] == 89
    assert pd.isna(obs.loc[("documents", "o_document", 2021), "value"])
    assert obs.loc[("documents", "o_document", 2021), "raw"] == "-"
    assert obs.loc[("staffing", "total_staff", 2023), "unit"] == "fte"
    assert (release.observations["page"] >= 1).all()
    assert (release.observations["x0"] < release.observations["x1"]).all()
    assert (release.observations["top"] < release.observations["bottom"]).all()
    top = release.top_nationalities
    spoor4 = top[(top.table_id == "asylum_track_4_general") & (top["rank"] == 3)].iloc[0]
    assert (spoor4.nationality_nl, spoor4.nationality_code) == ("Eritese", "ERI")


@pytest.mark.parametrize("which", PDFS)
def test_top_nationalities_join_observations_without_loss(which):
    """table_nl is the title of the panel's table as in observations (6 of the 10 panel headings differ)."""
    _, release, _ = run_pipeline(str(PDFS[which]))
    top, obs = release.top_nationalities, release.observations
    tables = obs[["table_id", "table_nl"]].drop_duplicates()
    joined = top.merge(tables, on=["table_id", "table_nl"], how="inner", validate="many_to_one")
    assert len(joined) == len(top) == 30
    assert (top["table_nl"] != top["panel_nl"]).sum() == 6 * 3
    spoor1 = top[top.table_id == "asylum_track_1_dublin"].iloc[0]
    assert (spoor1.panel_nl, spoor1.table_nl) == ("Spoor 1", "Spoor 1 - Asielaanvragen voor een ander Europees "
                                                              "land o.b.v. de Dublin verordening")
    assert top["mapped"].all() and top["nationality_en"].notna().all()
