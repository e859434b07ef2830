"""Closed-form indicators: capability balance, trade exposure, isolation, polarisation.

Pure functions from tables to numbers or DataFrames; the scenario machinery lives elsewhere.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

import numpy as np
import pandas as pd

#: Headline indicators a scenario result reports (and implications.yaml may name).
KNOWN_INDICATORS: dict[str, str] = {
    "alliance_size": "number of alliance members",
    "alliance_share_gdp": "alliance share of the modelled actors' GDP",
    "alliance_share_milex": "alliance share of the modelled actors' military expenditure",
    "alliance_share_population": "alliance share of the modelled actors' population",
    "alliance_share_cinc": "alliance share of the modelled actors' CINC",
    "rival_share_gdp": "rival bloc share of the modelled actors' GDP",
    "rival_share_milex": "rival bloc share of the modelled actors' military expenditure",
    "rival_share_cinc": "rival bloc share of the modelled actors' CINC",
    "balance_ratio_cinc": "alliance CINC / rival-bloc CINC",
    "balance_ratio_milex": "alliance military expenditure / rival-bloc military expenditure",
    "cross_bloc_trade_usd": "goods trade between alliance and rival-bloc members, US$",
    "cross_bloc_trade_share": "cross-bloc trade as a share of all recorded trade among the actors",
    "trade_at_risk_usd": "cross-bloc trade x disruption factor, US$",
    "trade_at_risk_share_gdp": "trade at risk as a share of the modelled actors' combined GDP",
    "chn_trade_share_with_alliance": "share of China's goods trade that is with alliance members",
    "prk_trade_usd": "North Korea's total goods trade, US$",
    "prk_top_partner_share": "North Korea's largest partner's share of its total trade",
    "prk_partner_count": "North Korea's recorded trade partners among the actors",
    "prk_defence_ties": "defence treaties and alliances North Korea belongs to",
    "polarisation": "Esteban-Ray polarisation of positions on the alliance scale",
    "position_gap": "capability-weighted mean position, alliance minus rival bloc (scale points)",
    "arms_race_stable": "Richardson arms race between the blocs settles (1) or runs away (0)",
    "arms_spending_growth": "growth of the two blocs' combined military spending over 10 years",
    "arms_alliance_spending_10y_usd": "alliance military spending after 10 years (projection), US$",
    "arms_rival_spending_10y_usd": "rival-bloc military spending after 10 years (projection), US$",
    "forecast_weighted_mean": "weighted mean position (Achen 2006), alliance scale",
    "forecast_weighted_median": "weighted median position (Black 1948), alliance scale",
    "forecast_smp_position": "most likely outcome, KTAB spatial model (turn 0), alliance scale",
    "forecast_smp_probability": "probability of that outcome (KTAB spatial model)",
    "forecast_bdm_median": "median after 8 rounds of the expected-utility model, alliance scale",
    "forecast_bdm_converged": "the expected-utility model converged (1) or not (0)",
}


def indicator_label(name: str) -> str:
    """The indicator's description as a table label (first letter capitalised)."""
    text = KNOWN_INDICATORS[name]
    return text[0].upper() + text[1:]


CAPABILITIES = ("gdp_usd", "milex_usd", "population", "cinc")
BLOCS = ("alliance", "rivals", "others")


def bloc_of(actors: Iterable[str], alliance: Collection[str], rivals: Collection[str]) -> pd.Series:
    """Label each actor 'alliance', 'rivals' or 'others'."""
    actors = list(actors)
    labels = [
        "alliance" if a in alliance else "rivals" if a in rivals else "others" for a in actors
    ]
    return pd.Series(labels, index=pd.Index(actors, name="iso3"), name="bloc")


def capability_balance(
    figures: pd.DataFrame,
    alliance: Collection[str],
    rivals: Collection[str],
    indicators: Iterable[str] = CAPABILITIES,
) -> pd.DataFrame:
    """Bloc totals and shares of the region's total, per capability indicator (long format).

    Shares are of the actors that have a figure; `missing` lists bloc members without one,
    so a reader sees when a share leaves an actor out (e.g. North Korea's military spending).
    """
    blocs = bloc_of(figures.index, alliance, rivals)
    rows = []
    for indicator in indicators:
        values = figures[indicator]
        region = values.sum(skipna=True)
        for bloc in BLOCS:
            members = values[blocs == bloc]
            total = members.sum(skipna=True)
            rows.append(
                {
                    "bloc": bloc,
                    "indicator": indicator,
                    "total": total,
                    "share": total / region if region > 0 else np.nan,
                    "missing": ", ".join(members.index[members.isna()]),
                }
            )
    return pd.DataFrame(rows)


def balance_ratio(balance: pd.DataFrame, indicator: str) -> float:
    """Alliance total divided by rival-bloc total for one indicator (inf when rivals have none)."""
    totals = balance[balance["indicator"] == indicator].set_index("bloc")["total"]
    return float(totals["alliance"] / totals["rivals"]) if totals["rivals"] > 0 else float("inf")


