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

import math
import operator
import re
from collections.abc import Mapping
from dataclasses import dataclass, field

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import Markdown
from numpy.typing import ArrayLike
from scipy import stats

from analysis.figures import Chart
from analysis.presentation import format_value
from analysis.world.scenario import Scenario
from analysis.sensitivity import DEFAULT_SEED, input_label, outcome_label
from analysis.world import World

__all__ = ["Box", "box_chart", "box_words", "cases", "condition_words", "discover", "prim"]

#: How the common conditions read in a sentence.
CONDITION_WORDS = {
    "arms_race_stable == 0": "the arms race runs away",
    "arms_race_stable < 0.5": "the arms race runs away",
    "arms_race_stable == 1": "the arms race settles",
    "arms_race_stable > 0.5": "the arms race settles",
}
#: Short nouns for outcomes in a sentence ("trade at risk exceeds $300.0 bn").
OUTCOME_NOUNS = {
    "trade_at_risk_usd": "trade at risk",
    "trade_at_risk_share_gdp": "trade at risk as a share of GDP",
    "arms_spending_growth": "combined military spending",
    "arms_alliance_spending_10y_usd": "the alliance's military spending in ten years",
    "arms_rival_spending_10y_usd": "the rival bloc's military spending in ten years",
    "polarisation": "polarisation",
    "position_gap": "the gap between the blocs' positions",
    "forecast_weighted_mean": "the weighted mean forecast",
    "forecast_weighted_median": "the weighted median forecast",
}
_OPS = {
    ">": (operator.gt, "exceeds"),
    ">=": (operator.ge, "is at least"),
    "<": (operator.lt, "is below"),
    "<=": (operator.le, "is at most"),
    "==": (operator.eq, "equals"),
    "!=": (operator.ne, "differs from"),
}
_CONDITION = re.compile(r"^\s*([A-Za-z_][\w.]*)\s*(>=|<=|==|!=|>|<)\s*(\S+)\s*$")


# -- the algorithm ----------------------------------------------------------------------------


@dataclass
class _State:
    """One box: numeric limits (±inf where unrestricted) and the categories each categorical
    input may take; `inside` marks the draws in the box."""

    low: np.ndarray
    high: np.ndarray
    allowed: list[np.ndarray]
    inside: np.ndarray

    def copy(self, inside: np.ndarray) -> _State:
        return _State(self.low.copy(), self.high.copy(), [a.copy() for a in self.allowed], inside)

    def restricted(self) -> int:
        numeric = int((np.isfinite(self.low) | np.isfinite(self.high)).sum())
        return numeric + sum(int(not a.all()) for a in self.allowed)


@dataclass(frozen=True)
class _Data:
    numeric: list[str]
    x: np.ndarray  # draws x numeric inputs
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
    return _Data(list(numeric), x, list(categorical), codes_arr, levels, y)


def _gain(y: np.ndarray, old: np.ndarray, new: np.ndarray) -> tuple[float, int]:
    """Change in the share of cases per draw removed or added (Friedman & Fisher 1999's
    criterion normalised by the number of draws moved, the EMA Workbench's 'lenient1'),
    and the new box's size."""
    n_old, n_new = int(old.sum()), int(new.sum())
    if n_new == 0 or n_new == n_old:
        return -np.inf, n_new
    change = y[new].mean() - y[old].mean()
    return float(change / abs(n_old - n_new)), n_new


def _peels(data: _Data, box: _State, alpha: float) -> list[tuple[int, _State]]:
    """Every candidate peel, each as (unrestricted dimensions after it, new box)."""
    out = []
    idx = np.flatnonzero(box.inside)
    n = idx.size
    for j in range(data.x.shape[1]):
        values = data.x[idx, j]
        ordered = np.sort(values)
        # upper end: drop draws at or above the order statistic at (n-1)(1-alpha)
        cut = ordered[math.ceil((n - 1) * (1 - alpha))]
        below = ordered[ordered < cut]
        if below.size:
            new = box.copy(box.inside.copy())
            new.high[j] = 0.5 * (cut + below[-1])
            new.inside[idx[values >= cut]] = False
            out.append(new)
        # lower end: drop draws at or below the order statistic at (n-1) alpha
        cut = ordered[math.floor((n - 1) * alpha)]
        above = ordered[ordered > cut]
        if above.size:
            new = box.copy(box.inside.copy())
            new.low[j] = 0.5 * (cut + above[0])
            new.inside[idx[values <= cut]] = False
            out.append(new)
    for j in range(len(box.allowed)):
        present = np.unique(data.codes[idx, j])
        if present.size < 2:
            continue
        for level in present:
            new = box.copy(box.inside.copy())
            new.allowed[j][level] = False
            new.inside[idx[data.codes[idx, j] == level]] = False
            out.append(new)
    return [(_free(data, b), b) for b in out]


