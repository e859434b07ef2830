"""Scenarios as data: a pydantic spec per YAML file, `extends` inheritance, and apply(world).

A scenario names who is in the alliance and in the rival bloc, which judgements it changes,
which trade it shocks and which model parameters it sets. Errors name the file and field.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Literal

import numpy as np
import pandas as pd
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from analysis.errors import ScenarioError
from analysis.world.data import World, load_world
from analysis.world.reading import load_yaml, quote

SLUG = r"^[a-z0-9][a-z0-9-]*$"
Slug = Annotated[str, Field(pattern=SLUG, max_length=64)]
Scale = Annotated[float, Field(ge=0, le=100)]
#: An actor's salience: above 0, since the bargaining models need every actor to care a little.
Salience = Annotated[float, Field(gt=0, le=100)]

# --------------------------------------------------------------------------- size limits
# A scenario file is at most `reading.MAX_YAML_BYTES` (1 MiB) and `reading.MAX_YAML_DEPTH`
# (32) levels deep; these limits also bound scenarios built in memory
# (`scenario_from_mapping`), which never pass through a file.

#: Most trade shocks in one scenario file or mapping. Shocks are applied as arrays (shocks x
#: dyads), so 100,000 apply in about a second; a 1 MiB file holds about 20,000.
MAX_TRADE_SHOCKS = 100_000
#: Most entries in any other list or mapping of a scenario (members, rivals, judgements,
#: parameters, uncertain inputs, claims, `except`, choices): far above the actors, parameters
#: and claims data/ defines, so only a generated or corrupted file reaches it.
MAX_ENTRIES = 1_000
#: Longest summary or rationale, in characters (the shipped ones are under 700).
MAX_TEXT = 10_000

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Codes = Annotated[list[str], Field(max_length=MAX_ENTRIES)]


class _Spec(BaseModel):
    # NaN and infinity are refused in every numeric field (distribution parameters included):
    # they pass every range check and turn a sweep's percentiles into "n/a".
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Membership(_Spec):
    add: Codes = []
    remove: Codes = []


class JudgementChange(_Spec):
    position: Scale | None = None
    salience: Salience | None = None
    rationale: Text


class TradeShock(_Spec):
    """Multiply trade between two actors; "*" is every partner, less those in `except`."""

    between: Annotated[list[str], Field(min_length=2, max_length=2)]
    exempt: list[str] = Field(default=[], alias="except", max_length=MAX_ENTRIES)
    factor: Annotated[float, Field(ge=0, allow_inf_nan=False)]
    rationale: Text

    @field_validator("between")
    @classmethod
    def _two_actors(cls, between: list[str]) -> list[str]:
        """A dyad needs two different actors ("*" on both ends scales all trade)."""
        if between[0] == between[1] != "*":
            raise ValueError(f"a shock needs two different actors, got {between[0]!r} twice")
        return between


class TruncatedNormal(_Spec):
    mean: float
    sd: Annotated[float, Field(gt=0)]
    low: float
    high: float


class Distribution(_Spec):
    """A judged uncertainty: exactly one of uniform [low, high], triangular [low, mode, high],
    normal {mean, sd, low, high} (truncated), or choice [values] with optional weights."""

    uniform: tuple[float, float] | None = None
    triangular: tuple[float, float, float] | None = None
    normal: TruncatedNormal | None = None
    choice: Annotated[list[str], Field(min_length=2, max_length=MAX_ENTRIES)] | None = None
    weights: (
        Annotated[list[Annotated[float, Field(ge=0)]], Field(max_length=MAX_ENTRIES)] | None
    ) = None
    rationale: Annotated[str, Field(max_length=MAX_TEXT)] = ""

    @model_validator(mode="after")
    def _one_shape(self) -> Distribution:
        given = [k for k in ("uniform", "triangular", "normal", "choice") if getattr(self, k)]
        if len(given) != 1:
            raise ValueError("give exactly one of uniform, triangular, normal or choice")
        if self.uniform and self.uniform[0] >= self.uniform[1]:
            raise ValueError(f"uniform low {self.uniform[0]} must be below high {self.uniform[1]}")
        if self.triangular and not (
            self.triangular[0] <= self.triangular[1] <= self.triangular[2]
            and self.triangular[0] < self.triangular[2]
        ):
            raise ValueError(f"triangular needs low <= mode <= high, got {list(self.triangular)}")
        if self.normal and self.normal.low >= self.normal.high:
            raise ValueError(f"normal low {self.normal.low} must be below high {self.normal.high}")
        if self.weights is not None:
            if not self.choice or len(self.weights) != len(self.choice):
                raise ValueError("weights need a choice of the same length")
            if abs(sum(self.weights) - 1) > 1e-9:
                raise ValueError(f"weights must sum to 1, got {sum(self.weights):g}")
        return self

    @property
    def bounds(self) -> tuple[float, float]:
        """The range a continuous distribution can take."""
        if self.uniform:
            return self.uniform
        if self.triangular:
            return self.triangular[0], self.triangular[2]
        if self.normal:
            return self.normal.low, self.normal.high
        raise ValueError("a choice has no numeric bounds")


class ScenarioSpec(_Spec):
    """One scenario file as written; inheritance is resolved by `load_scenario`."""

    id: Slug
    title: Annotated[str, Field(min_length=1, max_length=200)]
    summary: Text
    extends: Slug | None = None
    reference: Slug | None = None
    architecture: Scale | None = None
    alliance: Membership = Membership()
    rivals: Codes | None = None
    judgements: Annotated[dict[str, JudgementChange], Field(max_length=MAX_ENTRIES)] = {}
    trade_shocks: Annotated[list[TradeShock], Field(max_length=MAX_TRADE_SHOCKS)] = []
    parameters: Annotated[dict[str, float], Field(max_length=MAX_ENTRIES)] = {}
    uncertainty: Annotated[dict[str, Distribution], Field(max_length=MAX_ENTRIES)] = {}
    focus: dict[Literal["isolation", "dependence"], str] = {}
    claims: Codes = []


@dataclass(frozen=True)
class Scenario:
    """A resolved scenario: inheritance applied, every reference checked against the World."""

    id: str
    title: str
    summary: str
    path: Path
    lineage: tuple[str, ...]
    files: tuple[Path, ...]  # the scenario's file and those it extends
    reference: str | None
    architecture: float
    alliance: tuple[str, ...]
    rivals: tuple[str, ...]
    judgements: Mapping[str, Mapping[str, object]]
    trade_shocks: tuple[TradeShock, ...]
    parameters: Mapping[str, float]
    claims: tuple[str, ...]
    uncertainty: Mapping[str, Distribution] = field(default_factory=lambda: MappingProxyType({}))
    focus: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))

    def parameter(self, name: str, world: World) -> float:
        """The scenario's value of a model parameter, else the default in parameters.csv."""
        return float(self.parameters.get(name, world.parameter(name)))


