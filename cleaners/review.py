"""Stage `review`: apply a reviewer's decisions from a plain TSV file.

The word engine and the layout stages leave what they are unsure of alone and
emit a Flag (``clean/flags/<stem>.jsonl``). A reviewer answers in
``review/decisions.tsv`` (``python -m cleaners.diff --flags --tsv`` prints the
pending flags as ready-to-edit lines) and the next run applies the answers
here, after ``words``. Every applied decision is an Edit with stage ``review``,
reason ``reviewer: ...`` and the decision row as evidence.

The file: UTF-8, tab-separated, ``#`` starts a comment line, an optional header
``doc<TAB>match<TAB>decision<TAB>note``. Columns:

``doc``
    a document stem, or a glob over stems (``*`` for every document, ``000_*``).
``match``
    ``TEXT``: every whole-word occurrence of TEXT (exact, case-sensitive);
    ``TEXT@LINE:COL``: the one occurrence of TEXT that starts at that line and
    (0-based) column of the *raw* file, as the flag listing prints it;
    ``re:PATTERN``: every match of a regular expression (the ``regex`` module).
    In TEXT, ``\\n``, ``\\t`` and ``\\\\`` stand for newline, tab and backslash.
``decision``
    ``accept CANDIDATE`` or ``replace TEXT`` (put that text instead; for a
    ``re:`` row TEXT may use ``\\1`` / ``\\g<name>``), ``delete``, ``keep``
    (leave the text as it is: the flag is answered), or ``?`` (not decided yet:
    changes nothing, the flag stays pending).
``note``
    free text, optional, kept in the edit's evidence.

Rows apply in file order; a match overlapping one already taken by an earlier
row is skipped (and counted in the stage stats as a conflict).
"""

from __future__ import annotations

import bisect
import fnmatch
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

import regex

from cleaners.document import Edit, LineIndex, StageResult

DEFAULTS: dict = {
    # path of the decisions file; Config.review_file wins when set. None:
    # ``review/decisions.tsv`` under the current directory, if it exists.
    "decisions_file": None,
}

DEFAULT_FILE = Path("review") / "decisions.tsv"
HEADER = ("doc", "match", "decision", "note")
DECISION_WORDS = ("accept", "replace", "delete", "keep", "?")

LOCATION = regex.compile(r"^(?P<text>.+)@(?P<line>\d+):(?P<col>\d+)$", regex.DOTALL)
WORD_EDGE = regex.compile(r"\w")
# how many output characters may share one raw offset (text inserted by a join)
MAX_SHARED_OFFSET = 64


class ReviewFileError(ValueError):
    """A decisions file that cannot be read; the message names the file and line."""


@dataclass(frozen=True)
class Decision:
    """One row of the decisions file."""

    path: str
    line: int
    doc: str
    match: str
    action: str  # accept, replace, delete, keep, ?
    value: str  # the candidate or replacement text ("" for delete/keep/?)
    note: str = ""
    kind: str = "text"  # text, location, regex
    text: str = ""  # the literal text for text and location rows
    raw_line: int = 0
    raw_col: int = 0
    pattern: Any = None

    @property
    def changes_text(self) -> bool:
        return self.action in ("accept", "replace", "delete")

    @property
    def decided(self) -> bool:
        return self.action != "?"

    def applies_to(self, doc_id: str) -> bool:
        stem = Path(doc_id).stem if doc_id.endswith(".txt") else doc_id
        return fnmatch.fnmatchcase(doc_id, self.doc) or fnmatch.fnmatchcase(stem, self.doc)

    def evidence(self) -> dict[str, Any]:
        return {"file": self.path, "line": self.line, "doc": self.doc, "match": self.match,
                "decision": self.action if not self.value else f"{self.action} {self.value}",
                "note": self.note}

    def reason(self, after: str) -> str:
        what = {"accept": f"accepted candidate {after!r}", "replace": f"replaced with {after!r}",
                "delete": "deleted"}[self.action]
        return f"reviewer: {what}" + (f" ({self.note})" if self.note else "")


# ---------------------------------------------------------------- the file


