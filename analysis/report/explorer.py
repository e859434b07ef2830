"""The live explorer: change a judgement, a bloc or a parameter and see the answer at once.

`explore(scenario, world)` returns an `Explorer` that shows in JupyterLab (ipywidgets 8). Its
`controls` are sliders and drop-downs keyed `position:<ISO3>`, `salience:<ISO3>`,
`bloc:<ISO3>` and `parameter:<name>`, each starting at the scenario's value. Every change
re-runs the engine at central values (`analysis.run`, no file or kernel I/O) and updates
`result`, the headline numbers and the findings before the observer returns; the three
charts and the alignment's would-be defectors follow once the changes pause (`debounce`
seconds, when an event loop runs, as in Jupyter) or at once (headless). `scenario()` is the
current settings as a validated scenario that `extends` the starting one and lists only what
changed; `save(id)` writes it to data/scenarios/.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import io
import math
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from types import MappingProxyType
from typing import Any

import ipywidgets as widgets
import matplotlib as mpl
import numpy as np
import pandas as pd
import PIL.Image
import yaml
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from analysis.errors import InputError, ScenarioError
from analysis.model import findings as implications
from analysis.model.evaluation import evaluate
from analysis.model.indicators import INDICATORS, load_world, shown_in
from analysis.model.registry import usd
from analysis.model.results import ScenarioResult, run
from analysis.report.chart import BLOC_COLOURS, BLOC_NAMES, tint
from analysis.report.format import CAPABILITY_LABELS, capital, format_value, text
from analysis.report.judgements import likelihood_words
from analysis.world import BLOC_NAMES as BLOCS
from analysis.world import Scenario, World, load_scenario, scenario_from_mapping
from analysis.world.scenario import SLUG, restated, validate_spec

__all__ = ["RATIONALE", "Explorer", "explore"]

#: The rationale of every change the explorer makes.
RATIONALE = "set in the explorer"
#: Seconds without a change before the charts are redrawn (when an event loop runs).
DEBOUNCE = 0.25
#: Resolution of the explorer's charts (small, so a redraw stays fast).
DPI = 90
#: Matplotlib settings of the explorer's charts, whatever the notebook set before.
_RC = {
    "font.size": 8,
    "axes.titlesize": 9,
    "axes.grid": True,
    "axes.grid.axis": "x",
    "grid.color": "#e0e0e0",
    "axes.edgecolor": "#888888",
    "axes.facecolor": "white",
    "figure.facecolor": "white",
    "legend.fontsize": 7,
    "legend.frameon": False,
}
#: How a bloc reads in the summary of changes.
_BLOC_WORDS = {"alliance": "the alliance", "rivals": "the rival bloc", "others": "neither bloc"}


def explore(
    scenario: str | Path | Scenario = "asian-nato",
    world: World | None = None,
    *,
    debounce: float = DEBOUNCE,
) -> Explorer:
    """An explorer of what-ifs starting from `scenario` (an id, a file or a Scenario)."""
    return Explorer(scenario, world, debounce=debounce)


def _clean(value: float) -> float | int:
    """A control's value without float noise (0.15000000000000002 -> 0.15); whole numbers
    as int, so the scenario file reads `35`, not `35.0`."""
    value = float(f"{float(value):.12g}")
    return int(value) if value.is_integer() else value


def _step(low: float, value: float, high: float) -> float:
    """A slider step that divides the range and lands on the starting value, so the slider
    can return to it: the largest of 10, 5, 2, 1, 0.5, ... at most a twentieth of the range."""
    for exponent in range(1, -5, -1):
        for mantissa in (5, 2, 1):
            step = mantissa * 10.0**exponent
            if step > (high - low) / 20:
                continue
            if all(abs(x / step - round(x / step)) < 1e-9 for x in (value - low, high - low)):
                return step
    return (high - low) / 1000


def _difference(key: str, before: float, after: float) -> str:
    """`after - before` in the indicator's unit ("+1.2 pts", "-$3.4 bn"); empty when equal."""
    kind = INDICATORS[key].format
    if before == after or (math.isnan(before) and math.isnan(after)):
        return ""
    if math.isnan(before) or math.isnan(after) or kind in ("settles", "yes_no"):
        return "changed"
    d = after - before
    if math.isinf(d):
        return "changed"
    sign = "+" if d > 0 else "-"
    pts = 100 * d if kind in ("percent", "signed_percent") else d
    digits = 1 if abs(pts) >= 0.05 else 2  # a small change still shows: "+0.03 pts", not "+0.0"
    shown = {
        "usd": lambda: f"{sign}{usd(abs(d))}",
        "percent": lambda: f"{pts:+.{digits}f} pts",
        "signed_percent": lambda: f"{pts:+.{digits}f} pts",
        "count": lambda: f"{d:+.0f}",
        "ratio": lambda: f"{d:+.2f}x",
        "points": lambda: f"{d:+.{digits}f} points",
        "index": lambda: f"{d:+.4f}",
    }.get(kind, lambda: f"{d:+.{digits}f}")()
    return shown.replace("-", "\u2212")


