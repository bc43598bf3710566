"""The thin runner: extract -> normalize -> validate -> write, for one PDF or a batch.

``run_one`` returns an ``Outcome`` and never raises for a bad input: the problem is turned into its exit
code and one line per problem, so a bad file in a batch does not stop the good ones.

The stage modules are imported in the functions that run them, not here. Reading a PDF needs pdfplumber;
the data stages need pandas, pandera and pyarrow; each costs about a second, and for a single release the
two load in two processes at once (``read_alongside``).
"""

from __future__ import annotations

import gc
import logging
import pickle
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.errors import MemoryLimitError, PipelineError, TimeLimitError, release_failed
from pipeline.guards import (DEFAULT_MAX_MEMORY_MIB, Child, ChildDied, ChildTimedOut, Helper, HelperCall, limits,
                             start_in_child, time_limit, time_limit_error)
from pipeline.model import RawRelease, Release, Report
from pipeline.schemas import Schemas, load_schemas

log = logging.getLogger("jaarcijfers")


@dataclass(frozen=True)
class Options:
    out: Path
    allow_unmapped: bool = False
    password: str | None = None
    max_pages: int = 200
    timeout: float = 60.0  # the 20-page release of `make bench` with its pictures takes about 12 s
    max_memory: int = DEFAULT_MAX_MEMORY_MIB  # MiB of address space while a PDF is read or drawn; 0: none
    debug: bool = False
    schemas_dir: Path | None = None  # --schemas; None: $JAARCIJFERS_SCHEMAS or the packaged ones
    releases_before: tuple[str, ...] | None = None  # releases under out when the run started (report trends)


@dataclass
class Outcome:
    path: str
    exit_code: int
    lines: list[str] = field(default_factory=list)  # one per problem, or a one-line success summary
    release_year: int | None = None
    traceback: str = ""


def read(path: Path, opts: Options, collect: bool = True) -> RawRelease:
    """The extract stage, within the time and memory limits. ``collect=False`` in a process that ends soon
    after it (``read_then_draw``): its cycles are freed with it."""
    from pipeline.extract import extract_pdf

    schemas = load_schemas(opts.schemas_dir)
    with limits(path, opts.timeout, opts.max_memory), collect_cycles_once(collect):
        return extract_pdf(path, schemas, password=opts.password, max_pages=opts.max_pages)


