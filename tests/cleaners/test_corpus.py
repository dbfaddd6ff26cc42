"""Corpus files: determinism, provenance (raw line spans), duplicates never dropped."""

import hashlib
import json
import re

import pytest

from cleaners import dedup
from cleaners.corpus import corpus_files
from cleaners.document import DocState, Edit, Span, StageResult

SHARED = ("The resolution of the London Congress was only an irksome scrap of paper, to be nullified "
          "by means of a crude trick, and success would justify the risk in the eyes of the faction.")
NEAR_A = ("Vereshchak was astonished by the mechanical memory of Koba, whose little head with its "
          "undeveloped forehead presumably contained all of the volumes of Capital and the commentaries.")
NEAR_B = NEAR_A.replace("the ", "lhe ").replace("memory", "rnemory")
BLOCK = ("The committee met on a cold morning in the old school building near the river. Nobody had "
         "slept. The chairman read the telegram aloud twice, and the room fell silent. Outside, the carts "
         "were already moving towards the station, loaded with furniture, books and the archives. By noon "
         "the first shots were heard from the direction of the bridge, and the clerks began to burn the "
         "lists they could not carry, one drawer after another, until the stove was full.")


def wrap(text, width=50):
    lines, cur = [], ""
    for w in text.split():
        if cur and len(cur) + len(w) + 1 > width:
            lines.append(cur)
            cur = w
        else:
            cur = f"{cur} {w}" if cur else w
    return "\n".join(lines + [cur])


RAW = {
    "a": f"CHAPTER ONE\n\n{wrap(SHARED)}\n17\n\n{wrap(NEAR_A)}\n",
    "b": f"CHAPTER ONE\n\n{wrap(NEAR_B)}\n\n{wrap(SHARED)}\n",
    "c": f"Preface.\n\n{wrap(BLOCK[:300])}{wrap(BLOCK)}\n\nThe end of the story came later.\n",
}


def fake_layout(text):
    """A stand-in for the layout stages: drop page-number lines, unwrap lines, label headings."""
    edits = [Edit.at(text, m.start(), m.end(), "", stage="layout", reason="removed: page number")
             for m in re.finditer(r"\n\d+(?=\n)", text)]
    taken = {(e.start, e.end) for e in edits}
    for m in re.finditer(r"(?<=\S)\n(?=\S)", text):
        if not any(a <= m.start() < b for a, b in taken):
            edits.append(Edit.at(text, m.start(), m.end(), " ", stage="layout", reason="unwrap"))
    return StageResult(edits=edits)


def build(stem):
    state = DocState.from_raw(stem, RAW[stem])
    state.apply("layout", fake_layout(state.text))
    if state.text.startswith("CHAPTER ONE"):
        state.spans.append(Span("heading", 0, len("CHAPTER ONE")))
    state.apply("dedup", dedup.run(state.text, None))
    return state


def files(order=("a", "b", "c")):
    docs = {s: build(s) for s in order}
    return corpus_files(docs, raw_sha256={s: hashlib.sha256(RAW[s].encode()).hexdigest() for s in RAW},
                        raw_paths={s: f"raw/{s}.txt" for s in RAW}, config_digest="cfg",
                        pipeline_version="test")


@pytest.fixture(scope="module")
def out():
    return files()


def rows(data):
    return [json.loads(line) for line in data.decode("utf-8").splitlines()]


def test_deterministic_bytes(out):
    again = files(order=("c", "b", "a"))
    assert again == out


def test_provenance_raw_lines_contain_the_segment(out):
    for rec in rows(out["corpus.jsonl"]):
        for occ in rec["occurrences"]:
            raw_lines = RAW[occ["doc"]].split("\n")
            first, last = occ["raw_lines"]
            span = " ".join(raw_lines[first - 1:last])
            text = occ.get("text", rec["text"])
            words = text.split()
            assert " ".join(words[:3]) in span, (rec["id"], occ)
            assert words[-1] in raw_lines[last - 1]


