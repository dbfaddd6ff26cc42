"""flows.clean_corpus without running a flow: CLI checks, cache keys, retry policy, runners."""

import pytest

from cleaners.pipeline import Config
from flows import clean_corpus as cc
from flows.discover import RawFile


def test_cli_refuses_bad_folders_before_starting_prefect(tmp_path, capsys):
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "notes.md").write_text("x")
    assert cc.main(["--raw", str(tmp_path / "missing"), "--clean", str(tmp_path / "c")]) == 2
    assert "does not exist" in capsys.readouterr().err
    assert cc.main(["--raw", str(tmp_path / "raw"), "--clean", str(tmp_path / "raw" / "c")]) == 2
    assert "separate" in capsys.readouterr().err
    assert cc.main(["--raw", str(tmp_path / "raw"), "--clean", str(tmp_path / "c")]) == 2
    assert "no .txt documents" in capsys.readouterr().err
    assert not (tmp_path / "c").exists()


def test_cache_keys_change_with_content_config_and_name():
    raw = RawFile("a", "a.txt", "/x/a.txt", 3)
    base = {"raw": raw, "sha256": "1" * 64, "config": Config()}
    key = cc.layout_cache_key(None, base)
    assert key == cc.layout_cache_key(None, dict(base))
    assert key != cc.layout_cache_key(None, {**base, "sha256": "2" * 64})
    assert key != cc.layout_cache_key(None, {**base, "raw": RawFile("b", "b.txt", "/x/b.txt", 3)})
    assert key != cc.layout_cache_key(None, {**base, "config": Config(enabled={"hyphens": False})})
    # a words-phase option does not invalidate the layout phase
    assert key == cc.layout_cache_key(None, {**base, "config": Config(options={"review": {"x": 1}})})
    words = {"layout_digest": "d", "resources": {"lexicon": None}, "resources_key": "r", "config": Config()}
    wkey = cc.words_cache_key(None, words)
    assert wkey != cc.words_cache_key(None, {**words, "resources_key": "r2"})
    assert wkey != cc.words_cache_key(None, {**words, "layout_digest": "d2"})
    assert wkey != cc.words_cache_key(None, {**words, "config": Config(review_file="elsewhere.tsv")})


class _State:
    def __init__(self, exc):
        self.exc = exc

    def result(self, raise_on_failure=True):
        return self.exc


@pytest.mark.parametrize("exc,retry", [
    (OSError(5, "Input/output error"), True),
    (TimeoutError("slow disk"), True),
    (FileNotFoundError(2, "gone"), False),
    (PermissionError(13, "denied"), False),
    (KeyError("bug"), False),
])
def test_only_transient_io_errors_are_retried(exc, retry):
    assert cc.retry_io(None, None, _State(exc)) is retry


def test_runner_names():
    assert type(cc.make_task_runner("default")).__name__ == "ThreadPoolTaskRunner"
    assert type(cc.make_task_runner("threads")).__name__ == "ThreadPoolTaskRunner"
    assert type(cc.make_task_runner("processes")).__name__ == "ProcessPoolTaskRunner"
    assert type(cc.make_task_runner("dask")).__name__ == "DaskTaskRunner"
    with pytest.raises(ValueError):
        cc.make_task_runner("gpu")


