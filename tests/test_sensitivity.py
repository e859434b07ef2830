"""Sensitivity analysis: SALib's Sobol' and Morris methods against known answers, and on the
scenario model through the engine (one evaluation per design)."""

import math

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.methods import sensitivity
from analysis.model import exploration, sampling
from analysis.report import format
from analysis.report import uncertainty as show

# -- Ishigami & Homma (1990): f = sin x1 + a sin^2 x2 + b x3^4 sin x1, x_i ~ U(-pi, pi) --------
A, B = 7.0, 0.1
ISHIGAMI = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-math.pi, math.pi]] * 3}


def ishigami(X: np.ndarray) -> np.ndarray:
    return np.sin(X[:, 0]) + A * np.sin(X[:, 1]) ** 2 + B * X[:, 2] ** 4 * np.sin(X[:, 0])


def ishigami_analytic(a: float, b: float) -> dict[str, np.ndarray]:
    """Closed-form Sobol' indices (Sobol' & Levitan 1999; Saltelli et al. 2008, *Global
    Sensitivity Analysis: The Primer*, section 4): V = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2,
    V1 = (1 + b pi^4/5)^2 / 2, V2 = a^2/8, V3 = 0, V13 = 8 b^2 pi^8 / 225, no other terms."""
    pi = math.pi
    v = a**2 / 8 + b * pi**4 / 5 + b**2 * pi**8 / 18 + 0.5
    v1, v2, v13 = 0.5 * (1 + b * pi**4 / 5) ** 2, a**2 / 8, 8 * b**2 * pi**8 / 225
    return {
        "S1": np.array([v1, v2, 0.0]) / v,
        "ST": np.array([v1 + v13, v2, v13]) / v,
        "S13": np.array(v13 / v),
    }


def test_ishigami_analytic_values_are_the_published_ones():
    """The formulas reproduce the values tabulated in the literature for a = 7, b = 0.1
    (e.g. Saltelli et al. 2008; Marrel et al. 2009): S1 = 0.3139, 0.4424, 0 and
    ST = 0.5576, 0.4424, 0.2437."""
    exact = ishigami_analytic(A, B)
    np.testing.assert_allclose(exact["S1"], [0.3139, 0.4424, 0.0], atol=5e-5)
    np.testing.assert_allclose(exact["ST"], [0.5576, 0.4424, 0.2437], atol=5e-5)


@pytest.fixture(scope="module")
def ishigami_sobol() -> pd.DataFrame:
    return sensitivity.sobol_analysis(ISHIGAMI, ishigami, n=4096, seed=7)


def test_sobol_reproduces_ishigami_indices(ishigami_sobol):
    """With 4096 base samples (20,480 runs) the estimates are within 0.02 of the exact values,
    about half the width of their 95% bootstrap intervals."""
    exact = ishigami_analytic(A, B)
    table = ishigami_sobol
    assert list(table.index) == ["x1", "x2", "x3"]
    np.testing.assert_allclose(table["S1"], exact["S1"], atol=0.02)
    np.testing.assert_allclose(table["ST"], exact["ST"], atol=0.02)
    # x3 matters only through its interaction with x1: first order ~0, total order not
    assert table.loc["x3", "ST"] - table.loc["x3", "S1"] > 0.2
    assert (table[["S1_conf", "ST_conf"]] > 0).all().all()
    assert (table[["S1_conf", "ST_conf"]] < 0.06).all().all()
    assert table.attrs["analysis"]["evaluations"] == 4096 * (3 + 2)


def test_sobol_second_order_finds_the_x1_x3_interaction():
    table = sensitivity.sobol_analysis(ISHIGAMI, ishigami, n=4096, seed=7, second_order=True)
    exact = ishigami_analytic(A, B)["S13"]
    assert table.loc["x1", "S2[x3]"] == pytest.approx(exact, abs=0.03)
    assert table.loc["x3", "S2[x1]"] == table.loc["x1", "S2[x3]"]  # symmetric
    assert abs(table.loc["x1", "S2[x2]"]) < 0.03
    assert abs(table.loc["x2", "S2[x3]"]) < 0.03
    assert table.attrs["analysis"]["evaluations"] == 4096 * (2 * 3 + 2)


def test_sobol_is_deterministic_with_a_seed(ishigami_sobol):
    again = sensitivity.sobol_analysis(ISHIGAMI, ishigami, n=4096, seed=7)
    pd.testing.assert_frame_equal(ishigami_sobol, again)
    other = sensitivity.sobol_analysis(ISHIGAMI, ishigami, n=4096, seed=8)
    assert not np.allclose(other["S1"], ishigami_sobol["S1"])


