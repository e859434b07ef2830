"""Evaluating implications: verdicts, numbers and 'not tested' when a value is missing."""

import pandas as pd
import pytest

import analysis
from analysis.model.findings import evaluate, judge


def _implications(*rows: dict) -> pd.DataFrame:
    base = {"statement": "s", "claims": ["c"], "reference": None, "threshold": None}
    return pd.DataFrame([{**base, **row} for row in rows]).set_index("id", drop=False)


@pytest.mark.parametrize(
    ("expected", "value", "benchmark", "verdict"),
    [
        ("increase", 2.0, 1.0, "supported"),
        ("increase", 1.0, 2.0, "contradicted"),
        ("increase", 1.0, 1.0, "contradicted"),  # no change is not the rise the essay expects
        ("decrease", 1.0, 2.0, "supported"),
        ("above", 0.9, 0.8, "supported"),
        ("below", 0.9, 0.8, "contradicted"),
    ],
)
def test_judge(expected, value, benchmark, verdict):
    assert judge(expected, value, benchmark) == verdict


def test_evaluate_compares_with_reference_and_threshold():
    values = {
        "x": {"polarisation": 0.3, "trade_at_risk_share_gdp": 0.02},
        "ref": {"polarisation": 0.2},
    }
    table = evaluate(
        _implications(
            {
                "id": "up",
                "indicator": "polarisation",
                "scenario": "x",
                "reference": "ref",
                "expected": "increase",
            },
            {
                "id": "small",
                "indicator": "trade_at_risk_share_gdp",
                "scenario": "x",
                "expected": "below",
                "threshold": 0.01,
            },
            {
                "id": "later",
                "indicator": "arms_race_stable",
                "scenario": "x",
                "reference": "ref",
                "expected": "decrease",
            },
            {
                "id": "other",
                "indicator": "polarisation",
                "scenario": "ref",
                "expected": "above",
                "threshold": 0.1,
            },
        ),
        "x",
        lambda ident: values[ident],
    ).set_index("id")
    assert list(table.index) == ["up", "small", "later"]  # only this scenario's implications
    assert table.loc["up", "verdict"] == "supported"
    assert table.loc["up", "reference_value"] == 0.2
    assert table.loc["up", "evidence"] == "polarisation = 0.3000 (ref: 0.2000; expected increase)"
    assert table.loc["small", "verdict"] == "contradicted"
    assert "threshold 1.0%" in table.loc["small", "evidence"]
    assert table.loc["later", "verdict"] == "not tested"


def _polarisation_by_hand(result) -> float:
    """Esteban-Ray with alpha = 1 over positions / 100, CINC weights, equal positions pooled,
    as a plain double sum."""
    cinc = result.world.figures["cinc"]
    groups: dict[float, float] = {}
    for actor, position in result.positions["position"].items():
        groups[position / 100] = groups.get(position / 100, 0.0) + cinc[actor] / cinc.sum()
    return sum(p**2 * q * abs(y - z) for y, p in groups.items() for z, q in groups.items())


def test_shipped_findings_follow_the_measured_numbers(world):
    result = analysis.run(analysis.load_scenario("china-joins", world), world)
    reference = analysis.run(analysis.load_scenario("asian-nato", world), world)
    row = result.findings.set_index("id").loc["china-joining-depolarises"]
    assert row["value"] == pytest.approx(_polarisation_by_hand(result), rel=1e-9)
    assert row["reference_value"] == pytest.approx(_polarisation_by_hand(reference), rel=1e-9)
    # China moving to 70 and into the alliance pulls the camps together: 0.0772 -> 0.0411
    assert row["reference_value"] == pytest.approx(0.0772, abs=1e-4)
    assert row["value"] == pytest.approx(0.0411, abs=1e-4) and row["verdict"] == "supported"
    contradicted = analysis.run("asian-nato", world).findings.set_index("id")
    assert contradicted.loc["arms-race-destabilises", "verdict"] == "contradicted"
