"""Scenario discovery with PRIM: which ranges of the uncertain inputs make an outcome happen.

The Patient Rule Induction Method (Friedman & Fisher 1999) looks for a *box*, a set of
limits on a few inputs, inside which the cases of interest (e.g. draws where the arms race
runs away) are concentrated. It starts from the box that holds every draw and

1. **peels**: among all candidate peels, each removing the ``alpha`` share of the box's
   draws at the low or the high end of one numeric input (or every draw of one category of
   a categorical input), it takes the one that raises the share of cases of interest most per
   draw removed, and repeats while that gain is positive and the box keeps at least
   ``mass_min`` of all draws; patience (small ``alpha``) is what makes the method work
   where greedy recursive partitioning does not (Friedman & Fisher 1999, section 4);
2. **pastes** (optional): it then widens restricted limits again, ``alpha`` times the box's
   draws at a time, while that raises the share (section 5).

Every step is recorded, giving the peeling trajectory: from the whole space (coverage 1,
density = the base rate) to a small, dense box. Scenario discovery (Bryant & Lempert 2010)
reads the box off this trajectory: **coverage** is the share of all cases of interest that
lie in the box, **density** the share of the box's draws that are cases of interest. We take
the step with the largest harmonic mean of the two (density is the precision, coverage the
recall of the rule "inside the box"), then drop restrictions that are not significant by
Bryant & Lempert's quasi-p value (a one-sided binomial test of the box's density against
the density without that restriction), least significant first.

Numeric peels cut at order statistics in the manner of RAND's sdtoolkit and the EMA
Workbench (Kwakkel 2017), whose implementation the tests compare against; the code here is
our own.

References: Friedman, J. H. & Fisher, N. I. (1999) Bump hunting in high-dimensional data,
*Statistics and Computing* 9, 123-143. Bryant, B. P. & Lempert, R. J. (2010) Thinking inside
the box: a participatory, computer-assisted approach to scenario discovery, *Technological
Forecasting and Social Change* 77, 34-49. Kwakkel, J. H. (2017) The Exploratory Modeling
Workbench, *Environmental Modelling & Software* 96, 239-250.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy import stats

__all__ = ["Box", "prim"]


# -- the algorithm ----------------------------------------------------------------------------


@dataclass
class _State:
    """One box: numeric limits (±inf where unrestricted) and the categories each categorical
    input may take; `inside` marks the draws in the box. While peeling, `order` holds the
    box's draws sorted by each numeric input (one row per input), so a peel needs no sort."""

    low: np.ndarray
    high: np.ndarray
    allowed: list[np.ndarray]
    inside: np.ndarray
    order: np.ndarray | None = None

    def copy(self, inside: np.ndarray) -> _State:
        return _State(self.low.copy(), self.high.copy(), [a.copy() for a in self.allowed], inside)

    def restricted(self) -> int:
        numeric = int((np.isfinite(self.low) | np.isfinite(self.high)).sum())
        return numeric + sum(int(not a.all()) for a in self.allowed)


@dataclass(frozen=True)
class _Data:
    numeric: list[str]
    x: np.ndarray  # draws x numeric inputs
    xt: np.ndarray  # the same, one row per input
    categorical: list[str]
    codes: np.ndarray  # draws x categorical inputs, integer codes
    levels: list[np.ndarray]  # the categories of each categorical input
    y: np.ndarray  # bool

    def inside(self, low: np.ndarray, high: np.ndarray, allowed: list[np.ndarray]) -> np.ndarray:
        mask = np.all((self.x >= low) & (self.x <= high), axis=1)
        for j, ok in enumerate(allowed):
            mask &= ok[self.codes[:, j]]
        return mask


def _prepare(inputs: pd.DataFrame, y: ArrayLike) -> _Data:
    y = np.asarray(y)
    if y.ndim != 1 or y.shape[0] != len(inputs):
        raise ValueError(f"need one case flag per draw: {y.shape} for {len(inputs)} draws")
    if y.dtype != bool:
        if not np.isin(y, (0, 1)).all():
            raise ValueError("cases of interest must be boolean (or 0/1)")
        y = y.astype(bool)
    numeric = [c for c in inputs.columns if pd.api.types.is_numeric_dtype(inputs[c])]
    numeric = [c for c in numeric if not pd.api.types.is_bool_dtype(inputs[c])]
    categorical = [c for c in inputs.columns if c not in numeric]
    x = inputs[numeric].to_numpy(float).reshape(len(inputs), len(numeric))
    if not np.all(np.isfinite(x)):
        raise ValueError("inputs must be finite")
    codes, levels = [], []
    for c in categorical:
        code, uniques = pd.factorize(inputs[c], sort=True)
        if (code < 0).any():
            raise ValueError(f"input {c!r} has missing values")
        codes.append(code)
        levels.append(np.asarray(uniques, dtype=object))
    codes_arr = np.column_stack(codes) if codes else np.zeros((len(inputs), 0), dtype=int)
    return _Data(
        list(numeric), x, np.ascontiguousarray(x.T), list(categorical), codes_arr, levels, y
    )


