"""Uncertainty: sample a scenario's judged uncertainties and evaluate every closed-form
indicator and the Richardson arms race for all draws at once.

A scenario's `uncertainty:` block gives distributions for model parameters
(`trade.disruption_factor`, `arms.reaction_rival`, ...), actors' judgements
(`judgements.CHN.position`) and bloc membership (`bloc.CHN: {choice: [rivals, alliance]}`).
`sample` turns it into a seeded design (Latin hypercube by default, McKay, Beckman & Conover
1979, via scipy.stats.qmc); `evaluate` takes any design matrix, one row per draw, and returns
the outcomes for every row in one vectorised call (the matrix contract SALib and PRIM
expect); `sweep` does both in chunks, locally or as tasks on a dask.distributed cluster, and
records what it did (seed, sampler, distributions, package versions) with the results.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import special
from scipy.stats import qmc

from analysis import arms, bargaining
from analysis.indicators import capability_weights, cross_bloc_trade
from analysis.projections import COEFFICIENTS, YEARS
from analysis.world.scenario import Distribution, Scenario, apply
from analysis.world import World

SAMPLERS = ("lhs", "mc", "sobol")
#: Outcomes of `evaluate`, in order; each is also a headline indicator of `analysis.run`.
OUTCOMES = (
    "alliance_share_cinc",
    "balance_ratio_milex",
    "cross_bloc_trade_usd",
    "trade_at_risk_usd",
    "trade_at_risk_share_gdp",
    "polarisation",
    "position_gap",
    "forecast_weighted_mean",
    "forecast_weighted_median",
    "arms_race_stable",
    "arms_spending_growth",
    "arms_alliance_spending_10y_usd",
    "arms_rival_spending_10y_usd",
)
HORIZON = float(YEARS[-1])  # years of the arms-race projection, as in the briefs


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


def sample(
    scenario: Scenario, world: World, draws: int, seed: int, sampler: str = "lhs"
) -> pd.DataFrame:
    """A seeded design of the scenario's uncertain inputs: one row per draw."""
    _check_draws(draws)
    names = sorted(scenario.uncertainty)
    if not names:
        raise ValueError(f"scenario {scenario.id!r} declares no uncertainty")
    u = _unit_sample(int(draws), len(names), seed, sampler)
    return pd.DataFrame(
        {n: quantile(scenario.uncertainty[n], u[:, i]) for i, n in enumerate(names)}
    )


def problem(scenario: Scenario, world: World) -> dict:
    """A SALib problem for the scenario's continuous uncertain inputs (bloc choices are left
    at the scenario's membership)."""
    names, bounds, dists = [], [], []
    for name in sorted(scenario.uncertainty):
        dist = scenario.uncertainty[name]
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


# -- evaluation -------------------------------------------------------------------------------


def esteban_ray_many(
    positions: np.ndarray, shares: np.ndarray, alpha: np.ndarray | float = 1.0
) -> np.ndarray:
    """Esteban & Ray (1994) polarisation for many draws at once (rows of `positions`), with
    actors at equal positions pooled into one group, as in `indicators.esteban_ray`.

    Uses P = sum_i pi_i G_i^alpha sum_j pi_j |y_i - y_j|, where G_i is the pooled share of
    i's group, which equals the grouped double sum. Actors whose position is the same in every
    draw are pooled once; only the others are compared draw by draw, so the cost grows with
    the number of uncertain positions, not with the square of the number of actors.
    """
    y = np.asarray(positions, dtype=float)
    pi = np.asarray(shares, dtype=float)
    alpha = np.asarray(alpha, dtype=float).reshape(-1, 1) if np.ndim(alpha) else float(alpha)
    fixed = np.all(y == y[:1], axis=0)
    levels, group = np.unique(y[0, fixed], return_inverse=True)
    pooled = np.bincount(group, weights=pi[fixed], minlength=levels.size).astype(float)
    yv, pv = y[:, ~fixed], pi[~fixed]  # uncertain positions: draws x k
    rows, k = yv.shape
    # fixed groups: distance to the others (weighted by share) and pooled share
    d_fixed = np.tile((pooled * np.abs(levels[:, None] - levels[None, :])).sum(axis=1), (rows, 1))
    g_fixed = np.tile(pooled, (rows, 1))
    d_var, g_var = np.zeros((rows, k)), np.tile(pv, (rows, 1))
    for a in range(k):
        gap = np.abs(yv[:, a, None] - levels)  # draws x fixed groups
        same = gap == 0
        d_fixed += pv[a] * gap
        g_fixed += pv[a] * same
        d_var[:, a] = gap @ pooled
        g_var[:, a] += same @ pooled
        for b in range(k):
            if b != a:
                d_var[:, a] += pv[b] * np.abs(yv[:, a] - yv[:, b])
                g_var[:, a] += pv[b] * (yv[:, a] == yv[:, b])
    fixed_part = (pooled * g_fixed**alpha * d_fixed).sum(axis=1)
    return fixed_part + (pv * g_var**alpha * d_var).sum(axis=1)


