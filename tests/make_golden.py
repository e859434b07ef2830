"""Regenerate the golden notebook for the regression test (`make golden`) with papermill."""

from pathlib import Path

import papermill

from analysis.render import NOTEBOOKS, SCENARIO_NOTEBOOK

GOLDEN_SCENARIO = "korea-hedges"
GOLDEN = Path(__file__).parent / "golden" / f"02_scenario.{GOLDEN_SCENARIO}.ipynb"

if __name__ == "__main__":
    papermill.execute_notebook(
        str(SCENARIO_NOTEBOOK), str(GOLDEN), parameters={"scenario": GOLDEN_SCENARIO},
        cwd=str(NOTEBOOKS), kernel_name="python3", progress_bar=False,
    )  # fmt: skip
    print(f"wrote {GOLDEN}")
