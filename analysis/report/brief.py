"""Building blocks of a scenario brief: Markdown text and formatted tables for the notebook."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import HTML, Markdown

import analysis
from analysis.model.engine import ARMS_COEFFICIENTS
from analysis.model.indicators import shown_in
from analysis.model.results import ScenarioResult, run
from analysis.model.sampling import bands, sweep
from analysis.report.format import CAPABILITY_LABELS, format_value, possessive, text, usd
from analysis.report.tables import Table, table
from analysis.world import BLOC_NAMES, World, load_scenario


def reference_result(
    result: ScenarioResult, world: World, reference: str | None
) -> ScenarioResult | None:
    """The result to compare with: `reference` if given, else the scenario's own reference."""
    ident = reference or result.scenario.reference
    return run(load_scenario(ident, world), world) if ident else None


def title(result: ScenarioResult, reference: ScenarioResult | None) -> HTML:
    """Title, the scenario's summary and what it is compared with.

    Author-written text is escaped and shown as HTML, so neither markup nor Markdown in a
    scenario file can become a link or a script in the brief.
    """
    s = result.scenario
    against = (
        f"Compared with: <em>{text(reference.scenario.title)}</em>."
        if reference
        else "This is the baseline the other scenarios are compared with."
    )
    return HTML(f"<h1>{text(s.title)}</h1>\n<p>{text(s.summary)}</p>\n<p>{against}</p>")


def answer(result: ScenarioResult, reference: ScenarioResult | None) -> str:
    """The brief's answer in one paragraph, generated from the numbers and the findings."""
    v = result.values
    counts = result.findings["verdict"].value_counts()
    tested = int(counts.get("supported", 0) + counts.get("contradicted", 0))
    sentences = []
    if tested:
        sentences.append(
            f"Of the essay's implications tested against this scenario, "
            f"{int(counts.get('supported', 0))} of {tested} hold."
        )

    def show(name: str) -> str:
        return format_value(name, v[name])

    sentences.append(
        f"The alliance of {int(v['alliance_size'])} holds {show('alliance_share_cinc')} of the "
        f"region's material capability against the rival bloc's {show('rival_share_cinc')}, and "
        f"{show('alliance_share_milex')} of its military spending."
    )
    sentences.append(
        f"Goods trade across the line is {show('cross_bloc_trade_usd')}, of which "
        f"{show('trade_at_risk_usd')} is judged at risk ({show('trade_at_risk_share_gdp')} of "
        "the region's GDP)."
    )
    if reference is not None:
        before, after = reference.values["polarisation"], v["polarisation"]
        trend = "rises" if after > before else "falls" if after < before else "is unchanged"
        sentences.append(
            f"Compared with {reference.scenario.id}, polarisation {trend} "
            f"({format_value('polarisation', before)} to {format_value('polarisation', after)})."
        )
    return " ".join(sentences)


def lead(result: ScenarioResult, reference: ScenarioResult | None = None) -> HTML:
    """The answer first: one paragraph with the numbers, before the key judgements."""
    return HTML(f'<p class="brief-answer"><strong>{text(answer(result, reference))}</strong></p>')


def _against(reference: ScenarioResult | None) -> str:
    """ " and in <reference>" for a caption, or nothing."""
    return f" and in {reference.scenario.id}" if reference is not None else ""


def membership(result: ScenarioResult, reference: ScenarioResult | None) -> Table:
    """Who sits in which bloc, here and in the reference."""
    frame = result.positions[["name", "bloc"]].rename(
        columns={"name": "Actor", "bloc": "This scenario"}
    )
    if reference is not None:
        frame["Reference"] = reference.positions["bloc"]
        frame["Changed"] = (frame["This scenario"] != frame["Reference"]).map(
            {True: "yes", False: ""}
        )
    return table(
        frame.sort_values(["This scenario", "Actor"]).rename_axis("Code"),
        caption=f"Who is in which bloc in this scenario{_against(reference)}",
    )