@dataclass(frozen=True)
class _Base:
    """What every draw of one scenario shares, computed once per evaluation."""

    actors: list[str]
    positions: np.ndarray
    salience: np.ndarray
    cinc: np.ndarray  # capability weights (share of the actors' CINC)
    figures: pd.DataFrame
    trade: pd.DataFrame
    parameters: dict[str, float]
    baseline: dict[str, float]  # status-quo arms coefficients, for calibration


def _base(scenario: Scenario, world: World) -> _Base:
    w = apply(scenario, world)
    actors = list(w.actors.index)
    weights = capability_weights(w.figures, "cinc").reindex(actors).fillna(0.0)
    return _Base(
        actors=actors,
        positions=w.judgements.loc[actors, "position"].to_numpy(float),
        salience=w.judgements.loc[actors, "salience"].to_numpy(float),
        cinc=weights.to_numpy(float) / weights.sum(),
        figures=w.figures,
        trade=w.trade,
        parameters={n: scenario.parameter(n, world) for n in world.parameters.index},
        baseline={k: world.parameter(name) for k, name in COEFFICIENTS.items()},
    )


def _column(design: pd.DataFrame, name: str, default: float) -> np.ndarray:
    if name in design:
        return design[name].to_numpy(float)
    return np.full(len(design), float(default))


def _judgements(base: _Base, design: pd.DataFrame, field: str) -> np.ndarray:
    values = np.tile(base.positions if field == "position" else base.salience, (len(design), 1))
    for i, actor in enumerate(base.actors):
        name = f"judgements.{actor}.{field}"
        if name in design:
            values[:, i] = design[name].to_numpy(float)
    return values


def _evaluate_blocs(
    base: _Base, design: pd.DataFrame, alliance: list[str], rivals: list[str]
) -> pd.DataFrame:
    """Outcomes for draws that share one membership of the blocs."""
    figures = base.figures
    in_alliance = np.isin(base.actors, alliance)
    in_rivals = np.isin(base.actors, rivals)
    cinc = figures["cinc"].reindex(base.actors).to_numpy(float)
    milex = figures["milex_usd"].reindex(base.actors).fillna(0.0).to_numpy(float)
    x0, y0 = milex[in_alliance].sum(), milex[in_rivals].sum()
    cross = cross_bloc_trade(base.trade, alliance, rivals)
    p = base.parameters
    factor = _column(design, "trade.disruption_factor", p["trade.disruption_factor"])
    alpha = _column(design, "polarisation.alpha", p["polarisation.alpha"])
    positions = _judgements(base, design, "position")
    salience = _judgements(base, design, "salience")

    def group_mean(mask: np.ndarray) -> np.ndarray:
        w = base.cinc * mask
        return positions @ w / w.sum() if w.sum() > 0 else np.full(len(design), np.nan)

    coef = {k: _column(design, name, p[name]) for k, name in COEFFICIENTS.items()}
    g, h = arms.calibrate_grievances(x0, y0, *(base.baseline[k] for k in "abmn"))
    a, b, m, n = (coef[k] for k in "abmn")
    end = arms.richardson_path(x0, y0, a, b, m, n, g, h, np.array([HORIZON]))[:, 0, :]
    out = {
        "alliance_share_cinc": np.full(len(design), cinc[in_alliance].sum() / cinc.sum()),
        "balance_ratio_milex": np.full(len(design), x0 / y0 if y0 > 0 else np.inf),
        "cross_bloc_trade_usd": np.full(len(design), cross),
        "trade_at_risk_usd": cross * factor,
        "trade_at_risk_share_gdp": cross * factor / figures["gdp_usd"].sum(),
        "polarisation": esteban_ray_many(positions / 100.0, base.cinc, alpha),
        "position_gap": group_mean(in_alliance) - group_mean(in_rivals),
        "forecast_weighted_mean": bargaining.weighted_mean(positions, base.cinc, salience),
        "forecast_weighted_median": bargaining.weighted_median(positions, base.cinc, salience),
        "arms_race_stable": arms.richardson_stable(a, b, m, n).astype(float),
        "arms_spending_growth": end.sum(axis=1) / (x0 + y0) - 1,
        "arms_alliance_spending_10y_usd": end[:, 0],
        "arms_rival_spending_10y_usd": end[:, 1],
    }
    return pd.DataFrame(out, index=design.index)[list(OUTCOMES)]


