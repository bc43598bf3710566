"""Claims -> ``claims.csv`` (the contract's columns) and ``claims.md``, a fact-check a person reads."""

from __future__ import annotations

from collections import Counter

from pipeline.claims.model import Claim
from pipeline.contract import CLAIMS

VERDICT_WORDS = {"supported": "supported", "contradicted": "CONTRADICTED", "not_in_data": "not in the tables"}


def claims_frame(claims: list[Claim]):
    """One row per stated figure, columns and types as ``pipeline.contract.CLAIMS`` declares them."""
    import pandas as pd

    names = [c.name for c in CLAIMS]
    rows = [{n: getattr(claim, n) for n in names} for claim in claims]
    df = pd.DataFrame(rows, columns=names)
    for col in CLAIMS:
        values = df[col.name].map(lambda v: None if v == "" else v) if col.nullable else df[col.name]
        df[col.name] = values.astype(col.pandas_dtype)
    return df


def summary(claims: list[Claim]) -> str:
    n = Counter(c.verdict for c in claims)
    return (f"{len(claims)} figures: {n['supported']} supported, {n['contradicted']} contradicted, "
            f"{n['not_in_data']} not in the tables")


def claims_markdown(name: str, claims: list[Claim], release_year: int, source: str) -> str:
    lines = [f"# Fact-check: {name}", "",
             f"Every figure the text states, checked against release {release_year} ({source}). "
             f"{summary(claims)}.", "",
             "| # | figure | verdict | the tables |", "|---|---|---|---|"]
    for c in claims:
        lines.append(f"| {c.claim_id} | {_cell(c.quote)} | {VERDICT_WORDS[c.verdict]} | "
                     f"{_cell(c.data_value) or '-'} |")
    for c in claims:
        lines += ["", f"## {c.claim_id}: {c.quote} ({VERDICT_WORDS[c.verdict]})", "",
                  f"> {c.sentence[:c.span[0]]}**{c.quote}**{c.sentence[c.span[1]:]}", "",
                  f"- stated: {_num(c.stated_value)}" + (f" ({c.qualifier})" if c.qualifier else "")]
        if c.verdict == "not_in_data":
            lines.append(f"- not in the tables: {c.rule}")
            continue
        lines += [f"- the tables: {c.data_value}", f"- cells: {c.evidence}", f"- rule: {c.rule}"]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:g}"