def scenario_ids(world: World | None = None) -> list[str]:
    """Ids of the shipped scenarios, in file-name order."""
    root = (world.data_dir if world is not None else load_world().data_dir) / "scenarios"
    return sorted(p.stem for p in root.glob("*.yaml"))


def _locate(ident: str | Path, world: World, base: Path | None) -> Path:
    """A scenario file: a .yaml path as given, else an id looked up beside `base`, then in
    data/scenarios/."""
    candidate = Path(ident)
    if candidate.suffix in (".yaml", ".yml"):
        return candidate
    text = str(ident)
    if not re.fullmatch(SLUG, text):
        raise ScenarioError(
            text, "id", "a scenario id is lower-case letters, digits and '-' (no paths)"
        )
    shipped = world.data_dir / "scenarios" / f"{text}.yaml"
    beside = base / f"{text}.yaml" if base is not None else shipped
    return beside if beside.exists() else shipped


def read_spec(path: Path) -> ScenarioSpec:
    """Parse and validate one scenario file on its own (no inheritance, no World).

    The file is read through the reading boundary (`reading.load_yaml`): a missing, binary,
    non-UTF-8, oversized or deeply nested file, a YAML syntax error, a duplicate key, a
    rejected tag or a NaN each raise one ScenarioError naming the line."""
    raw = load_yaml(path, error=ScenarioError, missing="no such scenario file")
    return validate_spec(raw, path)


