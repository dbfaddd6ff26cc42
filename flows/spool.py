"""A run's outputs on disk as they are made, so a run never holds every document in memory.

A :class:`Spool` is a mapping relative path -> bytes (what :func:`flows.publish.publish`
takes) whose document files live in a private temporary folder, written once as each
document finishes (:meth:`Spool.put`) and read back one at a time when published; small
corpus-level files (manifest, corpus files, run.json) are kept in memory (:meth:`Spool.set`).
The documents' corpus summaries (:func:`cleaners.corpus.document_summary`) are spooled
too (:meth:`Spool.put_summary`) and read back in stem order, once each, by
:meth:`Spool.summaries`. So are the documents' layout states while the corpus
lexicon waits for all of them (:meth:`Spool.put_state`): a :class:`SpooledState`
is a small handle the words task loads the state from, and
:meth:`Spool.layout_texts` reads the texts back one at a time for the lexicon.
Plain Python, no Prefect.
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any


class _SpooledSummaries(Mapping):
    """stem -> its DocSummary, unpickled when read (each is read once, in stem order)."""

    def __init__(self, paths: dict[str, Path]):
        self._paths = paths

    def __getitem__(self, stem: str) -> Any:
        with open(self._paths[stem], "rb") as f:
            return pickle.load(f)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._paths))

    def __len__(self) -> int:
        return len(self._paths)


class SpooledState:
    """A document's layout state on disk: what the words task is given instead of the state.

    ``load()`` returns a fresh copy each time (unpickled), ``text()`` only the text.
    """

    def __init__(self, doc_id: str, path: Path, text_path: Path):
        self.doc_id, self.path, self.text_path = doc_id, path, text_path

    def load(self) -> Any:
        with open(self.path, "rb") as f:
            return pickle.load(f)

    def text(self) -> str:
        return self.text_path.read_bytes().decode("utf-8", "surrogatepass")

    def __repr__(self) -> str:
        return f"SpooledState({self.doc_id!r})"


class _SpooledTexts(Mapping):
    """doc_id -> its layout text, read from disk when asked (in doc_id order when iterated)."""

    def __init__(self, states: dict[str, SpooledState]):
        self._states = states

    def __getitem__(self, doc_id: str) -> str:
        return self._states[doc_id].text()

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self._states))

    def __len__(self) -> int:
        return len(self._states)


class Spool(Mapping):
    """Relative path -> bytes, the bulk of it on disk in a temporary folder (see the module doc).

    >>> with Spool() as s:
    ...     s.put({"a.txt": b"text", "edits/a.jsonl": b""})
    ...     s.set("manifest.json", b"{}")
    ...     sorted(s.items())
    [('a.txt', b'text'), ('edits/a.jsonl', b''), ('manifest.json', b'{}')]
    """

    def __init__(self, prefix: str = "scanclean-spool-"):
        self.root = Path(tempfile.mkdtemp(prefix=prefix))
        self._disk: dict[str, Path] = {}
        self._memory: dict[str, bytes] = {}
        self._summaries: dict[str, Path] = {}
        self._n = 0

    def _path(self) -> Path:
        self._n += 1  # numbered files: output names need no escaping here
        return self.root / f"{self._n}"

    def put(self, files: Mapping[str, bytes]) -> None:
        """Write ``files`` to disk now (one document's files as it finishes)."""
        for rel, data in files.items():
            self._memory.pop(rel, None)
            p = self._disk.get(rel) or self._path()
            p.write_bytes(data)
            self._disk[rel] = p

    def set(self, rel: str, data: bytes) -> None:
        """Keep a (small) file in memory, replacing any spooled one of that name."""
        old = self._disk.pop(rel, None)
        if old is not None:
            old.unlink()
        self._memory[rel] = data

    __setitem__ = set

    def put_summary(self, stem: str, summary: Any) -> None:
        p = self._path()
        with open(p, "wb") as f:
            pickle.dump(summary, f, protocol=pickle.HIGHEST_PROTOCOL)
        self._summaries[stem] = p

    def put_state(self, doc_id: str, state: Any) -> SpooledState:
        """Write a layout state (pickled) and its text to disk; returns the handle to load them."""
        path, text_path = self._path(), self._path()
        with open(path, "wb") as f:
            pickle.dump(state, f, protocol=pickle.HIGHEST_PROTOCOL)
        text_path.write_bytes(state.text.encode("utf-8", "surrogatepass"))
        return SpooledState(doc_id, path, text_path)

    @staticmethod
    def drop_state(state: SpooledState) -> None:
        """Delete a layout state no longer needed (the folder goes at :meth:`close` anyway)."""
        state.path.unlink(missing_ok=True)
        state.text_path.unlink(missing_ok=True)

    @staticmethod
    def layout_texts(states: Mapping[str, SpooledState]) -> Mapping:
        """The layout texts of ``states`` as a lazy mapping (each read when asked)."""
        return _SpooledTexts(dict(states))

    def has_summaries(self, stems) -> bool:
        return all(s in self._summaries for s in stems)

    def summaries(self, stems) -> Mapping:
        """The spooled summaries of ``stems``, as the lazy mapping ``corpus_files_from_summaries`` takes."""
        return _SpooledSummaries({s: self._summaries[s] for s in stems})

    def __getitem__(self, rel: str) -> bytes:
        if rel in self._memory:
            return self._memory[rel]
        return self._disk[rel].read_bytes()

    def __iter__(self) -> Iterator[str]:
        yield from self._disk
        yield from self._memory

    def __len__(self) -> int:
        return len(self._disk) + len(self._memory)

    def __contains__(self, rel: object) -> bool:
        return rel in self._memory or rel in self._disk

    def close(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "Spool":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