def test_an_existing_dask_cluster_needs_a_real_prefect_server(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("DASK_ADDRESS", "tcp://127.0.0.1:1")
    monkeypatch.delenv("PREFECT_API_URL", raising=False)
    (tmp_path / "raw").mkdir()
    assert cc.main(["--raw", str(tmp_path / "raw"), "--clean", str(tmp_path / "c"), "--runner", "dask"]) == 2
    assert "PREFECT_API_URL" in capsys.readouterr().err
    monkeypatch.setenv("PREFECT_API_URL", "http://127.0.0.1:4200/api")
    cc.check_runner("dask")


def test_resources_warm_up_only_when_this_process_has_layout_work(tmp_path, monkeypatch):
    from flows.discover import discover

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("Some text.\n")
    found, config = discover(str(tmp_path / "raw")), Config()
    loaded = []
    monkeypatch.setattr("cleaners.words.repair.warm_up", lambda *a, **k: loaded.append(a))
    assert not cc.start_warm_up(found, config, "processes", False)  # pool workers load their own
    monkeypatch.setattr(cc, "_stored", lambda key: True)
    assert not cc.start_warm_up(found, config, "default", False)  # all cached: nothing to load
    assert cc.start_warm_up(found, config, "default", True)  # --refresh recomputes
    cc._wait_for_warm_up()
    assert loaded and not cc._WARMING
    monkeypatch.setattr(cc, "_stored", lambda key: False)
    assert cc.start_warm_up(found, config, "threads", False)
    cc._wait_for_warm_up()


def test_completed_yields_in_completion_order_and_lets_go():
    import threading

    class Fut:  # the part of a Prefect future _completed uses
        def __init__(self):
            self.callbacks = []

        def add_done_callback(self, fn):
            self.callbacks.append(fn)

        def finish(self):
            for fn in self.callbacks:
                fn(self)

    a, b = Fut(), Fut()
    futures = {a: "a", b: "b"}
    threading.Timer(0.05, b.finish).start()
    threading.Timer(0.1, a.finish).start()
    threading.Timer(0.15, a.finish).start()  # a second call back is ignored
    got = [(value, fut) for value, fut in cc._completed(futures)]
    assert got == [("b", b), ("a", a)] and futures == {}


def test_warm_up_lays_out_while_the_server_starts_and_the_tasks_take_its_results(tmp_path, monkeypatch):
    from flows.discover import discover, sha256_file

    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_text("Some text with a hyph-\nenated word.\n")
    (tmp_path / "raw" / "b.txt").write_text("Another text.\n")
    found, config = discover(str(tmp_path / "raw")), Config()
    monkeypatch.setattr(cc, "_stored", lambda key: False)
    assert cc.start_warm_up(found, config, "default", False)
    cc._WARMING[0].join()  # as if the server took longer than the warm-up
    cc._WARMING.clear()
    params = {f.doc_id: {"raw": f, "sha256": sha256_file(f.path), "config": config} for f in found.files}
    keys = {d: cc.layout_cache_key(None, p) for d, p in params.items()}
    assert set(keys.values()) < set(cc._PREWORK)  # both layouts, and the corpus resources
    ready = cc._PREWORK[keys["a"]]
    assert ready.status == "ok" and "hyphenated" in ready.state.text
    assert cc.layout_task.fn(**params["a"]) is ready  # taken, not computed again...
    assert keys["a"] not in cc._PREWORK  # ...and only once
    again = cc.layout_task.fn(**params["a"])
    assert again is not ready and again.digest == ready.digest
    good = {"a": ready, "b": cc.layout_task.fn(**params["b"])}
    rkey = cc.resources_digest({d: o.digest for d, o in good.items()}, config)
    resources = cc.resources_task.fn({d: o.state.text for d, o in good.items()}, rkey, config)
    assert not cc._PREWORK and resources["lexicon"] is not None
    cc._wait_for_warm_up()


def test_warm_up_stops_laying_out_when_the_flow_starts(tmp_path, monkeypatch):
    from flows.discover import discover

    (tmp_path / "raw").mkdir()
    for i in range(3):
        (tmp_path / "raw" / f"{i}.txt").write_text(f"Text {i}.\n")
    monkeypatch.setattr(cc, "_stored", lambda key: False)
    cc._PREWORK.clear()
    cc._STOP_PREWORK.set()  # the flow already waits: no layout work is started
    cc._prework_layout([(f, "0" * 64, f"k{f.doc_id}") for f in discover(str(tmp_path / "raw")).files],
                       discover(str(tmp_path / "raw")), Config(), False)
    assert not cc._PREWORK
    cc._STOP_PREWORK.clear()
