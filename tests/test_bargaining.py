"""Bargaining forecasts against hand values and published reference runs (KTAB, Scholz 2011)."""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from analysis.methods import bargaining as bg

DATA = Path(__file__).parent / "data"
KTAB = DATA / "ktab"
SCHOLZ = DATA / "scholz2011"


# ---------------------------------------------------------------- weighted mean and median


def test_weighted_mean_and_median_by_hand():
    x = [0.0, 50.0, 100.0]
    cap = [1.0, 1.0, 2.0]
    sal = [1.0, 2.0, 0.5]  # weights 1, 2, 1
    assert bg.weighted_mean(x, cap, sal) == pytest.approx(50.0)
    assert bg.weighted_median(x, cap, sal) == 50.0
    # Weights 3, 1, 1 on 0, 50, 100: 0 already holds 60% of the weight.
    assert bg.weighted_median(x, [3.0, 1.0, 1.0], 1.0) == 0.0
    assert bg.weighted_mean(x, [3.0, 1.0, 1.0], 1.0) == pytest.approx(30.0)


def test_weighted_median_tie_rule_is_lower_median():
    # Cumulative weight hits exactly one half at 20: the lower median 20 is returned.
    assert bg.weighted_median([20.0, 80.0], [1.0, 1.0], [1.0, 1.0]) == 20.0
    assert bg.weighted_median([80.0, 20.0, 50.0], [0.1, 0.2, 0.3], 1.0) == 50.0
    # Decimal tie that binary rounding would break: 0.1 + 0.2 vs 0.3.
    assert bg.weighted_median([10.0, 20.0, 30.0], [0.1, 0.2, 0.3], 1.0) == 20.0
    # Zero weight: undefined.
    assert np.isnan(bg.weighted_median([1.0, 2.0], [0.0, 0.0], [1.0, 1.0]))


def test_weighted_median_is_the_condorcet_winner():
    rng = np.random.default_rng(3)
    for _ in range(50):
        x = rng.integers(0, 101, 9).astype(float)
        w = rng.uniform(0.1, 1.0, 9)
        med = bg.weighted_median(x, w, 1.0)
        for y in np.unique(x):  # no position beats the median in a pairwise vote
            margin = np.sum(w * (np.abs(x - y) - np.abs(x - med)))
            assert margin >= -1e-9


def test_vectorised_over_draws_matches_single_calls():
    rng = np.random.default_rng(11)
    x = rng.uniform(0, 100, (500, 16))
    cap = rng.uniform(0.1, 1, (500, 16))
    sal = rng.uniform(0, 100, 16)
    med = bg.weighted_median(x, cap, sal)
    mean = bg.weighted_mean(x, cap, sal)
    assert med.shape == mean.shape == (500,)
    for i in range(0, 500, 37):
        assert med[i] == bg.weighted_median(x[i], cap[i], sal)
        assert mean[i] == pytest.approx(np.average(x[i], weights=cap[i] * sal))
    with pytest.raises(ValueError, match="non-negative"):
        bg.weighted_median([1.0, 2.0], [-1.0, 1.0], 1.0)


def test_median_of_draws_that_vary_few_positions_matches_each_draw():
    """Draws that share their weights and vary few positions skip the sort; the median is
    still each draw's own, also where positions tie, where a weight is zero, where the
    cumulative weight is exactly one half, and with the varying actors named or found."""
    rng = np.random.default_rng(5)
    fixed = np.array([10.0, 20.0, 20.0, 30.0, 50.0, 60.0, 75.0, 90.0])
    x = np.tile(np.concatenate([fixed, [0.0, 0.0, 0.0]]), (600, 1))
    x[:, 8:] = rng.choice([5.0, 20.0, 45.0, 50.0, 99.0, rng.uniform(0, 100)], (600, 3))
    x[:300, 8:] = rng.uniform(0, 100, (300, 3))
    cap = np.array([1.0, 2.0, 0.0, 1.0, 3.0, 1.0, 2.0, 1.0, 2.0, 1.0, 2.0])  # total 16
    sal = np.ones(11)
    for varying in (None, [8, 9, 10]):
        med = bg.weighted_median(x, cap, sal, varying=varying)
        assert med.shape == (600,)
        for i in range(600):
            assert med[i] == bg.weighted_median(x[i], cap, sal), i
    half = np.tile([10.0, 20.0, 60.0, 70.0], (4, 1))  # weights 1, 1, 1, 1: W(20) = 2 = half
    half[:, 0] = [10.0, 15.0, 40.0, 80.0]
    assert list(bg.weighted_median(half, np.ones(4), 1.0)) == [20.0, 20.0, 40.0, 60.0]
    assert np.isnan(bg.weighted_median(x, np.zeros(11), sal)).all()


