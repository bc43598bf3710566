"""Bad input through the CLI: one clear line, the contract's exit code, nothing lost (issue 5)."""

from __future__ import annotations

import gc
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import RAW_2023, ROOT, comparable, generator, mutations, read_golden
from pipeline import runner
from pipeline.batch import run_batch
from pipeline.runner import Options, run_one

gen = generator()


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


def budget_pdf(path: Path) -> Path:
    """A valid PDF of another report: a budget table with three year columns."""
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), invariant=1)
    c.setFont("Helvetica-Bold", 14)
    c.drawString(50, 800, "Rijksbegroting 2024 - Ministerie van Financien")
    c.setFont("Helvetica", 9)
    for i, text in enumerate(["2024", "2023", "2022"]):
        c.drawRightString(400 + 60 * i, 760, text)
    for j, (label, values) in enumerate([("Uitgaven", ["412.300", "398.100", "371.000"]),
                                         ("Ontvangsten", ["401.700", "389.000", "360.200"])]):
        c.drawString(50, 745 - 14 * j, label)
        for i, v in enumerate(values):
            c.drawRightString(400 + 60 * i, 745 - 14 * j, v)
    c.save()
    return path


def test_other_report_exits_2(tmp_path):
    pdf = budget_pdf(tmp_path / "begroting.pdf")
    result = cli("extract", str(pdf), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert result.stderr.strip() == (f'{pdf}: this PDF is not an IND "Jaarcijfers" release (no release title '
                                     'and no known table with three year columns). Pass the IND Jaarcijfers PDF.')
    assert not (tmp_path / "out").exists()


def test_release_missing_its_last_page_exits_1_naming_the_tables(tmp_path, spec_2023):
    pages = gen.page_count(spec_2023, "ruled")
    pdf = gen.render(spec_2023, "ruled", tmp_path / "cut.pdf", max_pages=pages - 1)
    result = cli("extract", str(pdf), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    first = result.stderr.splitlines()[0]
    assert first.startswith(f"{pdf}: the release is incomplete: ")
    assert "(staffing)" in first and "Check that the PDF is complete (a page may be missing)" in first
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (tmp_path / "out" / "2023").iterdir() if p.is_file()) == [
        "validation.json", "validation.md"]


def test_batch_goes_on_after_a_bad_file_and_exits_with_the_worst_code(tmp_path):
    html = tmp_path / "download.pdf"
    html.write_text("<!DOCTYPE html><html><body>404 Not Found</body></html>")
    out = tmp_path / "out"
    result = cli("extract", str(html), str(RAW_2023), "/nonexistent.pdf", "--out", str(out), "--jobs", "2")
    assert result.returncode == 2
    err = result.stderr
    assert f"{html}: this is an HTML page, not a PDF (likely a failed download)." in err
    assert "/nonexistent.pdf: the file does not exist." in err
    assert "summary: 1 of 3 PDFs extracted" in err
    assert (out / "2023" / "observations.parquet").exists()


def test_a_worker_that_dies_is_reported_not_lost(tmp_path, monkeypatch):
    """Regression: a batch worker killed mid-release (out of memory, a crash in C) raised BrokenProcessPool
    out of the runner; now every PDF it takes down gets its line and exit code 1."""
    dies = shutil.copy(RAW_2023, tmp_path / "dies.pdf")
    real = runner.read

    def read(path, *args):  # a batch reads every PDF first (then refuses two of one year, then writes)
        if path.name == "dies.pdf":
            os._exit(9)  # the worker is forked: it sees this patch
        return real(path, *args)

    monkeypatch.setattr(runner, "read", read)
    outcomes = run_batch([str(dies), str(RAW_2023)], Options(out=tmp_path / "out"), jobs=2)
    assert [o.path for o in outcomes] == [str(dies), str(RAW_2023)]
    assert outcomes[0].exit_code == 1
    assert outcomes[0].lines == [f"{dies}: internal error (a worker process died while this PDF was queued or "
                                 "read: BrokenProcessPool). Rerun with --jobs 1 to find the PDF that stops it, "
                                 "and report it with that PDF."]
    assert outcomes[1].exit_code in (0, 1) and outcomes[1].lines


def test_page_limit(tmp_path):
    result = cli("extract", str(RAW_2023), "--out", str(tmp_path), "--max-pages", "2")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"{RAW_2023}: the PDF has 3 pages, more than the limit of 2. Raise the "
                                     "limit with --max-pages if this is really a release.")


def test_time_limit(tmp_path):
    result = cli("extract", str(RAW_2023), "--out", str(tmp_path), "--timeout", "0.001", "--jobs", "2")
    assert result.returncode == 2
    assert result.stderr.strip() == (f"{RAW_2023}: reading the PDF took longer than the limit of 0.001 s. "
                                     "Raise the limit with --timeout if this is really a release.")
    assert list(tmp_path.iterdir()) == []


def test_debug_shows_the_traceback(tmp_path):
    result = cli("extract", "/nonexistent.pdf", "--out", str(tmp_path), "--debug")
    assert result.returncode == 2 and "Traceback" in result.stderr


GOLDEN = {t: comparable(read_golden(t), t) for t in ("observations", "top_nationalities", "footnotes")}
PDF_BYTES = RAW_2023.read_bytes()


MUTATIONS = mutations()


@settings(max_examples=25, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(st.lists(MUTATIONS.strategy(), min_size=1, max_size=4))
def test_fuzzed_release_never_crashes_or_lies(tmp_path_factory, edits):
    """Mutations of a release (bytes, and ranges deleted or duplicated, in its streams or anywhere): exit 1
    or 2 with a message, or exit 0 with exactly the golden data."""
    folder = tmp_path_factory.mktemp("fuzz")
    pdf = folder / "mutant.pdf"
    pdf.write_bytes(MUTATIONS.mutate(PDF_BYTES, edits))
    assert_no_crash_and_no_lie(pdf, folder / "out")


def assert_no_crash_and_no_lie(pdf: Path, out: Path) -> None:
    outcome = run_one(str(pdf), Options(out=out, timeout=60))
    assert outcome.exit_code in (0, 1, 2)
    assert outcome.lines and all(line.startswith(str(pdf)) for line in outcome.lines)
    assert not any("internal error" in line for line in outcome.lines), outcome.lines
    assert gc.isenabled()  # reading defers the cycle collector (runner.collect_cycles_once), even when it fails
    if outcome.exit_code == 0:
        for table, want in GOLDEN.items():
            got = comparable(pd.read_parquet(out / "2023" / f"{table}.parquet"), table)
            pd.testing.assert_frame_equal(got, want)
    else:
        assert not list(out.glob("*/observations.*"))


def test_a_page_with_a_single_line_does_not_crash(tmp_path):
    """Regression: a page holding one text line crashed the running-header detection (IndexError)."""
    from reportlab.pdfgen import canvas

    pdf = tmp_path / "short.pdf"
    c = canvas.Canvas(str(pdf), invariant=1)
    c.setFont("Helvetica", 10)
    c.drawString(50, 800, "Jaarcijfers - 2023")
    c.drawString(50, 780, "Familie & Gezin")
    for i, text in enumerate(["2023", "2022", "2021"]):
        c.drawRightString(400 + 60 * i, 780, text)
    c.showPage()
    c.setFont("Helvetica", 10)
    c.drawString(50, 800, "Bron: IND")
    c.save()
    outcome = run_one(str(pdf), Options(out=tmp_path / "out"))
    assert outcome.exit_code == 1
    assert outcome.lines[0].startswith(f"{pdf}: the release is incomplete: 26 expected tables are missing")
    assert not any("internal error" in line for line in outcome.lines)
