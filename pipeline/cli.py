"""The command line. It only parses options, calls the runner and maps errors to exit codes, in one place
(``exits_on_errors``, which every command gets with its --debug option)."""

from __future__ import annotations

import functools
import logging
import os
import sys
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click

from pipeline import __version__
from pipeline.batch import run_batch
from pipeline.errors import InputError, PipelineError, shown
from pipeline.guards import DEFAULT_MAX_MEMORY_MIB
from pipeline.lock import output_lock
from pipeline.runner import (
    Options,
    Outcome,
    build_panel,
    inspect_one,
    own_process,
    render_dictionary,
    write_dictionary,
)

EPILOG_EXTRACT = """\b
Examples:
  jaarcijfers extract                         # every raw/*.pdf into output/
  jaarcijfers extract raw/ind-jaarcijfers-2024.pdf --out output
  jaarcijfers extract new.pdf --allow-unmapped   # keep unknown labels, flagged mapped = false

\b
Exit codes: 0 all written; 1 data failed validation or holds unknown labels/tables
(only validation.json/.md written for it); 2 bad invocation or unusable input.
"""


def _setup_logging(debug: bool) -> None:
    logging.basicConfig(level=logging.DEBUG if debug else logging.INFO, format="%(message)s", stream=sys.stderr)
    if not debug:  # pdfminer's own warnings (e.g. "Invalid MediaBox") would break one line per problem
        logging.getLogger("pdfminer").setLevel(logging.ERROR)


def lock_wait_option(f):
    return click.option("--lock-wait", default=60.0, show_default=True, type=click.FloatRange(0),
                        help="Seconds to wait while another run writes into the same --out.")(f)


def debug_option(f):
    """--debug, and the one place where errors become exit codes: every command has this option."""
    return click.option("--debug", is_flag=True, help="Print tracebacks (for bug reports).")(exits_on_errors(f))


def exits_on_errors(command):
    """A PipelineError out of ``command`` is its one line on stderr and its exit code (with --debug, the
    exception itself, traceback and all). Nothing else in the CLI catches errors."""
    @functools.wraps(command)
    def run(*args, debug: bool = False, **kwargs):
        try:
            return command(*args, debug=debug, **kwargs)
        except PipelineError as exc:
            if debug:
                raise
            _fail(exc.exit_code, exc.message)
    return run


def schemas_option(f):
    return click.option("--schemas", "schemas_dir", default=None, type=click.Path(path_type=Path),
                        metavar="DIR", help="Read the mappings from DIR, a copy of the project's schemas/ "
                        "[default: $JAARCIJFERS_SCHEMAS, else the schemas installed with jaarcijfers].")(f)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="jaarcijfers")
def cli() -> None:
    """Turn the IND 'Jaarcijfers' release PDF into validated, tidy data.

    \b
    Example:
      jaarcijfers extract raw/ind-jaarcijfers-2023.pdf --out output
    """


@cli.command(epilog=EPILOG_EXTRACT)
@click.argument("pdfs", nargs=-1, metavar="[PDF ...]")
@click.option("--out", "out", default="output", show_default=True, type=click.Path(),
              help="Output folder; each release goes to OUT/<release_year>/.")
@click.option("--allow-unmapped", is_flag=True, help="Write rows whose labels schemas/ does not know "
              "(empty ids, mapped = false) and exit 0 with a warning.")
@click.option("--password", default=None, help="Password of an encrypted PDF.")
@click.option("--max-pages", default=200, show_default=True, type=click.IntRange(1), help="Refuse PDFs with more pages.")
@click.option("--timeout", default=60.0, show_default=True, type=click.FloatRange(0),
              help="Seconds allowed per PDF (0: no limit).")
@click.option("--max-memory", default=DEFAULT_MAX_MEMORY_MIB, show_default=True, type=click.IntRange(0),
              help="MiB of memory (address space) a process may use while it reads a PDF (0: no limit).")
