"""The scale driver (bench/scale.py: forked workers, streamed documents) writes what the flow writes.

The flow's outputs are built here with the flow's own code (flows.summary.build_outputs on
the documents cleaned in one process), so the test needs no Prefect server.
"""

import hashlib
from pathlib import Path

import pytest

from cleaners.pipeline import Config, clean_corpus_texts
from flows.steps import DocResult
from flows.summary import build_outputs

SEEDS = Path(__file__).parents[2] / "raw"


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def raw(tmp_path_factory) -> Path:
    """Seed snippets, a document scanned twice across files, and a tiny one."""
    folder = tmp_path_factory.mktemp("scale") / "raw"
    folder.mkdir()
    for i, seed in enumerate(sorted(SEEDS.glob("*.txt"))):
        lines = seed.read_bytes().splitlines(keepends=True)
        (folder / f"seed{i}.txt").write_bytes(b"".join(lines[:150]))
        if i == 1:  # the same text again: exact duplicates across documents
            (folder / f"seed{i}-again.txt").write_bytes(b"".join(lines[:80]))
    (folder / "tiny.txt").write_bytes(b"One line.\n")
    return folder


@pytest.mark.parametrize("workers", [1, 2])
def test_driver_output_equals_the_flow_output(raw, tmp_path, workers):
    from bench.scale import clean_folder

    result = clean_folder(raw, workers, keep=tmp_path / "clean")
    got = tree(tmp_path / "clean")

    config = Config()
    docs = {p.stem: p.read_bytes() for p in sorted(raw.glob("*.txt"))}
    states = clean_corpus_texts(docs, config)
    results = [DocResult(d, f"{d}.txt", "ok", state=s, sha256=hashlib.sha256(docs[d]).hexdigest())
               for d, s in states.items()]
    want = build_outputs(results, raw_dir=str(raw), config=config)

    assert result["docs"] == len(docs) and result["workers"] == workers
    assert sorted(got) == sorted(want)
    for name in want:
        assert got[name] == want[name], name
    assert result["memory"]["all"]["rss"] > 0 and result["memory"]["all"]["pss"] > 0