def unescape(text: str) -> str:
    r"""Undo the TSV escapes ``\n``, ``\t`` and ``\\``.

    >>> unescape(r"a\nb\\n")
    'a\nb\\n'
    """
    if "\\" not in text:
        return text
    out, i = [], 0
    while i < len(text):
        c = text[i]
        if c == "\\" and i + 1 < len(text) and text[i + 1] in "nt\\":
            out.append({"n": "\n", "t": "\t", "\\": "\\"}[text[i + 1]])
            i += 2
        else:
            out.append(c)
            i += 1
    return "".join(out)


def escape(text: str) -> str:
    r"""The inverse of :func:`unescape`, for writing a cell.

    >>> escape("a\tb\\c\n")
    'a\\tb\\\\c\\n'
    """
    return text.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "")


def parse_row(cells: list[str], *, path: str, line: int) -> Decision:
    """One non-comment row -> Decision, or ReviewFileError naming ``path:line``."""
    where = f"{path}:{line}"
    if len(cells) < 3 or len(cells) > 4:
        raise ReviewFileError(
            f"{where}: expected 3 or 4 tab-separated columns (doc, match, decision[, note]), "
            f"found {len(cells)}: {cells!r}")
    doc, match, decision = (c.strip(" ") for c in cells[:3])
    note = cells[3].strip() if len(cells) == 4 else ""
    if not doc:
        raise ReviewFileError(f"{where}: empty doc column (use a stem, a glob, or * for every document)")
    if not match:
        raise ReviewFileError(f"{where}: empty match column")
    action, _, value = decision.partition(" ")
    value = value.strip(" ")
    if action not in DECISION_WORDS:
        raise ReviewFileError(
            f"{where}: decision {decision!r} not understood; expected 'accept <candidate>', "
            f"'replace <text>', 'delete', 'keep' or '?'")
    if action in ("accept", "replace") and not value:
        raise ReviewFileError(f"{where}: {action!r} needs the text to put in (use 'delete' to remove)")
    if action in ("delete", "keep", "?") and value:
        raise ReviewFileError(f"{where}: {action!r} takes no text, found {value!r}")
    kind, text, raw_line, raw_col, pattern = "text", "", 0, 0, None
    if match.startswith("re:"):
        kind = "regex"
        try:
            pattern = regex.compile(match[3:])
        except regex.error as exc:
            raise ReviewFileError(f"{where}: bad regular expression {match[3:]!r}: {exc}") from None
        if pattern.fullmatch("") is not None:
            raise ReviewFileError(f"{where}: regular expression {match[3:]!r} matches the empty string")
    else:
        m = LOCATION.match(match)
        if m:
            kind, text = "location", unescape(m["text"])
            raw_line, raw_col = int(m["line"]), int(m["col"])
            if raw_line < 1:
                raise ReviewFileError(f"{where}: line numbers start at 1, found {raw_line}")
        else:
            text = unescape(match)
    if kind != "regex" and action in ("accept", "replace"):
        value = unescape(value)
    return Decision(path=path, line=line, doc=doc, match=match, action=action, value=value,
                    note=note, kind=kind, text=text, raw_line=raw_line, raw_col=raw_col,
                    pattern=pattern)


def parse_decisions(content: str, *, path: str = "decisions.tsv") -> tuple[Decision, ...]:
    """All rows of a decisions file (comments, blank lines and the header skipped)."""
    rows = []
    for n, line in enumerate(content.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        cells = line.rstrip("\r").split("\t")
        if tuple(c.strip().lower() for c in cells[:3]) == HEADER[:3]:
            continue
        rows.append(parse_row(cells, path=path, line=n))
    return tuple(rows)


@functools.lru_cache(maxsize=8)
def _load_cached(path: str, mtime_ns: int, size: int) -> tuple[Decision, ...]:
    return parse_decisions(Path(path).read_text(encoding="utf-8"), path=path)


def load_decisions(path: str | Path | None) -> tuple[Decision, ...]:
    """Rows of the file at ``path`` (read once per process while it is unchanged)."""
    if path is None:
        return ()
    p = Path(path)
    try:
        st = p.stat()
    except FileNotFoundError:
        raise ReviewFileError(f"{p}: decisions file not found") from None
    return _load_cached(str(p), st.st_mtime_ns, st.st_size)


def decisions_path(config: Any = None, options: dict[str, Any] | None = None) -> Path | None:
    """Which decisions file applies: Config.review_file, the stage option, or the default if present."""
    explicit = getattr(config, "review_file", None) or (options or {}).get("decisions_file")
    if explicit:
        return Path(explicit)
    return DEFAULT_FILE if DEFAULT_FILE.is_file() else None


def decisions_digest(config: Any = None) -> str:
    """Hash of the decisions file's content ("" if none): for a cache key of the words phase."""
    import hashlib

    options = getattr(config, "options", {}).get("review") if config is not None else None
    path = decisions_path(config, options)
    if path is None or not path.is_file():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16]


