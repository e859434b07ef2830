"""Capability balance between blocs: totals, shares and ratios of sourced capability figures.

Shares of gross domestic product, military spending, population and the Correlates of War
composite index of national capability (CINC; Singer, Bremer & Stuckey 1972, "Capability
distribution, uncertainty, and major power war, 1820-1965"). Every function is vectorised:
`members` may be one membership (actors,) or one per draw (draws, actors).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["balance_ratio", "bloc_shares", "bloc_totals", "share_of"]


def bloc_totals(values: ArrayLike, members: ArrayLike) -> np.ndarray:
    """Sum of `values` over the members of a bloc (last axis); actors without a figure (NaN)
    add nothing. `values` and `members` may each carry a leading axis of draws."""
    x = np.nan_to_num(np.asarray(values, dtype=float), nan=0.0)
    return np.asarray((np.asarray(members, dtype=float) * x).sum(axis=-1))


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
