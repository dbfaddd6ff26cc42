"""The work of each flow task as plain functions (no Prefect), and the digests the cache keys use.

:mod:`flows.clean_corpus` wraps these in Prefect tasks; tests call them directly.

What happens to bad input (decisions; also in the README):

* A raw file that ``cleaners.decode.decode_bytes`` refuses (it raises a
  ``ValueError`` subclass: empty, binary...) is **refused** with that message.
* Text that decodes to nothing but whitespace is **refused** here as well
  ("no text to clean"), whatever the decoder says, because an empty clean
  document is almost always a mistake upstream (an empty scan, a failed export).
* Everything the decoder accepts is **processed**, with the decoder's choice and
  any fallback recorded in ``meta/<stem>.json`` (``decode``) and shown in the
  run summary (invalid UTF-8 -> cp1252, BOMs...).
* A file that cannot be read, is deleted or changes during the run **fails**
  with a message saying what to do; any other exception inside a stage fails
  the document with the exception's type and message. Neither stops the others.
"""

from __future__ import annotations

import copy
import ctypes
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleaners.decode import decode_bytes
from cleaners.document import DocState
from cleaners.pipeline import Config, build_resources, clean_layout, clean_words
from flows.discover import RawChanged, RawFile, describe_os_error, read_raw
from flows.spool import SpooledState

FLOWS_DIR = Path(__file__).parent


def flows_source_digest() -> str:
    """Hash of the flow layer's own source (not serve.py), so a change to it invalidates the cache."""
    h = hashlib.sha256()
    for p in sorted(FLOWS_DIR.glob("*.py")):
        if p.name != "serve.py":
            h.update(p.name.encode())
            h.update(p.read_bytes())
    return h.hexdigest()[:16]


@dataclass
class LayoutOutcome:
    """What the layout task returns: a state, or why there is none."""

    doc_id: str
    status: str  # "ok", "refused" or "failed"
    state: DocState | None = None
    message: str = ""
    digest: str = ""  # of the layout output (see state_digest)


def _json_digest(h, obj: Any) -> None:
    h.update(json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str).encode("utf-8"))
    h.update(b"\x00")


def state_digest(state: DocState) -> str:
    """Digest of everything a later phase can see of a document (text, edits, flags, spans, meta, stats)."""
    h = hashlib.sha256()
    h.update(state.doc_id.encode("utf-8") + b"\x00")
    h.update(state.raw_text.encode("utf-8", "surrogatepass") + b"\x00")
    h.update(state.text.encode("utf-8", "surrogatepass") + b"\x00")
    _json_digest(h, [e.to_json() for e in state.edits])
    _json_digest(h, [f.to_json() for f in state.flags])
    _json_digest(h, [s.to_json() for s in state.spans])
    _json_digest(h, state.meta)
    _json_digest(h, state.stats)
    _json_digest(h, state.step)
    return h.hexdigest()


def release_free_memory() -> None:
    """Hand the heap pages freed by a finished document back to the OS (glibc ``malloc_trim``).

    Without it the worker threads' malloc arenas keep the pages of every large
    document they cleaned, and the process's resident size creeps up with the corpus
    although the documents themselves are gone. No-op where there is no glibc.
    """
    global _malloc_trim
    if _malloc_trim is None:
        try:
            _malloc_trim = ctypes.CDLL("libc.so.6").malloc_trim
        except (OSError, AttributeError):
            _malloc_trim = False
    if _malloc_trim:
        _malloc_trim(0)


_malloc_trim = None


def text_digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def layout_document(raw: RawFile, sha256: str, config: Config) -> LayoutOutcome:
    """Read, decode and run the layout phase for one raw file.

    ``OSError`` propagates (the task retries transient I/O errors); refusals
    and a file changed since discovery come back as an outcome.
    """
    data = read_raw(raw.path, sha256)
    try:
        decoded = decode_bytes(data)
    except ValueError as exc:
        return LayoutOutcome(raw.doc_id, "refused", message=f"refused: {exc}")
    if not decoded.text.strip():
        what = "empty file" if not data else "only whitespace"
        return LayoutOutcome(raw.doc_id, "refused", message=f"refused: {what}, no text to clean")
    state = clean_layout(raw.doc_id, data, config)
    return LayoutOutcome(raw.doc_id, "ok", state=state, digest=state_digest(state))


def layout_failure(raw: RawFile, exc: BaseException) -> LayoutOutcome:
    """The outcome for a layout task that raised."""
    if isinstance(exc, RawChanged):
        msg = str(exc)
    elif isinstance(exc, OSError):
        msg = describe_os_error(exc)
    else:
        msg = f"layout phase crashed: {type(exc).__name__}: {exc}"
    return LayoutOutcome(raw.doc_id, "failed", message=msg)


def resources_digest(layout_digests: dict[str, str], config: Config) -> str:
    """Key of the corpus resources: every document's layout output and the words config."""
    h = hashlib.sha256()
    _json_digest(h, sorted(layout_digests.items()))
    h.update(config.digest("words").encode())
    return h.hexdigest()


def build_corpus_resources(layout_texts: Mapping[str, str], config: Config) -> dict[str, Any]:
    """The corpus-level resources (the lexicon) from the layout texts, in document order.

    The texts are read one at a time (``layout_texts`` may be a lazy mapping, a spool's).
    """
    return build_resources(((d, layout_texts[d]) for d in sorted(layout_texts)), config)


def lexicon_digest(resources: dict[str, Any], fallback: str) -> str:
    """The lexicon's own digest if it has one, else ``fallback`` (the inputs' digest, as good)."""
    digest = getattr(resources.get("lexicon"), "digest", None)
    return str(digest) if digest else fallback


def review_file_digest(config: Config) -> str:
    """Hash of the reviewer decisions file's content ("none" if there is no such file)."""
    if not config.review_file:
        return "none"
    try:
        return hashlib.sha256(Path(config.review_file).read_bytes()).hexdigest()
    except FileNotFoundError:
        return "missing"


def words_document(state: DocState | SpooledState, config: Config, resources: dict[str, Any]) -> DocState:
    """The words phase for one document, on a copy (the layout result may be shared or cached).

    ``state`` may be a spooled state (:class:`flows.spool.SpooledState`): it is loaded
    here, a fresh copy already.
    """
    if isinstance(state, SpooledState):
        return clean_words(state.load(), config, resources)
    return clean_words(copy.deepcopy(state), config, resources)


@dataclass
class DocResult:
    """One document's end state for the summary."""

    doc_id: str
    rel_path: str
    status: str  # ok, refused, failed, skipped
    message: str = ""
    state: DocState | None = None
    sha256: str = ""
    notes: list[str] = field(default_factory=list)
    facts: dict[str, Any] | None = None  # document_facts(state), kept when the state is not

    def summary_facts(self) -> dict[str, Any] | None:
        """What the run summary shows of the cleaned document (None if there is none)."""
        if self.state is not None:
            return document_facts(self.state)
        return self.facts


def document_facts(state: DocState) -> dict[str, Any]:
    """The little the run summary needs of a cleaned document, so the state itself can go.

    ``edits``: edits per stage that ran, in stage order; ``edits_total``, ``flags``: counts;
    ``decode``: the decoder's record (encoding, fallback, warnings).
    """
    from cleaners.pipeline import STAGE_NAMES

    stats = state.stats
    return {"edits": {name: int(stats[name].get("edits", 0)) for name in STAGE_NAMES if name in stats},
            "edits_total": len(state.edits), "flags": len(state.flags),
            "decode": state.meta.get("decode", {})}
