"""Global state of a warm kernel, put back to its start-up values between notebook runs.

A kernel that renders one brief after another must give each brief the output it would get
in a fresh kernel; `reset()` undoes what a notebook may change outside its namespace.
"""

from __future__ import annotations

import gc
import warnings

import matplotlib
import matplotlib.pyplot as plt
import pandas as pd

from analysis.pipeline.imports import without

_RC: dict[str, object] = {}


def warm_up() -> None:
    """Import the analysis stack once, remember the plotting defaults to restore, and freeze
    what is alive now out of the garbage collector's reach.

    The imported stack lives as long as the kernel. Collecting garbage while it is imported
    only scans it again and again (~0.25 s of ~1.4 s); frozen, the full collections `%reset`
    runs between briefs scan only what a brief made (~0.3 s each otherwise)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        with without("ipywidgets"):  # for seaborn's palette pickers: a page shows no widget
            import seaborn  # noqa: F401  (~50 ms less; ipywidgets imports as usual later)
        import matplotlib.backends.backend_svg  # noqa: F401  (every chart is an SVG)
        import SALib.analyze.sobol  # noqa: F401  (every brief's key judgements)
        import SALib.sample.sobol  # noqa: F401

        import analysis.report.alignment  # noqa: F401
        import analysis.report.brief  # noqa: F401
        import analysis.report.judgements  # noqa: F401
        import analysis.report.overview_charts  # noqa: F401
        import analysis.report.scenario_charts  # noqa: F401
        from analysis.model.evaluation import blas_pools

        blas_pools()  # finds the loaded BLAS libraries once, not in every forked kernel
        _RC.clear()
        _RC.update(matplotlib.rcParams.copy())
    finally:
        gc.freeze()
        if enabled:
            gc.enable()


def reset() -> None:
    """Close figures and restore matplotlib and pandas settings to their warm-up values."""
    plt.close("all")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        matplotlib.rcParams.update(_RC)
        pd.reset_option("all")
