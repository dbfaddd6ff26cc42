"""Which files in the raw folder are documents, and what each is called in clean/.

Plain Python (no Prefect), so it is tested directly.

Decisions (also in the README):

* Only regular files whose name ends in ``.txt`` (any case) are documents.
  Everything else is *skipped with a note* in the run summary, never an error:
  other extensions, hidden files and hidden folders (name starting with
  ``.``), FIFOs, sockets and devices (reading them could hang), broken links.
* Nested folders are *recursed*. The relative path is kept in the document's
  name, its parts joined by ``__``: ``raw/letters/1901 May.txt`` becomes
  ``clean/letters__1901 May.txt``. clean/ stays flat, so no raw folder name can
  clash with the output folders (``edits/``, ``meta/``...). Symlinked folders
  are not followed (loops); symlinked files are read.
* The clean name (the *stem*) is the relative path without ``.txt``, NFC
  normalised, with path separators, backslashes and control characters
  replaced by ``_`` and undecodable bytes in the name by U+FFFD; spaces and
  non-ASCII letters are kept. A stem that would be over 200 bytes is cut and
  given a short hash of the full path. So no raw name can make the flow write
  outside the clean folder (and :func:`flows.publish.safe_relpath` checks
  every path again before writing).
* A file over 32 MB (``--max-mb``) is *refused*: split it.
* Two raw files whose stems are equal ignoring case (``a.txt`` and
  ``A.TXT``, NFC and NFD spellings of one name, ``x/y.txt`` and
  ``x__y.txt``) are *both refused*: choosing one silently would lose the other,
  and a case-insensitive disk (a copy of clean/ on macOS or Windows) would mix
  them.
"""

from __future__ import annotations

import hashlib
import os
import stat
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

SUFFIX = ".txt"
PART_SEPARATOR = "__"
MAX_STEM_BYTES = 200
MAX_DOCUMENT_MB = 32.0
_CUT_STEM_BYTES = 180


@dataclass(frozen=True)
class RawFile:
    """A raw document: its clean name, its path relative to raw/, its absolute path."""

    doc_id: str
    rel_path: str
    path: str
    size: int


@dataclass(frozen=True)
class Note:
    """A raw file that is not cleaned: skipped (not a document) or refused (a document we cannot take)."""

    rel_path: str
    message: str
    doc_id: str | None = None


@dataclass
class Discovery:
    files: list[RawFile] = field(default_factory=list)
    skipped: list[Note] = field(default_factory=list)
    refused: list[Note] = field(default_factory=list)


def printable_name(name: str) -> str:
    """A file name as valid Unicode: bytes that were not UTF-8 become U+FFFD.

    >>> printable_name("caf\\udce9.txt")
    'caf\\ufffd.txt'
    """
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _clean_part(part: str) -> str:
    part = unicodedata.normalize("NFC", printable_name(part))
    out = []
    for ch in part:
        if ch in "/\\" or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp"):
            out.append("_")
        else:
            out.append(ch)
    part = "".join(out)
    return "_" if part in ("", ".", "..") else part


def clean_stem(rel_path: str) -> str:
    """The name a raw file gets in clean/ (without extension), from its path relative to raw/.

    >>> clean_stem("letters/1901 May.txt")
    'letters__1901 May'
    >>> clean_stem("../x.txt")
    '___x'
    >>> clean_stem("a\\\\b\\x00c.TXT")
    'a_b_c'
    """
    parts = rel_path.split("/")
    last = parts[-1]
    if last.lower().endswith(SUFFIX):
        last = last[: -len(SUFFIX)]
    stem = PART_SEPARATOR.join(_clean_part(p) for p in parts[:-1] + [last])
    encoded = stem.encode("utf-8")
    if len(encoded) > MAX_STEM_BYTES:
        cut = encoded[:_CUT_STEM_BYTES].decode("utf-8", "ignore")
        stem = f"{cut}~{hashlib.sha256(rel_path.encode('utf-8', 'surrogateescape')).hexdigest()[:10]}"
    return stem


def _skip_reason(name: str, st: os.stat_result | None) -> str | None:
    if name.startswith("."):
        return "hidden file: skipped"
    if st is None:
        return "broken link or vanished before it could be read: skipped"
    if not stat.S_ISREG(st.st_mode):
        return "not a regular file (FIFO, socket or device): skipped"
    if not name.lower().endswith(SUFFIX):
        return f"not a {SUFFIX} file: skipped (only {SUFFIX} files are documents)"
    return None


