"""A scenario's outlook: the Richardson arms race between its two blocs, and what bargaining
among the actors predicts on the alliance scale (weighted mean and median, KTAB's spatial
model at turn 0, and Bueno de Mesquita's expected-utility model as in Scholz et al. 2011)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from analysis.methods import arms, bargaining
from analysis.model.engine import HORIZON

#: Years of the arms-race path a brief shows.
YEARS = np.arange(0, int(HORIZON) + 1)


@dataclass(frozen=True)
class ArmsRace:
    """Both blocs' projected military spending, and whether the race settles."""

    path: pd.DataFrame  # index year; columns alliance, rivals (US$)
    coefficients: Mapping[str, float]  # a, b, m, n of the scenario
    stable: bool
    equilibrium: tuple[float, float]  # (alliance, rivals) steady state; inf when none

    @property
    def growth(self) -> float:
        """Growth of the two blocs' combined spending over the projection (0.1 = +10%)."""
        total = self.path.sum(axis=1)
        return float(total.iloc[-1] / total.iloc[0] - 1)


def arms_race(
    x0: float,
    y0: float,
    baseline: tuple[float, float, float, float],
    scenario: Mapping[str, float],
    years: np.ndarray = YEARS,
) -> ArmsRace:
    """Project the blocs' spending from today's (x0, y0) under the scenario's coefficients.

    Grievances are calibrated so that today's spending is the steady state under the
    status-quo (`baseline`) coefficients: with unchanged coefficients nothing moves, and any
    change in the path comes from the scenario's changed reactions and fatigue.
    """
    g, h = arms.calibrate_grievances(x0, y0, *baseline)
    a, b, m, n = (scenario[k] for k in "abmn")
    path = arms.richardson_path(x0, y0, a, b, m, n, g, h, years)
    x_star, y_star = arms.richardson_equilibrium(a, b, m, n, g, h)
    return ArmsRace(
        path=pd.DataFrame(path, index=pd.Index(years, name="year"), columns=["alliance", "rivals"]),
        coefficients=dict(scenario),
        stable=bool(arms.richardson_stable(a, b, m, n)),
        equilibrium=(float(x_star), float(y_star)),
    )


@dataclass(frozen=True)
class Forecast:
    """Where bargaining among the actors lands on the alliance scale."""

    weighted_mean: float
    weighted_median: float
    smp_position: float  # KTAB SMP: the position most likely to prevail at turn 0
    smp_probability: float
    smp: pd.DataFrame  # per actor: risk attitude and win probability
    bdm: pd.DataFrame  # per round: positions, median, mean, max_move

    @property
    def bdm_converged(self) -> bool:
        return bool(self.bdm.attrs.get("converged", False))


def forecast(
    positions: np.ndarray, capability: np.ndarray, salience: np.ndarray, names: list[str]
) -> Forecast:
    """Bargaining forecasts from positions (0-100), capability (CINC) and salience (0-100),
    one value per actor in `names`."""
    pos, cap, sal = (np.asarray(v, dtype=float) for v in (positions, capability, salience))
    smp = bargaining.smp_turn0(cap, pos[:, None], sal[:, None])
    best = int(np.argmax(smp.position_probability))
    return Forecast(
        weighted_mean=float(bargaining.weighted_mean(pos, cap, sal)),
        weighted_median=float(bargaining.weighted_median(pos, cap, sal)),
        smp_position=float(pos[smp.unique_actors[best]]),
        smp_probability=float(smp.position_probability[best]),
        smp=smp.table(names),
        bdm=bargaining.bdm_rounds(cap, pos, sal, rounds=8, names=names),
    )
