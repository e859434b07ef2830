"""Regenerate the golden notebook for the regression test (`make golden`) with papermill."""

from pathlib import Path

from analysis.render import SCENARIO_NOTEBOOK, execute

GOLDEN_SCENARIO = "korea-hedges"
GOLDEN = Path(__file__).parent / "golden" / f"02_scenario.{GOLDEN_SCENARIO}.ipynb"

if __name__ == "__main__":
    execute(SCENARIO_NOTEBOOK, {"scenario": GOLDEN_SCENARIO}, GOLDEN)
    print(f"wrote {GOLDEN}")
