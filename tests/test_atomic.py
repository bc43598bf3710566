"""A release is written whole or not at all (issue 14): directory swaps, leftovers of killed runs, the lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import RAW_2023, ROOT
from pipeline import staging
from pipeline.errors import OutputError
from pipeline.lock import output_lock
from pipeline.staging import recover_leftovers, replaced_directory

OLD = {"observations.csv": b"old csv\n", "observations.parquet": b"old parquet", "inspect/page-1.png": b"old png"}
NEW = {"observations.csv": b"new csv\n", "observations.parquet": b"new parquet", "validation.md": b"# new\n"}

# Writes NEW over OLD with staging.replaced_directory and SIGKILLs itself at one step of the swap.
WRITER = """
import os, signal, sys
from pathlib import Path
from pipeline import staging
step, mode, target = sys.argv[1], sys.argv[2], Path(sys.argv[3])
if mode == "renames":
    staging._RENAMEAT2 = None  # as on a system without renameat2: two renames
staging.on_step = lambda s: os.kill(os.getpid(), signal.SIGKILL) if s == step else None
with staging.replaced_directory(target) as stage:
    for name, data in {new!r}.items():
        stage(name).write_bytes(data)
"""


def tree(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*"))
            if p.is_file()}


def write_tree(directory: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (directory / name).parent.mkdir(parents=True, exist_ok=True)
        (directory / name).write_bytes(data)


@pytest.mark.parametrize("mode, step, after_kill, left, after_recovery", [
    ("exchange", "staged", OLD, {"staging"}, OLD),
    ("exchange", "swapped", NEW, {"staging"}, NEW),  # the staging name now holds the old release
    ("renames", "staged", OLD, {"staging"}, OLD),
    ("renames", "old moved", None, {"old", "staging"}, OLD),  # between the renames: the next run restores it
    ("renames", "swapped", NEW, {"old"}, NEW),
])
def test_a_writer_killed_at_any_step_leaves_the_old_or_the_new_release(tmp_path, mode, step, after_kill, left,
                                                                       after_recovery):
    target = tmp_path / "2023"
    write_tree(target, OLD)
    result = subprocess.run([sys.executable, "-c", WRITER.format(new=NEW), step, mode, str(target)], cwd=ROOT,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == -signal.SIGKILL, result.stderr
    if after_kill is None:
        assert not target.exists()
    else:
        assert tree(target) == after_kill
    leftovers = sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("."))
    assert {staging.LEFTOVER.fullmatch(name)["kind"] for name in leftovers} == left
    done = recover_leftovers(tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2023"]
    assert tree(target) == after_recovery
    expected = [f"restored 2023/ from {n}" if ".old-" in n and after_kill is None else f"removed {n}"
                for n in leftovers]
    assert done == expected


def test_a_failed_release_keeps_the_last_good_data_files_byte_for_byte(tmp_path):
    """The report and pictures are replaced; the data files stay (the same inodes: hard links)."""
    target = tmp_path / "2023"
    write_tree(target, OLD)
    inode = (target / "observations.csv").stat().st_ino
    with replaced_directory(target, keep=lambda name: name not in ("validation.md", "inspect")) as stage:
        stage("validation.md").write_bytes(b"# failed\n")
    assert tree(target) == {"observations.csv": b"old csv\n", "observations.parquet": b"old parquet",
                            "validation.md": b"# failed\n"}
    assert (target / "observations.csv").stat().st_ino == inode
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2023"]


def test_a_failure_while_staging_removes_the_staging_and_keeps_the_old(tmp_path):
    target = tmp_path / "2023"
    write_tree(target, OLD)
    with pytest.raises(OutputError) as exc:
        with replaced_directory(target) as stage:
            stage("observations.csv").write_bytes(b"half")
            raise OSError(28, "No space left on device")
    assert exc.value.message == (f"{target}: could not write the outputs (No space left on device). Check that "
                                 "the folder is writable and has free space; earlier outputs are untouched.")
    assert tree(target) == OLD and sorted(p.name for p in tmp_path.iterdir()) == ["2023"]


def test_a_second_run_into_the_same_folder_waits_then_names_the_first(tmp_path):
    with output_lock(tmp_path, "extract", 0) as notes:
        assert notes == []
        assert (tmp_path / ".lock").read_text() == f"{os.getpid()} extract\n"
        started = time.monotonic()
        with pytest.raises(OutputError) as exc:
            with output_lock(tmp_path, "panel", 0.3):
                pass
        assert time.monotonic() - started >= 0.3
    assert exc.value.exit_code == 2
    assert exc.value.message == (f"another extract is writing {tmp_path} (pid {os.getpid()}); waited 0.3 s. "
                                 "Let it finish, or choose another --out.")
    assert list(tmp_path.iterdir()) == []  # the lock file goes with its run


# A run that takes the lock and dies without releasing it (as under SIGKILL), leaving a staging directory.
KILLED_RUN = """
import os, sys
from pathlib import Path
from pipeline.lock import output_lock
out = Path(sys.argv[1])
with output_lock(out, "extract", 0):
    (out / f".2023.staging-{os.getpid()}-0badcafe").mkdir()
    (out / f".2023.staging-{os.getpid()}-0badcafe" / "observations.csv").write_text("half")
    os._exit(9)
