"""Write stage: the only code that touches output files. Every file is written atomically.

Files are first written beside their target under a hidden temporary name, then moved into place with
``os.replace``; a failure or crash never leaves a half-written file under its real name, and earlier
outputs stay as they were until the new ones are complete.
"""

from __future__ import annotations

import json
import os
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import pandas as pd

from pipeline.errors import OutputError
from pipeline.model import Release, Report

DATA_TABLES = ("observations", "top_nationalities", "footnotes")
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextmanager
def atomic_files(directory: Path) -> Iterator[Callable[[str], Path]]:
    """Hand out temporary paths in ``directory``; on success move them all into place, else remove them."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(directory, f"could not create the output folder ({exc.strerror or exc}).",
                          "Choose a writable folder with --out.") from exc
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
            raise OutputError(directory, f"could not write the outputs ({exc.strerror or exc}).",
                              "Check that the folder is writable and has free space; earlier outputs "
                              "are untouched.") from exc
        raise


def frame_to_csv(df: pd.DataFrame, path: Path) -> None:
    df.to_csv(path, index=False, float_format="%.15g", lineterminator="\n", encoding="utf-8")


def frame_to_parquet(df: pd.DataFrame, path: Path) -> None:
    df.to_parquet(path, index=False, engine="pyarrow")


def write_release(release: Release, report: Report, directory: Path, extra: dict[str, str] | None = None) -> list[Path]:
    """Data files, ``extra`` text files (e.g. datapackage.json) and the report, all or nothing."""
    written = []
    with atomic_files(directory) as stage:
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


def write_report(report: Report, directory: Path) -> list[Path]:
    """Only the validation report (a failed release): data files already there are left untouched."""
    with atomic_files(directory) as stage:
        return _stage_report(report, stage, directory)


def _stage_report(report: Report, stage, directory: Path) -> list[Path]:
    stage("validation.json").write_text(report_to_json(report), encoding="utf-8")
    stage("validation.md").write_text(report_to_markdown(report), encoding="utf-8")
    return [directory / "validation.json", directory / "validation.md"]


def report_to_json(report: Report) -> str:
    doc = {
        "source": Path(report.source).name,
        "release_year": report.release_year,
        "ok": report.ok,
        "summary": {v: sum(1 for r in report.results if r.verdict == v) for v in ("passed", "failed", "warning")},
        "checks": [
            {"check": r.check, "description": r.description, "severity": r.severity, "verdict": r.verdict,
             "details": list(r.details)}
            for r in report.results
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"


def report_to_markdown(report: Report) -> str:
    lines = [
        f"# Validation report: {Path(report.source).name}",
        "",
        f"Release year: {report.release_year}. Verdict: **{'passed' if report.ok else 'FAILED'}** "
        f"({len(report.results)} checks, {len(report.errors)} failed).",
        "",
        "| check | verdict | severity | what it verifies |",
        "|---|---|---|---|",
    ]
    for r in report.results:
        lines.append(f"| {r.check} | {r.verdict} | {r.severity} | {r.description} |")
    for r in report.results:
        if r.details:
            lines += ["", f"## {r.check}: {r.verdict}", ""]
            for d in r.details[:200]:
                lines.append("- " + json.dumps(d, ensure_ascii=False, default=str))
            if len(r.details) > 200:
                lines.append(f"- ... and {len(r.details) - 200} more (see validation.json)")
    return "\n".join(lines) + "\n"


def write_pictures(images, directory: Path) -> list[Path]:
    """``page-1.png`` ... one per page, atomically."""
    written = []
    with atomic_files(directory) as stage:
        for number, image in enumerate(images, start=1):
            image.save(stage(f"page-{number}.png"), format="PNG", optimize=False)
            written.append(directory / f"page-{number}.png")
    return written
