"""Global sensitivity analysis: which uncertain inputs drive an outcome, and how outcomes are
spread under the scenario's judged uncertainty.

Two methods, both through SALib (Herman & Usher 2017; Iwanaga, Usher & Herman 2022):

* **Sobol' indices** (Sobol' 1993). The first-order index ``S1_i`` is the share of the
  outcome's variance that input ``i`` explains alone, the total index ``ST_i`` the share it
  explains with all its interactions. SALib samples a scrambled Sobol' sequence in Saltelli's
  cross-sampling scheme, ``N (D + 2)`` rows for ``D`` inputs (``N (2D + 2)`` with second-order
  indices), and estimates ``S1`` with Saltelli et al. (2010, table 2 (b)) and ``ST`` with
  Jansen's formula (Saltelli et al. 2010, table 2 (f)); confidence intervals are bootstrap
  intervals over the ``N`` base rows.
* **Morris elementary effects** (Morris 1991), with Campolongo, Cariboni & Saltelli's (2007)
  ``mu_star`` (the mean absolute effect, a screening measure that ranks inputs like ``ST``)
  and ``sigma`` (the spread of effects: non-linearity or interaction). Effects are changes
  of the outcome per unit of the input's *quantile* (0 to 1 over its range), so inputs of
  different units compare directly.

Both take a SALib ``problem`` and a vectorised ``model(X) -> y`` and know nothing of the
project; `analysis.model.exploration` applies them to a scenario's uncertain inputs.

References: Sobol', I. M. (1993) Sensitivity estimates for nonlinear mathematical models,
*Math. Modeling Comput. Experiment* 1, 407-414. Saltelli, A., Annoni, P., Azzini, I.,
Campolongo, F., Ratto, M. & Tarantola, S. (2010) Variance based sensitivity analysis of model
output, *Comput. Phys. Commun.* 181, 259-270. Morris, M. D. (1991) Factorial sampling plans for
preliminary computational experiments, *Technometrics* 33, 161-174. Campolongo, F., Cariboni,
J. & Saltelli, A. (2007) An effective screening design for sensitivity analysis of large
models, *Environ. Model. Softw.* 22, 1509-1518.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

__all__ = ["DEFAULT_SEED", "Model", "morris_analysis", "sobol_analysis"]

#: Seed used when none is given (the 04_uncertainty notebook's default).
DEFAULT_SEED = 20261126

Model = Callable[[np.ndarray], np.ndarray]


# -- the generic core -------------------------------------------------------------------------


def _check_problem(problem: Mapping) -> list[str]:
    names = list(problem["names"])
    if problem["num_vars"] != len(names) or len(problem["bounds"]) != len(names):
        raise ValueError("problem: num_vars, names and bounds must have the same length")
    if not names:
        raise ValueError("problem has no inputs: nothing to analyse")
    return names


def _run_model(model: Model, X: np.ndarray) -> np.ndarray:
    """Evaluate the model once on the whole design and check what comes back."""
    y = np.asarray(model(X), dtype=float).reshape(-1)
    if y.shape[0] != X.shape[0]:
        raise ValueError(f"model returned {y.shape[0]} values for {X.shape[0]} rows")
    if not np.all(np.isfinite(y)):
        raise ValueError("model returned non-finite values: indices are undefined")
    if np.ptp(y) == 0:
        raise ValueError("the outcome does not vary over the inputs' ranges: nothing to apportion")
    return y


#: Saltelli designs already drawn, by problem, base samples, second order and seed (a few).
_DESIGNS: dict[tuple, np.ndarray] = {}
_DESIGNS_MAX = 8


def _saltelli_design(problem: Mapping, n: int, second_order: bool, seed: int) -> np.ndarray:
    """SALib's Sobol' design for the problem (a copy): drawn once for the same arguments, as the
    seed makes it the same every time; the findings of one scenario all share one (~10 ms)."""
    from SALib.sample import sobol as sample

    key = (pickle.dumps(sorted(problem.items())), n, second_order, seed)  # every value, exactly
    if key not in _DESIGNS:
        if len(_DESIGNS) >= _DESIGNS_MAX:
            _DESIGNS.clear()
        _DESIGNS[key] = sample.sample(dict(problem), n, calc_second_order=second_order, seed=seed)
    return _DESIGNS[key].copy()


def sobol_analysis(
    problem: Mapping,
    model: Model,
    n: int = 1024,
    seed: int = DEFAULT_SEED,
    second_order: bool = False,
    resamples: int = 100,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Sobol' indices of ``model`` over ``problem`` (a SALib problem dict).

    ``n`` base samples (a power of two, as the Sobol' sequence needs) give ``n (D + 2)`` model
    evaluations, ``n (2D + 2)`` with ``second_order``; ``model`` receives the whole design
    matrix (rows = runs, columns = ``problem["names"]``) in one call. Returns one row per input
    with ``S1``, ``S1_conf``, ``ST``, ``ST_conf`` (half-widths of bootstrap ``conf_level``
    intervals) and, with ``second_order``, ``S2[<other>]`` / ``S2_conf[<other>]`` columns.
    The same seed gives the same table. Estimators: Saltelli et al. (2010), as SALib
    implements them (see the module docstring).
    """
    from SALib.analyze import sobol as analyze

    names = _check_problem(problem)
    if n < 2 or n & (n - 1):
        raise ValueError(f"n must be a power of two (Sobol' sequence), got {n}")
    X = _saltelli_design(problem, n, second_order, seed)
    y = _run_model(model, X)
    result = analyze.analyze(
        dict(problem),
        y,
        calc_second_order=second_order,
        num_resamples=resamples,
        conf_level=conf_level,
        seed=seed,
    )
    table = pd.DataFrame(
        {key: np.asarray(result[key], dtype=float) for key in ("S1", "S1_conf", "ST", "ST_conf")},
        index=pd.Index(names, name="input"),
    )
    if second_order:
        for key in ("S2", "S2_conf"):
            matrix = np.asarray(result[key], dtype=float)
            matrix = np.where(np.isnan(matrix), matrix.T, matrix)  # SALib fills the upper half
            for j, other in enumerate(names):
                table[f"{key}[{other}]"] = matrix[:, j]
    table.attrs["analysis"] = {
        "method": "sobol",
        "base_samples": int(n),
        "evaluations": int(X.shape[0]),
        "seed": int(seed),
        "conf_level": conf_level,
        "second_order": bool(second_order),
    }
    return table


