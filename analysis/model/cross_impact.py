"""Cross-impact matrices from their files: read at the one reading boundary
(`analysis.world.reading`: strict YAML, size and depth limits), validated and built by the
method (`analysis.methods.cib.matrix_from_document`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from analysis.errors import DataError
from analysis.methods.cib import matrix_from_document
from analysis.world import DATA_DIR
from analysis.world.reading import load_yaml


def matrix_path(matrix: str | Path, data_dir: str | Path | None = None) -> Path:
    """A matrix id ('asia_security' -> <data>/cib/asia_security.yaml) or a path to a .yaml
    file; `data_dir` defaults to the project's data/."""
    text = str(matrix)
    if text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        return Path(matrix)
    return Path(data_dir if data_dir is not None else DATA_DIR) / "cib" / f"{text}.yaml"


def load_matrix(matrix: str | Path, data_dir: str | Path | None = None) -> pd.DataFrame:
    """The cross-impact matrix `matrix` (an id in data/cib/ or a path), validated; any
    problem with the file is one `DataError` naming the file, the place and what was
    expected (see `matrix_from_document` for the layout)."""
    path = matrix_path(matrix, data_dir)
    document = load_yaml(path, error=DataError, missing="no such cross-impact matrix file")
    return matrix_from_document(document, path)
