"""Estimative judgements (ICD 203): how likely each finding is, how confident we are in the
evidence behind it, and what would most change it.

Likelihood is the share of draws in which a finding holds, the scenario and its reference
drawn with common random numbers (the same uniform numbers, input by input, each mapped
through its own distributions), named with the ICD 203 scale and reported with its exact
(Clopper-Pearson) 90% binomial interval. Confidence is a separate grade of the evidence
behind the finding's indicator (`confidence`), never the same sentence as its likelihood.
What would change it is the first restriction of the PRIM box (Friedman & Fisher 1999) that
isolates the draws in which the finding turns.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from analysis.methods.prim import prim
from analysis.methods.sensitivity import DEFAULT_SEED, sobol_analysis
from analysis.model import alignment, shared
from analysis.model.engine import Base, prepared, state
from analysis.model.evaluation import measure
from analysis.model.findings import holds
from analysis.model.indicators import INDICATORS
from analysis.model.sampling import quantile, sample, uncertain_inputs
from analysis.world import Distribution, Scenario, World, load_scenario

#: ICD 203's terms and the upper end of each band of probability.
TERMS = (
    (0.05, "almost no chance"),
    (0.20, "very unlikely"),
    (0.45, "unlikely"),
    (0.55, "roughly even chance"),
    (0.80, "likely"),
    (0.95, "very likely"),
    (1.00, "almost certain"),
)
#: Confidence grades from the share of the evidence that is sourced (see `confidence`).
HIGH, MODERATE = 2 / 3, 1 / 3
#: What an input of each kind counts as evidence: sourced 1, estimated 1/2, judged 0.
SOURCED, ESTIMATED, JUDGED = 1.0, 0.5, 0.0
LEVEL = 0.90  # the likelihood interval's coverage


def likelihood_term(p: float) -> str:
    """ICD 203's word for a probability. The bands are 1-5, 5-20, 20-45, 45-55, 55-80, 80-95
    and 95-99%; a share exactly on a boundary takes the term nearer to even chance (5% is very
    unlikely, 95% very likely), and shares beyond the scale's ends take its end terms (0% is
    almost no chance, 100% almost certain: a finite sample never shows certainty)."""
    if np.isnan(p) or not 0.0 <= p <= 1.0:
        raise ValueError(f"a probability lies in [0, 1], got {p}")
    if p >= 0.5:  # at or above even chance a boundary belongs to the band below it
        return next(term for upper, term in TERMS if p <= upper)
    return next(term for upper, term in TERMS if p < upper)  # below: to the band above


def interval(successes: int, trials: int, level: float = LEVEL) -> tuple[float, float]:
    """The exact (Clopper-Pearson) `level` interval of a binomial share."""
    if trials <= 0:
        return float("nan"), float("nan")
    alpha = 1 - level
    low = stats.beta.ppf(alpha / 2, successes, trials - successes + 1) if successes else 0.0
    high = (
        stats.beta.ppf(1 - alpha / 2, successes + 1, trials - successes)
        if successes < trials
        else 1.0
    )
    return float(low), float(high)


def confidence(
    inputs: Sequence[str], validated: bool, evidence: Mapping[str, float]
) -> tuple[str, float]:
    """High, moderate or low confidence, from what an indicator rests on.

    Each input it reads counts as evidence by its kind: a sourced figure 1, an estimated one
    1/2, a judgement or model parameter 0 (`evidence` gives the sourced share of mixed inputs,
    e.g. 0.6 for trade of which 80% is reported). The scenario's membership is its premise
    and not graded. High: at least two thirds of the evidence is sourced and the method is
    validated against a published or analytic case; moderate: at least one third is; low:
    the rest. Returns the grade and the evidence score."""
    graded = [item for item in inputs if item != "membership"]
    if not graded:
        return "high" if validated else "moderate", 1.0
    score = float(np.mean([evidence.get(item, _kind_score(item)) for item in graded]))
    if score >= HIGH - 1e-9 and validated:
        return "high", score
    return ("moderate" if score >= MODERATE - 1e-9 else "low"), score


def _kind_score(item: str) -> float:
    kind = item.split(":", 1)[0]
    return JUDGED if kind in ("judgement", "parameter") else SOURCED


def evidence(world: World, cross_estimated: float) -> dict[str, float]:
    """The sourced share of each mixed input: a figure counts estimated rows half, trade the
    estimated share of the cross-bloc trade in question half."""
    found = {}
    for name, rows in world.facts.groupby("indicator"):
        estimated = (rows["status"] == "estimated").mean()
        found[f"figure:{name}"] = SOURCED - (SOURCED - ESTIMATED) * estimated
    found["figure:size"] = found.get(f"figure:{world.alignment.size}", SOURCED)
    share = cross_estimated if np.isfinite(cross_estimated) else world.trade["estimated"].mean()
    found["trade"] = SOURCED - (SOURCED - ESTIMATED) * share
    return found


@dataclass(frozen=True)
class Driver:
    """What would most change a finding: the PRIM restriction that singles out the draws in
    which it turns (low/high, coverage, density), or, when no draw turns it, the input with
    the largest total Sobol' index of its margin (`total_index`)."""

    input: str
    low: float = float("nan")
    high: float = float("nan")
    coverage: float = float("nan")
    density: float = float("nan")
    total_index: float = float("nan")


