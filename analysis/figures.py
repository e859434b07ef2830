"""Charts as they appear in a brief: a PNG with a caption and alt text that states the
numbers, so the figure is readable without sight and the page needs nothing from the web."""

from __future__ import annotations

import base64
import io

import matplotlib.pyplot as plt
import pandas as pd

from analysis import actors, compare, plots
from analysis.presentation import CAPABILITY_LABELS, format_value, usd
from analysis.results import ScenarioResult
from analysis.world import World


class Chart:
    """A rendered chart; Jupyter shows the image, the brief template adds alt and caption."""

    def __init__(self, figure: plt.Figure | plt.Axes, caption: str, alt: str) -> None:
        fig = figure.figure if isinstance(figure, plt.Axes) else figure
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", dpi=100, bbox_inches="tight")
        plt.close(fig)
        self.png = base64.b64encode(buffer.getvalue()).decode("ascii")
        self.caption, self.alt = caption, alt

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        data = {"image/png": self.png, "text/plain": self.caption}
        return data, {"image/png": {"alt": self.alt, "caption": self.caption}}


def _listing(values: pd.Series, indicator: str) -> str:
    return "; ".join(f"{name} {format_value(indicator, v)}" for name, v in values.items())


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
        plots.capability_shares(result, reference),
        caption=f"Shares of the 16 modelled actors' totals in {result.scenario.id}{against}.",
        alt="Bar chart of capability shares in this scenario. " + ". ".join(parts) + ".",
    )


def trade_chart(result: ScenarioResult) -> Chart:
    """Each bloc member's recorded trade with the other bloc."""
    table = result.exposure[result.exposure["cross_bloc_trade_usd"] > 0]
    table = table.sort_values("cross_bloc_trade_usd", ascending=False)
    names = result.positions.loc[table.index, "name"]
    values = pd.Series(table["cross_bloc_trade_usd"].to_numpy(), index=names)
    return Chart(
        plots.trade_exposure(result),
        caption="Recorded goods trade of each bloc member with the other bloc (data/trade.csv).",
        alt="Bar chart of trade across the bloc line: "
        + _listing(values, "cross_bloc_trade_usd")
        + ".",
    )


def positions_chart(result: ScenarioResult) -> Chart:
    """Judged positions on the alliance scale, with ranges, sized by capability."""
    table = result.positions.sort_values("position", ascending=False)
    listing = "; ".join(
        f"{r['name']} {r['position']:.0f} ({r['bloc']})" for _, r in table.iterrows()
    )
    return Chart(
        plots.positions(result),
        caption="Positions on the alliance scale (judgements, with plausible ranges); dot size is "
        "the share of capability (CINC); colour is the bloc.",
        alt=f"Dot chart of positions from 0 (no blocs) to 100 (NATO-style): {listing}.",
    )


def capabilities_chart(world: World) -> Chart:
    """Each actor's share of the region's CINC and military spending."""
    cinc = world.figures["cinc"] / world.figures["cinc"].sum()
    cinc.index = world.actors.loc[cinc.index, "name"]
    return Chart(
        plots.capabilities(world),
        caption="Shares of the region's material capability (CINC, 2016) and of military "
        "spending (SIPRI, 2023; only actors with a published figure).",
        alt="Bar chart of CINC shares: "
        + _listing(cinc.sort_values(ascending=False), "alliance_share_cinc")
        + ".",
    )


def network_chart(world: World, blocs: pd.Series) -> Chart:
    """Treaties and partnerships between the actors."""
    pairs = actors.ties(world)
    names = world.actors["name"]
    listing = "; ".join(
        f"{names[r.a]}-{names[r.b]} ({r.tie})" for r in pairs.itertuples(index=False)
    )
    return Chart(
        plots.alliance_network(world, blocs),
        caption="Defence treaties (solid) and security partnerships (dashed); node size is the "
        "share of capability, colour the bloc in the status quo.",
        alt=f"Network of security ties: {listing}.",
    )


def memberships_chart(world: World) -> Chart:
    """Membership of treaties, partnerships and fora."""
    table = actors.memberships(world)
    listing = "; ".join(f"{g}: {', '.join(table.index[table[g] == 1])}" for g in table.columns)
    return Chart(
        plots.memberships(table),
        caption="Membership of treaties, partnerships, regional organisations and fora among the "
        "16 actors (data/groupings.csv).",
        alt=f"Grid of memberships. {listing}.",
    )


def scenario_dots_chart(
    results: dict[str, ScenarioResult], names: list[str], bands: pd.DataFrame | None = None
) -> Chart:
    """Small multiples comparing the scenarios on a few headline indicators, with 5-95%
    bands where given."""
    labels = {sid: res.scenario.title for sid, res in results.items()}
    data = compare.values(results, names)
    listing = ". ".join(
        f"{name}: "
        + "; ".join(f"{sid} {format_value(name, res.values[name])}" for sid, res in results.items())
        for name in names
    )
    return Chart(
        plots.scenario_dots(data, labels, names, bands),
        caption="One panel per indicator, one dot per scenario"
        + (
            "; the bar behind a dot is its 5-95% range over the scenario's judged uncertainties."
            if bands is not None and not bands.empty
            else "."
        ),
        alt=f"Dot charts comparing scenarios. {listing}.",
    )


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
        plots.arms_paths(result, reference),
        caption="Projected military spending of the two blocs over ten years (Richardson model; "
        "coefficients are judgements). Dashed: the reference scenario.",
        alt="Line chart of projected military spending. " + "; ".join(ends(r) for r in cases) + ".",
    )


def cib_matrix_chart(matrix: pd.DataFrame) -> Chart:
    """Heatmap of a cross-impact matrix, with its strongest judgements in the alt text."""
    from analysis import consistency

    stacked = matrix.stack([0, 1], future_stack=True)
    stacked = stacked[stacked != 0]
    strongest = stacked.reindex(stacked.abs().sort_values(ascending=False).index[:8])
    listing = "; ".join(
        f"{src}={src_state} on {dst}={dst_state}: {score:+d}"
        for (src, src_state, dst, dst_state), score in strongest.items()
    )
    count = int((matrix.to_numpy() != 0).sum())
    return Chart(
        consistency.plot_matrix(matrix),
        caption="Cross-impact judgements: each row state acts on each column state; blue "
        "promotes, red hinders, darker is stronger.",
        alt=f"Heatmap of {count} non-zero cross-impact judgements. Strongest: {listing}.",
    )
