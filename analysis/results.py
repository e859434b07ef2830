"""Run a scenario: apply it to the World, measure every indicator, evaluate the findings."""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any

import pandas as pd

from analysis import implications, indicators, projections
from analysis.world.scenario import Scenario, apply, load_scenario
from analysis.world import World

#: Architecture level from which the alliance is a formal multilateral defence pact.
FORMAL_ALLIANCE = 75.0


@dataclass(frozen=True)
class ScenarioResult:
    """Everything a brief shows for one scenario."""

    scenario: Scenario
    world: World
    balance: pd.DataFrame
    exposure: pd.DataFrame
    isolation: pd.Series
    positions: pd.DataFrame
    values: Mapping[str, float]
    findings: pd.DataFrame
    arms: projections.ArmsRace
    forecast: projections.Forecast

    def headline(self) -> dict[str, Any]:
        """Headline indicators and findings as plain JSON-ready values (NaN -> None)."""
        clean = lambda v: None if isinstance(v, float) and math.isnan(v) else v  # noqa: E731
        return {
            "scenario": self.scenario.id,
            "title": self.scenario.title,
            "reference": self.scenario.reference,
            "alliance_members": list(self.scenario.alliance),
            "rivals": list(self.scenario.rivals),
            "indicators": {k: clean(v) for k, v in self.values.items()},
            "findings": [
                {k: clean(v) for k, v in row.items() if k != "statement"}
                | {"statement": row["statement"]}
                for row in self.findings.to_dict("records")
            ],
        }


def measure(scenario: Scenario, world: World) -> ScenarioResult:
    """Apply the scenario to the base World and compute every closed-form indicator.

    The result has no findings yet: those compare scenarios and come from `run`.
    """
    w = apply(scenario, world)
    figures = w.figures
    alliance, rivals = scenario.alliance, scenario.rivals
    balance = indicators.capability_balance(figures, alliance, rivals)
    shares = balance.set_index(["bloc", "indicator"])["share"]
    exposure = indicators.trade_exposure(w.trade, figures["trade_total_usd"], alliance, rivals)
    formal = scenario.architecture >= FORMAL_ALLIANCE
    prk = indicators.isolation(
        w.trade,
        figures.loc["PRK", "trade_total_usd"],
        w.groupings,
        "PRK",
        formal_alliance_member=formal and "PRK" in alliance,
    )
    weights = indicators.capability_weights(figures, "cinc")
    positions = w.judgements[["position", "position_low", "position_high", "salience"]].copy()
    positions.insert(0, "name", w.actors["name"])
    positions.insert(1, "bloc", indicators.bloc_of(positions.index, alliance, rivals))
    positions["capability_weight"] = weights
    cross = indicators.cross_bloc_trade(w.trade, alliance, rivals)
    at_risk = cross * scenario.parameter("trade.disruption_factor", world)
    china_total = figures.loc["CHN", "trade_total_usd"]
    milex = figures["milex_usd"]
    race = projections.arms_race(
        milex.reindex(alliance).sum(),
        milex.reindex(rivals).sum(),
        {k: world.parameter(name) for k, name in projections.COEFFICIENTS.items()},
        {k: scenario.parameter(name, world) for k, name in projections.COEFFICIENTS.items()},
    )
    outlook = projections.forecast(positions["position"], weights, positions["salience"])
    values = {
        "alliance_size": len(alliance),
        **{
            f"alliance_share_{k.removesuffix('_usd')}": shares["alliance", k]
            for k in indicators.CAPABILITIES
        },
        **{
            f"rival_share_{k.removesuffix('_usd')}": shares["rivals", k]
            for k in ("gdp_usd", "milex_usd", "cinc")
        },
        "balance_ratio_cinc": indicators.balance_ratio(balance, "cinc"),
        "balance_ratio_milex": indicators.balance_ratio(balance, "milex_usd"),
        "cross_bloc_trade_usd": cross,
        "cross_bloc_trade_share": cross / w.trade["trade_usd"].sum(),
        "trade_at_risk_usd": at_risk,
        "trade_at_risk_share_gdp": at_risk / figures["gdp_usd"].sum(),
        "chn_trade_share_with_alliance": indicators.trade_with(w.trade, "CHN", alliance)
        / china_total,
        "prk_trade_usd": prk["total_trade_usd"],
        "prk_top_partner_share": prk["top_partner_share"],
        "prk_partner_count": prk["partner_count"],
        "prk_defence_ties": prk["defence_ties"],
        "polarisation": indicators.polarisation(
            positions["position"], weights, alpha=scenario.parameter("polarisation.alpha", world)
        ),
        "position_gap": indicators.weighted_position(positions["position"], weights, alliance)
        - indicators.weighted_position(positions["position"], weights, rivals),
        "arms_race_stable": float(race.stable),
        "arms_spending_growth": race.growth,
        "arms_alliance_spending_10y_usd": race.path["alliance"].iloc[-1],
        "arms_rival_spending_10y_usd": race.path["rivals"].iloc[-1],
        "forecast_weighted_mean": outlook.weighted_mean,
        "forecast_weighted_median": outlook.weighted_median,
        "forecast_smp_position": outlook.smp_position,
        "forecast_smp_probability": outlook.smp_probability,
        "forecast_bdm_median": outlook.bdm["median"].iloc[-1],
        "forecast_bdm_converged": float(outlook.bdm_converged),
    }
    values = {k: float(v) for k, v in values.items()}
    return ScenarioResult(
        scenario,
        w,
        balance,
        exposure,
        prk,
        positions,
        MappingProxyType(values),
        findings=pd.DataFrame(columns=implications.COLUMNS),
        arms=race,
        forecast=outlook,
    )


def run(scenario: Scenario, world: World) -> ScenarioResult:
    """Measure a scenario and evaluate the essay's implications about it (its findings)."""
    own = measure(scenario, world)
    cache: dict[str, Mapping[str, float]] = {scenario.id: own.values}

    def values_for(scenario_id: str) -> Mapping[str, float]:
        if scenario_id not in cache:
            cache[scenario_id] = measure(load_scenario(scenario_id, world), world).values
        return cache[scenario_id]

    findings = implications.evaluate(world.implications, scenario.id, values_for)
    return dataclasses.replace(own, findings=findings)
