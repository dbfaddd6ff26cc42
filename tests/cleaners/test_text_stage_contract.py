"""The contract each text stage keeps (unicode, boilerplate, notes, whitespace).

* its before/after table in tests/data/<stage>/cases.json, negative cases included;
* idempotence: the stage finds nothing to do in its own output;
* every edit names its stage and reason, and its ``before`` is the text it replaces;
* its known failures still fail, and its edit counts by reason on the seeds hold;
* no crash on arbitrary Unicode, edits apply cleanly, output is a fixed point
  (at least 1,000 hypothesis examples per stage, plus text built from the characters
  the stages react to, so their patterns fire often).

Stage-specific behaviour (spans, flags, seeds, known failures) stays in each
stage's own test module.
"""

import importlib
import json
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from cleaners.document import apply_edits, check_edits
from cleaners.pipeline import StageContext

NAMES = ["unicode", "boilerplate", "notes", "whitespace"]
STAGES = {name: importlib.import_module(f"cleaners.{name}") for name in NAMES}
DATA = Path(__file__).parents[1] / "data"
CASES = [(name, case) for name in NAMES
         for case in json.loads((DATA / name / "cases.json").read_text("utf-8"))]


def clean(name, text):
    stage = STAGES[name]
    result = stage.run(text, StageContext.for_stage(stage))
    return apply_edits(text, result.edits), result


def no_edits(name, text):
    stage = STAGES[name]
    return stage.run(text, StageContext.for_stage(stage)).edits == []


@pytest.mark.parametrize("name,case", CASES, ids=[f"{n}-{c['name']}" for n, c in CASES])
def test_table(name, case):
    assert clean(name, case["before"])[0] == case["after"]


@pytest.mark.parametrize("name,case", CASES, ids=[f"{n}-{c['name']}" for n, c in CASES])
def test_idempotent_on_table(name, case):
    assert no_edits(name, clean(name, case["before"])[0])


@pytest.mark.parametrize("name", NAMES)
def test_every_edit_has_reason_and_stage(name):
    for n, case in CASES:
        if n == name:
            for e in clean(name, case["before"])[1].edits:
                assert e.stage == name and e.reason and e.before == case["before"][e.start:e.end]


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
def test_never_crashes_and_edits_apply(name, text):
    stage = STAGES[name]
    result = stage.run(text, StageContext.for_stage(stage))
    check_edits(text, result.edits)
    assert no_edits(name, apply_edits(text, result.edits))


STRUCTURED = st.text(alphabet=st.sampled_from(list(
    "  \n\n\r\t.,;:!?'’”“\"[]{}()0123456789°¹²³⁰sSoOlI aeiPoeRs Share on facebook Loading… "
    "Ââ€œ\u00a0\u200b\u00ad\x07áčëňŕöč˙ęýűĺđ—–-|")), max_size=80)


@pytest.mark.parametrize("name", NAMES)
@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=STRUCTURED)
def test_structured_text_edits_apply_and_are_idempotent(name, text):
    stage = STAGES[name]
    result = stage.run(text, StageContext.for_stage(stage))
    assert no_edits(name, apply_edits(text, result.edits))


KNOWN = [(name, case) for name in NAMES if (DATA / name / "known_failures.json").exists()
         for case in json.loads((DATA / name / "known_failures.json").read_text("utf-8"))]


@pytest.mark.parametrize("name,case", KNOWN, ids=[f"{n}-{c['name']}" for n, c in KNOWN])
def test_known_failures_still_fail(name, case):
    """Honest list of what a stage gets wrong; if one starts passing, move it to cases.json."""
    assert clean(name, case["before"])[0] != case["ideal"]


RAW = Path(__file__).parents[2] / "raw"
SEEDS = [(name, doc, counts) for name in NAMES if (DATA / name / "seeds.json").exists()
         for doc, counts in json.loads((DATA / name / "seeds.json").read_text("utf-8")).items()
         if not doc.startswith("_")]


@pytest.mark.parametrize("name,doc,counts", SEEDS, ids=[f"{n}-{d}" for n, d, _ in SEEDS])
def test_seed_counts_by_reason_and_idempotence(name, doc, counts):
    """Edit counts by reason on each seed (after the unicode stage, as in the pipeline)."""
    (path,) = RAW.glob(f"{doc}_*.txt")
    text = path.read_text("utf-8")
    if name != "unicode":
        text = clean("unicode", text)[0]
    out, result = clean(name, text)
    assert dict(Counter(e.reason for e in result.edits)) == counts
    assert no_edits(name, out)
