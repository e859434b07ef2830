"""All scenarios at once: their results, their values in long form, and their 5-95% bands."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.model.results import ScenarioResult, run
from analysis.model.sampling import bands as sweep_bands
from analysis.model.sampling import sweep
from analysis.world import World, load_scenario, scenario_ids


def run_all(world: World, ids: Iterable[str] | None = None) -> dict[str, ScenarioResult]:
    """Results of the given scenarios (default: every shipped one), keyed by id."""
    chosen = list(ids) if ids is not None else scenario_ids(world)
    return {i: run(load_scenario(i, world), world) for i in chosen}


def values(results: dict[str, ScenarioResult], names: Iterable[str]) -> pd.DataFrame:
    """Long table: scenario, indicator, value (numbers, for charts)."""
    rows = [
        {"scenario": sid, "indicator": name, "value": res.values[name]}
        for sid, res in results.items()
        for name in names
    ]
    return pd.DataFrame(rows)


def bands(results: dict[str, ScenarioResult], world: World, draws: int, seed: int) -> pd.DataFrame:
    """5th-95th percentile ranges of each scenario's outcomes over its judged uncertainties
    (long form: scenario, indicator, p05, p50, p95); scenarios without uncertainty are left
    out."""
    frames = []
    for sid, res in results.items():
        if res.scenario.uncertainty:
            table = sweep_bands(sweep(res.scenario, world, draws, seed))
            frames.append(table.rename_axis("indicator").reset_index().assign(scenario=sid))
    columns = ["scenario", "indicator", "p05", "p50", "p95"]
    return pd.concat(frames)[columns] if frames else pd.DataFrame(columns=columns)
