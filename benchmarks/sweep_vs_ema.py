"""Vectorised sweeps against the EMA Workbench's sequential evaluator
(`python benchmarks/sweep_vs_ema.py`).

1. **The same model, both ways.** Richardson's (1960) two-bloc arms race with six uncertain
   parameters: the reactions ``a, b``, the fatigues ``m, n`` (ranges from
   data/parameters.csv) and the grievances ``g, h`` (the status-quo calibration, ±50%),
   starting from the asian-nato blocs' military spending. The EMA Workbench (Kwakkel 2017)
   runs it through ``perform_experiments`` with a ``SequentialEvaluator``, calling a Python
   function that computes one experiment's 10-year path with ``arms.richardson_path``; we
   draw the same number of Latin-hypercube experiments and evaluate all of them in one
   ``arms.richardson_path`` call, the kernel the engine's evaluation uses. The vectorised
   function is also run on the Workbench's own experiments and must give its outcomes.
   Target: at least 200x the Workbench's experiments per second. For reference (no target:
   it does more work), the full scenario pipeline, ``sampling.sweep`` of asian-nato with all
   its uncertain inputs and every swept indicator, is timed at the same number of draws.
2. ``evaluate`` of 10,000 draws of asian-nato, every swept indicator: target < 20 ms.
3. ``sampling.sweep`` of 1,000,000 draws: target < 1 s and peak memory < 1 GiB, measured
   in a fresh subprocess (peak resident set size from ``resource.getrusage``, which includes
   the interpreter and its imports).

Timings are the best of several runs (the Workbench's: one run, it is slow). Exits non-zero
if a target is missed, or if the EMA Workbench cannot be imported.
"""

from __future__ import annotations

import contextlib
import io
import json
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
from scipy.stats import qmc
from timing import best_of, line  # noqa: E402  (benchmarks/ is on the path)

import analysis
from analysis.methods import arms
from analysis.model import evaluate, sampling
from analysis.model.engine import ARMS_COEFFICIENTS as COEFFICIENTS
from analysis.world import apply

EXPERIMENTS = 2_000
SPEEDUP_TARGET = 200.0
EVALUATE_DRAWS, EVALUATE_TARGET = 10_000, 0.020
SWEEP_DRAWS, SWEEP_TARGET, MEMORY_TARGET = 1_000_000, 1.0, 2**30
YEARS = np.arange(11.0)
SEED = 20261126
SCENARIO = "asian-nato"


def setting(world: analysis.World) -> tuple[float, float, dict[str, tuple[float, float]]]:
    """Starting spending of the two blocs and the six parameters' ranges."""
    scenario = analysis.load_scenario(SCENARIO, world)
    milex = apply(scenario, world).figures["milex_usd"]
    x0 = float(milex.reindex(list(scenario.alliance)).sum())
    y0 = float(milex.reindex(list(scenario.rivals)).sum())
    ranges = {
        key: tuple(world.parameters.loc[name, ["low", "high"]].astype(float))
        for key, name in COEFFICIENTS.items()
    }
    g, h = arms.calibrate_grievances(x0, y0, *(world.parameter(COEFFICIENTS[k]) for k in "abmn"))
    for key, value in (("g", float(g)), ("h", float(h))):
        ranges[key] = tuple(sorted((0.5 * value, 1.5 * value)))
    return x0, y0, ranges


def outcomes(x0: float, y0: float, a, b, m, n, g, h) -> dict[str, np.ndarray]:
    """Spending of each bloc after ten years and the growth of the total (any shapes)."""
    path = arms.richardson_path(x0, y0, a, b, m, n, g, h, YEARS)
    end = path[..., -1, :]
    return {
        "alliance_10y": end[..., 0],
        "rivals_10y": end[..., 1],
        "growth": end.sum(axis=-1) / (x0 + y0) - 1,
    }