_STYLE = """<style>
.ae-explorer table {border-collapse: collapse; font-size: 12px; width: 100%;}
.ae-explorer th, .ae-explorer td {padding: 2px 6px; border-bottom: 1px solid #e5e5e5;
  text-align: right; vertical-align: top;}
.ae-explorer th:first-child, .ae-explorer td:first-child {text-align: left;}
.ae-explorer td + td, .ae-explorer th + th {white-space: nowrap;}
.ae-explorer tr.changed td {background: #fff6d6;}
.ae-explorer .supported {color: #1e7b34; font-weight: 600;}
.ae-explorer .contradicted {color: #b03a2e; font-weight: 600;}
.ae-explorer .not-tested {color: #777;}
.ae-explorer td.statement {text-align: left; max-width: 38em;}
.ae-explorer small {color: #555;}
</style>"""


class Explorer:
    """Controls over one scenario's judgements, blocs and parameters, the current result
    and a view of it; shows itself in JupyterLab.

    `result` is what `analysis.run` returns for `scenario()`; it, the headline numbers and
    the findings are updated in the observer of every control, before the change returns.
    The slower details (the three charts, who would change sides) follow `debounce` seconds
    after the last change when an event loop runs (Jupyter), at once otherwise (headless);
    `refresh()` redraws them now. `timings` holds the last update's seconds.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = "asian-nato",
        world: World | None = None,
        *,
        debounce: float = DEBOUNCE,
    ) -> None:
        self.world = world if world is not None else load_world()
        self.start = (
            scenario if isinstance(scenario, Scenario) else load_scenario(scenario, self.world)
        )
        self.start_result = run(self.start, self.world)  # cached: the comparison column
        self.debounce = debounce
        self.timings: dict[str, float] = {}
        self._values_for = self._reference_values()
        self._pending: asyncio.TimerHandle | None = None
        self._hold = False
        self._start_values = self._starting_values()
        self.controls: dict[str, widgets.ValueWidget] = self._make_controls()
        views = ("changes", "numbers", "status", "alignment", "findings")
        self._view = {name: widgets.HTML() for name in views}
        self._charts = _Charts(self.start_result)
        self.images = {
            name: widgets.Image(format="png", layout=_image_layout()) for name in _Charts.NAMES
        }
        self.widget = self._layout()
        for control in self.controls.values():
            control.observe(self._changed, names="value")
        self.result: ScenarioResult = self.start_result
        # Labels name the focus actors, which the explorer does not change: computed once.
        self._labels = {k: self.start_result.label(k, capital=True) for k in shown_in("headline")}
        self._start_verdicts = dict(
            zip(
                self.start_result.findings["id"], self.start_result.findings["verdict"], strict=True
            )
        )
        self.findings: pd.DataFrame = self.start_result.findings
        # ICD 203 likelihoods need a sweep: the starting scenario's, computed once.
        self._likelihoods = {
            row["id"]: likelihood_words(row)
            for row in self.start_result.judgements.to_dict("records")
        }
        self.update()
        self.refresh()

    # --- the settings ---------------------------------------------------------------------

    def _starting_values(self) -> dict[str, object]:
        """Every control's value in the starting scenario (the World as it assumes it)."""
        positions = self.start_result.positions
        values: dict[str, object] = {}
        for code in self.world.actors.index:
            values[f"bloc:{code}"] = str(positions.loc[code, "bloc"])
            values[f"position:{code}"] = _clean(positions.loc[code, "position"])
            values[f"salience:{code}"] = _clean(positions.loc[code, "salience"])
        for name in self.world.parameters.index:
            values[f"parameter:{name}"] = _clean(self.start.parameter(name, self.world))
        return values

    def _make_controls(self) -> dict[str, widgets.ValueWidget]:
        """Sliders (released, not dragged, to update) and bloc drop-downs at the start values."""
        controls: dict[str, widgets.ValueWidget] = {}
        slider = {"continuous_update": False, "layout": widgets.Layout(width="190px")}
        for code in self.world.actors.index:
            controls[f"bloc:{code}"] = widgets.Dropdown(
                options=[(BLOC_NAMES[b], b) for b in BLOCS],
                value=self._start_values[f"bloc:{code}"],
                layout=widgets.Layout(width="110px"),
            )
            for kind in ("position", "salience"):
                controls[f"{kind}:{code}"] = widgets.FloatSlider(
                    value=self._start_values[f"{kind}:{code}"],
                    min=0 if kind == "position" else 1,  # the bargaining models need salience > 0
                    max=100,
                    step=1,
                    readout_format=".0f",
                    **slider,
                )
        for name, row in self.world.parameters.iterrows():
            value = self._start_values[f"parameter:{name}"]
            step = _step(float(row["low"]), float(value), float(row["high"]))
            decimals = max(0, -math.floor(math.log10(step) + 1e-9))
            controls[f"parameter:{name}"] = widgets.FloatSlider(
                value=value,
                min=float(row["low"]),
                max=float(row["high"]),
                step=step,
                readout_format=f".{decimals}f",
                **slider,
            )
        return controls

    def changes(self) -> dict[str, tuple[object, object]]:
        """Control key -> (starting value, current value), for the controls that differ."""
        out = {}
        for key, control in self.controls.items():
            now = control.value if key.startswith("bloc:") else _clean(control.value)
            if now != self._start_values[key]:
                out[key] = (self._start_values[key], now)
        return out

    def _describe(self, changes: Mapping[str, tuple[object, object]]) -> list[str]:
        """Each change in words: "South Korea's position from 68 to 35"."""
        names = self.world.actors["name"]
        words = []
        for key, (old, new) in changes.items():
            kind, subject = key.split(":", 1)
            if kind == "bloc":
                words.append(
                    f"{names[subject]} moves from {_BLOC_WORDS[old]} to {_BLOC_WORDS[new]}"
                )
            elif kind == "parameter":
                label = self.world.parameters.loc[subject, "label"]
                words.append(f"{label} from {old:g} to {new:g}")
            else:
                words.append(f"{names[subject]}'s {kind} from {old:g} to {new:g}")
        return words

    def mapping(self, ident: str | None = None) -> dict[str, Any]:
        """The scenario file the current settings make: it `extends` the starting scenario,
        compares with it, and lists only what changed, each with the explorer's rationale."""
        start = self.start
        changes = self.changes()
        words = self._describe(changes)
        summary = (
            f"{start.title}, explored: " + "; ".join(words) + "."
            if words
            else f"{start.title}, with no change."
        )
        raw: dict[str, Any] = {
            "id": ident or f"{start.id}-explored"[:64].rstrip("-"),
            "title": f"{start.title} (explored)"[:200],
            "summary": summary,
            "extends": start.id,
            "reference": start.id,
        }
        blocs = {k.split(":")[1]: new for k, (_, new) in changes.items() if k.startswith("bloc:")}
        if blocs:
            now = {
                c: blocs.get(c, self._start_values[f"bloc:{c}"]) for c in self.world.actors.index
            }
            allied = [c for c in now if now[c] == "alliance"]
            raw["alliance"] = {
                "add": [c for c in allied if c not in start.alliance],
                "remove": [c for c in start.alliance if c not in allied],
            }
            if {c for c in now if now[c] == "rivals"} != set(start.rivals):
                kept = [c for c in start.rivals if now[c] == "rivals"]
                raw["rivals"] = kept + [c for c in now if now[c] == "rivals" and c not in kept]
        judgements: dict[str, dict[str, object]] = {}
        for key, (_, new) in changes.items():
            kind, subject = key.split(":", 1)
            if kind in ("position", "salience"):
                judgements.setdefault(subject, {})[kind] = new
        if judgements:
            raw["judgements"] = {
                code: {k: change[k] for k in ("position", "salience") if k in change}
                | {"rationale": RATIONALE}
                for code, change in judgements.items()
            }
        parameters = {
            key.split(":", 1)[1]: new
            for key, (_, new) in changes.items()
            if key.startswith("parameter:")
        }
        if parameters:
            raw["parameters"] = parameters
        return raw

    def scenario(self, ident: str | None = None) -> Scenario:
        """The current settings as a validated scenario (resolved like a file beside the
        starting one; reads the files it extends)."""
        return scenario_from_mapping(self.mapping(ident), self.world, self.start.path.parent)

    def _derived(self) -> Scenario:
        """`scenario()` built in memory from the resolved starting scenario: the same
        Scenario without re-reading the files it extends (the fast path of every update)."""
        raw = self.mapping()
        start = self.start
        alliance = [c for c in start.alliance if c not in raw.get("alliance", {}).get("remove", [])]
        alliance += raw.get("alliance", {}).get("add", [])
        judgements = {code: dict(change) for code, change in start.judgements.items()}
        for code, change in raw.get("judgements", {}).items():
            judgements.setdefault(code, {}).update(
                {k: float(v) if k != "rationale" else v for k, v in change.items()}
            )
        path = start.path.parent / f"{raw['id']}.yaml"
        dropped = restated(validate_spec(raw, path), start)
        return dataclasses.replace(
            start,
            id=raw["id"],
            title=raw["title"],
            summary=raw["summary"],
            path=path,
            lineage=(raw["id"], *start.lineage),
            files=(path, *start.files),
            reference=start.id,
            alliance=tuple(alliance),
            rivals=tuple(raw.get("rivals", start.rivals)),
            judgements=MappingProxyType(judgements),
            parameters=MappingProxyType(
                {**start.parameters, **{k: float(v) for k, v in raw.get("parameters", {}).items()}}
            ),
            uncertainty=MappingProxyType(
                {k: v for k, v in start.uncertainty.items() if k not in dropped}
            ),
        )

    def save(self, ident: str, overwrite: bool = False) -> Path:
        """Write `scenario(ident)` to <data>/scenarios/<ident>.yaml, after validating it there.
        Refuses an id that is not a slug (no paths) and, unless `overwrite`, an existing file."""
        if not isinstance(ident, str) or not re.fullmatch(SLUG, ident) or len(ident) > 64:
            raise ScenarioError(
                str(ident), "id", "a scenario id is lower-case letters, digits and '-' (no paths)"
            )
        folder = self.world.data_dir / "scenarios"
        target = folder / f"{ident}.yaml"
        if target.exists() and not overwrite:
            raise FileExistsError(f"{target} exists; pass overwrite=True to replace it")
        if not (folder / f"{self.start.id}.yaml").exists():
            raise ScenarioError(
                target, "field 'extends'", f"the starting scenario {self.start.id!r} is not in "
                f"{folder}: copy its file there first, so the saved one can extend it",
            )  # fmt: skip
        raw = self.mapping(ident)
        scenario_from_mapping(raw, self.world, folder)  # raises before anything is written
        body = yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=88)
        header = (
            f"# Written by the explorer (analysis.explore) from {self.start.id}; "
            "edit the rationales before you rely on it.\n"
        )
        temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
        temporary.write_text(header + body, encoding="utf-8")
        temporary.replace(target)
        return target

    def reset(self) -> None:
        """Every control back to the starting scenario's value, then one update."""
        self._hold = True
        try:
            for key, control in self.controls.items():
                control.value = self._start_values[key]
        finally:
            self._hold = False
        self._changed(None)

    # --- updates ----------------------------------------------------------------------------

    def _reference_values(self) -> Callable[[str], Mapping[str, float]]:
        """Values of the scenarios the starting scenario's findings compare with, computed
        once: they do not change while exploring."""
        table = self.world.implications
        mine = self._implications = table[table["scenario"] == self.start.id]
        cache = {
            ident: {k: float(v) for k, v in evaluate(self.world, load_scenario(ident, self.world))
                    .iloc[0].items()}
            for ident in sorted({r for r in mine["reference"] if isinstance(r, str)})
            if ident != self.start.id
        }  # fmt: skip

        def values_for(ident: str) -> Mapping[str, float]:
            return self.result.values if ident == self.start.id else cache[ident]

        return values_for

    def _changed(self, _change: object) -> None:
        if self._hold:
            return
        with self._showing_errors():
            self.update()
        self._request_details()

    @contextlib.contextmanager
    def _showing_errors(self) -> Iterator[None]:
        """Show a failed update in the view (a widget callback's error is otherwise only in
        the log), then raise it as usual."""
        try:
            yield
        except Exception as exc:
            failed = f"<small style='color:#b03a2e'>Update failed: {text(exc)}</small>"
            self._view["status"].value = failed
            raise

    def update(self) -> None:
        """Re-run the engine for the current settings and update `result` and the numbers."""
        began = time.perf_counter()
        self.result = run(self._derived(), self.world)
        self.findings = implications.evaluate(self._implications, self.start.id, self._values_for)
        self.timings["result"] = time.perf_counter() - began
        self._view["changes"].value = self._changes_html()
        self._view["numbers"].value = self._numbers_html()
        self._view["findings"].value = self._findings_html()
        self.timings["numbers"] = time.perf_counter() - began
        self._status()

    def _request_details(self) -> None:
        """Redraw the charts and who would move once the changes pause (Jupyter, where an
        event loop runs), or now (headless, no event loop)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            loop = None
        if loop is None or self.debounce <= 0:
            self.refresh()
            return
        if self._pending is not None:
            self._pending.cancel()
        self._pending = loop.call_later(self.debounce, self.refresh)

    def refresh(self) -> None:
        """Redraw the details of the current result now: the charts whose data changed, and
        the alignment's would-be defectors."""
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None
        began = time.perf_counter()
        with self._showing_errors():
            for name, png in self._charts.update(self.result).items():
                self.images[name].value = png
            self._view["alignment"].value = self._alignment_html()
        self.timings["details"] = time.perf_counter() - began
        self._status()

    def _status(self) -> None:
        parts = [f"numbers updated in {1000 * self.timings.get('numbers', 0):.0f} ms"]
        if "details" in self.timings:
            parts.append(f"charts and alignment in {1000 * self.timings['details']:.0f} ms")
        self._view["status"].value = f"<small>{'; '.join(parts)}.</small>"

    # --- the view ---------------------------------------------------------------------------

    def _headline_rows(self) -> list[tuple[str, str, str, str]]:
        """(label, starting value, value now, change) per headline indicator."""
        rows = []
        for key, label in self._labels.items():
            before, after = self.start_result.values[key], self.result.values[key]
            rows.append(
                (label, format_value(key, before), format_value(key, after),
                 _difference(key, before, after))
            )  # fmt: skip
        return rows

    def headline(self) -> pd.DataFrame:
        """The headline indicators: starting scenario, now, and the difference."""
        columns = ["Indicator", self.start.id, "now", "change"]
        return pd.DataFrame(self._headline_rows(), columns=columns).set_index("Indicator")

    def _changes_html(self) -> str:
        words = self._describe(self.changes())
        listed = "; ".join(text(w) for w in words) if words else "none yet: move a slider"
        return (
            f"<div class='ae-explorer'><b>Changes from {text(self.start.id)}</b>: {listed}.</div>"
        )

    def _numbers_html(self) -> str:
        head = "".join(
            f"<th>{text(c)}</th>" for c in ("Headline number", self.start.id, "now", "change")
        )
        rows = []
        for row in self._headline_rows():
            cls = " class='changed'" if row[-1] else ""
            rows.append(f"<tr{cls}>" + "".join(f"<td>{text(v)}</td>" for v in row) + "</tr>")
        return (
            f"{_STYLE}<div class='ae-explorer'><table><thead><tr>{head}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table></div>"
        )

    def _findings_html(self) -> str:
        """The starting scenario's findings, re-tested on the current numbers."""
        now = self.findings
        if now.empty:
            return (
                "<div class='ae-explorer'><b>Findings</b>: the essay's implications name no "
                f"finding for {text(self.start.id)}.</div>"
            )
        before = self._start_verdicts
        head = ["Finding", self.start.id, "now", f"likelihood in {self.start.id}"]
        rows = []
        for f in now.to_dict("records"):
            old = before.get(f["id"], "")
            cls = " class='changed'" if old != f["verdict"] else ""
            cells = [
                f"<td class='statement'>{text(f['statement'])}<br>"
                f"<small>{text(f['evidence'])}</small></td>",
                _verdict(old),
                _verdict(f["verdict"]),
                f"<td>{text(self._likelihoods.get(f['id'], ''))}</td>",
            ]
            rows.append(f"<tr{cls}>{''.join(cells)}</tr>")
        heading = "".join(f"<th>{text(h)}</th>" for h in head)
        return (
            f"<div class='ae-explorer'><b>Findings of {text(self.start.id)}, re-tested on the "
            f"current numbers</b><table><thead><tr>{heading}</tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table><small>The likelihood (ICD 203) is the "
            "starting scenario's, from a sweep of its judged uncertainties: a sweep is too slow "
            "to repeat on every change, and it would draw an input you moved from its judged "
            "range, not take your value.</small></div>"
        )

    def _alignment_html(self) -> str:
        """Would the split hold (landscape model): now and at the start, and who would gain
        by changing sides."""
        now, start = self.result.alignment, self.start_result.alignment

        def verdict(found: Any) -> str:
            movers = int((found.gains["gain"] > 0).sum())
            return "it holds" if found.stable else f"it does not hold ({movers} would move)"

        movers = now.gains[now.gains["gain"] > 0]
        rows = "".join(
            f"<tr><td>{text(r['name'])}</td><td>{_BLOC_WORDS[r['side']]}</td>"
            f"<td>{_BLOC_WORDS[r['move']]}</td><td>{r['gain']:.3g}</td></tr>"
            for _, r in movers.iterrows()
        )
        table = (
            "<table><thead><tr><th>Would change sides</th><th>now in</th><th>to</th>"
            f"<th>fall in frustration</th></tr></thead><tbody>{rows}</tbody></table>"
            if rows
            else ""
        )
        return (
            "<div class='ae-explorer'><p><b>Would the split hold?</b> (landscape model, Axelrod "
            f"&amp; Bennett 1993) Now: {verdict(now)}; at the start ({text(self.start.id)}): "
            f"{verdict(start)}.</p>{table}</div>"
        )

    def _layout(self) -> widgets.Widget:
        names = self.world.actors["name"]
        header = widgets.HTML(
            "<div class='ae-explorer'><h3 style='margin:4px 0'>What if? Starting from "
            f"<em>{text(self.start.title)}</em></h3><small>Move a slider or change a bloc: the "
            "numbers update when you release it, the charts a moment later. "
            "<code>explorer.save('my-id')</code> keeps the scenario.</small></div>"
        )
        label = lambda s, w="120px": widgets.HTML(  # noqa: E731
            f"<b>{text(s)}</b>", layout=widgets.Layout(width=w)
        )
        actor_rows = [
            widgets.HBox([label("Actor"), label("Bloc", "110px"), label("Position", "190px"),
                          label("Salience", "190px")])
        ]  # fmt: skip
        for code in self.world.actors.index:
            actor_rows.append(
                widgets.HBox(
                    [
                        widgets.HTML(text(names[code]), layout=widgets.Layout(width="120px")),
                        self.controls[f"bloc:{code}"],
                        self.controls[f"position:{code}"],
                        self.controls[f"salience:{code}"],
                    ]
                )
            )
        parameter_rows = []
        for name, row in self.world.parameters.iterrows():
            caption = widgets.HTML(
                f"{text(capital(str(row['label'])))} <small>({text(name)}, "
                f"{row['low']:g}-{row['high']:g} {text(row['unit'])})</small>",
                layout=widgets.Layout(width="330px"),
            )
            parameter_rows.append(widgets.HBox([caption, self.controls[f"parameter:{name}"]]))
        tabs = widgets.Tab(children=[widgets.VBox(actor_rows), widgets.VBox(parameter_rows)])
        tabs.titles = ("Actors", "Model parameters")
        reset = widgets.Button(description="Reset", tooltip="Back to the starting scenario")
        reset.on_click(lambda _: self.reset())
        ident = widgets.Text(
            placeholder=f"{self.start.id}-what-if", layout=widgets.Layout(width="200px")
        )
        keep = widgets.Button(description="Save scenario", tooltip="data/scenarios/<id>.yaml")
        message = widgets.HTML()

        def on_save(_: object) -> None:
            try:
                path = self.save(ident.value.strip())
            except (InputError, FileExistsError) as exc:
                message.value = f"<small style='color:#b03a2e'>{text(exc)}</small>"
            else:
                message.value = f"<small>Saved {text(path.name)}.</small>"

        keep.on_click(on_save)
        tools = widgets.HBox([reset, ident, keep, message])
        left = widgets.VBox([tabs, tools], layout=widgets.Layout(width="650px"))
        right = widgets.VBox(
            [self._view[name] for name in ("changes", "numbers", "status", "alignment")],
            layout=widgets.Layout(flex="1 1 420px", margin="0 0 0 16px"),
        )
        charts = widgets.GridBox(
            list(self.images.values()),
            layout=widgets.Layout(
                grid_template_columns="repeat(3, minmax(0, 1fr))", grid_gap="8px", margin="8px 0"
            ),
        )
        panes = widgets.HBox([left, right], layout=widgets.Layout(flex_flow="row wrap"))
        return widgets.VBox([header, panes, charts, self._view["findings"]])

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    def __repr__(self) -> str:
        changes = "; ".join(self._describe(self.changes())) or "no change"
        return f"<Explorer of {self.start.id}: {changes}>"


