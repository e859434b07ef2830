"""Run a scenario: the engine at its central values, the tables behind each indicator, and
the findings (the essay's implications tested against the numbers)."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from analysis.methods.capability import bloc_shares, bloc_totals
from analysis.methods.trade import partner_concentration
from analysis.model import alignment, estimative, findings
from analysis.model.engine import ARMS_COEFFICIENTS, Base, prepared, state
from analysis.model.evaluation import evaluate, measure
from analysis.model.forecasts import ArmsRace, Forecast, arms_race
from analysis.model.indicators import INDICATORS, forecasts, load_world
from analysis.world import BLOC_NAMES, Scenario, World, load_scenario

#: Capability figures whose bloc shares a brief tabulates.
CAPABILITIES = ("gdp_usd", "milex_usd", "population", "cinc")


@dataclass(frozen=True)
class ScenarioResult:
    """Everything a brief shows for one scenario: the registry's values and the tables
    behind them, at the scenario's central values."""

    scenario: Scenario
    world: World  # as the scenario assumes it
    values: Mapping[str, float]  # one value per registry key
    forecast: Forecast
    base: Base = field(repr=False, compare=False)
    origin: World = field(repr=False, compare=False)  # the World before the scenario applies
    #: A compared scenario's values by id (this scenario's own: `values`), for the findings.
    values_for: Callable[[str], Mapping[str, float]] = field(repr=False, compare=False)

    # The findings and the tables behind the values are computed when first read: the live
    # explorer updates its numbers from `values` alone, and reads the tables to redraw charts.

    @cached_property
    def findings(self) -> pd.DataFrame:
        """The essay's implications about this scenario tested against its numbers."""
        return findings.evaluate(self.origin.implications, self.scenario.id, self.values_for)

    @cached_property
    def balance(self) -> pd.DataFrame:
        """Bloc totals and shares of each capability (`balance_table`)."""
        return balance_table(self.base)

    @cached_property
    def exposure(self) -> pd.DataFrame:
        """Each actor's trade across the bloc line (`exposure_table`)."""
        return exposure_table(self.base)

    @cached_property
    def isolation(self) -> pd.Series:
        """The isolation focus actor's trade and ties (`isolation_table`)."""
        return isolation_table(self.base, self.values)

    @cached_property
    def positions(self) -> pd.DataFrame:
        """Each actor's bloc, judged position and capability (`positions_table`)."""
        return positions_table(self.base)

    @cached_property
    def arms(self) -> ArmsRace:
        """Both blocs' projected military spending (`forecasts.arms_race`)."""
        return _arms(self.base)

    @cached_property
    def judgements(self) -> pd.DataFrame:
        """Every finding with its likelihood (ICD 203), confidence and driver, at the default
        draws and seed (`analysis.model.estimative.judgements`)."""
        return estimative.judgements(self.scenario, self.origin)

    @cached_property
    def alignment(self) -> alignment.Alignment:
        """Would the split hold: stability, would-be defectors, where descent leads."""
        return alignment.assess(self.base)

    @cached_property
    def remedies(self) -> list[alignment.Remedy]:
        """What it takes: the smallest change of one input that makes the split stable."""
        return alignment.what_it_takes(self.base)

    @cached_property
    def predicted(self) -> alignment.Predicted:
        """The alignments the published landscape model predicts (its lowest minima)."""
        return alignment.predicted(self.base)

    @property
    def focus(self) -> dict[str, str]:
        """Role -> the focus actor's name, to fill in indicator labels."""
        names = self.world.actors["name"]
        return {role: str(names[code]) for role, code in self.scenario.focus.items()}

    def label(self, key: str, capital: bool = False) -> str:
        """The indicator's label, with this scenario's focus actors named."""
        return INDICATORS[key].name(self.focus, capital)

    def show(self, key: str) -> str:
        """The indicator's value with its unit."""
        return INDICATORS[key].show(self.values[key])

    def headline(self) -> dict[str, Any]:
        """Indicators and findings as plain JSON-ready values (NaN -> None)."""
        clean = lambda v: None if isinstance(v, float) and math.isnan(v) else v  # noqa: E731
        return {
            "scenario": self.scenario.id,
            "title": self.scenario.title,
            "reference": self.scenario.reference,
            "alliance_members": list(self.scenario.alliance),
            "rivals": list(self.scenario.rivals),
            "focus": dict(self.scenario.focus),
            "indicators": {k: clean(v) for k, v in self.values.items()},
            "findings": [
                {k: clean(v) for k, v in row.items() if k != "statement"}
                | self._estimate_json(row["id"])
                | {"statement": row["statement"]}
                for row in self.findings.to_dict("records")
            ],
            "premises": [
                {"id": row["id"], "statement": row["statement"]} | self._estimate_json(row["id"])
                for row in self.judgements.to_dict("records")
                if row["id"] not in set(self.findings["id"])
            ],
            "alignment": self._alignment_json(),
        }

    def _estimate_json(self, ident: str) -> dict[str, Any]:
        """A finding's estimative fields: likelihood, its interval and term, confidence, and
        what would change it."""
        rows = self.judgements[self.judgements["id"] == ident]
        if rows.empty:
            return {}
        row = rows.iloc[0]
        found = row["driver"]
        driver = None if found is None else {
            k: (None if isinstance(v, float) and math.isnan(v) else v)
            for k, v in vars(found).items()
        }  # fmt: skip
        return {
            "likelihood": row["likelihood"],
            "likelihood_interval": list(row["likelihood_interval"]),
            "likelihood_term": row["likelihood_term"],
            "confidence": row["confidence"],
            "driver": driver,
        }

    def _alignment_json(self) -> dict[str, Any]:
        found = self.alignment
        movers = found.gains[found.gains["gain"] > 0]
        return {
            "stable": found.stable,
            "energy_gap": found.energy_gap,
            "would_move": [
                {"actor": code, "from": row.side, "to": row.move, "gain": float(row.gain)}
                for code, row in movers.iterrows()
            ],
            "settles_at": found.settles_at.to_dict(),
            "predicted": [
                {"energy": r.energy, "basin": r.basin, "first": r.first, "second": r.second}
                for r in self.predicted.minima.itertuples()
            ],
            "what_it_takes": [
                {"input": r.input, "from": r.current, "to": r.needed, "relative": r.relative}
                for r in self.remedies
            ],
        }


