"""Indicators against values computed by hand."""

import math

import numpy as np
import pandas as pd
import pytest

from analysis import indicators as ind


@pytest.fixture
def figures() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "gdp_usd": [10.0, 6.0, 3.0, 1.0],
            "milex_usd": [4.0, 2.0, np.nan, 2.0],
            "population": [1.0, 1.0, 1.0, 1.0],
            "cinc": [0.4, 0.3, 0.2, 0.1],
        },
        index=pd.Index(["A", "B", "C", "D"], name="iso3"),
    )


@pytest.fixture
def trade() -> pd.DataFrame:
    return pd.DataFrame(
        {"a": ["A", "A", "B", "C"], "b": ["C", "B", "D", "D"], "trade_usd": [5.0, 8.0, 2.0, 1.0]}
    )


def test_capability_balance_shares_and_missing(figures):
    table = ind.capability_balance(figures, alliance=["A", "B"], rivals=["C"]).set_index(
        ["bloc", "indicator"]
    )
    assert table.loc[("alliance", "gdp_usd"), "total"] == 16.0
    assert table.loc[("alliance", "gdp_usd"), "share"] == pytest.approx(0.8)
    assert table.loc[("rivals", "cinc"), "share"] == pytest.approx(0.2)
    assert table.loc[("others", "population"), "share"] == pytest.approx(0.25)
    # C has no military spending figure: the rival share is 0 of 8, and C is named as missing.
    assert table.loc[("rivals", "milex_usd"), "share"] == 0.0
    assert table.loc[("rivals", "milex_usd"), "missing"] == "C"
    assert table.loc[("alliance", "milex_usd"), "share"] == pytest.approx(6 / 8)
    assert ind.balance_ratio(table.reset_index(), "cinc") == pytest.approx(0.7 / 0.2)


def test_cross_bloc_trade_counts_only_dyads_across_the_line(trade):
    # A-C (5) crosses; A-B is inside the alliance; B-D and C-D involve an outsider.
    assert ind.cross_bloc_trade(trade, alliance=["A", "B"], rivals=["C"]) == 5.0
    assert ind.cross_bloc_trade(trade, alliance=["A", "B"], rivals=["C", "D"]) == 5.0 + 2.0
    assert ind.cross_bloc_trade(trade, alliance=["A"], rivals=[]) == 0.0


def test_trade_exposure_shares_of_total_trade(trade):
    totals = pd.Series({"A": 20.0, "B": 10.0, "C": np.nan, "D": 3.0})
    table = ind.trade_exposure(trade, totals, alliance=["A", "B"], rivals=["C", "D"])
    assert table.loc["A", "recorded_trade_usd"] == 13.0
    assert table.loc["A", "cross_bloc_trade_usd"] == 5.0
    assert table.loc["A", "cross_bloc_share"] == pytest.approx(0.25)
    assert table.loc["B", "cross_bloc_share"] == pytest.approx(0.2)
    assert table.loc["D", "cross_bloc_trade_usd"] == 2.0
    assert math.isnan(table.loc["C", "cross_bloc_share"])  # no total: no share, not a guess


def test_isolation_of_a_dependent_actor():
    trade = pd.DataFrame(
        {"a": ["X", "Y", "X"], "b": ["Y", "Z", "Z"], "trade_usd": [9.0, 50.0, 1.0]}
    )
    groupings = pd.DataFrame(
        {
            "kind": ["defence_treaty", "security_forum", "defence_treaty"],
            "members": [("X", "Y"), ("X", "Z"), ("Y", "Z")],
        }
    )
    result = ind.isolation(trade, total_trade=12.0, groupings=groupings, actor="X")
    assert result["partner_count"] == 2
    assert result["top_partner"] == "Y"
    assert result["top_partner_share"] == pytest.approx(0.75)
    assert result["herfindahl_lower_bound"] == pytest.approx(0.75**2 + (1 / 12) ** 2)
    assert result["defence_ties"] == 1
    assert (
        ind.isolation(trade, 12.0, groupings, "X", formal_alliance_member=True)["defence_ties"] == 2
    )


def test_herfindahl():
    assert ind.herfindahl([0.5, 0.5]) == 0.5
    assert ind.herfindahl([1.0]) == 1.0


def test_esteban_ray_two_equal_groups_by_hand():
    # P = 2 * 0.5^(1+a) * 0.5 * 1; a = 1 -> 0.25, a = 1.6 -> 0.5^2.6.
    assert ind.esteban_ray([0, 1], [0.5, 0.5]) == pytest.approx(0.25)
    assert ind.esteban_ray([0, 1], [0.5, 0.5], alpha=1.6) == pytest.approx(0.5**2.6)
    assert ind.esteban_ray([0, 1], [0.5, 0.5], k=2.0) == pytest.approx(0.5)


def test_esteban_ray_three_groups_by_hand():
    # y = (0, 1, 3), pi = (0.5, 0.3, 0.2), alpha = 1:
    # sum_i pi_i^2 * sum_j pi_j |yi - yj|
    #  i=0: 0.25 * (0.3*1 + 0.2*3) = 0.225; i=1: 0.09 * (0.5*1 + 0.2*2) = 0.081;
    #  i=2: 0.04 * (0.5*3 + 0.3*2) = 0.084 -> 0.39
    assert ind.esteban_ray([0, 1, 3], [0.5, 0.3, 0.2]) == pytest.approx(0.39)


def test_esteban_ray_pools_groups_at_the_same_position():
    split = ind.esteban_ray([0, 0, 1], [0.25, 0.25, 0.5])
    assert split == pytest.approx(ind.esteban_ray([0, 1], [0.5, 0.5]))


def test_esteban_ray_no_polarisation_without_distance():
    assert ind.esteban_ray([40, 40, 40], [0.2, 0.3, 0.5]) == 0.0


@pytest.mark.parametrize(
    ("positions", "shares", "alpha", "message"),
    [
        ([0, 1], [0.5, 0.5], 0.0, "alpha"),
        ([0, 1], [0.5, 0.5], 1.7, "alpha"),
        ([0, 1], [0.6, 0.6], 1.0, "sum to 1"),
        ([0, 1], [1.5, -0.5], 1.0, "non-negative"),
        ([0, 1, 2], [0.5, 0.5], 1.0, "equal length"),
    ],
)
def test_esteban_ray_rejects_bad_input(positions, shares, alpha, message):
    with pytest.raises(ValueError, match=message):
        ind.esteban_ray(positions, shares, alpha=alpha)


def test_polarisation_rescales_and_weights_by_capability():
    positions = pd.Series({"A": 0.0, "B": 100.0, "C": 100.0})
    weights = pd.Series({"A": 2.0, "B": 1.0, "C": 1.0})  # normalised to 0.5, 0.25, 0.25
    assert ind.polarisation(positions, weights) == pytest.approx(0.25)


def test_weighted_position():
    positions = pd.Series({"A": 10.0, "B": 70.0})
    weights = pd.Series({"A": 0.25, "B": 0.75})
    assert ind.weighted_position(positions, weights, ["A", "B"]) == pytest.approx(55.0)
    assert math.isnan(ind.weighted_position(positions, weights, []))
