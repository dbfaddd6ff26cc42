"""The terminal diff and the region fold it shares with the report."""

import importlib.util
import io
import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from cleaners import diff
from cleaners.document import DocState, Edit, StageResult
from cleaners.outputs import document_files
from cleaners.pipeline import Config, clean_corpus_texts
from cleaners.report.model import _reconstruct_raw, build_regions, load_doc, pick_stem, resolve_raw_dir

DATA = Path(__file__).parents[1] / "data" / "review"


def _fabricate_module():
    spec = importlib.util.spec_from_file_location("review_fabricate", DATA / "fabricate.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


fabricate = _fabricate_module()


@pytest.fixture
def corpus(tmp_path):
    """A fabricated run over tests/data/review/raw: (raw_dir, clean_dir)."""
    raw = tmp_path / "raw"
    shutil.copytree(DATA / "raw", raw)
    clean = tmp_path / "clean"
    fabricate.fabricate(raw, clean)
    return raw, clean


def run_diff(*args) -> str:
    out = io.StringIO()
    assert diff.main(list(args), out=out) == 0
    return out.getvalue()


# ---------------------------------------------------------------- regions


@settings(max_examples=400, deadline=None)
@given(st.text(alphabet="ab \n", max_size=30), st.data())
def test_regions_partition_raw_and_clean(raw, data):
    state = DocState.from_raw("d", raw)
    for step in range(4):
        t = state.text
        cuts = sorted(data.draw(st.lists(st.integers(0, len(t)), max_size=6, unique=True)))
        edits = [Edit.at(t, a, b, data.draw(st.text(alphabet="xy\n", max_size=3)), stage=f"s{step}", reason="r")
                 for a, b in zip(cuts[::2], cuts[1::2])]
        state.apply(f"s{step}", StageResult(edits=edits))
    regions, clean = build_regions(raw, state.edits)
    assert clean == state.text
    assert _reconstruct_raw(clean, state.edits) == raw
    rp = cp = 0
    for r in regions:
        assert r.raw_start >= rp and r.clean_start >= cp
        assert raw[rp:r.raw_start] == clean[cp:r.clean_start]  # between regions nothing changed
        rp, cp = r.raw_end, r.clean_end
    assert raw[rp:] == clean[cp:]
    assert sum(len(r.edits) for r in regions) == len(state.edits)


def test_a_later_stage_repairing_an_earlier_join_is_one_region():
    raw = "the biog-\nrapby of lhe man"
    state = fabricate.toy_clean("d", raw, extra_stages=[
        ("review", lambda t: StageResult(edits=[Edit.at(t, t.index("biograpby"), t.index("biograpby") + 9,
                                                        "biography", stage="review", reason="reviewer: x")]))])
    regions, clean = build_regions(raw, state.edits)
    assert clean == "the biography of the man"
    joined = [r for r in regions if "hyphens" in r.stages]
    assert len(joined) == 1 and joined[0].stages == ["hyphens", "review"]
    assert raw[joined[0].raw_start:joined[0].raw_end] == "biog-\nrapby"


# ---------------------------------------------------------------- CLI


def test_summary_counts_edits_per_stage_and_document(corpus):
    raw, clean = corpus
    out = run_diff("--clean", str(clean), "--raw", str(raw))
    lines = {ln.split()[0]: ln.split() for ln in out.splitlines() if ln.strip()}
    header = lines["document"]
    for stage in ("furniture", "hyphens", "reflow", "words"):
        assert stage in header
    row = dict(zip(header[1:], lines["alpha"][1:]))
    edits = [json.loads(x) for x in (clean / "edits" / "alpha.jsonl").read_text().splitlines()]
    assert int(row["words"]) == sum(e["stage"] == "words" for e in edits) == 2
    assert int(row["furniture"]) == 1
    assert int(row["edits"]) == len(edits)
    assert int(row["flags"]) == 1
    assert "\x1b" not in out  # piped: no ANSI codes


def test_raw_dir_defaults_to_the_manifest(corpus, tmp_path, monkeypatch):
    raw, clean = corpus
    assert resolve_raw_dir(clean) == raw
    monkeypatch.chdir(tmp_path)
    (clean / "manifest.json").unlink()
    assert resolve_raw_dir(clean) == Path("raw")  # the fallback, relative to the project
    out = run_diff("--clean", str(clean), "--doc", "alpha")
    assert "not found" not in out and "[-lhe-]{+the+}" in out


def test_doc_diff_shows_word_changes_with_stage_reason_and_raw_lines(corpus):
    raw, clean = corpus
    out = run_diff("--clean", str(clean), "--doc", "alph")  # a unique prefix is enough
    assert "[-lhe-]{+the+}" in out and "[-wilh-]{+with+}" in out
    assert "words: OCR confusion" in out
    assert "hyphens: joined soft line-end hyphen" in out
    assert "furniture: removed page number" in out
    # the gutter carries raw line numbers: 'wilh' is on raw line 8
    line = next(ln for ln in out.splitlines() if "wilh" in ln)
    assert line.split("\u2502")[0].strip() == "8"
    assert "<script>window.__xss = 1</script>" in out  # text is text


def test_control_characters_in_the_text_cannot_drive_the_terminal(corpus):
    raw, clean = corpus
    for colour in ("never", "always"):
        out = run_diff("--clean", str(clean), "--doc", "control", "--color", colour, "-C", "0")
        assert "\u241b[31mred" in out and "\u2407" in out
        assert "\x1b[31mred" not in out and "\x07" not in out


def test_unchanged_stretches_are_collapsed(corpus):
    raw, clean = corpus
    out = run_diff("--clean", str(clean), "--doc", "long", "-C", "1")
    assert "[-lhe-]{+the+}" in out
    assert "@@ raw lines 80-82 @@  (lines 1-79 unchanged)" in out  # 'lhe' is on raw line 81
    assert "Paragraph 10 says" not in out
    assert len(out.splitlines()) < 12


def test_a_coarse_edit_is_shown_word_by_word(corpus):
    raw, clean = corpus
    out = run_diff("--clean", str(clean), "--doc", "unicode")
    # one edit rewrote the line (and a later one touched it): only the changed words are marked
    assert 'Caf\u00e9 [-\u201c-]{+"+}quoted[-\u201d \u00a0-]{+" +}text with NBSP' in out
    assert "unicode: normalised quotes and spaces" in out


def test_stage_filter_shows_only_that_stage(corpus):
    raw, clean = corpus
    out = run_diff("--clean", str(clean), "--doc", "alpha", "--stage", "words")
    assert "[-lhe-]{+the+}" in out
    assert "reflow" not in out.split("showing", 1)[1]
    assert "para-\u23ce" not in out and "para-" in out  # the hyphen join shows as raw text
    summary = run_diff("--clean", str(clean), "--stage", "words")
    assert "reflow" not in summary and "words" in summary


def test_unknown_stage_is_refused(corpus):
    raw, clean = corpus
    with pytest.raises(SystemExit, match="unknown stage"):
        diff.main(["--clean", str(clean), "--stage", "wordz"], out=io.StringIO())


def test_colour_only_when_asked_or_on_a_terminal(corpus):
    raw, clean = corpus
    coloured = run_diff("--clean", str(clean), "--doc", "alpha", "--color", "always")
    assert "\x1b[" in coloured and "[-lhe-]" not in coloured
    assert "\x1b[" not in run_diff("--clean", str(clean), "--doc", "alpha")


def test_flags_listing_and_tsv_round_trip(corpus, tmp_path):
    from cleaners import review

    raw, clean = corpus
    listing = run_diff("--clean", str(clean), "--flags")
    assert "words  Thai  real-word error?  candidates: That (0.5), Thai (0.5)" in listing
    assert "now:" not in listing  # the flagged words are still there as they were
    tsv = run_diff("--clean", str(clean), "--flags", "--tsv")
    rows = review.parse_decisions(tsv)
    assert {(r.doc, r.text, r.action) for r in rows} >= {("alpha", "Thai", "?"), ("unicode", "Thai", "?")}
    alpha = next(r for r in rows if r.doc == "alpha")
    assert (alpha.raw_line, alpha.raw_col) == (8, 24)
    # answering one flag takes it off the pending list
    decided = tmp_path / "decisions.tsv"
    decided.write_text(tsv.replace("alpha\tThai@8:24\t?", "alpha\tThai@8:24\tkeep"), encoding="utf-8")
    pending = run_diff("--clean", str(clean), "--flags", "--tsv", "--review-file", str(decided))
    assert "alpha\tThai" not in pending and "unicode\tThai" in pending
    marked = run_diff("--clean", str(clean), "--flags", "--review-file", str(decided))
    assert "[decided: keep" in marked


def test_missing_raw_file_is_reconstructed_from_the_log(corpus):
    raw, clean = corpus
    (raw / "alpha.txt").unlink()
    doc = load_doc(clean, raw, "alpha")
    assert doc.raw_text == (DATA / "raw" / "alpha.txt").read_text(encoding="utf-8")
    out = run_diff("--clean", str(clean), "--doc", "alpha")
    assert "raw file for alpha not found" in out and "[-lhe-]{+the+}" in out


def test_a_changed_raw_file_is_reported(corpus):
    raw, clean = corpus
    (raw / "alpha.txt").write_text("THE TITLE\nsomething else entirely, lhe end\n", encoding="utf-8")
    out = run_diff("--clean", str(clean), "--doc", "alpha")
    assert "does not reproduce the clean text" in out


def test_doc_names_resolve_by_prefix_and_report_ambiguity():
    stems = ["000_abc", "001_def", "010_x"]
    assert pick_stem(stems, "001") == "001_def"
    assert pick_stem(stems, "raw/000_abc.txt") == "000_abc"
    with pytest.raises(KeyError, match="ambiguous"):
        pick_stem(stems, "0")
    with pytest.raises(KeyError, match="no cleaned document"):
        pick_stem(stems, "zzz")


def test_real_pipeline_outputs_are_read(tmp_path):
    """Outputs written from the real pipeline (whatever its stages do today) diff cleanly."""
    raws = {p.stem: p.read_bytes() for p in sorted((DATA / "raw").glob("*.txt"))}
    states = clean_corpus_texts(raws, Config())
    for stem, state in states.items():
        for rel, data in document_files(stem, state).items():
            (tmp_path / "clean" / rel).parent.mkdir(parents=True, exist_ok=True)
            (tmp_path / "clean" / rel).write_bytes(data)
    out = run_diff("--clean", str(tmp_path / "clean"), "--raw", str(DATA / "raw"))
    assert "alpha" in out and "does not reproduce" not in out
    for stem in raws:
        text = run_diff("--clean", str(tmp_path / "clean"), "--raw", str(DATA / "raw"), "--doc", stem)
        assert "does not reproduce" not in text


def test_document_diff_can_go_through_a_pager(corpus, tmp_path, monkeypatch):
    raw, clean = corpus
    paged = tmp_path / "paged.txt"
    monkeypatch.setenv("PAGER", f"cat > '{paged}'")
    out = io.StringIO()
    assert diff.main(["--clean", str(clean), "--doc", "alpha", "--pager", "always", "--color", "never"], out=out) == 0
    assert out.getvalue() == ""
    assert "[-lhe-]{+the+}" in paged.read_text(encoding="utf-8")


def test_raw_files_are_found_by_the_path_the_run_recorded(corpus, tmp_path):
    raw, clean = corpus
    (raw / "letters").mkdir()
    (raw / "alpha.txt").rename(raw / "letters" / "Alpha May.TXT")
    manifest = json.loads((clean / "manifest.json").read_text())
    manifest["documents"] = {"alpha": {"raw_path": "letters/Alpha May.TXT"}}
    (clean / "manifest.json").write_text(json.dumps(manifest))
    doc = load_doc(clean, raw, "alpha")
    assert doc.raw_path == raw / "letters" / "Alpha May.TXT" and not doc.problems
    manifest["documents"] = [{"doc_id": "alpha", "raw_path": "letters/Alpha May.TXT"}]  # the list form
    (clean / "manifest.json").write_text(json.dumps(manifest))
    assert load_doc(clean, raw, "alpha").raw_path == raw / "letters" / "Alpha May.TXT"


def _write(clean_dir, stem, state):
    fabricate.write_state(clean_dir, stem, state)


def test_a_flag_on_text_its_stage_then_changed_is_offered_as_the_text_now(tmp_path):
    """A layout flag's stretch was rewritten: the decisions line matches what the review stage will see."""
    from cleaners import review
    from cleaners.document import Flag

    raw = "the end of a page. \n\n\n\nNext page goes on.\n"
    state = DocState.from_raw("p", raw)
    a = raw.index("\n\n\n\n")

    def furniture(t):
        return StageResult(
            edits=[Edit.at(t, a, a + 4, "", stage="furniture", reason="page break inside a paragraph")],
            flags=[Flag("furniture", 0, len(t) - 1, t[:-1], "paragraph continues?",
                        candidates=[{"text": "\n"}, {"text": "\n\n"}])])
    state.apply("furniture", furniture(state.text))
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "p.txt").write_text(raw, encoding="utf-8")
    _write(tmp_path / "clean", "p", state)
    doc = load_doc(tmp_path / "clean", tmp_path / "raw", "p")
    (flag,) = doc.flags_now()
    assert flag["now"] == "the end of a page. Next page goes on."
    row = review.flag_row("p", flag)
    assert row.startswith("p\tthe end of a page. Next page goes on.@1:0\t?\t")
    assert "candidates: \\n, \\n\\n" in row
    # the reviewer answers; the review stage finds the stretch in the text it gets
    answered = row.replace("\t?\t", "\treplace the end of a page.\\n\\nNext page goes on.\t")
    (d,) = review.parse_decisions(answered)
    assert review.pending_flags("p", [flag], [d]) == []
    hits = review.find_matches(state.text, d, raw_map=state.raw_map,
                               lines=doc.raw_lines, raw_len=len(raw))
    assert hits == [(0, len(state.text) - 1, "the end of a page.\n\nNext page goes on.")]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="ab \n", max_size=30), st.data())
