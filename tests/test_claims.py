"""`jaarcijfers claims` on the 2023 press release, against the 2023 release extracted once per session.

The golden CSV beside the fixture pins every figure's verdict and cells (each checked by hand against the seed
tables: tests/fixtures/claims/README.md). Property tests rewrite the text: one rounding step on any checked figure
makes it contradicted (and the run exit 1); no rewrite gets a not_in_data figure matched to a cell.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from conftest import FIXTURES, RAW_2023, ROOT
from pipeline.claims.figures import scan_sentence
from pipeline.claims.lexicon import load_lexicon
from pipeline.claims.runner import check_sentences, exit_code
from pipeline.claims.tables import read_release
from pipeline.claims.text import Sentence, read_sentences
from pipeline.claims.tokens import parse_dutch_number
from pipeline.cli import cli
from pipeline.contract import CLAIMS
from pipeline.errors import InputError

CLAIMS_DIR = FIXTURES / "claims"
TXT = CLAIMS_DIR / "ind-persbericht-2023.txt"
HTML = CLAIMS_DIR / "ind-persbericht-2023.html"
GOLDEN = CLAIMS_DIR / "ind-persbericht-2023.csv"
LEX = load_lexicon()
SENTENCES = read_sentences(TXT)


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    """The 2023 release, extracted once: DIR/2023/observations.parquet as `jaarcijfers extract` writes it."""
    from pipeline.runner import Options, run_one

    out = tmp_path_factory.mktemp("claims-out")
    outcome = run_one(str(RAW_2023), Options(out=out))
    assert outcome.exit_code == 0, outcome.lines
    return out


@pytest.fixture(scope="module")
def release(out):
    return read_release(out / "2023" / "observations.parquet", 2023)


@pytest.fixture(scope="module")
def baseline(release):
    return check_sentences(SENTENCES, LEX, release, 2023)


def claims_cli(*args: str):
    return CliRunner().invoke(cli, ["claims", *args])


@pytest.mark.parametrize("text", [TXT, HTML], ids=["txt", "html"])
def test_every_figure_of_the_press_release_has_its_pinned_verdict_and_cells(text, out, tmp_path):
    result = claims_cli(str(text), "--out", str(out))
    assert result.exit_code == 1  # c01: 'bijna twee keer zoveel' is 1.64 times (60.310 / 36.710)
    csv = out / "claims" / "ind-persbericht-2023.csv"
    assert csv.read_text(encoding="utf-8") == GOLDEN.read_text(encoding="utf-8")
    assert result.output == (
        f"{text}: 22 figures: 16 supported, 1 contradicted, 5 not in the tables (release 2023) -> "
        f"{out / 'claims' / 'ind-persbericht-2023'}.csv, .md\n"
        f"{text}: c01 contradicted: 'bijna twee keer zoveel': the tables give 1.643 (court_cases_residence/"
        f"cases_received/2023;court_cases_residence/cases_received/2022); see "
        f"{out / 'claims' / 'ind-persbericht-2023.md'}.\n")


def test_claims_csv_has_the_contract_columns_and_md_reads_as_a_fact_check(out):
    claims_cli(str(TXT), "--out", str(out))
    df = pd.read_csv(out / "claims" / "ind-persbericht-2023.csv")
    assert list(df.columns) == ["claim_id", "sentence", "quote", "stated_value", "qualifier", "verdict",
                                "data_value", "cells", "rule"] == [c.name for c in CLAIMS]
    md = (out / "claims" / "ind-persbericht-2023.md").read_text(encoding="utf-8")
    assert "## c04: bijna 35 duizend (supported)\n\n> In totaal heeft de dienst **bijna 35 duizend** " in md
    assert ("- cells: asylum_track_1_dublin/decisions/2023 = 6150; asylum_track_2_safe_country/decisions/2023 = "
            "1160; asylum_track_4_general/decisions/2023 = 27670\n") in md
    assert "- not in the tables: compared with what the tables do not print ('gepland')" in md


def test_no_figure_in_the_text_is_missed(baseline):
    """An audit like extract's: every number written in the text is a year, a date's day, or in a claim's quote."""
    quoted = {(c.sentence, i) for c in baseline for i in range(*c.span)}
    for s in SENTENCES:
        for m in re.finditer(r"\d+(?:[.,]\d+)*", s.text):
            year = re.fullmatch(r"(19|20)\d\d", m.group())
            day = re.match(r"\s+(februari|december)", s.text[m.end():])
            assert year or day or (s.text, m.start()) in quoted, f"{m.group()!r} in {s.text!r}"


def test_not_in_data_figures_are_never_matched(baseline):
    missing = [c for c in baseline if c.verdict == "not_in_data"]
    assert [c.quote for c in missing] == ["zo’n 8,5 duizend", "11,3 miljoen euro", "9 maanden", "6 maanden",
                                          "15 maanden"]
    assert all(c.cells == "" and c.data_value == "" for c in missing)


