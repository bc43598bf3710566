"""Several PDFs in one run: every PDF is read first, two of the same release year are refused (neither is
written: one would silently replace the other), then the others are normalized, validated and written.

With several cores each round runs in a pool of worker processes; a worker that dies (killed, out of memory,
a crash in a C library) costs the PDFs it takes down their line and exit code 1, not the batch. The workers
are forked from this process. Those that read start as soon as the reading stage is imported; while they
read, this process imports the data stages (pandas, pandera, pyarrow: most of a second) and what draws the
pictures, and the workers of the second round are forked from it with all that imported: once per batch,
not once per worker.
"""

from __future__ import annotations

from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from functools import partial
from typing import Callable, Iterable, Iterator

from pipeline.errors import same_release_year
from pipeline.guards import child_pool
from pipeline.runner import (Options, Outcome, PickledRead, Read, failed, import_data_stages, import_picture_stages,
                             read_one, run_one, start_reader, start_worker)

Results = Iterator[tuple[int, "Read | PickledRead | Outcome"]]


def run_batch(paths: Iterable[str], opts: Options, jobs: int,
              on_done: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Every PDF, outcomes in the order given (``on_done`` hears of each as it ends). One PDF alone is read
    alongside the imports of the data stages when there are several cores."""
    from pipeline.report.earlier import release_files

    paths = list(paths)
    tell = on_done or (lambda outcome: None)
    if opts.releases_before is None:  # every report sees the same earlier releases, whatever order the PDFs finish in
        opts = replace(opts, releases_before=release_files(opts.out))
    if len(paths) == 1:
        outcome = run_one(paths[0], opts, alongside=jobs > 1)
        tell(outcome)
        return [outcome]
    if jobs > 1:
        workers = min(jobs, len(paths))
        return _batch(paths, opts, tell, partial(_pooled_reads, workers), partial(_pooled_processing, workers))
    return _batch(paths, opts, tell, lambda ps, o: ((i, read_one(p, o)) for i, p in enumerate(ps)),
                  lambda todo, o: ((i, run_one(p, o, already=r)) for i, (p, r) in todo.items()))


def _batch(paths: list[str], opts: Options, tell, map_read, map_process) -> list[Outcome]:
    outcomes: list[Outcome | None] = [None] * len(paths)
    reads: dict[int, Read | PickledRead] = {}
    for i, result in map_read(paths, opts):
        if isinstance(result, Outcome):
            outcomes[i] = result
            tell(result)
        else:
            reads[i] = result
    for i, outcome in same_year_outcomes(paths, reads, opts).items():
        outcomes[i] = outcome
        del reads[i]
        tell(outcome)
    if reads:
        from pipeline.report.earlier import earlier_than
        from pipeline.report.page import earlier_as_found

        newest = max(r.release_year for r in reads.values())
        with earlier_as_found(earlier_than(opts.releases_before, newest)):
            for i, outcome in map_process({i: (paths[i], r) for i, r in reads.items()}, opts):
                outcomes[i] = outcome
                tell(outcome)
    return outcomes


def _pooled_reads(workers: int, paths: list[str], opts: Options) -> Results:
    """Every PDF read in a pool of ``workers``; meanwhile this process imports the data stages and what draws
    the pictures, for the workers of the second round to be forked with (``_pooled_processing``)."""
    import pipeline.extract  # noqa: F401  (before the fork: the readers start with it)

    with _Pool(workers, start_reader) as pool:
        results = pool.map_read(paths, opts)  # submitted: the workers are reading
        import_data_stages()
        import_picture_stages()
        yield from results


def _pooled_processing(workers: int, todo: dict[int, tuple[str, Read | PickledRead]], opts: Options) -> Results:
    """The PDFs read (``todo``) normalized, validated and written in a pool of at most ``workers``, forked from
    this process (which has imported the data stages by now)."""
    if todo:
        with _Pool(min(workers, len(todo)), start_worker) as pool:
            yield from pool.map_process(todo, opts)


def same_year_outcomes(paths: list[str], reads: dict[int, Read | PickledRead], opts: Options) -> dict[int, Outcome]:
    """Exit 2 for every PDF whose release year another PDF of the run has too, each naming the others."""
    by_year: dict[int, list[int]] = defaultdict(list)
    for i, r in sorted(reads.items()):
        by_year[r.release_year].append(i)
    return {i: failed(paths[i], same_release_year(paths[i], year, [paths[j] for j in group if j != i]), opts)
            for year, group in by_year.items() if len(group) > 1 for i in group}


class _Pool:
    """A process pool for one round of a batch (workers that die with this process, each first running
    ``initializer``), started again if a dying worker broke it."""

    def __init__(self, workers: int, initializer: Callable[[], None]) -> None:
        self.workers = workers
        self.initializer = initializer
        self.pool = self._start()

    def _start(self) -> ProcessPoolExecutor:
        return child_pool(self.workers, initializer=self.initializer)

    def __enter__(self) -> "_Pool":
        return self

    def __exit__(self, *exc) -> None:
        self.pool.shutdown()

    def _submit(self, fn, *args, **kwargs):
        try:
            return self.pool.submit(fn, *args, **kwargs)
        except BrokenProcessPool:
            self.pool.shutdown(wait=False)
            self.pool = self._start()
            return self.pool.submit(fn, *args, **kwargs)

    def map_read(self, paths: list[str], opts: Options) -> Results:
        futures = {self._submit(read_one, p, opts, pickled=True): i for i, p in enumerate(paths)}
        return _as_finished(futures, paths)

    def map_process(self, todo: dict[int, tuple[str, Read | PickledRead]], opts: Options) -> Results:
        futures = {self._submit(run_one, p, opts, already=r): i for i, (p, r) in todo.items()}
        return _as_finished(futures, {i: p for i, (p, _) in todo.items()})


def _as_finished(futures: dict, paths) -> Results:
    """(index, result) as each future ends; a worker's death is that PDF's Outcome."""
    for future in as_completed(futures):
        i = futures[future]
        try:
            yield i, future.result()
        except Exception as exc:  # a worker died (killed, out of memory, a crash in a C library)
            path = paths[i]
            yield i, Outcome(path, 1, [f"{path}: internal error (a worker process died while this PDF was queued "
                                       f"or read: {type(exc).__name__}). Rerun with --jobs 1 to find the PDF that "
                                       "stops it, and report it with that PDF."])
