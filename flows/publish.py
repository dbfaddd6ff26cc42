"""Publish a run's outputs into the clean folder atomically.

Plain Python (no Prefect). The guarantee: whenever the process dies (SIGKILL,
power cut after the journal commits), the clean folder is either exactly the
previous one or exactly the new one, never a mix, and the next run recovers
without manual cleanup.

How:

1. Take an exclusive lock (``flock`` on the clean folder's parent), so two
   runs on one clean folder cannot interleave, then :func:`recover`: remove
   staging and trash folders left by a killed run; if the clean folder is
   missing but a backup exists (killed inside the fallback swap), put it back.
2. Write every output into a fresh staging folder ``.<clean>.staging-<pid>``
   next to the clean folder (same file system, so renames are atomic), fsync
   the files, copy the kept files (``README.md``) from the current clean folder.
3. Swap: Linux ``renameat2(RENAME_EXCHANGE)`` (through ctypes) exchanges the
   two folders in one atomic step; the old content, now under the staging
   name, is renamed to a trash name and deleted. Where ``renameat2`` is not
   available (not Linux, old kernel, a file system without it) the fallback
   renames clean -> backup, staging -> clean, then deletes the backup; a kill
   between the two renames leaves no clean folder, and step 1 of the next run
   restores the backup.

Every relative output path goes through :func:`safe_relpath`, so no output is
written outside the staging folder, whatever the raw file names were.

A test hook: ``SCANCLEAN_CRASH_AT=<point>`` makes the process SIGKILL itself
at that named point (see ``CRASH_POINTS``), to test the guarantee with real
processes.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
import signal
import time
from contextlib import contextmanager
from pathlib import Path, PurePosixPath
from typing import Iterator, Mapping

KEEP = ("README.md",)
CRASH_ENV = "SCANCLEAN_CRASH_AT"
NO_EXCHANGE_ENV = "SCANCLEAN_NO_RENAME_EXCHANGE"  # force the fallback swap (tests)
CRASH_POINTS = (
    "staging-partial",  # half of the files written into staging
    "staged",  # staging complete, before the swap
    "exchanged",  # after the atomic exchange, old content not yet deleted
    "fallback-moved-old",  # fallback: clean renamed to backup, staging not yet renamed
    "fallback-swapped",  # fallback: new clean in place, backup not yet deleted
)
_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def crash_point(name: str) -> None:
    """Die here (SIGKILL, no cleanup at all) if ``SCANCLEAN_CRASH_AT`` names this point."""
    if os.environ.get(CRASH_ENV) == name:
        os.kill(os.getpid(), signal.SIGKILL)


class UnsafePath(ValueError):
    """An output path that would land outside the clean folder."""


def safe_relpath(rel: str) -> str:
    """Check an output path relative to the clean folder and return it normalised.

    >>> safe_relpath("edits/a b.jsonl")
    'edits/a b.jsonl'
    >>> safe_relpath("../x.txt")
    Traceback (most recent call last):
    ...
    flows.publish.UnsafePath: output path '../x.txt' would leave the clean folder
    """
    p = PurePosixPath(rel)
    if (not rel or "\x00" in rel or "\\" in rel or p.is_absolute()
            or any(part in ("", ".", "..") for part in rel.split("/"))):
        raise UnsafePath(f"output path {rel!r} would leave the clean folder")
    return p.as_posix()


def _sibling(clean: Path, kind: str, tag: str = "") -> Path:
    return clean.parent / f".{clean.name}.{kind}{'-' + tag if tag else ''}"


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


_libc = None


def _rename_exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths; False if this system cannot (then use the fallback)."""
    global _libc
    if os.environ.get(NO_EXCHANGE_ENV) or not hasattr(os, "uname") or os.uname().sysname != "Linux":
        return False
    if _libc is None:
        _libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    fn = getattr(_libc, "renameat2", None)
    if fn is None:
        return False
    rc = fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, f"renameat2({a}, {b}, RENAME_EXCHANGE): {os.strerror(err)}")


