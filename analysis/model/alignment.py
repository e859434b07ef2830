"""Who would join: the landscape theory of aggregation applied to a scenario's blocs.

Axelrod & Bennett (1993) read alignments as local minima of an energy landscape over sizes
and pairwise propensities. Here sizes are capability shares (data/alignment.yaml names the
figure) and the propensity of two actors is a weighted sum of sourced and judged terms
(weights in parameters.csv, `alignment.*`):

    p_ij = w_pos (1 - |x_i - x_j| / 50) + w_treaty T_ij - w_rivalry R_ij + w_trade D_ij

with x the positions on the 0-100 alliance scale (judgements), T_ij = 1 for a defence treaty in
force (groupings.csv), R_ij = 1 for an ongoing strategic rivalry (rivalries.csv) and D_ij the
dyad's trade as a share of each side's total trade, averaged over the two (trade.csv,
facts.csv). Judged per-dyad overrides replace the computed value. A scenario's split is the
configuration alliance = first coalition, rival bloc = second, everyone else outside (our
documented extension; see `analysis.methods.alignment`). A bloc data/alignment.yaml bars to an
actor is not open to it (our extension too: the pact's members keep Taiwan out).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.methods.alignment import (
    FIRST,
    OUTSIDE,
    RELATIVE_TOLERANCE,
    SECOND,
    best_gains_from_sums,
    descend,
    energy,
    landscape,
    move_weights,
    side_vectors,
)
from analysis.methods.capability import bloc_shares
from analysis.model.engine import Base, State, prepare, state
from analysis.world import Scenario, World

#: Positions this many points apart are neither drawn together nor pushed apart.
NEUTRAL_DISTANCE = 50.0
SIDE_NAMES = {FIRST: "alliance", SECOND: "rivals", OUTSIDE: "others"}
#: The weighted terms of the propensity (parameters `alignment.<term>_weight`).
_TERMS = ("position", "treaty", "rivalry", "trade")


def sizes(s: State) -> np.ndarray:
    """Each actor's size: its share of the capability figure data/alignment.yaml names."""
    figure = s.figures[s.base.world.alignment.size]
    share = bloc_shares(figure, np.eye(len(s.base.actors), dtype=bool))
    if np.any(~np.isfinite(share) | (share <= 0)):
        first = np.atleast_2d(share)[0]
        missing = [a for a, v in zip(s.base.actors, first, strict=True) if not v > 0]
        raise ValueError(f"the landscape needs a positive size for every actor: {missing}")
    return share


def dependence(s: State) -> np.ndarray:
    """D_ij: the dyad's trade over each side's total trade, averaged over the two sides."""
    trade = s.trade.matrix()
    totals = np.where(np.isfinite(s.base.total_trade), s.base.total_trade, trade.sum(axis=-1))
    share = trade / totals[..., :, None]
    return 0.5 * (share + np.swapaxes(share, -1, -2))


def propensity(s: State) -> np.ndarray:
    """p_ij for every draw: (draws, actors, actors), symmetric, zero on the diagonal."""
    terms = ("position", "treaty", "rivalry", "trade")
    w = {k: s.parameter(f"alignment.{k}_weight")[:, None, None] for k in terms}
    x = s.positions
    proximity = 1.0 - np.abs(x[:, :, None] - x[:, None, :]) / NEUTRAL_DISTANCE
    p = (
        w["position"] * proximity
        + w["treaty"] * s.base.treaty_pairs
        - w["rivalry"] * s.base.rivalry_pairs
        + w["trade"] * dependence(s)
    )
    p = np.where(np.isnan(s.base.overrides), p, s.base.overrides)
    idx = np.arange(len(s.base.actors))
    p[:, idx, idx] = 0.0
    return p


def sides(s: State) -> np.ndarray:
    """The scenario's split: alliance FIRST, rival bloc SECOND, the rest OUTSIDE; one row
    when every draw has the scenario's blocs, else one per draw."""
    alliance, rivals = s.blocs()
    return np.where(alliance, FIRST, np.where(rivals, SECOND, OUTSIDE)).astype(np.int8)


def open_outside(s: State) -> np.ndarray:
    """Who may stay out, per draw: the data's non-aligned actors and the scenario's others."""
    return s.base.may_stay_out | (sides(s) == OUTSIDE)


