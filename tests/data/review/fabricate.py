"""Fabricated cleaning runs for the diff, report and review tests (and by hand:
``python tests/data/review/fabricate.py RAWDIR CLEANDIR``).

The real stages are built elsewhere; these toy stages only produce realistic
*shapes* of edits and flags (line joins, hyphen joins, deleted page numbers,
word repairs with evidence, flags with candidates) under the real stage names,
through the real DocState and output contract.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

from cleaners.decode import decode_bytes
from cleaners.document import DocState, Edit, Flag, StageResult
from cleaners.outputs import document_files

CURLY = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2019": "'"})
PAGE_NUMBER = re.compile(r"(?m)^[ \t]*\d{1,4}[ \t]*\n")
SOFT_HYPHEN = re.compile(r"(?<=[a-z])-[ \t]*\n(?=[a-z])")
WRAP = re.compile(r"(?<=\S)[ \t]*\n(?=[^\n])")
DOUBLE_SPACE = re.compile(r"(?<=\S) {2,}(?=\S)")
TOKEN = re.compile(r"\w+")
# toy confusion table: test fixture only, the real engine has no such table
TOY_REPAIRS = {"lhe": "the", "lhal": "that", "wilh": "with", "ihe": "the", "Eenin": "Lenin"}
TOY_FLAGS = {"Thai": ["That", "Thai"], "bad": ["had", "bad"], "mel": ["met", "mel"]}


def _regex_stage(text, pattern, after, stage, reason, confidence=0.99):
    return StageResult(edits=[Edit.at(text, m.start(), m.end(), after, stage=stage, reason=reason,
                                      confidence=confidence, evidence={"pattern": pattern.pattern})
                              for m in pattern.finditer(text)])


def toy_unicode(text: str) -> StageResult:
    """One coarse edit per line that needs any fix (as a per-line ftfy pass would make)."""
    edits, pos = [], 0
    for line in text.split("\n"):
        fixed = line.replace("\u00a0", " ").translate(CURLY)
        if fixed != line:
            edits.append(Edit.at(text, pos, pos + len(line), fixed, stage="unicode", reason="normalised quotes and spaces",
                                 confidence=1.0, evidence={"fixes": sorted({c for c in line if c in "\u00a0\u201c\u201d\u2019"})}))
        pos += len(line) + 1
    return StageResult(edits=edits)


def toy_reflow(text: str) -> StageResult:
    """Join wrapped lines; a short all-capitals line is a heading: its own paragraph."""
    edits = []
    for m in WRAP.finditer(text):
        line_start = text.rfind("\n", 0, m.start()) + 1
        line = text[line_start:m.start()]
        heading = line.isupper() and len(line) < 40
        edits.append(Edit.at(text, m.start(), m.end(), "\n\n" if heading else " ", stage="reflow",
                             reason="heading kept apart" if heading else "joined wrapped line",
                             confidence=0.99, evidence={"line": line[-30:]}))
    return StageResult(edits=edits)


def toy_words(text: str) -> StageResult:
    edits, flags = [], []
    for m in TOKEN.finditer(text):
        w = m.group()
        if w in TOY_REPAIRS:
            edits.append(Edit.at(text, m.start(), m.end(), TOY_REPAIRS[w], stage="words",
                                 reason="OCR confusion", confidence=0.97,
                                 evidence={"candidates": [[TOY_REPAIRS[w], 0.97], [w, 0.01]],
                                           "context": text[max(0, m.start() - 20):m.end() + 20]}))
        elif w in TOY_FLAGS:
            flags.append(Flag("words", m.start(), m.end(), w, "real-word error?",
                              candidates=[{"text": c, "score": 0.5} for c in TOY_FLAGS[w]],
                              confidence=0.5))
    return StageResult(edits=edits, flags=flags)


def toy_clean(stem: str, raw_text: str, extra_stages=()) -> DocState:
    state = DocState.from_raw(stem, raw_text)
    steps = [
        ("unicode", toy_unicode),
        ("furniture", lambda t: _regex_stage(t, PAGE_NUMBER, "", "furniture", "removed page number")),
        ("hyphens", lambda t: _regex_stage(t, SOFT_HYPHEN, "", "hyphens", "joined soft line-end hyphen", 0.9)),
        ("reflow", toy_reflow),
        ("whitespace", lambda t: _regex_stage(t, DOUBLE_SPACE, " ", "whitespace", "doubled space")),
        ("words", toy_words),
        *extra_stages,
    ]
    for name, fn in steps:
        state.apply(name, fn(state.text))
    return state


def write_state(clean_dir: Path, stem: str, state: DocState) -> None:
    for rel, data in document_files(stem, state).items():
        p = clean_dir / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)


def fabricate(raw_dir: Path, clean_dir: Path, stems=None) -> list[str]:
    raw_dir, clean_dir = Path(raw_dir), Path(clean_dir)
    done = []
    for p in sorted(raw_dir.glob("*.txt")):
        if stems and p.stem not in stems:
            continue
        state = toy_clean(p.stem, decode_bytes(p.read_bytes()).text)
        write_state(clean_dir, p.stem, state)
        done.append(p.stem)
    (clean_dir / "manifest.json").write_text(json.dumps({"raw_dir": str(raw_dir)}), encoding="utf-8")
    return done


if __name__ == "__main__":
    print(fabricate(Path(sys.argv[1]), Path(sys.argv[2])))
