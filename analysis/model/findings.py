"""Evaluate the essay's implications (data/implications.yaml) against measured indicators.

Each implication expects an indicator to rise or fall versus a reference scenario, or to lie
above or below a threshold; the verdict is supported, contradicted or not tested.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping

import pandas as pd

from analysis.model.indicators import format_value

Values = Mapping[str, float]

COLUMNS = [
    "id",
    "statement",
    "claims",
    "indicator",
    "expected",
    "scenario",
    "reference",
    "value",
    "reference_value",
    "threshold",
    "verdict",
    "evidence",
]


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def holds(expected: str, value, benchmark):
    """Whether the essay's expectation holds, for one value or elementwise for arrays of draws;
    no change counts against an expected rise or fall."""
    if expected in ("increase", "above"):
        return value > benchmark
    if expected in ("decrease", "below"):
        return value < benchmark
    raise ValueError(f"unknown expectation {expected!r}")


def judge(expected: str, value: float, benchmark: float) -> str:
    """Verdict for one comparison: supported or contradicted."""
    return "supported" if holds(expected, value, benchmark) else "contradicted"


def evaluate(
    implications: pd.DataFrame, scenario_id: str, values_for: Callable[[str], Values]
) -> pd.DataFrame:
    """Findings for one scenario: every implication whose `scenario` is it, with its numbers.

    `values_for(id)` returns a scenario's headline values; it is called for references too.
    """
    rows = []
    for imp in implications[implications["scenario"] == scenario_id].to_dict("records"):
        name, expected = imp["indicator"], imp["expected"]
        value = values_for(scenario_id).get(name)
        comparative = expected in ("increase", "decrease")
        reference = imp["reference"] if comparative else None
        benchmark = values_for(reference).get(name) if comparative else imp["threshold"]
        row = {**imp, "reference": reference, "value": value, "reference_value": None}
        row["threshold"] = None if comparative else imp["threshold"]
        if comparative:
            row["reference_value"] = benchmark
        if _missing(value) or _missing(benchmark):
            row["verdict"] = "not tested"
            row["evidence"] = f"{name} is not computed for this comparison yet"
        else:
            row["verdict"] = judge(expected, float(value), float(benchmark))
            against = (
                f"{reference}: {format_value(name, benchmark)}"
                if comparative
                else (f"threshold {format_value(name, benchmark)}")
            )
            row["evidence"] = (
                f"{name} = {format_value(name, value)} ({against}; expected {expected})"
            )
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)