def driver(design: pd.DataFrame, turns: np.ndarray) -> Driver | None:
    """The first (most significant) restriction of the PRIM box of the turning draws."""
    if not turns.any() or turns.all():
        return None
    numeric = design.select_dtypes("number")
    mass = min(0.05, max(turns.mean() / 2, 5 / len(turns)))
    box = prim(numeric, turns, mass_min=mass, paste=False)
    if box.limits.empty:
        return None
    name = box.limits.index[0]
    row = box.limits.loc[name]
    return Driver(name, float(row["low"]), float(row["high"]), box.coverage, box.density)


class _MarginModel:
    """Sobol' designs in the unit cube of the common inputs, mapped through each scenario's
    own distributions (common random numbers) and evaluated once per design, so the margin of
    every finding can be read from the same runs."""

    def __init__(
        self, inputs: Mapping[str, Mapping[str, Distribution]], bases: Mapping[str, Base],
        names: list[str],
    ) -> None:  # fmt: skip
        self.names = names
        self.inputs, self.bases = inputs, bases
        self.cache: dict[bytes, dict[str, pd.DataFrame]] = {}

    def outcomes(self, u: np.ndarray, keys: list[str]) -> dict[str, pd.DataFrame]:
        token = u.tobytes()
        if token not in self.cache:
            self.cache = {token: {}}
            for sid, inputs in self.inputs.items():
                design = pd.DataFrame(
                    {
                        n: quantile(inputs[n], u[:, i])
                        for i, n in enumerate(self.names)
                        if n in inputs
                    }
                )
                self.cache[token][sid] = measure(state(self.bases[sid], design), keys)
        return self.cache[token]


def top_driver(margin: Callable[[dict[str, pd.DataFrame]], np.ndarray], model: _MarginModel,
               keys: list[str], n: int, seed: int) -> Driver | None:  # fmt: skip
    """The input with the largest total Sobol' index (Saltelli et al. 2010, via SALib) of a
    finding's margin (value minus benchmark), over the unit cube of the common inputs."""
    problem = {
        "num_vars": len(model.names),
        "names": model.names,
        "bounds": [[0.0, 1.0]] * len(model.names),
    }
    try:
        table = sobol_analysis(problem, lambda u: margin(model.outcomes(u, keys)), n=n, seed=seed)
    except ValueError:  # the margin does not vary: nothing to apportion
        return None
    best = table["ST"].idxmax()
    return Driver(str(best), total_index=float(table.loc[best, "ST"]))


def _premises(scenario: Scenario, world: World) -> list[dict]:
    """The essay's premises as findings: each focus actor the scenario keeps out of the
    alliance stays out: put inside, it would gain by leaving (¶2-4)."""
    names = world.actors["name"]
    found = []
    for code in ("CHN", "PRK"):
        if code in world.actors.index and code not in scenario.alliance:
            found.append(
                {
                    "id": f"{code.lower()}-stays-out",
                    "title": f"{names[code]} stays out",
                    "statement": f"{names[code]} stays out of the pact: once inside, "
                    f"{names[code]} would be better placed outside it.",
                    "claims": ["refusal-cn-prk"],
                    "indicator": "alignment_stable",
                    "join": code,
                }
            )
    return found


def judgements(
    scenario: Scenario,
    world: World,
    draws: int = 2000,
    seed: int = DEFAULT_SEED,
    sampler: str = "lhs",
    sobol_n: int = 128,
) -> pd.DataFrame:
    """Every finding about `scenario` (data/implications.yaml and the essay's premises) with
    its likelihood, interval, ICD 203 term, confidence and driver, from one sweep of the
    scenario and one of each reference, with common random numbers. Where no draw turns a
    finding, its driver comes from one Sobol' design of `sobol_n` base samples shared by all
    findings. Within a render, pages share the result (`analysis.model.shared`)."""
    imps = world.implications[world.implications["scenario"] == scenario.id]
    refs = sorted({r for r in imps["reference"] if isinstance(r, str)})
    others = {ref: load_scenario(ref, world) for ref in refs}
    settings = f"{draws} {seed} {sampler} {sobol_n}"
    # The scenarios as resolved (every field, so in-memory edits count) and the data's bytes.
    resolved = [repr(sc) for sc in (scenario, *others.values())]
    name = shared.key("judgements", world.data_hash, settings, *resolved)
    return shared.shared(
        name, lambda: _judgements(scenario, world, imps, others, draws, seed, sampler, sobol_n)
    )


