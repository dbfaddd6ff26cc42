"""`make bench`: every figure the issues name, measured in one run.

Each module in ``BENCHMARKS`` has ``main() -> None`` that prints its section.
Benchmarks read the evaluation sets from ../shared/benchmarks (never copied
into the project).
"""
