"""The one exception hierarchy of the pipeline.

Every message is one line: the file, what is wrong, and what to do next. The lines for a release's
problems are built here too, from their kind (``model.ProblemKind``). The CLI only maps the classes to exit
codes (``exit_code``); it never builds messages of its own.
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

from pipeline.model import MAPPING, CheckResult, Problem, ProblemKind, Report

_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def shown(text: str | os.PathLike) -> str:
    """``text`` (a path, a file name, a message) as one printable line of valid UTF-8: the bytes of a name
    that are not UTF-8 (which Python keeps as lone surrogates) as ``\\xff``, control and line-breaking
    characters as ``\\n``, ``\\t``, ``\\x1b``, ``\\u2028``. Every line printed and every file name written
    into an output goes through it."""
    out = []
    for ch in os.fspath(text):
        code = ord(ch)
        if 0xDC80 <= code <= 0xDCFF:  # os.fsdecode's surrogateescape of byte code - 0xDC00
            out.append(f"\\x{code - 0xDC00:02x}")
        elif ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif unicodedata.category(ch) in ("Cc", "Cs", "Zl", "Zp"):
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    return "".join(out)


class PipelineError(Exception):
    """Base class. ``exit_code`` follows the contract: 1 data problems, 2 unusable input or usage."""

    exit_code = 2

    def __init__(self, path: Path | str | None, problem: str, hint: str = "") -> None:
        self.path = str(path) if path is not None else None
        self.problem = problem
        self.hint = hint
        super().__init__(self.message)

    @property
    def message(self) -> str:
        where = f"{self.path}: " if self.path else ""
        hint = f" {self.hint}" if self.hint else ""
        return f"{where}{self.problem}{hint}"

    def __reduce__(self):  # errors cross process boundaries (a batch's workers, ``read_alongside``)
        return _restore, (type(self), self.__dict__)


def _restore(cls: type[PipelineError], state: dict) -> PipelineError:
    error = cls.__new__(cls)
    error.__dict__.update(state)
    Exception.__init__(error, error.message)
    return error


class InputError(PipelineError):
    """The file cannot be used as a release: missing, not a PDF, damaged, encrypted, scanned, other report."""

    exit_code = 2


class GuardError(InputError):
    """A page, time or memory limit was exceeded."""


class TimeLimitError(GuardError):
    """Work on one PDF took longer than ``--timeout``."""


class MemoryLimitError(GuardError):
    """Work on one PDF needed more memory than ``--max-memory`` (or a stream would inflate beyond it)."""


class UsageError(PipelineError):
    """A bad invocation: the inputs cannot be run together as given (two PDFs of the same release year)."""

    exit_code = 2


class ConfigError(PipelineError):
    """A file in schemas/ is invalid (unknown key, bad value). Fix the file it names."""

    exit_code = 2


class OutputError(PipelineError):
    """The output folder cannot be written (permissions, disk full). Earlier outputs are untouched."""

    exit_code = 2


class DataError(PipelineError):
    """The release was read, but its data cannot be trusted as it is. Exit 1; only the report is written."""

    exit_code = 1

    def __init__(self, path, problem, hint="", details: list[str] | None = None) -> None:
        self.details = list(details or [])
        super().__init__(path, problem, hint)


class UnmappedError(DataError):
    """Titles, labels or nationalities that schemas/ does not know, or expected tables that are absent."""


class AuditError(DataError):
    """Numeric tokens on the page that the extraction did not account for."""


class ValidationFailed(DataError):
    """One or more validation checks failed."""


# --- the one-line messages, built from structured problems -------------------------------------------------

_UNKNOWN = ("{kind} '{text}' ({where}): add it to {add_to}, or rerun with --allow-unmapped to keep it with "
            "mapped = false.")
_WORDING = {  # each kind of problem in words; {at} is " on page P at (x0, top, x1, bottom)" where it has a box
    ProblemKind.UNKNOWN_TABLE: _UNKNOWN,
    ProblemKind.UNKNOWN_ROW: _UNKNOWN,
    ProblemKind.UNKNOWN_NATIONALITY: _UNKNOWN,
    ProblemKind.MISSING_ROW: "missing row {text} ({id}) ({where}): expected but not found; check the PDF, or give "
                             "the metric last_year in {add_to} if the row ended.",
    ProblemKind.MISSING_TABLE: "missing table {text} ({id}): expected in every release until its last_year; check "
                               "that the PDF is complete, or give the table last_year in {add_to} if it ended.",
    ProblemKind.UNACCOUNTED: "unaccounted number '{text}'{at}: the layout there was not understood{see}.",
    ProblemKind.UNPARSED: "'{text}' ({where}) is not a Dutch number (41.820, 89%, 11,3 or -): the layout there was "
                          "not understood{see}.",
    ProblemKind.MARKER_WITHOUT_TEXT: "footnote marker {text} {where} has no footnote text{see}.",
    ProblemKind.TEXT_WITHOUT_MARKER: "footnote {text} ({where}) has no marker on any title or label{see}.",
    ProblemKind.TEXT_TWICE: "footnote {text} is printed twice{see}.",
    ProblemKind.AMBIGUOUS_MARKER: "'{text}' ({where}) ends in a full-size {id}: it may be footnote marker {id} "
                                  "or part of the text, and schemas/tables.yaml knows both; print the marker "
                                  "raised (or smaller), or remove one of the two texts from schemas/tables.yaml.",
    ProblemKind.UNCLEAR_WRAP: "the wrapped labels of table '{text}' ({where}) cannot be split into rows: no spacing "
                              "sets them apart, and the values may stand on the {id} line of each label (the "
                              "evidence contradicts itself); print the rows apart (spacing or rules) or the labels "
                              "on one line.",
    ProblemKind.LEFT_OVER_WORD: "word '{text}'{at} is left over inside a table, panel or footnote: the layout "
                                "there was not understood{see}.",
    ProblemKind.STRAY_WORD: "word '{text}'{at} stands outside every table, panel and footnote: it is in no output.",
    ProblemKind.TITLE_YEAR: "the release title '{text}' names {id}, but the newest year column is {where}: a title "
                            "and tables of different years; check that this is the PDF as published{see}.",
    ProblemKind.PANEL_WITHOUT_TABLE: "top-3 panel '{text}'{at} {where}: a panel belongs to the table it stands "
                                     "beside, above or below; the layout there was not understood{see}.",
    ProblemKind.PANEL_ELSEWHERE: "top-3 panel '{text}'{at} stands {where}, but schemas/ gives its heading to table "
                                 "{id} of this release: one of the two was read wrong{see}.",
}


def describe(p: Problem, report: Path | str | None = None) -> str:
    """One problem in words, as it follows ``<file>: `` on stderr (pointing to ``report`` where the layout is in
    question) and as it stands in validation.md."""
    box = p.box.as_dict() if p.box else None
    at = f" on page {box['page']} at ({box['x0']}, {box['top']}, {box['x1']}, {box['bottom']})" if box else ""
    line = _WORDING[p.kind].format(kind=p.kind.value, text=p.text, where=p.where, id=p.id, add_to=p.add_to, at=at,
                                   see=f"; see {report}" if report else "")
    if p.close:
        line += f" Or did you mean '{p.close[0]}' ({p.close[1]})?"
    return line


def missing_tables_line(missing: list[Problem]) -> str:
    """Several absent tables at once: most likely the PDF lacks pages, so they are named in one line."""
    names = "; ".join(f"{p.text} ({p.id})" for p in missing)
    return (f"the release is incomplete: {len(missing)} expected tables are missing: {names}. Check that the PDF "
            f"is complete (a page may be missing); a table that really ended gets last_year in {missing[0].add_to}.")


def check_line(r: CheckResult, report: Path | str) -> str:
    """A failed check that is not about single items (a schema rule, a consistency check)."""
    return f"check {r.check} failed: {r.description}: {_summary(r.details)}. See {report}."


def _summary(details) -> str:
    parts = []
    for d in details[:3]:
        shown = {k: v for k, v in d.items() if k != "cells"}
        parts.append(", ".join(f"{k}={v}" for k, v in shown.items()))
    more = f" (+{len(details) - 3} more)" if len(details) > 3 else ""
    return "; ".join(parts) + more


def release_failed(path: Path | str, report: Report, directory: Path, pictures: Path | None = None) -> DataError:
    """A release whose report has errors, as one exception with one line per problem (each naming the file).
    The last line says where the report and the page pictures were written."""
    where = directory / "validation.md"
    problems = [p for r in report.errors for p in r.problems]
    missing = [p for p in problems if p.kind is ProblemKind.MISSING_TABLE]
    lines = [missing_tables_line(missing)] if missing else []
    lines += [describe(p, where) for p in problems if p.kind is not ProblemKind.MISSING_TABLE]
    lines += [check_line(r, where) for r in report.errors if not r.problems]
    if pictures is not None and lines:
        lines[-1] += f" Page pictures of what was found: {pictures}/."
    kinds = {p.kind for p in problems}
    cls = UnmappedError if kinds & MAPPING else AuditError if kinds & {ProblemKind.UNACCOUNTED, ProblemKind.LEFT_OVER_WORD} \
        else ValidationFailed
    return cls(path, f"validation failed ({len(report.errors)} checks).", f"See {where}.",
               details=[f"{path}: {line}" for line in lines])


def same_release_year(path: Path | str, year: int, others: list[str]) -> UsageError:
    """One of several PDFs of one release year in a run: it would silently replace (or be replaced by) the
    others, so none of them is written."""
    return UsageError(path, f"release {year} is also in {', '.join(others)}: two PDFs of the same release year in "
                      "one run, and one would replace the other.", "Pass one of them; nothing was written for "
                      "either.")