def _judgements(
    scenario: Scenario,
    world: World,
    imps: pd.DataFrame,
    others: Mapping[str, Scenario],
    draws: int,
    seed: int,
    sampler: str,
    sobol_n: int,
) -> pd.DataFrame:
    """`judgements`, computed."""
    scenarios = {scenario.id: scenario, **others}
    inputs = {sid: uncertain_inputs(sc, world) for sid, sc in scenarios.items()}
    bases = {sid: prepared(world, sc) for sid, sc in scenarios.items()}
    common = set().union(*inputs.values())
    design = sample(scenario, world, draws, seed, sampler, sorted(common))
    needed = sorted(set(imps["indicator"]) | {"cross_bloc_trade_estimated_share"})
    base = bases[scenario.id]
    mine = measure(state(base, design), needed)
    theirs, designs = {}, {}
    for ref, other in others.items():
        designs[ref] = sample(other, world, draws, seed, sampler, sorted(common))
        theirs[ref] = measure(state(bases[ref], designs[ref]), needed)
    wide = design.copy()  # the scenario's inputs, and each reference's own
    for ref_design in designs.values():
        for column in ref_design.columns.difference(wide.columns):
            wide[column] = ref_design[column].to_numpy()
    score = evidence(world, float(np.nanmean(mine["cross_bloc_trade_estimated_share"])))
    rows = []
    for imp in imps.to_dict("records"):
        name, expected = imp["indicator"], imp["expected"]
        comparative = expected in ("increase", "decrease")
        bench = theirs[imp["reference"]][name] if comparative else imp["threshold"]
        value = mine[name].to_numpy(float)
        bench = np.broadcast_to(np.asarray(bench, dtype=float), value.shape)
        rows.append(_row(imp, value, bench, holds(expected, value, bench), wide, score))
    for premise in _premises(scenario, world):
        value = _would_leave(base, design, premise["join"])
        rows.append(_row(premise, value, np.zeros_like(value), value == 1, design, score))
    choices = {n for found in inputs.values() for n, dist in found.items() if dist.choice}
    continuous = sorted(common - choices)
    margins = _MarginModel(inputs, bases, continuous)
    for row, imp in zip(rows, imps.to_dict("records"), strict=False):
        if row["driver"] is None and row["draws"] and continuous:
            row["driver"] = top_driver(_margin(scenario.id, imp), margins, needed, sobol_n, seed)
    return pd.DataFrame(rows)


def _would_leave(base, design: pd.DataFrame, code: str) -> np.ndarray:
    """Per draw, 1 where `code`, put into the alliance with everyone else where the draw has
    them, would lower its own frustration by moving out (to the rival bloc or out of both):
    the premise is about that actor, not about whether anyone else would move."""
    joined = state(base, design.assign(**{f"bloc.{code}": "alliance"}))
    return alignment.stability(joined)["moving"][:, base.actors.index(code)].astype(float)


def _margin(scenario_id: str, imp: Mapping) -> Callable[[dict[str, pd.DataFrame]], np.ndarray]:
    """value - benchmark (reference or threshold), signed so that > 0 means it holds."""
    name, expected = imp["indicator"], imp["expected"]
    sign = 1.0 if expected in ("increase", "above") else -1.0

    def margin(outcomes: dict[str, pd.DataFrame]) -> np.ndarray:
        value = outcomes[scenario_id][name].to_numpy(float)
        if expected in ("increase", "decrease"):
            bench = outcomes[imp["reference"]][name].to_numpy(float)
        else:
            bench = np.full_like(value, float(imp["threshold"]))
        return np.nan_to_num(sign * (value - bench))

    return margin


def _row(imp: Mapping, value, bench, held, design: pd.DataFrame, score) -> dict:
    valid = np.isfinite(value) & np.isfinite(bench)
    trials, successes = int(valid.sum()), int(np.asarray(held)[valid].sum())
    share = successes / trials if trials else float("nan")
    low, high = interval(successes, trials)
    indicator = INDICATORS[imp["indicator"]]
    grade, points = confidence(indicator.inputs, indicator.validated, score)
    flips = ~np.asarray(held, dtype=bool) if share >= 0.5 else np.asarray(held, dtype=bool)
    return {
        "id": imp["id"],
        "title": imp["title"],
        "statement": imp["statement"],
        "claims": list(imp["claims"]),
        "indicator": imp["indicator"],
        "draws": trials,
        "likelihood": share,
        "likelihood_interval": (low, high),
        "likelihood_term": likelihood_term(share) if trials else "not tested",
        "confidence": grade,
        "evidence": points,
        "driver": driver(design[valid], flips[valid]) if trials else None,
        "median": float(np.nanmedian(value)) if trials else float("nan"),
        "benchmark_median": float(np.nanmedian(bench)) if trials else float("nan"),
    }