def test_one_row_of_weights_serves_every_draw():
    rng = np.random.default_rng(2)
    x = rng.uniform(0, 100, (50, 6))
    cap, sal = rng.uniform(0, 1, 6), rng.uniform(0.1, 1, 6)
    mean = bg.weighted_mean(x, cap, sal)
    np.testing.assert_allclose(mean, (x * cap * sal).sum(axis=1) / (cap * sal).sum(), rtol=1e-14)
    assert np.isnan(bg.weighted_mean(x, np.zeros(6), sal)).all()


# ---------------------------------------------------------------- KTAB reference run


def ktab_inputs():
    actors = pd.read_csv(KTAB / "dummy_3dim_actors.csv")
    sal = actors[["sal1", "sal2", "sal3"]].to_numpy()
    return actors["power"].to_numpy(), sal, pd.read_csv(KTAB / "dummy_3dim_states.csv")


@pytest.mark.parametrize("turn", [0, 1, 2])
def test_smp_reproduces_ktab_risk_attitudes_and_win_probabilities(turn):
    power, sal, states = ktab_inputs()
    state = states[states["turn"] == turn]
    result = bg.smp_turn0(power, state[["pos1", "pos2", "pos3"]].to_numpy(), sal)
    # Printed precision: 3 decimals for risk attitudes, 4 for probabilities.
    np.testing.assert_allclose(result.risk_attitudes, state["risk_attitude"], atol=5.01e-4)
    np.testing.assert_allclose(result.actor_probability, state["win_probability"], atol=5.01e-5)
    assert result.position_probability.sum() == pytest.approx(1.0)


def test_smp_unique_positions_follow_ktab_tolerance():
    power, sal, states = ktab_inputs()
    turn1 = states[states["turn"] == 1][["pos1", "pos2", "pos3"]].to_numpy()
    result = bg.smp_turn0(power, turn1, sal)
    # Actors 0 and 4 differ by 0.01 point (< KTAB's 0.1-point tolerance): one position.
    assert list(result.unique_actors) == [0, 1, 2, 3, 5, 6]
    assert result.actor_probability[0] == result.actor_probability[4]
    # Their risk attitudes differ: the risk step counts every actor's position (as KTAB).
    assert result.risk_attitudes[0] != result.risk_attitudes[4]


def test_smp_turn0_utility_matrices_match_ktab():
    power, sal, states = ktab_inputs()
    state = states[states["turn"] == 0]
    result = bg.smp_turn0(power, state[["pos1", "pos2", "pos3"]].to_numpy(), sal)
    ref = pd.read_csv(KTAB / "dummy_3dim_turn0_utilities.csv")
    for name, matrix in [("objective", result.utilities), ("estimate_by_1", None)]:
        rows = ref[ref["matrix"] == name]
        expected = np.zeros((7, 7))
        expected[rows["row"], rows["col"]] = rows["value"]
        got = matrix if matrix is not None else result.perceived_utilities[1]
        np.testing.assert_allclose(got, expected, atol=5.01e-5)
    # The objective matrix is each actor's own view of itself (every adjustment rule agrees).
    own = result.perceived_utilities[np.arange(7), np.arange(7)]
    np.testing.assert_allclose(own, result.utilities, atol=1e-15)


