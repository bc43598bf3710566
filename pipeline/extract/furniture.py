"""Page furniture: what stands on a page without being part of the release's data.

Rotated text (a stray ``Jaar`` in the margin), the release title, running headers and footers repeated
across pages (a browser's date, URL and ``page 1/4``), page numbers, and a date or address in a page's
margin. As a person reads a page: a printed line may hold several *runs*, parted by a gap as wide as a
column's (the release title at the left, a running header at the right), and each run is judged on its
own. Apart from the release title, furniture stands in a page's *margins*: its first or last lines, set
apart from the body by a gap; a year header or a table row is never furniture.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from pipeline.extract.geometry import LINE_GAP, LINE_RATIO, MARGIN_APART, MARGIN_GAP_FLOOR, MARGIN_LINES, line_runs
from pipeline.extract.words import YEAR_TEXT, Line
from pipeline.model import Kind, Token
from pipeline.numbers import is_figure

if TYPE_CHECKING:
    from pipeline.extract.reader import PageReader


def read_furniture(reader: PageReader) -> None:
    """Claims rotated tokens, the release title, running headers and footers and page numbers as
    ``FURNITURE``; sets ``reader.title`` and ``reader.title_year``. Relies on nothing: it runs first, so
    that a running header's date or page number is never read as a year header or a row."""
    reader.claim([t for t in reader.tokens if not t.upright], Kind.FURNITURE)
    reader.title, reader.title_year = find_furniture(reader, reader.page_lines)


def read_running_text(reader: PageReader) -> None:
    """Claims as ``FURNITURE`` a run of a page's margin, still unclaimed, that holds a date, a time or an
    address (``layout.running_text``): a running header or footer printed on one page only. Relies on
    everything else: it runs last, so that a footnote at a page's foot that cites a date or an address
    is the footnote's already."""
    for lines in reader.page_lines:
        for line in margin_lines(lines):
            for run in line_runs(reader.free(line)):
                if _is_running_text(reader, run_text(run)):
                    reader.claim(run, Kind.FURNITURE)


def find_furniture(reader: PageReader, page_lines: list[list[Line]]) -> tuple[str, int | None]:
    """Release title runs (anywhere on a page), repeated margin runs and page numbers. Returns the release
    title and the year it names."""
    title, year = "", None
    in_margin = {id(line) for lines in page_lines for line in margin_lines(lines)}
    for run in repeated_margin_runs(reader, page_lines, in_margin):
        reader.claim(run, Kind.FURNITURE)
    for lines in page_lines:
        for line in lines:
            for run in line_runs(line.tokens):
                text = run_text(run)
                m = reader.layout.release_title.match(text)
                if m:
                    reader.claim(run, Kind.FURNITURE)
                    title = title or text
                    year = year or int(m.group("year"))
                elif id(line) in in_margin and _is_page_number(reader, text):
                    reader.claim(run, Kind.FURNITURE)
    return title, year


def margin_lines(lines: list[Line]) -> list[Line]:
    """A page's margin lines: of its first ``MARGIN_LINES`` lines, those above a gap wider than
    ``LINE_GAP`` that sets them apart from the body below; of its last ones, those below such a gap (one
    wider than the body keeps above it), or below a gap ``MARGIN_APART`` times the body's own gap above it (a
    footer in the footnotes' type, a little further below them than their lines are apart): ``_apart_below``.
    A line with a year header or a table row is never in a margin."""
    n = len(lines)
    if n <= 1:
        return [ln for ln in lines if _may_be_furniture(ln)]
    reach = min(MARGIN_LINES, n - 1)
    gaps = [below.box.top - above.box.bottom for above, below in zip(lines, lines[1:])]  # under line i
    top = max((i + 1 for i in range(reach) if gaps[i] >= LINE_GAP * lines[i].size), default=0)
    foot = min((i + 1 for i in range(n - 1 - reach, n - 1) if _apart_below(gaps, i, lines[i + 1].size, lines[i].size)),
               default=n)
    chosen = sorted(set(range(top)) | set(range(foot, n)))
    return [lines[i] for i in chosen if _may_be_furniture(lines[i])]


