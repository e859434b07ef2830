"""Evaluate the registry's indicators for a scenario: one draw or a million, one code path."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from analysis.model.engine import State, prepare, state
from analysis.model.indicators import INDICATORS
from analysis.world import Scenario, World


def measure(s: State, keys: Sequence[str] | None = None) -> pd.DataFrame:
    """Every indicator in `keys` (default: the whole registry) for every draw of `s`."""
    chosen = list(INDICATORS) if keys is None else list(keys)
    if unknown := [k for k in chosen if k not in INDICATORS]:
        raise ValueError(f"unknown indicators {unknown}")
    columns = {}
    for key in chosen:
        values = np.asarray(INDICATORS[key].compute(s), dtype=float)
        columns[key] = np.broadcast_to(values, (s.size,))
    return pd.DataFrame(columns, index=pd.RangeIndex(s.size))


def evaluate(
    world: World,
    scenario: Scenario,
    draws: pd.DataFrame | None = None,
    keys: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The registry's indicators (all, or `keys`) for each row of `draws`, vectorised.

    Columns of `draws` name varied inputs (parameters, `judgements.<actor>.position|salience`,
    `bloc.<actor>`); inputs it omits keep the scenario's values. Without `draws`, one row at
    the scenario's central values: what `run()` reports.
    """
    table = measure(state(prepare(world, scenario), draws), keys)
    if draws is not None:
        table.index = draws.index
    return table