"""


def test_a_stale_lock_and_staging_are_taken_over_and_named(tmp_path):
    out = tmp_path / "out"
    killed = subprocess.Popen([sys.executable, "-c", KILLED_RUN, str(out)], cwd=ROOT)
    assert killed.wait(timeout=60) == 9
    assert (out / ".lock").read_text() == f"{killed.pid} extract\n"
    missing = tmp_path / "missing.pdf"  # the lock is taken before any PDF is read
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(missing), "--out", str(out)],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        f"{out}: took over the lock left by extract (pid {killed.pid}), which ended without releasing it "
        "(killed?).",
        f"{out}: cleaned up after a killed run: removed .2023.staging-{killed.pid}-0badcafe.",
        f"{missing}: the file does not exist. Check the path; release PDFs go in raw/.",
    ]
    assert list(out.iterdir()) == []


# extract, paused after its release is staged until the test creates "go"; it says "staged" when there.
PAUSED_EXTRACT = """
import sys, time
from pathlib import Path
from pipeline import staging
from pipeline.cli import main
flags = Path(sys.argv[1])
def pause(step):
    if step == "staged":
        (flags / "staged").touch()
        while not (flags / "go").exists():
            time.sleep(0.05)
staging.on_step = pause
sys.argv = ["jaarcijfers", "extract", *sys.argv[2:]]
main()
"""


def test_two_runs_into_the_same_out_never_mix_files(tmp_path):
    out, flags = tmp_path / "out", tmp_path
    first = subprocess.Popen([sys.executable, "-c", PAUSED_EXTRACT, str(flags), str(RAW_2023), "--out", str(out)],
                             cwd=ROOT, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 120
        while not (flags / "staged").exists():
            assert first.poll() is None and time.monotonic() < deadline, "the first run never got to its swap"
            time.sleep(0.05)
        second = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(RAW_2023), "--out", str(out),
                                 "--lock-wait", "0.5"], cwd=ROOT, capture_output=True, text=True, timeout=60)
        assert second.returncode == 2
        assert second.stderr == (f"another extract is writing {out} (pid {first.pid}); waited 0.5 s. Let it "
                                 "finish, or choose another --out.\n")
        assert not (out / "2023").exists()  # the first run's release is still only staged
    finally:
        (flags / "go").touch()
        _, err = first.communicate(timeout=120)
    assert first.returncode == 0, err
    assert sorted(p.name for p in out.iterdir()) == ["2023"]
    assert sorted(p.name for p in (out / "2023").iterdir()) == [
        "datapackage.json", "footnotes.csv", "footnotes.parquet", "observations.csv", "observations.parquet",
        "report.html", "top_nationalities.csv", "top_nationalities.parquet", "validation.json", "validation.md"]


def test_out_pointing_at_a_file_is_one_line(tmp_path):
    a_file = tmp_path / "output"
    a_file.write_text("not a folder")
    result = subprocess.run([sys.executable, "-m", "pipeline", "extract", str(RAW_2023), "--out", str(a_file)],
                            cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert result.returncode == 2
    assert result.stderr == f"{a_file}: is a file, not a folder. Choose a folder with --out.\n"
