"""Next year's release: any years, loud drift, and the panel across releases (issue 4)."""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys

import pandas as pd
import pytest

from conftest import (
    ROOT,
    assert_csv_equals_parquet,
    assert_same_dataset,
    generator,
    golden_tools,
    run_pipeline,
)

gen = generator()
REVISED = {  # (table_id, metric_id, year) -> the number the 2024 release prints instead
    ("family_reunification", "applications", 2023): "41.900",
    ("naturalisation", "decisions", 2023): "53.600",
    ("asylum_track_4_general", "pending", 2022): "31.300",
}


def table(spec: dict, table_id: str) -> dict:
    return next(t for s in spec["sections"] for t in s["tables"] if t["id"] == table_id)


def dutch(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def release_2024(spec_2023: dict) -> dict:
    """2024: years shift, the 2023 release's 2023/2022 columns move right, new 2024 values, 3 revisions."""
    spec = copy.deepcopy(spec_2023)
    spec["title"] = "Jaarcijfers - 2024"
    spec["years"] = [2024, 2023, 2022]
    spec["panel_heading"] = spec["panel_heading"].replace("2023", "2024")
    for section in spec["sections"]:
        if section["heading"] == "Juridische Zaken":
            section["page_break_before"] = True  # moved to the next page
        for t in section["tables"]:
            for row in t["rows"]:
                old = row["values"]
                new = old[0] if old[0].endswith("%") or old[0] == "-" else dutch(int(old[0].replace(".", "")) + 7)
                row["values"] = [new, old[0], old[1]]
                for y in (2023, 2022):
                    if (t["id"], row["id"], y) in REVISED:
                        row["values"][2024 - y] = REVISED[(t["id"], row["id"], y)]
    staff = {r["id"]: r for r in table(spec, "staffing")["rows"]}
    staff["total_staff"]["values"][0] = dutch(sum(int(staff[k]["values"][0].replace(".", ""))
                                               for k in ("civil_servants", "external_staff")))
    return spec


def drifted(spec_2023: dict) -> dict:
    """A renamed table, a new row in Documenten, and a new table."""
    spec = copy.deepcopy(spec_2023)
    table(spec, "complaints")["title"] = "Klachten en signalen"
    table(spec, "documents")["rows"].append(
        {"id": "new_document", "label": "Verblijfsdocument nieuw type", "unit": "count",
         "values": ["1.234", "567", "89"]})
    spec["sections"][-1]["tables"].append(
        {"id": "new_table", "title": "Digitale aanvragen", "rows": [
            {"id": "applications", "label": "Aanvragen", "unit": "count", "values": ["12.000", "9.000", "5.000"]},
            {"id": "share", "label": "Aandeel digitaal", "unit": "percent", "values": ["80%", "70%", "60%"]}]})
    return spec


def with_decimals(spec_2023: dict) -> dict:
    """Decimal figures (``11,3``, ``5.067,5``, ``11,3%``) where the 2023 release prints whole ones; the
    staffing totals still add up."""
    spec = copy.deepcopy(spec_2023)
    staff = {r["id"]: r for r in table(spec, "staffing")["rows"]}
    staff["civil_servants"]["values"][0] = "5.067,5"
    staff["total_staff"]["values"][0] = "6.039,5"
    staff["external_staff"]["values"][2] = "11,3"
    staff["total_staff"]["values"][2] = "4.131,3"
    next(r for r in table(spec, "family_reunification")["rows"] if r["id"] == "grant_rate")["values"][0] = "11,3%"
    return spec


def cli(*args):
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.mark.parametrize("layout", ["stacked", "portrait"])
def test_2024_release_extracts_exactly(tmp_path, spec_2023, layout):
    spec = release_2024(spec_2023)
    pdf = gen.render(spec, layout, tmp_path / f"2024-{layout}.pdf")
    raw, release, report = run_pipeline(str(pdf))
    assert release.release_year == 2024 and raw.years == (2024, 2023, 2022)
    assert raw.unaccounted == ()
    assert_same_dataset(release, golden_tools().spec_to_frames(spec), f"2024 {layout}")
    assert report.ok, [(r.check, r.details[:2]) for r in report.errors]


def test_panel_flags_exactly_the_revised_numbers(two_releases):
    out, result = two_releases  # 2023 and 2024 extracted, then `panel`
    assert result.stderr.strip() == (f"{out}: panel of 2 releases, 3 revised numbers -> {out / 'panel'}/ and "
                                     f"{out / 'jaarcijfers.sqlite'}")
    revisions = pd.read_csv(out / "panel" / "revisions.csv", dtype=str, keep_default_na=False)
    got = {(r.table_id, r.metric_id, int(r.year)): (r.old_raw, r.old_release, r.new_raw, r.new_release)
           for r in revisions.itertuples()}
    golden = pd.read_csv(ROOT / "tests/fixtures/golden/2023/observations.csv", dtype=str, keep_default_na=False)
    old = {(r.table_id, r.metric_id, int(r.year)): r.raw for r in golden.itertuples()}
    assert got == {k: (old[k], "2023", v, "2024") for k, v in REVISED.items()}
    panel = pd.read_parquet(out / "panel" / "observations.parquet")
    assert len(panel) == 2 * 324
    flagged = panel[panel["revised"]]
    assert sorted(zip(flagged.table_id, flagged.metric_id, flagged.year, flagged.release_year)) == sorted(
        (*k, 2023) for k in REVISED)


def test_drifted_release_exits_1_naming_each_change(tmp_path, spec_2023):
    pdf = gen.render(drifted(spec_2023), "stacked", tmp_path / "drift.pdf")
    out = tmp_path / "out"
    result = cli("extract", str(pdf), "--out", str(out))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert any(re.fullmatch(rf"{re.escape(str(pdf))}: unknown table title 'Klachten en signalen' \(page \d\): "
                            r"add it to schemas/tables.yaml, or rerun with --allow-unmapped to keep it with "
                            r"mapped = false\.", ln) for ln in lines), lines
    assert any("unknown row label 'Verblijfsdocument nieuw type' (table documents, page" in ln for ln in lines)
    assert any("unknown table title 'Digitale aanvragen'" in ln for ln in lines)
    assert any("the release is incomplete: 1 expected tables are missing: Klachten (complaints)" in ln for ln in lines)
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (out / "2023").iterdir() if p.is_file()) == ["validation.json", "validation.md"]
    report = json.loads((out / "2023" / "validation.json").read_text())
    assert not report["ok"]


