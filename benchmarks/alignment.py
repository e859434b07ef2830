"""Time the landscape theory of aggregation (`python benchmarks/alignment.py`).

Targets (best of 5 runs, numpy pinned to one thread, so a 2-core machine has room to spare):

* ``alignment.landscape`` for 16 actors: all 32,768 configurations, their energies, the
  steepest-descent successors, minima and basins, under 50 ms;
* ``alignment.is_stable`` for 100,000 draws of 16 actors, each draw with its own sizes,
  propensity matrix and configuration (the worst case: 100,000 x 16 x 16 propensities),
  under 0.5 s.

Sizes and propensities are random (fixed seed): sizes uniform on (0.1, 1), propensities the
symmetric part of standard normals with a zero diagonal. Prints ``what | target | measured |
ok/MISSED`` per target and exits non-zero if one is missed.
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
from timing import best_of  # noqa: E402  (benchmarks/ is on the path)

from analysis.methods import alignment  # noqa: E402

ACTORS = 16
DRAWS = 100_000
REPEATS = 5


def symmetric(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Random symmetric propensities with a zero diagonal, over leading draw dimensions."""
    raw = rng.normal(size=shape + (ACTORS, ACTORS))
    p = 0.5 * (raw + np.swapaxes(raw, -1, -2))
    p[..., np.arange(ACTORS), np.arange(ACTORS)] = 0.0
    return p


def landscape_task(rng: np.random.Generator) -> Callable[[], object]:
    sizes = rng.uniform(0.1, 1.0, ACTORS)
    propensity = symmetric(rng, ())
    return lambda: alignment.landscape(sizes, propensity)


def stability_task(rng: np.random.Generator) -> Callable[[], object]:
    sizes = rng.uniform(0.1, 1.0, (DRAWS, ACTORS))
    propensity = symmetric(rng, (DRAWS,))
    sides = rng.integers(0, 2, (DRAWS, ACTORS))
    return lambda: alignment.is_stable(sizes, propensity, sides)


def main() -> int:
    rng = np.random.default_rng(1993)
    targets = [
        (
            f"landscape: {ACTORS} actors, {2 ** (ACTORS - 1):,} configurations",
            0.050,
            landscape_task,
        ),
        (f"is_stable: {DRAWS:,} draws x {ACTORS} actors", 0.5, stability_task),
    ]
    missed = 0
    print("what | target | measured | ok/MISSED")
    for label, target, make_task in targets:
        seconds = best_of(REPEATS, make_task(rng))
        ok = seconds < target
        missed += not ok
        verdict = "ok" if ok else "MISSED"
        print(f"{label} | < {target * 1000:.0f} ms | {seconds * 1000:.1f} ms | {verdict}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
