"""Indicator methods and the tables behind them, against values computed by hand."""

import math

import numpy as np
import pytest

from analysis.methods import capability, polarisation, trade
from analysis.model.engine import Base
from analysis.model.results import exposure_table, isolation_table

ACTORS = ("A", "B", "C", "D")
GDP = np.array([10.0, 6.0, 3.0, 1.0])
MILEX = np.array([4.0, 2.0, np.nan, 2.0])
CINC = np.array([0.4, 0.3, 0.2, 0.1])
ALLIANCE = np.array([True, True, False, False])
RIVALS = np.array([False, False, True, False])
# A-C 5, A-B 8, B-D 2, C-D 1
TRADE = trade.trade_matrix(ACTORS, ["A", "A", "B", "C"], ["C", "B", "D", "D"], [5.0, 8, 2, 1])


def test_trade_matrix_is_symmetric_with_each_dyad_once():
    assert TRADE[0, 2] == TRADE[2, 0] == 5.0
    assert TRADE[1, 3] == 2.0 and TRADE[0, 3] == 0.0
    assert TRADE.sum() == 2 * (5 + 8 + 2 + 1)


def test_bloc_totals_shares_and_ratio():
    assert capability.bloc_totals(GDP, ALLIANCE) == 16.0
    assert capability.bloc_shares(GDP, ALLIANCE) == pytest.approx(0.8)
    assert capability.bloc_shares(CINC, RIVALS) == pytest.approx(0.2)
    # C has no military spending figure: the rival share is 0 of 8, not a guess
    assert capability.bloc_shares(MILEX, RIVALS) == 0.0
    assert capability.bloc_shares(MILEX, ALLIANCE) == pytest.approx(6 / 8)
    assert capability.balance_ratio(0.7, 0.2) == pytest.approx(3.5)
    assert math.isinf(capability.balance_ratio(1.0, 0.0))


def test_bloc_shares_per_draw():
    members = np.array([[True, False, False, False], [True, True, True, True]])
    assert capability.bloc_shares(GDP, members).tolist() == pytest.approx([0.5, 1.0])


def test_cross_bloc_trade_counts_only_dyads_across_the_line():
    # A-C (5) crosses; A-B is inside the alliance; B-D and C-D involve an outsider.
    assert trade.cross_bloc_trade(TRADE, ALLIANCE, RIVALS) == 5.0
    with_d = np.array([False, False, True, True])
    assert trade.cross_bloc_trade(TRADE, ALLIANCE, with_d) == 5.0 + 2.0
    assert trade.cross_bloc_trade(TRADE, [True, False, False, False], [False] * 4) == 0.0
    per_draw = trade.cross_bloc_trade(TRADE, np.stack([ALLIANCE] * 2), np.stack([RIVALS, with_d]))
    assert per_draw.tolist() == [5.0, 7.0]


def test_trade_with_partners():
    assert trade.trade_with(TRADE, 0, [False, True, True, True]) == 13.0
    assert trade.trade_with(TRADE, 0, [True, False, False, False]) == 0.0  # not with itself


def _base(total_trade, focus="A", treaties=(0.0,) * 4) -> Base:
    return Base(
        scenario=None, world=None, actors=ACTORS, figures={}, reported=TRADE,
        estimated=np.zeros_like(TRADE), sigma=np.zeros_like(TRADE),
        total_trade=np.asarray(total_trade, dtype=float), positions=np.zeros(4),
        salience=np.zeros(4), alliance=ALLIANCE, rivals=np.array([False, False, True, True]),
        treaties=np.asarray(treaties), parameters={}, baseline_arms=(0, 0, 0, 0),
        focus={"isolation": ACTORS.index(focus)}, treaty_pairs=np.zeros((4, 4)),
        rivalry_pairs=np.zeros((4, 4)), overrides=np.full((4, 4), np.nan),
        may_stay_out=np.zeros(4, dtype=bool), closed=np.zeros((4, 3), dtype=bool),
    )  # fmt: skip


def test_exposure_table_shares_of_total_trade():
    table = exposure_table(_base([20.0, 10.0, np.nan, 3.0]))
    assert table.loc["A", "recorded_trade_usd"] == 13.0
    assert table.loc["A", "cross_bloc_trade_usd"] == 5.0
    assert table.loc["A", "cross_bloc_share"] == pytest.approx(0.25)
    assert table.loc["B", "cross_bloc_share"] == pytest.approx(0.2)
    assert table.loc["D", "cross_bloc_trade_usd"] == 2.0
    assert math.isnan(table.loc["C", "cross_bloc_share"])  # no total: no share, not a guess


def test_isolation_of_a_dependent_actor():
    # C trades 5 with A and 1 with D out of 12 in all: largest partner A with 5/12
    table = isolation_table(_base([20, 10, 12, 3], focus="C"), {"isolation_defence_ties": 1.0})
    assert table["partner_count"] == 2
    assert table["top_partner"] == "A"
    assert table["top_partner_share"] == pytest.approx(5 / 12)
    assert table["herfindahl_lower_bound"] == pytest.approx((5 / 12) ** 2 + (1 / 12) ** 2)


