"""Uncertainty: sample a scenario's judged uncertainties and evaluate the registry's
indicators for all draws at once.

A scenario's `uncertainty:` block gives distributions for model parameters
(`trade.disruption_factor`, `arms.reaction_rival`, ...), actors' judgements
(`judgements.CHN.position`) and bloc membership (`bloc.CHN: {choice: [rivals, alliance]}`).
`sample` turns it into a seeded design (Latin hypercube by default, McKay, Beckman & Conover
1979, via scipy.stats.qmc); the engine (`analysis.model.evaluation.evaluate`) takes any
design matrix, one row per draw, and returns every indicator for every row in one vectorised
call (the matrix contract SALib and PRIM expect); `sweep` does both in chunks, locally or
as tasks on a dask.distributed cluster, and records what it did (seed, sampler,
distributions, package versions) with the results.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special
from scipy.stats import qmc

from analysis.model.engine import prepare, state
from analysis.model.evaluation import blas_pools, evaluate, measure_columns
from analysis.model.indicators import SWEPT
from analysis.world import Distribution, Scenario, World, data_uncertainty

SAMPLERS = ("lhs", "mc", "sobol")
# -- sampling ---------------------------------------------------------------------------------


def _check_draws(draws: int) -> None:
    if not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ValueError(f"draws must be a positive whole number, got {draws!r}")


def _unit_sample(draws: int, dims: int, seed: int, sampler: str) -> np.ndarray:
    """Points in the unit cube [0, 1)^dims, one row per draw."""
    if sampler == "lhs":
        return qmc.LatinHypercube(d=dims, seed=np.random.default_rng(seed)).random(draws)
    if sampler == "sobol":  # scrambled Sobol' sequence; balanced for powers of two
        return qmc.Sobol(d=dims, scramble=True, seed=np.random.default_rng(seed)).random(draws)
    if sampler == "mc":
        return np.random.default_rng(seed).random((draws, dims))
    raise ValueError(f"unknown sampler {sampler!r}; expected one of {SAMPLERS}")


def quantile(dist: Distribution, u: np.ndarray) -> np.ndarray:
    """Map uniform [0, 1) draws through the distribution's inverse CDF (closed forms)."""
    if dist.uniform:
        low, high = dist.uniform
        return low + u * (high - low)
    if dist.triangular:
        low, mode, high = dist.triangular
        width, split = high - low, (mode - low) / (high - low)
        left = low + np.sqrt(u * width * (mode - low))
        right = high - np.sqrt((1 - u) * width * (high - mode))
        return np.where(u < split, left, right)
    if dist.normal:  # truncated normal by inverting the normal CDF between the bounds
        n = dist.normal
        lo, hi = special.ndtr((n.low - n.mean) / n.sd), special.ndtr((n.high - n.mean) / n.sd)
        return np.clip(n.mean + n.sd * special.ndtri(lo + u * (hi - lo)), n.low, n.high)
    weights = np.asarray(dist.weights or [1 / len(dist.choice)] * len(dist.choice))
    index = np.searchsorted(np.cumsum(weights)[:-1], u, side="right")
    return np.asarray(dist.choice, dtype=object)[index]


def uncertain_inputs(scenario: Scenario, world: World) -> dict[str, Distribution]:
    """Every input a sweep of the scenario draws: the data's estimates (their ranges, see
    `world.data_uncertainty`) and the scenario's judged uncertainties (which win on a clash)."""
    return {**data_uncertainty(world), **scenario.uncertainty}


def sample(
    scenario: Scenario,
    world: World,
    draws: int,
    seed: int,
    sampler: str = "lhs",
    common: Sequence[str] | None = None,
) -> pd.DataFrame:
    """A seeded design of the scenario's uncertain inputs: one row per draw.

    `common` (a superset of the scenario's inputs, e.g. the union over a scenario and its
    reference) fixes which uniform column each input takes, so two scenarios sampled with the
    same seed and the same `common` share their random numbers input by input (common random
    numbers): each maps the shared numbers through its own distributions, and inputs a
    scenario does not declare stay at its central values.
    """
    _check_draws(draws)
    inputs = uncertain_inputs(scenario, world)
    names = sorted(set(common) | set(inputs)) if common is not None else sorted(inputs)
    if not names:
        raise ValueError(f"scenario {scenario.id!r} declares no uncertainty")
    u = _unit_sample(int(draws), len(names), seed, sampler)
    return pd.DataFrame(
        {n: quantile(inputs[n], u[:, i]) for i, n in enumerate(names) if n in inputs}
    )


