"""Exploring a scenario's uncertainty: which judgements drive an outcome (Sobol', Morris via
SALib) and which ranges of them make an outcome happen (PRIM scenario discovery).

The methods are in `analysis.methods` and know nothing of scenarios; here they are applied to
a scenario's judged uncertainties, every design evaluated by the engine in one call.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.methods.prim import Box, prim
from analysis.methods.sensitivity import (
    DEFAULT_SEED,
    Model,
    morris_analysis,
    sobol_analysis,
)
from analysis.model.engine import prepare, state
from analysis.model.evaluation import measure
from analysis.model.indicators import INDICATORS
from analysis.model.sampling import problem, sample
from analysis.world import Scenario, World

#: Comparison operators a condition may use.
OPERATORS = {
    ">": operator.gt,
    ">=": operator.ge,
    "<": operator.lt,
    "<=": operator.le,
    "==": operator.eq,
    "!=": operator.ne,
}
_CONDITION = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(>=|<=|==|!=|>|<)\s*(\S+)\s*$")


def scenario_model(scenario: Scenario, world: World, names: Sequence[str], outcome: str) -> Model:
    """``model(X) -> y``: one indicator for a design matrix whose columns are ``names``
    (inputs not named keep the scenario's values), evaluated by the engine in one call."""
    if outcome not in INDICATORS or INDICATORS[outcome].iterative:
        raise ValueError(f"unknown outcome {outcome!r}: not an indicator evaluated for many draws")
    columns = list(names)
    base = prepare(world, scenario)

    def model(X: np.ndarray) -> np.ndarray:
        design = pd.DataFrame(np.asarray(X, dtype=float), columns=columns)
        return measure(state(base, design), [outcome])[outcome].to_numpy(float)

    return model


def _scenario_problem(scenario: Scenario, world: World) -> dict:
    found = problem(scenario, world)
    if not found["names"]:
        raise ValueError(f"scenario {scenario.id!r} has no continuous uncertain inputs")
    return found


def sobol_indices(
    scenario: Scenario,
    world: World,
    outcome: str,
    n: int = 1024,
    seed: int = DEFAULT_SEED,
    second_order: bool = False,
) -> pd.DataFrame:
    """Sobol' indices of one outcome over the scenario's continuous uncertain inputs
    (`sampling.problem`), evaluated by the engine in one call.
    See `sobol_analysis` for the columns; ``attrs["analysis"]`` records scenario and outcome."""
    problem = _scenario_problem(scenario, world)
    model = scenario_model(scenario, world, problem["names"], outcome)
    table = sobol_analysis(problem, model, n=n, seed=seed, second_order=second_order)
    table.attrs["analysis"] |= {"scenario": scenario.id, "outcome": outcome}
    return table


def morris_indices(
    scenario: Scenario,
    world: World,
    outcome: str,
    trajectories: int = 50,
    seed: int = DEFAULT_SEED,
    levels: int = 4,
) -> pd.DataFrame:
    """Morris elementary effects of one outcome over the scenario's continuous uncertain
    inputs, evaluated by the engine in one call (see `morris_analysis`)."""
    problem = _scenario_problem(scenario, world)
    model = scenario_model(scenario, world, problem["names"], outcome)
    table = morris_analysis(problem, model, trajectories=trajectories, seed=seed, levels=levels)
    table.attrs["analysis"] |= {"scenario": scenario.id, "outcome": outcome}
    return table


def parse_condition(condition: str) -> tuple[str, str, float]:
    """ "<indicator> <op> <number>" as (indicator, op, number); a clear error otherwise."""
    match = _CONDITION.match(condition)
    if not match:
        raise ValueError(
            f"condition {condition!r} must read '<outcome> <op> <number>', "
            f"op one of {list(OPERATORS)}"
        )
    name, op, value = match.groups()
    try:
        return name, op, float(value)
    except ValueError:
        raise ValueError(f"condition {condition!r}: {value!r} is not a number") from None


def cases(outcomes: pd.DataFrame, condition: str) -> pd.Series:
    """The draws that meet ``condition`` ("arms_race_stable == 0", "trade_at_risk_usd > 3e11")."""
    name, op, value = parse_condition(condition)
    if name not in outcomes:
        raise ValueError(f"unknown outcome {name!r} in condition {condition!r}")
    return pd.Series(OPERATORS[op](outcomes[name].to_numpy(float), value), index=outcomes.index)


def discover(
    scenario: Scenario,
    world: World,
    condition: str,
    draws: int = 2000,
    seed: int = DEFAULT_SEED,
    sampler: str = "lhs",
    **options,
) -> Box:
    """Sample the scenario's uncertainty, evaluate every draw at once, flag the draws that meet
    ``condition`` and find their PRIM box (options as for `prim`). Unless given, the smallest
    box (``mass_min``) is 5% of the draws or half the share of cases if that is rarer, so a
    rare outcome can still be isolated (never fewer than 5 draws)."""
    name, _, _ = parse_condition(condition)
    design = sample(scenario, world, draws, seed, sampler)
    outcomes = measure(state(prepare(world, scenario), design), [name])
    flags = cases(outcomes, condition).to_numpy()
    if "mass_min" not in options:  # a rare outcome needs boxes smaller than 5% of the draws
        options["mass_min"] = min(0.05, max(flags.mean() / 2, 5 / draws))
    return prim(design, flags, what=condition, **options)
