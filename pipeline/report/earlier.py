"""Which releases a report's trends show: every earlier release under the output folder when the run started.

Taken once per run, before any release is written (``batch.run_batch``), so a release's page does not
depend on the order in which the PDFs of a batch finish; later releases do not change an earlier page. A
batch reads them as it found them, too, before it writes any (``page.earlier_as_found``): one it writes anew
shows in every later page as it was when the run started.
Imports nothing heavy: the runner's parent process calls it.
"""

from __future__ import annotations

from pathlib import Path


def release_files(out: Path) -> tuple[str, ...]:
    """``out/<year>/observations.parquet`` of every release under ``out``, oldest first."""
    return tuple(sorted(str(p) for p in Path(out).glob("[0-9][0-9][0-9][0-9]/observations.parquet")))


def earlier_than(files: tuple[str, ...], year: int) -> tuple[str, ...]:
    """The ``release_files`` of the releases before ``year``."""
    return tuple(f for f in files if int(Path(f).parent.name) < year)
