"""The command line as users and scripts meet it: exit codes, one-line messages, files written."""

from __future__ import annotations

import json
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from conftest import RAW_2023, ROOT, assert_csv_equals_parquet
from pipeline.cli import cli
from pipeline.errors import ConfigError, GuardError, InputError, UnmappedError

CONTRACT_COLUMNS = {  # as ../shared/CONTRACT.md fixes them, written out here so that contract.py is checked too
    "observations": "release_year section_nl table_id table_nl table_en metric_id label_nl label_en year value unit "
                    "obs_status raw footnotes mapped page x0 top x1 bottom".split(),
    "top_nationalities": "release_year table_id table_nl panel_nl year rank nationality_nl nationality_code "
                         "nationality_en mapped page x0 top x1 bottom".split(),
    "footnotes": "release_year footnote_id text table_id metric_id".split(),
}


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """The real console entry point in a subprocess, as a user runs it."""
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd or ROOT, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> tuple[subprocess.CompletedProcess, Path]:
    out = tmp_path_factory.mktemp("out")  # --jobs 2: the PDF is read in a second process (read_alongside)
    return run("extract", str(RAW_2023), "--out", str(out), "--jobs", "2"), out


def test_extract_writes_every_contract_file(extracted):
    result, out = extracted
    assert result.returncode == 0, result.stderr
    assert "ok, release 2023: 324 numbers, 30 top-3 entries, 8 footnotes" in result.stderr
    names = sorted(p.name for p in (out / "2023").iterdir())
    assert names == sorted([f"{t}.{e}" for t in CONTRACT_COLUMNS for e in ("csv", "parquet")]
                           + ["datapackage.json", "report.html", "validation.json", "validation.md"])
    for table, columns in CONTRACT_COLUMNS.items():
        csv = pd.read_csv(out / "2023" / f"{table}.csv", dtype=str, keep_default_na=False)
        parquet = pd.read_parquet(out / "2023" / f"{table}.parquet")
        assert list(csv.columns) == columns
        assert list(parquet.columns) == list(csv.columns)
        assert len(parquet) == len(csv)
    obs = pd.read_parquet(out / "2023" / "observations.parquet")
    assert len(obs) == 324 and obs["value"].isna().sum() == 2
    assert str(obs["value"].dtype) in ("Float64", "float64") and str(obs["year"].dtype) == "int64"


def test_csv_prints_numbers_plainly(extracted):
    _, out = extracted
    text = (out / "2023" / "observations.csv").read_text(encoding="utf-8")
    assert (",Familie & Gezin,Family and household migration,applications,Aanvragen,Applications,2023,41820,count,"
            "A,41.820,1,True,") in text
    assert ",o_document,O-documenten,O-documents,2021,,count,M,-,,True," in text  # no figure: value and footnotes empty


def test_csv_read_with_the_datapackage_types_equals_the_parquet(extracted):
    _, out = extracted
    for table in CONTRACT_COLUMNS:
        assert_csv_equals_parquet(out / "2023", table)
    notes = pd.read_parquet(out / "2023" / "footnotes.parquet")
    assert str(notes["footnote_id"].dtype) == "int64"
    assert notes["metric_id"].isna().sum() == 3 and not (notes["metric_id"] == "").any()  # markers on titles


def test_running_again_in_one_process_gives_identical_bytes(extracted, tmp_path):
    _, first = extracted
    result = run("extract", str(RAW_2023), "--out", str(tmp_path), "--jobs", "1")
    assert result.returncode == 0, result.stderr
    for name in sorted(p.name for p in (first / "2023").iterdir()):
        assert (first / "2023" / name).read_bytes() == (tmp_path / "2023" / name).read_bytes(), name


def test_missing_file_exits_2_with_one_line(tmp_path):
    result = run("extract", "/nonexistent/release.pdf", "--out", str(tmp_path), "--jobs", "2")
    assert result.returncode == 2
    assert result.stderr.strip() == ("/nonexistent/release.pdf: the file does not exist. "
                                     "Check the path; release PDFs go in raw/.")
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("error", [
    InputError("a.pdf", "this is not a PDF file.", "Pass the IND Jaarcijfers release PDF."),
    GuardError("a.pdf", "the PDF has 3 pages, more than the limit of 2."),
    ConfigError(None, "schemas/tables.yaml: unknown key 'titel'."),
    UnmappedError("a.pdf", "validation failed (1 checks).", "See validation.md.", details=["a.pdf: unknown row"]),
])
def test_errors_cross_process_boundaries_intact(error):
    """Regression: errors raised in a worker (a batch, or the second process of one release) must unpickle."""
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is type(error)
    assert (str(back), back.message, back.exit_code) == (str(error), error.message, error.exit_code)
    assert getattr(back, "details", None) == getattr(error, "details", None)


