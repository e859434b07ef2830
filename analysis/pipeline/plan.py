"""Planning a render: which briefs to make, with which parameters, and the cache key of
everything each one reads, so unchanged briefs are skipped."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

from analysis.errors import InputError
from analysis.model.indicators import shown_in
from analysis.model.results import run
from analysis.report.judgements import chosen, likelihood_words, short_name
from analysis.world import DATA_DIR, Scenario, World, load_scenario

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS = ROOT / "notebooks"
SCENARIO_NOTEBOOK = NOTEBOOKS / "02_scenario.ipynb"
REQUIRED_PARAMETERS = frozenset({"scenario"})
#: Overview notebooks rendered once each (with their default parameters) by `make briefs`.
REPORTS = ("01_actors", "03_compare", "04_uncertainty", "05_consistency", "06_alignment")
CACHE_PACKAGES = ("pandas", "numpy", "matplotlib", "seaborn", "nbconvert", "papermill", "ipykernel")


@dataclass(frozen=True)
class Job:
    """One brief to render: a notebook, its parameters and the cache key of its inputs."""

    id: str
    notebook: str
    parameters: dict[str, str]
    title: str
    key: str
    required: frozenset[str] = frozenset()


@dataclass
class Brief:
    """One row of the index, also kept in the manifest for briefs that were skipped."""

    id: str
    status: str  # rendered | skipped | failed
    title: str = ""
    summary: str = ""
    headline: dict[str, str] = field(default_factory=dict)
    judgements: list[str] = field(default_factory=list)  # key judgements, word and number
    key: str = ""
    rendered_at: str = ""
    error: str = ""
    kind: str = "scenario"  # scenario | report


def _digest(*parts: bytes) -> str:
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def scenario_files(world: World, scenario: Scenario) -> set[Path]:
    """Scenario files a brief reads: its own chain, its reference's, and those its findings use."""
    files = set(scenario.files)
    imps = world.implications
    refs = {scenario.reference} | set(imps.loc[imps["scenario"] == scenario.id, "reference"])
    for ref in refs:
        if isinstance(ref, str):
            files |= set(load_scenario(ref, world).files)
    return files


def _file_parts(files: list[Path], root: Path) -> list[bytes]:
    return [str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() for p in files]


def shared_inputs(world: World, notebook: Path, scenarios: bool = False) -> str:
    """Digest of what every job of `notebook` reads: the notebook, the data files (scenario
    files only if `scenarios`), the analysis sources and the versions of key packages."""
    shipped = world.data_dir / "scenarios"
    data = sorted(
        p for p in world.data_dir.rglob("*") if p.is_file() and (scenarios or p.parent != shipped)
    )
    sources = sorted(
        p for p in (ROOT / "analysis").rglob("*") if p.suffix in (".py", ".j2", ".json")
    )
    versions = " ".join(f"{name}={metadata.version(name)}" for name in CACHE_PACKAGES)
    parts = [versions.encode(), notebook.read_bytes()]
    parts += _file_parts(data, world.data_dir) + _file_parts(sources, ROOT)
    return _digest(*parts)


def cache_key(shared: str, world: World, scenario: Scenario, parameters: dict) -> str:
    """Hash of everything one brief depends on: the shared inputs, its parameters and the
    scenario files it reads (so editing one scenario re-renders only its dependants)."""
    files = sorted(scenario_files(world, scenario))
    parts = [shared.encode(), json.dumps(parameters, sort_keys=True).encode()]
    return _digest(*parts, *[str(p).encode() + b"\0" + p.read_bytes() for p in files])


def notebook_parameters(world: World, scenario: Scenario) -> dict[str, str]:
    """Parameters for the scenario notebook: the id of a shipped scenario, else a full path."""
    params = {"scenario": scenario.id}
    if scenario.path.resolve() != (world.data_dir / "scenarios" / f"{scenario.id}.yaml").resolve():
        params["scenario"] = str(scenario.path.resolve())
    if world.data_dir.resolve() != DATA_DIR.resolve():
        params["data"] = str(world.data_dir.resolve())
    return params


def check_parameters(notebook: Path, parameters: dict[str, object], required: set[str]) -> None:
    """Reject parameters the notebook does not declare, and required ones that are missing."""
    import papermill

    declared = set(papermill.inspect_notebook(str(notebook)))
    if unknown := sorted(set(parameters) - declared):
        raise InputError(notebook, "parameters", f"unknown {unknown}; declared: {sorted(declared)}")
    if missing := sorted(required - set(parameters)):
        raise InputError(notebook, "parameters", f"missing required {missing}")


def describe(world: World, scenario: Scenario, key: str) -> Brief:
    """The index row of a scenario: title, summary, headline numbers and verdict counts."""
    result = run(scenario, world)
    return Brief(
        scenario.id,
        "rendered",
        scenario.title,
        scenario.summary,
        headline={k: result.show(k) for k in shown_in("index")},
        judgements=[
            f"{short_name(row['id'], world)}: {likelihood_words(row)}"
            for row in chosen(result.judgements, 3).to_dict("records")
        ],
        key=key,
    )