@contextmanager
def collect_cycles_once(collect: bool = True):
    """Run Python's cycle collector once after the block (none with ``collect=False``) instead of thousands of
    times during it.

    pdfminer allocates millions of small objects while it reads a PDF, and with the default thresholds the
    collector keeps walking them (and, in a batch worker, every object of pandas and pandera). One pass at
    the end frees the same cycles, so memory per release stays bounded; it saves a few percent of CPU. The
    pass itself costs about 0.05 s: a process that ends after the block (the reading child of one release)
    does without it.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
        if collect:
            gc.collect()


def read_alongside(path: Path, opts: Options, started: float) -> tuple[RawRelease, Child]:
    """``read`` in a second process while this one imports the data stages; errors are raised here. That
    process then draws report.html's page pictures (``read_then_draw``), the returned Child's ``result``.

    Reading the PDF and importing pandas, pandera and pyarrow take about as long each: on two cores one
    release then takes about the longer of the two instead of their sum. The reading ends first, so the
    pictures are drawn in the time this process still imports, not after. Forked where the platform can, so
    that the child starts with the schemas this process has already loaded; it dies with this process, and is
    killed if it outlives --timeout (``started``: when work on the PDF began) by its grace.
    """
    child = start_in_child(read_then_draw, path, opts, started, seconds=_time_left(opts, started))
    try:
        import_data_stages()
        return child.next_result(), child
    except ChildTimedOut:  # its own alarm could not stop it (stuck in a C library)
        raise time_limit_error(path, opts.timeout) from None
    except ChildDied:
        raise ChildDied("the process reading it died") from None
    except BaseException:
        child.cancel()
        raise


def read_then_draw(path: Path, opts: Options, started: float) -> Iterator:
    """In the reading process of ``read_alongside``: the PDF read, then the pictures of its report.html drawn
    (``draw_report_pictures``) in what is left of --timeout since ``started``. The PDF read is handed over
    before the drawing starts: a crash or a hang in pdfium then loses only the pictures."""
    raw = read(path, opts, collect=False)  # the process ends soon after: no cycle collection
    yield raw
    yield draw_report_pictures(path, raw, opts, _time_left(opts, started))


_OWN_PROCESS = False  # set by ``own_process``: this process is the command line's, and ends with its command


def own_process() -> None:
    """Called by the command line, whose process ends with its command: the imports of the data stages then
    load without the cycle collector and what is alive after them is frozen (``imports_frozen``)."""
    global _OWN_PROCESS
    _OWN_PROCESS = True


@contextmanager
def imports_frozen():
    """In a process the pipeline owns (``own_process``): the cycle collector off while the block imports, then
    all that is alive frozen out of its way (``gc.freeze``) and the collector on again as it was.

    Importing pandas, pandera and pyarrow makes about 180,000 objects that live as long as the process, and
    none of them garbage. With the collector on, it walks them again and again as they pile up: about a
    seventh of the imports' time, on the critical path of one release. Turned off only for the block, it
    walks them all at the next collections instead; frozen, never. Frozen objects are never collected, which
    is not for a caller's process to find out: elsewhere the block runs as it is.
    """
    if not _OWN_PROCESS:
        yield
        return
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def import_data_stages() -> None:
    """Import normalize, validate, write and the report page (pandas, pandera, pyarrow and jinja2: about half a
    second), and load the page's template: all a release's checking and writing needs, done once before a batch
    forks its workers."""
    with imports_frozen():
        import pipeline.datapackage
        import pipeline.normalize
        import pipeline.report.page
        import pipeline.validate
        import pipeline.write  # noqa: F401

        pipeline.report.page.template()


def import_picture_stages() -> None:
    """Import what draws the page pictures (pdfium, PIL and its PNG plugin: about 0.08 CPU-s), and draw a tiny
    page with them (``pictures.warm_up``), for the children that draw each release's pictures to be forked
    with all that loaded."""
    from PIL import Image

    import pipeline.pictures
    import pipeline.report.images  # noqa: F401

    Image.preinit()
    pipeline.pictures.warm_up()


def start_reader() -> None:
    """A batch worker of the reading round: freeze all that is alive (``gc.freeze``: the modules and schemas it
    was forked with), so that the cycle collector, run once per PDF, walks only what that PDF made."""
    gc.freeze()


def start_worker() -> None:
    """A batch worker of the second round (normalize, validate, write), before its first release: import the
    data stages and what draws the pictures, then freeze all that is alive.

    The batch forks these workers from a process that has imported all that already (``batch``), so here the
    imports cost nothing; where a platform cannot fork they are done once per worker. The pictures of every
    release are drawn in one helper process of the worker's (``start_pictures``), forked at the first with
    all that imported. What is alive now (modules, the schemas) lives as long as the worker. ``gc.freeze``
    moves it out of the cycle collector's way, which saves about a tenth of each release's time. Only in the
    workers the batch owns: frozen objects are never collected, which is not for a caller's process to find
    out.
    """
    global _PICTURES_HELPER
    import_data_stages()
    import_picture_stages()
    gc.freeze()
    _PICTURES_HELPER = Helper()


def process(path: Path, opts: Options, schemas: Schemas, raw: RawRelease | None = None,
            started: float | None = None, drawing: Child | None = None) -> tuple[Release, Report, list[str]]:
    """Run every stage on one PDF (from ``raw`` if it was read already, since ``started``: --timeout covers
    all work on it); the release, its report, and a warning line if its page pictures could not be drawn.
    Raises a PipelineError for anything that stops the release.

    report.html's page pictures are drawn in a child (within the limits, ``guarded_pictures``) while this
    process checks the release and builds the rest of the page: they are off the critical path. ``drawing``:
    that child, started already (``read_alongside``). If the release fails, that child is stopped and the
    pictures of the validation report are drawn instead."""
    started = started or time.monotonic()
    if raw is None:  # before pandas is imported: a reading process as small as it can be (--max-memory)
        raw = read(path, opts)
    from pipeline.datapackage import datapackage_json
    from pipeline.extract import check_recognized
    from pipeline.normalize import normalize
    from pipeline.validate import validate
    from pipeline.write import write_release, write_report

    drawing = drawing or start_pictures(draw_report_pictures, path, raw, opts, _time_left(opts, started))
    try:
        with time_limit(_time_left(opts, started), path, limit=opts.timeout, what="reading and checking the PDF"):
            release = normalize(raw, schemas)
            check_recognized(path, raw,
                             known_tables=bool((release.observations["table_id"].fillna("") != "").any()))
            report = validate(release, raw, schemas, allow_unmapped=opts.allow_unmapped)
        directory = opts.out / str(release.release_year)
        if not report.ok:
            drawing.cancel()
            pictures, warning = guarded_pictures(draw_pictures, path, raw, opts, _time_left(opts, started),
                                                 "the validation report")
            write_report(report, directory, pictures)
            error = release_failed(path, report, directory, directory / "inspect" if pictures else None)
            error.details += [warning] if warning else []  # after the lines that say why it failed
            raise error
        from pipeline.report.earlier import release_files
        from pipeline.report.page import release_renderer

        before = opts.releases_before if opts.releases_before is not None else release_files(opts.out)
        with time_limit(_time_left(opts, started), path, limit=opts.timeout, what="reading and checking the PDF"):
            files = {"datapackage.json": datapackage_json(release, path, schemas)}
            render = release_renderer(path, raw, release, report, before)
        pictures, warning = picture_result(drawing, path, opts, "report.html")  # its own deadline: a warning
        files["report.html"] = render(pictures)  # not under the time limit: pictures that took it are a warning
    finally:
        drawing.cancel()
    write_release(release, report, directory, files)
    return release, report, [warning] if warning else []


def _time_left(opts: Options, started: float) -> float:
    """What is left of --timeout for this PDF (which covers all work on it); at least a millisecond."""
    return max(opts.timeout - (time.monotonic() - started), 0.001) if opts.timeout else 0


_PICTURES_HELPER: Helper | None = None  # set by ``start_worker``: a batch worker draws in one helper process


def start_pictures(draw, path: Path, raw: RawRelease, opts: Options, seconds: float) -> Child | HelperCall:
    """``draw(path, raw, opts, seconds)`` started in a child process within the limits (the time left,
    --max-memory); ``picture_result`` waits for it. A batch worker draws every release's in the one helper
    process it keeps (``guards.Helper``), any other process in a child forked for it."""
    if _PICTURES_HELPER is not None:
        return _PICTURES_HELPER.start(draw, path, raw, opts, seconds, seconds=seconds)
    return start_in_child(draw, path, raw, opts, seconds, seconds=seconds)


def guarded_pictures(draw, path: Path, raw: RawRelease, opts: Options, seconds: float, report: str
                     ) -> tuple[list, str]:
    """``draw(path, raw, opts, seconds)``: the page pictures, drawn in a child process within the limits (the
    time left, --max-memory); or none, and the warning line that says why ``report`` has none (drawing is an
    aid: it never hides why a release failed, nor stops one that did not)."""
    return picture_result(start_pictures(draw, path, raw, opts, seconds), path, opts, report)


def picture_result(drawing: Child | HelperCall, path: Path, opts: Options, report: str) -> tuple[list, str]:
    """The pictures the child ``drawing`` drew; or none, and the warning line that says why ``report`` has
    none."""
    try:
        return drawing.result(), ""
    except (TimeLimitError, ChildTimedOut):
        reason = f"drawing them took longer than what was left of --timeout {opts.timeout:g} s"
    except MemoryLimitError:
        reason = f"drawing them needs more memory than --max-memory {opts.max_memory} MiB"
    except ChildDied:
        reason = "the process drawing them died"
    except PipelineError as exc:  # pdfium cannot open the PDF (changed since, or more damaged than pdfminer saw)
        reason = f"pdfium: {exc.problem.rstrip('.')}"
    except Exception as exc:  # pdfium failing on a damaged page
        reason = f"{type(exc).__name__}: {exc}"
    return [], f"{path}: warning: no page pictures were drawn ({reason}); {report} has none."


def draw_pictures(path: Path, raw: RawRelease, opts: Options, seconds: float) -> list[bytes]:
    """The PNGs of the pages of a failed release (for OUT/<year>/inspect/)."""
    from pipeline.pictures import inspect_pdf, png_bytes

    with limits(path, seconds, opts.max_memory, timeout=opts.timeout, what="drawing the page pictures"):
        return [png_bytes(image) for image in inspect_pdf(path, raw, opts.password)]


def draw_report_pictures(path: Path, raw: RawRelease, opts: Options, seconds: float) -> list:
    """The page pictures of report.html (``images.Picture``: data URIs within its size budget)."""
    from pipeline.pictures import inspect_pdf
    from pipeline.report.images import page_pictures

    with limits(path, seconds, opts.max_memory, timeout=opts.timeout, what="drawing the page pictures"):
        return page_pictures(lambda: inspect_pdf(path, raw, opts.password, True))  # gray; drawn again if smaller


def run_one(path: str, opts: Options, *, alongside: bool = False, already: Read | PickledRead | None = None
            ) -> Outcome:
    """One PDF, start to end (from ``already`` if it was read before), as an Outcome (safe to run in a worker
    process). With ``alongside`` the PDF is read in a second process, which then draws its pictures
    (``read_alongside``)."""
    try:
        started = time.monotonic() - (already.seconds if already else 0.0)  # --timeout covers all work on the PDF
        schemas = load_schemas(opts.schemas_dir)
        if already:
            raw, drawing = already.raw, None
        elif alongside:
            raw, drawing = read_alongside(Path(path), opts, started)
        else:
            raw, drawing = None, None
        release, report, picture_warnings = process(Path(path), opts, schemas, raw, started, drawing)
    except Exception as exc:
        return failed(path, exc, opts)
    warnings = [r for r in report.results if r.verdict == "warning"]
    obs = release.observations
    summary = (f"{path}: ok, release {release.release_year}: {len(obs)} numbers, "
               f"{len(release.top_nationalities)} top-3 entries, {release.footnotes['footnote_id'].nunique()} "
               f"footnotes -> {opts.out / str(release.release_year)}/")
    lines = [summary]
    if opts.allow_unmapped and release.unmapped:
        lines.append(f"{path}: warning: {len(release.unmapped)} unmapped items kept with mapped = false "
                     f"(see {opts.out / str(release.release_year) / 'validation.md'}).")
    lines += [f"{path}: warning: {w.check}: {len(w.details)} item(s), see validation.md" for w in warnings
              if w.check != "labels_mapped"]
    lines += picture_warnings
    return Outcome(path, 0, lines, release.release_year)


@dataclass(frozen=True)
class Read:
    """A PDF of a batch as read: its ``RawRelease``, and the seconds that took (of its --timeout)."""

    raw: RawRelease
    seconds: float

    @property
    def release_year(self) -> int:
        return self.raw.release_year


@dataclass(frozen=True)
class PickledRead:
    """A ``Read`` as a batch's reading worker hands it over: its ``RawRelease`` pickled, and its year. The
    batch's own process needs only the year; it hands the release on to the worker that checks it without
    unpickling and pickling it again (about 5 ms a PDF)."""

    pickled: bytes
    seconds: float
    release_year: int

    @property
    def raw(self) -> RawRelease:
        return pickle.loads(self.pickled)


def read_one(path: str, opts: Options, pickled: bool = False) -> Read | PickledRead | Outcome:
    """The extract stage of one PDF of a batch (``pickled``: as a ``PickledRead``), or the Outcome of its
    failure."""
    started = time.monotonic()
    try:
        raw = read(Path(path), opts)
    except Exception as exc:
        return failed(path, exc, opts)
    seconds = time.monotonic() - started
    if pickled:
        return PickledRead(pickle.dumps(raw, pickle.HIGHEST_PROTOCOL), seconds, raw.release_year)
    return Read(raw, seconds)


def failed(path: str, exc: Exception, opts: Options) -> Outcome:
    """An exception as the PDF's Outcome: a PipelineError's lines and exit code, anything else a bug in one
    line (exit 1), with the traceback kept for --debug."""
    if isinstance(exc, PipelineError):
        details = getattr(exc, "details", None) or [exc.message]
        return Outcome(path, exc.exit_code, details, traceback=_traceback(exc) if opts.debug else "")
    return Outcome(path, 1, [f"{path}: internal error ({type(exc).__name__}: {exc}). Rerun with --debug and report "
                             "it with the PDF."], traceback=_traceback(exc))


def _traceback(exc: BaseException) -> str:
    return "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))


def build_panel(out: Path) -> tuple[list[Path], int, int]:
    """Read every release under ``out``, write ``out/panel/`` (observations and revisions) and the database
    ``out/jaarcijfers.sqlite``."""
    import pandas as pd

    from pipeline.database import FILE_NAME, database_frames
    from pipeline.staging import replaced_directory
    from pipeline.vintages import find_releases, read_parquet, releases_to_panel
    from pipeline.write import frame_to_csv, frame_to_parquet, write_database

    paths = find_releases(out)
    panel, revisions = releases_to_panel([read_parquet(p) for p in paths])
    directory = out / "panel"
    with replaced_directory(directory) as stage:
        frame_to_csv(panel, stage("observations.csv"))
        frame_to_parquet(panel, stage("observations.parquet"))
        frame_to_csv(revisions, stage("revisions.csv"))
        frame_to_parquet(revisions, stage("revisions.parquet"))
    written = [directory / f for f in ("observations.csv", "observations.parquet", "revisions.csv",
                                       "revisions.parquet")]
    written.append(write_database(database_frames(paths, panel), out / FILE_NAME))
    return written, len(paths), len(revisions)


def inspect_one(path: Path, out: Path, password: str | None, max_pages: int,
                schemas_dir: Path | None = None) -> list[Path]:
    """Pictures of what was found on every page of one PDF, into ``out``."""
    from pipeline.extract import read_pdf
    from pipeline.pictures import inspect_pdf, png_bytes
    from pipeline.write import write_pictures

    schemas = load_schemas(schemas_dir)
    with limits(path, Options.timeout, Options.max_memory, what="reading and drawing the PDF"):
        raw = read_pdf(path, schemas, password=password, max_pages=max_pages)
        return write_pictures((png_bytes(image) for image in inspect_pdf(path, raw, password)), out)


def render_dictionary(schemas_dir: Path | None = None) -> str:
    """The data dictionary (Markdown) of the schemas a run would read."""
    from pipeline.dictionary import render_dictionary as render

    return render(load_schemas(schemas_dir))


def write_dictionary(path: Path, schemas_dir: Path | None = None) -> Path:
    """The data dictionary to ``path`` (the project's is docs/data-dictionary.md, ``make docs``)."""
    from pipeline.write import atomic_files

    with atomic_files(path.parent) as stage:
        stage(path.name).write_text(render_dictionary(schemas_dir), encoding="utf-8")
    return path
