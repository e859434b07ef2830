"""Polarisation of positions (Esteban & Ray 1994) and the positions of groups of actors.

Esteban, J.-M. & Ray, D. (1994) "On the measurement of polarization", *Econometrica* 62(4):
819-851: P = K sum_i sum_j pi_i^(1+alpha) pi_j |y_i - y_j| over groups i, j with population
shares pi and positions y. Actors at the same position form one group.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["esteban_ray", "esteban_ray_many", "group_position"]


def esteban_ray(
    positions: Iterable[float], shares: Iterable[float], alpha: float = 1.0, k: float = 1.0
) -> float:
    """Esteban & Ray (1994) polarisation P = K sum_i sum_j pi_i^(1+alpha) pi_j |y_i - y_j|.

    Groups are defined by position, so shares at the same position are pooled first (the
    measure is not additive across a split group). Shares must sum to one; alpha in (0, 1.6].
    """
    y = np.asarray(list(positions), dtype=float)
    pi = np.asarray(list(shares), dtype=float)
    if y.shape != pi.shape or y.ndim != 1:
        raise ValueError("positions and shares must be 1-D and of equal length")
    if not 0 < alpha <= 1.6:
        raise ValueError(f"alpha must lie in (0, 1.6] (Esteban & Ray 1994), got {alpha}")
    if np.any(pi < 0) or not np.isclose(pi.sum(), 1.0):
        raise ValueError(f"shares must be non-negative and sum to 1, got sum {pi.sum():.6g}")
    levels, group = np.unique(y, return_inverse=True)
    pooled = np.bincount(group, weights=pi)
    distance = np.abs(levels[:, None] - levels[None, :])
    return float(k * np.sum(pooled[:, None] ** (1 + alpha) * pooled[None, :] * distance))


def esteban_ray_many(
    positions: np.ndarray,
    shares: np.ndarray,
    alpha: np.ndarray | float = 1.0,
    *,
    varying: ArrayLike | None = None,
) -> np.ndarray:
    """Esteban & Ray (1994) polarisation for many draws at once (rows of `positions`), with
    actors at equal positions pooled into one group, as in `esteban_ray`.

    Uses P = sum_i pi_i G_i^alpha sum_j pi_j |y_i - y_j|, where G_i is the pooled share of
    i's group, which equals the grouped double sum. Actors whose position is the same in every
    draw are pooled once; only the others are compared draw by draw, so the cost grows with
    the number of uncertain positions, not with the square of the number of actors. Draws in
    which no uncertain position meets another actor's (the usual case) need no pooling per
    draw (`_apart`). `varying` (the indices of the actors whose position may differ between
    draws, where the caller knows them; the others must be the same in every draw) saves
    looking for them.
    """
    y = np.asarray(positions, dtype=float)
    pi = np.asarray(shares, dtype=float)
    if varying is None:
        fixed = np.all(y == y[:1], axis=0)
    else:
        fixed = np.ones(y.shape[-1], dtype=bool)
        fixed[np.asarray(varying, dtype=int)] = False
    levels, group = np.unique(y[0, fixed], return_inverse=True)
    pooled = np.bincount(group, weights=pi[fixed], minlength=levels.size).astype(float)
    yv, pv = y[:, ~fixed].T, pi[~fixed]  # uncertain positions: k x draws
    if np.ndim(alpha):  # one exponent per draw
        return _pooled(levels, pooled, yv, pv, np.asarray(alpha, dtype=float).reshape(1, -1))
    return _apart(levels, pooled, yv, pv, float(alpha))


def _apart(
    levels: np.ndarray, pooled: np.ndarray, yv: np.ndarray, pv: np.ndarray, alpha: float
) -> np.ndarray:
    """`esteban_ray_many` with one exponent: where no uncertain position meets another's,
    each uncertain actor is a group of its own (G = its share) and the fixed groups keep
    their pooled shares q, so P = sum_l q_l^(1+alpha) D_l + sum_a pi_a^(1+alpha) D_a (D the
    share-weighted distance to everyone) is one fixed number plus a weighted sum of the
    distances |y_a - level_l| and |y_a - y_b| (one matrix product). Draws where positions
    meet are pooled by `_pooled`."""
    k, rows = yv.shape
    first, second = np.triu_indices(k, 1)  # each pair of uncertain actors once
    distance = np.empty((k * levels.size + first.size, rows))  # to the fixed groups, to each other
    gap = distance[: k * levels.size].reshape(k, levels.size, rows)
    np.subtract(yv[:, None, :], levels[None, :, None], out=gap)
    np.subtract(yv[first], yv[second], out=distance[k * levels.size :])
    np.abs(distance, out=distance)
    lone = pv ** (1 + alpha)  # pi_a G_a^alpha with G_a = pi_a
    weights = np.concatenate(  # |y_a - level_l| counts in D_l and in D_a; |y_a - y_b| in both
        [(pv[:, None] * pooled ** (1 + alpha) + lone[:, None] * pooled).reshape(-1),
         lone[first] * pv[second] + lone[second] * pv[first]]
    )  # fmt: skip
    steady = pooled ** (1 + alpha) @ (np.abs(levels[:, None] - levels[None, :]) @ pooled)
    total = steady + weights @ distance
    if distance.size:
        meet = distance.min(axis=0) == 0
        if meet.any():
            total[meet] = _pooled(levels, pooled, yv[:, meet], pv, alpha)
    return total


def _pooled(
    levels: np.ndarray, pooled: np.ndarray, yv: np.ndarray, pv: np.ndarray, alpha
) -> np.ndarray:
    """`esteban_ray_many` from the fixed groups (`levels`, `pooled` shares) and the uncertain
    positions `yv` (k x draws, shares `pv`), pooling every actor at the same position: the
    fixed groups' and the uncertain actors' shares G and distances D, per draw. `alpha` is a
    number or a row (1, draws)."""
    k, rows = yv.shape
    gap = np.abs(yv[:, None, :] - levels[None, :, None])  # k x fixed groups x draws
    at = (gap == 0).astype(float)  # an uncertain position at a fixed group's
    apart = np.abs(yv[:, None, :] - yv[None, :, :])  # k x k x draws
    together = (apart == 0).astype(float)  # (the diagonal: an actor's own share)
    # fixed groups: distance to every actor weighted by share, and pooled share, per draw
    spread = (pooled * np.abs(levels[:, None] - levels[None, :])).sum(axis=1)
    per_group = (k, levels.size * rows)
    d_fixed = spread[:, None] + (pv @ gap.reshape(per_group)).reshape(levels.size, rows)
    g_fixed = pooled[:, None] + (pv @ at.reshape(per_group)).reshape(levels.size, rows)
    # uncertain positions: the same, the group being every actor at the position
    d_var = np.einsum("l,ald->ad", pooled, gap) + np.einsum("b,abd->ad", pv, apart)
    g_var = np.einsum("l,ald->ad", pooled, at) + np.einsum("b,abd->ad", pv, together)
    fixed_part = pooled @ (g_fixed**alpha * d_fixed)
    return fixed_part + pv @ (g_var**alpha * d_var)


def group_position(positions: ArrayLike, weights: ArrayLike, members: ArrayLike) -> np.ndarray:
    """Weighted mean position of a group's members (over the last axis; NaN for an empty or
    weightless group). `positions` and `members` may carry a leading axis of draws."""
    w = np.asarray(weights, dtype=float) * np.asarray(members, dtype=float)
    x = np.asarray(positions, dtype=float)
    total = w.sum(axis=-1)
    weighted = x @ w if w.ndim == 1 else (x * w).sum(axis=-1)  # one group for every draw
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(total > 0, weighted / total, np.nan))