def test_drifted_release_with_allow_unmapped_keeps_every_number(tmp_path, spec_2023):
    pdf = gen.render(drifted(spec_2023), "stacked", tmp_path / "drift.pdf")
    out = tmp_path / "out"
    result = cli("extract", str(pdf), "--out", str(out), "--allow-unmapped")
    assert result.returncode == 0, result.stderr
    assert "warning: 4 unmapped items kept with mapped = false" in result.stderr
    obs = pd.read_parquet(out / "2023" / "observations.parquet")
    assert len(obs) == 324 + 3 + 6
    unmapped = obs[~obs["mapped"]]
    assert sorted(set(unmapped["label_nl"])) == ["Aandeel digitaal", "Aanvragen", "Aanvragen en verzoeken",
                                                 "Tijdig afgehandeld", "Verblijfsdocument nieuw type"]
    assert set(unmapped.loc[unmapped.label_nl == "Verblijfsdocument nieuw type", "table_id"]) == {"documents"}
    assert unmapped.loc[unmapped.table_nl == "Digitale aanvragen", "table_id"].isna().all()  # null, not ""
    assert unmapped[["metric_id", "label_en"]].isna().all().all()
    assert set(unmapped.loc[unmapped.label_nl == "Verblijfsdocument nieuw type", "table_en"]) == {
        "Residence documents issued"}
    for name in ("observations", "top_nationalities", "footnotes"):
        assert_csv_equals_parquet(out / "2023", name)


def test_a_table_that_ended_is_no_longer_expected(tmp_path, spec_2023):
    """Recorded in schemas/ with its last year, an absent table is not an error."""
    import shutil

    import yaml

    from pipeline.runner import Options, run_one

    spec = copy.deepcopy(spec_2023)
    for section in spec["sections"]:
        section["tables"] = [t for t in section["tables"] if t["id"] != "chain_service_line"]
    pdf = gen.render(spec, "stacked", tmp_path / "ended.pdf")
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    missing = run_one(str(pdf), Options(out=tmp_path / "a", schemas_dir=schemas))
    assert missing.exit_code == 1 and "1 expected tables are missing: Ketenservicelijn (chain_service_line)" \
        in missing.lines[0]
    tables = yaml.safe_load((schemas / "tables.yaml").read_text(encoding="utf-8"))
    tables["tables"]["chain_service_line"]["last_year"] = 2022
    (schemas / "tables.yaml").write_text(yaml.safe_dump(tables, allow_unicode=True), encoding="utf-8")
    ended = run_one(str(pdf), Options(out=tmp_path / "b", schemas_dir=schemas))
    assert ended.exit_code == 0, ended.lines
    assert len(pd.read_parquet(tmp_path / "b" / "2023" / "observations.parquet")) == 324 - 3


