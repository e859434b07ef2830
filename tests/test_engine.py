"""The one scenario engine: every evaluation returns exactly the registry's keys, and run() is
the engine at the scenario's central values, for every shipped scenario."""

import math

import numpy as np
import pandas as pd
import pytest

import analysis
from analysis.model import SWEPT, evaluate
from analysis.model.registry import FORMATS, INPUT_KINDS, VIEWS

SCENARIOS = ["asian-nato", "china-joins", "dprk-isolation", "inclusive-architecture",
             "korea-hedges", "status-quo"]  # fmt: skip


@pytest.fixture(scope="module")
def runs(world):
    return {s: analysis.run(s, world) for s in SCENARIOS}


def test_the_shipped_scenarios_are_all_covered(world):
    assert sorted(analysis.scenario_ids(world)) == SCENARIOS


@pytest.mark.parametrize("ident", SCENARIOS)
def test_run_equals_evaluate_at_central_values_for_every_key(world, runs, ident):
    central = evaluate(world, analysis.load_scenario(ident, world))
    assert list(central.columns) == list(analysis.INDICATORS)
    result = runs[ident]
    assert list(result.values) == list(analysis.INDICATORS)
    for key in analysis.INDICATORS:
        a, b = result.values[key], float(central[key].iloc[0])
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12), key


def test_every_evaluation_returns_exactly_the_registrys_keys(world):
    scenario = analysis.load_scenario("asian-nato", world)
    draws = pd.DataFrame(
        {"trade.disruption_factor": [0.1, 0.2, 0.3], "judgements.KOR.position": [40, 60, 80],
         "bloc.PHL": ["alliance", "others", "alliance"]}
    )  # fmt: skip
    table = evaluate(world, scenario, draws)
    assert list(table.columns) == list(analysis.INDICATORS)
    assert list(table.index) == list(draws.index)
    swept = analysis.sweep(scenario, world, 64, seed=1)
    assert [c for c in swept.columns if c in analysis.INDICATORS] == list(SWEPT)
    drawn = set(scenario.uncertainty) | set(analysis.world.data_uncertainty(world))
    assert set(swept.columns) - set(SWEPT) == drawn


def test_draws_at_central_values_repeat_the_central_row(world):
    """Many identical draws give the central row each time (vectorised = scalar)."""
    scenario = analysis.load_scenario("korea-hedges", world)
    central = evaluate(world, scenario).iloc[0]
    same = pd.DataFrame(
        {"trade.disruption_factor": [scenario.parameter("trade.disruption_factor", world)] * 4}
    )
    table = evaluate(world, scenario, same)
    for key in analysis.INDICATORS:
        assert np.allclose(table[key], central[key], equal_nan=True), key


def test_a_draw_moving_a_member_out_matches_a_scenario_file_without_it(world, tmp_path):
    """bloc.PHL = others in a draw gives the numbers of a scenario file that removes PHL."""
    path = tmp_path / "no-phl.yaml"
    path.write_text(
        "id: no-phl\ntitle: t\nsummary: s\nextends: asian-nato\nalliance: {remove: [PHL]}\n"
    )
    without = analysis.run(analysis.load_scenario(path, world), world)
    drawn = evaluate(world, analysis.load_scenario("asian-nato", world),
                     pd.DataFrame({"bloc.PHL": ["others"]}))  # fmt: skip
    for key in SWEPT:
        a, b = without.values[key], float(drawn[key].iloc[0])
        assert (math.isnan(a) and math.isnan(b)) or a == pytest.approx(b, rel=1e-12), key


def test_registry_entries_are_well_formed(world):
    for key, indicator in analysis.INDICATORS.items():
        assert indicator.key == key
        assert indicator.format in FORMATS
        assert set(indicator.views) <= set(VIEWS)
        for item in indicator.inputs:
            kind, _, name = item.partition(":")
            assert kind in INPUT_KINDS, (key, item)
            if kind == "parameter":
                assert name in world.parameters.index, (key, item)
        assert indicator.label and indicator.description and indicator.method
        indicator.name({"isolation": "X", "dependence": "Y"})  # placeholders are known


