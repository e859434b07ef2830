"""Estimative judgements: ICD 203 words at every boundary, likelihood from common random
numbers (checked against independent sweeps), the exact binomial interval, the confidence
rule on constructed registries, and the fields in `run --json`."""

import json

import numpy as np
import pytest

import analysis
from analysis.cli import main
from analysis.model import alignment, estimative, sampling
from analysis.model.findings import holds


@pytest.mark.parametrize(
    ("share", "term"),
    [
        (0.0, "almost no chance"),
        (0.01, "almost no chance"),
        (0.0499, "almost no chance"),
        (0.05, "very unlikely"),  # a boundary takes the term nearer to even chance
        (0.1999, "very unlikely"),
        (0.20, "unlikely"),
        (0.4499, "unlikely"),
        (0.45, "roughly even chance"),
        (0.50, "roughly even chance"),
        (0.55, "roughly even chance"),
        (0.5501, "likely"),
        (0.80, "likely"),
        (0.8001, "very likely"),
        (0.95, "very likely"),
        (0.9501, "almost certain"),
        (0.99, "almost certain"),
        (1.0, "almost certain"),
    ],
)
def test_icd203_terms_at_every_boundary(share, term):
    assert estimative.likelihood_term(share) == term


@pytest.mark.parametrize("share", [-0.01, 1.01, float("nan")])
def test_a_share_outside_zero_to_one_is_refused(share):
    with pytest.raises(ValueError, match="probability"):
        estimative.likelihood_term(share)


def test_clopper_pearson_interval_by_hand():
    # no success in 10: the upper end solves (1 - p)^10 = 0.05, p = 1 - 0.05^(1/10)
    assert estimative.interval(0, 10) == (0.0, pytest.approx(1 - 0.05 ** (1 / 10)))
    assert estimative.interval(10, 10) == (pytest.approx(0.05 ** (1 / 10)), 1.0)
    # against scipy's own exact binomial test
    from scipy.stats import binomtest

    for k, n in ((50, 100), (3, 2000), (1990, 2000)):
        ci = binomtest(k, n).proportion_ci(confidence_level=0.9, method="exact")
        assert estimative.interval(k, n) == pytest.approx((ci.low, ci.high))


def test_likelihood_equals_the_share_from_two_independent_sweeps(world):
    """The same seed and the same set of common inputs give each scenario's sweep the same
    random numbers; the share of draws in which the finding holds is then the likelihood."""
    scenario = analysis.load_scenario("asian-nato", world)
    reference = analysis.load_scenario("status-quo", world)
    table = estimative.judgements(scenario, world, draws=400, seed=11).set_index("id")
    common = set(sampling.uncertain_inputs(scenario, world))
    common |= set(sampling.uncertain_inputs(reference, world))
    mine = analysis.sweep(scenario, world, 400, 11, common=sorted(common))
    theirs = analysis.sweep(reference, world, 400, 11, common=sorted(common))
    for ident, indicator, expected in (
        ("arms-race-destabilises", "arms_race_stable", "decrease"),
        ("polarisation-rises", "polarisation", "increase"),
    ):
        share = np.mean(holds(expected, mine[indicator], theirs[indicator]))
        assert table.loc[ident, "likelihood"] == pytest.approx(share)
    threshold = world.implications.set_index("id").loc["economic-impact-limited", "threshold"]
    share = np.mean(mine["trade_at_risk_share_gdp"] < threshold)
    assert table.loc["economic-impact-limited", "likelihood"] == pytest.approx(share)


def test_common_inputs_take_the_same_random_numbers(world):
    """An input both scenarios draw gets the same uniform numbers in both designs: with the
    same distribution it takes the same values."""
    scenario = analysis.load_scenario("asian-nato", world)
    reference = analysis.load_scenario("status-quo", world)
    common = sorted(
        set(sampling.uncertain_inputs(scenario, world))
        | set(sampling.uncertain_inputs(reference, world))
    )
    a = sampling.sample(scenario, world, 50, 3, common=common)
    b = sampling.sample(reference, world, 50, 3, common=common)
    assert np.array_equal(a["estimate.trade"], b["estimate.trade"])


