"""Stage `dedup` (a block scanned twice) and the near-duplicate detector, as data."""

import json
from pathlib import Path

import pytest

from cleaners import dedup
from cleaners.dedup import NearDuplicateIndex, find_repeats, is_near_duplicate, is_quotation, segment_id
from cleaners.document import DocState, apply_edits, replay

DATA = Path(__file__).parents[1] / "data" / "dedup"
SCANNED = json.loads((DATA / "scanned_twice.json").read_text(encoding="utf-8"))
NEAR = json.loads((DATA / "near_duplicates.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", SCANNED, ids=[c["name"][:50] for c in SCANNED])
def test_scanned_twice_cases(case):
    result = dedup.run(case["text"], None)
    assert apply_edits(case["text"], result.edits) == case["expected"]
    assert len(result.edits) == case["removed"]
    assert len(result.flags) == case.get("flagged", 0)
    for e in result.edits:
        assert e.reason == "removed: scanned twice" and e.stage == "dedup" and e.after == ""
        ev = e.evidence
        # the evidence points at the kept copy, which begins like the removed one
        assert case["text"][ev["kept_start"]:].startswith(ev["kept_head"])
        assert case["expected"][ev["kept_start_in_output"]:].startswith(ev["kept_head"])


@pytest.mark.parametrize("case", SCANNED, ids=[c["name"][:50] for c in SCANNED])
def test_idempotent(case):
    assert dedup.run(case["expected"], None).edits == []


def test_seed_case_keeps_the_copy_that_reads_on():
    case = SCANNED[0]
    out = case["expected"]
    assert "Kork, Uborevich, Blyukher" in out  # the complete copy reads on
    assert "Kork, This speech" not in out  # the broken-off copy is gone
    assert out.count("This speech added one lurid touch") == 1
    assert "Reichswehr.” This speech added" in out


def test_provenance_through_the_pipeline():
    """Applied as a stage, raw + edit log still replays to the clean text."""
    text = SCANNED[1]["text"]
    state = DocState.from_raw("d", text)
    state.apply("dedup", dedup.run(state.text, None))
    assert state.text == SCANNED[1]["expected"]
    assert replay(state.raw_text, state.edits) == state.text
    assert state.edits[0].raw_line >= 1


def test_invented_repeat_with_longer_gap_is_only_flagged():
    block = " ".join(f"word{i}" for i in range(60))
    text = f"Start. {block} middle part of the text goes here and more {block} end."
    reps = find_repeats(text, min_words=40)
    assert len(reps) == 1 and reps[0].gap_words > 2
    result = dedup.run(text, None)
    assert result.edits == [] and len(result.flags) == 1


@pytest.mark.parametrize("case", NEAR, ids=[c["why"][:40] for c in NEAR])
def test_near_duplicate_pairs(case):
    assert is_near_duplicate(case["a"], case["b"])[0] is case["duplicate"], case["why"]


def test_index_groups_are_stars_not_chains():
    """A~B and B~C must not put C with A when A and C are not similar themselves."""
    base = [f"w{i}" for i in range(60)]
    a = " ".join(base)
    x = [f"x{i}" for i in range(12)]
    b = " ".join(base[:48] + x)
    c = " ".join(base[12:48] + x + [f"y{i}" for i in range(12)])
    assert is_near_duplicate(a, b)[0] and is_near_duplicate(b, c)[0]
    assert not is_near_duplicate(a, c)[0]
    index = NearDuplicateIndex()
    for key, text in (("a", a), ("b", b), ("c", c)):
        assert index.add(key, text)
    groups = index.groups()
    assert [(rep, [m for m, _ in ms]) for rep, ms in groups] == [("a", ["b"])]  # c stands alone


def test_index_holds_quotations_to_the_stricter_threshold():
    """Two translations of one quotation stay apart in the index and in the corpus files."""
    pairs = {c["why"][:20]: c for c in NEAR if c["a"].startswith("“Never in all")}
    translated = next(c for c in pairs.values() if not c["duplicate"])
    rescanned = next(c for c in pairs.values() if c["duplicate"])
    # the same pair without quote marks would be grouped: the quotation is what decides
    bare = [t.strip("“”") for t in (translated["a"], translated["b"])]
    assert is_near_duplicate(*bare)[0]
    for case, grouped in ((translated, False), (rescanned, True)):
        index = NearDuplicateIndex()
        assert index.add("a", case["a"]) and index.add("b", case["b"])
        assert bool(index.groups()) is grouped, case["why"]
    from cleaners.corpus import corpus_files
    from cleaners.document import DocState

    docs = {"000": DocState.from_raw("000", f"Krupskaya wrote to Kamenev.\n\n{translated['a']}\n"),
            "004": DocState.from_raw("004", f"She exclaimed.\n\n{translated['b']}\n")}
    files = corpus_files(docs, raw_sha256={}, raw_paths={}, config_digest="t", pipeline_version="t")
    assert files["duplicates.jsonl"].decode("utf-8").strip() == ""


@pytest.mark.parametrize("text, quoted", [
    ("“In all the past years I have not heard a single word.” (p. 12)", True),
    ("'It is over.'", True),
    ("«C'est fini.»", True),
    ("“Yes,” he said, and walked on.", False),
    ("She wrote: “It is over.”", False),
    ("The end.", False),
])
def test_is_quotation(text, quoted):
    assert is_quotation(text) is quoted


def test_index_skips_short_segments():
    index = NearDuplicateIndex()
    assert not index.add("d", "December 28, 1946.")
    assert len(index) == 0 and index.groups() == []


def test_segment_id_ignores_case_quotes_and_spaces():
    assert segment_id("“The  end,” he said.") == segment_id('"the end," He said.\n')
    assert segment_id("The end.") != segment_id("The end!")


from hypothesis import given, settings, strategies as st  # noqa: E402


@settings(max_examples=40, deadline=None)
@given(prefix=st.integers(0, 30), block=st.integers(45, 120), cut=st.floats(0.3, 0.95),
       suffix=st.integers(0, 30), seed=st.integers(0, 10_000))
def test_any_block_rescanned_from_its_start_is_removed_once(prefix, block, cut, suffix, seed):
    """Invented documents: prefix + block[:k] + block + suffix -> prefix + block + suffix."""
    words = [f"w{seed}x{i}" for i in range(prefix + block + suffix)]
    pre, blk, suf = words[:prefix], words[prefix:prefix + block], words[prefix + block:]
    k = max(40, int(block * cut))
    if k >= block:
        k = block - 1
    text = " ".join(pre + blk[:k] + blk + suf) + "\n"
    result = dedup.run(text, None)
    if k < 40:
        assert result.edits == []
        return
    out = apply_edits(text, result.edits)
    assert out == " ".join(pre + blk + suf) + "\n"
    assert dedup.run(out, None).edits == []


KNOWN_FAILURES = json.loads((DATA / "known_failures.json").read_text(encoding="utf-8"))


@pytest.mark.xfail(strict=True, reason="known failures: see tests/data/dedup/known_failures.json")
@pytest.mark.parametrize("case", KNOWN_FAILURES, ids=[c["name"][:40] for c in KNOWN_FAILURES])
def test_known_failures(case):
    result = dedup.run(case["text"], None)
    assert apply_edits(case["text"], result.edits) == case["expected"]


def test_batched_signatures_equal_datasketch_minhash():
    from datasketch import MinHash

    from cleaners.dedup import DEFAULTS, content_set, word_hashes

    texts = [" ".join(f"w{i * 7 + j}" for j in range(25 + i)) for i in range(5)]
    index = NearDuplicateIndex()
    for k, t in enumerate(texts):
        assert index.add(k, t)
    sigs = index.signatures()
    for k, t in enumerate(texts):
        m = MinHash(num_perm=DEFAULTS["num_perm"], seed=DEFAULTS["seed"], hashfunc=lambda x: x)
        m.update_batch(sorted(content_set(word_hashes(t))))
        assert sigs[k].tolist() == m.hashvalues.tolist()


KNOWN_NEAR_FAILURES = json.loads((DATA / "known_failures_near.json").read_text(encoding="utf-8"))


@pytest.mark.xfail(strict=True, reason="known failures: see tests/data/dedup/known_failures_near.json")
@pytest.mark.parametrize("case", KNOWN_NEAR_FAILURES, ids=[c["why"][:40] for c in KNOWN_NEAR_FAILURES])
def test_known_near_duplicate_failures(case):
    assert is_near_duplicate(case["a"], case["b"])[0] is case["duplicate"]


def test_refrain_in_verse_is_only_flagged():
    from types import SimpleNamespace

    from cleaners.document import Span

    stanza = "\n".join(" ".join(f"r{line}w{i}" for i in range(7)) for line in range(7))
    text = f"{stanza}\n{stanza}\n"
    ctx = SimpleNamespace(options={}, spans=[Span("verse", 0, len(text) - 1)])
    result = dedup.run(text, ctx)
    assert result.edits == [] and len(result.flags) == 1
    assert dedup.run(text, None).edits  # the same words outside verse would be a rescan


def test_periodic_text_is_fast_and_left_alone():
    row = "0 1 2 3 4 5"
    text = "\n".join([row] * 5000)
    assert dedup.run(text, None).edits == []


@pytest.mark.parametrize("num_perm,seed", [(96, 1), (128, 1), (64, 7), (1, 0)])
def test_permutations_equal_datasketch(num_perm, seed):
    """The numpy draw gives datasketch's affine32 parameters (no scipy import at run time)."""
    from datasketch import MinHash

    from cleaners.dedup import minhash_permutations

    a, b = minhash_permutations(num_perm, seed)
    da, db = MinHash(num_perm=num_perm, seed=seed).permutations
    assert a.dtype == da.dtype and b.dtype == db.dtype
    assert a.tolist() == da.tolist() and b.tolist() == db.tolist()


def test_corpus_run_does_not_import_datasketch():
    import subprocess
    import sys

    code = ("import sys; from cleaners.dedup import NearDuplicateIndex; i = NearDuplicateIndex(); "
            "i.add(0, ' '.join(f'w{k}' for k in range(30))); i.groups(); "
            "print('datasketch' in sys.modules, 'scipy' in sys.modules)")
    root = Path(__file__).parents[2]
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=root, env={"PYTHONPATH": str(root), "PATH": ""})
    assert out.stdout.split() == ["False", "False"]