#: A candidate move: (unrestricted inputs after it, draws in the new box, cases of interest
#: among them, a function that builds the new box). Counting first and building only the
#: chosen box keeps a peeling step to a few array passes.
_Candidate = tuple[int, int, int, Callable[[], "_State"]]


def _gain(n_old: int, hits_old: int, n_new: int, hits_new: int) -> float:
    """Change in the share of cases per draw removed or added (Friedman & Fisher 1999's
    criterion normalised by the number of draws moved, the EMA Workbench's 'lenient1')."""
    if n_new == 0 or n_new == n_old:
        return -np.inf
    return float((hits_new / n_new - hits_old / n_old) / abs(n_old - n_new))


def _peels(data: _Data, box: _State, alpha: float) -> list[_Candidate]:
    """Every candidate peel, counted without building its box."""
    out: list[_Candidate] = []
    idx = np.flatnonzero(box.inside)
    n, y = idx.size, data.y[idx]
    hits = int(y.sum())
    free = _free(data, box)
    restricted = np.isfinite(box.low) | np.isfinite(box.high)
    if box.order is None:
        box.order = idx[np.argsort(data.xt[:, idx], axis=1, kind="stable")]
    ordered = np.take_along_axis(data.xt, box.order, axis=1)  # each row sorted
    ordered_y = data.y[box.order]
    # upper end: drop draws at or above the order statistic at (n-1)(1-alpha);
    # lower end: drop draws at or below the order statistic at (n-1) alpha
    upper = ordered[:, math.ceil((n - 1) * (1 - alpha))]
    lower = ordered[:, math.floor((n - 1) * alpha)]
    for j in range(ordered.shape[0]):
        after = free - (not restricted[j])
        below = int(np.searchsorted(ordered[j], upper[j], side="left"))  # values < cut
        if below:  # the limit goes halfway to the largest value kept
            bound = 0.5 * (upper[j] + ordered[j, below - 1])
            build = functools.partial(_peeled, data, box, j, "high", upper[j], bound)
            out.append((after, below, int(np.count_nonzero(ordered_y[j, :below])), build))
        above = int(np.searchsorted(ordered[j], lower[j], side="right"))  # values <= cut
        if above < n:  # halfway to the smallest value kept
            bound = 0.5 * (lower[j] + ordered[j, above])
            build = functools.partial(_peeled, data, box, j, "low", lower[j], bound)
            out.append((after, n - above, int(np.count_nonzero(ordered_y[j, above:])), build))
    for j in range(len(box.allowed)):
        codes = data.codes[idx, j]
        present = np.unique(codes)
        if present.size < 2:
            continue
        after = free - bool(box.allowed[j].all())
        for level in present:
            drop = codes == level
            build = functools.partial(_excluded, box, idx, drop, j, level)
            out.append((after, n - int(drop.sum()), hits - int(y[drop].sum()), build))
    return out


def _peeled(data: _Data, box: _State, j: int, side: str, cut: float, bound: float) -> _State:
    """The box with numeric input j's `side` limit moved to `bound`, less the draws at or
    beyond `cut`."""
    kept = data.xt[j] < cut if side == "high" else data.xt[j] > cut
    new = _narrowed(box, box.inside & kept)
    getattr(new, side)[j] = bound
    return new


def _excluded(box: _State, idx: np.ndarray, drop: np.ndarray, j: int, level: int) -> _State:
    """The box without category `level` of categorical input j."""
    inside = box.inside.copy()
    inside[idx[drop]] = False
    new = _narrowed(box, inside)
    new.allowed[j][level] = False
    return new


def _narrowed(box: _State, inside: np.ndarray) -> _State:
    """A copy of the box holding only the draws in `inside` (a subset of the box's), its
    sorted order kept by dropping the others."""
    new = box.copy(inside)
    if box.order is not None:
        new.order = box.order[inside[box.order]].reshape(box.order.shape[0], -1)
    return new


