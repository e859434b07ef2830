"""Sampling and vectorised evaluation of a scenario's judged uncertainties."""

import numpy as np
import pandas as pd
import pytest
import yaml
from scipy import stats

import analysis
from analysis import ScenarioError
from analysis.methods import polarisation
from analysis.model import SWEPT
from analysis.model import sampling as unc
from analysis.model.evaluation import evaluate
from analysis.world.scenario import Distribution


@pytest.fixture(scope="module")
def nato(world):
    return analysis.load_scenario("asian-nato", world)


def write(folder, ident, **fields):
    path = folder / f"{ident}.yaml"
    path.write_text(yaml.safe_dump({"id": ident, "title": "T", "summary": "S", **fields}))
    return path


def test_same_seed_same_table_and_chunking_does_not_matter(world, nato):
    first = unc.sweep(nato, world, 3000, seed=7, chunk=1000)
    again = unc.sweep(nato, world, 3000, seed=7, chunk=3000)
    pd.testing.assert_frame_equal(first, again)
    other = unc.sweep(nato, world, 3000, seed=8)
    assert not first["trade_at_risk_usd"].equals(other["trade_at_risk_usd"])
    meta = first.attrs["sweep"]
    assert meta["seed"] == 7 and meta["sampler"] == "lhs" and meta["draws"] == 3000
    assert "arms.reaction_rival" in meta["distributions"] and meta["versions"]["numpy"]


def test_dask_cluster_gives_the_same_table(world, nato):
    distributed = pytest.importorskip("distributed")
    local = unc.sweep(nato, world, 2000, seed=3, chunk=500)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=False) as cluster:
        with distributed.Client(cluster) as client:
            remote = unc.sweep(nato, world, 2000, seed=3, chunk=500, client=client)
    pd.testing.assert_frame_equal(local, remote)


@pytest.mark.parametrize("sampler", ["lhs", "mc", "sobol"])
def test_marginals_follow_their_declared_distributions(sampler):
    dists = {
        "u": (Distribution(uniform=[0.1, 0.3]), stats.uniform(0.1, 0.2)),
        "t": (Distribution(triangular=[0.0, 0.2, 1.0]), stats.triang(0.2, loc=0.0, scale=1.0)),
        "n": (
            Distribution(normal={"mean": 5, "sd": 3, "low": 0, "high": 20}),
            stats.truncnorm(-5 / 3, 5, loc=5, scale=3),
        ),
    }
    u = unc._unit_sample(4096, len(dists), seed=11, sampler=sampler)
    for i, (dist, reference) in enumerate(dists.values()):
        x = unc.quantile(dist, u[:, i])
        assert stats.kstest(x, reference.cdf).pvalue > 0.001  # wrong shapes give ~0
        low, high = dist.bounds
        assert x.min() >= low and x.max() <= high


def test_choice_follows_its_weights():
    dist = Distribution(choice=["rivals", "alliance"], weights=[0.75, 0.25])
    x = unc.quantile(dist, np.random.default_rng(0).random(20_000))
    assert abs(np.mean(x == "alliance") - 0.25) < 0.01


def test_latin_hypercube_is_stratified(world, nato):
    design = unc.sample(nato, world, 100, seed=1)
    low, high = nato.uncertainty["trade.disruption_factor"].bounds
    dist = nato.uncertainty["trade.disruption_factor"]
    # one draw in each of the 100 equal-probability strata
    u = np.array(
        [
            stats.triang.cdf(v, 7 / 22, loc=low, scale=high - low)
            for v in design["trade.disruption_factor"]
        ]
    )
    assert sorted(np.floor(u * 100).astype(int)) == list(range(100))
    assert dist.triangular == (0.08, 0.15, 0.30)


def test_evaluate_at_the_scenarios_values_equals_run(world, nato):
    result = analysis.run(nato, world)
    point = pd.DataFrame({"trade.disruption_factor": [0.15], "arms.reaction_rival": [0.15]})
    row = evaluate(world, nato, point).iloc[0]
    for name in SWEPT:
        assert row[name] == pytest.approx(result.values[name], rel=1e-9), name


