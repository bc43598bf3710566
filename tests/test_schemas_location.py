"""Which schemas a run reads, and where `dictionary` writes (issue 13): --schemas DIR, $JAARCIJFERS_SCHEMAS,
the packaged ones; messages that say where they looked; `make extract` naming the pipeline's exit code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import RAW_2023, ROOT
from pipeline.cli import cli
from pipeline.errors import ConfigError
from pipeline.schema_files import SchemasDir, find_schemas
from pipeline.schemas import Schemas

DICTIONARY = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
OLD = "Number of applications received in the year."


def run(*args: str, cwd: Path, env: dict | None = None) -> subprocess.CompletedProcess:
    """The CLI in a subprocess from ``cwd``, with $JAARCIJFERS_SCHEMAS as ``env`` says (unset by default)."""
    environ = {k: v for k, v in os.environ.items() if k != "JAARCIJFERS_SCHEMAS"} | (env or {})
    return subprocess.run([sys.executable, "-m", "pipeline", *args], cwd=cwd, env=environ, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture
def own_copy(tmp_path) -> Path:
    """A maintainer's copy of schemas/ whose one change shows in the data dictionary."""
    copy = tmp_path / "my-schemas"
    shutil.copytree(ROOT / "schemas", copy, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    text = (copy / "metrics.yaml").read_text(encoding="utf-8")
    (copy / "metrics.yaml").write_text(text.replace(OLD, "Applications, as counted by my copy."), encoding="utf-8")
    return copy


def test_packaged_schemas_are_the_projects_folder_in_a_clone(monkeypatch):
    monkeypatch.delenv("JAARCIJFERS_SCHEMAS", raising=False)
    assert find_schemas() == SchemasDir(ROOT / "schemas", "checkout")


def test_schemas_option_and_environment_point_a_run_at_a_copy(tmp_path, own_copy):
    (tmp_path / "cwd").mkdir()
    packaged = run("dictionary", cwd=tmp_path / "cwd")
    assert packaged.returncode == 0 and packaged.stdout == DICTIONARY
    by_option = run("dictionary", "--schemas", str(own_copy), cwd=tmp_path / "cwd")
    by_env = run("dictionary", cwd=tmp_path / "cwd", env={"JAARCIJFERS_SCHEMAS": str(own_copy)})
    option_wins = run("dictionary", "--schemas", str(own_copy), cwd=tmp_path / "cwd",
                      env={"JAARCIJFERS_SCHEMAS": str(tmp_path / "nowhere")})
    for result in (by_option, by_env, option_wins):
        assert result.returncode == 0, result.stderr
        assert result.stdout == DICTIONARY.replace(OLD, "Applications, as counted by my copy.")
    assert list((tmp_path / "cwd").iterdir()) == []  # printed, not written into a docs/ under the cwd


def test_dictionary_writes_where_it_is_told_from_any_folder(tmp_path):
    result = run("dictionary", "--out", "sub/dictionary.md", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stderr == "data dictionary -> sub/dictionary.md\n"
    assert [p.relative_to(tmp_path).as_posix() for p in sorted(tmp_path.rglob("*"))] == ["sub", "sub/dictionary.md"]
    assert (tmp_path / "sub" / "dictionary.md").read_text(encoding="utf-8") == DICTIONARY


def test_a_missing_schema_file_names_the_folder_given_and_what_to_do(tmp_path, own_copy):
    (own_copy / "checks.yaml").unlink()
    hint = ("Point it at a copy of the project's schemas/ folder (all its .yaml files), or {} to use the schemas "
            "installed with jaarcijfers.")
    extract = run("extract", str(RAW_2023), "--out", "out", "--schemas", str(own_copy), cwd=tmp_path)
    assert extract.returncode == 2
    assert extract.stderr == (f"{own_copy / 'checks.yaml'}: the schema file is missing from the schemas folder "
                              f"given with --schemas. {hint.format('leave out --schemas')}\n")
    assert not (tmp_path / "out").exists()
    inspect = run("inspect", str(RAW_2023), "--out", "pics", cwd=tmp_path, env={"JAARCIJFERS_SCHEMAS": str(own_copy)})
    assert inspect.returncode == 2
    assert inspect.stderr == (f"{own_copy / 'checks.yaml'}: the schema file is missing from the schemas folder "
                              f"named by JAARCIJFERS_SCHEMAS. {hint.format('unset JAARCIJFERS_SCHEMAS')}\n")
    nowhere = run("dictionary", "--schemas", str(tmp_path / "nowhere"), cwd=tmp_path)
    assert nowhere.returncode == 2 and nowhere.stdout == ""
    assert nowhere.stderr == (f"{tmp_path / 'nowhere'}: the schemas folder given with --schemas does not exist. "
                              f"{hint.format('leave out --schemas')}\n")


def test_a_missing_file_in_a_clone_says_to_restore_it_from_git(own_copy):
    (own_copy / "layout.yaml").unlink()
    with pytest.raises(ConfigError) as err:
        Schemas(SchemasDir(own_copy, "checkout"))
    assert err.value.message == (f"{own_copy / 'layout.yaml'}: the schema file is missing from the project's "
                                 "schemas/ folder. Restore it from git (`git checkout -- schemas/layout.yaml` in "
                                 "the clone).")
    assert err.value.exit_code == 2


def test_dictionary_has_help_with_an_example():
    result = CliRunner().invoke(cli, ["dictionary", "--help"])
    assert result.exit_code == 0
    assert "jaarcijfers dictionary --out docs/data-dictionary.md" in result.output and "--schemas DIR" in result.output


def test_make_extract_ends_with_the_pipelines_exit_code(tmp_path):
    """make exits 2 whatever the recipe's code; the recipe's last line says which code the pipeline gave."""
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "bad.pdf").write_text("not a PDF", encoding="utf-8")
    (tmp_path / "pyproject.toml").touch()
    os.utime(tmp_path / "pyproject.toml", (0, 0))  # older than the stamp: make sets up nothing
    stamp = tmp_path / "installed"
    stamp.touch()
    top_level = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    result = subprocess.run(["make", "--no-print-directory", "extract", f"PY={sys.executable}", f"STAMP={stamp}"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=300,
                            env=top_level)  # as a user runs it, also when the suite itself runs under make
    assert result.returncode == 2
    assert result.stdout == "jaarcijfers extract --out output\n"
    lines = result.stderr.splitlines()
    assert lines[0] == "raw/bad.pdf: this is not a PDF file. Pass the IND Jaarcijfers release PDF."
    assert lines[1] == "jaarcijfers extract exited 2: see the lines above"
    assert lines[2].startswith("make: *** [Makefile:") and lines[2].endswith("extract] Error 2")
    assert len(lines) == 3