def test_whitespace_is_its_own_casefold_and_never_a_word():
    """What makes hashing whitespace-separated chunks one by one exact (dedup._chunk_hash_bytes)."""
    import sys

    from cleaners.dedup import WORD_RE

    spaces = [chr(i) for i in range(sys.maxunicode + 1) if chr(i).isspace()]
    assert all(c.casefold() == c and not WORD_RE.match(c) for c in spaces)
    assert "a".join(spaces).split() == ["a"] * (len(spaces) - 1)


def test_casefold_splits_are_exactly_the_characters_that_change_word_kind():
    """What makes ``word_hashes`` (fold the whole text) equal ``raw_word_hashes`` (fold each
    word) on a text without ``CASEFOLD_SPLITS_RE``: every other character folds to a non-empty
    string of characters of its own kind (word character or not)."""
    import sys

    from cleaners.dedup import CASEFOLD_SPLITS_RE

    changes_kind = {chr(i) for i in range(sys.maxunicode + 1)
                    if not chr(i).casefold()
                    or any(x.isalnum() != chr(i).isalnum() for x in chr(i).casefold())}
    listed = {chr(i) for i in range(sys.maxunicode + 1) if CASEFOLD_SPLITS_RE.match(chr(i))}
    assert listed == changes_kind
    # every folding pattern is letters and digits only: it never crosses a word boundary
    assert all((a + b).isascii() and (a + b).isalnum() for a, b in dedup.OCR_SKELETON + (("rn", "m"),))


