"""Notebooks: committed clean, parameterised, and 02_scenario reproduces its golden run."""

import json
from pathlib import Path

import pytest
from pytest_notebook.nb_regression import NBRegressionFixture

from analysis.pipeline.render import NOTEBOOKS

GOLDEN = Path(__file__).parent / "golden" / "02_scenario.korea-hedges.ipynb"
NOTEBOOK_FILES = sorted(NOTEBOOKS.glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_notebook_is_committed_without_outputs(path):
    cells = json.loads(path.read_text())["cells"]
    assert all(not c.get("outputs") and not c.get("execution_count") for c in cells)


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_notebook_starts_with_tagged_parameters_cell(path):
    first = json.loads(path.read_text())["cells"][0]
    assert first["cell_type"] == "code"
    assert "parameters" in first["metadata"].get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_notebook_cells_stay_short(path):
    for cell in json.loads(path.read_text())["cells"]:
        if cell["cell_type"] == "code":
            assert len("".join(cell["source"]).splitlines()) <= 15


def test_golden_run_is_of_the_current_notebook():
    """The golden file is the scenario notebook as it is now, executed: after papermill's
    injected parameters cell, every cell's type and source equal the notebook's. An edit to
    the notebook without `make golden` fails here."""
    notebook = json.loads((NOTEBOOKS / "02_scenario.ipynb").read_text())["cells"]
    golden = json.loads(GOLDEN.read_text())["cells"]
    injected = [
        i for i, c in enumerate(golden) if "injected-parameters" in c["metadata"].get("tags", [])
    ]
    assert injected == [1], "papermill injects the parameters right after the parameters cell"
    executed = golden[:1] + golden[2:]

    def shape(cells):
        return [(c["cell_type"], "".join(c["source"])) for c in cells]

    assert shape(executed) == shape(notebook)


def test_scenario_notebook_matches_golden_run():
    """Re-executes the papermill-produced golden notebook and compares every output."""
    fixture = NBRegressionFixture(
        exec_timeout=300,
        exec_cwd=str(NOTEBOOKS),
        diff_ignore=(
            "/metadata/language_info",
            "/metadata/papermill",
            "/metadata/widgets",
            "/cells/*/metadata/papermill",
            "/cells/*/metadata/execution",
            "/cells/*/execution_count",
            "/cells/*/outputs/*/execution_count",
            # Charts are compared as the data behind them (tables); image bytes vary by platform.
            "/cells/*/outputs/*/data/image/png",
            "/cells/*/outputs/*/data/image/svg+xml",
        ),
        diff_replace=(
            ("/cells/*/outputs", r"rendered \d{4}-\d\d-\d\d \d\d:\d\d UTC", "rendered DATE"),
            ("/cells/*/outputs", r"git commit `[0-9a-f]+`|git commit `unknown`", "git commit HASH"),
            ("/cells/*/outputs", r"data SHA-256 `[0-9a-f]+`", "data SHA-256 HASH"),
            ("/cells/*/outputs", r"<Figure size [^>]+>|<Axes: [^>]*>", "FIGURE"),
            ("/cells/*/outputs", r" at 0x[0-9a-f]+>", ">"),  # object addresses in reprs
        ),
    )
    fixture.diff_color_words = False
    fixture.check(str(GOLDEN))


@pytest.mark.parametrize("path", NOTEBOOK_FILES, ids=lambda p: p.name)
def test_papermill_sees_every_parameter(path):
    """Each name assigned in the parameters cell can be set by papermill (strict rendering
    rejects parameters papermill cannot see)."""
    import ast

    import papermill

    source = "".join(json.loads(path.read_text())["cells"][0]["source"])
    assigned = {
        target.id
        for node in ast.parse(source).body
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Name)
    }
    assert set(papermill.inspect_notebook(str(path))) == assigned
