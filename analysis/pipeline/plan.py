"""Planning a render: the pages to make, their parameters and cache keys (`cache`), and the
rows the index shows. Light on purpose: deciding that nothing changed imports no analysis
stack, and a scenario brief hands over its own index row (`report.brief.index_row`)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import InputError
from analysis.pipeline import cache
from analysis.pipeline.cache import NOTEBOOKS, SCENARIO_NOTEBOOK

REQUIRED_PARAMETERS = frozenset({"scenario"})
#: Overview notebooks rendered once each (with their default parameters) by `make briefs`.
REPORTS = ("01_actors", "03_compare", "04_uncertainty", "05_consistency", "06_alignment")
#: Overview pages that estimate every scenario's findings: run after the scenario briefs, they
#: read the briefs' estimates back instead of computing them again (`analysis.model.shared`).
AFTER_BRIEFS = ("03_compare",)

__all__ = [
    "NOTEBOOKS",
    "REPORTS",
    "REQUIRED_PARAMETERS",
    "SCENARIO_NOTEBOOK",
    "Brief",
    "Job",
    "check_parameters",
    "plan_report",
    "plan_scenario",
]


@dataclass(frozen=True)
class Job:
    """One page to render: a notebook, its parameters and the cache key of its inputs."""

    id: str
    notebook: str
    parameters: dict[str, str]
    title: str
    key: str
    required: frozenset[str] = frozenset()


@dataclass
class Brief:
    """One row of the index, also kept in the manifest for pages that were skipped."""

    id: str
    status: str  # rendered | skipped | failed
    title: str = ""
    summary: str = ""
    headline: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # headline key -> its label
    judgements: list[str] = field(default_factory=list)  # key judgements, word and number
    key: str = ""
    rendered_at: str = ""
    error: str = ""
    kind: str = "scenario"  # scenario | report


def plan_scenario(
    data_dir: Path, ident: str, shared: str, notebook: Path = SCENARIO_NOTEBOOK
) -> Job | None:
    """The job of one scenario brief from file bytes alone; None when its file cannot be
    found (loading it later reports why)."""
    path = cache.locate(ident, data_dir)
    if path is None or not path.is_file():
        return None
    params = cache.scenario_parameters(path, data_dir)
    key = cache.scenario_key(shared, path, data_dir, params)
    return Job(path.stem, str(notebook), params, path.stem, key, REQUIRED_PARAMETERS)


def plan_report(data_dir: Path, stem: str) -> tuple[Job, Brief]:
    """The job of an overview notebook (rendered once, with its defaults) and its index row."""
    notebook = NOTEBOOKS / f"{stem}.ipynb"
    meta = json.loads(notebook.read_text(encoding="utf-8"))["metadata"].get("brief", {})
    params = cache.report_parameters(data_dir)
    key = cache.report_key(data_dir, notebook, params)
    title, summary = meta.get("title", stem), meta.get("summary", "")
    job = Job(stem, str(notebook), params, title, key, frozenset())
    return job, Brief(stem, "rendered", title, summary, key=key, kind="report")


def check_parameters(notebook: Path, parameters: dict[str, object], required: set[str]) -> None:
    """Reject parameters the notebook does not declare, and required ones that are missing."""
    import papermill

    declared = set(papermill.inspect_notebook(str(notebook)))
    if unknown := sorted(set(parameters) - declared):
        raise InputError(notebook, "parameters", f"unknown {unknown}; declared: {sorted(declared)}")
    if missing := sorted(required - set(parameters)):
        raise InputError(notebook, "parameters", f"missing required {missing}")


def run_order(jobs: list[Job]) -> list[Job]:
    """The order to execute `jobs` in: overview pages, scenario briefs, then the overview
    pages that reuse the briefs' results (`AFTER_BRIEFS`); stable within each group."""

    def group(job: Job) -> int:
        if Path(job.notebook).stem in AFTER_BRIEFS:
            return 2
        return 1 if Path(job.notebook) == SCENARIO_NOTEBOOK else 0

    return sorted(jobs, key=group)