def test_word_character_table_is_word_re():
    """``_word_spans`` reads word edges from ``str.isalnum``: the same characters as WORD_RE."""
    import sys

    from cleaners.dedup import WORD_RE, _bmp_word_chars

    table = _bmp_word_chars()
    assert all(bool(WORD_RE.fullmatch(chr(i))) == bool(table[i]) for i in range(0x10000))
    assert all(bool(WORD_RE.fullmatch(chr(i))) == chr(i).isalnum() for i in range(0x10000, sys.maxunicode + 1))


TRICKY = ["İstanbul straße ﬁnal rnodern clean", "a\u0345b _under_score_ x_1 ŉ ΣΑΣ", "U.S.S.R. well-known “quoted”—dash",
          "\u2028line\u00a0sep\u3000wide 1.5 0l5", "", "   ", "l\u0130I i\u0307 \u1e9e ǰ ǅ",
          "astral \U0001d400\U0001d401 \U0001f600x\U0001f600 \ud800lone surrogate"]


def _definitions(text):
    import xxhash

    from cleaners.dedup import WORD_RE, _word_hash, word_key

    return ([xxhash.xxh32_intdigest(w.encode("utf-8", "surrogatepass")) for w in WORD_RE.findall(word_key(text))],
            [_word_hash(w) for w in WORD_RE.findall(text)],
            [[m.start(), m.end()] for m in WORD_RE.finditer(text)])


