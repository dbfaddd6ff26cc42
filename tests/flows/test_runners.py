"""Runner independence and crash safety with real processes (slow: Dask cluster, a killed flow)."""

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flows.publish import CRASH_ENV

pytestmark = pytest.mark.slow

ROOT = Path(__file__).parents[2]
SEEDS = sorted((ROOT / "raw").glob("*.txt"))


def snippet(i: int, lines: int) -> bytes:
    return b"".join(SEEDS[i].read_bytes().splitlines(keepends=True)[:lines])


def tree(root: Path) -> dict[str, bytes]:
    # the HTML report is a view naming the folders it shows (different here): not compared
    files = {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*"))
             if p.is_file() and not p.relative_to(root).as_posix().startswith("report/")}
    run = json.loads(files.pop("run.json"))
    run.pop("run")  # timings, runner, cache hits: the only part that may differ
    files["run.json"] = json.dumps(run, sort_keys=True).encode()
    return files


def test_dask_runner_output_is_byte_identical_to_the_default_runner(prefect_harness, tmp_path):
    from flows.clean_corpus import clean_corpus

    raw = tmp_path / "raw"
    raw.mkdir()
    for i in range(3):
        (raw / f"doc {i}.txt").write_bytes(snippet(i, 80))
    s_default = clean_corpus(raw=str(raw), clean=str(tmp_path / "a"), runner="threads", refresh=True)
    s_dask = clean_corpus(raw=str(raw), clean=str(tmp_path / "b"), runner="dask", refresh=True)
    assert s_dask["run"]["tasks"] == {"layout": {"cached": 0, "computed": 3},
                                      "words": {"cached": 0, "computed": 3}}
    assert s_default["counts"]["ok"] == 3
    assert tree(tmp_path / "a") == tree(tmp_path / "b")


def test_a_flow_killed_while_publishing_leaves_the_old_clean_folder_and_the_next_run_recovers(
        prefect_harness, tmp_path):
    from flows.clean_corpus import clean_corpus

    raw, clean = tmp_path / "raw", tmp_path / "clean"
    raw.mkdir()
    (raw / "a.txt").write_bytes(snippet(0, 40))
    clean_corpus(raw=str(raw), clean=str(clean), runner="threads")
    before = tree(clean)
    (raw / "b.txt").write_bytes(snippet(1, 40))
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PREFECT_API_URL": prefect_harness, CRASH_ENV: "staged"}
    proc = subprocess.run([sys.executable, "-m", "flows.clean_corpus", "--raw", str(raw), "--clean", str(clean),
                           "--runner", "threads"], cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert proc.returncode == -9, proc.stderr.decode()[-2000:]
    assert tree(clean) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".clean.staging-")], "the kill left staging"
    summary = clean_corpus(raw=str(raw), clean=str(clean), runner="threads")
    assert summary["counts"]["ok"] == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clean", "raw"]
    assert any("removed stale .clean.staging-" in n for n in summary["run"]["recovery"])
    assert (clean / "b.txt").exists()
