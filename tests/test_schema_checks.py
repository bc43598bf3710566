"""schema_checks.ExactString: pandera's string dtype with a one-value answer for a column of that very type; any
other column gets pandera's own verdict and failure cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest
from pandera.errors import SchemaErrors

from pipeline import contract
from pipeline.schema_checks import ExactString, check_schema, column_dtype
from pipeline.validate import output_schema

SERIES = {
    "string": pd.Series(["a", None, "b"], dtype="string"),
    "str": pd.Series(["a", None, "b"], dtype="str"),
    "object of strings": pd.Series(["a", "b"], dtype=object),
    "object with a number": pd.Series(["a", 3, None], dtype=object),
    "int64": pd.Series([1, 2], dtype="int64"),
    "float64": pd.Series([1.5, np.nan]),
    "empty object": pd.Series([], dtype=object),
    "bool": pd.Series([True, False]),
}


def _failures(dtype, series: pd.Series):
    """(passed, failure cases) of a one-column schema of ``dtype`` on ``series``."""
    schema = pa.DataFrameSchema({"c": pa.Column(dtype, nullable=True)})
    try:
        schema.validate(pd.DataFrame({"c": series}), lazy=True)
    except SchemaErrors as exc:
        return False, exc.failure_cases[["check", "index", "failure_case"]].astype(str).values.tolist()
    return True, []


@pytest.mark.parametrize("name", SERIES)
def test_the_verdict_and_failure_cases_are_pandera_own(name):
    assert _failures(ExactString(storage="pyarrow"), SERIES[name]) == _failures("string", SERIES[name])


def test_a_column_of_the_type_passes_with_one_answer():
    dtype = ExactString(storage="pyarrow")
    assert dtype.check(pa.engines.pandas_engine.Engine.dtype(SERIES["str"].dtype), SERIES["str"]) is True
    assert str(dtype) == "string[pyarrow]"


def test_every_string_column_of_the_contract_is_checked_so_and_no_other():
    for table, columns in contract.TABLES.items():
        schema = output_schema(table)
        for c in columns:
            assert isinstance(schema.columns[c.name].dtype, ExactString) == (c.type == "string"), (table, c.name)
    assert str(column_dtype("Int64")) == "Int64"


def test_a_contract_type_is_looked_up_once_per_process():
    """Finding some of pandera's dtypes costs a failed import (of geopandas) each time: about 2 ms of a release's
    validation, 40 columns a release. pandera's dtypes are immutable: one serves every schema."""
    assert all(column_dtype(c.pandas_dtype) is column_dtype(c.pandas_dtype)
               for columns in contract.TABLES.values() for c in columns)


def test_a_number_in_a_text_column_is_a_failed_type_check_naming_it():
    schema = pa.DataFrameSchema({"text": pa.Column(column_dtype("string"))})
    frame = pd.DataFrame({"text": pd.Series(["een", 2], dtype=object)})
    results = {r.check: r for r in check_schema("footnotes", schema, frame)}
    assert not results["footnotes: text has type string"].passed
    assert results["footnotes: text has type string"].details == ({"column": "text", "failure_case": 2},)
    assert results["footnotes: text has no empty values"].passed