def test_sobol_calls_the_model_once_with_the_whole_design():
    calls = []

    def model(X):
        calls.append(X.shape)
        return ishigami(X)

    sensitivity.sobol_analysis(ISHIGAMI, model, n=256, seed=1)
    assert calls == [(256 * 5, 3)]


def test_sobol_draws_a_design_once_and_a_model_cannot_spoil_it(monkeypatch):
    from SALib.sample import sobol as sample

    drawn, draw = [], sample.sample
    monkeypatch.setattr(sample, "sample", lambda *a, **k: drawn.append(a[1]) or draw(*a, **k))
    monkeypatch.setattr(sensitivity, "_DESIGNS", {})

    def vandal(X):
        y = ishigami(X)
        X[:] = 0.0  # writes into the design it was given
        return y

    first = sensitivity.sobol_analysis(ISHIGAMI, vandal, n=256, seed=3)
    again = sensitivity.sobol_analysis(ISHIGAMI, ishigami, n=256, seed=3)
    pd.testing.assert_frame_equal(first, again)
    assert drawn == [256]  # the second analysis reused the design
    sensitivity.sobol_analysis(ISHIGAMI, ishigami, n=256, seed=4)
    sensitivity.sobol_analysis(ISHIGAMI, ishigami, n=128, seed=3)
    assert drawn == [256, 256, 128]  # another seed or size is another design


def test_sobol_rejects_bad_input():
    with pytest.raises(ValueError, match="power of two"):
        sensitivity.sobol_analysis(ISHIGAMI, ishigami, n=1000)
    with pytest.raises(ValueError, match="does not vary"):
        sensitivity.sobol_analysis(ISHIGAMI, lambda X: np.ones(len(X)), n=64)
    with pytest.raises(ValueError, match="non-finite"):
        sensitivity.sobol_analysis(ISHIGAMI, lambda X: np.full(len(X), np.nan), n=64)
    with pytest.raises(ValueError, match="values for"):
        sensitivity.sobol_analysis(ISHIGAMI, lambda X: X[:10, 0], n=64)


# -- Morris (1991) ----------------------------------------------------------------------------
LINEAR = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1], [0, 2], [0, 5]]}


def test_morris_linear_model_effects_are_exact():
    """For y = 2a - 3b + 0c every elementary effect equals the coefficient times the input's
    range (effects are per unit of quantile): mu = (2, -6, 0), sigma = 0."""
    table = sensitivity.morris_analysis(
        LINEAR, lambda X: 2 * X[:, 0] - 3 * X[:, 1], trajectories=20, seed=3
    )
    np.testing.assert_allclose(table["mu"], [2, -6, 0], atol=1e-9)
    np.testing.assert_allclose(table["mu_star"], [2, 6, 0], atol=1e-9)
    np.testing.assert_allclose(table["sigma"], [0, 0, 0], atol=1e-9)


def test_morris_gives_an_inert_input_zero_effect():
    """y = 4 (a - 1/2)^2 + b^2 + 0 c on the 4-level grid {0, 1/3, 2/3, 1} (step 2/3): c is
    inert (mu_star exactly 0); every effect of a is +-4/3 (non-monotonic: |mu| < mu_star,
    sigma large); b's effects are 2/3 or 4/3."""
    problem = {"num_vars": 3, "names": ["a", "b", "c"], "bounds": [[0, 1]] * 3}

    def model(X):
        return 4 * (X[:, 0] - 0.5) ** 2 + X[:, 1] ** 2

    table = sensitivity.morris_analysis(problem, model, trajectories=40, seed=5)
    assert table.loc["c", "mu_star"] == 0.0
    assert table.loc["c", "sigma"] == 0.0
    assert table.loc["a", "mu_star"] == pytest.approx(4 / 3)
    assert table.loc["a", "sigma"] > 0.5
    assert abs(table.loc["a", "mu"]) < table.loc["a", "mu_star"]
    assert 2 / 3 <= table.loc["b", "mu_star"] <= 4 / 3
    assert table.loc["b", "mu"] == pytest.approx(table.loc["b", "mu_star"])  # monotonic
    again = sensitivity.morris_analysis(problem, model, trajectories=40, seed=5)
    pd.testing.assert_frame_equal(table, again)


# -- the scenario model -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def nato(world):
    return analysis.load_scenario("asian-nato", world)


