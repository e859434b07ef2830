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

How a seed becomes a Latin hypercube: the columns of a Latin hypercube are independent (each
is the strata 1..n in its own random order, jittered within each stratum), so each input's
column is drawn on its own by scipy's `qmc.LatinHypercube(d=1)` from the i-th child of
`numpy.random.SeedSequence(seed).spawn(d)`, the inputs sorted by name (i-th name, i-th
child), and the columns are drawn and mapped through their distributions in parallel
threads. Same seed, same design, on any machine and with any number of threads. (Earlier
versions drew all columns from one generator, `qmc.LatinHypercube(d=...,
seed=numpy.random.default_rng(seed))`, so a seed now gives other numbers than it gave then.)
The "sobol" and "mc" samplers draw all columns from `numpy.random.default_rng(seed)` at once,
as before.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special
from scipy.stats import qmc

from analysis.model.engine import Base, State, columns_of, prepared, state_of
from analysis.model.evaluation import BLOCK, evaluate, measure_blocks, reuse_freed_memory
from analysis.model.indicators import SWEPT
from analysis.world import Distribution, Scenario, World, data_uncertainty

SAMPLERS = ("lhs", "mc", "sobol")
# -- sampling ---------------------------------------------------------------------------------


def _check_draws(draws: int) -> None:
    if not isinstance(draws, (int, np.integer)) or draws < 1:
        raise ValueError(f"draws must be a positive whole number, got {draws!r}")


def _unit_sample(draws: int, dims: int, seed: int, sampler: str) -> np.ndarray:
    """Points in the unit cube [0, 1)^dims, one row per draw."""
    column = _unit_columns(draws, dims, seed, sampler)
    return np.column_stack([column(i) for i in range(dims)]).reshape(draws, dims)


def _unit_columns(draws: int, dims: int, seed: int, sampler: str) -> Callable[[int], np.ndarray]:
    """Column i of `draws` points in [0, 1)^dims, as a function of i that returns a fresh
    array (the caller may overwrite it). A Latin-hypercube column is drawn only when asked
    for, from its own generator (see the module docstring), so several may be drawn at once
    in threads; the other samplers draw every column at once, now."""
    if sampler == "lhs":
        children = np.random.SeedSequence(seed).spawn(dims)
        return lambda i: _lhs_column(children[i], draws)
    if sampler == "sobol":  # scrambled Sobol' sequence; balanced for powers of two
        u = qmc.Sobol(d=dims, scramble=True, seed=np.random.default_rng(seed)).random(draws)
    elif sampler == "mc":
        u = np.random.default_rng(seed).random((draws, dims))
    else:
        raise ValueError(f"unknown sampler {sampler!r}; expected one of {SAMPLERS}")
    return lambda i: u[:, i].copy()


def _lhs_column(seed: np.random.SeedSequence, draws: int) -> np.ndarray:
    """One Latin-hypercube column (McKay, Beckman & Conover 1979): scipy's sampler in one
    dimension, with its own generator."""
    return qmc.LatinHypercube(d=1, seed=np.random.default_rng(seed)).random(draws)[:, 0]


def quantile(dist: Distribution, u: np.ndarray) -> np.ndarray:
    """Map uniform [0, 1) draws through the distribution's inverse CDF (closed forms)."""
    u = np.asarray(u, dtype=float)
    if dist.choice:
        weights = np.asarray(dist.weights or [1 / len(dist.choice)] * len(dist.choice))
        index = np.searchsorted(np.cumsum(weights)[:-1], u, side="right")
        return np.asarray(dist.choice, dtype=object)[index]
    out = np.empty(u.shape)
    _inverse_cdf(dist, u.ravel().copy(), out.reshape(-1))
    return out


#: Draws `_inverse_cdf` maps at once: a few arrays of them stay in the processor's cache.
CDF_CHUNK = 65_536


def _inverse_cdf(dist: Distribution, u: np.ndarray, out: np.ndarray) -> None:
    """`quantile` of a numeric distribution, written into `out`, overwriting `u` (both float
    arrays of one shape, one axis): in place and in chunks, as a design's columns are long,
    in the order of operations of the formulas in the comments of `_map_chunk`."""
    for start in range(0, u.size, CDF_CHUNK):
        chunk = slice(start, start + CDF_CHUNK)
        _map_chunk(dist, u[chunk], out[chunk])


def _map_chunk(dist: Distribution, u: np.ndarray, out: np.ndarray) -> None:
    """`_inverse_cdf` of one chunk."""
    if dist.uniform:  # low + u (high - low)
        low, high = dist.uniform
        np.multiply(u, high - low, out=out)
        out += low
    elif dist.triangular:  # u < split: low + sqrt(u w (mode - low)); else high - sqrt(...)
        low, mode, high = dist.triangular
        width, split = high - low, (mode - low) / (high - low)
        np.multiply(u, width, out=out)
        out *= mode - low
        np.sqrt(out, out=out)
        out += low
        right = u >= split
        np.subtract(1, u, out=u)  # ... high - sqrt((1 - u) w (high - mode))
        u *= width
        u *= high - mode
        np.sqrt(u, out=u)
        np.subtract(high, u, out=u)
        np.copyto(out, u, where=right)
    else:  # truncated normal by inverting the normal CDF between the bounds
        n = dist.normal
        lo, hi = special.ndtr((n.low - n.mean) / n.sd), special.ndtr((n.high - n.mean) / n.sd)
        np.multiply(u, hi - lo, out=out)  # mean + sd ndtri(lo + u (hi - lo)), clipped
        out += lo
        special.ndtri(out, out=out)
        out *= n.sd
        out += n.mean
        np.clip(out, n.low, n.high, out=out)


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
    return _design(scenario, world, draws, seed, sampler, common)[0]


