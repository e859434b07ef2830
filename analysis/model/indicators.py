"""The indicator registry: every indicator a scenario reports, declared once.

`INDICATORS` maps each key to its `Indicator` (label, unit, format, description, inputs read,
method) and the vectorised function that computes it from a `State` (one value per draw).
Tables, charts, JSON, sweeps, sensitivity, findings and the index read it; there is no other
list of indicators.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from types import MappingProxyType

import numpy as np

from analysis.methods import arms, bargaining
from analysis.methods.capability import balance_ratio, bloc_totals_and_region, share_of
from analysis.methods.polarisation import esteban_ray_many, group_position
from analysis.methods.trade import partner_concentration
from analysis.model import alignment, shared
from analysis.model.engine import ARMS_COEFFICIENTS, HORIZON, State
from analysis.model.forecasts import Forecast, forecast
from analysis.model.registry import Indicator
from analysis.world import World
from analysis.world import load_world as _load_world
from analysis.world.data import data_digest, data_folder

# -- capability balance (Singer, Bremer & Stuckey 1972) -----------------------------------------


def _totals(s: State, indicator: str) -> dict[str, np.ndarray]:
    """Each bloc's total of a figure and the total over all actors with one, computed once
    per evaluation: shares, ratios and the arms race all read them."""

    def compute() -> dict[str, np.ndarray]:
        values, (alliance, rivals) = s.figures[indicator], s.blocs()
        varying = s.varied_figure(indicator)
        ours, theirs, region = bloc_totals_and_region(values, alliance, rivals, varying=varying)
        return {"alliance": ours, "rivals": theirs, "region": region}

    return s.shared(f"totals:{indicator}", compute)


def _share(indicator: str, bloc: str):
    def compute(s: State) -> np.ndarray:
        totals = _totals(s, indicator)
        return share_of(totals[bloc], totals["region"])

    return compute


def _ratio(indicator: str):
    def compute(s: State) -> np.ndarray:
        totals = _totals(s, indicator)
        return balance_ratio(totals["alliance"], totals["rivals"])

    return compute


def _alliance_size(s: State) -> np.ndarray:
    return s.blocs()[0].sum(axis=-1).astype(float)


# -- trade across the line --------------------------------------------------------------------


def _trade_sums(s: State) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """(reported part, estimated part) per draw of cross-bloc trade ("cross"), of the
    dependence actor's trade with the alliance ("dependence") and of all trade among the
    actors ("all"). With the same blocs in every draw, the three estimated parts come from
    one product with the draws' trade."""

    def compute() -> dict[str, tuple[np.ndarray, np.ndarray]]:
        ours, theirs = s.blocs()
        alone = np.arange(len(s.base.actors)) == s.base.focus["dependence"]
        parts = {  # reported part, weight of each estimated dyad
            "cross": s.trade.across(ours, theirs),
            "dependence": s.trade.across(alone, ours),
            "all": (s.base.reported.sum() / 2, np.ones_like(s.trade.central)),
        }
        weights = [w for _, w in parts.values()]
        if ours.ndim == 1:  # the same weights in every draw: one product for the three
            estimated = list(s.trade.weighted(np.stack(weights)))
        else:
            estimated = [
                s.trade.weighted(w) if w.ndim == 1 else (s.trade.values() * w).sum(axis=-1)
                for w in weights
            ]
        return {
            key: (reported, part)
            for (key, (reported, _)), part in zip(parts.items(), estimated, strict=True)
        }

    return s.shared("trade sums", compute)


def _cross_parts(s: State) -> tuple[np.ndarray, np.ndarray]:
    return _trade_sums(s)["cross"]


def _cross(s: State) -> np.ndarray:
    reported, estimated = _cross_parts(s)
    return reported + estimated


def _cross_estimated(s: State) -> np.ndarray:
    reported, estimated = _cross_parts(s)
    total = reported + estimated
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, estimated / total, np.nan)


def _cross_share(s: State) -> np.ndarray:
    reported, estimated = _trade_sums(s)["all"]
    return _cross(s) / (reported + estimated)


def _at_risk(s: State) -> np.ndarray:
    return _cross(s) * s.parameter("trade.disruption_factor")


def _at_risk_gdp(s: State) -> np.ndarray:
    return _at_risk(s) / _totals(s, "gdp_usd")["region"]


