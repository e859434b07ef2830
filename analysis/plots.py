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


def alliance_network(world, blocs: pd.Series) -> plt.Axes:
    """Security ties as a network: defence treaties solid, partnerships dashed; nodes sized by
    CINC share and coloured by bloc. The layout is seeded, so the figure is reproducible."""
    import networkx as nx

    from analysis.actors import ties

    edges = ties(world)
    graph = nx.Graph()
    graph.add_nodes_from(world.actors.index)
    for row in edges.itertuples():
        graph.add_edge(row.a, row.b, kind=row.kind)
    layout = nx.spring_layout(graph, seed=7, k=0.9)
    _, ax = plt.subplots(figsize=(9, 6.5))
    for kind, style in (("defence_treaty", "solid"), ("security_partnership", "dashed")):
        chosen = [(a, b) for a, b, k in graph.edges(data="kind") if k == kind]
        nx.draw_networkx_edges(graph, layout, edgelist=chosen, style=style, alpha=0.6, ax=ax)
    weights = world.figures["cinc"].reindex(list(graph.nodes)).fillna(0)
    nx.draw_networkx_nodes(
        graph, layout, node_size=(200 + 6000 * weights).tolist(), ax=ax, edgecolors="white",
        node_color=[BLOC_COLOURS[blocs.get(n, "others")] for n in graph.nodes],
    )  # fmt: skip
    nx.draw_networkx_labels(
        graph, layout, labels=world.actors["name"].to_dict(), font_size=8, ax=ax
    )
    handles = [Patch(color=BLOC_COLOURS[b], label=BLOC_NAMES[b]) for b in BLOC_COLOURS]
    handles += [
        plt.Line2D([], [], color="black", label="Defence treaty"),
        plt.Line2D([], [], color="black", linestyle="--", label="Security partnership"),
    ]
    ax.legend(handles=handles, loc="lower left", fontsize=8, frameon=False)
    ax.set_axis_off()
    return ax


def memberships(table: pd.DataFrame) -> plt.Axes:
    """Which actor belongs to which treaty, partnership or forum (a filled cell = member)."""
    _, ax = plt.subplots(figsize=(9, 0.32 * len(table) + 1.5))
    sns.heatmap(table, cmap=["#f2f2f2", "#1f5fa8"], cbar=False, linewidths=0.5, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    return ax


def capabilities(world) -> plt.Axes:
    """Each actor's share of the region's CINC and of its military spending."""
    figures = world.figures[["cinc", "milex_usd"]]
    shares = figures / figures.sum()
    shares.index = world.actors.loc[shares.index, "name"]
    shares = shares.sort_values("cinc")
    _, ax = plt.subplots(figsize=(9, 0.32 * len(shares) + 1.2))
    rows = range(len(shares))
    ax.barh([r + 0.2 for r in rows], shares["cinc"], height=0.4, color="#555555", label="CINC")
    ax.barh(
        [r - 0.2 for r in rows], shares["milex_usd"], height=0.4, color="#d98c1f",
        label="Military spending (actors with a SIPRI figure)",
    )  # fmt: skip
    ax.set_yticks(list(rows), shares.index)
    ax.xaxis.set_major_formatter(plt.FuncFormatter(lambda v, _: f"{v:.0%}"))
    ax.set_xlabel("Share of the modelled actors' total")
    ax.legend(loc="lower right")
    return ax


def scenario_dots(
    values: pd.DataFrame,
    labels: dict[str, str],
    names: list[str],
    bands: pd.DataFrame | None = None,
) -> plt.Figure:
    """Small multiples: one panel per indicator, one dot per scenario (values in long form),
    with a 5-95% band behind each dot where `bands` (long form) gives one."""
    import textwrap

    from analysis.indicators import KNOWN_INDICATORS
    from analysis.presentation import format_value

    columns = 2
    rows = -(-len(names) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(10, 2.4 * rows), sharey=True)
    order = list(labels)
    for ax, name in zip(axes.flat, names, strict=False):
        data = values[values["indicator"] == name].set_index("scenario").loc[order, "value"]
        ax.scatter(data.to_numpy(), range(len(order)), color="#1f5fa8", s=40, zorder=3)
        if bands is not None and not bands.empty:
            mine = bands[bands["indicator"] == name].set_index("scenario").reindex(order)
            ax.hlines(range(len(order)), mine["p05"], mine["p95"], color="#8fb3de", lw=5,
                      alpha=0.7, zorder=2)  # fmt: skip
        else:
            ax.hlines(range(len(order)), data.min(), data.to_numpy(), color="#cccccc", lw=1)
        ax.set_title(textwrap.fill(KNOWN_INDICATORS[name], 40), fontsize=9, loc="left")
        ax.xaxis.set_major_formatter(
            plt.FuncFormatter(lambda v, _, name=name: format_value(name, v))
        )
        ax.xaxis.set_major_locator(plt.MaxNLocator(3))
        ax.set_yticks(range(len(order)), [labels[s] for s in order])
        ax.grid(axis="x", alpha=0.4)
    for ax in list(axes.flat)[len(names) :]:
        ax.set_visible(False)
    fig.tight_layout()
    return fig


def arms_paths(result: ScenarioResult, reference: ScenarioResult | None = None) -> plt.Axes:
    """Both blocs' projected military spending over ten years (reference dashed)."""
    _, ax = plt.subplots(figsize=(9, 4))
    cases = [(result, "-", 1.0)] + ([(reference, "--", 0.55)] if reference is not None else [])
    for res, style, strength in cases:
        for bloc, column in (("alliance", "alliance"), ("rivals", "rivals")):
            series = res.arms.path[column] / 1e9
            colour = _tint(BLOC_COLOURS[bloc], strength)
            label = f"{BLOC_NAMES[bloc]}: {_label(res)}"
            ax.plot(series.index, series.to_numpy(), style, color=colour, lw=2, label=label)
    ax.set_xlabel("Years from today")
    ax.set_ylabel("Military spending (US$ billion)")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8, loc="best")
    return ax
