"""Property tests for the Dutch number parser and the label normalizer."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.normalize import clean_text
from pipeline.numbers import is_figure, parse_number
from pipeline.schemas import match_key


def dutch(n: int) -> str:
    """Format an integer the way the release prints it: 41820 -> '41.820'."""
    return f"{n:,}".replace(",", ".")


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separated_integers_round_trip(n):
    assert parse_number(dutch(n)) == n


@given(st.integers(min_value=0, max_value=100), st.sampled_from(["", " ", "\u00a0", "\u202f"]))
def test_percentages_with_or_without_a_space(p, space):
    assert parse_number(f"{p}{space}%") == p


@pytest.mark.parametrize("raw,value", [("41.820", 41820), ("89%", 89), ("89\u00a0%", 89), ("100%", 100),
                                       ("0%", 0), ("70", 70), ("493.782", 493782), ("11,3", 11.3)])
def test_examples_from_the_release(raw, value):
    assert parse_number(raw) == value


@given(st.integers(min_value=0, max_value=10**9), st.from_regex(r"\d{1,3}", fullmatch=True),
       st.sampled_from(["", "%", " %", "\u00a0%"]))
def test_decimal_figures_are_figures_with_their_value(n, decimals, percent):
    text = f"{dutch(n)},{decimals}{percent}"
    assert is_figure(text)
    assert parse_number(text) == pytest.approx(n + int(decimals) / 10 ** len(decimals), rel=1e-12)


@given(st.text(alphabet="0123456789.,%-–a \u00a0", max_size=12))
def test_a_figure_is_exactly_what_parses(text):
    """The reader's test (is it a figure?) and the parser agree on every text: one rule."""
    try:
        parse_number(text)
        parses = True
    except ValueError:
        parses = False
    assert is_figure(text.strip()) == parses


@pytest.mark.parametrize("raw", ["-", "–", " - "])
def test_a_dash_is_no_value(raw):
    assert parse_number(raw) is None


@pytest.mark.parametrize("raw", ["41.82", "4.1820", "1..000", "12a", "", "%", "n.v.t.", "1.000.00", "--"])
def test_malformed_numbers_are_refused(raw):
    with pytest.raises(ValueError, match="not a Dutch number"):
        parse_number(raw)


@given(st.text(alphabet=st.characters(whitelist_categories=("L",)), min_size=1))
def test_words_are_never_numbers(text):
    with pytest.raises(ValueError):
        parse_number(text)


words = st.lists(st.text(alphabet=st.characters(whitelist_categories=("L", "N", "P")), min_size=1, max_size=8),
                 min_size=1, max_size=6)


@given(words, st.lists(st.sampled_from([" ", "  ", "\t", "\n", "\u00a0"]), min_size=5, max_size=5))
def test_label_key_ignores_white_space_and_case(parts, seps):
    spaced = "".join(p + seps[i % len(seps)] for i, p in enumerate(parts))
    assert match_key(spaced) == match_key(" ".join(parts))


@given(st.text(alphabet="abcdefghijklmnopqrstuvwxyzëïéèöü &-,()/'", min_size=1))
def test_label_key_ignores_case(text):
    assert match_key(text.upper()) == match_key(text)


@given(st.text())
def test_label_key_is_idempotent(text):
    assert match_key(match_key(text)) == match_key(text)


@given(st.text())
def test_clean_text_collapses_white_space(text):
    out = clean_text(text)
    assert "  " not in out and out == out.strip()
    assert clean_text(out) == out


def test_dash_variants_match():
    assert match_key("Spoor 1 – Asielaanvragen") == match_key("Spoor 1 - Asielaanvragen")


def _on_lines(*lines: str) -> list:
    """Tokens of ``lines``, each line 12 pt below the last."""
    from pipeline.model import Box, Token

    return [Token(word, Box(1, 50 + 40 * i, 100 + 12 * n, 80 + 40 * i, 110 + 12 * n), 10.0)
            for n, line in enumerate(lines) for i, word in enumerate(line.split())]


