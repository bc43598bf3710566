"""Shared fixtures: the 2023 inputs, the golden set, and the pipeline run in-process."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pytest
import yaml

from pipeline import contract

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
RAW_2023 = ROOT / "raw" / "ind-jaarcijfers-2023.pdf"
RECONSTRUCTION = FIXTURES / "ind-jaarcijfers-2023-reconstruction.pdf"
GOLDEN = FIXTURES / "golden" / "2023"
SPEC_2023 = FIXTURES / "releases" / "2023.yaml"
# The committed PDFs of the 2023 release: raw/'s, the reconstruction, and the other tools' renderings.
FIXTURE_PDFS = [RAW_2023, RECONSTRUCTION, *sorted((FIXTURES / "other-tools").glob("*.pdf"))]

# What the golden set pins, per output table: every contract column but the positions (checked separately).
POSITION = ("page", "x0", "top", "x1", "bottom")
COMPARE = {table: [c for c in contract.names(table) if c not in POSITION] for table in contract.TABLES}
SORT = {
    "observations": ["table_id", "metric_id", "year"],
    "top_nationalities": ["table_id", "rank"],
    "footnotes": ["footnote_id", "table_id", "metric_id"],
}


def _load_module(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@lru_cache(maxsize=None)
def generator():
    return _load_module("fixture_generator", FIXTURES / "generate.py")


@lru_cache(maxsize=None)
def mutations():
    return _load_module("fixture_mutations", FIXTURES / "mutations.py")


@lru_cache(maxsize=None)
def hostile():
    return _load_module("fixture_hostile", FIXTURES / "hostile.py")


@lru_cache(maxsize=None)
def golden_tools():
    return _load_module("fixture_golden", FIXTURES / "golden.py")


def load_spec(path: Path = SPEC_2023) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def part_of(spec: dict, sections: int, tables: int | None = None) -> dict:
    """The first ``sections`` sections of a release spec (of the first, its first ``tables`` tables) and the
    footnotes their markers name: a release quick to render and read, whose absent tables are only warnings
    under --allow-unmapped."""
    spec = copy.deepcopy(spec)
    spec["sections"] = spec["sections"][:sections]
    if tables is not None:
        spec["sections"][0]["tables"] = spec["sections"][0]["tables"][:tables]
    used = {m for s in spec["sections"] for t in s["tables"]
            for m in t.get("markers", []) + [m for r in t["rows"] for m in r.get("markers", [])]}
    spec["footnotes"] = [f for f in spec.get("footnotes", []) if str(f["id"]) in used]
    return spec


def comparable(df: pd.DataFrame, table: str) -> pd.DataFrame:
    """The pinned columns as strings, in a stable order, so frames compare exactly."""
    out = df[COMPARE[table]].copy()
    for col in out.columns:
        out[col] = out[col].map(_as_text).astype(object)
    return out.sort_values(SORT[table], kind="stable").reset_index(drop=True)


def assert_same_dataset(release, want: dict[str, pd.DataFrame], obj: str) -> None:
    """The release's three tables equal ``want`` on the pinned columns. A rendering may print "89 %" for
    "89%" and typographic quotes for straight ones: ``raw`` and texts are compared without those, on both
    sides (``want`` may be the release as a layout prints it, see generate.printed_spec)."""
    for table in ("observations", "top_nationalities", "footnotes"):
        got = printed_variants(comparable(getattr(release, table), table))
        pd.testing.assert_frame_equal(got, printed_variants(comparable(want[table], table)), obj=f"{obj} {table}")


def printed_variants(frame: pd.DataFrame) -> pd.DataFrame:
    """``raw`` and texts without the blank before a "%" and with straight quotes."""
    for col in ("raw", "label_nl", "text"):
        if col in frame:
            frame[col] = frame[col].str.replace(r"[\s\u00a0]%", "%", regex=True).str.replace("’", "'")
    return frame


# The pandas type of a Frictionless field: (type, required) -> dtype (nullable extension types where null may be).
DESCRIBED_DTYPES = {("integer", True): "int64", ("integer", False): "Int64", ("number", True): "float64",
                    ("number", False): "Float64", ("string", True): "string", ("string", False): "string",
                    ("boolean", True): "bool", ("boolean", False): "boolean"}


def read_csv_as_described(directory: Path, table: str) -> pd.DataFrame:
    """A written CSV read with the types and missing values its datapackage.json gives."""
    package = json.loads((directory / "datapackage.json").read_text(encoding="utf-8"))
    schema = next(r for r in package["resources"] if r["name"] == table)["schema"]
    dtypes = {f["name"]: DESCRIBED_DTYPES[(f["type"], bool(f.get("constraints", {}).get("required")))]
              for f in schema["fields"]}
    return pd.read_csv(directory / f"{table}.csv", dtype=dtypes, keep_default_na=False,
                       na_values=schema["missingValues"])


def assert_csv_equals_parquet(directory: Path, table: str) -> None:
    """Each column has the same type and values in the CSV (read as described) and in the Parquet file."""
    pd.testing.assert_frame_equal(read_csv_as_described(directory, table),
                                  pd.read_parquet(directory / f"{table}.parquet"), obj=table)


def golden_frames() -> dict[str, pd.DataFrame]:
    return {t: read_golden(t) for t in COMPARE}


def _as_text(v) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def read_golden(table: str) -> pd.DataFrame:
    return pd.read_csv(GOLDEN / f"{table}.csv", dtype=str, keep_default_na=False)


@lru_cache(maxsize=None)
def run_pipeline(pdf: str, allow_unmapped: bool = False):
    """extract -> normalize -> validate, in-process; returns (raw, release, report)."""
    from pipeline.extract import extract_pdf
    from pipeline.normalize import normalize
    from pipeline.schemas import Schemas
    from pipeline.validate import validate

    schemas = Schemas()
    raw = extract_pdf(Path(pdf), schemas)
    release = normalize(raw, schemas)
    report = validate(release, raw, schemas, allow_unmapped=allow_unmapped)
    return raw, release, report


@pytest.fixture(scope="session")
def spec_2023() -> dict:
    return load_spec()


@pytest.fixture(scope="session")
def two_releases(tmp_path_factory):
    """An output folder with the 2023 release (raw/) and, extracted after it, a generated 2024 release
    (years shifted, three numbers revised: ``test_releases.REVISED``); then ``panel`` run on it.
    Returns (the folder, the panel command's CompletedProcess)."""
    from test_releases import release_2024

    from pipeline.runner import Options, run_one

    work = tmp_path_factory.mktemp("two-releases")
    pdf = generator().render(release_2024(load_spec()), "stacked", work / "ind-jaarcijfers-2024.pdf")
    out = work / "out"
    for path in (RAW_2023, pdf):
        outcome = run_one(str(path), Options(out=out))
        assert outcome.exit_code == 0, outcome.lines
    panel = subprocess.run([sys.executable, "-m", "pipeline", "panel", "--out", str(out)], cwd=ROOT,
                           capture_output=True, text=True, timeout=120)
    assert panel.returncode == 0, panel.stderr
    return out, panel