def cross_bloc_trade(
    trade: pd.DataFrame, alliance: Collection[str], rivals: Collection[str]
) -> float:
    """Sum of recorded dyadic trade with one end in the alliance and the other in the rival bloc."""
    a_in, b_in = trade["a"].isin(alliance), trade["b"].isin(alliance)
    a_riv, b_riv = trade["a"].isin(rivals), trade["b"].isin(rivals)
    crossing = (a_in & b_riv) | (a_riv & b_in)
    return float(trade.loc[crossing, "trade_usd"].sum())


def partner_trade(trade: pd.DataFrame) -> pd.DataFrame:
    """Dyads in both directions: one row per (actor, partner) with the dyad's trade."""
    forward = trade.rename(columns={"a": "actor", "b": "partner"})
    backward = trade.rename(columns={"b": "actor", "a": "partner"})
    both = pd.concat([forward, backward], ignore_index=True)
    return both[["actor", "partner", "trade_usd"]]


def trade_exposure(
    trade: pd.DataFrame,
    total_trade: pd.Series,
    alliance: Collection[str],
    rivals: Collection[str],
) -> pd.DataFrame:
    """Each actor's trade across the bloc line, absolute and as a share of its total trade.

    Alliance members' cross-bloc trade is their trade with the rival bloc and vice versa;
    actors in neither bloc have none by definition.
    """
    blocs = bloc_of(total_trade.index, alliance, rivals)
    pairs = partner_trade(trade)
    pairs["crosses"] = [
        (blocs.get(a) == "alliance" and blocs.get(p) == "rivals")
        or (blocs.get(a) == "rivals" and blocs.get(p) == "alliance")
        for a, p in zip(pairs["actor"], pairs["partner"], strict=True)
    ]
    recorded = pairs.groupby("actor")["trade_usd"].sum()
    crossing = pairs[pairs["crosses"]].groupby("actor")["trade_usd"].sum()
    table = pd.DataFrame(
        {
            "bloc": blocs,
            "total_trade_usd": total_trade,
            "recorded_trade_usd": recorded.reindex(blocs.index, fill_value=0.0),
            "cross_bloc_trade_usd": crossing.reindex(blocs.index, fill_value=0.0),
        }
    )
    table["cross_bloc_share"] = table["cross_bloc_trade_usd"] / table["total_trade_usd"]
    return table


def trade_with(trade: pd.DataFrame, actor: str, partners: Collection[str]) -> float:
    """Recorded trade between `actor` and any of `partners`."""
    pairs = partner_trade(trade)
    chosen = (pairs["actor"] == actor) & pairs["partner"].isin(partners)
    return float(pairs.loc[chosen, "trade_usd"].sum())


def herfindahl(shares: Iterable[float]) -> float:
    """Herfindahl-Hirschman concentration: the sum of squared shares (Hirschman 1945)."""
    values = np.asarray(list(shares), dtype=float)
    return float(np.sum(values**2))


def isolation(
    trade: pd.DataFrame,
    total_trade: float,
    groupings: pd.DataFrame,
    actor: str,
    formal_alliance_member: bool = False,
) -> pd.Series:
    """How isolated an actor is: partners, concentration, top partner and defence ties.

    Shares are of the actor's total trade (`total_trade`). The Herfindahl index is taken over
    recorded partners only, so it is a lower bound of the true concentration.
    """
    pairs = partner_trade(trade)
    mine = pairs[(pairs["actor"] == actor) & (pairs["trade_usd"] > 0)].sort_values(
        "trade_usd", ascending=False
    )
    shares = mine["trade_usd"] / total_trade if total_trade > 0 else mine["trade_usd"] * np.nan
    treaties = groupings[groupings["kind"] == "defence_treaty"]
    ties = sum(actor in members for members in treaties["members"]) + int(formal_alliance_member)
    return pd.Series(
        {
            "total_trade_usd": total_trade,
            "partner_count": len(mine),
            "top_partner": mine["partner"].iloc[0] if len(mine) else None,
            "top_partner_share": float(shares.iloc[0]) if len(mine) else 0.0,
            "herfindahl_lower_bound": herfindahl(shares),
            "defence_ties": ties,
        },
        name=actor,
    )


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


def capability_weights(figures: pd.DataFrame, indicator: str = "cinc") -> pd.Series:
    """Each actor's share of the region's capability on `indicator` (actors with a figure)."""
    values = figures[indicator].dropna()
    return values / values.sum()


def polarisation(positions: pd.Series, weights: pd.Series, alpha: float = 1.0) -> float:
    """Esteban-Ray polarisation of actor positions, each actor weighted by its capability share.

    Positions on the 0-100 alliance scale are rescaled to [0, 1]; two equal groups at the
    opposite ends of the scale then give 2^-(1+alpha) with K = 1.
    """
    common = positions.index.intersection(weights.index)
    w = weights[common] / weights[common].sum()
    return esteban_ray(positions[common] / 100.0, w, alpha=alpha)


def weighted_position(positions: pd.Series, weights: pd.Series, members: Collection[str]) -> float:
    """Capability-weighted mean position of a group of actors (NaN for an empty group)."""
    chosen = [m for m in members if m in positions.index and m in weights.index]
    if not chosen:
        return float("nan")
    return float(np.average(positions[chosen], weights=weights[chosen]))
