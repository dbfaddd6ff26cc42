"""Stage `notes`: what is particular to it (the table, idempotence and robustness
are checked for every text stage in test_text_stage_contract.py, with the
known failures and the seed counts)."""


from cleaners import notes as stage
from cleaners.document import apply_edits
from cleaners.pipeline import StageContext


def clean(text, spans=()):
    result = stage.run(text, StageContext.for_stage(stage, spans=spans))
    return apply_edits(text, result.edits), result


def test_note_spans_are_left_alone():
    from cleaners.document import Span
    text = "Body text.4 More.\n\n4 See the source.12 Also p.10.\n"
    start = text.index("4 See")
    out, result = clean(text, spans=[Span("note", start, len(text) - 1)])
    assert out == "Body text. More.\n\n4 See the source.12 Also p.10.\n"


def test_weak_candidates_without_sequence_are_flagged_not_removed():
    text = "It ended badly. 7 People came home. It rained."
    out, result = clean(text)
    assert out == text
    assert [f.reason for f in result.flags] == ["note-marker-spaced?"]


def test_edits_carry_marker_and_number_as_evidence():
    _, result = clean("problems.10 Next")
    (e,) = result.edits
    assert e.reason == "note-marker-glued" and e.evidence["marker"] == "10" and e.evidence["number"] == 10


def test_patterns_tried_near_digits_find_what_finditer_finds():
    """find_candidates tries each marker pattern only where a match can start."""
    import random
    from cleaners import notes
    pats = {"BRACKETED": "bracketed", "SUPERSCRIPT": "superscript", "GLUED": "glued",
            "SPACED": "spaced", "QUOTE_SPACED": "quote_spaced", "SPLIT_SPACED": "spaced",
            "AFTER_YEAR": "at_digit", "GARBLED_AFTER_PUNCT": "garbled_punct",
            "GARBLED_AFTER_SPACED_PUNCT": "garbled_spaced_punct", "GARBLED_AFTER_WORD": "at_digit",
            "GARBLED_SPACED": "garbled_spaced", "GLUED_DIGITS": "at_digit"}
    rng = random.Random(3)
    alphabet = list("abcdeAZH12345670901928  .. ,;:!?'’”\"()[]{}\n\tsSoOlIizZBgb°¹²³⁰٣—-") + \
        ["1917", "2003", " He", "ok. 12 The"]
    for _ in range(10000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        at = notes._candidate_starts(text)
        for name, key in pats.items():
            pattern = getattr(notes, name)
            assert [m.span() + m.groups() for m in notes._finditer_at(pattern, text, at[key])] == \
                [m.span() + m.groups() for m in pattern.finditer(text)], (name, text)
