"""What the data stages import: pandera's pandas backends are registered without hypothesis (a test dependency
here; the pipeline never synthesizes data), and hiding a module is undone after the block."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

from pipeline.schema_checks import modules_hidden


def test_a_hidden_module_fails_to_import_within_the_block_only():
    sys.modules.pop("colorsys", None)  # a standard module nothing here imports
    with modules_hidden(("colorsys", "json")):
        with pytest.raises(ModuleNotFoundError):
            importlib.import_module("colorsys")
        assert importlib.import_module("json").dumps([1]) == "[1]"  # imported already: not hidden
    assert importlib.import_module("colorsys").rgb_to_hsv(1, 0, 0) == (0.0, 1.0, 1.0)


def test_the_data_stages_validate_without_importing_hypothesis():
    code = ("import sys, pipeline.validate, pipeline.schema_checks as s; s.register_backends(); "
            "print('hypothesis' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"


def _run(code: str) -> str:
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()


def test_the_command_line_freezes_what_the_data_stages_import_and_collects_again():
    """runner.imports_frozen: in the command line's process the imports load without the cycle collector, and
    the objects they made are frozen out of its way; the collector is then on again."""
    code = ("import gc; from pipeline import runner; runner.own_process(); "
            "runner.import_data_stages(); print(gc.isenabled(), gc.get_freeze_count() > 100_000)")
    assert _run(code) == "True True"


def test_a_collector_turned_off_by_the_caller_stays_off():
    code = ("import gc; from pipeline import runner; runner.own_process(); gc.disable(); "
            "runner.import_data_stages(); print(gc.isenabled())")
    assert _run(code) == "False"


def test_in_a_callers_process_nothing_is_frozen():
    code = "import gc; from pipeline import runner; runner.import_data_stages(); print(gc.isenabled(), gc.get_freeze_count())"
    assert _run(code) == "True 0"


def test_the_console_script_owns_its_process():
    code = ("import sys; from pipeline import cli; cli.own_process = lambda: print('owned', flush=True); "
            "sys.argv = ['jaarcijfers', '--version']; cli.main()")
    assert _run(code).splitlines()[0] == "owned"
