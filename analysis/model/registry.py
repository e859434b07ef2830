"""What an indicator is, and how its values read: the vocabulary of the indicator registry.

Each indicator is declared once (`analysis.model.indicators.INDICATORS`) with its key, label,
unit, format, description, the inputs it reads and the vectorised function that computes it.
Tables, charts, JSON, sweeps, sensitivity labels and findings all read labels and formats
from there; this module holds only the small, dependency-free parts they share.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

#: Kinds of input an indicator may read; `parameter:<name>` names a row of parameters.csv.
INPUT_KINDS = ("figure", "trade", "groupings", "judgement", "parameter", "membership")

#: Where an indicator is shown, beyond JSON and sweeps (which show every indicator).
VIEWS = {
    "headline": "the headline table of a scenario brief",
    "bands": "the 5-95% ranges in a scenario brief",
    "bargaining": "the bargaining forecasts of a scenario brief",
    "compare": "the table of every scenario side by side (03_compare)",
    "glance": "the small multiples of every scenario (03_compare)",
    "index": "the columns of the index page",
    "spread": "the spread of outcomes under uncertainty (04_uncertainty)",
}


def usd(value: float) -> str:
    """US$ with a readable magnitude: $1.23 tn, $456.7 bn, $2.3 bn, $12.0 m."""
    for scale, suffix in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if abs(value) >= scale:
            digits = 2 if scale == 1e12 else 1
            return f"${value / scale:,.{digits}f} {suffix}"
    return f"${value:,.0f}"


def _ratio(value: float) -> str:
    return "no rival total" if math.isinf(value) else f"{value:.2f}x"


#: Format name -> how a value reads (NaN reads "n/a" whatever the format).
FORMATS: dict[str, Callable[[float], str]] = {
    "usd": usd,
    "percent": lambda v: f"{100 * v:.1f}%",
    "signed_percent": lambda v: f"{100 * v:+.1f}%",
    "count": lambda v: f"{int(v)}",
    "ratio": _ratio,
    "points": lambda v: f"{v:+.1f} points",
    "index": lambda v: f"{v:.4f}",
    "scale": lambda v: f"{v:.1f}",
    "settles": lambda v: "settles" if v else "runs away",
    "yes_no": lambda v: "yes" if v else "no",
}


@dataclass(frozen=True)
class Indicator:
    """One measured quantity of a scenario, declared once.

    `label` is a noun phrase that reads in a table and in a sentence ("trade at risk");
    `{isolation}` and `{dependence}` in it stand for the names of the scenario's focus actors.
    `inputs` lists what the value rests on (`figure:cinc`, `trade`, `judgement:position`,
    `parameter:trade.disruption_factor`, `membership`, ...; `figure:size` is the capability
    figure data/alignment.yaml names), which grades confidence and tells the engine which
    indicators a design leaves constant.
    `compute(state)` returns one value per draw. `iterative` indicators (the bargaining
    models) are computed draw by draw, so sweeps leave them out unless asked. `validated` says
    whether its method is checked against a published case or an analytic result (definitions
    are exact arithmetic); it grades confidence. `views` names the tables and charts that show
    it (`VIEWS`).
    """

    key: str
    label: str
    unit: str
    format: str
    description: str
    inputs: tuple[str, ...]
    method: str
    compute: Callable[[Any], Any]
    iterative: bool = False
    validated: bool = True  # the method reproduces a published case or an analytic result
    views: frozenset[str] = frozenset()
    states: tuple[str, str] | None = None  # a yes/no indicator as a clause: (false, true)

    def __post_init__(self) -> None:
        if self.format not in FORMATS:
            raise ValueError(f"{self.key}: unknown format {self.format!r}")
        if unknown := set(self.views) - set(VIEWS):
            raise ValueError(f"{self.key}: unknown views {sorted(unknown)}")
        for item in self.inputs:
            if item.split(":", 1)[0] not in INPUT_KINDS:
                raise ValueError(f"{self.key}: unknown input kind in {item!r}")

    def name(self, focus: Mapping[str, str] | None = None, capital: bool = False) -> str:
        """The label with the focus actors' names filled in ("North Korea's total trade")."""
        names = {"isolation": "the isolation focus actor", "dependence": "the dependence focus"}
        text = self.label.format(**{**names, **(focus or {})})
        return text[:1].upper() + text[1:] if capital else text

    def show(self, value: float | None) -> str:
        """The value with its unit, as a reader expects it."""
        if value is None or (isinstance(value, float) and math.isnan(value)):
            return "n/a"
        return FORMATS[self.format](value)
