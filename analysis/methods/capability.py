"""Capability balance between blocs: totals, shares and ratios of sourced capability figures.

Shares of gross domestic product, military spending, population and the Correlates of War
composite index of national capability (CINC; Singer, Bremer & Stuckey 1972, "Capability
distribution, uncertainty, and major power war, 1820-1965"). Every function is vectorised:
`members` may be one membership (actors,) or one per draw (draws, actors).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["balance_ratio", "bloc_shares", "bloc_totals", "bloc_totals_and_region", "share_of"]


def bloc_totals(values: ArrayLike, members: ArrayLike) -> np.ndarray:
    """Sum of `values` over the members of a bloc (last axis); actors without a figure (NaN)
    add nothing. `values` and `members` may each carry a leading axis of draws."""
    return bloc_totals_and_region(values, members)[0]


def bloc_totals_and_region(
    values: ArrayLike, *members: ArrayLike, varying: ArrayLike | None = None
) -> tuple[np.ndarray, ...]:
    """`bloc_totals` of `values` for each of the memberships `members`, then the total over
    all actors that have a figure (the region, `bloc_shares`' denominator), reading `values`
    once: one matrix product when the memberships are the same in every draw. `varying`
    (the indices of the actors whose figure may differ between the draws of a 2-D `values`,
    where the caller knows them; the others must be the same in every draw) lets the sums of
    the others be taken once."""
    x = np.asarray(values, dtype=float)
    masks = [np.asarray(m, dtype=float) for m in members]
    if not all(m.ndim == 1 for m in masks):
        x = np.where(np.isnan(x), 0.0, x)
        return (*(np.asarray((m * x).sum(axis=-1)) for m in masks), np.asarray(x.sum(axis=-1)))
    stacked = np.stack([*masks, np.ones(x.shape[-1])])  # one row per sum
    if varying is None or x.ndim != 2:
        sums = np.tensordot(stacked, np.where(np.isnan(x), 0.0, x), axes=(1, -1))
        return tuple(np.asarray(row) for row in sums)
    moving = np.isin(np.arange(x.shape[-1]), np.asarray(varying, dtype=int))
    steady = np.where(moving | np.isnan(x[0]), 0.0, x[0])
    part = x[:, moving].T
    sums = (stacked @ steady)[:, None] + stacked[:, moving] @ np.where(np.isnan(part), 0.0, part)
    return tuple(sums)


def bloc_shares(values: ArrayLike, members: ArrayLike) -> np.ndarray:
    """A bloc's share of the total over all actors that have a figure (NaN if none has)."""
    x = np.asarray(values, dtype=float)
    return share_of(bloc_totals(x, members), np.nansum(x, axis=-1))


def share_of(total: ArrayLike, region: ArrayLike) -> np.ndarray:
    """A bloc's total over the region's (all actors with a figure); NaN where that is not
    positive. `bloc_shares` from totals already at hand."""
    total, region = np.asarray(total, dtype=float), np.asarray(region, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(region > 0, total / region, np.nan))


def balance_ratio(ours: ArrayLike, theirs: ArrayLike) -> np.ndarray:
    """One bloc's total over the other's; inf where the other has none."""
    a, b = np.broadcast_arrays(np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.asarray(np.where(b > 0, a / np.where(b > 0, b, 1.0), np.inf))
