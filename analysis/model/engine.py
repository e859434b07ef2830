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
from analysis.world import BLOC_NAMES, Z90, Scenario, World, apply

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
    reported: np.ndarray  # actors x actors, symmetric: reported dyads after the shocks
    estimated: np.ndarray  # the same for the gravity-estimated dyads (central estimate)
    sigma: np.ndarray  # log-sd of each estimated dyad (from its 90% interval), 0 elsewhere
    total_trade: np.ndarray  # each actor's total goods trade after the shocks (NaN unknown)
    positions: np.ndarray
    salience: np.ndarray
    alliance: np.ndarray  # bool per actor
    rivals: np.ndarray
    treaties: np.ndarray  # defence treaties each actor belongs to (groupings.csv)
    parameters: Mapping[str, float]  # the scenario's value of every model parameter
    baseline_arms: tuple[float, float, float, float]  # status-quo a, b, m, n (calibration)
    focus: Mapping[str, int]  # role -> actor index
    treaty_pairs: np.ndarray  # actors x actors: 1 where a defence treaty ties the two
    rivalry_pairs: np.ndarray  # actors x actors: 1 where an ongoing rivalry sets them apart
    overrides: np.ndarray  # actors x actors: a judged propensity, NaN where none
    may_stay_out: np.ndarray  # bool per actor: may stay outside both blocs (landscape model)
    closed: np.ndarray  # actors x (alliance, rivals, outside): a bloc that will not admit it

    @property
    def trade(self) -> np.ndarray:
        """All dyads at their central values (reported + estimated)."""
        return self.reported + self.estimated

    @property
    def weights(self) -> np.ndarray:
        """Each actor's share of the actors' CINC (0 where it has none): capability weights."""
        return capability_weights(self.figures["cinc"])

    def index(self, code: str) -> int:
        return self.actors.index(code)


