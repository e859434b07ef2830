"""Headline values of shipped scenarios, recomputed by hand from the data tables."""

import json

import pytest

import analysis


@pytest.fixture(scope="module")
def results(world):
    return {
        i: analysis.run(analysis.load_scenario(i, world), world)
        for i in analysis.scenario_ids(world)
    }


def _dyads(world, pairs):
    trade = world.trade
    return sum(
        trade[((trade["a"] == a) & (trade["b"] == b)) | ((trade["a"] == b) & (trade["b"] == a))][
            "trade_usd"
        ].sum()
        for a, b in pairs
    )


def test_status_quo_cross_bloc_trade_and_trade_at_risk(world, results):
    result = results["status-quo"]
    pairs = [(a, r) for a in ("USA", "JPN", "KOR", "AUS", "PHL") for r in ("CHN", "PRK", "RUS")]
    cross = _dyads(world, pairs)
    assert result.values["cross_bloc_trade_usd"] == pytest.approx(cross)
    factor = result.scenario.parameter("trade.disruption_factor", world)
    assert result.values["trade_at_risk_usd"] == pytest.approx(cross * factor)
    gdp = world.figures["gdp_usd"].sum()
    assert result.values["trade_at_risk_share_gdp"] == pytest.approx(cross * factor / gdp)


def test_alliance_share_of_cinc(world, results):
    result = results["asian-nato"]
    cinc = world.figures["cinc"]
    members = list(result.scenario.alliance)
    assert result.values["alliance_share_cinc"] == pytest.approx(cinc[members].sum() / cinc.sum())
    assert result.values["alliance_size"] == len(members)


def test_china_joining_removes_china_trade_from_the_line(results):
    assert (
        results["china-joins"].values["cross_bloc_trade_usd"]
        < results["asian-nato"].values["cross_bloc_trade_usd"]
    )
    # The same partners are alliance members, so China's share of trade with them is unchanged.
    assert results["china-joins"].values["dependence_trade_share_with_alliance"] == pytest.approx(
        results["asian-nato"].values["dependence_trade_share_with_alliance"]
    )


def test_north_korea_top_partner_is_china_and_isolation_deepens(results):
    base, isolated = results["asian-nato"], results["dprk-isolation"]
    assert base.isolation["top_partner"] == "CHN"
    assert isolated.values["isolation_trade_usd"] < base.values["isolation_trade_usd"]
    assert (
        isolated.values["isolation_top_partner_share"] > base.values["isolation_top_partner_share"]
    )


def test_headline_is_json_ready(results):
    headline = results["korea-hedges"].headline()
    assert "KOR" not in headline["alliance_members"]
    assert json.loads(json.dumps(headline, allow_nan=False)) == headline  # no NaN, no numpy
    assert headline["indicators"]["alliance_size"] == len(headline["alliance_members"])
