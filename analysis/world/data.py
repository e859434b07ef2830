"""Load and validate the sourced data in data/ into an immutable World.

Every CSV row is validated with a pydantic model; an error names the file, the line and the
column, so a data maintainer can fix it without reading code.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from analysis.errors import DataError
from analysis.world.reading import load_yaml, quote, read_csv_rows

DATA_DIR = Path(__file__).resolve().parents[2] / "data"

#: The figures facts.csv may hold: name -> (the unit its rows must carry, a reader's label).
FIGURES: dict[str, tuple[str, str]] = {
    "gdp_usd": ("USD", "GDP"),
    "milex_usd": ("USD", "Military spending"),
    "population": ("persons", "Population"),
    "cinc": ("share", "CINC (material capability)"),
    "nuclear_warheads": ("warheads", "Nuclear warheads"),
    "trade_total_usd": ("USD", "Total goods trade"),
}
#: Figure -> the unit its rows must carry in facts.csv.
FACT_UNITS: dict[str, str] = {name: unit for name, (unit, _) in FIGURES.items()}

Year = Annotated[int, Field(ge=1900, le=2100)]
Text = Annotated[str, Field(min_length=1)]
Scale = Annotated[float, Field(ge=0, le=100)]
#: An actor's salience: above 0, since the bargaining models need every actor to care a little.
Salience = Annotated[float, Field(gt=0, le=100)]


def _split_codes(value: Any) -> Any:
    """'USA; JPN' -> ('USA', 'JPN'); an empty cell is an empty tuple."""
    return (
        tuple(c.strip() for c in value.split(";") if c.strip()) if isinstance(value, str) else value
    )


Codes = Annotated[tuple[str, ...], BeforeValidator(_split_codes)]


class _Row(BaseModel):
    # NaN and infinity are refused in every numeric field: they pass every range check.
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class ActorRow(_Row):
    iso3: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    name: Text
    kind: Literal["state", "non-state"]
    region: Text
    note: str = ""


class FieldProblem(ValueError):
    """A problem a row validator finds in one named field (so the error can name its column)."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _blank_is_none(value: Any) -> Any:
    return None if isinstance(value, str) and not value.strip() else value


Amount = Annotated[float, Field(ge=0, allow_inf_nan=False)]
OptionalAmount = Annotated[Amount | None, BeforeValidator(_blank_is_none)]


def _check_range(value: float | None, low: float | None, high: float | None) -> None:
    """An estimate needs a range around it: low <= value <= high."""
    if low is None or high is None:
        raise ValueError("an estimate needs its low and high (the range that enters sweeps)")
    if value is not None and not low <= value <= high:
        raise ValueError(
            f"the estimate {value:g} must lie within [low, high] = [{low:g}, {high:g}]"
        )


class FactRow(_Row):
    """One figure: sourced, a labelled estimate with its range, or none (and why not)."""

    iso3: str
    indicator: Literal[tuple(FACT_UNITS)]  # type: ignore[valid-type]
    value: OptionalAmount = None
    unit: Text
    year: Year
    source: str = ""
    status: Literal["sourced", "estimated", "none"]
    low: OptionalAmount = None
    high: OptionalAmount = None
    note: str = ""

    @model_validator(mode="after")
    def _status_fits(self) -> FactRow:
        if self.status == "none":
            if self.value is not None:
                raise FieldProblem("value", "a figure with status none has no value")
            if not self.note:
                raise FieldProblem("note", "a figure with status none says why in its note")
            return self
        if self.value is None:
            raise FieldProblem("value", f"a {self.status} figure needs a value")
        if not self.source:
            raise FieldProblem("source", f"a {self.status} figure needs its source")
        if self.status == "estimated":
            _check_range(self.value, self.low, self.high)
        return self


