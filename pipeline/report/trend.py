"""A small trend picture per table: one band per row, one line per release printing it (the newest solid,
earlier releases dashed, so revisions show), each band scaled to its own range. The bands are written as SVG
here (``Trend.bands_svg``: a trend over twenty releases holds thousands of points, too many to fill a template
with one by one); the template draws the rest of the picture around them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from markupsafe import Markup, escape

WIDTH = 440
LABEL_WIDTH = 170  # the row label, left of the plot
VALUE_WIDTH = 62  # the newest printed value, right of the plot
BAND = 24
AXIS = 16
LABEL_CHARS = 30
NEWEST, EARLIER = "#0b5394", "#8c9bab"  # the newest release's line, and the earlier releases'
COLUMNS = ("table_id", "metric_id", "label_nl", "year", "value", "raw", "release_year")  # what a trend reads


class Point(NamedTuple):  # a tuple: a trend over twenty releases makes thousands
    x: float
    y: float
    title: Markup  # escaped (``titled``)


@dataclass(frozen=True)
class Line:
    release_year: int
    newest: bool
    points: tuple[Point, ...]

    @property
    def path(self) -> str:
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in self.points)

    @property
    def colour(self) -> str:
        return NEWEST if self.newest else EARLIER

    @property
    def svg(self) -> Markup:
        """The line as SVG: a polyline (dashed for an earlier release), then a circle per point with its title
        (escaped). Written here rather than in the template: a release's trends over twenty releases hold
        thousands of points, and filling the template for each was most of the page's time."""
        colour = self.colour
        dashed = "" if self.newest else ' stroke-dasharray="3 2"'
        points = [(f"{p.x:.1f}", f"{p.y:.1f}", p.title) for p in self.points]  # each number formatted once
        path = " ".join(f"{x},{y}" for x, y, _ in points)
        circles = "".join(f'<circle cx="{x}" cy="{y}" r="2" fill="{colour}"><title>{title}</title></circle>'
                          for x, y, title in points)
        return Markup(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width='
                      f'"{1.6 if self.newest else 1.2}"{dashed}/>\n{circles}')


@dataclass(frozen=True)
class Band:
    label: str
    full_label: str
    baseline: float  # y of the label text
    last: str  # the newest release's number for the newest year, as printed
    lines: tuple[Line, ...]


@dataclass(frozen=True)
class Trend:
    width: int
    height: int
    years: tuple[tuple[float, int], ...]  # (x, year) of each axis label
    bands: tuple[Band, ...]
    releases: tuple[int, ...]

    @property
    def bands_svg(self) -> Markup:
        """Each band as SVG: its label (the full label as its title), its lines (``Line.svg``), and the newest
        number printed at the right."""
        return Markup("".join(
            f'<text x="0" y="{b.baseline}"><title>{escape(b.full_label)}</title>{escape(b.label)}</text>\n'
            + "".join(line.svg for line in b.lines)
            + f'<text x="{self.width - 2}" y="{b.baseline}" text-anchor="end">{escape(b.last)}</text>\n'
            for b in self.bands))


def _x(year: int, first: int, last: int) -> float:
    left, right = LABEL_WIDTH + 6, WIDTH - VALUE_WIDTH - 6
    return (left + right) / 2 if first == last else left + (year - first) * (right - left) / (last - first)


def _short(label: str) -> str:
    return label if len(label) <= LABEL_CHARS else label[: LABEL_CHARS - 1].rstrip() + "…"


def titled(rows: list[dict]) -> list[dict]:
    """``rows`` (plain records of ``COLUMNS``), each given the title of its point in a trend, escaped: made once
    per record (an earlier release's are made once per process, and shown in many reports)."""
    for r in rows:
        r["title"] = escape(f"{r['label_nl']} {r['year']}: {r['raw']} (release {r['release_year']})")
    return rows


def trend_view(rows: list[dict]) -> Trend | None:
    """A table's trend from its observations in one or more releases (plain records, ``titled``)."""
    rows = [r for r in rows if r["metric_id"] is not None]
    if not rows:
        return None
    first, last = min(r["year"] for r in rows), max(r["year"] for r in rows)
    newest = max(r["release_year"] for r in rows)
    by_metric: dict[str, list[dict]] = {}
    for r in rows:
        by_metric.setdefault(r["metric_id"], []).append(r)
    xs = {year: _x(year, first, last) for year in range(first, last + 1)}
    bands = [_band(i * BAND, printed, xs, newest) for i, printed in enumerate(by_metric.values())]
    return Trend(WIDTH, len(bands) * BAND + AXIS, tuple((x, year) for year, x in xs.items()), tuple(bands),
                 tuple(sorted({r["release_year"] for r in rows})))


def _band(top: float, rows: list[dict], xs: dict[int, float], newest: int) -> Band:
    """One row of the table: a line per release printing it, scaled to the row's own range (``xs``: each
    year's x)."""
    values = [float(r["value"]) for r in rows if r["value"] is not None]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)

    def y(v: float) -> float:
        return top + BAND / 2 if high == low else top + BAND - 4 - (v - low) * (BAND - 8) / (high - low)

    by_release: dict[int, list[dict]] = {}
    for r in rows:
        by_release.setdefault(r["release_year"], []).append(r)
    lines = []
    for release in sorted(by_release):
        printed = sorted((r for r in by_release[release] if r["value"] is not None), key=lambda r: r["year"])
        lines.append(Line(release, release == newest, tuple(
            Point(xs[r["year"]], y(float(r["value"])), r["title"]) for r in printed)))
    latest = max(rows, key=lambda r: (r["release_year"], r["year"]))
    label = str(latest["label_nl"])
    return Band(_short(label), label, top + BAND / 2 + 4, str(latest["raw"]), tuple(lines))
