"""The data layer: data/ read and validated into an immutable World, and scenarios as data.

Nothing here runs a method or draws: `load_world` reads and checks, `load_scenario` resolves a
scenario file and its `extends` chain, `apply` gives the World as a scenario assumes it.
"""

from analysis.world.data import DATA_DIR, FACT_UNITS, FIGURES, World, load_world
from analysis.world.scenario import (
    BLOC_NAMES,
    Z90,
    Distribution,
    Scenario,
    TradeShock,
    apply,
    data_uncertainty,
    load_scenario,
    scenario_from_mapping,
    scenario_ids,
    shock_trade,
)

__all__ = [
    "BLOC_NAMES",
    "DATA_DIR",
    "FACT_UNITS",
    "FIGURES",
    "Distribution",
    "Scenario",
    "TradeShock",
    "World",
    "Z90",
    "apply",
    "data_uncertainty",
    "load_scenario",
    "load_world",
    "scenario_from_mapping",
    "scenario_ids",
    "shock_trade",
]