def _verdict(verdict: str) -> str:
    cls = verdict.replace(" ", "-")
    return f"<td class='{cls}'>{text(verdict)}</td>"


def _image_layout() -> widgets.Layout:
    return widgets.Layout(width="100%", height="auto", object_fit="contain")


class _LiveChart:
    """One chart drawn once, then updated by blitting: the still part (axes, labels, the
    starting scenario) is rendered once and kept as a bitmap; an update restores it and
    draws only the artists that move, so it costs a few milliseconds, not a full redraw."""

    def __init__(self, start: ScenarioResult, height: float) -> None:
        self.start = start
        self.figure = Figure(figsize=(4.8, height), dpi=DPI)
        FigureCanvasAgg(self.figure)
        self.ax = self.figure.add_subplot()
        self.moving: list[Any] = []  # artists redrawn on every update (animated)
        self.background: Any = None
        self.drawn: np.ndarray | None = None

    def data(self, result: ScenarioResult) -> np.ndarray:
        """What the chart shows of `result`; an update with the same data draws nothing."""
        raise NotImplementedError

    def move(self, result: ScenarioResult) -> bool:
        """Set the moving artists to `result`; True if the still part changed too (limits)."""
        raise NotImplementedError

    def finish(self) -> None:
        """Mark the moving artists, once they exist, so full draws leave them out."""
        for artist in self.moving:
            artist.set_animated(True)

    def render(self, result: ScenarioResult) -> bytes | None:
        """The chart of `result` as PNG bytes, or None if its data did not change."""
        data = self.data(result)
        if self.drawn is not None and np.array_equal(self.drawn, data, equal_nan=True):
            return None
        canvas = self.figure.canvas
        if self.move(result) or self.background is None:
            canvas.draw()
            self.background = canvas.copy_from_bbox(self.figure.bbox)
        else:
            canvas.restore_region(self.background)
        for artist in self.moving:
            self.figure.draw_artist(artist)
        self.drawn = data
        buffer = io.BytesIO()
        PIL.Image.fromarray(np.asarray(canvas.buffer_rgba())).save(
            buffer, format="png", compress_level=1
        )
        return buffer.getvalue()


