"""One point of the layout space against the pipeline, in-process: render a release in a layout, extract,
normalize and validate it as `jaarcijfers extract` does (without writing), and say what came out:

* ``exact``: exit 0 and the release exactly as printed in that layout (``generate.printed_spec``);
* ``loud``: exit 1 or 2, with the lines the command would print;
* ``silent``: exit 0 with data that differ from the release as printed (the worst outcome);
* ``refused``: the generator cannot draw this release in this layout (not a finding about the pipeline).

``kinds`` names the problems of an outcome without their particulars; ``shrink`` turns a failing layout's
parameters back to the baseline one by one while the problem stays. Used by tests/sweep.py (`make sweep`)
and tests/test_sweep.py.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from conftest import COMPARE, FIXTURES, SORT, comparable, generator, golden_tools, load_spec, printed_variants

gen = generator()
YEARS = (2023, 2024)


@dataclass(frozen=True)
class Outcome:
    verdict: str  # exact | loud | silent | refused
    exit_code: int
    lines: tuple[str, ...] = ()  # what the command prints, or the differences found

    @property
    def kinds(self) -> tuple[str, ...]:
        return kinds(self)


def spec_for(year: int) -> dict:
    return load_spec(FIXTURES / "releases" / f"{year}.yaml")


@lru_cache(maxsize=1)
def _schemas():
    from pipeline.schemas import Schemas

    return Schemas()


def read_release(path: Path):
    """(exit code, lines, release) as `jaarcijfers extract` gives them (pipeline.runner.process), with
    nothing written and no page pictures drawn; test_sweep checks that the two agree."""
    from pipeline.errors import PipelineError, release_failed
    from pipeline.extract import check_recognized, extract_pdf
    from pipeline.normalize import normalize
    from pipeline.validate import validate

    schemas = _schemas()
    try:
        raw = extract_pdf(path, schemas)
        release = normalize(raw, schemas)
        check_recognized(path, raw, known_tables=bool((release.observations["table_id"].fillna("") != "").any()))
        report = validate(release, raw, schemas)
        if not report.ok:
            raise release_failed(path, report, Path("release"))
    except PipelineError as exc:
        return exc.exit_code, tuple(getattr(exc, "details", None) or [exc.message]), None
    except Exception as exc:  # what run_one reports as an internal error
        return 1, (f"{path}: internal error ({type(exc).__name__}: {exc}).",), None
    return 0, (), release


def differences(release, want: dict) -> list[str]:
    """Rows of the release and of ``want`` that the other lacks, per table, as printed variants allow."""
    out = []
    for table in COMPARE:
        got = printed_variants(comparable(getattr(release, table), table))
        exp = printed_variants(comparable(want[table], table))
        cols = list(got.columns)
        keys = [cols.index(k) for k in SORT[table]]
        g, e = set(map(tuple, got.values.tolist())), set(map(tuple, exp.values.tolist()))
        by_key = {tuple(r[k] for k in keys): r for r in sorted(g - e)}
        for row in sorted(e - g):
            other = by_key.pop(tuple(row[k] for k in keys), None)
            if other is None:
                out.append(f"{table}: missing {_key(row, keys)}")
            else:
                diff = [f"{c} {row[i]!r} -> {other[i]!r}" for i, c in enumerate(cols) if row[i] != other[i]]
                out.append(f"{table}: {_key(row, keys)}: {'; '.join(diff)}")
        out += [f"{table}: extra {_key(row, keys)}" for row in by_key.values()]
    return out


def _key(row, keys) -> str:
    return "/".join(str(row[k]) for k in keys)


def outcome(spec: dict, layout, seed: int = 0, keep: Path | None = None) -> Outcome:
    """``spec`` printed in ``layout`` (jittered by ``seed`` if the layout says so), read back; the PDF of a
    failure is kept at ``keep``."""
    try:
        data = gen.render_layout(spec, layout, seed=seed)
    except gen.LayoutError as exc:
        return Outcome("refused", -1, (str(exc),))
    with tempfile.TemporaryDirectory(prefix="sweep-") as tmp:
        path = Path(tmp) / "release.pdf"
        path.write_bytes(data)
        code, lines, release = read_release(path)
        lines = tuple(ln.replace(str(path), "release.pdf") for ln in lines)
    if code != 0:
        result = Outcome("loud", code, lines)
    else:
        diff = differences(release, golden_tools().spec_to_frames(gen.printed_spec(spec, layout)))
        result = Outcome("silent", 0, tuple(diff)) if diff else Outcome("exact", 0)
    if keep is not None and result.verdict != "exact":
        keep.parent.mkdir(parents=True, exist_ok=True)
        keep.write_bytes(data)
    return result


_SHAPES = (  # an unaccounted figure by what it looks like
    (r"^\d{1,2}$", "#"), (r"^\d{1,2}([).,:;])$", r"#\1"), (r"^(19|20)\d\d$", "year"), (r"^\d+,\d+\s?%$", "#,#%"),
    (r"^\d+\s?%$", "#%"), (r"^\d{1,3}(\.\d{3})+$", "#.###"), (r"^\d+$", "###"), (r"^\d", "#…"), (r"", "…#…"),
)


def shape(token: str) -> str:
    return next(re.sub(p, repl, token) if "\\" in repl else repl for p, repl in _SHAPES if re.search(p, token))


_KINDS = (  # (pattern, kind): the first that matches a line of a loud failure names its kind
    (r"unaccounted number '([^']*)'", lambda m: f"unaccounted number '{shape(m.group(1))}'"),
    (r"missing row ", lambda m: "missing row"),
    (r"the release is incomplete", lambda m: "missing table"),
    (r"unknown (table title|row label|panel title|panel|nationality)", lambda m: f"unknown {m.group(1)}"),
    (r"check (\w+) failed", lambda m: f"check {m.group(1)} failed"),
    (r"internal error \((\w+)", lambda m: f"internal error {m.group(1)}"),
    (r"footnote \S+ \(page \d+\) has no marker", lambda m: "footnote without a marker"),
    (r"footnote \S+ is printed twice", lambda m: "footnote printed twice"),
    (r"is left over inside a table, panel or footnote", lambda m: "word left over inside a table, panel or footnote"),
    (r"wrapped labels of table .* cannot be split", lambda m: "wrapped labels cannot be split"),
    (r"panel .* stands beside, above or below no table", lambda m: "panel beside no table"),
    (r"panel .* stands (\w+) of table .* but schemas/ gives its heading", lambda m: f"panel {m.group(1)} of "
     "another table than its heading names"),
)


def kind_of(line: str) -> str:
    line = re.sub(r"^release\.pdf: ", "", line)
    for pattern, kind in _KINDS:
        m = re.search(pattern, line)
        if m:
            return kind(m)
    line = re.split(r"; see |: add it|\. Check that", line)[0]
    return re.sub(r"\d+", "N", re.sub(r"'[^']*'", "'…'", line))[:100]


def kinds(o: Outcome) -> tuple[str, ...]:
    """The kinds of problem in an outcome, particulars taken out: per line of a loud failure its kind
    (an unaccounted figure kept by its shape, ``'1)'`` -> ``'#)'``); per difference of a silent one the
    table and column that differ, or the rows missing or extra."""
    if o.verdict == "silent":
        out = set()
        for line in o.lines:
            table, rest = line.split(": ", 1)
            if rest.startswith(("missing ", "extra ")):
                out.add(f"silent: {table} {rest.split()[0]} rows")
            else:
                out.update(f"silent: {table}.{part.split()[0]}" for part in rest.split(": ", 1)[1].split("; "))
        return tuple(sorted(out))
    if o.verdict != "loud":
        return (o.verdict,)
    return tuple(sorted({f"exit {o.exit_code}: {kind_of(line)}" for line in o.lines}))


# Parameters turned back together: the sizes keep their proportions (a heading never as small as the text).
TOGETHER = (("body", "leading", "heading_size", "title_size", "fn_size", "fn_leading"),)


def shrink(spec: dict, layout, seed: int, kind: str, run=outcome):
    """The smallest set of parameters that still gives the problem ``kind`` (one of ``kinds``): each
    parameter that differs from the baseline (or group of them, ``TOGETHER``) is turned back to it, and kept
    there while the problem stays, until nothing changes. Returns (layout, runs)."""
    base = gen.BASELINE
    current, runs, changed = layout, 0, True
    while changed:
        changed = False
        units = dict.fromkeys(next((g for g in TOGETHER if n in g), (n,)) for n in current.changed())
        for unit in units:
            candidate = dataclasses.replace(current, **{n: getattr(base, n) for n in unit})
            if not gen.fits(candidate, spec):
                continue
            runs += 1
            if kind in kinds(run(spec, candidate, seed)):
                current, changed = candidate, True
    return current, runs


# ---------------------------------------------------------------------- expectations and fixtures

SWEEP = FIXTURES / "sweep"


def judge(expect: dict, o: Outcome) -> str | None:
    """None when ``o`` is what ``expect`` (``expect: exact`` or ``expect: loud`` with its ``exit``) says;
    else what is different, in words for the test to say."""
    if o.verdict == "silent":
        return "SILENT DIFFERENCE (exit 0, other data than printed): " + "; ".join(o.lines[:5])
    if o.verdict == "refused":
        return f"the generator refused the layout: {o.lines[0]}"
    if expect.get("expect", "exact") == "exact":
        return None if o.verdict == "exact" else f"{o.verdict} (exit {o.exit_code}): " + " ".join(o.lines[:3])
    if o.verdict == "exact":
        return "now exact: it passes; move it to the passing ones (expect: exact)"
    if o.exit_code != expect["exit"]:
        return f"now exit {o.exit_code} instead of {expect['exit']}: " + " ".join(o.lines[:3])
    return None


def fixture_layout(data: dict):
    """The layout of a regression fixture: its parameters over the baseline."""
    return gen.from_dict(data.get("params") or {})


def run_fixture(path: Path) -> tuple[Outcome, str | None]:
    """A regression fixture (tests/fixtures/sweep/*.yaml) rendered and read back, and how it departs from
    what it expects (None: as expected)."""
    data = load_spec(path)
    o = outcome(spec_for(int(data["year"])), fixture_layout(data), int(data.get("seed", 0)))
    if data.get("expect") == "silent":
        return o, None if o.verdict == "silent" else f"no longer silent: {o.verdict} (exit {o.exit_code})"
    return o, judge(data, o)


def fixture_paths(silent: bool = False) -> list[Path]:
    return sorted(p for p in (SWEEP / "silent" if silent else SWEEP).glob("*.yaml") if p.name != "sample.yaml")
