"""flows.spool: document files on disk until published, summaries read back in stem order."""

from flows.publish import publish
from flows.spool import Spool


def test_files_go_to_disk_and_small_ones_stay_in_memory(tmp_path):
    with Spool() as s:
        s.put({"b.txt": b"bee", "edits/b.jsonl": b"{}\n"})
        s.put({"a.txt": b"ay"})
        s.set("manifest.json", b"{}")
        s.put({"a.txt": b"ay again"})  # a rewrite replaces
        assert len(list(s.root.iterdir())) == 3  # the three document files, nothing else
        assert dict(s) == {"b.txt": b"bee", "edits/b.jsonl": b"{}\n", "a.txt": b"ay again",
                           "manifest.json": b"{}"}
        s["b.txt"] = b"in memory now"  # set() / item assignment drops the spooled copy
        assert s["b.txt"] == b"in memory now" and len(list(s.root.iterdir())) == 2
        root = s.root
    assert not root.exists()


def test_summaries_come_back_in_stem_order(tmp_path):
    with Spool() as s:
        for stem in ("c", "a", "b"):
            s.put_summary(stem, {"stem": stem})
        assert s.has_summaries(["a", "b"]) and not s.has_summaries(["a", "z"])
        got = s.summaries(["c", "a"])
        assert list(got) == ["a", "c"] and got["c"] == {"stem": "c"} and len(got) == 2


def test_publish_reads_a_spool(tmp_path):
    clean = tmp_path / "clean"
    with Spool() as s:
        s.put({"doc é.txt": b"text\n", "meta/doc \u00e9.json": b"{}\n"})
        s.set("run.json", b"{}\n")
        publish(clean, s)
    assert sorted(p.relative_to(clean).as_posix() for p in clean.rglob("*") if p.is_file()) == \
        ["doc é.txt", "meta/doc é.json", "run.json"]
    assert (clean / "doc é.txt").read_bytes() == b"text\n"


def test_layout_states_wait_on_disk_and_come_back_whole(tmp_path):
    from cleaners.pipeline import Config
    from flows.discover import RawFile, sha256_file
    from flows.steps import build_corpus_resources, layout_document, state_digest, words_document

    texts = {"b": "The seco\u00adnd text, with a hyph-\nenated word.\n", "a": "Caf\u00e9 \ud800 text.\n"}
    with Spool() as s:
        handles, outcomes = {}, {}
        for doc_id, text in texts.items():
            p = tmp_path / f"{doc_id}.txt"
            p.write_bytes(text.encode("utf-8", "surrogatepass"))
            outcomes[doc_id] = layout_document(RawFile(doc_id, p.name, str(p), p.stat().st_size),
                                               sha256_file(p), Config())
            handles[doc_id] = s.put_state(doc_id, outcomes[doc_id].state)
        assert list(s) == []  # states are not outputs
        for doc_id, o in outcomes.items():
            loaded = handles[doc_id].load()
            assert loaded is not o.state and state_digest(loaded) == o.digest
            assert handles[doc_id].text() == o.state.text
        lazy = s.layout_texts(handles)
        assert list(lazy) == ["a", "b"] and lazy["b"] == outcomes["b"].state.text
        direct = build_corpus_resources({d: o.state.text for d, o in outcomes.items()}, Config())
        assert build_corpus_resources(lazy, Config())["lexicon"].digest == direct["lexicon"].digest
        from_disk = words_document(handles["b"], Config(), direct)
        in_memory = words_document(outcomes["b"].state, Config(), direct)
        assert state_digest(from_disk) == state_digest(in_memory)
        s.drop_state(handles["a"])
        assert not handles["a"].path.exists() and not handles["a"].text_path.exists()
