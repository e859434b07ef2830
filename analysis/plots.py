"""One chart per function, for the briefs. Each takes results and returns the Axes it drew."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.colors import to_rgba
from matplotlib.patches import Patch

from analysis.presentation import CAPABILITY_LABELS
from analysis.results import ScenarioResult

BLOC_COLOURS = {"alliance": "#1f5fa8", "rivals": "#c0392b", "others": "#8c8c8c"}


BLOC_NAMES = {"alliance": "Alliance", "rivals": "Rival bloc", "others": "Others"}


def _tint(colour: str, strength: float) -> tuple[float, float, float]:
    """The colour mixed with white: strength 1 keeps it, 0 gives white (for reference bars)."""
    r, g, b, _ = to_rgba(colour)
    return tuple(strength * c + (1 - strength) for c in (r, g, b))


def _label(result: ScenarioResult) -> str:
    return result.scenario.id


def capability_shares(result: ScenarioResult, reference: ScenarioResult | None = None) -> plt.Axes:
    """Alliance and rival-bloc shares of the region's capabilities, scenario vs reference."""
    frames, palette = [], {}
    cases = [(reference, 0.45), (result, 1.0)] if reference is not None else [(result, 1.0)]
    for res, strength in cases:
        table = res.balance[res.balance["bloc"] != "others"].copy()
        table["series"] = table["bloc"].map(BLOC_NAMES) + ": " + _label(res)
        for bloc, series in zip(table["bloc"], table["series"], strict=True):
            palette[series] = _tint(BLOC_COLOURS[bloc], strength)
        frames.append(table)
    data = pd.concat(frames, ignore_index=True)
    data["capability"] = data["indicator"].map(CAPABILITY_LABELS)
    sns.set_theme(style="whitegrid")
    _, ax = plt.subplots(figsize=(9, 4.2))
    sns.barplot(
        data=data,
        y="capability",
        x="share",
        hue="series",
        palette=palette,
        ax=ax,
        orient="h",
        saturation=1,
        errorbar=None,  # one value per bar: nothing to estimate
    )
    ax.set_xlabel("Share of the 16 modelled actors' total")
    ax.set_ylabel("")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlim(0, 1)
    ax.legend(title="", loc="lower right", fontsize=8)
    return ax


def trade_exposure(result: ScenarioResult) -> plt.Axes:
    """Each bloc member's trade across the bloc line, in US$ billion."""
    table = result.exposure[result.exposure["bloc"] != "others"].copy()
    table = table[table["cross_bloc_trade_usd"] > 0].sort_values("cross_bloc_trade_usd")
    _, ax = plt.subplots(figsize=(9, 0.35 * max(len(table), 3) + 1))
    names = result.positions.loc[table.index, "name"]
    ax.barh(names, table["cross_bloc_trade_usd"] / 1e9, color=table["bloc"].map(BLOC_COLOURS))
    ax.set_xlabel("Recorded goods trade with the other bloc (US$ billion)")
    handles = [Patch(color=BLOC_COLOURS[b], label=BLOC_NAMES[b]) for b in ("alliance", "rivals")]
    ax.legend(handles=handles, loc="lower right")
    return ax


def positions(result: ScenarioResult) -> plt.Axes:
    """Actors on the alliance scale: judged position and plausible range, sized by capability."""
    table = result.positions.sort_values("position")
    _, ax = plt.subplots(figsize=(9, 0.32 * len(table) + 1.2))
    rows = range(len(table))
    colours = table["bloc"].map(BLOC_COLOURS).tolist()
    ax.hlines(rows, table["position_low"], table["position_high"], colors=colours, alpha=0.4, lw=3)
    sizes = 40 + 1500 * table["capability_weight"].fillna(0)
    ax.scatter(table["position"], rows, s=sizes, c=colours, zorder=3, edgecolors="white")
    ax.set_yticks(range(len(table)), table["name"])
    ax.set_xlim(-2, 102)
    ax.set_xticks([0, 25, 50, 75, 100])
    ax.set_xticklabels(
        [
            "0\nno blocs",
            "25\ndialogue\n(ARF/SCO)",
            "50\nhub-and-spoke",
            "75\nformal\nalliance",
            "100\nNATO-style",
        ]
    )
    ax.set_xlabel("Preferred regional security architecture (judgement; dot size = CINC share)")
    return ax