def _pastes(data: _Data, box: _State, alpha: float) -> list[tuple[int, _State]]:
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
    return [(_free(data, b), b) for b in out]


def _free(data: _Data, box: _State) -> int:
    """How many inputs the box leaves unrestricted (ties go to boxes restricting fewer)."""
    return data.x.shape[1] + len(data.categorical) - box.restricted()


def _best(
    data: _Data, box: _State, candidates: list[tuple[int, _State]], mass_min: float
) -> tuple[float, _State | None]:
    best, chosen, best_free = 0.0, None, -1
    floor = mass_min * data.y.size
    for free, new in candidates:
        gain, size = _gain(data.y, box.inside, new.inside)
        if size < floor:
            continue
        if gain > best or (gain == best and chosen is not None and free > best_free):
            best, chosen, best_free = gain, new, free
    return best, chosen


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


def _number(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


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

    def conditions(self, labels: Mapping[str, str] | None = None) -> list[str]:
        """Each restriction in words, e.g. "arms.reaction_rival exceeds 0.19"."""
        labels = labels or {}
        out = []
        for name, row in self.limits.iterrows():
            label = labels.get(name, name)
            if isinstance(row["values"], tuple):
                out.append(f"{label} is {' or '.join(str(v) for v in row['values'])}")
            elif np.isfinite(row["low"]) and np.isfinite(row["high"]):
                out.append(f"{label} is between {_number(row['low'])} and {_number(row['high'])}")
            elif np.isfinite(row["low"]):
                out.append(f"{label} exceeds {_number(row['low'])}")
            else:
                out.append(f"{label} is below {_number(row['high'])}")
        return out

    def sentence(self, labels: Mapping[str, str] | None = None) -> str:
        """The box in words, with its coverage and density."""
        what = self.what
        head = what[:1].upper() + what[1:]
        if self.cases == 0:
            return f"{head} in none of the {self.draws:,} draws."
        if self.cases == self.draws:
            return f"{head} in all of the {self.draws:,} draws."
        if self.limits.empty:
            return (
                f"{head} in {self.cases / self.draws:.0%} of the {self.draws:,} draws, and no "
                "range of the uncertain inputs singles those draws out."
            )
        conditions = self.conditions(labels)
        joined = conditions[-1]
        if len(conditions) > 1:
            joined = ", ".join(conditions[:-1]) + " and " + joined
        return (
            f"{head} when {joined}. This box holds {self.coverage:.0%} of the draws in which "
            f"that happens (coverage), and it happens in {self.density:.0%} of the draws inside "
            f"the box (density)."
        )


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


# -- scenarios --------------------------------------------------------------------------------


def _parse(condition: str) -> tuple[str, str, float]:
    match = _CONDITION.match(condition)
    if not match:
        raise ValueError(
            f"condition {condition!r} must read '<outcome> <op> <number>', op one of {list(_OPS)}"
        )
    name, op, value = match.groups()
    try:
        return name, op, float(value)
    except ValueError:
        raise ValueError(f"condition {condition!r}: {value!r} is not a number") from None


def cases(outcomes: pd.DataFrame, condition: str) -> pd.Series:
    """The draws that meet ``condition`` ("arms_race_stable == 0", "trade_at_risk_usd > 3e11")."""
    name, op, value = _parse(condition)
    if name not in outcomes:
        raise ValueError(f"unknown outcome {name!r} in condition {condition!r}")
    return pd.Series(_OPS[op][0](outcomes[name].to_numpy(float), value), index=outcomes.index)


def condition_words(condition: str) -> str:
    """The condition as a clause: "the arms race runs away", "trade at risk exceeds $300 bn"."""
    key = " ".join(_CONDITION.match(condition).groups()) if _CONDITION.match(condition) else ""
    name, op, value = _parse(condition)
    if key in CONDITION_WORDS:
        return CONDITION_WORDS[key]
    noun = OUTCOME_NOUNS.get(name, outcome_label(name))
    if name == "arms_spending_growth":
        verb = {">": "grows by more than", ">=": "grows by at least"}.get(op)
        if verb:
            return f"{noun} {verb} {100 * value:.0f}% in ten years"
    return f"{noun} {_OPS[op][1]} {format_value(name, value)}"


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
    from analysis import uncertainty

    design = uncertainty.sample(scenario, world, draws, seed, sampler)
    outcomes = uncertainty.evaluate(scenario, world, design)
    flags = cases(outcomes, condition).to_numpy()
    if "mass_min" not in options:  # a rare outcome needs boxes smaller than 5% of the draws
        options["mass_min"] = min(0.05, max(flags.mean() / 2, 5 / draws))
    return prim(design, flags, what=condition_words(condition), **options)


# -- chart ------------------------------------------------------------------------------------


def plot_box(box: Box, labels: Mapping[str, str] | None = None) -> plt.Axes:
    """The draws on the box's two most significant numeric inputs, cases of interest in red,
    the box outlined; with fewer than two numeric restrictions, the coverage-density
    trade-off along the peeling trajectory with the chosen box marked."""
    labels = labels or {}
    numeric = [n for n, row in box.limits.iterrows() if not isinstance(row["values"], tuple)]
    _, ax = plt.subplots(figsize=(7, 5))
    if len(numeric) >= 2:
        a, b = numeric[:2]
        xs, ys = box.inputs[a].to_numpy(float), box.inputs[b].to_numpy(float)
        hit = box.interest
        ax.scatter(xs[~hit], ys[~hit], s=6, color="#b0b0b0", label="other draws")
        ax.scatter(xs[hit], ys[hit], s=16, color="#c0392b", label=f"draws in which {box.what}")
        lo = box.limits.loc[[a, b], "low"].to_numpy()
        hi = box.limits.loc[[a, b], "high"].to_numpy()
        lo = np.where(np.isfinite(lo), lo, [xs.min(), ys.min()])
        hi = np.where(np.isfinite(hi), hi, [xs.max(), ys.max()])
        ax.add_patch(
            plt.Rectangle(lo, *(hi - lo), fill=False, edgecolor="black", lw=1.5, label="box")
        )
        ax.set_xlabel(_capital(labels.get(a, a)))
        ax.set_ylabel(_capital(labels.get(b, b)))
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.13), ncol=3)
        return ax
    t = box.trajectory
    scatter = ax.scatter(t["coverage"], t["density"], c=t["restricted"], cmap="viridis", s=18)
    ax.scatter([box.coverage], [box.density], s=120, facecolors="none", edgecolors="#c0392b", lw=2)
    ax.figure.colorbar(scatter, ax=ax, label="restricted inputs")
    ax.set_xlabel("Coverage (share of the cases inside the box)")
    ax.set_ylabel("Density (share of the box's draws that are cases)")
    return ax


def box_chart(box: Box, world: World) -> Chart:
    """The PRIM box as a chart, its sentence as the alt text."""
    labels = {n: input_label(n, world) for n in box.inputs.columns}
    numeric = sum(not isinstance(v, tuple) for v in box.limits["values"])
    shown = (
        "seen on its two most significant inputs (other limits apply too)"
        if numeric > 2
        else "on the two inputs it restricts"
        if numeric == 2
        else "shown as the coverage-density trade-off along PRIM's peeling, the box circled"
    )
    return Chart(
        plot_box(box, labels),
        caption=f"Scenario discovery (PRIM): the draws in which {box.what} "
        f"({box.cases:,} of {box.draws:,}) and the box that isolates them, {shown}.",
        alt=box.sentence(labels),
    )


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


def box_words(box: Box, world: World) -> Markdown:
    """The box's sentence with readers' names for the inputs."""
    labels = {n: input_label(n, world) for n in box.inputs.columns}
    return Markdown(box.sentence(labels))
