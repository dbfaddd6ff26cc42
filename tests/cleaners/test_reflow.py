"""Stage `reflow`: layout detection, paragraphs, headings, verse and notes."""

import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from cleaners import furniture, reflow as reflow_stage
from cleaners.document import DocState, Span, apply_edits
from cleaners.pipeline import StageContext
from cleaners.reflow import heading_kind, is_caps_heading, run

DATA = Path(__file__).resolve().parents[1] / "data" / "reflow"
RAW = Path(__file__).resolve().parents[2] / "raw"
CASES = json.loads((DATA / "cases.json").read_text(encoding="utf-8"))
HEADINGS = json.loads((DATA / "headings.json").read_text(encoding="utf-8"))


def ctx(spans=(), stage=reflow_stage):
    return StageContext.for_stage(stage, spans=spans, doc_id="t")


def reflow(text, spans=()):
    result = run(text, ctx(spans))
    return apply_edits(text, result.edits), result


@pytest.mark.parametrize("case", CASES, ids=[c["name"][:60] for c in CASES])
def test_before_after_table(case):
    out, result = reflow(case["before"])
    assert out == case["after"]
    assert result.meta["layout"] == case["layout"]
    assert [[s.kind, out[s.start:s.end]] for s in result.spans] == case["spans"]
    if "flags" in case:
        assert [f.reason for f in result.flags] == case["flags"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"][:60] for c in CASES])
def test_idempotent_after_blank_line_normal_form(case):
    """Reflowed text, once whitespace has done its part, is left alone."""
    out, _ = reflow(case["before"])
    normal = "\n".join(l.strip() for l in out.split("\n"))
    normal = "\n\n".join(p for p in normal.split("\n\n") if p.strip()) + "\n"
    again, result = reflow(normal)
    assert result.edits == [] and again == normal


@pytest.mark.parametrize("row", HEADINGS, ids=[r["line"][:40] for r in HEADINGS])
def test_heading_table(row):
    assert heading_kind(row["line"], layout=row["layout"]) == row["kind"]


def test_small_caps_residue_and_acronym_sentences():
    assert is_caps_heading("ESCAPES: So SUCCESSFUL, So STRANGE")
    assert is_caps_heading("His DAUGHTER’S “TERRIBLE DISCOVERY”")
    assert not is_caps_heading("The NKVD arrested him on the way to the OGPU.")
    assert not is_caps_heading("NKVD men, and the GPU, and then the rest,")


def test_heading_span_from_furniture_is_joined_and_not_duplicated():
    text = ("9 Testament to a \nRevolution \nILLNESS AND PRECAUTIONS \n"
            "Dispute is basic to politics. But discussions among ambitious and \n"
            "vengeful leaders are often softened by the knowledge that a common \n"
            "will needs to be displayed to society. \n")
    given_span = Span("heading", 0, len("9 Testament to a \nRevolution"), "chapter title")
    out, result = reflow(text, [given_span])
    assert out.startswith("9 Testament to a Revolution\n\nILLNESS AND PRECAUTIONS\n\nDispute is")
    assert [out[s.start:s.end] for s in result.spans] == ["ILLNESS AND PRECAUTIONS"]


def test_spans_map_to_the_clean_text_through_the_pipeline_state():
    case = CASES[1]
    state = DocState.from_raw("d", case["before"])
    state.apply("reflow", run(case["before"], ctx()))
    assert [state.text[s.start:s.end] for s in state.spans if s.kind == "heading"] == [
        "THE LITTLE ANGEL", "WHY WAS HE So BOLD?"]


@pytest.mark.skipif(not (RAW / "004_991c9ea7373520bf.txt").exists(), reason="seed corpus not present")
def test_seed_004_after_furniture():
    raw = (RAW / "004_991c9ea7373520bf.txt").read_text(encoding="utf-8")
    state = DocState.from_raw("004", raw)
    state.apply("furniture", furniture.run(raw, ctx(stage=furniture)))
    result = run(state.text, ctx(state.spans))
    state.apply("reflow", result)
    assert result.meta["layout"] == "wrapped"
    heads = [state.text[s.start:s.end] for s in state.spans if s.kind == "heading"]
    assert heads == ["9 Testament to a Revolution", "ILLNESS AND PRECAUTIONS", "THE FOREIGN TRADE CONTROVERSY",
                     "FRIENDS AND COMRADES", "THE GEORGIAN AFFAIR", "'LETTER TO THE CONGRESS'", "COVERT OPERATIONS"]
    paras = [p for p in state.text.split("\n\n") if p.strip()]
    assert all("\n" not in p.strip() for p in paras)  # one paragraph per line, no verse in 004
    assert "ready themselves for the attrition of Bolshevism" in state.text
    assert paras[2].startswith("Dispute is basic") and paras[2].rstrip().endswith("central leadership.")
    assert 80 <= len(paras) <= 100


@pytest.mark.skipif(not (RAW / "000_e92deb61302e6195.txt").exists(), reason="seed corpus not present")
def test_seed_000_headings_verse_and_glued_titles():
    raw = (RAW / "000_e92deb61302e6195.txt").read_text(encoding="utf-8")
    state = DocState.from_raw("000", raw)
    state.apply("furniture", furniture.run(raw, ctx(stage=furniture)))
    state.apply("reflow", run(state.text, ctx(state.spans)))
    heads = {state.text[s.start:s.end] for s in state.spans if s.kind == "heading"}
    for h in ("THE LITTLE ANGEL", "WHY WAS HE So BOLD?", "THE APOCALYPSE THAT NEVER WAS",
              "INTRODUCTION: AN ENIGMATIC STORY", "THE FALL OF “THE PARTY’S FAVORITE”", "17",
              "WAS OUR COUNTRY RULED FOR THIRTY YEARS BY AN AGENT OF THE TSARIST SECRET POLICE?"):
        assert h in heads
    assert "unease in Stalin?\n\nTHE LITTLE ANGEL" in state.text  # glued title split off
    verse = [state.text[s.start:s.end] for s in state.spans if s.kind == "verse"]
    assert any(v.startswith("“We don’t live, we just nervously tiptoe through life") for v in verse)
    assert "My father observed the dreadful life of Stalin" in state.text  # page break mid-sentence


LINE = st.one_of(
    st.sampled_from(["", " ", "THE HEADING ", "Chapter 3", "12", "1 A note.", "[2] Footnote text.",
                     "A short line.", "and a line that runs on and on to the margin of the page ",
                     "Verse line without end", "WHY WAS HE So BOLD?", "Hyphen-"]),
    st.text(alphabet="aB .,:-1\u00a0", max_size=40),
)


@settings(max_examples=1000, deadline=None)
@given(st.lists(LINE, max_size=60))
def test_never_crashes_and_never_touches_words(lines):
    text = "\n".join(lines)
    result = run(text, ctx())
    out = apply_edits(text, result.edits)
    assert "".join(out.split()) == "".join(text.split())  # only whitespace changes
    for s in result.spans:
        assert 0 <= s.start < s.end <= len(out)
    assert result.meta["layout"] in ("wrapped", "paragraphs")


KNOWN = json.loads((DATA / "known_failures.json").read_text(encoding="utf-8"))


@pytest.mark.xfail(strict=True, reason="known failures, see tests/data/reflow/known_failures.json")
@pytest.mark.parametrize("case", KNOWN, ids=[k["why"][:50] for k in KNOWN])
def test_known_failures(case):
    out, result = reflow(case["before"])
    if "expected" in case:
        assert out == case["expected"]
    if "expected_headings" in case:
        assert [out[s.start:s.end] for s in result.spans if s.kind == "heading"] == case["expected_headings"]
    if "expected_verse" in case:
        assert [out[s.start:s.end] for s in result.spans if s.kind == "verse"] == case["expected_verse"]


def test_a_line_end_hyphen_left_by_the_hyphens_stage_is_kept_without_a_space():
    text = ("The council met in the church and argued until late in the self-\n"
            "pitying evening about the dam, the mill and the road to the market -\n"
            "and nobody listened to the miller, who argued on for the whole night\n"
            "until the lamps went out.\n")
    out, _ = reflow(text)
    assert "the self-pitying evening" in out
    assert "the market - and nobody" in out  # a dash keeps its space


def test_notes_section_in_wrapped_text_keeps_one_entry_per_paragraph_with_note_spans():
    body = ("Lenin had a library of four hundred volumes and cinema facilities were \n"
            "also installed, and a Rolls-Royce bought in London in 1921 by Foreign \n"
            "Trade Commissar Lev Krasin was kept for him in the garage. But he still \n"
            "resented the slackening of his grasp on decisions made in the party. \n")
    notes = ("Notes \n"
             "1 RTsKhIDNI, f. 2, op. 1, d. 24367, and the memoirs of his sister, who \n"
             "was present at the time \n"
             "2 See Glossary \n"
             "3 Ibid., p. 45. \n")
    out, result = reflow(body * 3 + notes)
    assert result.meta["layout"] == "wrapped"
    tail = out.split("Notes")[1]
    assert tail == ("\n\n1 RTsKhIDNI, f. 2, op. 1, d. 24367, and the memoirs of his sister, who was present at the time"
                    "\n\n2 See Glossary\n\n3 Ibid., p. 45. \n")
    kinds = [(s.kind, out[s.start:s.end]) for s in result.spans]
    assert ("heading", "Notes") in kinds
    assert [k for k in kinds if k[0] == "note"] == [
        ("note", "1 RTsKhIDNI, f. 2, op. 1, d. 24367, and the memoirs of his sister, who was present at the time"),
        ("note", "2 See Glossary"), ("note", "3 Ibid., p. 45.")]
    # numbering may start anywhere after a Notes heading (chapter 9's notes start at 101)
    out, result = reflow(body * 3 + notes.replace("1 RTs", "101 RTs").replace("2 See", "102 See")
                         .replace("3 Ibid", "103 Ibid"))
    assert len([s for s in result.spans if s.kind == "note"]) == 3


def test_separator_lines_stay_on_their_own():
    prose = ("The council met in the church and argued until late in the evening about \n"
             "the dam and the mill and the road to the market town across the valley, \n"
             "and nobody listened to the miller, who argued on for the whole night. \n")
    out, _ = reflow("Mozilla Public License \n==================== \n\n" + prose + "\n* * *\n\n" + prose)
    out = out.replace(" \n", "\n")  # trailing spaces are the whitespace stage's
    assert out.startswith("Mozilla Public License\n\n====================\n\nThe council")
    assert "\n\n* * *\n\n" in out


def test_indented_first_lines_mark_paragraphs_when_the_document_uses_them():
    para = ("  The council met in the church and argued until late in the evening \n"
            "about the dam, the mill and the road to the market town across the \n"
            "valley. Nobody listened to the miller, who argued on for the whole \n"
            "night until the lamps went out and the last of them had gone home. \n")
    out, result = reflow(para * 4)
    assert out.count("\n\n") == 3 and result.meta["layout_evidence"]["indented_paragraph_starts"] == 4
    # when indented lines also follow lines that run on (quotations, verse), indents are not learned
    odd = para.replace("valley. Nobody", "  valley. Nobody")
    out, result = reflow(odd * 4)
    assert "across the valley. Nobody" in out and "indented_paragraph_starts" not in result.meta["layout_evidence"]