def stability(s: State) -> dict[str, np.ndarray]:
    """Per draw: whether the split is stable, each actor's gain from its best move, and who
    would move (`moving`). Computed from the parts of the propensities without building one
    matrix per draw: when every draw has the same split and sizes, each open move's gain is a
    fixed weighting of the mover's propensities (`split_gains`); otherwise from the weighted
    sums a, b, c of `analysis.methods.alignment.gains_from_sums` (`weighted_sums`)."""

    def compute() -> dict[str, np.ndarray]:
        size, side = sizes(s), sides(s)
        if size.ndim == 1 and side.ndim == 1:  # one split and one size per actor: every draw
            best = split_gains(s, size, side)
        else:
            x, o = side_vectors(side)
            a, b, c = weighted_sums(s, [size * np.ones_like(x), size * x, size * o])
            delta = s.parameter("alignment.outside_distance")
            best = best_gains_from_sums(a, b, c, side, open_outside(s), delta, s.base.closed)
        moving = best > _tolerance(s, size)
        return {"stable": ~moving.any(axis=-1), "gains": best, "moving": moving}

    return s.shared("alignment", compute)


def _tolerance(s: State, size: np.ndarray) -> np.ndarray:
    """Gains below this count as ties (rounding), as in `analysis.methods.alignment`: the
    relative tolerance times a bound on |p_ij| times the total size."""
    terms = ("position", "treaty", "rivalry", "trade")
    bound = sum(np.abs(s.parameter(f"alignment.{k}_weight")) for k in terms)
    bound = bound + np.nanmax(np.abs(np.nan_to_num(s.base.overrides)))
    return (RELATIVE_TOLERANCE * bound * np.sum(size, axis=-1))[:, None]


def _static_parts(s: State, weights: dict, varying: np.ndarray):
    """The parts of p the draws leave fixed: `fixed` (the judged overrides, and every term
    folded in where each weight is one number), the term matrices still to weigh per draw,
    `keep` (1 for the pairs p is computed for: no override, not the diagonal) and `spread`
    (dependence per unit of a dyad's trade). Pairs with a varying position are left out of
    the position term: they are added draw by draw."""
    base, n = s.base, len(s.base.actors)
    keep = (np.isnan(base.overrides) & ~np.eye(n, dtype=bool)).astype(float)
    totals = np.where(np.isfinite(base.total_trade), base.total_trade, base.trade.sum(axis=1))
    inverse = np.divide(1.0, totals, out=np.zeros(n), where=totals > 0)  # no trade: no share
    spread = 0.5 * (inverse[:, None] + inverse[None, :]) * keep
    steady = np.abs(base.positions[:, None] - base.positions[None, :])
    steady[varying, :] = steady[:, varying] = 0.0  # the varying pairs are added per draw
    matrices = {
        "position": (1 - np.eye(n) - steady / NEUTRAL_DISTANCE) * keep,
        "treaty": base.treaty_pairs * keep,
        "rivalry": -base.rivalry_pairs * keep,
        "trade": (base.reported + (0 if s.trade.varies else base.estimated)) * spread,
    }
    fixed = np.nan_to_num(base.overrides) * (1 - np.eye(n))
    if all(np.ndim(w) == 0 for w in weights.values()):  # one static matrix for every draw
        fixed = fixed + sum(weights[k] * m for k, m in matrices.items())
        matrices = {}
    return fixed, matrices, keep, spread


def weighted_sums(s: State, vectors: list[np.ndarray]) -> list[np.ndarray]:
    """sum_j p_kj v_j for each vector v (draws x actors), p the propensity of every draw,
    from its parts: static matrices for what the draws leave fixed, and only the varying
    positions and trade estimates draw by draw (cost grows with actors x varying inputs).
    All vectors go through each part together (one matrix product, not one per vector)."""
    n = len(s.base.actors)
    v = np.stack(np.broadcast_arrays(*vectors))  # (vectors, actors) or (vectors, draws, actors)
    weights = {k: _weight(s.parameter(f"alignment.{k}_weight")) for k in _TERMS}
    varying = s.varied_positions()
    x = s.positions
    fixed, matrices, keep, spread = _static_parts(s, weights, varying)
    total = np.zeros((len(v), s.size, n))
    total += _per_draw(v @ fixed.T)
    for key, matrix in matrices.items():
        total += weights[key] * _per_draw(v @ matrix.T)
    if varying.size:
        total -= _scaled(weights["position"], _distance_sums(x, varying, keep, v))
    if s.trade.varies:
        total += _scaled(weights["trade"], _estimated_sums(s, spread, v))
    return list(total)


