"""The one exception hierarchy of the pipeline.

Every message is one line: the file, what is wrong, and what to do next. The CLI only maps the classes
to exit codes (``exit_code``); it never builds messages of its own.
"""

from __future__ import annotations

from pathlib import Path


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
    """A page or time limit was exceeded."""


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
