"""Run all benchmarks, or the ones named: ``python -m bench [name ...]``."""

import importlib
import sys
import time

BENCHMARKS = ["hyphens", "words", "sentences", "dedup", "throughput", "makerun", "scale"]


def main(argv: list[str]) -> int:
    names = argv or BENCHMARKS
    failed = 0
    for name in names:
        try:
            mod = importlib.import_module(f"bench.{name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"bench.{name}":
                print(f"== {name}: not available")
                continue
            raise
        print(f"\n== {name} " + "=" * (70 - len(name)), flush=True)
        t = time.perf_counter()
        try:
            mod.main()
        except Exception as exc:  # keep measuring the others
            failed += 1
            print(f"!! {name} failed: {type(exc).__name__}: {exc}")
        print(f"-- {name}: {time.perf_counter() - t:.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