def test_raw_to_clean_is_exact_outside_changes_and_monotone(raw, data):
    from cleaners.report.model import DocView

    state = DocState.from_raw("d", raw)
    for step in range(3):
        t = state.text
        cuts = sorted(data.draw(st.lists(st.integers(0, len(t)), max_size=6, unique=True)))
        edits = [Edit.at(t, a, b, data.draw(st.text(alphabet="xy\n ", max_size=3)), stage=f"s{step}", reason="r")
                 for a, b in zip(cuts[::2], cuts[1::2])]
        state.apply(f"s{step}", StageResult(edits=edits))
    doc = DocView("d", raw, state.text, state.edits, [], {}, None)
    mapped = [doc.raw_to_clean(p) for p in range(len(raw) + 1)]
    assert mapped == sorted(mapped) and all(0 <= m <= len(state.text) for m in mapped)
    changed = [False] * (len(raw) + 1)
    for r in doc.regions:
        for p in range(r.raw_start, r.raw_end):
            changed[p] = True
    for p in range(len(raw)):
        if not changed[p]:
            assert state.text[mapped[p]] == raw[p]


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab .\n\u201c", max_size=40), st.text(alphabet="ab .\n\"", max_size=40))
def test_word_pieces_cover_both_sides(before, after):
    from cleaners.report.model import word_pieces

    pieces = word_pieces(before, after)
    assert "".join(p[0] for p in pieces) == before
    assert "".join(p[1] for p in pieces) == after
    for old, new, kind in pieces:
        assert kind in ("same", "change")
        if kind == "same":
            assert old == new
