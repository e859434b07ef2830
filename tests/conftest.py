import shutil
from pathlib import Path

import pytest

import analysis
from analysis.pipeline.render import NOTEBOOKS, REPORTS, render
from analysis.world import DATA_DIR

#: The overview notebooks present in this checkout.
OVERVIEWS = tuple(r for r in REPORTS if (NOTEBOOKS / f"{r}.ipynb").exists())


@pytest.fixture(scope="session")
def world() -> analysis.World:
    return analysis.load_world()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


@pytest.fixture(scope="session")
def site(tmp_path_factory, world):
    """Every brief and overview rendered once into a temporary folder: (folder, report)."""
    out = tmp_path_factory.mktemp("rendered")
    report = render(world, analysis.scenario_ids(world), out, reports=OVERVIEWS)
    return out, report
