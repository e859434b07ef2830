"""Evaluate the registry's indicators for a scenario: one draw or a million, one code path.

Many draws are evaluated in blocks of at most `BLOCK` draws on every core (`measure_blocks`):
numpy releases the GIL in its heavy loops, and a block's working arrays stay small enough for
the processor's caches. The blocks depend on the number of draws alone, not on the machine.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from types import MappingProxyType

import numpy as np
import pandas as pd
from threadpoolctl import ThreadpoolController

from analysis.model.engine import State, TradeDraws, columns_of, prepared, state, state_of
from analysis.model.indicators import INDICATORS
from analysis.world import Scenario, World

#: Most draws one worker thread evaluates at once (`measure_blocks`): small enough for the
#: working arrays (a few KB per draw) to stay modest, large enough for the Python overhead of
#: a block (the threads take turns for it) not to matter (32,768: measured ~5% faster than
#: 16,384 for a sweep of 1M draws on two cores, with the trade estimates weighed by series).
BLOCK = 32_768
#: Fewest draws in a block when a design is split in two to share it between two cores.
MIN_BLOCK = 4096


def measure(s: State, keys: Sequence[str] | None = None) -> pd.DataFrame:
    """Every indicator in `keys` (default: the whole registry) for every draw of `s`.

    An indicator none of whose inputs (as the registry declares them) the draws vary is
    computed once, on the first draw, and repeated: the registry's "inputs read" make that
    safe, and a test checks the shortcut against the full evaluation."""
    reuse_freed_memory()
    with blas_pools().limit(limits=1, user_api="blas"):
        return pd.DataFrame(measure_columns(s, keys), index=pd.RangeIndex(s.size))


@functools.cache
def reuse_freed_memory() -> None:
    """Make the C allocator (glibc) keep freed memory for the next arrays, once per process.

    An evaluation allocates and frees many arrays of a few MiB per block. glibc gives each
    array above its mmap threshold (128 KiB at first) fresh pages from the OS and returns
    them when it is freed, and returns freed heap memory above twice that threshold; touching
    fresh pages costs a page fault per 4 KiB, which in a virtual machine costs more than the
    arithmetic on them (measured: up to half the time of a sweep). glibc raises both
    thresholds (to at most 32 MiB and 64 MiB) when a block above the mmap threshold is freed:
    freeing one array of 31 MiB, never touched, raises them for the rest of the process, as
    any earlier large array would have. No effect with other allocators, or where the
    thresholds are set (M_MMAP_THRESHOLD, M_TRIM_THRESHOLD)."""
    np.empty(31 * 2**20, dtype=np.uint8)  # allocated and freed at once, never touched


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
    _check_keys(chosen)
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
        columns[key] = values if values.shape == (s.size,) else np.broadcast_to(values, (s.size,))
    return columns


def _check_keys(keys: Sequence[str]) -> None:
    if unknown := [k for k in keys if k not in INDICATORS]:
        raise ValueError(f"unknown indicators {unknown}")


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


def blocks(size: int, block: int = BLOCK) -> list[tuple[int, int]]:
    """`range(size)` as the fewest nearly equal blocks [start, stop) of at most `block`
    draws, and at least two where each would still hold `MIN_BLOCK` draws (so that two cores
    share a design of a few thousand draws too). A function of the sizes alone: the same
    draws are evaluated together on every machine."""
    count = max(-(-size // max(1, block)), min(2, size // MIN_BLOCK), 1)
    edges = [k * size // count for k in range(count + 1)]
    return list(zip(edges[:-1], edges[1:], strict=True))


def measure_blocks(
    states: Callable[[int, int], State],
    size: int,
    keys: Sequence[str],
    block: int = BLOCK,
    out: np.ndarray | None = None,
    progress: bool = False,
) -> np.ndarray:
    """`measure_columns` of `states(start, stop)` (the State of draws start..stop-1) for the
    `blocks` of `size` draws, on every core, written into one array of shape (keys, size),
    `out` if given: no per-block tables to concatenate. Indicators none of whose inputs the
    draws vary are computed once, not once per block (as `measure_columns` does per call)."""
    reuse_freed_memory()
    values = np.empty((len(keys), size)) if out is None else out
    spans = blocks(size, block)
    first = states(0, 1)
    varied = varied_inputs(first)
    rows = list(zip(keys, values, strict=True))
    constant = [k for k in dict.fromkeys(keys) if not set(INDICATORS[k].inputs) & varied]
    varying = [k for k in dict.fromkeys(keys) if k not in constant]

    def one(span: tuple[int, int]) -> None:
        start, stop = span
        columns = measure_columns(states(start, stop), varying)
        for key, row in rows:
            if key in columns:
                row[start:stop] = columns[key]

    workers = min(len(spans), os.cpu_count() or 1)
    # one BLAS thread per worker: the workers already use every core (see `blas_pools`)
    with blas_pools().limit(limits=1, user_api="blas"), ThreadPoolExecutor(workers) as pool:
        done = pool.map(one, spans)
        fixed = measure_columns(first, constant)  # while the blocks run
        for key, row in rows:
            if key in fixed:
                row[...] = fixed[key]
        if progress:
            from tqdm import tqdm

            done = tqdm(done, total=len(spans), desc="sweeping", unit="block", disable=None)
        for _ in done:
            pass
    return values


def evaluate(
    world: World,
    scenario: Scenario,
    draws: pd.DataFrame | None = None,
    keys: Sequence[str] | None = None,
) -> pd.DataFrame:
    """The registry's indicators (all, or `keys`) for each row of `draws`, vectorised.

    Columns of `draws` name varied inputs (parameters, `judgements.<actor>.position|salience`,
    `bloc.<actor>`); inputs it omits keep the scenario's values. Without `draws`, one row at
    the scenario's central values: what `run()` reports. Many draws are evaluated in blocks
    on every core (`measure_blocks`); the scenario is applied to the World once per pair
    (`engine.prepared`).
    """
    base = prepared(world, scenario)
    if draws is None or len(blocks(len(draws), BLOCK)) == 1:
        table = measure(state(base, draws), keys)
    else:
        chosen = list(dict.fromkeys(INDICATORS if keys is None else keys))
        _check_keys(chosen)
        columns = columns_of(draws)

        def states(start: int, stop: int) -> State:
            return state_of(base, {k: v[start:stop] for k, v in columns.items()}, stop - start)

        values = measure_blocks(states, len(draws), chosen, BLOCK)
        table = pd.DataFrame(values.T, columns=chosen, copy=False)
    if draws is not None:
        table.index = draws.index
    return table