def headline_table(result: ScenarioResult, reference: ScenarioResult | None) -> Table:
    """Headline indicators with units, next to the reference's values."""
    rows = []
    for key in shown_in("headline"):
        row = {
            "Indicator": result.label(key, capital=True),
            "This scenario": format_value(key, result.values[key]),
        }
        if reference is not None:
            row["Reference"] = format_value(key, reference.values[key])
        rows.append(row)
    return table(
        pd.DataFrame(rows).set_index("Indicator"),
        caption=f"Headline numbers in this scenario{_against(reference)}, units in each value",
    )


def capability_table(result: ScenarioResult) -> Table:
    """Each bloc's share of each capability, naming the actors that have no figure."""
    balance = result.balance
    shares = 100 * balance.pivot(index="indicator", columns="bloc", values="share")
    shares = shares[list(BLOC_NAMES)]
    shares.columns = blocs = ["Alliance", "Rival bloc", "Others"]
    gaps = balance[balance["missing"] != ""].groupby("indicator")["missing"].agg(", ".join)
    shares["No figure for"] = gaps.reindex(shares.index, fill_value="")
    shares.index = shares.index.map(CAPABILITY_LABELS).rename("Capability")
    return table(
        shares,
        caption="Each bloc's share of the modelled actors' capability",
        units=dict.fromkeys(blocs, "%"),
        formats=dict.fromkeys(blocs, "{:.1f}"),
    )


def isolation_table(result: ScenarioResult, reference: ScenarioResult | None) -> Table:
    """The isolation focus actor's trade and ties, here and in the reference."""
    labels = {
        "total_trade_usd": "Total goods trade",
        "partner_count": "Recorded partners among the actors",
        "top_partner": "Largest partner",
        "top_partner_share": "Largest partner's share",
        "herfindahl_lower_bound": "Herfindahl concentration (lower bound)",
        "defence_ties": "Defence treaties and alliances",
    }

    def column(res: ScenarioResult) -> list[str]:
        s = res.isolation
        return [
            format_value("isolation_trade_usd", s["total_trade_usd"]),
            str(int(s["partner_count"])),
            str(res.world.actors["name"].get(s["top_partner"], "none")),
            format_value("isolation_top_partner_share", s["top_partner_share"]),
            f"{s['herfindahl_lower_bound']:.3f}",
            str(int(s["defence_ties"])),
        ]

    frame = pd.DataFrame({"This scenario": column(result)}, index=list(labels.values()))
    if reference is not None:
        frame["Reference"] = column(reference)
    name = result.focus.get("isolation")
    whose = f"{possessive(name)} trade" if name else "Trade"
    return table(frame, caption=f"{whose} and defence ties in this scenario{_against(reference)}")


def judgement_changes(result: ScenarioResult) -> Table:
    """The judgements this scenario changes, with its rationale for each."""
    rows = [
        {
            "Actor": code,
            **{k.capitalize(): v for k, v in change.items() if k != "rationale"},
            "Why (judgement)": change["rationale"],
        }
        for code, change in result.scenario.judgements.items()
    ]
    caption = "Judgements this scenario changes, each with its rationale"
    if not rows:
        note = pd.DataFrame({"Change": ["none: every judgement as in data/judgements.csv"]})
        return table(note, caption=caption)
    frame = pd.DataFrame(rows).set_index("Actor")
    numbers = [c for c in frame.columns if c != "Why (judgement)"]
    formats = dict.fromkeys(numbers, "{:.0f}")
    return table(frame, caption=caption, formats=formats, missing="unchanged")


def _side_changes(result: ScenarioResult, reference: ScenarioResult | None) -> list[str]:
    """Sentences naming the actors that sit on a different side than in the reference."""
    if reference is None:
        return []
    here, there = result.positions["bloc"], reference.positions["bloc"]
    moved = here[here != there].index
    names = result.positions["name"]
    words = {"alliance": "the alliance", "rivals": "the rival bloc", "others": "neither bloc"}
    return [
        f"Compared with {reference.scenario.id}, {names[code]} moves from {words[there[code]]} "
        f"to {words[here[code]]}."
        for code in moved
    ]


