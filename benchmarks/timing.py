"""Shared by the benchmark scripts: the best of several timings of one task."""

import time
from collections.abc import Callable


def best_of(repeats: int, task: Callable[[], object]) -> float:
    """The shortest wall-clock time of `repeats` runs of `task`, in seconds."""
    timings = []
    for _ in range(repeats):
        start = time.perf_counter()
        task()
        timings.append(time.perf_counter() - start)
    return min(timings)


def line(what: str, target: str, measured: str, ok: bool) -> str:
    """One benchmark result as `what | target | measured | ok/MISSED` (benchmarks/run.py
    collects these lines into the summary)."""
    return f"{what} | {target} | {measured} | {'ok' if ok else 'MISSED'}"
