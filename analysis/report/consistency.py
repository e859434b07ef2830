"""Cross-impact balance analysis for readers: tables, sentences and the matrix heatmap.

The analysis itself (Weimer-Jehle 2006) is `analysis.methods.cib`; this module only presents
its results in the 05_consistency overview.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns

from analysis.methods import cib
from analysis.report.chart import Chart
from analysis.report.tables import Table, table


def descriptor_table(matrix: pd.DataFrame) -> Table:
    """Descriptors and their ordered states, with labels: what a scenario is made of."""
    layout = cib.matrix_layout(matrix)
    rows = [
        {
            "descriptor": d,
            "position": i + 1,
            "state": s,
            "meaning": cib.label(matrix, d, s),
        }
        for d, states in zip(layout.descriptors, layout.states, strict=True)
        for i, s in enumerate(states)
    ]
    return table(
        pd.DataFrame(rows).set_index(["descriptor", "position"]),
        caption="The descriptors and their states, in order",
    )


def judgements(matrix: pd.DataFrame) -> Table:
    """The non-zero judgements with their rationales, one row per (source state, target).

    Each row reads "if <descriptor: state> then <target descriptor>: <scores>", with the
    rationale from the YAML file, in matrix order.
    """
    rationales = matrix.attrs.get("rationales", {})
    keys = list(matrix.index)
    values = matrix.to_numpy()
    rows: dict[tuple, list[str]] = {}
    for i, j in zip(*np.nonzero(values), strict=True):
        source, (target, state) = keys[i], keys[j]
        why = rationales.get((source, keys[j]), "")
        rows.setdefault((source, target, why), []).append(f"{state} {int(values[i, j]):+d}")
    listed = [
        {"if": f"{sd}: {ss}", "then": target, "scores": ", ".join(cells), "rationale": why}
        for ((sd, ss), target, why), cells in rows.items()
    ]
    return table(
        pd.DataFrame(listed, columns=["if", "then", "scores", "rationale"]),
        caption="Every non-zero judgement with its rationale, in matrix order",
    )


def scenario_table(scenarios: pd.DataFrame, limit: int | None = None) -> Table:
    """A `consistent_scenarios` table for readers: one column per scenario, best first.

    Rows are the descriptors, then the inconsistency and total impact score; columns are
    numbered "Scenario 1", "Scenario 2", ...; `limit` keeps the first so many.
    """
    shown = scenarios if limit is None else scenarios.head(limit)
    frame = shown.T.copy()
    frame.columns = [f"Scenario {i}" for i in range(1, len(shown) + 1)]
    frame.index = [
        name.replace("_", " ") if name in cib.RESULT_COLUMNS else name for name in frame.index
    ]
    frame.index.name = "descriptor"
    more = f", the first {len(shown)} of {len(scenarios)}" if len(shown) < len(scenarios) else ""
    return table(frame, caption=f"Scenarios, one per column, best supported first{more}")


def summary(
    matrix: pd.DataFrame,
    scenarios: pd.DataFrame,
    tolerance: int = 0,
    fixed: cib.Scenario | None = None,
) -> str:
    """One sentence: how many of the possible scenarios are consistent (Markdown)."""
    space = cib.scenario_count(matrix, fixed)
    held = ""
    if fixed:
        held = " with " + " and ".join(f"{d} held at *{s}*" for d, s in fixed.items())
    within = "consistent" if tolerance == 0 else f"within {tolerance} point(s) of consistent"
    if len(scenarios) == 0:
        found = f"none is {within}"
        if tolerance == 0:
            found += "; raise the tolerance to see the least inconsistent ones"
    else:
        found = f"**{len(scenarios)}** {'is' if len(scenarios) == 1 else 'are'} {within}"
    return f"Of the {space:,} possible combinations{held}, {found}."


def succession_table(result: cib.Succession) -> Table:
    """A succession path for readers: one column per step, an arrow marking each change."""
    columns = {}
    previous: dict[str, str] | None = None
    for step, scenario in enumerate(result.path):
        name = "start" if step == 0 else f"step {step}"
        columns[name] = {
            d: (s if previous is None or previous[d] == s else f"→ {s}")
            for d, s in scenario.items()
        }
        previous = scenario
    frame = pd.DataFrame(columns)
    frame.index.name = "descriptor"
    return table(frame, caption="The path step by step, an arrow marking each change")


def describe_succession(result: cib.Succession) -> str:
    """One sentence on where a succession path ends (Markdown)."""
    rule = (
        "each descriptor jumping to its best state"
        if result.rule == "global"
        else ("each descriptor moving one state at a time")
    )
    if result.ended_in == "attractor":
        if result.steps == 0:
            return f"The starting point is already consistent: nothing moves ({rule})."
        return (
            f"After {result.steps} step(s), {rule}, the path settles in a consistent "
            "scenario (an attractor) and stays there."
        )
    first = result.cycle[0]
    changing = [d for d in first if any(s[d] != first[d] for s in result.cycle)]
    return (
        f"The path never settles ({rule}): it falls into a cycle of {len(result.cycle)} "
        f"scenarios that repeat for ever, with {', '.join(changing)} switching back and forth."
    )


def intervention_table(
    matrix: pd.DataFrame, interventions: Mapping[str, cib.Scenario], tolerance: int = 0
) -> Table:
    """What each intervention does to the set of consistent scenarios.

    One column per case (first "no intervention", then each named intervention); one row per
    descriptor listing the states found among that case's consistent scenarios with how many
    scenarios have each (fixed descriptors are marked), and a first row with the count.
    """
    layout = cib.matrix_layout(matrix)
    cases = {"no intervention": {}, **interventions}
    columns = {}
    for name, fixed in cases.items():
        found = cib.consistent_scenarios(matrix, tolerance, fixed)
        cells = {"consistent scenarios": str(len(found))}
        for d in layout.descriptors:
            if d in fixed:
                cells[d] = f"{fixed[d]} (fixed)"
                continue
            counts = found[d].value_counts()
            order = [s for s in layout.states[layout.descriptors.index(d)] if s in counts]
            cells[d] = ", ".join(f"{s} ({counts[s]})" for s in order) or "none"
        columns[name] = cells
    frame = pd.DataFrame(columns)
    frame.index.name = "descriptor"
    return table(
        frame, caption="States found among the consistent scenarios, with how many have each"
    )


def heading(matrix: pd.DataFrame) -> str:
    """Title, summary and the nature of the scores, as Markdown for the top of a brief."""
    attrs = matrix.attrs
    kind = attrs.get("kind", "")
    nature = (
        "Every score is an **expert judgement**, not a measured figure; each comes with "
        "its rationale below."
        if kind == "judgement"
        else f"Scores: {kind or 'unspecified'}."
    )
    layout = cib.matrix_layout(matrix)
    size = f"{len(layout.descriptors)} descriptors, {int(layout.sizes.sum())} states"
    parts = [f"# {attrs.get('title', 'Cross-impact balance analysis')}", attrs.get("summary", "")]
    parts.append(f"*{size}; file `{Path(attrs.get('path', '')).name}`.* {nature}")
    return "\n\n".join(p for p in parts if p)


def baseline_report(matrix: pd.DataFrame) -> str:
    """Whether the baseline ("today") is consistent, and which descriptors pull away (Markdown)."""
    baseline = matrix.attrs.get("baseline")
    if baseline is None:
        return "This matrix names no baseline scenario."
    gaps = cib.descriptor_gaps(matrix, baseline)
    note = matrix.attrs.get("baseline_note", "")
    state = ", ".join(f"{d}: *{s}*" for d, s in baseline.items())
    text = f"The baseline ({state}). {note}".strip()
    if gaps.max() == 0:
        return text + "\n\nBy these judgements the baseline is **consistent**: it holds itself."
    balances = cib.impact_balances(matrix, baseline)
    pulls = []
    for d, gap in gaps[gaps > 0].items():
        block = balances.loc[d]
        pulls.append(f"{d} towards *{block.idxmax()}* (by {gap} points)")
    return (
        text + f"\n\nBy these judgements the baseline is **not consistent** "
        f"(inconsistency {gaps.max()}): the judgements pull " + "; ".join(pulls) + "."
    )


def provenance(matrix: pd.DataFrame) -> str:
    """Where the matrix came from: file, its SHA-256 and the number of judgements (Markdown)."""
    path = Path(matrix.attrs.get("path", ""))
    digest = hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path.is_file() else "n/a"
    count = int((matrix.to_numpy() != 0).sum())
    return (
        f"Matrix `{path.name}` (SHA-256 `{digest}`), {count} non-zero judgements. Method: "
        "Weimer-Jehle (2006), Cross-impact balances, *Technological Forecasting & Social "
        "Change* 73:334-361; code `analysis/methods/cib.py`."
    )


def plot_matrix(matrix: pd.DataFrame, ax: plt.Axes | None = None) -> plt.Axes:
    """Heatmap of the cross-impact matrix: rows act on columns; blue promotes, red hinders.

    Descriptors' own blocks are blank (a descriptor does not act on itself); lines separate
    the descriptors; non-zero scores are written in their cells.
    """
    layout = cib.matrix_layout(matrix)
    values = layout.impacts
    names = [f"{d}: {s}" for d, s in matrix.index]
    own = layout.owner()
    mask = own[:, None] == own[None, :]
    annot = np.where(values != 0, values.astype(str), "")
    limit = max(3, int(np.abs(values).max()))
    size = 3 + 0.32 * len(names)
    if ax is None:
        _, ax = plt.subplots(figsize=(size + 1.5, size))
    sns.heatmap(
        pd.DataFrame(values, index=names, columns=names),
        mask=mask,
        cmap="RdBu",
        center=0,
        vmin=-limit,
        vmax=limit,
        annot=annot,
        fmt="",
        annot_kws={"fontsize": 7},
        linewidths=0.3,
        linecolor="white",
        cbar_kws={"label": "impact of row state on column state", "shrink": 0.6},
        ax=ax,
    )
    for edge in layout.offsets[1:]:
        ax.axhline(edge, color="#444444", linewidth=1)
        ax.axvline(edge, color="#444444", linewidth=1)
    ax.set_xlabel("is affected (target state)")
    ax.set_ylabel("if this state holds (source state)")
    ax.set_title(matrix.attrs.get("title", "Cross-impact matrix"))
    ax.tick_params(labelsize=8)
    return ax


def cib_matrix_chart(matrix: pd.DataFrame) -> Chart:
    """Heatmap of a cross-impact matrix, with its strongest judgements in the alt text."""
    stacked = matrix.stack([0, 1], future_stack=True)
    stacked = stacked[stacked != 0]
    strongest = stacked.reindex(stacked.abs().sort_values(ascending=False).index[:8])
    listing = "; ".join(
        f"{src}={src_state} on {dst}={dst_state}: {score:+d}"
        for (src, src_state, dst, dst_state), score in strongest.items()
    )
    count = int((matrix.to_numpy() != 0).sum())
    return Chart(
        plot_matrix(matrix),
        caption="Cross-impact judgements: each row state acts on each column state; blue "
        "promotes, red hinders, darker is stronger.",
        alt=f"Heatmap of {count} non-zero cross-impact judgements. Strongest: {listing}.",
    )
