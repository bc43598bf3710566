"""Validate stage: pandera schemas of the three output tables, then checks that follow what figures mean.

The pandera schemas are built from the column contract (``contract.py``: names, order, types, which may be
null, descriptions); this module adds only the value rules (ranges, allowed values, one row per key).
Every check gives a ``CheckResult`` (passed, failed or warning) with the numbers involved and where they
stand in the PDF. Nothing here raises for a data problem: the runner decides from the report.
"""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa

from pipeline import contract
from pipeline.consistency import CELL, run_check
from pipeline.model import FOOTNOTE_LINKS, CheckResult, Kind, Problem, ProblemKind, RawRelease, Release, Report
from pipeline.schema_checks import POSITION, check_schema, column_dtype, plain
from pipeline.schemas import Schemas

DASHES = ["-", "–", "—"]

# Value rules per column, on top of the contract's type and nullability.
COLUMN_CHECKS: dict[str, dict[str, list[pa.Check]]] = {
    "observations": {
        "unit": [pa.Check.isin(["count", "percent", "fte"])],
        "obs_status": [pa.Check.isin(["A", "M"])],
        "raw": [pa.Check.str_length(min_value=1)],
        "page": [pa.Check.ge(1)],
    },
    "top_nationalities": {
        "rank": [pa.Check.isin([1, 2, 3])],
        "panel_nl": [pa.Check.str_length(min_value=1)],  # a panel whose heading was not read is not understood
        "nationality_nl": [pa.Check.str_length(min_value=1)],
        "nationality_code": [pa.Check.str_matches(r"^[A-Z]{3}$")],
        "page": [pa.Check.ge(1)],
    },
    "footnotes": {
        "footnote_id": [pa.Check.ge(1)],
        "text": [pa.Check.str_length(min_value=1)],
    },
}


def _mapped_unique(key: list[str]):
    return lambda df: ~(df["mapped"] & df.duplicated(key, keep=False))


def _filled_where_mapped(columns: list[str]):
    return lambda df: ~df["mapped"] | df[columns].notna().all(axis=1)


FRAME_CHECKS: dict[str, list[pa.Check]] = {
    "observations": [
        pa.Check(lambda df: (df["unit"] != "percent") | df["value"].isna() | df["value"].between(0, 100),
                 name="percentages between 0 and 100"),
        pa.Check(lambda df: (df["unit"] == "percent") | df["value"].isna() | (df["value"] >= 0),
                 name="counts and FTE not negative"),
        pa.Check(_mapped_unique(["table_id", "metric_id", "year"]), name="one row per (table_id, metric_id, year)"),
        pa.Check(lambda df: df["raw"].isin(DASHES) | ((df["unit"] == "percent")
                                                      == df["raw"].str.contains("%", regex=False)),
                 name="percent unit printed with %"),
        pa.Check(lambda df: (df["obs_status"] == "M") == df["raw"].isin(DASHES),
                 name="obs_status M exactly where '-' is printed"),
        pa.Check(_filled_where_mapped(["table_id", "table_en", "metric_id", "label_en"]),
                 name="ids and English names filled in every mapped row"),
    ],
    "top_nationalities": [
        pa.Check(_mapped_unique(["table_id", "year", "rank"]), name="one row per (table_id, year, rank)"),
        pa.Check(_filled_where_mapped(["table_id", "nationality_code", "nationality_en"]),
                 name="ids and English names filled in every mapped row"),
    ],
    "footnotes": [],
}


def output_schema(table: str, extra: list[pa.Check] = ()) -> pa.DataFrameSchema:
    """The pandera schema of an output table: the contract's columns, in order, plus the value rules."""
    rules = COLUMN_CHECKS[table]
    columns = {c.name: pa.Column(column_dtype(c.pandas_dtype), nullable=c.nullable, checks=rules.get(c.name, []),
                                 description=c.description, title=c.name)
               for c in contract.TABLES[table]}
    return pa.DataFrameSchema(columns, checks=[*FRAME_CHECKS[table], *extra], strict=True, ordered=True,
                              name=table, description=contract.DESCRIPTIONS[table])


def validate(release: Release, raw: RawRelease, schemas: Schemas, *, allow_unmapped: bool = False) -> Report:
    results: list[CheckResult] = []
    results += check_schema("observations", output_schema("observations", _observation_checks(release)),
                            release.observations)
    results += check_schema("top_nationalities", output_schema("top_nationalities"), release.top_nationalities)
    results += check_schema("footnotes", output_schema("footnotes"), release.footnotes)
    results += [
        check_audit(raw),
        *check_words(raw),
        check_title_year(raw),
        check_mapped(release, allow_unmapped),
        check_numbers_parse(release),
        check_labels_split(release),
        check_footnotes_linked(release),
        check_panels(release),
        check_panels_placed(release),
    ]
    index = _index(release.observations)
    for definition in schemas.checks:
        results.append(run_check(definition, index, release))
    return Report(release.source, release.release_year, tuple(results))


