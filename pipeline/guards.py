"""Limits around all work on one PDF: time (``--timeout``), memory (``--max-memory``), and child processes
that die with their parent.

* ``time_limit``: a ``SIGALRM`` timer; its exception is a ``BaseException``, so that no library's
  ``except Exception`` swallows it. Where it is swallowed all the same (raised inside a weakref or import
  lock callback, which Python can only report as "Exception ignored"), it is not printed and the alarm
  rings again shortly, until the block ends.
* ``memory_limit``: the process's address space (``RLIMIT_AS``) is capped for the block, then restored. A
  decompression bomb or a fanned-out page then ends as a ``MemoryError`` in the allocation that crosses the
  limit, turned into one line, instead of taking the machine down.
* ``die_with_parent``: the first thing a worker process does. On Linux the kernel kills it when its parent
  dies (``prctl(PR_SET_PDEATHSIG)``); elsewhere a thread checks the parent every second. A ``kill -9`` of
  the main process then leaves no worker blocked on its pipe forever (nor holding the output lock).
* ``in_child``: run a function in a forked child (``die_with_parent``) and hand back its result or error: a
  crash in a C library there (pdfium drawing a hostile page) is ``ChildDied``, not the end of the run, and a
  C library that does not return in time is killed by the parent (``ChildTimedOut``). ``start_in_child``
  starts one without waiting (the report's pictures are drawn while the release is checked); one running a
  generator hands back each of its results as it comes (a PDF read, then its pictures). A ``Helper``
  runs such calls one after another in one child, for a batch worker that draws many releases' pictures.
"""

from __future__ import annotations

import ctypes
import inspect
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path

from pipeline.errors import MemoryLimitError, TimeLimitError

try:
    import fcntl
    import resource
except ImportError:  # pragma: no cover - not POSIX: no memory limit
    fcntl = resource = None

MIB = 1 << 20
DEFAULT_MAX_MEMORY_MIB = 2048
PR_SET_PDEATHSIG = 1
GRACE = 1.0  # seconds a child's own time limit gets to report before its parent kills it
ALARM_REPEAT = 0.05  # seconds after which a time limit's alarm rings again, should its exception be swallowed
MEMORY_HINT = "Raise the limit with --max-memory if this is really a release."
PIPE_BYTES = 1 << 20  # what a generator child's pipe holds (Linux's default maximum for a user): a PDF read


class _Timeout(BaseException):
    """Raised by the alarm; turned into a TimeLimitError by ``time_limit``."""


class ChildDied(Exception):
    """A child process ended without a result (killed, or a crash in a C library)."""


class ChildTimedOut(Exception):
    """A child process was still running when its time was up (``in_child``): it was killed."""


@contextmanager
def time_limit(seconds: float, path: Path, *, limit: float | None = None, what: str = "reading the PDF"):
    """Raise TimeLimitError when the block takes longer than ``seconds`` (the time left of ``limit``, the
    whole --timeout named in the message). No limit for 0 or None."""
    if not seconds or seconds <= 0:
        yield
        return

    def on_alarm(signum, frame):
        raise _Timeout()

    def unraisable(info) -> None:  # a _Timeout raised where it cannot propagate: the alarm rings again
        if not isinstance(info.exc_value, _Timeout):
            previous_hook(info)

    previous, previous_hook = signal.signal(signal.SIGALRM, on_alarm), sys.unraisablehook
    sys.unraisablehook = unraisable
    signal.setitimer(signal.ITIMER_REAL, seconds, ALARM_REPEAT)
    try:
        yield
    except _Timeout:
        signal.setitimer(signal.ITIMER_REAL, 0)
        raise time_limit_error(path, limit or seconds, what) from None
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        sys.unraisablehook = previous_hook


def time_limit_error(path: Path | str, seconds: float, what: str = "reading the PDF") -> TimeLimitError:
    """The time line: ``what`` took longer than --timeout ``seconds``."""
    return TimeLimitError(path, f"{what} took longer than the limit of {seconds:g} s.",
                          "Raise the limit with --timeout if this is really a release.")


def memory_error(path: Path | str, mib: int, why: str = "") -> MemoryLimitError:
    """The one line for a PDF that needs more than ``mib`` MiB; ``why`` says what was found, if known."""
    return MemoryLimitError(path, f"the PDF needs more memory than the limit ({mib} MiB) to be read{why}.",
                            MEMORY_HINT)


def memory_cap() -> int | None:
    """The address-space limit in force for this process, in bytes (None: none)."""
    if resource is None:
        return None
    soft = resource.getrlimit(resource.RLIMIT_AS)[0]
    return None if soft == resource.RLIM_INFINITY else soft


