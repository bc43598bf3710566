"""Renderings of the 2023 release by other tools (Chromium, WeasyPrint, LibreOffice, fpdf2, pdflatex)
give the golden set exactly: one regression test per layout that once broke the extractor."""

from pathlib import Path

import pandas as pd
import pytest

from conftest import FIXTURES, comparable, read_golden, run_pipeline

PDFS = sorted((FIXTURES / "other-tools").glob("*.pdf"))


def test_the_fixtures_are_there():
    assert len(PDFS) == 10


@pytest.mark.parametrize("pdf", PDFS, ids=[p.stem for p in PDFS])
def test_other_tool_gives_the_golden_dataset(pdf: Path):
    raw, release, report = run_pipeline(str(pdf))
    assert [(a.text, a.box.page) for a in raw.unaccounted] == []
    for table in ("observations", "top_nationalities", "footnotes"):
        got = comparable(getattr(release, table), table)
        want = comparable(read_golden(table), table)
        if table == "observations":  # printed otherwise by some tools: "89 %", typographic quotes
            got["raw"] = got["raw"].str.replace(r"[\s\u00a0]%", "%", regex=True)
            got["label_nl"] = got["label_nl"].str.replace("’", "'")
        if table == "footnotes":
            got["text"] = got["text"].str.replace("’", "'")
        pd.testing.assert_frame_equal(got, want, obj=f"{pdf.stem} {table}")
    assert report.ok, [(r.check, r.details[:2]) for r in report.errors]