def test_evaluate_moves_with_its_inputs(world, nato):
    design = pd.DataFrame(
        {"trade.disruption_factor": [0.1, 0.2], "arms.reaction_rival": [0.15, 0.24],
         "arms.reaction_alliance": [0.12, 0.2], "arms.fatigue_alliance": [0.2, 0.1],
         "arms.fatigue_rival": [0.2, 0.1]}
    )  # fmt: skip
    out = evaluate(world, nato, design)
    assert out["trade_at_risk_usd"].iloc[1] == pytest.approx(2 * out["trade_at_risk_usd"].iloc[0])
    # a*b = 0.048 > m*n = 0.01: the second draw runs away
    assert list(out["arms_race_stable"]) == [1.0, 0.0]


def test_bloc_choice_changes_membership_per_draw(world, nato):
    design = pd.DataFrame({"bloc.CHN": ["rivals", "alliance", "rivals"]})
    out = evaluate(world, nato, design)
    china_in = analysis.run(analysis.load_scenario("china-joins", world), world)
    assert out["cross_bloc_trade_usd"].iloc[1] < out["cross_bloc_trade_usd"].iloc[0]
    assert out["alliance_share_cinc"].iloc[1] == pytest.approx(
        china_in.values["alliance_share_cinc"]
    )
    assert out["cross_bloc_trade_usd"].iloc[2] == out["cross_bloc_trade_usd"].iloc[0]


def test_polarisation_for_many_draws_matches_the_single_formula():
    rng = np.random.default_rng(5)
    for _ in range(100):
        n = int(rng.integers(2, 9))
        y = np.tile(rng.integers(0, 5, size=n).astype(float), (4, 1))
        varying = rng.random(n) < 0.5
        y[:, varying] = rng.integers(0, 5, size=(4, varying.sum()))  # ties are common
        pi = rng.random(n)
        pi /= pi.sum()
        alpha = rng.uniform(0.25, 1.6, size=4)
        got = polarisation.esteban_ray_many(y, pi, alpha)
        want = [polarisation.esteban_ray(y[r], pi, alpha[r]) for r in range(4)]
        np.testing.assert_allclose(got, want, rtol=1e-12)


def test_parquet_keeps_table_and_metadata(tmp_path, world, nato):
    table = unc.sweep(nato, world, 500, seed=2)
    unc.save(table, tmp_path / "s.parquet")
    back = unc.load(tmp_path / "s.parquet")
    pd.testing.assert_frame_equal(back, table)
    assert back.attrs["sweep"] == table.attrs["sweep"]


def test_bands_are_ordered(world, nato):
    bands = unc.bands(unc.sweep(nato, world, 2000, seed=4))
    assert (bands["p05"] <= bands["p50"]).all() and (bands["p50"] <= bands["p95"]).all()
    assert bands.loc["trade_at_risk_usd", "p95"] > bands.loc["trade_at_risk_usd", "p05"]


TDF = "trade.disruption_factor"
BAD_UNCERTAINTY = [
    ({TDF: {"uniform": [0.3, 0.1]}}, TDF, "must be below high"),
    ({"arms.speed": {"uniform": [0.1, 0.2]}}, "arms.speed", "unknown input"),
    ({TDF: {"uniform": [0.1, 0.9]}}, TDF, "goes outside"),
    ({"judgements.CHN.position": {"triangular": [10, 5, 20]}}, "judgements.CHN.position",
     "low <= mode <= high"),
    ({"judgements.XYZ.position": {"uniform": [1, 2]}}, "judgements.XYZ.position", "unknown actor"),
    ({"bloc.CHN": {"uniform": [0, 1]}}, "bloc.CHN", "choice among"),
    ({"bloc.CHN": {"choice": ["rivals", "alliance"], "weights": [0.5, 0.6]}}, "bloc.CHN",
     "sum to 1"),
    ({TDF: {"uniform": [0.1, 0.2], "triangular": [0.1, 0.1, 0.2]}}, TDF, "exactly one"),
]  # fmt: skip


