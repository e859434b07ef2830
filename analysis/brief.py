"""Building blocks of a scenario brief: Markdown text and formatted tables for the notebook."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
from IPython.display import HTML, Markdown
from pandas.io.formats.style import Styler

import analysis
from analysis.indicators import BLOCS, KNOWN_INDICATORS
from analysis.presentation import CAPABILITY_LABELS, format_value, text
from analysis.results import ScenarioResult, run
from analysis.scenario import load_scenario
from analysis.world import World

VERDICT_MARK = {
    "supported": "Supported",
    "contradicted": "Contradicted",
    "not tested": "Not tested",
}
HEADLINE = [
    "alliance_size",
    "alliance_share_cinc",
    "alliance_share_gdp",
    "alliance_share_milex",
    "balance_ratio_cinc",
    "balance_ratio_milex",
    "cross_bloc_trade_usd",
    "trade_at_risk_usd",
    "trade_at_risk_share_gdp",
    "chn_trade_share_with_alliance",
    "prk_trade_usd",
    "prk_top_partner_share",
    "prk_defence_ties",
    "polarisation",
    "position_gap",
]


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


def key_findings(result: ScenarioResult, reference: ScenarioResult | None = None) -> HTML:
    """The answer first, then each implication about this scenario with its verdict and numbers."""
    lead = f'<p class="brief-answer"><strong>{text(answer(result, reference))}</strong></p>'
    if result.findings.empty:
        return HTML(lead + "<p>No implication of the essay is tested against this scenario.</p>")
    items = []
    for f in result.findings.to_dict("records"):
        claims = ", ".join(f["claims"])
        items.append(
            f"<li><strong>{VERDICT_MARK[f['verdict']]}</strong>: {text(f['statement'])}<br>"
            f"<small>{text(f['evidence'])} (claims: {text(claims)})</small></li>"
        )
    return HTML(lead + "\n<ul>\n" + "\n".join(items) + "\n</ul>")


def membership(result: ScenarioResult, reference: ScenarioResult | None) -> pd.DataFrame:
    """Who sits in which bloc, here and in the reference."""
    table = result.positions[["name", "bloc"]].rename(
        columns={"name": "Actor", "bloc": "This scenario"}
    )
    if reference is not None:
        table["Reference"] = reference.positions["bloc"]
        table["Changed"] = (table["This scenario"] != table["Reference"]).map(
            {True: "yes", False: ""}
        )
    return table.sort_values(["This scenario", "Actor"])


def headline_table(result: ScenarioResult, reference: ScenarioResult | None) -> pd.DataFrame:
    """Headline indicators with units, next to the reference's values."""
    rows = []
    for key in HEADLINE:
        row = {
            "Indicator": KNOWN_INDICATORS[key][0].upper() + KNOWN_INDICATORS[key][1:],
            "This scenario": format_value(key, result.values[key]),
        }
        if reference is not None:
            row["Reference"] = format_value(key, reference.values[key])
        rows.append(row)
    return pd.DataFrame(rows).set_index("Indicator")


def capability_table(result: ScenarioResult) -> pd.DataFrame:
    """Each bloc's share of each capability, naming the actors that have no figure."""
    table = result.balance
    shares = table.pivot(index="indicator", columns="bloc", values="share")[list(BLOCS)]
    shares = shares.map(lambda v: f"{100 * v:.1f}%")
    shares.columns = ["Alliance", "Rival bloc", "Others"]
    gaps = table[table["missing"] != ""].groupby("indicator")["missing"].agg(", ".join)
    shares["No figure for"] = gaps.reindex(shares.index, fill_value="")
    shares.index = shares.index.map(CAPABILITY_LABELS).rename("Capability")
    return shares


def isolation_table(result: ScenarioResult, reference: ScenarioResult | None) -> pd.DataFrame:
    """North Korea's trade and ties, here and in the reference."""
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
            format_value("prk_trade_usd", s["total_trade_usd"]),
            str(int(s["partner_count"])),
            str(s["top_partner"]),
            format_value("prk_top_partner_share", s["top_partner_share"]),
            f"{s['herfindahl_lower_bound']:.3f}",
            str(int(s["defence_ties"])),
        ]

    table = pd.DataFrame({"This scenario": column(result)}, index=list(labels.values()))
    if reference is not None:
        table["Reference"] = column(reference)
    return table


def judgement_changes(result: ScenarioResult) -> pd.DataFrame | Styler:
    """The judgements this scenario changes, with its rationale for each."""
    rows = [
        {
            "Actor": code,
            **{k.capitalize(): v for k, v in change.items() if k != "rationale"},
            "Why (judgement)": change["rationale"],
        }
        for code, change in result.scenario.judgements.items()
    ]
    if not rows:
        return pd.DataFrame({"Change": ["none: every judgement as in data/judgements.csv"]})
    table = pd.DataFrame(rows).set_index("Actor").fillna("unchanged")
    return (
        table.style.set_uuid("judgements")
        .format(precision=0)
        .set_properties(subset=["Why (judgement)"], **{"text-align": "left"})
    )


def provenance(world: World, result: ScenarioResult | None = None) -> Markdown:
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
    parts.append(f"data SHA-256 `{world.data_hash[:12]}`")
    parts.append(f"analysis {analysis.__version__}, git commit `{commit}`")
    parts.append(f"rendered {datetime.now(UTC):%Y-%m-%d %H:%M} UTC.")
    return Markdown("---\n**Provenance.** " + "; ".join(parts))