@click.option("--jobs", "-j", default=None, type=click.IntRange(1), help="Parallel processes [default: number of cores].")
@lock_wait_option
@schemas_option
@debug_option
def extract(pdfs, out, allow_unmapped, password, max_pages, timeout, max_memory, jobs, lock_wait, schemas_dir,
            debug) -> None:
    """Extract, normalize, validate and write each release PDF (default: every raw/*.pdf)."""
    _setup_logging(debug)
    paths = list(pdfs) or sorted(str(p) for p in Path("raw").glob("*.pdf"))
    if not paths:
        raise InputError("raw/", "no PDF found.", "Put the release PDF in raw/ or pass its path.")
    opts = Options(out=Path(out), allow_unmapped=allow_unmapped, password=password, max_pages=max_pages,
                   timeout=timeout, max_memory=max_memory, debug=debug, schemas_dir=schemas_dir)
    jobs = jobs or os.cpu_count() or 1
    progress = _progress(len(paths))
    with _locked(opts.out, "extract", lock_wait):
        outcomes = run_batch(paths, opts, jobs, on_done=progress)
    if len(outcomes) > 1:
        ok = sum(1 for o in outcomes if o.exit_code == 0)
        _say(f"summary: {ok} of {len(outcomes)} PDFs extracted")
        for o in outcomes:
            _say(f"  {'ok    ' if o.exit_code == 0 else f'exit {o.exit_code}'}  {o.path}")
    sys.exit(max(o.exit_code for o in outcomes))


@cli.command(epilog="""\b
Example:
  jaarcijfers extract raw/*.pdf --out output && jaarcijfers panel --out output
""")
@click.option("--out", "out", default="output", show_default=True, type=click.Path(),
              help="Folder holding the extracted releases; the panel goes to OUT/panel/, the database to "
              "OUT/jaarcijfers.sqlite.")
@lock_wait_option
@debug_option
def panel(out, lock_wait, debug) -> None:
    """Combine every release under OUT into one long panel, flagging revised numbers, and one SQLite database."""
    _setup_logging(debug)
    with _locked(Path(out), "panel", lock_wait):
        written, n_releases, n_revisions = build_panel(Path(out))
    _say(f"{out}: panel of {n_releases} releases, {n_revisions} revised numbers -> "
         f"{Path(out) / 'panel'}/ and {written[-1]}")


@cli.command(epilog="""\b
Example:
  jaarcijfers inspect raw/ind-jaarcijfers-2023.pdf --out inspect/2023
  (then open inspect/2023/page-1.png: values blue, labels green, titles orange,
   year headers pink, panels yellow, markers purple, footnotes light blue,
   unaccounted numbers red)
""")
@click.argument("pdf", metavar="PDF")
@click.option("--out", "out", default=None, type=click.Path(),
              help="Folder for page-N.png  [default: output/inspect/<PDF name>]")
@click.option("--password", default=None, help="Password of an encrypted PDF.")
@click.option("--max-pages", default=200, show_default=True, type=click.IntRange(1))
@schemas_option
@debug_option
def inspect(pdf, out, password, max_pages, schemas_dir, debug) -> None:
    """Draw what was found on each page: one PNG per page, every item boxed by kind."""
    _setup_logging(debug)
    out = Path(out) if out else Path("output") / "inspect" / Path(pdf).stem
    written = inspect_one(Path(pdf), out, password, max_pages, schemas_dir)
    _say(f"{pdf}: {len(written)} page pictures -> {out}/")


@cli.command(epilog="""\b
Example:
  jaarcijfers extract raw/ind-jaarcijfers-2023.pdf --out output
  jaarcijfers claims persbericht-2023.txt --out output   # -> output/claims/persbericht-2023.csv, .md

\b
Exit codes: 0 no figure contradicted; 1 a figure is contradicted by the tables;
2 bad invocation (missing or unreadable text, no release under OUT).
""")
@click.argument("texts", nargs=-1, required=True, metavar="TEXT ...")
@click.option("--out", "out", default="output", show_default=True, type=click.Path(),
              help="Folder holding the extracted releases; the fact-checks go to OUT/claims/.")