def validate_spec(raw: object, path: Path) -> ScenarioSpec:
    """Validate a scenario mapping (as read from `path`, or built in memory for it)."""
    if not isinstance(raw, dict):
        raise ScenarioError(path, "", "expected a mapping of scenario fields")
    try:
        spec = ScenarioSpec.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"])
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = f"unknown key; expected one of {sorted(ScenarioSpec.model_fields)}"
        elif err["type"] == "missing":
            message = "required field is missing"
        elif err["type"] == "value_error" and "error" in err.get("ctx", {}):
            message = str(err["ctx"]["error"])  # our own validator's words, without a prefix
        elif err["type"] == "too_long" and "max_length" in err.get("ctx", {}):
            actual = err["ctx"].get("actual_length")
            count = f"{actual:,} entries" if isinstance(actual, int) else "too many entries"
            message = f"{count}; at most {err['ctx']['max_length']:,} are allowed (the limit)"
        elif err["type"] == "string_too_long":
            message = f"text longer than {err['ctx']['max_length']:,} characters (the limit)"
        raise ScenarioError(path, _field(field), message) from None
    if spec.id != path.stem:
        raise ScenarioError(path, "field 'id'", f"must equal the file name {path.stem!r}")
    return spec


def _chain(
    path: Path, world: World, head: ScenarioSpec | None = None
) -> list[tuple[Path, ScenarioSpec]]:
    """The spec and its ancestors, child first; an `extends` cycle is an error. `head`, when
    given, is the first spec (built in memory for `path`) instead of the file's."""
    chain: list[tuple[Path, ScenarioSpec]] = []
    seen: list[str] = []
    while True:
        spec = head if head is not None and not chain else read_spec(path)
        if spec.id in seen:
            cycle = " -> ".join([*seen, spec.id])
            raise ScenarioError(chain[0][0], "field 'extends'", f"inheritance cycle: {cycle}")
        seen.append(spec.id)
        chain.append((path, spec))
        if spec.extends is None:
            return chain
        path = _parent(path, spec.extends, world)


def _parent(child: Path, ident: str, world: World) -> Path:
    """The file `ident` names in `child`'s `extends`; a missing one is the child's error."""
    path = _locate(ident, world, child.parent)
    try:
        found = path.exists()
    except (OSError, ValueError):
        found = False
    if not found:
        shipped = world.data_dir / "scenarios"
        folders = [str(shipped)] if child.parent == shipped else [str(child.parent), str(shipped)]
        raise ScenarioError(
            child,
            "field 'extends'",
            f"no scenario {ident!r} (looked in {' and '.join(folders)})",
        )
    return path


def _field(name: str) -> str:
    """The place of a field whose name holds user text (a mapping key): one short line."""
    text = repr(name)[1:-1]  # escapes newlines and control characters
    return f"field '{text if len(text) <= 80 else text[:77] + '...'}'"


def _check_actors(path: Path, field: str, codes: list[str], world: World, wildcard: bool = False):
    for code in codes:
        if not (code in world.actors.index or (wildcard and code == "*")):
            raise ScenarioError(path, f"field '{field}'", f"unknown actor {quote(code)}")


def _check(path: Path, spec: ScenarioSpec, world: World) -> None:
    """Cross-check one spec's references against the World."""
    _check_actors(path, "alliance.add", spec.alliance.add, world)
    _check_actors(path, "alliance.remove", spec.alliance.remove, world)
    _check_actors(path, "rivals", spec.rivals or [], world)
    _check_actors(path, "judgements", list(spec.judgements), world)
    for role, code in spec.focus.items():
        _check_actors(path, f"focus.{role}", [code], world)
    for i, shock in enumerate(spec.trade_shocks):
        _check_actors(path, f"trade_shocks.{i}.between", shock.between, world, wildcard=True)
        _check_actors(path, f"trade_shocks.{i}.except", shock.exempt, world)
        if shock.exempt and "*" not in shock.between:
            raise ScenarioError(path, f"field 'trade_shocks.{i}.except'", 'only with a "*" partner')
    for name, value in spec.parameters.items():
        if name not in world.parameters.index:
            known = sorted(world.parameters.index)
            raise ScenarioError(
                path, _field(f"parameters.{name}"), f"unknown parameter; known: {known}"
            )
        low, high = world.parameters.loc[name, ["low", "high"]]
        if not low <= value <= high:
            raise ScenarioError(
                path, f"field 'parameters.{name}'", f"{value} is outside its range [{low}, {high}]"
            )
    for claim in spec.claims:
        if claim not in world.claims.index:
            raise ScenarioError(path, "field 'claims'", f"unknown claim {quote(claim)}")
    for name, dist in spec.uncertainty.items():
        _check_uncertain(path, name, dist, world)


