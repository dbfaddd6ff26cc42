"""What a cleaned document looks like on disk (the output contract).

Pure functions from a finished :class:`DocState` to file contents; the flow
decides where and how (atomically) they are written. Paths are relative to the
clean folder:

* ``<stem>.txt``: the clean text (UTF-8, NFC, ``\\n``, one paragraph per line,
  paragraphs separated by one blank line).
* ``edits/<stem>.jsonl``: every edit, in application order (``Edit.to_json``).
* ``flags/<stem>.jsonl``: what a stage was unsure of and left for review.
* ``removed/<stem>.jsonl``: the text that was taken out (headers, page numbers,
  boilerplate, note markers, duplicates), with stage, reason and raw line.
* ``meta/<stem>.json``: decoding, stage stats, labelled spans (headings,
  verse, notes) in clean-text offsets.
"""

from __future__ import annotations

import json
from json.encoder import JSONEncoder, c_make_encoder, encode_basestring
from typing import Any, Callable

from cleaners.document import DocState


def row_encoder(*, separators: tuple[str, str] = (", ", ": ")) -> Callable[[Any], str]:
    """A function that gives what ``json.dumps(row, ensure_ascii=False, sort_keys=True,
    separators=separators)`` gives, for rows without reference cycles, set up once.

    ``json.dumps`` sets up a new encoder on every call (a ``JSONEncoder`` and its C
    encoder); for a JSONL file of many small rows (an edit log holds tens of thousands)
    that set-up was a third of the time. This builds the C encoder once, with the
    arguments ``JSONEncoder.iterencode`` passes it, except the circular-reference check
    (rows are trees), or, without the C accelerator, falls back to a ``JSONEncoder``.

    >>> row = {"b": [1.5, None, True], "a": {"é": "“x”\\n"}}
    >>> row_encoder()(row) == json.dumps(row, ensure_ascii=False, sort_keys=True)
    True
    """
    item_separator, key_separator = separators
    standard = JSONEncoder(ensure_ascii=False, sort_keys=True, separators=separators)
    if c_make_encoder is None:
        return standard.encode
    chunks = c_make_encoder(None, standard.default, encode_basestring, None, key_separator,
                            item_separator, True, False, True)
    return lambda row: "".join(chunks(row, 0))


_encode_row = row_encoder()


def _jsonl(rows) -> bytes:
    encode = _encode_row
    return "".join([encode(r) + "\n" for r in rows]).encode("utf-8")


def removed_text(state: DocState) -> list[dict[str, Any]]:
    """The deletions and shrinking replacements that took visible text out."""
    rows = []
    for e in state.edits:
        if e.before.strip() and (not e.after.strip() or e.reason.startswith("removed")):
            rows.append({"stage": e.stage, "reason": e.reason, "text": e.before,
                         "raw_line": e.raw_line, "raw_end_line": e.raw_end_line,
                         "raw_start": e.raw_start, "raw_end": e.raw_end})
    return rows


def document_meta(state: DocState) -> dict[str, Any]:
    return {
        "doc_id": state.doc_id,
        "decode": state.meta.get("decode", {}),
        "facts": {k: v for k, v in sorted(state.meta.items()) if k != "decode"},
        "stats": state.stats,
        "spans": [s.to_json() for s in state.spans],
    }


def document_files(stem: str, state: DocState) -> dict[str, bytes]:
    """Relative path -> bytes for one cleaned document."""
    return {
        f"{stem}.txt": state.text.encode("utf-8"),
        f"edits/{stem}.jsonl": _jsonl(e.to_json() for e in state.edits),
        f"flags/{stem}.jsonl": _jsonl(f.to_json() for f in state.flags),
        f"removed/{stem}.jsonl": _jsonl(removed_text(state)),
        f"meta/{stem}.json": (json.dumps(document_meta(state), ensure_ascii=False, sort_keys=True,
                                         indent=1, default=str) + "\n").encode("utf-8"),
    }