@pytest.mark.parametrize("lines, text", [
    (["Totaal aantal", "aanvragen"], "Totaal aantal aanvragen"),
    (["Top 3 nationaliteiten aan-", "vragen 2023"], "Top 3 nationaliteiten aanvragen 2023"),
    (["ingediend door VK-", "onderdanen"], "ingediend door VK-onderdanen"),
    (["familielid onderdaan EU/", "EER"], "familielid onderdaan EU/EER"),
    (["Spoor 1 -", "Dublin"], "Spoor 1 - Dublin"),
    (["zij-instroom en", "hervestiging"], "zij-instroom en hervestiging"),
])
def test_lines_join_into_the_printed_text(lines, text):
    from pipeline.extract.words import join_text

    assert join_text(_on_lines(*lines)) == text


def _chars(*spec: tuple[str, float, float]) -> list[dict]:
    return [{"text": text, "x0": x0, "x1": x1} for text, x0, x1 in spec]


@pytest.mark.parametrize("chars, text", [
    # TeX's OT1 fonts draw ï as a dotless i with a diaeresis glyph set over it
    (_chars(("a", 0, 5), ("\u00a8", 5.2, 9.8), ("\u0131", 5, 8), ("n", 8, 13)), "aïn"),
    (_chars(("e", 0, 5), ("\u00b4", 0.5, 4.5)), "é"),
    # an accent beside a letter, not over it, is a character as printed
    (_chars(("a", 0, 5), ("`", 6, 9), ("b", 10, 15)), "a`b"),
])
def test_accents_drawn_over_a_letter_compose(chars, text):
    import unicodedata

    from pipeline.extract.words import _accents_composed

    assert unicodedata.normalize("NFC", "".join(c["text"] for c in _accents_composed(chars))) == text


@given(st.text(alphabet=st.characters(blacklist_characters="\u00a8\u00b4`\u02c6^\u02dc\u02da\u00b8\u02c7"), max_size=20))
def test_text_without_accent_glyphs_is_untouched(text):
    from pipeline.extract.words import _accents_composed

    chars = [{"text": c, "x0": 5.0 * i, "x1": 5.0 * i + 4} for i, c in enumerate(text)]
    assert _accents_composed(chars) == chars


def _glyphs(text: str, x: float, size: float = 5.0, font: str = "Vera", jitter: float = 0.0) -> list[dict]:
    """One char per glyph of ``text`` (0.6 em advance, a blank drawn as a gap), alternately ``jitter`` pt off
    the grid, with the sizes a text matrix drawn off the grid gives (5.0 and 5.000000000000028)."""
    out = []
    for i, ch in enumerate(text):
        if ch != " ":
            off = jitter * (-1) ** i
            top = 100.0 + off / 4
            out.append({"text": ch, "x0": x + off, "x1": x + off + 0.6 * size, "top": top, "doctop": top,
                        "bottom": top + size, "upright": True, "fontname": font,
                        "size": size + (2.8e-14 if i % 3 == 1 else 0.0)})
        x += 0.6 * size
    return out


def test_glyphs_a_fraction_off_the_grid_read_as_the_words_a_person_sees():
    """A footnote drawn glyph by glyph, each glyph off the grid: its sizes differ by a text matrix's rounding
    (it once read 'Deze a a nta llen'), glyphs overlap or stand a little apart, one glyph comes from another
    font, and the glyphs of a word are drawn apart in the content stream. A blank's width still parts words."""
    from pipeline.extract.words import chars_to_words

    text, komen = _glyphs("Deze aantallen", 10.0, jitter=0.2), _glyphs("komen", 55.0, jitter=0.2)
    text[6] = {**text[6], "fontname": "Vera-Bold"}  # the 'n' of 'aantallen'
    drawn = text[:7] + komen[:2] + text[7:] + komen[2:]  # 'ko' drawn inside 'aantallen'
    words = sorted(chars_to_words(drawn), key=lambda w: w["x0"])
    assert [w["text"] for w in words] == ["Deze", "aantallen", "komen"]
    assert {w["fontname"] for w in words} == {"Vera"}
    assert {w["size"] for w in words} == {5.0}


def test_glyph_sizes_apart_by_more_than_rounding_stay_apart():
    """A raised marker (a smaller size) right after its word is no part of the word."""
    from pipeline.extract.words import chars_to_words

    marker = [{**c, "size": 3.0, "bottom": c["top"] + 3.0, "x1": c["x0"] + 1.8} for c in _glyphs("1", 25.0)]
    words = chars_to_words(_glyphs("Gezin", 10.0) + marker)
    assert sorted(w["text"] for w in words) == ["1", "Gezin"]
