"""A pandera schema run as checks: one ``CheckResult`` per column type, null rule, value rule and frame rule.

The schema is run lazily, so every failure is collected; each failing row is joined back to its page and
box, so that a failed check names the numbers involved and where they stand.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from contextlib import contextmanager
from functools import lru_cache

import pandas as pd
import pandera.pandas as pa
from pandera.dtypes import immutable
from pandera.engines import pandas_engine
from pandera.errors import SchemaErrors

from pipeline import contract
from pipeline.model import CheckResult

POSITION = ["page", "x0", "top", "x1", "bottom"]
# Modules pandera imports at its first validation that the pipeline never uses: its data-synthesis strategies
# import hypothesis (a test dependency here) when it is installed, about 0.15 s of CPU per process.
NOT_NEEDED = ("hypothesis",)
SHOWN = ("table_id", "table_nl", "metric_id", "label_nl", "panel_nl", "year", "raw", "value", "nationality_nl",
         "footnote_id", *POSITION)


@contextmanager
def modules_hidden(names: tuple[str, ...]):
    """Within the block, ``import`` of any of ``names`` not imported yet fails as if it were not installed
    (Python's own rule for a ``None`` in ``sys.modules``); afterwards they import as usual."""
    hidden = [n for n in names if n not in sys.modules]
    for n in hidden:
        sys.modules[n] = None
    try:
        yield
    finally:
        for n in hidden:
            if sys.modules.get(n, 0) is None:
                del sys.modules[n]


def register_backends() -> None:
    """Validate a one-row frame, so that pandera registers its pandas backends now and without what it
    does not need (``NOT_NEEDED``). Run when this module is imported: by the runner's ``import_data_stages``,
    while the PDF is being read, instead of within the first release's validation."""
    with modules_hidden(NOT_NEEDED):
        pa.DataFrameSchema({"n": pa.Column(int, pa.Check.ge(0))}).validate(pd.DataFrame({"n": [0]}))


register_backends()


@immutable(init=True)
class ExactString(pandas_engine.STRING):
    """pandera's ``STRING`` (pandas' string dtype), whose check of a column of that very type is one ``True``.

    ``STRING`` answers it with one True per value. pandera then treats the answer as element-wise: it builds
    the failure cases of none of the values and a message that prints them, about a quarter of a release's
    validation. Any other type is checked by ``STRING`` itself, with the same verdict and failure cases."""

    def check(self, pandera_dtype, data_container=None):
        try:
            if pandas_engine.Engine.dtype(pandera_dtype).type == self.type:
                return True
        except TypeError:
            pass
        return super().check(pandera_dtype, data_container)


@lru_cache(maxsize=None)
def column_dtype(pandas_dtype: str):
    """The pandera dtype of a contract column whose frames hold ``pandas_dtype`` (pandera's dtypes are
    immutable: made once per process, as finding some costs a failed import each time)."""
    dtype = pandas_engine.Engine.dtype(pandas_dtype)
    return ExactString(storage=dtype.storage) if type(dtype) is pandas_engine.STRING else dtype


def check_schema(name: str, schema: pa.DataFrameSchema, df: pd.DataFrame) -> list[CheckResult]:
    """Run ``schema`` on the output table ``name``; one result per check, failures with their rows."""
    names = _check_names(name, schema)
    failures: dict[str, list[dict]] = defaultdict(list)
    seen: set[tuple[str, int]] = set()
    try:
        schema.validate(df, lazy=True)
    except SchemaErrors as exc:
        for _, case in exc.failure_cases.iterrows():
            key = _failure_key(case)
            names.setdefault(key, key)
            idx = case.get("index")
            row = int(idx) if idx is not None and not pd.isna(idx) and int(idx) in df.index else None
            if key.startswith("frame:") and row is not None:  # a rule on the row: pandera lists every cell
                if (key, row) in seen:
                    continue
                seen.add((key, row))
                detail = {}
            else:
                detail = {"column": case.get("column"), "failure_case": plain(case.get("failure_case"))}
            if row is not None:
                detail.update({k: plain(df.loc[row, k]) for k in df.columns if k in SHOWN})
            failures[key].append(detail)
    return [CheckResult(f"{name}: {label}", f"pandera schema of {name}", "error", key not in failures,
                        tuple(failures.get(key, ())), group="schema")
            for key, label in names.items()]


def _check_names(table: str, schema: pa.DataFrameSchema) -> dict[str, str]:
    names: dict[str, str] = {}
    for col, column in schema.columns.items():
        names[f"{col}:dtype"] = f"{col} has type {contract.column(table, col).pandas_dtype}"
        for check in column.checks:
            names[f"{col}:{check.name}"] = f"{col} {check.name}"
        if not column.nullable:
            names[f"{col}:not_nullable"] = f"{col} has no empty values"
    for check in schema.checks:
        names[f"frame:{check.name}"] = check.name
    names["frame:columns"] = "exactly the contract's columns, in order"
    return names


def _failure_key(case) -> str:
    check = str(case.get("check"))
    column = case.get("column")
    if case.get("schema_context") == "Column":
        if check.startswith("dtype("):
            return f"{column}:dtype"
        if check == "not_nullable":
            return f"{column}:not_nullable"
        return f"{column}:{check.split('(')[0] if '(' in check and column else check}"
    if check in ("column_in_schema", "column_in_dataframe", "column_ordered"):
        return "frame:columns"
    return f"frame:{check}"


def plain(v):
    """A cell as plain JSON-able Python: None for any null, numpy scalars as Python numbers."""
    if v is None or (not isinstance(v, str) and pd.api.types.is_scalar(v) and pd.isna(v)):
        return None
    if hasattr(v, "item"):
        return v.item()
    return v