def _observation_checks(release: Release) -> list[pa.Check]:
    years = {release.release_year - i for i in range(3)}
    return [
        pa.Check(lambda df, ys=frozenset(years): df["year"].isin(ys),
                 name=f"years are the release's three ({', '.join(map(str, sorted(years, reverse=True)))})"),
        pa.Check(lambda df: df.groupby(["table_nl", "label_nl"], dropna=False)["year"].transform("nunique") == 3,
                 name="every row has all three years"),
    ]


def _problems_result(check: str, description: str, severity: str, problems: tuple[Problem, ...]) -> CheckResult:
    return CheckResult(check, description, severity, not problems, tuple(p.detail() for p in problems), problems)


def check_audit(raw: RawRelease) -> CheckResult:
    problems = tuple(Problem(ProblemKind.UNACCOUNTED, a.text, box=a.box) for a in raw.unaccounted)
    return _problems_result("numbers_audit", "every numeric token on every page is accounted for "
                            f"({len(raw.numeric)} tokens)", "error", problems)


def check_words(raw: RawRelease) -> list[CheckResult]:
    """Every word has a role: one left over inside a table, panel or footnote fails the release; one outside
    them all (a stray line of text) is a warning naming it and where it stands."""
    def of(kind: Kind, problem: ProblemKind) -> tuple[Problem, ...]:
        return tuple(Problem(problem, a.text, box=a.box) for a in raw.audit if a.kind is kind)

    return [_problems_result("words_audit", f"every word inside a table, panel or footnote is accounted for "
                             f"({len(raw.audit)} words)", "error", of(Kind.LEFT_OVER, ProblemKind.LEFT_OVER_WORD)),
            _problems_result("stray_words", "every word stands in a table, panel or footnote, or is a title, heading "
                             "or page furniture", "warning", of(Kind.STRAY, ProblemKind.STRAY_WORD))]


def check_title_year(raw: RawRelease) -> CheckResult:
    wrong = raw.title_year is not None and bool(raw.years) and raw.title_year != raw.years[0]
    problems = (Problem(ProblemKind.TITLE_YEAR, raw.title, str(raw.years[0]), id=str(raw.title_year)),) if wrong \
        else ()
    return _problems_result("title_year", "the release title names the year of the newest year column", "error",
                            problems)


def check_mapped(release: Release, allow_unmapped: bool) -> CheckResult:
    return _problems_result("labels_mapped", "every title, label, panel and nationality is in schemas/, and every "
                            "expected table and row is present", "warning" if allow_unmapped else "error",
                            release.unmapped)


def check_numbers_parse(release: Release) -> CheckResult:
    return _problems_result("numbers_parse", "every printed number is a Dutch number (41.820, 89%, -)", "error",
                            release.of_kind({ProblemKind.UNPARSED}))


def check_labels_split(release: Release) -> CheckResult:
    return _problems_result("labels_split", "every wrapped label is split into its rows (by spacing, or by the "
                            "table's one alignment of values and labels)", "error",
                            release.of_kind({ProblemKind.UNCLEAR_WRAP}))


def check_footnotes_linked(release: Release) -> CheckResult:
    count = release.footnotes["footnote_id"].nunique()
    return _problems_result("footnotes_linked", "every marker has its footnote text and every text a marker "
                            f"({count} footnotes)", "error", release.of_kind(FOOTNOTE_LINKS))


def check_panels(release: Release) -> CheckResult:
    details = []
    tables = set(release.observations["table_id"].dropna())
    for (tid, heading, _), g in release.top_nationalities.groupby(["table_id", "panel_nl", "year"], sort=False,
                                                                  dropna=False):
        tid = None if pd.isna(tid) else tid
        ranks = sorted(g["rank"].tolist())
        names = g["nationality_nl"].tolist()
        if ranks != [1, 2, 3] or len(set(names)) != 3:
            details.append({"table_id": tid, "panel_nl": heading, "ranks": ranks, "nationalities": names,
                            **{k: plain(g.iloc[0][k]) for k in POSITION}})
        if tid and tid not in tables:
            details.append({"table_id": tid, "panel_nl": heading, "problem": "panel without its table"})
    return CheckResult("top3_panels", "each top-3 panel has ranks 1, 2, 3 and three distinct nationalities",
                       "error", not details, tuple(details))


def check_panels_placed(release: Release) -> CheckResult:
    return _problems_result("panels_placed", "every top-3 panel stands beside, above or below its table, and its "
                            "heading names no other table of the release", "error",
                            release.of_kind({ProblemKind.PANEL_WITHOUT_TABLE, ProblemKind.PANEL_ELSEWHERE}))


def _index(obs: pd.DataFrame) -> dict[tuple, tuple]:
    return {(r.table_id, r.metric_id, r.year): r for r in obs.loc[obs["mapped"], CELL].itertuples(index=False)}
