"""Scenario analysis of alliance politics in Asia.

`load_world()` reads the sourced data in data/, `load_scenario(id)` a scenario file, and
`run(scenario, world)` measures the scenario's indicators.
"""

from analysis.errors import DataError, InputError, ScenarioError
from analysis.results import ScenarioResult, run
from analysis.world.scenario import Scenario, load_scenario, scenario_ids
from analysis.world import World, load_world

__all__ = [
    "DataError",
    "InputError",
    "Scenario",
    "ScenarioError",
    "ScenarioResult",
    "World",
    "load_scenario",
    "load_world",
    "run",
    "scenario_ids",
]
__version__ = "0.1.0"
