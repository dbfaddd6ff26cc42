"""Stage `unicode`: what is particular to it (the table, idempotence and robustness
are checked for every text stage in test_text_stage_contract.py, with the
known failures and the seed counts)."""


from cleaners import unicode as stage
from cleaners.document import apply_edits
from cleaners.pipeline import StageContext


def clean(text, spans=()):
    result = stage.run(text, StageContext.for_stage(stage, spans=spans))
    return apply_edits(text, result.edits), result


def test_evidence_names_codepages_and_ftfy_steps():
    _, result = clean("see: Peaáčëčňŕöč˙: ęaę ýňo áűëo. And 5Â° here")
    by_reason = {e.reason: e for e in result.edits}
    cyr = by_reason["cyrillic-codepage"]
    assert (cyr.evidence["source"], cyr.evidence["target"]) == ("cp1250", "cp1251")
    assert cyr.evidence["known_words"] >= 0.6 and cyr.evidence["cyrillic"] >= 0.9
    assert by_reason["mojibake"].evidence["ftfy"] == ["encode:latin-1", "decode:utf-8"]


def test_short_wrong_codepage_run_is_flagged_not_changed():
    text = "the word áűëo here"  # "было": 4 letters, below min_cyrillic_letters
    out, result = clean(text)
    assert out == text
    assert [f.reason for f in result.flags] == ["cyrillic-codepage?"]


def test_fast_tokens_equal_regex_tokens():
    import random
    from cleaners import unicode as uni
    rng = random.Random(1)
    alphabet = list("ab \t\n\r\u2028\u2029\x85é“\xa0\x0c\x0b\x00Â°ﬁ&\u200d")
    for _ in range(20000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30)))
        assert uni._tokens(text) == [m.span() for m in uni.INTERESTING_TOKEN.finditer(text)], text


def test_tokens_that_cannot_change_do_not_change():
    """_may_change() False means every per-token fix (ftfy included) leaves the token alone."""
    import random
    from cleaners import unicode as uni
    rng = random.Random(2)
    pool = [chr(c) for c in range(0xA0, 0x250)] + list("“”‘’—–…•·°€™ŠšŒœŽžŸƒ†‡‰‹›ВГРСΒΓΞΟ√≈‚Ä¢£¥") \
        + list("abcXY.,'-") * 5
    opts = dict(uni.DEFAULTS)
    for _ in range(30000):
        token = "".join(rng.choice(pool) for _ in range(rng.randint(1, 6)))
        if not uni._may_change(token):
            assert uni._fix_token_once(token, opts, [], {}) == token, token