def split_gains(s: State, size: np.ndarray, side: np.ndarray) -> np.ndarray:
    """Each actor's gain from its best open move, per draw (draws x actors; -inf where no move
    is open), when every draw has the split `side` and the sizes `size` (one per actor).

    The gain of open move m of actor k is then sum_j p_kj u_mj with fixed weights u_mj =
    s_j (plain_m + delta per_delta_m)[side of j] (`move_weights`, from Axelrod & Bennett's
    frustration with our outside option). Only the mover's row of p is needed, so each part
    of p (as in `weighted_sums`) is weighed per move: the static part once, the pairs with a
    varying position and the estimated dyads per draw. The same gains as
    `best_gains_from_sums`, with fewer sums (moves instead of 3 x actors). Computed as one
    long row per move (moves x draws) and returned as a transposed view."""
    n = len(s.base.actors)
    movers, _, plain, per_delta = move_weights(side, open_outside(s), s.base.closed)
    best = np.full((n, s.size), -np.inf)
    if not movers.size:
        return best.T
    delta = _weight(s.parameter("alignment.outside_distance"))
    if np.ndim(delta) == 0:  # one weighting per move
        u = size[None, :] * (plain + delta * per_delta)[:, side]
        gains = _row_sums(s, movers, u)
    else:  # two per move: the plain one, and the one to multiply by each draw's delta
        u = size[None, :] * np.concatenate([plain, per_delta])[:, side]
        both = _row_sums(s, np.concatenate([movers, movers]), u)
        gains = both[: movers.size] + delta.T * both[movers.size :]
    for m, k in enumerate(movers):
        np.maximum(best[k], gains[m], out=best[k])
    return best.T


def _row_sums(s: State, rows: np.ndarray, u: np.ndarray) -> np.ndarray:
    """sum_j p_(rows[m]) j u_mj per draw, as (len(rows), draws), from the parts of p as
    `weighted_sums` takes them (the same decomposition, one row of p per weighting). The
    weights on each part are the same in every block of a sweep: the Base keeps them."""
    weights = {k: _row_weight(s.parameter(f"alignment.{k}_weight")) for k in _TERMS}
    varying = s.varied_positions()
    key = (
        "rows", rows.tobytes(), u.tobytes(), varying.tobytes(), s.trade.varies,
        *(w if np.ndim(w) == 0 else None for w in weights.values()),
    )  # fmt: skip
    plan = s.base.kept(key, lambda: _row_plan(s, rows, u, weights, varying))
    total = np.empty((len(rows), s.size))
    total[...] = plan.static[:, None]
    for name, row in plan.terms.items():
        total += row[:, None] * weights[name]
    if plan.distance is not None:  # - w_pos |x_k - x_j| / 50 over pairs with a varying position
        total -= _scaled(weights["position"], _pair_gap_sums(s.positions, plan))
    if plan.estimated is not None:  # + w_trade D_kj over the estimated dyads (drawn per draw)
        total += _scaled(weights["trade"], s.trade.weigh(plan.estimated))
    return total


#: Draws whose pair distances `_pair_gap_sums` takes at once: a few hundred pairs of them fit
#: the processor's cache (a whole block of draws would not: 33 MiB for 16 varying actors).
GAP_CHUNK = 2048


def _pair_gap_sums(positions: np.ndarray, plan: _RowPlan) -> np.ndarray:
    """sum over the plan's pairs (a, b) of distance[m, pair] |x_a - x_b| per draw: (rows,
    draws), `positions` being (draws x actors). In chunks of `GAP_CHUNK` draws."""
    along = np.ascontiguousarray(positions.T)  # one row per actor
    sums = np.empty((plan.distance.shape[0], along.shape[1]))
    for start in range(0, along.shape[1], GAP_CHUNK):
        part = along[:, start : start + GAP_CHUNK]
        gaps = part[plan.pairs[0]]
        gaps -= part[plan.pairs[1]]
        np.abs(gaps, out=gaps)
        np.matmul(plan.distance, gaps, out=sums[:, start : start + GAP_CHUNK])
    return sums


