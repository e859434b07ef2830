"""Batch rendering: execute the scenario notebook with papermill for each scenario and export
it to an HTML brief with nbconvert (code hidden), then write an index page.

A failing scenario keeps its previous brief, leaves its executed notebook and error in
`<out>/_failed/`, and does not stop the others.
"""

from __future__ import annotations

import os
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import jinja2
import nbformat
import papermill
from nbconvert import HTMLExporter

from analysis.errors import InputError
from analysis.presentation import format_value
from analysis.results import run
from analysis.scenario import Scenario, load_scenario, scenario_ids
from analysis.world import DATA_DIR, World

NOTEBOOKS = Path(__file__).resolve().parent.parent / "notebooks"
SCENARIO_NOTEBOOK = NOTEBOOKS / "02_scenario.ipynb"
INDEX_COLUMNS = (
    "alliance_size",
    "alliance_share_cinc",
    "cross_bloc_trade_usd",
    "trade_at_risk_usd",
    "polarisation",
)


@dataclass
class Outcome:
    """What happened to one brief."""

    scenario: str
    status: str  # "rendered" or "failed"
    title: str = ""
    summary: str = ""
    headline: dict[str, str] = field(default_factory=dict)
    verdicts: dict[str, int] = field(default_factory=dict)
    error: str = ""


@dataclass
class RenderReport:
    outcomes: list[Outcome]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(o.status == "rendered" for o in self.outcomes)

    def summary(self) -> str:
        lines = [f"failed {o.scenario}: {o.error}" for o in self.outcomes if o.status == "failed"]
        done = sum(o.status == "rendered" for o in self.outcomes)
        lines.append(f"{done} rendered, {len(self.outcomes) - done} failed in {self.seconds:.1f} s")
        return "\n".join(lines)


def write_atomic(path: Path, text: str) -> None:
    """Write to a temporary file in the same folder, then rename over the target."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def execute(notebook: Path, parameters: dict[str, object], output: Path) -> nbformat.NotebookNode:
    """Run a notebook with papermill (parameters injected after its `parameters` cell).

    The executed notebook is written to `output`, also when a cell fails.
    """
    return papermill.execute_notebook(
        str(notebook),
        str(output),
        parameters=parameters,
        kernel_name="python3",
        progress_bar=False,
        cwd=str(notebook.parent),
    )


def to_html(notebook: nbformat.NotebookNode, title: str) -> str:
    """A self-contained HTML brief: outputs only, code and prompts hidden."""
    exporter = HTMLExporter(
        template_name="lab",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(notebook, resources={"metadata": {"name": title}})
    return body


def _failure_message(exc: BaseException) -> str:
    if isinstance(exc, papermill.PapermillExecutionError):
        return f"cell {exc.exec_count}: {exc.ename}: {exc.evalue}"
    return f"{type(exc).__name__}: {exc}"


def describe(world: World, ident: str) -> tuple[Outcome, Scenario | None]:
    """Load and measure a scenario for the index; a bad scenario becomes a failed Outcome."""
    try:
        scenario = load_scenario(ident, world)
        result = run(scenario, world)
    except InputError as exc:
        return Outcome(ident, "failed", error=str(exc)), None
    outcome = Outcome(
        scenario.id,
        "rendered",
        scenario.title,
        scenario.summary,
        headline={k: format_value(k, result.values[k]) for k in INDEX_COLUMNS},
        verdicts=result.findings["verdict"].value_counts().to_dict(),
    )
    return outcome, scenario


def notebook_parameters(world: World, scenario: Scenario) -> dict[str, str]:
    """Parameters for the scenario notebook: the id of a shipped scenario, else a full path."""
    params = {"scenario": scenario.id}
    if scenario.path.resolve() != (world.data_dir / "scenarios" / f"{scenario.id}.yaml").resolve():
        params["scenario"] = str(scenario.path.resolve())
    if world.data_dir.resolve() != DATA_DIR.resolve():
        params["data"] = str(world.data_dir.resolve())
    return params


def render_scenario(world: World, ident: str, out: Path) -> Outcome:
    """Execute and export one scenario brief; never raises for a scenario's own failure.

    Output files are named by the scenario's validated id, never by the argument given.
    """
    outcome, scenario = describe(world, ident)
    if scenario is None:
        return outcome
    failed = out / "_failed"
    failed.mkdir(parents=True, exist_ok=True)
    executed_path = failed / f".{scenario.id}.running.ipynb"
    try:
        executed = execute(SCENARIO_NOTEBOOK, notebook_parameters(world, scenario), executed_path)
    except Exception as exc:  # a broken notebook run must not stop the batch
        outcome.status, outcome.error = "failed", _failure_message(exc)
        if executed_path.exists():
            os.replace(executed_path, failed / f"{scenario.id}.ipynb")
        write_atomic(failed / f"{scenario.id}.error.txt", outcome.error + "\n")
        return outcome
    executed_path.unlink(missing_ok=True)
    write_atomic(out / f"{scenario.id}.html", to_html(executed, scenario.title))
    for stale in (failed / f"{scenario.id}.ipynb", failed / f"{scenario.id}.error.txt"):
        stale.unlink(missing_ok=True)
    return outcome


def write_index(outcomes: list[Outcome], out: Path) -> None:
    """index.html: every brief with its title, summary, headline numbers and status."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
    )
    page = env.get_template("index.html.j2").render(
        outcomes=outcomes,
        columns=INDEX_COLUMNS,
        exists={o.scenario: (out / f"{o.scenario}.html").exists() for o in outcomes},
        date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
    )
    write_atomic(out / "index.html", page)


def render(world: World, scenarios: list[str], out: Path) -> RenderReport:
    """Render one brief per scenario into `out`, then the index page of all scenarios."""
    start = time.perf_counter()
    outcomes = []
    for ident in scenarios:
        outcome = render_scenario(world, ident, out)
        print(f"{outcome.status:>8} {ident}", flush=True)
        outcomes.append(outcome)
    report = RenderReport(outcomes, time.perf_counter() - start)
    # The index lists every shipped scenario, also those not rendered in this run.
    listed = list(outcomes)
    for ident in scenario_ids(world):
        if ident not in {o.scenario for o in outcomes}:
            other, _ = describe(world, ident)
            other.status = "not re-rendered" if other.status == "rendered" else other.status
            listed.append(other)
    write_index(listed, out)
    return report
