"""A junk mark glued to one edge of a lowercase word (``~revented``, ``^uick``): a protected,
code-like span otherwise, read only as the word with a letter where the mark stands
(cleaners.words.repair._junk_edge and _junk_letter_readings; tokens.junk_edge_word)."""

from __future__ import annotations

import pytest

from cleaners.words.lexicon import empty_lexicon
from cleaners.words.repair import _junk_edge, _junk_letter_readings, _options, language_model, repair_text
from cleaners.words.tokens import Token, junk_edge_word

OPTS = _options(None)


@pytest.fixture(scope="module")
def lm():
    return language_model(empty_lexicon(), OPTS)


@pytest.mark.parametrize("form,side,words", [
    ("revented", "start", ["prevented"]), ("uick", "start", ["buick", "quick"]), ("velve", "end", ["velvet"])])
def test_readings(lm, form, side, words):
    assert [r.text for r in _junk_letter_readings(lm, form, form, side, OPTS)] == words


def test_edges():
    line = "a ~revented b"
    t = Token(3, 11, "revented", "revented", False)
    assert _junk_edge(line, t) == ("start", (2, 11))
    assert _junk_edge("a velve| b", Token(2, 7, "velve", "velve", False)) == ("end", (2, 8))
    assert _junk_edge("a |revented| b", Token(3, 11, "revented", "revented", False)) is None  # (markup)
    assert _junk_edge("a b~revented", Token(4, 12, "revented", "revented", False)) is None  # (inside a token)


@pytest.mark.parametrize("span,expected", [
    ("~revented,", True), ("(^uick", True), ("velve|", True), ("~/bin", False), ("a_b", False), ("|x|", False),
    ("~Revented", False)])
def test_junk_edge_word(span, expected):
    assert junk_edge_word(span) is expected


def test_the_edit_covers_the_mark_and_can_be_switched_off():
    line = "The storm ~revented the ships from sailing."
    new, edits, _ = repair_text(line)
    assert new == "The storm prevented the ships from sailing."
    assert len(edits) == 1 and edits[0].before == "~revented" and edits[0].evidence["kind"] == "non-word"
    assert repair_text(new)[0] == new
    assert repair_text(line, options={"junk_letter_cost": 0})[0] == line


def test_another_reading_of_a_marked_form_is_not_applied():
    """The mark kept its word protected: a reading that leaves it in place is no repair."""
    line = "other preachers , ^vhen he got there"
    assert repair_text(line)[0] == line
