"""Hostile PDFs end at once with one line (issues 14 and 18): reference cycles, self-drawing forms, bombs,
pictures of a failing release within the limits, workers that die with their parent."""

from __future__ import annotations

import io
import json
import math
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pdfplumber
import pytest
from PIL import Image

from conftest import RAW_2023, ROOT, generator, hostile
from pipeline import pictures, runner
from pipeline.errors import InputError, TimeLimitError
from pipeline.extract.source import open_pdf
from pipeline.guards import PIPE_BYTES, ChildDied, ChildTimedOut, Helper, start_in_child, time_limit
from pipeline.runner import Options, run_one

H = hostile()
DAMAGED = "the PDF is damaged or incomplete. Download the release again."
MEMORY_HINT = "Raise the limit with --max-memory if this is really a release."


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


CYCLES = {
    # /Contents 6 0 R, and object 6 is "6 0 R": pdfminer's resolve1 looped forever on these
    "self-referencing content stream": H.one_page({6: b"6 0 R"}, contents=b"6 0 R"),
    "2-object cycle in the resources": H.one_page({6: b"7 0 R", 7: b"6 0 R"}, resources=b"6 0 R"),
    "2-object cycle in a font": H.one_page({6: b"7 0 R", 7: b"6 0 R"}, resources=b"<< /Font << /F1 6 0 R >> >>"),
    "2-object cycle as the catalog": H.one_page({8: b"9 0 R", 9: b"8 0 R"}, root=8),
    # pdfminer refuses to draw these again and goes on silently
    "form drawing itself": H.drawing_forms({10: (H.TEXT + b" /X Do", b"<< /XObject << /X 10 0 R >> >>")}),
    "form drawing itself through its caller's resources": H.drawing_forms({10: (b"/X Do", b"<< >>")}),
    "two forms drawing each other": H.drawing_forms({10: (b"/Y Do", b"<< /XObject << /Y 11 0 R >> >>"),
                                                     11: (b"/X Do", b"<< /XObject << /X 10 0 R >> >>")}),
}


@pytest.mark.parametrize("data", CYCLES.values(), ids=CYCLES.keys())
def test_a_reference_cycle_is_damaged_at_once(tmp_path, data):
    path = tmp_path / "cycle.pdf"
    path.write_bytes(data)
    with time_limit(20, path), pytest.raises(InputError) as exc:  # a spin would end as TimeLimitError
        open_pdf(path)
    assert type(exc.value) is InputError and exc.value.message == f"{path}: {DAMAGED}"


def test_the_same_page_without_the_cycle_opens(tmp_path):
    """The cycles above are the only thing wrong with their files."""
    path = tmp_path / "fine.pdf"
    path.write_bytes(H.drawing_forms({10: (H.TEXT, b"<< /Font << /F1 4 0 R >> >>")}))
    pdf = open_pdf(path)
    try:
        assert "".join(c["text"] for c in pdf.pages[0].chars) == "Jaarcijfers 2023" * 2
    finally:
        pdf.close()


