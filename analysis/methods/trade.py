"""Trade exposure and concentration over a symmetric matrix of bilateral trade.

`trade[i, j]` (= `trade[j, i]`) is goods trade between actors i and j, zero where none is
recorded. Trade across a bloc line sums the dyads with one end in each bloc; concentration is
the Herfindahl-Hirschman index of partner shares (Hirschman 1945, *National Power and the
Structure of Foreign Trade*). Functions broadcast over a leading axis of draws.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "cross_bloc_trade",
    "herfindahl",
    "partner_concentration",
    "trade_matrix",
    "trade_with",
]


def trade_matrix(
    actors: Sequence[str], a: Sequence[str], b: Sequence[str], values: ArrayLike
) -> np.ndarray:
    """The symmetric actors x actors matrix of the dyads (a[k], b[k], values[k])."""
    index = {code: i for i, code in enumerate(actors)}
    rows = np.array([index[code] for code in a], dtype=int)
    cols = np.array([index[code] for code in b], dtype=int)
    matrix = np.zeros((len(actors), len(actors)))
    np.add.at(matrix, (rows, cols), np.asarray(values, dtype=float))
    return matrix + matrix.T


def cross_bloc_trade(trade: np.ndarray, ours: ArrayLike, theirs: ArrayLike) -> np.ndarray:
    """Trade between the members of two disjoint blocs (`ours`, `theirs`: membership masks)."""
    x, y = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
    return np.asarray(np.einsum("...i,ij,...j->...", x, trade, y))


def trade_with(trade: np.ndarray, actor: int, partners: ArrayLike) -> np.ndarray:
    """An actor's trade with the members of `partners` (a mask; the actor itself adds 0)."""
    return np.asarray(np.asarray(partners, dtype=float) @ trade[actor])


def herfindahl(shares: ArrayLike) -> np.ndarray:
    """Herfindahl-Hirschman concentration: the sum of squared shares (Hirschman 1945)."""
    s = np.asarray(shares, dtype=float)
    return np.asarray(np.sum(s**2, axis=-1))


def partner_concentration(partner_trade: ArrayLike, total: ArrayLike) -> dict[str, np.ndarray]:
    """Partners with trade, the largest partner's share of `total` and the Herfindahl index
    over recorded partners (a lower bound of the true concentration when `total` includes
    unrecorded partners). Shares are NaN where `total` is not positive."""
    t = np.asarray(partner_trade, dtype=float)
    total = np.asarray(total, dtype=float)
    if total.ndim == 0:  # one total for every draw
        shares = t / total if total > 0 else np.full(t.shape, np.nan)
    else:
        with np.errstate(invalid="ignore", divide="ignore"):
            shares = np.where(total[..., None] > 0, t / total[..., None], np.nan)
    count = np.count_nonzero(t > 0, axis=-1)
    top = np.where(count > 0, np.max(shares, axis=-1, initial=-np.inf), 0.0)
    return {"partners": count, "top_share": top, "herfindahl": herfindahl(shares)}
