"""How sure are we, for readers: the spread of outcomes, which judgements drive them (Sobol'
indices) and when an outcome happens (PRIM boxes), as tables, charts and sentences.

The numbers come from `analysis.model.exploration` and `analysis.model.sampling`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown

from analysis.methods.prim import Box
from analysis.model.exploration import parse_condition
from analysis.model.indicators import INDICATORS, shown_in
from analysis.report.chart import Chart
from analysis.report.format import capital, format_value, input_label, text
from analysis.report.tables import Table, table
from analysis.world import Scenario, World

#: The outcomes whose spread the uncertainty overview shows (the registry's "spread" view).
SPREAD = tuple(shown_in("spread"))
_OPERATOR_WORDS = {
    ">": "exceeds",
    ">=": "is at least",
    "<": "is below",
    "<=": "is at most",
    "==": "equals",
    "!=": "differs from",
}


def outcome_label(outcome: str) -> str:
    """A reader's name for an indicator (its registry label)."""
    return INDICATORS[outcome].name() if outcome in INDICATORS else outcome


# -- Sobol' chart -----------------------------------------------------------------------------


def plot_sobol(table: pd.DataFrame, labels: Mapping[str, str] | None = None) -> plt.Axes:
    """Horizontal bars of first-order and total Sobol' indices with their intervals, the
    most influential input on top."""
    labels = labels or {}
    data = table.sort_values("ST")
    rows = np.arange(len(data))
    names = [capital(labels.get(n, n)) for n in data.index]
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
) -> Table:
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
    index = pd.Index([capital(outcome_label(o)) for o in outcomes], name="Indicator")
    frame = pd.DataFrame(cells, index=index)
    return table(
        frame,
        caption=f"Median ({100 * low:.0f}th to {100 * high:.0f}th percentile) of each outcome "
        "in each scenario, units in each value",
    )


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
        ax.set_title(capital(outcome_label(outcome)), fontsize=9, loc="left")
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
    spread = percentile_table(sweeps, outcomes).data
    listing = ". ".join(
        f"{label}: " + "; ".join(f"{name} {spread.loc[label, name]}" for name in spread.columns)
        for label in spread.index
    )
    draws = ", ".join(f"{len(s):,} for {name}" for name, s in sweeps.items())
    return Chart(
        plot_distributions(sweeps, outcomes),
        caption=f"How the headline numbers spread when the judgements vary within their ranges "
        f"(draws: {draws}); grey is the reference.",
        alt=f"Histograms of outcomes, median and 5th to 95th percentile. {listing}.",
    )


# -- words ------------------------------------------------------------------------------------


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


# -- scenario discovery -----------------------------------------------------------------------


def _number(value: float) -> str:
    return f"{value:.3g}" if abs(value) < 1000 else f"{value:,.0f}"


def condition_words(condition: str) -> str:
    """A condition as a clause: "the arms race runs away", "trade at risk ... exceeds $300 bn".
    Text that is not a condition ("the cases of interest occur") is returned as it is."""
    try:
        name, op, value = parse_condition(condition)
    except ValueError:
        return condition
    indicator = INDICATORS.get(name)
    if indicator is not None and indicator.states and value in (0, 1) and op in ("==", "!="):
        return indicator.states[int(bool(value) == (op == "=="))]
    if indicator is not None and indicator.states and op in ("<", ">") and value == 0.5:
        return indicator.states[int(op == ">")]
    return f"{outcome_label(name)} {_OPERATOR_WORDS[op]} {format_value(name, value)}"


def box_conditions(box: Box, labels: Mapping[str, str] | None = None) -> list[str]:
    """Each restriction of a PRIM box in words, e.g. "arms.reaction_rival exceeds 0.19"."""
    labels = labels or {}
    out = []
    for name, row in box.limits.iterrows():
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


def box_sentence(box: Box, labels: Mapping[str, str] | None = None) -> str:
    """The box in words, with its coverage and density."""
    head = capital(condition_words(box.what))
    if box.cases == 0:
        return f"{head} in none of the {box.draws:,} draws."
    if box.cases == box.draws:
        return f"{head} in all of the {box.draws:,} draws."
    if box.limits.empty:
        return (
            f"{head} in {box.cases / box.draws:.0%} of the {box.draws:,} draws, and no "
            "range of the uncertain inputs singles those draws out."
        )
    conditions = box_conditions(box, labels)
    joined = conditions[-1]
    if len(conditions) > 1:
        joined = ", ".join(conditions[:-1]) + " and " + joined
    return (
        f"{head} when {joined}. This box holds {box.coverage:.0%} of the draws in which "
        f"that happens (coverage), and it happens in {box.density:.0%} of the draws inside "
        f"the box (density)."
    )


#: Draws above which the box chart's cloud of other draws is an image, not vectors.
RASTER_ABOVE = 5000


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
        rest = ~hit
        # tens of thousands of dots as vectors make a chart of megabytes: beyond a few thousand
        # the background cloud is drawn as one image inside the SVG
        many = int(rest.sum()) > RASTER_ABOVE
        ax.scatter(xs[rest], ys[rest], s=6, color="#b0b0b0", label="other draws", rasterized=many)
        ax.scatter(
            xs[hit],
            ys[hit],
            s=16,
            color="#c0392b",
            label=f"draws in which {condition_words(box.what)}",
        )
        lo = box.limits.loc[[a, b], "low"].to_numpy()
        hi = box.limits.loc[[a, b], "high"].to_numpy()
        lo = np.where(np.isfinite(lo), lo, [xs.min(), ys.min()])
        hi = np.where(np.isfinite(hi), hi, [xs.max(), ys.max()])
        ax.add_patch(
            plt.Rectangle(lo, *(hi - lo), fill=False, edgecolor="black", lw=1.5, label="box")
        )
        ax.set_xlabel(capital(labels.get(a, a)))
        ax.set_ylabel(capital(labels.get(b, b)))
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
        caption=f"Scenario discovery (PRIM): the draws in which {condition_words(box.what)} "
        f"({box.cases:,} of {box.draws:,}) and the box that isolates them, {shown}.",
        alt=box_sentence(box, labels),
    )


def box_words(box: Box, world: World) -> Markdown:
    """The box's sentence with readers' names for the inputs."""
    labels = {n: input_label(n, world) for n in box.inputs.columns}
    return Markdown(box_sentence(box, labels))
