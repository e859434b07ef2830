"""Global sensitivity analysis: which uncertain inputs drive an outcome, and how outcomes are
spread under the scenario's judged uncertainty.

Two methods, both through SALib (Herman & Usher 2017; Iwanaga, Usher & Herman 2022):

* **Sobol' indices** (Sobol' 1993). The first-order index ``S1_i`` is the share of the
  outcome's variance that input ``i`` explains alone, the total index ``ST_i`` the share it
  explains with all its interactions. SALib samples a scrambled Sobol' sequence in Saltelli's
  cross-sampling scheme, ``N (D + 2)`` rows for ``D`` inputs (``N (2D + 2)`` with second-order
  indices), and estimates ``S1`` with Saltelli et al. (2010, table 2 (b)) and ``ST`` with
  Jansen's formula (Saltelli et al. 2010, table 2 (f)); confidence intervals are bootstrap
  intervals over the ``N`` base rows.
* **Morris elementary effects** (Morris 1991), with Campolongo, Cariboni & Saltelli's (2007)
  ``mu_star`` (the mean absolute effect, a screening measure that ranks inputs like ``ST``)
  and ``sigma`` (the spread of effects: non-linearity or interaction). Effects are changes
  of the outcome per unit of the input's *quantile* (0 to 1 over its range), so inputs of
  different units compare directly.

The core functions (`sobol_analysis`, `morris_analysis`) take a SALib ``problem`` and a
vectorised ``model(X) -> y`` and know nothing of the project; the scenario functions
(`sobol_indices`, `morris_indices`) wrap `analysis.uncertainty.evaluate`, which evaluates the
whole design matrix in one call, never one Python call per row.

References: Sobol', I. M. (1993) Sensitivity estimates for nonlinear mathematical models,
*Math. Modeling Comput. Experiment* 1, 407-414. Saltelli, A., Annoni, P., Azzini, I.,
Campolongo, F., Ratto, M. & Tarantola, S. (2010) Variance based sensitivity analysis of model
output, *Comput. Phys. Commun.* 181, 259-270. Morris, M. D. (1991) Factorial sampling plans for
preliminary computational experiments, *Technometrics* 33, 161-174. Campolongo, F., Cariboni,
J. & Saltelli, A. (2007) An effective screening design for sensitivity analysis of large
models, *Environ. Model. Softw.* 22, 1509-1518.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown

from analysis.figures import Chart
from analysis.indicators import KNOWN_INDICATORS
from analysis.presentation import format_value, text
from analysis.world.scenario import Scenario
from analysis.world import World

__all__ = [
    "DEFAULT_SEED",
    "HEADLINE",
    "distribution_chart",
    "introduction",
    "input_label",
    "morris_analysis",
    "morris_indices",
    "outcome_label",
    "percentile_table",
    "plot_distributions",
    "plot_sobol",
    "scenario_model",
    "sobol_analysis",
    "sobol_chart",
    "sobol_indices",
    "sobol_words",
    "spread_words",
]

#: Seed used when none is given (the 04_uncertainty notebook's default).
DEFAULT_SEED = 20261126

Model = Callable[[np.ndarray], np.ndarray]

#: Headline outcomes whose spread the uncertainty brief shows.
HEADLINE = ("trade_at_risk_usd", "polarisation", "arms_spending_growth", "forecast_weighted_mean")

#: Reader-facing names of the model parameters in data/parameters.csv.
PARAMETER_LABELS = {
    "trade.disruption_factor": "the share of cross-bloc trade at risk",
    "polarisation.alpha": "the polarisation exponent (Esteban-Ray alpha)",
    "arms.reaction_alliance": "the alliance's reaction to rival spending",
    "arms.reaction_rival": "the rival bloc's reaction to alliance spending",
    "arms.fatigue_alliance": "the alliance's spending fatigue",
    "arms.fatigue_rival": "the rival bloc's spending fatigue",
}

#: Reader-facing names of the outcomes the brief shows (others fall back to KNOWN_INDICATORS).
OUTCOME_NAMES = {
    "trade_at_risk_usd": "trade at risk (cross-bloc trade x disruption factor)",
    "polarisation": "polarisation of positions (Esteban-Ray)",
    "arms_spending_growth": "growth of the two blocs' combined military spending in 10 years",
    "forecast_weighted_mean": "bargaining forecast: weighted mean position on the 0-100 scale",
    "arms_race_stable": "whether the arms race settles",
}


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


# -- the generic core -------------------------------------------------------------------------


def _check_problem(problem: Mapping) -> list[str]:
    names = list(problem["names"])
    if problem["num_vars"] != len(names) or len(problem["bounds"]) != len(names):
        raise ValueError("problem: num_vars, names and bounds must have the same length")
    if not names:
        raise ValueError("problem has no inputs: nothing to analyse")
    return names


def _run_model(model: Model, X: np.ndarray) -> np.ndarray:
    """Evaluate the model once on the whole design and check what comes back."""
    y = np.asarray(model(X), dtype=float).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"model returned {y.shape[0]} values for {X.shape[0]} rows")
    if not np.all(np.isfinite(y)):
        raise ValueError("model returned non-finite values: indices are undefined")
    if np.ptp(y) == 0:
        raise ValueError("the outcome does not vary over the inputs' ranges: nothing to apportion")
    return y


def sobol_analysis(
    problem: Mapping,
    model: Model,
    n: int = 1024,
    seed: int = DEFAULT_SEED,
    second_order: bool = False,
    resamples: int = 100,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Sobol' indices of ``model`` over ``problem`` (a SALib problem dict).

    ``n`` base samples (a power of two, as the Sobol' sequence needs) give ``n (D + 2)`` model
    evaluations, ``n (2D + 2)`` with ``second_order``; ``model`` receives the whole design
    matrix (rows = runs, columns = ``problem["names"]``) in one call. Returns one row per input
    with ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (half-widths of bootstrap ``conf_level``
    intervals) and, with ``second_order``, ``S2[<other>]`` / ``S2_conf[<other>]`` columns.
    The same seed gives the same table. Estimators: Saltelli et al. (2010), as SALib
    implements them (see the module docstring).
    """
    from SALib.analyze import sobol as analyze
    from SALib.sample import sobol as sample

    names = _check_problem(problem)
    if n < 2 or n & (n - 1):
        raise ValueError(f"n must be a power of two (Sobol' sequence), got {n}")
    X = sample.sample(dict(problem), n, calc_second_order=second_order, seed=seed)
    y = _run_model(model, X)
    result = analyze.analyze(
        dict(problem),
        y,
        calc_second_order=second_order,
        num_resamples=resamples,
        conf_level=conf_level,
        seed=seed,
    )
    table = pd.DataFrame(
        {key: np.asarray(result[key], dtype=float) for key in ("S1", "S1_conf", "ST", "ST_conf")},
        index=pd.Index(names, name="input"),
    )
    if second_order:
        for key in ("S2", "S2_conf"):
            matrix = np.asarray(result[key], dtype=float)
            matrix = np.where(np.isnan(matrix), matrix.T, matrix)  # SALib fills the upper half
            for j, other in enumerate(names):
                table[f"{key}[{other}]"] = matrix[:, j]
    table.attrs["analysis"] = {
        "method": "sobol",
        "base_samples": int(n),
        "evaluations": int(X.shape[0]),
        "seed": int(seed),
        "conf_level": conf_level,
        "second_order": bool(second_order),
    }
    return table


