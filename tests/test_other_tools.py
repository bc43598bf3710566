"""Renderings of the 2023 release by other tools (Chromium, WeasyPrint, LibreOffice, fpdf2, pdflatex)
give the golden set exactly: one regression test per layout that once broke the extractor."""

from pathlib import Path

import pytest

from conftest import FIXTURES, assert_same_dataset, golden_frames, run_pipeline

PDFS = sorted((FIXTURES / "other-tools").glob("*.pdf"))


def test_the_fixtures_are_there():
    assert len(PDFS) == 19


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_other_tool_gives_the_golden_dataset(pdf: Path):
    raw, release, report = run_pipeline(str(pdf))
    assert [(a.text, a.box.page) for a in raw.unaccounted] == []
    assert_same_dataset(release, golden_frames(), pdf.stem)
    assert report.ok, [(r.check, r.details[:2]) for r in report.errors]