def _count_evaluate(monkeypatch) -> list[int]:
    calls: list[int] = []
    original = exploration.measure

    def counting(state, keys=None):
        calls.append(state.size)
        return original(state, keys)

    monkeypatch.setattr(exploration, "measure", counting)
    return calls


def test_scenario_sobol_evaluates_once_and_finds_the_only_driver(world, nato, monkeypatch):
    """Trade at risk = cross-bloc trade x disruption factor, and cross-bloc trade varies only
    with the gravity estimates' error: those two inputs explain all of its variance, every
    other input none of it."""
    calls = _count_evaluate(monkeypatch)
    table = exploration.sobol_indices(nato, world, "trade_at_risk_usd", n=512, seed=3)
    names = sampling.problem(nato, world)["names"]
    assert calls == [512 * (len(names) + 2)]
    assert list(table.index) == names
    drivers = ["trade.disruption_factor", "estimate.trade"]
    assert (table.loc[drivers, "ST"] > 0.05).all()
    assert table.loc[drivers, "ST"].sum() >= 0.95
    others = table.drop(index=drivers)
    assert np.allclose(others[["S1", "ST"]], 0.0, atol=1e-12)
    assert table.attrs["analysis"]["outcome"] == "trade_at_risk_usd"
    assert table.attrs["analysis"]["scenario"] == "asian-nato"


def test_scenario_sobol_of_arms_growth_points_at_the_arms_coefficients(world, nato):
    table = exploration.sobol_indices(nato, world, "arms_spending_growth", n=512, seed=3)
    arms_inputs = [n for n in table.index if n.startswith("arms.")]
    assert len(arms_inputs) == 4
    # today's spending of the blocs (North Korea's is an estimate) sets the starting point
    spending = [n for n in table.index if n.startswith("estimate.") and n.endswith("milex_usd")]
    assert np.allclose(table.drop(index=arms_inputs + spending)["ST"], 0.0, atol=1e-12)
    assert table.loc[arms_inputs, "ST"].sum() > 0.9
    # more fatigue or less reaction -> less growth: every arms input matters
    assert (table.loc[arms_inputs, "ST"] > 0.01).all()


def test_scenario_morris_evaluates_once(world, nato, monkeypatch):
    calls = _count_evaluate(monkeypatch)
    table = exploration.morris_indices(nato, world, "arms_spending_growth", trajectories=30)
    assert len(calls) == 1 and calls[0] == 30 * (len(table) + 1)
    assert table.loc["arms.fatigue_alliance", "mu"] < 0  # fatigue damps spending
    assert table.loc["arms.reaction_rival", "mu"] > 0  # reaction fuels it
    assert table.loc["judgements.CHN.position", "mu_star"] == 0.0
    assert table.loc["trade.disruption_factor", "mu_star"] == 0.0


def test_scenario_functions_reject_unknown_outcomes(world, nato):
    with pytest.raises(ValueError, match="unknown outcome"):
        exploration.sobol_indices(nato, world, "no_such_outcome", n=64)


# -- words and charts -------------------------------------------------------------------------


def test_input_labels(world):
    assert format.input_label("judgements.CHN.position", world) == "China's position (judgement)"
    assert "rival bloc" in format.input_label("arms.reaction_rival", world)
    assert format.input_label("bloc.KOR", world) == "South Korea's bloc"


def test_sobol_chart_states_the_indices(world, nato):
    table = exploration.sobol_indices(nato, world, "trade_at_risk_usd", n=256, seed=3)
    chart = show.sobol_chart(table, world)
    share = table.loc["trade.disruption_factor", "ST"]
    assert f"the share of cross-bloc trade at risk: total {share:.0%}" in chart.alt
    assert "China's position (judgement): total 0%" in chart.alt
    assert chart.svg and "Sobol'" in chart.caption


def test_percentile_table_and_distribution_chart(world, nato):
    reference = analysis.load_scenario("status-quo", world)
    sweeps = {
        "status-quo": sampling.sweep(reference, world, 400, seed=1),
        "asian-nato": sampling.sweep(nato, world, 400, seed=1),
    }
    table = show.percentile_table(sweeps, ["trade_at_risk_usd", "arms_spending_growth"])
    assert list(table.columns) == ["status-quo", "asian-nato"]
    median = sweeps["asian-nato"]["arms_spending_growth"].median()
    assert table.iloc[1, 1].startswith(f"{100 * median:+.1f}%")
    assert " bn (" in table.iloc[0, 0]
    chart = show.distribution_chart(sweeps, ["trade_at_risk_usd", "arms_spending_growth"])
    assert table.iloc[1, 1] in chart.alt and chart.svg
