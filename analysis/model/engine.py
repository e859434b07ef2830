"""The scenario engine: a scenario applied to the World as arrays, evaluated for many draws.

`prepare(world, scenario)` applies the scenario once (changed judgements, shocked trade) and
keeps what every draw shares as arrays (`Base`, read-only); `prepared` keeps the result in the
World's memo, so evaluating the same scenario again skips that work. `State` is that base with
one row per draw for everything a draw may vary: positions, saliences, bloc membership and
model parameters. `evaluate(world, scenario, draws)` computes every indicator of the registry
for every draw in one vectorised pass; `run()` is this engine at the scenario's central values.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Collection, Hashable, Mapping
from dataclasses import dataclass, field, fields
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
#: Most results a Base keeps for later evaluations (`Base.kept`).
KEPT = 256
_MISSING = object()


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
    memo: dict[Any, Any] = field(default_factory=dict, init=False, compare=False, repr=False)

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

    def kept(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        """`compute()`, kept under `key` for every later evaluation of this Base (e.g. how a
        model weighs the draws of one split, the same in every block of a sweep): the key
        must name everything the result depends on beyond the Base. At most `KEPT` results
        are kept (all are dropped when it fills up, as callers may use endless keys)."""
        value = self.memo.get(key, _MISSING)
        if value is _MISSING:  # (threads may compute it twice: no harm, no lock)
            value = compute()
            if len(self.memo) >= KEPT:
                self.memo.clear()
            self.memo[key] = value
        return value


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
    base = Base(
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
        parameters=MappingProxyType(_parameters(scenario, world)),
        baseline_arms=tuple(world.parameter(ARMS_COEFFICIENTS[k]) for k in "abmn"),
        focus=MappingProxyType({role: actors.index(code) for role, code in scenario.focus.items()}),
        treaty_pairs=_pairs(actors, [tuple(m) for m in treaties]),
        rivalry_pairs=_pairs(actors, zip(w.rivalries["a"], w.rivalries["b"], strict=True)),
        overrides=overrides,
        may_stay_out=np.isin(actors, settings.may_stay_out),
        closed=_closed(actors, settings.barred),
    )
    return _read_only(base)


def _parameters(scenario: Scenario, world: World) -> dict[str, float]:
    """Every model parameter's value in the scenario (`Scenario.parameter` of each), reading
    the defaults in one pass."""
    defaults = world.parameters["value"].astype(float)
    changed = scenario.parameters
    return {n: float(changed[n]) if n in changed else v for n, v in defaults.items()}


def _read_only(base: Base) -> Base:
    """`base` with every array it holds made read-only: a Base is shared by every evaluation
    of its scenario (`prepared`), so no caller may change it in place."""
    for item in fields(base):
        if item.name == "memo":
            continue
        value = getattr(base, item.name)
        for array in value.values() if item.name == "figures" else (value,):
            if isinstance(array, np.ndarray):
                array.flags.writeable = False
    return base


#: How many prepared scenarios a World keeps (`prepared`), the least recently used dropped.
PREPARED_KEPT = 32
_PREPARED_LOCK = threading.Lock()


def prepared(world: World, scenario: Scenario) -> Base:
    """`prepare(world, scenario)`, kept in the World's memo so that evaluating a scenario again
    (`evaluate` in a loop, a sweep's chunks) does not apply it again. Safe because neither
    changes: a World and a Scenario are frozen and every function derives new ones instead of
    changing them, and the Base itself is read-only. A Scenario holds mappings, so it is not
    hashable: the entry is keyed by the object's identity and keeps the object, so the key
    cannot pass to another Scenario while the entry lives; an equal but distinct Scenario
    (loaded again) is prepared again."""
    with _PREPARED_LOCK:
        kept = world.memo.setdefault("prepared", {})
        entry = kept.pop(id(scenario), None)
        if entry is not None and entry[0] is scenario:
            kept[id(scenario)] = entry  # most recently used last
            return entry[1]
    base = prepare(world, scenario)
    with _PREPARED_LOCK:
        kept[id(scenario)] = (scenario, base)
        while len(kept) > PREPARED_KEPT:
            del kept[next(iter(kept))]
    return base


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

    @functools.cached_property
    def fixed_blocs(self) -> bool:
        """True when every draw has the scenario's blocs (no `bloc.*` input varies)."""
        return not any(name.startswith("bloc.") for name in self.varied)

    def blocs(self) -> tuple[np.ndarray, np.ndarray]:
        """Alliance and rival-bloc masks: one per actor when they are fixed, else per draw."""
        if self.fixed_blocs:
            return self.base.alliance, self.base.rivals
        return self.alliance, self.rivals

    def varied_positions(self) -> np.ndarray:
        """Indices of the actors whose position the draws vary (ascending)."""
        return self.shared("varied positions", lambda: np.array(
            sorted(self.base.index(n.split(".")[1]) for n in self.varied
                   if n.startswith("judgements.") and n.endswith(".position")),
            dtype=int,
        ))  # fmt: skip

    def varied_figure(self, figure: str) -> np.ndarray:
        """Indices of the actors whose `figure` the draws vary (`estimate.<actor>.<figure>`)."""
        return np.array(
            sorted(self.base.index(n.split(".")[1]) for n in self.varied
                   if n.startswith("estimate.") and n.endswith(f".{figure}")),
            dtype=int,
        )  # fmt: skip

    @property
    def weights(self) -> np.ndarray:
        """Capability weights (CINC shares), per draw where CINC estimates vary."""
        return self.shared("weights", lambda: capability_weights(self.figures["cinc"]))

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
    if draws is None:
        return state_of(base, {}, 1)
    return state_of(base, columns_of(draws), len(draws))


def columns_of(draws: pd.DataFrame) -> dict[str, np.ndarray]:
    """A design's columns as arrays: input name -> one value per draw."""
    return {str(name): draws[name].to_numpy() for name in draws.columns}


def state_of(base: Base, columns: Mapping[str, np.ndarray], size: int) -> State:
    """`state` for a design given as columns (input name -> `size` values, one per draw), as
    `columns_of` gives them: what evaluating a design block by block slices. Arrays the draws
    leave as they are are read-only views of the base's row (no copy per draw)."""
    unknown = [c for c in columns if not known_input(c, base.actors, base.parameters)]
    if unknown:
        raise ValueError(f"unknown inputs {unknown}")
    n = size
    changed: dict[str, dict[int, np.ndarray]] = {}  # per-actor array -> actor -> draws
    parameters = {name: _repeat(value, n) for name, value in base.parameters.items()}
    score = None
    for column, values in columns.items():
        parts = column.split(".")
        if column == "estimate.trade":
            score = values.astype(float)
        elif parts[0] == "estimate":
            if parts[2] not in base.figures:
                raise ValueError(f"{column}: unknown figure {parts[2]!r}")
            changed.setdefault(f"figure:{parts[2]}", {})[base.index(parts[1])] = values
        elif parts[0] == "judgements":
            target = "positions" if parts[2] == "position" else "salience"
            changed.setdefault(target, {})[base.index(parts[1])] = values
        elif parts[0] == "bloc":
            if not set(np.unique(values)) <= set(BLOC_NAMES):
                raise ValueError(f"{column} takes values among {list(BLOC_NAMES)}")
            i = base.index(parts[1])
            changed.setdefault("alliance", {})[i] = values == "alliance"
            changed.setdefault("rivals", {})[i] = values == "rivals"
        else:
            parameters[column] = values.astype(float)
    figures = {
        name: _per_draw(row, n, changed[f"figure:{name}"]) if f"figure:{name}" in changed else row
        for name, row in base.figures.items()
    }
    rows = {
        name: _per_draw(getattr(base, name), n, changed.get(name, {}))
        for name in ("positions", "salience", "alliance", "rivals")
    }
    trade = TradeDraws(base.reported, base.estimated, base.sigma, score)
    return State(
        base, n, rows["positions"], rows["salience"], rows["alliance"], rows["rivals"],
        MappingProxyType(parameters), MappingProxyType(figures), trade, frozenset(columns),
    )  # fmt: skip


def _repeat(value: float, n: int) -> np.ndarray:
    """`value` for each of `n` draws."""
    return np.full(n, value, dtype=float)


def _per_draw(row: np.ndarray, n: int, changed: Mapping[int, np.ndarray]) -> np.ndarray:
    """(n, actors): `row` in every draw except the columns `changed` gives per draw; a
    read-only view of `row` when nothing changes."""
    if not changed:
        return np.broadcast_to(row, (n, row.size))
    out = np.empty((n, row.size), dtype=row.dtype)
    out[...] = row
    for i, values in changed.items():
        out[:, i] = values
    return out


def capability_weights(cinc: np.ndarray) -> np.ndarray:
    """Each actor's share of the actors' CINC over the last axis (0 where it has none)."""
    values = np.asarray(cinc, dtype=float)
    values = np.where(np.isnan(values), 0.0, values)
    return values / values.sum(axis=-1, keepdims=True)


#: The widest |x| for which `TradeDraws.weigh` sums the series of exp(x); beyond, terms of
#: alternating sign would cost digits to cancellation, and it takes the exponentials.
SERIES_REACH = 1.0
#: Where the series stops: the first term left out is below this share of every factor.
SERIES_TOLERANCE = 2.0**-60


def series_length(reach: float) -> int | None:
    """How many terms of sum_n x^n / n! give exp(x) for every |x| <= `reach` to within
    SERIES_TOLERANCE of exp(x) (the remainder is at most |x|^N / N! e^|x|, and exp(x) is at
    least e^-|x|); None beyond SERIES_REACH."""
    if not reach <= SERIES_REACH:
        return None
    scale, term, count = np.exp(2 * reach), 1.0, 1
    while term * reach / count * scale > SERIES_TOLERANCE:
        term *= reach / count
        count += 1
    return count


def _series(sigma: np.ndarray, score: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """The parts of the series of `TradeDraws`: (powers: (sigma_d - m)^n, dyads x terms;
    terms: exp(s m) s^n / n!, terms x draws); None where it would be long (wide scores or
    sigmas), or there are no dyads."""
    if not sigma.size:
        return None
    middle = 0.5 * (sigma.min() + sigma.max())
    offset = sigma - middle
    count = series_length(float(np.abs(score).max() * np.abs(offset).max()))
    if count is None:
        return None
    terms = np.empty((count, score.size))
    terms[0] = np.exp(middle * score)
    for n in range(1, count):
        np.multiply(terms[n - 1], score, out=terms[n])
        terms[n] /= n
    return offset[:, None] ** np.arange(count), terms


class TradeDraws:
    """Bilateral trade for every draw: reported dyads as they are, each estimated dyad d
    scaled by exp(score x sigma_d) for a draw's score (`estimate.trade`); without scores, the
    central values. Sums are taken over the dyads they need, never over one matrix per draw.

    Weighted sums over the dyads (`weigh`) use the series exp(s sigma_d) = exp(s m) sum_n
    (s (sigma_d - m))^n / n!, m the middle of the dyads' sigmas, so that each draw needs one
    exponential and a few powers of its score instead of one exponential per dyad. The sigmas
    (data/gravity_fit.yaml's prediction intervals) lie close together, so ~15 terms reach the
    exponentials' value to rounding (`series_length`)."""

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
        self._series = None if score is None else _series(self.sigma, score)

    @property
    def varies(self) -> bool:
        return self.score is not None

    def factors(self) -> np.ndarray:
        """exp(score x sigma_d) per draw and estimated dyad (draws x dyads), computed once,
        in place, as dyads x draws (one long row per dyad) and returned transposed: for the
        sums whose weights differ per draw, and for `weigh` where its series would be long."""
        if self._factors is None:
            factors = np.multiply.outer(self.sigma, self.score)
            self._factors = np.exp(factors, out=factors).T
        return self._factors

    def weigh(self, weights: np.ndarray) -> np.ndarray:
        """sum_d weights_d x factor_d per draw, for weights of one per estimated dyad:
        (draws,); or for several weightings at once (k, dyads): (k, draws). By the series of
        the class docstring where it is short enough, else from the factors."""
        if self._series is None:
            return weights @ self.factors().T
        powers, terms = self._series
        return (weights @ powers) @ terms

    def weighted(self, weights: np.ndarray) -> np.ndarray:
        """sum_d weights_d x value_d per draw, for weights of one per estimated dyad: (draws,);
        or for several weightings at once (k, dyads), in one product: (k, draws). Without
        draws of the estimates, the central values: () or (k,)."""
        if self.score is None:
            return np.asarray(weights @ self.central)
        return self.weigh(weights * self.central)

    def across(self, ours: np.ndarray, theirs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Trade between two disjoint blocs as (its reported part, the weight of each
        estimated dyad in it: 1 where the dyad crosses the line, else 0), per draw where the
        masks have a row per draw. `weighted` of the weights is the estimated part."""
        x, y = np.asarray(ours, dtype=float), np.asarray(theirs, dtype=float)
        reported = np.einsum("...i,ij,...j->...", x, self.reported, y)
        return reported, x[..., self.i] * y[..., self.j] + y[..., self.i] * x[..., self.j]

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
        reported, across = self.across(ours, theirs)
        if across.ndim == 1:
            return reported, self.weighted(across)
        return reported, (self.values() * across).sum(axis=-1)

    def row(self, actor: int) -> np.ndarray:
        """The actor's trade with each actor: (actors,) or (draws, actors) when estimates vary."""
        touching = np.flatnonzero((self.i == actor) | (self.j == actor))
        partners = np.where(self.i[touching] == actor, self.j[touching], self.i[touching])
        to_partner = partners[:, None] == np.arange(len(self.reported))  # dyad -> its partner
        if self.score is None:
            return self.reported[actor] + self.central[touching] @ to_partner
        weights = np.zeros((len(self.reported), self.central.size))  # actors x dyads
        weights[:, touching] = (self.central[touching, None] * to_partner).T
        row = self.weigh(weights)  # actors x draws: long rows
        row += self.reported[actor][:, None]
        return row.T

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
