"""The charts of the overview pages: who has what, who is tied to whom, who belongs where, and
every scenario side by side. Each function returns a chart with its caption and alt text."""

from __future__ import annotations

import textwrap

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch

from analysis.model import compare
from analysis.model.indicators import shown_in
from analysis.model.results import ScenarioResult
from analysis.report import actors
from analysis.report.chart import BLOC_COLOURS, BLOC_NAMES, Chart, listing
from analysis.report.format import format_value
from analysis.world import World


def _draw_capabilities(world) -> plt.Axes:
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


def capabilities_chart(world: World) -> Chart:
    """Each actor's share of the region's CINC and military spending."""
    cinc = world.figures["cinc"] / world.figures["cinc"].sum()
    cinc.index = world.actors.loc[cinc.index, "name"]
    return Chart(
        _draw_capabilities(world),
        caption="Shares of the region's material capability (CINC, 2016) and of military "
        "spending (SIPRI, 2023; only actors with a published figure).",
        alt="Bar chart of CINC shares: "
        + listing(cinc.sort_values(ascending=False), "alliance_share_cinc")
        + ".",
    )


def _draw_alliance_network(world, blocs: pd.Series) -> plt.Axes:
    """Security ties as a network: defence treaties solid, partnerships dashed; nodes sized by
    CINC share and coloured by bloc. The layout is seeded, so the figure is reproducible."""
    import networkx as nx

    edges = actors.ties(world)
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


def network_chart(world: World, blocs: pd.Series) -> Chart:
    """Treaties and partnerships between the actors."""
    pairs = actors.ties(world)
    names = world.actors["name"]
    described = "; ".join(
        f"{names[r.a]}-{names[r.b]} ({r.tie})" for r in pairs.itertuples(index=False)
    )
    return Chart(
        _draw_alliance_network(world, blocs),
        caption="Defence treaties (solid) and security partnerships (dashed); node size is the "
        "share of capability, colour the bloc in the status quo.",
        alt=f"Network of security ties: {described}.",
    )


def _draw_memberships(table: pd.DataFrame) -> plt.Axes:
    """Which actor belongs to which treaty, partnership or forum (a filled cell = member)."""
    _, ax = plt.subplots(figsize=(9, 0.32 * len(table) + 1.5))
    sns.heatmap(table, cmap=["#f2f2f2", "#1f5fa8"], cbar=False, linewidths=0.5, ax=ax)
    ax.set_xlabel("")
    ax.set_ylabel("")
    return ax


def memberships_chart(world: World) -> Chart:
    """Membership of treaties, partnerships and fora."""
    table = actors.memberships(world)
    described = "; ".join(f"{g}: {', '.join(table.index[table[g] == 1])}" for g in table.columns)
    return Chart(
        _draw_memberships(table),
        caption="Membership of treaties, partnerships, regional organisations and fora among the "
        "16 actors (data/groupings.csv).",
        alt=f"Grid of memberships. {described}.",
    )


def _draw_scenario_dots(
    values: pd.DataFrame,
    labels: dict[str, str],
    names: list[str],
    titles: dict[str, str],
    bands: pd.DataFrame | None = None,
) -> plt.Figure:
    """Small multiples: one panel per indicator, one dot per scenario (values in long form),
    with a 5-95% band behind each dot where `bands` (long form) gives one."""
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
        ax.set_title(textwrap.fill(titles[name], 40), fontsize=9, loc="left")
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


def scenario_dots_chart(
    results: dict[str, ScenarioResult],
    bands: pd.DataFrame | None = None,
    names: list[str] | None = None,
) -> Chart:
    """Small multiples comparing the scenarios on a few headline indicators (default: the
    registry's "glance" view), with 5-95% bands where given."""
    names = names if names is not None else shown_in("glance")
    labels = {sid: res.scenario.title for sid, res in results.items()}
    first = next(iter(results.values()))
    titles = {name: first.label(name, capital=True) for name in names}
    data = compare.values(results, names)
    described = ". ".join(
        f"{name}: "
        + "; ".join(f"{sid} {format_value(name, res.values[name])}" for sid, res in results.items())
        for name in names
    )
    return Chart(
        _draw_scenario_dots(data, labels, names, titles, bands),
        caption="One panel per indicator, one dot per scenario"
        + (
            "; the bar behind a dot is its 5-95% range over the scenario's judged uncertainties."
            if bands is not None and not bands.empty
            else "."
        ),
        alt=f"Dot charts comparing scenarios. {described}.",
    )