@contextmanager
def memory_limit(mib: int, path: Path):
    """Cap this process's address space at ``mib`` MiB for the block (never raising a lower cap); a
    MemoryError in it becomes MemoryLimitError. No limit for 0 or None, or where ``resource`` is missing."""
    if not mib or resource is None:
        yield
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    cap = mib * MIB
    for bound in (soft, hard):
        if bound != resource.RLIM_INFINITY:
            cap = min(cap, bound)
    resource.setrlimit(resource.RLIMIT_AS, (cap, hard))
    try:
        yield
    except MemoryError as exc:  # ``why``: what a check found before allocating (extract.integrity.TooLarge)
        raise memory_error(path, mib, f": {exc.why}" if getattr(exc, "why", "") else "") from None
    finally:
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@contextmanager
def limits(path: Path, seconds: float, max_memory_mib: int, *, timeout: float | None = None,
           what: str = "reading the PDF"):
    """``time_limit`` and ``memory_limit`` together: the guards around every step that reads a PDF."""
    with memory_limit(max_memory_mib, path), time_limit(seconds, path, limit=timeout, what=what):
        yield


def die_with_parent(parent: int) -> None:
    """In a child process: end when process ``parent`` ends (Linux: the kernel sends SIGKILL)."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (AttributeError, OSError):  # pragma: no cover - a C library without prctl
            _watch_parent(parent)
    else:  # pragma: no cover - no prctl
        _watch_parent(parent)
    if os.getppid() != parent:  # it died before the prctl took effect
        os._exit(1)


def _watch_parent(parent: int) -> None:
    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os._exit(1)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def fork_context():
    """Fork where the platform can (the child starts with what this process has loaded), else the default."""
    if "fork" in multiprocessing.get_all_start_methods():
        return multiprocessing.get_context("fork")
    return None  # pragma: no cover


def child_pool(workers: int = 1, initializer=None, initargs=()) -> ProcessPoolExecutor:
    """A process pool whose workers die with this process, then run ``initializer(*initargs)``."""
    return ProcessPoolExecutor(max_workers=workers, mp_context=fork_context(), initializer=_start_child,
                               initargs=(os.getpid(), initializer, initargs))


def _start_child(parent: int, initializer, initargs) -> None:
    die_with_parent(parent)
    if initializer is not None:
        initializer(*initargs)


def in_child(function, *args, seconds: float | None = None):
    """``function(*args)`` in a forked child (``die_with_parent``); its result, or its exception, or
    ChildDied (it ended without either), or ChildTimedOut: still running ``seconds`` (plus a second of grace
    for its own ``time_limit``) after it started, it is killed. The child's alarm cannot stop a C library
    (pdfium drawing a page) before it returns; the parent's deadline can."""
    return start_in_child(function, *args, seconds=seconds).result()


class Child:
    """A forked child running ``function(*args)`` (``start_in_child``) while this process goes on; ``result``
    waits for it as ``in_child`` does (the deadline counted from its start), ``cancel`` kills it. A generator
    ``function`` sends what it yields one by one, each as soon as it is made (``next_result``)."""

    def __init__(self, function, args: tuple, seconds: float | None) -> None:
        context = fork_context() or multiprocessing.get_context()
        self._deadline = time.monotonic() + seconds + GRACE if seconds else None
        self._receive, send = context.Pipe(duplex=False)
        if inspect.isgeneratorfunction(function):
            _widen(send)
        self._process = context.Process(target=_run_child, args=(os.getpid(), send, function, args), daemon=True)
        self._process.start()
        send.close()

    def result(self):
        """Its result (the next one, for a generator), after which it is killed."""
        try:
            return self.next_result()
        finally:
            self.cancel()

    def next_result(self):
        """The next result of a child whose ``function`` is a generator, without killing it: it goes on to the
        ones after, unless it raised or ran out of time."""
        try:
            ok, value = _received(self._receive, self._deadline)
        except BaseException:
            self.cancel()
            raise
        if not ok:
            self.cancel()
            raise value
        return value

    def cancel(self) -> None:
        """Kill the child if it still runs, and reap it (idempotent)."""
        if not self._receive.closed:
            self._receive.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()


def start_in_child(function, *args, seconds: float | None = None) -> Child:
    """``function(*args)`` started in a forked child, as ``in_child`` runs it, without waiting for it."""
    return Child(function, args, seconds)


