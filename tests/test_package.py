"""Install it like a library (issue 13): the sdist and the wheel carry schemas/, and the wheel, installed into a
fresh virtual environment, extracts the raw/ PDF exactly from a folder that is not the project's.

One test, about 40 s: most of it is pip installing the dependencies (pandas, pyarrow, ...) into the fresh
environment from the package index or pip's cache, as a user's `pip install` does.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import tarfile
import types
import zipfile
from pathlib import Path

import pandas as pd
from click.testing import CliRunner

from conftest import RAW_2023, ROOT, assert_same_dataset, golden_frames
from pipeline import __version__
from pipeline.cli import cli

SCHEMA_FILES = sorted(p.name for p in (ROOT / "schemas").glob("*.yaml"))
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv", "output", "build", "dist", "*.egg-info", "__pycache__",
                                    ".pytest_cache", ".hypothesis", ".bench", "generated", "inspect")


def sh(*cmd, cwd: Path, timeout: float = 300) -> subprocess.CompletedProcess:
    result = subprocess.run([str(c) for c in cmd], cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, f"{' '.join(map(str, cmd))} exited {result.returncode}:\n{result.stderr[-3000:]}"
    return result


def build_sdist(source: Path, dist: Path) -> Path:
    """The sdist through setuptools' PEP 517 hook, in a copy of the work tree (builds leave files behind)."""
    hook = f"from setuptools import build_meta; print(build_meta.build_sdist({str(dist)!r}))"
    return dist / sh(sys.executable, "-c", hook, cwd=source).stdout.strip().splitlines()[-1]


def test_the_wheel_installed_in_a_fresh_venv_extracts_the_release_exactly_from_elsewhere(tmp_path):
    source = tmp_path / "clone"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    sdist = build_sdist(source, tmp_path / "dist")
    with tarfile.open(sdist) as tar:
        members = {Path(*Path(m).parts[1:]).as_posix() for m in tar.getnames()}
        tar.extractall(tmp_path / "sdist", filter="data")
    assert {f"schemas/{f}" for f in SCHEMA_FILES} | {"LICENSE", "pyproject.toml"} <= members

    unpacked = next((tmp_path / "sdist").iterdir())  # the wheel is built from the sdist, as `python -m build` does
    sh(sys.executable, "-m", "pip", "wheel", unpacked, "--no-deps", "--no-build-isolation", "-w", tmp_path / "dist",
       cwd=tmp_path)
    wheel = next((tmp_path / "dist").glob("jaarcijfers-*.whl"))
    assert wheel.name == f"jaarcijfers-{__version__}-py3-none-any.whl"
    with zipfile.ZipFile(wheel) as zf:
        assert {f"pipeline/schemas_data/{f}" for f in SCHEMA_FILES} <= set(zf.namelist())

    venv = tmp_path / "venv"
    sh(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    python, script = venv / "bin" / "python", venv / "bin" / "jaarcijfers"
    sh(sys.executable, "-m", "pip", "--python", python, "install", "--quiet", wheel, cwd=tmp_path, timeout=540)

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert sh(script, "--version", cwd=elsewhere).stdout == f"jaarcijfers, version {__version__}\n"
    where = sh(python, "-c", "from pipeline.schema_files import find_schemas; s = find_schemas(); "
               "print(s.origin, s.path)", cwd=elsewhere).stdout.split()
    installed = Path(where[1])  # the wheel's copy, not the project's schemas/
    assert where[0] == "installed"
    assert installed == next((venv / "lib").glob("python3*")) / "site-packages" / "pipeline" / "schemas_data"

    pdf = elsewhere / "ind-jaarcijfers-2023.pdf"
    shutil.copy(RAW_2023, pdf)
    result = subprocess.run([script, "extract", pdf.name, "--out", "out"], cwd=elsewhere, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "ok, release 2023: 324 numbers, 30 top-3 entries, 8 footnotes -> out/2023/" in result.stderr
    frames = {t: pd.read_parquet(elsewhere / "out" / "2023" / f"{t}.parquet")
              for t in ("observations", "top_nationalities", "footnotes")}
    assert_same_dataset(types.SimpleNamespace(**frames), golden_frames(), "installed wheel")
    assert sorted(p.name for p in elsewhere.iterdir()) == ["ind-jaarcijfers-2023.pdf", "out"]

    (installed / "checks.yaml").unlink()  # an installation that lost a file says so, and what to do
    broken = subprocess.run([script, "dictionary"], cwd=elsewhere, capture_output=True, text=True, timeout=60)
    assert broken.returncode == 2 and broken.stdout == ""
    assert broken.stderr == (
        f"{installed / 'checks.yaml'}: the schema file is missing from the schemas installed with jaarcijfers "
        f"{__version__}. Reinstall jaarcijfers (`pip install --force-reinstall` with the wheel or clone it came "
        "from), or pass --schemas DIR or set JAARCIJFERS_SCHEMAS with a copy of the project's schemas/ folder "
        "(all its .yaml files).\n")


def test_version_is_the_package_version():
    """pipeline.__version__ is the one source: pyproject.toml reads it (dynamic), --version prints it."""
    result = CliRunner().invoke(cli, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"jaarcijfers, version {__version__}\n"
    assert importlib.metadata.version("jaarcijfers") == __version__