def problem(scenario: Scenario, world: World) -> dict:
    """A SALib problem for the scenario's continuous uncertain inputs (bloc choices are left
    at the scenario's membership)."""
    names, bounds, dists = [], [], []
    inputs = uncertain_inputs(scenario, world)
    for name in sorted(inputs):
        dist = inputs[name]
        if dist.choice:
            continue
        names.append(name)
        if dist.uniform:
            bounds.append(list(dist.uniform))
            dists.append("unif")
        elif dist.triangular:
            low, mode, high = dist.triangular
            bounds.append([low, high, (mode - low) / (high - low)])
            dists.append("triang")
        else:
            n = dist.normal
            bounds.append([n.low, n.high, n.mean, n.sd])
            dists.append("truncnorm")
    return {"num_vars": len(names), "names": names, "bounds": bounds, "dists": dists}


# -- sweeps -----------------------------------------------------------------------------------

#: Draws per chunk a sweep evaluates at once (the default of `sweep`), and the smallest chunk
#: `fit_chunk` will choose to fit a memory budget.
CHUNK = 100_000
MIN_CHUNK = 10_000
#: Draws a worker thread evaluates at once within a local sweep: the working arrays of a block
#: stay small enough for the processor's caches (and memory well below the chunk's bound).
BLOCK = 16_384

# The memory model of a local sweep, calibrated with the peak resident memory of sweeps of
# asian-nato (12 inputs, 30 indicators, 16 actors; README, "Bad input"), with headroom because
# the engine changes: a fixed part (interpreter, libraries, the World: measured ~200 MiB), the
# sweep table (one float64 column per input and per indicator; the design, the evaluated
# chunks and their concatenation, then the percentiles or the Parquet copy, exist side by
# side: measured ~2.1 copies, ~690 bytes per draw) and the chunks being evaluated (one per
# worker thread, each holding a few actors x actors float64 arrays per draw for the alignment
# propensities and payoffs: measured 4.6-6.5 KB per draw at 16 actors, i.e. 18-25 bytes per
# actor pair).
#: Fixed part of a sweep's peak memory, in bytes.
SWEEP_BASE_BYTES = 256 * 2**20
#: Copies of the sweep table alive at once at the peak.
TABLE_COPIES = 2.5
#: Bytes per draw being evaluated, per actor pair: float64 x 4 arrays of actors x actors.
EVAL_BYTES_PER_PAIR = 8 * 4


def _memory_parts(
    scenario: Scenario, world: World, draws: int, workers: int | None, keys: Sequence[str]
) -> tuple[int, int, int]:
    """(bytes outside the evaluation, bytes per draw being evaluated, worker threads)."""
    workers = workers or os.cpu_count() or 1
    columns = len(uncertain_inputs(scenario, world)) + len(keys)
    tables = SWEEP_BASE_BYTES + int(int(draws) * columns * 8 * TABLE_COPIES)
    return tables, EVAL_BYTES_PER_PAIR * len(world.actors) ** 2, workers


def sweep_bytes(
    scenario: Scenario,
    world: World,
    draws: int,
    chunk: int = CHUNK,
    workers: int | None = None,
    keys: Sequence[str] = SWEPT,
) -> int:
    """Estimated peak memory, in bytes, of `sweep(scenario, world, draws, chunk=chunk)` on
    `workers` threads (default: every core), followed by `bands` or `save`. Deliberately on
    the high side: the CLI refuses a sweep whose estimate exceeds its memory budget."""
    tables, per_draw, workers = _memory_parts(scenario, world, draws, workers, keys)
    return tables + min(int(draws), chunk * workers) * per_draw


