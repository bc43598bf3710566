"""DIR/jaarcijfers.sqlite (issue 15): tables and views from the column contract, equal to the panel,
byte-identical on a rebuild, served by a real Datasette, and the README's analyst queries."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from conftest import RAW_2023, ROOT, read_golden
from pipeline import __version__, contract
from pipeline.vintages import KEY
from test_releases import REVISED

DB = "jaarcijfers.sqlite"


@pytest.fixture(scope="module")
def db(two_releases):
    out, _ = two_releases
    conn = sqlite3.connect(f"file:{out / DB}?mode=ro", uri=True)
    conn.row_factory = sqlite3.Row
    yield conn
    conn.close()


def rows(conn, sql: str, *args) -> list[dict]:
    return [dict(r) for r in conn.execute(sql, args)]


def newest_vintage(panel: pd.DataFrame) -> pd.DataFrame:
    """Per table, metric and year, the row of the newest release printing it (computed from the panel)."""
    mapped = panel[panel["mapped"]]
    return mapped.sort_values("release_year").groupby(KEY).tail(1).sort_values(KEY, ignore_index=True)


def as_records(df: pd.DataFrame) -> list[dict]:
    """Plain values (null as None, booleans as 0/1) for comparing with SQLite rows."""
    out = df.astype(object).where(df.notna(), None)
    return [{k: int(v) if isinstance(v, bool) else v for k, v in r.items()} for r in out.to_dict("records")]


def test_every_table_and_view_column_is_declared_in_the_contract(db):
    objects = {r["name"]: r["type"] for r in rows(db, "SELECT name, type FROM sqlite_master WHERE type IN "
                                                      "('table', 'view')")}
    assert objects == {**{t: "table" for t in contract.DATABASE_TABLES}, **{v: "view" for v in contract.DATABASE_VIEWS}}
    documented = rows(db, "SELECT * FROM columns ORDER BY table_name, position")
    for name, columns in (*contract.DATABASE_TABLES.items(), *contract.DATABASE_VIEWS.items()):
        actual = [r["name"] for r in rows(db, f'PRAGMA table_info("{name}")')]
        assert actual == [c.name for c in columns], name
        mine = [r for r in documented if r["table_name"] == name]
        assert [(r["column_name"], r["type"], bool(r["nullable"]), r["unit"] or "", r["description"])
                for r in mine] == [(c.name, c.type, c.nullable, c.unit, c.description) for c in columns], name
    value = rows(db, "SELECT unit, description FROM columns WHERE table_name = 'latest' AND column_name = 'value'")
    assert value == [{"unit": "see unit", "description": contract.column("observations", "value").description}]
    assert rows(db, "SELECT count(*) AS n FROM columns")[0]["n"] == sum(
        len(c) for c in (*contract.DATABASE_TABLES.values(), *contract.DATABASE_VIEWS.values()))


def test_observations_latest_first_print_and_revisions_equal_the_panel(db, two_releases):
    out, _ = two_releases
    panel = pd.read_parquet(out / "panel" / "observations.parquet")
    names = [c.name for c in contract.PANEL]
    got = rows(db, "SELECT * FROM observations ORDER BY release_year, table_id, metric_id, year")
    assert len(got) == 2 * 324 and got == as_records(panel.reindex(columns=names))
    assert sum(r["revised"] for r in got) == 3

    latest = rows(db, "SELECT * FROM latest")
    want = newest_vintage(panel).reindex(columns=[c.name for c in contract.OBSERVATIONS])
    assert latest == as_records(want)
    assert len(latest) == 324 + 108  # 2022-2024 from the 2024 release, 2021 as the 2023 release printed it
    assert {(r["year"], r["release_year"]) for r in latest} == {(2021, 2023), (2022, 2024), (2023, 2024),
                                                                (2024, 2024)}
    family = {r["year"]: r["raw"] for r in latest if (r["table_id"], r["metric_id"]) ==
              ("family_reunification", "applications")}
    assert family == {2021: "37.790", 2022: "45.300", 2023: "41.900", 2024: "41.827"}

    first = rows(db, "SELECT table_id, metric_id, year, raw, release_year, revised FROM first_print "
                     "WHERE table_id = 'family_reunification' AND metric_id = 'applications'")
    assert first == [{"table_id": "family_reunification", "metric_id": "applications", "year": y, "raw": raw,
                      "release_year": r, "revised": int(y == 2023)}
                     for y, raw, r in ((2021, "37.790", 2023), (2022, "45.300", 2023), (2023, "41.820", 2023),
                                       (2024, "41.827", 2024))]

    revisions = rows(db, "SELECT * FROM revisions")
    csv = pd.read_csv(out / "panel" / "revisions.csv", keep_default_na=False, na_values=[""],
                      dtype={c.name: {"string": str, "number": float}.get(c.type, "int64") for c in contract.REVISIONS})
    assert revisions == as_records(csv)
    golden = {(r.table_id, r.metric_id, int(r.year)): r.raw for r in read_golden("observations").itertuples()}
    assert {(r["table_id"], r["metric_id"], r["year"]): (r["old_raw"], r["new_raw"], r["old_release"],
                                                         r["new_release"]) for r in revisions} == {
        k: (golden[k], v, 2023, 2024) for k, v in REVISED.items()}


def test_releases_name_each_pdf_with_its_sha256(db, two_releases):
    out, _ = two_releases
    pdf_2024 = out.parent / "ind-jaarcijfers-2024.pdf"
    assert rows(db, "SELECT * FROM releases ORDER BY release_year") == [
        {"release_year": 2023, "source": RAW_2023.name, "sha256": hashlib.sha256(RAW_2023.read_bytes()).hexdigest(),
         "pipeline_version": __version__},
        {"release_year": 2024, "source": pdf_2024.name, "sha256": hashlib.sha256(pdf_2024.read_bytes()).hexdigest(),
         "pipeline_version": __version__}]
    top = rows(db, "SELECT release_year, count(*) AS n FROM top_nationalities GROUP BY release_year")
    notes = rows(db, "SELECT release_year, count(*) AS n FROM footnotes GROUP BY release_year")
    assert top == [{"release_year": 2023, "n": 30}, {"release_year": 2024, "n": 30}]
    assert notes == [{"release_year": 2023, "n": 8}, {"release_year": 2024, "n": 8}]


def test_a_rebuild_from_the_same_releases_is_byte_identical(two_releases, tmp_path):
    from pipeline.runner import build_panel

    out, _ = two_releases
    first = (out / DB).read_bytes()
    copy = tmp_path / "copy"
    for year in ("2023", "2024"):
        shutil.copytree(out / year, copy / year)
    (copy / DB).write_bytes(b"an older database")
    build_panel(copy)  # over the existing file
    assert (copy / DB).read_bytes() == first
    assert sorted(p.name for p in copy.iterdir()) == ["2023", "2024", DB, "panel"]  # no temporary left


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get_json(url: str):
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_datasette_serves_latest_as_the_panel_prints_it(two_releases):
    """A real client: Datasette on 127.0.0.1 reads the file (immutable) and serves `latest` over JSON."""
    out, _ = two_releases
    datasette = Path(sys.executable).parent / "datasette"
    assert datasette.exists(), f"{datasette} missing: install the test extras (pip install -e '.[test]')"
    before = (out / DB).read_bytes()
    port = _free_port()
    server = subprocess.Popen([str(datasette), "serve", "-i", str(out / DB), "--host", "127.0.0.1", "--port",
                               str(port)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                _get_json(f"{base}/-/versions.json")
                break
            except OSError:
                assert server.poll() is None, server.stdout.read().decode()
                assert time.monotonic() < deadline, "datasette did not answer within 30 s"
                time.sleep(0.2)
        got = _get_json(f"{base}/jaarcijfers/latest.json?_shape=array&_size=max")
        panel = pd.read_parquet(out / "panel" / "observations.parquet")
        want = as_records(newest_vintage(panel).reindex(columns=[c.name for c in contract.OBSERVATIONS]))
        assert len(got) == len(want) == 432
        key = lambda r: (r["table_id"], r["metric_id"], r["year"])  # noqa: E731
        assert sorted(got, key=key) == sorted(want, key=key)
        sql = "select value from latest where table_id = 'naturalisation' and metric_id = 'decisions' and year = 2023"
        answer = _get_json(f"{base}/jaarcijfers.json?_shape=array&sql={urllib.request.quote(sql)}")
        assert answer == [{"value": 53600.0}]  # the revised number, as the 2024 release prints it
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
        server.stdout.close()
    assert (out / DB).read_bytes() == before


def readme_queries() -> list[str]:
    """The ```sql blocks of the README's database section, in order."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("\n## The database", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```sql\n(.*?)```", section, flags=re.S)


def test_the_readmes_five_analyst_queries_give_the_real_numbers(db):
    queries = readme_queries()
    assert len(queries) == 5
    golden = read_golden("observations")
    g2023 = golden[golden["year"] == "2023"]

    family = rows(db, queries[0])  # one table as the newest release prints it
    assert len(family) == 5 * 4
    assert {(r["metric_id"], r["year"]): r["value"] for r in family}[("applications", 2023)] == 41900
    assert {(r["metric_id"], r["year"]): r["value"] for r in family}[("grant_rate", 2021)] == 86

    revised = rows(db, queries[1])  # every revised number
    assert [(r["table_id"], r["metric_id"], r["year"], r["new_raw"]) for r in revised] == sorted(
        (*k, v) for k, v in REVISED.items())

    rates = rows(db, queries[2])  # grant rates in 2023, highest first
    want = g2023[g2023["metric_id"] == "grant_rate"].assign(v=lambda d: d["value"].astype(float))
    assert [(r["table_id"], r["grant_rate"]) for r in rates] == sorted(
        zip(want["table_id"], want["v"]), key=lambda t: (-t[1], t[0]))

    tops = rows(db, queries[3])  # which nationality ranks first most often in the newest release
    ranked = read_golden("top_nationalities")
    counts = ranked[ranked["rank"] == "1"]["nationality_code"].value_counts()
    assert [(r["nationality_code"], r["panels"]) for r in tops] == sorted(counts.items(), key=lambda t: (-t[1], t[0]))
    assert tops[0] == {"nationality_code": "SYR", "panels": 6}

    change = {r["table_id"]: r for r in rows(db, queries[4])}  # applications 2023 against 2022
    assert change["family_reunification"]["applications_2023"] == 41900
    assert change["family_reunification"]["applications_2022"] == 45300
    assert change["family_reunification"]["change_percent"] == -7.5
    apps = golden[golden["metric_id"] == "applications"]
    assert set(change) == set(apps["table_id"])


@pytest.mark.parametrize("extract, panel", [(0, 0), (1, 0), (2, 0), (0, 2)])
def test_make_extract_runs_panel_after_a_good_extract_and_names_the_failing_code(tmp_path, extract, panel):
    """`make extract` runs `panel` once `extract` exited 0; a stand-in python records what make runs."""
    fake = tmp_path / "python"
    fake.write_text(f'#!/bin/sh\necho "$@" >> {tmp_path}/ran\n[ "$3" = extract ] && exit {extract}\nexit {panel}\n')
    fake.chmod(0o755)
    shutil.copy(ROOT / "Makefile", tmp_path / "Makefile")
    (tmp_path / "pyproject.toml").touch()
    stamp = tmp_path / "installed"
    stamp.touch()  # newer than pyproject.toml: make sets up nothing
    top_level = {k: v for k, v in os.environ.items() if k not in ("MAKELEVEL", "MAKEFLAGS", "MFLAGS")}
    result = subprocess.run(["make", "--no-print-directory", "extract", f"PY={fake}", f"STAMP={stamp}"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60,
                            env=top_level)  # as a user runs it, also when the suite itself runs under make
    ran = ["-m pipeline extract --out output"] + (["-m pipeline panel --out output"] if extract == 0 else [])
    assert (tmp_path / "ran").read_text().splitlines() == ran
    assert result.stdout.splitlines() == [f"jaarcijfers {r[12:]}" for r in ran]
    failed, code = ("extract", extract) if extract else ("panel", panel)
    assert result.returncode == (2 if code else 0)  # make exits 2 whatever the recipe's code ...
    if code:  # ... and the recipe's last line names the command and its code
        assert result.stderr.splitlines()[0] == f"jaarcijfers {failed} exited {code}: see the lines above"
    else:
        assert result.stderr == ""
