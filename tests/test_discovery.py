"""PRIM scenario discovery: planted boxes are found, the peeling matches the EMA Workbench's
implementation step for step, and the scenario model's boxes are the ones its formulas imply."""

import warnings

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.methods.prim import prim
from analysis.model import exploration, sampling
from analysis.model.evaluation import evaluate
from analysis.report import format
from analysis.report import uncertainty as show
from analysis.report.chart import Chart


def planted(seed: int, n: int = 2000, dims: int = 5) -> tuple[pd.DataFrame, np.ndarray]:
    """Uniform inputs; a case of interest with probability 0.9 inside x1 > 0.6 and x2 < 0.3,
    0.02 outside (noise on both sides)."""
    rng = np.random.default_rng(seed)
    x = pd.DataFrame(rng.uniform(size=(n, dims)), columns=[f"x{i}" for i in range(1, dims + 1)])
    inside = ((x["x1"] > 0.6) & (x["x2"] < 0.3)).to_numpy()
    y = np.where(inside, rng.uniform(size=n) < 0.9, rng.uniform(size=n) < 0.02)
    return x, y


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_prim_finds_the_planted_box(seed):
    x, y = planted(seed)
    box = prim(x, y)
    assert set(box.limits.index) == {"x1", "x2"}
    assert box.limits.loc["x1", "low"] == pytest.approx(0.6, abs=0.04)
    assert box.limits.loc["x1", "high"] == np.inf
    assert box.limits.loc["x2", "high"] == pytest.approx(0.3, abs=0.04)
    assert box.limits.loc["x2", "low"] == -np.inf
    assert box.coverage >= 0.8 and box.density >= 0.8
    assert (box.limits["qp"] < 1e-10).all()
    # the statistics are those of the box's own limits
    inside = box.contains(x)
    assert box.coverage == pytest.approx(y[inside].sum() / y.sum())
    assert box.density == pytest.approx(y[inside].mean())
    assert box.mass == pytest.approx(inside.mean())


def test_prim_sentence_states_the_box():
    x, y = planted(1)
    box = prim(x, y, what="the alarm sounds")
    sentence = show.box_sentence(box)
    low, high = box.limits.loc["x1", "low"], box.limits.loc["x2", "high"]
    assert sentence.startswith("The alarm sounds when ")
    assert f"x1 exceeds {low:.3g}" in sentence and f"x2 is below {high:.3g}" in sentence
    assert f"{box.coverage:.0%} of the draws in which that happens (coverage)" in sentence
    assert f"{box.density:.0%} of the draws inside the box (density)" in sentence
    assert "first input exceeds" in show.box_sentence(box, {"x1": "the first input"})


def test_box_chart_draws_a_large_cloud_of_draws_as_one_image():
    """Beyond show.RASTER_ABOVE other draws the grey cloud is one image inside the SVG, so a
    chart of 30,000 draws stays small (all vectors, ~3 MB); fewer draws stay vectors."""
    for n, images in ((2000, 0), (30_000, 1)):
        x, y = planted(1, n=n)
        chart = Chart(show.plot_box(prim(x, y)), caption="", alt="")
        assert chart.svg.count("<image") == images, n
    assert len(chart.svg) < 1_000_000


def test_prim_restricts_a_categorical_input():
    rng = np.random.default_rng(4)
    n = 3000
    x = pd.DataFrame(rng.uniform(size=(n, 3)), columns=["x1", "x2", "x3"])
    x["bloc"] = rng.choice(["alliance", "others", "rivals"], n)
    inside = ((x["x1"] > 0.5) & (x["bloc"] != "alliance")).to_numpy()
    y = np.where(inside, rng.uniform(size=n) < 0.9, rng.uniform(size=n) < 0.03)
    box = prim(x, y)
    assert set(box.limits.index) == {"x1", "bloc"}
    assert box.limits.loc["bloc", "values"] == ("others", "rivals")
    assert box.limits.loc["x1", "low"] == pytest.approx(0.5, abs=0.04)
    assert "bloc is others or rivals" in show.box_sentence(box)
    assert box.coverage > 0.8 and box.density > 0.8


def test_quasi_p_pruning_keeps_only_significant_restrictions():
    x, y = planted(5, n=600, dims=8)
    loose = prim(x, y, max_qp=None)
    pruned = prim(x, y)
    assert set(pruned.limits.index) <= set(loose.limits.index)
    assert (pruned.limits["qp"] <= 0.05).all()
    assert {"x1", "x2"} <= set(pruned.limits.index)


def test_prim_is_deterministic():
    x, y = planted(6)
    first, second = prim(x, y), prim(x, y)
    pd.testing.assert_frame_equal(first.limits, second.limits)
    pd.testing.assert_frame_equal(first.trajectory, second.trajectory)


def test_prim_without_cases_or_without_contrast():
    x, _ = planted(1, n=200)
    none = prim(x, np.zeros(200, dtype=bool), what="it rains")
    assert none.limits.empty and show.box_sentence(none) == "It rains in none of the 200 draws."
    every = prim(x, np.ones(200, dtype=bool), what="it rains")
    assert show.box_sentence(every) == "It rains in all of the 200 draws."
    with pytest.raises(ValueError, match="boolean"):
        prim(x, np.arange(200))
    with pytest.raises(ValueError, match="one case flag per draw"):
        prim(x, np.zeros(10, dtype=bool))


