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