def test_exact_duplicates_listed_once_with_all_occurrences(out):
    recs = rows(out["corpus.jsonl"])
    shared = [r for r in recs if r["text"] == SHARED]
    assert len(shared) == 1
    assert sorted(o["doc"] for o in shared[0]["occurrences"]) == ["a", "b"]
    heading = [r for r in recs if r["text"] == "CHAPTER ONE"]
    assert len(heading) == 1 and heading[0]["kind"] == "heading" and len(heading[0]["occurrences"]) == 2
    assert all(r["sentences"] and r["sentences"][0][0] == 0 for r in recs)


def test_duplicates_file(out):
    dups = rows(out["duplicates.jsonl"])
    exact = [d for d in dups if d["type"] == "exact"]
    assert [d["head"] for d in exact] == [SHARED[:80]]  # the repeated heading is formulaic
    assert exact[0]["scope"] == "across"
    near = [d for d in dups if d["type"] == "near"]
    assert len(near) == 1 and near[0]["head"] == NEAR_A[:80] and near[0]["scope"] == "across"
    assert near[0]["members"][0]["similarity"] >= 0.8
    twice = [d for d in dups if d["type"] == "scanned_twice"]
    assert len(twice) == 1 and twice[0]["doc"] == "c"
    assert twice[0]["kept"]["raw_lines"][0] > twice[0]["removed"]["raw_lines"][0]


def test_manifest(out):
    m = json.loads(out["manifest.json"])
    assert m["corpus"]["corpus_sha256"] == hashlib.sha256(out["corpus.jsonl"]).hexdigest()
    assert m["pipeline_version"] == "test" and m["config_digest"] == "cfg"
    c = m["documents"]["c"]
    assert c["edits"]["dedup"] == 1 and c["removed_chars"] > 100
    assert m["documents"]["a"]["clean_sha256"] == hashlib.sha256(build("a").text.encode()).hexdigest()
    assert m["corpus"]["scanned_twice_removed"] == 1
    assert m["corpus"]["unique_segments"] < m["corpus"]["segments"]


def test_summaries_merge_to_the_same_bytes(out):
    """The per-document part (pickled, as from a worker) + the merge == corpus_files."""
    import pickle

    from cleaners.corpus import corpus_files_from_summaries, document_summary

    summaries = [pickle.loads(pickle.dumps(document_summary(s, build(s)))) for s in ("c", "a", "b")]
    assert all(not hasattr(s, "raw_text") for s in summaries)
    kwargs = dict(raw_sha256={s: hashlib.sha256(RAW[s].encode()).hexdigest() for s in RAW},
                  raw_paths={s: f"raw/{s}.txt" for s in RAW}, config_digest="cfg", pipeline_version="test")
    assert corpus_files_from_summaries(summaries, **kwargs) == out
    assert corpus_files_from_summaries({s.stem: s for s in summaries}, **kwargs) == out


def test_manifest_edit_tallies_count_shrinks_only():
    """Edits by stage, and removed characters: the shrinks, which growths do not offset."""
    from cleaners.corpus import document_summary

    state = DocState.from_raw("t", "Ab  cd -\nef gh.\n")
    text = state.text
    state.apply("layout", StageResult(edits=[
        Edit.at(text, 2, 4, " ", stage="layout", reason="spaces"),  # shrinks by 1
        Edit.at(text, 7, 9, "", stage="layout", reason="removed: hyphen"),  # shrinks by 2
        Edit.at(text, 15, 15, "\u2009!", stage="punct", reason="grow"),  # grows by 2
    ]))
    counts = document_summary("t", state).counts
    assert counts["edits"] == {"layout": 2, "punct": 1}
    assert list(counts["edits"]) == ["layout", "punct"]
    assert counts["removed_chars"] == 3
    assert document_summary("t", state).scanned_twice == []
