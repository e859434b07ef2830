"""Who is who: the actors' figures, judged positions, security ties and trade ties, as tables."""

from __future__ import annotations

import pandas as pd

from analysis.methods.trade import trade_matrix
from analysis.report.format import possessive
from analysis.report.tables import Table, table
from analysis.world import FIGURES, World

#: Grouping kinds drawn as security ties, strongest first.
SECURITY_KINDS = ("defence_treaty", "security_partnership")


def actor_table(world: World) -> Table:
    """One row per actor: identity, judged stance and the sourced capability figures."""
    figures = world.figures
    frame = pd.DataFrame(
        {
            "Actor": world.actors["name"],
            "Region": world.actors["region"],
            "Position (judgement)": world.judgements["position"],
            "Salience (judgement)": world.judgements["salience"],
            "GDP": figures["gdp_usd"] / 1e9,
            "Military spending": figures["milex_usd"] / 1e9,
            "Population": figures["population"] / 1e6,
            "CINC share": figures["cinc"],
            "Nuclear warheads": figures["nuclear_warheads"],
        }
    )
    return table(
        frame.sort_values("CINC share", ascending=False).rename_axis("Code"),
        caption="The actors, largest share of material capability (CINC) first",
        units={"GDP": "US$ bn", "Military spending": "US$ bn", "Population": "m"},
        formats={
            "GDP": "{:,.0f}", "Military spending": "{:,.1f}", "Population": "{:,.1f}",
            "CINC share": "{:.3f}", "Nuclear warheads": "{:,.0f}",
            "Position (judgement)": "{:.0f}", "Salience (judgement)": "{:.0f}",
        },
        missing="no figure",
    )  # fmt: skip


def ties(world: World, kinds: tuple[str, ...] = SECURITY_KINDS) -> pd.DataFrame:
    """Actor pairs tied by a treaty or partnership of the given kinds (one row per pair and tie)."""
    rows = []
    for gid, group in world.groupings[world.groupings["kind"].isin(kinds)].iterrows():
        members = list(group["members"])
        for i, a in enumerate(members):
            for b in members[i + 1 :]:
                rows.append({"a": a, "b": b, "tie": gid, "kind": group["kind"]})
    return pd.DataFrame(rows, columns=["a", "b", "tie", "kind"])


def memberships(world: World) -> pd.DataFrame:
    """Actor x grouping membership (1 = member), groupings ordered by kind and year."""
    groups = world.groupings.sort_values(["kind", "year"])
    frame = pd.DataFrame(
        {g["id"]: world.actors.index.isin(g["members"]).astype(int) for _, g in groups.iterrows()},
        index=world.actors.index,
    )
    frame.index = world.actors["name"]
    return frame


def trade_partners(world: World, actor: str) -> Table:
    """An actor's recorded trade partners, largest first, with the share of its total trade."""
    actors = list(world.actors.index)
    matrix = trade_matrix(actors, world.trade["a"], world.trade["b"], world.trade["trade_usd"])
    row = pd.Series(matrix[actors.index(actor)], index=actors)
    mine = row[row > 0]
    total = world.figures.loc[actor, "trade_total_usd"]
    scale, unit = (1e9, "US$ bn") if mine.max() >= 1e10 else (1e6, "US$ m")  # small traders
    frame = pd.DataFrame(
        {
            "Partner": world.actors.loc[mine.index, "name"],
            "Trade": mine / scale,
            "Share of total trade": 100 * mine / total,
        }
    ).sort_values("Trade", ascending=False)
    name = str(world.actors.loc[actor, "name"])
    return table(
        frame.rename_axis("Code"),
        caption=f"{possessive(name)} recorded goods trade with the other actors, largest first",
        units={"Trade": unit, "Share of total trade": "%"},
        formats={"Trade": "{:,.1f}", "Share of total trade": "{:.1f}"},
    )


def coverage_table(world: World) -> Table:
    """Per actor and figure: sourced, estimated or none; and how many of its 15 trade dyads
    are reported rather than estimated. What every number in the briefs rests on."""
    status = world.facts.pivot(index="iso3", columns="indicator", values="status")
    status = status.reindex(index=world.actors.index, columns=list(FIGURES)).fillna("none")
    status.columns = [FIGURES[c][1] for c in status.columns]
    trade = world.trade
    reported = trade[~trade["estimated"]]
    counts = pd.concat([reported["a"], reported["b"]]).value_counts()
    partners = len(world.actors) - 1
    status["Trade dyads reported"] = [
        f"{int(counts.get(code, 0))} of {partners}" for code in world.actors.index
    ]
    status.index = world.actors["name"].rename("Actor")
    return table(status, caption="What each actor's figures rest on: sourced, estimated or none")


def sources(world: World) -> Table:
    """Every source behind a figure in facts.csv and trade.csv, with the indicators it gives."""
    facts = world.facts.groupby("source")["indicator"].agg(lambda s: ", ".join(sorted(set(s))))
    trade = world.trade.groupby("source")["a"].agg(lambda s: "bilateral trade")
    frame = pd.concat([facts, trade]).rename("Figures").to_frame()
    frame.index.name = "Source"
    frame = frame.groupby(level=0)["Figures"].agg(", ".join).to_frame()
    return table(frame, caption="The publications behind the figures, with what each gives")