@contextmanager
def clean_lock(clean: Path, *, wait_seconds: float = 0.0) -> Iterator[None]:
    """Exclusive lock for publishing next to ``clean`` (released when the process dies).

    The lock is taken on the parent folder itself, so no lock file is left
    behind: nothing but the clean folder (and, while a run publishes, its
    staging folder) is ever written in the parent.
    """
    clean.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(clean.parent, os.O_RDONLY | os.O_DIRECTORY)
    try:
        deadline = time.monotonic() + wait_seconds
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise RuntimeError(f"another run is publishing next to {clean} (the folder "
                                       f"{clean.parent} is locked); wait for it to finish") from None
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)


def recover(clean: Path) -> list[str]:
    """Undo what a killed run left next to ``clean``; returns what was done. Call under the lock."""
    actions = []
    prefix = f".{clean.name}."
    backups = sorted(p for p in clean.parent.glob(prefix + "backup-*") if p.is_dir())
    if not clean.exists() and backups:
        os.rename(backups[-1], clean)
        actions.append(f"restored {clean} from {backups[-1].name} (a run was killed mid-swap)")
        backups = backups[:-1]
    for p in sorted(clean.parent.glob(prefix + "*")):
        kind = p.name[len(prefix):].split("-", 1)[0]
        if kind in ("staging", "trash", "backup") and p.is_dir():
            shutil.rmtree(p)
            actions.append(f"removed stale {p.name}")
    return actions


def check_clean_target(clean: Path) -> None:
    """Refuse a clean folder that holds things scanclean did not write (it would delete them)."""
    if clean.exists() and not clean.is_dir():
        raise ValueError(f"clean folder {clean} exists and is not a folder")
    if not clean.is_dir():
        return
    names = {p.name for p in clean.iterdir()}
    ours = {"manifest.json", "run.json"}
    if names - set(KEEP) and not names & ours:
        raise ValueError(f"clean folder {clean} holds files scanclean did not write "
                         f"(no manifest.json or run.json); choose a new or empty folder")


def write_tree(root: Path, files: Mapping[str, bytes]) -> None:
    """Write ``files`` (relative path -> bytes) under ``root`` with fsync, in sorted order."""
    names = sorted(files)  # values fetched one at a time: ``files`` may be a lazy mapping (a Spool)
    half = len(names) // 2
    dirs = {root}
    for i, rel in enumerate(names):
        data = files[rel]
        if i == half:
            crash_point("staging-partial")
        target = root / safe_relpath(rel)
        target.parent.mkdir(parents=True, exist_ok=True)
        dirs.add(target.parent)
        with open(target, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    for d in sorted(dirs, key=lambda p: len(p.parts), reverse=True):
        _fsync_dir(d)


def publish(clean: str | os.PathLike, files: Mapping[str, bytes], *, keep: tuple[str, ...] = KEEP,
            wait_seconds: float = 0.0) -> list[str]:
    """Replace the content of ``clean`` by ``files`` atomically, keeping ``keep`` files.

    A clean folder given as a symlink is published at the link's target. Waits
    up to ``wait_seconds`` for another run publishing in the same parent
    folder. Returns notes on recovery actions (stale folders removed, a backup
    restored).
    """
    clean = Path(clean).absolute()
    if clean.is_symlink():
        clean = clean.resolve()
    for rel in files:
        safe_relpath(rel)
    with clean_lock(clean, wait_seconds=wait_seconds):
        notes = recover(clean)
        check_clean_target(clean)
        staging = _sibling(clean, "staging", str(os.getpid()))
        staging.mkdir()
        write_tree(staging, files)
        for name in keep:
            src = clean / name
            if src.is_file() and name not in files:
                shutil.copy2(src, staging / name)
        _fsync_dir(staging)
        crash_point("staged")
        if not clean.exists():
            os.rename(staging, clean)
            _fsync_dir(clean.parent)
            return notes
        if _rename_exchange(staging, clean):
            _fsync_dir(clean.parent)
            crash_point("exchanged")
            trash = _sibling(clean, "trash", str(os.getpid()))
            os.rename(staging, trash)
            shutil.rmtree(trash)
            return notes
        backup = _sibling(clean, "backup", str(os.getpid()))
        os.rename(clean, backup)
        crash_point("fallback-moved-old")
        os.rename(staging, clean)
        _fsync_dir(clean.parent)
        crash_point("fallback-swapped")
        shutil.rmtree(backup)
        return notes
