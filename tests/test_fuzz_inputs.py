"""Property-based tests of the input boundary (issue 15): scenario mappings and data rows are
generated from the schema, then mutated at random. Every input either loads or raises an
`InputError` (`ScenarioError` for scenarios, `DataError` for data/): no other exception, no
hang (each example runs under hypothesis' deadline and a hard SIGALRM limit), and nothing
under data/ or rendered/ changes.

A loaded scenario is also applied, evaluated at its central values and sampled, so an input
that validates but breaks the engine counts as a failure too.
"""

from __future__ import annotations

import copy
import csv
import hashlib
import io
import math
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

import analysis
from analysis.errors import DataError, InputError, ScenarioError
from analysis.model import evaluate, sampling
from analysis.model.indicators import SWEPT
from analysis.world import DATA_DIR, apply, load_scenario, load_world, scenario_from_mapping
from tests.limits import time_limit

ROOT = Path(__file__).resolve().parents[1]
WORLD = load_world()
ACTORS = sorted(WORLD.actors.index)
PARAMETERS = {
    name: (float(row["low"]), float(row["high"])) for name, row in WORLD.parameters.iterrows()
}
CLAIMS = sorted(WORLD.claims.index)
SHIPPED = analysis.scenario_ids(WORLD)

#: Seconds one example may take before it counts as a hang (hypothesis' deadline is lower:
#: this is the backstop for a loop that never returns to Python's bytecode boundary checks).
HARD_LIMIT = 10.0