def evaluate(scenario: Scenario, world: World, design: pd.DataFrame) -> pd.DataFrame:
    """Every outcome in OUTCOMES for every row of `design`, in one vectorised pass.

    Columns of `design` name uncertain inputs; inputs it omits keep the scenario's values.
    Rows that share a bloc membership (`bloc.<actor>` columns) are evaluated together.
    """
    unknown = [c for c in design.columns if not _known_input(c, world)]
    if unknown:
        raise ValueError(f"unknown inputs {unknown}")
    return _evaluate(_base(scenario, world), scenario, design)


def _evaluate(base: _Base, scenario: Scenario, design: pd.DataFrame) -> pd.DataFrame:
    bloc_columns = [c for c in design.columns if c.startswith("bloc.")]
    if not bloc_columns:
        return _evaluate_blocs(base, design, list(scenario.alliance), list(scenario.rivals))
    parts = []
    for key, rows in design.groupby(bloc_columns, sort=False):
        blocs = dict(zip(bloc_columns, key if isinstance(key, tuple) else (key,), strict=True))
        alliance, rivals = set(scenario.alliance), set(scenario.rivals)
        for column, bloc in blocs.items():
            actor = column.split(".", 1)[1]
            alliance.discard(actor)
            rivals.discard(actor)
            {"alliance": alliance, "rivals": rivals}.get(bloc, set()).add(actor)
        parts.append(_evaluate_blocs(base, rows, sorted(alliance), sorted(rivals)))
    return pd.concat(parts).loc[design.index]


def _known_input(name: str, world: World) -> bool:
    parts = name.split(".")
    if name in world.parameters.index:
        return True
    if parts[0] == "judgements" and len(parts) == 3:
        return parts[1] in world.actors.index and parts[2] in ("position", "salience")
    return parts[0] == "bloc" and len(parts) == 2 and parts[1] in world.actors.index


# -- sweeps -----------------------------------------------------------------------------------


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


def sweep(
    scenario: Scenario,
    world: World,
    draws: int,
    seed: int,
    sampler: str = "lhs",
    chunk: int = 100_000,
    client=None,
    progress: bool = False,
) -> pd.DataFrame:
    """Sample `draws` and evaluate them in chunks (memory stays bounded by `chunk`), locally
    or, with a dask.distributed `client`, as one task per chunk: the same seed gives the same
    table either way. Returns inputs and outcomes; `df.attrs["sweep"]` says how it was made."""
    _check_draws(draws)
    if chunk < 1:
        raise ValueError(f"chunk must be positive, got {chunk}")
    design = sample(scenario, world, draws, seed, sampler)
    pieces = list(_chunks(design, chunk))
    if client is not None:
        futures = client.map(evaluate, [scenario] * len(pieces), [world] * len(pieces), pieces)
        results = client.gather(futures)
    else:  # numpy releases the GIL in its heavy loops, so threads use every core
        base = _base(scenario, world)
        with ThreadPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
            mapped = pool.map(lambda piece: _evaluate(base, scenario, piece), pieces)
            if progress:
                from tqdm import tqdm

                mapped = tqdm(
                    mapped, total=len(pieces), desc="sweeping", unit="chunk", disable=None
                )
            results = list(mapped)
    table = pd.concat([design, pd.concat(results)], axis=1)
    table.attrs["sweep"] = {
        "scenario": scenario.id,
        "draws": int(draws),
        "seed": int(seed),
        "sampler": sampler,
        "distributions": {
            name: dist.model_dump(mode="json", exclude_none=True)
            for name, dist in scenario.uncertainty.items()
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


def bands(table: pd.DataFrame, outcomes=OUTCOMES, low: float = 0.05, high: float = 0.95):
    """The 5th, 50th and 95th percentiles of each outcome of a sweep."""
    chosen = [o for o in outcomes if o in table]
    return table[chosen].quantile([low, 0.5, high]).T.set_axis(["p05", "p50", "p95"], axis=1)
