"""The review stage: a reviewer's decisions file applied as `review` edits."""

import json
import os
from pathlib import Path
from types import SimpleNamespace

import pytest

from cleaners import review
from cleaners.document import DocState, Edit, StageResult, replay
from cleaners.pipeline import Config, StageContext, clean_corpus_texts

DATA = Path(__file__).parents[1] / "data" / "review"
TABLE = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
REPO_FILE = Path(__file__).parents[2] / "review" / "decisions.tsv"


def decisions_file(tmp_path, rows, name="decisions.tsv") -> Path:
    p = tmp_path / name
    p.write_text("# test decisions\n" + "\t".join(review.HEADER) + "\n" + "".join(r + "\n" for r in rows),
                 encoding="utf-8")
    return p


def ctx_for(doc_id, path, **extra):
    config = Config(review_file=str(path))
    if extra:
        return SimpleNamespace(doc_id=doc_id, options=config.options["review"], meta={}, spans=[],
                               resources={}, config=config, **extra)
    return StageContext(doc_id=doc_id, options=config.options["review"], meta={}, spans=[],
                        resources={}, config=config)


def apply(text, result):
    state = DocState.from_raw("d", text)
    state.apply("review", result)
    return state.text


@pytest.mark.parametrize("case", TABLE["cases"], ids=[c["name"] for c in TABLE["cases"]])
def test_case_table(case, tmp_path):
    path = decisions_file(tmp_path, case["rows"])
    result = review.run(case["text"], ctx_for(case["doc"], path))
    assert apply(case["text"], result) == case["expected"]
    for e in result.edits:
        assert e.stage == "review" and e.reason.startswith("reviewer: ")
        assert e.evidence["file"] == str(path) and e.evidence["line"] >= 3
    # idempotent: the decisions applied to their own output change nothing more
    again = review.run(case["expected"], ctx_for(case["doc"], path))
    assert apply(case["expected"], again) == case["expected"]


@pytest.mark.parametrize("bad", TABLE["errors"], ids=[e["row"] for e in TABLE["errors"]])
def test_malformed_row_names_file_and_line(bad, tmp_path):
    path = decisions_file(tmp_path, ["*\tfine\tkeep", bad["row"]])
    with pytest.raises(review.ReviewFileError) as err:
        review.run("some text", ctx_for("d1", path))
    msg = str(err.value)
    assert msg.startswith(f"{path}:4: "), msg  # comment, header, good row, then the bad one
    assert bad["message"] in msg


def test_applied_decision_is_an_edit_with_reason_and_the_row_as_evidence(tmp_path):
    path = decisions_file(tmp_path, ["d1\tlhal\taccept that\tt/l, checked against the scan"])
    result = review.run("He said lhal.", ctx_for("d1", path))
    (e,) = result.edits
    assert (e.before, e.after) == ("lhal", "that")
    assert e.reason == "reviewer: accepted candidate 'that' (t/l, checked against the scan)"
    assert e.evidence == {"file": str(path), "line": 3, "doc": "d1", "match": "lhal",
                          "decision": "accept that", "note": "t/l, checked against the scan"}
    assert result.stats["applied"] == 1


def test_keep_and_other_documents_change_nothing(tmp_path):
    path = decisions_file(tmp_path, ["d1\tThai\tkeep", "d2\tlhal\taccept that"])
    result = review.run("Thai lhal", ctx_for("d1", path))
    assert result.edits == []
    assert result.stats["kept"] == 1 and result.stats["rows"] == 1


def test_location_rows_use_the_raw_offset_map(tmp_path):
    raw = "xx lhal\nyy lhal\n"
    state = DocState.from_raw("d1", raw)
    t = state.text
    state.apply("whitespace", StageResult(edits=[Edit.at(t, 0, 3, "", stage="whitespace", reason="r")]))
    path = decisions_file(tmp_path, ["d1\tlhal@2:3\taccept that"])
    ctx = ctx_for("d1", path, raw_text=raw, raw_map=state.raw_map)
    result = review.run(state.text, ctx)
    state.apply("review", result)
    assert state.text == "lhal\nyy that\n"
    assert (state.edits[-1].raw_line, state.edits[-1].raw_col) == (2, 3)
    assert replay(raw, state.edits) == state.text
    # a location whose text is not there any more is not applied
    stale = decisions_file(tmp_path, ["d1\tlhal@1:0\taccept that"], name="stale.tsv")
    assert review.run(state.text, ctx_for("d1", stale, raw_text=raw, raw_map=state.raw_map)).edits == []