@dataclass(frozen=True)
class _RowPlan:
    """How `_row_sums` weighs the parts of p: the static part (one value per weighting), the
    terms whose weight varies per draw, the weights on the distances of the `pairs` (first
    actors, second actors) with a varying position, each pair once, and on the estimated
    dyads' draws (None where the draws leave them fixed)."""

    static: np.ndarray
    terms: dict[str, np.ndarray]
    distance: np.ndarray | None
    estimated: np.ndarray | None
    pairs: np.ndarray | None = None


def _row_plan(s: State, rows: np.ndarray, u: np.ndarray, weights, varying) -> _RowPlan:
    n = len(s.base.actors)
    fixed, matrices, keep, spread = _static_parts(s, weights, varying)
    terms = {k: np.einsum("mj,mj->m", m[rows], u) for k, m in matrices.items()}
    distance = ends = None
    if varying.size:
        # weights on |x_a - x_b| for each pair with a varying actor, the pair taken once
        pairs = sorted(
            {(min(v, j), max(v, j)) for v in map(int, varying) for j in range(n) if j != v}
        )
        column = {pair: c for c, pair in enumerate(pairs)}
        distance = np.zeros((len(rows), len(pairs)))
        moving = set(map(int, varying))
        for m, k in enumerate(map(int, rows)):
            partners = range(n) if k in moving else sorted(moving)
            for j in partners:
                if j != k:
                    distance[m, column[min(k, j), max(k, j)]] += keep[k, j] * u[m, j]
        distance /= NEUTRAL_DISTANCE
        ends = np.array(pairs, dtype=np.intp).T  # (first actor, second actor) of each pair
    estimated = None
    if s.trade.varies:
        trade = s.trade
        scale = trade.central * spread[trade.i, trade.j]
        estimated = np.zeros((len(rows), trade.i.size))
        for m, k in enumerate(rows):
            first, second = trade.i == k, trade.j == k
            estimated[m, first] = scale[first] * u[m, trade.j[first]]
            estimated[m, second] = scale[second] * u[m, trade.i[second]]
    static = np.einsum("mj,mj->m", fixed[rows], u)
    return _RowPlan(static, terms, distance, estimated, ends)


def _row_weight(values: np.ndarray) -> float | np.ndarray:
    """A weight as one number when every draw has the same, else a row (1, draws)."""
    return float(values[0]) if np.ptp(values) == 0 else values[None, :]


def _scaled(weight: float | np.ndarray, sums: np.ndarray) -> np.ndarray:
    """`weight * sums`, in place (`sums` is a fresh array)."""
    sums *= weight
    return sums


def _weight(values: np.ndarray) -> float | np.ndarray:
    """A weight as one number when every draw has the same, else a column (draws, 1)."""
    return float(values[0]) if np.ptp(values) == 0 else values[:, None]


def _per_draw(sums: np.ndarray) -> np.ndarray:
    """Sums of shape (vectors, actors) as (vectors, 1, actors), to broadcast over draws."""
    return sums[:, None, :] if sums.ndim == 2 else sums


def _distance_sums(
    x: np.ndarray, varying: np.ndarray, keep: np.ndarray, v: np.ndarray
) -> np.ndarray:
    """sum_j |x_k - x_j| / 50 keep_kj v_j over the pairs that involve a varying position,
    for each vector: (vectors, draws, actors). `near[a, :, k]` is the term of the pair of
    actor k and the a-th varying actor; by symmetry it serves both k's row and the varying
    actor's."""
    near = (
        np.abs(x[None, :, :] - x.T[varying, :, None])
        * (keep[varying] / NEUTRAL_DISTANCE)[:, None, :]
    )
    others = v.copy()
    others[..., varying] = 0.0  # the varying actor's row: pairs with steady partners only
    per_draw = v if v.ndim == 3 else v[:, None, :]  # (vectors, draws or 1, actors)
    out = np.zeros((len(v),) + near.shape[1:])
    for a, j in enumerate(varying):  # a few varying actors: no matrix product to thread
        out += per_draw[..., j, None] * near[a]
    rows = np.einsum("vdk,adk->vda" if v.ndim == 3 else "vk,adk->vda", others, near)
    out[..., varying] += rows
    return out