# The CLI in a child of a small wrapper, which reports what its children took: exit code, stderr, wall time
# and peak resident memory (RUSAGE_CHILDREN: the largest process of the run, reading included).
MEASURED = """
import json, resource, subprocess, sys, time
start = time.monotonic()
run = subprocess.run(sys.argv[1:], capture_output=True, text=True, timeout=120)
print(json.dumps({"rc": run.returncode, "stderr": run.stderr, "seconds": time.monotonic() - start,
                  "peak_mib": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measured_cli(*args: str) -> dict:
    run = subprocess.run([sys.executable, "-c", MEASURED, sys.executable, "-m", "pipeline", *args], cwd=ROOT,
                         capture_output=True, text=True, timeout=150, check=True)
    return json.loads(run.stdout)


@pytest.mark.parametrize("name", ["self-referencing content stream", "2-object cycle in the resources"])
def test_a_reference_cycle_exits_2_damaged_at_once(tmp_path, name):
    """Regression (issue 18): a 2-object cycle ended as 'took longer than 300 s'."""
    path = tmp_path / "cycle.pdf"
    path.write_bytes(CYCLES[name])
    run = measured_cli("extract", str(path), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert (run["rc"], run["stderr"]) == (2, f"{path}: {DAMAGED}\n")
    assert run["seconds"] < 30 and run["peak_mib"] < 2048


# Each bomb inflates to 40 MiB (a few KiB of file) under a limit of 128 MiB, whose quarter (32 MiB) a stream
# may inflate to: the bombs of the issue (2.2 GB under the default 2 GiB, `make bench`) at a twentieth of
# the size, quick to make and to read. The memory line, exit 2, and the peak memory of the whole run under the
# limit, measured (--jobs 1: the PDF is read in the one process, no pandas loaded yet).
@pytest.mark.parametrize("name, build, limit, why", [
    ("content stream", lambda: H.content_stream_bomb(40), 128, "a stream in it inflates to more than 32 MiB"),
    ("flate-in-flate", lambda: H.flate_in_flate_bomb(40), 128, "a stream in it inflates to more than 32 MiB"),
    ("object stream holding the catalog", lambda: H.object_stream_bomb(40), 128,
     "a stream in it inflates to more than 32 MiB"),
    ("xref stream", lambda: H.xref_stream_bomb(40), 128, "a stream in it inflates to more than 32 MiB"),
    ("forms fanned out to 10^9 texts", lambda: H.fanned_out_forms(9, 10), 2048,
     "its pages would draw more than 16 MiB of content"),
])
def test_a_bomb_ends_as_the_memory_line(tmp_path, name, build, limit, why):
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(data := build())
    assert len(data) < 100_000
    run = measured_cli("extract", str(path), "--out", str(tmp_path / "out"), "--max-memory", str(limit), "--jobs", "1")
    assert run["rc"] == 2
    assert run["stderr"] == (f"{path}: the PDF needs more memory than the limit ({limit} MiB) to be read: {why}. "
                             f"{MEMORY_HINT}\n")
    assert run["peak_mib"] < limit
    assert run["seconds"] < 30


def test_a_bomb_is_refused_by_the_second_reading_process(tmp_path):
    """A single PDF on two cores is read in a second process (``read_alongside``) while the first imports
    pandas: the limit holds there too, and the whole run (pandas included) stays under it."""
    path = tmp_path / "bomb.pdf"
    path.write_bytes(H.content_stream_bomb(80))
    run = measured_cli("extract", str(path), "--out", str(tmp_path / "out"), "--max-memory", "256", "--jobs", "2")
    assert run["rc"] == 2
    assert run["stderr"] == (f"{path}: the PDF needs more memory than the limit (256 MiB) to be read: a stream in "
                             f"it inflates to more than 64 MiB. {MEMORY_HINT}\n")
    assert run["peak_mib"] < 256 and run["seconds"] < 30


def test_a_memory_error_under_the_limit_is_the_memory_line():
    """What no check foresees ends as the same line (in a child: the limit is for the reading process)."""
    code = textwrap.dedent("""
        from pathlib import Path
        from pipeline.guards import memory_limit
        from pipeline.errors import MemoryLimitError
        try:
            with memory_limit(300, Path("big.pdf")):
                hoard = bytearray(600 << 20)
        except MemoryLimitError as exc:
            print(exc.message, exc.exit_code)
        hoard = bytearray(600 << 20)  # the limit ends with the block
    """)
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"big.pdf: the PDF needs more memory than the limit (300 MiB) to be read. {MEMORY_HINT} 2\n"


# --- pictures of a failing release ---------------------------------------------------------------------


@pytest.mark.parametrize("size", [(14400, 14400), (200_000, 200_000), (595, 720_000)],
                         ids=["14,400 pt square, the largest the PDF standard allows", "200,000 pt square",
                              "A4 wide, 50 times 14,400 pt long"])
def test_pictures_of_a_huge_page_stay_within_the_pixel_budget(tmp_path, size):
    """14,400 pt square is 484 million pixels at 110 dpi (7.4 GB taken before the budget), a larger page more
    (a MemoryError before): capped, the page's proportions kept."""
    pdf = H.failing_release(tmp_path / "huge.pdf", pagesize=size)
    [picture] = pictures.render_pages(pdf, None, 1)
    assert 0.95 * pictures.PIXEL_BUDGET <= picture.width * picture.height <= pictures.PIXEL_BUDGET
    assert picture.height / picture.width == pytest.approx(size[1] / size[0], rel=0.02)