def morris_analysis(
    problem: Mapping,
    model: Model,
    trajectories: int = 50,
    seed: int = DEFAULT_SEED,
    levels: int = 4,
    resamples: int = 1000,
    conf_level: float = 0.95,
) -> pd.DataFrame:
    """Morris (1991) elementary effects of ``model`` over ``problem``.

    ``trajectories`` one-at-a-time paths through a ``levels``-point grid of each input's
    quantiles give ``trajectories (D + 1)`` evaluations, all passed to ``model`` at once.
    Returns one row per input with ``mu`` (mean effect), ``mu_star`` (mean absolute effect,
    Campolongo et al. 2007), ``mu_star_conf`` (bootstrap half-width) and ``sigma`` (standard
    deviation of the effects). Effects are per unit of the input's quantile: an input whose
    change over its whole range moves the outcome by ``d`` has effects near ``d``.
    """
    from SALib.analyze import morris as analyze
    from SALib.sample import morris as sample

    names = _check_problem(problem)
    if trajectories < 2:
        raise ValueError(f"need at least two trajectories, got {trajectories}")
    X = sample.sample(dict(problem), trajectories, num_levels=levels, seed=seed)
    if not np.all(np.isfinite(X)):
        raise ValueError("an input's distribution is unbounded: Morris needs finite grid points")
    y = _run_model(model, X)
    result = analyze.analyze(
        dict(problem),
        X,
        y,
        num_resamples=resamples,
        conf_level=conf_level,
        num_levels=levels,
        seed=seed,
    )
    table = pd.DataFrame(
        {
            key: np.asarray(result[key], dtype=float)
            for key in ("mu", "mu_star", "mu_star_conf", "sigma")
        },
        index=pd.Index(names, name="input"),
    )
    table.attrs["analysis"] = {
        "method": "morris",
        "trajectories": int(trajectories),
        "levels": int(levels),
        "evaluations": int(X.shape[0]),
        "seed": int(seed),
        "conf_level": conf_level,
    }
    return table