def _estimated_sums(s: State, spread: np.ndarray, v: np.ndarray) -> np.ndarray:
    """sum_j D_kj v_j over the estimated dyads (D drawn per draw) for each vector:
    (vectors, draws, actors). A dyad (i, j) adds D_ij v_j to actor i and D_ij v_i to actor
    j; D_ij = factor_ij x central_ij x spread_ij, so one product with the draws' factors."""
    trade, n = s.trade, len(s.base.actors)
    scale = trade.central * spread[trade.i, trade.j]
    dyads = np.arange(trade.i.size)
    if v.ndim == 2:  # per vector, each dyad's contribution to each actor: (dyads, vectors x actors)
        partner = np.zeros((dyads.size, len(v), n))
        partner[dyads, :, trade.i] = v[:, trade.j].T
        partner[dyads, :, trade.j] = v[:, trade.i].T
        out = trade.weigh((scale[:, None] * partner.reshape(dyads.size, -1)).T)
        return out.reshape(len(v), n, s.size).transpose(0, 2, 1)
    g = trade.factors() * scale
    first, second = np.zeros((dyads.size, n)), np.zeros((dyads.size, n))
    first[dyads, trade.i], second[dyads, trade.j] = 1.0, 1.0
    return np.stack([(g * u[:, trade.j]) @ first + (g * u[:, trade.i]) @ second for u in v])


@dataclass(frozen=True)
class Alignment:
    """Would the scenario's split hold? Its stability, who would move, and where it leads."""

    stable: bool
    gains: pd.DataFrame  # per actor: side now, best move, gain from it (> 0: would move)
    energy: float
    settles_at: pd.Series  # per actor: the side steepest descent from the split ends in
    energy_gap: float  # energy of the split minus that of where it settles (0 when stable)
    steps: int


def assess(base: Base) -> Alignment:
    """The scenario's split at its central values: stability, would-be defectors (ranked by
    their gain) and the stable alignment its steepest descent reaches."""
    s = state(base)
    size, p = np.atleast_2d(sizes(s))[0], propensity(s)[0]
    side, outside = np.atleast_2d(sides(s))[0], np.atleast_2d(open_outside(s))[0]
    delta = float(s.parameter("alignment.outside_distance")[0])
    gains = np.atleast_2d(stability(s)["gains"])[0]
    moves = _best_moves(size, p, side, outside, delta, base.closed)
    path = descend(size, p, side, outside, delta, base.closed)
    names = base.world.actors.loc[list(base.actors), "name"]
    table = pd.DataFrame(
        {
            "name": names.to_numpy(),
            "side": [SIDE_NAMES[int(c)] for c in side],
            "move": [SIDE_NAMES[int(c)] for c in moves],
            "gain": gains,
        },
        index=pd.Index(base.actors, name="iso3"),
    ).sort_values("gain", ascending=False)
    e_start, e_end = energy(size, p, side, delta), energy(size, p, path[-1], delta)
    return Alignment(
        stable=bool(np.atleast_1d(stability(s)["stable"])[0]),
        gains=table,
        energy=float(e_start),
        settles_at=pd.Series([SIDE_NAMES[int(c)] for c in path[-1]], index=base.actors),
        energy_gap=float(e_start - e_end),
        steps=len(path) - 1,
    )


def _best_moves(size, p, side, outside, delta, closed) -> np.ndarray:
    """Each actor's best move among those open to it (its current side where none gains)."""
    best = side.copy()
    for k in range(side.size):
        options = []
        for target in (FIRST, SECOND, OUTSIDE):
            if target == side[k] or (target == OUTSIDE and not outside[k]) or closed[k, target]:
                continue
            moved = side.copy()
            moved[k] = target
            options.append((energy(size, p, moved, delta), target))
        here = energy(size, p, side, delta)
        low, target = min(options) if options else (here, side[k])
        if low < here:
            best[k] = target
    return best


@dataclass(frozen=True)
class Remedy:
    """One input changed alone so that the scenario's split becomes stable."""

    input: str  # judgements.<ISO3>.position or a parameter name
    current: float
    needed: float
    relative: float  # |needed - current| over the width of the input's allowed range


def _candidates(base: Base) -> dict[str, tuple[float, float, float]]:
    """Inputs `what_it_takes` may move, with (current, low, high): every actor's position on
    the alliance scale and every weight of the alignment model within its range."""
    found = {
        f"judgements.{code}.position": (float(base.positions[i]), 0.0, 100.0)
        for i, code in enumerate(base.actors)
    }
    params = base.world.parameters
    for name in params.index[params.index.str.startswith("alignment.")]:
        low, high = float(params.loc[name, "low"]), float(params.loc[name, "high"])
        found[name] = (float(base.parameters[name]), low, high)
    return found