class TradeRow(_Row):
    """One dyad's goods trade: reported with its source table, or estimated with a range."""

    a: str
    b: str
    year: Year
    trade_usd: Amount
    source: Text
    estimated: bool
    low: OptionalAmount = None
    high: OptionalAmount = None
    note: str = ""

    @model_validator(mode="after")
    def _range_fits(self) -> TradeRow:
        if self.estimated:
            _check_range(self.trade_usd, self.low, self.high)
        return self


class GroupingRow(_Row):
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    name: Text
    kind: Literal[
        "defence_treaty",
        "security_partnership",
        "regional_organisation",
        "security_forum",
        "economic_agreement",
    ]
    year: Year
    members: Codes
    other_members: str = ""
    source: Text
    note: str = ""


class JudgementRow(_Row):
    iso3: str
    position: Scale
    position_low: Scale
    position_high: Scale
    salience: Salience
    rationale: Text
    claims: Codes


class RivalryRow(_Row):
    a: str
    b: str
    kind: Literal["strategic_rivalry", "territorial_dispute"]
    start: Year
    source: Text
    note: str = ""


class PropensityOverride(_Row):
    a: str
    b: str
    propensity: Annotated[float, Field(allow_inf_nan=False)]
    rationale: Text


class Bar(_Row):
    actor: str
    side: Literal["alliance", "rivals"]
    rationale: Text


class AlignmentSettings(_Row):
    """Judgements of the landscape model of alignment (data/alignment.yaml)."""

    size: Literal["cinc", "gdp_usd", "milex_usd", "population"]
    size_rationale: Text
    may_stay_out: list[str] = []
    may_stay_out_rationale: Text
    barred: list[Bar] = []
    overrides: list[PropensityOverride] = []


class FocusRow(_Row):
    role: Literal["isolation", "dependence"]
    iso3: str
    rationale: Text
    claims: Codes


class ParameterRow(_Row):
    name: Annotated[str, Field(pattern=r"^[a-z_]+\.[a-z_]+$")]
    label: Text
    value: float
    low: float
    high: float
    unit: Text
    rationale: Text
    claims: Codes


class Claim(_Row):
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    paragraphs: Annotated[list[Annotated[int, Field(ge=1)]], Field(min_length=1)]
    kind: Literal["empirical", "causal", "normative"]
    text: Text


class Implication(_Row):
    id: Annotated[str, Field(pattern=r"^[a-z0-9-]+$")]
    title: Annotated[str, Field(min_length=1, max_length=80)]  # a short phrase for tables
    statement: Text
    claims: Annotated[list[str], Field(min_length=1)]
    indicator: Annotated[str, Field(pattern=r"^[a-z0-9_]+$")]
    scenario: Text
    reference: str | None = None
    expected: Literal["increase", "decrease", "above", "below"]
    threshold: float | None = None
    threshold_rationale: str = ""


def _where(err: dict[str, Any]) -> tuple[str, str]:
    problem = err.get("ctx", {}).get("error")
    if isinstance(problem, FieldProblem):
        return problem.field, str(problem)
    name = repr(".".join(str(p) for p in err["loc"]))[1:-1]  # a key may hold a newline
    return (name if len(name) <= 80 else name[:77] + "...") or "(row)", err["msg"]


def _read_csv(
    path: Path, model: type[_Row], key: str | list[str]
) -> tuple[pd.DataFrame, list[int]]:
    """Read a CSV through the reading boundary and validate each row; the first bad cell
    raises a DataError naming its line (the line the record starts on) and column. Returns
    the table and each row's line, for the checks that follow."""
    header, records = read_csv_rows(path, error=DataError, missing="file is missing")
    expected = list(model.model_fields)
    missing = [c for c in expected if c not in header and model.model_fields[c].is_required()]
    extra = [c for c in header if c not in expected]
    if missing or extra:
        raise DataError(
            path, "header", f"expected columns {expected}; missing {missing}, unknown {extra}"
        )
    rows = []
    for record in records:
        try:
            rows.append(model.model_validate(record).model_dump())
        except ValidationError as exc:
            field, msg = _where(exc.errors()[0])
            raise DataError(
                path,
                f"line {record.line}, column '{field}'",
                f"{msg} (got {quote(record.get(field, ''))})",
            ) from None
    table = pd.DataFrame(rows, columns=expected)
    keys = key if isinstance(key, list) else [key]
    later = table.duplicated(keys, keep="first").to_numpy()
    if later.any():
        j = int(later.argmax())  # the first row repeating an earlier one, and that one:
        i = int((table[keys] == table.loc[j, keys]).all(axis=1).to_numpy().argmax())
        first, second = records[i].line, records[j].line
        raise DataError(
            path,
            f"line {second}, " + ", ".join(f"column '{k}'" for k in keys),
            f"duplicate entry (the same {'/'.join(keys)} as line {first})",
        )
    return table, [record.line for record in records]