def test_peeling_matches_the_ema_workbench():
    """Same data, same peeling: the EMA Workbench's PRIM (Kwakkel 2017) and ours produce the
    same coverage, density and mass at every peeling step, and the same limits at the step we
    select. (Pasting differs by design: we paste alpha x the box's draws, as in Friedman &
    Fisher 1999; the Workbench pastes a share of the slab outside the limit.)"""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from ema_workbench.analysis import prim as ema_prim

    rng = np.random.default_rng(11)
    n = 3000
    x = pd.DataFrame(rng.uniform(size=(n, 4)), columns=["x1", "x2", "x3", "x4"])
    x["bloc"] = rng.choice(["alliance", "others", "rivals"], n)
    x["k"] = rng.integers(0, 10, n).astype(float)  # ties, as in a discrete input
    inside = ((x["x1"] > 0.5) & (x["bloc"] != "alliance") & (x["k"] < 6)).to_numpy()
    y = np.where(inside, rng.uniform(size=n) < 0.85, rng.uniform(size=n) < 0.05)

    ours = prim(x, y, paste=False, max_qp=None)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = ema_prim.Prim(x, y.astype(int), threshold=0.5).find_box()
    peel = ours.trajectory
    reference = theirs.peeling_trajectory.iloc[: len(peel)]
    assert len(peel) > 20
    for column in ("coverage", "density", "mass"):
        np.testing.assert_allclose(peel[column].to_numpy(), reference[column].to_numpy())
    np.testing.assert_array_equal(peel["restricted"].to_numpy(), reference["res_dim"].to_numpy())

    limits = theirs.box_lims[ours.selected]
    for name, row in ours.limits.iterrows():
        if name == "bloc":
            assert set(row["values"]) == limits.loc[0, name]
            continue
        low, high = limits.loc[0, name], limits.loc[1, name]
        assert row["low"] == (pytest.approx(low) if low > x[name].min() else -np.inf)
        assert row["high"] == (pytest.approx(high) if high < x[name].max() else np.inf)


# -- conditions and the scenario model --------------------------------------------------------


def test_cases_and_condition_words():
    outcomes = pd.DataFrame({"arms_race_stable": [1.0, 0.0, 1.0], "trade_at_risk_usd": [1, 4, 2]})
    assert exploration.cases(outcomes, "arms_race_stable == 0").tolist() == [False, True, False]
    assert exploration.cases(outcomes, "trade_at_risk_usd>=2").tolist() == [False, True, True]
    assert show.condition_words("arms_race_stable == 0") == "the arms race runs away"
    assert show.condition_words("trade_at_risk_usd > 3e11") == "trade at risk exceeds $300.0 bn"
    assert show.condition_words("arms_spending_growth > 0.5") == (
        "growth of the two blocs' combined military spending over 10 years exceeds +50.0%"
    )
    assert show.condition_words("the cases of interest occur") == "the cases of interest occur"
    with pytest.raises(ValueError, match="must read"):
        exploration.cases(outcomes, "arms_race_stable is zero")
    with pytest.raises(ValueError, match="unknown outcome"):
        exploration.cases(outcomes, "nothing > 1")


@pytest.fixture(scope="module")
def nato(world):
    return analysis.load_scenario("asian-nato", world)


def test_discover_trade_at_risk_recovers_the_formula(world, nato):
    """Trade at risk = cross-bloc trade x disruption factor, and cross-bloc trade moves only
    with the gravity estimates' error: a box for 'trade at risk > $300 bn' restricts nothing
    else, each from below (more trade, a larger factor)."""
    box = exploration.discover(nato, world, "trade_at_risk_usd > 3e11", draws=2000, seed=1)
    assert set(box.limits.index) <= {"trade.disruption_factor", "estimate.trade"}
    assert not box.limits.empty
    assert np.isfinite(box.limits["low"]).all() and (box.limits["high"] == np.inf).all()
    assert box.coverage > 0.8 and box.density > 0.8
    assert show.box_sentence(box).startswith("Trade at risk exceeds $300.0 bn when ")


def test_discover_at_fixed_trade_recovers_the_threshold(world, nato):
    """With the trade estimates held at their central values, 'trade at risk > $300 bn' is
    exactly 'factor > 3e11 / cross-bloc trade': one restriction, at that value."""
    design = sampling.sample(nato, world, 2000, 1).assign(**{"estimate.trade": 0.0})
    outcomes = evaluate(world, nato, design, keys=["trade_at_risk_usd", "cross_bloc_trade_usd"])
    flags = exploration.cases(outcomes, "trade_at_risk_usd > 3e11").to_numpy()
    box = prim(design.drop(columns="estimate.trade"), flags, mass_min=0.05)
    cross = outcomes["cross_bloc_trade_usd"].iloc[0]
    assert list(box.limits.index) == ["trade.disruption_factor"]
    assert box.limits.loc["trade.disruption_factor", "low"] == pytest.approx(
        3e11 / cross, abs=0.003
    )
    assert box.coverage > 0.97 and box.density > 0.97


def test_discover_arms_race_points_at_reactions_and_fatigue(world, nato):
    """Richardson's race runs away when a b > m n: high reactions, low fatigue."""
    box = exploration.discover(nato, world, "arms_race_stable == 0", draws=20_000, seed=2)
    assert box.cases > 0
    arms = box.limits[box.limits.index.str.startswith("arms.")]
    assert len(arms) >= 2  # the race is in the arms coefficients, whatever else PRIM picks
    for name, row in arms.iterrows():  # reactions from below, fatigue from above
        assert np.isfinite(row["low"] if "reaction" in name else row["high"]), name
    # a box can only approximate the curved boundary a b = m n (from ~100 cases here; over
    # seeds 2-6 coverage and density stay above 0.48)
    assert box.coverage >= 0.4 and box.density >= 0.4
    assert box.density > 50 * box.cases / box.draws  # far denser than the base rate
    chart = show.box_chart(box, world)
    assert chart.alt == show.box_sentence(
        box, {n: format.input_label(n, world) for n in box.inputs}
    )