def test_no_pdf_in_raw_exits_2(tmp_path):
    (tmp_path / "raw").mkdir()
    result = run("extract", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "raw/: no PDF found. Put the release PDF in raw/ or pass its path."


def test_default_is_every_pdf_in_raw(tmp_path):
    (tmp_path / "raw").mkdir()
    shutil.copy(RAW_2023, tmp_path / "raw" / "release.pdf")
    result = run("extract", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "output" / "2023" / "observations.parquet").exists()


class _Exited(Exception):
    pass


def _exit_raises(code):
    raise _Exited(code)


@pytest.mark.parametrize("argv, code", [
    (["extract", "/nonexistent/release.pdf", "--jobs", "1"], 2),  # a PipelineError's exit code (one process: a
    # child forked by multiprocessing would meet the patched os._exit too)
    (["extract", "--no-such-option"], 2),  # click's usage error
    (["--version"], 0),  # click's own exit
])
def test_main_exits_at_once_with_the_commands_exit_code(argv, code, monkeypatch, tmp_path, capsys):
    """The console script ends with ``os._exit`` (no clean-up of pandas' objects) and the command's code; numpy
    is told to start one BLAS thread, unless the environment says otherwise."""
    from pipeline import cli as cli_module

    monkeypatch.setattr(cli_module.os, "_exit", _exit_raises)
    monkeypatch.delenv("OPENBLAS_NUM_THREADS", raising=False)
    out = ["--out", str(tmp_path)] if argv[0] == "extract" else []
    monkeypatch.setattr(sys, "argv", ["jaarcijfers", *argv, *out])
    with pytest.raises(_Exited) as exited:
        cli_module.main()
    assert exited.value.args == (code,)
    assert cli_module.os.environ["OPENBLAS_NUM_THREADS"] == "1"
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "4")
    monkeypatch.setattr(sys, "argv", ["jaarcijfers", "--version"])
    with pytest.raises(_Exited):
        cli_module.main()
    assert cli_module.os.environ["OPENBLAS_NUM_THREADS"] == "4"


def test_exit_now_says_a_text_exit_and_exits_1():
    """``sys.exit("text")`` means: say the text, exit 1; ``_exit_now`` keeps that (in a process of its own)."""
    code = "from pipeline.cli import _exit_now; print('said'); _exit_now('boom')"
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (1, "said\n", "boom\n")


def test_output_piped_is_whole_though_the_process_exits_at_once():
    """Regression guard for ``os._exit``: what was printed into a pipe (block-buffered) is flushed first."""
    result = run("extract", "--help")
    assert result.returncode == 0
    last = "(only validation.json/.md written for it); 2 bad invocation or unusable input."
    assert result.stdout.rstrip().endswith(last)


@pytest.mark.parametrize("command", ["extract", "inspect", "panel"])
def test_every_command_has_help_with_an_example(command):
    result = CliRunner().invoke(cli, [command, "--help"])
    assert result.exit_code == 0
    assert "Example" in result.output and f"jaarcijfers {command}" in result.output


def test_unknown_option_is_a_usage_error():
    result = CliRunner().invoke(cli, ["extract", "--no-such-option"])
    assert result.exit_code == 2


def test_a_failing_writer_leaves_earlier_outputs_untouched(tmp_path, monkeypatch):
    """The writer dies halfway (after some files are staged): nothing new appears, old files stay."""
    from pipeline import runner, write

    first = run("extract", str(RAW_2023), "--out", str(tmp_path))
    assert first.returncode == 0
    before = {p.name: p.read_bytes() for p in (tmp_path / "2023").iterdir()}
    calls = []

    def dying_parquet(df, path):
        calls.append(path)
        if len(calls) == 2:
            raise OSError("disk full")
        path.write_bytes(b"partial")

    monkeypatch.setattr(write, "frame_to_parquet", dying_parquet)
    outcome = runner.run_one(str(RAW_2023), runner.Options(out=tmp_path))
    assert outcome.exit_code == 2
    assert outcome.lines == [f"{tmp_path / '2023'}: could not write the outputs (disk full). Check that the "
                             "folder is writable and has free space; earlier outputs are untouched."]
    after = {p.name: p.read_bytes() for p in (tmp_path / "2023").iterdir()}
    assert after == before  # same files, same bytes, no temporary leftovers


def test_a_copy_whose_staffing_does_not_add_up_exits_1_naming_the_check(tmp_path, spec_2023):
    """Totale bezetting 2023 printed as 6.040 instead of 6.039: exit 1, the check named, no data files."""
    import copy

    from conftest import generator

    spec = copy.deepcopy(spec_2023)
    staffing = next(t for s in spec["sections"] for t in s["tables"] if t["id"] == "staffing")
    total = next(r for r in staffing["rows"] if r["id"] == "total_staff")
    assert total["values"][0] == "6.039"
    total["values"][0] = "6.040"
    pdf = generator().render(spec, "stacked", tmp_path / "inconsistent.pdf")
    out = tmp_path / "out"
    result = run("extract", str(pdf), "--out", str(out))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{pdf}: check staffing_total failed: Totale bezetting = Ambtelijke bezetting + "
                               "Externe medewerkers, every year: year=2023, total=6040.0, sum_of_parts=6039.0, gap=1.0")
    assert "Traceback" not in result.stderr
    files = sorted(p.name for p in (out / "2023").iterdir() if p.is_file())
    assert files == ["validation.json", "validation.md"]
    report = (out / "2023" / "validation.md").read_text(encoding="utf-8")
    assert "| staffing_total | failed | error |" in report
    first, failed = report.split("\n", 1)[0], report.split("## Failed checks", 1)[1].split("## Warnings")[0]
    assert re.fullmatch(rf"# {pdf.name}: FAILED \(\d+ checks: \d+ passed, 1 failed, 1 warning\)", first), first
    assert ("- In 2023, staffing.total_staff is 6.040 (page 4); civil_servants 5.067 + external_staff 972 = 6.039: "
            "a difference of 1.") in failed.split("### staffing_total", 1)[1]