class _CapabilityChart(_LiveChart):
    """Alliance and rival-bloc shares of each capability: now, over the start (lighter)."""

    def __init__(self, start: ScenarioResult) -> None:
        super().__init__(start, 3.4)
        ax = self.ax
        rows = np.arange(len(CAPABILITY_LABELS))
        self.bars: dict[str, Any] = {}
        self.labels: dict[str, list[Any]] = {}
        for i, bloc in enumerate(("alliance", "rivals")):
            shares = self.shares(start, bloc)
            ax.barh(rows + (2 * i - 1.5) * 0.2, shares, height=0.2,
                    color=tint(BLOC_COLOURS[bloc], 0.4),
                    label=f"{BLOC_NAMES[bloc]}: {start.scenario.id}")  # fmt: skip
            self.bars[bloc] = ax.barh(rows + (2 * i - 0.5) * 0.2, shares, height=0.2,
                                      color=BLOC_COLOURS[bloc],
                                      label=f"{BLOC_NAMES[bloc]}: now")  # fmt: skip
            self.labels[bloc] = [
                ax.text(0, y + (2 * i - 0.5) * 0.2, "", va="center", fontsize=6.5) for y in rows
            ]
            self.moving += [*self.bars[bloc], *self.labels[bloc]]
        ax.set_yticks(rows, list(CAPABILITY_LABELS.values()))
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.set_title("Capability shares: now (dark) and at the start (light)")
        self.figure.legend(loc="lower center", ncol=2)
        self.figure.tight_layout(rect=(0, 0.12, 1, 1))
        self.finish()

    @staticmethod
    def shares(result: ScenarioResult, bloc: str) -> np.ndarray:
        shares = result.balance.set_index(["bloc", "indicator"])["share"]
        return np.array([shares[bloc, key] for key in CAPABILITY_LABELS], dtype=float)

    def data(self, result: ScenarioResult) -> np.ndarray:
        return np.concatenate([self.shares(result, "alliance"), self.shares(result, "rivals")])

    def move(self, result: ScenarioResult) -> bool:
        for bloc in ("alliance", "rivals"):
            shares = self.shares(result, bloc)
            for bar, label, share in zip(self.bars[bloc], self.labels[bloc], shares, strict=True):
                bar.set_width(share)
                label.set_x(share + 0.01)
                label.set_text(f"{share:.0%}")
        return False


