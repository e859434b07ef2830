"""Cache keys of the render, from file bytes and package metadata alone.

A key hashes everything a page reads: its notebook, the data files, the analysis sources, the
versions of the packages that shape the output, its parameters and the scenario files it
follows (its `extends` chain, its reference's and those its findings compare with). Nothing
here imports pandas, the model or Jupyter, so `render` decides that nothing changed in a
fraction of a second; files are read leniently (an unreadable scenario still adds its bytes,
so fixing it changes the key, and loading it later reports the error). Importing it is light
too (package metadata and YAML are loaded when keys are computed): a render that will render
every page starts its kernels before planning.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA_DIR = ROOT / "data"
NOTEBOOKS = ROOT / "notebooks"
SCENARIO_NOTEBOOK = NOTEBOOKS / "02_scenario.ipynb"
CACHE_PACKAGES = (
    "pandas", "numpy", "scipy", "matplotlib", "seaborn", "nbconvert", "papermill", "ipykernel",
)  # fmt: skip
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
SOURCE_KINDS = (".py", ".j2", ".json", ".css")


def digest(*parts: bytes) -> str:
    """SHA-256 over the parts, each hashed first (so no two sequences collide)."""
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())
    return h.hexdigest()


def _files(paths: list[Path], root: Path) -> list[bytes]:
    return [str(p.relative_to(root)).encode() + b"\0" + p.read_bytes() for p in paths]


def shared_inputs(data_dir: Path, notebook: Path, scenarios: bool = False) -> str:
    """Digest of what every page of `notebook` reads: the notebook, the data files (the
    scenario files only if `scenarios`), the analysis sources and key package versions."""
    return digest(notebook.read_bytes(), _common_inputs(data_dir, scenarios).encode())


def _common_inputs(data_dir: Path, scenarios: bool) -> str:
    """Digest of the data files (the scenario files only if `scenarios`), the analysis
    sources and key package versions: the part every page's key shares."""
    shipped = data_dir / "scenarios"
    data = sorted(
        p for p in data_dir.rglob("*") if p.is_file() and (scenarios or p.parent != shipped)
    )
    sources = sorted(p for p in (ROOT / "analysis").rglob("*") if p.suffix in SOURCE_KINDS)
    versions = " ".join(f"{name}={_version(name)}" for name in CACHE_PACKAGES)
    return digest(versions.encode(), *_files(data, data_dir), *_files(sources, ROOT))


@functools.cache
def _version(name: str) -> str:
    from importlib import metadata  # imported when keys are computed, not with the module

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def locate(ident: str | Path, data_dir: Path, beside: Path | None = None) -> Path | None:
    """A scenario file: a .yaml path as given, else an id beside `beside`, then in
    data/scenarios/ (the rules of `analysis.world.load_scenario`); None for a bad id."""
    candidate = Path(ident)
    if candidate.suffix in (".yaml", ".yml"):
        return candidate
    if not SLUG.match(str(ident)):
        return None
    shipped = data_dir / "scenarios" / f"{ident}.yaml"
    near = beside / f"{ident}.yaml" if beside is not None else shipped
    return near if near.exists() else shipped


def _read(path: Path) -> dict:
    """A scenario file's mapping, or {} if it cannot be read (its bytes still count)."""
    raw = _parsed(path)
    return raw if isinstance(raw, dict) else {}


def _parsed(path: Path) -> object:
    """A YAML file's content leniently (None when unreadable), parsed once per content."""
    try:
        return _parse(path.read_bytes())
    except OSError:
        return None


@functools.lru_cache(maxsize=256)
def _parse(content: bytes) -> object:
    """YAML text parsed with libyaml where PyYAML has it (the keys only read a few fields;
    `analysis.world.reading` does the strict reading). Callers must not modify the result."""
    import yaml  # imported when a scenario is read, not with the module

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        return yaml.load(content.decode("utf-8"), Loader=loader)
    except (UnicodeDecodeError, yaml.YAMLError, RecursionError):
        return None


def chain(path: Path, data_dir: Path) -> list[Path]:
    """The scenario file and the files it extends, child first (cycles stop the walk)."""
    found: list[Path] = []
    current: Path | None = path
    while current is not None and current.is_file() and current not in found:
        found.append(current)
        parent = _read(current).get("extends")
        current = locate(parent, data_dir, current.parent) if isinstance(parent, str) else None
    return found


def scenario_files(path: Path, data_dir: Path) -> list[Path]:
    """The scenario files a brief reads: its chain, its reference's, and the chains of the
    scenarios its findings compare with (data/implications.yaml)."""
    own = chain(path, data_dir)
    raw = _read(path)
    ident = raw.get("id", path.stem)
    refs = {raw.get("reference") or raw.get("extends")}
    implications = _parsed(data_dir / "implications.yaml")
    for item in implications if isinstance(implications, list) else []:
        if isinstance(item, dict) and item.get("scenario") == ident:
            refs.add(item.get("reference"))
    files = set(own)
    for ref in refs:
        if isinstance(ref, str) and (where := locate(ref, data_dir, path.parent)) is not None:
            files |= set(chain(where, data_dir))
    return sorted(files)


def scenario_parameters(path: Path, data_dir: Path) -> dict[str, str]:
    """The scenario notebook's parameters: the id of a shipped scenario, else the full path;
    the data folder when it is not the project's."""
    ident = path.stem
    shipped = (data_dir / "scenarios" / f"{ident}.yaml").resolve()
    params = {"scenario": ident if path.resolve() == shipped else str(path.resolve())}
    if data_dir.resolve() != DATA_DIR.resolve():
        params["data"] = str(data_dir.resolve())
    return params


def report_parameters(data_dir: Path) -> dict[str, str]:
    """An overview notebook's parameters: its defaults, and the data folder if not ours."""
    return {} if data_dir.resolve() == DATA_DIR.resolve() else {"data": str(data_dir.resolve())}


def scenario_key(shared: str, path: Path, data_dir: Path, parameters: dict) -> str:
    """Everything one scenario brief depends on (editing one scenario file re-renders only
    the briefs that read it)."""
    files = scenario_files(path, data_dir)
    parts = [shared.encode(), json.dumps(parameters, sort_keys=True).encode()]
    return digest(*parts, *[str(p).encode() + b"\0" + p.read_bytes() for p in files])


def report_key(data_dir: Path, notebook: Path, parameters: dict) -> str:
    """Everything an overview page depends on (all of data/, scenario files included)."""
    shared = shared_inputs(data_dir, notebook, scenarios=True)
    return digest(shared.encode(), json.dumps(parameters, sort_keys=True).encode())
