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
    positions: np.ndarray, shares: np.ndarray, alpha: np.ndarray | float = 1.0
) -> np.ndarray:
    """Esteban & Ray (1994) polarisation for many draws at once (rows of `positions`), with
    actors at equal positions pooled into one group, as in `esteban_ray`.

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


def group_position(positions: ArrayLike, weights: ArrayLike, members: ArrayLike) -> np.ndarray:
    """Weighted mean position of a group's members (over the last axis; NaN for an empty or
    weightless group). `positions` and `members` may carry a leading axis of draws."""
    w = np.asarray(weights, dtype=float) * np.asarray(members, dtype=float)
    total = w.sum(axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = (np.asarray(positions, dtype=float) * w).sum(axis=-1) / total
    return np.asarray(np.where(total > 0, mean, np.nan))
