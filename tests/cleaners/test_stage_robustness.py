"""No crash on arbitrary Unicode for the words-phase stages and the segmenter (at least
1,000 hypothesis examples each): edits apply cleanly, the output is a fixed point,
segments and sentences stay inside the text."""

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st

from cleaners import dedup, review
from cleaners.document import apply_edits, check_edits
from cleaners.pipeline import Config, StageContext
from cleaners.segment import segments, split_sentences

TEXT = st.text(alphabet=st.characters(codec="utf-8"), max_size=120)
# paragraphs of a few repeated words, so repeated-run detection has something to chew on
PROSE = st.lists(st.sampled_from(["the", "party", "Lenin", "wrote.", "J.", "V.", "Stalin", "...",
                                  "“Why?”", "\n\n", "\n", "St", "pp. 188-190", "i.e.", "[12]"]),
                 max_size=120).map(" ".join)
SETTINGS = settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])

_DECISIONS = Path(tempfile.mkdtemp(prefix="scanclean-review-")) / "decisions.tsv"
_DECISIONS.write_text("doc\tmatch\tdecision\tnote\n*\tlhal\taccept that\t\n*\tre:[0-9]+\tkeep\t\n"
                      "*\tthe@1:0\treplace The\t\n", encoding="utf-8")


def ctx(name: str, config: Config) -> StageContext:
    return StageContext(doc_id="d", options=config.options[name], meta={}, spans=[], resources={},
                        config=config)


def assert_stage_fixed_point(module, name: str, config: Config, text: str) -> None:
    result = module.run(text, ctx(name, config))
    check_edits(text, result.edits)
    out = apply_edits(text, result.edits)
    assert module.run(out, ctx(name, config)).edits == []


@SETTINGS
@given(st.one_of(TEXT, PROSE))
def test_dedup_stage_never_crashes(text):
    assert_stage_fixed_point(dedup, "dedup", Config(), text)


@SETTINGS
@given(st.one_of(TEXT, PROSE.map(lambda t: t.replace("party", "lhal"))))
def test_review_stage_never_crashes(text):
    assert_stage_fixed_point(review, "review", Config(review_file=str(_DECISIONS)), text)


@SETTINGS
@given(st.one_of(TEXT, PROSE))
def test_segments_and_sentences_stay_inside_the_text(text):
    for seg in segments(text):
        assert 0 <= seg.start <= seg.end <= len(text)
    for a, b in split_sentences(text):
        assert 0 <= a <= b <= len(text)
