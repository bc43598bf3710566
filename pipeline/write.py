"""Write stage: the only code that touches output files. A release is written whole or not at all.

Every release directory is written in full under a hidden staging name beside it and then swapped in one
step (``pipeline.staging``): after a crash or a kill at any moment, ``DIR/<year>/`` holds either the complete
old release or the complete new one. A failed release writes only its validation report (and page
pictures) and keeps the data files of the last good release, in the same one step.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterable, Iterator

import pandas as pd
import pandas.io.parquet  # noqa: F401  (to_parquet's own imports: with this stage, not at the first file written)
import pyarrow.parquet  # noqa: F401

from pipeline.errors import OutputError
from pipeline.model import Release, Report
from pipeline.staging import make_folder, output_error, replaced_directory, replaced_file
from pipeline.validation_report import report_to_json, report_to_markdown

DATA_TABLES = ("observations", "top_nationalities", "footnotes")
REPORT_FILES = ("validation.json", "validation.md")
PICTURES = "inspect"
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_files(directory: Path) -> Iterator[Callable[[str], Path]]:
    """Single files added to a folder that holds others (docs/): each staged beside its target and moved
    into place, all of them on success, none on failure."""
    make_folder(directory)
    staged: list[tuple[Path, Path]] = []

    def stage(name: str) -> Path:
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=directory)
        os.close(fd)
        os.chmod(tmp, 0o666 & ~_UMASK)  # mkstemp makes 0600; outputs are ordinary files
        staged.append((Path(tmp), directory / name))
        return Path(tmp)

    try:
        yield stage
        for tmp, final in staged:
            os.replace(tmp, final)
    except BaseException as exc:
        for tmp, _ in staged:
            tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise output_error(directory, exc) from exc
        raise


def frame_to_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, float_format="%.15g", lineterminator="\n", encoding="utf-8")


def frame_to_parquet(df: pd.DataFrame, path: Path) -> None:
    with open(path, "wb") as fh:  # pyarrow takes a path only when it is valid UTF-8; a file, whatever its name
        df.to_parquet(fh, index=False, engine="pyarrow")


def write_release(release: Release, report: Report, directory: Path, extra: dict[str, str] | None = None) -> list[Path]:
    """Data files, ``extra`` text files (e.g. datapackage.json) and the report: ``directory`` is replaced
    whole, in one step, or left as it was."""
    written = []
    with replaced_directory(directory) as stage:
        for name in DATA_TABLES:
            df: pd.DataFrame = getattr(release, name)
            frame_to_csv(df, stage(f"{name}.csv"))
            frame_to_parquet(df, stage(f"{name}.parquet"))
            written += [directory / f"{name}.csv", directory / f"{name}.parquet"]
        for name, text in (extra or {}).items():
            stage(name).write_text(text, encoding="utf-8")
            written.append(directory / name)
        written += _stage_report(report, stage, directory)
    return written


def write_report(report: Report, directory: Path, pictures: Iterable[bytes] = ()) -> list[Path]:
    """A failed release: its validation report and page ``pictures`` (PNG, ``inspect/page-N.png``) replace those
    in ``directory``, in one step; the data files of the last good release there are kept, byte for byte."""
    with replaced_directory(directory, keep=lambda name: name not in (*REPORT_FILES, PICTURES)) as stage:
        written = _stage_report(report, stage, directory)
        for number, png in enumerate(pictures, start=1):
            stage(f"{PICTURES}/page-{number}.png").write_bytes(png)
            written.append(directory / PICTURES / f"page-{number}.png")
    return written


def _stage_report(report: Report, stage, directory: Path) -> list[Path]:
    stage("validation.json").write_text(report_to_json(report), encoding="utf-8")
    stage("validation.md").write_text(report_to_markdown(report), encoding="utf-8")
    return [directory / "validation.json", directory / "validation.md"]


def write_pictures(pictures: Iterable[bytes], directory: Path) -> list[Path]:
    """``page-1.png`` ... one per page (PNG bytes), each atomically (``jaarcijfers inspect``: a folder the
    user chose)."""
    written = []
    with atomic_files(directory) as stage:
        for number, png in enumerate(pictures, start=1):
            stage(f"page-{number}.png").write_bytes(png)
            written.append(directory / f"page-{number}.png")
    return written


def write_database(frames: dict[str, pd.DataFrame], path: Path) -> Path:
    """The SQLite database of ``pipeline.database``, built in memory and written as one fresh file that
    replaces ``path`` in one step."""
    import sqlite3

    from pipeline.database import build

    conn = build(frames)
    try:
        with replaced_file(path) as tmp, _utf8_name(tmp) as name:
            try:
                conn.execute("VACUUM INTO ?", (name,))
            except sqlite3.Error as exc:
                raise OutputError(path, f"could not write the database ({exc}).",
                                  "Check that the folder is writable and has free space; the earlier "
                                  "database is untouched.") from exc
    finally:
        conn.close()
    return path


@contextmanager
def _utf8_name(path: Path) -> Iterator[str]:
    """A name SQLite can take for ``path`` (its SQL strings are UTF-8): ``path`` itself, or, when the folder's
    name holds other bytes, a temporary file elsewhere whose bytes are copied to ``path`` afterwards."""
    name = os.fspath(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        with tempfile.TemporaryDirectory(prefix="jaarcijfers-") as folder:
            yield os.path.join(folder, "database.sqlite")
            shutil.copyfile(os.path.join(folder, "database.sqlite"), path)
        return
    yield name