def test_validation_report_opens_with_the_verdict_then_says_each_warning(extracted):
    _, out = extracted
    report = (out / "2023" / "validation.md").read_text(encoding="utf-8")
    lines = report.splitlines()
    assert re.fullmatch(r"# ind-jaarcijfers-2023\.pdf: passed, with 1 warning \((\d+) checks: (\d+) passed, 0 "
                        r"failed, 1 warning\)", lines[0]), lines[0]
    sections = [line for line in lines if line.startswith("## ")]
    assert sections == ["## Warnings", "## Consistency checks", "## Release checks", "## Schema checks"]
    warnings = report.split("## Warnings", 1)[1].split("## Consistency checks")[0]
    assert ("- In 2023, family_reunification.pending is 6.110 (page 1); pending 2022 7.260 + applications 41.820 - "
            "decisions 43.050 = 6.030: a difference of 80.") in warnings
    assert "{" not in warnings  # sentences, not JSON
    assert [line for line in lines if line.startswith("### ")][-3:] == [
        "### observations: 46 checks, all passed", "### top_nationalities: 34 checks, all passed",
        "### footnotes: 11 checks, all passed"]


def test_two_pdfs_of_one_release_year_exit_2_naming_both_and_write_nothing(tmp_path):
    """raw/'s PDF and the shared reconstruction are both release 2023: one would silently replace the other.
    (In one process; a batch in a pool reads its PDFs first the same way, see test_bad_input's dying worker.)"""
    from conftest import RECONSTRUCTION
    from pipeline.batch import run_batch
    from pipeline.runner import Options

    out = tmp_path / "out"
    outcomes = run_batch([str(RAW_2023), str(RECONSTRUCTION)], Options(out=out), jobs=1)
    said = ("release 2023 is also in {}: two PDFs of the same release year in one run, and one would replace the "
            "other. Pass one of them; nothing was written for either.")
    assert [(o.path, o.exit_code, o.lines) for o in outcomes] == [
        (str(RAW_2023), 2, [f"{RAW_2023}: " + said.format(RECONSTRUCTION)]),
        (str(RECONSTRUCTION), 2, [f"{RECONSTRUCTION}: " + said.format(RAW_2023)])]
    assert not out.exists() or not (out / "2023").exists()


BATCH_ROUNDS = """
import json, os, sys
from pathlib import Path
from pipeline import batch
from pipeline.runner import Options
def watch(round, start):
    def initializer():
        Path(sys.argv[1], f"{round}-{os.getpid()}").write_text(  # one file per worker: they start at once
            json.dumps(sorted(m for m in ("pandas", "pandera", "pyarrow", "pypdfium2") if m in sys.modules)))
        start()
    return initializer
batch.start_reader = watch("read", batch.start_reader)
batch.start_worker = watch("process", batch.start_worker)
outcomes = batch.run_batch(sys.argv[2:], Options(out=Path(sys.argv[1]) / "out"), 2)
print(json.dumps([o.exit_code for o in outcomes]))
"""


def test_a_batchs_readers_start_light_and_its_second_round_starts_with_the_data_stages(tmp_path, spec_2023):
    """The readers are forked before this process imports pandas, pandera and pyarrow (while they read); the
    workers of the second round are forked after, and start with them imported: once per batch, not per worker."""
    from conftest import generator
    from test_releases import release_2024

    marks = tmp_path / "marks"
    marks.mkdir()
    pdf_2024 = generator().render(release_2024(spec_2023), "stacked", tmp_path / "ind-jaarcijfers-2024.pdf")
    result = subprocess.run([sys.executable, "-c", BATCH_ROUNDS, str(marks), str(RAW_2023), str(pdf_2024)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [0, 0]
    seen = sorted((p.name.split("-")[0], p.read_text()) for p in marks.iterdir() if p.is_file())
    assert seen == [("process", '["pandas", "pandera", "pyarrow", "pypdfium2"]')] * 2 + [("read", "[]")] * 2


def test_a_batch_reader_hands_over_the_release_pickled_and_the_same(tmp_path):
    """runner.PickledRead: what a batch's reading worker returns (the batch's process reads only its year)."""
    from pipeline.runner import Options, PickledRead, Read, read_one

    opts = Options(out=tmp_path)
    plain, pickled = read_one(str(RAW_2023), opts), read_one(str(RAW_2023), opts, pickled=True)
    assert isinstance(plain, Read) and isinstance(pickled, PickledRead)
    assert pickled.release_year == plain.release_year == 2023
    assert pickled.raw == plain.raw and pickled.raw is not pickled.raw
