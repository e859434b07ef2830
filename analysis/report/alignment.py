"""Would this alignment hold? The landscape model's answer for readers: in words, as tables
and as a chart of who would gain by moving (Axelrod & Bennett 1993)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from IPython.display import Markdown

from analysis.model.alignment import Predicted, predicted
from analysis.model.results import ScenarioResult
from analysis.report.chart import BLOC_COLOURS, BLOC_NAMES, Chart
from analysis.report.format import input_label
from analysis.report.tables import Table, table

#: How a side reads in a sentence.
SIDE_WORDS = {"alliance": "the alliance", "rivals": "the rival bloc", "others": "neither bloc"}


def _names(result: ScenarioResult, codes) -> str:
    named = [str(result.world.actors.loc[c, "name"]) for c in codes]
    if len(named) <= 1:
        return "".join(named)
    return ", ".join(named[:-1]) + " and " + named[-1]


def movers_table(result: ScenarioResult) -> Table:
    """The actors that would gain by moving, largest gain first."""
    gains = result.alignment.gains
    movers = gains[gains["gain"] > 0]
    caption = f"Who would gain by moving in {result.scenario.id}, largest gain first"
    if movers.empty:
        note = pd.DataFrame({"Note": ["No actor would gain by moving: the split holds."]})
        return table(note, caption)
    frame = pd.DataFrame(
        {
            "Actor": movers["name"],
            "Now in": movers["side"].map(SIDE_WORDS),
            "Would move to": movers["move"].map(SIDE_WORDS),
            "Fall in its frustration": movers["gain"].map(lambda g: f"{g:.3g}"),
        }
    ).set_index("Actor")
    return table(frame, caption)


def remedy_sentence(result: ScenarioResult, remedy) -> str:
    """One remedy in words: "Taiwan's position falls from 65 to 49"."""
    verb = "rises" if remedy.needed > remedy.current else "falls"
    name = input_label(remedy.input, result.world).removesuffix(" (judgement)")
    digits = 0 if remedy.input.startswith("judgements.") else 2
    return (
        f"{name} {verb} from {remedy.current:.{digits}f} to {remedy.needed:.{digits}f} "
        f"({100 * remedy.relative:.0f}% of its range)"
    )


def hold_words(result: ScenarioResult) -> Markdown:
    """The answer in a paragraph: does the split hold, who would move, where it settles, and
    what it would take to hold."""
    found = result.alignment
    gains = found.gains
    movers = gains[gains["gain"] > 0]
    if found.stable:
        text = (
            "**The split holds**: no actor would lower its frustration by moving to the other "
            "bloc or out of both, so it is a stable alignment in the landscape model."
        )
    else:
        first = movers.iloc[0]
        text = (
            f"**The split does not hold**: {len(movers)} actor(s) would gain by moving, most of "
            f"all {first['name']} (from {SIDE_WORDS[first['side']]} to "
            f"{SIDE_WORDS[first['move']]})."
        )
        moved = found.settles_at[found.settles_at != gains["side"].reindex(found.settles_at.index)]
        if len(moved):
            parts = [
                f"{_names(result, moved.index[moved == side])} to {SIDE_WORDS[side]}"
                for side in ("alliance", "rivals", "others")
                if (moved == side).any()
            ]
            text += (
                f" If each in turn made the move that relieves the most frustration, the region "
                f"would settle after {found.steps} move(s) with " + "; ".join(parts) + "."
            )
    remedies = result.remedies[:3]
    if found.stable:
        return Markdown(text)
    if remedies:
        text += (
            " It would hold if, with everything else as judged, "
            + "; or ".join(remedy_sentence(result, r) for r in remedies)
            + "."
        )
    else:
        text += (
            " No single judgement or weight moved within its range makes it hold: several "
            "actors pull away at once."
        )
    return Markdown(text)


def predicted_table(
    result: ScenarioResult, predicted: Predicted | None = None, caption: str | None = None
) -> Table:
    """The predicted alignments (local minima of the landscape), lowest energy first, with
    the share of starting points that lead to each (the basin)."""
    found = predicted if predicted is not None else result.predicted
    rows = []
    for i, row in enumerate(found.minima.itertuples(), start=1):
        rows.append(
            {
                "Alignment": f"{i}",
                "Energy": row.energy,
                "Basin": round(100 * row.basin),
                "One side": _names(result, row.first) or "nobody",
                "Other side": _names(result, row.second) or "nobody",
                **(
                    {"Outside both": _names(result, row.outside) or "nobody"}
                    if "outside" in found.minima and any(len(o) for o in found.minima["outside"])
                    else {}
                ),
            }
        )
    return table(
        pd.DataFrame(rows).set_index("Alignment"),
        caption=caption
        or f"Alignments the published model predicts for {result.scenario.id}, lowest energy first",
        units={"Basin": "%"},
        formats={"Energy": "{:.4f}"},
    )


def _draw_gains(result: ScenarioResult) -> plt.Figure:
    gains = result.alignment.gains.sort_values("gain")
    fig, ax = plt.subplots(figsize=(9, 0.32 * len(gains) + 1.2))
    colours = [BLOC_COLOURS[s] for s in gains["side"]]
    ax.barh(gains["name"], gains["gain"], color=colours)
    ax.axvline(0, color="#444444", lw=1)
    ax.set_xlabel("Fall in the actor's frustration if it made its best move (> 0: it would move)")
    handles = [plt.Rectangle((0, 0), 1, 1, color=BLOC_COLOURS[b]) for b in BLOC_COLOURS]
    ax.legend(handles, [BLOC_NAMES[b] for b in BLOC_COLOURS], loc="lower right", fontsize=8)
    return fig


def gains_chart(result: ScenarioResult) -> Chart:
    """Each actor's gain from its best move in the scenario's split, coloured by its bloc."""
    gains = result.alignment.gains
    listing = "; ".join(f"{r['name']} {r['gain']:+.3f}" for _, r in gains.iterrows())
    return Chart(
        _draw_gains(result),
        caption="Who would gain by moving: the fall in each actor's frustration from its best "
        "move (landscape model; bars right of zero mark would-be defectors).",
        alt=f"Bar chart of each actor's gain from moving in {result.scenario.id}: {listing}.",
    )


def stability_table(results: dict[str, ScenarioResult]) -> Table:
    """Every scenario: does its split hold, who would move, and what it would take."""
    rows = []
    for res in results.values():
        gains = res.alignment.gains
        movers = gains[gains["gain"] > 0]
        remedy = res.remedies[0] if res.remedies else None
        rows.append(
            {
                "Scenario": res.scenario.title,
                "Holds": "yes" if res.alignment.stable else "no",
                "Would move": _names(res, movers.index) or "nobody",
                "Energy above where it settles": res.alignment.energy_gap,
                "Smallest single change that makes it hold": (
                    "none needed"
                    if res.alignment.stable
                    else remedy_sentence(res, remedy)
                    if remedy
                    else "no single input within its range"
                ),
            }
        )
    return table(
        pd.DataFrame(rows).set_index("Scenario"),
        caption="Whether each scenario's split holds, who would move and what it would take",
        formats={"Energy above where it settles": "{:.4f}"},
    )


def landscape_table(result: ScenarioResult) -> Table:
    """The extended landscape at the scenario's central values: the data's non-aligned
    actors may stay out of both blocs (data/alignment.yaml); its lowest minima."""
    return predicted_table(
        result,
        predicted(result.base, extended=True),
        caption=f"Stable alignments for {result.scenario.id} with actors free to stay out of "
        "both blocs, lowest energy first",
    )


def weights_table(world) -> Table:
    """The judged weights that turn positions, treaties, rivalries and trade into
    propensities, with their ranges and rationales (parameters.csv, `alignment.*`)."""
    rows = world.parameters[world.parameters["name"].str.startswith("alignment.")]
    frame = pd.DataFrame(
        {
            "Weight (judgement)": rows["label"].map(lambda t: t[:1].upper() + t[1:]),
            "Value": rows["value"].map(lambda v: f"{v:g}"),
            "Range": [
                f"{lo:g} to {hi:g}" for lo, hi in zip(rows["low"], rows["high"], strict=True)
            ],
            "Why": rows["rationale"],
        }
    ).set_index("Weight (judgement)")
    return table(frame, caption="The judged weights of the propensities, with their ranges")