class Helper:
    """A forked child that runs calls one after another (``start``), for a process that makes many: a batch
    worker draws the pictures of every release it checks. Forked once instead of once per call, it also keeps
    warm what the calls load and allocate: a release's pictures cost about 45 ms of CPU there, against 60 ms
    in a child of their own. Each call is as ``start_in_child``'s (``result``, ``cancel``), but its arguments
    are pickled to the helper instead of inherited. A call that raises, runs out of time or is cancelled ends
    the helper (its state is not trusted again); so does its death, and the next call starts a new one."""

    def __init__(self) -> None:
        self._process = self._call = None
        self._pid = os.getpid()  # a helper serves the process that started it, not a forked copy of it

    def start(self, function, *args, seconds: float | None = None) -> "HelperCall":
        """``function(*args)`` started in the helper (a new one if need be) without waiting for it; a call still
        running is cancelled first."""
        if os.getpid() != self._pid:
            self._process, self._call, self._pid = None, None, os.getpid()
        if self._process is not None and not self._process.is_alive():
            self.stop()
        if self._call is not None:
            self._call.cancel()
        if self._process is None:
            context = fork_context() or multiprocessing.get_context()
            self._conn, conn = context.Pipe()
            self._process = context.Process(target=_serve, args=(os.getpid(), conn), daemon=True)
            self._process.start()
            conn.close()
        self._call = HelperCall(self, function, args, seconds)
        return self._call

    def stop(self) -> None:
        """Kill the helper if it runs, and reap it (idempotent)."""
        if self._process is None:
            return
        self._conn.close()
        if self._process.is_alive():
            self._process.kill()
        self._process.join()
        self._process = None


class HelperCall:
    """One call running in a ``Helper``: ``result`` and ``cancel`` as a ``Child``'s."""

    def __init__(self, helper: Helper, function, args: tuple, seconds: float | None) -> None:
        self._helper, self._conn, self._done = helper, helper._conn, False
        self._deadline = time.monotonic() + seconds + GRACE if seconds else None
        try:
            self._conn.send((function, args))
        except OSError:  # the helper died since it was checked: the result says so
            pass

    def result(self):
        ok = False
        try:
            ok, value = _received(self._conn, self._deadline)
        finally:
            self._done = ok
            self.cancel()
        if ok:
            return value
        raise value

    def cancel(self) -> None:
        """Stop the helper unless this call returned a result (idempotent): it is running this call, or failed
        it."""
        if not self._done and self._helper._call is self:
            self._helper.stop()
        self._done = True
        if self._helper._call is self:
            self._helper._call = None


def _received(conn, deadline: float | None) -> tuple[bool, object]:
    """(ok, result or exception) of a child's call, as ``_reply`` sent it; ChildTimedOut past ``deadline``
    (a ``time.monotonic`` time; None: no deadline), ChildDied if the pipe closed without it."""
    try:
        wait = max(deadline - time.monotonic(), 0.0) if deadline is not None else None
        if not conn.poll(wait):
            raise ChildTimedOut()
        return conn.recv()
    except (EOFError, OSError):  # the pipe closed without a result: the child died
        raise ChildDied() from None


def _reply(conn, function, args) -> bool:
    """In a child: ``function(*args)``, its result or its exception sent back on ``conn``; whether it
    returned a result that was sent."""
    try:
        result = (True, function(*args))
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        result = (False, exc)
    return _send(conn, result)


def _widen(conn) -> None:
    """Let the pipe of ``conn`` hold up to PIPE_BYTES (Linux; elsewhere, or past the user's quota, it stays as
    it is). A child then sends a result of that size at once and goes on (``_reply_each``), though its parent
    reads it only later; a larger result waits until the parent reads it."""
    try:
        fcntl.fcntl(conn.fileno(), fcntl.F_SETPIPE_SZ, PIPE_BYTES)
    except (AttributeError, OSError):  # pragma: no cover - not Linux (no fcntl, or no F_SETPIPE_SZ), or no quota
        pass


def _reply_each(conn, values: Iterator) -> None:
    """In a child: each value of the generator ``values`` sent back on ``conn`` as ``_reply`` sends one, until
    it ends or raises (its exception sent last), or one does not pickle. Each is sent before the next is made:
    whatever happens to the child after, the parent receives it."""
    while True:
        try:
            result = (True, next(values))
        except StopIteration:
            return
        except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
            result = (False, exc)
        if not _send(conn, result):
            return


def _send(conn, result: tuple[bool, object]) -> bool:
    """``result`` (ok, value) sent on ``conn``, or ChildDied if it does not pickle; whether a value was sent."""
    try:
        conn.send(result)
    except Exception:  # an exception or result that does not pickle
        conn.send((False, ChildDied()))
        return False
    return result[0]


def _serve(parent: int, conn) -> None:
    """A ``Helper``: calls from ``conn`` run one after another, each result (or exception) sent back, until
    one raises or the pipe closes."""
    die_with_parent(parent)
    while True:
        try:
            function, args = conn.recv()
        except (EOFError, OSError):
            return
        if not _reply(conn, function, args):
            return


def _run_child(parent: int, send, function, args) -> None:
    die_with_parent(parent)
    if inspect.isgeneratorfunction(function):
        _reply_each(send, function(*args))
    else:
        _reply(send, function, args)