def _pastes(data: _Data, box: _State, alpha: float) -> list[_Candidate]:
    """Every candidate paste: widen one restricted limit to take in about ``alpha`` times the
    box's draws (the nearest ones outside it), or allow one excluded category back."""
    out = []
    amount = max(1, math.ceil(alpha * int(box.inside.sum())))
    for j in range(data.x.shape[1]):
        for side in ("low", "high"):
            limit = getattr(box, side)[j]
            if not np.isfinite(limit):
                continue
            trial = box.copy(box.inside)
            getattr(trial, side)[j] = -np.inf if side == "low" else np.inf
            near = data.inside(trial.low, trial.high, trial.allowed) & ~box.inside
            values = np.sort(data.x[near, j])
            if not values.size:
                continue
            if side == "low":  # take the largest values below the limit
                taken, rest = values[-amount:], values[:-amount]
                bound = 0.5 * (taken[0] + rest[-1]) if rest.size else -np.inf
            else:
                taken, rest = values[:amount], values[amount:]
                bound = 0.5 * (taken[-1] + rest[0]) if rest.size else np.inf
            new = box.copy(box.inside)
            getattr(new, side)[j] = bound
            new.inside = data.inside(new.low, new.high, new.allowed)
            out.append(new)
    for j, ok in enumerate(box.allowed):
        for level in np.flatnonzero(~ok):
            new = box.copy(box.inside)
            new.allowed[j][level] = True
            new.inside = data.inside(new.low, new.high, new.allowed)
            out.append(new)
    return [
        (
            _free(data, b),
            int(b.inside.sum()),
            int(data.y[b.inside].sum()),
            functools.partial(_same, b),
        )
        for b in out
    ]


def _same(box: _State) -> _State:
    return box


def _free(data: _Data, box: _State) -> int:
    """How many inputs the box leaves unrestricted (ties go to boxes restricting fewer)."""
    return data.x.shape[1] + len(data.categorical) - box.restricted()


def _best(
    data: _Data, box: _State, candidates: list[_Candidate], mass_min: float
) -> tuple[float, _State | None]:
    best, chosen, best_free = 0.0, None, -1
    floor = mass_min * data.y.size
    n_old = int(box.inside.sum())
    hits_old = int(data.y[box.inside].sum())
    for free, size, hits, build in candidates:
        gain = _gain(n_old, hits_old, size, hits)
        if size < floor:
            continue
        if gain > best or (gain == best and chosen is not None and free > best_free):
            best, chosen, best_free = gain, build, free
    return best, (chosen() if chosen is not None else None)


def _trajectory(
    data: _Data, peel_alpha: float, paste_alpha: float, mass_min: float, paste: bool
) -> tuple[list[_State], list[str]]:
    """Peeling (then pasting) from the whole space: every box on the way, and its phase."""
    box = _whole(data)
    steps, phases = [box], ["start"]
    for phase, moves, alpha in (("peel", _peels, peel_alpha), ("paste", _pastes, paste_alpha)):
        while phase == "peel" or paste:
            gain, new = _best(data, box, moves(data, box, alpha), mass_min)
            if new is None or gain <= 0:
                break
            box = new
            steps.append(box)
            phases.append(phase)
    return steps, phases


def _whole(data: _Data) -> _State:
    """The box that holds every draw."""
    p = data.x.shape[1]
    return _State(
        np.full(p, -np.inf),
        np.full(p, np.inf),
        [np.ones(len(levels), dtype=bool) for levels in data.levels],
        np.ones(data.y.size, dtype=bool),
    )


def _stats(data: _Data, box: _State) -> dict[str, float]:
    inside = int(box.inside.sum())
    hits = int(data.y[box.inside].sum())
    total = int(data.y.sum())
    return {
        "coverage": hits / total if total else 0.0,
        "density": hits / inside if inside else 0.0,
        "mass": inside / data.y.size,
        "restricted": box.restricted(),
    }


def _restrictions(data: _Data, box: _State) -> list[tuple[str, int]]:
    out = [
        ("num", j) for j in range(data.x.shape[1]) if np.isfinite([box.low[j], box.high[j]]).any()
    ]
    return out + [("cat", j) for j, ok in enumerate(box.allowed) if not ok.all()]


def _without(data: _Data, box: _State, kind: str, j: int) -> _State:
    new = box.copy(box.inside)
    if kind == "num":
        new.low[j], new.high[j] = -np.inf, np.inf
    else:
        new.allowed[j][:] = True
    new.inside = data.inside(new.low, new.high, new.allowed)
    return new


def _quasi_p(data: _Data, box: _State, kind: str, j: int) -> float:
    """Bryant & Lempert's (2010) quasi-p value of one restriction: the chance of at least the
    box's count of cases among its draws if they had the density of the box without it."""
    wider = _without(data, box, kind, j)
    share = data.y[wider.inside].mean()
    inside, hits = int(box.inside.sum()), int(data.y[box.inside].sum())
    return float(stats.binom.sf(hits - 1, inside, share))