def test_scalar_pce_matches_ktab_bargain_tables():
    cases = json.loads((KTAB / "scalar_pce_cases.json").read_text())["cases"]
    for case in cases:
        p, pairwise, _ = bg.pce_probabilities(case["strengths"], case["utilities"])
        # Inputs were printed to 5 decimals, so agreement is to ~1e-3, not 1e-4.
        np.testing.assert_allclose(p, case["probabilities"], atol=1e-3)
        np.testing.assert_allclose(pairwise + pairwise.T, 1.0)


def test_smp_options_are_selectable_and_sane():
    power, sal, states = ktab_inputs()
    pos = states[states["turn"] == 0][["pos1", "pos2", "pos3"]].to_numpy()
    base = bg.smp_turn0(power, pos, sal)
    for kwargs in [
        {"voting_rule": "binary"},
        {"voting_rule": "asym_prospect"},
        {"victory_model": "quartic"},
        {"victory_model": "binary"},
        {"pce": "markov_uniform"},
        {"pce": "markov_incentive"},
        {"risk_range": "max"},
        {"risk_adjust": "full"},
    ]:
        other = bg.smp_turn0(power, pos, sal, **kwargs)
        assert other.position_probability.sum() == pytest.approx(1.0)
        assert np.all(other.position_probability >= 0)
    widest = bg.smp_turn0(power, pos, sal, risk_range="max").risk_attitudes
    assert (widest.min(), widest.max()) == pytest.approx((-1.0, 1.0))
    narrow = bg.smp_turn0(power, pos, sal, risk_range="min").risk_attitudes
    assert (narrow.min(), narrow.max()) == pytest.approx((0.0, 1.0))
    # risk_adjust "full": everyone estimates i's attitude as r_i, so all estimates agree.
    full = bg.smp_turn0(power, pos, sal, risk_adjust="full")
    np.testing.assert_allclose(full.perceived_utilities, np.broadcast_to(base.utilities, (7, 7, 7)))
    with pytest.raises(ValueError, match="voting rule"):
        bg.smp_turn0(power, pos, sal, voting_rule="plurality")
    assert list(base.table().columns) == ["risk_attitude", "win_probability"]


def test_smp_one_dimension_two_actors_by_hand():
    # Two actors at 0 and 100, equal salience: d = 1, values 0 off-diagonal; coalitions
    # are the capabilities, so P[0 > 1] = 3/4 and the conditional PCE gives 3/4, 1/4.
    result = bg.smp_turn0([3.0, 1.0], [0.0, 100.0], [50.0, 50.0])
    np.testing.assert_allclose(result.values, [[1.0, 0.0], [0.0, 1.0]])
    np.testing.assert_allclose(result.position_probability, [0.75, 0.25], atol=1e-8)
    np.testing.assert_allclose(result.risk_attitudes, [1.0, -0.5])


# ---------------------------------------------------------------- BDM / Scholz et al. (2011)


def scholz_run(q=1.0, **kwargs):
    actors = pd.read_csv(SCHOLZ / "table1_inputs.csv")
    return bg.bdm_rounds(
        actors["capability"],
        actors["position"],
        actors["salience"],
        rounds=8,
        q=q,
        names=list(actors["actor"]),
        **kwargs,
    )


def test_bdm_reproduces_scholz_table2():
    table2 = pd.read_csv(SCHOLZ / "table2_rounds.csv").set_index("round")
    run = scholz_run()
    assert run.loc[0, "median"] == 7.0 and run.loc[0, "mean"] == pytest.approx(7.39, abs=0.005)
    ours = run.loc[1:8]
    np.testing.assert_allclose(ours["mean"], table2["mean"], atol=0.1)
    # Every median within 0.1 except round 2: Belgium (the median actor) compromises from
    # 8.42 to 9.61 where Table 2, as transcribed, has 9.9. Rounds 3-8, which follow from
    # round 2's positions, agree again, and our 9.61 would print as 9.6 under the truncation
    # the other entries suggest (9.96 -> 9.9, 8.83 -> 8.8, 9.67 -> 9.6). See the data README.
    differs = np.abs(ours["median"] - table2["median"]) > 0.1
    assert list(differs[differs].index) == [2]
    assert ours.loc[2, "median"] == pytest.approx(9.61, abs=0.01)