class _PositionsChart(_LiveChart):
    """Actors on the alliance scale: now (filled, bloc colour, plausible range) over the start
    (hollow), in the start's order, sized by capability."""

    def __init__(self, start: ScenarioResult) -> None:
        table = start.positions.sort_values("position", kind="stable")
        super().__init__(start, 0.2 * len(table) + 1.4)
        ax = self.ax
        self.order = list(table.index)
        rows = np.arange(len(table))
        sizes = 20 + 900 * table["capability_weight"].fillna(0).to_numpy()
        colours = [BLOC_COLOURS[b] for b in table["bloc"]]
        ax.scatter(table["position"], rows, s=sizes, facecolors="none", edgecolors=colours,
                   linewidths=1, zorder=2)  # fmt: skip
        self.ranges = LineCollection([], linewidths=3, alpha=0.35)
        ax.add_collection(self.ranges)
        self.dots = ax.scatter(table["position"], rows, s=sizes, c=colours, zorder=3,
                               edgecolors="white")  # fmt: skip
        self.moving += [self.ranges, self.dots]
        ax.set_yticks(rows, table["name"].tolist())
        ax.set_xlim(-3, 103)
        ax.set_ylim(-0.7, len(table) - 0.3)
        ax.set_xticks([0, 25, 50, 75, 100], ["0\nno blocs", "25\ndialogue", "50\nhub-spoke",
                                             "75\nformal", "100\nNATO"])  # fmt: skip
        ax.set_title("Positions (hollow: at the start; bar: plausible range)")
        self.figure.tight_layout()
        self.finish()

    def data(self, result: ScenarioResult) -> np.ndarray:
        table = result.positions.loc[self.order]
        blocs = table["bloc"].map({b: i for i, b in enumerate(BLOCS)}).to_numpy(float)
        columns = [table[c].to_numpy(float) for c in ("position", "position_low", "position_high")]
        return np.concatenate([*columns, blocs])

    def move(self, result: ScenarioResult) -> bool:
        table = result.positions.loc[self.order]
        rows = np.arange(len(table))
        colours = [BLOC_COLOURS[b] for b in table["bloc"]]
        self.dots.set_offsets(np.column_stack([table["position"].to_numpy(float), rows]))
        self.dots.set_facecolors(colours)
        low, high = table["position_low"].to_numpy(float), table["position_high"].to_numpy(float)
        self.ranges.set_segments(
            [[(a, y), (b, y)] for a, b, y in zip(low, high, rows, strict=True)]
        )
        self.ranges.set_colors(colours)
        return False


