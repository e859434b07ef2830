"""A scenario's arms race and bargaining forecast, as wired into the results and the brief."""

import json

import numpy as np
import pytest

import analysis
from analysis.cli import main
from analysis.model import forecasts
from analysis.report import brief

BASE = {"a": 0.10, "b": 0.12, "m": 0.20, "n": 0.20}
STATUS_QUO = tuple(BASE[k] for k in "abmn")


@pytest.fixture(scope="module")
def results(world):
    ids = ["status-quo", "asian-nato", "china-joins", "inclusive-architecture"]
    return {i: analysis.run(analysis.load_scenario(i, world), world) for i in ids}


def test_unchanged_coefficients_keep_todays_spending():
    race = forecasts.arms_race(1000.0, 400.0, STATUS_QUO, BASE)
    np.testing.assert_allclose(race.path.to_numpy(), [[1000.0, 400.0]] * 11, rtol=1e-12)
    assert race.stable and race.growth == pytest.approx(0.0, abs=1e-12)


def test_stronger_reactions_raise_spending_towards_the_new_equilibrium():
    # g = m x0 - a y0 = 160, h = n y0 - b x0 = -40; with a = 0.15, b = 0.2:
    # x* = (n g + a h)/(m n - a b) = (32 - 6)/0.01 = 2600, y* = (m h + b g)/0.01 = 2400.
    race = forecasts.arms_race(1000.0, 400.0, STATUS_QUO, {**BASE, "a": 0.15, "b": 0.2})
    assert race.stable
    assert race.equilibrium == pytest.approx((2600.0, 2400.0))
    assert race.path["alliance"].is_monotonic_increasing
    assert race.path["rivals"].iloc[-1] < 2400.0


def test_runaway_when_reactions_outweigh_fatigue():
    race = forecasts.arms_race(1000.0, 400.0, STATUS_QUO, {**BASE, "a": 0.3, "b": 0.3})
    assert not race.stable
    assert race.growth > 1.0


def test_status_quo_is_flat_and_asian_nato_and_china_joins_differ(results):
    assert results["status-quo"].values["arms_spending_growth"] == pytest.approx(0.0, abs=1e-9)
    nato, china = results["asian-nato"].values, results["china-joins"].values
    assert nato["arms_spending_growth"] > 0.1
    assert china["arms_spending_growth"] < 0
    assert results["inclusive-architecture"].values["arms_spending_growth"] < 0
    # today's spending of each bloc is the sum of its members' SIPRI figures
    milex = results["china-joins"].world.figures["milex_usd"]
    members = list(results["china-joins"].scenario.alliance)
    assert results["china-joins"].arms.path["alliance"].iloc[0] == pytest.approx(
        milex.reindex(members).sum()
    )


def _by_hand(result) -> tuple[float, float]:
    """Weighted mean and lower weighted median of positions, weights CINC x salience,
    recomputed from the scenario's own tables with plain Python."""
    table = result.positions
    cinc = result.world.figures["cinc"]
    rows = sorted(
        (table.loc[a, "position"], cinc[a] * table.loc[a, "salience"]) for a in table.index
    )
    total = sum(w for _, w in rows)
    mean = sum(x * w for x, w in rows) / total
    running = 0.0
    for x, w in rows:
        running += w
        if running >= total / 2:
            return mean, x
    raise AssertionError("no median")


def test_forecast_is_computed_from_the_scenarios_positions(results):
    result = results["china-joins"]
    forecast = result.forecast
    assert forecast.smp_position in set(result.positions["position"])
    assert 0 < forecast.smp_probability <= 1
    assert list(forecast.bdm.index) == list(range(9))
    mean, median = _by_hand(result)
    assert result.values["forecast_weighted_mean"] == pytest.approx(mean, rel=1e-12)
    assert result.values["forecast_weighted_median"] == median
    # China joins at 70: the forecasts move up the scale compared with the pact it refuses
    assert forecast.weighted_mean > results["asian-nato"].forecast.weighted_mean


def test_brief_explains_the_arms_race_in_words(results):
    china, nato = results["china-joins"], results["asian-nato"]
    words = brief.arms_race(china, nato).data
    assert "China moves from the rival bloc to the alliance" in words
    assert "settles" in words and "asian-nato: +19.6%" in words
    assert "does not converge" in brief.forecast_words(china).data or china.forecast.bdm_converged


def test_run_json_reports_arms_race_and_forecast(capsys, results):
    assert main(["run", "asian-nato", "--json"]) == 0
    values = json.loads(capsys.readouterr().out)["indicators"]
    mean, median = _by_hand(results["asian-nato"])
    assert values["forecast_weighted_mean"] == pytest.approx(mean, rel=1e-12)
    assert values["forecast_weighted_median"] == median
    # Richardson by hand: a = 0.12, b = 0.15, m = n = 0.2 is stable (0.04 > 0.018)
    assert values["arms_race_stable"] == 1.0
    assert values["arms_spending_growth"] > 0
    assert values["forecast_smp_position"] in set(results["asian-nato"].positions["position"])
