"""The charts of a scenario brief: capability balance, trade across the line, positions and
the arms race. Each function draws one chart and returns it with its caption and alt text."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch

from analysis.model.results import ScenarioResult
from analysis.report.chart import BLOC_COLOURS, BLOC_NAMES, Chart, listing, tint
from analysis.report.format import CAPABILITY_LABELS, usd


def _draw_capability_shares(
    result: ScenarioResult, reference: ScenarioResult | None = None
) -> plt.Axes:
    """Alliance and rival-bloc shares of the region's capabilities, scenario vs reference."""
    frames, palette = [], {}
    cases = [(reference, 0.45), (result, 1.0)] if reference is not None else [(result, 1.0)]
    for res, strength in cases:
        table = res.balance[res.balance["bloc"] != "others"].copy()
        table["series"] = table["bloc"].map(BLOC_NAMES) + ": " + res.scenario.id
        for bloc, series in zip(table["bloc"], table["series"], strict=True):
            palette[series] = tint(BLOC_COLOURS[bloc], strength)
        frames.append(table)
    data = pd.concat(frames, ignore_index=True)
    data["capability"] = data["indicator"].map(CAPABILITY_LABELS)
    # grouped horizontal bars, first capability on top and series in the order added (drawn
    # with matplotlib: seaborn's categorical machinery cost more than the chart itself)
    capabilities = list(dict.fromkeys(data["capability"]))
    series = list(dict.fromkeys(data["series"]))
    shares = data.pivot(index="capability", columns="series", values="share")
    shares = shares.reindex(index=capabilities, columns=series)
    sns.set_theme(style="whitegrid")
    _, ax = plt.subplots(figsize=(9, 4.2))
    height, rows = 0.8 / len(series), np.arange(len(capabilities))
    for k, name in enumerate(series):
        offset = (k - (len(series) - 1) / 2) * height
        ax.barh(rows + offset, shares[name], height=height, color=palette[name], label=name)
    ax.set_yticks(rows, capabilities)
    ax.set_ylim(len(capabilities) - 0.5, -0.5)
    ax.yaxis.grid(False)
    ax.set_xlabel("Share of the 16 modelled actors' total")
    ax.set_ylabel("")
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlim(0, 1)
    ax.legend(title="", loc="lower right", fontsize=8)
    return ax


def capability_chart(result: ScenarioResult, reference: ScenarioResult | None) -> Chart:
    """Bloc shares of GDP, military spending, population and CINC, scenario vs reference."""
    shares = result.balance.set_index(["bloc", "indicator"])["share"]
    parts = [
        f"{bloc_name}: "
        + ", ".join(
            f"{label} {100 * shares[bloc, key]:.1f}%" for key, label in CAPABILITY_LABELS.items()
        )
        for bloc, bloc_name in (("alliance", "alliance"), ("rivals", "rival bloc"))
    ]
    against = f"; lighter bars show the reference, {reference.scenario.id}" if reference else ""
    return Chart(
        _draw_capability_shares(result, reference),
        caption=f"Shares of the 16 modelled actors' totals in {result.scenario.id}{against}.",
        alt="Bar chart of capability shares in this scenario. " + ". ".join(parts) + ".",
    )


def _draw_trade_exposure(result: ScenarioResult) -> plt.Axes:
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


def trade_chart(result: ScenarioResult) -> Chart:
    """Each bloc member's recorded trade with the other bloc."""
    table = result.exposure[result.exposure["cross_bloc_trade_usd"] > 0]
    table = table.sort_values("cross_bloc_trade_usd", ascending=False)
    names = result.positions.loc[table.index, "name"]
    values = pd.Series(table["cross_bloc_trade_usd"].to_numpy(), index=names)
    return Chart(
        _draw_trade_exposure(result),
        caption="Recorded goods trade of each bloc member with the other bloc (data/trade.csv).",
        alt="Bar chart of trade across the bloc line: "
        + listing(values, "cross_bloc_trade_usd")
        + ".",
    )


def _draw_positions(result: ScenarioResult) -> plt.Axes:
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


def positions_chart(result: ScenarioResult) -> Chart:
    """Judged positions on the alliance scale, with ranges, sized by capability."""
    table = result.positions.sort_values("position", ascending=False)
    described = "; ".join(
        f"{r['name']} {r['position']:.0f} ({r['bloc']})" for _, r in table.iterrows()
    )
    return Chart(
        _draw_positions(result),
        caption="Positions on the alliance scale (judgements, with plausible ranges); dot size is "
        "the share of capability (CINC); colour is the bloc.",
        alt=f"Dot chart of positions from 0 (no blocs) to 100 (NATO-style): {described}.",
    )


def _draw_arms_paths(result: ScenarioResult, reference: ScenarioResult | None = None) -> plt.Axes:
    """Both blocs' projected military spending over ten years (reference dashed)."""
    _, ax = plt.subplots(figsize=(9, 4))
    cases = [(result, "-", 1.0)] + ([(reference, "--", 0.55)] if reference is not None else [])
    for res, style, strength in cases:
        for bloc, column in (("alliance", "alliance"), ("rivals", "rivals")):
            series = res.arms.path[column] / 1e9
            colour = tint(BLOC_COLOURS[bloc], strength)
            label = f"{BLOC_NAMES[bloc]}: {res.scenario.id}"
            ax.plot(series.index, series.to_numpy(), style, color=colour, lw=2, label=label)
    ax.set_xlabel("Years from today")
    ax.set_ylabel("Military spending (US$ billion)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="best")
    return ax


def arms_chart(result: ScenarioResult, reference: ScenarioResult | None) -> Chart:
    """The two blocs' projected spending, scenario and reference."""

    def ends(res: ScenarioResult) -> str:
        first, last = res.arms.path.iloc[0], res.arms.path.iloc[-1]
        return (
            f"{res.scenario.id}: alliance from {usd(first['alliance'])} to "
            f"{usd(last['alliance'])}, rival bloc from {usd(first['rivals'])} to "
            f"{usd(last['rivals'])}"
        )

    cases = [result] + ([reference] if reference is not None else [])
    return Chart(
        _draw_arms_paths(result, reference),
        caption="Projected military spending of the two blocs over ten years (Richardson model; "
        "coefficients are judgements). Dashed: the reference scenario.",
        alt="Line chart of projected military spending. " + "; ".join(ends(r) for r in cases) + ".",
    )