@pytest.mark.parametrize("sentence, verdict, cells", [
    # a change between years, a ratio, a relative change, a share: simple aggregates, one reading each
    ("De IND ontving in 2023 8.840 meer ingebrekestellingen dan in 2022.", "supported",
     "notices_of_default/received/2023;notices_of_default/received/2022"),
    ("De IND ontving in 2023 ruim 1,4 keer zoveel ingebrekestellingen als in 2022.", "supported",
     "notices_of_default/received/2023;notices_of_default/received/2022"),
    ("Dat is een stijging van 45% ten opzichte van 2022 voor ingebrekestellingen.", "supported",
     "notices_of_default/received/2023;notices_of_default/received/2022"),
    ("Bij naturalisatie waren eind 2023 bijna 10 duizend minder zaken in behandeling dan een jaar eerder.",
     "supported", "naturalisation/pending/2023;naturalisation/pending/2022"),
    ("De helft van de aanvragen voor arbeidsmigranten werd in 2023 ingewilligd.", "contradicted",
     "labour_migrants/grant_rate/2023"),
    # 34.980 is a sum of cells, but nothing says of which: never searched for
    ("In 2023 waren het er 34.980.", "not_in_data", ""),
    ("De IND verwacht in 2024 ruim 60 duizend asielaanvragen.", "not_in_data", ""),
])
def test_aggregates_follow_the_words(sentence, verdict, cells, release):
    (claim,) = check_sentences([Sentence(sentence, 0, "")], LEX, release, 2023)
    assert (claim.verdict, claim.cells) == (verdict, cells)


# --- property tests: rewriting the text --------------------------------------------------------------------


def _rewrite(sentence: Sentence, quote_start: int, k: int) -> tuple[Sentence, int, float] | None:
    """The sentence with the figure whose quote starts at quote_start moved by k rounding steps (a fraction: to
    another fraction); with the figure's place among the sentence's figures and its step u."""
    scan = scan_sentence(sentence, LEX, 2023)
    (place,) = [n for n, f in enumerate(scan.figures) if scan.tokens[f.first].start == quote_start]
    f = scan.figures[place]
    token = scan.tokens[f.core]
    start, end = token.start, token.end
    if scan.quote(f).lower() in LEX.data.numbers.fractions:
        others = sorted((abs(v.value - f.value), p) for p, v in LEX.data.numbers.fractions.items()
                        if abs(v.value - f.value) >= v.step)
        new = others[abs(k) % len(others)][1]
        start, end = token.start, scan.tokens[f.last].end
        new = new.capitalize() if token.text[0].isupper() else new
    elif token.kind == "word":
        by_value = {v: w for w, v in LEX.words.items()}
        new = by_value.get(LEX.words[token.norm] + k)
        if new is None:
            return None
    else:
        value, decimals = parse_dutch_number(token.text)
        moved = value + k * f.step * value / f.value  # the step in the token's own unit (before "duizend")
        if moved <= 0:
            return None
        new = f"{moved:,.{decimals}f}".replace(",", " ").replace(".", ",").replace(" ", ".")
    return replace(sentence, text=sentence.text[:start] + new + sentence.text[end:]), place, f.step


def _step_after(sentence: Sentence, place: int) -> float:
    return scan_sentence(sentence, LEX, 2023).figures[place].step


def _checked(claims, verdicts):
    return [i for i, c in enumerate(claims) if c.verdict in verdicts]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_one_rounding_step_on_a_checked_figure_contradicts_it(data, baseline, release):
    i = data.draw(st.sampled_from(_checked(baseline, ("supported", "contradicted"))), label="claim")
    k = data.draw(st.integers(-12, 12).filter(bool), label="steps")
    claim = baseline[i]
    (n,) = [n for n, s in enumerate(SENTENCES) if s.text == claim.sentence]
    rewritten = _rewrite(SENTENCES[n], claim.span[0], k)
    assume(rewritten is not None)
    sentence, place, step = rewritten
    assume(_step_after(sentence, place) == step)  # "28.700" is rounded to hundreds: not one step of "28.670"
    claims = check_sentences(SENTENCES[:n] + [sentence] + SENTENCES[n + 1:], LEX, release, 2023)
    after = claims[i]
    assert (after.verdict, after.cells) == ("contradicted", claim.cells), (after.quote, after.rule)
    assert exit_code(claims) == 1


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_a_not_in_data_figure_stays_unmatched_whatever_its_value(data, baseline, release):
    i = data.draw(st.sampled_from(_checked(baseline, ("not_in_data",))), label="claim")
    k = data.draw(st.integers(-5, 40).filter(bool), label="steps")
    claim = baseline[i]
    (n,) = [n for n, s in enumerate(SENTENCES) if s.text == claim.sentence]
    rewritten = _rewrite(SENTENCES[n], claim.span[0], k)
    assume(rewritten is not None)
    claims = check_sentences(SENTENCES[:n] + [rewritten[0]] + SENTENCES[n + 1:], LEX, release, 2023)
    assert (claims[i].verdict, claims[i].cells, claims[i].data_value) == ("not_in_data", "", "")