def test_pictures_of_an_ordinary_page_are_drawn_at_110_dpi(tmp_path):
    [a4] = pictures.render_pages(H.failing_release(tmp_path / "a4.pdf"), None, 1)
    assert a4.size == (math.ceil(595 * 110 / 72), math.ceil(842 * 110 / 72))


@pytest.mark.parametrize("side", [14400, 200_000])
def test_a_failing_release_on_a_huge_page_says_why_and_draws_it_in_seconds(tmp_path, side):
    """The run end to end, under a tight --timeout: the real failure lines, its picture within the budget,
    and the peak memory of the whole run measured (the pictures are drawn in a child, within the limits)."""
    pdf = H.failing_release(tmp_path / "huge.pdf", pagesize=(side, side))
    out = tmp_path / "out"
    run = measured_cli("extract", str(pdf), "--out", str(out), "--timeout", "5", "--jobs", "1")
    assert run["rc"] == 1
    lines = run["stderr"].splitlines()
    assert lines[0].startswith(f"{pdf}: the release is incomplete: 26 expected tables are missing")
    assert "warning" not in run["stderr"] and "internal error" not in run["stderr"]
    assert lines[-1].endswith(f"Page pictures of what was found: {out}/2023/inspect/.")
    with Image.open(out / "2023" / "inspect" / "page-1.png") as picture:
        assert picture.width * picture.height <= 1.1 * pictures.PIXEL_BUDGET  # the page and its legend strip
    assert run["peak_mib"] < 512 and run["seconds"] < 30


def dies(*args):
    os._exit(9)


def runs_out_of_memory(*args):
    raise MemoryError()


def pdfium_fails(*args):
    raise RuntimeError("Failed to render page.")


def pdfium_cannot_open(*args):
    from pipeline.extract.source import DAMAGED

    raise InputError(args[0], *DAMAGED)


def hangs_in_c(*args):
    """Like a C library that does not return: the alarm of the drawing child's own time limit never comes."""
    signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})
    time.sleep(60)


@pytest.mark.parametrize("draw, reason, timeout", [
    (pdfium_fails, "RuntimeError: Failed to render page.", 60),
    (pdfium_cannot_open, "pdfium: the PDF is damaged or incomplete", 60),
    (runs_out_of_memory, "drawing them needs more memory than --max-memory 2048 MiB", 60),
    (dies, "the process drawing them died", 60),
    (hangs_in_c, "drawing them took longer than what was left of --timeout 2 s", 2),
])
def test_pictures_that_cannot_be_drawn_are_a_warning_after_the_real_failure(tmp_path, monkeypatch, draw, reason,
                                                                             timeout):
    pdf = H.failing_release(tmp_path / "release.pdf")
    monkeypatch.setattr(pictures, "inspect_pdf", draw)  # the drawing child is forked: it sees this
    started = time.monotonic()
    outcome = run_one(str(pdf), Options(out=tmp_path / "out", timeout=timeout))
    assert time.monotonic() - started < timeout + 5
    assert outcome.exit_code == 1
    assert outcome.lines[0].startswith(f"{pdf}: the release is incomplete: 26 expected tables are missing")
    assert outcome.lines[-1] == (f"{pdf}: warning: no page pictures were drawn ({reason}); the validation report "
                                 "has none.")
    assert [line for line in outcome.lines if "warning" in line] == outcome.lines[-1:]
    assert sorted(p.name for p in (tmp_path / "out" / "2023").iterdir()) == ["validation.json", "validation.md"]