def prepare(world: World, scenario: Scenario) -> Base:
    """Apply the scenario to the World once and keep the result as arrays."""
    w = apply(scenario, world)
    actors = tuple(w.actors.index)
    figures = w.figures
    guessed = w.trade["estimated"].to_numpy(bool)
    dyads = w.trade["a"], w.trade["b"]
    values = w.trade["trade_usd"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.log(w.trade["high"].to_numpy(float) / w.trade["low"].to_numpy(float))
    sigma = np.where(guessed & np.isfinite(spread), spread / (2 * Z90), 0.0)
    treaties = w.groupings[w.groupings["kind"] == "defence_treaty"]["members"]
    settings = world.alignment
    overrides = np.full((len(actors), len(actors)), np.nan)
    for row in settings.overrides:
        i, j = actors.index(row.a), actors.index(row.b)
        overrides[i, j] = overrides[j, i] = row.propensity
    return Base(
        scenario=scenario,
        world=w,
        actors=actors,
        figures=MappingProxyType({k: figures[k].to_numpy(float) for k in figures.columns}),
        reported=trade_matrix(actors, *dyads, np.where(guessed, 0.0, values)),
        estimated=trade_matrix(actors, *dyads, np.where(guessed, values, 0.0)),
        sigma=trade_matrix(actors, *dyads, sigma),
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
        treaty_pairs=_pairs(actors, [tuple(m) for m in treaties]),
        rivalry_pairs=_pairs(actors, zip(w.rivalries["a"], w.rivalries["b"], strict=True)),
        overrides=overrides,
        may_stay_out=np.isin(actors, settings.may_stay_out),
        closed=_closed(actors, settings.barred),
    )


def _closed(actors: tuple[str, ...], barred) -> np.ndarray:
    """Actors x sides (alliance, rivals, outside): True where the side will not admit it."""
    closed = np.zeros((len(actors), 3), dtype=bool)
    for bar in barred:
        closed[actors.index(bar.actor), ("alliance", "rivals").index(bar.side)] = True
    return closed


def _pairs(actors: tuple[str, ...], groups) -> np.ndarray:
    """Actors x actors, 1 where some group (a treaty's members, a rivalry's pair) holds both."""
    matrix = np.zeros((len(actors), len(actors)))
    for group in groups:
        index = [actors.index(code) for code in group if code in actors]
        for i in index:
            matrix[i, index] = 1.0
    np.fill_diagonal(matrix, 0.0)
    return matrix


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
    figures: Mapping[str, np.ndarray]  # per actor, or per draw and actor where estimates vary
    trade: TradeDraws
    varied: frozenset[str] = frozenset()  # the inputs the draws vary (design columns)
    memo: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def parameter(self, name: str) -> np.ndarray:
        return self.parameters[name]

    @property
    def fixed_blocs(self) -> bool:
        """True when every draw has the scenario's blocs (no `bloc.*` input varies)."""
        return not any(name.startswith("bloc.") for name in self.varied)

    def blocs(self) -> tuple[np.ndarray, np.ndarray]:
        """Alliance and rival-bloc masks: one per actor when they are fixed, else per draw."""
        if self.fixed_blocs:
            return self.base.alliance, self.base.rivals
        return self.alliance, self.rivals

    def varied_positions(self) -> np.ndarray:
        """Indices of the actors whose position the draws vary."""
        return np.array(
            [self.base.index(n.split(".")[1]) for n in sorted(self.varied)
             if n.startswith("judgements.") and n.endswith(".position")],
            dtype=int,
        )  # fmt: skip

    @property
    def weights(self) -> np.ndarray:
        """Capability weights (CINC shares), per draw where CINC estimates vary."""
        return capability_weights(self.figures["cinc"])

    def shared(self, key: str, compute: Callable[[], Any]) -> Any:
        """`compute()` once per evaluation, cached under `key`."""
        if key not in self.memo:
            self.memo[key] = compute()
        return self.memo[key]


def known_input(name: str, actors: Collection[str], parameters: Collection[str]) -> bool:
    """Whether `name` is an input a draw may vary: a parameter, `judgements.<actor>.position`
    or `.salience`, `bloc.<actor>`, `estimate.<actor>.<figure>` or `estimate.trade`."""
    parts = name.split(".")
    if name in parameters or name == "estimate.trade":
        return True
    if parts[0] == "estimate" and len(parts) == 3:
        return parts[1] in actors
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
    figures = dict(base.figures)
    score = None
    for column in design.columns:
        parts = column.split(".")
        values = design[column].to_numpy()
        if column == "estimate.trade":
            score = values.astype(float)
        elif parts[0] == "estimate":
            if parts[2] not in figures:
                raise ValueError(f"{column}: unknown figure {parts[2]!r}")
            current = figures[parts[2]]
            varied = current.copy() if current.ndim == 2 else np.tile(current, (n, 1))
            varied[:, base.index(parts[1])] = values.astype(float)
            figures[parts[2]] = varied
        elif parts[0] == "judgements":
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
    trade = TradeDraws(base.reported, base.estimated, base.sigma, score)
    return State(
        base, n, positions, salience, alliance, rivals, MappingProxyType(parameters),
        MappingProxyType(figures), trade, frozenset(design.columns),
    )  # fmt: skip


def capability_weights(cinc: np.ndarray) -> np.ndarray:
    """Each actor's share of the actors' CINC over the last axis (0 where it has none)."""
    values = np.nan_to_num(np.asarray(cinc, dtype=float), nan=0.0)
    return values / values.sum(axis=-1, keepdims=True)


class TradeDraws:
    """Bilateral trade for every draw: reported dyads as they are, each estimated dyad d
    scaled by exp(score x sigma_d) for a draw's score (`estimate.trade`); without scores, the
    central values. Sums are taken over the dyads they need, never over one matrix per draw."""

    def __init__(
        self,
        reported: np.ndarray,
        estimated: np.ndarray,
        sigma: np.ndarray,
        score: np.ndarray | None,
    ) -> None:
        self.reported, self.estimated = reported, estimated
        upper = np.triu_indices_from(estimated, k=1)
        chosen = estimated[upper] > 0
        self.i, self.j = upper[0][chosen], upper[1][chosen]
        self.central = estimated[self.i, self.j]
        self.sigma = sigma[self.i, self.j]
        self.score = score
        self._factors: np.ndarray | None = None

    @property
    def varies(self) -> bool:
        return self.score is not None

    def factors(self) -> np.ndarray:
        """exp(score x sigma_d) per draw and estimated dyad, computed once."""
        if self._factors is None:
            self._factors = np.exp(np.outer(self.score, self.sigma))
        return self._factors

    def weighted(self, weights: np.ndarray) -> np.ndarray:
        """sum_d weights_d x value_d per draw (weights: one per estimated dyad)."""
        if self.score is None:
            return np.asarray(self.central @ weights)
        return self.factors() @ (self.central * weights)

    def values(self, dyads: np.ndarray | None = None) -> np.ndarray:
        """The estimated dyads' values (all, or those indexed by `dyads`): (dyads,), or
        (draws, dyads) when the estimates vary."""
        chosen = slice(None) if dyads is None else dyads
        if self.score is None:
            return self.central[chosen]
        return self.factors()[:, chosen] * self.central[chosen]

    def cross(self, ours: np.ndarray, theirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Trade between two disjoint blocs per draw: (reported part, estimated part). Masks
        of one row (fixed blocs) touch only the estimated dyads that cross the line."""
        x, y = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
        reported = np.einsum("...i,ij,...j->...", x, self.reported, y)
        across = x[..., self.i] * y[..., self.j] + y[..., self.i] * x[..., self.j]
        if across.ndim == 1:
            return reported, self.weighted(across)
        return reported, (self.values() * across).sum(axis=-1)

    def row(self, actor: int) -> np.ndarray:
        """The actor's trade with each actor: (actors,) or (draws, actors) when estimates vary."""
        touching = np.flatnonzero((self.i == actor) | (self.j == actor))
        partners = np.where(self.i[touching] == actor, self.j[touching], self.i[touching])
        values = self.values(touching)
        row = np.broadcast_to(self.reported[actor], values.shape[:-1] + (len(self.reported),))
        row = row.copy()
        row[..., partners] += values
        return row

    def matrix(self) -> np.ndarray:
        """All dyads as a matrix: (actors, actors), or (draws, actors, actors) when the
        estimates vary (for small numbers of draws: it is the one dense form)."""
        if not self.varies:
            return self.reported + self.estimated
        values = self.values()
        full = np.broadcast_to(self.reported, (len(values),) + self.reported.shape).copy()
        full[:, self.i, self.j] += values
        full[:, self.j, self.i] += values
        return full

    def total(self) -> np.ndarray:
        """All trade among the actors (each dyad once)."""
        return self.reported.sum() / 2 + self.weighted(np.ones_like(self.central))
