"""Time the vectorised methods of issue 3 on one core (`python benchmarks/methods.py`).

Targets (each under 2 s, best of 3 runs):

* ``arms.richardson_path`` for 1,000,000 draws of (a, b, m, n) at 11 yearly points,
  evaluated in chunks of 100,000 draws so peak memory stays around 100 MB;
* ``bargaining.weighted_median`` for 1,000,000 draws of 16 actors' positions and weights.

Exits non-zero if a target is missed. Pin numpy to one thread for a one-core figure, e.g.
``OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1`` (both kernels are elementwise or sorting and do
not use BLAS, so this changes little).
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("MKL_NUM_THREADS", "1")

from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402
from timing import best_of, line  # noqa: E402  (benchmarks/ is on the path)

from analysis.methods import arms, bargaining  # noqa: E402

TARGET_SECONDS = 2.0
DRAWS = 1_000_000
CHUNK = 100_000
ACTORS = 16
YEARS = np.arange(11.0)


def arms_task(rng: np.random.Generator) -> Callable[[], object]:
    a = rng.uniform(0.03, 0.25, DRAWS)
    b = rng.uniform(0.05, 0.25, DRAWS)
    m = rng.uniform(0.10, 0.40, DRAWS)
    n = rng.uniform(0.10, 0.40, DRAWS)
    x0, y0 = 1.2e12, 4.0e11  # alliance and rival spending, US$
    g, h = arms.calibrate_grievances(x0, y0, 0.10, 0.12, 0.20, 0.20)

    def task() -> float:
        final = 0.0
        for s in range(0, DRAWS, CHUNK):
            sl = slice(s, s + CHUNK)
            path = arms.richardson_path(x0, y0, a[sl], b[sl], m[sl], n[sl], g, h, YEARS)
            final += float(path[:, -1, 0].sum())
        return final

    return task


def median_task(rng: np.random.Generator) -> Callable[[], object]:
    positions = rng.uniform(0.0, 100.0, (DRAWS, ACTORS))
    capability = rng.uniform(0.01, 1.0, ACTORS)
    salience = rng.uniform(10.0, 100.0, (DRAWS, ACTORS))

    def task() -> np.ndarray:
        return bargaining.weighted_median(positions, capability, salience)

    return task


def main() -> int:
    rng = np.random.default_rng(2024)
    results = {
        f"richardson_path: {DRAWS:,} draws x {YEARS.size} years": best_of(3, arms_task(rng)),
        f"weighted_median: {DRAWS:,} draws x {ACTORS} actors": best_of(3, median_task(rng)),
    }
    missed = 0
    for label, seconds in results.items():
        ok = seconds < TARGET_SECONDS
        missed += not ok
        print(line(label, f"< {TARGET_SECONDS:.0f} s", f"{seconds:.2f} s", ok))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