class _ArmsChart(_LiveChart):
    """Both blocs' projected military spending: now (solid) and at the start (dashed)."""

    def __init__(self, start: ScenarioResult) -> None:
        super().__init__(start, 3.4)
        ax = self.ax
        path = start.arms.path / 1e9
        self.lines: dict[str, Any] = {}
        for bloc in ("alliance", "rivals"):
            ax.plot(path.index, path[bloc].to_numpy(), "--", lw=1.5,
                    color=tint(BLOC_COLOURS[bloc], 0.5),
                    label=f"{BLOC_NAMES[bloc]}: {start.scenario.id}")  # fmt: skip
            (self.lines[bloc],) = ax.plot(path.index, path[bloc].to_numpy(), "-", lw=2,
                                          color=BLOC_COLOURS[bloc],
                                          label=f"{BLOC_NAMES[bloc]}: now")  # fmt: skip
        self.moving += list(self.lines.values())
        ax.grid(True, axis="y")
        ax.set_xlabel("Years from today")
        ax.set_ylabel("Military spending (US$ bn)")
        ax.set_title("Arms race (Richardson): now (solid), at the start (dashed)")
        ax.legend(loc="upper left", ncol=2)
        self.top = self.ceiling(path.to_numpy(float))
        ax.set_ylim(0, self.top)
        self.figure.tight_layout()
        self.finish()

    @staticmethod
    def ceiling(values: np.ndarray) -> float:
        """A round upper limit with room for the legend, at least 1.2 x the largest value."""
        top = float(np.nanmax(values)) * 1.2 if np.isfinite(np.nanmax(values)) else 1.0
        scale = 10 ** math.floor(math.log10(top)) if top > 0 else 1.0
        return next(m * scale for m in (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10) if m * scale >= top)

    def data(self, result: ScenarioResult) -> np.ndarray:
        return result.arms.path[["alliance", "rivals"]].to_numpy(float).ravel()

    def move(self, result: ScenarioResult) -> bool:
        path = result.arms.path / 1e9
        for bloc in ("alliance", "rivals"):
            self.lines[bloc].set_data(path.index, path[bloc].to_numpy())
        both = np.concatenate(
            [path.to_numpy(float).ravel(), self.start.arms.path.to_numpy(float).ravel() / 1e9]
        )
        top = self.ceiling(both)
        if top == self.top:
            return False
        self.top = top
        self.ax.set_ylim(0, top)
        return True


class _Charts:
    """The explorer's three charts, each against the starting scenario."""

    NAMES = ("capability", "positions", "arms")

    def __init__(self, start: ScenarioResult) -> None:
        with mpl.rc_context(_RC):
            self.charts: dict[str, _LiveChart] = {
                "capability": _CapabilityChart(start),
                "positions": _PositionsChart(start),
                "arms": _ArmsChart(start),
            }

    def update(self, result: ScenarioResult) -> dict[str, bytes]:
        """PNGs of the charts whose data changed since they were last drawn."""
        with mpl.rc_context(_RC):
            pngs = {name: chart.render(result) for name, chart in self.charts.items()}
        return {name: png for name, png in pngs.items() if png is not None}
