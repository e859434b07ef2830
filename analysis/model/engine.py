"""The scenario engine: a scenario applied to the World as arrays, evaluated for many draws.

`prepare(world, scenario)` applies the scenario once (changed judgements, shocked trade) and
keeps what every draw shares as arrays (`Base`). `State` is that base with one row per draw
for everything a draw may vary: positions, saliences, bloc membership and model parameters.
`evaluate(world, scenario, draws)` computes every indicator of the registry for every draw in
one vectorised pass; `run()` is this engine at the scenario's central values.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

import numpy as np
import pandas as pd

from analysis.methods.trade import trade_matrix
from analysis.world import BLOC_NAMES, Scenario, World, apply

#: Richardson coefficients and the parameters that hold them (Richardson 1960).
ARMS_COEFFICIENTS = {
    "a": "arms.reaction_alliance",
    "b": "arms.reaction_rival",
    "m": "arms.fatigue_alliance",
    "n": "arms.fatigue_rival",
}
#: The arms-race projection horizon of the briefs, in years.
HORIZON = 10.0


@dataclass(frozen=True)
class Base:
    """A scenario applied to the World, as arrays over the actors (what every draw shares)."""

    scenario: Scenario
    world: World  # the World as the scenario assumes it (judgements changed, trade shocked)
    actors: tuple[str, ...]
    figures: Mapping[str, np.ndarray]  # indicator -> one value per actor, NaN = no figure
    trade: np.ndarray  # actors x actors, symmetric: recorded dyads after the scenario's shocks
    total_trade: np.ndarray  # each actor's total goods trade after the shocks (NaN unknown)
    positions: np.ndarray
    salience: np.ndarray
    alliance: np.ndarray  # bool per actor
    rivals: np.ndarray
    treaties: np.ndarray  # defence treaties each actor belongs to (groupings.csv)
    parameters: Mapping[str, float]  # the scenario's value of every model parameter
    baseline_arms: tuple[float, float, float, float]  # status-quo a, b, m, n (calibration)
    focus: Mapping[str, int]  # role -> actor index

    @property
    def weights(self) -> np.ndarray:
        """Each actor's share of the actors' CINC (0 where it has none): capability weights."""
        cinc = np.nan_to_num(self.figures["cinc"], nan=0.0)
        return cinc / cinc.sum()

    def index(self, code: str) -> int:
        return self.actors.index(code)


def prepare(world: World, scenario: Scenario) -> Base:
    """Apply the scenario to the World once and keep the result as arrays."""
    w = apply(scenario, world)
    actors = tuple(w.actors.index)
    figures = w.figures
    trade = trade_matrix(actors, w.trade["a"], w.trade["b"], w.trade["trade_usd"])
    treaties = w.groupings[w.groupings["kind"] == "defence_treaty"]["members"]
    return Base(
        scenario=scenario,
        world=w,
        actors=actors,
        figures=MappingProxyType({k: figures[k].to_numpy(float) for k in figures.columns}),
        trade=trade,
        total_trade=figures["trade_total_usd"].to_numpy(float),
        positions=w.judgements.loc[list(actors), "position"].to_numpy(float),
        salience=w.judgements.loc[list(actors), "salience"].to_numpy(float),
        alliance=np.isin(actors, scenario.alliance),
        rivals=np.isin(actors, scenario.rivals),
        treaties=np.array([sum(a in m for m in treaties) for a in actors], dtype=float),
        parameters=MappingProxyType(
            {n: scenario.parameter(n, world) for n in world.parameters.index}
        ),
        baseline_arms=tuple(world.parameter(ARMS_COEFFICIENTS[k]) for k in "abmn"),
        focus=MappingProxyType({role: actors.index(code) for role, code in scenario.focus.items()}),
    )


@dataclass(frozen=True)
class State:
    """The base and, per draw, every input a draw may vary (arrays of shape draws x actors).

    `memo` caches results that several indicators share within one evaluation (the arms-race
    projection, cross-bloc trade), so each is computed once.
    """

    base: Base
    size: int
    positions: np.ndarray
    salience: np.ndarray
    alliance: np.ndarray
    rivals: np.ndarray
    parameters: Mapping[str, np.ndarray]
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def parameter(self, name: str) -> np.ndarray:
        return self.parameters[name]

    def shared(self, key: str, compute: Callable[[], Any]) -> Any:
        """`compute()` once per evaluation, cached under `key`."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


def known_input(name: str, actors: Collection[str], parameters: Collection[str]) -> bool:
    """Whether `name` is an input a draw may vary: a parameter, `judgements.<actor>.position`
    or `.salience`, or `bloc.<actor>`."""
    parts = name.split(".")
    if name in parameters:
        return True
    if parts[0] == "judgements" and len(parts) == 3:
        return parts[1] in actors and parts[2] in ("position", "salience")
    return parts[0] == "bloc" and len(parts) == 2 and parts[1] in actors


def state(base: Base, draws: pd.DataFrame | None = None) -> State:
    """The State for `draws` (one row per draw, one column per varied input); inputs it does
    not name keep the scenario's values. `None` is one draw at the central values."""
    design = draws if draws is not None else pd.DataFrame(index=pd.RangeIndex(1))
    unknown = [c for c in design.columns if not known_input(c, base.actors, base.parameters)]
    if unknown:
        raise ValueError(f"unknown inputs {unknown}")
    n = len(design)
    positions = np.tile(base.positions, (n, 1))
    salience = np.tile(base.salience, (n, 1))
    alliance = np.tile(base.alliance, (n, 1))
    rivals = np.tile(base.rivals, (n, 1))
    parameters = {name: np.full(n, value) for name, value in base.parameters.items()}
    for column in design.columns:
        parts = column.split(".")
        values = design[column].to_numpy()
        if parts[0] == "judgements":
            target = positions if parts[2] == "position" else salience
            target[:, base.index(parts[1])] = values.astype(float)
        elif parts[0] == "bloc":
            i = base.index(parts[1])
            if not set(np.unique(values)) <= set(BLOC_NAMES):
                raise ValueError(f"{column} takes values among {list(BLOC_NAMES)}")
            alliance[:, i] = values == "alliance"
            rivals[:, i] = values == "rivals"
        else:
            parameters[column] = values.astype(float)
    return State(base, n, positions, salience, alliance, rivals, MappingProxyType(parameters))