def morris_analysis(
    problem: Mapping,
    model: Model,
    trajectories: int = 50,
    seed: int = DEFAULT_SEED,
    levels: int = 4,
    resamples: int = 1000,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Morris (1991) elementary effects of ``model`` over ``problem``.

    ``trajectories`` one-at-a-time paths through a ``levels``-point grid of each input's
    quantiles give ``trajectories (D + 1)`` evaluations, all passed to ``model`` at once.
    Returns one row per input with ``mu`` (mean effect), ``mu_star`` (mean absolute effect,
    Campolongo et al. 2007), ``mu_star_conf`` (bootstrap half-width) and ``sigma`` (standard
    deviation of the effects). Effects are per unit of the input's quantile: an input whose
    change over its whole range moves the outcome by ``d`` has effects near ``d``.
    """
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    names = _check_problem(problem)
    if trajectories < 2:
        raise ValueError(f"need at least two trajectories, got {trajectories}")
    X = sample.sample(dict(problem), trajectories, num_levels=levels, seed=seed)
    if not np.all(np.isfinite(X)):
        raise ValueError("an input's distribution is unbounded: Morris needs finite grid points")
    y = _run_model(model, X)
    result = analyze.analyze(
        dict(problem),
        X,
        y,
        num_resamples=resamples,
        conf_level=conf_level,
        num_levels=levels,
        seed=seed,
    )
    table = pd.DataFrame(
        {
            key: np.asarray(result[key], dtype=float)
            for key in ("mu", "mu_star", "mu_star_conf", "sigma")
        },
        index=pd.Index(names, name="input"),
    )
    table.attrs["analysis"] = {
        "method": "morris",
        "trajectories": int(trajectories),
        "levels": int(levels),
        "evaluations": int(X.shape[0]),
        "seed": int(seed),
        "conf_level": conf_level,
    }
    return table


# -- the scenario model -----------------------------------------------------------------------


def scenario_model(scenario: Scenario, world: World, names: Sequence[str], outcome: str) -> Model:
    """``model(X) -> y``: one outcome of `uncertainty.evaluate` for a design matrix whose
    columns are ``names``; inputs not named keep the scenario's values."""
    from analysis import uncertainty

    if outcome not in uncertainty.OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}; expected one of {uncertainty.OUTCOMES}")
    columns = list(names)

    def model(X: np.ndarray) -> np.ndarray:
        design = pd.DataFrame(np.asarray(X, dtype=float), columns=columns)
        return uncertainty.evaluate(scenario, world, design)[outcome].to_numpy(float)

    return model