@pytest.mark.parametrize(("entry", "where", "message"), BAD_UNCERTAINTY)
def test_bad_uncertainty_is_rejected_before_anything_runs(tmp_path, world, entry, where, message):
    path = write(tmp_path, "bad", extends="status-quo", uncertainty=entry)
    with pytest.raises(ScenarioError) as caught:
        analysis.load_scenario(path, world)
    assert caught.value.where == f"field 'uncertainty.{where}'"
    assert message in caught.value.message


@pytest.mark.parametrize("draws", [0, -5, 2.5])
def test_draws_must_be_positive(world, nato, draws):
    with pytest.raises(ValueError, match="draws must be a positive whole number"):
        unc.sweep(nato, world, draws, seed=1)


def test_latin_hypercube_columns_are_drawn_one_by_one_from_children_of_the_seed(world, nato):
    """The documented scheme: input i (names sorted) takes scipy's one-dimensional Latin
    hypercube from the i-th child of SeedSequence(seed), mapped through its distribution;
    the same design whatever the number of threads."""
    from scipy.stats import qmc

    design = unc.sample(nato, world, 500, seed=9)
    inputs = unc.uncertain_inputs(nato, world)
    names = sorted(inputs)
    assert list(design.columns) == names
    children = np.random.SeedSequence(9).spawn(len(names))
    for name, child in zip(names, children, strict=True):
        u = qmc.LatinHypercube(d=1, seed=np.random.default_rng(child)).random(500)[:, 0]
        assert np.array_equal(design[name].to_numpy(), unc.quantile(inputs[name], u)), name


def test_the_design_does_not_depend_on_the_number_of_threads(world, nato, monkeypatch):
    many = unc.sample(nato, world, 300, seed=4)
    monkeypatch.setattr(unc.os, "cpu_count", lambda: 1)
    pd.testing.assert_frame_equal(unc.sample(nato, world, 300, seed=4), many, check_exact=True)


def test_quantiles_follow_the_closed_forms_exactly():
    from scipy import special

    u = np.random.default_rng(1).random(200_003)  # more than one chunk of CDF_CHUNK
    low, mode, high = 0.1, 0.25, 0.9
    width, split = high - low, (mode - low) / (high - low)
    triangular = np.where(
        u < split,
        low + np.sqrt(u * width * (mode - low)),
        high - np.sqrt((1 - u) * width * (high - mode)),
    )
    lo, hi = special.ndtr(-5 / 3), special.ndtr(5)
    normal = np.clip(5 + 3 * special.ndtri(lo + u * (hi - lo)), 0, 20)
    cases = {
        "uniform": (Distribution(uniform=[0.1, 0.3]), 0.1 + u * (0.3 - 0.1)),
        "triangular": (Distribution(triangular=[low, mode, high]), triangular),
        "normal": (Distribution(normal={"mean": 5, "sd": 3, "low": 0, "high": 20}), normal),
    }
    for name, (dist, expected) in cases.items():
        got = unc.quantile(dist, u)
        assert np.array_equal(got, expected), name
        assert np.array_equal(u, np.random.default_rng(1).random(200_003))  # u left as it was


def test_a_sweep_table_is_its_design_and_the_evaluation_of_it(tmp_path, world):
    """Inputs and outcomes share one array in a local sweep; the table is still the design,
    a bloc choice in its place among the inputs, then the outcomes of evaluating it."""
    path = write(
        tmp_path, "choosy", extends="asian-nato",
        uncertainty={"bloc.PHL": {"choice": ["alliance", "others"], "rationale": "r"}},
    )  # fmt: skip
    scenario = analysis.load_scenario(path, world)
    table = unc.sweep(scenario, world, 400, seed=5)
    design = unc.sample(scenario, world, 400, seed=5)
    pd.testing.assert_frame_equal(table[list(design.columns)], design, check_exact=True)
    assert list(table.columns) == list(design.columns) + list(SWEPT)
    assert set(table["bloc.PHL"]) == {"alliance", "others"}
    outcomes = evaluate(world, scenario, design, keys=list(SWEPT))
    pd.testing.assert_frame_equal(table[list(SWEPT)], outcomes, rtol=1e-12)