# ---------------------------------------------------------------- matching


def _whole_word_pattern(text: str):
    """A pattern for ``text`` that does not match inside a longer word."""
    pat = regex.escape(text)
    if WORD_EDGE.match(text[0]):
        pat = r"(?<!\w)" + pat
    if WORD_EDGE.match(text[-1]):
        pat = pat + r"(?!\w)"
    return regex.compile(pat)


@functools.lru_cache(maxsize=4096)
def _text_pattern(text: str):
    return _whole_word_pattern(text)


def _raw_offset(lines: LineIndex, raw_len: int, line: int, col: int) -> int | None:
    if line > len(lines.starts):
        return None
    off = lines.starts[line - 1] + col
    end = lines.starts[line] if line < len(lines.starts) else raw_len + 1
    return off if off < end else None


def _locate(text: str, d: Decision, raw_map, lines: LineIndex | None, raw_len: int) -> list[tuple[int, int]]:
    """Where a location row's text is in the current text (at most one place)."""
    if raw_map is None or lines is None:
        # Without the raw offset map only an unambiguous occurrence is safe.
        hits = [m.span() for m in _text_pattern(d.text).finditer(text)]
        return hits if len(hits) == 1 else []
    off = _raw_offset(lines, raw_len, d.raw_line, d.raw_col)
    if off is None:
        return []
    p = bisect.bisect_left(raw_map, off, 0, len(text))
    for q in range(p, min(p + MAX_SHARED_OFFSET, len(text))):
        if raw_map[q] != off:
            break
        if text.startswith(d.text, q):
            return [(q, q + len(d.text))]
    return []


def find_matches(text: str, d: Decision, *, raw_map=None, lines: LineIndex | None = None,
                 raw_len: int = 0) -> list[tuple[int, int, str]]:
    """``(start, end, replacement)`` for every place decision ``d`` applies in ``text``."""
    if d.kind == "regex":
        out = []
        for m in d.pattern.finditer(text):
            if m.end() > m.start():
                out.append((m.start(), m.end(), m.expand(d.value) if d.value else ""))
        return out
    if d.text not in text:  # a plain substring test first: most rows do not concern most texts
        return []
    spans = _locate(text, d, raw_map, lines, raw_len) if d.kind == "location" else \
        [m.span() for m in _text_pattern(d.text).finditer(text)]
    return [(a, b, d.value) for a, b in spans]


def flag_matches(d: Decision, flag: dict[str, Any], doc_id: str) -> bool:
    """Does decision ``d`` answer this flag (a ``Flag.to_json`` dict)?"""
    if not d.applies_to(doc_id):
        return False
    texts = {flag.get("text", ""), flag.get("now", flag.get("text", ""))}
    if d.kind == "regex":
        return any(d.pattern.fullmatch(t) is not None for t in texts)
    if d.kind == "location":
        raw = flag.get("raw", {})
        return d.text in texts and (raw.get("line"), raw.get("col")) == (d.raw_line, d.raw_col)
    return d.text in texts


# ---------------------------------------------------------------- the stage