def discover(raw_dir: str | os.PathLike, *, max_mb: float = MAX_DOCUMENT_MB) -> Discovery:
    """Walk ``raw_dir`` (recursively, sorted) and sort its files into documents, skipped and refused.

    A file over ``max_mb`` megabytes is refused: the pipeline holds a document
    in memory with an 8-byte raw offset per character, and no real OCR
    document (a book is a few MB) is that large in one file.
    """
    root = Path(raw_dir)
    found = Discovery()
    candidates: list[RawFile] = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        here = Path(dirpath)
        rel_dir = here.relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        kept_dirs = []
        for d in sorted(dirnames):
            full = here / d
            if d.startswith("."):
                found.skipped.append(Note(printable_name(prefix + d + "/"), "hidden folder: skipped"))
            elif full.is_symlink():
                found.skipped.append(Note(printable_name(prefix + d + "/"),
                                          "link to a folder: not followed (could loop)"))
            else:
                kept_dirs.append(d)
        dirnames[:] = kept_dirs
        for name in sorted(filenames):
            rel = prefix + name
            try:
                st = os.stat(here / name)
            except OSError:
                st = None
            reason = _skip_reason(name, st)
            if reason:
                found.skipped.append(Note(printable_name(rel), reason))
                continue
            raw = RawFile(doc_id=clean_stem(rel), rel_path=printable_name(rel),
                          path=str((here / name).absolute()), size=st.st_size)
            if st.st_size > max_mb * 1_000_000:
                found.refused.append(Note(raw.rel_path, (
                    f"refused: {st.st_size / 1e6:.1f} MB is over the {max_mb:g} MB limit for one document; "
                    "split it (per volume or chapter) or raise --max-mb"), doc_id=raw.doc_id))
                continue
            candidates.append(raw)
    by_key: dict[str, list[RawFile]] = {}
    for f in candidates:
        by_key.setdefault(f.doc_id.casefold(), []).append(f)
    for group in by_key.values():
        if len(group) == 1:
            found.files.append(group[0])
            continue
        names = ", ".join(repr(f.rel_path) for f in group)
        both = "both" if len(group) == 2 else "all"
        for f in group:
            found.refused.append(Note(
                f.rel_path,
                f"name clash: {names} would {both} be written as clean/{group[0].doc_id}.txt "
                "(names are compared ignoring case); rename all but one and rerun",
                doc_id=f.doc_id))
    found.files.sort(key=lambda f: f.doc_id)
    found.refused.sort(key=lambda n: n.rel_path)
    found.skipped.sort(key=lambda n: n.rel_path)
    return found


def sha256_file(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file's content, read in blocks."""
    with open(path, "rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def read_raw(path: str | os.PathLike, expected_sha256: str | None = None) -> bytes:
    """A raw file's bytes; raises ``RawChanged`` if they no longer match the discovery hash."""
    data = Path(path).read_bytes()
    if expected_sha256 is not None:
        actual = hashlib.sha256(data).hexdigest()
        if actual != expected_sha256:
            raise RawChanged(f"changed during the run (sha256 {expected_sha256[:12]} at the start, "
                             f"{actual[:12]} now): rerun to clean the new version")
    return data


class RawChanged(Exception):
    """The raw file's content changed between discovery and cleaning."""


def describe_os_error(exc: OSError) -> str:
    """An actionable message for a raw file that cannot be read."""
    if isinstance(exc, FileNotFoundError):
        return "deleted during the run (or a broken link): restore it and rerun"
    if isinstance(exc, PermissionError):
        return "cannot be read (permission denied): fix its permissions (chmod a+r) and rerun"
    if isinstance(exc, IsADirectoryError):
        return "is a folder, not a file"
    return f"cannot be read ({exc.strerror or exc}): check the disk and rerun"


def check_folders(raw_dir: str | os.PathLike, clean_dir: str | os.PathLike) -> None:
    """Refuse folder choices that would lose data: raises ValueError with what to do."""
    raw_r, clean_r = Path(raw_dir).resolve(), Path(clean_dir).resolve()
    if not raw_r.is_dir():
        raise ValueError(f"raw folder {raw_dir!s} does not exist or is not a folder")
    if clean_r == raw_r or raw_r in clean_r.parents or clean_r in raw_r.parents:
        raise ValueError(f"raw folder {raw_dir!s} and clean folder {clean_dir!s} must be separate "
                         "(neither inside the other): the clean folder is replaced on every run")
    cwd = Path.cwd().resolve()
    if clean_r == cwd or clean_r in cwd.parents:
        raise ValueError(f"clean folder {clean_dir!s} contains the current folder; "
                         "choose a folder of its own (it is replaced on every run)")