def _dependence(s: State) -> np.ndarray:
    reported, estimated = _trade_sums(s)["dependence"]  # d's trade with the alliance
    return (reported + estimated) / s.base.total_trade[s.base.focus["dependence"]]


# -- isolation of the focus actor (Hirschman 1945 for concentration) ----------------------------


def _isolation(field: str):
    def compute(s: State) -> np.ndarray:
        i = s.base.focus["isolation"]
        stats = s.shared(
            "isolation", lambda: partner_concentration(s.trade.row(i), s.base.total_trade[i])
        )
        return np.broadcast_to(np.asarray(stats[field], dtype=float), (s.size,))

    return compute


def _isolation_trade(s: State) -> np.ndarray:
    return np.full(s.size, s.base.total_trade[s.base.focus["isolation"]])


def _defence_ties(s: State) -> np.ndarray:
    i = s.base.focus["isolation"]
    formal = s.base.scenario.architecture >= s.parameter("alliance.formal_threshold")
    return s.base.treaties[i] + (formal & s.blocs()[0][..., i])


# -- positions (Esteban & Ray 1994) -----------------------------------------------------------


def _polarisation(s: State) -> np.ndarray:
    alpha = s.parameter("polarisation.alpha")
    alpha = float(alpha[0]) if np.ptp(alpha) == 0 else alpha  # one exponent: cheaper powers
    return esteban_ray_many(
        s.positions / 100.0, s.base.weights, alpha, varying=s.varied_positions()
    )


def _gap(s: State) -> np.ndarray:
    w, (alliance, rivals) = s.weights, s.blocs()
    return group_position(s.positions, w, alliance) - group_position(s.positions, w, rivals)


# -- arms race (Richardson 1960) --------------------------------------------------------------


def _race(s: State) -> dict[str, np.ndarray]:
    def compute() -> dict[str, np.ndarray]:
        totals = _totals(s, "milex_usd")
        x0, y0 = totals["alliance"], totals["rivals"]
        g, h = arms.calibrate_grievances(x0, y0, *s.base.baseline_arms)
        a, b, m, n = (s.parameter(ARMS_COEFFICIENTS[k]) for k in "abmn")
        end = arms.richardson_path(x0, y0, a, b, m, n, g, h, np.array([HORIZON]))[:, 0, :]
        return {"x0": x0, "y0": y0, "end": end, "stable": arms.richardson_stable(a, b, m, n)}

    return s.shared("arms", compute)


def _arms_stable(s: State) -> np.ndarray:
    return _race(s)["stable"].astype(float)


def _arms_growth(s: State) -> np.ndarray:
    race = _race(s)
    return race["end"].sum(axis=1) / (race["x0"] + race["y0"]) - 1


def _arms_end(column: int):
    return lambda s: _race(s)["end"][:, column]


# -- alignment (Axelrod & Bennett 1993) ---------------------------------------------------------


def _aligned(s: State) -> np.ndarray:
    return alignment.stability(s)["stable"].astype(float)


def _defectors(s: State) -> np.ndarray:
    return alignment.stability(s)["moving"].sum(axis=-1)


# -- bargaining (Achen 2006; Black 1948; KTAB; Scholz et al. 2011) ------------------------------


def _weighted_mean(s: State) -> np.ndarray:
    return bargaining.weighted_mean(s.positions, s.weights, _salience(s))


def _weighted_median(s: State) -> np.ndarray:
    weights, salience = s.weights, _salience(s)
    return bargaining.weighted_median(s.positions, weights, salience, varying=s.varied_positions())


def _salience(s: State) -> np.ndarray:
    """The saliences per draw, or one row when no draw varies any (cheaper to weigh with)."""
    varied = any(name.endswith(".salience") for name in s.varied)
    return s.salience if varied else s.base.salience


def forecasts(s: State) -> list[Forecast]:
    """The iterative bargaining models, draw by draw (each draw is one bargaining game)."""
    names = list(s.base.actors)
    return s.shared(
        "forecasts",
        lambda: [
            forecast(
                s.positions[i],
                np.broadcast_to(s.weights, s.positions.shape)[i],
                s.salience[i],
                names,
            )
            for i in range(s.size)
        ],
    )


def _forecast(field: str):
    return lambda s: np.array([float(getattr(f, field)) for f in forecasts(s)])


