"""``python -m flows.clean_corpus``: check the arguments, start Prefect's server, run the flow.

The order is what makes a cold ``make run`` fast (see :mod:`flows.server`):

1. parse and check the arguments and the raw folder (plain Python: a bad
   folder fails in a fraction of a second and starts nothing);
2. seed a fresh Prefect home with the migrated empty database (:mod:`flows.schema`);
3. spawn the temporary Prefect server (:class:`flows.server.ApiServer`), telling it
   to skip the migrations and block registration its database does not need;
4. only now import Prefect and the flow, and start the warm-up thread
   (:func:`flows.clean_corpus.start_warm_up`: word lists, then the layout of
   the documents while the server is still starting);
5. wait for the server, run the flow.

This module imports neither Prefect nor the cleaners at import time.
"""

from __future__ import annotations

from flows.timeline import mark, print_marks  # first: its clock starts at import

import flows  # noqa: F401  (sets the Prefect environment before Prefect is imported)

import argparse
import atexit
import os
import sys

from flows.discover import MAX_DOCUMENT_MB, check_folders, discover

RUNNERS = ("default", "threads", "processes", "dask")
DESCRIPTION = "The Prefect flow that cleans a raw folder into a clean folder."


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m flows.clean_corpus", description=DESCRIPTION)
    parser.add_argument("--raw", default="raw", help="folder of raw OCR .txt files (default: raw)")
    parser.add_argument("--clean", default="clean", help="output folder, replaced atomically (default: clean)")
    parser.add_argument("--runner", default="default", choices=RUNNERS)
    parser.add_argument("--config", default=None, help="a scanclean.toml with [stages.<name>] tables")
    parser.add_argument("--max-mb", type=float, default=MAX_DOCUMENT_MB,
                        help=f"refuse documents larger than this (default {MAX_DOCUMENT_MB:g})")
    parser.add_argument("--refresh", action="store_true", help="recompute everything (ignore cached results)")
    return parser.parse_args(argv)


def check_runner(name: str) -> None:
    """Refuse a runner choice that cannot work, with what to do (raises ValueError)."""
    import os

    if name not in RUNNERS:
        raise ValueError(f"unknown runner {name!r}; choose one of {RUNNERS}")
    if name == "dask" and os.environ.get("DASK_ADDRESS") and not os.environ.get("PREFECT_API_URL"):
        # workers of a cluster we did not start cannot reach this process's temporary
        # server: each would start its own, time out, and leave it running
        raise ValueError("--runner dask with DASK_ADDRESS needs a Prefect server the Dask workers can "
                         "reach: start one (prefect server start) and set PREFECT_API_URL for the "
                         "flow and the workers; the workers also need scanclean importable")


def main(argv: list[str] | None = None) -> int:
    """The CLI; exit status 0 (all cleaned), 1 (some refused or failed), 2 (nothing done)."""
    args = parse_args(argv)
    try:  # fail fast, before Prefect starts a server
        check_runner(args.runner)
        check_folders(args.raw, args.clean)
        found = discover(args.raw, max_mb=args.max_mb)
        if not found.files and not found.refused:
            raise ValueError(f"no .txt documents in {args.raw}: nothing to clean "
                             f"({len(found.skipped)} other files skipped; clean folder left as it was)")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2

    from flows.schema import blocks_registered, prepare_prefect_home
    from flows.server import ApiServer, wanted

    seeded = prepare_prefect_home()  # a fresh Prefect home starts from the migrated empty database
    server = None
    if wanted():
        server = ApiServer(migrate=not seeded, register_blocks=not blocks_registered()).start()
    mark("server spawned" if server else "no server of our own")

    from cleaners.pipeline import Config
    from flows import clean_corpus as cc

    mark("Prefect and the flow imported")

    try:
        cc.start_warm_up(found, Config.from_toml(args.config) if args.config else Config(), args.runner,
                         args.refresh)
    except Exception:  # noqa: BLE001  (a bad config is reported by the flow itself)
        pass
    parameters = {"raw": args.raw, "clean": args.clean, "runner": args.runner, "config_path": args.config,
                  "refresh": args.refresh, "max_mb": args.max_mb}
    settings = {}
    if server is not None:
        try:  # what Prefect does first when the flow run is created (it imports FastAPI's encoder: ~1 s)
            cc.clean_corpus.serialize_parameters(parameters)
        except Exception:  # noqa: BLE001  (Prefect does it again and reports)
            pass
        try:
            server.wait()
        except RuntimeError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        mark("server ready")
        # Heartbeats let a server's services find crashed runs; this temporary server runs no
        # services and ends with the run, and the heartbeat thread costs up to 1 s at the end.
        from prefect.settings import PREFECT_FLOWS_HEARTBEAT_FREQUENCY

        settings[PREFECT_FLOWS_HEARTBEAT_FREQUENCY] = None
    from prefect.settings import temporary_settings

    with temporary_settings(updates=settings):
        state = cc.clean_corpus(**parameters, return_state=True)
    if not state.is_completed():
        exc = state.result(raise_on_failure=False)
        print(f"error: {exc}", file=sys.stderr)
        return 2
    data = state.result()
    mark("flow returned")
    cc.render_table(data)
    print(f"clean folder: {args.clean}  (summary: {args.clean}/run.json, diff report: "
          f"{args.clean}/{data['report']})")
    print_marks()
    return 1 if data["status"] != "ok" else 0


def run() -> None:
    """``python -m flows.clean_corpus``: :func:`main`, then exit without tearing the interpreter down.

    Freeing a run's objects and modules one by one at exit took 1 to 2 s after the
    work was done. The last exit handler (registered first, so it runs after
    Prefect's handlers have flushed their logs and events and after the server is
    stopped) flushes stdout and stderr and ends the process at once. Every output
    file is already written, fsynced and closed by then (flows.publish).
    """
    code = [1]  # an exception escaping main() exits with 1, after its traceback

    def exit_now() -> None:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:  # noqa: BLE001  (a closed pipe: nothing more to say)
                pass
        os._exit(code[0])

    atexit.register(exit_now)
    code[0] = main()
    sys.exit(code[0])
