"""Cross-impact balance (CIB) analysis: which combinations of futures hang together.

Method: Weimer-Jehle, W. (2006), "Cross-impact balances: a system-theoretical approach to
cross-impact analysis", Technological Forecasting & Social Change 73:334-361 (the method
behind the ScenarioWizard software).

A system is described by *descriptors* (e.g. "China"), each with a short ordered list of
*states* (e.g. "counters", "stays out", "joins"). An expert judgement says how much a state of
one descriptor promotes (+) or hinders (-) each state of another, on an integer scale
(usually -3..+3). A *scenario* picks one state per descriptor.

- The *impact balance* of a state, given a scenario, is the sum of the judgements that the
  scenario's chosen states make on it.
- A scenario is *consistent* when every descriptor's chosen state has the highest balance
  among that descriptor's states (a tie with the highest counts as consistent).
- Its *inconsistency* is the largest gap, over descriptors, between the highest balance and
  the chosen state's balance (0 for a consistent scenario); its *total impact score* is the
  sum of the chosen states' balances.
- *Succession* treats the balances as forces: from a starting scenario each descriptor moves
  towards its highest-balance state, repeatedly, until the scenario stops changing (an
  attractor, which is a consistent scenario) or repeats (a cycle).
- An *intervention* fixes a descriptor's state (e.g. China joins): the fixed state keeps
  acting on the others but is exempt from its own consistency test.

A cross-impact matrix is a pandas DataFrame of integers with a (descriptor, state) MultiIndex
on the rows (the source of an impact) and the same MultiIndex on the columns (its target).
Descriptors' own blocks (a descriptor acting on itself) are zero.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import numpy as np
import pandas as pd

from analysis.errors import DataError

#: Result columns of `consistent_scenarios`; no descriptor may take these names.
RESULT_COLUMNS = ("inconsistency", "total_impact_score")

#: Scenarios scored per numpy batch: bounds memory at about CHUNK x (number of states) x 4 bytes.
CHUNK = 65_536

#: Refuse to enumerate larger scenario spaces (use `fixed` or `succession` instead).
MAX_SCENARIOS = 50_000_000

Scenario = Mapping[str, str]
Rule = Literal["global", "adjacent"]

_TOP_KEYS = {
    "id",
    "title",
    "kind",
    "summary",
    "source",
    "scale",
    "baseline",
    "baseline_note",
    "descriptors",
    "impacts",
}
_DESCRIPTOR_KEYS = {"name", "label", "states"}
_STATE_KEYS = {"name", "label"}
_IMPACT_KEYS = {"source", "target", "scores", "rationale"}


# --------------------------------------------------------------------------- reading


def _name(value: Any, path: Path, where: str, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise DataError(path, where, f"{what} must be a non-empty string, got {value!r}")
    return value.strip()


def _keys(entry: Any, allowed: set[str], path: Path, where: str) -> dict:
    if not isinstance(entry, dict):
        raise DataError(path, where, f"expected a mapping, got {type(entry).__name__}")
    unknown = sorted(set(entry) - allowed)
    if unknown:
        raise DataError(path, where, f"unknown key(s) {', '.join(map(str, unknown))}")
    return entry


def _read_descriptors(raw: Any, path: Path) -> tuple[dict[str, list[str]], dict]:
    """Descriptor name -> ordered state names, and labels keyed by descriptor / (descr, state)."""
    if not isinstance(raw, list) or len(raw) < 2:
        raise DataError(path, "descriptors", "expected a list of at least two descriptors")
    states: dict[str, list[str]] = {}
    labels: dict[Any, str] = {}
    for i, entry in enumerate(raw):
        where = f"descriptors[{i}]"
        entry = _keys(entry, _DESCRIPTOR_KEYS, path, where)
        name = _name(entry.get("name"), path, where, "descriptor 'name'")
        where = f"descriptor '{name}'"
        if name in states:
            raise DataError(path, where, "descriptor named twice")
        if name in RESULT_COLUMNS:
            raise DataError(path, where, f"'{name}' is reserved for a result column")
        labels[name] = _name(entry.get("label", name), path, where, "'label'")
        raw_states = entry.get("states")
        if not isinstance(raw_states, list) or len(raw_states) < 2:
            raise DataError(path, where, "'states' must list at least two states")
        names: list[str] = []
        for j, state in enumerate(raw_states):
            swhere = f"{where} states[{j}]"
            state = _keys(state, _STATE_KEYS, path, swhere)
            sname = _name(state.get("name"), path, swhere, "state 'name'")
            if sname in names:
                raise DataError(path, f"{where} state '{sname}'", "state named twice")
            if "label" not in state:
                raise DataError(path, f"{where} state '{sname}'", "missing 'label'")
            labels[(name, sname)] = _name(state["label"], path, swhere, "state 'label'")
            names.append(sname)
        states[name] = names
    return states, labels


def _score(value: Any, scale: tuple[int, int] | None, path: Path, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise DataError(path, where, f"score {value!r} is not an integer")
    if scale is not None and not scale[0] <= value <= scale[1]:
        raise DataError(path, where, f"score {value} is outside the scale {scale[0]}..{scale[1]}")
    return value


def _read_scale(raw: Any, path: Path) -> tuple[int, int] | None:
    if raw is None:
        return None
    ok = isinstance(raw, list) and len(raw) == 2
    ok = ok and all(isinstance(v, int) and not isinstance(v, bool) for v in raw)
    if not ok or raw[0] >= raw[1]:
        raise DataError(path, "scale", f"expected [lowest, highest] integers, got {raw!r}")
    return raw[0], raw[1]


def _read_baseline(raw: Any, states: dict[str, list[str]], path: Path) -> dict[str, str] | None:
    """The optional reference scenario ("the region today"): one known state per descriptor."""
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise DataError(path, "baseline", "expected a mapping of descriptor -> state")
    for descriptor, state in raw.items():
        if descriptor not in states:
            raise DataError(path, "baseline", f"unknown descriptor '{descriptor}'")
        if state not in states[descriptor]:
            raise DataError(
                path, f"baseline '{descriptor}'", f"unknown state '{state}' of '{descriptor}'"
            )
    missing = [d for d in states if d not in raw]
    if missing:
        raise DataError(path, "baseline", f"no state given for {', '.join(missing)}")
    return {d: raw[d] for d in states}


def _read_impacts(
    impacts: Any,
    states: dict[str, list[str]],
    index: pd.MultiIndex,
    scale: tuple[int, int] | None,
    path: Path,
) -> tuple[np.ndarray, dict]:
    """The impact entries as a score array on `index` and the rationale of each non-zero cell."""
    if not isinstance(impacts, list):
        raise DataError(path, "impacts", "expected a list of impact entries")
    values = np.zeros((len(index), len(index)), dtype=np.int64)
    position = {key: i for i, key in enumerate(index)}
    rationales: dict[tuple[tuple[str, str], tuple[str, str]], str] = {}
    seen: set[tuple[str, str, str]] = set()
    for i, entry in enumerate(impacts):
        where = f"impacts[{i}]"
        entry = _keys(entry, _IMPACT_KEYS, path, where)
        source = entry.get("source")
        if not isinstance(source, dict) or len(source) != 1:
            raise DataError(path, where, "'source' must be one {descriptor: state} pair")
        ((src_d, src_s),) = source.items()
        if src_d not in states:
            raise DataError(path, f"{where} source", f"unknown descriptor '{src_d}'")
        if src_s not in states[src_d]:
            raise DataError(path, f"{where} source", f"unknown state '{src_s}' of '{src_d}'")
        tgt_d = entry.get("target")
        if not isinstance(tgt_d, str) or tgt_d not in states:
            raise DataError(path, f"{where} target", f"unknown descriptor '{tgt_d}'")
        where = f"impacts[{i}] ({src_d}={src_s} -> {tgt_d})"
        if (src_d, src_s, tgt_d) in seen:
            raise DataError(path, where, "this source state and target descriptor appear twice")
        seen.add((src_d, src_s, tgt_d))
        scores = entry.get("scores")
        if not isinstance(scores, dict) or not scores:
            raise DataError(path, where, "'scores' must map target states to integers")
        for tgt_s, value in scores.items():
            cell = f"{where} cell '{tgt_s}'"
            if tgt_s not in states[tgt_d]:
                raise DataError(path, cell, f"unknown state '{tgt_s}' of '{tgt_d}'")
            score = _score(value, scale, path, cell)
            if score and tgt_d == src_d:
                raise DataError(path, cell, "self-impact: a descriptor cannot act on itself")
            values[position[(src_d, src_s)], position[(tgt_d, tgt_s)]] = score
        rationale = entry.get("rationale")
        if any(scores.values()) and (not isinstance(rationale, str) or not rationale.strip()):
            raise DataError(path, where, "missing 'rationale' for a non-zero judgement")
        for tgt_s, value in scores.items():
            if value:
                rationales[((src_d, src_s), (tgt_d, tgt_s))] = rationale.strip()
    return values, rationales


def matrix_from_document(raw: object, path: str | Path) -> pd.DataFrame:
    """Validate a cross-impact matrix document (the parsed YAML of the file `path`, read by
    `analysis.model.cross_impact.load_matrix`) and build the matrix. Layout::

        id: somewhere              # optional metadata: id, title, kind, summary, source
        kind: judgement
        scale: [-3, 3]             # optional: scores outside it are errors
        baseline: {China: counters, ...}   # optional reference scenario, every descriptor
        baseline_note: why this is today's situation
        descriptors:               # in order; each with its ordered states
          - name: China
            label: China's stance
            states:
              - {name: counters, label: Refuses and builds a counter-alignment}
              - {name: joins, label: Joins the regional pact}
        impacts:                   # one entry per (source state, target descriptor)
          - source: {China: counters}
            target: Japan
            scores: {rearms: 3, restrained: -3}   # unnamed target states score 0
            rationale: Why, in one line (required when any score is non-zero).

    Cells no entry names are 0. Each problem raises one `DataError` naming the file, the
    descriptor, state or cell, and what was expected: a non-integer score, a descriptor or
    state missing or named twice, a self-impact (a non-zero cell in a descriptor's own block),
    an unknown descriptor or state, a missing rationale, or a cell given twice.

    The returned matrix carries its metadata in `matrix.attrs`: `id`, `title`, `kind`,
    `summary`, `source`, `path`, `labels`, `rationales` ((source, target) cell -> text),
    `baseline` (a scenario dict, or None) and `baseline_note`.
    """
    path = Path(path)
    raw = _keys(raw, _TOP_KEYS, path, "top level")
    for key in ("descriptors", "impacts"):
        if key not in raw:
            raise DataError(path, "top level", f"missing '{key}'")
    states, labels = _read_descriptors(raw["descriptors"], path)
    scale = _read_scale(raw.get("scale"), path)
    baseline = _read_baseline(raw.get("baseline"), states, path)
    index = pd.MultiIndex.from_tuples(
        [(d, s) for d, names in states.items() for s in names], names=["descriptor", "state"]
    )
    values, rationales = _read_impacts(raw["impacts"], states, index, scale, path)
    matrix = pd.DataFrame(values, index=index, columns=index.copy())
    matrix.attrs = {
        "id": str(raw.get("id", path.stem)),
        "title": str(raw.get("title", path.stem)),
        "kind": str(raw.get("kind", "")),
        "summary": str(raw.get("summary", "")).strip(),
        "source": str(raw.get("source", "")).strip(),
        "path": str(path),
        "labels": labels,
        "rationales": rationales,
        "baseline": baseline,
        "baseline_note": str(raw.get("baseline_note", "")).strip(),
    }
    return matrix


# --------------------------------------------------------------------------- structure


@dataclass(frozen=True)
class Layout:
    """Positions of the descriptors' state blocks in a matrix, and the impacts as an array."""

    descriptors: tuple[str, ...]
    states: tuple[tuple[str, ...], ...]
    offsets: np.ndarray  # first row of each descriptor's block
    impacts: np.ndarray  # int32 (states x states)

    @property
    def sizes(self) -> np.ndarray:
        return np.array([len(s) for s in self.states])

    def row(self, descriptor: str, state: str) -> int:
        d = self.descriptors.index(descriptor)
        return int(self.offsets[d]) + self.states[d].index(state)

    def owner(self) -> np.ndarray:
        """For every matrix row, the position of the descriptor it belongs to."""
        return np.repeat(np.arange(len(self.descriptors)), self.sizes)


def matrix_layout(matrix: pd.DataFrame) -> Layout:
    """Check a matrix's shape and read its layout; ValueError if it is not a CIB matrix."""
    index = matrix.index
    if not isinstance(index, pd.MultiIndex) or index.nlevels != 2:
        raise ValueError("a cross-impact matrix needs a (descriptor, state) MultiIndex on rows")
    if not index.equals(matrix.columns):
        raise ValueError("a cross-impact matrix needs the same (descriptor, state) columns as rows")
    if not all(pd.api.types.is_integer_dtype(t) for t in matrix.dtypes):
        raise ValueError("cross-impact scores must be integers")
    codes = list(index.get_level_values(0))
    descriptors = tuple(dict.fromkeys(codes))
    states, offsets, start = [], [], 0
    for d in descriptors:
        block = [s for c, s in index if c == d]
        if codes[start : start + len(block)] != [d] * len(block):
            raise ValueError(f"descriptor '{d}': its states must be contiguous rows")
        if len(set(block)) != len(block):
            raise ValueError(f"descriptor '{d}': a state is named twice")
        states.append(tuple(block))
        offsets.append(start)
        start += len(block)
    impacts = matrix.to_numpy(dtype=np.int32)
    for d, first in enumerate(offsets):
        size = len(states[d])
        if impacts[first : first + size, first : first + size].any():
            raise ValueError(f"descriptor '{descriptors[d]}': non-zero self-impact block")
    return Layout(descriptors, tuple(states), np.array(offsets), impacts)


def _check_state(layout: Layout, descriptor: str, state: str, what: str) -> None:
    if descriptor not in layout.descriptors:
        known = ", ".join(layout.descriptors)
        raise ValueError(f"{what}: unknown descriptor '{descriptor}' (known: {known})")
    states = layout.states[layout.descriptors.index(descriptor)]
    if state not in states:
        raise ValueError(
            f"{what}: unknown state '{state}' of '{descriptor}' (known: {', '.join(states)})"
        )


def _fixed_rows(layout: Layout, fixed: Scenario | None) -> dict[int, int]:
    """Descriptor position -> matrix row of its fixed state."""
    rows = {}
    for descriptor, state in (fixed or {}).items():
        _check_state(layout, descriptor, state, "fixed")
        rows[layout.descriptors.index(descriptor)] = layout.row(descriptor, state)
    return rows


def _scenario_rows(layout: Layout, scenario: Scenario) -> np.ndarray:
    """The matrix row of each descriptor's chosen state, in descriptor order."""
    for descriptor, state in scenario.items():
        _check_state(layout, descriptor, state, "scenario")
    missing = [d for d in layout.descriptors if d not in scenario]
    if missing:
        raise ValueError(f"scenario: no state given for {', '.join(missing)}")
    return np.array([layout.row(d, scenario[d]) for d in layout.descriptors])


def _scenario(layout: Layout, rows: np.ndarray) -> dict[str, str]:
    return {
        d: layout.states[i][int(r) - int(layout.offsets[i])]
        for i, (d, r) in enumerate(zip(layout.descriptors, rows, strict=True))
    }


# --------------------------------------------------------------------------- one scenario


def impact_balances(matrix: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """The impact balance of every state under `scenario` (Weimer-Jehle 2006, section 3).

    The balance of state s is the sum, over the scenario's chosen states c, of the judgement
    of c on s. Returns a Series on the matrix's (descriptor, state) index.
    """
    layout = matrix_layout(matrix)
    rows = _scenario_rows(layout, scenario)
    balances = layout.impacts[rows].sum(axis=0, dtype=np.int64)
    return pd.Series(balances, index=matrix.columns, name="balance")


def _gaps(layout: Layout, balances: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Per descriptor: highest balance among its states minus the chosen state's balance."""
    best = np.maximum.reduceat(balances, layout.offsets)
    return best - balances[rows]


def descriptor_gaps(
    matrix: pd.DataFrame, scenario: Scenario, fixed: Scenario | None = None
) -> pd.Series:
    """How far each descriptor's chosen state is below its best balance (0 = consistent).

    Fixed descriptors (an intervention) take their fixed state, overriding `scenario`, and
    are exempt from the test: their gap is reported as 0.
    """
    layout = matrix_layout(matrix)
    scenario = {**scenario, **(fixed or {})}
    rows = _scenario_rows(layout, scenario)
    gaps = _gaps(layout, layout.impacts[rows].sum(axis=0, dtype=np.int64), rows)
    for d in _fixed_rows(layout, fixed):
        gaps[d] = 0
    return pd.Series(gaps, index=pd.Index(layout.descriptors, name="descriptor"), name="gap")


def inconsistency(matrix: pd.DataFrame, scenario: Scenario, fixed: Scenario | None = None) -> int:
    """Largest gap over descriptors between the best balance and the chosen state's balance.

    0 means consistent (ties with the best count as consistent). Fixed descriptors are exempt.
    """
    return int(descriptor_gaps(matrix, scenario, fixed).max())


def is_consistent(
    matrix: pd.DataFrame, scenario: Scenario, tolerance: int = 0, fixed: Scenario | None = None
) -> bool:
    """Whether every (non-fixed) descriptor's chosen state is within `tolerance` of its best."""
    return inconsistency(matrix, scenario, fixed) <= tolerance


def total_impact_score(matrix: pd.DataFrame, scenario: Scenario) -> int:
    """Sum over descriptors of the chosen state's impact balance (Weimer-Jehle 2006)."""
    layout = matrix_layout(matrix)
    rows = _scenario_rows(layout, scenario)
    return int(layout.impacts[rows].sum(axis=0, dtype=np.int64)[rows].sum())


# --------------------------------------------------------------------------- enumeration


def _choices(layout: Layout, fixed_rows: dict[int, int]) -> list[np.ndarray]:
    """Matrix rows each descriptor may take: all its states, or only its fixed state."""
    return [
        np.array([fixed_rows[d]]) if d in fixed_rows else np.arange(first, first + size)
        for d, (first, size) in enumerate(zip(layout.offsets, layout.sizes, strict=True))
    ]


def _scenario_chunks(choices: list[np.ndarray], chunk: int) -> Iterator[np.ndarray]:
    """All combinations of the choices, `chunk` at a time, as (n, descriptors) arrays of rows.

    Combinations are numbered in mixed radix with the first descriptor most significant, so
    scenarios come out in the order of the descriptors' state lists.
    """
    sizes = [len(c) for c in choices]
    total = math.prod(sizes)
    for start in range(0, total, chunk):
        number = np.arange(start, min(start + chunk, total), dtype=np.int64)
        rows = np.empty((len(number), len(choices)), dtype=np.intp)
        for d in range(len(choices) - 1, -1, -1):
            number, digit = np.divmod(number, sizes[d])
            rows[:, d] = choices[d][digit]
        yield rows


def _score_chunk(
    layout: Layout, rows: np.ndarray, exempt: list[int]
) -> tuple[np.ndarray, np.ndarray]:
    """Inconsistency and total impact score of each scenario (row) of a chunk, vectorised."""
    # np.take gathers whole rows much faster than fancy indexing; one pass per descriptor.
    balances = np.take(layout.impacts, rows[:, 0], axis=0)
    for d in range(1, rows.shape[1]):
        balances += np.take(layout.impacts, rows[:, d], axis=0)
    best = np.maximum.reduceat(balances, layout.offsets, axis=1)
    chosen = np.take_along_axis(balances, rows, axis=1)
    gaps = best - chosen
    gaps[:, exempt] = 0
    return gaps.max(axis=1), chosen.sum(axis=1, dtype=np.int64)


def scenario_count(matrix: pd.DataFrame, fixed: Scenario | None = None) -> int:
    """Number of scenarios in the space (with `fixed` descriptors held at one state)."""
    layout = matrix_layout(matrix)
    fixed_rows = _fixed_rows(layout, fixed)
    return math.prod(1 if d in fixed_rows else int(n) for d, n in enumerate(layout.sizes))


def consistent_scenarios(
    matrix: pd.DataFrame,
    tolerance: int = 0,
    fixed: Scenario | None = None,
    *,
    chunk: int = CHUNK,
    max_scenarios: int = MAX_SCENARIOS,
) -> pd.DataFrame:
    """Every scenario whose inconsistency is at most `tolerance`, by complete enumeration.

    Weimer-Jehle (2006): a scenario is consistent when each descriptor's chosen state has the
    highest impact balance of its descriptor (ties count); `tolerance` > 0 also admits
    scenarios whose largest gap is at most that many points. The whole space is scored with
    numpy, `chunk` scenarios at a time (all state combinations as an integer array; each
    scenario's balances are the sum of the gathered impact rows), so memory stays bounded.

    `fixed` (an intervention, e.g. ``{"China": "joins"}``) holds descriptors at one state:
    they keep acting on the others but are exempt from their own consistency test.

    Returns one column per descriptor (its state) plus `inconsistency` and
    `total_impact_score`, sorted by inconsistency, then by score (highest first), then in
    enumeration order. The total impact score includes fixed descriptors' balances.
    """
    if tolerance < 0:
        raise ValueError(f"tolerance must be 0 or more, got {tolerance}")
    layout = matrix_layout(matrix)
    fixed_rows = _fixed_rows(layout, fixed)
    choices = _choices(layout, fixed_rows)
    total = math.prod(len(c) for c in choices)
    if total > max_scenarios:
        raise ValueError(
            f"{total:,} scenarios exceed max_scenarios={max_scenarios:,}: fix some descriptors "
            "(an intervention) or explore with succession()"
        )
    exempt = sorted(fixed_rows)
    kept_rows, kept_gap, kept_score = [], [], []
    for rows in _scenario_chunks(choices, chunk):
        gap, score = _score_chunk(layout, rows, exempt)
        keep = gap <= tolerance
        kept_rows.append(rows[keep])
        kept_gap.append(gap[keep])
        kept_score.append(score[keep])
    rows = np.concatenate(kept_rows)
    gap = np.concatenate(kept_gap)
    score = np.concatenate(kept_score)
    order = np.lexsort((-score, gap))  # stable: ties keep enumeration order
    rows, gap, score = rows[order], gap[order], score[order]
    state_of_row = np.array([s for states in layout.states for s in states], dtype=object)
    table = pd.DataFrame(
        {d: state_of_row[rows[:, i]] for i, d in enumerate(layout.descriptors)}, dtype=object
    )
    table["inconsistency"] = gap.astype(np.int64)
    table["total_impact_score"] = score.astype(np.int64)
    return table


# --------------------------------------------------------------------------- succession


@dataclass(frozen=True)
class Succession:
    """The path of a succession analysis and how it ended.

    `path` starts with the start scenario (with any fixed states applied) and lists each
    successor until the first repeat. `ended_in` is "attractor" (the last scenario is its own
    successor: a consistent scenario) or "cycle"; `cycle` lists the scenarios that repeat, in
    order (empty for an attractor).
    """

    path: tuple[dict[str, str], ...]
    ended_in: Literal["attractor", "cycle"]
    cycle: tuple[dict[str, str], ...]
    rule: Rule

    @property
    def attractor(self) -> dict[str, str] | None:
        """The consistent scenario the path settled in, or None for a cycle."""
        return self.path[-1] if self.ended_in == "attractor" else None

    @property
    def steps(self) -> int:
        """Number of moves made (0 if the start was already an attractor)."""
        return len(self.path) - 1

    def to_frame(self) -> pd.DataFrame:
        """One row per scenario on the path, indexed by step, with an `in_cycle` flag."""
        table = pd.DataFrame(list(self.path))
        table.index.name = "step"
        cycle = [tuple(s.items()) for s in self.cycle]
        table["in_cycle"] = [tuple(s.items()) in cycle for s in self.path]
        return table


def _successor(
    layout: Layout, rows: np.ndarray, rule: Rule, fixed_rows: dict[int, int]
) -> np.ndarray:
    """One succession step for every descriptor at once (see `succession` for the rules)."""
    balances = layout.impacts[rows].sum(axis=0, dtype=np.int64)
    new = rows.copy()
    for d, (first, size) in enumerate(zip(layout.offsets, layout.sizes, strict=True)):
        if d in fixed_rows:
            continue
        block = balances[first : first + size]
        maxima = np.flatnonzero(block == block.max())
        current = int(rows[d]) - int(first)
        if current in maxima:
            continue
        if rule == "global":
            new[d] = first + maxima[0]
        else:  # adjacent: one state towards the nearest maximum (lower one on a distance tie)
            target = maxima[np.argmin(np.abs(maxima - current))]
            new[d] = first + current + (1 if target > current else -1)
    return new


def succession(
    matrix: pd.DataFrame,
    start: Scenario,
    rule: Rule = "global",
    fixed: Scenario | None = None,
    max_steps: int = 10_000,
) -> Succession:
    """Follow the succession of scenarios from `start` until an attractor or a cycle.

    Weimer-Jehle (2006) reads the impact balances as forces acting on the descriptors: an
    inconsistent scenario gives way to a successor, and repeating this reaches either a
    fixed point, which is a consistent scenario (an attractor), or a cycle.

    Rules (all descriptors move simultaneously in each step):

    - ``"global"``: each descriptor moves to the state with the highest balance. Tie rule: a
      descriptor whose current state is among the highest stays put; otherwise it moves to
      the first highest state in its state list.
    - ``"adjacent"``: each descriptor whose current state is not among the highest moves one
      position along its ordered state list, towards the nearest highest-balance state (on a
      tie in distance, towards the lower position). A descriptor whose current state is among
      the highest stays put, so fixed points are exactly the consistent scenarios. This is
      meant for ordinal descriptors, which cannot jump over intermediate states. Adjacent
      succession appears in Weimer-Jehle's later CIB writing (ScenarioWizard, the 2023 book);
      the exact published wording could not be checked when this was written, so the rule
      above is the one implemented, stated in full.

    `fixed` descriptors (an intervention) are held at their fixed state, overriding `start`,
    and keep acting on the others. The path is deterministic.
    """
    if rule not in ("global", "adjacent"):
        raise ValueError(f"rule must be 'global' or 'adjacent', got {rule!r}")
    layout = matrix_layout(matrix)
    fixed_rows = _fixed_rows(layout, fixed)
    rows = _scenario_rows(layout, {**start, **(fixed or {})})
    seen = {tuple(rows): 0}
    path = [rows]
    for _ in range(max_steps):
        rows = _successor(layout, rows, rule, fixed_rows)
        key = tuple(rows)
        if key in seen:
            first = seen[key]
            scenarios = tuple(_scenario(layout, r) for r in path)
            if first == len(path) - 1:
                return Succession(scenarios, "attractor", (), rule)
            return Succession(scenarios, "cycle", scenarios[first:], rule)
        seen[key] = len(path)
        path.append(rows)
    raise RuntimeError(f"succession did not settle within {max_steps} steps")


# --------------------------------------------------------------------------- labels and starts


def label(matrix: pd.DataFrame, descriptor: str, state: str | None = None) -> str:
    """The label of a descriptor or of one of its states (the name if none was given)."""
    labels = matrix.attrs.get("labels", {})
    key = descriptor if state is None else (descriptor, state)
    return labels.get(key, descriptor if state is None else state)


def start_from(matrix: pd.DataFrame, changes: Scenario) -> dict[str, str]:
    """The matrix's baseline scenario with `changes` applied (a starting point)."""
    baseline = matrix.attrs.get("baseline")
    if baseline is None:
        return dict(changes)  # must then name every descriptor (checked when used)
    layout = matrix_layout(matrix)
    for descriptor, state in changes.items():
        _check_state(layout, descriptor, state, "start")
    return {**baseline, **changes}
