"""Scenario analysis of alliance politics in Asia.

`load_world()` reads the sourced data in data/, `load_scenario(id)` a scenario file,
`run(scenario, world)` measures a scenario at its central values, `evaluate(world, scenario,
draws)` measures it for many draws at once and `sweep(...)` samples its judged uncertainties.
`INDICATORS` declares every indicator once: key, label, unit, format and how it is computed.

The package is layered (imports only go downwards): `cli` -> `pipeline` (rendering) ->
`report` (tables, charts, prose) -> `model` (the scenario engine) -> `methods` (published
methods) and `world` (data and scenarios). Names are loaded on first use, so importing one
layer does not import the others.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

#: Public name -> the module that defines it.
_EXPORTS = {
    "DataError": "analysis.errors",
    "InputError": "analysis.errors",
    "ScenarioError": "analysis.errors",
    "World": "analysis.world",
    "Scenario": "analysis.world",
    "load_scenario": "analysis.world",
    "scenario_ids": "analysis.world",
    "load_world": "analysis.model",
    "INDICATORS": "analysis.model",
    "Indicator": "analysis.model",
    "ScenarioResult": "analysis.model",
    "evaluate": "analysis.model",
    "run": "analysis.model",
    "sweep": "analysis.model",
    "explore": "analysis.report.explorer",
}

__all__ = sorted(_EXPORTS)

if TYPE_CHECKING:  # for type checkers and editors; names load lazily at run time
    from analysis.errors import DataError, InputError, ScenarioError  # noqa: F401
    from analysis.model import (  # noqa: F401
        INDICATORS,
        Indicator,
        ScenarioResult,
        evaluate,
        load_world,
        run,
        sweep,
    )
    from analysis.report.explorer import explore  # noqa: F401
    from analysis.world import Scenario, World, load_scenario, scenario_ids  # noqa: F401


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(importlib.import_module(_EXPORTS[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'analysis' has no attribute {name!r}")
