"""flows.discover: which raw files are documents and what they are called in clean/."""

import json
import os
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from flows.discover import (MAX_STEM_BYTES, RawChanged, check_folders, clean_stem, describe_os_error,
                            discover, read_raw, sha256_file)
from flows.publish import safe_relpath

DATA = Path(__file__).parents[1] / "data" / "flows"
STEMS = json.loads((DATA / "stems.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("rel,stem,why", STEMS, ids=[c[2] for c in STEMS])
def test_clean_stem_table(rel, stem, why):
    assert clean_stem(rel) == stem


@settings(deadline=None, max_examples=300)
@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=4))
def test_any_raw_name_gives_one_safe_flat_name(parts):
    stem = clean_stem("/".join(parts) + ".txt")
    assert "/" not in stem and "\\" not in stem and "\x00" not in stem
    assert stem not in ("", ".", "..")
    assert len(stem.encode("utf-8")) <= MAX_STEM_BYTES + 11
    for rel in (f"{stem}.txt", f"edits/{stem}.jsonl", f"meta/{stem}.json"):
        assert safe_relpath(rel) == rel


def test_long_names_are_cut_with_a_hash_and_stay_distinct():
    a, b = "x" * 300 + "a.txt", "x" * 300 + "b.txt"
    assert clean_stem(a) != clean_stem(b)
    assert len(clean_stem(a).encode()) <= MAX_STEM_BYTES


def _write(root: Path, rel: str, data: bytes = b"text\n") -> None:
    p = root / rel
    p.parent.mkdir(parents=True, exist_ok=True)
    p.write_bytes(data)


def test_discover_sorts_documents_skipped_and_refused(tmp_path):
    raw = tmp_path / "raw"
    for rel in ["b.txt", "a b é.txt", "sub/deep/c.txt", "notes.md", "scan.pdf", ".hidden.txt",
                ".git/config.txt", "Same.txt", "same.TXT", "x/y.txt", "x__y.txt"]:
        _write(raw, rel)
    os.mkfifo(raw / "pipe.txt")
    (raw / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    (raw / "loop").symlink_to(raw, target_is_directory=True)
    found = discover(raw)
    assert [f.doc_id for f in found.files] == ["a b é", "b", "sub__deep__c"]
    assert [f.rel_path for f in found.files] == ["a b é.txt", "b.txt", "sub/deep/c.txt"]
    skipped = {n.rel_path: n.message for n in found.skipped}
    assert set(skipped) == {".git/", ".hidden.txt", "notes.md", "scan.pdf", "pipe.txt", "dangling.txt", "loop/"}
    assert "hidden" in skipped[".hidden.txt"] and "hidden" in skipped[".git/"]
    assert "not a .txt" in skipped["notes.md"]
    assert "FIFO" in skipped["pipe.txt"]
    assert "broken link" in skipped["dangling.txt"]
    assert "not followed" in skipped["loop/"]
    refused = {n.rel_path: n.message for n in found.refused}
    assert set(refused) == {"Same.txt", "same.TXT", "x/y.txt", "x__y.txt"}
    assert "'Same.txt'" in refused["same.TXT"] and "rename" in refused["Same.txt"]
    assert "clean/x__y.txt" in refused["x/y.txt"]


def test_nfc_and_nfd_spellings_of_one_name_clash(tmp_path):
    _write(tmp_path, "cafe\u0301.txt")
    _write(tmp_path, "caf\u00e9.txt")
    found = discover(tmp_path)
    assert not found.files and len(found.refused) == 2


def test_undecodable_file_name_is_read_from_its_real_path(tmp_path):
    name = os.fsencode(tmp_path) + b"/caf\xe9.txt"
    with open(name, "wb") as fh:
        fh.write(b"text\n")
    [f] = discover(tmp_path).files
    assert f.doc_id == "caf\ufffd" and f.rel_path == "caf\ufffd.txt"
    assert read_raw(f.path) == b"text\n"


def test_oversized_file_is_refused_with_what_to_do(tmp_path):
    _write(tmp_path, "big.txt", b"x" * 2_000_001)
    _write(tmp_path, "small.txt")
    found = discover(tmp_path, max_mb=2)
    assert [f.doc_id for f in found.files] == ["small"]
    [note] = found.refused
    assert "over the 2 MB limit" in note.message and "split" in note.message


def test_read_raw_notices_a_change(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"one")
    sha = sha256_file(p)
    assert read_raw(p, sha) == b"one"
    p.write_bytes(b"two")
    with pytest.raises(RawChanged, match="changed during the run"):
        read_raw(p, sha)


@pytest.mark.parametrize("exc,fragment", [
    (FileNotFoundError(2, "No such file"), "deleted during the run"),
    (PermissionError(13, "Permission denied"), "chmod"),
    (OSError(5, "Input/output error"), "Input/output error"),
])
def test_os_errors_become_actionable_messages(exc, fragment):
    assert fragment in describe_os_error(exc)


@pytest.mark.parametrize("raw,clean,ok", [
    ("raw", "clean", True),
    ("raw", "raw", False),
    ("raw", "raw/clean", False),
    ("raw/inner", "raw", False),
    ("missing", "clean", False),
    ("raw", ".", False),
])
def test_check_folders(tmp_path, monkeypatch, raw, clean, ok):
    (tmp_path / "raw" / "inner").mkdir(parents=True)
    monkeypatch.chdir(tmp_path)
    if ok:
        check_folders(raw, clean)
    else:
        with pytest.raises(ValueError):
            check_folders(raw, clean)