def _prune(data: _Data, box: _State, max_qp: float | None) -> _State:
    """Drop restrictions whose quasi-p value exceeds ``max_qp``, least significant first."""
    while max_qp is not None:
        current = _restrictions(data, box)
        if not current:
            break
        values = [_quasi_p(data, box, kind, j) for kind, j in current]
        worst = int(np.argmax(values))
        if values[worst] <= max_qp:
            break
        box = _without(data, box, *current[worst])
    return box


# -- the result -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Box:
    """A PRIM box: its limits, how well it captures the cases of interest, and the data."""

    limits: pd.DataFrame  # index: restricted input; columns low, high, values, qp
    coverage: float
    density: float
    mass: float
    trajectory: pd.DataFrame  # one row per peeling/pasting step
    selected: int  # the trajectory step the box was taken from (before pruning)
    inputs: pd.DataFrame = field(repr=False)
    interest: np.ndarray = field(repr=False)
    what: str = "the cases of interest occur"

    @property
    def cases(self) -> int:
        """Number of cases of interest among all draws."""
        return int(self.interest.sum())

    @property
    def draws(self) -> int:
        return len(self.inputs)

    def contains(self, inputs: pd.DataFrame) -> np.ndarray:
        """Which rows of ``inputs`` lie inside the box."""
        mask = np.ones(len(inputs), dtype=bool)
        for name, row in self.limits.iterrows():
            if isinstance(row["values"], tuple):
                mask &= inputs[name].isin(row["values"]).to_numpy()
            else:
                values = inputs[name].to_numpy(float)
                mask &= (values >= row["low"]) & (values <= row["high"])
        return mask


def _limits(data: _Data, box: _State) -> pd.DataFrame:
    rows = {}
    for kind, j in _restrictions(data, box):
        qp = _quasi_p(data, box, kind, j)
        if kind == "num":
            rows[data.numeric[j]] = (box.low[j], box.high[j], None, qp)
        else:
            values = tuple(data.levels[j][box.allowed[j]].tolist())
            rows[data.categorical[j]] = (np.nan, np.nan, values, qp)
    table = pd.DataFrame.from_dict(
        rows, orient="index", columns=["low", "high", "values", "qp"]
    ).astype({"low": float, "high": float, "values": object, "qp": float})
    table.index.name = "input"
    return table.sort_values("qp", kind="stable")


def prim(
    inputs: pd.DataFrame,
    interest: ArrayLike,
    peel_alpha: float = 0.05,
    paste_alpha: float = 0.05,
    mass_min: float = 0.05,
    paste: bool = True,
    max_qp: float | None = 0.05,
    what: str = "the cases of interest occur",
) -> Box:
    """Find the PRIM box (Friedman & Fisher 1999) of the draws flagged in ``interest``.

    ``inputs`` has one row per draw and one column per uncertain input (numeric columns are
    cut at values, other columns are categorical); ``interest`` flags the cases of interest.
    The box is the step of the peeling (and, with ``paste``, pasting) trajectory with the
    best balance of coverage and density (harmonic mean), less restrictions whose quasi-p
    value exceeds ``max_qp`` (None keeps all). ``what`` names the cases in the sentence.
    Deterministic: no randomness is involved.
    """
    if not 0 < peel_alpha < 0.5 or not 0 < paste_alpha < 0.5:
        raise ValueError("peel_alpha and paste_alpha must be in (0, 0.5)")
    if not 0 < mass_min < 1:
        raise ValueError("mass_min must be in (0, 1)")
    data = _prepare(inputs, interest)
    trivial = data.y.all() or not data.y.any()
    steps, phases = (
        ([_whole(data)], ["start"])
        if trivial
        else _trajectory(data, peel_alpha, paste_alpha, mass_min, paste)
    )
    trajectory = pd.DataFrame([_stats(data, s) for s in steps])
    trajectory.insert(0, "phase", phases)
    c, d = trajectory["coverage"].to_numpy(), trajectory["density"].to_numpy()
    trajectory["balance"] = np.divide(2 * c * d, c + d, out=np.zeros(len(c)), where=c + d > 0)
    trajectory.index.name = "step"
    selected = int(trajectory["balance"].to_numpy().argmax())
    box = steps[selected] if trivial else _prune(data, steps[selected], max_qp)
    final = _stats(data, box)
    return Box(
        limits=_limits(data, box),
        coverage=final["coverage"],
        density=final["density"],
        mass=final["mass"],
        trajectory=trajectory,
        selected=selected,
        inputs=inputs,
        interest=data.y,
        what=what,
    )
