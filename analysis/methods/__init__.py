"""Published methods, pure functions over numpy and pandas.

Nothing here knows the World, draws a chart or writes prose: each function takes arrays or
tables and returns numbers, so it can be tested against the paper it comes from.
"""

from analysis.methods.alignment import Landscape, energy, is_stable, landscape, switch_gains
from analysis.methods.arms import (
    calibrate_grievances,
    richardson_eigenvalues,
    richardson_equilibrium,
    richardson_path,
    richardson_stable,
)
from analysis.methods.bargaining import (
    bdm_rounds,
    smp_turn0,
    weighted_mean,
    weighted_median,
)
from analysis.methods.capability import balance_ratio, bloc_shares, bloc_totals
from analysis.methods.cib import (
    consistent_scenarios,
    impact_balances,
    matrix_from_document,
    succession,
)
from analysis.methods.polarisation import esteban_ray, esteban_ray_many, group_position
from analysis.methods.prim import Box, prim
from analysis.methods.sensitivity import morris_analysis, sobol_analysis
from analysis.methods.trade import (
    cross_bloc_trade,
    herfindahl,
    partner_concentration,
    trade_matrix,
    trade_with,
)

__all__ = [
    "Box",
    "Landscape",
    "balance_ratio",
    "bdm_rounds",
    "bloc_shares",
    "bloc_totals",
    "calibrate_grievances",
    "consistent_scenarios",
    "cross_bloc_trade",
    "energy",
    "esteban_ray",
    "esteban_ray_many",
    "group_position",
    "herfindahl",
    "impact_balances",
    "is_stable",
    "landscape",
    "matrix_from_document",
    "morris_analysis",
    "partner_concentration",
    "prim",
    "richardson_eigenvalues",
    "richardson_equilibrium",
    "richardson_path",
    "richardson_stable",
    "smp_turn0",
    "sobol_analysis",
    "succession",
    "switch_gains",
    "trade_matrix",
    "trade_with",
    "weighted_mean",
    "weighted_median",
]
