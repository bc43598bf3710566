"""One run at a time per output folder: ``DIR/.lock``, an advisory ``flock`` holding the writer's pid.

A second run into the same folder waits up to a bounded time, then stops with one line naming the pid that
holds it. The kernel drops a ``flock`` when its last holder dies, so a lock is never stale in the kernel;
the file is. A run removes its lock file when it ends; a lock file that still names a process when it is
taken was left by a run that was killed: the new run takes it over and says so, and removes what that run
left (``staging.recover_leftovers``).
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from pipeline.errors import OutputError
from pipeline.staging import make_folder, recover_leftovers

LOCK_NAME = ".lock"
POLL_SECONDS = 0.1


@contextmanager
def output_lock(out: Path, command: str, wait: float) -> Iterator[list[str]]:
    """Hold ``out``'s lock for the block; yields the lines to show (a lock taken over, leftovers removed).

    Raises OutputError (exit 2) when another run holds the lock for longer than ``wait`` seconds. A folder
    that this run created and left empty is removed again.
    """
    created = not out.exists()
    make_folder(out)
    path = out / LOCK_NAME
    fd = _acquire(path, out, command, wait)
    try:
        notes = []
        previous = _holder(fd)
        if previous:
            pid, what = previous
            notes.append(f"{out}: took over the lock left by {what} (pid {pid}), which ended without releasing "
                         "it (killed?).")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {command}\n".encode(), 0)
        done = recover_leftovers(out)
        if done:
            notes.append(f"{out}: cleaned up after a killed run: {'; '.join(done)}.")
        yield notes
    finally:
        try:
            os.unlink(path)  # while still holding it: a waiting run then sees another file and retries
        except OSError:
            pass
        os.close(fd)
        if created:
            try:
                out.rmdir()  # only if empty: a run that wrote nothing leaves nothing
            except OSError:
                pass


def _acquire(path: Path, out: Path, command: str, wait: float) -> int:
    deadline = time.monotonic() + wait
    while True:
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
        except OSError as exc:
            raise OutputError(out, f"could not create its lock file ({exc.strerror or exc}).",
                              "Choose a writable folder with --out.") from exc
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(fd)
            os.close(fd)
            if time.monotonic() >= deadline:
                pid, what = holder or ("unknown", command)
                raise OutputError(None, f"another {what} is writing {out} (pid {pid}); waited {wait:g} s.",
                                  "Let it finish, or choose another --out.") from None
            time.sleep(POLL_SECONDS)
            continue
        if _same_file(fd, path):
            return fd
        os.close(fd)  # its holder removed it between our open and our lock: take the new one


def _same_file(fd: int, path: Path) -> bool:
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return False
    own = os.fstat(fd)
    return (st.st_dev, st.st_ino) == (own.st_dev, own.st_ino)


def _holder(fd: int) -> tuple[str, str] | None:
    """(pid, command) written in the lock file, None when it is empty."""
    words = os.pread(fd, 200, 0).decode("ascii", "replace").split()
    if not words:
        return None
    return words[0], (words[1] if len(words) > 1 else "run")

