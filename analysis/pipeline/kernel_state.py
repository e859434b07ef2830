"""Global state of a warm kernel, put back to its start-up values between notebook runs.

A kernel that renders one brief after another must give each brief the output it would get
in a fresh kernel; `reset()` undoes what a notebook may change outside its namespace.
"""

from __future__ import annotations

import warnings

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

_RC: dict[str, object] = {}


def warm_up() -> None:
    """Import the analysis stack once and remember the plotting defaults to restore."""
    import analysis.report.brief  # noqa: F401
    import analysis.report.overview_charts  # noqa: F401
    import analysis.report.scenario_charts  # noqa: F401

    _RC.clear()
    _RC.update(matplotlib.rcParams.copy())


def reset() -> None:
    """Close figures and restore matplotlib and pandas settings to their warm-up values."""
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams.update(_RC)
        pd.reset_option("all")
