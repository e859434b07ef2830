import shutil
from pathlib import Path

import pytest

import analysis
from analysis.world import DATA_DIR


@pytest.fixture(scope="session")
def world() -> analysis.World:
    return analysis.load_world()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A private copy of data/ that a test may break."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target
