"""All scenarios side by side: headline indicators in one table, and findings per scenario."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from analysis.indicators import indicator_label
from analysis.presentation import format_value
from analysis.results import ScenarioResult, run
from analysis.world.scenario import load_scenario, scenario_ids
from analysis.world import World

#: Indicators compared across scenarios, in reading order.
COMPARED = (
    "alliance_size",
    "alliance_share_cinc",
    "alliance_share_milex",
    "balance_ratio_cinc",
    "cross_bloc_trade_usd",
    "trade_at_risk_usd",
    "trade_at_risk_share_gdp",
    "prk_trade_usd",
    "prk_top_partner_share",
    "polarisation",
    "position_gap",
)


def run_all(world: World, ids: Iterable[str] | None = None) -> dict[str, ScenarioResult]:
    """Results of the given scenarios (default: every shipped one), keyed by id."""
    chosen = list(ids) if ids is not None else scenario_ids(world)
    return {i: run(load_scenario(i, world), world) for i in chosen}


def values(results: dict[str, ScenarioResult], names: Iterable[str] = COMPARED) -> pd.DataFrame:
    """Long table: scenario, indicator, value (numbers, for charts)."""
    rows = [
        {"scenario": sid, "indicator": name, "value": res.values[name]}
        for sid, res in results.items()
        for name in names
    ]
    return pd.DataFrame(rows)


def bands(results: dict[str, ScenarioResult], world: World, draws: int, seed: int) -> pd.DataFrame:
    """5th-95th percentile ranges of each scenario's outcomes over its judged uncertainties
    (long form: scenario, indicator, p05, p50, p95); scenarios without uncertainty are left
    out."""
    from analysis import uncertainty

    frames = []
    for sid, res in results.items():
        if res.scenario.uncertainty:
            table = uncertainty.bands(uncertainty.sweep(res.scenario, world, draws, seed))
            frames.append(table.rename_axis("indicator").reset_index().assign(scenario=sid))
    columns = ["scenario", "indicator", "p05", "p50", "p95"]
    return pd.concat(frames)[columns] if frames else pd.DataFrame(columns=columns)


def comparison_table(results: dict[str, ScenarioResult]) -> pd.DataFrame:
    """Indicators as rows, scenarios as columns, each value formatted with its unit."""
    table = pd.DataFrame(
        {
            sid: [format_value(name, res.values[name]) for name in COMPARED]
            for sid, res in results.items()
        },
        index=[indicator_label(name) for name in COMPARED],
    )
    table.index.name = "Indicator"
    return table


def findings_table(results: dict[str, ScenarioResult]) -> pd.DataFrame:
    """Per scenario: what it is compared with and how many implications are supported,
    contradicted or not tested."""
    rows = []
    for res in results.values():
        counts = res.findings["verdict"].value_counts()
        rows.append(
            {
                "Scenario": res.scenario.title,
                "Compared with": res.scenario.reference or "(baseline)",
                "Supported": int(counts.get("supported", 0)),
                "Contradicted": int(counts.get("contradicted", 0)),
                "Not tested": int(counts.get("not tested", 0)),
            }
        )
    return pd.DataFrame(rows).set_index("Scenario")