def fit_chunk(
    scenario: Scenario,
    world: World,
    draws: int,
    budget: int,
    workers: int | None = None,
    keys: Sequence[str] = SWEPT,
) -> int | None:
    """The largest chunk, from MIN_CHUNK to CHUNK draws, whose sweep fits `budget` bytes by
    `sweep_bytes`, or None when even MIN_CHUNK does not (too many draws for the budget)."""
    if sweep_bytes(scenario, world, draws, MIN_CHUNK, workers, keys) > budget:
        return None
    tables, per_draw, workers = _memory_parts(scenario, world, draws, workers, keys)
    return int(min(CHUNK, max(MIN_CHUNK, (budget - tables) // (workers * per_draw))))


def max_draws(
    scenario: Scenario,
    world: World,
    budget: int,
    workers: int | None = None,
    keys: Sequence[str] = SWEPT,
) -> int:
    """The most draws `sweep_bytes` fits in `budget` bytes (with the smallest chunk); 0 when
    the budget does not even cover the fixed part."""
    low, high = 0, max(1, budget)  # sweep_bytes grows with draws: bisect
    while low < high:
        middle = (low + high + 1) // 2
        if sweep_bytes(scenario, world, middle, MIN_CHUNK, workers, keys) <= budget:
            low = middle
        else:
            high = middle - 1
    return low


def _chunks(design: pd.DataFrame, chunk: int) -> Iterator[pd.DataFrame]:
    for start in range(0, len(design), chunk):
        yield design.iloc[start : start + chunk]


def _versions() -> dict[str, str]:
    import scipy

    import analysis

    return {
        "analysis": analysis.__version__,
        "numpy": np.__version__,
        "pandas": pd.__version__,
        "scipy": scipy.__version__,
    }


def _evaluate_locally(
    base, design: pd.DataFrame, keys: Sequence[str], chunk: int, progress: bool
) -> pd.DataFrame:
    """The indicators for every row of `design`, evaluated in blocks of at most `chunk` (and
    BLOCK) draws on every core (numpy releases the GIL in its heavy loops) and written
    straight into one preallocated array: no per-chunk tables to concatenate."""
    keys = list(dict.fromkeys(keys))
    values = np.empty((len(keys), len(design)))  # one contiguous row per indicator
    step = max(1, min(chunk, BLOCK))

    def one(start: int) -> None:
        piece = design.iloc[start : start + step]
        columns = measure_columns(state(base, piece), keys)
        for row, key in zip(values, keys, strict=True):
            row[start : start + len(piece)] = columns[key]

    starts = range(0, len(design), step)
    # one BLAS thread per worker: the workers already use every core (see `evaluation.blas_pools`)
    one_blas_thread = blas_pools().limit(limits=1, user_api="blas")
    with one_blas_thread, ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        mapped = pool.map(one, starts)
        if progress:
            from tqdm import tqdm

            mapped = tqdm(mapped, total=len(starts), desc="sweeping", unit="block", disable=None)
        for _ in mapped:
            pass
    return pd.DataFrame(values.T, index=design.index, columns=keys, copy=False)


def sweep(
    scenario: Scenario,
    world: World,
    draws: int,
    seed: int,
    sampler: str = "lhs",
    chunk: int = CHUNK,
    client=None,
    progress: bool = False,
    keys: Sequence[str] = SWEPT,
    common: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Sample `draws` and evaluate the indicators `keys` (default: every indicator but the
    draw-by-draw bargaining models) in chunks, so memory stays bounded by `chunk`; locally or,
    with a dask.distributed `client`, as one task per chunk: the same seed gives the same
    table either way. Returns inputs and outcomes; `df.attrs["sweep"]` says how it was made."""
    _check_draws(draws)
    if chunk < 1:
        raise ValueError(f"chunk must be positive, got {chunk}")
    design = sample(scenario, world, draws, seed, sampler, common)
    if client is not None:
        pieces = list(_chunks(design, chunk))
        n = len(pieces)
        futures = client.map(evaluate, [world] * n, [scenario] * n, pieces, [list(keys)] * n)
        outcomes = pd.concat(client.gather(futures))
    else:
        outcomes = _evaluate_locally(prepare(world, scenario), design, keys, chunk, progress)
    table = pd.concat([design, outcomes], axis=1)
    table.attrs["sweep"] = {
        "scenario": scenario.id,
        "common": sorted(common) if common is not None else None,
        "draws": int(draws),
        "seed": int(seed),
        "sampler": sampler,
        "distributions": {
            name: dist.model_dump(mode="json", exclude_none=True)
            for name, dist in uncertain_inputs(scenario, world).items()
        },
        "data_sha256": world.data_hash,
        "versions": _versions(),
    }
    return table


def save(table: pd.DataFrame, path: str | Path) -> None:
    """Write a sweep to Parquet, its metadata in the file's key-value metadata."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow = pa.Table.from_pandas(table, preserve_index=False)
    meta = {**(arrow.schema.metadata or {}), b"analysis.sweep": json.dumps(table.attrs["sweep"])}
    pq.write_table(arrow.replace_schema_metadata(meta), str(path))


def load(path: str | Path) -> pd.DataFrame:
    """Read a sweep written by `save`, metadata included."""
    import pyarrow.parquet as pq

    arrow = pq.read_table(str(path))
    table = arrow.to_pandas()
    table.attrs["sweep"] = json.loads(arrow.schema.metadata[b"analysis.sweep"])
    return table


def bands(
    table: pd.DataFrame,
    outcomes: Sequence[str] = SWEPT,
    low: float = 0.05,
    high: float = 0.95,
) -> pd.DataFrame:
    """The 5th, 50th and 95th percentiles of each outcome of a sweep."""
    chosen = [o for o in outcomes if o in table]
    return table[chosen].quantile([low, 0.5, high]).T.set_axis(["p05", "p50", "p95"], axis=1)