def _read_yaml_list(path: Path, model: type[_Row]) -> pd.DataFrame:
    """Read a YAML list of entries through the reading boundary and validate each one."""
    items = load_yaml(path, error=DataError, missing="file is missing")
    if not isinstance(items, list):
        raise DataError(path, "", "expected a list of entries")
    rows = []
    for i, item in enumerate(items):
        try:
            rows.append(model.model_validate(item).model_dump())
        except ValidationError as exc:
            field, msg = _where(exc.errors()[0])
            name = item.get("id", "?") if isinstance(item, dict) else "?"
            raise DataError(
                path, f"entry {i + 1} (id {quote(name)}), field '{field}'", msg
            ) from None
    table = pd.DataFrame(rows, columns=list(model.model_fields))
    if table["id"].duplicated().any():
        raise DataError(
            path, f"id {table['id'][table['id'].duplicated()].iloc[0]!r}", "duplicate id"
        )
    return table.set_index("id", drop=False)


def _check_codes(
    path: Path,
    table: pd.DataFrame,
    lines: list[int],
    column: str,
    known: set[str],
    what: str,
) -> None:
    """Every code in `column` (a string or a tuple of strings) must be in `known`."""
    for i, value in enumerate(table[column]):
        for code in value if isinstance(value, (tuple, list)) else (value,):
            if code not in known:
                raise DataError(
                    path, f"line {lines[i]}, column '{column}'", f"unknown {what} {code!r}"
                )


@dataclass(frozen=True)
class World:
    """Everything the analysis knows, validated. Functions derive new Worlds; none mutates one."""

    data_dir: Path
    actors: pd.DataFrame
    facts: pd.DataFrame
    trade: pd.DataFrame
    groupings: pd.DataFrame
    judgements: pd.DataFrame
    parameters: pd.DataFrame
    claims: pd.DataFrame
    implications: pd.DataFrame
    focus: pd.DataFrame  # role -> iso3: whose isolation and dependence every brief follows
    rivalries: pd.DataFrame  # ongoing strategic rivalries and territorial disputes
    alignment: AlignmentSettings  # judgements of the landscape model

    @cached_property
    def figures(self) -> pd.DataFrame:
        """Facts as a wide table: one row per actor, one column per indicator (NaN = no figure)."""
        wide = self.facts.pivot(index="iso3", columns="indicator", values="value").astype(float)
        return wide.reindex(index=self.actors.index, columns=list(FACT_UNITS))

    @cached_property
    def memo(self) -> dict:
        """Scratch space for results derived from this World alone (e.g. a reference
        scenario's values): the World never changes, so they never go stale."""
        return {}

    @cached_property
    def estimates(self) -> pd.DataFrame:
        """The figures that are labelled estimates, with the range that enters sweeps."""
        chosen = self.facts[self.facts["status"] == "estimated"]
        return chosen[["iso3", "indicator", "value", "low", "high", "note"]].reset_index(drop=True)

    @cached_property
    def data_hash(self) -> str:
        """SHA-256 over every file in data/, for provenance and caching."""
        return data_digest(self.data_dir)

    def parameter(self, name: str) -> float:
        """The default value of a model parameter (a labelled judgement in parameters.csv)."""
        return float(self.parameters.loc[name, "value"])

    def replaced(self, figures: pd.DataFrame, **changes: Any) -> World:
        """A new World with `changes`, whose `figures` (the caller's facts in wide form, derived
        along with them) are given rather than pivoted from the facts again."""
        world = replace(self, **changes)
        world.__dict__["figures"] = figures  # where the cached property keeps its value
        return world