def _blocs(base: Base) -> np.ndarray:
    return np.where(base.alliance, "alliance", np.where(base.rivals, "rivals", "others"))


def balance_table(base: Base) -> pd.DataFrame:
    """Bloc totals and shares of each capability (long form), naming the bloc members that
    have no figure, so a reader sees when a share leaves an actor out."""
    blocs = _blocs(base)
    rows = []
    for indicator in CAPABILITIES:
        values = base.figures[indicator]
        for bloc in BLOC_NAMES:
            members = blocs == bloc
            gaps = [
                a for a, m, v in zip(base.actors, members, values, strict=True) if m and np.isnan(v)
            ]
            rows.append(
                {
                    "bloc": bloc,
                    "indicator": indicator,
                    "total": float(bloc_totals(values, members)),
                    "share": float(bloc_shares(values, members)),
                    "missing": ", ".join(gaps),
                }
            )
    return pd.DataFrame(rows)


def exposure_table(base: Base) -> pd.DataFrame:
    """Each actor's trade across the bloc line, absolute and as a share of its total trade
    (alliance members trade across it with the rival bloc and vice versa; others never)."""
    other = np.where(base.alliance[:, None], base.rivals[None, :], False) | np.where(
        base.rivals[:, None], base.alliance[None, :], False
    )
    cross = (base.trade * other).sum(axis=1)
    table = pd.DataFrame(
        {
            "bloc": _blocs(base),
            "total_trade_usd": base.total_trade,
            "recorded_trade_usd": base.trade.sum(axis=1),
            "cross_bloc_trade_usd": cross,
        },
        index=pd.Index(base.actors, name="iso3"),
    )
    table["cross_bloc_share"] = table["cross_bloc_trade_usd"] / table["total_trade_usd"]
    return table


def isolation_table(base: Base, values: Mapping[str, float]) -> pd.Series:
    """The isolation focus actor's trade, partners, concentration and defence ties."""
    i = base.focus["isolation"]
    row = base.trade[i]
    stats = partner_concentration(row, base.total_trade[i])
    return pd.Series(
        {
            "total_trade_usd": float(base.total_trade[i]),
            "partner_count": int(stats["partners"]),
            "top_partner": base.actors[int(np.argmax(row))] if row.max() > 0 else None,
            "top_partner_share": float(stats["top_share"]),
            "herfindahl_lower_bound": float(stats["herfindahl"]),
            "defence_ties": values["isolation_defence_ties"],
        },
        name=base.actors[i],
    )


def positions_table(base: Base) -> pd.DataFrame:
    """Each actor's name, bloc, judged position with its range, salience and capability."""
    judged = base.world.judgements.loc[list(base.actors)]
    table = judged[["position", "position_low", "position_high", "salience"]].copy()
    table.insert(0, "name", base.world.actors.loc[list(base.actors), "name"])
    table.insert(1, "bloc", _blocs(base))
    table["capability_weight"] = np.where(np.isnan(base.figures["cinc"]), np.nan, base.weights)
    return table


def _arms(base: Base) -> ArmsRace:
    milex = base.figures["milex_usd"]
    x0, y0 = float(bloc_totals(milex, base.alliance)), float(bloc_totals(milex, base.rivals))
    coefficients = {k: base.parameters[name] for k, name in ARMS_COEFFICIENTS.items()}
    return arms_race(x0, y0, base.baseline_arms, coefficients)


def _stamp(world: World, scenario: Scenario) -> tuple:
    """The state of the scenario files a reference may come from (name, size, mtime)."""
    folders = {world.data_dir / "scenarios", scenario.path.parent}
    return tuple(
        (str(p), p.stat().st_size, p.stat().st_mtime_ns)
        for folder in sorted(folders)
        if folder.is_dir()
        for p in sorted(folder.glob("*.y*ml"))
    )


def run(scenario: Scenario | str | Path, world: World | None = None) -> ScenarioResult:
    """Measure a scenario at its central values with the engine (every registry indicator),
    and test the essay's implications about it against its reference (its findings)."""
    world = world if world is not None else load_world()
    if not isinstance(scenario, Scenario):
        scenario = load_scenario(scenario, world)
    base = prepared(world, scenario)
    central = state(base)
    table = measure(central)
    values = MappingProxyType({k: float(v) for k, v in table.iloc[0].items()})
    needed = tuple(sorted(set(world.implications["indicator"]) & set(INDICATORS)))
    cache: dict[str, Mapping[str, float]] = {scenario.id: values}

    def values_for(ident: str) -> Mapping[str, float]:
        """A compared scenario's values at its central values, once per World and state of
        the scenario files (a file edited since is read again)."""
        if ident not in cache:
            key = ("central", ident, needed, _stamp(world, scenario))
            if key not in world.memo:
                other = evaluate(world, load_scenario(ident, world), keys=needed)
                world.memo[key] = {k: float(v) for k, v in other.iloc[0].items()}
            cache[ident] = world.memo[key]
        return cache[ident]

    return ScenarioResult(
        scenario=scenario,
        world=base.world,
        values=values,
        forecast=forecasts(central)[0],
        base=base,
        origin=world,
        values_for=values_for,
    )