def _scenario_problem(scenario: Scenario, world: World) -> dict:
    from analysis import uncertainty

    problem = uncertainty.problem(scenario, world)
    if not problem["names"]:
        raise ValueError(f"scenario {scenario.id!r} has no continuous uncertain inputs")
    return problem


def sobol_indices(
    scenario: Scenario,
    world: World,
    outcome: str,
    n: int = 1024,
    seed: int = DEFAULT_SEED,
    second_order: bool = False,
) -> pd.DataFrame:
    """Sobol' indices of one outcome over the scenario's continuous uncertain inputs
    (`uncertainty.problem`), evaluated through `uncertainty.evaluate` in one call.
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
    inputs, evaluated through `uncertainty.evaluate` in one call (see `morris_analysis`)."""
    problem = _scenario_problem(scenario, world)
    model = scenario_model(scenario, world, problem["names"], outcome)
    table = morris_analysis(problem, model, trajectories=trajectories, seed=seed, levels=levels)
    table.attrs["analysis"] |= {"scenario": scenario.id, "outcome": outcome}
    return table


# -- words ------------------------------------------------------------------------------------


def input_label(name: str, world: World) -> str:
    """A reader's name for an uncertain input, e.g. "China's position (judgement)"."""
    parts = name.split(".")
    if name in PARAMETER_LABELS:
        return PARAMETER_LABELS[name]
    if parts[0] in ("judgements", "bloc") and parts[1] in world.actors.index:
        actor = world.actors.loc[parts[1], "name"]
        if parts[0] == "bloc":
            return f"{actor}'s bloc"
        return f"{actor}'s {parts[2]} (judgement)"
    return name


def outcome_label(outcome: str) -> str:
    """A reader's description of an outcome (`OUTCOME_NAMES`, else `KNOWN_INDICATORS`)."""
    return OUTCOME_NAMES.get(outcome, KNOWN_INDICATORS.get(outcome, outcome))


# -- Sobol' chart -----------------------------------------------------------------------------


