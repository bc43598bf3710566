"""The geometry the reader uses: every tolerance, named once, and the helpers on boxes and runs of words.

Every distance is a multiple of the font size of the text concerned (an *em*), so the rules hold for any
page size, zoom or typeface: no coordinate, font or page of any one file is assumed. The two numbers in
points are pdfplumber's own (it takes no ratio for them) and are well under any font size.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from pipeline.model import Box, Token

if TYPE_CHECKING:
    from pipeline.extract.words import Line

# --- words (words.py) ------------------------------------------------------------------------------
WORD_GAP = 0.15  # a word ends where the gap to the next glyph is wider than this
GLYPH_SIZE_NOISE = 0.001  # glyph sizes within this share of each other are one size (a text matrix's rounding)
CHAR_LINE_TOLERANCE = 1.5  # points: pdfplumber's clustering of glyphs into lines takes no ratio
LINE_RATIO = 0.4  # tokens are on one line when their vertical centres differ by less than this
RAISED = 0.2  # digits at the end of a word whose bottom is this far above the word's baseline: a marker
BLANK = 0.1  # a gap wider than this between a number and its ``%`` is printed as a (non-breaking) space
PERCENT_LEVEL = 0.3  # a ``%`` belongs to a number when their centres are this close vertically
PERCENT_GAP = 0.75  # ... and the gap between them is at most this (a blank: up to 0.6 in a monospaced face)
ACCENT_OVER = 0.3  # an accent glyph over at least this share of its width of a letter is put on that letter

# --- footnote markers against their word (words.py) -----------------------------------------------
MARKER_SIZE_RATIO = 0.82  # a number printed at most this fraction of its neighbour's size is a marker
SAME_SIZE_SLACK = 1.01  # a marker is never larger than its word (up to rounding)
SUP_SIZE_RATIO = 0.92  # a browser's <sup>: a little smaller ...
SUP_RISE = 0.12  # ... and raised at least this much
FULL_SIZE_RISE = 0.25  # or raised at least this much at full size
MARKER_LEVEL = 0.3  # a marker's centre stands no higher than this above its word's top
MARKER_DROP = 0.1  # and, for a word to host it, no lower than this below the word's bottom
MARKER_TOUCH = 0.2  # a marker may overlap its word by this much
MARKER_AFTER = 0.6  # and follow it with a gap of at most this
MARKER_BEFORE = 0.8  # or precede it with a gap of at most this

# --- lines and the gaps between them --------------------------------------------------------------
LINE_GAP = 0.8  # a line at most this far below another directly continues it; a margin line is set apart by more
MARGIN_APART = 2.0  # a foot line is set apart too below a gap this many times the body's own gap above it
MARGIN_GAP_FLOOR = 0.25  # ... that gap taken as at least this (lines that touch or overlap)
MARGIN_LINES = 2  # a page's top and foot margins hold at most this many lines each (a count, not a distance)
WRAP_GAP = 0.5  # the lines of one wrapped title stand no further apart than this (a table without a line pitch)
LABEL_WRAP_GAP = 0.6  # a label's wrapped line stands no further than this below the table's last row
BLOCK_GAP = 0.3  # two label-column lines whose baselines stand this much further apart than the line pitch: two cells
# (a table's line pitch, rows.line_pitch, whatever its leading: a wrapped title's lines stand within it)
CAPTION_GAP = 1.0  # the lines of a caption above a header stand no further apart than this
CAPTION_REACH = 8.0  # a caption stands at most this far above its header
OVERLAP_SLACK = 0.1  # a line ending this little below a header's top still stands above it
HEADER_SLACK = 0.5  # a header applies to lines from this far above its years' bottom down
ROW_FLOW_REACH = 1.5  # where a table flows onto a page: text further above its first row is not its own
TIE = 0.15  # distances within this fraction of a line's height are a tie

# --- columns ---------------------------------------------------------------------------------------
COLUMN_GAP = 1.2  # a gap wider than this between words ends a run: the next column
ALIGNED = 1.0  # a run starts at an x when its first word starts this close to it
COLUMN_PAD = 0.5  # a header's value span reaches this far past its outer years; its label column this far into them
EDGE = 0.05  # a label column starts up to this far left of its left edge (rounding)

# --- top-3 panels (rankings.py) -------------------------------------------------------------------
RANK_NAME_GAP = 4.0  # between a rank and its name (they may stand in two spreadsheet columns)
RANK_STEP = 4.0  # consecutive ranks stand at most this far apart
RANK_ALIGNED = 0.8  # the ranks of one panel start this close to one x
RANK_INDENT = 3.0  # a panel's column starts up to this far left of its ranks (list markers, right-aligned)
NAME_ALIGNED = 0.5  # a name's wrapped line starts this close to the name column
NAME_ABOVE = 0.8  # a name's wrapped line stands no higher than this above the first rank's centre
NAME_BELOW = 1.3  # nor lower than this below the last rank's centre
PANEL_TITLE_REACH = 6.0  # a panel's title stands at most this far above its first rank
NEXT_LINE = 1.5  # a footnote's next line stands within this below it (a word there left over is a lost line)
OFF_SIDE_REACH = 8.0  # a panel off a table's side stands at most this far below or above it (a heading between)
PANEL_TIE = 2.0  # two tables are about as near a panel when the farther is at most twice as far, plus this

# --- type sizes (ratios of sizes) -----------------------------------------------------------------
SAME_SIZE = 0.1  # a row's label and a line continuing it: sizes within this share
CAPTION_SAME_SIZE = 0.12  # the lines of one caption
NOTE_SAME_SIZE = 0.15  # the lines of one footnote
NOTE_MAX_SIZE = 1.1  # footnote text is printed no larger than this times the table text
SECTION_MIN_SIZE = 1.12  # a section heading is printed at least this times the table text (a heading ~15% larger,
# its size rounded to a tenth of a point: 6.9 over 6.0 must not fall short by the rounding; above NOTE_MAX_SIZE)


def enclosing(boxes: Iterable[Box]) -> Box:
    """The smallest box around the boxes on the first one's page (a text broken by a page keeps its start)."""
    it = iter(boxes)
    box = next(it)
    for b in it:
        if b.page == box.page:
            box = box.union(b)
    return box