def _stable_rows(base: Base, now: np.ndarray, names: list[str], values: np.ndarray) -> np.ndarray:
    """Stability when input names[k] alone takes values[k, g] (rows k x g) and every other
    input its current value now[k], all in one call."""
    rows, grid = values.shape
    design = {}
    for k, name in enumerate(names):
        column = np.full(rows * grid, now[k])
        column[k * grid : (k + 1) * grid] = values[k]  # the block of rows that moves it
        design[name] = column
    return stability(state(base, pd.DataFrame(design)))["stable"].reshape(rows, grid)


def what_it_takes(base: Base, grid: int = 101, refine: int = 20) -> list[Remedy]:
    """The smallest change of one input that makes the split stable, for every input where
    one exists within its range, smallest relative change first. A grid over each range finds
    the stable value nearest the current one; bisection against its unstable neighbour on the
    grid then narrows the boundary to 1/2^refine of a grid step. A split that already holds
    needs nothing: no remedies."""
    if stability(state(base))["stable"][0]:
        return []
    candidates = _candidates(base)
    names = list(candidates)
    lows = np.array([candidates[n][1] for n in names])
    highs = np.array([candidates[n][2] for n in names])
    now = np.array([candidates[n][0] for n in names])
    values = lows[:, None] + (highs - lows)[:, None] * np.linspace(0, 1, grid)[None, :]
    stable = _stable_rows(base, now, names, values)
    found = [k for k in range(len(names)) if stable[k].any()]
    if not found:
        return []
    target, fallback = [], []
    for k in found:
        nearest = int(np.argmin(np.where(stable[k], np.abs(values[k] - now[k]), np.inf)))
        step = 1 if values[k, nearest] < now[k] else -1  # the unstable side lies towards now
        inner = min(max(nearest + step, 0), grid - 1)
        target.append(values[k, nearest])
        fallback.append(values[k, inner] if not stable[k, inner] else now[k])
    good, bad = np.array(target), np.array(fallback)
    for _ in range(refine):  # bisection, all inputs in one call per step
        middle = (good + bad) / 2
        holds = _stable_rows(base, now[found], [names[k] for k in found], middle[:, None])[:, 0]
        good, bad = np.where(holds, middle, good), np.where(holds, bad, middle)
    remedies = [
        Remedy(names[k], float(now[k]), float(g), float(abs(g - now[k]) / (highs[k] - lows[k])))
        for k, g in zip(found, good, strict=True)
    ]
    return sorted(remedies, key=lambda r: r.relative)


@dataclass(frozen=True)
class Predicted:
    """The alignments the landscape predicts: its local minima and their basins."""

    minima: pd.DataFrame  # per minimum: energy, basin share, members of each bloc
    configurations: int


def predicted(base: Base, top: int = 5, extended: bool = False) -> Predicted:
    """The full landscape at the scenario's central values and its lowest minima: the
    published two-coalition model (Axelrod & Bennett 1993; 2^15 configurations), or with
    `extended` our extension, the data's non-aligned actors (data/alignment.yaml) free to stay
    out (2^10 x 3^6 configurations, about a second)."""
    s = state(base)
    size, p = np.atleast_2d(sizes(s))[0], propensity(s)[0]
    delta = float(s.parameter("alignment.outside_distance")[0])
    outside = base.may_stay_out if extended else None
    scape = landscape(size, p, outside=outside, outside_distance=delta)
    rows = []
    for index, basin in zip(scape.minima[:top], scape.basins[:top], strict=False):
        codes = np.asarray(scape.configurations[index]).astype(np.int8)
        groups = {side: [a for a, c in zip(base.actors, codes, strict=True) if c == side]
                  for side in (FIRST, SECOND, OUTSIDE)}  # fmt: skip
        rows.append(
            {
                "energy": float(scape.energies[index]),
                "basin": float(basin),
                "first": groups[FIRST],
                "second": groups[SECOND],
                "outside": groups[OUTSIDE],
            }
        )
    return Predicted(pd.DataFrame(rows), int(scape.energies.size))


def split_of(world: World, scenario: Scenario) -> Alignment:
    """`assess` for a scenario (prepares it first)."""
    return assess(prepare(world, scenario))
