"""claims, without the data: figures found in Dutch sentences, the intervals of the hedges, the lexicon loader."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from pipeline.claims.figures import scan_sentence
from pipeline.claims.lexicon import load_lexicon
from pipeline.claims.text import Sentence, html_blocks, split_sentences, text_blocks
from pipeline.errors import ConfigError

LEX = load_lexicon()


def figures(text: str) -> list[tuple]:
    scan = scan_sentence(Sentence(text, 0, ""), LEX, 2023)
    return [(scan.quote(f), f.value, f.step, f.kind, f.hedge, f.comparison) for f in scan.figures]


@pytest.mark.parametrize("text, want", [
    ("In totaal ontving de IND 28.670 ingebrekestellingen.", [("28.670", 28670, 10, "number", "none", None)]),
    ("De IND betaalde 11,3 miljoen euro.", [("11,3 miljoen euro", 11_300_000, 100_000, "other", "none", None)]),
    ("bijna 35 duizend asielaanvragen", [("bijna 35 duizend", 35_000, 1000, "number", "bijna", None)]),
    ("bijna 50 duizend wachtenden", [("bijna 50 duizend", 50_000, 10_000, "number", "bijna", None)]),
    ("zo’n 8,5 duizend beslissingen", [("zo’n 8,5 duizend", 8500, 100, "number", "zo'n", None)]),
    ("ruim meer dan 80% van onze beslissingen", [("ruim meer dan 80%", 80, 10, "share", "meer dan", None)]),
    ("van 78% in 2022 naar 62 procent in 2023", [("78%", 78, 1, "share", "none", None),
                                                 ("62 procent", 62, 1, "share", "none", None)]),
    ("Een kwart van deze zaken", [("Een kwart", 25, 5, "share", "none", None)]),
    ("twee derde van de aanvragen", [("twee derde", 66.67, 5, "share", "none", None)]),
    ("bijna twee keer zoveel procedures", [("bijna twee keer zoveel", 2, 1, "ratio", "bijna", "ratio")]),
    ("het aantal is bijna verdubbeld", [("bijna verdubbeld", 2, 1, "ratio", "bijna", "ratio")]),
    ("8.840 meer ingebrekestellingen dan in 2022", [("8.840", 8840, 10, "number", "none", "increase")]),
    ("een daling van 16 procentpunt", [("16 procentpunt", 16, 1, "points", "none", "decrease")]),
    ("van 6 maanden naar 15 maanden", [("6 maanden", 6, 1, "other", "none", None),
                                       ("15 maanden", 15, 1, "other", "none", None)]),
    ("een miljoen euro", [("een miljoen euro", 1_000_000, 1_000_000, "other", "none", None)]),
    ("100% tijdig", [("100%", 100, 10, "share", "none", None)]),
])
def test_figures_in_dutch(text, want):
    assert figures(text) == want


@pytest.mark.parametrize("text", [
    "Jaarcijfers 2023: meer werk voor de IND dan voorgaande jaren",   # a year
    "Last update: 2 februari 2024",                                   # a date
    "Aanvragen in spoor 4 en bij Nareis 8 EVRM",                      # names
    "De W2-documenten en het 1e kwartaal",                            # parts of words
    "Dat is een van de speerpunten voor 2024.",                       # 'een' is not a figure by itself
])
def test_no_figure_where_none_is_stated(text):
    assert figures(text) == []


@pytest.mark.parametrize("quote, interval", [
    ("bijna 35 duizend", "[34000, 35000)"),     # below x, by at most one unit of the last digit (and 10%)
    ("bijna 50 duizend", "[45000, 50000)"),     # u = 10 duizend, capped at 0.9x
    ("bijna twee keer zoveel", "[1.8, 2)"),
    ("ruim 28 duizend", "(28000, 29000]"),
    ("meer dan 6 duizend", "(6000, 7000]"),
    ("ruim meer dan 80%", "(80, 90]"),
    ("minder dan 6 duizend", "[5000, 6000)"),
    ("zo'n 8,5 duizend", "[8450, 8550)"),
    ("28.670", "[28665, 28675)"),               # rounded: half a unit of the last stated digit
    ("22 duizend", "[21500, 22500)"),
    ("62%", "[61.5, 62.5)"),
    ("een kwart", "[22.5, 27.5)"),
])
def test_each_hedge_allows_its_interval(quote, interval):
    scan = scan_sentence(Sentence(quote, 0, ""), LEX, 2023)
    (f,) = scan.figures
    assert str(LEX.hedges[f.hedge].interval(f.value, f.step)) == interval


def test_plain_text_headings_paragraphs_and_sentences():
    text = ("Titel van het bericht\nLast update: 2 februari 2024\nIn 2023 behandelde de IND meer aanvragen dan\n"
            "een jaar eerder. Zo werden “bijna” meer zaken behandeld.\n\nWachten op bezwaar\n"
            "Een kwart van deze zaken (o.a. bezwaar) kon op tijd.”")
    sentences = split_sentences(text_blocks(text))
    assert [(s.text, s.paragraph, s.heading, s.is_heading) for s in sentences] == [
        ("Titel van het bericht", 0, "", True),
        ("Last update: 2 februari 2024", 1, "", True),
        ("In 2023 behandelde de IND meer aanvragen dan een jaar eerder.", 2, "Last update: 2 februari 2024", False),
        ("Zo werden “bijna” meer zaken behandeld.", 2, "Last update: 2 februari 2024", False),
        ("Wachten op bezwaar", 3, "", True),
        ("Een kwart van deze zaken (o.a. bezwaar) kon op tijd.”", 4, "Wachten op bezwaar", False),
    ]


def test_html_blocks_skip_scripts_and_keep_headings():
    html = ("<html><head><title>t</title><script>var n = 28670;</script></head><body><h2>Meer &amp; "
            "beter</h2><p>Ruim 28&nbsp;duizend <strong>ingebrekestellingen</strong>.<br>Nieuwe regel</p>"
            "<style>p { width: 80% }</style></body></html>")
    assert [(b.text, b.heading) for b in html_blocks(html)] == [
        ("Meer & beter", True), ("Ruim 28 duizend ingebrekestellingen.", False), ("Nieuwe regel", False)]


def _copy_schemas(tmp_path: Path) -> Path:
    target = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", target)
    return target


def test_lexicon_rejects_an_unknown_key(tmp_path):
    schemas = _copy_schemas(tmp_path)
    path = schemas / "claims.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("  asylum:\n", "  asylum:\n    cue_words: [x]\n", 1),
                    encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_lexicon(schemas)
    assert err.value.message == (f"{path}: invalid entry at subjects.asylum.cue_words: Extra inputs are not "
                                 "permitted. Fix the file.")


def test_lexicon_rejects_a_table_that_tables_yaml_does_not_define(tmp_path):
    schemas = _copy_schemas(tmp_path)
    path = schemas / "claims.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("tables: [notices_of_default]",
                                                             "tables: [notices_of_defaults]"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_lexicon(schemas)
    assert err.value.message == (f"{path}: subject notices_of_default names table 'notices_of_defaults', which "
                                 "schemas/tables.yaml does not define. Fix it.")