def plot_sobol(table: pd.DataFrame, labels: Mapping[str, str] | None = None) -> plt.Axes:
    """Horizontal bars of first-order and total Sobol' indices with their intervals, the
    most influential input on top."""
    labels = labels or {}
    data = table.sort_values("ST")
    rows = np.arange(len(data))
    names = [_capital(labels.get(n, n)) for n in data.index]
    _, ax = plt.subplots(figsize=(9, 0.45 * len(data) + 1.4))
    for offset, key, colour, label in (
        (0.2, "ST", "#1f5fa8", "Total (with interactions)"),
        (-0.2, "S1", "#9bbbe0", "First order (alone)"),
    ):
        ax.barh(
            rows + offset,
            data[key].clip(lower=0),
            xerr=data[f"{key}_conf"],
            height=0.38,
            color=colour,
            label=label,
            error_kw={"ecolor": "#555555", "capsize": 2, "lw": 1},
        )
    ax.set_yticks(rows, names)
    ax.set_xlim(0, max(1.0, float((data["ST"] + data["ST_conf"]).max())))
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel("Share of the outcome's variance (Sobol' index)")
    ax.legend(loc="lower right", fontsize=8)
    return ax


def sobol_chart(table: pd.DataFrame, world: World) -> Chart:
    """The Sobol' bar chart with a caption and alt text that state the indices."""
    meta = table.attrs.get("analysis", {})
    outcome = meta.get("outcome", "the outcome")
    labels = {name: input_label(name, world) for name in table.index}
    ranked = table.sort_values("ST", ascending=False)
    listing = "; ".join(
        f"{labels[name]}: total {row.ST:.0%} (±{row.ST_conf:.0%}), alone {max(row.S1, 0):.0%}"
        for name, row in ranked.iterrows()
    )
    runs = f" from {meta['evaluations']:,} model runs" if "evaluations" in meta else ""
    return Chart(
        plot_sobol(table, labels),
        caption=f"Which judgements drive the {outcome_label(outcome)}: Sobol' indices{runs} "
        "(bars: share of the variance; whiskers: 95% bootstrap intervals).",
        alt=f"Bar chart of Sobol' sensitivity indices for {outcome_label(outcome)}. {listing}.",
    )


# -- distributions of outcomes ----------------------------------------------------------------


def percentile_table(
    sweeps: Mapping[str, pd.DataFrame],
    outcomes: Sequence[str],
    low: float = 0.05,
    high: float = 0.95,
) -> pd.DataFrame:
    """Median and ``low``-``high`` percentile range of each outcome in each sweep, formatted
    with units: one row per outcome, one column per sweep ("median (low to high)")."""
    cells = {}
    for name, sweep in sweeps.items():
        q = sweep[list(outcomes)].quantile([low, 0.5, high])
        cells[name] = [
            f"{format_value(o, q.loc[0.5, o])} ({format_value(o, q.loc[low, o])} to "
            f"{format_value(o, q.loc[high, o])})"
            for o in outcomes
        ]
    index = pd.Index([_capital(outcome_label(o)) for o in outcomes], name="indicator")
    table = pd.DataFrame(cells, index=index)
    table.columns.name = f"median ({100 * low:.0f}th to {100 * high:.0f}th percentile)"
    return table


