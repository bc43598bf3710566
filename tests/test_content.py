"""``content.stream_objects`` splits a content stream into the objects pdfminer's ``PDFContentParser`` builds,
token for token: on every page of every fixture PDF (no page falls back there), on generated streams
(hypothesis, cut into several streams too), and on what pdfminer reads in its own way (left to pdfminer)."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pdfminer.pdfinterp import PDFContentParser
from pdfminer.pdftypes import PDFStream, stream_value
from pdfminer.psparser import KWD, LIT, PSEOF

from conftest import FIXTURE_PDFS, RECONSTRUCTION, generator, load_spec
from pipeline.extract.chars import page_chars
from pipeline.extract.content import Fallback, stream_objects


def pdfminers(datas: list[bytes]) -> list:
    """What pdfminer's parser yields for these stream contents (the interpreter's input)."""
    try:
        parser = PDFContentParser([PDFStream({}, data) for data in datas])
    except PSEOF:
        return []
    out = []
    while True:
        try:
            out.append(parser.nextobject()[1])
        except PSEOF:
            return out


def _pages(pdf: Path) -> list[list[bytes]]:
    with pdfplumber.open(pdf) as doc:
        return [[stream_value(s).get_data() for s in page.page_obj.contents] for page in doc.pages]


@pytest.mark.parametrize("pdf", FIXTURE_PDFS, ids=[p.stem for p in FIXTURE_PDFS])
def test_every_fixture_page_is_split_as_pdfminer_splits_it_without_falling_back(pdf: Path):
    pages = _pages(pdf)
    assert pages and all(pages)
    for datas in pages:
        assert stream_objects(datas) == pdfminers(datas)


def test_every_generator_layout_is_split_as_pdfminer_splits_it(tmp_path):
    gen = generator()
    for layout in gen.LAYOUTS:
        pdf = gen.render(load_spec(), layout, tmp_path / f"{layout}.pdf")
        for datas in _pages(pdf):
            assert stream_objects(datas) == pdfminers(datas), layout


def test_the_objects_are_pdfminers_values():
    data = (b"1.2.3 -. +.5 5. -7 0012 /F1 /\xc3\xa9 /\xff () (a\\053\\q\\\r\nb\\\\\\)) <4 1 4> <414> <>> "
            b"[1 [2 /N] (x) Tj] <</A 1 /B null /C [3]>> true false Tj ' \" \x00 % a comment ] Tj\nT* d0 ] >")
    assert stream_objects([data]) == [
        1.2, 0.3, 0.5, 5.0, -7, 12, LIT("F1"), LIT("\xe9"), LIT(b"\xff"), b"", b"a+b\\)", b"A\x04", b"A\x04", b"",
        [1, [2, LIT("N")], b"x", KWD(b"Tj")], {"A": 1, "B": KWD(b"null"), "C": [3]}, True, False, KWD(b"Tj"),
        KWD(b"'"), KWD(b'"'), KWD(b"T*"), KWD(b"d0")]  # a comment to its line's end; a stray "]" or ">": nothing
    assert stream_objects([data]) == pdfminers([data])


@pytest.mark.parametrize("datas", [
    [b"q BI /W 1 /H 1 /BPC 8 /CS /G ID \x00 EI Q"],  # an inline image: its data is not tokens
    [b"/A#20B Tf"],  # a name with a # escape
    [b"{ 1 } pop"],  # a procedure
    [b"(a (nested) string) Tj"],
    [b"(\\777) Tj"],  # an octal escape above 255: pdfminer fails an assertion
    [b"<</A>> BDC"],  # a dictionary of an odd number of items: pdfminer raises PSSyntaxError
    [b"(open", b"ed) Tj"], [b"<41", b"42> Tj"], [b"1 0 0 rg /", b"F1 12 Tf"],  # a token cut by the stream's end
    [b"<", b"</A 1>> BDC"], [b"<</A 1>", b"> BDC"],
])
def test_what_pdfminer_reads_its_own_way_is_left_to_it(datas):
    with pytest.raises(Fallback):
        stream_objects(datas)


def test_an_inline_image_page_is_read_by_pdfminer_and_gives_pdfplumbers_characters(tmp_path):
    from PIL import Image
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "inline.pdf"
    c = canvas.Canvas(str(pdf))
    c.drawString(72, 720, "Asiel 2023")
    c.drawInlineImage(Image.new("L", (4, 4), 128), 72, 600, 20, 20)
    c.drawString(72, 500, "Gezinshereniging 12.345")
    c.save()
    with pytest.raises(Fallback):
        stream_objects(_pages(pdf)[0])
    with pdfplumber.open(pdf) as doc:
        theirs = doc.pages[0].chars
    with pdfplumber.open(pdf) as doc:
        ours = page_chars(doc.pages[0])
    assert ours == theirs and "".join(ch["text"] for ch in ours) == "Asiel 2023Gezinshereniging 12.345"


def test_more_content_than_is_held_at_once_is_read_by_pdfminer_as_it_goes(monkeypatch):
    from pipeline.extract import content

    split = []
    monkeypatch.setattr(content, "stream_objects", lambda datas: split.append(datas) or [])
    monkeypatch.setattr(content, "MAX_HELD", 1000)  # below every page of the reconstruction (20-28 KB)
    with pdfplumber.open(RECONSTRUCTION) as doc:
        theirs = [page.chars for page in doc.pages]
    with pdfplumber.open(RECONSTRUCTION) as doc:
        assert [page_chars(page) for page in doc.pages] == theirs
    assert split == []  # pdfminer read every page


# Generated streams: tokens of every kind pdfminer knows, and bytes it does not, with any white space between.
_TOKENS = st.one_of(
    st.from_regex(rb"\A[-+]?[0-9]{0,4}(\.[0-9]{0,3})?\Z"),
    st.from_regex(rb"\A/[A-Za-z0-9_.\-\xc3\xa9\xff]{0,5}\Z"),
    st.from_regex(rb"\A[A-Za-z][A-Za-z0-9*'\"]{0,3}\Z"),
    st.from_regex(rb"\A\((?:[^()\\]|\\[0-7]{1,3}|\\[btnfr()\\\nqx]|\\\r\n)*\)\Z"),
    st.from_regex(rb"\A<[0-9A-Fa-f \n]{0,7}>\Z"),
    st.sampled_from([b"[", b"]", b"<<", b">>", b">", b"'", b'"', b"\x00", b"%c\n", b"true", b"false", b")", b"*",
                     b"\xe9", b"#", b"Tj", b"TJ", b"BT", b"ET", b"EI", b"IDx"]),
)
_SPACE = st.sampled_from([b" ", b"\n", b"\r\n", b"\t", b"\x0c", b"", b"  "])


@st.composite
def streams(draw) -> bytes:
    parts = draw(st.lists(st.tuples(_TOKENS, _SPACE), max_size=40))
    return b"".join(token + space for token, space in parts)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(streams())
def test_a_generated_stream_is_split_as_pdfminer_splits_it(data):
    try:
        ours = stream_objects([data])
    except Fallback:
        return
    assert ours == pdfminers([data])


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(streams(), st.lists(st.integers(min_value=0), max_size=3))
def test_a_stream_cut_anywhere_into_several_is_split_as_pdfminer_splits_them(data, cuts):
    at = sorted({c % (len(data) + 1) for c in cuts})
    datas = [data[a:b] for a, b in zip([0, *at], [*at, len(data)])]
    try:
        ours = stream_objects(datas)
    except Fallback:
        return
    assert ours == pdfminers(datas)
