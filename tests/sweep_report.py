"""The report of `make sweep` (tests/sweep.py): totals per year, every kind of problem with the fewest
parameters that give it and the parameter values its seeds share, every silent difference, every seed."""

from __future__ import annotations

from collections import Counter, defaultdict

import sweep_check as sc

VERDICTS = ("exact", "loud", "silent", "refused")


def fixture_rows() -> list[dict]:
    rows = []
    for silent in (False, True):
        for path in sc.fixture_paths(silent):
            o, problem = sc.run_fixture(path)
            rows.append({"fixture": str(path.relative_to(sc.FIXTURES)), "verdict": o.verdict, "exit": o.exit_code,
                         "kinds": list(o.kinds), "ok": problem is None and not silent, "problem": problem or ""})
    return rows


def parameter_hints(rows: list[dict], most: float = 0.75) -> dict[str, list[str]]:
    """Per kind of problem: the parameters whose values in the seeds that show it are a subset of those
    drawn that covers at most ``most`` of all seeds (``panel_pos in [below, before] (31 %)``), most telling
    first. Only kinds seen in five seeds or more."""
    by_kind = defaultdict(list)
    for r in rows:
        for k in r["kinds"]:
            by_kind[k].append(r)
    out = {}
    for kind, seen in by_kind.items():
        if len(seen) < 5 or kind in VERDICTS:
            continue
        hints = []
        for name in sc.gen.CHOICES:
            values = {repr(r["params"][name]) for r in seen}
            cover = sum(repr(r["params"][name]) in values for r in rows) / len(rows)
            if cover <= most:
                hints.append((cover, f"{name} in [{', '.join(sorted(values))}] ({cover:.0%} of all)"))
        out[kind] = [h for _, h in sorted(hints)]
    return out


def markdown(report: dict) -> str:
    rows, years = report["rows"], report["years"]
    lo, hi = report["seeds"]
    mask = f", with {', '.join(report['mask'])} at the baseline" if report.get("mask") else ""
    out = [f"# Layout sweep: seeds {lo}–{hi}, releases {', '.join(map(str, years))}{mask}", "",
           "| release | seeds | exact | loud (exit 1/2) | SILENT | refused |", "|---|---|---|---|---|---|"]
    for year in years + ["all"]:
        mine = [r for r in rows if year == "all" or r["year"] == year]
        c = Counter(r["verdict"] for r in mine)
        out.append(f"| {year} | {len(mine)} | {c['exact']} | {c['loud']} | {c['silent']} | {c['refused']} |")
    out += ["", f"({report['seconds']} s.) `refused`: the generator could not draw that release in the seed's "
            "layout; not a finding about the pipeline.", ""]
    out += _probes(report.get("probes") or []) + _kinds(report) + _silent(rows) + _fixtures(report["fixtures"])
    out += _seeds(rows)
    return "\n".join(out) + "\n"


def _kinds(report: dict) -> list[str]:
    rows = report["rows"]
    count = Counter((k, r["year"]) for r in rows for k in r["kinds"] if r["verdict"] in ("loud", "silent"))
    shrunk = {s["kind"]: s for s in report["shrunk"]}
    out = ["## Kinds of problem", "", "Each kind with the seeds that show it, the fewest parameters (over the "
           "baseline layout) that still give it, shrunk from the first such seed, and the parameter values all "
           "its seeds share.", ""]
    for kind in sorted({k for k, _ in count}, key=lambda k: (not k.startswith("silent"), -sum(
            n for (k2, _), n in count.items() if k2 == k))):
        per_year = ", ".join(f"{y}: {count[(kind, y)]}" for y in report["years"])
        out.append(f"### {kind}")
        out.append(f"- seeds: {per_year}")
        s = shrunk.get(kind)
        if s:
            out.append(f"- minimal: `{s['params']}` (from {s['year']} seed {s['seed']}, {s['runs']} runs); "
                       f"then {s['verdict']} exit {s['exit']}")
            out += [f"  - {line[:300]}" for line in s["lines"][:2]]
        for hint in report["hints"].get(kind, [])[:5]:
            out.append(f"- shared: {hint}")
        out.append("")
    return out


def _probes(probes: list[dict]) -> list[str]:
    if not probes:
        return []
    out = ["## One parameter at a time (the baseline layout, exact, with one change)", "",
           "| parameter | value | release | verdict | kinds | first line |", "|---|---|---|---|---|---|"]
    for p in probes:
        first = (p["lines"] or [""])[0][:160].replace("|", "/")
        verdict = f"{p['verdict']} {p['exit']}" if p["verdict"] == "loud" else p["verdict"]
        kinds = "; ".join(p["kinds"]) if p["verdict"] != "exact" else ""
        out.append(f"| {p['param']} | {p['value']!r} | {p['year']} | {verdict} | {kinds} | {first} |")
    return out + [""]


def _silent(rows: list[dict]) -> list[str]:
    silent = [r for r in rows if r["verdict"] == "silent"]
    out = ["## Silent differences (every one)", ""]
    if not silent:
        return out + ["None.", ""]
    for r in silent:
        out.append(f"- {r['year']} seed {r['seed']}: " + "; ".join(r["lines"][:4]))
    return out + [""]


def _fixtures(fixtures: list[dict]) -> list[str]:
    out = ["## Regression fixtures (tests/fixtures/sweep/)", "", "| fixture | verdict | as expected |",
           "|---|---|---|"]
    out += [f"| {f['fixture']} | {f['verdict']} {f['exit'] if f['verdict'] == 'loud' else ''} | "
            f"{'yes' if f['ok'] else 'NO: ' + f['problem'] if f['problem'] else 'silent, not in the suite'} |"
            for f in fixtures]
    return out + [""]


def _seeds(rows: list[dict]) -> list[str]:
    out = ["## Every seed", "", "| seed | release | verdict | exit | kinds |", "|---|---|---|---|---|"]
    out += [f"| {r['seed']} | {r['year']} | {r['verdict']} | {r['exit']} | {'; '.join(r['kinds'])} |" for r in rows]
    return out