def overlaps_vertically(box: Box, top: float, bottom: float) -> bool:
    return box.top < bottom and box.bottom > top


def marker_side(marker: Box, word: Token, below: float = 0.0) -> str | None:
    """Where a footnote marker stands against a word: ``"after"`` it (right against its end), ``"before"``
    it, or None: not at its level (its centre between a little above the word's top and ``below`` ems
    under its bottom) or too far."""
    s = word.size
    if not word.box.top - MARKER_LEVEL * s <= marker.ymid <= word.box.bottom + below * s:
        return None
    if -MARKER_TOUCH * s <= marker.x0 - word.box.x1 <= MARKER_AFTER * s:
        return "after"
    if -MARKER_TOUCH * s <= word.box.x0 - marker.x1 <= MARKER_BEFORE * s:
        return "before"
    return None


def run_after(line: Line, start: Token, first_gap: float = COLUMN_GAP) -> list[Token]:
    """The tokens after ``start`` on its line, until a gap wider than a column gap (``first_gap`` ems for
    the first one: a rank and its name may stand in two spreadsheet columns)."""
    run, prev = [], start
    for t in line.tokens:
        if t.box.x0 <= start.box.x0:
            continue
        if t.box.x0 - prev.box.x1 > (first_gap if not run else COLUMN_GAP) * t.size:
            break
        run.append(t)
        prev = t
    return run


def line_runs(tokens: Iterable[Token]) -> list[list[Token]]:
    """A line's tokens (left to right) in runs, parted where the gap to the next token is wider than a
    column gap: the release title at a line's left and a running header at its right are two runs."""
    runs: list[list[Token]] = []
    for t in tokens:
        if not runs or t.box.x0 - runs[-1][-1].box.x1 > COLUMN_GAP * t.size:
            runs.append([])
        runs[-1].append(t)
    return runs


def run_from(line: Line, x0: float, size: float) -> list[Token]:
    """The contiguous tokens of a line that start at ``x0``."""
    starts = [t for t in line.tokens if abs(t.box.x0 - x0) <= ALIGNED * size]
    if not starts:
        return []
    first = starts[0]
    return [first] + run_after(line, first)