BLOC_NAMES = ("alliance", "rivals", "others")

#: The normal quantile of a two-sided 90% interval: an estimate's low-high range is read as its
#: 90% interval when it becomes a distribution in the sweeps.
Z90 = 1.6448536269514722
#: Trade estimates are drawn as a common standard-normal score, truncated here (in sds).
TRADE_SCORE_LIMIT = 2.5


def data_uncertainty(world: World) -> dict[str, Distribution]:
    """The data's own uncertainty, drawn in every sweep beside a scenario's judgements:

    - each estimated figure (facts.csv status `estimated`) as `estimate.<ISO3>.<figure>`,
      triangular over its low, value and high;
    - the gravity estimates of trade as one score `estimate.trade` ~ N(0, 1) truncated at
      +-2.5: every estimated dyad is multiplied by exp(score x sigma), sigma = ln(high/low) /
      (2 x 1.645) from its 90% prediction interval. One score for all dyads means their errors
      move together: the cautious assumption for sums such as cross-bloc trade.
    """
    found: dict[str, Distribution] = {}
    for row in world.estimates.itertuples(index=False):
        found[f"estimate.{row.iso3}.{row.indicator}"] = Distribution(
            triangular=(row.low, row.value, row.high), rationale=str(row.note)
        )
    if world.trade["estimated"].any():
        found["estimate.trade"] = Distribution(
            normal=TruncatedNormal(mean=0, sd=1, low=-TRADE_SCORE_LIMIT, high=TRADE_SCORE_LIMIT),
            rationale="Gravity-model error of the estimated trade dyads (data/gravity_fit.yaml).",
        )
    return found


def _check_uncertain(path: Path, name: str, dist: Distribution, world: World) -> None:
    """An uncertain input must name a parameter, an actor's judgement or an actor's bloc,
    and its distribution must fit: numeric within the allowed range, or a choice of blocs."""
    where = _field(f"uncertainty.{name}")
    parts = name.split(".")
    if parts[0] == "bloc" and len(parts) == 2:
        if parts[1] not in world.actors.index:
            raise ScenarioError(path, where, f"unknown actor {quote(parts[1])}")
        if not dist.choice or not set(dist.choice) <= set(BLOC_NAMES):
            raise ScenarioError(path, where, f"a bloc takes a choice among {list(BLOC_NAMES)}")
        return
    if dist.choice:
        raise ScenarioError(path, where, "a choice is only for bloc.<actor>")
    if parts[0] == "judgements" and len(parts) == 3:
        if parts[1] not in world.actors.index:
            raise ScenarioError(path, where, f"unknown actor {quote(parts[1])}")
        if parts[2] not in ("position", "salience"):
            raise ScenarioError(path, where, "a judgement is position or salience")
        allowed = (0.0, 100.0)
    elif name in world.parameters.index:
        allowed = tuple(world.parameters.loc[name, ["low", "high"]])
    else:
        raise ScenarioError(
            path, where, "unknown input; expected a parameter from data/parameters.csv, "
            "judgements.<actor>.position|salience or bloc.<actor>",
        )  # fmt: skip
    low, high = dist.bounds
    if parts[0] == "judgements" and parts[2] == "salience" and low <= 0:
        raise ScenarioError(
            path, where, f"a salience must stay above 0, got the range [{low:g}, {high:g}]"
        )
    if low < allowed[0] or high > allowed[1]:
        raise ScenarioError(
            path, where, f"range [{low:g}, {high:g}] goes outside [{allowed[0]:g}, {allowed[1]:g}]"
        )


def load_scenario(ident: str | Path, world: World | None = None) -> Scenario:
    """Load a scenario by id (data/scenarios/<id>.yaml) or path, resolving `extends`."""
    world = world if world is not None else load_world()
    path = _locate(ident, world, None)
    return _resolve(_chain(path, world), world)


def scenario_from_mapping(raw: dict, world: World, folder: Path | None = None) -> Scenario:
    """A scenario written in memory (the mapping a scenario file would hold), validated and
    resolved like a file in `folder` (default: data/scenarios/), without reading or writing it.
    """
    folder = folder if folder is not None else world.data_dir / "scenarios"
    ident = raw.get("id") if isinstance(raw, dict) else None
    name = ident.strip() if isinstance(ident, str) and re.fullmatch(SLUG, ident.strip()) else None
    path = folder / f"{name or 'scenario'}.yaml"  # only a slug names a file: no paths
    spec = validate_spec(raw, path)
    return _resolve(_chain(path, world, head=spec), world)