def run_ema(x0: float, y0: float, ranges: dict) -> tuple[float, object, dict]:
    """The Workbench, one Python call per experiment. Returns (seconds, experiments, outcomes)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench import (
            Model,
            RealParameter,
            ScalarOutcome,
            SequentialEvaluator,
            perform_experiments,
        )

    def experiment(a, b, m, n, g, h) -> dict[str, float]:
        return {k: float(v) for k, v in outcomes(x0, y0, a, b, m, n, g, h).items()}

    model = Model("richardson", function=experiment)
    model.uncertainties = [RealParameter(k, *ranges[k]) for k in "abmngh"]
    model.outcomes = [ScalarOutcome(k) for k in ("alliance_10y", "rivals_10y", "growth")]
    np.random.seed(SEED)  # the Workbench's LHS draws from numpy's global generator
    start = time.perf_counter()
    with SequentialEvaluator(model) as evaluator, contextlib.redirect_stderr(io.StringIO()):
        experiments, results = perform_experiments(model, EXPERIMENTS, evaluator=evaluator)
    return time.perf_counter() - start, experiments, results


def run_vectorised(x0: float, y0: float, ranges: dict) -> dict[str, np.ndarray]:
    """The same number of LHS experiments, all evaluated in one call."""
    low, high = (np.array([ranges[k][i] for k in "abmngh"]) for i in (0, 1))
    unit = qmc.LatinHypercube(d=6, seed=np.random.default_rng(SEED)).random(EXPERIMENTS)
    a, b, m, n, g, h = (low + unit * (high - low)).T
    return outcomes(x0, y0, a, b, m, n, g, h)


def sweep_child() -> None:
    """In a fresh process: time a 1,000,000-draw sweep and report peak memory as JSON."""
    world = analysis.load_world()
    scenario = analysis.load_scenario(SCENARIO, world)
    sampling.sweep(scenario, world, 1_000, SEED)  # warm up caches and imports
    seconds = best_of(3, lambda: sampling.sweep(scenario, world, SWEEP_DRAWS, SEED))
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # kB on Linux
    print(json.dumps({"seconds": seconds, "peak_bytes": peak}))


def main() -> int:
    world = analysis.load_world()
    scenario = analysis.load_scenario(SCENARIO, world)
    x0, y0, ranges = setting(world)
    missed = 0

    try:
        ema_seconds, experiments, ema_results = run_ema(x0, y0, ranges)
    except ImportError as error:
        print(f"EMA Workbench not available ({error}): install ema_workbench to compare")
        return 1
    # correctness: our vectorised function on the Workbench's own experiments
    again = outcomes(x0, y0, *(experiments[k].to_numpy(float) for k in "abmngh"))
    for key, values in again.items():
        np.testing.assert_allclose(values, ema_results[key], rtol=1e-10)

    ours = best_of(5, lambda: run_vectorised(x0, y0, ranges))
    pipeline = best_of(5, lambda: sampling.sweep(scenario, world, EXPERIMENTS, SEED))
    ema_rate = EXPERIMENTS / ema_seconds
    ratio = ema_seconds / ours
    ok = ratio >= SPEEDUP_TARGET
    missed += not ok
    print(f"# EMA Workbench, SequentialEvaluator: {ema_seconds:.2f} s, {ema_rate:,.0f} exp/s")
    print(
        f"# for reference, sampling.sweep of {SCENARIO} (every swept indicator): "
        f"{1000 * pipeline:.1f} ms, {ema_seconds / pipeline:,.0f}x the Workbench's runs"
    )
    print(
        line(
            f"Richardson model, {EXPERIMENTS:,} experiments, vs the EMA Workbench",
            f">= {SPEEDUP_TARGET:.0f}x", f"{ratio:,.0f}x ({1000 * ours:.1f} ms)", ok,
        )
    )  # fmt: skip

    design = sampling.sample(scenario, world, EVALUATE_DRAWS, SEED)
    seconds = best_of(5, lambda: evaluate(world, scenario, design, keys=analysis.model.SWEPT))
    ok = seconds < EVALUATE_TARGET
    missed += not ok
    print(
        line(
            f"evaluate {EVALUATE_DRAWS:,} draws, every swept indicator",
            f"< {1000 * EVALUATE_TARGET:.0f} ms", f"{1000 * seconds:.1f} ms", ok,
        )
    )  # fmt: skip

    child = subprocess.run(
        [sys.executable, __file__, "--sweep-child"], capture_output=True, text=True, check=True
    )
    report = json.loads(child.stdout.strip().splitlines()[-1])
    ok_time = report["seconds"] < SWEEP_TARGET
    ok_memory = report["peak_bytes"] < MEMORY_TARGET
    missed += (not ok_time) + (not ok_memory)
    print(
        line(f"sweep {SWEEP_DRAWS:,} draws, time", f"< {SWEEP_TARGET:.0f} s",
             f"{report['seconds']:.2f} s", ok_time)
    )  # fmt: skip
    print(
        line(f"sweep {SWEEP_DRAWS:,} draws, peak memory", "< 1 GiB",
             f"{report['peak_bytes'] / 2**20:,.0f} MiB", ok_memory)
    )  # fmt: skip
    return 1 if missed else 0


if __name__ == "__main__":
    if sys.argv[1:] == ["--sweep-child"]:
        sweep_child()
    else:
        raise SystemExit(main())