def _design(
    scenario: Scenario,
    world: World,
    draws: int,
    seed: int,
    sampler: str = "lhs",
    common: Sequence[str] | None = None,
    extra: int = 0,
) -> tuple[pd.DataFrame, np.ndarray, list[str]]:
    """`sample`, the float array whose rows are the design's numeric columns (then `extra`
    more rows) and the names of those columns: a sweep writes its outcomes into the extra
    rows, so inputs and outcomes share one array and nothing is concatenated. Columns are
    drawn and mapped in parallel threads, each into its own row."""
    _check_draws(draws)
    inputs = uncertain_inputs(scenario, world)
    names = sorted(set(common) | set(inputs)) if common is not None else sorted(inputs)
    if not names:
        raise ValueError(f"scenario {scenario.id!r} declares no uncertainty")
    reuse_freed_memory()
    column = _unit_columns(int(draws), len(names), seed, sampler)
    drawn = [(i, name) for i, name in enumerate(names) if name in inputs]
    numeric = [name for _, name in drawn if not inputs[name].choice]
    values = np.empty((len(numeric) + extra, int(draws)))
    rows = dict(zip(numeric, values, strict=False))
    choices: dict[str, np.ndarray] = {}

    def one(item: tuple[int, str]) -> None:
        i, name = item
        if name in rows:  # mapped straight into its row
            _inverse_cdf(inputs[name], column(i), rows[name])
        else:
            choices[name] = quantile(inputs[name], column(i))

    with ThreadPoolExecutor(max(1, min(len(drawn), os.cpu_count() or 1))) as pool:
        for _ in pool.map(one, drawn):
            pass
    design = pd.DataFrame(values[: len(numeric)].T, columns=numeric, copy=False)
    return _with_choices(design, [name for _, name in drawn], choices), values, numeric


def _with_choices(
    table: pd.DataFrame, order: Sequence[str], choices: dict[str, np.ndarray]
) -> pd.DataFrame:
    """`table` with the `choices` columns inserted where they come in `order`."""
    for loc, name in enumerate(order):
        if name in choices:
            table.insert(loc, name, choices[name])
    return table


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

# The memory model of a local sweep, calibrated with the peak resident memory of sweeps of
# asian-nato (12 inputs, 30 indicators, 16 actors; README, "Bad input") followed by `save` and
# `bands` (as the CLI does), with headroom because the engine changes: a fixed part
# (interpreter, libraries, the World: measured ~225 MiB), the sweep table (one float64 column
# per input and per indicator, inputs and outcomes in one array; `save`'s Arrow copy and
# `bands`' percentiles come on top: measured 2.0-2.2 table sizes at the peak, 1M-2M draws,
# with what evaluation leaves behind) and the draws being evaluated (each worker thread holds
# a block of at most `evaluation.BLOCK` draws, mostly the trade dyads' factors and a few
# actors x moves arrays per draw, ~2.5 KB per draw at 16 actors; a task of a dask sweep also
# holds its chunk's inputs and outcomes: at most ~3.5 KB per draw with the smallest chunk,
# i.e. ~14 bytes per actor pair).
#: Fixed part of a sweep's peak memory, in bytes.
SWEEP_BASE_BYTES = 256 * 2**20
#: Copies of the sweep table alive at once at the peak.
TABLE_COPIES = 2.25
#: Bytes per draw being evaluated, per actor pair.
EVAL_BYTES_PER_PAIR = 16


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
    base: Base,
    design: pd.DataFrame,
    keys: Sequence[str],
    chunk: int,
    out: np.ndarray,
    progress: bool,
) -> None:
    """The indicators `keys` for every row of `design`, evaluated in blocks of at most
    `chunk` (and `evaluation.BLOCK`) draws on every core and written into `out` (keys x
    draws)."""
    columns = columns_of(design)

    def states(start: int, stop: int) -> State:
        return state_of(base, {k: v[start:stop] for k, v in columns.items()}, stop - start)

    measure_blocks(states, len(design), keys, min(chunk, BLOCK), out, progress)


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
    keys = list(dict.fromkeys(keys))
    if client is not None:
        design = sample(scenario, world, draws, seed, sampler, common)
        pieces = list(_chunks(design, chunk))
        n = len(pieces)
        futures = client.map(evaluate, [world] * n, [scenario] * n, pieces, [keys] * n)
        table = pd.concat([design, pd.concat(client.gather(futures))], axis=1)
    else:  # inputs and outcomes in one array, outcomes written in place (no concatenation)
        design, values, numeric = _design(scenario, world, draws, seed, sampler, common, len(keys))
        base = prepared(world, scenario)
        _evaluate_locally(base, design, keys, chunk, values[len(numeric) :], progress)
        table = pd.DataFrame(values.T, columns=numeric + keys, copy=False)
        choices = {c: design[c].to_numpy() for c in design.columns if c not in numeric}
        table = _with_choices(table, list(design.columns), choices)
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