FUZZ = settings(
    max_examples=120,
    deadline=3000,
    database=None,  # write nothing outside the temporary folders
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# --------------------------------------------------------------------------- harness


def _tree_digest(folder: Path) -> str:
    """SHA-256 over the names and contents of every file under `folder` (empty if absent)."""
    digest = hashlib.sha256()
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(folder)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(autouse=True, scope="module")
def inputs_untouched() -> Iterator[None]:
    """Nothing under data/ or rendered/ may change while the suite runs."""
    before = {name: _tree_digest(ROOT / name) for name in ("data", "rendered")}
    yield
    after = {name: _tree_digest(ROOT / name) for name in ("data", "rendered")}
    assert after == before, "the fuzz suite changed data/ or rendered/"


def outcome(action: Callable[[], object], kind: type[InputError]) -> object:
    """What `action` returns, or the InputError it raises, which must be `kind` on one line.
    Any other exception propagates and fails the test."""
    try:
        with time_limit(HARD_LIMIT):
            result = action()
    except InputError as exc:
        assert isinstance(exc, kind), f"{type(exc).__name__}: {exc}"
        text = str(exc)
        assert "\n" not in text and "\r" not in text, text
        event(f"refused: {type(exc).__name__}")  # --hypothesis-show-statistics shows the mix
        return exc
    event("loaded")
    return result


# --------------------------------------------------------------------------- junk values

LONG = "x" * 20_000
JUNK: list[Any] = [
    None, True, False, 0, -1, 10**30, -(10**30), 1e308, -1e308, 5e-324, math.nan, math.inf,
    -math.inf, "", " ", "nan", "inf", "-inf", "1e999", "0x10", "1_000", "XYZ", "*", "usa",
    "../etc/passwd", "é", "\t", "a\nb", LONG, [], [None], ["USA", "USA"], {}, {"a": {"b": [1]}},
    [[[[["deep"]]]]], {"between": ["USA", "USA"]}, "2024-01-01",
]  # fmt: skip
#: A junk value as its own copy: the lists and dicts of JUNK must not carry one example's
#: mutations into the next (a list nested into itself made `_places` recurse without end).
JUNK_VALUES = st.sampled_from(JUNK).map(copy.deepcopy)
JUNK_KEYS = ["", "x", "ID", "extend", "alliances", "trade_shock", "except", "between", "*",
             "uniform", "bloc.XYZ", "judgements.USA.height", "trade.disruption_factor"]  # fmt: skip
FINITE = st.floats(allow_nan=False, allow_infinity=False)
TEXT = st.text(st.characters(exclude_categories=("Cs",)), min_size=1, max_size=30)
SLUG_TEXT = st.from_regex(r"[a-z][a-z0-9-]{0,15}", fullmatch=True)


# --------------------------------------------------------------------------- scenarios


def _within(low: float, high: float) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


@st.composite
def distributions(draw: st.DrawFn, low: float, high: float) -> dict[str, Any]:
    """A valid distribution within [low, high]: uniform, triangular or truncated normal."""
    a, b = sorted(draw(st.lists(_within(low, high), min_size=2, max_size=2, unique=True)))
    kind = draw(st.sampled_from(["uniform", "triangular", "normal"]))
    if kind == "uniform":
        shape: Any = [a, b]
    elif kind == "triangular":
        shape = [a, draw(_within(a, b)), b]
    else:
        sd = draw(st.floats(1e-3, max(2e-3, b - a), allow_nan=False))
        shape = {"mean": draw(_within(a, b)), "sd": sd, "low": a, "high": b}
    return {kind: shape, "rationale": draw(TEXT)}


@st.composite
def uncertain(draw: st.DrawFn) -> dict[str, Any]:
    """A few uncertain inputs: parameters, judgements and blocs, each within its range."""
    found: dict[str, Any] = {}
    for _ in range(draw(st.integers(0, 3))):
        which = draw(st.sampled_from(["parameter", "judgement", "bloc"]))
        if which == "parameter":
            name = draw(st.sampled_from(sorted(PARAMETERS)))
            found[name] = draw(distributions(*PARAMETERS[name]))
        elif which == "judgement":
            key = draw(st.sampled_from(["position", "salience"]))
            found[f"judgements.{draw(st.sampled_from(ACTORS))}.{key}"] = draw(distributions(0, 100))
        else:
            choice = draw(
                st.lists(st.sampled_from(["alliance", "rivals", "others"]), min_size=2, unique=True)
            )
            entry: dict[str, Any] = {"choice": choice}
            if draw(st.booleans()):
                entry["weights"] = [1 / len(choice)] * len(choice)
            found[f"bloc.{draw(st.sampled_from(ACTORS))}"] = entry
    return found


@st.composite
def shocks(draw: st.DrawFn) -> list[dict[str, Any]]:
    found = []
    for _ in range(draw(st.integers(0, 4))):
        a, b = draw(st.lists(st.sampled_from(ACTORS), min_size=2, max_size=2, unique=True))
        shock: dict[str, Any] = {"factor": draw(st.floats(0, 5)), "rationale": draw(TEXT)}
        if draw(st.booleans()):
            shock["between"] = [a, "*"]
            if draw(st.booleans()):
                shock["except"] = [b]
        else:
            shock["between"] = [a, b]
        found.append(shock)
    return found


@st.composite
def scenario_mappings(draw: st.DrawFn) -> dict[str, Any]:
    """A scenario as a file would hold it, built from the schema and data/'s actors,
    parameters and claims: valid by construction, up to cross-file rules (an actor added
    twice along `extends`, say), which must then be refused with a ScenarioError."""
    raw: dict[str, Any] = {"id": draw(SLUG_TEXT), "title": draw(TEXT), "summary": draw(TEXT)}
    if draw(st.booleans()):
        raw["extends"] = draw(st.sampled_from(SHIPPED))
        if draw(st.booleans()):
            raw["reference"] = draw(st.sampled_from(SHIPPED))
    else:
        raw["architecture"] = draw(_within(0, 100))
    members = draw(st.lists(st.sampled_from(ACTORS), max_size=5, unique=True))
    raw["alliance"] = {"add": members, "remove": []}
    if draw(st.booleans()):
        others = [a for a in ACTORS if a not in members]
        raw["rivals"] = draw(st.lists(st.sampled_from(others), max_size=3, unique=True))
    judged = draw(st.lists(st.sampled_from(ACTORS), max_size=3, unique=True))
    raw["judgements"] = {
        code: {
            "position": draw(_within(0, 100)),
            "salience": draw(_within(1e-6, 100)),
            "rationale": draw(TEXT),
        }
        for code in judged
    }
    raw["trade_shocks"] = draw(shocks())
    chosen = draw(st.lists(st.sampled_from(sorted(PARAMETERS)), max_size=3, unique=True))
    raw["parameters"] = {name: draw(_within(*PARAMETERS[name])) for name in chosen}
    raw["uncertainty"] = draw(uncertain())
    if draw(st.booleans()):
        raw["focus"] = {"isolation": draw(st.sampled_from(ACTORS))}
    raw["claims"] = draw(st.lists(st.sampled_from(CLAIMS), max_size=3, unique=True))
    return raw


def _places(value: Any, path: tuple = ()) -> list[tuple]:
    """Every path (a tuple of keys and indices) to a value inside nested dicts and lists."""
    found = [path]
    if isinstance(value, dict):
        for key, inner in value.items():
            found += _places(inner, (*path, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found += _places(inner, (*path, index))
    return found


def _at(root: Any, path: tuple) -> Any:
    for step in path:
        root = root[step]
    return root


@st.composite
def mutated_mappings(draw: st.DrawFn) -> dict[str, Any]:
    """A generated scenario after 0-3 random mutations: a value replaced with junk, a key
    dropped or renamed, an entry duplicated, junk nested in, an actor made unknown."""
    raw = draw(scenario_mappings())
    for _ in range(draw(st.integers(0, 3))):
        places = [p for p in _places(raw) if p]
        if not places:
            break
        path = draw(st.sampled_from(places))
        parent, last = _at(raw, path[:-1]), path[-1]
        kind = draw(st.sampled_from(["junk", "junk", "drop", "rename", "duplicate", "nest"]))
        if kind == "junk":
            parent[last] = draw(JUNK_VALUES | FINITE | st.integers() | TEXT)
        elif kind == "drop":
            del parent[last]
        elif kind == "rename" and isinstance(parent, dict):
            parent[draw(st.sampled_from(JUNK_KEYS) | TEXT)] = parent.pop(last)
        elif kind == "duplicate" and isinstance(parent, list):
            parent.insert(last, parent[last])
        else:
            parent[last] = {"junk": [parent[last], draw(JUNK_VALUES)]}
    return raw


def _yaml_text(raw: dict[str, Any], flow: bool) -> str:
    """The mapping as YAML; `.nan` and `.inf` are how YAML spells them."""
    return yaml.safe_dump(raw, allow_unicode=True, default_flow_style=flow, sort_keys=False)


@st.composite
def text_mutations(draw: st.DrawFn, text: str) -> str:
    """0-2 line-level edits a hand editor makes: a line repeated (a duplicate key), dropped,
    or indented differently."""
    lines = text.splitlines()
    for _ in range(draw(st.integers(0, 2))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        kind = draw(st.sampled_from(["repeat", "drop", "indent", "dedent"]))
        if kind == "repeat":
            lines.insert(at, lines[at])
        elif kind == "drop":
            del lines[at]
        elif kind == "indent":
            lines[at] = "  " + lines[at]
        else:
            lines[at] = lines[at].lstrip()
    return "\n".join(lines) + "\n"


def _exercise(scenario: analysis.Scenario) -> None:
    """What the CLI does with a loaded scenario: apply it, evaluate it, sample its inputs."""
    changed = apply(scenario, WORLD)
    assert changed.trade["trade_usd"].notna().all()
    evaluate(WORLD, scenario)
    design = sampling.sample(scenario, WORLD, 8, seed=1)
    numeric = design.select_dtypes("number").to_numpy()
    assert np.isfinite(numeric).all(), "a loaded scenario sampled a NaN or infinity"
    evaluate(WORLD, scenario, design, keys=SWEPT)  # what a sweep evaluates per draw


@FUZZ
@given(raw=mutated_mappings(), flow=st.booleans(), data=st.data())
def test_scenario_files_load_or_raise_one_scenario_error(tmp_path, raw, flow, data):
    text = data.draw(text_mutations(_yaml_text(raw, flow)))
    ident = raw.get("id") if isinstance(raw.get("id"), str) else "scenario"
    name = ident if ident and "/" not in ident and "\x00" not in ident else "scenario"
    path = tmp_path / f"{name[:40]}.yaml"
    path.write_text(text, encoding="utf-8")
    result = outcome(lambda: load_scenario(path, WORLD), ScenarioError)
    if not isinstance(result, InputError):
        _exercise(result)


@FUZZ
@given(raw=mutated_mappings())
def test_scenario_mappings_load_or_raise_one_scenario_error(tmp_path, raw):
    """The same mappings through `scenario_from_mapping`, where no YAML reader filters NaN,
    infinity or non-string keys first."""
    result = outcome(lambda: scenario_from_mapping(raw, WORLD, tmp_path), ScenarioError)
    if not isinstance(result, InputError):
        _exercise(result)


# --------------------------------------------------------------------------- data rows

CELL_JUNK = [
    "", " ", "nan", "NaN", "inf", "-inf", "1e999", "-1", "0", "1e308", "9" * 400, "0x10",
    "1_000", "XYZ", "usa", "*", "true", "2023.5", "20x3", LONG, '"', '""', ",", "\n", "\r",
    "é", "  USA  ", "USA;XYZ", ";", "sourced", "estimated", "none", "share", "USD",
]  # fmt: skip


@pytest.fixture
def data_folder(tmp_path: Path) -> Path:
    """A private copy of data/ for the examples of one test to mutate."""
    target = tmp_path / "data"
    shutil.copytree(DATA_DIR, target)
    return target


def _read_rows(path: Path) -> tuple[list[str], list[list[str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    return rows[0], rows[1:]


@st.composite
def mutated_rows(draw: st.DrawFn, header: list[str], rows: list[list[str]]) -> str:
    """The CSV with one row mutated: a cell replaced with junk or another row's value, a
    cell dropped or added, the row repeated or deleted, or the row written unquoted."""
    rows = [list(r) for r in rows]
    at = draw(st.integers(0, len(rows) - 1))
    row = rows[at]
    kind = draw(
        st.sampled_from(
            ["junk", "junk", "junk", "borrow", "drop", "add", "repeat", "delete", "raw"]
        )
    )
    column = draw(st.integers(0, len(row) - 1))
    if kind == "junk":
        row[column] = draw(st.sampled_from(CELL_JUNK) | TEXT | FINITE.map(repr))
    elif kind == "borrow":
        row[column] = draw(st.sampled_from(rows))[draw(st.integers(0, len(row) - 1))]
    elif kind == "drop":
        del row[column]
    elif kind == "add":
        row.insert(column, draw(st.sampled_from(CELL_JUNK)))
    elif kind == "repeat":
        rows.insert(at, list(row))
    elif kind == "delete":
        del rows[at]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for index, cells in enumerate(rows):
        if kind == "raw" and index == at:
            cells[column] = draw(st.sampled_from(CELL_JUNK))
            buffer.write(",".join(cells) + "\n")  # unquoted: commas, quotes and newlines leak
        else:
            writer.writerow(cells)
    return buffer.getvalue()


def _world_outcome(folder: Path) -> object:
    """load_world on the folder; a World that loads must also resolve a shipped scenario."""
    result = outcome(lambda: load_world(folder), DataError)
    if isinstance(result, analysis.World):
        outcome(lambda: load_scenario("asian-nato", result), InputError)
    return result


@pytest.mark.parametrize("name", ["facts.csv", "trade.csv", "judgements.csv", "parameters.csv"])
def test_mutated_data_rows_load_or_raise_one_data_error(data_folder, name):
    path = data_folder / name
    original = path.read_bytes()
    header, rows = _read_rows(path)

    @settings(FUZZ, max_examples=60)
    @given(text=mutated_rows(header, rows))
    def check(text: str) -> None:
        try:
            path.write_text(text, encoding="utf-8")
            _world_outcome(data_folder)
        finally:
            path.write_bytes(original)

    check()