def _restated(
    spec: ScenarioSpec, rivals_before: list[str], judged: dict, parameters: dict
) -> set[str]:
    """The uncertain inputs whose value `spec` changes: an inherited range for them no longer
    applies (a scenario that moves South Korea to 35 is not drawn from its parent's 55-80),
    unless the spec gives its own range. Restating the inherited value keeps the range."""
    names = {
        f"judgements.{code}.{key}"
        for code, change in spec.judgements.items()
        for key in ("position", "salience")
        if getattr(change, key) is not None
        and getattr(change, key) != judged.get(code, {}).get(key)
    }
    names |= {name for name, value in spec.parameters.items() if parameters.get(name) != value}
    moved = set(spec.alliance.add) | set(spec.alliance.remove)
    if spec.rivals is not None:
        moved |= set(spec.rivals) ^ set(rivals_before)
    return names | {f"bloc.{code}" for code in moved}


def restated(spec: ScenarioSpec, parent: Scenario) -> set[str]:
    """The uncertain inputs of `parent` whose value a child `spec` changes (see `_restated`)."""
    judged = {code: dict(change) for code, change in parent.judgements.items()}
    return _restated(spec, list(parent.rivals), judged, dict(parent.parameters))


def _resolve(chain: list[tuple[Path, ScenarioSpec]], world: World) -> Scenario:
    """Apply a chain of specs, root first, checking each against the World."""
    alliance: list[str] = []
    rivals: list[str] = []
    architecture: float | None = None
    judgements: dict[str, dict[str, object]] = {}
    shocks: list[TradeShock] = []
    parameters: dict[str, float] = {}
    uncertainty: dict[str, Distribution] = {}
    claims: list[str] = []
    focus = dict(world.focus["iso3"])
    for file, spec in reversed(chain):  # root first
        _check(file, spec, world)
        rivals_before = list(rivals)
        judged = {code: dict(change) for code, change in judgements.items()}
        changed = _restated(spec, rivals_before, judged, dict(parameters))
        for code in spec.alliance.remove:
            if code not in alliance:
                raise ScenarioError(
                    file, "field 'alliance.remove'", f"{code} is not a member to remove"
                )
            alliance.remove(code)
        for code in spec.alliance.add:
            if code in alliance:
                raise ScenarioError(file, "field 'alliance.add'", f"{code} is already a member")
            alliance.append(code)
        rivals = list(spec.rivals) if spec.rivals is not None else rivals
        architecture = spec.architecture if spec.architecture is not None else architecture
        for code, change in spec.judgements.items():
            judgements.setdefault(code, {}).update(change.model_dump(exclude_none=True))
        shocks.extend(spec.trade_shocks)
        parameters.update(spec.parameters)
        for name in changed:  # a value changed here replaces a range inherited from above
            uncertainty.pop(name, None)
        uncertainty.update(spec.uncertainty)
        focus.update(spec.focus)
        claims.extend(c for c in spec.claims if c not in claims)
        if both := sorted(set(alliance) & set(rivals)):
            raise ScenarioError(
                file, "field 'rivals'", f"{both} cannot be in the alliance and a rival"
            )
        if architecture is None:
            raise ScenarioError(
                file, "field 'architecture'", "required (no parent to inherit it from)"
            )
    head_path, head = chain[0]
    reference = head.reference or head.extends
    if reference == head.id:
        raise ScenarioError(
            head_path, "field 'reference'", "a scenario cannot be its own reference"
        )
    return Scenario(
        id=head.id,
        title=head.title,
        summary=head.summary,
        path=head_path,
        lineage=tuple(spec.id for _, spec in chain),
        files=tuple(file for file, _ in chain),
        reference=reference,
        architecture=float(architecture),
        alliance=tuple(alliance),
        rivals=tuple(rivals),
        judgements=MappingProxyType(judgements),
        trade_shocks=tuple(shocks),
        parameters=MappingProxyType(parameters),
        claims=tuple(claims),
        uncertainty=MappingProxyType(uncertainty),
        focus=MappingProxyType(focus),
    )