def test_bdm_emission_example_does_not_converge_and_moves_belgium():
    run = scholz_run()
    assert run.attrs["converged"] is False
    assert (run["max_move"].iloc[1:] > 0).all()
    # Round 4: Belgium compromises towards the Netherlands (the oscillation Scholz et al.
    # describe), dropping the mean.
    assert run.loc[4, "Belgium"] < 5.0 < run.loc[3, "Belgium"]
    risk = run.attrs["risk_exponents"]
    assert risk.shape == (8, 10)
    assert risk.to_numpy().min() >= 0.5 - 1e-12 and risk.to_numpy().max() <= 2.0 + 1e-12


def test_bdm_conventions_matter_and_are_selectable():
    pairwise = scholz_run(probability="pairwise")
    least = scholz_run(compromise_choice="least_move")
    assert not np.allclose(pairwise["median"], scholz_run()["median"])
    assert not np.allclose(least["median"], scholz_run()["median"])


def test_bdm_hand_cases():
    # All actors agree: nothing moves, the model has converged at once.
    same = bg.bdm_rounds([1, 2, 3], [40, 40, 40], [50, 50, 50], rounds=3)
    assert (same[["actor_0", "actor_1", "actor_2"]] == 40.0).all().all()
    assert same.attrs["converged"] is True
    assert list(same.columns[-3:]) == ["median", "mean", "max_move"]
    assert same.index.name == "round" and len(same) == 4
    # Two equal actors at 0 and 100 with full salience: each expects nothing from a
    # challenge it would win half the time, nobody moves.
    two = bg.bdm_rounds([1, 1], [0, 100], [100, 100], rounds=2)
    assert two.loc[2, ["actor_0", "actor_1"]].tolist() == [0.0, 100.0]
    # q < 1 runs (the no-challenge branch) and keeps positions within the initial range.
    moved = scholz_run(q=0.5)
    positions = moved.drop(columns=["median", "mean", "max_move"])
    assert positions.to_numpy().min() >= 4.0 and positions.to_numpy().max() <= 10.0
    with pytest.raises(ValueError, match="one entry per actor"):
        bg.bdm_rounds([1, 2], [0, 1, 2], [1, 1, 1])


def _offer_taken(i, x, e, choice):
    """The acceptance rule of bdm_rounds' docstring for actor i alone, proposer by proposer
    (e: expected utilities from i's view): the oracle for the vectorised rounds."""
    kinds = {"conflict": [], "compromise": [], "capitulation": []}
    for j in range(len(x)):
        if x[j] == x[i]:
            continue
        mine, theirs = e[i, j], e[j, i]
        if theirs > mine > 0:
            kinds["conflict"].append((abs(x[j] - x[i]), x[j]))
        elif theirs > 0 > mine and theirs > -mine:
            target = x[i] + (x[j] - x[i]) * (-mine / theirs)
            midpoint = (-mine * x[i] + theirs * x[j]) / (theirs - mine)
            key = midpoint if choice == "scholz" else abs(target - x[i])
            kinds["compromise"].append((key, target))
        elif theirs > 0 > mine:
            kinds["capitulation"].append((abs(x[j] - x[i]), x[j]))
    for offers in kinds.values():
        if offers:
            return min(offers, key=lambda o: o[0])[1]  # the first of equal keys
    return x[i]


@pytest.mark.parametrize("choice", ["scholz", "least_move"])
def test_bdm_offers_of_all_actors_at_once_follow_the_rule_actor_by_actor(choice):
    rng = np.random.default_rng(11)
    for _ in range(300):
        n = int(rng.integers(2, 12))
        x = rng.choice([0.0, 20.0, 50.0, 70.0, 100.0], n)  # shared positions: tied offers
        views = rng.choice([-2.0, -1.0, -0.5, 0.0, 0.5, 1.0, 2.0], (n, n, n))  # tied utilities
        moved = bg._accepted_offers(x, views, choice)
        expected = [_offer_taken(i, x, views[i], choice) for i in range(n)]
        np.testing.assert_array_equal(moved, expected)