# --- the command line ---------------------------------------------------------------------------------------


def _without_the_contradicted_sentence(tmp_path: Path, replace_from: str = "", replace_to: str = "") -> Path:
    text = TXT.read_text(encoding="utf-8").replace("Zo werden bijna twee keer zoveel gerechtelijke procedures \n"
                                                    "over verblijf gevoerd als in 2022. ", "")
    assert "twee keer" not in text
    path = tmp_path / "persbericht.txt"
    path.write_text(text.replace(replace_from, replace_to) if replace_from else text, encoding="utf-8")
    return path


@pytest.mark.parametrize("before, after, claim", [
    ("(28.670)", "(28.770)", "c09 contradicted: '28.770': the tables give 28670 (notices_of_default/received/2023)"),
    ("naar 62% in 2023", "naar 64% in 2023",
     "c02 contradicted: '64%': the tables give 62 (asylum_track_4_general/grant_rate/2023)"),
    ("bijna 35 duizend", "bijna 45 duizend", "c03 contradicted: 'bijna 45 duizend': the tables give 34980 "
     "(asylum_track_1_dublin/decisions/2023;asylum_track_2_safe_country/decisions/2023;asylum_track_4_general/"
     "decisions/2023)"),
])
def test_a_changed_figure_makes_the_command_exit_1_naming_it(before, after, claim, out, tmp_path):
    clean = _without_the_contradicted_sentence(tmp_path)
    assert claims_cli(str(clean), "--out", str(out)).exit_code == 0
    changed = _without_the_contradicted_sentence(tmp_path, before, after)
    result = claims_cli(str(changed), "--out", str(out))
    assert result.exit_code == 1
    assert result.output.splitlines()[1] == f"{changed}: {claim}; see {out / 'claims' / 'persbericht.md'}."


def test_bad_invocations_exit_2_with_one_line(out, tmp_path):
    cases = [
        ([str(tmp_path / "nope.txt"), "--out", str(out)],
         f"{tmp_path / 'nope.txt'}: no such file. Pass the path of the press release (plain text or HTML)."),
        ([str(TXT), "--out", str(tmp_path)],
         f"{tmp_path}: holds no extracted release (no <year>/observations.parquet). Run `jaarcijfers extract` on "
         "the release PDF with the same --out first."),
        ([str(TXT), "--out", str(tmp_path / "missing")],
         f"{tmp_path / 'missing'}: no such folder. Pass the folder `jaarcijfers extract` wrote to with --out."),
        ([str(TXT), "--out", str(TXT)],
         f"{TXT}: is a file, not a folder. Pass the folder `jaarcijfers extract` wrote to with --out."),
        ([str(RAW_2023), "--out", str(out)],
         f"{RAW_2023}: is a PDF; claims reads the press release as plain text or HTML. Save the press release as "
         ".txt or .html (the release PDF goes to `jaarcijfers extract`)."),
        ([str(TXT), str(HTML), "--out", str(out)],
         f"{HTML}: has the same name as {TXT}: both would be written to claims/ind-persbericht-2023.csv. Rename "
         "one of them, or check them in two runs."),
    ]
    for args, line in cases:
        result = claims_cli(*args)
        assert (result.exit_code, result.output) == (2, line + "\n"), args
    (tmp_path / "2024.txt").write_text("Jaarcijfers 2024: 12 duizend aanvragen.", encoding="utf-8")
    result = claims_cli(str(tmp_path / "2024.txt"), "--out", str(out))
    assert (result.exit_code, result.output) == (2, f"{out}: holds no release 2024, the year the text is about (it "
                                                    "holds 2023). Run `jaarcijfers extract` on the 2024 release PDF "
                                                    "with the same --out first.\n")


def test_schemas_without_claims_yaml_and_debug(out, tmp_path):
    schemas = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", schemas, ignore=shutil.ignore_patterns("claims.yaml"))
    result = claims_cli(str(TXT), "--out", str(out), "--schemas", str(schemas))
    assert (result.exit_code, result.output) == (2, (
        f"{schemas / 'claims.yaml'}: the schema file is missing from the schemas folder given with --schemas. Point "
        "it at a copy of the project's schemas/ folder (all its .yaml files), or leave out --schemas to use the "
        "schemas installed with jaarcijfers.\n"))
    result = claims_cli(str(tmp_path / "nope.txt"), "--out", str(out), "--debug")  # --debug: the exception itself
    assert isinstance(result.exception, InputError)


def test_claims_help_has_an_example():
    result = claims_cli("--help")
    assert result.exit_code == 0 and "jaarcijfers claims persbericht-2023.txt --out output" in result.output
