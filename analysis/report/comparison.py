"""Every scenario side by side, for readers: indicators with units, and findings by verdict."""

from __future__ import annotations

import pandas as pd

from analysis.model.indicators import shown_in
from analysis.model.results import ScenarioResult
from analysis.report.tables import Table, table


def comparison_table(results: dict[str, ScenarioResult]) -> Table:
    """The registry's "compare" indicators as rows, scenarios as columns, with units."""
    names = shown_in("compare")
    first = next(iter(results.values()))
    frame = pd.DataFrame(
        {sid: [res.show(name) for name in names] for sid, res in results.items()},
        index=pd.Index([first.label(name, capital=True) for name in names], name="Indicator"),
    )
    return table(frame, caption="Headline indicators, one column per scenario, units in each value")


def findings_table(results: dict[str, ScenarioResult]) -> Table:
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
    return table(
        pd.DataFrame(rows).set_index("Scenario"),
        caption="How many of the essay's implications each scenario supports or contradicts",
    )