def _bdm_median(s: State) -> np.ndarray:
    return np.array([float(f.bdm["median"].iloc[-1]) for f in forecasts(s)])


# -- the registry -----------------------------------------------------------------------------

_CAPABILITY_NAMES = {
    "gdp_usd": "GDP",
    "milex_usd": "military expenditure",
    "population": "population",
    "cinc": "CINC (material capability)",
}
#: Where the alliance's capability shares are shown (the rival bloc's are in JSON and sweeps).
_SHARE_VIEWS = {
    "gdp_usd": {"headline"},
    "milex_usd": {"headline", "compare"},
    "cinc": {"headline", "compare", "index", "bands", "glance"},
}
_COW = "capability shares (COW CINC, Singer, Bremer & Stuckey 1972)"
_ARMS = tuple(f"parameter:{p}" for p in ARMS_COEFFICIENTS.values())
_POSITIONS = ("judgement:position", "figure:cinc")
_BARGAINING = ("judgement:position", "judgement:salience", "figure:cinc")
_ALIGNMENT = (
    "judgement:position", "figure:size", "trade", "figure:trade_total_usd", "groupings",
    "membership", "parameter:alignment.position_weight", "parameter:alignment.treaty_weight",
    "parameter:alignment.rivalry_weight", "parameter:alignment.trade_weight",
    "parameter:alignment.outside_distance",
)  # fmt: skip