@lock_wait_option
@schemas_option
@debug_option
def claims(texts, out, lock_wait, schemas_dir, debug) -> None:
    """Check every figure a press release (plain text or HTML) states against the releases under OUT."""
    from pipeline.claims.runner import run_claims

    _setup_logging(debug)
    with _locked(Path(out), "claims", lock_wait) if Path(out).is_dir() else nullcontext():
        outcomes = run_claims(list(texts), Path(out), schemas_dir, debug=debug)
    for outcome in outcomes:
        for line in outcome.lines:
            _say(line)
    sys.exit(max(o.exit_code for o in outcomes))


@cli.command(epilog="""\b
Examples:
  jaarcijfers dictionary --out docs/data-dictionary.md   # what `make docs` runs
  jaarcijfers dictionary --schemas my-schemas/ > my-dictionary.md
""")
@click.option("--out", "out", default=None, type=click.Path(dir_okay=False, path_type=Path), metavar="FILE",
              help="Write the dictionary to FILE  [default: print it on stdout]")
@schemas_option
@debug_option
def dictionary(out, schemas_dir, debug) -> None:
    """The data dictionary (every table, metric, nationality and check) from schemas/, as Markdown."""
    _setup_logging(debug)
    if out is None:
        click.echo(render_dictionary(schemas_dir), nl=False)
        return
    written = write_dictionary(out, schemas_dir)
    _say(f"data dictionary -> {written}")


@contextmanager
def _locked(out: Path, command: str, wait: float):
    """Hold OUT's lock around the block (another run holding it is a PipelineError), saying what it found."""
    with output_lock(out, command, wait) as notes:
        for line in notes:
            _say(line)
        yield


def _progress(total: int):
    done = [0]

    def report(outcome: Outcome) -> None:
        done[0] += 1
        prefix = f"[{done[0]}/{total}] " if total > 1 else ""
        for line in outcome.lines:
            _say(prefix + line)
        if outcome.traceback and (outcome.exit_code != 0) and logging.getLogger().level == logging.DEBUG:
            click.echo(outcome.traceback, err=True)  # as it is: many lines
    return report


def _say(line: str) -> None:
    """One line on stderr, printable whatever bytes the file names in it hold (``errors.shown``)."""
    click.echo(shown(line), err=True)


def _fail(code: int, line: str) -> None:
    _say(line)
    sys.exit(code)


def main() -> None:
    """The console script (and ``python -m pipeline``): the commands, then the process ends at once.

    numpy's OpenBLAS starts a thread per core when pandas imports it, which costs about 0.12 CPU-s and takes
    a core from the process reading the PDF; nothing here multiplies matrices, so one thread it is (unless
    the environment says otherwise). When the command is done, its files are written and closed and its
    lines said: the process then exits without tearing down the objects of pandas, pandera and pyarrow one
    by one (0.1-0.2 s of a release's second; ``_exit_now``)."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    own_process()
    try:
        cli(standalone_mode=True)
        code = 0
    except SystemExit as exc:
        code = exc.code
    _exit_now(code)


def _exit_now(code) -> None:
    """Exit with ``code`` (as ``sys.exit`` takes it) once logging and the standard streams are flushed,
    without the interpreter's clean-up: every file of the run is closed and every child process ended by
    then (the runner's pools and children end in their ``with`` blocks)."""
    if code is None:
        code = 0
    elif not isinstance(code, int):
        print(code, file=sys.stderr)
        code = 1
    for handler in logging.getLogger().handlers:
        handler.flush()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``| head``) or stream: nothing left to say there
            pass
    os._exit(code)


if __name__ == "__main__":
    main()