@pytest.mark.parametrize("alongside", [False, True], ids=["child of their own", "the reading process"])
@pytest.mark.parametrize("draw, reason", [
    (pdfium_fails, "RuntimeError: Failed to render page."),
    (runs_out_of_memory, "drawing them needs more memory than --max-memory 2048 MiB"),
    (dies, "the process drawing them died"),
])
def test_pictures_of_a_release_that_passes_that_cannot_be_drawn_are_a_warning(tmp_path, monkeypatch, draw, reason,
                                                                               alongside):
    """report.html's pictures are drawn within the limits too, in a child of their own or, for one PDF on two
    cores, by the process that read it (``read_alongside``): a failure is a warning, the release is written."""
    monkeypatch.setattr(pictures, "inspect_pdf", draw)
    outcome = run_one(str(RAW_2023), Options(out=tmp_path / "out"), alongside=alongside)
    assert outcome.exit_code == 0, outcome.lines
    assert outcome.lines[0].startswith(f"{RAW_2023}: ok, release 2023: 324 numbers")
    assert outcome.lines[-1] == (f"{RAW_2023}: warning: no page pictures were drawn ({reason}); report.html has "
                                 "none.")
    page = (tmp_path / "out" / "2023" / "report.html").read_text(encoding="utf-8")
    assert "The page pictures could not be drawn" in page and "data:image/png" not in page
    assert (tmp_path / "out" / "2023" / "observations.parquet").exists()


def test_one_pdf_on_two_cores_is_read_then_drawn_by_a_second_process(tmp_path, monkeypatch):
    """``read_alongside``: the process that reads the PDF while this one imports the data stages then draws
    report.html's pictures, in the time this one still imports, instead of a child forked for them after."""
    pids = tmp_path / "pids"

    def noted(function):
        def run(*args, **kwargs):
            with pids.open("a") as fh:
                fh.write(f"{function.__name__} {os.getpid()}\n")
            return function(*args, **kwargs)
        return run

    monkeypatch.setattr(runner, "read", noted(runner.read))
    monkeypatch.setattr(runner, "draw_report_pictures", noted(runner.draw_report_pictures))
    outcome = run_one(str(RAW_2023), Options(out=tmp_path / "out"), alongside=True)
    assert outcome.exit_code == 0, outcome.lines
    [(read, reader), (draw, drawer)] = [line.split() for line in pids.read_text().splitlines()]
    assert (read, draw) == ("read", "draw_report_pictures") and reader == drawer != str(os.getpid())
    page = (tmp_path / "out" / "2023" / "report.html").read_text(encoding="utf-8")
    with pdfplumber.open(RAW_2023) as doc:
        assert page.count('src="data:image/png;base64,') == len(doc.pages) == 3


@pytest.mark.parametrize("alongside", [False, True], ids=["child of their own", "the reading process"])
def test_pictures_stuck_past_the_timeout_are_a_warning_and_the_release_is_written(tmp_path, monkeypatch, alongside):
    """Regression: the drawing of a release that passed, stuck in pdfium until --timeout, was killed at the
    time limit as it should be; then filling report.html was run under that same time limit, with no time
    left, and the release failed with the time line (exit 2) for its pictures."""
    monkeypatch.setattr(pictures, "inspect_pdf", hangs_in_c)  # its alarm never rings: this process kills it
    started = time.monotonic()
    outcome = run_one(str(RAW_2023), Options(out=tmp_path / "out", timeout=3), alongside=alongside)
    assert time.monotonic() - started < 3 + 5
    assert outcome.exit_code == 0, outcome.lines
    assert outcome.lines[-1] == (f"{RAW_2023}: warning: no page pictures were drawn (drawing them took longer than "
                                 "what was left of --timeout 3 s); report.html has none.")
    assert (tmp_path / "out" / "2023" / "observations.parquet").exists()


def test_a_second_reading_process_stuck_past_the_timeout_is_killed_as_the_time_line(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "read", lambda *args, **kwargs: hangs_in_c())  # no alarm: its parent kills it
    started = time.monotonic()
    outcome = run_one(str(RAW_2023), Options(out=tmp_path / "out", timeout=1), alongside=True)
    assert time.monotonic() - started < 10
    assert (outcome.exit_code, outcome.lines) == (2, [f"{RAW_2023}: reading the PDF took longer than the limit of "
                                                      "1 s. Raise the limit with --timeout if this is really a "
                                                      "release."])
    assert not (tmp_path / "out").exists()