def data_folder(data_dir: str | Path | None) -> Path:
    """The data folder a `load_world(data_dir)` reads: `data_dir`, or the project's data/."""
    return Path(data_dir) if data_dir is not None else DATA_DIR


def data_digest(folder: Path) -> str:
    """SHA-256 over every file in a data folder: names and bytes."""
    digest = hashlib.sha256()
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest.update(str(path.relative_to(folder)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_world(
    data_dir: str | Path | None = None, indicators: Collection[str] | None = None
) -> World:
    """Read data/ and validate every table and every cross-reference between them.

    `indicators`, when given, are the indicator keys an implication may name (the model's
    registry); the data layer itself knows no indicator.
    """
    root = data_folder(data_dir)
    p: Callable[[str], Path] = lambda name: root / name  # noqa: E731

    actors, _ = _read_csv(p("actors.csv"), ActorRow, "iso3")
    codes = set(actors["iso3"])

    facts, facts_lines = _read_csv(p("facts.csv"), FactRow, ["iso3", "indicator"])
    _check_codes(p("facts.csv"), facts, facts_lines, "iso3", codes, "actor")
    for i, row in facts.iterrows():
        unit = FACT_UNITS[row["indicator"]]
        if row["unit"] != unit:
            raise DataError(
                p("facts.csv"),
                f"line {facts_lines[i]}, column 'unit'",
                f"{row['indicator']} must be in {unit!r} (got {row['unit']!r})",
            )
        if unit == "share" and row["value"] > 1:
            raise DataError(
                p("facts.csv"),
                f"line {facts_lines[i]}, column 'value'",
                f"a share must lie in [0, 1] (got {row['value']})",
            )

    trade, trade_lines = _read_csv(p("trade.csv"), TradeRow, ["a", "b"])
    _check_codes(p("trade.csv"), trade, trade_lines, "a", codes, "actor")
    _check_codes(p("trade.csv"), trade, trade_lines, "b", codes, "actor")
    pairs = trade.apply(lambda r: frozenset((r["a"], r["b"])), axis=1)
    for i, (a, b) in enumerate(zip(trade["a"], trade["b"], strict=True)):
        if a == b:
            raise DataError(
                p("trade.csv"), f"line {trade_lines[i]}, column 'b'", "a dyad needs two actors"
            )
    if pairs.duplicated().any():
        line = trade_lines[int(pairs.duplicated().to_numpy().argmax())]
        raise DataError(p("trade.csv"), f"line {line}, columns 'a','b'", "dyad listed twice")

    groupings, groupings_lines = _read_csv(p("groupings.csv"), GroupingRow, "id")
    _check_codes(p("groupings.csv"), groupings, groupings_lines, "members", codes, "member")

    claims = _read_yaml_list(p("claims.yaml"), Claim)
    claim_ids = set(claims.index)

    judgements, judgements_lines = _read_csv(p("judgements.csv"), JudgementRow, "iso3")
    _check_codes(p("judgements.csv"), judgements, judgements_lines, "iso3", codes, "actor")
    _check_codes(p("judgements.csv"), judgements, judgements_lines, "claims", claim_ids, "claim")
    for i, row in judgements.iterrows():
        if not row["position_low"] <= row["position"] <= row["position_high"]:
            raise DataError(
                p("judgements.csv"),
                f"line {judgements_lines[i]}, column 'position'",
                "position must lie within [position_low, position_high]",
            )
    if missing := sorted(codes - set(judgements["iso3"])):
        raise DataError(p("judgements.csv"), "column 'iso3'", f"no judgement for actors {missing}")

    parameters, parameters_lines = _read_csv(p("parameters.csv"), ParameterRow, "name")
    _check_codes(p("parameters.csv"), parameters, parameters_lines, "claims", claim_ids, "claim")
    for i, row in parameters.iterrows():
        if not row["low"] <= row["value"] <= row["high"]:
            raise DataError(
                p("parameters.csv"),
                f"line {parameters_lines[i]}, column 'value'",
                "value must lie within [low, high]",
            )

    focus, focus_lines = _read_csv(p("focus.csv"), FocusRow, "role")
    _check_codes(p("focus.csv"), focus, focus_lines, "iso3", codes, "actor")
    _check_codes(p("focus.csv"), focus, focus_lines, "claims", claim_ids, "claim")
    if missing := sorted({"isolation", "dependence"} - set(focus["role"])):
        raise DataError(p("focus.csv"), "column 'role'", f"no actor for roles {missing}")

    rivalries, rivalries_lines = _read_csv(p("rivalries.csv"), RivalryRow, ["a", "b", "kind"])
    _check_codes(p("rivalries.csv"), rivalries, rivalries_lines, "a", codes, "actor")
    _check_codes(p("rivalries.csv"), rivalries, rivalries_lines, "b", codes, "actor")
    alignment = _read_alignment(p("alignment.yaml"), codes)

    implications = _read_yaml_list(p("implications.yaml"), Implication)
    for iid, name in implications["indicator"].items():
        if indicators is not None and name not in indicators:
            raise DataError(
                p("implications.yaml"),
                f"id {iid!r}, field 'indicator'",
                f"unknown indicator {name!r}; expected one of {sorted(indicators)}",
            )
    for iid, refs in implications["claims"].items():
        if unknown := sorted(set(refs) - claim_ids):
            raise DataError(
                p("implications.yaml"), f"id {iid!r}, field 'claims'", f"unknown claims {unknown}"
            )
    for iid, row in implications.iterrows():
        needs_threshold = row["expected"] in ("above", "below")
        if needs_threshold != (row["threshold"] is not None and not pd.isna(row["threshold"])):
            raise DataError(
                p("implications.yaml"),
                f"id {iid!r}, field 'threshold'",
                "a threshold is needed for above/below and only for them",
            )

    return World(
        data_dir=root,
        actors=actors.set_index("iso3", drop=False),
        facts=facts,
        trade=trade,
        groupings=groupings.set_index("id", drop=False),
        judgements=judgements.set_index("iso3", drop=False),
        parameters=parameters.set_index("name", drop=False),
        claims=claims,
        implications=implications,
        focus=focus.set_index("role", drop=False),
        rivalries=rivalries,
        alignment=alignment,
    )


def _read_alignment(path: Path, codes: set[str]) -> AlignmentSettings:
    """The landscape model's judgements, with every actor they name checked."""
    raw = load_yaml(path, error=DataError, missing="file is missing")
    try:
        settings = AlignmentSettings.model_validate(raw)
    except ValidationError as exc:
        field, msg = _where(exc.errors()[0])
        raise DataError(path, f"field '{field}'", msg) from None
    for code in settings.may_stay_out:
        if code not in codes:
            raise DataError(path, "field 'may_stay_out'", f"unknown actor {code!r}")
    for i, bar in enumerate(settings.barred):
        if bar.actor not in codes:
            raise DataError(path, f"field 'barred.{i}.actor'", f"unknown actor {bar.actor!r}")
    for i, row in enumerate(settings.overrides):
        for code in (row.a, row.b):
            if code not in codes:
                raise DataError(path, f"field 'overrides.{i}'", f"unknown actor {code!r}")
        if row.a == row.b:
            raise DataError(path, f"field 'overrides.{i}'", "a dyad needs two actors")
    return settings
