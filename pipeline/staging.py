"""The writer's file-system half: whole directories and single files replaced in one step, and leftovers.

A release directory (``DIR/2023/``), ``DIR/panel/`` and a single file (the database) are written in full
beside their target under a hidden staging name, ``DIR/.2023.staging-<pid>-<random>``, then swapped in:

* on Linux by one ``renameat2(RENAME_EXCHANGE)``: the target is at every moment either the complete old
  directory or the complete new one; the old one, now under the staging name, is removed afterwards;
* elsewhere (or on a file system without the exchange) by two renames: the old directory to
  ``DIR/.2023.old-<pid>-<random>``, the new one into place. A kill between the two leaves no target, and the
  next run (``recover_leftovers``) renames the old one back.

A kill at any point leaves at most hidden leftovers, named so that the next run into ``DIR`` finds them:
``recover_leftovers`` removes them (restoring an old directory whose target is missing) and names them.
It must run under the output lock (``pipeline.lock``), so that no live run's staging is taken for a
leftover.

``on_step`` is called at each step of a swap, with the step's name: a test hook (a test replaces it with a
function that kills the process there), a no-op otherwise.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import secrets
import shutil
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

from pipeline.errors import OutputError

LEFTOVER = re.compile(r"\.(?P<name>.+)\.(?P<kind>staging|old)-(?P<pid>\d+)-[0-9a-f]+")
_UMASK = os.umask(0)
os.umask(_UMASK)
RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _no_op(step: str) -> None:
    pass


on_step: Callable[[str], None] = _no_op


def sibling(target: Path, kind: str) -> Path:
    """A hidden name beside ``target`` that ``recover_leftovers`` recognises: ``.<name>.<kind>-<pid>-<hex>``."""
    return target.parent / f".{target.name}.{kind}-{os.getpid()}-{secrets.token_hex(4)}"


def output_error(where: Path, exc: OSError) -> OutputError:
    return OutputError(where, f"could not write the outputs ({exc.strerror or exc}).",
                       "Check that the folder is writable and has free space; earlier outputs are untouched.")


def make_folder(directory: Path) -> None:
    """``directory`` and its parents, or one OutputError line (a file in the way, no permission)."""
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except FileExistsError:
        raise OutputError(directory, "is a file, not a folder.", "Choose a folder with --out.") from None
    except OSError as exc:
        raise OutputError(directory, f"could not create the output folder ({exc.strerror or exc}).",
                          "Choose a writable folder with --out.") from exc


@contextmanager
def replaced_directory(target: Path, keep: Callable[[str], bool] | None = None
                       ) -> Iterator[Callable[[str], Path]]:
    """Hand out paths in a fresh staging directory (``stage("inspect/page-1.png")``); on success the staging
    directory replaces ``target`` whole, else it is removed and ``target`` is as it was.

    ``keep(name)`` says which entries of the old ``target`` the new one keeps (hard links, so the same
    bytes), unless staged anew: a failed release keeps the data files of the last good one.
    """
    make_folder(target.parent)
    staging = sibling(target, "staging")
    try:
        staging.mkdir(0o777)
    except OSError as exc:
        raise output_error(target, exc) from exc

    def stage(name: str) -> Path:
        path = staging / name
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    try:
        yield stage
        if keep is not None:
            _keep_old_entries(target, staging, keep)
        on_step("staged")
        swap_in(staging, target)
    except BaseException as exc:
        shutil.rmtree(staging, ignore_errors=True)
        if isinstance(exc, OSError):
            raise output_error(target, exc) from exc
        raise


@contextmanager
def replaced_file(target: Path) -> Iterator[Path]:
    """A staging path beside ``target``; on success it replaces ``target`` (one rename), else it is removed.
    For a single output file such as the database: ``with replaced_file(out / "jaarcijfers.sqlite") as tmp``."""
    make_folder(target.parent)
    tmp = sibling(target, "staging")
    try:
        yield tmp
        if tmp.exists():
            os.chmod(tmp, 0o666 & ~_UMASK)
        on_step("staged")
        os.replace(tmp, target)
    except BaseException as exc:
        tmp.unlink(missing_ok=True)
        if isinstance(exc, OSError):
            raise output_error(target, exc) from exc
        raise


def _keep_old_entries(target: Path, staging: Path, keep: Callable[[str], bool]) -> None:
    if not target.is_dir():
        return
    for entry in sorted(target.iterdir()):
        if entry.name.startswith(".") or not keep(entry.name) or (staging / entry.name).exists():
            continue
        if entry.is_dir():
            shutil.copytree(entry, staging / entry.name, copy_function=_link_or_copy)
        else:
            _link_or_copy(entry, staging / entry.name)


def _link_or_copy(src, dst) -> None:
    try:
        os.link(src, dst)  # outputs are never changed in place: a link is as good as a copy
    except OSError:
        shutil.copy2(src, dst)


def swap_in(staging: Path, target: Path) -> None:
    """Put the directory ``staging`` in the place of ``target``; the old ``target`` is removed after."""
    if not os.path.lexists(target):
        os.rename(staging, target)
        on_step("swapped")
        return
    if not target.is_dir() or target.is_symlink():
        raise OSError(errno.ENOTDIR, f"{target.name} is in the way and is not a folder")
    if _exchange(staging, target):
        on_step("swapped")
        shutil.rmtree(staging)  # now the old directory
        return
    old = sibling(target, "old")
    os.rename(target, old)
    on_step("old moved")
    os.rename(staging, target)
    on_step("swapped")
    shutil.rmtree(old)


def _renameat2():
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):  # not Linux, or a C library without it
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_RENAMEAT2 = _renameat2()


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux ``renameat2``); False where the system or file system cannot."""
    if _RENAMEAT2 is None:
        return False
    if _RENAMEAT2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(b))


def recover_leftovers(directory: Path) -> list[str]:
    """Remove what killed runs left in ``directory``: staging directories and files, and old directories
    (renamed back when their target is missing). Returns what was done, one phrase per leftover."""
    done = []
    try:
        entries = sorted(directory.iterdir())
    except FileNotFoundError:
        return done
    for entry in entries:
        match = LEFTOVER.fullmatch(entry.name)
        if not match:
            continue
        target = directory / match["name"]
        if match["kind"] == "old" and not os.path.lexists(target):
            os.rename(entry, target)
            done.append(f"restored {target.name}/ from {entry.name}")
        else:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
            done.append(f"removed {entry.name}")
    return done