def test_location_rows_without_offset_map_need_an_unambiguous_text(tmp_path):
    path = decisions_file(tmp_path, ["d1\tlhal@2:3\taccept that"])
    assert review.run("lhal\nyy lhal\n", ctx_for("d1", path)).edits == []
    assert len(review.run("only one lhal here", ctx_for("d1", path)).edits) == 1


def test_through_the_pipeline(tmp_path):
    path = decisions_file(tmp_path, ["d1\tlhal\taccept that", "d2\tlhal\taccept thus"])
    raw = {"d1": "He said lhal it was so.\n".encode(), "d2": "No lhal here\n".encode()}
    states = clean_corpus_texts(raw, Config(review_file=str(path)))
    assert states["d1"].text == "He said that it was so.\n"
    assert states["d2"].text == "No thus here\n"
    e = states["d1"].edits[-1]
    assert e.stage == "review" and (e.raw_line, e.raw_col) == (1, 8)
    assert replay(raw["d1"].decode(), states["d1"].edits) == states["d1"].text
    # cleaning the clean text again changes nothing
    again = clean_corpus_texts({"d1": states["d1"].text.encode()}, Config(review_file=str(path)))
    assert again["d1"].text == states["d1"].text and not again["d1"].edits


def test_default_file_is_looked_up_in_the_current_directory(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert review.decisions_path(Config()) is None
    config = Config()
    ctx = StageContext(doc_id="d1", options=config.options["review"], meta={}, spans=[], resources={}, config=config)
    assert review.run("lhal", ctx).edits == []
    (tmp_path / "review").mkdir()
    decisions_file(tmp_path / "review", ["*\tlhal\taccept that"])
    assert review.decisions_path(Config()) == Path("review/decisions.tsv")
    assert len(review.run("lhal", ctx).edits) == 1
    # the stage option names another file; Config.review_file wins over it
    other = decisions_file(tmp_path, ["*\tlhal\taccept thus"], name="other.tsv")
    opt = Config(options={"review": {"decisions_file": str(other)}})
    assert review.decisions_path(opt, opt.options["review"]) == other
    assert review.decisions_path(Config(review_file="x.tsv"), opt.options["review"]) == Path("x.tsv")


def test_an_explicit_missing_file_is_an_error(tmp_path):
    with pytest.raises(review.ReviewFileError, match="not found"):
        review.run("lhal", ctx_for("d1", tmp_path / "nope.tsv"))


def test_an_edited_file_is_read_again(tmp_path):
    path = decisions_file(tmp_path, ["*\tlhal\taccept that"])
    assert review.run("lhal", ctx_for("d1", path)).edits[0].after == "that"
    decisions_file(tmp_path, ["*\tlhal\taccept thus"])
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    assert review.run("lhal", ctx_for("d1", path)).edits[0].after == "thus"
    assert review.decisions_digest(Config(review_file=str(path)))


def test_flag_rows_round_trip_and_pending():
    flag = {"stage": "words", "text": "Krupr\nskaya", "reason": "split word?", "raw": {"line": 4, "col": 9},
            "candidates": [{"text": "Krupskaya", "score": 0.6}, {"text": "Krupr skaya"}]}
    row = review.flag_row("004_x", flag)
    assert row.count("\t") == 3 and "\n" not in row
    (d,) = review.parse_decisions(row)
    assert (d.doc, d.text, d.raw_line, d.raw_col, d.action) == ("004_x", "Krupr\nskaya", 4, 9, "?")
    assert review.pending_flags("004_x", [flag], [d]) == [flag]
    answered = review.parse_decisions(row.replace("\t?\t", "\taccept Krupskaya\t"))
    assert review.pending_flags("004_x", [flag], answered) == []
    assert review.pending_flags("005_y", [flag], answered) == [flag]


def test_the_repository_decisions_file_parses():
    text = REPO_FILE.read_text(encoding="utf-8")
    assert text.startswith("#") and "\ndoc\tmatch\tdecision\tnote\n" in text
    review.parse_decisions(text, path=str(REPO_FILE))


def test_flag_rows_for_flags_without_location_or_text():
    no_loc = review.flag_row("d", {"stage": "reflow", "text": "WHY WAS HE So BOLD?", "reason": "heading?",
                                   "raw": {"line": -1, "col": -1}})
    (d,) = review.parse_decisions(no_loc)
    assert d.kind == "text" and d.text == "WHY WAS HE So BOLD?"
    empty = review.flag_row("d", {"stage": "reflow", "text": "", "reason": "paragraph break?",
                                  "raw": {"line": 7, "col": 0}})
    assert empty.startswith("# ") and review.parse_decisions(empty) == ()


@pytest.mark.skipif("raw_map" not in StageContext.__dataclass_fields__,
                    reason="the pipeline does not pass raw_text/raw_map to stages yet")
def test_location_rows_through_the_pipeline(tmp_path):
    raw = "lhal one\nand lhal two\n"
    path = decisions_file(tmp_path, ["d1\tlhal@2:4\taccept that"])
    states = clean_corpus_texts({"d1": raw.encode()}, Config(review_file=str(path)))
    assert states["d1"].text == "lhal one\nand that two\n"
    assert (states["d1"].edits[-1].raw_line, states["d1"].edits[-1].raw_col) == (2, 4)


def test_the_review_loop_end_to_end(tmp_path, monkeypatch):
    """Run -> flags -> `diff --flags --tsv` -> the reviewer edits one word -> run again: applied, explained."""
    import io

    from cleaners import diff
    from cleaners.document import Flag
    from cleaners.outputs import document_files
    from cleaners.words import repair

    def unsure_words(text, ctx):  # stands in for the word engine: unsure about 'Thai'
        i = text.find("Thai")
        flags = [Flag("words", i, i + 4, "Thai", "real-word error?",
                      candidates=[{"text": "That"}, {"text": "Thai"}])] if i >= 0 else []
        return StageResult(flags=flags)

    monkeypatch.setattr(repair, "run", unsure_words)
    raw_dir, clean_dir = tmp_path / "raw", tmp_path / "clean"
    raw_dir.mkdir()
    raw = "First line.\nThai was what he said.\n"
    (raw_dir / "doc.txt").write_text(raw, encoding="utf-8")

    def run(config):
        states = clean_corpus_texts({"doc": raw.encode()}, config)
        for rel, data in document_files("doc", states["doc"]).items():
            (clean_dir / rel).parent.mkdir(parents=True, exist_ok=True)
            (clean_dir / rel).write_bytes(data)
        return states["doc"]

    run(Config())
    out = io.StringIO()
    diff.main(["--clean", str(clean_dir), "--raw", str(raw_dir), "--flags", "--tsv",
               "--review-file", str(decisions_file(tmp_path, [], name="empty.tsv"))], out=out)
    header, row = out.getvalue().splitlines()
    assert row.startswith("doc\tThai@2:0\t?\t")
    decisions = tmp_path / "decisions.tsv"
    decisions.write_text(header + "\n" + row.replace("\t?\t", "\taccept That\t") + "\n", encoding="utf-8")

    state = run(Config(review_file=str(decisions)))
    assert state.text.splitlines()[1] == "That was what he said."
    edit = state.edits[-1]
    assert edit.stage == "review" and edit.reason.startswith("reviewer: accepted candidate 'That'")
    assert edit.evidence["line"] == 2 and (edit.raw_line, edit.raw_col) == (2, 0)
    listing = io.StringIO()
    diff.main(["--clean", str(clean_dir), "--raw", str(raw_dir), "--doc", "doc"], out=listing)
    assert "[-Thai-]{+That+}" in listing.getvalue() and "review: reviewer: accepted" in listing.getvalue()
