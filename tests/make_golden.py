"""Regenerate the golden notebook for the regression test (`make golden`) with papermill."""

from pathlib import Path

import nbformat
import papermill

from analysis.pipeline.render import NOTEBOOKS, SCENARIO_NOTEBOOK

GOLDEN_SCENARIO = "korea-hedges"
GOLDEN = Path(__file__).parent / "golden" / f"02_scenario.{GOLDEN_SCENARIO}.ipynb"

if __name__ == "__main__":
    papermill.execute_notebook(
        str(SCENARIO_NOTEBOOK), str(GOLDEN), parameters={"scenario": GOLDEN_SCENARIO},
        cwd=str(NOTEBOOKS), kernel_name="python3", progress_bar=False,
    )  # fmt: skip
    golden = nbformat.read(GOLDEN, as_version=4)
    for key in ("input_path", "output_path"):  # paths of this machine: not part of the run
        golden.metadata.get("papermill", {}).pop(key, None)
    nbformat.write(golden, GOLDEN)
    print(f"wrote {GOLDEN}")
