"""``chars.page_chars`` reads a page's characters without its paths: every character exactly as pdfplumber's
``page.chars`` gives it (keys, their order, values), whatever drew the PDF, and no rule or band built."""

from __future__ import annotations

from pathlib import Path

import pdfplumber
import pytest

from conftest import FIXTURE_PDFS, RECONSTRUCTION, generator, load_spec
from pipeline.extract.chars import page_chars


def _both(pdf: Path) -> tuple[list, list]:
    with pdfplumber.open(pdf) as doc:
        theirs = [page.chars for page in doc.pages]
    with pdfplumber.open(pdf) as doc:
        ours = [page_chars(page) for page in doc.pages]
        assert all(page.rects == page.lines == page.curves == [] for page in doc.pages)  # no path read
        assert [page.chars for page in doc.pages] == ours  # cached on the page as pdfplumber caches its own
    return theirs, ours


@pytest.mark.parametrize("pdf", FIXTURE_PDFS, ids=[p.stem for p in FIXTURE_PDFS])
def test_the_characters_are_pdfplumbers(pdf: Path):
    theirs, ours = _both(pdf)
    assert ours == theirs
    assert [[list(c) for c in page] for page in ours] == [[list(c) for c in page] for page in theirs]


def test_a_ruled_page_gives_the_characters_without_its_thousand_rules(tmp_path):
    pdf = tmp_path / "ruled.pdf"
    generator().render(load_spec(), "ruled", pdf)
    with pdfplumber.open(pdf) as doc:
        assert sum(len(p.lines) + len(p.rects) for p in doc.pages) > 900  # what pdfplumber would build
    theirs, ours = _both(pdf)
    assert ours == theirs and sum(map(len, ours)) > 6000