def _apart_below(gaps: list[float], i: int, size: float, size_above: float) -> bool:
    """Whether the line under gap ``i`` is set apart from the lines above it: by a gap wider than
    ``LINE_GAP`` that the lines above do not keep too (a ruled panel's or table's rows, double-spaced, are one
    block down to its last), or by ``MARGIN_APART`` times their own gap."""
    if i == 0:
        return gaps[i] >= LINE_GAP * size
    if gaps[i] >= LINE_GAP * size and gaps[i] > gaps[i - 1] + LINE_RATIO * size:
        return True
    return gaps[i] >= MARGIN_APART * max(gaps[i - 1], MARGIN_GAP_FLOOR * size_above)


def edge_lines(lines: list[Line]) -> list[Line]:
    """A page's first and last ``MARGIN_LINES`` lines, however near the body: where furniture stands (never a
    year header or a table row)."""
    edges = lines[:MARGIN_LINES] + lines[max(MARGIN_LINES, len(lines) - MARGIN_LINES):]
    return [ln for ln in edges if _may_be_furniture(ln)]


def repeated_margin_runs(reader: PageReader, page_lines: list[list[Line]],
                         in_margin: set[int]) -> list[list[Token]]:
    """Running headers and footers (a browser's date, URL and 'page 1/4', an issuer and a date at the
    right of the release title, a page number): the runs of a page's edge lines (``edge_lines``) printed at
    the same height on several pages in the same type with the same text once digits are ignored (a section
    heading and a title that begin alike are not one line repeated), each at its own height
    (one text may repeat at two). On a page where such a run stands as close to the body as its lines are
    apart (a page number right under the last footnote) it is the same furniture; so at least one of its
    repeats must be set apart (a margin line), or say what furniture says (``layout.page_number``,
    ``layout.running_text``)."""
    if len(page_lines) < 2:
        return []
    candidates: dict[tuple, list[tuple[list[Token], bool]]] = {}
    for lines in page_lines:
        for line in edge_lines(lines):
            for run in line_runs(line.tokens):
                key = (re.sub(r"\d+", "#", run_text(run)), run[0].style)
                candidates.setdefault(key, []).append((run, id(line) in in_margin))
    found = []
    for runs in candidates.values():
        for run, _ in runs:
            repeats = [(r, apart) for r, apart in runs
                       if abs(r[0].box.top - run[0].box.top) <= LINE_RATIO * run[0].size and _runs_on(run, r)]
            if len({r[0].box.page for r, _ in repeats}) >= 2 and (
                    any(apart for _, apart in repeats) or _says_furniture(reader, run_text(run))):
                found.append(run)
    return found


def _runs_on(a: list[Token], b: list[Token]) -> bool:
    """Whether two runs that read alike once digits are ignored can be one running line: each of their
    numbers is the same on both (a date, a file name's year, a page count) or counts the pages (a page
    number); ``Spoor 2`` and ``Spoor 4`` on consecutive pages are titles, not a running header."""
    pa, pb = a[0].box.page, b[0].box.page
    na, nb = (re.findall(r"\d+", run_text(r)) for r in (a, b))
    return all(x == y or int(x) - int(y) == pa - pb for x, y in zip(na, nb))


def _says_furniture(reader: PageReader, text: str) -> bool:
    return _is_page_number(reader, text) or _is_running_text(reader, text)


def _is_page_number(reader: PageReader, text: str) -> bool:
    return any(p.match(text) for p in reader.layout.page_number)


def _is_running_text(reader: PageReader, text: str) -> bool:
    return any(p.search(text) for p in reader.layout.running_text)


def run_text(run: list[Token]) -> str:
    return " ".join(t.text for t in run)


def _may_be_furniture(line: Line) -> bool:
    return not _has_year_header(line) and not _value_row(line)


def _has_year_header(line: Line) -> bool:
    texts = [t.text for t in line.tokens]
    return any(all(YEAR_TEXT.match(x) for x in texts[i:i + 3]) and len(texts[i:i + 3]) == 3
               for i in range(len(texts)))


def _value_row(line: Line) -> bool:
    """A label followed by numbers: a table row, never furniture (even when repeated). Its figures end
    the runs they stand in (a label's run may reach its first figure); the year of a title or a date in a
    running header stands among words."""
    return sum(_trailing_figures(run) for run in line_runs(line.tokens)) >= 3


def _trailing_figures(run: list[Token]) -> int:
    n = 0
    for t in reversed(run):
        if not (is_figure(t.text) and t.text[0].isdigit()):
            break
        n += 1
    return n