def test_labels_name_the_focus_actors(runs):
    assert runs["asian-nato"].label("isolation_trade_usd") == "North Korea's total goods trade"
    assert runs["asian-nato"].label("dependence_trade_share_with_alliance", capital=True) == (
        "Share of China's goods trade that is with alliance members"
    )


def test_focus_actor_is_data_a_scenario_can_change(world, tmp_path):
    """A brief about Taiwan's isolation needs a scenario file, not code."""
    path = tmp_path / "taiwan.yaml"
    path.write_text(
        "id: taiwan\ntitle: t\nsummary: s\nextends: asian-nato\nfocus: {isolation: TWN}\n"
    )
    result = analysis.run(analysis.load_scenario(path, world), world)
    assert result.label("isolation_trade_usd") == "Taiwan's total goods trade"
    total = world.facts.set_index(["iso3", "indicator"]).loc[("TWN", "trade_total_usd"), "value"]
    assert result.values["isolation_trade_usd"] == total
    assert result.isolation.name == "TWN"


def test_formal_alliance_threshold_is_a_parameter(world):
    """The status quo's architecture is 50: its alliance counts as one more defence tie of a
    member only when the threshold (data/parameters.csv) is at most 50."""
    status_quo = analysis.load_scenario("status-quo", world)
    assert status_quo.architecture == 50
    treaties = world.groupings[world.groupings["kind"] == "defence_treaty"]["members"]
    own = sum("PRK" in members for members in treaties)  # China 1961 and Russia 2024: 2
    draws = pd.DataFrame(
        {"bloc.PRK": ["alliance", "alliance", "rivals"],
         "alliance.formal_threshold": [50.0, 75.0, 50.0]}
    )  # fmt: skip
    ties = evaluate(world, status_quo, draws)["isolation_defence_ties"]
    assert list(ties) == [own + 1, own, own]


def test_constant_indicators_shortcut_equals_the_full_evaluation(world):
    """measure() computes an indicator once when the draws vary none of its declared inputs;
    forcing every indicator through the full per-draw path gives the same table."""
    from analysis.model.engine import prepare, state
    from analysis.model.evaluation import measure

    scenario = analysis.load_scenario("asian-nato", world)
    draws = analysis.model.sampling.sample(scenario, world, 64, seed=5)
    draws["bloc.PHL"] = ["alliance", "others"] * 32
    draws["alignment.trade_weight"] = np.linspace(0.5, 4, 64)
    base = prepare(world, scenario)
    fast = measure(state(base, draws))
    full = {}
    for key, indicator in analysis.INDICATORS.items():
        values = np.asarray(indicator.compute(state(base, draws)), dtype=float)
        full[key] = np.broadcast_to(values, (64,))
    for key in analysis.INDICATORS:
        assert np.allclose(fast[key], full[key], equal_nan=True), key
    fixed = measure(state(base, draws[["trade.disruption_factor"]]))
    assert fixed["alliance_size"].nunique() == 1 and fixed["trade_at_risk_usd"].nunique() > 1


def test_a_prepared_scenario_is_kept_per_world_and_read_only(world):
    from analysis.model.engine import prepare, prepared

    scenario = analysis.load_scenario("asian-nato", world)
    base = prepared(world, scenario)
    assert prepared(world, scenario) is base
    again = analysis.load_scenario("asian-nato", world)  # equal, but another object
    assert prepared(world, again) is not base
    other = analysis.load_world()
    assert prepared(other, scenario) is not base
    fresh = prepare(world, scenario)
    for name in ("positions", "reported", "sigma", "overrides"):
        assert np.array_equal(getattr(base, name), getattr(fresh, name), equal_nan=True)
        with pytest.raises(ValueError, match="read-only"):
            getattr(base, name)[0] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        base.figures["cinc"][0] = 1.0


def test_blocks_cover_the_draws_in_nearly_equal_parts():
    from analysis.model.evaluation import blocks

    assert blocks(10, 4) == [(0, 3), (3, 6), (6, 10)]
    assert blocks(8, 8) == [(0, 8)] and blocks(1, 8) == [(0, 1)]
    # two cores share a design of a few thousand draws, in halves of at least MIN_BLOCK
    assert blocks(10_000, 16_384) == [(0, 5000), (5000, 10_000)]
    assert blocks(8000, 16_384) == [(0, 8000)]
    spans = blocks(1_000_003, 8192)
    assert spans[0][0] == 0 and spans[-1][1] == 1_000_003
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    assert {stop - start for start, stop in spans} <= {8130, 8131}