@pytest.mark.parametrize(
    ("inputs", "validated", "grade"),
    [
        (("figure:gdp_usd", "figure:cinc"), True, "high"),  # all sourced, validated
        (("figure:gdp_usd", "figure:cinc"), False, "moderate"),  # all sourced, unvalidated
        (("judgement:position", "parameter:x.y"), True, "low"),  # all judged
        (("figure:cinc", "judgement:position", "parameter:x.y"), True, "moderate"),  # 1/3
        (("figure:cinc", "judgement:position", "parameter:x.y", "parameter:x.z"), True, "low"),
        (("trade", "membership"), True, "moderate"),  # trade half estimated; premise not graded
        (("membership",), True, "high"),
    ],
)
def test_confidence_rule_on_constructed_registries(inputs, validated, grade):
    evidence = {"trade": 0.5, "figure:gdp_usd": 1.0, "figure:cinc": 1.0}
    assert estimative.confidence(inputs, validated, evidence)[0] == grade


def test_estimated_figures_count_half(world):
    found = estimative.evidence(world, 0.0)
    milex = world.facts[world.facts["indicator"] == "milex_usd"]
    estimated = (milex["status"] == "estimated").mean()
    assert found["figure:milex_usd"] == pytest.approx(1 - 0.5 * estimated)
    assert found["trade"] == 1.0 and estimative.evidence(world, 1.0)["trade"] == 0.5


def test_run_json_carries_the_estimative_fields(capsys):
    assert main(["run", "asian-nato", "--json"]) == 0
    headline = json.loads(capsys.readouterr().out)
    for finding in headline["findings"] + headline["premises"]:
        assert 0 <= finding["likelihood"] <= 1
        low, high = finding["likelihood_interval"]
        assert low <= finding["likelihood"] <= high
        assert finding["likelihood_term"] == estimative.likelihood_term(finding["likelihood"])
        assert finding["confidence"] in ("high", "moderate", "low")
        assert "driver" in finding
    assert {p["id"] for p in headline["premises"]} == {"chn-stays-out", "prk-stays-out"}


def test_a_premise_is_about_its_own_actor(world):
    """'North Korea stays out' asks whether North Korea, put inside, would leave: with China in
    the pact (china-joins) the landscape says North Korea would rather join, so the premise is
    unlikely there, while an alignment that is unstable only because others would move (as in
    asian-nato, where Southeast Asian states move) still leaves it near certain."""
    joins = estimative.judgements(analysis.load_scenario("china-joins", world), world, draws=200)
    nato = estimative.judgements(analysis.load_scenario("asian-nato", world), world, draws=200)
    at = {
        name: table.set_index("id")["likelihood"]
        for name, table in (("joins", joins), ("nato", nato))
    }
    split = alignment.split_of(world, analysis.load_scenario("china-joins", world))
    assert split.gains.loc["PRK", "move"] == "alliance" and split.gains.loc["PRK", "gain"] > 0
    assert at["joins"]["prk-stays-out"] < 0.2
    assert at["nato"]["prk-stays-out"] > 0.95


def test_pages_of_a_render_share_judgements_through_the_shared_folder(world, tmp_path, monkeypatch):
    from analysis.model import shared

    scenario = analysis.load_scenario("korea-hedges", world)
    alone = estimative.judgements(scenario, world, draws=200, seed=7)
    monkeypatch.setenv(shared.FOLDER, str(tmp_path))
    first = estimative.judgements(scenario, world, draws=200, seed=7)
    assert len(list(tmp_path.glob("*.pickle"))) == 1

    def fail(*args, **kwargs):
        raise AssertionError("computed again although it was shared")

    monkeypatch.setattr(estimative, "_judgements", fail)
    again = estimative.judgements(scenario, world, draws=200, seed=7)
    for table in (first, again):
        assert table.drop(columns="driver").equals(alone.drop(columns="driver"))
        assert list(map(repr, table["driver"])) == list(map(repr, alone["driver"]))
    with pytest.raises(AssertionError, match="computed again"):  # other inputs: not shared
        estimative.judgements(scenario, world, draws=200, seed=8)