def _left_out(result: ScenarioResult) -> str:
    """Words naming the bloc members without a military-spending figure, if any."""
    rows = result.balance[(result.balance["indicator"] == "milex_usd")]
    codes = [c for m in rows[rows["bloc"] != "others"]["missing"] if m for c in m.split(", ")]
    if not codes:
        return ""
    named = [str(result.world.actors.loc[c, "name"]) for c in codes]
    names = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    has, are = ("has", "is") if len(codes) == 1 else ("have", "are")
    return f" ({names} {has} no published figure and {are} left out)"


def arms_race(result: ScenarioResult, reference: ScenarioResult | None) -> Markdown:
    """The arms-race projection in words: coefficients, stability and why."""
    race = result.arms
    c = race.coefficients
    ab, mn = c["a"] * c["b"], c["m"] * c["n"]
    today = race.path.iloc[0]
    lines = [*_side_changes(result, reference)]
    lines += [
        f"Today the alliance spends {usd(today['alliance'])} a year on its militaries and the "
        f"rival bloc {usd(today['rivals'])}" + _left_out(result) + ".",
        f"In this scenario each side's spending rises with the other's (reaction: a = {c['a']:g} "
        f"for the alliance, b = {c['b']:g} for the rivals) and relaxes with its own cost "
        f"(fatigue: m = {c['m']:g}, n = {c['n']:g}); the coefficients are judgements "
        "(`data/parameters.csv` and the scenario file).",
    ]
    if race.stable:
        x_star, y_star = race.equilibrium
        lines.append(
            f"Because a·b = {ab:.4f} is below m·n = {mn:.4f}, the race **settles**: spending "
            f"tends to {usd(x_star)} for the alliance and {usd(y_star)} for the rivals."
        )
    else:
        lines.append(
            f"Because a·b = {ab:.4f} is not below m·n = {mn:.4f}, the race **runs away**: "
            "spending keeps growing with no level at which it settles."
        )
    growth = format_value("arms_spending_growth", race.growth)
    sentence = f"Over ten years the two blocs' combined spending changes by {growth}"
    if reference is not None:
        ref = format_value("arms_spending_growth", reference.arms.growth)
        sentence += f" ({reference.scenario.id}: {ref})"
    lines.append(sentence + ".")
    baseline = {k: result.world.parameter(n) for k, n in ARMS_COEFFICIENTS.items()}
    if all(np.isclose(c[k], baseline[k]) for k in "abmn"):
        lines.append("Its coefficients are today's, so spending stays where it is.")
    return Markdown(" ".join(lines))


def forecast_table(result: ScenarioResult, reference: ScenarioResult | None) -> Table:
    """Where bargaining lands on the alliance scale, by method, here and in the reference."""
    keys = shown_in("bargaining")
    frame = pd.DataFrame(
        {"This scenario": [result.show(k) for k in keys]},
        index=pd.Index([result.label(k, capital=True) for k in keys], name="Method"),
    )
    if reference is not None:
        frame["Reference"] = [reference.show(k) for k in keys]
    return table(frame, caption=f"What bargaining predicts in this scenario{_against(reference)}")


def bdm_rounds(result: ScenarioResult) -> Table:
    """The expected-utility model's median and mean by round, and the largest move."""
    frame = result.forecast.bdm[["median", "mean", "max_move"]].round(1)
    frame.columns = ["Median", "Mean", "Largest move"]
    rounds = frame.T.rename_axis(columns="Round")
    return table(
        rounds,
        caption="The expected-utility model round by round, in points on the alliance scale "
        "(0-100)",
        formats=dict.fromkeys(rounds.columns, "{:.1f}"),
    )


def forecast_words(result: ScenarioResult) -> Markdown:
    """What the forecasts say, and whether the round-by-round model settled."""
    f = result.forecast
    medians = f.bdm["median"].iloc[1:]
    text_ = (
        f"Weighting each actor's position by its capability (CINC) and salience, the centre of "
        f"gravity is {f.weighted_mean:.1f} (mean) and {f.weighted_median:.1f} (median) on the "
        f"alliance scale. KTAB's spatial model gives the position at {f.smp_position:.0f} the "
        f"best chance of prevailing ({100 * f.smp_probability:.0f}%)."
    )
    if f.bdm_converged:
        text_ += f" The expected-utility model settles at a median of {medians.iloc[-1]:.1f}."
    elif medians.min() == medians.max():
        text_ += (
            " The expected-utility model **does not converge**: actors keep shifting (by up to "
            f"{f.bdm['max_move'].iloc[-1]:.0f} points in the last round) although the median "
            f"stays at {medians.iloc[-1]:.0f}."
        )
    else:
        text_ += (
            " The expected-utility model **does not converge**: its median moves between "
            f"{medians.min():.0f} and {medians.max():.0f} from round to round, so no single "
            "round is a forecast."
        )
    return Markdown(text_)