def test_many_draws_in_blocks_on_every_core_equal_one_pass(world, monkeypatch):
    """evaluate() splits designs of more than BLOCK draws into blocks evaluated in threads;
    the table equals one pass over all draws (constant indicators computed once), row by row
    and with the design's index, also with per-draw blocs and weights."""
    from analysis.model import evaluation
    from analysis.model.engine import prepare, state

    monkeypatch.setattr(evaluation, "BLOCK", 40)
    scenario = analysis.load_scenario("asian-nato", world)
    draws = analysis.model.sampling.sample(scenario, world, 130, seed=3)
    draws.index = pd.RangeIndex(1000, 1130)
    keys = [k for k in analysis.INDICATORS if not analysis.INDICATORS[k].iterative]
    for extra in ({}, {"bloc.PHL": ["alliance", "others"] * 65, "polarisation.alpha": 1.3}):
        design = draws.assign(**extra)
        blocked = evaluate(world, scenario, design, keys=keys)
        whole = evaluation.measure(state(prepare(world, scenario), design), keys)
        assert list(blocked.index) == list(design.index) and list(blocked.columns) == keys
        np.testing.assert_allclose(blocked.to_numpy(), whole.to_numpy(), rtol=1e-12)


def test_a_design_given_as_columns_is_the_same_state(world):
    from analysis.model.engine import columns_of, prepare, state, state_of

    scenario = analysis.load_scenario("asian-nato", world)
    draws = analysis.model.sampling.sample(scenario, world, 20, seed=1)
    draws["bloc.PHL"] = ["alliance", "rivals"] * 10
    base = prepare(world, scenario)
    one, other = state(base, draws), state_of(base, columns_of(draws), 20)
    for name in ("positions", "salience", "alliance", "rivals"):
        assert np.array_equal(getattr(one, name), getattr(other, name))
    assert one.varied == other.varied == frozenset(draws.columns)
    assert one.figures["milex_usd"].shape == (20, len(base.actors))
    assert not one.salience.flags.writeable  # no draw varies it: a view of the base's row


@pytest.mark.parametrize("reach", [0.0, 0.2, 0.44, 1.0])
def test_the_series_reaches_the_exponential_to_rounding(reach):
    from analysis.model.engine import series_length

    count = series_length(reach)
    for x in np.linspace(-reach, reach, 41):
        terms = [1.0]
        for n in range(1, count):
            terms.append(terms[-1] * x / n)
        assert math.fsum(terms) == pytest.approx(math.exp(x), rel=2e-15, abs=0)
    assert series_length(1.5) is None  # too wide: the exponentials are taken instead


@pytest.mark.parametrize("spread", [1.0, 2.5, 6.0, 400.0])
def test_weighted_sums_of_the_trade_draws_equal_the_sums_of_their_factors(world, spread):
    from analysis.model.engine import TradeDraws, prepared

    base = prepared(world, analysis.load_scenario("asian-nato", world))
    score = np.random.default_rng(2).uniform(-spread, spread, 3000)
    score[:2] = -spread, spread
    trade = TradeDraws(base.reported, base.estimated, base.sigma, score)
    weights = np.random.default_rng(3).normal(size=(5, trade.central.size))
    direct = weights @ np.exp(np.multiply.outer(trade.sigma, score))  # one exp per dyad
    scale = np.abs(weights) @ np.exp(np.multiply.outer(trade.sigma, score))
    assert np.all(np.abs(trade.weigh(weights) - direct) <= 1e-14 * scale)
    assert trade.weigh(weights[0]).shape == (score.size,)
    assert (trade._series is None) == (spread > 5)  # far scores: the exponentials
    for actor in range(len(base.actors)):  # an actor's row of trade, partner by partner
        row = base.reported[actor] + np.zeros((score.size, 1))
        for d in np.flatnonzero((trade.i == actor) | (trade.j == actor)):
            partner = trade.j[d] if trade.i[d] == actor else trade.i[d]
            row[:, partner] += trade.central[d] * np.exp(trade.sigma[d] * score)
        np.testing.assert_allclose(trade.row(actor), row, rtol=1e-14, atol=0)