def shock_trade(
    trade: pd.DataFrame, total_trade: pd.Series, shocks: tuple[TradeShock, ...]
) -> tuple[pd.DataFrame, pd.Series]:
    """Multiply dyadic trade by each shock's factor and carry totals along.

    An actor's trade with partners not recorded in trade.csv (total minus recorded) is scaled
    by its shocks against "*" (every partner); totals are then that residual plus the dyads.
    Factors multiply, so the order of the shocks does not matter; all shocks are applied at
    once as arrays (shocks x dyads), so a scenario with 100,000 shocks takes well under a
    second.
    """
    actors = list(total_trade.index)
    where = {code: i for i, code in enumerate(actors)}
    a, b = (total_trade.index.get_indexer(trade[end]) for end in ("a", "b"))
    values = trade["trade_usd"].to_numpy(float)
    n = len(actors)
    recorded = np.bincount(a, values, n) + np.bincount(b, values, n)
    totals = total_trade.to_numpy(float)
    residual = np.clip(totals - recorded, 0, None)
    if shocks:
        ends = np.array(
            [[where.get(x, -1), where.get(y, -1)] for x, y in (s.between for s in shocks)]
        )
        exempt = np.zeros((len(shocks), n), dtype=bool)
        for k, shock in enumerate(shocks):
            exempt[k, [where[c] for c in shock.exempt]] = True
        factor = np.array([s.factor for s in shocks])

        def matches(end: np.ndarray, actor: np.ndarray) -> np.ndarray:
            """shocks x dyads: the shock's end is this actor, or "*" and it is not exempt."""
            named = end[:, None] == actor[None, :]
            return np.where(end[:, None] < 0, ~exempt[:, actor], named)

        x, y = ends[:, 0], ends[:, 1]
        hit = (matches(x, a) & matches(y, b)) | (matches(x, b) & matches(y, a))
        values = values * _product(factor, hit)
        wild = (ends < 0).any(axis=1)  # "every partner" also scales the unrecorded trade
        named = np.where(x >= 0, x, y)
        everyone = (ends < 0).all(axis=1)
        owner = wild[:, None] & (everyone[:, None] | (named[:, None] == np.arange(n)[None, :]))
        residual = residual * _product(factor, owner)
    recorded = np.bincount(a, values, n) + np.bincount(b, values, n)
    shocked = trade.copy()
    shocked["trade_usd"] = values
    new_totals = pd.Series(residual + recorded, index=total_trade.index)
    new_totals[total_trade.isna()] = float("nan")
    return shocked, new_totals


def _product(factor: np.ndarray, hit: np.ndarray) -> np.ndarray:
    """Per column of `hit` (shocks x items), the product of the factors of the shocks that hit
    it: exact zeros stay zero, the rest multiply through logarithms."""
    zero = (hit & (factor[:, None] == 0)).any(axis=0)
    logs = np.log(np.where(factor > 0, factor, 1.0))
    return np.where(zero, 0.0, np.exp(logs @ hit))


#: The judgement columns a scenario may change.
JUDGED = ("position", "salience", "position_low", "position_high", "rationale")


def apply(scenario: Scenario, world: World) -> World:
    """The World as the scenario assumes it: changed judgements, shocked trade."""
    judgements = world.judgements
    if scenario.judgements:  # column arrays, written back at once (no per-cell indexing)
        columns = {k: judgements[k].to_numpy().copy() for k in JUDGED}
        rows = judgements.index.get_indexer(list(scenario.judgements))
        for row, change in zip(rows, scenario.judgements.values(), strict=True):
            for key in ("position", "salience"):
                if key in change:
                    columns[key][row] = change[key]
            position = columns["position"][row]
            columns["position_low"][row] = min(columns["position_low"][row], position)
            columns["position_high"][row] = max(columns["position_high"][row], position)
            columns["rationale"][row] = f"{change['rationale']} (scenario {scenario.id})"
        judgements = judgements.assign(**columns)
    totals = world.figures["trade_total_usd"]
    trade, new_totals = shock_trade(world.trade, totals, scenario.trade_shocks)
    value = world.facts["value"].to_numpy(float, copy=True)
    is_total = (world.facts["indicator"] == "trade_total_usd").to_numpy()
    value[is_total] = new_totals.reindex(world.facts["iso3"][is_total]).to_numpy()
    facts = world.facts.assign(value=value)
    figures = world.figures.assign(trade_total_usd=new_totals)  # the facts, in wide form
    return world.replaced(figures, judgements=judgements, trade=trade, facts=facts)
