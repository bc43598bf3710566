"""validation.json and validation.md: every check of a release, for programs and for a person.

``validation.md`` opens with the verdict (and counts warnings too), then says each failed check and each
warning in sentences with their numbers, then lists the consistency checks and the release checks, and last
the schema checks, grouped by output file. ``validation.json`` holds the same with every detail as data.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from pipeline.errors import describe, shown
from pipeline.model import CheckResult, Report

SHOWN = 50  # sentences per check in validation.md; validation.json has them all


def report_to_json(report: Report) -> str:
    doc = {
        "source": shown(Path(report.source).name),
        "release_year": report.release_year,
        "ok": report.ok,
        "summary": {v: sum(1 for r in report.results if r.verdict == v) for v in ("passed", "failed", "warning")},
        "checks": [
            {"check": r.check, "group": r.group, "description": r.description, "severity": r.severity,
             "verdict": r.verdict, "details": list(r.details)}
            for r in report.results
        ],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2, default=str) + "\n"


def verdict_line(report: Report) -> str:
    """``passed, with 1 warning (86 checks: 85 passed, 0 failed, 1 warning)``."""
    n = Counter(r.verdict for r in report.results)
    head = "passed" if report.ok else "FAILED"
    if report.ok and n["warning"]:
        head += f", with {_count(n['warning'], 'warning')}"
    return (f"{head} ({len(report.results)} checks: {n['passed']} passed, {n['failed']} failed, "
            f"{_count(n['warning'], 'warning')})")


def report_to_markdown(report: Report) -> str:
    failed = [r for r in report.results if r.verdict == "failed"]
    warnings = [r for r in report.results if r.verdict == "warning"]
    lines = [f"# {shown(Path(report.source).name)}: {verdict_line(report)}", "", _opening(report), ""]
    for title, results in (("Failed checks", failed), ("Warnings", warnings)):
        if results:
            lines += [f"## {title}", ""]
            for r in results:
                lines += _findings(r)
    for title, group, intro in (
            ("Consistency checks", "consistency", "Figures that must agree with each other (schemas/checks.yaml)."),
            ("Release checks", "release", "What was read: every number accounted for, every label known, "
             "footnotes and top-3 panels complete.")):
        lines += [f"## {title}", "", intro, "", "| check | verdict | severity | what it verifies |",
                  "|---|---|---|---|"]
        lines += [f"| {r.check} | {r.verdict} | {r.severity} | {r.description} |"
                  for r in report.results if r.group == group]
        lines.append("")
    lines += _schema_checks(report)
    return "\n".join(lines).rstrip("\n") + "\n"


def _opening(report: Report) -> str:
    year = f"Release {report.release_year}" if report.release_year else "The release"
    if report.ok:
        return (f"{year} passed every check that stops a release, and its data files were written beside this "
                "report." + (" The warnings below do not stop it; read them." if any(
                    r.verdict == "warning" for r in report.results) else ""))
    return (f"{year} failed the checks below: only this report (and the page pictures in `inspect/`) was written; "
            "the data files of an earlier good run in this folder, if any, are untouched.")


def _findings(r: CheckResult) -> list[str]:
    """A failed check or a warning: what it verifies, then one sentence per finding."""
    sentences = [describe(p) for p in r.problems] or [sentence(r, d) for d in r.details]
    lines = [f"### {r.check}", "", f"{r.description[:1].upper()}{r.description[1:]}.", ""]
    lines += [f"- {s}" for s in sentences[:SHOWN]]
    if len(sentences) > SHOWN:
        lines.append(f"- ... and {len(sentences) - SHOWN} more (validation.json has them all).")
    return lines + [""]


def sentence(r: CheckResult, d: dict) -> str:
    """One finding of a check that is not about single items, with its numbers."""
    if "not_evaluated" in d:
        return (f"Not evaluated: it needs {d['not_evaluated'].removeprefix('missing: ')}, which the release does "
                "not hold.")
    if "sum_of_parts" in d:
        total, *parts = d["cells"]
        summed = " + ".join(_cell(c, d["year"], short=True) for c in parts)
        return (f"In {d['year']}, {_cell(total, d['year'])}; {summed} = {_number(d['sum_of_parts'])}: a difference "
                f"of {_number(d['gap'])}.")
    if "expected" in d:
        stock, prev, inflow, outflow = (_cell(c, d["year"], short=i > 0) for i, c in enumerate(d["cells"]))
        return (f"In {d['year']}, {stock}; {prev} + {inflow} - {outflow} = {_number(d['expected'])}: a difference of "
                f"{_number(d['gap'])}.")
    if "ranks" in d:
        return (f"The top-3 panel '{d['panel_nl']}' ({_place(d)}) has ranks {_listed(d['ranks'])} and nationalities "
                f"{_listed(d['nationalities'])}; it needs ranks 1, 2, 3 and three different nationalities.")
    if d.get("problem") == "panel without its table":
        return f"The top-3 panel '{d['panel_nl']}' belongs to table {d['table_id']}, which is not in the release."
    if d.get("column"):
        value = "empty" if d.get("failure_case") is None else repr(d["failure_case"])
        return f"{d['column']} is {value} ({_place(d)})."
    place = _place(d)
    return f"{place[:1].upper()}{place[1:]}."


def _schema_checks(report: Report) -> list[str]:
    """The schema checks, one group per output file: a line for the group, a table of its checks."""
    lines = ["## Schema checks", "", "Types, null rules, allowed values and keys of each output file (pandera, "
             "from pipeline/contract.py).", ""]
    groups: dict[str, list[CheckResult]] = {}
    for r in report.results:
        if r.group == "schema":
            groups.setdefault(r.check.split(": ", 1)[0], []).append(r)
    for table, results in groups.items():
        bad = [r for r in results if not r.passed]
        lines += [f"### {table}: {len(results)} checks, " + (f"{len(bad)} failed" if bad else "all passed"), "",
                  "| check | verdict |", "|---|---|"]
        lines += [f"| {r.check.split(': ', 1)[1]} | {r.verdict} |" for r in results]
        lines.append("")
    return lines


def _cell(c: dict, year: int, short: bool = False) -> str:
    """``staffing.total_staff is 6.040 (page 3)``, or short: ``external_staff 607``, with the cell's year where
    it is not the finding's ``year``."""
    when = f" {c['year']}" if c["year"] != year else ""
    if short:
        return f"{c['metric_id']}{when} {c['raw']}"
    return f"{c['table_id']}.{c['metric_id']}{when} is {c['raw']} (page {c['page']})"


def _place(d: dict) -> str:
    words = [f"table '{d.get('table_nl') or d['table_id']}'" if d.get("table_nl") or d.get("table_id") else "",
             f"row '{d['label_nl']}'" if d.get("label_nl") else "",
             f"nationality '{d['nationality_nl']}'" if d.get("nationality_nl") else "",
             f"footnote {d['footnote_id']}" if d.get("footnote_id") is not None else "",
             f"year {d['year']}" if d.get("year") is not None else "",
             f"printed '{d['raw']}'" if d.get("raw") else "",
             f"page {d['page']}" if d.get("page") is not None else ""]
    return ", ".join(w for w in words if w) or "no row named"


def _number(x: float) -> str:
    """A computed number as the release prints its figures: ``6.039``, ``11,3``."""
    whole = f"{abs(x):,.0f}".replace(",", ".") if float(x).is_integer() else \
        f"{abs(x):,.2f}".rstrip("0").replace(",", " ").replace(".", ",").replace(" ", ".")
    return ("-" if x < 0 else "") + whole


def _listed(items) -> str:
    items = [str(i) for i in items]
    return ", ".join(items[:-1]) + f" and {items[-1]}" if len(items) > 1 else "".join(items) or "none"


def _count(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")
