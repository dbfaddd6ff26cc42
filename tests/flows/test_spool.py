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