def test_a_second_reading_process_that_dies_is_one_line(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "read", lambda *args, **kwargs: dies())
    outcome = run_one(str(RAW_2023), Options(out=tmp_path / "out"), alongside=True)
    assert (outcome.exit_code, outcome.lines) == (1, [f"{RAW_2023}: internal error (ChildDied: the process reading "
                                                      "it died). Rerun with --debug and report it with the PDF."])
    assert not (tmp_path / "out").exists()


def test_a_release_padded_with_huge_pages_holds_one_page_picture_at_a_time(tmp_path):
    """The 2023 release and 12 blank pages of 14,400 pt that pass (each picture 12 MB drawn): report.html's
    pictures took 418 MB, all pages held at once (190 such pages took 3.3 GB); now each page is kept only as
    its PNG (and its pixels deflated), drawn in a child within the limits."""
    import pypdfium2

    doc = pypdfium2.PdfDocument(str(RAW_2023))
    for _ in range(12):
        doc.new_page(14400, 14400)
    doc.save(tmp_path / "padded.pdf")
    doc.close()
    run = measured_cli("extract", str(tmp_path / "padded.pdf"), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert run["rc"] == 0, run["stderr"]
    assert run["peak_mib"] < 300 and run["seconds"] < 30
    page = (tmp_path / "out" / "2023" / "report.html").read_text(encoding="utf-8")
    assert page.count('<figure id="page') == 15


# --- workers die with their parent ---------------------------------------------------------------------

# extract whose reading (one PDF: the second process; a batch: the workers) or drawing (the pictures of a
# failing release) writes its pid and blocks; argv: the pid folder, the runner functions to replace, extract's.
BLOCKED = """
import os, sys, time
from pathlib import Path
from pipeline import runner
from pipeline.cli import main
pids = Path(sys.argv[1])
def block(*args, **kwargs):
    (pids / str(os.getpid())).touch()
    time.sleep(600)
for name in sys.argv[2].split(","):
    setattr(runner, name, block)
sys.argv = ["jaarcijfers", "extract", *sys.argv[3:]]
main()
"""


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs /proc (Linux) to tell a dead worker")
@pytest.mark.parametrize("pdfs, blocked, jobs", [
    (["a.pdf"], "read,process", "2"),
    (["a.pdf", "b.pdf"], "read,process", "2"),
    (["failing.pdf"], "draw_pictures", "1"),
    (["2023", "2024"], "draw_report_pictures", "2"),
    (["2023"], "draw_report_pictures", "2"),
], ids=["second process", "batch workers", "picture-drawing child", "batch workers' picture helpers",
        "second process, drawing after reading"])
def test_workers_die_with_their_parent(tmp_path, two_releases, pdfs, blocked, jobs):
    """Regression (issue 18): a ``kill -9`` of the main process left its reading worker blocked forever."""
    pids = tmp_path / "pids"
    pids.mkdir()
    paths = []
    for name in pdfs:
        if name == "failing.pdf":
            H.failing_release(tmp_path / name)
        elif name in ("2023", "2024"):
            paths.append(str(RAW_2023 if name == "2023" else two_releases[0].parent / "ind-jaarcijfers-2024.pdf"))
            continue
        else:
            (tmp_path / name).write_bytes(b"%PDF-1.4 blocked before it is read\n%%EOF\n")
        paths.append(str(tmp_path / name))
    parent = subprocess.Popen([sys.executable, "-c", BLOCKED, str(pids), blocked, *paths, "--out",
                               str(tmp_path / "out"), "--jobs", jobs], cwd=ROOT, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while len(list(pids.iterdir())) < len(pdfs):
        assert parent.poll() is None and time.monotonic() < deadline, "the workers never started"
        time.sleep(0.05)
    workers = [int(p.name) for p in pids.iterdir()]
    assert parent.pid not in workers
    parent.send_signal(signal.SIGKILL)  # kill -9: the parent cleans nothing up
    parent.wait(timeout=10)
    assert parent.returncode == -signal.SIGKILL
    deadline = time.monotonic() + 10
    try:
        while any(alive(pid) for pid in workers):
            assert time.monotonic() < deadline, f"workers {workers} outlived their parent"
            time.sleep(0.05)
    finally:  # a failed test leaves no orphan behind
        for pid in filter(alive, workers):
            os.kill(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"  # a zombie is dead, waiting for init
    except FileNotFoundError:
        return False


# --- the helper that draws a batch worker's pictures ------------------------------------------------------


def _pid(*_):
    return os.getpid()


def _fail(message):
    raise ValueError(message)


def _sleep(seconds):
    time.sleep(seconds)
    return "woke"


@pytest.fixture
def helper():
    h = Helper()
    yield h
    h.stop()


def test_a_helper_runs_one_call_after_another_in_one_child(helper):
    first = helper.start(_pid).result()
    assert helper.start(_pid).result() == first != os.getpid()


def test_a_failed_call_raises_here_and_the_next_runs_in_a_new_helper(helper):
    first = helper.start(_pid).result()
    with pytest.raises(ValueError, match="^boom$"):
        helper.start(_fail, "boom").result()
    assert not alive(first)
    assert helper.start(_pid).result() not in (first, os.getpid())


def test_a_call_past_its_time_is_killed_and_the_next_runs(helper):
    pid = helper.start(_pid).result()
    call = helper.start(_sleep, 60, seconds=0.05)  # killed 0.05 s + guards.GRACE after it started
    with pytest.raises(ChildTimedOut):
        call.result()
    assert not alive(pid)
    assert helper.start(_sleep, 0).result() == "woke"


def test_a_cancelled_call_ends_its_helper_and_the_next_runs(helper):
    pid = helper.start(_pid).result()
    call = helper.start(_sleep, 60)
    call.cancel()
    assert not alive(pid)
    with pytest.raises(ChildDied):
        call.result()
    assert helper.start(_sleep, 0).result() == "woke"


def test_a_new_call_while_one_runs_cancels_that_one(helper):
    first = helper.start(_sleep, 60)
    assert helper.start(_sleep, 0).result() == "woke"
    with pytest.raises(ChildDied):
        first.result()


def test_a_helper_killed_from_outside_is_child_died_then_a_new_one(helper):
    pid = helper.start(_pid).result()
    call = helper.start(_sleep, 60)
    os.kill(pid, signal.SIGKILL)
    with pytest.raises(ChildDied):
        call.result()
    assert helper.start(_pid).result() != pid


# --- a child that sends several results ----------------------------------------------------------------


def _big_then_when(size, then):
    """A generator child: ``size`` bytes, then (``then``) the time it went on after them, or its death."""
    yield bytes(size)
    if then == "dies":
        os._exit(9)
    yield time.monotonic()


@pytest.mark.parametrize("size", [1 << 16, PIPE_BYTES // 2])
def test_a_generator_child_goes_on_while_its_result_waits_to_be_read(size):
    """The PDF read (about 140 KB) waits in the pipe while this process still imports; meanwhile the child
    draws its pictures. A pipe held 64 KiB: the child waited for this process to read."""
    child = start_in_child(_big_then_when, size, "time")
    time.sleep(0.5)
    asked = time.monotonic()
    assert child.next_result() == bytes(size)
    assert child.result() < asked


def test_a_generator_child_whose_result_is_more_than_its_pipe_holds_waits_for_it_to_be_read():
    child = start_in_child(_big_then_when, 2 * PIPE_BYTES, "time")
    time.sleep(0.5)
    asked = time.monotonic()
    assert len(child.next_result()) == 2 * PIPE_BYTES
    assert child.result() > asked


def test_a_generator_child_that_dies_has_handed_over_what_it_sent_before():
    child = start_in_child(_big_then_when, PIPE_BYTES // 2, "dies")
    time.sleep(0.5)
    assert child.next_result() == bytes(PIPE_BYTES // 2)
    with pytest.raises(ChildDied):
        child.result()


def _one_then(then):
    yield 1
    if then == "raises":
        raise ValueError("boom")
    time.sleep(60)


def test_a_generator_child_that_raises_raises_here_after_its_results():
    child = start_in_child(_one_then, "raises")
    assert child.next_result() == 1
    with pytest.raises(ValueError, match="^boom$"):
        child.result()


def test_a_generator_child_past_its_time_is_killed_after_its_results():
    child = start_in_child(_one_then, "sleeps", seconds=0.05)  # killed 0.05 s + guards.GRACE after it started
    assert child.next_result() == 1
    pid = child._process.pid
    with pytest.raises(ChildTimedOut):
        child.result()
    assert not alive(pid)


# extract of the PDFs in argv[2:] (--jobs 2), each drawing of report.html's pictures noting its pid in argv[1]
RECORDED = """
import os, sys
from pathlib import Path
from pipeline import runner
from pipeline.cli import main
draw, pids = runner.draw_report_pictures, Path(sys.argv[1])
def recorded(*args):
    with pids.open("a") as fh:
        fh.write(f"{os.getpid()}\\n")
    return draw(*args)
runner.draw_report_pictures = recorded
sys.argv = ["jaarcijfers", "extract", *sys.argv[2:], "--jobs", "2"]
main()
"""


def test_a_batch_worker_draws_every_release_in_its_one_helper(tmp_path, spec_2023):
    from bench_releases import release_for

    pdfs = [str(generator().render(release_for(spec_2023, year), "stacked", tmp_path / f"{year}.pdf"))
            for year in (2021, 2022, 2023)]
    pids = tmp_path / "pids"
    done = subprocess.run([sys.executable, "-c", RECORDED, str(pids), *pdfs, "--out", str(tmp_path / "out")],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    drawn = pids.read_text().split()
    assert len(drawn) == 3 and len(set(drawn)) < 3  # two workers: one helper drew two releases
    for year, pdf in zip((2021, 2022, 2023), pdfs):
        page = (tmp_path / "out" / str(year) / "report.html").read_text(encoding="utf-8")
        with pdfplumber.open(pdf) as doc:
            assert page.count('src="data:image/png;base64,') == len(doc.pages) == 4


# --- file names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, printed", [
    ("ind-jaarcijfers-2023.pdf", "ind-jaarcijfers-2023.pdf"),
    ("Oekraïne €.pdf", "Oekraïne €.pdf"),
    (os.fsdecode(b"ind\xff.pdf"), "ind\\xff.pdf"),  # not UTF-8: Python holds the byte as a lone surrogate
    ("new\nline\r\tand\x1b[31m.pdf", "new\\nline\\r\\tand\\x1b[31m.pdf"),
    ("line\u2028separator.pdf", "line\\u2028separator.pdf"),
])
def test_any_name_is_shown_on_one_printable_line(name, printed):
    from pipeline.errors import shown

    assert shown(name) == printed
    printed.encode("utf-8")


def test_a_pdf_and_an_out_folder_named_with_any_bytes_work(tmp_path):
    """Regression: a non-UTF-8 name was 'internal error (UnicodeEncodeError)', a newline split the line."""
    folder = os.fsencode(tmp_path)
    pdf = os.fsdecode(folder + b"/ind\xff\nx.pdf")
    out = os.fsdecode(folder + b"/out\xfe")
    Path(pdf).write_bytes(RAW_2023.read_bytes())
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", pdf, "--out", out], cwd=ROOT,
                            capture_output=True, timeout=120)
    shown_pdf, shown_out = f"{tmp_path}/ind\\xff\\nx.pdf", f"{tmp_path}/out\\xfe"
    assert result.returncode == 0, result.stderr
    lines = result.stderr.decode("utf-8").splitlines()
    assert lines[0] == (f"{shown_pdf}: ok, release 2023: 324 numbers, 30 top-3 entries, 8 footnotes -> "
                        f"{shown_out}/2023/")
    assert all(line.startswith(f"{shown_pdf}: ") for line in lines)
    package = json.loads((Path(out) / "2023" / "datapackage.json").read_text(encoding="utf-8"))
    assert package["sources"][0]["path"] == "ind\\xff\\nx.pdf"
    panel = subprocess.run([sys.executable, "-m", "pipeline", "panel", "--out", out], cwd=ROOT,
                           capture_output=True, timeout=120)
    assert panel.returncode == 0, panel.stderr
    assert (Path(out) / "jaarcijfers.sqlite").stat().st_size > 0


@pytest.mark.parametrize("command", [["extract", "{pdf}"], ["inspect", "{pdf}"], ["panel"],
                                     ["claims", "{txt}"]], ids=lambda c: c[0])
def test_out_at_a_file_named_with_any_bytes_is_one_line(tmp_path, command):
    """Regression (issue 18): --out at a file was click's three-line usage error; a newline in a name split a
    line in two, a non-UTF-8 name was an internal error."""
    a_file = os.fsdecode(os.fsencode(tmp_path) + b"/out\xfe\nput")
    Path(a_file).write_text("a file")
    args = [a.format(pdf=RAW_2023, txt=ROOT / "tests" / "fixtures" / "ind-jaarcijfers-2023.txt") for a in command]
    result = subprocess.run([sys.executable, "-m", "pipeline", *args, "--out", a_file], cwd=ROOT,
                            capture_output=True, timeout=60)
    assert result.returncode == 2
    hint = ("Pass the folder `jaarcijfers extract` wrote to with --out." if command[0] == "claims"
            else "Choose a folder with --out.")
    assert result.stderr.decode("utf-8") == f"{tmp_path}/out\\xfe\\nput: is a file, not a folder. {hint}\n"


def test_a_missing_pdf_named_with_any_bytes_is_one_line(tmp_path):
    pdf = os.fsdecode(os.fsencode(tmp_path) + b"/ind\xff\n2023.pdf")
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", pdf, "--out", str(tmp_path / "out")],
                            cwd=ROOT, capture_output=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr.decode("utf-8") == (f"{tmp_path}/ind\\xff\\n2023.pdf: the file does not exist. Check the "
                                             "path; release PDFs go in raw/.\n")


def test_a_time_limit_swallowed_where_it_rang_rings_again(tmp_path, capsys):
    """Regression (test_bad_input.test_time_limit under load): the alarm rang inside an import lock's weakref
    callback, where Python can only print "Exception ignored ... _Timeout" to stderr and go on. The limit
    must still end the block, with nothing printed."""
    import weakref

    class Held:
        pass

    path = tmp_path / "release.pdf"
    start = time.monotonic()
    with pytest.raises(TimeLimitError) as exc, time_limit(0.05, path):
        held = Held()
        ref = weakref.ref(held, lambda _: time.sleep(0.5))  # the alarm rings in this callback, where it is swallowed
        del held
        time.sleep(5)
    assert ref() is None and time.monotonic() - start < 2
    assert exc.value.message == (f"{path}: reading the PDF took longer than the limit of 0.05 s. "
                                 "Raise the limit with --timeout if this is really a release.")
    assert capsys.readouterr().err == ""


def test_warm_up_draws_a_tiny_a4_page_and_leaves_its_legend_drawn():
    """``pictures.warm_up`` (a batch worker, before it forks a drawing child per release): the built-in page
    is a real one-line PDF, and its legend is cached for the children."""
    with pdfplumber.open(io.BytesIO(pictures._tiny_pdf())) as pdf:
        assert [(p.width, p.height, p.extract_text()) for p in pdf.pages] == [(595, 842, "Jaarcijfers 2023 2022 2021")]
    pictures.legend_strip.cache_clear()
    pictures.warm_up()
    width = math.ceil(595 * pictures.RESOLUTION / 72)
    assert pictures.legend_strip.cache_info().currsize == 1
    assert pictures.legend_strip(width, True) is pictures.legend_strip(width, True)
    assert pictures.legend_strip.cache_info().hits == 2
