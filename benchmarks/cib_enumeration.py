"""Time the complete enumeration of a cross-impact balance scenario space.

Target: all 3**10 = 59,049 scenarios of a 10-descriptor x 3-state matrix scored and filtered
in under 0.2 s on one core (best of several runs). The matrix is random integers in -3..3
with a fixed seed and zero self-blocks. For comparison, a naive pure-Python loop (one
scenario at a time, lists and sums) is timed on a subset and extrapolated.

Run: .venv/bin/python benchmarks/cib_enumeration.py
"""

import itertools
import os

import numpy as np
import pandas as pd
from timing import best_of, line  # noqa: E402  (benchmarks/ is on the path)

from analysis.methods import cib as consistency

TARGET_SECONDS = 0.2
DESCRIPTORS, STATES, SEED = 10, 3, 20240601
REPEATS = 7
NAIVE_SUBSET = 5_000


def random_matrix(descriptors: int = DESCRIPTORS, states: int = STATES, seed: int = SEED):
    """Random integer matrix in -3..3 with zero self-blocks, on a (descriptor, state) index."""
    rng = np.random.default_rng(seed)
    index = pd.MultiIndex.from_tuples(
        [(f"D{d}", f"s{s}") for d in range(descriptors) for s in range(states)],
        names=["descriptor", "state"],
    )
    values = rng.integers(-3, 4, size=(len(index), len(index)))
    for d in range(descriptors):
        block = slice(d * states, (d + 1) * states)
        values[block, block] = 0
    return pd.DataFrame(values, index=index, columns=index.copy())


def naive_inconsistencies(values: list[list[int]], blocks: list[range], scenarios) -> list[int]:
    """One scenario at a time in pure Python: the loop the vectorised code replaces."""
    result = []
    for rows in scenarios:
        balances = [sum(values[r][c] for r in rows) for c in range(len(values))]
        gap = max(
            max(balances[i] for i in block) - balances[r]
            for block, r in zip(blocks, rows, strict=True)
        )
        result.append(gap)
    return result


def main() -> int:
    matrix = random_matrix()
    space = consistency.scenario_count(matrix)
    found = consistency.consistent_scenarios(matrix)  # warm-up, and the answer
    fast = best_of(REPEATS, lambda: consistency.consistent_scenarios(matrix))

    values = matrix.to_numpy().tolist()
    blocks = [range(d * STATES, (d + 1) * STATES) for d in range(DESCRIPTORS)]
    subset = list(
        itertools.islice(
            itertools.product(*[list(b) for b in blocks]),
            NAIVE_SUBSET,
        )
    )
    naive = best_of(3, lambda: naive_inconsistencies(values, blocks, subset)) * space / len(subset)

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"# CIB enumeration: {DESCRIPTORS} descriptors x {STATES} states = {space:,} scenarios")
    print(f"#  consistent scenarios found: {len(found)} (seed {SEED})")
    print(f"#  vectorised (numpy, one process; {cores} core(s) visible): {1000 * fast:.1f} ms")
    print(
        f"#  naive pure-Python loop: {1000 * naive:,.0f} ms "
        f"(extrapolated from {len(subset):,} scenarios), {naive / fast:,.0f}x slower"
    )
    met = fast < TARGET_SECONDS
    what = f"CIB: enumerate {DESCRIPTORS} descriptors x {STATES} states ({space:,} scenarios)"
    print(line(what, f"< {1000 * TARGET_SECONDS:.0f} ms", f"{1000 * fast:.1f} ms", met))
    return 0 if met else 1


if __name__ == "__main__":
    raise SystemExit(main())
