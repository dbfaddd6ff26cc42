"""The clean_corpus flow end to end, on a small raw folder of seed snippets and bad files.

Four real flow runs under the session's Prefect harness, shared by the tests
of this module: a cold run (process pool: the 1 MB word makes it start), a recomputed run into a second
folder (threads), a warm rerun through the CLI's ``main`` (everything cached),
and a run on the clean output as raw (idempotence).
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from cleaners.decode import decode_bytes
from cleaners.document import Edit, replay

pytestmark = pytest.mark.slow

SEEDS = Path(__file__).parents[2] / "raw"
FAKE_SHA = "0" * 64


def seed_snippet(i: int, lines: int = 60) -> bytes:
    seed = sorted(SEEDS.glob("*.txt"))[i]
    return b"".join(seed.read_bytes().splitlines(keepends=True)[:lines])


def build_raw(raw: Path) -> dict[str, str]:
    """Write the test corpus; returns raw path -> expected status."""
    files = {
        "seed 0.txt": (seed_snippet(0), "ok"),
        "seed 1.txt": (seed_snippet(1), "ok"),
        "Москва/seed 2 ä.txt": (seed_snippet(2), "ok"),
        "letters/1921/seed 3.txt": (seed_snippet(3), "ok"),
        "seed4-crlf.txt": (seed_snippet(4).replace(b"\n", b"\r\n"), "ok"),
        "lone-cr.txt": (b"first line\rsecond line\r", "ok"),
        "latin.txt": ("Caf\u00e9 \u201cquoted\u201d.\n".encode("cp1252"), "ok"),
        "invalid-utf8.txt": (b"The cal\xe9 is g\xc3\xa2teau\n", "ok"),
        "utf16-bom.txt": ("Gr\u00fc\u00dfe aus Wien.\n".encode("utf-16"), None),
        "utf16-nobom.txt": ("Plain text in UTF-16.\n".encode("utf-16-le"), None),
        "nul.txt": (b"\x00\x01\x02binary\x00" * 100, None),
        "image.txt": (bytes.fromhex("89504e470d0a1a0a0000000d4948445200") * 50, None),
        "empty.txt": (b"", "refused"),
        "blank.txt": (b"  \n\t\n \r\n", "refused"),
        "word.txt": (b"x" * 1_000_000 + b"\n", "ok"),
        "huge.txt": (b"y" * 50_000_000, "refused"),
        "Clash.txt": (b"one\n", "refused"),
        "clash.TXT": (b"two\n", "refused"),
        "changing.txt": (b"changed under our feet\n", "failed"),
        "locked.txt": (b"unreadable\n", "failed"),
        "a\\..\\..\\evil.txt": (b"a backslash name\n", "ok"),
        "x\u2215y.txt": (b"a division slash name\n", "ok"),
        "notes.md": (b"# not a document\n", "skipped"),
        ".hidden.txt": (b"hidden\n", "skipped"),
    }
    for rel, (data, _) in files.items():
        p = raw / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(data)
    return {rel: status for rel, (_, status) in files.items()}


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def contract(root: Path) -> dict[str, bytes]:
    """The clean folder without run.json's ``run`` section (timings, runner, cache hits) and
    the HTML report (a view that names the folders it shows, which differ between runs here)."""
    files = {k: v for k, v in tree(root).items() if not k.startswith("report/")}
    files.pop("README.md", None)
    run = json.loads(files.pop("run.json"))
    run.pop("run")
    files["run.json"] = json.dumps(run, sort_keys=True).encode()
    return files


@pytest.fixture(scope="module")
def runs(prefect_harness, tmp_path_factory):
    from flows import clean_corpus as module

    base = tmp_path_factory.mktemp("flow")
    raw = base / "raw"
    expected = build_raw(raw)
    (base / "clean1").mkdir()
    (base / "clean1" / "README.md").write_text("# generated\n")
    real_sha = module.sha256_file

    def fake_sha(path):
        name = os.path.basename(path)
        if name == "locked.txt":  # tests run as root: chmod 000 would not stop a read
            raise PermissionError(13, "Permission denied", path)
        if name == "changing.txt":  # content differs from what discovery saw
            return FAKE_SHA
        return real_sha(path)

    mp = pytest.MonkeyPatch()
    mp.setattr(module, "sha256_file", fake_sha)
    outside_before = {p for p in base.rglob("*") if "clean" not in p.relative_to(base).parts[0]}
    try:
        s1 = module.clean_corpus(raw=str(raw), clean=str(base / "clean1"), runner="processes")
        s2 = module.clean_corpus(raw=str(raw), clean=str(base / "clean2"), runner="threads", refresh=True)
        c1_before_warm = tree(base / "clean1")
        rc = module.main(["--raw", str(raw), "--clean", str(base / "clean1")])
        s4 = module.clean_corpus(raw=str(base / "clean1"), clean=str(base / "clean3"), runner="threads")
    finally:
        mp.undo()
    outside_after = {p for p in base.rglob("*") if "clean" not in p.relative_to(base).parts[0]}
    return dict(base=base, raw=raw, expected=expected, s1=s1, s2=s2, rc=rc, s4=s4,
                c1_before_warm=c1_before_warm, new_outside=outside_after - outside_before,
                siblings=sorted(p.name for p in base.iterdir()))


def test_every_raw_file_has_a_status_and_a_message(runs):
    rows = {r["raw"]: r for r in runs["s1"]["documents"]}
    assert set(rows) == set(runs["expected"])
    for rel, status in runs["expected"].items():
        row = rows[rel]
        if status is None:  # decided by cleaners.decode (refused once it refuses binary)
            assert row["status"] in ("ok", "refused")
        else:
            assert row["status"] == status, (rel, row)
        if row["status"] != "ok":
            assert row["message"], rel
    assert "changed during the run" in rows["changing.txt"]["message"]
    assert "permission denied" in rows["locked.txt"]["message"]
    assert "over the 32 MB limit" in rows["huge.txt"]["message"]
    assert "name clash" in rows["Clash.txt"]["message"]
    assert "empty" in rows["empty.txt"]["message"]
    assert "decoded as" in rows["invalid-utf8.txt"]["message"]
    assert runs["s1"]["status"] == "failed"


def test_names_map_into_the_clean_folder_only(runs):
    clean = runs["base"] / "clean1"
    names = set(tree(clean))
    assert {"seed 0.txt", "Москва__seed 2 ä.txt", "letters__1921__seed 3.txt", "a_.._.._evil.txt",
            "x\u2215y.txt", "edits/seed 0.jsonl", "meta/Москва__seed 2 ä.json"} <= names
    assert runs["new_outside"] == set(), "nothing may be written outside the clean folders"
    assert runs["siblings"] == ["clean1", "clean2", "clean3", "raw"], "no staging or lock left behind"
    assert (clean / "README.md").read_text() == "# generated\n"


def test_replay_raw_plus_edits_gives_the_clean_text(runs):
    clean = runs["base"] / "clean1"
    manifest_rows = {r["doc"]: r for r in runs["s1"]["documents"] if r["status"] == "ok"}
    assert len(manifest_rows) >= 10
    for doc, row in manifest_rows.items():
        raw_text = decode_bytes((runs["raw"] / row["raw"]).read_bytes()).text
        edits = [Edit.from_json(json.loads(line)) for line in
                 (clean / "edits" / f"{doc}.jsonl").read_text(encoding="utf-8").splitlines()]
        assert replay(raw_text, edits) == (clean / f"{doc}.txt").read_bytes().decode("utf-8"), doc


def test_two_runs_are_byte_identical_whatever_the_runner(runs):
    base = runs["base"]
    assert contract(base / "clean1") == contract(base / "clean2")
    assert runs["s1"]["run"]["runner"] == "processes" and runs["s2"]["run"]["runner"] == "threads"
    assert all(phase["cached"] == 0 for phase in runs["s2"]["run"]["tasks"].values())


def test_warm_rerun_takes_everything_from_the_cache_and_exits_1_on_bad_input(runs):
    base = runs["base"]
    run = json.loads((base / "clean1" / "run.json").read_text())
    rows = runs["s1"]["documents"]
    n_ok = sum(r["status"] == "ok" for r in rows)
    n_refused_by_layout = sum(r["status"] == "refused" and "name clash" not in r["message"]
                              and "MB limit" not in r["message"] for r in rows)
    # only changing.txt is recomputed: a failure is never cached; refusals are
    tasks = run["run"]["tasks"]
    assert tasks["layout"]["computed"] == 1 and tasks["words"]["computed"] == 0
    assert tasks["layout"]["cached"] == n_ok + n_refused_by_layout
    assert tasks["words"]["cached"] == n_ok
    before = runs["c1_before_warm"]
    after = tree(base / "clean1")
    before.pop("run.json"), after.pop("run.json")
    assert before == after
    assert runs["rc"] == 1


def test_manifest_records_the_raw_folder(runs):
    manifest = json.loads((runs["base"] / "clean1" / "manifest.json").read_text())
    assert manifest["raw_dir"] == str(runs["raw"])


def test_cleaning_the_clean_output_changes_nothing(runs):
    base = runs["base"]
    c1, c3 = base / "clean1", base / "clean3"
    texts1 = {p.name: p.read_bytes() for p in c1.glob("*.txt")}
    texts3 = {p.name: p.read_bytes() for p in c3.glob("*.txt")}
    assert texts1 and texts1 == texts3


def test_the_run_publishes_a_prefect_table_artifact(runs):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    with get_client(sync_client=True) as client:
        arts = client.read_artifacts(artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["scanclean-run"])))
    tables = [json.loads(a.data) if isinstance(a.data, str) else a.data for a in arts if a.type == "table"]
    # other modules' runs in this session publish under the same key: find this module's
    ours = [t for t in tables if any(r["raw"] == "locked.txt" for r in t)]
    assert ours
    by_raw = {r["raw"]: r for r in ours[0]}
    assert by_raw["seed 0.txt"]["status"] == "ok" and by_raw["seed 0.txt"]["diff report"] == "report/index.html"
    assert by_raw["locked.txt"]["status"] == "failed"