def uncertainty_bands(result: ScenarioResult, world: World, draws: int, seed: int) -> Table:
    """5-95% ranges of the headline numbers over the scenario's judged uncertainties."""
    caption = f"5-95% ranges of the headline numbers over {draws:,} draws, units in each value"
    if not result.scenario.uncertainty:
        return table(pd.DataFrame({"Note": ["This scenario declares no uncertainty."]}), caption)
    draws_table = sweep(result.scenario, world, draws, seed)
    rows = []
    for name, row in bands(draws_table, shown_in("bands")).iterrows():
        if name == "arms_race_stable":
            runaway = 1 - draws_table[name].mean()
            rows.append(
                {
                    "Indicator": "Share of draws in which the arms race runs away",
                    "This scenario": f"{100 * runaway:.1f}%",
                    "5%": "",
                    "Median": "",
                    "95%": "",
                }
            )
            continue
        rows.append(
            {
                "Indicator": result.label(name, capital=True),
                "This scenario": format_value(name, result.values[name]),
                "5%": format_value(name, row.p05),
                "Median": format_value(name, row.p50),
                "95%": format_value(name, row.p95),
            }
        )
    return table(pd.DataFrame(rows).set_index("Indicator"), caption)


#: The output metadata key under which a scenario brief hands its index row to the renderer.
INDEX_ROW = "analysis/index-row"


class Provenance:
    """The provenance line, shown as Markdown; a scenario brief's also carries its row of
    the index (headline numbers and key judgements) in the output's metadata, so the renderer
    reads it from the executed notebook instead of running the scenario again."""

    def __init__(self, markdown: str, row: dict | None = None) -> None:
        self.markdown, self.row = markdown, row

    def _repr_mimebundle_(self, include=None, exclude=None) -> tuple[dict, dict]:
        metadata = {"text/markdown": {INDEX_ROW: self.row}} if self.row is not None else {}
        return {"text/markdown": self.markdown}, metadata


def index_row(result: ScenarioResult, estimates: pd.DataFrame | None) -> dict:
    """A scenario's row of the index: its headline numbers (label, value) and key judgements."""
    from analysis.report.judgements import chosen, likelihood_words

    table = estimates if estimates is not None else result.judgements
    return {
        "headline": {k: result.show(k) for k in shown_in("index")},
        "labels": {k: result.label(k, capital=True) for k in shown_in("index")},
        "judgements": [
            f"{row['title']}: {likelihood_words(row)}"
            for row in chosen(table, 3).to_dict("records")
        ],
    }


def provenance(
    world: World, result: ScenarioResult | None = None, estimates: pd.DataFrame | None = None
) -> Provenance:
    """Where the brief comes from: scenario and parameters (for a scenario brief), data hash,
    package version, git commit and date."""
    root = Path(analysis.__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True, text=True,
            check=True, timeout=10,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        commit = "unknown"
    parts = []
    if result is not None:
        scenario = result.scenario
        params = {n: scenario.parameter(n, world) for n in world.parameters.index}
        shown = ", ".join(f"{n} = {v:g}" for n, v in params.items())
        lineage = " < ".join(map(text, scenario.lineage))
        parts.append(f"Scenario `{text(scenario.id)}` ({lineage}); parameters: {text(shown)}")
        estimated = result.show("cross_bloc_trade_estimated_share")
        parts.append(f"{estimated} of its cross-bloc trade rests on gravity estimates")
    parts.append(f"data SHA-256 `{world.data_hash[:12]}`")
    parts.append(f"analysis {analysis.__version__}, git commit `{commit}`")
    parts.append(f"rendered {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.")
    row = index_row(result, estimates) if result is not None else None
    return Provenance("---\n**Provenance.** " + "; ".join(parts), row)
