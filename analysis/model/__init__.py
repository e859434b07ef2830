"""The scenario engine: one indicator registry, one vectorised evaluation, run and sweeps.

`INDICATORS` declares every indicator once; `evaluate(world, scenario, draws)` computes them
for any number of draws in one pass; `run(scenario, world)` is the engine at the scenario's
central values plus the tables and findings a brief shows; `sweep` samples a scenario's judged
uncertainties and evaluates every draw.
"""

from analysis.model.evaluation import evaluate
from analysis.model.indicators import INDICATORS, SWEPT, format_value, load_world
from analysis.model.registry import Indicator
from analysis.model.results import ScenarioResult, run
from analysis.model.sampling import sweep

__all__ = [
    "INDICATORS",
    "SWEPT",
    "Indicator",
    "ScenarioResult",
    "evaluate",
    "format_value",
    "load_world",
    "run",
    "sweep",
]