def run(text: str, ctx) -> StageResult:
    """Apply the decisions that concern this document to ``text``."""
    path = decisions_path(ctx.config, ctx.options)
    rows = [d for d in load_decisions(path) if d.applies_to(ctx.doc_id)]
    if not rows:
        return StageResult(stats={"rows": 0})
    raw_map = getattr(ctx, "raw_map", None)
    raw_text = getattr(ctx, "raw_text", None)
    lines = LineIndex(raw_text) if raw_text is not None and any(d.kind == "location" for d in rows) else None
    if lines is None:
        raw_map = None
    taken_starts: list[int] = []
    taken: list[tuple[int, int]] = []
    edits: list[Edit] = []
    kept = pending = 0
    unmatched: list[int] = []
    conflicts: list[int] = []
    for d in rows:
        hits = find_matches(text, d, raw_map=raw_map, lines=lines,
                            raw_len=len(raw_text) if raw_text is not None else 0)
        if not hits:
            if d.doc != "*":
                unmatched.append(d.line)
            continue
        if d.action == "keep":
            kept += len(hits)
            continue
        if d.action == "?":
            pending += len(hits)
            continue
        for a, b, after in hits:
            if text[a:b] == after:
                continue  # already so (e.g. cleaning the clean text again)
            k = bisect.bisect_right(taken_starts, a)
            if (k and taken[k - 1][1] > a) or (k < len(taken) and taken[k][0] < b):
                conflicts.append(d.line)
                continue
            taken_starts.insert(k, a)
            taken.insert(k, (a, b))
            edits.append(Edit.at(text, a, b, after, stage="review", reason=d.reason(after),
                                 confidence=1.0, evidence=d.evidence()))
    stats = {"rows": len(rows), "applied": len(edits), "kept": kept, "pending": pending,
             "unmatched_rows": unmatched, "conflicts": sorted(set(conflicts))}
    return StageResult(edits=edits, stats=stats)


# ---------------------------------------------------------------- flags -> rows


def flag_row(doc_id: str, flag: dict[str, Any]) -> str:
    r"""A ready-to-edit decisions line for one flag (decision ``?``: changes nothing yet).

    The match is the flagged stretch as the review stage will see it (``now``,
    when a stage changed it after flagging, else the flagged text), pinned to
    its raw line and column. A flag without a raw location matches its text;
    one without text becomes a comment.

    >>> flag_row("d", {"stage": "words", "text": "tbat", "reason": "h/b?",
    ...                "raw": {"line": 3, "col": 7}, "candidates": [{"text": "that"}]})
    'd\ttbat@3:7\t?\twords: h/b? | candidates: that'
    """
    raw = flag.get("raw", {})
    text = flag.get("now", flag.get("text", ""))
    line, col = raw.get("line", -1), raw.get("col", -1)
    note = f"{flag.get('stage', '')}: {flag.get('reason', '')}"
    cands = candidate_texts(flag)
    if cands:
        note += " | candidates: " + ", ".join(escape(c) for c in cands)
    if "now" in flag:
        note += " | flagged text was: " + escape(flag.get("text", ""))
    note = note.replace("\t", " ").replace("\n", " ")
    if not text.strip():
        return f"# {doc_id} {line}:{col} {note} (no text to match: decide with a re: row)"
    match = escape(text) + (f"@{line}:{col}" if line >= 1 and col >= 0 else "")
    return "\t".join([doc_id, match, "?", note])


def candidate_texts(flag: dict[str, Any]) -> list[str]:
    return [str(c.get("text", "")) if isinstance(c, dict) else str(c) for c in flag.get("candidates", [])]


def pending_flags(doc_id: str, flags: Iterable[dict[str, Any]],
                  decisions: Iterable[Decision]) -> list[dict[str, Any]]:
    """The flags no decided row (accept/replace/delete/keep) answers yet."""
    decided = [d for d in decisions if d.decided and d.applies_to(doc_id)]
    return [f for f in flags if not any(flag_matches(d, f, doc_id) for d in decided)]


def answering_decision(doc_id: str, flag: dict[str, Any], decisions: Iterable[Decision]) -> Decision | None:
    for d in decisions:
        if d.decided and flag_matches(d, flag, doc_id):
            return d
    return None
