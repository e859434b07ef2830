"""Evaluate the registry's indicators for a scenario: one draw or a million, one code path."""

from __future__ import annotations

import functools
from collections.abc import Sequence
from types import MappingProxyType

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from analysis.model.engine import State, TradeDraws, prepare, state
from analysis.model.indicators import INDICATORS
from analysis.world import Scenario, World


def measure(s: State, keys: Sequence[str] | None = None) -> pd.DataFrame:
    """Every indicator in `keys` (default: the whole registry) for every draw of `s`.

    An indicator none of whose inputs (as the registry declares them) the draws vary is
    computed once, on the first draw, and repeated: the registry's "inputs read" make that
    safe, and a test checks the shortcut against the full evaluation."""
    with blas_pools().limit(limits=1, user_api="blas"):
        return pd.DataFrame(measure_columns(s, keys), index=pd.RangeIndex(s.size))


@functools.cache
def blas_pools() -> ThreadpoolController:
    """The process's BLAS thread pools. The model's matrix products are small (actors x actors
    or dyads per draw), so BLAS threads cost more than they gain: one is faster (2x on two
    cores), and a sweep's worker threads already use every core."""
    return ThreadpoolController()


def measure_columns(s: State, keys: Sequence[str] | None = None) -> dict[str, np.ndarray]:
    """`measure` as one array per indicator (read-only, possibly broadcast from one value),
    for callers that place the columns themselves (a sweep writes them into its table)."""
    chosen = list(INDICATORS) if keys is None else list(keys)
    if unknown := [k for k in chosen if k not in INDICATORS]:
        raise ValueError(f"unknown indicators {unknown}")
    varying = varied_inputs(s)
    single = None
    columns = {}
    for key in chosen:
        indicator = INDICATORS[key]
        if s.size > 1 and not (set(indicator.inputs) & varying):
            single = single if single is not None else first_draw(s)
            values = np.atleast_1d(np.asarray(indicator.compute(single), dtype=float))[:1]
        else:
            values = np.asarray(indicator.compute(s), dtype=float)
        columns[key] = np.broadcast_to(values, (s.size,))
    return columns


def varied_inputs(s: State) -> set[str]:
    """The registry's input names (`figure:milex_usd`, `judgement:position`, `trade`,
    `membership`, `parameter:<name>`) that the draws of `s` vary."""
    found = set()
    for name in s.varied:
        parts = name.split(".")
        if name == "estimate.trade":
            found.add("trade")
        elif parts[0] == "estimate":
            found.add(f"figure:{parts[2]}")
            if parts[2] == s.base.world.alignment.size:
                found.add("figure:size")
        elif parts[0] == "judgements":
            found.add(f"judgement:{parts[2]}")
        elif parts[0] == "bloc":
            found.add("membership")
        else:
            found.add(f"parameter:{name}")
    return found


def first_draw(s: State) -> State:
    """The first draw of `s` on its own (a State of one draw)."""
    one = slice(0, 1)
    figures = {k: (v[one] if v.ndim == 2 else v) for k, v in s.figures.items()}
    trade = TradeDraws(
        s.base.reported, s.base.estimated, s.base.sigma,
        None if s.trade.score is None else s.trade.score[one],
    )  # fmt: skip
    return State(
        s.base, 1, s.positions[one], s.salience[one], s.alliance[one], s.rivals[one],
        MappingProxyType({k: v[one] for k, v in s.parameters.items()}),
        MappingProxyType(figures), trade, s.varied,
    )  # fmt: skip


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