def plot_distributions(
    sweeps: Mapping[str, pd.DataFrame], outcomes: Sequence[str], bins: int = 40
) -> plt.Figure:
    """One panel per outcome: the distribution of its draws in each sweep (step histograms on
    shared bins), the first sweep tinted as the reference."""
    columns = 2
    rows = -(-len(outcomes) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(10, 2.8 * rows), squeeze=False)
    colours = ["#8c8c8c", "#1f5fa8", "#c0392b", "#d98c1f"]
    for ax, outcome in zip(axes.flat, outcomes, strict=False):
        values = {name: sweep[outcome].to_numpy(float) for name, sweep in sweeps.items()}
        pooled = np.concatenate(list(values.values()))
        edges = np.histogram_bin_edges(pooled, bins=bins)
        if edges[0] == edges[-1]:
            edges = np.array([edges[0] - 0.5, edges[0] + 0.5])
        for (name, draws), colour in zip(values.items(), colours, strict=False):
            ax.hist(draws, bins=edges, histtype="stepfilled", alpha=0.35, color=colour)
            ax.hist(draws, bins=edges, histtype="step", color=colour, lw=1.5, label=name)
        ax.set_title(_capital(outcome_label(outcome)), fontsize=9, loc="left")
        ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _, o=outcome: format_value(o, v)))
        ax.xaxis.set_major_locator(plt.MaxNLocator(4))
        ax.set_yticks([])
    axes.flat[0].legend(fontsize=8)
    for ax in list(axes.flat)[len(outcomes) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def distribution_chart(sweeps: Mapping[str, pd.DataFrame], outcomes: Sequence[str]) -> Chart:
    """Distributions of headline outcomes, reference and scenario, with the medians and
    5-95% ranges in the alt text."""
    table = percentile_table(sweeps, outcomes)
    listing = ". ".join(
        f"{label}: " + "; ".join(f"{name} {table.loc[label, name]}" for name in table.columns)
        for label in table.index
    )
    draws = ", ".join(f"{len(s):,} for {name}" for name, s in sweeps.items())
    return Chart(
        plot_distributions(sweeps, outcomes),
        caption=f"How the headline numbers spread when the judgements vary within their ranges "
        f"(draws: {draws}); grey is the reference.",
        alt=f"Histograms of outcomes, median and 5th to 95th percentile. {listing}.",
    )


# -- words for the brief ----------------------------------------------------------------------


def introduction(
    scenario: Scenario, reference: Scenario, sweeps: Mapping[str, pd.DataFrame]
) -> HTML:
    """Title and opening paragraph: what was varied, how often, against which reference."""
    names = sorted(scenario.uncertainty)
    draws = len(sweeps[scenario.id])
    meta = sweeps[scenario.id].attrs.get("sweep", {})
    samplers = {"lhs": "Latin hypercube", "sobol": "Sobol' sequence", "mc": "Monte Carlo"}
    sampler = meta.get("sampler", "lhs")
    how = f"{samplers.get(sampler, sampler)} sampling, seed {meta.get('seed', '?')}"
    versus = (
        f" The same is done for the reference, <em>{text(reference.title)}</em>, so the two "
        "can be compared draw for draw."
        if reference.id != scenario.id
        else ""
    )
    return HTML(
        f"<h1>How sure are we? {text(scenario.title)}</h1>\n<p>Every number in a scenario "
        f"brief rests on judgements. This brief lets the {len(names)} judgements that the "
        f"scenario marks as uncertain vary within their ranges, {draws:,} times ({text(how)}), "
        "and recomputes the headline numbers for every draw: how wide the outcomes spread, "
        f"which judgements drive them, and when the arms race runs away.{versus}</p>"
    )


def spread_words(sweeps: Mapping[str, pd.DataFrame]) -> Markdown:
    """How often the arms race runs away, and how far spending grows, in each sweep."""
    parts = []
    for name, sweep in sweeps.items():
        runaway = 1 - sweep["arms_race_stable"].mean()
        low, high = (
            format_value("arms_spending_growth", v)
            for v in sweep["arms_spending_growth"].quantile([0.05, 0.95])
        )
        parts.append(
            f"under *{text(name)}* the arms race runs away in {runaway:.1%} of the draws, and "
            f"combined military spending changes by {low} to {high} over ten years "
            "(5th to 95th percentile)"
        )
    sentence = "; ".join(parts)
    return Markdown(sentence[:1].upper() + sentence[1:] + ".")


def sobol_words(table: pd.DataFrame, world: World) -> Markdown:
    """The Sobol' result in a sentence: the inputs that explain most of the variance."""
    outcome = table.attrs.get("analysis", {}).get("outcome", "the outcome")
    ranked = table.sort_values("ST", ascending=False)
    top = ranked[ranked["ST"] >= 0.05]
    listing = "; ".join(
        f"{input_label(name, world)} {row.ST:.0%} ({max(row.S1, 0):.0%} on its own)"
        for name, row in top.iterrows()
    )
    idle = [input_label(n, world) for n, row in ranked.iterrows() if row.ST < 0.01]
    interactions = 1 - ranked["S1"].clip(lower=0).sum()
    tail = f" The rest barely matter: {', '.join(idle)}." if idle else ""
    return Markdown(
        f"Share of the variance of the {outcome_label(outcome)} that each judgement explains, "
        f"with its interactions: {listing}. Interactions between judgements account for about "
        f"{max(interactions, 0):.0%}.{tail}"
    )
