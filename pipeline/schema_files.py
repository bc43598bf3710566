"""Where a run reads the mappings: ``--schemas DIR``, else $JAARCIJFERS_SCHEMAS, else the packaged ones.

The project's top-level ``schemas/`` is their one home. pyproject.toml maps it into the package as
``pipeline.schemas_data``, so a wheel carries it and an editable install reads the folder in place;
``importlib.resources`` finds it either way. Messages about a missing file say which folder was read and why.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Literal

from pipeline import __version__

ENV_VAR = "JAARCIJFERS_SCHEMAS"


@dataclass(frozen=True)
class SchemasDir:
    """The folder the mappings are read from, and how it was chosen: messages say where they looked."""

    path: Path
    origin: Literal["--schemas", "JAARCIJFERS_SCHEMAS", "checkout", "installed"] = "--schemas"

    def missing(self, file: str | None = None) -> tuple[str, str]:
        """The problem and the next step when a schema ``file`` (None: the folder itself) is not there."""
        copy = "a copy of the project's schemas/ folder (all its .yaml files)"
        if self.origin in ("--schemas", ENV_VAR):
            given = "given with --schemas" if self.origin == "--schemas" else f"named by {ENV_VAR}"
            drop = "leave out --schemas" if self.origin == "--schemas" else f"unset {ENV_VAR}"
            problem = (f"the schema file is missing from the schemas folder {given}." if file else
                       f"the schemas folder {given} does not exist.")
            return problem, f"Point it at {copy}, or {drop} to use the schemas installed with jaarcijfers."
        if self.origin == "checkout":
            return ("the schema file is missing from the project's schemas/ folder." if file else
                    "the project's schemas/ folder is missing.",
                    f"Restore it from git (`git checkout -- schemas/{file or ''}` in the clone).")
        return ((f"the schema file is missing from the schemas installed with jaarcijfers {__version__}."
                 if file else f"the schemas installed with jaarcijfers {__version__} are missing."),
                "Reinstall jaarcijfers (`pip install --force-reinstall` with the wheel or clone it came from), "
                f"or pass --schemas DIR or set {ENV_VAR} with {copy}.")


def packaged_schemas() -> Path:
    """The folder of the mappings shipped with the package: the project's top-level ``schemas/``, which
    pyproject.toml maps into the wheel as ``pipeline.schemas_data`` (an editable install reads it in place)."""
    try:
        return Path(resources.files("pipeline.schemas_data"))  # a folder: wheels install unzipped
    except ModuleNotFoundError:  # a source tree that was never installed (PYTHONPATH=.)
        return Path(__file__).resolve().parent.parent / "schemas"


def find_schemas(option: Path | str | None = None) -> SchemasDir:
    """Where a run reads its mappings: ``--schemas DIR``, else $JAARCIJFERS_SCHEMAS, else the packaged ones
    (in a clone, its own ``schemas/``)."""
    if option:
        return SchemasDir(Path(option), "--schemas")
    if os.environ.get(ENV_VAR):
        return SchemasDir(Path(os.environ[ENV_VAR]), ENV_VAR)
    path = packaged_schemas()
    return SchemasDir(path, "checkout" if (path.parent / "pyproject.toml").is_file() else "installed")