def test_unknown_keys_in_schemas_are_refused(tmp_path):
    import shutil

    from pipeline.errors import ConfigError
    from pipeline.schemas import Schemas

    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas)
    text = (schemas / "tables.yaml").read_text(encoding="utf-8")
    (schemas / "tables.yaml").write_text(text.replace("    titles:", "    title_variants:", 1), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        Schemas(schemas)
    assert err.value.message.startswith(f"{schemas / 'tables.yaml'}: invalid entry at tables.family_reunification")
    assert err.value.exit_code == 2


def test_decimal_figures_are_values(tmp_path, spec_2023):
    spec = with_decimals(spec_2023)
    raw, release, report = run_pipeline(str(gen.render(spec, "stacked", tmp_path / "decimals.pdf")))
    assert raw.unaccounted == ()
    obs = release.observations.set_index(["table_id", "metric_id", "year"])
    assert obs.loc[("staffing", "external_staff", 2021), "value"] == 11.3
    assert obs.loc[("staffing", "civil_servants", 2023), "value"] == 5067.5
    assert obs.loc[("family_reunification", "grant_rate", 2023), "value"] == 11.3
    assert_same_dataset(release, golden_tools().spec_to_frames(spec), "decimals")
    assert report.ok, [(r.check, r.details[:2]) for r in report.errors]


def test_an_unknown_nationality_is_named_with_a_guess_and_kept_with_allow_unmapped(tmp_path, spec_2023):
    """'Indiaase' (a misprint of 'Indiase'): exit 1 naming it and the known name it is close to; with
    --allow-unmapped exit 0, the entry kept with mapped = false and no code or English name."""
    from pipeline.runner import Options, Read, read, run_one

    spec = copy.deepcopy(spec_2023)
    table(spec, "family_reunification")["panel"]["entries"][0] = "Indiaase"
    pdf = gen.render(spec, "stacked", tmp_path / "misprint.pdf")
    once = Read(read(pdf, Options(out=tmp_path)), 0.0)  # read once, run twice
    refused = run_one(str(pdf), Options(out=tmp_path / "a"), already=once)
    assert refused.exit_code == 1
    assert refused.lines == [f"{pdf}: unknown nationality 'Indiaase' (page 1): add it to schemas/nationalities.yaml, "
                             "or rerun with --allow-unmapped to keep it with mapped = false. Or did you mean 'Indiase' "
                             f"(IND)? Page pictures of what was found: {tmp_path / 'a' / '2023' / 'inspect'}/."]
    kept = run_one(str(pdf), Options(out=tmp_path / "b", allow_unmapped=True), already=once)
    assert kept.exit_code == 0, kept.lines
    top = pd.read_parquet(tmp_path / "b" / "2023" / "top_nationalities.parquet")
    entry = top[top["nationality_nl"] == "Indiaase"]
    assert len(top) == 30 and len(entry) == 1 and not entry["mapped"].iloc[0]
    assert entry[["nationality_code", "nationality_en"]].isna().all(axis=None)
    assert entry[["table_id", "table_nl", "rank"]].values.tolist() == [["family_reunification", "Familie & Gezin", 1]]
    assert top.drop(entry.index)["mapped"].all()


def test_did_you_mean_only_for_a_close_text():
    from pipeline.schemas import Schemas

    schemas = Schemas()
    assert schemas.closest_label("family_reunification", "Aanvragn") == ("Aanvragen", "applications")
    assert schemas.closest_title("Naturalisaties") == ("Naturalisatie", "naturalisation")
    assert schemas.closest_title("Klachten en signalen") is None  # a rename, not a misprint
    assert schemas.closest_label("documents", "Verblijfsdocument nieuw type") is None
