"""Every scenario side by side, for readers: indicators with units, and findings by verdict."""

from __future__ import annotations

import pandas as pd

from analysis.model.indicators import shown_in
from analysis.model.results import ScenarioResult


def comparison_table(results: dict[str, ScenarioResult]) -> pd.DataFrame:
    """The registry's "compare" indicators as rows, scenarios as columns, with units."""
    names = shown_in("compare")
    first = next(iter(results.values()))
    table = pd.DataFrame(
        {sid: [res.show(name) for name in names] for sid, res in results.items()},
        index=[first.label(name, capital=True) for name in names],
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