def _declare() -> list[Indicator]:
    items = [
        Indicator(
            "alliance_size", "number of alliance members", "actors", "count",
            "How many of the modelled actors the scenario puts in the alliance.",
            ("membership",), "definition", _alliance_size,
            views=frozenset({"headline", "compare", "index"}),
        ),
    ]  # fmt: skip
    for key, name in _CAPABILITY_NAMES.items():
        short = key.removesuffix("_usd")
        items.append(
            Indicator(
                f"alliance_share_{short}", f"alliance share of the modelled actors' {name}",
                "share", "percent",
                f"The alliance members' total {name} over that of all actors with a figure.",
                (f"figure:{key}", "membership"), _COW, _share(key, "alliance"),
                views=frozenset(_SHARE_VIEWS.get(key, ())),
            )
        )  # fmt: skip
    for key in ("gdp_usd", "milex_usd", "cinc"):
        name, short = _CAPABILITY_NAMES[key], key.removesuffix("_usd")
        items.append(
            Indicator(
                f"rival_share_{short}", f"rival bloc share of the modelled actors' {name}",
                "share", "percent",
                f"The rival bloc's total {name} over that of all actors with a figure.",
                (f"figure:{key}", "membership"), _COW, _share(key, "rivals"),
            )
        )  # fmt: skip
    items += [
        Indicator(
            "balance_ratio_cinc", "alliance CINC / rival-bloc CINC", "ratio", "ratio",
            "The alliance's material capability as a multiple of the rival bloc's.",
            ("figure:cinc", "membership"), _COW, _ratio("cinc"),
            views=frozenset({"headline", "compare"}),
        ),
        Indicator(
            "balance_ratio_milex",
            "alliance military expenditure / rival-bloc military expenditure", "ratio", "ratio",
            "The alliance's military spending as a multiple of the rival bloc's.",
            ("figure:milex_usd", "membership"), _COW, _ratio("milex_usd"),
            views=frozenset({"headline", "bands"}),
        ),
        Indicator(
            "cross_bloc_trade_usd", "goods trade between alliance and rival-bloc members",
            "US$", "usd",
            "Recorded goods trade with one end in the alliance and the other in the rival bloc.",
            ("trade", "membership"), "definition", _cross,
            views=frozenset({"headline", "compare", "index", "bands", "glance"}),
        ),
        Indicator(
            "cross_bloc_trade_share",
            "cross-bloc trade as a share of all recorded trade among the actors", "share",
            "percent", "Cross-bloc trade over all recorded trade between the modelled actors.",
            ("trade", "membership"), "definition", _cross_share,
        ),
        Indicator(
            "cross_bloc_trade_estimated_share",
            "share of cross-bloc trade that rests on gravity estimates", "share", "percent",
            "How much of the trade across the line comes from estimated, not reported, dyads.",
            ("trade", "membership"), "gravity model (Tinbergen 1962)", _cross_estimated,
        ),
        Indicator(
            "trade_at_risk_usd", "trade at risk", "US$",
            "usd", "Cross-bloc trade times the judged share that bloc confrontation disrupts.",
            ("trade", "membership", "parameter:trade.disruption_factor"), "definition",
            _at_risk,
            views=frozenset({"headline", "compare", "index", "bands", "glance", "spread"}),
        ),
        Indicator(
            "trade_at_risk_share_gdp",
            "trade at risk as a share of the modelled actors' combined GDP", "share", "percent",
            "Trade at risk over the combined GDP of the actors with a figure.",
            ("trade", "membership", "parameter:trade.disruption_factor", "figure:gdp_usd"),
            "definition", _at_risk_gdp,
            views=frozenset({"headline", "compare", "bands"}),
        ),
        Indicator(
            "dependence_trade_share_with_alliance",
            "share of {dependence}'s goods trade that is with alliance members", "share",
            "percent",
            "The dependence focus actor's recorded trade with alliance members over its total.",
            ("trade", "figure:trade_total_usd", "membership"), "definition", _dependence,
            views=frozenset({"headline"}),
        ),
        Indicator(
            "isolation_trade_usd", "{isolation}'s total goods trade", "US$", "usd",
            "The isolation focus actor's total goods trade after the scenario's shocks.",
            ("figure:trade_total_usd", "trade"), "definition", _isolation_trade,
            views=frozenset({"headline", "compare"}),
        ),
        Indicator(
            "isolation_top_partner_share", "{isolation}'s largest partner's share of its trade",
            "share", "percent",
            "How much of the isolation focus actor's total trade goes to its largest partner.",
            ("trade", "figure:trade_total_usd"), "concentration (Hirschman 1945)",
            _isolation("top_share"),
            views=frozenset({"headline", "compare"}),
        ),
        Indicator(
            "isolation_partner_count", "{isolation}'s recorded trade partners among the actors",
            "actors", "count", "Modelled actors with recorded trade with the focus actor.",
            ("trade",), "definition", _isolation("partners"),
        ),
        Indicator(
            "isolation_defence_ties", "defence treaties and alliances {isolation} belongs to",
            "ties", "count",
            "Defence treaties in groupings.csv, plus the scenario's alliance once it is formal.",
            ("groupings", "membership", "parameter:alliance.formal_threshold"), "definition",
            _defence_ties,
            views=frozenset({"headline"}),
        ),
        Indicator(
            "polarisation", "Esteban-Ray polarisation of positions on the alliance scale",
            "index", "index",
            "How far capability gathers in distant, cohesive camps on the alliance scale.",
            (*_POSITIONS, "parameter:polarisation.alpha"),
            "polarisation (Esteban & Ray 1994)", _polarisation,
            views=frozenset({"headline", "compare", "index", "bands", "glance", "spread"}),
        ),
        Indicator(
            "position_gap",
            "capability-weighted mean position, alliance minus rival bloc", "scale points",
            "points", "The distance between what the two blocs want on the alliance scale.",
            (*_POSITIONS, "membership"), "weighted mean", _gap,
            views=frozenset({"headline", "compare", "bands", "glance"}),
        ),
        Indicator(
            "arms_race_stable", "whether the arms race between the blocs settles", "", "settles",
            "Richardson's condition m·n > a·b: the race settles (1) or runs away (0).",
            (*_ARMS, "membership"), "arms race (Richardson 1960)", _arms_stable,
            states=("the arms race runs away", "the arms race settles"),
            views=frozenset({"bands"}),
        ),
        Indicator(
            "arms_spending_growth",
            "growth of the two blocs' combined military spending over 10 years", "share",
            "signed_percent", "The Richardson projection's change of combined spending.",
            (*_ARMS, "figure:milex_usd", "membership"), "arms race (Richardson 1960)",
            _arms_growth,
            views=frozenset({"bands", "glance", "spread"}),
        ),
        Indicator(
            "arms_alliance_spending_10y_usd", "alliance military spending after 10 years",
            "US$", "usd", "The Richardson projection of the alliance's spending.",
            (*_ARMS, "figure:milex_usd", "membership"), "arms race (Richardson 1960)",
            _arms_end(0),
            views=frozenset({"bands"}),
        ),
        Indicator(
            "arms_rival_spending_10y_usd", "rival-bloc military spending after 10 years",
            "US$", "usd", "The Richardson projection of the rival bloc's spending.",
            (*_ARMS, "figure:milex_usd", "membership"), "arms race (Richardson 1960)",
            _arms_end(1),
            views=frozenset({"bands"}),
        ),
        Indicator(
            "alignment_stable", "whether the scenario's split is a stable alignment", "",
            "yes_no",
            "No actor would lower its frustration by moving to another bloc or out of both.",
            _ALIGNMENT, "landscape theory (Axelrod & Bennett 1993)", _aligned,
            validated=False,  # hand-computed cases only: no published case could be reproduced
            views=frozenset({"headline", "compare", "index", "bands"}),
            states=("the split is not a stable alignment", "the split is a stable alignment"),
        ),
        Indicator(
            "alignment_defectors", "actors that would gain by changing sides", "actors",
            "count", "How many actors would lower their frustration by moving.",
            _ALIGNMENT, "landscape theory (Axelrod & Bennett 1993)", _defectors,
            validated=False,
            views=frozenset({"headline", "compare"}),
        ),
        Indicator(
            "forecast_weighted_mean", "weighted mean position (Achen 2006)", "scale 0-100",
            "scale", "Positions weighted by capability and salience.",
            _BARGAINING, "weighted mean (Achen 2006)", _weighted_mean,
            views=frozenset({"bands", "spread", "bargaining"}),
        ),
        Indicator(
            "forecast_weighted_median", "weighted median position (Black 1948)", "scale 0-100",
            "scale", "The position no coalition of more than half the weight can move.",
            _BARGAINING, "weighted median (Black 1948)", _weighted_median,
            views=frozenset({"bands", "bargaining"}),
        ),
        Indicator(
            "forecast_smp_position", "most likely outcome, KTAB spatial model (turn 0)",
            "scale 0-100", "scale", "The position with the best chance of prevailing.",
            _BARGAINING, "KTAB spatial model of politics", _forecast("smp_position"),
            iterative=True,
            views=frozenset({"bargaining"}),
        ),
        Indicator(
            "forecast_smp_probability", "probability of that outcome (KTAB spatial model)",
            "probability", "percent", "Its probability of prevailing at turn 0.",
            _BARGAINING, "KTAB spatial model of politics", _forecast("smp_probability"),
            iterative=True,
            views=frozenset({"bargaining"}),
        ),
        Indicator(
            "forecast_bdm_median",
            "median after 8 rounds of the expected-utility model", "scale 0-100", "scale",
            "Bueno de Mesquita's model as reconstructed by Scholz, Calbert & Smith (2011).",
            _BARGAINING, "expected utility (Scholz et al. 2011)", _bdm_median, iterative=True,
            views=frozenset({"bargaining"}),
        ),
        Indicator(
            "forecast_bdm_converged", "whether the expected-utility model converged", "",
            "yes_no", "Whether the round-by-round model settled within 8 rounds.",
            _BARGAINING, "expected utility (Scholz et al. 2011)", _forecast("bdm_converged"),
            iterative=True,
            states=("the expected-utility model does not converge", "it converges"),
            views=frozenset({"bargaining"}),
        ),
    ]  # fmt: skip
    return items


#: Every indicator, in reading order, keyed by its key.
INDICATORS: Mapping[str, Indicator] = MappingProxyType({i.key: i for i in _declare()})
#: The indicators a sweep evaluates by default: all but the draw-by-draw bargaining models.
SWEPT: tuple[str, ...] = tuple(k for k, i in INDICATORS.items() if not i.iterative)


def shown_in(view: str) -> list[str]:
    """The keys of the indicators a table or chart shows (`registry.VIEWS`), in order."""
    return [k for k, i in INDICATORS.items() if view in i.views]


def format_value(key: str, value: float | None) -> str:
    """An indicator's value with its unit, as the registry declares it."""
    return INDICATORS[key].show(value)


def load_world(data_dir: str | Path | None = None) -> World:
    """Read and validate data/, checking that each implication names a registry indicator.

    In a render, a kernel reads the same data once for all its pages (a World is never
    changed); a data file that changed meanwhile is read again."""
    if not shared.rendering():
        return _load_world(data_dir, indicators=INDICATORS)
    root = data_folder(data_dir)
    name = shared.key("world", str(root), data_digest(root))
    return shared.kept(name, lambda: _load_world(data_dir, indicators=INDICATORS))
