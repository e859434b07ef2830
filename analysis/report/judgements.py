"""Key judgements for readers, in the estimative language of ICD 203: each finding's
likelihood in words and numbers, then (in a separate sentence) the confidence in the evidence
behind it, then what would most change it."""

from __future__ import annotations

import math

import pandas as pd
from IPython.display import HTML

from analysis.model import estimative
from analysis.model.estimative import TERMS, Driver
from analysis.model.results import ScenarioResult
from analysis.report.format import capital, format_value, input_label, text
from analysis.report.tables import Table, table
from analysis.world import World

#: How many key judgements a brief opens with (premises first, then the most decisive).
KEY_COUNT = 5


def likelihood_words(row) -> str:
    """ "very likely (93%; 90% interval 91-94%)" """
    low, high = row["likelihood_interval"]
    return (
        f"{row['likelihood_term']} ({_percent(row['likelihood'])}; 90% interval "
        f"{_percent(low)}-{_percent(high)})"
    )


def _percent(share: float) -> str:
    if math.isnan(share):
        return "n/a"
    if 0 < share < 0.01:
        return "<1%"
    if 0.99 < share < 1:
        return ">99%"
    return f"{100 * share:.0f}%"


def _bound(name: str, value: float) -> str:
    if name == "estimate.trade":
        return f"{value:+.2f} standard deviations of the gravity fit"
    if name.startswith("judgements."):
        return f"{value:.0f}"
    return f"{value:.3g}" if abs(value) < 1000 else format_value("cross_bloc_trade_usd", value)


def driver_sentence(found: Driver | None, world: World) -> str:
    """What would most change a finding, in one plain sentence."""
    if found is None:
        return "No draw within the judged ranges turns it, and no input moves it much."
    name = input_label(found.input, world)
    if math.isnan(found.total_index):
        if math.isinf(found.high):
            where = f"{name} exceeds {_bound(found.input, found.low)}"
        elif math.isinf(found.low):
            where = f"{name} is below {_bound(found.input, found.high)}"
        else:
            where = (
                f"{name} lies between {_bound(found.input, found.low)} and "
                f"{_bound(found.input, found.high)}"
            )
        return (
            f"It turns when {where} ({found.coverage:.0%} of the draws in which it turns lie "
            "there)."
        )
    share = min(found.total_index, 1.0)
    return (
        f"No draw within the judged ranges turns it; its margin moves most with {name} "
        f"(total Sobol' index {share:.0%})."
    )


def _figures(result: ScenarioResult, ident: str) -> str:
    """The numbers behind a finding at the central values, with its comparison."""
    rows = result.findings[result.findings["id"] == ident]
    if rows.empty:
        return ""
    row = rows.iloc[0]
    key = row["indicator"]
    against = (
        f"{format_value(key, row['reference_value'])} in {row['reference']}"
        if isinstance(row["reference"], str)
        else f"the threshold of {format_value(key, row['threshold'])}"
    )
    return (
        f"{result.label(key, capital=True)}: {format_value(key, row['value'])}, against {against}."
    )


def estimate(result: ScenarioResult, draws: int, seed: int) -> pd.DataFrame:
    """The scenario's findings with likelihood, confidence and driver, from `draws` draws with
    `seed` (the brief's parameters)."""
    return estimative.judgements(result.scenario, result.origin, draws, seed)


def chosen(table: pd.DataFrame, count: int = KEY_COUNT) -> pd.DataFrame:
    """The key judgements: the essay's premises first, then the most decisive findings (the
    likelihood furthest from even chance), better-evidenced first among equals."""
    grade = table["confidence"].map({"high": 0, "moderate": 1, "low": 2})
    order = table.assign(
        premise=~table["id"].str.endswith("-stays-out"),
        decisive=-(table["likelihood"] - 0.5).abs(),
        grade=grade,
    ).sort_values(["premise", "decisive", "grade"], kind="stable")
    return order.head(count)


def key_judgements(result: ScenarioResult, table: pd.DataFrame) -> HTML:
    """The brief's opening: 3-5 key judgements, each its statement, its likelihood (word and
    number), the figures, then its confidence and what would change it in sentences of their
    own."""
    items = []
    world = result.origin
    for row in chosen(table).to_dict("records"):
        items.append(
            "<li>"
            f"<strong>{text(row['statement'])}</strong> "
            f'<span class="likelihood">{capital(likelihood_words(row))}.</span> '
            f"{text(_figures(result, row['id']))} "
            f'<span class="confidence">Confidence: {row["confidence"]}.</span> '
            f'<span class="driver">{text(driver_sentence(row["driver"], world))}</span>'
            "</li>"
        )
    return HTML('<ol class="key-judgements">\n' + "\n".join(items) + "\n</ol>")


def estimative_box() -> HTML:
    """How to read the estimative words and the confidence grades."""
    bands, lower = [], 0
    for upper, term in TERMS:
        bands.append(f"<em>{term}</em> {int(round(100 * lower))}-{int(round(100 * upper))}%")
        lower = upper
    return HTML(
        '<aside class="estimative-box"><p><strong>How to read these judgements.</strong> '
        "<em>Likelihood</em> is the share of draws of the judged uncertainties (and of the "
        "data's estimates) in which the finding holds, the scenario and what it is compared "
        "with drawn together, named as in the US Intelligence Community's standard ICD 203: "
        + ", ".join(bands)
        + ". A share on a boundary takes the term nearer to even chance; the interval is the "
        "90% binomial interval of the share. <em>Confidence</em> grades the evidence, not the "
        "likelihood: <em>high</em> when at least two thirds of what the indicator rests on is "
        "sourced (estimated figures count half, judgements and model parameters not at all) "
        "and its method reproduces a published or analytic case; <em>moderate</em> when at "
        "least a third is sourced; <em>low</em> otherwise. <em>What would change it</em> names "
        "the input whose range best isolates the draws in which the finding turns (PRIM), or, "
        "when none turns it, the input that moves its margin most (Sobol').</p></aside>"
    )


def findings_table(result: ScenarioResult, estimates: pd.DataFrame) -> Table:
    """Every finding with its likelihood and confidence, for the brief's full list."""
    rows = []
    for row in estimates.to_dict("records"):
        rows.append(
            {
                "Finding": row["statement"],
                "Likelihood": likelihood_words(row),
                "Confidence": row["confidence"],
                "Claims": ", ".join(row["claims"]),
            }
        )
    return table(
        pd.DataFrame(rows).set_index("Finding"),
        caption="Every finding tested in this scenario, with its likelihood and confidence",
    )


def compare_table(results: dict[str, ScenarioResult]) -> Table:
    """Every scenario's findings with their likelihoods, side by side (03_compare)."""
    rows = []
    for res in results.values():
        for row in res.judgements.to_dict("records"):
            rows.append(
                {
                    "Scenario": res.scenario.title,
                    "Finding": row["title"],
                    "Likelihood": likelihood_words(row),
                    "Confidence": row["confidence"],
                }
            )
    return table(
        pd.DataFrame(rows).set_index(["Scenario", "Finding"]),
        caption="Each scenario's findings with their likelihood and confidence",
    )