def _check_hashes(text):
    from cleaners.dedup import _word_spans, raw_word_hashes, word_hashes

    folded, raw, spans = _definitions(text)
    for _ in range(2):  # cold and memoised
        assert word_hashes(text).tolist() == folded
        assert raw_word_hashes(text).tolist() == raw
    assert _word_spans(text).tolist() == spans


@pytest.mark.parametrize("text", TRICKY)
def test_hashes_and_spans_equal_their_definitions(text):
    _check_hashes(text)


@settings(max_examples=60, deadline=None)
@given(words=st.lists(st.text(min_size=0, max_size=12), max_size=400),
       seps=st.lists(st.sampled_from([" ", "\n", "  ", "\t", " \u00a0", "\n\n"]), min_size=1, max_size=5))
def test_hashes_equal_their_definitions_on_any_text(words, seps):
    """Arbitrary Unicode words, many of them: the batched chunk path (256 chunks or more) too."""
    dedup._CHUNK_HASHES.clear()
    _check_hashes("".join(w + seps[i % len(seps)] for i, w in enumerate(words)))


def test_batched_chunk_hashes_equal_one_by_one():
    from cleaners.dedup import _hash_chunks

    chunks = [f"w{i}’s-x{i % 7}" for i in range(300)] + ["—", "İx", "a\u0345b", "\U0001d400y"] * 3
    assert _hash_chunks(chunks) == [b"".join(_hash_chunks([c])) for c in chunks]


def test_casefold_never_makes_a_space():
    """What makes folding many words joined by spaces exact (dedup._fold_each)."""
    import sys

    assert not [i for i in range(sys.maxunicode + 1) if i != 32 and " " in chr(i).casefold()]


def test_words_folded_together_hash_as_one_by_one():
    from cleaners.dedup import _word_hash, _word_hash_table

    words = ["İstanbul", "rnodern", "Straße", "ﬁnal", "x\u0345", "ǅ", "0l5", "Stalin’s", "Stalin’s"]
    assert _word_hash_table(words) == {w: _word_hash(w) for w in words}


def test_stopwords_are_the_most_frequent_words():
    from cleaners.dedup import STOPWORD_COUNT, _stopword_hashes, _word_hash
    from cleaners.frequencies import unigrams

    top = sorted(unigrams().items(), key=lambda kv: (-kv[1], kv[0]))[:STOPWORD_COUNT]
    assert _stopword_hashes() == frozenset(_word_hash(w) for w, _ in top)