def test_partner_concentration_without_partners_or_total():
    none = trade.partner_concentration(np.zeros(3), 10.0)
    assert none["partners"] == 0 and none["top_share"] == 0.0
    assert math.isnan(trade.partner_concentration(np.array([1.0, 0, 0]), np.nan)["top_share"])


def test_herfindahl():
    assert trade.herfindahl([0.5, 0.5]) == 0.5
    assert trade.herfindahl([1.0]) == 1.0


def test_esteban_ray_two_equal_groups_by_hand():
    # P = 2 * 0.5^(1+a) * 0.5 * 1; a = 1 -> 0.25, a = 1.6 -> 0.5^2.6.
    assert polarisation.esteban_ray([0, 1], [0.5, 0.5]) == pytest.approx(0.25)
    assert polarisation.esteban_ray([0, 1], [0.5, 0.5], alpha=1.6) == pytest.approx(0.5**2.6)
    assert polarisation.esteban_ray([0, 1], [0.5, 0.5], k=2.0) == pytest.approx(0.5)


def test_esteban_ray_three_groups_by_hand():
    # y = (0, 1, 3), pi = (0.5, 0.3, 0.2), alpha = 1:
    # sum_i pi_i^2 * sum_j pi_j |yi - yj|
    #  i=0: 0.25 * (0.3*1 + 0.2*3) = 0.225; i=1: 0.09 * (0.5*1 + 0.2*2) = 0.081;
    #  i=2: 0.04 * (0.5*3 + 0.3*2) = 0.084 -> 0.39
    assert polarisation.esteban_ray([0, 1, 3], [0.5, 0.3, 0.2]) == pytest.approx(0.39)
    many = polarisation.esteban_ray_many(np.array([[0, 1, 3], [0, 0, 1]]), [0.5, 0.3, 0.2])
    # second draw: groups 0 (0.8) and 1 (0.2): 0.64*0.2 + 0.04*0.8 = 0.16
    assert many.tolist() == pytest.approx([0.39, 0.16])


def test_esteban_ray_pools_groups_at_the_same_position():
    split = polarisation.esteban_ray([0, 0, 1], [0.25, 0.25, 0.5])
    assert split == pytest.approx(polarisation.esteban_ray([0, 1], [0.5, 0.5]))


def test_esteban_ray_no_polarisation_without_distance():
    assert polarisation.esteban_ray([40, 40, 40], [0.2, 0.3, 0.5]) == 0.0


@pytest.mark.parametrize("alpha", [0.25, 1.0, 1.6])
def test_esteban_ray_for_many_draws_with_one_exponent_matches_each_draw(alpha):
    """One exponent for every draw: draws whose uncertain positions meet no other actor's take
    a shortcut, the others are pooled; both equal the single formula, with the uncertain
    actors found or named."""
    rng = np.random.default_rng(9)
    shares = rng.random(7)
    shares /= shares.sum()
    y = np.tile([0.1, 0.3, 0.3, 0.6, 0.9, 0.0, 0.0], (400, 1))
    y[:, 5:] = rng.uniform(0, 1, (400, 2))
    y[::3, 5] = rng.choice([0.1, 0.3, 0.9], 134)  # on a fixed actor's position
    y[::4, 6] = y[::4, 5]  # on each other's
    for varying in (None, [5, 6]):
        got = polarisation.esteban_ray_many(y, shares, alpha, varying=varying)
        want = [polarisation.esteban_ray(row, shares, alpha) for row in y]
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_bloc_totals_and_region_in_one_pass():
    values = np.stack([MILEX, MILEX * 2, GDP])
    for members in (ALLIANCE, np.stack([ALLIANCE, RIVALS, ~ALLIANCE])):
        ours, theirs, region = capability.bloc_totals_and_region(values, members, RIVALS)
        assert ours.tolist() == capability.bloc_totals(values, members).tolist()
        assert theirs.tolist() == capability.bloc_totals(values, RIVALS).tolist()
        assert region.tolist() == np.nansum(values, axis=-1).tolist()
    assert capability.bloc_totals(MILEX, ALLIANCE) == 6.0  # C's missing figure adds nothing
    draws = np.tile(MILEX, (5, 1))
    draws[:, 1] = [0.0, 1.0, 2.0, 3.0, np.nan]  # only B's figure varies, once missing
    named = capability.bloc_totals_and_region(draws, ALLIANCE, RIVALS, varying=[1])
    found = capability.bloc_totals_and_region(draws, ALLIANCE, RIVALS)
    for one, other in zip(named, found, strict=True):
        np.testing.assert_allclose(one, other, rtol=1e-15)
    assert named[0].tolist() == [4.0, 5.0, 6.0, 7.0, 4.0]


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
        polarisation.esteban_ray(positions, shares, alpha=alpha)


def test_group_position():
    positions = np.array([10.0, 70.0, 0.0])
    weights = np.array([0.25, 0.75, 1.0])
    assert polarisation.group_position(positions, weights, [1, 1, 0]) == pytest.approx(55.0)
    assert math.isnan(polarisation.group_position(positions, weights, [0, 0, 0]))
    per_draw = polarisation.group_position(
        np.stack([positions, positions + 10]), weights, [1, 1, 0]
    )
    assert per_draw.tolist() == pytest.approx([55.0, 65.0])
